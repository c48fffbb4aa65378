import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PortfolioImport

/// The order of a ranking: excluded holdings last, then composite highest
/// first, then canonical ticker, name and line.
///
/// Inlinable: the sensitivity check sorts with it millions of times from
/// another target.
@frozen
package struct RankKey: Comparable {
  package var excluded: Bool
  package var composite: Double
  package var ticker: String
  package var name: String
  package var line: Int

  package init(_ score: Score) {
    self.init(
      excluded: score.isExcluded,
      composite: score.composite,
      ticker: score.holding.ticker.canonical,
      name: score.holding.name,
      line: score.holding.line
    )
  }

  @inlinable
  package init(excluded: Bool, composite: Double, ticker: String, name: String, line: Int) {
    self.excluded = excluded
    self.composite = composite
    self.ticker = ticker
    self.name = name
    self.line = line
  }

  @inlinable
  package static func < (a: RankKey, b: RankKey) -> Bool {
    if a.excluded != b.excluded { return !a.excluded }
    if a.composite != b.composite { return a.composite > b.composite }
    return (a.ticker, a.name, a.line) < (b.ticker, b.name, b.line)
  }
}

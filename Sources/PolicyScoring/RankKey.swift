import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PortfolioImport

/// The order of a ranking: excluded holdings last, then composite highest
/// first, then canonical ticker, name and line.
package struct RankKey: Comparable {
  var excluded: Bool
  var composite: Double
  var ticker: String
  var name: String
  var line: Int

  package init(_ score: Score) {
    self.init(
      excluded: score.isExcluded,
      composite: score.composite,
      ticker: score.holding.ticker.canonical,
      name: score.holding.name,
      line: score.holding.line
    )
  }

  package init(excluded: Bool, composite: Double, ticker: String, name: String, line: Int) {
    self.excluded = excluded
    self.composite = composite
    self.ticker = ticker
    self.name = name
    self.line = line
  }

  package static func < (a: RankKey, b: RankKey) -> Bool {
    if a.excluded != b.excluded { return !a.excluded }
    if a.composite != b.composite { return a.composite > b.composite }
    return (a.ticker, a.name, a.line) < (b.ticker, b.name, b.line)
  }
}

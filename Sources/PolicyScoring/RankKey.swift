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

extension RankKey {
  /// A key's place in a sort: what decides most comparisons, held inline.
  ///
  /// Sorting a portfolio's keys by their indices read two 56-byte keys
  /// from all over memory per comparison, and the many ties of a composite
  /// compared tickers through their strings. An entry holds the excluded
  /// flag, the composite and a ticker's first 8 bytes, and goes to the keys
  /// only when those are equal.
  package struct SortEntry {
    var excluded: Bool
    /// Whether the ticker is ASCII, so that its bytes sort as the string does.
    var isASCII: Bool
    var composite: Double
    /// The ticker's first 8 bytes, big-endian, zero-padded.
    var prefix: UInt64
    package var index: Int

    package init(_ key: RankKey, index: Int) {
      excluded = key.excluded
      composite = key.composite
      self.index = index
      // The bytes in place, as nearly every ticker's are.
      func take(_ bytes: some Sequence<UInt8>) -> (prefix: UInt64, isASCII: Bool) {
        var prefix: UInt64 = 0
        var isASCII = true
        var taken = 0
        for byte in bytes {
          if byte >= 0x80 { isASCII = false }
          if taken < 8 {
            prefix = prefix << 8 | UInt64(byte)
            taken += 1
          }
        }
        return (prefix << (8 * UInt64(8 - taken)), isASCII)
      }
      let utf8 = key.ticker.utf8
      (prefix, isASCII) = utf8.withContiguousStorageIfAvailable { take($0) } ?? take(utf8)
    }

    /// Whether `self` comes before `other`, as their keys do; `key` gives
    /// the key of an index, asked only when the entries tie.
    package func precedes(_ other: SortEntry, key: (Int) -> RankKey) -> Bool {
      if excluded != other.excluded { return !excluded }
      if composite != other.composite { return composite > other.composite }
      if isASCII && other.isASCII && prefix != other.prefix { return prefix < other.prefix }
      return key(index) < key(other.index)
    }
  }
}

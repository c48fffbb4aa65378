public import PolicyScoreCore

/// Every ticker's levels on one calendar: the days any file has a price for.
///
/// A ticker without a price on a calendar day did not trade that day
/// (suspended, not yet listed, or delisted): its level there is missing,
/// never carried forward.
public struct PriceTable: Sendable {
  /// Trading days, ascending.
  public let calendar: [Day]
  /// Canonical tickers, sorted.
  public let tickers: [String]
  public let names: [String]
  /// `levels[ticker * calendar.count + day]`; NaN where the ticker has no price.
  private let levels: [Double]
  private let tickerIndex: [String: Int]

  /// Series made elsewhere (a synthetic market), as one file.
  public init(series: [PriceSeries]) throws(PriceError) {
    try self.init([
      PriceFile(
        file: "",
        layout: "",
        basis: "",
        series: series,
        rejects: [],
        rowsRead: 0,
        suspended: 0,
        inputHash: "",
        format: ""
      )
    ])
  }

  /// Merges `files`; a ticker in two files is an error naming both.
  public init(_ files: [PriceFile]) throws(PriceError) {
    var seen: [String: String] = [:]
    var all: [PriceSeries] = []
    for file in files {
      for series in file.series {
        if let first = seen[series.ticker] {
          throw .tickerInTwoFiles(ticker: series.ticker, first: first, second: file.file)
        }
        seen[series.ticker] = file.file
        all.append(series)
      }
    }
    all.sort { $0.ticker < $1.ticker }
    // Days are a few thousand ordinals apart at most: a table by ordinal
    // finds each day's place without hashing millions of them.
    let low = Int(all.compactMap { $0.days.first }.min() ?? 0)
    let high = Int(all.compactMap { $0.days.last }.max() ?? -1)
    var place = [Int32](repeating: -1, count: max(0, high - low + 1))
    for series in all {
      for day in series.days { place[Int(day) - low] = .max }
    }
    var ordinals: [Int32] = []
    for offset in place.indices where place[offset] == .max {
      place[offset] = Int32(ordinals.count)
      ordinals.append(Int32(offset + low))
    }
    var levels = [Double](repeating: .nan, count: ordinals.count * all.count)
    for (k, series) in all.enumerated() {
      let base = k * ordinals.count
      for (day, level) in zip(series.days, series.levels) {
        levels[base + Int(place[Int(day) - low])] = level
      }
    }
    calendar = ordinals.map { Day(ordinal: Int($0)) }
    tickers = all.map(\.ticker)
    names = all.map(\.name)
    self.levels = levels
    tickerIndex = Dictionary(uniqueKeysWithValues: all.map(\.ticker).enumerated().map { ($1, $0) })
  }

  public func index(of ticker: String) -> Int? { tickerIndex[ticker] }

  /// The level of ticker `k` on calendar day `t`; NaN when it did not trade.
  public func level(_ k: Int, _ t: Int) -> Double { levels[k * calendar.count + t] }

  /// The last calendar day at or before `day`, as an index; nil before the
  /// first.
  public func index(onOrBefore day: Day) -> Int? {
    let after = firstIndex(after: day)
    return after == 0 ? nil : after - 1
  }

  /// The first calendar day at or after `day`; nil after the last.
  public func index(onOrAfter day: Day) -> Int? {
    var low = 0
    var high = calendar.count
    while low < high {
      let mid = (low + high) / 2
      if calendar[mid] < day { low = mid + 1 } else { high = mid }
    }
    return low < calendar.count ? low : nil
  }

  private func firstIndex(after day: Day) -> Int {
    var low = 0
    var high = calendar.count
    while low < high {
      let mid = (low + high) / 2
      if calendar[mid] <= day { low = mid + 1 } else { high = mid }
    }
    return low
  }

  /// The return of ticker `k` from day `start` to its last price at or
  /// before day `end`; nil when it has no price on `start`, or none after it
  /// by `end`.
  public func forwardReturn(_ k: Int, from start: Int, to end: Int) -> Double? {
    let base = level(k, start)
    guard !base.isNaN, end > start else { return nil }
    var t = end
    while t > start {
      let value = level(k, t)
      if !value.isNaN { return value / base - 1 }
      t -= 1
    }
    return nil
  }

  /// Ticker `k`'s trade-to-trade returns: for each day it traded after an
  /// earlier trade, the return since that trade and the day of that trade.
  public func tradeReturns(_ k: Int) -> [(day: Int, since: Int, value: Double)] {
    var result: [(day: Int, since: Int, value: Double)] = []
    var last: Int?
    for t in calendar.indices {
      let value = level(k, t)
      guard !value.isNaN else { continue }
      if let last { result.append((t, last, value / level(k, last) - 1)) }
      last = t
    }
    return result
  }
}

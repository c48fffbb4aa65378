/// One row of a portfolio: a company, its weight, and what we know about it.
public struct Holding: Sendable, Hashable {
  /// 1-based line of the row in the file.
  public var line: Int
  public var portfolio: String
  public var ticker: Ticker
  public var name: String
  /// Share of its portfolio on 0...1: from the weight column, else from market value.
  public var weight: Double
  public var marketValue: Double?
  public var description: String
  /// Industry codes as written, one per entry (`GB:3581`, `医疗设备`).
  public var industryCodes: [String]
  public var origin: Origin?
  /// Share of revenue earned in China on 0...1, when the file gives it.
  public var chinaShare: Double?
  /// An explicit segment split from the file, shares summing to 1.
  public var split: [SegmentShare]?
  /// Later rows of the same company in the same portfolio, merged into this one.
  public var mergedLines: [Int] = []

  /// How many input rows this holding stands for.
  public var rowCount: Int { 1 + mergedLines.count }

  public init(
    line: Int,
    portfolio: String,
    ticker: Ticker,
    name: String,
    weight: Double,
    marketValue: Double?,
    description: String,
    industryCodes: [String],
    origin: Origin?,
    chinaShare: Double?,
    split: [SegmentShare]?
  ) {
    self.line = line
    self.portfolio = portfolio
    self.ticker = ticker
    self.name = name
    self.weight = weight
    self.marketValue = marketValue
    self.description = description
    self.industryCodes = industryCodes
    self.origin = origin
    self.chinaShare = chinaShare
    self.split = split
  }

  /// The key a ranking breaks ties on: canonical ticker, then name, then line.
  public var sortKey: (String, String, Int) { (ticker.canonical, name, line) }
}

/// A segment and the share of a holding's business in it.
public struct SegmentShare: Sendable, Hashable {
  public var segment: SegmentID
  public var share: Double

  public init(segment: SegmentID, share: Double) {
    self.segment = segment
    self.share = share
  }
}

/// A row that could not be imported, with where and why.
public struct RejectedRow: Sendable, Hashable {
  public var line: Int
  /// The header of the offending column, or "" when the whole row is at fault.
  public var column: String
  public var reason: String
  public var raw: String
  /// False for totals and note lines: not holdings, so not data loss.
  public var countsAgainstBudget = true

  public init(
    line: Int,
    column: String,
    reason: String,
    raw: String,
    countsAgainstBudget: Bool = true
  ) {
    self.line = line
    self.column = column
    self.reason = reason
    self.raw = raw
    self.countsAgainstBudget = countsAgainstBudget
  }
}

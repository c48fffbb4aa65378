public import PortfolioImport

/// One price file read: a series per ticker, the rows it could not read, and
/// how its values were taken, in words for the reports.
public struct PriceFile: Sendable {
  public var file: String
  /// `long` (a row per date and ticker) or `wide` (a column per ticker).
  public var layout: String
  /// How the values became returns: "adjusted closes from '收盘价(后复权)'".
  public var basis: String
  public var series: [PriceSeries]
  public var rejects: [RejectedRow]
  /// Data rows read, title and note lines aside; for a wide file, cells.
  public var rowsRead: Int
  /// Rows or cells without a price (blank, a dash, or zero volume): days the
  /// stock did not trade.
  public var suspended: Int
  public var inputHash: String
  /// How the file was decoded: `utf-8 ','`, `gb18030 '\t'`.
  public var format: String
  /// Headers that named neither a known column nor a ticker, ignored.
  public var ignoredHeaders: [String] = []

  /// Rejected rows that count against the data-loss budget, in percent of
  /// the rows read.
  public var rejectedPercent: Double {
    let counted = rejects.filter(\.countsAgainstBudget).count
    return rowsRead == 0 ? 0 : Double(counted) / Double(rowsRead) * 100
  }
}

/// One ticker's prices as a total-return level on the days it traded.
///
/// Whatever the file held (adjusted closes, closes with the previous close,
/// or returns), the level's ratio between two of its days is the return
/// between them.
public struct PriceSeries: Sendable, Hashable {
  /// Canonical ticker: `600276.SH`.
  public var ticker: String
  public var name: String
  /// `Day.ordinal` of each trading day, ascending.
  public var days: [Int32]
  public var levels: [Double]

  public init(ticker: String, name: String, days: [Int32], levels: [Double]) {
    self.ticker = ticker
    self.name = name
    self.days = days
    self.levels = levels
  }
}

public import Foundation
public import PolicyScoreCore
import PortfolioImport

/// Reads price and return files as analysts export them from Wind, Choice,
/// iFinD or tushare: long (a row per date and ticker) or wide (a date column,
/// then a column per ticker), in any encoding the portfolio reader detects,
/// below any title lines.
///
/// What the values are is read from the header (复权, 收盘价 with 前收盘价,
/// 涨跌幅) or said by `kind`; a file that does not say is refused, never
/// guessed. A bad row or cell becomes a located reject and the rest goes on.
/// A blank price, a dash, or a zero volume is a day the stock did not trade.
public struct PriceReader: Sendable {
  public var kind: PriceKind?
  public var returnUnit: ReturnUnit?
  public var encoding: TextEncoding?
  /// Stop at the first bad row.
  public var strict: Bool

  public init(
    kind: PriceKind? = nil,
    returnUnit: ReturnUnit? = nil,
    encoding: TextEncoding? = nil,
    strict: Bool = false
  ) {
    self.kind = kind
    self.returnUnit = returnUnit
    self.encoding = encoding
    self.strict = strict
  }

  public func read(contentsOf url: URL) throws(PriceError) -> PriceFile {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw .unreadable(file: url.path, reason: "no such file")
    }
    if isDirectory.boolValue {
      throw .unreadable(file: url.path, reason: "it is a folder; name the price files in it")
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw .unreadable(file: url.path, reason: "not readable")
    }
    return try read(bytes: Array(data), file: url.path)
  }

  public func read(bytes: [UInt8], file: String) throws(PriceError) -> PriceFile {
    if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0])
    {
      throw .unreadable(file: file, reason: "a spreadsheet workbook; save the sheet as CSV")
    }
    let decoder = TextDecoder(forcing: encoding)
    let text = decoder.decode(bytes, isLast: true)
    var scanner = CSVScanner(bytes: text)
    var titles: [String] = []
    var found: CSVScanner.Record?
    while let record = scanner.next() {
      if record.fields.contains(where: { PriceColumn.column(for: $0) == .date }) {
        found = record
        break
      }
      titles.append(record.fields.joined(separator: " "))
      if titles.count >= 50 { break }
    }
    guard let header = found else {
      throw .noHeader(file: file, recognised: PriceColumn.date.aliases)
    }
    let table = Layout(header: header, titles: titles, file: file)
    let format = "\(decoder.encoding?.rawValue ?? "utf-8") '\(Unicode.Scalar(scanner.delimiter))'"
    var collector = Collector(file: file, strict: strict)
    var rows = PriceRows(text: text, delimiter: scanner.delimiter, from: scanner.resumePoint)
    let basis: String
    if table.columns[.ticker] != nil {
      let mode = try longMode(table)
      basis = mode.basis
      try collector.readLong(&rows, layout: table, mode: mode)
    } else if !table.tickerColumns.isEmpty {
      let mode = try wideMode(table)
      basis = mode.basis
      try collector.readWide(&rows, layout: table, mode: mode)
    } else {
      throw .missingColumn(
        file: file,
        line: header.line,
        needed: "ticker column, nor any column headed by a ticker (600276.SH)",
        recognised: PriceColumn.ticker.aliases
      )
    }
    var result = collector.finish()
    result.layout = table.columns[.ticker] != nil ? "long" : "wide"
    result.basis = basis
    result.format = format
    result.inputHash = SHA256.hex(of: bytes)
    result.ignoredHeaders = table.ignored
    return result
  }

  /// How a long file's values become levels.
  private func longMode(_ layout: Layout) throws(PriceError) -> ValueMode {
    let close = layout.columns[.close]
    let previous = layout.columns[.previousClose]
    let returns = layout.columns[.dailyReturn]
    let closeHeader = close.map { layout.header[$0] } ?? ""
    let context = layout.titles.joined(separator: " ")
    switch kind {
    case .returns:
      guard let returns else { throw layout.missing("return", .dailyReturn) }
      return try returnMode(column: returns, layout: layout)
    case .adjusted:
      guard let close else { throw layout.missing("close", .close) }
      return .levels(
        column: close,
        basis: "adjusted closes from '\(closeHeader)' (--price-kind adjusted)"
      )
    case .unadjusted:
      guard let close else { throw layout.missing("close", .close) }
      if let previous {
        return .chained(
          column: close,
          previous: previous,
          basis: chainedBasis(layout, close, previous)
        )
      }
      return .levels(
        column: close,
        basis:
          "unadjusted closes from '\(closeHeader)' (--price-kind unadjusted): dividends and splits read as losses"
      )
    case nil:
      if let close, PriceColumn.saysAdjusted(closeHeader + " " + context) {
        return .levels(
          column: close,
          basis: "adjusted closes from '\(closeHeader)' (the header says 复权 or adj)"
        )
      }
      if let close, let previous {
        return .chained(
          column: close,
          previous: previous,
          basis: chainedBasis(layout, close, previous)
        )
      }
      if let returns { return try returnMode(column: returns, layout: layout) }
      guard close != nil else { throw layout.missing("close or return", .close) }
      throw .kindUnknown(
        file: layout.file,
        line: layout.line,
        reason:
          "'\(closeHeader)' does not say the closes are adjusted (复权), and there is no previous-close column (前收盘价): a dividend or split would read as a loss. Export adjusted closes, or say --price-kind adjusted if they are, or --price-kind unadjusted to accept them"
      )
    }
  }

  private func chainedBasis(_ layout: Layout, _ close: Int, _ previous: Int) -> String {
    "each day's return as '\(layout.header[close])' / '\(layout.header[previous])' − 1 (the previous close adjusted for ex-rights days)"
  }

  private func returnMode(column: Int, layout: Layout) throws(PriceError) -> ValueMode {
    let header = layout.header[column]
    if let unit = returnUnit {
      return .returns(
        column: column,
        unit: unit,
        basis: "daily returns from '\(header)' in \(unit.rawValue) (--return-unit)"
      )
    }
    if let unit = PriceColumn.returnUnit(declaredBy: header) {
      return .returns(
        column: column,
        unit: unit,
        basis: "daily returns from '\(header)' in percent (the header says so)"
      )
    }
    throw .kindUnknown(
      file: layout.file,
      line: layout.line,
      reason:
        "'\(header)' does not say whether 1.5 means 1.5% or 150%; say --return-unit percent or --return-unit fraction"
    )
  }

  /// How a wide file's cells become levels: the header has no value column
  /// to tell, so the title lines, the first header cell or the flag must.
  private func wideMode(_ layout: Layout) throws(PriceError) -> ValueMode {
    let named = (layout.titles + [layout.header[layout.columns[.date] ?? 0]]).joined(separator: " ")
    let kind = self.kind ?? PriceColumn.kind(named: named)
    switch kind {
    case .adjusted:
      return .levels(
        column: -1,
        basis: self.kind != nil
          ? "adjusted closes (--price-kind adjusted)"
          : "adjusted closes (the title says '\(named)')"
      )
    case .unadjusted where self.kind == .unadjusted:
      return .levels(
        column: -1,
        basis: "unadjusted closes (--price-kind unadjusted): dividends and splits read as losses"
      )
    case .returns:
      if let unit = returnUnit ?? PriceColumn.returnUnit(declaredBy: named) {
        return .returns(column: -1, unit: unit, basis: "daily returns in \(unit.rawValue)")
      }
      throw .kindUnknown(
        file: layout.file,
        line: layout.line,
        reason:
          "the columns are returns, but nothing says whether 1.5 means 1.5% or 150%; say --return-unit percent or --return-unit fraction"
      )
    default:
      throw .kindUnknown(
        file: layout.file,
        line: layout.line,
        reason:
          "a column per ticker, and nothing says whether the values are adjusted closes, unadjusted closes or returns; say --price-kind adjusted, unadjusted or returns"
      )
    }
  }
}

/// How values become levels.
enum ValueMode {
  case levels(column: Int, basis: String)
  case chained(column: Int, previous: Int, basis: String)
  case returns(column: Int, unit: ReturnUnit, basis: String)

  var basis: String {
    switch self {
    case .levels(_, let basis), .chained(_, _, let basis), .returns(_, _, let basis): return basis
    }
  }
}

/// The header's columns: named ones, and in a wide file the tickers'.
struct Layout {
  var file: String
  var line: Int
  var header: [String]
  var titles: [String]
  var columns: [PriceColumn: Int] = [:]
  var tickerColumns: [(index: Int, ticker: String, name: String)] = []
  /// Headers that name neither a known column nor a ticker.
  var ignored: [String] = []

  init(header record: CSVScanner.Record, titles: [String], file: String) {
    self.file = file
    self.line = record.line
    self.header = record.fields
    self.titles = titles
    for (index, name) in record.fields.enumerated() {
      if let column = PriceColumn.column(for: name) {
        if columns[column] == nil { columns[column] = index }
      } else if let (ticker, label) = Layout.ticker(inHeader: name) {
        tickerColumns.append((index, ticker, label))
      } else if !name.trimmingCharacters(in: .whitespaces).isEmpty {
        ignored.append(name)
      }
    }
  }

  func missing(_ what: String, _ column: PriceColumn) -> PriceError {
    .missingColumn(file: file, line: line, needed: what, recognised: column.aliases)
  }

  /// `600276.SH`, `SH600276`, `恒瑞医药(600276.SH)`, `600276.SH 恒瑞医药` or
  /// a US symbol in capitals (`ISRG`):
  /// the ticker and any name beside it; nil for a header naming no ticker.
  static func ticker(inHeader text: String) -> (String, String)? {
    var code = text.trimmingCharacters(in: .whitespaces)
    var name = ""
    if let open = code.firstIndex(where: { $0 == "(" || $0 == "（" }),
      let close = code.lastIndex(where: { $0 == ")" || $0 == "）" }), open < close
    {
      name = String(code[..<open]).trimmingCharacters(in: .whitespaces)
      code = String(code[code.index(after: open)..<close])
    } else if let space = code.firstIndex(of: " ") {
      name = String(code[code.index(after: space)...]).trimmingCharacters(in: .whitespaces)
      code = String(code[..<space])
    }
    let isSymbol = (1...5).contains(code.count) && code.allSatisfy { $0.isASCII && $0.isUppercase }
    guard code.contains(where: \.isASCIIDigit) || code.contains(".") || isSymbol else { return nil }
    let ticker = Ticker(code)
    guard ticker.market != nil, ticker.problem == nil else { return nil }
    return (ticker.canonical, name)
  }
}

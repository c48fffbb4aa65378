public import PolicyScoreCore
public import PortfolioImport

/// Why a price file could not be read at all; bad rows are rejects instead.
public enum PriceError: Error, Sendable {
  case unreadable(file: String, reason: String)
  /// No line within the first 50 names a date column.
  case noHeader(file: String, recognised: [String])
  /// The header does not say what the values are, and no flag did.
  case kindUnknown(file: String, line: Int, reason: String)
  case missingColumn(file: String, line: Int, needed: String, recognised: [String])
  /// A ticker's series comes from two files.
  case tickerInTwoFiles(ticker: String, first: String, second: String)
  case rejected(file: String, RejectedRow)
  case tooManyRejects(file: String, rejected: Int, rows: Int, limit: Double)
  case noPrices(file: String)
}

extension PriceError: DiagnosticError {
  public var diagnostics: [Diagnostic] {
    switch self {
    case .unreadable(let file, let reason):
      return [Diagnostic(.error, "cannot read prices: \(reason)", at: SourceLocation(file: file))]
    case .noHeader(let file, let recognised):
      return [
        Diagnostic(
          .error,
          "no header with a date column in the first 50 lines; recognised date headers are "
            + recognised.map { "'\($0)'" }.joined(separator: ", "),
          at: SourceLocation(file: file, line: 1, column: 1)
        )
      ]
    case .kindUnknown(let file, let line, let reason):
      return [Diagnostic(.error, reason, at: SourceLocation(file: file, line: line, column: 1))]
    case .missingColumn(let file, let line, let needed, let recognised):
      return [
        Diagnostic(
          .error,
          "no \(needed) column; recognised headers are "
            + recognised.map { "'\($0)'" }.joined(separator: ", "),
          at: SourceLocation(file: file, line: line, column: 1)
        )
      ]
    case .tickerInTwoFiles(let ticker, let first, let second):
      return [
        Diagnostic(
          .error,
          "\(ticker) has prices in \(first) and in \(second); give each series once",
          at: SourceLocation(file: second)
        )
      ]
    case .rejected(let file, let row):
      return [
        Diagnostic(
          .error,
          row.reason + " (--strict stops at the first bad row)",
          at: SourceLocation(file: file, line: row.line, column: row.position)
        )
      ]
    case .tooManyRejects(let file, let rejected, let rows, let limit):
      return [
        Diagnostic(
          .error,
          "\(rejected) of \(rows) price rows rejected, more than --max-rejects \(fixed(limit, decimals: 1))% allows; see the rejects report",
          at: SourceLocation(file: file)
        )
      ]
    case .noPrices(let file):
      return [Diagnostic(.error, "the file holds no prices", at: SourceLocation(file: file))]
    }
  }
}

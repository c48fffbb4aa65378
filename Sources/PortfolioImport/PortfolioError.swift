import Foundation
public import PolicyScoreCore

/// Why a portfolio could not be imported at all.
public enum PortfolioError: DiagnosticError, Equatable {
  case unreadable(file: String, reason: String)
  case empty(file: String)
  case missingColumn(file: String, line: Int, needed: String, recognised: [String])
  case duplicateColumn(file: String, line: Int, column: Int, header: String)
  case badHeader(file: String, line: Int, reason: String)
  /// `--strict`: the first rejected row stops the import.
  case rejected(file: String, RejectedRow)
  /// The workbook has no sheet of that name.
  case unknownSheet(file: String, name: String, sheets: [String])

  public var diagnostics: [Diagnostic] {
    switch self {
    case .unreadable(let file, let reason):
      return [Diagnostic(.error, "cannot read the file: \(reason)", at: SourceLocation(file: file))]
    case .empty(let file):
      return [
        Diagnostic(
          .error,
          "the file has no header row",
          at: SourceLocation(file: file, line: 1, column: 1)
        )
      ]
    case .missingColumn(let file, let line, let needed, let recognised):
      return [
        Diagnostic(
          .error,
          "no \(needed) column; recognised headers are \(recognised.map { "'\($0)'" }.joined(separator: ", "))",
          at: SourceLocation(file: file, line: line, column: 1)
        )
      ]
    case .duplicateColumn(let file, let line, let column, let header):
      return [
        Diagnostic(
          .error,
          "header '\(header)' names a column already given",
          at: SourceLocation(file: file, line: line, column: column)
        )
      ]
    case .badHeader(let file, let line, let reason):
      return [
        Diagnostic(
          .error,
          "cannot read the header: \(reason)",
          at: SourceLocation(file: file, line: line, column: 1)
        )
      ]
    case .unknownSheet(let file, let name, let sheets):
      return [
        Diagnostic(
          .error,
          "no sheet '\(name)'\(Suggestion.hint(for: name, in: sheets)); the sheets are \(sheets.map { "'\($0)'" }.joined(separator: ", "))",
          at: SourceLocation(file: file)
        )
      ]
    case .rejected(let file, let row):
      var diagnostic = row.diagnostic(in: file)
      diagnostic.severity = .error
      return [diagnostic]
    }
  }
}

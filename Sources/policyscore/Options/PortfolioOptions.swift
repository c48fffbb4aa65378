import ArgumentParser
import Foundation
import PolicyScoreKit

/// Reading the portfolio file, shared by every command that scores one.
struct PortfolioOptions: ParsableArguments {
  @Argument(help: ArgumentHelp("The portfolio CSV.", valueName: "portfolio.csv"))
  var portfolioPath: String

  @Flag(help: "Stop at the first rejected row instead of reporting it and going on.")
  var strict = false

  /// Reads the portfolio, printing each rejected row as a located warning.
  func read(model: ModelBundle) throws -> Portfolio {
    let reader = PortfolioReader(knownSegments: Set(model.segmentIDs), strict: strict)
    let portfolio: Portfolio
    do {
      portfolio = try reader.read(contentsOf: URL(fileURLWithPath: portfolioPath))
    } catch {
      printError(error.description)
      if case .rejected = error { throw ExitCodes.dataError }
      throw ExitCodes.failure
    }
    for reject in portfolio.rejects {
      let column = reject.column.isEmpty ? "" : " (column '\(reject.column)')"
      DiagnosticPrinter.print(
        Diagnostic(
          .warning,
          "row rejected\(column): \(reject.reason)",
          at: SourceLocation(file: portfolioPath, line: reject.line, column: 1)
        )
      )
    }
    if !portfolio.ignoredHeaders.isEmpty {
      DiagnosticPrinter.print(
        Diagnostic(
          .note,
          "ignored columns: \(portfolio.ignoredHeaders.map { "'\($0)'" }.joined(separator: ", "))",
          at: SourceLocation(file: portfolioPath, line: 1, column: 1)
        )
      )
    }
    return portfolio
  }

  /// `reports/<file name><suffix>`.
  func defaultOutput(suffix: String = "") -> URL {
    URL(
      fileURLWithPath: "reports/"
        + URL(fileURLWithPath: portfolioPath).deletingPathExtension().lastPathComponent + suffix
    )
  }
}

/// A wall-clock time (UTC, ISO 8601) for manifests and the store; now by default.
func timestamp(_ date: Date = Date()) -> String { ISO8601DateFormatter().string(from: date) }

/// Writes a report folder, or fails the command with a printed error.
func writeReports(_ files: [String: [UInt8]], to directory: URL) throws {
  do {
    try ReportFolder.write(files, to: directory)
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

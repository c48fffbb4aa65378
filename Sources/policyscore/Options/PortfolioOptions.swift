import ArgumentParser
import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// The portfolio file and how to read it, shared by every command that
/// scores one.
struct PortfolioOptions: ParsableArguments {
  @Argument(help: ArgumentHelp("The portfolio CSV.", valueName: "portfolio.csv"))
  var portfolioPath: String

  @OptionGroup var reading: PortfolioReadingOptions

  /// `rejectsFile` names the report that lists every rejected row, nil when
  /// the command writes none.
  func read(model: ModelBundle, rejectsFile: String?) throws -> Portfolio {
    try reading.read(portfolioPath, model: model, rejectsFile: rejectsFile)
  }

  /// `reports/<file name><suffix>`.
  func defaultOutput(suffix: String = "") -> URL {
    URL(
      fileURLWithPath: "reports/"
        + URL(fileURLWithPath: portfolioPath).deletingPathExtension().lastPathComponent + suffix
    )
  }
}

/// How to read a portfolio file.
struct PortfolioReadingOptions: ParsableArguments {
  @Flag(help: "Stop at the first rejected row instead of reporting it and going on.")
  var strict = false

  @Option(
    help: ArgumentHelp(
      "Fail (exit 65) when more than this percentage of rows is rejected; totals and note lines do not count.",
      valueName: "pct"
    )
  )
  var maxRejects: Double = 5

  @Option(
    help: ArgumentHelp(
      "Force the text encoding: utf-8, utf-16le, utf-16be or gb18030 (gbk); detected by default.",
      valueName: "name"
    )
  )
  var encoding: String?

  @Option(
    help: ArgumentHelp("The sheet of an .xlsx workbook (default: the first).", valueName: "name")
  )
  var sheet: String?

  /// Row warnings printed before the rest are summed up in one note.
  static let shownWarnings = 20

  func validate() throws {
    guard maxRejects.isFinite, (0...100).contains(maxRejects) else {
      throw ValidationError(
        "--max-rejects must be a percentage between 0 and 100, not \(maxRejects)"
      )
    }
  }

  /// Reads the portfolio, printing the first rejected rows as located
  /// warnings; fails with exit code 65 beyond the data-loss budget.
  func read(_ portfolioPath: String, model: ModelBundle, rejectsFile: String?) throws -> Portfolio {
    var forced: TextEncoding?
    if let encoding {
      guard let parsed = TextEncoding(name: encoding) else {
        throw ValidationError(
          "--encoding '\(encoding)' is not utf-8, utf-16le, utf-16be or gb18030"
        )
      }
      forced = parsed
    }
    let reader = PortfolioReader(
      knownSegments: Set(model.segmentIDs),
      strict: strict,
      encoding: forced,
      sheet: sheet
    )
    let portfolio: Portfolio
    do {
      portfolio = try reader.read(contentsOf: URL(fileURLWithPath: portfolioPath))
    } catch {
      printError(error.description)
      if case .rejected = error { throw ExitCodes.dataError }
      throw ExitCodes.failure
    }
    let rowWarnings =
      portfolio.rejects.map { reject in
        let column = reject.column.isEmpty ? "" : " (column '\(reject.column)')"
        return Diagnostic(
          .warning,
          "row rejected\(column): \(reject.reason)",
          at: SourceLocation(file: portfolioPath, line: reject.line, column: 1)
        )
      } + portfolio.warnings
    // A market-wide file can reject thousands of rows: the first ones show
    // the pattern, and the rejects report lists every one.
    DiagnosticPrinter.print(Array(rowWarnings.prefix(Self.shownWarnings)))
    if rowWarnings.count > Self.shownWarnings {
      DiagnosticPrinter.print(
        Diagnostic(
          .note,
          "\(rowWarnings.count - Self.shownWarnings) more warnings not shown; "
            + (rejectsFile.map { "\($0) lists every rejected row" }
              ?? "'policyscore score' lists every rejected row in rejects.csv"),
          at: SourceLocation(file: portfolioPath, line: 1, column: 1)
        )
      )
    }
    DiagnosticPrinter.print(
      Diagnostic(
        .note,
        "read as \(portfolio.format); weights as \(portfolio.weightBasis.rawValue)",
        at: SourceLocation(file: portfolioPath, line: 1, column: 1)
      )
    )
    if portfolio.rejectedPercent > maxRejects {
      DiagnosticPrinter.error(
        "\(portfolioPath): \(portfolio.budgetRejects) of \(portfolio.budgetRows) rows rejected (\(String(format: "%.1f", portfolio.rejectedPercent))%), above --max-rejects \(String(format: "%g", maxRejects))%"
      )
      throw ExitCodes.dataError
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
}

/// `--min-coverage`: fail a run whose mapping covers too little weight.
struct CoverageOption: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Fail (exit 65) when mapped holdings carry less than this percentage of the weight; nothing is written or recorded.",
      valueName: "pct"
    )
  )
  var minCoverage: Double?

  func validate() throws {
    if let minCoverage, !minCoverage.isFinite || !(0...100).contains(minCoverage) {
      throw ValidationError("--min-coverage must be a percentage between 0 and 100")
    }
  }

  /// The run's coverage, its line printed unless `quiet`.
  ///
  /// Fails with exit code 65 below the minimum, naming the heaviest unmapped
  /// holdings.
  @discardableResult
  func check(_ run: ScoreRun, file: String, quiet: Bool = false) throws -> MappingCoverage {
    let coverage = MappingCoverage(run: run)
    if !quiet {
      DiagnosticPrinter.print(
        Diagnostic(.note, coverage.summary, at: SourceLocation(file: file, line: 1, column: 1))
      )
    }
    guard let minCoverage, coverage.weightShare * 100 < minCoverage - 1e-9 else { return coverage }
    let heaviest = coverage.unmapped.prefix(5).map {
      "\($0.holding.ticker.canonical) (line \($0.holding.line), \(String(format: "%.1f", $0.holding.weight * 100))%)"
    }
    DiagnosticPrinter.error(
      "\(file): mapping covers \(String(format: "%.1f", coverage.weightShare * 100))% of the weight, below --min-coverage \(String(format: "%g", minCoverage))%; unmapped, heaviest first: \(heaviest.joined(separator: ", "))"
    )
    throw ExitCodes.dataError
  }
}

/// A wall-clock time (UTC, ISO 8601) for manifests and the store; now by default.
func timestamp(_ date: Date = Date()) -> String { ISO8601DateFormatter().string(from: date) }

/// Fails the command, before any work, when `directory` is not PolicyScore's
/// to replace (see `OutputFolder`); `protecting` are the store and inputs.
func checkOutput(_ directory: URL, protecting: [URL]) throws {
  do {
    try OutputFolder.checkReplaceable(directory, protecting: protecting)
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

/// Writes a report folder under a temporary name, or fails the command with
/// a printed error; `commitReports` swaps it in.
func stageReports(
  _ files: [String: ReportFile],
  for directory: URL,
  protecting: [URL]
) throws -> StagedReports {
  do {
    return try ReportFolder.stage(files, for: directory, protecting: protecting)
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

/// Swaps staged reports into place, or fails the command with a printed error.
func commitReports(_ staged: StagedReports?) throws {
  do {
    try staged?.commit()
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

/// Keeps a command's runs (their holdings, mappings and scores) until the
/// process exits, which frees them all at once: freed object by object, a
/// million holdings take about a second after the work is done.
func keepUntilExit(_ runs: [ScoreRun]) {
  KeptUntilExit.runs += runs
}

private enum KeptUntilExit {
  /// Written once, by the command's thread, just before it returns.
  nonisolated(unsafe) static var runs: [ScoreRun] = []
}

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
  @Argument(help: ArgumentHelp("The portfolio: CSV or .xlsx.", valueName: "portfolio.csv"))
  var portfolioPath: String

  @OptionGroup var reading: PortfolioReadingOptions

  var url: URL { URL(fileURLWithPath: portfolioPath) }

  /// `reports/<file name><suffix>`.
  func defaultOutput(suffix: String = "") -> URL {
    URL(fileURLWithPath: "reports/" + url.deletingPathExtension().lastPathComponent + suffix)
  }
}

/// How to read a portfolio file, and how much of it may be lost.
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

  func validate() throws {
    guard maxRejects.isFinite, (0...100).contains(maxRejects) else {
      throw ValidationError(
        "--max-rejects must be a percentage between 0 and 100, not \(maxRejects)"
      )
    }
    if let encoding, TextEncoding(name: encoding) == nil {
      throw ValidationError("--encoding '\(encoding)' is not utf-8, utf-16le, utf-16be or gb18030")
    }
  }

  /// The reader these options describe, for `model`'s segments.
  func reader(for model: ModelBundle) -> PortfolioReader {
    PortfolioReader(
      knownSegments: Set(model.segmentIDs),
      strict: strict,
      encoding: encoding.flatMap(TextEncoding.init(name:)),
      sheet: sheet
    )
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
}

/// The pipeline a command runs, telling the terminal what it does: its
/// stages on the status line, the file's rejected rows and notes, and the
/// mapping's coverage.
///
/// - Parameters:
///   - model: The loaded model.
///   - decisions: The analyst's saved decisions, applied first.
///   - edition: The catalogue edition; the model's default when nil.
///   - asOf: The as-of date.
///   - reading: The reading options, for the data-loss budget.
///   - minCoverage: The share of weight the mapping must cover, in percent.
///   - rejectsFile: The report that lists every rejected row, named when
///     more are rejected than are shown; nil when the command writes none.
///   - showsCoverage: Whether to print the coverage note.
/// - Returns: The configured pipeline.
/// - Throws: when no catalogue edition applies on `asOf`.
func pipeline(
  model: ModelBundle,
  decisions: [MappingDecision],
  edition: String?,
  asOf: Day,
  reading: PortfolioReadingOptions,
  minCoverage: Double?,
  rejectsFile: String?,
  showsCoverage: Bool = true
) throws(PipelineError) -> ScoringPipeline {
  var pipeline = try ScoringPipeline(
    model: model,
    decisions: decisions,
    edition: edition,
    asOf: asOf
  )
  pipeline.maxRejects = reading.maxRejects
  pipeline.minCoverage = minCoverage
  pipeline.observe = { event in
    switch event {
    case .stage(let text): Progress.shared.stage(text)
    case .read(let portfolio): printReading(portfolio, rejectsFile: rejectsFile)
    case .covered(let coverage, let file):
      if showsCoverage {
        DiagnosticPrinter.print(Diagnostic(.note, coverage.summary, at: SourceLocation(file: file)))
      }
    }
  }
  return pipeline
}

/// Row warnings printed before the rest are summed up in one note.
let shownRowWarnings = 20

/// The first rejected rows as located warnings (totals and note lines as
/// notes), then how the file was read.
private func printReading(_ portfolio: Portfolio, rejectsFile: String?) {
  let file = portfolio.file
  let rows = portfolio.rejects.map { $0.diagnostic(in: file) } + portfolio.warnings
  // A market-wide file can reject thousands of rows: the first ones show the
  // pattern, and the rejects report lists every one.
  DiagnosticPrinter.print(Array(rows.prefix(shownRowWarnings)))
  if rows.count > shownRowWarnings {
    DiagnosticPrinter.print(
      Diagnostic(
        .note,
        "\(rows.count - shownRowWarnings) more warnings not shown; "
          + (rejectsFile.map { "\($0) lists every rejected row" }
            ?? "'policyscore score' lists every rejected row in rejects.csv"),
        at: SourceLocation(file: file)
      )
    )
  }
  DiagnosticPrinter.print(
    Diagnostic(
      .note,
      "read as \(portfolio.format); weights as \(portfolio.weightBasis.rawValue)",
      at: SourceLocation(file: file)
    )
  )
  if !portfolio.ignoredHeaders.isEmpty {
    DiagnosticPrinter.print(
      Diagnostic(
        .note,
        "ignored columns: \(portfolio.ignoredHeaders.map { "'\($0)'" }.joined(separator: ", "))",
        at: SourceLocation(file: file)
      )
    )
  }
}

/// The wall-clock time now (UTC, ISO 8601), for manifests and the store.
func timestamp() -> String { Date().timestamp }

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

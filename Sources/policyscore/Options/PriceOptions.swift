public import ArgumentParser
import Foundation
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
public import PriceImport
public import PriceStudies
import Reports

/// The price files of `backtest` and `event`, and what their values are.
struct PriceOptions: ParsableArguments {
  @Option(
    name: .customLong("prices"),
    help: ArgumentHelp(
      "A price or return file, long (date, ticker, close or return) or wide (a date column, one column per ticker); repeat for several.",
      valueName: "file"
    )
  )
  var paths: [String] = []

  @Option(
    help: ArgumentHelp(
      "What the values are when the header does not say: adjusted (复权 closes), unadjusted (closes as traded), or returns.",
      valueName: "kind"
    )
  )
  var priceKind: PriceKind?

  @Option(
    help: ArgumentHelp(
      "How returns are written when the header does not say (涨跌幅 and pct_chg are percent): percent or fraction.",
      valueName: "unit"
    )
  )
  var returnUnit: ReturnUnit?

  func validate() throws {
    guard !paths.isEmpty else {
      throw ValidationError("give at least one price file with --prices FILE")
    }
  }

  var urls: [URL] { paths.map { URL(fileURLWithPath: $0) } }

  /// Reads every file, prints its first rejects and how it was read, and
  /// holds each to the data-loss budget.
  ///
  /// - Throws: `PriceError` for an unreadable file, one that does not say
  ///   what its values are, or one with more rejects than `maxRejects`.
  func load(maxRejects: Double, strict: Bool) throws -> (files: [PriceFile], table: PriceTable) {
    let reader = PriceReader(kind: priceKind, returnUnit: returnUnit, strict: strict)
    var files: [PriceFile] = []
    for url in urls {
      Progress.shared.stage("reading \(url.path)")
      let file = try reader.read(contentsOf: url)
      let rows = file.rejects.map { $0.diagnostic(in: file.file) }
      DiagnosticPrinter.print(Array(rows.prefix(shownRowWarnings)))
      if rows.count > shownRowWarnings {
        DiagnosticPrinter.print(
          Diagnostic(
            .note,
            "\(rows.count - shownRowWarnings) more warnings not shown; price-rejects.csv lists every one",
            at: SourceLocation(file: file.file)
          )
        )
      }
      DiagnosticPrinter.print(
        Diagnostic(
          .note,
          "read as \(file.format), \(file.layout): \(file.series.count) ticker\(file.series.count == 1 ? "" : "s"), \(file.basis)"
            + (file.suspended > 0
              ? "; \(file.suspended) blank or zero-volume days read as suspensions" : ""),
          at: SourceLocation(file: file.file)
        )
      )
      if !file.ignoredHeaders.isEmpty {
        DiagnosticPrinter.print(
          Diagnostic(
            .note,
            "ignored columns: \(file.ignoredHeaders.prefix(10).map { "'\($0)'" }.joined(separator: ", "))"
              + (file.ignoredHeaders.count > 10
                ? " and \(file.ignoredHeaders.count - 10) more" : ""),
            at: SourceLocation(file: file.file)
          )
        )
      }
      guard file.rejectedPercent <= maxRejects else {
        throw PriceError.tooManyRejects(
          file: file.file,
          rejected: file.rejects.filter(\.countsAgainstBudget).count,
          rows: file.rowsRead,
          limit: maxRejects
        )
      }
      guard !file.series.isEmpty else { throw PriceError.noPrices(file: file.file) }
      files.append(file)
    }
    return (files, try PriceTable(files))
  }
}

extension PriceKind: ExpressibleByArgument {}
extension ReturnUnit: ExpressibleByArgument {}
extension Backtest.Rebalance: ExpressibleByArgument {}

/// A date option's value, or a usage error naming the option.
func parseDay(_ text: String?, option: String) throws -> Day? {
  guard let text else { return nil }
  guard let day = Day(text) else {
    throw ValidationError("\(option) '\(text)' is not a date; write YYYY-MM-DD")
  }
  return day
}

/// What `backtest` and `event` share: the holdings read without weights,
/// the pipeline as of a date, and the reports published and summed up.
protocol PriceStudyCommand {
  var input: PortfolioOptions { get }
  var model: ModelOptions { get }
  var store: StoreOption { get }
  var language: LanguageOption { get }
}

extension PriceStudyCommand {
  /// The pipeline as of `day`, with the analysts' decisions, and a reader
  /// that takes a list without weights (a universe) as equal weights.
  func studyPipeline(
    _ bundle: ModelBundle,
    asOf day: Day
  ) throws -> (pipeline: ScoringPipeline, reader: PortfolioReader) {
    let pipeline = try pipeline(
      model: bundle,
      decisions: try store.decisions(),
      edition: model.edition,
      asOf: day,
      reading: input.reading,
      minCoverage: nil,
      rejectsFile: nil
    )
    var reader = input.reading.reader(for: bundle)
    reader.equalWeightsWhenMissing = true
    return (pipeline, reader)
  }

  var context: RunContext {
    RunContext(
      toolVersion: PolicyScore.version,
      generatedAt: timestamp(),
      language: language.language
    )
  }

  /// Writes `files` into `out`, then prints `text` and where the reports are.
  func publish(
    _ files: [String: ReportFile],
    names: [String],
    text: String,
    to out: URL,
    protecting protected: [URL],
    with pipeline: ScoringPipeline,
    run: ScoreRun
  ) throws {
    try pipeline.publish(files, to: out, protecting: protected) { _ in }
    Progress.shared.finish()
    print(text)
    print("reports: \(shown(out.path))/ (\(names.joined(separator: ", ")))")
    keepUntilExit([run])
  }
}

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

struct MapCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "map",
    abstract: "Show how holdings map to segments; review, correct and evaluate the mapping.",
    discussion: """
      Methods, in priority order, each named on the mapping: the file's own
      split (a 'segments' column); the analyst's saved decision; the company
      registry (Models/registry.yaml); industry codes (GB/T 4754, CSRC 2012,
      Shenwan 2021, GICS), with the text choosing among the code's segments;
      keywords in the name and description.

      The review loop:
        1. policyscore map holdings.csv --review review.csv
           writes every unmapped, borderline or low-confidence holding with
           its candidates. Open it in Excel and fill in 'action':
             accept   keep the 'proposed' split
             reject   the company is in no segment: leave it unmapped
             replace  use the 'segments' cell, e.g. medical-imaging:60%; life-support:40%
           and, if you like, a 'reason'.
        2. policyscore map --apply review.csv --by "Li Wei"
           saves the decisions in the store (who, when, why). Every later
           score, scenarios, sensitivity and job run applies them.
        3. policyscore decisions list
           shows them; one whose description has changed since is flagged.

      --evaluate LABELS.csv measures the codes-and-text methods against a
      labelled set (columns ticker, name, description, domain, segments,
      industry_codes), without the registry unless --with-registry.

      Exit codes: 0 success; 1 unreadable file or bad model; 64 bad
      arguments; 65 a review file with errors (nothing is saved), or
      coverage below --min-coverage.

      Examples:
        policyscore map Examples/portfolio.csv
        policyscore map holdings.csv --review review.csv --min-coverage 90
        policyscore map --apply review.csv --by analyst@fund.cn
        policyscore map --evaluate Tests/PolicyScoreTests/Fixtures/mapping/labels.csv
      """
  )

  @Argument(help: ArgumentHelp("The portfolio CSV to map.", valueName: "portfolio.csv"))
  var portfolioPath: String?

  @Option(
    help: ArgumentHelp(
      "Write the holdings that need review, with their candidates, to this CSV.",
      valueName: "file"
    )
  )
  var review: String?

  @Option(
    help: ArgumentHelp(
      "Save the decisions marked in a review file to the store.",
      valueName: "review.csv"
    )
  )
  var apply: String?

  @Option(
    help: ArgumentHelp(
      "Who made the decisions being applied (default: $USER).",
      valueName: "name"
    )
  )
  var by: String?

  @Option(
    help: ArgumentHelp(
      "Measure the mapping against a labelled set of companies.",
      valueName: "labels.csv"
    )
  )
  var evaluate: String?

  @Flag(help: "With --evaluate: let the company registry answer too.")
  var withRegistry = false

  @Option(
    help: ArgumentHelp(
      "With --evaluate: also write one row per company to this CSV.",
      valueName: "file"
    )
  )
  var out: String?

  @Option(
    help: "The printed result: table (coverage and uncertain holdings) or csv (mappings.csv)."
  )
  var format: OutputFormat = .table

  @OptionGroup var reading: PortfolioReadingOptions
  @OptionGroup var coverage: CoverageOption
  @OptionGroup var model: ModelOptions

  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The store holding the decisions (default: policyscore.sqlite here).",
      valueName: "path"
    )
  )
  var databasePath = "policyscore.sqlite"

  func validate() throws {
    let modes = [portfolioPath != nil, apply != nil, evaluate != nil].filter { $0 }.count
    guard modes == 1 else {
      throw ValidationError(
        "give one of: a portfolio file, --apply REVIEW.csv or --evaluate LABELS.csv"
      )
    }
    if format == .json { throw ValidationError("map prints --format table or csv") }
    if review != nil, portfolioPath == nil {
      throw ValidationError("--review needs a portfolio file to map")
    }
  }

  func run() throws {
    let bundle = try model.loadModel()
    if let apply {
      try applyReview(apply, model: bundle)
    } else if let evaluate {
      try runEvaluation(evaluate, model: bundle)
    } else if let portfolioPath {
      try map(portfolioPath, model: bundle)
    }
  }

  private func map(_ path: String, model bundle: ModelBundle) throws {
    let portfolio = try reading.read(path, model: bundle, rejectsFile: nil)
    let decisions = try savedDecisions(at: databasePath)
    let mapper = Mapper(model: bundle, decisions: decisions)
    let scoring = ScoringModel(model: bundle, edition: model.edition, asOf: AsOfOption.today())
    let run = ScoreRun(portfolio: portfolio, scoring: scoring, mapper: mapper)
    try coverage.check(run, file: path, quiet: true)
    if let review, let existing = FileManager.default.contents(atPath: review),
      ReviewFile.markedRows(in: Array(existing)) > 0
    {
      DiagnosticPrinter.error(
        "\(review) has actions marked that are not saved yet; save them with 'policyscore map --apply \(review)' or write the review to another file"
      )
      throw ExitCodes.failure
    }
    if let review {
      let (bytes, count) = ReviewFile.render(
        run: run,
        below: bundle.parameters.reviewBelow,
        decided: mapper.decisionsByTicker
      )
      try writeFile(bytes, to: review)
      printError(
        "\(review): \(count) holding\(count == 1 ? "" : "s") to review; mark 'action', then run: policyscore map --apply \(review)"
      )
    }
    switch format {
    case .csv:
      let reports = ReportSet(
        run: run,
        context: RunContext(toolVersion: PolicyScore.version, generatedAt: timestamp())
      )
      reports.files["mappings.csv"]?.write { FileHandle.standardOutput.write(Data($0)) }
    case .table, .json:
      print(MappingSummary(run: run, decisions: decisions.count).text)
    }
  }

  private func applyReview(_ path: String, model bundle: ModelBundle) throws {
    let bytes = try readFile(path)
    let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
    let marked = ReviewFile.read(
      bytes: bytes,
      file: path,
      knownSegments: Set(bundle.segmentIDs),
      decidedBy: who,
      decidedAt: timestamp()
    )
    if !marked.problems.isEmpty {
      DiagnosticPrinter.print(marked.problems)
      DiagnosticPrinter.error(
        "\(path): \(marked.problems.count) problem\(marked.problems.count == 1 ? "" : "s"); no decision was saved"
      )
      throw ExitCodes.dataError
    }
    let store = try openStore(databasePath)
    let ids = try storeCall { try store.save(marked.decisions) }
    let counts = Dictionary(grouping: marked.decisions, by: \.action).mapValues(\.count)
    let parts = MappingDecision.Action.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }
    print(
      "saved \(ids.count) decision\(ids.count == 1 ? "" : "s") in \(store.path) (\(parts.joined(separator: ", "))); \(marked.unmarked) row\(marked.unmarked == 1 ? "" : "s") left unmarked"
    )
  }

  private func runEvaluation(_ path: String, model bundle: ModelBundle) throws {
    let bytes = try readFile(path)
    let evaluation: MappingEvaluation
    do {
      evaluation = try MappingEvaluation(
        labels: bytes,
        file: path,
        model: bundle,
        mapper: Mapper(model: bundle, useRegistry: withRegistry)
      )
    } catch {
      if case .invalid(let diagnostics) = error { DiagnosticPrinter.print(diagnostics) }
      DiagnosticPrinter.error("\(path): the labels have errors")
      throw ExitCodes.dataError
    }
    if let out { try writeFile(evaluation.csv, to: out) }
    switch format {
    case .csv: FileHandle.standardOutput.write(Data(evaluation.csv))
    case .table, .json: print(evaluation.report())
    }
  }
}

/// The bytes of the file at `path`, or fails the command with a printed error.
func readFile(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    DiagnosticPrinter.error("cannot read '\(path)'")
    throw ExitCodes.failure
  }
  return Array(data)
}

/// Writes one file atomically, or fails the command with a printed error.
///
/// A file already there is replaced only when PolicyScore wrote it (see
/// `OutputFolder.checkReplaceable(file:with:)`).
func writeFile(_ bytes: [UInt8], to path: String) throws {
  do {
    try OutputFolder.checkReplaceable(file: URL(fileURLWithPath: path), with: bytes)
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
  do {
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    DiagnosticPrinter.error("cannot write '\(path)': \(error.localizedDescription)")
    throw ExitCodes.failure
  }
}

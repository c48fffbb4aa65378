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
      Each holding is first identified by its ticker or name among the
      listings of Models/universe.yaml; one outside healthcare is out of
      scope. Methods, in priority order, each named on the mapping: the
      file's own split (a 'segments' column); the analyst's saved decision;
      the company registry (Models/registry*.yaml); industry codes (GB/T
      4754, CSRC 2012, Shenwan 2021, GICS, or the listing's), with the text
      choosing among the code's segments; keywords in the name and
      description.

      The review loop:
        1. policyscore map holdings.csv --review review.csv
           writes every unmapped, borderline or low-confidence holding with
           its candidates. Open it in Excel and fill in 'action':
             accept   keep the 'proposed' split (for an unmapped holding,
                      what its text names too weakly to map by)
             reject   the company is outside healthcare: out of scope
                      (also 'out-of-scope')
             replace  use the 'segments' cell, e.g. medical-imaging:60%; life-support:40%
           and, if you like, a 'reason'.
        2. policyscore map apply review.csv --by "Li Wei"
           saves the decisions in the store (who, when, why). Every later
           score, scenarios, sensitivity and job run applies them.
        3. policyscore decisions list
           shows them; one whose description has changed since is flagged.

      'map PORTFOLIO' is 'map show PORTFOLIO'. The spellings 'map --apply
      FILE' and 'map --evaluate FILE' still work.

      Examples:
        policyscore map Examples/portfolio.csv
        policyscore map holdings.csv --review review.csv --min-coverage 90
        policyscore map apply review.csv --by analyst@fund.cn
        policyscore map evaluate Tests/PolicyScoreTests/Fixtures/mapping/labels.csv
      """,
    subcommands: [Show.self, Apply.self, Evaluate.self],
    defaultSubcommand: Show.self
  )

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show how a portfolio maps: coverage by method and domain, the uncertain holdings.",
      discussion: """
        Exit codes: 0 success; 1 unreadable file or bad model; 64 bad
        arguments; 65 coverage below --min-coverage, or more rows rejected
        than --max-rejects allows.

        Examples:
          policyscore map show Examples/portfolio.csv
          policyscore map holdings.csv --review review.csv --min-coverage 90
          policyscore map holdings.csv --format csv > mappings.csv
        """
    )

    @Argument(help: ArgumentHelp("The portfolio to map.", valueName: "portfolio.csv"))
    var portfolioPath: String?

    @Option(
      help: ArgumentHelp(
        "Write the holdings that need review, with their candidates, to this CSV.",
        valueName: "file"
      )
    )
    var review: String?

    @Option(
      help:
        "The printed result: table (coverage and uncertain holdings), csv (every holding–segment pair with its evidence) or json."
    )
    var format: OutputFormat = .table

    @OptionGroup var reading: PortfolioReadingOptions
    @OptionGroup var coverage: CoverageOption
    @OptionGroup var model: ModelOptions
    @OptionGroup var store: StoreOption

    // The earlier spellings, 'map --apply FILE' and 'map --evaluate FILE'.
    @Option(help: .hidden) var apply: String?
    @Option(help: .hidden) var by: String?
    @Option(help: .hidden) var evaluate: String?
    @Flag(help: .hidden) var withRegistry = false
    @Option(help: .hidden) var out: String?

    func validate() throws {
      let modes = [portfolioPath != nil, apply != nil, evaluate != nil].filter { $0 }.count
      guard modes == 1 else {
        throw ValidationError("give a portfolio file, or use 'map apply' or 'map evaluate'")
      }
    }

    func run() throws {
      if let apply {
        printError("note: 'map --apply FILE' is now 'map apply FILE'")
        return try Apply.save(apply, by: by, model: model, store: store)
      }
      if let evaluate {
        printError("note: 'map --evaluate FILE' is now 'map evaluate FILE'")
        return try Evaluate.evaluate(
          evaluate,
          withRegistry: withRegistry,
          out: out,
          format: format,
          model: model
        )
      }
      guard let portfolioPath else { return }
      let bundle = try model.loadModel()
      let decisions = try store.decisions()
      let pipeline = try pipeline(
        model: bundle,
        decisions: decisions,
        edition: model.edition,
        asOf: AsOfOption.today(),
        reading: reading,
        minCoverage: coverage.minCoverage,
        rejectsFile: nil,
        showsCoverage: false
      )
      let run = try pipeline.run(
        .file(URL(fileURLWithPath: portfolioPath)),
        with: reading.reader(for: bundle)
      )
      if let review {
        try writeReview(run, to: review, below: bundle.parameters.reviewBelow, pipeline: pipeline)
      }
      Progress.shared.finish()
      switch format {
      case .csv:
        ReportSet.mappings(run).write { FileHandle.standardOutput.write(Data($0)) }
      case .json:
        print(MappingSummary.json(run))
      case .table:
        print(MappingSummary(run: run, decisions: decisions.count).text)
      }
    }

    /// Writes the review file, unless one there holds marks not yet saved.
    private func writeReview(
      _ run: ScoreRun,
      to path: String,
      below: Double,
      pipeline: ScoringPipeline
    ) throws {
      if let existing = FileManager.default.contents(atPath: path),
        ReviewFile.markedRows(in: Array(existing)) > 0
      {
        throw Diagnostic(
          .error,
          "\(path) has actions marked that are not saved yet; save them with 'policyscore map apply \(path)' or write the review to another file"
        )
      }
      let (bytes, count) = ReviewFile.render(
        run: run,
        below: below,
        decided: pipeline.mapper.decisionsByTicker,
        weakCandidates: pipeline.mapper.weakCandidates
      )
      try writeFile(bytes, to: path)
      printError(
        "\(path): \(count) holding\(count == 1 ? "" : "s") to review; mark 'action', then run: policyscore map apply \(path)"
      )
    }
  }

  struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "apply",
      abstract: "Save the decisions marked in a review file, or a decisions export, to the store.",
      discussion: """
        A file with any error (an unknown segment, an unknown action, a
        ticker marked twice) is reported line by line, and nothing is saved
        (exit 65). A decisions export keeps who decided and when.

        Examples:
          policyscore map apply review.csv --by "Li Wei"
          policyscore map apply team-decisions.csv --db shared.sqlite
        """
    )

    @Argument(help: ArgumentHelp("The marked review file.", valueName: "review.csv"))
    var file: String

    @Option(help: ArgumentHelp("Who made the decisions (default: $USER).", valueName: "name"))
    var by: String?

    @OptionGroup var model: ModelOptions
    @OptionGroup var store: StoreOption

    func run() throws {
      try Self.save(file, by: by, model: model, store: store)
    }

    static func save(_ path: String, by: String?, model: ModelOptions, store: StoreOption) throws {
      let bundle = try model.loadModel()
      let marked = ReviewFile.read(
        bytes: try readFile(path),
        file: path,
        knownSegments: Set(bundle.segmentIDs),
        decidedBy: by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown",
        decidedAt: timestamp()
      )
      guard marked.problems.isEmpty else { try reject(marked, path) }
      let opened = try store.open()
      let ids = try opened.save(marked.decisions)
      let counts = Dictionary(grouping: marked.decisions, by: \.action).mapValues(\.count)
      let parts = MappingDecision.Action.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }
      print(
        "saved \(ids.count) decision\(ids.count == 1 ? "" : "s") in \(shown(opened.path)) (\(parts.joined(separator: ", "))); \(marked.unmarked) row\(marked.unmarked == 1 ? "" : "s") left unmarked"
      )
    }

    private static func reject(_ marked: ReviewFile.Marked, _ path: String) throws -> Never {
      DiagnosticPrinter.print(marked.problems)
      DiagnosticPrinter.print(
        Diagnostic(
          .error,
          "\(marked.problems.count) problem\(marked.problems.count == 1 ? "" : "s"); no decision was saved",
          at: SourceLocation(file: path)
        )
      )
      throw ExitCodes.dataError
    }
  }

  struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "evaluate",
      abstract: "Measure the mapping against a labelled set of companies.",
      discussion: """
        The labels file has the columns ticker, name, description, domain,
        segments and industry_codes. The codes-and-text methods answer; with
        --with-registry the universe identifies each company by ticker or name
        and the registry answers first; with --blank-codes only the name and
        description speak. Prints domain accuracy, precision and recall per
        domain and segment, a confusion table and the worst errors.

        Examples:
          policyscore map evaluate Tests/PolicyScoreTests/Fixtures/mapping/labels.csv
          policyscore map evaluate labels.csv --with-registry --out per-company.csv
          policyscore map evaluate vendor-short.csv --blank-codes
        """
    )

    @Argument(help: ArgumentHelp("The labelled companies.", valueName: "labels.csv"))
    var file: String

    @Flag(help: "Let the universe (by ticker and name) and the company registry answer too.")
    var withRegistry = false

    @Flag(help: "Leave out the industry codes: measure what the text alone says.")
    var blankCodes = false

    @Option(help: ArgumentHelp("Also write one row per company to this CSV.", valueName: "file"))
    var out: String?

    @Option(help: "The printed result: table or csv.")
    var format: OutputFormat = .table

    @OptionGroup var model: ModelOptions

    func run() throws {
      try Self.evaluate(
        file,
        withRegistry: withRegistry,
        blankCodes: blankCodes,
        out: out,
        format: format,
        model: model
      )
    }

    static func evaluate(
      _ path: String,
      withRegistry: Bool,
      blankCodes: Bool = false,
      out: String?,
      format: OutputFormat,
      model: ModelOptions
    ) throws {
      let bundle = try model.loadModel()
      let evaluation = try MappingEvaluation(
        labels: try readFile(path),
        file: path,
        model: bundle,
        mapper: Mapper(model: bundle, useRegistry: withRegistry, useUniverse: withRegistry),
        blankCodes: blankCodes
      )
      if let out { try writeFile(evaluation.csv, to: out) }
      switch format {
      case .csv: FileHandle.standardOutput.write(Data(evaluation.csv))
      case .table, .json: print(evaluation.report())
      }
    }
  }
}

/// The bytes of the file at `path`.
func readFile(_ path: String) throws -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    throw Diagnostic(.error, "cannot read the file", at: SourceLocation(file: path))
  }
  return Array(data)
}

/// Writes one file atomically; a file already there is replaced only when
/// PolicyScore wrote it (see `OutputFolder.checkReplaceable(file:with:)`).
func writeFile(_ bytes: [UInt8], to path: String) throws {
  try OutputFolder.checkReplaceable(file: URL(fileURLWithPath: path), with: bytes)
  do {
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
  } catch {
    throw Diagnostic(
      .error,
      "cannot write the file: \(error.localizedDescription)",
      at: SourceLocation(file: path)
    )
  }
}

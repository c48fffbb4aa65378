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

struct ScenariosCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scenarios",
    abstract: "Score a portfolio under several scenarios and compare the rankings.",
    discussion: """
      Maps the portfolio once, scores it under each scenario, and writes each
      scenario's reports (the same files as 'score') into OUT/<scenario>/, with
      OUT/comparison.csv: every holding's composite, rank and tier in each
      scenario, and the deltas against the base. Prints each scenario's
      portfolio composite, Spearman's rho and Kendall's tau against the base,
      the number of tier changes and the biggest movers.

      Without scenario files, every file in the scenarios folder is run. The
      base is 'baseline' when present, else the first scenario.

      On a terminal, a run that takes more than a second shows its stage on a
      status line on stderr, cleared before the result is printed.

      Examples:
        policyscore scenarios Examples/portfolio.csv
        policyscore scenarios holdings.csv Scenarios/support-withdrawn.yaml
        policyscore scenarios holdings.csv --base catalog-2019 --out reports/what-if
      """
  )

  @OptionGroup var input: PortfolioOptions

  @Argument(
    help: ArgumentHelp(
      "Scenario files (default: every file in the scenarios folder).",
      valueName: "scenario.yaml"
    )
  )
  var scenarioPaths: [String] = []

  @Option(
    name: .customLong("scenarios"),
    help: ArgumentHelp(
      "The scenarios folder (default: ./Scenarios, else the one beside the model).",
      valueName: "dir"
    )
  )
  var scenariosDirectory: String?

  @Option(help: "The scenario the others are compared against.")
  var base: String?

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp(
      "The report folder (default: reports/<file name>-scenarios): new, empty, or one PolicyScore wrote.",
      valueName: "dir"
    )
  )
  var outPath: String?

  @Option(help: "How many movers the summary names per scenario.")
  var movers: Int = 3

  @OptionGroup var asOf: AsOfOption
  @OptionGroup var coverage: CoverageOption
  @OptionGroup var model: ModelOptions
  @OptionGroup var recording: RecordingOptions
  @OptionGroup var language: LanguageOption

  func run() throws {
    let started = Date()
    let day = try asOf.asOf()
    let out = outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput(suffix: "-scenarios")
    let protected = recording.store.files() + [input.url]
    try ScoringPipeline.checkOutput(out, protecting: protected)
    let bundle = try model.loadModel()
    let scenarios = try loadScenarios(bundle)
    guard !scenarios.isEmpty else { throw Diagnostic(.error, "no scenario files found") }
    let baseName =
      base ?? (scenarios.contains { $0.name == "baseline" } ? "baseline" : scenarios[0].name)
    guard scenarios.contains(where: { $0.name == baseName }) else {
      throw ValidationError(
        "no scenario named '\(baseName)'; the scenarios are \(scenarios.map(\.name).joined(separator: ", "))"
      )
    }
    let pipeline = try pipeline(
      model: bundle,
      decisions: try recording.store.decisions(),
      edition: model.edition,
      asOf: day,
      reading: input.reading,
      minCoverage: coverage.minCoverage,
      rejectsFile: "each scenario's rejects.csv"
    )
    let store = try recording.recordingStore()
    let portfolio = try pipeline.read(.file(input.url), with: input.reading.reader(for: bundle))
    let runs = try pipeline.score(portfolio, mapped: pipeline.map(portfolio), under: scenarios)
    var files: [String: ReportFile] = [:]
    let generatedAt = timestamp()
    for (scenario, run) in zip(scenarios, runs) {
      let context = RunContext(
        toolVersion: PolicyScore.version,
        generatedAt: generatedAt,
        scenario: scenario.name,
        language: language.language
      )
      for (name, file) in ReportSet(run: run, context: context).files {
        files["\(scenario.name)/\(name)"] = file
      }
    }
    let comparison = Comparison(
      runs: zip(scenarios, runs).map { (scenario: $0.name, run: $1) },
      base: baseName
    )
    files["comparison.csv"] = ReportFile(comparison.csv)
    files["report.html"] = ReportFile(
      HTMLReport.scenarios(
        zip(scenarios, runs).map { (scenario: $0.name, run: $1) }
          .sorted { ($0.scenario == baseName ? 0 : 1) < ($1.scenario == baseName ? 0 : 1) },
        comparison: comparison,
        language: language.language,
        context: RunContext(
          toolVersion: PolicyScore.version,
          generatedAt: generatedAt,
          language: language.language
        )
      )
    )
    let ids = try pipeline.publish(files, to: out, protecting: protected) {
      gate throws(PipelineError) in
      let finished = Date()
      let entries = zip(scenarios, runs).map { scenario, run in
        RunEntry(
          command: "scenarios",
          scenario: scenario,
          run: run,
          toolVersion: PolicyScore.version,
          started: started,
          finished: finished,
          reportDirectory: out.appendingPathComponent(scenario.name)
        )
      }
      return try pipeline.record(entries, in: store, gate: gate)
    }
    Progress.shared.finish()
    let accounting = runs[0].accounting
    print(comparison.summary(movers: movers))
    print("")
    print(accounting.description)
    print("reports: \(shown(out.path))/ (comparison.csv, report.html and a folder per scenario)")
    if let first = ids.first, let last = ids.last, let store {
      print("recorded as runs \(first)–\(last) in \(shown(store.path))")
    }
    keepUntilExit(runs)
  }

  private func loadScenarios(_ bundle: ModelBundle) throws -> [Scenario] {
    let loader = ScenarioLoader(model: bundle)
    if scenarioPaths.isEmpty { return try loader.loadAll(in: try scenariosFolder()) }
    return try loader.load(scenarioPaths.map { URL(fileURLWithPath: $0) })
  }

  private func scenariosFolder() throws -> URL {
    if let scenariosDirectory { return URL(fileURLWithPath: scenariosDirectory) }
    let local = URL(fileURLWithPath: "Scenarios")
    if FileManager.default.fileExists(atPath: local.path) { return local }
    return try model.resolveModelsDirectory().deletingLastPathComponent()
      .appendingPathComponent("Scenarios")
  }
}

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
        policyscore scenarios holdings.csv Scenarios/baseline.yaml Scenarios/vbp-devices-expanded.yaml
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
  @OptionGroup var storeOptions: StoreOptions

  func run() throws {
    let started = Date()
    let asOfDay = try asOf.asOf()
    let out = outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput(suffix: "-scenarios")
    let protected = [storeOptions.path(), URL(fileURLWithPath: input.portfolioPath)]
    try checkOutput(out, protecting: protected)
    let bundle = try model.loadModel()
    let store = try storeOptions.open()
    let scenarios = try loadScenarios(bundle)
    guard !scenarios.isEmpty else {
      DiagnosticPrinter.error("no scenario files found")
      throw ExitCodes.failure
    }
    let baseName =
      base ?? (scenarios.contains { $0.name == "baseline" } ? "baseline" : scenarios[0].name)
    guard scenarios.contains(where: { $0.name == baseName }) else {
      DiagnosticPrinter.error(
        "no scenario named '\(baseName)'; the scenarios are \(scenarios.map(\.name).joined(separator: ", "))"
      )
      throw ExitCodes.usage
    }
    let progress = Progress.shared
    defer { progress.finish() }
    progress.stage("reading \(input.portfolioPath)")
    let portfolio = try input.read(model: bundle, rejectsFile: "each scenario's rejects.csv")
    progress.stage("mapping \(portfolio.holdings.count) holdings")
    let mapper = Mapper(model: bundle, decisions: try storeOptions.decisions())
    let outcomes = mapper.map(portfolio.holdings)
    progress.stage(
      "scoring \(portfolio.holdings.count) holdings under \(scenarios.count) scenarios"
    )
    let scorings = ScoringModel.each(
      of: bundle,
      under: scenarios,
      edition: model.edition,
      asOf: asOfDay
    )
    let runs = ScoreRun.runs(portfolio: portfolio, scorings: scorings, outcomes: outcomes)
      .map { (scenario: $0.scoring.scenario.name, run: $0) }
    var files: [String: ReportFile] = [:]
    let generatedAt = timestamp()
    for (scenario, run) in runs {
      let reports = ReportSet(
        run: run,
        context: RunContext(
          toolVersion: PolicyScore.version,
          generatedAt: generatedAt,
          scenario: scenario
        )
      )
      for (name, file) in reports.files { files["\(scenario)/\(name)"] = file }
    }
    // Every scenario shares the one mapping, so one check covers them all.
    if let first = runs.first { try coverage.check(first.run, file: input.portfolioPath) }
    let comparison = Comparison(runs: runs, base: baseName)
    files["comparison.csv"] = ReportFile(comparison.csv)
    progress.stage("writing the reports to \(out.path)")
    let staged = try stageReports(files, for: out, protecting: protected)
    if let store { progress.stage("recording \(runs.count) runs in \(store.path)") }
    let finished = Date()
    let path = URL(fileURLWithPath: input.portfolioPath).standardizedFileURL.path
    let hashes = Dictionary(
      uniqueKeysWithValues: scenarios.map { ($0.name, ScenarioLoader.contentHash(of: $0)) }
    )
    let ids = try record(
      runs.map { scenario, run in
        RunEntry(
          command: "scenarios",
          scenario: scenario,
          scenarioHash: hashes[scenario] ?? "none",
          portfolioPath: path,
          run: run,
          toolVersion: PolicyScore.version,
          startedAt: timestamp(started),
          finishedAt: timestamp(finished),
          durationMilliseconds: Int(finished.timeIntervalSince(started) * 1000),
          reportDirectory: out.appendingPathComponent(scenario).standardizedFileURL.path
        )
      },
      in: store,
      discarding: staged
    )
    try commitReports(staged)
    progress.finish()
    let accounting = runs[0].run.accounting
    print(comparison.summary(movers: movers))
    print("")
    print(
      "rows read \(accounting.read) = scored \(accounting.scored) + unmapped \(accounting.unmapped) + rejected \(accounting.rejected)"
    )
    print("reports: \(out.path)/ (comparison.csv and a folder per scenario)")
    if let first = ids.first, let last = ids.last, let store {
      print("recorded as runs \(first)–\(last) in \(store.path)")
    }
    keepUntilExit(runs.map(\.run))
  }

  private func loadScenarios(_ bundle: ModelBundle) throws -> [Scenario] {
    let loader = ScenarioLoader(model: bundle)
    let folder = scenarioPaths.isEmpty ? try scenariosFolder() : nil
    do {
      if let folder { return try loader.loadAll(in: folder) }
      return try loader.load(scenarioPaths.map { URL(fileURLWithPath: $0) })
    } catch {
      if case .invalid(let diagnostics) = error { DiagnosticPrinter.print(diagnostics) }
      DiagnosticPrinter.error(error.description)
      throw ExitCodes.failure
    }
  }

  private func scenariosFolder() throws -> URL {
    if let scenariosDirectory { return URL(fileURLWithPath: scenariosDirectory) }
    let local = URL(fileURLWithPath: "Scenarios")
    if FileManager.default.fileExists(atPath: local.path) { return local }
    return try model.resolveModelsDirectory().deletingLastPathComponent()
      .appendingPathComponent("Scenarios")
  }
}

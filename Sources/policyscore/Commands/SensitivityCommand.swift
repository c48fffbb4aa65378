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

struct SensitivityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract: "Measure how much the ranking depends on the weights and uncertain strengths.",
    discussion: """
      Three checks, all from one mapping of the portfolio:
      - one-at-a-time sweeps: each weight from 0 to 1, the other two rescaled,
        giving each holding's best and worst rank;
      - Monte Carlo: weights drawn from a Dirichlet around the model's weights
        (--concentration: higher is tighter) and the strengths of instruments
        marked 'uncertainty' in Models/instruments.yaml drawn in 1 ± uncertainty;
        per holding the median rank, a 90% rank interval and the probability of
        staying in the top K. The same seed gives the same numbers; the samples
        are spread over every core;
      - rank reversals: each holding removed in turn, the rest re-ranked, and
        every pair whose order flips listed.

      Writes sensitivity.csv, reversals.csv and manifest.json.

      On a terminal, a run that takes more than a second shows its stage on a
      status line on stderr, cleared before the result is printed.

      Examples:
        policyscore sensitivity Examples/portfolio.csv
        policyscore sensitivity holdings.csv --samples 10000 --seed 7 --top 20
        policyscore sensitivity holdings.csv --scenario Scenarios/baseline.yaml
      """
  )

  @OptionGroup var input: PortfolioOptions

  @Option(help: "Monte Carlo samples.")
  var samples: Int = 1000

  @Option(help: "The random seed.")
  var seed: UInt64 = 1

  @Option(help: "K in 'probability of staying in the top K', and the rows the summary shows.")
  var top: Int = 10

  @Option(help: "Dirichlet concentration around the model's weights.")
  var concentration: Double = 50

  @Option(help: "Points per one-at-a-time weight sweep.")
  var steps: Int = 11

  @Option(help: "Most removals the rank-reversal check tries, top holdings first.")
  var reversalLimit: Int = 1000

  @Option(
    help: ArgumentHelp(
      "Score under this scenario file instead of the model as shipped.",
      valueName: "scenario.yaml"
    )
  )
  var scenario: String?

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp(
      "The report folder (default: reports/<file name>-sensitivity): new, empty, or one PolicyScore wrote.",
      valueName: "dir"
    )
  )
  var outPath: String?

  @OptionGroup var asOf: AsOfOption
  @OptionGroup var model: ModelOptions
  @OptionGroup var store: StoreOption
  @OptionGroup var language: LanguageOption

  func validate() throws {
    guard samples >= 1 else { throw ValidationError("--samples must be at least 1") }
    guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    guard concentration.isFinite, concentration > 0 else {
      throw ValidationError("--concentration must be a positive number")
    }
    guard steps >= 2 else { throw ValidationError("--steps must be at least 2") }
    guard reversalLimit >= 0 else { throw ValidationError("--reversal-limit must be 0 or more") }
  }

  func run() throws {
    let day = try asOf.asOf()
    let out =
      outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput(suffix: "-sensitivity")
    let protected = store.files() + [input.url]
    try ScoringPipeline.checkOutput(out, protecting: protected)
    let bundle = try model.loadModel()
    let chosen =
      try scenario.map { try ScenarioLoader(model: bundle).load([URL(fileURLWithPath: $0)])[0] }
      ?? .baseline()
    let pipeline = try pipeline(
      model: bundle,
      decisions: try store.decisions(),
      edition: model.edition,
      asOf: day,
      reading: input.reading,
      minCoverage: nil,
      rejectsFile: nil
    )
    let run = try pipeline.run(
      .file(input.url),
      with: input.reading.reader(for: bundle),
      under: chosen
    )
    var options = Sensitivity.Options()
    options.samples = samples
    options.seed = seed
    options.top = top
    options.concentration = concentration
    options.steps = steps
    options.reversalLimit = reversalLimit
    Progress.shared.stage("drawing \(samples) samples of the weights")
    let sensitivity = Sensitivity(run: run, options: options)
    let report = SensitivityReport(sensitivity, run: run, scenario: chosen.name)
    var files = report.files.mapValues(ReportFile.init)
    files["report.html"] = ReportFile(
      HTMLReport.sensitivity(
        run,
        bands: sensitivity.rows.prefix(25).map {
          (
            label: "\($0.rank). \($0.name.isEmpty ? $0.ticker : $0.name)",
            low: Double($0.interval.lowerBound), median: Double($0.medianRank),
            high: Double($0.interval.upperBound)
          )
        },
        language: language.language,
        context: RunContext(
          toolVersion: PolicyScore.version,
          generatedAt: timestamp(),
          language: language.language
        )
      )
    )
    try pipeline.publish(files, to: out, protecting: protected) { _ in }
    Progress.shared.finish()
    print(report.text)
    print(
      "reports: \(shown(out.path))/ (sensitivity.csv, reversals.csv, manifest.json, report.html)"
    )
  }
}

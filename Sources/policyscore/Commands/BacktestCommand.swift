import ArgumentParser
import Foundation
import HoldingMapping
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import PriceImport
import PriceStudies
import Reports

struct BacktestCommand: ParsableCommand, PriceStudyCommand {
  static let configuration = CommandConfiguration(
    commandName: "backtest",
    abstract:
      "Would the scores have helped? Scores at each rebalance date against the returns that followed.",
    discussion: """
      Maps the holdings of a portfolio or universe file once (weights are not
      needed), scores them at the last trading day of each period with the
      model as it stood on that day (point in time), and measures the scores
      against the forward returns in the price files, as alphalens measures a
      factor: per date the rank information coefficient (Spearman) of the
      composite and of E, F and D; the mean IC, its t-statistic and
      information ratio; mean forward return by score quantile and by tier,
      the top-minus-bottom spread; and turnover between dates.

      Price files as Wind, Choice, iFinD or tushare export them: long (date,
      ticker, close or return) or wide (a date column, one column per ticker),
      any encoding. Adjusted closes (复权), closes with the previous close
      (前收盘价), or returns (涨跌幅, in percent): the header says, or
      --price-kind and --return-unit do; a file that does not say is refused.
      A blank price or zero volume is a day the stock did not trade.

      Writes backtest-summary.csv, backtest-ic.csv, backtest-quantiles.csv,
      backtest-tiers.csv, backtest-turnover.csv, backtest-scores.csv (one row
      per date and holding, with its forward returns), price-rejects.csv,
      manifest.json (every rule the figures follow) and report.html (--lang). See Docs/backtest.md.

      Exit codes: 0 success; 1 failed run; 64 bad arguments, or a date before
      any catalogue edition without --edition; 65 more price or portfolio rows
      rejected than --max-rejects allows.

      Examples:
        policyscore backtest Models/listings-a-share.csv --prices sh600085.csv
        policyscore backtest holdings.csv --prices closes.csv --horizons 1m,3m
        policyscore backtest holdings.csv --prices closes.csv --rebalance weekly
      """
  )

  @OptionGroup var input: PortfolioOptions
  @OptionGroup var prices: PriceOptions

  @Option(
    help: ArgumentHelp(
      "First rebalance date (default: the first day of the prices).",
      valueName: "date"
    )
  )
  var from: String?

  @Option(
    help: ArgumentHelp(
      "Last rebalance date (default: the last day of the prices).",
      valueName: "date"
    )
  )
  var to: String?

  @Option(help: "How often to rebalance: daily, weekly, monthly or quarterly.")
  var rebalance: Backtest.Rebalance = .monthly

  @Option(
    help: ArgumentHelp(
      "Forward-return horizons: Nm (months) or Nd (trading days).",
      valueName: "list"
    )
  )
  var horizons = "1m,3m,12m"

  @Option(help: "Score quantiles per date.")
  var quantiles = 5

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp(
      "The report folder (default: reports/<file name>-backtest): new, empty, or one PolicyScore wrote.",
      valueName: "dir"
    )
  )
  var outPath: String?

  @OptionGroup var model: ModelOptions
  @OptionGroup var store: StoreOption
  @OptionGroup var language: LanguageOption

  func validate() throws {
    guard (2...20).contains(quantiles) else { throw ValidationError("--quantiles must be 2 to 20") }
    _ = try parsedHorizons()
  }

  private func parsedHorizons() throws -> [Backtest.Horizon] {
    let parts = horizons.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    let parsed = parts.compactMap(Backtest.Horizon.init)
    guard !parsed.isEmpty, parsed.count == parts.count else {
      throw ValidationError("--horizons '\(horizons)' is not a list like 1m,3m,12m or 5d,21d")
    }
    return parsed
  }

  func run() throws {
    let out = outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput(suffix: "-backtest")
    let protected = store.files() + [input.url] + prices.urls
    try ScoringPipeline.checkOutput(out, protecting: protected)
    let bundle = try model.loadModel()
    let (files, table) = try prices.load(
      maxRejects: input.reading.maxRejects,
      strict: input.reading.strict
    )
    guard let first = table.calendar.first, let last = table.calendar.last else { return }
    let settings = Backtest.Settings(
      from: try parseDay(from, option: "--from") ?? first,
      to: try parseDay(to, option: "--to") ?? last,
      rebalance: rebalance,
      horizons: try parsedHorizons(),
      quantiles: quantiles
    )
    let dates = Backtest.rebalanceDates(settings, calendar: table.calendar)
    guard let lastDate = dates.last else {
      throw Diagnostic(
        .error,
        "no trading day of the price files falls between \(settings.from) and \(settings.to); they run from \(first) to \(last)"
      )
    }
    let (pipeline, reader) = try studyPipeline(bundle, asOf: lastDate)
    let portfolio = try pipeline.read(.file(input.url), with: reader)
    let outcomes = pipeline.map(portfolio)
    let run = try pipeline.score(portfolio, mapped: outcomes, under: [.baseline()])[0]
    let sections: [Backtest.CrossSection]
    do {
      sections = try Backtest.sections(
        portfolio: portfolio,
        outcomes: outcomes,
        model: bundle,
        edition: model.edition,
        dates: dates
      ) { done in
        Progress.shared.stage("scoring at rebalance date \(done) of \(dates.count)")
      }
    } catch {
      throw PipelineError.model(error)
    }
    Progress.shared.stage("measuring \(dates.count) dates against the prices")
    let backtest = Backtest(sections: sections, prices: table, settings: settings)
    let report = BacktestReport(
      backtest,
      inputs: PriceStudyInputs(run: run, prices: files, context: context)
    )
    try publish(
      report.files,
      names: BacktestReport.fileNames,
      text: report.text,
      to: out,
      protecting: protected,
      with: pipeline,
      run: run
    )
  }
}

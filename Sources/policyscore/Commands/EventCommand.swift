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

struct EventCommand: ParsableCommand, PriceStudyCommand {
  static let configuration = CommandConfiguration(
    commandName: "event",
    abstract:
      "What did a policy do to prices? An event study of the holdings it hits against the rest.",
    discussion: """
      Maps and scores the holdings of a portfolio or universe file as of the
      event date, splits them into those the instrument reaches (by its
      segments and origin in Models/instruments.yaml) and the rest, and
      measures abnormal returns around day 0, the first trading day on or
      after the event date: market-adjusted (R − Rm) and by a market model
      estimated over --estimation; cumulative abnormal returns over each
      --window; cross-sectional t-statistics per group, and Welch's t for the
      difference. The market is --benchmark (an index in the price files),
      else the equal-weighted mean of every ticker in them.

      The date is the instrument's first day in force in the model, or
      --date (an announcement, say). With --segment instead of --instrument,
      the holdings mapped to those segments are the exposed group.

      Writes event-car.csv, event-days.csv, event-firms.csv, price-rejects.csv,
      manifest.json (every rule the figures follow) and report.html (--lang). See Docs/backtest.md.

      Exit codes: 0 success; 1 failed run; 64 bad arguments, or an event date
      before any catalogue edition without --edition; 65 more rows rejected
      than --max-rejects allows.

      Examples:
        policyscore event holdings.csv --prices closes.csv --instrument vbp-spine
        policyscore event holdings.csv --prices closes.csv --instrument vbp-insulin
      """
  )

  @OptionGroup var input: PortfolioOptions
  @OptionGroup var prices: PriceOptions

  @Option(
    help: ArgumentHelp(
      "The instrument whose holdings are exposed, by its id in the model.",
      valueName: "id"
    )
  )
  var instrument: String?

  @Option(
    help: ArgumentHelp(
      "A segment whose holdings are exposed, instead of an instrument; repeat for several.",
      valueName: "id"
    )
  )
  var segment: [String] = []

  @Option(
    help: ArgumentHelp(
      "The event date (default: the instrument's first day in force).",
      valueName: "date"
    )
  )
  var date: String?

  @Option(
    help: ArgumentHelp(
      "The market: a ticker in the price files, such as 000300.SH.",
      valueName: "ticker"
    )
  )
  var benchmark: String?

  @Option(
    parsing: .unconditionalSingleValue,
    help: ArgumentHelp(
      "A CAR window in trading days around day 0; repeat for several (default: -10:0, -10:5, 0:20, -1:1).",
      valueName: "a:b"
    )
  )
  var window: [String] = []

  @Option(
    parsing: .unconditional,
    help: ArgumentHelp("The market model's estimation window.", valueName: "a:b")
  )
  var estimation = "-250:-31"

  @Option(help: "Estimation days a firm needs for a market model.")
  var minEstimationDays = 100

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp(
      "The report folder (default: reports/<file name>-event): new, empty, or one PolicyScore wrote.",
      valueName: "dir"
    )
  )
  var outPath: String?

  @OptionGroup var model: ModelOptions
  @OptionGroup var store: StoreOption
  @OptionGroup var language: LanguageOption

  func validate() throws {
    guard (instrument == nil) != segment.isEmpty else {
      throw ValidationError("name the exposure: --instrument ID, or --segment ID with --date")
    }
    if instrument == nil && date == nil {
      throw ValidationError("--segment needs --date: segments have no date of their own")
    }
    for text in window + [estimation] where EventStudy.Window(text) == nil {
      throw ValidationError("'\(text)' is not a window like -10:5 (start before end)")
    }
    guard minEstimationDays >= 3 else {
      throw ValidationError("--min-estimation-days must be 3 or more")
    }
  }

  func run() throws {
    let out = outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput(suffix: "-event")
    let protected = store.files() + [input.url] + prices.urls
    try ScoringPipeline.checkOutput(out, protecting: protected)
    let bundle = try model.loadModel()
    let chosen = try instrument.map { id in
      guard let found = bundle.instruments.first(where: { $0.id.rawValue == id }) else {
        let hint = Suggestion.hint(for: id, in: bundle.instruments.map(\.id.rawValue))
        throw ValidationError(
          "no instrument '\(id)' in the model\(hint); 'policyscore catalog' lists them"
        )
      }
      return found
    }
    let unknown = segment.filter { !bundle.segmentIDs.contains(SegmentID($0)) }
    if let first = unknown.first {
      let hint = Suggestion.hint(for: first, in: bundle.segmentIDs.map(\.rawValue))
      throw ValidationError("no segment '\(first)' in the model\(hint)")
    }
    let firstDay = chosen?.windows.map(\.from).min()
    guard let eventDate = try parseDay(date, option: "--date") ?? firstDay else {
      throw ValidationError("the instrument has no date in force; give --date")
    }
    let (files, table) = try prices.load(
      maxRejects: input.reading.maxRejects,
      strict: input.reading.strict
    )
    var settings = EventStudy.Settings(eventDate: eventDate)
    settings.benchmark = benchmark.map { Ticker($0).canonical }
    if !window.isEmpty { settings.windows = window.compactMap(EventStudy.Window.init) }
    settings.estimation = EventStudy.Window(estimation) ?? settings.estimation
    settings.minimumEstimationDays = minEstimationDays
    let (pipeline, reader) = try studyPipeline(bundle, asOf: eventDate)
    let run = try pipeline.run(.file(input.url), with: reader)
    let members =
      chosen.map { EventStudy.members(of: run, reachedBy: $0) }
      ?? EventStudy.members(of: run, in: Set(segment.map { SegmentID($0) }))
    Progress.shared.stage("measuring abnormal returns of \(members.count) holdings")
    let study: EventStudy
    do {
      study = try EventStudy(members: members, prices: table, settings: settings)
    } catch .eventOutsidePrices(let first, let last) {
      throw Diagnostic(
        .error,
        "the event date \(eventDate) is outside the price files, which run from \(first) to \(last)"
      )
    } catch .unknownBenchmark(let ticker) {
      throw Diagnostic(.error, "--benchmark \(ticker) is not in the price files")
    }
    let subject = EventStudyReport.Subject(
      id: chosen?.id.rawValue ?? segment.joined(separator: "+"),
      name: chosen?.nameEN ?? "holdings mapped to \(segment.joined(separator: ", "))",
      dateSource: date != nil ? "--date" : "the instrument's first day in force"
    )
    let report = EventStudyReport(
      study,
      subject: subject,
      inputs: PriceStudyInputs(run: run, prices: files, context: context)
    )
    try publish(
      report.files,
      names: EventStudyReport.fileNames,
      text: report.text,
      to: out,
      protecting: protected,
      with: pipeline,
      run: run
    )
  }
}

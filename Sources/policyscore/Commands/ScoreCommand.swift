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

struct ScoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Import a portfolio, map, score and rank every holding, and write the reports.",
    discussion: """
      Reads a portfolio CSV (UTF-8 with or without BOM, UTF-16 or GB18030/GBK,
      detected; comma, semicolon, tab or pipe; headers in English or Chinese,
      below any title lines) or an .xlsx workbook, maps each holding
      to catalogue segments, scores it on E, F and D, ranks the holdings and
      writes rankings.csv, exposures.csv, mappings.csv, coverage.csv,
      unmapped.csv, rejects.csv and manifest.json into the output folder. The
      folder is replaced whole, never half-written, and only when it is new,
      empty or a report folder PolicyScore wrote; anything else is refused
      before any work (exit 1).

      Mapping decisions saved with 'policyscore map --apply' are applied
      first; see 'policyscore map'.

      Every run is recorded in the history store (policyscore.sqlite, or --db)
      unless --no-store; see 'policyscore runs'.

      On a terminal, a run that takes more than a second shows its stage on a
      status line on stderr, cleared before the result is printed.

      Exit codes: 0 success; 1 failed run (bad model, unreadable file, missing
      column, cannot write); 64 bad arguments; 65 more rows rejected than
      --max-rejects allows (default 5%), or any under --strict, or mapping
      coverage below --min-coverage.

      Examples:
        policyscore score Examples/portfolio.csv
        policyscore score holdings.csv --out reports/fund-a --as-of 2025-06-30 --top 20
        policyscore score holdings.csv --edition 2019 --format csv > rankings.csv
        policyscore score 持仓.xlsx --sheet 持仓明细 --max-rejects 1
        policyscore score holdings.csv --min-coverage 90
      """
  )

  @OptionGroup var input: PortfolioOptions

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp(
      "The report folder (default: reports/<file name>): new, empty, or one PolicyScore wrote.",
      valueName: "dir"
    )
  )
  var outPath: String?

  @OptionGroup var asOf: AsOfOption

  @Option(help: "How many holdings the summary lists per portfolio.")
  var top: Int = 10

  @Option(help: "The printed result: table (the summary), csv or json (the ranking).")
  var format: OutputFormat = .table

  @Flag(name: .customLong("no-reports"), help: "Print only; write no report files.")
  var noReports = false

  @OptionGroup var coverage: CoverageOption
  @OptionGroup var model: ModelOptions
  @OptionGroup var storeOptions: StoreOptions

  func validate() throws {
    guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
  }

  func run() throws {
    let started = Date()
    let asOfDay = try asOf.asOf()
    let out = outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput()
    let protected = [storeOptions.path(), URL(fileURLWithPath: input.portfolioPath)]
    if !noReports { try checkOutput(out, protecting: protected) }
    let bundle = try model.loadModel()
    let store = try storeOptions.open()
    let progress = Progress.shared
    defer { progress.finish() }
    progress.stage("reading \(input.portfolioPath)")
    let portfolio = try input.read(model: bundle, rejectsFile: noReports ? nil : "rejects.csv")
    progress.stage("mapping and scoring \(portfolio.holdings.count) holdings")
    let scoring = ScoringModel(model: bundle, edition: model.edition, asOf: asOfDay)
    let mapper = Mapper(model: bundle, decisions: try storeOptions.decisions())
    let run = ScoreRun(portfolio: portfolio, scoring: scoring, mapper: mapper)
    let covered = try coverage.check(run, file: input.portfolioPath)
    let reports = ReportSet(
      run: run,
      context: RunContext(toolVersion: PolicyScore.version, generatedAt: timestamp()),
      coverage: covered
    )
    progress.stage("writing the reports to \(out.path)")
    let staged =
      noReports ? nil : try stageReports(reports.files, for: out, protecting: protected)
    if let store { progress.stage("recording the run in \(store.path)") }
    let finished = Date()
    let runIDs = try record(
      [
        RunEntry(
          command: "score",
          scenario: "baseline",
          scenarioHash: "none",
          portfolioPath: URL(fileURLWithPath: input.portfolioPath).standardizedFileURL.path,
          run: run,
          toolVersion: PolicyScore.version,
          startedAt: timestamp(started),
          finishedAt: timestamp(finished),
          durationMilliseconds: Int(finished.timeIntervalSince(started) * 1000),
          reportDirectory: noReports ? nil : out.standardizedFileURL.path
        )
      ],
      in: store,
      discarding: staged
    )
    try commitReports(staged)
    progress.finish()
    switch format {
    case .table:
      print(TerminalSummary(run: run, top: top).text)
      if !noReports {
        print("reports: \(out.path)/ (\(ReportSet.fileNames.joined(separator: ", ")))")
      }
      if let id = runIDs.first, let store { print("recorded as run \(id) in \(store.path)") }
    case .csv:
      reports.files["rankings.csv"]?.write { FileHandle.standardOutput.write(Data($0)) }
    case .json:
      print(RankingJSON.render(run))
    }
    keepUntilExit([run])
  }
}

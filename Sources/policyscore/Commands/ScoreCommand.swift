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
      below any title lines) or an .xlsx workbook, maps each holding to
      catalogue segments, scores it on E, F and D, ranks the holdings and
      writes rankings.csv (a row per holding), explanations.csv and
      evidence.csv (each distinct explanation and mapping evidence once, by
      the keys in the rankings), exposures.csv, coverage.csv, unmapped.csv,
      out-of-scope.csv, rejects.csv, manifest.json and report.html into the
      output folder. The folder is replaced whole, never half-written, and
      only when it is new, empty or a report folder PolicyScore wrote;
      anything else is refused before any work (exit 1).

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
        policyscore score holdings.csv --out fund-a --as-of 2025-06-30 --top 20
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
  @OptionGroup var recording: RecordingOptions
  @OptionGroup var language: LanguageOption

  func validate() throws {
    guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
  }

  func run() throws {
    let started = Date()
    let day = try asOf.asOf()
    let out = outPath.map { URL(fileURLWithPath: $0) } ?? input.defaultOutput()
    let protected = recording.store.files() + [input.url]
    if !noReports { try ScoringPipeline.checkOutput(out, protecting: protected) }
    let bundle = try model.loadModel()
    let pipeline = try pipeline(
      model: bundle,
      decisions: try recording.store.decisions(),
      edition: model.edition,
      asOf: day,
      reading: input.reading,
      minCoverage: coverage.minCoverage,
      rejectsFile: noReports ? nil : "rejects.csv"
    )
    let store = try recording.recordingStore()
    let run = try pipeline.run(.file(input.url), with: input.reading.reader(for: bundle))
    // Rendered only when written or printed: a ranking alone needs none.
    let reports =
      noReports && format != .csv
      ? nil
      : ReportSet(
        run: run,
        context: RunContext(
          toolVersion: PolicyScore.version,
          generatedAt: timestamp(),
          language: language.language
        )
      )
    let ids = try pipeline.publish(
      noReports ? nil : reports?.files,
      to: out,
      protecting: protected
    ) { gate throws(PipelineError) in
      let entry = RunEntry(
        command: "score",
        scenario: .baseline(),
        run: run,
        toolVersion: PolicyScore.version,
        started: started,
        finished: Date(),
        reportDirectory: noReports ? nil : out
      )
      return try pipeline.record([entry], in: store, gate: gate)
    }
    Progress.shared.finish()
    switch format {
    case .table:
      print(TerminalSummary(run: run, top: top, language: language.language).text)
      if !noReports {
        print("reports: \(shown(out.path))/ (\(ReportSet.fileNames.joined(separator: ", ")))")
        print("page: \(shown(out.appendingPathComponent("report.html").path))")
      }
      if let id = ids.first, let store { print("recorded as run \(id) in \(shown(store.path))") }
    case .csv:
      reports?.files["rankings.csv"]?.write { FileHandle.standardOutput.write(Data($0)) }
    case .json:
      print(RankingJSON.render(run))
    }
    keepUntilExit([run])
  }
}

import Foundation
import HistoryStore
import PolicyModel
import PolicyScoring
import PortfolioImport
import Reports

/// The runs of one job run, gathered portfolio by portfolio and scenario by
/// scenario: their report files, what the store records, and the diffs.
struct JobBatch {
  /// The one wall-clock value in the reports, in each manifest.
  let generatedAt: String
  /// Relative path in the run folder → file.
  var files: [String: ReportFile] = [:]
  var entries: [RunEntry] = []
  var diffs: [RunDiff] = []
  var rowsRead = 0
  var rejected = 0

  init(generatedAt: String) { self.generatedAt = generatedAt }

  /// Counts a portfolio's rows once, whatever its scenarios.
  mutating func count(_ portfolio: Portfolio) {
    rowsRead += portfolio.rowsRead
    rejected += portfolio.rejects.count
  }

  /// Adds one scenario's run of a portfolio whose reports go into
  /// `portfolioFolder` of `folder`.
  mutating func add(
    _ run: ScoreRun,
    scenario: Scenario,
    in portfolioFolder: String,
    of folder: URL,
    previous: (run: StoredRun, holdings: [StoredHolding])?,
    firstJobRun: Bool,
    threshold: Int,
    toolVersion: String,
    timing: (started: String, finished: String, milliseconds: Int)
  ) {
    let hash = ScenarioLoader.contentHash(of: scenario)
    let reports = ReportSet(
      run: run,
      context: RunContext(
        toolVersion: toolVersion,
        generatedAt: generatedAt,
        scenario: scenario.name
      )
    )
    for (name, file) in reports.files {
      files["\(portfolioFolder)/\(scenario.name)/\(name)"] = file
    }
    if !firstJobRun {
      diffs.append(
        RunDiff(
          scenario: scenario.name,
          label: portfolioFolder,
          previous: previous.map { (RunDiff.Facts($0.run), $0.holdings) },
          current: (RunDiff.Facts(run, scenarioHash: hash), StoredHolding.holdings(of: run)),
          threshold: threshold
        )
      )
    }
    entries.append(
      RunEntry(
        command: "job",
        scenario: scenario.name,
        scenarioHash: hash,
        portfolioPath: run.portfolio.file,
        run: run,
        toolVersion: toolVersion,
        startedAt: timing.started,
        finishedAt: timing.finished,
        durationMilliseconds: timing.milliseconds,
        reportDirectory: folder.appendingPathComponent("\(portfolioFolder)/\(scenario.name)").path
      )
    )
  }
}

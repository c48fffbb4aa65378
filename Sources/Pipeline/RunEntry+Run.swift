public import Foundation
public import HistoryStore
public import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

extension RunEntry {
  /// What the store records of `run`, made by `command` under `scenario`
  /// between `started` and `finished`, with its reports in `reportDirectory`.
  public init(
    command: String,
    scenario: Scenario,
    run: ScoreRun,
    toolVersion: String,
    started: Date,
    finished: Date,
    reportDirectory: URL?
  ) {
    self.init(
      command: command,
      scenario: scenario.name,
      scenarioHash: ScenarioLoader.contentHash(of: scenario),
      portfolioPath: URL(fileURLWithPath: run.portfolio.file).standardizedFileURL.path,
      run: run,
      toolVersion: toolVersion,
      startedAt: started.timestamp,
      finishedAt: finished.timestamp,
      durationMilliseconds: Int(finished.timeIntervalSince(started) * 1000),
      reportDirectory: reportDirectory?.standardizedFileURL.path
    )
  }
}

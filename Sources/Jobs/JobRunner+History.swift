import Foundation
import HistoryStore
import PolicyScoreCore
import PolicyScoring
import Reports

extension JobRunner {
  /// The job's page: its first portfolio under its first scenario, with the
  /// composite and tiers of the same portfolio and scenario over the job's
  /// last runs, oldest first.
  func historyPage(
    _ entry: RunEntry,
    previous: [StoredJobRun],
    started: Date
  ) throws(JobError) -> [UInt8] {
    var history: [(label: String, composite: Double, tiers: [String: Int])] = []
    for jobRun in previous.prefix(11).reversed() {
      let runs = try storeCall { () throws(StoreError) in try store.runs(jobRun: jobRun.id) }
      guard
        let same = runs.first(where: {
          $0.portfolioPath == entry.portfolioPath && $0.scenario == entry.scenario
        })
      else { continue }
      let summary = try storeCall { () throws(StoreError) in try store.summary(run: same.id) }
      history.append((jobRun.asOf, summary.composite, summary.tiers))
    }
    let run = entry.run
    history.append(
      (
        run.scoring.asOf.description, run.summaries.first?.composite ?? 50,
        Dictionary(grouping: run.scores, by: \.tier).mapValues(\.count)
      )
    )
    return HTMLReport.job(
      run,
      history: history,
      language: language,
      context: RunContext(
        toolVersion: toolVersion,
        generatedAt: started.timestamp,
        language: language
      )
    )
  }
}

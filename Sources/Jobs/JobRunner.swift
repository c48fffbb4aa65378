public import Foundation
public import HistoryStore
import HoldingMapping
import Pipeline
import PolicyModel
public import PolicyScoreCore
import PolicyScoring
import PortfolioImport
public import Reports

/// Runs a job.
///
/// One run per portfolio file and scenario, through the one pipeline; the
/// reports of all of them written into a new folder, the store written in one
/// transaction, and only then the folder swapped into place; a diff against
/// the previous run, and retention applied. One run of a job at a time.
public struct JobRunner {
  public var job: Job
  public var store: Store
  public var today: Day
  /// A date given for the run (`--as-of`), used as it is; nil applies the
  /// job's `as_of` rule to `today`.
  public var asOf: Day?
  public var toolVersion: String
  /// The language of the job's `report.html`.
  public var language: ReportLanguage = .en
  public var force = false
  /// Receives the log lines.
  public var log: @Sendable (JobEvent) -> Void = { _ in }
  /// Called at named points ("reports-partly-written", "store-transaction",
  /// "store-committed"), for tests.
  public var checkpoint: @Sendable (String) -> Void = { _ in }
  public var now: () -> Date = { Date() }

  public init(job: Job, store: Store, today: Day, toolVersion: String) {
    self.job = job
    self.store = store
    self.today = today
    self.toolVersion = toolVersion
  }

  public func run() throws(JobError) -> JobOutcome {
    let started = now()
    let lockPath = job.file.deletingLastPathComponent()
      .appendingPathComponent(".\(job.file.lastPathComponent).lock").path
    let lock = try JobLock(path: lockPath, startedAt: started.timestamp)
    defer { withExtendedLifetime(lock) {} }
    // A shared store is written from other machines too: its own lock.
    guard try storeCall({ () throws(StoreError) in try store.lockJob(job.name) }) else {
      throw .locked(
        holder: "a run on another machine (the lock on job '\(job.name)' in \(store.path))"
      )
    }
    defer { store.unlockJob(job.name) }
    let files = job.portfolioFiles()
    let output = JobOutput(root: job.output, job: job.name)
    let recorded = try storeCall { () throws(StoreError) in try store.jobRuns(job: job.name) }
    try output.claimAndLock(
      recorded: recorded.map(\.reportDirectory),
      protecting: [store.file, job.file].compactMap { $0 } + files
    )
    defer { output.unlock() }
    output.tidy(recorded: recorded.map(\.reportDirectory), log: log)
    let asOf = self.asOf ?? job.asOf.day(today: today)
    log(JobEvent(.info, "job started", [("job", job.name), ("as_of", asOf.description)]))
    let model: ModelBundle
    do { model = try ModelBundle(contentsOf: job.models) } catch { throw .model(error) }
    let scenarios = try loadScenarios(model)
    guard !files.isEmpty else { throw .noPortfolios(patterns: job.portfolios) }
    var inputs: [(url: URL, bytes: [UInt8])] = []
    for url in files {
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw .pipeline(
          .portfolio(.unreadable(file: url.path, reason: "no such file or not readable"))
        )
      }
      inputs.append((url, Array(data)))
    }
    let decisions = try storeCall { () throws(StoreError) in try store.decisions() }
    let fingerprint = self.fingerprint(
      model: model,
      asOf: asOf,
      inputs: inputs,
      scenarios: scenarios,
      decisions: decisions.last.map { (decisions.count, $0.id) }
    )
    // Tidying may have put the last run's folder in place.
    let history = try storeCall { () throws(StoreError) in try store.jobRuns(job: job.name) }
    if !force, let last = history.first, last.fingerprint == fingerprint,
      FileManager.default.fileExists(atPath: last.reportDirectory)
    {
      log(
        JobEvent(
          .info,
          "up to date: inputs, model, scenarios and as-of date unchanged since the last run",
          [("job_run", String(last.id)), ("reports", last.reportDirectory)]
        )
      )
      return .upToDate(jobRunID: last.id, folder: last.reportDirectory)
    }
    var pipeline: ScoringPipeline
    do {
      pipeline = try ScoringPipeline(
        model: model,
        decisions: decisions.map(\.decision),
        edition: job.edition,
        asOf: asOf
      )
    } catch {
      throw .pipeline(error)
    }
    pipeline.maxRejects = job.maxRejects
    pipeline.minCoverage = job.minCoverage
    pipeline.observe = { [log] event in
      guard case .read(let portfolio) = event else { return }
      for row in portfolio.rejects {
        log(
          JobEvent(
            row.countsAgainstBudget ? .warning : .info,
            row.countsAgainstBudget ? "row rejected: \(row.reason)" : row.reason,
            [
              ("file", portfolio.file), ("line", String(row.line)), ("column", row.column),
            ]
          )
        )
      }
    }
    let previousRuns =
      try history.first.map { last throws(JobError) in
        try storeCall { () throws(StoreError) in try store.runs(jobRun: last.id) }
      } ?? []
    let folderName = output.newFolderName(asOf: asOf, stamp: Self.folderStamp(started))
    let folder = job.output.appendingPathComponent(folderName)
    var batch = JobBatch(generatedAt: started.timestamp)
    let decisionsApplied =
      decisions.last.map { "\(decisions.count) saved, newest \($0.id)" } ?? "none saved"
    if let last = history.first, let before = last.decisions, before != decisionsApplied {
      batch.diffs.append(
        .jobChange(
          "mapping decisions",
          "mapping decisions changed: \(before) → \(decisionsApplied); mappings and ranks below may move with them"
        )
      )
    }
    let reader = PortfolioReader(knownSegments: Set(model.segmentIDs))
    for (input, name) in zip(inputs, Job.folderNames(for: inputs.map(\.url))) {
      let portfolioStarted = now()
      let portfolio: Portfolio
      let runs: [ScoreRun]
      do {
        portfolio = try pipeline.read(.bytes(input.bytes, path: input.url.path), with: reader)
        runs = try pipeline.score(portfolio, mapped: pipeline.map(portfolio), under: scenarios)
      } catch { throw .pipeline(error) }
      batch.count(portfolio)
      let finished = now()
      let timing = (
        portfolioStarted.timestamp, finished.timestamp,
        Int(finished.timeIntervalSince(portfolioStarted) * 1000)
      )
      for (scenario, run) in zip(scenarios, runs) {
        let previous = previousRuns.first {
          $0.portfolioPath == input.url.path && $0.scenario == scenario.name
        }
        let previousHoldings = try previous.map { previous throws(JobError) in
          try storeCall { () throws(StoreError) in try store.holdings(run: previous.id) }
        }
        batch.add(
          run,
          scenario: scenario,
          in: name,
          of: folder,
          previous: previous.map { ($0, previousHoldings ?? []) },
          firstJobRun: history.isEmpty,
          threshold: job.rankMoveThreshold,
          toolVersion: toolVersion,
          timing: timing
        )
        log(
          JobEvent(
            .info,
            "scored",
            [
              ("portfolio", input.url.lastPathComponent), ("scenario", scenario.name),
              ("rows", String(portfolio.rowsRead)), ("scored", String(run.scores.count)),
              ("unmapped", String(run.unmapped.count)),
              ("rejected", String(portfolio.rejects.count)),
            ]
          )
        )
      }
    }
    let summary = RunDiff.summary(batch.diffs)
    batch.files["diff.csv"] = ReportFile(RunDiff.csv(batch.diffs))
    if let first = batch.entries.first {
      batch.files["report.html"] = ReportFile(
        try historyPage(first, previous: history, started: started)
      )
    }
    batch.files["job.json"] = ReportFile(
      jobManifest(
        fingerprint: fingerprint,
        asOf: asOf,
        inputs: inputs.map(\.url.path),
        scenarios: scenarios,
        summary: summary,
        generatedAt: batch.generatedAt
      )
    )
    let entries = batch.entries
    let jobRun: (jobRunID: Int64?, runIDs: [Int64])
    do throws(PipelineError) {
      jobRun = try pipeline.publish(
        batch.files,
        to: folder,
        owner: job.name,
        protecting: [],
        checkpoint: checkpoint
      ) { gate throws(PipelineError) in
        do throws(StoreError) {
          return try store.record(
            entries,
            job: (job.name, fingerprint, asOf.description, folder.path, decisionsApplied),
            checkpoint: checkpoint,
            beforeCommit: gate
          )
        } catch {
          throw .store(error)
        }
      }
    } catch { throw .pipeline(error) }
    output.pointLatest(to: folderName)
    let pruned = try storeCall { () throws(StoreError) in
      try store.prune(job: job.name, keep: job.retention)
    }
    output.remove(pruned: pruned.folders)
    log(
      JobEvent(
        .info,
        "job finished: \(summary)",
        [
          ("job_run", String(jobRun.jobRunID ?? 0)), ("reports", folder.path),
          ("pruned", String(pruned.removed)),
        ]
      )
    )
    return .completed(
      JobResult(
        jobRunID: jobRun.jobRunID ?? 0,
        folder: folder.path,
        runs: entries.count,
        rowsRead: batch.rowsRead,
        rejected: batch.rejected,
        diffSummary: summary,
        pruned: pruned.removed
      )
    )
  }

  /// What decides whether anything changed since the last run: the tool,
  /// the job file, the model, the as-of date and edition, every input's
  /// bytes, every scenario, and the decisions saved (their count and newest).
  private func fingerprint(
    model: ModelBundle,
    asOf: Day,
    inputs: [(url: URL, bytes: [UInt8])],
    scenarios: [Scenario],
    decisions: (count: Int, newest: Int64)?
  ) -> String {
    var fingerprint = SHA256()
    fingerprint.update(
      Array(
        "tool \(toolVersion)\njob \(job.contentHash)\nmodel \(model.contentHash)\nas_of \(asOf)\nedition \(job.edition ?? "-")\n"
          .utf8
      )
    )
    for input in inputs {
      fingerprint.update(Array("portfolio \(input.url.path) \(SHA256.hex(of: input.bytes))\n".utf8))
    }
    for scenario in scenarios {
      fingerprint.update(
        Array("scenario \(scenario.name) \(ScenarioLoader.contentHash(of: scenario))\n".utf8)
      )
    }
    if let decisions {
      // A new decision changes mappings, so the job must run again.
      fingerprint.update(Array("decisions \(decisions.count) \(decisions.newest)\n".utf8))
    }
    return fingerprint.finalizeHex()
  }

  // MARK: - Parts

  private func loadScenarios(_ model: ModelBundle) throws(JobError) -> [Scenario] {
    guard !job.scenarios.isEmpty else { return [Scenario.baseline()] }
    let base = job.file.deletingLastPathComponent()
    let urls = job.scenarios.map { name -> URL in
      if name.hasSuffix(".yaml") || name.contains("/") {
        return name.hasPrefix("/") ? URL(fileURLWithPath: name) : base.appendingPathComponent(name)
      }
      return job.scenariosDirectory.appendingPathComponent("\(name).yaml")
    }
    do { return try ScenarioLoader(model: model).load(urls) } catch { throw .scenarios(error) }
  }

  /// `started` as it appears in a run folder's name: `20260601T060000Z`.
  static func folderStamp(_ started: Date) -> String {
    started.timestamp.replacingOccurrences(of: ":", with: "").replacingOccurrences(
      of: "-",
      with: ""
    )
  }

  private func jobManifest(
    fingerprint: String,
    asOf: Day,
    inputs: [String],
    scenarios: [Scenario],
    summary: String,
    generatedAt: String
  ) -> [UInt8] {
    struct Manifest: Encodable {
      var job: String
      var tool_version: String
      var fingerprint: String
      var as_of: String
      var as_of_rule: String
      var portfolios: [String]
      var scenarios: [String]
      var diff: String
      var generated_at: String
    }
    let manifest = Manifest(
      job: job.name,
      tool_version: toolVersion,
      fingerprint: fingerprint,
      as_of: asOf.description,
      as_of_rule: job.asOf.description,
      portfolios: inputs,
      scenarios: scenarios.map(\.name),
      diff: summary,
      generated_at: generatedAt
    )
    return ReportJSON.encode(manifest)
  }

  func storeCall<T>(_ body: () throws(StoreError) -> T) throws(JobError) -> T {
    do {
      return try body()
    } catch {
      throw .store(error)
    }
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

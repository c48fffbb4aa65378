public import Foundation
public import HistoryStore
import HoldingMapping
import Pipeline
import PolicyModel
public import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// A line for the log: what happened, with fields for log collectors.
public struct JobEvent: Sendable {
  public enum Level: String, Sendable {
    case info
    case warning
    case error
  }

  public var level: Level
  public var message: String
  public var fields: [(key: String, value: String)]

  public init(_ level: Level, _ message: String, _ fields: [(key: String, value: String)] = []) {
    self.level = level
    self.message = message
    self.fields = fields
  }
}

/// How a job run ended.
public enum JobOutcome: Sendable {
  /// Inputs, model, scenarios and as-of date unchanged since the last run: nothing written.
  case upToDate(jobRunID: Int64, folder: String)
  case completed(JobResult)
}

public struct JobResult: Sendable {
  public var jobRunID: Int64
  public var folder: String
  public var runs: Int
  public var rowsRead: Int
  public var rejected: Int
  public var diffSummary: String
  public var pruned: Int
}

/// Runs a job.
///
/// One run per portfolio file and scenario, reports written into
/// a new folder swapped into place only when complete, the store written in
/// one transaction, a diff against the previous run, and retention applied.
/// One run of a job at a time.
public struct JobRunner {
  public var job: Job
  public var store: Store
  public var today: Day
  public var toolVersion: String
  public var force = false
  /// Receives the log lines.
  public var log: (JobEvent) -> Void = { _ in }
  /// Called at named points ("reports-partly-written", "store-transaction"), for tests.
  public var checkpoint: (String) -> Void = { _ in }
  public var now: () -> Date = { Date() }

  public init(job: Job, store: Store, today: Day, toolVersion: String) {
    self.job = job
    self.store = store
    self.today = today
    self.toolVersion = toolVersion
  }

  public func run() throws(JobError) -> JobOutcome {
    let started = now()
    let startedText = Self.timestamp(started)
    let lockPath = job.file.deletingLastPathComponent()
      .appendingPathComponent(".\(job.file.lastPathComponent).lock").path
    let lock = try JobLock(path: lockPath, startedAt: startedText)
    defer { withExtendedLifetime(lock) {} }
    let files = job.portfolioFiles()
    let output = JobOutput(root: job.output, job: job.name)
    var history = try storeCall { try store.jobRuns(job: job.name) }
    try output.claimAndLock(
      recorded: history.map(\.reportDirectory),
      protecting: [URL(fileURLWithPath: store.path), job.file] + files
    )
    defer { output.unlock() }
    output.tidy(recorded: history.map(\.reportDirectory), log: log)
    let asOf = job.asOf.day(today: today)
    log(JobEvent(.info, "job started", [("job", job.name), ("as_of", asOf.description)]))
    let model: ModelBundle
    do { model = try ModelBundle(contentsOf: job.models) } catch { throw .model(error) }
    let scenarios = try loadScenarios(model)
    guard !files.isEmpty else { throw .noPortfolios(patterns: job.portfolios) }
    var inputs: [(url: URL, bytes: [UInt8])] = []
    for url in files {
      guard let data = FileManager.default.contents(atPath: url.path) else {
        throw .portfolio(.unreadable(file: url.path, reason: "no such file or not readable"))
      }
      inputs.append((url, Array(data)))
    }
    let scenarioHashes = scenarios.map(ScenarioLoader.contentHash(of:))
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
    for (scenario, hash) in zip(scenarios, scenarioHashes) {
      fingerprint.update(Array("scenario \(scenario.name) \(hash)\n".utf8))
    }
    let decisions = try storeCall { try store.decisions() }
    if let last = decisions.last {
      // A new decision changes mappings, so the job must run again.
      fingerprint.update(Array("decisions \(decisions.count) \(last.id)\n".utf8))
    }
    let print = fingerprint.finalizeHex()
    history = try storeCall { try store.jobRuns(job: job.name) }
    if !force, let last = history.first, last.fingerprint == print,
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
    var previousRuns: [StoredRun] = []
    if let last = history.first { previousRuns = try storeCall { try store.runs(jobRun: last.id) } }
    let mapper = Mapper(model: model, decisions: decisions.map(\.decision))
    var reportFiles: [String: ReportFile] = [:]
    var entries: [RunEntry] = []
    var diffs: [RunDiff] = []
    let folderName = output.newFolderName(asOf: asOf, stamp: Self.folderStamp(started))
    let folder = job.output.appendingPathComponent(folderName)
    let portfolioFolders = Job.folderNames(for: inputs.map(\.url))
    var rowsRead = 0
    var rejected = 0
    for (input, stem) in zip(inputs, portfolioFolders) {
      let portfolio: Portfolio
      do {
        portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs))
          .read(bytes: input.bytes, file: input.url.path)
      } catch { throw .portfolio(error) }
      if portfolio.rejectedPercent > job.maxRejects {
        throw .tooManyRejects(
          file: input.url.path,
          rejected: portfolio.budgetRejects,
          rows: portfolio.budgetRows,
          limit: job.maxRejects
        )
      }
      rowsRead += portfolio.rowsRead
      rejected += portfolio.rejects.count
      for reject in portfolio.rejects {
        log(
          JobEvent(
            .warning,
            "row rejected: \(reject.reason)",
            [("file", input.url.path), ("line", String(reject.line)), ("column", reject.column)]
          )
        )
      }
      let outcomes = mapper.map(portfolio.holdings)
      for (scenario, hash) in zip(scenarios, scenarioHashes) {
        let runStarted = now()
        let run = ScoreRun(
          portfolio: portfolio,
          scoring: ScoringModel(model: model, scenario: scenario, edition: job.edition, asOf: asOf),
          outcomes: outcomes
        )
        let covered = MappingCoverage(run: run).weightShare * 100
        if let minimum = job.minCoverage, covered < minimum - 1e-9 {
          throw .coverageTooLow(file: input.url.path, percent: covered, limit: minimum)
        }
        let reports = ReportSet(
          run: run,
          context: RunContext(
            toolVersion: toolVersion,
            generatedAt: startedText,
            scenario: scenario.name
          )
        )
        for (name, file) in reports.files {
          reportFiles["\(stem)/\(scenario.name)/\(name)"] = file
        }
        let previous = previousRuns.first {
          $0.portfolioPath == input.url.path && $0.scenario == scenario.name
        }
        var previousHoldings: [StoredHolding] = []
        if let previous {
          previousHoldings = try storeCall { try store.holdings(run: previous.id) }
        }
        diffs.append(
          RunDiff(
            scenario: scenario.name,
            previous: previous.map { (RunDiff.Facts($0), previousHoldings) },
            current: (RunDiff.Facts(run, scenarioHash: hash), StoredHolding.holdings(of: run)),
            threshold: job.rankMoveThreshold
          )
        )
        let finished = now()
        entries.append(
          RunEntry(
            command: "job",
            scenario: scenario.name,
            scenarioHash: hash,
            portfolioPath: input.url.path,
            run: run,
            toolVersion: toolVersion,
            startedAt: Self.timestamp(runStarted),
            finishedAt: Self.timestamp(finished),
            durationMilliseconds: Int(finished.timeIntervalSince(runStarted) * 1000),
            reportDirectory: folder.appendingPathComponent("\(stem)/\(scenario.name)").path
          )
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
    let summary = RunDiff.summary(diffs)
    reportFiles["diff.csv"] = ReportFile(RunDiff.csv(diffs))
    reportFiles["job.json"] = ReportFile(
      jobManifest(
        fingerprint: print,
        asOf: asOf,
        inputs: inputs.map(\.url.path),
        scenarios: scenarios,
        summary: summary,
        generatedAt: startedText
      )
    )
    // The reports are swapped in only once the store has recorded them: a
    // failed or killed recording leaves the previous reports and history.
    let staged: StagedReports
    do {
      staged = try ReportFolder.stage(
        reportFiles,
        for: folder,
        owner: job.name,
        checkpoint: checkpoint
      )
    } catch { throw .reports(error) }
    let recorded: (jobRunID: Int64?, runIDs: [Int64])
    do {
      recorded = try storeCall {
        try store.record(
          entries,
          job: (job.name, print, asOf.description, folder.path),
          checkpoint: checkpoint
        )
      }
    } catch {
      staged.discard()
      throw error
    }
    checkpoint("store-committed")
    do { try staged.commit() } catch { throw .reports(error) }
    output.pointLatest(to: folderName)
    let pruned = try storeCall { try store.prune(job: job.name, keep: job.retention) }
    output.remove(pruned: pruned.folders)
    log(
      JobEvent(
        .info,
        "job finished: \(summary)",
        [
          ("job_run", String(recorded.jobRunID ?? 0)), ("reports", folder.path),
          ("pruned", String(pruned.removed)),
        ]
      )
    )
    return .completed(
      JobResult(
        jobRunID: recorded.jobRunID ?? 0,
        folder: folder.path,
        runs: entries.count,
        rowsRead: rowsRead,
        rejected: rejected,
        diffSummary: summary,
        pruned: pruned.removed
      )
    )
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
    timestamp(started).replacingOccurrences(of: ":", with: "").replacingOccurrences(
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

  private func storeCall<T>(_ body: () throws -> T) throws(JobError) -> T {
    do {
      return try body()
    } catch let error as StoreError {
      throw .store(error)
    } catch {
      throw .store(.failed("\(error)"))
    }
  }

  static func timestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    return formatter.string(from: date)
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

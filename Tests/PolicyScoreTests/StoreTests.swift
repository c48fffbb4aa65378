import Foundation
import Testing

@testable import HistoryStore
@testable import HoldingMapping
@testable import Jobs
@testable import Pipeline
@testable import PolicyModel
@testable import PolicyScoreCore
@testable import PolicyScoring
@testable import PortfolioImport
@testable import Reports
@testable import ScenarioAnalysis

func entry(_ run: ScoreRun, command: String = "score") -> RunEntry {
  RunEntry(
    command: command,
    scenario: "baseline",
    scenarioHash: "none",
    portfolioPath: "/p.csv",
    run: run,
    toolVersion: "test",
    startedAt: "2026-11-23T00:00:00Z",
    finishedAt: "2026-11-23T00:00:01Z",
    durationMilliseconds: 1000,
    reportDirectory: nil
  )
}

@Suite struct StoreTests {
  let text =
    "ticker,weight,description\n609001,0.5,手术机器人\n609002,0.3,医院\n609003,0.2,office rental\n"

  /// Evidence quotes what a holding's text says, which may hold quotes,
  /// backslashes or control characters: the score row's JSON keeps it whole.
  @Test func aMappingsJSONReadsBackAsWritten() throws {
    let evidence = "text: '\"quoted\"' \\ back\tslash\u{1}; 医院"
    let mapping = Mapping(
      method: .text,
      confidence: 0.7,
      segments: [
        MappedSegment(segment: "hospitals", share: 2.0 / 3, evidence: evidence),
        MappedSegment(segment: "cro-cdmo", share: 1.0 / 3, evidence: ""),
      ]
    )
    var shares = Store.ShareText()
    var scratch: [UInt8] = []
    let json = try JSONSerialization.jsonObject(
      with: Data(Store.segmentsJSON(mapping, shares: &shares, scratch: &scratch))
    )
    let rows = try #require(json as? [[Any]])
    #expect(rows.map { $0[0] as? String } == ["hospitals", "cro-cdmo"])
    #expect(rows.map { ($0[1] as? NSNumber)?.doubleValue } == [2.0 / 3, 1.0 / 3])
    #expect(rows.map { $0[2] as? String } == [evidence, ""])
  }

  /// Rows go in by portfolio, then line: without a sort when the lines are
  /// one file's, with one when they repeat.
  @Test(arguments: [[5, 2, 9, 3, 7, 4], [5, 2, 5, 3, 2, 4]])
  func holdingsAreRecordedInKeyOrder(_ lines: [Int]) {
    let portfolios = ["b", "a", "b", "a", "a", "b"]
    let holdings = zip(lines, portfolios).map { line, portfolio in
      Holding(
        line: line,
        portfolio: portfolio,
        ticker: Ticker("600276"),
        name: "x",
        weight: 0.1,
        marketValue: nil,
        description: "",
        industryCodes: [],
        origin: nil,
        chinaShare: nil,
        split: nil
      )
    }
    let expected = holdings.indices.sorted {
      (portfolios[$0], lines[$0], $0) < (portfolios[$1], lines[$1], $1)
    }
    #expect(
      Store.keyOrder(holdings).map { (portfolios[$0], lines[$0]) }.elementsEqual(
        expected.map { (portfolios[$0], lines[$0]) },
        by: ==
      )
    )
  }

  @Test func aStoreIsInWALModeWithForeignKeys() throws {
    let path = try temporaryDirectory().appendingPathComponent("h.sqlite").path
    let store = try Store(path: path)
    try store.record([entry(try run(text))])
    #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    #expect(try store.appliedMigrations().count == 8)
    // Recording turns the per-row checks off for its own rows only: pruning
    // relies on them to cascade.
    let checks = try store.write { try $0.query("PRAGMA foreign_keys", []) }
    #expect(checks.first?.int64("foreign_keys") == 1)
  }

  /// Writing a store's files to disk as they grow creates no file, and
  /// closes none of the descriptors SQLite holds its locks through: the
  /// store records again after it, and a file that is not there stays so.
  @Test func writingBehindCreatesNothingAndClosesNoneOfSQLitesDescriptors() throws {
    let folder = try temporaryDirectory()
    let missing = folder.appendingPathComponent("none.sqlite").path
    WriteBehind(database: missing).finish()
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    let path = folder.appendingPathComponent("h.sqlite").path
    let store = try Store(path: path)
    try store.record([entry(try run(text))])
    func descriptors() throws -> Int {
      var file = stat()
      #expect(stat(path, &file) == 0)
      return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").filter {
        var other = stat()
        return fstat(Int32($0) ?? -1, &other) == 0 && other.st_ino == file.st_ino
          && other.st_dev == file.st_dev
      }.count
    }
    let before = try descriptors()
    #expect(before > 0)
    try store.record([entry(try run(text))])
    #expect(try descriptors() == before)
    #expect(try store.runs().count == 2)
  }

  /// The run is recorded while its reports are written, and the record
  /// waits for them: when one cannot be written, the record is rolled back
  /// and the error is the report's.
  @Test func aRunWhoseReportsCannotBeWrittenIsNotRecorded() throws {
    let folder = try temporaryDirectory()
    let store = try Store(path: folder.appendingPathComponent("h.sqlite").path)
    let pipeline = try ScoringPipeline(
      model: shippedModel,
      decisions: [],
      edition: nil,
      asOf: asOf
    )
    let scored = try run(text)
    let out = folder.appendingPathComponent("reports")
    func publish(_ name: String) throws(PipelineError) -> [Int64] {
      try pipeline.publish([name: ReportFile(Array("x\n".utf8))], to: out, protecting: []) {
        gate throws(PipelineError) in
        try pipeline.record([entry(scored)], in: store, gate: gate)
      }
    }
    let error = #expect(throws: PipelineError.self) { try publish("../outside.csv") }
    guard case .reports = error else {
      Issue.record("not the report's error: \(String(describing: error))")
      return
    }
    #expect(try store.runs().isEmpty)
    #expect(!FileManager.default.fileExists(atPath: out.path))
    #expect(try publish("rankings.csv").count == 1)
    #expect(try store.runs().count == 1)
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("rankings.csv").path))
  }

  static let fixture = fixturesURL.appendingPathComponent("store-v1.sqlite")

  /// `RECORD_FIXTURES=1 swift test` rewrites the fixture: a store as the v1
  /// schema wrote it, holding one run.
  @Test func aStoreWrittenByTheFirstSchemaOpensAfterLaterMigrations() throws {
    if ProcessInfo.processInfo.environment["RECORD_FIXTURES"] != nil {
      try? FileManager.default.removeItem(at: Self.fixture)
      let old = try Store(
        path: Self.fixture.path,
        migratingUpTo: "v1 runs, holdings, scores, mappings"
      )
      try old.record([entry(try run(text))])
      _ = try old.runs()  // checkpoint on close
    }
    let copy = try temporaryDirectory().appendingPathComponent("old.sqlite")
    try FileManager.default.copyItem(at: Self.fixture, to: copy)
    let store = try Store(path: copy.path)
    #expect(try store.appliedMigrations().count == 8)
    let runs = try store.runs()
    #expect(runs.count == 1)
    #expect(runs[0].rowsRead == 3)
    #expect(try store.holdings(run: runs[0].id).count == 3)
  }
}

@Suite struct JobTests {
  /// A job in a fresh folder: the example portfolio, the shipped model and scenarios.
  func makeJob(
    scenarios: String = "[baseline]",
    retention: Int = 12,
    models: URL = modelsURL
  ) throws -> (URL, Job) {
    let directory = try temporaryDirectory()
    try FileManager.default.copyItem(
      at: packageRoot.appendingPathComponent("Examples/portfolio.csv"),
      to: directory.appendingPathComponent("portfolio.csv")
    )
    let file = directory.appendingPathComponent("job.yaml")
    try """
    schema_version: 1
    name: test-job
    portfolios: ["*.csv"]
    models: \(models.path)
    scenarios_dir: \(packageRoot.appendingPathComponent("Scenarios").path)
    scenarios: \(scenarios)
    as_of: 2026-11-23
    output: out
    retention: \(retention)
    rank_move_threshold: 1
    """.write(to: file, atomically: true, encoding: .utf8)
    return (directory, try Job(contentsOf: file))
  }

  func runner(_ job: Job, _ directory: URL) throws -> JobRunner {
    JobRunner(
      job: job,
      store: try Store(path: directory.appendingPathComponent("h.sqlite").path),
      today: day("2026-11-23"),
      toolVersion: "test"
    )
  }

  @Test func aNewDecisionMakesTheJobRunAgainAndIsApplied() throws {
    let (directory, job) = try makeJob()
    guard case .completed = try runner(job, directory).run() else {
      Issue.record("the first run did nothing")
      return
    }
    let store = try Store(path: directory.appendingPathComponent("h.sqlite").path)
    try store.save([
      MappingDecision(
        ticker: "600276.SH",
        action: .replace,
        segments: [SegmentShare(segment: "innovative-drugs", share: 1)],
        reason: "",
        decidedBy: "li",
        decidedAt: "2026-11-23T00:00:00Z",
        descriptionFingerprint: ""
      )
    ])
    guard case .completed(let second) = try runner(job, directory).run() else {
      Issue.record("a new decision left the job up to date")
      return
    }
    let evidence = try String(
      contentsOfFile: second.folder + "/portfolio/baseline/evidence.csv",
      encoding: .utf8
    )
    #expect(evidence.contains(",innovative-drugs,decision replace by li on 2026-11-23"))
  }

  @Test func aRerunWithUnchangedInputsWritesNothing() throws {
    let (directory, job) = try makeJob()
    guard case .completed(let first) = try runner(job, directory).run() else {
      Issue.record("the first run did nothing")
      return
    }
    let before = try FileManager.default.contentsOfDirectory(
      atPath: directory.appendingPathComponent("out").path
    )
    guard case .upToDate(let id, let folder) = try runner(job, directory).run() else {
      Issue.record("the rerun was not up to date")
      return
    }
    #expect(id == first.jobRunID)
    #expect(folder == first.folder)
    let after = try FileManager.default.contentsOfDirectory(
      atPath: directory.appendingPathComponent("out").path
    )
    #expect(before.sorted() == after.sorted())
    var forced = try runner(job, directory)
    forced.force = true
    guard case .completed = try forced.run() else {
      Issue.record("--force did not rerun")
      return
    }
  }

  @Test func aChangedInputMakesANewRunWhoseDiffNamesTheChanges() throws {
    let (directory, job) = try makeJob()
    _ = try runner(job, directory).run()
    let file = directory.appendingPathComponent("portfolio.csv")
    var text = try String(contentsOf: file, encoding: .utf8)
    text =
      text.split(separator: "\n").filter { !$0.hasPrefix("ZBH,") }.joined(separator: "\n")
      + "\nNEWCO,New Co,1.0,手术机器人,,CN,,\n"
    try text.write(to: file, atomically: true, encoding: .utf8)
    guard case .completed(let second) = try runner(job, directory).run() else {
      Issue.record("no new run")
      return
    }
    #expect(second.diffSummary.contains("1 new"))
    #expect(second.diffSummary.contains("1 dropped"))
    #expect(second.diffSummary.contains("changed assumptions: input file"))
    let diff = csvRows(
      Array(
        try Data(contentsOf: URL(fileURLWithPath: second.folder).appendingPathComponent("diff.csv"))
      )
    )
    #expect(diff.contains { $0[2] == "new" && $0[3] == "NEWCO.US" })
    #expect(diff.contains { $0[2] == "dropped" && $0[3] == "ZBH.US" })
    #expect(diff.contains { $0[2] == "rank-move" })
  }

  @Test func aChangedModelIsNamedSoItIsNotMistakenForACompanyChange() throws {
    let models = try temporaryDirectory()
    for name in try FileManager.default.contentsOfDirectory(atPath: modelsURL.path) {
      try FileManager.default.copyItem(
        at: modelsURL.appendingPathComponent(name),
        to: models.appendingPathComponent(name)
      )
    }
    let (directory, job) = try makeJob(models: models)
    _ = try runner(job, directory).run()
    let parameters = models.appendingPathComponent("parameters.yaml")
    try (try String(contentsOf: parameters, encoding: .utf8))
      .replacingOccurrences(
        of: "weights: {encouraged: 0.40, financial: 0.35, substitution: 0.25}",
        with: "weights: {encouraged: 0.20, financial: 0.55, substitution: 0.25}"
      )
      .write(to: parameters, atomically: true, encoding: .utf8)
    guard case .completed(let second) = try runner(job, directory).run() else {
      Issue.record("no new run after a model change")
      return
    }
    #expect(second.diffSummary.contains("changed assumptions: model, weights"))
    let diff = csvRows(
      Array(
        try Data(contentsOf: URL(fileURLWithPath: second.folder).appendingPathComponent("diff.csv"))
      )
    )
    let weights = try #require(diff.first { $0[2] == "assumption" && $0[4] == "weights" })
    #expect(weights[10].contains("0.4,0.35,0.25 → 0.2,0.55,0.25"))
    #expect(weights[10].contains("may come from this change, not from the companies"))
  }

  @Test func retentionPrunesOldRunsAndTheirFolders() throws {
    let (directory, job) = try makeJob(retention: 2)
    for _ in 0..<3 {
      var forced = try runner(job, directory)
      forced.force = true
      _ = try forced.run()
    }
    let folders = try FileManager.default.contentsOfDirectory(
      atPath: directory.appendingPathComponent("out").path
    )
    .filter { $0.hasPrefix("2026-") }
    #expect(folders.count == 2)
    #expect(
      try Store(path: directory.appendingPathComponent("h.sqlite").path).jobRuns(job: "test-job")
        .count == 2
    )
  }

  @Test func aSecondRunWhileTheLockIsHeldIsRefusedNamingTheHolder() throws {
    let (directory, job) = try makeJob()
    let lockPath = directory.appendingPathComponent(".job.yaml.lock").path
    let holder = try JobLock(path: lockPath, startedAt: "2026-11-23T01:02:03Z")
    #expect(
      throws: JobError.locked(
        holder: "pid \(ProcessInfo.processInfo.processIdentifier), started 2026-11-23T01:02:03Z"
      )
    ) {
      _ = try runner(job, directory).run()
    }
    withExtendedLifetime(holder) {}
  }

  @Test(arguments: [
    ("today", "2026-11-23"), ("last-month-end", "2026-10-31"), ("last-quarter-end", "2026-09-30"),
  ])
  func asOfRules(_ rule: String, _ expected: String) {
    let rules: [String: Job.AsOfRule] = [
      "today": .today, "last-month-end": .lastMonthEnd, "last-quarter-end": .lastQuarterEnd,
    ]
    #expect(rules[rule]?.day(today: day("2026-11-23")).description == expected)
  }

  @Test func monthAndQuarterEndsCrossTheYear() {
    #expect(Job.AsOfRule.lastMonthEnd.day(today: day("2026-01-15")).description == "2025-12-31")
    #expect(Job.AsOfRule.lastQuarterEnd.day(today: day("2026-03-31")).description == "2025-12-31")
    #expect(Job.AsOfRule.lastMonthEnd.day(today: day("2024-03-01")).description == "2024-02-29")
  }

  @Test func aBadJobFileIsALocatedError() throws {
    let file = try temporaryDirectory().appendingPathComponent("bad.yaml")
    try "schema_version: 1\nportfolios: [a.csv]\noutput: out\nas_of: last-month-ed\n".write(
      to: file,
      atomically: true,
      encoding: .utf8
    )
    do {
      _ = try Job(contentsOf: file)
      Issue.record("the bad job loaded")
    } catch {
      guard case .invalid(let diagnostics) = error else {
        Issue.record("expected the job file's diagnostics, got \(error)")
        return
      }
      #expect(
        diagnostics.contains {
          $0.description.hasPrefix("bad.yaml:4:")
            && $0.message.contains("did you mean 'last-month-end'?")
        }
      )
    }
  }
}

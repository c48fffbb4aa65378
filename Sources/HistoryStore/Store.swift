import Foundation
import GRDB
public import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

/// Why the history store failed.
public enum StoreError: DiagnosticError, Equatable {
  case cannotOpen(path: String, reason: String)
  case failed(String)
  case unknownRun(Int64)

  public var diagnostics: [Diagnostic] {
    switch self {
    case .cannotOpen(let path, let reason):
      return [
        Diagnostic(.error, "cannot open the store: \(reason)", at: SourceLocation(file: path))
      ]
    case .failed(let reason): return [Diagnostic(.error, "store error: \(reason)")]
    case .unknownRun(let id): return [Diagnostic(.error, "no run \(id) in the store")]
    }
  }
}

/// A run as the store keeps it: its manifest and counts.
public struct StoredRun: Sendable, Hashable {
  public var id: Int64
  public var jobRunID: Int64?
  public var job: String?
  public var command: String
  public var scenario: String
  public var scenarioHash: String
  public var portfolioPath: String
  public var inputHash: String
  public var modelHash: String
  public var edition: String
  public var asOf: String
  /// "E,F,D" weights.
  public var weights: String
  public var toolVersion: String
  public var rowsRead: Int
  public var scored: Int
  public var unmapped: Int
  public var rejected: Int
  public var status: String
  public var startedAt: String
  public var finishedAt: String
  public var durationMilliseconds: Int
  public var reportDirectory: String?
}

/// One execution of a job: the runs it made and where its reports are.
public struct StoredJobRun: Sendable, Hashable {
  public var id: Int64
  public var job: String
  public var fingerprint: String
  public var asOf: String
  public var status: String
  public var startedAt: String
  public var finishedAt: String
  public var reportDirectory: String
}

/// A scored or unmapped holding of a stored run.
public struct StoredHolding: Sendable, Hashable {
  public var portfolio: String
  public var line: Int
  public var ticker: String
  public var name: String
  public var weight: Double
  /// nil for an unmapped holding.
  public var composite: Double?
  public var e: Double?
  public var f: Double?
  public var d: Double?
  public var rank: Int?
  public var tier: String?
  public var excluded: Bool
  public var primarySegment: String?
  public var explanation: String?
  public var reason: String?

  package init(
    portfolio: String,
    line: Int,
    ticker: String,
    name: String,
    weight: Double,
    composite: Double?,
    e: Double?,
    f: Double?,
    d: Double?,
    rank: Int?,
    tier: String?,
    excluded: Bool,
    primarySegment: String?,
    explanation: String?,
    reason: String?
  ) {
    self.portfolio = portfolio
    self.line = line
    self.ticker = ticker
    self.name = name
    self.weight = weight
    self.composite = composite
    self.e = e
    self.f = f
    self.d = d
    self.rank = rank
    self.tier = tier
    self.excluded = excluded
    self.primarySegment = primarySegment
    self.explanation = explanation
    self.reason = reason
  }
}

/// What to record for one run.
public struct RunEntry {
  public var command: String
  public var scenario: String
  public var scenarioHash: String
  public var portfolioPath: String
  public var run: ScoreRun
  public var toolVersion: String
  public var startedAt: String
  public var finishedAt: String
  public var durationMilliseconds: Int
  public var reportDirectory: String?

  public init(
    command: String,
    scenario: String,
    scenarioHash: String,
    portfolioPath: String,
    run: ScoreRun,
    toolVersion: String,
    startedAt: String,
    finishedAt: String,
    durationMilliseconds: Int,
    reportDirectory: String?
  ) {
    self.command = command
    self.scenario = scenario
    self.scenarioHash = scenarioHash
    self.portfolioPath = portfolioPath
    self.run = run
    self.toolVersion = toolVersion
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.durationMilliseconds = durationMilliseconds
    self.reportDirectory = reportDirectory
  }
}

/// The history of runs in SQLite.
///
/// GRDB over the system library, in WAL mode with foreign keys on. Migrations are named and never edited once shipped.
public final class Store: Sendable {
  public let path: String
  private let pool: DatabasePool

  /// Opens or creates the store at `path` and migrates it to this version.
  public convenience init(path: String) throws(StoreError) {
    try self.init(path: path, migratingUpTo: nil)
  }

  /// Opens the store migrated up to the named migration only; tests use it
  /// to write stores as an earlier version did.
  init(path: String, migratingUpTo target: String?) throws(StoreError) {
    self.path = path
    do {
      var configuration = Configuration()
      configuration.foreignKeysEnabled = true
      configuration.busyMode = .timeout(30)
      // A run of a million holdings writes over a GB in one transaction. A
      // larger page cache keeps it from spilling page by page, and a new
      // store gets 32 KB pages, which hold its long rows with less B-tree
      // overhead (an existing store keeps its page size).
      configuration.prepareDatabase { db in
        try db.execute(sql: "PRAGMA page_size = 32768; PRAGMA cache_size = -262144")
      }
      pool = try DatabasePool(path: path, configuration: configuration)
      if let target {
        try Self.migrator.migrate(pool, upTo: target)
      } else {
        try Self.migrator.migrate(pool)
      }
    } catch {
      throw .cannotOpen(path: path, reason: "\(error)")
    }
  }

  /// The schema, one named migration per change.
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1 runs, holdings, scores, mappings") { db in
      try db.execute(
        sql: """
          CREATE TABLE job_run (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            as_of TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            report_dir TEXT NOT NULL
          );
          CREATE INDEX job_run_by_job ON job_run(job, id);
          CREATE TABLE run (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            job_run_id INTEGER REFERENCES job_run(id) ON DELETE CASCADE,
            job TEXT,
            command TEXT NOT NULL,
            scenario TEXT NOT NULL,
            scenario_sha256 TEXT NOT NULL,
            portfolio_path TEXT NOT NULL,
            input_sha256 TEXT NOT NULL,
            model_sha256 TEXT NOT NULL,
            edition TEXT NOT NULL,
            as_of TEXT NOT NULL,
            weights TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            rows_read INTEGER NOT NULL,
            scored INTEGER NOT NULL,
            unmapped INTEGER NOT NULL,
            rejected INTEGER NOT NULL,
            status TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT NOT NULL,
            duration_ms INTEGER NOT NULL,
            report_dir TEXT
          );
          CREATE INDEX run_by_job_run ON run(job_run_id);
          CREATE TABLE holding (
            run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
            portfolio TEXT NOT NULL,
            line INTEGER NOT NULL,
            ticker TEXT NOT NULL,
            ticker_input TEXT NOT NULL,
            name TEXT NOT NULL,
            weight REAL NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            PRIMARY KEY (run_id, portfolio, line)
          ) WITHOUT ROWID;
          CREATE TABLE score (
            run_id INTEGER NOT NULL,
            portfolio TEXT NOT NULL,
            line INTEGER NOT NULL,
            e REAL NOT NULL,
            f REAL NOT NULL,
            d REAL NOT NULL,
            composite REAL NOT NULL,
            rank INTEGER NOT NULL,
            tier TEXT NOT NULL,
            excluded INTEGER NOT NULL,
            primary_segment TEXT,
            explanation TEXT NOT NULL,
            PRIMARY KEY (run_id, portfolio, line),
            FOREIGN KEY (run_id, portfolio, line) REFERENCES holding(run_id, portfolio, line)
              ON DELETE CASCADE
          ) WITHOUT ROWID;
          CREATE TABLE mapping (
            run_id INTEGER NOT NULL,
            portfolio TEXT NOT NULL,
            line INTEGER NOT NULL,
            segment TEXT NOT NULL,
            share REAL NOT NULL,
            method TEXT NOT NULL,
            confidence REAL NOT NULL,
            evidence TEXT NOT NULL,
            PRIMARY KEY (run_id, portfolio, line, segment),
            FOREIGN KEY (run_id, portfolio, line) REFERENCES holding(run_id, portfolio, line)
              ON DELETE CASCADE
          ) WITHOUT ROWID;
          """
      )
    }
    migrator.registerMigration("v2 mapping decisions") { db in
      try db.execute(
        sql: """
          CREATE TABLE decision (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ticker TEXT NOT NULL,
            action TEXT NOT NULL,
            segments TEXT NOT NULL,
            reason TEXT,
            decided_by TEXT,
            decided_at TEXT NOT NULL,
            description_sha256 TEXT
          );
          CREATE INDEX decision_by_ticker ON decision(ticker, id);
          """
      )
    }
    migrator.registerMigration("v3 holding description fingerprint") { db in
      try db.execute(sql: "ALTER TABLE holding ADD COLUMN description_sha256 TEXT")
    }
    return migrator
  }

  /// Positions of `holdings` in key order, by portfolio, then line.
  private static func keyOrder(_ holdings: [Holding]) -> [Int] {
    // Portfolios as ordinals, so that the sort compares integers.
    let names = Set(holdings.map(\.portfolio)).sorted()
    let ordinals = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
    let keys = holdings.map { (ordinals[$0.portfolio] ?? 0, $0.line) }
    return keys.indices.sorted { keys[$0] < keys[$1] }
  }

  /// The names of the migrations this store has applied, in order.
  public func appliedMigrations() throws(StoreError) -> [String] {
    try read { db in try Self.migrator.appliedIdentifiers(db).sorted() }
  }

  // MARK: - Writing

  /// Records `entries`, and their job run when given, in one transaction.
  ///
  /// Either all of it is stored or none. `checkpoint` is called inside the
  /// transaction, before the commit, for tests that kill the process there.
  @discardableResult
  public func record(
    _ entries: [RunEntry],
    job: (name: String, fingerprint: String, asOf: String, reportDirectory: String)? = nil,
    checkpoint: (String) -> Void = { _ in }
  ) throws(StoreError) -> (jobRunID: Int64?, runIDs: [Int64]) {
    try write { db in
      var jobRunID: Int64?
      if let job {
        try db.execute(
          sql: """
            INSERT INTO job_run (job, fingerprint, as_of, status, started_at, finished_at, report_dir)
            VALUES (?, ?, ?, 'complete', ?, ?, ?)
            """,
          arguments: [
            job.name, job.fingerprint, job.asOf, entries.first?.startedAt ?? "",
            entries.last?.finishedAt ?? "", job.reportDirectory,
          ]
        )
        jobRunID = db.lastInsertedRowID
      }
      var runIDs: [Int64] = []
      var holding = try RowInsert(
        db,
        sql: """
          INSERT INTO holding (run_id, portfolio, line, ticker, ticker_input, name, weight, status,
            reason, description_sha256)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """
      )
      var score = try RowInsert(
        db,
        sql: "INSERT INTO score VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      )
      var mapping = try RowInsert(db, sql: "INSERT INTO mapping VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      func insertHolding(_ runID: Int64, _ h: Holding, status: String, reason: String?) throws {
        holding.bind(runID)
        holding.bind(h.portfolio)
        holding.bind(h.line)
        holding.bind(h.ticker.canonical)
        holding.bind(h.ticker.input)
        holding.bind(h.name)
        holding.bind(h.weight)
        holding.bind(status)
        holding.bind(reason)
        holding.bind(Mapper.descriptionFingerprint(h))
        try holding.run()
      }
      var explanation: [UInt8] = []
      for entry in entries {
        let run = entry.run
        let counts = run.accounting
        let weights = run.scoring.weights
        try db.execute(
          sql: """
            INSERT INTO run (job_run_id, job, command, scenario, scenario_sha256, portfolio_path,
              input_sha256, model_sha256, edition, as_of, weights, tool_version, rows_read, scored,
              unmapped, rejected, status, started_at, finished_at, duration_ms, report_dir)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'complete', ?, ?, ?, ?)
            """,
          arguments: [
            jobRunID, job?.name, entry.command, entry.scenario, entry.scenarioHash,
            entry.portfolioPath, run.portfolio.inputHash, run.scoring.model.contentHash,
            run.scoring.catalog.edition, run.scoring.asOf.description,
            "\(weights.encouraged),\(weights.financial),\(weights.substitution)", entry.toolVersion,
            counts.read, counts.scored, counts.unmapped, counts.rejected, entry.startedAt,
            entry.finishedAt, entry.durationMilliseconds, entry.reportDirectory,
          ]
        )
        let runID = db.lastInsertedRowID
        runIDs.append(runID)
        // In key order, so that each table's B-tree grows at its end instead
        // of splitting pages all over.
        for position in Self.keyOrder(run.scores.map(\.holding)) {
          let item = run.scores[position]
          let h = item.holding
          try insertHolding(runID, h, status: "scored", reason: nil)
          score.bind(runID)
          score.bind(h.portfolio)
          score.bind(h.line)
          score.bind(item.factors.e)
          score.bind(item.factors.f)
          score.bind(item.factors.d)
          score.bind(item.composite)
          score.bind(item.rank)
          score.bind(item.tier)
          score.bind(item.isExcluded)
          score.bind(item.primarySegment?.rawValue)
          explanation.removeAll(keepingCapacity: true)
          item.explainer.explain(item, into: &explanation)
          score.bind(utf8: explanation)
          try score.run()
          let itemMapping = item.mapping
          for mapped in itemMapping.segments {
            mapping.bind(runID)
            mapping.bind(h.portfolio)
            mapping.bind(h.line)
            mapping.bind(mapped.segment.rawValue)
            mapping.bind(mapped.share)
            mapping.bind(itemMapping.method.rawValue)
            mapping.bind(itemMapping.confidence)
            mapping.bind(mapped.evidence)
            try mapping.run()
          }
        }
        let unmapped = run.unmapped
        for position in Self.keyOrder(unmapped.map(\.holding)) {
          try insertHolding(
            runID,
            unmapped[position].holding,
            status: "unmapped",
            reason: unmapped[position].reason
          )
        }
        checkpoint("store-transaction")
      }
      return (jobRunID, runIDs)
    }
  }

  // MARK: - Mapping decisions

  /// Saves `decisions` in one transaction; returns their ids.
  @discardableResult
  public func save(_ decisions: [MappingDecision]) throws(StoreError) -> [Int64] {
    try write { db in
      var ids: [Int64] = []
      for decision in decisions {
        try db.execute(
          sql: """
            INSERT INTO decision (ticker, action, segments, reason, decided_by, decided_at,
              description_sha256)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
          arguments: [
            decision.ticker, decision.action.rawValue,
            decision.segments.map { "\($0.segment):\($0.share)" }.joined(separator: ";"),
            decision.reason, decision.decidedBy, decision.decidedAt,
            decision.descriptionFingerprint,
          ]
        )
        ids.append(db.lastInsertedRowID)
      }
      return ids
    }
  }

  /// Every decision, oldest first, so that the last one for a ticker is the
  /// one in force.
  public func decisions() throws(StoreError) -> [(id: Int64, decision: MappingDecision)] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM decision ORDER BY id").map { row in
        let segments: String = row["segments"]
        let shares = segments.split(separator: ";").compactMap { part -> SegmentShare? in
          let pieces = part.split(separator: ":")
          guard pieces.count == 2, let share = Double(pieces[1]) else { return nil }
          return SegmentShare(segment: SegmentID(String(pieces[0])), share: share)
        }
        return (
          row["id"],
          MappingDecision(
            ticker: row["ticker"],
            action: MappingDecision.Action(rawValue: row["action"]) ?? .accept,
            segments: shares,
            reason: row["reason"] ?? "",
            decidedBy: row["decided_by"] ?? "",
            decidedAt: row["decided_at"],
            descriptionFingerprint: row["description_sha256"] ?? ""
          )
        )
      }
    }
  }

  /// The description fingerprint each ticker had in the newest run that
  /// recorded one.
  public func latestDescriptionFingerprints() throws(StoreError) -> [String: String] {
    try read { db in
      var latest: [String: String] = [:]
      let rows = try Row.fetchAll(
        db,
        sql: """
          SELECT ticker, description_sha256 FROM holding
          WHERE description_sha256 IS NOT NULL ORDER BY run_id
          """
      )
      for row in rows { latest[row["ticker"]] = row["description_sha256"] }
      return latest
    }
  }

  // MARK: - Reading

  public func runs(limit: Int = 100) throws(StoreError) -> [StoredRun] {
    try read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY id DESC LIMIT ?", arguments: [limit])
        .map(Self.storedRun)
    }
  }

  public func run(id: Int64) throws(StoreError) -> StoredRun {
    let found = try read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM run WHERE id = ?", arguments: [id]).map(
        Self.storedRun
      )
    }
    guard let found else { throw .unknownRun(id) }
    return found
  }

  public func runs(jobRun: Int64) throws(StoreError) -> [StoredRun] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT * FROM run WHERE job_run_id = ? ORDER BY id",
        arguments: [jobRun]
      ).map(Self.storedRun)
    }
  }

  /// The job's runs, newest first.
  public func jobRuns(job: String) throws(StoreError) -> [StoredJobRun] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: "SELECT * FROM job_run WHERE job = ? ORDER BY id DESC",
        arguments: [job]
      ).map {
        StoredJobRun(
          id: $0["id"],
          job: $0["job"],
          fingerprint: $0["fingerprint"],
          asOf: $0["as_of"],
          status: $0["status"],
          startedAt: $0["started_at"],
          finishedAt: $0["finished_at"],
          reportDirectory: $0["report_dir"]
        )
      }
    }
  }

  /// Every holding of a run, scored ones first by portfolio and rank.
  public func holdings(run id: Int64) throws(StoreError) -> [StoredHolding] {
    try read { db in
      try Row.fetchAll(
        db,
        sql: """
          SELECT h.portfolio, h.line, h.ticker, h.name, h.weight, h.reason, s.e, s.f, s.d,
            s.composite, s.rank, s.tier, s.excluded, s.primary_segment, s.explanation
          FROM holding h LEFT JOIN score s
            ON s.run_id = h.run_id AND s.portfolio = h.portfolio AND s.line = h.line
          WHERE h.run_id = ?
          ORDER BY h.portfolio, s.rank IS NULL, s.rank, h.line
          """,
        arguments: [id]
      ).map {
        StoredHolding(
          portfolio: $0["portfolio"],
          line: $0["line"],
          ticker: $0["ticker"],
          name: $0["name"],
          weight: $0["weight"],
          composite: $0["composite"],
          e: $0["e"],
          f: $0["f"],
          d: $0["d"],
          rank: $0["rank"],
          tier: $0["tier"],
          excluded: ($0["excluded"] as Int?) == 1,
          primarySegment: $0["primary_segment"],
          explanation: $0["explanation"],
          reason: $0["reason"]
        )
      }
    }
  }

  /// Deletes all but the newest `keep` job runs of `job` (or, without a job,
  /// all but the newest `keep` runs made outside jobs); returns the report
  /// folders of the deleted job runs.
  public func prune(job: String?, keep: Int) throws(StoreError) -> (removed: Int, folders: [String])
  {
    try write { db in
      if let job {
        let old = try Row.fetchAll(
          db,
          sql:
            "SELECT id, report_dir FROM job_run WHERE job = ? ORDER BY id DESC LIMIT -1 OFFSET ?",
          arguments: [job, keep]
        )
        for row in old {
          try db.execute(
            sql: "DELETE FROM run WHERE job_run_id = ?",
            arguments: [row["id"] as Int64]
          )
          try db.execute(sql: "DELETE FROM job_run WHERE id = ?", arguments: [row["id"] as Int64])
        }
        return (old.count, old.map { $0["report_dir"] })
      }
      let old = try Int64.fetchAll(
        db,
        sql: "SELECT id FROM run WHERE job_run_id IS NULL ORDER BY id DESC LIMIT -1 OFFSET ?",
        arguments: [keep]
      )
      for id in old { try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [id]) }
      return (old.count, [])
    }
  }

  // MARK: - Plumbing

  private static func storedRun(_ row: Row) -> StoredRun {
    StoredRun(
      id: row["id"],
      jobRunID: row["job_run_id"],
      job: row["job"],
      command: row["command"],
      scenario: row["scenario"],
      scenarioHash: row["scenario_sha256"],
      portfolioPath: row["portfolio_path"],
      inputHash: row["input_sha256"],
      modelHash: row["model_sha256"],
      edition: row["edition"],
      asOf: row["as_of"],
      weights: row["weights"],
      toolVersion: row["tool_version"],
      rowsRead: row["rows_read"],
      scored: row["scored"],
      unmapped: row["unmapped"],
      rejected: row["rejected"],
      status: row["status"],
      startedAt: row["started_at"],
      finishedAt: row["finished_at"],
      durationMilliseconds: row["duration_ms"],
      reportDirectory: row["report_dir"]
    )
  }

  private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do { return try pool.read(body) } catch { throw .failed("\(error)") }
  }

  private func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
    do { return try pool.write(body) } catch { throw .failed("\(error)") }
  }
}

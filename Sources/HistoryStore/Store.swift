public import Foundation
import GRDB
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import PostgresNIO

/// The history of runs and the analysts' decisions, in SQLite or PostgreSQL.
///
/// SQLite through GRDB over the system library, in WAL mode with foreign keys
/// on. Migrations are named and never edited once shipped.
public final class Store: Sendable {
  /// Where the store is, as it may be shown: a file, or a PostgreSQL URL
  /// without its password.
  public let path: String
  let backend: Backend

  enum Backend: Sendable {
    case sqlite(DatabasePool)
    case postgres(PostgresDatabase)
  }

  /// Opens or creates the store at `path` and migrates it to this version:
  /// a SQLite file, or a PostgreSQL database named by a `postgres://` URL.
  public convenience init(path: String) throws(StoreError) {
    try self.init(path: path, migratingUpTo: nil)
  }

  /// The store's file, which no report folder may hold; nil for a server.
  public var file: URL? {
    if case .sqlite = backend { return URL(fileURLWithPath: path) }
    return nil
  }

  /// Whether `text` names a PostgreSQL store rather than a file.
  public static func isServer(_ text: String) -> Bool { PostgresLocation.isURL(text) }

  /// `text` as it may be shown: a PostgreSQL URL without its password.
  public static func shown(_ text: String) -> String {
    PostgresLocation.isURL(text) ? PostgresLocation(url: text)?.shown ?? "postgres://…" : text
  }

  /// Opens the store migrated up to the named migration only; tests use it
  /// to write stores as an earlier version did.
  init(path: String, migratingUpTo target: String?) throws(StoreError) {
    if PostgresLocation.isURL(path) {
      guard let location = PostgresLocation(url: path) else {
        throw .cannotOpen(
          path: "postgres://…",
          reason: "not a URL like postgres://user@host:5432/database"
        )
      }
      self.path = location.shown
      do {
        let database = try PostgresDatabase(location)
        backend = .postgres(database)
        try PostgresMigrations.migrate(database, upTo: target)
      } catch {
        throw .cannotOpen(path: location.shown, reason: Self.describe(error))
      }
      return
    }
    self.path = path
    do {
      var configuration = Configuration()
      configuration.foreignKeysEnabled = true
      configuration.busyMode = .timeout(30)
      // A run of a million holdings writes about 450 MB in one transaction,
      // in key order: a 64 MB page cache holds the pages still growing, and
      // a larger one only adds to the peak memory. A new store gets 32 KB
      // pages, which hold its long rows with less B-tree overhead (an
      // existing store keeps its page size).
      configuration.prepareDatabase { db in
        try db.execute(sql: "PRAGMA page_size = 32768; PRAGMA cache_size = -65536")
      }
      let pool = try DatabasePool(path: path, configuration: configuration)
      backend = .sqlite(pool)
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
    migrator.registerMigration("v4 holdings out of scope") { db in
      try db.execute(sql: "ALTER TABLE run ADD COLUMN out_of_scope INTEGER NOT NULL DEFAULT 0")
    }
    // Runs recorded together (a scenarios command's) are one batch, which
    // pruning keeps or removes whole; a batch is its first run's id. A job
    // run keeps which saved decisions it applied, for its diff.
    migrator.registerMigration("v5 run batches, job run decisions") { db in
      try db.execute(sql: "ALTER TABLE run ADD COLUMN batch_id INTEGER")
      try db.execute(sql: "ALTER TABLE job_run ADD COLUMN decisions TEXT")
    }
    // A million scores share a few hundred segment explanations: each is
    // kept once, and a score's explanation column holds their keys, `;`
    // between (older runs, the text).
    migrator.registerMigration("v6 explanations kept once") { db in
      try db.execute(
        sql: """
          CREATE TABLE explanation (
            key TEXT PRIMARY KEY,
            segment TEXT NOT NULL,
            text TEXT NOT NULL
          ) WITHOUT ROWID
          """
      )
    }
    migrator.registerMigration("v7 decisions kept, one live per company") { db in
      try db.execute(sql: decisionsKeptSQL)
    }
    // A holding's score and mapping go in its own row, the mapping's
    // segments as JSON, so that a run of a million holdings writes a
    // million rows, not three and a half. The `score` and `mapping` views
    // read them as the tables did. Shares move with 17 digits, which
    // round-trip.
    migrator.registerMigration(scoresInHoldingsStep) { db in
      try db.execute(
        sql: """
          \(scoreColumns.map { "ALTER TABLE holding ADD COLUMN \($0.name) \($0.sqlite);" }
            .joined(separator: "\n"))
          UPDATE holding SET (e, f, d, composite, rank, tier, excluded, primary_segment,
            explanation) = (
            SELECT e, f, d, composite, rank, tier, excluded, primary_segment, explanation
            FROM score s
            WHERE s.run_id = holding.run_id AND s.portfolio = holding.portfolio
              AND s.line = holding.line);
          UPDATE holding SET (method, confidence, segments) = (
            SELECT MIN(method), MIN(confidence),
              json_group_array(json_array(segment, json(printf('%.17g', share)), evidence))
            FROM (SELECT method, confidence, segment, share, evidence FROM mapping m
              WHERE m.run_id = holding.run_id AND m.portfolio = holding.portfolio
                AND m.line = holding.line
              ORDER BY share DESC, segment))
          WHERE composite IS NOT NULL;
          DROP TABLE mapping;
          DROP TABLE score;
          \(scoreViewSQL)
          CREATE VIEW mapping AS
            SELECT h.run_id, h.portfolio, h.line, json_extract(e.value, '$[0]') AS segment,
              json_extract(e.value, '$[1]') AS share, h.method, h.confidence,
              json_extract(e.value, '$[2]') AS evidence
            FROM holding h, json_each(h.segments) e;
          """
      )
    }
    return migrator
  }

  /// The step that moved scores and mappings into their holdings' rows
  /// (`score` and `mapping` became views).
  static let scoresInHoldingsStep = "v8 scores and mappings kept in their holding's row"

  /// The columns a scored holding's row has and another's leaves NULL, with
  /// their types on SQLite and on PostgreSQL, in the order they are written.
  ///
  /// Step v8 adds exactly these, on both backends: a later step that adds a
  /// column adds its own, so that v8 stays what it was when it shipped.
  static let scoreColumns: [(name: String, sqlite: String, postgres: String)] = [
    ("e", "REAL", "DOUBLE PRECISION"), ("f", "REAL", "DOUBLE PRECISION"),
    ("d", "REAL", "DOUBLE PRECISION"), ("composite", "REAL", "DOUBLE PRECISION"),
    ("rank", "INTEGER", "BIGINT"), ("tier", "TEXT", "TEXT"), ("excluded", "INTEGER", "BIGINT"),
    ("primary_segment", "TEXT", "TEXT"), ("explanation", "TEXT", "TEXT"),
    ("method", "TEXT", "TEXT"), ("confidence", "REAL", "DOUBLE PRECISION"),
    ("segments", "TEXT", "TEXT"),
  ]

  /// The `score` view: the scored holdings' score columns, as the table of
  /// v1 to v7 had them.
  static let scoreViewSQL = """
    CREATE VIEW score AS
      SELECT run_id, portfolio, line, e, f, d, composite, rank, tier, excluded, primary_segment,
        explanation
      FROM holding WHERE composite IS NOT NULL;
    """

  /// The names of the migrations this store has applied, in order.
  public func appliedMigrations() throws(StoreError) -> [String] {
    do {
      switch backend {
      case .sqlite(let pool):
        return try pool.read { try Self.migrator.appliedIdentifiers($0).sorted() }
      case .postgres(let database): return try PostgresMigrations.applied(database)
      }
    } catch {
      throw .failed("\(error)")
    }
  }

  static func storedRun(_ row: SQLRow) -> StoredRun {
    StoredRun(
      id: row.int64("id") ?? 0,
      jobRunID: row.int64("job_run_id"),
      job: row.text("job"),
      command: row.text("command") ?? "",
      scenario: row.text("scenario") ?? "",
      scenarioHash: row.text("scenario_sha256") ?? "",
      portfolioPath: row.text("portfolio_path") ?? "",
      inputHash: row.text("input_sha256") ?? "",
      modelHash: row.text("model_sha256") ?? "",
      edition: row.text("edition") ?? "",
      asOf: row.text("as_of") ?? "",
      weights: row.text("weights") ?? "",
      toolVersion: row.text("tool_version") ?? "",
      rowsRead: row.int("rows_read") ?? 0,
      scored: row.int("scored") ?? 0,
      unmapped: row.int("unmapped") ?? 0,
      outOfScope: row.int("out_of_scope") ?? 0,
      rejected: row.int("rejected") ?? 0,
      status: row.text("status") ?? "",
      startedAt: row.text("started_at") ?? "",
      finishedAt: row.text("finished_at") ?? "",
      durationMilliseconds: row.int("duration_ms") ?? 0,
      reportDirectory: row.text("report_dir")
    )
  }

  /// An error's reason as a user may see it: a server's message, never the
  /// connection's settings or password.
  static func describe(_ error: any Error) -> String {
    if let error = error as? PSQLError {
      if let message = error.serverInfo?[.message] { return message }
      return "\(error.code)"
    }
    if let error = error as? StoreError { return "\(error)" }
    return "\(error)"
  }

  /// Runs `body` on a session that reads a consistent state.
  func read<T>(_ body: (any SQLSession) throws -> T) throws(StoreError) -> T {
    do {
      switch backend {
      case .sqlite(let pool): return try pool.read { try body(SQLiteSession(db: $0)) }
      case .postgres(let database): return try database.transaction(readOnly: true) { try body($0) }
      }
    } catch let error as StoreError {
      throw error
    } catch {
      throw .failed(Self.describe(error))
    }
  }

  /// Runs `body` in one transaction: all of it is stored, or none.
  func write<T>(_ body: (any SQLSession) throws -> T) throws(StoreError) -> T {
    do {
      switch backend {
      case .sqlite(let pool): return try pool.write { try body(SQLiteSession(db: $0)) }
      case .postgres(let database): return try database.transaction { try body($0) }
      }
    } catch let error as StoreError {
      throw error
    } catch {
      throw .failed(Self.describe(error))
    }
  }

  /// `write` for a run's rows, which `body` inserts parents first.
  ///
  /// SQLite then skips the foreign-key lookup per row, which costs as much
  /// as the insert itself, and the WAL and the database are written to disk
  /// as they grow (`WriteBehind`). PostgreSQL checks them as usual.
  func bulkWrite<T>(_ body: (any SQLSession) throws -> T) throws(StoreError) -> T {
    guard case .sqlite(let pool) = backend else { return try write(body) }
    let writeBehind = WriteBehind(database: path)
    defer { writeBehind.finish() }
    do {
      return try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
        var result: T?
        try db.inTransaction {
          result = try body(SQLiteSession(db: db))
          return .commit
        }
        guard let result else { throw StoreError.failed("the transaction returned nothing") }
        return result
      }
    } catch let error as StoreError {
      throw error
    } catch {
      throw .failed(Self.describe(error))
    }
  }
}

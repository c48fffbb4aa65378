extension Store {
  /// What `copy(from:)` moved.
  public struct CopyCount: Sendable, Equatable {
    public var decisions = 0
    public var liveDecisions = 0
    public var jobRuns = 0
    public var runs = 0
    public var holdings = 0
  }

  /// Copies every decision (with its history) and every run (with its job
  /// runs, holdings, scores, mappings and explanations) from `source` into
  /// this store, in one transaction: all of it or none.
  ///
  /// Ids are this store's own; references between the copied rows follow
  /// them. A copied live decision supersedes this store's live one for the
  /// same company.
  public func copy(from source: Store) throws(StoreError) -> CopyCount {
    try source.read { (from: any SQLSession) in
      try write { (to: any SQLSession) in try Self.copy(from: from, to: to) }
    }
  }

  private static func copy(from: any SQLSession, to: any SQLSession) throws -> CopyCount {
    var count = CopyCount()
    var decisionIDs: [Int64: Int64] = [:]
    for row in try from.query("SELECT * FROM decision ORDER BY id") {
      let live = row.text("deleted_at") == nil
      let ticker = SQLValue(row.text("ticker"))
      let replaced =
        live
        ? try to.query("SELECT id FROM decision WHERE ticker = ? AND deleted_at IS NULL", [ticker])
          .map { SQLValue($0.int64("id")) } : []
      for old in replaced {
        try to.execute("UPDATE decision SET deleted_at = ? WHERE id = ?", [row["decided_at"], old])
      }
      let id = try insert(row, into: "decision", to: to, leaving: ["id", "superseded_by"])
      for old in replaced {
        try to.execute("UPDATE decision SET superseded_by = ? WHERE id = ?", [.integer(id), old])
      }
      if let old = row.int64("id") { decisionIDs[old] = id }
      count.decisions += 1
      if live { count.liveDecisions += 1 }
    }
    for row in try from.query(
      "SELECT id, superseded_by FROM decision WHERE superseded_by IS NOT NULL"
    ) {
      guard let old = row.int64("id"), let new = decisionIDs[old],
        let successor = row.int64("superseded_by").flatMap({ decisionIDs[$0] })
      else { continue }
      try to.execute(
        "UPDATE decision SET superseded_by = ? WHERE id = ?",
        [.integer(successor), .integer(new)]
      )
    }
    var jobRunIDs: [Int64: Int64] = [:]
    for row in try from.query("SELECT * FROM job_run ORDER BY id") {
      if let old = row.int64("id") {
        jobRunIDs[old] = try insert(row, into: "job_run", to: to, leaving: ["id"])
      }
      count.jobRuns += 1
    }
    // A key this store holds for another text is renamed in the copy.
    let texts = try from.query("SELECT key, segment, text FROM explanation").map {
      (key: $0.text("key") ?? "", segment: $0.text("segment") ?? "", text: $0.text("text") ?? "")
    }
    let keys = try insertExplanations(texts, into: to)
    var renamed: [String: String] = [:]
    for (row, key) in zip(texts, keys) where key != row.key { renamed[row.key] = key }
    var runIDs: [Int64: Int64] = [:]
    for row in try from.query("SELECT * FROM run ORDER BY id") {
      guard let old = row.int64("id") else { continue }
      var replacing: [String: SQLValue] = ["batch_id": .null]
      if let jobRun = row.int64("job_run_id") {
        replacing["job_run_id"] = SQLValue(jobRunIDs[jobRun])
      }
      let id = try insert(row, into: "run", to: to, leaving: ["id"], replacing: replacing)
      runIDs[old] = id
      if let batch = row.int64("batch_id"), let first = runIDs[batch] {
        try to.execute("UPDATE run SET batch_id = ? WHERE id = ?", [.integer(first), .integer(id)])
      }
      // A holding's row carries its score and mapping.
      let rows = try from.query("SELECT * FROM holding WHERE run_id = ?", [.integer(old)]).map {
        renamed.isEmpty ? $0 : renamingKeys(in: $0, renamed)
      }
      count.holdings += rows.count
      try copyRows(rows, into: "holding", to: to, replacing: ["run_id": .integer(id)])
      count.runs += 1
    }
    return count
  }

  /// Inserts `row` but for the columns `leaving`, with `replacing`'s values;
  /// returns the new row's id.
  private static func insert(
    _ row: SQLRow,
    into table: String,
    to db: any SQLSession,
    leaving: Set<String>,
    replacing: [String: SQLValue] = [:]
  ) throws -> Int64 {
    let columns = row.names.sorted { $0.value < $1.value }.map(\.key).filter {
      !leaving.contains($0)
    }
    return try db.insert(
      insertSQL(into: table, columns: columns),
      columns.map { replacing[$0] ?? row[$0] }
    )
  }

  /// `INSERT INTO table (a, b) VALUES (?, ?)`.
  static func insertSQL(into table: String, columns: [String]) -> String {
    let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks))"
  }

  private static func copyRows(
    _ rows: [SQLRow],
    into table: String,
    to db: any SQLSession,
    replacing: [String: SQLValue]
  ) throws {
    guard let first = rows.first else { return }
    let columns = first.names.sorted { $0.value < $1.value }.map(\.key)
    var inserter = try db.inserter(insertSQL(into: table, columns: columns))
    // A few thousand rows at a time: a run's rows are already in memory once.
    for start in stride(from: 0, to: rows.count, by: 4096) {
      var values = InsertRows(reservingValues: 4096 * columns.count)
      for row in rows[start..<min(rows.count, start + 4096)] {
        for column in columns { values.bind(replacing[column] ?? row[column]) }
      }
      try inserter.insert(values)
    }
  }
}

extension Store {
  /// Takes the store's lock on `job`, for runs from other machines.
  ///
  /// On PostgreSQL an advisory lock held by this connection until
  /// `unlockJob` or the process ends; false when another holds it. On
  /// SQLite the job file's own lock covers the one machine that can write
  /// the file, so this is always true.
  public func lockJob(_ job: String) throws(StoreError) -> Bool {
    guard case .postgres(let database) = backend else { return true }
    do {
      return try database.session { session in
        try session.query(
          "SELECT pg_try_advisory_lock(hashtext(?)) AS taken",
          [.text("policyscore job " + job)]
        ).first?.int("taken") == 1
      }
    } catch {
      throw .failed(Self.describe(error))
    }
  }

  /// Releases the lock `lockJob` took.
  public func unlockJob(_ job: String) {
    guard case .postgres(let database) = backend else { return }
    _ = try? database.session { session in
      try session.execute(
        "SELECT pg_advisory_unlock(hashtext(?))",
        [.text("policyscore job " + job)]
      )
    }
  }
}

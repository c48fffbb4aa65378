import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport

extension Store {
  public func runs(limit: Int = 100) throws(StoreError) -> [StoredRun] {
    try read { db in
      try db.query("SELECT * FROM run ORDER BY id DESC LIMIT ?", [SQLValue(limit)]).map(
        Self.storedRun
      )
    }
  }

  public func run(id: Int64) throws(StoreError) -> StoredRun {
    let found = try read { db in
      try db.query("SELECT * FROM run WHERE id = ?", [.integer(id)]).first.map(Self.storedRun)
    }
    guard let found else { throw .unknownRun(id) }
    return found
  }

  public func runs(jobRun: Int64) throws(StoreError) -> [StoredRun] {
    try read { db in
      try db.query("SELECT * FROM run WHERE job_run_id = ? ORDER BY id", [.integer(jobRun)])
        .map(Self.storedRun)
    }
  }

  /// The job's runs, newest first.
  public func jobRuns(job: String) throws(StoreError) -> [StoredJobRun] {
    try read { db in
      try db.query("SELECT * FROM job_run WHERE job = ? ORDER BY id DESC", [.text(job)]).map {
        StoredJobRun(
          id: $0.int64("id") ?? 0,
          job: $0.text("job") ?? "",
          fingerprint: $0.text("fingerprint") ?? "",
          asOf: $0.text("as_of") ?? "",
          status: $0.text("status") ?? "",
          startedAt: $0.text("started_at") ?? "",
          finishedAt: $0.text("finished_at") ?? "",
          reportDirectory: $0.text("report_dir") ?? "",
          decisions: $0.text("decisions")
        )
      }
    }
  }

  /// Every holding of a run, scored ones first by portfolio and rank.
  ///
  /// A holding's explanation is kept as its segments' explanation keys, `;`
  /// between: one key is read as its text, several as `segment: text`,
  /// ` | ` between (runs before v6 kept the text itself).
  public func holdings(run id: Int64) throws(StoreError) -> [StoredHolding] {
    try read { db in
      var explanations: [String: (segment: String, text: String)]?
      func explanation(_ column: String?) throws -> String? {
        guard let column, column.contains(";"), !column.contains(" ") else { return column }
        if explanations == nil {
          explanations = [:]
          for row in try db.query("SELECT key, segment, text FROM explanation") {
            explanations?[row.text("key") ?? ""] = (
              row.text("segment") ?? "", row.text("text") ?? ""
            )
          }
        }
        let keys = column.split(separator: ";")
        let parts = keys.compactMap { explanations?[String($0)] }
        guard parts.count == keys.count else { return column }
        return parts.map { "\($0.segment): \($0.text)" }.joined(separator: " | ")
      }
      return try db.query(
        """
        SELECT h.portfolio, h.line, h.ticker, h.name, h.weight, h.reason, h.e, h.f, h.d,
          h.composite, h.rank, h.tier, h.excluded, h.primary_segment,
          COALESCE(x.text, h.explanation) AS explanation
        FROM holding h LEFT JOIN explanation x ON x.key = h.explanation
        WHERE h.run_id = ?
        ORDER BY h.portfolio, h.rank IS NULL, h.rank, h.line
        """,
        [.integer(id)]
      ).map {
        try StoredHolding(
          portfolio: $0.text("portfolio") ?? "",
          line: $0.int("line") ?? 0,
          ticker: $0.text("ticker") ?? "",
          name: $0.text("name") ?? "",
          weight: $0.double("weight") ?? 0,
          composite: $0.double("composite"),
          e: $0.double("e"),
          f: $0.double("f"),
          d: $0.double("d"),
          rank: $0.int("rank"),
          tier: $0.text("tier"),
          excluded: $0.int("excluded") == 1,
          primarySegment: $0.text("primary_segment"),
          explanation: explanation($0.text("explanation")),
          reason: $0.text("reason")
        )
      }
    }
  }

  /// Deletes all but the newest `keep` job runs of `job`, or of the runs
  /// made outside jobs.
  ///
  /// Runs recorded together (a batch) count as one.
  ///
  /// - Returns: How many runs went, in how many groups (job runs or
  ///   batches), their report folders, and the jobs whose runs were left
  ///   alone.
  public func prune(
    job: String?,
    keep: Int
  ) throws(StoreError) -> (removed: Int, groups: Int, folders: [String], jobs: [String]) {
    try write { db in
      if let job {
        let old = try db.query(
          "SELECT id, report_dir FROM job_run WHERE job = ? ORDER BY id DESC LIMIT \(db.dialect.noLimit) OFFSET ?",
          [.text(job), SQLValue(keep)]
        )
        var removed = 0
        for row in old {
          let id = SQLValue(row.int64("id"))
          removed +=
            try db.query("SELECT COUNT(*) AS n FROM run WHERE job_run_id = ?", [id]).first?.int("n")
            ?? 0
          try db.execute("DELETE FROM run WHERE job_run_id = ?", [id])
          try db.execute("DELETE FROM job_run WHERE id = ?", [id])
        }
        return (removed, old.count, old.compactMap { $0.text("report_dir") }, [])
      }
      let batches = try db.query(
        """
        SELECT DISTINCT COALESCE(batch_id, id) AS batch FROM run WHERE job_run_id IS NULL
        ORDER BY batch DESC LIMIT \(db.dialect.noLimit) OFFSET ?
        """,
        [SQLValue(keep)]
      ).map { SQLValue($0.int64("batch")) }
      var removed = 0
      for batch in batches {
        let filter = "job_run_id IS NULL AND COALESCE(batch_id, id) = ?"
        removed +=
          try db.query("SELECT COUNT(*) AS n FROM run WHERE \(filter)", [batch]).first?.int("n")
          ?? 0
        try db.execute("DELETE FROM run WHERE \(filter)", [batch])
      }
      let jobs = try db.query("SELECT DISTINCT job FROM job_run ORDER BY job").compactMap {
        $0.text("job")
      }
      return (removed, batches.count, [], jobs)
    }
  }

  /// A stored run's weight-averaged composite over its scored holdings and
  /// how many holdings each tier has, for a job's history.
  public func summary(run id: Int64) throws(StoreError) -> (composite: Double, tiers: [String: Int])
  {
    try read { db in
      let composite =
        try db.query(
          """
          SELECT SUM(weight * composite) / NULLIF(SUM(weight), 0) AS composite
          FROM holding WHERE run_id = ? AND composite IS NOT NULL
          """,
          [.integer(id)]
        ).first?.double("composite") ?? 50
      var tiers: [String: Int] = [:]
      for row in try db.query(
        "SELECT tier, COUNT(*) AS n FROM holding WHERE run_id = ? AND tier IS NOT NULL GROUP BY tier",
        [.integer(id)]
      ) {
        if let tier = row.text("tier") { tiers[tier] = row.int("n") ?? 0 }
      }
      return (composite, tiers)
    }
  }
}

import Foundation
import GRDB
public import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

extension Store {
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
          reportDirectory: $0["report_dir"],
          decisions: $0["decisions"]
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
            s.composite, s.rank, s.tier, s.excluded, s.primary_segment,
            COALESCE(x.text, s.explanation) AS explanation
          FROM holding h LEFT JOIN score s
            ON s.run_id = h.run_id AND s.portfolio = h.portfolio AND s.line = h.line
          LEFT JOIN explanation x ON x.key = s.explanation
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
        let old = try Row.fetchAll(
          db,
          sql:
            "SELECT id, report_dir FROM job_run WHERE job = ? ORDER BY id DESC LIMIT -1 OFFSET ?",
          arguments: [job, keep]
        )
        var removed = 0
        for row in old {
          try db.execute(
            sql: "DELETE FROM run WHERE job_run_id = ?",
            arguments: [row["id"] as Int64]
          )
          removed += db.changesCount
          try db.execute(sql: "DELETE FROM job_run WHERE id = ?", arguments: [row["id"] as Int64])
        }
        return (removed, old.count, old.map { $0["report_dir"] }, [])
      }
      let batches = try Int64.fetchAll(
        db,
        sql: """
          SELECT DISTINCT COALESCE(batch_id, id) AS batch FROM run WHERE job_run_id IS NULL
          ORDER BY batch DESC LIMIT -1 OFFSET ?
          """,
        arguments: [keep]
      )
      var removed = 0
      for batch in batches {
        try db.execute(
          sql: "DELETE FROM run WHERE job_run_id IS NULL AND COALESCE(batch_id, id) = ?",
          arguments: [batch]
        )
        removed += db.changesCount
      }
      let jobs = try String.fetchAll(db, sql: "SELECT DISTINCT job FROM job_run ORDER BY job")
      return (removed, batches.count, [], jobs)
    }
  }

  /// A stored run's weight-averaged composite over its scored holdings and
  /// how many holdings each tier has, for a job's history.
  public func summary(run id: Int64) throws(StoreError) -> (composite: Double, tiers: [String: Int])
  {
    try read { db in
      let composite =
        try Double.fetchOne(
          db,
          sql: """
            SELECT SUM(h.weight * s.composite) / NULLIF(SUM(h.weight), 0)
            FROM score s JOIN holding h
              ON h.run_id = s.run_id AND h.portfolio = s.portfolio AND h.line = s.line
            WHERE s.run_id = ?
            """,
          arguments: [id]
        ) ?? 50
      var tiers: [String: Int] = [:]
      for row in try Row.fetchAll(
        db,
        sql: "SELECT tier, COUNT(*) AS n FROM score WHERE run_id = ? GROUP BY tier",
        arguments: [id]
      ) {
        tiers[row["tier"]] = row["n"]
      }
      return (composite, tiers)
    }
  }
}

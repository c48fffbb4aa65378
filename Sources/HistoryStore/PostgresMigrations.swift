/// The store's schema on PostgreSQL: the same named steps as SQLite's, in
/// PostgreSQL's types (BIGINT ids from sequences, DOUBLE PRECISION numbers).
///
/// A score's and a mapping's reference to its holding is checked at commit,
/// so that the rows of a run may be sent in any order within its transaction.
enum PostgresMigrations {
  static let steps: [(identifier: String, sql: String)] = [
    (
      "v1 runs, holdings, scores, mappings",
      """
      CREATE TABLE job_run (
        id BIGSERIAL PRIMARY KEY,
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
        id BIGSERIAL PRIMARY KEY,
        job_run_id BIGINT REFERENCES job_run(id) ON DELETE CASCADE,
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
        rows_read BIGINT NOT NULL,
        scored BIGINT NOT NULL,
        unmapped BIGINT NOT NULL,
        rejected BIGINT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        duration_ms BIGINT NOT NULL,
        report_dir TEXT
      );
      CREATE INDEX run_by_job_run ON run(job_run_id);
      CREATE TABLE holding (
        run_id BIGINT NOT NULL REFERENCES run(id) ON DELETE CASCADE,
        portfolio TEXT NOT NULL,
        line BIGINT NOT NULL,
        ticker TEXT NOT NULL,
        ticker_input TEXT NOT NULL,
        name TEXT NOT NULL,
        weight DOUBLE PRECISION NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        PRIMARY KEY (run_id, portfolio, line)
      );
      CREATE TABLE score (
        run_id BIGINT NOT NULL,
        portfolio TEXT NOT NULL,
        line BIGINT NOT NULL,
        e DOUBLE PRECISION NOT NULL,
        f DOUBLE PRECISION NOT NULL,
        d DOUBLE PRECISION NOT NULL,
        composite DOUBLE PRECISION NOT NULL,
        rank BIGINT NOT NULL,
        tier TEXT NOT NULL,
        excluded BIGINT NOT NULL,
        primary_segment TEXT,
        explanation TEXT NOT NULL,
        PRIMARY KEY (run_id, portfolio, line),
        FOREIGN KEY (run_id, portfolio, line) REFERENCES holding(run_id, portfolio, line)
          ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      );
      CREATE TABLE mapping (
        run_id BIGINT NOT NULL,
        portfolio TEXT NOT NULL,
        line BIGINT NOT NULL,
        segment TEXT NOT NULL,
        share DOUBLE PRECISION NOT NULL,
        method TEXT NOT NULL,
        confidence DOUBLE PRECISION NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (run_id, portfolio, line, segment),
        FOREIGN KEY (run_id, portfolio, line) REFERENCES holding(run_id, portfolio, line)
          ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      )
      """
    ),
    (
      "v2 mapping decisions",
      """
      CREATE TABLE decision (
        id BIGSERIAL PRIMARY KEY,
        ticker TEXT NOT NULL,
        action TEXT NOT NULL,
        segments TEXT NOT NULL,
        reason TEXT,
        decided_by TEXT,
        decided_at TEXT NOT NULL,
        description_sha256 TEXT
      );
      CREATE INDEX decision_by_ticker ON decision(ticker, id)
      """
    ),
    (
      "v3 holding description fingerprint", "ALTER TABLE holding ADD COLUMN description_sha256 TEXT"
    ),
    (
      "v4 holdings out of scope",
      "ALTER TABLE run ADD COLUMN out_of_scope BIGINT NOT NULL DEFAULT 0"
    ),
    (
      "v5 run batches, job run decisions",
      "ALTER TABLE run ADD COLUMN batch_id BIGINT; ALTER TABLE job_run ADD COLUMN decisions TEXT"
    ),
    (
      "v6 explanations kept once",
      "CREATE TABLE explanation (key TEXT PRIMARY KEY, segment TEXT NOT NULL, text TEXT NOT NULL)"
    ),
    ("v7 decisions kept, one live per company", Store.decisionsKeptSQL),
    (
      Store.scoresInHoldingsStep,
      """
      ALTER TABLE holding \(Store.scoreColumns.map { "ADD COLUMN \($0.name) \($0.postgres)" }
        .joined(separator: ", "));
      UPDATE holding h SET e = s.e, f = s.f, d = s.d, composite = s.composite, rank = s.rank,
        tier = s.tier, excluded = s.excluded, primary_segment = s.primary_segment,
        explanation = s.explanation
      FROM score s
      WHERE s.run_id = h.run_id AND s.portfolio = h.portfolio AND s.line = h.line;
      UPDATE holding h SET method = m.method, confidence = m.confidence, segments = m.segments
      FROM (
        SELECT run_id, portfolio, line, MIN(method) AS method, MIN(confidence) AS confidence,
          json_agg(json_build_array(segment, share, evidence)
            ORDER BY share DESC, segment COLLATE "C")::text AS segments
        FROM mapping GROUP BY run_id, portfolio, line
      ) m
      WHERE m.run_id = h.run_id AND m.portfolio = h.portfolio AND m.line = h.line;
      DROP TABLE mapping;
      DROP TABLE score;
      \(Store.scoreViewSQL)
      CREATE VIEW mapping AS
        SELECT h.run_id, h.portfolio, h.line, e.value->>0 AS segment,
          (e.value->>1)::DOUBLE PRECISION AS share, h.method, h.confidence,
          e.value->>2 AS evidence
        FROM holding h CROSS JOIN LATERAL jsonb_array_elements(h.segments::jsonb) AS e(value)
      """
    ),
  ]

  /// Applies the steps not yet applied, up to `target` when given, each in
  /// its own transaction; concurrent first openings wait for each other.
  static func migrate(_ database: PostgresDatabase, upTo target: String? = nil) throws {
    try database.transaction { session in
      try session.execute("SELECT pg_advisory_xact_lock(hashtext('policyscore-migrations'))")
      try session.execute(
        "CREATE TABLE IF NOT EXISTS policyscore_migrations (identifier TEXT PRIMARY KEY)"
      )
      let applied = Set(
        try session.query("SELECT identifier FROM policyscore_migrations").compactMap {
          $0.text("identifier")
        }
      )
      for step in steps {
        if !applied.contains(step.identifier) {
          // Several statements at once go by the simple protocol: no parameters.
          for statement in step.sql.split(separator: ";")
          where !statement.allSatisfy(\.isWhitespace) {
            try session.execute(String(statement))
          }
          try session.execute(
            "INSERT INTO policyscore_migrations (identifier) VALUES (?)",
            [.text(step.identifier)]
          )
        }
        if step.identifier == target { break }
      }
    }
  }

  static func applied(_ database: PostgresDatabase) throws -> [String] {
    try database.transaction(readOnly: true) { session in
      try session.query("SELECT identifier FROM policyscore_migrations ORDER BY identifier")
        .compactMap { $0.text("identifier") }
    }
  }
}

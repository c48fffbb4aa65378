import Foundation
public import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport

extension Store {
  /// The decision table kept append-only.
  ///
  /// A new decision supersedes the live one for its company, which stays
  /// with who made it, when and why, marked deleted and pointing at its
  /// successor. A partial unique index
  /// keeps one live decision per company, whatever the writers do.
  static let decisionsKeptSQL = """
    ALTER TABLE decision ADD COLUMN deleted_at TEXT;
    ALTER TABLE decision ADD COLUMN superseded_by BIGINT;
    UPDATE decision SET superseded_by = (
      SELECT MIN(n.id) FROM decision n WHERE n.ticker = decision.ticker AND n.id > decision.id
    );
    UPDATE decision SET deleted_at = (
      SELECT n.decided_at FROM decision n WHERE n.id = decision.superseded_by
    ) WHERE superseded_by IS NOT NULL;
    CREATE UNIQUE INDEX decision_live ON decision(ticker) WHERE deleted_at IS NULL
    """

  /// Saves `decisions` in one transaction, each superseding the live one for
  /// its company; returns their ids.
  ///
  /// On PostgreSQL the companies' locks are taken first, in ticker order, so
  /// that concurrent writers queue instead of deadlocking; on SQLite the
  /// transaction holds the database's write lock.
  @discardableResult
  public func save(_ decisions: [MappingDecision]) throws(StoreError) -> [Int64] {
    try write { db in
      if db.dialect == .postgres {
        for ticker in Set(decisions.map(\.ticker)).sorted() {
          try db.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [.text("decision " + ticker)])
        }
      }
      var ids: [Int64] = []
      for decision in decisions {
        // The live one, marked deleted in the same statement that finds it.
        let live = try db.query(
          "UPDATE decision SET deleted_at = ? WHERE ticker = ? AND deleted_at IS NULL RETURNING id",
          [.text(decision.decidedAt), .text(decision.ticker)]
        ).map { SQLValue($0.int64("id")) }
        let id = try db.insert(
          """
          INSERT INTO decision (ticker, action, segments, reason, decided_by, decided_at,
            description_sha256)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          """,
          [
            .text(decision.ticker), .text(decision.action.rawValue),
            .text(decision.segments.map { "\($0.segment):\($0.share)" }.joined(separator: ";")),
            .text(decision.reason), .text(decision.decidedBy), .text(decision.decidedAt),
            .text(decision.descriptionFingerprint),
          ]
        )
        for old in live {
          try db.execute("UPDATE decision SET superseded_by = ? WHERE id = ?", [.integer(id), old])
        }
        ids.append(id)
      }
      return ids
    }
  }

  /// The live decisions, one per company, oldest first.
  public func decisions() throws(StoreError) -> [(id: Int64, decision: MappingDecision)] {
    try read { db in
      try db.query("SELECT * FROM decision WHERE deleted_at IS NULL ORDER BY id").map { row in
        let segments = row.text("segments") ?? ""
        let shares = segments.split(separator: ";").compactMap { part -> SegmentShare? in
          let pieces = part.split(separator: ":")
          guard pieces.count == 2, let share = Double(pieces[1]) else { return nil }
          return SegmentShare(segment: SegmentID(String(pieces[0])), share: share)
        }
        return (
          row.int64("id") ?? 0,
          MappingDecision(
            ticker: row.text("ticker") ?? "",
            action: MappingDecision.Action(rawValue: row.text("action") ?? "") ?? .accept,
            segments: shares,
            reason: row.text("reason") ?? "",
            decidedBy: row.text("decided_by") ?? "",
            decidedAt: row.text("decided_at") ?? "",
            descriptionFingerprint: row.text("description_sha256") ?? ""
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
      let rows = try db.query(
        """
        SELECT ticker, description_sha256 FROM holding
        WHERE description_sha256 IS NOT NULL ORDER BY run_id
        """
      )
      for row in rows {
        if let ticker = row.text("ticker") { latest[ticker] = row.text("description_sha256") }
      }
      return latest
    }
  }
}

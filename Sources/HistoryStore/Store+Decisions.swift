import Foundation
import GRDB
public import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

extension Store {
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
}

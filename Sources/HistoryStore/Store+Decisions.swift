import Foundation
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
        ids.append(
          try db.insert(
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
        )
      }
      return ids
    }
  }

  /// Every decision, oldest first, so that the last one for a ticker is the
  /// one in force.
  public func decisions() throws(StoreError) -> [(id: Int64, decision: MappingDecision)] {
    try read { db in
      try db.query("SELECT * FROM decision ORDER BY id").map { row in
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

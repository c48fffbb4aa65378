import Foundation
package import PolicyScoreCore

/// A segment split as an analyst writes it in a cell.
///
/// `medical-imaging:60%; life-support:40%`, `a:0.6;b:0.4`, or `a; b` for
/// equal shares. Shares are normalised to sum to 1.
package enum SegmentSplit {
  package struct Problem: Error {
    package var reason: String
  }

  /// The shares in `text`, or nil when it is empty.
  package static func parse(
    _ text: String,
    known: Set<SegmentID>
  ) throws(Problem) -> [SegmentShare]? {
    let parts = CellList.split(text)
    guard !parts.isEmpty else { return nil }
    var shares: [SegmentShare] = []
    for part in parts {
      let pieces = part.split(separator: ":", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      let id = SegmentID(pieces[0])
      guard known.contains(id) else {
        throw Problem(
          reason:
            "unknown segment '\(id)'\(Suggestion.hint(for: id.rawValue, in: known.map(\.rawValue)))"
        )
      }
      var share = 1.0
      if pieces.count == 2 {
        guard let parsed = try? ValueParser.number(pieces[1]), parsed.value > 0 else {
          throw Problem(reason: "share '\(pieces[1])' of segment '\(id)' is not a positive number")
        }
        share = parsed.value
      }
      shares.append(SegmentShare(segment: id, share: share))
    }
    let total = shares.reduce(0) { $0 + $1.share }
    // Shares that already sum to 1 are kept as written, so that a split
    // written exactly reads back exactly.
    if abs(total - 1) < 1e-9 { return shares }
    return shares.map { SegmentShare(segment: $0.segment, share: $0.share / total) }
  }

  /// `a:0.6; b:0.4`, the form `parse` reads back: four decimals for a reader,
  /// or with `exact`, the shortest digits that give each share back exactly.
  package static func render(_ shares: [SegmentShare], exact: Bool = false) -> String {
    shares.map {
      "\($0.segment):\(exact ? "\($0.share)" : format($0.share, decimals: 4))"
    }.joined(separator: "; ")
  }
}

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
      let pieces = Self.pieces(of: part)
      // A part of colons alone (`a:1; :`) has no side at all.
      guard let name = pieces.first else { throw Problem(reason: "'\(part)' names no segment") }
      let id = SegmentID(name)
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

  /// The segment and the share of `segment:share`, split at the first
  /// colon, the empty sides left out, each side then trimmed of spaces and
  /// tabs (Unicode's space separators with them).
  ///
  /// An ASCII part, as most are, by its bytes: splitting and trimming it
  /// as characters, through Foundation's strings, took most of the reading
  /// of a file with a split column.
  static func pieces(of part: String) -> [String] {
    var part = part
    let ascii = part.withUTF8 { bytes -> [String]? in
      guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
      func trimmed(_ range: Range<Int>) -> String {
        var range = range
        while let first = range.first, bytes[first] == 0x20 || bytes[first] == 0x09 {
          range = range.dropFirst()
        }
        while let last = range.last, bytes[last] == 0x20 || bytes[last] == 0x09 {
          range = range.dropLast()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
      }
      // As `split(separator:maxSplits:)` cuts: colons that would leave an
      // empty first side are passed over.
      guard let start = bytes.firstIndex(where: { $0 != 0x3A }) else { return [] }
      guard let colon = bytes[start...].firstIndex(of: 0x3A) else {
        return [trimmed(start..<bytes.count)]
      }
      let rest = colon + 1..<bytes.count
      return rest.isEmpty ? [trimmed(start..<colon)] : [trimmed(start..<colon), trimmed(rest)]
    }
    if let ascii { return ascii }
    return part.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
  }
}

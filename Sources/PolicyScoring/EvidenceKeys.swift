import HoldingMapping
import PolicyModel
import PolicyScoreCore

/// The evidence of a run's mappings, each distinct one written once.
///
/// The words and codes that chose a holding's segments repeat from holding
/// to holding: a million holdings' 1.6 million segments name about 150,000
/// distinct evidence texts. `evidence.csv` writes each once, and a holding's
/// row in the rankings names its segments' keys.
package struct EvidenceKeys: Sendable {
  /// `M` and the first 10 hex digits of the SHA-256 of the segment, a space
  /// and the evidence (more where two of the run's would be alike; see
  /// `SHA256.keys`): the same evidence has the same key in every run.
  package let keys: [String]
  /// Per score, in the run's order, its segments' evidence.
  private let numbering: TextNumbering

  /// The evidence of `scores`, numbered in the order they first name it;
  /// `distinct` is given each key, segment and evidence (UTF-8) once, in
  /// that order, and the texts are then let go.
  package init(
    _ scores: [Score],
    distinct: (_ key: String, _ segment: ArraySlice<UInt8>, _ evidence: ArraySlice<UInt8>) -> Void
  ) {
    // Each core numbers the evidence of its range, each text the segment, a
    // space and the evidence; the ranges are then merged in order.
    let parts = Parallel.chunks(scores.count) { range in
      var numbering = TextNumbering()
      var text: [UInt8] = []
      for position in range {
        // Rank order is not memory order: the scores to come are loaded
        // while this one is numbered.
        if position + 16 < range.upperBound { scores[position + 16].prefetchParts() }
        if position + 8 < range.upperBound { scores[position + 8].prefetchHoldingAndMix() }
        let segments = scores[position].mapping.segments
        for segment in segments.indices {
          text.removeAll(keepingCapacity: true)
          segments[segment].segment.withUTF8 { text += $0 }
          text.append(0x20)
          segments[segment].why.append(to: &text)
          text.withUnsafeBufferPointer { numbering.add($0) }
        }
        numbering.endItem()
      }
      return numbering.sealed()
    }
    let merged = TextNumbering.merged(parts)
    keys = SHA256.keys("M", count: merged.count) { Array(merged.text($0)) }
    for (number, key) in keys.enumerated() {
      let text = merged.text(number)
      let space = text.firstIndex(of: 0x20) ?? text.endIndex
      distinct(key, text[..<space], text[(space + 1)...])
    }
    numbering = merged.sealed(keepingTexts: false)
  }

  /// The evidence of the score at `index`, one per segment of its mix.
  package func of(_ index: Int) -> ArraySlice<Int32> { numbering.of(index) }
}

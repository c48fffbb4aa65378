import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring

/// The evidence of a run's mappings, each distinct one written once.
///
/// The words and codes that chose a holding's segments repeat from holding
/// to holding: a million holdings' 1.6 million segments name about 150,000
/// distinct evidence texts. `evidence.csv` writes each once, and a holding's
/// row in the rankings names its segments' keys.
struct EvidenceKeys: Sendable {
  /// `M` and the first 10 hex digits of the SHA-256 of the segment, a space
  /// and the evidence: the same evidence has the same key in every run.
  let keys: [String]
  /// `evidence.csv`: each key with its segment and evidence, in the order
  /// the scores first name them.
  let csv: [UInt8]
  /// Per score, in the run's order, its segments' evidence; the texts are
  /// in `csv` alone.
  private let numbering: Numbering<Text>

  /// The segment, a space and the evidence, as UTF-8: hashed whole, not
  /// byte by byte.
  private struct Text: Hashable {
    var bytes: [UInt8]
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
  }

  /// The evidence of `scores`, numbered in the order they first name it.
  init(_ scores: [Score]) {
    // Each core numbers the evidence of its range; the ranges are then
    // merged in order.
    let parts = Parallel.chunks(scores.count) { range in
      var numbering = Numbering<Text>()
      var text = Text(bytes: [])
      for position in range {
        // Rank order is not memory order: the scores to come are loaded
        // while this one is numbered.
        if position + 16 < range.upperBound { scores[position + 16].prefetchParts() }
        if position + 8 < range.upperBound { scores[position + 8].prefetchHoldingAndMix() }
        for mapped in scores[position].mapping.segments {
          text.bytes.removeAll(keepingCapacity: true)
          text.bytes += mapped.segment.rawValue.utf8
          text.bytes.append(0x20)
          mapped.why.append(to: &text.bytes)
          // A new text is kept: the next is written into a buffer of its own.
          if numbering.add(text) { text = Text(bytes: []) }
        }
        numbering.endItem()
      }
      return numbering.sealed()
    }
    let merged = Numbering.merged(parts).whole
    let texts = merged.values
    keys = Parallel.map(texts.count) { "M" + SHA256.hex(of: texts[$0].bytes).prefix(10) }
    var csv = CSVBuilder(header: ["evidence_key", "segment", "evidence"])
    for (key, text) in zip(keys, texts) {
      let space = text.bytes.firstIndex(of: 0x20) ?? text.bytes.endIndex
      csv.text(key)
      csv.text { $0 += text.bytes[..<space] }
      csv.text { $0 += text.bytes[(space + 1)...] }
      csv.endRow()
    }
    self.csv = csv.bytes
    numbering = merged.sealed(keepingValues: false)
  }

  /// The evidence of the score at `index`, one per segment of its mix.
  func of(_ index: Int) -> ArraySlice<Int32> { numbering.of(index) }
}

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
  let segments: [SegmentID]
  let texts: [String]
  /// Per score, in the run's order, its segments' evidence, in
  /// `flat[offsets[i]..<offsets[i + 1]]`.
  private let offsets: [Int32]
  private let flat: [Int32]

  /// The segment and evidence, as bytes: hashed whole, not byte by byte.
  private struct Signature: Hashable {
    var bytes: [UInt8]
    func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
  }

  private struct Part {
    var signatures: [Signature] = []
    var flat: [Int32] = []
    var counts: [Int32] = []
  }

  /// The evidence of `scores`, numbered in the order they first name it.
  init(_ scores: [Score]) {
    // Each core numbers the distinct evidence of its range in the order it
    // meets it; the ranges are then merged in order, which numbers them as
    // one pass over all the scores would.
    let parts = Parallel.chunks(scores.count) { range in
      var part = Part()
      var seen: [Signature: Int32] = [:]
      var signature = Signature(bytes: [])
      for position in range {
        // Rank order is not memory order: the scores to come are loaded
        // while this one is numbered.
        if position + 16 < range.upperBound { scores[position + 16].prefetchParts() }
        if position + 8 < range.upperBound { scores[position + 8].prefetchHoldingAndMix() }
        let segments = scores[position].mapping.segments
        for mapped in segments {
          signature.bytes.removeAll(keepingCapacity: true)
          signature.bytes += mapped.segment.rawValue.utf8
          signature.bytes.append(0x20)
          mapped.why.append(to: &signature.bytes)
          if let known = seen[signature] {
            part.flat.append(known)
          } else {
            let next = Int32(part.signatures.count)
            seen[signature] = next
            part.signatures.append(signature)
            part.flat.append(next)
            signature = Signature(bytes: [])
          }
        }
        part.counts.append(Int32(segments.count))
      }
      return part
    }
    var seen: [Signature: Int32] = [:]
    var signatures: [Signature] = []
    var offsets: [Int32] = [0]
    var flat: [Int32] = []
    offsets.reserveCapacity(scores.count + 1)
    flat.reserveCapacity(scores.count * 2)
    for part in parts {
      let numbers = part.signatures.map { signature in
        if let known = seen[signature] { return known }
        let next = Int32(signatures.count)
        seen[signature] = next
        signatures.append(signature)
        return next
      }
      flat += part.flat.map { numbers[Int($0)] }
      for count in part.counts { offsets.append(offsets[offsets.count - 1] + count) }
    }
    keys = signatures.map { "M" + SHA256.hex(of: $0.bytes).prefix(10) }
    var segments: [SegmentID] = []
    var texts: [String] = []
    for signature in signatures {
      let space = signature.bytes.firstIndex(of: 0x20) ?? signature.bytes.endIndex
      segments.append(
        SegmentID(rawValue: String(decoding: signature.bytes[..<space], as: UTF8.self))
      )
      texts.append(String(decoding: signature.bytes[(space + 1)...], as: UTF8.self))
    }
    self.segments = segments
    self.texts = texts
    self.offsets = offsets
    self.flat = flat
  }

  /// The evidence of the score at `index`, one per segment of its mix.
  func of(_ index: Int) -> ArraySlice<Int32> {
    flat[Int(offsets[index])..<Int(offsets[index + 1])]
  }
}

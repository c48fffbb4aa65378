import Foundation
import HoldingMapping
import PolicyModel
public import PolicyScoreCore
import PortfolioImport

/// The explanations of a run's scores, each segment's written once.
///
/// A holding's explanation is its segments' explanations, in its mix's
/// shares, and its exposure (origin and China share, in its own columns).
/// A segment's explanation depends only on the segment and the company's
/// origin (and a scenario's assumptions about it), so a million holdings
/// share a few hundred.
public struct Explanations: Sendable {
  /// `E` and the first 10 hex digits of the SHA-256 of the segment, a space
  /// and the text (more where two of the run's would be alike; see
  /// `SHA256.keys`): the same text has the same key in every run.
  public let keys: [String]
  public let segments: [SegmentID]
  public let origins: [Origin]
  public let texts: [String]
  /// Per score, in the run's order, its segments' explanations.
  let numbering: Numbering<Explainer.Signature>
  /// Per explanation, what moves its segment's composite most, and by how
  /// many points for a company fully in the segment and in China.
  let leads: [(label: String, points: Double)]

  public init(_ scores: [Score]) {
    // Each core numbers the signatures of its range and notes where each
    // was first met; the ranges are then merged in order.
    let parts = Parallel.chunks(scores.count) { range in
      var numbering = Numbering<Explainer.Signature>()
      var first: [(score: Int, segment: Int)] = []
      for position in range {
        // Rank order is not memory order: the scores to come are loaded
        // while this one is numbered.
        if position + 16 < range.upperBound { scores[position + 16].prefetchParts() }
        if position + 8 < range.upperBound { scores[position + 8].prefetchHoldingAndMix() }
        let score = scores[position]
        // Each segment read in place: a copy counts a reference on its
        // evidence.
        let segments = score.mapping.segments
        for segment in segments.indices {
          if numbering.add(score.explainer.signature(score, segments[segment].segment)) {
            first.append((position, segment))
          }
        }
        numbering.endItem()
      }
      return (numbering: numbering.sealed(), first: first)
    }
    let (whole, firstIn) = Numbering.merged(parts.map(\.numbering))
    let numbering = whole.sealed()
    let first = firstIn.map { parts[$0.part].first[$0.number] }
    var texts: [String] = []
    var leads: [(String, Double)] = []
    for (position, segment) in first {
      let score = scores[position]
      let mapped = score.mapping.segments[segment]
      texts.append(score.explainer.fragmentText(score, mapped.segment))
      leads.append(score.explainer.lead(score, mapped.segment))
    }
    let segments = first.map { scores[$0.score].mapping.segments[$0.segment].segment }
    self.texts = texts
    self.leads = leads
    self.segments = segments
    origins = first.map { scores[$0.score].origin }
    keys = SHA256.keys("E", count: texts.count) {
      Self.hashed(segment: segments[$0].rawValue, text: texts[$0])
    }
    self.numbering = numbering
  }

  /// What a key's digest is of: the segment, a space and the text; the
  /// store lengthens a key from the same digest.
  package static func hashed(segment: String, text: String) -> [UInt8] {
    Array((segment + " " + text).utf8)
  }

  /// The explanations of the score at `index`, one per segment of its mix.
  public func of(_ index: Int) -> ArraySlice<Int32> { numbering.of(index) }

  /// `E 100: +18.6`: what moves the holding's composite most in its primary
  /// segment, and by how many points (scaled by the segment's share and the
  /// China share); the segment and its category are columns of their own.
  public func mainReason(_ score: Score, at index: Int) -> String {
    var text: [UInt8] = []
    appendMainReason(score, at: index, to: &text)
    return String(decoding: text, as: UTF8.self)
  }

  /// `mainReason` appended to `text` as UTF-8: the rankings write a million
  /// of them without a string each.
  public func appendMainReason(_ score: Score, at index: Int, to text: inout [UInt8]) {
    guard let primary = of(index).first, let share = score.mapping.segments.first?.share else {
      return
    }
    let lead = leads[Int(primary)]
    if score.isExcluded { text += "excluded; ".utf8 }
    guard lead.points != 0 else {
      text += "neutral".utf8
      return
    }
    let points = lead.points * share * score.chinaShare
    text += lead.label.utf8
    text += points >= 0 ? ": +".utf8 : ": ".utf8
    NumberText.append(points, decimals: 1, trimmed: true, to: &text)
  }
}

extension Explainer {
  /// What a segment's explanation for a score depends on: scores with equal
  /// signatures share it.
  struct Signature: Hashable {
    var segment: SegmentID
    var origin: Origin
    var madeInChina: Bool
    /// A scenario's assumed instruments belong to one company: its ticker.
    var assumedFor: String?
  }

  func signature(_ score: Score, _ segment: SegmentID) -> Signature {
    let ticker = assumed.isEmpty ? nil : score.holding.ticker.canonical
    return Signature(
      segment: segment,
      origin: score.origin,
      madeInChina: score.madeInChinaBasis != nil,
      assumedFor: ticker.flatMap { assumed[$0] == nil ? nil : $0 }
    )
  }

  /// The explanation of `segment` for `score`'s company: its category, E, F
  /// with each instrument, and D, each with its grade.
  func fragmentText(_ score: Score, _ segment: SegmentID) -> String {
    guard let segmentScore = segmentScores[segment] else { return "" }
    let assumed = self.assumed.isEmpty ? [] : self.assumed[score.holding.ticker.canonical] ?? []
    if assumed.isEmpty, score.madeInChinaBasis == nil,
      let fragment = fragments[segment]?[score.origin]
    {
      return String(decoding: fragment, as: UTF8.self)
    }
    return Self.fragment(
      segmentScore,
      origin: score.origin,
      financial: segmentScore.financialSupport(for: score.origin, adding: assumed),
      categoryValue: categoryValues[segmentScore.category] ?? 50,
      madeInChina: score.madeInChinaBasis != nil
    )
  }

  /// `E 100`, and its composite points: what moves the segment's composite
  /// most for `score`'s company, fully in China.
  func lead(_ score: Score, _ segment: SegmentID) -> (String, Double) {
    guard let segmentScore = segmentScores[segment] else { return ("", 0) }
    var drivers: [(String, Double)] = [
      ("E \(format(segmentScore.e, decimals: 1))", weights.encouraged * (segmentScore.e - 50))
    ]
    for part in segmentScore.financial[score.origin]?.contributions ?? [] {
      drivers.append((part.instrument.rawValue, weights.financial * part.points))
    }
    let dOrigin = score.madeInChinaBasis == nil ? score.origin : .domestic
    let d = segmentScore.d(for: dOrigin)
    drivers.append(("D \(format(d, decimals: 1))", weights.substitution * (d - 50)))
    let lead = drivers.max { abs($0.1) < abs($1.1) || (abs($0.1) == abs($1.1) && $0.0 > $1.0) }
    return lead ?? ("", 0)
  }
}

/// A value worked out once, on first use, whichever thread asks first.
final class Once<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value?

  func value(_ make: () -> Value) -> Value {
    lock.lock()
    defer { lock.unlock() }
    if let stored { return stored }
    let made = make()
    stored = made
    return made
  }
}

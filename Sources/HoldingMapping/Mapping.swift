import PolicyModel
public import PolicyScoreCore
import PortfolioImport

/// How a holding's segments were decided, in the mapper's priority order.
public enum MappingMethod: String, Sendable, Hashable, CaseIterable {
  /// The portfolio file gave the segment split.
  case explicit
  /// The analyst's saved decision (`policyscore map --apply`).
  case decision
  /// The company registry in `Models/registry.yaml`.
  case registry
  /// An industry code named the candidates; the text, where it could, chose.
  case industryCode = "industry-code"
  /// Keywords in the name and description.
  case text
}

/// A holding's segments with shares, and why.
public struct Mapping: Sendable, Hashable {
  public var method: MappingMethod
  /// 0...1.
  public var confidence: Double
  /// Shares sum to 1; sorted by share, then segment id.
  public var segments: [MappedSegment]
  /// Why the mapping needs a second look (the industry code and the text
  /// disagree; the description changed since a decision), or nil.
  public var borderline: String?

  public init(
    method: MappingMethod,
    confidence: Double,
    segments: [MappedSegment],
    borderline: String? = nil
  ) {
    self.method = method
    self.confidence = confidence
    self.segments = segments
    self.borderline = borderline
  }
}

/// One segment of a mapping with the words or codes that decided it.
public struct MappedSegment: Sendable, Hashable {
  public var segment: SegmentID
  public var share: Double
  /// Why, kept as its parts until read as `evidence`.
  public var why: Evidence
  /// The segment's place among the model's segment ids, or -1.
  ///
  /// The mapper numbers them as `ModelBundle.segmentIDs` lists them; a
  /// mapping made elsewhere (a test's, a store's) has -1. Scoring looks the
  /// segment up by it, without hashing its id, once it has checked that the
  /// id there is this one.
  public var place: Int32 = -1

  /// Why, as the reports write it.
  public var evidence: String { why.description }

  public init(segment: SegmentID, share: Double, place: Int? = nil, evidence: String) {
    self.init(segment: segment, share: share, place: place, why: Evidence(evidence))
  }

  public init(segment: SegmentID, share: Double, place: Int? = nil, why: Evidence) {
    self.segment = segment
    self.share = share
    self.why = why
    self.place = place.map(Int32.init) ?? -1
  }

  /// The same segment, share and evidence, wherever each was numbered.
  public static func == (left: MappedSegment, right: MappedSegment) -> Bool {
    left.segment == right.segment && left.share == right.share && left.why == right.why
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(segment)
    hasher.combine(share)
    hasher.combine(why)
  }
}

/// The mapper's answer for one holding.
public enum MappingOutcome: Sendable, Hashable {
  case mapped(Mapping)
  case unmapped(reason: String)
  /// Identified as a listing outside healthcare, by its classification or
  /// its text, or put there by an analyst's decision: neither scored nor
  /// unmapped.
  case outOfScope(reason: String)
}

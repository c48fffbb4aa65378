public import PolicyScoreCore

/// A strategic document, beyond the catalogue, that names segments; each
/// naming adds the priority bonus to the segment's E.
public struct StrategicMention: Sendable, Hashable {
  public var document: SourceID
  public var fact: Fact
  public var segments: [SegmentID]
  public var basis: String
}

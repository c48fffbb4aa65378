public import PolicyScoreCore

/// A strategic document, beyond the catalogue, that names segments; each
/// naming adds the priority bonus to the segment's E while the document is in
/// force.
public struct StrategicMention: Sendable, Hashable {
  public var document: SourceID
  public var fact: Fact
  public var segments: [SegmentID]
  public var basis: String
  /// The document's period; empty: always.
  public var windows: [ValidityWindow] = []

  /// Whether the document is in force on `day`.
  public func holds(on day: Day) -> Bool {
    windows.isEmpty || windows.contains { $0.contains(day) }
  }
}

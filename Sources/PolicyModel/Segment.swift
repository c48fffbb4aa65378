public import PolicyScoreCore

/// The unit a holding maps to: one product line or technology a catalogue item
/// names, or a reference segment of the allowed class.
public struct Segment: Sendable, Hashable {
  public var id: SegmentID
  public var nameZH: String
  public var nameEN: String
  public var domain: Domain
  /// Where the segment is defined, for diagnostics.
  public var location: SourceLocation
  /// Set for reference segments, whose allowed status is itself a graded fact.
  public var reference: Fact?
  public var note: String?
}

/// A graded claim: how sure, and where it was seen.
public struct Fact: Sendable, Hashable {
  public var grade: Grade
  public var sources: [SourceID]
  public var note: String?

  public init(grade: Grade, sources: [SourceID], note: String? = nil) {
    self.grade = grade
    self.sources = sources
    self.note = note
  }
}

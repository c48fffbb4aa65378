/// The words that point text to segments: our matcher choices, not facts.
public struct Lexicon: Sendable {
  public struct Term: Sendable, Hashable {
    public var text: String
    public var weight: Double
  }

  public struct Entry: Sendable, Hashable {
    public var terms: [Term]
    /// A negative term in a holding's text rules the segment out.
    public var negative: [String]
  }

  public var entries: [SegmentID: Entry]
}

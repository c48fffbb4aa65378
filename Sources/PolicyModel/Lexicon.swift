public import PolicyScoreCore

/// The words that point text to segments: our matcher choices, not facts.
public struct Lexicon: Sendable {
  public struct Term: Sendable, Hashable {
    public var text: String
    public var weight: Double
    /// False for a therapeutic area (oncology): it counts, but a segment it
    /// names first is not the business the text leads with.
    public var leads = true
  }

  public struct Entry: Sendable, Hashable {
    public var terms: [Term]
    /// A negative term in a holding's text rules the segment out.
    public var negative: [String]
    /// The domain's general segment (`ivd-conventional`): named only by
    /// ordinary words, it yields to a segment of its domain named by a
    /// strong one.
    public var isGeneral = false
  }

  public var entries: [SegmentID: Entry]
  /// Terms that put a company outside healthcare (a property developer, a dye
  /// maker): any of them rules out every segment.
  public var exclusions: [String] = []
  /// Legal-form suffixes dropped from a company name before matching
  /// (股份有限公司, Co., Ltd., Inc., plc).
  public var nameSuffixes: [String] = []
  /// Words that open a side clause (另有, 兼营, 在研): what the rest of the
  /// clause names is a minor line or a pipeline, not a business to map.
  public var sideMarkers: [String] = []
  /// Words that name who buys (`销往`, `客户为`): a service or a channel
  /// after them, in the same clause, is a customer, not the business.
  public var customerMarkers: [String] = []
  /// Words that negate the term right after them (`无`, `非`), and right
  /// before them (`-free`).
  public var negatesNext: [String] = []
  public var negatesPrevious: [String] = []
  /// Longer words that hold a term without naming a segment (`运动保护`
  /// holds `动保`): the term inside them does not count.
  public var words: [String] = []
  /// The weight of a strong term and of an ordinary one; weak terms weigh less.
  public var strongWeight: Double = 3
  public var termWeight: Double = 2
}

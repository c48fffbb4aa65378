public import PolicyScoreCore

/// A classification scheme whose codes a portfolio may carry.
public struct IndustryCodeScheme: Sendable, Hashable {
  public var id: String
  public var name: String
  /// Prefixes a portfolio cell may use, such as `GB:` or `申万:`.
  public var prefixes: [String]
}

/// One code of a scheme and the segments a holding with it can be in.
public struct IndustryCode: Sendable, Hashable {
  public var scheme: String
  public var code: String
  public var name: String?
  public var fact: Fact
  /// The segment used when the text names none of the candidates.
  public var defaultSegment: SegmentID
  /// Segments the text may choose among.
  public var candidates: [SegmentID]

  /// `scheme:code`, the key used in evidence.
  public var key: String { "\(scheme):\(code)" }
}

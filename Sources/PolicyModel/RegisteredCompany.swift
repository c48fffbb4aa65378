public import PolicyScoreCore

/// A listed company from `registry.yaml`: its listings and its business split
/// across segments.
public struct RegisteredCompany: Sendable, Hashable {
  public var name: String
  /// Canonical tickers of every listing.
  public var tickers: [String]
  /// Shares sum to 1; largest first.
  public var segments: [SegmentShare]
  /// The grade of the split and the note saying where it comes from.
  public var fact: Fact
  /// A foreign company that makes its products in China, which government
  /// procurement counts as domestic; nil when not said.
  public var madeInChina: Bool?
}

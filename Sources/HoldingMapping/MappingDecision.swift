import PolicyModel
public import PolicyScoreCore
import PortfolioImport

/// An analyst's correction of one company's mapping, saved in the store and
/// applied on every later run.
public struct MappingDecision: Sendable, Hashable {
  public enum Action: String, Sendable, Hashable, CaseIterable {
    /// Keep the proposed segments and shares.
    case accept
    /// The company is in no catalogue segment: leave it unmapped.
    case reject
    /// Use the segments and shares the analyst gave.
    case replace
  }

  /// Canonical ticker.
  public var ticker: String
  public var action: Action
  /// Empty for `reject`.
  public var segments: [SegmentShare]
  public var reason: String
  public var decidedBy: String
  /// ISO 8601, UTC.
  public var decidedAt: String
  /// `Mapper.descriptionFingerprint` of the description the analyst saw;
  /// "" when unknown.
  public var descriptionFingerprint: String

  public init(
    ticker: String,
    action: Action,
    segments: [SegmentShare],
    reason: String,
    decidedBy: String,
    decidedAt: String,
    descriptionFingerprint: String
  ) {
    self.ticker = ticker
    self.action = action
    self.segments = segments
    self.reason = reason
    self.decidedBy = decidedBy
    self.decidedAt = decidedAt
    self.descriptionFingerprint = descriptionFingerprint
  }
}

public import PolicyScoreCore

/// A policy document or a secondary copy that facts in the model cite.
public struct SourceDocument: Sendable, Hashable {
  public enum Kind: String, CaseIterable, Sendable {
    case policy
    case secondary
    case seed
  }

  public var id: SourceID
  public var kind: Kind
  public var issuer: String?
  public var titleZH: String?
  public var titleEN: String?
  public var date: Day?
  public var edition: String?
  public var url: String?
  public var note: String?

  /// The title in English where there is one, else in Chinese.
  public var title: String { titleEN ?? titleZH ?? id.rawValue }
}

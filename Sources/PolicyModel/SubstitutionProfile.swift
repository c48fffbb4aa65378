public import PolicyScoreCore

/// A named value used by substitution profiles: an import share or a policy
/// push, either a graded fact or a named assumption.
public struct SubstitutionLevel: Sendable, Hashable {
  public enum Kind: String, CaseIterable, Sendable {
    case importShare = "import-share"
    case push
  }

  public var id: LevelID
  public var kind: Kind
  /// 0...1.
  public var value: Double
  public var fact: Fact
  public var basis: String
}

/// How much of a segment's China market imports hold, and how hard policy
/// pushes domestic procurement in it.
public struct SubstitutionProfile: Sendable, Hashable {
  public var segment: SegmentID
  public var importShare: SubstitutionLevel
  public var push: SubstitutionLevel
  public var note: String?

  /// Substitution pressure `s = m · p`, on 0...1.
  public var pressure: Double { importShare.value * push.value }
}

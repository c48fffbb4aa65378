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
  /// When the level holds; empty: always.
  ///
  /// For an import share, from the date the figure describes; for a push,
  /// the policy's window.
  public var windows: [ValidityWindow] = []

  public init(
    id: LevelID,
    kind: Kind,
    value: Double,
    fact: Fact,
    basis: String,
    windows: [ValidityWindow] = []
  ) {
    self.id = id
    self.kind = kind
    self.value = value
    self.fact = fact
    self.basis = basis
    self.windows = windows
  }

  /// Whether the level holds on `day`.
  public func holds(on day: Day) -> Bool {
    windows.isEmpty || windows.contains { $0.contains(day) }
  }
}

/// How much of a segment's China market imports hold, and how hard policy
/// pushes domestic procurement in it.
public struct SubstitutionProfile: Sendable, Hashable {
  public var segment: SegmentID
  /// The import-share levels, preferred first; the first holding on the
  /// as-of date is used.
  public var importShares: [SubstitutionLevel]
  /// The push levels, preferred first.
  public var pushes: [SubstitutionLevel]
  public var note: String?

  /// The import share used: the first level (of the dated profile, the one
  /// holding on its date).
  public var importShare: SubstitutionLevel { importShares[0] }
  public var push: SubstitutionLevel { pushes[0] }

  /// Substitution pressure `s = m · p`, on 0...1.
  public var pressure: Double { importShare.value * push.value }

  /// The profile as of `day`: the first import share and push holding then,
  /// or nil when either has no level for the date.
  public func on(_ day: Day) -> SubstitutionProfile? {
    guard let importShare = importShares.first(where: { $0.holds(on: day) }),
      let push = pushes.first(where: { $0.holds(on: day) })
    else { return nil }
    var dated = self
    dated.importShares = [importShare]
    dated.pushes = [push]
    return dated
  }
}

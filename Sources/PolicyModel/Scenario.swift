public import PolicyScoreCore

/// A what-if: overrides of the model's assumptions, from a file in `Scenarios/`.
///
/// A scenario that `extends` another holds the merged overrides, its own on
/// top of its parent's.
public struct Scenario: Sendable {
  public var name: String
  public var title: String
  public var description: String
  public var sources: [SourceID]
  public var file: String
  /// The names this scenario extends, nearest last, then its own.
  public var lineage: [String]
  public var asOf: Day?
  public var edition: String?
  public var weights: ModelParameters.Weights?
  public var categoryValues: [Category: Double] = [:]
  public var segmentCategories: [SegmentID: Category] = [:]
  public var instrumentChanges: [InstrumentID: InstrumentChange] = [:]
  public var newInstruments: [SupportInstrument] = []
  public var levelValues: [LevelID: Double] = [:]
  public var profileChanges: [SegmentID: ProfileChange] = [:]
  /// By canonical ticker.
  public var companies: [String: CompanyAssumption] = [:]

  /// The model's own assumptions, unchanged.
  public static func baseline(named name: String = "baseline") -> Scenario {
    Scenario(
      name: name,
      title: "the model as shipped",
      description: "",
      sources: [],
      file: "",
      lineage: [name]
    )
  }
}

/// How a scenario changes one instrument.
public struct InstrumentChange: Sendable, Hashable {
  /// false switches the instrument off.
  public var enabled: Bool?
  /// Sets every effect's strength.
  public var strength: Double?
  /// Multiplies every effect's strength, capped at 1.
  public var strengthScale: Double?
  /// Replaces the validity windows.
  public var windows: [ValidityWindow]?

  public init(
    enabled: Bool? = nil,
    strength: Double? = nil,
    strengthScale: Double? = nil,
    windows: [ValidityWindow]? = nil
  ) {
    self.enabled = enabled
    self.strength = strength
    self.strengthScale = strengthScale
    self.windows = windows
  }

  /// `other` on top of `self`.
  func merged(with other: InstrumentChange) -> InstrumentChange {
    InstrumentChange(
      enabled: other.enabled ?? enabled,
      strength: other.strength ?? strength,
      strengthScale: other.strengthScale ?? strengthScale,
      windows: other.windows ?? windows
    )
  }
}

/// A segment's import share or policy push as a scenario sets them.
public struct ProfileChange: Sendable, Hashable {
  public var importShare: Double?
  public var push: Double?
}

/// What a scenario assumes about one company.
public struct CompanyAssumption: Sendable, Hashable {
  public var chinaShare: Double?
  public var origin: Origin?
  /// Instruments assumed to reach the company whatever its segments, such as
  /// `cit-hnte-15pct` for "assume HNTE status".
  public var assumedInstruments: [InstrumentID] = []
}

extension ModelBundle {
  /// The model with `scenario`'s overrides applied; the catalogue edition,
  /// as-of date and company assumptions are applied by `ScoringModel`.
  public func applying(_ scenario: Scenario) -> ModelBundle {
    var model = self
    if let weights = scenario.weights { model.parameters.weights = weights }
    for (category, value) in scenario.categoryValues {
      model.parameters.categoryValues[category] = value
    }
    for edition in model.catalogs.keys {
      for (segment, category) in scenario.segmentCategories {
        model.catalogs[edition]?.categoryOverrides[segment] = category
      }
    }
    model.instruments =
      model.instruments.compactMap { instrument in
        guard let change = scenario.instrumentChanges[instrument.id] else { return instrument }
        if change.enabled == false { return nil }
        var changed = instrument
        if let windows = change.windows { changed.windows = windows }
        for index in changed.effects.indices {
          if let strength = change.strength { changed.effects[index].strength = strength }
          if let scale = change.strengthScale {
            changed.effects[index].strength = min(1, changed.effects[index].strength * scale)
          }
        }
        return changed
      } + scenario.newInstruments
    for (id, value) in scenario.levelValues { model.levels[id]?.value = value }
    for (segment, profile) in model.profiles {
      model.profiles[segment]?.importShares = profile.importShares.map {
        model.levels[$0.id] ?? $0
      }
      model.profiles[segment]?.pushes = profile.pushes.map { model.levels[$0.id] ?? $0 }
    }
    for (segment, change) in scenario.profileChanges {
      let basis = "set by scenario '\(scenario.name)'"
      func level(_ kind: SubstitutionLevel.Kind, _ value: Double) -> SubstitutionLevel {
        SubstitutionLevel(
          id: LevelID("\(scenario.name):\(segment):\(kind.rawValue)"),
          kind: kind,
          value: value,
          fact: Fact(grade: .assumption, sources: scenario.sources),
          basis: basis
        )
      }
      let existing = model.profiles[segment]
      guard
        let importShares = change.importShare.map({ [level(.importShare, $0)] })
          ?? existing?.importShares,
        let pushes = change.push.map({ [level(.push, $0)] }) ?? existing?.pushes
      else { continue }
      model.profiles[segment] = SubstitutionProfile(
        segment: segment,
        importShares: importShares,
        pushes: pushes,
        note: basis
      )
    }
    return model
  }
}

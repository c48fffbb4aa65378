import Foundation
import PolicyScoreCore

/// Support instruments and substitution profiles: what F and D are made of.
extension ModelLoader {
  // MARK: - Instruments

  static let instrumentKeys = [
    "id", "name_zh", "name_en", "type", "verification", "assumption", "sources", "parameters",
    "valid", "note", "effects", "uncertainty",
  ]

  func readInstruments(_ map: YAMLMap, _ state: inout State) {
    var seen: Set<InstrumentID> = []
    for entry in map.maps("instruments", keys: Self.instrumentKeys) {
      guard let instrument = readInstrument(entry, &state) else { continue }
      // Sensitivity samples every strength in 1 ± uncertainty.
      if !entry.has("uncertainty") {
        diagnostics.error(
          "instrument '\(instrument.id)' needs an 'uncertainty' (0...1) for its strengths",
          at: entry.location
        )
      }
      if !seen.insert(instrument.id).inserted {
        diagnostics.error(
          "duplicate instrument id '\(instrument.id)'",
          at: entry.location(of: "id")
        )
      }
      state.instruments.append(instrument)
    }
  }

  /// The `valid` windows of an entry; empty when it has none.
  ///
  /// Both ends are inclusive; a missing `to` is open-ended.
  func readWindows(_ entry: YAMLMap) -> [ValidityWindow] {
    var windows: [ValidityWindow] = []
    for window in entry.maps("valid", keys: ["from", "to"]) {
      guard let from = window.day("from", required: true) else { continue }
      let to = window.day("to")
      if let to, to < from {
        diagnostics.error("validity window ends before it starts", at: window.location(of: "to"))
      }
      windows.append(ValidityWindow(from: from, to: to))
    }
    return windows
  }

  /// One instrument entry; its segment, item and source references are left
  /// in `state` for the caller to check.
  func readInstrument(_ entry: YAMLMap, _ state: inout State) -> SupportInstrument? {
    guard let id = entry.string("id", required: true).map(InstrumentID.init(rawValue:)) else {
      return nil
    }
    let fact = readFact(entry, state: &state)
    state.count(fact.grade, .instrument)
    let windows = readWindows(entry)
    if windows.isEmpty {
      diagnostics.error(
        "instrument '\(id)' needs at least one 'valid' window",
        at: entry.location
      )
    }
    var effects: [Effect] = []
    let effectKeys = ["direction", "strength", "origin", "applies_to", "rationale"]
    for effectMap in entry.maps("effects", keys: effectKeys) {
      guard let direction = effectMap.choice("direction", as: Direction.self, required: true),
        let strength = effectMap.number("strength", in: 0...1, required: true),
        let selectorMap = effectMap.map(
          "applies_to",
          keys: ["segments", "items", "domains", "categories", "except"],
          required: true
        )
      else { continue }
      let origin =
        effectMap.string("origin") == "any"
        ? nil : effectMap.choice("origin", as: Origin.self)
      effects.append(
        Effect(
          direction: direction,
          strength: strength,
          origin: origin,
          selector: readSelector(selectorMap, &state),
          rationale: effectMap.string("rationale", required: true) ?? ""
        )
      )
      state.count(.assumption, .strength)
    }
    if effects.isEmpty {
      diagnostics.error("instrument '\(id)' has no effects", at: entry.location)
    }
    return SupportInstrument(
      id: id,
      nameZH: entry.string("name_zh", required: true) ?? "",
      nameEN: entry.string("name_en", required: true) ?? "",
      kind: entry.choice("type", as: SupportInstrument.Kind.self, required: true) ?? .fund,
      fact: fact,
      parameters: entry.strings("parameters"),
      windows: windows,
      effects: effects,
      uncertainty: entry.number("uncertainty", in: 0...1) ?? 0,
      location: entry.location
    )
  }

  func readSelector(_ map: YAMLMap, _ state: inout State) -> SegmentSelector {
    var selector = SegmentSelector()
    for key in ["segments", "except"] {
      for id in map.strings(key).map(SegmentID.init(rawValue:)) {
        state.references.append((id, map.location(of: key)))
        if key == "segments" { selector.segments.insert(id) } else { selector.except.insert(id) }
      }
    }
    for id in map.strings("items").map(ItemID.init(rawValue:)) {
      state.itemReferences.append((id, map.location(of: "items")))
      selector.items.insert(id)
    }
    for name in map.strings("domains") {
      if let domain = Domain(rawValue: name) {
        selector.domains.insert(domain)
      } else {
        diagnostics.error(
          "unknown domain '\(name)'\(Suggestion.hint(for: name, in: Domain.allCases.map(\.rawValue)))",
          at: map.location(of: "domains")
        )
      }
    }
    for name in map.strings("categories") {
      if let category = Category(rawValue: name) {
        selector.categories.insert(category)
      } else {
        diagnostics.error(
          "unknown category '\(name)'\(Suggestion.hint(for: name, in: Category.allCases.map(\.rawValue)))",
          at: map.location(of: "categories")
        )
      }
    }
    if selector.segments.isEmpty && selector.items.isEmpty && selector.domains.isEmpty
      && selector.categories.isEmpty
    {
      diagnostics.error("'applies_to' selects nothing", at: map.location)
    }
    return selector
  }

  // MARK: - Substitution

  func readSubstitution(_ map: YAMLMap, _ state: inout State) {
    let levelKeys = [
      "id", "kind", "value", "verification", "sources", "basis", "assumption", "note", "valid",
    ]
    for entry in map.maps("levels", keys: levelKeys) {
      guard let id = entry.string("id", required: true).map(LevelID.init(rawValue:)),
        let kind = entry.choice("kind", as: SubstitutionLevel.Kind.self, required: true),
        let value = entry.number("value", in: 0...1, required: true)
      else { continue }
      if state.levels[id] != nil {
        diagnostics.error("duplicate level id '\(id)'", at: entry.location(of: "id"))
      }
      let fact = readFact(entry, state: &state)
      state.count(fact.grade, .substitution)
      state.levels[id] = SubstitutionLevel(
        id: id,
        kind: kind,
        value: value,
        fact: fact,
        basis: entry.string("basis", required: true) ?? "",
        windows: readWindows(entry)
      )
    }
    for entry in map.maps("profiles", keys: ["segment", "import_share", "push", "note"]) {
      guard let segment = entry.string("segment", required: true).map(SegmentID.init(rawValue:))
      else {
        continue
      }
      state.references.append((segment, entry.location(of: "segment")))
      let importShares = levels(entry, "import_share", kind: .importShare, state)
      let pushes = levels(entry, "push", kind: .push, state)
      guard !importShares.isEmpty, !pushes.isEmpty else { continue }
      if state.profiles[segment] != nil {
        diagnostics.error(
          "segment '\(segment)' has two profiles",
          at: entry.location(of: "segment")
        )
      }
      state.profiles[segment] = SubstitutionProfile(
        segment: segment,
        importShares: importShares,
        pushes: pushes,
        note: entry.string("note")
      )
    }
  }

  /// The levels an entry names under `key`: one name, or a list, the first
  /// in force on a date being the one used.
  func levels(
    _ entry: YAMLMap,
    _ key: String,
    kind: SubstitutionLevel.Kind,
    _ state: State
  ) -> [SubstitutionLevel] {
    let names = entry[key]?.scalar.map { [$0] } ?? entry.strings(key)
    if names.isEmpty {
      diagnostics.error("missing '\(key)'", at: entry.location)
    }
    return names.compactMap { name in
      guard let level = state.levels[LevelID(name)] else {
        diagnostics.error(
          "unknown level '\(name)'\(Suggestion.hint(for: name, in: state.levels.keys.map(\.rawValue)))",
          at: entry.location(of: key)
        )
        return nil
      }
      if level.kind != kind {
        diagnostics.error(
          "level '\(name)' is a \(level.kind.rawValue) level, not \(kind.rawValue)",
          at: entry.location(of: key)
        )
      }
      return level
    }
  }
}

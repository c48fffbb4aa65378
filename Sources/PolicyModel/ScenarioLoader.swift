public import Foundation
public import PolicyScoreCore

/// Why scenarios could not be loaded.
public enum ScenarioError: DiagnosticError, Equatable {
  case missingFile(String)
  /// Every problem found, each located.
  case invalid([Diagnostic])

  /// Every problem, then how many errors there were.
  public var diagnostics: [Diagnostic] {
    switch self {
    case .missingFile(let path):
      return [Diagnostic(.error, "scenario file not found", at: SourceLocation(file: path))]
    case .invalid(let diagnostics):
      let count = diagnostics.filter { $0.severity == .error }.count
      return diagnostics + [
        Diagnostic(.error, "the scenarios have \(count) error\(count == 1 ? "" : "s")")
      ]
    }
  }
}

/// Reads scenario files and validates every id against the model: an unknown
/// segment, instrument, level, source or key is a located error with the
/// nearest valid name, never a silent no-op.
public struct ScenarioLoader {
  public let model: ModelBundle

  /// Where `extends` looks after the extending file's own folder: the
  /// `Scenarios` folder beside the model's.
  public var sharedScenarios: URL

  public init(model: ModelBundle) {
    self.model = model
    sharedScenarios = URL(fileURLWithPath: model.directory).standardizedFileURL
      .deletingLastPathComponent().appendingPathComponent("Scenarios")
  }

  static let keys = [
    "schema_version", "name", "title", "description", "sources", "extends", "as_of", "edition",
    "weights", "category_values", "segments", "instruments", "new_instruments", "levels",
    "substitution", "companies",
  ]

  /// SHA-256 of a scenario's file and the files it extends, in order;
  /// "none" for the model as shipped.
  public static func contentHash(of scenario: Scenario) -> String {
    guard !scenario.file.isEmpty else { return "none" }
    let file = URL(fileURLWithPath: scenario.file)
    var hasher = SHA256()
    for name in scenario.lineage {
      let url =
        name == scenario.name
        ? file : file.deletingLastPathComponent().appendingPathComponent("\(name).yaml")
      hasher.update(
        Array(name.utf8) + [0] + Array(FileManager.default.contents(atPath: url.path) ?? Data())
      )
    }
    return hasher.finalizeHex()
  }

  /// Every `.yaml` file of `directory`, in name order.
  public func loadAll(in directory: URL) throws(ScenarioError) -> [Scenario] {
    let names =
      ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    return try load(names.map { directory.appendingPathComponent($0) })
  }

  /// The scenarios in `urls`, with `extends` resolved against each file's folder.
  public func load(_ urls: [URL]) throws(ScenarioError) -> [Scenario] {
    let diagnostics = DiagnosticCollector()
    var cache: [String: Scenario] = [:]
    var scenarios: [Scenario] = []
    for url in urls {
      guard FileManager.default.fileExists(atPath: url.path) else {
        throw .missingFile(url.path)
      }
      if let scenario = resolve(url, diagnostics: diagnostics, cache: &cache, visiting: []) {
        scenarios.append(scenario)
      }
    }
    if diagnostics.hasErrors { throw .invalid(diagnostics.diagnostics) }
    var seen: Set<String> = []
    for scenario in scenarios where !seen.insert(scenario.name).inserted {
      throw .invalid([
        Diagnostic(.error, "two scenarios are named '\(scenario.name)'", at: nil)
      ])
    }
    return scenarios
  }

  private func resolve(
    _ url: URL,
    diagnostics: DiagnosticCollector,
    cache: inout [String: Scenario],
    visiting: [String]
  ) -> Scenario? {
    let key = url.standardizedFileURL.path
    if let cached = cache[key] { return cached }
    let file = url.standardizedFileURL.path
    guard let data = FileManager.default.contents(atPath: url.path),
      let text = String(data: data, encoding: .utf8)
    else {
      diagnostics.error(
        "cannot read the scenario as UTF-8 text",
        at: SourceLocation(file: file, line: 1, column: 1)
      )
      return nil
    }
    guard let node = YAMLNode.parse(text, file: file, diagnostics: diagnostics),
      let map = node.map(keys: Self.keys, context: url.lastPathComponent)
    else { return nil }
    map.checkSchemaVersion(highest: 1)
    let name = map.string("name") ?? url.deletingPathExtension().lastPathComponent
    // The name becomes a report folder, and `extends` a file name.
    let parentName = map.string("extends")
    for (key, value) in [("name", name), ("extends", parentName)] {
      guard let value, let problem = PathComponent.problem(with: value) else { continue }
      diagnostics.error(
        "'\(key)' is '\(value)', which cannot name a scenario: \(problem); use letters, digits and '-'",
        at: map.location(of: key)
      )
      return nil
    }
    var scenario: Scenario
    if let parentName {
      if visiting.contains(name) || parentName == name {
        diagnostics.error(
          "scenario '\(name)' extends itself through \((visiting + [name, parentName]).joined(separator: " → "))",
          at: map.location(of: "extends")
        )
        return nil
      }
      // Beside the extending file first, then among the model's scenarios.
      let folders = [url.deletingLastPathComponent().standardizedFileURL, sharedScenarios]
      let candidates = folders.map { $0.appendingPathComponent("\(parentName).yaml") }
      guard
        let parentURL = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) })
      else {
        let names = folders.flatMap { folder in
          ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        }
        diagnostics.error(
          "scenario '\(parentName)' to extend not found: looked for \(parentName).yaml in \(folders[0].path) and \(folders[1].path)\(Suggestion.hint(for: parentName, in: names))",
          at: map.location(of: "extends")
        )
        return nil
      }
      guard
        let parent = resolve(
          parentURL,
          diagnostics: diagnostics,
          cache: &cache,
          visiting: visiting + [name]
        )
      else { return nil }
      scenario = parent
      scenario.lineage = parent.lineage + [name]
    } else {
      scenario = Scenario.baseline(named: name)
    }
    scenario.name = name
    scenario.file = url.path
    scenario.title = map.string("title", required: true) ?? name
    scenario.description = map.string("description", required: true) ?? ""
    read(map, into: &scenario, file: file, diagnostics: diagnostics)
    cache[key] = scenario
    return scenario
  }

  // MARK: - Overrides

  private func read(
    _ map: YAMLMap,
    into scenario: inout Scenario,
    file: String,
    diagnostics: DiagnosticCollector
  ) {
    var state = ModelLoader.State()
    let loader = ModelLoader(
      directory: URL(fileURLWithPath: file).deletingLastPathComponent(),
      diagnostics: diagnostics
    )
    let sources = map.strings("sources").map(SourceID.init(rawValue:))
    for source in sources { state.sourceReferences.append((source, map.location(of: "sources"))) }
    scenario.sources = sources
    if let asOf = map.day("as_of") { scenario.asOf = asOf }
    if let edition = map.string("edition") {
      if model.catalog(edition: edition) == nil {
        diagnostics.error(
          "no catalogue for edition '\(edition)'\(Suggestion.hint(for: edition, in: model.editions))",
          at: map.location(of: "edition")
        )
      }
      scenario.edition = edition
    }
    if let weights = map.map("weights", keys: ["encouraged", "financial", "substitution"]) {
      let values = ["encouraged", "financial", "substitution"].map {
        weights.number($0, in: 0...1, required: true)
      }
      if let e = values[0], let f = values[1], let d = values[2] {
        if abs(e + f + d - 1) > 1e-9 {
          diagnostics.error("weights sum to \(e + f + d), not 1", at: weights.location)
        }
        scenario.weights = ModelParameters.Weights(encouraged: e, financial: f, substitution: d)
      }
    }
    if let values = map.map("category_values", keys: Category.allCases.map(\.rawValue)) {
      for category in Category.allCases {
        if let value = values.number(category.rawValue, in: 0...100) {
          scenario.categoryValues[category] = value
        }
      }
    }
    for entry in map.maps("segments", keys: ["id", "category"]) {
      guard let id = entry.string("id", required: true).map(SegmentID.init(rawValue:)),
        let category = entry.choice("category", as: Category.self, required: true)
      else { continue }
      state.references.append((id, entry.location(of: "id")))
      scenario.segmentCategories[id] = category
    }
    let instrumentIDs = Set(model.instruments.map(\.id))
    for entry in map.maps(
      "instruments",
      keys: ["id", "enabled", "strength", "strength_scale", "valid"]
    ) {
      guard let id = entry.string("id", required: true).map(InstrumentID.init(rawValue:)) else {
        continue
      }
      if !instrumentIDs.contains(id) {
        diagnostics.error(
          "unknown instrument '\(id)'\(Suggestion.hint(for: id.rawValue, in: instrumentIDs.map(\.rawValue)))",
          at: entry.location(of: "id")
        )
      }
      var windows: [ValidityWindow]?
      if entry.has("valid") {
        windows = entry.maps("valid", keys: ["from", "to"]).compactMap { window in
          window.day("from", required: true).map { ValidityWindow(from: $0, to: window.day("to")) }
        }
      }
      let change = InstrumentChange(
        enabled: entry.bool("enabled"),
        strength: entry.number("strength", in: 0...1),
        strengthScale: entry.number("strength_scale", in: 0...100),
        windows: windows
      )
      scenario.instrumentChanges[id] =
        scenario.instrumentChanges[id]?.merged(with: change) ?? change
    }
    for entry in map.maps("new_instruments", keys: ModelLoader.instrumentKeys) {
      guard let instrument = loader.readInstrument(entry, &state) else { continue }
      if instrumentIDs.contains(instrument.id) {
        diagnostics.error(
          "new instrument '\(instrument.id)' already exists in the model; change it under 'instruments'",
          at: entry.location(of: "id")
        )
      }
      scenario.newInstruments.removeAll { $0.id == instrument.id }
      scenario.newInstruments.append(instrument)
    }
    let levelIDs = model.levels.keys.map(\.rawValue)
    for entry in map.maps("levels", keys: ["id", "value"]) {
      guard let id = entry.string("id", required: true).map(LevelID.init(rawValue:)),
        let value = entry.number("value", in: 0...1, required: true)
      else { continue }
      if model.levels[id] == nil {
        diagnostics.error(
          "unknown level '\(id)'\(Suggestion.hint(for: id.rawValue, in: levelIDs))",
          at: entry.location(of: "id")
        )
      }
      scenario.levelValues[id] = value
    }
    for entry in map.maps("substitution", keys: ["segment", "import_share", "push"]) {
      guard let id = entry.string("segment", required: true).map(SegmentID.init(rawValue:))
      else { continue }
      state.references.append((id, entry.location(of: "segment")))
      let importShare = entry.number("import_share", in: 0...1)
      let push = entry.number("push", in: 0...1)
      let previous = scenario.profileChanges[id]
      let change = ProfileChange(
        importShare: importShare ?? previous?.importShare,
        push: push ?? previous?.push
      )
      if model.profiles[id] == nil && (change.importShare == nil || change.push == nil) {
        diagnostics.error(
          "segment '\(id)' has no substitution profile; give both import_share and push",
          at: entry.location
        )
      }
      scenario.profileChanges[id] = change
    }
    let newIDs = Set(scenario.newInstruments.map(\.id))
    for entry in map.maps(
      "companies",
      keys: ["ticker", "china_revenue_share", "origin", "assume"]
    ) {
      guard let ticker = entry.string("ticker", required: true) else { continue }
      var company = CompanyAssumption()
      company.chinaShare = entry.number("china_revenue_share", in: 0...1)
      company.origin = entry.choice("origin", as: Origin.self)
      for name in entry.strings("assume") {
        let id = InstrumentID(name)
        if !instrumentIDs.contains(id) && !newIDs.contains(id) {
          diagnostics.error(
            "unknown instrument '\(name)'\(Suggestion.hint(for: name, in: instrumentIDs.map(\.rawValue)))",
            at: entry.location(of: "assume")
          )
        }
        company.assumedInstruments.append(id)
      }
      scenario.companies[Ticker(ticker).canonical] = company
    }
    loader.checkReferences(
      state,
      segments: Set(model.segmentIDs),
      items: Set(model.catalogs.values.flatMap { $0.items.map(\.id) }),
      sources: Set(model.sources.keys)
    )
  }
}

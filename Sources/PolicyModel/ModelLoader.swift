import Foundation
import PolicyScoreCore

/// Reads `Models/`, decoding each file into domain types and collecting every
/// problem, each with file, line and column, before deciding to fail.
struct ModelLoader {
  static let highestSchemaVersion = 1
  static let requiredFiles = [
    "sources.yaml", "reference-segments.yaml", "lexicon.yaml", "instruments.yaml",
    "substitution.yaml", "registry.yaml", "strategic.yaml", "parameters.yaml",
  ]
  /// Files read by prefix: every catalogue edition and every code scheme.
  static let filePrefixes = ["catalog-", "concordance-"]

  let directory: URL
  let diagnostics: DiagnosticCollector

  init(directory: URL, diagnostics: DiagnosticCollector = DiagnosticCollector()) {
    self.directory = directory
    self.diagnostics = diagnostics
  }

  func load() throws(ModelError) -> ModelBundle {
    let fileManager = FileManager.default
    for name in Self.requiredFiles
    where !fileManager.fileExists(atPath: directory.appendingPathComponent(name).path) {
      throw .missingFile(directory.appendingPathComponent(name).path)
    }
    let names = ((try? fileManager.contentsOfDirectory(atPath: directory.path)) ?? [])
      .filter { $0.hasSuffix(".yaml") }.sorted()
    var hasher = SHA256()
    var documents: [String: YAMLNode] = [:]
    for name in names {
      let url = directory.appendingPathComponent(name)
      guard let data = fileManager.contents(atPath: url.path) else {
        throw .missingFile(url.path)
      }
      hasher.update(Array(name.utf8) + [0] + Array(data) + [0])
      let file = displayPath(name)
      guard let text = String(data: data, encoding: .utf8) else {
        diagnostics.error("not UTF-8 text", at: SourceLocation(file: file, line: 1, column: 1))
        continue
      }
      if let node = YAMLNode.parse(text, file: file, diagnostics: diagnostics) {
        documents[name] = node
      }
    }
    var state = State()
    state.contentHash = hasher.finalizeHex()
    read(documents, into: &state)
    if diagnostics.hasErrors { throw .invalid(diagnostics.diagnostics) }
    guard let parameters = state.parameters else { throw .invalid(diagnostics.diagnostics) }
    return ModelBundle(
      directory: directory.path,
      sources: state.sources,
      segments: state.segments,
      catalogs: state.catalogs,
      instruments: state.instruments,
      levels: state.levels,
      profiles: state.profiles,
      schemes: state.schemes,
      codes: state.codes,
      registry: state.registry,
      lexicon: Lexicon(
        entries: state.lexicon,
        exclusions: state.lexiconExclusions,
        nameSuffixes: state.nameSuffixes,
        sideMarkers: state.sideMarkers,
        strongWeight: state.lexiconWeights["strong"] ?? 3,
        termWeight: state.lexiconWeights["terms"] ?? 2
      ),
      mentions: state.mentions,
      parameters: parameters,
      contentHash: state.contentHash,
      factCounts: state.factCounts,
      warnings: diagnostics.diagnostics.filter { $0.severity != .error }
    )
  }

  private func displayPath(_ name: String) -> String {
    let base = directory.lastPathComponent.isEmpty ? "Models" : directory.lastPathComponent
    return "\(base)/\(name)"
  }

  // MARK: - State shared by the readers

  struct State {
    var contentHash = ""
    var sources: [SourceID: SourceDocument] = [:]
    var segments: [SegmentID: Segment] = [:]
    var catalogs: [String: Catalog] = [:]
    var instruments: [SupportInstrument] = []
    var levels: [LevelID: SubstitutionLevel] = [:]
    var profiles: [SegmentID: SubstitutionProfile] = [:]
    var schemes: [IndustryCodeScheme] = []
    var codes: [String: IndustryCode] = [:]
    var registry: [String: RegisteredCompany] = [:]
    var lexicon: [SegmentID: Lexicon.Entry] = [:]
    var lexiconExclusions: [String] = []
    var lexiconWeights: [String: Double] = [:]
    var nameSuffixes: [String] = []
    var sideMarkers: [String] = []
    var mentions: [StrategicMention] = []
    var parameters: ModelParameters?
    var factCounts: [Grade: Int] = [:]
    /// Segment references to check once every segment is defined.
    var references: [(SegmentID, SourceLocation)] = []
    var itemIDs: Set<ItemID> = []
    var itemReferences: [(ItemID, SourceLocation)] = []
    var sourceReferences: [(SourceID, SourceLocation)] = []

    mutating func count(_ grade: Grade, _ times: Int = 1) { factCounts[grade, default: 0] += times }
  }

  private func read(_ documents: [String: YAMLNode], into state: inout State) {
    func root(_ name: String, keys: [String]) -> YAMLMap? {
      guard let node = documents[name] else { return nil }
      guard let map = node.map(keys: ["schema_version"] + keys, context: name) else { return nil }
      map.checkSchemaVersion(highest: Self.highestSchemaVersion)
      return map
    }
    if let map = root("sources.yaml", keys: ["sources"]) { readSources(map, &state) }
    for name in documents.keys.sorted() where name.hasPrefix("catalog-") {
      if let map = root(name, keys: ["catalog", "items"]) { readCatalog(map, &state) }
    }
    if let map = root("reference-segments.yaml", keys: ["segments"]) {
      readReferenceSegments(map, &state)
    }
    if let map = root(
      "lexicon.yaml",
      keys: ["weights", "exclude", "name_suffixes", "side_markers", "segments"]
    ) {
      readLexicon(map, &state)
    }
    if let map = root("instruments.yaml", keys: ["instruments"]) { readInstruments(map, &state) }
    if let map = root("substitution.yaml", keys: ["levels", "profiles"]) {
      readSubstitution(map, &state)
    }
    for name in documents.keys.sorted() where name.hasPrefix("concordance-") {
      if let map = root(name, keys: ["scheme", "codes"]) { readCodes(map, &state) }
    }
    if let map = root("registry.yaml", keys: ["companies"]) { readRegistry(map, &state) }
    if let map = root("strategic.yaml", keys: ["mentions"]) { readMentions(map, &state) }
    if let map = root("parameters.yaml", keys: ParameterKeys.all) {
      state.parameters = readParameters(map, editions: Set(state.catalogs.keys))
      state.count(.assumption, ParameterKeys.all.count)
    }
    for name in documents.keys.sorted()
    where !Self.requiredFiles.contains(name)
      && !Self.filePrefixes.contains(where: { name.hasPrefix($0) })
    {
      diagnostics.warning(
        "file is not part of the model and was ignored",
        at: SourceLocation(file: displayPath(name), line: 1, column: 1)
      )
    }
    checkReferences(&state)
  }

  // MARK: - Facts

  /// Reads `verification`/`assumption` and `sources` into a fact.
  ///
  /// A missing verification inherits `inherited`; without either it is an error.
  func readFact(
    _ map: YAMLMap,
    inheriting inherited: Fact? = nil,
    state: inout State
  )
    -> Fact
  {
    var sources = map.strings("sources").map(SourceID.init(rawValue:))
    for source in sources { state.sourceReferences.append((source, map.location(of: "sources"))) }
    let note = map.string("note")
    if map.bool("assumption") == true {
      return Fact(grade: .assumption, sources: sources, note: note)
    }
    if let verification = map.choice("verification", as: Verification.self) {
      if sources.isEmpty, verification != .recalled, let inherited { sources = inherited.sources }
      if sources.isEmpty && verification != .recalled {
        diagnostics.error(
          "a \(verification.rawValue) fact in \(map.context) must name its sources",
          at: map.location
        )
      }
      return Fact(grade: .verified(verification), sources: sources, note: note)
    }
    if let inherited {
      return Fact(
        grade: inherited.grade,
        sources: sources.isEmpty ? inherited.sources : sources,
        note: note ?? inherited.note
      )
    }
    if !map.has("verification") {
      diagnostics.error(
        "missing 'verification' in \(map.context): every fact is graded primary, secondary or recalled, or marked 'assumption: true'",
        at: map.location
      )
    }
    return Fact(grade: .verified(.recalled), sources: sources, note: note)
  }

  // MARK: - Sources

  private func readSources(_ map: YAMLMap, _ state: inout State) {
    let keys = [
      "id", "kind", "issuer", "title_zh", "title_en", "date", "edition", "url", "note", "file",
    ]
    for entry in map.maps("sources", keys: keys) {
      guard let id = entry.string("id", required: true) else { continue }
      let kind = entry.choice("kind", as: SourceDocument.Kind.self, required: true) ?? .secondary
      if state.sources[SourceID(id)] != nil {
        diagnostics.error("duplicate source id '\(id)'", at: entry.location(of: "id"))
      }
      if entry.string("title_zh") == nil && entry.string("title_en") == nil {
        diagnostics.error("source '\(id)' needs a title_zh or title_en", at: entry.location)
      }
      state.sources[SourceID(id)] = SourceDocument(
        id: SourceID(id),
        kind: kind,
        issuer: entry.string("issuer"),
        titleZH: entry.string("title_zh"),
        titleEN: entry.string("title_en"),
        date: entry.day("date"),
        edition: entry.string("edition"),
        url: entry.string("url") ?? entry.string("file"),
        note: entry.string("note")
      )
    }
  }

  // MARK: - Catalogues and segments

  private static let segmentKeys = [
    "id", "zh", "en", "domain", "verification", "sources", "note", "assumption",
  ]

  private func readCatalog(_ map: YAMLMap, _ state: inout State) {
    let headerKeys = [
      "id", "edition", "document", "effective", "repealed", "counts", "counts_verification",
      "counts_sources", "counts_note",
    ]
    guard let header = map.map("catalog", keys: headerKeys, required: true),
      let edition = header.string("edition", required: true),
      let effective = header.day("effective", required: true)
    else { return }
    let document = SourceID(header.string("document", required: true) ?? "")
    state.sourceReferences.append((document, header.location(of: "document")))
    var counts: [Category: Int] = [:]
    if let countMap = header.map("counts", keys: Category.allCases.map(\.rawValue)) {
      for category in Category.allCases {
        if let value = countMap.number(category.rawValue, in: 0...1000) {
          counts[category] = Int(value)
        }
      }
    }
    let countsFact = Fact(
      grade: .verified(header.choice("counts_verification", as: Verification.self) ?? .recalled),
      sources: header.strings("counts_sources").map(SourceID.init(rawValue:)),
      note: header.string("counts_note")
    )
    state.count(countsFact.grade)
    var catalog = Catalog(
      id: header.string("id", required: true) ?? edition,
      edition: edition,
      document: document,
      effective: effective,
      repealed: header.day("repealed"),
      items: [],
      declaredCounts: counts,
      countsFact: countsFact
    )
    if state.catalogs[edition] != nil {
      diagnostics.error(
        "a second catalogue for edition \(edition)",
        at: header.location(of: "edition")
      )
    }
    let itemKeys = [
      "id", "category", "subtype", "zh", "en", "verification", "sources", "text_basis", "note",
      "deadline", "segments",
    ]
    var actual: [Category: Int] = [:]
    for entry in map.maps("items", keys: itemKeys) {
      guard let id = entry.string("id", required: true),
        let category = entry.choice("category", as: Category.self, required: true)
      else { continue }
      if category == .allowed {
        diagnostics.error(
          "'allowed' is the unlisted class; an item cannot be in it",
          at: entry.location(of: "category")
        )
      }
      let itemID = ItemID(id)
      if state.itemIDs.contains(itemID) {
        diagnostics.error("duplicate item id '\(id)'", at: entry.location(of: "id"))
      }
      state.itemIDs.insert(itemID)
      let fact = readFact(entry, state: &state)
      state.count(fact.grade)
      let subtype = entry.string("subtype")
      if subtype != "cross-section" { actual[category, default: 0] += 1 }
      var item = CatalogItem(
        id: itemID,
        category: category,
        subtype: subtype,
        textZH: entry.string("zh", required: true) ?? "",
        textEN: entry.string("en", required: true) ?? "",
        fact: fact,
        deadline: entry.day("deadline"),
        segments: [],
        location: entry.location
      )
      for segmentEntry in entry.maps("segments", keys: Self.segmentKeys) {
        guard
          let segmentID = segmentEntry.string("id", required: true).map(SegmentID.init(rawValue:))
        else {
          continue
        }
        if segmentEntry.has("zh") || segmentEntry.has("en") || segmentEntry.has("domain") {
          define(segmentEntry, id: segmentID, reference: nil, &state)
        } else {
          state.references.append((segmentID, segmentEntry.location))
        }
        if catalog.itemBySegment[segmentID] != nil {
          diagnostics.error(
            "segment '\(segmentID)' is listed by two items of edition \(edition)",
            at: segmentEntry.location
          )
        }
        catalog.itemBySegment[segmentID] = item
        let classification = readFact(segmentEntry, inheriting: fact, state: &state)
        if segmentEntry.has("verification") { state.count(classification.grade) }
        catalog.factBySegment[segmentID] = classification
        item.segments.append(segmentID)
      }
      for segmentID in item.segments { catalog.itemBySegment[segmentID] = item }
      catalog.items.append(item)
    }
    for category in [Category.encouraged, .restricted, .eliminated]
    where counts[category] != nil && counts[category] != actual[category, default: 0] {
      diagnostics.error(
        "edition \(edition) declares \(counts[category] ?? 0) \(category.rawValue) items but lists \(actual[category, default: 0])",
        at: header.location(of: "counts")
      )
    }
    state.catalogs[edition] = catalog
  }

  private func define(_ entry: YAMLMap, id: SegmentID, reference: Fact?, _ state: inout State) {
    if let existing = state.segments[id] {
      diagnostics.error(
        "segment '\(id)' is defined twice (first at \(existing.location))",
        at: entry.location(of: "id")
      )
      return
    }
    guard let domain = entry.choice("domain", as: Domain.self, required: true) else { return }
    state.segments[id] = Segment(
      id: id,
      nameZH: entry.string("zh", required: true) ?? "",
      nameEN: entry.string("en", required: true) ?? "",
      domain: domain,
      location: entry.location,
      reference: reference,
      note: entry.string("note")
    )
  }

  private func readReferenceSegments(_ map: YAMLMap, _ state: inout State) {
    for entry in map.maps("segments", keys: Self.segmentKeys) {
      guard let id = entry.string("id", required: true).map(SegmentID.init(rawValue:)) else {
        continue
      }
      let fact = readFact(entry, state: &state)
      state.count(fact.grade)
      define(entry, id: id, reference: fact, &state)
    }
  }

  // MARK: - Lexicon

  private func readLexicon(_ map: YAMLMap, _ state: inout State) {
    var weights: [String: Double] = ["strong": 3, "terms": 2, "weak": 1]
    if let weightMap = map.map("weights", keys: ["strong", "terms", "weak"]) {
      for key in weights.keys.sorted() {
        if let value = weightMap.number(key, in: 0...100) { weights[key] = value }
      }
    }
    state.lexiconWeights = weights
    state.lexiconExclusions = map.strings("exclude")
    state.nameSuffixes = map.strings("name_suffixes")
    state.sideMarkers = map.strings("side_markers")
    guard let pairs = map["segments"]?.pairs else {
      diagnostics.error("missing 'segments' mapping in lexicon.yaml", at: map.location)
      return
    }
    for (keyNode, valueNode) in pairs {
      let id = SegmentID(keyNode.scalar ?? "")
      state.references.append((id, keyNode.location))
      guard
        let entry = valueNode.map(
          keys: ["general", "strong", "terms", "areas", "weak", "negative"],
          context: "lexicon entry '\(id)'"
        )
      else { continue }
      var terms: [Lexicon.Term] = []
      var seen: Set<String> = []
      for level in ["strong", "terms", "areas", "weak"] {
        for text in entry.strings(level) {
          let folded = text.lowercased()
          if folded.isEmpty || !seen.insert(folded).inserted {
            diagnostics.warning(
              "term '\(text)' of '\(id)' is empty or repeated",
              at: entry.location(of: level)
            )
            continue
          }
          // Areas weigh as ordinary terms.
          terms.append(
            Lexicon.Term(
              text: text,
              weight: weights[level == "areas" ? "terms" : level] ?? 1,
              leads: level != "areas"
            )
          )
        }
      }
      state.lexicon[id] = Lexicon.Entry(
        terms: terms,
        negative: entry.strings("negative"),
        isGeneral: entry.bool("general") ?? false
      )
    }
  }

  // MARK: - Instruments

  static let instrumentKeys = [
    "id", "name_zh", "name_en", "type", "verification", "assumption", "sources", "parameters",
    "valid", "note", "effects", "uncertainty",
  ]

  private func readInstruments(_ map: YAMLMap, _ state: inout State) {
    var seen: Set<InstrumentID> = []
    for entry in map.maps("instruments", keys: Self.instrumentKeys) {
      guard let instrument = readInstrument(entry, &state) else { continue }
      if !seen.insert(instrument.id).inserted {
        diagnostics.error(
          "duplicate instrument id '\(instrument.id)'",
          at: entry.location(of: "id")
        )
      }
      state.instruments.append(instrument)
    }
  }

  /// One instrument entry; its segment, item and source references are left
  /// in `state` for the caller to check.
  func readInstrument(_ entry: YAMLMap, _ state: inout State) -> SupportInstrument? {
    guard let id = entry.string("id", required: true).map(InstrumentID.init(rawValue:)) else {
      return nil
    }
    let fact = readFact(entry, state: &state)
    state.count(fact.grade)
    var windows: [ValidityWindow] = []
    for window in entry.maps("valid", keys: ["from", "to"]) {
      guard let from = window.day("from", required: true) else { continue }
      let to = window.day("to")
      if let to, to < from {
        diagnostics.error("validity window ends before it starts", at: window.location(of: "to"))
      }
      windows.append(ValidityWindow(from: from, to: to))
    }
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
      state.count(.assumption)
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

  private func readSelector(_ map: YAMLMap, _ state: inout State) -> SegmentSelector {
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

  private func readSubstitution(_ map: YAMLMap, _ state: inout State) {
    let levelKeys = [
      "id", "kind", "value", "verification", "sources", "basis", "assumption", "note",
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
      state.count(fact.grade)
      state.levels[id] = SubstitutionLevel(
        id: id,
        kind: kind,
        value: value,
        fact: fact,
        basis: entry.string("basis", required: true) ?? ""
      )
    }
    for entry in map.maps("profiles", keys: ["segment", "import_share", "push", "note"]) {
      guard let segment = entry.string("segment", required: true).map(SegmentID.init(rawValue:))
      else {
        continue
      }
      state.references.append((segment, entry.location(of: "segment")))
      let importShare = level(entry, "import_share", kind: .importShare, state)
      let push = level(entry, "push", kind: .push, state)
      guard let importShare, let push else { continue }
      if state.profiles[segment] != nil {
        diagnostics.error(
          "segment '\(segment)' has two profiles",
          at: entry.location(of: "segment")
        )
      }
      state.profiles[segment] = SubstitutionProfile(
        segment: segment,
        importShare: importShare,
        push: push,
        note: entry.string("note")
      )
    }
  }

  private func level(
    _ entry: YAMLMap,
    _ key: String,
    kind: SubstitutionLevel.Kind,
    _ state: State
  ) -> SubstitutionLevel? {
    guard let name = entry.string(key, required: true) else { return nil }
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

  // MARK: - Industry codes

  /// One concordance file: its scheme and the scheme's codes.
  private func readCodes(_ map: YAMLMap, _ state: inout State) {
    guard let schemeMap = map.map("scheme", keys: ["id", "name", "prefixes"], required: true),
      let scheme = schemeMap.string("id", required: true)
    else { return }
    if state.schemes.contains(where: { $0.id == scheme }) {
      diagnostics.error("scheme '\(scheme)' is defined twice", at: schemeMap.location(of: "id"))
    }
    state.schemes.append(
      IndustryCodeScheme(
        id: scheme,
        name: schemeMap.string("name", required: true) ?? scheme,
        prefixes: schemeMap.strings("prefixes")
      )
    )
    let keys = ["code", "name", "verification", "sources", "note", "default", "candidates"]
    for entry in map.maps("codes", keys: keys) {
      guard let code = entry.string("code", required: true),
        let defaultSegment = entry.string("default", required: true).map(SegmentID.init(rawValue:))
      else { continue }
      let fact = readFact(entry, state: &state)
      state.count(fact.grade)
      let candidates = entry.strings("candidates").map(SegmentID.init(rawValue:))
      state.references.append((defaultSegment, entry.location(of: "default")))
      for candidate in candidates {
        state.references.append((candidate, entry.location(of: "candidates")))
      }
      let industryCode = IndustryCode(
        scheme: scheme,
        code: code,
        name: entry.string("name"),
        fact: fact,
        defaultSegment: defaultSegment,
        candidates: candidates
      )
      if state.codes[industryCode.key] != nil {
        diagnostics.error("duplicate code '\(industryCode.key)'", at: entry.location(of: "code"))
      }
      state.codes[industryCode.key] = industryCode
    }
  }

  // MARK: - Company registry

  private func readRegistry(_ map: YAMLMap, _ state: inout State) {
    let keys = ["tickers", "name", "segments", "verification", "sources", "note"]
    for entry in map.maps("companies", keys: keys) {
      guard let name = entry.string("name", required: true) else { continue }
      let tickers = entry.strings("tickers").map { Ticker($0) }
      if tickers.isEmpty {
        diagnostics.error("company '\(name)' lists no tickers", at: entry.location)
      }
      for ticker in tickers where ticker.problem != nil {
        diagnostics.error(
          "ticker '\(ticker.input)' of '\(name)': \(ticker.problem ?? "")",
          at: entry.location(of: "tickers")
        )
      }
      var segments: [SegmentShare] = []
      for (keyNode, valueNode) in entry["segments"]?.pairs ?? [] {
        let id = SegmentID(keyNode.scalar ?? "")
        state.references.append((id, keyNode.location))
        guard let share = valueNode.scalar.flatMap(Double.init), share > 0, share <= 1 else {
          diagnostics.error(
            "share of '\(id)' must be a number in (0, 1]",
            at: valueNode.location
          )
          continue
        }
        segments.append(SegmentShare(segment: id, share: share))
      }
      let total = segments.reduce(0) { $0 + $1.share }
      if segments.isEmpty {
        diagnostics.error("company '\(name)' names no segments", at: entry.location)
      } else if abs(total - 1) > 0.005 {
        diagnostics.error(
          "shares of '\(name)' sum to \(total), not 1",
          at: entry.location(of: "segments")
        )
      }
      let fact = readFact(entry, state: &state)
      state.count(fact.grade)
      let company = RegisteredCompany(
        name: name,
        tickers: tickers.map(\.canonical),
        segments: segments.sorted { ($0.share, $1.segment) > ($1.share, $0.segment) },
        fact: fact
      )
      for ticker in company.tickers {
        if state.registry[ticker] != nil {
          diagnostics.error(
            "ticker '\(ticker)' is registered twice",
            at: entry.location(of: "tickers")
          )
        }
        state.registry[ticker] = company
      }
    }
  }

  // MARK: - Strategic mentions

  private func readMentions(_ map: YAMLMap, _ state: inout State) {
    let keys = ["document", "verification", "sources", "basis", "segments", "note"]
    for entry in map.maps("mentions", keys: keys) {
      guard let document = entry.string("document", required: true).map(SourceID.init(rawValue:))
      else {
        continue
      }
      state.sourceReferences.append((document, entry.location(of: "document")))
      let fact = readFact(entry, state: &state)
      state.count(fact.grade)
      let segments = entry.strings("segments").map(SegmentID.init(rawValue:))
      for segment in segments { state.references.append((segment, entry.location(of: "segments"))) }
      state.mentions.append(
        StrategicMention(
          document: document,
          fact: fact,
          segments: segments,
          basis: entry.string("basis", required: true) ?? ""
        )
      )
    }
  }

  // MARK: - Parameters

  private enum ParameterKeys {
    static let all = [
      "default_edition", "category_values", "priority_bonus", "weights", "tiers", "origin",
      "china_revenue_share", "mapping", "opportunity_gap",
    ]
  }

  private func readParameters(_ map: YAMLMap, editions: Set<String>) -> ModelParameters? {
    let edition = map.string("default_edition", required: true) ?? "2024"
    if !editions.contains(edition) {
      diagnostics.error(
        "default_edition '\(edition)' has no catalogue\(Suggestion.hint(for: edition, in: editions))",
        at: map.location(of: "default_edition")
      )
    }
    var values: [Category: Double] = [:]
    if let valueMap = map.map(
      "category_values",
      keys: Category.allCases.map(\.rawValue),
      required: true
    ) {
      for category in Category.allCases {
        values[category] = valueMap.number(category.rawValue, in: 0...100, required: true) ?? 50
      }
    }
    let bonus = map.map("priority_bonus", keys: ["per_document", "max"], required: true)
    let weightMap = map.map(
      "weights",
      keys: ["encouraged", "financial", "substitution"],
      required: true
    )
    let weights = ModelParameters.Weights(
      encouraged: weightMap?.number("encouraged", in: 0...1, required: true) ?? 0,
      financial: weightMap?.number("financial", in: 0...1, required: true) ?? 0,
      substitution: weightMap?.number("substitution", in: 0...1, required: true) ?? 0
    )
    if let weightMap, abs(weights.sum - 1) > 1e-9, !diagnostics.hasErrors {
      diagnostics.error(
        "weights sum to \(weights.sum), not 1",
        at: weightMap.location
      )
    }
    var tiers: [ModelParameters.TierBand] = []
    for tier in map.maps("tiers", keys: ["name", "min"]) {
      guard let name = tier.string("name", required: true),
        let minimum = tier.number("min", in: 0...100, required: true)
      else { continue }
      if let last = tiers.last, minimum >= last.minimum {
        diagnostics.error("tiers must be listed from the highest minimum down", at: tier.location)
      }
      tiers.append(ModelParameters.TierBand(name: name, minimum: minimum))
    }
    if tiers.last?.minimum != 0 {
      diagnostics.error(
        "the last tier must have min 0 so that every composite has a tier",
        at: map.location(of: "tiers")
      )
    }
    var byMarket: [String: Origin] = [:]
    let originMap = map.map("origin", keys: ["by_market", "default"], required: true)
    for (key, value) in originMap?["by_market"]?.pairs ?? [] {
      if let origin = value.scalar.flatMap(Origin.init(rawValue:)), let market = key.scalar {
        byMarket[market] = origin
      } else {
        diagnostics.error("origin must be domestic or foreign", at: value.location)
      }
    }
    let shareMap = map.map("china_revenue_share", keys: ["domestic", "foreign"], required: true)
    let mapping = map.map(
      "mapping",
      keys: [
        "keep_ratio", "min_text_score", "code_bonus", "extra_term_weight", "lead_bonus",
        "review_below",
        "confidence",
      ],
      required: true
    )
    let confidence = mapping?.map(
      "confidence",
      keys: [
        "explicit", "decision", "registry", "code_and_text", "code_only", "text_floor",
        "text_ceiling",
      ],
      required: true
    )
    let gap = map.map("opportunity_gap", keys: ["min_composite", "limit"], required: true)
    return ModelParameters(
      defaultEdition: edition,
      categoryValues: values,
      bonusPerDocument: bonus?.number("per_document", in: 0...100, required: true) ?? 0,
      bonusMaximum: bonus?.number("max", in: 0...100, required: true) ?? 0,
      weights: weights,
      tiers: tiers,
      originByMarket: byMarket,
      defaultOrigin: originMap?.choice("default", as: Origin.self, required: true) ?? .foreign,
      chinaShare: [
        .domestic: shareMap?.number("domestic", in: 0...1, required: true) ?? 1,
        .foreign: shareMap?.number("foreign", in: 0...1, required: true) ?? 0,
      ],
      keepRatio: mapping?.number("keep_ratio", in: 0...1, required: true) ?? 0.5,
      minimumTextScore: mapping?.number("min_text_score", in: 0...100, required: true) ?? 1,
      confidence: ModelParameters.MappingConfidence(
        explicit: confidence?.number("explicit", in: 0...1, required: true) ?? 1,
        decision: confidence?.number("decision", in: 0...1, required: true) ?? 1,
        registry: confidence?.number("registry", in: 0...1, required: true) ?? 0.9,
        codeAndText: confidence?.number("code_and_text", in: 0...1, required: true) ?? 0.8,
        codeOnly: confidence?.number("code_only", in: 0...1, required: true) ?? 0.5,
        textFloor: confidence?.number("text_floor", in: 0...1, required: true) ?? 0.4,
        textCeiling: confidence?.number("text_ceiling", in: 0...1, required: true) ?? 0.9
      ),
      reviewBelow: mapping?.number("review_below", in: 0...1, required: true) ?? 0.7,
      codeBonus: mapping?.number("code_bonus", in: 0...100, required: true) ?? 2,
      extraTermWeight: mapping?.number("extra_term_weight", in: 0...1, required: true) ?? 0.5,
      leadBonus: mapping?.number("lead_bonus", in: 0...100, required: true) ?? 0,
      gapMinimumComposite: gap?.number("min_composite", in: 0...100, required: true) ?? 70,
      gapLimit: Int(gap?.number("limit", in: 0...1000, required: true) ?? 15)
    )
  }

  // MARK: - Cross-references

  private func checkReferences(_ state: inout State) {
    checkReferences(
      state,
      segments: Set(state.segments.keys),
      items: state.itemIDs,
      sources: Set(state.sources.keys)
    )
    for id in state.segments.keys.sorted() where state.lexicon[id] == nil {
      if let segment = state.segments[id] {
        diagnostics.warning(
          "segment '\(id)' has no lexicon entry, so text never maps to it",
          at: segment.location
        )
      }
    }
  }

  /// Reports every reference in `state` to a segment, item or source not in
  /// the given sets, with the nearest id as a suggestion.
  func checkReferences(
    _ state: State,
    segments: Set<SegmentID>,
    items: Set<ItemID>,
    sources: Set<SourceID>
  ) {
    let segmentNames = segments.map(\.rawValue)
    for (id, location) in state.references where !segments.contains(id) {
      diagnostics.error(
        "unknown segment '\(id)'\(Suggestion.hint(for: id.rawValue, in: segmentNames))",
        at: location
      )
    }
    let itemNames = items.map(\.rawValue)
    for (id, location) in state.itemReferences where !items.contains(id) {
      diagnostics.error(
        "unknown item '\(id)'\(Suggestion.hint(for: id.rawValue, in: itemNames))",
        at: location
      )
    }
    let sourceNames = sources.map(\.rawValue)
    for (id, location) in state.sourceReferences where !sources.contains(id) {
      diagnostics.error(
        "unknown source '\(id)'\(Suggestion.hint(for: id.rawValue, in: sourceNames))",
        at: location
      )
    }
  }
}

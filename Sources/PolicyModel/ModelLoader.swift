import Foundation
import PolicyScoreCore
import Yams

/// Reads `Models/`, decoding each file into domain types and collecting every
/// problem, each with file, line and column, before deciding to fail.
struct ModelLoader {
  static let highestSchemaVersion = 1
  static let requiredFiles = [
    "sources.yaml", "reference-segments.yaml", "lexicon.yaml", "instruments.yaml",
    "substitution.yaml", "registry.yaml", "strategic.yaml", "parameters.yaml", "universe.yaml",
  ]
  /// Files read by prefix: every catalogue edition, every code scheme and
  /// the registry's continuations.
  static let filePrefixes = ["catalog-", "concordance-", "registry-"]

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
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".csv") }.sorted()
    var hasher = SHA256()
    var contents: [Data] = []
    for name in names {
      let url = directory.appendingPathComponent(name)
      guard let data = fileManager.contents(atPath: url.path) else {
        throw .missingFile(url.path)
      }
      hasher.update(Array(name.utf8) + [0] + Array(data) + [0])
      contents.append(data)
    }
    // The files parsed on every core, each YAML file with its own
    // diagnostics, which are then reported in the files' order.
    let parsed = Parallel.each(names.count) { index -> Parsed in
      let file = displayPath(names[index])
      if names[index].hasSuffix(".csv") {
        return .table(CSVTable(bytes: Array(contents[index]), file: file))
      }
      let own = DiagnosticCollector()
      guard let text = String(data: contents[index], encoding: .utf8) else {
        own.error("not UTF-8 text", at: SourceLocation(file: file, line: 1, column: 1))
        return .document(nil, own.diagnostics)
      }
      return .document(YAMLNode.parse(text, file: file, diagnostics: own)?.node, own.diagnostics)
    }
    var documents: [String: YAMLNode] = [:]
    var state = State()
    for (name, parsed) in zip(names, parsed) {
      switch parsed {
      case .table(let table):
        state.tables[name] = table
      case .document(let node, let found):
        for diagnostic in found { diagnostics.emit(diagnostic) }
        if let node {
          documents[name] = YAMLNode(node: node, file: displayPath(name), diagnostics: diagnostics)
        }
      }
    }
    state.contentHash = hasher.finalizeHex()
    read(documents, into: &state)
    // What the files were parsed into, tens of thousands of nodes and cells,
    // freed on another thread: it took 3–4 ms of the start on this one.
    var tables: [String: CSVTable] = [:]
    swap(&tables, &state.tables)
    Parallel.letGo(unshared: (consume documents, consume parsed, consume contents, consume tables))
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
      universe: state.universe,
      lexicon: Lexicon(
        entries: state.lexicon,
        exclusions: state.lexiconExclusions,
        nameSuffixes: state.nameSuffixes,
        sideMarkers: state.sideMarkers,
        customerMarkers: state.customerMarkers,
        negatesNext: state.negatesNext,
        negatesPrevious: state.negatesPrevious,
        words: state.words,
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

  /// A file of the folder, parsed.
  private enum Parsed {
    case document(Node?, [Diagnostic])
    case table(CSVTable)
  }

  /// The file's full path: the command line shows it as the user can open
  /// it from the current folder.
  func displayPath(_ name: String) -> String {
    directory.appendingPathComponent(name).standardizedFileURL.path
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
    /// The CSV files of the folder by name, for the universe to read.
    var tables: [String: CSVTable] = [:]
    var universeFiles: Set<String> = []
    var universe = Universe(namePrefixes: [], nameSuffixes: [])
    var lexicon: [SegmentID: Lexicon.Entry] = [:]
    var lexiconExclusions: [String] = []
    var lexiconWeights: [String: Double] = [:]
    var nameSuffixes: [String] = []
    var sideMarkers: [String] = []
    var customerMarkers: [String] = []
    var negatesNext: [String] = []
    var negatesPrevious: [String] = []
    var words: [String] = []
    var mentions: [StrategicMention] = []
    var parameters: ModelParameters?
    var factCounts: [FactKind: [Grade: Int]] = [:]
    /// Segment references to check once every segment is defined.
    var references: [(SegmentID, SourceLocation)] = []
    var itemIDs: Set<ItemID> = []
    var itemReferences: [(ItemID, SourceLocation)] = []
    var sourceReferences: [(SourceID, SourceLocation)] = []

    mutating func count(_ grade: Grade, _ kind: FactKind, _ times: Int = 1) {
      factCounts[kind, default: [:]][grade, default: 0] += times
    }
  }

  func read(_ documents: [String: YAMLNode], into state: inout State) {
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
    // "Allowed" in an edition is a classification too, one per segment the
    // edition leaves out.
    for catalog in state.catalogs.values {
      for segment in state.segments.values where catalog.item(listing: segment.id) == nil {
        state.count(catalog.classification(of: segment).grade, .classification)
      }
    }
    if let map = root(
      "lexicon.yaml",
      keys: [
        "weights", "exclude", "name_suffixes", "side_markers", "customer_markers", "negators",
        "words", "segments",
      ]
    ) {
      readLexicon(map, &state)
    }
    // The universe's listing files, which need only the lexicon's name
    // suffixes, are read on one core while the other reads the files up to
    // the registry; what each found is then taken in the files' order.
    let (tables, nameSuffixes) = (state.tables, state.nameSuffixes)
    var listingFiles = Parallel.each(2) { task -> ListingFiles? in
      guard task == 1 else {
        return readListingFiles(
          documents["universe.yaml"],
          tables: tables,
          nameSuffixes: nameSuffixes
        )
      }
      if let map = root("instruments.yaml", keys: ["instruments"]) {
        readInstruments(map, &state)
      }
      if let map = root("substitution.yaml", keys: ["levels", "profiles"]) {
        readSubstitution(map, &state)
      }
      for name in documents.keys.sorted() where name.hasPrefix("concordance-") {
        if let map = root(name, keys: ["scheme", "codes"]) { readCodes(map, &state) }
      }
      for name in ["registry.yaml"] + documents.keys.sorted().filter({ $0.hasPrefix("registry-") })
      {
        if let map = root(name, keys: ["companies"]) { readRegistry(map, &state) }
      }
      return nil
    }
    if let files = listingFiles.removeFirst() { add(files, to: &state) }
    if let map = root("strategic.yaml", keys: ["mentions"]) { readMentions(map, &state) }
    if let map = root("parameters.yaml", keys: ParameterKeys.all) {
      state.parameters = readParameters(map)
      state.count(.assumption, .parameter, ParameterKeys.all.count)
    }
    for name in (Array(documents.keys) + Array(state.tables.keys)).sorted()
    where !Self.requiredFiles.contains(name) && !state.universeFiles.contains(name)
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

  func readSources(_ map: YAMLMap, _ state: inout State) {
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

  // MARK: - Cross-references

  func checkReferences(_ state: inout State) {
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

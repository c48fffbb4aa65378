import Foundation
import PolicyScoreCore

enum UniverseKeys {
  static let all = ["files", "healthcare", "name_prefixes", "name_suffixes"]
}

/// The universe of listings: the listing files, the healthcare rule, and the
/// registry's companies, which are listings too.
extension ModelLoader {
  /// What `universe.yaml` and its listing files give, read on a core of
  /// their own while the other files are read: the universe before the
  /// registry's companies join it, the facts it counted and the sources it
  /// named, and its diagnostics in the order they were found.
  struct ListingFiles {
    var universe: Universe?
    var state: State
    var diagnostics: [Diagnostic]
  }

  /// Reads `universe.yaml` and its listing files from `tables`, with
  /// diagnostics of their own; the lexicon's `nameSuffixes` end names too.
  func readListingFiles(
    _ document: YAMLNode?,
    tables: [String: CSVTable],
    nameSuffixes: [String]
  ) -> ListingFiles? {
    guard let document else { return nil }
    let own = DiagnosticCollector()
    let loader = ModelLoader(directory: directory, diagnostics: own)
    var state = State()
    (state.tables, state.nameSuffixes) = (tables, nameSuffixes)
    let node = YAMLNode(node: document.node, file: document.file, diagnostics: own)
    var universe: Universe?
    if let map = node.map(keys: ["schema_version"] + UniverseKeys.all, context: "universe.yaml") {
      map.checkSchemaVersion(highest: Self.highestSchemaVersion)
      universe = loader.readListings(map, &state)
    }
    return ListingFiles(universe: universe, state: state, diagnostics: own.diagnostics)
  }

  private func readListings(_ map: YAMLMap, _ state: inout State) -> Universe {
    var universe = Universe(
      namePrefixes: map.strings("name_prefixes"),
      nameSuffixes: state.nameSuffixes + map.strings("name_suffixes")
    )
    // A few tags, compared as short strings rather than hashed.
    var tags: [String] = []
    var divisions: [String] = []
    if let rule = map.map(
      "healthcare",
      keys: ["tags", "csrc", "verification", "sources", "note"],
      required: true
    ) {
      tags = rule.strings("tags")
      divisions = rule.strings("csrc")
      state.count(readFact(rule, state: &state).grade, .listing)
    }
    let keys = ["file", "verification", "sources", "note"]
    for entry in map.maps("files", keys: keys) {
      guard let name = entry.string("file", required: true) else { continue }
      let fact = readFact(entry, state: &state)
      state.universeFiles.insert(name)
      guard let table = state.tables[name] else {
        diagnostics.error("listing file '\(name)' is not in the model folder", at: entry.location)
        continue
      }
      for column in ["ticker", "name_zh"] where table.column(column) == nil {
        diagnostics.error(
          "no column '\(column)'",
          at: SourceLocation(file: displayPath(name), line: 1, column: 1)
        )
      }
      // Each header looked up once, not once per listing.
      let ticker = table.column("ticker")
      let tagColumn = table.column("industry_tushare") ?? table.column("industry")
      let (csrc, same) = (table.column("industry_csrc"), table.column("same_as"))
      let (nameZH, nameEN) = (table.column("name_zh"), table.column("name_en"))
      let fullNameZH = table.column("full_name_zh")
      // The listings made on every core, then added in the file's order.
      let made = Parallel.map(table.records.count, minimum: 1024) { index -> Listing? in
        let record = table.records[index]
        let symbol = Ticker(table.cell(record, ticker))
        guard !symbol.canonical.isEmpty, symbol.problem == nil else { return nil }
        let tag = table.cell(record, tagColumn)
        let division = table.cell(record, csrc)
        // The division's code: its leading ASCII letters and digits.
        let code = String(
          decoding: division.utf8.prefix { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
              || (0x61...0x7A).contains(byte)
          },
          as: UTF8.self
        )
        var codes: [String] = []
        if !tag.isEmpty { codes.append("TS:\(tag)") }
        if !code.isEmpty { codes.append("CSRC:\(code)") }
        return Listing(
          ticker: symbol.canonical,
          nameZH: table.cell(record, nameZH),
          nameEN: table.cell(record, nameEN),
          fullNameZH: table.cell(record, fullNameZH),
          codes: codes,
          industry: tag.isEmpty || division.isEmpty ? tag + division : "\(tag); \(division)",
          isHealthcare: tags.contains(tag)
            || divisions.contains { !code.isEmpty && code.hasPrefix($0) },
          sameCompany: table.cell(record, same).split(separator: " ").map {
            Ticker(String($0)).canonical
          },
          fact: fact
        )
      }
      for (record, listing) in zip(table.records, made) where listing == nil {
        let input = Ticker(table.cell(record, ticker)).input
        diagnostics.error("'\(input)' is not a ticker", at: table.location(record, ticker))
      }
      let listings = made.compactMap { $0 }
      universe.add(contentsOf: listings)
      if !listings.isEmpty { state.count(fact.grade, .listing, listings.count) }
    }
    return universe
  }

  /// Adds what the listing files gave to `state`, after the files read
  /// before them, and the registry's companies to the universe.
  func add(_ files: consuming ListingFiles, to state: inout State) {
    for diagnostic in files.diagnostics { diagnostics.emit(diagnostic) }
    state.universeFiles.formUnion(files.state.universeFiles)
    state.sourceReferences += files.state.sourceReferences
    for (kind, grades) in files.state.factCounts {
      for (grade, count) in grades { state.count(grade, kind, count) }
    }
    // Taken out, not shared: adding to a shared universe would copy it.
    guard var universe = files.universe.take() else { return }
    // A registered company is a healthcare listing under each of its
    // tickers, known to the universe even when no listing file has it.
    var companies: [String: RegisteredCompany] = [:]
    for company in state.registry.values { companies[company.tickers[0]] = company }
    for company in companies.keys.sorted().compactMap({ companies[$0] }) {
      let names = Self.splitName(company.name)
      for ticker in company.tickers where universe.listing(ticker: ticker) == nil {
        universe.add(
          Listing(
            ticker: ticker,
            nameZH: names.zh,
            nameEN: names.en,
            fullNameZH: "",
            codes: [],
            industry: "healthcare (company registry)",
            isHealthcare: true,
            sameCompany: company.tickers.filter { $0 != ticker },
            fact: company.fact
          )
        )
      }
    }
    state.universe = universe
  }

  /// `迈瑞医疗 Mindray` → (`迈瑞医疗`, `Mindray`): a registry name is the
  /// Chinese name, then the English one.
  static func splitName(_ name: String) -> (zh: String, en: String) {
    let words = name.split(separator: " ")
    let chinese = words.prefix { $0.unicodeScalars.contains { $0.value >= 0x3400 } }
    return (
      chinese.joined(separator: " "),
      words.dropFirst(chinese.count).joined(separator: " ")
    )
  }
}

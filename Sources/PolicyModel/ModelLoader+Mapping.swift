import Foundation
import PolicyScoreCore

/// What the mapper reads: the lexicon, the industry-code concordances and the company registry.
extension ModelLoader {
  // MARK: - Lexicon

  func readLexicon(_ map: YAMLMap, _ state: inout State) {
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
    state.customerMarkers = map.strings("customer_markers")
    if let negators = map.map("negators", keys: ["before", "after"]) {
      state.negatesNext = negators.strings("before")
      state.negatesPrevious = negators.strings("after")
    }
    state.words = map.strings("words")
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

  // MARK: - Industry codes

  /// One concordance file: its scheme and the scheme's codes.
  func readCodes(_ map: YAMLMap, _ state: inout State) {
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
      state.count(fact.grade, .code)
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

  func readRegistry(_ map: YAMLMap, _ state: inout State) {
    let keys = [
      "tickers", "name", "segments", "verification", "assumption", "sources", "note",
      "made_in_china",
    ]
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
      state.count(fact.grade, .company)
      let company = RegisteredCompany(
        name: name,
        tickers: tickers.map(\.canonical),
        segments: segments.sorted { ($0.share, $1.segment) > ($1.share, $0.segment) },
        fact: fact,
        madeInChina: entry.bool("made_in_china")
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
}

import Foundation
public import PolicyModel
public import PolicyScoreCore
public import PortfolioImport

/// Maps holdings to segments.
///
/// It depends on the model's segments, lexicon and
/// codes only, not on weights or scenarios, so one mapping serves every run.
///
/// Methods in priority order: the file's explicit split; the analyst's saved
/// decision; the company registry; industry codes, with the text choosing
/// among the code's candidate segments; keywords in the holding's name and
/// description. A holding none of them maps is unmapped, with the reason.
///
/// A class: the closures of the mapping capture it, and capturing a class
/// costs one reference count where a struct's copy costs one per field.
public final class Mapper: Sendable {
  let segmentIDs: [SegmentID]
  let segmentIndex: [SegmentID: Int]
  /// Each segment's place among the ids in text order, by segment index:
  /// ties between segments are broken by id without comparing strings.
  let idOrder: [Int]
  let domains: [SegmentID: Domain]
  /// Each segment's domain as a bit, by segment index (0 for none).
  let domainBits: [UInt64]
  /// The domains a customer is in (services, distribution and retail), as
  /// bits: named after `销往`, they are who buys.
  let customerDomains: UInt64
  /// Whether each segment, by index, is its domain's general one.
  let isGeneral: [Bool]
  let matcher: TextMatcher
  /// The matcher's words by pattern number, shared by every evidence.
  let words: TermWords
  let codes: [String: IndustryCode]
  let schemes: [IndustryCodeScheme]
  let registry: [String: RegisteredCompany]
  let universe: Universe
  let decisions: [String: MappingDecision]
  /// Legal-form suffixes as lowercased UTF-8, longest first, so that
  /// `股份有限公司` goes before `有限公司`.
  let nameSuffixes: [[UInt8]]
  /// Whether a suffix ends with the byte, in either case: most names end
  /// with none of them, and are passed by one look-up.
  let nameSuffixEnds: [Bool]
  let parameters: ModelParameters
  let strongWeight: Double
  let termWeight: Double

  /// The segment index of an exclusion term's role: it rules out every segment.
  static let everySegment = -1

  /// A mapper for `model`.
  ///
  /// - Parameters:
  ///   - model: the segments, lexicon, codes and registry.
  ///   - decisions: the analyst's saved decisions, oldest first; the latest
  ///     for a ticker wins.
  ///   - useRegistry: false to map registered companies by codes and text
  ///     like any other (the evaluation does, to measure those methods).
  ///   - useUniverse: false to leave holdings unidentified, so that only
  ///     their own codes and text speak.
  public init(
    model: ModelBundle,
    decisions: [MappingDecision] = [],
    useRegistry: Bool = true,
    useUniverse: Bool = true
  ) {
    segmentIDs = model.segmentIDs
    var index: [SegmentID: Int] = [:]
    for (position, id) in segmentIDs.enumerated() { index[id] = position }
    segmentIndex = index
    let ids = model.segmentIDs
    var idOrder = [Int](repeating: 0, count: ids.count)
    for (place, position) in ids.indices.sorted(by: { ids[$0].rawValue < ids[$1].rawValue })
      .enumerated()
    {
      idOrder[position] = place
    }
    self.idOrder = idOrder
    var terms: [(text: String, role: TextMatcher.Role)] = []
    var containingWords = model.lexicon.words
    for id in model.segmentIDs {
      guard let entry = model.lexicon.entries[id], let position = index[id] else { continue }
      for term in entry.terms {
        terms.append(
          (
            term.text,
            TextMatcher.Role(
              segment: position,
              weight: term.weight,
              isNegative: false,
              leads: term.leads
            )
          )
        )
      }
      for negative in entry.negative {
        // A negative that holds one of the segment's own terms (兽用疫苗
        // holds 疫苗) takes that term out where it stands, as a longer word
        // does; elsewhere in the text the term still counts (人用狂犬疫苗).
        // One that holds none rules the segment out.
        let folded = negative.lowercased()
        if entry.terms.contains(where: { folded.contains($0.text.lowercased()) }) {
          containingWords.append(negative)
        } else {
          terms.append((negative, TextMatcher.Role(segment: position, weight: 0, isNegative: true)))
        }
      }
    }
    for exclusion in model.lexicon.exclusions {
      terms.append(
        (exclusion, TextMatcher.Role(segment: Self.everySegment, weight: 0, isNegative: true))
      )
    }
    let lexicon = model.lexicon
    matcher = TextMatcher(
      terms: terms,
      sideMarkers: lexicon.sideMarkers,
      markers: lexicon.customerMarkers.map { ($0, .customer) }
        + lexicon.negatesNext.map { ($0, .negatesNext) }
        + lexicon.negatesPrevious.map { ($0, .negatesPrevious) }
        + containingWords.map { ($0, .word) }
    )
    self.words = TermWords(matcher.patterns.map(\.text))
    domains = model.segments.mapValues(\.domain)
    domainBits = segmentIDs.map { id in
      model.segments[id].flatMap { Domain.allCases.firstIndex(of: $0.domain) }.map {
        UInt64(1) << UInt64($0)
      } ?? 0
    }
    isGeneral = segmentIDs.map { model.lexicon.entries[$0]?.isGeneral ?? false }
    customerDomains = [Domain.healthcareServices, .distributionRetail].reduce(0) { bits, domain in
      bits | (Domain.allCases.firstIndex(of: domain).map { UInt64(1) << UInt64($0) } ?? 0)
    }
    codes = model.codes
    schemes = model.schemes
    registry = useRegistry ? model.registry : [:]
    universe = useUniverse ? model.universe : Universe(namePrefixes: [], nameSuffixes: [])
    var latest: [String: MappingDecision] = [:]
    for decision in decisions { latest[decision.ticker] = decision }
    self.decisions = latest
    nameSuffixes = model.lexicon.nameSuffixes.map { Array($0.lowercased().utf8) }
      .sorted { $0.count > $1.count }
    var ends = [Bool](repeating: false, count: 256)
    for last in nameSuffixes.compactMap(\.last) {
      ends[Int(last)] = true
      if last >= 0x61 && last <= 0x7A { ends[Int(last) - 0x20] = true }
    }
    nameSuffixEnds = ends
    parameters = model.parameters
    strongWeight = model.lexicon.strongWeight
    termWeight = model.lexicon.termWeight
  }

  /// The decisions in force, by canonical ticker.
  public var decisionsByTicker: [String: MappingDecision] { decisions }

  /// The domain of `segment`, or nil for an unknown one.
  public func domain(of segment: SegmentID) -> Domain? { domains[segment] }

  /// Text evidence for one segment: its total weight and the terms that matched.
  struct TextScore {
    var score: Double = 0
    /// The matched words, as pattern numbers.
    var terms = TermList()
    private(set) var strongest = 0.0
    /// Where the text first names the segment by an ordinary or strong term.
    private(set) var first = Int.max
    /// Named before every other segment: the text's lead business.
    var isLead = false

    /// Adds a term's weight; `at` is its first offset, nil for a weak term.
    mutating func add(_ term: Int, _ weight: Double, at position: Int?) {
      score += weight
      strongest = max(strongest, weight)
      terms.append(term)
      if let position { first = min(first, position) }
    }

    /// From the sum of weights to the strongest plus `extraWeight` of the rest.
    mutating func settle(extraWeight: Double) {
      score = strongest + extraWeight * (score - strongest)
    }
  }

  /// What the text says: scores per segment index (segments ruled out by a
  /// negative term absent), the exclusion term that rules out all, and the
  /// terms side clauses held, which count for nothing.
  struct TextEvidence {
    var scores = SegmentScores()
    var exclusion: String?
    var sideTerms: [(at: Int, marker: String, term: String)] = []
    /// Services and channels named as customers: `销往` `医院`.
    var customerTerms: [(at: Int, marker: String, term: String)] = []

    /// For the evidence, in the text's order: `; not counted after '另有': '医药流通'`.
    var sideNote: String {
      if sideTerms.isEmpty && customerTerms.isEmpty { return "" }
      let customers = customerTerms.sorted { $0.at < $1.at }
      let customerNote =
        customers.isEmpty
        ? ""
        : "; customers, not the business: "
          + customers.map { "'\($0.marker)' '\($0.term)'" }.joined(separator: ", ")
      let inOrder = sideTerms.sorted { $0.at < $1.at }
      var markers: [String] = []
      for (_, marker, _) in inOrder where !markers.contains(marker) { markers.append(marker) }
      return markers.map { marker in
        let terms = inOrder.filter { $0.marker == marker }.map { "'\($0.term)'" }
        return "; not counted after '\(marker)': \(terms.joined(separator: ", "))"
      }.joined() + customerNote
    }
  }

  /// Every holding's outcome, in order, the holdings split across the cores.
  public func map(_ holdings: [Holding]) -> [MappingOutcome] {
    Parallel.map(holdings.count, state: { CodeCache() }) { codes, index in
      // Read on another core, the holdings are loaded some rows ahead.
      Holding.prefetch(holdings, at: index + 8)
      return map(holdings[index], codes: &codes)
    }
  }

  public func map(_ holding: Holding) -> MappingOutcome {
    var codes = CodeCache()
    return map(holding, codes: &codes)
  }

  /// Industry-code tokens already resolved by one core.
  ///
  /// A portfolio repeats a few hundred codes across all its holdings.
  /// Bounded, for files whose every row has a code of its own.
  struct CodeCache {
    private var resolved: [String: ResolvedCode?] = [:]

    mutating func code(_ token: String, resolve: (String) -> ResolvedCode?) -> ResolvedCode? {
      if let known = resolved[token] { return known }
      let code = resolve(token)
      if resolved.count < 4096 { resolved[token] = code }
      return code
    }
  }

  func map(_ holding: Holding, codes cache: inout CodeCache) -> MappingOutcome {
    if let split = holding.split {
      return .mapped(
        Mapping(
          method: .explicit,
          confidence: parameters.confidence.explicit,
          segments: sorted(
            split.map {
              MappedSegment(
                segment: $0.segment,
                share: $0.share,
                place: segmentIndex[$0.segment],
                evidence: "split given in the file: \(percent($0.share))"
              )
            }
          )
        )
      )
    }
    let identity = identify(holding)
    let listing = identity.listing
    // Most runs have no decisions: no ticker is hashed to find none.
    if !decisions.isEmpty,
      let decision = decisions[holding.ticker.canonical]
        ?? listing.flatMap({ decisions[$0.ticker] })
    {
      return apply(decision, to: holding)
    }
    let identified = identity.note
    let conflict = nameConflict(holding, identity)
    let company = registry[holding.ticker.canonical] ?? listing.flatMap({ registry[$0.ticker] })
    if let company, company.fact.grade != .assumption {
      var mapping = registryMapping(company, identified, confidence: parameters.confidence.registry)
      mapping.borderline = conflict
      return .mapped(mapping)
    }
    let evidence = textEvidence(for: holding)
    // The text names a healthcare business it would map by on its own: a
    // listing classified outside healthcare is then borderline, not out of
    // scope.
    let namesBusiness = evidence.scores.contains {
      $0.value.score >= parameters.minimumTextScore
    }
    // An entry we are not sure of is a prior: the text decides when it
    // names a business, the entry when it is silent.
    if let company, !namesBusiness {
      var mapping = registryMapping(company, identified, confidence: parameters.confidence.codeOnly)
      mapping.borderline = conflict
      return .mapped(mapping)
    }
    var borderline = conflict
    if let listing, !listing.isHealthcare, borderline == nil {
      guard namesBusiness else {
        return .outOfScope(
          reason: "\(identity.description): listed under \(listing.industry), outside healthcare"
        )
      }
      borderline =
        "listed under \(listing.industry), outside healthcare, but the text names a healthcare business"
    }
    // An exclusion word puts a company outside healthcare whatever else its
    // text says, unless its listing is classified in healthcare.
    if let exclusion = evidence.exclusion, borderline == nil {
      guard listing?.isHealthcare == true else {
        return .outOfScope(
          reason: "the text says '\(exclusion)', which puts the company outside healthcare"
        )
      }
      borderline = "the text says '\(exclusion)', but the listing is classified in healthcare"
    }
    if case .ambiguous(let listings) = identity {
      borderline =
        "the name matches \(listings.count) listings (\(listings.prefix(3).map { "\($0.ticker) \($0.displayName)" }.joined(separator: ", "))); none chosen"
    }
    let scores = evidence.scores
    let tokens = holding.industryCodes.isEmpty ? listing?.codes ?? [] : holding.industryCodes
    let (resolved, unresolved) = resolveCodes(tokens, cache: &cache)
    let note =
      (unresolved.isEmpty
        ? ""
        : "; code \(unresolved.map { "'\($0)'" }.joined(separator: ", ")) not in the concordance")
      + evidence.sideNote
    var mapping: Mapping?
    if !resolved.isEmpty {
      mapping = mapByCodes(
        resolved,
        scores: scores,
        identified: identified,
        note: note,
        listedAs: holding.industryCodes.isEmpty
      )
    } else {
      mapping = mapByText(scores, identified: identified, note: note)
    }
    if var mapping {
      if let borderline { mapping.borderline = mapping.borderline ?? borderline }
      return .mapped(mapping)
    }
    let best = scores.first
    if let best, best.value.score > 0 {
      return .unmapped(
        reason:
          "\(identified)text matched only weak terms (\(words.quoted(best.value.terms)) for \(segmentIDs[best.key]); score \(format(best.value.score)) below \(format(parameters.minimumTextScore)))\(note)"
      )
    }
    let codesPart = tokens.isEmpty ? "no industry code" : "no known industry code"
    let nameless = borderline.map { "; \($0)" } ?? ""
    return .unmapped(
      reason:
        "\(identified)\(codesPart), and no segment keyword in the name or description\(note)\(nameless)"
    )
  }

  /// `name` without its legal-form suffixes: `恒瑞医药股份有限公司` → `恒瑞医药`.
  public func coreName(_ name: String) -> String {
    var trimmed = name
    if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
      first.isWhite || last.isWhite
    {
      trimmed = name.trimmingCharacters(in: .whitespaces)
    }
    // Suffixes compare with ASCII letters folded; Chinese has no case.
    func endsWith(_ suffix: [UInt8], _ core: UnsafeBufferPointer<UInt8>) -> Bool {
      guard core.count > suffix.count else { return false }
      let start = core.count - suffix.count
      for index in suffix.indices {
        var byte = core[start + index]
        if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
        if byte != suffix[index] { return false }
      }
      return true
    }
    // Most names have no legal form to strip: they are not copied.
    var text = trimmed
    guard
      text.withUTF8({ bytes in
        bytes.last.map { nameSuffixEnds[Int($0)] } == true
          && nameSuffixes.contains { endsWith($0, bytes) }
      })
    else {
      return trimmed
    }
    var core = Array(trimmed.utf8)
    var changed = true
    while changed {
      changed = false
      for suffix in nameSuffixes where core.withUnsafeBufferPointer({ endsWith(suffix, $0) }) {
        core.removeLast(suffix.count)
        while let last = core.last, last == 0x20 || last == 0x2C { core.removeLast() }
        while let first = core.first, first == 0x20 || first == 0x2C { core.removeFirst() }
        changed = true
        break
      }
    }
    return core.count == name.utf8.count ? name : String(decoding: core, as: UTF8.self)
  }

  /// By share, highest first, ties by id; in place, as a mapping's
  /// segments are made for it.
  func sorted(_ segments: consuming [MappedSegment]) -> [MappedSegment] {
    if segments.count > 1 {
      segments.sort { $0.share != $1.share ? $0.share > $1.share : $0.segment < $1.segment }
    }
    return segments
  }
}

extension Unicode.Scalar {
  /// Unicode's White_Space, as `properties.isWhitespace`, without the
  /// property lookup: every holding's name is tested at both ends.
  var isWhite: Bool {
    switch value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
      0x3000:
      true
    default: false
    }
  }
}

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
  private let segmentIDs: [SegmentID]
  private let segmentIndex: [SegmentID: Int]
  private let domains: [SegmentID: Domain]
  /// Each segment's domain as a bit, by segment index (0 for none).
  private let domainBits: [UInt64]
  /// Whether each segment, by index, is its domain's general one.
  private let isGeneral: [Bool]
  private let matcher: TextMatcher
  private let codes: [String: IndustryCode]
  private let schemes: [IndustryCodeScheme]
  private let registry: [String: RegisteredCompany]
  private let decisions: [String: MappingDecision]
  /// Legal-form suffixes as lowercased UTF-8, longest first, so that
  /// `股份有限公司` goes before `有限公司`.
  private let nameSuffixes: [[UInt8]]
  private let parameters: ModelParameters
  private let strongWeight: Double
  private let termWeight: Double

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
  public init(model: ModelBundle, decisions: [MappingDecision] = [], useRegistry: Bool = true) {
    segmentIDs = model.segmentIDs
    var index: [SegmentID: Int] = [:]
    for (position, id) in segmentIDs.enumerated() { index[id] = position }
    segmentIndex = index
    var terms: [(text: String, role: TextMatcher.Role)] = []
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
        terms.append((negative, TextMatcher.Role(segment: position, weight: 0, isNegative: true)))
      }
    }
    for exclusion in model.lexicon.exclusions {
      terms.append(
        (exclusion, TextMatcher.Role(segment: Self.everySegment, weight: 0, isNegative: true))
      )
    }
    matcher = TextMatcher(terms: terms, sideMarkers: model.lexicon.sideMarkers)
    domains = model.segments.mapValues(\.domain)
    domainBits = segmentIDs.map { id in
      model.segments[id].flatMap { Domain.allCases.firstIndex(of: $0.domain) }.map {
        UInt64(1) << UInt64($0)
      } ?? 0
    }
    isGeneral = segmentIDs.map { model.lexicon.entries[$0]?.isGeneral ?? false }
    codes = model.codes
    schemes = model.schemes
    registry = useRegistry ? model.registry : [:]
    var latest: [String: MappingDecision] = [:]
    for decision in decisions { latest[decision.ticker] = decision }
    self.decisions = latest
    nameSuffixes = model.lexicon.nameSuffixes.map { Array($0.lowercased().utf8) }
      .sorted { $0.count > $1.count }
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
    var terms: [String] = []
    private(set) var strongest = 0.0
    /// Where the text first names the segment by an ordinary or strong term.
    private(set) var first = Int.max
    /// Named before every other segment: the text's lead business.
    var isLead = false

    /// Adds a term's weight; `at` is its first offset, nil for a weak term.
    mutating func add(_ term: String, _ weight: Double, at position: Int?) {
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
    var scores: [Int: TextScore] = [:]
    var exclusion: String?
    var sideTerms: [(at: Int, marker: String, term: String)] = []

    /// For the evidence, in the text's order: `; not counted after '另有': '医药流通'`.
    var sideNote: String {
      let inOrder = sideTerms.sorted { $0.at < $1.at }
      var markers: [String] = []
      for (_, marker, _) in inOrder where !markers.contains(marker) { markers.append(marker) }
      return markers.map { marker in
        let terms = inOrder.filter { $0.marker == marker }.map { "'\($0.term)'" }
        return "; not counted after '\(marker)': \(terms.joined(separator: ", "))"
      }.joined()
    }
  }

  /// Every holding's outcome, in order, the holdings split across the cores.
  public func map(_ holdings: [Holding]) -> [MappingOutcome] {
    Parallel.chunks(holdings.count) { range in
      var codes = CodeCache()
      return range.map { map(holdings[$0], codes: &codes) }
    }.flatMap { $0 }
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
    private var resolved: [String: IndustryCode?] = [:]

    mutating func code(_ token: String, resolve: (String) -> IndustryCode?) -> IndustryCode? {
      if let known = resolved[token] { return known }
      let code = resolve(token)
      if resolved.count < 4096 { resolved[token] = code }
      return code
    }
  }

  private func map(_ holding: Holding, codes cache: inout CodeCache) -> MappingOutcome {
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
                evidence: "split given in the file: \(percent($0.share))"
              )
            }
          )
        )
      )
    }
    if let decision = decisions[holding.ticker.canonical] {
      return apply(decision, to: holding)
    }
    if let company = registry[holding.ticker.canonical] {
      let note = company.fact.note.map { ": \($0)" } ?? ""
      return .mapped(
        Mapping(
          method: .registry,
          confidence: parameters.confidence.registry,
          segments: company.segments.map {
            MappedSegment(
              segment: $0.segment,
              share: $0.share,
              evidence:
                "registry: \(company.name), \(percent($0.share)) (\(company.fact.grade))\(note)"
            )
          }
        )
      )
    }
    let evidence = textEvidence(coreName(holding.name) + "\n" + holding.description)
    if let exclusion = evidence.exclusion {
      return .unmapped(
        reason: "the text says '\(exclusion)', which puts the company outside healthcare"
      )
    }
    let scores = evidence.scores
    let (resolved, unresolved) = resolveCodes(holding.industryCodes, cache: &cache)
    let note =
      (unresolved.isEmpty
        ? ""
        : "; code \(unresolved.map { "'\($0)'" }.joined(separator: ", ")) not in the concordance")
      + evidence.sideNote
    if !resolved.isEmpty {
      return .mapped(mapByCodes(resolved, scores: scores, note: note))
    }
    if let mapping = mapByText(scores, note: note) { return .mapped(mapping) }
    // Ties by id, as everywhere: a dictionary's order changes from run to run.
    let best = Self.ranked(scores, ids: segmentIDs).first
    if let best, best.value.score > 0 {
      return .unmapped(
        reason:
          "text matched only weak terms (\(quoted(best.value.terms)) for \(segmentIDs[best.key]); score \(format(best.value.score)) below \(format(parameters.minimumTextScore)))\(note)"
      )
    }
    let codesPart = holding.industryCodes.isEmpty ? "no industry code" : "no known industry code"
    return .unmapped(
      reason: "\(codesPart), and no segment keyword in the name or description\(note)"
    )
  }

  /// The fingerprint of a holding's description that a decision keeps, to
  /// notice when the description changes.
  public static func descriptionFingerprint(_ holding: Holding) -> String {
    var description = holding.description
    // Foundation's trimming only when an end is white: it goes through NSString.
    let white = CharacterSet.whitespacesAndNewlines
    if let first = description.unicodeScalars.first, let last = description.unicodeScalars.last,
      white.contains(first) || white.contains(last)
    {
      description = description.trimmingCharacters(in: white)
    }
    var hasher = SHA256()
    hasher.update(description.utf8)
    return hasher.finalizeHex()
  }

  private func apply(_ decision: MappingDecision, to holding: Holding) -> MappingOutcome {
    let by =
      "decision \(decision.action.rawValue) by \(decision.decidedBy) on \(decision.decidedAt.prefix(10))"
    let why = decision.reason.isEmpty ? "" : ": \(decision.reason)"
    if decision.action == .reject || decision.segments.isEmpty {
      return .unmapped(reason: "\(by)\(why)")
    }
    let stale =
      decision.descriptionFingerprint.isEmpty
        || decision.descriptionFingerprint == Self.descriptionFingerprint(holding)
      ? nil : "the description changed since the \(by); re-review"
    return .mapped(
      Mapping(
        method: .decision,
        confidence: parameters.confidence.decision,
        segments: sorted(
          decision.segments.map {
            MappedSegment(segment: $0.segment, share: $0.share, evidence: "\(by)\(why)")
          }
        ),
        borderline: stale
      )
    )
  }

  /// `name` without its legal-form suffixes: `恒瑞医药股份有限公司` → `恒瑞医药`.
  public func coreName(_ name: String) -> String {
    var core = Array(name.utf8)
    if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
      first.properties.isWhitespace || last.properties.isWhitespace
    {
      core = Array(name.trimmingCharacters(in: .whitespaces).utf8)
    }
    // Suffixes compare with ASCII letters folded; Chinese has no case.
    func endsWith(_ suffix: [UInt8]) -> Bool {
      guard core.count > suffix.count else { return false }
      let start = core.count - suffix.count
      for index in suffix.indices {
        var byte = core[start + index]
        if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
        if byte != suffix[index] { return false }
      }
      return true
    }
    var changed = true
    while changed {
      changed = false
      for suffix in nameSuffixes where endsWith(suffix) {
        core.removeLast(suffix.count)
        while let last = core.last, last == 0x20 || last == 0x2C { core.removeLast() }
        while let first = core.first, first == 0x20 || first == 0x2C { core.removeFirst() }
        changed = true
        break
      }
    }
    return core.count == name.utf8.count ? name : String(decoding: core, as: UTF8.self)
  }

  /// What `text` says about segments; see `TextEvidence`.
  func textEvidence(_ text: String) -> TextEvidence {
    var evidence = TextEvidence()
    var excluded: Set<Int> = []
    for match in matcher.matches(in: text) {
      let pattern = matcher.patterns[match.pattern]
      if let marker = match.sideMarker {
        evidence.sideTerms.append((match.first, matcher.patterns[marker].text, pattern.text))
        continue
      }
      for role in pattern.roles {
        if role.segment == Self.everySegment {
          evidence.exclusion = evidence.exclusion ?? pattern.text
        } else if role.isNegative {
          excluded.insert(role.segment)
        } else {
          evidence.scores[role.segment, default: TextScore()].add(
            pattern.text,
            role.weight,
            at: role.weight >= termWeight && role.leads ? match.first : nil
          )
        }
      }
    }
    for segment in excluded { evidence.scores[segment] = nil }
    preferSpecific(&evidence.scores)
    let lead = evidence.scores.values.lazy.map(\.first).min() ?? Int.max
    for segment in evidence.scores.keys {
      evidence.scores[segment]?.settle(extraWeight: parameters.extraTermWeight)
      if lead < Int.max && evidence.scores[segment]?.first == lead {
        evidence.scores[segment]?.score += parameters.leadBonus
        evidence.scores[segment]?.isLead = true
      }
    }
    return evidence
  }

  /// The specific beats the generic: a domain's general segment named only by
  /// ordinary or weak words yields to a segment of its domain named by a
  /// strong word ('体外诊断' yields to '化学发光', but '化学药' stands beside
  /// '创新药': generics and new drugs are two businesses); anywhere, a segment
  /// named only by weak words yields to any named by more.
  private func preferSpecific(_ scores: inout [Int: TextScore]) {
    // Domains as bits: no set, no string hashing per holding.
    var strongDomains: UInt64 = 0
    var anyOrdinary = false
    for (segment, score) in scores {
      if score.strongest >= strongWeight { strongDomains |= domainBits[segment] }
      if score.strongest >= termWeight { anyOrdinary = true }
    }
    let yielding = scores.compactMap { segment, score -> Int? in
      let inStrongDomain = domainBits[segment] & strongDomains != 0
      return (score.strongest < strongWeight && inStrongDomain && isGeneral[segment])
        || (score.strongest < termWeight && anyOrdinary) ? segment : nil
    }
    for segment in yielding { scores[segment] = nil }
  }

  private func mapByText(_ scores: [Int: TextScore], note: String) -> Mapping? {
    let ranked = Self.ranked(scores, ids: segmentIDs)
    guard let best = ranked.first, best.value.score >= parameters.minimumTextScore else {
      return nil
    }
    let kept = ranked.filter { $0.value.score >= best.value.score * parameters.keepRatio }
    let runnerUp = ranked.dropFirst().first?.value.score ?? 0
    let margin = (best.value.score - runnerUp) / best.value.score
    let confidence =
      parameters.confidence.textFloor
      + (parameters.confidence.textCeiling - parameters.confidence.textFloor) * margin
    let total = kept.reduce(0) { $0 + $1.value.score }
    return Mapping(
      method: .text,
      confidence: confidence,
      segments: sorted(
        kept.map {
          MappedSegment(
            segment: segmentIDs[$0.key],
            share: $0.value.score / total,
            evidence:
              "text: \(quoted($0.value.terms)) (score \(format($0.value.score))\($0.value.isLead ? ", named first" : ""))\(note)"
          )
        }
      )
    )
  }

  /// The industry code narrows the domain and the text picks the segment.
  ///
  /// A segment the code allows gets `codeBonus` when the text names it, and
  /// is kept whatever its score when named by a strong term; one outside the
  /// code must be named by a strong term and reach `minimumTextScore` on its
  /// own: a word as plain as 'hospital' or '抗体' does not overrule the code.
  /// When the best segment is outside the code, the mapping is borderline.
  private func mapByCodes(
    _ resolved: [IndustryCode],
    scores: [Int: TextScore],
    note: String
  )
    -> Mapping
  {
    var allowed: Set<Int> = []
    for code in resolved {
      for id in code.candidates + [code.defaultSegment] {
        if let position = segmentIndex[id] { allowed.insert(position) }
      }
    }
    let codeList = resolved.map { "\($0.key)" + ($0.name.map { " \($0)" } ?? "") }
      .joined(separator: ", ")
    var combined: [Int: TextScore] = [:]
    for (segment, text) in scores {
      if allowed.contains(segment) {
        var boosted = text
        boosted.score += parameters.codeBonus
        combined[segment] = boosted
      } else if text.score >= parameters.minimumTextScore && text.strongest >= strongWeight {
        combined[segment] = text
      }
    }
    let ranked = Self.ranked(combined, ids: segmentIDs)
    guard let best = ranked.first else {
      var defaults: [SegmentID] = []
      for code in resolved where !defaults.contains(code.defaultSegment) {
        defaults.append(code.defaultSegment)
      }
      return Mapping(
        method: .industryCode,
        confidence: parameters.confidence.codeOnly,
        segments: sorted(
          defaults.map {
            MappedSegment(
              segment: $0,
              share: 1 / Double(defaults.count),
              evidence:
                "code \(codeList); default segment, the text names none of the code's segments\(note)"
            )
          }
        )
      )
    }
    let agrees = allowed.contains(best.key)
    // A segment the code allows and the text names by a strong term (the
    // activity itself: 直线加速器) is a line of business however many words
    // the main one gets; the keep ratio drops only passing mentions.
    let kept = ranked.filter {
      $0.value.score >= best.value.score * parameters.keepRatio
        || (allowed.contains($0.key) && $0.value.strongest >= strongWeight)
    }
    let total = kept.reduce(0) { $0 + $1.value.score }
    return Mapping(
      method: .industryCode,
      confidence: agrees ? parameters.confidence.codeAndText : parameters.confidence.codeOnly,
      segments: sorted(
        kept.map {
          MappedSegment(
            segment: segmentIDs[$0.key],
            share: $0.value.score / total,
            evidence: allowed.contains($0.key)
              ? "code \(codeList); text chose: \(quoted($0.value.terms))\(lead($0.value))\(note)"
              : "text: \(quoted($0.value.terms))\(lead($0.value)), outside the segments of code \(codeList)\(note)"
          )
        }
      ),
      borderline: agrees
        ? nil
        : "code \(codeList) and text disagree: the text points to \(segmentIDs[best.key]) (\(quoted(best.value.terms)))"
    )
  }

  /// Codes from the concordance, and the tokens that matched none.
  private func resolveCodes(
    _ tokens: [String],
    cache: inout CodeCache
  ) -> ([IndustryCode], [String]) {
    var resolved: [IndustryCode] = []
    var unresolved: [String] = []
    for token in tokens {
      if let code = cache.code(token, resolve: resolve) {
        if !resolved.contains(code) { resolved.append(code) }
      } else {
        unresolved.append(token)
      }
    }
    return (resolved, unresolved)
  }

  private func resolve(_ token: String) -> IndustryCode? {
    let separators: Set<Character> = [":", "：", "="]
    if let split = token.firstIndex(where: { separators.contains($0) }) {
      let prefix = token[..<split].trimmingCharacters(in: .whitespaces).uppercased()
      let code = token[token.index(after: split)...].trimmingCharacters(in: .whitespaces)
      guard
        let scheme = schemes.first(where: {
          $0.prefixes.map { $0.uppercased() }.contains(prefix) || $0.id.uppercased() == prefix
        })
      else { return nil }
      return codes["\(scheme.id):\(code)"] ?? codes["\(scheme.id):\(stripRoman(code))"]
    }
    for scheme in schemes {
      if let code = codes["\(scheme.id):\(token)"] ?? codes["\(scheme.id):\(stripRoman(token))"] {
        return code
      }
    }
    return nil
  }

  /// Shenwan level names carry Roman-numeral level marks: `中药Ⅱ` → `中药`.
  private func stripRoman(_ text: String) -> String {
    String(text.filter { !"ⅠⅡⅢ".contains($0) }).trimmingCharacters(in: .whitespaces)
  }

  /// Segments by score, highest first, ties by id.
  private static func ranked(
    _ scores: [Int: TextScore],
    ids: [SegmentID]
  ) -> [(key: Int, value: TextScore)] {
    scores.sorted {
      ($0.value.score, ids[$1.key].rawValue) > ($1.value.score, ids[$0.key].rawValue)
    }
  }

  private func sorted(_ segments: [MappedSegment]) -> [MappedSegment] {
    segments.sorted { ($0.share, $1.segment.rawValue) > ($1.share, $0.segment.rawValue) }
  }

  private func lead(_ score: TextScore) -> String { score.isLead ? " (named first)" : "" }

  private func quoted(_ terms: [String]) -> String {
    terms.map { "'\($0)'" }.joined(separator: ", ")
  }
}

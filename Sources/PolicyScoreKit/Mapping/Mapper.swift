import Foundation

/// Maps holdings to segments.
///
/// It depends on the model's segments, lexicon and
/// codes only, not on weights or scenarios, so one mapping serves every run.
///
/// Methods in priority order: the file's explicit split; industry codes, with
/// the text choosing among the code's candidate segments; keywords in the
/// holding's name and description. A holding none of them maps is unmapped,
/// with the reason.
public struct Mapper: Sendable {
  private let segmentIDs: [SegmentID]
  private let segmentIndex: [SegmentID: Int]
  private let matcher: TextMatcher
  private let codes: [String: IndustryCode]
  private let schemes: [IndustryCodeScheme]
  private let parameters: ModelParameters

  public init(model: ModelBundle) {
    segmentIDs = model.segmentIDs
    var index: [SegmentID: Int] = [:]
    for (position, id) in segmentIDs.enumerated() { index[id] = position }
    segmentIndex = index
    var terms: [(text: String, role: TextMatcher.Role)] = []
    for id in model.segmentIDs {
      guard let entry = model.lexicon.entries[id], let position = index[id] else { continue }
      for term in entry.terms {
        terms.append(
          (term.text, TextMatcher.Role(segment: position, weight: term.weight, isNegative: false))
        )
      }
      for negative in entry.negative {
        terms.append((negative, TextMatcher.Role(segment: position, weight: 0, isNegative: true)))
      }
    }
    matcher = TextMatcher(terms: terms)
    codes = model.codes
    schemes = model.schemes
    parameters = model.parameters
  }

  /// Text evidence for one segment: its total weight and the terms that matched.
  struct TextScore {
    var score: Double = 0
    var terms: [String] = []
  }

  public func map(_ holding: Holding) -> MappingOutcome {
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
    let text = holding.name + "\n" + holding.description
    let scores = textScores(text)
    let (resolved, unresolved) = resolveCodes(holding.industryCodes)
    let unresolvedNote =
      unresolved.isEmpty
      ? "" : "; code \(unresolved.map { "'\($0)'" }.joined(separator: ", ")) not in the concordance"
    if !resolved.isEmpty {
      return .mapped(mapByCodes(resolved, scores: scores, note: unresolvedNote))
    }
    if let mapping = mapByText(scores, note: unresolvedNote) { return .mapped(mapping) }
    let best = scores.max { $0.value.score < $1.value.score }
    if let best, best.value.score > 0 {
      return .unmapped(
        reason:
          "text matched only weak terms (\(quoted(best.value.terms)) for \(segmentIDs[best.key]); score \(format(best.value.score)) below \(format(parameters.minimumTextScore)))\(unresolvedNote)"
      )
    }
    let codesPart = holding.industryCodes.isEmpty ? "no industry code" : "no known industry code"
    return .unmapped(
      reason: "\(codesPart), and no segment keyword in the name or description\(unresolvedNote)"
    )
  }

  /// Scores per segment index; segments ruled out by a negative term are absent.
  func textScores(_ text: String) -> [Int: TextScore] {
    var scores: [Int: TextScore] = [:]
    var excluded: Set<Int> = []
    for patternIndex in matcher.matches(in: text) {
      let pattern = matcher.patterns[patternIndex]
      for role in pattern.roles {
        if role.isNegative {
          excluded.insert(role.segment)
        } else {
          scores[role.segment, default: TextScore()].score += role.weight
          scores[role.segment, default: TextScore()].terms.append(pattern.text)
        }
      }
    }
    for segment in excluded { scores[segment] = nil }
    return scores
  }

  private func mapByText(_ scores: [Int: TextScore], note: String) -> Mapping? {
    let ranked = scores.sorted {
      ($0.value.score, segmentIDs[$1.key].rawValue) > ($1.value.score, segmentIDs[$0.key].rawValue)
    }
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
            evidence: "text: \(quoted($0.value.terms)) (score \(format($0.value.score)))\(note)"
          )
        }
      )
    )
  }

  private func mapByCodes(
    _ resolved: [IndustryCode],
    scores: [Int: TextScore],
    note: String
  )
    -> Mapping
  {
    var candidates: Set<Int> = []
    for code in resolved {
      for id in code.candidates + [code.defaultSegment] {
        if let position = segmentIndex[id] { candidates.insert(position) }
      }
    }
    let codeList = resolved.map { "\($0.key)" + ($0.name.map { " \($0)" } ?? "") }
      .joined(separator: ", ")
    let inside = scores.filter { candidates.contains($0.key) }
    let outside = scores.filter {
      !candidates.contains($0.key) && $0.value.score >= parameters.minimumTextScore
    }
    .sorted {
      ($0.value.score, segmentIDs[$1.key].rawValue) > ($1.value.score, segmentIDs[$0.key].rawValue)
    }
    let outsideNote =
      outside.first.map {
        "; text also points to \(segmentIDs[$0.key]) (\(quoted($0.value.terms))), outside the code's segments"
      } ?? ""
    if let best = inside.values.map(\.score).max(), best > 0 {
      let kept = inside.filter { $0.value.score >= best * parameters.keepRatio }
      let total = kept.values.reduce(0) { $0 + $1.score }
      return Mapping(
        method: .industryCode,
        confidence: parameters.confidence.codeAndText,
        segments: sorted(
          kept.map {
            MappedSegment(
              segment: segmentIDs[$0.key],
              share: $0.value.score / total,
              evidence:
                "code \(codeList); text chose: \(quoted($0.value.terms))\(outsideNote)\(note)"
            )
          }
        )
      )
    }
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
              "code \(codeList); default segment, the text names none of the code's segments\(outsideNote)\(note)"
          )
        }
      )
    )
  }

  /// Codes from the concordance, and the tokens that matched none.
  func resolveCodes(_ tokens: [String]) -> ([IndustryCode], [String]) {
    var resolved: [IndustryCode] = []
    var unresolved: [String] = []
    for token in tokens {
      if let code = resolve(token) {
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

  private func sorted(_ segments: [MappedSegment]) -> [MappedSegment] {
    segments.sorted { ($0.share, $1.segment.rawValue) > ($1.share, $0.segment.rawValue) }
  }

  private func quoted(_ terms: [String]) -> String {
    terms.map { "'\($0)'" }.joined(separator: ", ")
  }
}

func percent(_ value: Double) -> String { "\(format(value * 100, decimals: 0))%" }

/// A number with at most `decimals` decimals and no trailing zeros.
func format(_ value: Double, decimals: Int = 2) -> String {
  var text = fixed(value, decimals: decimals)
  if text.contains(".") {
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
  }
  return text == "-0" ? "0" : text
}

/// A number with exactly `decimals` decimals, rounded half away from zero,
/// independent of locale.
func fixed(_ value: Double, decimals: Int) -> String {
  var scale = 1.0
  for _ in 0..<decimals { scale *= 10 }
  let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
  let negative = value < 0 && scaled > 0
  var digits = String(Int64(scaled))
  if decimals > 0 {
    while digits.count <= decimals { digits = "0" + digits }
    digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
  }
  return negative ? "-" + digits : digits
}

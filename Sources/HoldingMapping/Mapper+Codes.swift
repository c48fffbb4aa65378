import Foundation
import PolicyModel
import PolicyScoreCore
import PortfolioImport

/// The industry-code method: the code narrows the domain, the text picks the
/// segment.
extension Mapper {
  /// The industry code narrows the domain and the text picks the segment.
  ///
  /// A segment the code allows gets `codeBonus` when the text names it by
  /// more than weak words, and
  /// is kept whatever its score when named by a strong term; one outside the
  /// code must be named by a strong term and reach `minimumTextScore` on its
  /// own: a word as plain as 'hospital' or '抗体' does not overrule the code.
  /// When the best segment is outside the code, the mapping is borderline.
  ///
  /// Several codes allow the segments they all allow, when there are any (a
  /// listing's CSRC division and its tag narrow each other), and the default
  /// is the narrowest code's. Codes that share no segment disagree: any
  /// code's segments are allowed, the first code's default holds (a
  /// listing's tag comes before its division), and the mapping is borderline.
  func mapByCodes(
    _ resolved: [ResolvedCode],
    scores: SegmentScores,
    identified: String,
    note: String,
    listedAs: Bool
  )
    -> Mapping
  {
    let none = SegmentSet(count: segmentIDs.count)
    let sets = resolved.map(\.segments)
    var allowed = sets.dropFirst().reduce(sets.first ?? none) { $0.intersection($1) }
    let codesDisagree = allowed.isEmpty
    if codesDisagree { allowed = sets.reduce(none) { $0.union($1) } }
    let codes = resolved.map(\.code)
    let codeList = CodeList(listedAs: listedAs, codes: codes)
    var combined = SegmentScores()
    for entry in scores {
      let (segment, text) = (entry.key, entry.value)
      // A weak word alone (药业, 医药) says less than the code does.
      if allowed.contains(segment) && text.strongest >= termWeight {
        var boosted = text
        boosted.score += parameters.codeBonus
        combined[adding: segment] = boosted
      } else if text.score >= parameters.minimumTextScore && text.strongest >= strongWeight {
        combined[adding: segment] = text
      }
    }
    combined.rank(placing: idOrder)
    guard let best = combined.first else {
      // The narrowest code's default that the others allow, or, when the
      // codes disagree, the first code's.
      let narrowest = zip(codes, sets).sorted { $0.1.count < $1.1.count }.map(\.0)
      let inAllowed = { (id: SegmentID) in self.segmentIndex[id].map(allowed.contains) ?? false }
      let chosen =
        codesDisagree
        ? codes.first?.defaultSegment
        : narrowest.lazy.map(\.defaultSegment).first(where: inAllowed)
          ?? narrowest.lazy.flatMap(\.candidates).first(where: inAllowed)
      let defaults = [chosen ?? codes[0].defaultSegment]
      return Mapping(
        method: .industryCode,
        confidence: parameters.confidence.codeOnly,
        segments: sorted(
          defaults.map {
            MappedSegment(
              segment: $0,
              share: 1 / Double(defaults.count),
              place: segmentIndex[$0],
              evidence:
                "\(identified)\(codeList); default segment, the text names none of its segments\(note)"
            )
          }
        ),
        borderline: codesDisagree
          ? "\(codeList) share no segment; the first one's default holds" : nil
      )
    }
    let agrees = allowed.contains(best.key)
    // A segment the code allows and the text names by a strong term (the
    // activity itself: 直线加速器) is a line of business however many words
    // the main one gets; the keep ratio drops only passing mentions.
    let kept = combined.filter {
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
            place: $0.key,
            why: .reading(
              allowed.contains($0.key) ? .codeChose : .outsideCodes,
              terms: $0.value.terms,
              words: words,
              identified: identified,
              note: note,
              codes: codeList,
              isLead: $0.value.isLead
            )
          )
        }
      ),
      borderline: agrees
        ? nil
        : "\(codeList) and text disagree: the text points to \(segmentIDs[best.key]) (\(words.quoted(best.value.terms)))"
    )
  }

  /// Codes from the concordance, and the tokens that matched none.
  func resolveCodes(
    _ tokens: [String],
    cache: inout CodeCache
  ) -> ([ResolvedCode], [String]) {
    var resolved: [ResolvedCode] = []
    var unresolved: [String] = []
    for token in tokens {
      let found = cache.code(token) { token in
        resolve(token).map { ResolvedCode(code: $0, segments: segments(of: $0)) }
      }
      if let found {
        if !resolved.contains(where: { $0.code == found.code }) { resolved.append(found) }
      } else {
        unresolved.append(token)
      }
    }
    return (resolved, unresolved)
  }

  /// The segments a code allows, its candidates and its default, by index.
  func segments(of code: IndustryCode) -> SegmentSet {
    var segments = SegmentSet(count: segmentIDs.count)
    for id in code.candidates + [code.defaultSegment] {
      if let index = segmentIndex[id] { segments.insert(index) }
    }
    return segments
  }

  func resolve(_ token: String) -> IndustryCode? {
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
  func stripRoman(_ text: String) -> String {
    String(text.filter { !"ⅠⅡⅢ".contains($0) }).trimmingCharacters(in: .whitespaces)
  }
}

/// A code from the concordance with the segments it allows, worked out
/// once per core and code rather than for each holding that has it.
struct ResolvedCode {
  let code: IndustryCode
  let segments: SegmentSet
}

/// Segments by index, as bits: a holding's codes allow a few of a hundred
/// or so, and each segment its text names is looked up in them.
struct SegmentSet {
  private var words: [UInt64]

  /// Empty, for a model of `count` segments.
  init(count: Int) { words = [UInt64](repeating: 0, count: (count + 63) / 64) }

  private init(words: [UInt64]) { self.words = words }

  var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
  var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

  func contains(_ segment: Int) -> Bool { words[segment >> 6] & (1 << UInt64(segment & 63)) != 0 }

  mutating func insert(_ segment: Int) { words[segment >> 6] |= 1 << UInt64(segment & 63) }

  func intersection(_ other: SegmentSet) -> SegmentSet {
    SegmentSet(words: zip(words, other.words).map { $0 & $1 })
  }

  func union(_ other: SegmentSet) -> SegmentSet {
    SegmentSet(words: zip(words, other.words).map { $0 | $1 })
  }
}

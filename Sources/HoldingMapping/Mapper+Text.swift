import Foundation
import PolicyModel
public import PolicyScoreCore
public import PortfolioImport

/// The text method: what a name and description say about segments.
extension Mapper {
  /// What a holding's name, without its legal form, and description say
  /// about segments, read as one text: the name, a line break, the
  /// description.
  func textEvidence(for holding: Holding) -> TextEvidence {
    var name = coreName(holding.name)
    var description = holding.description
    // Joined in scratch memory, not a new string per holding.
    return name.withUTF8 { name in
      description.withUTF8 { description in
        withUnsafeTemporaryAllocation(
          of: UInt8.self,
          capacity: name.count + 1 + description.count
        ) { text in
          var end = text.initialize(fromContentsOf: name)
          text[end] = 0x0A
          end += 1
          _ = text[end...].initialize(fromContentsOf: description)
          return textEvidence(UnsafeBufferPointer(text))
        }
      }
    }
  }

  /// What `text`, UTF-8, says about segments; see `TextEvidence`.
  func textEvidence(_ text: UnsafeBufferPointer<UInt8>) -> TextEvidence {
    var evidence = TextEvidence()
    var excluded: Set<Int> = []
    let (roles, roleStart) = (matcher.roles, matcher.roleStart)
    for match in matcher.matches(in: text) {
      if let marker = match.sideMarker {
        evidence.sideTerms.append(
          (match.first, matcher.patterns[marker].text, matcher.patterns[match.pattern].text)
        )
        continue
      }
      for slot in Int(roleStart[match.pattern])..<Int(roleStart[match.pattern + 1]) {
        let role = roles[slot]
        // After `销往` or `客户为`, a service or channel is who buys.
        if match.customerMarker != nil, role.segment >= 0,
          domainBits[role.segment] & customerDomains != 0
        {
          if let marker = match.customerMarker {
            evidence.customerTerms.append(
              (match.first, matcher.patterns[marker].text, matcher.patterns[match.pattern].text)
            )
          }
          continue
        }
        if role.segment == Self.everySegment {
          evidence.exclusion = evidence.exclusion ?? matcher.patterns[match.pattern].text
        } else if role.isNegative {
          excluded.insert(role.segment)
        } else {
          evidence.scores[adding: role.segment].add(
            match.pattern,
            role.weight,
            at: role.weight >= termWeight && role.leads ? match.first : nil
          )
        }
      }
    }
    if !excluded.isEmpty { evidence.scores.removeAll { segment, _ in excluded.contains(segment) } }
    preferSpecific(&evidence.scores)
    let lead = evidence.scores.lazy.map { $0.value.first }.min() ?? Int.max
    evidence.scores.update { score in
      score.settle(extraWeight: parameters.extraTermWeight)
      if lead < Int.max && score.first == lead {
        score.score += parameters.leadBonus
        score.isLead = true
      }
    }
    // Ties by id, as everywhere: the text's order is not the ranking's.
    evidence.scores.rank(placing: idOrder)
    return evidence
  }

  /// The specific beats the generic: a domain's general segment named only by
  /// ordinary or weak words yields to a segment of its domain named by a
  /// strong word ('体外诊断' yields to '化学发光', but '化学药' stands beside
  /// '创新药': generics and new drugs are two businesses); anywhere, a segment
  /// named only by weak words yields to any named by more.
  func preferSpecific(_ scores: inout SegmentScores) {
    // Domains as bits: no set, no string hashing per holding.
    var strongDomains: UInt64 = 0
    var anyOrdinary = false
    for entry in scores {
      let (segment, score) = (entry.key, entry.value)
      if score.strongest >= strongWeight { strongDomains |= domainBits[segment] }
      if score.strongest >= termWeight { anyOrdinary = true }
    }
    scores.removeAll { segment, score in
      let inStrongDomain = domainBits[segment] & strongDomains != 0
      return (score.strongest < strongWeight && inStrongDomain && isGeneral[segment])
        || (score.strongest < termWeight && anyOrdinary)
    }
  }

  /// What the text of a holding points at, however weakly.
  ///
  /// The best-scoring segment (those tied with it share evenly), for the
  /// review file to propose for an unmapped holding. Empty when the text
  /// names nothing.
  public func weakCandidates(for holding: Holding) -> [SegmentShare] {
    let ranked = textEvidence(for: holding).scores
    guard let best = ranked.first, best.value.score > 0 else { return [] }
    let tied = ranked.prefix { $0.value.score == best.value.score }
    return tied.map {
      SegmentShare(segment: segmentIDs[$0.key], share: 1 / Double(tied.count))
    }
  }

  /// `ranked`: the text's scores, ranked; `identified`: how the holding was
  /// identified, to open each segment's evidence; `note`: what closes it.
  func mapByText(_ ranked: SegmentScores, identified: String, note: String) -> Mapping? {
    guard let best = ranked.first, best.value.score >= parameters.minimumTextScore else {
      return nil
    }
    // Ranked by score: the segments kept are the first ones, not copied.
    let kept = ranked.prefix { $0.value.score >= best.value.score * parameters.keepRatio }
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
            place: $0.key,
            why: .reading(
              .text,
              terms: $0.value.terms,
              words: words,
              identified: identified,
              note: note,
              score: $0.value.score,
              isLead: $0.value.isLead
            )
          )
        }
      )
    )
  }
}

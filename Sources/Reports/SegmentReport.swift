import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// Everything the model says about one segment, for `catalog show`.
public struct SegmentReport {
  public let text: String

  public init(_ id: SegmentID, scoring: ScoringModel) {
    let model = scoring.model
    guard let segment = model.segments[id], let score = scoring.segmentScores[id] else {
      text = "unknown segment '\(id)'"
      return
    }
    var lines: [String] = []
    lines.append("\(segment.id): \(segment.nameEN) / \(segment.nameZH)")
    lines.append("domain: \(segment.domain.rawValue)")
    if let note = segment.note { lines.append("note: \(note)") }
    if let reference = segment.reference {
      lines.append(
        "reference segment of the allowed class (\(reference.grade); \(reference.sources.map(\.rawValue).joined(separator: ", ")))"
          + (reference.note.map { ": \($0)" } ?? "")
      )
    }
    lines.append("")
    lines.append("classification:")
    for edition in model.editions {
      guard let catalog = model.catalog(edition: edition) else { continue }
      if let item = catalog.item(listing: id) {
        let fact = catalog.classification(of: segment)
        lines.append(
          "  \(edition): \(item.category.rawValue), \(item.id) \(item.textZH) — \(item.textEN)"
        )
        lines.append(
          "        \(fact.grade); sources: \(fact.sources.isEmpty ? "none (not seen)" : fact.sources.map(\.rawValue).joined(separator: ", "))"
            + (item.deadline.map { "; deadline \($0)" } ?? "")
        )
      } else {
        lines.append(
          "  \(edition): allowed (not listed; \(catalog.classification(of: segment).grade))"
        )
      }
    }
    lines.append("")
    lines.append(
      "as of \(scoring.asOf), edition \(scoring.catalog.edition): E \(format(score.e, decimals: 1))"
        + (score.mentions.isEmpty
          ? ""
          : " (named by \(zip(score.mentions, score.mentionGrades).map { "\($0.0) (\($0.1))" }.joined(separator: ", ")))")
    )
    for origin in Origin.allCases {
      let financial = score.financial[origin] ?? FinancialSupport(parts: [])
      lines.append("F for a \(origin.rawValue) company: \(format(financial.value, decimals: 1))")
      for contribution in financial.contributions {
        lines.append(
          "  \(contribution.direction == .tailwind ? "+" : "-") \(contribution.instrument) strength \(format(contribution.strength)) → \(format(contribution.points, decimals: 1)) points (\(contribution.grade))"
        )
      }
    }
    if let profile = score.profile {
      lines.append(
        "D: pressure \(format(profile.pressure)) → \(format(score.d(for: .domestic), decimals: 1)) domestic, \(format(score.d(for: .foreign), decimals: 1)) foreign"
      )
      for level in [profile.importShare, profile.push] {
        lines.append(
          "  \(level.kind.rawValue) \(format(level.value)) (\(level.id), \(level.fact.grade)): \(level.basis)"
        )
      }
    } else {
      lines.append("D: no substitution profile (neutral 50)")
    }
    lines.append(
      "composite, domestic and fully in China: \(format(scoring.segmentComposite(id), decimals: 1))"
    )
    if let entry = model.lexicon.entries[id] {
      lines.append("")
      lines.append(
        "keywords: \(entry.terms.map { "\($0.text)(\(format($0.weight)))" }.joined(separator: ", "))"
      )
      if !entry.negative.isEmpty {
        lines.append("negative: \(entry.negative.joined(separator: ", "))")
      }
    }
    let codes = model.codes.values.filter { $0.defaultSegment == id || $0.candidates.contains(id) }
      .sorted { $0.key < $1.key }
      .map { "\($0.key)\($0.defaultSegment == id ? " (default)" : "")" }
    if !codes.isEmpty { lines.append("industry codes: \(codes.joined(separator: ", "))") }
    text = lines.joined(separator: "\n")
  }
}

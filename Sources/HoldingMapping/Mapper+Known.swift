import Foundation
import PolicyModel
import PolicyScoreCore
public import PortfolioImport

/// What is known of a company before its text is read: the analyst's
/// decision and the registry's entry.
extension Mapper {
  /// The registry's entry for a company as a mapping, at `confidence`.
  func registryMapping(
    _ company: RegisteredCompany,
    _ identified: String,
    confidence: Double
  ) -> Mapping {
    let note = company.fact.note.map { ": \($0)" } ?? ""
    return Mapping(
      method: .registry,
      confidence: confidence,
      segments: company.segments.map {
        MappedSegment(
          segment: $0.segment,
          share: $0.share,
          place: segmentIndex[$0.segment],
          evidence:
            "\(identified)registry: \(company.name), \(percent($0.share)) (\(company.fact.grade))\(note)"
        )
      }
    )
  }

  /// The fingerprint of a holding's description that a decision keeps, to
  /// notice when the description changes.
  public static func descriptionFingerprint(_ holding: Holding) -> String {
    var description = holding.description
    // Foundation's trimming only when an end is white: it goes through NSString.
    if let first = description.unicodeScalars.first, let last = description.unicodeScalars.last,
      first.isTrimmed || last.isTrimmed
    {
      description = description.trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var hasher = SHA256()
    hasher.update(description.utf8)
    return hasher.finalizeHex()
  }

  func apply(_ decision: MappingDecision, to holding: Holding) -> MappingOutcome {
    let by =
      "decision \(decision.action.rawValue) by \(decision.decidedBy) on \(decision.decidedAt.prefix(10))"
    let why = decision.reason.isEmpty ? "" : ": \(decision.reason)"
    if decision.action == .reject || decision.segments.isEmpty {
      return .outOfScope(reason: "\(by)\(why)")
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
            MappedSegment(
              segment: $0.segment,
              share: $0.share,
              place: segmentIndex[$0.segment],
              evidence: "\(by)\(why)"
            )
          }
        ),
        borderline: stale
      )
    )
  }
}

extension Unicode.Scalar {
  /// Whether `CharacterSet.whitespacesAndNewlines` holds the scalar.
  ///
  /// Asked without Foundation, for a description's ends at every holding
  /// recorded: Foundation's set is Unicode's White_Space and the zero-width
  /// space.
  var isTrimmed: Bool { isWhite || value == 0x200B }
}

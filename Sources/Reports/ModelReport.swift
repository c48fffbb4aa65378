import HoldingMapping
public import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// The summary `model check` prints: what the model holds and what it rests on.
public struct ModelReport {
  public let text: String

  public init(_ model: ModelBundle) {
    var lines: [String] = []
    lines.append("model ok: \(model.directory)")
    lines.append("content hash: \(model.contentHash)")
    lines.append("")
    lines.append("segments: \(model.segments.count)")
    for edition in model.editions {
      guard let catalog = model.catalog(edition: edition) else { continue }
      var byCategory: [Category: Int] = [:]
      for id in model.segmentIDs { byCategory[catalog.category(of: id), default: 0] += 1 }
      let counts = Category.allCases.map { "\($0.rawValue) \(byCategory[$0, default: 0])" }
      let items = Category.allCases.compactMap { category -> String? in
        let n = catalog.items.filter { $0.category == category && $0.subtype != "cross-section" }
          .count
        return category == .allowed ? nil : "\(category.rawValue) \(n)"
      }
      lines.append("  edition \(edition): \(counts.joined(separator: ", "))")
      lines.append("    items: \(items.joined(separator: ", "))")
    }
    var byDomain: [Domain: Int] = [:]
    for segment in model.segments.values { byDomain[segment.domain, default: 0] += 1 }
    lines.append(
      "  by domain: "
        + Domain.allCases.map { "\($0.rawValue) \(byDomain[$0, default: 0])" }.joined(
          separator: ", "
        )
    )
    let tailwinds = model.instruments.flatMap(\.effects).filter { $0.direction == .tailwind }.count
    lines.append(
      "instruments: \(model.instruments.count) (\(tailwinds) tailwind and \(model.instruments.flatMap(\.effects).count - tailwinds) headwind effects)"
    )
    lines.append("substitution profiles: \(model.profiles.count) (levels: \(model.levels.count))")
    lines.append("industry codes: \(model.codes.count) in \(model.schemes.count) schemes")
    let companies = Set(model.registry.values.map(\.name)).count
    lines.append("registry: \(companies) companies under \(model.registry.count) tickers")
    lines.append("sources: \(model.sources.count)")
    let grades: [Grade] = [
      .verified(.primary), .verified(.secondary), .verified(.recalled), .assumption,
    ]
    let total = grades.reduce(0) { $0 + model.factCount($1) }
    lines.append(
      "facts: \(total) — " + grades.map { "\($0) \(model.factCount($0))" }.joined(separator: ", ")
    )
    let table =
      [["", "primary", "secondary", "recalled", "assumption"]]
      + FactKind.allCases.map { kind in
        let counts = model.factCounts[kind, default: [:]]
        return [kind.rawValue] + grades.map { String(counts[$0, default: 0]) }
      }
    lines += TextTable.lines(table, rightAligned: [1, 2, 3, 4]).map { "  " + $0 }
    text = lines.joined(separator: "\n")
  }
}

import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// What `policyscore map` prints: coverage by method and domain, then the
/// borderline and unmapped holdings.
public struct MappingSummary {
  public let text: String

  /// The summary of `run`'s mapping.
  ///
  /// - Parameters:
  ///   - run: the mapped and scored run.
  ///   - decisions: how many saved decisions were in force.
  public init(run: ScoreRun, decisions: Int) {
    let coverage = MappingCoverage(run: run)
    var lines = [coverage.summary]
    if decisions > 0 {
      lines.append("\(decisions) saved decision\(decisions == 1 ? "" : "s") in force")
    }
    lines.append("")
    var rows = [["", "holdings", "share", "weight"]]
    func add(_ label: String, _ line: MappingCoverage.Line) {
      let (holdings, weight) = coverage.shares(line)
      rows.append([
        label, String(line.holdings), fixed(holdings * 100, decimals: 1) + "%",
        fixed(weight * 100, decimals: 1) + "%",
      ])
    }
    for method in MappingMethod.allCases {
      if let line = coverage.byMethod[method] { add("method \(method.rawValue)", line) }
    }
    for domain in Domain.allCases {
      if let line = coverage.byDomain[domain] { add("domain \(domain.rawValue)", line) }
    }
    add(
      "unmapped",
      MappingCoverage.Line(
        holdings: coverage.unmapped.count,
        weight: coverage.unmapped.reduce(0) { $0 + $1.holding.weight }
      )
    )
    lines += TextTable.lines(rows, rightAligned: [1, 2, 3])
    if !coverage.borderline.isEmpty {
      lines.append("")
      lines.append("borderline:")
      for (holding, reason) in coverage.borderline {
        lines.append(
          "  line \(holding.line) \(holding.ticker.canonical) \(holding.name): \(reason)"
        )
      }
    }
    if !coverage.unmapped.isEmpty {
      lines.append("")
      lines.append("unmapped, heaviest first:")
      for (holding, reason) in coverage.unmapped {
        lines.append(
          "  line \(holding.line) \(holding.ticker.canonical) \(holding.name) (\(fixed(holding.weight * 100, decimals: 2))%): \(reason)"
        )
      }
    }
    text = lines.joined(separator: "\n")
  }
}

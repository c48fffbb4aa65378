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
    let coverage = run.coverage
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

extension MappingSummary {
  /// Every holding's mapping as a JSON array, in file order: its segments
  /// with shares and evidence, or why it is unmapped.
  public static func json(_ run: ScoreRun) -> String {
    struct Segment: Encodable {
      var segment: String
      var share: Double
      var evidence: String
    }
    struct Row: Encodable {
      var portfolio: String
      var line: Int
      var ticker: String
      var name: String
      var method: String
      var confidence: Double?
      var borderline: String?
      var segments: [Segment]
      var unmapped: String?
    }
    var rows = run.scores.map { score in
      Row(
        portfolio: score.holding.portfolio,
        line: score.holding.line,
        ticker: score.holding.ticker.canonical,
        name: score.holding.name,
        method: score.mapping.method.rawValue,
        confidence: score.mapping.confidence,
        borderline: score.mapping.borderline,
        segments: score.mapping.segments.map {
          Segment(segment: $0.segment.rawValue, share: $0.share, evidence: $0.evidence)
        },
        unmapped: nil
      )
    }
    rows += run.unmapped.map { holding, reason in
      Row(
        portfolio: holding.portfolio,
        line: holding.line,
        ticker: holding.ticker.canonical,
        name: holding.name,
        method: "unmapped",
        confidence: nil,
        borderline: nil,
        segments: [],
        unmapped: reason
      )
    }
    rows.sort { ($0.portfolio, $0.line) < ($1.portfolio, $1.line) }
    return String(decoding: ReportJSON.encode(rows), as: UTF8.self)
  }
}

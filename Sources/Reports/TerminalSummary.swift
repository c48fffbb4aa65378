import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// The short summary `score` prints: per portfolio the top holdings, the
/// composite and the exposure to restricted and eliminated activity, then the
/// accounting line.
public struct TerminalSummary {
  public let text: String

  public init(run: ScoreRun, top: Int) {
    var lines: [String] = []
    let scoring = run.scoring
    lines.append(
      "catalogue \(scoring.catalog.edition) (\(scoring.edition.reason)), as of \(scoring.asOf), weights E \(format(scoring.weights.encouraged)) F \(format(scoring.weights.financial)) D \(format(scoring.weights.substitution))"
    )
    // Scores come portfolio by portfolio, in the summaries' order.
    var start = 0
    for summary in run.summaries {
      let scores = run.scores[start..<min(start + summary.scored, run.scores.count)].prefix(top)
      start += summary.scored
      lines.append("")
      lines.append(
        "portfolio \(summary.portfolio): \(summary.holdings) holding\(summary.holdings == 1 ? "" : "s"), composite \(fixed(summary.composite, decimals: 1)) (\(scoring.model.parameters.tier(for: summary.composite)))"
      )
      lines.append(
        "  exposure: restricted \(fixed(summary.weight(in: .restricted) * 100, decimals: 1))%, eliminated \(fixed(summary.weight(in: .eliminated) * 100, decimals: 1))%, encouraged \(fixed(summary.weight(in: .encouraged) * 100, decimals: 1))%"
      )
      lines.append(
        "  resting on recalled or assumed facts: \(fixed(summary.grounding.unsureShare * 100, decimals: 1))% of the scores' distance from neutral"
      )
      let header = ["rank", "ticker", "name", "weight", "E", "F", "D", "score", "tier", "segment"]
      var rows = [header]
      for score in scores {
        rows.append([
          String(score.rank), score.holding.ticker.canonical, String(score.holding.name.prefix(18)),
          fixed(score.holding.weight * 100, decimals: 2) + "%", fixed(score.factors.e, decimals: 1),
          fixed(score.factors.f, decimals: 1), fixed(score.factors.d, decimals: 1),
          fixed(score.composite, decimals: 1), score.tier, score.primarySegment?.rawValue ?? "",
        ])
      }
      lines += TextTable.lines(rows, rightAligned: [0, 3, 4, 5, 6, 7]).map { "  " + $0 }
      if !summary.gaps.isEmpty {
        lines.append(
          "  not held, high-scoring: "
            + summary.gaps.prefix(5).map { "\($0.key) \(fixed($0.composite ?? 0, decimals: 1))" }
            .joined(separator: ", ")
        )
      }
    }
    let accounting = run.accounting
    lines.append("")
    lines.append(accounting.description)
    text = lines.joined(separator: "\n")
  }
}

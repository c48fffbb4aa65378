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

  public init(run: ScoreRun, top: Int, language: ReportLanguage = .en) {
    var lines: [String] = []
    let scoring = run.scoring
    let say = language
    lines.append(
      "\(say("terminal.catalogue")) \(scoring.catalog.edition) (\(scoring.edition.reason)), \(say("as-of")) \(scoring.asOf), \(say("weights")) E \(format(scoring.weights.encouraged)) F \(format(scoring.weights.financial)) D \(format(scoring.weights.substitution))"
    )
    // Scores come portfolio by portfolio, in the summaries' order.
    var start = 0
    for summary in run.summaries {
      let scores = run.scores[start..<min(start + summary.scored, run.scores.count)].prefix(top)
      start += summary.scored
      lines.append("")
      let tier = scoring.model.parameters.tier(for: summary.composite)
      if language == .en {
        lines.append(
          "portfolio \(summary.portfolio): \(summary.holdings) holding\(summary.holdings == 1 ? "" : "s"), composite \(fixed(summary.composite, decimals: 1)) (\(tier))"
        )
      } else {
        lines.append(
          "组合 \(summary.portfolio)：\(summary.holdings) 个持仓，综合得分 \(fixed(summary.composite, decimals: 1))（\(say.tier(tier))）"
        )
      }
      lines.append(
        "  \(say("terminal.exposure")): \(say.category(.restricted)) \(fixed(summary.weight(in: .restricted) * 100, decimals: 1))%, \(say.category(.eliminated)) \(fixed(summary.weight(in: .eliminated) * 100, decimals: 1))%, \(say.category(.encouraged)) \(fixed(summary.weight(in: .encouraged) * 100, decimals: 1))%"
      )
      lines.append(
        "  \(say("terminal.recalled")): \(fixed(summary.grounding.unsureShare * 100, decimals: 1))% \(say("terminal.recalled.of"))"
      )
      let header = [
        "rank", "ticker", "name", "weight", "E", "F", "D", "score", "tier", "segment",
      ].map { say("column." + $0) }
      var rows = [header]
      for score in scores {
        rows.append([
          String(score.rank), score.holding.ticker.canonical, String(score.holding.name.prefix(18)),
          fixed(score.holding.weight * 100, decimals: 2) + "%", fixed(score.factors.e, decimals: 1),
          fixed(score.factors.f, decimals: 1), fixed(score.factors.d, decimals: 1),
          fixed(score.composite, decimals: 1), language == .en ? score.tier : say.tier(score.tier),
          score.primarySegment?.rawValue ?? "",
        ])
      }
      lines += TextTable.lines(rows, rightAligned: [0, 3, 4, 5, 6, 7]).map { "  " + $0 }
      if !summary.gaps.isEmpty {
        lines.append(
          "  \(say("terminal.gap")): "
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

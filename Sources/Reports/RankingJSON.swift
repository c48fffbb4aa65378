import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// The ranking as JSON, for `--format json`.
public enum RankingJSON {
  private struct Row: Encodable {
    var portfolio: String
    var rank: Int
    var ticker: String
    var name: String
    var weight: Double
    var e: Double
    var f: Double
    var d: Double
    var composite: Double
    var tier: String
    var excluded: Bool
    var segments: [String: Double]
    var method: String
    var confidence: Double
    var explanation: String
  }

  public static func render(_ run: ScoreRun) -> String {
    let rows = run.scores.map { score in
      Row(
        portfolio: score.holding.portfolio,
        rank: score.rank,
        ticker: score.holding.ticker.canonical,
        name: score.holding.name,
        weight: rounded(score.holding.weight, 6),
        e: rounded(score.factors.e),
        f: rounded(score.factors.f),
        d: rounded(score.factors.d),
        composite: rounded(score.composite),
        tier: score.tier,
        excluded: score.isExcluded,
        segments: Dictionary(
          uniqueKeysWithValues: score.mapping.segments.map {
            ($0.segment.rawValue, rounded($0.share, 4))
          }
        ),
        method: score.mapping.method.rawValue,
        confidence: rounded(score.mapping.confidence),
        explanation: score.explanation
      )
    }
    return String(decoding: ReportJSON.encode(rows).dropLast(), as: UTF8.self)
  }

  private static func rounded(_ value: Double, _ decimals: Int = 2) -> Double {
    Double(fixed(value, decimals: decimals)) ?? value
  }
}

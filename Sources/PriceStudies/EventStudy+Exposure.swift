import HoldingMapping
public import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

extension EventStudy {
  /// The run's scored holdings, each exposed when the instrument reaches one
  /// of its segments.
  ///
  /// An effect reaches a segment for a company of its origin, under the
  /// run's catalogue edition. A ticker in several portfolios counts once.
  public static func members(of run: ScoreRun, reachedBy instrument: SupportInstrument) -> [Member]
  {
    members(of: run) { score, segment in
      guard let scored = run.scoring.segmentScores[segment] else { return nil }
      let effect = instrument.effects.first {
        ($0.origin == nil || $0.origin == score.origin)
          && $0.selector.matches(scored.segment, item: scored.item?.id, category: scored.category)
      }
      return effect?.direction.rawValue
    }
  }

  /// The run's scored holdings, each exposed when it is mapped to one of
  /// `segments`.
  public static func members(of run: ScoreRun, in segments: Set<SegmentID>) -> [Member] {
    members(of: run) { _, segment in segments.contains(segment) ? "named" : nil }
  }

  private static func members(
    of run: ScoreRun,
    direction: (Score, SegmentID) -> String?
  ) -> [Member] {
    var seen = Set<String>()
    var members: [Member] = []
    for score in run.scores where seen.insert(score.holding.ticker.canonical).inserted {
      var exposure = 0.0
      var directions: [String] = []
      for part in score.mapping.segments {
        guard let reached = direction(score, part.segment) else { continue }
        exposure += part.share
        if !directions.contains(reached) { directions.append(reached) }
      }
      members.append(
        Member(
          ticker: score.holding.ticker.canonical,
          name: score.holding.name,
          exposed: exposure > 0,
          exposure: exposure,
          direction: directions.joined(separator: "+")
        )
      )
    }
    return members.sorted { $0.ticker < $1.ticker }
  }
}

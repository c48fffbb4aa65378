import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

/// Scenarios side by side: each holding's score and rank in each scenario,
/// with the deltas against the base, and per portfolio the rank agreement.
public struct Comparison: Sendable {
  /// One holding under one scenario.
  public struct Row: Sendable, Hashable {
    public var portfolio: String
    public var line: Int
    public var ticker: String
    public var name: String
    public var scenario: String
    public var composite: Double
    public var rank: Int
    public var tier: String
    /// composite − the base's composite.
    public var compositeDelta: Double
    /// base rank − rank: positive when the holding moved up.
    public var rankDelta: Int
    public var baseTier: String
  }

  /// One scenario's summary for one portfolio.
  public struct Statistics: Sendable {
    public var portfolio: String
    public var scenario: String
    public var composite: Double
    public var compositeDelta: Double
    public var spearman: Double
    public var kendall: Double
    /// The `Comparison.moverLimit` largest rank moves, largest first, ties by
    /// ticker.
    public var movers: [Row]
    public var tierChanges: Int
  }

  /// How many movers each scenario's statistics keep.
  public static let moverLimit = 10

  public var base: String
  /// By portfolio, then scenario in the given order, then base rank.
  public var rows: [Row]
  public var statistics: [Statistics]

  /// - Parameters:
  ///   - runs: Every scenario's run, the base among them, all of one portfolio file.
  ///   - base: The name of the base scenario.
  public init(runs: [(scenario: String, run: ScoreRun)], base: String) {
    self.base = base
    let baseRun = runs.first { $0.scenario == base }?.run ?? runs[0].run
    // Where each holding's score sits in each run, by line (-1: none): a
    // file's rows have lines of their own, whatever their portfolio.
    func positions(_ run: ScoreRun) -> [Int] {
      let lines = run.scores.indices.map { run.scores[$0].holding.line }
      var positions = [Int](repeating: -1, count: (lines.max() ?? 0) + 1)
      for (index, line) in lines.enumerated() where line >= 0 { positions[line] = index }
      return positions
    }
    let runPositions = Parallel.each(runs.count) { positions(runs[$0].run) }
    let portfolios = baseRun.summaries.map { summary in
      (
        summary,
        baseRun.scores.indices.filter { baseRun.scores[$0].holding.portfolio == summary.portfolio }
      )
    }
    // Each portfolio under each scenario apart, across the cores, in order:
    // first which scores pair up (base index, run index), then the rows,
    // written in place, so that 100 scenarios' rows are not copied again.
    let count = runs.count
    let baseLines = baseRun.scores.indices.map { baseRun.scores[$0].holding.line }
    let pairs = Parallel.each(portfolios.count * count) { part -> [(Int, Int)] in
      let (summary, baseScores) = portfolios[part / count]
      let (run, positions) = (runs[part % count].run, runPositions[part % count])
      return baseScores.compactMap { baseIndex in
        let line = baseLines[baseIndex]
        guard line >= 0, line < positions.count, positions[line] >= 0,
          run.scores[positions[line]].holding.portfolio == summary.portfolio
        else { return nil }
        return (baseIndex, positions[line])
      }
    }
    let offsets = pairs.reduce(into: [0]) { $0.append($0[$0.count - 1] + $1.count) }
    var statistics: [Statistics] = []
    let rows = [Row](unsafeUninitializedCapacity: offsets[offsets.count - 1]) { buffer, written in
      statistics = Parallel.each(pairs.count) { part -> Statistics in
        let summary = portfolios[part / count].0
        let (scenario, run) = runs[part % count]
        var slot = offsets[part]
        for (baseIndex, index) in pairs[part] {
          let (baseScore, score) = (baseRun.scores[baseIndex], run.scores[index])
          buffer.initializeElement(
            at: slot,
            to: Row(
              portfolio: summary.portfolio,
              line: score.holding.line,
              ticker: score.holding.ticker.canonical,
              name: score.holding.name,
              scenario: scenario,
              composite: score.composite,
              rank: score.rank,
              tier: score.tier,
              compositeDelta: score.composite - baseScore.composite,
              rankDelta: baseScore.rank - score.rank,
              baseTier: baseScore.tier
            )
          )
          slot += 1
        }
        let scenarioRows = UnsafeMutableBufferPointer(rebasing: buffer[offsets[part]..<slot])
        let scenarioSummary = run.summaries.first { $0.portfolio == summary.portfolio }
        let baseRanks = scenarioRows.map { $0.rank + $0.rankDelta }
        let ranks = scenarioRows.map(\.rank)
        return Statistics(
          portfolio: summary.portfolio,
          scenario: scenario,
          composite: scenarioSummary?.composite ?? 50,
          compositeDelta: (scenarioSummary?.composite ?? 50) - summary.composite,
          spearman: RankCorrelation.spearman(baseRanks, ranks),
          kendall: RankCorrelation.kendall(baseRanks, ranks),
          movers: Self.largestMoves(scenarioRows),
          tierChanges: scenarioRows.filter { $0.tier != $0.baseTier }.count
        )
      }
      written = offsets[offsets.count - 1]
    }
    self.rows = rows
    self.statistics = statistics
  }

  /// The `moverLimit` rows that moved most, largest first, ties by ticker;
  /// one pass that keeps only those, not a sort of every row that moved.
  static func largestMoves(_ rows: some Sequence<Row>) -> [Row] {
    func before(_ a: Row, _ b: Row) -> Bool {
      (abs(a.rankDelta), b.ticker) > (abs(b.rankDelta), a.ticker)
    }
    var largest: [Row] = []
    for row in rows where row.rankDelta != 0 {
      if largest.count == moverLimit {
        guard let last = largest.last, before(row, last) else { continue }
        largest.removeLast()
      }
      let position = largest.firstIndex { before(row, $0) } ?? largest.count
      largest.insert(row, at: position)
    }
    return largest
  }

  package static let header = [
    "portfolio", "line", "ticker", "name", "scenario", "composite", "rank", "tier",
    "composite_delta", "rank_delta", "base_tier",
  ]
}

import Foundation
import Testing

@testable import HistoryStore
@testable import HoldingMapping
@testable import Jobs
@testable import Pipeline
@testable import PolicyModel
@testable import PolicyScoreCore
@testable import PolicyScoring
@testable import PortfolioImport
@testable import Reports
@testable import ScenarioAnalysis

@Suite struct SensitivityTests {
  /// Robots lead on every factor; the hospital group is neutral; the generics
  /// maker sits under the drug-VBP headwind.
  let text =
    "ticker,weight,segments\n609001,1,surgical-robots\n609002,1,hospitals\n609003,1,generic-chemical-drugs\n"

  func options(
    samples: Int = 500,
    seed: UInt64 = 9,
    concentration: Double = 50
  ) -> Sensitivity.Options {
    var options = Sensitivity.Options()
    options.samples = samples
    options.seed = seed
    options.top = 1
    options.concentration = concentration
    return options
  }

  @Test func theSameSeedGivesTheSameNumbersAndAnotherSeedOthers() throws {
    let result = try run(
      try String(
        contentsOf: packageRoot.appendingPathComponent("Examples/portfolio.csv"),
        encoding: .utf8
      )
    )
    let a = Sensitivity(run: result, options: options(seed: 3))
    let b = Sensitivity(run: result, options: options(seed: 3))
    let c = Sensitivity(run: result, options: options(seed: 4))
    #expect(a.rows == b.rows)
    #expect(
      a.rows.map(\.topProbability) != c.rows.map(\.topProbability)
        || a.rows.map(\.interval) != c.rows.map(\.interval)
    )
  }

  @Test func aVeryTightDirichletReproducesTheBaseRanking() throws {
    let result = try run(text)
    let sensitivity = Sensitivity(run: result, options: options(concentration: 1e9))
    #expect(sensitivity.rows.map(\.medianRank) == result.scores.map(\.rank))
    #expect(sensitivity.rows.first?.topProbability == 1)
  }

  @Test func sweepsReportTheBestAndWorstRank() throws {
    // Generics: E 50, F below 50 (VBP); hospitals: E 50, F 50, D 50. With all
    // weight on E they tie and the tie goes to base order; with all on F the
    // hospital leads the generics maker.
    let result = try run(text)
    let sensitivity = Sensitivity(run: result, options: options())
    let robots = try #require(sensitivity.rows.first { $0.ticker == "609001.SH" })
    #expect(robots.sweepRanges.allSatisfy { $0 == 1...1 })
    let generics = try #require(sensitivity.rows.first { $0.ticker == "609003.SH" })
    #expect(generics.rank == 3)
    #expect(generics.sweepRanges[1] == 3...3)  // F sweep: always behind the hospital
  }

  @Test func noReversalsBecauseScoresAreComputedAlone() throws {
    let result = try run(text)
    let sensitivity = Sensitivity(run: result, options: options())
    #expect(sensitivity.reversals.isEmpty)
    #expect(sensitivity.removalsChecked == 3)
  }

  @Test func theReversalCheckFindsAFlipWhenTheOrderDisagrees() throws {
    // Hand the check a list out of rank order: it must notice.
    let result = try run(text)
    let shuffled = [result.scores[1], result.scores[0], result.scores[2]]
    let (found, tried) = Sensitivity.reversals(shuffled, limit: 10)
    #expect(tried == 3)
    #expect(!found.isEmpty)
  }

  @Test func gammaDrawsHaveTheirShapeAsMean() {
    var generator = SplitMix64(seed: 42)
    for shape in [0.5, 2.0, 20.0] {
      let mean =
        (0..<20_000).reduce(0.0) { total, _ in total + gamma(shape: shape, using: &generator) }
        / 20_000
      #expect(abs(mean - shape) < 0.05 * shape + 0.02, "shape \(shape): mean \(mean)")
    }
  }
}

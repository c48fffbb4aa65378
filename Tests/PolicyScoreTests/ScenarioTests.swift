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

let scenariosURL = packageRoot.appendingPathComponent("Scenarios")

func scenario(
  _ yaml: String,
  name: String = "test",
  beside others: [String: String] = [:]
) throws -> Scenario {
  let directory = try temporaryDirectory()
  for (file, text) in others {
    try text.write(
      to: directory.appendingPathComponent("\(file).yaml"),
      atomically: true,
      encoding: .utf8
    )
  }
  let url = directory.appendingPathComponent("\(name).yaml")
  try yaml.write(to: url, atomically: true, encoding: .utf8)
  return try #require(try ScenarioLoader(model: shippedModel).load([url]).first)
}

func scenarioErrors(_ yaml: String, beside others: [String: String] = [:]) throws -> [Diagnostic] {
  do {
    _ = try scenario(yaml, beside: others)
    Issue.record("the scenario loaded")
    return []
  } catch let error as ScenarioError {
    guard case .invalid(let diagnostics) = error else { return [] }
    return diagnostics
  }
}

@Suite struct ScenarioFileTests {
  @Test func theShippedScenariosLoadAndAreExplainedAndSourced() throws {
    let scenarios = try ScenarioLoader(model: shippedModel).loadAll(in: scenariosURL)
    #expect(scenarios.count >= 7)
    for scenario in scenarios {
      #expect(!scenario.description.isEmpty, "\(scenario.name)")
      #expect(!scenario.sources.isEmpty, "\(scenario.name)")
    }
    let names = Set(scenarios.map(\.name))
    for required in [
      "baseline", "catalog-2019", "vbp-devices-expanded", "substitution-push",
      "capital-market-tightening", "support-withdrawn", "sequencer-export-shock",
    ] {
      #expect(names.contains(required))
    }
  }

  @Test func extendsMergesTheParentsOverrides() throws {
    let child = try scenario(
      """
      schema_version: 1
      extends: parent
      title: child
      description: d
      instruments:
        - {id: hkex-18a, strength: 0.4}
      """,
      beside: [
        "parent":
          "schema_version: 1\ntitle: p\ndescription: d\nedition: \"2019\"\ninstruments:\n  - {id: hkex-18a, enabled: false}\n"
      ]
    )
    #expect(child.lineage == ["parent", "test"])
    #expect(child.edition == "2019")
    #expect(child.instrumentChanges["hkex-18a"] == InstrumentChange(enabled: false, strength: 0.4))
  }

  struct BadScenario: CustomTestStringConvertible, Sendable {
    var yaml: String
    var message: String
    var line: Int
    var testDescription: String { message }
  }

  static let bad: [BadScenario] = [
    BadScenario(
      yaml: "segments:\n  - {id: surgical-robot, category: restricted}\n",
      message: "unknown segment 'surgical-robot'; did you mean 'surgical-robots'?",
      line: 5
    ),
    BadScenario(
      yaml: "instruments:\n  - {id: hkex-18b, enabled: false}\n",
      message: "unknown instrument 'hkex-18b'; did you mean 'hkex-18a'?",
      line: 5
    ),
    BadScenario(
      yaml: "levels:\n  - {id: buy-domestic-generl, value: 0.9}\n",
      message: "unknown level 'buy-domestic-generl'; did you mean 'buy-domestic-general'?",
      line: 5
    ),
    BadScenario(
      yaml: "weigths: {encouraged: 1}\n",
      message: "unknown key 'weigths' in test.yaml; did you mean 'weights'?",
      line: 4
    ),
    BadScenario(
      yaml: "weights: {encouraged: 0.5, financial: 0.5, substitution: 0.5}\n",
      message: "weights sum to 1.5, not 1",
      line: 4
    ),
    BadScenario(yaml: "edition: \"2020\"\n", message: "no catalogue for edition '2020'", line: 4),
    BadScenario(
      yaml: "extends: baselin\n",
      message: "scenario 'baselin' to extend not found: looked for baselin.yaml in",
      line: 4
    ),
    BadScenario(
      yaml: "substitution:\n  - {segment: hospitals, push: 0.5}\n",
      message: "segment 'hospitals' has no substitution profile; give both import_share and push",
      line: 5
    ),
  ]

  @Test(arguments: bad) func anUnknownIdOrKeyIsALocatedErrorWithASuggestion(
    _ bad: BadScenario
  ) throws {
    let yaml = "schema_version: 1\ntitle: t\ndescription: d\n" + bad.yaml
    let diagnostics = try scenarioErrors(
      yaml,
      beside: ["baseline": "schema_version: 1\ntitle: b\ndescription: d\n"]
    )
    let match = try #require(
      diagnostics.first { $0.message.contains(bad.message) },
      "\(diagnostics)"
    )
    #expect(match.location?.file.hasSuffix("/test.yaml") == true)
    #expect(match.location?.line == bad.line)
  }

  @Test func aCycleOfExtendsIsAnError() throws {
    let diagnostics = try scenarioErrors(
      "schema_version: 1\ntitle: t\ndescription: d\nextends: other\n",
      beside: ["other": "schema_version: 1\ntitle: o\ndescription: d\nextends: test\n"]
    )
    #expect(diagnostics.contains { $0.message.contains("extends itself") })
  }
}

@Suite struct ScenarioScoringTests {
  @Test func overridesReachTheScores() throws {
    let whatIf = try scenario(
      """
      schema_version: 1
      title: t
      description: d
      weights: {encouraged: 1, financial: 0, substitution: 0}
      category_values: {restricted: 0}
      segments:
        - {id: orthopedic-implants, category: restricted}
      substitution:
        - {segment: medical-imaging, import_share: 1, push: 1}
      """
    )
    let scoring = try ScoringModel(model: shippedModel, scenario: whatIf, asOf: asOf)
    #expect(scoring.segmentScores["orthopedic-implants"]?.category == .restricted)
    #expect(scoring.segmentScores["orthopedic-implants"]?.e == 0)
    #expect(scoring.segmentScores["medical-imaging"]?.d(for: .domestic) == 100)
    #expect(scoring.segmentComposite("surgical-robots") == 100)
    // The shipped model itself is unchanged.
    #expect(
      try ScoringModel(model: shippedModel, asOf: asOf).segmentScores["orthopedic-implants"]?
        .category
        == .allowed
    )
  }

  @Test func aSwitchedOffInstrumentNoLongerMovesF() throws {
    let off = try scenario(
      "schema_version: 1\ntitle: t\ndescription: d\ninstruments:\n  - {id: vbp-coronary-stents, enabled: false}\n"
    )
    let scoring = try ScoringModel(model: shippedModel, scenario: off, asOf: asOf)
    let f = try #require(
      scoring.segmentScores["coronary-interventional"]?.financial[.domestic]?.value
    )
    #expect(abs(f - (50 + 50 * (1 - 0.75 * 0.85 * 0.8))) < 1e-9)
  }

  @Test func companyAssumptionsAddAnInstrumentAndSetTheChinaShare() throws {
    let hnte = try scenario(
      "schema_version: 1\ntitle: t\ndescription: d\ncompanies:\n  - {ticker: 300347, assume: [cit-hnte-15pct], china_revenue_share: 0.5}\n"
    )
    let text = "ticker,weight,segments\n300347,1,hospitals\n"
    let scoring = try ScoringModel(model: shippedModel, scenario: hnte, asOf: asOf)
    let result = ScoreRun(portfolio: try portfolio(text), scoring: scoring, mapper: sharedMapper)
    let score = try #require(result.scores.first)
    #expect(score.chinaShare == 0.5)
    #expect(abs(score.factors.f - (50 + 0.5 * (50 * 0.25))) < 1e-9)
    #expect(score.explanation.contains("cit-hnte-15pct +12.5"))
    #expect(score.explanation.contains("China revenue 50% (scenario)"))
  }
}

@Suite struct ComparisonTests {
  @Test func spearmanAndKendallMatchHandComputedValues() {
    // Ranks 1..4 against 2,1,4,3: d² = 1+1+1+1 = 4, ρ = 1 − 24/60 = 0.6;
    // pairs: 6, discordant (1,2) and (3,4), τ = (4 − 2)/6.
    #expect(abs(RankCorrelation.spearman([1, 2, 3, 4], [2, 1, 4, 3]) - 0.6) < 1e-12)
    #expect(abs(RankCorrelation.kendall([1, 2, 3, 4], [2, 1, 4, 3]) - 1.0 / 3) < 1e-12)
    #expect(RankCorrelation.kendall([1, 2, 3], [3, 2, 1]) == -1)
  }

  @Test func kendallWithoutTiesCountsTheSamePairsAsTheDefinition() {
    // The merge-sort count against concordant minus discordant over all pairs.
    var generator = SystemRandomNumberGenerator()
    for size in [2, 3, 17, 300] {
      let a = Array(1...size).shuffled(using: &generator)
      let b = Array(1...size).shuffled(using: &generator)
      var balance = 0
      for i in 0..<size {
        for j in (i + 1)..<size { balance += (a[i] - a[j]).signum() * (b[i] - b[j]).signum() }
      }
      let expected = Double(balance) / Double(size * (size - 1) / 2)
      #expect(abs(RankCorrelation.kendall(a, b) - expected) < 1e-12, "size \(size)")
    }
    // Ties take the pairwise path: one tie in b, pairs 3, balance 1 + 0 + 1.
    #expect(abs(RankCorrelation.kendall([1, 2, 3], [1, 1, 2]) - 2.0 / 3) < 1e-12)
  }

  @Test func theComparisonAgreesWithTheRuns() throws {
    let text =
      "ticker,weight,segments\n609001,1,surgical-robots\n609002,1,hospitals\n609003,1,coronary-interventional\n"
    let base = try run(text)
    let flip = try scenario(
      "schema_version: 1\ntitle: t\ndescription: d\nsegments:\n  - {id: surgical-robots, category: eliminated}\n",
      name: "flip"
    )
    let flipped = ScoreRun(
      portfolio: try portfolio(text),
      scoring: try ScoringModel(model: shippedModel, scenario: flip, asOf: asOf),
      mapper: sharedMapper
    )
    let comparison = Comparison(runs: [("baseline", base), ("flip", flipped)], base: "baseline")
    // Base order: robots, hospitals, ordinary stents (a VBP headwind).
    // Flip: robots excluded, last.
    #expect(base.scores.map(\.holding.ticker.input) == ["609001", "609002", "609003"])
    #expect(flipped.scores.map(\.holding.ticker.input) == ["609002", "609003", "609001"])
    let robot = try #require(
      comparison.rows.first { $0.scenario == "flip" && $0.ticker == "609001.SH" }
    )
    #expect(robot.rankDelta == -2)
    #expect(robot.tier == "excluded")
    let baseRobot = try #require(base.scores.first { $0.holding.ticker.input == "609001" })
    let flippedRobot = try #require(flipped.scores.first { $0.holding.ticker.input == "609001" })
    #expect(abs(robot.compositeDelta - (flippedRobot.composite - baseRobot.composite)) < 1e-12)
    let stats = try #require(comparison.statistics.first { $0.scenario == "flip" })
    // Base ranks of (robot, coronary, hospitals) = (1, 2, 3); flip = (3, 1, 2).
    #expect(abs(stats.spearman - RankCorrelation.spearman([1, 2, 3], [3, 1, 2])) < 1e-12)
    #expect(abs(stats.spearman - (1 - 6.0 * (4 + 1 + 1) / 24)) < 1e-12)
    #expect(stats.tierChanges == 1)
    #expect(stats.movers.first?.ticker == "609001.SH")
    #expect(stats.movers.count == 3)
    let csv = csvRows(comparison.csv)
    #expect(
      csv[0] == [
        "portfolio", "line", "ticker", "name", "scenario", "composite", "rank", "tier",
        "composite_delta", "rank_delta", "base_tier",
      ]
    )
    #expect(csv.count == 7)
  }
}

extension ComparisonTests {
  /// `ScoreRun.runs` shares the first run's exposure totals with the others;
  /// each run must still be what it would be alone, also for a scenario that
  /// moves a segment to another category (other exposure keys).
  @Test func scenarioRunsScoredTogetherEqualRunsScoredAlone() throws {
    let text = """
      portfolio,ticker,weight,segments
      a,609001,0.3,surgical-robots:60%;medical-imaging:40%
      a,609002,0.3,hospitals
      a,609003,0.4,coronary-interventional:50%;orthopedic-implants:50%
      b,609004,0.5,surgical-robots
      b,609005,0.5,generic-chemical-drugs
      """
    let holdings = try portfolio(text)
    let outcomes = sharedMapper.map(holdings.holdings)
    let heavier = try scenario(
      "schema_version: 1\ntitle: t\ndescription: d\nweights: {encouraged: 0.8, financial: 0.1, substitution: 0.1}\n",
      name: "heavier"
    )
    let flip = try scenario(
      "schema_version: 1\ntitle: t\ndescription: d\nsegments:\n  - {id: surgical-robots, category: eliminated}\n",
      name: "flip"
    )
    let scorings = try [Scenario.baseline(named: "baseline"), heavier, flip].map {
      try ScoringModel(model: shippedModel, scenario: $0, asOf: asOf)
    }
    let together = ScoreRun.runs(portfolio: holdings, scorings: scorings, outcomes: outcomes)
    #expect(together.count == 3)
    for (run, scoring) in zip(together, scorings) {
      let alone = ScoreRun(portfolio: holdings, scoring: scoring, outcomes: outcomes)
      #expect(run.scores.map(\.holding.line) == alone.scores.map(\.holding.line))
      #expect(run.scores.map(\.composite) == alone.scores.map(\.composite))
      #expect(run.summaries.map(\.portfolio) == alone.summaries.map(\.portfolio))
      for (shared, own) in zip(run.summaries, alone.summaries) {
        #expect(shared.exposures == own.exposures)
        #expect(shared.gaps == own.gaps)
        #expect(shared.composite == own.composite)
      }
    }
    // The flipped robots sit in 'eliminated' in that run alone.
    let eliminated = together.map { $0.summaries[0].weight(in: .eliminated) }
    #expect(eliminated[0] == 0 && eliminated[1] == 0)
    #expect(abs(eliminated[2] - 0.18) < 1e-12)
  }

  @Test func theMoversKeptAreTheLargestMovesOfAFullSort() {
    var generator = SystemRandomNumberGenerator()
    for count in [0, 1, 9, 10, 11, 500] {
      let rows = (0..<count).map { index in
        Comparison.Row(
          portfolio: "p",
          line: index,
          ticker: "T\(Int.random(in: 0..<40, using: &generator))",
          name: "",
          scenario: "s",
          composite: 50,
          rank: 1,
          tier: "neutral",
          compositeDelta: 0,
          rankDelta: Int.random(in: -6...6, using: &generator),
          baseTier: "neutral"
        )
      }
      let sorted = rows.filter { $0.rankDelta != 0 }
        .sorted { (abs($0.rankDelta), $1.ticker) > (abs($1.rankDelta), $0.ticker) }
      let kept = Comparison.largestMoves(rows)
      #expect(kept.count == min(Comparison.moverLimit, sorted.count))
      // Same moves and tickers in the same order (rows that tie on both may swap).
      #expect(
        kept.map(\.rankDelta.magnitude) == sorted.prefix(kept.count).map(\.rankDelta.magnitude)
      )
      #expect(kept.map(\.ticker) == sorted.prefix(kept.count).map(\.ticker))
    }
  }
}

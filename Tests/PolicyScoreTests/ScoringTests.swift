import Foundation
import Synchronization
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

/// The formulas of DESIGN.md, checked against numbers worked out by hand from
/// the shipped model's parameters.
@Suite struct FormulaTests {
  let scoring: ScoringModel

  init() throws { scoring = try ScoringModel(model: shippedModel, asOf: asOf) }

  /// coronary-interventional (ordinary stents, allowed) on 2026-11-23:
  /// tailwinds cit-hnte-15pct 0.25, rd-super-deduction 0.15,
  /// innovative-device-special-review 0.2; headwind vbp-coronary-stents 0.7.
  let coronaryF = 50 + 50 * (1 - 0.75 * 0.85 * 0.8) - 50 * 0.7

  @Test func financialSupportSaturatesAndNetsHeadwinds() throws {
    let segment = try #require(scoring.segmentScores["coronary-interventional"])
    let support = try #require(segment.financial[.domestic])
    #expect(abs(support.value - coronaryF) < 1e-9)
    #expect(abs(coronaryF - 39.5) < 1e-9)
    #expect(
      Set(support.contributions.map(\.instrument.rawValue)) == [
        "cit-hnte-15pct", "rd-super-deduction", "innovative-device-special-review",
        "vbp-coronary-stents",
      ]
    )
  }

  @Test func contributionsAddUpToTheSwingForEverySegment() {
    for (id, segment) in scoring.segmentScores {
      for origin in Origin.allCases {
        guard let support = segment.financial[origin] else { continue }
        let total = support.contributions.reduce(0) { $0 + $1.points }
        #expect(abs(total - (support.value - 50)) < 1e-9, "\(id)")
      }
    }
  }

  @Test func encouragedStatusIsCappedAt100AndAllowedIs50() throws {
    #expect(scoring.segmentScores["surgical-robots"]?.e == 100)  // 100 + 3 mentions, capped
    #expect(scoring.segmentScores["hospitals"]?.e == 50)
    #expect(scoring.segmentScores["bulk-vitamins"]?.e == 20)
    #expect(scoring.segmentScores["mercury-instruments"]?.e == 0)
  }

  @Test func substitutionPushesDomesticUpAndForeignDown() throws {
    let segment = try #require(scoring.segmentScores["medical-imaging"])
    let pressure = 0.75 * 0.89
    #expect(abs(segment.d(for: .domestic) - (50 + 50 * pressure)) < 1e-9)
    #expect(abs(segment.d(for: .foreign) - (50 - 50 * pressure)) < 1e-9)
  }

  @Test func aMultinationalMovesOnlyAsFarAsItsChinaShare() throws {
    let result = try run(
      "ticker,name,weight,segments,origin,china_revenue_share\nZZMD,Multinational,1,coronary-interventional,US,8%\n"
    )
    let score = try #require(result.scores.first)
    let e = 50.0  // ordinary stents are allowed: E 50 at any China share
    let f = 50 + 0.08 * (coronaryF - 50)
    let d = 50 + 0.08 * ((50 - 50 * 0.3 * 0.5) - 50)
    #expect(abs(score.factors.e - e) < 1e-9)
    #expect(abs(score.factors.f - f) < 1e-9)
    #expect(abs(score.factors.d - d) < 1e-9)
    #expect(abs(score.composite - (0.4 * e + 0.35 * f + 0.25 * d)) < 1e-9)
    #expect(abs(score.composite - 49.556) < 1e-9)
    #expect(score.tier == "neutral")
    #expect(score.explanation.contains("coronary-interventional 100% [allowed, not listed"))
    #expect(score.explanation.contains("vbp-coronary-stents -35"))
    #expect(
      score.explanation.contains(
        "import share 0.3 recalled × push 0.5 assumption = pressure 0.15, a headwind for a foreign one"
      )
    )
    #expect(score.explanation.contains("foreign (file), China revenue 8% (file)"))
  }

  @Test func aDomesticHoldingTakesTheModelDefaultChinaShareAndTheSharesWeightTheSegments() throws {
    let result = try run(
      "ticker,name,weight,segments\n688271.SH,X,1,medical-imaging:60;hospitals:40\n"
    )
    let score = try #require(result.scores.first)
    let imaging = try #require(scoring.segmentScores["medical-imaging"]).factors(for: .domestic)
    let c = 0.95
    let e = 0.6 * (50 + c * (imaging.e - 50)) + 0.4 * 50
    #expect(score.origin == .domestic)
    #expect(score.originBasis == "market SH")
    #expect(abs(score.factors.e - e) < 1e-9)
    #expect(abs(score.factors.e - (0.6 * 97.5 + 20)) < 1e-9)
  }

  @Test func instrumentsCountOnlyInsideTheirValidityWindows() throws {
    func instruments(_ segment: SegmentID, on day: String) throws -> Set<String> {
      let model = try ScoringModel(model: shippedModel, asOf: Day(day)!)
      return Set(
        model.segmentScores[segment]?.financial[.domestic]?.contributions.map(\.instrument.rawValue)
          ?? []
      )
    }
    #expect(try instruments("medical-imaging", on: "2022-10-01").contains("equipment-loans-2022"))
    #expect(try !instruments("medical-imaging", on: "2023-01-01").contains("equipment-loans-2022"))
    #expect(try instruments("surgical-robots", on: "2023-06-30").contains("star-fifth-standard"))
    #expect(try !instruments("surgical-robots", on: "2024-06-30").contains("star-fifth-standard"))
    #expect(try instruments("surgical-robots", on: "2025-07-01").contains("star-fifth-standard"))
  }

  @Test func theCatalogueEditionChangesTheCategory() throws {
    let old = try ScoringModel(model: shippedModel, edition: "2019", asOf: Day("2021-06-30")!)
    #expect(old.segmentScores["purification-media"]?.category == .allowed)
    #expect(scoring.segmentScores["purification-media"]?.category == .encouraged)
  }

  @Test func compositesStayWithin0And100() {
    for id in shippedModel.segmentIDs {
      for origin in Origin.allCases {
        let value = scoring.segmentComposite(id, origin: origin)
        #expect((0...100).contains(value), "\(id) \(origin)")
      }
    }
  }

  /// A run's scores keep one copy of numbers many holdings share; each
  /// score reads as its holding scored alone.
  @Test func scoresShareTheirNumbersAndReadAsEachHoldingScoredAlone() throws {
    let result = try run(
      """
      ticker,name,weight,segments,origin,china_share
      A1,A,1,hospitals,,
      A2,A,1,hospitals,,
      B1,B,1,hospitals,foreign,0.4
      B2,B,1,hospitals,foreign,0.4
      C1,C,1,surgical-robots:60;hospitals:40,,
      D1,D,1,mercury-instruments:10;surgical-robots:90,foreign,
      """
    )
    func alone(_ score: Score) -> Score {
      scoring.score(score.holding, mapping: score.mapping)
    }
    func numbers(_ score: Score) -> String {
      "\(score.origin) \(score.originBasis) \(score.chinaShare) \(score.chinaShareBasis) "
        + "\(score.madeInChinaBasis ?? "-") \(score.factors) \(score.composite) \(score.grounding) "
        + "\(score.tier) \(score.isExcluded) \(score.touchesRestricted) \(score.explanation)"
    }
    let scores = Dictionary(
      uniqueKeysWithValues: result.scores.map { ($0.holding.ticker.input, $0) }
    )
    #expect(scores.count == 6)
    for score in result.scores { #expect(numbers(score) == numbers(alone(score))) }
    let profile = { (ticker: String) in scores[ticker]?.parts.value.profile }
    #expect(profile("A1") != nil && profile("A1") === profile("A2"))
    #expect(profile("B1") === profile("B2") && profile("B1") !== profile("A1"))
    let distinct = Set(result.scores.map { ObjectIdentifier($0.parts.value.profile) })
    #expect(distinct.count == Set(result.scores.map(numbers)).count)

    // A table of one slot keeps only the latest numbers: the next score
    // with other numbers gets its own, never the slot's.
    var profiles = Score.Profiles(slots: 1)
    for ticker in ["A1", "B1", "C1", "A2", "D1", "D1", "B2"] {
      let score = try #require(scores[ticker])
      let shared = scoring.score(score.holding, mapping: score.mapping, profiles: &profiles)
      #expect(numbers(shared) == numbers(score), "\(ticker)")
    }

    // Bit for bit: a composite of -0.0 keeps its sign.
    let given = try #require(profile("A1")).numbers
    func with(composite: Double) -> Score.Numbers {
      Score.Numbers(
        origin: given.origin,
        originBasis: given.originBasis,
        chinaShare: given.chinaShare,
        chinaShareBasis: given.chinaShareBasis,
        madeInChinaBasis: given.madeInChinaBasis,
        factors: given.factors,
        composite: composite,
        grounding: given.grounding,
        tier: given.tier,
        isExcluded: given.isExcluded,
        touchesRestricted: given.touchesRestricted
      )
    }
    var table = Score.Profiles()
    let explainer = try #require(scores["A1"]).explainer
    let positive = table.profile(with(composite: 0), explainer: explainer)
    let negative = table.profile(with(composite: -0.0), explainer: explainer)
    #expect(positive !== negative && negative.numbers.composite.sign == .minus)
    #expect(table.profile(with(composite: 0), explainer: explainer) !== negative)
  }
}

@Suite struct RankingTests {
  @Test func eliminatedActivityIsExcludedAndRankedLastWhateverItsNumber() throws {
    let result = try run(
      """
      ticker,name,weight,segments
      609001,Mercury and robots,1,mercury-instruments:10;surgical-robots:90
      B,Hospital,1,hospitals
      """
    )
    let excluded = try #require(result.scores.first { $0.holding.ticker.input == "609001" })
    #expect(excluded.isExcluded)
    #expect(excluded.tier == "excluded")
    #expect(excluded.composite > 60)
    #expect(excluded.rank == 2)
    #expect(excluded.explanation.hasPrefix("EXCLUDED: eliminated activity."))
  }

  @Test func sortEntriesOrderKeysAsTheKeysThemselvesDo() {
    // Few composites, so most comparisons are ties; tickers that share their
    // first 8 bytes, differ in length, or are not ASCII (`Ａ` is full-width).
    let tickers = [
      "600123.SH", "600123.SZ", "600123", "6001", "", "Ａ600123", "00700.HK", "A", "AB", "AB\u{0}",
      "é", "e\u{301}",
    ]
    var generator = SystemRandomNumberGenerator()
    let keys = (0..<5_000).map { line in
      RankKey(
        excluded: Int.random(in: 0..<10, using: &generator) == 0,
        composite: [55.5, 60, -0.0, 0, 71.25][Int.random(in: 0..<5, using: &generator)],
        ticker: tickers.randomElement(using: &generator) ?? "",
        name: ["b", "a", "甲"].randomElement(using: &generator) ?? "",
        line: line
      )
    }
    var entries = keys.indices.map { RankKey.SortEntry(keys[$0], index: $0) }
    entries.sort { $0.precedes($1) { keys[$0] } }
    #expect(entries.map(\.index) == keys.indices.sorted { keys[$0] < keys[$1] })
  }

  @Test func tiesAreBrokenByTickerNotByInputOrder() throws {
    let result = try run("ticker,name,weight,segments\nZZZ,Z,1,hospitals\nAAA,A,1,hospitals\n")
    #expect(result.scores.map(\.holding.ticker.input) == ["AAA", "ZZZ"])
  }

  @Test(arguments: [11, 22, 33] as [UInt64]) func shufflingTheInputLeavesTheRankingUnchanged(
    seed: UInt64
  ) throws {
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("Examples/portfolio.csv"),
      encoding: .utf8
    )
    var lines = text.split(separator: "\n").map(String.init)
    let header = lines.removeFirst()
    var generator = SeededGenerator(seed: seed)
    let baseline = try run(text).scores.map {
      "\($0.rank) \($0.holding.ticker.canonical) \($0.composite)"
    }
    let shuffled = ([header] + lines.shuffled(using: &generator)).joined(separator: "\n")
    #expect(
      try run(shuffled).scores.map { "\($0.rank) \($0.holding.ticker.canonical) \($0.composite)" }
        == baseline
    )
  }

  /// Property: every row ends up scored, unmapped or rejected, exactly once.
  @Test(arguments: [1, 2, 3, 4] as [UInt64]) func everyRowIsAccountedForExactlyOnce(
    seed: UInt64
  ) throws {
    var generator = SeededGenerator(seed: seed)
    let cells = [
      "手术机器人", "office rental", "疫苗", "", "CRO services", "中成药", "=cmd", "\"quoted, text\"",
    ]
    let weights = ["1", "2.5%", "", "abc", "-3", "NaN", "0"]
    var lines = ["ticker,name,weight,description"]
    for index in 0..<200 {
      lines.append(
        "T\(index),N\(index),\(weights.randomElement(using: &generator)!),\(cells.randomElement(using: &generator)!)"
      )
    }
    let result = try run(lines.joined(separator: "\n"))
    let counts = result.accounting
    #expect(counts.read == 200)
    #expect(counts.read == counts.scored + counts.unmapped + counts.rejected)
    let seen =
      result.scores.map(\.holding.line) + result.unmapped.map(\.holding.line)
      + result.portfolio.rejects.map(\.line)
    #expect(seen.sorted() == Array(2...201))
  }

  @Test func severalPortfoliosAreRankedAndSummarisedApart() throws {
    let result = try run(
      "portfolio,ticker,weight,description\nB,X,1,医院\nA,Y,1,手术机器人\nA,Z,1,医院\n"
    )
    #expect(result.summaries.map(\.portfolio) == ["A", "B"])
    #expect(result.scores.map { "\($0.holding.portfolio)\($0.rank)" } == ["A1", "A2", "B1"])
  }

  @Test func portfoliosKeepTheirHoldingsWhenDuplicatesMergeOrTheListChanges() throws {
    let text =
      "portfolio,ticker,weight,description\nB,X,1,医院\nA,Y,1,手术机器人\nB,X,1,医院\nA,Z,1,医院\nB,W,2,医院\n"
    var read = try portfolio(text)
    let scoring = try ScoringModel(model: shippedModel, asOf: asOf)
    // As read, grouped by the reader's numbering; then with the holdings
    // reversed, which the numbering no longer fits, grouped afresh.
    let asRead = ScoreRun(portfolio: read, scoring: scoring, mapper: sharedMapper)
    read.holdings.reverse()
    let reversed = ScoreRun(portfolio: read, scoring: scoring, mapper: sharedMapper)
    for run in [asRead, reversed] {
      #expect(run.summaries.map { "\($0.portfolio) \($0.holdings)" } == ["A 2", "B 2"])
      let members = Dictionary(grouping: run.scores, by: \.holding.portfolio).mapValues {
        $0.map(\.holding.ticker.input).sorted()
      }
      #expect(members == ["A": ["Y", "Z"], "B": ["W", "X"]])
      #expect(run.scores.first { $0.holding.ticker.input == "X" }?.holding.mergedLines == [4])
    }
  }

  @Test func aHoldingInTwoSegmentsOfOneDomainCountsOnceForTheDomain() throws {
    let result = try run(
      "ticker,weight,segments\nX,3,medical-consumables:50%; general-medical-equipment:50%\nY,1,\n"
    )
    let exposures = try #require(result.summaries.first).exposures
    func row(_ dimension: PortfolioSummary.Exposure.Dimension, _ key: String) -> (Double, Int)? {
      exposures.first { $0.dimension == dimension && $0.key == key }.map {
        ($0.weight, $0.holdings)
      }
    }
    #expect(row(.segment, "medical-consumables")?.1 == 1)
    #expect(row(.segment, "general-medical-equipment")?.1 == 1)
    #expect(row(.domain, "medical-devices")?.1 == 1)
    #expect(abs((row(.domain, "medical-devices")?.0 ?? 0) - 0.75) < 1e-12)
    #expect(row(.domain, "unmapped")?.1 == 1)
    #expect(abs((row(.domain, "unmapped")?.0 ?? 0) - 0.25) < 1e-12)
  }

  /// A mapped segment's place among the model's ids only speeds its look-up:
  /// a place that is unknown, another segment's or out of range gives the
  /// same scores, exposures and coverage as the mapper's own.
  @Test func aMappedSegmentsPlaceChangesNothingButTheLookUp() throws {
    let holdings = try portfolio(
      """
      ticker,name,weight,description,segments
      A1,A,1,,surgical-robots:60;hospitals:40
      B1,B,2,化学发光 体外诊断试剂 for hospitals,
      C1,C,1,创新药 抗体药物,
      D1,D,1,汞血压计 mercury sphygmomanometers,
      """
    )
    let scoring = try ScoringModel(model: shippedModel, asOf: asOf)
    let ids = shippedModel.segmentIDs
    let outcomes = sharedMapper.map(holdings.holdings)
    let mapped = outcomes.flatMap { outcome -> [MappedSegment] in
      guard case .mapped(let mapping) = outcome else { return [] }
      return mapping.segments
    }
    #expect(mapped.count >= 5)
    for segment in mapped { #expect(ids[Int(segment.place)] == segment.segment) }
    func placed(_ place: @escaping (MappedSegment) -> Int32) -> [MappingOutcome] {
      outcomes.map { outcome in
        guard case .mapped(var mapping) = outcome else { return outcome }
        for index in mapping.segments.indices {
          mapping.segments[index].place = place(mapping.segments[index])
        }
        return .mapped(mapping)
      }
    }
    func seen(_ outcomes: [MappingOutcome]) -> String {
      let run = ScoreRun(portfolio: holdings, scoring: scoring, outcomes: outcomes)
      let scores = run.scores.map {
        "\($0.holding.ticker.input) \($0.rank) \($0.factors) \($0.composite) \($0.tier) "
          + "\($0.isExcluded) \($0.explanation)"
      }
      let exposures = run.summaries.flatMap(\.exposures).map {
        "\($0.dimension) \($0.key) \($0.weight) \($0.holdings) \($0.composite ?? -1)"
      }
      let domains = run.coverage.byDomain.sorted { $0.key.rawValue < $1.key.rawValue }.map {
        "\($0.key) \($0.value.holdings) \($0.value.weight)"
      }
      return (scores + exposures + domains).joined(separator: "\n")
    }
    let own = seen(outcomes)
    #expect(own.contains("hospitals"))
    #expect(seen(placed { _ in -1 }) == own)
    #expect(seen(placed { ($0.place + 1) % Int32(ids.count) }) == own)
    #expect(seen(placed { _ in Int32(ids.count) }) == own)
  }
}

@Suite struct ParallelTests {
  @Test(arguments: [0, 1, 2_047, 100_000])
  func mapGivesEveryResultInOrder(count: Int) {
    let texts = Parallel.map(count) { String(repeating: "x", count: $0 % 40) + "\($0)" }
    #expect(texts == (0..<count).map { String(repeating: "x", count: $0 % 40) + "\($0)" })
  }

  @Test func eachCoreKeepsAStateOfItsOwn() {
    // Each result is its index, its core's state's number and how many calls
    // that state had seen before it.
    let made = Mutex(0)
    func newState() -> (number: Int, calls: Int) {
      let number = made.withLock { count in
        count += 1
        return count
      }
      return (number, 0)
    }
    let results = Parallel.map(100_000, state: newState) { state, index in
      defer { state.calls += 1 }
      return (index: index, number: state.number, calls: state.calls)
    }
    #expect(results.map(\.index) == Array(0..<100_000))
    let byState = Dictionary(grouping: results, by: \.number)
    #expect(byState.count <= ProcessInfo.processInfo.activeProcessorCount)
    // A core takes its pieces in order, so its state saw its indices in order.
    for results in byState.values {
      #expect(results.map(\.calls) == Array(0..<results.count))
    }
  }
}

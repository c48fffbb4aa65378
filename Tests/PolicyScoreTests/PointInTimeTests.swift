import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import Testing

/// A run as of a date uses what was in force on it, and every number says
/// how sure it is.
@Suite struct PointInTimeTests {
  func scoring(_ day: String, edition: String? = nil) throws -> ScoringModel {
    try ScoringModel(model: shippedModel, edition: edition, asOf: PolicyScoreTests.day(day))
  }

  func instruments(_ segment: SegmentID, _ scoring: ScoringModel) -> Set<String> {
    Set(
      scoring.segmentScores[segment]?.financial[.domestic]?.contributions.map(
        \.instrument.rawValue
      ) ?? []
    )
  }

  @Test func theAsOfDateChoosesTheEditionInForce() throws {
    #expect(try scoring("2021-06-30").catalog.edition == "2019")
    #expect(try scoring("2024-01-31").catalog.edition == "2019")
    #expect(try scoring("2024-02-01").catalog.edition == "2024")
    #expect(try scoring("2024-06-30", edition: "2019").catalog.edition == "2019")
    #expect(throws: Diagnostic.self) { try scoring("2019-06-30") }
  }

  /// An instrument outside its window contributes nothing; the one in force
  /// then does.
  @Test func anInstrumentOutsideItsWindowContributesNothing() throws {
    let early = try scoring("2021-06-30")
    let late = try scoring("2024-06-30")
    #expect(instruments("innovative-drugs", early).contains("vat-anticancer-3pct-2018"))
    #expect(!instruments("innovative-drugs", early).contains("vat-anticancer-3pct"))
    #expect(!instruments("innovative-drugs", late).contains("vat-anticancer-3pct-2018"))
    #expect(instruments("innovative-drugs", late).contains("vat-anticancer-3pct"))
    // The 100% R&D deduction reached makers in 2021, services in 2023.
    #expect(instruments("generic-chemical-drugs", early).contains("rd-super-deduction"))
    #expect(!instruments("cro-services", early).contains("rd-super-deduction-all"))
    #expect(instruments("cro-services", late).contains("rd-super-deduction-all"))
    #expect(
      try instruments("cro-services", scoring("2020-06-30")).contains("rd-super-deduction-75pct")
    )
    // The spine round is not seen before its results.
    #expect(!instruments("orthopedic-implants", early).contains("vbp-spine"))
    #expect(instruments("orthopedic-implants", late).contains("vbp-spine"))
  }

  /// A dated substitution level holds from its date: the 2025 sequencer
  /// export ban does not push a 2020 run.
  @Test func substitutionLevelsHoldFromTheirDates() throws {
    let before = try #require(
      try scoring("2020-06-30").segmentScores["gene-protein-cell-diagnostics"]?.profile
    )
    let after = try #require(
      try scoring("2025-06-30").segmentScores["gene-protein-cell-diagnostics"]?.profile
    )
    #expect(before.push.id == "buy-domestic-general")
    #expect(after.push.id == "sequencer-export-ban")
    #expect(before.importShare.id == "sequencer-installed-share")
    // No import-share figure for imaging before 2021: neutral then.
    #expect(try scoring("2020-06-30").segmentScores["medical-imaging"]?.profile == nil)
    #expect(
      try scoring("2021-06-30").segmentScores["medical-imaging"]?.profile?.importShare.id
        == "assumed-high-value-import-share"
    )
    #expect(
      try scoring("2024-06-30").segmentScores["medical-imaging"]?.profile?.importShare.id
        == "ct-mri-foreign-bidding-share"
    )
  }

  /// A plan adds its priority bonus while in force: ordinary stents, named
  /// by the 2018-2020 plan and Made in China 2025, lose the bonus when both
  /// have expired.
  @Test func anExpiredPlanAddsNothing() throws {
    let during = try #require(try scoring("2020-06-30").segmentScores["coronary-interventional"])
    let after = try #require(try scoring("2026-06-30").segmentScores["coronary-interventional"])
    #expect(during.e == 60)
    #expect(Set(during.mentions.map(\.rawValue)) == ["ndrc-3yap-2018", "sc-mic2025"])
    #expect(after.e == 50)
    #expect(after.mentions.isEmpty)
  }

  /// Every fragment of an explanation carries its grade.
  @Test func everyFragmentOfAnExplanationIsGraded() throws {
    let result = try run("ticker,weight,segments,origin\nX1,1,medical-imaging,CN\n")
    let explanation = try #require(result.scores.first?.explanation)
    #expect(explanation.contains("[encouraged, ISAGC24-E4 高端医疗器械创新发展; secondary]: E 100"))
    #expect(explanation.contains("cit-hnte-15pct +"))
    #expect(explanation.contains("import share 0.75 secondary × push 0.89 assumption"))
    let segment = try #require(result.scoring.segmentScores["medical-imaging"])
    for part in try #require(segment.financial[.domestic]).contributions.prefix(4) {
      #expect(
        explanation.contains(
          "\(part.instrument) +\(format(part.points, decimals: 1)) \(part.grade)"
        )
      )
    }
    // An instrument on both sides says which side each part is.
    let drug = try run("ticker,weight,segments\nX2,1,antibody-drugs\n")
    let text = try #require(drug.scores.first?.explanation)
    #expect(
      text.contains("nrdl-negotiation (tailwind) +")
        && text.contains("nrdl-negotiation (headwind) -")
    )
  }

  /// The share of a score resting on recalled or assumed facts: for
  /// domestic surgical robots, E and F rest on secondary facts and D on an
  /// assumed push.
  @Test func theShareOnRecalledOrAssumedFactsIsMeasured() throws {
    let result = try run(
      "ticker,weight,segments,origin,china_revenue_share\nX1,1,surgical-robots,CN,1\n"
    )
    let score = try #require(result.scores.first)
    let segment = try #require(result.scoring.segmentScores["surgical-robots"])
    let support = try #require(segment.financial[.domestic])
    #expect(support.contributions.allSatisfy { !$0.grade.isUnsure })
    let e = 0.4 * (100 - 50)
    let f = 0.35 * support.contributions.reduce(0) { $0 + abs($1.points) }
    let d = 0.25 * (segment.d(for: .domestic) - 50)
    #expect(abs(score.grounding.unsureShare - d / (e + f + d)) < 1e-9)
    let reports = ReportSet(run: result, context: RunContext(toolVersion: "t", generatedAt: "g"))
    let rows = csvRows(try #require(reports.files["rankings.csv"]?.bytes))
    let column = try #require(rows[0].firstIndex(of: "recalled_or_assumed"))
    #expect(rows[1][column] == fixed(d / (e + f + d), decimals: 4))
  }

  /// Ordinary stents, priced down by procurement, are not high-end: a stent
  /// maker with no high-end product named is no tailwind; one whose text
  /// names bioresorbable scaffolds is.
  @Test func anOrdinaryStentMakerIsNoTailwindAndAHighEndOneIs() throws {
    let result = try run(
      """
      ticker,name,weight,description
      609001,甲,1,冠脉支架、球囊导管的研发与生产
      609002,乙,1,生物可吸收支架和药物涂层球囊
      300003.SZ,乐普医疗,1,
      """
    )
    let scores = Dictionary(
      uniqueKeysWithValues: result.scores.map { ($0.holding.ticker.input, $0) }
    )
    let ordinary = try #require(scores["609001"])
    #expect(ordinary.primarySegment == "coronary-interventional")
    #expect(!ordinary.tier.contains("tailwind"))
    let highEnd = try #require(scores["609002"])
    #expect(highEnd.primarySegment == "implant-interventional")
    #expect(highEnd.tier.contains("tailwind"))
    #expect(try #require(scores["300003.SZ"]).tier.contains("tailwind") == false)
  }

  /// Government procurement counts a foreign firm's China-made products as
  /// domestic: the file or the registry says so, and D follows.
  @Test func aForeignMakerInChinaTakesTheDomesticD() throws {
    let result = try run(
      """
      ticker,name,weight,origin,china_revenue_share,segments,made_in_china
      X1,Imported,1,US,100%,medical-imaging,
      X2,Made here,1,US,100%,medical-imaging,是
      GEHC,GE HealthCare,1,US,100%,medical-imaging,
      GEHC2,GE HealthCare,1,US,100%,medical-imaging,no
      """
    )
    let d = Dictionary(uniqueKeysWithValues: result.scores.map { ($0.holding.ticker.input, $0) })
    let segment = try #require(result.scoring.segmentScores["medical-imaging"])
    #expect(d["X1"]?.factors.d == segment.d(for: .foreign))
    #expect(d["X2"]?.factors.d == segment.d(for: .domestic))
    #expect(d["X2"]?.madeInChinaBasis == "file")
    #expect(d["GEHC"]?.madeInChinaBasis == "registry")
    #expect(d["GEHC"]?.factors.d == segment.d(for: .domestic))
    #expect(d["X2"]?.explanation.contains("made in China (file)") == true)
    #expect(d["X1"]?.factors.f == d["X2"]?.factors.f)
  }
}

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

/// The mapping methods above codes and text: the company registry, the
/// analyst's decisions and the review file that makes them; coverage; the
/// evaluation on the shipped label set.
@Suite struct ReviewLoopTests {
  func holding(
    _ ticker: String,
    _ name: String,
    _ description: String,
    codes: [String] = []
  )
    -> Holding
  {
    testHolding(ticker: ticker, name: name, description: description, codes: codes)
  }

  func mapped(_ outcome: MappingOutcome) throws -> Mapping {
    guard case .mapped(let mapping) = outcome else {
      Issue.record("unmapped: \(outcome)")
      throw CancellationError()
    }
    return mapping
  }

  @Test func theRegistryHoldsOverAHundredCompaniesWithSplitsThatSumToOne() {
    let companies = Set(shippedModel.registry.values.map(\.name))
    #expect(companies.count >= 100)
    for company in shippedModel.registry.values {
      #expect(abs(company.segments.reduce(0) { $0 + $1.share } - 1) < 0.005, "\(company.name)")
      #expect(
        company.fact.note?.isEmpty == false,
        "\(company.name) says where its split comes from"
      )
    }
    // A and H listings of one company share an entry, found by either ticker.
    #expect(shippedModel.registry["603259.SH"]?.name == shippedModel.registry["2359.HK"]?.name)
    #expect(
      Set(shippedModel.schemes.map(\.id)) == ["gbt4754", "csrc2012", "shenwan", "gics", "tushare"]
    )
  }

  @Test func theRegistryAnswersBeforeCodesAndText() throws {
    // Mindray's text is mostly monitors; the registry keeps its imaging and IVD.
    let mindray = holding("300760", "迈瑞医疗", "监护仪、呼吸机、麻醉机", codes: ["GB:3581"])
    let result = try mapped(sharedMapper.map(mindray))
    #expect(result.method == .registry)
    #expect(result.confidence == 0.9)
    #expect(
      result.segments.map(\.segment) == ["life-support", "novel-diagnostics", "medical-imaging"]
    )
    #expect(result.segments[0].evidence.hasPrefix("registry: 迈瑞医疗 Mindray, 40% (recalled)"))
    let withoutRegistry = Mapper(model: shippedModel, useRegistry: false)
    #expect(try mapped(withoutRegistry.map(mindray)).method == .industryCode)
  }

  /// A decision's fingerprint ignores white space at the description's
  /// ends, exactly Foundation's: a fingerprint taken by an older build still
  /// matches.
  @Test func theFingerprintTrimsWhatFoundationTrims() throws {
    let foundation = CharacterSet.whitespacesAndNewlines
    for value in UInt32(0)...0x10FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      #expect(scalar.isTrimmed == foundation.contains(scalar), "U+\(String(value, radix: 16))")
    }
    let company = holding("300760.SZ", "迈瑞医疗", "监护仪")
    var padded = company
    padded.description = "\u{3000}监护仪\u{200B}\n"
    #expect(Mapper.descriptionFingerprint(padded) == Mapper.descriptionFingerprint(company))
  }

  @Test func aDecisionBeatsTheRegistryAndIsFlaggedWhenTheDescriptionChanges() throws {
    let company = holding("300760.SZ", "迈瑞医疗", "监护仪、呼吸机、麻醉机")
    let decision = MappingDecision(
      ticker: "300760.SZ",
      action: .replace,
      segments: [SegmentShare(segment: "medical-imaging", share: 1)],
      reason: "imaging fund view",
      decidedBy: "li",
      decidedAt: "2026-11-20T08:00:00Z",
      descriptionFingerprint: Mapper.descriptionFingerprint(company)
    )
    let mapper = Mapper(model: shippedModel, decisions: [decision])
    let result = try mapped(mapper.map(company))
    #expect(result.method == .decision)
    #expect(result.segments.map(\.segment) == ["medical-imaging"])
    #expect(
      result.segments[0].evidence == "decision replace by li on 2026-11-20: imaging fund view"
    )
    #expect(result.borderline == nil)
    var changed = company
    changed.description = "监护仪、呼吸机、麻醉机、化学发光"
    let stale = try mapped(mapper.map(changed))
    #expect(stale.method == .decision)
    #expect(stale.borderline?.contains("re-review") == true)
    var reject = decision
    reject.action = .reject
    reject.segments = []
    guard
      case .outOfScope(let reason) = Mapper(model: shippedModel, decisions: [reject]).map(company)
    else {
      Issue.record("a rejected company must be out of scope")
      return
    }
    #expect(reason == "decision reject by li on 2026-11-20: imaging fund view")
  }

  @Test func legalSuffixesAreDroppedAndNonHealthcareWordsExclude() throws {
    #expect(sharedMapper.coreName("恒瑞医药股份有限公司") == "恒瑞医药")
    #expect(sharedMapper.coreName("Acme Medical Co., Ltd.") == "Acme Medical")
    #expect(sharedMapper.coreName("Foo Holdings plc") == "Foo")
    let developer = holding("DEV1", "康健医疗地产", "房地产开发经营，养老社区与医疗健康综合体")
    guard case .outOfScope(let reason) = sharedMapper.map(developer) else {
      Issue.record("a property developer must be out of scope")
      return
    }
    #expect(reason.contains("房地产开发"))
  }

  @Test func theSpecificBeatsTheGenericWithinADomain() throws {
    let result = try mapped(
      sharedMapper.map(holding("X", "", "体外诊断：化学发光免疫分析仪及试剂"))
    )
    #expect(result.segments.map(\.segment) == ["novel-diagnostics"])
  }

  @Test func codeAndTextDisagreeingIsBorderline() throws {
    // A retail-pharmacy code on a vaccine maker's description.
    let result = try mapped(sharedMapper.map(holding("X", "", "HPV疫苗、流感疫苗的研发与生产", codes: ["5251"])))
    #expect(result.segments.first?.segment == "vaccines")
    #expect(result.borderline?.hasPrefix("code gbt4754:5251 西药零售 and text disagree") == true)
    #expect(result.confidence == shippedModel.parameters.confidence.codeOnly)
  }

  @Test func coverageCountsByMethodDomainAndWeight() throws {
    let result = try run(
      """
      ticker,name,weight,description
      300760.SZ,迈瑞医疗,50,
      X1,甲,30,腔镜手术机器人
      X2,乙,20,奶茶连锁
      """
    )
    let coverage = MappingCoverage(run: result)
    #expect(coverage.mapped.holdings == 2)
    #expect(abs(coverage.weightShare - 0.8) < 1e-9)
    #expect(coverage.byMethod[.registry]?.holdings == 1)
    #expect(coverage.byMethod[.text]?.holdings == 1)
    // Holdings and weight alike by the primary segment's domain: Mindray's
    // primary segment is life support, a device.
    #expect(coverage.byDomain[.medicalDevices]?.holdings == 2)
    #expect(abs((coverage.byDomain[.medicalDevices]?.weight ?? 0) - 0.8) < 1e-9)
    #expect(coverage.unmapped.map(\.holding.ticker.canonical) == ["X2"])
    #expect(coverage.summary.hasPrefix("mapped 2/3 holdings, 80.0% of weight (registry 1, text 1)"))
  }

  @Test func aReviewFileListsTheUncertainAndReadsBackTheMarks() throws {
    let result = try run(
      """
      ticker,name,weight,description,industry_codes
      300760.SZ,迈瑞医疗,40,,
      X1,甲,30,HPV疫苗的研发与生产,5251
      X2,乙,20,奶茶连锁,
      X3,丙,10,腔镜手术机器人,
      """
    )
    let (bytes, count) = ReviewFile.render(run: result, below: 0.7, decided: [:])
    #expect(count == 2)  // the borderline X1 and the unmapped X2
    var rows = csvRows(bytes)
    let header = rows[0]
    #expect(Array(header.prefix(4)) == ["action", "segments", "reason", "ticker"])
    #expect(rows.count == 3)
    #expect(rows[1][3] == "X1" && rows[1][7].hasPrefix("borderline:"))
    #expect(rows[2][3] == "X2" && rows[2][7].hasPrefix("unmapped:"))
    rows[1][0] = "accept"
    rows[2][0] = "替换"
    rows[2][1] = "retail-pharmacies:70%; digital-health:30%"
    rows[2][2] = "milk tea chain with pharmacies"
    let edited = CSVWriter.render(
      header: header,
      rows: rows.dropFirst().map { $0.map { CSVCell.text($0) } }
    )
    let marked = ReviewFile.read(
      bytes: edited,
      file: "review.csv",
      knownSegments: Set(shippedModel.segmentIDs),
      decidedBy: "li",
      decidedAt: "2026-11-23T00:00:00Z"
    )
    #expect(marked.problems.isEmpty)
    #expect(marked.decisions.map(\.action) == [.accept, .replace])
    #expect(marked.decisions[0].segments.first?.segment == "vaccines")
    #expect(marked.decisions[1].segments.map { ($0.share * 100).rounded() } == [70, 30])
    #expect(marked.decisions[1].descriptionFingerprint.count == 64)
    // Decided companies leave the next review file, until their text changes.
    let decided = Dictionary(uniqueKeysWithValues: marked.decisions.map { ($0.ticker, $0) })
    #expect(ReviewFile.render(run: result, below: 0.7, decided: decided).count == 0)
  }

  /// An unmapped holding whose text points at a segment, too weakly to map
  /// by, gets that segment proposed: accepting it is one word.
  @Test func aWeakCandidateIsProposedForTheUnmapped() throws {
    let result = try run(
      """
      ticker,name,weight,description
      X1,甲,60,外科
      X2,乙,40,奶茶连锁
      """
    )
    #expect(result.unmapped.count == 2)
    let (bytes, _) = ReviewFile.render(
      run: result,
      below: 0.7,
      decided: [:],
      weakCandidates: sharedMapper.weakCandidates
    )
    var rows = csvRows(bytes)
    let proposed = try #require(rows[0].firstIndex(of: "proposed"))
    #expect(rows[1][3] == "X1" && rows[1][proposed] == "high-end-surgical-equipment:1")
    #expect(rows[2][3] == "X2" && rows[2][proposed] == "")
    rows[1][0] = "accept"
    rows[2][0] = "out-of-scope"
    let marked = ReviewFile.read(
      bytes: CSVWriter.render(header: rows[0], rows: rows.dropFirst().map { $0.map(CSVCell.text) }),
      file: "review.csv",
      knownSegments: Set(shippedModel.segmentIDs),
      decidedBy: "li",
      decidedAt: "2026-11-23T00:00:00Z"
    )
    #expect(marked.problems.isEmpty, "\(marked.problems)")
    #expect(marked.decisions.map(\.action) == [.accept, .reject])
    #expect(marked.decisions[0].segments.map(\.segment) == ["high-end-surgical-equipment"])
  }

  @Test func aBadMarkIsLocatedAndNothingIsRead() {
    let text = """
      action,segments,reason,ticker,proposed
      replace,medical-imagng:1,,X1,
      maybe,,,X2,vaccines:1
      accept,,,X3,
      """
    let marked = ReviewFile.read(
      bytes: Array(text.utf8),
      file: "review.csv",
      knownSegments: Set(shippedModel.segmentIDs),
      decidedBy: "li",
      decidedAt: "2026-11-23T00:00:00Z"
    )
    #expect(
      marked.problems.map(\.location?.description) == [
        "review.csv:2:2", "review.csv:3:1", "review.csv:4:5",
      ]
    )
    #expect(marked.problems[0].message.contains("did you mean 'medical-imaging'"))
    #expect(marked.problems[1].message.contains("not accept, reject or replace"))
    #expect(marked.problems[2].message.contains("nothing to accept"))
  }

  @Test func decisionsSurviveTheStoreBeingClosedAndOpenedAgain() throws {
    let path = try temporaryDirectory().appendingPathComponent("d.sqlite").path
    let decision = MappingDecision(
      ticker: "X1",
      action: .replace,
      segments: [
        SegmentShare(segment: "medical-imaging", share: 0.6),
        SegmentShare(segment: "life-support", share: 0.4),
      ],
      reason: "why",
      decidedBy: "li",
      decidedAt: "2026-11-23T00:00:00Z",
      descriptionFingerprint: "abc"
    )
    do {
      let store = try Store(path: path)
      try store.save([decision])
    }
    let reopened = try Store(path: path)
    #expect(try reopened.decisions().map(\.decision) == [decision])
  }

  /// A floor under the measured figures, so that a lexicon change that
  /// loses accuracy fails here: labels 95.8% and F1 85.3%, the held-out set
  /// 91.4% and F1 79.8%, the short vendor texts 93.7% and F1 78.9% with their
  /// codes, 89.5% and 80.7% without. (The held-out F1 was 80.2% before
  /// 医药零售 became a retail word: 马应龙's text says it runs retail
  /// pharmacies, which its label leaves out.)
  @Test(arguments: [
    ("labels.csv", 150, false, 0.95, 0.85), ("holdout.csv", 50, false, 0.91, 0.79),
    ("vendor-short.csv", 150, false, 0.93, 0.78), ("vendor-short.csv", 150, true, 0.89, 0.80),
  ])
  func theEvaluationSetsStayAboveTheirFloors(
    file: String,
    companies: Int,
    blankCodes: Bool,
    domain: Double,
    f1: Double
  ) throws {
    let url = fixturesURL.appendingPathComponent("mapping/\(file)")
    let evaluation = try MappingEvaluation(
      labels: Array(try Data(contentsOf: url)),
      file: file,
      model: shippedModel,
      mapper: Mapper(model: shippedModel, useRegistry: false, useUniverse: false),
      blankCodes: blankCodes
    )
    #expect(evaluation.cases.count >= companies)
    #expect(evaluation.domainAccuracy >= domain)
    #expect(evaluation.segmentCounts.f1 >= f1)
    #expect(evaluation.report().contains("confusion of primary domains"))
  }
}

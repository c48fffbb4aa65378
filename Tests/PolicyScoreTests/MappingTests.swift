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

@Suite struct MapperTests {
  @Test func mappingAcrossCoresGivesTheOutcomesOfMappingOneByOne() throws {
    let descriptions = ["手术机器人", "医院", "medical imaging", "化学原料药", "real estate", "公司"]
    var text = "ticker,weight,description\n"
    for row in 0..<6000 { text += "\(609_000 + row),1,\(descriptions[row % 6]) \(row)\n" }
    let holdings = try portfolio(text).holdings
    #expect(holdings.count == 6000)
    #expect(sharedMapper.map(holdings) == holdings.map { sharedMapper.map($0) })
  }

  let mapper = sharedMapper

  func holding(
    name: String = "",
    description: String = "",
    codes: [String] = [],
    split: [SegmentShare]? = nil
  ) -> Holding {
    testHolding(name: name, description: description, codes: codes, split: split)
  }

  func mapping(_ holding: Holding) throws -> Mapping {
    guard case .mapped(let mapping) = mapper.map(holding) else {
      Issue.record("unmapped: \(mapper.map(holding))")
      throw CancellationError()
    }
    return mapping
  }

  @Test func anExplicitSplitComesFirst() throws {
    let result = try mapping(
      holding(description: "手术机器人", split: [SegmentShare(segment: "hospitals", share: 1)])
    )
    #expect(result.method == .explicit)
    #expect(result.confidence == 1)
    #expect(result.segments.map(\.segment) == ["hospitals"])
    #expect(result.segments[0].evidence == "split given in the file: 100%")
  }

  @Test func anIndustryCodeNarrowsAndTheTextChooses() throws {
    let result = try mapping(holding(description: "腔镜手术机器人研发与生产", codes: ["GB:3581"]))
    #expect(result.method == .industryCode)
    #expect(result.confidence == 0.85)
    #expect(result.segments.map(\.segment) == ["surgical-robots"])
    #expect(result.segments[0].evidence.contains("code gbt4754:3581"))
    #expect(result.segments[0].evidence.contains("'腔镜手术机器人'"))
  }

  @Test func anIndustryCodeAloneGivesItsDefaultSegment() throws {
    let result = try mapping(holding(name: "Some Co", codes: ["2740"]))
    #expect(result.method == .industryCode)
    #expect(result.confidence == 0.55)
    #expect(result.segments.map(\.segment) == ["ordinary-tcm"])
    #expect(result.segments[0].evidence.contains("default segment"))
  }

  @Test func shenwanNamesWithLevelMarksResolve() throws {
    let result = try mapping(holding(name: "X", codes: ["申万:中药Ⅱ"]))
    #expect(result.segments.map(\.segment) == ["ordinary-tcm"])
  }

  @Test func textInEnglishAndChineseMaps() throws {
    #expect(
      try mapping(holding(description: "da Vinci robotic-assisted surgical systems")).segments
        .first?.segment == "surgical-robots"
    )
    #expect(
      try mapping(holding(description: "血液制品：人血白蛋白")).segments.first?.segment == "blood-products"
    )
  }

  @Test func theOrdinaryVersionOfABusinessMapsToTheAllowedSegment() throws {
    let ordinary = try mapping(holding(description: "中成药生产与销售"))
    #expect(ordinary.segments.map(\.segment) == ["ordinary-tcm"])
    #expect(ordinary.segments[0].evidence.contains("'中成药'"))
    let classical = try mapping(holding(description: "古代经典名方复方制剂"))
    #expect(classical.segments.map(\.segment) == ["tcm-classical-formulas"])
    #expect(classical.segments[0].evidence.contains("'古代经典名方'"))
    let generics = try mapping(holding(description: "generic injectables and tablets"))
    #expect(generics.segments.first?.segment == "generic-chemical-drugs")
    let modified = try mapping(holding(description: "改良型新药与缓控释制剂"))
    #expect(modified.segments.contains { $0.segment == "modified-new-drugs" })
    #expect(!modified.segments.contains { $0.segment == "generic-chemical-drugs" })
  }

  @Test func aNegativeTermRulesASegmentOut() throws {
    let result = try mapping(holding(description: "兽用疫苗与动物保健"))
    #expect(result.segments.map(\.segment) == ["veterinary-drugs"])
  }

  @Test func shortASCIITermsMatchWholeWordsOnly() {
    guard case .unmapped(let reason) = mapper.map(holding(description: "product acts")) else {
      Issue.record("'CT' matched inside a word")
      return
    }
    #expect(reason.contains("no segment keyword"))
  }

  @Test func theSpecificTermWinsOverTheGenericWordInsideIt() throws {
    let result = try mapping(holding(description: "laparoscopic surgical robot"))
    #expect(result.segments.map(\.segment) == ["surgical-robots"])
  }

  @Test func confidenceComesFromTheMarginToTheRunnerUp() throws {
    let clear = try mapping(holding(description: "CAR-T cell therapy"))
    // Two strong terms, 3 each; the one named first gets the lead bonus, 1.
    let split = try mapping(holding(description: "疫苗与血液制品"))
    #expect(clear.confidence == 0.9)
    let margin = (4.0 - 3.0) / 4.0
    #expect(split.confidence == 0.4 + 0.5 * margin)
    #expect(split.segments.map(\.segment) == ["vaccines", "blood-products"])
    let shares: [Double] = [4.0 / 7.0, 3.0 / 7.0]
    #expect(split.segments.map(\.share) == shares)
  }

  @Test func aGeneralSegmentYieldsButSiblingsStandSideBySide() throws {
    let diagnostics = try mapping(holding(description: "体外诊断：化学发光免疫分析仪及试剂"))
    #expect(diagnostics.segments.map(\.segment) == ["novel-diagnostics"])
    let drugs = try mapping(holding(description: "化学药制剂和创新药"))
    #expect(drugs.segments.map(\.segment) == ["generic-chemical-drugs", "innovative-drugs"])
  }

  @Test func onlyAStrongTermOverrulesTheIndustryCode() throws {
    let result = try mapping(holding(description: "向医院配送药品", codes: ["SW:医药流通"]))
    #expect(result.segments.map(\.segment) == ["pharma-distribution"])
    #expect(result.borderline == nil)
  }

  @Test func aStrongTermTheCodeAllowsKeepsItsSegment() throws {
    // Four imaging terms against one for radiotherapy: by the keep ratio
    // alone the linac business would be dropped (5 against 8.25).
    let result = try mapping(
      holding(
        description: "主要产品包括CT、磁共振、PET/CT、X射线产品和医用直线加速器",
        codes: ["SW:医疗设备"]
      )
    )
    #expect(result.segments.map(\.segment) == ["medical-imaging", "radiotherapy"])
    #expect(result.segments[1].evidence == "code shenwan:医疗设备; text chose: '直线加速器'")
  }

  @Test(arguments: [[], [7], [3, 1, 2, 0], [4, 3, 2, 1, 0], [1, 0xFFFF], Array(0..<9)])
  func evidenceNamesEveryWordInOrderHoweverItIsKept(terms: [Int]) {
    let words = TermWords((0...0xFFFF).map { "w\($0)" })
    let quoted = terms.map { "'w\($0)'" }.joined(separator: ", ")
    var list = TermList()
    for term in terms { list.append(term) }
    #expect(Array(list) == terms)
    // Kept in the segment (up to three words below 65,535, nothing before
    // or after), else in an object of its own: written the same either way.
    let text = Evidence.reading(
      .text,
      terms: list,
      words: words,
      identified: "",
      note: "",
      score: 3.5,
      isLead: true
    )
    #expect(text.description == "text: \(quoted) (score 3.5, named first)")
    let codes = CodeList(
      listedAs: true,
      codes: [
        IndustryCode(
          scheme: "shenwan",
          code: "医疗设备",
          name: nil,
          fact: Fact(grade: .assumption, sources: []),
          defaultSegment: "medical-imaging",
          candidates: []
        )
      ]
    )
    for (identified, note) in [("", ""), ("identified by name as X; ", "; side")] {
      let outside = Evidence.reading(
        .outsideCodes,
        terms: list,
        words: words,
        identified: identified,
        note: note,
        codes: codes,
        isLead: false
      )
      #expect(
        outside.description
          == "\(identified)text: \(quoted), outside the segments of listed as shenwan:医疗设备\(note)"
      )
      let chose = Evidence.reading(
        .codeChose,
        terms: list,
        words: words,
        identified: identified,
        note: note,
        codes: CodeList(listedAs: false, codes: codes.codes),
        isLead: true
      )
      #expect(
        chose.description
          == "\(identified)code shenwan:医疗设备; text chose: \(quoted) (named first)\(note)"
      )
    }
  }

  @Test func theBusinessNamedFirstLeads() throws {
    let reversed = try mapping(holding(description: "主营血液制品和疫苗业务"))
    #expect(reversed.segments.map(\.segment) == ["blood-products", "vaccines"])
    #expect(reversed.segments[0].evidence == "text: '血液制品' (score 4, named first)")
    #expect(reversed.segments[1].evidence == "text: '疫苗' (score 3)")
  }

  @Test func aTherapeuticAreaCountsButDoesNotLead() throws {
    // 'oncology' (an area of innovative-drugs) comes first, but the antibody
    // is the business: it alone gets the lead bonus, and the area alone is
    // too far behind to be kept.
    let result = try mapping(holding(description: "immuno-oncology: monoclonal antibodies"))
    #expect(result.segments.map(\.segment) == ["antibody-drugs"])
    #expect(result.segments[0].evidence.hasSuffix("(score 4, named first)"))
  }

  @Test func aSideClauseNamesNoBusiness() throws {
    let both = try mapping(holding(description: "公司主营中成药，医药流通业务。"))
    #expect(both.segments.map(\.segment) == ["ordinary-tcm", "pharma-distribution"])
    // 另有 ("also has") and 兼营 ("also runs") open a side clause, 在研 a
    // pipeline: nothing in it is matched, up to the next comma or full stop.
    let side = try mapping(holding(description: "公司主营中成药，另有医药流通业务。"))
    #expect(side.segments.map(\.segment) == ["ordinary-tcm"])
    #expect(side.segments[0].evidence.hasSuffix("; not counted after '另有': '医药流通'"))
    let afterTheClause = try mapping(
      holding(description: "主营中成药，兼营医药批发，并经营血液制品。")
    )
    #expect(afterTheClause.segments.map(\.segment) == ["ordinary-tcm", "blood-products"])
    // Nor does an exclusion in a side clause put the company outside healthcare.
    #expect(
      mapper.map(holding(description: "公司主营疫苗，房地产开发业务"))
        == .outOfScope(
          reason: "the text says '房地产开发', which puts the company outside healthcare"
        )
    )
    let vaccines = try mapping(holding(description: "公司主营疫苗，另有房地产开发业务"))
    #expect(vaccines.segments.map(\.segment) == ["vaccines"])
    #expect(vaccines.segments[0].evidence.hasSuffix("not counted after '另有': '房地产开发'"))
    let pipeline = try mapping(holding(description: "单克隆抗体药物，在研ADC管线"))
    #expect(pipeline.segments.map(\.segment) == ["antibody-drugs"])
  }

  @Test func anUnmappedHoldingSaysWhy() {
    #expect(
      mapper.map(holding(name: "Acme Property", description: "office buildings"))
        == .unmapped(reason: "no industry code, and no segment keyword in the name or description")
    )
    guard case .unmapped(let reason) = mapper.map(holding(description: "medical")) else {
      Issue.record("a weak term mapped alone")
      return
    }
    #expect(reason.contains("weak terms"))
  }

  @Test func weakTermsThatTieNameTheSameSegmentInEveryProcess() {
    // Two weak terms, one point each: the segment first by id is named,
    // whatever order this process's hashing gives the candidates.
    #expect(
      mapper.map(holding(description: "医药 biologics products"))
        == .unmapped(
          reason:
            "text matched only weak terms ('biologics' for biologics-general; score 1 below 2)"
        )
    )
  }

  @Test func anUnknownCodeIsNotedAndTheTextStillMaps() throws {
    let result = try mapping(
      holding(description: "CRO clinical trial services", codes: ["GB:9999"])
    )
    #expect(result.method == .text)
    #expect(result.segments[0].evidence.contains("'GB:9999' not in the concordance"))
  }
}

/// What an analyst's name-only export holds: 200 listings drawn from the
/// universe, healthcare and other A-shares, Hong Kong and US names.
@Suite struct IdentificationTests {
  /// Every 5th healthcare listing and every 40th other one, in ticker order,
  /// up to 200: the same file every run.
  static let sample: [Listing] = {
    let all = shippedModel.universe.listings.values.sorted { $0.ticker < $1.ticker }
    let healthcare = all.filter(\.isHealthcare).enumerated().filter { $0.offset % 5 == 0 }
    let other = all.filter { !$0.isHealthcare }.enumerated().filter { $0.offset % 40 == 0 }
    return Array((healthcare.map(\.element) + other.map(\.element)).prefix(200))
  }()

  static func file(_ listings: [Listing], tickers: Bool) -> String {
    var lines = [tickers ? "证券代码,证券简称,持仓占比(%)" : "证券简称,持仓占比(%)"]
    for listing in listings {
      let name = listing.nameZH.isEmpty ? listing.nameEN : listing.nameZH
      lines.append((tickers ? "\(listing.ticker)," : "") + "\"\(name)\",0.5")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func aNameOnlyExportIsIdentifiedMappedOrPutOutOfScope() throws {
    let sample = Self.sample
    #expect(sample.count == 200)
    #expect(
      sample.contains { $0.ticker.hasSuffix(".HK") }
        && sample.contains { $0.ticker.hasSuffix(".US") }
    )
    #expect(sample.filter(\.isHealthcare).count > 100)
    let result = try run(Self.file(sample, tickers: true))
    let scored = Set(result.scores.map(\.holding.ticker.canonical))
    let outside = Set(result.outOfScope.map(\.holding.ticker.canonical))
    #expect(result.unmapped.isEmpty, "\(result.unmapped.prefix(5))")
    for listing in sample {
      #expect(
        listing.isHealthcare ? scored.contains(listing.ticker) : outside.contains(listing.ticker),
        "\(listing.ticker) \(listing.displayName)"
      )
    }
    #expect(
      result.accounting.description
        == "rows read 200 = scored \(scored.count) + out of scope \(outside.count) + unmapped 0 + rejected 0"
    )
  }

  @Test func theSameNamesWithoutTickersAreIdentifiedNineteenTimesInTwenty() throws {
    let sample = Self.sample
    let portfolio = try portfolio(Self.file(sample, tickers: false))
    var identified = 0
    for (holding, listing) in zip(portfolio.holdings, sample) {
      if case .listing(let found, true) = sharedMapper.identify(holding),
        found.ticker == listing.ticker
          || found.sameCompany.contains(listing.ticker)
          || listing.sameCompany.contains(found.ticker)
      {
        identified += 1
      }
    }
    #expect(Double(identified) / Double(sample.count) >= 0.95, "\(identified) of \(sample.count)")
  }

  @Test(arguments: [
    ("*ST康美", "600518.SH"), ("XD同仁堂", "600085.SH"), ("恒瑞医药股份有限公司", "600276.SH"),
    ("Jiangsu Hengrui Medicine Co., Ltd.", "600276.SH"), ("百济神州-U", "688235.SH"),
    ("微创医疗", "0853.HK"), ("Innovent Biologics", "1801.HK"), ("N 恒瑞医药", "600276.SH"),
  ])
  func aNameIsFoundWithoutItsMarksAndLegalForm(_ name: String, _ ticker: String) throws {
    let found = sharedMapper.identify(testHolding(ticker: "", name: name)).listing
    #expect(
      found?.ticker == ticker || found?.sameCompany.contains(ticker) == true,
      "\(String(describing: found))"
    )
  }

  /// Names the same to Unicode (a compatibility ideograph and its unified
  /// form, a Hangul syllable and its letters) find each other: a faster
  /// lookup of folded names must keep that.
  @Test(arguments: [
    ("\u{8C48}山医药", "\u{F900}山医药"), ("한미약품", "\u{1112}\u{1161}\u{11AB}미약품"),
    ("恒瑞医药", "恒瑞医药股份有限公司"),
  ])
  func aNameFindsItsListingWhicheverUnicodeFormItIsIn(_ listed: String, _ held: String) {
    var universe = Universe(namePrefixes: [], nameSuffixes: ["股份有限公司"])
    universe.add(
      Listing(
        ticker: "600001.SH",
        nameZH: listed,
        nameEN: "",
        fullNameZH: "",
        codes: [],
        industry: "医药制造业",
        isHealthcare: true,
        sameCompany: [],
        fact: Fact(grade: .assumption, sources: [])
      )
    )
    #expect(universe.listings(named: held).map(\.ticker) == ["600001.SH"])
    #expect(universe.listings(named: "其他公司").isEmpty)
  }

  /// Letters that grow when lower-cased ('İ', 'Ⱥ': two bytes, then three)
  /// fold as lower case has them, however many a name has.
  @Test func aNameFoldsToItsLowerCaseEvenWhereThatIsLonger() {
    #expect(Universe.fold("İÇ Ⱥ-Ⱦ Pharma Ａ１") == "i\u{307}çⱥⱦpharmaa1")
    #expect(Universe.fold(String(repeating: "Ⱥ", count: 40)) == String(repeating: "ⱥ", count: 40))
  }

  /// A mark is dropped only before a Chinese character (U+3400 on): not
  /// from an English name, nor before a Chinese bracket or space.
  @Test func aMarkIsDroppedOnlyBeforeAChineseName() {
    let universe = Universe(namePrefixes: ["N", "ST"], nameSuffixes: [])
    func key(_ name: String) -> String {
      universe.withKey(name) { String(decoding: $0, as: UTF8.self) }
    }
    #expect(key("N恒瑞") == "恒瑞")
    #expect(key("ST \u{3400}") == "\u{3400}")
    #expect(key("Novartis") == "novartis")
    #expect(key("N「恒瑞」") == "n恒瑞")
    #expect(key("N\u{33FF}") == "n")
  }

  @Test func aNameOfTwoCompaniesIsBorderlineNotAGuess() throws {
    let universe = shippedModel.universe
    let shared = universe.listings.values.first { universe.listings(named: $0.nameZH).count > 1 }
    let name = try #require(shared?.nameZH)
    guard case .ambiguous(let listings) = sharedMapper.identify(testHolding(ticker: "", name: name))
    else {
      Issue.record("'\(name)' names several companies but was taken for one")
      return
    }
    #expect(listings.count > 1)
  }

  @Test func aHoldingOutsideHealthcareSaysWhy() throws {
    let moutai = sharedMapper.map(testHolding(ticker: "600519.SH", name: "贵州茅台"))
    guard case .outOfScope(let reason) = moutai else {
      Issue.record("Moutai was not out of scope: \(moutai)")
      return
    }
    #expect(reason.contains("白酒") && reason.contains("outside healthcare"))
    // The same ticker with a text that names a healthcare business is
    // mapped, and borderline.
    let odd = sharedMapper.map(testHolding(ticker: "600519.SH", name: "贵州茅台", description: "医院"))
    guard case .mapped(let mapping) = odd else {
      Issue.record("\(odd)")
      return
    }
    #expect(mapping.borderline?.contains("outside healthcare") == true)
  }

  /// A ticker and a name of two different companies: the ticker is taken,
  /// and the mapping is borderline, naming both, for review.
  @Test func aTickerAndANameOfTwoCompaniesAreBorderline() throws {
    let mixed = try #require(
      sharedMapper.map(testHolding(ticker: "300760.SZ", name: "恒瑞医药")).mapping
    )
    #expect(mixed.method == .registry)
    #expect(
      mixed.borderline?.contains("300760.SZ") == true
        && mixed.borderline?.contains("600276.SH") == true
    )
    // Outside healthcare by its ticker, a healthcare company by its name:
    // not put out of scope unseen.
    let outcome = sharedMapper.map(testHolding(ticker: "600519.SH", name: "恒瑞医药"))
    if case .outOfScope = outcome { Issue.record("\(outcome)") }
    // The same company under its other listing is no conflict.
    let fosun = try #require(
      sharedMapper.map(testHolding(ticker: "2196.HK", name: "复星医药")).mapping
    )
    #expect(fosun.borderline == nil)
  }

  @Test func everyHealthcareListingHasASegmentMix() {
    let missing = shippedModel.universe.listings.values
      .filter { $0.isHealthcare && shippedModel.registry[$0.ticker] == nil }
      .map { "\($0.ticker) \($0.displayName)" }.sorted()
    #expect(missing.isEmpty, "\(missing.prefix(10))")
  }

  /// An entry graded an assumption (we are not sure of the company) maps a
  /// holding whose text is silent, at a code-only confidence, and yields to
  /// a text that names the business.
  @Test func anEntryWeAreNotSureOfYieldsToTheText() throws {
    let unsure = try #require(
      shippedModel.registry.values.filter { $0.fact.grade == .assumption }
        .min { $0.tickers[0] < $1.tickers[0] }
    )
    let silent = try #require(
      sharedMapper.map(testHolding(ticker: unsure.tickers[0], name: "")).mapping
    )
    #expect(silent.method == .registry)
    #expect(silent.confidence == shippedModel.parameters.confidence.codeOnly)
    #expect(silent.segments.map(\.segment) == unsure.segments.map(\.segment))
    let named = try #require(
      sharedMapper.map(testHolding(ticker: unsure.tickers[0], name: "", description: "手术机器人"))
        .mapping
    )
    #expect(named.method != .registry)
    #expect(named.segments.first?.segment == "surgical-robots")
    // A recalled entry answers whatever the text says.
    let recalled = try #require(
      sharedMapper.map(testHolding(ticker: "300760.SZ", name: "", description: "手术机器人")).mapping
    )
    #expect(recalled.method == .registry)
  }
}

extension MappingOutcome {
  var mapping: Mapping? {
    if case .mapped(let mapping) = self { return mapping }
    return nil
  }
}

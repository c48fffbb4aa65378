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

@Suite struct CSVScannerTests {
  func records(_ text: String, delimiter: UInt8? = nil) -> [CSVScanner.Record] {
    var scanner = CSVScanner(bytes: Array(text.utf8), delimiter: delimiter)
    var out: [CSVScanner.Record] = []
    while let record = scanner.next() { out.append(record) }
    return out
  }

  @Test(arguments: [
    (" 600276 ", "600276"),
    ("\u{3000}恒瑞医药\u{3000}", "恒瑞医药"),
    ("\u{A0}\t可穿戴 设备\r\n", "可穿戴 设备"),
    ("   ", ""),
    ("", ""),
    ("医疗器械", "医疗器械"),
    ("a\u{3000}b", "a\u{3000}b"),
  ])
  func cellsLoseSpacesOnlyAtTheirEdges(_ cell: String, _ expected: String) {
    #expect(RowReader.trimmed(cell) == expected)
  }

  @Test func readsQuotedFieldsWithDelimitersQuotesAndNewlines() {
    let rows = records("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\nlast,,end\n")
    #expect(
      rows.map(\.fields) == [
        ["a", "b", "c"], ["x, y", "say \"hi\"", "line1\nline2"], ["last", "", "end"],
      ]
    )
    #expect(rows.map(\.line) == [1, 2, 4])
  }

  @Test func skipsBlankLinesAndAByteOrderMarkAndAcceptsCRLineEnds() {
    let rows = records("\u{FEFF}h1,h2\r\r\n  \nv1,v2\rv3,v4")
    #expect(rows.map(\.fields) == [["h1", "h2"], ["v1", "v2"], ["v3", "v4"]])
    #expect(rows.map(\.line) == [1, 4, 5])
  }

  @Test(arguments: [
    ("a;b;c\n1;2;3\n", UInt8(ascii: ";")), ("a\tb\n1\t2\n", 0x09), ("a|b\n", UInt8(ascii: "|")),
    ("a,\"x;y\"\n", UInt8(ascii: ",")),
  ])
  func detectsTheDelimiter(_ text: String, _ delimiter: UInt8) {
    #expect(CSVScanner(bytes: Array(text.utf8)).delimiter == delimiter)
  }

  /// A cell is trimmed of Unicode's white space, which the table decides
  /// without Unicode's tables for ASCII and Chinese text.
  @Test func whiteSpaceIsUnicodesWhiteSpaceForEveryScalar() {
    for value in UInt32(0)...0x10_FFFF {
      guard let scalar = Unicode.Scalar(value) else { continue }
      #expect(CSVTable.isWhitespace(scalar) == scalar.properties.isWhitespace, "U+\(value)")
    }
  }

  @Test func anUnterminatedQuoteIsAProblemNotACrash() {
    // The quote does not close: its line alone is the problem, and the
    // line after it is read as a record of its own.
    let rows = records("a,b\n1,\"open\n2,3\n")
    #expect(rows.count == 3)
    #expect(rows[1].problem == .unterminatedQuote(field: 2))
    #expect(rows[1].raw == "1,\"open")
    #expect(rows[2].fields == ["2", "3"] && rows[2].line == 3)
  }

  @Test func invalidUTF8IsReportedWithItsField() {
    var bytes = Array("a,b\n1,".utf8)
    bytes += [0xC3, 0x28, 0x0A]
    var scanner = CSVScanner(bytes: bytes)
    _ = scanner.next()
    #expect(scanner.next()?.problem == .invalidText(field: 2))
  }

  /// Property: any table written by CSVWriter reads back identical; fields
  /// long enough to be scanned eight bytes at a time, and short ones.
  @Test(arguments: [1, 2, 3, 4, 5] as [UInt64]) func writtenTablesReadBackIdentical(seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    let alphabet = Array("ab,\"\n\r 中文;\t=+-@x1")
    for _ in 0..<50 {
      let columns = Int.random(in: 1...5, using: &generator)
      let header = (0..<columns).map { "h\($0)" }
      let rows: [[String]] = (0..<Int.random(in: 1...8, using: &generator)).map { _ in
        (0..<columns).map { _ in
          // Leading formula characters are neutralised on write, so start with a letter.
          "v"
            + String(
              (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
              }
            )
        }
      }
      let bytes = CSVWriter.render(header: header, rows: rows.map { $0.map { CSVCell.text($0) } })
      #expect(csvRows(bytes) == [header] + rows)
    }
  }
}

/// Manifests, job folders and the store stamp times as Foundation's
/// formatter would, to the second: 10,000 times from 1900 to 2100, some
/// just before a second, a day or a year ends.
@Test func aTimestampIsWhatFoundationsFormatterWrites() {
  let formatter = ISO8601DateFormatter()
  var state: UInt64 = 23
  var mismatches: [String] = []
  for index in 0..<10_000 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    let seconds = Double(Int64(state >> 31) % 6_311_390_400) - 2_208_988_800
    let date = Date(timeIntervalSince1970: index % 3 == 0 ? seconds.rounded(.down) - 0.25 : seconds)
    if date.timestamp != formatter.string(from: date) {
      mismatches.append("\(date.timestamp) \(formatter.string(from: date))")
    }
  }
  for text in ["2026-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2000-02-29T00:00:00Z"] {
    guard let date = formatter.date(from: text) else { continue }
    #expect(date.addingTimeInterval(0.999).timestamp == text)
  }
  #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
}

@Suite struct ValueParserTests {
  /// The fast path for plain decimals gives `Double(text)` to the last bit:
  /// 200,000 random decimals of 1 to 15 digits, the point anywhere.
  @Test func plainDecimalsReadToTheBitAsStrtodReadsThem() throws {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    var mismatches: [String] = []
    for _ in 0..<200_000 {
      let count = 1 + next(15)
      var text = String((0..<count).map { _ in Character(String(next(10))) })
      let point = next(count + 2)
      if point <= count { text.insert(".", at: text.index(text.startIndex, offsetBy: point)) }
      if ValueParser.plainDecimal(text) != Double(text) { mismatches.append(text) }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    // Beyond 15 digits, or not plain: the general path.
    #expect(ValueParser.plainDecimal("1234567890123456") == nil)
    #expect(ValueParser.plainDecimal("1,234") == nil)
    #expect(ValueParser.plainDecimal(".") == nil)
    #expect(ValueParser.plainDecimal("1.2.3") == nil)
    #expect(try ValueParser.number("0.0004")?.value == 0.0004)
  }
}

@Suite struct PortfolioReaderTests {
  @Test func readsChineseHeadersAndPercentWeights() throws {
    let result = try portfolio(
      "证券代码,证券简称,持仓占比(%),主营业务\n300760,迈瑞医疗,6.5%,监护仪\n688271.SH,联影医疗,3.5%,医学影像\n"
    )
    #expect(result.holdings.count == 2)
    #expect(result.weightBasis == .percent)
    #expect(result.holdings[0].ticker.canonical == "300760.SZ")
    #expect(abs(result.holdings[0].weight - 0.065) < 1e-12)
    #expect(result.holdings[1].description == "医学影像")
  }

  @Test func fractionsAndMarketValuesAreDetected() throws {
    let fractions = try portfolio("ticker,weight\nA,0.6\nB,0.4\n")
    #expect(fractions.weightBasis == .fraction)
    #expect(fractions.holdings.map(\.weight) == [0.6, 0.4])
    let values = try portfolio("ticker,市值\nA,\"3,000\"\nB,1000\n")
    #expect(values.weightBasis == .marketValue)
    #expect(values.holdings.map(\.weight) == [0.75, 0.25])
  }

  @Test func percentNumbersWithoutSignsAreDetectedFromTheirSum() throws {
    let result = try portfolio("ticker,weight\nA,60\nB,40\n")
    #expect(result.weightBasis == .percent)
    #expect(result.holdings.map(\.weight) == [0.6, 0.4])
  }

  struct BadRow: CustomTestStringConvertible, Sendable {
    var row: String
    var column: String
    var reason: String
    var testDescription: String { reason }
  }

  static let badRows: [BadRow] = [
    BadRow(row: "X,Xco,,", column: "weight", reason: "weight is blank"),
    BadRow(row: "X,Xco,abc,", column: "weight", reason: "'abc' is not a number"),
    BadRow(row: "X,Xco,NaN,", column: "weight", reason: "'NaN' is not a finite number"),
    BadRow(row: "X,Xco,-1,", column: "weight", reason: "weight is negative"),
    BadRow(row: ",,1,", column: "ticker", reason: "neither a ticker nor a name"),
    BadRow(
      row: "X,Xco,1,surgical-robot:100",
      column: "segments",
      reason: "unknown segment 'surgical-robot'; did you mean 'surgical-robots'?"
    ),
    BadRow(
      row: "X,Xco,1,hospitals:0.5; :",
      column: "segments",
      reason: "':' names no segment"
    ),
    BadRow(row: "X,Xco,1,,extra", column: "", reason: "row has 5 fields but the header has 4"),
    BadRow(row: "X,Xco,150%,", column: "weight", reason: "weight 150.0% is above 100%"),
  ]

  @Test(arguments: badRows) func rejectsABadRowWithLineColumnAndReasonAndKeepsTheRest(
    _ bad: BadRow
  ) throws {
    let text = "ticker,name,weight,segments\nA,Aco,1,\n\(bad.row)\nB,Bco,2,\n"
    let result = try portfolio(text)
    #expect(result.rowsRead == 3)
    #expect(result.holdings.map(\.ticker.input) == ["A", "B"])
    let reject = try #require(result.rejects.first)
    #expect(result.rejects.count == 1)
    #expect(reject.line == 3)
    #expect(reject.column == bad.column)
    #expect(reject.reason == bad.reason)
    #expect(reject.raw == bad.row)
  }

  @Test func strictModeStopsAtTheFirstBadRow() {
    do throws(PortfolioError) {
      _ = try portfolio("ticker,weight\nA,1\nB,oops\nC,alsobad\n", strict: true)
      Issue.record("strict mode read on")
    } catch {
      guard case .rejected(let file, let row) = error else {
        Issue.record("expected the first rejected row, got \(error)")
        return
      }
      #expect(file == "inline.csv" && row.line == 3 && row.column == "weight")
      #expect(
        error.description
          == "inline.csv:3:3: error: row rejected (column 'weight'): 'oops' is not a number"
      )
    }
  }

  @Test func aMissingColumnErrorListsTheNamesThatWouldHaveWorked() {
    do {
      _ = try portfolio("ticker,name\nA,B\n")
      Issue.record("no error")
    } catch {
      #expect(error.description.contains("no weight or market value column"))
      #expect(error.description.contains("'持仓占比'"))
      #expect(error.description.hasPrefix("inline.csv:1:1: error:"))
    }
  }

  @Test func readsUTF16WithAByteOrderMark() throws {
    let text = "ticker,name,weight\n600276,恒瑞医药,1\n"
    var bytes: [UInt8] = [0xFF, 0xFE]
    for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
    let result = try PortfolioReader(knownSegments: []).read(bytes: bytes, file: "u16.csv")
    #expect(result.holdings.first?.name == "恒瑞医药")
    #expect(result.holdings.first?.ticker.canonical == "600276.SH")
  }

  @Test func readsOptionalColumns() throws {
    let result = try portfolio(
      "ticker,name,weight,industry_codes,origin,china_revenue_share,segments,portfolio\nISRG,Intuitive,1,GB:3584;SW:医疗设备,US,6%,surgical-robots:3;high-end-surgical-equipment:1,fund-a\n"
    )
    let holding = try #require(result.holdings.first)
    #expect(holding.industryCodes == ["GB:3584", "SW:医疗设备"])
    #expect(holding.origin == .foreign)
    #expect(holding.chinaShare == 0.06)
    #expect(
      holding.split == [
        SegmentShare(segment: "surgical-robots", share: 0.75),
        SegmentShare(segment: "high-end-surgical-equipment", share: 0.25),
      ]
    )
    #expect(holding.portfolio == "fund-a")
  }

  /// Lists are split at the same places whatever the cell's script: a
  /// split or codes cell in ASCII is cut by its bytes, the others by their
  /// characters, as every cell was.
  @Test func listCellsSplitAsByTheirCharacters() {
    func byCharacters(_ text: String) -> [String] {
      text.split(whereSeparator: { ";|；、,，".contains($0) })
        .map { RowReader.trimmed(String($0)) }.filter { !$0.isEmpty }
    }
    let pieces = [
      "a", "b", " ", "\t", ";", "|", ",", ":", "0.6", "%", "；", "、", "，", "\u{3000}", "医",
      "\r\n", "e\u{301}", ";\u{301}",
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let text = (0..<Int.random(in: 0...8, using: &generator))
        .map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
      #expect(CellList.split(text) == byCharacters(text), "\(Array(text.unicodeScalars))")
    }
    #expect(
      CellList.split(" hospitals:60% ; cro-services:40%,") == ["hospitals:60%", "cro-services:40%"]
    )
  }

  /// A split's part is cut and trimmed the same whatever its script.
  @Test func aSplitsPartsAreCutAsByTheirCharacters() {
    let pieces = ["a", " ", "\t", ":", "0.6", "\u{3000}", "医", ":\u{301}", "\u{A0}"]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2_000 {
      let part = (0..<Int.random(in: 0...6, using: &generator))
        .map { _ in pieces.randomElement(using: &generator) ?? "" }.joined()
      let byCharacters = part.split(separator: ":", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      #expect(SegmentSplit.pieces(of: part) == byCharacters, "\(Array(part.unicodeScalars))")
    }
  }

  @Test func aSplitsSegmentsAndSharesAreTrimmedOfSpacesAndTabs() throws {
    let known: Set<SegmentID> = ["hospitals", "cro-services"]
    let expected = [
      SegmentShare(segment: "hospitals", share: 0.6),
      SegmentShare(segment: "cro-services", share: 0.4),
    ]
    #expect(
      try SegmentSplit.parse("hospitals : 0.6;\tcro-services:\t0.4", known: known) == expected
    )
    #expect(
      try SegmentSplit.parse("hospitals\u{3000}:0.6；cro-services:0.4", known: known) == expected
    )
    #expect(throws: SegmentSplit.Problem.self) {
      try SegmentSplit.parse("hospital:0.6;cro-services:0.4", known: known)
    }
  }
}

@Suite struct TickerTests {
  @Test(arguments: [
    ("600276", "600276.SH"), ("600276.SS", "600276.SH"), ("SH600276", "600276.SH"),
    ("sh.600276", "600276.SH"), ("300760", "300760.SZ"), ("300760.SZ", "300760.SZ"),
    ("830799", "830799.BJ"), ("00700.HK", "0700.HK"), ("700 HK", "0700.HK"), ("2269.HK", "2269.HK"),
    ("ISRG", "ISRG.US"), ("ISRG US", "ISRG.US"), ("MDT.N", "MDT.US"), ("SHL.DE", "SHL.DE"),
  ])
  func normalisesTheCommonForms(_ input: String, _ canonical: String) {
    #expect(Ticker(input).canonical == canonical)
  }

  /// The market decides a foreign or domestic origin when the file gives none.
  @Test(arguments: [
    ("600276", "SH"), ("sh.600276", "SH"), ("830799", "BJ"), ("700 HK", "HK"), ("MDT.N", "US"),
    ("SHL.DE", "DE"), ("2269 HK EQUITY", "HK"), ("US0378331005", "US"), ("CNE1000002H1", "CN"),
    ("ＩＳＲＧ", "US"), ("ABC.日本", "日本"), ("A.B.C", nil), ("", nil),
  ])
  func knowsTheMarket(_ input: String, _ market: String?) {
    #expect(Ticker(input).market == market)
  }
}

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

@Suite struct ReportTests {
  let context = RunContext(toolVersion: "test", generatedAt: "2026-11-23T00:00:00Z")

  @Test func everyReportHasItsDocumentedColumns() throws {
    let reports = ReportSet(run: try run("ticker,weight,description\nA,1,医院\n"), context: context)
    let headers = ReportSet.fileNames.filter { $0.hasSuffix(".csv") }.map { name in
      csvRows(reports.files[name]?.bytes ?? []).first ?? []
    }
    #expect(headers[0].prefix(5) == ["portfolio", "rank", "ticker", "ticker_input", "name"])
    #expect(headers[0].contains("main_reason") && headers[0].contains("explanation_keys"))
    #expect(headers[0].suffix(3) == ["line", "evidence_keys", "borderline"])
    #expect(headers[1] == ["explanation_key", "segment", "origin", "explanation"])
    #expect(headers[2] == ["evidence_key", "segment", "evidence"])
    #expect(
      headers[3] == [
        "portfolio", "dimension", "key", "label", "weight", "holdings", "segment_composite",
      ]
    )
    #expect(
      headers[4] == ["scope", "key", "holdings", "holdings_share", "weight_share", "note"]
    )
    #expect(
      headers[5] == [
        "portfolio", "line", "ticker", "name", "weight", "industry_codes", "description", "reason",
      ]
    )
    #expect(headers[6] == ["portfolio", "line", "ticker", "name", "weight", "reason"])
    #expect(headers[7] == ["line", "column", "reason", "raw"])
  }

  /// A holding's row names each segment's evidence by key; `evidence.csv`
  /// gives each key once, with the evidence the mapping recorded.
  ///
  /// E's one term names two segments: the same evidence, one key per segment.
  @Test func theRankingsEvidenceKeysLeadToEachSegmentsEvidence() throws {
    let run = try run(
      """
      ticker,weight,description,industry_code
      A,1,医院,
      B,1,医院,
      C,1,体外诊断 化学发光 与 医院,
      D,1,药品零售连锁,gbt4754:3586
      E,1,配方颗粒,
      """
    )
    let reports = ReportSet(run: run, context: context)
    let rankings = csvRows(reports.files["rankings.csv"]?.bytes ?? [])
    let evidence = csvRows(reports.files["evidence.csv"]?.bytes ?? []).dropFirst()
    let byKey = Dictionary(evidence.map { ($0[0], ($0[1], $0[2])) }) { first, _ in first }
    #expect(byKey.count == evidence.count, "a key written twice")
    #expect(Set(evidence.map { "\($0[1]) \($0[2])" }).count == evidence.count)
    let header = try #require(rankings.first)
    func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
    let ticker = try column("ticker")
    let keys = try column("evidence_keys")
    let borderline = try column("borderline")
    #expect(rankings.count == run.scores.count + 1 && run.scores.count == 5)
    for row in rankings.dropFirst() {
      let score = try #require(run.scores.first { $0.holding.ticker.canonical == row[ticker] })
      let named = row[keys].split(separator: ";").map { byKey[String($0)] }
      #expect(
        named.map { $0?.0 } == score.mapping.segments.map(\.segment.rawValue)
          && named.map { $0?.1 } == score.mapping.segments.map(\.evidence),
        "\(row[ticker]): \(row[keys])"
      )
      #expect(row[borderline] == score.mapping.borderline ?? "")
    }
    // A and B share their evidence.
    let shared = rankings.filter { ["A.US", "B.US"].contains($0[ticker]) }.map { $0[keys] }
    #expect(shared.count == 2 && shared[0] == shared[1] && !shared[0].isEmpty)
    #expect(rankings.contains { !$0[borderline].isEmpty && $0[ticker] == "D.US" })
    let twoSegments = try #require(rankings.first { $0[ticker] == "E.US" })[keys]
    #expect(twoSegments.split(separator: ";").count == 2)
  }

  @Test func theTerminalSummaryShowsEachPortfoliosOwnTopHoldings() throws {
    let run = try run(
      """
      portfolio,ticker,weight,description
      beta,609001,50,医院
      alpha,609002,40,体外诊断
      beta,609003,50,高端医学影像设备
      alpha,609004,60,医院
      """
    )
    let lines = TerminalSummary(run: run, top: 1).text.split(separator: "\n").map(String.init)
    // Per portfolio: its line, the exposure line, the grounding line, the
    // table header, one row.
    func topTicker(_ portfolio: String) -> String? {
      guard let start = lines.firstIndex(where: { $0.hasPrefix("portfolio \(portfolio):") }),
        start + 4 < lines.count
      else { return nil }
      return lines[start + 4].split(separator: " ").dropFirst().first.map(String.init)
    }
    let alpha = run.scores.first { $0.holding.portfolio == "alpha" && $0.rank == 1 }
    let beta = run.scores.first { $0.holding.portfolio == "beta" && $0.rank == 1 }
    #expect(topTicker("alpha") == alpha?.holding.ticker.canonical)
    #expect(topTicker("beta") == beta?.holding.ticker.canonical)
    #expect(alpha?.holding.ticker.canonical != beta?.holding.ticker.canonical)
  }

  @Test func filesOpenInExcelWithABOMAndCRLF() throws {
    let reports = ReportSet(
      run: try run("ticker,name,weight,description\nA,联影医疗,1,医学影像\n"),
      context: context
    )
    let bytes = try #require(reports.files["rankings.csv"]?.bytes)
    #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
    #expect(String(decoding: bytes, as: UTF8.self).contains("\r\n"))
  }

  @Test func textThatASpreadsheetWouldRunIsNeutralised() throws {
    let reports = ReportSet(
      run: try run(
        "ticker,name,weight,description\n\"=1+2\",\"@SUM(A1)\",0.5,\"-医院\"\n+X,\"=HYPERLINK(\"\"x\"\")\",0.5,office\n"
      ),
      context: context
    )
    let rankings = csvRows(reports.files["rankings.csv"]?.bytes ?? [], plain: false)
    #expect(rankings[1][2] == "'=1+2")
    #expect(rankings[1][4] == "'@SUM(A1)")
    let unmapped = csvRows(reports.files["unmapped.csv"]?.bytes ?? [], plain: false)
    #expect(unmapped[1][2] == "'+X")
    #expect(unmapped[1][3] == "'=HYPERLINK(\"x\")")
    // Numbers stay plain numbers.
    #expect(rankings[1][5] == "0.500000")
  }

  @Test func theSameInputsGiveByteIdenticalReportsApartFromTheManifest() throws {
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("Examples/portfolio.csv"),
      encoding: .utf8
    )
    let first = ReportSet(run: try run(text), context: context)
    let second = ReportSet(
      run: try run(text),
      context: RunContext(toolVersion: "test", generatedAt: "later")
    )
    for name in ReportSet.fileNames where name != "manifest.json" {
      #expect(first.files[name]?.bytes == second.files[name]?.bytes, "\(name)")
    }
  }

  @Test func rejectsCarryLineColumnReasonAndRawText() throws {
    let reports = ReportSet(run: try run("ticker,weight\nA,1\nB,oops\n"), context: context)
    #expect(
      csvRows(reports.files["rejects.csv"]?.bytes ?? []).last == [
        "3", "weight", "'oops' is not a number", "B,oops",
      ]
    )
  }

  @Test func writingReplacesItsOwnFolderWhole() throws {
    let directory = try temporaryDirectory().appendingPathComponent("out")
    try ReportFolder.write(["stale.csv": ReportFile(Array("old".utf8))], to: directory)
    try ReportSet(run: try run("ticker,weight,description\nA,1,医院\n"), context: context).write(
      to: directory
    )
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    #expect(names == (ReportSet.fileNames + [OutputFolder.markerName]).sorted())
    let siblings = try FileManager.default.contentsOfDirectory(
      atPath: directory.deletingLastPathComponent().path
    )
    #expect(siblings == ["out"])
  }

  /// Golden files: `RECORD_GOLDEN=1 swift test` rewrites them.
  ///
  /// `mappings.csv` is what `policyscore map --format csv` prints.
  @Test(arguments: ["rankings.csv", "evidence.csv", "exposures.csv", "mappings.csv"])
  func matchesTheGoldenReport(_ name: String) throws {
    let input = try String(
      contentsOf: fixturesURL.appendingPathComponent("small-portfolio.csv"),
      encoding: .utf8
    )
    let run = try run(input)
    let reports = ReportSet(run: run, context: context)
    let actual = try #require(
      name == "mappings.csv" ? ReportSet.mappings(run).bytes : reports.files[name]?.bytes
    )
    let golden = fixturesURL.deletingLastPathComponent().appendingPathComponent(
      "Golden/small-\(name)"
    )
    if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] != nil {
      try Data(actual).write(to: golden)
    }
    let expected = try Data(contentsOf: golden)
    if Array(expected) != actual {
      let expectedLines = String(decoding: expected, as: UTF8.self).components(separatedBy: "\r\n")
      let actualLines = String(decoding: actual, as: UTF8.self).components(separatedBy: "\r\n")
      let diff = zip(expectedLines, actualLines).enumerated().filter {
        $0.element.0 != $0.element.1
      }
      .prefix(5).map { "line \($0.offset + 1):\n- \($0.element.0)\n+ \($0.element.1)" }
      Issue.record("\(name) differs from Golden/small-\(name):\n\(diff.joined(separator: "\n"))")
    }
  }
}

@Suite struct CSVWriterTests {
  @Test func cellsAreQuotedNeutralisedAndNumbersWrittenPlain() {
    let bytes = CSVWriter.render(
      header: ["a", "b"],
      rows: [
        [.text("=SUM(A1)"), .text("x, \"y\"")],
        [.text(" padded"), .text("-2 \"q\"")],
        [.text("多行\n文本"), .empty],
        [.number(2.5, decimals: 0), .number(-0.004, decimals: 2)],
        [.number(-1.005, decimals: 1), .number(0.000_001, decimals: 6)],
        [.integer(-42), .number(123_456.789, decimals: 3)],
      ]
    )
    #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
    let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
    #expect(
      text
        == "a,b\r\n'=SUM(A1),\"x, \"\"y\"\"\"\r\n\" padded\",\"'-2 \"\"q\"\"\"\r\n\"多行\n文本\",\r\n"
        + "3,0.00\r\n-1.0,0.000001\r\n-42,123456.789\r\n"
    )
  }
}

extension CSVWriterTests {
  @Test func aFileRenderedInBatchesAcrossCoresMatchesOneRenderedRowByRow() {
    // 5,000 rows: above the size at which the rows are split across cores.
    let rows: [[CSVCell]] = (0..<5000).map {
      [.integer($0), .text("name, \($0)"), .number(Double($0) / 7, decimals: 3)]
    }
    let header = ["i", "name", "x"]
    // Batches of 1,500 rows, the last one short, each split across the cores.
    let file = ReportFile.csv(header: header, rows: rows.count, bytesPerRow: 8, batchRows: 1500) {
      csv,
      index in
      for cell in rows[index] { csv.append(cell) }
    }
    var pieces = 0
    file.write { _ in pieces += 1 }
    #expect(pieces > 4)
    #expect(file.bytes == CSVWriter.render(header: header, rows: rows))
  }

  /// The scan eight bytes at a time finds what a byte-by-byte one finds,
  /// wherever in a cell the byte lies and whatever surrounds it.
  @Test func theWordScanFindsWhatTheByteScanFinds() {
    var generator = SystemRandomNumberGenerator()
    let alphabet: [UInt8] =
      [
        0x22, 0x2C, 0x0A, 0x0D, 0x09, 0x01, 0x1F, 0x20, 0x21, 0x2B, 0x2D, 0x41, 0x7F, 0x80, 0xE5,
        0xFF,
      ]
    for _ in 0..<20_000 {
      let length = Int.random(in: 0...40, using: &generator)
      var bytes = (0..<length).map { _ in UInt8(ascii: "a") }
      for _ in 0..<Int.random(in: 0...2, using: &generator) where length > 0 {
        bytes[Int.random(in: 0..<length, using: &generator)] =
          alphabet.randomElement(using: &generator) ?? 0
      }
      let quote = bytes.contains { $0 == 0x2C || $0 == 0x0A || $0 == 0x0D }
      let rewrite = bytes.contains {
        $0 == 0x22 || ($0 < 0x20 && ![0x09, 0x0A, 0x0D].contains($0))
      }
      let found = bytes.withUnsafeBufferPointer { CSVBuilder.scan($0) }
      #expect(found.quote == quote && found.rewrite == rewrite, "\(bytes)")
    }
  }

  @Test func aFileWhoseWritingFailsStopsAtTheFailure() {
    struct Full: Error {}
    let file = ReportFile.csv(header: ["i"], rows: 5000, bytesPerRow: 8, batchRows: 1000) {
      csv,
      index in
      csv.integer(index)
    }
    var calls = 0
    #expect(throws: Full.self) {
      try file.write { _ throws(Full) in
        calls += 1
        if calls == 3 { throw Full() }
      }
    }
    #expect(calls == 3)
  }
}

@Suite struct SupportTests {
  /// The reports' numbers read as the C library writes them, rounded half
  /// away from zero: leading zeros, the point, the sign, trimmed zeros.
  @Test(arguments: [
    (0.0, 2, false, "0.00"), (0.05, 2, false, "0.05"), (-1.25, 1, false, "-1.3"),
    (-0.001, 2, false, "0.00"), (97.5, 2, false, "97.50"), (97.5, 2, true, "97.5"),
    (100.0, 4, true, "100"), (0.000004, 6, false, "0.000004"),
    (123_456_789_012, 0, false, "123456789012"),
    (-8_999_999_999_999_999_000, 0, false, "-8999999999999998976"), (0.5, 0, false, "1"),
    (1e19, 1, false, "10000000000000000000.0"),
  ])
  func numbersAreWrittenAsTheCLibraryRoundsThem(
    _ value: Double,
    _ decimals: Int,
    _ trimmed: Bool,
    _ text: String
  ) {
    #expect(NumberText.string(value, decimals: decimals, trimmed: trimmed) == text)
  }

  /// Ranges numbered apart and merged number the values as one pass would:
  /// what keeps the explanations' and evidence's order the same on any
  /// number of cores.
  @Test func numberingsMergedInOrderNumberAsOnePass() {
    var generator = SeededGenerator(seed: 7)
    let items = (0..<500).map { _ in
      (0..<Int.random(in: 0...3, using: &generator)).map { _ in
        Int.random(in: 0..<40, using: &generator)
      }
    }
    func numbering(_ range: Range<Int>) -> Numbering<Int> {
      var numbering = Numbering<Int>()
      for item in items[range] {
        for value in item { numbering.add(value) }
        numbering.endItem()
      }
      return numbering
    }
    let whole = numbering(0..<500)
    for cuts in [[0, 500], [0, 1, 500], [0, 123, 124, 400, 500]] {
      let parts = zip(cuts, cuts.dropFirst()).map { numbering($0..<$1).sealed() }
      let (merged, firstIn) = Numbering.merged(parts)
      #expect(merged.values == whole.values)
      #expect(items.indices.allSatisfy { merged.of($0) == whole.of($0) })
      #expect(firstIn.map { parts[$0.part].values[$0.number] } == whole.values)
    }
  }

  /// The evidence's numbering numbers texts as a numbering of strings
  /// would, merged from any cuts: 3,000 distinct texts grow its table
  /// several times, and texts one a prefix of another, or a byte apart, stay
  /// apart.
  @Test func textNumberingsMergedInOrderNumberAsOnePassOfStrings() {
    var generator = SeededGenerator(seed: 11)
    let pool = (0..<3000).map { "hospitals text: 'term \($0)'" } + ["", "a", "ab", "b", "ab "]
    let items = (0..<6000).map { _ in
      (0..<Int.random(in: 0...3, using: &generator)).map { _ in
        pool.randomElement(using: &generator)!
      }
    }
    var strings = Numbering<String>()
    for item in items {
      for text in item { strings.add(text) }
      strings.endItem()
    }
    func numbering(_ range: Range<Int>) -> TextNumbering {
      var numbering = TextNumbering()
      for item in items[range] {
        for text in item { Array(text.utf8).withUnsafeBufferPointer { numbering.add($0) } }
        numbering.endItem()
      }
      return numbering
    }
    for cuts in [[0, 6000], [0, 1, 6000], [0, 1234, 1235, 4000, 6000]] {
      let parts = zip(cuts, cuts.dropFirst()).map { numbering($0..<$1).sealed() }
      let merged = TextNumbering.merged(parts)
      #expect(merged.count == strings.values.count)
      #expect(
        (0..<merged.count).map { String(decoding: merged.text($0), as: UTF8.self) }
          == strings.values
      )
      #expect(items.indices.allSatisfy { merged.of($0) == strings.of($0) })
      let sealed = merged.sealed(keepingTexts: false)
      #expect(sealed.count == 0 && items.indices.allSatisfy { sealed.of($0) == strings.of($0) })
    }
  }

  /// Two texts whose SHA-256 begin with the same 10 hex digits (found by a
  /// birthday search) get keys of 16; the others keep 10, a text met twice
  /// keeps one key, and every key is the same however the list is ordered.
  @Test func keysOfTextsWhoseDigestsBeginAlikeTakeMoreDigits() {
    let texts = [
      "hospitals text: 'term 355000'", "hospitals text: 'term 1'",
      "hospitals text: 'term 2065445'", "hospitals text: 'term 1'",
    ]
    let keys = SHA256.keys("M", count: texts.count) { Array(texts[$0].utf8) }
    let other = "M" + SHA256.hex(of: Array(texts[1].utf8)).prefix(10)
    #expect(keys == ["Mdc35f901f7e0426f", other, "Mdc35f901f776dbd8", other])
    let reversed = SHA256.keys("M", count: texts.count) { Array(texts.reversed()[$0].utf8) }
    #expect(reversed == keys.reversed())
  }

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func sha256MatchesTheStandardVectors(_ input: String, _ digest: String) {
    #expect(SHA256.hex(of: Array(input.utf8)) == digest)
  }

  /// Around the padding's edges: the length fits in the last block, or
  /// needs one more (`printf '%55s' | tr ' ' a | sha256sum`).
  @Test(arguments: [
    (55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
    (63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
    (64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    (119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"),
  ])
  func sha256PadsEveryLength(_ length: Int, _ digest: String) {
    #expect(SHA256.hex(of: Array(repeating: UInt8(ascii: "a"), count: length)) == digest)
  }

  @Test func sha256WithTheCPUExtensionsMatchesThePortableCode() {
    var generator = SystemRandomNumberGenerator()
    for length in [0, 1, 55, 56, 63, 64, 65, 127, 128, 1000, 100_003] {
      let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
      var portable = SHA256(accelerated: false)
      var fast = SHA256()
      // Uneven pieces, so partial blocks are carried between updates.
      for piece in stride(from: 0, to: length, by: 37) {
        portable.update(bytes[piece..<min(length, piece + 37)])
      }
      fast.update(bytes)
      #expect(fast.finalizeHex() == portable.finalizeHex(), "length \(length)")
    }
  }

  @Test func daysRejectImpossibleDates() {
    #expect(Day("2024-02-29") != nil)
    #expect(Day("2023-02-29") == nil)
    #expect(Day("2024-13-01") == nil)
    #expect(Day("24-01-01") == nil)
  }
}

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

let importFixtures = fixturesURL.appendingPathComponent("import")

/// What one fixture must import, reject and say.
struct ImportCase: CustomTestStringConvertible, Sendable {
  var file: String
  var tickers: [String] = []
  var weights: [Double] = []
  var format: String? = nil
  /// Expected rejects: line, column, and words of the reason.
  var rejects: [(Int, String, String)] = []
  var error: String? = nil
  var sheet: String? = nil
  var maxRecordBytes: Int? = nil
  var testDescription: String { file + (sheet.map { " [\($0)]" } ?? "") }
}

let standardTickers = ["600276.SH", "300760.SZ", "2269.HK", "ISRG.US", "603882.SH"]
let standardWeights = [0.3, 0.25, 0.2, 0.15, 0.1]

func standard(_ file: String, format: String? = nil) -> ImportCase {
  ImportCase(file: file, tickers: standardTickers, weights: standardWeights, format: format)
}

func oneBadRow(_ file: String, column: String, reason: String, line: Int = 3) -> ImportCase {
  ImportCase(
    file: file,
    tickers: ["600276.SH", "300760.SZ"],
    weights: [0.5, 0.3],
    rejects: [(line, column, reason)]
  )
}

@Suite struct ImportFixtureTests {
  static let wellFormed: [ImportCase] = [
    standard("utf8.csv", format: "csv utf-8 ','"),
    standard("utf8-bom-crlf.csv", format: "csv utf-8 ','"),
    standard("gb18030.csv", format: "csv gb18030 ','"),
    standard("utf16le-tab.txt", format: "csv utf-16le tab"),
    standard("utf16be.csv", format: "csv utf-16be ','"),
    standard("semicolon.csv", format: "csv utf-8 ';'"),
    standard("tab.tsv", format: "csv utf-8 tab"),
    standard("pipe.txt", format: "csv utf-8 '|'"),
    standard("cr-only.csv"),
    standard("trailing-delimiters.csv"),
    standard("blank-lines.csv"),
    standard("fractions.csv"),
    standard("market-value-only.csv"),
    standard("chinese-headers.csv"),
    standard("fullwidth.csv"),
    standard("quoted-embedded.csv"),
    standard("choice-units.csv", format: "csv gb18030 ','"),
    standard("bloomberg.csv"),
    standard("workbook.xlsx", format: "xlsx sheet '持仓明细'"),
    ImportCase(
      file: "wind-export.csv",
      tickers: standardTickers,
      weights: standardWeights,
      format: "csv gb18030 ','",
      rejects: [(9, "", "a totals line, not a holding"), (10, "", "a note line, not a holding")]
    ),
    ImportCase(
      file: "multi-portfolio.csv",
      tickers: ["600276.SH", "300760.SZ", "ISRG.US", "603882.SH"],
      weights: [0.6, 0.4, 0.5, 0.5]
    ),
    ImportCase(file: "duplicates.csv", tickers: ["600276.SH", "300760.SZ"], weights: [0.5, 0.5]),
    ImportCase(
      file: "custodian-isin.csv",
      tickers: ["CNE0000014W7", "US0378331005"],
      weights: [0.75, 0.25]
    ),
  ]

  static let malformed: [ImportCase] = [
    oneBadRow("bad-weight.csv", column: "weight", reason: "'abc' is not a number"),
    oneBadRow("nan-weight.csv", column: "weight", reason: "'NaN' is not a finite number"),
    oneBadRow("div0-weight.csv", column: "weight", reason: "'#DIV/0!' is not a finite number"),
    oneBadRow("negative-weight.csv", column: "weight", reason: "weight is negative"),
    oneBadRow("blank-weight.csv", column: "weight", reason: "weight is blank"),
    oneBadRow("over-100.csv", column: "weight", reason: "weight 150.0% is above 100%"),
    oneBadRow("extra-fields.csv", column: "", reason: "row has 5 fields but the header has 4"),
    oneBadRow("no-identifier.csv", column: "ticker", reason: "neither a ticker nor a name"),
    oneBadRow(
      "bad-isin.csv",
      column: "ticker",
      reason: "ISIN 'US0378331006' fails its check digit"
    ),
    oneBadRow(
      "unknown-segment.csv",
      column: "segments",
      reason: "unknown segment 'surgical-robot'; did you mean 'surgical-robots'?"
    ),
    oneBadRow("bad-origin.csv", column: "origin", reason: "origin 'Mars' is neither domestic"),
    oneBadRow(
      "bad-china-share.csv",
      column: "china_revenue_share",
      reason: "China revenue share must be within 0...100%"
    ),
    oneBadRow("invalid-utf8.csv", column: "name", reason: "bytes that are not valid text"),
    oneBadRow("invalid-gb18030.csv", column: "name", reason: "bytes that are not valid text"),
    ImportCase(
      file: "long-row.csv",
      tickers: ["600276.SH", "300760.SZ"],
      weights: [0.5, 0.3],
      rejects: [(3, "", "row longer than 200 bytes")],
      maxRecordBytes: 200
    ),
    ImportCase(
      file: "unterminated-quote.csv",
      tickers: ["600276.SH", "300760.SZ"],
      weights: [0.5, 0.3],
      rejects: [(3, "description", "does not close on this line")]
    ),
    ImportCase(file: "missing-weight-column.csv", error: "no weight or market value column"),
    ImportCase(file: "duplicate-column.csv", error: "header '代码' names a column already given"),
    ImportCase(file: "empty.csv", error: "the file has no header row"),
    ImportCase(file: "title-only.csv", error: "no ticker or name column"),
    ImportCase(file: "not-a-workbook.xlsx", error: "not a readable .xlsx workbook"),
    ImportCase(file: "workbook.xlsx", error: "no sheet 'Holdings'", sheet: "Holdings"),
    ImportCase(file: "workbook.xlsx", error: "no ticker or name column", sheet: "Notes"),
  ]

  func read(_ item: ImportCase) throws(PortfolioError) -> Portfolio {
    var reader = PortfolioReader(knownSegments: Set(shippedModel.segmentIDs), sheet: item.sheet)
    if let limit = item.maxRecordBytes { reader.maxRecordBytes = limit }
    return try reader.read(contentsOf: importFixtures.appendingPathComponent(item.file))
  }

  @Test(arguments: wellFormed + malformed) func importsWhatItShouldAndRejectsTheRestWithAMessage(
    _ item: ImportCase
  ) throws {
    if let expected = item.error {
      do {
        _ = try read(item)
        Issue.record("\(item.file) imported")
      } catch {
        #expect(error.description.contains(expected), "\(error.description)")
        #expect(error.description.contains(item.file))
      }
      return
    }
    let portfolio = try read(item)
    #expect(portfolio.holdings.map(\.ticker.canonical) == item.tickers)
    for (actual, expected) in zip(portfolio.holdings.map(\.weight), item.weights) {
      #expect(abs(actual - expected) < 1e-12, "\(portfolio.holdings.map(\.weight))")
    }
    if let format = item.format { #expect(portfolio.format == format) }
    #expect(portfolio.rejects.count == item.rejects.count, "\(portfolio.rejects)")
    for (reject, (line, column, reason)) in zip(portfolio.rejects, item.rejects) {
      #expect(reject.line == line)
      #expect(reject.column == column)
      #expect(reject.reason.contains(reason), "\(reject.reason)")
    }
    // Every row accounted for exactly once.
    let rows = portfolio.holdings.reduce(0) { $0 + $1.rowCount } + portfolio.rejects.count
    #expect(rows == portfolio.rowsRead)
  }

  @Test func theSamePortfolioInFiveFormatsGivesIdenticalReports() throws {
    let context = RunContext(toolVersion: "test", generatedAt: "now")
    var reports: [[String: [UInt8]]] = []
    for file in ["utf8.csv", "gb18030.csv", "utf16le-tab.txt", "semicolon.csv", "workbook.xlsx"] {
      let portfolio = try PortfolioReader(knownSegments: Set(shippedModel.segmentIDs))
        .read(contentsOf: importFixtures.appendingPathComponent(file))
      let result = ScoreRun(
        portfolio: portfolio,
        scoring: try ScoringModel(model: shippedModel, asOf: asOf),
        mapper: sharedMapper
      )
      reports.append(ReportSet(run: result, context: context).files.mapValues(\.bytes))
    }
    // The manifest and the page name the input file and its hash.
    for name in ReportSet.fileNames where !["manifest.json", "report.html"].contains(name) {
      for other in reports.dropFirst() {
        #expect(other[name] == reports[0][name], "\(name)")
      }
    }
  }

  @Test func wideExportsKeepTheirTitleLinesOutAndSayHowTheyWereRead() throws {
    let portfolio = try PortfolioReader(knownSegments: [])
      .read(contentsOf: importFixtures.appendingPathComponent("wind-export.csv"))
    #expect(portfolio.titleLines == 2)
    #expect(portfolio.rowsRead == 7)
    #expect(portfolio.budgetRows == 5)
    #expect(portfolio.budgetRejects == 0)
    #expect(portfolio.weightBasis == .percent)
    #expect(portfolio.holdings[0].name == "恒瑞医药")
    #expect(portfolio.warnings.first?.location?.line == 1)
    #expect(portfolio.warnings.first?.message == "skipped 2 title lines above the header on line 3")
  }

  @Test func duplicatesAreMergedWithAWarning() throws {
    let portfolio = try PortfolioReader(knownSegments: [])
      .read(contentsOf: importFixtures.appendingPathComponent("duplicates.csv"))
    #expect(portfolio.holdings[0].mergedLines == [4])
    #expect(
      portfolio.warnings.contains {
        $0.message == "600276.SH repeats line 2 in portfolio 'default'; merged, weights added"
          && $0.location?.line == 4
      }
    )
  }

  @Test func aMergedDuplicateLeavesTheOtherRowsInOrder() throws {
    let text = """
      ticker,name,weight
      600276,恒瑞医药,20%
      300760,迈瑞医疗,40%
      600276.SH,恒瑞医药,30%
      603882,金域医学,10%

      """
    let portfolio = try PortfolioReader(knownSegments: [])
      .read(bytes: Array(text.utf8), file: "inline.csv")
    #expect(portfolio.holdings.map(\.line) == [2, 3, 5])
    #expect(portfolio.holdings.map(\.weight) == [0.5, 0.4, 0.1])
  }

  @Test func anEncodingCanBeForced() throws {
    let forced = try PortfolioReader(knownSegments: [], encoding: .gb18030)
      .read(contentsOf: importFixtures.appendingPathComponent("gb18030.csv"))
    #expect(forced.holdings.first?.name == "恒瑞医药")
    let wrong = try PortfolioReader(knownSegments: [], encoding: .utf8)
      .read(contentsOf: importFixtures.appendingPathComponent("gb18030.csv"))
    #expect(wrong.rejects.count == 4)  // the all-ASCII row reads the same in both
  }

  /// The scanner reads in chunks: a file fed a few bytes at a time gives the
  /// same records as one read whole.
  @Test(arguments: [1, 2, 7, 64]) func chunkBoundariesChangeNothing(size: Int) throws {
    for file in ["quoted-embedded.csv", "gb18030.csv", "utf16le-tab.txt", "cr-only.csv"] {
      let bytes = Array(try Data(contentsOf: importFixtures.appendingPathComponent(file)))
      var small = PortfolioReader(knownSegments: [])
      small.chunkSize = size
      let whole = try PortfolioReader(knownSegments: []).read(bytes: bytes, file: file)
      let chunked = try small.read(bytes: bytes, file: file)
      #expect(chunked.holdings == whole.holdings, "\(file) in chunks of \(size)")
      #expect(chunked.rejects == whole.rejects)
    }
  }

  /// Rows are parsed in blocks cut across the cores; wherever the cuts fall,
  /// the rows, rejects, lines and warnings are those of reading row by row.
  @Test(arguments: [1, 2, 7, 64, 8 << 20]) func blockCutsChangeNothing(size: Int) throws {
    let files = try FileManager.default.contentsOfDirectory(atPath: importFixtures.path)
      .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".txt") || $0.hasSuffix(".tsv") }
    #expect(files.count > 30)
    for file in files.sorted() {
      let bytes = Array(try Data(contentsOf: importFixtures.appendingPathComponent(file)))
      var rowByRow = PortfolioReader(knownSegments: [])
      rowByRow.blockSize = 0
      var blocks = PortfolioReader(knownSegments: [])
      // Small chunks too, so that each block ends wherever the input so far does.
      blocks.blockSize = size
      blocks.chunkSize = min(size, 1 << 20)
      let expected = Result { try rowByRow.read(bytes: bytes, file: file) }
      let actual = Result { try blocks.read(bytes: bytes, file: file) }
      switch (expected, actual) {
      case (.success(let expected), .success(let actual)):
        #expect(actual.holdings == expected.holdings, "\(file) in blocks of \(size)")
        #expect(actual.rejects == expected.rejects, "\(file) in blocks of \(size)")
        #expect(actual.warnings == expected.warnings, "\(file) in blocks of \(size)")
      case (.failure(let expected), .failure(let actual)):
        #expect("\(actual)" == "\(expected)", "\(file) in blocks of \(size)")
      default:
        Issue.record("\(file) in blocks of \(size): \(expected) but \(actual)")
      }
    }
  }

  @Test func aMillionRowFileIsNotNeededToShowTheRowLimit() throws {
    var text = "ticker,weight,description\n600276,1%,"
    text += String(repeating: "x", count: 300) + "\n300760,1%,ok\n"
    var reader = PortfolioReader(knownSegments: [])
    reader.maxRecordBytes = 256
    let portfolio = try reader.read(bytes: Array(text.utf8), file: "t.csv")
    #expect(portfolio.rejects.first?.reason.contains("row longer than 256 bytes") == true)
    #expect(portfolio.holdings.map(\.ticker.canonical) == ["300760.SZ"])
  }

  /// An unclosed quote that runs past the row limit rejects its own line and
  /// nothing else, in chunks or whole.
  @Test(arguments: [0, 64]) func anUnclosedQuoteLosesOnlyItsLine(blockSize: Int) throws {
    var text = "ticker,weight,description\n600276,1%,\"open\n"
    text += String(repeating: "x,", count: 300) + "\n300760,1%,ok\n"
    var reader = PortfolioReader(knownSegments: [])
    reader.maxRecordBytes = 256
    reader.chunkSize = 100
    reader.blockSize = blockSize
    let portfolio = try reader.read(bytes: Array(text.utf8), file: "t.csv")
    #expect(portfolio.rejects.map(\.line) == [2, 3])
    #expect(portfolio.rejects.first?.column == "description")
    #expect(portfolio.rejects.first?.reason.contains("does not close on this line") == true)
    #expect(portfolio.holdings.map(\.ticker.canonical) == ["300760.SZ"])
  }

  /// Inputs the fuzz target once crashed on (Fuzz/, `make fuzz`), read as
  /// it reads them: in blocks cut across the cores and a row at a time,
  /// which must agree.
  @Test func inputsTheFuzzerFoundAreRejectedNotFatal() throws {
    let folder = fixturesURL.appendingPathComponent("fuzz")
    var reader = PortfolioReader(knownSegments: ["surgical-robots", "hospitals"])
    reader.maxRecordBytes = 4096
    reader.chunkSize = 64
    reader.blockSize = 64
    var rowByRow = reader
    rowByRow.blockSize = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
      do {
        let portfolio = try reader.read(bytes: bytes, file: name)
        #expect(
          portfolio.holdings.reduce(0) { $0 + $1.rowCount } + portfolio.rejects.count
            == portfolio.rowsRead
        )
        let single = try rowByRow.read(bytes: bytes, file: name)
        #expect(single.holdings == portfolio.holdings, "\(name)")
        #expect(single.rejects == portfolio.rejects, "\(name)")
      } catch {
        #expect(error.description.contains(name))
      }
    }
  }

  /// The input hash is computed on another thread while the file is read in
  /// chunks; it must still be the file's SHA-256, for every chunk size.
  @Test(arguments: [3, 1 << 20]) func theInputHashIsTheFilesSHA256(chunk: Int) throws {
    let url = importFixtures.appendingPathComponent("wind-export.csv")
    var reader = PortfolioReader(knownSegments: [])
    reader.chunkSize = chunk
    let portfolio = try reader.read(contentsOf: url)
    #expect(
      portfolio.inputHash == "b73f5eb7c6bb2ee929b1eb8a415cc5c7c6805aaf53d04a4ca1497e73b22f654c"
    )
    #expect(portfolio.inputHash == SHA256.hex(of: Array(try Data(contentsOf: url))))
  }
}

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

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

let modelsURL = packageRoot.appendingPathComponent("Models")
let fixturesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures")

/// The shipped model, loaded once.
let shippedModel: ModelBundle = {
  do {
    return try ModelBundle(contentsOf: modelsURL)
  } catch {
    fatalError("the shipped model does not load: \(error)")
  }
}()

let asOf = day("2026-11-23")

/// A day from `YYYY-MM-DD` text that the test knows is valid.
func day(_ text: String) -> Day {
  guard let day = Day(text) else { preconditionFailure("'\(text)' is not a date") }
  return day
}

/// One mapper for every test: compiling the automaton is the costly part.
let sharedMapper = Mapper(model: shippedModel)

/// A fresh temporary folder.
func temporaryDirectory(_ name: String = #function) throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("policyscore-tests-\(ProcessInfo.processInfo.processIdentifier)")
    .appendingPathComponent(name.filter { $0.isLetter || $0.isNumber } + "-" + UUID().uuidString)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Reads a portfolio from inline CSV text.
func portfolio(_ text: String, strict: Bool = false) throws(PortfolioError) -> Portfolio {
  try PortfolioReader(knownSegments: Set(shippedModel.segmentIDs), strict: strict)
    .read(bytes: Array(text.utf8), file: "inline.csv")
}

/// Maps and scores inline CSV with the shipped model.
func run(_ text: String, asOf day: Day = asOf, edition: String? = nil) throws -> ScoreRun {
  ScoreRun(
    portfolio: try portfolio(text),
    scoring: try ScoringModel(model: shippedModel, edition: edition, asOf: day),
    mapper: sharedMapper
  )
}

/// Parses CSV bytes the way a spreadsheet would, for assertions on reports:
/// the apostrophe that guards a formula is not part of the value, unless
/// `plain` is false.
func csvRows(_ bytes: [UInt8], plain: Bool = true) -> [[String]] {
  var scanner = CSVScanner(bytes: bytes, delimiter: 0x2C)
  var rows: [[String]] = []
  while let record = scanner.next() {
    rows.append(plain ? record.fields.map(CSVCell.plain) : record.fields)
  }
  return rows
}

/// The tests' repeatable generator.
typealias SeededGenerator = SplitMix64

/// A holding of the default portfolio at line 2, weight 1, with only what a
/// mapping test sets.
func testHolding(
  ticker: String = "X",
  name: String = "",
  description: String = "",
  codes: [String] = [],
  split: [SegmentShare]? = nil
) -> Holding {
  Holding(
    line: 2,
    portfolio: "default",
    ticker: Ticker(ticker),
    name: name,
    weight: 1,
    marketValue: nil,
    description: description,
    industryCodes: codes,
    origin: nil,
    chinaShare: nil,
    split: split
  )
}

import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// The libFuzzer entry point.
///
/// `POLICYSCORE_FUZZ_INPUT=yaml` reads the bytes as scenario and job files
/// (`yamlFuzzTarget`); otherwise as a portfolio file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  if fuzzesYAML {
    yamlFuzzTarget(bytes)
  } else {
    importFuzzTarget(bytes)
  }
  return 0
}

let fuzzesYAML = ProcessInfo.processInfo.environment["POLICYSCORE_FUZZ_INPUT"] == "yaml"

/// Any bytes, read as a portfolio file, must give holdings and rejects (or a
/// PortfolioError), never a crash or a hang; and every row must be accounted
/// for exactly once.
func importFuzzTarget(_ bytes: [UInt8]) {
  var reader = PortfolioReader(knownSegments: ["surgical-robots", "hospitals"])
  reader.maxRecordBytes = 4096
  reader.chunkSize = 64
  // Parsed in blocks cut across the cores, as a row at a time.
  reader.blockSize = 64
  var rowByRow = reader
  rowByRow.blockSize = 0
  let blocks = Result { try reader.read(bytes: bytes, file: "fuzz.csv") }
  let single = Result { try rowByRow.read(bytes: bytes, file: "fuzz.csv") }
  guard case .success(let portfolio) = blocks else {
    precondition((try? single.get()) == nil, "only the row-by-row read succeeded")
    return
  }
  let rows = portfolio.holdings.reduce(0) { $0 + $1.rowCount } + portfolio.rejects.count
  precondition(rows == portfolio.rowsRead, "rows not accounted for")
  precondition(portfolio.holdings.allSatisfy { $0.weight.isFinite && $0.weight >= 0 })
  let other = try? single.get()
  precondition(other?.holdings == portfolio.holdings, "blocks and rows differ in holdings")
  precondition(other?.rejects == portfolio.rejects, "blocks and rows differ in rejects")
}

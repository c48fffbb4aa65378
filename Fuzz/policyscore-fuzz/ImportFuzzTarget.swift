import PolicyScoreKit

/// libFuzzer entry point: any bytes, read as a portfolio file, must give
/// holdings and rejects (or a PortfolioError), never a crash or a hang; and
/// every row must be accounted for exactly once.
@_cdecl("LLVMFuzzerTestOneInput")
public func importFuzzTarget(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  var reader = PortfolioReader(knownSegments: ["surgical-robots", "hospitals"])
  reader.maxRecordBytes = 4096
  reader.chunkSize = 64
  guard let portfolio = try? reader.read(bytes: bytes, file: "fuzz.csv") else { return 0 }
  let rows = portfolio.holdings.reduce(0) { $0 + $1.rowCount } + portfolio.rejects.count
  precondition(rows == portfolio.rowsRead, "rows not accounted for")
  precondition(portfolio.holdings.allSatisfy { $0.weight.isFinite && $0.weight >= 0 })
  return 0
}

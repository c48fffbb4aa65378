import Foundation
import PolicyScoreKit

#if canImport(Glibc)
import Glibc
#endif

/// policyscore-bench: times each stage of PolicyScore on synthetic portfolios.
///
///   policyscore-bench [--rows 10000,100000] [--sensitivity 5000x10000]
///                     [--scenarios 10000x100] [--generate N --out FILE]
/// Build it in release: `make bench`.

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  return arguments[index + 1]
}

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let model: ModelBundle
do {
  model = try ModelBundle(contentsOf: root.appendingPathComponent("Models"))
} catch {
  FileHandle.standardError.write(Data("cannot load the model: \(error)\n".utf8))
  exit(1)
}
let generator = PortfolioGenerator(model: model, seed: 2026)
let asOf = Day(year: 2026, month: 11, day: 23).unsafelyUnwrapped

if let path = option("--read") {
  // Read only, for profiling the importer: policyscore-bench --read FILE
  let url = URL(fileURLWithPath: path)
  var portfolio: Portfolio?
  let elapsed = try seconds {
    portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs)).read(contentsOf: url)
  }
  let megabytes =
    Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
  print(
    "read \(portfolio?.rowsRead ?? 0) rows, \(String(format: "%.1f", megabytes)) MB in \(String(format: "%.3f", elapsed)) s: \(String(format: "%.0f", megabytes / elapsed)) MB/s"
  )
  exit(0)
}

if let count = option("--generate").flatMap(Int.init), let out = option("--out") {
  FileManager.default.createFile(atPath: out, contents: Data(generator.csv(rows: count)))
  print("wrote \(count) rows to \(out)")
  exit(0)
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func peakMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

func pad(_ text: String, _ width: Int) -> String {
  text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}

print(
  "PolicyScore benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build"
)
print("")
let rows = (option("--rows") ?? "10000,100000").split(separator: ",").compactMap { Int($0) }
if !rows.isEmpty {
  print("stage timings (seconds); MB/s is input size over read+parse time")
  print(
    ["rows", "MB", "read", "MB/s", "map", "score+rank", "render", "write", "total", "peak MB"].map {
      pad($0, 10)
    }
    .joined()
  )
  for count in rows {
    let bytes = generator.csv(rows: count)
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "policyscore-bench-\(count)"
    )
    var portfolio: Portfolio?
    var outcomes: [MappingOutcome] = []
    var run: ScoreRun?
    var reports: ReportSet?
    let mapper = Mapper(model: model)
    let read = try seconds {
      portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs)).read(
        bytes: bytes,
        file: "bench.csv"
      )
    }
    guard let portfolio else { exit(1) }
    let map = seconds { outcomes = mapper.map(portfolio.holdings) }
    let score = seconds {
      run = ScoreRun(
        portfolio: portfolio,
        scoring: ScoringModel(model: model, asOf: asOf),
        outcomes: outcomes
      )
    }
    guard let run else { exit(1) }
    let render = seconds {
      reports = ReportSet(run: run, context: RunContext(toolVersion: "bench", generatedAt: "bench"))
    }
    let write = try seconds { try reports?.write(to: directory) }
    try? FileManager.default.removeItem(at: directory)
    let megabytes = Double(bytes.count) / 1_000_000
    let total = read + map + score + render + write
    print(
      [
        "\(count)", String(format: "%.1f", megabytes), String(format: "%.3f", read),
        String(format: "%.0f", megabytes / read), String(format: "%.3f", map),
        String(format: "%.3f", score), String(format: "%.3f", render),
        String(format: "%.3f", write),
        String(format: "%.3f", total), String(format: "%.0f", peakMegabytes()),
      ].map { pad($0, 10) }.joined()
    )
  }
  print("")
}

if let spec = option("--sensitivity") ?? (arguments.isEmpty ? "5000x10000" : nil) {
  let parts = spec.split(separator: "x").compactMap { Int($0) }
  let holdings = parts.first ?? 5000
  let samples = parts.count > 1 ? parts[1] : 10_000
  // Exactly `holdings` scored holdings: generate more rows, keep the first mapped ones.
  var portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs))
    .read(bytes: generator.csv(rows: holdings * 3 / 2, portfolios: 1), file: "bench.csv")
  let mapper = Mapper(model: model)
  let mapped = portfolio.holdings.compactMap { holding -> (Holding, MappingOutcome)? in
    let outcome = mapper.map(holding)
    if case .mapped = outcome { return (holding, outcome) }
    return nil
  }.prefix(holdings)
  portfolio.holdings = mapped.map(\.0)
  let run = ScoreRun(
    portfolio: portfolio,
    scoring: ScoringModel(model: model, asOf: asOf),
    outcomes: mapped.map(\.1)
  )
  var options = Sensitivity.Options()
  options.samples = samples
  options.reversalLimit = 0
  var result: Sensitivity?
  let monteCarlo = seconds { result = Sensitivity(run: run, options: options) }
  options.samples = 1
  options.reversalLimit = run.scores.count
  let reversal = seconds { _ = Sensitivity(run: run, options: options) }
  print(
    "sensitivity: \(run.scores.count) holdings × \(samples) samples (sweeps included): \(String(format: "%.3f", monteCarlo)) s; rank-reversal check over \(run.scores.count) removals: \(String(format: "%.3f", reversal)) s; rows \(result?.rows.count ?? 0)"
  )
}

if let spec = option("--scenarios") ?? (arguments.isEmpty ? "10000x100" : nil) {
  let parts = spec.split(separator: "x").compactMap { Int($0) }
  let holdings = parts.first ?? 10_000
  let count = parts.count > 1 ? parts[1] : 100
  let portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs))
    .read(bytes: generator.csv(rows: holdings), file: "bench.csv")
  let mapper = Mapper(model: model)
  let outcomes = mapper.map(portfolio.holdings)
  let scenarios = (0..<count).map { index -> Scenario in
    var scenario = Scenario.baseline(named: "s\(index)")
    let e = 0.2 + 0.4 * Double(index % 10) / 10
    scenario.weights = ModelParameters.Weights(
      encouraged: e,
      financial: (1 - e) / 2,
      substitution: (1 - e) / 2
    )
    return scenario
  }
  let elapsed = seconds {
    let runs = scenarios.map { scenario in
      (
        scenario.name,
        ScoreRun(
          portfolio: portfolio,
          scoring: ScoringModel(model: model, scenario: scenario, asOf: asOf),
          outcomes: outcomes
        )
      )
    }
    _ = Comparison(runs: runs, base: "s0")
  }
  print(
    "scenarios: \(count) scenarios × \(portfolio.holdings.count) holdings, mapping reused, comparison included: \(String(format: "%.3f", elapsed)) s"
  )
}

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

#if canImport(Glibc)
import Glibc
#endif

/// policyscore-bench: times each stage of PolicyScore on synthetic portfolios.
///
///   policyscore-bench [--rows 10000,100000] [--sensitivity 5000x10000]
///                     [--scenarios 10000x100]
///   policyscore-bench --compare 100,10000,1000000 --python PYTHON [--repeats 3]
///                     [--policyscore BINARY]
///   policyscore-bench --backtest 5000x10 [--policyscore BINARY]
///   policyscore-bench --read FILE [--repeat N]
///   policyscore-bench --generate N --out FILE
///   policyscore-bench --export-model DIR
/// Build it in release: `make bench`, `make bench-compare`.

Allocator.restartWithHugePages()
Allocator.growHeapsInLargeSteps()
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
  // The importer alone, a fresh read each time:
  // policyscore-bench --read FILE [--repeat N]
  let url = URL(fileURLWithPath: path)
  let megabytes =
    Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
  func rate(_ seconds: Double) -> String {
    "\(String(format: "%.3f", seconds)) s, \(String(format: "%.0f", megabytes / seconds)) MB/s"
  }
  var times: [Double] = []
  var rows = 0
  for _ in 0..<max(1, option("--repeat").flatMap(Int.init) ?? 5) {
    // Freed after the clock stops: the last read's holdings are not its cost.
    var portfolio: Portfolio?
    times.append(
      try seconds {
        portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs)).read(contentsOf: url)
      }
    )
    rows = portfolio?.rowsRead ?? 0
  }
  // The first read pays for fresh memory, as `policyscore score` does;
  // later ones reuse what the last one freed.
  let first = times[0]
  times.sort()
  print(
    "read \(rows) rows, \(String(format: "%.1f", megabytes)) MB: first read \(rate(first)); \(times.count) reads: best \(rate(times[0])), median \(rate(times[times.count / 2]))"
  )
  // The input hash alone, the part of the read that runs beside the parse.
  let bytes = [UInt8](try Data(contentsOf: url))
  var digest = ""
  let hashing = seconds { digest = SHA256.hex(of: bytes) }
  print("SHA-256 \(digest.prefix(12))… in \(rate(hashing))")
  exit(0)
}

if let path = option("--export-model") {
  try exportModel(model, asOf: asOf, to: URL(fileURLWithPath: path))
  print("wrote terms.csv, segments.csv and parameters.json to \(path)")
  exit(0)
}

if let spec = option("--backtest") {
  let binary =
    option("--policyscore") ?? root.appendingPathComponent(".build/release/policyscore").path
  try benchmarkBacktest(spec, generator: generator, binary: binary)
  exit(0)
}

if let sizes = option("--compare") {
  // PolicyScore end to end (the release binary, a cold process each time)
  // against the pandas and polars baselines on the same file, at each size.
  let python = option("--python") ?? "/usr/bin/python3"
  let binary =
    option("--policyscore") ?? root.appendingPathComponent(".build/release/policyscore").path
  let repeats = max(1, option("--repeats").flatMap(Int.init) ?? 3)
  let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
    "policyscore-compare"
  )
  let exported = directory.appendingPathComponent("model")
  let baselines = root.appendingPathComponent("Benchmarks/baselines")
  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
  func fixed(_ value: Double, _ decimals: Int = 2) -> String {
    String(format: "%.\(decimals)f", value)
  }
  print(
    "end to end: one cold process per run, \(repeats) runs each; seconds min, median and max; the peak memory of the largest run; polars' median over the tool's"
  )
  for count in sizes.split(separator: ",").compactMap({ Int($0) }) {
    try? FileManager.default.removeItem(at: directory)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try exportModel(model, asOf: asOf, to: exported)
    let file = path("portfolio.csv")
    let bytes = generator.csv(rows: count)
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    let score = ["score", file, "--as-of", asOf.description, "--max-rejects", "100"]
    var tools: [(name: String, runs: Runs)] = [
      ("PolicyScore, ranked only (--no-reports)", Runs()),
      ("PolicyScore, every report written", Runs()),
      ("PolicyScore, reports and the store", Runs()),
      ("pandas + pyahocorasick, rankings only", Runs()),
      ("polars extract_many, rankings only", Runs()),
    ]
    // Interleaved, so that a noisy minute slows every tool alike.
    for run in 1...repeats {
      try? FileManager.default.removeItem(atPath: path("history.sqlite"))
      let arguments: [[String]] = [
        score + ["--no-reports", "--no-store", "--top", "0"],
        score + ["--out", path("policyscore-\(run)"), "--no-store"],
        score + ["--out", path("policyscore-store"), "--db", path("history.sqlite")],
        [
          baselines.appendingPathComponent("pandas_baseline.py").path, exported.path, file,
          path("pandas.csv"),
        ],
        [
          baselines.appendingPathComponent("polars_baseline.py").path, exported.path, file,
          path("polars.csv"),
        ],
      ]
      for index in tools.indices {
        tools[index].runs.runs.append(runProcess(index < 3 ? binary : python, arguments[index]))
      }
    }
    let polars = tools[4].runs.median
    print("")
    print("\(count) rows (\(fixed(Double(bytes.count) / 1e6, 1)) MB)")
    print(
      [("", 40), ("min", 9), ("median", 9), ("max", 9), ("peak MB", 9), ("× polars", 10)]
        .map { pad($0.0, $0.1) }.joined()
    )
    for (name, runs) in tools {
      let seconds = runs.seconds
      print(
        pad(name, 40) + pad(fixed(seconds.first ?? 0), 9) + pad(fixed(runs.median), 9)
          + pad(fixed(seconds.last ?? 0), 9) + pad(fixed(runs.peakMegabytes, 0), 9)
          + pad(fixed(polars / runs.median, 1), 10)
      )
    }
    let reports = directory.appendingPathComponent("policyscore-1")
    let sizes = fileSizes(reports)
    let total = Double(sizes.reduce(0) { $0 + $1.bytes }) / 1e6
    print(
      "reports: \(fixed(total, 1)) MB in \(sizes.count) files ("
        + sizes.prefix(3).map { "\($0.name) \(fixed(Double($0.bytes) / 1e6, 1)) MB" }
        .joined(separator: ", ") + ")"
    )
    if repeats > 1 {
      let differing = differingFiles(reports, directory.appendingPathComponent("policyscore-2"))
      print(
        "reports of runs 1 and 2: "
          + (differing.isEmpty
            ? "byte-identical, generation times aside"
            : "differ in \(differing.joined(separator: ", "))")
      )
    }
    let agreement = baselines.appendingPathComponent("agreement.py").path
    let rankings = reports.appendingPathComponent("rankings.csv").path
    print("pandas agreement: " + output(python, [agreement, rankings, path("pandas.csv")]))
    print("polars agreement: " + output(python, [agreement, rankings, path("polars.csv")]))
  }
  var example = Runs()
  for _ in 0..<5 {
    example.runs.append(
      runProcess(
        binary,
        [
          "score", root.appendingPathComponent("Examples/portfolio.csv").path, "--out",
          path("example"), "--no-store",
        ]
      )
    )
  }
  print("")
  print(
    "policyscore score Examples/portfolio.csv, cold start, 5 runs: best \(fixed(example.seconds.first ?? 0, 3)) s, median \(fixed(example.median, 3)) s, worst \(fixed(example.seconds.last ?? 0, 3)) s"
  )
  exit(0)
}

if let count = option("--generate").flatMap(Int.init), let out = option("--out") {
  try Data(generator.csv(rows: count)).write(to: URL(fileURLWithPath: out))
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

#if DEBUG
let build = "DEBUG build: a smoke test, the figures mean nothing"
#else
let build = "release build"
#endif
print("PolicyScore benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, \(build)")
print("")
let rows = (option("--rows") ?? "10000,100000").split(separator: ",").compactMap { Int($0) }
if !rows.isEmpty {
  print(
    "stage timings (seconds) in one process; write = rendering and writing the report files; reports = read to written files; store = recording the run in SQLite"
  )
  print(
    [
      "rows", "MB", "read", "MB/s", "map", "score+rank", "write", "reports", "store",
      "peak MB",
    ].map {
      pad($0, 11)
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
    let mapper = Mapper(model: model)
    let read = try seconds {
      portfolio = try PortfolioReader(knownSegments: Set(model.segmentIDs)).read(
        bytes: bytes,
        file: "bench.csv"
      )
    }
    guard let portfolio else { exit(1) }
    let map = seconds { outcomes = mapper.map(portfolio.holdings) }
    let score = try seconds {
      run = ScoreRun(
        portfolio: portfolio,
        scoring: try ScoringModel(model: model, asOf: asOf),
        outcomes: outcomes
      )
    }
    guard let run else { exit(1) }
    // The large reports are rendered as they are written (ReportFile).
    let write = try seconds {
      try ReportSet(run: run, context: RunContext(toolVersion: "bench", generatedAt: "bench"))
        .write(to: directory)
    }
    try? FileManager.default.removeItem(at: directory)
    let database = directory.path + ".sqlite"
    let store = try seconds {
      try Store(path: database).record([
        RunEntry(
          command: "bench",
          scenario: "baseline",
          scenarioHash: "none",
          portfolioPath: "bench.csv",
          run: run,
          toolVersion: "bench",
          startedAt: "bench",
          finishedAt: "bench",
          durationMilliseconds: 0,
          reportDirectory: nil
        )
      ])
    }
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: database + suffix)
    }
    let megabytes = Double(bytes.count) / 1_000_000
    let total = read + map + score + write
    print(
      [
        "\(count)", String(format: "%.1f", megabytes), String(format: "%.3f", read),
        String(format: "%.0f", megabytes / read), String(format: "%.3f", map),
        String(format: "%.3f", score), String(format: "%.3f", write), String(format: "%.3f", total),
        String(format: "%.3f", store), String(format: "%.0f", peakMegabytes()),
      ].map { pad($0, 11) }.joined()
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
    scoring: try ScoringModel(model: model, asOf: asOf),
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
  let count = max(1, parts.count > 1 ? parts[1] : 100)
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
  // Freed after the clock stops, as `policyscore scenarios` keeps them until
  // it exits.
  var runs: [(scenario: String, run: ScoreRun)] = []
  var comparison: Comparison?
  let elapsed = try seconds {
    let scorings = try ScoringModel.each(of: model, under: scenarios, asOf: asOf)
    runs = ScoreRun.runs(portfolio: portfolio, scorings: scorings, outcomes: outcomes)
      .map { (scenario: $0.scoring.scenario.name, run: $0) }
    comparison = Comparison(runs: runs, base: "s0")
  }
  print(
    "scenarios: \(count) scenarios × \(portfolio.holdings.count) holdings, mapping reused, comparison included (\(comparison?.rows.count ?? 0) rows): \(String(format: "%.3f", elapsed)) s"
  )
}

import Foundation
import Testing

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// The built `policyscore`, next to the test bundle.
let binary: URL = {
  let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    .appendingPathComponent("policyscore")
  if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
  return packageRoot.appendingPathComponent(".build/debug/policyscore")
}()

struct Result {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs the binary in `directory` (default: a fresh temporary folder) with no terminal.
func policyscore(_ arguments: [String], in directory: URL? = nil) throws -> Result {
  var environment = ProcessInfo.processInfo.environment
  environment["POLICYSCORE_MODELS"] = nil
  return try runProcess(
    binary,
    arguments,
    in: try directory ?? temporaryDirectory(),
    environment: environment
  )
}

/// Runs `executable` with `arguments` in `directory` and collects its output.
func runProcess(
  _ executable: URL,
  _ arguments: [String],
  in directory: URL,
  environment: [String: String] = ProcessInfo.processInfo.environment
) throws -> Result {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.currentDirectoryURL = directory
  process.environment = environment
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return Result(
    status: process.terminationStatus,
    stdout: String(decoding: stdout, as: UTF8.self),
    stderr: String(decoding: stderr, as: UTF8.self)
  )
}

func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent(
      "policyscore-cli-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
    )
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

let example = packageRoot.appendingPathComponent("Examples/portfolio.csv").path
let scenariosFolder = packageRoot.appendingPathComponent("Scenarios").path
let reportFiles = [
  "rankings.csv", "evidence.csv", "exposures.csv", "unmapped.csv", "rejects.csv", "manifest.json",
]

@Suite struct ScoreCommandTests {
  /// On a terminal a long run shows its stage in a status line, cleared
  /// before the result; without one (a cron job's log) it shows nothing.
  @Test(
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")),
    arguments: [
      (
        "score big.csv --no-store --top 1", 20_000,
        ["reading big.csv… ", "mapping and scoring 20000 holdings… ", "writing the reports"],
        "surgical-robots"
      ),
      (
        "scenarios big.csv \(scenariosFolder)/baseline.yaml \(scenariosFolder)/catalog-2019.yaml --no-store",
        20_000,
        [
          "reading big.csv… ", "mapping 20000 holdings… ", "under 2 scenarios… ",
          "writing the reports",
        ],
        "catalog-2019"
      ),
      (
        // Its sweeps are slow in a debug build: fewer holdings.
        "sensitivity big.csv --samples 20 --reversal-limit 10", 3_000,
        ["reading big.csv… ", "mapping and scoring 3000 holdings… ", "drawing 20 samples"],
        "sensitivity.csv"
      ),
    ]
  )
  func aStatusLineShowsOnATerminalOnly(
    command: String,
    holdings: Int,
    stages: [String],
    result marker: String
  ) throws {
    let directory = try temporaryDirectory()
    var rows = "ticker,weight,description\n"
    for row in 0..<holdings { rows += "\(609_000 + row),1,手术机器人 \(row)\n" }
    try rows.write(
      to: directory.appendingPathComponent("big.csv"),
      atomically: true,
      encoding: .utf8
    )
    let arguments = command.split(separator: " ").map(String.init)
    let plain = try policyscore(arguments, in: directory)
    #expect(plain.status == 0, "\(plain.stderr)")
    #expect(!plain.stderr.contains("\u{1B}[2K"))

    // `script` runs the command on a pseudo-terminal and keeps what it shows.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = [
      "-qec", "POLICYSCORE_PROGRESS_DELAY=0 '\(binary.path)' \(command) > out.txt", "typescript",
    ]
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let shown = try String(
      contentsOf: directory.appendingPathComponent("typescript"),
      encoding: .utf8
    )
    #expect(stages.contains { shown.contains($0) }, "\(shown.suffix(300))")
    let afterLastClear = shown.components(separatedBy: "\u{1B}[2K").last ?? ""
    #expect(!afterLastClear.contains("…"), "the status line is left on the screen")
    let result = try String(
      contentsOf: directory.appendingPathComponent("out.txt"),
      encoding: .utf8
    )
    #expect(result.contains(marker) && !result.contains("\u{1B}"))
  }

  @Test func scoresTheExampleWritesEveryReportAndPrintsTheAccounting() throws {
    let directory = try temporaryDirectory()
    let result = try policyscore(
      ["score", example, "--out", "reports", "--as-of", "2026-11-23"],
      in: directory
    )
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout.contains("rows read 55 = scored 55 + out of scope 0 + unmapped 0 + rejected 0")
    )
    #expect(
      result.stdout.contains(
        "catalogue 2024 (in force on 2026-11-23: effective 2024-02-01), as of 2026-11-23"
      )
    )
    #expect(result.stdout.contains("surgical-robots"))
    for file in reportFiles {
      #expect(
        FileManager.default.fileExists(
          atPath: directory.appendingPathComponent("reports/\(file)").path
        ),
        "\(file)"
      )
    }
    let manifest = try String(
      contentsOf: directory.appendingPathComponent("reports/manifest.json"),
      encoding: .utf8
    )
    #expect(manifest.contains("\"rows_read\" : 55"))
    #expect(manifest.contains("\"edition\" : \"2024\""))
  }

  @Test func runningTwiceGivesByteIdenticalReports() throws {
    let directory = try temporaryDirectory()
    for out in ["a", "b"] {
      let result = try policyscore(
        ["score", example, "--out", out, "--as-of", "2026-11-23"],
        in: directory
      )
      #expect(result.status == 0)
    }
    for file in reportFiles where file != "manifest.json" {
      let a = try Data(contentsOf: directory.appendingPathComponent("a/\(file)"))
      let b = try Data(contentsOf: directory.appendingPathComponent("b/\(file)"))
      #expect(a == b, "\(file)")
    }
  }

  @Test func findsTheModelFromTheBinaryWhenRunElsewhere() throws {
    let result = try policyscore(["score", example, "--no-reports", "--top", "3"])
    #expect(result.status == 0, "\(result.stderr)")
  }

  @Test func printsTheRankingAsCSV() throws {
    let result = try policyscore(["score", example, "--format", "csv", "--no-reports"])
    #expect(result.stdout.hasPrefix("\u{FEFF}portfolio,rank,ticker,"))
    let json = try policyscore(["score", example, "--format", "json", "--no-reports"])
    let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
    #expect(rows?.count == 55)
    #expect(rows?.first?["rank"] as? Int == 1)
  }

  @Test func aMissingFileFailsWithExitCode1() throws {
    let result = try policyscore(["score", "nope.csv"])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("nope.csv: error: cannot read the file: no such file or not readable")
    )
  }

  @Test func aMissingColumnNamesTheHeadersThatWouldWork() throws {
    let directory = try temporaryDirectory()
    try "ticker,name\nA,B\n".write(
      to: directory.appendingPathComponent("p.csv"),
      atomically: true,
      encoding: .utf8
    )
    let result = try policyscore(["score", "p.csv"], in: directory)
    #expect(result.status == 1)
    #expect(result.stderr.contains("p.csv:1:1: error: no weight or market value column"))
    #expect(result.stderr.contains("'权重'"))
  }

  @Test func badRowsAreReportedWithinTheBudgetAndStrictModeStopsWithExitCode65() throws {
    let directory = try temporaryDirectory()
    try "ticker,weight,description\nA,0.5,医院\nB,oops,医院\n".write(
      to: directory.appendingPathComponent("p.csv"),
      atomically: true,
      encoding: .utf8
    )
    let overBudget = try policyscore(["score", "p.csv", "--out", "r"], in: directory)
    #expect(overBudget.status == 65)
    #expect(
      overBudget.stderr.contains(
        "p.csv: error: 1 of 2 rows rejected (50.0%), above the data-loss budget of 5%"
      )
    )
    let lenient = try policyscore(
      ["score", "p.csv", "--out", "r", "--max-rejects", "100"],
      in: directory
    )
    #expect(lenient.status == 0)
    #expect(
      lenient.stderr.contains(
        "p.csv:3:3: warning: row rejected (column 'weight'): 'oops' is not a number"
      )
    )
    #expect(
      lenient.stdout.contains("rows read 2 = scored 1 + out of scope 0 + unmapped 0 + rejected 1")
    )
    let strict = try policyscore(["score", "p.csv", "--strict"], in: directory)
    #expect(strict.status == 65)
    #expect(strict.stderr.contains("p.csv:3:3: error: row rejected (column 'weight')"))
  }

  @Test func manyRejectedRowsShowTheFirstTwentyAndCountTheRest() throws {
    let directory = try temporaryDirectory()
    var text = "ticker,weight,segments\n609001,1,surgical-robots\n"
    for row in 0..<30 { text += "\(600_100 + row),oops,hospitals\n" }
    try text.write(to: directory.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
    let result = try policyscore(
      ["score", "p.csv", "--out", "r", "--max-rejects", "100", "--no-store"],
      in: directory
    )
    #expect(result.status == 0)
    let shown = result.stderr.split(separator: "\n").filter { $0.contains("row rejected") }
    #expect(shown.count == 20)
    #expect(
      result.stderr.contains("10 more warnings not shown; rejects.csv lists every rejected row")
    )
    let rejects = try String(
      contentsOf: directory.appendingPathComponent("r/rejects.csv"),
      encoding: .utf8
    )
    #expect(rejects.split(separator: "\r\n").count == 31)  // header and 30 rows
    // Without reports there is no rejects.csv to point to.
    let bare = try policyscore(
      ["score", "p.csv", "--no-reports", "--max-rejects", "100", "--no-store"],
      in: directory
    )
    #expect(bare.status == 0)
    #expect(
      bare.stderr.contains(
        "10 more warnings not shown; 'policyscore score' lists every rejected row in rejects.csv"
      )
    )
  }

  @Test func aBadDateIsAUsageError() throws {
    let result = try policyscore(["score", example, "--as-of", "2026-13-01"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--as-of '2026-13-01' is not a date"))
  }
}

@Suite struct WhatIfCommandTests {
  @Test func scenariosWritesEachScenarioAndTheComparison() throws {
    let directory = try temporaryDirectory()
    let result = try policyscore(
      [
        "scenarios", example, "--out", "what-if", "--as-of", "2026-11-23", "--scenarios",
        packageRoot.appendingPathComponent("Scenarios").path,
      ],
      in: directory
    )
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("portfolio default, base 'baseline':"))
    #expect(result.stdout.contains("catalog-2019"))
    #expect(result.stdout.contains("spearman"))
    let out = directory.appendingPathComponent("what-if")
    #expect(
      FileManager.default.fileExists(atPath: out.appendingPathComponent("comparison.csv").path)
    )
    for file in reportFiles {
      #expect(
        FileManager.default.fileExists(
          atPath: out.appendingPathComponent("vbp-devices-expanded/\(file)").path
        )
      )
    }
    let manifest = try String(
      contentsOf: out.appendingPathComponent("support-withdrawn/manifest.json"),
      encoding: .utf8
    )
    #expect(manifest.contains("\"scenario\" : \"support-withdrawn\""))
  }

  @Test func aBadScenarioFailsWithItsFileLineAndASuggestion() throws {
    let directory = try temporaryDirectory()
    try
      "schema_version: 1\ntitle: t\ndescription: d\ninstruments:\n  - {id: hkex-18b, enabled: false}\n"
      .write(to: directory.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
    let result = try policyscore(["scenarios", example, "bad.yaml"], in: directory)
    #expect(result.status == 1)
    #expect(result.stderr.contains("bad.yaml:5:"))
    #expect(result.stderr.contains("unknown instrument 'hkex-18b'; did you mean 'hkex-18a'?"))
  }

  @Test func sensitivityIsRepeatableForASeed() throws {
    let directory = try temporaryDirectory()
    for out in ["a", "b"] {
      let result = try policyscore(
        [
          "sensitivity", example, "--samples", "300", "--seed", "5", "--out", out, "--as-of",
          "2026-11-23",
        ],
        in: directory
      )
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.contains("rank reversals: 0 pairs flipped in 55 removals"))
    }
    let a = try Data(contentsOf: directory.appendingPathComponent("a/sensitivity.csv"))
    let b = try Data(contentsOf: directory.appendingPathComponent("b/sensitivity.csv"))
    #expect(a == b)
  }
}

@Suite struct ModelAndCatalogCommandTests {
  @Test func modelCheckPassesAndCountsTheFacts() throws {
    let result = try policyscore(["model", "check"], in: packageRoot)
    #expect(result.status == 0)
    #expect(result.stdout.contains("edition 2024: encouraged"))
    #expect(result.stdout.contains("items: encouraged 5, restricted 6, eliminated 13"))
    #expect(result.stdout.contains("facts: "))
    #expect(result.stdout.contains("primary 0, secondary"))
  }

  @Test func aBrokenModelGivesALocatedErrorAndExitCode1() throws {
    let directory = try temporaryDirectory()
    let models = packageRoot.appendingPathComponent("Models")
    for name in try FileManager.default.contentsOfDirectory(atPath: models.path) {
      try FileManager.default.copyItem(
        at: models.appendingPathComponent(name),
        to: directory.appendingPathComponent(name)
      )
    }
    let file = directory.appendingPathComponent("parameters.yaml")
    let text = try String(contentsOf: file, encoding: .utf8)
    try text.replacingOccurrences(of: "encouraged: 0.40", with: "encouraged: 4.0").write(
      to: file,
      atomically: true,
      encoding: .utf8
    )
    let result = try policyscore(["model", "check", "--models", directory.path])
    #expect(result.status == 1)
    #expect(result.stderr.contains("parameters.yaml:"))
    #expect(result.stderr.contains(": error: 'encouraged' in weights is 4.0, outside 0...1"))
  }

  @Test func catalogShowExplainsASegmentAndSuggestsOnATypo() throws {
    let show = try policyscore(["catalog", "show", "surgical-robots", "--as-of", "2026-11-23"])
    #expect(show.status == 0)
    #expect(show.stdout.contains("2024: encouraged, ISAGC24-E4"))
    #expect(show.stdout.contains("equipment-renewal-2024"))
    let typo = try policyscore(["catalog", "show", "surgical-robot"])
    #expect(typo.status == 64)
    #expect(typo.stderr.contains("did you mean 'surgical-robots'?"))
  }

  @Test func catalogListAndSearchFilter() throws {
    let list = try policyscore(["catalog", "list", "--category", "eliminated", "--format", "csv"])
    #expect(list.stdout.unicodeScalars.filter { $0 == "\n" }.count == 14)  // header + 13, CRLF ends
    let search = try policyscore(["catalog", "search", "支架"])
    #expect(search.stdout.contains("coronary-interventional"))
  }

  @Test(arguments: [
    ["score"], ["map"], ["decisions", "list"], ["scenarios"], ["sensitivity"], ["job", "run"],
    ["runs", "list"], ["runs", "show"],
    ["runs", "diff"], ["runs", "export"], ["runs", "prune"], ["catalog", "list"],
    ["catalog", "show"],
    ["catalog", "search"], ["model", "check"],
  ])
  func everyCommandsHelpHasAnExample(_ command: [String]) throws {
    let result = try policyscore(command + ["--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("Example"), "\(command)")
  }
}

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A folder like a user's home, full of files that are not PolicyScore's,
/// with the example portfolio in it.
func homeFolder() throws -> URL {
  let home = try temporaryDirectory()
  let files = [
    "notes.txt": "meeting at 10",
    "Documents/plan.md": "# plan",
    "Documents/rankings.csv": "mine,not yours\n",
    ".bashrc": "export A=1",
    ".thesis.tmp-2": "a draft",
    ".x.tmp-99999-deadbeef": "a user's file named like a leftover",
  ]
  for (path, text) in files {
    let url = home.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(),
      withIntermediateDirectories: true
    )
    try Data(text.utf8).write(to: url)
  }
  try FileManager.default.copyItem(
    atPath: example,
    toPath: home.appendingPathComponent("portfolio.csv").path
  )
  return home
}

/// A job file in `directory` that writes into `output`.
func writeJob(
  _ name: String,
  portfolios: [String],
  output: String,
  in directory: URL,
  scenarios: String = "[baseline]"
) throws {
  try """
  schema_version: 1
  name: \(name)
  portfolios: [\(portfolios.map { "\"\($0)\"" }.joined(separator: ", "))]
  models: \(packageRoot.appendingPathComponent("Models").path)
  scenarios_dir: \(packageRoot.appendingPathComponent("Scenarios").path)
  scenarios: \(scenarios)
  as_of: 2026-11-23
  output: \(output)
  """.write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
}

@Suite(.serialized) struct SafetyCommandTests {
  @Test(arguments: [
    ["score", "portfolio.csv", "--out", "."],
    ["score", "portfolio.csv", "--out", "Documents"],
    ["score", "portfolio.csv", "--out", "out", "--db", "out/history.sqlite"],
    ["scenarios", "portfolio.csv", "--out", "Documents"],
    ["sensitivity", "portfolio.csv", "--samples", "10", "--out", "."],
  ])
  func aFolderThatIsNotPolicyScoresIsRefusedBeforeAnyWork(_ arguments: [String]) throws {
    let home = try homeFolder()
    let before = try snapshot(home)
    let result = try policyscore(arguments, in: home)
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("will not write reports into"))
    #expect(try snapshot(home) == before)
    #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("out").path))
  }

  @Test func itsOwnReportFolderIsReplacedRunAfterRun() throws {
    let home = try homeFolder()
    for _ in 0..<2 {
      let result = try policyscore(
        ["score", "portfolio.csv", "--out", "reports", "--no-store"],
        in: home
      )
      #expect(result.status == 0, "\(result.stderr)")
    }
  }

  @Test func aScenarioNamedLikeAPathWritesNothingOutsideTheOutput() throws {
    let home = try homeFolder()
    try """
    schema_version: 1
    name: "../Documents"
    title: Victim
    description: A name that climbs out of the report folder.
    """.write(to: home.appendingPathComponent("victim.yaml"), atomically: true, encoding: .utf8)
    let before = try snapshot(home)
    let result = try policyscore(
      ["scenarios", "portfolio.csv", "victim.yaml", "--out", "out/what-if", "--no-store"],
      in: home
    )
    #expect(result.status == 1)
    #expect(result.stderr.contains("victim.yaml:2:7: error: 'name' is '../Documents'"))
    #expect(try snapshot(home) == before)
  }

  @Test func twoPortfoliosOfOneNameKeepTwoReportSets() throws {
    let home = try homeFolder()
    for folder in ["a", "b"] {
      try FileManager.default.createDirectory(
        at: home.appendingPathComponent(folder),
        withIntermediateDirectories: false
      )
      try FileManager.default.copyItem(
        atPath: example,
        toPath: home.appendingPathComponent("\(folder)/fund.csv").path
      )
    }
    try writeJob("funds", portfolios: ["a/fund.csv", "b/fund.csv"], output: "out", in: home)
    let result = try policyscore(["job", "run", "funds.yaml"], in: home)
    #expect(result.status == 0, "\(result.stderr)")
    let latest = home.appendingPathComponent("out/latest").resolvingSymlinksInPath()
    let names = try FileManager.default.contentsOfDirectory(atPath: latest.path).sorted()
    #expect(
      names == [".policyscore-reports", "a-fund", "b-fund", "diff.csv", "job.json", "report.html"]
    )
    let shown = try ["1", "2"].map { try policyscore(["runs", "show", $0], in: home).stdout }
    #expect(shown[0].contains("a-fund/baseline") && shown[1].contains("b-fund/baseline"))
  }

  @Test func aJobRefusesAnOutputFolderThatIsNotItsOwn() throws {
    let home = try homeFolder()
    try writeJob("weekly", portfolios: ["portfolio.csv"], output: "Documents", in: home)
    let before = try snapshot(home.appendingPathComponent("Documents"))
    let result = try policyscore(["job", "run", "weekly.yaml"], in: home)
    #expect(result.status == 1)
    #expect(result.stderr.contains("will not write reports into"))
    #expect(try snapshot(home.appendingPathComponent("Documents")) == before)
  }

  /// A second job writing into the same output waits for the first and never
  /// touches its folders; files named like leftovers that are not
  /// PolicyScore's folders stay.
  @Test func twoJobsSharingAnOutputFolderBothComplete() throws {
    let home = try homeFolder()
    let output = home.appendingPathComponent("shared")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: false)
    try writeJob(
      "first",
      portfolios: ["portfolio.csv"],
      output: "shared",
      in: home,
      scenarios: "[baseline, substitution-push]"
    )
    try writeJob("second", portfolios: ["portfolio.csv"], output: "shared", in: home)
    let (first, log) = try start(
      ["job", "run", "first.yaml"],
      in: home,
      environment: [
        "POLICYSCORE_TEST_PAUSE_AT": "reports-partly-written",
        "POLICYSCORE_TEST_PAUSE_SECONDS": "2",
      ]
    )
    #expect(wait(for: "checkpoint reports-partly-written reached", in: log))
    try Data("mine".utf8).write(to: output.appendingPathComponent(".draft.tmp-99999-deadbeef"))
    let second = try policyscore(["job", "run", "second.yaml"], in: home)
    first.waitUntilExit()
    #expect(first.terminationStatus == 0)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(!second.stderr.contains("removed"))
    #expect(
      FileManager.default.fileExists(
        atPath: output.appendingPathComponent(".draft.tmp-99999-deadbeef").path
      )
    )
    let folders = try FileManager.default.contentsOfDirectory(atPath: output.path)
      .filter { $0.hasPrefix("2026-11-23_") }
    #expect(folders.count == 2)
    // Every recorded folder holds every report of each of its scenarios.
    for folder in folders {
      let files = try snapshot(output.appendingPathComponent(folder))
      let scenarios = files.keys.filter { $0.hasSuffix("/rankings.csv") }.count
      #expect(files.count == 4 + 10 * scenarios, "\(folder): \(files.keys.sorted())")
    }
  }

  /// A store that cannot grow (a full disk, here a file-size limit) fails the
  /// run after the reports are written: the previous reports and `latest`
  /// stay, and nothing is left behind.
  @Test func aFullDiskAtTheStoreStepChangesNothing() throws {
    let directory = try jobFolder()
    let first = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(first.status == 0, "\(first.stderr)")
    let out = directory.appendingPathComponent("out")
    let before = try snapshot(out)
    let latestBefore = try FileManager.default.destinationOfSymbolicLink(
      atPath: out.appendingPathComponent("latest").path
    )
    let limited = try shell(
      "trap '' XFSZ; ulimit -f 160; exec '\(binary.path)' job run job.yaml --force",
      in: directory
    )
    #expect(limited.status == 1, "\(limited.stderr)")
    #expect(try snapshot(out) == before)
    #expect(
      try FileManager.default.destinationOfSymbolicLink(
        atPath: out.appendingPathComponent("latest").path
      ) == latestBefore
    )
    let runs = try policyscore(["runs", "list", "--format", "csv"], in: directory)
    #expect(runs.stdout.unicodeScalars.filter { $0 == "\n" }.count == 3)
  }

  /// Killed after the store commit and before the swap: the next run puts
  /// the recorded reports in place and points `latest` at them.
  @Test func aKillAfterTheStoreCommitIsRepairedByTheNextRun() throws {
    let directory = try jobFolder()
    #expect(try policyscore(["job", "run", "job.yaml"], in: directory).status == 0)
    let (process, log) = try start(
      ["job", "run", "job.yaml", "--force"],
      in: directory,
      environment: ["POLICYSCORE_TEST_PAUSE_AT": "store-committed"]
    )
    #expect(wait(for: "checkpoint store-committed reached", in: log))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let next = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(next.stdout.hasPrefix("up to date"))
    #expect(next.stderr.contains("put in place the recorded reports of an interrupted run"))
    // "up to date: nothing changed since job run 2 (FOLDER) in STORE"
    let newest = try #require(
      next.stdout.split(separator: "(").last?.split(separator: ")").first.map(String.init)
    )
    let latest = directory.appendingPathComponent("out/latest").resolvingSymlinksInPath().path
    #expect(
      latest == directory.appendingPathComponent(newest).resolvingSymlinksInPath().path
    )
    #expect(FileManager.default.fileExists(atPath: latest + "/portfolio/baseline/rankings.csv"))
  }

  /// A complete folder of the job's that the store does not record (left by
  /// an older version, say) is removed by the next run, which says so.
  @Test func anUnrecordedFolderOfTheJobIsRemoved() throws {
    let directory = try jobFolder()
    #expect(try policyscore(["job", "run", "job.yaml"], in: directory).status == 0)
    let out = directory.appendingPathComponent("out")
    let latest = out.appendingPathComponent("latest").resolvingSymlinksInPath()
    let orphan = out.appendingPathComponent("2026-01-01_20260101T000000Z")
    try FileManager.default.copyItem(at: latest, to: orphan)
    let next = try policyscore(["job", "run", "job.yaml", "--force"], in: directory)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(next.stderr.contains("removed a report folder no run was recorded for"))
    #expect(!FileManager.default.fileExists(atPath: orphan.path))
    #expect(FileManager.default.fileExists(atPath: latest.path))
  }

  @Test(arguments: ["nan", "inf", "-1", "101"])
  func aNumberOptionMustBeFinite(_ value: String) throws {
    let result = try policyscore(["score", example, "--no-store", "--max-rejects", value])
    #expect(result.status == 64, "\(result.stderr)")
    #expect(result.stderr.contains("--max-rejects"))
  }

  @Test func exportedDecisionsApplyToAnotherStoreUnchanged() throws {
    let directory = try temporaryDirectory()
    try """
    action,segments,reason,ticker,proposed
    replace,medical-imaging:60%; life-support:40%,"=not a formula, a reason",688271.SH,
    reject,,not healthcare,-BANK,
    """.write(to: directory.appendingPathComponent("marks.csv"), atomically: true, encoding: .utf8)
    let saved = try policyscore(
      ["map", "--apply", "marks.csv", "--by", "Li Wei", "--db", "a.sqlite"],
      in: directory
    )
    #expect(saved.status == 0, "\(saved.stderr)")
    let export = try policyscore(
      ["decisions", "export", "team.csv", "--db", "a.sqlite"],
      in: directory
    )
    #expect(export.status == 0, "\(export.stderr)")
    let applied = try policyscore(
      ["map", "--apply", "team.csv", "--by", "someone else", "--db", "b.sqlite"],
      in: directory
    )
    #expect(applied.status == 0, "\(applied.stderr)")
    // The second store exports byte for byte what the first did.
    let again = try policyscore(["decisions", "export", "-", "--db", "b.sqlite"], in: directory)
    let team = try Data(contentsOf: directory.appendingPathComponent("team.csv"))
    #expect(Data(again.stdout.utf8) == team)
    #expect(again.stdout.contains("Li Wei") && again.stdout.contains("'=not a formula"))
    // A second export replaces the first; the portfolio file is never replaced.
    #expect(
      try policyscore(["decisions", "export", "team.csv", "--db", "a.sqlite"], in: directory).status
        == 0
    )
    #expect(
      try policyscore(["decisions", "export", "marks.csv", "--db", "a.sqlite"], in: directory)
        .status == 1
    )
  }
}

/// Runs `script` with bash in `directory`.
func shell(_ script: String, in directory: URL) throws -> Result {
  try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script], in: directory)
}

import Foundation
import Testing

/// What an analyst and an operator tripped on, each as the command that
/// showed it.
@Suite struct PaperCutCommandTests {
  @Test func exportingAMissingRunFailsLikeShowingIt() throws {
    let directory = try temporaryDirectory()
    _ = try policyscore(["score", example, "--out", "r"], in: directory)
    for command in [["runs", "show", "99"], ["runs", "export", "99"]] {
      let result = try policyscore(command, in: directory)
      #expect(result.status == 1, "\(command)")
      #expect(result.stderr.contains("no run 99 in the store"), "\(command)")
      #expect(result.stdout.isEmpty, "\(command)")
    }
  }

  @Test func aMisspelledCommandGetsASuggestion() throws {
    let root = try policyscore(["scroe", "x.csv"])
    #expect(root.status == 64)
    #expect(
      root.stderr.contains("'scroe' is not a command of 'policyscore'; did you mean 'score'?")
    )
    let nested = try policyscore(["runs", "exprot", "3"])
    #expect(nested.status == 64)
    #expect(nested.stderr.contains("did you mean 'export'?"))
    // A command with a default subcommand takes a file name as its argument.
    let map = try policyscore(["map", "nosuchfile.csv"])
    #expect(!map.stderr.contains("is not a command"))
  }

  @Test func aBadDateShowsTheCommandsOwnUsage() throws {
    let result = try policyscore(["score", "x.csv", "--as-of", "2026-13-01"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--as-of '2026-13-01' is not a date YYYY-MM-DD"))
    #expect(result.stderr.contains("Usage: policyscore score"))
  }

  @Test(arguments: [
    ("ticker,weight\n", "the file has a header and no rows"),
    ("ticker,weight\n合计,100\n", "none of its 1 row is a holding"),
  ])
  func aFileWithoutHoldingsIsAnError(text: String, message: String) throws {
    let directory = try temporaryDirectory()
    try text.write(to: directory.appendingPathComponent("h.csv"), atomically: true, encoding: .utf8)
    let result = try policyscore(["score", "h.csv", "--no-store"], in: directory)
    #expect(result.status == 65)
    #expect(result.stderr.contains("h.csv: error: no holdings to score: \(message)"))
    #expect(!result.stderr.contains("100.0%"))
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("reports").path)
    )
  }

  /// Pruning keeps a scenarios batch whole, and says when a store's runs
  /// belong to jobs.
  @Test func pruneCountsABatchAsOne() throws {
    let directory = try temporaryDirectory()
    _ = try policyscore(["score", example, "--out", "a"], in: directory)
    let batch = try policyscore(["scenarios", example, "--out", "b"], in: directory)
    #expect(batch.status == 0, "\(batch.stderr)")
    _ = try policyscore(["score", example, "--out", "c"], in: directory)
    let before = try policyscore(["runs", "list", "--format", "csv"], in: directory)
    func lines(_ text: String) -> Int { text.unicodeScalars.filter { $0 == "\n" }.count }
    let runs = lines(before.stdout) - 1
    let pruned = try policyscore(["runs", "prune", "--keep", "2"], in: directory)
    #expect(pruned.stdout.contains("pruned 1 run in 1 batch"), "\(pruned.stdout)")
    let after = try policyscore(["runs", "list", "--format", "csv"], in: directory)
    #expect(runs == 10)
    #expect(lines(after.stdout) - 1 == runs - 1, "\(after.stderr)")
  }

  /// `--as-of` on a job means the date given, not the job's rule applied to
  /// it.
  @Test func aJobRunAsOfADateScoresAsOfThatDate() throws {
    let directory = try jobFolder()
    let job = directory.appendingPathComponent("job.yaml")
    let text = try String(contentsOf: job, encoding: .utf8)
    try text.replacingOccurrences(of: "as_of: 2026-11-23", with: "as_of: last-month-end")
      .write(to: job, atomically: true, encoding: .utf8)
    let result = try policyscore(
      ["job", "run", "job.yaml", "--as-of", "2026-06-30"],
      in: directory
    )
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("as_of=2026-06-30"), "\(result.stderr)")
  }

  /// Two portfolio files without a portfolio column stay apart in diff.csv;
  /// a file added to the job is reported as new, and new decisions say why
  /// a run happened.
  @Test func aJobDiffNamesEachFileAndWhatChanged() throws {
    let directory = try jobFolder()
    let job = directory.appendingPathComponent("job.yaml")
    try FileManager.default.copyItem(
      at: directory.appendingPathComponent("portfolio.csv"),
      to: directory.appendingPathComponent("second.csv")
    )
    #expect(try policyscore(["job", "run", "job.yaml"], in: directory).status == 0)
    let text = try String(contentsOf: job, encoding: .utf8)
    try text.replacingOccurrences(
      of: "portfolios: [\"portfolio.csv\"]",
      with: "portfolios: [\"portfolio.csv\", \"second.csv\"]"
    ).write(to: job, atomically: true, encoding: .utf8)
    let added = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.stdout.contains("new-portfolio"), "\(added.stdout)")
    let diff = try String(
      contentsOf: directory.appendingPathComponent("out/latest/diff.csv"),
      encoding: .utf8
    )
    #expect(diff.contains("second,baseline,new-portfolio"), "\(diff)")
    // A decision saved since: the run says so.
    try "action,segments,reason,ticker,proposed\nreplace,hospitals:1,test,600276.SH,\n".write(
      to: directory.appendingPathComponent("review.csv"),
      atomically: true,
      encoding: .utf8
    )
    let applied = try policyscore(["map", "apply", "review.csv", "--by", "t"], in: directory)
    #expect(applied.status == 0, "\(applied.stderr)")
    let rerun = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    let changed = try String(
      contentsOf: directory.appendingPathComponent("out/latest/diff.csv"),
      encoding: .utf8
    )
    #expect(changed.contains("mapping decisions changed: none saved → 1 saved"), "\(changed)")
    #expect(
      changed.contains("portfolio,baseline,rank-move")
        || changed.contains("portfolio,baseline,tier-change")
    )
  }

  @Test(
    arguments: [
      (
        "old.xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0x00],
        "Excel 97-2003 workbook (.xls)"
      ),
      ("sheet.numbers", [0x50, 0x4B, 0x03, 0x04, 0x14], "an Apple Numbers file is not read"),
      (
        "noise.csv", [0x13, 0x00, 0xFF, 0x00, 0x7F, 0x00, 0x01, 0x00, 0x41, 0x00, 0x00, 0x00],
        "not a text file"
      ),
      (
        "broken.xlsx", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00],
        "the ZIP archive is damaged or incomplete"
      ),
    ] as [(String, [UInt8], String)]
  )
  func anotherFormatIsNamedWithWhatToDo(name: String, bytes: [UInt8], message: String) throws {
    let directory = try temporaryDirectory()
    try Data(bytes).write(to: directory.appendingPathComponent(name))
    let result = try policyscore(["score", name, "--no-store"], in: directory)
    #expect(result.status == 1)
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.contains("save it"))
    // No internal error names reach the user.
    #expect(!result.stderr.contains("missingEndOfCentralDirectoryRecord"))
  }

  /// `decisions list --format csv` has a BOM and is a file `map apply` reads
  /// back into another store.
  @Test func aDecisionsListIsAFileMapApplyReadsBack() throws {
    let directory = try temporaryDirectory()
    try "action,segments,reason,ticker,proposed\nreplace,hospitals:1,why,600276.SH,\n".write(
      to: directory.appendingPathComponent("review.csv"),
      atomically: true,
      encoding: .utf8
    )
    #expect(
      try policyscore(["map", "apply", "review.csv", "--by", "li"], in: directory).status == 0
    )
    let list = try policyscore(["decisions", "list", "--format", "csv"], in: directory)
    #expect(list.stdout.hasPrefix("\u{FEFF}id,ticker,action,segments,proposed"))
    try list.stdout.write(
      to: directory.appendingPathComponent("list.csv"),
      atomically: true,
      encoding: .utf8
    )
    let applied = try policyscore(
      ["map", "apply", "list.csv", "--db", "other.sqlite"],
      in: directory
    )
    #expect(applied.status == 0, "\(applied.stderr)")
    let other = try policyscore(
      ["decisions", "list", "--db", "other.sqlite", "--format", "json"],
      in: directory
    )
    #expect(other.stdout.contains("\"decided_by\" : \"li\""), "\(other.stdout)")
    #expect(other.stdout.contains("\"reason\" : \"why\""))
  }

  @Test func messagesLocateWhatTheUserCanOpen() throws {
    let directory = try temporaryDirectory()
    let elsewhere = try temporaryDirectory().appendingPathComponent("badmodels")
    try FileManager.default.copyItem(
      at: packageRoot.appendingPathComponent("Models"),
      to: elsewhere
    )
    let parameters = elsewhere.appendingPathComponent("parameters.yaml")
    try String(contentsOf: parameters, encoding: .utf8)
      .replacingOccurrences(of: "category_values:", with: "category_valuez:")
      .write(to: parameters, atomically: true, encoding: .utf8)
    let check = try policyscore(["model", "check", "--models", elsewhere.path], in: directory)
    #expect(check.stderr.contains("\(parameters.path):"), "\(check.stderr)")
    // The title-line note points at the title line.
    try "Fund A holdings 2026-06-30\nticker,weight\n600276,1\n".write(
      to: directory.appendingPathComponent("t.csv"),
      atomically: true,
      encoding: .utf8
    )
    let titled = try policyscore(["score", "t.csv", "--no-store"], in: directory)
    #expect(
      titled.stderr.contains("t.csv:1:1: note: skipped 1 title line above the header on line 2"),
      "\(titled.stderr)"
    )
  }

  @Test func catalogSearchMatchesWordsAndJSONHasNumbers() throws {
    let search = try policyscore(["catalog", "search", "独立实验室"])
    #expect(search.stdout.contains("independent-labs"))
    let json = try policyscore(["catalog", "list", "--category", "eliminated", "--format", "json"])
    #expect(json.stdout.contains("\"E\" : 0") && !json.stdout.contains("\"E\" : \"0"))
  }

  /// A scenario in the user's own folder extends one of the model's.
  @Test func aUsersScenarioExtendsTheModelsBaseline() throws {
    let directory = try temporaryDirectory()
    try
      "schema_version: 1\nextends: baseline\ntitle: t\ndescription: d\nweights: {encouraged: 0.5, financial: 0.25, substitution: 0.25}\n"
      .write(to: directory.appendingPathComponent("my2.yaml"), atomically: true, encoding: .utf8)
    let result = try policyscore(
      ["scenarios", example, "my2.yaml", "--no-store", "--out", "out"],
      in: directory
    )
    #expect(result.status == 0, "\(result.stderr)")
    try "schema_version: 1\nextends: baselin\ntitle: t\ndescription: d\n"
      .write(to: directory.appendingPathComponent("my3.yaml"), atomically: true, encoding: .utf8)
    let typo = try policyscore(["scenarios", example, "my3.yaml", "--no-store"], in: directory)
    #expect(typo.stderr.contains("to extend not found: looked for baselin.yaml in"))
    #expect(typo.stderr.contains("did you mean 'baseline'?"))
  }
}

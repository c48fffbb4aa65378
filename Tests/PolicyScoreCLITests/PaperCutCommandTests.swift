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
}

import Foundation
import Testing

/// The review loop end to end with the built binary: review, mark, apply,
/// and every later command using the decision.
@Suite struct MapCommandTests {
  static let holdings = """
    ticker,name,weight,description,industry_codes
    300760.SZ,迈瑞医疗,40,监护仪,
    X1,甲公司,30,HPV疫苗的研发与生产,5251
    X2,乙公司,20,奶茶连锁,
    X3,丙公司,10,腔镜手术机器人,
    """

  @Test func aDecisionAppliedOnceIsUsedByLaterRunsAndListed() throws {
    let directory = try temporaryDirectory()
    let portfolio = directory.appendingPathComponent("h.csv")
    try Self.holdings.write(to: portfolio, atomically: true, encoding: .utf8)

    let mapped = try policyscore(["map", "h.csv", "--review", "review.csv"], in: directory)
    #expect(mapped.status == 0, "\(mapped.stderr)")
    #expect(mapped.stderr.contains("review.csv: 2 holdings to review"))
    #expect(mapped.stdout.contains("mapped 3/4 holdings, 80.0% of weight"))
    #expect(mapped.stdout.contains("borderline:"))

    // The analyst marks the file as Excel would save it: BOM and CRLF kept.
    var review = try String(
      contentsOf: directory.appendingPathComponent("review.csv"),
      encoding: .utf8
    )
    review = review.replacingOccurrences(
      of: "\r\n,,,X2,",
      with: "\r\nreplace,retail-pharmacies,pharmacy chain,X2,"
    )
    review = review.replacingOccurrences(of: "\r\n,,,X1,", with: "\r\naccept,,,X1,")
    try review.write(
      to: directory.appendingPathComponent("review.csv"),
      atomically: true,
      encoding: .utf8
    )

    let applied = try policyscore(["map", "--apply", "review.csv", "--by", "li"], in: directory)
    #expect(applied.status == 0, "\(applied.stderr)")
    #expect(applied.stdout.contains("saved 2 decisions"))
    #expect(applied.stdout.contains("1 accept, 0 reject, 1 replace"))

    let scored = try policyscore(["score", "h.csv", "--out", "out"], in: directory)
    #expect(scored.status == 0, "\(scored.stderr)")
    let rankings = try String(
      contentsOf: directory.appendingPathComponent("out/rankings.csv"),
      encoding: .utf8
    )
    #expect(rankings.contains(",retail-pharmacies:1,decision,"))
    let evidence = try String(
      contentsOf: directory.appendingPathComponent("out/evidence.csv"),
      encoding: .utf8
    )
    #expect(evidence.contains(",retail-pharmacies,decision replace by li on "))
    let coverage = try String(
      contentsOf: directory.appendingPathComponent("out/coverage.csv"),
      encoding: .utf8
    )
    #expect(coverage.contains("method,decision,2,"))

    let listed = try policyscore(["decisions", "list", "--format", "csv"], in: directory)
    #expect(listed.status == 0, "\(listed.stderr)")
    #expect(
      listed.stdout.contains("X2,replace,retail-pharmacies:1.0,retail-pharmacies:1.0,in force,li,")
    )

    // The company's description changes: the next run flags it.
    try Self.holdings.replacingOccurrences(of: "奶茶连锁", with: "奶茶与药房连锁")
      .write(to: portfolio, atomically: true, encoding: .utf8)
    _ = try policyscore(["score", "h.csv", "--out", "out"], in: directory)
    let flagged = try policyscore(["decisions", "list"], in: directory)
    #expect(flagged.stdout.contains("re-review: description changed"))
  }

  @Test func coverageBelowTheMinimumFailsWithExitCode65AndWritesNothing() throws {
    let directory = try temporaryDirectory()
    try Self.holdings.write(
      to: directory.appendingPathComponent("h.csv"),
      atomically: true,
      encoding: .utf8
    )
    let result = try policyscore(
      ["score", "h.csv", "--out", "out", "--min-coverage", "90", "--no-store"],
      in: directory
    )
    #expect(result.status == 65)
    #expect(
      result.stderr.contains(
        "h.csv: error: mapping covers 80.0% of the weight, below the minimum of 90%"
      )
    )
    #expect(result.stderr.contains("X2 (line 4, 20.0%)"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out").path))
  }

  @Test func aReviewFileWithErrorsSavesNothing() throws {
    let directory = try temporaryDirectory()
    try "action,segments,reason,ticker,proposed\r\nreplace,medical-imagng,,X1,\r\n"
      .write(to: directory.appendingPathComponent("r.csv"), atomically: true, encoding: .utf8)
    let result = try policyscore(["map", "--apply", "r.csv"], in: directory)
    #expect(result.status == 65)
    #expect(
      result.stderr.contains(
        "r.csv:2:2: error: column 'segments': unknown segment 'medical-imagng'"
      )
    )
    #expect(
      !FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("policyscore.sqlite").path
      )
    )
  }

  @Test func theEvaluationPrintsAccuracyTheConfusionTableAndTheWorstErrors() throws {
    let labels = packageRoot.appendingPathComponent(
      "Tests/PolicyScoreTests/Fixtures/mapping/labels.csv"
    ).path
    let result = try policyscore(["map", "--evaluate", labels])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("domain accuracy"))
    #expect(result.stdout.contains("confusion of primary domains"))
    #expect(result.stdout.contains("worst 10 errors:"))
  }
}

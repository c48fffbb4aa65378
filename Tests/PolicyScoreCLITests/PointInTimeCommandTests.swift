import Foundation
import Testing

/// A back-dated run scores with what was in force on its date, and says so.
@Suite struct PointInTimeCommandTests {
  @Test(arguments: [
    ("2021-06-30", "2019", "in force on 2021-06-30: effective 2020-01-01 until 2024-02-01"),
    ("2024-06-30", "2024", "in force on 2024-06-30: effective 2024-02-01"),
  ])
  func theAsOfDateChoosesTheEdition(day: String, edition: String, reason: String) throws {
    let directory = try temporaryDirectory()
    let result = try policyscore(
      ["score", example, "--out", "reports", "--as-of", day, "--no-store"],
      in: directory
    )
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("catalogue \(edition) (\(reason)), as of \(day)"))
    let manifest = try JSONSerialization.jsonObject(
      with: Data(contentsOf: directory.appendingPathComponent("reports/manifest.json"))
    )
    let model = (manifest as? [String: Any])?["model"] as? [String: Any]
    #expect(model?["edition"] as? String == edition)
    #expect(model?["edition_reason"] as? String == reason)
  }

  @Test func beforeTheEarliestEditionTheRunFailsUnlessOneIsGiven() throws {
    let directory = try temporaryDirectory()
    let refused = try policyscore(
      ["score", example, "--out", "reports", "--as-of", "2019-06-30", "--no-store"],
      in: directory
    )
    #expect(refused.status == 64)
    #expect(
      refused.stderr.contains(
        "no catalogue edition in force on 2019-06-30: the earliest the model holds, 2019, took effect on 2020-01-01"
      )
    )
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("reports").path)
    )
    let forced = try policyscore(
      [
        "score", example, "--out", "reports", "--as-of", "2019-06-30", "--edition", "2019",
        "--no-store",
      ],
      in: directory
    )
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(
      forced.stdout.contains(
        "catalogue 2019 (set by --edition; no edition the model holds was in force on 2019-06-30)"
      )
    )
  }
}

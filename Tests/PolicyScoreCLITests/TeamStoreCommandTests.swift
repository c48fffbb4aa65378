import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The test server `make test` starts, or nil: these tests then do not run.
private let server: String? = {
  let url = ProcessInfo.processInfo.environment["POLICYSCORE_TEST_POSTGRES"] ?? ""
  return url.isEmpty ? nil : url
}()

/// A new, empty database on the test server, as a store URL.
private func freshDatabase() throws -> String {
  let base = try #require(server)
  let name = "c_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
  let created = try shell(
    "psql -q '\(base)' -c 'CREATE DATABASE \(name)'",
    in: try temporaryDirectory()
  )
  #expect(created.status == 0, "\(created.stderr)")
  return base.replacingOccurrences(of: "/postgres", with: "/\(name)")
}

/// One number that `psql` prints for `query`.
private func scalar(_ url: String, _ query: String) throws -> Int {
  let result = try shell("psql -tA '\(url)' -c \"\(query)\"", in: try temporaryDirectory())
  return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}

/// A job folder like `jobFolder()`'s, named `name`, recording in `store`.
private func job(_ name: String, store: String) throws -> URL {
  let directory = try jobFolder()
  try """
  schema_version: 1
  name: \(name)
  portfolios: ["portfolio.csv"]
  models: \(packageRoot.appendingPathComponent("Models").path)
  scenarios_dir: \(packageRoot.appendingPathComponent("Scenarios").path)
  scenarios: [baseline, support-withdrawn]
  as_of: 2026-11-23
  output: out
  store: \(store)
  """.write(to: directory.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
  return directory
}

@Suite(.enabled(if: server != nil, "POLICYSCORE_TEST_POSTGRES names no server"))
struct TeamStoreCommandTests {
  @Test func aTeamStoreServesEveryCommandAndNeverShowsItsPassword() throws {
    let url = try freshDatabase()
    let withPassword = url.replacingOccurrences(of: "policyscore@", with: "policyscore:hunter2@")
    let directory = try temporaryDirectory()
    let scored = try policyscore(
      ["score", example, "--db", withPassword, "--out", "r"],
      in: directory
    )
    #expect(scored.status == 0, "\(scored.stderr)")
    #expect(scored.stdout.contains("recorded as run 1 in postgres://policyscore@127.0.0.1:"))
    let everything =
      scored.stdout + scored.stderr
      + (try String(
        contentsOf: directory.appendingPathComponent("r/manifest.json"),
        encoding: .utf8
      ))
    #expect(!everything.contains("hunter2"))
    let listed = try policyscore(["runs", "list", "--db", url], in: directory)
    #expect(listed.status == 0 && listed.stdout.contains("score"))
    // From the team's server to a file and back: the same run.
    let copied = try policyscore(
      ["store", "copy", "--from", url, "--to", "mine.sqlite"],
      in: directory
    )
    #expect(copied.status == 0, "\(copied.stderr)")
    #expect(copied.stdout.contains("1 runs"))
    let there = try policyscore(["runs", "show", "1", "--db", url], in: directory)
    let here = try policyscore(["runs", "show", "1", "--db", "mine.sqlite"], in: directory)
    #expect(there.stdout == here.stdout && !here.stdout.isEmpty)
  }

  /// Killed inside the store's transaction, a run leaves the server as it
  /// was; the next run records, and the job's lock went with the process.
  @Test func aKillDuringRecordingLeavesTheServerAsItWas() throws {
    let url = try freshDatabase()
    let directory = try job("kill-on-server", store: url)
    #expect(try policyscore(["job", "run", "job.yaml"], in: directory).status == 0)
    let runs = try scalar(url, "SELECT COUNT(*) FROM run")
    let holdings = try scalar(url, "SELECT COUNT(*) FROM holding")
    let (process, log) = try start(
      ["job", "run", "job.yaml", "--force"],
      in: directory,
      environment: ["POLICYSCORE_TEST_PAUSE_AT": "store-transaction"]
    )
    #expect(wait(for: "checkpoint store-transaction reached", in: log))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(try scalar(url, "SELECT COUNT(*) FROM run") == runs)
    #expect(try scalar(url, "SELECT COUNT(*) FROM holding") == holdings)
    let next = try policyscore(["job", "run", "job.yaml", "--force"], in: directory)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(try scalar(url, "SELECT COUNT(*) FROM run") == 2 * runs)
  }

  /// A second machine's run of the same job finds the server's lock: exit 75.
  @Test func theJobLockHoldsAcrossMachines() throws {
    let url = try freshDatabase()
    let first = try job("shared-job", store: url)
    let second = try job("shared-job", store: url)
    let (process, log) = try start(
      ["job", "run", "job.yaml"],
      in: first,
      environment: ["POLICYSCORE_TEST_PAUSE_AT": "store-transaction"]
    )
    #expect(wait(for: "checkpoint store-transaction reached", in: log))
    let refused = try policyscore(["job", "run", "job.yaml"], in: second)
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(refused.status == 75, "\(refused.stderr)")
    #expect(refused.stderr.contains("a run on another machine"))
  }

  /// The bounded load: nothing is lost, and each company has one live decision.
  ///
  /// 8 processes apply conflicting decisions for the same 1,000 companies
  /// while 4 jobs record at once.
  @Test func aLoadOfConflictingWritersLosesNothing() throws {
    let url = try freshDatabase()
    let directory = try temporaryDirectory()
    let companies = (0..<1000).map { String(format: "6%05d.SH", $0) }
    let segments = [
      "hospitals", "innovative-drugs", "generic-chemical-drugs", "medical-consumables",
      "ivd-conventional", "vaccines", "cro-services", "retail-pharmacies",
    ]
    for (writer, segment) in segments.enumerated() {
      var text = "action,segments,reason,ticker,proposed,decided_by,decided_at,description_sha256\n"
      for ticker in companies.shuffled() {
        text +=
          "replace,\(segment):1,load test,\(ticker),\(segment):1,writer-\(writer),2026-11-23T00:00:0\(writer)Z,\n"
      }
      try text.write(
        to: directory.appendingPathComponent("w\(writer).csv"),
        atomically: true,
        encoding: .utf8
      )
    }
    let jobs = try (0..<4).map { try job("load-\($0)", store: url) }
    _ = try Store.migrated(url, in: directory)
    let started = Date()
    var processes: [(Process, URL)] = []
    for writer in segments.indices {
      processes.append(
        try start(["map", "apply", "w\(writer).csv", "--db", url], in: directory, environment: [:])
      )
    }
    for folder in jobs {
      processes.append(try start(["job", "run", "job.yaml"], in: folder, environment: [:]))
    }
    for (process, _) in processes { process.waitUntilExit() }
    let seconds = Date().timeIntervalSince(started)
    for (process, log) in processes {
      #expect(
        process.terminationStatus == 0,
        "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")"
      )
    }
    #expect(try scalar(url, "SELECT COUNT(*) FROM decision") == 8 * 1000)
    #expect(try scalar(url, "SELECT COUNT(*) FROM decision WHERE deleted_at IS NULL") == 1000)
    #expect(
      try scalar(url, "SELECT COUNT(DISTINCT ticker) FROM decision WHERE deleted_at IS NULL")
        == 1000
    )
    #expect(try scalar(url, "SELECT COUNT(*) FROM job_run") == 4)
    #expect(try scalar(url, "SELECT COUNT(*) FROM run") == 8)
    print(
      "note: load test: 8 writers × 1,000 decisions and 4 job runs in \(String(format: "%.1f", seconds)) s"
    )
  }
}

private enum Store {
  /// Creates the schema once, before the writers start.
  static func migrated(_ url: String, in directory: URL) throws -> Result {
    try policyscore(["runs", "list", "--db", url], in: directory)
  }
}

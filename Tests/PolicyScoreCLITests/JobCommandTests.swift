import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A job folder: the example portfolio and a job file writing into `out`.
func jobFolder() throws -> URL {
  let directory = try temporaryDirectory()
  try FileManager.default.copyItem(
    atPath: example,
    toPath: directory.appendingPathComponent("portfolio.csv").path
  )
  try """
  schema_version: 1
  name: kill-test
  portfolios: ["portfolio.csv"]
  models: \(packageRoot.appendingPathComponent("Models").path)
  scenarios_dir: \(packageRoot.appendingPathComponent("Scenarios").path)
  scenarios: [baseline, support-withdrawn]
  as_of: 2026-11-23
  output: out
  """.write(to: directory.appendingPathComponent("job.yaml"), atomically: true, encoding: .utf8)
  return directory
}

/// Starts the binary in the background with extra environment; stderr goes to a file.
func start(
  _ arguments: [String],
  in directory: URL,
  environment extra: [String: String]
) throws -> (Process, URL) {
  let process = Process()
  process.executableURL = binary
  process.arguments = arguments
  process.currentDirectoryURL = directory
  process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
  let log = directory.appendingPathComponent("stderr-\(UUID().uuidString).log")
  #expect(FileManager.default.createFile(atPath: log.path, contents: nil))
  process.standardError = try FileHandle(forWritingTo: log)
  process.standardOutput = FileHandle.nullDevice
  try process.run()
  return (process, log)
}

/// Waits until `file` contains `text`, for at most `seconds`.
func wait(for text: String, in file: URL, seconds: Double = 60) -> Bool {
  let deadline = Date().addingTimeInterval(seconds)
  while Date() < deadline {
    if let content = try? String(contentsOf: file, encoding: .utf8), content.contains(text) {
      return true
    }
    Thread.sleep(forTimeInterval: 0.05)
  }
  return false
}

/// Every file under `directory` with its bytes.
func snapshot(_ directory: URL) throws -> [String: Data] {
  var files: [String: Data] = [:]
  let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
  while let url = enumerator?.nextObject() as? URL {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
      !isDirectory.boolValue
    {
      files[url.path.replacingOccurrences(of: directory.path, with: "")] = try Data(contentsOf: url)
    }
  }
  return files
}

@Suite(.serialized) struct JobCommandTests {
  @Test(arguments: ["reports-partly-written", "store-transaction"])
  func aKilledRunLosesNothingAndTheNextRunSucceeds(_ point: String) throws {
    let directory = try jobFolder()
    let first = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(first.status == 0, "\(first.stderr)")
    let latest = directory.appendingPathComponent("out/latest")
    let reportsBefore = try snapshot(latest.resolvingSymlinksInPath())
    let runsBefore = try policyscore(
      ["runs", "list", "--format", "csv", "--db", "policyscore.sqlite"],
      in: directory
    )
    #expect(runsBefore.status == 0)

    // Change the input so that the next run has work to do, then kill it mid-write.
    let portfolio = directory.appendingPathComponent("portfolio.csv")
    try (try String(contentsOf: portfolio, encoding: .utf8) + "NEWCO,New Co,1.0,手术机器人,,CN,,\n")
      .write(to: portfolio, atomically: true, encoding: .utf8)
    let (process, log) = try start(
      ["job", "run", "job.yaml"],
      in: directory,
      environment: ["POLICYSCORE_TEST_PAUSE_AT": point]
    )
    #expect(wait(for: "checkpoint \(point) reached", in: log), "never reached \(point)")
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(process.terminationReason == .uncaughtSignal)

    // The store and the last complete reports are as they were.
    let runsAfter = try policyscore(
      ["runs", "list", "--format", "csv", "--db", "policyscore.sqlite"],
      in: directory
    )
    #expect(runsAfter.stdout == runsBefore.stdout)
    #expect(try snapshot(latest.resolvingSymlinksInPath()) == reportsBefore)

    // The next run succeeds, cleans the leftovers and records the new run.
    let next = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(next.status == 0, "\(next.stderr)")
    #expect(next.stdout.contains("diff: 1 new"))
    let runs = try policyscore(
      ["runs", "list", "--format", "csv", "--db", "policyscore.sqlite"],
      in: directory
    )
    // The header and 2 job runs × 2 scenarios.
    #expect(runs.stdout.unicodeScalars.filter { $0 == "\n" }.count == 5)
    let leftovers = try FileManager.default.contentsOfDirectory(
      atPath: directory.appendingPathComponent("out").path
    )
    .filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty)
  }

  @Test func twoRunsAtOnceOneRunsTheOtherExits75() throws {
    let directory = try jobFolder()
    let (holder, log) = try start(
      ["job", "run", "job.yaml"],
      in: directory,
      environment: [
        "POLICYSCORE_TEST_PAUSE_AT": "reports-partly-written",
        "POLICYSCORE_TEST_PAUSE_SECONDS": "3",
      ]
    )
    #expect(wait(for: "checkpoint reports-partly-written reached", in: log))
    let second = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(second.status == 75)
    #expect(
      second.stderr.contains(
        "the job is already running: lock held by pid \(holder.processIdentifier), started "
      )
    )
    holder.waitUntilExit()
    #expect(holder.terminationStatus == 0)
    let third = try policyscore(["job", "run", "job.yaml"], in: directory)
    #expect(third.status == 0)
    #expect(third.stdout.hasPrefix("up to date"))
  }

  @Test func scoreRecordsItsRunUnlessToldNotTo() throws {
    let directory = try temporaryDirectory()
    let recorded = try policyscore(
      ["score", example, "--out", "r", "--as-of", "2026-11-23"],
      in: directory
    )
    #expect(recorded.stdout.contains("recorded as run 1 in policyscore.sqlite"))
    let show = try policyscore(["runs", "show", "1"], in: directory)
    #expect(
      show.stdout.contains("rows read 55 = scored 55 + out of scope 0 + unmapped 0 + rejected 0")
    )
    let notRecorded = try policyscore(
      ["score", example, "--no-store", "--no-reports"],
      in: directory
    )
    #expect(!notRecorded.stdout.contains("recorded as run"))
    let export = try policyscore(["runs", "export", "1"], in: directory)
    #expect(export.stdout.hasPrefix("\u{FEFF}portfolio,rank,ticker"))
  }
}

import ArgumentParser
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

struct JobCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "job",
    abstract: "Run periodic scoring jobs with a history.",
    subcommands: [Run.self]
  )

  struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract:
        "Run a job file: score its portfolios under its scenarios, keep the history, diff against the last run.",
      discussion: """
        A run writes its reports into a new folder under the job's output root,
        records every run in the store in one transaction, and only then
        renames the folder into place and points OUTPUT/latest at it. The
        output root must be new, empty or the job's own; jobs sharing one take
        turns. A run killed midway is put right by the next one. When the inputs,
        model, scenarios and as-of date are unchanged since the last run it
        says "up to date" and writes nothing (--force reruns). Each run is
        compared with the previous one in diff.csv: new and dropped holdings,
        rank moves, tier changes, exclusions, and changed assumptions. Only one
        run of a job at a time: a second one exits 75 naming the holder. It
        never prompts; logs go to stderr.

        Exit codes: 0 done or up to date; 1 failed; 64 bad arguments or job
        file; 65 more rows rejected than max_rejects (default 5%) allows; 75
        another run of the job holds the lock.

        Example:
          policyscore job run Examples/weekly-job.yaml
          policyscore job run weekly.yaml --db history.sqlite --log-format json
        """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "job.yaml"))
    var jobPath: String

    @OptionGroup var store: StoreOption

    @Flag(help: "Run even when nothing changed since the last run.")
    var force = false

    @Option(help: "Log lines on stderr: text or json.")
    var logFormat: LogFormat = .text

    @Option(
      name: .customLong("as-of"),
      help: ArgumentHelp(
        "Score as of this date, YYYY-MM-DD (default: the job's as_of rule applied to today, UTC).",
        valueName: "date"
      )
    )
    var asOfText: String?

    @OptionGroup var language: LanguageOption

    func run() throws {
      let logger = Logger(format: logFormat)
      let url = URL(fileURLWithPath: jobPath).standardizedFileURL
      var given: Day?
      if let asOfText {
        guard let day = Day(asOfText) else {
          throw ValidationError("--as-of '\(asOfText)' is not a date YYYY-MM-DD")
        }
        given = day
      }
      let job = try Job(contentsOf: url)
      var runner = JobRunner(
        job: job,
        store: try store.open(else: job.store),
        today: AsOfOption.today(),
        toolVersion: PolicyScore.version
      )
      runner.asOf = given
      runner.language = language.language
      runner.force = force
      runner.log = logger.log
      runner.checkpoint = TestHooks.checkpoint
      let outcome: JobOutcome
      do throws(JobError) {
        outcome = try runner.run()
      } catch {
        // For the log collector; the terminal gets the located diagnostics.
        logger.log(JobEvent(.error, error.diagnostics.map(\.message).joined(separator: "; ")))
        throw error
      }
      switch outcome {
      case .upToDate(let id, let folder):
        print(
          "up to date: nothing changed since job run \(id) (\(shown(folder))) in \(shown(runner.store.path))"
        )
      case .completed(let result):
        print(
          "job run \(result.jobRunID): \(result.runs) run\(result.runs == 1 ? "" : "s"), \(result.rowsRead) rows read, \(result.rejected) rejected"
        )
        print("diff: \(result.diffSummary)")
        print("reports: \(shown(result.folder))")
        print("recorded in \(shown(runner.store.path)), whose saved decisions it applied")
      }
    }
  }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
  case text
  case json
}

/// Writes job events to stderr, as text or as one JSON object per line.
struct Logger {
  var format: LogFormat

  func log(_ event: JobEvent) {
    let time = Date().timestamp
    switch format {
    case .text:
      let fields = event.fields.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
      printError(
        "\(time) \(event.level.rawValue): \(event.message)\(fields.isEmpty ? "" : " " + fields)"
      )
    case .json:
      var object: [String: String] = [
        "time": time, "level": event.level.rawValue, "message": event.message,
      ]
      for (key, value) in event.fields { object[key] = value }
      let data =
        (try? JSONSerialization.data(
          withJSONObject: object,
          options: [.sortedKeys, .withoutEscapingSlashes]
        )) ?? Data()
      printError(String(decoding: data, as: UTF8.self))
    }
  }
}

/// Test hooks, from the environment: POLICYSCORE_TEST_PAUSE_AT=<checkpoint>
/// makes the process announce the checkpoint on stderr and sleep
/// POLICYSCORE_TEST_PAUSE_SECONDS (default 60) there, so that a test can kill
/// it mid-write.
enum TestHooks {
  static func checkpoint(_ name: String) {
    let environment = ProcessInfo.processInfo.environment
    guard environment["POLICYSCORE_TEST_PAUSE_AT"] == name else { return }
    printError("checkpoint \(name) reached")
    Thread.sleep(
      forTimeInterval: Double(environment["POLICYSCORE_TEST_PAUSE_SECONDS"] ?? "60") ?? 60
    )
  }
}

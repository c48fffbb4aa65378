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

struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "Browse, compare, export and prune the history of runs.",
    subcommands: [List.self, Show.self, Diff.self, Export.self, Prune.self]
  )

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List recent runs, newest first.",
      discussion: "Example:\n  policyscore runs list --limit 20 --format csv > runs.csv"
    )

    @OptionGroup var store: StoreOption
    @Option(help: "Only runs of this job.") var job: String?
    @Option(help: "How many runs.") var limit = 50
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() throws {
      let runs = try store.openExisting().runs(limit: limit).filter {
        job == nil || $0.job == job
      }
      let header = [
        "id", "job", "command", "scenario", "as_of", "edition", "portfolio", "read", "scored",
        "unmapped", "rejected", "finished",
      ]
      let rows = runs.map {
        [
          String($0.id), $0.job ?? "", $0.command, $0.scenario, $0.asOf, $0.edition,
          URL(fileURLWithPath: $0.portfolioPath).lastPathComponent, String($0.rowsRead),
          String($0.scored),
          String($0.unmapped), String($0.rejected), $0.finishedAt,
        ]
      }
      printResult(
        format.render(
          header: header,
          rows: rows,
          numeric: ["id", "read", "scored", "unmapped", "rejected"]
        )
      )
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show one run: its manifest and its top holdings.",
      discussion: "Example:\n  policyscore runs show 12 --top 20"
    )

    @OptionGroup var store: StoreOption
    @Argument(help: "The run id.") var id: Int64
    @Option(help: "How many holdings.") var top = 10

    func run() throws {
      let opened = try store.openExisting()
      let run = try opened.run(id: id)
      let holdings = try opened.holdings(run: id)
      print(
        "run \(run.id): \(run.command)\(run.job.map { " (job \($0))" } ?? ""), scenario \(run.scenario)"
      )
      print("portfolio: \(run.portfolioPath) (sha256 \(run.inputHash))")
      print(
        "model: sha256 \(run.modelHash), edition \(run.edition), as of \(run.asOf), weights E,F,D \(run.weights)"
      )
      print(
        Accounting(
          read: run.rowsRead,
          scored: run.scored,
          outOfScope: run.outOfScope,
          unmapped: run.unmapped,
          rejected: run.rejected
        ).description
      )
      print("finished \(run.finishedAt) in \(run.durationMilliseconds) ms, tool \(run.toolVersion)")
      if let directory = run.reportDirectory { print("reports: \(shown(directory))") }
      print("")
      let rows = holdings.filter { $0.rank != nil }.prefix(top).map {
        [
          $0.portfolio, String($0.rank ?? 0), $0.ticker, String($0.name.prefix(20)),
          String(format: "%.1f", $0.composite ?? 0), $0.tier ?? "", $0.primarySegment ?? "",
        ]
      }
      print(
        TextTable.render(
          [["portfolio", "rank", "ticker", "name", "score", "tier", "segment"]] + rows,
          rightAligned: [1, 4]
        )
      )
    }
  }

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract:
        "Compare two runs: new and dropped holdings, rank moves, tier changes, changed assumptions.",
      discussion: "Example:\n  policyscore runs diff 11 12 --threshold 3 --format csv > diff.csv"
    )

    @OptionGroup var store: StoreOption
    @Argument(help: "The earlier run.") var first: Int64
    @Argument(help: "The later run.") var second: Int64
    @Option(help: "Smallest rank move listed.") var threshold = 5
    @Option(help: "table or csv.") var format: OutputFormat = .table

    func run() throws {
      let opened = try store.openExisting()
      let a = try opened.run(id: first)
      let b = try opened.run(id: second)
      let diff = RunDiff(
        scenario: b.scenario,
        label: "",
        previous: (RunDiff.Facts(a), try opened.holdings(run: first)),
        current: (RunDiff.Facts(b), try opened.holdings(run: second)),
        threshold: threshold
      )
      if format == .csv {
        FileHandle.standardOutput.write(Data(RunDiff.csv([diff])))
        return
      }
      print("run \(first) → run \(second): \(RunDiff.summary([diff]))")
      let rows = diff.rows.map {
        [$0.kind.rawValue, $0.ticker, String($0.name.prefix(20)), $0.detail]
      }
      if !rows.isEmpty { print(TextTable.render([["kind", "ticker", "name", "detail"]] + rows)) }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Export a stored run's scores as CSV.",
      discussion: "Example:\n  policyscore runs export 12 > run-12.csv"
    )

    @OptionGroup var store: StoreOption
    @Argument(help: "The run id.") var id: Int64

    func run() throws {
      let opened = try store.openExisting()
      _ = try opened.run(id: id)
      let holdings = try opened.holdings(run: id)
      let header = [
        "portfolio", "rank", "ticker", "name", "weight", "e", "f", "d", "composite", "tier",
        "excluded", "primary_segment", "explanation", "unmapped_reason", "line",
      ]
      let rows: [[CSVCell]] = holdings.map { h in
        [
          .text(h.portfolio), h.rank.map { .integer($0) } ?? .empty, .text(h.ticker), .text(h.name),
          .number(h.weight, decimals: 6), h.e.map { .number($0, decimals: 2) } ?? .empty,
          h.f.map { .number($0, decimals: 2) } ?? .empty,
          h.d.map { .number($0, decimals: 2) } ?? .empty,
          h.composite.map { .number($0, decimals: 2) } ?? .empty, .text(h.tier ?? ""),
          .text(h.rank == nil ? "" : h.excluded ? "yes" : "no"), .text(h.primarySegment ?? ""),
          .text(h.explanation ?? ""), .text(h.reason ?? ""), .integer(h.line),
        ]
      }
      FileHandle.standardOutput.write(Data(CSVWriter.render(header: header, rows: rows)))
    }
  }

  struct Prune: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "prune",
      abstract: "Delete all but the newest runs.",
      discussion: """
        With --job, keeps the job's newest N job runs and deletes the others with
        their report folders; without it, keeps the newest N runs made outside
        jobs, the runs one 'scenarios' command recorded together counting as one.

        Example:
          policyscore runs prune --keep 10 --job weekly-healthcare
        """
    )

    @OptionGroup var store: StoreOption
    @Option(help: "How many to keep.") var keep: Int
    @Option(help: "Prune this job's runs.") var job: String?

    func validate() throws {
      guard keep >= 0 else { throw ValidationError("--keep must be 0 or more") }
    }

    func run() throws {
      let result = try store.openExisting().prune(job: job, keep: keep)
      for folder in result.folders { try? FileManager.default.removeItem(atPath: folder) }
      let runs = "\(result.removed) run\(result.removed == 1 ? "" : "s")"
      if job != nil {
        print("pruned \(result.groups) job run\(result.groups == 1 ? "" : "s") (\(runs))")
      } else {
        print("pruned \(runs) in \(result.groups) batch\(result.groups == 1 ? "" : "es")")
        if !result.jobs.isEmpty {
          print(
            "the runs of jobs (\(result.jobs.joined(separator: ", "))) are kept; prune them with --job NAME"
          )
        }
      }
    }
  }
}

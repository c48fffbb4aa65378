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

struct DecisionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decisions",
    abstract: "The analyst's saved mapping decisions.",
    subcommands: [List.self, Export.self]
  )

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Write the decisions in force to a file that 'map apply' reads back.",
      discussion: """
        The file has the review file's columns (action, segments, reason,
        ticker, proposed) and who decided and when. Applied to another store
        with 'policyscore map apply FILE', it gives the same decisions,
        with their deciders, times and reasons: so a team can share them.
        An existing file is replaced only when it is an earlier export.

        Examples:
          policyscore decisions export decisions.csv
          policyscore decisions export team.csv --db ~/policyscore.sqlite
          policyscore map apply team.csv --db shared.sqlite
        """
    )

    @Argument(
      help: ArgumentHelp("The file to write ('-' for standard output).", valueName: "file.csv")
    )
    var file: String

    @OptionGroup var store: StoreOption

    func run() throws {
      let opened = try store.openExisting()
      var inForce: [String: MappingDecision] = [:]
      for (_, decision) in try opened.decisions() {
        inForce[decision.ticker] = decision
      }
      let decisions = inForce.values.sorted { $0.ticker < $1.ticker }
      let bytes = ReviewFile.export(decisions)
      if file == "-" {
        FileHandle.standardOutput.write(Data(bytes))
        return
      }
      try writeFile(bytes, to: file)
      print("wrote \(decisions.count) decision\(decisions.count == 1 ? "" : "s") to \(file)")
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List saved mapping decisions, the one in force for each company first.",
      discussion: """
        Status: 'in force'; 're-review', when the company's description in
        the latest recorded run differs from the one the decision was made
        on; 'superseded' by a later decision for the same ticker (with --all).
        With --format csv and without --all, the file is one that 'map
        apply' reads back, as 'decisions export' writes.

        Examples:
          policyscore decisions list
          policyscore decisions list --all --format csv > all-decisions.csv
        """
    )

    @OptionGroup var store: StoreOption
    @Flag(help: "Include superseded decisions.") var all = false
    @Option(help: "table, csv or json.") var format: OutputFormat = .table

    func run() throws {
      let opened = try store.openExisting()
      let decisions = try opened.decisions()
      let seen = try opened.latestDescriptionFingerprints()
      var latestID: [String: Int64] = [:]
      for (id, decision) in decisions { latestID[decision.ticker] = id }
      let header = [
        "id", "ticker", "action", "segments", "proposed", "status", "decided_by", "decided_at",
        "reason", "description_sha256",
      ]
      var rows: [[String]] = []
      for (id, decision) in decisions.reversed() {
        let superseded = latestID[decision.ticker] != id
        if superseded && !all { continue }
        var status = superseded ? "superseded" : "in force"
        if !superseded, let current = seen[decision.ticker],
          !decision.descriptionFingerprint.isEmpty,
          current != decision.descriptionFingerprint
        {
          status = "re-review: description changed"
        }
        let split = SegmentSplit.render(decision.segments, exact: format != .table)
        rows.append([
          String(id), decision.ticker, decision.action.rawValue, split, split, status,
          decision.decidedBy, decision.decidedAt, decision.reason, decision.descriptionFingerprint,
        ])
      }
      // The table leaves out what only a file needs.
      let shown = format == .table ? [0, 1, 2, 3, 5, 6, 7, 8] : Array(header.indices)
      printResult(
        format.render(
          header: shown.map { header[$0] },
          rows: rows.map { row in shown.map { row[$0] } },
          numeric: ["id"]
        )
      )
    }
  }
}

import ArgumentParser
import Foundation
import HistoryStore
import PolicyScoreCore

struct StoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "store",
    abstract: "Move decisions and runs between history stores.",
    subcommands: [StoreCopyCommand.self]
  )
}

struct StoreCopyCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "copy",
    abstract: "Copy every decision and run from one store into another.",
    discussion: """
      Copies the decisions, with who made them, when and why, and the ones
      they superseded, and every run with its job runs, holdings, scores,
      mappings and explanations, in one transaction: all of it or nothing.
      The target keeps what it had; a copied live decision supersedes the
      target's live one for the same company. So a team can start its shared
      PostgreSQL store from one analyst's SQLite file.

      A store is a SQLite file or a postgres://user@host:port/database URL;
      the password comes from the URL, PGPASSWORD or the password file
      (PGPASSFILE, else ~/.pgpass), and is never printed.

      Examples:
        policyscore store copy --from policyscore.sqlite --to team.sqlite
        policyscore store copy --from home/policyscore.sqlite --to copy.sqlite
      """
  )

  @Option(help: ArgumentHelp("The store to copy from, which must exist.", valueName: "path|url"))
  var from: String

  @Option(
    help: ArgumentHelp(
      "The store to copy into, created when it is a new file.",
      valueName: "path|url"
    )
  )
  var to: String

  private func location(_ text: String) -> String {
    Store.isServer(text) ? text : URL(fileURLWithPath: text).standardizedFileURL.path
  }

  func validate() throws {
    guard location(from) != location(to) else {
      throw ValidationError("--from and --to name the same store")
    }
  }

  func run() throws {
    let source = location(from)
    guard Store.isServer(source) || FileManager.default.fileExists(atPath: source) else {
      throw Diagnostic(.error, "no history store at '\(source)'")
    }
    let target = try Store(path: location(to))
    let count = try target.copy(from: try Store(path: source))
    print(
      "copied \(count.decisions) decisions (\(count.liveDecisions) live) and \(count.runs) runs (\(count.jobRuns) job runs, \(count.holdings) holdings) from \(shown(source)) to \(shown(target.path))"
    )
  }
}

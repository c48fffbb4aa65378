import ArgumentParser
import Foundation
import PolicyScoreKit

/// Where the history store is, and whether to record at all.
struct StoreOptions: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The history store (default: policyscore.sqlite here, or beside the job file).",
      valueName: "path"
    )
  )
  var databasePath: String?

  @Flag(name: .customLong("no-store"), help: "Record nothing in the history store.")
  var noStore = false

  /// Opens the store at `--db` or `defaultPath`; nil under `--no-store`.
  func open(defaultPath: String = "policyscore.sqlite") throws -> Store? {
    if noStore { return nil }
    return try openStore(databasePath ?? defaultPath)
  }
}

func openStore(_ path: String) throws -> Store {
  do {
    return try Store(path: path)
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

/// Records runs, or fails the command with a printed error.
func record(_ entries: [RunEntry], in store: Store?) throws -> [Int64] {
  guard let store else { return [] }
  do {
    return try store.record(entries).runIDs
  } catch {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

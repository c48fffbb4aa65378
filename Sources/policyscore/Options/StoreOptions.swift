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

  @Flag(
    name: .customLong("no-store"),
    help: "Record nothing in the history store (saved mapping decisions still apply)."
  )
  var noStore = false

  /// The store's file, whether or not it is used: the report folder must
  /// never hold it.
  func path(defaultPath: String = "policyscore.sqlite") -> URL {
    URL(fileURLWithPath: databasePath ?? defaultPath)
  }

  /// Opens the store at `--db` or `defaultPath`; nil under `--no-store`.
  func open(defaultPath: String = "policyscore.sqlite") throws -> Store? {
    if noStore { return nil }
    return try openStore(databasePath ?? defaultPath)
  }

  /// The analyst's saved mapping decisions, oldest first: from the store
  /// when its file exists, even under `--no-store`; none otherwise.
  func decisions(defaultPath: String = "policyscore.sqlite") throws -> [MappingDecision] {
    try savedDecisions(at: databasePath ?? defaultPath)
  }
}

/// `--db` for commands that read a store that must already exist.
struct ExistingStoreOption: ParsableArguments {
  @Option(name: .customLong("db"), help: ArgumentHelp("The history store.", valueName: "path"))
  var databasePath = "policyscore.sqlite"

  func open() throws -> Store {
    guard FileManager.default.fileExists(atPath: databasePath) else {
      DiagnosticPrinter.error("no history store at '\(databasePath)'; pass --db PATH")
      throw ExitCodes.failure
    }
    return try openStore(databasePath)
  }
}

/// The decisions saved in the store at `path`, oldest first; none when there
/// is no store there.
func savedDecisions(at path: String) throws -> [MappingDecision] {
  guard FileManager.default.fileExists(atPath: path) else { return [] }
  return try loadDecisions(from: openStore(path))
}

/// The decisions in `store`, or fails the command with a printed error.
func loadDecisions(from store: Store) throws -> [MappingDecision] {
  try storeCall { try store.decisions().map(\.decision) }
}

/// Runs a store call, printing its error and failing the command.
func storeCall<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as StoreError {
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
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

/// Records runs, or fails the command with a printed error, discarding the
/// staged reports: a run is in place only once it is recorded.
func record(
  _ entries: [RunEntry],
  in store: Store?,
  discarding staged: StagedReports?
) throws -> [Int64] {
  guard let store else { return [] }
  do {
    return try store.record(entries).runIDs
  } catch {
    staged?.discard()
    DiagnosticPrinter.error(error.description)
    throw ExitCodes.failure
  }
}

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

/// `--db`: where the history store is, for every command that uses it.
///
/// One default everywhere: `$POLICYSCORE_DB`, else `policyscore.sqlite` in
/// the current folder. A job file may name its own (`store:`); `--db` wins.
/// A `postgres://` URL names a team's PostgreSQL database instead of a file.
struct StoreOption: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The history store: a SQLite file, or postgres://user@host:port/database (default: $POLICYSCORE_DB, else policyscore.sqlite here).",
      valueName: "path|url"
    )
  )
  var path: String?

  /// The store's file or URL: `--db`, else `fallback` (a job's own store),
  /// else the default.
  func location(else fallback: String? = nil) -> String {
    if let path { return Store.isServer(path) ? path : URL(fileURLWithPath: path).path }
    if let fallback { return fallback }
    let environment = ProcessInfo.processInfo.environment["POLICYSCORE_DB"] ?? ""
    if Store.isServer(environment) { return environment }
    return URL(fileURLWithPath: environment.isEmpty ? "policyscore.sqlite" : environment).path
  }

  /// The store's file, which no report folder may hold; none for a server.
  func files(else fallback: String? = nil) -> [URL] {
    let location = location(else: fallback)
    return Store.isServer(location) ? [] : [URL(fileURLWithPath: location)]
  }

  /// Opens the store, creating it when it does not exist.
  func open(else fallback: String? = nil) throws(StoreError) -> Store {
    try Store(path: location(else: fallback))
  }

  /// Whether there is a store to read: a file that exists, or any server.
  var exists: Bool {
    let location = location()
    return Store.isServer(location) || FileManager.default.fileExists(atPath: location)
  }

  /// Opens a store that must already exist: one to read from.
  func openExisting() throws -> Store {
    guard exists else {
      throw Diagnostic(
        .error,
        "no history store at '\(location())'; pass --db PATH, or run 'policyscore score' first"
      )
    }
    return try open()
  }

  /// The analyst's saved mapping decisions, oldest first; none when there
  /// is no store yet.
  func decisions() throws(StoreError) -> [MappingDecision] {
    guard exists else { return [] }
    return try open().decisions().map(\.decision)
  }
}

/// `--db` and `--no-store`, for the commands that record their runs.
struct RecordingOptions: ParsableArguments {
  @OptionGroup var store: StoreOption

  @Flag(
    name: .customLong("no-store"),
    help: "Record nothing in the history store (saved mapping decisions still apply)."
  )
  var noStore = false

  /// The store to record in; nil under `--no-store`.
  func recordingStore() throws(StoreError) -> Store? {
    noStore ? nil : try store.open()
  }
}

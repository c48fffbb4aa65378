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
struct StoreOption: ParsableArguments {
  @Option(
    name: .customLong("db"),
    help: ArgumentHelp(
      "The history store, a SQLite file (default: $POLICYSCORE_DB, else policyscore.sqlite here).",
      valueName: "path"
    )
  )
  var path: String?

  /// The store's file: `--db`, else `fallback` (a job's own store), else
  /// the default.
  func url(else fallback: URL? = nil) -> URL {
    if let path { return URL(fileURLWithPath: path) }
    if let fallback { return fallback }
    let environment = ProcessInfo.processInfo.environment["POLICYSCORE_DB"] ?? ""
    return URL(fileURLWithPath: environment.isEmpty ? "policyscore.sqlite" : environment)
  }

  /// Opens the store, creating it when it does not exist.
  func open(else fallback: URL? = nil) throws(StoreError) -> Store {
    try Store(path: url(else: fallback).path)
  }

  /// Opens a store that must already exist: one to read from.
  func openExisting() throws -> Store {
    let url = url()
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw Diagnostic(
        .error,
        "no history store at '\(url.path)'; pass --db PATH, or run 'policyscore score' first"
      )
    }
    return try open()
  }

  /// The analyst's saved mapping decisions, oldest first; none when there
  /// is no store yet.
  func decisions() throws(StoreError) -> [MappingDecision] {
    guard FileManager.default.fileExists(atPath: url().path) else { return [] }
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

import Foundation

/// A line for the log: what happened, with fields for log collectors.
public struct JobEvent: Sendable {
  public enum Level: String, Sendable {
    case info
    case warning
    case error
  }

  public var level: Level
  public var message: String
  public var fields: [(key: String, value: String)]

  public init(_ level: Level, _ message: String, _ fields: [(key: String, value: String)] = []) {
    self.level = level
    self.message = message
    self.fields = fields
  }
}

/// How a job run ended.
public enum JobOutcome: Sendable {
  /// Inputs, model, scenarios and as-of date unchanged since the last run: nothing written.
  case upToDate(jobRunID: Int64, folder: String)
  case completed(JobResult)
}

public struct JobResult: Sendable {
  public var jobRunID: Int64
  public var folder: String
  public var runs: Int
  public var rowsRead: Int
  public var rejected: Int
  public var diffSummary: String
  public var pruned: Int
}

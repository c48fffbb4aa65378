import Foundation
public import PolicyScoring

/// A run as the store keeps it: its manifest and counts.
public struct StoredRun: Sendable, Hashable {
  public var id: Int64
  public var jobRunID: Int64?
  public var job: String?
  public var command: String
  public var scenario: String
  public var scenarioHash: String
  public var portfolioPath: String
  public var inputHash: String
  public var modelHash: String
  public var edition: String
  public var asOf: String
  /// "E,F,D" weights.
  public var weights: String
  public var toolVersion: String
  public var rowsRead: Int
  public var scored: Int
  public var unmapped: Int
  public var outOfScope: Int
  public var rejected: Int
  public var status: String
  public var startedAt: String
  public var finishedAt: String
  public var durationMilliseconds: Int
  public var reportDirectory: String?
}

/// One execution of a job: the runs it made and where its reports are.
public struct StoredJobRun: Sendable, Hashable {
  public var id: Int64
  public var job: String
  public var fingerprint: String
  public var asOf: String
  public var status: String
  public var startedAt: String
  public var finishedAt: String
  public var reportDirectory: String
  /// The saved decisions the run applied ("5 saved, newest 12"); nil for
  /// runs recorded before stores kept it.
  public var decisions: String?
}

/// A scored or unmapped holding of a stored run.
public struct StoredHolding: Sendable, Hashable {
  public var portfolio: String
  public var line: Int
  public var ticker: String
  public var name: String
  public var weight: Double
  /// nil for an unmapped holding.
  public var composite: Double?
  public var e: Double?
  public var f: Double?
  public var d: Double?
  public var rank: Int?
  public var tier: String?
  public var excluded: Bool
  public var primarySegment: String?
  public var explanation: String?
  public var reason: String?

  package init(
    portfolio: String,
    line: Int,
    ticker: String,
    name: String,
    weight: Double,
    composite: Double?,
    e: Double?,
    f: Double?,
    d: Double?,
    rank: Int?,
    tier: String?,
    excluded: Bool,
    primarySegment: String?,
    explanation: String?,
    reason: String?
  ) {
    self.portfolio = portfolio
    self.line = line
    self.ticker = ticker
    self.name = name
    self.weight = weight
    self.composite = composite
    self.e = e
    self.f = f
    self.d = d
    self.rank = rank
    self.tier = tier
    self.excluded = excluded
    self.primarySegment = primarySegment
    self.explanation = explanation
    self.reason = reason
  }
}

/// What to record for one run.
public struct RunEntry {
  public var command: String
  public var scenario: String
  public var scenarioHash: String
  public var portfolioPath: String
  public var run: ScoreRun
  public var toolVersion: String
  public var startedAt: String
  public var finishedAt: String
  public var durationMilliseconds: Int
  public var reportDirectory: String?

  public init(
    command: String,
    scenario: String,
    scenarioHash: String,
    portfolioPath: String,
    run: ScoreRun,
    toolVersion: String,
    startedAt: String,
    finishedAt: String,
    durationMilliseconds: Int,
    reportDirectory: String?
  ) {
    self.command = command
    self.scenario = scenario
    self.scenarioHash = scenarioHash
    self.portfolioPath = portfolioPath
    self.run = run
    self.toolVersion = toolVersion
    self.startedAt = startedAt
    self.finishedAt = finishedAt
    self.durationMilliseconds = durationMilliseconds
    self.reportDirectory = reportDirectory
  }
}

public import Foundation
public import HistoryStore
public import HoldingMapping
public import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
public import PortfolioImport
public import Reports

/// The one run of every command: read a portfolio, hold it to the data-loss
/// budget, map it, score it under each scenario, check the mapping's
/// coverage, then write the reports and record the runs so that neither is
/// left half-done.
///
/// Commands configure it and choose the stages they need: `map` stops after
/// scoring, `sensitivity` records nothing, a job publishes many portfolios
/// at once. What each stage does is told to `observe`, for progress and for
/// the terminal.
public struct ScoringPipeline: Sendable {
  /// What the pipeline tells its observer, in order.
  public enum Event: Sendable {
    /// A stage begins, with what it works on: "reading holdings.csv".
    case stage(String)
    /// The portfolio is read, before the budget decides: its rejects and
    /// notes can be shown.
    case read(Portfolio)
    /// The mapping's coverage, before the minimum decides.
    case covered(MappingCoverage, file: String)
  }

  public let model: ModelBundle
  public let mapper: Mapper
  public var edition: String?
  public var asOf: Day
  /// Percentage of a file's rows that may be rejected, totals and note lines
  /// aside.
  public var maxRejects: Double = 5
  /// Percentage of the weight that mapped holdings must carry; nil for no
  /// minimum.
  public var minCoverage: Double?
  public var observe: @Sendable (Event) -> Void = { _ in }

  /// A pipeline that maps with `decisions` applied first.
  ///
  /// - Throws: before any work, when no catalogue edition is given and none
  ///   was in force on `asOf`, or `edition` names one the model lacks.
  public init(
    model: ModelBundle,
    decisions: [MappingDecision],
    edition: String?,
    asOf: Day
  ) throws(PipelineError) {
    do {
      _ = try model.chooseEdition(asOf: asOf, given: edition)
    } catch {
      throw .model(error)
    }
    self.model = model
    self.mapper = Mapper(model: model, decisions: decisions)
    self.edition = edition
    self.asOf = asOf
  }

  /// Where a portfolio comes from.
  public enum Source: Sendable {
    case file(URL)
    /// Bytes already read, with the path they came from.
    case bytes([UInt8], path: String)

    var path: String {
      switch self {
      case .file(let url): return url.path
      case .bytes(_, let path): return path
      }
    }
  }

  /// Reads the portfolio and holds it to the data-loss budget.
  public func read(
    _ source: Source,
    with reader: PortfolioReader
  ) throws(PipelineError) -> Portfolio {
    observe(.stage("reading \(source.path)"))
    let portfolio: Portfolio
    do {
      switch source {
      case .file(let url): portfolio = try reader.read(contentsOf: url)
      case .bytes(let bytes, let path): portfolio = try reader.read(bytes: bytes, file: path)
      }
    } catch {
      throw .portfolio(error)
    }
    observe(.read(portfolio))
    guard portfolio.rejectedPercent <= maxRejects else {
      throw .tooManyRejects(
        file: source.path,
        rejected: portfolio.budgetRejects,
        rows: portfolio.budgetRows,
        limit: maxRejects
      )
    }
    if portfolio.holdings.isEmpty {
      throw .noHoldings(file: source.path, skipped: portfolio.rejects.count)
    }
    return portfolio
  }

  /// Maps every holding: once per portfolio, whatever the scenarios.
  public func map(_ portfolio: Portfolio) -> [MappingOutcome] {
    observe(.stage("mapping \(portfolio.holdings.count) holdings"))
    return mapper.map(portfolio.holdings)
  }

  /// Scores the mapped portfolio under each scenario, and checks that the
  /// mapping covers the minimum weight.
  ///
  /// - Returns: One run per scenario, in order.
  public func score(
    _ portfolio: Portfolio,
    mapped outcomes: consuming [MappingOutcome],
    under scenarios: [Scenario]
  ) throws(PipelineError) -> [ScoreRun] {
    observeScoring(portfolio, scenarios: scenarios.count)
    let scorings: [ScoringModel]
    do {
      scorings = try ScoringModel.each(of: model, under: scenarios, edition: edition, asOf: asOf)
    } catch {
      throw .model(error)
    }
    return try score(portfolio, mapped: outcomes, by: scorings)
  }

  /// `score(_:mapped:under:)` with the scoring models already made.
  private func score(
    _ portfolio: Portfolio,
    mapped outcomes: consuming [MappingOutcome],
    by scorings: [ScoringModel]
  ) throws(PipelineError) -> [ScoreRun] {
    let runs = ScoreRun.runs(portfolio: portfolio, scorings: scorings, outcomes: outcomes)
    // The scores hold what they need of the outcomes. Where this is their
    // last holder (`run`), letting a million of them go, each mapping's
    // count at a time, is left to another core.
    Parallel.letGo(consume outcomes)
    // Every scenario shares the one mapping, so one check covers them all.
    if let first = runs.first { try checkCoverage(first) }
    return runs
  }

  /// Reads, maps and scores under one scenario: what most commands need.
  public func run(
    _ source: Source,
    with reader: PortfolioReader,
    under scenario: Scenario = .baseline()
  ) throws(PipelineError) -> ScoreRun {
    // The scoring model needs neither the portfolio nor its mapping: it is
    // made on another core while they are read and mapped (a few
    // milliseconds of a small portfolio's start).
    let (bundle, edition, asOf) = (model, edition, asOf)
    let making = Background {
      Result { () throws(Diagnostic) -> ScoringModel in
        try ScoringModel(model: bundle, scenario: scenario, edition: edition, asOf: asOf)
      }
    }
    let portfolio = try read(source, with: reader)
    let outcomes = map(portfolio)
    observeScoring(portfolio, scenarios: 1)
    let scoring: ScoringModel
    do { scoring = try making.value.get() } catch { throw .model(error) }
    return try score(portfolio, mapped: outcomes, by: [scoring])[0]
  }

  /// Tells the observer that scoring begins.
  private func observeScoring(_ portfolio: Portfolio, scenarios: Int) {
    observe(
      .stage(
        "scoring \(portfolio.holdings.count) holdings"
          + (scenarios > 1 ? " under \(scenarios) scenarios" : "")
      )
    )
  }

  private func checkCoverage(_ run: ScoreRun) throws(PipelineError) {
    let coverage = run.coverage
    observe(.covered(coverage, file: run.portfolio.file))
    guard let minCoverage, coverage.weightShare * 100 < minCoverage - 1e-9 else { return }
    throw .coverageTooLow(
      file: run.portfolio.file,
      percent: coverage.weightShare * 100,
      limit: minCoverage,
      heaviest: coverage.unmapped.prefix(5).map {
        "\($0.holding.ticker.canonical) (line \($0.holding.line), \(fixed($0.holding.weight * 100, decimals: 1))%)"
      }
    )
  }

  /// Fails before any work when `directory` is not PolicyScore's to write.
  public static func checkOutput(_ directory: URL, protecting: [URL]) throws(PipelineError) {
    do {
      try OutputFolder.checkReplaceable(directory, protecting: protecting)
    } catch {
      throw .reports(error)
    }
  }

  /// Writes `files` into `directory` and records the runs, so that the
  /// reports are in place only once they are recorded.
  ///
  /// The files are written under a temporary name while `record` runs on
  /// this thread: the two take about as long for a large run, and each
  /// mostly keeps one core busy. `record` calls the gate it is given just
  /// before its commit, which waits for the files and throws when they
  /// could not be written, so that nothing is recorded without its
  /// reports. Only when the record succeeds is the folder swapped in; when
  /// either fails, the folder is discarded and the previous reports stay.
  ///
  /// - Parameters:
  ///   - files: Relative path → file; none to write nothing.
  ///   - directory: The report folder.
  ///   - owner: A job's name, for the folder's marker.
  ///   - protecting: The store and the inputs, which the folder must not hold.
  ///   - checkpoint: Called at named points, for tests.
  ///   - record: Records the runs, calling the gate before it commits.
  /// - Returns: What `record` returned.
  /// - Throws: `PipelineError.reports` when the folder cannot be written or
  ///   swapped in, or what `record` threw.
  public func publish<T>(
    _ files: [String: ReportFile]?,
    to directory: URL,
    owner: String = "",
    protecting: [URL],
    checkpoint: @escaping @Sendable (String) -> Void = { _ in },
    record: (_ gate: () throws(PipelineError) -> Void) throws(PipelineError) -> T
  ) throws(PipelineError) -> T {
    guard let files else { return try record {} }
    observe(.stage("writing the reports to \(directory.path)"))
    let staging = Background {
      Result(catching: { () throws(ReportError) in
        try ReportFolder.stage(
          files,
          for: directory,
          owner: owner,
          protecting: protecting,
          checkpoint: checkpoint
        )
      })
    }
    func staged() throws(PipelineError) -> StagedReports {
      do { return try staging.value.get() } catch { throw .reports(error) }
    }
    let result: T
    do {
      result = try record { () throws(PipelineError) in _ = try staged() }
    } catch {
      // The files' failure first: it is why the record stopped.
      try staged().discard()
      throw error
    }
    let folder = try staged()
    checkpoint("store-committed")
    do { try folder.commit() } catch { throw .reports(error) }
    return result
  }

  /// Records `entries` in `store`, or nothing without one; `gate` is called
  /// just before the commit (see `publish`).
  public func record(
    _ entries: [RunEntry],
    in store: Store?,
    gate: () throws(PipelineError) -> Void = {}
  ) throws(PipelineError) -> [Int64] {
    guard let store else { return [] }
    observe(
      .stage("recording \(entries.count) run\(entries.count == 1 ? "" : "s") in \(store.path)")
    )
    do {
      return try store.record(entries, beforeCommit: gate).runIDs
    } catch {
      throw .store(error)
    }
  }
}

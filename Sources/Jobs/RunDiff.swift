public import HistoryStore
import HoldingMapping
import Pipeline
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// What changed between two runs of the same portfolio and scenario: new and
/// dropped holdings, rank moves beyond a threshold, tier changes, exclusions,
/// and, first, any change of assumptions, so that a changed model, catalogue
/// edition or weights is never mistaken for a change in the companies.
public struct RunDiff: Sendable {
  /// The facts of a run that decide its numbers besides the holdings.
  public struct Facts: Sendable, Hashable {
    public var modelHash: String
    public var edition: String
    public var weights: String
    public var scenarioHash: String
    public var inputHash: String
    public var asOf: String

    public init(_ run: StoredRun) {
      self.init(
        modelHash: run.modelHash,
        edition: run.edition,
        weights: run.weights,
        scenarioHash: run.scenarioHash,
        inputHash: run.inputHash,
        asOf: run.asOf
      )
    }

    public init(_ run: ScoreRun, scenarioHash: String) {
      let w = run.scoring.weights
      self.init(
        modelHash: run.scoring.model.contentHash,
        edition: run.scoring.catalog.edition,
        weights: "\(w.encouraged),\(w.financial),\(w.substitution)",
        scenarioHash: scenarioHash,
        inputHash: run.portfolio.inputHash,
        asOf: run.scoring.asOf.description
      )
    }

    public init(
      modelHash: String,
      edition: String,
      weights: String,
      scenarioHash: String,
      inputHash: String,
      asOf: String
    ) {
      self.modelHash = modelHash
      self.edition = edition
      self.weights = weights
      self.scenarioHash = scenarioHash
      self.inputHash = inputHash
      self.asOf = asOf
    }
  }

  public struct Row: Sendable, Hashable {
    public enum Kind: String, Sendable {
      case assumption
      case new
      case dropped
      case rankMove = "rank-move"
      case tierChange = "tier-change"
      case exclusion
      /// A portfolio and scenario the previous job run did not have.
      case newPortfolio = "new-portfolio"
    }

    public var portfolio: String
    public var scenario: String
    public var kind: Kind
    public var ticker: String
    public var name: String
    public var previousRank: Int?
    public var rank: Int?
    public var previousTier: String?
    public var tier: String?
    public var detail: String
  }

  public var rows: [Row]

  init(rows: [Row]) { self.rows = rows }

  /// The diff of one portfolio file under one scenario.
  ///
  /// - Parameters:
  ///   - scenario: The scenario both runs were scored under.
  ///   - label: The portfolio file's name in the job (its report folder),
  ///     which the rows' portfolio column starts with, so that two files
  ///     with no portfolio column of their own stay apart; empty outside
  ///     jobs.
  ///   - previous: The previous job run's run of the same file and scenario;
  ///     nil when it had none (a portfolio added to the job).
  ///   - current: This run.
  ///   - threshold: The smallest rank move listed.
  public init(
    scenario: String,
    label: String,
    previous: (facts: Facts, holdings: [StoredHolding])?,
    current: (facts: Facts, holdings: [StoredHolding]),
    threshold: Int
  ) {
    var rows: [Row] = []
    func portfolio(_ name: String) -> String {
      label.isEmpty ? name : name == "default" ? label : "\(label)/\(name)"
    }
    guard let previous else {
      self.rows = [
        Row(
          portfolio: label,
          scenario: scenario,
          kind: .newPortfolio,
          ticker: "",
          name: "",
          previousRank: nil,
          rank: nil,
          previousTier: nil,
          tier: nil,
          detail:
            "not in the previous job run: \(Set(current.holdings.map(\.ticker)).count) holdings, nothing to compare"
        )
      ]
      return
    }
    let changes: [(String, String, String)] = [
      ("model", previous.facts.modelHash, current.facts.modelHash),
      ("catalogue edition", previous.facts.edition, current.facts.edition),
      ("weights", previous.facts.weights, current.facts.weights),
      ("scenario", previous.facts.scenarioHash, current.facts.scenarioHash),
      ("as-of date", previous.facts.asOf, current.facts.asOf),
      ("input file", previous.facts.inputHash, current.facts.inputHash),
    ]
    for (what, before, after) in changes where before != after {
      let shown = { (text: String) in text.count == 64 ? String(text.prefix(12)) : text }
      let reason =
        what == "input file" || what == "as-of date"
        ? "" : "; rank moves below may come from this change, not from the companies"
      rows.append(
        Row(
          portfolio: label,
          scenario: scenario,
          kind: .assumption,
          ticker: "",
          name: what,
          previousRank: nil,
          rank: nil,
          previousTier: nil,
          tier: nil,
          detail: "\(what) changed: \(shown(before)) → \(shown(after))\(reason)"
        )
      )
    }
    func key(_ holding: StoredHolding) -> String {
      "\(holding.portfolio)|\(holding.ticker.isEmpty ? holding.name : holding.ticker)"
    }
    let before = Dictionary(
      previous.holdings.map { (key($0), $0) },
      uniquingKeysWith: { a, _ in a }
    )
    let after = Dictionary(current.holdings.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
    for holding in current.holdings {
      func row(_ kind: Row.Kind, _ old: StoredHolding?, _ detail: String) -> Row {
        Row(
          portfolio: portfolio(holding.portfolio),
          scenario: scenario,
          kind: kind,
          ticker: holding.ticker,
          name: holding.name,
          previousRank: old?.rank,
          rank: holding.rank,
          previousTier: old?.tier,
          tier: holding.tier,
          detail: detail
        )
      }
      guard let old = before[key(holding)] else {
        rows.append(row(.new, nil, "new holding"))
        continue
      }
      if let oldRank = old.rank, let rank = holding.rank, abs(oldRank - rank) >= threshold {
        rows.append(
          row(
            .rankMove,
            old,
            "rank \(oldRank) → \(rank) (\(oldRank > rank ? "up" : "down") \(abs(oldRank - rank)))"
          )
        )
      }
      if old.tier != holding.tier && !(old.excluded != holding.excluded) {
        rows.append(
          row(.tierChange, old, "tier \(old.tier ?? "unmapped") → \(holding.tier ?? "unmapped")")
        )
      }
      if old.excluded != holding.excluded {
        rows.append(row(.exclusion, old, holding.excluded ? "now excluded" : "no longer excluded"))
      }
    }
    for holding in previous.holdings where after[key(holding)] == nil {
      rows.append(
        Row(
          portfolio: portfolio(holding.portfolio),
          scenario: scenario,
          kind: .dropped,
          ticker: holding.ticker,
          name: holding.name,
          previousRank: holding.rank,
          rank: nil,
          previousTier: holding.tier,
          tier: nil,
          detail: "dropped"
        )
      )
    }
    self.rows = rows
  }

  /// A change that concerns the whole job run, such as the saved mapping
  /// decisions it applies.
  public static func jobChange(_ what: String, _ detail: String) -> RunDiff {
    RunDiff(rows: [
      Row(
        portfolio: "",
        scenario: "",
        kind: .assumption,
        ticker: "",
        name: what,
        previousRank: nil,
        rank: nil,
        previousTier: nil,
        tier: nil,
        detail: detail
      )
    ])
  }

  static let header = [
    "portfolio", "scenario", "kind", "ticker", "name", "previous_rank", "rank", "rank_delta",
    "previous_tier", "tier", "detail",
  ]

  /// `diff.csv` for several diffs.
  public static func csv(_ diffs: [RunDiff]) -> [UInt8] {
    CSVWriter.render(
      header: header,
      rows: diffs.flatMap(\.rows).map { row in
        let delta = row.previousRank.flatMap { old in row.rank.map { old - $0 } }
        return [
          .text(row.portfolio), .text(row.scenario), .text(row.kind.rawValue), .text(row.ticker),
          .text(row.name), row.previousRank.map { .integer($0) } ?? .empty,
          row.rank.map { .integer($0) } ?? .empty, delta.map { .integer($0) } ?? .empty,
          .text(row.previousTier ?? ""), .text(row.tier ?? ""), .text(row.detail),
        ]
      }
    )
  }

  /// One line per kind, for logs and summaries.
  public static func summary(_ diffs: [RunDiff]) -> String {
    let rows = diffs.flatMap(\.rows)
    guard !diffs.isEmpty else { return "the job's first run: nothing to compare" }
    guard !rows.isEmpty else { return "no changes against the previous run" }
    var counts: [String] = []
    for kind in [Row.Kind.newPortfolio, .new, .dropped, .rankMove, .tierChange, .exclusion] {
      let n = Set(rows.filter { $0.kind == kind }.map { "\($0.portfolio)|\($0.ticker)|\($0.name)" })
        .count
      if n > 0 { counts.append("\(n) \(kind.rawValue)") }
    }
    let assumptions = Set(rows.filter { $0.kind == .assumption }.map(\.name)).sorted()
    return (counts.isEmpty ? "no holding changes" : counts.joined(separator: ", "))
      + (assumptions.isEmpty ? "" : "; changed assumptions: \(assumptions.joined(separator: ", "))")
  }
}

extension StoredHolding {
  /// The holdings of a run not yet stored, as the store would return them.
  public static func holdings(of run: ScoreRun) -> [StoredHolding] {
    run.scores.map { score in
      StoredHolding(
        portfolio: score.holding.portfolio,
        line: score.holding.line,
        ticker: score.holding.ticker.canonical,
        name: score.holding.name,
        weight: score.holding.weight,
        composite: score.composite,
        e: score.factors.e,
        f: score.factors.f,
        d: score.factors.d,
        rank: score.rank,
        tier: score.tier,
        excluded: score.isExcluded,
        primarySegment: score.primarySegment?.rawValue,
        explanation: nil,
        reason: nil
      )
    }
      + run.unmapped.map { holding, reason in
        StoredHolding(
          portfolio: holding.portfolio,
          line: holding.line,
          ticker: holding.ticker.canonical,
          name: holding.name,
          weight: holding.weight,
          composite: nil,
          e: nil,
          f: nil,
          d: nil,
          rank: nil,
          tier: nil,
          excluded: false,
          primarySegment: nil,
          explanation: nil,
          reason: reason
        )
      }
  }
}

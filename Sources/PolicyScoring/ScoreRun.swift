public import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PortfolioImport

/// One scoring of one portfolio under one scoring model: every holding
/// mapped, scored and ranked, every row accounted for.
public struct ScoreRun: Sendable {
  public private(set) var portfolio: Portfolio
  public private(set) var scoring: ScoringModel
  /// Ranked within each portfolio; portfolios in name order.
  public private(set) var scores: [Score]
  /// The scores' distinct explanations, worked out on first use and shared
  /// by the run's copies: the reports and the store both need them.
  public var explanations: Explanations { explanationCache.value { Explanations(scores) } }
  private let explanationCache = Once<Explanations>()
  /// How much was mapped, worked out on first use and shared the same way.
  public var coverage: MappingCoverage { coverageCache.value { MappingCoverage(run: self) } }
  private let coverageCache = Once<MappingCoverage>()
  public private(set) var unmapped: [(holding: Holding, reason: String)]
  /// Holdings outside healthcare, neither scored nor unmapped.
  ///
  /// By their listing's classification, their text, or an analyst's decision.
  public private(set) var outOfScope: [(holding: Holding, reason: String)]
  public private(set) var summaries: [PortfolioSummary]
  /// The scores in file order, whose parts lie in memory in that order: a
  /// pass that does not need the ranking is quicker over them.
  public let inFileOrder: [Score]
  /// What the coverage counts of each score of `inFileOrder`.
  let coverageRows: [MappingCoverage.Row]
  /// Where every row went, counted once as the outcomes are sorted.
  ///
  /// Rows read = scored + out of scope + unmapped + rejected, counting the
  /// rows merged into a holding with it, and totals and note lines among the
  /// rejected.
  public let accounting: Accounting

  /// Maps with `mapper` and scores with `scoring`.
  public init(portfolio: Portfolio, scoring: ScoringModel, mapper: Mapper) {
    self.init(portfolio: portfolio, scoring: scoring, outcomes: mapper.map(portfolio.holdings))
  }

  /// Scores with mappings already made, one outcome per holding in order.
  public init(portfolio: Portfolio, scoring: ScoringModel, outcomes: [MappingOutcome]) {
    self.init(
      portfolio: portfolio,
      scoring: scoring,
      outcomes: outcomes,
      groups: Groups(portfolio),
      sharing: nil
    )
  }

  /// The portfolios' names, sorted, and each one's holdings by index in file
  /// order: the same for every scenario's run of one file.
  private struct Groups {
    var names: [String]
    var members: [[Int]]

    init(_ portfolio: Portfolio) {
      let holdings = portfolio.holdings
      // The reader numbered the names as it read the rows: no holding is
      // read again.
      if let (names, of) = portfolio.groups, of.count == holdings.count {
        var byGroup = [[Int]](repeating: [], count: names.count)
        for (index, group) in of.enumerated() { byGroup[Int(group)].append(index) }
        let order = names.indices.sorted { names[$0] < names[$1] }
        self.names = order.map { names[$0] }
        members = order.map { byGroup[$0] }
        return
      }
      // A file lists a portfolio's holdings together, most often: a name is
      // looked up only where it changes, not hashed for every holding.
      var groups: [String: Int] = [:]
      var byGroup: [[Int]] = []
      var current = (name: "", group: -1)
      for index in holdings.indices {
        let name = holdings[index].portfolio
        if current.group < 0 || name != current.name {
          let group = groups[name] ?? byGroup.count
          if group == byGroup.count {
            groups[name] = group
            byGroup.append([])
          }
          current = (name, group)
        }
        byGroup[current.group].append(index)
      }
      names = groups.keys.sorted()
      members = names.map { byGroup[groups[$0] ?? 0] }
    }
  }

  /// `sharing`: a run of the same portfolio and outcomes, whose exposure
  /// totals this one reuses where its catalog buckets are the same.
  private init(
    portfolio: Portfolio,
    scoring: ScoringModel,
    outcomes: [MappingOutcome],
    groups: Groups,
    sharing: ScoreRun?
  ) {
    self.portfolio = portfolio
    self.scoring = scoring
    let holdings = portfolio.holdings
    var shared: [String: ExposureTotals] = [:]
    if let sharing, sharing.scoring.exposureKeys == scoring.exposureKeys {
      for summary in sharing.summaries { shared[summary.portfolio] = summary.totals }
    }
    // The exposure totals' rows are taken as each holding is scored, while
    // its holding and mapping are in the cache.
    let layout = scoring.exposureLayout
    // Taken out of the scoring model once: read through it, each holding
    // counted a reference on the tables both cores read.
    let domains = scoring.domains
    let needsRows = groups.names.contains { shared[$0] == nil }
    var rows = Parallel.filled(ExposureTotals.Row(), count: needsRows ? holdings.count : 0)
    // So are the coverage's.
    var coverage = Parallel.filled(MappingCoverage.Row?.none, count: holdings.count)
    // And the ranking's sort entries, whose indices are set per portfolio.
    let none = RankKey(excluded: false, composite: 0, ticker: "", name: "", line: 0)
    var entries = Parallel.filled(RankKey.SortEntry(none, index: 0), count: holdings.count)
    // And the rows each holding stands for, for the accounting.
    var rowCounts = Parallel.filled(Int32(1), count: holdings.count)
    var scored = rows.withUnsafeMutableBufferPointer { rows in
      coverage.withUnsafeMutableBufferPointer { coverage in
        entries.withUnsafeMutableBufferPointer { entries in
          rowCounts.withUnsafeMutableBufferPointer { rowCounts in
            Parallel.map(holdings.count, state: { Score.Profiles() }) { profiles, index -> Score? in
              Holding.prefetch(holdings, at: index + 8)
              rowCounts[index] = Int32(holdings[index].rowCount)
              guard case .mapped(let mapping) = outcomes[index] else { return nil }
              let weight = holdings[index].weight
              if index < rows.count { rows[index] = layout.row(weight: weight, mapping: mapping) }
              coverage[index] = MappingCoverage.Row(
                weight: weight,
                mapping: mapping,
                domains: domains
              )
              let score = scoring.score(holdings[index], mapping: mapping, profiles: &profiles)
              entries[index] = RankKey.SortEntry(RankKey(score), index: 0)
              return score
            }
          }
        }
      }
    }
    coverageRows = coverage.compactMap { $0 }
    var unmapped: [(holding: Holding, reason: String)] = []
    var outOfScope: [(holding: Holding, reason: String)] = []
    var isOutOfScope = [Bool](repeating: false, count: holdings.count)
    var accounting = Accounting(
      read: portfolio.rowsRead,
      scored: 0,
      outOfScope: 0,
      unmapped: 0,
      rejected: portfolio.rejects.count
    )
    for index in holdings.indices {
      let rows = Int(rowCounts[index])
      switch outcomes[index] {
      case .mapped: accounting.scored += rows
      case .unmapped(let reason):
        unmapped.append((holdings[index], reason))
        accounting.unmapped += rows
      case .outOfScope(let reason):
        outOfScope.append((holdings[index], reason))
        isOutOfScope[index] = true
        accounting.outOfScope += rows
      }
    }
    self.accounting = accounting
    // Portfolios are ranked and summarised apart, so side by side. Each
    // portfolio's ranking is written straight into its stretch of the
    // scores, each score moved there.
    let ranked = groups.members.map { $0.filter { scored[$0] != nil } }
    var starts = [0]
    for members in ranked { starts.append(starts[starts.count - 1] + members.count) }
    var orders: [[Int]] = []
    // Each scored holding's place in `scores`, or -1.
    var placed = [Int32](repeating: -1, count: holdings.count)
    let scores = scored.withUnsafeMutableBufferPointer { scored in
      placed.withUnsafeMutableBufferPointer { placed in
        [Score](unsafeUninitializedCapacity: starts[ranked.count]) { buffer, initialized in
          nonisolated(unsafe) let (buffer, scored, placed) = (buffer, scored, placed)
          orders = Parallel.map(ranked.count, minimum: 1) { group in
            let members = ranked[group]
            let order = Self.order(members.map { entries[$0] }) {
              scored[members[$0]].map(RankKey.init) ?? none
            }
            for (place, member) in order.enumerated() {
              // Moved, not copied: a copy counts a reference on the score's
              // parts, and rank order reaches them all over memory.
              let index = members[member]
              guard var score = scored.moveElement(from: index) else {
                preconditionFailure("ranked unscored")
              }
              scored.initializeElement(at: index, to: nil)
              score.rank = place + 1
              placed[index] = Int32(starts[group] + place)
              buffer.initializeElement(at: starts[group] + place, to: score)
            }
            return order
          }
          initialized = starts[ranked.count]
        }
      }
    }
    summaries = Parallel.map(ranked.count, minimum: 1) { group in
      let name = groups.names[group]
      let members = groups.members[group]
      return PortfolioSummary(
        portfolio: name,
        scores: scores[starts[group]..<starts[group + 1]],
        // From the coverage's rows, not every score's holding in rank order.
        weights: orders[group].map { coverage[ranked[group][$0]]?.weight ?? 0 },
        unmapped: members.compactMap {
          placed[$0] < 0 && !isOutOfScope[$0] ? holdings[$0] : nil
        },
        outOfScope: members.compactMap { isOutOfScope[$0] ? holdings[$0] : nil },
        scoring: scoring,
        totals: shared[name] ?? ExposureTotals(rows: rows, of: members, layout: layout)
      )
    }
    self.scores = scores
    // Copied in file order, the order the scores' parts lie in memory.
    inFileOrder = placed.compactMap { $0 < 0 ? nil : scores[Int($0)] }
    self.unmapped = unmapped
    self.outOfScope = outOfScope
  }

  /// One run per scoring model, all with the same mappings: the first run's
  /// exposure totals serve the others, which are scored side by side across
  /// the cores.
  public static func runs(
    portfolio: Portfolio,
    scorings: [ScoringModel],
    outcomes: [MappingOutcome]
  ) -> [ScoreRun] {
    guard let scoring = scorings.first else { return [] }
    let groups = Groups(portfolio)
    let first = ScoreRun(
      portfolio: portfolio,
      scoring: scoring,
      outcomes: outcomes,
      groups: groups,
      sharing: nil
    )
    return [first]
      + Parallel.each(scorings.count - 1) { index in
        ScoreRun(
          portfolio: portfolio,
          scoring: scorings[index + 1],
          outcomes: outcomes,
          groups: groups,
          sharing: first
        )
      }
  }

  /// Excluded holdings last; then composite, highest first; ties broken by
  /// canonical ticker, name and line, so the order never depends on input order.
  ///
  /// `entries`: the sort entries of a portfolio's scores; `key`, the key of
  /// the score at a place, asked only when entries tie.
  ///
  /// - Returns: The scores' places, in rank order.
  static func order(_ entries: [RankKey.SortEntry], key: (Int) -> RankKey) -> [Int] {
    var entries = entries
    for place in entries.indices { entries[place].index = place }
    entries.sort { $0.precedes($1, key: key) }
    return entries.map(\.index)
  }
}

/// Where every row read went: each is counted once.
public struct Accounting: Sendable, Hashable, CustomStringConvertible {
  public var read: Int
  public var scored: Int
  public var outOfScope: Int
  public var unmapped: Int
  public var rejected: Int

  public init(read: Int, scored: Int, outOfScope: Int, unmapped: Int, rejected: Int) {
    self.read = read
    self.scored = scored
    self.outOfScope = outOfScope
    self.unmapped = unmapped
    self.rejected = rejected
  }

  /// `rows read 55 = scored 50 + out of scope 3 + unmapped 1 + rejected 1`.
  public var description: String {
    "rows read \(read) = scored \(scored) + out of scope \(outOfScope) + unmapped \(unmapped) + rejected \(rejected)"
  }
}

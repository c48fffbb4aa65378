public import PolicyScoreCore
public import PriceImport

/// Would the scores have helped? Point-in-time scores at each rebalance date
/// against the forward returns that followed, as alphalens measures a
/// factor: the rank information coefficient per date, mean returns by score
/// quantile and by tier, the top-minus-bottom spread, and turnover.
///
/// Every figure is equal-weighted across the holdings that traded on the
/// date; a holding with no price on a rebalance date (suspended, not yet
/// listed) is left out of that date, and its forward return runs to its last
/// price at or before the horizon's end.
public struct Backtest: Sendable {
  /// One holding on one rebalance date, with its forward returns.
  public struct Observation: Sendable {
    public var date: Int
    public var entry: Entry
    /// From 1, the lowest composites, to `settings.quantiles`.
    public var quantile: Int
    /// Per horizon, in `settings.horizons` order; nil when unavailable.
    public var forward: [Double?]
  }

  /// One information coefficient: a factor against one horizon on one date.
  public struct Coefficient: Sendable {
    public var date: Int
    public var horizon: Int
    public var factor: Int
    /// nil when the factor or the returns are constant across the holdings.
    public var value: Double?
    public var holdings: Int
  }

  /// The coefficients of one factor and horizon over the dates.
  public struct Summary: Sendable {
    public var horizon: Int
    public var factor: Int
    public var dates: Int
    public var mean: Double
    public var standardDeviation: Double?
    /// `mean / (sd / √dates)`; overlapping horizons make it too large.
    public var t: Double?
    /// `mean / sd`, per rebalance period.
    public var informationRatio: Double?
    public var positiveShare: Double
  }

  /// Mean forward return of one group (a quantile, a tier, or the spread)
  /// over the dates where it had holdings.
  public struct GroupReturn: Sendable {
    public var horizon: Int
    public var group: String
    public var dates: Int
    public var meanReturn: Double
    /// Over the date's mean across all holdings (alphalens' demeaned returns).
    public var meanExcess: Double
    public var t: Double?
    public var meanHoldings: Double
  }

  /// How much the top and bottom quantiles changed since the previous date.
  public struct Turnover: Sendable {
    public var date: Int
    public var top: Double?
    public var bottom: Double?
    /// Spearman's correlation of the composite with the previous date's,
    /// over holdings on both.
    public var rankAutocorrelation: Double?
  }

  public let settings: Settings
  public let dates: [Day]
  public let editions: [String]
  public let observations: [Observation]
  public let coefficients: [Coefficient]
  public let summaries: [Summary]
  public let quantileReturns: [GroupReturn]
  public let tierReturns: [GroupReturn]
  public let turnover: [Turnover]
  /// Scored holdings without any price in the files.
  public let unpriced: [String]

  /// Measures `sections` (one per rebalance date, ascending) against `prices`.
  public init(sections: [CrossSection], prices: PriceTable, settings: Settings) {
    self.settings = settings
    dates = sections.map(\.day)
    editions = sections.map(\.edition)
    let horizons = settings.horizons
    var observations: [Observation] = []
    var coefficients: [Coefficient] = []
    var byQuantile: [[String: [(Double, Double, Int)]]] = Array(
      repeating: [:],
      count: horizons.count
    )
    var byTier: [[String: [(Double, Double, Int)]]] = Array(repeating: [:], count: horizons.count)
    var turnover: [Turnover] = []
    var previous: (top: Set<String>, bottom: Set<String>, composite: [String: Double])?
    var priced = Set<String>()
    for (date, section) in sections.enumerated() {
      guard let t = prices.index(onOrAfter: section.day), prices.calendar[t] == section.day else {
        continue
      }
      var rows: [(entry: Entry, k: Int)] = []
      for entry in section.entries {
        guard let k = prices.index(of: entry.ticker) else { continue }
        priced.insert(entry.ticker)
        guard !prices.level(k, t).isNaN else { continue }
        var entry = entry
        if entry.name.isEmpty { entry.name = prices.names[k] }
        rows.append((entry, k))
      }
      let ends = horizons.map { Backtest.end(of: $0, from: t, in: prices) }
      let quantiles = Backtest.quantiles(rows.map { $0.entry.values[0] }, count: settings.quantiles)
      var dated: [Observation] = []
      for (index, row) in rows.enumerated() {
        let forward = ends.map { end in end.flatMap { prices.forwardReturn(row.k, from: t, to: $0) }
        }
        dated.append(
          Observation(date: date, entry: row.entry, quantile: quantiles[index], forward: forward)
        )
      }
      // Spearman's is Pearson's on ranks: each factor is ranked once per
      // date, and again only for a horizon that some holdings lack.
      let factorRanks = Backtest.factors.indices.map { factor in
        Statistics.averageRanks(dated.map { $0.entry.values[factor] })
      }
      for h in horizons.indices {
        let usable = dated.compactMap { o in o.forward[h].map { (o, $0) } }
        guard !usable.isEmpty else { continue }
        let returns = usable.map(\.1)
        let returnRanks = Statistics.averageRanks(returns)
        for factor in Backtest.factors.indices {
          let ranks =
            usable.count == dated.count
            ? factorRanks[factor]
            : Statistics.averageRanks(usable.map { $0.0.entry.values[factor] })
          coefficients.append(
            Coefficient(
              date: date,
              horizon: h,
              factor: factor,
              value: Statistics.pearson(ranks, returnRanks),
              holdings: usable.count
            )
          )
        }
        let dateMean = Statistics.mean(returns)
        let quantileGroups = Dictionary(grouping: usable) { "Q\($0.0.quantile)" }
        for (name, members) in quantileGroups {
          let value = Statistics.mean(members.map(\.1))
          byQuantile[h][name, default: []].append((value, value - dateMean, members.count))
        }
        let top = quantileGroups["Q\(settings.quantiles)"].map { Statistics.mean($0.map(\.1)) }
        let bottom = quantileGroups["Q1"].map { Statistics.mean($0.map(\.1)) }
        if let top, let bottom {
          byQuantile[h]["top-minus-bottom", default: []].append(
            (top - bottom, top - bottom, usable.count)
          )
        }
        for (tier, members) in Dictionary(grouping: usable, by: { $0.0.entry.tier }) {
          let value = Statistics.mean(members.map(\.1))
          byTier[h][tier, default: []].append((value, value - dateMean, members.count))
        }
      }
      let top = Set(dated.filter { $0.quantile == settings.quantiles }.map(\.entry.ticker))
      let bottom = Set(dated.filter { $0.quantile == 1 }.map(\.entry.ticker))
      let composite = Dictionary(dated.map { ($0.entry.ticker, $0.entry.values[0]) }) { first, _ in
        first
      }
      if let previous {
        let common = composite.keys.filter { previous.composite[$0] != nil }.sorted()
        turnover.append(
          Turnover(
            date: date,
            top: top.isEmpty
              ? nil : Double(top.subtracting(previous.top).count) / Double(top.count),
            bottom: bottom.isEmpty
              ? nil : Double(bottom.subtracting(previous.bottom).count) / Double(bottom.count),
            rankAutocorrelation: Statistics.spearman(
              common.map { composite[$0] ?? 0 },
              common.map { previous.composite[$0] ?? 0 }
            )
          )
        )
      }
      previous = (top, bottom, composite)
      observations += dated
    }
    self.observations = observations
    self.coefficients = coefficients
    self.turnover = turnover
    var summaries: [Summary] = []
    for h in horizons.indices {
      for factor in Backtest.factors.indices {
        let values = coefficients.filter { $0.horizon == h && $0.factor == factor }.compactMap(
          \.value
        )
        guard !values.isEmpty else { continue }
        let sd = Statistics.standardDeviation(values)
        summaries.append(
          Summary(
            horizon: h,
            factor: factor,
            dates: values.count,
            mean: Statistics.mean(values),
            standardDeviation: sd,
            t: Statistics.tStatistic(values),
            informationRatio: sd.flatMap { $0 > 0 ? Statistics.mean(values) / $0 : nil },
            positiveShare: Double(values.filter { $0 > 0 }.count) / Double(values.count)
          )
        )
      }
    }
    self.summaries = summaries
    let quantileOrder = (1...max(1, settings.quantiles)).map { "Q\($0)" } + ["top-minus-bottom"]
    quantileReturns = Backtest.groupReturns(
      byQuantile,
      order: { quantileOrder.firstIndex(of: $0) ?? 0 }
    )
    tierReturns = Backtest.groupReturns(byTier, order: { _ in 0 })
    let scored = Set(sections.flatMap { $0.entries.map(\.ticker) })
    unpriced = scored.subtracting(priced).sorted()
  }

  /// Quantiles by average rank, so that tied composites share a quantile:
  /// `ceil(rank × q / n)`.
  static func quantiles(_ values: [Double], count: Int) -> [Int] {
    let ranks = Statistics.averageRanks(values)
    let n = Double(values.count)
    return ranks.map { min(count, max(1, Int((($0 * Double(count)) / n).rounded(.up)))) }
  }

  private static func groupReturns(
    _ groups: [[String: [(Double, Double, Int)]]],
    order: (String) -> Int
  ) -> [GroupReturn] {
    var rows: [GroupReturn] = []
    for (h, byName) in groups.enumerated() {
      for name in byName.keys.sorted(by: { (order($0), $0) < (order($1), $1) }) {
        let values = byName[name] ?? []
        rows.append(
          GroupReturn(
            horizon: h,
            group: name,
            dates: values.count,
            meanReturn: Statistics.mean(values.map(\.0)),
            meanExcess: Statistics.mean(values.map(\.1)),
            t: Statistics.tStatistic(
              name == "top-minus-bottom" ? values.map(\.0) : values.map(\.1)
            ),
            meanHoldings: Statistics.mean(values.map { Double($0.2) })
          )
        )
      }
    }
    return rows
  }

  /// The calendar index a horizon ends on, from day `t`; nil when it runs
  /// past the prices.
  ///
  /// `Nd` is N trading days on. `Nm` from a month's last trading day is the
  /// last trading day N months on, so that monthly dates chain; from any
  /// other day it is the last trading day at or before the same date N
  /// months on. Either way the prices must reach past the month it ends in,
  /// or to that month's last day.
  private static func end(of horizon: Horizon, from t: Int, in prices: PriceTable) -> Int? {
    let calendar = prices.calendar
    switch horizon.unit {
    case .days:
      return t + horizon.count < calendar.count ? t + horizon.count : nil
    case .months:
      guard let last = calendar.last else { return nil }
      let start = calendar[t]
      let isMonthEnd = t + 1 == calendar.count || calendar[t + 1].month != start.month
      let shifted = start.adding(months: horizon.count)
      let monthEnd = shifted.monthEnd
      let covered = last >= monthEnd || (last.year, last.month) > (shifted.year, shifted.month)
      guard covered else { return nil }
      return prices.index(onOrBefore: isMonthEnd ? monthEnd : shifted)
    }
  }

  /// The rebalance dates: the last trading day of each period between
  /// `from` and `to`.
  public static func rebalanceDates(_ settings: Settings, calendar: [Day]) -> [Day] {
    var result: [Day] = []
    for day in calendar where day >= settings.from && day <= settings.to {
      if let last = result.last,
        settings.rebalance.period(of: last) == settings.rebalance.period(of: day)
      {
        result[result.count - 1] = day
      } else {
        result.append(day)
      }
    }
    return result
  }
}

public import PolicyScoreCore
public import PriceImport

/// What a policy did to prices: abnormal returns of the holdings the model
/// says an instrument hits, against those it does not, around the
/// announcement (day 0, the first trading day on or after the event date).
///
/// Abnormal returns are measured two ways (MacKinlay 1997): market-adjusted,
/// `AR = R − R_m`, and by a market model `AR = R − (α + β·R_m)` estimated by
/// least squares over the estimation window. Returns are trade to trade: a
/// stock's return on the day it trades again after a suspension spans the
/// suspension, and the market's is compounded over the same days; a day it
/// did not trade has no abnormal return, not a zero one. A firm's CAR over a
/// window is the sum of its abnormal returns in the window, when it traded on
/// at least half the window's days. Groups are compared by cross-sectional
/// t-statistics of the mean CAR, and by Welch's t for the difference.
public struct EventStudy: Sendable {
  /// Trading days relative to day 0, both ends inclusive: `(-10,+5)`.
  public struct Window: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
      self.start = start
      self.end = end
    }

    /// `-10:5`, `-10,+5` or `(-10,+5)`; nil for anything else or a window
    /// that ends before it starts.
    public init?(_ text: String) {
      let trimmed = text.filter { !"()[] +".contains($0) }
      let parts = trimmed.split(whereSeparator: { $0 == ":" || $0 == "," })
      guard parts.count == 2, let start = Int(parts[0]), let end = Int(parts[1]), start <= end
      else { return nil }
      self.init(start, end)
    }

    public var description: String {
      let sign = { (n: Int) in n > 0 ? "+\(n)" : "\(n)" }
      return "(\(sign(start)),\(sign(end)))"
    }

    public var days: Int { end - start + 1 }

    /// For a column name: `-10_5`.
    public var key: String { "\(start)_\(end)" }
  }

  public enum Model: String, CaseIterable, Sendable {
    case marketAdjusted = "market-adjusted"
    case marketModel = "market-model"
  }

  public struct Settings: Sendable {
    public var eventDate: Day
    public var estimation = Window(-250, -31)
    /// Trading days a firm needs in the estimation window for a market model.
    public var minimumEstimationDays = 100
    public var windows = [Window(-10, 0), Window(-10, 5), Window(0, 20), Window(-1, 1)]
    /// The ticker of an index in the price files; nil for the equal-weighted
    /// mean of every ticker in them.
    public var benchmark: String?

    public init(eventDate: Day) { self.eventDate = eventDate }
  }

  /// A holding of the study, and whether the event reaches it.
  public struct Member: Sendable {
    public var ticker: String
    public var name: String
    public var exposed: Bool
    /// The share of its business in the segments the event reaches.
    public var exposure: Double
    /// `tailwind` or `headwind` for an exposed holding, else "".
    public var direction: String

    public init(ticker: String, name: String, exposed: Bool, exposure: Double, direction: String) {
      self.ticker = ticker
      self.name = name
      self.exposed = exposed
      self.exposure = exposure
      self.direction = direction
    }
  }

  /// One firm's estimates and CARs.
  public struct Firm: Sendable {
    public var member: Member
    public var alpha: Double?
    public var beta: Double?
    public var estimationDays: Int
    /// `car[window][model]`, in `settings.windows` and `Model.allCases` order.
    public var car: [[Double?]]
  }

  /// The mean abnormal return of a group on one day, and its running sum.
  public struct Day0Row: Sendable {
    public var relative: Int
    public var date: Day
    public var group: String
    public var model: Model
    public var meanAR: Double?
    public var caar: Double
    public var firms: Int
  }

  /// A group's mean CAR over one window.
  public struct WindowRow: Sendable {
    public var window: Window
    public var group: String
    public var model: Model
    public var firms: Int
    public var mean: Double?
    public var standardDeviation: Double?
    public var t: Double?
  }

  public static let groups = ["exposed", "not exposed"]
  public static let difference = "exposed minus not exposed"

  public let settings: Settings
  /// Day 0: the first trading day on or after the event date.
  public let eventDay: Day
  /// What R_m is, in words for the reports.
  public let market: String
  public let firms: [Firm]
  public let days: [Day0Row]
  public let windows: [WindowRow]
  /// Holdings of the study without prices.
  public let unpriced: [String]
  /// Firms without enough estimation days for a market model.
  public let withoutMarketModel: Int

  public enum Problem: Error, Sendable, Equatable {
    case eventOutsidePrices(first: Day, last: Day)
    case unknownBenchmark(String)
  }

  public init(members: [Member], prices: PriceTable, settings: Settings) throws(Problem) {
    guard let e = prices.index(onOrAfter: settings.eventDate), let first = prices.calendar.first,
      let last = prices.calendar.last, settings.eventDate >= first
    else {
      throw .eventOutsidePrices(
        first: prices.calendar.first ?? settings.eventDate,
        last: prices.calendar.last ?? settings.eventDate
      )
    }
    _ = (first, last)
    self.settings = settings
    eventDay = prices.calendar[e]
    let (levels, market) = try EventStudy.market(prices, benchmark: settings.benchmark)
    self.market = market
    let low = settings.windows.map(\.start).min() ?? 0
    let high = settings.windows.map(\.end).max() ?? 0
    var firms: [Firm] = []
    var daily: [Int: [[[Double]]]] = [:]  // relative day → [group][model] → ARs
    var unpriced: [String] = []
    for member in members {
      guard let k = prices.index(of: member.ticker), member.ticker != settings.benchmark else {
        unpriced.append(member.ticker)
        continue
      }
      var estimationX: [Double] = []
      var estimationY: [Double] = []
      var event: [(relative: Int, span: Int, r: Double, rm: Double)] = []
      for pair in prices.tradeReturns(k) {
        let (mt, ms) = (levels[pair.day], levels[pair.since])
        guard !mt.isNaN, !ms.isNaN else { continue }
        let rm = mt / ms - 1
        let relative = pair.day - e
        if relative >= settings.estimation.start && relative <= settings.estimation.end {
          estimationX.append(rm)
          estimationY.append(pair.value)
        }
        if relative >= low && relative <= high {
          event.append((relative, pair.day - pair.since, pair.value, rm))
        }
      }
      let fit =
        estimationX.count >= settings.minimumEstimationDays
        ? Statistics.regression(estimationY, on: estimationX) : nil
      let group = member.exposed ? 0 : 1
      for row in event {
        var slot = daily[row.relative] ?? Array(repeating: Array(repeating: [], count: 2), count: 2)
        slot[group][0].append(row.r - row.rm)
        if let fit {
          slot[group][1].append(row.r - (fit.alpha * Double(row.span) + fit.beta * row.rm))
        }
        daily[row.relative] = slot
      }
      let car = settings.windows.map { window -> [Double?] in
        let inside = event.filter { $0.relative >= window.start && $0.relative <= window.end }
        guard inside.count * 2 >= window.days else { return [nil, nil] }
        let adjusted = inside.reduce(0) { $0 + $1.r - $1.rm }
        let modelled = fit.map { fit in
          inside.reduce(0) { $0 + $1.r - (fit.alpha * Double($1.span) + fit.beta * $1.rm) }
        }
        return [adjusted, modelled]
      }
      firms.append(
        Firm(
          member: member,
          alpha: fit?.alpha,
          beta: fit?.beta,
          estimationDays: estimationX.count,
          car: car
        )
      )
    }
    self.firms = firms
    self.unpriced = unpriced
    withoutMarketModel = firms.filter { $0.beta == nil }.count
    var days: [Day0Row] = []
    for (g, group) in EventStudy.groups.enumerated() {
      for (m, model) in Model.allCases.enumerated() {
        var running = 0.0
        for relative in low...high where e + relative >= 0 && e + relative < prices.calendar.count {
          let values = daily[relative]?[g][m] ?? []
          let mean = values.isEmpty ? nil : Statistics.mean(values)
          running += mean ?? 0
          days.append(
            Day0Row(
              relative: relative,
              date: prices.calendar[e + relative],
              group: group,
              model: model,
              meanAR: mean,
              caar: running,
              firms: values.count
            )
          )
        }
      }
    }
    self.days = days
    var windows: [WindowRow] = []
    for (w, window) in settings.windows.enumerated() {
      for (m, model) in Model.allCases.enumerated() {
        var samples: [[Double]] = []
        for (g, group) in EventStudy.groups.enumerated() {
          let values = firms.filter { ($0.member.exposed ? 0 : 1) == g }.compactMap { $0.car[w][m] }
          samples.append(values)
          windows.append(
            WindowRow(
              window: window,
              group: group,
              model: model,
              firms: values.count,
              mean: values.isEmpty ? nil : Statistics.mean(values),
              standardDeviation: Statistics.standardDeviation(values),
              t: Statistics.tStatistic(values)
            )
          )
        }
        windows.append(
          WindowRow(
            window: window,
            group: EventStudy.difference,
            model: model,
            firms: samples[0].count + samples[1].count,
            mean: samples[0].isEmpty || samples[1].isEmpty
              ? nil : Statistics.mean(samples[0]) - Statistics.mean(samples[1]),
            standardDeviation: nil,
            t: Statistics.welch(samples[0], samples[1])
          )
        )
      }
    }
    self.windows = windows
  }

  /// The market's level on every calendar day, and what it is in words.
  private static func market(
    _ prices: PriceTable,
    benchmark: String?
  ) throws(Problem) -> ([Double], String) {
    let count = prices.calendar.count
    if let benchmark {
      guard let k = prices.index(of: benchmark) else { throw .unknownBenchmark(benchmark) }
      return ((0..<count).map { prices.level(k, $0) }, "\(benchmark) from the price files")
    }
    var levels = [Double](repeating: 1, count: count)
    for t in 1..<max(1, count) {
      var sum = 0.0
      var n = 0
      for k in prices.tickers.indices {
        let (now, before) = (prices.level(k, t), prices.level(k, t - 1))
        if !now.isNaN && !before.isNaN {
          sum += now / before - 1
          n += 1
        }
      }
      levels[t] = levels[t - 1] * (1 + (n > 0 ? sum / Double(n) : 0))
    }
    return (
      levels,
      "the equal-weighted mean daily return of the \(prices.tickers.count) tickers in the price files"
    )
  }
}

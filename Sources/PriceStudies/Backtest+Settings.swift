public import PolicyScoreCore

extension Backtest {
  /// How often the scores are taken: the last trading day of each period.
  public enum Rebalance: String, CaseIterable, Sendable {
    case daily, weekly, monthly, quarterly

    /// The period a day falls in, as a number that grows with time.
    func period(of day: Day) -> Int {
      switch self {
      case .daily: return day.ordinal
      case .weekly: return day.week
      case .monthly: return day.year * 12 + day.month
      case .quarterly: return day.year * 4 + (day.month - 1) / 3
      }
    }
  }

  /// A forward-return horizon: `1m` (to the last trading day at or before
  /// the same day a month later) or `21d` (21 trading days later).
  public struct Horizon: Hashable, Sendable, CustomStringConvertible {
    public enum Unit: String, Sendable { case months = "m", days = "d" }
    public var count: Int
    public var unit: Unit

    public init(count: Int, unit: Unit) {
      self.count = count
      self.unit = unit
    }

    /// `1m`, `12m`, `5d`; nil for anything else.
    public init?(_ text: String) {
      guard let last = text.last, let unit = Unit(rawValue: String(last)),
        let count = Int(text.dropLast()), count > 0
      else { return nil }
      self.init(count: count, unit: unit)
    }

    public var description: String { "\(count)\(unit.rawValue)" }
  }

  public struct Settings: Sendable {
    public var from: Day
    public var to: Day
    public var rebalance: Rebalance
    public var horizons: [Horizon]
    /// Score quantiles per date, by the composite; 5 is alphalens' default.
    public var quantiles: Int

    public init(
      from: Day,
      to: Day,
      rebalance: Rebalance = .monthly,
      horizons: [Horizon] = [Horizon(count: 1, unit: .months)],
      quantiles: Int = 5
    ) {
      self.from = from
      self.to = to
      self.rebalance = rebalance
      self.horizons = horizons
      self.quantiles = quantiles
    }
  }

  /// The scores of every holding on one rebalance date.
  public struct CrossSection: Sendable {
    public var day: Day
    /// The catalogue edition the scores used, and why.
    public var edition: String
    public var entries: [Entry]

    public init(day: Day, edition: String, entries: [Entry]) {
      self.day = day
      self.edition = edition
      self.entries = entries
    }
  }

  /// One holding's scores on one date.
  public struct Entry: Sendable {
    public var ticker: String
    public var name: String
    /// Composite, E, F and D, in `Backtest.factors` order.
    public var values: [Double]
    public var tier: String

    public init(ticker: String, name: String, values: [Double], tier: String) {
      self.ticker = ticker
      self.name = name
      self.values = values
      self.tier = tier
    }
  }

  /// The factors tested, in the order of `Entry.values`.
  public static let factors = ["composite", "E", "F", "D"]
}

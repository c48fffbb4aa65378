import Foundation
import Testing

@testable import PolicyScoreCore
@testable import PriceImport
@testable import PriceStudies
@testable import ScenarioAnalysis

/// Weekdays from `start`, `count` of them.
private func weekdays(from start: Day, count: Int) -> [Int32] {
  var days: [Int32] = []
  var ordinal = start.ordinal
  while days.count < count {
    if (ordinal + 3) % 7 < 5 { days.append(Int32(ordinal)) }
    ordinal += 1
  }
  return days
}

/// A price table of level series.
private func table(_ series: [PriceSeries]) throws -> PriceTable {
  try PriceTable(series: series)
}

private func ticker(_ index: Int) -> String {
  String(format: "%06d.SZ", index)
}

@Suite struct StatisticsTests {
  @Test func tiesShareTheMeanOfTheirRanks() {
    #expect(Statistics.averageRanks([10, 20, 20, 5]) == [2, 3.5, 3.5, 1])
  }

  @Test func spearmanMatchesTheTextbookExample() throws {
    // Spearman's rho for a perfectly monotone but non-linear relation is 1.
    let x: [Double] = [1, 2, 3, 4, 5]
    #expect(try #require(Statistics.spearman(x, x.map { $0 * $0 * $0 })) == 1)
    // And −1 for a reversed order; nil for a constant side.
    #expect(try #require(Statistics.spearman(x, x.reversed())) == -1)
    #expect(Statistics.spearman(x, [1, 1, 1, 1, 1]) == nil)
  }

  @Test func regressionRecoversALine() throws {
    let x: [Double] = [0.01, -0.02, 0.03, 0.0, 0.015]
    let fit = try #require(Statistics.regression(x.map { 0.001 + 1.3 * $0 }, on: x))
    #expect(abs(fit.alpha - 0.001) < 1e-12 && abs(fit.beta - 1.3) < 1e-12)
  }

  @Test func quantilesKeepTiesTogether() {
    #expect(
      Backtest.quantiles([1, 2, 2, 2, 3, 4, 5, 6, 7, 8], count: 5) == [
        1, 2, 2, 2, 3, 3, 4, 4, 5, 5,
      ]
    )
  }
}

@Suite struct BacktestTests {
  /// Month ends only: a 1m horizon runs from one to the next.
  ///
  /// Each month
  /// the composites are a Gaussian copula with next month's returns whose
  /// Spearman correlation is `ic` in expectation: `ρ = 2 sin(π·ic / 6)`.
  private func planted(ic: Double, tickers: Int, months: Int, seed: UInt64) throws -> Backtest {
    var generator = SplitMix64(seed: seed)
    let rho = 2 * sin(Double.pi * ic / 6)
    var days: [Int32] = []
    var month = day("2020-01-31")
    for _ in 0..<months + 1 {
      days.append(Int32(month.ordinal))
      month = month.adding(months: 1).monthEnd
    }
    var levels = [[Double]](repeating: [100], count: tickers)
    var sections: [Backtest.CrossSection] = []
    for m in 0..<months {
      var entries: [Backtest.Entry] = []
      for k in 0..<tickers {
        let x = normal(using: &generator)
        let y = rho * x + (1 - rho * rho).squareRoot() * normal(using: &generator)
        let composite = 50 + 10 * x
        entries.append(
          Backtest.Entry(
            ticker: ticker(k),
            name: "",
            values: [composite, composite, 50, 50],
            tier: x > 0 ? "high" : "low"
          )
        )
        levels[k].append((levels[k].last ?? 100) * (1.01 + 0.06 * y))
      }
      sections.append(
        Backtest.CrossSection(day: Day(ordinal: Int(days[m])), edition: "2024", entries: entries)
      )
    }
    let prices = try table(
      (0..<tickers).map {
        PriceSeries(ticker: ticker($0), name: "", days: days, levels: levels[$0])
      }
    )
    let settings = Backtest.Settings(
      from: Day(ordinal: Int(days[0])),
      to: Day(ordinal: Int(days[days.count - 1]))
    )
    return Backtest(sections: sections, prices: prices, settings: settings)
  }

  @Test func aPlantedCoefficientOf5PercentIsRecovered() throws {
    let result = try planted(ic: 0.05, tickers: 1000, months: 120, seed: 42)
    let composite = try #require(result.summaries.first { $0.factor == 0 && $0.horizon == 0 })
    // 120 dates of 1,000 holdings: the mean's standard error is about 0.003.
    #expect(composite.dates == 120)
    #expect(abs(composite.mean - 0.05) < 0.01, "mean IC \(composite.mean)")
    #expect(try #require(composite.t) > 5)
    let spread = try #require(result.quantileReturns.first { $0.group == "top-minus-bottom" })
    #expect(spread.meanReturn > 0 && (spread.t ?? 0) > 2)
    let q1 = try #require(result.quantileReturns.first { $0.group == "Q1" })
    let q5 = try #require(result.quantileReturns.first { $0.group == "Q5" })
    #expect(q1.meanExcess < 0 && q5.meanExcess > 0)
    #expect(abs(q5.meanHoldings - 200) < 1e-9)
    // A fresh draw every month: the top quantile turns over about 80%.
    let turnover = result.turnover.compactMap(\.top)
    #expect(abs(Statistics.mean(turnover) - 0.8) < 0.05)
  }

  @Test func noPlantedEffectIsFoundAtAboutTheNominalRate() throws {
    var rejections = 0
    let seeds = 200
    for seed in 0..<seeds {
      let result = try planted(ic: 0, tickers: 100, months: 24, seed: UInt64(1000 + seed))
      let composite = try #require(result.summaries.first { $0.factor == 0 })
      if abs(composite.t ?? 0) > 1.96 { rejections += 1 }
    }
    // 5% nominal; with 200 seeds the rate's standard error is 1.5 points.
    let rate = Double(rejections) / Double(seeds)
    #expect(rate > 0.01 && rate < 0.10, "false-positive rate \(rate)")
  }

  @Test func aSuspendedHoldingLeavesTheDateAndItsReturnRunsToItsLastPrice() throws {
    let days = weekdays(from: day("2021-01-04"), count: 60)
    // Ticker 1 has no price on the first month end, and stops trading
    // halfway through the second month.
    let all = PriceSeries(
      ticker: ticker(0),
      name: "",
      days: days,
      levels: days.indices.map { 100 + Double($0) }
    )
    let partial = PriceSeries(
      ticker: ticker(1),
      name: "",
      days: days.enumerated().filter { $0.offset != 19 && $0.offset < 30 }.map(\.element),
      levels: days.indices.filter { $0 != 19 && $0 < 30 }.map { 50 + Double($0) }
    )
    let prices = try table([all, partial])
    let settings = Backtest.Settings(
      from: Day(ordinal: Int(days[0])),
      to: Day(ordinal: Int(days[59]))
    )
    let dates = Backtest.rebalanceDates(settings, calendar: prices.calendar)
    #expect(dates.map(\.description) == ["2021-01-29", "2021-02-26", "2021-03-26"])
    let entries = [0, 1].map {
      Backtest.Entry(ticker: ticker($0), name: "", values: [Double($0), 0, 0, 0], tier: "t")
    }
    let result = Backtest(
      sections: dates.map { Backtest.CrossSection(day: $0, edition: "2024", entries: entries) },
      prices: prices,
      settings: settings
    )
    // 2021-01-29 is day 19: ticker 1 is suspended and left out.
    #expect(result.observations.filter { $0.date == 0 }.map(\.entry.ticker) == [ticker(0)])
    // From 2021-02-26 (day 39) ticker 1 has no price: gone that date too.
    #expect(result.observations.filter { $0.date == 1 }.map(\.entry.ticker) == [ticker(0)])
    // The last date has no full month after it.
    #expect(result.observations.filter { $0.date == 2 }.allSatisfy { $0.forward == [nil] })
    #expect(prices.forwardReturn(1, from: 20, to: 39) == 79.0 / 70.0 - 1)
  }
}

@Suite struct EventStudyTests {
  /// 300 weekdays; the event on day 260.
  ///
  /// Every firm follows the market with
  /// its own beta plus 2% daily noise; the exposed group loses `effect`
  /// spread evenly over days −10…0.
  private func planted(effect: Double, exposed: Int, others: Int, seed: UInt64) throws -> EventStudy
  {
    var generator = SplitMix64(seed: seed)
    let days = weekdays(from: day("2021-01-04"), count: 300)
    let event = 260
    var market = [100.0]
    for _ in 1..<days.count {
      market.append(market[market.count - 1] * (1 + 0.0003 + 0.01 * normal(using: &generator)))
    }
    var series = [PriceSeries(ticker: "000300.SH", name: "CSI 300", days: days, levels: market)]
    var members: [EventStudy.Member] = []
    for k in 0..<(exposed + others) {
      let beta = Double.random(in: 0.5...1.5, using: &generator)
      let isExposed = k < exposed
      var levels = [50.0]
      for t in 1..<days.count {
        let rm = market[t] / market[t - 1] - 1
        var r = 0.0002 + beta * rm + 0.02 * normal(using: &generator)
        if isExposed && t >= event - 10 && t <= event { r += effect / 11 }
        levels.append(levels[t - 1] * (1 + r))
      }
      series.append(PriceSeries(ticker: ticker(k + 1), name: "", days: days, levels: levels))
      members.append(
        EventStudy.Member(
          ticker: ticker(k + 1),
          name: "",
          exposed: isExposed,
          exposure: isExposed ? 1 : 0,
          direction: ""
        )
      )
    }
    var settings = EventStudy.Settings(eventDate: Day(ordinal: Int(days[event])))
    settings.benchmark = "000300.SH"
    return try EventStudy(members: members, prices: try table(series), settings: settings)
  }

  private func row(
    _ study: EventStudy,
    _ window: String,
    _ group: String,
    _ model: EventStudy.Model
  ) throws -> EventStudy.WindowRow {
    try #require(
      study.windows.first {
        $0.window.description == window && $0.group == group && $0.model == model
      }
    )
  }

  @Test func aPlantedLossOf4PercentIsRecovered() throws {
    let study = try planted(effect: -0.04, exposed: 200, others: 200, seed: 7)
    for model in EventStudy.Model.allCases {
      let exposed = try row(study, "(-10,0)", "exposed", model)
      let others = try row(study, "(-10,0)", "not exposed", model)
      // The mean of 200 CARs over 11 days of 2% noise: standard error 0.5 points.
      #expect(exposed.firms == 200)
      #expect(abs(try #require(exposed.mean) + 0.04) < 0.015, "\(model): \(exposed.mean ?? .nan)")
      #expect(try #require(exposed.t) < -5)
      #expect(abs(try #require(others.mean)) < 0.015)
      #expect(try #require(try row(study, "(-10,0)", EventStudy.difference, model).t) < -5)
    }
    // After day 0 nothing more happens: (0,+20) holds only day 0's share.
    #expect(
      abs(try #require(try row(study, "(0,+20)", "exposed", .marketModel).mean) + 0.04 / 11) < 0.015
    )
  }

  @Test func noPlantedEventIsFoundAtAboutTheNominalRate() throws {
    var rejections = 0
    let seeds = 200
    for seed in 0..<seeds {
      let study = try planted(effect: 0, exposed: 40, others: 40, seed: UInt64(5000 + seed))
      if abs(try row(study, "(-10,0)", "exposed", .marketModel).t ?? 0) > 1.96 { rejections += 1 }
    }
    let rate = Double(rejections) / Double(seeds)
    #expect(rate > 0.01 && rate < 0.10, "false-positive rate \(rate)")
  }

  @Test func aSuspensionGivesNoAbnormalReturnAndTheResumptionSpansIt() throws {
    let days = weekdays(from: day("2021-01-04"), count: 30)
    let market = PriceSeries(
      ticker: "000300.SH",
      name: "",
      days: days,
      levels: days.indices.map { 100 * pow(1.01 as Double, Double($0)) }
    )
    // The stock misses days 10 and 11, and gains 10% over the three days.
    var stockDays = days
    stockDays.removeSubrange(10...11)
    let stock = PriceSeries(
      ticker: ticker(1),
      name: "",
      days: stockDays,
      levels: days.indices.filter { $0 != 10 && $0 != 11 }.map {
        $0 < 12 ? 50 * pow(1.01 as Double, Double($0)) : 55 * pow(1.01 as Double, Double($0 - 3))
      }
    )
    var settings = EventStudy.Settings(eventDate: Day(ordinal: Int(days[12])))
    settings.benchmark = "000300.SH"
    settings.windows = [EventStudy.Window(-2, 0)]
    settings.minimumEstimationDays = 1_000
    let study = try EventStudy(
      members: [
        EventStudy.Member(
          ticker: ticker(1),
          name: "",
          exposed: true,
          exposure: 1,
          direction: "headwind"
        )
      ],
      prices: try table([market, stock]),
      settings: settings
    )
    let daily = study.days.filter { $0.group == "exposed" && $0.model == .marketAdjusted }
    #expect(daily.map(\.firms) == [0, 0, 1])
    // Day 0 spans three trading days: the stock's 10% against the
    // market's 1.01³ − 1.
    let expected = 0.1 - (1.01 * 1.01 * 1.01 - 1)
    #expect(abs((daily[2].meanAR ?? 0) - expected) < 1e-12)
    // One day of three traded: less than half, so no CAR for the window.
    #expect(study.firms[0].car[0][0] == nil)
    #expect(study.withoutMarketModel == 1)
  }
}

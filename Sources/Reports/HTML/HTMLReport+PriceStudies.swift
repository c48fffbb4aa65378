import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
public import PriceStudies

extension HTMLReport {
  /// The back-test's page: the mean IC of each factor and horizon, the mean
  /// excess return by quantile at the first horizon, and the summary table;
  /// the model in the footer as of the last rebalance date.
  public static func backtest(
    _ backtest: Backtest,
    run: ScoreRun,
    language: ReportLanguage,
    context: RunContext
  ) -> [UInt8] {
    let horizons = backtest.settings.horizons.map(\.description)
    let ic = backtest.summaries.map {
      SVGChart.Bar(
        label: "\(horizons[$0.horizon]) · \(Backtest.factors[$0.factor])",
        value: $0.mean,
        caption: fixed($0.mean, decimals: 4)
      )
    }
    let quantiles = backtest.quantileReturns.filter { $0.horizon == 0 }.map {
      SVGChart.Bar(
        label: "\(horizons.first ?? "") · \($0.group)",
        value: $0.group == "top-minus-bottom" ? $0.meanReturn : $0.meanExcess,
        caption: language.percent(
          $0.group == "top-minus-bottom" ? $0.meanReturn : $0.meanExcess,
          decimals: 2
        )
      )
    }
    let holdings = Set(backtest.observations.map(\.entry.ticker)).count
    let first = backtest.summaries.first { $0.factor == 0 }
    var page = frame(run, language: language, context: context)
    page["title"] = language("title.backtest")
    page["subtitle"] =
      "\(run.portfolio.file.split(separator: "/").last.map(String.init) ?? "") · \(language.date(backtest.settings.from)) – \(language.date(backtest.settings.to)) · \(backtest.settings.rebalance.rawValue)"
    page["backtest"] =
      [
        "labels": [
          "icChart": language("bt.ic"), "quantileChart": language("bt.quantiles"),
          "summary": language("bt.summary"), "horizon": language("horizon"),
          "factor": language("factor"), "dates": language("bt.dates"),
          "meanIC": language("mean-ic"), "t": language("t"), "ir": language("ir"),
          "note": language("bt.note"),
        ],
        "cards": [
          ["field": "dates", "value": String(backtest.dates.count), "label": language("bt.dates")],
          ["field": "holdings", "value": String(holdings), "label": language("bt.holdings")],
          [
            "field": "mean-ic", "value": first.map { fixed($0.mean, decimals: 4) } ?? "–",
            "label": "\(language("mean-ic")) · \(horizons.first ?? "") · composite",
          ],
          [
            "field": "t", "value": first?.t.map { fixed($0, decimals: 2) } ?? "–",
            "label": language("t"),
          ],
        ],
        "icChart": SVGChart.diverging(ic).svg,
        "quantileChart": SVGChart.diverging(quantiles).svg,
        "rows": backtest.summaries.map { row -> [String: String] in
          [
            "horizon": horizons[row.horizon], "factor": Backtest.factors[row.factor],
            "dates": String(row.dates), "meanIC": fixed(row.mean, decimals: 4),
            "t": row.t.map { fixed($0, decimals: 2) } ?? "–",
            "ir": row.informationRatio.map { fixed($0, decimals: 3) } ?? "–",
          ]
        },
      ] as [String: Any]
    return render(page)
  }

  /// The event study's page: the mean CAR of each group by window under the
  /// market model, and every window's figures.
  public static func event(
    _ study: EventStudy,
    title: String,
    run: ScoreRun,
    language: ReportLanguage,
    context: RunContext
  ) -> [UInt8] {
    let group = { (name: String) in language("group." + name) }
    let model = { (model: EventStudy.Model) in language("model." + model.rawValue) }
    let bars = study.windows.filter {
      $0.model == .marketModel && $0.group != EventStudy.difference
    }
    .compactMap { row -> SVGChart.Bar? in
      guard let mean = row.mean else { return nil }
      return SVGChart.Bar(
        label: "\(row.window) · \(group(row.group))",
        value: mean,
        caption: language.percent(mean, decimals: 2)
      )
    }
    let exposed = study.firms.filter(\.member.exposed).count
    var page = frame(run, language: language, context: context)
    page["title"] = language("title.event")
    page["subtitle"] = "\(title) · \(language("ev.day0")) \(language.date(study.eventDay))"
    page["event"] =
      [
        "labels": [
          "carChart": language("ev.car") + " (\(model(.marketModel)))",
          "table": language("ev.table"),
          "window": language("window"), "group": language("group"), "model": language("model"),
          "firms": language("firms"), "meanCAR": language("mean-car"), "t": language("t"),
          "note": language("ev.note"),
        ],
        "cards": [
          ["field": "exposed", "value": String(exposed), "label": language("ev.exposed")],
          [
            "field": "others", "value": String(study.firms.count - exposed),
            "label": language("ev.others"),
          ],
          ["field": "day0", "value": language.date(study.eventDay), "label": language("ev.day0")],
        ],
        "carChart": SVGChart.diverging(bars).svg,
        "rows": study.windows.map { row -> [String: String] in
          [
            "window": row.window.description, "group": group(row.group), "model": model(row.model),
            "firms": String(row.firms),
            "mean": row.mean.map { language.percent($0, decimals: 2) } ?? "–",
            "t": row.t.map { fixed($0, decimals: 2) } ?? "–",
          ]
        },
      ] as [String: Any]
    return render(page)
  }
}

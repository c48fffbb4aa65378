import Foundation
import PolicyScoreCore
import PolicyScoring
import PriceImport
public import PriceStudies

/// The files and summary of `backtest`.
public struct BacktestReport {
  public static let fileNames = [
    "backtest-summary.csv", "backtest-ic.csv", "backtest-quantiles.csv", "backtest-tiers.csv",
    "backtest-turnover.csv", "backtest-scores.csv", "price-rejects.csv", "manifest.json",
    "report.html",
  ]

  public let files: [String: ReportFile]
  public let text: String

  /// The rules the figures follow, written into the manifest.
  static let rules = [
    "rebalance dates: the last trading day of each period between --from and --to, on the calendar of the price files",
    "scores: point in time, the model as it stood on each rebalance date (edition in force, instruments valid then)",
    "cross-section: the scored holdings with a price on the rebalance date; one without (suspended, not yet listed) is left out of that date",
    "forward return: from the close on the rebalance date to the last close at or before the horizon's end; Nd is N trading days on, Nm from a month's last trading day the last trading day N months on",
    "IC: Spearman's rank correlation of a factor with the forward return across the cross-section, ties at their mean rank",
    "t-statistic: mean / (sd / sqrt(dates)); horizons longer than the rebalance period overlap, which inflates it",
    "information ratio: mean IC / sd of IC, per rebalance period",
    "quantiles: by the composite's mean rank on each date, ceil(rank x q / n), ties in one quantile; returns equal-weighted, excess over the date's mean",
    "turnover: the share of a quantile's holdings not in it on the previous date",
  ]

  public init(_ backtest: Backtest, inputs: PriceStudyInputs) {
    let horizons = backtest.settings.horizons.map(\.description)
    let dates = backtest.dates.map(\.description)
    let factors = Backtest.factors
    let summary = CSVWriter.render(
      header: [
        "horizon", "factor", "dates", "mean_ic", "sd_ic", "t_stat", "information_ratio",
        "positive_share",
      ],
      rows: backtest.summaries.map {
        [
          .text(horizons[$0.horizon]), .text(factors[$0.factor]), .integer($0.dates),
          .number($0.mean, decimals: 4), cell($0.standardDeviation, decimals: 4),
          cell($0.t, decimals: 2), cell($0.informationRatio, decimals: 3),
          .number($0.positiveShare, decimals: 3),
        ]
      }
    )
    let coefficients = CSVWriter.render(
      header: ["date", "horizon", "factor", "ic", "holdings"],
      rows: backtest.coefficients.map {
        [
          .text(dates[$0.date]), .text(horizons[$0.horizon]), .text(factors[$0.factor]),
          cell($0.value, decimals: 4), .integer($0.holdings),
        ]
      }
    )
    let groups = { (rows: [Backtest.GroupReturn], name: String) in
      CSVWriter.render(
        header: [
          "horizon", name, "dates", "mean_return", "mean_excess", "t_stat", "mean_holdings",
        ],
        rows: rows.map {
          [
            .text(horizons[$0.horizon]), .text($0.group), .integer($0.dates),
            .number($0.meanReturn, decimals: 5), .number($0.meanExcess, decimals: 5),
            cell($0.t, decimals: 2), .number($0.meanHoldings, decimals: 1),
          ]
        }
      )
    }
    let turnover = CSVWriter.render(
      header: ["date", "top_turnover", "bottom_turnover", "rank_autocorrelation"],
      rows: backtest.turnover.map {
        [
          .text(dates[$0.date]), cell($0.top, decimals: 4), cell($0.bottom, decimals: 4),
          cell($0.rankAutocorrelation, decimals: 4),
        ]
      }
    )
    let observations = backtest.observations
    let editions = backtest.editions
    let scores = ReportFile.csv(
      header: ["date", "ticker", "name", "edition", "composite", "e", "f", "d", "tier", "quantile"]
        + horizons.map { "forward_\($0)" },
      rows: observations.count,
      bytesPerRow: 120
    ) { csv, index in
      let o = observations[index]
      csv.text(dates[o.date])
      csv.text(o.entry.ticker)
      csv.text(o.entry.name)
      csv.text(editions[o.date])
      for value in o.entry.values { csv.number(value, decimals: 2) }
      csv.text(o.entry.tier)
      csv.integer(o.quantile)
      for value in o.forward {
        if let value { csv.number(value, decimals: 6) } else { csv.empty() }
      }
    }
    struct Study: Encodable {
      var from: String
      var to: String
      var rebalance: String
      var dates: Int
      var horizons: [String]
      var quantiles: Int
      var editions: [String: Int]
      var holdings_without_prices: [String]
    }
    let settings = backtest.settings
    let manifest = inputs.manifest(
      command: "backtest",
      study: Study(
        from: settings.from.description,
        to: settings.to.description,
        rebalance: settings.rebalance.rawValue,
        dates: dates.count,
        horizons: horizons,
        quantiles: settings.quantiles,
        editions: Dictionary(editions.map { ($0, 1) }, uniquingKeysWith: +),
        holdings_without_prices: backtest.unpriced
      ),
      rules: Self.rules,
      files: Self.fileNames.filter { $0 != "manifest.json" }
    )
    files = [
      "backtest-summary.csv": ReportFile(summary),
      "backtest-ic.csv": ReportFile(coefficients),
      "backtest-quantiles.csv": ReportFile(groups(backtest.quantileReturns, "quantile")),
      "backtest-tiers.csv": ReportFile(groups(backtest.tierReturns, "tier")),
      "backtest-turnover.csv": ReportFile(turnover),
      "backtest-scores.csv": scores,
      "price-rejects.csv": ReportFile(inputs.rejects),
      "manifest.json": ReportFile(manifest),
      "report.html": ReportFile(
        HTMLReport.backtest(
          backtest,
          run: inputs.run,
          language: inputs.context.language,
          context: inputs.context
        )
      ),
    ]
    text = Self.summaryText(backtest, horizons: horizons)
  }

  private static func summaryText(_ backtest: Backtest, horizons: [String]) -> String {
    var lines = [
      "\(backtest.dates.count) rebalance dates (\(backtest.settings.rebalance.rawValue)) from \(backtest.dates.first?.description ?? "-") to \(backtest.dates.last?.description ?? "-"), \(Set(backtest.observations.map(\.entry.ticker)).count) holdings with prices"
    ]
    let header = ["horizon", "factor", "dates", "mean IC", "t", "IR", "IC > 0", "top − bottom"]
    let rows = backtest.summaries.map { row in
      let spread =
        row.factor == 0
        ? backtest.quantileReturns.first {
          $0.horizon == row.horizon && $0.group == "top-minus-bottom"
        }
        : nil
      return [
        horizons[row.horizon], Backtest.factors[row.factor], "\(row.dates)",
        fixed(row.mean, decimals: 4),
        row.t.map { fixed($0, decimals: 2) } ?? "-",
        row.informationRatio.map { fixed($0, decimals: 3) } ?? "-",
        fixed(row.positiveShare * 100, decimals: 0) + "%",
        spread.map { fixed($0.meanReturn * 100, decimals: 2) + "%" } ?? "",
      ]
    }
    if rows.isEmpty {
      lines.append("no information coefficient: no date had 3 holdings with a forward return")
    } else {
      lines.append(TextTable.render([header] + rows, rightAligned: [2, 3, 4, 5, 6, 7]))
    }
    if !backtest.unpriced.isEmpty {
      lines.append(
        "\(backtest.unpriced.count) scored holdings have no prices in the files: "
          + backtest.unpriced.prefix(5).joined(separator: ", ")
          + (backtest.unpriced.count > 5 ? ", …" : "")
      )
    }
    return lines.joined(separator: "\n")
  }
}

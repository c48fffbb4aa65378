import Foundation
import PolicyScoreCore
import PolicyScoring
import PriceImport
public import PriceStudies

/// The files and summary of `event`.
public struct EventStudyReport {
  public static let fileNames = [
    "event-car.csv", "event-days.csv", "event-firms.csv", "price-rejects.csv", "manifest.json",
    "report.html",
  ]

  /// What the event is: an instrument of the model, or named segments on a
  /// given date.
  public struct Subject: Sendable {
    public var id: String
    public var name: String
    /// Where the date came from: "the instrument's first day in force" or
    /// "--date".
    public var dateSource: String

    public init(id: String, name: String, dateSource: String) {
      self.id = id
      self.name = name
      self.dateSource = dateSource
    }
  }

  public let files: [String: ReportFile]
  public let text: String

  static let rules = [
    "day 0: the first trading day on or after the event date; windows count trading days on the calendar of the price files",
    "returns: trade to trade; a stock's return on the day it trades again after a suspension spans the suspension, and the market's is compounded over the same days; a day it did not trade has no abnormal return",
    "market-adjusted abnormal return: R - Rm",
    "market model: R - (alpha x days spanned + beta x Rm), alpha and beta by least squares over the estimation window; a firm with fewer estimation days than the minimum has no market-model figures",
    "CAR: the sum of a firm's abnormal returns in the window, when it traded on at least half the window's days",
    "t-statistic: cross-sectional, mean CAR / (sd / sqrt(firms)); the difference of the groups by Welch's t",
  ]

  public init(_ study: EventStudy, subject: Subject, inputs: PriceStudyInputs) {
    let windows = study.settings.windows
    let car = CSVWriter.render(
      header: ["window", "group", "model", "firms", "mean_car", "sd_car", "t_stat"],
      rows: study.windows.map {
        [
          .text($0.window.description), .text($0.group), .text($0.model.rawValue),
          .integer($0.firms),
          cell($0.mean, decimals: 5), cell($0.standardDeviation, decimals: 5),
          cell($0.t, decimals: 2),
        ]
      }
    )
    let days = CSVWriter.render(
      header: ["relative_day", "date", "group", "model", "mean_ar", "caar", "firms"],
      rows: study.days.map {
        [
          .integer($0.relative), .text($0.date.description), .text($0.group),
          .text($0.model.rawValue),
          cell($0.meanAR, decimals: 5), .number($0.caar, decimals: 5), .integer($0.firms),
        ]
      }
    )
    var firmHeader = [
      "ticker", "name", "exposed", "exposure", "direction", "alpha", "beta", "estimation_days",
    ]
    for window in windows {
      for model in EventStudy.Model.allCases {
        firmHeader.append("car_\(window.key)_\(model.rawValue)")
      }
    }
    let firms = CSVWriter.render(
      header: firmHeader,
      rows: study.firms.map { firm in
        var cells: [CSVCell] = [
          .text(firm.member.ticker), .text(firm.member.name),
          .text(firm.member.exposed ? "yes" : "no"),
          .number(firm.member.exposure, decimals: 4), .text(firm.member.direction),
          cell(firm.alpha, decimals: 6), cell(firm.beta, decimals: 4),
          .integer(firm.estimationDays),
        ]
        for values in firm.car {
          for value in values { cells.append(cell(value, decimals: 5)) }
        }
        return cells
      }
    )
    struct Study: Encodable {
      var event: String
      var name: String
      var event_date: String
      var date_source: String
      var day_0: String
      var market: String
      var estimation_window: String
      var minimum_estimation_days: Int
      var windows: [String]
      var exposed: Int
      var not_exposed: Int
      var holdings_without_prices: [String]
      var firms_without_market_model: Int
    }
    let settings = study.settings
    let manifest = inputs.manifest(
      command: "event",
      study: Study(
        event: subject.id,
        name: subject.name,
        event_date: settings.eventDate.description,
        date_source: subject.dateSource,
        day_0: study.eventDay.description,
        market: study.market,
        estimation_window: settings.estimation.description,
        minimum_estimation_days: settings.minimumEstimationDays,
        windows: windows.map(\.description),
        exposed: study.firms.filter(\.member.exposed).count,
        not_exposed: study.firms.filter { !$0.member.exposed }.count,
        holdings_without_prices: study.unpriced,
        firms_without_market_model: study.withoutMarketModel
      ),
      rules: Self.rules,
      files: Self.fileNames.filter { $0 != "manifest.json" }
    )
    files = [
      "event-car.csv": ReportFile(car),
      "event-days.csv": ReportFile(days),
      "event-firms.csv": ReportFile(firms),
      "price-rejects.csv": ReportFile(inputs.rejects),
      "manifest.json": ReportFile(manifest),
      "report.html": ReportFile(
        HTMLReport.event(
          study,
          title: "\(subject.id) · \(subject.name)",
          run: inputs.run,
          language: inputs.context.language,
          context: inputs.context
        )
      ),
    ]
    text = Self.summaryText(study, subject: subject)
  }

  private static func summaryText(_ study: EventStudy, subject: Subject) -> String {
    let exposed = study.firms.filter(\.member.exposed).count
    var lines = [
      "\(subject.id) \(subject.name): day 0 is \(study.eventDay) (\(subject.dateSource): \(study.settings.eventDate))",
      "\(exposed) exposed and \(study.firms.count - exposed) other holdings with prices; market: \(study.market)",
    ]
    let header = ["window", "group", "model", "firms", "mean CAR", "t"]
    let rows = study.windows.map {
      [
        $0.window.description, $0.group, $0.model.rawValue, "\($0.firms)",
        $0.mean.map { fixed($0 * 100, decimals: 2) + "%" } ?? "-",
        $0.t.map { fixed($0, decimals: 2) } ?? "-",
      ]
    }
    lines.append(TextTable.render([header] + rows, rightAligned: [3, 4, 5]))
    if exposed == 0 {
      lines.append(
        "no holding with prices is exposed: the model maps none of them to the segments it reaches"
      )
    }
    if study.withoutMarketModel > 0 {
      lines.append(
        "\(study.withoutMarketModel) firms had fewer than \(study.settings.minimumEstimationDays) estimation days: market-adjusted figures only"
      )
    }
    return lines.joined(separator: "\n")
  }
}

import Foundation
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import PriceImport
import PriceStudies
import ScenarioAnalysis
import Testing

@testable import Reports

/// The charts' geometry, and the page's figures against the CSVs.
@Suite struct HTMLReportTests {
  @Test func barsAreAsLongAsTheirValues() {
    let chart = SVGChart.bars([
      SVGChart.Bar(label: "a", value: 0.5, caption: ""),
      SVGChart.Bar(label: "b", value: 0.25, caption: ""),
      SVGChart.Bar(label: "c", value: 0, caption: ""),
    ])
    #expect(chart.rects.count == 3)
    #expect(abs(chart.rects[1].width * 2 - chart.rects[0].width) < 1e-9)
    #expect(chart.rects[2].width == 0)
    #expect(chart.rects[0].y < chart.rects[1].y && chart.rects[1].y < chart.rects[2].y)
    // A maximum larger than every value scales them all down.
    let scaled = SVGChart.bars([SVGChart.Bar(label: "a", value: 50, caption: "")], maximum: 100)
    #expect(abs(scaled.rects[0].width * 2 - chart.rects[0].width) < 1e-9)
  }

  @Test func aHistogramCountsEachBinAndItsBarsFollow() {
    let chart = SVGChart.histogram([5, 15, 15, 55, 99.9, 100])
    #expect(chart.counts == [1, 2, 0, 0, 0, 1, 0, 0, 0, 2])
    #expect(abs(chart.rects[1].height - 2 * chart.rects[0].height) < 1e-9)
    #expect(chart.rects[2].height == 0)
    #expect(chart.rects[9].x > chart.rects[0].x)
  }

  @Test func aLineRisesWithItsValuesAndBandsSpanTheirRanks() {
    let line = SVGChart.line([("a", 40), ("b", 60), ("c", 60)])
    #expect(line.dots[0].y > line.dots[1].y)
    #expect(line.dots[1].y == line.dots[2].y)
    #expect(line.dots[0].x < line.dots[1].x)
    let bands = SVGChart.bands([("a", 1, 2, 5), ("b", 3, 3, 3)], worst: 10)
    #expect(bands.rects[0].x < bands.rects[1].x)
    #expect(bands.rects[0].width > bands.rects[1].width)
  }

  @Test func divergingBarsGrowEitherSideOfZero() {
    let chart = SVGChart.diverging([
      SVGChart.Bar(label: "a", value: 0.02, caption: ""),
      SVGChart.Bar(label: "b", value: -0.04, caption: ""),
    ])
    let (up, down) = (chart.rects[0], chart.rects[1])
    #expect(abs(down.width - 2 * up.width) < 1e-9)
    // The positive bar starts where the negative one ends: at zero.
    #expect(abs(up.x - (down.x + down.width)) < 1e-9)
    #expect(chart.svg.contains("class=\"bar up\"") && chart.svg.contains("class=\"bar down\""))
  }

  /// The back-test page's bars are the summary's and the quantiles' figures.
  @Test func theBacktestPageAgreesWithItsCSVs() throws {
    var generator = SplitMix64(seed: 3)
    let days = (0..<13).map { day("2021-01-31").adding(months: $0).monthEnd }
    let tickers = (0..<30).map { String(format: "%06d.SZ", $0 + 1) }
    let series = tickers.map { ticker in
      PriceSeries(
        ticker: ticker,
        name: "",
        days: days.map { Int32($0.ordinal) },
        levels: days.indices.map { _ in 10 + Double(generator.next() % 1000) / 100 }
      )
    }
    let prices = try PriceTable(series: series)
    let sections = days.dropLast().map { date in
      Backtest.CrossSection(
        day: date,
        edition: "2019",
        entries: tickers.map { ticker in
          let value = Double(generator.next() % 100)
          return Backtest.Entry(
            ticker: ticker,
            name: "",
            values: [value, value, 50, 60],
            tier: "neutral"
          )
        }
      )
    }
    let settings = Backtest.Settings(
      from: days[0],
      to: days[11],
      horizons: [
        Backtest.Horizon(count: 1, unit: .months), Backtest.Horizon(count: 3, unit: .months),
      ]
    )
    let backtest = Backtest(sections: sections, prices: prices, settings: settings)
    let example = try run(
      String(
        contentsOf: packageRoot.appendingPathComponent("Examples/portfolio.csv"),
        encoding: .utf8
      )
    )
    let report = BacktestReport(
      backtest,
      inputs: PriceStudyInputs(
        run: example,
        prices: [],
        context: RunContext(toolVersion: "t", generatedAt: "g")
      )
    )
    let page = String(decoding: try #require(report.files["report.html"]?.bytes), as: UTF8.self)
    func shown(_ label: String) throws -> Double {
      let start = try #require(page.range(of: "data-label=\"\(label)\" data-value=\""), "\(label)")
      return try #require(Double(page[start.upperBound...].prefix { $0 != "\"" }))
    }
    let summary = csvRows(try #require(report.files["backtest-summary.csv"]?.bytes))
    // F and D are constant here: they have no IC.
    #expect(summary.count == 1 + 2 * 2)
    for row in summary.dropFirst() {
      let mean = try #require(Double(row[3]))
      #expect(abs(try shown("\(row[0]) · \(row[1])") - mean) <= 0.00005 + 1e-12, "\(row)")
    }
    let quantiles = csvRows(try #require(report.files["backtest-quantiles.csv"]?.bytes))
    for row in quantiles.dropFirst() where row[0] == "1m" {
      let value = try #require(Double(row[1] == "top-minus-bottom" ? row[3] : row[4]))
      #expect(abs(try shown("1m · \(row[1])") - value) <= 0.000005 + 1e-12, "\(row)")
    }
    #expect(!page.contains("<script") && !page.contains("http:") && !page.contains("https:"))
  }

  /// A holding with a restricted segment anywhere in its mix, however
  /// small its share, is listed under the restricted holdings; one without
  /// is not.
  @Test func theRestrictedTableListsEveryHoldingWithARestrictedSegment() throws {
    let result = try run(
      "ticker,weight,segments\nRMIX,1,hospitals:80%; bulk-vitamins:20%\nHOSP,1,hospitals\n"
    )
    #expect(
      result.scores.map { "\($0.holding.ticker.input) \($0.touchesRestricted)" }.sorted()
        == ["HOSP false", "RMIX true"]
    )
    let reports = ReportSet(run: result, context: RunContext(toolVersion: "t", generatedAt: "g"))
    let page = String(decoding: try #require(reports.files["report.html"]?.bytes), as: UTF8.self)
    #expect(page.contains("<tr><td>RMIX"))
    #expect(!page.contains("<tr><td>HOSP"))
  }

  @Test func labelsAreEscaped() {
    let chart = SVGChart.bars([SVGChart.Bar(label: "<b>&\"x\"", value: 1, caption: "")])
    #expect(chart.svg.contains("&lt;b&gt;&amp;&quot;x&quot;"))
    #expect(!chart.svg.contains("<b>"))
  }

  /// Each chart's numbers are the CSVs' numbers.
  @Test func thePageAgreesWithTheCSVs() throws {
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("Examples/portfolio.csv"),
      encoding: .utf8
    )
    let result = try run(text)
    let context = RunContext(toolVersion: "t", generatedAt: "g")
    let reports = ReportSet(run: result, context: context)
    let page = String(decoding: try #require(reports.files["report.html"]?.bytes), as: UTF8.self)
    let exposures = csvRows(try #require(reports.files["exposures.csv"]?.bytes))
    let rankings = csvRows(try #require(reports.files["rankings.csv"]?.bytes))
    let manifest = String(
      decoding: try #require(reports.files["manifest.json"]?.bytes),
      as: UTF8.self
    )
    // Category and domain weights, as data-value.
    for row in exposures.dropFirst() where row[1] == "category" || row[1] == "domain" {
      let label =
        row[1] == "category"
        ? ReportLanguage.en("category." + row[2]) : ReportLanguage.en("domain." + row[2])
      let weight = try #require(Double(row[4]))
      #expect(
        page.contains(
          "data-label=\"\(label)\" data-value=\"\(NumberText.string(weight, decimals: 6, trimmed: true))\""
        ),
        "\(row)"
      )
    }
    // The composite card is the portfolio composite of exposures.csv, to
    // the page's one decimal (the CSV has two).
    let compositeText = try #require(exposures.first { $0[1] == "portfolio" }?[6])
    let composite = try #require(Double(compositeText))
    let card = try #require(page.range(of: "data-field=\"composite\">"))
    let shown = try #require(Double(page[card.upperBound...].prefix { $0 != "<" }))
    #expect(abs(shown - composite) <= 0.051)
    // The histogram counts the rankings' composites.
    let column = try #require(rankings[0].firstIndex(of: "composite"))
    var counts = [Int](repeating: 0, count: 10)
    for row in rankings.dropFirst() {
      let value = try #require(Double(row[column]))
      counts[min(9, Int(value / 10))] += 1
    }
    for (index, count) in counts.enumerated() {
      #expect(
        page.contains("data-label=\"\(index * 10)–\((index + 1) * 10)\" data-value=\"\(count)\"")
      )
    }
    // The top table is the rankings' top ten, in order.
    let tickers = rankings.dropFirst().prefix(10).map { $0[2] }
    var position = page.startIndex
    for ticker in tickers {
      let found = try #require(
        page.range(of: "data-ticker=\"\(ticker)\"", range: position..<page.endIndex),
        "\(ticker)"
      )
      position = found.upperBound
    }
    // The footer's hashes are the manifest's.
    #expect(manifest.contains(result.portfolio.inputHash))
    #expect(page.contains(String(result.portfolio.inputHash.prefix(16))))
    // Self-contained: no script, nothing fetched.
    #expect(!page.contains("<script") && !page.contains("http:") && !page.contains("https:"))
    #expect(page.contains("Content-Security-Policy"))
  }

  /// A large portfolio's page shows its top and bottom holdings, not all.
  @Test func aLargePortfolioKeepsItsPageSmall() throws {
    var text = "ticker,weight,description\n"
    let words = ["手术机器人", "医院", "仿制药", "疫苗", "体外诊断", "原料药", "中成药", "CRO"]
    for row in 0..<10_000 { text += "B\(100_000 + row),1,\(words[row % words.count]) \(row)\n" }
    let reports = ReportSet(
      run: try run(text),
      context: RunContext(toolVersion: "t", generatedAt: "g")
    )
    let page = try #require(reports.files["report.html"]?.bytes)
    #expect(page.count < 2_000_000, "\(page.count) bytes")
    #expect(
      String(decoding: page, as: UTF8.self).components(separatedBy: "data-ticker=").count - 1 == 20
    )
  }
}

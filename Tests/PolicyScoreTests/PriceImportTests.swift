import Foundation
import Testing

@testable import PolicyScoreCore
@testable import PortfolioImport
@testable import PriceImport

private let pricesURL = fixturesURL.appendingPathComponent("prices")

private func read(_ name: String, _ reader: PriceReader = PriceReader()) throws -> PriceFile {
  try reader.read(contentsOf: pricesURL.appendingPathComponent(name))
}

/// The series' return from `from` to `to`.
private func change(_ series: PriceSeries, _ from: String, _ to: String) throws -> Double {
  let a = try #require(series.days.firstIndex(of: Int32(day(from).ordinal)))
  let b = try #require(series.days.firstIndex(of: Int32(day(to).ordinal)))
  return series.levels[b] / series.levels[a] - 1
}

@Suite struct PriceImportTests {
  @Test func theDailyBarCollectionIsReadBelowItsTitleWithReturnsFromThePreviousClose() throws {
    let file = try read("sh600085.csv")
    #expect(file.layout == "long")
    #expect(file.basis.contains("'收盘价' / '前收盘价'"))
    #expect(file.rejects.isEmpty && file.rowsRead == 45)
    let series = try #require(file.series.first)
    #expect(series.ticker == "600085.SH" && series.name == "同仁堂")
    // 2021-01-05: close 25.72 on a previous close of 24.38.
    #expect(abs(try change(series, "2021-01-04", "2021-01-05") - (25.72 / 24.38 - 1)) < 1e-12)
  }

  @Test func aWindWideExportInGB18030() throws {
    let file = try read("wind-wide.csv")
    #expect(file.format.hasPrefix("gb18030"))
    #expect(file.layout == "wide")
    #expect(file.basis.contains("adjusted closes"))
    #expect(file.series.map(\.ticker) == ["300760.SZ", "600276.SH", "688185.SH"])
    #expect(file.series.map(\.name) == ["迈瑞医疗", "恒瑞医药", "康希诺"])
    // The blank cell is a suspension; the bad one is rejected where it is.
    #expect(file.suspended == 1)
    let counted = file.rejects.filter(\.countsAgainstBudget)
    #expect(counted.count == 1)
    let bad = try #require(counted.first)
    #expect(bad.line == 5 && bad.field == 3 && bad.column == "迈瑞医疗(300760.SZ)")
    #expect(bad.position == 19 && bad.reason.contains("'abc' is not a number"))
    // The source line below the data is a note, not data loss.
    #expect(file.rejects.contains { !$0.countsAgainstBudget && $0.line == 7 })
    let kangxino = try #require(file.series.first { $0.ticker == "688185.SH" })
    #expect(kangxino.days.count == 3)
    #expect(abs(try change(kangxino, "2021-01-04", "2021-01-06") - 0.01) < 1e-12)
  }

  @Test func returnsInPercentNewestFirstWithABadDateRejected() throws {
    let file = try read("choice-returns.tsv")
    #expect(file.basis.contains("percent"))
    let bad = try #require(file.rejects.first)
    #expect(file.rejects.count == 1 && bad.line == 4 && bad.field == 1)
    #expect(bad.reason.contains("'2021-13-01' is not a date"))
    let hengrui = try #require(file.series.first { $0.ticker == "600276.SH" })
    #expect(abs(try change(hengrui, "2021-01-05", "2021-01-07") - (0.98 * 1.01 - 1)) < 1e-12)
    // The dash is a day without a trade.
    #expect(file.suspended == 1)
  }

  @Test func closesThatDoNotSayTheyAreAdjustedAreRefusedUntilTheUserSays() throws {
    #expect {
      _ = try read("unadjusted.csv")
    } throws: { error in
      let text = String(describing: (error as? PriceError)?.diagnostics ?? [])
      return text.contains("unadjusted.csv:1:1") && text.contains("--price-kind unadjusted")
    }
    let file = try read("unadjusted.csv", PriceReader(kind: .unadjusted))
    #expect(file.basis.contains("dividends and splits read as losses"))
    // A second price for one day is rejected, naming the first.
    #expect(file.rejects.map(\.line) == [4])
    #expect(file.rejects.first?.reason.contains("line 3 has the first") == true)
  }

  @Test func returnsWithoutAUnitAreRefused() throws {
    let text = "日期,600276.SH\n2021-01-04,1.2\n"
    #expect(throws: PriceError.self) {
      _ = try PriceReader(kind: .returns).read(bytes: Array(text.utf8), file: "r.csv")
    }
    let file = try PriceReader(kind: .returns, returnUnit: .fraction).read(
      bytes: Array(text.utf8),
      file: "r.csv"
    )
    #expect(file.series.first?.levels == [2.2])
  }

  @Test func aTickerInTwoFilesIsRefused() throws {
    let file = try read("sh600085.csv")
    #expect(throws: PriceError.self) { _ = try PriceTable([file, file]) }
  }

  @Test func theTableMergesFilesOnOneCalendar() throws {
    let table = try PriceTable([try read("sh600085.csv"), try read("sz300015.csv")])
    #expect(table.tickers == ["300015.SZ", "600085.SH"])
    #expect(table.calendar.count == 45 && table.calendar.first?.description == "2021-01-04")
    #expect(table.index(onOrBefore: day("2021-01-03")) == nil)
    #expect(table.index(onOrAfter: day("2021-01-02")) == 0)
  }

  @Test(arguments: [
    ("2021-01-04", "2021-01-04"), ("2021/1/4", "2021-01-04"), ("20210104", "2021-01-04"),
    ("2021-01-04 00:00:00", "2021-01-04"), ("2021年1月4日", "2021-01-04"),
  ])
  func exportedDatesAreRead(_ text: String, _ expected: String) {
    #expect(Day(exported: text)?.description == expected)
  }

  @Test func ordinalsRoundTrip() {
    for ordinal in stride(from: -700_000, to: 800_000, by: 997) {
      #expect(Day(ordinal: ordinal).ordinal == ordinal)
    }
    #expect(day("1970-01-01").ordinal == 0)
    #expect(day("2021-01-31").adding(months: 1).description == "2021-02-28")
  }
}

import Foundation
import Testing

/// The example portfolio's tickers, and an index.
private let exampleTickers: [String] = {
  let text = (try? String(contentsOfFile: example, encoding: .utf8)) ?? ""
  return text.split(separator: "\n").dropFirst().compactMap {
    $0.split(separator: ",").first.map(String.init)
  }
}()

/// `count` weekdays from `start` (year, month, day), as `YYYY-MM-DD`.
func weekdays(_ count: Int, from start: (Int, Int, Int) = (2020, 6, 1)) -> [String] {
  var calendar = Calendar(identifier: .gregorian)
  calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
  var date =
    calendar.date(from: DateComponents(year: start.0, month: start.1, day: start.2)) ?? Date()
  let formatter = DateFormatter()
  formatter.dateFormat = "yyyy-MM-dd"
  formatter.timeZone = calendar.timeZone
  var days: [String] = []
  while days.count < count {
    let weekday = calendar.component(.weekday, from: date)
    if weekday != 1 && weekday != 7 { days.append(formatter.string(from: date)) }
    date = calendar.date(byAdding: .day, value: 1, to: date) ?? date
  }
  return days
}

/// A repeatable generator for the tests' prices.
private struct Generator {
  var state: UInt64
  mutating func next() -> Double {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
  }
  /// A standard normal draw (Box–Muller).
  mutating func normal() -> Double {
    (-2 * log(max(next(), 1e-300))).squareRoot() * cos(2 * Double.pi * next())
  }
}

/// A wide file of adjusted closes: the example's tickers and 000300.SH over
/// `days` weekdays from `start`; `shift(ticker, day)` adds to a ticker's
/// daily return.
func widePrices(
  days count: Int,
  from start: (Int, Int, Int) = (2020, 6, 1),
  seed: UInt64,
  noise: Double = 0.01,
  shift: (String, Int) -> Double = { _, _ in 0 }
) -> String {
  var generator = Generator(state: seed)
  let days = weekdays(count, from: start)
  var market = [100.0]
  for _ in 1..<count { market.append(market[market.count - 1] * (1 + 0.008 * generator.normal())) }
  var columns = [market]
  for ticker in exampleTickers {
    var levels = [50.0]
    for t in 1..<count {
      let r = market[t] / market[t - 1] - 1 + noise * generator.normal() + shift(ticker, t)
      levels.append(levels[t - 1] * (1 + r))
    }
    columns.append(levels)
  }
  var lines = ["日期," + (["000300.SH"] + exampleTickers).joined(separator: ",")]
  for t in 0..<count {
    lines.append(
      days[t] + "," + columns.map { String(format: "%.4f", $0[t]) }.joined(separator: ",")
    )
  }
  return "收盘价(后复权)\n" + lines.joined(separator: "\n") + "\n"
}

/// A report's rows: RFC 4180 quoting, the byte-order mark dropped.
private func rows(_ url: URL) throws -> [[String]] {
  let text = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
    of: "\u{FEFF}",
    with: ""
  )
  var rows: [[String]] = []
  var row: [String] = []
  var field = ""
  var quoted = false
  var previous: Character = " "
  for character in text {
    if quoted {
      if character == "\"" { quoted = false } else { field.append(character) }
    } else if character == "\"" {
      if previous == "\"" { field.append("\"") }
      quoted = true
    } else if character == "," {
      row.append(field)
      field = ""
    } else if character == "\r\n" || character == "\n" {
      row.append(field)
      rows.append(row)
      (row, field) = ([], "")
    } else {
      field.append(character)
    }
    previous = character
  }
  return rows
}

/// Every file of `folder` but the manifest, which names the time.
private func contents(_ folder: URL) throws -> [String: Data] {
  var result: [String: Data] = [:]
  for name in try FileManager.default.contentsOfDirectory(atPath: folder.path)
  where name.hasSuffix(".csv") {
    result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
  }
  return result
}

/// Spearman's correlation with ties at their mean rank, written out again
/// here so that the command's figures are checked by other code.
private func spearman(_ x: [Double], _ y: [Double]) -> Double {
  func ranks(_ v: [Double]) -> [Double] {
    v.map { value in
      let below = Double(v.filter { $0 < value }.count)
      let equal = Double(v.filter { $0 == value }.count)
      return below + (equal + 1) / 2
    }
  }
  let (a, b) = (ranks(x), ranks(y))
  let (ma, mb) = (a.reduce(0, +) / Double(a.count), b.reduce(0, +) / Double(b.count))
  let cov = zip(a, b).reduce(0) { $0 + ($1.0 - ma) * ($1.1 - mb) }
  let va = a.reduce(0) { $0 + ($1 - ma) * ($1 - ma) }
  let vb = b.reduce(0) { $0 + ($1 - mb) * ($1 - mb) }
  return cov / (va * vb).squareRoot()
}

@Suite struct PriceStudyCommandTests {
  @Test func aBacktestsFiguresAgreeWithItsOwnScoresAndRepeatExactly() throws {
    let folder = try temporaryDirectory()
    try widePrices(days: 300, seed: 3).write(
      to: folder.appendingPathComponent("closes.csv"),
      atomically: true,
      encoding: .utf8
    )
    let arguments = [
      "backtest", example, "--prices", "closes.csv", "--horizons", "1m,21d",
    ]
    let first = try policyscore(arguments + ["--out", "a"], in: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("rebalance dates (monthly) from 2020-06-30"))
    #expect(
      first.stderr.contains(
        "closes.csv: note: read as utf-8 ',', wide: 56 tickers, adjusted closes"
      )
    )
    let second = try policyscore(arguments + ["--out", "b"], in: folder)
    #expect(second.status == 0)
    let (a, b) = (folder.appendingPathComponent("a"), folder.appendingPathComponent("b"))
    #expect(try contents(a) == contents(b))
    #expect(try contents(a).count == 7)

    // The IC of each date is Spearman's, recomputed from the scores file.
    let scores = try rows(a.appendingPathComponent("backtest-scores.csv"))
    let header = scores[0]
    let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
    let firstDate = scores[1][column("date")]
    let dated = scores.dropFirst().filter {
      $0[column("date")] == firstDate && !$0[column("forward_1m")].isEmpty
    }
    let recomputed = spearman(
      dated.map { Double($0[column("composite")]) ?? .nan },
      dated.map { Double($0[column("forward_1m")]) ?? .nan }
    )
    let ic = try rows(a.appendingPathComponent("backtest-ic.csv"))
    let reported = try #require(
      ic.first { $0[0] == firstDate && $0[1] == "1m" && $0[2] == "composite" }
    )
    let reportedIC: Double = Double(reported[3]) ?? .nan
    #expect(abs(reportedIC - recomputed) < 0.00005 + 1e-9)
    #expect(Int(reported[4]) == dated.count)
    // Hong Kong, US and German listings have prices here but are held abroad:
    // every scored holding with a price is in the cross-section.
    #expect(dated.count >= 40)

    // The summary's mean IC is the mean of the dated ones.
    let values = ic.dropFirst().filter { $0[1] == "1m" && $0[2] == "composite" }.compactMap {
      Double($0[3])
    }
    let summary = try rows(a.appendingPathComponent("backtest-summary.csv"))
    let mean = try #require(summary.first { $0[0] == "1m" && $0[1] == "composite" })
    #expect(Int(mean[2]) == values.count)
    let average: Double = values.reduce(0, +) / Double(values.count)
    let reportedMean: Double = Double(mean[3]) ?? .nan
    #expect(abs(reportedMean - average) < 0.0001)
  }

  @Test func theEventStudyFindsAPlanted4PercentLossOnTheHoldingsTheInstrumentHits() throws {
    let folder = try temporaryDirectory()
    let days = weekdays(300)
    let event = 260
    try widePrices(days: 300, seed: 11).write(
      to: folder.appendingPathComponent("flat.csv"),
      atomically: true,
      encoding: .utf8
    )
    let arguments = [
      "event", example, "--instrument", "vbp-drugs", "--date", days[event], "--benchmark",
      "000300.SH",

    ]
    let flat = try policyscore(arguments + ["--prices", "flat.csv", "--out", "flat"], in: folder)
    #expect(flat.status == 0, "\(flat.stderr)")
    let firms = try rows(folder.appendingPathComponent("flat/event-firms.csv"))
    // As the example writes them: US listings without their suffix.
    let exposed = Set(
      firms.dropFirst().filter { $0[2] == "yes" }.map {
        $0[0].hasSuffix(".US") ? String($0[0].dropLast(3)) : $0[0]
      }
    )
    #expect(exposed.count >= 3, "\(exposed)")
    #expect(exposed.isSubset(of: Set(exampleTickers)))

    let planted = widePrices(days: 300, seed: 11, noise: 0.004) { ticker, t in
      exposed.contains(ticker) && t >= event - 10 && t <= event ? -0.04 / 11 : 0
    }
    try planted.write(
      to: folder.appendingPathComponent("planted.csv"),
      atomically: true,
      encoding: .utf8
    )
    let result = try policyscore(
      arguments + ["--prices", "planted.csv", "--out", "planted"],
      in: folder
    )
    #expect(result.status == 0, "\(result.stderr)")
    let car = try rows(folder.appendingPathComponent("planted/event-car.csv"))
    for model in ["market-adjusted", "market-model"] {
      let row = try #require(
        car.first { $0[0] == "(-10,0)" && $0[1] == "exposed" && $0[2] == model }
      )
      #expect(Int(row[3]) == exposed.count)
      // Each CAR has 1.3 points of noise; the mean of a few is within 1.5.
      #expect(abs((Double(row[4]) ?? .nan) + 0.04) < 0.015, "\(model): \(row)")
      let others = try #require(
        car.first { $0[0] == "(-10,0)" && $0[1] == "not exposed" && $0[2] == model }
      )
      #expect(abs(Double(others[4]) ?? .nan) < 0.01)
    }
    let again = try policyscore(
      arguments + ["--prices", "planted.csv", "--out", "again"],
      in: folder
    )
    #expect(again.status == 0)
    #expect(
      try contents(folder.appendingPathComponent("planted"))
        == contents(folder.appendingPathComponent("again"))
    )
  }

  @Test func pricesThatDoNotSayWhatTheyAreAreRefusedWithTheirPlace() throws {
    let folder = try temporaryDirectory()
    try "date,ticker,close\n2021-01-04,600276.SH,40\n".write(
      to: folder.appendingPathComponent("p.csv"),
      atomically: true,
      encoding: .utf8
    )
    let result = try policyscore(["backtest", example, "--prices", "p.csv"], in: folder)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("p.csv:1:1: error:")
        && result.stderr.contains("--price-kind unadjusted")
    )
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("reports").path))
  }

  @Test func tooManyBadPriceRowsFailWith65() throws {
    let folder = try temporaryDirectory()
    var text = "日期,600276.SH\n"
    for (index, day) in weekdays(40).enumerated() {
      text += "\(day),\(index % 4 == 0 ? "abc" : "40")\n"
    }
    try text.write(to: folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
    let result = try policyscore(
      ["backtest", example, "--prices", "p.csv", "--price-kind", "adjusted"],
      in: folder
    )
    #expect(result.status == 65, "\(result.stderr)")
    #expect(
      result.stderr.contains(
        "p.csv:2:12: warning: row rejected (column '600276.SH'): 'abc' is not a number"
      )
    )
    #expect(result.stderr.contains("10 of 40 price rows rejected"))
  }

  @Test func aDateBeforeEveryEditionNeedsOne() throws {
    let folder = try temporaryDirectory()
    var text = "日期,600276.SH\n"
    for day in ["2019-10-31", "2019-11-29", "2019-12-31"] { text += "\(day),40\n" }
    try text.write(to: folder.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
    let arguments = ["backtest", example, "--prices", "p.csv", "--price-kind", "adjusted"]
    let refused = try policyscore(arguments, in: folder)
    #expect(refused.status == 64, "\(refused.stderr)")
    let given = try policyscore(arguments + ["--edition", "2019"], in: folder)
    #expect(given.status == 0, "\(given.stderr)")
  }
}

import Foundation
import PolicyModel
import PolicyScoreCore
import ScenarioAnalysis

/// `--backtest TICKERSxYEARS`: `policyscore backtest` end to end on a
/// universe of that many healthcare holdings and a wide file of that many
/// years of daily adjusted closes, monthly rebalancing, horizons 1m, 3m and
/// 12m; three runs.
///
/// The tickers are 7xxxxx codes, which no exchange lists, so that every
/// holding is mapped from its description, as the stage table's are. The
/// years start in 2016, before the first catalogue edition took effect, so
/// the run scores with `--edition 2019` throughout.
func benchmarkBacktest(_ spec: String, generator: PortfolioGenerator, binary: String) throws {
  let parts = spec.split(separator: "x").compactMap { Int($0) }
  let tickers = parts.first ?? 5000
  let years = parts.count > 1 ? parts[1] : 10
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "policyscore-bench-backtest"
  )
  try? FileManager.default.removeItem(at: folder)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  let code = { (row: Int) in "7" + String(100_000 + row).dropFirst() }
  let portfolio = folder.appendingPathComponent("universe.csv")
  try Data(generator.csv(rows: tickers, portfolios: 1, ticker: code)).write(to: portfolio)

  var days: [String] = []
  var ordinal = Day(year: 2016, month: 1, day: 4).unsafelyUnwrapped.ordinal
  let end = Day(year: 2016 + years, month: 1, day: 1).unsafelyUnwrapped.ordinal
  while ordinal < end {
    if (ordinal + 3) % 7 < 5 { days.append(Day(ordinal: ordinal).description) }
    ordinal += 1
  }
  var random = SplitMix64(seed: 7)
  var levels = [Double](repeating: 10, count: tickers)
  var text = Array(
    ("收盘价(后复权)\n日期," + (0..<tickers).map { code($0) + ".SZ" }.joined(separator: ",") + "\n").utf8
  )
  text.reserveCapacity(days.count * tickers * 8)
  for day in days {
    text += Array(day.utf8)
    for k in 0..<tickers {
      levels[k] *= 1 + (Double(random.next() % 2001) - 1000) / 50_000
      text.append(0x2C)
      // One day in 200 a stock does not trade.
      if random.next() % 200 != 0 { text += Array(String(format: "%.4f", levels[k]).utf8) }
    }
    text.append(0x0A)
  }
  let prices = folder.appendingPathComponent("prices.csv")
  try Data(text).write(to: prices)
  let megabytes = Double(text.count) / 1e6
  let arguments = [
    "backtest", portfolio.path, "--prices", prices.path, "--edition", "2019",
    "--out", folder.appendingPathComponent("reports").path, "--db",
    folder.appendingPathComponent("none.sqlite").path,
  ]
  var times: [Double] = []
  for _ in 0..<3 { times.append(timeProcess(binary, arguments)) }
  let shown = times.map { String(format: "%.2f", $0) }.joined(separator: ", ")
  print(
    "backtest: \(tickers) tickers × \(days.count) days (\(years) years, \(String(format: "%.0f", megabytes)) MB wide file), monthly, horizons 1m,3m,12m: \(shown) s (min \(String(format: "%.2f", times.min() ?? 0)))"
  )
}

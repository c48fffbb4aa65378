import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
public import ScenarioAnalysis

/// The comparison as comparison.csv and the terminal show it.
extension Comparison {
  /// `comparison.csv`.
  public var csv: [UInt8] {
    CSVWriter.render(
      header: Self.header,
      rows: rows.map {
        [
          .text($0.portfolio), .integer($0.line), .text($0.ticker), .text($0.name),
          .text($0.scenario), .number($0.composite, decimals: 2), .integer($0.rank), .text($0.tier),
          .number($0.compositeDelta, decimals: 2), .integer($0.rankDelta), .text($0.baseTier),
        ]
      }
    )
  }

  /// The summary the `scenarios` command prints.
  public func summary(movers: Int = 3) -> String {
    var lines: [String] = []
    for portfolio in Set(statistics.map(\.portfolio)).sorted() {
      lines.append("portfolio \(portfolio), base '\(base)':")
      var table = [
        ["scenario", "composite", "Δ", "spearman", "kendall", "tier changes", "biggest movers"]
      ]
      for stat in statistics where stat.portfolio == portfolio {
        let moved = stat.movers.prefix(movers).map {
          "\($0.ticker) \($0.rankDelta > 0 ? "+" : "")\($0.rankDelta)"
        }
        table.append([
          stat.scenario, fixed(stat.composite, decimals: 1),
          (stat.compositeDelta >= 0 ? "+" : "") + fixed(stat.compositeDelta, decimals: 1),
          fixed(stat.spearman, decimals: 3), fixed(stat.kendall, decimals: 3),
          String(stat.tierChanges), moved.joined(separator: ", "),
        ])
      }
      lines += TextTable.lines(table, rightAligned: [1, 2, 3, 4, 5]).map { "  " + $0 }
    }
    return lines.joined(separator: "\n")
  }
}

import ArgumentParser
import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

/// The as-of date: which instruments are in force.
struct AsOfOption: ParsableArguments {
  @Option(
    name: .customLong("as-of"),
    help: ArgumentHelp("The as-of date, YYYY-MM-DD (default: today, UTC).", valueName: "date")
  )
  var asOfText: String?

  func asOf() throws -> Day {
    guard let asOfText else { return Self.today() }
    guard let day = Day(asOfText) else {
      throw ValidationError("--as-of '\(asOfText)' is not a date YYYY-MM-DD")
    }
    return day
  }

  static func today() -> Day { Date().utcDay }
}

/// How a printed result looks.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case csv
  case json

  /// `rows` under `header` as an aligned table, CSV (with a BOM, as every
  /// CSV PolicyScore writes, so that Excel reads it right) or JSON objects,
  /// where the `numeric` columns are numbers.
  func render(header: [String], rows: [[String]], numeric: Set<String> = []) -> String {
    switch self {
    case .table: return TextTable.render([header] + rows)
    case .csv:
      let bytes = CSVWriter.render(header: header, rows: rows.map { $0.map { CSVCell.text($0) } })
      return String(decoding: bytes, as: UTF8.self)
    case .json:
      let objects = rows.map { row in
        Dictionary(
          uniqueKeysWithValues: zip(header, row).map { name, cell -> (String, Any) in
            guard numeric.contains(name), let number = Double(cell) else { return (name, cell) }
            return (name, number == number.rounded() && abs(number) < 1e15 ? Int(number) : number)
          }
        )
      }
      let data =
        (try? JSONSerialization.data(
          withJSONObject: objects,
          options: [.prettyPrinted, .sortedKeys]
        ))
        ?? Data()
      return String(decoding: data, as: UTF8.self)
    }
  }
}

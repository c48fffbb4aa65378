import ArgumentParser
import Foundation
import PolicyScoreKit

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

  static func today() -> Day {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let parts = calendar.dateComponents([.year, .month, .day], from: Date())
    guard let year = parts.year, let month = parts.month, let day = parts.day,
      let today = Day(year: year, month: month, day: day)
    else { preconditionFailure("the system calendar gave no date") }
    return today
  }
}

/// How a printed result looks.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case csv
  case json
}

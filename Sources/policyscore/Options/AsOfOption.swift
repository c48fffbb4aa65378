import ArgumentParser
import Foundation
import PolicyScoreKit

/// The as-of date: which instruments are in force.
struct AsOfOption: ParsableArguments {
  @Option(
    name: .customLong("as-of"),
    help: ArgumentHelp("The as-of date, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
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
    return Day(year: parts.year ?? 2026, month: parts.month ?? 1, day: parts.day ?? 1)
      ?? Day(year: 2026, month: 1, day: 1)!
  }
}

/// How a printed result looks.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case csv
  case json
}

public import Foundation

extension Date {
  /// The time in UTC to the second, `2026-12-07T04:05:15Z`, as Foundation's
  /// `ISO8601DateFormatter` writes it by default, without making one (a
  /// formatter loads ICU's calendars: a hundredth of a cold start).
  public var timestamp: String {
    let day = utcDay
    let second = Int(timeIntervalSince1970.rounded(.down)) - day.ordinal * 86_400
    func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    return "\(day)T\(two(second / 3600)):\(two(second / 60 % 60)):\(two(second % 60))Z"
  }

  /// The day it is in UTC, without a calendar.
  public var utcDay: Day { Day(ordinal: Int((timeIntervalSince1970 / 86_400).rounded(.down))) }
}

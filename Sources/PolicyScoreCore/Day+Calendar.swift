extension Day {
  /// Days since 1970-01-01, negative before it: for spans, weeks and
  /// compact storage.
  public var ordinal: Int {
    // Howard Hinnant's days_from_civil.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The day `ordinal` days after 1970-01-01.
  public init(ordinal: Int) {
    let z = ordinal + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let d = dayOfYear - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    let y = yearOfEra + era * 400 + (m <= 2 ? 1 : 0)
    guard let day = Day(year: y, month: m, day: d) else {
      preconditionFailure("day \(ordinal) out of range")
    }
    self = day
  }

  /// The same day of the month `months` months later (or earlier), on the
  /// month's last day when it is shorter: 2021-01-31 + 1 month = 2021-02-28.
  public func adding(months: Int) -> Day {
    let index = year * 12 + (month - 1) + months
    let (y, m) = (index / 12, index % 12 + 1)
    let d = Swift.min(day, Day.daysIn(month: m, year: y))
    guard let result = Day(year: y, month: m, day: d) else {
      preconditionFailure("\(self) + \(months) months is out of range")
    }
    return result
  }

  /// The last day of the day's month.
  public var monthEnd: Day {
    guard let end = Day(year: year, month: month, day: Day.daysIn(month: month, year: year)) else {
      preconditionFailure("\(self) has no month end")
    }
    return end
  }

  /// Monday-based week number, the same for every day of one week.
  public var week: Int { (ordinal + 3).floorDivided(by: 7) }

  /// Parses the forms price exports use: `2021-01-04`, `2021/1/4`,
  /// `20210104`, `2021.01.04`, `2021年1月4日`, each optionally followed by a
  /// time (`2021-01-04 00:00:00`); nil for anything else.
  public init?(exported text: String) {
    var text = Substring(text)
    if let space = text.firstIndex(where: { $0 == " " || $0 == "T" }) { text = text[..<space] }
    if text.count == 8, text.allSatisfy(\.isASCIIDigit),
      let y = Int(text.prefix(4)), let m = Int(text.dropFirst(4).prefix(2)),
      let d = Int(text.suffix(2))
    {
      self.init(year: y, month: m, day: d)
      return
    }
    var numbers: [Int] = []
    var current = ""
    for character in text {
      if character.isASCIIDigit {
        current.append(character)
      } else if "-/.年月日".contains(character), !current.isEmpty {
        numbers.append(Int(current) ?? -1)
        current = ""
      } else {
        return nil
      }
    }
    if !current.isEmpty { numbers.append(Int(current) ?? -1) }
    guard numbers.count == 3, numbers[0] >= 1000 else { return nil }
    self.init(year: numbers[0], month: numbers[1], day: numbers[2])
  }
}

extension Int {
  /// Division rounding towards negative infinity.
  fileprivate func floorDivided(by divisor: Int) -> Int {
    let quotient = self / divisor
    return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
  }
}

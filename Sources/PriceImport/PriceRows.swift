import PolicyScoreCore

/// The data rows of a price file after its header, split on the delimiter
/// straight from the bytes: a wide file of ten years and five thousand
/// tickers is 13 million cells, too many to make a string of each.
///
/// A line with a quote is read by `CSVScanner`, which knows the quoting
/// rules; such lines are rare in price exports.
struct PriceRows {
  /// One data row: its fields as byte ranges of the text, or as strings
  /// when the line needed the scanner.
  struct Row {
    var line: Int
    var start: Int
    var end: Int
    var ranges: [Range<Int>]
    var fields: [String]?
    var problem: CSVScanner.Problem?

    var count: Int { fields?.count ?? ranges.count }
  }

  let text: [UInt8]
  let delimiter: UInt8
  private var position: Int
  private var line: Int

  init(text: [UInt8], delimiter: UInt8, from point: (offset: Int, line: Int)) {
    self.text = text
    self.delimiter = delimiter
    position = point.offset
    line = point.line
  }

  /// The next line that is not blank, or nil at the end.
  mutating func next() -> Row? {
    while position < text.count {
      let start = position
      var end = start
      var quoted = false
      while end < text.count, text[end] != 0x0A, text[end] != 0x0D {
        if text[end] == 0x22 { quoted = true }
        end += 1
      }
      position = end
      if position < text.count {
        position +=
          text[position] == 0x0D && position + 1 < text.count && text[position + 1] == 0x0A ? 2 : 1
      }
      let number = line
      line += 1
      if quoted {
        var scanner = CSVScanner(bytes: Array(text[start..<end]), delimiter: delimiter)
        guard let record = scanner.next() else { continue }
        return Row(
          line: number,
          start: start,
          end: end,
          ranges: [],
          fields: record.fields,
          problem: record.problem
        )
      }
      var ranges: [Range<Int>] = []
      var fieldStart = start
      var blank = true
      for index in start..<end {
        let byte = text[index]
        if byte == delimiter {
          ranges.append(fieldStart..<index)
          fieldStart = index + 1
        } else if byte != 0x20 && byte != 0x09 {
          blank = false
        }
      }
      if blank { continue }
      ranges.append(fieldStart..<end)
      return Row(line: number, start: start, end: end, ranges: ranges)
    }
    return nil
  }

  /// Field `index` of `row` as text, trimmed of spaces; "" when absent.
  func string(_ row: Row, _ index: Int) -> String {
    if let fields = row.fields {
      return index < fields.count ? fields[index].trimmingSpaces : ""
    }
    guard index < row.ranges.count else { return "" }
    return String(decoding: text[row.ranges[index]], as: UTF8.self).trimmingSpaces
  }

  /// The row as it stands in the file, cut to 500 bytes.
  func raw(_ row: Row) -> String {
    if let fields = row.fields {
      return fields.joined(separator: String(Unicode.Scalar(delimiter)))
    }
    return String(decoding: text[row.start..<min(row.end, row.start + 500)], as: UTF8.self)
  }

  /// The 1-based character where field `index` starts.
  func position(_ row: Row, _ index: Int) -> Int {
    if let fields = row.fields { return fields.prefix(index).reduce(1) { $0 + $1.count + 1 } }
    guard index < row.ranges.count else { return 1 }
    return String(decoding: text[row.start..<row.ranges[index].lowerBound], as: UTF8.self).count + 1
  }

  /// Whether field `index` is blank or absent.
  func isBlank(_ row: Row, _ index: Int) -> Bool {
    if row.fields != nil { return string(row, index).isEmpty }
    guard index < row.ranges.count else { return true }
    return text[row.ranges[index]].allSatisfy { $0 == 0x20 || $0 == 0x09 }
  }

  /// A plain decimal (`-12.345`, at most 15 digits) read from the bytes;
  /// nil for anything else, which the caller reads as text.
  func plainNumber(_ row: Row, _ index: Int) -> Double? {
    guard row.fields == nil, index < row.ranges.count else { return nil }
    let range = row.ranges[index]
    var mantissa: UInt64 = 0
    var digits = 0
    var decimals = -1
    var negative = false
    for position in range {
      let byte = text[position]
      if byte &- 0x30 < 10 {
        mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
        digits += 1
        if decimals >= 0 { decimals += 1 }
      } else if byte == 0x2E && decimals < 0 {
        decimals = 0
      } else if byte == 0x2D && position == range.lowerBound {
        negative = true
      } else {
        return nil
      }
    }
    guard digits > 0, digits <= 15 else { return nil }
    let value = Double(mantissa) / PriceRows.powers[max(0, decimals)]
    return negative ? -value : value
  }

  private static let powers: [Double] = (0...15).map {
    (0..<$0).reduce(1.0) { value, _ in value * 10 }
  }

  /// A date read from the bytes when it is `YYYY-MM-DD`; nil otherwise,
  /// for the caller to read the text.
  func plainDay(_ row: Row, _ index: Int) -> Day? {
    guard row.fields == nil, index < row.ranges.count, row.ranges[index].count == 10 else {
      return nil
    }
    let b = row.ranges[index].lowerBound
    func digits(_ from: Int, _ count: Int) -> Int? {
      var value = 0
      for position in from..<from + count {
        let digit = text[position] &- 0x30
        guard digit < 10 else { return nil }
        value = value * 10 + Int(digit)
      }
      return value
    }
    guard text[b + 4] == 0x2D, text[b + 7] == 0x2D, let y = digits(b, 4), let m = digits(b + 5, 2),
      let d = digits(b + 8, 2)
    else { return nil }
    return Day(year: y, month: m, day: d)
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  var trimmingSpaces: String {
    guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }),
      let last = lastIndex(where: { $0 != " " && $0 != "\t" })
    else { return "" }
    return String(self[first...last])
  }
}

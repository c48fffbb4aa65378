import Foundation
import PolicyScoreCore

/// Turns records into holdings or rejects, one row at a time.
struct RowReader {
  let header: [String]
  let columns: [PortfolioColumn: Int]
  let knownSegments: Set<SegmentID>
  let file: String
  let strict: Bool
  /// The holdings as they are read; `finish` moves them into `holdings`.
  var collected = HoldingStore()
  /// Empty until `finish`.
  var holdings: [Holding] = []
  var rejects: [RejectedRow] = []
  var rowsRead = 0
  var anyPercent = false
  /// Raw text of accepted rows, for a reject found after the whole file is read.
  var rawByLine: [Int: String] = [:]
  /// What `finish` needs of each holding, gathered as the rows are read.
  var keys = HoldingKeys()
  /// The file's delimiter, to give a rejected row's text again.
  let separator: String
  /// Field index of each column by `PortfolioColumn.ordinal`; -1 when absent.
  let positions: [Int]
  /// The rarer fields of the row read last, which the next row shares when
  /// they are the same.
  var recentRare: Shared<Holding.Rare>?

  /// A problem with one cell: the column's header and the reason.
  struct CellError: Error {
    var column: PortfolioColumn
    var reason: String
  }

  init(
    header: [String],
    columns: [PortfolioColumn: Int],
    knownSegments: Set<SegmentID>,
    file: String,
    strict: Bool,
    separator: String
  ) {
    self.header = header
    self.columns = columns
    self.knownSegments = knownSegments
    self.file = file
    self.strict = strict
    self.separator = separator
    var positions = [Int](repeating: -1, count: PortfolioColumn.allCases.count)
    for (column, index) in columns { positions[column.ordinal] = index }
    self.positions = positions
  }

  /// A reader for another run of the same file's rows, with nothing read yet.
  func emptyCopy() -> RowReader {
    var copy = self
    copy.collected = HoldingStore()
    copy.holdings = []
    copy.rejects = []
    copy.rowsRead = 0
    copy.anyPercent = false
    copy.rawByLine = [:]
    copy.keys = HoldingKeys()
    return copy
  }

  /// Adds what `part`, a reader of the rows after these, has read, moving
  /// its holdings out of it.
  mutating func absorb(_ part: inout RowReader) {
    keys.append(part.keys, offset: collected.count)
    collected.append(moving: &part.collected)
    rejects += part.rejects
    rowsRead += part.rowsRead
    anyPercent = anyPercent || part.anyPercent
    rawByLine.merge(part.rawByLine) { first, _ in first }
  }

  /// The 1-based field of `column` in this file, or 0 when it has none.
  func field(of column: PortfolioColumn) -> Int {
    columns[column].map { $0 + 1 } ?? 0
  }

  /// The rejected row for `record`: `field` is 1-based, 0 for the whole row.
  func rejected(
    _ record: CSVScanner.Record,
    field: Int,
    reason: String,
    countsAgainstBudget: Bool = true
  ) -> RejectedRow {
    let raw = record.text(joinedBy: separator)
    return RejectedRow(
      line: record.line,
      field: field,
      position: Self.position(ofField: field, in: raw, separator: separator),
      column: field > 0 && field <= header.count ? header[field - 1] : "",
      reason: reason,
      raw: raw,
      countsAgainstBudget: countsAgainstBudget
    )
  }

  /// The 1-based character where field `field` starts in `raw`, counting
  /// separators outside quotes; 1 for field 0 or one past the end.
  static func position(ofField field: Int, in raw: String, separator: String) -> Int {
    guard field > 1, let delimiter = separator.first else { return 1 }
    var seen = 1
    var quoted = false
    for (offset, character) in raw.enumerated() {
      if character == "\"" { quoted.toggle() }
      if character == delimiter && !quoted {
        seen += 1
        if seen == field { return offset + 2 }
      }
    }
    return 1
  }

  /// Rejects `record`, or in strict mode stops the import with it.
  mutating func reject(
    _ record: CSVScanner.Record,
    field: Int,
    reason: String
  ) throws(PortfolioError) {
    let row = rejected(record, field: field, reason: reason)
    if strict { throw .rejected(file: file, row) }
    rejects.append(row)
  }

  mutating func read(_ record: CSVScanner.Record) throws(PortfolioError) {
    rowsRead += 1
    switch record.problem {
    case .unterminatedQuote(let field)?:
      try reject(
        record,
        field: field,
        reason:
          "a quoted field opens here and does not close on this line; the lines after it are read on their own"
      )
      return
    case .invalidText(let field)?:
      try reject(
        record,
        field: field,
        reason: "bytes that are not valid text in the file's encoding"
      )
      return
    case .tooLong(let limit)?:
      try reject(record, field: 0, reason: "row longer than \(limit) bytes; not read")
      return
    case .controlCharacter(let field, let character)?:
      try reject(
        record,
        field: field,
        reason: String(
          format: "a control character (U+%04X) in the text; remove it and read the file again",
          character
        )
      )
      return
    case nil: break
    }
    if let kind = Self.nonHolding(record, positions: positions) {
      rejects.append(
        rejected(
          record,
          field: 0,
          reason: "a \(kind) line, not a holding",
          countsAgainstBudget: false
        )
      )
      return
    }
    let extra = record.fields.dropFirst(header.count)
    if !extra.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
      try reject(
        record,
        field: header.count + 1,
        reason: "row has \(record.fields.count) fields but the header has \(header.count)"
      )
      return
    }
    do {
      let holding = try holding(from: record)
      if keys.add(holding, at: collected.count) {
        rawByLine[record.line] = record.text(joinedBy: separator)
      }
      collected.append(holding)
    } catch {
      try reject(record, field: field(of: error.column), reason: error.reason)
    }
  }

  func cell(_ column: PortfolioColumn, _ record: CSVScanner.Record) -> String {
    let index = positions[column.ordinal]
    guard index >= 0, index < record.fields.count else { return "" }
    return Self.trimmed(record.fields[index])
  }

  /// `text` without surrounding spaces, tabs, line breaks or ideographic
  /// spaces; no copy when there are none.
  static func trimmed(_ text: String) -> String {
    var text = text
    // Spaces, tabs, line breaks, U+3000 (E3 80 80) and U+00A0 (C2 A0), as bytes.
    let range = text.withUTF8 { bytes -> Range<Int>? in
      func spaceLength(at index: Int) -> Int {
        switch bytes[index] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0xA0: return 2
        case 0xE3
        where index + 2 < bytes.count && bytes[index + 1] == 0x80
          && bytes[index + 2] == 0x80:
          return 3
        default: return 0
        }
      }
      func spaceLength(before end: Int) -> Int {
        switch bytes[end - 1] {
        case 0x20, 0x09, 0x0A, 0x0D: return 1
        case 0xA0 where end >= 2 && bytes[end - 2] == 0xC2: return 2
        case 0x80 where end >= 3 && bytes[end - 3] == 0xE3 && bytes[end - 2] == 0x80: return 3
        default: return 0
        }
      }
      var start = 0
      var end = bytes.count
      while start < end {
        let length = spaceLength(at: start)
        if length == 0 { break }
        start += length
      }
      while end > start {
        let length = spaceLength(before: end)
        if length == 0 { break }
        end -= length
      }
      return start == 0 && end == bytes.count ? nil : start..<end
    }
    guard let range else { return text }
    // A copy of valid text cut at whole characters: not decoded again.
    let utf8 = text.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
    return String(text[start..<utf8.index(start, offsetBy: range.count)])
  }
}

import Foundation

/// A small CSV file read whole, such as a review file or a label set.
///
/// Any encoding the portfolio reader detects; the header row first.
package struct CSVTable {
  package var file: String
  package var header: [String]
  package var records: [CSVScanner.Record]

  package init(bytes: [UInt8], file: String) {
    self.file = file
    let decoder = TextDecoder()
    var scanner = CSVScanner(bytes: decoder.decode(bytes, isLast: true))
    var records: [CSVScanner.Record] = []
    while let record = scanner.next() {
      // Blank: every field white space (as trimming would leave it empty),
      // asked per scalar, which stops at a field's first letter.
      if record.fields.allSatisfy({
        $0.unicodeScalars.allSatisfy(CharacterSet.whitespaces.contains)
      }) {
        continue
      }
      records.append(record)
    }
    header =
      records.isEmpty
      ? [] : records.removeFirst().fields.map { HeaderName.fold($0) }
    self.records = records
  }

  /// The field index of `name`, or nil.
  package func column(_ name: String) -> Int? { header.firstIndex(of: HeaderName.fold(name)) }

  /// The cell of `record` in column `index`, trimmed, without the apostrophe
  /// that guards a formula character in a file PolicyScore wrote (see
  /// `CSVCell.plain`); "" when absent.
  package func cell(_ record: CSVScanner.Record, _ index: Int?) -> String {
    guard let index, index < record.fields.count else { return "" }
    let field = record.fields[index]
    // Most cells have nothing to trim: only those that do pay for it.
    guard let first = field.unicodeScalars.first, let last = field.unicodeScalars.last,
      Self.isWhitespace(first) || Self.isWhitespace(last)
    else { return CSVCell.plain(field) }
    return CSVCell.plain(field.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// Unicode's white space, decided without Unicode's tables for ASCII and
  /// for the scalars above U+3000, the last white space (Chinese text).
  static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20: true
    case 0..<0x80, 0x3001...: false
    default: scalar.properties.isWhitespace
    }
  }

  /// The cell exactly as written, but for that apostrophe; for text that
  /// must come back as it went out.
  package func exactCell(_ record: CSVScanner.Record, _ index: Int?) -> String {
    guard let index, index < record.fields.count else { return "" }
    return CSVCell.plain(record.fields[index])
  }

  /// Where column `index` of `record` is: its line, and the field number as
  /// the column.
  package func location(_ record: CSVScanner.Record, _ index: Int?) -> SourceLocation {
    SourceLocation(file: file, line: record.line, column: (index ?? 0) + 1)
  }
}

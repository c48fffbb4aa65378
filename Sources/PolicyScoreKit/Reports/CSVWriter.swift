import Foundation

/// A cell of a report: text is quoted as RFC 4180 needs and neutralised
/// against spreadsheet formulas; numbers are written plain.
public enum CSVCell: Sendable, Hashable {
  case text(String)
  case number(Double, decimals: Int)
  case integer(Int)
  case empty
}

/// Writes CSV that opens cleanly in Excel: UTF-8 with a byte-order mark (so
/// Chinese text displays), CRLF line ends, RFC 4180 quoting.
public enum CSVWriter {
  /// The file's bytes.
  public static func render(header: [String], rows: [[CSVCell]]) -> [UInt8] {
    var out: [UInt8] = [0xEF, 0xBB, 0xBF]
    out.reserveCapacity(64 * (rows.count + 1))
    appendRow(header.map { CSVCell.text($0) }, to: &out)
    for row in rows { appendRow(row, to: &out) }
    return out
  }

  private static func appendRow(_ row: [CSVCell], to out: inout [UInt8]) {
    for (index, cell) in row.enumerated() {
      if index > 0 { out.append(0x2C) }
      switch cell {
      case .text(let text): out += quoted(neutralised(text)).utf8
      case .number(let value, let decimals): out += fixed(value, decimals: decimals).utf8
      case .integer(let value): out += String(value).utf8
      case .empty: break
      }
    }
    out += [0x0D, 0x0A]
  }

  /// Text a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`,
  /// tab or CR) gets a leading apostrophe, which Excel shows as text.
  public static func neutralised(_ text: String) -> String {
    guard let first = text.unicodeScalars.first else { return text }
    switch first {
    case "=", "+", "-", "@", "\t", "\r": return "'" + text
    default: return text
    }
  }

  static func quoted(_ text: String) -> String {
    // Scalars, not Characters: "\r\n" is one Character and equals neither "\r" nor "\n".
    let needsQuotes =
      text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
      || text.hasPrefix(" ") || text.hasSuffix(" ")
    guard needsQuotes else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }
}

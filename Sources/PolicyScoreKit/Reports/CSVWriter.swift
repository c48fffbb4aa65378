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
    var builder = CSVBuilder(header: header, expectedRows: rows.count)
    for row in rows {
      for cell in row { builder.append(cell) }
      builder.endRow()
    }
    return builder.bytes
  }
}

/// A CSV file written cell by cell straight into bytes, with the rules of
/// `CSVWriter`; large reports use it (see `ReportFile.csv`) to avoid a cell
/// array per row.
public struct CSVBuilder: Sendable {
  public private(set) var bytes: [UInt8]
  private var atRowStart = true

  /// An empty file, with room for `capacity` bytes: no byte-order mark, no
  /// header.
  public init(capacity: Int = 0) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// Empties the file and keeps its memory for the next rows.
  mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
    atRowStart = true
  }

  /// A file with the byte-order mark and `header`, with room for about
  /// `expectedRows` rows.
  public init(header: [String], expectedRows: Int = 0) {
    bytes = [0xEF, 0xBB, 0xBF]
    bytes.reserveCapacity(96 * (expectedRows + 1))
    for name in header { text(name) }
    endRow()
  }

  public mutating func append(_ cell: CSVCell) {
    switch cell {
    case .text(let value): text(value)
    case .number(let value, let decimals): number(value, decimals: decimals)
    case .integer(let value): integer(value)
    case .empty: empty()
    }
  }

  private mutating func separate() {
    if atRowStart { atRowStart = false } else { bytes.append(0x2C) }
  }

  public mutating func empty() { separate() }

  /// Quoted when it holds a comma, quote, CR or LF, or starts or ends with a
  /// space; an apostrophe first when a spreadsheet would run it as a formula.
  public mutating func text(_ value: String) {
    separate()
    var value = value
    value.withUTF8 { utf8 in
      guard let first = utf8.first else { return }
      // "=", "+", "-", "@", tab, CR
      let formula =
        first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40
        || first == 0x09 || first == 0x0D
      let quote =
        first == 0x20 || utf8[utf8.count - 1] == 0x20
        || utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
      if quote { bytes.append(0x22) }
      if formula { bytes.append(0x27) }
      if quote {
        for byte in utf8 {
          if byte == 0x22 { bytes.append(0x22) }
          bytes.append(byte)
        }
        bytes.append(0x22)
      } else {
        bytes.append(contentsOf: utf8)
      }
    }
  }

  public mutating func integer(_ value: Int) {
    separate()
    appendDigits(value.magnitude, negative: value < 0, decimals: 0)
  }

  /// Exactly `decimals` decimals, rounded half away from zero, independent
  /// of locale (as `fixed`).
  public mutating func number(_ value: Double, decimals: Int) {
    precondition((0...12).contains(decimals), "decimals out of range")
    separate()
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e18 else {
      bytes += fixed(value, decimals: decimals).utf8
      return
    }
    appendDigits(UInt(scaled), negative: value < 0 && scaled > 0, decimals: decimals)
  }

  /// `magnitude` with a decimal point `decimals` digits from the right.
  private mutating func appendDigits(_ magnitude: UInt, negative: Bool, decimals: Int) {
    if negative { bytes.append(0x2D) }
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 24 digits, least significant first
    var count = 0
    var rest = magnitude
    withUnsafeMutableBytes(of: &digits) { buffer in
      repeat {
        buffer[count] = UInt8(rest % 10) + 0x30
        rest /= 10
        count += 1
      } while rest > 0 || count <= decimals
      for index in stride(from: count - 1, through: 0, by: -1) {
        if index == decimals - 1 { bytes.append(0x2E) }
        bytes.append(buffer[index])
      }
    }
  }

  public mutating func endRow() {
    bytes.append(0x0D)
    bytes.append(0x0A)
    atRowStart = true
  }
}

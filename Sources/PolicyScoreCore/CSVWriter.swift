import Foundation

/// A cell of a report: text is quoted as RFC 4180 needs and neutralised
/// against spreadsheet formulas; numbers are written plain.
public enum CSVCell: Sendable, Hashable {
  case text(String)
  case number(Double, decimals: Int)
  case integer(Int)
  case empty

  /// A text cell of a file PolicyScore wrote, as it was before writing: one
  /// apostrophe that `CSVBuilder` put before a formula character or an
  /// apostrophe is taken away.
  public static func plain(_ text: String) -> String {
    let utf8 = text.utf8
    guard utf8.count >= 2, utf8.first == 0x27,
      CSVBuilder.needsApostrophe(utf8[utf8.index(after: utf8.startIndex)])
    else { return text }
    return String(text.dropFirst())
  }
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
  /// The buffer of `text(building:)`.
  private var scratch: [UInt8] = []

  /// An empty file, with room for `capacity` bytes: no byte-order mark, no
  /// header.
  public init(capacity: Int = 0) {
    bytes = []
    bytes.reserveCapacity(capacity)
  }

  /// Empties the file and keeps its memory for the next rows.
  package mutating func removeAll() {
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
    var value = value
    value.withUTF8 { text(utf8: $0) }
  }

  /// A text cell that `build` writes as UTF-8 into a buffer reused from cell
  /// to cell, quoted as `text` quotes: long cells made of many parts need no
  /// string of their own.
  public mutating func text(building build: (inout [UInt8]) -> Void) {
    var cell = scratch
    scratch = []
    cell.removeAll(keepingCapacity: true)
    build(&cell)
    cell.withUnsafeBufferPointer { text(utf8: $0) }
    scratch = cell
  }

  /// Whether a cell that begins with `first` gets a leading apostrophe: a
  /// spreadsheet would run it as a formula ("=", "+", "-", "@", tab, CR), or
  /// it begins with an apostrophe itself, so that `CSVCell.plain` can take
  /// exactly one away when the file is read back.
  @inline(__always) static func needsApostrophe(_ first: UInt8) -> Bool {
    first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09
      || first == 0x0D || first == 0x27
  }

  /// `text` of UTF-8 read in place.
  public mutating func text(utf8: UnsafeBufferPointer<UInt8>) {
    separate()
    guard let first = utf8.first else { return }
    let (special, rewrite) = Self.scan(utf8)
    let quote = special || rewrite || first == 0x20 || utf8[utf8.count - 1] == 0x20
    if quote { bytes.append(0x22) }
    if Self.needsApostrophe(first) { bytes.append(0x27) }
    if rewrite {
      // Each quote doubled; a control character, which input never brings
      // but a rejected row's raw text may, shown as U+FFFD.
      for byte in utf8 {
        if byte == 0x22 {
          bytes.append(0x22)
          bytes.append(0x22)
        } else if byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D {
          bytes += [0xEF, 0xBF, 0xBD]
        } else {
          bytes.append(byte)
        }
      }
    } else {
      bytes.append(contentsOf: utf8)
    }
    if quote { bytes.append(0x22) }
  }

  /// Whether `utf8` holds a comma, CR or LF (`quote`), or a quote or a
  /// control character other than tab (`rewrite`).
  ///
  /// Eight bytes at a time up to the first that may be one of those: most
  /// cells hold none, and a report of a million rows has hundreds of
  /// megabytes of them.
  static func scan(_ utf8: UnsafeBufferPointer<UInt8>) -> (quote: Bool, rewrite: Bool) {
    var start = 0
    if let base = utf8.baseAddress {
      let ones: UInt64 = 0x0101_0101_0101_0101
      let highs: UInt64 = 0x8080_8080_8080_8080
      // A byte of `word` below `limit` (at most 0x80) sets its high bit.
      func below(_ word: UInt64, _ limit: UInt64) -> UInt64 {
        (word &- ones &* limit) & ~word & highs
      }
      while start + 8 <= utf8.count {
        let word = UnsafeRawPointer(base + start).loadUnaligned(as: UInt64.self)
        let hits =
          below(word ^ (ones &* 0x22), 1) | below(word ^ (ones &* 0x2C), 1)
          | below(word, 0x20)
        if hits != 0 { break }
        start += 8
      }
    }
    var quote = false
    var rewrite = false
    // Every byte that matters is at most ",".
    for byte in UnsafeBufferPointer(rebasing: utf8[start...]) where byte <= 0x2C {
      if byte == 0x22 {
        rewrite = true
      } else if byte == 0x2C || byte == 0x0A || byte == 0x0D {
        quote = true
      } else if byte < 0x20 && byte != 0x09 {
        rewrite = true
      }
    }
    return (quote, rewrite)
  }

  public mutating func integer(_ value: Int) {
    separate()
    NumberText.append(value, to: &bytes)
  }

  /// Exactly `decimals` decimals, rounded half away from zero, independent
  /// of locale (as `fixed`).
  public mutating func number(_ value: Double, decimals: Int) {
    separate()
    NumberText.append(value, decimals: decimals, to: &bytes)
  }

  public mutating func endRow() {
    bytes.append(0x0D)
    bytes.append(0x0A)
    atRowStart = true
  }
}

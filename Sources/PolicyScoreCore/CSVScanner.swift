import Foundation

/// A byte-level RFC 4180 reader: quoted fields with embedded delimiters,
/// quotes (`""`) and newlines; CRLF, LF and CR line ends; blank lines skipped.
///
/// It reads UTF-8 in chunks from a source, so memory stays bounded whatever
/// the file's size: a record longer than `maxRecordBytes` is returned as a
/// problem and the scanner resumes at the next line end.
///
/// A quoted field may hold line breaks, but a quote left open would swallow
/// the lines after it. So a quoted field that runs over a line end counts
/// only when it closes, is followed by a delimiter or a line end, and leaves
/// the record no longer than `expectedFields`. Otherwise the line where it
/// opens is returned alone as `unterminatedQuote`, and the lines after it are
/// read as records of their own.
public struct CSVScanner {
  /// One record, with the line it starts on and its raw text for reports.
  public struct Record: Sendable, Hashable {
    public var fields: [String]
    /// 1-based line of the record's first byte.
    public var line: Int
    /// The record as it stood in the file (without the line end), cut to 500
    /// bytes; kept for records with a problem, else empty (see `text(joinedBy:)`).
    public var raw: String
    public var problem: Problem?

    public init(fields: [String], line: Int, raw: String, problem: Problem? = nil) {
      self.fields = fields
      self.line = line
      self.raw = raw
      self.problem = problem
    }

    /// The raw text, or the fields joined again when it was not kept.
    public func text(joinedBy delimiter: String) -> String {
      raw.isEmpty ? fields.joined(separator: delimiter) : raw
    }
  }

  /// Why a record could not be read as it stands.
  public enum Problem: Sendable, Hashable, CustomStringConvertible {
    /// A quoted field that does not close on its line and cannot run on
    /// over the next ones: the record is its first line alone.
    case unterminatedQuote(field: Int)
    /// Bytes that are not valid text in field `field`.
    case invalidText(field: Int)
    /// The record is longer than the limit.
    case tooLong(limit: Int)
    /// A control character (not a tab or line break) in field `field`, such
    /// as a NUL, which would cut the text short in other programs.
    case controlCharacter(field: Int, character: UInt8)

    /// The problem in a user's words.
    public var description: String {
      switch self {
      case .unterminatedQuote(let field):
        return "a quoted field opens in field \(field) and does not close on its line"
      case .invalidText(let field):
        return "field \(field) holds bytes that are not valid text in the file's encoding"
      case .tooLong(let limit): return "the row is longer than \(limit) bytes"
      case .controlCharacter(let field, let character):
        return "field \(field) holds a control character (U+\(String(format: "%04X", character)))"
      }
    }
  }

  public internal(set) var delimiter: UInt8
  public let maxRecordBytes: Int
  /// The header's number of fields, once known; 0 for no limit.
  public var expectedFields = 0
  var bytes: [UInt8]
  var position = 0
  var line = 1
  var atEnd: Bool
  var source: (() -> [UInt8]?)?
  var delimiterFixed: Bool
  /// Whether decoding may have put U+FFFD in the text for invalid bytes;
  /// fields are then checked for it.
  public var replacementPossible: () -> Bool = { false }

  /// Where the next record starts: its byte in the buffer, and its line.
  ///
  /// For readers that go on by themselves after the header.
  package var resumePoint: (offset: Int, line: Int) { (position, line) }

  /// Scans a whole buffer.
  ///
  /// A leading byte-order mark is skipped; the
  /// delimiter is detected from the first line when nil.
  public init(bytes: [UInt8], delimiter: UInt8? = nil, maxRecordBytes: Int = 1 << 20) {
    self.bytes = bytes
    self.atEnd = true
    self.maxRecordBytes = maxRecordBytes
    self.delimiter = delimiter ?? 0x2C
    self.delimiterFixed = delimiter != nil
    skipByteOrderMark()
    if !delimiterFixed { self.delimiter = Self.detectDelimiter(self.bytes, from: position) }
  }

  /// Scans chunks of UTF-8 from `source` (nil when done).
  public init(
    source: @escaping () -> [UInt8]?,
    delimiter: UInt8? = nil,
    maxRecordBytes: Int = 1 << 20
  ) {
    self.bytes = []
    self.atEnd = false
    self.source = source
    self.maxRecordBytes = maxRecordBytes
    self.delimiter = delimiter ?? 0x2C
    self.delimiterFixed = delimiter != nil
    // Enough of the file to see its first line.
    while !atEnd && !bytes.contains(0x0A) && bytes.count < maxRecordBytes { refill() }
    skipByteOrderMark()
    if !delimiterFixed { self.delimiter = Self.detectDelimiter(bytes, from: position) }
  }

  mutating func skipByteOrderMark() {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  /// Drops what was read and appends the next chunk; false at the end.
  @discardableResult
  mutating func refill() -> Bool {
    guard !atEnd, let next = source?() else {
      atEnd = true
      return false
    }
    if position > 0 {
      bytes.removeFirst(position)
      position = 0
    }
    bytes += next
    return true
  }

  /// The delimiter among comma, semicolon, tab and pipe that occurs most
  /// often, outside quotes, on the first non-blank line; comma on a tie.
  static func detectDelimiter(_ bytes: [UInt8], from start: Int) -> UInt8 {
    let candidates: [UInt8] = [0x2C, 0x3B, 0x09, 0x7C]
    var counts = [Int](repeating: 0, count: candidates.count)
    var inQuotes = false
    var seenContent = false
    var index = start
    while index < bytes.count {
      let byte = bytes[index]
      index += 1
      if byte == 0x22 {
        inQuotes.toggle()
      } else if !inQuotes, byte == 0x0A || byte == 0x0D {
        if seenContent { break }
      } else if !inQuotes, let slot = candidates.firstIndex(of: byte) {
        counts[slot] += 1
        seenContent = true
      } else if byte != 0x20 {
        seenContent = true
      }
    }
    var best = 0
    for slot in counts.indices where counts[slot] > counts[best] { best = slot }
    return candidates[best]
  }

  enum Scan {
    case record(Record)
    case blank
    case incomplete
  }

  /// The next non-blank record, or nil at the end of the input.
  public mutating func next() -> Record? {
    while true {
      if position >= bytes.count {
        if atEnd || !refill() { return nil }
        continue
      }
      let start = (position, line)
      switch scanRecord() {
      case .record(var record):
        if position - start.0 > maxRecordBytes {
          // An unclosed quote swallowed the rest: read on after the limit.
          if case .unterminatedQuote = record.problem { return skipTooLong(from: start) }
          record.fields = []
          record.problem = .tooLong(limit: maxRecordBytes)
        }
        return record
      case .blank: continue
      case .incomplete:
        if bytes.count - start.0 > maxRecordBytes {
          if let record = openQuoteLine(from: start) { return record }
          return skipTooLong(from: start)
        }
        (position, line) = start
        if !refill() { atEnd = true }
      }
    }
  }

  /// A record that a quote left open has made over-long: its first line
  /// alone, when that line is within the limit and holds a quote; reading
  /// resumes after it.
  mutating func openQuoteLine(from start: (Int, Int)) -> Record? {
    let limit = min(bytes.count, start.0 + maxRecordBytes)
    guard let end = bytes[start.0..<limit].firstIndex(where: { $0 == 0x0A || $0 == 0x0D }),
      let quote = bytes[start.0..<end].firstIndex(of: 0x22)
    else { return nil }
    let field = bytes[start.0..<quote].filter { $0 == delimiter }.count + 1
    position = end + (bytes[end] == 0x0D && end + 1 < bytes.count && bytes[end + 1] == 0x0A ? 2 : 1)
    line = start.1 + 1
    return Record(
      fields: [],
      line: start.1,
      raw: String(decoding: bytes[start.0..<min(end, start.0 + 500)], as: UTF8.self),
      problem: .unterminatedQuote(field: field)
    )
  }

  /// Reports an over-long record and resumes after the next line end.
  mutating func skipTooLong(from start: (Int, Int)) -> Record {
    let raw = String(decoding: bytes[start.0..<min(bytes.count, start.0 + 500)], as: UTF8.self)
    position = start.0 + maxRecordBytes
    while true {
      if let end = bytes[position...].firstIndex(of: 0x0A) {
        position = end + 1
        break
      }
      position = bytes.count
      if !refill() { break }
    }
    line = start.1 + 1
    return Record(
      fields: [],
      line: start.1,
      raw: raw + "…",
      problem: .tooLong(limit: maxRecordBytes)
    )
  }

  /// Scans one record from `position`.
  mutating func scanRecord() -> Scan {
    let bytes = self.bytes
    // The last record's array, reused when the caller is done with it.
    var fields = spareFields
    spareFields = []
    fields.removeAll(keepingCapacity: true)
    let result = bytes.withUnsafeBufferPointer { buffer in
      Self.scan(
        buffer,
        from: position,
        line: line,
        delimiter: delimiter,
        atEnd: atEnd,
        checkReplacement: replacementPossible(),
        expectedFields: expectedFields,
        fields: &fields
      )
    }
    spareFields = fields
    if case .incomplete = result.scan { return .incomplete }
    position = result.position
    line = result.line
    return result.scan
  }

  var spareFields: [String] = []
}

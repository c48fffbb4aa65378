/// A byte-level RFC 4180 reader: quoted fields with embedded delimiters,
/// quotes (`""`) and newlines; CRLF, LF and CR line ends; blank lines skipped.
///
/// It works on UTF-8 bytes and never decodes a field it does not return, so
/// scanning costs one pass over the input.
public struct CSVScanner {
  /// One record, with the line it starts on and its raw text for reports.
  public struct Record: Sendable, Hashable {
    public var fields: [String]
    /// 1-based line of the record's first byte.
    public var line: Int
    /// The record as it stood in the file (without the line end).
    public var raw: String
    public var problem: Problem?
  }

  /// Why a record could not be read as it stands.
  public enum Problem: Sendable, Hashable {
    /// A quoted field that never closes: the rest of the file was swallowed.
    case unterminatedQuote(field: Int)
    /// Bytes that are not UTF-8 in field `field`.
    case invalidUTF8(field: Int)
  }

  public let delimiter: UInt8
  private let bytes: [UInt8]
  private var position: Int
  private var line = 1

  /// - Parameters:
  ///   - bytes: UTF-8 text; a leading byte-order mark is skipped.
  ///   - delimiter: the field separator; detected from the first line when nil.
  public init(bytes: [UInt8], delimiter: UInt8? = nil) {
    self.bytes = bytes
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    self.position = start
    self.delimiter = delimiter ?? CSVScanner.detectDelimiter(bytes, from: start)
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

  /// The next non-blank record, or nil at the end of the input.
  public mutating func next() -> Record? {
    while position < bytes.count {
      if let record = scanRecord() { return record }
    }
    return nil
  }

  /// Scans one line-record; nil for a blank line.
  private mutating func scanRecord() -> Record? {
    let startLine = line
    let start = position
    var fields: [String] = []
    var field: [UInt8] = []
    var inQuotes = false
    var quotedFieldStart = 0
    var problem: Problem?
    var end = position
    var endedLine = false

    func finishField() {
      if let text = String(validating: field, as: UTF8.self) {
        fields.append(text)
      } else {
        if problem == nil { problem = .invalidUTF8(field: fields.count + 1) }
        fields.append(String(decoding: field, as: UTF8.self))
      }
      field.removeAll(keepingCapacity: true)
    }

    scanning: while position < bytes.count {
      let byte = bytes[position]
      if inQuotes {
        position += 1
        if byte == 0x22 {
          if position < bytes.count && bytes[position] == 0x22 {
            field.append(0x22)
            position += 1
          } else {
            inQuotes = false
          }
        } else {
          if byte == 0x0A || (byte == 0x0D && (position >= bytes.count || bytes[position] != 0x0A))
          {
            line += 1
          }
          field.append(byte)
        }
        continue
      }
      switch byte {
      case 0x22 where field.isEmpty:
        inQuotes = true
        quotedFieldStart = fields.count + 1
        position += 1
      case delimiter:
        finishField()
        position += 1
      case 0x0D, 0x0A:
        end = position
        position += 1
        if byte == 0x0D && position < bytes.count && bytes[position] == 0x0A { position += 1 }
        line += 1
        endedLine = true
        break scanning
      default:
        field.append(byte)
        position += 1
      }
      end = position
    }
    if !endedLine { end = bytes.count }
    if inQuotes { problem = .unterminatedQuote(field: quotedFieldStart) }
    if fields.isEmpty && !inQuotes && field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
    finishField()
    let raw = String(decoding: bytes[start..<end], as: UTF8.self)
    return Record(fields: fields, line: startLine, raw: raw, problem: problem)
  }
}

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

  public private(set) var delimiter: UInt8
  public let maxRecordBytes: Int
  /// The header's number of fields, once known; 0 for no limit.
  public var expectedFields = 0
  private var bytes: [UInt8]
  private var position = 0
  private var line = 1
  private var atEnd: Bool
  private var source: (() -> [UInt8]?)?
  private var delimiterFixed: Bool
  /// Whether decoding may have put U+FFFD in the text for invalid bytes;
  /// fields are then checked for it.
  public var replacementPossible: () -> Bool = { false }

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

  private mutating func skipByteOrderMark() {
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
  }

  /// Drops what was read and appends the next chunk; false at the end.
  @discardableResult
  private mutating func refill() -> Bool {
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

  /// One scanner over a piece of the input.
  private init(piece: [UInt8], line: Int, of whole: CSVScanner) {
    self.bytes = piece
    self.atEnd = true
    self.line = line
    self.maxRecordBytes = whole.maxRecordBytes
    self.delimiter = whole.delimiter
    self.delimiterFixed = true
    let replacement = whole.replacementPossible()
    self.replacementPossible = { replacement }
  }

  /// The next run of whole records, at least `minimumBytes` of the input
  /// where there is that much, cut into up to `pieces` scanners of about
  /// equal size that give, one after the other, the records `next()` would.
  ///
  /// Nil at the end, and where the next record does not fit or is over the
  /// limit: `next()` then reads it as usual.
  public mutating func nextBlock(minimumBytes: Int, pieces: Int) -> [CSVScanner]? {
    while !atEnd && bytes.count - position < minimumBytes {
      if !refill() { break }
    }
    let cuts = bytes.withUnsafeBufferPointer { buffer in
      Self.cuts(
        buffer,
        from: position,
        line: line,
        delimiter: delimiter,
        atEnd: atEnd,
        pieces: pieces,
        maxRecordBytes: maxRecordBytes
      )
    }
    guard !cuts.isEmpty else { return nil }
    var scanners: [CSVScanner] = []
    for cut in cuts {
      scanners.append(CSVScanner(piece: Array(bytes[position..<cut.end]), line: line, of: self))
      (position, line) = cut
    }
    return scanners
  }

  /// Where to cut `buffer[start...]` into up to `pieces` runs of whole
  /// records of about equal size: each run's end, and the line after it.
  ///
  /// It reads quotes as `scan` does, so each cut falls where `scan` would
  /// start a record; it stops before a record it cannot finish or one over
  /// the limit. Empty when the first record is such a one.
  static func cuts(
    _ buffer: UnsafeBufferPointer<UInt8>,
    from start: Int,
    line startLine: Int,
    delimiter: UInt8,
    atEnd: Bool,
    pieces: Int,
    maxRecordBytes: Int
  ) -> [(end: Int, line: Int)] {
    let count = buffer.count
    let step = max(1, (count - start) / max(1, pieces))
    var cuts: [(end: Int, line: Int)] = []
    var last = (end: start, line: startLine)
    var index = start
    var line = startLine
    var fieldStart = true
    var finished = true
    let words = Words(buffer)
    scanning: while index < count {
      // Eight bytes at a time while none of them ends a line or quotes:
      // within them only a delimiter changes the state, and only the last
      // byte decides whether a field starts after them.
      while let word = words.word(at: index), !Words.endsLineOrQuotes(word) {
        fieldStart = UInt8(truncatingIfNeeded: word >> 56) == delimiter
        index += 8
      }
      guard index < count else { break }
      let byte = buffer[index]
      if fieldStart && byte == 0x22 {
        index += 1
        var closed = false
        while index < count {
          index = words.skip(from: index)
          guard index < count else { break }
          let inner = buffer[index]
          if inner == 0x22 {
            if index + 1 >= count { break }
            if buffer[index + 1] == 0x22 {
              index += 2
              continue
            }
            index += 1
            closed = true
            break
          }
          if inner == 0x0A || inner == 0x0D {
            // Left to `next()`, which decides whether the quote runs on.
            break
          }
          index += 1
        }
        if !closed {
          finished = false
          break scanning
        }
        fieldStart = false
        continue
      }
      index += 1
      if byte == delimiter {
        fieldStart = true
      } else if byte == 0x0A || byte == 0x0D {
        if byte == 0x0D {
          if index >= count {
            finished = false
            break scanning
          }
          if buffer[index] == 0x0A { index += 1 }
        }
        if index - last.end > maxRecordBytes {
          finished = false
          break scanning
        }
        line += 1
        last = (index, line)
        if last.end - (cuts.last?.end ?? start) >= step && cuts.count < pieces - 1 {
          cuts.append(last)
        }
        fieldStart = true
      } else {
        fieldStart = false
      }
    }
    // At the end of the input the last record needs no line end.
    if atEnd && finished && count > last.end && count - last.end <= maxRecordBytes {
      last = (count, line + 1)
    }
    if last.end > (cuts.last?.end ?? start) { cuts.append(last) }
    return cuts
  }

  private enum Scan {
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
  private mutating func openQuoteLine(from start: (Int, Int)) -> Record? {
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
  private mutating func skipTooLong(from start: (Int, Int)) -> Record {
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
  private mutating func scanRecord() -> Scan {
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

  private var spareFields: [String] = []

  private struct Scanned {
    var scan: Scan
    var position: Int
    var line: Int
  }

  /// Appends a field's text, noting the record's first invalid field.
  ///
  /// Decoding repairs invalid bytes, so it leaves the bytes as they were
  /// exactly when they are valid UTF-8. A function of its own, not a closure
  /// over `scan`'s variables: those were checked for exclusive access at
  /// run time, field by field.
  private static func appendField(
    _ field: UnsafeBufferPointer<UInt8>,
    to fields: inout [String],
    problem: inout Problem?,
    checkReplacement: Bool
  ) {
    var text = String(decoding: field, as: UTF8.self)
    let valid =
      text.utf8.count == field.count
      && text.withUTF8 { decoded in
        guard let a = decoded.baseAddress, let b = field.baseAddress else { return true }
        return memcmp(a, b, field.count) == 0
      }
    if problem == nil, !valid || (checkReplacement && text.unicodeScalars.contains("\u{FFFD}")) {
      problem = .invalidText(field: fields.count + 1)
    }
    if problem == nil, let control = controlCharacter(in: field) {
      problem = .controlCharacter(field: fields.count + 1, character: control)
    }
    fields.append(text)
  }

  /// The first byte of `field` below 0x20 other than a tab or line break, or
  /// DEL; eight bytes at a time where none is below 0x20.
  @inline(__always)
  private static func controlCharacter(in field: UnsafeBufferPointer<UInt8>) -> UInt8? {
    var index = 0
    let words = Words(field)
    while let word = words.word(at: index), !Words.hasControlByte(word) { index += 8 }
    while index < field.count {
      let byte = field[index]
      if (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F {
        return byte
      }
      index += 1
    }
    return nil
  }

  /// The scan itself, over the buffer without bounds checks or `self`.
  private static func scan(
    _ bytes: UnsafeBufferPointer<UInt8>,
    from start: Int,
    line startLine: Int,
    delimiter: UInt8,
    atEnd: Bool,
    checkReplacement: Bool,
    expectedFields: Int,
    fields: inout [String]
  ) -> Scanned {
    var problem: Problem?
    // The first line end inside a quoted field, the field, and whether the
    // quote then ran on as a quote may: closed, and followed by a delimiter
    // or a line end.
    var firstBreak: (at: Int, field: Int)?
    var ranOnCleanly = true
    var index = start
    let count = bytes.count
    var end = count
    var newlines = 0
    var complete = false
    let incomplete = Scanned(scan: .incomplete, position: start, line: startLine)

    fieldLoop: while index < count {
      if bytes[index] == 0x22 {
        // Quoted field.
        let quotedField = fields.count + 1
        let contentStart = index + 1
        index += 1
        var closed = false
        var escaped = false
        while index < count {
          let byte = bytes[index]
          if byte == 0x22 {
            if index + 1 < count && bytes[index + 1] == 0x22 {
              escaped = true
              index += 2
              continue
            }
            if index + 1 >= count && !atEnd { return incomplete }
            closed = true
            index += 1
            break
          }
          if byte == 0x0A || (byte == 0x0D && (index + 1 >= count || bytes[index + 1] != 0x0A)) {
            newlines += 1
          }
          if firstBreak == nil && (byte == 0x0A || byte == 0x0D) {
            firstBreak = (index, quotedField)
          }
          index += 1
        }
        let contentEnd = closed ? index - 1 : index
        if !closed {
          if !atEnd { return incomplete }
          problem = .unterminatedQuote(field: quotedField)
          end = count
          complete = true
        }
        if !closed && firstBreak?.field == quotedField { ranOnCleanly = false }
        // Anything between the closing quote and the delimiter is kept.
        let rest = index
        while closed && index < count && bytes[index] != delimiter && bytes[index] != 0x0A
          && bytes[index] != 0x0D
        {
          index += 1
        }
        if index != rest && firstBreak?.field == quotedField { ranOnCleanly = false }
        if !escaped && index == rest {
          appendField(
            UnsafeBufferPointer(rebasing: bytes[contentStart..<contentEnd]),
            to: &fields,
            problem: &problem,
            checkReplacement: checkReplacement
          )
        } else {
          // The content with `""` turned back into `"`, then the rest.
          var value: [UInt8] = []
          value.reserveCapacity(contentEnd - contentStart + index - rest)
          var position = contentStart
          while position < contentEnd {
            value.append(bytes[position])
            position += bytes[position] == 0x22 ? 2 : 1
          }
          value += bytes[rest..<index]
          value.withUnsafeBufferPointer {
            appendField($0, to: &fields, problem: &problem, checkReplacement: checkReplacement)
          }
        }
        if !closed { break fieldLoop }
      } else {
        let fieldStart = index
        while index < count {
          let byte = bytes[index]
          if byte == delimiter || byte == 0x0A || byte == 0x0D { break }
          index += 1
        }
        appendField(
          UnsafeBufferPointer(rebasing: bytes[fieldStart..<index]),
          to: &fields,
          problem: &problem,
          checkReplacement: checkReplacement
        )
      }
      guard index < count else {
        if !atEnd { return incomplete }
        end = count
        complete = true
        break
      }
      let byte = bytes[index]
      if byte == delimiter {
        index += 1
        if index >= count {
          if !atEnd { return incomplete }
          fields.append("")
          end = count
          complete = true
          break
        }
        continue
      }
      // Line end.
      end = index
      if byte == 0x0D {
        if index + 1 >= count && !atEnd { return incomplete }
        index += index + 1 < count && bytes[index + 1] == 0x0A ? 2 : 1
      } else {
        index += 1
      }
      complete = true
      break
    }
    if !complete { end = count }
    if let firstBreak,
      !ranOnCleanly || (expectedFields > 0 && fields.count > expectedFields)
    {
      // The quote does not run on: its line alone, then the next lines.
      let lineEnd = firstBreak.at
      let after =
        lineEnd
        + (bytes[lineEnd] == 0x0D && lineEnd + 1 < count && bytes[lineEnd + 1] == 0x0A ? 2 : 1)
      if bytes[lineEnd] == 0x0D && lineEnd + 1 >= count && !atEnd { return incomplete }
      return Scanned(
        scan: .record(
          Record(
            fields: [],
            line: startLine,
            raw: String(decoding: bytes[start..<min(lineEnd, start + 500)], as: UTF8.self),
            problem: .unterminatedQuote(field: firstBreak.field)
          )
        ),
        position: after,
        line: startLine + 1
      )
    }
    let next = Scanned(scan: .blank, position: index, line: startLine + newlines + 1)
    if fields.isEmpty { return next }
    if fields.count == 1 && problem == nil && bytes[start] != 0x22
      && fields[0].utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 })
    {
      return next
    }
    let raw =
      problem == nil ? "" : String(decoding: bytes[start..<min(end, start + 500)], as: UTF8.self)
    return Scanned(
      scan: .record(Record(fields: fields, line: startLine, raw: raw, problem: problem)),
      position: index,
      line: startLine + newlines + 1
    )
  }
}

/// Eight bytes of the input at a time, for `CSVScanner.cuts`: whether any of
/// them ends a line or is a quote, to skip the bytes where neither occurs.
struct Words {
  let buffer: UnsafeBufferPointer<UInt8>

  init(_ buffer: UnsafeBufferPointer<UInt8>) { self.buffer = buffer }

  /// The eight bytes from `index`, the first in the lowest byte; nil past the end.
  @inline(__always) func word(at index: Int) -> UInt64? {
    guard index + 8 <= buffer.count, let base = buffer.baseAddress else { return nil }
    return UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
  }

  /// Whether a byte of `word` is LF, CR or a quote.
  @inline(__always) static func endsLineOrQuotes(_ word: UInt64) -> Bool {
    has(word, 0x0A) || has(word, 0x0D) || has(word, 0x22)
  }

  /// Whether a byte of `word` is below 0x20 or is DEL.
  @inline(__always) static func hasControlByte(_ word: UInt64) -> Bool {
    (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0 || has(word, 0x7F)
  }

  /// Whether a byte of `word` is `byte`: a zero byte in their exclusive or.
  @inline(__always) private static func has(_ word: UInt64, _ byte: UInt8) -> Bool {
    let x = word ^ (UInt64(byte) &* 0x0101_0101_0101_0101)
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
  }

  /// The first index from `index` whose word may end a line or quote.
  ///
  /// The bytes before it do neither; it is at most the input's end.
  @inline(__always) func skip(from index: Int) -> Int {
    var index = index
    while let word = word(at: index), !Words.endsLineOrQuotes(word) { index += 8 }
    return index
  }
}

import Foundation

/// Scanning one record into its fields, over the buffer without bounds
/// checks.
extension CSVScanner {
  struct Scanned {
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
  static func appendField(
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
  static func controlCharacter(in field: UnsafeBufferPointer<UInt8>) -> UInt8? {
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
  static func scan(
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
    // Eight bytes at a time through a field's plain bytes.
    let words = Words(bytes)

    fieldLoop: while index < count {
      if bytes[index] == 0x22 {
        // Quoted field.
        let quotedField = fields.count + 1
        let contentStart = index + 1
        index += 1
        var closed = false
        var escaped = false
        while index < count {
          index = words.skip(from: index)
          guard index < count else { break }
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
        while let word = words.word(at: index), !Words.endsField(word, delimiter) { index += 8 }
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

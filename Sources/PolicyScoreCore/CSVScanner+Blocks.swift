/// Cutting the input into blocks of whole records that the cores parse side
/// by side, each giving the records `next()` would.
extension CSVScanner {
  /// One scanner over a piece of the input.
  init(piece: [UInt8], line: Int, of whole: CSVScanner) {
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
}

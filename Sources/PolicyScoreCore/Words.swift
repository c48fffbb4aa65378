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

  /// Whether a byte of `word` is `delimiter`, LF or CR.
  @inline(__always) static func endsField(_ word: UInt64, _ delimiter: UInt8) -> Bool {
    has(word, delimiter) || has(word, 0x0A) || has(word, 0x0D)
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

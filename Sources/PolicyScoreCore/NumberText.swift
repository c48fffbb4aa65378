import Foundation

/// Numbers as text, written as bytes, independent of locale.
package enum NumberText {
  /// Appends `value` rounded half away from zero to `decimals` decimals
  /// (0...12): exactly that many, or with trailing zeros (and a bare point)
  /// dropped when `trimmed`, and then never `-0`.
  package static func append(
    _ value: Double,
    decimals: Int,
    trimmed: Bool = false,
    to bytes: inout [UInt8]
  ) {
    precondition((0...12).contains(decimals), "decimals out of range")
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e18 else {
      // Beyond 64-bit integers: rare enough for the C library.
      bytes += String(format: "%.\(decimals)f", value).utf8
      return
    }
    var magnitude = UInt64(scaled)
    var shown = decimals
    if trimmed {
      while shown > 0 && magnitude % 10 == 0 {
        magnitude /= 10
        shown -= 1
      }
    }
    appendDigits(magnitude, decimals: shown, negative: value < 0 && magnitude > 0, to: &bytes)
  }

  package static func append(_ value: Int, to bytes: inout [UInt8]) {
    appendDigits(UInt64(value.magnitude), decimals: 0, negative: value < 0, to: &bytes)
  }

  /// `magnitude` with a decimal point `decimals` digits from the right.
  ///
  /// Written back to front into a buffer of its own and appended at once:
  /// the rankings write eight numbers a row, and appending byte by byte
  /// checked the array's room and owner at every digit.
  private static func appendDigits(
    _ magnitude: UInt64,
    decimals: Int,
    negative: Bool,
    to bytes: inout [UInt8]
  ) {
    // Up to 20 digits, a point and a sign.
    var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &text) { buffer in
      var start = buffer.count
      var rest = magnitude
      var written = 0
      repeat {
        if written == decimals && written > 0 {
          start -= 1
          buffer[start] = 0x2E  // .
        }
        start -= 1
        buffer[start] = UInt8(truncatingIfNeeded: rest % 10) &+ 0x30
        rest /= 10
        written += 1
      } while rest > 0 || written <= decimals
      if negative {
        start -= 1
        buffer[start] = 0x2D  // -
      }
      bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start...]))
    }
  }

  /// Appends `share` (0...1) as a whole percent: `0.255` → `26%`.
  package static func appendPercent(_ share: Double, to bytes: inout [UInt8]) {
    append(share * 100, decimals: 0, trimmed: true, to: &bytes)
    bytes.append(0x25)
  }

  package static func string(_ value: Double, decimals: Int, trimmed: Bool) -> String {
    var bytes: [UInt8] = []
    append(value, decimals: decimals, trimmed: trimmed, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }
}

/// `value` as a whole percent of `value` on 0...1: `0.255` → `26%`.
package func percent(_ value: Double) -> String {
  var bytes: [UInt8] = []
  NumberText.appendPercent(value, to: &bytes)
  return String(decoding: bytes, as: UTF8.self)
}

/// A number with at most `decimals` decimals and no trailing zeros.
package func format(_ value: Double, decimals: Int = 2) -> String {
  NumberText.string(value, decimals: decimals, trimmed: true)
}

/// A number with exactly `decimals` decimals, rounded half away from zero,
/// independent of locale.
package func fixed(_ value: Double, decimals: Int) -> String {
  NumberText.string(value, decimals: decimals, trimmed: false)
}

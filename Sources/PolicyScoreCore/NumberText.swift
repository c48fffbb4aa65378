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
  private static func appendDigits(
    _ magnitude: UInt64,
    decimals: Int,
    negative: Bool,
    to bytes: inout [UInt8]
  ) {
    if negative { bytes.append(0x2D) }
    // Up to 24 digits, least significant first.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    var rest = magnitude
    withUnsafeMutableBytes(of: &digits) { buffer in
      var count = 0
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

import Foundation

/// Reads the numbers analysts' exports contain: thousands separators, percent
/// signs, full-width digits, parentheses for negatives.
public enum ValueParser {
  public struct Number: Sendable, Hashable {
    public var value: Double
    public var isPercent: Bool
  }

  public enum Failure: Error, Sendable, Hashable {
    case notANumber
    case notFinite
  }

  /// Powers of ten that a Double holds exactly.
  private static let exactPowers: [Double] = (0...22).map { pow(10, Double($0)) }

  /// `text` read without `strtod`, when it is at most 15 digits and a point.
  ///
  /// The digits make an integer, divided once by an exact power of ten. Both
  /// are exact in a Double, so the one rounding gives the correctly rounded
  /// value that `Double(text)` gives. Nil for anything else.
  static func plainDecimal(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { bytes -> Double? in
      guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
      var mantissa: UInt64 = 0
      var point = -1
      for index in bytes.indices {
        let byte = bytes[index]
        if byte &- 0x30 < 10 {
          mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
        } else if byte == 0x2E && point < 0 {
          point = index
        } else {
          return nil
        }
      }
      let digits = point < 0 ? bytes.count : bytes.count - 1
      guard digits > 0, digits <= 15 else { return nil }
      return Double(mantissa) / exactPowers[point < 0 ? 0 : bytes.count - 1 - point]
    }
  }

  /// The number in `text`; nil for a blank cell or a dash.
  ///
  /// `万` and `亿`
  /// multiply by 10⁴ and 10⁸ (`1.2亿` is 120,000,000); `元` is ignored.
  public static func number(_ text: String) throws(Failure) -> Number? {
    if text.isEmpty { return nil }
    // Plain numbers (the usual case) need no cleaning.
    if let value = plainDecimal(text) { return Number(value: value, isPercent: false) }
    if text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }),
      let value = Double(text)
    {
      return Number(value: value, isPercent: false)
    }
    var cleaned = ""
    var isPercent = false
    var negative = false
    var multiplier = 1.0
    for scalar in text.unicodeScalars.map(\.narrowed) {
      switch scalar {
      case " ", "\u{3000}", "\t", ",", "_", "'", "¥", "$", "￥": continue
      case "%": isPercent = true
      case "(", ")": negative = true
      case "万": multiplier *= 10_000
      case "亿": multiplier *= 100_000_000
      case "元": continue
      default: cleaned.unicodeScalars.append(scalar)
      }
    }
    if cleaned.isEmpty && !isPercent { return nil }
    let lowered = cleaned.lowercased()
    if ["nan", "inf", "-inf", "+inf", "infinity", "-infinity", "#num!", "#div/0!"].contains(lowered)
    {
      throw .notFinite
    }
    if ["-", "—", "--", "n/a", "na", "null"].contains(lowered) { return nil }
    guard let parsed = Double(cleaned) else { throw .notANumber }
    let value = parsed * multiplier
    guard value.isFinite else { throw .notFinite }
    return Number(value: negative ? -abs(value) : value, isPercent: isPercent)
  }
}

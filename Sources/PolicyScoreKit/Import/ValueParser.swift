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

  /// The number in `text`; nil for a blank cell or a dash.
  ///
  /// `万` and `亿`
  /// multiply by 10⁴ and 10⁸ (`1.2亿` is 120,000,000); `元` is ignored.
  public static func number(_ text: String) throws(Failure) -> Number? {
    if text.isEmpty { return nil }
    // Plain numbers (the usual case) need no cleaning.
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

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

  /// The number in `text`; nil for a blank cell.
  public static func number(_ text: String) throws(Failure) -> Number? {
    var cleaned = ""
    var isPercent = false
    var negative = false
    for scalar in text.unicodeScalars.map(\.narrowed) {
      switch scalar {
      case " ", "\u{3000}", "\t", ",", "_", "'", "¥", "$", "￥": continue
      case "%": isPercent = true
      case "(", ")": negative = true
      default: cleaned.unicodeScalars.append(scalar)
      }
    }
    if cleaned.isEmpty && !isPercent { return nil }
    let lowered = cleaned.lowercased()
    if ["nan", "inf", "-inf", "+inf", "infinity", "-infinity"].contains(lowered) {
      throw .notFinite
    }
    guard let value = Double(cleaned) else { throw .notANumber }
    guard value.isFinite else { throw .notFinite }
    return Number(value: negative ? -abs(value) : value, isPercent: isPercent)
  }
}

import Foundation

/// A security identifier as the file wrote it and in one canonical form:
/// `600276.SH`, `300760.SZ`, `0700.HK`, `ISRG.US`, or the input upper-cased.
public struct Ticker: Sendable, Hashable {
  public var input: String
  public var canonical: String
  /// Exchange code: SH, SZ, BJ, HK, US, or a foreign suffix (DE, L, T…); nil when unknown.
  public var market: String?

  public init(_ text: String) {
    input = text
    let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
    (canonical, market) = Ticker.normalise(trimmed)
  }

  private static let usSuffixes: Set<String> = ["US", "O", "N", "OQ", "NQ", "A", "K", "P"]

  private static func normalise(_ text: String) -> (String, String?) {
    guard !text.isEmpty else { return ("", nil) }
    let isDigits = { (s: Substring) in !s.isEmpty && s.allSatisfy(\.isASCIIDigit) }
    // 600276.SH / 600276.SS / 600276 SH
    let parts = text.split(whereSeparator: { $0 == "." || $0 == " " || $0 == ":" })
    if parts.count == 2 {
      let (a, b) = (parts[0], parts[1])
      if isDigits(a), a.count == 6, let market = aShareMarket(String(b)) {
        return ("\(a).\(market)", market)
      }
      if isDigits(b), b.count == 6, let market = aShareMarket(String(a)) {
        return ("\(b).\(market)", market)
      }
      if isDigits(a), a.count <= 5, b == "HK" { return (hongKong(a), "HK") }
      if b == "HK" || a == "HK", let digits = [a, b].first(where: isDigits), digits.count <= 5 {
        return (hongKong(digits), "HK")
      }
      if !isDigits(a) {
        let suffix = String(b)
        if usSuffixes.contains(suffix) { return ("\(a).US", "US") }
        return ("\(a).\(suffix)", suffix)
      }
    }
    if parts.count == 1, let only = parts.first {
      // SH600276
      if only.count == 8, let market = aShareMarket(String(only.prefix(2))),
        isDigits(only.dropFirst(2))
      {
        return ("\(only.dropFirst(2)).\(market)", market)
      }
      if isDigits(only), only.count == 6 {
        let market: String
        switch only.first {
        case "6", "9": market = "SH"
        case "4", "8": market = "BJ"
        default: market = "SZ"
        }
        return ("\(only).\(market)", market)
      }
      if isDigits(only), only.count <= 5 { return (hongKong(only), "HK") }
      if only.allSatisfy({ $0.isLetter && $0.isASCII }) { return ("\(only).US", "US") }
    }
    return (text, nil)
  }

  private static func aShareMarket(_ code: String) -> String? {
    switch code {
    case "SH", "SS", "SSE", "XSHG": return "SH"
    case "SZ", "SZSE", "XSHE": return "SZ"
    case "BJ", "BSE": return "BJ"
    default: return nil
    }
  }

  private static func hongKong<S: StringProtocol>(_ digits: S) -> String {
    let trimmed = String(digits.drop { $0 == "0" })
    return String(repeating: "0", count: max(0, 4 - trimmed.count)) + trimmed + ".HK"
  }
}

extension Character {
  var isASCIIDigit: Bool { isASCII && isNumber }
}

import Foundation

/// A security identifier as the file wrote it and in one canonical form:
/// `600276.SH`, `300760.SZ`, `0700.HK`, `ISRG.US`, or the input upper-cased.
public struct Ticker: Sendable, Hashable {
  public var input: String
  public var canonical: String
  /// Exchange code: SH, SZ, BJ, HK, US, a foreign suffix (DE, L, T…), or
  /// for an ISIN its country (CN, US…); nil when unknown.
  public var market: String? {
    switch marketPlace {
    case .unknown: nil
    case .suffix(let length): String(canonical.suffix(Int(length)))
    case .isinCountry: String(canonical.prefix(2))
    }
  }
  /// Why the identifier cannot be right, such as an ISIN whose check digit fails.
  public var problem: String? {
    failsCheckDigit ? "ISIN '\(canonical)' fails its check digit" : nil
  }
  /// Where `market` is in `canonical`, which always holds it, and a failed
  /// check as a flag: not as text, since a million holdings carry a ticker
  /// each, and the holding's box is 16 bytes smaller this way.
  private var marketPlace: MarketPlace
  private var failsCheckDigit = false

  private enum MarketPlace: Hashable {
    case unknown
    /// The last `length` characters, after a dot: `600276.SH`.
    case suffix(UInt32)
    /// The first two letters of an ISIN.
    case isinCountry
  }

  public init(_ text: String) {
    input = text
    if let (canonical, market) = Ticker.fastPath(text) {
      self.canonical = canonical
      marketPlace = Ticker.place(of: market, in: canonical)
      return
    }
    var narrow = ""
    narrow.unicodeScalars.append(contentsOf: text.unicodeScalars.map(\.narrowed))
    let trimmed = narrow.trimmingCharacters(in: .whitespaces).uppercased()
    if Ticker.looksLikeISIN(trimmed) {
      canonical = trimmed
      marketPlace = .isinCountry
      if !Ticker.isValidISIN(trimmed) {
        failsCheckDigit = true
      }
      return
    }
    let (canonical, market) = Ticker.normalise(Ticker.droppingBloombergSuffix(trimmed))
    self.canonical = canonical
    marketPlace = Ticker.place(of: market, in: canonical)
  }

  /// Every form with a market ends with a dot and the market.
  private static func place(of market: String?, in canonical: String) -> MarketPlace {
    guard let market else { return .unknown }
    assert(canonical.hasSuffix("." + market), "\(canonical) does not end with .\(market)")
    return .suffix(UInt32(market.count))
  }

  /// `600276 CH EQUITY` → `600276 CH`; `2269 HK EQUITY` → `2269 HK`.
  static func droppingBloombergSuffix(_ text: String) -> String {
    var words = text.split(separator: " ")
    if words.count == 3, words[2] == "EQUITY" { words.removeLast() }
    if words.count == 2, ["CH", "C1", "C2", "CG", "CS"].contains(words[1]),
      words[0].count == 6, words[0].allSatisfy(\.isASCIIDigit)
    {
      return String(words[0])
    }
    return words.joined(separator: " ")
  }

  /// The common plain-ASCII forms without allocation-heavy parsing:
  /// `600276`, `600276.SH`, `0700.HK`, `700`, `ISRG`; nil for anything else.
  static func fastPath(_ text: String) -> (String, String?)? {
    var text = text
    // Digits and letters before the dot, and the dot's place.
    let shape = text.withUTF8 { bytes -> (digits: Int, letters: Int, dot: Int?, first: UInt8)? in
      guard let first = bytes.first, bytes.count <= 12 else { return nil }
      var digits = 0
      var letters = 0
      var dot: Int?
      for index in bytes.indices {
        switch bytes[index] {
        case 0x30...0x39: if dot == nil { digits += 1 } else { return nil }
        case 0x41...0x5A: if dot == nil { letters += 1 }
        case 0x2E: if dot == nil { dot = index } else { return nil }
        default: return nil
        }
      }
      return (digits, letters, dot, first)
    }
    guard let (digits, letters, dot, first) = shape else { return nil }
    if letters == 0, digits == 6, dot == nil {
      let market =
        first == 0x36 || first == 0x39 ? "SH" : first == 0x34 || first == 0x38 ? "BJ" : "SZ"
      return (text + "." + market, market)
    }
    // Hong Kong codes take the general path, which pads them.
    if letters == 0, digits >= 1, digits <= 5, dot == nil { return nil }
    if let dot, letters == 0, digits == 6, text.utf8.count == 9 {
      let suffix = String(text.suffix(2))
      guard dot == 6, ["SH", "SZ", "BJ"].contains(suffix) else { return nil }
      return (text, suffix)
    }
    if dot == nil, digits == 0, letters > 0 { return (text + ".US", "US") }
    // Letters and digits (an internal code, B000001) stay as they are; not
    // an ISIN (12 characters) nor a market and a code (SH600276).
    if dot == nil, letters > 0, digits > 0, text.utf8.count < 12,
      !(text.utf8.count == 8 && aShareMarket(String(text.prefix(2))) != nil)
    {
      return (text, nil)
    }
    return nil
  }

  /// Two letters, nine letters or digits, one digit.
  static func looksLikeISIN(_ text: String) -> Bool {
    let scalars = Array(text.unicodeScalars)
    guard scalars.count == 12 else { return false }
    func letter(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) }
    func digit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
    return letter(scalars[0]) && letter(scalars[1])
      && scalars[2..<11].allSatisfy { letter($0) || digit($0) }
      && digit(scalars[11]) && scalars[2..<11].contains(where: digit)
  }

  /// The ISIN check digit: letters become 10…35, then the Luhn sum.
  static func isValidISIN(_ text: String) -> Bool {
    var digits: [Int] = []
    for scalar in text.unicodeScalars {
      if ("0"..."9").contains(scalar) {
        digits.append(Int(scalar.value - 48))
      } else {
        let value = Int(scalar.value - 55)
        digits += [value / 10, value % 10]
      }
    }
    var sum = 0
    for (offset, digit) in digits.reversed().enumerated() {
      if offset % 2 == 1 {
        let doubled = digit * 2
        sum += doubled > 9 ? doubled - 9 : doubled
      } else {
        sum += digit
      }
    }
    return sum % 10 == 0
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
  package var isASCIIDigit: Bool { isASCII && isNumber }
}

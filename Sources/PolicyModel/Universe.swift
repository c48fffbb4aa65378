import Foundation
import PolicyScoreCore

/// Every listing a holding can be identified as, by ticker or by name.
///
/// Names are compared folded (`Universe.withKey(_:_:)`): width, case, spaces and
/// punctuation, the legal form (股份有限公司, Co., Ltd.), a risk or trading
/// mark (*ST, XD, N) and a listing mark (-B, -W, -SW) do not count. A name
/// that several companies share identifies none of them.
public struct Universe: Sendable {
  /// By canonical ticker.
  public private(set) var listings: [String: Listing] = [:]
  /// Folded names and the tickers each names, one per company, filed by
  /// the name's hash: a holding's name is looked up without making a
  /// string of it or comparing strings.
  private var byName: [UInt64: [Named]] = [:]
  /// Marks before a name, only when a Chinese character follows, as UTF-8,
  /// longest first.
  let namePrefixBytes: [[UInt8]]
  /// Marks and legal forms after a name, folded to UTF-8, longest first.
  let nameSuffixBytes: [[UInt8]]
  /// Whether a suffix ends in each byte: a name that ends otherwise has none
  /// to drop, and is not compared with each.
  private let suffixEnds: [Bool]

  public init(namePrefixes: [String], nameSuffixes: [String]) {
    namePrefixBytes = namePrefixes.map { Array($0.utf8) }.filter { !$0.isEmpty }
      .sorted { $0.count > $1.count }
    let suffixes = Set(nameSuffixes.map { Self.foldedBytes(Substring($0)) }).filter { !$0.isEmpty }
      .sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
    nameSuffixBytes = suffixes
    var ends = [Bool](repeating: false, count: 256)
    for suffix in suffixes { ends[Int(suffix[suffix.count - 1])] = true }
    suffixEnds = ends
  }

  public var count: Int { listings.count }

  /// Room for `more` listings and their names, so that the tables do not
  /// grow step by step while a listing file is read.
  private mutating func reserveCapacity(adding more: Int) {
    listings.reserveCapacity(listings.count + more)
    byName.reserveCapacity(byName.count + 2 * more)
  }

  /// A folded name and the tickers it names.
  private struct Named: Sendable {
    var key: [UInt8]
    var tickers: [String]
  }

  /// Adds `listing`; a ticker already present keeps its first listing.
  public mutating func add(_ listing: Listing) { add(listing, keys: keys(of: listing)) }

  /// Adds `listings` in order, as one by one, their names folded on every
  /// core first (a listing file has thousands).
  public mutating func add(contentsOf listings: [Listing]) {
    reserveCapacity(adding: listings.count)
    let universe = self
    let keys = Parallel.map(listings.count, minimum: 1024) { universe.keys(of: listings[$0]) }
    for (listing, keys) in zip(listings, keys) { add(listing, keys: keys) }
  }

  /// The folded keys of a listing's names.
  private func keys(of listing: Listing) -> [[UInt8]] {
    var keys: [[UInt8]] = []
    for name in [listing.nameZH, listing.nameEN, listing.fullNameZH] where !name.isEmpty {
      let key = withKey(name) { Array($0) }
      if !key.isEmpty { keys.append(key) }
    }
    return keys
  }

  private mutating func add(_ listing: Listing, keys: [[UInt8]]) {
    guard listings[listing.ticker] == nil else { return }
    listings[listing.ticker] = listing
    for key in keys {
      let hash = Self.hash(key)
      guard let place = byName[hash]?.firstIndex(where: { $0.key == key }) else {
        byName[hash, default: []].append(Named(key: key, tickers: [listing.ticker]))
        continue
      }
      // One entry per company: a second listing of a company already named
      // here adds nothing.
      let company = Set([listing.ticker] + listing.sameCompany)
      let tickers = byName[hash]?[place].tickers ?? []
      if !tickers.contains(where: {
        company.contains($0) || listings[$0]?.sameCompany.contains(listing.ticker) == true
      }) {
        byName[hash]?[place].tickers.append(listing.ticker)
      }
    }
  }

  public func listing(ticker: String) -> Listing? { listings[ticker] }

  /// The listings `name` names: one, several companies (ambiguous), or none.
  public func listings(named name: String) -> [Listing] {
    withKey(name) { key in
      guard let named = byName[Self.hash(key)]?.first(where: { $0.key.elementsEqual(key) }) else {
        return []
      }
      return named.tickers.compactMap { listings[$0] }
    }
  }

  /// `body` given `name` folded for comparison, as UTF-8 in scratch memory
  /// (every holding's name is folded to be looked up): `*ST
  /// 康美药业股份有限公司` → `康美药业`, `MicroPort Scientific Corporation` →
  /// `microportscientific`.
  func withKey<Result>(
    _ name: String,
    _ body: (UnsafeMutableBufferPointer<UInt8>.SubSequence) -> Result
  ) -> Result {
    var text = Substring(name).utf8.drop { $0 == 0x20 }
    // The marks begin with an ASCII letter or `*`; most names do not.
    let lead = text.first ?? 0
    var changed = lead == 0x2A || (lead >= 0x41 && lead <= 0x5A)
    while changed {
      changed = false
      for prefix in namePrefixBytes where text.starts(with: prefix) {
        let rest = text.dropFirst(prefix.count).drop { $0 == 0x20 }
        // A mark, not the start of an English name: a Chinese name follows
        // (U+3400, the first, is E3 90 80 in UTF-8).
        guard let next = rest.first,
          next > 0xE3 || (next == 0xE3 && rest.dropFirst().first ?? 0 >= 0x90)
        else { continue }
        text = rest
        changed = true
        break
      }
    }
    // The closure takes the two tables, not a copy of the universe.
    let (suffixes, suffixEnds) = (nameSuffixBytes, suffixEnds)
    return Self.withFoldedBytes(Substring(text)) { folded in
      var count = folded.count
      var dropping = count > 0 && suffixEnds[Int(folded[count - 1])]
      while dropping {
        dropping = false
        for suffix in suffixes
        where count > suffix.count && suffix.last == folded[count - 1]
          && folded[(count - suffix.count)..<count].elementsEqual(suffix)
        {
          count -= suffix.count
          dropping = true
          break
        }
      }
      return body(folded[..<count])
    }
  }

  /// FNV-1a: the names' keys are short, and a hash of their bytes spares a
  /// string per holding.
  static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
    bytes.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
  }

  /// Lower-cased half-width letters, digits and Chinese characters only.
  static func fold(_ text: String) -> String {
    String(decoding: foldedBytes(Substring(text)), as: UTF8.self)
  }

  /// `fold` as UTF-8: ASCII and full-width forms byte by byte, other
  /// scalars by their Unicode properties (Chinese characters are letters).
  static func foldedBytes(_ text: Substring) -> [UInt8] { withFoldedBytes(text) { Array($0) } }

  /// `body` given `text` folded, in scratch memory: every holding's name is
  /// folded to be looked up, and most names fit on the stack.
  ///
  /// The bytes are in Unicode's composed form (NFC), so that a name's
  /// canonically equivalent spellings (a compatibility ideograph and its
  /// unified one, a Hangul syllable and its letters) fold alike, as two
  /// equal strings would. ASCII and the unified ideographs are composed
  /// already; only names with other letters are normalised.
  static func withFoldedBytes<Result>(
    _ text: Substring,
    _ body: (UnsafeMutableBufferPointer<UInt8>.SubSequence) -> Result
  ) -> Result {
    // The scalars are decoded from the bytes in place: a name is short, and
    // stepping through a substring's scalars cost more than folding them.
    var text = text
    return text.withUTF8 { bytes in
      // Lower case is at most half as long again as upper case in UTF-8
      // ('İ', 2 bytes, is 'i̇', 3); the other forms only get shorter.
      withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * bytes.count) { out in
        var count = 0
        var composed = true
        func append(_ byte: UInt8) {
          precondition(count < out.count, "a folded name outgrew twice its length")
          out[count] = byte
          count += 1
        }
        var index = 0
        while index < bytes.count {
          let lead = bytes[index]
          var value = UInt32(lead)
          var length = 1
          if lead >= 0x80 {
            length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            value &= 0x7F >> length
            for next in 1..<length { value = value << 6 | UInt32(bytes[index + next] & 0x3F) }
          }
          index += length
          if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
          if value < 0x80 {
            let byte = UInt8(value)
            switch byte {
            case 0x30...0x39, 0x61...0x7A: append(byte)
            case 0x41...0x5A: append(byte | 0x20)
            default: break
            }
          } else if (0x3400...0x9FFF).contains(value) {
            // Three bytes in UTF-8, written without a String per character.
            append(0xE0 | UInt8(value >> 12))
            append(0x80 | UInt8((value >> 6) & 0x3F))
            append(0x80 | UInt8(value & 0x3F))
          } else if let scalar = Unicode.Scalar(value), scalar.properties.isAlphabetic {
            for byte in String(scalar).lowercased().utf8 { append(byte) }
            composed = false
          }
        }
        guard !composed else { return body(out[..<count]) }
        var normal = Array(
          String(decoding: out[..<count], as: UTF8.self).precomposedStringWithCanonicalMapping.utf8
        )
        return normal.withUnsafeMutableBufferPointer { body($0[...]) }
      }
    }
  }
}

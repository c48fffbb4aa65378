import PolicyModel
import PolicyScoreCore
import Synchronization

/// Why a segment was chosen, kept as its parts and written out only when a
/// report, the store or the terminal reads it.
///
/// A ranking never shows evidence, and writing the words and codes of every
/// segment of every holding into a string took about a sixth of the
/// mapper's time.
public struct Evidence: Sendable, Hashable, CustomStringConvertible {
  private enum Source: Sendable {
    case written(String)
    // Most evidence of a text or code mapping, kept in the segment itself:
    // an object of its own for each of a million holdings' segments was
    // about 80 bytes, a tenth of a run's memory, each written by the
    // kernel's zeroing and by the mapper in turn.
    case text(TermWords, PackedTerms, score: Double)
    case coded(TermWords, PackedTerms, codes: [IndustryCode])
    // A reference: a segment's evidence stays small, and reading it copies
    // no parts.
    case terms(Terms)
  }

  /// How a reading reads: what its text says.
  enum Reading: UInt8, Sendable {
    /// `text: '血液制品' (score 4, named first)`.
    case text
    /// `code shenwan:医疗设备; text chose: '直线加速器'`.
    case codeChose
    /// `text: '手术机器人', outside the segments of code …`.
    case outsideCodes
  }

  /// A text or code mapping's evidence: the words that chose the segment,
  /// as the lexicon's pattern numbers, with `identified` (how the holding
  /// was identified, ending with `; `) before and `note` (what the text's
  /// side clauses or unknown codes add, `; …`) after; either may be empty.
  static func reading(
    _ reading: Reading,
    terms: TermList,
    words: TermWords,
    identified: String,
    note: String,
    codes: CodeList = CodeList(listedAs: false, codes: []),
    score: Double = 0,
    isLead: Bool
  ) -> Evidence {
    guard identified.isEmpty, note.isEmpty,
      let packed = PackedTerms(terms, reading: reading, isLead: isLead, listedAs: codes.listedAs)
    else {
      let parts = Parts(reading: reading, terms: terms, codes: codes, score: score, isLead: isLead)
      return Evidence(
        source: .terms(Terms(parts, words: words, identified: identified, note: note))
      )
    }
    return Evidence(
      source: reading == .text
        ? .text(words, packed, score: score) : .coded(words, packed, codes: codes.codes)
    )
  }

  /// A reading's parts: what it writes between `identified` and `note`.
  struct Parts: Sendable {
    var reading: Reading
    var terms: TermList
    var codes: CodeList
    var score: Double
    var isLead: Bool

    func append(to bytes: inout [UInt8], words: TermWords) {
      switch reading {
      case .text:
        bytes += "text: ".utf8
        words.appendQuoted(terms, to: &bytes)
        bytes += " (score ".utf8
        NumberText.append(score, decimals: 2, trimmed: true, to: &bytes)
        if isLead { bytes += ", named first".utf8 }
        bytes.append(0x29)  // )
      case .codeChose:
        codes.append(to: &bytes)
        bytes += "; text chose: ".utf8
        words.appendQuoted(terms, to: &bytes)
        if isLead { bytes += " (named first)".utf8 }
      case .outsideCodes:
        bytes += "text: ".utf8
        words.appendQuoted(terms, to: &bytes)
        if isLead { bytes += " (named first)".utf8 }
        bytes += ", outside the segments of ".utf8
        codes.append(to: &bytes)
      }
    }
  }

  /// Up to three pattern numbers below 65,535 and a reading's flags in one
  /// word: the words of nearly every segment of every text.
  struct PackedTerms: Sendable {
    private let bits: UInt64

    /// Nil when `terms` are more than three, or a number does not fit.
    init?(_ terms: TermList, reading: Reading, isLead: Bool, listedAs: Bool) {
      guard terms.count <= 3 else { return nil }
      var bits = UInt64(terms.count) << 48 | UInt64(reading.rawValue) << 52
      if isLead { bits |= 1 << 56 }
      if listedAs { bits |= 1 << 57 }
      for (place, term) in terms.enumerated() {
        guard term < 0xFFFF else { return nil }
        bits |= UInt64(term) << (16 * UInt64(place))
      }
      self.bits = bits
    }

    /// The reading with `score` and `codes`.
    func parts(score: Double, codes: [IndustryCode]) -> Parts {
      var terms = TermList()
      for place in 0..<Int(bits >> 48 & 0xF) {
        terms.append(Int(bits >> (16 * UInt64(place)) & 0xFFFF))
      }
      return Parts(
        reading: Reading(rawValue: UInt8(bits >> 52 & 0xF)) ?? .text,
        terms: terms,
        codes: CodeList(listedAs: bits >> 57 & 1 != 0, codes: codes),
        score: score,
        isLead: bits >> 56 & 1 != 0
      )
    }
  }

  /// Evidence with what opens or closes its text, or more words than a
  /// packed word holds: rare, so kept in an object of its own.
  final class Terms: Sendable {
    let parts: Parts
    let words: TermWords
    let identified: String
    let note: String

    init(_ parts: Parts, words: TermWords, identified: String, note: String) {
      self.parts = parts
      self.words = words
      self.identified = identified
      self.note = note
    }

    func append(to bytes: inout [UInt8]) {
      bytes += identified.utf8
      parts.append(to: &bytes, words: words)
      bytes += note.utf8
    }
  }

  private let source: Source

  private init(source: Source) { self.source = source }

  public init(_ text: String) { source = .written(text) }

  /// The evidence as the reports write it.
  public var description: String {
    if case .written(let text) = source { return text }
    var bytes: [UInt8] = []
    append(to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends the evidence as UTF-8: a report's cell, written without a
  /// string of its own.
  public func append(to bytes: inout [UInt8]) {
    switch source {
    case .written(let text): bytes += text.utf8
    case .text(let words, let packed, let score):
      packed.parts(score: score, codes: []).append(to: &bytes, words: words)
    case .coded(let words, let packed, let codes):
      packed.parts(score: 0, codes: codes).append(to: &bytes, words: words)
    case .terms(let terms): terms.append(to: &bytes)
    }
  }

  public static func == (left: Evidence, right: Evidence) -> Bool {
    left.description == right.description
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// The lexicon's words by pattern number, for evidence to name them.
///
/// Each distinct lexicon's words are kept once for the life of the process,
/// and evidence refers to them without counting a reference: every segment
/// of every holding names them, on both cores, and counting took the shared
/// count's cache line from one core to the other (see `TypedID`). A process
/// loads few lexicons, so they are never freed.
struct TermWords: @unchecked Sendable {
  private final class Storage {
    let texts: [String]
    init(_ texts: [String]) { self.texts = texts }
  }

  private let storage: Unmanaged<Storage>

  private static let known = Mutex<[[String]: Unmanaged<Storage>]>([:])

  init(_ texts: [String]) {
    storage = Self.known.withLock { known in
      if let storage = known[texts] { return storage }
      let storage = Unmanaged.passRetained(Storage(texts))
      known[texts] = storage
      return storage
    }
  }

  /// `'化学发光', 'IVD'`, for a borderline or unmapped holding's reason.
  func quoted(_ terms: TermList) -> String {
    var bytes: [UInt8] = []
    appendQuoted(terms, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// `quoted` appended as UTF-8.
  func appendQuoted(_ terms: TermList, to bytes: inout [UInt8]) {
    storage._withUnsafeGuaranteedRef { storage in
      for (place, term) in terms.enumerated() {
        if place > 0 { bytes += ", ".utf8 }
        bytes.append(0x27)
        bytes += storage.texts[term].utf8
        bytes.append(0x27)
      }
    }
  }
}

/// The pattern numbers of the words that named a segment, in the order the
/// text names them.
///
/// As small as an array, with no memory of its own for up to four numbers
/// below 65,535 (nearly every segment of every text): the mapper makes one
/// for each segment a holding's text names.
struct TermList: RandomAccessCollection, Sendable {
  private var packed: UInt64 = 0
  /// All the numbers, once they no longer fit the packed word.
  private var spilled: [Int32] = []
  // Last, so that the evidence's one-byte fields fill the word it starts.
  private var packedCount: UInt8 = 0

  var startIndex: Int { 0 }
  var endIndex: Int { spilled.isEmpty ? Int(packedCount) : spilled.count }

  subscript(position: Int) -> Int {
    spilled.isEmpty ? Int(packed >> (16 * UInt64(position)) & 0xFFFF) : Int(spilled[position])
  }

  mutating func append(_ term: Int) {
    if spilled.isEmpty && packedCount < 4 && term < 0xFFFF {
      packed |= UInt64(term) << (16 * UInt64(packedCount))
      packedCount += 1
    } else {
      if spilled.isEmpty { spilled = map { Int32($0) } }
      spilled.append(Int32(term))
    }
  }
}

/// The industry codes a mapping went by, as evidence writes them:
/// `code gbt4754:3581 医疗仪器设备及器械制造, shenwan:医疗设备`.
struct CodeList: Sendable, CustomStringConvertible {
  /// Whether the codes are the holding's listing's, not its own.
  var listedAs: Bool
  var codes: [IndustryCode]

  var description: String {
    var bytes: [UInt8] = []
    append(to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The description's bytes, written without a string per code: every
  /// evidence text of a code mapping has them.
  func append(to bytes: inout [UInt8]) {
    bytes += (listedAs ? "listed as " : "code ").utf8
    for (position, code) in codes.enumerated() {
      if position > 0 { bytes += ", ".utf8 }
      bytes += code.scheme.utf8
      bytes.append(0x3A)  // :
      bytes += code.code.utf8
      if let name = code.name {
        bytes.append(0x20)
        bytes += name.utf8
      }
    }
  }
}

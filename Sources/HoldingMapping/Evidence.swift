import PolicyModel
import PolicyScoreCore

/// Why a segment was chosen, kept as its parts and written out only when a
/// report, the store or the terminal reads it.
///
/// A ranking never shows evidence, and writing the words and codes of every
/// segment of every holding into a string took about a sixth of the
/// mapper's time.
public struct Evidence: Sendable, Hashable, CustomStringConvertible {
  private enum Source: Sendable {
    case written(String)
    // A reference: a segment's evidence stays the size of a string, and
    // reading it copies no parts (nor counts a reference to the words,
    // which every evidence shares).
    case terms(Terms)
  }

  /// A text or code mapping's evidence: the words that chose the segment,
  /// as the lexicon's pattern numbers.
  ///
  /// As small as the string it stands for: the first four numbers packed
  /// into one word, the rest (rare) in an array.
  final class Terms: Sendable {
    enum Reading: UInt8, Sendable {
      /// `text: '血液制品' (score 4, named first)`.
      case text
      /// `code shenwan:医疗设备; text chose: '直线加速器'`.
      case codeChose
      /// `text: '手术机器人', outside the segments of code …`.
      case outsideCodes
    }

    let words: TermWords
    /// What opens and closes the text, nil when nothing does (most often).
    private let affixes: Affixes?
    /// The codes of a code reading; empty for a text one.
    private let codes: [IndustryCode]
    /// The text's score, for a text reading.
    let score: Double
    private let terms: TermList
    let reading: Reading
    let isLead: Bool
    private let listedAs: Bool

    private final class Affixes: Sendable {
      let identified: String
      let note: String

      init(identified: String, note: String) {
        self.identified = identified
        self.note = note
      }
    }

    /// `identified` is how the holding was identified (ending with `; `),
    /// `note` what the text's side clauses or unknown codes add (`; …`);
    /// either may be empty.
    init(
      _ reading: Reading,
      terms: TermList,
      words: TermWords,
      identified: String,
      note: String,
      codes: CodeList = CodeList(listedAs: false, codes: []),
      score: Double = 0,
      isLead: Bool
    ) {
      self.reading = reading
      self.words = words
      affixes =
        identified.isEmpty && note.isEmpty ? nil : Affixes(identified: identified, note: note)
      self.codes = codes.codes
      listedAs = codes.listedAs
      self.score = score
      self.isLead = isLead
      self.terms = terms
    }

    func append(to bytes: inout [UInt8]) {
      if let affixes { bytes += affixes.identified.utf8 }
      switch reading {
      case .text:
        bytes += "text: ".utf8
        appendQuoted(to: &bytes)
        bytes += " (score ".utf8
        NumberText.append(score, decimals: 2, trimmed: true, to: &bytes)
        if isLead { bytes += ", named first".utf8 }
        bytes.append(0x29)  // )
      case .codeChose:
        appendCodes(to: &bytes)
        bytes += "; text chose: ".utf8
        appendQuoted(to: &bytes)
        if isLead { bytes += " (named first)".utf8 }
      case .outsideCodes:
        bytes += "text: ".utf8
        appendQuoted(to: &bytes)
        if isLead { bytes += " (named first)".utf8 }
        bytes += ", outside the segments of ".utf8
        appendCodes(to: &bytes)
      }
      if let affixes { bytes += affixes.note.utf8 }
    }

    /// `'化学发光', 'IVD'`.
    private func appendQuoted(to bytes: inout [UInt8]) {
      for (place, term) in terms.enumerated() {
        if place > 0 { bytes += ", ".utf8 }
        bytes.append(0x27)
        bytes += words.texts[term].utf8
        bytes.append(0x27)
      }
    }

    private func appendCodes(to bytes: inout [UInt8]) {
      CodeList(listedAs: listedAs, codes: codes).append(to: &bytes)
    }
  }

  private let source: Source

  public init(_ text: String) { source = .written(text) }

  init(_ terms: Terms) { source = .terms(terms) }

  /// The evidence as the reports write it.
  public var description: String {
    switch source {
    case .written(let text): return text
    case .terms(let parts):
      var bytes: [UInt8] = []
      parts.append(to: &bytes)
      return String(decoding: bytes, as: UTF8.self)
    }
  }

  /// Appends the evidence as UTF-8: a report's cell, written without a
  /// string of its own.
  public func append(to bytes: inout [UInt8]) {
    switch source {
    case .written(let text): bytes += text.utf8
    case .terms(let parts): parts.append(to: &bytes)
    }
  }

  public static func == (left: Evidence, right: Evidence) -> Bool {
    left.description == right.description
  }

  public func hash(into hasher: inout Hasher) { hasher.combine(description) }
}

/// The lexicon's words by pattern number, for evidence to name them.
final class TermWords: Sendable {
  let texts: [String]

  init(_ texts: [String]) { self.texts = texts }

  /// `'化学发光', 'IVD'`, for a borderline or unmapped holding's reason.
  func quoted(_ terms: TermList) -> String {
    terms.map { "'\(texts[$0])'" }.joined(separator: ", ")
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

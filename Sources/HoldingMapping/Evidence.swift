import PolicyModel
import PolicyScoreCore

/// Why a segment was chosen, kept as its parts and written out only when a
/// report, the store or the terminal reads it.
///
/// A ranking never shows evidence, and writing the words and codes of every
/// segment of every holding into a string took about a tenth of the
/// mapper's time.
public struct Evidence: Sendable, Hashable, CustomStringConvertible {
  private enum Source: Sendable {
    case written(String)
    // Boxed: a segment's evidence stays the size of a string.
    indirect case terms(Terms)
  }

  /// A text or code mapping's evidence: the words that chose the segment,
  /// as the lexicon's pattern numbers.
  ///
  /// As small as the string it stands for: the first four numbers packed
  /// into one word, the rest (rare) in an array.
  struct Terms: Sendable {
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
    private let packed: UInt64
    private let more: [Int32]
    private let count: UInt8
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
      terms: [Int],
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
      if terms.count <= 4 && terms.allSatisfy({ $0 < 0xFFFF }) {
        packed = terms.enumerated().reduce(0) { $0 | UInt64($1.element) << (16 * $1.offset) }
        more = []
        count = UInt8(terms.count)
      } else {
        packed = 0
        more = terms.map { Int32($0) }
        count = 0
      }
    }

    /// The pattern numbers, in the order they were found.
    var terms: [Int] {
      more.isEmpty
        ? (0..<Int(count)).map { Int(packed >> (16 * UInt64($0)) & 0xFFFF) }
        : more.map { Int($0) }
    }

    var text: String {
      let quoted = words.quoted(terms)
      let lead = isLead ? " (named first)" : ""
      let codes = CodeList(listedAs: listedAs, codes: codes)
      let (identified, note) = (affixes?.identified ?? "", affixes?.note ?? "")
      return switch reading {
      case .text:
        "\(identified)text: \(quoted) (score \(format(score))\(isLead ? ", named first" : ""))\(note)"
      case .codeChose: "\(identified)\(codes); text chose: \(quoted)\(lead)\(note)"
      case .outsideCodes:
        "\(identified)text: \(quoted)\(lead), outside the segments of \(codes)\(note)"
      }
    }
  }

  private let source: Source

  public init(_ text: String) { source = .written(text) }

  init(_ terms: Terms) { source = .terms(terms) }

  /// The evidence as the reports write it.
  public var description: String {
    switch source {
    case .written(let text): text
    case .terms(let parts): parts.text
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

  /// `'化学发光', 'IVD'`.
  func quoted(_ terms: [Int]) -> String {
    terms.map { "'\(texts[$0])'" }.joined(separator: ", ")
  }
}

/// The industry codes a mapping went by, as evidence writes them:
/// `code gbt4754:3581 医疗仪器设备及器械制造, shenwan:医疗设备`.
struct CodeList: Sendable, CustomStringConvertible {
  /// Whether the codes are the holding's listing's, not its own.
  var listedAs: Bool
  var codes: [IndustryCode]

  var description: String {
    (listedAs ? "listed as " : "code ")
      + codes.map { "\($0.key)" + ($0.name.map { " \($0)" } ?? "") }.joined(separator: ", ")
  }
}

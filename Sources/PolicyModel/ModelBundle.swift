public import Foundation
public import PolicyScoreCore

/// The whole assumption set of a run: every file of `Models/`, validated.
public struct ModelBundle: Sendable {
  public var directory: String
  public var sources: [SourceID: SourceDocument]
  /// Segments by id; `segmentIDs` gives the stable order.
  public var segments: [SegmentID: Segment]
  public var segmentIDs: [SegmentID]
  /// Catalogues by edition ("2024", "2019").
  public var catalogs: [String: Catalog]
  public var instruments: [SupportInstrument]
  public var levels: [LevelID: SubstitutionLevel]
  public var profiles: [SegmentID: SubstitutionProfile]
  public var schemes: [IndustryCodeScheme]
  /// Codes by `scheme:code`.
  public var codes: [String: IndustryCode]
  /// Registered companies by canonical ticker; a company listed in several
  /// places appears under each of its tickers.
  public var registry: [String: RegisteredCompany]
  /// Every listing a holding can be identified as.
  public var universe: Universe
  public var lexicon: Lexicon
  public var mentions: [StrategicMention]
  public var parameters: ModelParameters
  /// SHA-256 over every model file's name and bytes, in name order.
  public var contentHash: String
  /// How many facts the model rests on, by what they are about and grade.
  public var factCounts: [FactKind: [Grade: Int]]

  /// How many facts of every kind have `grade`.
  public func factCount(_ grade: Grade) -> Int {
    factCounts.values.reduce(0) { $0 + $1[grade, default: 0] }
  }
  /// Warnings found while loading (errors make loading fail).
  public var warnings: [Diagnostic]

  /// Loads and validates the model in `directory`.
  ///
  /// - Throws: `ModelError.invalid` with every problem found, each located.
  public init(contentsOf directory: URL) throws(ModelError) {
    self = try ModelLoader(directory: directory).load()
  }

  init(
    directory: String,
    sources: [SourceID: SourceDocument],
    segments: [SegmentID: Segment],
    catalogs: [String: Catalog],
    instruments: [SupportInstrument],
    levels: [LevelID: SubstitutionLevel],
    profiles: [SegmentID: SubstitutionProfile],
    schemes: [IndustryCodeScheme],
    codes: [String: IndustryCode],
    registry: [String: RegisteredCompany],
    universe: Universe,
    lexicon: Lexicon,
    mentions: [StrategicMention],
    parameters: ModelParameters,
    contentHash: String,
    factCounts: [FactKind: [Grade: Int]],
    warnings: [Diagnostic]
  ) {
    self.directory = directory
    self.sources = sources
    self.segments = segments
    self.segmentIDs = segments.keys.sorted()
    self.catalogs = catalogs
    self.instruments = instruments
    self.levels = levels
    self.profiles = profiles
    self.schemes = schemes
    self.codes = codes
    self.registry = registry
    self.universe = universe
    self.lexicon = lexicon
    self.mentions = mentions
    self.parameters = parameters
    self.contentHash = contentHash
    self.factCounts = factCounts
    self.warnings = warnings
  }

  /// The catalogue of `edition`, or nil.
  public func catalog(edition: String) -> Catalog? { catalogs[edition] }

  /// Editions, newest first.
  public var editions: [String] { catalogs.keys.sorted(by: >) }

  /// Finds segments whose id, names or keywords match `text`, word by word.
  ///
  /// Each word of `text` (case-insensitive) must be in one of the segment's
  /// texts, or, for a Chinese word, have its characters in order in one:
  /// 独立实验室 finds 独立医学实验室.
  public func searchSegments(_ text: String) -> [SegmentID] {
    let words = text.lowercased().split(whereSeparator: \.isWhitespace).map(String.init)
    guard !words.isEmpty else { return [] }
    func isSubsequence(_ word: String, of text: String) -> Bool {
      var remaining = word[...]
      for character in text where character == remaining.first {
        remaining = remaining.dropFirst()
        if remaining.isEmpty { return true }
      }
      return remaining.isEmpty
    }
    return segmentIDs.filter { id in
      guard let segment = segments[id] else { return false }
      let terms = lexicon.entries[id]?.terms.map(\.text) ?? []
      let texts = ([id.rawValue, segment.nameZH, segment.nameEN] + terms).map { $0.lowercased() }
      return words.allSatisfy { word in
        let chinese = word.unicodeScalars.contains { $0.value >= 0x3400 }
        return texts.contains { $0.contains(word) || (chinese && isSubsequence(word, of: $0)) }
      }
    }
  }
}

public import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PortfolioImport

/// One holding scored: its factors, composite, tier, exclusion and the
/// explanation of every number.
public struct Score: Sendable {
  /// What a score is made of, shared by its copies: ranking, grouping and
  /// comparing copy scores many times, and a copy costs one reference count.
  @usableFromInline struct Parts: Sendable {
    @usableFromInline let holding: Holding
    @usableFromInline let mapping: Mapping
    @usableFromInline let profile: Profile
  }

  /// A score's numbers and their bases: the same for every holding of the
  /// same segment mix, origin and China share.
  @usableFromInline struct Numbers: Sendable {
    @usableFromInline let origin: Origin
    @usableFromInline let originBasis: String
    @usableFromInline let chinaShare: Double
    @usableFromInline let chinaShareBasis: String
    /// Where a foreign company's China-made status came from ("file",
    /// "registry"); nil when D treats it as foreign.
    @usableFromInline let madeInChinaBasis: String?
    @usableFromInline let factors: FactorScores
    @usableFromInline let composite: Double
    @usableFromInline let grounding: Grounding
    @usableFromInline let tier: String
    @usableFromInline let isExcluded: Bool
    @usableFromInline let touchesRestricted: Bool

    /// A hash of the numbers that tell most profiles apart, without the
    /// strings' bytes.
    var quickHash: UInt64 {
      var hash = composite.bitPattern &* 0x9E37_79B9_7F4A_7C15
      hash ^= chinaShare.bitPattern &+ (factors.e.bitPattern >> 7)
      hash ^= grounding.total.bitPattern >> 13
      return hash &* 0xBF58_476D_1CE4_E5B9
    }
  }

  /// Numbers shared by the scores that have them, which a large portfolio's
  /// holdings repeat: each score's own box keeps only its holding, its
  /// mapping and this (about 150 bytes less a score).
  @usableFromInline final class Profile: Sendable {
    @usableFromInline let numbers: Numbers
    package let explainer: Explainer

    init(_ numbers: Numbers, explainer: Explainer) {
      self.numbers = numbers
      self.explainer = explainer
    }

    /// Whether these are `other`'s numbers, read in place: the numbers
    /// first, where profiles in one slot of the table mostly differ, bit
    /// for bit, so that a score keeps exactly what its holding gave (a
    /// composite of -0.0 keeps its sign).
    func holds(_ other: Numbers) -> Bool {
      func same(_ mine: Double, _ theirs: Double) -> Bool { mine.bitPattern == theirs.bitPattern }
      let (mine, theirs) = (numbers.factors, other.factors)
      return same(numbers.composite, other.composite) && same(numbers.chinaShare, other.chinaShare)
        && same(mine.e, theirs.e) && same(mine.f, theirs.f) && same(mine.d, theirs.d)
        && same(numbers.grounding.total, other.grounding.total)
        && same(numbers.grounding.unsure, other.grounding.unsure)
        && numbers.origin == other.origin && numbers.isExcluded == other.isExcluded
        && numbers.touchesRestricted == other.touchesRestricted && numbers.tier == other.tier
        && numbers.originBasis == other.originBasis
        && numbers.chinaShareBasis == other.chinaShareBasis
        && numbers.madeInChinaBasis == other.madeInChinaBasis
    }
  }

  /// The profiles one core has made, the latest in each slot of a table
  /// indexed by their numbers' hash.
  package struct Profiles {
    private var slots: [Profile?]

    /// `slots`: a power of two, or 0 to share none.
    package init(slots: Int = 1 << 14) {
      self.slots = [Profile?](repeating: nil, count: slots)
    }

    mutating func profile(_ numbers: Numbers, explainer: Explainer) -> Profile {
      guard !slots.isEmpty else { return Profile(numbers, explainer: explainer) }
      let slot = Int(truncatingIfNeeded: numbers.quickHash >> 32) & (slots.count - 1)
      if let known = slots[slot], known.explainer === explainer, known.holds(numbers) {
        return known
      }
      let made = Profile(numbers, explainer: explainer)
      slots[slot] = made
      return made
    }
  }

  // Inlinable getters: comparisons and reports, in later targets, read them
  // per holding and scenario.
  @usableFromInline let parts: Shared<Parts>

  init(_ parts: Parts) { self.parts = Shared(parts) }

  /// Starts loading the score's parts, for a pass that reads scores out of
  /// memory order (the rankings and the explanations, in rank order);
  /// `prefetchHoldingAndMix()`, some rows later, when the parts have come,
  /// its holding's fields and its mapping's segments.
  @inlinable package func prefetchParts() { Prefetch.object(parts) }

  @inlinable package func prefetchHoldingAndMix() {
    parts.value.holding.prefetch()
    parts.value.mapping.segments.withUnsafeBufferPointer { Prefetch.address($0.baseAddress) }
  }

  @inlinable public var holding: Holding { parts.value.holding }
  @inlinable public var mapping: Mapping { parts.value.mapping }
  @inlinable public var origin: Origin { parts.value.profile.numbers.origin }
  /// Where the origin came from: "file", "market SH", or "model default".
  @inlinable public var originBasis: String { parts.value.profile.numbers.originBasis }
  /// China revenue share on 0...1.
  @inlinable public var chinaShare: Double { parts.value.profile.numbers.chinaShare }
  @inlinable public var chinaShareBasis: String { parts.value.profile.numbers.chinaShareBasis }
  /// Set when a foreign company makes in China: D is then a domestic
  /// company's, as government procurement counts its products as domestic.
  @inlinable public var madeInChinaBasis: String? { parts.value.profile.numbers.madeInChinaBasis }
  @inlinable public var factors: FactorScores { parts.value.profile.numbers.factors }
  @inlinable public var composite: Double { parts.value.profile.numbers.composite }
  /// The composite's distance from neutral, in points, and how much of it
  /// rests on recalled or assumed facts.
  @inlinable public var grounding: Grounding { parts.value.profile.numbers.grounding }
  @inlinable public var tier: String { parts.value.profile.numbers.tier }
  /// The holding has eliminated activity; excluded whatever its number.
  @inlinable public var isExcluded: Bool { parts.value.profile.numbers.isExcluded }
  /// Whether a segment of its mix is restricted or eliminated, whatever its
  /// share.
  @inlinable public var touchesRestricted: Bool { parts.value.profile.numbers.touchesRestricted }
  /// 1-based rank within its portfolio.
  public var rank: Int = 0
  /// Builds the explanation on demand: most scores of a what-if run are
  /// compared, never shown.
  package var explainer: Explainer { parts.value.profile.explainer }

  /// Every number of the score in words: each segment's factors with what
  /// moved them, then the holding's exposure.
  public var explanation: String {
    var text: [UInt8] = []
    explainer.explain(self, into: &text)
    return String(decoding: text, as: UTF8.self)
  }

  /// The segment with the largest share.
  public var primarySegment: SegmentID? { mapping.segments.first?.segment }
}

extension ScoringModel {
  /// Scores `holding` as mapped by `mapping`.
  ///
  /// Each factor is the share-weighted mean of the segments' factors, each
  /// keeping only the China revenue share of its distance from 50.
  public func score(_ holding: Holding, mapping: Mapping) -> Score {
    var alone = Score.Profiles(slots: 0)
    return score(holding, mapping: mapping, profiles: &alone)
  }

  /// `score(_:mapping:)`, sharing the numbers of the scores one core has
  /// made.
  package func score(
    _ holding: Holding,
    mapping: Mapping,
    profiles: inout Score.Profiles
  ) -> Score {
    let ticker = holding.ticker
    let assumption = companies.isEmpty ? nil : companies[ticker.canonical]
    let origin: Origin
    let originBasis: String
    if let assumed = assumption?.origin {
      (origin, originBasis) = (assumed, "scenario")
    } else if let given = holding.origin {
      (origin, originBasis) = (given, "file")
    } else if let market = ticker.market, let byMarket = originByMarket[market] {
      (origin, originBasis) = byMarket
    } else {
      (origin, originBasis) = (defaultOrigin, "model default")
    }
    let chinaShare =
      assumption?.chinaShare ?? holding.chinaShare
      ?? (origin == .domestic ? defaultChinaShare.domestic : defaultChinaShare.foreign) ?? 1
    let chinaShareBasis =
      assumption?.chinaShare != nil
      ? "scenario" : holding.chinaShare == nil ? origin.defaultShareBasis : "file"
    let assumed = assumption == nil ? [] : assumedInstruments[ticker.canonical] ?? []
    var madeInChinaBasis: String?
    if origin == .foreign {
      if let made = holding.madeInChina {
        madeInChinaBasis = made ? "file" : nil
      } else if model.registry[ticker.canonical]?.madeInChina == true {
        madeInChinaBasis = "registry"
      }
    }
    var factors = FactorScores(e: 0, f: 0, d: 0)
    var grounding = Grounding()
    var excluded = false
    var touchesRestricted = false
    // Each segment read in place: a copy counts a reference on its evidence.
    let segments = mapping.segments
    for position in segments.indices {
      guard let segment = segmentFactors[segments[position]] else { continue }
      let (id, share) = (segments[position].segment, segments[position].share)
      if segment.restricted || segment.eliminated { touchesRestricted = true }
      var segmentFactors = origin == .domestic ? segment.domestic : segment.foreign
      if madeInChinaBasis != nil { segmentFactors.d = segment.domestic.d }
      var segmentGrounding =
        origin == .domestic ? segment.domesticGrounding : segment.foreignGrounding
      if !assumed.isEmpty, let segmentScore = segmentScores[id] {
        let support = segmentScore.financialSupport(for: origin, adding: assumed)
        segmentFactors.f = support.value
        segmentGrounding = segmentScore.grounding(
          for: origin,
          categoryValue: model.parameters.categoryValues[segmentScore.category] ?? 50,
          weights: weights,
          financial: support
        )
      }
      let exposed = segmentFactors.exposed(chinaShare)
      factors.e += share * exposed.e
      factors.f += share * exposed.f
      factors.d += share * exposed.d
      grounding.formSum(segmentGrounding.scaled(share * chinaShare))
      if segment.eliminated && share > 0 { excluded = true }
    }
    let composite = factors.composite(weights)
    let numbers = Score.Numbers(
      origin: origin,
      originBasis: originBasis,
      chinaShare: chinaShare,
      chinaShareBasis: chinaShareBasis,
      madeInChinaBasis: madeInChinaBasis,
      factors: factors,
      composite: composite,
      grounding: grounding,
      tier: excluded ? "excluded" : model.parameters.tier(for: composite),
      isExcluded: excluded,
      touchesRestricted: touchesRestricted
    )
    return Score(
      Score.Parts(
        holding: holding,
        mapping: mapping,
        profile: profiles.profile(numbers, explainer: explainer)
      )
    )
  }
}

extension Origin {
  /// A score's China-share basis when the model's default for the origin
  /// applies: constant text, so that a million scores share it.
  fileprivate var defaultShareBasis: String {
    switch self {
    case .domestic: "model default for domestic"
    case .foreign: "model default for foreign"
    }
  }
}

/// Writes scores' explanations from a scoring model's segment factors; each
/// segment's text for each origin is written once.
package final class Explainer: Sendable {
  let segmentScores: [SegmentID: SegmentScore]
  let categoryValues: [Category: Double]
  let weights: ModelParameters.Weights
  /// Instruments a scenario assumes, by canonical ticker.
  let assumed: [String: [SupportInstrument]]
  /// Segment → origin → the text after "segment share% " as UTF-8, without
  /// scenario instruments.
  let fragments: [SegmentID: [Origin: [UInt8]]]

  init(
    segmentScores: [SegmentID: SegmentScore],
    categoryValues: [Category: Double],
    weights: ModelParameters.Weights,
    assumed: [String: [SupportInstrument]]
  ) {
    self.segmentScores = segmentScores
    self.categoryValues = categoryValues
    self.weights = weights
    self.assumed = assumed
    var fragments: [SegmentID: [Origin: [UInt8]]] = [:]
    for (id, score) in segmentScores {
      for origin in Origin.allCases {
        fragments[id, default: [:]][origin] = Array(
          Self.fragment(
            score,
            origin: origin,
            financial: score.financial[origin] ?? FinancialSupport(parts: []),
            categoryValue: categoryValues[score.category] ?? 50
          ).utf8
        )
      }
    }
    self.fragments = fragments
  }

  /// Appends `score`'s explanation to `text` as UTF-8.
  package func explain(_ score: Score, into text: inout [UInt8]) {
    let assumed = self.assumed.isEmpty ? [] : self.assumed[score.holding.ticker.canonical] ?? []
    if score.isExcluded { text += "EXCLUDED: eliminated activity. ".utf8 }
    let mapping = score.mapping
    var first = true
    let segments = mapping.segments
    for position in segments.indices {
      let (segment, share) = (segments[position].segment, segments[position].share)
      guard let segmentScore = segmentScores[segment] else { continue }
      if !first { text += " | ".utf8 }
      first = false
      segment.withUTF8 { text += $0 }
      text.append(0x20)
      NumberText.appendPercent(share, to: &text)
      text.append(0x20)
      if assumed.isEmpty, score.madeInChinaBasis == nil,
        let fragment = fragments[segment]?[score.origin]
      {
        text += fragment
      } else {
        text +=
          Self.fragment(
            segmentScore,
            origin: score.origin,
            financial: segmentScore.financialSupport(for: score.origin, adding: assumed),
            categoryValue: categoryValues[segmentScore.category] ?? 50,
            madeInChina: score.madeInChinaBasis != nil
          ).utf8
      }
    }
    text += ". Exposure: ".utf8
    text += score.origin.rawValue.utf8
    text += " (".utf8
    text += score.originBasis.utf8
    if let basis = score.madeInChinaBasis {
      text += "), made in China (".utf8
      text += basis.utf8
      text += "): procurement counts its products as domestic, so D is a domestic maker's".utf8
      text += "; China revenue ".utf8
    } else {
      text += "), China revenue ".utf8
    }
    NumberText.appendPercent(score.chinaShare, to: &text)
    text += " (".utf8
    text += score.chinaShareBasis.utf8
    text += ") keeps ".utf8
    NumberText.appendPercent(score.chinaShare, to: &text)
    text += " of each factor's distance from 50".utf8
  }

  static func fragment(
    _ score: SegmentScore,
    origin: Origin,
    financial: FinancialSupport,
    categoryValue: Double,
    madeInChina: Bool = false
  ) -> String {
    let item = score.item.map { "\($0.id) \($0.textZH.prefix(24))" } ?? "not listed"
    let named = zip(score.mentions, score.mentionGrades).map { "\($0.0) (\($0.1))" }
      .joined(separator: ", ")
    let added = score.e - categoryValue
    let bonus =
      score.mentions.isEmpty
      ? ""
      : added > 0
        ? " incl. +\(format(added)) for naming by \(named)"
        : " (named by \(named); already at the cap)"
    var text =
      "[\(score.category.rawValue), \(item); \(score.classification.grade)]: E \(format(score.e, decimals: 1))\(bonus)"
    text += "; F \(format(financial.value, decimals: 1))"
    if financial.contributions.isEmpty {
      text += " (no instrument in force)"
    } else {
      // An instrument acting on both sides (access and price) says which.
      var directions: [InstrumentID: Set<Direction>] = [:]
      for part in financial.contributions {
        directions[part.instrument, default: []].insert(part.direction)
      }
      let shown = financial.contributions.prefix(4).map {
        let side = directions[$0.instrument]?.count == 2 ? " (\($0.direction.rawValue))" : ""
        return
          "\($0.instrument)\(side) \($0.points >= 0 ? "+" : "")\(format($0.points, decimals: 1)) \($0.grade)"
      }
      let more =
        financial.contributions.count > 4 ? ", +\(financial.contributions.count - 4) more" : ""
      text += " (\(shown.joined(separator: ", "))\(more))"
    }
    let dOrigin = madeInChina ? Origin.domestic : origin
    text += "; D \(format(score.d(for: dOrigin), decimals: 1))"
    if let profile = score.profile {
      let effect =
        madeInChina
        ? "a tailwind for a maker in China"
        : origin == .domestic
          ? "a tailwind for a domestic company" : "a headwind for a foreign one"
      text +=
        " (import share \(format(profile.importShare.value)) \(profile.importShare.fact.grade) × push \(format(profile.push.value)) \(profile.push.fact.grade) = pressure \(format(profile.pressure)), \(effect))"
    } else {
      text += " (no substitution profile)"
    }
    return text
  }
}

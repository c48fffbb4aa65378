import HoldingMapping
public import PolicyModel
public import PolicyScoreCore
import PortfolioImport

/// A segment's factors under one model, edition and as-of date, before any
/// holding's exposure; computed once per `ScoringModel`.
public struct SegmentScore: Sendable {
  public var segment: Segment
  public var category: Category
  public var item: CatalogItem?
  /// How sure the segment's category in this edition is.
  public var classification: Fact
  /// E with its priority bonus, capped at 100.
  public var e: Double
  /// Documents beyond the catalogue that name the segment, in force on the
  /// as-of date.
  public var mentions: [SourceID]
  /// Each mention's grade, in the order of `mentions`.
  public var mentionGrades: [Grade]
  /// F for a domestic and for a foreign company, with what moved it.
  public var financial: [Origin: FinancialSupport]
  public var profile: SubstitutionProfile?

  /// Substitution pressure `s = m · p`; 0 without a profile.
  public var pressure: Double { profile?.pressure ?? 0 }

  /// D: `50 + 50·s` for a domestic company, `50 − 50·s` for a foreign one.
  public func d(for origin: Origin) -> Double {
    origin == .domestic ? 50 + 50 * pressure : 50 - 50 * pressure
  }

  public func factors(for origin: Origin) -> FactorScores {
    FactorScores(e: e, f: financial[origin]?.value ?? 50, d: d(for: origin))
  }

  /// How much of the segment's composite distance from neutral rests on
  /// recalled or assumed facts, for a company of `origin` fully in China.
  ///
  /// E's distance goes to the classification (the category's value) and to
  /// the mentions (the bonus), F's to each instrument, D's to the import
  /// share and push together (unsure if either is); each weighted as the
  /// composite weighs its factor.
  public func grounding(
    for origin: Origin,
    categoryValue: Double,
    weights: ModelParameters.Weights,
    financial: FinancialSupport? = nil
  ) -> Grounding {
    var grounding = Grounding()
    grounding.add(weights.encouraged * (categoryValue - 50), classification.grade)
    let bonus = e - categoryValue
    for grade in mentionGrades where bonus != 0 {
      grounding.add(weights.encouraged * bonus / Double(mentionGrades.count), grade)
    }
    for part in (financial ?? self.financial[origin])?.contributions ?? [] {
      grounding.add(weights.financial * part.points, part.grade)
    }
    if let profile {
      let unsure = [profile.importShare.fact.grade, profile.push.fact.grade].contains {
        $0.isUnsure
      }
      grounding.add(
        weights.substitution * (d(for: origin) - 50),
        unsure ? .assumption : .verified(.secondary)
      )
    }
    return grounding
  }

  /// F for `origin` with `extra` instruments' effects assumed to reach the
  /// company too (an instrument already counted is not counted twice).
  package func financialSupport(
    for origin: Origin,
    adding extra: [SupportInstrument]
  ) -> FinancialSupport {
    let base = financial[origin] ?? FinancialSupport(parts: [])
    guard !extra.isEmpty else { return base }
    var parts = base.contributions.map { ($0.instrument, $0.grade, $0.direction, $0.strength) }
    for instrument in extra
    where !base.contributions.contains(where: { $0.instrument == instrument.id }) {
      for effect in instrument.effects where effect.origin == nil || effect.origin == origin {
        parts.append((instrument.id, instrument.fact.grade, effect.direction, effect.strength))
      }
    }
    return FinancialSupport(parts: parts)
  }
}

/// Composite points away from neutral, and how many of them rest on
/// recalled or assumed facts.
public struct Grounding: Sendable, Hashable {
  /// Absolute points that rest on recalled or assumed facts.
  public var unsure: Double = 0
  /// Absolute points in all.
  public var total: Double = 0

  public init() {}

  mutating func add(_ points: Double, _ grade: Grade) {
    total += abs(points)
    if grade.isUnsure { unsure += abs(points) }
  }

  /// `self` scaled by `factor` (a segment's share times the China share).
  func scaled(_ factor: Double) -> Grounding {
    var scaled = self
    scaled.unsure *= factor
    scaled.total *= factor
    return scaled
  }

  /// Adds `other`'s points to these.
  mutating func formSum(_ other: Grounding) {
    unsure += other.unsure
    total += other.total
  }

  /// The share of the points that rest on recalled or assumed facts; 0 when
  /// nothing moves the score.
  public var unsureShare: Double { total > 0 ? unsure / total : 0 }
}

/// F of a segment for one origin, and each instrument's part in it.
public struct FinancialSupport: Sendable, Hashable {
  /// One effect's contribution, in points of F (negative for headwinds).
  public struct Contribution: Sendable, Hashable {
    public var instrument: InstrumentID
    /// How sure the instrument's existence and parameters are.
    public var grade: Grade
    public var direction: Direction
    public var strength: Double
    public var points: Double
  }

  public var value: Double
  /// Largest first, then by instrument id.
  public var contributions: [Contribution]

  /// `F = 50 + 50·(1 − Π(1 − tᵢ)) − 50·(1 − Π(1 − hⱼ))`.
  ///
  /// Each side's total is attributed to its effects in proportion to
  /// `−ln(1 − strength)`, so the parts add up exactly to the saturated total;
  /// an effect of strength 1 takes its side's whole swing.
  init(effects: [(SupportInstrument, Effect)]) {
    self.init(
      parts: effects.map { ($0.0.id, $0.0.fact.grade, $0.1.direction, $0.1.strength) }
    )
  }

  /// F from (instrument, grade, direction, strength) parts, each instrument
  /// once per side.
  package init(parts: [(InstrumentID, Grade, Direction, Double)]) {
    var contributions: [Contribution] = []
    var value = 50.0
    for direction in [Direction.tailwind, .headwind] {
      let side = parts.filter { $0.2 == direction }.map { ($0.0, $0.1, $0.3) }
      guard !side.isEmpty else { continue }
      let remaining = side.reduce(1.0) { $0 * (1 - $1.2) }
      let swing = 50 * (1 - remaining) * (direction == .tailwind ? 1 : -1)
      value += swing
      let logs = side.map { -log1p(-min($0.2, 1 - 1e-12)) }
      let total = logs.reduce(0, +)
      for (index, (instrument, grade, strength)) in side.enumerated() {
        let points = total > 0 ? swing * logs[index] / total : 0
        contributions.append(
          Contribution(
            instrument: instrument,
            grade: grade,
            direction: direction,
            strength: strength,
            points: points
          )
        )
      }
    }
    self.value = value
    self.contributions = contributions.sorted {
      (abs($0.points), $1.instrument.rawValue) > (abs($1.points), $0.instrument.rawValue)
    }
  }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

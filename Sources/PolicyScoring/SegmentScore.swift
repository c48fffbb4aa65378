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
  /// E with its priority bonus, capped at 100.
  public var e: Double
  /// Documents beyond the catalogue that name the segment.
  public var mentions: [SourceID]
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

  /// F for `origin` with `extra` instruments' effects assumed to reach the
  /// company too (an instrument already counted is not counted twice).
  package func financialSupport(
    for origin: Origin,
    adding extra: [SupportInstrument]
  ) -> FinancialSupport {
    let base = financial[origin] ?? FinancialSupport(parts: [])
    guard !extra.isEmpty else { return base }
    var parts = base.contributions.map { ($0.instrument, $0.direction, $0.strength) }
    for instrument in extra
    where !base.contributions.contains(where: { $0.instrument == instrument.id }) {
      for effect in instrument.effects where effect.origin == nil || effect.origin == origin {
        parts.append((instrument.id, effect.direction, effect.strength))
      }
    }
    return FinancialSupport(parts: parts)
  }
}

/// F of a segment for one origin, and each instrument's part in it.
public struct FinancialSupport: Sendable, Hashable {
  /// One effect's contribution, in points of F (negative for headwinds).
  public struct Contribution: Sendable, Hashable {
    public var instrument: InstrumentID
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
  init(effects: [(InstrumentID, Effect)]) {
    self.init(parts: effects.map { ($0.0, $0.1.direction, $0.1.strength) })
  }

  /// F from (instrument, direction, strength) parts, each instrument once per side.
  package init(parts: [(InstrumentID, Direction, Double)]) {
    var contributions: [Contribution] = []
    var value = 50.0
    for direction in [Direction.tailwind, .headwind] {
      let side = parts.filter { $0.1 == direction }.map { ($0.0, $0.2) }
      guard !side.isEmpty else { continue }
      let remaining = side.reduce(1.0) { $0 * (1 - $1.1) }
      let swing = 50 * (1 - remaining) * (direction == .tailwind ? 1 : -1)
      value += swing
      let logs = side.map { -log1p(-min($0.1, 1 - 1e-12)) }
      let total = logs.reduce(0, +)
      for (index, (instrument, strength)) in side.enumerated() {
        let points = total > 0 ? swing * logs[index] / total : 0
        contributions.append(
          Contribution(
            instrument: instrument,
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

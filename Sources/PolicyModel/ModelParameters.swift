public import PolicyScoreCore

/// The numbers the formulas use, from `Models/parameters.yaml`.
public struct ModelParameters: Sendable, Hashable {
  public struct Weights: Sendable, Hashable {
    public var encouraged: Double
    public var financial: Double
    public var substitution: Double

    public init(encouraged: Double, financial: Double, substitution: Double) {
      self.encouraged = encouraged
      self.financial = financial
      self.substitution = substitution
    }

    public var sum: Double { encouraged + financial + substitution }
  }

  public struct TierBand: Sendable, Hashable {
    public var name: String
    public var minimum: Double
  }

  public struct MappingConfidence: Sendable, Hashable {
    public var explicit: Double
    public var decision: Double
    public var registry: Double
    public var codeAndText: Double
    public var codeOnly: Double
    public var textFloor: Double
    public var textCeiling: Double
  }

  public var categoryValues: [Category: Double]
  public var bonusPerDocument: Double
  public var bonusMaximum: Double
  public var weights: Weights
  /// Highest minimum first.
  public var tiers: [TierBand]
  public var originByMarket: [String: Origin]
  public var defaultOrigin: Origin
  public var chinaShare: [Origin: Double]
  public var keepRatio: Double
  public var minimumTextScore: Double
  public var confidence: MappingConfidence
  /// Mappings less confident than this, or borderline, go to review.
  public var reviewBelow: Double
  /// Added to a segment the text names when the industry code allows it.
  public var codeBonus: Double
  /// A segment's text score is its strongest term's weight plus this share
  /// of the other terms' weights, so many synonyms do not swamp one
  /// specific word.
  public var extraTermWeight: Double
  /// Added to the segment the text names first: a description lists the
  /// company's main business first.
  public var leadBonus: Double
  public var gapMinimumComposite: Double
  public var gapLimit: Int

  /// The tier a composite falls in.
  public func tier(for composite: Double) -> String {
    tiers.first { composite >= $0.minimum }?.name ?? tiers.last?.name ?? "unrated"
  }
}

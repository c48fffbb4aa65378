/// One portfolio's totals: its composite, its exposures by category, item,
/// domain and segment, and the opportunity gap.
public struct PortfolioSummary: Sendable {
  /// A share of the portfolio in one bucket.
  public struct Exposure: Sendable, Hashable {
    public enum Dimension: String, Sendable, CaseIterable {
      case category
      case item
      case domain
      case segment
      /// A high-scoring segment the portfolio does not hold.
      case gap
    }

    public var dimension: Dimension
    public var key: String
    public var label: String
    /// Share of the portfolio's total weight, scored and unmapped holdings alike.
    public var weight: Double
    public var holdings: Int
    /// The segment's composite for a domestic company fully in China; segment and gap rows only.
    public var composite: Double?
  }

  public var portfolio: String
  public var holdings: Int
  public var scored: Int
  public var unmapped: Int
  /// Weight-averaged composite of the scored holdings.
  public var composite: Double
  public var exposures: [Exposure]
  public var gaps: [Exposure]

  public func weight(in category: Category) -> Double {
    exposures.first { $0.dimension == .category && $0.key == category.rawValue }?.weight ?? 0
  }

  init(portfolio: String, scores: [Score], unmapped: [Holding], scoring: ScoringModel) {
    self.portfolio = portfolio
    self.holdings = scores.count + unmapped.count
    self.scored = scores.count
    self.unmapped = unmapped.count
    let total = scores.reduce(0) { $0 + $1.holding.weight } + unmapped.reduce(0) { $0 + $1.weight }
    let scoredWeight = scores.reduce(0) { $0 + $1.holding.weight }
    composite =
      scoredWeight > 0
      ? scores.reduce(0) { $0 + $1.holding.weight * $1.composite } / scoredWeight
      : (scores.isEmpty ? 50 : scores.reduce(0) { $0 + $1.composite } / Double(scores.count))
    struct Bucket {
      var label: String
      var weight = 0.0
      var holdings: Set<Int> = []
    }
    var buckets: [Exposure.Dimension: [String: Bucket]] = [:]
    func add(
      _ dimension: Exposure.Dimension,
      _ key: String,
      _ label: String,
      _ weight: Double,
      _ line: Int
    ) {
      buckets[dimension, default: [:]][key, default: Bucket(label: label)].weight += weight
      buckets[dimension, default: [:]][key, default: Bucket(label: label)].holdings.insert(line)
    }
    for score in scores {
      for mapped in score.mapping.segments {
        guard let segmentScore = scoring.segmentScores[mapped.segment] else { continue }
        let weight = score.holding.weight * mapped.share
        let line = score.holding.line
        add(.category, segmentScore.category.rawValue, segmentScore.category.rawValue, weight, line)
        let itemKey = segmentScore.item?.id.rawValue ?? "allowed"
        let itemLabel = segmentScore.item?.textEN ?? "not listed (allowed)"
        add(.item, itemKey, itemLabel, weight, line)
        add(
          .domain,
          segmentScore.segment.domain.rawValue,
          segmentScore.segment.domain.rawValue,
          weight,
          line
        )
        add(.segment, mapped.segment.rawValue, segmentScore.segment.nameEN, weight, line)
      }
    }
    for holding in unmapped {
      for dimension in [Exposure.Dimension.category, .item, .domain, .segment] {
        add(dimension, "unmapped", "holdings no method could map", holding.weight, holding.line)
      }
    }
    var exposures: [Exposure] = []
    for dimension in [Exposure.Dimension.category, .item, .domain, .segment] {
      let rows = (buckets[dimension] ?? [:]).map { key, bucket in
        Exposure(
          dimension: dimension,
          key: key,
          label: bucket.label,
          weight: total > 0 ? bucket.weight / total : 0,
          holdings: bucket.holdings.count,
          composite: dimension == .segment && key != "unmapped"
            ? scoring.segmentComposite(SegmentID(key)) : nil
        )
      }
      exposures += rows.sorted { ($0.weight, $1.key) > ($1.weight, $0.key) }
    }
    self.exposures = exposures
    let held = Set(buckets[.segment]?.keys.map { $0 } ?? [])
    let parameters = scoring.model.parameters
    gaps = scoring.model.segmentIDs
      .filter { !held.contains($0.rawValue) }
      .map { ($0, scoring.segmentComposite($0)) }
      .filter { $0.1 >= parameters.gapMinimumComposite }
      .sorted { ($0.1, $1.0.rawValue) > ($1.1, $0.0.rawValue) }
      .prefix(parameters.gapLimit)
      .map { id, composite in
        Exposure(
          dimension: .gap,
          key: id.rawValue,
          label: scoring.model.segments[id]?.nameEN ?? "",
          weight: 0,
          holdings: 0,
          composite: composite
        )
      }
  }
}

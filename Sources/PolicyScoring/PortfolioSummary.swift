import HoldingMapping
public import PolicyModel
import PolicyScoreCore
import PortfolioImport

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
  public var outOfScope: Int
  /// Weight-averaged composite of the scored holdings.
  public var composite: Double
  /// The scored holdings' distance from neutral, weighted, and how much of
  /// it rests on recalled or assumed facts.
  public var grounding: Grounding
  public var exposures: [Exposure]
  public var gaps: [Exposure]

  public func weight(in category: Category) -> Double {
    exposures.first { $0.dimension == .category && $0.key == category.rawValue }?.weight ?? 0
  }

  /// What the exposures take from the holdings, kept for the runs of other
  /// scenarios (`ScoreRun.runs`).
  let totals: ExposureTotals

  /// Summarises `scores`, the portfolio's scores ranked, and `weights`,
  /// their holdings' weights in the same order, with `totals`, its holdings
  /// summed by segment under `scoring`'s exposure keys.
  init(
    portfolio: String,
    scores: ArraySlice<Score>,
    weights: [Double],
    unmapped: [Holding],
    outOfScope: [Holding],
    scoring: ScoringModel,
    totals: ExposureTotals
  ) {
    self.portfolio = portfolio
    self.totals = totals
    self.holdings = scores.count + unmapped.count + outOfScope.count
    self.scored = scores.count
    self.unmapped = unmapped.count
    self.outOfScope = outOfScope.count
    // By index and field: a loop over the scores would copy each one whole.
    var scoredWeight = 0.0
    var weighted = 0.0
    var plain = 0.0
    var grounding = Grounding()
    for (index, weight) in zip(scores.indices, weights) {
      let composite = scores[index].composite
      scoredWeight += weight
      weighted += weight * composite
      plain += composite
      grounding.formSum(scores[index].grounding.scaled(weight))
    }
    self.grounding = grounding
    let total =
      scoredWeight + unmapped.reduce(0) { $0 + $1.weight } + outOfScope.reduce(0) { $0 + $1.weight }
    composite =
      scoredWeight > 0
      ? weighted / scoredWeight : (scores.isEmpty ? 50 : plain / Double(scores.count))
    struct Bucket {
      var label: String
      var weight = 0.0
      var holdings = 0
    }
    let dimensions: [Exposure.Dimension] = [.category, .item, .domain, .segment]
    func label(_ dimension: Exposure.Dimension, _ score: SegmentScore) -> String {
      switch dimension {
      case .category: score.category.rawValue
      case .item: score.item?.textEN ?? "not listed (allowed)"
      case .domain: score.segment.domain.rawValue
      case .segment, .gap: score.segment.nameEN
      }
    }
    var buckets: [Exposure.Dimension: [String: Bucket]] = [:]
    for (id, weight, count) in totals.bySegment {
      guard let segmentScore = scoring.segmentScores[id], let keys = scoring.exposureKeys[id]
      else { continue }
      for (dimension, key) in zip(dimensions, keys + [id.rawValue]) {
        let empty = Bucket(label: label(dimension, segmentScore))
        buckets[dimension, default: [:]][key, default: empty].weight += weight
        buckets[dimension, default: [:]][key, default: empty].holdings += count
      }
    }
    for (position, counts) in totals.countedTwice.enumerated() {
      for (key, count) in counts {
        buckets[dimensions[position]]?[totals.keyNames[position][key]]?.holdings -= count
      }
    }
    for (key, label, members) in [
      ("unmapped", "holdings no method could map", unmapped),
      ("out-of-scope", "holdings outside healthcare", outOfScope),
    ] where !members.isEmpty {
      let weight = members.reduce(0) { $0 + $1.weight }
      for dimension in dimensions {
        buckets[dimension, default: [:]][key] = Bucket(
          label: label,
          weight: weight,
          holdings: members.count
        )
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
          holdings: bucket.holdings,
          composite: dimension == .segment && key != "unmapped" && key != "out-of-scope"
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

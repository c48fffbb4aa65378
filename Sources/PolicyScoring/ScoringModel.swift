import HoldingMapping
public import PolicyModel
public import PolicyScoreCore
import PortfolioImport

/// The model made ready to score: one catalogue edition, one as-of date, and
/// every segment's factors computed once.
public struct ScoringModel: Sendable {
  public let model: ModelBundle
  public let catalog: Catalog
  /// The edition scored with, and why.
  public let edition: EditionChoice
  public let asOf: Day
  public let weights: ModelParameters.Weights
  public let segmentScores: [SegmentID: SegmentScore]
  /// What the scenario assumes about companies, by canonical ticker.
  public let companies: [String: CompanyAssumption]
  /// The scenario this model scores under.
  public let scenario: Scenario
  /// Instruments the scenario assumes reach a company, valid on the as-of
  /// date, by canonical ticker.
  let assumedInstruments: [String: [SupportInstrument]]
  /// Each segment's factors and grounding for either origin, for the
  /// scoring loop.
  let segmentFactors: SegmentTable<SegmentFactors>
  /// Each segment's domain, by its place in `Domain.allCases`.
  let domains: SegmentTable<Int8>
  /// Each segment's category, catalogue item and domain, as exposure keys.
  let exposureKeys: [SegmentID: [String]]
  /// The same keys, numbered for adding up.
  let exposureLayout: ExposureTotals.Layout
  // The parameters the scoring loop reads, taken out once: copying
  // `model.parameters` per holding retained every one of its dictionaries.

  /// Each market's default origin, with the basis a score gives for it.
  let originByMarket: [String: (origin: Origin, basis: String)]
  let defaultOrigin: Origin
  /// The model's China revenue share for a domestic and a foreign company.
  let defaultChinaShare: (domestic: Double?, foreign: Double?)
  package let explainer: Explainer

  /// Computes every segment's factors once.
  ///
  /// - Parameters:
  ///   - model: The loaded model.
  ///   - edition: The catalogue edition; when nil, the one in force on `asOf`.
  ///   - asOf: Everything in force on this day, and nothing after it, counts.
  /// - Throws: when no edition is given and none was in force on `asOf`.
  public init(model: ModelBundle, edition: String? = nil, asOf: Day) throws(Diagnostic) {
    try self.init(model: model, scenario: .baseline(), edition: edition, asOf: asOf)
  }

  /// The model under `scenario`, whose edition and as-of date, when it sets
  /// them, win over `edition` and `asOf`.
  public init(
    model base: ModelBundle,
    scenario: Scenario,
    edition: String? = nil,
    asOf: Day
  ) throws(Diagnostic) {
    let model = base.applying(scenario)
    let asOf = scenario.asOf ?? asOf
    let choice = try model.chooseEdition(
      asOf: asOf,
      given: scenario.edition ?? edition,
      givenBy: scenario.edition != nil ? "scenario '\(scenario.name)'" : "--edition"
    )
    guard let catalog = model.catalog(edition: choice.edition) else {
      throw Diagnostic(.error, "no catalogue for edition '\(choice.edition)'")
    }
    self.model = model
    self.scenario = scenario
    self.companies = scenario.companies
    self.catalog = catalog
    self.edition = choice
    self.asOf = asOf
    self.weights = model.parameters.weights
    var mentionsBySegment: [SegmentID: [StrategicMention]] = [:]
    for mention in model.mentions where mention.holds(on: asOf) {
      for segment in mention.segments {
        mentionsBySegment[segment, default: []].append(mention)
      }
    }
    let parameters = model.parameters
    let valid = model.instruments.filter { $0.isValid(on: asOf) }
    var scores: [SegmentID: SegmentScore] = [:]
    for id in model.segmentIDs {
      guard let segment = model.segments[id] else { continue }
      let item = catalog.item(listing: id)
      let category = catalog.category(of: id)
      let mentions = mentionsBySegment[id] ?? []
      let bonus = min(
        parameters.bonusMaximum,
        parameters.bonusPerDocument * Double(mentions.count)
      )
      let e = min(100, (parameters.categoryValues[category] ?? 50) + bonus)
      var financial: [Origin: FinancialSupport] = [:]
      for origin in Origin.allCases {
        var effects: [(SupportInstrument, Effect)] = []
        for instrument in valid {
          for effect in instrument.effects
          where (effect.origin == nil || effect.origin == origin)
            && effect.selector.matches(segment, item: item?.id, category: category)
          {
            effects.append((instrument, effect))
          }
        }
        financial[origin] = FinancialSupport(effects: effects)
      }
      scores[id] = SegmentScore(
        segment: segment,
        category: category,
        item: item,
        classification: catalog.categoryOverrides[id] != nil
          ? Fact(grade: .assumption, sources: scenario.sources, note: "set by the scenario")
          : catalog.classification(of: segment),
        e: e,
        mentions: mentions.map(\.document),
        mentionGrades: mentions.map(\.fact.grade),
        financial: financial,
        profile: model.profiles[id]?.on(asOf)
      )
    }
    segmentScores = scores
    let weights = parameters.weights
    let ids = model.segmentIDs
    let factors = scores.mapValues { score in
      let value = parameters.categoryValues[score.category] ?? 50
      return SegmentFactors(
        domestic: score.factors(for: .domestic),
        foreign: score.factors(for: .foreign),
        eliminated: score.category == .eliminated,
        restricted: score.category == .restricted,
        domesticGrounding: score.grounding(for: .domestic, categoryValue: value, weights: weights),
        foreignGrounding: score.grounding(for: .foreign, categoryValue: value, weights: weights)
      )
    }
    segmentFactors = SegmentTable(factors, ids: ids)
    domains = SegmentTable(
      scores.compactMapValues { Domain.allCases.firstIndex(of: $0.segment.domain).map(Int8.init) },
      ids: ids
    )
    exposureKeys = scores.mapValues {
      [$0.category.rawValue, $0.item?.id.rawValue ?? "allowed", $0.segment.domain.rawValue]
    }
    exposureLayout = ExposureTotals.Layout(exposureKeys, ids: ids)
    originByMarket = Dictionary(
      uniqueKeysWithValues: parameters.originByMarket.map {
        ($0.key, ($0.value, "market \($0.key)"))
      }
    )
    defaultOrigin = parameters.defaultOrigin
    defaultChinaShare = (parameters.chinaShare[.domestic], parameters.chinaShare[.foreign])
    let assumed = scenario.companies.mapValues { assumption in
      assumption.assumedInstruments.compactMap { id in
        model.instruments.first { $0.id == id && $0.isValid(on: asOf) }
      }
    }
    assumedInstruments = assumed
    explainer = Explainer(
      segmentScores: scores,
      categoryValues: parameters.categoryValues,
      weights: parameters.weights,
      assumed: assumed
    )
  }

  /// The model under each of `scenarios`, built across the cores.
  public static func each(
    of model: ModelBundle,
    under scenarios: [Scenario],
    edition: String? = nil,
    asOf: Day
  ) throws(Diagnostic) -> [ScoringModel] {
    let built = Parallel.map(scenarios.count, minimum: 1) { index in
      Result { () throws(Diagnostic) -> ScoringModel in
        try ScoringModel(model: model, scenario: scenarios[index], edition: edition, asOf: asOf)
      }
    }
    return try built.map { result throws(Diagnostic) in try result.get() }
  }

  /// The composite of a segment for a company fully in China of `origin`.
  public func segmentComposite(_ id: SegmentID, origin: Origin = .domestic) -> Double {
    segmentScores[id]?.factors(for: origin).composite(weights) ?? 50
  }
}

/// A segment's factors and grounding for either origin, computed once per
/// scoring model.
struct SegmentFactors: Sendable {
  var domestic: FactorScores
  var foreign: FactorScores
  var eliminated: Bool
  var restricted: Bool
  var domesticGrounding: Grounding
  var foreignGrounding: Grounding
}

import Foundation
import PolicyScoreCore

/// The model parameters: weights, category values, tiers, mapping thresholds.
extension ModelLoader {
  // MARK: - Parameters

  enum ParameterKeys {
    static let all = [
      "category_values", "priority_bonus", "weights", "tiers", "origin",
      "china_revenue_share", "mapping", "opportunity_gap",
    ]
  }

  func readParameters(_ map: YAMLMap) -> ModelParameters? {
    var values: [Category: Double] = [:]
    if let valueMap = map.map(
      "category_values",
      keys: Category.allCases.map(\.rawValue),
      required: true
    ) {
      for category in Category.allCases {
        values[category] = valueMap.number(category.rawValue, in: 0...100, required: true) ?? 50
      }
    }
    let bonus = map.map("priority_bonus", keys: ["per_document", "max"], required: true)
    let weightMap = map.map(
      "weights",
      keys: ["encouraged", "financial", "substitution"],
      required: true
    )
    let weights = ModelParameters.Weights(
      encouraged: weightMap?.number("encouraged", in: 0...1, required: true) ?? 0,
      financial: weightMap?.number("financial", in: 0...1, required: true) ?? 0,
      substitution: weightMap?.number("substitution", in: 0...1, required: true) ?? 0
    )
    if let weightMap, abs(weights.sum - 1) > 1e-9, !diagnostics.hasErrors {
      diagnostics.error(
        "weights sum to \(weights.sum), not 1",
        at: weightMap.location
      )
    }
    var tiers: [ModelParameters.TierBand] = []
    for tier in map.maps("tiers", keys: ["name", "min"]) {
      guard let name = tier.string("name", required: true),
        let minimum = tier.number("min", in: 0...100, required: true)
      else { continue }
      if let last = tiers.last, minimum >= last.minimum {
        diagnostics.error("tiers must be listed from the highest minimum down", at: tier.location)
      }
      tiers.append(ModelParameters.TierBand(name: name, minimum: minimum))
    }
    if tiers.last?.minimum != 0 {
      diagnostics.error(
        "the last tier must have min 0 so that every composite has a tier",
        at: map.location(of: "tiers")
      )
    }
    var byMarket: [String: Origin] = [:]
    let originMap = map.map("origin", keys: ["by_market", "default"], required: true)
    for (key, value) in originMap?["by_market"]?.pairs ?? [] {
      if let origin = value.scalar.flatMap(Origin.init(rawValue:)), let market = key.scalar {
        byMarket[market] = origin
      } else {
        diagnostics.error("origin must be domestic or foreign", at: value.location)
      }
    }
    let shareMap = map.map("china_revenue_share", keys: ["domestic", "foreign"], required: true)
    let mapping = map.map(
      "mapping",
      keys: [
        "keep_ratio", "min_text_score", "code_bonus", "extra_term_weight", "lead_bonus",
        "review_below",
        "confidence",
      ],
      required: true
    )
    let confidence = mapping?.map(
      "confidence",
      keys: [
        "explicit", "decision", "registry", "code_and_text", "code_only", "text_floor",
        "text_ceiling",
      ],
      required: true
    )
    let gap = map.map("opportunity_gap", keys: ["min_composite", "limit"], required: true)
    return ModelParameters(
      categoryValues: values,
      bonusPerDocument: bonus?.number("per_document", in: 0...100, required: true) ?? 0,
      bonusMaximum: bonus?.number("max", in: 0...100, required: true) ?? 0,
      weights: weights,
      tiers: tiers,
      originByMarket: byMarket,
      defaultOrigin: originMap?.choice("default", as: Origin.self, required: true) ?? .foreign,
      chinaShare: [
        .domestic: shareMap?.number("domestic", in: 0...1, required: true) ?? 1,
        .foreign: shareMap?.number("foreign", in: 0...1, required: true) ?? 0,
      ],
      keepRatio: mapping?.number("keep_ratio", in: 0...1, required: true) ?? 0.5,
      minimumTextScore: mapping?.number("min_text_score", in: 0...100, required: true) ?? 1,
      confidence: ModelParameters.MappingConfidence(
        explicit: confidence?.number("explicit", in: 0...1, required: true) ?? 1,
        decision: confidence?.number("decision", in: 0...1, required: true) ?? 1,
        registry: confidence?.number("registry", in: 0...1, required: true) ?? 0.9,
        codeAndText: confidence?.number("code_and_text", in: 0...1, required: true) ?? 0.8,
        codeOnly: confidence?.number("code_only", in: 0...1, required: true) ?? 0.5,
        textFloor: confidence?.number("text_floor", in: 0...1, required: true) ?? 0.4,
        textCeiling: confidence?.number("text_ceiling", in: 0...1, required: true) ?? 0.9
      ),
      reviewBelow: mapping?.number("review_below", in: 0...1, required: true) ?? 0.7,
      codeBonus: mapping?.number("code_bonus", in: 0...100, required: true) ?? 2,
      extraTermWeight: mapping?.number("extra_term_weight", in: 0...1, required: true) ?? 0.5,
      leadBonus: mapping?.number("lead_bonus", in: 0...100, required: true) ?? 0,
      gapMinimumComposite: gap?.number("min_composite", in: 0...100, required: true) ?? 70,
      gapLimit: Int(gap?.number("limit", in: 0...1000, required: true) ?? 15)
    )
  }
}

/// One holding scored: its factors, composite, tier, exclusion and the
/// explanation of every number.
public struct Score: Sendable {
  public var holding: Holding
  public var mapping: Mapping
  public var origin: Origin
  /// Where the origin came from: "file", "market SH", or "model default".
  public var originBasis: String
  /// China revenue share on 0...1.
  public var chinaShare: Double
  public var chinaShareBasis: String
  public var factors: FactorScores
  public var composite: Double
  public var tier: String
  /// The holding has eliminated activity; excluded whatever its number.
  public var isExcluded: Bool
  public var explanation: String
  /// 1-based rank within its portfolio.
  public var rank: Int = 0

  /// The segment with the largest share.
  public var primarySegment: SegmentID? { mapping.segments.first?.segment }
}

extension ScoringModel {
  /// Scores `holding` as mapped by `mapping`.
  ///
  /// Each factor is the share-weighted mean of the segments' factors, each
  /// keeping only the China revenue share of its distance from 50.
  public func score(_ holding: Holding, mapping: Mapping) -> Score {
    let parameters = model.parameters
    let assumption = companies[holding.ticker.canonical]
    let origin: Origin
    let originBasis: String
    if let assumed = assumption?.origin {
      (origin, originBasis) = (assumed, "scenario")
    } else if let given = holding.origin {
      (origin, originBasis) = (given, "file")
    } else if let market = holding.ticker.market, let byMarket = parameters.originByMarket[market] {
      (origin, originBasis) = (byMarket, "market \(market)")
    } else {
      (origin, originBasis) = (parameters.defaultOrigin, "model default")
    }
    let chinaShare =
      assumption?.chinaShare ?? holding.chinaShare ?? parameters.chinaShare[origin] ?? 1
    let chinaShareBasis =
      assumption?.chinaShare != nil
      ? "scenario" : holding.chinaShare == nil ? "model default for \(origin.rawValue)" : "file"
    let assumed = (assumption?.assumedInstruments ?? []).compactMap { id in
      model.instruments.first { $0.id == id && $0.isValid(on: asOf) }
    }
    var factors = FactorScores(e: 0, f: 0, d: 0)
    var excluded = false
    var parts: [String] = []
    for mapped in mapping.segments {
      guard let segmentScore = segmentScores[mapped.segment] else { continue }
      let financial = segmentScore.financialSupport(for: origin, adding: assumed)
      var segmentFactors = segmentScore.factors(for: origin)
      segmentFactors.f = financial.value
      let exposed = segmentFactors.exposed(chinaShare)
      factors.e += mapped.share * exposed.e
      factors.f += mapped.share * exposed.f
      factors.d += mapped.share * exposed.d
      if segmentScore.category == .eliminated && mapped.share > 0 { excluded = true }
      parts.append(
        explain(segmentScore, share: mapped.share, origin: origin, financial: financial)
      )
    }
    let composite = factors.composite(weights)
    let exposure =
      "\(origin.rawValue) (\(originBasis)), China revenue \(percent(chinaShare)) (\(chinaShareBasis)) keeps \(percent(chinaShare)) of each factor's distance from 50"
    let verdict = excluded ? "EXCLUDED: eliminated activity. " : ""
    return Score(
      holding: holding,
      mapping: mapping,
      origin: origin,
      originBasis: originBasis,
      chinaShare: chinaShare,
      chinaShareBasis: chinaShareBasis,
      factors: factors,
      composite: composite,
      tier: excluded ? "excluded" : parameters.tier(for: composite),
      isExcluded: excluded,
      explanation: verdict + parts.joined(separator: " | ") + ". Exposure: " + exposure
    )
  }

  private func explain(
    _ score: SegmentScore,
    share: Double,
    origin: Origin,
    financial: FinancialSupport
  ) -> String {
    let item = score.item.map { "\($0.id) \($0.textZH.prefix(24))" } ?? "not listed"
    let named = score.mentions.map(\.rawValue).joined(separator: ", ")
    let added = score.e - (model.parameters.categoryValues[score.category] ?? 50)
    let bonus =
      score.mentions.isEmpty
      ? ""
      : added > 0
        ? " incl. +\(format(added)) for naming by \(named)"
        : " (named by \(named); already at the cap)"
    var text =
      "\(score.segment.id) \(percent(share)) [\(score.category.rawValue), \(item)]: E \(format(score.e, decimals: 1))\(bonus)"
    text += "; F \(format(financial.value, decimals: 1))"
    if financial.contributions.isEmpty {
      text += " (no instrument in force)"
    } else {
      let shown = financial.contributions.prefix(4).map {
        "\($0.instrument) \($0.points >= 0 ? "+" : "")\(format($0.points, decimals: 1))"
      }
      let more =
        financial.contributions.count > 4 ? ", +\(financial.contributions.count - 4) more" : ""
      text += " (\(shown.joined(separator: ", "))\(more))"
    }
    text += "; D \(format(score.d(for: origin), decimals: 1))"
    if let profile = score.profile {
      let effect =
        origin == .domestic ? "a tailwind for a domestic company" : "a headwind for a foreign one"
      text +=
        " (import share \(format(profile.importShare.value)) × push \(format(profile.push.value)) = pressure \(format(profile.pressure)), \(effect))"
    } else {
      text += " (no substitution profile)"
    }
    return text
  }
}

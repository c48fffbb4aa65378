import Foundation
import HoldingMapping
import Mustache
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
public import ScenarioAnalysis

/// `report.html`: one self-contained page per output folder, with inline SVG
/// charts and CSS, no script and nothing fetched, in Chinese or English.
///
/// The page is rendered from the Mustache templates `report.mustache` and
/// `holdings.mustache`; this type only gathers the figures. Every figure is
/// the CSVs' own, at the precision the page prints.
public enum HTMLReport {
  /// How many holdings the top and bottom tables show.
  public static let tableRows = 10

  /// A score run's page: each portfolio's composite, exposures, score
  /// distribution, top and bottom holdings, restricted exposure, opportunity
  /// gap and mapping coverage.
  public static func score(
    _ run: ScoreRun,
    language: ReportLanguage,
    context: RunContext,
    title: String? = nil,
    extra: [String: Any] = [:]
  ) -> [UInt8] {
    var page = frame(run, language: language, context: context)
    page["title"] = title ?? language("title.score")
    page["portfolios"] = portfolios(run, language: language)
    for (key, value) in extra { page[key] = value }
    return render(page)
  }

  /// The scenarios command's page: the base run's portfolios, then the
  /// composite under each scenario and the biggest movers.
  public static func scenarios(
    _ runs: [(scenario: String, run: ScoreRun)],
    comparison: Comparison,
    language: ReportLanguage,
    context: RunContext
  ) -> [UInt8] {
    guard let base = runs.first?.run else { return [] }
    var bars: [SVGChart.Bar] = []
    for statistics in comparison.statistics {
      bars.append(
        SVGChart.Bar(
          label: comparison.statistics.contains { $0.portfolio != statistics.portfolio }
            ? "\(statistics.scenario) · \(statistics.portfolio)" : statistics.scenario,
          value: statistics.composite,
          caption: fixed(statistics.composite, decimals: 1),
          tone: statistics.composite >= 50 ? "up" : "down"
        )
      )
    }
    let movers = comparison.statistics.flatMap(\.movers).filter { $0.rankDelta != 0 }
      .sorted { (abs($0.rankDelta), $1.ticker) > (abs($1.rankDelta), $0.ticker) }
      .prefix(15)
      .map { row -> [String: Any] in
        [
          "scenario": row.scenario, "ticker": row.ticker, "name": row.name,
          "move": (row.rankDelta > 0 ? "+" : "") + String(row.rankDelta),
          "composite": fixed(row.composite, decimals: 1),
        ]
      }
    return score(
      base,
      language: language,
      context: context,
      title: language("title.scenarios"),
      extra: [
        "scenarios": [
          "compositeChart": SVGChart.bars(bars, maximum: 100).svg, "movers": Array(movers),
        ] as [String: Any]
      ]
    )
  }

  /// The sensitivity command's page: the run's portfolios, then each top
  /// holding's band of ranks under the samples.
  public static func sensitivity(
    _ run: ScoreRun,
    bands: [(label: String, low: Double, median: Double, high: Double)],
    language: ReportLanguage,
    context: RunContext
  ) -> [UInt8] {
    let worst = bands.map(\.high).max() ?? 1
    return score(
      run,
      language: language,
      context: context,
      title: language("title.sensitivity"),
      extra: ["sensitivity": ["bandsChart": SVGChart.bands(bands, worst: worst).svg]]
    )
  }

  /// A job run's page: its first portfolio's run, then the composite and
  /// the tiers over the job's past runs, oldest first.
  public static func job(
    _ run: ScoreRun,
    history: [(label: String, composite: Double, tiers: [String: Int])],
    language: ReportLanguage,
    context: RunContext
  ) -> [UInt8] {
    let tierNames = run.scoring.model.parameters.tiers.map(\.name) + ["excluded"]
    let line = SVGChart.line(history.map { (label: $0.label, value: $0.composite) })
    return score(
      run,
      language: language,
      context: context,
      title: language("title.job"),
      extra: [
        "history": [
          "historyChart": line.svg,
          "tierNames": tierNames.map { language.tier($0) },
          "runs": history.map { entry -> [String: Any] in
            ["label": entry.label, "counts": tierNames.map { String(entry.tiers[$0, default: 0]) }]
          },
        ] as [String: Any]
      ]
    )
  }

  // MARK: - The page's parts

  static func frame(_ run: ScoreRun, language: ReportLanguage, context: RunContext) -> [String: Any]
  {
    let scoring = run.scoring
    let weights = scoring.weights
    return [
      "lang": language == .zh ? "zh-CN" : "en",
      "subtitle":
        "\(run.portfolio.file.split(separator: "/").last.map(String.init) ?? "") · \(language("as-of")) \(language.date(scoring.asOf)) · \(language("edition")) \(scoring.catalog.edition)",
      "labels": labels(language),
      "edition": "\(scoring.catalog.edition) (\(scoring.edition.reason))",
      "asOf": language.date(scoring.asOf),
      "weightE": format(weights.encouraged), "weightF": format(weights.financial),
      "weightD": format(weights.substitution),
      "inputHash": String(run.portfolio.inputHash.prefix(16)),
      "modelHash": String(scoring.model.contentHash.prefix(16)),
      "version": context.toolVersion,
    ]
  }

  static func portfolios(_ run: ScoreRun, language: ReportLanguage) -> [[String: Any]] {
    let scoring = run.scoring
    let explanations = run.explanations
    let coverage = run.coverage
    let accounting = run.accounting
    var start = 0
    var pages: [[String: Any]] = []
    for summary in run.summaries {
      let range = start..<min(start + summary.scored, run.scores.count)
      start += summary.scored
      let scores = run.scores[range]
      func rows(_ slice: ArraySlice<Int>) -> [[String: Any]] {
        slice.map { offset in
          let score = scores[offset]
          let segment = score.primarySegment.flatMap { scoring.model.segments[$0] }
          return [
            "rank": String(score.rank), "ticker": score.holding.ticker.canonical,
            "name": score.holding.name, "segment": language.name(of: segment),
            "factors": SVGChart.factors(e: score.factors.e, f: score.factors.f, d: score.factors.d),
            "composite": fixed(score.composite, decimals: 1),
            "reason": explanations.mainReason(score, at: offset),
          ]
        }
      }
      let indices = Array(scores.indices)
      let top = indices.prefix(tableRows)
      let bottom = indices.count > tableRows ? indices.suffix(tableRows) : []
      let tier = scoring.model.parameters.tier(for: summary.composite)
      let restrictedScores = Array(scores.lazy.filter(\.touchesRestricted).prefix(30))
      // Nil when no segment is a gap: the page then says so instead.
      let gapChart: String? =
        summary.gaps.isEmpty
        ? nil
        : SVGChart.bars(
          summary.gaps.prefix(10).map {
            SVGChart.Bar(
              label: language.name(of: scoring.model.segments[SegmentID($0.key)]),
              value: $0.composite ?? 0,
              caption: fixed($0.composite ?? 0, decimals: 1),
              tone: "up"
            )
          },
          maximum: 100
        ).svg
      pages.append([
        "name": summary.portfolio,
        "composite": fixed(summary.composite, decimals: 1),
        "tier": language.tier(tier), "tierKey": tier,
        "holdings": String(summary.holdings), "scored": String(summary.scored),
        "coverage": language.percent(coverage.weightShare),
        "recalled": language.percent(summary.grounding.unsureShare),
        "categoryChart": categoryChart(summary, language: language),
        "domainChart": domainChart(summary, language: language),
        "distributionChart": SVGChart.histogram(
          scores.map(\.composite),
          thresholds: scoring.model.parameters.tiers.map { (language.tier($0.name), $0.minimum) }
        ).svg,
        "topTable": ["rows": rows(top), "labels": labels(language)],
        "bottomTable": ["rows": rows(bottom[...]), "labels": labels(language)],
        "hasRestricted": !restrictedScores.isEmpty,
        "restricted": restrictedScores.map { score in
          let segment = score.primarySegment.flatMap { scoring.segmentScores[$0] }
          return [
            "ticker": score.holding.ticker.canonical, "name": score.holding.name,
            "segment": language.name(of: segment?.segment),
            "category": segment.map { language.category($0.category) } ?? "",
            "weight": language.percent(score.holding.weight, decimals: 2),
          ] as [String: Any]
        },
        "gapChart": gapChart as Any,
        "mappingLine": language("mapping.line")
          .replacingOccurrences(of: "%1", with: String(coverage.mapped.holdings))
          .replacingOccurrences(of: "%2", with: String(coverage.total.holdings))
          .replacingOccurrences(of: "%3", with: language.percent(coverage.weightShare))
          .replacingOccurrences(of: "%4", with: String(accounting.outOfScope))
          .replacingOccurrences(of: "%5", with: String(accounting.unmapped))
          .replacingOccurrences(of: "%6", with: String(accounting.rejected)),
      ])
    }
    return pages
  }

  /// Weight by catalogue category, as in `exposures.csv`.
  static func categoryChart(_ summary: PortfolioSummary, language: ReportLanguage) -> String {
    let rows = summary.exposures.filter { $0.dimension == .category }
    return SVGChart.bars(
      rows.map {
        SVGChart.Bar(
          label: language("category." + $0.key),
          value: $0.weight,
          caption: "\(language.percent($0.weight)) · \($0.holdings)",
          tone: $0.key
        )
      }
    ).svg
  }

  /// Weight by domain, as in `exposures.csv`.
  static func domainChart(_ summary: PortfolioSummary, language: ReportLanguage) -> String {
    let rows = summary.exposures.filter { $0.dimension == .domain }
    return SVGChart.bars(
      rows.map {
        SVGChart.Bar(
          label: language("domain." + $0.key),
          value: $0.weight,
          caption: "\(language.percent($0.weight)) · \($0.holdings)"
        )
      }
    ).svg
  }

  static func labels(_ language: ReportLanguage) -> [String: String] {
    let keys: [(String, String)] = [
      ("portfolio", "portfolio"), ("composite", "composite"), ("holdings", "holdings"),
      ("scored", "scored"), ("coverage", "coverage"), ("recalled", "recalled"),
      ("recalledNote", "recalled.note"), ("byCategory", "by-category"),
      ("byDomain", "by-domain"), ("distribution", "distribution"), ("top", "top"),
      ("bottom", "bottom"), ("rank", "rank"), ("ticker", "ticker"), ("name", "name"),
      ("segment", "segment"), ("factors", "factors"), ("reason", "reason"),
      ("restricted", "restricted"), ("restrictedNone", "restricted.none"), ("gap", "gap"),
      ("gapNone", "gap.none"), ("mapping", "mapping"), ("weight", "weight"),
      ("footer", "footer"), ("edition", "edition"), ("asOf", "as-of"), ("weights", "weights"),
      ("input", "input"), ("modelHash", "model-hash"), ("generated", "generated"),
      ("scenarioComposites", "scenario.composites"), ("scenarioMovers", "scenario.movers"),
      ("scenario", "scenario"), ("move", "move"), ("bands", "bands"),
      ("bandsNote", "bands.note"), ("history", "history"), ("historyTiers", "history.tiers"),
      ("run", "run"),
    ]
    return Dictionary(uniqueKeysWithValues: keys.map { ($0.0, language($0.1)) })
  }

  static let library: MustacheLibrary = {
    var library = MustacheLibrary()
    // The templates are the package's own, checked by the tests: a broken
    // one is a build defect, not a user's error.
    for (name, bytes) in [
      ("report", PackageResources.report_mustache),
      ("holdings", PackageResources.holdings_mustache),
    ] {
      if let template = try? MustacheTemplate(string: String(decoding: bytes, as: UTF8.self)) {
        library.register(template, named: name)
      }
    }
    return library
  }()

  static func render(_ page: [String: Any]) -> [UInt8] {
    Array((library.render(page, withTemplate: "report") ?? "").utf8)
  }
}

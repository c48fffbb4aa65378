public import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
import ScenarioAnalysis

/// What a report set records about its run beyond the run itself.
public struct RunContext: Sendable {
  public var toolVersion: String
  /// The one wall-clock value in the reports; it lives in manifest.json only.
  public var generatedAt: String
  public var scenario: String?
  /// The language of `report.html`.
  public var language: ReportLanguage

  public init(
    toolVersion: String,
    generatedAt: String,
    scenario: String? = nil,
    language: ReportLanguage = .en
  ) {
    self.toolVersion = toolVersion
    self.generatedAt = generatedAt
    self.scenario = scenario
    self.language = language
  }
}

/// The report files of one run.
///
/// The small ones are rendered at once; the rankings, a row per holding, are
/// rendered as they are written (see `ReportFile`). What repeats from holding
/// to holding, a segment's explanation and a mapping's evidence, is written
/// once, keyed, in `explanations.csv` and `evidence.csv`.
///
/// The same inputs give byte-identical files; only `manifest.json` carries a
/// timestamp.
public struct ReportSet: Sendable {
  public static let fileNames = [
    "rankings.csv", "explanations.csv", "evidence.csv", "exposures.csv", "coverage.csv",
    "unmapped.csv", "out-of-scope.csv", "rejects.csv", "manifest.json", "report.html",
  ]

  /// File name → file.
  public let files: [String: ReportFile]

  /// The reports of `run`; `coverage` is the run's, when the caller has it.
  public init(run: ScoreRun, context: RunContext, coverage: MappingCoverage? = nil) {
    let coverage = coverage ?? run.coverage
    let columns = SegmentColumns.all(run.scoring)
    let explanations = run.explanations
    // Each file's preparation reads the run alone: side by side, and on
    // another thread while the evidence is numbered, where one core would
    // wait for the other's range or for the numbering's serial end.
    let builders: [(name: String, build: @Sendable () -> ReportFile)] = [
      ("explanations.csv", { ReportFile(Self.explanations(explanations)) }),
      ("exposures.csv", { ReportFile(Self.exposures(run)) }),
      ("coverage.csv", { ReportFile(coverage.csv) }),
      ("unmapped.csv", { Self.unmapped(run) }),
      ("out-of-scope.csv", { ReportFile(Self.outOfScope(run)) }),
      ("rejects.csv", { ReportFile(Self.rejects(run)) }),
      ("manifest.json", { ReportFile(Self.manifest(run, coverage: coverage, context: context)) }),
      (
        "report.html",
        { ReportFile(HTMLReport.score(run, language: context.language, context: context)) }
      ),
    ]
    let others = Background { Parallel.each(builders.count) { builders[$0].build() } }
    var evidenceCSV = CSVBuilder(header: ["evidence_key", "segment", "evidence"])
    let evidence = EvidenceKeys(run.scores) { key, segment, text in
      evidenceCSV.text(key)
      evidenceCSV.text { $0 += segment }
      evidenceCSV.text { $0 += text }
      evidenceCSV.endRow()
    }
    var files = Dictionary(uniqueKeysWithValues: zip(builders.map(\.name), others.value))
    files["rankings.csv"] = Self.rankings(
      run,
      columns: columns,
      explanations: explanations,
      evidence: evidence
    )
    files["evidence.csv"] = ReportFile(evidenceCSV.bytes)
    self.files = files
  }

  /// Writes every file into `directory`, replacing it whole (see `ReportFolder`).
  public func write(to directory: URL) throws(ReportError) {
    try ReportFolder.write(files, to: directory)
  }

  // MARK: - Files

  static let rankingsHeader = [
    "portfolio", "rank", "ticker", "ticker_input", "name", "weight", "origin", "china_share", "e",
    "f", "d", "composite", "tier", "excluded", "primary_segment", "category", "catalog_item",
    "domain", "segments", "method", "confidence", "recalled_or_assumed", "main_reason",
    "explanation_keys", "line", "evidence_keys", "borderline",
  ]

  /// A segment's columns in the rankings and mappings, taken from its score
  /// once per report set rather than once per row.
  struct SegmentColumns: Sendable {
    var category: String
    var item: String
    var domain: String

    static func all(_ scoring: ScoringModel) -> [SegmentID: SegmentColumns] {
      scoring.segmentScores.mapValues {
        SegmentColumns(
          category: $0.category.rawValue,
          item: $0.item?.id.rawValue ?? "",
          domain: $0.segment.domain.rawValue
        )
      }
    }
  }

  private static func rankings(
    _ run: ScoreRun,
    columns: [SegmentID: SegmentColumns],
    explanations: Explanations,
    evidence: EvidenceKeys
  ) -> ReportFile {
    let rows = run.scores.count
    return ReportFile.csv(header: rankingsHeader, rows: rows, bytesPerRow: 768) { csv, index in
      // Rank order is not memory order: the objects of rows to come are
      // loaded while this one is written.
      if index + 16 < rows { run.scores[index + 16].prefetchParts() }
      if index + 8 < rows { run.scores[index + 8].prefetchHoldingAndMix() }
      let score = run.scores[index]
      let holding = score.holding
      let mapping = score.mapping
      let primary = score.primarySegment.flatMap { columns[$0] }
      csv.text(holding.portfolio)
      csv.integer(score.rank)
      csv.text(holding.ticker.canonical)
      // As the file wrote it, when that differs.
      csv.text(holding.ticker.input == holding.ticker.canonical ? "" : holding.ticker.input)
      csv.text(holding.name)
      csv.number(holding.weight, decimals: 6)
      csv.text(score.origin.rawValue)
      csv.number(score.chinaShare, decimals: 4)
      csv.number(score.factors.e, decimals: 2)
      csv.number(score.factors.f, decimals: 2)
      csv.number(score.factors.d, decimals: 2)
      csv.number(score.composite, decimals: 2)
      csv.text(score.tier)
      csv.text(score.isExcluded ? "yes" : "no")
      if let segment = score.primarySegment {
        segment.withUTF8 { csv.text(utf8: $0) }
      } else {
        csv.empty()
      }
      csv.text(primary?.category ?? "")
      csv.text(primary?.item ?? "")
      csv.text(primary?.domain ?? "")
      csv.text { cell in
        // segment:share;segment:share
        // Each segment read in place: a copy counts a reference on its
        // evidence.
        let segments = mapping.segments
        for position in segments.indices {
          if position > 0 { cell.append(0x3B) }
          segments[position].segment.withUTF8 { cell += $0 }
          cell.append(0x3A)
          NumberText.append(segments[position].share, decimals: 4, trimmed: true, to: &cell)
        }
      }
      csv.text(mapping.method.rawValue)
      csv.number(mapping.confidence, decimals: 2)
      csv.number(score.grounding.unsureShare, decimals: 4)
      csv.text { explanations.appendMainReason(score, at: index, to: &$0) }
      csv.text { appendKeys(explanations.of(index), of: explanations.keys, to: &$0) }
      csv.integer(holding.line)
      csv.text { appendKeys(evidence.of(index), of: evidence.keys, to: &$0) }
      csv.text(mapping.borderline ?? "")
    }
  }

  /// `key;key`, in the order of the segments column.
  private static func appendKeys(
    _ numbers: ArraySlice<Int32>,
    of keys: [String],
    to cell: inout [UInt8]
  ) {
    for (position, number) in numbers.enumerated() {
      if position > 0 { cell.append(0x3B) }
      cell += keys[Int(number)].utf8
    }
  }

  /// `explanations.csv`: each segment's explanation for each origin once,
  /// in the order the rankings first use it.
  static func explanations(_ explanations: Explanations) -> [UInt8] {
    CSVWriter.render(
      header: ["explanation_key", "segment", "origin", "explanation"],
      rows: explanations.keys.indices.map {
        [
          .text(explanations.keys[$0]), .text(explanations.segments[$0].rawValue),
          .text(explanations.origins[$0].rawValue), .text(explanations.texts[$0]),
        ]
      }
    )
  }

  static let exposuresHeader = [
    "portfolio", "dimension", "key", "label", "weight", "holdings", "segment_composite",
  ]

  private static func exposures(_ run: ScoreRun) -> [UInt8] {
    var rows: [[CSVCell]] = []
    for summary in run.summaries {
      rows.append([
        .text(summary.portfolio), .text("portfolio"), .text("composite"),
        .text("weight-averaged composite of \(summary.scored) scored holdings"), .empty,
        .integer(summary.scored), .number(summary.composite, decimals: 2),
      ])
      for exposure in summary.exposures + summary.gaps {
        rows.append([
          .text(summary.portfolio), .text(exposure.dimension.rawValue), .text(exposure.key),
          .text(exposure.label), .number(exposure.weight, decimals: 6), .integer(exposure.holdings),
          exposure.composite.map { .number($0, decimals: 2) } ?? .empty,
        ])
      }
    }
    return CSVWriter.render(header: exposuresHeader, rows: rows)
  }

  static let unmappedHeader = [
    "portfolio", "line", "ticker", "name", "weight", "industry_codes", "description", "reason",
  ]

  /// The holdings no rule mapped, in file order, each with the reason:
  /// rendered as it is written, on every core (a million-row file has a
  /// hundred thousand).
  private static func unmapped(_ run: ScoreRun) -> ReportFile {
    let unmapped = run.unmapped
    return .csv(header: unmappedHeader, rows: unmapped.count, bytesPerRow: 192) { csv, index in
      let (holding, reason) = unmapped[index]
      csv.text(holding.portfolio)
      csv.integer(holding.line)
      csv.text(holding.ticker.canonical)
      csv.text(holding.name)
      csv.number(holding.weight, decimals: 6)
      csv.text(holding.industryCodes.joined(separator: ";"))
      csv.text(holding.description)
      csv.text(reason)
    }
  }

  static let outOfScopeHeader = ["portfolio", "line", "ticker", "name", "weight", "reason"]

  /// The holdings outside healthcare, in file order, each with its listing's
  /// industry or the text or decision that put it there.
  private static func outOfScope(_ run: ScoreRun) -> [UInt8] {
    let rows: [[CSVCell]] = run.outOfScope.map { holding, reason in
      [
        .text(holding.portfolio), .integer(holding.line), .text(holding.ticker.canonical),
        .text(holding.name), .number(holding.weight, decimals: 6), .text(reason),
      ]
    }
    return CSVWriter.render(header: outOfScopeHeader, rows: rows)
  }

  static let rejectsHeader = ["line", "column", "reason", "raw"]

  private static func rejects(_ run: ScoreRun) -> [UInt8] {
    CSVWriter.render(
      header: rejectsHeader,
      rows: run.portfolio.rejects.map {
        [.integer($0.line), .text($0.column), .text($0.reason), .text($0.raw)]
      }
    )
  }

  private struct Manifest: Encodable {
    struct Input: Encodable {
      var path: String
      var sha256: String
      var weight_basis: String
      var rows_read: Int
      var scored: Int
      var out_of_scope: Int
      var unmapped: Int
      var rejected: Int
      var ignored_headers: [String]
    }
    struct Coverage: Encodable {
      var holdings: Double
      var weight: Double
      var borderline: Int
      var methods: [String: Int]
    }
    struct Model: Encodable {
      var path: String
      var sha256: String
      var edition: String
      var edition_reason: String
      var as_of: String
      var weights: [String: Double]
    }
    var tool: String
    var version: String
    var generated_at: String
    var scenario: String?
    var input: Input
    var model: Model
    var coverage: Coverage
    var portfolios: [String: Double]
    /// Per portfolio, the share of the scores' distance from neutral that
    /// rests on recalled or assumed facts.
    var recalled_or_assumed: [String: Double]
    var files: [String]
  }

  private static func manifest(
    _ run: ScoreRun,
    coverage: MappingCoverage,
    context: RunContext
  ) -> [UInt8] {
    let accounting = run.accounting
    let weights = run.scoring.weights
    let manifest = Manifest(
      tool: "policyscore",
      version: context.toolVersion,
      generated_at: context.generatedAt,
      scenario: context.scenario,
      input: .init(
        path: run.portfolio.file,
        sha256: run.portfolio.inputHash,
        weight_basis: run.portfolio.weightBasis.rawValue,
        rows_read: accounting.read,
        scored: accounting.scored,
        out_of_scope: accounting.outOfScope,
        unmapped: accounting.unmapped,
        rejected: accounting.rejected,
        ignored_headers: run.portfolio.ignoredHeaders
      ),
      model: .init(
        path: run.scoring.model.directory,
        sha256: run.scoring.model.contentHash,
        edition: run.scoring.catalog.edition,
        edition_reason: run.scoring.edition.reason,
        as_of: run.scoring.asOf.description,
        weights: [
          "encouraged": weights.encouraged, "financial": weights.financial,
          "substitution": weights.substitution,
        ]
      ),
      coverage: .init(
        holdings: (coverage.holdingShare * 10000).rounded() / 10000,
        weight: (coverage.weightShare * 10000).rounded() / 10000,
        borderline: coverage.borderline.count,
        methods: Dictionary(
          uniqueKeysWithValues: coverage.byMethod.map { ($0.key.rawValue, $0.value.holdings) }
        )
      ),
      portfolios: Dictionary(
        uniqueKeysWithValues: run.summaries.map {
          ($0.portfolio, ($0.composite * 100).rounded() / 100)
        }
      ),
      recalled_or_assumed: Dictionary(
        uniqueKeysWithValues: run.summaries.map {
          ($0.portfolio, ($0.grounding.unsureShare * 10000).rounded() / 10000)
        }
      ),
      files: fileNames
    )
    return ReportJSON.encode(manifest)
  }
}

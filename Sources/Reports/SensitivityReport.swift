import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
public import ScenarioAnalysis

/// The files and summary of `sensitivity`.
public struct SensitivityReport {
  public let files: [String: [UInt8]]
  public let text: String

  public init(_ result: Sensitivity, run: ScoreRun, scenario: String) {
    let options = result.options
    let header = [
      "portfolio", "rank", "ticker", "name", "composite", "e_sweep_best_rank", "e_sweep_worst_rank",
      "f_sweep_best_rank", "f_sweep_worst_rank", "d_sweep_best_rank", "d_sweep_worst_rank",
      "median_rank", "p05_rank", "p95_rank", "p_top_\(options.top)", "line",
    ]
    let rows: [[CSVCell]] = result.rows.map { row in
      var cells: [CSVCell] = [
        .text(row.portfolio), .integer(row.rank), .text(row.ticker), .text(row.name),
        .number(row.composite, decimals: 2),
      ]
      for range in row.sweepRanges {
        cells += [.integer(range.lowerBound), .integer(range.upperBound)]
      }
      cells += [
        .integer(row.medianRank), .integer(row.interval.lowerBound),
        .integer(row.interval.upperBound),
        .number(row.topProbability, decimals: 4), .integer(row.line),
      ]
      return cells
    }
    let reversals = CSVWriter.render(
      header: ["portfolio", "removed", "first", "second"],
      rows: result.reversals.map {
        [.text($0.portfolio), .text($0.removed), .text($0.first), .text($0.second)]
      }
    )
    struct Manifest: Encodable {
      var as_of: String
      var concentration: Double
      var edition: String
      var edition_reason: String
      var input_sha256: String
      var model_sha256: String
      var removals_checked: Int
      var samples: Int
      var scenario: String
      var seed: UInt64
      var steps: Int
      var top: Int
      var uncertain_instruments: [String]
    }
    let manifest = ReportJSON.encode(
      Manifest(
        as_of: run.scoring.asOf.description,
        concentration: options.concentration,
        edition: run.scoring.catalog.edition,
        edition_reason: run.scoring.edition.reason,
        input_sha256: run.portfolio.inputHash,
        model_sha256: run.scoring.model.contentHash,
        removals_checked: result.removalsChecked,
        samples: options.samples,
        scenario: scenario,
        seed: options.seed,
        steps: options.steps,
        top: options.top,
        uncertain_instruments: result.uncertainInstruments.map(\.rawValue)
      )
    )
    files = [
      "sensitivity.csv": CSVWriter.render(header: header, rows: rows), "reversals.csv": reversals,
      "manifest.json": manifest,
    ]
    var lines = [
      "\(options.samples) samples (seed \(options.seed), Dirichlet concentration \(format(options.concentration))), \(result.uncertainInstruments.count) uncertain instruments, sweeps of \(options.steps) points"
    ]
    for portfolio in Set(result.rows.map(\.portfolio)).sorted() {
      lines.append("")
      lines.append("portfolio \(portfolio):")
      var table = [
        [
          "rank", "ticker", "name", "score", "P(top \(options.top))", "median", "90% ranks",
          "E sweep", "F sweep", "D sweep",
        ]
      ]
      for row in result.rows.filter({ $0.portfolio == portfolio }).prefix(options.top) {
        table.append(
          [
            String(row.rank), row.ticker, String(row.name.prefix(18)),
            fixed(row.composite, decimals: 1),
            fixed(row.topProbability * 100, decimals: 0) + "%", String(row.medianRank),
            "\(row.interval.lowerBound)–\(row.interval.upperBound)",
          ] + row.sweepRanges.map { "\($0.lowerBound)–\($0.upperBound)" }
        )
      }
      lines += TextTable.lines(table, rightAligned: [0, 3, 4, 5]).map { "  " + $0 }
    }
    lines.append("")
    lines.append(
      "rank reversals: \(result.reversals.count) pairs flipped in \(result.removalsChecked) removals"
        + (result.reversals.isEmpty
          ? " (each holding's score is computed alone, so removing one never reorders the rest)"
          : "")
    )
    text = lines.joined(separator: "\n")
  }
}

import Foundation
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport
public import PriceImport
import PriceStudies

/// What every back-test and event-study manifest says about its inputs.
public struct PriceStudyInputs: Sendable {
  /// The portfolio or universe file, scored at the study's dates.
  public var run: ScoreRun
  public var prices: [PriceFile]
  public var context: RunContext

  public init(run: ScoreRun, prices: [PriceFile], context: RunContext) {
    self.run = run
    self.prices = prices
    self.context = context
  }

  struct Manifest<Study: Encodable>: Encodable {
    struct Input: Encodable {
      var path: String
      var sha256: String
      var rows_read: Int
      var scored: Int
      var out_of_scope: Int
      var unmapped: Int
      var rejected: Int
    }
    struct Prices: Encodable {
      var path: String
      var sha256: String
      var read_as: String
      var layout: String
      var values: String
      var rows_read: Int
      var rejected: Int
      var suspended: Int
      var tickers: Int
    }
    struct Model: Encodable {
      var path: String
      var sha256: String
      var weights: [String: Double]
    }
    var tool = "policyscore"
    var command: String
    var version: String
    var generated_at: String
    var input: Input
    var prices: [Prices]
    var model: Model
    var study: Study
    var rules: [String]
    var files: [String]
  }

  func manifest<Study: Encodable>(
    command: String,
    study: Study,
    rules: [String],
    files: [String]
  ) -> [UInt8] {
    let accounting = run.accounting
    let weights = run.scoring.weights
    return ReportJSON.encode(
      Manifest(
        command: command,
        version: context.toolVersion,
        generated_at: context.generatedAt,
        input: .init(
          path: run.portfolio.file,
          sha256: run.portfolio.inputHash,
          rows_read: accounting.read,
          scored: accounting.scored,
          out_of_scope: accounting.outOfScope,
          unmapped: accounting.unmapped,
          rejected: accounting.rejected
        ),
        prices: prices.map {
          .init(
            path: $0.file,
            sha256: $0.inputHash,
            read_as: $0.format,
            layout: $0.layout,
            values: $0.basis,
            rows_read: $0.rowsRead,
            rejected: $0.rejects.filter(\.countsAgainstBudget).count,
            suspended: $0.suspended,
            tickers: $0.series.count
          )
        },
        model: .init(
          path: run.scoring.model.directory,
          sha256: run.scoring.model.contentHash,
          weights: [
            "encouraged": weights.encouraged, "financial": weights.financial,
            "substitution": weights.substitution,
          ]
        ),
        study: study,
        rules: rules,
        files: (files + ["manifest.json"]).sorted()
      )
    )
  }

  /// Every rejected row of the price files, with its file.
  var rejects: [UInt8] {
    var rows: [[CSVCell]] = []
    for file in prices {
      for row in file.rejects {
        rows.append([
          .text(file.file), .integer(row.line), .integer(row.field), .text(row.column),
          .text(row.reason), .text(row.raw), .text(row.countsAgainstBudget ? "yes" : "no"),
        ])
      }
    }
    return CSVWriter.render(
      header: ["file", "line", "field", "column", "reason", "raw", "counts_as_loss"],
      rows: rows
    )
  }
}

/// An optional number as a cell: blank when there is none.
func cell(_ value: Double?, decimals: Int) -> CSVCell {
  guard let value, value.isFinite else { return .empty }
  return .number(value, decimals: decimals)
}

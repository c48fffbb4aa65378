import ArgumentParser
import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
import Reports
import ScenarioAnalysis

struct CatalogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "catalog",
    abstract: "Browse the catalogue segments, their status and their scores.",
    subcommands: [List.self, Show.self, Search.self]
  )

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List segments with category, item, domain and factors.",
      discussion: """
        Example:
          policyscore catalog list --category encouraged --domain medical-devices
          policyscore catalog list --edition 2019 --format csv > segments-2019.csv
        """
    )

    @Option(help: "Only this category: encouraged, allowed, restricted or eliminated.")
    var category: String?

    @Option(help: "Only this domain, such as medical-devices.")
    var domain: String?

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var asOf: AsOfOption
    @OptionGroup var model: ModelOptions

    func run() throws {
      let bundle = try model.loadModel()
      if let category, Category(rawValue: category) == nil {
        throw ValidationError(
          "unknown category '\(category)'; use encouraged, allowed, restricted or eliminated"
        )
      }
      if let domain, Domain(rawValue: domain) == nil {
        throw ValidationError(
          "unknown domain '\(domain)'; use one of \(Domain.allCases.map(\.rawValue).joined(separator: ", "))"
        )
      }
      let scoring = try ScoringModel(model: bundle, edition: model.edition, asOf: try asOf.asOf())
      let ids = bundle.segmentIDs.filter { id in
        guard let score = scoring.segmentScores[id] else { return false }
        return (category == nil || score.category.rawValue == category)
          && (domain == nil || score.segment.domain.rawValue == domain)
      }
      printResult(segmentTable(ids, scoring: scoring, format: format))
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show everything the model says about one segment.",
      discussion: """
        Example:
          policyscore catalog show surgical-robots
          policyscore catalog show innovative-drugs --as-of 2021-06-30
        """
    )

    @Argument(help: "The segment id.")
    var id: String

    @OptionGroup var asOf: AsOfOption
    @OptionGroup var model: ModelOptions

    func run() throws {
      let bundle = try model.loadModel()
      guard bundle.segments[SegmentID(id)] != nil else {
        let similar = bundle.searchSegments(id).prefix(5).map(\.rawValue)
        let hint =
          similar.isEmpty
          ? "; try 'policyscore catalog search TEXT'"
          : "; did you mean \(similar.map { "'\($0)'" }.joined(separator: " or "))?"
        DiagnosticPrinter.error("unknown segment '\(id)'\(hint)")
        throw ExitCodes.usage
      }
      let scoring = try ScoringModel(model: bundle, edition: model.edition, asOf: try asOf.asOf())
      print(SegmentReport(SegmentID(id), scoring: scoring).text)
    }
  }

  struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "search",
      abstract: "Find segments whose id, names or keywords contain a text.",
      discussion: """
        Example:
          policyscore catalog search 机器人
          policyscore catalog search stent
        """
    )

    @Argument(help: "The text to look for (Chinese or English).")
    var text: String

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    @OptionGroup var asOf: AsOfOption
    @OptionGroup var model: ModelOptions

    func run() throws {
      let bundle = try model.loadModel()
      let scoring = try ScoringModel(model: bundle, edition: model.edition, asOf: try asOf.asOf())
      let ids = bundle.searchSegments(text)
      if ids.isEmpty {
        printError("no segment matches '\(text)'")
        throw ExitCodes.failure
      }
      printResult(segmentTable(ids, scoring: scoring, format: format))
    }
  }
}

/// Renders segments as a table, CSV or JSON.
private func segmentTable(_ ids: [SegmentID], scoring: ScoringModel, format: OutputFormat) -> String
{
  let header = [
    "segment", "category", "item", "domain", "E", "F", "D", "composite", "name_en", "name_zh",
  ]
  let rows: [[String]] = ids.compactMap { id in
    guard let score = scoring.segmentScores[id] else { return nil }
    let factors = score.factors(for: .domestic)
    return [
      id.rawValue, score.category.rawValue, score.item?.id.rawValue ?? "",
      score.segment.domain.rawValue,
      String(format: "%.1f", factors.e), String(format: "%.1f", factors.f),
      String(format: "%.1f", factors.d), String(format: "%.1f", scoring.segmentComposite(id)),
      score.segment.nameEN, score.segment.nameZH,
    ]
  }
  // The English name is cut in the table only, so that it stays readable.
  let shown =
    format == .table
    ? rows.map { $0.enumerated().map { $0 == 8 ? String($1.prefix(48)) : $1 } } : rows
  return format.render(header: header, rows: shown, numeric: ["E", "F", "D", "composite"])
}

import ArgumentParser
import Foundation
import PolicyScoreKit

struct ScoreCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "score",
    abstract: "Import a portfolio, map, score and rank every holding, and write the reports.",
    discussion: """
      Reads a portfolio CSV (UTF-8 with or without BOM, or UTF-16; comma,
      semicolon, tab or pipe; headers in English or Chinese), maps each holding
      to catalogue segments, scores it on E, F and D, ranks the holdings and
      writes rankings.csv, exposures.csv, mappings.csv, unmapped.csv,
      rejects.csv and manifest.json into the output folder. The folder is
      replaced whole, never half-written.

      Exit codes: 0 success; 1 failed run (bad model, unreadable file, missing
      column, cannot write); 64 bad arguments; 65 a row rejected under --strict.

      Examples:
        policyscore score Examples/portfolio.csv
        policyscore score holdings.csv --out reports/fund-a --as-of 2025-06-30 --top 20
        policyscore score holdings.csv --edition 2019 --format csv > rankings.csv
      """
  )

  @Argument(help: ArgumentHelp("The portfolio CSV.", valueName: "portfolio.csv"))
  var portfolioPath: String

  @Option(
    name: .customLong("out"),
    help: ArgumentHelp("The report folder (default: reports/<file name>).", valueName: "dir")
  )
  var outPath: String?

  @OptionGroup var asOf: AsOfOption

  @Option(help: "How many holdings the summary lists per portfolio.")
  var top: Int = 10

  @Option(help: "The printed result: table (the summary), csv or json (the ranking).")
  var format: OutputFormat = .table

  @Flag(help: "Stop at the first rejected row instead of reporting it and going on.")
  var strict = false

  @Flag(name: .customLong("no-reports"), help: "Print only; write no report files.")
  var noReports = false

  @OptionGroup var model: ModelOptions

  func validate() throws {
    guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
  }

  func run() throws {
    let asOfDay = try asOf.asOf()
    let bundle = try model.loadModel()
    let reader = PortfolioReader(knownSegments: Set(bundle.segmentIDs), strict: strict)
    let portfolio: Portfolio
    do {
      portfolio = try reader.read(contentsOf: URL(fileURLWithPath: portfolioPath))
    } catch {
      printError(error.description)
      if case .rejected = error { throw ExitCodes.dataError }
      throw ExitCodes.failure
    }
    let scoring = ScoringModel(model: bundle, edition: model.edition, asOf: asOfDay)
    let run = ScoreRun(portfolio: portfolio, scoring: scoring, mapper: Mapper(model: bundle))
    for reject in portfolio.rejects {
      let column = reject.column.isEmpty ? "" : " (column '\(reject.column)')"
      DiagnosticPrinter.print(
        Diagnostic(
          .warning,
          "row rejected\(column): \(reject.reason)",
          at: SourceLocation(file: portfolioPath, line: reject.line, column: 1)
        )
      )
    }
    if !portfolio.ignoredHeaders.isEmpty {
      DiagnosticPrinter.print(
        Diagnostic(
          .note,
          "ignored columns: \(portfolio.ignoredHeaders.map { "'\($0)'" }.joined(separator: ", "))",
          at: SourceLocation(file: portfolioPath, line: 1, column: 1)
        )
      )
    }
    let reports = ReportSet(
      run: run,
      context: RunContext(
        toolVersion: PolicyScore.version,
        generatedAt: ISO8601DateFormatter().string(from: Date())
      )
    )
    let out = URL(
      fileURLWithPath: outPath ?? "reports/"
        + URL(fileURLWithPath: portfolioPath)
        .deletingPathExtension().lastPathComponent
    )
    if !noReports {
      do {
        try reports.write(to: out)
      } catch {
        DiagnosticPrinter.error(error.description)
        throw ExitCodes.failure
      }
    }
    switch format {
    case .table:
      print(TerminalSummary(run: run, top: top).text)
      if !noReports {
        print("reports: \(out.path)/ (\(ReportSet.fileNames.joined(separator: ", ")))")
      }
    case .csv:
      FileHandle.standardOutput.write(Data(reports.files["rankings.csv"] ?? []))
    case .json:
      print(RankingJSON.render(run))
    }
  }
}

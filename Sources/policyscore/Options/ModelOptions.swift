public import ArgumentParser
import Foundation
import HistoryStore
import HoldingMapping
import Jobs
import Pipeline
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport
public import Reports
import ScenarioAnalysis

/// Where the model is and which catalogue edition to use.
struct ModelOptions: ParsableArguments {
  @Option(
    name: .customLong("models"),
    help: ArgumentHelp(
      "The model folder.",
      discussion:
        "Default: $POLICYSCORE_MODELS, else ./Models, else the Models folder of the PolicyScore checkout the binary was built in.",
      valueName: "dir"
    )
  )
  var modelsPath: String?

  @Option(
    help: ArgumentHelp(
      "Catalogue edition: 2024 or 2019 (default: the one in force on the as-of date).",
      valueName: "year"
    )
  )
  var edition: String?

  /// Loads the model; an invalid model throws its every diagnostic.
  func loadModel() throws -> ModelBundle {
    let model = try ModelBundle(contentsOf: try resolveModelsDirectory())
    if let edition, model.catalog(edition: edition) == nil {
      throw ValidationError(
        "no catalogue for edition '\(edition)'; the model has \(model.editions.joined(separator: ", "))"
      )
    }
    return model
  }

  func resolveModelsDirectory() throws -> URL {
    let fileManager = FileManager.default
    if let modelsPath { return URL(fileURLWithPath: modelsPath) }
    if let path = ProcessInfo.processInfo.environment["POLICYSCORE_MODELS"], !path.isEmpty {
      return URL(fileURLWithPath: path)
    }
    let local = URL(fileURLWithPath: "Models")
    if fileManager.fileExists(atPath: local.appendingPathComponent("parameters.yaml").path) {
      return local
    }
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for _ in 0..<6 {
      let candidate = directory.appendingPathComponent("Models")
      if fileManager.fileExists(atPath: candidate.appendingPathComponent("parameters.yaml").path) {
        return candidate
      }
      directory.deleteLastPathComponent()
    }
    throw Diagnostic(
      .error,
      "cannot find the Models folder; pass --models DIR or set POLICYSCORE_MODELS"
    )
  }
}

/// `--lang`: the language of `report.html` and the terminal summary.
struct LanguageOption: ParsableArguments {
  @Option(
    name: .customLong("lang"),
    help: ArgumentHelp(
      "zh or en: the language of report.html and the summary (CSV columns stay English).",
      valueName: "lang"
    )
  )
  var language: ReportLanguage = .en
}

extension ReportLanguage: ExpressibleByArgument {}

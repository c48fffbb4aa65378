import ArgumentParser
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

@main
struct PolicyScore: ParsableCommand {
  static let version = "0.1.0"

  /// Parses the arguments and runs the command.
  ///
  /// An error a user should see is printed by the one printer, and exits
  /// with its code (`Failures`).
  static func main() {
    Allocator.growHeapsInLargeSteps()
    do {
      var command = try parseAsRoot()
      try reportingFailures { try command.run() }
    } catch {
      exit(withError: error)
    }
  }

  static let configuration = CommandConfiguration(
    commandName: "policyscore",
    abstract: "Score healthcare holdings against China's medical industry policy.",
    discussion: """
      Maps each holding of a portfolio CSV to segments of the NDRC Industrial
      Structure Adjustment Guidance Catalogue (2024 or 2019 edition), scores it
      on encouraged status (E), financial support (F) and domestic substitution
      (D), ranks the opportunities and writes CSV reports.

      Example:
        policyscore score Examples/portfolio.csv --out reports
      """,
    version: version,
    subcommands: [
      ScoreCommand.self, MapCommand.self, DecisionsCommand.self, ScenariosCommand.self,
      SensitivityCommand.self, JobCommand.self, RunsCommand.self, CatalogCommand.self,
      ModelCommand.self,
    ]
  )
}

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

struct ModelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Inspect and validate the policy model in Models/.",
    subcommands: [Check.self]
  )

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Validate every model file and count what the model rests on.",
      discussion: """
        Every problem is reported with file:line:column; the exit code is 1 when
        any error is found.

        Example:
          policyscore model check
          policyscore model check --models ./Models
        """
    )

    @OptionGroup var model: ModelOptions

    func run() throws {
      let bundle = try model.loadModel()
      DiagnosticPrinter.print(bundle.warnings)
      print(ModelReport(bundle).text)
    }
  }
}

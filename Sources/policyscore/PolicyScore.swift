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

@main
struct PolicyScore: ParsableCommand {
  static let version = "0.1.0"

  /// Parses the arguments and runs the command.
  ///
  /// An error a user should see is printed by the one printer, and exits
  /// with its code (`Failures`).
  static func main() {
    Allocator.restartWithHugePages()
    Allocator.growHeapsInLargeSteps()
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let unknown = unknownCommand(in: arguments) {
      let name = ([commandName] + unknown.path).joined(separator: " ")
      let word = unknown.word
      let hint = Suggestion.hint(for: word, in: unknown.known)
      FileHandle.standardError.write(
        Data(
          "Error: '\(word)' is not a command of '\(name)'\(hint)\n  See '\(name) --help' for its commands.\n"
            .utf8
        )
      )
      Foundation.exit(ExitCodes.usage.rawValue)
    }
    let parsed: any ParsableCommand
    do {
      parsed = try parseAsRoot(arguments)
    } catch {
      exit(withError: error)
    }
    var command = parsed
    do {
      try reportingFailures { try command.run() }
    } catch let error as ValidationError {
      // A value the command checks itself (a date): its own usage, not the root's.
      let usage = usageString(for: type(of: command))
      FileHandle.standardError.write(
        Data(
          "Error: \(error.message)\nUsage: \(usage)\n  See '\(usage.split(separator: " [").first ?? "") --help' for more information.\n"
            .utf8
        )
      )
      Foundation.exit(ExitCodes.usage.rawValue)
    } catch {
      exit(withError: error)
    }
  }

  static var commandName: String { configuration.commandName ?? "policyscore" }

  /// A word where a subcommand is expected that names none.
  ///
  /// Returns the commands before it, the word and the names it could have
  /// been. A command with a
  /// default subcommand takes any word as that one's argument.
  static func unknownCommand(
    in arguments: [String]
  ) -> (path: [String], word: String, known: [String])? {
    var command: any ParsableCommand.Type = PolicyScore.self
    var path: [String] = []
    for word in arguments {
      let subcommands = command.configuration.subcommands
      guard !word.hasPrefix("-"), !subcommands.isEmpty else { return nil }
      guard let next = subcommands.first(where: { $0._commandName == word }) else {
        if command.configuration.defaultSubcommand != nil { return nil }
        var known: [String] = []
        for subcommand in subcommands { known.append(subcommand._commandName) }
        return (path, word, known)
      }
      command = next
      path.append(word)
    }
    return nil
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
      ModelCommand.self, BacktestCommand.self, EventCommand.self, StoreCommand.self,
    ]
  )
}

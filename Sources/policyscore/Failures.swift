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
import PriceImport
import Reports
import ScenarioAnalysis

/// Runs a command's work, printing any error a user should see with the one
/// printer and exiting with its code: 65 when the input's data fell short
/// (rejects beyond the budget, coverage below the minimum, strict mode), 75
/// when a job's lock is held, 64 for a bad job file, else 1.
func reportingFailures<T>(_ work: () throws -> T) throws -> T {
  do {
    return try work()
  } catch let error as any DiagnosticError {
    Progress.shared.finish()
    DiagnosticPrinter.print(error.diagnostics)
    throw exitCode(for: error)
  }
}

/// The exit code for an error, as the README documents them.
func exitCode(for error: any DiagnosticError) -> ExitCode {
  switch error {
  case PipelineError.model, JobError.pipeline(.model):
    // A date the model has no edition for, or an edition it lacks.
    return ExitCodes.usage
  case let error as PipelineError:
    return error.isDataError ? ExitCodes.dataError : ExitCodes.failure
  case let error as PortfolioError:
    return PipelineError.portfolio(error).isDataError ? ExitCodes.dataError : ExitCodes.failure
  case let error as PriceError:
    switch error {
    case .rejected, .tooManyRejects: return ExitCodes.dataError
    default: return ExitCodes.failure
    }
  case let error as JobError:
    switch error {
    case .locked: return ExitCodes.locked
    case .invalid: return ExitCodes.usage
    case .pipeline(let error): return error.isDataError ? ExitCodes.dataError : ExitCodes.failure
    default: return ExitCodes.failure
    }
  default: return ExitCodes.failure
  }
}

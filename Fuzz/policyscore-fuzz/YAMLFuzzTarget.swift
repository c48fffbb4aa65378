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

/// The shipped model, for reading scenarios against; loaded once.
let fuzzModel: ModelBundle = {
  let path = ProcessInfo.processInfo.environment["POLICYSCORE_MODELS"] ?? "Models"
  do {
    return try ModelBundle(contentsOf: URL(fileURLWithPath: path))
  } catch {
    fatalError("the fuzz target needs the model: \(error)")
  }
}()

/// Where each input is written, to be read as the files a user gives.
let fuzzFolder: URL = {
  let url = URL(fileURLWithPath: "/dev/shm/policyscore-fuzz-\(getpid())")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}()

/// Any bytes, read as a scenario file and as a job file, must give a value or
/// located diagnostics: never a crash, and never a hang (libFuzzer's
/// `-timeout` catches one).
func yamlFuzzTarget(_ bytes: [UInt8]) {
  let file = fuzzFolder.appendingPathComponent("input.yaml")
  guard (try? Data(bytes).write(to: file)) != nil else { return }
  do {
    _ = try ScenarioLoader(model: fuzzModel).load([file])
  } catch {
    if case .invalid(let diagnostics) = error {
      precondition(!diagnostics.isEmpty, "a scenario failed with no diagnostic")
    }
  }
  do {
    _ = try Job(contentsOf: file)
  } catch {
    if case .invalid(let diagnostics) = error {
      precondition(!diagnostics.isEmpty, "a job failed with no diagnostic")
    }
  }
}

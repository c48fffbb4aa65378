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

/// The model as the Python baselines read it: terms, segment factors and
/// parameters, from the same `Models/` and formulas PolicyScore scores with.
func exportModel(_ model: ModelBundle, asOf: Day, to directory: URL) throws {
  try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  var terms = [["term", "segment", "weight", "kind"]]
  for id in model.segmentIDs {
    guard let entry = model.lexicon.entries[id] else { continue }
    // An area (oncology) counts as a term but never leads.
    terms += entry.terms.map {
      [$0.text, id.rawValue, String($0.weight), $0.leads ? "term" : "area"]
    }
    terms += entry.negative.map { [$0, id.rawValue, "0", "negative"] }
  }
  terms += model.lexicon.exclusions.map { [$0, "", "0", "exclusion"] }
  let scoring = try ScoringModel(model: model, asOf: asOf)
  var segments = [
    ["segment", "domain", "general", "e", "f_domestic", "f_foreign", "d_domestic", "d_foreign"]
  ]
  for id in model.segmentIDs {
    guard let score = scoring.segmentScores[id] else { continue }
    let (domestic, foreign) = (score.factors(for: .domestic), score.factors(for: .foreign))
    segments.append(
      [
        id.rawValue, score.segment.domain.rawValue,
        model.lexicon.entries[id]?.isGeneral == true ? "1" : "0",
      ]
        + [
          domestic.e, domestic.f, foreign.f, domestic.d, foreign.d,
        ].map { String($0) }
    )
  }
  let parameters = model.parameters
  let json: [String: Any] = [
    "keep_ratio": parameters.keepRatio,
    "min_text_score": parameters.minimumTextScore,
    "extra_term_weight": parameters.extraTermWeight,
    "term_weight": model.lexicon.termWeight,
    "strong_weight": model.lexicon.strongWeight,
    "lead_bonus": parameters.leadBonus,
    "china_share": Dictionary(
      uniqueKeysWithValues: parameters.chinaShare.map { ($0.key.rawValue, $0.value) }
    ),
    "weights": [
      "encouraged": parameters.weights.encouraged, "financial": parameters.weights.financial,
      "substitution": parameters.weights.substitution,
    ],
  ]
  try Data(CSVWriter.render(header: terms[0], rows: terms.dropFirst().map { $0.map(CSVCell.text) }))
    .write(to: directory.appendingPathComponent("terms.csv"))
  try Data(
    CSVWriter.render(header: segments[0], rows: segments.dropFirst().map { $0.map(CSVCell.text) })
  ).write(to: directory.appendingPathComponent("segments.csv"))
  try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys, .prettyPrinted])
    .write(to: directory.appendingPathComponent("parameters.json"))
}

/// The wall-clock seconds of running `executable`, the best of `repeats`.
///
/// Exits with the process's error output when it fails.
func timeProcess(_ executable: String, _ arguments: [String], repeats: Int = 1) -> Double {
  var best = Double.infinity
  for _ in 0..<max(1, repeats) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    let start = DispatchTime.now().uptimeNanoseconds
    do { try process.run() } catch {
      FileHandle.standardError.write(Data("cannot run \(executable): \(error)\n".utf8))
      exit(1)
    }
    let stderr = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    guard process.terminationStatus == 0 else {
      FileHandle.standardError.write(
        Data("\(executable) \(arguments.joined(separator: " ")) failed:\n".utf8) + stderr
      )
      exit(1)
    }
    best = min(best, elapsed)
  }
  return best
}

/// Output of a process that must succeed.
func output(_ executable: String, _ arguments: [String]) -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  try? process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

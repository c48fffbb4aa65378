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

/// One run of a process: wall-clock seconds and peak resident memory.
struct ProcessRun {
  var seconds: Double
  var peakMegabytes: Double
}

/// Runs `executable` once, its output discarded, and measures it; `wait4`
/// gives the child's own peak memory.
///
/// Exits with the process's error output when it fails.
func runProcess(_ executable: String, _ arguments: [String]) -> ProcessRun {
  let errors = FileManager.default.temporaryDirectory
    .appendingPathComponent("policyscore-bench-\(getpid()).stderr").path
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var pid = pid_t()
  let start = DispatchTime.now().uptimeNanoseconds
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
    FileHandle.standardError.write(Data("cannot run \(executable)\n".utf8))
    exit(1)
  }
  var status: Int32 = 0
  var usage = rusage()
  while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
  let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  // Exited (low 7 bits 0) with status 0.
  guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
    FileHandle.standardError.write(
      Data("\(executable) \(arguments.joined(separator: " ")) failed:\n".utf8)
        + ((try? Data(contentsOf: URL(fileURLWithPath: errors))) ?? Data())
    )
    exit(1)
  }
  try? FileManager.default.removeItem(atPath: errors)
  return ProcessRun(seconds: elapsed, peakMegabytes: Double(usage.ru_maxrss) / 1024)
}

/// The wall-clock seconds of running `executable`, the best of `repeats`.
func timeProcess(_ executable: String, _ arguments: [String], repeats: Int = 1) -> Double {
  (0..<max(1, repeats)).map { _ in runProcess(executable, arguments).seconds }.min() ?? 0
}

/// Runs of one tool: the spread of their times and the largest peak.
struct Runs {
  var runs: [ProcessRun] = []

  var seconds: [Double] { runs.map(\.seconds).sorted() }
  var median: Double { seconds.isEmpty ? 0 : seconds[seconds.count / 2] }
  var peakMegabytes: Double { runs.map(\.peakMegabytes).max() ?? 0 }
}

/// Files under `directory` whose bytes differ from the same file under
/// `other`, once ISO 8601 times (a manifest's generation time) are masked.
func differingFiles(_ directory: URL, _ other: URL) -> [String] {
  let names =
    (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String]) ?? []
  return names.sorted().filter { name in
    let first = directory.appendingPathComponent(name)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: first.path, isDirectory: &isFolder),
      !isFolder.boolValue
    else { return false }
    let a = try? Data(contentsOf: first)
    let b = try? Data(contentsOf: other.appendingPathComponent(name))
    guard let a, let b else { return true }
    return a != b && maskingTimes(Array(a)) != maskingTimes(Array(b))
  }
}

/// `bytes` with each `YYYY-MM-DDTHH:MM:SS` replaced by zeros.
private func maskingTimes(_ bytes: [UInt8]) -> [UInt8] {
  let pattern: [UInt8?] = Array("0000-00-00T00:00:00".utf8).map { $0 == 0x30 ? nil : $0 }
  var bytes = bytes
  var index = 0
  while index + pattern.count <= bytes.count {
    let matches = pattern.indices.allSatisfy { offset in
      let byte = bytes[index + offset]
      return pattern[offset].map { byte == $0 } ?? (byte >= 0x30 && byte <= 0x39)
    }
    if matches {
      for offset in pattern.indices where pattern[offset] == nil { bytes[index + offset] = 0x30 }
      index += pattern.count
    } else {
      index += 1
    }
  }
  return bytes
}

/// The files under `directory` with their sizes in bytes, largest first.
func fileSizes(_ directory: URL) -> [(name: String, bytes: Int)] {
  let names =
    (FileManager.default.enumerator(atPath: directory.path)?.allObjects as? [String]) ?? []
  return names.compactMap { name -> (String, Int)? in
    let attributes = try? FileManager.default.attributesOfItem(
      atPath: directory.appendingPathComponent(name).path
    )
    guard attributes?[.type] as? FileAttributeType == .typeRegular else { return nil }
    return (name, attributes?[.size] as? Int ?? 0)
  }.sorted { ($0.1, $1.0) > ($1.1, $0.0) }
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

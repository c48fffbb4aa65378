public import Foundation
public import HistoryStore
import HoldingMapping
public import Pipeline
public import PolicyModel
public import PolicyScoreCore
import PolicyScoring
import PortfolioImport
public import Reports
import ScenarioAnalysis

/// A named, repeatable recipe of runs, from a job file.
public struct Job: Sendable {
  /// Which date a run scores as of.
  public enum AsOfRule: Sendable, Hashable, CustomStringConvertible {
    case today
    case lastMonthEnd
    case lastQuarterEnd
    case fixed(Day)

    /// The as-of date for a run made on `today`.
    public func day(today: Day) -> Day {
      switch self {
      case .today: return today
      case .fixed(let day): return day
      case .lastMonthEnd: return Self.endOfMonth(before: today.year, today.month)
      case .lastQuarterEnd:
        let quarterStartMonth = (today.month - 1) / 3 * 3 + 1
        return Self.endOfMonth(before: today.year, quarterStartMonth)
      }
    }

    /// The last day of the month before `month` of `year`.
    static func endOfMonth(before year: Int, _ month: Int) -> Day {
      let (y, m) = month == 1 ? (year - 1, 12) : (year, month - 1)
      return Day(year: y, month: m, day: Day.daysIn(month: m, year: y)) ?? Day.epoch
    }

    public var description: String {
      switch self {
      case .today: return "today"
      case .lastMonthEnd: return "last-month-end"
      case .lastQuarterEnd: return "last-quarter-end"
      case .fixed(let day): return day.description
      }
    }
  }

  public var name: String
  public var file: URL
  /// The job file's bytes, part of the fingerprint.
  public var contentHash: String
  /// Paths or globs, relative to the job file.
  public var portfolios: [String]
  public var models: URL
  /// Scenario names (files in `scenariosDirectory`) or paths; empty means the model as shipped.
  public var scenarios: [String]
  public var scenariosDirectory: URL
  public var asOf: AsOfRule
  public var edition: String?
  public var output: URL
  /// The store the job records in, when the job file names one: a file's
  /// path, or a PostgreSQL URL.
  public var store: String?
  /// Job runs kept, with their report folders; older ones are pruned.
  public var retention: Int
  /// A rank move at least this large is listed in the diff.
  public var rankMoveThreshold: Int
  /// The run fails when more than this percentage of a file's rows is rejected.
  public var maxRejects: Double = 5
  /// The run fails when mapped holdings carry less than this percentage of
  /// a file's weight; nil for no minimum.
  public var minCoverage: Double?

  /// The portfolio files the globs match now, sorted; a plain path is kept
  /// even when missing, so that reading it reports the error.
  public func portfolioFiles() -> [URL] {
    let base = file.deletingLastPathComponent()
    var found: [String] = []
    for pattern in portfolios {
      let path = pattern.hasPrefix("/") ? pattern : base.appendingPathComponent(pattern).path
      if !pattern.contains(where: { "*?[".contains($0) }) {
        found.append(path)
        continue
      }
      var result = glob_t()
      defer { globfree(&result) }
      if glob(path, 0, nil, &result) == 0 {
        for index in 0..<Int(result.gl_pathc) {
          if let cString = result.gl_pathv[index] { found.append(String(cString: cString)) }
        }
      }
    }
    return Array(Set(found)).sorted().map { URL(fileURLWithPath: $0).standardizedFileURL }
  }

  /// The report folder of each portfolio file in a job run: its name without
  /// the extension, made safe as one path component; where two files share
  /// a name, their folders' names go first (`a-fund`, `b-fund`), and a
  /// number after that if they still clash.
  public static func folderNames(for files: [URL]) -> [String] {
    func safe(_ text: String) -> String {
      var name = String(
        text.unicodeScalars.map {
          $0.value < 0x20 || $0.value == 0x7F || $0 == "/" || $0 == "\\" ? "_" : Character($0)
        }
      )
      while name.hasPrefix(".") { name.removeFirst() }
      name = String(name.prefix(80))
      return name.isEmpty ? "portfolio" : name
    }
    let stems = files.map { safe($0.deletingPathExtension().lastPathComponent) }
    let counts = Dictionary(stems.map { ($0, 1) }, uniquingKeysWith: +)
    var names = zip(files, stems).map { file, stem in
      counts[stem, default: 0] > 1
        ? safe(file.deletingLastPathComponent().lastPathComponent + "-" + stem) : stem
    }
    var taken: Set<String> = []
    for index in names.indices {
      var candidate = names[index]
      var number = 2
      while taken.contains(candidate) {
        candidate = "\(names[index])-\(number)"
        number += 1
      }
      names[index] = candidate
      taken.insert(candidate)
    }
    return names
  }
}

/// Why a job could not run.
public enum JobError: DiagnosticError, Equatable {
  case invalid([Diagnostic])
  case noPortfolios(patterns: [String])
  case model(ModelError)
  case scenarios(ScenarioError)
  /// A stage of the pipeline stopped: a portfolio, the data-loss budget, the
  /// coverage minimum, the reports or the store.
  case pipeline(PipelineError)
  case store(StoreError)
  case reports(ReportError)
  /// Another run of the job holds the lock.
  case locked(holder: String)

  public var diagnostics: [Diagnostic] {
    switch self {
    case .invalid(let diagnostics): return diagnostics
    case .noPortfolios(let patterns):
      return [
        Diagnostic(
          .error,
          "no portfolio file matches \(patterns.map { "'\($0)'" }.joined(separator: ", "))"
        )
      ]
    case .model(let error): return error.diagnostics
    case .scenarios(let error): return error.diagnostics
    case .pipeline(let error): return error.diagnostics
    case .store(let error): return error.diagnostics
    case .reports(let error): return error.diagnostics
    case .locked(let holder):
      return [Diagnostic(.error, "the job is already running: lock held by \(holder)")]
    }
  }
}

extension Job {
  static let keys = [
    "schema_version", "name", "description", "portfolios", "models", "scenarios",
    "scenarios_dir", "as_of", "edition", "output", "retention", "rank_move_threshold",
    "max_rejects", "min_coverage", "store",
  ]

  /// Reads and validates a job file; every problem is located.
  public init(contentsOf url: URL) throws(JobError) {
    let diagnostics = DiagnosticCollector()
    let file = url.lastPathComponent
    guard let data = FileManager.default.contents(atPath: url.path),
      let text = String(data: data, encoding: .utf8)
    else {
      throw .invalid([Diagnostic(.error, "cannot read the job file '\(url.path)'")])
    }
    guard let node = YAMLNode.parse(text, file: file, diagnostics: diagnostics),
      let map = node.map(keys: Self.keys, context: file)
    else { throw .invalid(diagnostics.diagnostics) }
    map.checkSchemaVersion(highest: 1)
    let base = url.deletingLastPathComponent()
    func resolve(_ path: String) -> URL {
      (path.hasPrefix("/") ? URL(fileURLWithPath: path) : base.appendingPathComponent(path))
        .standardizedFileURL
    }
    let portfolios = map.strings("portfolios")
    if portfolios.isEmpty {
      diagnostics.error("a job needs at least one entry in 'portfolios'", at: map.location)
    }
    var asOf = AsOfRule.today
    if let rule = map.string("as_of") {
      switch rule {
      case "today": asOf = .today
      case "last-month-end": asOf = .lastMonthEnd
      case "last-quarter-end": asOf = .lastQuarterEnd
      default:
        if let day = Day(rule) {
          asOf = .fixed(day)
        } else {
          diagnostics.error(
            "'as_of' is '\(rule)', not today, last-month-end, last-quarter-end or a date YYYY-MM-DD"
              + Suggestion.hint(for: rule, in: ["today", "last-month-end", "last-quarter-end"]),
            at: map.location(of: "as_of")
          )
        }
      }
    }
    let models = resolve(map.string("models") ?? "Models")
    self.init(
      name: map.string("name") ?? url.deletingPathExtension().lastPathComponent,
      file: url,
      contentHash: SHA256.hex(of: Array(data)),
      portfolios: portfolios,
      models: models,
      scenarios: map.strings("scenarios"),
      scenariosDirectory: map.string("scenarios_dir").map(resolve)
        ?? models.deletingLastPathComponent().appendingPathComponent("Scenarios"),
      asOf: asOf,
      edition: map.string("edition"),
      output: resolve(map.string("output", required: true) ?? "reports"),
      retention: Int(map.number("retention", in: 1...10_000) ?? 12),
      rankMoveThreshold: Int(map.number("rank_move_threshold", in: 1...1_000_000) ?? 5)
    )
    store = map.string("store").map { Store.isServer($0) ? $0 : resolve($0).path }
    maxRejects = map.number("max_rejects", in: 0...100) ?? 5
    minCoverage = map.number("min_coverage", in: 0...100)
    if diagnostics.hasErrors { throw .invalid(diagnostics.diagnostics) }
  }
}

extension Day {
  static let epoch = Day(year: 1970, month: 1, day: 1).unsafelyUnwrapped
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

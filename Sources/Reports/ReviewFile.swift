import Foundation
public import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
public import PortfolioImport
import ScenarioAnalysis

/// The review loop's file: the uncertain holdings of a run with their
/// candidates, for the analyst to mark accept, reject or replace, and read
/// back as decisions.
public enum ReviewFile {
  static let header = [
    "action", "segments", "reason", "ticker", "name", "portfolio", "line", "why", "method",
    "confidence", "proposed", "evidence", "description", "description_sha256",
  ]

  /// The words `action` may hold, in English and Chinese.
  static let actions: [String: MappingDecision.Action] = [
    "accept": .accept, "a": .accept, "接受": .accept, "确认": .accept,
    "reject": .reject, "r": .reject, "拒绝": .reject, "排除": .reject,
    "out-of-scope": .reject, "范围外": .reject,
    "replace": .replace, "替换": .replace, "修改": .replace,
  ]

  /// Rows for the holdings of `run` that need review.
  ///
  /// Those are the unmapped, the borderline and the less confident than
  /// `below`. A company is listed once, the first time it appears; holdings
  /// with the file's own split, and companies whose decision still matches
  /// their description, are left out. An unmapped holding's `proposed` holds
  /// what `weakCandidates` finds in its text, for `accept` to take.
  public static func render(
    run: ScoreRun,
    below: Double,
    decided: [String: MappingDecision],
    weakCandidates: (Holding) -> [SegmentShare] = { _ in [] }
  )
    -> (bytes: [UInt8], count: Int)
  {
    var rows: [(line: Int, cells: [CSVCell])] = []
    var seen: Set<String> = []
    func add(_ holding: Holding, why: String, mapping: Mapping?) {
      let ticker = holding.ticker.canonical
      let fingerprint = Mapper.descriptionFingerprint(holding)
      if let decision = decided[ticker], decision.descriptionFingerprint == fingerprint { return }
      guard seen.insert(ticker + "\u{0}" + holding.name).inserted else { return }
      let split =
        mapping?.segments.map { SegmentShare(segment: $0.segment, share: $0.share) }
        ?? weakCandidates(holding)
      let proposed = split.isEmpty ? nil : SegmentSplit.render(split)
      rows.append(
        (
          holding.line,
          [
            .empty, .empty, .empty, .text(ticker), .text(holding.name), .text(holding.portfolio),
            .integer(holding.line), .text(why), .text(mapping?.method.rawValue ?? "unmapped"),
            mapping.map { .number($0.confidence, decimals: 2) } ?? .empty, .text(proposed ?? ""),
            .text(mapping?.segments.map(\.evidence).joined(separator: " | ") ?? ""),
            .text(holding.description), .text(fingerprint),
          ]
        )
      )
    }
    for score in run.scores where score.mapping.method != .explicit {
      let mapping = score.mapping
      if let borderline = mapping.borderline {
        add(score.holding, why: "borderline: \(borderline)", mapping: mapping)
      } else if mapping.confidence < below {
        add(
          score.holding,
          why: "confidence \(format(mapping.confidence)) below \(format(below))",
          mapping: mapping
        )
      }
    }
    for (holding, reason) in run.unmapped {
      add(holding, why: "unmapped: \(reason)", mapping: nil)
    }
    rows.sort { $0.line < $1.line }
    return (CSVWriter.render(header: header, rows: rows.map(\.cells)), rows.count)
  }

  /// The columns of a decisions export, which `read` takes back as it takes
  /// a review file: `proposed` and `segments` both hold the decision's split.
  static let exportHeader = [
    "action", "segments", "reason", "ticker", "proposed", "decided_by", "decided_at",
    "description_sha256",
  ]

  /// `decisions` as a file that `read` gives back exactly: the same tickers,
  /// actions, shares, reasons, deciders, times and fingerprints.
  public static func export(_ decisions: [MappingDecision]) -> [UInt8] {
    CSVWriter.render(
      header: exportHeader,
      rows: decisions.map { decision in
        let split = SegmentSplit.render(decision.segments, exact: true)
        return [
          .text(decision.action.rawValue), .text(split), .text(decision.reason),
          .text(decision.ticker), .text(split), .text(decision.decidedBy),
          .text(decision.decidedAt), .text(decision.descriptionFingerprint),
        ]
      }
    )
  }

  /// How many rows of a review file have an action marked: a file with any
  /// holds an analyst's work and is never written over.
  public static func markedRows(in bytes: [UInt8]) -> Int {
    let table = CSVTable(bytes: bytes, file: "")
    guard let action = table.column("action") else { return 0 }
    return table.records.filter { !table.cell($0, action).isEmpty }.count
  }

  /// The decisions marked in a review file.
  public struct Marked: Sendable {
    public var decisions: [MappingDecision] = []
    /// Rows left without an action.
    public var unmarked = 0
    /// Every problem, located; when there are any, nothing should be saved.
    public var problems: [Diagnostic] = []
  }

  /// Reads the marks in `bytes`: `accept` takes the `proposed` split,
  /// `replace` the `segments` cell, `reject` none.
  public static func read(
    bytes: [UInt8],
    file: String,
    knownSegments: Set<SegmentID>,
    decidedBy: String,
    decidedAt: String
  ) -> Marked {
    let table = CSVTable(bytes: bytes, file: file)
    var marked = Marked()
    let required = ["action", "segments", "ticker", "proposed"]
    let missing = required.filter { table.column($0) == nil }
    if !missing.isEmpty {
      marked.problems.append(
        Diagnostic(
          .error,
          "not a review file: no column \(missing.map { "'\($0)'" }.joined(separator: ", ")) (write one with `policyscore map PORTFOLIO --review \(file)`)",
          at: SourceLocation(file: file, line: 1, column: 1)
        )
      )
      return marked
    }
    let action = table.column("action")
    let segments = table.column("segments")
    let proposed = table.column("proposed")
    let ticker = table.column("ticker")
    let reason = table.column("reason")
    let fingerprint = table.column("description_sha256")
    // A decisions export names who decided and when; a review file does not.
    let decider = table.column("decided_by")
    let decided = table.column("decided_at")
    var seen: [String: Int] = [:]
    for record in table.records {
      func problem(_ message: String, _ column: Int?) {
        marked.problems.append(Diagnostic(.error, message, at: table.location(record, column)))
      }
      let word = table.cell(record, action)
      if word.isEmpty {
        marked.unmarked += 1
        continue
      }
      guard let kind = actions[word.lowercased()] else {
        problem(
          "column 'action': '\(word)' is not accept, reject or replace\(Suggestion.hint(for: word.lowercased(), in: ["accept", "reject", "replace"]))",
          action
        )
        continue
      }
      let symbol = Ticker(table.cell(record, ticker))
      guard !symbol.canonical.isEmpty, symbol.problem == nil else {
        problem("column 'ticker': '\(symbol.input)' is not a ticker", ticker)
        continue
      }
      if let earlier = seen[symbol.canonical] {
        problem("ticker \(symbol.canonical) is marked twice (first on line \(earlier))", ticker)
        continue
      }
      seen[symbol.canonical] = record.line
      var shares: [SegmentShare] = []
      if kind != .reject {
        let column = kind == .accept ? proposed : segments
        let text = table.cell(record, column)
        do {
          guard let parsed = try SegmentSplit.parse(text, known: knownSegments) else {
            problem(
              kind == .accept
                ? "column 'proposed' is empty: there is nothing to accept; use replace with segments, or reject"
                : "column 'segments' is empty: replace needs the segments, such as 'medical-imaging:60%; life-support:40%'",
              column
            )
            continue
          }
          shares = parsed
        } catch {
          problem("column '\(kind == .accept ? "proposed" : "segments")': \(error.reason)", column)
          continue
        }
      }
      marked.decisions.append(
        MappingDecision(
          ticker: symbol.canonical,
          action: kind,
          segments: shares,
          reason: table.exactCell(record, reason),
          decidedBy: table.exactCell(record, decider).isEmpty
            ? decidedBy : table.exactCell(record, decider),
          decidedAt: table.cell(record, decided).isEmpty ? decidedAt : table.cell(record, decided),
          descriptionFingerprint: table.cell(record, fingerprint)
        )
      )
    }
    return marked
  }
}

import Foundation
import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport

extension Store {
  /// Records `entries`, and their job run when given, in one transaction.
  ///
  /// Either all of it is stored or none. `beforeCommit` is called last in
  /// the transaction, which it rolls back by throwing; then `checkpoint`,
  /// for tests that kill the process there.
  @discardableResult
  public func record(
    _ entries: [RunEntry],
    job: (
      name: String, fingerprint: String, asOf: String, reportDirectory: String, decisions: String
    )? = nil,
    checkpoint: (String) -> Void = { _ in },
    beforeCommit: () throws -> Void = {}
  ) throws(StoreError) -> (jobRunID: Int64?, runIDs: [Int64]) {
    try bulkWrite { db in
      let ids = try Self.insert(entries, job: job, into: db)
      try beforeCommit()
      checkpoint("store-transaction")
      return ids
    }
  }

  /// The rows of `record`, on either backend.
  private static func insert<S: SQLSession>(
    _ entries: [RunEntry],
    job: (
      name: String, fingerprint: String, asOf: String, reportDirectory: String, decisions: String
    )?,
    into db: S
  ) throws -> (jobRunID: Int64?, runIDs: [Int64]) {
    var jobRunID: Int64?
    if let job {
      jobRunID = try db.insert(
        """
        INSERT INTO job_run (job, fingerprint, as_of, status, started_at, finished_at, report_dir,
          decisions)
        VALUES (?, ?, ?, 'complete', ?, ?, ?, ?)
        """,
        [
          .text(job.name), .text(job.fingerprint), .text(job.asOf),
          .text(entries.first?.startedAt ?? ""),
          .text(entries.last?.finishedAt ?? ""), .text(job.reportDirectory), .text(job.decisions),
        ]
      )
    }
    var runIDs: [Int64] = []
    let columns =
      [
        "run_id", "portfolio", "line", "ticker", "ticker_input", "name", "weight", "status",
        "reason", "description_sha256",
      ] + scoreColumns.map(\.name)
    var holding = try db.inserter(insertSQL(into: "holding", columns: columns))
    for entry in entries {
      let run = entry.run
      let explanations = run.explanations
      let keys = try insertExplanations(
        explanations.keys.indices.map {
          (explanations.keys[$0], explanations.segments[$0].rawValue, explanations.texts[$0])
        },
        into: db
      )
      let counts = run.accounting
      let weights = run.scoring.weights
      let runID = try db.insert(
        """
        INSERT INTO run (job_run_id, job, command, scenario, scenario_sha256, portfolio_path,
          input_sha256, model_sha256, edition, as_of, weights, tool_version, rows_read, scored,
          unmapped, rejected, status, started_at, finished_at, duration_ms, report_dir,
          out_of_scope, batch_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'complete', ?, ?, ?, ?, ?, ?)
        """,
        [
          SQLValue(jobRunID), SQLValue(job?.name), .text(entry.command), .text(entry.scenario),
          .text(entry.scenarioHash), .text(entry.portfolioPath), .text(run.portfolio.inputHash),
          .text(run.scoring.model.contentHash), .text(run.scoring.catalog.edition),
          .text(run.scoring.asOf.description),
          .text("\(weights.encouraged),\(weights.financial),\(weights.substitution)"),
          .text(entry.toolVersion), SQLValue(counts.read), SQLValue(counts.scored),
          SQLValue(counts.unmapped), SQLValue(counts.rejected), .text(entry.startedAt),
          .text(entry.finishedAt), SQLValue(entry.durationMilliseconds),
          SQLValue(entry.reportDirectory), SQLValue(counts.outOfScope), SQLValue(runIDs.first),
        ]
      )
      if runIDs.isEmpty && entries.count > 1 {
        try db.execute("UPDATE run SET batch_id = id WHERE id = ?", [.integer(runID)])
      }
      runIDs.append(runID)
      // Every holding in key order, so that the table's B-tree grows at its
      // end instead of splitting pages all over: the scored ones, then the
      // rest, by position in `holdings`. Each block's values are gathered
      // ahead on another core, where reading the holdings and scores out of
      // memory order waits for memory; this thread only inserts them.
      let scores = run.scores
      let others =
        run.unmapped.map { ("unmapped", $0) } + run.outOfScope.map { ("out-of-scope", $0) }
      let holdings = scores.map(\.holding) + others.map(\.1.holding)
      let order = Self.keyOrder(holdings)
      let keyBytes = keys.map { Array($0.utf8) }
      let block = 8192
      let prepare = { (first: Int) in
        Background {
          var shares = ShareText()
          var scratch: [UInt8] = []
          let positions = order[first..<min(order.count, first + block)]
          var values = InsertRows(reservingValues: positions.count * columns.count)
          for index in positions.indices {
            let ahead = index + 8
            if ahead < positions.endIndex {
              holdings[positions[ahead]].prefetch()
              if positions[ahead] < scores.count { scores[positions[ahead]].prefetchParts() }
            }
            let position = positions[index]
            guard position < scores.count else {
              let (status, other) = others[position - scores.count]
              HoldingRow(holdings[position], status: status, reason: other.reason)
                .bind(runID, to: &values)
              continue
            }
            HoldingRow(
              scores[position],
              keys: Self.keyText(explanations.of(position), keyBytes),
              segments: Self.segmentsJSON(
                scores[position].mapping,
                shares: &shares,
                scratch: &scratch
              )
            ).bind(runID, to: &values)
          }
          return values
        }
      }
      var next = order.isEmpty ? nil : prepare(0)
      for first in stride(from: 0, to: order.count, by: block) {
        let values = next?.value ?? InsertRows()
        next = first + block < order.count ? prepare(first + block) : nil
        try holding.insert(values)
      }
    }
    return (jobRunID, runIDs)
  }

  /// A holding's row, its values taken from the holding and its score.
  struct HoldingRow {
    var portfolio: String
    var line: Int
    var ticker: String
    var tickerInput: String
    var name: String
    var weight: Double
    var status: String
    var reason: String?
    var fingerprint: String
    /// The score's columns; nil for a holding not scored.
    var score:
      (
        factors: FactorScores, composite: Double, rank: Int, tier: String, isExcluded: Bool,
        primarySegment: String?, keys: [UInt8], method: String, confidence: Double,
        segments: [UInt8]
      )?

    init(_ holding: Holding, status: String, reason: String?) {
      portfolio = holding.portfolio
      line = holding.line
      ticker = holding.ticker.canonical
      tickerInput = holding.ticker.input
      name = holding.name
      weight = holding.weight
      self.status = status
      self.reason = reason
      fingerprint = Mapper.descriptionFingerprint(holding)
    }

    init(_ item: Score, keys: [UInt8], segments: [UInt8]) {
      self.init(item.holding, status: "scored", reason: nil)
      score = (
        item.factors, item.composite, item.rank, item.tier, item.isExcluded,
        item.primarySegment?.rawValue, keys, item.mapping.method.rawValue,
        item.mapping.confidence, segments
      )
    }

    /// Binds the row's columns in the order of `record`'s INSERT.
    func bind(_ runID: Int64, to rows: inout InsertRows) {
      rows.bind(runID)
      rows.bind(portfolio)
      rows.bind(line)
      rows.bind(ticker)
      rows.bind(tickerInput)
      rows.bind(name)
      rows.bind(weight)
      rows.bind(status)
      rows.bind(reason)
      rows.bind(fingerprint)
      guard let score else {
        for _ in scoreColumns { rows.bind(nil as String?) }
        return
      }
      rows.bind(score.factors.e)
      rows.bind(score.factors.f)
      rows.bind(score.factors.d)
      rows.bind(score.composite)
      rows.bind(score.rank)
      rows.bind(score.tier)
      rows.bind(score.isExcluded)
      rows.bind(score.primarySegment)
      rows.bind(utf8: score.keys)
      rows.bind(score.method)
      rows.bind(score.confidence)
      rows.bind(utf8: score.segments)
    }
  }

  /// The keys of a score's explanations (`numbers`), `;` between, from
  /// each key's UTF-8 (`keys`); a single key's bytes are shared, not copied.
  static func keyText(_ numbers: ArraySlice<Int32>, _ keys: [[UInt8]]) -> [UInt8] {
    if numbers.count == 1, let only = numbers.first { return keys[Int(only)] }
    var text: [UInt8] = []
    for number in numbers {
      if !text.isEmpty { text.append(0x3B) }
      text += keys[Int(number)]
    }
    return text
  }

  /// `mapping`'s segments as the holding row's JSON:
  /// `[["hospitals",0.5,"text: …"],…]`, in the mapping's order, each share
  /// in its shortest form that reads back to the same number; each evidence
  /// written into `scratch` first, not into a string of its own.
  static func segmentsJSON(
    _ mapping: Mapping,
    shares: inout ShareText,
    scratch: inout [UInt8]
  ) -> [UInt8] {
    var json: [UInt8] = [0x5B]
    json.reserveCapacity(128)
    // Each segment read in place, its id's bytes through the interned text.
    let segments = mapping.segments
    for index in segments.indices {
      if index > 0 { json.append(0x2C) }
      json.append(0x5B)
      segments[index].segment.withUTF8 { appendJSONString(utf8: $0, to: &json) }
      json.append(0x2C)
      json += shares[segments[index].share]
      json.append(0x2C)
      scratch.removeAll(keepingCapacity: true)
      segments[index].why.append(to: &scratch)
      scratch.withUnsafeBufferPointer { appendJSONString(utf8: $0, to: &json) }
      json.append(0x5D)
    }
    json.append(0x5D)
    return json
  }

  /// Shares as JSON numbers, each distinct one formatted once: a run's
  /// mappings split holdings in a few ways.
  struct ShareText {
    private var known: [UInt64: [UInt8]] = [:]

    subscript(share: Double) -> [UInt8] {
      mutating get {
        if let text = known[share.bitPattern] { return text }
        let text = Array("\(share)".utf8)
        if known.count < 4096 { known[share.bitPattern] = text }
        return text
      }
    }
  }

  /// `text` as a JSON string: quotes and backslashes escaped, control
  /// characters as `\u00XX`, the rest as UTF-8, copied in runs.
  static func appendJSONString(_ text: String, to json: inout [UInt8]) {
    var text = text
    text.withUTF8 { appendJSONString(utf8: $0, to: &json) }
  }

  /// `bytes` (UTF-8) as a JSON string, as `appendJSONString` writes a string.
  static func appendJSONString(utf8 bytes: UnsafeBufferPointer<UInt8>, to json: inout [UInt8]) {
    json.append(0x22)
    var start = 0
    for index in bytes.indices {
      let byte = bytes[index]
      guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
      json.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
      if byte < 0x20 {
        let hex = Array("0123456789abcdef".utf8)
        json += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      } else {
        json += [0x5C, byte]
      }
      start = index + 1
    }
    json.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    json.append(0x22)
  }

  /// Positions of `holdings` in key order, by portfolio, then line.
  ///
  /// A run's lines are distinct (one file's), so each portfolio's positions
  /// fall in line order by a pass over a table indexed by line, without a
  /// sort; holdings of several files fall back to one.
  static func keyOrder(_ holdings: [Holding]) -> [Int] {
    // Portfolios as ordinals in name order, so that the order compares
    // integers. Neighbours mostly share a portfolio: its name is hashed only
    // when it changes.
    var seen: [String: Int] = [:]
    var first: [Int] = []
    var last: (name: String, ordinal: Int)?
    var lines = [Int](repeating: 0, count: holdings.count)
    for (position, holding) in holdings.enumerated() {
      let name = holding.portfolio
      lines[position] = holding.line
      if let last, last.name == name {
        first.append(last.ordinal)
        continue
      }
      let ordinal = seen[name] ?? seen.count
      seen[name] = ordinal
      last = (name, ordinal)
      first.append(ordinal)
    }
    var rank = [Int](repeating: 0, count: seen.count)
    for (place, name) in seen.keys.sorted().enumerated() { rank[seen[name] ?? 0] = place }
    let portfolio = first.map { rank[$0] }
    let lastLine = lines.max() ?? 0
    if lastLine < 4 * holdings.count + 1024, lines.allSatisfy({ $0 >= 0 }) {
      var atLine = [Int](repeating: -1, count: lastLine + 1)
      var distinct = true
      for (position, line) in lines.enumerated() {
        if atLine[line] >= 0 { distinct = false }
        atLine[line] = position
      }
      if distinct {
        var byPortfolio = [[Int]](repeating: [], count: seen.count)
        for position in atLine where position >= 0 {
          byPortfolio[portfolio[position]].append(position)
        }
        return byPortfolio.flatMap { $0 }
      }
    }
    let keys = holdings.indices.map { (portfolio[$0], lines[$0]) }
    return keys.indices.sorted { keys[$0] < keys[$1] }
  }
}

import Foundation
import Testing

@testable import HistoryStore
@testable import HoldingMapping
@testable import PolicyModel
@testable import PolicyScoreCore
@testable import PolicyScoring
@testable import PortfolioImport

/// The PostgreSQL server the tests may use: `make test` starts a throwaway
/// cluster and names it here; without it the suite runs on SQLite alone.
let testPostgres: String? = {
  let url = ProcessInfo.processInfo.environment["POLICYSCORE_TEST_POSTGRES"] ?? ""
  return url.isEmpty ? nil : url
}()

/// The two backends of the store.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case sqlite
  case postgres

  static var available: [StoreKind] { testPostgres == nil ? [.sqlite] : [.sqlite, .postgres] }

  var testDescription: String { rawValue }

  /// Where a fresh, empty store of this kind is: a new file, or a new
  /// database on the test server.
  func freshLocation() throws -> String {
    switch self {
    case .sqlite:
      return try temporaryDirectory().appendingPathComponent("h.sqlite").path
    case .postgres:
      guard let server = testPostgres, let location = PostgresLocation(url: server) else {
        throw StoreError.failed("no test server")
      }
      let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
      let admin = try PostgresDatabase(location)
      try admin.session { try $0.execute("CREATE DATABASE \(name)") }
      var fresh = location
      fresh.database = name
      return "postgres://\(fresh.user)@\(fresh.host):\(fresh.port)/\(name)"
    }
  }

  func freshStore() throws -> Store { try Store(path: try freshLocation()) }
}

private let text =
  "ticker,weight,description\n609001,0.5,手术机器人\n609002,0.3,医院\n609003,0.2,office rental\n"

private func decision(
  _ ticker: String,
  _ segment: String,
  by analyst: String = "li"
) -> MappingDecision {
  MappingDecision(
    ticker: ticker,
    action: .replace,
    segments: [SegmentShare(segment: SegmentID(segment), share: 1)],
    reason: "checked the annual report",
    decidedBy: analyst,
    decidedAt: "2026-11-23T00:00:00Z",
    descriptionFingerprint: ""
  )
}

/// The same store suite on SQLite and on PostgreSQL.
@Suite struct StoreBackendTests {
  @Test func theServerIsThereOrTheSuiteSaysSo() {
    if testPostgres == nil {
      print("note: POLICYSCORE_TEST_POSTGRES is not set; the store suite runs on SQLite only")
    }
  }

  /// A holding in several segments keeps one explanation key per segment;
  /// read back, each is its segment's text (`runs export` prints it).
  @Test(arguments: StoreKind.available)
  func aHoldingInSeveralSegmentsReadsBackEachSegmentsExplanation(_ kind: StoreKind) throws {
    let store = try kind.freshStore()
    let result = try run("ticker,weight,description\n609001,1,高端医学影像设备与手术机器人\n")
    let mapped = try #require(result.scores.first?.mapping.segments)
    #expect(mapped.count == 2)
    let ids = try store.record([entry(result)]).runIDs
    let explanation = try #require(try store.holdings(run: ids[0]).first?.explanation)
    let explanations = result.explanations
    let expected = explanations.of(0).map {
      "\(explanations.segments[Int($0)]): \(explanations.texts[Int($0)])"
    }
    #expect(explanation == expected.joined(separator: " | "))
  }

  /// A key the store already holds for another text (two texts of
  /// different runs whose digests begin alike) is not given a second text:
  /// a run recorded or copied in reads back its own explanations.
  @Test(arguments: StoreKind.available)
  func aKeyTheStoreHoldsForAnotherTextIsNotReused(_ kind: StoreKind) throws {
    let result = try run(text)
    let plain = try kind.freshStore()
    let expected = try plain.holdings(run: plain.record([entry(result)]).runIDs[0])
      .map(\.explanation)
    let store = try kind.freshStore()
    let first = try store.record([entry(result)]).runIDs[0]
    let key = result.explanations.keys[Int(try #require(result.explanations.of(0).first))]
    // As if an earlier run had kept another text under the key.
    try store.write {
      try $0.execute("UPDATE explanation SET text = 'another text' WHERE key = ?", [.text(key)])
    }
    #expect(try store.holdings(run: first)[0].explanation == "another text")
    let second = try store.record([entry(result)]).runIDs[0]
    #expect(try store.holdings(run: second).map(\.explanation) == expected)
    _ = try store.copy(from: plain)
    let copied = try #require(try store.runs().map(\.id).max())
    #expect(try store.holdings(run: copied).map(\.explanation) == expected)
    #expect(try store.holdings(run: first)[0].explanation == "another text")
  }

  @Test(arguments: StoreKind.available)
  func recordsARunAndReadsItBack(_ kind: StoreKind) throws {
    let store = try kind.freshStore()
    let result = try run(text)
    let ids = try store.record([entry(result)]).runIDs
    let stored = try store.run(id: ids[0])
    #expect(stored.rowsRead == 3 && stored.scored == 2 && stored.unmapped == 1)
    #expect(stored.modelHash == shippedModel.contentHash)
    #expect(stored.edition == "2024")
    let holdings = try store.holdings(run: ids[0])
    #expect(holdings.map(\.ticker) == ["609001.SH", "609002.SH", "609003.SH"])
    #expect(holdings.map(\.rank) == [1, 2, nil])
    #expect(holdings[2].reason?.contains("no segment keyword") == true)
    #expect(abs((holdings[0].composite ?? 0) - result.scores[0].composite) < 1e-12)
    // The segment's explanation, kept once for every holding that shares it.
    #expect(result.scores[0].explanation.contains(try #require(holdings[0].explanation)))
    let summary = try store.summary(run: ids[0])
    #expect(summary.tiers.values.reduce(0, +) == 2)
    // The mapping view gives each scored holding's segments as mapped, the
    // shares to the last bit.
    let mappings = try store.read { db in
      try db.query(
        "SELECT line, segment, share, method, confidence, evidence FROM mapping WHERE run_id = ? ORDER BY line, segment",
        [.integer(ids[0])]
      )
    }
    let expected = result.scores.sorted { $0.holding.line < $1.holding.line }.flatMap { score in
      score.mapping.segments.sorted { $0.segment.rawValue < $1.segment.rawValue }.map {
        (score.holding.line, $0, score.mapping)
      }
    }
    #expect(mappings.count == expected.count && !expected.isEmpty)
    let scores = try store.read { db in
      try db.query(
        "SELECT line, composite FROM score WHERE run_id = ? ORDER BY line",
        [.integer(ids[0])]
      )
    }
    #expect(scores.map { $0.int("line") } == [2, 3])
    for (row, (line, mapped, mapping)) in zip(mappings, expected) {
      #expect(row.int("line") == line)
      #expect(row.text("segment") == mapped.segment.rawValue)
      #expect(row.double("share") == mapped.share)
      #expect(row.text("method") == mapping.method.rawValue)
      #expect(row.double("confidence") == mapping.confidence)
      #expect(row.text("evidence") == mapped.evidence)
    }
  }

  /// The holdings go in many rows to an INSERT, and a copy in blocks of
  /// rows: a run of more holdings than either takes, and not a multiple of
  /// it, reads back row for row, recorded and copied, empty names empty and
  /// an unmapped holding's scores NULL.
  @Test(arguments: StoreKind.available)
  func aRunOfManyInsertsReadsBackEveryHolding(_ kind: StoreKind) throws {
    let descriptions = ["手术机器人", "hospital", "office rental", "高端医学影像设备"]
    let count = 4_203
    let rows = (0..<count).map { index in
      let name = index % 7 == 0 ? "" : "公司\(index)"
      return "\(600_000 + index),\(name),0.001,\(descriptions[index % descriptions.count])"
    }
    let result = try run("ticker,name,weight,description\n" + rows.joined(separator: "\n") + "\n")
    let scores = Dictionary(uniqueKeysWithValues: result.scores.map { ($0.holding.line, $0) })
    let tickers = Dictionary(
      uniqueKeysWithValues: result.portfolio.holdings.map { ($0.line, $0.ticker.canonical) }
    )
    let store = try kind.freshStore()
    let recorded = try store.record([entry(result)]).runIDs[0]
    let copy = try kind.freshStore()
    _ = try copy.copy(from: store)
    let copied = try #require(try copy.runs().map(\.id).max())
    for stored in [try store.holdings(run: recorded), try copy.holdings(run: copied)] {
      let stored = stored.sorted { $0.line < $1.line }
      #expect(stored.count == count)
      for (index, holding) in stored.enumerated() {
        #expect(holding.line == index + 2)
        #expect(holding.ticker == tickers[holding.line])
        #expect(holding.name == (index % 7 == 0 ? "" : "公司\(index)"))
        let score = scores[holding.line]
        #expect(holding.composite == score?.composite)
        #expect(holding.rank == score?.rank)
        #expect((holding.reason == nil) == (score != nil))
      }
      #expect(stored.filter { $0.composite == nil }.count == count - scores.count)
      #expect(scores.count < count)
    }
  }

  @Test(arguments: StoreKind.available)
  func everyMigrationIsAppliedInOrder(_ kind: StoreKind) throws {
    let store = try kind.freshStore()
    #expect(
      try store.appliedMigrations() == [
        "v1 runs, holdings, scores, mappings", "v2 mapping decisions",
        "v3 holding description fingerprint", "v4 holdings out of scope",
        "v5 run batches, job run decisions", "v6 explanations kept once",
        "v7 decisions kept, one live per company",
        "v8 scores and mappings kept in their holding's row",
      ]
    )
  }

  /// A store as the first schema wrote it, holding a run (the fixture), to
  /// which two decisions for one company were added under the second,
  /// opens after every later migration with its history whole.
  @Test(arguments: StoreKind.available)
  func anOldStoreMigratesWithItsRunsAndDecisions(_ kind: StoreKind) throws {
    let location: String
    switch kind {
    case .sqlite:
      location = try temporaryDirectory().appendingPathComponent("old.sqlite").path
      try FileManager.default.copyItem(atPath: StoreTests.fixture.path, toPath: location)
    case .postgres:
      location = try kind.freshLocation()
      let v1 = try Store(path: location, migratingUpTo: "v1 runs, holdings, scores, mappings")
      let rows = try String(
        contentsOf: fixturesURL.appendingPathComponent("store-v1.postgres.sql"),
        encoding: .utf8
      )
      try v1.write { db in
        for line in rows.split(separator: "\n") where !line.hasPrefix("--") {
          try db.execute(String(line))
        }
      }
    }
    let v2 = try Store(path: location, migratingUpTo: "v2 mapping decisions")
    try v2.write { db in
      for (segment, at) in [("hospitals", "2026-01-01"), ("innovative-drugs", "2026-02-01")] {
        try db.execute(
          "INSERT INTO decision (ticker, action, segments, decided_at) VALUES (?, 'replace', ?, ?)",
          [.text("600276.SH"), .text("\(segment):1.0"), .text(at)]
        )
      }
    }
    let store = try Store(path: location)
    #expect(try store.appliedMigrations().count == 8)
    let runs = try store.runs()
    #expect(runs.count == 1 && runs[0].rowsRead == 3)
    #expect(try store.holdings(run: runs[0].id).count == 3)
    // Its mappings, moved into their scores' rows, read as they were written.
    let mappings = try store.read { db in
      try db.query(
        "SELECT line, segment, share, method, confidence, evidence FROM mapping ORDER BY line"
      )
    }
    #expect(mappings.map { $0.text("segment") } == ["surgical-robots", "hospitals"])
    #expect(mappings.map { $0.double("share") } == [1, 1])
    #expect(mappings.map { $0.double("confidence") } == [0.9, 0.9])
    #expect(mappings.map { $0.text("method") } == ["text", "text"])
    #expect(
      mappings.map { $0.text("evidence") } == ["text: '手术机器人' (score 3)", "text: '医院' (score 3)"]
    )
    let live = try store.decisions()
    #expect(live.map { $0.decision.segments.first?.segment.rawValue } == ["innovative-drugs"])
    let kept = try store.read { db in
      try db.query("SELECT id, deleted_at, superseded_by FROM decision ORDER BY id")
    }
    #expect(kept.count == 2)
    #expect(kept[0].text("deleted_at") == "2026-02-01")
    #expect(kept[0].int64("superseded_by") == kept[1].int64("id"))
    // A new run goes in after the migrated one.
    let next = try store.record([entry(try run(text))]).runIDs
    #expect(next[0] > runs[0].id)
  }

  @Test(arguments: StoreKind.available)
  func pruneKeepsTheNewestRuns(_ kind: StoreKind) throws {
    let store = try kind.freshStore()
    let result = try run(text)
    var ids: [Int64] = []
    for _ in 0..<4 { ids += try store.record([entry(result)]).runIDs }
    let pruned = try store.prune(job: nil, keep: 2)
    #expect(pruned.removed == 2)
    #expect(try store.runs().map(\.id) == [ids[3], ids[2]])
    #expect(try store.holdings(run: ids[0]).isEmpty)  // deleted with its run
  }

  @Test(arguments: StoreKind.available)
  func aNewDecisionSupersedesTheLiveOneAndKeepsItsHistory(_ kind: StoreKind) throws {
    let store = try kind.freshStore()
    let first = try store.save([decision("600276.SH", "hospitals", by: "li")])
    let second = try store.save([decision("600276.SH", "innovative-drugs", by: "wang")])
    let live = try store.decisions()
    #expect(live.count == 1 && live[0].id == second[0] && live[0].decision.decidedBy == "wang")
    let history = try store.read { db in
      try db.query(
        "SELECT id, decided_by, reason, deleted_at, superseded_by FROM decision ORDER BY id"
      )
    }
    #expect(history.map { $0.int64("id") } == [first[0], second[0]])
    #expect(
      history[0].text("decided_by") == "li"
        && history[0].text("reason") == "checked the annual report"
    )
    #expect(history[0].int64("superseded_by") == second[0] && history[0].text("deleted_at") != nil)
    #expect(history[1].text("deleted_at") == nil)
  }

  @Test(arguments: StoreKind.available)
  func twoLiveDecisionsForOneCompanyAreRefusedByTheStoreItself(_ kind: StoreKind) throws {
    let store = try kind.freshStore()
    try store.save([decision("600276.SH", "hospitals")])
    #expect(throws: StoreError.self) {
      try store.write { db in
        try db.execute(
          "INSERT INTO decision (ticker, action, segments, decided_at) VALUES (?, 'accept', '', 'x')",
          [.text("600276.SH")]
        )
      }
    }
  }

  /// Eight writers, each with its own connection, save conflicting decisions
  /// for the same companies at once: none is lost, one is live per company.
  @Test(arguments: StoreKind.available)
  func concurrentWritersLoseNothingAndLeaveOneLiveDecision(_ kind: StoreKind) throws {
    let location = try kind.freshLocation()
    _ = try Store(path: location)
    let companies = (0..<50).map { String(format: "6%05d.SH", $0) }
    let failures = Failures()
    DispatchQueue.concurrentPerform(iterations: 8) { writer in
      do {
        let store = try Store(path: location)
        for round in 0..<3 {
          let batch = companies.shuffled().map {
            decision($0, "segment-\(writer)-\(round)", by: "w\(writer)")
          }
          try store.save(batch)
        }
      } catch {
        failures.add("\(error)")
      }
    }
    #expect(failures.all.isEmpty, "\(failures.all)")
    let store = try Store(path: location)
    let counts = try store.read { db in
      try db.query(
        "SELECT COUNT(*) AS rows, COUNT(DISTINCT ticker) AS companies, SUM(CASE WHEN deleted_at IS NULL THEN 1 ELSE 0 END) AS live FROM decision"
      )
    }
    #expect(counts[0].int("rows") == 8 * 3 * 50)
    #expect(counts[0].int("companies") == 50 && counts[0].int("live") == 50)
    #expect(try store.decisions().count == 50)
  }
}

/// Errors gathered from concurrent work.
final class Failures: @unchecked Sendable {
  private let lock = NSLock()
  private var items: [String] = []
  func add(_ item: String) { lock.withLock { items.append(item) } }
  var all: [String] { lock.withLock { items } }
}

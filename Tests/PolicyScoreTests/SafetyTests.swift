import Foundation
import Testing

@testable import HistoryStore
@testable import HoldingMapping
@testable import Jobs
@testable import Pipeline
@testable import PolicyModel
@testable import PolicyScoreCore
@testable import PolicyScoring
@testable import PortfolioImport
@testable import Reports
@testable import ScenarioAnalysis

/// A folder like a user's home: files, a nested folder, a hidden file, and
/// files named the way PolicyScore's temporary folders are.
func homeLikeFolder() throws -> URL {
  let home = try temporaryDirectory("home")
  let files = [
    "notes.txt": "meeting at 10",
    "holdings.csv": "ticker,weight\n600276,100%\n",
    "Documents/plan.md": "# plan",
    ".bashrc": "export A=1",
    ".notes.tmp-1": "not a temporary folder",
    ".report.tmp-99999-deadbeef": "a user's file that looks like a leftover",
  ]
  for (path, text) in files {
    let url = home.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(),
      withIntermediateDirectories: true
    )
    try Data(text.utf8).write(to: url)
  }
  return home
}

/// Every file and folder under `directory`, with the bytes of each file.
func contents(of directory: URL) throws -> [String: Data] {
  var found: [String: Data] = [:]
  let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
  while let url = enumerator?.nextObject() as? URL {
    let key = String(url.path.dropFirst(directory.path.count))
    var isDirectory: ObjCBool = false
    _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
    found[key] = isDirectory.boolValue ? Data("folder".utf8) : try Data(contentsOf: url)
  }
  return found
}

let smallReports: [String: ReportFile] = ["rankings.csv": ReportFile(Array("a,b\r\n".utf8))]

/// Expects `work` to refuse: a folder or a path that is not PolicyScore's.
func expectRefusal(
  _ work: () throws -> Void,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
  do {
    try work()
    Issue.record("not refused", sourceLocation: sourceLocation)
  } catch let error as ReportError {
    switch error {
    case .notOurs: break
    case .cannotWrite(_, let reason):
      #expect(
        reason.contains("not safe") || reason.contains("both a report file"),
        sourceLocation: sourceLocation
      )
    }
  }
}

@Suite struct OutputFolderTests {
  @Test func aFolderOfSomeoneElsesIsNeverReplaced() throws {
    let home = try homeLikeFolder()
    let before = try contents(of: home)
    try expectRefusal { try ReportFolder.write(smallReports, to: home) }
    let documents = home.appendingPathComponent("Documents")
    try expectRefusal { try ReportFolder.write(smallReports, to: documents) }
    #expect(try contents(of: home) == before)
  }

  @Test func theRefusalNamesTheFolderAndWhatItHolds() throws {
    let home = try homeLikeFolder()
    do {
      try OutputFolder.checkReplaceable(home.appendingPathComponent("Documents"), protecting: [])
      Issue.record("a user's folder was accepted")
    } catch {
      #expect(error.description.contains("Documents"))
      #expect(error.description.contains("'plan.md'"))
      #expect(error.description.contains("did not write"))
    }
  }

  @Test func aNewOrEmptyFolderIsWrittenAndMarked() throws {
    let home = try homeLikeFolder()
    let empty = home.appendingPathComponent("empty")
    try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
    for folder in [empty, home.appendingPathComponent("new/reports")] {
      try ReportFolder.write(smallReports, to: folder)
      let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
      #expect(names == [OutputFolder.markerName, "rankings.csv"])
    }
  }

  @Test func aMarkedFolderHoldingAFileItDoesNotListIsRefused() throws {
    let home = try homeLikeFolder()
    let folder = home.appendingPathComponent("reports")
    try ReportFolder.write(smallReports, to: folder)
    try Data("mine".utf8).write(to: folder.appendingPathComponent("my-notes.txt"))
    let before = try contents(of: home)
    try expectRefusal { try ReportFolder.write(smallReports, to: folder) }
    #expect(try contents(of: home) == before)
  }

  @Test func aFolderHoldingTheStoreTheInputOrTheWorkingDirectoryIsNeverReplaced() throws {
    let home = try homeLikeFolder()
    let out = home.appendingPathComponent("out")
    // The store inside the report folder: refused before it exists.
    try expectRefusal {
      try OutputFolder.checkReplaceable(
        out,
        protecting: [out.appendingPathComponent("history.sqlite")]
      )
    }
    try expectRefusal {
      try OutputFolder.checkReplaceable(
        home,
        protecting: [home.appendingPathComponent("holdings.csv")]
      )
    }
    let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    try expectRefusal {
      try OutputFolder.checkReplaceable(workingDirectory, protecting: [])
    }
    try expectRefusal {
      try OutputFolder.checkReplaceable(
        workingDirectory.deletingLastPathComponent(),
        protecting: []
      )
    }
  }

  @Test func reportPathsThatLeaveTheFolderAreRefused() throws {
    let home = try homeLikeFolder()
    let before = try contents(of: home)
    for path in ["../victim.csv", "a/../../victim.csv", "/etc/x.csv", ".hidden.csv", "a//b.csv"] {
      try expectRefusal {
        try ReportFolder.write([path: ReportFile([1])], to: home.appendingPathComponent("out"))
      }
    }
    // A file and a folder of the same name cannot both be written.
    try expectRefusal {
      try ReportFolder.write(
        ["x": ReportFile([1]), "x/rankings.csv": ReportFile([1])],
        to: home.appendingPathComponent("out")
      )
    }
    #expect(try contents(of: home) == before)
  }

  @Test func leftoversOfAProcessThatStillRunsAreKept() throws {
    let home = try homeLikeFolder()
    let mine = home.appendingPathComponent(".out.tmp-\(getpid())-0badcafe")
    let dead = home.appendingPathComponent(".out.tmp-99999999-0badcafe")
    for url in [mine, dead] {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
    }
    try ReportFolder.write(smallReports, to: home.appendingPathComponent("out"))
    #expect(FileManager.default.fileExists(atPath: mine.path))
    #expect(!FileManager.default.fileExists(atPath: dead.path))
    // The user's files named like leftovers are files, not folders: kept.
    #expect(
      FileManager.default.fileExists(atPath: home.appendingPathComponent(".notes.tmp-1").path)
    )
    #expect(
      FileManager.default.fileExists(
        atPath: home.appendingPathComponent(".report.tmp-99999-deadbeef").path
      )
    )
  }

  @Test func aReplaceableFileIsOneOfTheSameKindPolicyScoreWrote() throws {
    let home = try homeLikeFolder()
    let review = Array("\u{FEFF}action,segments\r\n".utf8)
    let mine = home.appendingPathComponent("review.csv")
    try Data(review + Array("accept,x\r\n".utf8)).write(to: mine)
    try OutputFolder.checkReplaceable(file: mine, with: review)
    try expectRefusal {
      try OutputFolder.checkReplaceable(
        file: home.appendingPathComponent("holdings.csv"),
        with: review
      )
    }
  }
}

@Suite struct BoundedParsingTests {
  /// A scenario whose keys are nested aliases: without the bound, each level
  /// multiplies the parsing time about six-fold.
  static let aliasKeys = """
    schema_version: 1
    title: bomb
    description: keys made of aliases
    a0: &a0 {x: 1, y: 2}
    a1: &a1 {*a0: 1, [*a0]: 2, ? [*a0, *a0] : 3}
    a2: &a2 {*a1: 1, [*a1]: 2, ? [*a1, *a1] : 3}
    a3: &a3 {*a2: 1, [*a2]: 2, ? [*a2, *a2] : 3}
    a4: &a4 {*a3: 1, [*a3]: 2, ? [*a3, *a3] : 3}
    a5: &a5 {*a4: 1, [*a4]: 2, ? [*a4, *a4] : 3}
    a6: &a6 {*a5: 1, [*a5]: 2, ? [*a5, *a5] : 3}
    a7: &a7 {*a6: 1, [*a6]: 2, ? [*a6, *a6] : 3}
    a8: &a8 {*a7: 1, [*a7]: 2, ? [*a7, *a7] : 3}

    """

  /// Billion laughs as values: nine lists of nine aliases each.
  static let aliasValues: String = {
    var lines = ["schema_version: 1", "title: laughs", "description: aliases as values"]
    lines.append("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    for level in 1...9 {
      let items = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
      lines.append("l\(level): &l\(level) [\(items)]")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  @Test(arguments: [
    ("keys", aliasKeys, 5, 10, "an alias cannot be a key"),
    ("complex", "schema_version: 1\n? [a, b]\n: 1\n", 2, 1, "given with '?' cannot be a key"),
    ("list-key", "schema_version: 1\n[a, b]: 1\n", 2, 1, "a list or mapping cannot be a key"),
    ("values", aliasValues, 10, 5, "expand to more than 1000000"),
  ])
  func aYAMLBombIsALocatedErrorNotAHang(
    _ name: String,
    _ text: String,
    _ line: Int,
    _ column: Int,
    _ message: String
  ) throws {
    let folder = try temporaryDirectory(name)
    let file = folder.appendingPathComponent("\(name).yaml")
    try Data(text.utf8).write(to: file)
    do {
      _ = try ScenarioLoader(model: shippedModel).load([file])
      Issue.record("the bomb loaded")
    } catch {
      guard case .invalid(let diagnostics) = error else {
        Issue.record("\(error)")
        return
      }
      let first = try #require(diagnostics.first)
      #expect(first.message.contains(message), "\(first)")
      #expect(first.location?.line == line && first.location?.column == column, "\(first)")
    }
  }

  @Test func aJobFileGoesThroughTheSameBounds() throws {
    let folder = try temporaryDirectory()
    let file = folder.appendingPathComponent("job.yaml")
    try Data(Self.aliasKeys.utf8).write(to: file)
    #expect(throws: JobError.self) { try Job(contentsOf: file) }
  }

  @Test func anchorsAndAliasesThatStayWithinTheBoundsStillWork() throws {
    let folder = try temporaryDirectory()
    let file = folder.appendingPathComponent("shared.yaml")
    try Data(
      """
      schema_version: 1
      title: "Shared weights"
      description: "An anchor reused as a value."
      weights: &w {encouraged: 0.5, financial: 0.25, substitution: 0.25}
      # '*' and '&' inside text are not aliases: *bold* & more
      category_values: {restricted: 10}  # *a: & b

      """.utf8
    ).write(to: file)
    let scenario = try #require(try ScenarioLoader(model: shippedModel).load([file]).first)
    #expect(scenario.title == "Shared weights")
  }

  @Test func aListItemThatIsNotAPlainValueIsAnError() throws {
    let folder = try temporaryDirectory()
    let file = folder.appendingPathComponent("job.yaml")
    try Data(
      """
      schema_version: 1
      name: lists
      portfolios: [a.csv]
      scenarios: [baseline, [x], {y: z}]
      output: out

      """.utf8
    ).write(to: file)
    do {
      _ = try Job(contentsOf: file)
      Issue.record("the job loaded")
    } catch {
      guard case .invalid(let diagnostics) = error else {
        Issue.record("\(error)")
        return
      }
      let messages = diagnostics.map(\.description)
      #expect(messages.contains { $0.contains("job.yaml:4:23") && $0.contains("not a list") })
      #expect(messages.contains { $0.contains("job.yaml:4:28") && $0.contains("not a mapping") })
    }
  }

  @Test(arguments: ["bomb.xlsx", "bomb-understated.xlsx"])
  func anXLSXBombFailsBeforeInflating(_ name: String) throws {
    let url = fixturesURL.appendingPathComponent("import/\(name)")
    do {
      _ = try PortfolioReader(knownSegments: []).read(contentsOf: url)
      Issue.record("the bomb was read")
    } catch {
      #expect(error.description.contains("inflates"), "\(error)")
    }
  }

  @Test func aScenarioNameThatIsAPathIsALocatedError() throws {
    let folder = try temporaryDirectory()
    let file = folder.appendingPathComponent("victim.yaml")
    try Data(
      """
      schema_version: 1
      name: "../../victim"
      title: t
      description: d

      """.utf8
    ).write(to: file)
    do {
      _ = try ScenarioLoader(model: shippedModel).load([file])
      Issue.record("the scenario loaded")
    } catch {
      guard case .invalid(let diagnostics) = error else {
        Issue.record("\(error)")
        return
      }
      #expect(diagnostics.first?.location?.line == 2)
      #expect(diagnostics.first?.message.contains("cannot name a scenario") == true)
    }
  }

  @Test func portfoliosOfOneNameInTwoFoldersGetTwoReportFolders() {
    let files = ["/x/a/fund.csv", "/x/b/fund.csv", "/x/c/other.csv", "/x/.hidden.csv"].map {
      URL(fileURLWithPath: $0)
    }
    #expect(Job.folderNames(for: files) == ["a-fund", "b-fund", "other", "hidden"])
  }
}

@Suite struct SilentAcceptanceTests {
  @Test func aControlCharacterInACellRejectsItsRowWithTheColumn() throws {
    let portfolio = try portfolio("ticker,name,weight\n600276,恒瑞\u{0}医药,50%\n300760,迈瑞医疗,50%\n")
    #expect(portfolio.holdings.map(\.ticker.canonical) == ["300760.SZ"])
    let reject = try #require(portfolio.rejects.first)
    #expect(reject.line == 2 && reject.column == "name")
    #expect(reject.reason.contains("U+0000"))
  }

  @Test func aPercentageIsNotAMarketValue() throws {
    let portfolio = try portfolio("ticker,market value\n600276,50%\n300760,1000\n")
    #expect(portfolio.holdings.map(\.ticker.canonical) == ["300760.SZ"])
    #expect(portfolio.rejects.first?.reason.contains("is a percentage") == true)
  }

  @Test func aFolderIsNotAPortfolio() throws {
    let folder = try temporaryDirectory()
    do {
      _ = try PortfolioReader(knownSegments: []).read(contentsOf: folder)
      Issue.record("a folder was read")
    } catch {
      #expect(error.description.contains("is a folder, not a portfolio file"))
    }
  }

  @Test func anUnclosedQuoteRejectsItsLineAndReadsTheRest() throws {
    let portfolio = try portfolio(
      "ticker,name,weight\n600276,\"恒瑞医药,40%\n300760,迈瑞医疗,30%\n000001,\"平安\",30%\n"
    )
    #expect(portfolio.holdings.map(\.ticker.canonical) == ["300760.SZ", "000001.SZ"])
    #expect(portfolio.rejects.map(\.line) == [2])
    #expect(portfolio.rejects.first?.column == "name")
  }

  @Test func aQuotedFieldMayStillHoldALineBreak() throws {
    let portfolio = try portfolio("ticker,name,weight\n600276,\"恒瑞\n医药\",40%\n300760,迈瑞,60%\n")
    #expect(portfolio.holdings.map(\.name) == ["恒瑞\n医药", "迈瑞"])
    #expect(portfolio.rejects.isEmpty)
  }
}

@Suite struct RoundTripTests {
  static let awkward = [
    "=cmd|' /C calc'!A0", "+1", "-x", "@SUM(A1)", "'quoted", "''two", "a,b", "say \"hi\"",
    "line\nbreak", " padded ", "恒瑞医药（创新药）", "\ttab", "",
  ]

  @Test func decisionsExportedReadBackExactly() throws {
    let segments: [SegmentShare] = [
      SegmentShare(segment: "innovative-drugs", share: 1.0 / 3),
      SegmentShare(segment: "generic-chemical-drugs", share: 2.0 / 3),
    ]
    let decisions = Self.awkward.enumerated().map { index, text in
      MappingDecision(
        ticker: index % 2 == 0 ? "6002\(index + 10).SH" : "-T\(index)",
        action: [.accept, .reject, .replace][index % 3],
        segments: index % 3 == 1 ? [] : segments,
        reason: text,
        decidedBy: text.isEmpty ? "analyst" : text,
        decidedAt: "2026-12-06T06:00:0\(index % 10)Z",
        descriptionFingerprint: "abc\(index)"
      )
    }
    let marked = ReviewFile.read(
      bytes: ReviewFile.export(decisions),
      file: "export.csv",
      knownSegments: Set(shippedModel.segmentIDs),
      decidedBy: "someone else",
      decidedAt: "later"
    )
    #expect(marked.problems.isEmpty, "\(marked.problems)")
    #expect(marked.decisions == decisions)
  }

  @Test func aDecisionForATickerThatLooksLikeAFormulaIsApplied() throws {
    let run = try run("ticker,name,weight,description\n-ABC,Formula Co,1,医院\n")
    let (bytes, count) = ReviewFile.render(run: run, below: 1.01, decided: [:])
    #expect(count == 1)
    var text = String(decoding: bytes, as: UTF8.self)
    text = text.replacingOccurrences(of: "\r\n,,,", with: "\r\nreject,,not ours,")
    let marked = ReviewFile.read(
      bytes: Array(text.utf8),
      file: "review.csv",
      knownSegments: Set(shippedModel.segmentIDs),
      decidedBy: "test",
      decidedAt: "now"
    )
    let decision = try #require(marked.decisions.first)
    #expect(decision.ticker == run.scores.first?.holding.ticker.canonical)
    let mapper = Mapper(model: shippedModel, decisions: [decision])
    let again = ScoreRun(portfolio: run.portfolio, scoring: run.scoring, mapper: mapper)
    #expect(again.scores.isEmpty && again.outOfScope.count == 1)
  }
}

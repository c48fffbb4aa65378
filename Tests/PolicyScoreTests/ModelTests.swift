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

@Suite struct ShippedModelTests {
  @Test func loadsWithoutErrorsOrWarnings() {
    #expect(shippedModel.warnings.isEmpty, "\(shippedModel.warnings)")
  }

  @Test func the2024MedicalSectionHas5Encouraged6Restricted13EliminatedItems() throws {
    let catalog = try #require(shippedModel.catalog(edition: "2024"))
    let counts = Dictionary(grouping: catalog.items, by: \.category).mapValues(\.count)
    #expect(counts[.encouraged] == 5)
    #expect(counts[.restricted] == 6)
    #expect(counts[.eliminated] == 13)
    #expect(catalog.effective == Day("2024-02-01"))
  }

  @Test func everyEncouragedSubItemOfTheSeedsIsASegment() throws {
    let catalog = try #require(shippedModel.catalog(edition: "2024"))
    for id in [
      "api-chiral-synthesis", "viral-vector-preparation", "modified-new-drugs", "shortage-drugs",
      "cell-therapy-drugs", "cell-culture-media", "purification-media", "laboratory-animals",
      "surgical-robots", "tcm-classical-formulas", "ethnic-medicines",
    ] {
      #expect(catalog.category(of: SegmentID(id)) == .encouraged, "\(id)")
    }
  }

  @Test func referenceSegmentsCoverEveryKindOfHealthcareCompany() throws {
    let catalog = try #require(shippedModel.catalog(edition: "2024"))
    for id in [
      "generic-chemical-drugs", "apis-general", "blood-products", "otc-consumer-health",
      "medical-consumables", "dental-products", "ophthalmic-products", "cro-services",
      "cdmo-services", "hospitals", "checkup-centres", "independent-labs", "pharma-distribution",
      "retail-pharmacies", "medical-logistics",
    ] {
      #expect(catalog.category(of: SegmentID(id)) == .allowed, "\(id)")
      #expect(shippedModel.segments[SegmentID(id)]?.reference != nil, "\(id)")
    }
  }

  @Test func holdsAtLeast15InstrumentsWithTailwindsAndHeadwinds() {
    #expect(shippedModel.instruments.count >= 15)
    let directions = Set(shippedModel.instruments.flatMap(\.effects).map(\.direction))
    #expect(directions == [.tailwind, .headwind])
    for instrument in shippedModel.instruments {
      #expect(
        !instrument.fact.sources.isEmpty || instrument.fact.grade == .verified(.recalled),
        "\(instrument.id) cites no source and is not graded recalled"
      )
      for effect in instrument.effects { #expect(!effect.rationale.isEmpty) }
    }
  }

  @Test func noFactIsPrimaryBecauseNoOfficialTextWasSeen() {
    #expect(shippedModel.factCount(.verified(.primary)) == 0)
    #expect(shippedModel.factCount(.verified(.secondary)) > 50)
    #expect(shippedModel.factCount(.verified(.recalled)) > 20)
    #expect(shippedModel.factCount(.assumption) > 0)
  }

  @Test func weightsSumToOne() {
    #expect(abs(shippedModel.parameters.weights.sum - 1) < 1e-12)
  }

  @Test func the2019EditionDiffersWhereTheReferenceSaysSo() throws {
    let old = try #require(shippedModel.catalog(edition: "2019"))
    #expect(old.category(of: "purification-media") == .allowed)
    #expect(old.category(of: "medical-logistics") == .encouraged)
    #expect(old.category(of: "innovative-drugs") == .encouraged)
  }
}

/// Breaks a copy of the shipped model and checks the error is located.
@Suite struct BrokenModelTests {
  struct Breakage: CustomTestStringConvertible, Sendable {
    var id: String
    var file: String
    var find: String
    var replace: String
    var message: String
    var testDescription: String { id }
  }

  static let cases: [Breakage] = [
    Breakage(
      id: "unknown segment id",
      file: "instruments.yaml",
      find: "applies_to: {segments: [rare-disease-drugs]}",
      replace: "applies_to: {segments: [rare-disease-drug]}",
      message: "unknown segment 'rare-disease-drug'; did you mean 'rare-disease-drugs'?"
    ),
    Breakage(
      id: "strength out of range",
      file: "instruments.yaml",
      find: "strength: 0.3, applies_to: {segments: [rare-disease-drugs]}",
      replace: "strength: 1.3, applies_to: {segments: [rare-disease-drugs]}",
      message: "'strength' in effects[0] is 1.3, outside 0...1"
    ),
    Breakage(
      id: "weight out of range",
      file: "parameters.yaml",
      find: "encouraged: 0.40",
      replace: "encouraged: 1.40",
      message: "'encouraged' in weights is 1.40, outside 0...1"
    ),
    Breakage(
      id: "weights not summing to one",
      file: "parameters.yaml",
      find: "encouraged: 0.40",
      replace: "encouraged: 0.30",
      message: "weights sum to"
    ),
    Breakage(
      id: "bad date",
      file: "instruments.yaml",
      find: "valid: [{from: 2019-03-01}]",
      replace: "valid: [{from: 2019-02-30}]",
      message: "'from' in valid[0] must be a date YYYY-MM-DD, not '2019-02-30'"
    ),
    Breakage(
      id: "YAML syntax error",
      file: "substitution.yaml",
      find: "profiles:\n",
      replace: "profiles:\n  - {segment: [unclosed\n",
      message: "YAML syntax error"
    ),
    Breakage(
      id: "unknown key",
      file: "instruments.yaml",
      find: "    type: tax\n",
      replace: "    typ: tax\n",
      message: "unknown key 'typ' in instruments[0]; did you mean 'type'?"
    ),
    Breakage(
      id: "ungraded fact",
      file: "reference-segments.yaml",
      find:
        "domain: healthcare-services, verification: recalled, sources: [seed-000, seed-001], note:",
      replace: "domain: healthcare-services, note:",
      message: "missing 'verification'"
    ),
    Breakage(
      id: "a listing that is not a ticker",
      file: "listings-hk-us.csv",
      find: "1801.HK,信达生物",
      replace: "US0378331006,信达生物",
      message: "'US0378331006' is not a ticker"
    ),
    Breakage(
      id: "item count differs from the declared count",
      file: "catalog-2024.yaml",
      find: "counts: {encouraged: 5,",
      replace: "counts: {encouraged: 6,",
      message: "edition 2024 declares 6 encouraged items but lists 5"
    ),
  ]

  /// The diagnostics of the shipped model with `breakages` made to a copy
  /// of it, or nil (and an issue recorded) when it loads.
  func diagnostics(breaking breakages: [Breakage]) throws -> [Diagnostic]? {
    let directory = try temporaryDirectory()
    for name in try FileManager.default.contentsOfDirectory(atPath: modelsURL.path) {
      try FileManager.default.copyItem(
        at: modelsURL.appendingPathComponent(name),
        to: directory.appendingPathComponent(name)
      )
    }
    for breakage in breakages {
      let url = directory.appendingPathComponent(breakage.file)
      let text = try String(contentsOf: url, encoding: .utf8)
      #expect(text.contains(breakage.find), "fixture text not found")
      try text.replacingOccurrences(of: breakage.find, with: breakage.replace)
        .write(to: url, atomically: true, encoding: .utf8)
    }
    do {
      _ = try ModelBundle(contentsOf: directory)
      Issue.record("the broken model loaded")
    } catch {
      guard case .invalid(let diagnostics) = error else {
        Issue.record("unexpected \(error)")
        return nil
      }
      return diagnostics
    }
    return nil
  }

  @Test(arguments: cases) func reportsTheProblemWithFileLineAndColumn(_ breakage: Breakage) throws {
    guard let diagnostics = try diagnostics(breaking: [breakage]) else { return }
    let matching = diagnostics.filter { $0.message.contains(breakage.message) }
    #expect(!matching.isEmpty, "\(diagnostics.map(\.description))")
    for diagnostic in matching {
      let location = try #require(diagnostic.location)
      #expect(location.file.hasSuffix(breakage.file))
      #expect(location.line > 1)
      #expect(
        diagnostic.description.hasPrefix(
          "\(location.file):\(location.line):\(location.column): error: "
        )
      )
    }
  }

  /// The listing files are read on one core while the other reads the
  /// registry and the files before it; their problems still come in the
  /// files' order, and a listing file's unknown source is still found.
  @Test func problemsOfFilesReadSideBySideComeInTheFilesOrder() throws {
    let breakages = [
      Breakage(
        id: "registry",
        file: "registry.yaml",
        find: "segments: {vaccines: 1.0}, verification: recalled",
        replace: "segments: {vaccines: 1.0}, verificaton: recalled",
        message: "unknown key 'verificaton'"
      ),
      Breakage(
        id: "listing",
        file: "listings-hk-us.csv",
        find: "1801.HK,信达生物",
        replace: "US0378331006,信达生物",
        message: "'US0378331006' is not a ticker"
      ),
      Breakage(
        id: "listing source",
        file: "universe.yaml",
        find: "sources: [data-a-share-listings]",
        replace: "sources: [data-a-share-listingz]",
        message: "unknown source 'data-a-share-listingz'"
      ),
      Breakage(
        id: "strategic",
        file: "strategic.yaml",
        find: "valid: [{from: 2017-11-29, to: 2020-12-31}]",
        replace: "valid: [{from: 2017-11-31, to: 2020-12-31}]",
        message: "not '2017-11-31'"
      ),
    ]
    guard let diagnostics = try diagnostics(breaking: breakages) else { return }
    let places = try breakages.map { breakage in
      try #require(
        diagnostics.firstIndex { $0.message.contains(breakage.message) },
        "\(breakage.id): \(diagnostics.map(\.description))"
      )
    }
    let listing = diagnostics[places[1]]
    #expect(listing.location?.file.hasSuffix("listings-hk-us.csv") == true)
    #expect(diagnostics[places[2]].location?.file.hasSuffix("universe.yaml") == true)
    // The registry, the listing file, then the file read after both; the
    // unknown sources are checked last of all.
    #expect(places[0] < places[1] && places[1] < places[3] && places[3] < places[2])
  }
}

@Suite struct TypedIDTests {
  /// Ids are kept once per text and compared by reference: ids made apart
  /// from the same text, on several threads, must still be one id.
  @Test func idsOfTheSameTextAreEqualWhereverTheyWereMade() async {
    let text = "medical-devices-" + String(Int.random(in: 1_000...9_999)) + "-made-apart"
    let made = await withTaskGroup(of: SegmentID.self) { group in
      for _ in 0..<8 {
        group.addTask { SegmentID(rawValue: String(decoding: Array(text.utf8), as: UTF8.self)) }
      }
      return await group.reduce(into: []) { $0.append($1) }
    }
    #expect(Set(made).count == 1)
    #expect(made.allSatisfy { $0 == SegmentID(text) && $0.rawValue == text })
    #expect(Dictionary(made.map { ($0, 1) }, uniquingKeysWith: +)[SegmentID(text)] == 8)
    #expect(made[0].withUTF8 { Array($0) } == Array(text.utf8))
  }

  @Test func idsSortByTheirText() {
    let ids: [SegmentID] = ["zz-last", "a-first-but-longer-than-fifteen-bytes", "m", "a"]
    #expect(
      ids.sorted().map(\.rawValue) == [
        "a", "a-first-but-longer-than-fifteen-bytes", "m", "zz-last",
      ]
    )
    #expect(!(SegmentID("m") < SegmentID("m")))
    #expect(SegmentID("中药") != SegmentID("中药饮片"))
  }
}

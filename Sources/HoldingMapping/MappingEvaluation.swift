import Foundation
public import PolicyModel
public import PolicyScoreCore
import PortfolioImport

/// The mapper measured against a labelled set of companies: domain accuracy,
/// precision and recall per domain and per segment, segment-level F1 and a
/// confusion table of domains.
///
/// A label file has the columns `ticker`, `name`, `description`, `domain`
/// (the primary domain) and `segments` (`a;b`), and optionally
/// `industry_codes`, as a data vendor would give them.
public struct MappingEvaluation: Sendable {
  /// One labelled company and what the mapper made of it.
  public struct Case: Sendable {
    public var line: Int
    public var ticker: String
    public var name: String
    public var expectedDomain: Domain
    public var expectedSegments: Set<SegmentID>
    /// nil when unmapped.
    public var predictedDomain: Domain?
    public var predictedSegments: Set<SegmentID>
    public var method: String
    /// The evidence, or the reason it is unmapped.
    public var evidence: String

    public var domainCorrect: Bool { predictedDomain == expectedDomain }
    /// |expected ∩ predicted| / |expected ∪ predicted|.
    public var jaccard: Double {
      let union = expectedSegments.union(predictedSegments).count
      return union == 0
        ? 1 : Double(expectedSegments.intersection(predictedSegments).count) / Double(union)
    }
  }

  public struct Counts: Sendable, Hashable {
    public var truePositives = 0
    public var falsePositives = 0
    public var falseNegatives = 0

    public var precision: Double {
      let predicted = truePositives + falsePositives
      return predicted == 0 ? 0 : Double(truePositives) / Double(predicted)
    }
    public var recall: Double {
      let expected = truePositives + falseNegatives
      return expected == 0 ? 0 : Double(truePositives) / Double(expected)
    }
    public var f1: Double {
      precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
    }
  }

  public var cases: [Case] = []
  public var file: String

  /// Reads the labels and maps every company with `mapper`.
  ///
  /// - Throws: every problem in the label file, located.
  public init(
    labels bytes: [UInt8],
    file: String,
    model: ModelBundle,
    mapper: Mapper,
    blankCodes: Bool = false
  )
    throws(Diagnostics)
  {
    self.file = file
    let table = CSVTable(bytes: bytes, file: file)
    var problems: [Diagnostic] = []
    let columns = ["ticker", "name", "description", "domain", "segments"]
    let missing = columns.filter { table.column($0) == nil }
    if !missing.isEmpty {
      throw Diagnostics(
        [
          Diagnostic(
            .error,
            "no column \(missing.map { "'\($0)'" }.joined(separator: ", ")) in the label file (it needs \(columns.joined(separator: ", ")))",
            at: SourceLocation(file: file, line: 1, column: 1)
          )
        ],
        in: "the labels"
      )
    }
    let known = Set(model.segmentIDs)
    let domainColumn = table.column("domain")
    let segmentsColumn = table.column("segments")
    let codesColumn = table.column("industry_codes")
    for record in table.records {
      let domainText = table.cell(record, domainColumn)
      guard let domain = Domain(rawValue: domainText) else {
        problems.append(
          Diagnostic(
            .error,
            "column 'domain': unknown domain '\(domainText)'\(Suggestion.hint(for: domainText, in: Domain.allCases.map(\.rawValue)))",
            at: table.location(record, domainColumn)
          )
        )
        continue
      }
      let expected: [SegmentShare]
      do {
        expected = try SegmentSplit.parse(table.cell(record, segmentsColumn), known: known) ?? []
      } catch {
        problems.append(
          Diagnostic(
            .error,
            "column 'segments': \(error.reason)",
            at: table.location(record, segmentsColumn)
          )
        )
        continue
      }
      let holding = Holding(
        line: record.line,
        portfolio: "evaluation",
        ticker: Ticker(table.cell(record, table.column("ticker"))),
        name: table.cell(record, table.column("name")),
        weight: 1,
        marketValue: nil,
        description: table.cell(record, table.column("description")),
        industryCodes: blankCodes ? [] : CellList.split(table.cell(record, codesColumn)),
        origin: nil,
        chinaShare: nil,
        split: nil
      )
      var evaluated = Case(
        line: record.line,
        ticker: holding.ticker.canonical,
        name: holding.name,
        expectedDomain: domain,
        expectedSegments: Set(expected.map(\.segment)),
        predictedDomain: nil,
        predictedSegments: [],
        method: "unmapped",
        evidence: ""
      )
      switch mapper.map(holding) {
      case .mapped(let mapping):
        evaluated.predictedSegments = Set(mapping.segments.map(\.segment))
        evaluated.predictedDomain = mapping.segments.first.flatMap { mapper.domain(of: $0.segment) }
        evaluated.method = mapping.method.rawValue
        evaluated.evidence = mapping.segments.map { "\($0.segment): \($0.evidence)" }
          .joined(separator: " | ")
      case .unmapped(let reason):
        evaluated.evidence = reason
      case .outOfScope(let reason):
        evaluated.method = "out-of-scope"
        evaluated.evidence = reason
      }
      cases.append(evaluated)
    }
    if !problems.isEmpty { throw Diagnostics(problems, in: "the labels") }
  }

  /// Share of companies whose primary domain is the labelled one.
  public var domainAccuracy: Double {
    cases.isEmpty ? 0 : Double(cases.filter(\.domainCorrect).count) / Double(cases.count)
  }

  /// Segment membership over all companies, micro-averaged.
  public var segmentCounts: Counts {
    bySegment.values.reduce(into: Counts()) {
      $0.truePositives += $1.truePositives
      $0.falsePositives += $1.falsePositives
      $0.falseNegatives += $1.falseNegatives
    }
  }

  public var bySegment: [SegmentID: Counts] {
    var counts: [SegmentID: Counts] = [:]
    for item in cases {
      for segment in item.expectedSegments.union(item.predictedSegments) {
        switch (item.expectedSegments.contains(segment), item.predictedSegments.contains(segment)) {
        case (true, true): counts[segment, default: Counts()].truePositives += 1
        case (false, true): counts[segment, default: Counts()].falsePositives += 1
        case (true, false): counts[segment, default: Counts()].falseNegatives += 1
        case (false, false): break
        }
      }
    }
    return counts
  }

  /// Primary-domain classification per domain.
  public var byDomain: [Domain: Counts] {
    var counts: [Domain: Counts] = [:]
    for item in cases {
      if item.domainCorrect {
        counts[item.expectedDomain, default: Counts()].truePositives += 1
      } else {
        counts[item.expectedDomain, default: Counts()].falseNegatives += 1
        if let predicted = item.predictedDomain {
          counts[predicted, default: Counts()].falsePositives += 1
        }
      }
    }
    return counts
  }

  /// The worst cases: wrong domain first, then the least segment overlap.
  public func worst(_ count: Int) -> [Case] {
    cases.filter { !$0.domainCorrect || $0.jaccard < 1 }
      .sorted {
        ($0.domainCorrect ? 1 : 0, $0.jaccard, $0.line) < (
          $1.domainCorrect ? 1 : 0, $1.jaccard, $1.line
        )
      }
      .prefix(count).map { $0 }
  }
}

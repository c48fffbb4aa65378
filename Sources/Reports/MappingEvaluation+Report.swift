import Foundation
public import HoldingMapping
import PolicyModel
import PolicyScoreCore

/// The evaluation as the terminal and its per-company CSV show it.
extension MappingEvaluation {
  /// The text report: totals, per-domain and per-segment tables, the
  /// confusion table and the worst errors.
  public func report(worst count: Int = 10) -> String {
    var lines: [String] = []
    let segments = segmentCounts
    lines.append("evaluation of \(file): \(cases.count) companies")
    lines.append(
      "domain accuracy \(percentText(domainAccuracy)) (\(cases.filter(\.domainCorrect).count)/\(cases.count)); segments: precision \(percentText(segments.precision)), recall \(percentText(segments.recall)), F1 \(percentText(segments.f1))"
    )
    let methods = Dictionary(grouping: cases, by: \.method).mapValues(\.count)
    lines.append(
      "methods: "
        + methods.keys.sorted().map { "\($0) \(methods[$0] ?? 0)" }.joined(separator: ", ")
    )
    lines.append("")
    var domainRows = [["domain", "companies", "precision", "recall", "F1"]]
    let domainCounts = byDomain
    for domain in Domain.allCases {
      guard let counts = domainCounts[domain] else { continue }
      domainRows.append([
        domain.rawValue, String(counts.truePositives + counts.falseNegatives),
        percentText(counts.precision), percentText(counts.recall), percentText(counts.f1),
      ])
    }
    lines += TextTable.lines(domainRows, rightAligned: [1, 2, 3, 4])
    lines.append("")
    lines.append("confusion of primary domains (rows expected, columns predicted):")
    let present = Domain.allCases.filter { domain in
      cases.contains { $0.expectedDomain == domain || $0.predictedDomain == domain }
    }
    let short = present.map { String($0.rawValue.prefix(8)) }
    var confusion = [["expected"] + short + ["unmapped"]]
    for expected in present {
      var row = [expected.rawValue]
      for predicted in present {
        let n = cases.filter { $0.expectedDomain == expected && $0.predictedDomain == predicted }
          .count
        row.append(n == 0 ? "." : String(n))
      }
      let unmapped = cases.filter { $0.expectedDomain == expected && $0.predictedDomain == nil }
        .count
      row.append(unmapped == 0 ? "." : String(unmapped))
      confusion.append(row)
    }
    lines += TextTable.lines(confusion, rightAligned: Set(1...(present.count + 1)))
    lines.append("")
    var segmentRows = [["segment", "expected", "predicted", "precision", "recall", "F1"]]
    let segmentTable = bySegment
    for segment in segmentTable.keys.sorted() {
      guard let counts = segmentTable[segment] else { continue }
      segmentRows.append([
        segment.rawValue, String(counts.truePositives + counts.falseNegatives),
        String(counts.truePositives + counts.falsePositives), percentText(counts.precision),
        percentText(counts.recall), percentText(counts.f1),
      ])
    }
    lines += TextTable.lines(segmentRows, rightAligned: [1, 2, 3, 4, 5])
    let worstCases = worst(count)
    if !worstCases.isEmpty {
      lines.append("")
      lines.append("worst \(worstCases.count) errors:")
      for item in worstCases {
        lines.append(
          "  line \(item.line) \(item.ticker) \(item.name): expected \(item.expectedDomain.rawValue) [\(item.expectedSegments.map(\.rawValue).sorted().joined(separator: ", "))], got \(item.predictedDomain?.rawValue ?? "unmapped") [\(item.predictedSegments.map(\.rawValue).sorted().joined(separator: ", "))] by \(item.method)"
        )
        lines.append("    \(item.evidence.prefix(300))")
      }
    }
    return lines.joined(separator: "\n")
  }

  /// One row per company, for a spreadsheet.
  public var csv: [UInt8] {
    let header = [
      "line", "ticker", "name", "expected_domain", "predicted_domain", "domain_correct",
      "expected_segments", "predicted_segments", "jaccard", "method", "evidence",
    ]
    let rows: [[CSVCell]] = cases.map { item in
      [
        .integer(item.line), .text(item.ticker), .text(item.name),
        .text(item.expectedDomain.rawValue),
        .text(item.predictedDomain?.rawValue ?? "unmapped"), .integer(item.domainCorrect ? 1 : 0),
        .text(item.expectedSegments.map(\.rawValue).sorted().joined(separator: ";")),
        .text(item.predictedSegments.map(\.rawValue).sorted().joined(separator: ";")),
        .number(item.jaccard, decimals: 3), .text(item.method), .text(item.evidence),
      ]
    }
    return CSVWriter.render(header: header, rows: rows)
  }

  private func percentText(_ value: Double) -> String { fixed(value * 100, decimals: 1) + "%" }
}

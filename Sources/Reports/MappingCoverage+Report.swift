import HoldingMapping
import PolicyModel
import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

/// The coverage as the terminal and coverage.csv show it.
extension MappingCoverage {
  /// One line for a terminal: `mapped 53/55 holdings, 97.1% of weight
  /// (registry 40, text 10, industry-code 3); 2 borderline`.
  public var summary: String {
    let methods = MappingMethod.allCases.compactMap { method in
      byMethod[method].map { "\(method.rawValue) \($0.holdings)" }
    }
    let methodsPart = methods.isEmpty ? "" : " (\(methods.joined(separator: ", ")))"
    let outside =
      outOfScope.isEmpty
      ? ""
      : "; \(outOfScope.count) out of scope (\(fixed(outOfScope.reduce(0) { $0 + $1.holding.weight } * 100, decimals: 1))% of weight), not counted"
    return
      "mapped \(mapped.holdings)/\(total.holdings) holdings, \(fixed(weightShare * 100, decimals: 1))% of weight\(methodsPart); \(borderline.count) borderline\(outside)"
  }

  static let header = ["scope", "key", "holdings", "holdings_share", "weight_share", "note"]

  /// `coverage.csv`: total, per method, per domain, unmapped, then the
  /// borderline and unmapped holdings, heaviest first, at most `listed` of
  /// each: the rest are in `rankings.csv` and `unmapped.csv`.
  ///
  /// Shares are of the holdings in scope; the out-of-scope row says how many were left out, and how much
  /// weight they carry, as a share of the whole portfolio.
  /// How many borderline and unmapped holdings `coverage.csv` lists.
  static let listed = 50

  public var csv: [UInt8] {
    var rows: [[CSVCell]] = []
    func row(_ scope: String, _ key: String, _ line: Line, note: String = "") {
      let (holdings, weight) = shares(line)
      rows.append([
        .text(scope), .text(key), .integer(line.holdings), .number(holdings, decimals: 4),
        .number(weight, decimals: 4), .text(note),
      ])
    }
    row("total", "mapped", mapped)
    for method in MappingMethod.allCases {
      if let line = byMethod[method] { row("method", method.rawValue, line) }
    }
    for domain in byDomain.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
      row("domain", domain.rawValue, byDomain[domain] ?? Line())
    }
    row(
      "total",
      "unmapped",
      Line(holdings: unmapped.count, weight: unmapped.reduce(0) { $0 + $1.holding.weight })
    )
    if !outOfScope.isEmpty {
      let weight = outOfScope.reduce(0) { $0 + $1.holding.weight }
      let whole = total.weight + weight
      rows.append([
        .text("total"), .text("out-of-scope"), .integer(outOfScope.count), .empty,
        .number(whole > 0 ? weight / whole : 0, decimals: 4),
        .text("outside healthcare; not counted in the shares above (see out-of-scope.csv)"),
      ])
    }
    for (scope, holdings, file) in [
      ("borderline", borderline, "rankings.csv (column borderline)"),
      ("unmapped", unmapped, "unmapped.csv"),
    ] {
      // Heaviest first; ties in file order, so the same file lists the same.
      let heaviest = holdings.indices.sorted {
        (holdings[$0].holding.weight, holdings[$1].holding.line)
          > (holdings[$1].holding.weight, holdings[$0].holding.line)
      }
      for index in heaviest.prefix(Self.listed) {
        let (holding, reason) = holdings[index]
        row(
          scope,
          holding.ticker.canonical,
          Line(holdings: 1, weight: holding.weight),
          note: reason
        )
      }
      if holdings.count > Self.listed {
        let rest = heaviest.dropFirst(Self.listed)
        rows.append([
          .text(scope), .text("more"), .integer(rest.count), .empty,
          .number(
            shares(Line(holdings: 0, weight: rest.reduce(0) { $0 + holdings[$1].holding.weight }))
              .weight,
            decimals: 4
          ),
          .text("the lighter ones, in \(file)"),
        ])
      }
    }
    return CSVWriter.render(header: Self.header, rows: rows)
  }
}

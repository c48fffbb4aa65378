public import HoldingMapping
public import PolicyModel
import PolicyScoreCore
public import PortfolioImport

/// How much of a run the mapper covered: by holdings and by weight, per
/// method and per domain, with the holdings that need a second look.
///
/// Weight is each portfolio's weight, so with several portfolios the weight
/// shares are their mean.
public struct MappingCoverage: Sendable {
  public struct Line: Sendable, Hashable {
    public var holdings = 0
    public var weight = 0.0

    package init(holdings: Int = 0, weight: Double = 0) {
      self.holdings = holdings
      self.weight = weight
    }

    static func + (left: Line, right: Line) -> Line {
      Line(holdings: left.holdings + right.holdings, weight: left.weight + right.weight)
    }
  }

  public var total = Line()
  public var mapped = Line()
  /// By method; only methods that mapped something.
  public var byMethod: [MappingMethod: Line] = [:]
  /// By domain of each holding's primary segment, holdings and weight alike.
  public var byDomain: [Domain: Line] = [:]
  /// Mapped holdings whose mapping is borderline, with the reason.
  public var borderline: [(holding: Holding, reason: String)] = []
  /// Unmapped holdings, heaviest first.
  public var unmapped: [(holding: Holding, reason: String)] = []
  /// Holdings outside healthcare, heaviest first: not part of the coverage.
  public var outOfScope: [(holding: Holding, reason: String)] = []

  public init(run: ScoreRun) {
    let rows = run.coverageRows
    let scores = run.inFileOrder
    // Blocks of a fixed size across the cores, added up in order: the sums
    // do not depend on the number of cores.
    let block = 1 << 16
    let parts = Parallel.each((rows.count + block - 1) / block) { first in
      var part = Tally()
      for index in (first * block)..<min(rows.count, (first + 1) * block) {
        part.add(rows[index])
        if rows[index].isBorderline, let reason = scores[index].mapping.borderline {
          part.borderline.append((scores[index].holding, reason))
        }
      }
      return part
    }
    for part in parts {
      mapped = mapped + part.mapped
      for (method, line) in zip(MappingMethod.allCases, part.byMethod) where line.holdings > 0 {
        byMethod[method, default: Line()] = byMethod[method, default: Line()] + line
      }
      for (domain, line) in zip(Domain.allCases, part.byDomain) where line.holdings > 0 {
        byDomain[domain, default: Line()] = byDomain[domain, default: Line()] + line
      }
      borderline += part.borderline
    }
    // Each holding's weight and line taken once, not at every comparison.
    func heaviestFirst(
      _ list: [(holding: Holding, reason: String)]
    ) -> [(holding: Holding, reason: String)] {
      let keys = list.map { ($0.holding.weight, $0.holding.line) }
      return keys.indices
        .sorted { (keys[$0].0, keys[$1].1) > (keys[$1].0, keys[$0].1) }
        .map { list[$0] }
    }
    // The three lists sorted side by side: at a million holdings the
    // unmapped alone took a tenth of a second of one core.
    let borderline = borderline
    let lists = Parallel.each(3) { list in
      switch list {
      case 0: heaviestFirst(run.unmapped)
      case 1: heaviestFirst(run.outOfScope)
      default: borderline.sorted { $0.holding.line < $1.holding.line }
      }
    }
    (unmapped, outOfScope, self.borderline) = (lists[0], lists[1], lists[2])
    total.holdings = mapped.holdings + unmapped.count
    total.weight = mapped.weight + unmapped.reduce(0) { $0 + $1.holding.weight }
  }

  /// What the coverage counts of a scored holding, taken as it is scored:
  /// counting then reads these rows one after another instead of every
  /// score's holding and mapping from all over memory.
  struct Row: Sendable {
    var weight: Double
    /// The method's place in `MappingMethod.allCases`.
    var method: UInt8
    /// The primary segment's domain, by its place in `Domain.allCases`; -1
    /// when the scoring model does not know the segment.
    var domain: Int8
    var isBorderline: Bool

    /// `domains`: each segment's domain, by its place in `Domain.allCases`.
    init(weight: Double, mapping: Mapping, domains: SegmentTable<Int8>) {
      self.weight = weight
      method = UInt8(MappingMethod.allCases.firstIndex(of: mapping.method) ?? 0)
      // Read in place: a copy of the segment counts a reference on its
      // evidence.
      domain = mapping.segments.isEmpty ? -1 : domains[mapping.segments[0]] ?? -1
      isBorderline = mapping.borderline != nil
    }
  }

  /// One block's counts, by method and domain in their declared order.
  private struct Tally {
    var mapped = Line()
    var byMethod = [Line](repeating: Line(), count: MappingMethod.allCases.count)
    var byDomain = [Line](repeating: Line(), count: Domain.allCases.count)
    var borderline: [(holding: Holding, reason: String)] = []

    mutating func add(_ row: Row) {
      mapped.holdings += 1
      mapped.weight += row.weight
      byMethod[Int(row.method)].holdings += 1
      byMethod[Int(row.method)].weight += row.weight
      if row.domain >= 0 {
        byDomain[Int(row.domain)].holdings += 1
        byDomain[Int(row.domain)].weight += row.weight
      }
    }
  }

  /// Share of holdings mapped, 0...1 (0 when nothing is in scope: no
  /// holding was mapped).
  public var holdingShare: Double {
    total.holdings == 0 ? 0 : Double(mapped.holdings) / Double(total.holdings)
  }

  /// Share of weight mapped, 0...1 (0 when nothing is in scope).
  public var weightShare: Double { total.weight == 0 ? 0 : mapped.weight / total.weight }

  /// Share of `line`'s holdings and weight in the total.
  public func shares(_ line: Line) -> (holdings: Double, weight: Double) {
    (
      total.holdings == 0 ? 0 : Double(line.holdings) / Double(total.holdings),
      total.weight == 0 ? 0 : line.weight / total.weight
    )
  }
}

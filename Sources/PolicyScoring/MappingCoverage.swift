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
    // A segment's domain looked up once, not copied out of its score per holding.
    let domains = run.scoring.segmentScores.compactMapValues {
      Domain.allCases.firstIndex(of: $0.segment.domain)
    }
    let scores = run.inFileOrder
    // Blocks of a fixed size across the cores, added up in order: the sums
    // do not depend on the number of cores. File order, not rank order,
    // walks the scores in the order they lie in memory.
    let block = 1 << 16
    let parts = Parallel.each((scores.count + block - 1) / block) { first in
      var part = Tally()
      for index in (first * block)..<min(scores.count, (first + 1) * block) {
        part.add(scores[index], domains: domains)
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
    let heaviestFirst = {
      (a: (holding: Holding, reason: String), b: (holding: Holding, reason: String)) in
      (a.holding.weight, b.holding.line) > (b.holding.weight, a.holding.line)
    }
    unmapped = run.unmapped.sorted(by: heaviestFirst)
    outOfScope = run.outOfScope.sorted(by: heaviestFirst)
    total.holdings = mapped.holdings + unmapped.count
    total.weight = mapped.weight + unmapped.reduce(0) { $0 + $1.holding.weight }
    borderline.sort { $0.holding.line < $1.holding.line }
  }

  /// One block's counts, by method and domain in their declared order.
  private struct Tally {
    var mapped = Line()
    var byMethod = [Line](repeating: Line(), count: MappingMethod.allCases.count)
    var byDomain = [Line](repeating: Line(), count: Domain.allCases.count)
    var borderline: [(holding: Holding, reason: String)] = []

    mutating func add(_ score: Score, domains: [SegmentID: Int]) {
      let holding = score.holding
      let mapping = score.mapping
      let weight = holding.weight
      mapped.holdings += 1
      mapped.weight += weight
      let method = mapping.method.ordinal
      byMethod[method].holdings += 1
      byMethod[method].weight += weight
      if let primary = mapping.segments.first, let domain = domains[primary.segment] {
        byDomain[domain].holdings += 1
        byDomain[domain].weight += weight
      }
      if let reason = mapping.borderline { borderline.append((holding, reason)) }
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

extension MappingMethod {
  /// The method's place in `allCases`, without hashing it.
  fileprivate var ordinal: Int {
    Self.allCases.firstIndex(of: self) ?? 0
  }
}

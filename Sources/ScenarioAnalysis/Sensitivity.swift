import Dispatch
import HoldingMapping
import PolicyModel
public import PolicyScoreCore
public import PolicyScoring
import PortfolioImport

/// How robust a ranking is to its assumptions: one-at-a-time weight sweeps,
/// Monte Carlo over the weights and the uncertain instrument strengths, and a
/// rank-reversal check.
public struct Sensitivity: Sendable {
  public struct Options: Sendable, Hashable {
    /// Monte Carlo samples.
    public var samples: Int = 1000
    public var seed: UInt64 = 1
    /// "Top K" for the probability of staying in the top.
    public var top: Int = 10
    /// Dirichlet concentration around the model's weights: higher is tighter.
    public var concentration: Double = 50
    /// Points per one-at-a-time sweep, from weight 0 to weight 1.
    public var steps: Int = 11
    /// Removals tried by the rank-reversal check (the top holdings first).
    public var reversalLimit: Int = 1000

    public init() {}
  }

  /// One holding's robustness.
  public struct Row: Sendable, Hashable {
    public var portfolio: String
    public var line: Int
    public var ticker: String
    public var name: String
    public var rank: Int
    public var composite: Double
    /// Best and worst rank while each weight sweeps from 0 to 1 (E, F, D).
    public var sweepRanges: [ClosedRange<Int>]
    public var medianRank: Int
    /// The 5th and 95th percentile ranks: a 90% interval.
    public var interval: ClosedRange<Int>
    /// Share of samples in which the holding ranks within the top K.
    public var topProbability: Double
  }

  /// A pair of holdings whose order flips when another is removed.
  public struct Reversal: Sendable, Hashable {
    public var portfolio: String
    public var removed: String
    public var first: String
    public var second: String
  }

  public var options: Options
  /// By portfolio, then base rank.
  public var rows: [Row]
  public var reversals: [Reversal]
  public var removalsChecked: Int
  /// Instruments whose strengths were sampled.
  public var uncertainInstruments: [InstrumentID]

  public init(run: ScoreRun, options: Options) {
    self.options = options
    let scoring = run.scoring
    let uncertain = scoring.model.instruments.filter { $0.uncertainty > 0 }
    uncertainInstruments = uncertain.map(\.id)
    var rows: [Row] = []
    var reversals: [Reversal] = []
    var removals = 0
    for summary in run.summaries {
      let scores = run.scores.filter { $0.holding.portfolio == summary.portfolio }
      guard !scores.isEmpty else { continue }
      let group = Group(scores: scores, scoring: scoring, uncertain: uncertain)
      let sweeps = group.sweeps(steps: max(2, options.steps))
      let monteCarlo = group.monteCarlo(options)
      for (index, score) in scores.enumerated() {
        rows.append(
          Row(
            portfolio: summary.portfolio,
            line: score.holding.line,
            ticker: score.holding.ticker.canonical,
            name: score.holding.name,
            rank: score.rank,
            composite: score.composite,
            sweepRanges: sweeps[index],
            medianRank: monteCarlo.median[index],
            interval: monteCarlo.low[index]...monteCarlo.high[index],
            topProbability: monteCarlo.top[index]
          )
        )
      }
      let (found, tried) = Self.reversals(scores, limit: options.reversalLimit)
      reversals += found
      removals += tried
    }
    self.rows = rows
    self.reversals = reversals
    self.removalsChecked = removals
  }

  /// Removes each of the first `limit` holdings in turn, re-ranks the rest
  /// with the ranking's own order, and lists every pair of the rest whose
  /// order flipped.
  static func reversals(_ scores: [Score], limit: Int) -> ([Reversal], Int) {
    // Each holding's place in the ranking's own order of every key: sorting
    // the rest by it is sorting them by their keys, without comparing the
    // keys' strings again for every removal.
    let keys = scores.map(RankKey.init)
    var place = [Int](repeating: 0, count: keys.count)
    for (position, index) in keys.indices.sorted(by: { keys[$0] < keys[$1] }).enumerated() {
      place[index] = position
    }
    var found: [Reversal] = []
    let removals = min(limit, scores.count)
    for removed in 0..<removals {
      let rest = keys.indices.filter { $0 != removed }
      let reranked = rest.sorted { place[$0] < place[$1] }
      // `scores` is in base rank order, so the rest must stay in index order.
      for (position, index) in reranked.enumerated() where index != rest[position] {
        found.append(
          Reversal(
            portfolio: scores[removed].holding.portfolio,
            removed: scores[removed].holding.ticker.canonical,
            first: scores[rest[position]].holding.ticker.canonical,
            second: scores[index].holding.ticker.canonical
          )
        )
      }
    }
    return (found, removals)
  }
}

/// One portfolio's holdings reduced to what the samples vary.
private struct Group: Sendable {
  /// F parts of one (segment, origin, assumed instruments) combination.
  struct Combo: Sendable {
    var parts: [(instrument: Int, direction: Direction, strength: Double)]
  }

  var e: [Double] = []
  var d: [Double] = []
  var baseF: [Double] = []
  var excluded: [Bool] = []
  /// Per holding: (combo, share, China share).
  var terms: [[(combo: Int, share: Double, exposure: Double)]] = []
  var combos: [Combo] = []
  var weights: ModelParameters.Weights
  var uncertainty: [Double]
  var count: Int { e.count }

  init(scores: [Score], scoring: ScoringModel, uncertain: [SupportInstrument]) {
    weights = scoring.weights
    uncertainty = uncertain.map(\.uncertainty)
    let uncertainIndex = Dictionary(
      uniqueKeysWithValues: uncertain.enumerated().map { ($0.element.id, $0.offset) }
    )
    var comboIndex: [String: Int] = [:]
    for score in scores {
      e.append(score.factors.e)
      d.append(score.factors.d)
      baseF.append(score.factors.f)
      excluded.append(score.isExcluded)
      let assumed = (scoring.companies[score.holding.ticker.canonical]?.assumedInstruments ?? [])
        .compactMap { id in
          scoring.model.instruments.first { $0.id == id && $0.isValid(on: scoring.asOf) }
        }
      var holdingTerms: [(combo: Int, share: Double, exposure: Double)] = []
      for mapped in score.mapping.segments {
        guard let segment = scoring.segmentScores[mapped.segment] else { continue }
        let key =
          "\(mapped.segment)|\(score.origin)|\(assumed.map(\.id.rawValue).joined(separator: ","))"
        let index: Int
        if let existing = comboIndex[key] {
          index = existing
        } else {
          let support = segment.financialSupport(for: score.origin, adding: assumed)
          combos.append(
            Combo(
              parts: support.contributions.map {
                (uncertainIndex[$0.instrument] ?? -1, $0.direction, $0.strength)
              }
            )
          )
          index = combos.count - 1
          comboIndex[key] = index
        }
        holdingTerms.append((index, mapped.share, score.chinaShare))
      }
      terms.append(holdingTerms)
    }
  }

  /// F per combination with each uncertain instrument's strength scaled.
  func comboF(_ multipliers: [Double]) -> [Double] {
    combos.map { combo in
      var tail = 1.0
      var head = 1.0
      for part in combo.parts {
        let strength =
          part.instrument >= 0
          ? min(1, max(0, part.strength * multipliers[part.instrument])) : part.strength
        if part.direction == .tailwind { tail *= 1 - strength } else { head *= 1 - strength }
      }
      return 50 + 50 * (1 - tail) - 50 * (1 - head)
    }
  }

  func holdingF(_ comboF: [Double]) -> [Double] {
    terms.map { holdingTerms in
      holdingTerms.reduce(0) { $0 + $1.share * (50 + $1.exposure * (comboF[$1.combo] - 50)) }
    }
  }

  /// Ranks (1-based) of every holding for these weights and F values; ties by base order.
  func ranks(_ w: ModelParameters.Weights, f: [Double], order: inout [Int], into ranks: inout [Int])
  {
    var keys = [Double](repeating: 0, count: count)
    for h in 0..<count {
      keys[h] =
        w.encouraged * e[h] + w.financial * f[h] + w.substitution * d[h] - (excluded[h] ? 1000 : 0)
    }
    for h in 0..<count { order[h] = h }
    order.sort { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }
    for (position, h) in order.enumerated() { ranks[h] = position + 1 }
  }

  /// Best and worst rank of each holding while each weight sweeps 0...1, the
  /// other two keeping their proportions.
  func sweeps(steps: Int) -> [[ClosedRange<Int>]] {
    var ranges = [[ClosedRange<Int>]](repeating: [], count: count)
    var order = [Int](repeating: 0, count: count)
    var ranks = [Int](repeating: 0, count: count)
    let base = [weights.encouraged, weights.financial, weights.substitution]
    for factor in 0..<3 {
      var low = [Int](repeating: Int.max, count: count)
      var high = [Int](repeating: 0, count: count)
      for step in 0..<steps {
        let value = Double(step) / Double(steps - 1)
        let others = (0..<3).filter { $0 != factor }
        let rest = others.reduce(0) { $0 + base[$1] }
        var w = [0.0, 0.0, 0.0]
        w[factor] = value
        for other in others {
          w[other] = rest > 0 ? (1 - value) * base[other] / rest : (1 - value) / 2
        }
        self.ranks(
          ModelParameters.Weights(encouraged: w[0], financial: w[1], substitution: w[2]),
          f: baseF,
          order: &order,
          into: &ranks
        )
        for h in 0..<count {
          low[h] = min(low[h], ranks[h])
          high[h] = max(high[h], ranks[h])
        }
      }
      for h in 0..<count { ranges[h].append(low[h]...high[h]) }
    }
    return ranges
  }

  struct MonteCarlo {
    var median: [Int]
    var low: [Int]
    var high: [Int]
    var top: [Double]
  }

  /// Ranks under sampled weights and strengths.
  ///
  /// Weights come from a Dirichlet around the model's weights, uncertain
  /// strengths uniformly from 1 ± uncertainty. Samples are split in
  /// chunks seeded from `seed` and the chunk number, so the numbers do not
  /// depend on how the chunks are spread over the cores.
  func monteCarlo(_ options: Sensitivity.Options) -> MonteCarlo {
    let n = count
    let samples = max(1, options.samples)
    let chunk = 64
    let chunks = (samples + chunk - 1) / chunk
    var buffer = [UInt32](repeating: 0, count: samples * n)
    let alpha = [weights.encouraged, weights.financial, weights.substitution].map {
      $0 * max(options.concentration, 1e-6)
    }
    buffer.withUnsafeMutableBufferPointer { pointer in
      nonisolated(unsafe) let output = pointer
      DispatchQueue.concurrentPerform(iterations: chunks) { chunkIndex in
        var generator = SplitMix64(
          seed: options.seed &+ UInt64(chunkIndex) &* 0x9E37_79B9_7F4A_7C15
        )
        var order = [Int](repeating: 0, count: n)
        var ranks = [Int](repeating: 0, count: n)
        let fixedF = uncertainty.isEmpty ? baseF : nil
        for sample in (chunkIndex * chunk)..<min(samples, (chunkIndex + 1) * chunk) {
          let gammas = alpha.map { $0 > 0 ? gamma(shape: $0, using: &generator) : 0 }
          let total = gammas.reduce(0, +)
          let w =
            total > 0
            ? ModelParameters.Weights(
              encouraged: gammas[0] / total,
              financial: gammas[1] / total,
              substitution: gammas[2] / total
            ) : weights
          let f =
            fixedF
            ?? holdingF(
              comboF(
                uncertainty.map { 1 + $0 * (2 * Double.random(in: 0..<1, using: &generator) - 1) }
              )
            )
          self.ranks(w, f: f, order: &order, into: &ranks)
          for h in 0..<n { output[sample * n + h] = UInt32(ranks[h]) }
        }
      }
    }
    var result = MonteCarlo(
      median: [Int](repeating: 0, count: n),
      low: [Int](repeating: 0, count: n),
      high: [Int](repeating: 0, count: n),
      top: [Double](repeating: 0, count: n)
    )
    var histogram = [Int](repeating: 0, count: n + 1)
    for h in 0..<n {
      for r in histogram.indices { histogram[r] = 0 }
      for sample in 0..<samples { histogram[Int(buffer[sample * n + h])] += 1 }
      func quantile(_ q: Double) -> Int {
        let target = max(1, Int((q * Double(samples)).rounded(.up)))
        var seen = 0
        for rank in 1...n {
          seen += histogram[rank]
          if seen >= target { return rank }
        }
        return n
      }
      result.median[h] = quantile(0.5)
      result.low[h] = quantile(0.05)
      result.high[h] = quantile(0.95)
      result.top[h] =
        Double(histogram[1...min(n, max(options.top, 1))].reduce(0, +)) / Double(samples)
    }
    return result
  }
}

/// A small repeatable generator (SplitMix64), so that the same seed gives the
/// same numbers; the tests and the benchmark use it too.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// A Gamma(shape, 1) draw (Marsaglia and Tsang; boosted for shape < 1).
func gamma<G: RandomNumberGenerator>(shape: Double, using generator: inout G) -> Double {
  if shape < 1 {
    let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
    return gamma(shape: shape + 1, using: &generator) * pow(u, 1 / shape)
  }
  let d = shape - 1.0 / 3
  let c = 1 / (9 * d).squareRoot()
  while true {
    var x: Double
    var v: Double
    repeat {
      x = normal(using: &generator)
      v = 1 + c * x
    } while v <= 0
    v = v * v * v
    let u = Double.random(in: Double.ulpOfOne..<1, using: &generator)
    if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) {
      return d * v
    }
  }
}

/// A standard normal draw (Box–Muller).
func normal<G: RandomNumberGenerator>(using generator: inout G) -> Double {
  let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
  let u2 = Double.random(in: 0..<1, using: &generator)
  return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

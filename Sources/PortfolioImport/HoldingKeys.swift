import Foundation
import PolicyScoreCore

/// What `RowReader.finish` needs of each holding, gathered while the rows are
/// parsed (across the cores), so that it need not visit every holding again.
struct HoldingKeys {
  /// Portfolio names in order of first appearance.
  private(set) var portfolioNames: [String] = []
  private var portfolioIndex: [String: Int32] = [:]
  /// Each portfolio's name hashed, for `duplicateKey`.
  private var portfolioHashes: [UInt64] = []
  /// The portfolio of each holding, as an index into `portfolioNames`.
  private(set) var portfolioOf: [Int32] = []
  /// Each holding's canonical ticker hashed with its portfolio's name.
  ///
  /// 0 without a ticker; equal keys are candidates for merging.
  private(set) var duplicateKey: [UInt64] = []
  /// Weights summed per portfolio, to tell percents from fractions. (A
  /// market value's total is added up in `finish`, in file order: summed
  /// by block, it changed the weights' last bits with the blocks' cuts.)
  private(set) var weightSums: [Double] = []
  /// Holdings whose weight may turn out above 100% once the file's basis is
  /// known: above 1 (a fraction, if the sums allow it) but not between 1.5
  /// and 100 (then the basis is percent, and the weight below 100%).
  private(set) var large: [Int] = []

  /// Takes in `holding`, the `index`th; true when it is one of `large`.
  mutating func add(_ holding: Holding, at index: Int) -> Bool {
    let name = holding.portfolio
    let portfolio: Int32
    if let last = portfolioOf.last, portfolioNames[Int(last)] == name {
      portfolio = last
    } else if portfolioNames.count <= 16, let known = portfolioNames.firstIndex(of: name) {
      // A few portfolios, interleaved: comparing names beats hashing them.
      portfolio = Int32(known)
    } else {
      portfolio = self.portfolio(named: name)
    }
    portfolioOf.append(portfolio)
    weightSums[Int(portfolio)] += holding.weight
    duplicateKey.append(
      Self.key(ticker: holding.ticker.canonical, portfolio: portfolioHashes[Int(portfolio)])
    )
    let weight = holding.weight
    guard weight > 1 && (weight <= 1.5 || weight > 100) else { return false }
    large.append(index)
    return true
  }

  private mutating func portfolio(named name: String) -> Int32 {
    if let known = portfolioIndex[name] { return known }
    let index = Int32(portfolioNames.count)
    portfolioNames.append(name)
    portfolioIndex[name] = index
    portfolioHashes.append(Self.fnv(name.utf8, from: 0xcbf2_9ce4_8422_2325))
    weightSums.append(0)
    return index
  }

  /// Adds the keys of the holdings that follow, `offset` of them before.
  mutating func append(_ other: HoldingKeys, offset: Int) {
    let renumbered = other.portfolioNames.map { portfolio(named: $0) }
    for (index, portfolio) in renumbered.enumerated() {
      weightSums[Int(portfolio)] += other.weightSums[index]
    }
    portfolioOf += other.portfolioOf.map { renumbered[Int($0)] }
    duplicateKey += other.duplicateKey
    large += other.large.map { $0 + offset }
  }

  /// Keeps the keys of the holdings at `indices` (ascending) only.
  mutating func keep(_ indices: [Int]) {
    portfolioOf = indices.map { portfolioOf[$0] }
    duplicateKey = indices.map { duplicateKey[$0] }
    large = []
  }

  /// FNV-1a over the ticker, continuing the portfolio name's hash; never 0
  /// for a ticker.
  static func key(ticker: String, portfolio: UInt64) -> UInt64 {
    guard !ticker.isEmpty else { return 0 }
    return fnv(ticker.utf8, from: portfolio) | 1
  }

  static func fnv(_ text: String.UTF8View, from start: UInt64) -> UInt64 {
    // In place, as nearly every string's bytes are: stepping through the
    // view byte by byte costs several times more.
    func fnv(_ bytes: some Sequence<UInt8>) -> UInt64 {
      var hash = start
      for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      return hash
    }
    return text.withContiguousStorageIfAvailable { fnv($0) } ?? fnv(text)
  }
}

/// Rank agreement between two rankings of the same items.
public enum RankCorrelation {
  /// Spearman's ρ = 1 − 6Σd² / (n(n² − 1)) for rankings without ties; 1 for n < 2.
  public static func spearman(_ a: [Int], _ b: [Int]) -> Double {
    precondition(a.count == b.count, "rankings of different lengths")
    let n = Double(a.count)
    guard a.count >= 2 else { return 1 }
    let sum = zip(a, b).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) }
    return 1 - 6 * sum / (n * (n * n - 1))
  }

  /// Kendall's τ = (concordant − discordant) / (n(n − 1)/2); 1 for n < 2.
  ///
  /// - Complexity: O(n²).
  public static func kendall(_ a: [Int], _ b: [Int]) -> Double {
    precondition(a.count == b.count, "rankings of different lengths")
    guard a.count >= 2 else { return 1 }
    var balance = 0
    for i in 0..<a.count {
      for j in (i + 1)..<a.count {
        let product = (a[i] - a[j]).signum() * (b[i] - b[j]).signum()
        balance += product
      }
    }
    return Double(balance) / Double(a.count * (a.count - 1) / 2)
  }
}

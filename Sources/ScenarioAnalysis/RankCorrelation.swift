import HoldingMapping
import PolicyModel
import PolicyScoreCore
import PolicyScoring
import PortfolioImport

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
  /// - Complexity: O(n log n) when neither ranking has ties, O(n²) otherwise.
  public static func kendall(_ a: [Int], _ b: [Int]) -> Double {
    precondition(a.count == b.count, "rankings of different lengths")
    guard a.count >= 2 else { return 1 }
    let pairs = a.count * (a.count - 1) / 2
    if Set(a).count == a.count && Set(b).count == b.count {
      // Without ties every pair is concordant or discordant, and the
      // discordant ones are the inversions of b taken in a's order.
      var ordered = a.indices.sorted { a[$0] < a[$1] }.map { b[$0] }
      let discordant = inversions(&ordered)
      return Double(pairs - 2 * discordant) / Double(pairs)
    }
    var balance = 0
    for i in 0..<a.count {
      for j in (i + 1)..<a.count {
        let product = (a[i] - a[j]).signum() * (b[i] - b[j]).signum()
        balance += product
      }
    }
    return Double(balance) / Double(pairs)
  }

  /// The pairs out of order in `values`, counted by a bottom-up merge sort
  /// that leaves `values` sorted.
  static func inversions(_ values: inout [Int]) -> Int {
    var count = 0
    var buffer = values
    var width = 1
    while width < values.count {
      var start = 0
      while start < values.count {
        let middle = min(start + width, values.count)
        let end = min(start + 2 * width, values.count)
        var (i, j, k) = (start, middle, start)
        while i < middle && j < end {
          if values[i] <= values[j] {
            buffer[k] = values[i]
            i += 1
          } else {
            buffer[k] = values[j]
            count += middle - i
            j += 1
          }
          k += 1
        }
        while i < middle {
          buffer[k] = values[i]
          (i, k) = (i + 1, k + 1)
        }
        while j < end {
          buffer[k] = values[j]
          (j, k) = (j + 1, k + 1)
        }
        start = end
      }
      swap(&values, &buffer)
      width *= 2
    }
    return count
  }
}

import Foundation

/// The few statistics the back-test and the event study need, written out
/// so that their definitions are the standard ones and can be read here.
public enum Statistics {
  /// 1-based ranks, ties given the mean of the ranks they span (the
  /// convention of Spearman's coefficient and of scipy's `rankdata`).
  public static func averageRanks(_ values: [Double]) -> [Double] {
    // Tied values get one mean rank, so their order among themselves does
    // not matter: an unstable sort will do.
    var order = Array(values.indices)
    values.withUnsafeBufferPointer { values in order.sort { values[$0] < values[$1] } }
    var ranks = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
      var end = start
      while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
      let rank = Double(start + end) / 2 + 1
      for position in start...end { ranks[order[position]] = rank }
      start = end + 1
    }
    return ranks
  }

  /// Pearson's correlation; nil when either side is constant or there are
  /// fewer than three pairs.
  public static func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    guard x.count == y.count, x.count >= 3 else { return nil }
    let (mx, my) = (mean(x), mean(y))
    var sxy = 0.0
    var sxx = 0.0
    var syy = 0.0
    for i in x.indices {
      let (dx, dy) = (x[i] - mx, y[i] - my)
      sxy += dx * dy
      sxx += dx * dx
      syy += dy * dy
    }
    guard sxx > 0, syy > 0 else { return nil }
    return sxy / (sxx * syy).squareRoot()
  }

  /// Spearman's rank correlation: Pearson's on the average ranks.
  public static func spearman(_ x: [Double], _ y: [Double]) -> Double? {
    pearson(averageRanks(x), averageRanks(y))
  }

  public static func mean(_ values: [Double]) -> Double {
    values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
  }

  /// The sample standard deviation (n − 1); nil below two values.
  public static func standardDeviation(_ values: [Double]) -> Double? {
    guard values.count >= 2 else { return nil }
    let m = mean(values)
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count - 1)).squareRoot()
  }

  /// A mean's t-statistic against zero: `mean / (sd / √n)`; nil when it is
  /// undefined.
  public static func tStatistic(_ values: [Double]) -> Double? {
    guard let sd = standardDeviation(values), sd > 0 else { return nil }
    return mean(values) / (sd / Double(values.count).squareRoot())
  }

  /// Welch's t-statistic for the difference of two means.
  public static func welch(_ a: [Double], _ b: [Double]) -> Double? {
    guard let sa = standardDeviation(a), let sb = standardDeviation(b) else { return nil }
    let error = (sa * sa / Double(a.count) + sb * sb / Double(b.count)).squareRoot()
    return error > 0 ? (mean(a) - mean(b)) / error : nil
  }

  /// Ordinary least squares of `y` on `x` with an intercept: (α, β); nil
  /// when `x` is constant or there are fewer than three pairs.
  public static func regression(_ y: [Double], on x: [Double]) -> (alpha: Double, beta: Double)? {
    guard x.count == y.count, x.count >= 3 else { return nil }
    let (mx, my) = (mean(x), mean(y))
    var sxy = 0.0
    var sxx = 0.0
    for i in x.indices {
      sxy += (x[i] - mx) * (y[i] - my)
      sxx += (x[i] - mx) * (x[i] - mx)
    }
    guard sxx > 0 else { return nil }
    let beta = sxy / sxx
    return (my - beta * mx, beta)
  }
}

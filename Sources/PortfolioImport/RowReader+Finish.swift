import Foundation
import PolicyScoreCore

/// The rows read made into a portfolio: weights on one basis, rows above 100%
/// rejected, a company listed twice merged.
extension RowReader {
  /// Later rows of a company already in the same portfolio are merged into
  /// its first row, weights and market values added, with a warning.
  mutating func mergeDuplicates() -> [Diagnostic] {
    // Open addressing over row numbers: a million rows take 8 MB, not a
    // dictionary of strings several times that.
    var bits = 4
    while 1 << bits < holdings.count * 2 { bits += 1 }
    var table = [Int32](repeating: -1, count: 1 << bits)
    var duplicates: [(index: Int, first: Int)] = []
    for (index, key) in keys.duplicateKey.enumerated() where key != 0 {
      var slot = Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> UInt64(64 - bits))
      while true {
        let other = Int(table[slot])
        if other < 0 {
          table[slot] = Int32(index)
          break
        }
        if keys.duplicateKey[other] == key, keys.portfolioOf[other] == keys.portfolioOf[index],
          holdings[other].ticker.canonical == holdings[index].ticker.canonical
        {
          duplicates.append((index, other))
          break
        }
        slot = (slot + 1) & (table.count - 1)
      }
    }
    guard !duplicates.isEmpty else { return [] }
    var merged = [Bool](repeating: false, count: holdings.count)
    var warnings: [Diagnostic] = []
    for (index, target) in duplicates {
      let holding = holdings[index]
      holdings[target].weight += holding.weight
      if let value = holding.marketValue {
        holdings[target].marketValue = (holdings[target].marketValue ?? 0) + value
      }
      holdings[target].mergedLines.append(holding.line)
      merged[index] = true
      warnings.append(
        Diagnostic(
          .warning,
          "\(holding.ticker.canonical) repeats line \(holdings[target].line) in portfolio '\(holding.portfolio)'; merged, weights added",
          at: SourceLocation(file: file, line: holding.line, column: 1)
        )
      )
    }
    // Compacted in place: a filtered copy would retain every holding.
    var kept = 0
    for index in holdings.indices where !merged[index] {
      if kept != index { holdings.swapAt(kept, index) }
      kept += 1
    }
    holdings.removeLast(holdings.count - kept)
    keys.keep(merged.indices.filter { !merged[$0] })
    return warnings
  }

  /// Sets every holding's weight, in place and across the cores.
  mutating func updateWeights(_ weight: (Holding, Int) -> Double) {
    holdings.withUnsafeMutableBufferPointer { buffer in
      _ = Parallel.chunks(buffer.count, minimum: 1 << 14) { range in
        for index in range { buffer[index].weight = weight(buffer[index], index) }
      }
    }
  }

  /// The portfolio, complete: its holdings and rejects, and what `facts`
  /// says of the file.
  mutating func finish(_ facts: FileFacts) throws(PortfolioError) -> Portfolio {
    holdings = collected.takeAll()
    var basis = Portfolio.WeightBasis.fraction
    if columns[.weight] != nil {
      if anyPercent || (keys.weightSums.max() ?? 0) > 1.5 { basis = .percent }
      if basis == .percent { updateWeights { holding, _ in holding.weight / 100 } }
      let above = keys.large.filter { holdings[$0].weight > 1 + 1e-9 }
      for holding in above.map({ holdings[$0] }) {
        let row = RejectedRow(
          line: holding.line,
          field: field(of: .weight),
          position: Self.position(
            ofField: field(of: .weight),
            in: rawByLine[holding.line] ?? "",
            separator: separator
          ),
          column: header[field(of: .weight) - 1],
          reason: "weight \(holding.weight * 100)% is above 100%",
          raw: rawByLine[holding.line] ?? ""
        )
        if strict { throw .rejected(file: file, row) }
        rejects.append(row)
      }
      if !above.isEmpty {
        var isAbove = [Bool](repeating: false, count: holdings.count)
        for index in above { isAbove[index] = true }
        let keep = holdings.indices.filter { !isAbove[$0] }
        holdings = keep.map { holdings[$0] }
        keys.keep(keep)
      }
    } else if columns[.marketValue] == nil {
      basis = .equal
      var counts: [Int: Int] = [:]
      for index in holdings.indices { counts[Int(keys.portfolioOf[index]), default: 0] += 1 }
      let portfolioOf = keys.portfolioOf
      updateWeights { _, index in 1 / Double(counts[Int(portfolioOf[index])] ?? 1) }
    } else {
      basis = .marketValue
      // In file order, however the file was cut across the cores, so that
      // every weight is the same to the last bit.
      let portfolioOf = keys.portfolioOf
      var totals = [Double](repeating: 0, count: keys.portfolioNames.count)
      for index in holdings.indices {
        totals[Int(portfolioOf[index])] += holdings[index].marketValue ?? 0
      }
      updateWeights { holding, index in
        let total = totals[Int(portfolioOf[index])]
        return total > 0 ? (holding.marketValue ?? 0) / total : 0
      }
    }
    let warnings = mergeDuplicates()
    rejects.sort { ($0.line, $0.column) < ($1.line, $1.column) }
    return Portfolio(
      file: file,
      holdings: holdings,
      rejects: rejects,
      rowsRead: rowsRead,
      weightBasis: basis,
      ignoredHeaders: facts.ignoredHeaders,
      inputHash: facts.inputHash,
      format: facts.format,
      titleLines: facts.titleLines,
      warnings: facts.notes + warnings,
      groups: (keys.portfolioNames, keys.portfolioOf)
    )
  }
}

/// What a portfolio records about its file, beside its rows: known once the
/// rows are read.
struct FileFacts {
  var inputHash: String
  var format: String
  /// Notes and warnings about the file as a whole, before those about rows.
  var notes: [Diagnostic]
  var ignoredHeaders: [String] = []
  var titleLines = 0
}

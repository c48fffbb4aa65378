import HoldingMapping
import PolicyModel
import PolicyScoreCore

/// A portfolio's holdings summed by segment: the part of its exposures that
/// depends on the mappings and the catalog buckets (exposure keys) alone, so
/// the same for every scenario that keeps the buckets.
struct ExposureTotals: Sendable {
  /// Each segment's weight and holdings, in id order.
  ///
  /// The other dimensions are sums of segments, less the holdings that two of
  /// their segments counted twice. Id order, not a dictionary's, adds those
  /// sums in the same order every time, to the last bit.
  let bySegment: [(id: SegmentID, weight: Double, count: Int)]
  let keyNames: [[String]]
  let countedTwice: [[Int: Int]]

  /// Sums the rows of `members`, the portfolio's holdings in file order, so
  /// that the sums come out the same in every scenario, whatever its ranking.
  init(rows: [Row], of members: [Int], layout: Layout) {
    var weights = [Double](repeating: 0, count: layout.ids.count)
    var counts = [Int](repeating: 0, count: layout.ids.count)
    var countedTwice: [[Int: Int]] = [[:], [:], [:]]
    var segments: [(number: Int, share: Double)] = []  // the holding's
    for member in members {
      // Read in place: a copy of the row counts a reference on its array.
      segments.removeAll(keepingCapacity: true)
      if rows[member].many.isEmpty {
        let (numbers, shares) = (rows[member].numbers, rows[member].shares)
        if numbers.0 >= 0 { segments.append((Int(numbers.0), shares.0)) }
        if numbers.1 >= 0 { segments.append((Int(numbers.1), shares.1)) }
      } else {
        for mapped in rows[member].many {
          if let number = layout.numbers[mapped] {
            segments.append((Int(number), mapped.share))
          }
        }
      }
      let weight = rows[member].weight
      for (number, share) in segments {
        weights[number] += weight * share
        counts[number] += 1
      }
      // A bucket that two of the holding's segments fall into counts it once.
      for position in segments.indices.dropFirst() {
        for dimension in 0..<3 {
          let key = layout.key(segments[position].number, dimension)
          if segments[..<position].contains(where: { layout.key($0.number, dimension) == key }) {
            countedTwice[dimension][key, default: 0] += 1
          }
        }
      }
    }
    bySegment = layout.ids.indices.compactMap { number in
      counts[number] > 0 ? (layout.ids[number], weights[number], counts[number]) : nil
    }
    keyNames = layout.keyNames
    self.countedTwice = countedTwice
  }

  /// The segments a scoring model sums exposures by, numbered in id order,
  /// and their category, item and domain keys numbered too: the totals add
  /// up in arrays, with no hashing per holding.
  struct Layout: Sendable {
    let ids: [SegmentID]
    let numbers: SegmentTable<Int32>
    /// Each segment's key numbers, three by three (category, item, domain).
    private let keys: [Int]
    /// Each dimension's keys, by number.
    let keyNames: [[String]]

    /// `model`: the model's segment ids, in the order the mapper numbers
    /// them.
    init(_ exposureKeys: [SegmentID: [String]], ids model: [SegmentID]) {
      let segments = exposureKeys.sorted { $0.key.rawValue < $1.key.rawValue }
      ids = segments.map(\.key)
      numbers = SegmentTable(
        Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) }),
        ids: model
      )
      let keyNames = (0..<3).map { dimension in Set(segments.map { $0.value[dimension] }).sorted() }
      let keyNumbers = keyNames.map { names in
        Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
      }
      keys = segments.flatMap { _, names in (0..<3).map { keyNumbers[$0][names[$0]] ?? 0 } }
      self.keyNames = keyNames
    }

    /// The number of segment `number`'s key in `dimension`.
    func key(_ number: Int, _ dimension: Int) -> Int { keys[3 * number + dimension] }

    /// A scored holding's row: its segments that have exposure keys.
    func row(weight: Double, mapping: Mapping) -> Row {
      var row = Row(weight: weight)
      var found = 0
      // Each segment read in place: a copy counts a reference on its evidence.
      let segments = mapping.segments
      for position in segments.indices {
        guard let number = numbers[segments[position]] else { continue }
        switch found {
        case 0: (row.numbers.0, row.shares.0) = (number, segments[position].share)
        case 1: (row.numbers.1, row.shares.1) = (number, segments[position].share)
        default: row.many = mapping.segments
        }
        found += 1
      }
      return row
    }
  }

  /// A scored holding's weight and its segments by number, taken while it
  /// is scored: the totals then read these rows one after another instead
  /// of every score's holding and mapping from all over memory.
  struct Row: Sendable {
    var weight = 0.0
    /// The first two segments that have exposure keys, by number (-1 for
    /// none), and their shares: most holdings have one or two.
    var numbers: (Int32, Int32) = (-1, -1)
    var shares = (0.0, 0.0)
    /// All the mapping's segments, when more than two have exposure keys.
    var many: [MappedSegment] = []
  }
}

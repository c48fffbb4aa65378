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

  /// Sums the rows of `members`, the portfolio's holdings in file order (nil
  /// where a holding was not scored), so that the sums come out the same in
  /// every scenario, whatever its ranking.
  init(rows: [Row?], of members: [Int], layout: Layout) {
    var weights = [Double](repeating: 0, count: layout.ids.count)
    var counts = [Int](repeating: 0, count: layout.ids.count)
    var countedTwice: [[Int: Int]] = [[:], [:], [:]]
    var numbers: [Int] = []  // a holding's segments, when it has several
    for member in members {
      guard let row = rows[member], row.first >= 0 else { continue }
      let first = Int(row.first)
      weights[first] += row.weight * row.firstShare
      counts[first] += 1
      guard !row.rest.isEmpty else { continue }
      numbers.removeAll(keepingCapacity: true)
      numbers.append(first)
      for (number, share) in row.rest {
        weights[Int(number)] += row.weight * share
        counts[Int(number)] += 1
        numbers.append(Int(number))
      }
      // A bucket that two of the holding's segments fall into counts it once.
      for position in numbers.indices.dropFirst() {
        for dimension in 0..<3 {
          let key = layout.key(numbers[position], dimension)
          if numbers[..<position].contains(where: { layout.key($0, dimension) == key }) {
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
    let numbers: [SegmentID: Int32]
    /// Each segment's key numbers, three by three (category, item, domain).
    private let keys: [Int]
    /// Each dimension's keys, by number.
    let keyNames: [[String]]

    init(_ exposureKeys: [SegmentID: [String]]) {
      let segments = exposureKeys.sorted { $0.key.rawValue < $1.key.rawValue }
      ids = segments.map(\.key)
      numbers = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Int32($0)) })
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
      for mapped in mapping.segments {
        guard let number = numbers[mapped.segment] else { continue }
        if row.first < 0 {
          (row.first, row.firstShare) = (number, mapped.share)
        } else {
          row.rest.append((number, mapped.share))
        }
      }
      return row
    }
  }

  /// A scored holding's weight and its segments by number, taken while it
  /// is scored: the totals then read these rows one after another instead
  /// of every score's holding and mapping from all over memory.
  struct Row: Sendable {
    var weight: Double
    /// The first segment's number, -1 when no segment has exposure keys.
    var first: Int32 = -1
    var firstShare = 0.0
    /// The other segments, most often none.
    var rest: [(number: Int32, share: Double)] = []
  }
}

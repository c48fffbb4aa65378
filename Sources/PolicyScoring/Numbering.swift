import PolicyScoreCore

/// The values a pass over items meets, each distinct one numbered in the
/// order it is first met (0, 1, 2, …), and each item's values by number.
///
/// A run's million holdings name a few hundred distinct explanations and
/// some hundred thousand distinct evidence texts: each is written once, and
/// a holding keeps numbers. The cores number the items a piece at a time,
/// each into a part of its own; `numbered` then joins the parts, which
/// numbers the values as one pass over all the items would.
///
/// Internal to this target, where its users are: a generic of another
/// target is not specialised for theirs (measured: its every call went
/// through the value's witness tables).
struct Numbering<Value: Hashable> {
  /// The distinct values, by number.
  private(set) var values: [Value] = []
  /// Where each value was first met, by number: its item, and its place
  /// among the item's values.
  private(set) var firstMet: [(item: Int, place: Int)] = []
  private var flat: [Int32] = []
  private var offsets: [Int32] = [0]

  /// One core's share of a numbering: the values of the pieces it took,
  /// numbered in the order it met them.
  struct Part {
    private var numbers: [Value: Int32] = [:]
    fileprivate var values: [Value] = []
    fileprivate var firstMet: [(item: Int, place: Int)] = []
    fileprivate var flat: [Int32] = []
    /// Per item numbered, in order: where its values end in `flat`.
    fileprivate var ends: [Int32] = []
    /// The pieces numbered, in order, and where each one's items start in
    /// `ends`.
    fileprivate var pieces: [(items: Range<Int>, firstEnd: Int)] = []
    private var item = 0
    private var place = 0

    fileprivate mutating func begin(_ items: Range<Int>) {
      pieces.append((items, ends.count))
      (item, place) = (items.lowerBound, 0)
    }

    /// Numbers `value`, the current item's next; true when this part meets
    /// it first.
    @discardableResult mutating func add(_ value: Value) -> Bool {
      defer { place += 1 }
      if let known = numbers[value] {
        flat.append(known)
        return false
      }
      let next = Int32(values.count)
      numbers[value] = next
      values.append(value)
      firstMet.append((item, place))
      flat.append(next)
      return true
    }

    /// Ends the current item: the values added since are its values.
    mutating func endItem() {
      ends.append(Int32(flat.count))
      (item, place) = (item + 1, 0)
    }
  }

  /// Numbers the values of items `0..<count` across the cores: `body` adds
  /// the values of each item of a range to a part, in order, ending each
  /// item.
  static func numbered(
    items count: Int,
    minimum: Int = 2048,
    _ body: (Range<Int>, inout Part) -> Void
  ) -> Numbering {
    let parts = Parallel.pieces(count, minimum: minimum, state: { Part() }) { part, items in
      part.begin(items)
      body(items, &part)
    }
    // Every distinct value, where a part first met it earliest.
    let most = parts.reduce(0) { $0 + $1.values.count }
    var distinct: [Value: Int] = [:]
    distinct.reserveCapacity(most)
    var values: [Value] = []
    values.reserveCapacity(most)
    var firstMet: [(item: Int, place: Int)] = []
    firstMet.reserveCapacity(most)
    let local = parts.map { part in
      part.values.indices.map { number in
        let value = part.values[number]
        let met = part.firstMet[number]
        if let known = distinct[value] {
          if met < firstMet[known] { firstMet[known] = met }
          return known
        }
        distinct[value] = values.count
        values.append(value)
        firstMet.append(met)
        return values.count - 1
      }
    }
    // Numbered in the order they were first met.
    let order = values.indices.sorted { firstMet[$0] < firstMet[$1] }
    var numberOf = [Int32](repeating: 0, count: values.count)
    for (number, index) in order.enumerated() { numberOf[index] = Int32(number) }
    var whole = Numbering()
    whole.values = order.map { values[$0] }
    whole.firstMet = order.map { firstMet[$0] }
    // The parts' items, in order, renumbered.
    let renumber = local.map { $0.map { numberOf[$0] } }
    let pieces = parts.indices
      .flatMap { part in parts[part].pieces.indices.map { (part: part, piece: $0) } }
      .sorted {
        parts[$0.part].pieces[$0.piece].items.lowerBound
          < parts[$1.part].pieces[$1.piece].items.lowerBound
      }
    whole.flat.reserveCapacity(parts.reduce(0) { $0 + $1.flat.count })
    whole.offsets.reserveCapacity(count + 1)
    for (part, piece) in pieces {
      let (items, firstEnd) = parts[part].pieces[piece]
      let ends = parts[part].ends
      var start = firstEnd == 0 ? 0 : Int(ends[firstEnd - 1])
      for end in ends[firstEnd..<(firstEnd + items.count)] {
        for slot in start..<Int(end) {
          whole.flat.append(renumber[part][Int(parts[part].flat[slot])])
        }
        whole.offsets.append(Int32(whole.flat.count))
        start = Int(end)
      }
    }
    return whole
  }

  /// The numbering without the values and where they were met: the items'
  /// numbers stay.
  func withoutValues() -> Numbering {
    var numbers = self
    numbers.values = []
    numbers.firstMet = []
    return numbers
  }

  /// The numbers of item `index`'s values, in the order they were added.
  func of(_ index: Int) -> ArraySlice<Int32> {
    flat[Int(offsets[index])..<Int(offsets[index + 1])]
  }
}

extension Numbering: Sendable where Value: Sendable {}
extension Numbering.Part: Sendable where Value: Sendable {}

/// The values a pass over items meets, each distinct one numbered in the
/// order it is first met (0, 1, 2, …), and each item's values by number.
///
/// A run's million holdings name a few hundred distinct explanations: each
/// is written once, and a holding keeps numbers. (Their some hundred
/// thousand evidence texts go by `TextNumbering`.) Cores number their own
/// ranges of the items; `merged` joins them in order, which numbers the
/// values as one pass over all the items would.
///
/// Internal to this target, where its users are: a generic of another
/// target is not specialised for theirs (measured: its every call went
/// through the value's witness tables).
struct Numbering<Value: Hashable> {
  private var numbers: [Value: Int32] = [:]
  /// The distinct values, by number.
  private(set) var values: [Value] = []
  private var flat: [Int32] = []
  private var offsets: [Int32] = [0]

  init() {}

  /// Numbers `value`, the current item's next; true when it is met first.
  @discardableResult mutating func add(_ value: Value) -> Bool {
    assert(numbers.count == values.count, "a value added to a sealed numbering")
    if let known = numbers[value] {
      flat.append(known)
      return false
    }
    let next = Int32(values.count)
    numbers[value] = next
    values.append(value)
    flat.append(next)
    return true
  }

  /// Ends the current item: the values added since are its values.
  mutating func endItem() { offsets.append(Int32(flat.count)) }

  /// The numbering without the table that numbers new values, which a
  /// numbering no value is added to does not need, and without the values
  /// unless `keepingValues`: the items' numbers stay.
  func sealed(keepingValues: Bool = true) -> Numbering {
    var sealed = self
    sealed.numbers = [:]
    if !keepingValues { sealed.values = [] }
    return sealed
  }

  /// The numbers of item `index`'s values, in the order they were added.
  func of(_ index: Int) -> ArraySlice<Int32> {
    flat[Int(offsets[index])..<Int(offsets[index + 1])]
  }

  /// `parts`, numberings of consecutive ranges of the items, as one, and
  /// where each value was first met: its part and its number there.
  static func merged(
    _ parts: [Numbering]
  ) -> (whole: Numbering, firstIn: [(part: Int, number: Int)]) {
    var whole = Numbering()
    var firstIn: [(part: Int, number: Int)] = []
    whole.flat.reserveCapacity(parts.reduce(0) { $0 + $1.flat.count })
    whole.offsets.reserveCapacity(parts.reduce(1) { $0 + $1.offsets.count - 1 })
    for (place, part) in parts.enumerated() {
      let numbers = part.values.indices.map { local in
        let value = part.values[local]
        if let known = whole.numbers[value] { return known }
        let next = Int32(whole.values.count)
        whole.numbers[value] = next
        whole.values.append(value)
        firstIn.append((place, local))
        return next
      }
      let base = whole.flat.count
      whole.flat += part.flat.map { numbers[Int($0)] }
      whole.offsets += part.offsets.dropFirst().map { Int32(base) + $0 }
    }
    return (whole, firstIn)
  }
}

extension Numbering: Sendable where Value: Sendable {}

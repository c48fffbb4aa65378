/// A text's scores by segment index, in the order the text first names each
/// segment until ranked.
///
/// A holding's text names a handful of segments, so a short list searched
/// end to end costs less than a dictionary hashing the segment of every
/// term it meets.
struct SegmentScores: RandomAccessCollection {
  typealias Score = Mapper.TextScore

  /// A segment's index and its score: a struct, not a tuple, whose copies
  /// go through code of its own rather than the run time's for tuples.
  struct Entry {
    var key: Int
    var value: Score
  }

  private var entries: [Entry] = []

  var startIndex: Int { entries.startIndex }
  var endIndex: Int { entries.endIndex }
  subscript(position: Int) -> Entry { entries[position] }

  /// The score of `segment`, which starts at nothing when the text has not
  /// named it yet.
  subscript(adding segment: Int) -> Score {
    get { entries.first { $0.key == segment }?.value ?? Score() }
    _modify {
      let place =
        entries.firstIndex { $0.key == segment }
        ?? {
          // Room for the few segments a text names, at once.
          if entries.isEmpty { entries.reserveCapacity(4) }
          entries.append(Entry(key: segment, value: Score()))
          return entries.count - 1
        }()
      yield &entries[place].value
    }
  }

  mutating func removeAll(where drop: (_ segment: Int, _ score: Score) -> Bool) {
    entries.removeAll { drop($0.key, $0.value) }
  }

  /// Ranks the scores, highest first, ties by id.
  ///
  /// `order` is each segment's place among the ids in text order, by
  /// segment index. In place: a holding's text names a handful.
  mutating func rank(placing order: [Int]) {
    // Read through a pointer: the comparison's closure, capturing the
    // array, counted references on the mapper's table from both cores.
    order.withUnsafeBufferPointer { order in
      entries.sort { ($0.value.score, order[$1.key]) > ($1.value.score, order[$0.key]) }
    }
  }

  /// `change` applied to every score.
  mutating func update(_ change: (inout Score) -> Void) {
    for place in entries.indices { change(&entries[place].value) }
  }
}

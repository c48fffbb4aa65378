import HoldingMapping
import PolicyScoreCore

/// Values by segment, found for a mapped segment by its place among the
/// model's segment ids when the id there is its own, else by its id.
///
/// Scoring looks up each segment of every holding several times (its
/// factors, its exposure number, its domain); a place is an array's index
/// where an id is a key to hash and probe for (ids hash by their interned
/// text's reference, cheaper than a string's bytes but not free).
struct SegmentTable<Value: Sendable>: Sendable {
  /// The model's segment ids, in the order the mapper numbers them.
  private let ids: [SegmentID]
  private let byPlace: [Value?]
  private let byID: [SegmentID: Value]

  init(_ byID: [SegmentID: Value], ids: [SegmentID]) {
    self.ids = ids
    byPlace = ids.map { byID[$0] }
    self.byID = byID
  }

  subscript(mapped: MappedSegment) -> Value? {
    let place = Int(mapped.place)
    if place >= 0 && place < ids.count && ids[place] == mapped.segment { return byPlace[place] }
    return byID[mapped.segment]
  }
}

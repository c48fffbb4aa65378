/// A segment and the share of a holding's business in it.
public struct SegmentShare: Sendable, Hashable {
  public var segment: SegmentID
  public var share: Double

  public init(segment: SegmentID, share: Double) {
    self.segment = segment
    self.share = share
  }
}

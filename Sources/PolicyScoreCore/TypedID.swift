/// A string identifier typed by what it names, so that a segment id cannot be
/// passed where an instrument id is expected.
public struct TypedID<Tag>: RawRepresentable, Hashable, Comparable, Sendable,
  ExpressibleByStringLiteral, CustomStringConvertible
{
  public let rawValue: String

  public init(rawValue: String) { self.rawValue = rawValue }
  public init(_ rawValue: String) { self.rawValue = rawValue }
  public init(stringLiteral value: String) { self.rawValue = value }

  public var description: String { rawValue }

  public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

public enum SegmentTag {}
public enum ItemTag {}
public enum SourceTag {}
public enum InstrumentTag {}
public enum LevelTag {}

public typealias SegmentID = TypedID<SegmentTag>
public typealias ItemID = TypedID<ItemTag>
public typealias SourceID = TypedID<SourceTag>
public typealias InstrumentID = TypedID<InstrumentTag>
public typealias LevelID = TypedID<LevelTag>

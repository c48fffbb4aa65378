import Synchronization

/// A string identifier typed by what it names, so that a segment id cannot be
/// passed where an instrument id is expected.
///
/// Each distinct text is kept once for the life of the process, and an id
/// refers to it without counting a reference: a model's ids are copied into
/// every mapping of every holding on both cores, and each copy of a shared
/// string counted a reference on the same object from both, the cores taking
/// its cache line from each other. Ids compare and hash by that reference.
public struct TypedID<Tag>: RawRepresentable, Hashable, Comparable, Sendable,
  ExpressibleByStringLiteral, CustomStringConvertible
{
  private let text: InternedText.Reference

  public init(rawValue: String) { text = InternedText.intern(rawValue) }
  public init(_ rawValue: String) { self.init(rawValue: rawValue) }
  public init(stringLiteral value: String) { self.init(rawValue: value) }

  public var rawValue: String { text.value }
  public var description: String { rawValue }

  /// The id's text as UTF-8, read in place.
  public func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
    text.withUTF8(body)
  }

  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.text == rhs.text }
  public func hash(into hasher: inout Hasher) { hasher.combine(text) }
  public static func < (lhs: Self, rhs: Self) -> Bool {
    lhs.text != rhs.text && lhs.rawValue < rhs.rawValue
  }
}

/// A text kept for the life of the process, one object per distinct text.
///
/// The ids of a process are a model's few hundred, those a store or a
/// scenario names, and those tests make: never many, so never freed.
/// Unchecked: nothing of it changes once made.
final class InternedText: @unchecked Sendable {
  let value: String
  /// `value` as UTF-8, never freed either.
  let utf8: UnsafeBufferPointer<UInt8>

  private init(_ value: String) {
    self.value = value
    let bytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: value.utf8.count)
    _ = bytes.initialize(from: value.utf8)
    utf8 = UnsafeBufferPointer(bytes)
  }

  private static let known = Mutex<[String: Reference]>([:])

  static func intern(_ text: String) -> Reference {
    known.withLock { known in
      if let reference = known[text] { return reference }
      let reference = Reference(Unmanaged.passRetained(InternedText(text)))
      known[text] = reference
      return reference
    }
  }

  /// An interned text, copied without counting a reference: the object is
  /// never freed.
  struct Reference: Hashable, @unchecked Sendable {
    private let object: Unmanaged<InternedText>

    fileprivate init(_ object: Unmanaged<InternedText>) { self.object = object }

    var value: String { object._withUnsafeGuaranteedRef { $0.value } }

    func withUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
      body(object._withUnsafeGuaranteedRef { $0.utf8 })
    }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.object.toOpaque() == rhs.object.toOpaque() }
    func hash(into hasher: inout Hasher) { hasher.combine(object.toOpaque()) }
  }
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

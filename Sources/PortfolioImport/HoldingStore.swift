import PolicyScoreCore

/// The holdings a `RowReader` collects, in a buffer they can be moved out of.
///
/// The cores read a file's pieces into stores of their own; gathering them
/// moves each holding once. Appending one array to another instead retains
/// every holding, and freeing the piece then releases it: for a million
/// holdings that was a seventh of the read's CPU.
///
/// A value type: a copy shares the buffer until either changes.
struct HoldingStore {
  private final class Buffer {
    var base: UnsafeMutablePointer<Holding>
    var count = 0
    var capacity: Int

    init(capacity: Int) {
      self.capacity = capacity
      base = UnsafeMutablePointer<Holding>.allocate(capacity: max(capacity, 1))
    }

    deinit {
      base.deinitialize(count: count)
      base.deallocate()
    }

    /// Room for `extra` more holdings, at least doubling when it grows.
    func reserve(_ extra: Int) {
      guard count + extra > capacity else { return }
      let grown = max(count + extra, capacity * 2, 64)
      let moved = UnsafeMutablePointer<Holding>.allocate(capacity: grown)
      moved.moveInitialize(from: base, count: count)
      base.deallocate()
      base = moved
      capacity = grown
    }

    func copy() -> Buffer {
      let copy = Buffer(capacity: count)
      copy.base.initialize(from: base, count: count)
      copy.count = count
      return copy
    }
  }

  private var buffer = Buffer(capacity: 0)

  var count: Int { buffer.count }

  private mutating func makeUnique() {
    if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
  }

  mutating func append(_ holding: consuming Holding) {
    makeUnique()
    buffer.reserve(1)
    (buffer.base + buffer.count).initialize(to: holding)
    buffer.count += 1
  }

  /// Moves `other`'s holdings after these and leaves `other` empty; they are
  /// copied instead when `other` shares its buffer.
  mutating func append(moving other: inout HoldingStore) {
    makeUnique()
    other.makeUnique()
    buffer.reserve(other.count)
    (buffer.base + buffer.count).moveInitialize(from: other.buffer.base, count: other.count)
    buffer.count += other.count
    other.buffer.count = 0
  }

  /// Every holding, in order, moved into an array; the store is left empty.
  mutating func takeAll() -> [Holding] {
    makeUnique()
    let (base, count) = (buffer.base, buffer.count)
    let all = [Holding](unsafeUninitializedCapacity: count) { target, initialized in
      target.baseAddress?.moveInitialize(from: base, count: count)
      initialized = count
    }
    buffer.count = 0
    return all
  }
}

import Dispatch
import Foundation
import Synchronization

/// Work split across the machine's cores, results in order.
package enum Parallel {
  /// `body(index)` for every index in `0..<count`, each index taken by the
  /// next core to come free, lowest first; each result written to its own
  /// slot, so the results come in order.
  package static func each<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let slots = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
    defer {
      _ = slots.deinitialize()
      slots.deallocate()
    }
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let (body, slots) = (body, slots)
      DispatchQueue.concurrentPerform(iterations: count) { index in
        slots.initializeElement(at: index, to: body(index))
      }
    }
    return Array(slots)
  }

  /// `transform` of every index in `0..<count`, in order; serial below
  /// `minimum`.
  package static func map<T>(_ count: Int, minimum: Int = 2048, _ transform: (Int) -> T) -> [T] {
    map(count, minimum: minimum, state: {}) { _, index in transform(index) }
  }

  /// `transform` of every index in `0..<count`, in order, each core's calls
  /// sharing a `state()` of its own (a cache, say).
  ///
  /// The cores take the range a small piece at a time, in order, each the
  /// next piece when it comes free: a core held up by other work, or given
  /// the slower rows, leaves the rest to the others instead of keeping them
  /// waiting, and the cores finish within a piece of each other. Each
  /// result is written straight into its place in the array returned: no
  /// array per piece to copy and free.
  package static func map<State, T>(
    _ count: Int,
    minimum: Int = 2048,
    state: () -> State,
    _ transform: (inout State, Int) -> T
  ) -> [T] {
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimum))
    let piece = max(1, min(maximumPiece, count / (workers * 16)))
    return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      nonisolated(unsafe) let slots = base
      let next = Atomic(0)
      _ = each(workers) { _ in
        var local = state()
        while case let start = next.add(piece, ordering: .relaxed).oldValue, start < count {
          for index in start..<min(start + piece, count) {
            (slots + index).initialize(to: transform(&local, index))
          }
        }
      }
      initialized = count
    }
  }

  /// The most indices `map` hands a core at once.
  private static let maximumPiece = 1024

  /// Lets `value` go on a thread of the global queue: when it holds the
  /// last references to many objects, freeing them is work the caller need
  /// not wait for.
  package static func letGo<T: Sendable>(_ value: consuming T) { letGo(unshared: value) }

  /// `letGo` for a value that is not `Sendable` but that nothing else
  /// holds any more: the caller passes its last references.
  package static func letGo<T>(unshared value: consuming T) {
    nonisolated(unsafe) let value = value
    DispatchQueue.global().async { withExtendedLifetime(value) {} }
  }

  /// `count` copies of `value`, written by every core: a large array's
  /// pages are new, and the kernel clears each as it is first written, which
  /// took a third of a second on one core for the four arrays a million
  /// holdings' scoring fills.
  package static func filled<T>(_ value: T, count: Int) -> [T] {
    [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      nonisolated(unsafe) let buffer = buffer
      _ = chunks(count, minimum: 1 << 16) { range in
        guard let base = buffer.baseAddress else { return }
        (base + range.lowerBound).initialize(repeating: value, count: range.count)
      }
      initialized = count
    }
  }

  /// `body` of each of up to one contiguous range of `0..<count` per core,
  /// in order; one range below `minimum`.
  package static func chunks<T>(_ count: Int, minimum: Int = 2048, _ body: (Range<Int>) -> T) -> [T]
  {
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimum))
    guard workers > 1 else { return [body(0..<count)] }
    return each(workers) { worker in
      body((count * worker / workers)..<(count * (worker + 1) / workers))
    }
  }
}

/// Work done on another thread while this one goes on; `value` waits for it.
package final class Background<Value: Sendable>: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let lock = NSLock()
  private var result: Value?

  /// Starts `body` on a thread of the global queue.
  package init(_ body: @escaping @Sendable () -> Value) {
    DispatchQueue.global().async {
      let value = body()
      self.lock.withLock { self.result = value }
      self.done.signal()
    }
  }

  /// What `body` returned, once it has.
  package var value: Value {
    while true {
      if let result = lock.withLock({ result }) { return result }
      done.wait()
      // For the next to wait.
      done.signal()
    }
  }
}

import Dispatch
import Foundation

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

  /// `transform` of every index in `0..<count`, in order, the range cut into
  /// one contiguous chunk per core; serial below `minimum`.
  package static func map<T>(_ count: Int, minimum: Int = 2048, _ transform: (Int) -> T) -> [T] {
    map(count, minimum: minimum, state: {}) { _, index in transform(index) }
  }

  /// `transform` of every index in `0..<count`, in order, each contiguous
  /// piece starting from a fresh `state()` that its calls share (a cache,
  /// say).
  ///
  /// The range is cut into several pieces per core, each taken by the next
  /// core to come free: a core held up by other work, or given the slower
  /// rows, leaves the rest to the others instead of keeping them waiting.
  /// Each result is written straight into its place in the array returned:
  /// no array per piece to copy and free.
  package static func map<State, T>(
    _ count: Int,
    minimum: Int = 2048,
    state: () -> State,
    _ transform: (inout State, Int) -> T
  ) -> [T] {
    let pieces = min(piecesPerCore * ProcessInfo.processInfo.activeProcessorCount, count / minimum)
    return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
      guard let base = buffer.baseAddress else { return }
      nonisolated(unsafe) let slots = base
      func fill(_ range: Range<Int>) {
        var local = state()
        for index in range { (slots + index).initialize(to: transform(&local, index)) }
      }
      if pieces > 1 {
        _ = each(pieces) { fill((count * $0 / pieces)..<(count * ($0 + 1) / pieces)) }
      } else {
        fill(0..<count)
      }
      initialized = count
    }
  }

  /// Lets `value` go on a thread of the global queue: when it holds the
  /// last references to many objects, freeing them is work the caller need
  /// not wait for.
  package static func letGo<T: Sendable>(_ value: consuming T) {
    let value = value
    DispatchQueue.global().async { withExtendedLifetime(value) {} }
  }

  /// How many pieces `map` cuts its range into per core.
  package static let piecesPerCore = 8

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

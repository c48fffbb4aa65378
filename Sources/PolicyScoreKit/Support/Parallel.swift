import Dispatch
import Foundation

/// Work split across the machine's cores, results in order.
enum Parallel {
  /// `body(index, count)` for every index in `0..<count` at once, each
  /// writing its own slot of the result.
  private static func slots<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let slots = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
      _ = slots.deinitialize()
      slots.deallocate()
    }
    withoutActuallyEscaping(body) { body in
      nonisolated(unsafe) let (body, slots) = (body, slots)
      DispatchQueue.concurrentPerform(iterations: count) { index in slots[index] = body(index) }
    }
    return slots.map { $0! }
  }

  /// `first` and `second` on two threads.
  static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    nonisolated(unsafe) var a: A?
    nonisolated(unsafe) var b: B?
    withoutActuallyEscaping(first) { first in
      withoutActuallyEscaping(second) { second in
        nonisolated(unsafe) let (first, second) = (first, second)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
          if index == 0 { a = first() } else { b = second() }
        }
      }
    }
    return (a!, b!)
  }

  /// `transform` of every index in `0..<count`, in order, the range cut into
  /// one contiguous chunk per core; serial below `minimum`.
  static func map<T>(_ count: Int, minimum: Int = 2048, _ transform: (Int) -> T) -> [T] {
    let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, count / minimum))
    guard workers > 1 else { return (0..<count).map(transform) }
    return slots(workers) { worker in
      ((count * worker / workers)..<(count * (worker + 1) / workers)).map(transform)
    }.flatMap { $0 }
  }
}

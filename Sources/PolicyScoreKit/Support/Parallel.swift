import Dispatch
import Foundation

/// Work split across the machine's cores, results in order.
enum Parallel {
  /// `body(index)` for every index in `0..<count` at once, each result
  /// written to its own slot.
  private static func slots<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
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

  private enum Either<A, B> {
    case first(A)
    case second(B)
  }

  /// `first` and `second` on two threads.
  static func both<A, B>(_ first: () -> A, _ second: () -> B) -> (A, B) {
    let results = slots(2) { $0 == 0 ? Either<A, B>.first(first()) : .second(second()) }
    guard case .first(let a) = results[0], case .second(let b) = results[1] else {
      preconditionFailure("each slot holds its own result")
    }
    return (a, b)
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

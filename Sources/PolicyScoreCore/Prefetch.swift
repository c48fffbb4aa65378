import CAllocator

/// Loads started ahead of a pass that reads objects out of memory order.
@usableFromInline package enum Prefetch {
  /// Starts loading `object`'s first cache line, without counting a
  /// reference to it or reading it.
  @usableFromInline package static func object(_ object: AnyObject) {
    callocator_prefetch(Unmanaged.passUnretained(object).toOpaque())
  }

  /// Starts loading the cache line at `address`, if any.
  @usableFromInline package static func address(_ address: UnsafeRawPointer?) {
    if let address { callocator_prefetch(address) }
  }
}

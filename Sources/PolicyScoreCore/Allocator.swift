import CAllocator

/// How the process's memory allocator grows its heaps.
public enum Allocator {
  /// Grows each heap by at least 64 MiB at a time, not by what one request needs.
  ///
  /// Reading a million holdings allocates a few hundred MB in small pieces
  /// on both cores. Grown by what each request needs, the heaps took about
  /// 11,500 `mprotect` and `brk` calls for a 1M-row file; grown this way,
  /// about 50. The padding is address space, not memory: a page is only
  /// used once touched.
  ///
  /// For the executables to call first thing; it changes the whole process.
  public static func growHeapsInLargeSteps() {
    callocator_pad_heap_growth(64 << 20)
  }
}

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

extension Allocator {
  /// Starts the program again, the same arguments in the same process, with
  /// malloc asking the kernel for huge pages (2 MiB), where the kernel backs
  /// memory with them only on request; else returns at once.
  ///
  /// A million holdings take about a gigabyte in small pieces. In 4 KiB
  /// pages the kernel faults and zeroes each page in turn, and each core's
  /// address cache misses on holdings read out of order; with huge pages a
  /// ranked run at 1M rows took about a tenth less time (Docs/performance.md).
  /// The restart costs a few milliseconds. A user's own
  /// `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` keeps 4 KiB pages.
  ///
  /// For the executables to call first thing, before any thread starts.
  public static func restartWithHugePages() {
    callocator_restart_with_huge_pages(CommandLine.unsafeArgv)
  }
}

#ifndef CALLOCATOR_H
#define CALLOCATOR_H

/// Asks glibc's malloc to grow each heap by at least `bytes` beyond what a
/// request needs (M_TOP_PAD); does nothing on other C libraries.
void callocator_pad_heap_growth(int bytes);

/// Starts the program again in this process (`execv` of `/proc/self/exe`
/// with the same `argv`), with glibc's malloc asking the kernel for huge
/// pages (`GLIBC_TUNABLES=glibc.malloc.hugetlb=1`), when the kernel gives
/// them only on request and the tunable is not set yet. Returns, changing
/// nothing, when it does not restart: on other C libraries, when the
/// kernel gives huge pages always or never, when the user set the tunable,
/// or when `execv` fails.
void callocator_restart_with_huge_pages(char *const *argv);

/// Asks the processor to start loading the cache line at `address` for a
/// read: a hint, which never faults and changes nothing but timing.
static inline void callocator_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#endif

#ifndef CALLOCATOR_H
#define CALLOCATOR_H

/// Asks glibc's malloc to grow each heap by at least `bytes` beyond what a
/// request needs (M_TOP_PAD); does nothing on other C libraries.
void callocator_pad_heap_growth(int bytes);

/// Asks the processor to start loading the cache line at `address` for a
/// read: a hint, which never faults and changes nothing but timing.
static inline void callocator_prefetch(const void *address) {
  __builtin_prefetch(address, 0, 3);
}

#endif

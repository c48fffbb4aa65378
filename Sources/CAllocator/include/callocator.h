#ifndef CALLOCATOR_H
#define CALLOCATOR_H

/// Asks glibc's malloc to grow each heap by at least `bytes` beyond what a
/// request needs (M_TOP_PAD); does nothing on other C libraries.
void callocator_pad_heap_growth(int bytes);

#endif

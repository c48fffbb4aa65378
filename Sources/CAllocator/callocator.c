#include "callocator.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void callocator_pad_heap_growth(int bytes) {
#if defined(__GLIBC__)
  mallopt(M_TOP_PAD, bytes);
#else
  (void)bytes;
#endif
}

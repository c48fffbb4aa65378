#include "callocator.h"

#include <stdlib.h>  // defines __GLIBC__ on glibc
#if defined(__GLIBC__)
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#endif

void callocator_pad_heap_growth(int bytes) {
#if defined(__GLIBC__)
  mallopt(M_TOP_PAD, bytes);
#else
  (void)bytes;
#endif
}

#if defined(__GLIBC__)
#define CALLOCATOR_TUNABLE "glibc.malloc.hugetlb"

/// Whether the kernel backs memory with huge pages only where a process asks.
static int huge_pages_on_request(void) {
  int file = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
  if (file < 0) return 0;
  char text[128];
  ssize_t count = read(file, text, sizeof text - 1);
  close(file);
  if (count <= 0) return 0;
  text[count] = 0;
  return strstr(text, "[madvise]") != NULL;
}
#endif

void callocator_restart_with_huge_pages(char *const *argv) {
#if defined(__GLIBC__)
  const char *tunables = getenv("GLIBC_TUNABLES");
  // Set already, by the restart or by the user (who may have said 0).
  if (tunables != NULL && strstr(tunables, CALLOCATOR_TUNABLE) != NULL) return;
  if (!huge_pages_on_request()) return;
  char value[1024];
  int length =
    tunables != NULL && tunables[0] != 0
      ? snprintf(value, sizeof value, "%s:" CALLOCATOR_TUNABLE "=1", tunables)
      : snprintf(value, sizeof value, CALLOCATOR_TUNABLE "=1");
  if (length < 0 || (size_t)length >= sizeof value) return;
  char *previous = tunables != NULL ? strdup(tunables) : NULL;
  if (tunables != NULL && previous == NULL) return;
  if (setenv("GLIBC_TUNABLES", value, 1) != 0) {
    free(previous);
    return;
  }
  execv("/proc/self/exe", argv);
  // Not restarted (no /proc, say): carry on as started, environment as it was.
  if (previous != NULL) {
    setenv("GLIBC_TUNABLES", previous, 1);
    free(previous);
  } else {
    unsetenv("GLIBC_TUNABLES");
  }
#else
  (void)argv;
#endif
}

#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the SHA extensions (x86-64 SHA-NI) that
/// `csha256_compress` needs.
int csha256_available(void);

/// The SHA-256 compression function over `blocks` consecutive 64-byte blocks
/// of `data`, updating `state` (eight words, a to h). Call only when
/// `csha256_available()` is true.
void csha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif

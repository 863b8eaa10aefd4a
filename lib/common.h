/*
 * common.h — small helpers used by every module: array count, block
 * alignment, saturating counters, and the error record (gcpulse__error,
 * defined in instance.c).  Nothing in lib/ is exported (the library
 * builds with -fvisibility=hidden and only GCPULSE_API symbols are
 * public).  Cross-module functions are named gcpulse__module_verb, and
 * each module's private declarations live in its own header (see
 * docs/architecture.md for the module map).
 */
#ifndef GCPULSE_COMMON_H
#define GCPULSE_COMMON_H

#include "gcpulse.h"

#include <stddef.h>
#include <stdint.h>

#define GCPULSE__COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* Round N up to the block alignment (16 bytes). */
#define GCPULSE__ALIGN(n) (((n) + 15u) & ~(size_t)15u)

/* Saturating counter increment. */
static inline void gcpulse__inc(uint64_t *c) {
  if (*c != UINT64_MAX) (*c)++;
}

/* realloc-style allocator on libc, used when a configuration names none
 * (instance.c). */
void *gcpulse__libc_alloc(void *ud, void *ptr, size_t old_size,
                          size_t new_size);

/* Set an error record (first error wins; ERR may be NULL).  Returns CODE. */
int gcpulse__error(gcpulse_error_t *err, int code, const char *path,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif /* GCPULSE_COMMON_H */

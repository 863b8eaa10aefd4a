/* util.h — shared helpers for the cmocka tests. */
#ifndef GCPULSE_TEST_UTIL_H
#define GCPULSE_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gcpulse.h"

/* Path of FILE under the shared corpus (GCPULSE_CORPUS, default
 * ../shared/corpus), or NULL when it does not exist: tests then call
 * skip().  A "tests/data/..." FILE is a committed fixture: returned as is
 * (unit tests use those; the shared corpus is for `make conformance`). */
const char *tu_corpus(const char *rel);
#define TU_CORPUS_OR_SKIP(var, rel)                                            \
  const char *var = tu_corpus(rel);                                            \
  if (var == NULL) {                                                           \
    print_message("corpus file %s not found: skipped\n", rel);                 \
    skip();                                                                    \
  }

/* Whether the tests that read the shared corpus run (GCPULSE_CORPUS_TESTS=1,
 * set by `make conformance`); `make check` runs only fixture tests. */
int tu_corpus_tests(void);

/* Read a whole file into a malloc'd NUL-terminated buffer (*LEN = size). */
char *tu_read_file(const char *path, size_t *len);

/* A counting allocator for gcpulse_config.alloc: counts calls and live
 * bytes; fail_at >= 0 makes the fail_at-th allocation (0-based) fail. */
typedef struct tu_alloc {
  long allocs, frees, reallocs;
  long long live_bytes, peak_bytes;
  long fail_at;
} tu_alloc;
void *tu_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size);
void tu_alloc_init(tu_alloc *a);

/* Collects events (up to a fixed number) and counts callbacks. */
#define TU_MAX_EVENTS 20000
typedef struct tu_sink {
  gcpulse_event_t *ev; /* malloc'd array of TU_MAX_EVENTS */
  size_t n_ev;
  size_t n_gogc, n_action, n_diag;
  size_t diag_by_reason[GCPULSE_REASON_COUNT];
  gcpulse_gogc_decision_t last_gogc;
  gcpulse_action_t last_action;
} tu_sink;
void tu_sink_init(tu_sink *s, gcpulse_callbacks_t *cb);
void tu_sink_free(tu_sink *s);

/* Feed DATA to G in chunks: mode 0 whole, 1 byte by byte, 2 random sizes
 * (seeded), then gcpulse_finish. Returns the first error or 0. */
int tu_feed_chunks(gcpulse_t *g, const char *data, size_t len, int mode,
                   unsigned seed);

/* Parse a whole corpus file with the given format into S (fresh instance,
 * default config except format).  Returns 0 or an error. */
int tu_parse_file(const char *path, int format, tu_sink *s,
                  gcpulse_stats_t *st);

#endif

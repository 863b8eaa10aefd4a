/*
 * sink.h — how the parsers (trace_go.c, jvm/) hand events and
 * diagnostics to the instance, and the parser line-function contract.
 */
#ifndef GCPULSE_SINK_H
#define GCPULSE_SINK_H

#include "event_fields.h"
#include "gcpulse.h"

#include <stddef.h>

typedef struct gcpulse__sink {
  /* Deliver a complete event.  Returns 0 or a negative error (stop). */
  int (*event)(void *ctx, const gcpulse_event_t *ev);
  /* Report a diagnostic about the current line: REASON, byte COLUMN in the
   * line, a static DETAIL text (may be NULL).  Returns 0 or negative. */
  int (*diag)(void *ctx, int reason, size_t column, const char *detail);
  void *ctx;
} gcpulse__sink;

/* Event times (seconds since the process started) above this are absurd:
 * kept, flagged GCPULSE_EV_SUSPECT_TIME. */
#define GCPULSE__T_MAX_S 315576000.0 /* 10 years */

/* Durations (the MS fields) above this are absurd, for every runtime: a
 * collection cannot outlast the longest plausible process (10 years). */
#define GCPULSE__MS_MAX (GCPULSE__T_MAX_S * 1000.0)

/* The last check of a parsed event before it reaches the sink, after every
 * unit scaling and product (numscan.c): a known field that is not finite,
 * negative (a duration) or not below GCPULSE_INT_MAX (an integer) is left
 * out (bit cleared) with one OVERFLOW diagnostic (a duration also when
 * above GCPULSE__MS_MAX); a time above
 * GCPULSE__T_MAX_S is flagged SUSPECT_TIME with a diagnostic.  Every
 * parser calls it on every event.  Returns 0 or the sink's error. */
int gcpulse__event_fix(gcpulse_event_t *ev, const gcpulse__sink *k);

/* Fast path: every field in range, known or not (unknown fields are zero
 * or an earlier event's sane values).  v - v == 0 fails for NaN and
 * infinities, and so does v >= 0 for NaN; v <= GCPULSE__MS_MAX fails for
 * NaN, +inf and absurd durations; the tests are independent (no chain of
 * adds).  OR-ing the integers keeps any bit at or above 2^53.
 * Inline: one event per gc line, and a call costs as much as the test. */
static inline int gcpulse__event_sane(gcpulse_event_t *ev,
                                      const gcpulse__sink *k) {
  int ok = (ev->t - ev->t == 0) & (ev->t >= 0) & (ev->t <= GCPULSE__T_MAX_S);
  uint64_t ints = ev->seq;
#define GCPULSE__FAST_MS(f) ok &= (ev->f <= GCPULSE__MS_MAX) & (ev->f >= 0);
#define GCPULSE__FAST_INT(f) ints |= ev->f;
#define GCPULSE__FAST_U32(f)
#define GCPULSE__FAST(ty, F, f) GCPULSE__FAST_##ty(f)
  GCPULSE__EVENT_NUMBERS(GCPULSE__FAST)
#undef GCPULSE__FAST
#undef GCPULSE__FAST_MS
#undef GCPULSE__FAST_INT
#undef GCPULSE__FAST_U32
  if (ok & (ints < GCPULSE_INT_MAX)) return 0;
  return gcpulse__event_fix(ev, k);
}

/* Parser line functions return:
 *   < 0  an error from the sink (stop, propagate);
 *     0  the line is not this parser's (the caller counts *skip, a
 *        gcpulse_reason_t such as FOREIGN or BLANK);
 *     1  the line was recognised (events and diagnostics went to the sink;
 *        a recognised line with no GC data may still set *skip, e.g.
 *        GO_INFO / JVM_INFO, which the caller counts). */

#endif /* GCPULSE_SINK_H */

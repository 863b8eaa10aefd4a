/*
 * sink.h — how the parsers (trace_go.c, jvm/) hand events and
 * diagnostics to the instance, and the parser line-function contract.
 */
#ifndef GCPULSE_SINK_H
#define GCPULSE_SINK_H

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

/* Parser line functions return:
 *   < 0  an error from the sink (stop, propagate);
 *     0  the line is not this parser's (the caller counts *skip, a
 *        gcpulse_reason_t such as FOREIGN or BLANK);
 *     1  the line was recognised (events and diagnostics went to the sink;
 *        a recognised line with no GC data may still set *skip, e.g.
 *        GO_INFO / JVM_INFO, which the caller counts). */

#endif /* GCPULSE_SINK_H */

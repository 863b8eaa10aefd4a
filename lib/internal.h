/*
 * internal.h — declarations shared between the library's modules.  Nothing
 * here is exported (the library builds with -fvisibility=hidden and only
 * GCPULSE_API symbols are public).  Cross-module functions are named
 * gcpulse__module_verb.
 *
 * Module map (one .c each):
 *   names.c      string tables for every public enum
 *   numscan.c    locale-free number scanning shared by the parsers
 *   lines.c      byte chunks -> complete lines (bounded buffer)
 *   instance.c   create/free, the single memory block, dispatch, stats
 *   trace_go.c   Go gctrace / scvg / scav grammars -> events
 *   trace_jvm.c  JVM unified logging + JDK 8 legacy records -> events
 *   histogram.c  log-linear histogram
 *   detect.c     EWMA, CUSUM, Theil-Sen
 *   window.c     panes over event time, features
 *   gogc.c       GOGC controller
 *   policy.c     scaling-policy table
 *   json.c       configuration <-> JSON (the only jansson user)
 *   format.c     events/decisions/features/stats -> JSON text (no allocation)
 */
#ifndef GCPULSE_INTERNAL_H
#define GCPULSE_INTERNAL_H

#include "gcpulse.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#define GCPULSE__COUNTOF(a) (sizeof(a) / sizeof((a)[0]))
#define GCPULSE__ALIGN(n) (((n) + 15u) & ~(size_t)15u)

/* Saturating counter increment. */
static inline void gcpulse__inc(uint64_t *c) {
  if (*c != UINT64_MAX) (*c)++;
}

/* ======================================================================
 * Sink: how the parsers hand results to the instance.
 * ====================================================================== */

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

/* ======================================================================
 * numscan.c
 * ====================================================================== */

/* Unsigned decimal integer at P (no sign).  Returns the byte after the
 * digits, or NULL if there is no digit or the value overflows 64 bits. */
const char *gcpulse__scan_u64(const char *p, const char *end, uint64_t *out);

/* Unsigned decimal with an optional fraction; '.' always accepted as the
 * separator, ',' too when COMMA is non-zero.  Returns the byte after the
 * number, or NULL if there is no digit or the value is not finite. */
const char *gcpulse__scan_decimal(const char *p, const char *end, int comma,
                                  double *out);

/* Size with a unit suffix immediately after the number: "123K", "4M",
 * "1G", "12B", "2.5M" (K/M/G/T are powers of 1024).  Stores bytes.
 * Returns the byte after the unit or NULL. */
const char *gcpulse__scan_size(const char *p, const char *end, int comma,
                               uint64_t *bytes);

/* Skip spaces and tabs. */
static inline const char *gcpulse__skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  return p;
}

/* If [P, END) starts with literal LIT (length LEN), return the byte after
 * it, else NULL. */
static inline const char *gcpulse__lit(const char *p, const char *end,
                                       const char *lit, size_t len) {
  if ((size_t)(end - p) < len || memcmp(p, lit, len) != 0) return NULL;
  return p + len;
}
#define GCPULSE__LIT(p, end, s) gcpulse__lit((p), (end), (s), sizeof(s) - 1)

/* Find literal LIT in [P, END); NULL if absent. */
const char *gcpulse__find(const char *p, const char *end, const char *lit,
                          size_t len);

/* ======================================================================
 * lines.c — line assembler
 * ====================================================================== */

typedef struct gcpulse__lines {
  char *buf;        /* max_line bytes, inside the instance block */
  size_t cap;       /* max_line */
  size_t len;       /* bytes of the pending partial line */
  int skipping;     /* current line exceeded cap: discard to its end */
  int after_cr;     /* last byte seen was '\r': a following '\n' is eaten */
  uint64_t offset;  /* stream offset of the next byte */
  uint64_t line_start; /* stream offset where the pending line started */
} gcpulse__lines;

/* Called for each complete line (without terminator).  TOO_LONG lines are
 * reported with LINE = NULL.  Returns 0 or negative (stop). */
typedef int (*gcpulse__line_fn)(void *ctx, const char *line, size_t len,
                                uint64_t offset, int too_long);

void gcpulse__lines_init(gcpulse__lines *l, char *buf, size_t cap);
/* Split BUF into lines; *USED receives the bytes consumed (all of them
 * unless FN stopped with an error). */
int gcpulse__lines_feed(gcpulse__lines *l, const char *buf, size_t len,
                        gcpulse__line_fn fn, void *ctx, size_t *used);
/* Flush a pending partial line as a complete line. */
int gcpulse__lines_finish(gcpulse__lines *l, gcpulse__line_fn fn, void *ctx);

/* ======================================================================
 * trace_go.c — Go gctrace / scavtrace
 * (owned by the Go parser; fields may be added here freely)
 * ====================================================================== */

typedef struct gcpulse__go {
  uint64_t last_seq;     /* last "gc N" seen */
  double last_t;         /* its time */
  int have_seq;
  int forced_pending;    /* a "GC forced" line was seen: flag the next cycle */
  uint64_t scav_seq;     /* scavenge events seen (their seq numbers) */
} gcpulse__go;

void gcpulse__go_init(gcpulse__go *p);
int gcpulse__go_line(gcpulse__go *p, const char *s, size_t n,
                     const gcpulse__sink *k, int *skip);

/* ======================================================================
 * trace_jvm.c — JVM unified logging and JDK 8 legacy logs
 * (owned by the JVM parser; fields may be added here freely)
 * ====================================================================== */

typedef struct gcpulse__jvm gcpulse__jvm;

size_t gcpulse__jvm_size(const gcpulse_config_t *cfg);
/* P points at gcpulse__jvm_size(cfg) zeroed bytes. */
void gcpulse__jvm_init(gcpulse__jvm *p, const gcpulse_config_t *cfg);
/* Forget all stream state, keeping what init copied from the config. */
void gcpulse__jvm_reset(gcpulse__jvm *p);
int gcpulse__jvm_line(gcpulse__jvm *p, const char *s, size_t n,
                      const gcpulse__sink *k, int *skip);
/* End of stream: close open events. */
int gcpulse__jvm_finish(gcpulse__jvm *p, const gcpulse__sink *k);
/* Collector detected so far (gcpulse_collector_t). */
int gcpulse__jvm_collector(const gcpulse__jvm *p);

/* ======================================================================
 * Feature reader: how the controller and the policy see the window.
 * Same contract as gcpulse_feature(): 0 known, > 0 gcpulse_why_t, < 0 error.
 * ====================================================================== */

typedef int (*gcpulse__feat_fn)(const void *ctx, int feature, int stat,
                                double *out);

/* ======================================================================
 * histogram.c, detect.c, window.c — the feature store
 * (owned by the window; fields may be added here freely)
 * ====================================================================== */

typedef struct gcpulse__window gcpulse__window;

size_t gcpulse__window_size(const gcpulse_config_t *cfg);
/* W points at gcpulse__window_size(cfg) zeroed bytes. */
void gcpulse__window_init(gcpulse__window *w, const gcpulse_config_t *cfg);
/* Validate the window part of CFG (window_s, panes, ewma/cusum...). */
int gcpulse__window_check(const gcpulse_config_t *cfg, gcpulse_error_t *err);
void gcpulse__window_reset(gcpulse__window *w);
/* Add an event.  Returns a gcpulse_reason_t: NONE (accepted), RESTART or
 * GAP_RESET (accepted after resetting), OUT_OF_ORDER (dropped). */
int gcpulse__window_event(gcpulse__window *w, const gcpulse_event_t *ev);
/* Add a caller metric sample (id already validated).  Same returns. */
int gcpulse__window_metric(gcpulse__window *w, int metric, double t,
                           double value);
/* Advance the window clock to T (rotating panes). */
void gcpulse__window_advance(gcpulse__window *w, double t);
/* Set a derived feature (GOGC, GOGC_PINNED) at time T. */
void gcpulse__window_set(gcpulse__window *w, int feature, double t,
                         double value);
/* Read a feature (gcpulse__feat_fn contract; CTX is the window). */
int gcpulse__window_feature(const void *w, int feature, int stat,
                            double *out);
/* Supported (feature, stat) pairs. */
int gcpulse__window_supports(int feature, int stat);
/* Current window time (latest event/metric/tick time), NAN before any. */
double gcpulse__window_now(const gcpulse__window *w);

/* ======================================================================
 * gogc.c — controller
 * ====================================================================== */

typedef struct gcpulse__gogc gcpulse__gogc;

/* Validate CFG->gogc (bounds, ratios, periods). */
int gcpulse__gogc_check(const gcpulse_config_t *cfg, gcpulse_error_t *err);
size_t gcpulse__gogc_size(const gcpulse_config_t *cfg);
void gcpulse__gogc_init(gcpulse__gogc *c, const gcpulse_config_t *cfg);
/* Called after every event (NEW_CYCLE = 1 for a GC cycle) and tick, at
 * time T.  Returns 1 and fills *OUT when a decision is due (every period),
 * 0 when not, negative on error.  Updates the gogc_* counters in ST. */
int gcpulse__gogc_step(gcpulse__gogc *c, gcpulse__feat_fn feat,
                       const void *fctx, double t, int new_cycle,
                       gcpulse_gogc_decision_t *out, gcpulse_stats_t *st);
double gcpulse__gogc_current(const gcpulse__gogc *c);
/* Forget all state (back to the configured initial GOGC). */
void gcpulse__gogc_reset(gcpulse__gogc *c);
/* The window was reset (restart or time gap): drop smoothed inputs. */
void gcpulse__gogc_window_reset(gcpulse__gogc *c);

/* ======================================================================
 * policy.c — scaling-policy table
 * ====================================================================== */

typedef struct gcpulse__policy gcpulse__policy;

/* Fill OUT with the built-in default table; returns the number of rules. */
int gcpulse__policy_defaults(gcpulse_rule_t *out, int max);
/* Validate the policy part of CFG (thresholds, N <= M, names...). */
int gcpulse__policy_check(const gcpulse_config_t *cfg, gcpulse_error_t *err);
size_t gcpulse__policy_size(const gcpulse_config_t *cfg);
void gcpulse__policy_init(gcpulse__policy *p, const gcpulse_config_t *cfg);
void gcpulse__policy_reset(gcpulse__policy *p);
typedef int (*gcpulse__action_fn)(void *ctx, const gcpulse_action_t *a);
/* Evaluate at time T if the policy period elapsed (or FORCE).  Applied
 * and (when configured) suppressed actions go to EMIT.  Updates the
 * policy counters in ST. */
int gcpulse__policy_step(gcpulse__policy *p, gcpulse__feat_fn feat,
                         const void *fctx, double t, int force,
                         gcpulse__action_fn emit, void *ectx,
                         gcpulse_stats_t *st);
int gcpulse__policy_kill(gcpulse__policy *p, int direction,
                         const char *action, int disabled);
int gcpulse__policy_explanations(const gcpulse__policy *p,
                                 gcpulse_action_t *out, int n);

/* ======================================================================
 * instance.c helpers used by other modules
 * ====================================================================== */

/* Set an error record (first error wins; ERR may be NULL).  Returns CODE. */
int gcpulse__error(gcpulse_error_t *err, int code, const char *path,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif /* GCPULSE_INTERNAL_H */

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
 *   jvm/envelope.c  JVM unified-logging envelope, restarts, entry point
 *   jvm/messages.c    JVM message grammars (every collector)
 *   jvm/gcid_table.c  JVM open GC-id table, emission order, derived fields
 *   jvm/legacy.c JDK 8 legacy -XX:+PrintGCDetails records
 *   histogram.c  log-linear histogram
 *   estimators.c     EWMA, CUSUM, Theil-Sen
 *   window.c     panes over event time, clock, event/metric ingestion
 *   window_query.c  features read from the panes, supported pairs
 *   gogc.c       GOGC controller
 *   policy.c     scaling-policy engine (state, evaluation, explanations)
 *   policy_rules.c  default rule table, merging, policy validation
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

/* Whether event EV has field F (a GCPULSE_FIELD_ suffix) known. */
#define GCPULSE__HAS(ev, f) (((ev)->known & GCPULSE_BIT(GCPULSE_FIELD_##f)) != 0)

/* The numeric event fields after SEQ and T, in JSON order, by type:
 * MS a duration (double, finite, >= 0), INT a size (uint64, below
 * GCPULSE_INT_MAX), U32 a small count.  format.c writes them and
 * gcpulse_feed_event validates them from this one list. */
#define GCPULSE__EVENT_NUMBERS(X)                                             \
  X(MS, PAUSE_MS, pause_ms)                                                   \
  X(MS, CONCURRENT_MS, concurrent_ms)                                         \
  X(MS, GC_CPU_MS, gc_cpu_ms)                                                 \
  X(MS, CPU_ASSIST_MS, cpu_assist_ms)                                         \
  X(MS, CPU_BACKGROUND_MS, cpu_background_ms)                                 \
  X(MS, CPU_IDLE_MS, cpu_idle_ms)                                             \
  X(MS, CPU_USER_MS, cpu_user_ms)                                             \
  X(MS, CPU_SYS_MS, cpu_sys_ms)                                               \
  X(MS, REAL_MS, real_ms)                                                     \
  X(INT, HEAP_BEFORE, heap_before)                                            \
  X(INT, HEAP_AFTER, heap_after)                                              \
  X(INT, HEAP_LIVE, heap_live)                                                \
  X(INT, HEAP_GOAL, heap_goal)                                                \
  X(INT, HEAP_CAPACITY, heap_capacity)                                        \
  X(INT, YOUNG_BEFORE, young_before)                                          \
  X(INT, YOUNG_AFTER, young_after)                                            \
  X(INT, OLD_BEFORE, old_before)                                              \
  X(INT, OLD_AFTER, old_after)                                                \
  X(INT, PROMOTED, promoted)                                                  \
  X(INT, METASPACE_USED, metaspace_used)                                      \
  X(INT, METASPACE_COMMITTED, metaspace_committed)                            \
  X(INT, STACKS, stacks)                                                      \
  X(INT, GLOBALS, globals)                                                    \
  X(U32, PROCS, procs)                                                        \
  X(U32, GC_CPU_PCT_TOTAL, gc_cpu_pct_total)                                  \
  X(INT, RELEASED, released)                                                  \
  X(INT, RETAINED, retained)
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
  double last_t;         /* last trusted "@T" (not SUSPECT_TIME) */
  int have_seq;
  int have_t;            /* last_t is valid (cleared on restart) */
  int forced_pending;    /* a "GC forced" line was seen: flag the next cycle */
  uint64_t scav_seq;     /* scavenge events emitted so far */
  /* Event records reused for every line (zeroed once by init; each grammar
   * rewrites the same fields every time), so no 300-byte clear per line. */
  gcpulse_event_t cyc;   /* GO_CYCLE */
  gcpulse_event_t scav;  /* SCAVENGE */
} gcpulse__go;

void gcpulse__go_init(gcpulse__go *p);
int gcpulse__go_line(gcpulse__go *p, const char *s, size_t n,
                     const gcpulse__sink *k, int *skip);

/* ======================================================================
 * JVM GC logs (owned by the JVM parser; fields may be added here freely)
 *   jvm/envelope.c   unified-logging envelope, restarts, line entry point
 *   jvm/messages.c     message grammars of every collector (pauses, cycles,
 *                 detail lines, banner lines)
 *   jvm/gcid_table.c   bounded table of open GC ids, emission order, derived
 *                 fields and flags
 *   jvm/legacy.c  JDK 8 legacy -XX:+PrintGCDetails records
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
/* Derived fields and flags shared by both JVM grammars (promoted,
 * heap_live, FORCED, OOM rules); called on every event before emission. */
void gcpulse__jvm_derive(gcpulse_event_t *ev);

/* jvm/legacy.c — JDK 8 legacy -XX:+PrintGCDetails records (one record in
 * progress at a time; a record ends at its "[Times: ...]" or when the next
 * record starts). */
typedef struct gcpulse__jvm8 {
  int collector;       /* inferred from pool names */
  int seen;            /* a legacy record was recognised */
  int active;          /* a record is in progress */
  int have_wall0, have_t;
  double wall0, last_t;
  uint64_t next_seq;   /* numbering when the log has no #ids */
  int have_seq;        /* a record was numbered (next_seq - 1 is valid) */
  int went_back;       /* a record started >= 0.25 s before the last one */
  char label[16];      /* pool name left open at the end of a line ("[DefNew") */
  gcpulse_event_t ev;  /* the record in progress */
  int conc_active;     /* CMS / G1 concurrent cycle being summed */
  int conc_closing;    /* G1: its cleanup pause was seen */
  double conc_t_last;  /* time of its last line */
  gcpulse_event_t conc;
} gcpulse__jvm8;

void gcpulse__jvm8_init(gcpulse__jvm8 *q);
/* Same contract as gcpulse__jvm_line; *COLLECTOR is the stream's collector
 * (updated when the record names one). */
int gcpulse__jvm8_line(gcpulse__jvm8 *q, const char *s, size_t n,
                       const gcpulse__sink *k, int *skip, int *collector);
/* Emit the record in progress, if it has a pause, and close an unfinished
 * concurrent cycle (SYNTHETIC + INCOMPLETE, see jvm/gcid_table.c). */
int gcpulse__jvm8_finish(gcpulse__jvm8 *q, const gcpulse__sink *k);

/* ---- state shared by jvm/envelope.c, jvm/messages.c and jvm/gcid_table.c ---- */

enum { GCPULSE__JVM_PAUSE = 1, GCPULSE__JVM_CYCLE = 2 };           /* role */
enum { GCPULSE__JVM_FREE = 0, GCPULSE__JVM_OPEN = 1, GCPULSE__JVM_DONE = 2 };
/* G1 region counts kept per entry: eden, survivor, old(+archive), humongous */
enum { GCPULSE__JVM_RG_EDEN, GCPULSE__JVM_RG_SURV, GCPULSE__JVM_RG_OLD,
       GCPULSE__JVM_RG_HUM, GCPULSE__JVM_RG_N };

/* One open event, keyed by (GC id, role). */
typedef struct gcpulse__jvm_entry {
  int state, role;
  int accum;           /* CYCLE summing concurrent phases (Shenandoah, CMS) */
  int wait_cpu;        /* DONE pause waiting for its "User=" line */
  int started;         /* opened by a start line */
  int has_summary_dur; /* cycle duration came from the summary line */
  uint64_t id, stamp;
  double t_last;       /* time of the last line joined to this entry */
  uint64_t rg[GCPULSE__JVM_RG_N][2];
  unsigned rg_known;   /* bit GCPULSE__JVM_RG_x */
  gcpulse_event_t ev;
} gcpulse__jvm_entry;

/* One unified-logging line after the envelope. */
typedef struct gcpulse__jline {
  const char *msg, *end; /* message after decorators (and GC id) */
  const char *tags;      /* tag decorator (trimmed), NULL if none */
  size_t tags_n;
  int n_dec;             /* decorators recognised */
  int strong;            /* has a time or level decorator */
  int has_id;
  uint64_t id;
  char gen;              /* 'Y', 'O', 'y' or 0 */
  int timed;             /* has a readable time decorator */
} gcpulse__jline;

struct gcpulse__jvm {
  int n_slots;
  int collector;
  int locked;        /* a JVM line was recognised: lenient from now on */
  int have_wall0;
  double wall0;
  double t_line;     /* time of the current line */
  int have_t;
  double last_t;     /* time of the last timed line */
  int have_last_t;
  uint64_t region_size;
  uint64_t stamp;
  int n_used, n_done;
  int cache;         /* index of the last entry touched */
  int oom_pending;   /* "Out Of Memory" / failed degeneration seen */
  int prev_full;     /* the last collection emitted was a full GC */
  int restart_pending; /* flag the next event GCPULSE_EV_RESTART */
  /* restart detection (per JVM run) */
  int run_gc;        /* a GC-id line or legacy record was seen in this run */
  int have_max_id;
  uint64_t max_id;   /* largest GC id of this run */
  int have_up;
  double last_up;    /* last uptime decorator */
  int heap_exit;     /* inside an undecorated "Heap" exit printout */
  int dec_timed;     /* decorated lines of this run carry a time */
  gcpulse__jvm8 legacy;
  gcpulse__jvm_entry e[];
};

/* jvm/gcid_table.c.  Find the entry (ID, ROLE) in STATE, or NULL. */
gcpulse__jvm_entry *gcpulse__jvm_find(gcpulse__jvm *p, uint64_t id, int role,
                                      int state);
/* Whether any OPEN or DONE entry has GC id ID. */
int gcpulse__jvm_has_id(gcpulse__jvm *p, uint64_t id);
/* A fresh OPEN entry for (ID, ROLE) stamped with the line time; evicts the
 * oldest when full.  Returns NULL only on a sink error (*RC set). */
gcpulse__jvm_entry *gcpulse__jvm_open(gcpulse__jvm *p, uint64_t id, int role,
                                      const gcpulse__sink *k, int *rc);
/* Mark X complete; it is emitted by the next flush that finds it ready. */
void gcpulse__jvm_done(gcpulse__jvm *p, gcpulse__jvm_entry *x);
/* Emit ready DONE entries, smallest GC id first (CUR_ID: id of the line
 * being processed, HAVE_ID 0 if none; ALL ignores the holds). */
int gcpulse__jvm_flush(gcpulse__jvm *p, const gcpulse__sink *k, int have_id,
                       uint64_t cur_id, int all);
/* End of a run (end of stream or restart): emit everything still in the
 * table; unfinished events go out SYNTHETIC after an INCOMPLETE diag. */
int gcpulse__jvm_close_all(gcpulse__jvm *p, const gcpulse__sink *k);
/* Hand EV to the sink, adding GCPULSE_EV_RESTART when one is pending. */
int gcpulse__jvm_deliver(gcpulse__jvm *p, gcpulse_event_t *ev,
                         const gcpulse__sink *k);

/* jvm/messages.c.  Process the message of a unified-logging line.  Returns 1 if
 * it was recognised as JVM output, 0 if not; *SKIP as in the module
 * contract; *RC a sink error. */
int gcpulse__jvm_body(gcpulse__jvm *p, gcpulse__jline *L, const char *line,
                      const gcpulse__sink *k, int *skip, int *rc);
/* Collector named by a "Using <name>" message [B, E) (after "Using "), or
 * -1 when the name is not a collector. */
int gcpulse__jvm_using(const char *b, const char *e);

/* Decimal "123", "1.25" or "1,25" at P (identical result to
 * gcpulse__scan_decimal with COMMA set, faster for short numbers). */
static inline const char *gcpulse__jvm_decimal(const char *p, const char *e,
                                               double *out) {
  static const double neg[] = {1e0,  1e-1,  1e-2,  1e-3,  1e-4,  1e-5,
                               1e-6, 1e-7,  1e-8,  1e-9,  1e-10, 1e-11,
                               1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
                               1e-18};
  const char *q = p;
  uint64_t m = 0;
  int frac = 0;
  while (q < e && (unsigned)(*q - '0') <= 9u) m = m * 10u + (unsigned)(*q++ - '0');
  if (q == p) return NULL;
  if (q + 1 < e && (*q == '.' || *q == ',') && (unsigned)(q[1] - '0') <= 9u) {
    const char *f = ++q;
    while (q < e && (unsigned)(*q - '0') <= 9u) m = m * 10u + (unsigned)(*q++ - '0');
    frac = (int)(q - f);
  }
  if ((q - p) - (frac > 0) > 18) return gcpulse__scan_decimal(p, e, 1, out);
  *out = (double)m * neg[frac];
  return q;
}

/* ======================================================================
 * Feature reader: how the controller and the policy see the window.
 * Same contract as gcpulse_feature(): 0 known, > 0 gcpulse_why_t, < 0 error.
 * ====================================================================== */

typedef int (*gcpulse__feat_fn)(const void *ctx, int feature, int stat,
                                double *out);

/* ======================================================================
 * histogram.c, estimators.c, window.c — the feature store
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

/* The one memory limit (issue 13): where the limit in force comes from.
 * Precedence: configuration (memory_limit, else its alias
 * gogc.memory_limit), then the latest memory_limit metric, then the limit
 * detected from the log (largest JVM heap capacity).  The window answers
 * FEAT_MEMORY_LIMIT and heap_limit_ratio by it; the controller and the
 * policy read that feature, so all three agree. */
enum { GCPULSE_LIMIT_NONE, GCPULSE_LIMIT_CONFIG, GCPULSE_LIMIT_METRIC,
       GCPULSE_LIMIT_DETECTED };
static inline double gcpulse__config_memory_limit(const gcpulse_config_t *c) {
  if (c->memory_limit > 0) return c->memory_limit;
  return c->gogc.memory_limit > 0 ? c->gogc.memory_limit : 0.0;
}
/* The limit in force in bytes (0 = none); *SRC (may be NULL) gets its
 * GCPULSE_LIMIT_* source. */
double gcpulse__window_memory_limit(const gcpulse__window *w, int *src);

/* ---- histogram.c: log-linear histogram, u16 panes + u32 aggregate ----
 * Bucket of V with S sub-bucket bits: values below 2^S are exact; above,
 * bucket = (floor(log2 V) - S + 1) * 2^S + the S bits after the leading
 * one.  Relative width of a bucket <= 2^-S, so the bucket midpoint is
 * within 2^-(S+1) (1.56 % at S = 5) of any value in it.  Buckets past
 * NB-1 clamp into the last one. */
static inline uint32_t gcpulse__hist_bucket(uint64_t v, unsigned s,
                                            uint32_t nb) {
  uint32_t b;
  if (v < (UINT64_C(1) << s)) {
    b = (uint32_t)v;
  } else {
    unsigned e = 63u - (unsigned)__builtin_clzll(v);
    b = ((e - s + 1u) << s) + ((uint32_t)(v >> (e - s)) & ((1u << s) - 1u));
  }
  return b < nb ? b : nb - 1u;
}
/* Buckets needed to cover [0, 2^MAX_LOG2) with S sub-bucket bits. */
static inline uint32_t gcpulse__hist_nbuckets(unsigned s, unsigned max_log2) {
  return (max_log2 - s + 1u) << s;
}
/* Smallest value in bucket B, and one past its largest. */
uint64_t gcpulse__hist_lower(uint32_t b, unsigned s);
uint64_t gcpulse__hist_upper(uint32_t b, unsigned s);

/* A windowed histogram: NPANES u16 pane arrays of NB buckets, a u32
 * aggregate equal to their sum (kept by subtract-on-evict), and per-group
 * (2^S buckets) sums so a quantile scans ~NB/2^S + 2^S cells.  All arrays
 * live in caller memory (gcpulse__hist_bytes). */
typedef struct gcpulse__hist {
  uint16_t *panes;   /* npanes * nb */
  uint32_t *agg;     /* nb */
  uint32_t *grp;     /* nb >> s */
  uint32_t nb, s, npanes;
  uint32_t total;    /* sum of agg */
  uint32_t saturated; /* pane increments lost to u16 saturation */
} gcpulse__hist;

size_t gcpulse__hist_bytes(unsigned s, unsigned max_log2, unsigned npanes);
/* Lay the histogram out in MEM (gcpulse__hist_bytes bytes, zeroed). */
void gcpulse__hist_init(gcpulse__hist *h, void *mem, unsigned s,
                        unsigned max_log2, unsigned npanes);
void gcpulse__hist_clear(gcpulse__hist *h);
/* Count V in pane slot PANE.  A u16 pane bucket saturates at 65535 (the
 * aggregate then skips the sample too, so eviction stays exact) and
 * h->saturated counts the loss.  Returns 0, or 1 when saturated. */
static inline int gcpulse__hist_record(gcpulse__hist *h, unsigned pane,
                                       uint64_t v) {
  uint32_t b = gcpulse__hist_bucket(v, h->s, h->nb);
  uint16_t *c = &h->panes[(size_t)pane * h->nb + b];
  if (*c == UINT16_MAX) {
    h->saturated++;
    return 1;
  }
  (*c)++;
  h->agg[b]++;
  h->grp[b >> h->s]++;
  h->total++;
  return 0;
}
/* Subtract pane slot PANE from the aggregate and zero it. */
void gcpulse__hist_evict(gcpulse__hist *h, unsigned pane);
/* Nearest-rank quantile Q in [0,1] of the aggregate: the midpoint of the
 * bucket holding rank ceil(Q*total) (an exact value below 2^S).  Returns
 * 0 and sets *OUT, or -1 when empty. */
int gcpulse__hist_quantile(const gcpulse__hist *h, double q, double *out);
/* Same on a plain u32 array (tests, merges): NB buckets, S bits. */
int gcpulse__hist_quantile_array(const uint32_t *agg, uint32_t nb,
                                 unsigned s, double q, double *out);

/* ---- estimators.c: smoothers, change detection, robust slope ---- */

/* Time-decay EWMA for irregular samples.  alpha = max(1 - exp(-dt/tau),
 * 1/n): the first samples are averaged equally (no start-up bias) until
 * the time kernel gives them more weight.  VAR is the matching
 * exponentially weighted variance of the deviations. */
typedef struct gcpulse__ewma {
  double mean, var, t; /* t: time of the last sample */
  uint32_t n;
} gcpulse__ewma;
/* Kernel weight for a gap DT with time constant TAU (0 if dt <= 0). */
double gcpulse__ewma_alpha(double dt, double tau);
/* Add X at time T using kernel weight ALPHA_TIME for (t - e->t).  Inline:
 * it runs for every series sample on the hot path. */
static inline void gcpulse__ewma_add(gcpulse__ewma *e, double x, double t,
                                     double alpha_time) {
  if (e->n == 0) {
    e->mean = x;
    e->var = 0.0;
    e->t = t;
    e->n = 1;
    return;
  }
  if (e->n != UINT32_MAX) e->n++;
  double a = alpha_time;
  if (a * (double)e->n < 1.0) a = 1.0 / (double)e->n; /* start-up: plain mean */
  double d = x - e->mean;
  e->mean += a * d;
  e->var = (1.0 - a) * (e->var + a * d * d);
  if (t > e->t) e->t = t;
}

/* Two-sided tabular CUSUM on standardised values z (Page 1954):
 * S+ = max(0, S+ + z - k), S- = max(0, S- - z - k); an alarm when either
 * exceeds h, after which both sums restart at 0. */
typedef struct gcpulse__cusum {
  double sp, sn;
} gcpulse__cusum;
/* Returns +1 (upward shift), -1 (downward) or 0. */
static inline int gcpulse__cusum_step(gcpulse__cusum *c, double z, double k,
                                      double h) {
  double sp = c->sp + z - k, sn = c->sn - z - k;
  c->sp = sp > 0 ? sp : 0.0;
  c->sn = sn > 0 ? sn : 0.0;
  if (c->sp > h) {
    c->sp = c->sn = 0.0;
    return 1;
  }
  if (c->sn > h) {
    c->sp = c->sn = 0.0;
    return -1;
  }
  return 0;
}

/* Theil-Sen slope of (X[i], Y[i]), i < N: the median of the pairwise
 * slopes over pairs with distinct x.  SCRATCH holds N*(N-1)/2 doubles.
 * Returns 0 and *OUT, or -1 with fewer than one usable pair. */
int gcpulse__theil_sen(const double *x, const double *y, int n,
                       double *scratch, double *out);
/* Least-squares slope from sums (n, sum t, sum t^2, sum y, sum t*y).
 * Returns 0 and *OUT, or -1 when the t spread is zero. */
int gcpulse__ols_slope(double n, double st, double stt, double sy,
                       double sty, double *out);

/* ---- window.c + window_query.c: the window's private layout ----
 * window.c owns ingestion (clock, panes, series updates); window_query.c
 * reads the same state to compute features.  Nothing else touches these. */

/* Sample series kept per pane. */
enum {
  GCPULSE__SR_GC_INTERVAL,
  GCPULSE__SR_YOUNG_INTERVAL,
  GCPULSE__SR_PAUSE,
  GCPULSE__SR_HEAP_LIVE,
  GCPULSE__SR_HEAP_GOAL,
  GCPULSE__SR_HEAP_BEFORE,
  GCPULSE__SR_HEAP_AFTER,
  GCPULSE__SR_ALLOC,      /* per-interval allocation rate samples, bytes/s */
  GCPULSE__SR_META_USED,
  GCPULSE__SR_META_PCT,
  GCPULSE__SR_QPS,
  GCPULSE__SR_RSS,
  GCPULSE__SR_LATENCY,
  GCPULSE__SR_MEMLIMIT,
  GCPULSE__SR_GOGC,
  GCPULSE__SR_PINNED,
  GCPULSE__SR_ROOTS,      /* Go stacks + globals */
  GCPULSE__SR_FIXED       /* custom metrics follow */
};

#define GCPULSE__CUSUM_WARMUP 30u /* samples before the CUSUM is armed */
#define GCPULSE__MAX_PANES 64

/* One series in one pane (64 bytes). */
typedef struct gcpulse__wser {
  uint32_t n;
  float t0, t1;  /* first / last sample time, relative to the pane start */
  float v0;      /* value of the first sample (for RATE) */
  double sum, min, max, st, stt, sty;
} gcpulse__wser;

/* Additive counters of one pane. */
typedef struct gcpulse__wpane {
  int64_t idx;   /* absolute pane number: floor(t / pane width) */
  double start;  /* idx * pane width */
  uint32_t gc, young, full, oom, promo_n, cpu_n, alloc_n, ev;
  double promoted, cpu_ms, alloc_bytes, alloc_dt;
} gcpulse__wpane;

/* Per-series state outside the panes. */
typedef struct gcpulse__wstate {
  gcpulse__ewma e;
  gcpulse__cusum c;
  double last_t, last_v;
  double inv_sd;       /* 1 / EWMA deviation, refreshed every 8 samples */
  double alarm_t;      /* time of the last CUSUM alarm, NAN if none */
  int alarm;           /* its direction */
  uint8_t has_last, sticky, detect, smooth; /* smooth: EWMA kept */
} gcpulse__wstate;

/* The previous event with heap figures (allocation chain). */
typedef struct gcpulse__wheap {
  double t, before, after, base;
  int ok;
} gcpulse__wheap;

struct gcpulse__window {
  /* configuration */
  double W, pw, tau, inv_tau, k, h, min_span;
  double mem_cfg;      /* configured memory limit (gcpulse__config_memory_limit) */
  double mem_det;      /* limit detected from the log (JVM heap capacity), 0 */
  int P, nser, ncustom;
  /* clock */
  double now;          /* NAN before any data */
  double origin;       /* first data time since reset, NAN if none */
  double last_data_t;  /* newest event/metric time, NAN if none */
  int64_t head;        /* absolute index of the newest pane */
  unsigned head_slot;  /* its ring slot */
  /* stream facts since reset */
  int runtime;         /* gcpulse_runtime_t of the last GC event */
  int have_ev;         /* a GC event (not a scavenge) was added */
  double prev_gc_t, prev_young_t; /* interval chains, NAN if none */
  gcpulse__wheap prev;
  double dc_dt, dc_alpha; /* decay cache: same dt -> same alpha */
  uint64_t dropped;    /* out-of-order data dropped */
  /* storage inside the block */
  gcpulse__wpane *panes;
  gcpulse__wser *ps;   /* P * nser */
  gcpulse__wstate *ss; /* nser */
  gcpulse__hist pause, lat;
};

/* Series of a caller metric id (QPS, RSS, LATENCY, MEMORY_LIMIT, GOGC,
 * GOGC_PINNED or a configured custom slot), or -1 for any other id.
 * Inline: it runs on every metric sample. */
static inline int gcpulse__window_series(const gcpulse__window *w,
                                         int metric) {
  switch (metric) {
  case GCPULSE_FEAT_QPS: return GCPULSE__SR_QPS;
  case GCPULSE_FEAT_RSS: return GCPULSE__SR_RSS;
  case GCPULSE_FEAT_LATENCY: return GCPULSE__SR_LATENCY;
  case GCPULSE_FEAT_MEMORY_LIMIT: return GCPULSE__SR_MEMLIMIT;
  case GCPULSE_FEAT_GOGC: return GCPULSE__SR_GOGC;
  case GCPULSE_FEAT_GOGC_PINNED: return GCPULSE__SR_PINNED;
  default:
    if (metric >= GCPULSE_FEAT_CUSTOM &&
        metric < GCPULSE_FEAT_CUSTOM + w->ncustom)
      return GCPULSE__SR_FIXED + (metric - GCPULSE_FEAT_CUSTOM);
    return -1;
  }
}

/* ======================================================================
 * gogc.c — controller
 * ====================================================================== */

typedef struct gcpulse__gogc gcpulse__gogc;

/* Validate CFG->gogc (bounds, ratios, periods). */
int gcpulse__gogc_check(const gcpulse_config_t *cfg, gcpulse_error_t *err);
size_t gcpulse__gogc_size(const gcpulse_config_t *cfg);
void gcpulse__gogc_init(gcpulse__gogc *c, const gcpulse_config_t *cfg);
/* Called after every event (NEW_CYCLE = 1 for a GC cycle), metric and tick,
 * at time T.  Returns 1 and fills *OUT when a decision is due (every
 * period_s, and early on a GC cycle when the projected peak at the current
 * GOGC exceeds the memory budget), 0 when not, negative on error.  Reads
 * QPS (stat LAST) on every call to average it over the period.  Updates
 * the gogc_* counters in ST. */
int gcpulse__gogc_step(gcpulse__gogc *c, gcpulse__feat_fn feat,
                       const void *fctx, double t, int new_cycle,
                       gcpulse_gogc_decision_t *out, gcpulse_stats_t *st);
double gcpulse__gogc_current(const gcpulse__gogc *c);
/* Forget all state (back to the configured initial GOGC). */
void gcpulse__gogc_reset(gcpulse__gogc *c);
/* The window was reset (restart or time gap): drop smoothed inputs. */
void gcpulse__gogc_window_reset(gcpulse__gogc *c);

/* ======================================================================
 * policy.c — scaling-policy table: state and evaluation engine
 * policy_rules.c — built-in default table, merging, validation
 * ====================================================================== */

typedef struct gcpulse__policy gcpulse__policy;

/* Tolerance of every policy time comparison (both files). */
#define GCPULSE__POLICY_EPS 1e-9

/* Rule, group and action names compare over at most GCPULSE_NAME_MAX
 * bytes (configured names need not be terminated). */
static inline int gcpulse__name_eq(const char *a, const char *b) {
  return strncmp(a, b, GCPULSE_NAME_MAX) == 0;
}

/* Fill OUT with the built-in default table; returns the number of rules. */
int gcpulse__policy_defaults(gcpulse_rule_t *out, int max);
/* Merge the defaults (when cfg->policy_defaults) with cfg->rules by id
 * into OUT (NULL = count only; at most MAX written).  A configured rule
 * whose id is a default replaces it in place; the others are appended in
 * order.  Returns the merged count (may exceed MAX). */
int gcpulse__policy_merge(const gcpulse_config_t *cfg, gcpulse_rule_t *out,
                          int max);
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

/*
 * gcpulse.h — GC trace parsing, sliding-window GC features, a dynamic GOGC
 * controller and a GC-aware scaling-policy table, in one embeddable C11
 * library.  This header is the specification: every public type, function
 * and contract is documented here.
 *
 * Data flows one way:
 *
 *   bytes ─► lines ─► Go / JVM parser ─► event ─► on_event
 *   structured record (gcpulse_feed_event) ──┘        │
 *   caller metric (gcpulse_feed_metric) ──────────────┤
 *                                                     ▼
 *                                        sliding-window features
 *                                      ┌──────────────┴───────────┐
 *                                      ▼                          ▼
 *                              GOGC controller ─► on_gogc   policy table ─► on_action
 *
 * Thread safety.  gcpulse has no global mutable state and is fully
 * reentrant.  One gcpulse_t must not be used by two threads at the same
 * time; distinct instances may be used concurrently from different
 * threads.  Callbacks run synchronously on the thread that called into the
 * instance.  Calling any mutating function of an instance from inside one
 * of its own callbacks returns GCPULSE_EBUSY: gcpulse_feed, _feed_line,
 * _finish, _feed_event, _feed_metric, _metric_id, _tick, _reset and
 * _policy_kill (gcpulse_free is refused).
 *
 * Memory.  gcpulse_new() makes exactly one allocation through the
 * configured allocator; nothing allocates after that.  The library does no
 * I/O, starts no threads and installs no signal handlers.  The only other
 * allocations are the JSON configuration loader's (gcpulse_config_load_json:
 * two temporary blocks, freed before it returns), also through the
 * configuration's allocator; it runs outside any instance.  The library
 * depends on libm only.
 *
 * Conventions.  Functions return 0 (GCPULSE_OK) or a negative
 * gcpulse_errno_t.  Times are seconds (double) on one clock per instance:
 * the trace's own clock (Go "@T", JVM uptime) or the caller's clock for
 * structured records and metrics.  Durations in events are milliseconds,
 * sizes are bytes.  A value that is not known is marked as such (a bit in
 * gcpulse_event.known, a reason code for features), never reported as 0.
 */
#ifndef GCPULSE_H
#define GCPULSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Version and export
 * ------------------------------------------------------------------------ */

#define GCPULSE_VERSION_MAJOR 0
#define GCPULSE_VERSION_MINOR 1
#define GCPULSE_VERSION_PATCH 0
#define GCPULSE_VERSION_STRING "0.1.0"
/* 0x00MMmmpp; compare with gcpulse_version() to catch a header/library
 * mismatch: assert(gcpulse_version() == GCPULSE_VERSION_HEX). */
#define GCPULSE_VERSION_HEX                                                   \
  ((GCPULSE_VERSION_MAJOR << 16) | (GCPULSE_VERSION_MINOR << 8) |             \
   GCPULSE_VERSION_PATCH)

/* ABI.  GCPULSE_ABI_MAJOR is the shared library's soname number
 * (libgcpulse.so.GCPULSE_ABI_MAJOR).  The public structs below are
 * size-stamped: the size, alignment and every member offset of each is
 * recorded in tests/abi-layout.txt with the ABI major it belongs to, and
 * `make check` fails when a layout differs from the record unless the ABI
 * major was raised (here and ABI_MAJOR in the Makefile) and the record
 * regenerated (make abi-layout).  Changing a function signature or
 * removing a function also raises it.  Adding a struct or a function does
 * not (make abi-layout records a new struct under the same major; the
 * exported names are checked against lib/gcpulse.symbols).  Arrays in
 * public structs have fixed capacities (GCPULSE_REASON_MAX,
 * GCPULSE_RULES_MAX, GCPULSE_CUSTOM_MAX, ...), so adding an enum value
 * within them, such as a new diagnostic reason, keeps the layout. */
#define GCPULSE_ABI_MAJOR 3

#if defined(_WIN32) && !defined(GCPULSE_STATIC)
#ifdef GCPULSE_BUILDING
#define GCPULSE_API __declspec(dllexport)
#else
#define GCPULSE_API __declspec(dllimport)
#endif
#elif defined(__GNUC__)
#define GCPULSE_API __attribute__((visibility("default")))
#else
#define GCPULSE_API
#endif

/* The library's version as GCPULSE_VERSION_HEX and as a string. */
GCPULSE_API unsigned gcpulse_version(void);
GCPULSE_API const char *gcpulse_version_string(void);

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

#define GCPULSE_ERRNO_MAP(X)                                                  \
  X(OK, 0, "success")                                                         \
  X(EINVAL, -1, "invalid argument")                                           \
  X(ENOMEM, -2, "out of memory")                                              \
  X(ECALLBACK, -3, "a user callback returned non-zero")                       \
  X(EBUSY, -4, "instance re-entered from one of its callbacks")               \
  X(ECONFIG, -5, "invalid configuration")                                     \
  X(EJSON, -6, "malformed JSON")                                              \
  X(ENOSPC, -7, "output buffer too small or fixed capacity exhausted")        \
  X(ENOTFOUND, -8, "no such name")                                            \
  X(EUNKNOWN, -9, "value not known")                                          \
  X(ENOTSUP, -10, "not supported by this build (JSON=0)")

typedef enum gcpulse_errno {
#define GCPULSE_X_(name, val, text) GCPULSE_##name = (val),
  GCPULSE_ERRNO_MAP(GCPULSE_X_)
#undef GCPULSE_X_
} gcpulse_errno_t;

/* "GCPULSE_EINVAL" / "invalid argument"; never NULL, "unknown error" for an
 * unknown code. */
GCPULSE_API const char *gcpulse_errname(int err);
GCPULSE_API const char *gcpulse_strerror(int err);

/* A caller-owned error record for functions that can fail with detail
 * (configuration loading and checking).  Those functions clear it on entry
 * and fill it with the first error they meet; text is NUL-terminated. */
typedef struct gcpulse_error {
  int code;       /* gcpulse_errno_t */
  int line;       /* 1-based line in JSON text, 0 if not applicable */
  int column;     /* 1-based column in JSON text, 0 if not applicable */
  char path[128]; /* key path of the offending value, e.g. "policy.rules[2].conditions[0].exit" */
  char text[160]; /* what is wrong, in a sentence */
} gcpulse_error_t;

/* ------------------------------------------------------------------------
 * Diagnostics: why a line was skipped or an input was rejected.
 * Every reason has a counter in gcpulse_stats_t.by_reason.
 * ------------------------------------------------------------------------ */

#define GCPULSE_REASON_MAP(X)                                                 \
  X(NONE, "none", "no problem")                                               \
  X(BLANK, "blank", "empty or whitespace-only line")                          \
  X(FOREIGN, "foreign", "not a GC trace line (program output, other logs)")   \
  X(TOO_LONG, "too_long", "line longer than max_line; skipped unparsed")      \
  X(BINARY, "binary", "line holds NUL or other binary bytes")                 \
  X(GO_INFO, "go_info", "recognised Go runtime line with no GC data")         \
  X(JVM_INFO, "jvm_info", "recognised JVM log line with no GC event data")    \
  X(JVM_UNKNOWN, "jvm_unknown", "JVM log line with an unrecognised message")  \
  X(MALFORMED, "malformed", "trace line with a syntax error")                 \
  X(TRUNCATED, "truncated", "trace line that ends early")                     \
  X(OVERFLOW, "overflow", "number out of range")                              \
  X(SUSPECT_TIME, "suspect_time", "absurd or wrapped event time (kept, flagged)") \
  X(SEQ_REUSED, "seq_reused", "GC number repeated or going backwards")        \
  X(OUT_OF_ORDER, "out_of_order", "event older than the window accepts; dropped") \
  X(EVICTED, "evicted", "open JVM event evicted from a full GC-id table")     \
  X(INCOMPLETE, "incomplete", "JVM event whose summary line never came")      \
  X(BAD_EVENT, "bad_event", "structured event with invalid values")           \
  X(BAD_METRIC, "bad_metric", "caller metric that is not finite or out of range") \
  X(RESTART, "restart", "process restart detected; window reset")             \
  X(GAP_RESET, "gap_reset", "time gap longer than the window; window reset") \
  X(INTERLEAVED, "interleaved", "two processes write to one stream; no restart")

typedef enum gcpulse_reason {
#define GCPULSE_X_(name, id, text) GCPULSE_REASON_##name,
  GCPULSE_REASON_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_REASON_COUNT
} gcpulse_reason_t;

/* Capacity of gcpulse_stats_t.by_reason: reasons can be added up to it
 * without changing the stats layout. */
#define GCPULSE_REASON_MAX 48

/* "malformed" and its sentence; "unknown" for out-of-range values. */
GCPULSE_API const char *gcpulse_reason_name(int reason);
GCPULSE_API const char *gcpulse_reason_text(int reason);

/* A diagnostic passed to on_diag.  LINE points into the caller's buffer or
 * the instance's line buffer and is valid only during the callback. */
typedef struct gcpulse_diag {
  int reason;       /* gcpulse_reason_t */
  int runtime;      /* gcpulse_runtime_t the line was attributed to, or 0 */
  uint64_t line_no; /* 1-based line number in the stream, 0 for non-line input */
  uint64_t offset;  /* byte offset of the line's start in the stream */
  size_t column;    /* 0-based byte position in the line where it went wrong */
  const char *line; /* the line (without newline), may be NULL */
  size_t len;
  const char *detail; /* static text naming what was expected, may be NULL */
} gcpulse_diag_t;

/* ------------------------------------------------------------------------
 * The event: one GC cycle, pause or scavenge, from any source
 * ------------------------------------------------------------------------ */

typedef enum gcpulse_runtime {
  GCPULSE_RT_UNKNOWN = 0,
  GCPULSE_RT_GO,
  GCPULSE_RT_JVM
} gcpulse_runtime_t;

#define GCPULSE_COLLECTOR_MAP(X)                                              \
  X(UNKNOWN, "unknown")                                                       \
  X(GO, "go")                                                                 \
  X(G1, "g1")                                                                 \
  X(PARALLEL, "parallel")                                                     \
  X(SERIAL, "serial")                                                         \
  X(CMS, "cms")                                                               \
  X(ZGC, "zgc")                                                               \
  X(ZGC_GEN, "zgc_generational")                                              \
  X(SHENANDOAH, "shenandoah")                                                 \
  X(EPSILON, "epsilon")

typedef enum gcpulse_collector {
#define GCPULSE_X_(name, str) GCPULSE_COLLECTOR_##name,
  GCPULSE_COLLECTOR_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_COLLECTOR_COUNT
} gcpulse_collector_t;

#define GCPULSE_KIND_MAP(X)                                                   \
  X(UNKNOWN, "unknown")                                                       \
  X(GO_CYCLE, "go_cycle")         /* one Go GC cycle (gc N line) */           \
  X(SCAVENGE, "scavenge")         /* Go scavenger report; not a GC cycle */   \
  X(YOUNG, "young")               /* young / minor pause */                   \
  X(MIXED, "mixed")               /* G1 mixed pause */                        \
  X(FULL, "full")                 /* full / major stop-the-world collection */ \
  X(REMARK, "remark")             /* G1/CMS remark pause */                   \
  X(CLEANUP, "cleanup")           /* G1 cleanup pause */                      \
  X(INITIAL_MARK, "initial_mark") /* CMS/Shenandoah init mark pause */        \
  X(FINAL_MARK, "final_mark")     /* Shenandoah final mark pause */           \
  X(PAUSE_OTHER, "pause_other")   /* other short STW pause (ZGC Pause Mark Start, ...) */ \
  X(DEGENERATED, "degenerated")   /* Shenandoah degenerated GC */             \
  X(CONCURRENT, "concurrent")     /* a whole concurrent cycle (ZGC, Shenandoah, G1/CMS marking) */ \
  X(MINOR_CYCLE, "minor_cycle")   /* generational ZGC minor collection */     \
  X(MAJOR_CYCLE, "major_cycle")   /* generational ZGC major collection */

typedef enum gcpulse_kind {
#define GCPULSE_X_(name, str) GCPULSE_KIND_##name,
  GCPULSE_KIND_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_KIND_COUNT
} gcpulse_kind_t;

/* Event flags. */
#define GCPULSE_EV_FORCED (1u << 0)         /* user-forced: Go "(forced)", JVM System.gc() */
#define GCPULSE_EV_FORCED_PERIODIC (1u << 1) /* Go runtime's 2-minute forced GC ("GC forced" line) */
#define GCPULSE_EV_RESTART (1u << 2)        /* first event of a restarted process; windows reset */
#define GCPULSE_EV_SUSPECT_TIME (1u << 3)   /* absurd or wrapped time; kept but not trusted */
#define GCPULSE_EV_EVAC_FAILURE (1u << 4)   /* JVM to-space exhausted / evacuation or promotion failure */
#define GCPULSE_EV_OOM (1u << 5)            /* OOM-class: allocation failure full GC, OutOfMemoryError */
#define GCPULSE_EV_SYNTHETIC (1u << 6)      /* fields partly inferred (e.g. JVM event closed without summary) */

/* Field identifiers: bit N of gcpulse_event.known says field N is known.
 * The second column is the JSON name used by gcpulse_event_to_json() and
 * the `gcpulse events` command. */
#define GCPULSE_FIELD_MAP(X)                                                  \
  X(SEQ, "seq")                                                               \
  X(T, "t")                                                                   \
  X(PAUSE_MS, "pause_ms")                                                     \
  X(CONCURRENT_MS, "concurrent_ms")                                           \
  X(GC_CPU_MS, "gc_cpu_ms")                                                   \
  X(CPU_ASSIST_MS, "cpu_assist_ms")                                           \
  X(CPU_BACKGROUND_MS, "cpu_background_ms")                                   \
  X(CPU_IDLE_MS, "cpu_idle_ms")                                               \
  X(CPU_USER_MS, "cpu_user_ms")                                               \
  X(CPU_SYS_MS, "cpu_sys_ms")                                                 \
  X(REAL_MS, "real_ms")                                                       \
  X(HEAP_BEFORE, "heap_before")                                               \
  X(HEAP_AFTER, "heap_after")                                                 \
  X(HEAP_LIVE, "heap_live")                                                   \
  X(HEAP_GOAL, "heap_goal")                                                   \
  X(HEAP_CAPACITY, "heap_capacity")                                           \
  X(YOUNG_BEFORE, "young_before")                                             \
  X(YOUNG_AFTER, "young_after")                                               \
  X(OLD_BEFORE, "old_before")                                                 \
  X(OLD_AFTER, "old_after")                                                   \
  X(PROMOTED, "promoted")                                                     \
  X(METASPACE_USED, "metaspace_used")                                         \
  X(METASPACE_COMMITTED, "metaspace_committed")                               \
  X(STACKS, "stacks")                                                         \
  X(GLOBALS, "globals")                                                       \
  X(PROCS, "procs")                                                           \
  X(GC_CPU_PCT_TOTAL, "gc_cpu_pct_total")                                     \
  X(RELEASED, "released")                                                     \
  X(RETAINED, "retained")                                                     \
  X(HEAP_MAX, "heap_max")

typedef enum gcpulse_field {
#define GCPULSE_X_(name, json) GCPULSE_FIELD_##name,
  GCPULSE_FIELD_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_FIELD_COUNT
} gcpulse_field_t;

#define GCPULSE_BIT(field) (UINT64_C(1) << (field))
#define GCPULSE_CAUSE_MAX 48

/* Every integer field of an event (sizes, GC numbers, counts) is below
 * GCPULSE_INT_MAX = 2^53 (8 PiB as a size): exact as a double and as a
 * JSON number in any reader.  A trace number at or above it is an
 * OVERFLOW diagnostic (or MALFORMED when the digits themselves look
 * ordinary, e.g. "99999999999G"); gcpulse_feed_event rejects an event with
 * a known field there (BAD_EVENT). */
#define GCPULSE_INT_MAX (UINT64_C(1) << 53)

/* The normalised event.  Zero it (or use gcpulse_event_init), set the
 * fields you know and their bits in `known`.  Sizes in bytes, durations in
 * milliseconds, t in seconds. */
typedef struct gcpulse_event {
  uint64_t known;          /* GCPULSE_BIT(GCPULSE_FIELD_x) for every known field */
  int runtime;             /* gcpulse_runtime_t */
  int collector;           /* gcpulse_collector_t */
  int kind;                /* gcpulse_kind_t */
  uint32_t flags;          /* GCPULSE_EV_* */
  char cause[GCPULSE_CAUSE_MAX]; /* e.g. "G1 Evacuation Pause", "Allocation Failure"; "" if none */
  uint64_t seq;            /* Go "gc N", JVM GC(N) id */
  double t;                /* event time in seconds (Go @T = start of the cycle; JVM uptime) */
  double pause_ms;         /* total stop-the-world time of this event */
  double concurrent_ms;    /* wall time of concurrent work */
  double gc_cpu_ms;        /* all GC CPU time of the cycle */
  double cpu_assist_ms;    /* Go mutator assist CPU */
  double cpu_background_ms; /* Go dedicated+fractional worker CPU */
  double cpu_idle_ms;      /* Go idle-worker CPU */
  double cpu_user_ms;      /* JVM [Times: user=] / "User=" */
  double cpu_sys_ms;       /* JVM sys= */
  double real_ms;          /* JVM real= */
  uint64_t heap_before;    /* Go H0, JVM heap before */
  uint64_t heap_after;     /* Go H1, JVM heap after */
  uint64_t heap_live;      /* Go H2 (marked live); JVM: heap after a full/mixed/old collection */
  uint64_t heap_goal;      /* Go heap goal */
  uint64_t heap_capacity;  /* JVM committed heap (the "(N)" in transitions) */
  uint64_t young_before, young_after;
  uint64_t old_before, old_after;
  uint64_t promoted;       /* old-generation growth across a young GC */
  uint64_t metaspace_used, metaspace_committed; /* JVM class metadata: Metaspace, or PermGen before JDK 8 */
  uint64_t stacks, globals; /* Go 1.18+ scannable stacks / globals */
  uint32_t procs;          /* processors the runtime may use: Go GOMAXPROCS (P); JVM "CPUs: N total, M available" (M; unified logging, JDK 9+) */
  uint32_t gc_cpu_pct_total; /* Go cumulative GC CPU percent since start (not windowed) */
  uint64_t released;       /* scavenge: bytes released to the OS */
  uint64_t retained;       /* scavenge: bytes retained (in use / now) */
  uint64_t heap_max;       /* JVM maximum heap (-Xmx) when the log states it: gc,init
                              "Heap Max Capacity:" (ZGC "Max Capacity:"), JDK 8
                              "CommandLine flags: ... -XX:MaxHeapSize=N" */
} gcpulse_event_t;

/* Zero EV. */
GCPULSE_API void gcpulse_event_init(gcpulse_event_t *ev);

/* Name tables: "g1", "young", "pause_ms"; "unknown" when out of range. */
GCPULSE_API const char *gcpulse_collector_name(int collector);
GCPULSE_API const char *gcpulse_kind_name(int kind);
GCPULSE_API const char *gcpulse_field_name(int field);

/* ------------------------------------------------------------------------
 * Features: what the sliding window knows
 *
 * A feature is a time series kept in the window (see the table below);
 * a statistic selects what to read from it.  GCPULSE_STAT_VALUE is the
 * feature's headline value, the one its name describes.  Not every
 * (feature, statistic) pair exists: gcpulse_feature_supports() tells
 * (reading another pair returns GCPULSE_WHY_UNSUPPORTED).
 *
 * The window.  Event time, W = window_s (60) seconds in P = panes (12)
 * panes of W/P aligned to multiples of W/P; it covers between W - W/P and
 * W seconds.  "Covered time" = now - max(first data since the last reset,
 * start of the oldest pane); every per-second rate divides by it.  Rates
 * need >= 1 s of covered time (SPAN_SHORT).  Data more than W after the
 * previous data, or an event flagged GCPULSE_EV_RESTART, resets the window
 * first.  Data older than the clock is added to its pane if that is the
 * head pane or the one before it (it then does not change LAST, EWMA,
 * CUSUM or intervals), else dropped (OUT_OF_ORDER); data more than W
 * behind the clock is a new clock: reset, then added (RESTART).  An event flagged
 * GCPULSE_EV_SUSPECT_TIME is counted at the current clock and never moves
 * it.  Scavenge events only move the clock.
 *
 * Statistics, where supported:
 *   LAST      the newest sample, if it is inside the window
 *   MEAN/MIN/MAX  over the samples in the window (exact)
 *   P50/P90/P99   nearest-rank quantile from a log-linear histogram, the
 *             bucket midpoint clamped to the exact min/max: <= 1.56 %
 *             relative error for pause_ms (S=5), <= 3.1 % for latency_ms
 *             (S=4); pause values are kept to 1 us, up to 134 s
 *   RATE      (last - first) / their time span, per second (>= 2 samples)
 *   SLOPE     least-squares slope per second over the window's samples
 *             (>= 3 samples over >= 1 s); for the pane-rate features
 *             (gc_rate, full_gc_rate, stw_fraction, gc_cpu_fraction,
 *             promotion_rate) the slope of the per-pane rates over panes
 *             at least half covered (>= 3 such panes), per second
 *   EWMA      time-decay EWMA, alpha = max(1 - exp(-dt/ewma_tau_s), 1/n)
 *   CUSUM     two-sided CUSUM (k = cusum_k, h = cusum_h sigmas) on each
 *             sample standardised by the EWMA mean and deviation before
 *             it (deviation floored at 1 % of the mean), armed after 30
 *             samples, restarted after each alarm: +1 / -1 while the last
 *             alarm is less than one pane old, else 0
 * Sample features support LAST MEAN MIN MAX RATE SLOPE; "+E" adds EWMA,
 * "+EC" EWMA and CUSUM.  A feature with no data returns NO_DATA, or
 * NOT_APPLICABLE when the runtime seen cannot produce it (goal and roots
 * on the JVM; promotion and metaspace on Go); never 0 or NaN.  Full GCs
 * read a true 0 on Go.
 *
 * Collections (gc_count): Go cycles; JVM young, mixed, full and
 * degenerated pauses, generational-ZGC minor/major collections, and
 * ZGC/Shenandoah concurrent cycles.  Remark, cleanup, init/final-mark and
 * other phase pauses count as pauses, not collections; G1/CMS concurrent
 * marking cycles count as neither.  Pauses come from every event with
 * pause_ms except whole-cycle kinds (CONCURRENT, MINOR_CYCLE,
 * MAJOR_CYCLE), whose pauses arrive as their own events.
 * ------------------------------------------------------------------------ */

/* X(ID, "name", "unit", "meaning and how it is computed") */
#define GCPULSE_FEATURE_MAP(X)                                                \
  X(GC_COUNT, "gc_count", "count", "collections in the window (see above); VALUE") \
  X(GC_RATE, "gc_rate", "1/min", "collections per minute of covered time; VALUE, SLOPE (per-pane rates, 1/min per s)") \
  X(GC_INTERVAL, "gc_interval_s", "s", "time between consecutive collection starts; VALUE=mean; sample stats +E") \
  X(YOUNG_GC_INTERVAL, "young_gc_interval_s", "s", "time between young/mixed pauses (JVM) or cycles (Go); VALUE=mean; sample stats +E") \
  X(FULL_GC_COUNT, "full_gc_count", "count", "JVM full collections in the window (Go: always 0, forced cycles are not full GCs); VALUE") \
  X(FULL_GC_RATE, "full_gc_rate", "1/min", "JVM full collections per minute; VALUE, SLOPE (per-pane, 1/min per s)") \
  X(PAUSE, "pause_ms", "ms", "STW pause distribution; VALUE=p99; P50 P90 P99, sample stats but RATE, +EC; SLOPE in ms/s") \
  X(STW_FRACTION, "stw_fraction", "ratio", "total STW pause time / covered time; VALUE, SLOPE") \
  X(GC_CPU_FRACTION, "gc_cpu_fraction", "ratio", "share of the machine's CPU time spent in GC, 0..1 (capped at 1): sum over events of CPU ms / procs, / covered time. Go: the cycle's five CPU fields (not the cumulative P%); JVM with a processor count (procs, from the log's 'CPUs: N total, M available' line) and User/Sys ([Times: user= sys=]): (user + sys) / procs of each pause; otherwise a JVM pause's wall time (stop-the-world time); the wall time of concurrent phases is never counted (their CPU is not logged). VALUE, SLOPE; LAST = the same over the newest pane and the one before it (5-10 s at the defaults)") \
  X(HEAP_LIVE, "heap_live_bytes", "bytes", "live heap: heap_live when reported (Go marked heap), else heap after a full GC; VALUE=last; sample stats +EC") \
  X(HEAP_GOAL, "heap_goal_bytes", "bytes", "Go heap goal of the cycle; VALUE=last; sample stats") \
  X(HEAP_BEFORE, "heap_before_bytes", "bytes", "heap at GC start; VALUE=last; sample stats") \
  X(HEAP_AFTER, "heap_after_bytes", "bytes", "heap at GC end; VALUE=last; sample stats") \
  X(ALLOC_RATE, "alloc_rate_bps", "bytes/s", "VALUE = bytes allocated between consecutive events with heap figures / their time: before[i] - (live or after)[i-1] + max(0, after[i-1] - before[i-1]); samples over intervals of at least 1 s (a pane when shorter; consecutive events merged): LAST MEAN MIN MAX SLOPE +EC") \
  X(HEAP_GROWTH, "heap_growth_bps", "bytes/s", "least-squares slope of the post-GC heap (Go live heap, JVM heap after); VALUE, SLOPE") \
  X(HEAP_GROWTH_TS, "heap_growth_ts_bps", "bytes/s", "Theil-Sen slope (median of pairwise slopes) of per-pane means of the post-GC heap, >= 3 panes; VALUE") \
  X(PROMOTION_RATE, "promotion_rate_bps", "bytes/s", "promoted bytes (JVM old-gen growth across young GCs) / covered time; VALUE, SLOPE (bytes/s per s)") \
  X(METASPACE_USED, "metaspace_used_bytes", "bytes", "JVM metaspace used; VALUE=last; sample stats") \
  X(METASPACE_PCT, "metaspace_used_pct", "percent", "JVM metaspace used / committed x 100; VALUE=last; sample stats") \
  X(TIME_TO_NEXT_GC, "time_to_next_gc_s", "s", "room / alloc_rate - time since the last GC, >= 0; room = Go: goal - live heap, JVM: heap before - heap after of the last GC; VALUE") \
  X(OOM_EVENTS, "oom_events", "count", "events flagged OOM or evacuation failure in the window; VALUE") \
  X(HEAP_LIMIT_RATIO, "heap_limit_ratio", "ratio", "peak heap (max of goal, heap before, heap after in the window) / memory_limit_bytes; NO_LIMIT without a limit; VALUE; LAST = the last post-GC heap (Go live heap, JVM heap after) / the limit") \
  X(QPS, "qps", "1/s", "caller metric: requests per second; VALUE=last; sample stats +EC") \
  X(RSS, "rss_bytes", "bytes", "caller metric: resident set size; VALUE=last; sample stats +EC") \
  X(LATENCY, "latency_ms", "ms", "caller metric: request latency; VALUE=last; P50 P90 P99 (<= 3.1 %); sample stats +EC") \
  X(MEMORY_LIMIT, "memory_limit_bytes", "bytes", "the limit in force: config memory_limit, else the caller metric (sample stats), else detected from the log (JVM -Xmx, else a heap capacity a full GC or remark proved is the maximum); kept across window resets; VALUE=last") \
  X(GOGC, "gogc", "percent", "the GOGC value currently recommended by the controller; kept across window resets; VALUE=last; sample stats") \
  X(GOGC_PINNED, "gogc_pinned", "count", "consecutive controller decisions pinned at a bound: at min (memory-bound), or at max while GC CPU is still above target (CPU-bound); 0 if not pinned; VALUE=last; sample stats") \
  X(HEAP_ROOTS, "heap_roots_bytes", "bytes", "Go GC roots of the last cycle: stacks + globals (the roots term of the heap goal)") \
  X(HEAP_GROWTH_PCT, "heap_growth_pct", "percent/min", "heap_growth_ts / mean post-GC heap in the window x 6000: how fast the heap grows relative to its size; VALUE") \
  X(RSS_HEAP_RATIO, "rss_heap_ratio", "ratio", "peak caller RSS / peak heap in the window (max of goal, heap before, heap after): how much of the process the GC heap does not explain; NO_DATA without both; VALUE")

typedef enum gcpulse_feature {
#define GCPULSE_X_(id, name, unit, text) GCPULSE_FEAT_##id,
  GCPULSE_FEATURE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_FEAT_BUILTIN_COUNT,
  /* Custom metrics occupy ids GCPULSE_FEAT_CUSTOM .. + custom_metrics-1. */
  GCPULSE_FEAT_CUSTOM = 64
} gcpulse_feature_t;

#define GCPULSE_CUSTOM_MAX 16 /* hard ceiling on named custom metrics */
#define GCPULSE_NAME_MAX 32   /* metric, rule, group and action names incl. NUL */

#define GCPULSE_STAT_MAP(X)                                                   \
  X(VALUE, "value")  /* the feature's headline value */                       \
  X(LAST, "last")    /* most recent sample */                                 \
  X(MEAN, "mean")    /* mean of samples in the window */                      \
  X(MIN, "min")                                                               \
  X(MAX, "max")                                                               \
  X(P50, "p50")                                                               \
  X(P90, "p90")                                                               \
  X(P99, "p99")                                                               \
  X(RATE, "rate")    /* change per second: (last - first) / span, or sum / time for counters */ \
  X(SLOPE, "slope")  /* least-squares slope per second over the window */     \
  X(EWMA, "ewma")    /* time-decay EWMA, alpha = 1 - exp(-dt/tau) */          \
  X(CUSUM, "cusum")  /* two-sided CUSUM flag: +1 shift up, -1 down, 0 none */ \
  X(RECENT_SLOPE, "recent_slope") /* least-squares slope per second over the newest \
                     quarter of the window (>= 3 panes; 15 s at the defaults), \
                     reaching back to the last 3 samples of a sparse series \
                     (at most half the window): whether a series is still \
                     moving, not whether it moved */

typedef enum gcpulse_stat {
#define GCPULSE_X_(id, name) GCPULSE_STAT_##id,
  GCPULSE_STAT_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_STAT_COUNT
} gcpulse_stat_t;

/* Why a feature is unknown (returned as a positive code by gcpulse_feature). */
#define GCPULSE_WHY_MAP(X)                                                    \
  X(KNOWN, "known")                                                           \
  X(NO_DATA, "no_data")             /* no sample in the window */             \
  X(TOO_FEW, "too_few_samples")     /* fewer samples than the statistic needs */ \
  X(SPAN_SHORT, "span_too_short")   /* samples span too little time for a rate/slope */ \
  X(NOT_APPLICABLE, "not_applicable") /* not produced by this runtime/collector */ \
  X(NO_LIMIT, "no_memory_limit")    /* needs a memory limit that is not set */ \
  X(UNSUPPORTED, "unsupported")     /* statistic not kept for this feature */ \
  X(NOT_FINITE, "not_finite")       /* computation would not be finite (e.g. zero rate) */ \
  X(SOURCE_LOST, "source_lost")     /* gcpulse_source_lost() was called and no event came since */

typedef enum gcpulse_why {
#define GCPULSE_X_(id, name) GCPULSE_WHY_##id,
  GCPULSE_WHY_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_WHY_COUNT
} gcpulse_why_t;

/* ------------------------------------------------------------------------
 * Caller metrics (gcpulse_feed_metric)
 * ------------------------------------------------------------------------ */

typedef enum gcpulse_metric {
  GCPULSE_METRIC_QPS = GCPULSE_FEAT_QPS,
  GCPULSE_METRIC_RSS = GCPULSE_FEAT_RSS,
  GCPULSE_METRIC_LATENCY = GCPULSE_FEAT_LATENCY,
  GCPULSE_METRIC_MEMORY_LIMIT = GCPULSE_FEAT_MEMORY_LIMIT
  /* custom metrics: ids from gcpulse_metric_id() */
} gcpulse_metric_t;

/* ------------------------------------------------------------------------
 * GOGC controller
 * ------------------------------------------------------------------------ */

#define GCPULSE_GOGC_MODE_MAP(X)                                              \
  X(OFF, "off")                   /* no decisions */                          \
  X(DUAL_FACTOR, "dual-factor")   /* 100 + f(QPS) - g(heap growth) */         \
  X(MEMORY_TARGET, "memory-target") /* projected peak heap under a byte budget */ \
  X(CPU_TARGET, "cpu-target")     /* GC CPU near a target fraction */         \
  X(ADAPTIVE, "adaptive")         /* cpu-target economy inside the memory bound */

typedef enum gcpulse_gogc_mode {
#define GCPULSE_X_(id, name) GCPULSE_GOGC_##id,
  GCPULSE_GOGC_MODE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_GOGC_MODE_COUNT
} gcpulse_gogc_mode_t;

/* Reason codes carried by a decision (bit set). */
#define GCPULSE_GOGC_REASON_MAP(X)                                            \
  X(HOLD_UNKNOWN, "hold_unknown_inputs")   /* needed features unknown: held */ \
  X(CLAMP_MIN, "clamped_min")                                                 \
  X(CLAMP_MAX, "clamped_max")                                                 \
  X(SLEW_UP, "slew_limited_up")                                               \
  X(SLEW_DOWN, "slew_limited_down")                                           \
  X(DEADBAND, "within_deadband")                                              \
  X(DWELL, "dwell")                                                           \
  X(BUDGET, "memory_budget_bound")        /* the memory budget set the value */ \
  X(BUDGET_URGENT, "budget_urgent")       /* projected peak near budget: fast drop */ \
  X(FLOOR, "absolute_floor")              /* tiny heap: absolute-byte floor applied */ \
  X(QPS_RELAX, "qps_relax")                                                   \
  X(GROWTH_TIGHTEN, "growth_tighten")                                         \
  X(CPU_HIGH, "gc_cpu_above_target")                                          \
  X(CPU_LOW, "gc_cpu_below_target")                                           \
  X(PINNED, "pinned_at_bound")                                                \
  X(LEAK, "suspected_leak")               /* live heap grows steadily: not chased */ \
  X(GOGC_OFF, "gogc_off_respected")                                           \
  X(RESET, "window_reset")                                                    \
  X(SPARE, "spare_memory")                /* adaptive: spends the spare budget */ \
  X(BACKSTOP, "runtime_limit_backstop")   /* adaptive: runtime limit takes the peak */

typedef enum gcpulse_gogc_reason {
#define GCPULSE_X_(id, name) GCPULSE_GR_##id,
  GCPULSE_GOGC_REASON_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_GR_COUNT
} gcpulse_gogc_reason_t;

/* Economy law used by the ADAPTIVE mode inside the memory bound. */
#define GCPULSE_GOGC_ECONOMY_BOTH 0 /* max(cpu-target, dual-factor): the default */
#define GCPULSE_GOGC_ECONOMY_CPU 1  /* cpu-target only (floored at df_base) */
#define GCPULSE_GOGC_ECONOMY_DF 2   /* dual-factor only */

/* Controller configuration.  JSON keys are "gogc.<field>".  Byte sizes are
 * bytes; "MB/s" in the dual-factor law is MiB/s (1048576 bytes/s).
 * Timing: the controller decides at every GC cycle of a Go stream (the
 * first decision at the first cycle after start or a window reset) and on
 * a tick or metric once period_s has passed since the last decision; a JVM
 * stream gets no decision (GOGC means nothing there).  Every time constant
 * is seconds of event time, never a count of decisions.  The value applied
 * is an integer: the limiters' result rounded down (a non-urgent drop is
 * rounded up to stay within slew_down); a fractional initial is rounded
 * down at start. */
typedef struct gcpulse_gogc_config {
  int mode;            /* gcpulse_gogc_mode_t; default ADAPTIVE */
  double period_s;     /* longest time between decisions: without GC cycles, a tick
                        * or metric decides once this long after the last decision;
                        * default 5 */
  double initial;      /* GOGC in force at start; default 100; < 0 means GOGC=off
                        * (the controller then never changes it); else within [min, max] */
  double min, max;     /* bounds; defaults 25 and 500 */
  /* dual-factor law: GOGC = base + clamp(QPS/qps_step*step_gain, 0, qps_cap)
   *                           - clamp((growth_MBps - growth_threshold)*growth_gain, 0, growth_cap) */
  double df_base;             /* 100 */
  double df_qps_step;         /* 500 QPS per step (> 0) */
  double df_step_gain;        /* 10 per step */
  double df_qps_cap;          /* 30 */
  double df_growth_threshold; /* 20 MB/s (MiB/s) */
  double df_growth_gain;      /* 2 */
  double df_growth_cap;       /* 40 */
  /* memory-target: the budget is limit_ratio x the memory limit in force
   * (feature memory_limit_bytes: see gcpulse_config.memory_limit) */
  double limit_ratio;    /* fraction of the limit the process may use; 0.9 */
  double headroom;       /* bytes kept free below the budget; default 0 */
  double floor_bytes;    /* the heap may always grow this far above live (minimum
                          * runway, overrides the budget for tiny heaps); 4 MiB */
  /* cpu-target */
  double cpu_target;     /* GC CPU fraction target; 0.05 */
  /* limiters */
  double ewma_tau_s;     /* input smoothing time constant (0 = none); 20 */
  double deadband;       /* relative change below which nothing changes; 0.1 */
  double slew_up;        /* max relative rise per decision; 0.25 */
  double slew_down;      /* max relative drop per decision when not urgent; 0.5 */
  double urgent_ratio;   /* projected peak / budget above which drops are unlimited and
                          * skip dead-band and dwell; 0.95 */
  double dwell_s;        /* minimum seconds between changes; 15.  Not applied to an
                          * urgent drop, nor to a SPARE rise that continues a rise (the
                          * runtime limit backstops it): with the backstop the budget's
                          * GOGC is reached within two GC cycles */
  int dwell_cycles;      /* minimum GC cycles between changes (every change); 1 */
  int pinned_after;      /* decisions at a bound before "pinned" is reported; 3 */
  int recommend_limit;   /* non-zero: also recommend a Go memory limit; default 0.  The
                          * caller is taken to APPLY it (the Go package's SetMemoryLimit):
                          * adaptive mode then spends the spare budget (SPARE), never
                          * lowers GOGC below df_base for the budget and leaves the peak
                          * to the runtime limit (BACKSTOP).  The recommendation is never
                          * above the limit minus non-heap memory */
  /* added by the controller (issue 6) */
  int adaptive_economy;  /* GCPULSE_GOGC_ECONOMY_*; default BOTH */
  double leak_window_s;  /* live heap must rise steadily this long to be a leak; 60.
                          * A reported leak stays while the live heap keeps rising */
  double leak_min_growth; /* ...and by at least this fraction over that time; 0.2 */
  int leak_chase;        /* 0 (default): once a leak is reported GOGC is not lowered
                          * further (fail fast); 1: keep chasing the budget */
  /* adaptive SPARE rule (recommend_limit set) */
  double slew_up_spare;  /* max relative rise per decision for a SPARE rise that the
                          * budget covers with margin (projected peak <= 90 % of the
                          * budget with the growth reserve) and that was also SPARE at the
                          * previous decision; the larger of this and slew_up applies;
                          * default 4 (x5: 100 -> 500 in one decision) */
  double spare_horizon_s; /* SPARE keeps a reserve for the live heap expected this many
                          * seconds ahead (its positive slope x horizon, and QPS above its
                          * smoothed value scaling live); a reserve is held this long,
                          * then decays over it; default 60, 0 = no reserve.  A new rise of
                          * at least half the held reserve renews its hold */
} gcpulse_gogc_config_t;

typedef struct gcpulse_gogc_decision {
  double t;             /* decision time */
  int mode;             /* gcpulse_gogc_mode_t */
  int changed;          /* 1 if value != previous */
  double value;         /* the GOGC applied, an integer (< 0 means off, only if
                         * started off) */
  double previous;
  double raw;           /* the mode's law before any limiter */
  double after_bounds;  /* after clamping to [min, max] and the memory budget */
  double after_slew;    /* after the slew limiter */
  double after_deadband;
  double after_dwell;   /* == value */
  double recommended_limit; /* recommended Go memory limit in bytes (recommend_limit), or 0 */
  /* inputs actually used (NaN never appears: unknown inputs are 0 with the bit clear) */
  uint32_t inputs_known; /* bit GCPULSE_FEAT_x for each input below that was known */
  double qps, growth_bps, live_bytes, goal_bytes, stacks_globals_bytes;
  double gc_cpu_fraction, budget_bytes, projected_peak_bytes;
  uint32_t reasons;     /* bits (1u << gcpulse_gogc_reason_t) */
  int pinned;           /* consecutive decisions at a bound */
} gcpulse_gogc_decision_t;

GCPULSE_API const char *gcpulse_gogc_mode_name(int mode);
GCPULSE_API const char *gcpulse_gogc_reason_name(int reason);

/* ------------------------------------------------------------------------
 * Scaling-policy table
 * ------------------------------------------------------------------------ */

#define GCPULSE_RULES_MAX 64   /* hard ceiling on rules in a config */
#define GCPULSE_CONDS_MAX 4    /* conditions per rule */
#define GCPULSE_ACTIONS_MAX 2  /* actions per rule */

typedef enum gcpulse_direction {
  GCPULSE_DIR_NEUTRAL = 0,
  GCPULSE_DIR_ESCALATE = 1,
  GCPULSE_DIR_DEESCALATE = -1
} gcpulse_direction_t;

typedef enum gcpulse_op {
  GCPULSE_OP_GT, /* ">"  enter when stat > enter, leave when stat <= exit */
  GCPULSE_OP_GE, /* ">=" */
  GCPULSE_OP_LT, /* "<"  enter when stat < enter, leave when stat >= exit */
  GCPULSE_OP_LE  /* "<=" */
} gcpulse_op_t;

typedef enum gcpulse_missing {
  GCPULSE_MISSING_MISSING = 0, /* unknown data: the rule takes no action (default) */
  GCPULSE_MISSING_IGNORE,      /* the datapoint is skipped in N-of-M */
  GCPULSE_MISSING_BREACHING,   /* counts as breaching */
  GCPULSE_MISSING_NOT_BREACHING
} gcpulse_missing_t;

typedef struct gcpulse_condition {
  int feature;     /* gcpulse_feature_t or a custom metric id */
  int stat;        /* gcpulse_stat_t; must be kept for the feature
                      (gcpulse_feature_supports), else ECONFIG at check/load */
  int op;          /* gcpulse_op_t */
  double enter;    /* threshold to become true */
  double exit;     /* threshold to become false (hysteresis); on the far side of enter */
  int n, m;        /* N-of-M over time: true when the condition held in >= n of the
                      last m datapoints, one datapoint per policy_period_s of event
                      time (the state at the slot's last evaluation; a slot without
                      an evaluation keeps the previous state) (1 <= n <= m <= 64) */
  int missing;     /* gcpulse_missing_t */
} gcpulse_condition_t;

typedef struct gcpulse_rule_action {
  char name[GCPULSE_NAME_MAX]; /* "scale_out", "scale_up_memory", any caller word */
  double magnitude;            /* e.g. replicas to add, memory ratio 1.2 */
} gcpulse_rule_action_t;

/* A policy rule.  Rules in gcpulse_config_t.rules are merged by id onto the
 * built-in table (policy_defaults): a built-in id replaces that rule, other
 * ids are appended.  The JSON loader's defaults for a new rule: group "",
 * priority 0, ESCALATE, AND, cooldown_s/stabilization_s -1, no bump;
 * conditions: stat VALUE, op GT, exit = enter, n = m = 1, missing MISSING;
 * action magnitude 1.  Semantics: docs/policy.md. */
typedef struct gcpulse_rule {
  char id[GCPULSE_NAME_MAX];
  char group[GCPULSE_NAME_MAX]; /* at most one action per group per evaluation; "" = own group */
  int priority;        /* higher wins within a direction */
  int direction;       /* gcpulse_direction_t */
  int any;             /* 0: all conditions (AND), 1: any condition (OR) */
  int n_conditions;
  gcpulse_condition_t conditions[GCPULSE_CONDS_MAX];
  int n_actions;
  gcpulse_rule_action_t actions[GCPULSE_ACTIONS_MAX];
  double cooldown_s;   /* per action after it was applied; <0 = direction default */
  double stabilization_s; /* <0 = direction default (escalate 0, de-escalate 300) */
  double warmup_s;     /* this rule applies no earlier than this long after the first
                          input (the policy's warmup_s when that is longer); 0 = the
                          policy's.  For signals a start-up also shows: a cache
                          filling at flat traffic raises the live heap like a leak */
  int dry_run;         /* this rule never applies (applied=false) */
  int disabled;
  int urgent;          /* emergency rule: not held by warm-up or settle (bump rules
                          never are either); default 0 */
  /* catastrophe bump (rule 7 style): magnitude = max(prev*bump_ratio, prev+bump_min_step), capped */
  double bump_ratio;   /* 0 = not a bump rule */
  double bump_min_step;
  double bump_cap;
} gcpulse_rule_t;

#define GCPULSE_CONSTRAINT_MAP(X)                                             \
  X(MISSING_DATA, "MissingData")                                              \
  X(WARMING_UP, "WarmingUp")                                                  \
  X(SETTLING, "Settling")                                                     \
  X(STABILIZED, "Stabilized")                                                 \
  X(COOLDOWN, "Cooldown")                                                     \
  X(RATE_LIMITED, "RateLimited")                                              \
  X(CONFLICT, "Conflict")                                                     \
  X(GROUP_VETO, "GroupVeto")                                                  \
  X(DISABLED, "Disabled")                                                     \
  X(KILL_SWITCH, "KillSwitch")                                                \
  X(DRY_RUN, "DryRun")                                                        \
  X(CAPPED, "Capped")                                                         \
  X(LOOP_GUARD, "LoopGuard")

typedef enum gcpulse_constraint {
#define GCPULSE_X_(id, name) GCPULSE_CONSTRAINT_##id,
  GCPULSE_CONSTRAINT_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  GCPULSE_CONSTRAINT_COUNT
} gcpulse_constraint_t;

/* What a condition saw at one evaluation: "FEATURE STAT OP THRESHOLD"
 * compared with VALUE, in UNIT (e.g. gc_cpu_fraction last > 0.4 ratio,
 * observed 0.47). */
typedef struct gcpulse_condition_eval {
  int feature;       /* gcpulse_feature_t or custom metric id (gcpulse_metric_name) */
  int stat;          /* gcpulse_stat_t */
  int op;            /* gcpulse_op_t */
  const char *unit;  /* unit of VALUE and THRESHOLD, static storage: the feature's
                        unit (gcpulse_feature_unit), per second of it for SLOPE,
                        RECENT_SLOPE and RATE ("bytes/s"), "" for CUSUM and custom
                        metrics */
  double value;      /* the statistic read (0 if unknown) */
  int why;           /* gcpulse_why_t; KNOWN if value is valid */
  double threshold;  /* the enter or exit threshold that applied */
  int latched;       /* condition state after this evaluation */
  int hits, seen;    /* N-of-M: true datapoints / datapoints in the ring */
} gcpulse_condition_eval_t;

/* An action (or, on request, a suppressed one) with its explanation. */
typedef struct gcpulse_action {
  double t;
  const char *rule;     /* rule id, valid for the instance's lifetime */
  const char *action;   /* action name, valid for the instance's lifetime */
  int direction;        /* gcpulse_direction_t */
  int applied;          /* 1 if the caller should act; 0 in dry-run or when suppressed */
  int suppressed;       /* 1 if the rule matched but a constraint stopped it */
  double raw;           /* magnitude the rule asked for */
  double stabilized;    /* after the stabilisation window */
  double limited;       /* after rate limits and caps */
  double final;         /* what the caller should apply (0 if suppressed) */
  uint32_t constraints; /* bits (1u << gcpulse_constraint_t) */
  double until;         /* suppressed by WarmingUp, Settling, Cooldown or
                           RateLimited: the event time at which the last of them
                           ends (0: none of them) */
  const char *by;       /* suppressed by Conflict or GroupVeto: the id of the rule
                           that won or vetoed (valid for the instance's lifetime),
                           else NULL */
  int loop;             /* catastrophe loop guard raised */
  int n_conditions;
  gcpulse_condition_eval_t conditions[GCPULSE_CONDS_MAX];
} gcpulse_action_t;

GCPULSE_API const char *gcpulse_constraint_name(int constraint);

/* ------------------------------------------------------------------------
 * Configuration
 * ------------------------------------------------------------------------ */

typedef enum gcpulse_format {
  GCPULSE_FORMAT_AUTO = 0, /* decide Go vs JVM from the first recognised line */
  GCPULSE_FORMAT_GO,
  GCPULSE_FORMAT_JVM
} gcpulse_format_t;

/* realloc-style allocator: ptr NULL = allocate, new_size 0 = free.  UD is
 * the config's alloc_ud.  NULL alloc = libc. */
typedef void *(*gcpulse_alloc_fn)(void *ud, void *ptr, size_t old_size,
                                  size_t new_size);

/* The configuration.  Every scalar member below is one row of the table
 * in lib/config.h, which gives its JSON key ("window.panes"), default,
 * valid range and unit; docs/configuration.md is generated from it.
 * gcpulse_config_check names a bad value by that dotted key. */
typedef struct gcpulse_config {
  /* input */
  int format;              /* gcpulse_format_t; default AUTO */
  size_t max_line;         /* longest line kept, bytes; default 4096; longer lines skipped */
  int jvm_open_events;     /* bounded table of open JVM GC ids; default 64 */
  /* window */
  double window_s;         /* sliding window length; default 60 */
  int panes;               /* panes in the window; default 12 (2..64) */
  double ewma_tau_s;       /* feature EWMA time constant; default 30 */
  double cusum_k;          /* CUSUM allowance in sigmas; default 0.5 */
  double cusum_h;          /* CUSUM decision interval in sigmas; default 5 */
  int custom_metrics;      /* custom metric slots; default 8, max GCPULSE_CUSTOM_MAX */
  char custom_names[GCPULSE_CUSTOM_MAX][GCPULSE_NAME_MAX]; /* pre-registered names by
                              slot; distinct, never a built-in feature name or alias
                              (gcpulse_metric_id) nor "custom:K" */
  double memory_limit;     /* the process memory limit in bytes (JSON window.memory_limit).
                              The one limit of the library, by one precedence rule:
                              this when > 0, else the latest memory_limit_bytes metric,
                              else the limit detected from the log: the JVM's maximum
                              heap (event heap_max: -Xmx as the log states it), else
                              a heap capacity (the "(256M)" of transitions) that a full
                              GC or remark leaving the heap >= 70 % full proved is the
                              maximum; the committed heap alone is none (it grows).
                              Feature memory_limit_bytes reports the limit in force;
                              the controller's budget (gogc.limit_ratio x it),
                              heap_limit_ratio and the policy all read that feature */
  /* controller */
  gcpulse_gogc_config_t gogc;
  /* policy */
  int policy_enabled;      /* default 1 */
  int policy_defaults;     /* start from the built-in table; default 1 */
  double policy_period_s;  /* datapoint period: N-of-M and the stabilisation history
                              count slots of this many seconds of event time, and the
                              policy evaluates at least once per period while input
                              (event, metric, tick) arrives; default 5 */
  double policy_min_eval_s; /* the policy also evaluates at every GC cycle event and
                              every gcpulse_tick, at most once per min_eval_s of event
                              time; default 1 (> 0; above period_s it acts as
                              period_s) */
  double warmup_s;         /* no action in the first seconds of the stream, except
                              urgent and bump rules; default 10 */
  double settle_s;         /* no action this long after any applied action; default 15 */
  double escalate_stabilization_s;   /* default 0 */
  double deescalate_stabilization_s; /* default 300 */
  double escalate_cooldown_s;        /* default 60 */
  double deescalate_cooldown_s;      /* default 300 */
  int rate_limit_count;    /* applied actions allowed per rate_limit_period_s; default 4 */
  double rate_limit_period_s; /* default 60 */
  int dry_run;             /* global dry-run: everything runs, applied = 0 */
  int explain_suppressed;  /* also report suppressed matches to on_action */
  int max_rules;           /* rules the instance can hold; default 32, max GCPULSE_RULES_MAX */
  double deescalate_delay_s; /* no de-escalation in a group this long after an escalation
                                was applied there (Cluster Autoscaler delay-after-add); default 0 */
  int stabilization_slots; /* per-rule recommendation history (ring) used by the
                              stabilisation windows; default 64 (2..1024); every window
                              must fit: ceil(window / policy_period_s) + 1 <= slots */
  int explanations;        /* explanation records kept (gcpulse_policy_explanations); default 64 (1..1024) */
  int loop_guard_count;    /* catastrophe bumps within loop_guard_window_s that raise the
                              loop flag; default 3 (1..16) */
  double loop_guard_window_s; /* default 600 */
  int n_rules;             /* rules below (added to / overriding defaults by id) */
  gcpulse_rule_t rules[GCPULSE_RULES_MAX];
  /* memory */
  gcpulse_alloc_fn alloc;  /* NULL = libc realloc/free */
  void *alloc_ud;
} gcpulse_config_t;

/* Fill CFG with the documented defaults (including the built-in policy
 * table when policy_defaults is set at creation). */
GCPULSE_API void gcpulse_config_init(gcpulse_config_t *cfg);

/* Merge a JSON document onto CFG (normally fresh from gcpulse_config_init).
 * Unknown keys, wrong types and inconsistent values are errors; ERR (may be
 * NULL) names the key path and the problem.  CFG is left unchanged on
 * error.  Allocates two temporary blocks (the parsed document, bounded by
 * the 1 MiB text limit and 65536 values, and a working copy) through
 * CFG->alloc, libc when NULL; never touches an instance.  The schema is
 * documented in docs/configuration.md and the examples directory.
 * Built with JSON=0: GCPULSE_ENOTSUP. */
GCPULSE_API int gcpulse_config_load_json(gcpulse_config_t *cfg,
                                         const char *text, size_t len,
                                         gcpulse_error_t *err);

/* Write CFG as JSON into DST (at most CAP bytes, NUL-terminated when CAP >
 * 0).  Returns the length needed excluding the NUL, or a negative error
 * (GCPULSE_EINVAL for a value JSON cannot hold; GCPULSE_ENOTSUP with
 * JSON=0).  Allocates nothing.  The output loads back to an identical
 * configuration. */
GCPULSE_API long gcpulse_config_dump_json(const gcpulse_config_t *cfg,
                                          char *dst, size_t cap);

/* The policy table an instance created from CFG would run: the built-in
 * rules (when policy_defaults is set) with CFG's rules merged by id, in
 * evaluation order.  Copies up to MAX rules into OUT (OUT may be NULL with
 * MAX 0) and returns how many there are (at most GCPULSE_RULES_MAX), or
 * GCPULSE_EINVAL.  Lets a caller list every (rule, action) pair up front,
 * e.g. to create its counters at 0. */
GCPULSE_API int gcpulse_config_rules(const gcpulse_config_t *cfg,
                                     gcpulse_rule_t *out, int max);

/* Validate CFG without creating an instance. */
GCPULSE_API int gcpulse_config_check(const gcpulse_config_t *cfg,
                                     gcpulse_error_t *err);

/* The scalar configuration keys, from the one table the library keeps
 * (the same one gcpulse_config_init, gcpulse_config_check, the JSON
 * schema and docs/configuration.md come from), so that bindings read
 * defaults and limits instead of restating them.  Strings are static. */
typedef struct gcpulse_config_key {
  const char *path;     /* JSON path, e.g. "gogc.period_s" */
  const char *type;     /* "number", "integer", "bool" or "enum" */
  double def;           /* default (an enum's C value; a bool 0 or 1) */
  double min, max;      /* valid range of a number or integer; -HUGE_VAL /
                           HUGE_VAL where unbounded (0 / 0 for bool, enum) */
  int min_open, max_open; /* 1: the bound itself is not valid */
  const char *unit;     /* "s", "bytes", "sigma", "MiB/s", "1/s" or "" */
  const char *doc;      /* one line */
} gcpulse_config_key_t;

/* Number of keys; keys are 0 .. count-1 in JSON dump order. */
GCPULSE_API int gcpulse_config_key_count(void);
/* Describe key I into *OUT.  GCPULSE_EINVAL for I out of range. */
GCPULSE_API int gcpulse_config_key(int i, gcpulse_config_key_t *out);
/* Read / write the key at PATH of CFG as a double (an integer, bool or enum
 * member converted).  GCPULSE_ENOTFOUND for an unknown path; set returns
 * GCPULSE_EINVAL for a value the member cannot hold (a fraction for an
 * integer, not finite).  Set does not check the range: gcpulse_config_check
 * does. */
GCPULSE_API int gcpulse_config_get(const gcpulse_config_t *cfg,
                                   const char *path, double *out);
GCPULSE_API int gcpulse_config_set(gcpulse_config_t *cfg, const char *path,
                                   double value);

/* ------------------------------------------------------------------------
 * Callbacks
 *
 * Zero the struct (gcpulse_callbacks_init); NULL members are not called.
 * Every callback returns 0 to continue; any other value stops the current
 * call, which returns GCPULSE_ECALLBACK (the rest of that call's input is
 * discarded and counted in stats.bytes_discarded).  Pointers passed to a
 * callback are valid only during it.  Callbacks may call the const query
 * functions (gcpulse_stats, gcpulse_feature, ...) but no mutating
 * function of the same instance (GCPULSE_EBUSY; see "Thread safety").
 * ------------------------------------------------------------------------ */

typedef struct gcpulse_callbacks {
  int (*on_event)(void *user, const gcpulse_event_t *ev);
  int (*on_gogc)(void *user, const gcpulse_gogc_decision_t *d);
  int (*on_action)(void *user, const gcpulse_action_t *a);
  int (*on_diag)(void *user, const gcpulse_diag_t *d);
  void *user; /* passed to every callback; never dereferenced */
} gcpulse_callbacks_t;

GCPULSE_API void gcpulse_callbacks_init(gcpulse_callbacks_t *cb);

/* ------------------------------------------------------------------------
 * Instance
 * ------------------------------------------------------------------------ */

typedef struct gcpulse gcpulse_t;

/* Create an instance.  CFG (NULL = defaults) and CB (NULL = none) are
 * copied.  The only allocation the instance ever makes happens here.
 * Returns GCPULSE_OK and sets *OUT, or GCPULSE_EINVAL / ECONFIG / ENOMEM
 * (with *OUT = NULL; nothing leaks). */
GCPULSE_API int gcpulse_new(const gcpulse_config_t *cfg,
                            const gcpulse_callbacks_t *cb, gcpulse_t **out);

/* Free G.  NULL is a no-op.  From one of G's callbacks it is refused
 * (does nothing; G stays valid). */
GCPULSE_API void gcpulse_free(gcpulse_t *g);

/* Bytes the instance would allocate for CFG (for memory budgeting). */
GCPULSE_API size_t gcpulse_footprint(const gcpulse_config_t *cfg);

/* Forget all input and state (window, controller, policy, parser, stats);
 * keep config and callbacks. */
GCPULSE_API int gcpulse_reset(gcpulse_t *g);

/* ------------------------------------------------------------------------
 * Input
 * ------------------------------------------------------------------------ */

/* Feed LEN bytes of log text.  Lines may be split anywhere between calls;
 * "\n", "\r\n" and a lone "\r" end a line.  Lines longer than max_line are
 * skipped (counted as TOO_LONG) without being buffered.  Complete lines are
 * parsed at once; a trailing partial line waits for more input or
 * gcpulse_finish(). */
GCPULSE_API int gcpulse_feed(gcpulse_t *g, const char *buf, size_t len);

/* Feed one complete line (no newline needed; a trailing "\r\n" is
 * stripped).  Any partial line pending from gcpulse_feed is finished
 * first. */
GCPULSE_API int gcpulse_feed_line(gcpulse_t *g, const char *line, size_t len);

/* End of stream: parse a pending partial line and close open JVM events
 * (their summary never came: counted as INCOMPLETE, emitted with
 * GCPULSE_EV_SYNTHETIC when they carry a pause), then evaluate the policy
 * once if input came since its last evaluation. */
GCPULSE_API int gcpulse_finish(gcpulse_t *g);

/* Feed one structured GC record (e.g. built from Go's runtime/metrics).
 * EV->t must be set and known; invalid values (non-finite, negative, a
 * known integer >= GCPULSE_INT_MAX) are rejected with GCPULSE_EINVAL and
 * counted as BAD_EVENT. */
GCPULSE_API int gcpulse_feed_event(gcpulse_t *g, const gcpulse_event_t *ev);

/* Feed a caller metric sample at time T: a gcpulse_metric_t or a custom id.
 * Non-finite or negative values are rejected (BAD_METRIC). */
GCPULSE_API int gcpulse_feed_metric(gcpulse_t *g, int metric, double t,
                                    double value);

/* Id of the custom metric NAME (registering it in a free slot if needed),
 * or a well-known metric's id for "qps", "rss_bytes"/"rss",
 * "latency_ms"/"latency", "memory_limit_bytes"/"memory_limit".
 * GCPULSE_EINVAL for any other built-in feature name and for the
 * "custom:K" syntax (a custom metric never shadows a built-in name);
 * GCPULSE_ENOSPC when all slots are used; GCPULSE_EBUSY from a callback.
 * Registration is not an allocation. */
GCPULSE_API int gcpulse_metric_id(gcpulse_t *g, const char *name);

/* Advance time to T with no event: rotates window panes, runs the
 * controller and the policy if their periods elapsed. */
GCPULSE_API int gcpulse_tick(gcpulse_t *g, double t);

/* The source is gone (the process died, its log stopped): evaluate the
 * policy once if input came since its last evaluation (on the data as last
 * seen), advance time to T (as gcpulse_tick, without deciding) and mark
 * the instance lost.
 * Until the next GC event (gcpulse_feed* producing an event, or
 * gcpulse_feed_event) every gcpulse_feature() query returns
 * GCPULSE_WHY_SOURCE_LOST, and the controller and the policy take no
 * decision (ticks and metrics only move the clock and the window).  The
 * window's data is kept: the first event after the source returns is
 * judged with it (a restarted process is detected and resets the window
 * as usual).  gcpulse_reset clears the mark.  Returns 0, GCPULSE_EINVAL
 * for a non-finite or negative T, GCPULSE_EBUSY from a callback. */
GCPULSE_API int gcpulse_source_lost(gcpulse_t *g, double t);

/* 1 while the instance is marked lost (see gcpulse_source_lost), else 0. */
GCPULSE_API int gcpulse_is_source_lost(const gcpulse_t *g);

/* ------------------------------------------------------------------------
 * Queries (allowed from callbacks)
 * ------------------------------------------------------------------------ */

typedef struct gcpulse_stats {
  uint64_t bytes;            /* bytes fed */
  uint64_t bytes_discarded;  /* bytes dropped after a callback abort */
  uint64_t lines;            /* lines seen */
  uint64_t events;           /* events emitted (all sources) */
  uint64_t events_go, events_jvm, events_fed; /* by source */
  uint64_t scavenges;        /* Go scavenger events */
  uint64_t metrics;          /* caller metric samples accepted */
  uint64_t skipped;          /* lines skipped (sum of line reasons) */
  uint64_t diags;            /* diagnostics raised */
  uint64_t by_reason[GCPULSE_REASON_MAX]; /* by gcpulse_reason_t; entries from
                                GCPULSE_REASON_COUNT on are 0 */
  uint64_t callback_aborts;
  uint64_t window_resets;
  uint64_t gogc_decisions;   /* decisions taken */
  uint64_t gogc_changes;     /* decisions that changed GOGC */
  uint64_t gogc_reversals;   /* direction reversals of GOGC changes */
  double gogc_total_variation; /* sum of |change| */
  uint64_t policy_evaluations;
  uint64_t actions;          /* actions reported as applied (or would be, in dry-run) */
  uint64_t actions_suppressed;
  int format;                /* gcpulse_format_t detected (AUTO until decided) */
  int collector;             /* gcpulse_collector_t detected for the stream */
} gcpulse_stats_t;

/* Copy the counters into *OUT. */
GCPULSE_API int gcpulse_stats(const gcpulse_t *g, gcpulse_stats_t *out);

/* Read feature F's statistic S into *OUT.  Returns 0 (GCPULSE_WHY_KNOWN)
 * with a finite *OUT, a positive gcpulse_why_t saying why it is unknown
 * (*OUT set to 0), or a negative error for a bad id. */
GCPULSE_API int gcpulse_feature(const gcpulse_t *g, int feature, int stat,
                                double *out);

/* Whether STAT is kept for FEATURE (1) or not (0). */
GCPULSE_API int gcpulse_feature_supports(int feature, int stat);

/* Names: "pause_ms", "ms", its description; "p99"; "no_data".  For custom
 * metric ids use gcpulse_metric_name. */
GCPULSE_API const char *gcpulse_feature_name(int feature);
GCPULSE_API const char *gcpulse_feature_unit(int feature);
GCPULSE_API const char *gcpulse_feature_text(int feature);
GCPULSE_API int gcpulse_feature_by_name(const char *name); /* id or ENOTFOUND */
GCPULSE_API const char *gcpulse_stat_name(int stat);
GCPULSE_API int gcpulse_stat_by_name(const char *name);
GCPULSE_API const char *gcpulse_why_name(int why);
GCPULSE_API const char *gcpulse_metric_name(const gcpulse_t *g, int metric);

/* The instance's clock: the latest event, metric or tick time in seconds,
 * or NAN before any input.  A follower of a live log can tick the pipeline
 * at gcpulse_time() + wall seconds since the last input while it is quiet. */
GCPULSE_API double gcpulse_time(const gcpulse_t *g);

/* The controller's current GOGC (< 0 = off). */
GCPULSE_API double gcpulse_gogc_current(const gcpulse_t *g);

/* Kill switches, at run time: disable (1) or enable (0) a direction
 * (GCPULSE_DIR_*) or one action name (NULL = all actions of the direction).
 * GCPULSE_EBUSY from a callback. */
GCPULSE_API int gcpulse_policy_kill(gcpulse_t *g, int direction,
                                    const char *action, int disabled);

/* Global dry run at run time (policy.dry_run is its initial value): with
 * ON = 1 everything runs and the policy's state (cooldowns, settle, rate
 * limits) moves as if actions were applied, but records carry applied = 0
 * and DryRun.  E.g. replaying history a previous run already acted on, so
 * that the same actions do not fire again afterwards.  GCPULSE_EBUSY from
 * a callback. */
GCPULSE_API int gcpulse_policy_dry_run(gcpulse_t *g, int on);

/* Copy up to N of the most recent explanation records (oldest first) from
 * the policy's fixed ring into OUT; returns how many were copied. */
GCPULSE_API int gcpulse_policy_explanations(const gcpulse_t *g,
                                            gcpulse_action_t *out, int n);

/* ------------------------------------------------------------------------
 * JSON output (hand-formatted into caller buffers; no allocation)
 *
 * Each writes at most CAP bytes into DST (NUL-terminated when CAP > 0) and
 * returns the length needed excluding the NUL (snprintf semantics), or a
 * negative error.  Unknown fields are omitted; numbers are always finite.
 * ------------------------------------------------------------------------ */

GCPULSE_API long gcpulse_event_to_json(const gcpulse_event_t *ev, char *dst,
                                       size_t cap);
GCPULSE_API long gcpulse_gogc_to_json(const gcpulse_gogc_decision_t *d,
                                      char *dst, size_t cap);
GCPULSE_API long gcpulse_action_to_json(const gcpulse_action_t *a, char *dst,
                                        size_t cap);
/* {"gc_count":{"value":12,...},"pause_ms":{"p50":..,"p99":..},...}: every
 * supported statistic of every feature that is known. */
GCPULSE_API long gcpulse_features_to_json(const gcpulse_t *g, char *dst,
                                          size_t cap);
GCPULSE_API long gcpulse_stats_to_json(const gcpulse_stats_t *s, char *dst,
                                       size_t cap);

#ifdef __cplusplus
}
#endif

#if defined(__cplusplus) && __cplusplus >= 201103L
static_assert(GCPULSE_REASON_COUNT <= GCPULSE_REASON_MAX,
              "GCPULSE_REASON_MAX too small");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(GCPULSE_REASON_COUNT <= GCPULSE_REASON_MAX,
               "GCPULSE_REASON_MAX too small");
#endif

#endif /* GCPULSE_H */

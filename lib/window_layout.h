/*
 * window_layout.h — the window's private layout, shared by window.c
 * (ingestion: clock, panes, series updates) and window_query.c
 * (features computed from the same state).  Nothing else touches it.
 */
#ifndef GCPULSE_WINDOW_LAYOUT_H
#define GCPULSE_WINDOW_LAYOUT_H

#include "gcpulse.h"
#include "estimators.h"
#include "histogram.h"
#include "window.h"

#include <stdint.h>

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

/* The previous event with heap figures (allocation chain), and the
 * allocation since the last rate sample (bytes over acc_dt seconds). */
typedef struct gcpulse__wheap {
  double t, before, after, base;
  double acc_bytes, acc_dt;
  int ok;
} gcpulse__wheap;

struct gcpulse__window {
  /* configuration */
  double W, pw, tau, inv_tau, k, h, min_span;
  double mem_cfg;      /* configured memory limit, 0 = none */
  double mem_det;      /* JVM heap capacity the log proves is -Xmx, 0 */
  double mem_max;      /* JVM maximum heap the log states (event heap_max), 0 */
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

#endif /* GCPULSE_WINDOW_LAYOUT_H */

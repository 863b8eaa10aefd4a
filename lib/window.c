/*
 * window.c — the sliding-window feature store.
 *
 * Time.  Event time (the trace's clock, or the caller's for structured
 * records and metrics), never arrival time.  The window of W seconds is a
 * ring of P panes of width W/P aligned to multiples of the pane width;
 * the newest pane ("head") holds the clock.  Moving the clock forward
 * (an event, a metric or gcpulse__window_advance) rotates panes out: each
 * evicted pane is zeroed and its histogram counts are subtracted from the
 * window aggregates.  The window therefore covers between W - W/P and W
 * seconds; "covered time" (the denominator of every rate) is the part of
 * that span after the first sample since the last reset.
 *
 * Ordering rules (documented in include/gcpulse.h and README):
 *  - an event flagged GCPULSE_EV_RESTART resets the window, then is added
 *    (reason RESTART);
 *  - data more than W after the previous data resets the window, then is
 *    added (GAP_RESET): stale panes must not leak into rates;
 *  - data older than the clock but in the head pane or the one before it
 *    is added to its pane (additive statistics only: it does not change
 *    "last" values, EWMA/CUSUM state or the interval chains); older data is
 *    dropped (OUT_OF_ORDER), unless it is more than W behind the clock:
 *    that is a new clock (an unflagged restart, or the way back from one
 *    absurd time), so the window resets and takes it (RESTART);
 *  - an event flagged GCPULSE_EV_SUSPECT_TIME never moves the clock: it is
 *    counted at the current clock like an out-of-order event (its payload
 *    is real, its time is not); before any clock exists it is ignored.
 *
 * Storage.  Per pane: additive counters (collections, full GCs, OOM-class
 * events, promoted bytes, GC CPU, allocation bytes and the time they span)
 * and, for every sample series, {n, first/last time, first value, sum,
 * min, max, sum t, sum t^2, sum t*y} with t relative to the pane start, so
 * least-squares slopes over any set of panes come from shifted sums with
 * no cancellation problem.  Two log-linear histograms (pause, caller
 * latency) with u16 pane counts and a u32 aggregate.  Per series: the
 * last sample, a time-decay EWMA and, for the key series, a CUSUM.
 * Scalar window aggregates are recomputed from the P panes at query time
 * (exact, no floating-point drift from subtracting); only the histograms
 * use subtract-on-evict because they are large.
 *
 * Everything lives in the block sized by gcpulse__window_size(); nothing
 * allocates.
 */
#include "internal.h"

/* Sample series kept per pane. */
enum {
  SR_GC_INTERVAL,
  SR_YOUNG_INTERVAL,
  SR_PAUSE,
  SR_HEAP_LIVE,
  SR_HEAP_GOAL,
  SR_HEAP_BEFORE,
  SR_HEAP_AFTER,
  SR_ALLOC,      /* per-interval allocation rate samples, bytes/s */
  SR_META_USED,
  SR_META_PCT,
  SR_QPS,
  SR_RSS,
  SR_LATENCY,
  SR_MEMLIMIT,
  SR_GOGC,
  SR_PINNED,
  SR_ROOTS,      /* Go stacks + globals */
  SR_FIXED       /* custom metrics follow */
};

#define PAUSE_S 5u        /* sub-bucket bits: <= 1.56 % error */
#define PAUSE_LOG2 27u    /* pause histogram covers 0 .. 2^27 us (134 s) */
#define LAT_S 4u          /* latency: <= 3.1 % error, half the memory */
#define LAT_LOG2 24u      /* latency histogram covers 0 .. 2^24 us (16.7 s) */
#define CUSUM_WARMUP 30u  /* samples before the CUSUM is armed */
#define MAX_PANES 64

/* One series in one pane (64 bytes). */
typedef struct pser {
  uint32_t n;
  float t0, t1;  /* first / last sample time, relative to the pane start */
  float v0;      /* value of the first sample (for RATE) */
  double sum, min, max, st, stt, sty;
} pser;

/* Additive counters of one pane. */
typedef struct pane {
  int64_t idx;   /* absolute pane number: floor(t / pane width) */
  double start;  /* idx * pane width */
  uint32_t gc, young, full, oom, promo_n, cpu_n, alloc_n, ev;
  double promoted, cpu_ms, alloc_bytes, alloc_dt;
} pane;

/* Per-series state outside the panes. */
typedef struct sstate {
  gcpulse__ewma e;
  gcpulse__cusum c;
  double last_t, last_v;
  double inv_sd;       /* 1 / EWMA deviation, refreshed every 8 samples */
  double alarm_t;      /* time of the last CUSUM alarm, NAN if none */
  int alarm;           /* its direction */
  uint8_t has_last, sticky, detect, smooth; /* smooth: EWMA kept */
} sstate;

/* The previous event with heap figures (allocation chain). */
typedef struct heapref {
  double t, before, after, base;
  int ok;
} heapref;

struct gcpulse__window {
  /* configuration */
  double W, pw, tau, inv_tau, k, h, min_span, mem_cfg;
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
  heapref prev;
  double dc_dt, dc_alpha; /* decay cache: same dt -> same alpha */
  uint64_t dropped;    /* out-of-order data dropped */
  /* storage inside the block */
  pane *panes;
  pser *ps;            /* P * nser */
  sstate *ss;          /* nser */
  gcpulse__hist pause, lat;
};

/* ---------------------------------------------------------------------
 * Layout and configuration
 * --------------------------------------------------------------------- */

typedef struct wlayout {
  size_t panes, ps, ss, pause, lat, total;
} wlayout;

static wlayout wplan(const gcpulse_config_t *cfg) {
  wlayout L;
  size_t P = (size_t)cfg->panes;
  size_t nser = SR_FIXED + (size_t)(cfg->custom_metrics > 0 ? cfg->custom_metrics : 0);
  size_t off = GCPULSE__ALIGN(sizeof(struct gcpulse__window));
  L.panes = off;
  off += GCPULSE__ALIGN(P * sizeof(pane));
  L.ps = off;
  off += GCPULSE__ALIGN(P * nser * sizeof(pser));
  L.ss = off;
  off += GCPULSE__ALIGN(nser * sizeof(sstate));
  L.pause = off;
  off += gcpulse__hist_bytes(PAUSE_S, PAUSE_LOG2, (unsigned)P);
  L.lat = off;
  off += gcpulse__hist_bytes(LAT_S, LAT_LOG2, (unsigned)P);
  L.total = off;
  return L;
}

size_t gcpulse__window_size(const gcpulse_config_t *cfg) {
  return wplan(cfg).total;
}

int gcpulse__window_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) {
  if (!isfinite(cfg->window_s) || cfg->window_s < 1.0 ||
      cfg->window_s > 86400.0)
    return gcpulse__error(err, GCPULSE_ECONFIG, "window_s",
                          "must be between 1 and 86400 seconds");
  if (cfg->panes < 2 || cfg->panes > MAX_PANES)
    return gcpulse__error(err, GCPULSE_ECONFIG, "panes",
                          "must be between 2 and %d", MAX_PANES);
  if (cfg->window_s / cfg->panes < 0.01)
    return gcpulse__error(err, GCPULSE_ECONFIG, "panes",
                          "panes narrower than 10 ms (window_s / panes)");
  if (!isfinite(cfg->ewma_tau_s) || cfg->ewma_tau_s <= 0 ||
      cfg->ewma_tau_s > 1e6)
    return gcpulse__error(err, GCPULSE_ECONFIG, "ewma_tau_s",
                          "must be > 0 and <= 1e6 seconds");
  if (!isfinite(cfg->cusum_k) || cfg->cusum_k < 0 || cfg->cusum_k > 10)
    return gcpulse__error(err, GCPULSE_ECONFIG, "cusum_k",
                          "must be between 0 and 10 sigmas");
  if (!isfinite(cfg->cusum_h) || cfg->cusum_h <= 0 || cfg->cusum_h > 100)
    return gcpulse__error(err, GCPULSE_ECONFIG, "cusum_h",
                          "must be > 0 and <= 100 sigmas");
  return 0;
}

/* Forget the data; keep configuration and, with KEEP_STICKY, the last
 * values of caller-level facts (memory limit, GOGC) that a restart of the
 * traced process does not change. */
static void wreset(gcpulse__window *w, int keep_sticky) {
  memset(w->panes, 0, (size_t)w->P * sizeof(pane));
  memset(w->ps, 0, (size_t)w->P * (size_t)w->nser * sizeof(pser));
  for (int s = 0; s < w->nser; s++) {
    sstate *x = &w->ss[s];
    int keep = keep_sticky && x->sticky && x->has_last;
    double lt = x->last_t, lv = x->last_v;
    uint8_t sticky = x->sticky, detect = x->detect, smooth = x->smooth;
    memset(x, 0, sizeof *x);
    x->sticky = sticky;
    x->detect = detect;
    x->smooth = smooth;
    x->alarm_t = NAN;
    if (keep) {
      x->has_last = 1;
      x->last_t = lt;
      x->last_v = lv;
    }
  }
  sstate *ml = &w->ss[SR_MEMLIMIT];
  if (!ml->has_last && w->mem_cfg > 0) {
    ml->has_last = 1;
    ml->last_t = -INFINITY;
    ml->last_v = w->mem_cfg;
  }
  gcpulse__hist_clear(&w->pause);
  gcpulse__hist_clear(&w->lat);
  w->now = NAN;
  w->origin = NAN;
  w->last_data_t = NAN;
  w->head = 0;
  w->head_slot = 0;
  w->runtime = GCPULSE_RT_UNKNOWN;
  w->have_ev = 0;
  w->prev_gc_t = NAN;
  w->prev_young_t = NAN;
  memset(&w->prev, 0, sizeof w->prev);
  w->dc_dt = -1.0;
  w->dc_alpha = 0.0;
}

void gcpulse__window_init(gcpulse__window *w, const gcpulse_config_t *cfg) {
  wlayout L = wplan(cfg);
  char *base = (char *)w;
  w->W = cfg->window_s;
  w->P = cfg->panes;
  w->pw = cfg->window_s / cfg->panes;
  w->tau = cfg->ewma_tau_s;
  w->inv_tau = 1.0 / cfg->ewma_tau_s;
  w->k = cfg->cusum_k;
  w->h = cfg->cusum_h;
  w->min_span = w->pw < 1.0 ? w->pw : 1.0;
  w->mem_cfg = cfg->memory_limit > 0 ? cfg->memory_limit : 0.0;
  w->ncustom = cfg->custom_metrics > 0 ? cfg->custom_metrics : 0;
  w->nser = SR_FIXED + w->ncustom;
  w->panes = (pane *)(void *)(base + L.panes);
  w->ps = (pser *)(void *)(base + L.ps);
  w->ss = (sstate *)(void *)(base + L.ss);
  gcpulse__hist_init(&w->pause, base + L.pause, PAUSE_S, PAUSE_LOG2,
                     (unsigned)w->P);
  gcpulse__hist_init(&w->lat, base + L.lat, LAT_S, LAT_LOG2, (unsigned)w->P);
  memset(w->ss, 0, (size_t)w->nser * sizeof(sstate));
  w->ss[SR_MEMLIMIT].sticky = 1;
  w->ss[SR_GOGC].sticky = 1;
  w->ss[SR_PINNED].sticky = 1;
  /* CUSUM on the key GC series and on every caller metric */
  w->ss[SR_PAUSE].detect = 1;
  w->ss[SR_ALLOC].detect = 1;
  w->ss[SR_HEAP_LIVE].detect = 1;
  w->ss[SR_QPS].detect = 1;
  w->ss[SR_RSS].detect = 1;
  w->ss[SR_LATENCY].detect = 1;
  for (int i = 0; i < w->ncustom; i++) w->ss[SR_FIXED + i].detect = 1;
  /* EWMA on the detecting series and the GC intervals; gauges that are
   * read as last/max (heap goal/before/after, metaspace, GOGC, limit)
   * skip it to keep the per-event cost down */
  for (int s = 0; s < w->nser; s++)
    w->ss[s].smooth = w->ss[s].detect || s == SR_GC_INTERVAL ||
                      s == SR_YOUNG_INTERVAL;
  wreset(w, 0);
}

void gcpulse__window_reset(gcpulse__window *w) {
  for (int s = 0; s < w->nser; s++) w->ss[s].has_last = 0;
  wreset(w, 0);
}

double gcpulse__window_now(const gcpulse__window *w) { return w->now; }

/* ---------------------------------------------------------------------
 * Clock and panes
 * --------------------------------------------------------------------- */

static int64_t pane_index(const gcpulse__window *w, double t) {
  double q = t / w->pw;
  if (q >= 0 && q < 9e18) return (int64_t)q; /* truncation is floor here */
  return (int64_t)floor(q < -9e18 ? -9e18 : q > 9e18 ? 9e18 : q);
}

static unsigned slot_of(const gcpulse__window *w, int64_t idx) {
  int64_t m = idx % w->P;
  if (m < 0) m += w->P;
  return (unsigned)m;
}

/* Empty slot SLOT and give it pane number IDX. */
static void clear_slot(gcpulse__window *w, unsigned slot, int64_t idx) {
  pane *p = &w->panes[slot];
  gcpulse__hist_evict(&w->pause, slot);
  gcpulse__hist_evict(&w->lat, slot);
  memset(p, 0, sizeof *p);
  memset(&w->ps[(size_t)slot * (size_t)w->nser], 0,
         (size_t)w->nser * sizeof(pser));
  p->idx = idx;
  p->start = (double)idx * w->pw;
}

/* Move the clock forward to T (T >= now, or the first data). */
static void move_clock(gcpulse__window *w, double t) {
  int64_t k = pane_index(w, t);
  if (!isfinite(w->now)) {
    for (int64_t j = k - w->P + 1; j <= k; j++) clear_slot(w, slot_of(w, j), j);
    w->head = k;
    w->head_slot = slot_of(w, k);
    w->now = t;
    return;
  }
  if (k > w->head) {
    int64_t from = w->head + 1;
    if (k - w->head >= w->P) from = k - w->P + 1;
    for (int64_t j = from; j <= k; j++) clear_slot(w, slot_of(w, j), j);
    w->head = k;
    w->head_slot = slot_of(w, k);
  }
  if (t > w->now) w->now = t;
}

void gcpulse__window_advance(gcpulse__window *w, double t) {
  /* before any data there is no clock to advance (a caller clock and a
   * trace clock must not be mixed by a tick that comes first) */
  if (!isfinite(t) || !isfinite(w->now) || t <= w->now) return;
  move_clock(w, t);
}

/* Admit data at time T.  Returns a gcpulse_reason_t; on acceptance sets
 * *SLOT and *IN_ORDER (1 when T is not older than the clock). */
static inline int admit(gcpulse__window *w, double t, int restart,
                        unsigned *slot, int *in_order) {
  int reason = GCPULSE_REASON_NONE;
  /* a clock more than a whole window behind is not late data but a new
   * clock (an unflagged restart, or recovery from one absurd time) */
  if (restart || (isfinite(w->now) && t < w->now - w->W)) {
    wreset(w, 1);
    reason = GCPULSE_REASON_RESTART;
  } else if (isfinite(w->last_data_t) && t - w->last_data_t > w->W) {
    wreset(w, 1);
    reason = GCPULSE_REASON_GAP_RESET;
  }
  int64_t k = pane_index(w, t);
  if (!isfinite(w->now) || t >= w->now) {
    if (isfinite(w->now) && k == w->head)
      w->now = t; /* the common case: same pane, no rotation */
    else
      move_clock(w, t);
    *in_order = 1;
  } else if (k < w->head - 1) {
    w->dropped++;
    return GCPULSE_REASON_OUT_OF_ORDER;
  } else {
    *in_order = 0;
  }
  *slot = k == w->head ? w->head_slot : slot_of(w, k);
  if (!isfinite(w->origin) || t < w->origin) w->origin = t;
  if (!isfinite(w->last_data_t) || t > w->last_data_t) w->last_data_t = t;
  return reason;
}

/* ---------------------------------------------------------------------
 * Series update (hot path)
 * --------------------------------------------------------------------- */

/* EWMA kernel weight for gap DT, cached: all series updated by one event
 * usually share the gap since the previous event. */
static inline double decay(gcpulse__window *w, double dt) {
  if (dt != w->dc_dt) {
    double x = dt * w->inv_tau;
    w->dc_dt = dt;
    /* same series as gcpulse__ewma_alpha, inline for the common tiny x */
    w->dc_alpha = x > 0 && x < 1e-3
                      ? x * (1.0 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))))
                      : gcpulse__ewma_alpha(dt, w->tau);
  }
  return w->dc_alpha;
}

/* Add sample V at time T to series S in pane SLOT.  IN_ORDER samples also
 * update the last value, the EWMA and (for detecting series) the CUSUM,
 * which is evaluated on the sample standardised by the EWMA mean and
 * deviation from before it. */
static void ser_add(gcpulse__window *w, int s, unsigned slot, double t,
                    double v, int in_order) {
  const pane *p = &w->panes[slot];
  pser *q = &w->ps[(size_t)slot * (size_t)w->nser + (size_t)s];
  double dt = t - p->start;
  if (dt < 0) dt = 0;
  if (q->n == 0) {
    q->t0 = q->t1 = (float)dt;
    q->v0 = (float)v;
    q->min = q->max = v;
  } else {
    q->min = v < q->min ? v : q->min; /* minsd/maxsd, no branch */
    q->max = v > q->max ? v : q->max;
    if (in_order) {
      q->t1 = (float)dt; /* in-order samples are the newest */
    } else {
      if ((float)dt < q->t0) {
        q->t0 = (float)dt;
        q->v0 = (float)v;
      }
      if ((float)dt > q->t1) q->t1 = (float)dt;
    }
  }
  if (q->n != UINT32_MAX) q->n++;
  q->sum += v;
  q->st += dt;
  q->stt += dt * dt;
  q->sty += dt * v;
  if (!in_order) return;
  sstate *x = &w->ss[s];
  x->has_last = 1;
  x->last_t = t;
  x->last_v = v;
  if (!x->smooth) return;
  if (x->detect && x->e.n >= CUSUM_WARMUP) {
    /* the deviation moves slowly (alpha << 1): refreshing its inverse
     * every 8 samples keeps sqrt and a division off most samples */
    if ((x->e.n & 7u) == 0 || x->inv_sd == 0) {
      double sd = sqrt(x->e.var);
      double floor_sd = 1e-2 * fabs(x->e.mean) + 1e-12;
      x->inv_sd = 1.0 / (sd > floor_sd ? sd : floor_sd);
    }
    int r = gcpulse__cusum_step(&x->c, (v - x->e.mean) * x->inv_sd, w->k, w->h);
    if (r != 0) {
      x->alarm = r;
      x->alarm_t = t;
    }
  }
  gcpulse__ewma_add(&x->e, v, t, x->e.n ? decay(w, t - x->e.t) : 0.0);
}

static uint64_t to_us(double ms) {
  if (!(ms > 0)) return 0;
  double us = ms * 1000.0 + 0.5;
  if (us >= 1.8e19) return UINT64_MAX;
  return (uint64_t)us;
}

#define HAS(ev, f) (((ev)->known & GCPULSE_BIT(GCPULSE_FIELD_##f)) != 0)

/* A whole collection (counted in gc_count): a Go cycle, a JVM young,
 * mixed, full or degenerated pause, a generational-ZGC minor/major
 * collection, or a concurrent cycle of ZGC / Shenandoah (whose pauses are
 * separate events).  Remark, cleanup, init/final-mark and other phase
 * pauses are pauses of a collection, not collections. */
static int is_collection(const gcpulse_event_t *ev) {
  switch (ev->kind) {
  case GCPULSE_KIND_GO_CYCLE:
  case GCPULSE_KIND_YOUNG:
  case GCPULSE_KIND_MIXED:
  case GCPULSE_KIND_FULL:
  case GCPULSE_KIND_DEGENERATED:
  case GCPULSE_KIND_MINOR_CYCLE:
  case GCPULSE_KIND_MAJOR_CYCLE:
    return 1;
  case GCPULSE_KIND_CONCURRENT:
    return ev->collector == GCPULSE_COLLECTOR_ZGC ||
           ev->collector == GCPULSE_COLLECTOR_SHENANDOAH;
  default:
    return 0;
  }
}

/* Events that span a concurrent cycle: their pause_ms (if any) repeats
 * pauses that arrive as their own events, so it is not used. */
static int is_cycle_kind(int kind) {
  return kind == GCPULSE_KIND_CONCURRENT || kind == GCPULSE_KIND_MINOR_CYCLE ||
         kind == GCPULSE_KIND_MAJOR_CYCLE;
}

static int is_young(int kind) {
  return kind == GCPULSE_KIND_GO_CYCLE || kind == GCPULSE_KIND_YOUNG ||
         kind == GCPULSE_KIND_MIXED || kind == GCPULSE_KIND_MINOR_CYCLE;
}

/* The allocation chain: bytes allocated since the previous event with
 * heap figures = growth after it (before[i] - base[i-1], base = heap_live
 * if known else heap_after) + growth during it (after[i-1] - before[i-1],
 * nonzero for Go and concurrent collectors, whose heap grows while they
 * run).  Each term is clamped at 0. */
static void alloc_chain(gcpulse__window *w, const gcpulse_event_t *ev,
                        unsigned slot, double t) {
  if (!HAS(ev, HEAP_BEFORE) || !(HAS(ev, HEAP_AFTER) || HAS(ev, HEAP_LIVE)))
    return;
  double before = (double)ev->heap_before;
  double after = HAS(ev, HEAP_AFTER) ? (double)ev->heap_after
                                     : (double)ev->heap_live;
  double base = HAS(ev, HEAP_LIVE) ? (double)ev->heap_live : after;
  if (w->prev.ok) {
    double dt = t - w->prev.t;
    double g1 = before - w->prev.base, g2 = w->prev.after - w->prev.before;
    double bytes = (g1 > 0 ? g1 : 0) + (g2 > 0 ? g2 : 0);
    pane *p = &w->panes[slot];
    if (dt >= 0) {
      p->alloc_bytes += bytes;
      p->alloc_dt += dt;
      p->alloc_n++;
      if (dt >= 1e-3) ser_add(w, SR_ALLOC, slot, t, bytes / dt, 1);
    }
  }
  w->prev.t = t;
  w->prev.before = before;
  w->prev.after = after;
  w->prev.base = base;
  w->prev.ok = 1;
}

int gcpulse__window_event(gcpulse__window *w, const gcpulse_event_t *ev) {
  double t = ev->t;
  int suspect = (ev->flags & GCPULSE_EV_SUSPECT_TIME) != 0;
  int restart = (ev->flags & GCPULSE_EV_RESTART) != 0;
  if (!isfinite(t)) suspect = 1;
  if (suspect && !restart) {
    if (!isfinite(w->now)) return GCPULSE_REASON_NONE; /* no clock yet */
    t = w->now;
  } else if (suspect) {
    return GCPULSE_REASON_NONE;
  }
  unsigned slot;
  int in_order;
  int reason = admit(w, t, restart, &slot, &in_order);
  if (reason == GCPULSE_REASON_OUT_OF_ORDER) return reason;
  if (suspect) in_order = 0;
  /* a scavenge only moves the clock; an event of unknown kind (e.g. a
   * structured record without one) still brings its pause and heap data,
   * it just is not counted as a collection */
  if (ev->kind == GCPULSE_KIND_SCAVENGE) return reason;

  pane *p = &w->panes[slot];
  int kind = ev->kind;
  if (ev->runtime != GCPULSE_RT_UNKNOWN) w->runtime = ev->runtime;
  w->have_ev = 1;
  p->ev++;
  if (is_collection(ev)) {
    p->gc++;
    if (in_order) {
      if (isfinite(w->prev_gc_t))
        ser_add(w, SR_GC_INTERVAL, slot, t, t - w->prev_gc_t, 1);
      w->prev_gc_t = t;
    }
  }
  if (is_young(kind)) {
    p->young++;
    /* Go: every cycle is "young"; the young series would repeat the GC
     * interval series, so it is read from there (young_series) */
    if (in_order && kind != GCPULSE_KIND_GO_CYCLE) {
      if (isfinite(w->prev_young_t))
        ser_add(w, SR_YOUNG_INTERVAL, slot, t, t - w->prev_young_t, 1);
      w->prev_young_t = t;
    }
  }
  if (kind == GCPULSE_KIND_FULL) p->full++;
  if (ev->flags & (GCPULSE_EV_OOM | GCPULSE_EV_EVAC_FAILURE)) p->oom++;

  int cyc = is_cycle_kind(kind);
  int pause = HAS(ev, PAUSE_MS) && !cyc && ev->pause_ms >= 0;
  if (pause) {
    ser_add(w, SR_PAUSE, slot, t, ev->pause_ms, in_order);
    gcpulse__hist_record(&w->pause, slot, to_us(ev->pause_ms));
  }
  /* GC CPU: Go (or anything with per-cycle CPU and a processor count):
   * cpu ms / procs; JVM otherwise: pause + concurrent wall time */
  if (HAS(ev, GC_CPU_MS) && HAS(ev, PROCS) && ev->procs > 0) {
    p->cpu_ms += ev->gc_cpu_ms / (double)ev->procs;
    p->cpu_n++;
  } else if (ev->runtime == GCPULSE_RT_JVM &&
             (pause || HAS(ev, CONCURRENT_MS))) {
    double c = pause ? ev->pause_ms : 0.0;
    if (HAS(ev, CONCURRENT_MS) && ev->concurrent_ms > 0) c += ev->concurrent_ms;
    p->cpu_ms += c;
    p->cpu_n++;
  }

  if (HAS(ev, HEAP_LIVE))
    ser_add(w, SR_HEAP_LIVE, slot, t, (double)ev->heap_live, in_order);
  else if (kind == GCPULSE_KIND_FULL && HAS(ev, HEAP_AFTER))
    ser_add(w, SR_HEAP_LIVE, slot, t, (double)ev->heap_after, in_order);
  if (HAS(ev, HEAP_GOAL))
    ser_add(w, SR_HEAP_GOAL, slot, t, (double)ev->heap_goal, in_order);
  if (HAS(ev, HEAP_BEFORE))
    ser_add(w, SR_HEAP_BEFORE, slot, t, (double)ev->heap_before, in_order);
  if (HAS(ev, HEAP_AFTER))
    ser_add(w, SR_HEAP_AFTER, slot, t, (double)ev->heap_after, in_order);
  if (in_order) alloc_chain(w, ev, slot, t);
  if (HAS(ev, STACKS) || HAS(ev, GLOBALS))
    ser_add(w, SR_ROOTS, slot, t,
            (double)(HAS(ev, STACKS) ? ev->stacks : 0) +
                (double)(HAS(ev, GLOBALS) ? ev->globals : 0),
            in_order);
  if (HAS(ev, PROMOTED)) {
    p->promoted += (double)ev->promoted;
    p->promo_n++;
  }
  if (HAS(ev, METASPACE_USED)) {
    ser_add(w, SR_META_USED, slot, t, (double)ev->metaspace_used, in_order);
    if (HAS(ev, METASPACE_COMMITTED) && ev->metaspace_committed > 0)
      ser_add(w, SR_META_PCT, slot, t,
              100.0 * (double)ev->metaspace_used /
                  (double)ev->metaspace_committed,
              in_order);
  }
  return reason;
}

/* Series of a caller metric id (already validated by the instance). */
static int metric_series(const gcpulse__window *w, int metric) {
  switch (metric) {
  case GCPULSE_FEAT_QPS: return SR_QPS;
  case GCPULSE_FEAT_RSS: return SR_RSS;
  case GCPULSE_FEAT_LATENCY: return SR_LATENCY;
  case GCPULSE_FEAT_MEMORY_LIMIT: return SR_MEMLIMIT;
  case GCPULSE_FEAT_GOGC: return SR_GOGC;
  case GCPULSE_FEAT_GOGC_PINNED: return SR_PINNED;
  default:
    if (metric >= GCPULSE_FEAT_CUSTOM &&
        metric < GCPULSE_FEAT_CUSTOM + w->ncustom)
      return SR_FIXED + (metric - GCPULSE_FEAT_CUSTOM);
    return -1;
  }
}

int gcpulse__window_metric(gcpulse__window *w, int metric, double t,
                           double value) {
  int s = metric_series(w, metric);
  if (s < 0 || !isfinite(t) || !isfinite(value)) return GCPULSE_REASON_BAD_METRIC;
  unsigned slot;
  int in_order;
  int reason = admit(w, t, 0, &slot, &in_order);
  if (reason == GCPULSE_REASON_OUT_OF_ORDER) return reason;
  ser_add(w, s, slot, t, value, in_order);
  if (s == SR_LATENCY) gcpulse__hist_record(&w->lat, slot, to_us(value));
  return reason;
}

void gcpulse__window_set(gcpulse__window *w, int feature, double t,
                         double value) {
  int s = feature == GCPULSE_FEAT_GOGC          ? SR_GOGC
          : feature == GCPULSE_FEAT_GOGC_PINNED ? SR_PINNED
                                                : -1;
  if (s < 0 || !isfinite(t) || !isfinite(value) || !isfinite(w->now)) return;
  int64_t k = pane_index(w, t);
  if (k > w->head || k <= w->head - w->P) return; /* outside the panes */
  ser_add(w, s, slot_of(w, k), t, value,
          !w->ss[s].has_last || t >= w->ss[s].last_t);
}

/* ---------------------------------------------------------------------
 * Queries
 * --------------------------------------------------------------------- */

#define M(s) (1u << GCPULSE_STAT_##s)
#define SAMPLE                                                                 \
  (M(VALUE) | M(LAST) | M(MEAN) | M(MIN) | M(MAX) | M(RATE) | M(SLOPE) |        \
   M(EWMA) | M(CUSUM))
#define QUANT (M(P50) | M(P90) | M(P99))
#define GAUGE (SAMPLE & ~(M(EWMA) | M(CUSUM))) /* no EWMA kept */

static const uint16_t supported[GCPULSE_FEAT_BUILTIN_COUNT] = {
    [GCPULSE_FEAT_GC_COUNT] = M(VALUE),
    [GCPULSE_FEAT_GC_RATE] = M(VALUE) | M(SLOPE),
    [GCPULSE_FEAT_GC_INTERVAL] = SAMPLE & ~M(CUSUM),
    [GCPULSE_FEAT_YOUNG_GC_INTERVAL] = SAMPLE & ~M(CUSUM),
    [GCPULSE_FEAT_FULL_GC_COUNT] = M(VALUE),
    [GCPULSE_FEAT_FULL_GC_RATE] = M(VALUE) | M(SLOPE),
    [GCPULSE_FEAT_PAUSE] = (SAMPLE & ~M(RATE)) | QUANT,
    [GCPULSE_FEAT_STW_FRACTION] = M(VALUE) | M(SLOPE),
    [GCPULSE_FEAT_GC_CPU_FRACTION] = M(VALUE) | M(SLOPE),
    [GCPULSE_FEAT_HEAP_LIVE] = SAMPLE,
    [GCPULSE_FEAT_HEAP_GOAL] = GAUGE,
    [GCPULSE_FEAT_HEAP_BEFORE] = GAUGE,
    [GCPULSE_FEAT_HEAP_AFTER] = GAUGE,
    [GCPULSE_FEAT_ALLOC_RATE] = SAMPLE & ~M(RATE),
    [GCPULSE_FEAT_HEAP_GROWTH] = M(VALUE) | M(SLOPE),
    [GCPULSE_FEAT_HEAP_GROWTH_TS] = M(VALUE),
    [GCPULSE_FEAT_PROMOTION_RATE] = M(VALUE) | M(SLOPE),
    [GCPULSE_FEAT_METASPACE_USED] = GAUGE,
    [GCPULSE_FEAT_METASPACE_PCT] = GAUGE,
    [GCPULSE_FEAT_TIME_TO_NEXT_GC] = M(VALUE),
    [GCPULSE_FEAT_OOM_EVENTS] = M(VALUE),
    [GCPULSE_FEAT_HEAP_LIMIT_RATIO] = M(VALUE),
    [GCPULSE_FEAT_QPS] = SAMPLE,
    [GCPULSE_FEAT_RSS] = SAMPLE,
    [GCPULSE_FEAT_LATENCY] = SAMPLE | QUANT,
    [GCPULSE_FEAT_MEMORY_LIMIT] = GAUGE,
    [GCPULSE_FEAT_GOGC] = GAUGE,
    [GCPULSE_FEAT_GOGC_PINNED] = GAUGE,
    [GCPULSE_FEAT_HEAP_ROOTS] = GAUGE,
};

int gcpulse__window_supports(int feature, int stat) {
  if (stat < 0 || stat >= GCPULSE_STAT_COUNT) return 0;
  if (feature >= 0 && feature < GCPULSE_FEAT_BUILTIN_COUNT)
    return (supported[feature] >> stat) & 1u;
  if (feature >= GCPULSE_FEAT_CUSTOM &&
      feature < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX)
    return (SAMPLE >> stat) & 1u;
  return 0;
}

/* Start of the oldest pane in the window. */
static double window_start(const gcpulse__window *w) {
  return (double)(w->head - w->P + 1) * w->pw;
}

/* Seconds of the window that hold data: now - max(origin, window start). */
static double covered(const gcpulse__window *w) {
  if (!isfinite(w->now) || !isfinite(w->origin)) return 0.0;
  double from = window_start(w);
  if (w->origin > from) from = w->origin;
  double c = w->now - from;
  return c > 0 ? c : 0.0;
}

static int live_pane(const gcpulse__window *w, const pane *p) {
  return isfinite(w->now) && p->idx <= w->head && p->idx > w->head - w->P;
}

/* Window aggregate of one series. */
typedef struct sagg {
  double n, sum, min, max, st, stt, sty; /* t relative to the head pane */
  double t_first, v_first, t_last;       /* absolute times */
  int panes;                             /* panes with samples */
} sagg;

static void ser_agg(const gcpulse__window *w, int s, sagg *a) {
  memset(a, 0, sizeof *a);
  a->min = INFINITY;
  a->max = -INFINITY;
  a->t_first = INFINITY;
  a->t_last = -INFINITY;
  if (!isfinite(w->now)) return;
  double ref = (double)w->head * w->pw;
  for (int j = 0; j < w->P; j++) {
    const pane *p = &w->panes[j];
    const pser *q = &w->ps[(size_t)j * (size_t)w->nser + (size_t)s];
    if (q->n == 0 || !live_pane(w, p)) continue;
    double n = q->n, o = p->start - ref;
    a->n += n;
    a->sum += q->sum;
    if (q->min < a->min) a->min = q->min;
    if (q->max > a->max) a->max = q->max;
    a->st += q->st + n * o;
    a->stt += q->stt + 2.0 * o * q->st + n * o * o;
    a->sty += q->sty + o * q->sum;
    double tf = p->start + q->t0, tl = p->start + q->t1;
    if (tf < a->t_first) {
      a->t_first = tf;
      a->v_first = q->v0;
    }
    if (tl > a->t_last) a->t_last = tl;
    a->panes++;
  }
}

/* Why series S of FEATURE has no data: not applicable to the runtime
 * seen, or simply no sample. */
static int why_none(const gcpulse__window *w, int feature) {
  if (w->have_ev) {
    int go = w->runtime == GCPULSE_RT_GO, jvm = w->runtime == GCPULSE_RT_JVM;
    switch (feature) {
    case GCPULSE_FEAT_HEAP_GOAL:
    case GCPULSE_FEAT_HEAP_ROOTS:
      if (jvm) return GCPULSE_WHY_NOT_APPLICABLE;
      break;
    case GCPULSE_FEAT_METASPACE_USED:
    case GCPULSE_FEAT_METASPACE_PCT:
    case GCPULSE_FEAT_PROMOTION_RATE:
      if (go) return GCPULSE_WHY_NOT_APPLICABLE;
      break;
    default:
      break;
    }
  }
  return GCPULSE_WHY_NO_DATA;
}

static int finite_out(double v, double *out) {
  if (!isfinite(v)) return GCPULSE_WHY_NOT_FINITE;
  *out = v;
  return GCPULSE_WHY_KNOWN;
}

/* Statistic STAT of series S (feature FEATURE, headline HEADLINE). */
static int ser_stat(const gcpulse__window *w, int s, int feature, int stat,
                    int headline, double *out) {
  const sstate *x = &w->ss[s];
  if (stat == GCPULSE_STAT_VALUE) stat = headline;
  double ws = isfinite(w->now) ? window_start(w) : INFINITY;
  if (stat == GCPULSE_STAT_LAST) {
    if (x->has_last && (x->sticky || x->last_t >= ws))
      return finite_out(x->last_v, out);
    return why_none(w, feature);
  }
  if (stat == GCPULSE_STAT_EWMA) {
    if (x->e.n > 0 && x->e.t >= ws) return finite_out(x->e.mean, out);
    return why_none(w, feature);
  }
  if (stat == GCPULSE_STAT_CUSUM) {
    if (x->e.n == 0 || x->e.t < ws) return why_none(w, feature);
    if (x->e.n < CUSUM_WARMUP + 1) return GCPULSE_WHY_TOO_FEW;
    *out = (isfinite(x->alarm_t) && x->alarm_t >= w->now - w->pw)
               ? (double)x->alarm
               : 0.0;
    return GCPULSE_WHY_KNOWN;
  }
  sagg a;
  ser_agg(w, s, &a);
  if (a.n == 0) {
    /* a sticky value held since before the window is its whole history */
    if (x->sticky && x->has_last &&
        (stat == GCPULSE_STAT_MEAN || stat == GCPULSE_STAT_MIN ||
         stat == GCPULSE_STAT_MAX))
      return finite_out(x->last_v, out);
    return why_none(w, feature);
  }
  switch (stat) {
  case GCPULSE_STAT_MEAN: return finite_out(a.sum / a.n, out);
  case GCPULSE_STAT_MIN: return finite_out(a.min, out);
  case GCPULSE_STAT_MAX: return finite_out(a.max, out);
  case GCPULSE_STAT_RATE: {
    if (a.n < 2 || !x->has_last || x->last_t < ws) return GCPULSE_WHY_TOO_FEW;
    double span = x->last_t - a.t_first;
    if (span < w->min_span) return GCPULSE_WHY_SPAN_SHORT;
    return finite_out((x->last_v - a.v_first) / span, out);
  }
  case GCPULSE_STAT_SLOPE: {
    if (a.n < 3) return GCPULSE_WHY_TOO_FEW;
    if (a.t_last - a.t_first < w->min_span) return GCPULSE_WHY_SPAN_SHORT;
    double sl;
    if (gcpulse__ols_slope(a.n, a.st, a.stt, a.sum, a.sty, &sl) != 0)
      return GCPULSE_WHY_SPAN_SHORT;
    return finite_out(sl, out);
  }
  default: return GCPULSE_WHY_UNSUPPORTED;
  }
}

/* Per-pane numerators for the pane-rate features. */
enum { PR_GC, PR_FULL, PR_PROMO, PR_STW, PR_CPU };

static double pane_num(const gcpulse__window *w, int j, int which) {
  const pane *p = &w->panes[j];
  switch (which) {
  case PR_GC: return p->gc;
  case PR_FULL: return p->full;
  case PR_PROMO: return p->promoted;
  case PR_STW: return w->ps[(size_t)j * (size_t)w->nser + SR_PAUSE].sum / 1000.0;
  default: return p->cpu_ms / 1000.0;
  }
}

/* Window total of a pane numerator. */
static double pane_total(const gcpulse__window *w, int which, uint32_t *n) {
  double sum = 0;
  uint32_t cnt = 0;
  for (int j = 0; j < w->P; j++) {
    const pane *p = &w->panes[j];
    if (!live_pane(w, p)) continue;
    sum += pane_num(w, j, which);
    cnt += which == PR_PROMO ? p->promo_n
           : which == PR_CPU ? p->cpu_n
           : which == PR_STW ? w->ps[(size_t)j * (size_t)w->nser + SR_PAUSE].n
                             : p->ev;
  }
  if (n) *n = cnt;
  return sum;
}

/* Least-squares slope (per second) of per-pane rates (numerator / covered
 * part of the pane), over panes at least half covered; needs 3 panes. */
static int pane_rate_slope(const gcpulse__window *w, int which, double scale,
                           double *out) {
  double n = 0, st = 0, stt = 0, sy = 0, sty = 0;
  double ref = (double)w->head * w->pw;
  for (int j = 0; j < w->P; j++) {
    const pane *p = &w->panes[j];
    if (!live_pane(w, p)) continue;
    double a = p->start, b = p->start + w->pw;
    if (w->origin > a) a = w->origin;
    if (w->now < b) b = w->now;
    if (b - a < 0.5 * w->pw) continue;
    double x = 0.5 * (a + b) - ref, y = scale * pane_num(w, j, which) / (b - a);
    n++;
    st += x;
    stt += x * x;
    sy += y;
    sty += x * y;
  }
  if (n < 3) return GCPULSE_WHY_SPAN_SHORT;
  double sl;
  if (gcpulse__ols_slope(n, st, stt, sy, sty, &sl) != 0)
    return GCPULSE_WHY_SPAN_SHORT;
  return finite_out(sl, out);
}

/* VALUE (sum / covered time * SCALE) or SLOPE of a pane-rate feature. */
static int pane_rate(const gcpulse__window *w, int which, double scale,
                     int stat, int need_n, int feature, double *out) {
  if (!w->have_ev) return GCPULSE_WHY_NO_DATA;
  uint32_t n;
  double sum = pane_total(w, which, &n);
  if (need_n && n == 0) return why_none(w, feature);
  if (stat == GCPULSE_STAT_SLOPE) return pane_rate_slope(w, which, scale, out);
  double c = covered(w);
  if (c < w->min_span) return GCPULSE_WHY_SPAN_SHORT;
  return finite_out(scale * sum / c, out);
}

static int quantile(const gcpulse__window *w, const gcpulse__hist *h, int s,
                    int feature, int stat, double *out) {
  double q = stat == GCPULSE_STAT_P50 ? 0.5 : stat == GCPULSE_STAT_P90 ? 0.9 : 0.99;
  double v;
  if (gcpulse__hist_quantile(h, q, &v) != 0) return why_none(w, feature);
  v /= 1000.0; /* us -> ms */
  /* never outside the exact extremes of the window */
  sagg a;
  ser_agg(w, s, &a);
  if (a.n > 0) {
    if (v > a.max) v = a.max;
    if (v < a.min) v = a.min;
  }
  return finite_out(v, out);
}

/* The post-GC heap series: the live heap where the runtime reports it
 * (Go), else the heap after every collection (JVM). */
static int postgc_series(const gcpulse__window *w) {
  if (w->runtime == GCPULSE_RT_GO) return SR_HEAP_LIVE;
  if (w->runtime == GCPULSE_RT_JVM) return SR_HEAP_AFTER;
  return w->ss[SR_HEAP_LIVE].has_last ? SR_HEAP_LIVE : SR_HEAP_AFTER;
}

/* Young-collection intervals: the GC interval series for Go. */
static int young_series(const gcpulse__window *w) {
  return w->runtime == GCPULSE_RT_GO ? SR_GC_INTERVAL : SR_YOUNG_INTERVAL;
}

/* Theil-Sen slope of the post-GC heap over per-pane mean points. */
static int heap_growth_ts(const gcpulse__window *w, double *out) {
  int s = postgc_series(w);
  double x[MAX_PANES], y[MAX_PANES];
  double scratch[MAX_PANES * (MAX_PANES - 1) / 2];
  int n = 0;
  for (int j = 0; j < w->P; j++) {
    const pane *p = &w->panes[j];
    const pser *q = &w->ps[(size_t)j * (size_t)w->nser + (size_t)s];
    if (q->n == 0 || !live_pane(w, p)) continue;
    x[n] = p->start + q->st / q->n;
    y[n] = q->sum / q->n;
    n++;
  }
  if (n == 0) return why_none(w, GCPULSE_FEAT_HEAP_GROWTH_TS);
  if (n < 3) return GCPULSE_WHY_TOO_FEW;
  double sl;
  if (gcpulse__theil_sen(x, y, n, scratch, &sl) != 0)
    return GCPULSE_WHY_SPAN_SHORT;
  return finite_out(sl, out);
}

/* Allocation rate over the window: bytes / seconds of the event pairs. */
static int alloc_rate(const gcpulse__window *w, double *out) {
  double bytes = 0, dt = 0;
  uint32_t n = 0;
  for (int j = 0; j < w->P; j++) {
    const pane *p = &w->panes[j];
    if (!live_pane(w, p)) continue;
    bytes += p->alloc_bytes;
    dt += p->alloc_dt;
    n += p->alloc_n;
  }
  if (n == 0) return why_none(w, GCPULSE_FEAT_ALLOC_RATE);
  if (dt < w->min_span) return GCPULSE_WHY_SPAN_SHORT;
  return finite_out(bytes / dt, out);
}

/* (room before the next GC) / allocation rate - time since the last GC.
 * Room: Go, heap goal - live heap of the last cycle; JVM, heap before -
 * heap after of the last collection (the next one is expected at the same
 * occupancy). */
static int time_to_next_gc(const gcpulse__window *w, double *out) {
  if (!w->prev.ok || w->prev.t < window_start(w))
    return GCPULSE_WHY_NO_DATA;
  double rate;
  int r = alloc_rate(w, &rate);
  if (r != 0) return r;
  if (!(rate > 0)) return GCPULSE_WHY_NOT_FINITE;
  const sstate *g = &w->ss[SR_HEAP_GOAL];
  double room;
  if (w->runtime != GCPULSE_RT_JVM && g->has_last && g->last_t >= w->prev.t)
    room = g->last_v - w->prev.base;
  else
    room = w->prev.before - w->prev.base;
  double v = room / rate - (w->now - w->prev.t);
  return finite_out(v > 0 ? v : 0.0, out);
}

/* Peak heap (max of goal, heap before and heap after in the window) over
 * the memory limit (the memory_limit metric, else the configured one). */
static int heap_limit_ratio(const gcpulse__window *w, double *out) {
  const sstate *ml = &w->ss[SR_MEMLIMIT];
  double limit = ml->has_last ? ml->last_v : w->mem_cfg;
  if (!(limit > 0)) return GCPULSE_WHY_NO_LIMIT;
  double peak = -INFINITY;
  static const int src[] = {SR_HEAP_GOAL, SR_HEAP_BEFORE, SR_HEAP_AFTER};
  for (size_t i = 0; i < GCPULSE__COUNTOF(src); i++) {
    sagg a;
    ser_agg(w, src[i], &a);
    if (a.n > 0 && a.max > peak) peak = a.max;
  }
  if (!isfinite(peak)) return GCPULSE_WHY_NO_DATA;
  return finite_out(peak / limit, out);
}

static int count_of(const gcpulse__window *w, int which, double *out) {
  if (!w->have_ev) return GCPULSE_WHY_NO_DATA;
  double n = 0;
  for (int j = 0; j < w->P; j++) {
    const pane *p = &w->panes[j];
    if (!live_pane(w, p)) continue;
    n += which == 0 ? p->gc : which == 1 ? p->full : p->oom;
  }
  *out = n;
  return GCPULSE_WHY_KNOWN;
}

static int feature_read(const gcpulse__window *w, int f, int stat,
                        double *out) {
  switch (f) {
  case GCPULSE_FEAT_GC_COUNT: return count_of(w, 0, out);
  case GCPULSE_FEAT_GC_RATE: return pane_rate(w, PR_GC, 60.0, stat, 0, f, out);
  case GCPULSE_FEAT_GC_INTERVAL:
    return ser_stat(w, SR_GC_INTERVAL, f, stat, GCPULSE_STAT_MEAN, out);
  case GCPULSE_FEAT_YOUNG_GC_INTERVAL:
    return ser_stat(w, young_series(w), f, stat, GCPULSE_STAT_MEAN, out);
  case GCPULSE_FEAT_FULL_GC_COUNT: /* Go never runs one: a true 0 */
    return count_of(w, 1, out);
  case GCPULSE_FEAT_FULL_GC_RATE:
    return pane_rate(w, PR_FULL, 60.0, stat, 0, f, out);
  case GCPULSE_FEAT_PAUSE:
    if (stat == GCPULSE_STAT_VALUE) stat = GCPULSE_STAT_P99;
    if (stat == GCPULSE_STAT_P50 || stat == GCPULSE_STAT_P90 ||
        stat == GCPULSE_STAT_P99)
      return quantile(w, &w->pause, SR_PAUSE, f, stat, out);
    return ser_stat(w, SR_PAUSE, f, stat, GCPULSE_STAT_P99, out);
  case GCPULSE_FEAT_STW_FRACTION:
    return pane_rate(w, PR_STW, 1.0, stat, 1, f, out);
  case GCPULSE_FEAT_GC_CPU_FRACTION:
    return pane_rate(w, PR_CPU, 1.0, stat, 1, f, out);
  case GCPULSE_FEAT_HEAP_LIVE:
    return ser_stat(w, SR_HEAP_LIVE, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_GOAL:
    return ser_stat(w, SR_HEAP_GOAL, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_BEFORE:
    return ser_stat(w, SR_HEAP_BEFORE, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_AFTER:
    return ser_stat(w, SR_HEAP_AFTER, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_ALLOC_RATE:
    if (stat == GCPULSE_STAT_VALUE) return alloc_rate(w, out);
    return ser_stat(w, SR_ALLOC, f, stat, GCPULSE_STAT_MEAN, out);
  case GCPULSE_FEAT_HEAP_GROWTH:
    return ser_stat(w, postgc_series(w), f, GCPULSE_STAT_SLOPE,
                    GCPULSE_STAT_SLOPE, out);
  case GCPULSE_FEAT_HEAP_GROWTH_TS: return heap_growth_ts(w, out);
  case GCPULSE_FEAT_PROMOTION_RATE:
    return pane_rate(w, PR_PROMO, 1.0, stat, 1, f, out);
  case GCPULSE_FEAT_METASPACE_USED:
    return ser_stat(w, SR_META_USED, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_METASPACE_PCT:
    return ser_stat(w, SR_META_PCT, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_ROOTS:
    return ser_stat(w, SR_ROOTS, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_TIME_TO_NEXT_GC: return time_to_next_gc(w, out);
  case GCPULSE_FEAT_OOM_EVENTS: return count_of(w, 2, out);
  case GCPULSE_FEAT_HEAP_LIMIT_RATIO: return heap_limit_ratio(w, out);
  case GCPULSE_FEAT_LATENCY:
    if (stat == GCPULSE_STAT_P50 || stat == GCPULSE_STAT_P90 ||
        stat == GCPULSE_STAT_P99)
      return quantile(w, &w->lat, SR_LATENCY, f, stat, out);
    return ser_stat(w, SR_LATENCY, f, stat, GCPULSE_STAT_LAST, out);
  default: {
    int s = metric_series(w, f);
    if (s < 0) return GCPULSE_EINVAL;
    return ser_stat(w, s, f, stat, GCPULSE_STAT_LAST, out);
  }
  }
}

int gcpulse__window_feature(const void *ctx, int feature, int stat,
                            double *out) {
  const gcpulse__window *w = ctx;
  if (out == NULL || w == NULL) return GCPULSE_EINVAL;
  *out = 0.0;
  if (stat < 0 || stat >= GCPULSE_STAT_COUNT) return GCPULSE_EINVAL;
  if (!((feature >= 0 && feature < GCPULSE_FEAT_BUILTIN_COUNT) ||
        (feature >= GCPULSE_FEAT_CUSTOM &&
         feature < GCPULSE_FEAT_CUSTOM + w->ncustom)))
    return GCPULSE_EINVAL;
  if (!gcpulse__window_supports(feature, stat)) return GCPULSE_WHY_UNSUPPORTED;
  double v = 0.0;
  int r = feature_read(w, feature, stat, &v);
  if (r == GCPULSE_WHY_KNOWN && !isfinite(v)) r = GCPULSE_WHY_NOT_FINITE;
  if (r == GCPULSE_WHY_KNOWN) *out = v;
  return r;
}

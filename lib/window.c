/*
 * window.c — the sliding-window feature store: configuration, layout,
 * clock, panes and ingestion of events and metrics.  The queries over the
 * same state (features, the supported (feature, stat) table) live in
 * window_query.c; the state layout both share is in window_layout.h.  The
 * split keeps the hot path (admit, ser_add, gcpulse__window_event) in one
 * translation unit so it inlines fully, apart from the query code that
 * runs only when a feature is read.
 *
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
 * Ordering rules (documented in include/gcpulse.h and docs/window.md):
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
#include "common.h"
#include "event_fields.h"
#include "window_layout.h"

#include <math.h>
#include <string.h>

/* Histogram geometry (only the layout needs it). */
#define PAUSE_S 5u        /* sub-bucket bits: <= 1.56 % error */
#define PAUSE_LOG2 27u    /* pause histogram covers 0 .. 2^27 us (134 s) */
#define LAT_S 4u          /* latency: <= 3.1 % error, half the memory */
#define LAT_LOG2 24u      /* latency histogram covers 0 .. 2^24 us (16.7 s) */

/* ---------------------------------------------------------------------
 * Layout and configuration
 * --------------------------------------------------------------------- */

typedef struct wlayout {
  size_t panes, ps, ss, pause, lat, total;
} wlayout;

static wlayout wplan(const gcpulse_config_t *cfg) {
  wlayout L;
  size_t P = (size_t)cfg->panes;
  size_t nser = GCPULSE__SR_FIXED +
                (size_t)(cfg->custom_metrics > 0 ? cfg->custom_metrics : 0);
  size_t off = GCPULSE__ALIGN(sizeof(struct gcpulse__window));
  L.panes = off;
  off += GCPULSE__ALIGN(P * sizeof(gcpulse__wpane));
  L.ps = off;
  off += GCPULSE__ALIGN(P * nser * sizeof(gcpulse__wser));
  L.ss = off;
  off += GCPULSE__ALIGN(nser * sizeof(gcpulse__wstate));
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

/* Forget the data; keep configuration and, with KEEP_STICKY, the last
 * values of caller-level facts (memory limit, GOGC) that a restart of the
 * traced process does not change. */
static void wreset(gcpulse__window *w, int keep_sticky) {
  memset(w->panes, 0, (size_t)w->P * sizeof(gcpulse__wpane));
  memset(w->ps, 0, (size_t)w->P * (size_t)w->nser * sizeof(gcpulse__wser));
  for (int s = 0; s < w->nser; s++) {
    gcpulse__wstate *x = &w->ss[s];
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
  if (!keep_sticky) w->mem_det = w->mem_max = 0.0;
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
  w->mem_det = w->mem_max = 0.0;
  w->ncustom = cfg->custom_metrics > 0 ? cfg->custom_metrics : 0;
  w->nser = GCPULSE__SR_FIXED + w->ncustom;
  w->panes = (gcpulse__wpane *)(void *)(base + L.panes);
  w->ps = (gcpulse__wser *)(void *)(base + L.ps);
  w->ss = (gcpulse__wstate *)(void *)(base + L.ss);
  gcpulse__hist_init(&w->pause, base + L.pause, PAUSE_S, PAUSE_LOG2,
                     (unsigned)w->P);
  gcpulse__hist_init(&w->lat, base + L.lat, LAT_S, LAT_LOG2, (unsigned)w->P);
  memset(w->ss, 0, (size_t)w->nser * sizeof(gcpulse__wstate));
  w->ss[GCPULSE__SR_MEMLIMIT].sticky = 1;
  w->ss[GCPULSE__SR_GOGC].sticky = 1;
  w->ss[GCPULSE__SR_PINNED].sticky = 1;
  /* CUSUM on the key GC series and on every caller metric */
  w->ss[GCPULSE__SR_PAUSE].detect = 1;
  w->ss[GCPULSE__SR_ALLOC].detect = 1;
  w->ss[GCPULSE__SR_HEAP_LIVE].detect = 1;
  w->ss[GCPULSE__SR_QPS].detect = 1;
  w->ss[GCPULSE__SR_RSS].detect = 1;
  w->ss[GCPULSE__SR_LATENCY].detect = 1;
  for (int i = 0; i < w->ncustom; i++) w->ss[GCPULSE__SR_FIXED + i].detect = 1;
  /* EWMA on the detecting series and the GC intervals; gauges that are
   * read as last/max (heap goal/before/after, metaspace, GOGC, limit)
   * skip it to keep the per-event cost down */
  for (int s = 0; s < w->nser; s++)
    w->ss[s].smooth = w->ss[s].detect || s == GCPULSE__SR_GC_INTERVAL ||
                      s == GCPULSE__SR_YOUNG_INTERVAL;
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
  gcpulse__wpane *p = &w->panes[slot];
  gcpulse__hist_evict(&w->pause, slot);
  gcpulse__hist_evict(&w->lat, slot);
  memset(p, 0, sizeof *p);
  memset(&w->ps[(size_t)slot * (size_t)w->nser], 0,
         (size_t)w->nser * sizeof(gcpulse__wser));
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
  const gcpulse__wpane *p = &w->panes[slot];
  gcpulse__wser *q = &w->ps[(size_t)slot * (size_t)w->nser + (size_t)s];
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
  gcpulse__wstate *x = &w->ss[s];
  x->has_last = 1;
  x->last_t = t;
  x->last_v = v;
  if (!x->smooth) return;
  if (x->detect && x->e.n >= GCPULSE__CUSUM_WARMUP) {
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

#define HAS GCPULSE__HAS

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

/* The memory limit a JVM log shows (third in the precedence of
 * gcpulse__window_memory_limit): the maximum heap where the log states it
 * (heap_max: gc,init, JDK 8 command-line flags); else the committed
 * capacity, but only where the log proves it is the maximum.  After a
 * full collection or a G1 remark the JVM grows its heap until at least
 * 40 % is free (MinHeapFreeRatio), so a heap still at least 70 % full
 * after one could not grow: its capacity is -Xmx.  Capacity alone is no
 * limit: with -Xms below -Xmx (the JDK default -Xms is 1/64 of memory) a
 * healthy service's heap sits near the committed size before each
 * expansion. */
#define GCPULSE__JVM_AT_MAX_FILL 0.7

static void detect_limit(gcpulse__window *w, const gcpulse_event_t *ev) {
  if (ev->runtime != GCPULSE_RT_JVM) return;
  if (HAS(ev, HEAP_MAX) && ev->heap_max > 0) w->mem_max = (double)ev->heap_max;
  int resize = ev->kind == GCPULSE_KIND_FULL || ev->kind == GCPULSE_KIND_REMARK;
  double cap = (double)ev->heap_capacity;
  if (resize && HAS(ev, HEAP_CAPACITY) && HAS(ev, HEAP_AFTER) && cap > w->mem_det &&
      (double)ev->heap_after >= GCPULSE__JVM_AT_MAX_FILL * cap)
    w->mem_det = cap;
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
    gcpulse__wpane *p = &w->panes[slot];
    if (dt >= 0) {
      p->alloc_bytes += bytes;
      p->alloc_dt += dt;
      p->alloc_n++;
      /* one rate sample per min_span (1 s) or more: a phase pause a few
       * ms after a collection (G1 remark, cleanup) would make a sample of
       * the log's size rounding alone ("8M->9M" in 3 ms: 333 MB/s) */
      w->prev.acc_bytes += bytes;
      w->prev.acc_dt += dt;
      if (w->prev.acc_dt >= w->min_span) {
        ser_add(w, GCPULSE__SR_ALLOC, slot, t, w->prev.acc_bytes / w->prev.acc_dt, 1);
        w->prev.acc_bytes = w->prev.acc_dt = 0;
      }
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

  gcpulse__wpane *p = &w->panes[slot];
  int kind = ev->kind;
  if (ev->runtime != GCPULSE_RT_UNKNOWN) w->runtime = ev->runtime;
  detect_limit(w, ev);
  w->have_ev = 1;
  p->ev++;
  if (is_collection(ev)) {
    p->gc++;
    if (in_order) {
      if (isfinite(w->prev_gc_t))
        ser_add(w, GCPULSE__SR_GC_INTERVAL, slot, t, t - w->prev_gc_t, 1);
      w->prev_gc_t = t;
    }
  }
  if (is_young(kind)) {
    p->young++;
    /* Go: every cycle is "young"; the young series would repeat the GC
     * interval series, so it is read from there (young_series) */
    if (in_order && kind != GCPULSE_KIND_GO_CYCLE) {
      if (isfinite(w->prev_young_t))
        ser_add(w, GCPULSE__SR_YOUNG_INTERVAL, slot, t, t - w->prev_young_t, 1);
      w->prev_young_t = t;
    }
  }
  if (kind == GCPULSE_KIND_FULL) p->full++;
  if (ev->flags & (GCPULSE_EV_OOM | GCPULSE_EV_EVAC_FAILURE)) p->oom++;

  int cyc = is_cycle_kind(kind);
  int pause = HAS(ev, PAUSE_MS) && !cyc && ev->pause_ms >= 0;
  if (pause) {
    ser_add(w, GCPULSE__SR_PAUSE, slot, t, ev->pause_ms, in_order);
    gcpulse__hist_record(&w->pause, slot, to_us(ev->pause_ms));
  }
  /* GC CPU as a share of the machine (docs/window.md): CPU ms / procs when
   * the event has both (Go: gc_cpu_ms; JVM: User + Sys of a pause), else
   * a JVM pause's wall time.  Never a concurrent span's wall time: it
   * contains the cycle's own pauses and says nothing of its CPU. */
  double cpu = -1;
  if (HAS(ev, PROCS) && ev->procs > 0 && HAS(ev, GC_CPU_MS))
    cpu = ev->gc_cpu_ms / (double)ev->procs;
  else if (HAS(ev, PROCS) && ev->procs > 0 && HAS(ev, CPU_USER_MS) &&
           HAS(ev, CPU_SYS_MS))
    cpu = (ev->cpu_user_ms + ev->cpu_sys_ms) / (double)ev->procs;
  else if (ev->runtime == GCPULSE_RT_JVM && pause)
    cpu = ev->pause_ms;
  if (cpu >= 0) {
    p->cpu_ms += cpu;
    p->cpu_n++;
  }

  if (HAS(ev, HEAP_LIVE))
    ser_add(w, GCPULSE__SR_HEAP_LIVE, slot, t, (double)ev->heap_live,
            in_order);
  else if (kind == GCPULSE_KIND_FULL && HAS(ev, HEAP_AFTER))
    ser_add(w, GCPULSE__SR_HEAP_LIVE, slot, t, (double)ev->heap_after,
            in_order);
  if (HAS(ev, HEAP_GOAL))
    ser_add(w, GCPULSE__SR_HEAP_GOAL, slot, t, (double)ev->heap_goal,
            in_order);
  if (HAS(ev, HEAP_BEFORE))
    ser_add(w, GCPULSE__SR_HEAP_BEFORE, slot, t, (double)ev->heap_before,
            in_order);
  if (HAS(ev, HEAP_AFTER))
    ser_add(w, GCPULSE__SR_HEAP_AFTER, slot, t, (double)ev->heap_after,
            in_order);
  if (in_order) alloc_chain(w, ev, slot, t);
  if (HAS(ev, STACKS) || HAS(ev, GLOBALS))
    ser_add(w, GCPULSE__SR_ROOTS, slot, t,
            (double)(HAS(ev, STACKS) ? ev->stacks : 0) +
                (double)(HAS(ev, GLOBALS) ? ev->globals : 0),
            in_order);
  if (HAS(ev, PROMOTED)) {
    p->promoted += (double)ev->promoted;
    p->promo_n++;
  }
  if (HAS(ev, METASPACE_USED)) {
    ser_add(w, GCPULSE__SR_META_USED, slot, t, (double)ev->metaspace_used,
            in_order);
    if (HAS(ev, METASPACE_COMMITTED) && ev->metaspace_committed > 0)
      ser_add(w, GCPULSE__SR_META_PCT, slot, t,
              100.0 * (double)ev->metaspace_used /
                  (double)ev->metaspace_committed,
              in_order);
  }
  return reason;
}

int gcpulse__window_metric(gcpulse__window *w, int metric, double t,
                           double value) {
  int s = gcpulse__window_series(w, metric);
  if (s < 0 || !isfinite(t) || !isfinite(value)) return GCPULSE_REASON_BAD_METRIC;
  unsigned slot;
  int in_order;
  int reason = admit(w, t, 0, &slot, &in_order);
  if (reason == GCPULSE_REASON_OUT_OF_ORDER) return reason;
  ser_add(w, s, slot, t, value, in_order);
  if (s == GCPULSE__SR_LATENCY)
    gcpulse__hist_record(&w->lat, slot, to_us(value));
  return reason;
}

void gcpulse__window_set(gcpulse__window *w, int feature, double t,
                         double value) {
  int s = feature == GCPULSE_FEAT_GOGC          ? GCPULSE__SR_GOGC
          : feature == GCPULSE_FEAT_GOGC_PINNED ? GCPULSE__SR_PINNED
                                                : -1;
  if (s < 0 || !isfinite(t) || !isfinite(value) || !isfinite(w->now)) return;
  int64_t k = pane_index(w, t);
  if (k > w->head || k <= w->head - w->P) return; /* outside the panes */
  ser_add(w, s, slot_of(w, k), t, value,
          !w->ss[s].has_last || t >= w->ss[s].last_t);
}

int gcpulse__window_runtime(const gcpulse__window *w) { return w->runtime; }

/*
 * window_query.c — reading the sliding window: every feature and
 * statistic of gcpulse_feature(), and the table of supported
 * (feature, stat) pairs that configuration validation checks rules
 * against.
 *
 * Design.  Ingestion (window.c) only appends to the panes and keeps the
 * per-series last value / EWMA / CUSUM; everything windowed is computed
 * here at query time from the P live panes (a pane is live when its
 * absolute index lies in (head - P, head]):
 *  - sample statistics (mean, min, max, least-squares slope, first-to-last
 *    rate) from the per-pane shifted sums, re-based on the head pane so
 *    the slope has no cancellation problem (ser_agg, ser_stat);
 *  - pane-rate features (GC rate, STW and GC-CPU fraction, promotion
 *    rate) as a window total over the covered time, or the slope of the
 *    per-pane rates (pane_rate);
 *  - quantiles from the subtract-on-evict histograms, clamped into the
 *    exact window min/max;
 *  - derived features (Theil-Sen heap growth, allocation rate, time to the
 *    next GC, heap-to-limit ratio, event counts).
 * Recomputing from P panes is exact (no floating-point drift from
 * subtraction) and costs O(P) per query, cheap next to the once-per-period
 * reads of the controller and the policy.
 *
 * Results follow the gcpulse__feat_fn contract: 0 and a finite *OUT, a
 * gcpulse_why_t saying why the value is unknown, or a negative error.
 */
#include "common.h"
#include "window_layout.h"

#include <math.h>
#include <string.h>

#define M(s) (1u << GCPULSE_STAT_##s)
#define SAMPLE                                                                 \
  (M(VALUE) | M(LAST) | M(MEAN) | M(MIN) | M(MAX) | M(RATE) | M(SLOPE) |        \
   M(EWMA) | M(CUSUM) | M(RECENT_SLOPE))
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
    [GCPULSE_FEAT_GC_CPU_FRACTION] = M(VALUE) | M(LAST) | M(SLOPE),
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
    [GCPULSE_FEAT_HEAP_LIMIT_RATIO] = M(VALUE) | M(LAST),
    [GCPULSE_FEAT_QPS] = SAMPLE,
    [GCPULSE_FEAT_RSS] = SAMPLE,
    [GCPULSE_FEAT_LATENCY] = SAMPLE | QUANT,
    [GCPULSE_FEAT_MEMORY_LIMIT] = GAUGE,
    [GCPULSE_FEAT_GOGC] = GAUGE,
    [GCPULSE_FEAT_GOGC_PINNED] = GAUGE,
    [GCPULSE_FEAT_HEAP_ROOTS] = GAUGE,
    [GCPULSE_FEAT_HEAP_GROWTH_PCT] = M(VALUE),
    [GCPULSE_FEAT_RSS_HEAP_RATIO] = M(VALUE),
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

/* Series S of pane slot J. */
static const gcpulse__wser *pane_ser(const gcpulse__window *w, int j, int s) {
  return &w->ps[(size_t)j * (size_t)w->nser + (size_t)s];
}

static int live_pane(const gcpulse__window *w, const gcpulse__wpane *p) {
  return isfinite(w->now) && p->idx <= w->head && p->idx > w->head - w->P;
}

/* Window aggregate of one series. */
typedef struct sagg {
  double n, sum, min, max, st, stt, sty; /* t relative to the head pane */
  double t_first, v_first, t_last;       /* absolute times */
  int panes;                             /* panes with samples */
} sagg;

/* Aggregate of series S over the live panes with index >= FROM. */
static void ser_agg_from(const gcpulse__window *w, int s, int64_t from,
                         sagg *a) {
  memset(a, 0, sizeof *a);
  a->min = INFINITY;
  a->max = -INFINITY;
  a->t_first = INFINITY;
  a->t_last = -INFINITY;
  if (!isfinite(w->now)) return;
  double ref = (double)w->head * w->pw;
  for (int j = 0; j < w->P; j++) {
    const gcpulse__wpane *p = &w->panes[j];
    const gcpulse__wser *q = pane_ser(w, j, s);
    if (q->n == 0 || !live_pane(w, p) || p->idx < from) continue;
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

static void ser_agg(const gcpulse__window *w, int s, sagg *a) {
  ser_agg_from(w, s, INT64_MIN, a);
}

/* Panes the RECENT_SLOPE statistic reads: a quarter of the window, >= 3. */
static int recent_panes(const gcpulse__window *w) {
  return w->P / 4 > 3 ? w->P / 4 : 3;
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
  const gcpulse__wstate *x = &w->ss[s];
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
    if (x->e.n < GCPULSE__CUSUM_WARMUP + 1) return GCPULSE_WHY_TOO_FEW;
    *out = (isfinite(x->alarm_t) && x->alarm_t >= w->now - w->pw)
               ? (double)x->alarm
               : 0.0;
    return GCPULSE_WHY_KNOWN;
  }
  sagg a;
  if (stat == GCPULSE_STAT_RECENT_SLOPE) {
    /* the newest quarter; for a sparse series (a JVM's live heap is read
     * once per marking cycle, a slow Go service collects every 10 s) back
     * to its last 3 samples, within the newest half */
    int k = recent_panes(w);
    ser_agg_from(w, s, w->head - k + 1, &a);
    while (a.n < 3 && k < w->P / 2)
      ser_agg_from(w, s, w->head - ++k + 1, &a);
    stat = GCPULSE_STAT_SLOPE;
  } else {
    ser_agg(w, s, &a);
  }
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
  const gcpulse__wpane *p = &w->panes[j];
  switch (which) {
  case PR_GC: return p->gc;
  case PR_FULL: return p->full;
  case PR_PROMO: return p->promoted;
  case PR_STW: return pane_ser(w, j, GCPULSE__SR_PAUSE)->sum / 1000.0;
  default: return p->cpu_ms / 1000.0;
  }
}

/* A rate of numerator WHICH as reported: the GC CPU fraction is a share
 * of the machine's time and never exceeds 1 (a pause longer than the
 * time covered, a cycle's CPU counted at its start). */
static double pane_cap(int which, double rate) {
  return which == PR_CPU && rate > 1.0 ? 1.0 : rate;
}

/* Window total of a pane numerator. */
static double pane_total(const gcpulse__window *w, int which, uint32_t *n) {
  double sum = 0;
  uint32_t cnt = 0;
  for (int j = 0; j < w->P; j++) {
    const gcpulse__wpane *p = &w->panes[j];
    if (!live_pane(w, p)) continue;
    sum += pane_num(w, j, which);
    cnt += which == PR_PROMO ? p->promo_n
           : which == PR_CPU ? p->cpu_n
           : which == PR_STW ? pane_ser(w, j, GCPULSE__SR_PAUSE)->n
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
    const gcpulse__wpane *p = &w->panes[j];
    if (!live_pane(w, p)) continue;
    double a = p->start, b = p->start + w->pw;
    if (w->origin > a) a = w->origin;
    if (w->now < b) b = w->now;
    if (b - a < 0.5 * w->pw) continue;
    double x = 0.5 * (a + b) - ref;
    double y = pane_cap(which, scale * pane_num(w, j, which) / (b - a));
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

/* The recent rate (LAST): numerator of the head pane and the one before
 * it over the time they cover (one to two pane widths; less at the start
 * of the stream): a short horizon for emergencies. */
static int pane_rate_recent(const gcpulse__window *w, int which, double scale,
                            double *out) {
  double sum = 0, from = ((double)w->head - 1.0) * w->pw;
  for (int j = 0; j < w->P; j++) {
    const gcpulse__wpane *p = &w->panes[j];
    if (live_pane(w, p) && p->idx >= w->head - 1) sum += pane_num(w, j, which);
  }
  if (w->origin > from) from = w->origin;
  double c = w->now - from;
  if (c < w->min_span || !(c > 0)) return GCPULSE_WHY_SPAN_SHORT;
  return finite_out(pane_cap(which, scale * sum / c), out);
}

/* VALUE (sum / covered time * SCALE), LAST (recent) or SLOPE of a
 * pane-rate feature. */
static int pane_rate(const gcpulse__window *w, int which, double scale,
                     int stat, int need_n, int feature, double *out) {
  if (!w->have_ev) return GCPULSE_WHY_NO_DATA;
  uint32_t n;
  double sum = pane_total(w, which, &n);
  if (need_n && n == 0) return why_none(w, feature);
  if (stat == GCPULSE_STAT_SLOPE) return pane_rate_slope(w, which, scale, out);
  if (stat == GCPULSE_STAT_LAST) return pane_rate_recent(w, which, scale, out);
  double c = covered(w);
  if (c < w->min_span) return GCPULSE_WHY_SPAN_SHORT;
  return finite_out(pane_cap(which, scale * sum / c), out);
}

static int is_quantile(int stat) {
  return stat == GCPULSE_STAT_P50 || stat == GCPULSE_STAT_P90 ||
         stat == GCPULSE_STAT_P99;
}

/* Quantile STAT (P50/P90/P99) of histogram H, in ms, clamped into the
 * exact min/max of series S over the window. */
static int quantile(const gcpulse__window *w, const gcpulse__hist *h, int s,
                    int feature, int stat, double *out) {
  double q = stat == GCPULSE_STAT_P50   ? 0.5
             : stat == GCPULSE_STAT_P90 ? 0.9
                                        : 0.99;
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
  if (w->runtime == GCPULSE_RT_GO) return GCPULSE__SR_HEAP_LIVE;
  if (w->runtime == GCPULSE_RT_JVM) return GCPULSE__SR_HEAP_AFTER;
  return w->ss[GCPULSE__SR_HEAP_LIVE].has_last ? GCPULSE__SR_HEAP_LIVE
                                                : GCPULSE__SR_HEAP_AFTER;
}

/* Young-collection intervals: the GC interval series for Go. */
static int young_series(const gcpulse__window *w) {
  return w->runtime == GCPULSE_RT_GO ? GCPULSE__SR_GC_INTERVAL
                                     : GCPULSE__SR_YOUNG_INTERVAL;
}

/* Theil-Sen slope of the post-GC heap over per-pane mean points. */
static int heap_growth_ts(const gcpulse__window *w, double *out) {
  int s = postgc_series(w);
  double x[GCPULSE__MAX_PANES], y[GCPULSE__MAX_PANES];
  double scratch[GCPULSE__MAX_PANES * (GCPULSE__MAX_PANES - 1) / 2];
  int n = 0;
  for (int j = 0; j < w->P; j++) {
    const gcpulse__wpane *p = &w->panes[j];
    const gcpulse__wser *q = pane_ser(w, j, s);
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

/* The Theil-Sen growth as percent of the mean post-GC heap per minute. */
static int heap_growth_pct(const gcpulse__window *w, double *out) {
  double ts;
  int r = heap_growth_ts(w, &ts);
  if (r != 0) return r;
  sagg a;
  ser_agg(w, postgc_series(w), &a);
  if (a.n == 0 || !(a.sum > 0)) return GCPULSE_WHY_NO_DATA;
  return finite_out(ts / (a.sum / a.n) * 6000.0, out);
}

/* Allocation rate over the window: bytes / seconds of the event pairs. */
static int alloc_rate(const gcpulse__window *w, double *out) {
  double bytes = 0, dt = 0;
  uint32_t n = 0;
  for (int j = 0; j < w->P; j++) {
    const gcpulse__wpane *p = &w->panes[j];
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
  const gcpulse__wstate *g = &w->ss[GCPULSE__SR_HEAP_GOAL];
  double room;
  if (w->runtime != GCPULSE_RT_JVM && g->has_last && g->last_t >= w->prev.t)
    room = g->last_v - w->prev.base;
  else
    room = w->prev.before - w->prev.base;
  double v = room / rate - (w->now - w->prev.t);
  return finite_out(v > 0 ? v : 0.0, out);
}

/* The memory limit in force, by the one precedence rule: the configured
 * limit, else the latest memory_limit metric, else the limit detected from
 * the log (the JVM maximum heap it states, else the largest JVM heap
 * capacity seen); 0 when none is known. */
double gcpulse__window_memory_limit(const gcpulse__window *w, int *src) {
  const gcpulse__wstate *ml = &w->ss[GCPULSE__SR_MEMLIMIT];
  int s = GCPULSE_LIMIT_NONE;
  double v = 0.0;
  if (w->mem_cfg > 0) {
    s = GCPULSE_LIMIT_CONFIG;
    v = w->mem_cfg;
  } else if (ml->has_last && ml->last_v > 0) {
    s = GCPULSE_LIMIT_METRIC;
    v = ml->last_v;
  } else if (w->mem_max > 0 || w->mem_det > 0) {
    s = GCPULSE_LIMIT_DETECTED;
    v = w->mem_max > 0 ? w->mem_max : w->mem_det;
  }
  if (src != NULL) *src = s;
  return v;
}

/* Feature memory_limit_bytes: the metric's window statistics when the
 * metric is the source, else the constant limit in force. */
static int memory_limit(const gcpulse__window *w, int stat, double *out) {
  int src;
  double v = gcpulse__window_memory_limit(w, &src);
  if (src == GCPULSE_LIMIT_NONE) return GCPULSE_WHY_NO_LIMIT;
  if (src == GCPULSE_LIMIT_METRIC)
    return ser_stat(w, GCPULSE__SR_MEMLIMIT, GCPULSE_FEAT_MEMORY_LIMIT, stat,
                    GCPULSE_STAT_LAST, out);
  if (stat == GCPULSE_STAT_SLOPE || stat == GCPULSE_STAT_RATE ||
      stat == GCPULSE_STAT_RECENT_SLOPE)
    v = 0.0; /* a configured or detected limit does not move */
  return finite_out(v, out);
}

/* VALUE: peak heap (max of goal, heap before and heap after in the
 * window) over the memory limit in force (gcpulse__window_memory_limit);
 * LAST: the last post-GC heap (Go live heap, JVM heap after) over it. */
static double peak_heap(const gcpulse__window *w) {
  double peak = -INFINITY;
  static const int src[] = {GCPULSE__SR_HEAP_GOAL, GCPULSE__SR_HEAP_BEFORE,
                            GCPULSE__SR_HEAP_AFTER};
  for (size_t i = 0; i < GCPULSE__COUNTOF(src); i++) {
    sagg a;
    ser_agg(w, src[i], &a);
    if (a.n > 0 && a.max > peak) peak = a.max;
  }
  return peak;
}

static int heap_limit_ratio(const gcpulse__window *w, int stat, double *out) {
  double limit = gcpulse__window_memory_limit(w, NULL);
  if (!(limit > 0)) return GCPULSE_WHY_NO_LIMIT;
  if (stat == GCPULSE_STAT_LAST) {
    double after;
    int r = ser_stat(w, postgc_series(w), GCPULSE_FEAT_HEAP_AFTER,
                     GCPULSE_STAT_LAST, GCPULSE_STAT_LAST, &after);
    return r != 0 ? r : finite_out(after / limit, out);
  }
  double peak = peak_heap(w);
  if (!isfinite(peak)) return GCPULSE_WHY_NO_DATA;
  return finite_out(peak / limit, out);
}

/* The caller's peak RSS over the window's peak heap: both peaks of the
 * same window (RSS samples that arrive after a later event still count). */
static int rss_heap_ratio(const gcpulse__window *w, double *out) {
  double rss, peak = peak_heap(w);
  int r = ser_stat(w, GCPULSE__SR_RSS, GCPULSE_FEAT_RSS, GCPULSE_STAT_MAX,
                   GCPULSE_STAT_MAX, &rss);
  if (r != 0) return r;
  if (!(peak > 0)) return GCPULSE_WHY_NO_DATA;
  return finite_out(rss / peak, out);
}

static int count_of(const gcpulse__window *w, int which, double *out) {
  if (!w->have_ev) return GCPULSE_WHY_NO_DATA;
  double n = 0;
  for (int j = 0; j < w->P; j++) {
    const gcpulse__wpane *p = &w->panes[j];
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
    return ser_stat(w, GCPULSE__SR_GC_INTERVAL, f, stat, GCPULSE_STAT_MEAN,
                    out);
  case GCPULSE_FEAT_YOUNG_GC_INTERVAL:
    return ser_stat(w, young_series(w), f, stat, GCPULSE_STAT_MEAN, out);
  case GCPULSE_FEAT_FULL_GC_COUNT: /* Go never runs one: a true 0 */
    return count_of(w, 1, out);
  case GCPULSE_FEAT_FULL_GC_RATE:
    return pane_rate(w, PR_FULL, 60.0, stat, 0, f, out);
  case GCPULSE_FEAT_PAUSE:
    if (stat == GCPULSE_STAT_VALUE) stat = GCPULSE_STAT_P99;
    if (is_quantile(stat))
      return quantile(w, &w->pause, GCPULSE__SR_PAUSE, f, stat, out);
    return ser_stat(w, GCPULSE__SR_PAUSE, f, stat, GCPULSE_STAT_P99, out);
  case GCPULSE_FEAT_STW_FRACTION:
    return pane_rate(w, PR_STW, 1.0, stat, 1, f, out);
  case GCPULSE_FEAT_GC_CPU_FRACTION:
    return pane_rate(w, PR_CPU, 1.0, stat, 1, f, out);
  case GCPULSE_FEAT_HEAP_LIVE:
    return ser_stat(w, GCPULSE__SR_HEAP_LIVE, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_GOAL:
    return ser_stat(w, GCPULSE__SR_HEAP_GOAL, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_BEFORE:
    return ser_stat(w, GCPULSE__SR_HEAP_BEFORE, f, stat, GCPULSE_STAT_LAST,
                    out);
  case GCPULSE_FEAT_HEAP_AFTER:
    return ser_stat(w, GCPULSE__SR_HEAP_AFTER, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_ALLOC_RATE:
    if (stat == GCPULSE_STAT_VALUE) return alloc_rate(w, out);
    return ser_stat(w, GCPULSE__SR_ALLOC, f, stat, GCPULSE_STAT_MEAN, out);
  case GCPULSE_FEAT_HEAP_GROWTH:
    return ser_stat(w, postgc_series(w), f, GCPULSE_STAT_SLOPE,
                    GCPULSE_STAT_SLOPE, out);
  case GCPULSE_FEAT_HEAP_GROWTH_TS: return heap_growth_ts(w, out);
  case GCPULSE_FEAT_HEAP_GROWTH_PCT: return heap_growth_pct(w, out);
  case GCPULSE_FEAT_PROMOTION_RATE:
    return pane_rate(w, PR_PROMO, 1.0, stat, 1, f, out);
  case GCPULSE_FEAT_METASPACE_USED:
    return ser_stat(w, GCPULSE__SR_META_USED, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_METASPACE_PCT:
    return ser_stat(w, GCPULSE__SR_META_PCT, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_HEAP_ROOTS:
    return ser_stat(w, GCPULSE__SR_ROOTS, f, stat, GCPULSE_STAT_LAST, out);
  case GCPULSE_FEAT_TIME_TO_NEXT_GC: return time_to_next_gc(w, out);
  case GCPULSE_FEAT_OOM_EVENTS: return count_of(w, 2, out);
  case GCPULSE_FEAT_HEAP_LIMIT_RATIO: return heap_limit_ratio(w, stat, out);
  case GCPULSE_FEAT_MEMORY_LIMIT: return memory_limit(w, stat, out);
  case GCPULSE_FEAT_RSS_HEAP_RATIO: return rss_heap_ratio(w, out);
  case GCPULSE_FEAT_LATENCY:
    if (is_quantile(stat))
      return quantile(w, &w->lat, GCPULSE__SR_LATENCY, f, stat, out);
    return ser_stat(w, GCPULSE__SR_LATENCY, f, stat, GCPULSE_STAT_LAST, out);
  default: {
    int s = gcpulse__window_series(w, f);
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

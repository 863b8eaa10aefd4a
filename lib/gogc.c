/*
 * gogc.c — the dynamic GOGC controller.
 *
 * Design.  The controller is a pure function of the window's features and
 * its own small state: no clock, no I/O, no allocation.  The instance calls
 * gcpulse__gogc_step() after every event, metric and tick with the event
 * time.  A decision is taken at every GC cycle (the first one at the first
 * cycle after start) and, when no cycle comes, on a tick once period_s has
 * passed since the last decision.  Time constants are seconds of that
 * event time (ewma_tau_s, dwell_s, spare_horizon_s, leak_window_s), never
 * counts of decisions, so the behaviour does not depend on how often the
 * process collects.  The memory limit is the window's FEAT_MEMORY_LIMIT,
 * which applies the one precedence rule (gcpulse__window_memory_limit).
 *
 * One decision is a pipeline of named stages, each reported:
 *
 *   observe   features -> smoothed inputs, memory budget, leak sample
 *   law       the mode's law -> raw
 *   bounds    memory budget / backstop / absolute floor / [min, max] /
 *             leak hold -> after_bounds
 *   slew      rise slowly (fast for a SPARE rise); drop fast, at once when
 *             urgent -> after_slew
 *   deadband  ignore small changes -> after_deadband
 *   dwell     a change waits dwell_s after the last one (not an urgent drop,
 *             not a SPARE rise) and dwell_cycles cycles; the result is
 *             rounded down to the integer GOGC that is applied -> value
 *
 * Laws:
 *   dual-factor    100 + clamp(QPS/500*10, 0, 30) - clamp((MiB/s - 20)*2, 0, 40),
 *                  every constant a config field; no memory budget.
 *   memory-target  solve goal = live + (live + roots)*GOGC/100 (and Go's
 *                  minimum goal 4 MiB*GOGC/100) so that the projected peak
 *                  goal*(1 + overshoot) equals the budget
 *                  limit*ratio - non-heap - headroom.
 *   cpu-target     GC CPU is proportional to 1/GOGC, so with k = measured CPU
 *                  / time-mean of 1/GOGC over the feature window the GOGC that
 *                  gives the target is k/target (multiplicative update that
 *                  does not double count the window's lag); bounded by budget.
 *   adaptive       economy (max of cpu-target and dual-factor by default)
 *                  bounded by the memory budget, with two rules of its own
 *                  when the caller applies the recommended runtime memory
 *                  limit (recommend_limit, the Go package's default):
 *                  SPARE     with a known budget and no suspected leak the
 *                            value is at least the memory-target value solved
 *                            for the live heap plus a reserve (the live heap
 *                            expected spare_horizon_s ahead: growth slope x
 *                            horizon, or live x (QPS / smoothed QPS - 1) when
 *                            traffic steps up; the reserve decays over the
 *                            horizon, so recurring pulses keep it).  Memory
 *                            the budget allows is spent before GC CPU is; the
 *                            runtime limit (recommended at the budget less the
 *                            measured goal overshoot) caps the heap even when
 *                            the live heap steps up between two cycles, so a
 *                            SPARE rise skips dwell_s and, from the second
 *                            SPARE decision in a row, may rise by
 *                            slew_up_spare up to SPARE_FAST_FILL of the
 *                            budget: the budget's GOGC is reached within two
 *                            GC cycles;
 *                  BACKSTOP  the budget never pulls GOGC below
 *                            min(law, df_base): the runtime limit, which
 *                            re-plans the goal on every cycle with exact
 *                            numbers, takes the peak instead of a low GOGC
 *                            that triggers collections long before the limit.
 * The absolute floor (floor_bytes of runway above live) applies to every
 * mode but dual-factor.  Unknown inputs hold the value (HOLD_UNKNOWN); in
 * adaptive mode an unknown economy holds only the economy part while the
 * budget still bounds it.  A steadily rising live heap is reported (LEAK)
 * and, unless leak_chase is set, GOGC is not lowered further once chasing
 * it costs more than twice the target GC CPU.
 * Every number is checked for finiteness; the value never leaves [min, max]
 * (or stays at the caller's "off" value, which is never changed).
 */
#include "common.h"
#include "estimators.h"
#include "gogc.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define GOGC_HIST 32   /* recent GOGC changes, for the CPU law's window mean */
#define GOGC_LEAK 64   /* recent (t, live) samples, one per leak_window_s/32 */
#define MIB 1048576.0
#define GO_HEAP_MIN (4.0 * MIB) /* Go's heapMinimum at GOGC=100 */
#define BIG 1e12               /* stands in for "no bound" */
#define SPARE_FAST_FILL 0.9    /* fast spare slew: up to this share of the budget */
#define LIMIT_OVERSHOOT 0.02   /* least overshoot allowed for in the recommended limit */

/* Raw feature readings of one step (unknown: known bit clear). */
typedef struct inputs {
  uint32_t known; /* bit GCPULSE_FEAT_x */
  double qps, growth, live, goal, roots, cpu, rss, after, before, limit;
} inputs;

/* What the limiters need about the memory budget. */
typedef struct budget {
  int known;
  double live, roots, nonheap, overshoot, bytes;
} budget;

struct gcpulse__gogc {
  gcpulse_gogc_config_t cfg;
  double window_s;   /* the feature window (GC CPU is measured over it) */
  double cur;        /* GOGC in force */
  int started;
  int decided;       /* a decision was taken since the (re)start */
  double last_t, last_dec_t;
  int have_change;
  double last_change_t;
  uint64_t cycles, cycles_at_change;
  int last_dir;
  int pinned;
  int reset_pending;
  gcpulse__ewma qps, growth, live, cpu, nonheap, overshoot; /* estimators.c */
  /* QPS mean since the last decision (sample-and-hold of LAST) */
  double qps_area, qps_span;
  /* 1/GOGC history: changes in chronological order, ring */
  double hist_t[GOGC_HIST], hist_inv[GOGC_HIST];
  int hist_n, hist_head;
  /* leak detector */
  double leak_t[GOGC_LEAK], leak_live[GOGC_LEAK];
  int leak_n, leak_head;
  int leak;
  double leak_hold;
  /* non-heap guard after a rise: the heap peak the rise was decided on */
  int rise_guard;
  double rise_peak;
  /* SPARE at the previous decision (the fast spare slew needs two in a row) */
  int spare_prev;
  /* SPARE live-heap reserve in force and when it was taken */
  double reserve, reserve_t;
};

/* ---------------------------------------------------------------------
 * Configuration
 * --------------------------------------------------------------------- */

static int bad(gcpulse_error_t *err, const char *path, const char *what) {
  return gcpulse__error(err, GCPULSE_ECONFIG, path, "%s", what);
}

/* Cross-field checks of cfg->gogc (each value's own range is checked by
 * the configuration table, config.h, before this runs). */
int gcpulse__gogc_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) {
  const gcpulse_gogc_config_t *c = &cfg->gogc;
  if (c->max < c->min)
    return bad(err, "gogc.max", "must be >= gogc.min");
  if (c->initial >= 0 && (c->initial < c->min || c->initial > c->max))
    return bad(err, "gogc.initial",
               "must be < 0 (GOGC=off) or within [gogc.min, gogc.max]");
  return 0;
}

size_t gcpulse__gogc_size(const gcpulse_config_t *cfg) {
  (void)cfg;
  return sizeof(struct gcpulse__gogc);
}

/* The integer GOGC a double stands for (rounded down: less memory). */
static double whole(double g) { return g < 0 ? g : floor(g + 1e-9); }

/* Forget stream state; keep the configuration and (when KEEP_VALUE) the
 * value in force. */
static void clear_state(gcpulse__gogc *c, int keep_value) {
  double cur = c->cur;
  gcpulse_gogc_config_t cfg = c->cfg;
  double window_s = c->window_s;
  memset(c, 0, sizeof *c);
  c->cfg = cfg;
  c->window_s = window_s;
  c->cur = keep_value ? cur : whole(cfg.initial);
}

void gcpulse__gogc_init(gcpulse__gogc *c, const gcpulse_config_t *cfg) {
  memset(c, 0, sizeof *c);
  c->cfg = cfg->gogc;
  c->window_s = isfinite(cfg->window_s) && cfg->window_s > 0 ? cfg->window_s
                                                            : 60.0;
  c->cur = whole(cfg->gogc.initial);
}

double gcpulse__gogc_current(const gcpulse__gogc *c) { return c->cur; }

void gcpulse__gogc_reset(gcpulse__gogc *c) { clear_state(c, 0); }

void gcpulse__gogc_window_reset(gcpulse__gogc *c) {
  /* the process keeps the GOGC it was given; everything measured goes */
  uint64_t cycles = c->cycles, at_change = c->cycles_at_change;
  int have_change = c->have_change, last_dir = c->last_dir;
  double last_change_t = c->last_change_t;
  clear_state(c, 1);
  c->cycles = cycles;
  c->cycles_at_change = at_change;
  c->have_change = have_change;
  c->last_change_t = last_change_t;
  c->last_dir = last_dir;
  c->reset_pending = 1;
}

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

static double clampd(double x, double lo, double hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

static double maxd(double a, double b) { return a > b ? a : b; }
static double mind(double a, double b) { return a < b ? a : b; }

/* Smooth X at time T with the shared EWMA (time constant TAU s; 0 = none);
 * returns the smoothed value. */
static double smooth(gcpulse__ewma *e, double x, double t, double tau) {
  if (tau > 0 && e->n > 0 && t >= e->t) {
    gcpulse__ewma_add(e, x, t, gcpulse__ewma_alpha(t - e->t, tau));
    if (isfinite(e->mean)) return e->mean;
  }
  memset(e, 0, sizeof *e);
  gcpulse__ewma_add(e, x, t, 0.0);
  return x;
}

/* The smoothed value, or X when nothing was smoothed yet. */
static double smoothed(const gcpulse__ewma *e, double x) {
  return e->n > 0 ? e->mean : x;
}

/* Read one feature; sets BIT in *KNOWN when it is known, finite and (unless
 * SIGNED) >= 0. */
static double rd(gcpulse__feat_fn feat, const void *fctx, int f, int stat,
                 int is_signed, uint32_t *known) {
  double v = 0;
  if (feat(fctx, f, stat, &v) != 0 || !isfinite(v) || (!is_signed && v < 0))
    return 0;
  if (fabs(v) > 1e18) return 0;
  *known |= 1u << f;
  return v;
}

#define KNOWN(in, f) (((in)->known >> (f)) & 1u)

static void gather(gcpulse__feat_fn feat, const void *fctx, inputs *in) {
  static const struct { int f, is_signed; size_t off; } tab[] = {
      {GCPULSE_FEAT_HEAP_GROWTH, 1, offsetof(inputs, growth)},
      {GCPULSE_FEAT_HEAP_LIVE, 0, offsetof(inputs, live)},
      {GCPULSE_FEAT_HEAP_GOAL, 0, offsetof(inputs, goal)},
      {GCPULSE_FEAT_HEAP_ROOTS, 0, offsetof(inputs, roots)},
      {GCPULSE_FEAT_GC_CPU_FRACTION, 0, offsetof(inputs, cpu)},
      {GCPULSE_FEAT_RSS, 0, offsetof(inputs, rss)},
      {GCPULSE_FEAT_HEAP_AFTER, 0, offsetof(inputs, after)},
      {GCPULSE_FEAT_HEAP_BEFORE, 0, offsetof(inputs, before)},
      {GCPULSE_FEAT_MEMORY_LIMIT, 0, offsetof(inputs, limit)},
  };
  memset(in, 0, sizeof *in);
  for (size_t i = 0; i < GCPULSE__COUNTOF(tab); i++) {
    double v = rd(feat, fctx, tab[i].f, GCPULSE_STAT_VALUE, tab[i].is_signed,
                  &in->known);
    memcpy((char *)in + tab[i].off, &v, sizeof v);
  }
  if (in->limit <= 0) in->known &= ~(1u << GCPULSE_FEAT_MEMORY_LIMIT);
}

/* Heap (Go's view) at the last cycle's peak: what RSS is compared with. */
static double heap_peak(const inputs *in) {
  double h = 0;
  if (KNOWN(in, GCPULSE_FEAT_HEAP_AFTER)) h = maxd(h, in->after);
  if (KNOWN(in, GCPULSE_FEAT_HEAP_BEFORE)) h = maxd(h, in->before);
  if (h <= 0 && KNOWN(in, GCPULSE_FEAT_HEAP_GOAL)) h = in->goal;
  if (h <= 0) h = in->live;
  return h;
}

/* Non-heap memory: RSS beyond the heap peak (the larger of the latest and
 * the smoothed value).  After a rise, until the features show a GC cycle
 * with a new heap peak, RSS grows with the heap towards the new goal while
 * the last cycle's peak is the old one: that growth is not non-heap memory
 * (it would shrink the budget and reverse the rise), so the estimate may
 * not increase meanwhile. */
static double nonheap(gcpulse__gogc *c, const inputs *in, double t,
                      int update) {
  if (!KNOWN(in, GCPULSE_FEAT_RSS)) return 0;
  double nh = maxd(0, in->rss - heap_peak(in));
  if (c->rise_guard && heap_peak(in) == c->rise_peak && c->nonheap.n > 0 &&
      nh > c->nonheap.mean)
    nh = c->nonheap.mean;
  double s = update ? smooth(&c->nonheap, nh, t, c->cfg.ewma_tau_s)
                    : smoothed(&c->nonheap, nh);
  return maxd(nh, s);
}

/* Budget from the raw inputs and the smoothed state (conservative: the
 * larger of the latest and smoothed live, non-heap and overshoot).  When
 * UPDATE, the EWMAs take the new samples at time T. */
static void make_budget(gcpulse__gogc *c, const inputs *in, double t,
                        int update, budget *b) {
  memset(b, 0, sizeof *b);
  double tau = c->cfg.ewma_tau_s;
  if (!KNOWN(in, GCPULSE_FEAT_HEAP_LIVE)) return;
  double ls = update ? smooth(&c->live, in->live, t, tau)
                     : smoothed(&c->live, in->live);
  b->live = maxd(in->live, ls);
  b->roots = KNOWN(in, GCPULSE_FEAT_HEAP_ROOTS) ? in->roots : 0;
  b->nonheap = nonheap(c, in, t, update);
  double os = 0;
  if (KNOWN(in, GCPULSE_FEAT_HEAP_AFTER) && KNOWN(in, GCPULSE_FEAT_HEAP_GOAL) &&
      in->goal > 0) {
    os = clampd(in->after / in->goal - 1.0, 0, 1);
    double s = update ? smooth(&c->overshoot, os, t, tau)
                      : smoothed(&c->overshoot, os);
    os = maxd(os, s);
  } else if (c->overshoot.n > 0) {
    os = c->overshoot.mean;
  }
  b->overshoot = os;
  if (!KNOWN(in, GCPULSE_FEAT_MEMORY_LIMIT)) return;
  b->known = 1;
  b->bytes = maxd(0, in->limit * c->cfg.limit_ratio - b->nonheap -
                         c->cfg.headroom);
}

/* Go's heap goal at GOGC G (>= 0) and the projected peak. */
static double goal_at(const budget *b, double g) {
  return maxd(b->live + (b->live + b->roots) * g / 100.0,
              GO_HEAP_MIN * g / 100.0);
}
static double peak_at(const budget *b, double g) {
  return goal_at(b, g) * (1.0 + b->overshoot);
}

/* Largest GOGC whose projected peak fits the budget (may be < 0). */
static double budget_gogc(const budget *b) {
  double target = b->bytes / (1.0 + b->overshoot);
  double g = BIG;
  double base = b->live + b->roots;
  if (base > 0) g = (target - b->live) / base * 100.0;
  g = mind(g, target / GO_HEAP_MIN * 100.0);
  return isfinite(g) ? g : 0;
}

/* GOGC giving the absolute runway floor_bytes above live. */
static double floor_gogc(const gcpulse__gogc *c, const budget *b) {
  double base = b->live + b->roots;
  if (c->cfg.floor_bytes <= 0) return 0;
  if (base <= 0) return BIG;
  return c->cfg.floor_bytes / base * 100.0;
}

/* Live-heap reserve of the SPARE rule: the live heap expected
 * spare_horizon_s ahead, minus the live heap now (0 without a horizon).
 * Two signs of a rising live heap, the larger wins: the positive slope of
 * the post-GC heap (GROWTH, bytes/s) times the horizon, and QPS above its
 * smoothed value (QPS_NOW / QPS_SMOOTH > 1 + dead-band) scaling the live
 * heap in proportion (request-scoped and cached memory follow traffic, and
 * QPS leads the live heap's slope by a window).  0 when nothing rises. */
static double spare_reserve(const gcpulse__gogc *c, const budget *b,
                            double growth, double qps_now, double qps_smooth) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  double h = k->spare_horizon_s;
  double r = 0;
  if (!(h > 0)) return 0;
  if (growth > 0 && isfinite(growth)) r = growth * h;
  if (qps_smooth > 0 && qps_now > qps_smooth * (1 + k->deadband)) {
    double ratio = mind(qps_now / qps_smooth, 100.0);
    r = maxd(r, b->live * (ratio - 1.0));
  }
  return isfinite(r) && r > 0 ? r : 0;
}

/* GOGC of the SPARE rule: the budget's GOGC with RESERVE added to the live
 * heap and the budget scaled by FILL. */
static double spare_gogc(const budget *b, double reserve, double fill) {
  budget p = *b;
  p.live += reserve;
  p.bytes *= fill;
  return budget_gogc(&p);
}

/* Adaptive mode with the runtime memory limit applied by the caller: the
 * budget does not pull GOGC below this value (BIG-negative when off). */
static double backstop_floor(const gcpulse__gogc *c) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  if (k->mode != GCPULSE_GOGC_ADAPTIVE || !k->recommend_limit) return -BIG;
  return clampd(k->df_base, k->min, k->max);
}

/* Time-weighted mean of 1/GOGC over the last window_s before T. */
static double mean_inv(const gcpulse__gogc *c, double t) {
  double w = c->window_s;
  if (c->hist_n == 0 || w <= 0) return 1.0 / c->cur;
  double start = t - w, seg_end = t, area = 0;
  int i = 0;
  double oldest_inv = 1.0 / c->cur;
  for (; i < c->hist_n; i++) {
    int k = (c->hist_head - 1 - i + 2 * GOGC_HIST) % GOGC_HIST;
    double ts = maxd(c->hist_t[k], start);
    if (seg_end > ts) area += c->hist_inv[k] * (seg_end - ts);
    oldest_inv = c->hist_inv[k];
    if (c->hist_t[k] <= start) break;
    seg_end = c->hist_t[k];
  }
  if (i == c->hist_n && seg_end > start) area += oldest_inv * (seg_end - start);
  double m = area / w;
  return isfinite(m) && m > 0 ? m : 1.0 / c->cur;
}

static void hist_push(gcpulse__gogc *c, double t, double g) {
  if (!(g > 0)) return;
  c->hist_t[c->hist_head] = t;
  c->hist_inv[c->hist_head] = 1.0 / g;
  c->hist_head = (c->hist_head + 1) % GOGC_HIST;
  if (c->hist_n < GOGC_HIST) c->hist_n++;
}

/* Add a live sample at T; return 1 when the recent live heap rises steadily:
 * the samples span >= leak_window_s, the least-squares fit explains >= 80 %
 * of the variance, and the fitted rise over the span is >= leak_min_growth
 * of the fitted start; a reported leak stays while the fitted slope is
 * positive and explains >= 50 %. */
static int leak_update(gcpulse__gogc *c, double t, double live) {
  c->leak_t[c->leak_head] = t;
  c->leak_live[c->leak_head] = live;
  c->leak_head = (c->leak_head + 1) % GOGC_LEAK;
  if (c->leak_n < GOGC_LEAK) c->leak_n++;
  double newest = t, span_need = c->cfg.leak_window_s;
  /* use the samples within the leak window (at least the window's span) */
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, n = 0, oldest = t;
  for (int i = 0; i < c->leak_n; i++) {
    int k = (c->leak_head - 1 - i + 2 * GOGC_LEAK) % GOGC_LEAK;
    double x = c->leak_t[k] - newest, y = c->leak_live[k] / MIB;
    sx += x, sy += y, sxx += x * x, sxy += x * y, syy += y * y, n += 1;
    oldest = c->leak_t[k];
    if (newest - oldest >= span_need) break;
  }
  double span = newest - oldest;
  if (n < 5 || span < span_need) return 0;
  double vx = sxx - sx * sx / n, vy = syy - sy * sy / n,
         cxy = sxy - sx * sy / n;
  if (!(vx > 0) || !(vy > 0)) return 0;
  double slope = cxy / vx;             /* MiB per second */
  double r2 = cxy * cxy / (vx * vy);
  double start = sy / n - slope * (sx / n) - slope * span; /* fit at oldest */
  if (!(slope > 0) || !(start > 0)) return 0;
  /* once reported, a leak stays while the live heap keeps rising (the
   * relative rise over a fixed window shrinks as the heap grows) */
  if (c->leak) return r2 >= 0.5;
  return r2 >= 0.8 && slope * span / start >= c->cfg.leak_min_growth;
}

/* ---------------------------------------------------------------------
 * The decision: one pass through the stages
 * --------------------------------------------------------------------- */

#define R(x) (1u << GCPULSE_GR_##x)

/* Everything one decision works with, filled stage by stage. */
typedef struct gogc_pass {
  double t, cur;
  inputs in;
  budget b;
  double qps, qps_before, growth, cpu; /* smoothed inputs */
  double df, q_term, g_term;           /* dual-factor law and its terms */
  double cpu_g;                        /* cpu-target law */
  int cpu_known, uses_budget;
  int hold, off, urgent;
  int budget_binds, econ_wants_more, backstop_held, leak_held;
  double spare_fast; /* the fast spare slew applies up to this value */
  uint32_t why;
  double raw, after_bounds, after_slew, after_deadband, value;
} gogc_pass;

/* Stage observe: read the features, smooth them, make the budget, sample
 * the leak detector. */
static void observe(gcpulse__gogc *c, gcpulse__feat_fn feat, const void *fctx,
                    double t, gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  inputs *in = &p->in;
  gather(feat, fctx, in);
  /* QPS: mean since the last decision from the LAST samples, else the
   * window's value */
  if (c->qps_span > 0) {
    in->qps = c->qps_area / c->qps_span;
    in->known |= 1u << GCPULSE_FEAT_QPS;
  } else {
    in->qps = rd(feat, fctx, GCPULSE_FEAT_QPS, GCPULSE_STAT_VALUE, 0, &in->known);
  }
  c->qps_area = c->qps_span = 0;
  double tau = k->ewma_tau_s;
  p->qps_before = smoothed(&c->qps, 0);
  if (KNOWN(in, GCPULSE_FEAT_QPS)) p->qps = smooth(&c->qps, in->qps, t, tau);
  if (KNOWN(in, GCPULSE_FEAT_HEAP_GROWTH))
    p->growth = smooth(&c->growth, in->growth, t, tau);
  if (KNOWN(in, GCPULSE_FEAT_GC_CPU_FRACTION))
    p->cpu = smooth(&c->cpu, in->cpu, t, tau);
  make_budget(c, in, t, 1, &p->b);
  if (c->rise_guard && heap_peak(in) != c->rise_peak) c->rise_guard = 0;
  if (c->reset_pending) p->why |= R(RESET);
  c->reset_pending = 0;
  /* leak detector: one live sample per leak_window_s / 32 */
  if (KNOWN(in, GCPULSE_FEAT_HEAP_LIVE) &&
      (c->leak_n == 0 ||
       t - c->leak_t[(c->leak_head + GOGC_LEAK - 1) % GOGC_LEAK] >=
           k->leak_window_s / 32))
    c->leak = leak_update(c, t, in->live);
  if (c->leak) p->why |= R(LEAK);
}

/* The economy of the adaptive mode (cpu-target and/or dual-factor);
 * returns 0 when neither is known. */
static int economy(const gcpulse__gogc *c, const gogc_pass *p, double *econ) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  int have = 0;
  if (k->adaptive_economy != GCPULSE_GOGC_ECONOMY_DF && p->cpu_known) {
    *econ = maxd(p->cpu_g, k->df_base);
    have = 1;
  }
  if (k->adaptive_economy != GCPULSE_GOGC_ECONOMY_CPU &&
      KNOWN(&p->in, GCPULSE_FEAT_QPS)) {
    *econ = have ? maxd(*econ, p->df) : p->df;
    have = 1;
  }
  return have;
}

/* SPARE (adaptive, runtime limit applied): at least the budget's value for
 * the live heap plus its reserve. */
static void spare(gcpulse__gogc *c, gogc_pass *p) {
  const inputs *in = &p->in;
  /* growth: the larger of the latest and smoothed slope (a rise shows at
   * once); QPS: the mean since the last decision against the smoothed one */
  double gr = 0;
  if (KNOWN(in, GCPULSE_FEAT_HEAP_GROWTH)) gr = maxd(in->growth, p->growth);
  double qn = KNOWN(in, GCPULSE_FEAT_QPS) ? in->qps : 0;
  double reserve = spare_reserve(c, &p->b, gr, qn, p->qps_before);
  double h = c->cfg.spare_horizon_s;
  /* a reserve is held for the horizon, then decays over it: recurring
   * pulses renew it before it goes (no hunting on a square wave) */
  double age = p->t - c->reserve_t;
  double kept = h > 0 && c->reserve > 0 && age >= 0
                    ? c->reserve * (age <= h ? 1.0 : exp(-(age - h) / h)) : 0;
  if (isfinite(kept) && kept > reserve) {
    /* the older, larger reserve is held, then decays; a new rise of at
     * least half of it (the next pulse of a train) renews its hold */
    if (reserve >= 0.5 * kept) {
      c->reserve = kept;
      c->reserve_t = p->t;
    }
    reserve = kept;
  } else {
    c->reserve = reserve;
    c->reserve_t = p->t;
  }
  double sg = spare_gogc(&p->b, reserve, 1.0);
  if (sg > p->raw) {
    p->raw = sg;
    p->why |= R(SPARE);
    if (c->spare_prev) p->spare_fast = spare_gogc(&p->b, reserve, SPARE_FAST_FILL);
  }
}

/* Stage law: the mode's law -> raw (or hold). */
static void law(gcpulse__gogc *c, gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  const inputs *in = &p->in;
  if (KNOWN(in, GCPULSE_FEAT_QPS))
    p->q_term = clampd(p->qps / k->df_qps_step * k->df_step_gain, 0, k->df_qps_cap);
  if (KNOWN(in, GCPULSE_FEAT_HEAP_GROWTH))
    p->g_term = clampd((p->growth / MIB - k->df_growth_threshold) * k->df_growth_gain,
                       0, k->df_growth_cap);
  p->df = k->df_base + p->q_term - p->g_term;
  p->cpu_known = KNOWN(in, GCPULSE_FEAT_GC_CPU_FRACTION) && p->cur > 0;
  if (p->cpu_known) {
    p->cpu_g = p->cpu / (mean_inv(c, p->t) * k->cpu_target);
    if (!isfinite(p->cpu_g)) p->cpu_g = BIG;
    if (p->cpu > k->cpu_target * (1 + k->deadband)) p->why |= R(CPU_HIGH);
    else if (p->cpu < k->cpu_target * (1 - k->deadband)) p->why |= R(CPU_LOW);
  }
  int limit_unusable = KNOWN(in, GCPULSE_FEAT_MEMORY_LIMIT) && !p->b.known;
  p->uses_budget = k->mode != GCPULSE_GOGC_DUAL_FACTOR;
  p->raw = p->cur;
  int df_shown = 0;
  switch (k->mode) {
  case GCPULSE_GOGC_DUAL_FACTOR:
    p->hold = !KNOWN(in, GCPULSE_FEAT_QPS) || !KNOWN(in, GCPULSE_FEAT_HEAP_GROWTH);
    if (!p->hold) p->raw = p->df, p->econ_wants_more = df_shown = 1;
    break;
  case GCPULSE_GOGC_MEMORY_TARGET:
    p->hold = !p->b.known;
    if (!p->hold) p->raw = budget_gogc(&p->b), p->budget_binds = 1;
    break;
  case GCPULSE_GOGC_CPU_TARGET:
    p->hold = !p->cpu_known || limit_unusable;
    if (!p->hold) p->raw = p->cpu_g, p->econ_wants_more = 1;
    break;
  case GCPULSE_GOGC_ADAPTIVE: {
    double econ = 0;
    int have = economy(c, p, &econ);
    if (limit_unusable) {
      p->hold = 1; /* a limit exists but the live heap is unknown */
    } else if (!have) {
      p->why |= R(HOLD_UNKNOWN); /* economy held; the budget still bounds it */
      econ = p->cur > 0 ? p->cur : k->df_base;
      p->hold = !p->b.known;
    } else {
      p->econ_wants_more = 1;
      df_shown = k->adaptive_economy != GCPULSE_GOGC_ECONOMY_CPU &&
                 KNOWN(in, GCPULSE_FEAT_QPS) && econ == p->df;
    }
    p->raw = econ;
    if (!p->hold && p->b.known && !c->leak && k->recommend_limit) spare(c, p);
    break;
  }
  default:
    p->hold = 1;
    break;
  }
  if (!p->hold && df_shown && !(p->why & R(SPARE))) {
    if (p->q_term > 0) p->why |= R(QPS_RELAX);
    if (p->g_term > 0) p->why |= R(GROWTH_TIGHTEN);
  }
  if (!isfinite(p->raw)) p->raw = p->hold ? p->cur : k->max;
  p->raw = clampd(p->raw, -BIG, BIG);
}

/* A leak is chased while it is cheap: once GC CPU exceeds twice the target
 * the value in force becomes a floor (fail fast instead of a death
 * spiral).  Returns the bounded V. */
static double leak_floor(gcpulse__gogc *c, gogc_pass *p, double v) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  if (!c->leak) c->leak_hold = 0;
  if (!c->leak || k->leak_chase || p->hold || p->cur <= 0) return v;
  if (c->leak_hold <= 0 && p->cpu_known && p->cpu > 2.0 * k->cpu_target)
    c->leak_hold = p->cur;
  if (c->leak_hold > 0 && v < c->leak_hold) {
    p->leak_held = 1;
    return clampd(c->leak_hold, k->min, k->max);
  }
  return v;
}

/* Stage bounds: memory budget (or the backstop), absolute floor,
 * [min, max], leak hold -> after_bounds. */
static void bounds(gcpulse__gogc *c, gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  double v = p->raw;
  if (!p->hold && p->uses_budget && p->b.known) {
    double bg = budget_gogc(&p->b);
    if (k->mode != GCPULSE_GOGC_MEMORY_TARGET && bg < v) {
      v = bg;
      p->budget_binds = 1;
      double fl = mind(p->raw, backstop_floor(c));
      if (fl > v) {
        /* the runtime limit backstop takes the peak below this value */
        v = fl;
        p->backstop_held = 1;
        p->why |= R(BACKSTOP);
      }
    }
    if (p->budget_binds) p->why |= R(BUDGET);
  }
  if (!p->hold && p->uses_budget && KNOWN(&p->in, GCPULSE_FEAT_HEAP_LIVE)) {
    double fg = floor_gogc(c, &p->b);
    if (fg > v) {
      v = fg;
      p->why |= R(FLOOR);
    }
  }
  if (!p->hold) {
    if (v < k->min) p->why |= R(CLAMP_MIN);
    if (v > k->max) p->why |= R(CLAMP_MAX);
    v = clampd(v, k->min, k->max);
  }
  v = leak_floor(c, p, v);
  p->after_bounds = p->hold ? p->cur : v;
  p->off = p->cur < 0; /* GOGC=off: never changed */
  if (p->off) {
    p->why |= R(GOGC_OFF);
    p->after_bounds = p->cur;
  }
  if (p->hold) p->why |= R(HOLD_UNKNOWN);
}

/* Stage slew: rise by at most slew_up (slew_up_spare for a SPARE rise the
 * budget covers with margin); drop by at most slew_down unless urgent. */
static void slew(gcpulse__gogc *c, gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  double s = p->after_bounds, cur = p->cur;
  if (!p->off && !p->hold) {
    if (p->b.known && p->uses_budget && s < cur &&
        peak_at(&p->b, cur) >= k->urgent_ratio * p->b.bytes) {
      p->urgent = 1;
      p->why |= R(BUDGET_URGENT);
    }
    double up = cur * (1 + k->slew_up);
    if ((p->why & R(SPARE)) && p->spare_fast > up)
      up = maxd(up, mind(p->spare_fast, cur * (1 + k->slew_up_spare)));
    if (s > up) {
      s = up;
      p->why |= R(SLEW_UP);
    } else if (!p->urgent && s < cur * (1 - k->slew_down)) {
      s = cur * (1 - k->slew_down);
      p->why |= R(SLEW_DOWN);
    }
    s = clampd(s, k->min, k->max);
  }
  p->after_slew = s;
}

/* Stage dead-band: changes smaller than deadband x current are dropped. */
static void deadband(gcpulse__gogc *c, gogc_pass *p) {
  double s = p->after_slew;
  if (!p->off && !p->hold && !p->urgent && s != p->cur &&
      fabs(s - p->cur) < c->cfg.deadband * p->cur) {
    s = p->cur;
    p->why |= R(DEADBAND);
  }
  p->after_deadband = s;
}

/* Stage dwell: a change waits dwell_cycles GC cycles after the last one,
 * and dwell_s seconds unless it is an urgent drop or a SPARE rise (the
 * runtime limit backstops those); the value is the integer applied. */
static void dwell(gcpulse__gogc *c, gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  /* the integer below (less memory), but a slew-limited drop stays
   * within its slew bound */
  double s = whole(p->after_deadband);
  if (!p->urgent && s < p->cur * (1 - k->slew_down) - 1e-9)
    s = ceil(p->after_deadband - 1e-9);
  if (!p->off && !p->hold) s = clampd(s, ceil(k->min), floor(k->max));
  /* a SPARE rise continuing a rise skips dwell_s; a reversal never does */
  int spare_rise = (p->why & R(SPARE)) && s > p->cur && c->last_dir > 0;
  if (!p->off && !p->hold && !p->urgent && s != p->cur && c->have_change &&
      ((!spare_rise && p->t - c->last_change_t < k->dwell_s) ||
       c->cycles - c->cycles_at_change < (uint64_t)k->dwell_cycles)) {
    s = p->cur;
    p->why |= R(DWELL);
  }
  p->value = isfinite(s) ? s : p->cur;
}

/* Pinned: decisions in a row at a bound that tuning cannot leave. */
static void note_pinned(gcpulse__gogc *c, gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  if (!p->off && !p->hold) {
    int at_min = p->value <= k->min &&
                 (p->raw <= k->min || (p->after_bounds <= k->min && p->budget_binds));
    /* at the top bound, tuning has run out only if GC CPU is still above
     * target there (a CPU-bound service); a SPARE rise to max just means
     * memory is plentiful, which is no reason to scale */
    int at_max = p->value >= floor(k->max) && p->econ_wants_more &&
                 p->raw >= k->max && (p->why & R(CPU_HIGH)) != 0;
    if (at_min || at_max || p->leak_held || p->backstop_held) {
      if (c->pinned < INT32_MAX) c->pinned++;
    } else {
      c->pinned = 0;
    }
  }
  if (c->pinned >= k->pinned_after) p->why |= R(PINNED);
  c->spare_prev = (p->why & R(SPARE)) != 0;
}

/* The runtime memory limit to recommend (0 = none).  The runtime plans
 * the goal at the limit and the heap overshoots the goal as it does below
 * it: the limit is the budget less the measured overshoot (at least
 * LIMIT_OVERSHOOT) so that the peak fits the budget (SPARE relies on it);
 * runway for min GOGC may use the headroom, never more than the limit
 * itself leaves for the heap. */
static double limit_to_recommend(const gcpulse__gogc *c, const gogc_pass *p) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  const budget *b = &p->b;
  if (!k->recommend_limit || !b->known) return 0;
  double need = 0;
  if (b->live > 0)
    need = b->live + maxd((b->live + b->roots) * k->min / 100.0, k->floor_bytes);
  return maxd(b->bytes / (1.0 + maxd(b->overshoot, LIMIT_OVERSHOOT)),
              mind(need, p->in.limit - b->nonheap));
}

static void fill_decision(const gcpulse__gogc *c, const gogc_pass *p,
                   gcpulse_gogc_decision_t *d) {
  memset(d, 0, sizeof *d);
  d->t = p->t;
  d->mode = c->cfg.mode;
  d->previous = p->cur;
  d->inputs_known = p->in.known & ~(1u << GCPULSE_FEAT_MEMORY_LIMIT);
  if (p->b.known) d->inputs_known |= 1u << GCPULSE_FEAT_MEMORY_LIMIT;
  d->qps = p->qps;
  d->growth_bps = p->growth;
  d->live_bytes = p->b.live;
  d->goal_bytes = p->in.goal;
  d->stacks_globals_bytes = p->b.roots;
  d->gc_cpu_fraction = p->cpu;
  d->budget_bytes = p->b.bytes;
  d->recommended_limit = limit_to_recommend(c, p);
  d->raw = p->raw;
  d->after_bounds = p->after_bounds;
  d->after_slew = p->after_slew;
  d->after_deadband = p->after_deadband;
  d->after_dwell = p->value;
  d->value = p->value;
  d->changed = p->value != p->cur;
  d->projected_peak_bytes =
      (p->b.known || KNOWN(&p->in, GCPULSE_FEAT_HEAP_LIVE)) && p->value > 0
          ? peak_at(&p->b, p->value) : 0;
  d->reasons = p->why;
  d->pinned = c->pinned;
}

/* Apply the decision to the state and the counters. */
static void commit(gcpulse__gogc *c, const gogc_pass *p, gcpulse_stats_t *st) {
  gcpulse__inc(&st->gogc_decisions);
  c->decided = 1;
  c->last_dec_t = p->t;
  if (p->value == p->cur) return;
  double delta = p->value - p->cur;
  int dir = delta > 0 ? 1 : -1;
  gcpulse__inc(&st->gogc_changes);
  st->gogc_total_variation += fabs(delta);
  if (c->last_dir != 0 && dir != c->last_dir) gcpulse__inc(&st->gogc_reversals);
  c->last_dir = dir;
  c->have_change = 1;
  c->last_change_t = p->t;
  c->cycles_at_change = c->cycles;
  c->cur = p->value;
  hist_push(c, p->t, p->value);
  c->rise_guard = dir > 0;
  c->rise_peak = heap_peak(&p->in);
}

static void decide(gcpulse__gogc *c, gcpulse__feat_fn feat, const void *fctx,
                   double t, gcpulse_gogc_decision_t *d, gcpulse_stats_t *st) {
  gogc_pass p;
  memset(&p, 0, sizeof p);
  p.t = t;
  p.cur = c->cur;
  p.spare_fast = -BIG;
  observe(c, feat, fctx, t, &p);
  law(c, &p);
  bounds(c, &p);
  slew(c, &p);
  deadband(c, &p);
  dwell(c, &p);
  note_pinned(c, &p);
  fill_decision(c, &p, d);
  commit(c, &p, st);
}

int gcpulse__gogc_step(gcpulse__gogc *c, gcpulse__feat_fn feat,
                       const void *fctx, double t, int new_cycle,
                       gcpulse_gogc_decision_t *out, gcpulse_stats_t *st) {
  if (c == NULL || feat == NULL || out == NULL || st == NULL)
    return GCPULSE_EINVAL;
  if (!isfinite(t) || c->cfg.mode == GCPULSE_GOGC_OFF) return 0;
  if (!c->started || t < c->last_t) {
    /* first call, or the clock went back (a restart): re-anchor; the first
     * decision comes with the next GC cycle */
    c->started = 1;
    c->decided = 0;
    c->last_t = t;
    c->qps_area = c->qps_span = 0;
    if (c->hist_n == 0 && c->cur > 0) hist_push(c, t, c->cur);
    if (c->have_change && c->last_change_t > t) c->last_change_t = t;
  }
  /* QPS since the last decision: each interval takes the latest sample */
  uint32_t qk = 0;
  double q = rd(feat, fctx, GCPULSE_FEAT_QPS, GCPULSE_STAT_LAST, 0, &qk);
  if (qk && t > c->last_t) {
    c->qps_area += q * (t - c->last_t);
    c->qps_span += t - c->last_t;
  }
  c->last_t = t;
  if (new_cycle && c->cycles != UINT64_MAX) c->cycles++;
  int due = new_cycle || (c->decided && t - c->last_dec_t >= c->cfg.period_s);
  if (!due) return 0;
  decide(c, feat, fctx, t, out, st);
  return 1;
}

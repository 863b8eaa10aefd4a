/*
 * gogc.c — the dynamic GOGC controller.
 *
 * Design.  The controller is a pure function of the window's features and
 * its own small state: no clock, no I/O, no allocation.  The instance calls
 * gcpulse__gogc_step() after every event, metric and tick with the event
 * time; a decision is due every period_s of that time (the first one
 * period_s after the first call), and early, on a GC cycle, when the
 * projected peak heap at the current GOGC already exceeds the memory budget.
 *
 * One decision is a pipeline whose every stage is reported:
 *
 *   inputs ──► EWMA ──► law (mode) ──► raw
 *   raw ──► memory budget / absolute floor / [min, max] / leak hold ──► after_bounds
 *       ──► slew (rise slowly; drop fast when urgent) ──► after_slew
 *       ──► dead-band ──► after_deadband ──► dwell (seconds and cycles) ──► value
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
 *                  bounded by the memory budget, with two rules of its own:
 *                  SPARE     with the runtime limit applied by the caller
 *                            (recommend_limit), a known budget and no suspected
 *                            leak, the value is at least the memory-target
 *                            value: memory the budget allows is spent before
 *                            GC CPU is (the economy law alone stops rising once
 *                            GC CPU meets its target, and lags); its peak fits
 *                            the budget by construction, and the runtime limit
 *                            (recommended at the budget less the measured goal
 *                            overshoot, at least LIMIT_OVERSHOOT) caps the
 *                            heap even when the live heap steps up between
 *                            two cycles (without that backstop
 *                            a full-budget GOGC could not see such a step in
 *                            time, so the rule is off).  The live heap it is
 *                            solved for carries a reserve while the live heap
 *                            rises: slope x spare_horizon_s (default three
 *                            periods), or live x (QPS /
 *                            smoothed QPS - 1) when traffic steps up; the
 *                            reserve decays over the horizon (recurring pulses
 *                            keep it: no hunting on a square wave).  A SPARE
 *                            rise may use slew_up_spare instead of slew_up when
 *                            the previous decision was SPARE too (hysteresis),
 *                            up to the value whose peak is SPARE_FAST_FILL of
 *                            the budget;
 *                  BACKSTOP  when the caller applies the recommended runtime
 *                            memory limit (recommend_limit), the budget never
 *                            pulls GOGC below min(law, df_base): the runtime
 *                            limit, which re-plans the goal on every cycle with
 *                            exact numbers, takes the peak, instead of a low
 *                            GOGC that triggers collections long before the
 *                            limit (costing CPU and latency in a pulse).
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
#include "gogc.h"

#include <math.h>
#include <string.h>

#define GOGC_HIST 32   /* recent GOGC changes, for the CPU law's window mean */
#define GOGC_LEAK 64   /* recent (t, live) samples, one per period decision */
#define MIB 1048576.0
#define GO_HEAP_MIN (4.0 * MIB) /* Go's heapMinimum at GOGC=100 */
#define BIG 1e12               /* stands in for "no bound" */
#define SPARE_FAST_FILL 0.9    /* fast spare slew: up to this share of the budget */
#define LIMIT_OVERSHOOT 0.02   /* least overshoot allowed for in the recommended limit */

typedef struct ewma {
  double v;
  int have;
} ewma;

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
  double cfg_limit;  /* gcpulse_config.memory_limit */
  double window_s;   /* the feature window (GC CPU is measured over it) */
  double cur;        /* GOGC in force */
  int started;
  double last_t, next_t, ewma_t;
  int have_change;
  double last_change_t;
  uint64_t cycles, cycles_at_change;
  int last_dir;
  int pinned;
  int reset_pending;
  ewma qps, growth, live, cpu, nonheap, overshoot;
  /* QPS mean over the current period (sample-and-hold of LAST) */
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
  /* SPARE live-heap reserve in force and when it was taken (it decays
   * over the horizon, so recurring pulses keep it: no hunting) */
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

/* Forget stream state; keep config copies and (when KEEP_VALUE) the value. */
static void clear_state(gcpulse__gogc *c, int keep_value) {
  double cur = c->cur;
  gcpulse_gogc_config_t cfg = c->cfg;
  double cfg_limit = c->cfg_limit, window_s = c->window_s;
  memset(c, 0, sizeof *c);
  c->cfg = cfg;
  c->cfg_limit = cfg_limit;
  c->window_s = window_s;
  c->cur = keep_value ? cur : cfg.initial;
}

void gcpulse__gogc_init(gcpulse__gogc *c, const gcpulse_config_t *cfg) {
  memset(c, 0, sizeof *c);
  c->cfg = cfg->gogc;
  c->cfg_limit = cfg->memory_limit;
  c->window_s = isfinite(cfg->window_s) && cfg->window_s > 0 ? cfg->window_s
                                                            : 60.0;
  c->cur = cfg->gogc.initial;
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

/* Irregular-interval EWMA; returns the smoothed value. */
static double ewma_add(ewma *e, double x, double dt, double tau) {
  if (!e->have || tau <= 0 || !(dt >= 0)) {
    if (!e->have || tau <= 0) e->v = x;
    e->have = 1;
    return e->v;
  }
  double a = 1.0 - exp(-dt / tau);
  e->v += a * (x - e->v);
  if (!isfinite(e->v)) e->v = x;
  return e->v;
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

static void gather(const gcpulse__gogc *c, gcpulse__feat_fn feat,
                   const void *fctx, inputs *in) {
  memset(in, 0, sizeof *in);
  in->growth = rd(feat, fctx, GCPULSE_FEAT_HEAP_GROWTH, GCPULSE_STAT_VALUE, 1,
                  &in->known);
  in->live = rd(feat, fctx, GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_VALUE, 0,
                &in->known);
  in->goal = rd(feat, fctx, GCPULSE_FEAT_HEAP_GOAL, GCPULSE_STAT_VALUE, 0,
                &in->known);
  in->roots = rd(feat, fctx, GCPULSE_FEAT_HEAP_ROOTS, GCPULSE_STAT_VALUE, 0,
                 &in->known);
  in->cpu = rd(feat, fctx, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE,
               0, &in->known);
  in->rss = rd(feat, fctx, GCPULSE_FEAT_RSS, GCPULSE_STAT_VALUE, 0,
               &in->known);
  in->after = rd(feat, fctx, GCPULSE_FEAT_HEAP_AFTER, GCPULSE_STAT_VALUE, 0,
                 &in->known);
  in->before = rd(feat, fctx, GCPULSE_FEAT_HEAP_BEFORE, GCPULSE_STAT_VALUE, 0,
                  &in->known);
  if (c->cfg_limit > 0) {
    in->limit = c->cfg_limit;
    in->known |= 1u << GCPULSE_FEAT_MEMORY_LIMIT;
  } else {
    in->limit = rd(feat, fctx, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE,
                   0, &in->known);
    if (in->limit <= 0) in->known &= ~(1u << GCPULSE_FEAT_MEMORY_LIMIT);
  }
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

/* Budget from the raw inputs and the smoothed state (conservative: the
 * larger of the latest and smoothed live, non-heap and overshoot).  When
 * UPDATE, the EWMAs take the new samples. */
static void make_budget(gcpulse__gogc *c, const inputs *in, double dt,
                        int update, budget *b) {
  memset(b, 0, sizeof *b);
  double tau = c->cfg.ewma_tau_s;
  if (!KNOWN(in, GCPULSE_FEAT_HEAP_LIVE)) return;
  double live = in->live;
  double ls = update ? ewma_add(&c->live, live, dt, tau)
                     : (c->live.have ? c->live.v : live);
  b->live = maxd(live, ls);
  b->roots = KNOWN(in, GCPULSE_FEAT_HEAP_ROOTS) ? in->roots : 0;
  double nh = 0;
  if (KNOWN(in, GCPULSE_FEAT_RSS)) {
    nh = maxd(0, in->rss - heap_peak(in));
    /* after a rise, until the features show a GC cycle with a new heap
     * peak, RSS grows with the heap towards the new goal while the last
     * cycle's peak is the old one: that growth is not non-heap memory (it
     * would shrink the budget and reverse the rise), so the estimate may
     * not increase meanwhile */
    if (c->rise_guard && heap_peak(in) == c->rise_peak && c->nonheap.have &&
        nh > c->nonheap.v)
      nh = c->nonheap.v;
    double s = update ? ewma_add(&c->nonheap, nh, dt, tau)
                      : (c->nonheap.have ? c->nonheap.v : nh);
    nh = maxd(nh, s);
  }
  b->nonheap = nh;
  double os = 0;
  if (KNOWN(in, GCPULSE_FEAT_HEAP_AFTER) && KNOWN(in, GCPULSE_FEAT_HEAP_GOAL) &&
      in->goal > 0) {
    os = clampd(in->after / in->goal - 1.0, 0, 1);
    double s = update ? ewma_add(&c->overshoot, os, dt, tau)
                      : (c->overshoot.have ? c->overshoot.v : os);
    os = maxd(os, s);
  } else if (c->overshoot.have) {
    os = c->overshoot.v;
  }
  b->overshoot = os;
  if (!KNOWN(in, GCPULSE_FEAT_MEMORY_LIMIT)) return;
  b->known = 1;
  b->bytes = maxd(0, in->limit * c->cfg.limit_ratio - nh - c->cfg.headroom);
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

/* Horizon of the SPARE reserve: spare_horizon_s, or by default three
 * decision periods -- the time slew_down (halving per decision) needs to
 * bring a full-budget GOGC back near df_base. */
static double spare_horizon(const gcpulse__gogc *c) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  return k->spare_horizon_s > 0 ? k->spare_horizon_s : 3.0 * k->period_s;
}

/* Live-heap reserve of the SPARE rule: the live heap expected
 * spare_horizon() ahead, minus the live heap now.
 * Two signs of a rising live heap, the larger wins: the positive slope of
 * the post-GC heap (GROWTH, bytes/s) times the horizon, and QPS above its
 * smoothed value (QPS_NOW / QPS_SMOOTH > 1 + dead-band) scaling the live
 * heap in proportion (request-scoped and cached memory follow traffic, and
 * QPS leads the live heap's slope by a window).  0 when nothing rises. */
static double spare_reserve(const gcpulse__gogc *c, const budget *b,
                            double growth, double qps_now, double qps_smooth) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  double h = spare_horizon(c);
  double r = 0;
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

/* Add a live sample; return 1 when the recent live heap rises steadily:
 * the samples span >= leak_window_s, the least-squares fit explains >= 80 %
 * of the variance, and the fitted rise over the span is >= leak_min_growth
 * of the fitted start. */
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
  if (!(slope > 0) || r2 < 0.8 || !(start > 0)) return 0;
  return slope * span / start >= c->cfg.leak_min_growth;
}

/* ---------------------------------------------------------------------
 * The decision
 * --------------------------------------------------------------------- */

#define R(x) (1u << GCPULSE_GR_##x)

static void decide(gcpulse__gogc *c, gcpulse__feat_fn feat, const void *fctx,
                   double t, int periodic, gcpulse_gogc_decision_t *d,
                   gcpulse_stats_t *st) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  inputs in;
  gather(c, feat, fctx, &in);
  /* QPS: mean over the period from the LAST samples, else the window */
  uint32_t qbit = 1u << GCPULSE_FEAT_QPS;
  if (c->qps_span > 0) {
    in.qps = c->qps_area / c->qps_span;
    in.known |= qbit;
  } else {
    in.qps = rd(feat, fctx, GCPULSE_FEAT_QPS, GCPULSE_STAT_VALUE, 0, &in.known);
  }
  if (periodic) c->qps_area = c->qps_span = 0;

  double dt = t - c->ewma_t;
  c->ewma_t = t;
  double tau = k->ewma_tau_s;
  double qps_before = c->qps.have ? c->qps.v : 0; /* smoothed, before this sample */
  double qps = KNOWN(&in, GCPULSE_FEAT_QPS) ? ewma_add(&c->qps, in.qps, dt, tau) : 0;
  double growth = KNOWN(&in, GCPULSE_FEAT_HEAP_GROWTH)
                      ? ewma_add(&c->growth, in.growth, dt, tau) : 0;
  double cpu = KNOWN(&in, GCPULSE_FEAT_GC_CPU_FRACTION)
                   ? ewma_add(&c->cpu, in.cpu, dt, tau) : 0;
  budget b;
  make_budget(c, &in, dt, 1, &b);
  double hpeak = heap_peak(&in);
  if (c->rise_guard && hpeak != c->rise_peak) c->rise_guard = 0;

  memset(d, 0, sizeof *d);
  d->t = t;
  d->mode = k->mode;
  d->previous = c->cur;
  d->inputs_known = in.known & ~(1u << GCPULSE_FEAT_MEMORY_LIMIT);
  if (b.known) d->inputs_known |= 1u << GCPULSE_FEAT_MEMORY_LIMIT;
  d->qps = qps;
  d->growth_bps = growth;
  d->live_bytes = b.live;
  d->goal_bytes = in.goal;
  d->stacks_globals_bytes = b.roots;
  d->gc_cpu_fraction = cpu;
  d->budget_bytes = b.bytes;
  uint32_t why = 0;
  if (c->reset_pending) why |= R(RESET);
  c->reset_pending = 0;

  /* leak detector: one sample per period */
  if (periodic && KNOWN(&in, GCPULSE_FEAT_HEAP_LIVE))
    c->leak = leak_update(c, t, in.live);
  if (c->leak) why |= R(LEAK);

  /* ---- the law ---- */
  const double cur = c->cur;
  int hold = 0, budget_binds = 0, econ_wants_more = 0;
  int backstop_held = 0;
  double spare_fast = -BIG; /* the fast spare slew applies up to this value */
  double raw = cur;
  double df = k->df_base, q_term = 0, g_term = 0;
  if (KNOWN(&in, GCPULSE_FEAT_QPS))
    q_term = clampd(qps / k->df_qps_step * k->df_step_gain, 0, k->df_qps_cap);
  if (KNOWN(&in, GCPULSE_FEAT_HEAP_GROWTH))
    g_term = clampd((growth / MIB - k->df_growth_threshold) * k->df_growth_gain,
                    0, k->df_growth_cap);
  df = k->df_base + q_term - g_term;
  int cpu_known = KNOWN(&in, GCPULSE_FEAT_GC_CPU_FRACTION) && cur > 0;
  double cpu_g = 0;
  if (cpu_known) {
    cpu_g = cpu / (mean_inv(c, t) * k->cpu_target);
    if (!isfinite(cpu_g)) cpu_g = BIG;
    if (cpu > k->cpu_target * (1 + k->deadband)) why |= R(CPU_HIGH);
    else if (cpu < k->cpu_target * (1 - k->deadband)) why |= R(CPU_LOW);
  }
  int uses_budget = k->mode != GCPULSE_GOGC_DUAL_FACTOR;
  switch (k->mode) {
  case GCPULSE_GOGC_DUAL_FACTOR:
    if (!KNOWN(&in, GCPULSE_FEAT_QPS) || !KNOWN(&in, GCPULSE_FEAT_HEAP_GROWTH)) {
      hold = 1;
    } else {
      raw = df;
      econ_wants_more = 1;
    }
    break;
  case GCPULSE_GOGC_MEMORY_TARGET:
    if (!b.known) {
      hold = 1;
    } else {
      raw = budget_gogc(&b);
      budget_binds = 1;
    }
    break;
  case GCPULSE_GOGC_CPU_TARGET:
    if (!cpu_known || (KNOWN(&in, GCPULSE_FEAT_MEMORY_LIMIT) && !b.known)) {
      hold = 1;
    } else {
      raw = cpu_g;
      econ_wants_more = 1;
    }
    break;
  case GCPULSE_GOGC_ADAPTIVE: {
    int have = 0;
    double econ = 0;
    int use_cpu = k->adaptive_economy != GCPULSE_GOGC_ECONOMY_DF;
    int use_df = k->adaptive_economy != GCPULSE_GOGC_ECONOMY_CPU;
    if (use_cpu && cpu_known) {
      econ = maxd(cpu_g, k->df_base);
      have = 1;
    }
    if (use_df && KNOWN(&in, GCPULSE_FEAT_QPS)) {
      econ = have ? maxd(econ, df) : df;
      have = 1;
    }
    if (KNOWN(&in, GCPULSE_FEAT_MEMORY_LIMIT) && !b.known) {
      hold = 1; /* a limit exists but the live heap is unknown */
    } else if (!have) {
      why |= R(HOLD_UNKNOWN); /* economy held; the budget still bounds it */
      econ = cur > 0 ? cur : k->df_base;
      if (!b.known) hold = 1;
    } else {
      econ_wants_more = 1;
    }
    raw = econ;
    if (!hold && b.known && !c->leak && k->recommend_limit) {
      /* growth: the larger of the latest and smoothed slope (a rise shows
       * at once); QPS: this period's mean against the smoothed mean */
      double gr = 0;
      if (KNOWN(&in, GCPULSE_FEAT_HEAP_GROWTH)) gr = maxd(in.growth, growth);
      double qn = KNOWN(&in, GCPULSE_FEAT_QPS) ? in.qps : 0;
      double reserve = spare_reserve(c, &b, gr, qn, qps_before);
      double h = spare_horizon(c);
      double kept = c->reserve > 0 && t >= c->reserve_t
                        ? c->reserve * exp(-(t - c->reserve_t) / h) : 0;
      if (isfinite(kept) && kept > reserve) {
        reserve = kept; /* the older, larger reserve decays */
      } else {
        c->reserve = reserve;
        c->reserve_t = t;
      }
      double sg = spare_gogc(&b, reserve, 1.0);
      if (sg > raw) {
        raw = sg;
        why |= R(SPARE);
        if (c->spare_prev) spare_fast = spare_gogc(&b, reserve, SPARE_FAST_FILL);
      }
    }
    break;
  }
  default:
    hold = 1;
    break;
  }
  if (!hold && k->mode == GCPULSE_GOGC_DUAL_FACTOR) {
    if (q_term > 0) why |= R(QPS_RELAX);
    if (g_term > 0) why |= R(GROWTH_TIGHTEN);
  }
  if (!hold && k->mode == GCPULSE_GOGC_ADAPTIVE &&
      k->adaptive_economy != GCPULSE_GOGC_ECONOMY_CPU &&
      KNOWN(&in, GCPULSE_FEAT_QPS) && raw == df) {
    if (q_term > 0) why |= R(QPS_RELAX);
    if (g_term > 0) why |= R(GROWTH_TIGHTEN);
  }
  if (!isfinite(raw)) raw = hold ? cur : k->max;
  raw = clampd(raw, -BIG, BIG);

  /* ---- bounds: budget, floor, [min, max], leak hold ---- */
  double v = raw;
  if (!hold && uses_budget && b.known) {
    double bg = budget_gogc(&b);
    if (k->mode != GCPULSE_GOGC_MEMORY_TARGET && bg < v) {
      v = bg;
      budget_binds = 1;
      double fl = mind(raw, backstop_floor(c));
      if (fl > v) {
        /* the runtime limit backstop takes the peak below this value */
        v = fl;
        backstop_held = 1;
        why |= R(BACKSTOP);
      }
    }
    if (budget_binds) why |= R(BUDGET);
  }
  if (!hold && uses_budget && KNOWN(&in, GCPULSE_FEAT_HEAP_LIVE)) {
    double fg = floor_gogc(c, &b);
    if (fg > v) {
      v = fg;
      why |= R(FLOOR);
    }
  }
  if (!hold) {
    if (v < k->min) why |= R(CLAMP_MIN);
    if (v > k->max) why |= R(CLAMP_MAX);
    v = clampd(v, k->min, k->max);
  }
  /* a leak is chased while it is cheap; once GC CPU is above target the
   * value in force becomes a floor once GC CPU exceeds twice the target
   * (fail fast instead of a death spiral) */
  int leak_held = 0;
  if (!c->leak) c->leak_hold = 0;
  if (c->leak && !k->leak_chase && !hold && cur > 0) {
    if (c->leak_hold <= 0 && cpu_known && cpu > 2.0 * k->cpu_target)
      c->leak_hold = cur;
    if (c->leak_hold > 0 && v < c->leak_hold) {
      v = clampd(c->leak_hold, k->min, k->max);
      leak_held = 1;
    }
  }
  double after_bounds = hold ? cur : v;

  /* ---- GOGC=off: never changed ---- */
  int off = cur < 0;
  if (off) {
    why |= R(GOGC_OFF);
    after_bounds = cur;
  }
  if (hold) why |= R(HOLD_UNKNOWN);

  /* ---- slew ---- */
  int urgent = 0;
  double s = after_bounds;
  if (!off && !hold) {
    if (b.known && uses_budget && s < cur &&
        peak_at(&b, cur) >= k->urgent_ratio * b.bytes) {
      urgent = 1;
      why |= R(BUDGET_URGENT);
    }
    double up = cur * (1 + k->slew_up);
    /* a SPARE rise (SPARE at this and the previous decision) may use
     * slew_up_spare up to the value whose peak, with the growth reserve,
     * is SPARE_FAST_FILL of the budget; beyond that slew_up holds */
    if ((why & R(SPARE)) && spare_fast > up)
      up = maxd(up, mind(spare_fast, cur * (1 + k->slew_up_spare)));
    if (s > up) {
      s = up;
      why |= R(SLEW_UP);
    } else if (!urgent && s < cur * (1 - k->slew_down)) {
      s = cur * (1 - k->slew_down);
      why |= R(SLEW_DOWN);
    }
    s = clampd(s, k->min, k->max);
  }
  double after_slew = s;

  /* ---- dead-band ---- */
  if (!off && !hold && !urgent && s != cur &&
      fabs(s - cur) < k->deadband * cur) {
    s = cur;
    why |= R(DEADBAND);
  }
  double after_deadband = s;

  /* ---- dwell ---- */
  if (!off && !hold && !urgent && s != cur && c->have_change &&
      (t - c->last_change_t < k->dwell_s ||
       c->cycles - c->cycles_at_change < (uint64_t)k->dwell_cycles)) {
    s = cur;
    why |= R(DWELL);
  }
  if (!isfinite(s)) s = cur;
  double value = s;

  /* ---- pinned ---- */
  if (!off && !hold) {
    int at_min = value <= k->min && (raw <= k->min || (v <= k->min && budget_binds));
    /* at the top bound, tuning has run out only if GC CPU is still above
     * target there (a CPU-bound service); a SPARE rise to max just means
     * memory is plentiful, which is no reason to scale */
    int at_max = value >= k->max && econ_wants_more && raw >= k->max &&
                 (why & R(CPU_HIGH)) != 0;
    if (at_min || at_max || leak_held || backstop_held) {
      if (c->pinned < INT32_MAX) c->pinned++;
    } else {
      c->pinned = 0;
    }
  }
  if (c->pinned >= k->pinned_after) why |= R(PINNED);
  c->spare_prev = (why & R(SPARE)) != 0;

  /* ---- memory-limit recommendation ---- */
  if (k->recommend_limit && b.known) {
    double need = 0;
    if (b.live > 0)
      need = b.live + maxd((b.live + b.roots) * k->min / 100.0, k->floor_bytes);
    /* the runtime plans the goal at the limit and the heap overshoots the
     * goal as it does below it (more while the live heap steps up during a
     * cycle): the limit is the budget less the measured overshoot, at least
     * LIMIT_OVERSHOOT, so that the peak fits the budget (SPARE relies on it);
     * runway for min GOGC may use the headroom, never more than the limit
     * itself leaves for the heap (above it a breach, not a GC, happens) */
    d->recommended_limit = maxd(b.bytes / (1.0 + maxd(b.overshoot, LIMIT_OVERSHOOT)),
                           mind(need, in.limit - b.nonheap));
  }

  d->raw = raw;
  d->after_bounds = after_bounds;
  d->after_slew = after_slew;
  d->after_deadband = after_deadband;
  d->after_dwell = value;
  d->value = value;
  d->changed = value != cur;
  d->projected_peak_bytes = b.known || KNOWN(&in, GCPULSE_FEAT_HEAP_LIVE)
                                ? (value > 0 ? peak_at(&b, value) : 0) : 0;
  d->reasons = why;
  d->pinned = c->pinned;

  /* ---- bookkeeping ---- */
  gcpulse__inc(&st->gogc_decisions);
  if (d->changed) {
    double delta = value - cur;
    int dir = delta > 0 ? 1 : -1;
    gcpulse__inc(&st->gogc_changes);
    st->gogc_total_variation += fabs(delta);
    if (c->last_dir != 0 && dir != c->last_dir) gcpulse__inc(&st->gogc_reversals);
    c->last_dir = dir;
    c->have_change = 1;
    c->last_change_t = t;
    c->cycles_at_change = c->cycles;
    c->cur = value;
    hist_push(c, t, value);
    c->rise_guard = dir > 0;
    c->rise_peak = hpeak;
  }
}

/* Whether the projected peak at the current GOGC already exceeds the
 * budget (checked on every GC cycle between periodic decisions). */
static int over_budget(gcpulse__gogc *c, gcpulse__feat_fn feat,
                       const void *fctx) {
  const gcpulse_gogc_config_t *k = &c->cfg;
  if (k->mode == GCPULSE_GOGC_DUAL_FACTOR || k->mode == GCPULSE_GOGC_OFF ||
      c->cur <= k->min || c->cur <= backstop_floor(c))
    return 0;
  if (c->leak && !k->leak_chase && c->leak_hold > 0 &&
      c->cur <= c->leak_hold)
    return 0;
  if (c->cfg_limit <= 0) {
    /* no configured limit: without a limit metric there is no budget, so
     * skip reading every input (this runs after every GC cycle) */
    double lim;
    if (feat(fctx, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &lim) != 0 ||
        !(lim > 0))
      return 0;
  }
  inputs in;
  gather(c, feat, fctx, &in);
  budget b;
  make_budget(c, &in, 0, 0, &b);
  if (!b.known) return 0;
  return peak_at(&b, c->cur) > b.bytes * (1.0 + 1e-6);
}

int gcpulse__gogc_step(gcpulse__gogc *c, gcpulse__feat_fn feat,
                       const void *fctx, double t, int new_cycle,
                       gcpulse_gogc_decision_t *out, gcpulse_stats_t *st) {
  if (c == NULL || feat == NULL || out == NULL || st == NULL)
    return GCPULSE_EINVAL;
  if (!isfinite(t) || c->cfg.mode == GCPULSE_GOGC_OFF) return 0;
  if (!c->started || t < c->last_t) {
    /* first call, or the clock went back (a restart): re-anchor */
    c->started = 1;
    c->next_t = t + c->cfg.period_s;
    c->last_t = t;
    c->qps_area = c->qps_span = 0;
    c->ewma_t = t;
    if (c->hist_n == 0 && c->cur > 0) hist_push(c, t, c->cur);
    if (c->have_change && c->last_change_t > t) c->last_change_t = t;
  }
  /* QPS over the period: each interval takes the latest sample */
  double q = 0;
  uint32_t qk = 0;
  q = rd(feat, fctx, GCPULSE_FEAT_QPS, GCPULSE_STAT_LAST, 0, &qk);
  if (qk && t > c->last_t) {
    c->qps_area += q * (t - c->last_t);
    c->qps_span += t - c->last_t;
  }
  c->last_t = t;
  if (new_cycle && c->cycles != UINT64_MAX) c->cycles++;
  int periodic = t >= c->next_t;
  if (!periodic && !(new_cycle && c->cur > 0 && over_budget(c, feat, fctx)))
    return 0;
  if (periodic) {
    c->next_t += c->cfg.period_s;
    if (c->next_t <= t) c->next_t = t + c->cfg.period_s;
  }
  decide(c, feat, fctx, t, periodic, out, st);
  return 1;
}

/* test_gogc.c — the GOGC controller: the dual-factor law table with every
 * clamp edge, limiters, safety (never NaN / out of bounds, unknown holds,
 * GOGC=off), the memory budget, and the Go-pacer simulator (tests/gosim.h)
 * driving every mode through steady load, a 6.4x traffic pulse, a live-heap
 * step toward the limit, a slow leak and a square wave -- directly through
 * gcpulse__gogc_step with the simulator's exact features, and through the
 * public API (events + metrics + on_gogc).  Event-driven timing (a decision
 * at every GC, ticks after period_s), the backstop's two-cycle rise and
 * immediate drop, no GOGC for a JVM log, and one memory limit for window,
 * controller and policy.  Replaying real traces recorded here
 * (tests/data/go) twice gives the same decisions.  Nothing here reads the
 * shared corpus. */
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "gogc.h"
#include "gosim.h"

#define MIB 1048576.0

/* ---------------------------------------------------------------------
 * A fake window
 * --------------------------------------------------------------------- */

typedef struct fake {
  double v[GCPULSE_FEAT_BUILTIN_COUNT];
  uint32_t known;
} fake;

/* The configured limit of the controller under test: the fake window
 * applies the library's precedence (configuration first). */
static double fake_cfg_limit;

static int fake_feat(const void *ctx, int f, int stat, double *out) {
  const fake *k = ctx;
  (void)stat;
  *out = 0;
  if (f < 0 || f >= GCPULSE_FEAT_BUILTIN_COUNT) return GCPULSE_EINVAL;
  if (f == GCPULSE_FEAT_MEMORY_LIMIT && fake_cfg_limit > 0) {
    *out = fake_cfg_limit;
    return 0;
  }
  if (!((k->known >> f) & 1u)) return GCPULSE_WHY_NO_DATA;
  *out = k->v[f];
  return 0;
}

static void fake_set(fake *k, int f, double v) {
  k->v[f] = v;
  k->known |= 1u << f;
}

static gcpulse_config_t *cfg_new(int mode) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->gogc.mode = mode;
  return cfg;
}

/* No smoothing, no limiters: the law alone. */
static void cfg_raw(gcpulse_config_t *cfg) {
  cfg->gogc.ewma_tau_s = 0;
  cfg->gogc.deadband = 0;
  cfg->gogc.slew_up = 100;
  cfg->gogc.slew_down = 1;
  cfg->gogc.dwell_s = 0;
  cfg->gogc.dwell_cycles = 0;
}

static gcpulse__gogc *ctl_new(const gcpulse_config_t *cfg) {
  assert_int_equal(gcpulse_config_check(cfg, NULL), 0);
  gcpulse__gogc *c = calloc(1, gcpulse__gogc_size(cfg));
  gcpulse__gogc_init(c, cfg);
  fake_cfg_limit = cfg->memory_limit;
  return c;
}

/* Steps at t = 0 and t = period; returns the decision made at period. */
static gcpulse_gogc_decision_t one_decision(gcpulse__gogc *c, fake *k,
                                            gcpulse_stats_t *st) {
  gcpulse_gogc_decision_t d;
  memset(&d, 0, sizeof d);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, k, 0, 0, &d, st), 0);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, k, 10, 1, &d, st), 1);
  return d;
}

#define HAS(d, r) (((d).reasons >> GCPULSE_GR_##r) & 1u)

static void assert_close(double a, double b, double tol) {
  if (fabs(a - b) > tol) {
    print_message("expected %.6f, got %.6f\n", b, a);
    fail();
  }
}

/* ---------------------------------------------------------------------
 * Configuration
 * --------------------------------------------------------------------- */

static void expect_bad(gcpulse_config_t *cfg, const char *path) {
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_check(cfg, &err), GCPULSE_ECONFIG);
  assert_string_equal(err.path, path);
  gcpulse_config_init(cfg);
}

static void test_config(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  assert_int_equal(cfg->gogc.mode, GCPULSE_GOGC_ADAPTIVE);
  assert_true(cfg->gogc.min == 25 && cfg->gogc.max == 500);
  assert_true(cfg->gogc.df_base == 100 && cfg->gogc.df_qps_step == 500);
  assert_true(cfg->gogc.leak_window_s == 60);
  assert_int_equal(gcpulse_config_check(cfg, NULL), 0);
  cfg->gogc.min = 0; expect_bad(cfg, "gogc.min");
  cfg->gogc.max = 10; expect_bad(cfg, "gogc.max");
  cfg->gogc.max = NAN; expect_bad(cfg, "gogc.max");
  cfg->gogc.initial = 1000; expect_bad(cfg, "gogc.initial");
  cfg->gogc.mode = 99; expect_bad(cfg, "gogc.mode");
  cfg->gogc.period_s = 0; expect_bad(cfg, "gogc.period_s");
  cfg->gogc.limit_ratio = 1.5; expect_bad(cfg, "gogc.limit_ratio");
  cfg->gogc.cpu_target = 0; expect_bad(cfg, "gogc.cpu_target");
  cfg->gogc.deadband = 1; expect_bad(cfg, "gogc.deadband");
  cfg->gogc.slew_down = 0; expect_bad(cfg, "gogc.slew_down");
  cfg->gogc.df_qps_step = 0; expect_bad(cfg, "gogc.df_qps_step");
  cfg->memory_limit = -1; expect_bad(cfg, "window.memory_limit");
  cfg->gogc.pinned_after = 0; expect_bad(cfg, "gogc.pinned_after");
  cfg->gogc.adaptive_economy = 7; expect_bad(cfg, "gogc.adaptive_economy");
  cfg->gogc.leak_window_s = INFINITY; expect_bad(cfg, "gogc.leak_window_s");
  assert_true(cfg->gogc.slew_up_spare == 4 && cfg->gogc.spare_horizon_s == 60);
  /* event-driven defaults: time constants in seconds */
  assert_true(cfg->gogc.period_s == 5 && cfg->gogc.dwell_s == 15 &&
              cfg->gogc.dwell_cycles == 1 && cfg->gogc.ewma_tau_s == 20 &&
              cfg->gogc.deadband == 0.1);
  cfg->gogc.slew_up_spare = 0; expect_bad(cfg, "gogc.slew_up_spare");
  cfg->gogc.slew_up_spare = NAN; expect_bad(cfg, "gogc.slew_up_spare");
  cfg->gogc.spare_horizon_s = -1; expect_bad(cfg, "gogc.spare_horizon_s");
  cfg->gogc.initial = -1; /* GOGC=off is valid */
  assert_int_equal(gcpulse_config_check(cfg, NULL), 0);
  assert_string_equal(gcpulse_gogc_mode_name(GCPULSE_GOGC_MEMORY_TARGET),
                      "memory-target");
  assert_string_equal(gcpulse_gogc_reason_name(GCPULSE_GR_LEAK),
                      "suspected_leak");
  free(cfg);
}

/* ---------------------------------------------------------------------
 * The dual-factor law
 * --------------------------------------------------------------------- */

typedef struct df_row {
  double qps, mbps, gogc;
} df_row;

static const df_row df_table[] = {
    {0, 0, 100},        {250, 0, 105},      {500, 0, 110},
    {1000, 0, 120},     {1499, 0, 129.98},  {1500, 0, 130}, /* QPS cap edge */
    {1501, 0, 130},     {3200, 0, 130},     {1e6, 0, 130},
    {0, 19.9, 100},     {0, 20, 100},       /* growth threshold edge */
    {0, 20.5, 99},      {0, 25, 90},        {0, 39.9, 60.2},
    {0, 40, 60},        /* growth cap edge */
    {0, 41, 60},        {0, 1000, 60},      {0, -50, 100}, /* shrinking heap */
    {500, 30, 90},      {1000, 21, 118},    {3200, 100, 90},
    {1500, 40, 90},     {750, 22.5, 110},
};

static void test_dual_factor_table(void **state) {
  (void)state;
  for (size_t i = 0; i < GCPULSE__COUNTOF(df_table); i++) {
    const df_row *r = &df_table[i];
    gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_DUAL_FACTOR);
    cfg_raw(cfg);
    gcpulse__gogc *c = ctl_new(cfg);
    fake k;
    memset(&k, 0, sizeof k);
    fake_set(&k, GCPULSE_FEAT_QPS, r->qps);
    fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, r->mbps * MIB);
    gcpulse_stats_t st;
    memset(&st, 0, sizeof st);
    gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
    print_message("qps %.0f growth %.1f MiB/s -> %.2f\n", r->qps, r->mbps, d.value);
    assert_close(d.raw, r->gogc, 1e-9);
    assert_close(d.value, floor(r->gogc + 1e-9), 1e-9); /* the applied integer */
    assert_close(d.qps, r->qps, 1e-9);
    assert_int_equal(HAS(d, QPS_RELAX), r->qps > 0);
    assert_int_equal(HAS(d, GROWTH_TIGHTEN), r->mbps > 20);
    assert_int_equal(d.mode, GCPULSE_GOGC_DUAL_FACTOR);
    assert_int_equal(st.gogc_decisions, 1);
    assert_int_equal(st.gogc_changes, floor(r->gogc + 1e-9) != 100);
    free(c);
    free(cfg);
  }
}

/* Every constant is a config field; the bounds clamp the law. */
static void test_dual_factor_constants_and_bounds(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_DUAL_FACTOR);
  cfg_raw(cfg);
  cfg->gogc.df_base = 200;
  cfg->gogc.df_qps_step = 100;
  cfg->gogc.df_step_gain = 5;
  cfg->gogc.df_qps_cap = 50;
  cfg->gogc.df_growth_threshold = 10;
  cfg->gogc.df_growth_gain = 3;
  cfg->gogc.df_growth_cap = 90;
  cfg->gogc.initial = 200;
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_QPS, 300);                 /* +15 */
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 15 * MIB);   /* -15 */
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse__gogc *c = ctl_new(cfg);
  gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
  assert_close(d.value, 200, 1e-9);
  free(c);
  fake_set(&k, GCPULSE_FEAT_QPS, 5000);                /* +50 (cap) */
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 5 * MIB);     /* 0 */
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_close(d.value, 250, 1e-9);
  free(c);
  /* clamp at max and min, edges included */
  cfg->gogc.min = 150;
  cfg->gogc.max = 240;
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_close(d.raw, 250, 1e-9);
  assert_close(d.after_bounds, 240, 1e-9);
  assert_close(d.value, 240, 1e-9);
  assert_true(HAS(d, CLAMP_MAX));
  free(c);
  cfg->gogc.max = 250; /* exactly at the bound: no clamp */
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_close(d.value, 250, 1e-9);
  assert_false(HAS(d, CLAMP_MAX));
  free(c);
  fake_set(&k, GCPULSE_FEAT_QPS, 0);
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 100 * MIB);  /* -90 (cap) */
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_close(d.raw, 110, 1e-9);
  assert_close(d.value, 150, 1e-9);
  assert_true(HAS(d, CLAMP_MIN));
  free(c);
  free(cfg);
}

/* ---------------------------------------------------------------------
 * Limiters
 * --------------------------------------------------------------------- */

static void test_slew_deadband_dwell(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_DUAL_FACTOR);
  cfg->gogc.ewma_tau_s = 0;
  cfg->gogc.df_qps_cap = 1000; /* let the law ask for big rises */
  cfg->gogc.dwell_cycles = 0;
  cfg->gogc.dwell_s = 25;
  cfg->gogc.slew_up = 0.25;
  gcpulse__gogc *c = ctl_new(cfg);
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_QPS, 10000); /* law: 300 */
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 0);
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
  assert_close(d.raw, 300, 1e-9);
  assert_close(d.after_bounds, 300, 1e-9);
  assert_close(d.after_slew, 125, 1e-9); /* +25 % per decision */
  assert_true(HAS(d, SLEW_UP));
  assert_close(d.value, 125, 1e-9);
  /* next period: dwell (25 s) not over */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st), 1);
  assert_true(HAS(d, DWELL));
  assert_close(d.after_slew, 156.25, 1e-9);
  assert_close(d.value, 125, 1e-9);
  /* a tick decides only period_s (5 s) after the last decision */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 22, 0, &d, &st), 0);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 30, 0, &d, &st), 1);
  assert_true(HAS(d, DWELL)); /* 20 s since the change */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 40, 0, &d, &st), 1);
  assert_false(HAS(d, DWELL));
  assert_close(d.after_dwell, 156, 1e-9); /* 156.25 applied as an integer */
  assert_close(d.value, 156, 1e-9);
  assert_int_equal(st.gogc_changes, 2);
  free(c);

  /* dead-band: the law asks for +4 % */
  cfg->gogc.df_qps_cap = 30;
  c = ctl_new(cfg);
  fake_set(&k, GCPULSE_FEAT_QPS, 200); /* law: 104 */
  d = one_decision(c, &k, &st);
  assert_close(d.after_slew, 104, 1e-9);
  assert_close(d.after_deadband, 100, 1e-9);
  assert_true(HAS(d, DEADBAND));
  assert_false(d.changed);
  free(c);

  /* slew down (non-urgent) and dwell counted in GC cycles */
  cfg->gogc.dwell_s = 0;
  cfg->gogc.dwell_cycles = 3;
  cfg->gogc.df_growth_cap = 90;
  cfg->gogc.min = 5;
  c = ctl_new(cfg);
  fake_set(&k, GCPULSE_FEAT_QPS, 0);
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 100 * MIB); /* law: 10 */
  d = one_decision(c, &k, &st);
  assert_close(d.after_slew, 50, 1e-9);
  assert_true(HAS(d, SLEW_DOWN));
  /* every GC cycle decides */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 15, 1, &d, &st), 1);
  assert_true(HAS(d, DWELL)); /* 1 cycle < 3 */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 20, 1, &d, &st), 1);
  assert_true(HAS(d, DWELL)); /* 2 cycles < 3 */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 25, 1, &d, &st), 1);
  assert_false(HAS(d, DWELL));
  assert_close(d.value, 25, 1e-9);
  free(c);
  free(cfg);
}

/* Changes, total variation and reversals are counted. */
static void test_oscillation_counters(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_DUAL_FACTOR);
  cfg_raw(cfg);
  gcpulse__gogc *c = ctl_new(cfg);
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 0);
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse_gogc_decision_t d;
  const double qps[] = {1000, 1000, 0, 1500, 1500, 500};
  /* values: 120, 120, 100, 130, 130, 110: changes 4, reversals 3 */
  gcpulse__gogc_step(c, fake_feat, &k, 0, 0, &d, &st);
  for (int i = 0; i < 6; i++) {
    fake_set(&k, GCPULSE_FEAT_QPS, qps[i]);
    assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 10.0 * (i + 1), 1,
                                        &d, &st), 1);
  }
  assert_int_equal(st.gogc_decisions, 6);
  assert_int_equal(st.gogc_changes, 4);
  assert_int_equal(st.gogc_reversals, 3);
  assert_close(st.gogc_total_variation, 20 + 20 + 30 + 20, 1e-9);
  assert_close(gcpulse__gogc_current(c), 110, 1e-9);
  gcpulse__gogc_reset(c);
  assert_close(gcpulse__gogc_current(c), 100, 1e-9);
  free(c);
  free(cfg);
}

/* ---------------------------------------------------------------------
 * Safety
 * --------------------------------------------------------------------- */

static void test_unknown_holds(void **state) {
  (void)state;
  for (int mode = GCPULSE_GOGC_DUAL_FACTOR; mode < GCPULSE_GOGC_MODE_COUNT;
       mode++) {
    gcpulse_config_t *cfg = cfg_new(mode);
    cfg->gogc.initial = 150;
    gcpulse__gogc *c = ctl_new(cfg);
    fake k;
    memset(&k, 0, sizeof k);
    gcpulse_stats_t st;
    memset(&st, 0, sizeof st);
    gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
    assert_true(HAS(d, HOLD_UNKNOWN));
    assert_true(d.value == 150 && d.raw == 150 && d.after_dwell == 150);
    assert_false(d.changed);
    assert_int_equal(d.inputs_known, 0);
    /* NaN and infinities are unknown too */
    fake_set(&k, GCPULSE_FEAT_QPS, NAN);
    fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, INFINITY);
    fake_set(&k, GCPULSE_FEAT_GC_CPU_FRACTION, -INFINITY);
    fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, NAN);
    assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st), 1);
    assert_true(HAS(d, HOLD_UNKNOWN));
    assert_true(d.value == 150);
    free(c);
    free(cfg);
  }
}

static void test_gogc_off(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  cfg->gogc.initial = -1;
  cfg->gogc.recommend_limit = 1;
  cfg->memory_limit = 1024 * MIB;
  gcpulse__gogc *c = ctl_new(cfg);
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_QPS, 3000);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 100 * MIB);
  fake_set(&k, GCPULSE_FEAT_GC_CPU_FRACTION, 0.2);
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
  for (int i = 2; i < 10; i++)
    gcpulse__gogc_step(c, fake_feat, &k, 10.0 * i, 1, &d, &st);
  assert_true(HAS(d, GOGC_OFF));
  assert_true(d.value == -1 && d.previous == -1 && d.after_bounds == -1);
  assert_int_equal(st.gogc_changes, 0);
  assert_true(gcpulse__gogc_current(c) == -1);
  /* a memory limit is still recommended from the budget */
  /* the runtime limit allows for at least 2 % overshoot of its goal */
  assert_close(d.recommended_limit, 0.9 * 1024 * MIB / 1.02, 1);
  free(c);
  free(cfg);
}

static uint64_t xs(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

static double wild(uint64_t *s) {
  static const double special[] = {NAN, INFINITY, -INFINITY, -1, 0, 1e300,
                                   -1e300, 1e-300, 5e-324, 1e18, 1e19};
  uint64_t r = xs(s);
  if (r % 4 == 0) return special[(r >> 8) % GCPULSE__COUNTOF(special)];
  return ((double)(r >> 11) / 9007199254740992.0) * pow(10, (double)((r >> 3) % 12));
}

/* Whatever the input, every decision is finite and within bounds. */
static void test_never_nan_or_out_of_bounds(void **state) {
  (void)state;
  uint64_t seed = 0x1234567;
  static const int feats[] = {
      GCPULSE_FEAT_QPS, GCPULSE_FEAT_HEAP_GROWTH, GCPULSE_FEAT_HEAP_LIVE,
      GCPULSE_FEAT_HEAP_GOAL, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_FEAT_RSS,
      GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_FEAT_HEAP_AFTER,
      GCPULSE_FEAT_HEAP_BEFORE, GCPULSE_FEAT_HEAP_ROOTS};
  for (int run = 0; run < 200; run++) {
    gcpulse_config_t *cfg = cfg_new(1 + (int)(xs(&seed) % 4));
    cfg->gogc.recommend_limit = (int)(xs(&seed) % 2);
    cfg->gogc.adaptive_economy = (int)(xs(&seed) % 3);
    cfg->gogc.ewma_tau_s = (double)(xs(&seed) % 3) * 10;
    gcpulse__gogc *c = ctl_new(cfg);
    fake k;
    memset(&k, 0, sizeof k);
    gcpulse_stats_t st;
    memset(&st, 0, sizeof st);
    double t = 0;
    for (int i = 0; i < 300; i++) {
      for (size_t f = 0; f < GCPULSE__COUNTOF(feats); f++) {
        if (xs(&seed) % 3 == 0) k.known &= ~(1u << feats[f]);
        else fake_set(&k, feats[f], wild(&seed));
      }
      uint64_t r = xs(&seed);
      t += (r % 5 == 0) ? -3.0 : (double)(r % 13);
      if (t < 0) t = 0;
      gcpulse_gogc_decision_t d;
      int rc = gcpulse__gogc_step(c, fake_feat, &k, t, (int)(r % 2), &d, &st);
      assert_true(rc == 0 || rc == 1);
      if (rc == 1) {
        const double v[] = {d.value, d.previous, d.raw, d.after_bounds,
                            d.after_slew, d.after_deadband, d.after_dwell,
                            d.recommended_limit, d.qps, d.growth_bps, d.live_bytes,
                            d.goal_bytes, d.stacks_globals_bytes,
                            d.gc_cpu_fraction, d.budget_bytes,
                            d.projected_peak_bytes};
        for (size_t j = 0; j < GCPULSE__COUNTOF(v); j++) assert_true(isfinite(v[j]));
        assert_true(d.value >= cfg->gogc.min && d.value <= cfg->gogc.max);
        assert_true(d.after_dwell == d.value);
        char buf[2048];
        assert_true(gcpulse_gogc_to_json(&d, buf, sizeof buf) > 0);
      }
    }
    assert_true(isfinite(st.gogc_total_variation));
    free(c);
    free(cfg);
  }
}

/* ---------------------------------------------------------------------
 * The memory budget
 * --------------------------------------------------------------------- */

static void test_memory_target_solve(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_MEMORY_TARGET);
  cfg_raw(cfg);
  cfg->gogc.max = 2000;
  cfg->gogc.initial = 100;
  cfg->memory_limit = 1024 * MIB;
  cfg->gogc.recommend_limit = 1;
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 100 * MIB);
  fake_set(&k, GCPULSE_FEAT_HEAP_ROOTS, 4 * MIB);
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse__gogc *c = ctl_new(cfg);
  gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
  /* goal = 100 + 104 * G / 100 = 921.6  =>  G = 790 */
  assert_close(d.raw, (921.6 - 100) / 104 * 100, 1e-6);
  assert_close(d.value, 790, 0); /* the integer below the raw 790.0 */
  assert_true(HAS(d, BUDGET));
  assert_close(d.budget_bytes, 921.6 * MIB, 1);
  assert_close(d.projected_peak_bytes, (100 + 104 * 7.90) * MIB, 1);
  assert_close(d.stacks_globals_bytes, 4 * MIB, 1e-6);
  assert_close(d.recommended_limit, 921.6 / 1.02 * MIB, 1);
  free(c);

  /* non-heap memory (RSS - heap) and headroom come off the budget; the
   * observed overshoot of the goal shrinks the goal target */
  cfg->gogc.headroom = 21.6 * MIB;
  fake_set(&k, GCPULSE_FEAT_RSS, 300 * MIB);
  fake_set(&k, GCPULSE_FEAT_HEAP_AFTER, 220 * MIB);  /* non-heap 80 MiB */
  fake_set(&k, GCPULSE_FEAT_HEAP_GOAL, 200 * MIB);   /* 10 % overshoot */
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  /* budget 921.6 - 80 - 21.6 = 820; goal target 820 / 1.1 */
  assert_close(d.budget_bytes, 820 * MIB, 1);
  assert_close(d.raw, (820 / 1.1 - 100) / 104 * 100, 1e-6);
  assert_close(d.value, floor(d.raw), 0);
  assert_true(d.projected_peak_bytes <= 820 * MIB &&
              d.projected_peak_bytes > 819 * MIB);
  /* the recommended runtime limit leaves room for the overshoot too */
  assert_close(d.recommended_limit, 820 / 1.1 * MIB, 1);
  free(c);

  /* the absolute floor: a tiny live heap keeps floor_bytes of runway */
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 1 * MIB);
  cfg->gogc.headroom = 0;
  cfg->memory_limit = 4 * MIB; /* budget 3.6 MiB < live + floor */
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_true(HAS(d, FLOOR));
  assert_close(d.value, 400, 1e-9);
  free(c);

  /* live above the budget: pinned at min, reported after pinned_after */
  cfg->gogc.floor_bytes = 0;
  cfg->memory_limit = 1024 * MIB;
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 1000 * MIB);
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_true(HAS(d, CLAMP_MIN));
  assert_close(d.value, 25, 1e-9);
  assert_int_equal(d.pinned, 1);
  assert_false(HAS(d, PINNED));
  gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st);
  gcpulse__gogc_step(c, fake_feat, &k, 30, 0, &d, &st);
  assert_int_equal(d.pinned, 3);
  assert_true(HAS(d, PINNED));
  /* recommended limit: what min GOGC needs (1250 MiB) may use the headroom
   * but never goes above the limit itself (a breach, not a GC, is above) */
  assert_close(d.recommended_limit, 1024 * MIB, 1);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 750 * MIB); /* needs 937.5 > 921.6 */
  gcpulse__gogc_step(c, fake_feat, &k, 40, 0, &d, &st);
  assert_close(d.recommended_limit, 750 * MIB * 1.25, 1);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 1000 * MIB);
  /* the limit may come from the memory_limit feature */
  free(c);
  cfg->memory_limit = 0;
  c = ctl_new(cfg);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 100 * MIB);
  d = one_decision(c, &k, &st);
  assert_true(HAS(d, HOLD_UNKNOWN));
  fake_set(&k, GCPULSE_FEAT_MEMORY_LIMIT, 1024 * MIB);
  gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st);
  assert_false(HAS(d, HOLD_UNKNOWN));
  assert_close(d.raw, (921.6 - 100) / 100 * 100, 1e-6);
  free(c);
  free(cfg);
}

/* A live-heap jump between periods triggers an early, unlimited drop. */
static void test_urgent_drop(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  cfg->memory_limit = 1024 * MIB;
  cfg->gogc.initial = 400;
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 100 * MIB);
  fake_set(&k, GCPULSE_FEAT_QPS, 500);
  fake_set(&k, GCPULSE_FEAT_GC_CPU_FRACTION, 0.2); /* economy wants more */
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse__gogc *c = ctl_new(cfg);
  gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
  assert_close(d.value, 500, 1e-9);
  /* live jumps to 500 MiB: 500 * 6 > budget; the next GC cycle decides */
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 500 * MIB);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 11, 0, &d, &st), 0);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 12, 1, &d, &st), 1);
  assert_true(HAS(d, BUDGET_URGENT));
  assert_true(HAS(d, BUDGET));
  assert_false(HAS(d, SLEW_DOWN));
  assert_false(HAS(d, DWELL));
  assert_close(d.after_bounds, (921.6 - 500) / 500 * 100, 1e-6); /* 84.32 */
  assert_close(d.value, 84, 0); /* the integer applied */
  assert_true(d.projected_peak_bytes <= d.budget_bytes * (1 + 1e-9));
  /* no spam: the next cycle decides and stays */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 13, 1, &d, &st), 1);
  assert_false(d.changed);
  /* window reset: smoothed state dropped, reported once */
  gcpulse__gogc_window_reset(c);
  assert_close(gcpulse__gogc_current(c), d.value, 0); /* the value stays */
  /* after the reset the first decision comes with the first GC cycle */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st), 0);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 30, 0, &d, &st), 0);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 31, 1, &d, &st), 1);
  assert_true(HAS(d, RESET));
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 40, 0, &d, &st), 1);
  assert_false(HAS(d, RESET)); /* a tick, period_s after the last decision */
  free(c);
  free(cfg);
}

/* Adaptive SPARE with the runtime limit applied: a rise the budget covers
 * uses slew_up_spare once SPARE held at the previous decision too, up to
 * the value whose peak is 90 % of the budget; a rising live heap (growth
 * slope, QPS above its smoothed value) keeps a reserve that decays. */
static void test_spare_slew_and_reserve(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  cfg_raw(cfg);
  cfg->gogc.slew_up = 0.25;
  cfg->gogc.max = 2000;
  cfg->memory_limit = 1024 * MIB; /* budget 921.6 MiB */
  cfg->gogc.recommend_limit = 1;
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 100 * MIB);
  fake_set(&k, GCPULSE_FEAT_GC_CPU_FRACTION, 0.01); /* economy: df_base */
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse__gogc *c = ctl_new(cfg);
  gcpulse_gogc_decision_t d = one_decision(c, &k, &st);
  assert_true(HAS(d, SPARE));
  assert_close(d.raw, 821.6, 1e-6);
  assert_close(d.value, 125, 1e-9); /* first SPARE decision: slew_up */
  assert_true(HAS(d, SLEW_UP));
  gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st);
  assert_close(d.value, 625, 1e-9); /* x5 (slew_up_spare 4) */
  gcpulse__gogc_step(c, fake_feat, &k, 30, 0, &d, &st);
  /* the fast slew stops at 90 % of the budget (729.44); slew_up goes on */
  assert_close(d.value, 781, 0); /* 781.25 applied as an integer */
  gcpulse__gogc_step(c, fake_feat, &k, 40, 0, &d, &st);
  assert_close(d.value, 821, 0);
  assert_false(HAS(d, SLEW_UP));
  free(c);

  /* without recommend_limit there is no SPARE and no fast slew */
  cfg->gogc.recommend_limit = 0;
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_false(HAS(d, SPARE));
  assert_close(d.value, 100, 1e-9);
  free(c);

  /* growth reserve: 10 MiB/s over a 5 s horizon counts as 50 MiB more live */
  cfg->gogc.recommend_limit = 1;
  cfg->gogc.slew_up = 100;
  cfg->gogc.spare_horizon_s = 5;
  fake_set(&k, GCPULSE_FEAT_HEAP_GROWTH, 10 * MIB);
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_true(HAS(d, SPARE));
  assert_close(d.raw, (921.6 - 150) / 150 * 100, 1e-6);
  free(c);

  /* QPS reserve: QPS doubles against its smoothed value: the live heap
   * is taken to double; the reserve then decays over the horizon */
  k.known &= ~(1u << GCPULSE_FEAT_HEAP_GROWTH);
  fake_set(&k, GCPULSE_FEAT_QPS, 1000);
  c = ctl_new(cfg);
  d = one_decision(c, &k, &st);
  assert_close(d.raw, 821.6, 1e-6);
  fake_set(&k, GCPULSE_FEAT_QPS, 2000);
  gcpulse__gogc_step(c, fake_feat, &k, 20, 0, &d, &st);
  assert_true(HAS(d, SPARE));
  assert_close(d.raw, (921.6 - 200) / 200 * 100, 1e-6);
  gcpulse__gogc_step(c, fake_feat, &k, 30, 0, &d, &st);
  /* the reserve is held for the 5 s horizon, then decays over it */
  double kept = 100 * exp(-(10.0 - 5.0) / 5.0);
  assert_close(d.raw, (921.6 - 100 - kept) / (100 + kept) * 100, 1e-6);
  free(c);
  free(cfg);
}

/* ---------------------------------------------------------------------
 * The simulator, controller driven directly with exact features
 * --------------------------------------------------------------------- */

typedef struct drv {
  gosim *s;
  gcpulse__gogc *c;
  gcpulse_t *g; /* public-API path when set */
  gcpulse_stats_t st;
  double leak_t;
  double min_after_leak;
  uint64_t hash;
  size_t n_dec;
  int follow_limit; /* apply the recommended memory limit to the model */
} drv;

static void drv_record(drv *d, const gcpulse_gogc_decision_t *dec) {
  gosim_set_gogc(d->s, dec->value);
  if (d->follow_limit && dec->recommended_limit > 0)
    gosim_set_limit(d->s, dec->recommended_limit);
  if ((dec->reasons >> GCPULSE_GR_LEAK) & 1u) {
    if (d->leak_t < 0) d->leak_t = dec->t;
  }
  if (d->leak_t >= 0 && dec->value < d->min_after_leak)
    d->min_after_leak = dec->value;
  uint64_t x;
  memcpy(&x, &dec->value, sizeof x);
  d->hash = (d->hash ^ x ^ dec->reasons) * 0x100000001b3ull;
  d->n_dec++;
}

static int drv_step(drv *d, int cycle) {
  gcpulse_gogc_decision_t dec;
  int rc = gcpulse__gogc_step(d->c, gosim_feature, d->s, d->s->t, cycle, &dec,
                              &d->st);
  if (rc > 0) drv_record(d, &dec);
  return rc < 0 ? rc : 0;
}
static int drv_event(void *ud, const gcpulse_event_t *ev) {
  (void)ev;
  return drv_step(ud, 1);
}
static int drv_metric(void *ud, int m, double t, double v) {
  (void)t;
  (void)v;
  return m == GCPULSE_METRIC_RSS ? 0 : drv_step(ud, 0);
}

/* Public API path: events and metrics go to the instance; on_gogc sets the
 * simulated GOGC. */
static int api_event(void *ud, const gcpulse_event_t *ev) {
  drv *d = ud;
  return gcpulse_feed_event(d->g, ev);
}
static int api_metric(void *ud, int m, double t, double v) {
  drv *d = ud;
  return gcpulse_feed_metric(d->g, m, t, v);
}
static int api_on_gogc(void *user, const gcpulse_gogc_decision_t *dec) {
  drv_record(user, dec);
  return 0;
}

typedef struct result {
  uint64_t cycles, pulse_cycles, breaches, changes, reversals, decisions;
  double max_fill, gc_cpu, leak_t, min_after_leak, final_gogc, tv;
  double gogc_min, gogc_max;
  uint64_t hash;
} result;

/* Run P for T_END seconds under MODE (-1 = fixed GOGC=100); API selects the
 * public-API path; BACKSTOP sets recommend_limit and applies the
 * recommended runtime memory limit to the model (what the Go package does
 * with SetMemoryLimit). */
static result sim_run_x(const gosim_params *p, double t_end, int mode, int api,
                        double pa, double pb, int backstop) {
  gcpulse_config_t *cfg = cfg_new(mode < 0 ? GCPULSE_GOGC_OFF : mode);
  cfg->memory_limit = p->limit;
  cfg->gogc.recommend_limit = backstop != 0;
  gosim *s = calloc(1, sizeof *s);
  gosim_init(s, p, 100);
  drv d;
  memset(&d, 0, sizeof d);
  d.s = s;
  d.leak_t = -1;
  d.min_after_leak = 1e9;
  d.hash = 14695981039346656037ull;
  d.follow_limit = backstop != 0;
  if (backstop) gosim_set_limit(s, p->limit * p->limit_ratio - p->nonheap);
  gosim_io io;
  if (api) {
    gcpulse_callbacks_t cb;
    gcpulse_callbacks_init(&cb);
    cb.on_gogc = api_on_gogc;
    cb.user = &d;
    cfg->policy_enabled = 0;
    assert_int_equal(gcpulse_new(cfg, &cb, &d.g), 0);
    io.event = api_event;
    io.metric = api_metric;
  } else {
    d.c = ctl_new(cfg);
    io.event = drv_event;
    io.metric = drv_metric;
  }
  io.ud = &d;
  assert_int_equal(gosim_run(s, t_end, &io), 0);
  if (api) gcpulse_stats(d.g, &d.st);
  result r;
  memset(&r, 0, sizeof r);
  r.cycles = s->cycles;
  r.pulse_cycles = gosim_cycles_between(s, pa, pb);
  r.breaches = s->breaches;
  r.max_fill = s->max_fill;
  r.gc_cpu = s->gc_cpu_s / (t_end * p->procs);
  r.changes = d.st.gogc_changes;
  r.reversals = d.st.gogc_reversals;
  r.decisions = d.st.gogc_decisions;
  r.tv = d.st.gogc_total_variation;
  r.leak_t = d.leak_t;
  r.min_after_leak = d.min_after_leak;
  r.final_gogc = s->gogc;
  r.gogc_min = s->gogc_min;
  r.gogc_max = s->gogc_max;
  r.hash = d.hash;
  gcpulse_free(d.g);
  free(d.c);
  free(s);
  free(cfg);
  return r;
}

static result sim_run(const gosim_params *p, double t_end, int mode, int api,
                      double pa, double pb) {
  return sim_run_x(p, t_end, mode, api, pa, pb, 0);
}

static const int all_modes[] = {GCPULSE_GOGC_DUAL_FACTOR,
                                GCPULSE_GOGC_MEMORY_TARGET,
                                GCPULSE_GOGC_CPU_TARGET, GCPULSE_GOGC_ADAPTIVE};

static void scenario_steady(int api) {
  gosim_params p;
  gosim_scn_steady(&p);
  result base = sim_run(&p, 300, -1, api, 0, 300);
  for (size_t i = 0; i < GCPULSE__COUNTOF(all_modes); i++) {
    result r = sim_run(&p, 300, all_modes[i], api, 0, 300);
    print_message("steady %-13s cycles %llu (fixed %llu) gc cpu %.2f%% changes %llu rev %llu\n",
                  gcpulse_gogc_mode_name(all_modes[i]),
                  (unsigned long long)r.cycles, (unsigned long long)base.cycles,
                  100 * r.gc_cpu, (unsigned long long)r.changes,
                  (unsigned long long)r.reversals);
    assert_true(r.decisions >= 25);
    assert_int_equal(r.breaches, 0);
    assert_true(r.reversals <= 1); /* settles, no hunting */
    assert_true(r.changes <= 8);
    if (all_modes[i] == GCPULSE_GOGC_CPU_TARGET ||
        all_modes[i] == GCPULSE_GOGC_ADAPTIVE)
      assert_true(fabs(r.gc_cpu - 0.05) < 0.005); /* holds the 5 % target */
  }
}

static void scenario_pulse(int api) {
  gosim_params p;
  gosim_scn_pulse(&p, 60);
  result base = sim_run(&p, 120, -1, api, 60, 68);
  for (size_t i = 0; i < GCPULSE__COUNTOF(all_modes); i++) {
    result r = sim_run(&p, 120, all_modes[i], api, 60, 68);
    print_message("pulse  %-13s cycles in pulse %llu (fixed GOGC=100: %llu), total %llu (%llu)\n",
                  gcpulse_gogc_mode_name(all_modes[i]),
                  (unsigned long long)r.pulse_cycles,
                  (unsigned long long)base.pulse_cycles,
                  (unsigned long long)r.cycles, (unsigned long long)base.cycles);
    assert_true(r.pulse_cycles < base.pulse_cycles);
    assert_true(r.cycles < base.cycles);
    assert_int_equal(r.breaches, 0);
  }
}

static void scenario_live_step(int api) {
  gosim_params p;
  gosim_scn_live_step(&p, 60, 600, 60);
  result base = sim_run(&p, 240, -1, api, 0, 240);
  assert_true(base.breaches > 0); /* GOGC=100 does breach */
  const int modes[] = {GCPULSE_GOGC_MEMORY_TARGET, GCPULSE_GOGC_ADAPTIVE,
                       GCPULSE_GOGC_CPU_TARGET};
  for (size_t i = 0; i < GCPULSE__COUNTOF(modes); i++) {
    result r = sim_run(&p, 240, modes[i], api, 0, 240);
    print_message("step   %-13s max fill %.1f%% breaches %llu (fixed: %.1f%%, %llu)\n",
                  gcpulse_gogc_mode_name(modes[i]), 100 * r.max_fill,
                  (unsigned long long)r.breaches, 100 * base.max_fill,
                  (unsigned long long)base.breaches);
    assert_int_equal(r.breaches, 0);
    assert_true(r.max_fill <= 1.0);
  }
}

static void scenario_leak(int api) {
  gosim_params p;
  gosim_scn_leak(&p, 60, 0.5, 1200);
  for (size_t i = 0; i < GCPULSE__COUNTOF(all_modes); i++) {
    result r = sim_run(&p, 1260, all_modes[i], api, 0, 1260);
    print_message("leak   %-13s reported at %.0f s, min GOGC after %.1f, final %.1f\n",
                  gcpulse_gogc_mode_name(all_modes[i]), r.leak_t,
                  r.min_after_leak, r.final_gogc);
    assert_true(r.leak_t > 60 && r.leak_t < 60 + 120); /* leak_window_s 60 */
    /* not chased forever: GOGC stops falling well above the minimum */
    assert_true(r.min_after_leak > 25);
    assert_true(r.final_gogc >= r.min_after_leak);
  }
}

static void scenario_square(int api) {
  gosim_params p;
  gosim_scn_square(&p, 20, 16); /* 15 input reversals */
  for (size_t i = 0; i < GCPULSE__COUNTOF(all_modes); i++) {
    result r = sim_run(&p, 320, all_modes[i], api, 0, 320);
    print_message("square %-13s changes %llu reversals %llu TV %.1f\n",
                  gcpulse_gogc_mode_name(all_modes[i]),
                  (unsigned long long)r.changes,
                  (unsigned long long)r.reversals, r.tv);
    assert_true(r.reversals <= 10);
    assert_true(r.changes <= 20);
    assert_int_equal(r.breaches, 0);
  }
}

/* Adaptive with the runtime limit as a backstop (rule BACKSTOP): a live
 * step to 600 MiB (of a 1 GiB limit) is left to the runtime limit instead
 * of driving GOGC towards the minimum: no breach, GOGC never below 100,
 * far fewer cycles and less GC CPU than the hard budget bound. */
static void scenario_backstop(int api) {
  gosim_params p;
  gosim_scn_live_step(&p, 60, 600, 60);
  result hard = sim_run_x(&p, 240, GCPULSE_GOGC_ADAPTIVE, api, 0, 240, 0);
  result soft = sim_run_x(&p, 240, GCPULSE_GOGC_ADAPTIVE, api, 0, 240, 1);
  print_message("backstop step: cycles %llu (hard budget %llu) gc cpu %.2f%% (%.2f%%) "
                "GOGC min %.0f (%.0f) max fill %.4f (%.4f)\n",
                (unsigned long long)soft.cycles, (unsigned long long)hard.cycles,
                100 * soft.gc_cpu, 100 * hard.gc_cpu, soft.gogc_min,
                hard.gogc_min, soft.max_fill, hard.max_fill);
  assert_int_equal(soft.breaches, 0);
  assert_true(soft.max_fill <= 1.0);
  assert_true(soft.gogc_min >= 100);
  assert_true(hard.gogc_min < 100); /* the hard bound does go below */
  assert_true(soft.cycles * 2 < hard.cycles);
  assert_true(soft.gc_cpu < hard.gc_cpu);
  assert_true(soft.reversals <= 3);
  /* the traffic pulse: no breach, fewer cycles than the hard bound */
  gosim_scn_pulse(&p, 60);
  hard = sim_run_x(&p, 120, GCPULSE_GOGC_ADAPTIVE, api, 60, 68, 0);
  soft = sim_run_x(&p, 120, GCPULSE_GOGC_ADAPTIVE, api, 60, 68, 1);
  assert_int_equal(soft.breaches, 0);
  assert_true(soft.pulse_cycles <= hard.pulse_cycles);
}

/* Adaptive with the backstop spends the spare budget (rule SPARE): in the
 * steady state it settles at the memory-target value instead of the 5 %
 * GC CPU target -- a fraction of the cycles and GC CPU, no breach, no
 * hunting; a square wave of traffic does not make it oscillate. */
static void scenario_spare(int api) {
  gosim_params p;
  gosim_scn_steady(&p);
  result econ = sim_run_x(&p, 300, GCPULSE_GOGC_ADAPTIVE, api, 0, 300, 0);
  result spare = sim_run_x(&p, 300, GCPULSE_GOGC_ADAPTIVE, api, 0, 300, 1);
  print_message("spare steady: cycles %llu (economy only %llu) gc cpu %.2f%% (%.2f%%) "
                "changes %llu max fill %.3f GOGC max %.0f\n",
                (unsigned long long)spare.cycles, (unsigned long long)econ.cycles,
                100 * spare.gc_cpu, 100 * econ.gc_cpu,
                (unsigned long long)spare.changes, spare.max_fill, spare.gogc_max);
  assert_int_equal(spare.breaches, 0);
  assert_true(spare.cycles * 2 < econ.cycles);
  assert_true(spare.gc_cpu < 0.5 * econ.gc_cpu);
  assert_true(spare.reversals <= 1);
  assert_true(spare.changes <= 8);
  /* the rise towards the bound (500) uses slew_up_spare after the first
   * SPARE decision and stops within the dead-band of it */
  assert_true(spare.gogc_max >= 450);
  gosim_scn_square(&p, 20, 16);
  result sq = sim_run_x(&p, 320, GCPULSE_GOGC_ADAPTIVE, api, 0, 320, 1);
  print_message("spare square: changes %llu reversals %llu TV %.1f\n",
                (unsigned long long)sq.changes,
                (unsigned long long)sq.reversals, sq.tv);
  assert_int_equal(sq.breaches, 0);
  assert_true(sq.reversals <= 10);
  assert_true(sq.changes <= 20);
}

static void scenario_determinism(int api) {
  gosim_params p;
  gosim_scn_pulse(&p, 30);
  p.jitter = 0.1;
  p.seed = 7;
  for (size_t i = 0; i < GCPULSE__COUNTOF(all_modes); i++) {
    result a = sim_run(&p, 200, all_modes[i], api, 0, 200);
    result b = sim_run(&p, 200, all_modes[i], api, 0, 200);
    assert_true(a.decisions > 0);
    assert_true(a.hash == b.hash);
    assert_true(a.cycles == b.cycles && a.changes == b.changes);
    assert_true(a.tv == b.tv);
  }
}

static void test_sim_steady(void **state) { (void)state; scenario_steady(0); }
static void test_sim_pulse(void **state) { (void)state; scenario_pulse(0); }
static void test_sim_live_step(void **state) { (void)state; scenario_live_step(0); }
static void test_sim_leak(void **state) { (void)state; scenario_leak(0); }
static void test_sim_square(void **state) { (void)state; scenario_square(0); }
static void test_sim_determinism(void **state) { (void)state; scenario_determinism(0); }
static void test_sim_backstop(void **state) { (void)state; scenario_backstop(0); }
static void test_sim_spare(void **state) { (void)state; scenario_spare(0); }

/* The same scenarios through the public API (events + metrics + on_gogc). */
static void test_api_steady(void **state) { (void)state; scenario_steady(1); }
static void test_api_pulse(void **state) { (void)state; scenario_pulse(1); }
static void test_api_live_step(void **state) { (void)state; scenario_live_step(1); }
static void test_api_leak(void **state) { (void)state; scenario_leak(1); }
static void test_api_square(void **state) { (void)state; scenario_square(1); }
static void test_api_determinism(void **state) { (void)state; scenario_determinism(1); }
static void test_api_backstop(void **state) { (void)state; scenario_backstop(1); }
static void test_api_spare(void **state) { (void)state; scenario_spare(1); }


/* ---------------------------------------------------------------------
 * Event-driven timing, the backstop's fast rise, JVM, one memory limit
 * --------------------------------------------------------------------- */

typedef struct seen {
  int decisions, actions;
  gcpulse_gogc_decision_t last;
  char last_action[64];
} seen;

static int seen_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  seen *s = user;
  s->decisions++;
  s->last = *d;
  return 0;
}

static int seen_action(void *user, const gcpulse_action_t *a) {
  seen *s = user;
  if (!a->suppressed) {
    s->actions++;
    snprintf(s->last_action, sizeof s->last_action, "%s", a->rule);
  }
  return 0;
}

/* A Go cycle at T with LIVE MiB live (goal at GOGC 100). */
static gcpulse_event_t go_cycle(double t, double live_mib) {
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_GO;
  ev.collector = GCPULSE_COLLECTOR_GO;
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.t = t;
  ev.heap_live = (uint64_t)(live_mib * MIB);
  ev.heap_before = ev.heap_live * 2;
  ev.heap_after = ev.heap_live;
  ev.heap_goal = ev.heap_live * 2;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL);
  return ev;
}

/* Through the public API: nothing before the first GC cycle, a decision
 * at every cycle, and a tick decides only period_s after the last
 * decision. */
static void test_event_driven_timing(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  cfg->memory_limit = 1024 * MIB;
  cfg->policy_enabled = 0;
  seen sn;
  memset(&sn, 0, sizeof sn);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_gogc = seen_gogc;
  cb.user = &sn;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  for (int i = 0; i < 20; i++) /* 20 s of ticks and QPS, no GC */
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, i, 500), 0);
  assert_int_equal(sn.decisions, 0);
  gcpulse_event_t ev = go_cycle(20.5, 20);
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_int_equal(sn.decisions, 1); /* the first GC decides */
  assert_close(sn.last.t, 20.5, 1e-9);
  for (int i = 1; i <= 5; i++) {
    ev = go_cycle(20.5 + 0.1 * i, 20);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  }
  assert_int_equal(sn.decisions, 6); /* every cycle */
  assert_int_equal(gcpulse_tick(g, 23), 0);
  assert_int_equal(sn.decisions, 6); /* 2.5 s < period_s */
  assert_int_equal(gcpulse_tick(g, 26), 0);
  assert_int_equal(sn.decisions, 7); /* 5.5 s >= period_s (5) */
  assert_int_equal(gcpulse_tick(g, 27), 0);
  assert_int_equal(sn.decisions, 7);
  assert_true(sn.last.value == floor(sn.last.value));
  gcpulse_free(g);
  free(cfg);
}

/* With the runtime limit applied (recommend_limit) and headroom, the
 * budget's GOGC (here the bound, 500) is reached at the second GC cycle;
 * when a live-heap step puts the projected peak over the budget the next
 * cycle drops at once (no slew, no dwell), and a drop is never pulled
 * below df_base by the budget (the backstop takes the peak). */
static void test_backstop_two_cycles(void **state) {
  (void)state;
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  cfg->memory_limit = 1024 * MIB; /* budget 921.6 MiB */
  cfg->gogc.recommend_limit = 1;
  fake k;
  memset(&k, 0, sizeof k);
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 20 * MIB);
  fake_set(&k, GCPULSE_FEAT_GC_CPU_FRACTION, 0.01);
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);
  gcpulse__gogc *c = ctl_new(cfg);
  gcpulse_gogc_decision_t d;
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 0.0, 1, &d, &st), 1);
  assert_true(HAS(d, SPARE));
  assert_close(d.value, 125, 0); /* first SPARE decision: slew_up */
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 0.2, 1, &d, &st), 1);
  assert_true(HAS(d, SPARE));
  assert_false(HAS(d, DWELL)); /* a SPARE rise continuing a rise */
  assert_close(d.value, 500, 0); /* the bound, at the second cycle */
  /* live steps to 400 MiB: peak at 500 is 2.4 GiB; budget GOGC 130.4 */
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 400 * MIB);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 0.4, 1, &d, &st), 1);
  assert_true(HAS(d, BUDGET_URGENT));
  assert_close(d.value, 130, 0);
  /* 900 MiB: the budget would ask for 2.4; the backstop holds df_base */
  fake_set(&k, GCPULSE_FEAT_HEAP_LIVE, 900 * MIB);
  assert_int_equal(gcpulse__gogc_step(c, fake_feat, &k, 0.6, 1, &d, &st), 1);
  assert_true(HAS(d, BACKSTOP));
  assert_close(d.value, 100, 0);
  free(c);
  free(cfg);
}

/* A JVM log: no GOGC decision, no GOGC feature; the memory limit is the
 * -Xmx the log states (gc,init "Heap Max Capacity: 64M") and the
 * heap-vs-limit feature works.  A log that states none (-Xlog:gc only)
 * and never proves its committed heap is the maximum (no full GC or
 * remark leaving it >= 70 % full) has no limit: its "(N)" capacities grow
 * with the heap and are not one. */
static void test_jvm_no_gogc(void **state) {
  (void)state;
  static const struct {
    const char *path;
    double limit;
  } logs[] = {{"tests/data/jvm/jdk17-g1-alldecor.log", 64 * MIB},
              {"tests/data/jvm/jdk17-g1-gconly.log", 0}};
  for (size_t i = 0; i < sizeof logs / sizeof logs[0]; i++) {
    size_t len;
    char *data = tu_read_file(logs[i].path, &len);
    assert_non_null(data);
    gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
    seen sn;
    memset(&sn, 0, sizeof sn);
    gcpulse_callbacks_t cb;
    gcpulse_callbacks_init(&cb);
    cb.on_gogc = seen_gogc;
    cb.user = &sn;
    gcpulse_t *g = NULL;
    assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
    assert_int_equal(tu_feed_chunks(g, data, len, 0, 1), 0);
    gcpulse_stats_t st;
    gcpulse_stats(g, &st);
    assert_true(st.events > 0);
    assert_int_equal(sn.decisions, 0);
    assert_int_equal(st.gogc_decisions, 0);
    double v = 0;
    assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_GOGC, GCPULSE_STAT_VALUE, &v),
                     GCPULSE_WHY_NO_DATA);
    if (logs[i].limit > 0) {
      assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v), 0);
      assert_close(v, logs[i].limit, 0);
      assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE, &v), 0);
      assert_true(v > 0 && v <= 1);
    } else {
      assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v),
                       GCPULSE_WHY_NO_LIMIT);
      assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE, &v),
                       GCPULSE_WHY_NO_LIMIT);
    }
    gcpulse_free(g);
    free(cfg);
    free(data);
  }
}

/* One memory limit: with the config at 1 GiB and a fed metric of 512 MiB,
 * the window's feature, the controller's budget and a policy rule on
 * memory_limit_bytes all see 1 GiB; without the config all see 512 MiB. */
/* the probe rule, in C so that the JSON=0 build runs the test too */
static void add_limit_probe(gcpulse_config_t *cfg) {
  cfg->policy_defaults = 0;
  cfg->warmup_s = 0;
  cfg->settle_s = 0;
  cfg->policy_period_s = 5;
  gcpulse_rule_t *r = &cfg->rules[0];
  memset(r, 0, sizeof *r);
  snprintf(r->id, sizeof r->id, "limit_probe");
  snprintf(r->group, sizeof r->group, "probe");
  r->direction = GCPULSE_DIR_ESCALATE;
  r->n_conditions = 1;
  r->conditions[0] = (gcpulse_condition_t){
      .feature = GCPULSE_FEAT_MEMORY_LIMIT, .stat = GCPULSE_STAT_VALUE,
      .op = GCPULSE_OP_GT, .enter = 805306368, .exit = 805306368,
      .n = 1, .m = 1, .missing = GCPULSE_MISSING_MISSING};
  r->n_actions = 1;
  snprintf(r->actions[0].name, sizeof r->actions[0].name, "scale_up_memory");
  r->actions[0].magnitude = 1;
  r->cooldown_s = -1;
  r->stabilization_s = -1;
  cfg->n_rules = 1;
}

static void limit_run(double cfg_limit, double metric, double want) {
  gcpulse_config_t *cfg = cfg_new(GCPULSE_GOGC_ADAPTIVE);
  add_limit_probe(cfg);
  gcpulse_error_t err;
  int rc = gcpulse_config_check(cfg, &err);
  if (rc != 0) print_message("%s: %s\n", err.path, err.text);
  assert_int_equal(rc, 0);
  cfg->memory_limit = cfg_limit;
  seen sn;
  memset(&sn, 0, sizeof sn);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_gogc = seen_gogc;
  cb.on_action = seen_action;
  cb.user = &sn;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_MEMORY_LIMIT, 0, metric), 0);
  for (int i = 1; i <= 40; i++) {
    gcpulse_event_t ev = go_cycle(0.5 * i, 50);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  }
  double v = 0;
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v), 0);
  assert_close(v, want, 0);                                   /* window */
  assert_true(sn.decisions > 0);
  assert_close(sn.last.budget_bytes, want * cfg->gogc.limit_ratio, 1); /* controller */
  assert_int_equal(sn.actions > 0, want > 768 * MIB);         /* policy */
  gcpulse_free(g);
  free(cfg);
}

static void test_limit_agreement(void **state) {
  (void)state;
  limit_run(1024 * MIB, 512 * MIB, 1024 * MIB); /* config first */
  limit_run(0, 512 * MIB, 512 * MIB);           /* then the metric */
  limit_run(0, 1024 * MIB, 1024 * MIB);
}

/* ---------------------------------------------------------------------
 * Real traces (recorded here, tests/data/go): the same decisions twice
 * --------------------------------------------------------------------- */

typedef struct rec {
  size_t n;
  uint64_t hash;
  int bad;
  double min, max;
} rec;

static int rec_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  rec *r = user;
  char buf[2048];
  long n = gcpulse_gogc_to_json(d, buf, sizeof buf);
  if (n <= 0 || (size_t)n >= sizeof buf || !isfinite(d->value)) r->bad++;
  if (d->value >= 0 && (d->value < r->min || d->value > r->max)) r->bad++;
  for (long i = 0; i < n; i++)
    r->hash = (r->hash ^ (unsigned char)buf[i]) * 0x100000001b3ull;
  r->n++;
  return 0;
}

static rec replay(const char *path, int mode) {
  size_t len;
  char *data = tu_read_file(path, &len);
  assert_non_null(data);
  gcpulse_config_t *cfg = cfg_new(mode);
  cfg->memory_limit = 512 * MIB;
  cfg->gogc.recommend_limit = 1;
  rec r;
  memset(&r, 0, sizeof r);
  r.hash = 14695981039346656037ull;
  r.min = cfg->gogc.min;
  r.max = cfg->gogc.max;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_gogc = rec_gogc;
  cb.user = &r;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  assert_int_equal(tu_feed_chunks(g, data, len, 2, 3), 0);
  gcpulse_free(g);
  free(cfg);
  free(data);
  return r;
}

static void test_trace_determinism(void **state) {
  (void)state;
  const char *files[] = {"tests/data/go/go1.23-pulse-500to3200.log",
                         "tests/data/go/go1.23-livepulse-memlimit144m.log"};
  for (size_t i = 0; i < GCPULSE__COUNTOF(files); i++) {
    for (size_t m = 0; m < GCPULSE__COUNTOF(all_modes); m++) {
      rec a = replay(files[i], all_modes[m]);
      rec b = replay(files[i], all_modes[m]);
      print_message("%s %s: %zu decisions\n", files[i],
                    gcpulse_gogc_mode_name(all_modes[m]), a.n);
      assert_int_equal(a.bad, 0);
      /* a decision at every GC cycle of the trace */
      assert_true(a.n >= (all_modes[m] == GCPULSE_GOGC_DUAL_FACTOR ? 1u : 30u));
      assert_int_equal(a.n, b.n);
      assert_true(a.hash == b.hash);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_config),
      cmocka_unit_test(test_dual_factor_table),
      cmocka_unit_test(test_dual_factor_constants_and_bounds),
      cmocka_unit_test(test_slew_deadband_dwell),
      cmocka_unit_test(test_oscillation_counters),
      cmocka_unit_test(test_unknown_holds),
      cmocka_unit_test(test_gogc_off),
      cmocka_unit_test(test_never_nan_or_out_of_bounds),
      cmocka_unit_test(test_memory_target_solve),
      cmocka_unit_test(test_urgent_drop),
      cmocka_unit_test(test_spare_slew_and_reserve),
      cmocka_unit_test(test_sim_steady),
      cmocka_unit_test(test_sim_pulse),
      cmocka_unit_test(test_sim_live_step),
      cmocka_unit_test(test_sim_leak),
      cmocka_unit_test(test_sim_square),
      cmocka_unit_test(test_sim_determinism),
      cmocka_unit_test(test_sim_backstop),
      cmocka_unit_test(test_sim_spare),
      cmocka_unit_test(test_api_steady),
      cmocka_unit_test(test_api_pulse),
      cmocka_unit_test(test_api_live_step),
      cmocka_unit_test(test_api_leak),
      cmocka_unit_test(test_api_square),
      cmocka_unit_test(test_api_determinism),
      cmocka_unit_test(test_api_backstop),
      cmocka_unit_test(test_api_spare),
      cmocka_unit_test(test_event_driven_timing),
      cmocka_unit_test(test_backstop_two_cycles),
      cmocka_unit_test(test_jvm_no_gogc),
      cmocka_unit_test(test_limit_agreement),
      cmocka_unit_test(test_trace_determinism),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

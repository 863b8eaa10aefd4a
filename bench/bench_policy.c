/* bench_policy.c — cost of the scaling-policy table (T7).
 *
 *   full evaluation   64 rules x 4 conditions (8 groups, all directions,
 *                     explain_suppressed on, so every matched rule builds
 *                     and emits a record), reading a real window filled
 *                     with 60 s of Go-like events; target <= 50 us.  Also
 *                     with a constant feature reader, to separate the
 *                     table's own cost from the window reads.
 *   idle step         gcpulse__policy_step when the period has not
 *                     elapsed: it runs after every event, metric and tick,
 *                     so it must cost a few ns.
 *
 * CPU time of this thread (the machine may be shared), best of 7 batches.
 * BENCH_QUICK=1 runs a short smoke version. */
#include "policy.h"
#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static long emitted;
static int emit(void *ctx, const gcpulse_action_t *a) {
  (void)ctx;
  emitted += a->n_conditions;
  return 0;
}

/* A constant reader: every feature known, value 1. */
static int const_feat(const void *ctx, int f, int s, double *out) {
  (void)ctx;
  (void)f;
  (void)s;
  *out = 1.0;
  return 0;
}

/* A statistic the window keeps for F, varied by K. */
static int pick_stat(int f, int k) {
  static const int pref[] = {GCPULSE_STAT_SLOPE, GCPULSE_STAT_P99,
                             GCPULSE_STAT_EWMA, GCPULSE_STAT_MEAN,
                             GCPULSE_STAT_VALUE};
  for (int i = 0; i < 5; i++) {
    int s = pref[(i + k) % 5];
    if (gcpulse__window_supports(f, s)) return s;
  }
  return GCPULSE_STAT_VALUE;
}

/* 64 rules of 4 conditions on Go-applicable features, thresholds spread
 * so that about half the conditions are true. */
static void build_table(gcpulse_config_t *cfg) {
  static const int feats[] = {
      GCPULSE_FEAT_GC_RATE,        GCPULSE_FEAT_GC_INTERVAL,
      GCPULSE_FEAT_PAUSE,          GCPULSE_FEAT_STW_FRACTION,
      GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_FEAT_HEAP_LIVE,
      GCPULSE_FEAT_HEAP_GOAL,      GCPULSE_FEAT_HEAP_BEFORE,
      GCPULSE_FEAT_ALLOC_RATE,     GCPULSE_FEAT_HEAP_GROWTH,
      GCPULSE_FEAT_GC_COUNT,       GCPULSE_FEAT_HEAP_AFTER};
  const int nf = (int)(sizeof feats / sizeof feats[0]);
  cfg->policy_defaults = 0;
  cfg->max_rules = GCPULSE_RULES_MAX;
  cfg->explain_suppressed = 1;
  cfg->warmup_s = 0;
  cfg->n_rules = GCPULSE_RULES_MAX;
  for (int i = 0; i < GCPULSE_RULES_MAX; i++) {
    gcpulse_rule_t *r = &cfg->rules[i];
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "rule%02d", i);
    snprintf(r->group, sizeof r->group, "g%d", i % 8);
    r->priority = i % 7;
    r->direction = (i % 3) - 1;
    r->any = i % 4 == 0;
    r->cooldown_s = -1;
    r->stabilization_s = r->direction < 0 ? 30 : -1;
    r->n_conditions = GCPULSE_CONDS_MAX;
    for (int c = 0; c < GCPULSE_CONDS_MAX; c++) {
      gcpulse_condition_t *k = &r->conditions[c];
      k->feature = feats[(i * 5 + c * 3) % nf];
      k->stat = pick_stat(k->feature, i + c);
      k->op = (i + c) % 2 ? GCPULSE_OP_GT : GCPULSE_OP_LT;
      k->enter = (i + c) % 3 == 0 ? 0.0 : 1e6;
      k->exit = k->enter;
      k->m = 1 + (i + c) % 8;
      k->n = 1 + (k->m - 1) / 2;
      k->missing = c % 4;
    }
    r->n_actions = 1 + i % 2;
    for (int a = 0; a < r->n_actions; a++) {
      snprintf(r->actions[a].name, sizeof r->actions[a].name, "act%d",
               (i * 2 + a) % 24);
      r->actions[a].magnitude = 1 + a;
    }
  }
}

int main(void) {
  int quick = getenv("BENCH_QUICK") != NULL;
  gcpulse_config_t *cfg = calloc(1, sizeof *cfg);
  gcpulse_config_init(cfg);
  build_table(cfg);
  gcpulse_error_t err;
  if (gcpulse_config_check(cfg, &err) != 0) {
    fprintf(stderr, "config: %s: %s\n", err.path, err.text);
    return 1;
  }

  /* a window with 60 s of Go-like events, ~100/s */
  gcpulse__window *w = calloc(1, gcpulse__window_size(cfg));
  gcpulse__window_init(w, cfg);
  gcpulse_event_t e;
  gcpulse_event_init(&e);
  e.runtime = GCPULSE_RT_GO;
  e.collector = GCPULSE_COLLECTOR_GO;
  e.kind = GCPULSE_KIND_GO_CYCLE;
  e.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
            GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS) |
            GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_MS) | GCPULSE_BIT(GCPULSE_FIELD_PROCS) |
            GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
            GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
            GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) | GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL);
  double t = 0;
  for (int i = 0; i < 6000; i++) {
    e.t = t += 0.005 + (double)(next() & 1023) * 1e-5;
    e.pause_ms = 0.05 + (double)(next() % 1000) / 1000.0;
    e.concurrent_ms = 1.0;
    e.gc_cpu_ms = 2.5;
    e.procs = 8;
    e.heap_before = (40u + next() % 8) << 20;
    e.heap_after = e.heap_before + (1u << 20);
    e.heap_live = (20u + next() % 4) << 20;
    e.heap_goal = 40u << 20;
    gcpulse__window_event(w, &e);
  }

  gcpulse__policy *p = calloc(1, gcpulse__policy_size(cfg));
  gcpulse__policy_init(p, cfg);
  gcpulse_stats_t st;
  memset(&st, 0, sizeof st);

  /* ---- full evaluation (forced), real window ---- */
  long n = quick ? 2000 : 100000;
  double best = 1e30, worst_batch = 0, t0;
  double pt = t;
  for (int rep = 0; rep < 7; rep++) {
    t0 = now_ns();
    for (long i = 0; i < n / 7; i++) {
      pt += cfg->policy_period_s;
      gcpulse__policy_step(p, gcpulse__window_feature, w, pt, GCPULSE__EVAL_NOW,
                           emit, NULL, &st);
    }
    double ns = (now_ns() - t0) / (double)(n / 7);
    if (ns < best) best = ns;
    if (ns > worst_batch) worst_batch = ns;
  }
  printf("full evaluation, 64 rules x 4 conditions, real window: %.2f us "
         "(best of 7; worst batch %.2f us; target <= 50 us)\n",
         best / 1000.0, worst_batch / 1000.0);
  printf("  %.1f records emitted per evaluation\n",
         (double)emitted / (double)GCPULSE_CONDS_MAX / (double)st.policy_evaluations);

  /* ---- the default table (11 rules), real window, every evaluation: what
   * an instance with defaults pays at each GC cycle (at most once per
   * min_eval_s) ---- */
  {
    gcpulse_config_t *dcfg = calloc(1, sizeof *dcfg);
    gcpulse_config_init(dcfg);
    dcfg->explain_suppressed = 1;
    gcpulse__policy *dp = calloc(1, gcpulse__policy_size(dcfg));
    gcpulse__policy_init(dp, dcfg);
    double dt_best = 1e30, dpt = t;
    for (int rep = 0; rep < 7; rep++) {
      t0 = now_ns();
      for (long i = 0; i < n / 7; i++) {
        dpt += dcfg->policy_min_eval_s;
        gcpulse__policy_step(dp, gcpulse__window_feature, w, dpt,
                             GCPULSE__EVAL_SOON, emit, NULL, &st);
      }
      double ns = (now_ns() - t0) / (double)(n / 7);
      if (ns < dt_best) dt_best = ns;
    }
    printf("default table (%d rules), real window, one evaluation: %.2f us "
           "(best of 7)\n",
           gcpulse__policy_merge(dcfg, NULL, 0), dt_best / 1000.0);
    free(dp);
    free(dcfg);
  }

  /* ---- same with a constant reader: the table's own cost ---- */
  gcpulse__policy_reset(p);
  best = 1e30;
  for (int rep = 0; rep < 7; rep++) {
    t0 = now_ns();
    for (long i = 0; i < n / 7; i++) {
      pt += cfg->policy_period_s;
      gcpulse__policy_step(p, const_feat, NULL, pt, GCPULSE__EVAL_NOW, emit,
                           NULL, &st);
    }
    double ns = (now_ns() - t0) / (double)(n / 7);
    if (ns < best) best = ns;
  }
  printf("full evaluation, constant feature reader: %.2f us (best of 7)\n",
         best / 1000.0);

  /* ---- idle step: the period has not elapsed ---- */
  gcpulse__policy_reset(p);
  gcpulse__policy_step(p, gcpulse__window_feature, w, pt, GCPULSE__EVAL_DUE,
                       emit, NULL, &st);
  uint64_t evals = st.policy_evaluations;
  long ni = quick ? 2000000 : 100000000;
  double dt = cfg->policy_period_s * 0.5 / (double)ni; /* never reaches the period */
  best = 1e30;
  double tt = pt;
  for (int rep = 0; rep < 7; rep++) {
    t0 = now_ns();
    for (long i = 0; i < ni / 7; i++) {
      tt += dt;
      gcpulse__policy_step(p, gcpulse__window_feature, w, tt, GCPULSE__EVAL_DUE,
                           emit, NULL, &st);
    }
    double ns = (now_ns() - t0) / (double)(ni / 7);
    if (ns < best) best = ns;
  }
  if (st.policy_evaluations != evals) {
    fprintf(stderr, "idle loop evaluated: bench is wrong\n");
    return 1;
  }
  printf("idle step (period not elapsed): %.2f ns/call (best of 7)\n", best);
  printf("policy block for this table: %zu B\n", gcpulse__policy_size(cfg));

  free(p);
  free(w);
  free(cfg);
  return 0;
}

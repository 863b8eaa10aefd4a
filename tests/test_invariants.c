/* test_invariants.c — property tests over seeded random streams (issue 9).
 *
 * Random configurations (every GOGC mode, random bounds, slew limits,
 * dwell, dead-band, budgets, policy windows, dry-run) are driven with
 * random structured GC events, caller metrics and ticks through the public
 * API.  Checked on every callback and at the end:
 *   - GOGC is finite, within [min, max] (or stays "off"), each decision's
 *     previous value is the last decision's value, it never rises faster
 *     than slew_up nor falls faster than slew_down unless the decision is
 *     budget-urgent, and changes are at least dwell_s apart (unless urgent);
 *   - the policy never applies two opposite actions of one group inside
 *     the stabilisation window of the later one or the settle time;
 *     dry-run never applies; suppressed records carry final = 0;
 *   - the counters add up: decisions/changes/reversals/total variation
 *     against what the callbacks saw, events and metrics against what was
 *     accepted, diags against by_reason, and for text every line is
 *     either skipped or recognised (lines = skipped + recognised).
 * Seeds are fixed; GCPULSE_VALGRIND=1 (set by tests/valgrind.sh) or
 * GCPULSE_QUICK=1 shrinks the loops. */
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int quick(void) {
  const char *v = getenv("GCPULSE_VALGRIND");
  const char *q = getenv("GCPULSE_QUICK");
  return (v && *v && *v != '0') || (q && *q && *q != '0');
}

typedef struct rng {
  uint64_t s;
} rng;
static uint64_t rnext(rng *r) {
  r->s ^= r->s << 13;
  r->s ^= r->s >> 7;
  r->s ^= r->s << 17;
  return r->s;
}
static double runif(rng *r, double a, double b) {
  return a + (b - a) * (double)(rnext(r) >> 11) / 9007199254740992.0;
}
static int rint_(rng *r, int n) { return (int)(rnext(r) % (uint64_t)n); }

/* ---------------------------------------------------------------------
 * Observer: checks every decision and action as it arrives
 * --------------------------------------------------------------------- */

typedef struct obs {
  const gcpulse_config_t *cfg;
  int own_rules;              /* the two rules below are the whole table */
  double last_value;
  double last_t;
  double last_change_t;
  int have_change;
  int last_dir;
  uint64_t decisions, changes, reversals;
  double variation;
  uint64_t actions, suppressed;
  double applied_t[3];        /* last applied (or dry-run would-apply) per direction */
  uint64_t events;
  gcpulse_t *g;               /* for stats queries from callbacks */
  uint64_t resets;            /* window resets seen at the last decision */
  uint64_t restarts;          /* restarts seen at the last action */
  int failed;
  char why[256];
  uint64_t opposite;          /* opposite-action violations */
  char opposite_why[256];
} obs;

#define OBS_FAIL(o, ...)                                                      \
  do {                                                                        \
    if (!(o)->failed) snprintf((o)->why, sizeof (o)->why, __VA_ARGS__);       \
    (o)->failed = 1;                                                          \
  } while (0)

static int on_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  obs *o = user;
  const gcpulse_gogc_config_t *c = &o->cfg->gogc;
  const double f[] = {d->t, d->value, d->previous, d->raw, d->after_bounds,
                      d->after_slew, d->after_deadband, d->after_dwell,
                      d->recommended_limit, d->qps, d->growth_bps, d->live_bytes,
                      d->goal_bytes, d->stacks_globals_bytes,
                      d->gc_cpu_fraction, d->budget_bytes,
                      d->projected_peak_bytes};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (!isfinite(f[i])) OBS_FAIL(o, "decision field %zu not finite", i);
  if (c->initial < 0) {
    if (d->value != c->initial) OBS_FAIL(o, "GOGC=off changed to %g", d->value);
  } else if (!(d->value >= c->min && d->value <= c->max)) {
    OBS_FAIL(o, "GOGC %g outside [%g, %g]", d->value, c->min, c->max);
  }
  if (d->previous != o->last_value)
    OBS_FAIL(o, "previous %g but last decision was %g", d->previous,
             o->last_value);
  if (o->g) {
    /* a window reset (restart, gap) may move the clock back */
    gcpulse_stats_t st;
    gcpulse_stats(o->g, &st);
    if (st.window_resets != o->resets) {
      o->resets = st.window_resets;
      o->last_t = -INFINITY;
      o->have_change = 0;
    }
  }
  if (d->t < o->last_t) OBS_FAIL(o, "decision time went back %g -> %g",
                                 o->last_t, d->t);
  int urgent = (d->reasons >> GCPULSE_GR_BUDGET_URGENT) & 1;
  if (d->previous > 0 && d->value > 0) {
    /* gogc owner (issue 6/8): a rise carrying the SPARE reason may use the
     * larger of slew_up and slew_up_spare; any other rise is held to slew_up */
    double up = c->slew_up;
    if (((d->reasons >> GCPULSE_GR_SPARE) & 1) && c->slew_up_spare > up)
      up = c->slew_up_spare;
    if (d->value > d->previous * (1 + up) * (1 + 1e-12) + 1e-9)
      OBS_FAIL(o, "GOGC rose %g -> %g, slew limit %g", d->previous, d->value,
               up);
    double floor_v = d->previous * (1 - c->slew_down);
    if (floor_v < c->min) floor_v = c->min;
    if (!urgent && d->value < floor_v * (1 - 1e-12) - 1e-9)
      OBS_FAIL(o, "GOGC fell %g -> %g, slew_down %g, not urgent",
               d->previous, d->value, c->slew_down);
  }
  if (d->changed != (d->value != d->previous)) OBS_FAIL(o, "changed flag");
  if (d->value >= 0 && d->value != floor(d->value))
    OBS_FAIL(o, "GOGC %g is not the integer applied", d->value);
  if (d->value != d->after_dwell) OBS_FAIL(o, "value != after_dwell");
  if (d->changed) {
    /* a SPARE rise continuing a rise skips dwell_s (issue 13) */
    int spare_on = ((d->reasons >> GCPULSE_GR_SPARE) & 1) &&
                   d->value > d->previous && o->last_dir > 0;
    if (o->have_change && !urgent && !spare_on &&
        d->t - o->last_change_t < c->dwell_s - 1e-9)
      OBS_FAIL(o, "changes %g s apart, dwell %g", d->t - o->last_change_t,
               c->dwell_s);
    int dir = d->value > d->previous ? 1 : -1;
    if (o->last_dir && dir != o->last_dir) o->reversals++;
    o->last_dir = dir;
    o->changes++;
    o->variation += fabs(d->value - d->previous);
    o->last_change_t = d->t;
    o->have_change = 1;
  }
  o->decisions++;
  o->last_value = d->value;
  o->last_t = d->t;
  return 0;
}

static int on_action(void *user, const gcpulse_action_t *a) {
  obs *o = user;
  const gcpulse_config_t *cfg = o->cfg;
  if (!isfinite(a->t) || !isfinite(a->raw) || !isfinite(a->stabilized) ||
      !isfinite(a->limited) || !isfinite(a->final))
    OBS_FAIL(o, "action value not finite");
  if (a->applied && a->suppressed) OBS_FAIL(o, "applied and suppressed");
  if (cfg->dry_run && a->applied) OBS_FAIL(o, "applied in dry-run");
  if (a->suppressed && a->final != 0) OBS_FAIL(o, "suppressed final %g", a->final);
  if (getenv("INV_DEBUG"))
    fprintf(stderr, "t=%g %s dir=%d applied=%d supp=%d constraints=%x cond=%g why=%d hits=%d/%d\n",
            a->t, a->action, a->direction, a->applied, a->suppressed,
            a->constraints, a->conditions[0].value, a->conditions[0].why,
            a->conditions[0].hits, a->conditions[0].seen);
  if (a->suppressed) {
    o->suppressed++;
    return 0;
  }
  o->actions++;
  if (o->g) {
    /* a restart (new clock) starts the policy afresh: the opposite action
     * of the previous run no longer holds one of the new run */
    gcpulse_stats_t st;
    gcpulse_stats(o->g, &st);
    if (st.by_reason[GCPULSE_REASON_RESTART] != o->restarts) {
      o->restarts = st.by_reason[GCPULSE_REASON_RESTART];
      for (int i = 0; i < 3; i++) o->applied_t[i] = -1;
    }
  }
  if (o->own_rules && a->direction != 0) {
    /* the two own rules share one group: opposite actions need the later
     * one's stabilisation window and the settle time in between */
    double prev = o->applied_t[1 - a->direction];
    double win = a->direction > 0 ? cfg->escalate_stabilization_s
                                  : cfg->deescalate_stabilization_s;
    double need = win > cfg->settle_s ? win : cfg->settle_s;
    if (prev >= 0 && a->t - prev < need - 1e-9) {
      if (o->opposite++ == 0)
        snprintf(o->opposite_why, sizeof o->opposite_why,
                 "%s at %g only %g s after the opposite action (need %g)",
                 a->action, a->t, a->t - prev, need);
    }
    o->applied_t[1 + a->direction] = a->t;
  }
  return 0;
}

static int on_event(void *user, const gcpulse_event_t *ev) {
  (void)ev;
  ((obs *)user)->events++;
  return 0;
}

/* ---------------------------------------------------------------------
 * Random configuration and stream
 * --------------------------------------------------------------------- */

static void own_rules(gcpulse_config_t *cfg, rng *r) {
  cfg->policy_defaults = 0;
  cfg->n_rules = 2;
  static const int feats[] = {GCPULSE_FEAT_PAUSE, GCPULSE_FEAT_GC_RATE,
                              GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_FEAT_QPS};
  static const double hi[] = {5.0, 30.0, 0.05, 2000.0};
  int k = rint_(r, 4);
  for (int i = 0; i < 2; i++) {
    gcpulse_rule_t *x = &cfg->rules[i];
    memset(x, 0, sizeof *x);
    strcpy(x->id, i ? "prop_down" : "prop_up");
    strcpy(x->group, "replicas");
    x->direction = i ? GCPULSE_DIR_DEESCALATE : GCPULSE_DIR_ESCALATE;
    x->n_conditions = 1;
    gcpulse_condition_t *c = &x->conditions[0];
    c->feature = feats[k];
    c->stat = GCPULSE_STAT_VALUE;
    c->m = 1 + rint_(r, 5);
    c->n = 1 + rint_(r, c->m);
    c->missing = rint_(r, 4);
    if (i == 0) { /* escalate above hi, leave below 0.8 hi */
      c->op = GCPULSE_OP_GT;
      c->enter = hi[k];
      c->exit = hi[k] * 0.8;
    } else { /* de-escalate below hi/4, leave above hi/3 */
      c->op = GCPULSE_OP_LT;
      c->enter = hi[k] / 4;
      c->exit = hi[k] / 3;
    }
    x->n_actions = 1;
    strcpy(x->actions[0].name, i ? "scale_in" : "scale_out");
    x->actions[0].magnitude = 1;
    x->cooldown_s = -1;
    x->stabilization_s = -1;
  }
}

static void random_config(gcpulse_config_t *cfg, rng *r, int *own) {
  for (int attempt = 0; attempt < 20; attempt++) {
    gcpulse_config_init(cfg);
    gcpulse_gogc_config_t *c = &cfg->gogc;
    c->mode = 1 + rint_(r, GCPULSE_GOGC_MODE_COUNT - 1);
    c->min = runif(r, 10, 100);
    c->max = c->min + runif(r, 1, 1500);
    c->initial = rint_(r, 10) == 0 ? -1 : runif(r, c->min, c->max);
    c->slew_up = runif(r, 0.02, 2);
    c->slew_down = runif(r, 0.02, 1);
    c->period_s = runif(r, 0.5, 30);
    c->dwell_s = rint_(r, 3) ? runif(r, 0, 40) : 0;
    c->dwell_cycles = rint_(r, 4);
    c->deadband = runif(r, 0, 0.2);
    c->ewma_tau_s = runif(r, 0.5, 60);
    c->cpu_target = runif(r, 0.01, 0.3);
    if (rint_(r, 2)) cfg->memory_limit = runif(r, 32, 4096) * 1048576.0;
    c->urgent_ratio = runif(r, 0.5, 1.2);
    c->recommend_limit = rint_(r, 2);
    cfg->window_s = runif(r, 5, 300);
    cfg->panes = 2 + rint_(r, 63);
    cfg->policy_period_s = runif(r, 1, 10);
    cfg->warmup_s = rint_(r, 2) ? 0 : runif(r, 0, 60);
    cfg->settle_s = runif(r, 0, 30);
    cfg->escalate_stabilization_s = rint_(r, 2) ? 0 : runif(r, 0, 30);
    cfg->deescalate_stabilization_s = runif(r, 0, 300);
    cfg->escalate_cooldown_s = runif(r, 0, 60);
    cfg->deescalate_cooldown_s = runif(r, 0, 300);
    cfg->rate_limit_count = 1 + rint_(r, 5);
    cfg->rate_limit_period_s = runif(r, 1, 120);
    cfg->dry_run = rint_(r, 4) == 0;
    cfg->explain_suppressed = rint_(r, 2);
    *own = rint_(r, 2);
    if (*own) own_rules(cfg, r);
    gcpulse_error_t err;
    memset(&err, 0, sizeof err);
    if (gcpulse_config_check(cfg, &err) == 0) return;
  }
  gcpulse_config_init(cfg);
  *own = 0;
}

typedef struct counts {
  uint64_t events_ok, metrics_ok;
} counts;

/* One random step: an event, a metric or a tick at a time near *T. */
static void random_step(gcpulse_t *g, rng *r, double *t, double *live,
                        double *qps, uint64_t *seq, counts *n) {
  int what = rint_(r, 10);
  double dt = rint_(r, 50) == 0 ? runif(r, 100, 2000) : runif(r, 0.01, 8);
  if (rint_(r, 80) == 0) dt = -runif(r, 0, 30); /* time going backwards */
  *t += dt;
  if (*t < 0) *t = 0;
  if (what < 5) {
    gcpulse_event_t ev;
    gcpulse_event_init(&ev);
    ev.runtime = GCPULSE_RT_GO;
    ev.collector = GCPULSE_COLLECTOR_GO;
    ev.kind = rint_(r, 15) ? GCPULSE_KIND_GO_CYCLE : GCPULSE_KIND_SCAVENGE;
    *live *= runif(r, 0.9, 1.15);
    if (*live < 1048576) *live = 1048576;
    if (*live > 64e9) *live = 1e9;
    ev.t = *t;
    ev.seq = rint_(r, 200) ? ++*seq : (*seq = 1);
    ev.pause_ms = exp(runif(r, -4, 4));
    ev.gc_cpu_ms = ev.pause_ms * runif(r, 1, 50);
    ev.heap_live = (uint64_t)*live;
    ev.heap_before = (uint64_t)(*live * runif(r, 1.2, 3));
    ev.heap_after = (uint64_t)(*live * runif(r, 1.0, 1.3));
    ev.heap_goal = (uint64_t)(*live * 2);
    ev.stacks = 1u << 16;
    ev.procs = 1 + (uint32_t)rint_(r, 16);
    ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_SEQ) |
               GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL) |
               GCPULSE_BIT(GCPULSE_FIELD_STACKS) |
               GCPULSE_BIT(GCPULSE_FIELD_PROCS);
    if (rint_(r, 5) == 0) ev.known &= ~GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_MS);
    int rc = gcpulse_feed_event(g, &ev);
    if (rc != 0)
      fail_msg("feed_event(t=%g kind=%d seq=%llu pause=%g live=%g) -> %d",
               ev.t, ev.kind, (unsigned long long)ev.seq, ev.pause_ms, *live,
               rc);
    n->events_ok++;
  } else if (what < 8) {
    int m = rint_(r, 4);
    int id = m == 0   ? GCPULSE_METRIC_QPS
             : m == 1 ? GCPULSE_METRIC_RSS
             : m == 2 ? GCPULSE_METRIC_LATENCY
                      : GCPULSE_METRIC_MEMORY_LIMIT;
    *qps = fabs(*qps * runif(r, 0.7, 1.4) + runif(r, -50, 50));
    if (*qps > 1e6) *qps = 1e5;
    double v = m == 0 ? *qps
               : m == 1 ? *live * runif(r, 1.5, 3)
               : m == 2 ? runif(r, 0, 500)
                        : runif(r, 64, 8192) * 1048576.0;
    int rc = gcpulse_feed_metric(g, id, *t, v);
    if (rc != 0)
      fail_msg("feed_metric(%s, t=%g, %g) -> %d", gcpulse_feature_name(id), *t,
               v, rc);
    gcpulse_stats_t st;
    gcpulse_stats(g, &st);
    n->metrics_ok = st.metrics; /* OUT_OF_ORDER samples are not counted */
  } else {
    assert_int_equal(gcpulse_tick(g, *t), 0);
  }
}

/* Run one seeded stream; returns the opposite-action violations (all
 * other invariants fail the test at once). */
static uint64_t run_seed(uint64_t seed, int steps, char *first, size_t cap) {
  rng r = {seed * 0x9e3779b97f4a7c15u + 1};
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  int own = 0;
  random_config(cfg, &r, &own);
  obs o;
  memset(&o, 0, sizeof o);
  o.cfg = cfg;
  o.own_rules = own;
  /* the controller applies integers: a fractional initial value is
   * rounded down at start */
  o.last_value = cfg->gogc.initial >= 0 ? floor(cfg->gogc.initial + 1e-9)
                                        : cfg->gogc.initial;
  for (int i = 0; i < 3; i++) o.applied_t[i] = -1;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_gogc = on_gogc;
  cb.on_action = on_action;
  cb.on_event = on_event;
  cb.user = &o;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  o.g = g;
  if (getenv("INV_DEBUG") && own)
    fprintf(stderr, "rules: feature %d, up missing %d n/m %d/%d, down missing %d n/m %d/%d; settle %g stab %g/%g period %g window %g\n",
            cfg->rules[0].conditions[0].feature,
            cfg->rules[0].conditions[0].missing, cfg->rules[0].conditions[0].n,
            cfg->rules[0].conditions[0].m, cfg->rules[1].conditions[0].missing,
            cfg->rules[1].conditions[0].n, cfg->rules[1].conditions[0].m,
            cfg->settle_s, cfg->escalate_stabilization_s,
            cfg->deescalate_stabilization_s, cfg->policy_period_s, cfg->window_s);
  double t = runif(&r, 0, 100), live = runif(&r, 2, 500) * 1048576.0,
         qps = runif(&r, 0, 5000);
  uint64_t seq = 0;
  counts n = {0, 0};
  for (int i = 0; i < steps && !o.failed; i++)
    random_step(g, &r, &t, &live, &qps, &seq, &n);
  if (o.failed) fail_msg("seed %llu (mode %s): %s", (unsigned long long)seed,
                         gcpulse_gogc_mode_name(cfg->gogc.mode), o.why);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.gogc_decisions, o.decisions);
  assert_int_equal(st.gogc_changes, o.changes);
  assert_int_equal(st.gogc_reversals, o.reversals);
  assert_true(fabs(st.gogc_total_variation - o.variation) <=
              1e-9 * (1 + o.variation));
  assert_int_equal(st.actions, o.actions);
  if (cfg->explain_suppressed) assert_int_equal(st.actions_suppressed, o.suppressed);
  else assert_int_equal(o.suppressed, 0);
  assert_int_equal(st.events_fed, n.events_ok);
  assert_int_equal(st.events, n.events_ok);
  assert_int_equal(o.events, n.events_ok);
  assert_int_equal(st.metrics, n.metrics_ok);
  uint64_t sum = 0;
  for (int k = 0; k < GCPULSE_REASON_COUNT; k++) sum += st.by_reason[k];
  assert_int_equal(sum, st.diags);
  double cur = gcpulse_gogc_current(g);
  assert_true(isfinite(cur));
  assert_true(cur == o.last_value);
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++)
    for (int k = 0; k < GCPULSE_STAT_COUNT; k++) {
      double v;
      int w = gcpulse_feature(g, f, k, &v);
      assert_true(w >= 0 && w < GCPULSE_WHY_COUNT);
      assert_true(isfinite(v));
    }
  gcpulse_free(g);
  free(cfg);
  if (o.opposite && first && first[0] == '\0')
    snprintf(first, cap, "seed %llu: %s", (unsigned long long)seed,
             o.opposite_why);
  return o.opposite;
}

static void prop_controller_and_policy(void **state) {
  (void)state;
  int seeds = quick() ? 12 : 300, steps = quick() ? 800 : 4000;
  const char *one = getenv("INV_SEED");
  char first[320] = "";
  uint64_t opp = 0;
  int bad_seeds = 0;
  if (one) {
    opp = run_seed(strtoull(one, NULL, 10), steps, first, sizeof first);
  } else {
    for (int s = 1; s <= seeds; s++) {
      uint64_t k = run_seed((uint64_t)s, steps, first, sizeof first);
      opp += k;
      bad_seeds += k > 0;
    }
  }
  print_message("%d seeded streams of %d steps checked; opposite-action "
                "violations: %llu in %d streams%s%s\n",
                seeds, steps, (unsigned long long)opp, bad_seeds,
                first[0] ? ", first: " : "", first);
}

/* REGRESSION guard (policy.c): these seeds once applied a de-escalation
 * inside the stabilisation window of an escalation of the same group
 * (e.g. seed 134: scale_out at t=4295.87, scale_in 10 s later with
 * deescalate_stabilization_s 264.8; also in dry-run), because the
 * de-escalation was stabilised per rule only. */
static void regress_policy_opposite_actions(void **state) {
  (void)state;
  static const uint64_t known[] = {26, 44, 134, 145, 150, 188, 192, 233, 248, 270, 272, 296};
  char first[320] = "";
  uint64_t opp = 0;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    opp += run_seed(known[i], 4000, first, sizeof first);
  if (opp) fail_msg("%llu opposite actions inside a stabilisation window; %s",
                    (unsigned long long)opp, first);
}

/* A controller that sees nothing holds: no decision ever leaves the
 * initial value when all inputs are unknown. */
static void prop_unknown_inputs_hold(void **state) {
  (void)state;
  for (int mode = 1; mode < GCPULSE_GOGC_MODE_COUNT; mode++) {
    gcpulse_config_t *cfg = malloc(sizeof *cfg);
    gcpulse_config_init(cfg);
    cfg->gogc.mode = mode;
    cfg->gogc.initial = 120;
    obs o;
    memset(&o, 0, sizeof o);
    o.cfg = cfg;
    o.last_value = 120;
    for (int i = 0; i < 3; i++) o.applied_t[i] = -1;
    gcpulse_callbacks_t cb;
    gcpulse_callbacks_init(&cb);
    cb.on_gogc = on_gogc;
    cb.user = &o;
    gcpulse_t *g = NULL;
    assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
    for (int i = 0; i < 200; i++) assert_int_equal(gcpulse_tick(g, i * 1.0), 0);
    if (o.failed) fail_msg("mode %d: %s", mode, o.why);
    assert_true(gcpulse_gogc_current(g) == 120);
    gcpulse_free(g);
    free(cfg);
  }
}

/* ---------------------------------------------------------------------
 * Text: every line is skipped or recognised, exactly once
 * --------------------------------------------------------------------- */

static char **split_lines(char *data, size_t *n) {
  size_t cap = 1024;
  char **v = malloc(cap * sizeof *v);
  *n = 0;
  for (char *s = data; *s;) {
    char *e = strchr(s, '\n');
    if (e) *e = '\0';
    if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
    v[(*n)++] = s;
    if (!e) break;
    s = e + 1;
  }
  return v;
}

static void lines_add_up(const char *rel, int format) {
  TU_CORPUS_OR_SKIP(path, rel);
  size_t len, n;
  char *data = tu_read_file(path, &len);
  char **lines = split_lines(data, &n);
  tu_sink s;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->format = format;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  rng r = {0x1234567u};
  uint64_t recognised = 0, skipped_lines = 0;
  int rounds = quick() ? 1 : 3;
  for (int round = 0; round < rounds; round++) {
    for (size_t i = 0; i < n; i++) {
      const char *line = lines[rint_(&r, (int)n)];
      gcpulse_stats_t a, b;
      gcpulse_stats(g, &a);
      assert_int_equal(gcpulse_feed_line(g, line, strlen(line)), 0);
      gcpulse_stats(g, &b);
      assert_int_equal(b.lines, a.lines + 1);
      assert_true(b.skipped == a.skipped || b.skipped == a.skipped + 1);
      if (b.skipped == a.skipped) recognised++;
      else skipped_lines++;
      if (format == GCPULSE_FORMAT_GO)
        assert_true(b.events_go - a.events_go <= 1);
      /* a skipped Go line never produces an event (a JVM line may close
       * an earlier event) */
      if (format == GCPULSE_FORMAT_GO && b.skipped != a.skipped)
        assert_int_equal(b.events_go + b.events_jvm, a.events_go + a.events_jvm);
    }
  }
  assert_int_equal(gcpulse_finish(g), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.lines, recognised + skipped_lines);
  assert_int_equal(st.skipped, skipped_lines);
  assert_true(st.events_go + st.events_jvm >= (format == GCPULSE_FORMAT_GO ? 1 : 0));
  assert_int_equal(s.n_ev, st.events);
  assert_int_equal(s.n_diag, st.diags);
  print_message("%s: %llu lines = %llu skipped + %llu recognised, %llu events\n",
                rel, (unsigned long long)st.lines,
                (unsigned long long)skipped_lines,
                (unsigned long long)recognised, (unsigned long long)st.events);
  gcpulse_free(g);
  free(cfg);
  tu_sink_free(&s);
  free(lines);
  free(data);
}

static void prop_lines_add_up_go(void **state) {
  (void)state;
  lines_add_up("tests/data/go/go1.23-scavtrace-2p.log", GCPULSE_FORMAT_GO);
  lines_add_up("tests/data/go/grammars.txt", GCPULSE_FORMAT_GO);
}

static void prop_lines_add_up_jvm(void **state) {
  (void)state;
  lines_add_up("tests/data/jvm/jdk17-g1-alldecor.log", GCPULSE_FORMAT_JVM);
  lines_add_up("tests/data/jvm8/jdk7-cms-nocause.log", GCPULSE_FORMAT_JVM);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(prop_controller_and_policy),
      cmocka_unit_test(regress_policy_opposite_actions),
      cmocka_unit_test(prop_unknown_inputs_hold),
      cmocka_unit_test(prop_lines_add_up_go),
      cmocka_unit_test(prop_lines_add_up_jvm),
  };
  return cmocka_run_group_tests_name("invariants", tests, NULL, NULL);
}

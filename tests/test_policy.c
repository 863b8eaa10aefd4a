/* test_policy.c — the scaling-policy table: rule semantics against a fake
 * feature reader (hysteresis, N-of-M, missing data, stabilisation,
 * cooldown, rate limit, dry-run, kill switch, loop guard, conflicts,
 * explanations), validation messages, and the default table on real
 * traces through the public API. */
#include "util.h"

#include "policy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * Harness: a fake window and a recording sink
 * --------------------------------------------------------------------- */

#define NF (GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX)

typedef struct fake {
  double v[NF];
  int why[NF]; /* 0 known, else gcpulse_why_t */
} fake;

static int fake_feat(const void *ctx, int f, int s, double *out) {
  const fake *k = ctx;
  (void)s;
  if (f < 0 || f >= NF) return GCPULSE_EINVAL;
  *out = k->why[f] ? 0.0 : k->v[f];
  return k->why[f];
}

#define MAX_REC 4096
typedef struct rec {
  int n;
  gcpulse_action_t a[MAX_REC];
} rec;

static int rec_emit(void *ctx, const gcpulse_action_t *a) {
  rec *r = ctx;
  if (r->n < MAX_REC) r->a[r->n++] = *a;
  return 0;
}

typedef struct rig {
  gcpulse_config_t *cfg;
  gcpulse__policy *p;
  fake f;
  rec *r;
  gcpulse_stats_t st;
} rig;

/* A config with no default rules and no warm-up / settle. */
static gcpulse_config_t *bare_config(void) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->policy_defaults = 0;
  cfg->warmup_s = 0;
  cfg->settle_s = 0;
  cfg->explain_suppressed = 1;
  return cfg;
}

static gcpulse_rule_t *add_rule(gcpulse_config_t *cfg, const char *id,
                                const char *group, int dir, int prio) {
  gcpulse_rule_t *r = &cfg->rules[cfg->n_rules++];
  memset(r, 0, sizeof *r);
  snprintf(r->id, sizeof r->id, "%s", id);
  snprintf(r->group, sizeof r->group, "%s", group);
  r->direction = dir;
  r->priority = prio;
  r->cooldown_s = -1;
  r->stabilization_s = -1;
  return r;
}

static void add_cond(gcpulse_rule_t *r, int feature, int op, double enter,
                     double exit, int n, int m) {
  gcpulse_condition_t *c = &r->conditions[r->n_conditions++];
  memset(c, 0, sizeof *c);
  c->feature = feature;
  c->stat = GCPULSE_STAT_VALUE;
  c->op = op;
  c->enter = enter;
  c->exit = exit;
  c->n = n;
  c->m = m;
}

static void add_action(gcpulse_rule_t *r, const char *name, double mag) {
  gcpulse_rule_action_t *a = &r->actions[r->n_actions++];
  memset(a, 0, sizeof *a);
  snprintf(a->name, sizeof a->name, "%s", name);
  a->magnitude = mag;
}

static void rig_start(rig *g) {
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  int rc = gcpulse_config_check(g->cfg, &err);
  if (rc != 0) print_message("check: %s: %s\n", err.path, err.text);
  assert_int_equal(rc, 0);
  size_t size = gcpulse__policy_size(g->cfg);
  g->p = calloc(1, size);
  gcpulse__policy_init(g->p, g->cfg);
  g->r = calloc(1, sizeof *g->r);
  memset(&g->st, 0, sizeof g->st);
}

/* The simplest rule, "a": escalate with action "x" (magnitude 1) while
 * QPS > 1 (1 of 1, no hysteresis); then start the rig.  UNLIMITED also
 * turns off the escalation cooldown and the rate limit, so the rule
 * applies at every evaluation it is allowed to. */
static void start_qps_rule(rig *g, int unlimited) {
  if (unlimited) {
    g->cfg->escalate_cooldown_s = 0;
    g->cfg->rate_limit_count = 0;
  }
  gcpulse_rule_t *r = add_rule(g->cfg, "a", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_action(r, "x", 1);
  rig_start(g);
}

static void rig_free(rig *g) {
  free(g->p);
  free(g->r);
  free(g->cfg);
}

static int rig_step(rig *g, double t) {
  return gcpulse__policy_step(g->p, fake_feat, &g->f, t, 0, rec_emit, g->r,
                              &g->st);
}

static int count_applied(const rec *r, const char *action) {
  int n = 0;
  for (int i = 0; i < r->n; i++)
    if (!r->a[i].suppressed && (!action || strcmp(r->a[i].action, action) == 0))
      n++;
  return n;
}

static int count_constraint(const rec *r, int c) {
  int n = 0;
  for (int i = 0; i < r->n; i++)
    if (r->a[i].constraints & (1u << c)) n++;
  return n;
}

/* ---------------------------------------------------------------------
 * Defaults and validation
 * --------------------------------------------------------------------- */

static void test_defaults_valid(void **state) {
  (void)state;
  gcpulse_rule_t rules[GCPULSE_RULES_MAX];
  int n = gcpulse__policy_defaults(rules, GCPULSE_RULES_MAX);
  assert_true(n >= 9);
  const char *want[] = {"memory_bound", "lifetime_anomaly", "pause_spike",
                        "offheap_leak", "death_spiral",     "gogc_exhausted",
                        "oom_bump",     "scale_in",         "scale_down_memory"};
  for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
    assert_string_equal(rules[i].id, want[i]);
  assert_true(rules[2].conditions[0].enter == 200.0);
  assert_true(rules[2].conditions[1].enter == 0.8);
  assert_true(rules[6].bump_ratio == 1.2);
  assert_int_equal(gcpulse__policy_defaults(rules, 3), 3);
  /* the defaults validate as configured rules too */
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->policy_defaults = 0;
  cfg->n_rules = gcpulse__policy_defaults(cfg->rules, GCPULSE_RULES_MAX);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  /* and with defaults on, overriding by id does not add rules */
  cfg->policy_defaults = 1;
  cfg->max_rules = n;
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  cfg->max_rules = 32;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, NULL, &g), 0);
  gcpulse_free(g);
  free(cfg);
}

/* Expect gcpulse_config_check to fail with PATH and TEXT. */
static void expect_error(const gcpulse_config_t *cfg, const char *path,
                         const char *text) {
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_check(cfg, &err), GCPULSE_ECONFIG);
  if (strcmp(err.path, path) != 0 || strcmp(err.text, text) != 0)
    print_message("got %s: %s\n", err.path, err.text);
  assert_string_equal(err.path, path);
  assert_string_equal(err.text, text);
}

static gcpulse_config_t *one_rule_config(void) {
  gcpulse_config_t *cfg = bare_config();
  gcpulse_rule_t *r = add_rule(cfg, "a", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 10, 5, 1, 1);
  add_cond(r, GCPULSE_FEAT_RSS, GCPULSE_OP_LT, 10, 20, 2, 3);
  add_action(r, "scale_out", 1);
  r = add_rule(cfg, "b", "", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_LT, 1, 2, 1, 1);
  add_action(r, "scale_in", 1);
  return cfg;
}

static void test_validation_messages(void **state) {
  (void)state;
  gcpulse_config_t *cfg = one_rule_config();
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);

  cfg->rules[0].conditions[0].exit = 12;
  expect_error(cfg, "policy.rules[0].conditions[0].exit",
               "exit threshold 12 is on the wrong side: for '>' it must be "
               "<= enter (10)");
  cfg->rules[0].conditions[0].exit = 5;
  cfg->rules[0].conditions[1].exit = 8;
  expect_error(cfg, "policy.rules[0].conditions[1].exit",
               "exit threshold 8 is on the wrong side: for '<' it must be "
               ">= enter (10)");
  cfg->rules[0].conditions[1].exit = 20;
  cfg->rules[0].conditions[1].n = 4;
  expect_error(cfg, "policy.rules[0].conditions[1].n",
               "N-of-M with n (4) > m (3)");
  cfg->rules[0].conditions[1].n = 0;
  expect_error(cfg, "policy.rules[0].conditions[1].n", "n must be >= 1, got 0");
  cfg->rules[0].conditions[1].n = 2;
  cfg->rules[0].conditions[1].m = 65;
  expect_error(cfg, "policy.rules[0].conditions[1].m",
               "m must be between 1 and 64, got 65");
  cfg->rules[0].conditions[1].m = 3;
  cfg->rules[1].conditions[0].feature = 40;
  expect_error(cfg, "policy.rules[1].conditions[0].feature",
               "unknown feature id 40");
  cfg->rules[1].conditions[0].feature = GCPULSE_FEAT_CUSTOM + 8;
  expect_error(cfg, "policy.rules[1].conditions[0].feature",
               "unknown feature id 72");
  cfg->rules[1].conditions[0].feature = GCPULSE_FEAT_CUSTOM + 7;
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  cfg->rules[1].conditions[0].stat = GCPULSE_STAT_COUNT;
  expect_error(cfg, "policy.rules[1].conditions[0].stat",
               "unknown statistic id 12");
  cfg->rules[1].conditions[0].stat = 0;
  cfg->rules[1].conditions[0].op = 7;
  expect_error(cfg, "policy.rules[1].conditions[0].op", "unknown operator id 7");
  cfg->rules[1].conditions[0].op = GCPULSE_OP_LT;
  cfg->rules[1].conditions[0].missing = 9;
  expect_error(cfg, "policy.rules[1].conditions[0].missing",
               "unknown missing-data policy 9");
  cfg->rules[1].conditions[0].missing = 0;
  cfg->rules[1].conditions[0].enter = NAN;
  expect_error(cfg, "policy.rules[1].conditions[0].enter",
               "must be a finite number");
  cfg->rules[1].conditions[0].enter = 1;

  /* window larger than the ring */
  cfg->deescalate_stabilization_s = 600;
  expect_error(cfg, "policy.deescalate_stabilization_s",
               "stabilization window of 600 s needs 121 slots at period_s 5 "
               "but stabilization_slots is 64");
  cfg->deescalate_stabilization_s = 300;
  cfg->rules[1].stabilization_s = 400;
  expect_error(cfg, "policy.rules[1].stabilization_s",
               "stabilization window of 400 s needs 81 slots at period_s 5 "
               "but stabilization_slots is 64");
  cfg->stabilization_slots = 81;
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  cfg->rules[1].stabilization_s = -1;
  cfg->stabilization_slots = 64;

  /* rule shape */
  strcpy(cfg->rules[1].id, "a");
  expect_error(cfg, "policy.rules[1].id", "duplicate rule id \"a\"");
  cfg->rules[1].id[0] = '\0';
  expect_error(cfg, "policy.rules[1].id", "rule id must be 1 to 31 bytes");
  strcpy(cfg->rules[1].id, "b");
  cfg->rules[1].direction = 2;
  expect_error(cfg, "policy.rules[1].direction", "unknown direction 2");
  cfg->rules[1].direction = -1;
  cfg->rules[1].n_conditions = 0;
  expect_error(cfg, "policy.rules[1].conditions",
               "a rule needs 1 to 4 conditions, got 0");
  cfg->rules[1].n_conditions = 1;
  cfg->rules[1].n_actions = 3;
  expect_error(cfg, "policy.rules[1].actions",
               "a rule needs 1 to 2 actions, got 3");
  cfg->rules[1].n_actions = 1;
  cfg->rules[1].actions[0].name[0] = '\0';
  expect_error(cfg, "policy.rules[1].actions[0].name",
               "action name must be 1 to 31 bytes");
  strcpy(cfg->rules[1].actions[0].name, "scale_in");
  cfg->rules[1].actions[0].magnitude = -1;
  expect_error(cfg, "policy.rules[1].actions[0].magnitude",
               "must be a finite number >= 0");
  cfg->rules[1].actions[0].magnitude = 1;
  cfg->rules[1].bump_ratio = 1.5;
  expect_error(cfg, "policy.rules[1].bump_ratio",
               "only escalating rules can bump");
  cfg->rules[1].bump_ratio = 0.5;
  expect_error(cfg, "policy.rules[1].bump_ratio",
               "must be 0 (no bump) or >= 1");
  cfg->rules[1].bump_ratio = 0;

  /* globals */
  cfg->policy_period_s = 0;
  expect_error(cfg, "policy.period_s", "must be > 0 and <= 3600 s");
  cfg->policy_period_s = 5;
  cfg->settle_s = -1;
  expect_error(cfg, "policy.settle_s", "must be a finite number >= 0 (s)");
  cfg->settle_s = 0;
  cfg->rate_limit_count = 65;
  expect_error(cfg, "policy.rate_limit_count", "must be between 0 and 64");
  cfg->rate_limit_count = 4;
  cfg->rate_limit_period_s = 3600;
  expect_error(cfg, "policy.rate_limit_period_s",
               "must be > 0 and <= 1800 s");
  cfg->rate_limit_period_s = 60;
  cfg->max_rules = 0;
  expect_error(cfg, "policy.max_rules", "must be between 1 and 64");

  /* too many rules after merging with the defaults */
  cfg->max_rules = 10;
  cfg->policy_defaults = 1;
  expect_error(cfg, "policy.rules",
               "too many rules: 11 after merging with the defaults, "
               "max_rules is 10");
  /* overriding a default by id does not count twice */
  strcpy(cfg->rules[1].id, "scale_in");
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  cfg->n_rules = 65;
  expect_error(cfg, "policy.rules", "too many rules: 65 (at most 64)");
  free(cfg);
}

/* ---------------------------------------------------------------------
 * Semantics
 * --------------------------------------------------------------------- */

static void test_hysteresis_latched(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->escalate_cooldown_s = 0;
  g.cfg->rate_limit_count = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "hot", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 10, 5, 1, 1);
  add_action(r, "scale_out", 1);
  rig_start(&g);
  double vals[] = {9, 11, 7, 6, 5, 7, 11};
  int fired[] = {0, 1, 1, 1, 0, 0, 1};
  double th[] = {10, 10, 5, 5, 5, 10, 10};
  for (int i = 0; i < 7; i++) {
    g.f.v[GCPULSE_FEAT_QPS] = vals[i];
    int before = g.r->n;
    assert_int_equal(rig_step(&g, i * 5.0), 0);
    assert_int_equal(g.r->n - before, fired[i]);
    if (fired[i]) {
      const gcpulse_action_t *a = &g.r->a[g.r->n - 1];
      assert_int_equal(a->applied, 1);
      assert_int_equal(a->conditions[0].latched, 1);
      assert_true(a->conditions[0].value == vals[i]);
      assert_true(a->conditions[0].threshold == th[i]);
      assert_string_equal(a->rule, "hot");
      assert_string_equal(a->action, "scale_out");
    }
  }
  assert_int_equal(g.st.policy_evaluations, 7);
  rig_free(&g);
}

/* A step change is acted on within 1 period + (N-1) datapoints. */
static void test_step_response(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  gcpulse_rule_t *r = add_rule(g.cfg, "step", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_OP_GT, 0.2, 0.1, 3, 5);
  add_action(r, "scale_out", 1);
  rig_start(&g);
  double step_t = 101.3, first = -1;
  for (double t = 0; t < 300; t += 0.5) {
    g.f.v[GCPULSE_FEAT_GC_CPU_FRACTION] = t >= step_t ? 0.5 : 0.05;
    assert_int_equal(rig_step(&g, t), 0);
    if (first < 0 && count_applied(g.r, NULL) > 0) first = t;
  }
  double bound = step_t + g.cfg->policy_period_s + 2 * g.cfg->policy_period_s;
  print_message("step at %.1f acted at %.1f (bound %.1f)\n", step_t, first,
                bound);
  assert_true(first >= step_t);
  assert_true(first <= bound);
  const gcpulse_action_t *a = &g.r->a[0];
  assert_int_equal(a->conditions[0].hits, 3);
  assert_int_equal(a->conditions[0].seen, 5);
  rig_free(&g);
}

/* Direction reversals in applied actions of R. */
static int reversals(const rec *r) {
  int last = 0, n = 0;
  for (int i = 0; i < r->n; i++) {
    const gcpulse_action_t *a = &r->a[i];
    if (a->suppressed || a->direction == 0) continue;
    if (last != 0 && a->direction != last) n++;
    last = a->direction;
  }
  return n;
}

static int square_wave_reversals(double down_window, int *escalations) {
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->explain_suppressed = 0;
  g.cfg->deescalate_stabilization_s = down_window;
  gcpulse_rule_t *r = add_rule(g.cfg, "out", "replicas", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 800, 700, 1, 1);
  add_action(r, "scale_out", 1);
  r = add_rule(g.cfg, "in", "replicas", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_LT, 300, 400, 1, 1);
  add_action(r, "scale_in", 1);
  rig_start(&g);
  /* one hour of a 200 s square wave (100 s high, 100 s low) */
  for (double t = 0; t <= 3600; t += 1.0) {
    g.f.v[GCPULSE_FEAT_QPS] = fmod(t, 200.0) < 100.0 ? 1000 : 100;
    assert_int_equal(rig_step(&g, t), 0);
  }
  *escalations = count_applied(g.r, "scale_out");
  int n = reversals(g.r);
  rig_free(&g);
  return n;
}

static void test_square_wave_no_flapping(void **state) {
  (void)state;
  int esc = 0;
  int n = square_wave_reversals(300, &esc);
  print_message("square wave, 300 s down-window: %d reversals/h, %d "
                "escalations\n",
                n, esc);
  assert_int_equal(n, 0);
  assert_true(esc > 0);
  /* control: with no down-window the same input flaps */
  n = square_wave_reversals(0, &esc);
  print_message("square wave, no down-window: %d reversals/h\n", n);
  assert_true(n > 10);
}

static void test_missing_data(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->deescalate_stabilization_s = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "in", "replicas", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_OP_LT, 0.01, 0.02, 1, 1);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_LT, 10, 20, 1, 1);
  r->conditions[1].missing = GCPULSE_MISSING_BREACHING; /* vetoed anyway */
  add_action(r, "scale_in", 1);
  r = add_rule(g.cfg, "out", "memory", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_PAUSE, GCPULSE_OP_GT, 200, 150, 1, 1);
  add_cond(r, GCPULSE_FEAT_RSS, GCPULSE_OP_GT, 1e9, 1e9, 1, 1);
  r->any = 1; /* escalation still works on the valid metric */
  add_action(r, "scale_up_memory", 1.2);
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_GC_CPU_FRACTION] = 0.001; /* would de-escalate */
  g.f.why[GCPULSE_FEAT_QPS] = GCPULSE_WHY_NO_DATA;
  g.f.v[GCPULSE_FEAT_PAUSE] = 500;
  g.f.why[GCPULSE_FEAT_RSS] = GCPULSE_WHY_NO_DATA;
  for (double t = 0; t <= 600; t += 5) assert_int_equal(rig_step(&g, t), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 0);
  assert_true(count_applied(g.r, "scale_up_memory") > 0);
  int md = 0;
  for (int i = 0; i < g.r->n; i++) {
    const gcpulse_action_t *a = &g.r->a[i];
    if (strcmp(a->rule, "in") == 0) {
      assert_int_equal(a->suppressed, 1);
      assert_int_equal(a->applied, 0);
      assert_true(a->final == 0.0);
      assert_true(a->constraints & (1u << GCPULSE_CONSTRAINT_MISSING_DATA));
      assert_int_equal(a->conditions[1].why, GCPULSE_WHY_NO_DATA);
      assert_int_equal(a->conditions[0].why, GCPULSE_WHY_KNOWN);
      md++;
    }
  }
  assert_int_equal(md, 121);
  /* data comes back: the de-escalation goes through (different group) */
  g.f.why[GCPULSE_FEAT_QPS] = 0;
  g.f.v[GCPULSE_FEAT_QPS] = 1;
  assert_int_equal(rig_step(&g, 605), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 1);
  rig_free(&g);
}

static void test_cooldown_and_preemption(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->rate_limit_count = 0;
  g.cfg->deescalate_stabilization_s = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "out", "replicas", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 800, 800, 1, 1);
  add_action(r, "scale_out", 1);
  r = add_rule(g.cfg, "in", "replicas", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_LT, 100, 100, 1, 1);
  add_action(r, "scale_in", 1);
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_QPS] = 1000;
  for (double t = 0; t <= 300; t += 5) assert_int_equal(rig_step(&g, t), 0);
  /* escalate cooldown 60 s: at 0, 60, ..., 300 */
  assert_int_equal(count_applied(g.r, "scale_out"), 6);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_COOLDOWN), 55);
  assert_true(g.r->a[1].limited == 0.0 && g.r->a[1].raw == 1.0 &&
              g.r->a[1].stabilized == 1.0);
  /* de-escalate, then de-escalation cooldown (300 s) holds the next one */
  g.r->n = 0;
  g.f.v[GCPULSE_FEAT_QPS] = 10;
  for (double t = 305; t <= 400; t += 5) assert_int_equal(rig_step(&g, t), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 1);
  assert_true(count_constraint(g.r, GCPULSE_CONSTRAINT_COOLDOWN) > 10);
  /* an escalation pre-empts (ends) the de-escalation cooldown */
  g.r->n = 0;
  g.f.v[GCPULSE_FEAT_QPS] = 1000;
  assert_int_equal(rig_step(&g, 405), 0);
  assert_int_equal(count_applied(g.r, "scale_out"), 1);
  g.f.v[GCPULSE_FEAT_QPS] = 10;
  assert_int_equal(rig_step(&g, 410), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 1);
  assert_int_equal(g.st.actions, 9);
  rig_free(&g);
}

static void test_rate_limit(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->escalate_cooldown_s = 0;
  g.cfg->rate_limit_count = 3;
  g.cfg->rate_limit_period_s = 60;
  gcpulse_rule_t *r = add_rule(g.cfg, "out", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 800, 800, 1, 1);
  add_action(r, "scale_out", 2);
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_QPS] = 1000;
  for (double t = 0; t < 60; t += 5) assert_int_equal(rig_step(&g, t), 0);
  assert_int_equal(count_applied(g.r, NULL), 3);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_RATE_LIMITED), 9);
  const gcpulse_action_t *a = &g.r->a[5];
  assert_true(a->raw == 2 && a->stabilized == 2 && a->limited == 0 &&
              a->final == 0);
  for (double t = 60; t < 120; t += 5) assert_int_equal(rig_step(&g, t), 0);
  assert_int_equal(count_applied(g.r, NULL), 6);
  assert_int_equal(g.st.actions_suppressed, 18);
  rig_free(&g);
}

/* Run a standard scenario; return the record count. */
static void scenario(rig *g, int global_dry, int rule_dry) {
  g->cfg = bare_config();
  g->cfg->dry_run = global_dry;
  gcpulse_rule_t *r = add_rule(g->cfg, "out", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 800, 700, 2, 3);
  add_action(r, "scale_out", 1);
  add_action(r, "enable_object_pool", 1);
  r->dry_run = rule_dry;
  rig_start(g);
  for (double t = 0; t <= 900; t += 2.5) {
    g->f.v[GCPULSE_FEAT_QPS] = fmod(t, 300) < 150 ? 1000 : 100;
    assert_int_equal(rig_step(g, t), 0);
  }
}

static void test_dry_run_identical(void **state) {
  (void)state;
  rig live = {0}, dry = {0}, rdry = {0};
  scenario(&live, 0, 0);
  scenario(&dry, 1, 0);
  scenario(&rdry, 0, 1);
  assert_true(live.r->n > 4);
  assert_int_equal(live.r->n, dry.r->n);
  assert_int_equal(live.r->n, rdry.r->n);
  for (int i = 0; i < live.r->n; i++) {
    gcpulse_action_t a = live.r->a[i], b = dry.r->a[i], c = rdry.r->a[i];
    if (!a.suppressed) {
      assert_int_equal(a.applied, 1);
      assert_int_equal(b.applied, 0);
      assert_int_equal(c.applied, 0);
      assert_true(b.constraints & (1u << GCPULSE_CONSTRAINT_DRY_RUN));
      b.applied = c.applied = 1;
      b.constraints &= ~(1u << GCPULSE_CONSTRAINT_DRY_RUN);
      c.constraints &= ~(1u << GCPULSE_CONSTRAINT_DRY_RUN);
    }
    assert_memory_equal(&a, &b, offsetof(gcpulse_action_t, rule));
    assert_true(a.raw == b.raw && a.stabilized == b.stabilized &&
                a.limited == b.limited && a.final == b.final &&
                a.constraints == b.constraints && a.applied == b.applied);
    assert_true(a.final == c.final && a.constraints == c.constraints &&
                a.applied == c.applied);
    assert_string_equal(a.action, b.action);
  }
  assert_int_equal(live.st.actions, dry.st.actions);
  rig_free(&live);
  rig_free(&dry);
  rig_free(&rdry);
}

static void test_kill_switch(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->escalate_cooldown_s = 0;
  g.cfg->rate_limit_count = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "out", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 800, 800, 1, 1);
  add_action(r, "scale_out", 1);
  add_action(r, "enable_object_pool", 1);
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_QPS] = 1000;
  assert_int_equal(gcpulse__policy_kill(g.p, 1, "nope", 1), GCPULSE_ENOTFOUND);
  assert_int_equal(gcpulse__policy_kill(g.p, 3, NULL, 1), GCPULSE_EINVAL);
  assert_int_equal(gcpulse__policy_kill(g.p, GCPULSE_DIR_ESCALATE, NULL, 1), 0);
  assert_int_equal(rig_step(&g, 0), 0);
  assert_int_equal(count_applied(g.r, NULL), 0);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_KILL_SWITCH), 2);
  assert_int_equal(gcpulse__policy_kill(g.p, GCPULSE_DIR_ESCALATE, NULL, 0), 0);
  assert_int_equal(
      gcpulse__policy_kill(g.p, GCPULSE_DIR_ESCALATE, "scale_out", 1), 0);
  g.r->n = 0;
  assert_int_equal(rig_step(&g, 5), 0);
  assert_int_equal(count_applied(g.r, "scale_out"), 0);
  assert_int_equal(count_applied(g.r, "enable_object_pool"), 1);
  /* the switch survives a reset */
  gcpulse__policy_reset(g.p);
  g.r->n = 0;
  assert_int_equal(rig_step(&g, 10), 0);
  assert_int_equal(count_applied(g.r, "scale_out"), 0);
  assert_int_equal(
      gcpulse__policy_kill(g.p, GCPULSE_DIR_ESCALATE, "scale_out", 0), 0);
  assert_int_equal(rig_step(&g, 15), 0);
  assert_int_equal(count_applied(g.r, "scale_out"), 1);
  rig_free(&g);
}

static void test_loop_guard_and_bump(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->warmup_s = 300; /* bumps skip warm-up */
  gcpulse_rule_t *r = add_rule(g.cfg, "oom", "memory", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_OOM_EVENTS, GCPULSE_OP_GE, 1, 1, 1, 1);
  add_action(r, "scale_up_memory", 1);
  r->bump_ratio = 1.2;
  r->bump_min_step = 100 * 1048576.0;
  r->bump_cap = 1.5 * 1073741824.0;
  rig_start(&g);
  const double gib = 1073741824.0;
  g.f.v[GCPULSE_FEAT_MEMORY_LIMIT] = gib;
  g.f.v[GCPULSE_FEAT_OOM_EVENTS] = 1;
  for (double t = 0; t <= 130; t += 5) assert_int_equal(rig_step(&g, t), 0);
  assert_int_equal(count_applied(g.r, NULL), 3); /* 0, 60, 120 */
  const gcpulse_action_t *a[3];
  for (int i = 0, k = 0; i < g.r->n; i++)
    if (!g.r->a[i].suppressed) a[k++] = &g.r->a[i];
  assert_true(fabs(a[0]->raw - 1.2 * gib) < 1);
  assert_true(fabs(a[0]->final - 1.2 * gib) < 1);
  assert_true(fabs(a[1]->raw - 1.44 * gib) < 1);
  assert_true(fabs(a[1]->final - 1.44 * gib) < 1);
  assert_true(fabs(a[2]->raw - 1.5 * 1.2 * gib) > 1); /* compounding... */
  assert_true(fabs(a[2]->final - 1.5 * gib) < 1);     /* ...capped */
  assert_true(a[2]->constraints & (1u << GCPULSE_CONSTRAINT_CAPPED));
  assert_int_equal(a[0]->loop, 0);
  assert_int_equal(a[1]->loop, 0);
  assert_int_equal(a[2]->loop, 1); /* 3 bumps in 10 min */
  assert_true(a[2]->constraints & (1u << GCPULSE_CONSTRAINT_LOOP_GUARD));
  assert_int_equal(a[2]->applied, 1);
  /* +min_step wins for small bases */
  gcpulse__policy_reset(g.p);
  g.r->n = 0;
  g.f.v[GCPULSE_FEAT_MEMORY_LIMIT] = 64 * 1048576.0;
  assert_int_equal(rig_step(&g, 1000), 0);
  assert_true(fabs(g.r->a[0].raw - 164 * 1048576.0) < 1);
  rig_free(&g);
}

static void test_warmup_settle(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->warmup_s = 30;
  g.cfg->settle_s = 15;
  start_qps_rule(&g, 1);
  g.f.v[GCPULSE_FEAT_QPS] = 2;
  for (double t = 100; t <= 160; t += 5) assert_int_equal(rig_step(&g, t), 0);
  /* 100..125 warming up, 130 applied, 135..140 settling, 145 applied ... */
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_WARMING_UP), 6);
  assert_int_equal(count_applied(g.r, NULL), 3);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_SETTLING), 4);
  rig_free(&g);
}

static void test_conflict_and_group_veto(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->deescalate_stabilization_s = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "lo", "replicas", GCPULSE_DIR_ESCALATE, 1);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_action(r, "scale_out", 1);
  r = add_rule(g.cfg, "hi", "replicas", GCPULSE_DIR_ESCALATE, 5);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_action(r, "pool", 1);
  r = add_rule(g.cfg, "n", "replicas", GCPULSE_DIR_NEUTRAL, 99);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_action(r, "note", 1);
  r = add_rule(g.cfg, "in1", "memory", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_RSS, GCPULSE_OP_LT, 10, 10, 1, 1);
  add_action(r, "shrink", 1);
  r = add_rule(g.cfg, "in2", "memory", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_LATENCY, GCPULSE_OP_LT, 10, 10, 1, 1);
  add_action(r, "shrink", 1);
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_QPS] = 5;
  g.f.v[GCPULSE_FEAT_RSS] = 1;
  g.f.v[GCPULSE_FEAT_LATENCY] = 50;
  assert_int_equal(rig_step(&g, 0), 0);
  /* escalate beats neutral despite priority; higher priority wins */
  assert_int_equal(count_applied(g.r, NULL), 1);
  assert_int_equal(count_applied(g.r, "pool"), 1);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_CONFLICT), 2);
  /* in1 matched but in2 does not agree */
  assert_int_equal(count_applied(g.r, "shrink"), 0);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_GROUP_VETO), 1);
  g.f.v[GCPULSE_FEAT_LATENCY] = 5;
  g.r->n = 0;
  assert_int_equal(rig_step(&g, 5), 0);
  /* both agree, but "lo" (scale_out is not cooling down) escalates the
   * replicas group at the same evaluation: the shrink is a conflict */
  assert_int_equal(count_applied(g.r, "scale_out"), 1);
  assert_int_equal(count_applied(g.r, "shrink"), 0);
  g.f.v[GCPULSE_FEAT_QPS] = 0;
  g.r->n = 0;
  assert_int_equal(rig_step(&g, 10), 0);
  /* no escalation: one action per group per evaluation */
  assert_int_equal(count_applied(g.r, "shrink"), 1);
  rig_free(&g);
}

/* REGRESSION (found by the long fuzz_config run; policy.c): winners of
 * two groups were applied at the same evaluation in opposite directions
 * (an escalation of one group, a de-escalation of another) although
 * settle_s (15 s) forbids any action right after an applied one.  Now the
 * escalation wins and the de-escalation is a Conflict; it applies once
 * the settle time has passed and the escalation is cooling down. */
static void test_conflict_across_groups(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->settle_s = 15;
  g.cfg->deescalate_stabilization_s = 0;
  g.cfg->deescalate_cooldown_s = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "up", "replicas", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_action(r, "scale_out", 1);
  r = add_rule(g.cfg, "down", "memory", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_RSS, GCPULSE_OP_LT, 10, 10, 1, 1);
  add_action(r, "scale_down_memory", 1);
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_QPS] = 5;
  g.f.v[GCPULSE_FEAT_RSS] = 1;
  assert_int_equal(rig_step(&g, 0), 0);
  assert_int_equal(count_applied(g.r, "scale_out"), 1);
  assert_int_equal(count_applied(g.r, "scale_down_memory"), 0);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_CONFLICT), 1);
  g.r->n = 0;
  assert_int_equal(rig_step(&g, 5), 0); /* settling */
  assert_int_equal(count_applied(g.r, NULL), 0);
  assert_true(count_constraint(g.r, GCPULSE_CONSTRAINT_SETTLING) >= 1);
  g.r->n = 0;
  assert_int_equal(rig_step(&g, 20), 0); /* scale_out cools down (60 s) */
  assert_int_equal(count_applied(g.r, "scale_out"), 0);
  assert_int_equal(count_applied(g.r, "scale_down_memory"), 1);
  rig_free(&g);
}

/* Group veto and unknown data in a sibling: an escalating sibling whose
 * conditions are all unknown has no opinion (no veto); one with a true
 * condition and an unknown one is partly matched and vetoes; a matched one
 * vetoes. */
static void test_group_veto_unknown_sibling(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->deescalate_stabilization_s = 0;
  gcpulse_rule_t *r = add_rule(g.cfg, "up", "replicas", GCPULSE_DIR_ESCALATE, 5);
  add_cond(r, GCPULSE_FEAT_PAUSE, GCPULSE_OP_GT, 200, 150, 1, 1);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 100, 100, 1, 1);
  add_action(r, "scale_out", 1);
  r = add_rule(g.cfg, "in", "replicas", GCPULSE_DIR_DEESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_GC_RATE, GCPULSE_OP_LT, 1, 2, 1, 1);
  add_action(r, "scale_in", 1);
  g.cfg->deescalate_cooldown_s = 0;
  rig_start(&g);
  g.f.v[GCPULSE_FEAT_GC_RATE] = 0;
  /* both sibling features unknown: no veto */
  g.f.why[GCPULSE_FEAT_PAUSE] = GCPULSE_WHY_NO_DATA;
  g.f.why[GCPULSE_FEAT_QPS] = GCPULSE_WHY_NO_DATA;
  assert_int_equal(rig_step(&g, 0), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 1);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_GROUP_VETO), 0);
  /* qps known and breaching, pause unknown: partly matched, veto */
  g.r->n = 0;
  g.f.why[GCPULSE_FEAT_QPS] = 0;
  g.f.v[GCPULSE_FEAT_QPS] = 500;
  assert_int_equal(rig_step(&g, 5), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 0);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_GROUP_VETO), 1);
  /* qps known and not breaching: the sibling is ruled out, no veto */
  g.r->n = 0;
  g.f.v[GCPULSE_FEAT_QPS] = 5;
  assert_int_equal(rig_step(&g, 10), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 1);
  /* the de-escalation's own feature unknown: MissingData, never applied */
  g.r->n = 0;
  g.f.why[GCPULSE_FEAT_GC_RATE] = GCPULSE_WHY_NO_DATA;
  assert_int_equal(rig_step(&g, 15), 0);
  assert_int_equal(count_applied(g.r, "scale_in"), 0);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_MISSING_DATA), 1);
  rig_free(&g);
}

static void test_explanation_ring(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  g.cfg->explanations = 4;
  g.cfg->explain_suppressed = 0;
  start_qps_rule(&g, 1);
  gcpulse_action_t out[8];
  assert_int_equal(gcpulse__policy_explanations(g.p, out, 8), 0);
  g.f.v[GCPULSE_FEAT_QPS] = 2;
  for (int i = 0; i < 6; i++) assert_int_equal(rig_step(&g, i * 5.0), 0);
  assert_int_equal(gcpulse__policy_explanations(g.p, out, 8), 4);
  assert_true(out[0].t == 10.0 && out[3].t == 25.0);
  assert_int_equal(gcpulse__policy_explanations(g.p, out, 2), 2);
  assert_true(out[0].t == 20.0 && out[1].t == 25.0);
  assert_string_equal(out[1].rule, "a");
  rig_free(&g);
}

/* Period scheduling, time going backwards, callback stop. */
static int stop_emit(void *ctx, const gcpulse_action_t *a) {
  (void)a;
  int *n = ctx;
  (*n)++;
  return GCPULSE_ECALLBACK;
}

static void test_schedule_and_stop(void **state) {
  (void)state;
  rig g = {0};
  g.cfg = bare_config();
  /* horizon 60 s: the jump back from 105 to 3 below is a restart */
  g.cfg->deescalate_cooldown_s = 50;
  g.cfg->deescalate_stabilization_s = 50;
  g.cfg->loop_guard_window_s = 50;
  start_qps_rule(&g, 0);
  for (int i = 0; i < 1000; i++) assert_int_equal(rig_step(&g, i * 0.1), 0);
  assert_int_equal(g.st.policy_evaluations, 20); /* every 5 s of event time */
  assert_int_equal(gcpulse__policy_step(g.p, fake_feat, &g.f, 100, 1, NULL,
                                        NULL, &g.st),
                   0);
  assert_int_equal(g.st.policy_evaluations, 21); /* forced */
  g.f.v[GCPULSE_FEAT_QPS] = 5;
  int calls = 0;
  assert_int_equal(gcpulse__policy_step(g.p, fake_feat, &g.f, 105, 0,
                                        stop_emit, &calls, &g.st),
                   GCPULSE_ECALLBACK);
  assert_int_equal(calls, 1);
  /* the clock restarts (new process): stored times move with it, so the
   * escalate cooldown (60 s) of the action applied at 105 still holds */
  g.r->n = 0;
  for (int i = 0; i <= 11; i++) assert_int_equal(rig_step(&g, 3 + 5.0 * i), 0);
  assert_int_equal(count_applied(g.r, NULL), 0);
  assert_int_equal(count_constraint(g.r, GCPULSE_CONSTRAINT_COOLDOWN), 11);
  assert_int_equal(rig_step(&g, 63), 0);
  assert_int_equal(count_applied(g.r, NULL), 1);
  assert_true(fabs(g.r->a[g.r->n - 1].t - 63.0) < 1e-9);
  rig_free(&g);
}

/* ---------------------------------------------------------------------
 * Through the public API (and real traces when the window provides the
 * features)
 * --------------------------------------------------------------------- */

typedef struct acts {
  int n, applied;
  char rules[64][GCPULSE_NAME_MAX];
  int nr;
} acts;

static int on_act(void *user, const gcpulse_action_t *a) {
  acts *s = user;
  s->n++;
  if (a->applied) s->applied++;
  for (int i = 0; i < s->nr; i++)
    if (strcmp(s->rules[i], a->rule) == 0) return 0;
  if (s->nr < 64) snprintf(s->rules[s->nr++], GCPULSE_NAME_MAX, "%s", a->rule);
  return 0;
}

static int fired(const acts *s, const char *rule) {
  for (int i = 0; i < s->nr; i++)
    if (strcmp(s->rules[i], rule) == 0) return 1;
  return 0;
}

/* A policy driven through gcpulse_feed_metric with a custom metric. */
static void test_public_api_custom_metric(void **state) {
  (void)state;
  gcpulse_config_t *cfg = bare_config();
  cfg->explain_suppressed = 0;
  gcpulse_rule_t *r = add_rule(cfg, "fuse", "", GCPULSE_DIR_ESCALATE, 0);
  strcpy(cfg->custom_names[0], "sandbox_mem");
  add_cond(r, GCPULSE_FEAT_CUSTOM + 0, GCPULSE_OP_GT, 100, 80, 1, 1);
  r->conditions[0].stat = GCPULSE_STAT_LAST;
  add_action(r, "fallback", 1);
  acts s;
  memset(&s, 0, sizeof s);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_action = on_act;
  cb.user = &s;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  int id = gcpulse_metric_id(g, "sandbox_mem");
  assert_int_equal(id, GCPULSE_FEAT_CUSTOM);
  for (int t = 0; t < 60; t++)
    assert_int_equal(gcpulse_feed_metric(g, id, t, t < 30 ? 50 : 200), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_true(st.policy_evaluations >= 11);
  double v;
  if (gcpulse_feature(g, id, GCPULSE_STAT_LAST, &v) == 0) {
    /* the window keeps custom metrics: the fuse must have tripped */
    assert_true(fired(&s, "fuse"));
    assert_true(s.applied >= 1);
  } else {
    print_message("window does not report custom metrics yet\n");
  }
  gcpulse_action_t ex[4];
  assert_int_equal(gcpulse_policy_explanations(g, ex, 4), s.n < 4 ? s.n : 4);
  assert_int_equal(gcpulse_policy_kill(g, GCPULSE_DIR_ESCALATE, "fallback", 1),
                   0);
  gcpulse_free(g);
  free(cfg);
}

/* Whether the window reports FEATURE/STAT at all after feeding PATH. */
static gcpulse_t *replay(const char *path, gcpulse_config_t *cfg, acts *s) {
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_action = on_act;
  cb.user = s;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  size_t len = 0;
  char *buf = tu_read_file(path, &len);
  assert_non_null(buf);
  assert_int_equal(gcpulse_feed(g, buf, len), 0);
  assert_int_equal(gcpulse_finish(g), 0);
  free(buf);
  return g;
}

/* Short real traces need a fast policy: 1 s period, no warm-up. */
static gcpulse_config_t *trace_config(void) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->policy_period_s = 1;
  cfg->warmup_s = 0;
  cfg->settle_s = 0;
  cfg->window_s = 10;
  cfg->panes = 10;
  cfg->deescalate_stabilization_s = 60;
  return cfg;
}

static int window_ready(void) {
  gcpulse_t *g = NULL;
  if (gcpulse_new(NULL, NULL, &g) != 0) return 0;
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_GO;
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
  int ok = 1;
  for (int i = 0; i < 5 && ok; i++) {
    ev.t = i;
    ev.pause_ms = 1;
    ok = gcpulse_feed_event(g, &ev) == 0;
  }
  double v;
  ok = ok && gcpulse_feature(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE, &v) == 0;
  gcpulse_free(g);
  return ok;
}

static void test_real_go_silent_when_healthy(void **state) {
  (void)state;
  TU_CORPUS_OR_SKIP(path, "go/go1.19-gogc50-1p.log");
  if (!window_ready()) {
    print_message("window features not available yet: skipped\n");
    skip();
  }
  gcpulse_config_t *cfg = trace_config();
  acts s;
  memset(&s, 0, sizeof s);
  gcpulse_t *g = replay(path, cfg, &s);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  print_message("healthy Go trace: %llu evaluations, %d actions\n",
                (unsigned long long)st.policy_evaluations, s.n);
  for (int i = 0; i < s.nr; i++) print_message("  fired: %s\n", s.rules[i]);
  assert_true(st.policy_evaluations > 5);
  assert_int_equal(s.applied, 0);
  gcpulse_free(g);
  free(cfg);
}

static void test_real_go_memlimit_oom_bump(void **state) {
  (void)state;
  TU_CORPUS_OR_SKIP(path, "go/go1.19-gomemlimit-300m.log");
  if (!window_ready()) {
    print_message("window features not available yet: skipped\n");
    skip();
  }
  gcpulse_config_t *cfg = trace_config();
  /* a 280 MiB container limit: the heap (goal pinned near 300 MB by
   * GOMEMLIMIT) reaches it */
  cfg->memory_limit = 280.0 * 1048576.0;
  acts s;
  memset(&s, 0, sizeof s);
  gcpulse_t *g = replay(path, cfg, &s);
  double ratio = 0;
  int why = gcpulse_feature(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO,
                            GCPULSE_STAT_VALUE, &ratio);
  print_message("heap_limit_ratio %g (why %d); rules fired:", ratio, why);
  for (int i = 0; i < s.nr; i++) print_message(" %s", s.rules[i]);
  print_message("\n");
  assert_true(fired(&s, "oom_bump"));
  gcpulse_free(g);
  free(cfg);
}

/* The JDK 17 OOM fixtures (tests/data/jvm, -Xmx24m, ~0.1 s of log) end in
 * OutOfMemoryError after allocation-failure full GCs: the catastrophe bump
 * must fire (24 MiB limit -> max(1.2x, +100 MiB) = 124 MiB). */
static void test_real_jvm_oom(void **state) {
  (void)state;
  const char *files[] = {"tests/data/jvm/jdk17-g1-oom.log",
                         "tests/data/jvm/jdk17-parallel-oom.log",
                         "tests/data/jvm/jdk17-serial-oom.log"};
  if (!window_ready()) {
    print_message("window features not available yet: skipped\n");
    skip();
  }
  int any = 0;
  for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
    FILE *f = fopen(files[k], "rb");
    if (f == NULL) continue;
    fclose(f);
    gcpulse_config_t *cfg = trace_config();
    cfg->memory_limit = 24.0 * 1048576.0;
    cfg->window_s = 1;
    cfg->policy_period_s = 0.005;
    cfg->deescalate_stabilization_s = 0.2;
    acts s;
    memset(&s, 0, sizeof s);
    gcpulse_t *g = replay(files[k], cfg, &s);
    print_message("%s: rules fired:", files[k]);
    for (int i = 0; i < s.nr; i++) print_message(" %s", s.rules[i]);
    print_message("\n");
    assert_true(fired(&s, "oom_bump"));
    assert_true(s.applied >= 1);
    gcpulse_action_t ex[8];
    int n = gcpulse_policy_explanations(g, ex, 8);
    assert_true(n >= 1);
    assert_string_equal(ex[0].rule, "oom_bump");
    assert_true(fabs(ex[0].final - 124.0 * 1048576.0) < 1.0);
    any = 1;
    gcpulse_free(g);
    free(cfg);
  }
  if (!any) skip();
}

/* The corpus G1 run that ends in OutOfMemoryError: young GCs come faster
 * while promotion climbs (rule 2) before the heap hits the limit (rule 7). */
static void test_real_jvm_g1_lifetime_anomaly(void **state) {
  (void)state;
  TU_CORPUS_OR_SKIP(path, "jvm/jdk17-g1-gcstar.log");
  if (!window_ready()) {
    print_message("window features not available yet: skipped\n");
    skip();
  }
  gcpulse_config_t *cfg = trace_config();
  cfg->window_s = 5;
  cfg->policy_period_s = 0.5;
  cfg->deescalate_stabilization_s = 10;
  cfg->memory_limit = 300.0 * 1048576.0;
  acts s;
  memset(&s, 0, sizeof s);
  gcpulse_t *g = replay(path, cfg, &s);
  print_message("rules fired:");
  for (int i = 0; i < s.nr; i++) print_message(" %s", s.rules[i]);
  print_message("\n");
  assert_true(fired(&s, "lifetime_anomaly"));
  assert_true(fired(&s, "oom_bump"));
  gcpulse_free(g);
  free(cfg);
}

/* ---------------------------------------------------------------------
 * Every default rule on a real trace (tests/data/policy, made by make.sh
 * there on this machine).  Unless a comment says otherwise the policy runs
 * with the built-in defaults: 5 s period, 30 s warm-up, 15 s settle,
 * 300 s down-stabilisation.  Caller metrics (RSS) recorded with the trace
 * are fed through gcpulse_feed_metric in time order with the trace lines.
 * --------------------------------------------------------------------- */

#define PDATA "tests/data/policy/"

typedef struct trace_log {
  int n, n_applied;
  gcpulse_action_t first[32]; /* first applied record of each rule */
  int nfirst;
  int dir_applied[3];         /* by direction + 1 */
} trace_log;

static int on_trace_act(void *user, const gcpulse_action_t *a) {
  trace_log *s = user;
  s->n++;
  if (!a->applied) return 0;
  s->n_applied++;
  s->dir_applied[a->direction + 1]++;
  for (int i = 0; i < s->nfirst; i++)
    if (strcmp(s->first[i].rule, a->rule) == 0) return 0;
  if (s->nfirst < 32) s->first[s->nfirst++] = *a;
  return 0;
}

static const gcpulse_action_t *first_of(const trace_log *s, const char *rule) {
  for (int i = 0; i < s->nfirst; i++)
    if (strcmp(s->first[i].rule, rule) == 0) return &s->first[i];
  return NULL;
}

/* Time of a Go "gc N @T" or JVM "[Ts]" line, NAN when it has none. */
static double line_time(const char *l, size_t n) {
  if (n > 3 && memcmp(l, "gc ", 3) == 0) {
    const char *at = memchr(l, '@', n);
    return at ? strtod(at + 1, NULL) : NAN;
  }
  if (n > 2 && l[0] == '[') {
    char *end;
    double t = strtod(l + 1, &end);
    return end > l + 1 && *end == 's' ? t : NAN;
  }
  return NAN;
}

typedef struct series {
  int n;
  double t[4096], v[4096];
} series;

/* Load a "t,value" CSV. */
static void load_csv(const char *path, series *m) {
  size_t len = 0;
  char *buf = tu_read_file(path, &len);
  assert_non_null(buf);
  m->n = 0;
  for (char *q = buf; q && *q && m->n < 4096;) {
    double a, b;
    if (sscanf(q, "%lf,%lf", &a, &b) == 2) {
      m->t[m->n] = a;
      m->v[m->n++] = b;
    }
    q = strchr(q, '\n');
    if (q) q++;
  }
  free(buf);
}

/* Replay PATH line by line through the public API with CFG; RSS samples
 * of M (may be NULL) older than each line go in first.  Prints the rules
 * that fired.  Returns the instance (caller frees). */
static gcpulse_t *replay_trace(const char *path, const gcpulse_config_t *cfg,
                               const series *m, trace_log *s) {
  memset(s, 0, sizeof *s);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_action = on_trace_act;
  cb.user = s;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  size_t len = 0;
  char *buf = tu_read_file(path, &len);
  assert_non_null(buf);
  int k = 0;
  for (size_t i = 0; i < len;) {
    const char *l = buf + i;
    const char *nl = memchr(l, '\n', len - i);
    size_t n = nl ? (size_t)(nl - l) : len - i;
    double t = line_time(l, n);
    while (m && k < m->n && isfinite(t) && m->t[k] < t) {
      assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, m->t[k], m->v[k]), 0);
      k++;
    }
    assert_int_equal(gcpulse_feed_line(g, l, n), 0);
    i += n + 1;
  }
  for (; m && k < m->n; k++)
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, m->t[k], m->v[k]), 0);
  assert_int_equal(gcpulse_finish(g), 0);
  free(buf);
  print_message("%s:", path);
  for (int i = 0; i < s->nfirst; i++)
    print_message(" %s@%.1fs", s->first[i].rule, s->first[i].t);
  print_message(" (%d applied)\n", s->n_applied);
  return g;
}

static int have_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return 0;
  fclose(f);
  return 1;
}

#define DATA_OR_SKIP(path)                                                    \
  do {                                                                        \
    if (!have_file(path)) {                                                   \
      print_message("%s missing: skipped\n", path);                           \
      skip();                                                                 \
    }                                                                         \
  } while (0)

/* Rule 1: metaspace fills (Serial, MaxMetaspaceSize=16m), "Metadata GC
 * Threshold" full GCs come faster and faster until OutOfMemoryError. */
static void test_trace_memory_bound(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "jdk17-metaspace.log");
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "jdk17-metaspace.log", &cfg, NULL, &s);
  const gcpulse_action_t *a = first_of(&s, "memory_bound");
  assert_non_null(a);
  assert_string_equal(a->action, "scale_up_memory");
  assert_true(a->conditions[0].value > 0);    /* full_gc_rate slope, 1/min per s */
  assert_true(a->conditions[1].value > 90.0); /* metaspace used % */
  assert_true(a->t >= 30.0);                  /* not before the warm-up */
  /* both actions of the rule, in the explanation ring */
  gcpulse_action_t ex[64];
  int n = gcpulse_policy_explanations(g, ex, 64), both = 0;
  for (int i = 0; i < n; i++)
    if (strcmp(ex[i].rule, "memory_bound") == 0 &&
        strcmp(ex[i].action, "degrade_offheap_cache") == 0)
      both = 1;
  assert_true(both);
  gcpulse_free(g);
}

/* Rule 3: Serial full GCs of a growing pointer-rich old generation, 0.3 s
 * growing to 1.9 s. */
static void test_trace_pause_spike(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "jdk17-pauses.log");
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "jdk17-pauses.log", &cfg, NULL, &s);
  const gcpulse_action_t *a = first_of(&s, "pause_spike");
  assert_non_null(a);
  assert_string_equal(a->action, "elastic_scale_plan");
  assert_true(a->conditions[0].value > 200.0); /* pause p99, ms */
  assert_true(a->conditions[1].value > 0.8);   /* pause slope, ms/s */
  gcpulse_free(g);
}

/* Rule 5: GOGC=off, GOMEMLIMIT=84MiB, live heap held at 72 MiB while
 * garbage is allocated flat out; the limit is given through the config. */
static void test_trace_death_spiral(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "go-spiral.log");
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  cfg.memory_limit = 84.0 * 1048576.0;
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "go-spiral.log", &cfg, NULL, &s);
  const gcpulse_action_t *a = first_of(&s, "death_spiral");
  assert_non_null(a);
  assert_string_equal(a->action, "restart_or_shed");
  assert_true(a->conditions[0].value > 0.4);  /* GC CPU fraction */
  assert_int_equal(a->conditions[0].hits, 6); /* sustained: 6 of 6 */
  assert_true(a->conditions[1].value > 0.9);  /* heap / limit */
  gcpulse_free(g);
  /* without a memory limit the same trace is no death spiral */
  gcpulse_config_init(&cfg);
  g = replay_trace(PDATA "go-spiral.log", &cfg, NULL, &s);
  assert_null(first_of(&s, "death_spiral"));
  gcpulse_free(g);
}

/* Rule 6: the same Go trace under a memory-target controller whose budget
 * (0.9 x 84 MiB) the live heap approaches: GOGC sinks to its lower bound
 * (25) and stays there; gogc_pinned >= 3 drives scale_out. */
static void test_trace_gogc_exhausted(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "go-spiral.log");
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  cfg.memory_limit = 84.0 * 1048576.0;
  cfg.gogc.mode = GCPULSE_GOGC_MEMORY_TARGET;
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "go-spiral.log", &cfg, NULL, &s);
  const gcpulse_action_t *a = first_of(&s, "gogc_exhausted");
  assert_non_null(a);
  assert_string_equal(a->action, "scale_out");
  assert_true(a->conditions[0].value >= 3.0);
  assert_true(fabs(gcpulse_gogc_current(g) - cfg.gogc.min) < 1e-9);
  gcpulse_free(g);
  /* a controller that is off is never pinned: no gogc_exhausted */
  cfg.gogc.mode = GCPULSE_GOGC_OFF;
  g = replay_trace(PDATA "go-spiral.log", &cfg, NULL, &s);
  assert_null(first_of(&s, "gogc_exhausted"));
  gcpulse_free(g);
}

/* Rule 4: flat 8 MiB live heap, RSS growing ~2 MiB/s through mmap'd
 * memory; RSS recorded by the process itself each second. */
static void test_trace_offheap_leak(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "go-offheap.log");
  series *m = calloc(1, sizeof *m);
  load_csv(PDATA "go-offheap-rss.csv", m);
  assert_true(m->n >= 50);
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "go-offheap.log", &cfg, m, &s);
  const gcpulse_action_t *a = first_of(&s, "offheap_leak");
  assert_non_null(a);
  assert_string_equal(a->action, "suspect_offheap_leak");
  assert_int_equal(a->direction, GCPULSE_DIR_NEUTRAL);
  assert_true(a->conditions[0].value > 262144.0); /* RSS slope, B/s */
  assert_true(a->conditions[1].value < 65536.0);  /* live-heap slope */
  gcpulse_free(g);
  /* the same trace without the RSS metric: unknown, no action */
  g = replay_trace(PDATA "go-offheap.log", &cfg, NULL, &s);
  assert_null(first_of(&s, "offheap_leak"));
  gcpulse_free(g);
  free(m);
}

/* scale_in: an idle Go service (a GC every 55-75 s) for 660 s; the caller's
 * RSS samples every 5 s keep the window's clock going between GCs.
 * Default timings: 30 s warm-up, 300 s down-stabilisation: the rate falls
 * under 1/min once a whole window passes without a GC (~130 s), 6 of 6
 * evaluations later the rule matches (~150 s), and it applies when it has
 * matched for the whole 300 s down-window (~450 s). */
static void test_trace_scale_in(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "go-steady.log");
  series *m = calloc(1, sizeof *m);
  load_csv(PDATA "go-steady-rss.csv", m);
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "go-steady.log", &cfg, m, &s);
  const gcpulse_action_t *a = first_of(&s, "scale_in");
  assert_non_null(a);
  assert_int_equal(a->direction, GCPULSE_DIR_DEESCALATE);
  assert_true(a->conditions[0].value < 2.0); /* GCs per minute */
  assert_true(a->t >= 300.0);                /* after the down-window */
  /* steady and healthy: nothing escalates */
  assert_int_equal(s.dir_applied[GCPULSE_DIR_ESCALATE + 1], 0);
  assert_int_equal(s.dir_applied[GCPULSE_DIR_NEUTRAL + 1], 0);
  gcpulse_free(g);
  free(m);
}

/* scale_down_memory: a JVM at 1 MB/s of garbage for 450 s in a 512 MiB
 * container (heap <= 64 MiB): memory can shrink, nothing escalates. */
static void test_trace_scale_down_memory(void **state) {
  (void)state;
  DATA_OR_SKIP(PDATA "jdk17-steady.log");
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  cfg.memory_limit = 512.0 * 1048576.0;
  trace_log s;
  gcpulse_t *g = replay_trace(PDATA "jdk17-steady.log", &cfg, NULL, &s);
  const gcpulse_action_t *a = first_of(&s, "scale_down_memory");
  assert_non_null(a);
  assert_true(a->conditions[0].value < 0.4);
  assert_true(fabs(a->final - 0.9) < 1e-12);
  assert_true(a->t >= 300.0);
  assert_int_equal(s.dir_applied[GCPULSE_DIR_ESCALATE + 1], 0);
  assert_int_equal(s.dir_applied[GCPULSE_DIR_NEUTRAL + 1], 0);
  gcpulse_free(g);
}

/* Validation: a statistic the window does not keep for the feature. */
static void test_validation_unsupported_stat(void **state) {
  (void)state;
  gcpulse_config_t *cfg = bare_config();
  cfg->custom_metrics = 4;
  gcpulse_rule_t *r = add_rule(cfg, "x", "", GCPULSE_DIR_ESCALATE, 0);
  add_cond(r, GCPULSE_FEAT_QPS, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_cond(r, GCPULSE_FEAT_CUSTOM + 2, GCPULSE_OP_GT, 1, 1, 1, 1);
  add_action(r, "a", 1);
  r->conditions[1].stat = GCPULSE_STAT_P99;
  expect_error(cfg, "policy.rules[0].conditions[1].stat",
               "statistic 'p99' is not kept for feature 'custom metric #2' "
               "(supported: value, last, mean, min, max, rate, slope, ewma, "
               "cusum)");
  r->conditions[1].stat = GCPULSE_STAT_EWMA;
  r->conditions[0].feature = GCPULSE_FEAT_OOM_EVENTS;
  r->conditions[0].stat = GCPULSE_STAT_MEAN;
  expect_error(cfg, "policy.rules[0].conditions[0].stat",
               "statistic 'mean' is not kept for feature 'oom_events' "
               "(supported: value)");
  r->conditions[0].stat = GCPULSE_STAT_VALUE;
  gcpulse_error_t err;
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  /* every supported pair passes, every other one fails */
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++) {
    for (int st = 0; st < GCPULSE_STAT_COUNT; st++) {
      r->conditions[0].feature = f;
      r->conditions[0].stat = st;
      int rc = gcpulse_config_check(cfg, &err);
      assert_int_equal(rc == 0, gcpulse_feature_supports(f, st) != 0);
    }
  }
  free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_valid),
      cmocka_unit_test(test_validation_messages),
      cmocka_unit_test(test_hysteresis_latched),
      cmocka_unit_test(test_step_response),
      cmocka_unit_test(test_square_wave_no_flapping),
      cmocka_unit_test(test_missing_data),
      cmocka_unit_test(test_cooldown_and_preemption),
      cmocka_unit_test(test_rate_limit),
      cmocka_unit_test(test_dry_run_identical),
      cmocka_unit_test(test_kill_switch),
      cmocka_unit_test(test_loop_guard_and_bump),
      cmocka_unit_test(test_warmup_settle),
      cmocka_unit_test(test_conflict_and_group_veto),
      cmocka_unit_test(test_conflict_across_groups),
      cmocka_unit_test(test_group_veto_unknown_sibling),
      cmocka_unit_test(test_explanation_ring),
      cmocka_unit_test(test_schedule_and_stop),
      cmocka_unit_test(test_public_api_custom_metric),
      cmocka_unit_test(test_real_go_silent_when_healthy),
      cmocka_unit_test(test_real_go_memlimit_oom_bump),
      cmocka_unit_test(test_real_jvm_oom),
      cmocka_unit_test(test_real_jvm_g1_lifetime_anomaly),
      cmocka_unit_test(test_trace_memory_bound),
      cmocka_unit_test(test_trace_pause_spike),
      cmocka_unit_test(test_trace_death_spiral),
      cmocka_unit_test(test_trace_gogc_exhausted),
      cmocka_unit_test(test_trace_offheap_leak),
      cmocka_unit_test(test_trace_scale_in),
      cmocka_unit_test(test_trace_scale_down_memory),
      cmocka_unit_test(test_validation_unsupported_stat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_source.c — a lost source (gcpulse_source_lost): features unknown
 * with their own reason, no decision until the next event, then normal
 * again.  Input: the bundled real Go trace (examples/data/go-demo.gctrace,
 * 136 cycles, last at @96.301s, 300 MiB limit as in examples/demo.json). */
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static gcpulse_t *demo_instance(tu_sink *s) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  assert_non_null(cfg);
  gcpulse_config_init(cfg);
  cfg->memory_limit = 300.0 * 1048576;
  gcpulse_callbacks_t cb;
  tu_sink_init(s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  free(cfg);
  size_t len;
  char *text = tu_read_file("examples/data/go-demo.gctrace", &len);
  assert_non_null(text);
  assert_int_equal(gcpulse_feed(g, text, len), 0);
  free(text);
  assert_int_equal(gcpulse_finish(g), 0);
  return g;
}

/* One more cycle after the trace's last (gc 136 @96.301s). */
static const char next_gc[] =
    "gc 137 @130.500s 0%: 0.050+15+0.004 ms clock, 0.10+0/2.0/29+0.008 ms "
    "cpu, 300->301->158 MB, 312 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";

static void test_lost_source_is_silent(void **state) {
  (void)state;
  tu_sink lost, alive;
  gcpulse_t *g = demo_instance(&lost);
  gcpulse_t *ref = demo_instance(&alive);
  double v = -1;
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99, &v),
                   GCPULSE_WHY_KNOWN);
  assert_true(v > 0);
  assert_true(fabs(gcpulse_time(g) - 96.301) < 1e-9);
  assert_int_equal(gcpulse_is_source_lost(g), 0);

  assert_int_equal(gcpulse_source_lost(g, NAN), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_source_lost(g, 97.0), 0);
  assert_int_equal(gcpulse_is_source_lost(g), 1);
  assert_true(fabs(gcpulse_time(g) - 97.0) < 1e-9);
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++)
    for (int s = 0; s < GCPULSE_STAT_COUNT; s++) {
      int r = gcpulse_feature(g, f, s, &v);
      assert_int_equal(r, gcpulse_feature_supports(f, s)
                              ? GCPULSE_WHY_SOURCE_LOST
                              : GCPULSE_WHY_UNSUPPORTED);
      assert_true(v == 0.0);
    }
  assert_string_equal(gcpulse_why_name(GCPULSE_WHY_SOURCE_LOST), "source_lost");
  char json[64];
  assert_int_equal(gcpulse_features_to_json(g, json, sizeof json), 2); /* {} */

  /* 30 s of ticks and an RSS sample: the live twin decides, the lost one not */
  size_t g0 = lost.n_gogc, a0 = lost.n_action, r0 = alive.n_gogc;
  for (double t = 97; t <= 127; t += 1) {
    assert_int_equal(gcpulse_tick(g, t), 0);
    assert_int_equal(gcpulse_tick(ref, t), 0);
  }
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, 127.5, 4e8), 0);
  assert_true(alive.n_gogc > r0); /* ticks do decide while the source lives */
  assert_int_equal(lost.n_gogc, g0);
  assert_int_equal(lost.n_action, a0);
  assert_int_equal(gcpulse_is_source_lost(g), 1);

  /* the next event revives the source: features and decisions come back */
  assert_int_equal(gcpulse_feed(g, next_gc, sizeof next_gc - 1), 0);
  assert_int_equal(gcpulse_is_source_lost(g), 0);
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_HEAP_GOAL, GCPULSE_STAT_VALUE, &v),
                   GCPULSE_WHY_KNOWN);
  assert_true(v == 312.0 * 1048576);
  assert_true(lost.n_gogc > g0);

  /* reset clears the mark */
  assert_int_equal(gcpulse_source_lost(g, 131.0), 0);
  assert_int_equal(gcpulse_reset(g), 0);
  assert_int_equal(gcpulse_is_source_lost(g), 0);
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99, &v),
                   GCPULSE_WHY_NO_DATA);
  assert_int_equal(gcpulse_source_lost(NULL, 1.0), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_is_source_lost(NULL), 0);
  gcpulse_free(g);
  gcpulse_free(ref);
  tu_sink_free(&lost);
  tu_sink_free(&alive);
}

/* The merged policy table a sidecar lists to create its counters at 0. */
static void test_config_rules(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  assert_non_null(cfg);
  gcpulse_config_init(cfg);
  int nd = gcpulse_config_rules(cfg, NULL, 0);
  assert_true(nd >= 1 && nd <= GCPULSE_RULES_MAX);
  gcpulse_rule_t *rules = calloc(GCPULSE_RULES_MAX, sizeof *rules);
  assert_non_null(rules);
  assert_int_equal(gcpulse_config_rules(cfg, rules, GCPULSE_RULES_MAX), nd);
  char first[GCPULSE_NAME_MAX];
  snprintf(first, sizeof first, "%s", rules[0].id);
  assert_true(rules[0].n_actions >= 1 && rules[0].actions[0].name[0]);
  /* a configured rule with a built-in id replaces it in place; a new id
   * is appended */
  cfg->n_rules = 2;
  snprintf(cfg->rules[0].id, GCPULSE_NAME_MAX, "%s", first);
  cfg->rules[0].n_actions = 1;
  snprintf(cfg->rules[0].actions[0].name, GCPULSE_NAME_MAX, "page_someone");
  snprintf(cfg->rules[1].id, GCPULSE_NAME_MAX, "my_rule");
  cfg->rules[1].n_actions = 1;
  snprintf(cfg->rules[1].actions[0].name, GCPULSE_NAME_MAX, "shed_load");
  assert_int_equal(gcpulse_config_rules(cfg, rules, GCPULSE_RULES_MAX), nd + 1);
  assert_string_equal(rules[0].id, first);
  assert_string_equal(rules[0].actions[0].name, "page_someone");
  assert_string_equal(rules[nd].id, "my_rule");
  assert_string_equal(rules[nd].actions[0].name, "shed_load");
  /* without the built-in table only the configured rules remain */
  cfg->policy_defaults = 0;
  assert_int_equal(gcpulse_config_rules(cfg, rules, 1), 2);
  assert_string_equal(rules[0].id, first);
  assert_int_equal(gcpulse_config_rules(NULL, rules, 1), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_config_rules(cfg, NULL, 1), GCPULSE_EINVAL);
  free(rules);
  free(cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lost_source_is_silent),
      cmocka_unit_test(test_config_rules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

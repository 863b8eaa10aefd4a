/* test_chaos.c — allocation-failure injection (issue 9).
 *
 * Fail the k-th allocation for k = 0, 1, 2, ... until the operation
 * succeeds.  Every failure must return a clean error code, leave nothing
 * allocated (counted), and leave no half-made object behind: *out stays
 * NULL for gcpulse_new, the configuration is untouched for
 * gcpulse_config_load_json.  Both go through the configuration's
 * allocator, here the counting allocator tu_alloc. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------
 * gcpulse_new
 * --------------------------------------------------------------------- */

static void chaos_new_with(gcpulse_config_t *cfg, const char *corpus_rel) {
  tu_alloc a;
  gcpulse_t *g = NULL;
  long k;
  for (k = 0; k < 100; k++) {
    tu_alloc_init(&a);
    a.fail_at = k;
    cfg->alloc = tu_alloc_fn;
    cfg->alloc_ud = &a;
    g = (gcpulse_t *)(void *)&a; /* must be overwritten with NULL */
    int rc = gcpulse_new(cfg, NULL, &g);
    if (rc == 0) break;
    assert_int_equal(rc, GCPULSE_ENOMEM);
    assert_null(g);
    assert_int_equal(a.live_bytes, 0);
    assert_int_equal(a.frees, a.allocs - 1); /* all but the failed one */
  }
  assert_non_null(g);
  assert_true(k >= 1); /* at least one allocation was failed */
  assert_int_equal((size_t)a.live_bytes, gcpulse_footprint(cfg));
  long allocs = a.allocs;
  /* the instance is whole: it parses a real file with no allocation */
  const char *p = corpus_rel ? tu_corpus(corpus_rel) : NULL;
  if (p) {
    size_t len;
    char *data = tu_read_file(p, &len);
    assert_int_equal(tu_feed_chunks(g, data, len, 2, 7), 0);
    gcpulse_stats_t st;
    gcpulse_stats(g, &st);
    assert_true(st.events > 0);
    free(data);
  }
  assert_int_equal(a.allocs, allocs);
  gcpulse_free(g);
  assert_int_equal(a.live_bytes, 0);
  assert_int_equal(a.frees, a.allocs);
}

static void chaos_gcpulse_new(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  chaos_new_with(cfg, "tests/data/go/go1.19-gogc50-2p.log");
  gcpulse_config_init(cfg);
  cfg->format = GCPULSE_FORMAT_JVM;
  cfg->max_line = 1u << 20;
  cfg->jvm_open_events = 4096;
  cfg->panes = 64;
  cfg->window_s = 600;
  cfg->custom_metrics = GCPULSE_CUSTOM_MAX;
  chaos_new_with(cfg, "tests/data/jvm/jdk17-g1-alldecor.log");
  gcpulse_config_init(cfg);
  cfg->policy_enabled = 0;
  cfg->gogc.mode = GCPULSE_GOGC_OFF;
  chaos_new_with(cfg, NULL);
  free(cfg);
}

/* A failing allocator makes gcpulse_new fail cleanly for an invalid
 * config too: ECONFIG wins, nothing is allocated. */
static void chaos_new_invalid_config(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->panes = -5;
  tu_alloc a;
  tu_alloc_init(&a);
  a.fail_at = 0;
  cfg->alloc = tu_alloc_fn;
  cfg->alloc_ud = &a;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, NULL, &g), GCPULSE_ECONFIG);
  assert_null(g);
  assert_int_equal(a.live_bytes, 0);
  assert_int_equal(gcpulse_footprint(cfg), 0);
  free(cfg);
}

#ifndef GCPULSE_NO_JSON /* make JSON=0: no JSON configuration */
/* A configuration that exercises most of the schema: the dump of a
 * config with custom metrics and rules on top of the defaults. */
static char *rich_config_text(size_t *len) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->format = GCPULSE_FORMAT_JVM;
  cfg->custom_metrics = 3;
  strcpy(cfg->custom_names[0], "sched_latency_ms");
  cfg->gogc.mode = GCPULSE_GOGC_DUAL_FACTOR;
  cfg->dry_run = 1;
  cfg->n_rules = 1;
  gcpulse_rule_t *r = &cfg->rules[0];
  memset(r, 0, sizeof *r);
  strcpy(r->id, "chaos_rule");
  r->direction = GCPULSE_DIR_ESCALATE;
  r->n_conditions = 2;
  for (int i = 0; i < 2; i++) {
    r->conditions[i].feature = i ? GCPULSE_FEAT_GC_RATE : GCPULSE_FEAT_PAUSE;
    r->conditions[i].stat = i ? GCPULSE_STAT_VALUE : GCPULSE_STAT_P99;
    r->conditions[i].op = GCPULSE_OP_GT;
    r->conditions[i].enter = 50;
    r->conditions[i].exit = 40;
    r->conditions[i].n = 2;
    r->conditions[i].m = 3;
  }
  r->n_actions = 1;
  strcpy(r->actions[0].name, "scale_out");
  r->actions[0].magnitude = 1;
  r->cooldown_s = -1;
  r->stabilization_s = -1;
  long n = gcpulse_config_dump_json(cfg, NULL, 0);
  char *text = NULL;
  if (n > 0) {
    text = malloc((size_t)n + 1);
    gcpulse_config_dump_json(cfg, text, (size_t)n + 1);
    *len = (size_t)n;
  }
  free(cfg);
  return text;
}

static void chaos_config_load_json(void **state) {
  (void)state;
  size_t len = 0;
  char *text = rich_config_text(&len);
  assert_non_null(text);
  gcpulse_config_t *ref = malloc(sizeof *ref), *cfg = malloc(sizeof *cfg),
                   *fresh = malloc(sizeof *fresh);
  tu_alloc a;
  gcpulse_config_init(ref);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_load_json(ref, text, len, &err), GCPULSE_OK);
  gcpulse_config_init(fresh);
  fresh->alloc = tu_alloc_fn;
  fresh->alloc_ud = &a;
  long k;
  for (k = 0; k < 1000; k++) {
    memcpy(cfg, fresh, sizeof *cfg);
    memset(&err, 0, sizeof err);
    tu_alloc_init(&a);
    a.fail_at = k;
    int rc = gcpulse_config_load_json(cfg, text, len, &err);
    if (a.allocs != a.frees + (a.allocs > k) || a.live_bytes != 0)
      fail_msg("k=%ld: %ld allocations, %ld frees, %lld bytes live (rc %d)", k,
               a.allocs, a.frees, a.live_bytes, rc);
    if (rc == 0) break;
    /* every failure is the injected one, reported as such */
    if (rc != GCPULSE_ENOMEM || err.code != rc || err.text[0] == '\0')
      fail_msg("k=%ld: load returned %d (%s)", k, rc, err.text);
    /* never half-initialised: the configuration is untouched */
    if (memcmp(cfg, fresh, sizeof *cfg) != 0)
      fail_msg("k=%ld: configuration changed by a failed load", k);
  }
  print_message("load_json: succeeded once %ld allocations could succeed "
                "(%ld made, all through cfg->alloc); every failure ENOMEM\n",
                k, a.allocs);
  /* the JSON tree and the working copy: two blocks */
  assert_int_equal(k, 2);
  cfg->alloc = NULL;
  cfg->alloc_ud = NULL;
  assert_memory_equal(cfg, ref, sizeof *cfg);
  /* and the loaded configuration creates an instance */
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, NULL, &g), 0);
  gcpulse_free(g);
  free(text);
  free(ref);
  free(cfg);
  free(fresh);
}

/* gcpulse_config_dump_json allocates nothing: the right text whatever the
 * allocator would do, and snprintf semantics on short buffers. */
static void chaos_config_dump_json(void **state) {
  (void)state;
  size_t len = 0;
  char *text = rich_config_text(&len);
  assert_non_null(text);
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  tu_alloc a;
  tu_alloc_init(&a);
  a.fail_at = 0;
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_load_json(cfg, text, len, &err), 0);
  cfg->alloc = tu_alloc_fn;
  cfg->alloc_ud = &a;
  char *out = malloc(len + 1);
  for (size_t cap = 0; cap <= len + 1; cap += cap < 64 ? 1 : 97) {
    memset(out, 'x', len + 1);
    long n = gcpulse_config_dump_json(cfg, cap ? out : NULL, cap);
    assert_int_equal(n, (long)len);
    if (cap > 0) {
      size_t k = cap - 1 < len ? cap - 1 : len;
      assert_memory_equal(out, text, k);
      assert_int_equal(out[k], '\0');
    }
  }
  assert_int_equal(a.allocs, 0);
  print_message("dump_json: %zu bytes, no allocation\n", len);
  free(out);
  free(cfg);
  free(text);
}

#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(chaos_gcpulse_new),
      cmocka_unit_test(chaos_new_invalid_config),
#ifndef GCPULSE_NO_JSON
      cmocka_unit_test(chaos_config_load_json),
      cmocka_unit_test(chaos_config_dump_json),
#endif
  };
  return cmocka_run_group_tests_name("chaos", tests, NULL, NULL);
}

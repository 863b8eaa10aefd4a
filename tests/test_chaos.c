/* test_chaos.c — allocation-failure injection (issue 9).
 *
 * Fail the k-th allocation for k = 0, 1, 2, ... until the operation
 * succeeds.  Every failure must return a clean error code, leave nothing
 * allocated (counted), and leave no half-made object behind: *out stays
 * NULL for gcpulse_new, the configuration is untouched for
 * gcpulse_config_load_json.  The instance goes through the counting
 * allocator tu_alloc; jansson has one global allocator, which the TEST
 * replaces with json_set_alloc_funcs (the library itself never does). */
#include "util.h"

#include <jansson.h>
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

/* ---------------------------------------------------------------------
 * jansson: fail the k-th allocation, count what is still live
 * --------------------------------------------------------------------- */

static long js_allocs, js_frees, js_fail_at = -1;

static void *js_malloc(size_t n) {
  if (js_fail_at >= 0 && js_allocs == js_fail_at) {
    js_allocs++;
    return NULL;
  }
  void *p = malloc(n);
  if (p) js_allocs++;
  return p;
}

static void js_free(void *p) {
  if (p) js_frees++;
  free(p);
}

static void js_reset(long fail_at) {
  js_allocs = js_frees = 0;
  js_fail_at = fail_at;
}

static long js_live(void) {
  /* the failed allocation was counted but never returned */
  return js_allocs - js_frees - (js_fail_at >= 0 && js_allocs > js_fail_at);
}

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
  gcpulse_config_t *ref = malloc(sizeof *ref), *cfg = malloc(sizeof *cfg),
                   *fresh = malloc(sizeof *fresh);
  gcpulse_config_init(ref);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  if (text == NULL ||
      gcpulse_config_load_json(ref, text, len, &err) != GCPULSE_OK) {
    free(text);
    free(ref);
    free(cfg);
    free(fresh);
    print_message("JSON configuration not available yet: skipped (%s)\n",
                  err.text);
    skip();
  }
  gcpulse_config_init(fresh);
  json_set_alloc_funcs(js_malloc, js_free);
  long k;
  int not_enomem = 0, no_text = 0;
  for (k = 0; k < 100000; k++) {
    gcpulse_config_init(cfg);
    memset(&err, 0, sizeof err);
    js_reset(k);
    int rc = gcpulse_config_load_json(cfg, text, len, &err);
    long live = js_live();
    if (live != 0) {
      json_set_alloc_funcs(malloc, free);
      fail_msg("k=%ld: %ld jansson allocations leaked (rc %d)", k, live, rc);
    }
    if (rc == 0) break;
    if (rc != GCPULSE_ENOMEM) not_enomem++;
    if (!(rc == GCPULSE_ENOMEM || rc == GCPULSE_EJSON ||
          rc == GCPULSE_ECONFIG)) {
      json_set_alloc_funcs(malloc, free);
      fail_msg("k=%ld: load returned %d", k, rc);
    }
    if (err.code != rc) {
      json_set_alloc_funcs(malloc, free);
      fail_msg("k=%ld: error record not filled (code %d)", k, err.code);
    }
    if (err.text[0] == '\0') no_text++;
    /* never half-initialised: the configuration is untouched */
    if (memcmp(cfg, fresh, sizeof *cfg) != 0) {
      json_set_alloc_funcs(malloc, free);
      fail_msg("k=%ld: configuration changed by a failed load", k);
    }
  }
  json_set_alloc_funcs(malloc, free);
  print_message("load_json: succeeded once %ld allocations could succeed; "
                "%d failures reported as something other than ENOMEM, %d "
                "with an empty error text\n",
                k, not_enomem, no_text);
  assert_true(k > 0);
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

/* gcpulse_config_dump_json under failing jansson allocations: a negative
 * error or the right text, never a leak.  (Guard: an early json.c ignored
 * json_object_set_new failures and returned a dump with sections missing,
 * e.g. at the 131st allocation.) */
static void chaos_config_dump_json(void **state) {
  (void)state;
  size_t len = 0;
  char *text = rich_config_text(&len);
  if (text == NULL) {
    print_message("JSON configuration not available yet: skipped\n");
    skip();
  }
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_load_json(cfg, text, len, &err), 0);
  char *out = malloc(len + 1);
  json_set_alloc_funcs(js_malloc, js_free);
  long k;
  for (k = 0; k < 100000; k++) {
    js_reset(k);
    long n = gcpulse_config_dump_json(cfg, out, len + 1);
    long live = js_live();
    if (live != 0) {
      json_set_alloc_funcs(malloc, free);
      fail_msg("k=%ld: dump leaked %ld jansson allocations", k, live);
    }
    if (n >= 0) {
      if ((size_t)n != len || memcmp(out, text, len) != 0) {
        json_set_alloc_funcs(malloc, free);
        fail_msg("k=%ld: dump returned %ld and different text", k, n);
      }
      if (js_allocs <= k) break; /* no allocation was failed: done */
    }
  }
  json_set_alloc_funcs(malloc, free);
  print_message("dump_json: %ld allocation points tried\n", k);
  free(out);
  free(cfg);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(chaos_gcpulse_new),
      cmocka_unit_test(chaos_new_invalid_config),
      cmocka_unit_test(chaos_config_load_json),
      cmocka_unit_test(chaos_config_dump_json),
  };
  return cmocka_run_group_tests_name("chaos", tests, NULL, NULL);
}

/* test_json.c — configuration <-> JSON: round trips (memcmp-identical),
 * merge onto defaults, custom metric registration, the example files, and
 * every class of loader error with its key path. */
#include "util.h"

#include "policy.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GCPULSE_NO_JSON

static gcpulse_config_t *fresh(void) {
  gcpulse_config_t *c = malloc(sizeof *c);
  gcpulse_config_init(c);
  return c;
}

static char *dump(const gcpulse_config_t *c) {
  long n = gcpulse_config_dump_json(c, NULL, 0);
  assert_true(n > 0);
  char *buf = malloc((size_t)n + 1);
  assert_int_equal(gcpulse_config_dump_json(c, buf, (size_t)n + 1), n);
  assert_int_equal(strlen(buf), (size_t)n);
  return buf;
}

static int load(gcpulse_config_t *c, const char *text, gcpulse_error_t *err) {
  memset(err, 0, sizeof *err);
  return gcpulse_config_load_json(c, text, strlen(text), err);
}

/* dump -> load onto a fresh config -> identical bytes; dump again ->
 * identical text. */
static void round_trip(const gcpulse_config_t *c) {
  char *a = dump(c);
  gcpulse_config_t *d = fresh();
  gcpulse_error_t err;
  int rc = load(d, a, &err);
  if (rc != 0) print_message("%s: %s\n", err.path, err.text);
  assert_int_equal(rc, 0);
  assert_memory_equal(c, d, sizeof *c);
  char *b = dump(d);
  assert_string_equal(a, b);
  free(a);
  free(b);
  free(d);
}

static void test_round_trip_defaults(void **state) {
  (void)state;
  gcpulse_config_t *c = fresh();
  round_trip(c);
  /* truncated output keeps snprintf semantics */
  char small[16];
  long n = gcpulse_config_dump_json(c, small, sizeof small);
  assert_true(n > 16);
  assert_int_equal(strlen(small), 15);
  assert_int_equal(gcpulse_config_dump_json(NULL, small, 1), GCPULSE_EINVAL);
  free(c);
}

static void test_round_trip_everything(void **state) {
  (void)state;
  gcpulse_config_t *c = fresh();
  c->format = GCPULSE_FORMAT_JVM;
  c->max_line = 8192;
  c->jvm_open_events = 100;
  c->window_s = 90.5;
  c->panes = 9;
  c->ewma_tau_s = 12.25;
  c->custom_metrics = 6;
  strcpy(c->custom_names[0], "sandbox_rss");
  strcpy(c->custom_names[3], "sched_latency_ms");
  c->memory_limit = 536870912.0;
  c->gogc.mode = GCPULSE_GOGC_MEMORY_TARGET;
  c->gogc.min = 30;
  c->gogc.limit_ratio = 0.1 + 0.2; /* not exactly representable */
  c->gogc.recommend_limit = 1;
  c->gogc.adaptive_economy = GCPULSE_GOGC_ECONOMY_DF;
  c->gogc.leak_window_s = 123.5;
  c->gogc.leak_chase = 1;
  c->policy_period_s = 2.5;
  c->warmup_s = 1.0 / 3.0;
  c->dry_run = 1;
  c->explain_suppressed = 1;
  c->max_rules = 20;
  c->deescalate_delay_s = 45;
  c->stabilization_slots = 200;
  c->loop_guard_count = 4;
  /* a default overridden by id and a new rule on custom metrics */
  gcpulse__policy_defaults(&c->rules[0], 1);
  c->rules[0].conditions[1].enter = 92.5;
  c->rules[0].dry_run = 1;
  gcpulse_rule_t *r = &c->rules[1];
  memset(r, 0, sizeof *r);
  strcpy(r->id, "blocking");
  strcpy(r->group, "sched");
  r->priority = -3;
  r->direction = GCPULSE_DIR_NEUTRAL;
  r->any = 1;
  r->n_conditions = 3;
  r->conditions[0] = (gcpulse_condition_t){GCPULSE_FEAT_CUSTOM + 3,
                                           GCPULSE_STAT_MAX, GCPULSE_OP_GE,
                                           50, 40, 3, 5,
                                           GCPULSE_MISSING_IGNORE};
  r->conditions[1] = (gcpulse_condition_t){GCPULSE_FEAT_GC_CPU_FRACTION,
                                           GCPULSE_STAT_SLOPE, GCPULSE_OP_LE,
                                           0.02, 0.05, 1, 64,
                                           GCPULSE_MISSING_NOT_BREACHING};
  r->conditions[2] = (gcpulse_condition_t){GCPULSE_FEAT_CUSTOM + 5,
                                           GCPULSE_STAT_CUSUM, GCPULSE_OP_LT,
                                           -1e-300, 0, 1, 1,
                                           GCPULSE_MISSING_BREACHING};
  r->n_actions = 2;
  strcpy(r->actions[0].name, "isolate_blocking_calls");
  r->actions[0].magnitude = 0;
  strcpy(r->actions[1].name, "x");
  r->actions[1].magnitude = 1e15;
  r->cooldown_s = 0;
  r->stabilization_s = 30;
  r->disabled = 1;
  c->n_rules = 2;
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  assert_int_equal(gcpulse_config_check(c, &err), 0);
  round_trip(c);
  /* custom slot 5 has no name: dumped as "custom:5" */
  char *text = dump(c);
  assert_non_null(strstr(text, "\"custom:5\""));
  assert_non_null(strstr(text, "\"sched_latency_ms\""));
  free(text);
  free(c);
}

static void test_merge_onto_defaults(void **state) {
  (void)state;
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  const char *doc =
      "{\"policy\": {\"rules\": ["
      " {\"id\": \"pause_spike\", \"conditions\": ["
      "   {\"feature\": \"pause_ms\", \"stat\": \"p99\", \"op\": \">\","
      "    \"enter\": 300, \"exit\": 250}]},"
      " {\"id\": \"death_spiral\", \"disabled\": true},"
      " {\"id\": \"fuse\", \"direction\": \"escalate\","
      "  \"conditions\": [{\"feature\": \"sandbox_mem\", \"stat\": \"last\","
      "                    \"op\": \">\", \"enter\": 1e9, \"n\": 5, \"m\": 5}],"
      "  \"actions\": [{\"name\": \"fallback\"}]}]},"
      " \"gogc\": {\"mode\": \"cpu-target\", \"cpu_target\": 0.1}}";
  int rc = load(c, doc, &err);
  if (rc) print_message("%s: %s\n", err.path, err.text);
  assert_int_equal(rc, 0);
  assert_int_equal(c->n_rules, 3);
  gcpulse_rule_t def[GCPULSE_RULES_MAX];
  gcpulse__policy_defaults(def, GCPULSE_RULES_MAX);
  /* pause_spike: conditions replaced, everything else from the default */
  assert_string_equal(c->rules[0].id, "pause_spike");
  assert_int_equal(c->rules[0].n_conditions, 1);
  assert_true(c->rules[0].conditions[0].enter == 300);
  assert_int_equal(c->rules[0].priority, def[2].priority);
  assert_string_equal(c->rules[0].actions[0].name, "elastic_scale_plan");
  /* death_spiral: only disabled changed */
  assert_int_equal(c->rules[1].disabled, 1);
  assert_memory_equal(&c->rules[1].conditions, &def[4].conditions,
                      sizeof def[4].conditions);
  /* fuse: new rule, custom metric registered in the first free slot */
  assert_string_equal(c->custom_names[0], "sandbox_mem");
  assert_int_equal(c->rules[2].conditions[0].feature, GCPULSE_FEAT_CUSTOM);
  assert_true(c->rules[2].conditions[0].exit == 1e9); /* exit = enter */
  assert_true(c->rules[2].actions[0].magnitude == 1.0);
  assert_true(c->rules[2].cooldown_s == -1.0);
  assert_int_equal(c->gogc.mode, GCPULSE_GOGC_CPU_TARGET);
  /* loading again updates in place (by id), registers nothing new */
  rc = load(c, "{\"policy\":{\"rules\":[{\"id\":\"fuse\",\"priority\":7}]}}",
            &err);
  assert_int_equal(rc, 0);
  assert_int_equal(c->n_rules, 3);
  assert_int_equal(c->rules[2].priority, 7);
  assert_string_equal(c->custom_names[1], "");
  /* the merged instance holds defaults + 1 */
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(c, NULL, &g), 0);
  assert_int_equal(gcpulse_metric_id(g, "sandbox_mem"), GCPULSE_FEAT_CUSTOM);
  gcpulse_free(g);
  round_trip(c);
  free(c);
}

/* An error: return code, path and text; the config must be unchanged. */
static void expect(const char *doc, int code, const char *path,
                   const char *text) {
  gcpulse_config_t *c = fresh(), *orig = fresh();
  gcpulse_error_t err;
  int rc = load(c, doc, &err);
  if (rc != code || strcmp(err.path, path) || strcmp(err.text, text))
    print_message("doc %.60s\n  got %d %s: %s\n", doc, rc, err.path, err.text);
  assert_int_equal(rc, code);
  assert_int_equal(err.code, code);
  assert_string_equal(err.path, path);
  if (text) assert_string_equal(err.text, text);
  assert_memory_equal(c, orig, sizeof *c);
  free(c);
  free(orig);
}

#define R0 "{\"policy\":{\"rules\":[{\"id\":\"r\",\"actions\":[{\"name\":\"a\"}],"

static void test_errors(void **state) {
  (void)state;
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  /* syntax: line and column */
  assert_int_equal(load(c, "{\n  \"input\": {,}\n}", &err), GCPULSE_EJSON);
  assert_int_equal(err.line, 2);
  assert_true(err.column > 0);
  assert_string_equal(err.path, "");
  assert_int_equal(load(c, "{\"input\":{},\"input\":{}}", &err), GCPULSE_EJSON);
  assert_non_null(strstr(err.text, "duplicate"));
  assert_int_equal(load(c, "", &err), GCPULSE_EJSON);
  assert_int_equal(gcpulse_config_load_json(c, "{}", 2, NULL), 0);
  assert_int_equal(gcpulse_config_load_json(NULL, "{}", 2, &err),
                   GCPULSE_EINVAL);
  free(c);

  expect("[]", GCPULSE_ECONFIG, "", "the document must be a JSON object");
  expect("{\"inputs\":{}}", GCPULSE_ECONFIG, "inputs", "unknown key");
  expect("{\"input\":[]}", GCPULSE_ECONFIG, "input", "expected an object");
  expect("{\"input\":{\"format\":\"xml\"}}", GCPULSE_ECONFIG, "input.format",
         "unknown value \"xml\": expected one of auto, go, jvm");
  expect("{\"input\":{\"max_line\":\"4k\"}}", GCPULSE_ECONFIG,
         "input.max_line", "expected an integer");
  expect("{\"input\":{\"max_line\":-1}}", GCPULSE_ECONFIG, "input.max_line",
         "must be >= 0");
  expect("{\"window\":{\"panes\":12.5}}", GCPULSE_ECONFIG, "window.panes",
         "expected an integer");
  expect("{\"window\":{\"panes\":99999999999}}", GCPULSE_ECONFIG,
         "window.panes", "integer out of range");
  expect("{\"window\":{\"window_s\":\"60\"}}", GCPULSE_ECONFIG,
         "window.window_s", "expected a number");
  expect("{\"window\":{\"custom_names\":[\"a\",1]}}", GCPULSE_ECONFIG,
         "window.custom_names[1]", "expected a string");
  expect("{\"window\":{\"custom_names\":[\"0123456789012345678901234567890123\"]}}",
         GCPULSE_ECONFIG, "window.custom_names[0]",
         "name longer than 31 bytes");
  expect("{\"gogc\":{\"mode\":\"fast\"}}", GCPULSE_ECONFIG, "gogc.mode",
         "unknown value \"fast\": expected one of off, dual-factor, "
         "memory-target, cpu-target, adaptive");
  expect("{\"gogc\":{\"recommend_limit\":1}}", GCPULSE_ECONFIG,
         "gogc.recommend_limit", "expected true or false");
  expect("{\"policy\":{\"dry_run\":\"yes\"}}", GCPULSE_ECONFIG,
         "policy.dry_run", "expected true or false");
  expect("{\"policy\":{\"rules\":{}}}", GCPULSE_ECONFIG, "policy.rules",
         "expected an array");
  expect("{\"policy\":{\"rules\":[{\"group\":\"g\"}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].id", "missing key");
  expect("{\"policy\":{\"rules\":[{\"id\":\"\"}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].id", "name must not be empty");
  expect("{\"policy\":{\"rules\":[{\"id\":\"r\"}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].conditions", "missing key");
  expect("{\"policy\":{\"rules\":[{\"id\":\"r\",\"conditions\":[{\"feature\":"
         "\"qps\",\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].actions", "missing key");
  expect(R0 "\"conditions\":[{\"enter\":1}]}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].conditions[0].feature", "missing key");
  expect(R0 "\"conditions\":[{\"feature\":\"qps\"}]}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].conditions[0].enter", "missing key");
  expect(R0 "\"conditions\":[{\"feature\":\"qps\",\"enter\":1,\"opp\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].opp", "unknown key");
  expect(R0 "\"conditions\":[{\"feature\":\"qps\",\"enter\":1,\"op\":\"=>\"}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].op",
         "unknown value \"=>\": expected one of >, >=, <, <=");
  expect(R0 "\"conditions\":[{\"feature\":\"qps\",\"enter\":1,\"stat\":\"p95\"}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].stat",
         "unknown value \"p95\": expected one of value, last, mean, min, max, "
         "p50, p90, p99, rate, slope, ewma, cusum, recent_slope");
  /* a statistic the window does not keep for the feature (issue 7) */
  expect(R0 "\"conditions\":[{\"feature\":\"gc_rate\",\"stat\":\"p99\","
         "\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].stat",
         "statistic 'p99' is not kept for feature 'gc_rate' (supported: "
         "value, slope)");
  expect("{\"window\":{\"custom_names\":[\"sched_ms\"]},\"policy\":{\"rules\":"
         "[{\"id\":\"r\",\"actions\":[{\"name\":\"a\"}],\"conditions\":["
         "{\"feature\":\"qps\",\"enter\":1},"
         "{\"feature\":\"sched_ms\",\"stat\":\"p90\",\"enter\":5}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[1].stat",
         "statistic 'p90' is not kept for feature 'sched_ms' (supported: "
         "value, last, mean, min, max, rate, slope, ewma, cusum, recent_slope)");
  expect(R0 "\"conditions\":[{\"feature\":7,\"enter\":1}]}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].conditions[0].feature", "expected a feature name");
  expect(R0 "\"conditions\":[]}]}}", GCPULSE_ECONFIG,
         "policy.rules[0].conditions", "a rule needs 1 to 4 conditions, got 0");
  expect(R0 "\"conditions\":[{\"feature\":\"qps\",\"enter\":1},{\"feature\":\"qps\","
            "\"enter\":1},{\"feature\":\"qps\",\"enter\":1},{\"feature\":\"qps\","
            "\"enter\":1},{\"feature\":\"qps\",\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions",
         "a rule needs 1 to 4 conditions, got 5");
  expect("{\"policy\":{\"rules\":[{\"id\":\"r\",\"actions\":[{\"magnitude\":2}],"
         "\"conditions\":[{\"feature\":\"qps\",\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].actions[0].name", "missing key");
  /* semantic errors found by the checker name the same paths */
  expect(R0 "\"conditions\":[{\"feature\":\"qps\",\"op\":\">\",\"enter\":10,"
            "\"exit\":12}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].exit",
         "exit threshold 12 is on the wrong side: for '>' it must be <= "
         "enter (10)");
  expect(R0 "\"conditions\":[{\"feature\":\"qps\",\"enter\":1,\"n\":3,\"m\":2}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].n",
         "N-of-M with n (3) > m (2)");
  expect("{\"policy\":{\"deescalate_stabilization_s\":900}}", GCPULSE_ECONFIG,
         "policy.deescalate_stabilization_s",
         "stabilization window of 900 s needs 181 slots at period_s 5 but "
         "stabilization_slots is 64");
  expect("{\"policy\":{\"max_rules\":11,\"rules\":[{\"id\":\"r\",\"actions\":"
         "[{\"name\":\"a\"}],\"conditions\":[{\"feature\":\"qps\",\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules",
         "too many rules: 12 after merging with the defaults, max_rules is 11");
  /* unknown features become custom metrics until the slots run out */
  expect("{\"window\":{\"custom_metrics\":0},\"policy\":{\"rules\":[{\"id\":\"r\","
         "\"actions\":[{\"name\":\"a\"}],\"conditions\":[{\"feature\":"
         "\"pauze_ms\",\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].feature",
         "unknown feature \"pauze_ms\" and no free custom metric slot "
         "(custom_metrics is 0)");
  expect(R0 "\"conditions\":[{\"feature\":\"custom:9\",\"enter\":1}]}]}}",
         GCPULSE_ECONFIG, "policy.rules[0].conditions[0].feature",
         "\"custom:9\" is not a custom metric slot below custom_metrics (8)");
  /* checker errors from other sections come through too */
  expect("{\"input\":{\"max_line\":10}}", GCPULSE_ECONFIG,
         "input.max_line", "must be between 256 and 16777216 bytes");
  expect("{\"window\":{\"panes\":1}}", GCPULSE_ECONFIG, "window.panes",
         "must be between 2 and 64");
  expect("{\"gogc\":{\"period_s\":0}}", GCPULSE_ECONFIG, "gogc.period_s",
         "must be > 0 and <= 86400 s");
  expect("{\"window\":{\"memory_limit\":-1}}", GCPULSE_ECONFIG,
         "window.memory_limit", "must be a finite number >= 0 (bytes)");
  expect("{\"gogc\":{\"memory_limit\":1}}", GCPULSE_ECONFIG,
         "gogc.memory_limit", "unknown key");
}

/* A custom metric name equal to a built-in feature name or alias, or in
 * the "custom:K" syntax, would load back as that built-in (a dump of a
 * rule on it would not round-trip): rejected, in C and in JSON. */
static void test_custom_names_cannot_shadow(void **state) {
  (void)state;
  static const char *const bad[] = {"qps", "pause_ms", "gc_rate", "gogc",
                                    "rss", "latency", "memory_limit",
                                    "memory_limit_bytes", "custom:3"};
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gcpulse_config_init(c);
    strcpy(c->custom_names[2], bad[i]);
    assert_int_equal(gcpulse_config_check(c, &err), GCPULSE_ECONFIG);
    assert_string_equal(err.path, "window.custom_names[2]");
    char doc[128];
    snprintf(doc, sizeof doc, "{\"window\":{\"custom_names\":[\"a\",\"%s\"]}}",
             bad[i]);
    char text[120];
    snprintf(text, sizeof text,
             "\"%s\" is a built-in feature name or alias, or the custom:K "
             "syntax",
             bad[i]);
    expect(doc, GCPULSE_ECONFIG, "window.custom_names[1]", text);
  }
  expect("{\"window\":{\"custom_names\":[\"a\",\"b\",\"a\"]}}",
         GCPULSE_ECONFIG, "window.custom_names[2]",
         "\"a\" is also window.custom_names[0]");
  /* a rule on a valid custom name round-trips through dump and load */
  gcpulse_config_init(c);
  assert_int_equal(
      load(c,
           "{\"window\":{\"custom_names\":[\"sched_ms\"]},\"policy\":{"
           "\"rules\":[{\"id\":\"r\",\"actions\":[{\"name\":\"a\"}],"
           "\"conditions\":[{\"feature\":\"sched_ms\",\"enter\":1},"
           "{\"feature\":\"rss\",\"enter\":2}]}]}}",
           &err),
      0);
  assert_int_equal(c->rules[0].conditions[0].feature, GCPULSE_FEAT_CUSTOM);
  assert_int_equal(c->rules[0].conditions[1].feature, GCPULSE_FEAT_RSS);
  round_trip(c);
  free(c);
}

/* Two rules with one id: the second is reported (it would otherwise
 * silently update the first). */
static void test_duplicate_rule_ids(void **state) {
  (void)state;
  expect("{\"policy\":{\"rules\":["
         "{\"id\":\"r\",\"actions\":[{\"name\":\"a\"}],\"conditions\":"
         "[{\"feature\":\"qps\",\"enter\":1}]},"
         "{\"id\":\"s\",\"actions\":[{\"name\":\"a\"}],\"conditions\":"
         "[{\"feature\":\"qps\",\"enter\":1}]},"
         "{\"id\":\"r\",\"priority\":3}]}}",
         GCPULSE_ECONFIG, "policy.rules[2].id",
         "duplicate rule id \"r\" (also rules[0])");
  /* the C checker names the second one too */
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  assert_int_equal(
      load(c,
           "{\"policy\":{\"defaults\":false,\"rules\":["
           "{\"id\":\"r\",\"actions\":[{\"name\":\"a\"}],\"conditions\":"
           "[{\"feature\":\"qps\",\"enter\":1}]},"
           "{\"id\":\"s\",\"actions\":[{\"name\":\"a\"}],\"conditions\":"
           "[{\"feature\":\"qps\",\"enter\":1}]}]}}",
           &err),
      0);
  strcpy(c->rules[1].id, "r");
  assert_int_equal(gcpulse_config_check(c, &err), GCPULSE_ECONFIG);
  assert_string_equal(err.path, "policy.rules[1].id");
  free(c);
}

/* The reader (lib/json_reader.c): escapes and UTF-8 in names, number
 * forms, and the syntax errors with their line and column. */
static void test_reader(void **state) {
  (void)state;
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  /* \u escapes (a surrogate pair too) and raw UTF-8 become the same bytes */
  assert_int_equal(
      load(c,
           "{\"window\":{\"custom_names\":[\"caf\\u00e9_\\ud83d\\ude00\","
           "\"q\\\"t\\\\\\/x\",\"\xc3\xa9t\xc3\xa9\"]}}",
           &err),
      0);
  assert_string_equal(c->custom_names[0], "caf\xc3\xa9_\xf0\x9f\x98\x80");
  assert_string_equal(c->custom_names[1], "q\"t\\/x");
  assert_string_equal(c->custom_names[2], "\xc3\xa9t\xc3\xa9");
  round_trip(c);
  /* numbers: exponents, negative zero, integers where reals are expected */
  gcpulse_config_init(c);
  assert_int_equal(load(c,
                        "{\"gogc\":{\"headroom\":1E20,\"floor_bytes\":2.5e-3,"
                        "\"df_growth_threshold\":-0.0,\"min\":30}}",
                        &err),
                   0);
  assert_true(c->gogc.headroom == 1e20);
  assert_true(c->gogc.floor_bytes == 2.5e-3);
  assert_true(c->gogc.df_growth_threshold == 0.0);
  assert_true(c->gogc.min == 30.0);
  char *text = dump(c);
  assert_non_null(strstr(text, "\"headroom\": 1e20,"));
  assert_non_null(strstr(text, "\"floor_bytes\": 0.0025000000000000001,"));
  assert_non_null(strstr(text, "\"min\": 30.0,"));
  free(text);
  round_trip(c);
  /* syntax errors: EJSON with line and column of the offending byte */
  static const struct {
    const char *doc;
    int line, column;
    const char *text;
  } bad[] = {
      {"{\"a\":1,}", 1, 8, "string or '}' expected"},
      {"{\n \"input\": {\"format\": \"go\\x\"}}", 2, 25, "invalid escape"},
      {"{\"a\":\"\xff\"}", 1, 7, "invalid UTF-8 in string"},
      {"{\"a\":\"\xc0\xaf\"}", 1, 7, "invalid UTF-8 in string"},
      {"{\"a\":\"\\ud800\"}", 1, 7, "invalid Unicode surrogate pair"},
      {"{\"a\":\"x\ty\"}", 1, 8, "control character in string"},
      {"{\"a\":01}", 1, 7, "',' or '}' expected"},
      {"{\"a\":1.}", 1, 6, "invalid number"},
      {"{\"a\":1e400}", 1, 6, "real number overflow"},
      {"{\"a\":9223372036854775808}", 1, 6, "too big integer"},
      {"{\"a\":tru}", 1, 6, "invalid token"},
      {"{\"a\":1,\"a\":2}", 1, 1, "duplicate object key"},
      {"{} x", 1, 4, "end of file expected"},
      {"\"x\"", 1, 1, "'[' or '{' expected"},
      {"{\"a\":[1,2", 1, 10, "unexpected end of input"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gcpulse_config_init(c);
    int rc = load(c, bad[i].doc, &err);
    if (rc != GCPULSE_EJSON || err.line != bad[i].line ||
        err.column != bad[i].column || strcmp(err.text, bad[i].text) != 0)
      print_message("%s: got %d %d:%d %s\n", bad[i].doc, rc, err.line,
                    err.column, err.text);
    assert_int_equal(rc, GCPULSE_EJSON);
    assert_int_equal(err.line, bad[i].line);
    assert_int_equal(err.column, bad[i].column);
    assert_string_equal(err.text, bad[i].text);
  }
  /* more values than a configuration can use: refused, bounded memory */
  size_t n = 70000, k = 0;
  char *doc = malloc(2 * n + 16);
  doc[k++] = '[';
  for (size_t i = 0; i < n; i++) {
    doc[k++] = '0';
    doc[k++] = i + 1 < n ? ',' : ']';
  }
  assert_int_equal(gcpulse_config_load_json(c, doc, k, &err), GCPULSE_EJSON);
  assert_string_equal(err.text, "too many values in one document");
  free(doc);
  /* a name built in C with bytes that are not UTF-8 (here an overlong
   * '/') cannot be dumped: EINVAL, never text that would not load back */
  gcpulse_config_init(c);
  strcpy(c->custom_names[0], "a\xc0\xaf" "b");
  char small[64] = "x";
  assert_int_equal(gcpulse_config_dump_json(c, small, sizeof small),
                   GCPULSE_EINVAL);
  assert_string_equal(small, "");
  free(c);
}

static void test_limits(void **state) {
  (void)state;
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  /* 65 rules */
  size_t cap = 1 << 16, n = 0;
  char *doc = malloc(cap);
  n += (size_t)snprintf(doc + n, cap - n, "{\"policy\":{\"rules\":[");
  for (int i = 0; i < 65; i++)
    n += (size_t)snprintf(doc + n, cap - n, "%s{\"id\":\"r%d\"}", i ? "," : "",
                          i);
  snprintf(doc + n, cap - n, "]}}");
  assert_int_equal(load(c, doc, &err), GCPULSE_ECONFIG);
  assert_string_equal(err.path, "policy.rules");
  assert_string_equal(err.text, "too many rules: 65 (at most 64)");
  free(doc);
  /* deep nesting is refused by the parser without recursion trouble */
  size_t depth = 100000;
  doc = malloc(depth * 2 + 1);
  memset(doc, '[', depth);
  memset(doc + depth, ']', depth);
  doc[2 * depth] = '\0';
  assert_int_equal(load(c, doc, &err), GCPULSE_EJSON);
  print_message("deep nesting: %s (line %d col %d)\n", err.text, err.line,
                err.column);
  /* deep but legal for jansson: still refused by the schema */
  memset(doc, 0, depth * 2 + 1);
  strcpy(doc, "{\"input\":");
  for (int i = 0; i < 1000; i++) strcat(doc, "[");
  for (int i = 0; i < 1000; i++) strcat(doc, "]");
  strcat(doc, "}");
  assert_int_equal(load(c, doc, &err), GCPULSE_ECONFIG);
  assert_string_equal(err.path, "input");
  free(doc);
  /* documents over 1 MiB are refused before parsing */
  size_t big = (1u << 20) + 10;
  doc = malloc(big + 1);
  memset(doc, ' ', big);
  doc[0] = '{';
  doc[big - 1] = '}';
  doc[big] = '\0';
  assert_int_equal(load(c, doc, &err), GCPULSE_EJSON);
  assert_non_null(strstr(err.text, "larger than"));
  free(doc);
  /* a NUL inside the text */
  assert_int_equal(gcpulse_config_load_json(c, "{}\0{}", 5, &err),
                   GCPULSE_EJSON);
  /* the config is untouched by all of the above */
  gcpulse_config_t *d = fresh();
  assert_memory_equal(c, d, sizeof *c);
  free(d);
  free(c);
}

/* Every example file loads, validates and creates an instance. */
static void test_examples(void **state) {
  (void)state;
  DIR *dir = opendir("examples/policy");
  if (dir == NULL) skip();
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
    char path[512];
    snprintf(path, sizeof path, "examples/policy/%s", e->d_name);
    size_t sz = 0;
    char *text = tu_read_file(path, &sz);
    assert_non_null(text);
    gcpulse_config_t *c = fresh();
    gcpulse_error_t err;
    memset(&err, 0, sizeof err);
    int rc = gcpulse_config_load_json(c, text, sz, &err);
    if (rc) print_message("%s: %s: %s\n", path, err.path, err.text);
    assert_int_equal(rc, 0);
    gcpulse_t *g = NULL;
    assert_int_equal(gcpulse_new(c, NULL, &g), 0);
    gcpulse_free(g);
    round_trip(c);
    free(c);
    free(text);
    n++;
  }
  closedir(dir);
  print_message("%d example configs\n", n);
  assert_true(n >= 4);
}

/* The default-table example is exactly the built-in table. */
static void test_default_table_example(void **state) {
  (void)state;
  size_t sz = 0;
  char *text = tu_read_file("examples/policy/default-table.json", &sz);
  if (text == NULL) skip();
  gcpulse_config_t *c = fresh();
  gcpulse_error_t err;
  assert_int_equal(gcpulse_config_load_json(c, text, sz, &err), 0);
  gcpulse_rule_t def[GCPULSE_RULES_MAX];
  int n = gcpulse__policy_defaults(def, GCPULSE_RULES_MAX);
  assert_int_equal(c->n_rules, n);
  for (int i = 0; i < n; i++) assert_memory_equal(&c->rules[i], &def[i], sizeof def[i]);
  /* and every other setting is the default ("loading it gives the same
   * behaviour as no file"): the same dump as a fresh configuration */
  c->n_rules = 0;
  memset(c->rules, 0, sizeof c->rules);
  gcpulse_config_t *d = fresh();
  static char a[1 << 16], b[1 << 16];
  assert_true(gcpulse_config_dump_json(c, a, sizeof a) > 0);
  assert_true(gcpulse_config_dump_json(d, b, sizeof b) > 0);
  assert_string_equal(a, b);
  free(d);
  free(c);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip_defaults),
      cmocka_unit_test(test_round_trip_everything),
      cmocka_unit_test(test_custom_names_cannot_shadow),
      cmocka_unit_test(test_duplicate_rule_ids),
      cmocka_unit_test(test_merge_onto_defaults),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_reader),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_examples),
      cmocka_unit_test(test_default_table_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* make JSON=0: the JSON functions are present and refuse */

static void test_json_not_supported(void **state) {
  (void)state;
  gcpulse_config_t *c = malloc(sizeof *c);
  gcpulse_config_init(c);
  gcpulse_error_t err;
  assert_int_equal(gcpulse_config_load_json(c, "{}", 2, &err), GCPULSE_ENOTSUP);
  assert_int_equal(err.code, GCPULSE_ENOTSUP);
  char buf[8] = "x";
  assert_int_equal(gcpulse_config_dump_json(c, buf, sizeof buf),
                   GCPULSE_ENOTSUP);
  assert_string_equal(buf, "");
  assert_string_equal(gcpulse_errname(GCPULSE_ENOTSUP), "GCPULSE_ENOTSUP");
  /* configuration in C still works */
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(c, NULL, &g), 0);
  gcpulse_free(g);
  free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_json_not_supported)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif

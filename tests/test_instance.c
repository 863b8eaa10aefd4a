/* test_instance.c — the instance spine: creation, errors, names, the line
 * assembler, callbacks, re-entrancy and the no-allocation-after-init rule. */
#include "util.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_version_and_errors(void **state) {
  (void)state;
  assert_int_equal(gcpulse_version(), GCPULSE_VERSION_HEX);
  assert_string_equal(gcpulse_version_string(), GCPULSE_VERSION_STRING);
  assert_string_equal(gcpulse_errname(GCPULSE_EBUSY), "GCPULSE_EBUSY");
  assert_string_equal(gcpulse_strerror(GCPULSE_OK), "success");
  assert_string_equal(gcpulse_strerror(12345), "unknown error");
  assert_true(GCPULSE_EINVAL < 0 && GCPULSE_ECALLBACK < 0);
  assert_string_equal(gcpulse_reason_name(GCPULSE_REASON_TOO_LONG), "too_long");
  assert_string_equal(gcpulse_kind_name(GCPULSE_KIND_YOUNG), "young");
  assert_string_equal(gcpulse_kind_name(-1), "unknown");
  assert_string_equal(gcpulse_field_name(GCPULSE_FIELD_PAUSE_MS), "pause_ms");
  assert_int_equal(gcpulse_feature_by_name("pause_ms"), GCPULSE_FEAT_PAUSE);
  assert_int_equal(gcpulse_feature_by_name("nope"), GCPULSE_ENOTFOUND);
  assert_int_equal(gcpulse_stat_by_name("p99"), GCPULSE_STAT_P99);
}

static void test_config_defaults_and_check(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  assert_int_equal(cfg->max_line, 4096);
  assert_int_equal(cfg->panes, 12);
  assert_true(cfg->window_s == 60.0);
  assert_true(cfg->gogc.period_s == 5.0);
  assert_int_equal(gcpulse_config_check(cfg, NULL), 0);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  cfg->max_line = 10;
  assert_int_equal(gcpulse_config_check(cfg, &err), GCPULSE_ECONFIG);
  assert_string_equal(err.path, "input.max_line");
  assert_string_equal(err.text, "must be between 256 and 16777216 bytes");
  gcpulse_t *g = (gcpulse_t *)1;
  assert_int_equal(gcpulse_new(cfg, NULL, &g), GCPULSE_ECONFIG);
  assert_null(g);
  free(cfg);
}

/* The configuration keys: every key's default is what gcpulse_config_init
 * sets, and its range is exactly what gcpulse_config_check enforces (a
 * value just outside each finite bound is rejected with the key's path, the
 * bound itself accepted unless open). */
static void test_config_keys(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_error_t err;
  int n = gcpulse_config_key_count();
  assert_int_equal(n, 61); /* + policy.min_eval_s */
  int bounds = 0;
  for (int i = 0; i < n; i++) {
    gcpulse_config_key_t k;
    assert_int_equal(gcpulse_config_key(i, &k), 0);
    gcpulse_config_init(cfg);
    double v;
    assert_int_equal(gcpulse_config_get(cfg, k.path, &v), 0);
    assert_true(v == k.def);
    int integral = strcmp(k.type, "number") != 0;
    double step = integral ? 1 : fmax(1e-9, fabs(k.min) * 1e-9);
    for (int side = 0; side < 2; side++) {
      double b = side ? k.max : k.min;
      if (!isfinite(b) || strcmp(k.type, "bool") == 0 ||
          strcmp(k.type, "enum") == 0)
        continue;
      int open = side ? k.max_open : k.min_open;
      double sd = side ? fmax(1e-9, fabs(k.max) * 1e-9) : step;
      double out = side ? b + (integral ? 1 : sd) : b - (integral ? 1 : sd);
      if (strcmp(k.path, "input.max_line") == 0 && out < 0) continue;
      gcpulse_config_init(cfg);
      /* a cross-field rule must not fire first: move the partner too */
      if (strcmp(k.path, "gogc.min") == 0 || strcmp(k.path, "gogc.max") == 0)
        cfg->gogc.initial = -1;
      if (strcmp(k.path, "gogc.max") == 0) cfg->gogc.min = 1e-6;
      if (strcmp(k.path, "gogc.min") == 0) cfg->gogc.max = 1e6;
      if (strncmp(k.path, "policy.", 7) == 0) {
        /* no built-in rules (max_rules), no window needing slots */
        cfg->policy_defaults = 0;
        cfg->deescalate_stabilization_s = 0;
      }
      assert_int_equal(gcpulse_config_set(cfg, k.path, out), 0);
      if (gcpulse_config_check(cfg, &err) != GCPULSE_ECONFIG ||
          strcmp(err.path, k.path) != 0)
        print_message("%s = %.17g: got %s: %s\n", k.path, out, err.path,
                      err.text);
      assert_int_equal(gcpulse_config_check(cfg, &err), GCPULSE_ECONFIG);
      assert_string_equal(err.path, k.path);
      assert_int_equal(gcpulse_config_set(cfg, k.path, b), 0);
      int rc = gcpulse_config_check(cfg, &err);
      if (open) {
        assert_int_equal(rc, GCPULSE_ECONFIG);
        assert_string_equal(err.path, k.path);
      } else if (rc != 0) {
        print_message("%s = %.17g (bound): %s: %s\n", k.path, b, err.path,
                      err.text);
        assert_int_equal(rc, 0);
      }
      bounds++;
    }
  }
  print_message("%d keys, %d finite bounds checked against the checker\n", n,
                bounds);
  /* get/set errors */
  gcpulse_config_init(cfg);
  double v;
  assert_int_equal(gcpulse_config_get(cfg, "window.nope", &v),
                   GCPULSE_ENOTFOUND);
  assert_int_equal(gcpulse_config_set(cfg, "window.panes", 12.5),
                   GCPULSE_EINVAL);
  assert_int_equal(gcpulse_config_set(cfg, "gogc.period_s", NAN),
                   GCPULSE_EINVAL);
  assert_int_equal(gcpulse_config_set(cfg, "window.panes", 16), 0);
  assert_int_equal(cfg->panes, 16);
  assert_int_equal(gcpulse_config_set(cfg, "gogc.period_s", 2.5), 0);
  assert_true(cfg->gogc.period_s == 2.5);
  assert_int_equal(gcpulse_config_set(cfg, "input.max_line", 8192), 0);
  assert_int_equal(cfg->max_line, 8192);
  gcpulse_config_key_t k;
  assert_int_equal(gcpulse_config_key(n, &k), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_config_key(-1, &k), GCPULSE_EINVAL);
  free(cfg);
}

/* The caller's LC_NUMERIC never reaches JSON: under a decimal-comma
 * locale the event, decision and configuration JSON still use '.', and
 * the loader still reads "1.5".  `make test` compiles de_DE.UTF-8 into the
 * build directory and sets LOCPATH; run by hand without it, skipped. */
static void test_json_ignores_locale(void **state) {
  (void)state;
  if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL) {
    if (getenv("LOCPATH") != NULL)
      fail_msg("de_DE.UTF-8 not found under LOCPATH=%s", getenv("LOCPATH"));
    print_message("no de_DE.UTF-8 locale (run through make test): skipped\n");
    skip();
  }
  char probe[16];
  snprintf(probe, sizeof probe, "%.2f", 1.25);
  assert_string_equal(probe, "1,25"); /* the locale is in force */
  gcpulse_event_t ev;
  memset(&ev, 0, sizeof ev);
  ev.t = 12.5;
  ev.pause_ms = 0.125;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
  char buf[1024];
  assert_true(gcpulse_event_to_json(&ev, buf, sizeof buf) > 0);
  assert_non_null(strstr(buf, "\"t\":12.5,"));
  assert_non_null(strstr(buf, "\"pause_ms\":0.125"));
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
#ifndef GCPULSE_NO_JSON
  static char dumped[1 << 15];
  assert_true(gcpulse_config_dump_json(cfg, dumped, sizeof dumped) > 0);
  assert_non_null(strstr(dumped, "\"limit_ratio\": 0.90000000000000002,"));
  const char *doc = "{\"gogc\":{\"cpu_target\":0.5}}";
  assert_int_equal(gcpulse_config_load_json(cfg, doc, strlen(doc), NULL), 0);
  assert_true(cfg->gogc.cpu_target == 0.5);
#endif
  free(cfg);
}

static int c_locale(void **state) {
  (void)state;
  setlocale(LC_NUMERIC, "C"); /* also when the test failed half-way */
  return 0;
}

/* Records every line handed to on_diag/on_event by reason. */
typedef struct lines_seen {
  int blank, foreign, too_long, binary;
  char last[256];
} lines_seen;

static int count_diag(void *user, const gcpulse_diag_t *d) {
  lines_seen *s = user;
  switch (d->reason) {
  case GCPULSE_REASON_BLANK: s->blank++; break;
  case GCPULSE_REASON_FOREIGN:
    s->foreign++;
    if (d->line && d->len < sizeof s->last) {
      memcpy(s->last, d->line, d->len);
      s->last[d->len] = '\0';
    }
    break;
  case GCPULSE_REASON_TOO_LONG: s->too_long++; break;
  case GCPULSE_REASON_BINARY: s->binary++; break;
  default: break;
  }
  return 0;
}

static gcpulse_t *new_with(gcpulse_callbacks_t *cb, size_t max_line) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->max_line = max_line;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, cb, &g), 0);
  free(cfg);
  return g;
}

static void test_line_assembly(void **state) {
  (void)state;
  lines_seen s;
  memset(&s, 0, sizeof s);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_diag = count_diag;
  cb.user = &s;
  gcpulse_t *g = new_with(&cb, 256);
  /* CRLF split across calls, lone CR, blank line, partial line at end */
  const char *parts[] = {"hello\r", "\nworld\rthird", " line\n\n", "tail"};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(gcpulse_feed(g, parts[i], strlen(parts[i])), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.lines, 4); /* hello, world, "third line", "" */
  assert_int_equal(s.blank, 1);
  assert_int_equal(s.foreign, 3);
  assert_string_equal(s.last, "third line");
  assert_int_equal(gcpulse_finish(g), 0);
  gcpulse_stats(g, &st);
  assert_int_equal(st.lines, 5);
  assert_string_equal(s.last, "tail");
  assert_int_equal(st.bytes, strlen("hello\r\nworld\rthird line\n\ntail"));
  gcpulse_free(g);
}

static void test_too_long_lines_bounded(void **state) {
  (void)state;
  lines_seen s;
  memset(&s, 0, sizeof s);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_diag = count_diag;
  cb.user = &s;
  gcpulse_t *g = new_with(&cb, 256);
  size_t big = 1u << 20;
  char *junk = malloc(big);
  memset(junk, 'x', big);
  /* 1 MiB line in 4 KiB chunks, then a good line */
  for (size_t i = 0; i < big; i += 4096)
    assert_int_equal(gcpulse_feed(g, junk + i, 4096), 0);
  assert_int_equal(gcpulse_feed(g, "\nok line\n", 9), 0);
  /* a long line inside a single chunk too */
  junk[big - 1] = '\n';
  assert_int_equal(gcpulse_feed(g, junk, big), 0);
  assert_int_equal(s.too_long, 2);
  assert_string_equal(s.last, "ok line");
  /* NUL bytes make a line binary */
  assert_int_equal(gcpulse_feed(g, "a\0b\n", 4), 0);
  assert_int_equal(s.binary, 1);
  free(junk);
  gcpulse_free(g);
}

static int reenter(void *user, const gcpulse_diag_t *d) {
  (void)d;
  gcpulse_t *g = *(gcpulse_t **)user;
  assert_int_equal(gcpulse_feed(g, "x\n", 2), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_tick(g, 1.0), GCPULSE_EBUSY);
  gcpulse_stats_t st;
  assert_int_equal(gcpulse_stats(g, &st), 0); /* queries are allowed */
  return 0;
}

static void test_reentrancy(void **state) {
  (void)state;
  gcpulse_t *g = NULL;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_diag = reenter;
  cb.user = &g;
  g = new_with(&cb, 4096);
  assert_int_equal(gcpulse_feed(g, "hello\n", 6), 0);
  gcpulse_free(g);
}

/* Every mutating function of the public API, called on G from inside one
 * of G's callbacks, returns GCPULSE_EBUSY and changes nothing
 * (gcpulse_free, which returns nothing, is refused: G stays valid). */
typedef struct busy_probe {
  gcpulse_t *g;
  int calls[4]; /* on_event, on_gogc, on_action, on_diag */
} busy_probe;

static void assert_all_mutators_busy(gcpulse_t *g) {
  gcpulse_event_t ev;
  memset(&ev, 0, sizeof ev);
  ev.t = 1.0;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T);
  gcpulse_stats_t before, after;
  assert_int_equal(gcpulse_stats(g, &before), 0);
  assert_int_equal(gcpulse_feed(g, "x\n", 2), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_feed_line(g, "x", 1), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_finish(g), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 1.0, 5.0),
                   GCPULSE_EBUSY);
  assert_int_equal(gcpulse_metric_id(g, "fresh_metric"), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_tick(g, 1.0), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_reset(g), GCPULSE_EBUSY);
  assert_int_equal(gcpulse_policy_kill(g, GCPULSE_DIR_ESCALATE, NULL, 1),
                   GCPULSE_EBUSY);
  assert_int_equal(gcpulse_policy_dry_run(g, 1), GCPULSE_EBUSY);
  gcpulse_free(g); /* refused */
  assert_int_equal(gcpulse_stats(g, &after), 0);
  assert_memory_equal(&before, &after, sizeof before);
}

static int busy_event(void *user, const gcpulse_event_t *ev) {
  (void)ev;
  busy_probe *p = user;
  if (p->calls[0]++ == 0) assert_all_mutators_busy(p->g);
  return 0;
}
static int busy_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  (void)d;
  busy_probe *p = user;
  if (p->calls[1]++ == 0) assert_all_mutators_busy(p->g);
  return 0;
}
static int busy_action(void *user, const gcpulse_action_t *a) {
  (void)a;
  busy_probe *p = user;
  if (p->calls[2]++ == 0) assert_all_mutators_busy(p->g);
  return 0;
}
static int busy_diag(void *user, const gcpulse_diag_t *d) {
  (void)d;
  busy_probe *p = user;
  if (p->calls[3]++ == 0) assert_all_mutators_busy(p->g);
  return 0;
}

static void test_every_mutator_busy_in_callbacks(void **state) {
  (void)state;
  size_t len = 0;
  char *data = tu_read_file("examples/data/go-demo.gctrace", &len);
  assert_non_null(data);
  /* examples/demo.json, in C */
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->memory_limit = 314572800;
  cfg->gogc.mode = GCPULSE_GOGC_ADAPTIVE;
  busy_probe p;
  memset(&p, 0, sizeof p);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = busy_event;
  cb.on_gogc = busy_gogc;
  cb.on_action = busy_action;
  cb.on_diag = busy_diag;
  cb.user = &p;
  assert_int_equal(gcpulse_new(cfg, &cb, &p.g), 0);
  assert_int_equal(gcpulse_feed_line(p.g, "not a trace line", 16), 0);
  assert_int_equal(gcpulse_feed(p.g, data, len), 0);
  assert_int_equal(gcpulse_finish(p.g), 0);
  /* the demo trace reaches every callback (272 events, a controller
   * decision at each of its 136 GC cycles, the oom_bump and heap_leak
   * actions at 96 s (its slow leak; its TTL cache filling 0 -> 20 MB in
   * the first 23 s is no leak), 9 skipped lines + the line above) */
  assert_int_equal(p.calls[0], 272);
  assert_int_equal(p.calls[1], 136);
  assert_int_equal(p.calls[2], 2);
  assert_true(p.calls[3] >= 1);
  /* outside callbacks the same calls work again */
  assert_int_equal(gcpulse_metric_id(p.g, "fresh_metric"), GCPULSE_FEAT_CUSTOM);
  assert_int_equal(gcpulse_policy_kill(p.g, GCPULSE_DIR_ESCALATE, NULL, 1), 0);
  assert_int_equal(gcpulse_reset(p.g), 0);
  gcpulse_free(p.g);
  free(cfg);
  free(data);
}

/* Custom metric names cannot shadow built-in features or aliases. */
static void test_metric_id_names(void **state) {
  (void)state;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, NULL, &g), 0);
  assert_int_equal(gcpulse_metric_id(g, "qps"), GCPULSE_METRIC_QPS);
  assert_int_equal(gcpulse_metric_id(g, "rss"), GCPULSE_METRIC_RSS);
  assert_int_equal(gcpulse_metric_id(g, "rss_bytes"), GCPULSE_METRIC_RSS);
  assert_int_equal(gcpulse_metric_id(g, "latency"), GCPULSE_METRIC_LATENCY);
  assert_int_equal(gcpulse_metric_id(g, "memory_limit"),
                   GCPULSE_METRIC_MEMORY_LIMIT);
  /* a built-in feature that is not a caller metric is not registered */
  assert_int_equal(gcpulse_metric_id(g, "pause_ms"), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_metric_id(g, "custom:0"), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_metric_id(g, ""), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_metric_id(g, "sched_ms"), GCPULSE_FEAT_CUSTOM);
  assert_int_equal(gcpulse_metric_id(g, "sched_ms"), GCPULSE_FEAT_CUSTOM);
  assert_string_equal(gcpulse_metric_name(g, GCPULSE_FEAT_CUSTOM), "sched_ms");
  gcpulse_free(g);
}

static int stop_now(void *user, const gcpulse_diag_t *d) {
  (void)d;
  (*(int *)user)++;
  return 1;
}

static void test_callback_abort(void **state) {
  (void)state;
  int calls = 0;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_diag = stop_now;
  cb.user = &calls;
  gcpulse_t *g = new_with(&cb, 4096);
  const char *text = "one\ntwo\nthree\n";
  assert_int_equal(gcpulse_feed(g, text, strlen(text)), GCPULSE_ECALLBACK);
  assert_int_equal(calls, 1);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.bytes_discarded, strlen("two\nthree\n"));
  assert_int_equal(st.callback_aborts, 1);
  gcpulse_free(g);
}

static void test_metrics_validation(void **state) {
  (void)state;
  gcpulse_t *g = new_with(NULL, 4096);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 1.0, 100.0), 0);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 1.0, NAN),
                   GCPULSE_EINVAL);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, 1.0, -5.0),
                   GCPULSE_EINVAL);
  assert_int_equal(gcpulse_feed_metric(g, 9999, 1.0, 1.0), GCPULSE_EINVAL);
  int id = gcpulse_metric_id(g, "sched_latency_ms");
  assert_int_equal(id, GCPULSE_FEAT_CUSTOM);
  assert_int_equal(gcpulse_metric_id(g, "sched_latency_ms"), id);
  assert_string_equal(gcpulse_metric_name(g, id), "sched_latency_ms");
  assert_int_equal(gcpulse_metric_id(g, "qps"), GCPULSE_METRIC_QPS);
  for (int i = 1; i < 8; i++) {
    char name[16];
    snprintf(name, sizeof name, "m%d", i);
    assert_int_equal(gcpulse_metric_id(g, name), GCPULSE_FEAT_CUSTOM + i);
  }
  assert_int_equal(gcpulse_metric_id(g, "one_too_many"), GCPULSE_ENOSPC);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.metrics, 1);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BAD_METRIC], 2);
  gcpulse_free(g);
}

/* No allocation after gcpulse_new, whatever is fed. */
static void test_no_alloc_after_init(void **state) {
  (void)state;
  tu_alloc a;
  tu_alloc_init(&a);
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->alloc = tu_alloc_fn;
  cfg->alloc_ud = &a;
  tu_sink s;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  long allocs = a.allocs;
  long long live = a.live_bytes;
  assert_true(live > 0);
  assert_int_equal((size_t)live, gcpulse_footprint(cfg));
  const char *files[] = {"go/go1.19-pulse-2p.log", "go/go1.19-scavtrace-mixed.log",
                         "jvm/jdk17-g1-gcstar.log", "jvm/jdk17-z-gcstar.log",
                         "public/go/golang-go-13392-go14-format.txt"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    const char *p = tu_corpus(files[i]);
    if (p == NULL) continue;
    size_t len;
    char *data = tu_read_file(p, &len);
    assert_non_null(data);
    assert_int_equal(tu_feed_chunks(g, data, len, 2, (unsigned)i), 0);
    free(data);
    gcpulse_reset(g);
  }
  for (int i = 0; i < 1000; i++) {
    gcpulse_event_t ev;
    gcpulse_event_init(&ev);
    ev.runtime = GCPULSE_RT_GO;
    ev.collector = GCPULSE_COLLECTOR_GO;
    ev.kind = GCPULSE_KIND_GO_CYCLE;
    ev.t = i * 0.5;
    ev.seq = (uint64_t)i + 1;
    ev.pause_ms = 0.1 + (i % 7) * 0.05;
    ev.heap_before = 8u << 20;
    ev.heap_after = 9u << 20;
    ev.heap_live = 4u << 20;
    ev.heap_goal = 8u << 20;
    ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_SEQ) |
               GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, ev.t, 800.0), 0);
    assert_int_equal(gcpulse_tick(g, ev.t + 0.25), 0);
  }
  char buf[8192];
  assert_true(gcpulse_features_to_json(g, buf, sizeof buf) > 0);
  assert_int_equal(a.allocs, allocs);
  assert_int_equal(a.reallocs, 0);
  assert_int_equal(a.live_bytes, live);
  gcpulse_free(g);
  assert_int_equal(a.live_bytes, 0);
  assert_int_equal(a.frees, a.allocs);
  tu_sink_free(&s);
  free(cfg);
}

static void test_default_footprint(void **state) {
  (void)state;
  size_t fp = gcpulse_footprint(NULL);
  print_message("default instance footprint: %zu bytes\n", fp);
  assert_true(fp > 4096);
  /* 145 KiB with 32-bit pane histogram counts (16-bit ones saturated at
   * 40,000 latency samples/s; they made 116 KiB) */
  assert_true(fp <= 160 * 1024);
}

static void test_event_json(void **state) {
  (void)state;
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_JVM;
  ev.collector = GCPULSE_COLLECTOR_G1;
  ev.kind = GCPULSE_KIND_YOUNG;
  strcpy(ev.cause, "G1 \"Evacuation\" Pause");
  ev.seq = 7;
  ev.t = 1.5;
  ev.pause_ms = 2.25;
  ev.heap_before = 1024;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_SEQ) | GCPULSE_BIT(GCPULSE_FIELD_T) |
             GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE);
  char buf[512];
  long n = gcpulse_event_to_json(&ev, buf, sizeof buf);
  assert_string_equal(buf,
                      "{\"runtime\":\"jvm\",\"collector\":\"g1\",\"kind\":\"young\","
                      "\"cause\":\"G1 \\\"Evacuation\\\" Pause\",\"seq\":7,\"t\":1.5,"
                      "\"pause_ms\":2.25,\"heap_before\":1024}");
  assert_int_equal(n, (long)strlen(buf));
  char small[10];
  assert_int_equal(gcpulse_event_to_json(&ev, small, sizeof small), n);
  assert_int_equal(strlen(small), 9);
  assert_int_equal(gcpulse_event_to_json(&ev, NULL, 0), n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_and_errors),
      cmocka_unit_test(test_config_defaults_and_check),
      cmocka_unit_test(test_config_keys),
      cmocka_unit_test_teardown(test_json_ignores_locale, c_locale),
      cmocka_unit_test(test_line_assembly),
      cmocka_unit_test(test_too_long_lines_bounded),
      cmocka_unit_test(test_reentrancy),
      cmocka_unit_test(test_every_mutator_busy_in_callbacks),
      cmocka_unit_test(test_metric_id_names),
      cmocka_unit_test(test_callback_abort),
      cmocka_unit_test(test_metrics_validation),
      cmocka_unit_test(test_no_alloc_after_init),
      cmocka_unit_test(test_default_footprint),
      cmocka_unit_test(test_event_json),
  };
  return cmocka_run_group_tests_name("instance", tests, NULL, NULL);
}

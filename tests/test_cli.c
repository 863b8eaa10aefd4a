/* test_cli.c — the gcpulse command end to end: events on real Go and JVM
 * traces, replay, follow (truncation, rotation, Prometheus textfile), run
 * (environment, pass-through, exit status) and argument errors. */
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char cli[4096];
static char tmpdir[256];

/* Run a shell command, capture stdout into a malloc'd string, return the
 * exit status in *STATUS. */
static char *run(const char *cmd, int *status) {
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  size_t r;
  while ((r = fread(buf + n, 1, cap - n, p)) > 0) {
    n += r;
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
    }
  }
  buf[n] = '\0';
  int st = pclose(p);
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return buf;
}

/* The Nth (0-based) line of TEXT parsed as JSON, or NULL. */
static json_t *json_line(const char *text, int nth) {
  const char *p = text;
  for (int i = 0; i < nth && p; i++) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  if (p == NULL || *p == '\0') return NULL;
  const char *e = strchr(p, '\n');
  size_t len = e ? (size_t)(e - p) : strlen(p);
  json_error_t err;
  return json_loadb(p, len, 0, &err);
}

static int count_lines(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = text; *p;) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (needle == NULL) {
      n++;
    } else {
      for (size_t i = 0; i + strlen(needle) <= len; i++)
        if (memcmp(p + i, needle, strlen(needle)) == 0) {
          n++;
          break;
        }
    }
    p += len + (e ? 1 : 0);
  }
  return n;
}

static double num(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  assert_non_null(v);
  return json_number_value(v);
}

static void test_usage_errors(void **state) {
  (void)state;
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd, "%s --help", cli);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_non_null(strstr(out, "replay"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s frobnicate 2>&1", cli);
  out = run(cmd, &st);
  assert_int_equal(st, 2);
  assert_non_null(strstr(out, "unknown command 'frobnicate'"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s events --format cobol 2>&1 </dev/null", cli);
  out = run(cmd, &st);
  assert_int_equal(st, 2);
  assert_non_null(strstr(out, "unknown format 'cobol'"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s events /nonexistent/file 2>&1", cli);
  out = run(cmd, &st);
  assert_int_equal(st, 1);
  assert_non_null(strstr(out, "/nonexistent/file"));
  free(out);
  snprintf(cmd, sizeof cmd, "%s replay --help", cli);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_non_null(strstr(out, "usage: gcpulse replay"));
  free(out);
}

/* gcpulse events --format go on a real Go 1.19 trace. */
static void test_events_go(void **state) {
  (void)state;
  TU_CORPUS_OR_SKIP(path, "go/go1.19-gogc50-1p.log");
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd, "%s events --format go %s 2>%s/stderr", cli, path,
           tmpdir);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_int_equal(count_lines(out, NULL), 257); /* 257 gc lines */
  /* line 5: gc 5 @0.195s 0%: 0.013+0.13+0.002 ms clock,
   *         0.013+0.048/0.045/0+0.002 ms cpu, 9->9->1 MB, 10 MB goal,
   *         0 MB stacks, 0 MB globals, 1 P */
  json_t *o = json_line(out, 4);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "runtime")), "go");
  assert_string_equal(json_string_value(json_object_get(o, "kind")), "go_cycle");
  assert_true(num(o, "seq") == 5);
  assert_true(fabs(num(o, "t") - 0.195) < 1e-9);
  assert_true(fabs(num(o, "pause_ms") - 0.015) < 1e-9);
  assert_true(fabs(num(o, "concurrent_ms") - 0.13) < 1e-9);
  assert_true(fabs(num(o, "cpu_assist_ms") - 0.048) < 1e-9);
  assert_true(fabs(num(o, "cpu_background_ms") - 0.045) < 1e-9);
  assert_true(num(o, "cpu_idle_ms") == 0);
  assert_true(num(o, "heap_before") == 9 * 1048576.0);
  assert_true(num(o, "heap_after") == 9 * 1048576.0);
  assert_true(num(o, "heap_live") == 1 * 1048576.0);
  assert_true(num(o, "heap_goal") == 10 * 1048576.0);
  assert_true(num(o, "stacks") == 0);
  assert_true(num(o, "procs") == 1);
  assert_null(json_object_get(o, "metaspace_used")); /* unknown: omitted */
  json_decref(o);
  free(out);
  char sp[512];
  snprintf(sp, sizeof sp, "%s/stderr", tmpdir);
  size_t len;
  char *err = tu_read_file(sp, &len);
  assert_string_equal(err, "lines 257 events 257 skipped 0\n");
  free(err);
}

/* auto-detection and JVM events through the command. */
static void test_events_jvm_auto(void **state) {
  (void)state;
  TU_CORPUS_OR_SKIP(path, "jvm/jdk17-g1-gcstar.log");
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd, "%s events %s 2>/dev/null", cli, path);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  int n = count_lines(out, NULL);
  assert_true(n > 50);
  assert_int_equal(count_lines(out, "\"runtime\":\"jvm\""), n);
  assert_int_equal(count_lines(out, "\"collector\":\"g1\""), n);
  json_t *o = json_line(out, 0);
  assert_non_null(o);
  assert_non_null(json_object_get(o, "pause_ms"));
  assert_non_null(json_object_get(o, "heap_before"));
  json_decref(o);
  free(out);
}

#ifndef GCPULSE_NO_JSON /* --config needs the JSON loader */
static void test_replay_demo(void **state) {
  (void)state;
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd,
           "%s replay --config examples/demo.json examples/data/go-demo.gctrace",
           cli);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  int n = count_lines(out, NULL);
  assert_true(n >= 1);
  json_t *last = json_line(out, n - 1);
  assert_non_null(last);
  assert_string_equal(json_string_value(json_object_get(last, "type")),
                      "summary");
  json_t *stats = json_object_get(last, "stats");
  assert_true(json_integer_value(json_object_get(stats, "events_go")) == 272);
  assert_true(json_integer_value(json_object_get(stats, "scavenges")) == 136);
  assert_non_null(json_object_get(last, "features"));
  json_decref(last);
  /* every other line is a decision */
  assert_int_equal(count_lines(out, "\"type\":\"gogc\"") +
                       count_lines(out, "\"type\":\"action\"") + 1,
                   n);
  free(out);
  /* deterministic: same output twice */
  char *again = run(cmd, &st);
  char *out2 = run(cmd, &st);
  assert_string_equal(again, out2);
  free(again);
  free(out2);
}

/* replay --suppressed: the matches a constraint held back are printed
 * with their constraint names, and the summary counts them by
 * constraint; without the flag neither appears.  The G1 leak recording
 * without a memory limit: the rules that need one report MissingData. */
static void test_replay_suppressed(void **state) {
  (void)state;
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd, "%s replay --suppressed "
           "tests/data/policy/jdk17-g1-leak.log", cli);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  int held = count_lines(out, "\"suppressed\":true");
  assert_true(held > 0);
  assert_true(count_lines(out, "\"constraints\":[\"MissingData\"") > 0);
  int n = count_lines(out, NULL);
  json_t *last = json_line(out, n - 1);
  assert_non_null(last);
  json_t *sup = json_object_get(last, "suppressed");
  assert_non_null(sup);
  assert_int_equal(json_integer_value(json_object_get(sup, "total")), held);
  json_t *by = json_object_get(sup, "by_constraint");
  assert_true(json_integer_value(json_object_get(by, "MissingData")) > 0);
  assert_true(json_integer_value(json_object_get(by, "WarmingUp")) > 0);
  json_decref(last);
  free(out);
  snprintf(cmd, sizeof cmd, "%s replay tests/data/policy/jdk17-g1-leak.log",
           cli);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_int_equal(count_lines(out, "\"suppressed\""), 0);
  free(out);
}
#endif

static void append(const char *path, const char *text, const char *mode) {
  FILE *f = fopen(path, mode);
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void nap(double s) {
  struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
  nanosleep(&ts, NULL);
}

/* Value of a Prometheus sample line starting with PREFIX, or -1. */
static double prom_value(const char *path, const char *prefix) {
  size_t len;
  char *text = tu_read_file(path, &len);
  if (text == NULL) return -1;
  double v = -1;
  for (char *p = text; p && *p;) {
    if (strncmp(p, prefix, strlen(prefix)) == 0) {
      v = strtod(p + strlen(prefix), NULL);
      break;
    }
    p = strchr(p, '\n');
    if (p) p++;
  }
  free(text);
  return v;
}

/* Wait up to 15 s for the sample PREFIX in PATH to reach WANT. */
static int prom_wait(const char *path, const char *prefix, double want) {
  for (int i = 0; i < 150; i++) {
    if (prom_value(path, prefix) == want) return 1;
    nap(0.1);
  }
  print_message("%s: %s is %g, want %g\n", path, prefix,
                prom_value(path, prefix), want);
  return 0;
}

#define EVENTS_GO "gcpulse_events_total{runtime=\"go\"} "

static const char *gc_line(int n, double t) {
  static char buf[256];
  snprintf(buf, sizeof buf,
           "gc %d @%.3fs 1%%: 0.010+1.0+0.020 ms clock, 0.020+0.5/1.0/0.1+0.040 "
           "ms cpu, 8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 2 P\n",
           n, t);
  return buf;
}


static void test_follow_truncate_rotate(void **state) {
  (void)state;
  char log[512], prom[512], cmd[8192];
  snprintf(log, sizeof log, "%s/follow.log", tmpdir);
  snprintf(prom, sizeof prom, "%s/gcpulse.prom", tmpdir);
  append(log, gc_line(1, 0.5), "w");
  snprintf(cmd, sizeof cmd,
           "%s follow --prom-textfile %s --idle-exit 3 %s >%s/follow.out 2>&1 & "
           "echo $! > %s/follow.pid",
           cli, prom, log, tmpdir, tmpdir);
  assert_int_equal(system(cmd), 0);
  assert_true(prom_wait(prom, EVENTS_GO, 1));
  append(log, gc_line(2, 1.0), "a");
  assert_true(prom_wait(prom, EVENTS_GO, 2));
  /* truncate and write anew (copytruncate-style rotation) */
  append(log, gc_line(1, 0.2), "w");
  assert_true(prom_wait(prom, EVENTS_GO, 3));
  /* rename-style rotation: the old file moves away, a new one appears */
  char old[600];
  snprintf(old, sizeof old, "%s.1", log);
  assert_int_equal(rename(log, old), 0);
  append(log, gc_line(2, 0.7), "w");
  append(log, gc_line(3, 1.4), "a");
  assert_true(prom_wait(prom, EVENTS_GO, 5));
  assert_true(prom_value(prom, "gcpulse_lines_total ") == 5);
  /* the follower exits by itself after 3 idle seconds */
  int st = 0;
  for (int i = 0; i < 100 && st == 0; i++) {
    nap(0.2);
    snprintf(cmd, sizeof cmd, "kill -0 $(cat %s/follow.pid) 2>/dev/null", tmpdir);
    char *out = run(cmd, &st);
    free(out);
  }
  assert_int_not_equal(st, 0);
  struct stat sb;
  char tmp[600];
  snprintf(tmp, sizeof tmp, "%s.tmp", prom);
  assert_int_not_equal(stat(tmp, &sb), 0); /* renamed into place, no leftovers */
}

static void test_run_env_and_status(void **state) {
  (void)state;
  char cmd[8192];
  int st;
  /* the child sees GODEBUG with gctrace=1 appended, and JAVA_TOOL_OPTIONS */
  snprintf(cmd, sizeof cmd,
           "GODEBUG=madvdontneed=1 %s run --out /dev/null -- sh -c "
           "'echo \"GODEBUG=$GODEBUG JTO=$JAVA_TOOL_OPTIONS\"; "
           "echo \"%s\" >&2; exit 3' 2>%s/run.err",
           cli, "gc 1 @0.100s 1%: 0.010+1.0+0.020 ms clock, 0.020+0.5/1.0/0.1+0.040 ms cpu, 8->9->4 MB, 9 MB goal, 2 P",
           tmpdir);
  char *out = run(cmd, &st);
  assert_int_equal(st, 3);
  assert_string_equal(out, "GODEBUG=madvdontneed=1,gctrace=1 JTO=-Xlog:gc*:stderr\n");
  free(out);
  char p[512];
  snprintf(p, sizeof p, "%s/run.err", tmpdir);
  size_t len;
  char *err = tu_read_file(p, &len);
  assert_non_null(strstr(err, "gc 1 @0.100s")); /* passed through unchanged */
  free(err);
  /* the summary reports the event the child printed */
  snprintf(cmd, sizeof cmd,
           "%s run -- sh -c 'echo \"%s\" >&2' 2>/dev/null | tail -1", cli,
           "gc 7 @2.000s 1%: 0.010+1.0+0.020 ms clock, 0.020+0.5/1.0/0.1+0.040 ms cpu, 8->9->4 MB, 9 MB goal, 2 P");
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  json_t *o = json_line(out, 0);
  assert_non_null(o);
  assert_true(json_integer_value(json_object_get(json_object_get(o, "stats"),
                                                 "events_go")) == 1);
  json_decref(o);
  free(out);
  snprintf(cmd, sizeof cmd, "%s run -- /nonexistent/prog 2>/dev/null >/dev/null", cli);
  out = run(cmd, &st);
  assert_int_equal(st, 127);
  free(out);
}

int main(int argc, char **argv) {
  (void)argc;
  /* the command sits next to the tests directory of this build */
  snprintf(cli, sizeof cli, "%s", argv[0]);
  char *slash = strrchr(cli, '/');
  if (slash) *slash = '\0';
  slash = strrchr(cli, '/');
  if (slash)
    strcpy(slash + 1, "gcpulse");
  else
    strcpy(cli, "gcpulse");
  snprintf(tmpdir, sizeof tmpdir, "/tmp/gcpulse-cli-XXXXXX");
  if (mkdtemp(tmpdir) == NULL) return 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_events_go),
      cmocka_unit_test(test_events_jvm_auto),
#ifndef GCPULSE_NO_JSON
      cmocka_unit_test(test_replay_demo),
      cmocka_unit_test(test_replay_suppressed),
#endif
      cmocka_unit_test(test_follow_truncate_rotate),
      cmocka_unit_test(test_run_env_and_status),
  };
  int rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) rc = rc ? rc : 1;
  return rc;
}

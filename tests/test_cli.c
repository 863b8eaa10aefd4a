/* test_cli.c — the gcpulse command end to end: events on real Go and JVM
 * traces, replay (+ caller metrics), follow (real pipes with timestamps,
 * history, truncation, rotation, a missing file, signals, the HTTP endpoint,
 * liveness, textfile), run around a real Go program, probe, plot, the
 * metric table of docs/sidecar.md, and start-up errors. */
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char cli[1024];
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

/* gcpulse events --format go on a Go 1.19 trace recorded here. */
static void test_events_go(void **state) {
  (void)state;
  const char *path = "tests/data/go/go1.19-gogc50-2p.log";
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd, "%s events --format go %s 2>%s/stderr", cli, path,
           tmpdir);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_int_equal(count_lines(out, NULL), 88); /* 88 gc lines */
  /* line 5: gc 5 @0.007s 5%: 0.052+0.33+0.001 ms clock,
   *         0.10+0.10/0.060/0.048+0.003 ms cpu, 10->10->10 MB, 10 MB goal,
   *         0 MB stacks, 0 MB globals, 2 P */
  json_t *o = json_line(out, 4);
  assert_non_null(o);
  assert_string_equal(json_string_value(json_object_get(o, "runtime")), "go");
  assert_string_equal(json_string_value(json_object_get(o, "kind")), "go_cycle");
  assert_true(num(o, "seq") == 5);
  assert_true(fabs(num(o, "t") - 0.007) < 1e-9);
  assert_true(fabs(num(o, "pause_ms") - 0.053) < 1e-9);
  assert_true(fabs(num(o, "concurrent_ms") - 0.33) < 1e-9);
  assert_true(fabs(num(o, "cpu_assist_ms") - 0.10) < 1e-9);
  assert_true(fabs(num(o, "cpu_background_ms") - 0.060) < 1e-9);
  assert_true(fabs(num(o, "cpu_idle_ms") - 0.048) < 1e-9);
  assert_true(num(o, "heap_before") == 10 * 1048576.0);
  assert_true(num(o, "heap_after") == 10 * 1048576.0);
  assert_true(num(o, "heap_live") == 10 * 1048576.0);
  assert_true(num(o, "heap_goal") == 10 * 1048576.0);
  assert_true(num(o, "stacks") == 0);
  assert_true(num(o, "procs") == 2);
  assert_null(json_object_get(o, "metaspace_used")); /* unknown: omitted */
  json_decref(o);
  free(out);
  char sp[512];
  snprintf(sp, sizeof sp, "%s/stderr", tmpdir);
  size_t len;
  char *err = tu_read_file(sp, &len);
  assert_string_equal(err, "lines 88 events 88 skipped 0\n");
  free(err);
}

/* auto-detection and JVM events through the command. */
static void test_events_jvm_auto(void **state) {
  (void)state;
  const char *path = "tests/data/jvm/jdk17-g1-oom.log";
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

/* Several FILEs are one stream: a file of the other runtime is not
 * skipped line by line in silence but refused by name, status 1; the
 * stream's own files are all read. */
static void test_files_mixed_runtimes(void **state) {
  (void)state;
  const char *go = "examples/data/go-demo.gctrace", *jvm = "tests/data/jvm/jdk17-g1-gconly.log";
  struct {
    const char *cmd, *a, *b, *want_err, *want_count;
    int go_events, jvm_events;
  } cases[] = {
      {"events", go, jvm,
       "jdk17-g1-gconly.log: a JVM GC log, but the stream is a Go gctrace (the files before it)",
       "lines 281 events 272 skipped 9", 272, 0},
      {"events", jvm, go,
       "go-demo.gctrace: a Go gctrace, but the stream is a JVM GC log (the files before it)",
       "lines 11 events 10 skipped 1", 0, 10},
      {"events --format jvm", go, NULL,
       "go-demo.gctrace: a Go gctrace, but the stream is a JVM GC log (--format or the config)",
       "lines 0 events 0 skipped 0", 0, 0},
      {"events", go, go, NULL, "lines 562 events 544 skipped 18", 544, 0}, /* rotated */
      {"replay", go, jvm, "jdk17-g1-gconly.log: a JVM GC log, but the stream is a Go gctrace",
       NULL, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char cmd[8192], errpath[512];
    snprintf(errpath, sizeof errpath, "%s/mixed.err", tmpdir);
    snprintf(cmd, sizeof cmd, "%s %s %s %s 2>%s", cli, cases[i].cmd, cases[i].a,
             cases[i].b ? cases[i].b : "", errpath);
    int st;
    char *out = run(cmd, &st);
    size_t len;
    char *err = tu_read_file(errpath, &len);
    assert_non_null(err);
    print_message("%s %s %s: status %d, %s", cases[i].cmd, cases[i].a,
                  cases[i].b ? cases[i].b : "", st, err);
    assert_int_equal(st, cases[i].want_err ? 1 : 0);
    if (cases[i].want_err) assert_non_null(strstr(err, cases[i].want_err));
    if (cases[i].want_count) assert_non_null(strstr(err, cases[i].want_count));
    if (strncmp(cases[i].cmd, "events", 6) == 0) {
      assert_int_equal(count_lines(out, "\"runtime\":\"go\""), cases[i].go_events);
      assert_int_equal(count_lines(out, "\"runtime\":\"jvm\""), cases[i].jvm_events);
    } else {
      assert_non_null(strstr(out, "\"events_go\":272,\"events_jvm\":0"));
    }
    free(err);
    free(out);
  }
}

/* The text summary a person reads: the limit in force and where it came
 * from (given; a JVM's -Xmx from its own log), GOGC only for Go. */
static void test_replay_text_summary(void **state) {
  (void)state;
  static const struct {
    const char *args, *want[3], *absent;
  } cases[] = {
      {"--memory-limit 300MiB examples/data/go-demo.gctrace",
       {"limit     300.0 MiB (given)", "GOGC      136 decisions, 5 changes",
        "scale_up_memory (oom_bump) x1"},
       NULL},
      {"tests/data/policy/jdk17-g1-leak.log",
       {"limit     128.0 MiB (from the log", "collector g1: 142 GC events",
        "restart_or_shed (leak_near_limit) x1"},
       "GOGC"},
      {"tests/data/policy/go-leak.log",
       {"limit     none known", "suspect_heap_leak (heap_leak) x1", "GOGC "},
       NULL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char cmd[8192], errpath[512];
    snprintf(errpath, sizeof errpath, "%s/summary.err", tmpdir);
    snprintf(cmd, sizeof cmd, "%s replay --summary text %s 2>%s", cli,
             cases[i].args, errpath);
    int st;
    char *out = run(cmd, &st);
    assert_int_equal(st, 0);
    assert_null(strstr(out, "\"type\":\"summary\""));
    size_t len;
    char *err = tu_read_file(errpath, &len);
    assert_non_null(err);
    for (int k = 0; k < 3; k++) {
      if (strstr(err, cases[i].want[k]) == NULL)
        print_message("missing '%s' in:\n%s", cases[i].want[k], err);
      assert_non_null(strstr(err, cases[i].want[k]));
    }
    if (cases[i].absent) assert_null(strstr(err, cases[i].absent));
    free(err);
    free(out);
  }
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
  /* every other line is a decision; GOGC decisions only where they change
   * GOGC (the summary's gogc_changes), all of them with --all-gogc */
  assert_int_equal(count_lines(out, "\"type\":\"gogc\"") +
                       count_lines(out, "\"type\":\"action\"") + 1,
                   n);
  json_t *all = json_line(out, n - 1);
  json_int_t changes =
      json_integer_value(json_object_get(json_object_get(all, "stats"), "gogc_changes"));
  json_int_t decisions =
      json_integer_value(json_object_get(json_object_get(all, "stats"), "gogc_decisions"));
  json_decref(all);
  assert_true(changes >= 1 && decisions > changes);
  assert_int_equal(count_lines(out, "\"type\":\"gogc\""), changes);
  assert_int_equal(count_lines(out, "\"changed\":false"), 0);
  free(out);
  snprintf(cmd, sizeof cmd,
           "%s replay --all-gogc --config examples/demo.json examples/data/go-demo.gctrace",
           cli);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_int_equal(count_lines(out, "\"type\":\"gogc\""), decisions);
  assert_int_equal(count_lines(out, "\"changed\":true"), changes);
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

/* --config errors: a syntax error says where; a bad value names its key
 * path, with no made-up "(line 0, column 0)". */
static void test_config_errors(void **state) {
  (void)state;
  struct {
    const char *json, *want;
  } cases[] = {
      {"{\"gogc\":{\"mode\":\"fast\"}}",
       "bad.json: gogc.mode: unknown value \"fast\": expected one of off, dual-factor, "
       "memory-target, cpu-target, adaptive\n"},
      {"{\"gogc\":{\"min\":50,\"max\":40}}", "bad.json: gogc.max: must be >= gogc.min\n"},
      {"{\"gogc\":{\"mode\":\"adaptive\",}}", "bad.json: string or '}' expected (line 1, column 28)\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[512], cmd[8192];
    snprintf(path, sizeof path, "%s/bad.json", tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(cases[i].json, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s replay --config %s /dev/null 2>&1", cli, path);
    int st;
    char *out = run(cmd, &st);
    if (st != 2 || strstr(out, cases[i].want) == NULL)
      fail_msg("%s: status %d, '%s', want '%s'", cases[i].json, st, out, cases[i].want);
    free(out);
  }
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

#define EVENTS_GO "gcpulse_gc_events_total{kind=\"go_cycle\"} "

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
  size_t elen;
  char eo[600];
  snprintf(eo, sizeof eo, "%s/follow.out", tmpdir);
  char *etext = tu_read_file(eo, &elen);
  assert_non_null(strstr(etext, "truncated; reading from the start"));
  assert_non_null(strstr(etext, "rotated; reading the new file"));
  free(etext);
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
           "GODEBUG=madvdontneed=1 %s run --decisions /dev/null -- sh -c "
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
           "%s run --decisions /dev/stdout -- sh -c 'echo \"%s\" >&2' 2>/dev/null | grep summary",
           cli,
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

/* ---- live sidecar: pipes, signals, HTTP, liveness ------------------------ */

typedef struct child {
  pid_t pid;
  int in, out; /* our ends: its stdin, its stdout (-1 if not piped) */
} child;

/* Start "sh -c CMD" with its stdin and stdout on pipes. */
static child spawn(const char *cmd) {
  int i[2], o[2];
  assert_int_equal(pipe(i), 0);
  assert_int_equal(pipe(o), 0);
  child c;
  c.pid = fork();
  assert_true(c.pid >= 0);
  if (c.pid == 0) {
    dup2(i[0], 0);
    dup2(o[1], 1);
    close(i[0]);
    close(i[1]);
    close(o[0]);
    close(o[1]);
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
  }
  close(i[0]);
  close(o[1]);
  c.in = i[1];
  c.out = o[0];
  return c;
}

/* Exit status of C within SECONDS (-1 if it did not exit: then killed). */
static int reap(child *c, double seconds) {
  int st;
  for (double w = 0; w < seconds; w += 0.05) {
    if (waitpid(c->pid, &st, WNOHANG) == c->pid)
      return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    nap(0.05);
  }
  kill(c->pid, SIGKILL);
  waitpid(c->pid, &st, 0);
  return -1;
}

static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read C's stdout until a line containing NEEDLE, at most SECONDS; appends
 * to ACC.  Returns the time it arrived, or -1. */
static double read_until(child *c, char *acc, size_t cap, const char *needle,
                         double seconds) {
  double end = mono() + seconds;
  size_t n = strlen(acc);
  while (mono() < end) {
    if (strstr(acc, needle)) return mono();
    struct pollfd p = {c->out, POLLIN, 0};
    if (poll(&p, 1, 20) > 0) {
      ssize_t r = read(c->out, acc + n, cap - 1 - n);
      if (r <= 0) break;
      n += (size_t)r;
      acc[n] = '\0';
    }
  }
  return strstr(acc, needle) ? mono() : -1;
}

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  getsockname(fd, (struct sockaddr *)&a, &len);
  close(fd);
  return ntohs(a.sin_port);
}

/* GET PATH from 127.0.0.1:PORT; the whole response (malloc'd) or NULL. */
static char *http_get(int port, const char *path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return NULL;
  }
  char req[256];
  int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path);
  assert_int_equal(write(fd, req, (size_t)n), n);
  size_t cap = 1 << 20, len = 0;
  char *buf = malloc(cap);
  ssize_t r;
  while ((r = read(fd, buf + len, cap - 1 - len)) > 0) len += (size_t)r;
  buf[len] = '\0';
  close(fd);
  return buf;
}

static void write_lines(int fd, const char *text, int from, int to) {
  const char *p = text;
  for (int i = 1; i < from && p; i++) {
    p = strchr(p, '\n');
    if (p) p++;
  }
  for (int i = from; i <= to && p && *p; i++) {
    const char *e = strchr(p, '\n');
    size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
    assert_int_equal(write(fd, p, len), (ssize_t)len);
    p += len;
  }
}

static char *demo_trace(void) {
  size_t len;
  char *t = tu_read_file("examples/data/go-demo.gctrace", &len);
  assert_non_null(t);
  return t;
}

/* A real pipe: the GOGC decision caused by line 2 (gc 1 @0.151s: the
 * controller decides at every GC cycle, the first at the first) is printed
 * (--all-gogc: it holds GOGC, printed only on request) within 100 ms of
 * writing that line; end of input ends the command with
 * status 0. */
static void test_follow_pipe_streams(void **state) {
  (void)state;
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "exec %s follow --all-gogc --memory-limit 300MiB -", cli);
  child c = spawn(cmd);
  char *trace = demo_trace();
  static char acc[1 << 16];
  acc[0] = '\0';
  write_lines(c.in, trace, 1, 1);
  assert_true(read_until(&c, acc, sizeof acc, "\"type\":\"gogc\"", 0.5) < 0);
  double sent = mono();
  write_lines(c.in, trace, 2, 2);
  double got = read_until(&c, acc, sizeof acc, "\"type\":\"gogc\"", 2.0);
  assert_true(got > 0);
  print_message("decision %.1f ms after its line\n", (got - sent) * 1000);
  assert_true(got - sent < 0.1);
  assert_non_null(strstr(acc, "\"t\":0.151,"));
  close(c.in);
  assert_true(read_until(&c, acc, sizeof acc, "end of input", 2.0) > 0);
  assert_int_equal(reap(&c, 3.0), 0);
  close(c.out);
  free(trace);
}

/* History: a restarted sidecar does not re-fire the actions already in the
 * log (the demo trace ends with oom_bump -> scale_up_memory at 96.301 s
 * under a 300 MiB limit); --from start does. */
static void test_follow_history_silent(void **state) {
  (void)state;
  char log[512], prom[512], cmd[8192];
  snprintf(log, sizeof log, "%s/history.log", tmpdir);
  snprintf(prom, sizeof prom, "%s/history.prom", tmpdir);
  char *trace = demo_trace();
  append(log, trace, "w");
  free(trace);
  int st;
  snprintf(cmd, sizeof cmd,
           "%s follow --memory-limit 300MiB --idle-exit 1 --prom-textfile %s %s", cli,
           prom, log);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_int_equal(count_lines(out, "\"type\":\"action\""), 0);
  assert_int_equal(count_lines(out, "\"type\":\"gogc\""), 0);
  free(out);
  assert_true(prom_value(prom, "gcpulse_gc_events_total{kind=\"go_cycle\"} ") == 136);
  assert_true(prom_value(prom, "gcpulse_actions_total{action=\"scale_up_memory\","
                               "rule=\"oom_bump\"} ") == 0);
  snprintf(cmd, sizeof cmd,
           "%s follow --from start --memory-limit 300MiB --idle-exit 1 "
           "--prom-textfile %s %s",
           cli, prom, log);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_int_equal(count_lines(out, "\"rule\":\"oom_bump\""), 1);
  /* GOGC decisions that change GOGC only: the demo's 5 (replay's summary) */
  assert_int_equal(count_lines(out, "\"type\":\"gogc\""), 5);
  free(out);
  assert_true(prom_value(prom, "gcpulse_actions_total{action=\"scale_up_memory\","
                               "rule=\"oom_bump\"} ") == 1);
  assert_true(prom_value(prom, "gcpulse_action_active{action=\"scale_up_memory\","
                               "rule=\"oom_bump\"} ") == 1);
  assert_true(prom_value(prom, "gcpulse_action_magnitude{action=\"scale_up_memory\","
                               "rule=\"oom_bump\"} ") == 419430400);
}

/* A huge log: history is read from its last 16 MiB only (start-up stays
 * bounded); the GC events at its end are all there. */
static void test_follow_history_bounded(void **state) {
  (void)state;
  char log[512], prom[512], cmd[8192];
  snprintf(log, sizeof log, "%s/huge.log", tmpdir);
  snprintf(prom, sizeof prom, "%s/huge.prom", tmpdir);
  FILE *f = fopen(log, "w");
  assert_non_null(f);
  const char *noise = "{\"level\":\"info\",\"msg\":\"served\",\"requests\":112535,"
                      "\"path\":\"/api/v1/items\"}\n"; /* 72 bytes */
  long lines = (20L << 20) / (long)strlen(noise);
  for (long i = 0; i < lines; i++) fputs(noise, f);
  char *trace = demo_trace();
  fputs(trace, f);
  free(trace);
  fclose(f);
  int st;
  snprintf(cmd, sizeof cmd,
           "%s follow --idle-exit 0.5 --prom-textfile %s %s 2>%s/huge.err >/dev/null", cli,
           prom, log, tmpdir);
  double t0 = mono();
  free(run(cmd, &st));
  assert_int_equal(st, 0);
  print_message("20 MiB log: started and idled out in %.2f s\n", mono() - t0);
  assert_true(prom_value(prom, "gcpulse_gc_events_total{kind=\"go_cycle\"} ") == 136);
  double read = prom_value(prom, "gcpulse_lines_total ");
  assert_true(read > 281 && read < (double)lines * 0.85); /* ~16 of 20 MiB */
  char p[600];
  size_t len;
  snprintf(p, sizeof p, "%s/huge.err", tmpdir);
  char *err = tu_read_file(p, &len);
  assert_non_null(strstr(err, "history from the last 167"));
  free(err);
  unlink(log);
}

/* follow FILE waits for a missing file; SIGTERM ends it with status 0 and a
 * final textfile that says the source is lost (gcpulse_up 0). */
static void test_follow_waits_and_sigterm(void **state) {
  (void)state;
  char log[512], prom[512], cmd[8192];
  snprintf(log, sizeof log, "%s/later.log", tmpdir);
  snprintf(prom, sizeof prom, "%s/later.prom", tmpdir);
  unlink(log);
  snprintf(cmd, sizeof cmd, "exec %s follow --prom-textfile %s %s 2>%s/later.err",
           cli, prom, log, tmpdir);
  child c = spawn(cmd);
  nap(0.5);
  assert_int_equal(waitpid(c.pid, NULL, WNOHANG), 0); /* still waiting */
  assert_true(prom_wait(prom, "gcpulse_up ", 0));
  append(log, gc_line(1, 0.5), "w");
  append(log, gc_line(2, 1.0), "a");
  assert_true(prom_wait(prom, EVENTS_GO, 2));
  assert_true(prom_value(prom, "gcpulse_up ") == 1);
  kill(c.pid, SIGTERM);
  assert_int_equal(reap(&c, 3.0), 0);
  close(c.in);
  close(c.out);
  /* the final textfile: nobody follows the source any more (F38) */
  assert_true(prom_value(prom, "gcpulse_up ") == 0);
  assert_true(prom_value(prom, EVENTS_GO) == 2);
  char p[600];
  snprintf(p, sizeof p, "%s/later.err", tmpdir);
  size_t len;
  char *err = tu_read_file(p, &len);
  assert_non_null(strstr(err, "later.log: No such file or directory; waiting for it"));
  assert_non_null(strstr(err, "appeared; following it"));
  free(err);
}

/* --listen: /metrics with HELP and TYPE on every family and the constant
 * labels; /healthz; 404; a port in use is exit 2 at start-up.  Silence
 * (--lost-after 1) makes the source lost: gcpulse_up 0, features gone, no
 * standing action; the next event brings it back. */
static void test_listen_and_liveness(void **state) {
  (void)state;
  int port = free_port();
  char cmd[8192];
  snprintf(cmd, sizeof cmd,
           "exec %s follow --memory-limit 300MiB --lost-after 1.5 --listen 127.0.0.1:%d "
           "--label pod=api-0 --label 'note=a \"quoted\" \\ value' -",
           cli, port);
  child c = spawn(cmd);
  char *trace = demo_trace();
  write_lines(c.in, trace, 1, 281);
  static char acc[1 << 18];
  acc[0] = '\0';
  assert_true(read_until(&c, acc, sizeof acc, "\"rule\":\"oom_bump\"", 3.0) > 0);
  char *m = http_get(port, "/metrics");
  assert_non_null(m);
  assert_non_null(strstr(m, "HTTP/1.1 200 OK\r\n"));
  assert_non_null(strstr(m, "Content-Type: text/plain; version=0.0.4"));
  assert_non_null(strstr(m, "gcpulse_up{pod=\"api-0\",note=\"a \\\"quoted\\\" \\\\ value\"} 1\n"));
  assert_non_null(strstr(m, "gcpulse_heap_live_bytes{pod=\"api-0\""));
  assert_non_null(strstr(m, ",action=\"scale_up_memory\",rule=\"oom_bump\"} 1\n"));
  /* every sample's family has HELP and TYPE */
  for (char *l = strstr(m, "\r\n\r\n") + 4; l && *l;) {
    char *e = strchr(l, '\n');
    if (l[0] != '#') {
      char fam[128];
      size_t n = strcspn(l, "{ ");
      snprintf(fam, sizeof fam, "%.*s", (int)n, l);
      char *suffix = strstr(fam, "_bucket");
      if (!suffix) suffix = strstr(fam, "_sum");
      if (!suffix) suffix = strstr(fam, "_count");
      if (suffix && strncmp(fam, "gcpulse_gc_pause_seconds", 24) == 0) *suffix = '\0';
      char help[200], type[200];
      snprintf(help, sizeof help, "# HELP %s ", fam);
      snprintf(type, sizeof type, "# TYPE %s ", fam);
      if (!strstr(m, help) || !strstr(m, type)) fail_msg("no HELP/TYPE for %s", fam);
    }
    l = e ? e + 1 : NULL;
  }
  free(m);
  m = http_get(port, "/healthz");
  assert_non_null(strstr(m, "200 OK"));
  assert_non_null(strstr(m, "ok: source up"));
  free(m);
  m = http_get(port, "/nope");
  assert_non_null(strstr(m, "404 Not Found"));
  free(m);
  /* a second sidecar on the same port fails at start-up */
  int st;
  snprintf(cmd, sizeof cmd, "%s follow --listen 127.0.0.1:%d - </dev/null 2>&1", cli, port);
  char *out = run(cmd, &st);
  assert_int_equal(st, 2);
  assert_non_null(strstr(out, "cannot listen: Address already in use"));
  free(out);
  /* silence: lost */
  assert_true(read_until(&c, acc, sizeof acc, "\"state\":\"lost\"", 4.0) > 0);
  m = http_get(port, "/metrics");
  assert_non_null(strstr(m, "gcpulse_up{pod=\"api-0\",note=\"a \\\"quoted\\\" \\\\ value\"} 0\n"));
  assert_null(strstr(m, "gcpulse_heap_live_bytes{"));
  assert_null(strstr(m, "gcpulse_gogc{"));
  assert_null(strstr(m, "gcpulse_action_magnitude{"));
  assert_non_null(strstr(m, ",action=\"scale_up_memory\",rule=\"oom_bump\"} 1\n")); /* the counter stays */
  free(m);
  m = http_get(port, "/healthz");
  assert_non_null(strstr(m, "ok: source lost"));
  free(m);
  /* no decision while lost, even though the clock ticks on */
  size_t before = strlen(acc);
  nap(1.5);
  read_until(&c, acc, sizeof acc, "never", 0.1);
  assert_int_equal(strlen(acc), before);
  /* the next event revives it */
  const char *next = "gc 137 @140.000s 0%: 0.050+15+0.004 ms clock, 0.10+0/2.0/29+0.008 ms "
                     "cpu, 200->201->150 MB, 300 MB goal, 0 MB stacks, 0 MB globals, 2 P\n";
  assert_int_equal(write(c.in, next, strlen(next)), (ssize_t)strlen(next));
  assert_true(read_until(&c, acc + before, sizeof acc - before, "\"state\":\"alive\"", 2.0) > 0);
  /* at the trace time of the event that revived it, not the ticked clock */
  assert_non_null(strstr(acc + before, "{\"type\":\"source\",\"state\":\"alive\",\"t\":140,"));
  m = http_get(port, "/metrics");
  assert_non_null(strstr(m, "gcpulse_heap_live_bytes{pod=\"api-0\",note=\"a \\\"quoted\\\" \\\\ value\"} 157286400\n"));
  free(m);
  close(c.in);
  assert_int_equal(reap(&c, 3.0), 0);
  close(c.out);
  free(trace);
}

/* --idle-exit on a pipe that is still open: exit 0 after the silence, the
 * source reported lost for that reason, not "end of input". */
static void test_follow_idle_exit(void **state) {
  (void)state;
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "exec %s follow --idle-exit 0.5 -", cli);
  child c = spawn(cmd);
  double t0 = mono();
  assert_int_equal(reap(&c, 3.0), 0); /* our end of its stdin is still open */
  print_message("idle exit after %.2f s\n", mono() - t0);
  static char acc[4096];
  acc[0] = '\0';
  read_until(&c, acc, sizeof acc, "\n", 1.0);
  assert_string_equal(acc, "{\"type\":\"source\",\"state\":\"lost\",\"t\":0,"
                           "\"reason\":\"idle exit: no GC event for 0.5 s\"}\n");
  close(c.in);
  close(c.out);
}

/* follow --metric qps=FILE: rows appended to a live file reach the policy
 * (a caller rule on qps fires once 1500 req/s arrives, not at 900; a
 * partial row waits for its newline). */
static void test_follow_live_metric(void **state) {
  (void)state;
#ifdef GCPULSE_NO_JSON
  skip(); /* the caller rule comes from --config */
#endif
  char csv[512], conf[512], cmd[8192];
  snprintf(csv, sizeof csv, "%s/qps.csv", tmpdir);
  snprintf(conf, sizeof conf, "%s/qps.json", tmpdir);
  unlink(csv);
  append(conf,
         "{\"policy\": {\"period_s\": 1, \"warmup_s\": 0, \"stabilization_slots\": 512, "
         "\"rules\": [{\"id\": \"busy\", "
         "\"conditions\": [{\"feature\": \"qps\", \"stat\": \"last\", \"op\": \">\", "
         "\"enter\": 1000}], \"actions\": [{\"name\": \"shed_load\"}]}]}}\n",
         "w");
  snprintf(cmd, sizeof cmd, "exec %s follow --config %s --metric qps=%s - 2>/dev/null", cli,
           conf, csv);
  child c = spawn(cmd);
  char *trace = demo_trace();
  write_lines(c.in, trace, 1, 20);
  static char acc[1 << 16];
  acc[0] = '\0';
  append(csv, "900\n15", "w"); /* "15" is unfinished: 1500 */
  assert_true(read_until(&c, acc, sizeof acc, "\"rule\":\"busy\"", 2.5) < 0);
  append(csv, "00\n", "a");
  double got = read_until(&c, acc, sizeof acc, "\"rule\":\"busy\"", 4.0);
  assert_true(got > 0);
  assert_non_null(strstr(acc, "\"action\":\"shed_load\""));
  assert_non_null(strstr(acc, "\"value\":1500"));
  close(c.in);
  assert_int_equal(reap(&c, 3.0), 0);
  close(c.out);
  free(trace);
}

/* follow --pid: the process's RSS is sampled every second; when it exits
 * the source is lost at once (no silence needed); a textfile whose
 * directory vanishes is reported once, with the reason. */
static void test_follow_pid(void **state) {
  (void)state;
  char dir[512], prom[600], cmd[8192];
  snprintf(dir, sizeof dir, "%s/piddir", tmpdir);
  snprintf(prom, sizeof prom, "%s/pid.prom", dir);
  mkdir(dir, 0755);
  pid_t victim = fork();
  assert_true(victim >= 0);
  if (victim == 0) {
    execl("/bin/sleep", "sleep", "30", (char *)NULL);
    _exit(127);
  }
  snprintf(cmd, sizeof cmd, "exec %s follow --pid %d --prom-textfile %s - 2>%s/pid.err", cli,
           (int)victim, prom, tmpdir);
  child c = spawn(cmd);
  char *trace = demo_trace();
  write_lines(c.in, trace, 1, 60);
  free(trace);
  static char acc[1 << 16];
  acc[0] = '\0';
  /* sampled once a second: within 3 s it matches what /proc says (the
   * first sample may predate the exec of sleep) */
  double rss = 0, want = -1;
  for (int i = 0; i < 30; i++) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)victim);
    size_t len;
    char *statm = tu_read_file(path, &len);
    assert_non_null(statm);
    want = (double)strtoul(strchr(statm, ' ') + 1, NULL, 10) * (double)sysconf(_SC_PAGESIZE);
    free(statm);
    rss = prom_value(prom, "gcpulse_rss_bytes ");
    if (fabs(rss - want) <= 2.0 * (double)sysconf(_SC_PAGESIZE)) break;
    nap(0.1);
  }
  print_message("rss %.0f, /proc says %.0f\n", rss, want);
  assert_true(fabs(rss - want) <= 2.0 * (double)sysconf(_SC_PAGESIZE)); /* sleep's RSS */
  assert_true(prom_wait(prom, "gcpulse_up ", 1)); /* the textfile after the lines were read */
  double t0 = mono();
  kill(victim, SIGKILL);
  waitpid(victim, NULL, 0);
  assert_true(read_until(&c, acc, sizeof acc, "\"reason\":\"process exited\"", 3.0) > 0);
  assert_true(mono() - t0 < 1.6);
  assert_true(prom_wait(prom, "gcpulse_up ", 0));
  /* the textfile's directory goes away: one message with the reason */
  unlink(prom);
  assert_int_equal(rmdir(dir), 0);
  nap(2.5);
  close(c.in);
  assert_int_equal(reap(&c, 3.0), 1); /* the final write failed too */
  close(c.out);
  char p[600];
  snprintf(p, sizeof p, "%s/pid.err", tmpdir);
  size_t len;
  char *err = tu_read_file(p, &len);
  assert_int_equal(count_lines(err, "pid.prom: No such file or directory"), 2); /* loop, final */
  free(err);
}

/* Raw bytes to the HTTP endpoint; the reply (malloc'd) or NULL. */
static char *http_raw(int port, const char *req, size_t len) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return NULL;
  }
  if (len) assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
  char *buf = calloc(1, 1 << 16);
  size_t n = 0;
  ssize_t r;
  while ((r = read(fd, buf + n, (1 << 16) - 1 - n)) > 0) n += (size_t)r;
  close(fd);
  return buf;
}

/* The endpoint is bounded: oversize, malformed and non-GET requests get
 * 400/405, at most 16 connections are held (a new one closes the oldest
 * silent one), and it keeps serving. */
static void test_http_bounded(void **state) {
  (void)state;
  int port = free_port();
  char cmd[8192];
  snprintf(cmd, sizeof cmd, "exec %s follow --listen 127.0.0.1:%d -", cli, port);
  child c = spawn(cmd);
  char *r = NULL;
  for (int i = 0; i < 50 && (r = http_get(port, "/healthz")) == NULL; i++) nap(0.05);
  assert_non_null(r);
  free(r);
  char big[6000];
  memset(big, 'A', sizeof big);
  memcpy(big, "GET /", 5);
  r = http_raw(port, big, sizeof big);
  assert_non_null(strstr(r, "400 Bad Request"));
  free(r);
  r = http_raw(port, "\r\n\r\n", 4);
  assert_non_null(strstr(r, "400 Bad Request"));
  free(r);
  r = http_raw(port, "POST /metrics HTTP/1.1\r\n\r\n", 26);
  assert_non_null(strstr(r, "405 Method Not Allowed"));
  free(r);
  r = http_raw(port, "HEAD /metrics HTTP/1.0\r\n\r\n", 26);
  assert_non_null(strstr(r, "200 OK"));
  assert_null(strstr(r, "# HELP")); /* no body for HEAD */
  free(r);
  /* 20 idle connections (a port scan, pre-opened pool sockets): the
   * server holds 16 and makes room for each newer one by closing the
   * oldest silent one, so /healthz is answered at once, not after the
   * idle ones' 5 s deadline (a liveness probe would fail meanwhile) */
  int idle[20];
  for (int i = 0; i < 20; i++) {
    idle[i] = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(idle[i], (struct sockaddr *)&a, sizeof a), 0);
  }
  nap(0.3); /* all 20 accepted */
  double t0 = mono();
  char *m = http_get(port, "/healthz");
  print_message("/healthz with 20 idle connections: %.3f s\n", mono() - t0);
  assert_non_null(m);
  assert_non_null(strstr(m, "200 OK"));
  assert_true(mono() - t0 < 1.0);
  free(m);
  /* a partial request is kept while silent ones are there to close: the
   * oldest silent connections went first */
  int partial = socket(AF_INET, SOCK_STREAM, 0);
  {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(partial, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(send(partial, "GET /hea", 8, MSG_NOSIGNAL), 8);
  }
  int newer[16]; /* 16 newer silent ones: they close the 15 older silent
                  * ones left and the first of themselves, not PARTIAL */
  for (int i = 0; i < 16; i++) {
    newer[i] = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(newer[i], (struct sockaddr *)&a, sizeof a), 0);
    nap(0.02);
  }
  nap(0.3);
  char one;
  struct pollfd pf = {idle[0], POLLIN, 0};
  assert_int_equal(poll(&pf, 1, 1000), 1);
  assert_int_equal(read(idle[0], &one, 1), 0); /* the oldest: closed */
  static const char rest[] = "lthz HTTP/1.0\r\n\r\n";
  assert_int_equal(send(partial, rest, sizeof rest - 1, MSG_NOSIGNAL),
                   (ssize_t)(sizeof rest - 1));
  char reply[512];
  ssize_t got = 0, r1;
  while ((r1 = read(partial, reply + got, sizeof reply - 1 - (size_t)got)) > 0) got += r1;
  reply[got > 0 ? got : 0] = '\0';
  assert_non_null(strstr(reply, "200 OK"));
  close(partial);
  for (int i = 0; i < 16; i++) close(newer[i]);
  for (int i = 0; i < 20; i++) close(idle[i]);
  close(c.in);
  assert_int_equal(reap(&c, 3.0), 0);
  close(c.out);
}

/* Start-up errors name the path and the reason, exit 2. */
static void test_startup_errors(void **state) {
  (void)state;
  char cmd[8192];
  int st;
  struct {
    const char *args, *want;
  } cases[] = {
      {"follow --prom-textfile /nonexistent/dir/x.prom -",
       "cannot write the textfile /nonexistent/dir/x.prom: No such file or directory"},
      {"follow --listen 127.0.0.1:notaport -", "--listen 127.0.0.1:notaport:"},
      {"follow --memory-limit 12XB -", "bad --memory-limit '12XB'"},
      {"follow --label 9x=1 -", "bad --label '9x=1'"},
      {"follow --label kind=1 -", "label 'kind' is used by gcpulse"},
      {"replay --metric rss=/nonexistent.csv /dev/null", "/nonexistent.csv: No such file or directory"},
      {"run --decisions /nonexistent/d.jsonl -- true",
       "cannot write --decisions /nonexistent/d.jsonl: No such file or directory"},
      {"run --prom-textfile /nonexistent/x.prom -- true", "/nonexistent/x.prom: No such file"},
      {"follow --from middle -", "--from takes start or end"},
      /* getaddrinfo would bind 99999 - 65536 = 34463 */
      {"follow --listen 127.0.0.1:99999 -",
       "--listen 127.0.0.1:99999: the port must be a number from 1 to 65535"},
      {"follow --listen :0 -", "--listen :0: the port must be a number from 1 to 65535"},
      {"follow --listen [::1]:+9464 -", "the port must be a number from 1 to 65535"},
      /* a PID that does not exist (a typo, another PID namespace) */
      {"follow --pid 999999999 -", "--pid 999999999: not running (/proc/999999999/stat)"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    snprintf(cmd, sizeof cmd, "%s %s </dev/null 2>&1", cli, cases[i].args);
    char *out = run(cmd, &st);
    if (st != 2 || strstr(out, cases[i].want) == NULL)
      fail_msg("'%s': status %d, output '%s', want '%s'", cases[i].args, st, out,
               cases[i].want);
    free(out);
  }
}

/* --memory-limit sizes reach the exposition in bytes. */
static void test_memory_limit_sizes(void **state) {
  (void)state;
  const char *sizes[] = {"512MiB", "2GiB", "1000000", "1.5G"};
  const double want[] = {536870912, 2147483648.0, 1000000, 1.5e9};
  char prom[512], cmd[8192];
  snprintf(prom, sizeof prom, "%s/limit.prom", tmpdir);
  for (int i = 0; i < 4; i++) {
    int st;
    snprintf(cmd, sizeof cmd,
             "%s replay --memory-limit %s --prom-textfile %s "
             "examples/data/go-demo.gctrace >/dev/null",
             cli, sizes[i], prom);
    char *out = run(cmd, &st);
    free(out);
    assert_int_equal(st, 0);
    assert_true(prom_value(prom, "gcpulse_memory_limit_bytes ") == want[i]);
  }
  /* the ratio is the trace's peak heap (goal 302 MB at gc 136) over 2 GiB */
  snprintf(cmd, sizeof cmd,
           "%s replay --memory-limit 2GiB --prom-textfile %s "
           "examples/data/go-demo.gctrace >/dev/null", cli, prom);
  int st;
  free(run(cmd, &st));
  double r = prom_value(prom, "gcpulse_heap_limit_ratio ");
  assert_true(fabs(r - 302.0 / 2048) < 1e-6);
}

/* replay --metric rss=FILE: samples fed on the trace's clock; bad rows are
 * named and counted. */
static void test_replay_metric_csv(void **state) {
  (void)state;
  char csv[512], cmd[8192];
  snprintf(csv, sizeof csv, "%s/rss.csv", tmpdir);
  FILE *f = fopen(csv, "w");
  fprintf(f, "t_seconds,rss_bytes\n");
  for (int t = 0; t <= 96; t += 2) fprintf(f, "%d,%d\n", t, 300000000 + t * 1000000);
  fprintf(f, "97,oops\n98,-5\n");
  fclose(f);
  int st;
  snprintf(cmd, sizeof cmd,
           "%s replay --metric rss=%s examples/data/go-demo.gctrace 2>%s/csv.err | tail -1",
           cli, csv, tmpdir);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  json_t *o = json_line(out, 0);
  assert_non_null(o);
  json_t *rss = json_object_get(json_object_get(o, "features"), "rss_bytes");
  assert_non_null(rss);
  assert_true(json_number_value(json_object_get(rss, "max")) == 396000000); /* t=96 */
  assert_true(fabs(json_number_value(json_object_get(rss, "slope")) - 1e6) < 1e-3);
  assert_true(json_integer_value(json_object_get(json_object_get(o, "stats"), "metrics")) == 49);
  json_decref(o);
  free(out);
  char p[600];
  snprintf(p, sizeof p, "%s/csv.err", tmpdir);
  size_t len;
  char *err = tu_read_file(p, &len);
  assert_non_null(strstr(err, "rss.csv:51: expected 't_seconds,value'"));
  assert_non_null(strstr(err, "rss.csv:52: expected"));
  assert_non_null(strstr(err, "49 samples fed, 2 bad rows skipped"));
  free(err);
}

/* run as a wrapper around a real Go program: stdout untouched, --quiet-gc
 * drops exactly the GC lines, decisions in their own file, exit status
 * the child's; the child dies with a kill -9'd wrapper. */
static void test_run_wrapper_go(void **state) {
  (void)state;
  const char *gop = getenv("GCPULSE_TEST_GO");
  char bin[512], cmd[8192];
  snprintf(bin, sizeof bin, "%s/gop", tmpdir);
  snprintf(cmd, sizeof cmd,
           "mkdir -p %s/gop.src && cd %s/gop.src && printf '%%s\\n' 'package main' "
           "'import (\"fmt\"; \"os\"; \"time\")' 'var keep [][]byte' "
           "'func main() { for i := 0; i < 30; i++ { for j := 0; j < 200; j++ { b := make([]byte, 65536); "
           "if j%%50 == 0 { keep = append(keep, b) } }; if i%%10 == 0 { fmt.Println(\"out\", i); "
           "fmt.Fprintln(os.Stderr, \"err\", i) }; time.Sleep(20 * time.Millisecond) }; os.Exit(4) }' "
           "> main.go && printf 'module gop\\ngo 1.19\\n' > go.mod && %s build -o %s . 2>&1",
           tmpdir, tmpdir, gop ? gop : "go", bin);
  int st;
  char *out = run(cmd, &st);
  if (st != 0) {
    print_message("go build failed: %s\n", out);
    free(out);
    skip();
  }
  free(out);
  snprintf(cmd, sizeof cmd,
           "%s run --quiet-gc --decisions %s/run.jsonl -- %s 2>%s/run2.err", cli, tmpdir,
           bin, tmpdir);
  out = run(cmd, &st);
  assert_int_equal(st, 4);
  assert_string_equal(out, "out 0\nout 10\nout 20\n");
  free(out);
  char p[600];
  size_t len;
  snprintf(p, sizeof p, "%s/run2.err", tmpdir);
  char *err = tu_read_file(p, &len);
  /* every line of the program's own, no whole gc line (the Go runtime
   * writes a gctrace line in pieces: a program line written meanwhile is
   * glued to one, and then both pass, so nothing of the program's is lost) */
  assert_non_null(strstr(err, "err 0\n"));
  assert_non_null(strstr(err, "err 10\n"));
  assert_non_null(strstr(err, "err 20\n"));
  int whole_gc = 0;
  for (char *l = err; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
    if (strncmp(l, "gc ", 3) == 0 && strstr(l, " P\n") && strstr(l, " P\n") < strchr(l, '\n') + 1 &&
        !strstr(l, "err ")) whole_gc++;
  assert_int_equal(whole_gc, 0);
  free(err);
  snprintf(p, sizeof p, "%s/run.jsonl", tmpdir);
  char *dec = tu_read_file(p, &len);
  assert_non_null(strstr(dec, "\"state\":\"lost\""));
  assert_non_null(strstr(dec, "\"reason\":\"process exited\""));
  json_t *o = json_line(dec, count_lines(dec, NULL) - 2); /* then the lost line */
  assert_non_null(o);
  assert_true(json_integer_value(json_object_get(json_object_get(o, "stats"), "events_go")) >= 5);
  assert_non_null(json_object_get(json_object_get(o, "features"), "heap_live_bytes"));
  json_decref(o);
  free(dec);
  /* without --quiet-gc the GC lines pass through */
  snprintf(cmd, sizeof cmd, "%s run --decisions /dev/null -- %s 2>&1 >/dev/null | grep -c '^gc '",
           cli, bin);
  out = run(cmd, &st);
  assert_true(atoi(out) >= 5);
  free(out);
  /* kill -9 the wrapper: the child goes too (PR_SET_PDEATHSIG) */
  snprintf(cmd, sizeof cmd,
           "%s run --decisions /dev/null -- sleep 30 & w=$!; sleep 0.5; "
           "c=$(cat /proc/$w/task/$w/children); kill -9 $w; sleep 0.3; "
           "s=$(ps -o stat= -p $c); case \"$s\" in ''|Z*) echo gone;; "
           "*) echo alive; kill $c;; esac",
           cli);
  out = run(cmd, &st);
  assert_string_equal(out, "gone\n");
  free(out);
}

/* probe: RSS and the cgroup limit (v2 and v1) from fake /proc and cgroup
 * trees laid out as the kernel does. */
static void test_probe_cgroups(void **state) {
  (void)state;
  char cmd[8192];
  int st;
  snprintf(cmd, sizeof cmd,
           "cd %s && mkdir -p p2/42 p1/43 cg2/kubepods/pod1/ctr cg1/memory/kubepods/pod1/ctr && "
           "echo '42 (java) S 1' > p2/42/stat && echo '10000 2560 0' > p2/42/statm && "
           "echo '0::/kubepods/pod1/ctr' > p2/42/cgroup && "
           "echo max > cg2/kubepods/pod1/ctr/memory.max && "
           "echo 1073741824 > cg2/kubepods/pod1/memory.max && "
           "echo 2147483648 > cg2/kubepods/memory.max && "
           "echo '43 (app) R 1' > p1/43/stat && echo '10 20 0' > p1/43/statm && "
           "printf '5:cpu,cpuacct:/x\\n4:memory:/kubepods/pod1/ctr\\n0::/\\n' > p1/43/cgroup && "
           "echo 536870912 > cg1/memory/kubepods/pod1/ctr/memory.limit_in_bytes && "
           "echo 9223372036854771712 > cg1/memory/kubepods/memory.limit_in_bytes",
           tmpdir);
  assert_int_equal(system(cmd), 0);
  long page = sysconf(_SC_PAGESIZE);
  snprintf(cmd, sizeof cmd,
           "GCPULSE_PROC_ROOT=%s/p2 GCPULSE_CGROUP_ROOT=%s/cg2 %s probe --pid 42", tmpdir,
           tmpdir, cli);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  json_t *o = json_line(out, 0);
  assert_non_null(o);
  assert_true(num(o, "rss_bytes") == 2560.0 * page);
  assert_true(num(o, "memory_limit_bytes") == 1073741824.0);
  assert_non_null(strstr(json_string_value(json_object_get(o, "limit_file")),
                         "cg2/kubepods/pod1/memory.max"));
  json_decref(o);
  free(out);
  snprintf(cmd, sizeof cmd,
           "GCPULSE_PROC_ROOT=%s/p1 GCPULSE_CGROUP_ROOT=%s/cg1 %s probe --pid 43", tmpdir,
           tmpdir, cli);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  o = json_line(out, 0);
  assert_true(num(o, "memory_limit_bytes") == 536870912.0);
  assert_true(num(o, "rss_bytes") == 20.0 * page);
  json_decref(o);
  free(out);
  /* follow --pid feeds both every second: the limit reaches the exposition
   * and the heap/limit ratio (the trace's peak, goal 302 MB at gc 136) */
  char prom[600];
  snprintf(prom, sizeof prom, "%s/cg.prom", tmpdir);
  snprintf(cmd, sizeof cmd,
           "exec env GCPULSE_PROC_ROOT=%s/p2 GCPULSE_CGROUP_ROOT=%s/cg2 %s follow --pid 42 "
           "--prom-textfile %s -",
           tmpdir, tmpdir, cli, prom);
  child c = spawn(cmd);
  char *trace = demo_trace();
  write_lines(c.in, trace, 1, 281);
  free(trace);
  assert_true(prom_wait(prom, "gcpulse_memory_limit_bytes ", 1073741824.0));
  assert_true(prom_wait(prom, "gcpulse_rss_bytes ", 2560.0 * page));
  assert_true(fabs(prom_value(prom, "gcpulse_heap_limit_ratio ") - 302.0 / 1024) < 1e-6);
  close(c.in);
  assert_int_equal(reap(&c, 3.0), 0);
  close(c.out);
  /* a zombie is not alive */
  snprintf(cmd, sizeof cmd,
           "echo '42 (java) Z 1' > %s/p2/42/stat && GCPULSE_PROC_ROOT=%s/p2 %s probe "
           "--pid 42 2>&1",
           tmpdir, tmpdir, cli);
  out = run(cmd, &st);
  assert_int_equal(st, 1);
  assert_non_null(strstr(out, "process 42: not running"));
  free(out);
  /* the real thing: this process */
  snprintf(cmd, sizeof cmd, "%s probe --pid %d", cli, (int)getpid());
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  o = json_line(out, 0);
  assert_true(num(o, "rss_bytes") > 0);
  json_decref(o);
  free(out);
}

/* docs/sidecar.md's metric table names exactly the families exposed. */
static void test_metric_table_matches(void **state) {
  (void)state;
  char prom[512], cmd[8192];
  snprintf(prom, sizeof prom, "%s/doc.prom", tmpdir);
  int st;
  snprintf(cmd, sizeof cmd,
           "%s replay --memory-limit 300MiB --prom-textfile %s examples/data/go-demo.gctrace"
           " >/dev/null", cli, prom);
  free(run(cmd, &st));
  assert_int_equal(st, 0);
  size_t len;
  char *text = tu_read_file(prom, &len), *doc = tu_read_file("docs/sidecar.md", &len);
  assert_non_null(text);
  assert_non_null(doc);
  int families = 0;
  for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, "# TYPE ", 7) != 0) continue;
    char name[128], type[32], row[200];
    assert_int_equal(sscanf(l, "# TYPE %127s %31s", name, type), 2);
    snprintf(row, sizeof row, "| `%s` | %s |", name, type);
    if (strstr(doc, row) == NULL) fail_msg("docs/sidecar.md lacks the row '%s'", row);
    families++;
  }
  /* and every row of the table is a family */
  int rows = 0;
  for (char *l = doc; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
    if (strncmp(l, "| `gcpulse_", 11) == 0) {
      char name[128];
      assert_int_equal(sscanf(l, "| `%127[^`]`", name), 1);
      char type[200];
      snprintf(type, sizeof type, "# TYPE %s ", name);
      if (strstr(text, type) == NULL) fail_msg("table row %s is not exposed", name);
      rows++;
    }
  assert_int_equal(rows, families);
  free(text);
  free(doc);
}

/* plot: a PNG of the demo trace (skipped without gnuplot). */
static void test_plot_png(void **state) {
  (void)state;
  if (system("command -v gnuplot >/dev/null 2>&1") != 0) skip();
  char png[512], cmd[8192];
  snprintf(png, sizeof png, "%s/demo.png", tmpdir);
  int st;
  snprintf(cmd, sizeof cmd,
           "%s plot --memory-limit 300MiB examples/data/go-demo.gctrace -o %s 2>&1", cli, png);
  char *out = run(cmd, &st);
  assert_int_equal(st, 0);
  free(out);
  size_t len;
  char *img = tu_read_file(png, &len);
  assert_non_null(img);
  assert_true(len > 10000);
  assert_memory_equal(img, "\x89PNG\r\n\x1a\n", 8);
  free(img);
  snprintf(cmd, sizeof cmd, "%s plot /dev/null -o %s 2>&1", cli, png);
  out = run(cmd, &st);
  assert_int_equal(st, 1);
  assert_non_null(strstr(out, "no GC event to plot"));
  free(out);
  /* 20 GCs in 2 s, shorter than the controller's 10 s period: no GOGC
   * decision, an empty GOGC panel that says so (gnuplot refuses to
   * autoscale an empty plot) */
  char shortlog[512], shortpng[512];
  snprintf(shortlog, sizeof shortlog, "%s/short.gctrace", tmpdir);
  snprintf(shortpng, sizeof shortpng, "%s/short.png", tmpdir);
  snprintf(cmd, sizeof cmd, "head -40 examples/data/go-demo.gctrace > %s", shortlog);
  assert_int_equal(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "%s plot %s -o %s 2>&1", cli, shortlog, shortpng);
  out = run(cmd, &st);
  if (st != 0) fail_msg("plot of a 2 s trace: status %d: %s", st, out);
  free(out);
  img = tu_read_file(shortpng, &len);
  assert_non_null(img);
  assert_memory_equal(img, "\x89PNG\r\n\x1a\n", 8);
  free(img);
  /* gnuplot that runs and fails is not "not installed"; one that is not
   * on PATH is */
  char bin[512];
  snprintf(bin, sizeof bin, "%s/fakebin", tmpdir);
  snprintf(cmd, sizeof cmd,
           "mkdir -p %s && printf '#!/bin/sh\\necho bad script >&2\\nexit 3\\n' > %s/gnuplot"
           " && chmod +x %s/gnuplot", bin, bin, bin);
  assert_int_equal(system(cmd), 0);
  snprintf(cmd, sizeof cmd, "PATH=%s:/bin:/usr/bin %s plot %s -o %s 2>&1", bin, cli, shortlog,
           shortpng);
  out = run(cmd, &st);
  assert_int_equal(st, 1);
  assert_non_null(strstr(out, "gnuplot failed (exit status 3)"));
  assert_null(strstr(out, "installed"));
  free(out);
  snprintf(cmd, sizeof cmd, "PATH=/nonexistent %s plot %s -o %s 2>&1", cli, shortlog, shortpng);
  out = run(cmd, &st);
  assert_int_equal(st, 1);
  assert_non_null(strstr(out, "cannot run gnuplot; is it installed?"));
  free(out);
  /* a JDK 17 log with -Xlog decorators 'none': drawn, with a warning */
  snprintf(cmd, sizeof cmd, "%s plot tests/data/jvm/jdk17-parallel-none.log -o %s 2>&1", cli,
           shortpng);
  out = run(cmd, &st);
  assert_int_equal(st, 0);
  assert_non_null(strstr(out, "the GC lines carry no time stamps; every GC is drawn at t = 0"));
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
      cmocka_unit_test(test_files_mixed_runtimes),
      cmocka_unit_test(test_replay_text_summary),
#ifndef GCPULSE_NO_JSON
      cmocka_unit_test(test_replay_demo),
      cmocka_unit_test(test_replay_suppressed),
      cmocka_unit_test(test_config_errors),
#endif
      cmocka_unit_test(test_follow_truncate_rotate),
      cmocka_unit_test(test_run_env_and_status),
      cmocka_unit_test(test_follow_pipe_streams),
      cmocka_unit_test(test_follow_history_silent),
      cmocka_unit_test(test_follow_history_bounded),
      cmocka_unit_test(test_follow_waits_and_sigterm),
      cmocka_unit_test(test_listen_and_liveness),
      cmocka_unit_test(test_follow_idle_exit),
      cmocka_unit_test(test_follow_live_metric),
      cmocka_unit_test(test_follow_pid),
      cmocka_unit_test(test_http_bounded),
      cmocka_unit_test(test_startup_errors),
      cmocka_unit_test(test_memory_limit_sizes),
      cmocka_unit_test(test_replay_metric_csv),
      cmocka_unit_test(test_run_wrapper_go),
      cmocka_unit_test(test_probe_cgroups),
      cmocka_unit_test(test_metric_table_matches),
      cmocka_unit_test(test_plot_png),
  };
  int rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  if (system(cmd) != 0) rc = rc ? rc : 1;
  return rc;
}

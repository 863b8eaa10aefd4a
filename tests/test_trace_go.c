/* test_trace_go.c — the Go gctrace / scavtrace parser (lib/trace_go.c).
 *
 * Expected values come from the committed fixtures in tests/data/go/:
 * recordings made with Go 1.19 / 1.23 (make.sh) and lines written from
 * the runtime's print statements in trace-formats.md §1 (lines.txt,
 * go14-scvg.txt, grammars.txt, go15-go14.txt).  A few more lines are
 * built inline the same way and marked "constructed".  Prefixed,
 * truncated and interleaved variants are fixture lines with the prefix /
 * cut / junk applied in the test.  test_corpus_all (make conformance)
 * runs the same line-by-line check over the shared corpus in place. */
#include "util.h"

#include "trace_go.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (UINT64_C(1) << 20)
#define KiB (UINT64_C(1) << 10)
#define HAS(ev, f) (((ev)->known & GCPULSE_BIT(GCPULSE_FIELD_##f)) != 0)
/* Values are correctly rounded decimals: compare exactly. */
#define assert_ms(a, b)                                                       \
  do {                                                                        \
    double a_ = (a), b_ = (b);                                                \
    if (a_ != b_) fail_msg("%s = %.17g, expected %.17g", #a, a_, b_);         \
  } while (0)

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

/* Line N (1-based) of BUF, without its newline; NULL past the end. */
static const char *nth_line(const char *buf, size_t len, int n, size_t *out) {
  const char *p = buf, *end = buf + len;
  for (int i = 1; p < end; i++) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    if (i == n) {
      *out = (size_t)(e - p);
      return p;
    }
    if (!nl) break;
    p = nl + 1;
  }
  return NULL;
}

static char *corpus_line(const char *rel, int n, char *dst, size_t cap) {
  const char *path = tu_corpus(rel);
  if (path == NULL) return NULL;
  size_t len, ll = 0;
  char *buf = tu_read_file(path, &len);
  assert_non_null(buf);
  const char *l = nth_line(buf, len, n, &ll);
  assert_non_null(l);
  assert_true(ll < cap);
  memcpy(dst, l, ll);
  dst[ll] = '\0';
  free(buf);
  return dst;
}
#define LINE_OR_SKIP(var, rel, n)                                             \
  char var##_buf[4096];                                                       \
  const char *var = corpus_line(rel, n, var##_buf, sizeof var##_buf);         \
  if (var == NULL) {                                                          \
    print_message("corpus file %s not found: skipped\n", rel);                \
    skip();                                                                   \
  }

static gcpulse_t *new_go(gcpulse_callbacks_t *cb, int format) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->format = format;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, cb, &g), 0);
  free(cfg);
  return g;
}

/* Parse the given lines (in order) through the public API. */
static void parse_lines(tu_sink *s, const char *const *lines, int n,
                        gcpulse_stats_t *st) {
  gcpulse_callbacks_t cb;
  tu_sink_init(s, &cb);
  gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_GO);
  for (int i = 0; i < n; i++)
    assert_int_equal(gcpulse_feed_line(g, lines[i], strlen(lines[i])), 0);
  assert_int_equal(gcpulse_finish(g), 0);
  if (st) gcpulse_stats(g, st);
  gcpulse_free(g);
}

/* One line -> exactly one event (copied to *EV). */
static void one_event(const char *line, gcpulse_event_t *ev) {
  tu_sink s;
  gcpulse_stats_t st;
  parse_lines(&s, &line, 1, &st);
  if (s.n_ev != 1) fail_msg("%zu events from: %s", s.n_ev, line);
  assert_int_equal(s.n_diag, 0);
  *ev = s.ev[0];
  tu_sink_free(&s);
}

/* Direct parser call with a recording sink. */
typedef struct rec {
  int n_ev, n_diag, reason;
  size_t column;
  gcpulse_event_t ev;
} rec;
static int rec_event(void *ctx, const gcpulse_event_t *ev) {
  rec *r = ctx;
  r->n_ev++;
  r->ev = *ev;
  return 0;
}
static int rec_diag(void *ctx, int reason, size_t column, const char *what) {
  rec *r = ctx;
  (void)what;
  r->n_diag++;
  r->reason = reason;
  r->column = column;
  return 0;
}
static int direct(gcpulse__go *p, const char *line, rec *r, int *skip) {
  memset(r, 0, sizeof *r);
  gcpulse__sink k = {rec_event, rec_diag, r};
  *skip = GCPULSE_REASON_NONE;
  return gcpulse__go_line(p, line, strlen(line), &k, skip);
}

/* ---------------------------------------------------------------------
 * Grammars with exact values
 * --------------------------------------------------------------------- */

/* The clock and CPU phases of a cycle (ms): PAUSE (sum of the STW
 * phases), CONCURRENT (mark), total GC CPU, and its assist, background
 * and idle parts. */
static void assert_phases(const gcpulse_event_t *ev, double pause,
                          double concurrent, double gc_cpu, double assist,
                          double background, double idle) {
  assert_ms(ev->pause_ms, pause);
  assert_ms(ev->concurrent_ms, concurrent);
  assert_ms(ev->gc_cpu_ms, gc_cpu);
  assert_ms(ev->cpu_assist_ms, assist);
  assert_ms(ev->cpu_background_ms, background);
  assert_ms(ev->cpu_idle_ms, idle);
}

static void test_modern_118(void **state) {
  (void)state;
  /* Go 1.18+ with stacks/globals (written from the format) */
  LINE_OR_SKIP(l, "tests/data/go/lines.txt", 1);
  assert_string_equal(l, "gc 1 @0.024s 3%: 0.12+1.6+0.052 ms clock, "
                         "0.96+0.40/2.1/1.2+0.41 ms cpu, 4->5->2 MB, 5 MB goal, "
                         "0 MB stacks, 0 MB globals, 8 P");
  gcpulse_event_t ev;
  one_event(l, &ev);
  assert_int_equal(ev.runtime, GCPULSE_RT_GO);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_GO);
  assert_int_equal(ev.kind, GCPULSE_KIND_GO_CYCLE);
  assert_int_equal(ev.flags, 0);
  assert_int_equal(ev.seq, 1);
  assert_ms(ev.t, 0.024);
  assert_phases(&ev, 0.172, 1.6, 5.07, 0.4, 2.1, 1.2);
  assert_int_equal(ev.heap_before, 4 * MiB);
  assert_int_equal(ev.heap_after, 5 * MiB);
  assert_int_equal(ev.heap_live, 2 * MiB);
  assert_int_equal(ev.heap_goal, 5 * MiB);
  assert_int_equal(ev.stacks, 0);
  assert_int_equal(ev.globals, 0);
  assert_int_equal(ev.procs, 8);
  assert_int_equal(ev.gc_cpu_pct_total, 3);
  uint64_t want = 0;
  static const int fields[] = {
      GCPULSE_FIELD_SEQ, GCPULSE_FIELD_T, GCPULSE_FIELD_PAUSE_MS,
      GCPULSE_FIELD_CONCURRENT_MS, GCPULSE_FIELD_GC_CPU_MS,
      GCPULSE_FIELD_CPU_ASSIST_MS, GCPULSE_FIELD_CPU_BACKGROUND_MS,
      GCPULSE_FIELD_CPU_IDLE_MS, GCPULSE_FIELD_HEAP_BEFORE,
      GCPULSE_FIELD_HEAP_AFTER, GCPULSE_FIELD_HEAP_LIVE,
      GCPULSE_FIELD_HEAP_GOAL, GCPULSE_FIELD_STACKS, GCPULSE_FIELD_GLOBALS,
      GCPULSE_FIELD_PROCS, GCPULSE_FIELD_GC_CPU_PCT_TOTAL};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    want |= GCPULSE_BIT(fields[i]);
  assert_int_equal(ev.known, want);

  /* GB-scale heap, 3-digit ms phases */
  LINE_OR_SKIP(l11, "tests/data/go/lines.txt", 2);
  one_event(l11, &ev);
  assert_int_equal(ev.seq, 12);
  assert_ms(ev.t, 0.912);
  assert_ms(ev.pause_ms, 0.05);
  assert_ms(ev.concurrent_ms, 487);
  assert_int_equal(ev.heap_before, 1802 * MiB);
  assert_int_equal(ev.heap_live, 1544 * MiB);
  assert_int_equal(ev.stacks, 1 * MiB);
}

static void test_modern_119_stacks(void **state) {
  (void)state;
  /* Go 1.19 recorded (tests/data/go/make.sh): time @0.000s, zero
   * background and idle CPU ("/0/0") */
  LINE_OR_SKIP(l, "tests/data/go/go1.19-gogc50-2p.log", 2);
  assert_string_equal(l, "gc 2 @0.001s 11%: 0.045+0.15+0.001 ms clock, "
                         "0.091+0.096/0/0+0.002 ms cpu, 2->3->3 MB, 3 MB goal, "
                         "0 MB stacks, 0 MB globals, 2 P");
  gcpulse_event_t ev;
  one_event(l, &ev);
  assert_int_equal(ev.seq, 2);
  assert_ms(ev.t, 0.001);
  assert_true(HAS(&ev, T));
  assert_phases(&ev, 0.046, 0.15, 0.189, 0.096, 0, 0);
  assert_int_equal(ev.gc_cpu_pct_total, 11);
  assert_int_equal(ev.procs, 2);
  assert_int_equal(ev.heap_goal, 3 * MiB);
  /* gc 1 @0.000s: a zero time is still a time */
  LINE_OR_SKIP(l1, "tests/data/go/go1.19-gogc50-2p.log", 1);
  one_event(l1, &ev);
  assert_ms(ev.t, 0.0);
  assert_true(HAS(&ev, T));
}

static void test_modern_16(void **state) {
  (void)state;
  /* Go 1.6+ without stacks/globals: 6 GB heap, 5-digit CPU ms */
  LINE_OR_SKIP(l, "tests/data/go/lines.txt", 3);
  assert_string_equal(l, "gc 842 @81234.567s 2%: 0.13+2301+0.81 ms clock, "
                         "1.0+9512/4480/3310+6.4 ms cpu, 6412->6433->3310 MB, "
                         "6580 MB goal, 8 P");
  gcpulse_event_t ev;
  one_event(l, &ev);
  assert_int_equal(ev.seq, 842);
  assert_ms(ev.t, 81234.567);
  assert_int_equal(ev.gc_cpu_pct_total, 2);
  assert_phases(&ev, 0.94, 2301, 17309.4, 9512, 4480, 3310);
  assert_int_equal(ev.heap_before, 6412 * MiB);
  assert_int_equal(ev.heap_after, 6433 * MiB);
  assert_int_equal(ev.heap_live, 3310 * MiB);
  assert_int_equal(ev.heap_goal, 6580 * MiB);
  assert_int_equal(ev.procs, 8);
  assert_false(HAS(&ev, STACKS));
  assert_false(HAS(&ev, GLOBALS));
  assert_true(HAS(&ev, HEAP_LIVE));
  assert_int_equal(ev.flags, 0);
}

static void test_go15(void **state) {
  (void)state;
  LINE_OR_SKIP(l, "tests/data/go/lines.txt", 4);
  assert_string_equal(l, "gc 1 @0.172s 0%: 0.24+2.5+0.081+0.70+0.52 ms clock, "
                         "0.48+2.5+0+0.60/0.61/0+1.0 ms cpu, 5->5->1 MB, "
                         "4 MB goal, 4 P");
  gcpulse_event_t ev;
  one_event(l, &ev);
  assert_int_equal(ev.seq, 1);
  assert_ms(ev.t, 0.172);
  /* pause 0.24 + 0.081 + 0.52, concurrent 2.5 + 0.70 */
  assert_phases(&ev, 0.841, 3.2, 5.19, 0.6, 0.61, 0);
  assert_int_equal(ev.heap_before, 5 * MiB);
  assert_int_equal(ev.heap_after, 5 * MiB);
  assert_int_equal(ev.heap_live, 1 * MiB);
  assert_int_equal(ev.heap_goal, 4 * MiB);
  assert_int_equal(ev.procs, 4);
  assert_false(HAS(&ev, STACKS));

  /* a 1.5 line with a 2-digit scan phase */
  LINE_OR_SKIP(l2, "tests/data/go/lines.txt", 5);
  one_event(l2, &ev);
  assert_int_equal(ev.seq, 91);
  assert_ms(ev.pause_ms, 1.51);  /* 0.050 + 1.1 + 0.36 */
  assert_ms(ev.concurrent_ms, 23.2); /* 17 + 6.2 */
  assert_ms(ev.gc_cpu_ms, 33.7);
  assert_int_equal(ev.gc_cpu_pct_total, 8);
}

static void test_old_grammars(void **state) {
  (void)state;
  /* Go 1.4 (goroutines field) preceded by "GC forced", scvg pairs, a
   * foreign and a blank line (tests/data/go/go14-scvg.txt, written from
   * the format) */
  const char *path = "tests/data/go/go14-scvg.txt";
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_GO, &s, &st), 0);
  assert_int_equal(s.n_ev, 11); /* 5 gc + 6 scvg */
  const gcpulse_event_t *ev = &s.ev[0];
  assert_int_equal(ev->kind, GCPULSE_KIND_GO_CYCLE);
  assert_int_equal(ev->seq, 15);
  assert_ms(ev->pause_ms, 19.823); /* 5012+61+14500+250 us */
  assert_int_equal(ev->heap_before, 41 * MiB);
  assert_int_equal(ev->heap_after, 43 * MiB);
  assert_int_equal(ev->procs, 8);
  assert_false(HAS(ev, T)); /* no time on pre-1.5 lines */
  assert_false(HAS(ev, HEAP_LIVE));
  assert_false(HAS(ev, CONCURRENT_MS));
  assert_ms(ev->t, 0.0);
  assert_int_equal(ev->flags,
                   GCPULSE_EV_FORCED_PERIODIC | GCPULSE_EV_SUSPECT_TIME);
  assert_int_equal(st.by_reason[GCPULSE_REASON_GO_INFO], 6);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 1);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BLANK], 1);
  assert_int_equal(st.events_go, 11);
  assert_int_equal(st.scavenges, 6);
  /* gc19 is the last cycle; the trailing "GC forced" stays pending */
  assert_int_equal(s.ev[10].seq, 19);
  assert_ms(s.ev[10].pause_ms, 18.588); /* 4700+52+13600+236 us */
  assert_int_equal(s.ev[9].kind, GCPULSE_KIND_SCAVENGE); /* scvg4: inuse */
  assert_int_equal(s.ev[9].seq, 4);
  assert_int_equal(s.ev[9].retained, 114 * MiB);
  tu_sink_free(&s);

  /* Go 1.3 (no goroutines field) */
  LINE_OR_SKIP(l, "tests/data/go/lines.txt", 6);
  gcpulse_event_t e;
  one_event(l, &e);
  assert_int_equal(e.seq, 77);
  assert_int_equal(e.procs, 1);
  assert_ms(e.pause_ms, 1.406); /* 2+1+1400+3 us */
  assert_int_equal(e.heap_before, 2 * MiB);
  assert_int_equal(e.heap_after, 4 * MiB);
  assert_int_equal(e.flags, GCPULSE_EV_SUSPECT_TIME);
}

static void test_forced(void **state) {
  (void)state;
  /* recorded Go 1.19 runtime.GC() */
  LINE_OR_SKIP(l, "tests/data/go/go1.19-gogc50-2p.log", 44);
  gcpulse_event_t ev;
  one_event(l, &ev);
  assert_int_equal(ev.seq, 44);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  assert_int_equal(ev.heap_live, 17 * MiB);
  /* forced with a 1.5 GB heap */
  LINE_OR_SKIP(m, "tests/data/go/lines.txt", 7);
  one_event(m, &ev);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  assert_int_equal(ev.gc_cpu_pct_total, 17);
  assert_int_equal(ev.heap_before, 1530 * MiB);
  assert_int_equal(ev.heap_live, 1529 * MiB);
  assert_ms(ev.gc_cpu_ms, 1940.472); /* 0.33+0.12+490+1450+0.022 */
  /* Go 1.13-style forced line, everything freed: a zero live heap */
  LINE_OR_SKIP(c, "tests/data/go/lines.txt", 8);
  one_event(c, &ev);
  assert_int_equal(ev.seq, 12);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  assert_int_equal(ev.heap_before, 1010 * MiB);
  assert_int_equal(ev.heap_goal, 1790 * MiB);
  assert_int_equal(ev.heap_live, 0);
  assert_true(HAS(&ev, HEAP_LIVE));
}

static void test_scavengers(void **state) {
  (void)state;
  gcpulse_event_t ev;
  /* Go <= 1.12 pair */
  LINE_OR_SKIP(r, "tests/data/go/lines.txt", 9);
  assert_string_equal(r, "scvg3: 17 MB released");
  one_event(r, &ev);
  assert_int_equal(ev.kind, GCPULSE_KIND_SCAVENGE);
  assert_int_equal(ev.runtime, GCPULSE_RT_GO);
  assert_int_equal(ev.seq, 3);
  assert_int_equal(ev.released, 17 * MiB);
  assert_int_equal(ev.known,
                   GCPULSE_BIT(GCPULSE_FIELD_SEQ) |
                       GCPULSE_BIT(GCPULSE_FIELD_RELEASED));
  LINE_OR_SKIP(u, "tests/data/go/lines.txt", 10);
  one_event(u, &ev);
  assert_int_equal(ev.seq, 3);
  assert_int_equal(ev.retained, 133 * MiB); /* consumed = sys - released */
  assert_int_equal(ev.known, GCPULSE_BIT(GCPULSE_FIELD_SEQ) |
                                 GCPULSE_BIT(GCPULSE_FIELD_RETAINED));
  LINE_OR_SKIP(z, "tests/data/go/lines.txt", 11);
  one_event(z, &ev);
  assert_int_equal(ev.seq, 1);
  assert_int_equal(ev.released, 0);
  assert_true(HAS(&ev, RELEASED));
  /* Go 1.13: background and forced */
  LINE_OR_SKIP(b, "tests/data/go/lines.txt", 12);
  assert_string_equal(b, "scvg: 2 MB released");
  one_event(b, &ev);
  assert_false(HAS(&ev, SEQ));
  assert_int_equal(ev.released, 2 * MiB);
  assert_int_equal(ev.flags, 0);
  LINE_OR_SKIP(f, "tests/data/go/lines.txt", 13);
  one_event(f, &ev);
  assert_int_equal(ev.released, 980 * MiB);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  LINE_OR_SKIP(fi, "tests/data/go/lines.txt", 14);
  one_event(fi, &ev);
  assert_int_equal(ev.retained, 0);
  assert_true(HAS(&ev, RETAINED));
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  /* Go 1.19 scavtrace */
  LINE_OR_SKIP(s19, "tests/data/go/go1.19-scavtrace-2p.log", 1);
  assert_string_equal(s19, "scav 0 KiB work, 1464 KiB total, 100% util");
  one_event(s19, &ev);
  assert_int_equal(ev.kind, GCPULSE_KIND_SCAVENGE);
  assert_int_equal(ev.released, 0);
  assert_int_equal(ev.known, GCPULSE_BIT(GCPULSE_FIELD_RELEASED));
  /* Go 1.26 bg/eager, forced */
  LINE_OR_SKIP(s26, "tests/data/go/lines.txt", 15);
  assert_string_equal(s26, "scav 0 KiB work (bg), 190464 KiB work (eager), "
                           "212480 KiB now, 8% util (forced)");
  one_event(s26, &ev);
  assert_int_equal(ev.released, 190464 * KiB);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);

  /* constructed from the runtime's print statements (no real sample) */
  one_event("scvg-1: 12 MB released", &ev); /* debug.FreeOSMemory, <=1.12 */
  assert_int_equal(ev.released, 12 * MiB);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  assert_false(HAS(&ev, SEQ));
  one_event("scav 3 1024 KiB work, 2048 KiB total, 98% util", &ev); /* 1.15 */
  assert_int_equal(ev.seq, 3);
  assert_int_equal(ev.released, 1024 * KiB);
  one_event("scav 7 0 KiB work, 2048 KiB total, 98% util [controller reset]",
            &ev); /* 1.18 */
  assert_int_equal(ev.seq, 7);
  assert_int_equal(ev.flags, 0);
  one_event("scav 64 KiB work, 2048 KiB total, 98% util (forced)", &ev);
  assert_int_equal(ev.released, 64 * KiB);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  one_event("scvg: 512 KB released", &ev); /* 1.14 betas */
  assert_int_equal(ev.released, 512 * KiB);
}

static void test_scavenge_time_borrowed(void **state) {
  (void)state;
  const char *path = "tests/data/go/go1.19-scavtrace-2p.log";
  tu_sink s;
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_GO, &s, NULL), 0);
  /* line 21 gc 10 @0.039s, then its scav line (6848 KiB work) */
  size_t i = 0;
  while (i < s.n_ev && !(s.ev[i].kind == GCPULSE_KIND_GO_CYCLE && s.ev[i].seq == 10)) i++;
  assert_true(i + 1 < s.n_ev);
  assert_ms(s.ev[i].t, 0.039);
  assert_int_equal(s.ev[i + 1].kind, GCPULSE_KIND_SCAVENGE);
  assert_int_equal(s.ev[i + 1].released, 6848 * KiB);
  assert_ms(s.ev[i + 1].t, 0.039);
  assert_false(HAS(&s.ev[i + 1], T));
  tu_sink_free(&s);
}

/* ---------------------------------------------------------------------
 * Envelope: prefixes, whitespace, foreign lines, JVM lines
 * --------------------------------------------------------------------- */

static int same_event(const gcpulse_event_t *a, const gcpulse_event_t *b) {
  char ja[1024], jb[1024];
  gcpulse_event_to_json(a, ja, sizeof ja);
  gcpulse_event_to_json(b, jb, sizeof jb);
  if (strcmp(ja, jb) != 0) {
    print_message("%s\n%s\n", ja, jb);
    return 0;
  }
  return a->known == b->known && a->flags == b->flags && a->t == b->t;
}

static void test_prefixes_and_whitespace(void **state) {
  (void)state;
  LINE_OR_SKIP(l, "tests/data/go/lines.txt", 7);
  gcpulse_event_t base, ev;
  one_event(l, &base);
  static const char *const pre[] = {
      "Sep 01 18:07:11 host etcd-wrapper[15450]: ", /* journald */
      "Feb 26 12:52:23.767 ",                        /* log shipper */
      "2024-01-01T00:00:00.123456789Z stderr F ",    /* k8s CRI */
      "<30>1 2024-01-01T00:00:00Z host app 1 - - ",  /* syslog */
      "\t  ",                                        /* quoted */
  };
  static const char *const post[] = {"", "   ", "\r", " \t\r"};
  char buf[1024];
  for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++) {
    for (size_t j = 0; j < sizeof post / sizeof post[0]; j++) {
      snprintf(buf, sizeof buf, "%s%s%s", pre[i], l, post[j]);
      one_event(buf, &ev);
      assert_true(same_event(&base, &ev));
    }
  }
  /* scavenger and old lines behind a prefix */
  LINE_OR_SKIP(sc, "tests/data/go/lines.txt", 13);
  snprintf(buf, sizeof buf, "%s%s", pre[0], sc);
  one_event(buf, &ev);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
  assert_int_equal(ev.released, 980 * MiB);
  LINE_OR_SKIP(old, "tests/data/go/lines.txt", 6);
  snprintf(buf, sizeof buf, "%s%s  ", pre[2], old);
  one_event(buf, &ev);
  assert_int_equal(ev.seq, 77);
  /* a JSON log wrapper: data complete, trailing text tolerated */
  snprintf(buf, sizeof buf, "{\"log\":\"%s\\n\",\"stream\":\"stderr\"}", l);
  one_event(buf, &ev);
  assert_int_equal(ev.seq, 1);
  assert_int_equal(ev.flags, GCPULSE_EV_FORCED);
}

static void test_foreign_and_jvm(void **state) {
  (void)state;
  static const char *const foreign[] = {
      /* HotSpot unified logging and JDK 8 (must never be claimed) */
      "[0.012s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) "
      "24M->4M(256M) 3.011ms",
      "[0.018s][info][gc] Using G1",
      "[0.202s][info][gc,start     ] GC(0) Pause Young (G1 Evacuation Pause)",
      "[1.234s][info][gc,heap] GC(3) Eden regions: 12->0(10)",
      "2.345: [GC (Allocation Failure) [PSYoungGen: 33280K->5104K(38400K)] "
      "33280K->5112K(125952K), 0.0040 secs] [Times: user=0.01 sys=0.00, "
      "real=0.00 secs]",
      "2016-02-05T10:11:12.123+0100: 1.234: [Full GC (Ergonomics) "
      "[PSYoungGen: 5104K->0K(38400K)]",
      "[GC concurrent-root-region-scan-start]",
      /* other runtime / program output */
      "pacer: assist ratio=+4.076850e-001 (scan 0 MB in 6->8 MB) workers=2+0",
      "pacer: H_m_prev=4194304 h_t=+9.500000e-001 H_T=8178892 "
      "h_a=+1.143859e+000 H_a=9012096 h_g=+1.000000e+000 H_g=8388608 "
      "u_a=+4.479016e-001 u_g=+3.000000e-001 W_a=190264 goal\xce\x94=+5.0e-02",
      "# command-line-arguments",
      "$ GODEBUG=gctrace=1 go run main.go",
      "keep buckets: 120",
      "peak: HeapAlloc=200 MB HeapSys=207 MB HeapIdle=7 MB",
      "SCHED 0ms: gomaxprocs=8 idleprocs=5 threads=5",
      "the gc 5 finished", "gc 12", "gcvis: listening", "scavenger", "scvgx",
      "scav x", "mygc 1 @0.1s", "description: scan: total 5", "GC forcedly",
      "x", "",
  };
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
    int rc = direct(&p, foreign[i], &r, &skip);
    if (rc != 0) fail_msg("claimed: %s", foreign[i]);
    assert_int_equal(skip, GCPULSE_REASON_FOREIGN);
    assert_int_equal(r.n_ev + r.n_diag, 0);
  }
  /* through the public API in auto mode: the Go parser never decides */
  tu_sink s;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_AUTO);
  for (size_t i = 0; i < 7; i++)
    assert_int_equal(gcpulse_feed_line(g, foreign[i], strlen(foreign[i])), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_not_equal(st.format, GCPULSE_FORMAT_GO);
  assert_int_equal(st.events_go, 0);
  gcpulse_free(g);
  tu_sink_free(&s);
}

static void test_go_info(void **state) {
  (void)state;
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  static const char *const info[] = {
      "GC forced", "Sep 01 18:07:11 host app[1]: GC forced", "GC forced \r",
      "scan: total 1234 objs", "scan: class 16B 12 objs",
      "scan: total 1+2+3=6 objs, 4+5=9 spans"};
  for (size_t i = 0; i < sizeof info / sizeof info[0]; i++) {
    assert_int_equal(direct(&p, info[i], &r, &skip), 1);
    assert_int_equal(skip, GCPULSE_REASON_GO_INFO);
    assert_int_equal(r.n_ev + r.n_diag, 0);
  }
  /* the pending mark goes to the next cycle only */
  LINE_OR_SKIP(l, "tests/data/go/go1.19-gogc50-2p.log", 1);
  LINE_OR_SKIP(l2, "tests/data/go/go1.19-gogc50-2p.log", 2);
  assert_int_equal(direct(&p, l, &r, &skip), 1);
  assert_int_equal(r.ev.flags, GCPULSE_EV_FORCED_PERIODIC);
  assert_int_equal(direct(&p, l2, &r, &skip), 1);
  assert_int_equal(r.ev.flags, 0);
}

/* ---------------------------------------------------------------------
 * Sequence, time, diagnostics
 * --------------------------------------------------------------------- */

static void test_restart(void **state) {
  (void)state;
  /* three recorded runs in one stream, a "run N" line before each */
  const char *path = "tests/data/go/go1.19-restarts-2p.log";
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_GO, &s, &st), 0);
  assert_int_equal(s.n_ev, 26);
  int restarts = 0;
  for (size_t i = 0; i < s.n_ev; i++) {
    if (s.ev[i].flags & GCPULSE_EV_RESTART) {
      restarts++;
      assert_int_equal(s.ev[i].seq, 1);
      assert_true(i > 0);
      assert_true(s.ev[i - 1].seq >= 1);
    } else if (i > 0) {
      assert_true(s.ev[i].seq > s.ev[i - 1].seq);
    }
    assert_false(s.ev[i].flags & GCPULSE_EV_SUSPECT_TIME);
  }
  assert_int_equal(restarts, 2); /* gc 1 reappears twice */
  assert_int_equal(s.ev[9].flags & GCPULSE_EV_RESTART, GCPULSE_EV_RESTART);
  assert_int_equal(s.ev[18].flags & GCPULSE_EV_RESTART, GCPULSE_EV_RESTART);
  assert_int_equal(st.by_reason[GCPULSE_REASON_SEQ_REUSED], 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 3);
  tu_sink_free(&s);

  /* disorder (gc 842 then gc 91): restart + SEQ_REUSED diagnostic */
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  LINE_OR_SKIP(a, "tests/data/go/lines.txt", 3);
  LINE_OR_SKIP(b, "tests/data/go/lines.txt", 5);
  assert_int_equal(direct(&p, a, &r, &skip), 1);
  assert_int_equal(direct(&p, b, &r, &skip), 1);
  assert_int_equal(r.n_ev, 1);
  assert_int_equal(r.ev.flags, GCPULSE_EV_RESTART);
  assert_int_equal(r.reason, GCPULSE_REASON_SEQ_REUSED);
  assert_int_equal(r.column, 3);
}

static void test_suspect_time(void **state) {
  (void)state;
  LINE_OR_SKIP(l1, "tests/data/go/go1.19-gogc50-2p.log", 4);
  LINE_OR_SKIP(l2, "tests/data/go/go1.19-gogc50-2p.log", 5);
  LINE_OR_SKIP(l3, "tests/data/go/go1.19-gogc50-2p.log", 6);
  /* gc 5 with its time replaced by the wrapped value quoted in
   * trace-formats.md (a real Windows sample) */
  char wrapped[1024];
  const char *rest = strchr(l2, 's');
  snprintf(wrapped, sizeof wrapped, "gc 5 @18445023415.341%s", rest);
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  assert_int_equal(direct(&p, l1, &r, &skip), 1);
  assert_int_equal(r.ev.flags, 0);
  assert_int_equal(direct(&p, wrapped, &r, &skip), 1);
  assert_int_equal(r.n_ev, 1);
  assert_int_equal(r.ev.flags, GCPULSE_EV_SUSPECT_TIME);
  assert_ms(r.ev.t, 18445023415.341); /* kept */
  assert_true(HAS(&r.ev, T));
  assert_int_equal(r.reason, GCPULSE_REASON_SUSPECT_TIME);
  assert_int_equal(r.column, 5);
  assert_int_equal(direct(&p, l3, &r, &skip), 1);
  assert_int_equal(r.ev.flags, 0); /* 0.010 > 0.006: the wrap did not stick */
  /* going backwards without a restart */
  assert_int_equal(direct(&p, "gc 7 @0.002s 0%: 0.057+0.46+0.005 ms clock, "
                              "0.11+0/0.14/0.11+0.010 ms cpu, 23->23->14 MB, "
                              "27 MB goal, 0 MB stacks, 0 MB globals, 2 P",
                           &r, &skip),
                   1);
  assert_int_equal(r.ev.flags, GCPULSE_EV_SUSPECT_TIME);
}

/* A gc line at time T (seconds) with the given number, the rest taken
 * from the bundled demo trace (examples/data/go-demo.gctrace, gc 60). */
static const char *gc_at(char *buf, size_t n, int seq, double t) {
  snprintf(buf, n,
           "gc %d @%.3fs 0%%: 0.057+1.6+0.003 ms clock, "
           "0.11+0/0.31/1.1+0.007 ms cpu, 30->30->16 MB, 31 MB goal, "
           "0 MB stacks, 0 MB globals, 2 P",
           seq, t);
  return buf;
}

/* One corrupted forward time (an extra leading digit, or any absurd
 * value under 10 years) is the outlier when the next line continues the
 * old clock: only its own line is SUSPECT_TIME.  A real jump (the next
 * line agrees) flags only its first line, and idle 2-minute steps after it
 * are not jumps. */
static void test_forward_jump(void **state) {
  (void)state;
  static const double bad[] = {115.651, 4500.0, 315360001.0};
  char buf[512];
  for (int b = 0; b < 3; b++) {
    gcpulse__go p;
    gcpulse__go_init(&p);
    rec r;
    int skip;
    for (int i = 1; i <= 20; i++) {
      double t = i == 10 ? bad[b] : 10.0 + 0.5 * i;
      assert_int_equal(direct(&p, gc_at(buf, sizeof buf, i, t), &r, &skip), 1);
      assert_int_equal(r.n_ev, 1);
      assert_ms(r.ev.t, t);
      if (i == 10) {
        assert_int_equal(r.ev.flags, GCPULSE_EV_SUSPECT_TIME);
        assert_int_equal(r.n_diag, 1);
        assert_int_equal(r.reason, GCPULSE_REASON_SUSPECT_TIME);
        assert_int_equal(r.column, 6);
      } else {
        assert_int_equal(r.ev.flags, 0);
        assert_int_equal(r.n_diag, 0);
      }
    }
  }
  /* a real quiet spell: 0.5 s steps, then 200 s, then 120 s steps; the
   * same line twice after the jump is a duplicate, not a restart */
  static const double t[] = {1.0, 1.5, 2.0, 202.0, 202.0, 322.0, 442.0,
                              442.5};
  static const int seq[] = {1, 2, 3, 4, 4, 5, 6, 7};
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  for (int i = 0; i < 8; i++) {
    assert_int_equal(direct(&p, gc_at(buf, sizeof buf, seq[i], t[i]), &r,
                            &skip),
                     1);
    if (i == 4) {
      assert_int_equal(r.n_ev, 0);
      assert_int_equal(r.reason, GCPULSE_REASON_SEQ_REUSED);
      continue;
    }
    assert_int_equal(r.n_ev, 1);
    assert_int_equal(r.ev.flags, i == 3 ? GCPULSE_EV_SUSPECT_TIME : 0);
  }
  /* a periodic forced GC 2 minutes after a busy spell is no jump */
  assert_int_equal(direct(&p, "GC forced", &r, &skip), 1);
  assert_int_equal(direct(&p, gc_at(buf, sizeof buf, 8, 562.5), &r, &skip), 1);
  assert_int_equal(r.ev.flags, GCPULSE_EV_FORCED_PERIODIC);
  assert_int_equal(r.n_diag, 0);
}

static void test_truncated_last_line(void **state) {
  (void)state;
  /* 30 recorded lines, then the 31st cut before " MB goal, " and no
   * newline (tests/data/go/make.sh) */
  const char *path = "tests/data/go/go1.19-truncated-2p.log";
  size_t len;
  char *data = tu_read_file(path, &len);
  assert_non_null(data);
  assert_true(len > 0 && data[len - 1] != '\n');
  for (int mode = 0; mode < 3; mode++) {
    tu_sink s;
    gcpulse_callbacks_t cb;
    tu_sink_init(&s, &cb);
    gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_GO);
    assert_int_equal(tu_feed_chunks(g, data, len, mode, 7), 0);
    assert_int_equal(s.n_ev, 30);
    for (size_t i = 0; i < s.n_ev; i++) assert_int_equal(s.ev[i].seq, i + 1);
    assert_int_equal(s.diag_by_reason[GCPULSE_REASON_TRUNCATED], 1);
    assert_int_equal(s.n_diag, 1);
    gcpulse_free(g);
    tu_sink_free(&s);
  }
  /* the exact column: the line stops after "30" where " MB goal, " is due */
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  const char *last = strrchr(data, '\n') + 1;
  assert_int_equal(direct(&p, last, &r, &skip), 1);
  assert_int_equal(r.n_ev, 0);
  assert_int_equal(r.reason, GCPULSE_REASON_TRUNCATED);
  assert_int_equal(r.column, strlen(last));
  free(data);
}

static void test_malformed(void **state) {
  (void)state;
  LINE_OR_SKIP(l, "tests/data/go/go1.19-gogc50-2p.log", 8);
  gcpulse__go p;
  gcpulse__go_init(&p);
  rec r;
  int skip;
  char buf[1024];
  /* program output landing inside a gc line (not line-atomic) */
  const char *cut = strstr(l, " ms cpu");
  snprintf(buf, sizeof buf, "%.*sallocate: 5 MB", (int)(cut - l), l);
  assert_int_equal(direct(&p, buf, &r, &skip), 1);
  assert_int_equal(r.n_ev, 0);
  assert_int_equal(r.reason, GCPULSE_REASON_MALFORMED);
  assert_int_equal(r.column, (size_t)(cut - l));
  /* every prefix of a real line that ends inside it is TRUNCATED and
   * emits nothing, never MALFORMED */
  size_t n = strlen(l);
  const char *anchor_end = strchr(l, '@') + 1;
  for (size_t i = (size_t)(anchor_end - l); i < n - 2; i++) {
    memcpy(buf, l, i);
    buf[i] = '\0';
    int rc = direct(&p, buf, &r, &skip);
    assert_int_equal(rc, 1);
    if (r.n_ev != 0 || r.reason != GCPULSE_REASON_TRUNCATED)
      fail_msg("prefix %zu: ev %d reason %d: %s", i, r.n_ev, r.reason, buf);
  }
  /* Windows truncation quoted in trace-formats.md §1.10 */
  assert_int_equal(direct(&p, "gc 296 @1.260s 0%: 0+0+0 ms clock, "
                              "0+0/0/0+0 ms cpu, 1",
                           &r, &skip),
                   1);
  assert_int_equal(r.reason, GCPULSE_REASON_TRUNCATED);
  /* four clock phases, a 20-digit size */
  assert_int_equal(direct(&p, "gc 3 @0.001s 15%: 0.037+0.59+0.039+1 ms clock",
                           &r, &skip),
                   1);
  assert_int_equal(r.reason, GCPULSE_REASON_MALFORMED);
  snprintf(buf, sizeof buf, "%s", l);
  char *h = strstr(buf, "69->76");
  char over[1024];
  snprintf(over, sizeof over, "%.*s99999999999999999999%s", (int)(h - buf),
           buf, h + 2);
  assert_int_equal(direct(&p, over, &r, &skip), 1);
  assert_int_equal(r.reason, GCPULSE_REASON_OVERFLOW);
  assert_int_equal(r.n_ev, 0);
  /* a scavenger line cut short */
  assert_int_equal(direct(&p, "scav 0 KiB work, 2520 KiB tot", &r, &skip), 1);
  assert_int_equal(r.reason, GCPULSE_REASON_TRUNCATED);
  assert_int_equal(direct(&p, "scvg2: inuse: 36, idle: x", &r, &skip), 1);
  assert_int_equal(r.reason, GCPULSE_REASON_MALFORMED);
  /* a truncated suffix: event kept, TRUNCATED reported */
  assert_int_equal(
      direct(&p, "scav 0 KiB work, 20856 KiB total, 0% util (for", &r, &skip),
      1);
  assert_int_equal(r.n_ev, 1);
  assert_int_equal(r.reason, GCPULSE_REASON_TRUNCATED);
}

/* ---------------------------------------------------------------------
 * Whole corpus: every trace-looking line recognised, foreign lines skipped
 * --------------------------------------------------------------------- */

/* Independent, deliberately loose classifier: does LINE look like output
 * of the Go runtime's gctrace/scavtrace? */
static int looks_like_trace(const char *l) {
  const char *p;
  for (p = strstr(l, "gc"); p; p = strstr(p + 1, "gc")) {
    const char *q = p + 2;
    if (*q == ' ') q++;
    if (*q >= '0' && *q <= '9') return 1;
  }
  if (strstr(l, "scvg") || strstr(l, "scav ")) return 1;
  size_t n = strlen(l);
  return n >= 9 && strcmp(l + n - 9, "GC forced") == 0;
}

typedef struct line_obs {
  size_t events, info, skipped, bad;
} line_obs;
static int obs_event(void *user, const gcpulse_event_t *ev) {
  (void)ev;
  ((line_obs *)user)->events++;
  return 0;
}
static int obs_diag(void *user, const gcpulse_diag_t *d) {
  line_obs *o = user;
  if (d->reason == GCPULSE_REASON_GO_INFO)
    o->info++;
  else if (d->reason == GCPULSE_REASON_FOREIGN ||
           d->reason == GCPULSE_REASON_BLANK)
    o->skipped++;
  else if (d->reason != GCPULSE_REASON_SEQ_REUSED &&
           d->reason != GCPULSE_REASON_RESTART &&
           d->reason != GCPULSE_REASON_GAP_RESET &&
           d->reason != GCPULSE_REASON_SUSPECT_TIME) /* time notices: the
                                                      * line was read */
    o->bad++;
  return 0;
}

static void check_file(const char *dir, const char *name, size_t *n_trace,
                       size_t *n_foreign) {
  char rel[512];
  snprintf(rel, sizeof rel, "%s/%s", dir, name);
  const char *path = tu_corpus(rel);
  assert_non_null(path);
  size_t len;
  char *data = tu_read_file(path, &len);
  line_obs o;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = obs_event;
  cb.on_diag = obs_diag;
  cb.user = &o;
  gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_GO);
  /* a recorded stream whose last line was cut (no newline) */
  int is_trunc_file = strcmp(name, "go1.19-pulse-2p.log") == 0 ||
                      strcmp(name, "go1.19-truncated-2p.log") == 0;
  const char *p = data, *end = data + len;
  int line_no = 0;
  char buf[8192];
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl ? nl : end;
    size_t n = (size_t)(e - p);
    assert_true(n < sizeof buf);
    memcpy(buf, p, n);
    buf[n] = '\0';
    line_no++;
    memset(&o, 0, sizeof o);
    assert_int_equal(gcpulse_feed_line(g, buf, n), 0);
    int last = nl == NULL || nl + 1 == end;
    if (looks_like_trace(buf)) {
      (*n_trace)++;
      if (is_trunc_file && last && nl == NULL) {
        if (o.bad != 1 || o.events != 0)
          fail_msg("%s:%d truncated line not diagnosed", rel, line_no);
      } else if (o.events + o.info != 1 || o.bad != 0 || o.skipped != 0) {
        fail_msg("%s:%d not recognised (ev %zu info %zu bad %zu): %s", rel,
                 line_no, o.events, o.info, o.bad, buf);
      }
    } else {
      (*n_foreign)++;
      if (o.skipped != 1 || o.events || o.info || o.bad)
        fail_msg("%s:%d foreign line not skipped: %s", rel, line_no, buf);
    }
    p = nl ? nl + 1 : end;
  }
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.lines, (uint64_t)line_no);
  gcpulse_free(g);
  free(data);
}

static int is_log_file(const char *name) {
  size_t n = strlen(name);
  return name[0] != '.' &&
         ((n > 4 && strcmp(name + n - 4, ".log") == 0) ||
          (n > 4 && strcmp(name + n - 4, ".txt") == 0));
}

/* Every log file of the NDIRS directories DIRS, line by line; returns the
 * number of files. */
static size_t check_dirs(const char *const *dirs, size_t ndirs,
                         size_t *n_trace, size_t *n_foreign) {
  size_t files = 0;
  for (size_t d = 0; d < ndirs; d++) {
    const char *path = tu_corpus(dirs[d]);
    if (path == NULL) continue;
    DIR *dh = opendir(path);
    assert_non_null(dh);
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
      if (!is_log_file(de->d_name)) continue;
      files++;
      check_file(dirs[d], de->d_name, n_trace, n_foreign);
    }
    closedir(dh);
  }
  return files;
}

/* The committed Go fixtures (recorded and written from the format). */
static void test_fixtures_all(void **state) {
  (void)state;
  static const char *const dirs[] = {"tests/data/go"};
  size_t n_trace = 0, n_foreign = 0;
  size_t files = check_dirs(dirs, 1, &n_trace, &n_foreign);
  print_message("%zu files, %zu trace lines, %zu foreign/blank lines\n",
                files, n_trace, n_foreign);
  assert_int_equal(files, 11);
  /* counted per file with awk, the classifier's rules re-written; a new
   * fixture in tests/data/go changes these three numbers */
  assert_int_equal(n_trace, 362);
  assert_int_equal(n_foreign, 6);
}

static void test_corpus_all(void **state) {
  (void)state;
  static const char *const dirs[] = {"go", "public/go"};
  size_t n_trace = 0, n_foreign = 0;
  size_t files = check_dirs(dirs, 2, &n_trace, &n_foreign);
  if (files == 0) skip();
  print_message("%zu files, %zu trace lines, %zu foreign/blank lines\n",
                files, n_trace, n_foreign);
  assert_int_equal(files, 13);
  assert_true(n_trace >= 700);
}

/* ---------------------------------------------------------------------
 * Chunking invariance
 * --------------------------------------------------------------------- */

static void chunk_file(const char *rel) {
  const char *path = tu_corpus(rel);
  assert_non_null(path);
  size_t len;
  char *data = tu_read_file(path, &len);
  tu_sink ref;
  gcpulse_callbacks_t cb;
  tu_sink_init(&ref, &cb);
  gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_AUTO);
  assert_int_equal(tu_feed_chunks(g, data, len, 0, 0), 0);
  gcpulse_free(g);
  assert_true(ref.n_ev > 0);
  for (int mode = 1; mode <= 2; mode++) {
    for (unsigned seed = 1; seed <= (mode == 1 ? 1u : 5u); seed++) {
      tu_sink s;
      tu_sink_init(&s, &cb);
      g = new_go(&cb, GCPULSE_FORMAT_AUTO);
      assert_int_equal(tu_feed_chunks(g, data, len, mode, seed), 0);
      gcpulse_free(g);
      assert_int_equal(s.n_ev, ref.n_ev);
      assert_int_equal(s.n_diag, ref.n_diag);
      assert_memory_equal(s.diag_by_reason, ref.diag_by_reason,
                          sizeof s.diag_by_reason);
      for (size_t i = 0; i < s.n_ev; i++)
        if (!same_event(&s.ev[i], &ref.ev[i]))
          fail_msg("%s: event %zu differs (mode %d seed %u)", rel, i, mode,
                   seed);
      tu_sink_free(&s);
    }
  }
  tu_sink_free(&ref);
  free(data);
}

static void test_chunking(void **state) {
  (void)state;
  static const char *const files[] = {
      "tests/data/go/go1.19-truncated-2p.log",
      "tests/data/go/go1.19-scavtrace-2p.log",
      "tests/data/go/go1.19-gogc50-2p.log",
      "tests/data/go/go14-scvg.txt",
      "tests/data/go/go1.19-restarts-2p.log",
      "tests/data/go/go15-go14.txt",
      "tests/data/go/go1.23-scavtrace-2p.log",
      "tests/data/go/lines.txt",
      "tests/data/go/grammars.txt",
  };
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
    chunk_file(files[i]);
}

/* CRLF input gives the same events as LF input. */
static void test_crlf(void **state) {
  (void)state;
  const char *path = "tests/data/go/go1.19-scavtrace-2p.log";
  size_t len;
  char *data = tu_read_file(path, &len);
  assert_non_null(data);
  char *crlf = malloc(len * 2 + 1);
  size_t m = 0;
  for (size_t i = 0; i < len; i++) {
    if (data[i] == '\n') crlf[m++] = '\r';
    crlf[m++] = data[i];
  }
  tu_sink a, b;
  gcpulse_callbacks_t cb;
  tu_sink_init(&a, &cb);
  gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_GO);
  assert_int_equal(tu_feed_chunks(g, data, len, 0, 0), 0);
  gcpulse_free(g);
  tu_sink_init(&b, &cb);
  g = new_go(&cb, GCPULSE_FORMAT_GO);
  assert_int_equal(tu_feed_chunks(g, crlf, m, 2, 3), 0);
  gcpulse_free(g);
  assert_int_equal(a.n_ev, b.n_ev);
  for (size_t i = 0; i < a.n_ev; i++) assert_true(same_event(&a.ev[i], &b.ev[i]));
  tu_sink_free(&a);
  tu_sink_free(&b);
  free(crlf);
  free(data);
}

/* A sink error stops the call and propagates. */
static int stop_event(void *user, const gcpulse_event_t *ev) {
  (void)ev;
  return ++*(int *)user >= 2;
}
static void test_callback_stop(void **state) {
  (void)state;
  const char *path = "tests/data/go/go1.19-gogc50-2p.log";
  size_t len;
  char *data = tu_read_file(path, &len);
  assert_non_null(data);
  int n = 0;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = stop_event;
  cb.user = &n;
  gcpulse_t *g = new_go(&cb, GCPULSE_FORMAT_GO);
  assert_int_equal(gcpulse_feed(g, data, len), GCPULSE_ECALLBACK);
  assert_int_equal(n, 2);
  gcpulse_free(g);
  free(data);
}

/* A duplicated gc line is dropped (SEQ_REUSED), not a restart; two Go
 * processes writing to one stream are reported once (INTERLEAVED) and do
 * not restart on every line; the one behind is counted at the other's
 * clock (SUSPECT_TIME). */
static void test_duplicate_and_interleaved(void **state) {
  (void)state;
#define GL(n, t) "gc " #n " @" t "s 2%: 0.010+0.5+0.003 ms clock, 0.04+0.1/0.2/0.3+0.012 ms cpu, 4->4->1 MB, 5 MB goal, 4 P"
  const char *dup[] = {GL(1, "0.010"), GL(2, "0.020"), GL(2, "0.020"), GL(3, "0.030")};
  tu_sink s;
  gcpulse_stats_t st;
  parse_lines(&s, dup, 4, &st);
  assert_int_equal(s.n_ev, 3);
  assert_int_equal(s.ev[2].seq, 3);
  for (size_t i = 0; i < s.n_ev; i++) assert_int_equal(s.ev[i].flags & GCPULSE_EV_RESTART, 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_SEQ_REUSED], 1);
  assert_int_equal(st.window_resets, 0);
  tu_sink_free(&s);

  const char *two[] = {GL(40, "50.000"), GL(1, "0.010"), GL(41, "50.500"), GL(2, "0.020"),
                       GL(42, "51.000"), GL(3, "0.030"), GL(43, "51.500"), GL(4, "0.040"),
                       GL(44, "52.000"), GL(5, "0.050"), GL(45, "52.500"), GL(6, "0.060")};
  parse_lines(&s, two, 12, &st);
  assert_int_equal(s.n_ev, 12);
  size_t restarts = 0, suspect = 0;
  for (size_t i = 0; i < s.n_ev; i++) {
    restarts += (s.ev[i].flags & GCPULSE_EV_RESTART) != 0;
    suspect += (s.ev[i].flags & GCPULSE_EV_SUSPECT_TIME) != 0;
  }
  assert_int_equal(restarts, 1); /* gc 1 after gc 40: the only one */
  assert_int_equal(suspect, 5);  /* gc 2..6, behind 50 s */
  assert_int_equal(st.by_reason[GCPULSE_REASON_INTERLEAVED], 1);
  assert_true(st.window_resets <= 1);
  tu_sink_free(&s);
#undef GL
}

/* Every Go grammar from committed fixtures written from the format
 * (tests/data/go/grammars.txt, go15-go14.txt; values read off the text)
 * and recorded with Go 1.19 / 1.23 (tests/data/go/make.sh). */
static void test_fixture_grammars(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file("tests/data/go/grammars.txt", GCPULSE_FORMAT_AUTO, &s, &st), 0);
  assert_int_equal(s.n_ev, 11);
  assert_int_equal(st.format, GCPULSE_FORMAT_GO);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 1);
  assert_int_equal(st.by_reason[GCPULSE_REASON_GO_INFO], 1); /* GC forced */
  const gcpulse_event_t *e = &s.ev[0]; /* Go 1.6-1.18 */
  assert_int_equal(e->kind, GCPULSE_KIND_GO_CYCLE);
  assert_int_equal(e->seq, 7);
  assert_true(e->t == 1.234);
  assert_true(e->pause_ms == 0.055);          /* 0.021 + 0.034 */
  assert_true(e->concurrent_ms == 1.5);
  assert_true(fabs(e->gc_cpu_ms - 2.464) < 1e-12); /* 0.084+0.25+1.2+0.80+0.13 */
  assert_int_equal(e->heap_before, 14u << 20);
  assert_int_equal(e->heap_after, 15u << 20);
  assert_int_equal(e->heap_live, 7u << 20);
  assert_int_equal(e->heap_goal, 16u << 20);
  assert_int_equal(e->procs, 4);
  assert_int_equal(e->gc_cpu_pct_total, 3);
  assert_false(e->known & GCPULSE_BIT(GCPULSE_FIELD_STACKS));
  e = &s.ev[1]; /* Go 1.19+: stacks and globals */
  assert_int_equal(e->stacks, 1u << 20);
  assert_true(e->known & GCPULSE_BIT(GCPULSE_FIELD_GLOBALS));
  assert_true(e->pause_ms == 0.075);
  assert_true(s.ev[2].flags & GCPULSE_EV_FORCED);            /* (forced) */
  assert_true(s.ev[3].flags & GCPULSE_EV_FORCED_PERIODIC);   /* after GC forced */
  assert_false(s.ev[3].flags & GCPULSE_EV_FORCED);
  assert_int_equal(s.ev[4].seq, 11); /* journald prefix */
  assert_true(s.ev[4].t == 131.0);
  assert_int_equal(s.ev[4].heap_before, 5u << 20);
  for (size_t i = 5; i < 11; i++) assert_int_equal(s.ev[i].kind, GCPULSE_KIND_SCAVENGE);
  assert_int_equal(s.ev[5].released, 512u << 10);   /* 1.14 / 1.19 form */
  assert_int_equal(s.ev[6].released, 256u << 10);   /* 1.15-1.18 form, gen 3 */
  assert_int_equal(s.ev[6].seq, 3);
  assert_true(s.ev[6].flags & GCPULSE_EV_FORCED);
  assert_int_equal(s.ev[7].released, 1024u << 10);  /* 1.21+: bg + eager */
  assert_int_equal(s.ev[8].released, 16u << 20);    /* scvg2: 16 MB released */
  assert_int_equal(s.ev[9].retained, 114u << 20);   /* sys 145 - released 31 */
  assert_int_equal(s.ev[10].released, 64u << 20);   /* forced scvg (1.13) */
  assert_true(s.ev[10].flags & GCPULSE_EV_FORCED);
  tu_sink_free(&s);

  assert_int_equal(tu_parse_file("tests/data/go/go15-go14.txt", GCPULSE_FORMAT_AUTO, &s, &st), 0);
  assert_int_equal(s.n_ev, 4);
  assert_int_equal(st.diags, 0);
  e = &s.ev[0]; /* Go 1.5: five clock phases, STW = A + C + E */
  assert_true(fabs(e->pause_ms - 0.61) < 1e-12);
  assert_true(fabs(e->concurrent_ms - 2.7) < 1e-12);
  assert_int_equal(e->heap_goal, 5u << 20);
  assert_true(s.ev[1].flags & GCPULSE_EV_FORCED);
  assert_true(fabs(s.ev[1].pause_ms - 0.55) < 1e-12);
  e = &s.ev[2]; /* Go 1.4: us, all four phases, no time */
  assert_int_equal(e->seq, 21);
  assert_true(fabs(e->pause_ms - 9.997) < 1e-12);
  assert_int_equal(e->heap_before, 38u << 20);
  assert_int_equal(e->heap_after, 40u << 20);
  assert_int_equal(e->procs, 4);
  assert_true(e->flags & GCPULSE_EV_SUSPECT_TIME);
  assert_false(e->known & GCPULSE_BIT(GCPULSE_FIELD_T));
  assert_true(fabs(s.ev[3].pause_ms - 1.506) < 1e-12); /* Go 1.3 */
  tu_sink_free(&s);

  /* recorded: pause count and sum agree with tests/conformance/check.py */
  static const struct { const char *path; long n; double sum; size_t scav; } recorded[] = {
      {"tests/data/go/go1.19-gogc50-2p.log", 88, 5.466, 0},
      {"tests/data/go/go1.23-scavtrace-2p.log", 23, 25.836, 23},
  };
  for (size_t r = 0; r < 2; r++) {
    assert_int_equal(tu_parse_file(recorded[r].path, GCPULSE_FORMAT_AUTO, &s, &st), 0);
    long n = 0;
    size_t scav = 0;
    double sum = 0;
    for (size_t i = 0; i < s.n_ev; i++) {
      if (s.ev[i].kind == GCPULSE_KIND_SCAVENGE) { scav++; continue; }
      n++;
      sum += s.ev[i].pause_ms;
      assert_int_equal(s.ev[i].flags & GCPULSE_EV_RESTART, 0);
    }
    assert_int_equal(n, recorded[r].n);
    assert_true(fabs(sum - recorded[r].sum) < 6e-4);
    assert_int_equal(scav, recorded[r].scav);
    assert_int_equal(st.diags, 0);
    tu_sink_free(&s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_grammars),
      cmocka_unit_test(test_duplicate_and_interleaved),
      cmocka_unit_test(test_foreign_and_jvm),
      cmocka_unit_test(test_forward_jump),
      cmocka_unit_test(test_modern_118),
      cmocka_unit_test(test_modern_119_stacks),
      cmocka_unit_test(test_modern_16),
      cmocka_unit_test(test_go15),
      cmocka_unit_test(test_old_grammars),
      cmocka_unit_test(test_forced),
      cmocka_unit_test(test_scavengers),
      cmocka_unit_test(test_scavenge_time_borrowed),
      cmocka_unit_test(test_prefixes_and_whitespace),
      cmocka_unit_test(test_go_info),
      cmocka_unit_test(test_restart),
      cmocka_unit_test(test_suspect_time),
      cmocka_unit_test(test_truncated_last_line),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_fixtures_all),
      cmocka_unit_test(test_chunking),
      cmocka_unit_test(test_crlf),
      cmocka_unit_test(test_callback_stop),
  };
  /* every line of the shared corpus's real logs, read in place: run by
   * `make conformance` (GCPULSE_CORPUS_TESTS=1), not by make check */
  const struct CMUnitTest corpus_tests[] = {
      cmocka_unit_test(test_corpus_all),
  };
  int rc = cmocka_run_group_tests_name("trace_go", tests, NULL, NULL);
  if (tu_corpus_tests())
    rc |= cmocka_run_group_tests_name("trace_go_corpus", corpus_tests, NULL, NULL);
  return rc;
}

/* test_trace_jvm.c — the JVM GC log parser (unified logging with any
 * decorators, every HotSpot collector, JDK 8 legacy records), on the
 * committed fixtures: tests/data/jvm/ (JDK 17 recordings made by
 * tests/data/jvm/make.sh, plus jdk11-serial-nested, jdk21-zgc-gen,
 * jdk17-shenandoah-degenerated, jdk21-g1-timeonly and jdk1x-shenandoah-comma
 * written from trace-formats.md §2) and tests/data/jvm8/ (JDK 6/7/8 shapes
 * written from the format).  Expected values are read off the fixture
 * lines.  test_corpus_totals (make conformance) checks pause totals of the
 * shared corpus, read in place; those were computed independently with
 * bench/jvm_regex.py (unified) and a "<x> secs] [Times:" regex (JDK 8). */
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define B(f) GCPULSE_BIT(GCPULSE_FIELD_##f)
#define K 1024ull
#define M (1024ull * 1024ull)

typedef struct totals {
  const char *path;
  int collector;
  long pauses;   /* events with a pause */
  double sum_ms; /* their pause_ms */
  long events;   /* all events */
} totals;

static const totals corpus_totals[] = {
    {"jvm/jdk17-g1-gcstar.log", GCPULSE_COLLECTOR_G1, 182, 360.367, 215},
    {"jvm/jdk17-parallel-gcstar.log", GCPULSE_COLLECTOR_PARALLEL, 24, 294.981, 24},
    {"jvm/jdk17-serial-gcstar.log", GCPULSE_COLLECTOR_SERIAL, 16, 211.524, 16},
    {"jvm/jdk17-shenandoah-gcstar.log", GCPULSE_COLLECTOR_SHENANDOAH, 495, 288.601, 621},
    {"jvm/jdk17-z-gcstar.log", GCPULSE_COLLECTOR_ZGC, 81, 0.612, 108},
    {"public/jvm/g1-jdk11-gctoolkit-gcstar-trace-excerpt.log", GCPULSE_COLLECTOR_G1, 7, 12.906, 8},
    {"public/jvm/g1-jdk17-garbagecat-time-uptime-debug.log", GCPULSE_COLLECTOR_G1, 2, 2.862, 3},
    {"public/jvm/g1-jdk17-gcviewer-time-uptimemillis.log", GCPULSE_COLLECTOR_G1, 9, 58.304, 10},
    {"public/jvm/g1-jdk21-garbagecat-timeonly-fullgc.log", GCPULSE_COLLECTOR_G1, 1, 16.755, 1},
    {"public/jvm/g1-jdk9-gcviewer-gc-defaults.log", GCPULSE_COLLECTOR_G1, 10, 38.150, 11},
    {"public/jvm/g1-jdk9-gcviewer-gcstar-safepoint.log", GCPULSE_COLLECTOR_G1, 13, 44.411, 14},
    {"public/jvm/parallel-jdk11-gctoolkit-gcstar-debug-excerpt.log", GCPULSE_COLLECTOR_PARALLEL, 26, 55.558, 26},
    {"public/jvm/parallel-jdk9-gcviewer-gcstar-safepoint.log", GCPULSE_COLLECTOR_PARALLEL, 8, 63.721, 8},
    {"public/jvm/serial-jdk11-gctoolkit-gcstar-nested-full-excerpt.log", GCPULSE_COLLECTOR_SERIAL, 36, 51.357, 36},
    {"public/jvm/serial-jdk9-gcviewer-gcstar-safepoint.log", GCPULSE_COLLECTOR_SERIAL, 4, 34.845, 4},
    {"public/jvm/shenandoah-jdk11-gcviewer-time-uptime.log", GCPULSE_COLLECTOR_SHENANDOAH, 4, 3.137, 5},
    {"public/jvm/shenandoah-jdk17-garbagecat-degenerated.log", GCPULSE_COLLECTOR_SHENANDOAH, 5, 1.452, 6},
    {"public/jvm/shenandoah-jdk17-gcviewer-time-uptime.log", GCPULSE_COLLECTOR_SHENANDOAH, 4, 1.719, 5},
    {"public/jvm/shenandoah-jdk1x-gcviewer-comma-decimal.log", GCPULSE_COLLECTOR_UNKNOWN, 1, 6.572, 1},
    {"public/jvm/zgc-jdk11-jifa-uptime-only.log", GCPULSE_COLLECTOR_ZGC, 3, 8.856, 4},
    {"public/jvm/zgc-jdk17-jifa-gcstar-stats.log", GCPULSE_COLLECTOR_ZGC, 3, 0.046, 4},
    {"public/jvm/zgc-jdk21gen-garbagecat-major.log", GCPULSE_COLLECTOR_ZGC_GEN, 5, 0.031, 6},
    {"public/jvm/zgc-jdk21gen-garbagecat-minor-time.log", GCPULSE_COLLECTOR_ZGC_GEN, 3, 0.420, 4},
    /* JDK 8 legacy */
    {"public/jvm/cms-jdk8-gcviewer-gcid-datestamps.log", GCPULSE_COLLECTOR_CMS, 10, 55.730, 11},
    {"public/jvm/g1-jdk8-gcviewer-ergonomics-concurrent.log", GCPULSE_COLLECTOR_G1, 4, 20.205, 5},
    {"public/jvm/g1-jdk8-gcviewer-gcid-datestamps.log", GCPULSE_COLLECTOR_G1, 7, 35.465, 8},
    {"public/jvm/g1-jdk8-jifa-interleaved-heapatgc.log", GCPULSE_COLLECTOR_G1, 4, 487.604, 5},
    {"public/jvm/parallel-jdk8-gctoolkit-tenuring-stoppedtime-excerpt.log", GCPULSE_COLLECTOR_PARALLEL, 75, 2431.596, 75},
    {"public/jvm/parallel-jdk8-gcviewer-gcid-heapexit.log", GCPULSE_COLLECTOR_PARALLEL, 5, 1863.859, 5},
    {"public/jvm/serial-jdk8-gctoolkit-tenuring.log", GCPULSE_COLLECTOR_SERIAL, 47, 1519.842, 47},
};

/* Fixtures made here (tests/data/jvm/make.sh), same oracle. */
static const totals fixture_totals[] = {
    {"tests/data/jvm/jdk17-g1-alldecor.log", GCPULSE_COLLECTOR_G1, 10, 41.999, 10},
    {"tests/data/jvm/jdk17-g1-gconly.log", GCPULSE_COLLECTOR_G1, 10, 35.504, 10},
    {"tests/data/jvm/jdk17-g1-oom.log", GCPULSE_COLLECTOR_G1, 82, 45.426, 96},
    {"tests/data/jvm/jdk17-g1-utc-hostname.log", GCPULSE_COLLECTOR_G1, 8, 15.934, 8},
    {"tests/data/jvm/jdk17-parallel-none.log", GCPULSE_COLLECTOR_PARALLEL, 16, 18.326, 16},
    {"tests/data/jvm/jdk17-parallel-oom.log", GCPULSE_COLLECTOR_PARALLEL, 89, 104.106, 89},
    {"tests/data/jvm/jdk17-serial-debug.log", GCPULSE_COLLECTOR_SERIAL, 13, 12.077, 13},
    {"tests/data/jvm/jdk17-serial-oom.log", GCPULSE_COLLECTOR_SERIAL, 101, 62.694, 101},
    /* + one concurrent cycle per GC id */
    {"tests/data/jvm/jdk17-shenandoah-gcstar.log", GCPULSE_COLLECTOR_SHENANDOAH, 20, 0.408, 25},
    {"tests/data/jvm/jdk17-z-gcstar.log", GCPULSE_COLLECTOR_ZGC, 24, 0.183, 32},
    /* unified shapes written from the format (tests/data/jvm/make.sh) */
    {"tests/data/jvm/jdk11-serial-nested.log", GCPULSE_COLLECTOR_SERIAL, 4, 24.075, 4},
    {"tests/data/jvm/jdk17-shenandoah-degenerated.log", GCPULSE_COLLECTOR_SHENANDOAH, 4, 1.567, 5},
    {"tests/data/jvm/jdk1x-shenandoah-comma.log", GCPULSE_COLLECTOR_UNKNOWN, 1, 5.918, 1},
    {"tests/data/jvm/jdk21-g1-timeonly.log", GCPULSE_COLLECTOR_G1, 1, 17.812, 1},
    {"tests/data/jvm/jdk21-zgc-gen.log", GCPULSE_COLLECTOR_ZGC_GEN, 9, 0.072, 12},
    /* JDK 6/7/8 shapes written from the format (tests/test_jvm_legacy.c) */
    {"tests/data/jvm8/jdk6-icms-interrupted.log", GCPULSE_COLLECTOR_CMS, 5, 130.300, 6},
    {"tests/data/jvm8/jdk7-cms-nocause.log", GCPULSE_COLLECTOR_CMS, 7, 4668.143, 9},
    {"tests/data/jvm8/jdk7-parallel-nocause.log", GCPULSE_COLLECTOR_PARALLEL, 6, 117.915, 6},
    {"tests/data/jvm8/jdk7-serial-perm.log", GCPULSE_COLLECTOR_SERIAL, 4, 154.453, 4},
    {"tests/data/jvm8/jdk8-comma-serial.log", GCPULSE_COLLECTOR_SERIAL, 3, 32.449, 3},
    {"tests/data/jvm8/jdk8-shenandoah.log", GCPULSE_COLLECTOR_SHENANDOAH, 8, 85.415, 10},
    {"tests/data/jvm8/jdk8-g1-ergonomics.log", GCPULSE_COLLECTOR_G1, 4, 20.146, 5},
    {"tests/data/jvm8/jdk8-serial-tenuring.log", GCPULSE_COLLECTOR_SERIAL, 3, 28.588, 3},
    {"tests/data/jvm8/jdk7-printgc.log", GCPULSE_COLLECTOR_UNKNOWN, 3, 172.0326, 3},
};

static void check_totals(const totals *t, const char *path, int format) {
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file(path, format, &s, &st), 0);
  long pauses = 0;
  double sum = 0;
  for (size_t i = 0; i < s.n_ev && i < TU_MAX_EVENTS; i++) {
    const gcpulse_event_t *ev = &s.ev[i];
    assert_int_equal(ev->runtime, GCPULSE_RT_JVM);
    assert_true(ev->known & B(SEQ)); /* JDK 8 cycles without #id too */
    assert_false(ev->flags & GCPULSE_EV_RESTART); /* one run per file */
    if (ev->known & B(PAUSE_MS)) {
      pauses++;
      sum += ev->pause_ms;
      assert_true(isfinite(ev->pause_ms) && ev->pause_ms >= 0);
    }
  }
  if (pauses != t->pauses || fabs(sum - t->sum_ms) > 6e-4 ||
      (long)s.n_ev != t->events)
    print_message("%s: pauses %ld sum %.3f events %zu\n", t->path, pauses,
                  sum, s.n_ev);
  assert_int_equal(pauses, t->pauses);
  assert_true(fabs(sum - t->sum_ms) < 6e-4); /* oracle printed 3 decimals */
  assert_int_equal((long)s.n_ev, t->events);
  /* every GC summary line understood */
  assert_int_equal(st.by_reason[GCPULSE_REASON_JVM_UNKNOWN], 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_MALFORMED], 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_EVICTED], 0);
  assert_int_equal(st.format, GCPULSE_FORMAT_JVM);
  if (t->collector != GCPULSE_COLLECTOR_UNKNOWN)
    assert_int_equal(st.collector, t->collector);
  tu_sink_free(&s);
}

static void test_corpus_totals(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof corpus_totals / sizeof corpus_totals[0]; i++) {
    TU_CORPUS_OR_SKIP(path, corpus_totals[i].path);
    check_totals(&corpus_totals[i], path, GCPULSE_FORMAT_JVM);
    check_totals(&corpus_totals[i], path, GCPULSE_FORMAT_AUTO);
  }
}

static void test_fixture_totals(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof fixture_totals / sizeof fixture_totals[0]; i++) {
    check_totals(&fixture_totals[i], fixture_totals[i].path, GCPULSE_FORMAT_AUTO);
  }
}

/* Parse PATH (format AUTO) and return the event with SEQ and KIND. */
static gcpulse_event_t get_event(const char *path, uint64_t seq, int kind) {
  tu_sink s;
  gcpulse_event_t out;
  memset(&out, 0, sizeof out);
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_AUTO, &s, NULL), 0);
  int found = 0;
  for (size_t i = 0; i < s.n_ev; i++)
    if (s.ev[i].seq == seq && s.ev[i].kind == kind) {
      out = s.ev[i];
      found = 1;
      break;
    }
  tu_sink_free(&s);
  assert_true(found);
  return out;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

/* Sizes of a JDK 17 pause record: heap before, after, capacity; young and
 * old generation before, after; metaspace used, committed (bytes). */
typedef struct gens {
  uint64_t heap[3], young[2], old[2], meta[2];
} gens;

static void assert_gens(const gcpulse_event_t *ev, gens w) {
  assert_int_equal(ev->heap_before, w.heap[0]);
  assert_int_equal(ev->heap_after, w.heap[1]);
  assert_int_equal(ev->heap_capacity, w.heap[2]);
  assert_int_equal(ev->young_before, w.young[0]);
  assert_int_equal(ev->young_after, w.young[1]);
  assert_int_equal(ev->old_before, w.old[0]);
  assert_int_equal(ev->old_after, w.old[1]);
  assert_int_equal(ev->metaspace_used, w.meta[0]);
  assert_int_equal(ev->metaspace_committed, w.meta[1]);
}

/* Feed TEXT (LEN bytes) to a new instance with CFG (NULL = defaults) in
 * tu_feed_chunks MODE (0 whole, 1 byte by byte; then finish), recording
 * events in S
 * (initialised here) and, when ST is not NULL, the counters after the
 * feed.  Returns the instance; the caller frees it and S. */
static gcpulse_t *feed_text(const gcpulse_config_t *cfg, const char *text,
                            size_t len, int mode, tu_sink *s,
                            gcpulse_stats_t *st) {
  gcpulse_callbacks_t cb;
  tu_sink_init(s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  assert_int_equal(tu_feed_chunks(g, text, len, mode, 0), 0);
  if (st) gcpulse_stats(g, st);
  return g;
}

/* TEXT with every line behind a container or syslog prefix: MODE 1 a
 * Kubernetes CRI record, 2 a syslog line, 3 a docker json-file record (the
 * line JSON-escaped as docker writes it: '>' as \\u003e).  Malloc'd. */
static char *wrap_lines(const char *text, size_t len, int mode, size_t *out) {
  char *o = malloc(len * 8 + 1), *w = o;
  assert_non_null(o);
  const char *p = text, *e = text + len;
  while (p < e) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    if (nl == NULL) nl = e;
    if (mode == 1) w += sprintf(w, "2026-12-06T01:07:00.000000001Z stdout F ");
    if (mode == 2) w += sprintf(w, "Dec  6 01:07:08 host app[123]: ");
    if (mode == 3) w += sprintf(w, "{\"log\":\"");
    for (const char *c = p; c < nl; c++) {
      if (mode == 3 && (*c == '>' || *c == '<' || *c == '&'))
        w += sprintf(w, "\\u%04x", (unsigned)*c);
      else if (mode == 3 && (*c == '"' || *c == '\\'))
        w += sprintf(w, "\\%c", *c);
      else
        *w++ = *c;
    }
    if (mode == 3)
      w += sprintf(w, "\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-06T01:07:08.1Z\"}");
    *w++ = '\n';
    p = nl + 1;
  }
  *out = (size_t)(w - o);
  return o;
}

/* A JVM log behind a CRI, syslog or docker json-file prefix gives the same
 * events as the bare log (as a Go trace does). */
static void test_container_prefixes(void **state) {
  (void)state;
  static const char *const files[] = {"tests/data/jvm/jdk17-g1-alldecor.log",
                                      "tests/data/jvm/jdk17-g1-oom.log"};
  for (size_t f = 0; f < 2; f++) {
    size_t len;
    char *text = tu_read_file(files[f], &len);
    assert_non_null(text);
    tu_sink base;
    gcpulse_stats_t st0;
    gcpulse_free(feed_text(NULL, text, len, 0, &base, &st0));
    assert_true(base.n_ev >= 10);
    for (int mode = 1; mode <= 3; mode++) {
      size_t wlen;
      char *wrapped = wrap_lines(text, len, mode, &wlen);
      tu_sink s;
      gcpulse_stats_t st;
      gcpulse_free(feed_text(NULL, wrapped, wlen, 0, &s, &st));
      assert_int_equal(st.format, GCPULSE_FORMAT_JVM);
      assert_int_equal(st.collector, GCPULSE_COLLECTOR_G1);
      assert_int_equal(s.n_ev, base.n_ev);
      assert_int_equal(st.by_reason[GCPULSE_REASON_MALFORMED],
                       st0.by_reason[GCPULSE_REASON_MALFORMED]);
      for (size_t i = 0; i < s.n_ev; i++) {
        const gcpulse_event_t *a = &s.ev[i], *b = &base.ev[i];
        assert_int_equal(a->kind, b->kind);
        assert_int_equal(a->flags, b->flags);
        assert_int_equal(a->known, b->known);
        assert_true(a->t == b->t && a->pause_ms == b->pause_ms);
        assert_int_equal(a->heap_before, b->heap_before);
        assert_int_equal(a->heap_after, b->heap_after);
        assert_string_equal(a->cause, b->cause);
      }
      tu_sink_free(&s);
      free(wrapped);
    }
    tu_sink_free(&base);
    free(text);
  }
}

/* TEXT with the uptime decorator "[U.UUUs]" of lines FROM..TO (1-based)
 * moved: set to SET seconds when SET >= 0, else shifted by SHIFT.
 * Malloc'd; the decorator is the first "[<digits>.<digits>s]" of a line. */
static char *move_uptime(const char *text, size_t len, int from, int to,
                         double set, double shift, size_t *out) {
  char *o = malloc(len + 64 * (size_t)(to - from + 1) + 1), *w = o;
  assert_non_null(o);
  const char *p = text, *e = text + len;
  for (int line = 1; p < e; line++) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    nl = nl ? nl + 1 : e;
    const char *d = NULL, *c = NULL;
    if (line >= from && line <= to) {
      for (const char *b = p; b < nl && (b = memchr(b, '[', (size_t)(nl - b))); b++) {
        char *end;
        double v = strtod(b + 1, &end);
        if (end > b + 1 && end[0] == 's' && end[1] == ']') {
          d = b;
          c = end + 2;
          w += sprintf(w, "%.*s[%.3fs]", (int)(d - p), p, set >= 0 ? set : v + shift);
          break;
        }
      }
    }
    if (d == NULL) {
      memcpy(w, p, (size_t)(nl - p));
      w += nl - p;
    } else {
      memcpy(w, c, (size_t)(nl - c));
      w += nl - c;
    }
    p = nl;
  }
  *out = (size_t)(w - o);
  return o;
}

/* One corrupted forward uptime is the outlier when later lines continue
 * the old clock: only the event it times is SUSPECT_TIME, and there is no
 * restart, no window reset and no event closed early (F10 addendum).  A
 * real quiet spell is a jump the next line confirms: with -Xlog:gc* the
 * GC's own later lines confirm it before it is emitted (nothing flagged);
 * with -Xlog:gc only its first event is flagged. */
static void test_uptime_jump(void **state) {
  (void)state;
  size_t len, n;
  tu_sink s;
  gcpulse_stats_t st;
  char *one = tu_read_file("tests/data/jvm/jdk17-g1-gconly.log", &len);
  assert_non_null(one);
  for (int c = 0; c < 2; c++) {
    /* line 5 is GC(3) */
    char *t = c == 0 ? move_uptime(one, len, 5, 5, 4500.0, 0, &n)
                     : move_uptime(one, len, 5, 11, -1, 300.0, &n);
    gcpulse_free(feed_text(NULL, t, n, 0, &s, &st));
    assert_int_equal(s.n_ev, 10);
    assert_int_equal(st.window_resets, c); /* c == 1: the 300 s gap */
    assert_int_equal(st.by_reason[GCPULSE_REASON_RESTART], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_SUSPECT_TIME], 1);
    for (size_t i = 0; i < s.n_ev; i++) {
      assert_int_equal(s.ev[i].seq, i);
      assert_int_equal(s.ev[i].flags & GCPULSE_EV_RESTART, 0);
      assert_int_equal((s.ev[i].flags & GCPULSE_EV_SUSPECT_TIME) != 0, i == 3);
    }
    assert_true(s.ev[4].t < 1.0 || c == 1);
    tu_sink_free(&s);
    free(t);
  }
  free(one);
  char *star = tu_read_file("tests/data/jvm/jdk17-g1-alldecor.log", &len);
  assert_non_null(star);
  tu_sink base;
  gcpulse_free(feed_text(NULL, star, len, 0, &base, NULL));
  for (int c = 0; c < 2; c++) {
    /* line 50 starts GC(2); c == 1: a quiet spell of 300 s before it */
    char *t = c == 0 ? move_uptime(star, len, 50, 50, 4500.0, 0, &n)
                     : move_uptime(star, len, 50, 177, -1, 300.0, &n);
    gcpulse_free(feed_text(NULL, t, n, 0, &s, &st));
    assert_int_equal(s.n_ev, base.n_ev);
    assert_int_equal(st.window_resets, c == 0 ? 0 : 1); /* the 300 s gap */
    assert_int_equal(st.by_reason[GCPULSE_REASON_RESTART], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_SUSPECT_TIME], c == 0 ? 1 : 0);
    for (size_t i = 0; i < s.n_ev; i++) {
      int is_gc2 = s.ev[i].seq == 2 && s.ev[i].kind == GCPULSE_KIND_YOUNG;
      assert_int_equal((s.ev[i].flags & GCPULSE_EV_SUSPECT_TIME) != 0,
                       c == 0 && is_gc2);
      assert_true(s.ev[i].pause_ms == base.ev[i].pause_ms);
    }
    tu_sink_free(&s);
    free(t);
  }
  tu_sink_free(&base);
  free(star);
}

static void test_g1_jdk17_young(void **state) {
  (void)state;
  const char *path = "tests/data/jvm/jdk17-g1-alldecor.log";
  /* GC(2) Pause Young (Normal) (G1 Evacuation Pause) 37M->6M(64M) 3.717ms,
   * started at [0.059s], Eden 34->0, Survivor 2->5, Old 1->2, Archive 2->2,
   * Humongous 0->0 (1M regions), Metaspace: 75K(320K)->75K(320K),
   * User=0.00s Sys=0.01s Real=0.01s */
  gcpulse_event_t ev = get_event(path, 2, GCPULSE_KIND_YOUNG);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_G1);
  assert_string_equal(ev.cause, "G1 Evacuation Pause");
  NEAR(ev.t, 0.059);
  NEAR(ev.pause_ms, 3.717);
  assert_gens(&ev, (gens){.heap = {37 * M, 6 * M, 64 * M},
                          .young = {36 * M, 5 * M},
                          .old = {3 * M, 4 * M},
                          .meta = {75 * K, 320 * K}});
  assert_int_equal(ev.promoted, 1 * M);
  NEAR(ev.cpu_user_ms, 0);
  NEAR(ev.cpu_sys_ms, 10);
  NEAR(ev.real_ms, 10);
  uint64_t want = B(SEQ) | B(T) | B(PAUSE_MS) | B(HEAP_BEFORE) | B(HEAP_AFTER) |
                  B(HEAP_CAPACITY) | B(YOUNG_BEFORE) | B(YOUNG_AFTER) |
                  B(OLD_BEFORE) | B(OLD_AFTER) | B(PROMOTED) |
                  B(METASPACE_USED) | B(METASPACE_COMMITTED) |
                  B(CPU_USER_MS) | B(CPU_SYS_MS) | B(REAL_MS) |
                  B(PROCS) |    /* "CPUs: 2 total, 2 available" */
                  B(HEAP_MAX);  /* "Heap Max Capacity: 64M" */
  assert_int_equal(ev.known, want);
  assert_int_equal(ev.procs, 2);
  assert_int_equal(ev.heap_max, 64 * M);
  assert_int_equal(ev.flags, 0);
  const char *oom = "tests/data/jvm/jdk17-g1-oom.log";
  /* GC(8) Pause Young (Normal) (G1 Preventive Collection) after "GC(8)
   * To-space exhausted": an evacuation failure; Eden 10->0, Survivor
   * 2->2, Old 7->9, Archive 2->2: 2M promoted */
  ev = get_event(oom, 8, GCPULSE_KIND_YOUNG);
  assert_string_equal(ev.cause, "G1 Preventive Collection");
  assert_true(ev.flags & GCPULSE_EV_EVAC_FAILURE);
  assert_int_equal(ev.young_before, 12 * M);
  assert_int_equal(ev.old_after, 11 * M);
  assert_int_equal(ev.promoted, 2 * M);
  /* GC(15) Pause Young (Mixed) 19M->14M(24M) 0.345ms: mixed, heap_live =
   * heap after */
  ev = get_event(oom, 15, GCPULSE_KIND_MIXED);
  assert_string_equal(ev.cause, "G1 Preventive Collection");
  NEAR(ev.pause_ms, 0.345);
  assert_false(ev.flags & GCPULSE_EV_EVAC_FAILURE);
  assert_true(ev.known & B(HEAP_LIVE));
  assert_int_equal(ev.heap_live, ev.heap_after);
  assert_int_equal(ev.heap_after, 14 * M);
}

/* The maximum heap (-Xmx) where the log states it, stamped as heap_max on
 * every event of that run: gc,init "Heap Max Capacity:" (JDK 17+, every
 * collector but ZGC), ZGC "Max Capacity:", JDK 11 Shenandoah "Initialize
 * Shenandoah heap: ... max", JDK 6-8 "CommandLine flags: ...
 * -XX:MaxHeapSize=N".  A log that states none (-Xlog:gc) has no heap_max,
 * and a restarted JVM forgets the old one. */
static void test_heap_max(void **state) {
  (void)state;
  static const struct {
    const char *path;
    int format;
    uint64_t max;
  } files[] = {
      {"tests/data/jvm/jdk17-g1-oom.log", GCPULSE_FORMAT_JVM, 24 * M},
      {"tests/data/jvm/jdk17-z-gcstar.log", GCPULSE_FORMAT_JVM, 64 * M},
      {"tests/data/jvm/jdk17-shenandoah-gcstar.log", GCPULSE_FORMAT_JVM, 64 * M},
      {"tests/data/jvm/jdk17-parallel-none.log", GCPULSE_FORMAT_JVM, 64 * M},
      {"tests/data/jvm8/jdk8-g1-splice.log", GCPULSE_FORMAT_JVM, 268435456},
      {"tests/data/jvm8/jdk7-cms-nocause.log", GCPULSE_FORMAT_JVM, 536870912},
      {"tests/data/policy/jdk17-pauses.log", GCPULSE_FORMAT_JVM, 0},
  };
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    tu_sink s;
    assert_int_equal(tu_parse_file(files[f].path, files[f].format, &s, NULL), 0);
    assert_true(s.n_ev > 0);
    for (size_t i = 0; i < s.n_ev; i++) {
      assert_int_equal((s.ev[i].known & B(HEAP_MAX)) != 0, files[f].max != 0);
      assert_int_equal(s.ev[i].heap_max, files[f].max);
    }
    tu_sink_free(&s);
  }
  /* written from the format: JDK 11 Shenandoah, then a restart under
   * -Xlog:gc only (no maximum stated) */
  const char *text =
      "[0.022s][info][gc,init] Initialize Shenandoah heap: 248M initial, 7168K min, 3953M max\n"
      "[0.030s][info][gc     ] Using Shenandoah\n"
      "[1.000s][info][gc     ] GC(0) Pause Full 100M->20M(248M) 12.000ms\n"
      "[0.010s][info][gc] Using Serial\n"
      "[0.500s][info][gc] GC(0) Pause Young (Allocation Failure) 25M->13M(374M) 5.000ms\n";
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->format = GCPULSE_FORMAT_JVM;
  tu_sink s;
  gcpulse_t *g = feed_text(cfg, text, strlen(text), 0, &s, NULL);
  assert_int_equal(s.n_ev, 2);
  assert_int_equal(s.ev[0].heap_max, 3953 * M);
  assert_true(s.ev[1].flags & GCPULSE_EV_RESTART);
  assert_false(s.ev[1].known & B(HEAP_MAX));
  tu_sink_free(&s);
  gcpulse_free(g);
  free(cfg);
}

static void test_parallel_serial_jdk17(void **state) {
  (void)state;
  const char *par = "tests/data/jvm/jdk17-parallel-oom.log";
  /* [0.097s] GC(31) Pause Full (Ergonomics) 21M->16M(22M) 6.648ms,
   * PSYoungGen: 5712K(6656K)->560K(6656K), ParOldGen:
   * 16100K(16384K)->16253K(16384K), Metaspace: 129K(320K)->129K(320K),
   * User=0.00s Sys=0.01s Real=0.01s */
  gcpulse_event_t ev = get_event(par, 31, GCPULSE_KIND_FULL);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_PARALLEL);
  assert_string_equal(ev.cause, "Ergonomics");
  NEAR(ev.t, 0.097);
  NEAR(ev.pause_ms, 6.648);
  assert_gens(&ev, (gens){.heap = {21 * M, 16 * M, 22 * M},
                          .young = {5712 * K, 560 * K},
                          .old = {16100 * K, 16253 * K},
                          .meta = {129 * K, 320 * K}});
  NEAR(ev.cpu_user_ms, 0);
  NEAR(ev.cpu_sys_ms, 10);
  NEAR(ev.real_ms, 10);
  assert_int_equal(ev.heap_live, 16 * M);
  /* freed 5M of 21M: not OOM-class */
  assert_int_equal(ev.flags & GCPULSE_EV_OOM, 0);

  const char *ser = "tests/data/jvm/jdk17-serial-oom.log";
  /* GC(23) Pause Full (Allocation Failure) 22M->16M(23M) 1.189ms, after
   * the failed young GC(22) */
  ev = get_event(ser, 23, GCPULSE_KIND_FULL);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_SERIAL);
  assert_string_equal(ev.cause, "Allocation Failure");
  NEAR(ev.pause_ms, 1.189);
  assert_int_equal(ev.heap_before, 22 * M);
  assert_int_equal(ev.heap_after, 16 * M);
  assert_int_equal(ev.young_before, 7384 * K);
  assert_int_equal(ev.young_after, 744 * K);
  assert_int_equal(ev.old_before, 15676 * K);
  assert_int_equal(ev.old_after, 16381 * K);
  /* the first allocation-failure full GC of Serial is routine ... */
  assert_int_equal(ev.flags & GCPULSE_EV_OOM, 0);
  /* ... the second in a row, GC(24) 23M->17M(23M), is OOM-class */
  ev = get_event(ser, 24, GCPULSE_KIND_FULL);
  NEAR(ev.pause_ms, 0.607);
  assert_true(ev.flags & GCPULSE_EV_OOM);
}

static void test_serial_nested(void **state) {
  (void)state;
  /* written from trace-formats.md §2.5.3: GC(2) Full nested in GC(1) */
  const char *path = "tests/data/jvm/jdk11-serial-nested.log";
  tu_sink s;
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_JVM, &s, NULL), 0);
  assert_int_equal(s.n_ev, 4);
  /* GC(2) Full nested in GC(1) Young: emitted in id order */
  for (size_t i = 0; i < 4; i++) assert_int_equal(s.ev[i].seq, i);
  assert_int_equal(s.ev[1].kind, GCPULSE_KIND_YOUNG);
  assert_true(s.ev[1].flags & GCPULSE_EV_EVAC_FAILURE);
  NEAR(s.ev[1].pause_ms, 8.103);
  assert_int_equal(s.ev[2].kind, GCPULSE_KIND_FULL);
  NEAR(s.ev[2].pause_ms, 7.954);
  assert_int_equal(s.ev[2].heap_before, 76 * M);
  assert_int_equal(s.ev[2].heap_after, 10 * M);
  assert_int_equal(s.ev[2].heap_capacity, 98 * M);
  assert_false(s.ev[3].flags & GCPULSE_EV_EVAC_FAILURE);
  tu_sink_free(&s);
}

static void test_zgc_shenandoah(void **state) {
  (void)state;
  const char *z = "tests/data/jvm/jdk17-z-gcstar.log";
  /* GC(0) Garbage Collection (Warmup) 56M(88%)->24M(38%): a concurrent
   * cycle, [0.278s] to [0.294s] */
  gcpulse_event_t ev = get_event(z, 0, GCPULSE_KIND_CONCURRENT);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_ZGC);
  assert_string_equal(ev.cause, "Warmup");
  assert_int_equal(ev.heap_before, 56 * M);
  assert_int_equal(ev.heap_after, 24 * M);
  assert_false(ev.known & B(PAUSE_MS));
  assert_true(ev.known & B(CONCURRENT_MS));
  NEAR(ev.concurrent_ms, 15.973); /* its "Concurrent ..." phases, summed with awk */
  ev = get_event(z, 0, GCPULSE_KIND_PAUSE_OTHER); /* Pause Mark Start */
  NEAR(ev.pause_ms, 0.006);

  /* written from trace-formats.md §2.5.6 */
  const char *g = "tests/data/jvm/jdk21-zgc-gen.log";
  ev = get_event(g, 2, GCPULSE_KIND_MAJOR_CYCLE);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_ZGC_GEN);
  NEAR(ev.concurrent_ms, 41); /* 0.041s */
  assert_int_equal(ev.heap_before, 34 * M);
  assert_int_equal(ev.heap_after, 28 * M);
  ev = get_event(g, 1, GCPULSE_KIND_MINOR_CYCLE);
  NEAR(ev.concurrent_ms, 14);
  assert_int_equal(ev.heap_before, 26 * M);

  /* written from trace-formats.md §2.5.7 */
  const char *sh = "tests/data/jvm/jdk17-shenandoah-degenerated.log";
  /* Pause Degenerated GC (Update Refs) 95M->18M(96M) 1.384ms */
  ev = get_event(sh, 7, GCPULSE_KIND_DEGENERATED);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_SHENANDOAH);
  assert_string_equal(ev.cause, "Update Refs");
  NEAR(ev.pause_ms, 1.384);
  assert_int_equal(ev.heap_before, 95 * M);
  assert_int_equal(ev.heap_after, 18 * M);
  assert_int_equal(ev.heap_capacity, 96 * M);
  assert_true(ev.flags & GCPULSE_EV_OOM);
}

static void test_decorators(void **state) {
  (void)state;
  /* time-only (written from trace-formats.md §2.2): t relative to the
   * first line (30.100 -> 45.350) */
  const char *p1 = "tests/data/jvm/jdk21-g1-timeonly.log";
  gcpulse_event_t ev = get_event(p1, 0, GCPULSE_KIND_FULL);
  NEAR(ev.t, 15.25);
  assert_string_equal(ev.cause, "Diagnostic Command");
  NEAR(ev.pause_ms, 17.812);
  assert_int_equal(ev.heap_capacity, 20 * M);
  /* comma decimals in uptime and duration */
  const char *p2 = "tests/data/jvm/jdk1x-shenandoah-comma.log";
  tu_sink s;
  assert_int_equal(tu_parse_file(p2, GCPULSE_FORMAT_JVM, &s, NULL), 0);
  assert_int_equal(s.n_ev, 1);
  NEAR(s.ev[0].pause_ms, 5.918);
  NEAR(s.ev[0].t, 1.474);
  tu_sink_free(&s);
  /* every decorator style gives the same kind of events */
  static const char *const lines =
      "[2021-05-06T11:25:16.508+0800][2021-05-06T03:25:16.508+0000][0.202s][1620271516508ms][202ms][1489353078113131ns][201765461ns][B-K0S4ML7L-0237.local][45473][14083][info][gc,start     ] GC(0) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[2021-05-06T11:25:16.510+0800][2021-05-06T03:25:16.510+0000][0.204s][1620271516510ms][204ms][1489353080113131ns][203765461ns][B-K0S4ML7L-0237.local][45473][14083][info][gc           ] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2,100ms\n"
      "GC(1) Pause Full (System.gc()) 5M->2M(64M) 4.000ms\n";
  gcpulse_t *g = feed_text(NULL, lines, strlen(lines), 0, &s, NULL);
  assert_int_equal(s.n_ev, 2);
  NEAR(s.ev[0].t, 0.202); /* uptime wins over every other clock */
  NEAR(s.ev[0].pause_ms, 2.1);
  assert_int_equal(s.ev[0].heap_before, 24 * M);
  assert_int_equal(s.ev[1].kind, GCPULSE_KIND_FULL);
  assert_true(s.ev[1].flags & GCPULSE_EV_FORCED);
  assert_string_equal(s.ev[1].cause, "System.gc()");
  gcpulse_free(g);
  tu_sink_free(&s);
}

static void test_jdk8(void **state) {
  (void)state;
  /* written from trace-formats.md §2.6 */
  const char *ser = "tests/data/jvm8/jdk8-serial-tenuring.log";
  /* 0.301: [GC (Allocation Failure) 0.301: [DefNew <tenuring lines>
   * : 8704K->1024K(9792K), 0.0041230 secs] 8704K->1702K(31680K), 0.0043310
   * secs] [Times: user=0.00 sys=0.00, real=0.01 secs] */
  gcpulse_event_t ev = get_event(ser, 0, GCPULSE_KIND_YOUNG);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_SERIAL);
  NEAR(ev.t, 0.301);
  NEAR(ev.pause_ms, 4.331);
  assert_int_equal(ev.heap_before, 8704 * K);
  assert_int_equal(ev.heap_after, 1702 * K);
  assert_int_equal(ev.heap_capacity, 31680 * K);
  assert_int_equal(ev.young_before, 8704 * K);
  assert_int_equal(ev.young_after, 1024 * K);
  assert_true(ev.known & B(REAL_MS));
  NEAR(ev.real_ms, 10);
  /* 3.412: [Full GC (Metadata GC Threshold) 3.412: [Tenured: 19870K->19802K
   * ...] 27412K->19802K(31680K), [Metaspace: 11980K->11980K(12672K)],
   * 0.0211420 secs] */
  ev = get_event(ser, 2, GCPULSE_KIND_FULL);
  assert_string_equal(ev.cause, "Metadata GC Threshold");
  NEAR(ev.pause_ms, 21.142);
  assert_int_equal(ev.old_before, 19870 * K);
  assert_int_equal(ev.old_after, 19802 * K);
  assert_int_equal(ev.metaspace_used, 11980 * K);
  assert_int_equal(ev.heap_before, 27412 * K);

  const char *g1 = "tests/data/jvm8/jdk8-g1-ergonomics.log";
  /* pause line split by G1Ergonomics lines; Eden: 14.0M(14.0M)->0.0B
   * Survivors: 2048.0K->3072.0K Heap: 68.4M(96.0M)->68.6M(104.0M) */
  ev = get_event(g1, 0, GCPULSE_KIND_YOUNG);
  assert_int_equal(ev.collector, GCPULSE_COLLECTOR_G1);
  NEAR(ev.pause_ms, 12.3456);
  assert_int_equal(ev.heap_before, (uint64_t)(68.4 * M + 0.5));
  assert_int_equal(ev.heap_capacity, 104 * M);
  assert_int_equal(ev.young_before, 14 * M + 2048 * K);

  const char *cms = "tests/data/jvm8/jdk7-cms-nocause.log";
  /* 5.123: [GC [1 CMS-initial-mark: ...], 0.0012340 secs] is record 1 */
  ev = get_event(cms, 1, GCPULSE_KIND_INITIAL_MARK);
  NEAR(ev.pause_ms, 1.234);
  ev = get_event(cms, 1, GCPULSE_KIND_CONCURRENT);
  /* wall time of mark 0.046 + preclean 0.001 + abortable preclean 0.929
   * + sweep 0.063 + reset 0.010 s */
  NEAR(ev.concurrent_ms, 1049);
}

/* Feeding a file whole, byte by byte and in random chunks gives the same
 * events. */
static void test_chunking(void **state) {
  (void)state;
  static const char *const files[] = {
      "tests/data/jvm/jdk17-g1-oom.log",
      "tests/data/jvm/jdk11-serial-nested.log",
      "tests/data/jvm/jdk21-zgc-gen.log",
      "tests/data/jvm/jdk17-shenandoah-gcstar.log",
      "tests/data/jvm/jdk17-g1-utc-hostname.log",
      "tests/data/jvm8/jdk8-g1-ergonomics.log",
      "tests/data/jvm8/jdk8-serial-tenuring.log",
      "tests/data/jvm8/jdk7-cms-nocause.log",
  };
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    size_t len;
    char *data = tu_read_file(files[f], &len);
    assert_non_null(data);
    tu_sink ref;
    for (int mode = 0; mode < 3; mode++) {
      tu_sink s;
      gcpulse_callbacks_t cb;
      tu_sink_init(&s, &cb);
      gcpulse_t *g = NULL;
      assert_int_equal(gcpulse_new(NULL, &cb, &g), 0);
      assert_int_equal(tu_feed_chunks(g, data, len, mode, 7u + (unsigned)f), 0);
      gcpulse_free(g);
      if (mode == 0) {
        ref = s;
        assert_true(ref.n_ev > 0);
        continue;
      }
      assert_int_equal(s.n_ev, ref.n_ev);
      for (size_t i = 0; i < s.n_ev; i++)
        assert_memory_equal(&s.ev[i], &ref.ev[i], sizeof s.ev[i]);
      tu_sink_free(&s);
    }
    tu_sink_free(&ref);
    free(data);
  }
}

static void test_auto_detect_and_foreign(void **state) {
  (void)state;
  static const char text[] =
      "starting service\n"
      "[main] INFO something\n"
      "[0.010s][info][gc] Using Parallel\n"
      "program output line\n"
      "[0.400s][info][gc] GC(0) Pause Young (Allocation Failure) 32M->29M(123M) 6.868ms\n";
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed_text(NULL, text, sizeof text - 1, 0, &s, &st);
  assert_int_equal(st.format, GCPULSE_FORMAT_JVM);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_PARALLEL);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 3);
  assert_int_equal(s.n_ev, 1);
  assert_int_equal(s.ev[0].collector, GCPULSE_COLLECTOR_PARALLEL);
  NEAR(s.ev[0].t, 0.400 - 0.006868);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Generational Shenandoah (JDK 21+, written from the format): the old
 * generation's "Coalescing and filling (Old)" phase is concurrent work of
 * its cycle, added to the cycle's concurrent time, never a pause. */
static void test_shenandoah_generational_coalesce(void **state) {
  (void)state;
  static const char text[] =
      "[0.010s][info][gc] Using Shenandoah\n"
      "[1.000s][info][gc] GC(4) Concurrent reset (Old) 0.250ms\n"
      "[1.010s][info][gc] GC(4) Pause Init Mark (Old) 0.120ms\n"
      "[1.200s][info][gc] GC(4) Concurrent marking (Old) 180.500ms\n"
      "[1.210s][info][gc] GC(4) Pause Final Mark (Old) 0.300ms\n"
      "[1.400s][info][gc] GC(4) Coalescing and filling (Old) 12.750ms\n"
      "[2.000s][info][gc] GC(5) Pause Init Mark (Young) 0.100ms\n";
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed_text(NULL, text, sizeof text - 1, 0, &s, &st);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_SHENANDOAH);
  double conc = 0, pause = 0;
  size_t pauses = 0, cycles = 0;
  for (size_t i = 0; i < s.n_ev; i++) {
    const gcpulse_event_t *e = &s.ev[i];
    if (e->kind == GCPULSE_KIND_CONCURRENT && e->seq == 4) {
      cycles++;
      conc += e->concurrent_ms;
    } else if (e->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS)) {
      pauses++;
      pause += e->pause_ms;
    }
  }
  assert_int_equal(cycles, 1);
  NEAR(conc, 0.250 + 180.500 + 12.750);
  assert_int_equal(pauses, 3);
  NEAR(pause, 0.120 + 0.300 + 0.100);
  assert_int_equal(st.by_reason[GCPULSE_REASON_MALFORMED], 0);
  gcpulse_free(g);
  tu_sink_free(&s);
}

static void test_table_overflow_and_finish(void **state) {
  (void)state;
  static const char text[] =
      "[1.000s][info][gc,start] GC(1) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[1.100s][info][gc,start] GC(2) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[1.200s][info][gc,start] GC(3) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[1.250s][info][gc,heap ] GC(3) Eden regions: 3->0(4)\n";
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->jvm_open_events = 2;
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed_text(cfg, text, sizeof text - 1, 0, &s, &st);
  assert_int_equal(st.by_reason[GCPULSE_REASON_EVICTED], 1);    /* GC(1) */
  assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 2); /* 2, 3 */
  assert_int_equal(s.n_ev, 2);
  assert_int_equal(s.ev[0].seq, 2);
  assert_true(s.ev[0].flags & GCPULSE_EV_SYNTHETIC);
  assert_int_equal(s.ev[1].seq, 3);
  NEAR(s.ev[1].pause_ms, 50.0); /* inferred from the line times */
  gcpulse_free(g);
  free(cfg);
  tu_sink_free(&s);
}

static void test_oom_fixtures(void **state) {
  (void)state;
  static const char *const files[] = {"tests/data/jvm/jdk17-g1-oom.log",
                                      "tests/data/jvm/jdk17-parallel-oom.log",
                                      "tests/data/jvm/jdk17-serial-oom.log"};
  for (size_t f = 0; f < 3; f++) {
    tu_sink s;
    assert_int_equal(tu_parse_file(files[f], GCPULSE_FORMAT_AUTO, &s, NULL), 0);
    size_t oom = 0, full = 0;
    for (size_t i = 0; i < s.n_ev; i++) {
      if (s.ev[i].flags & GCPULSE_EV_OOM) {
        oom++;
        assert_int_equal(s.ev[i].kind, GCPULSE_KIND_FULL);
      }
      full += s.ev[i].kind == GCPULSE_KIND_FULL;
    }
    assert_true(oom > 10);
    assert_true(full >= oom);
    /* the run ends in a burst of OOM-class full GCs */
    size_t tail_full = 0;
    for (size_t i = s.n_ev - 5; i < s.n_ev; i++)
      tail_full += (s.ev[i].flags & GCPULSE_EV_OOM) != 0;
    assert_true(tail_full >= 2);
    tu_sink_free(&s);
  }
}

static void test_malformed(void **state) {
  (void)state;
  static const char text[] =
      "[0.100s][info][gc] Using G1\n"
      "[0.200s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24Q->3M(256M) 2.1ms\n"
      "[0.300s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 99999999999999999999M->3M(256M) 2.1ms\n"
      "[0.400s][info][gc] GC(2) Something New 1M->1M(2M) 1.0ms\n"
      "[0.500s][info][gc,heap] GC(3) Eden regions: x->0(4)\n";
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed_text(NULL, text, sizeof text - 1, 1, &s, &st);
  assert_int_equal(st.by_reason[GCPULSE_REASON_MALFORMED], 2);
  assert_int_equal(st.by_reason[GCPULSE_REASON_OVERFLOW], 1);
  assert_int_equal(st.by_reason[GCPULSE_REASON_JVM_UNKNOWN], 1);
  /* the pauses still count, without heap data */
  assert_int_equal(s.n_ev, 2);
  assert_false(s.ev[0].known & B(HEAP_BEFORE));
  NEAR(s.ev[0].pause_ms, 2.1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Parse the concatenation of files A and B (read in place) fed in one
 * stream; returns the events in *S and the stats in *ST. */
static void parse_two(const char *a, const char *b, int mode, tu_sink *s,
                      gcpulse_stats_t *st) {
  size_t na, nb;
  char *da = tu_read_file(a, &na);
  char *db = tu_read_file(b, &nb);
  assert_non_null(da);
  assert_non_null(db);
  char *all = malloc(na + nb + 1);
  memcpy(all, da, na);
  size_t n = na;
  if (n > 0 && all[n - 1] != '\n') all[n++] = '\n';
  memcpy(all + n, db, nb);
  n += nb;
  gcpulse_callbacks_t cb;
  tu_sink_init(s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, &cb, &g), 0);
  assert_int_equal(tu_feed_chunks(g, all, n, mode, 3), 0);
  gcpulse_stats(g, st);
  gcpulse_free(g);
  free(all);
  free(da);
  free(db);
}

/* Exactly one event flagged RESTART, at index AT. */
static void check_restart_at(const tu_sink *s, size_t at) {
  size_t n = 0;
  for (size_t i = 0; i < s->n_ev; i++)
    if (s->ev[i].flags & GCPULSE_EV_RESTART) {
      n++;
      assert_int_equal(i, at);
    }
  assert_int_equal(n, 1);
}

/* Two JVM runs in one stream: the first event of the second run carries
 * RESTART (the window resets on it), every event of both runs is kept, and
 * the GC-id table does not mix the runs. */
static void test_restart(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  /* uptime back to 0.003s ("Using Parallel" of the second run) */
  const char *g1 = "tests/data/jvm/jdk17-g1-oom.log";
  const char *par = "tests/data/jvm/jdk17-parallel-oom.log";
  const char *s8 = "tests/data/jvm8/jdk8-serial-tenuring.log";
  const char *g8 = "tests/data/jvm8/jdk8-g1-ergonomics.log";
  for (int mode = 0; mode < 3; mode += 2) {
    parse_two(g1, par, mode, &s, &st);
    assert_int_equal(s.n_ev, 96 + 89);
    check_restart_at(&s, 96);
    assert_int_equal(s.ev[95].collector, GCPULSE_COLLECTOR_G1);
    assert_int_equal(s.ev[96].collector, GCPULSE_COLLECTOR_PARALLEL);
    assert_int_equal(s.ev[96].seq, 0);
    NEAR(s.ev[96].t, 0.045); /* GC(0) of the second run */
    NEAR(s.ev[96].pause_ms, 2.924);
    assert_int_equal(st.collector, GCPULSE_COLLECTOR_PARALLEL);
    assert_int_equal(st.window_resets, 1);
    assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_EVICTED], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 0);
    tu_sink_free(&s);
  }
  /* the same run twice */
  parse_two(g1, g1, 0, &s, &st);
  assert_int_equal(s.n_ev, 2 * 96);
  check_restart_at(&s, 96);
  for (size_t i = 0; i < 96; i++) {
    s.ev[96 + i].flags &= ~GCPULSE_EV_RESTART;
    assert_memory_equal(&s.ev[i], &s.ev[96 + i], sizeof s.ev[i]);
  }
  tu_sink_free(&s);
  /* ":none" decorators (no time at all): the "Using" banner after GC lines */
  const char *none = "tests/data/jvm/jdk17-parallel-none.log";
  parse_two(none, none, 0, &s, &st);
  assert_int_equal(s.n_ev, 2 * 16);
  check_restart_at(&s, 16);
  assert_int_equal(s.ev[16].seq, 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 0);
  tu_sink_free(&s);
  /* JDK 8: the second log's first record starts at 0.312 s (its uptime
   * back from 3.412 s, its VM banner) */
  parse_two(s8, g8, 0, &s, &st);
  assert_int_equal(s.n_ev, 3 + 5);
  check_restart_at(&s, 3);
  assert_int_equal(s.ev[3].seq, 0);
  NEAR(s.ev[3].t, 0.312);
  assert_int_equal(s.ev[3].collector, GCPULSE_COLLECTOR_G1);
  assert_int_equal(s.ev[2].collector, GCPULSE_COLLECTOR_SERIAL);
  tu_sink_free(&s);
}

/* Restarts between committed fixtures: a G1 run then a Serial run (its
 * "Using Serial" banner), the same run twice, and two JDK 6/7 logs (the
 * second's VM banner). */
static void test_restart_fixtures(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  const char *g1 = "tests/data/jvm/jdk17-g1-alldecor.log";
  const char *ser = "tests/data/jvm/jdk17-serial-debug.log";
  for (int mode = 0; mode < 3; mode += 2) {
    parse_two(g1, ser, mode, &s, &st);
    assert_int_equal(s.n_ev, 10 + 13);
    check_restart_at(&s, 10);
    assert_int_equal(s.ev[9].collector, GCPULSE_COLLECTOR_G1);
    assert_int_equal(s.ev[10].collector, GCPULSE_COLLECTOR_SERIAL);
    assert_int_equal(s.ev[10].seq, 0);
    NEAR(s.ev[10].t, 0.049); /* [49ms] ... GC(0) Pause Young (Allocation Failure) */
    NEAR(s.ev[10].pause_ms, 1.534); /* 8M->1M(30M) 1.534ms */
    assert_int_equal(st.collector, GCPULSE_COLLECTOR_SERIAL);
    assert_int_equal(st.window_resets, 1);
    assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_INTERLEAVED], 0);
    tu_sink_free(&s);
  }
  parse_two(g1, g1, 0, &s, &st);
  assert_int_equal(s.n_ev, 2 * 10);
  check_restart_at(&s, 10);
  for (size_t i = 0; i < 10; i++) {
    s.ev[10 + i].flags &= ~GCPULSE_EV_RESTART;
    assert_memory_equal(&s.ev[i], &s.ev[10 + i], sizeof s.ev[i]);
  }
  tu_sink_free(&s);
  parse_two("tests/data/jvm8/jdk7-parallel-nocause.log",
            "tests/data/jvm8/jdk7-serial-perm.log", 0, &s, &st);
  assert_int_equal(s.n_ev, 6 + 4);
  check_restart_at(&s, 6);
  assert_int_equal(s.ev[5].collector, GCPULSE_COLLECTOR_PARALLEL);
  assert_int_equal(s.ev[6].collector, GCPULSE_COLLECTOR_SERIAL);
  assert_int_equal(s.ev[6].seq, 0);
  NEAR(s.ev[6].t, 0.571);
  tu_sink_free(&s);
}

/* GC(0) after larger ids (no uptime going back, no banner), with an open
 * pause of the first run that must be closed, not joined to the second. */
static void test_restart_gcid(void **state) {
  (void)state;
  static const char text[] =
      "[2024-01-01T00:00:01.000+0000][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 5M->1M(64M) 2.000ms\n"
      "[2024-01-01T00:00:02.000+0000][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 3.000ms\n"
      "[2024-01-01T00:00:03.000+0000][gc,start] GC(2) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[2024-01-01T00:00:03.010+0000][gc,heap] GC(2) Eden regions: 3->0(4)\n"
      "[2024-01-01T00:01:00.000+0000][gc] GC(0) Pause Full (System.gc()) 9M->3M(64M) 7.000ms\n"
      "[2024-01-01T00:01:01.000+0000][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 5M->1M(64M) 1.000ms\n";
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed_text(NULL, text, sizeof text - 1, 1, &s, &st);
  assert_int_equal(s.n_ev, 5);
  assert_int_equal(s.ev[2].seq, 2); /* closed at the restart */
  assert_true(s.ev[2].flags & GCPULSE_EV_SYNTHETIC);
  NEAR(s.ev[2].pause_ms, 10.0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 1);
  check_restart_at(&s, 3);
  assert_int_equal(s.ev[3].seq, 0);
  assert_int_equal(s.ev[3].kind, GCPULSE_KIND_FULL);
  assert_int_equal(s.ev[4].seq, 1);
  assert_int_equal(s.ev[4].flags & GCPULSE_EV_RESTART, 0);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* JDK 8 G1 concurrent cycles: numbered after the pause that started them;
 * one that never ends is emitted at the end, SYNTHETIC. */
static void test_jdk8_g1_cycles(void **state) {
  (void)state;
  const char *g1 = "tests/data/jvm8/jdk8-g1-ergonomics.log";
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file(g1, GCPULSE_FORMAT_AUTO, &s, &st), 0);
  size_t conc = 0;
  for (size_t i = 0; i < s.n_ev; i++) {
    if (s.ev[i].kind != GCPULSE_KIND_CONCURRENT) continue;
    conc++;
    /* 0.312: [GC pause ... (young) (initial-mark)] is record 0 */
    assert_int_equal(s.ev[i].seq, 0);
    assert_true(s.ev[i].known & B(SEQ));
    assert_int_equal(s.ev[i].flags & GCPULSE_EV_SYNTHETIC, 0);
    /* root-region scan 2.1 + mark 11.8 + cleanup 0.07 ms */
    NEAR(s.ev[i].concurrent_ms, 13.97);
  }
  assert_int_equal(conc, 1);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 0);
  tu_sink_free(&s);

  /* a cycle cut off by the end of the log */
  static const char text[] =
      "0.100: [GC pause (G1 Evacuation Pause) (young) (initial-mark), 0.0050000 secs]\n"
      " [Times: user=0.01 sys=0.00, real=0.01 secs] \n"
      "0.106: [GC concurrent-root-region-scan-start]\n"
      "0.107: [GC concurrent-root-region-scan-end, 0.0010000 secs]\n"
      "0.107: [GC concurrent-mark-start]\n"
      "0.150: [GC pause (G1 Evacuation Pause) (young), 0.0040000 secs]\n"
      " [Times: user=0.01 sys=0.00, real=0.00 secs] \n";
  gcpulse_t *g = feed_text(NULL, text, sizeof text - 1, 0, &s, &st);
  assert_int_equal(s.n_ev, 3);
  assert_int_equal(s.ev[2].kind, GCPULSE_KIND_CONCURRENT);
  assert_int_equal(s.ev[2].seq, 0);
  assert_true(s.ev[2].flags & GCPULSE_EV_SYNTHETIC);
  NEAR(s.ev[2].t, 0.107); /* stamped at its last line (legacy cycles end-stamped) */
  NEAR(s.ev[2].concurrent_ms, 1.0); /* the phases seen */
  assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Banner lines without decorators are JVM output once the stream is JVM;
 * JDK 8 header lines are recognised before the first record. */
static void test_banner_lines(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file("tests/data/jvm/jdk17-parallel-none.log",
                                 GCPULSE_FORMAT_AUTO, &s, &st),
                   0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 0);
  assert_int_equal(s.n_ev, 16);
  tu_sink_free(&s);
  static const char text[] =
      "Memory: 4k page, physical 16318412k(11827556k free), swap 0k(0k free)\n"
      "OpenJDK 64-Bit Server VM (25.342-b07) for linux-amd64 JRE (1.8.0_342-b07)\n"
      "CommandLine flags: -XX:+PrintGCDetails -XX:+UseSerialGC\n"
      "some program output\n"
      "0.265: [GC (Allocation Failure) 0.265: [DefNew: 8704K->1088K(9792K), 0.0039555 secs] 8704K->1634K(31680K), 0.0041700 secs] [Times: user=0.00 sys=0.00, real=0.00 secs] \n";
  gcpulse_t *g = feed_text(NULL, text, sizeof text - 1, 0, &s, &st);
  assert_int_equal(st.format, GCPULSE_FORMAT_JVM);
  assert_int_equal(st.by_reason[GCPULSE_REASON_JVM_INFO], 3);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 1);
  assert_int_equal(s.n_ev, 1);
  assert_int_equal(s.ev[0].collector, GCPULSE_COLLECTOR_SERIAL);
  gcpulse_free(g);
  tu_sink_free(&s);
}

static char cli_path[4096];

/* The built command: "gcpulse events --format jvm" on a recorded fixture,
 * one event's JSON fields compared with the values of its log lines. */
static void test_cli_events(void **state) {
  (void)state;
  const char *par = "tests/data/jvm/jdk17-parallel-oom.log";
  if (access(cli_path, X_OK) != 0) {
    print_message("%s not built: skipped\n", cli_path);
    skip();
  }
  char cmd[8400];
  snprintf(cmd, sizeof cmd, "'%s' events --format jvm '%s' 2>/dev/null", cli_path, par);
  FILE *f = popen(cmd, "r");
  assert_non_null(f);
  char line[4096];
  int n = 0, found = 0;
  while (fgets(line, sizeof line, f)) {
    n++;
    json_error_t err;
    json_t *o = json_loads(line, 0, &err);
    assert_non_null(o);
    /* [0.097s] GC(31) Pause Full (Ergonomics) 21M->16M(22M) 6.648ms,
     * PSYoungGen: 5712K(6656K)->560K(6656K), ParOldGen:
     * 16100K(16384K)->16253K(16384K), Metaspace: 129K(320K)->129K(320K),
     * User=0.00s Sys=0.01s Real=0.01s */
    if (json_integer_value(json_object_get(o, "seq")) == 31 &&
        strcmp(json_string_value(json_object_get(o, "kind")), "full") == 0) {
      found = 1;
      assert_string_equal(json_string_value(json_object_get(o, "runtime")), "jvm");
      assert_string_equal(json_string_value(json_object_get(o, "collector")),
                          "parallel");
      assert_string_equal(json_string_value(json_object_get(o, "cause")),
                          "Ergonomics");
      NEAR(json_number_value(json_object_get(o, "pause_ms")), 6.648);
      NEAR(json_number_value(json_object_get(o, "t")), 0.097);
      assert_int_equal(json_integer_value(json_object_get(o, "heap_before")), 21 * M);
      assert_int_equal(json_integer_value(json_object_get(o, "heap_after")), 16 * M);
      assert_int_equal(json_integer_value(json_object_get(o, "heap_capacity")), 22 * M);
      assert_int_equal(json_integer_value(json_object_get(o, "young_before")), 5712 * K);
      assert_int_equal(json_integer_value(json_object_get(o, "old_after")), 16253 * K);
      assert_int_equal(json_integer_value(json_object_get(o, "metaspace_used")), 129 * K);
      assert_int_equal(json_integer_value(json_object_get(o, "metaspace_committed")), 320 * K);
      assert_int_equal(json_integer_value(json_object_get(o, "heap_live")), 16 * M);
      NEAR(json_number_value(json_object_get(o, "cpu_sys_ms")), 10);
    }
    json_decref(o);
  }
  int st = pclose(f);
  assert_int_equal(st, 0);
  assert_int_equal(n, 89);
  assert_true(found);
}

int main(int argc, char **argv) {
  (void)argc;
  /* the command sits next to the tests directory of this build */
  snprintf(cli_path, sizeof cli_path, "%s", argv[0]);
  char *slash = strrchr(cli_path, '/');
  if (slash) *slash = '\0';
  slash = strrchr(cli_path, '/');
  if (slash)
    strcpy(slash + 1, "gcpulse");
  else
    strcpy(cli_path, "gcpulse");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fixture_totals),
      cmocka_unit_test(test_container_prefixes),
      cmocka_unit_test(test_uptime_jump),
      cmocka_unit_test(test_auto_detect_and_foreign),
      cmocka_unit_test(test_shenandoah_generational_coalesce),
      cmocka_unit_test(test_table_overflow_and_finish),
      cmocka_unit_test(test_oom_fixtures),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_restart_fixtures),
      cmocka_unit_test(test_restart_gcid),
      cmocka_unit_test(test_banner_lines),
      cmocka_unit_test(test_g1_jdk17_young),
      cmocka_unit_test(test_heap_max),
      cmocka_unit_test(test_parallel_serial_jdk17),
      cmocka_unit_test(test_serial_nested),
      cmocka_unit_test(test_zgc_shenandoah),
      cmocka_unit_test(test_decorators),
      cmocka_unit_test(test_jdk8),
      cmocka_unit_test(test_chunking),
      cmocka_unit_test(test_restart),
      cmocka_unit_test(test_jdk8_g1_cycles),
      cmocka_unit_test(test_cli_events),
  };
  /* pause totals of the shared corpus's real logs, read in place: run by
   * `make conformance` (GCPULSE_CORPUS_TESTS=1), not by make check */
  const struct CMUnitTest corpus_tests[] = {
      cmocka_unit_test(test_corpus_totals),
  };
  int rc = cmocka_run_group_tests_name("trace_jvm", tests, NULL, NULL);
  if (tu_corpus_tests())
    rc |= cmocka_run_group_tests_name("trace_jvm_corpus", corpus_tests, NULL, NULL);
  return rc;
}

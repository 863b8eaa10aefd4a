/* test_jvm_legacy.c — JDK 6/7/8 -XX:+PrintGCDetails record shapes the JDK 8
 * grammar reads (fixtures in tests/data/jvm8/, written from the format:
 * every value asserted here is read off the fixture's text), and the JVM
 * robustness guarantees: restarts only on evidence, interleaved JVMs,
 * bounded emission delay, the range check after unit scaling. */
#include "util.h"
#include "numscan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define B(f) GCPULSE_BIT(GCPULSE_FIELD_##f)
#define K 1024ull
#define M (1024ull * 1024ull)
#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void parse(const char *path, tu_sink *s, gcpulse_stats_t *st) {
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_AUTO, s, st), 0);
}

static gcpulse_t *feed(const char *text, int mode, tu_sink *s,
                       gcpulse_stats_t *st) {
  gcpulse_callbacks_t cb;
  tu_sink_init(s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, &cb, &g), 0);
  assert_int_equal(tu_feed_chunks(g, text, strlen(text), mode, 7), 0);
  gcpulse_stats(g, st);
  return g;
}

static double pause_sum(const tu_sink *s, long *n) {
  double sum = 0;
  *n = 0;
  for (size_t i = 0; i < s->n_ev; i++)
    if (s->ev[i].known & B(PAUSE_MS)) {
      sum += s->ev[i].pause_ms;
      ++*n;
    }
  return sum;
}

static void check_one_restart(const tu_sink *s, size_t at) {
  size_t n = 0;
  for (size_t i = 0; i < s->n_ev; i++)
    if (s->ev[i].flags & GCPULSE_EV_RESTART) {
      n++;
      assert_int_equal(i, at);
    }
  assert_int_equal(n, 1);
}

/* JDK 7 Parallel: "[GC [PSYoungGen: ...", "[GC-- [PSYoungGen" (promotion
 * failed), "[Full GC [PSYoungGen ... [PSPermGen: ...]" with no comma. */
static void test_parallel_nocause(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  parse("tests/data/jvm8/jdk7-parallel-nocause.log", &s, &st);
  assert_int_equal(s.n_ev, 6);
  long n;
  NEAR(pause_sum(&s, &n), 4.0346 + 6.1237 + 12.3456 + 53.4112 + 2.0001 + 40.0);
  assert_int_equal(n, 6);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_PARALLEL);
  assert_int_equal(st.by_reason[GCPULSE_REASON_FOREIGN], 0);
  const gcpulse_event_t *e = &s.ev[0];
  assert_int_equal(e->kind, GCPULSE_KIND_YOUNG);
  assert_string_equal(e->cause, "");
  NEAR(e->t, 1.994);
  assert_int_equal(e->young_before, 6144 * K);
  assert_int_equal(e->young_after, 1001 * K);
  assert_int_equal(e->heap_before, 6144 * K);
  assert_int_equal(e->heap_after, 1001 * K);
  assert_int_equal(e->heap_capacity, 23552 * K);
  NEAR(e->cpu_user_ms, 10.0);
  assert_true(s.ev[2].flags & GCPULSE_EV_EVAC_FAILURE); /* [GC-- */
  e = &s.ev[3]; /* Full GC with [PSPermGen: 2591K->2591K(21248K)] */
  assert_int_equal(e->kind, GCPULSE_KIND_FULL);
  assert_int_equal(e->heap_before, 23340 * K);
  assert_int_equal(e->heap_after, 10436 * K);
  assert_int_equal(e->heap_capacity, 23552 * K);
  assert_int_equal(e->old_before, 16184 * K);
  assert_int_equal(e->old_after, 10436 * K);
  assert_int_equal(e->metaspace_used, 2591 * K);
  assert_int_equal(e->flags & GCPULSE_EV_OOM, 0);
  e = &s.ev[5]; /* [Full GC (System) ...: JDK 6/7's System.gc() */
  assert_string_equal(e->cause, "System");
  assert_true(e->flags & GCPULSE_EV_FORCED);
  assert_int_equal(e->old_before, 10436 * K); /* PSOldGen */
  tu_sink_free(&s);
}

/* Serial with PermGen: "[Perm : 16379K->16379K(16384K)]" is metadata, not
 * the heap (which once read 16379K of 16384K: a false OOM). */
static void test_serial_perm(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  parse("tests/data/jvm8/jdk7-serial-perm.log", &s, &st);
  assert_int_equal(s.n_ev, 4);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_SERIAL);
  const gcpulse_event_t *e = &s.ev[0]; /* [GC0.571: [DefNew: ... */
  assert_int_equal(e->kind, GCPULSE_KIND_YOUNG);
  NEAR(e->t, 0.571);
  NEAR(e->pause_ms, 6.162);
  assert_int_equal(e->young_before, 4416 * K);
  e = &s.ev[1]; /* DefNew then Tenured inside one [GC: a full collection */
  assert_int_equal(e->kind, GCPULSE_KIND_FULL);
  assert_int_equal(e->heap_before, 10176 * K);
  assert_int_equal(e->heap_after, 5678 * K);
  assert_int_equal(e->metaspace_used, 5101 * K);
  e = &s.ev[2];
  assert_int_equal(e->kind, GCPULSE_KIND_FULL);
  NEAR(e->pause_ms, 91.6361);
  assert_int_equal(e->heap_before, 102064 * K);
  assert_int_equal(e->heap_after, 48950 * K);
  assert_int_equal(e->heap_capacity, 506816 * K);
  assert_int_equal(e->metaspace_used, 16379 * K);
  assert_int_equal(e->flags & GCPULSE_EV_OOM, 0);
  tu_sink_free(&s);
}

/* ParNew + CMS without causes: initial mark "[GC [1 CMS-initial-mark:",
 * remark "[GC[YG occupancy:", and a pause record split by a concurrent
 * phase that ended during it, finished by " (concurrent mode failure)" on
 * the next line: the largest pause of the log. */
static void test_cms_nocause_split(void **state) {
  (void)state;
  for (int mode = 0; mode < 3; mode++) {
    tu_sink s;
    gcpulse_stats_t st;
    size_t len;
    char *text = tu_read_file("tests/data/jvm8/jdk7-cms-nocause.log", &len);
    assert_non_null(text);
    gcpulse_t *g = feed(text, mode, &s, &st);
    free(text);
    gcpulse_stats(g, &st);
    assert_int_equal(s.n_ev, 9);
    assert_int_equal(st.collector, GCPULSE_COLLECTOR_CMS);
    assert_int_equal(st.by_reason[GCPULSE_REASON_TRUNCATED], 0);
    assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 0);
    long n;
    NEAR(pause_sum(&s, &n),
         12.512 + 1.234 + 10.1 + 2.678 + 10.0 + 4616.5192 + 15.1);
    assert_int_equal(n, 7);
    assert_int_equal(s.ev[1].kind, GCPULSE_KIND_INITIAL_MARK);
    NEAR(s.ev[1].pause_ms, 1.234);
    assert_int_equal(s.ev[3].kind, GCPULSE_KIND_REMARK);
    NEAR(s.ev[3].pause_ms, 2.678);
    /* the first cycle: mark + preclean + abortable preclean + sweep + reset
     * walls, stamped at its end (the reset line) */
    assert_int_equal(s.ev[4].kind, GCPULSE_KIND_CONCURRENT);
    NEAR(s.ev[4].concurrent_ms, 46 + 1 + 929 + 63 + 10);
    NEAR(s.ev[4].t, 6.310);
    /* the second cycle ends with the concurrent mode failure: mark and
     * the sweep cut out of the pause record */
    assert_int_equal(s.ev[6].kind, GCPULSE_KIND_CONCURRENT);
    NEAR(s.ev[6].concurrent_ms, 1346 + 1376);
    NEAR(s.ev[6].t, 797.832);
    const gcpulse_event_t *e = &s.ev[7];
    assert_int_equal(e->kind, GCPULSE_KIND_FULL);
    NEAR(e->t, 797.123);
    NEAR(e->pause_ms, 4616.5192);
    NEAR(e->real_ms, 4620.0);
    assert_true(e->flags & GCPULSE_EV_EVAC_FAILURE);
    assert_int_equal(e->old_before, 501234 * K);
    assert_int_equal(e->old_after, 312345 * K);
    assert_int_equal(e->heap_before, 520370 * K);
    assert_int_equal(e->heap_after, 312345 * K);
    assert_int_equal(e->heap_capacity, 543424 * K);
    assert_int_equal(e->metaspace_used, 45600 * K); /* [CMS Perm : */
    gcpulse_free(g);
    tu_sink_free(&s);
  }
}

/* JDK 8 with causes: a concurrent phase that ends inside a pause record
 * is cut out of it and the pause is kept.  CMS: the ParNew of abortable
 * preclean ("[ParNew2.472: [CMS-concurrent-abortable-preclean: ...]" then
 * ": 19648K->2176K ...") and the concurrent mode failure spliced with the
 * end of concurrent mark (the longest pause of the log); G1: the end of
 * concurrent mark inside an evacuation pause. */
static void test_jdk8_splices(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  parse("tests/data/jvm8/jdk8-cms-splices.log", &s, &st);
  assert_int_equal(s.n_ev, 8);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_CMS);
  assert_int_equal(st.by_reason[GCPULSE_REASON_TRUNCATED], 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 0);
  long n;
  NEAR(pause_sum(&s, &n), 1.5 + 12.15 + 6.1 + 2.0 + 312.12 + 270.1);
  assert_int_equal(n, 6);
  const gcpulse_event_t *e = &s.ev[1];
  assert_int_equal(e->kind, GCPULSE_KIND_YOUNG);
  NEAR(e->t, 2.470);
  NEAR(e->pause_ms, 12.15);
  assert_int_equal(e->heap_before, 40128 * K);
  assert_int_equal(e->heap_after, 24000 * K);
  assert_int_equal(e->young_after, 2176 * K);
  /* mark + preclean + abortable preclean (cut out of the ParNew) + sweep
   * + reset */
  assert_int_equal(s.ev[3].kind, GCPULSE_KIND_CONCURRENT);
  NEAR(s.ev[3].concurrent_ms, 28 + 2 + 40 + 9 + 2);
  /* the second cycle ends at the failure: its mark, cut out of it */
  assert_int_equal(s.ev[5].kind, GCPULSE_KIND_CONCURRENT);
  NEAR(s.ev[5].concurrent_ms, 38);
  e = &s.ev[6];
  assert_int_equal(e->kind, GCPULSE_KIND_FULL);
  NEAR(e->t, 7.815);
  NEAR(e->pause_ms, 312.12);
  assert_true(e->flags & GCPULSE_EV_EVAC_FAILURE);
  assert_int_equal(e->old_before, 42900 * K);
  assert_int_equal(e->old_after, 39800 * K);
  assert_int_equal(e->heap_before, 62548 * K);
  assert_int_equal(e->metaspace_used, 3100 * K);
  assert_int_equal(s.ev[7].kind, GCPULSE_KIND_FULL);
  NEAR(s.ev[7].pause_ms, 270.1);
  tu_sink_free(&s);

  parse("tests/data/jvm8/jdk8-g1-splice.log", &s, &st);
  assert_int_equal(s.n_ev, 5);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_G1);
  e = &s.ev[1];
  assert_int_equal(e->kind, GCPULSE_KIND_YOUNG);
  NEAR(e->pause_ms, 9.0);
  assert_int_equal(e->heap_before, 124 * M);
  assert_int_equal(e->heap_after, 102 * M);
  /* root region scan + mark (cut out of the pause) + cleanup */
  assert_int_equal(s.ev[4].kind, GCPULSE_KIND_CONCURRENT);
  NEAR(s.ev[4].concurrent_ms, 2 + 17 + 0.02);
  tu_sink_free(&s);
}

/* JDK 6 iCMS: a concurrent cycle that started at 14 s and lasted 169 s
 * arrives after pauses at 190 s; stamped at its end it is placed in the
 * window without a reset.  "(concurrent mode interrupted)" ends it. */
static void test_icms_late_cycle(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  parse("tests/data/jvm8/jdk6-icms-interrupted.log", &s, &st);
  assert_int_equal(s.n_ev, 6);
  assert_int_equal(st.window_resets, 2); /* two gaps > 60 s (20.5 -> 100 -> 190) */
  assert_int_equal(st.by_reason[GCPULSE_REASON_RESTART], 0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_OUT_OF_ORDER], 0);
  const gcpulse_event_t *c = &s.ev[4];
  assert_int_equal(c->kind, GCPULSE_KIND_CONCURRENT);
  NEAR(c->concurrent_ms, 169000 + 50);
  NEAR(c->t, 195.050);
  assert_int_equal(c->flags & (GCPULSE_EV_SYNTHETIC | GCPULSE_EV_RESTART), 0);
  const gcpulse_event_t *f = &s.ev[5];
  assert_int_equal(f->kind, GCPULSE_KIND_FULL);
  NEAR(f->pause_ms, 101.0);
  assert_int_equal(f->old_before, 40400 * K);
  assert_int_equal(f->metaspace_used, 9990 * K);
  for (size_t i = 0; i < s.n_ev; i++)
    assert_int_equal(s.ev[i].flags & GCPULSE_EV_RESTART, 0);
  tu_sink_free(&s);
}

/* Comma decimals (a JVM in a comma locale): "1,319: [GC1,320: [DefNew". */
static void test_comma_decimals(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  parse("tests/data/jvm8/jdk8-comma-serial.log", &s, &st);
  assert_int_equal(s.n_ev, 3);
  NEAR(s.ev[0].t, 1.319);
  NEAR(s.ev[0].pause_ms, 4.17);
  NEAR(s.ev[0].real_ms, 10.0);
  NEAR(s.ev[1].pause_ms, 5.1234);
  assert_int_equal(s.ev[2].kind, GCPULSE_KIND_FULL);
  NEAR(s.ev[2].pause_ms, 23.1557);
  assert_int_equal(s.ev[2].metaspace_used, 12111 * K);
  assert_int_equal(s.ev[2].heap_after, 20933 * K);
  tu_sink_free(&s);
}

/* The JDK 8 Shenandoah backport: one line per pause / concurrent phase. */
static void test_shenandoah8(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  parse("tests/data/jvm8/jdk8-shenandoah.log", &s, &st);
  assert_int_equal(st.collector, GCPULSE_COLLECTOR_SHENANDOAH);
  assert_int_equal(s.n_ev, 10);
  long n;
  NEAR(pause_sum(&s, &n), 3.341 + 2.567 + 0.123 + 0.456 + 1.0 + 2.0 + 30.25 + 45.678);
  assert_int_equal(n, 8);
  assert_int_equal(s.ev[0].kind, GCPULSE_KIND_INITIAL_MARK);
  NEAR(s.ev[0].t, 2.472);
  assert_int_equal(s.ev[1].kind, GCPULSE_KIND_FINAL_MARK);
  assert_int_equal(s.ev[2].kind, GCPULSE_KIND_PAUSE_OTHER);
  assert_int_equal(s.ev[3].heap_before, 915 * M);
  assert_int_equal(s.ev[3].heap_after, 500 * M);
  const gcpulse_event_t *c = &s.ev[4]; /* the first cycle's phases */
  assert_int_equal(c->kind, GCPULSE_KIND_CONCURRENT);
  NEAR(c->concurrent_ms, 10.123 + 0.234 + 5.678 + 8.765 + 0.100);
  assert_int_equal(c->heap_before, 921 * M);
  assert_int_equal(c->heap_after, 400 * M);
  NEAR(c->t, 2.508);
  assert_int_equal(s.ev[8].kind, GCPULSE_KIND_DEGENERATED);
  assert_string_equal(s.ev[8].cause, "Evacuation");
  assert_int_equal(s.ev[9].kind, GCPULSE_KIND_FULL);
  assert_true(s.ev[9].flags & GCPULSE_EV_FORCED);
  assert_int_equal(s.ev[9].heap_after, 100 * M);
  tu_sink_free(&s);
}

#define HDR "OpenJDK 64-Bit Server VM (25.342-b07) for linux-amd64 JRE (1.8.0_342-b07)\n"
#define REC(t, ms)                                                             \
  t ": [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "           \
    "6144K->1001K(23552K), " ms " secs] [Times: user=0.01 sys=0.00, real=0.00 secs]\n"

/* A JDK 8 "VM warning" line inside a run is not a new VM; a banner is. */
static void test_vm_warning_not_restart(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed(HDR REC("1.000", "0.0010000")
                      "OpenJDK 64-Bit Server VM warning: INFO: os::commit_memory failed\n"
                      REC("2.000", "0.0020000")
                      HDR REC("0.500", "0.0030000"),
                      0, &s, &st);
  assert_int_equal(s.n_ev, 3);
  assert_int_equal(s.ev[1].flags & GCPULSE_EV_RESTART, 0);
  assert_true(s.ev[2].flags & GCPULSE_EV_RESTART);
  assert_int_equal(st.by_reason[GCPULSE_REASON_RESTART], 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

#define UL(up, id, ms)                                                         \
  "[" up "s][info][gc] GC(" id ") Pause Young (Normal) (G1 Evacuation Pause) " \
  "6M->2M(64M) " ms "ms\n"

/* A foreign line that looks like a decorator ("[0.5s] foo") is no
 * restart; two JVMs writing to one stream are reported once and do not
 * reset the window on every line. */
static void test_restart_evidence_and_interleaving(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed("[0.010s][info][gc] Using G1\n" UL("1.000", "0", "2.000")
                      UL("2.000", "1", "3.000") "[0.5s] foo\n"
                      UL("3.000", "2", "3.000"),
                      1, &s, &st);
  assert_int_equal(s.n_ev, 3);
  assert_int_equal(st.by_reason[GCPULSE_REASON_RESTART], 0);
  assert_int_equal(st.window_resets, 0);
  for (size_t i = 0; i < s.n_ev; i++) assert_int_equal(s.ev[i].flags & GCPULSE_EV_RESTART, 0);
  gcpulse_free(g);
  tu_sink_free(&s);
  /* two JVMs: ids and uptimes of A (10.., 100 s) and B (0.., 1 s) alternate */
  char text[8192];
  size_t o = (size_t)snprintf(text, sizeof text, "[0.010s][info][gc] Using G1\n");
  for (int i = 0; i < 40; i++)
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "[%d.000s][info][gc] GC(%d) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 1.000ms\n"
                          "[%d.500s][info][gc] GC(%d) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 2.000ms\n",
                          100 + i, 10 + i, 1 + i, i);
  g = feed(text, 0, &s, &st);
  assert_int_equal(s.n_ev, 80);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INTERLEAVED], 1);
  assert_true(st.by_reason[GCPULSE_REASON_RESTART] <= 1);
  assert_true(st.window_resets <= 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* One lost summary line delays later events by at most 8 GC ids. */
static void test_lost_summary_bounded_delay(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, &cb, &g), 0);
  char line[256];
  const char *lines[] = {
      "[1.000s][info][gc,start] GC(0) Pause Young (Normal) (G1 Evacuation Pause)\n",
      "[1.002s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 2.000ms\n",
      "[2.000s][info][gc,start] GC(1) Pause Young (Normal) (G1 Evacuation Pause)\n",
      "[2.001s][info][gc,heap] GC(1) Eden regions: 3->0(4)\n", /* summary lost */
  };
  for (size_t i = 0; i < 4; i++) gcpulse_feed(g, lines[i], strlen(lines[i]));
  size_t held_max = 0;
  for (int id = 2; id < 30; id++) {
    snprintf(line, sizeof line,
             "[%d.000s][info][gc,start] GC(%d) Pause Young (Normal) (G1 Evacuation Pause)\n"
             "[%d.002s][info][gc] GC(%d) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 2.000ms\n",
             id + 1, id, id + 1, id);
    gcpulse_feed(g, line, strlen(line));
    size_t held = (size_t)id + 1 - s.n_ev; /* GCs 0..id complete or lost */
    if (held > held_max) held_max = held;
  }
  assert_true(held_max <= 9);
  assert_int_equal(s.ev[1].seq, 1);
  assert_true(s.ev[1].flags & GCPULSE_EV_SYNTHETIC);
  gcpulse_finish(g);
  gcpulse_stats(g, &st);
  assert_int_equal(s.n_ev, 30);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INCOMPLETE], 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Numbers that scan as finite but overflow after unit scaling never reach
 * on_event: the field is left out with an OVERFLOW diagnostic. */
static void test_finite_after_scaling(void **state) {
  (void)state;
  char big[700];
  memset(big, '9', 308); /* 1e307: finite, x 1000 is not */
  big[308] = '\0';
  char text[4096];
  snprintf(text, sizeof text,
           HDR "1.000: [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "
               "6144K->1001K(23552K), %s.5 secs] [Times: user=%s.1 sys=0.00, real=0.00 secs]\n"
               "2.000: [Pause Init Mark, %s.0 ms]\n"
               "[3.000s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) %s.0ms\n"
               "99999999999.000: [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "
               "6144K->1001K(23552K), 0.0010000 secs] [Times: user=0.01 sys=0.00, real=0.00 secs]\n",
           big, big, big, big);
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed(text, 0, &s, &st);
  assert_true(s.n_ev >= 2);
  for (size_t i = 0; i < s.n_ev; i++) {
    const gcpulse_event_t *e = &s.ev[i];
#define FIN_(ty, F, f) if (e->known & B(F)) assert_true(isfinite((double)e->f));
    FIN_(x, PAUSE_MS, pause_ms) FIN_(x, CPU_USER_MS, cpu_user_ms)
    FIN_(x, CONCURRENT_MS, concurrent_ms) FIN_(x, T, t)
#undef FIN_
  }
  assert_int_equal(s.ev[0].seq, 0); /* secs x 1000 and user= x 1000: left out */
  assert_int_equal(s.ev[0].known & (B(PAUSE_MS) | B(CPU_USER_MS)), 0);
  assert_true(s.ev[0].known & B(HEAP_AFTER));
  assert_true(st.by_reason[GCPULSE_REASON_OVERFLOW] >= 2);
  size_t absurd = 0; /* 99999999999 s = 3170 years */
  for (size_t i = 0; i < s.n_ev; i++)
    if (s.ev[i].t > 1e10) {
      absurd++;
      assert_true(s.ev[i].flags & GCPULSE_EV_SUSPECT_TIME);
    }
  assert_int_equal(absurd, 1);
  assert_true(st.by_reason[GCPULSE_REASON_SUSPECT_TIME] >= 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Region count x region size at or past 2^53 bytes is left out with an
 * OVERFLOW diagnostic, never wrapped (2^40 regions x 32M = 2^65). */
static void test_region_product_bounded(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed("[0.010s][info][gc] Using G1\n"
                      "[0.011s][info][gc,init] Heap Region Size: 32M\n"
                      "[1.000s][info][gc,start] GC(0) Pause Young (Normal) (G1 Evacuation Pause)\n"
                      "[1.001s][info][gc,heap] GC(0) Eden regions: 1099511627776->0(4)\n"
                      "[1.001s][info][gc,heap] GC(0) Survivor regions: 0->1(1)\n"
                      "[1.001s][info][gc,heap] GC(0) Old regions: 2->3\n"
                      "[1.001s][info][gc,heap] GC(0) Humongous regions: 0->0\n"
                      "[1.002s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 2.000ms\n"
                      "[2.000s][info][gc,start] GC(1) Pause Young (Normal) (G1 Evacuation Pause)\n"
                      "[2.001s][info][gc,heap] GC(1) Eden regions: 268435455->0(4)\n"
                      "[2.001s][info][gc,heap] GC(1) Survivor regions: 0->1(1)\n"
                      "[2.001s][info][gc,heap] GC(1) Old regions: 2->3\n"
                      "[2.001s][info][gc,heap] GC(1) Humongous regions: 0->0\n"
                      "[2.002s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 6M->2M(64M) 2.000ms\n",
                      0, &s, &st);
  assert_int_equal(s.n_ev, 2);
  assert_int_equal(s.ev[0].known & B(YOUNG_BEFORE), 0);
  assert_int_equal(s.ev[0].old_before, 2 * 32 * M);
  assert_int_equal(st.by_reason[GCPULSE_REASON_OVERFLOW], 1);
  /* (2^28 - 1) x 2^25 = 2^53 - 2^25: the largest that fits */
  assert_int_equal(s.ev[1].young_before, (268435455ull) * 32 * M);
  assert_true(s.ev[1].young_before < GCPULSE_INT_MAX);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Sizes round to whole bytes and stay below 2^53 after rounding: 2^53 - 1
 * bytes is the largest ((2^53 - 1) + 0.5 once rounded up to 2^53). */
static void test_size_rounding_bound(void **state) {
  (void)state;
  static const char a[] = "9007199254740991B", b[] = "9007199254740992B",
                    c[] = "8191.9999999999999T", d[] = "6664.5K";
  uint64_t v = 0;
  assert_non_null(gcpulse__scan_size(a, a + sizeof a - 1, 0, &v));
  assert_true(v == GCPULSE_INT_MAX - 1);
  assert_null(gcpulse__scan_size(b, b + sizeof b - 1, 0, &v));
  assert_null(gcpulse__scan_size(c, c + sizeof c - 1, 0, &v));
  assert_non_null(gcpulse__scan_size(d, d + sizeof d - 1, 0, &v));
  assert_int_equal(v, 6824448); /* 6664.5 x 1024 */
  uint64_t out = 7;
  assert_int_equal(gcpulse__mul_size(1ull << 26, 1ull << 27, &out), 0);
  assert_int_equal(out, 7);
  assert_int_equal(gcpulse__mul_size((1ull << 28) - 1, 1ull << 25, &out), 1);
  assert_true(out == GCPULSE_INT_MAX - (1ull << 25));
  assert_int_equal(gcpulse__mul_size(1ull << 40, 1ull << 40, &out), 0);
}

/* -XX:+PrintGC without details (no pools, no [Times]: a record ends when
 * the next starts or at the end), and ParNew "(promotion failed)". */
static void test_printgc_and_promotion_failed(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed(
      "Java HotSpot(TM) 64-Bit Server VM (24.80-b11) for linux-amd64 JRE (1.7.0_80-b15)\n"
      "0.150: [GC 65536K->10720K(251392K), 0.0273442 secs]\n"
      "0.300: [GC (Allocation Failure)  75536K->20720K(251392K), 0.0173442 secs]\n"
      "0.450: [Full GC 85536K->30720K(251392K), 0.1273442 secs]\n"
      "2014-01-01T10:00:00.000+0100: 0.600: [GC 0.600: [ParNew (promotion failed): "
      "17472K->17472K(19648K), 0.0210000 secs]0.621: [CMS: 40000K->30000K(43712K), "
      "0.1000000 secs] 57472K->30000K(63360K), [CMS Perm : 20000K->19990K(83968K)], "
      "0.1220000 secs] [Times: user=0.12 sys=0.00, real=0.12 secs] \n",
      2, &s, &st);
  assert_int_equal(s.n_ev, 4);
  NEAR(s.ev[0].pause_ms, 27.3442);
  assert_int_equal(s.ev[0].heap_before, 65536 * K);
  assert_int_equal(s.ev[0].heap_after, 10720 * K);
  assert_string_equal(s.ev[1].cause, "Allocation Failure");
  assert_int_equal(s.ev[2].kind, GCPULSE_KIND_FULL);
  assert_int_equal(s.ev[2].heap_live, 30720 * K);
  const gcpulse_event_t *e = &s.ev[3];
  assert_int_equal(e->kind, GCPULSE_KIND_FULL);
  assert_true(e->flags & GCPULSE_EV_EVAC_FAILURE);
  assert_int_equal(e->young_before, 17472 * K);
  assert_int_equal(e->old_before, 40000 * K);
  assert_int_equal(e->old_after, 30000 * K);
  assert_int_equal(e->heap_before, 57472 * K);
  assert_int_equal(e->metaspace_used, 19990 * K);
  NEAR(e->pause_ms, 122.0);
  assert_int_equal(st.by_reason[GCPULSE_REASON_TRUNCATED], 0);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* Two JDK 8 JVMs writing records to one stream (A at 100 s.., B at 1 s..,
 * alternating): reported once, not a restart per record. */
static void test_jdk8_interleaved(void **state) {
  (void)state;
  char text[16384];
  size_t o = (size_t)snprintf(text, sizeof text, "%s", HDR);
  for (int i = 0; i < 20; i++) {
    char a[16], b[16];
    snprintf(a, sizeof a, "%d.000", 100 + i);
    snprintf(b, sizeof b, "%d.500", 1 + i);
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "%s: [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "
                          "6144K->1001K(23552K), 0.0010000 secs] [Times: user=0.01 sys=0.00, real=0.00 secs]\n"
                          "%s: [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "
                          "6144K->1001K(23552K), 0.0020000 secs] [Times: user=0.01 sys=0.00, real=0.00 secs]\n",
                          a, b);
  }
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed(text, 2, &s, &st);
  assert_int_equal(s.n_ev, 40);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INTERLEAVED], 1);
  size_t restarts = 0;
  for (size_t i = 0; i < s.n_ev; i++) restarts += (s.ev[i].flags & GCPULSE_EV_RESTART) != 0;
  assert_true(restarts <= 1);
  assert_true(st.window_resets <= 2);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* A plain restart whose new run outlives the old one (its record times and
 * GC ids pass the old run's last) is not taken for interleaving. */
static void test_restart_outliving_old_run(void **state) {
  (void)state;
  static char text[65536];
  size_t o = (size_t)snprintf(text, sizeof text, "%s", HDR);
  for (int i = 0; i < 20; i++) /* run 1: 1 s .. 20 s */
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "%d.000: [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "
                          "6144K->1001K(23552K), 0.0010000 secs] [Times: user=0.01 sys=0.00, real=0.00 secs]\n",
                          1 + i);
  o += (size_t)snprintf(text + o, sizeof text - o, "%s", HDR);
  for (int i = 0; i < 60; i++) /* run 2: 0.5 s .. 30 s */
    o += (size_t)snprintf(text + o, sizeof text - o,
                          "%d.500: [GC (Allocation Failure) [PSYoungGen: 6144K->1001K(7168K)] "
                          "6144K->1001K(23552K), 0.0010000 secs] [Times: user=0.01 sys=0.00, real=0.00 secs]\n",
                          i / 2);
  tu_sink s;
  gcpulse_stats_t st;
  gcpulse_t *g = feed(text, 0, &s, &st);
  assert_int_equal(s.n_ev, 80);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INTERLEAVED], 0);
  check_one_restart(&s, 20);
  gcpulse_free(g);
  tu_sink_free(&s);
  /* unified logging: run 2's ids and uptime pass run 1's */
  o = 0;
  o += (size_t)snprintf(text + o, sizeof text - o, "[0.010s][info][gc] Using G1\n");
  for (int i = 0; i < 10; i++)
    o += (size_t)snprintf(text + o, sizeof text - o, UL("%d.000", "%d", "1.000"), 1 + i, i);
  o += (size_t)snprintf(text + o, sizeof text - o, "[0.010s][info][gc] Using G1\n");
  for (int i = 0; i < 40; i++)
    o += (size_t)snprintf(text + o, sizeof text - o, UL("%d.500", "%d", "1.000"), i / 2, i);
  g = feed(text, 0, &s, &st);
  assert_int_equal(s.n_ev, 50);
  assert_int_equal(st.by_reason[GCPULSE_REASON_INTERLEAVED], 0);
  check_one_restart(&s, 10);
  gcpulse_free(g);
  tu_sink_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parallel_nocause),
      cmocka_unit_test(test_serial_perm),
      cmocka_unit_test(test_cms_nocause_split),
      cmocka_unit_test(test_jdk8_splices),
      cmocka_unit_test(test_icms_late_cycle),
      cmocka_unit_test(test_comma_decimals),
      cmocka_unit_test(test_shenandoah8),
      cmocka_unit_test(test_vm_warning_not_restart),
      cmocka_unit_test(test_restart_evidence_and_interleaving),
      cmocka_unit_test(test_lost_summary_bounded_delay),
      cmocka_unit_test(test_finite_after_scaling),
      cmocka_unit_test(test_region_product_bounded),
      cmocka_unit_test(test_size_rounding_bound),
      cmocka_unit_test(test_printgc_and_promotion_failed),
      cmocka_unit_test(test_jdk8_interleaved),
      cmocka_unit_test(test_restart_outliving_old_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}

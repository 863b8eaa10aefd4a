/* test_window.c — the sliding-window feature store through the public API:
 * hand-computed features on real trace lines (transcribed by hand into
 * events, fed with gcpulse_feed_event), pane rotation, gap and restart
 * resets, out-of-order handling, saturation, unknown-with-why. */
#include "util.h"

#include "window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB 1048576.0
#define B(f) GCPULSE_BIT(GCPULSE_FIELD_##f)
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static gcpulse_t *mk(double window_s, int panes, double mem_limit,
                     tu_sink *s) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->window_s = window_s;
  cfg->panes = panes;
  cfg->memory_limit = mem_limit;
  cfg->policy_enabled = 0;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_t *cbp = NULL;
  if (s) {
    tu_sink_init(s, &cb);
    cbp = &cb;
  }
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, cbp, &g), 0);
  free(cfg);
  return g;
}

static double feat(gcpulse_t *g, int f, int stat) {
  double v = -1;
  int r = gcpulse_feature(g, f, stat, &v);
  if (r != 0)
    print_message("feature %s.%s unknown: %s\n", gcpulse_feature_name(f),
                  gcpulse_stat_name(stat), gcpulse_why_name(r));
  assert_int_equal(r, 0);
  return v;
}

static int why(gcpulse_t *g, int f, int stat) {
  double v = 123;
  int r = gcpulse_feature(g, f, stat, &v);
  assert_true(r != 0 ? v == 0.0 : isfinite(v));
  return r;
}

#define NEAR(a, b, rel)                                                       \
  do {                                                                        \
    double a_ = (a), b_ = (b);                                                \
    if (!(fabs(a_ - b_) <= (rel) * fabs(b_) + 1e-12)) {                       \
      print_message("%s = %.9g, expected %.9g\n", #a, a_, b_);                \
      fail();                                                                 \
    }                                                                         \
  } while (0)

/* ------------------------------------------------------------------ */
/* Go 1.19, GOGC=50, 1 P: the first 12 lines of
 * corpus/go/go1.19-gogc50-1p.log, transcribed:
 *   gc N @T s  A+B+C ms clock, a+b/c/d+e ms cpu, H0->H1->H2 MB, G MB goal, 1 P */
typedef struct goline {
  double t, ca, cb, cc, pa, pb, pc, pd, pe;
  int h0, h1, h2, goal;
} goline;

static const goline go12[] = {
    {0.000, 0.007, 0.11, 0.002, 0.007, 0.10, 0, 0, 0.002, 2, 2, 2, 2},
    {0.000, 0.003, 0.057, 0, 0.003, 0.056, 0, 0, 0, 3, 3, 3, 3},
    {0.001, 0.003, 0.081, 0, 0.003, 0.046, 0, 0, 0, 5, 5, 5, 4},
    {0.001, 0.003, 0.047, 0, 0.003, 0.046, 0, 0, 0, 7, 7, 7, 7},
    {0.195, 0.013, 0.13, 0.002, 0.013, 0.048, 0.045, 0, 0.002, 9, 9, 1, 10},
    {0.329, 0.014, 0.11, 0.002, 0.014, 0.042, 0.050, 0, 0.002, 2, 2, 1, 2},
    {0.463, 0.016, 0.15, 0.002, 0.016, 0.056, 0.077, 0, 0.002, 2, 2, 1, 2},
    {0.596, 0.015, 0.11, 0.002, 0.015, 0.050, 0.048, 0, 0.002, 2, 2, 1, 2},
    {0.729, 0.013, 0.12, 0.002, 0.013, 0.046, 0.047, 0, 0.002, 2, 2, 2, 2},
    {0.862, 0.015, 0.11, 0.003, 0.015, 0.047, 0.050, 0, 0.003, 3, 3, 2, 3},
    {0.995, 0.011, 0.10, 0.002, 0.011, 0.043, 0.047, 0, 0.002, 3, 3, 2, 3},
    {1.128, 0.014, 0.10, 0.002, 0.014, 0.044, 0.048, 0, 0.002, 3, 3, 2, 3},
};

/* The event the Go parser makes from one line. */
static gcpulse_event_t go_event(const goline *l, uint64_t seq) {
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_GO;
  ev.collector = GCPULSE_COLLECTOR_GO;
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.seq = seq;
  ev.t = l->t;
  ev.pause_ms = l->ca + l->cc;
  ev.concurrent_ms = l->cb;
  ev.gc_cpu_ms = l->pa + l->pb + l->pc + l->pd + l->pe;
  ev.cpu_assist_ms = l->pb;
  ev.cpu_background_ms = l->pc;
  ev.cpu_idle_ms = l->pd;
  ev.heap_before = (uint64_t)l->h0 << 20;
  ev.heap_after = (uint64_t)l->h1 << 20;
  ev.heap_live = (uint64_t)l->h2 << 20;
  ev.heap_goal = (uint64_t)l->goal << 20;
  ev.procs = 1;
  ev.stacks = 0; /* "0 MB stacks, 0 MB globals" */
  ev.globals = 0;
  ev.known = B(STACKS) | B(GLOBALS) |
             B(SEQ) | B(T) | B(PAUSE_MS) | B(CONCURRENT_MS) | B(GC_CPU_MS) |
             B(CPU_ASSIST_MS) | B(CPU_BACKGROUND_MS) | B(CPU_IDLE_MS) |
             B(HEAP_BEFORE) | B(HEAP_AFTER) | B(HEAP_LIVE) | B(HEAP_GOAL) |
             B(PROCS);
  return ev;
}

static void test_go_trace_features(void **state) {
  (void)state;
  gcpulse_t *g = mk(60, 12, 64 * MiB, NULL);
  assert_int_equal(why(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NO_DATA);
  for (size_t i = 0; i < COUNT(go12); i++) {
    gcpulse_event_t ev = go_event(&go12[i], i + 1);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  }
  /* clock 1.128 s, first event at 0: covered 1.128 s */
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 12);
  NEAR(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_VALUE), 12 / 1.128 * 60, 1e-9);
  /* intervals 0, .001, 0, .194, .134, .134, .133 x5: 11 samples */
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_VALUE), 1.128 / 11, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_MIN), 0.0, 0);
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_MAX), 0.194, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_LAST), 0.133, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_YOUNG_GC_INTERVAL, GCPULSE_STAT_VALUE), 1.128 / 11,
       1e-9);
  /* STW pauses (A + C): .009 .003 .003 .003 .015 .016 .018 .017 .015
   * .018 .013 .016; sorted ranks 6, 11, 12 -> .015 .018 .018 (exact:
   * values below 32 us have their own bucket) */
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 0.015, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P90), 0.018, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99), 0.018, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_VALUE), 0.018, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MAX), 0.018, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MIN), 0.003, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MEAN), 0.146 / 12, 1e-9);
  /* total pause 0.146 ms over 1.128 s */
  NEAR(feat(g, GCPULSE_FEAT_STW_FRACTION, GCPULSE_STAT_VALUE),
       0.146e-3 / 1.128, 1e-9);
  /* GC CPU: sum of all cpu fields = 1.182 ms, 1 P, over 1.128 s (the
   * line's own 19%/0% is cumulative and not used) */
  NEAR(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE),
       1.182e-3 / 1.128, 1e-9);
  /* heap, last line 3->3->2 MB, 3 MB goal */
  NEAR(feat(g, GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_VALUE), 2 * MiB, 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_MAX), 7 * MiB, 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_GOAL, GCPULSE_STAT_VALUE), 3 * MiB, 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_BEFORE, GCPULSE_STAT_VALUE), 3 * MiB, 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_AFTER, GCPULSE_STAT_VALUE), 3 * MiB, 0);
  /* allocation between cycle starts, H0[i] - H2[i-1] (+ H1 - H0 = 0):
   * 1+2+2+2+1+1+1+1+1+1+1 = 14 MiB over 1.128 s */
  NEAR(feat(g, GCPULSE_FEAT_ALLOC_RATE, GCPULSE_STAT_VALUE), 14 * MiB / 1.128,
       1e-9);
  /* the samples span at least 1 s each: the 11 intervals (0.995 s before
   * the last, 0.133 s) make one sample, 14 MiB over 1.128 s */
  NEAR(feat(g, GCPULSE_FEAT_ALLOC_RATE, GCPULSE_STAT_LAST), 14 * MiB / 1.128, 1e-6);
  /* time to next GC: (3 MiB goal - 2 MiB live) / (14 MiB / 1.128 s) */
  NEAR(feat(g, GCPULSE_FEAT_TIME_TO_NEXT_GC, GCPULSE_STAT_VALUE),
       1.0 / (14 / 1.128), 1e-9);
  /* peak heap 10 MiB (the 10 MB goal of gc 5) over the 64 MiB limit */
  NEAR(feat(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE),
       10.0 / 64.0, 1e-12);
  NEAR(feat(g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE), 64 * MiB, 0);
  assert_true(feat(g, GCPULSE_FEAT_OOM_EVENTS, GCPULSE_STAT_VALUE) == 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_ROOTS, GCPULSE_STAT_VALUE), 0.0, 0);
  /* Go never runs a full GC (a true 0), and has no promotion or
   * metaspace */
  assert_true(feat(g, GCPULSE_FEAT_FULL_GC_COUNT, GCPULSE_STAT_VALUE) == 0);
  assert_int_equal(why(g, GCPULSE_FEAT_PROMOTION_RATE, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NOT_APPLICABLE);
  assert_int_equal(why(g, GCPULSE_FEAT_METASPACE_PCT, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NOT_APPLICABLE);
  /* everything in one 5 s pane: no per-pane trend yet */
  assert_int_equal(why(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_SLOPE),
                   GCPULSE_WHY_SPAN_SHORT);
  assert_int_equal(why(g, GCPULSE_FEAT_HEAP_GROWTH_TS, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_TOO_FEW);
  /* pause slope: ordinary least squares over (t, pause), recomputed here */
  double n = 0, st = 0, stt = 0, sy = 0, sty = 0;
  for (size_t i = 0; i < COUNT(go12); i++) {
    double x = go12[i].t, y = go12[i].ca + go12[i].cc;
    n++, st += x, stt += x * x, sy += y, sty += x * y;
  }
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_SLOPE),
       (n * sty - st * sy) / (n * stt - st * st), 1e-6);
  /* unsupported pairs say so */
  assert_int_equal(why(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_P99),
                   GCPULSE_WHY_UNSUPPORTED);
  assert_int_equal(gcpulse_feature(g, 999, GCPULSE_STAT_VALUE, &n),
                   GCPULSE_EINVAL);
  char buf[8192];
  assert_true(gcpulse_features_to_json(g, buf, sizeof buf) > 0);
  assert_non_null(strstr(buf, "\"gc_count\""));
  gcpulse_free(g);
}

/* ------------------------------------------------------------------ */
/* JDK 17 G1 (corpus/jvm/jdk17-g1-gcstar.log, GC(0)..GC(12)), transcribed:
 * start time, kind, pause ms, heap before/after MB, young (eden+survivor
 * regions, 1M regions) before/after, old-region growth (promoted MB, -1 =
 * not known), metaspace used K (committed 320K). */
typedef struct jline {
  double t;
  int kind;
  double pause;
  int hb, ha, yb, ya, promo, meta;
} jline;

static const jline g1[] = {
    {0.395, GCPULSE_KIND_YOUNG, 3.334, 12, 12, 12, 2, 10, 77},
    {0.701, GCPULSE_KIND_YOUNG, 3.883, 22, 22, 12, 2, 10, 79},
    {1.005, GCPULSE_KIND_YOUNG, 3.720, 32, 32, 12, 2, 10, 79},
    {1.310, GCPULSE_KIND_YOUNG, 3.227, 41, 41, 12, 2, 9, 79},
    {1.563, GCPULSE_KIND_YOUNG, 2.542, 51, 51, 12, 2, 10, 79},
    {1.636, GCPULSE_KIND_YOUNG, 5.498, 66, 65, 17, 3, 13, 79},
    {1.729, GCPULSE_KIND_YOUNG, 5.063, 85, 84, 23, 3, 19, 79},
    {1.842, GCPULSE_KIND_YOUNG, 6.408, 108, 107, 27, 4, 22, 79},
    {1.995, GCPULSE_KIND_YOUNG, 9.239, 137, 135, 35, 5, 28, 79},
    {2.128, GCPULSE_KIND_YOUNG, 7.855, 163, 161, 33, 5, 25, 79},
    {2.138, GCPULSE_KIND_REMARK, 0.401, 165, 165, -1, -1, -1, -1},
    {2.140, GCPULSE_KIND_CLEANUP, 0.082, 165, 165, -1, -1, -1, -1},
    /* GC(10) Concurrent Mark Cycle 5.688ms, started at 2.135 and reported
     * after the cleanup: out of order within the pane */
    {2.135, GCPULSE_KIND_CONCURRENT, 5.688, -1, -1, -1, -1, -1, -1},
    {2.219, GCPULSE_KIND_YOUNG, 6.734, 181, 180, 25, 4, 20, 79},
    {2.261, GCPULSE_KIND_MIXED, 6.458, 188, 174, 12, 2, -1, 79},
};

static gcpulse_event_t jvm_event(const jline *l, uint64_t seq) {
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_JVM;
  ev.collector = GCPULSE_COLLECTOR_G1;
  ev.kind = l->kind;
  ev.seq = seq;
  ev.t = l->t;
  ev.known = B(SEQ) | B(T);
  if (l->kind == GCPULSE_KIND_CONCURRENT) {
    ev.concurrent_ms = l->pause;
    ev.known |= B(CONCURRENT_MS);
  } else {
    ev.pause_ms = l->pause;
    ev.known |= B(PAUSE_MS);
  }
  if (l->hb >= 0) {
    ev.heap_before = (uint64_t)l->hb << 20;
    ev.heap_after = (uint64_t)l->ha << 20;
    ev.heap_capacity = (uint64_t)256 << 20;
    ev.known |= B(HEAP_BEFORE) | B(HEAP_AFTER) | B(HEAP_CAPACITY);
  }
  if (l->yb >= 0) {
    ev.young_before = (uint64_t)l->yb << 20;
    ev.young_after = (uint64_t)l->ya << 20;
    ev.known |= B(YOUNG_BEFORE) | B(YOUNG_AFTER);
  }
  if (l->promo >= 0) {
    ev.promoted = (uint64_t)l->promo << 20;
    ev.known |= B(PROMOTED);
  }
  if (l->meta >= 0) {
    ev.metaspace_used = (uint64_t)l->meta << 10;
    ev.metaspace_committed = (uint64_t)320 << 10;
    ev.known |= B(METASPACE_USED) | B(METASPACE_COMMITTED);
  }
  return ev;
}

static void test_jvm_g1_trace_features(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_t *g = mk(60, 12, 0, &s);
  for (size_t i = 0; i < COUNT(g1); i++) {
    gcpulse_event_t ev = jvm_event(&g1[i], i);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  }
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_OUT_OF_ORDER], 0);
  /* no limit configured or fed, no -Xmx in these events, and the remark
   * leaves the heap 64 % of its "(256M)": the committed capacity is not
   * proved to be the maximum, so no limit (test_detected_limit) */
  assert_int_equal(why(g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NO_LIMIT);
  assert_int_equal(why(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NO_LIMIT);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_MEMORY_LIMIT, 2.261,
                                       256 * MiB),
                   0);
  /* covered 2.261 - 0.395 = 1.866 s; 12 collections (10 young, prepare
   * mixed, mixed); remark, cleanup and the marking cycle are not */
  const double cov = 1.866;
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 12);
  NEAR(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_VALUE), 12 / cov * 60, 1e-9);
  assert_true(feat(g, GCPULSE_FEAT_FULL_GC_COUNT, GCPULSE_STAT_VALUE) == 0);
  NEAR(feat(g, GCPULSE_FEAT_FULL_GC_RATE, GCPULSE_STAT_VALUE), 0.0, 0);
  /* young (incl. mixed) pause starts: 11 intervals, last 2.261-2.219 */
  NEAR(feat(g, GCPULSE_FEAT_YOUNG_GC_INTERVAL, GCPULSE_STAT_VALUE), cov / 11,
       1e-9);
  NEAR(feat(g, GCPULSE_FEAT_YOUNG_GC_INTERVAL, GCPULSE_STAT_MIN), 0.042, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_YOUNG_GC_INTERVAL, GCPULSE_STAT_MAX), 0.306, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_YOUNG_GC_INTERVAL, GCPULSE_STAT_LAST), 0.042, 1e-9);
  /* 14 pauses sorted: .082 .401 2.542 3.227 3.334 3.720 3.883 5.063 5.498
   * 6.408 6.458 6.734 7.855 9.239; ranks 7, 13, 14 */
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 3.883, 0.016);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P90), 7.855, 0.016);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99), 9.239, 1e-9); /* = max */
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MAX), 9.239, 1e-12);
  /* sum of pauses 64.444 ms; no User/Sys and no processor count in these
   * events: JVM GC CPU is the pause wall time, and the 5.688 ms marking
   * cycle (whose span holds the remark and cleanup pauses) is not added */
  NEAR(feat(g, GCPULSE_FEAT_STW_FRACTION, GCPULSE_STAT_VALUE), 0.064444 / cov,
       1e-9);
  NEAR(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE),
       0.064444 / cov, 1e-9);
  /* promoted: old-region growth of the young pauses, 176 MiB */
  NEAR(feat(g, GCPULSE_FEAT_PROMOTION_RATE, GCPULSE_STAT_VALUE),
       176 * MiB / cov, 1e-9);
  /* metaspace 79K used of 320K committed */
  NEAR(feat(g, GCPULSE_FEAT_METASPACE_PCT, GCPULSE_STAT_VALUE), 24.6875, 1e-12);
  NEAR(feat(g, GCPULSE_FEAT_METASPACE_PCT, GCPULSE_STAT_MIN),
       77.0 / 320 * 100, 1e-12);
  NEAR(feat(g, GCPULSE_FEAT_METASPACE_USED, GCPULSE_STAT_VALUE), 79 * 1024.0,
       0);
  /* allocation: heap before minus the previous heap after, 10+10+9+10+15
   * +20+24+30+28+4+0+16+8 = 184 MiB over 1.866 s */
  NEAR(feat(g, GCPULSE_FEAT_ALLOC_RATE, GCPULSE_STAT_VALUE), 184 * MiB / cov,
       1e-9);
  /* next young GC expected at the same occupancy: (188-174) MiB / rate */
  NEAR(feat(g, GCPULSE_FEAT_TIME_TO_NEXT_GC, GCPULSE_STAT_VALUE),
       14.0 / (184 / cov), 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_AFTER, GCPULSE_STAT_VALUE), 174 * MiB, 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_BEFORE, GCPULSE_STAT_MAX), 188 * MiB, 0);
  NEAR(feat(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE),
       188.0 / 256.0, 1e-12);
  /* G1 young pauses give no live heap, and the JVM has no goal */
  assert_int_equal(why(g, GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NO_DATA);
  assert_int_equal(why(g, GCPULSE_FEAT_HEAP_GOAL, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NOT_APPLICABLE);
  assert_int_equal(why(g, GCPULSE_FEAT_HEAP_ROOTS, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NOT_APPLICABLE);
  /* heap growth: least squares of the post-GC heap over time */
  double n = 0, st = 0, stt = 0, sy = 0, sty = 0;
  for (size_t i = 0; i < COUNT(g1); i++) {
    if (g1[i].ha < 0) continue;
    double x = g1[i].t, y = g1[i].ha * MiB;
    n++, st += x, stt += x * x, sy += y, sty += x * y;
  }
  NEAR(feat(g, GCPULSE_FEAT_HEAP_GROWTH, GCPULSE_STAT_VALUE),
       (n * sty - st * sy) / (n * stt - st * st), 1e-6);
  /* an OOM-class event counts */
  gcpulse_event_t ev = jvm_event(&g1[0], 99);
  ev.t = 2.3;
  ev.flags = GCPULSE_EV_EVAC_FAILURE;
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_true(feat(g, GCPULSE_FEAT_OOM_EVENTS, GCPULSE_STAT_VALUE) == 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* ------------------------------------------------------------------ */
/* Mechanics with synthetic, exactly representable times. */

static gcpulse_event_t simple(double t, double pause) {
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_GO;
  ev.collector = GCPULSE_COLLECTOR_GO;
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.t = t;
  ev.pause_ms = pause;
  ev.known = B(T) | B(PAUSE_MS);
  return ev;
}

static void feed(gcpulse_t *g, double t, double pause) {
  gcpulse_event_t ev = simple(t, pause);
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
}

static void test_pane_rotation(void **state) {
  (void)state;
  /* 60 s / 12 panes: one GC per second for 100 s */
  gcpulse_t *g = mk(60, 12, 0, NULL);
  for (int i = 0; i <= 100; i++) feed(g, i, 1.0 + (i >= 50 ? 1.0 : 0.0));
  /* clock 100 s, head pane [100,105): the window starts at 45 s */
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 56);
  NEAR(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_VALUE), 56.0 / 55 * 60, 1e-12);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MIN), 1.0, 0);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MEAN), (5 * 1.0 + 51 * 2.0) / 56,
       1e-12);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 2.0, 0.016);
  /* steady rate: per-pane rate slope is zero */
  NEAR(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_SLOPE), 0.0, 1e-9);
  /* ticks rotate panes without events; by 105 s pane [45,50) is gone */
  assert_int_equal(gcpulse_tick(g, 105.0), 0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 51);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MIN), 2.0, 0);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 2.0, 0.016);
  /* 60 s of ticks with no event empties the window (without a reset) */
  assert_int_equal(gcpulse_tick(g, 165.0), 0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 0);
  NEAR(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_VALUE), 0.0, 0);
  assert_int_equal(why(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99),
                   GCPULSE_WHY_NO_DATA);
  assert_int_equal(why(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_LAST),
                   GCPULSE_WHY_NO_DATA);
  gcpulse_free(g);
}

static void test_rising_trends(void **state) {
  (void)state;
  gcpulse_t *g = mk(60, 12, 0, NULL);
  /* GC rate rising: in second s, the GCs come every 1/(1+s/20) s; pause
   * grows 0.5 ms per second; live heap grows 1 MiB/s with an outlier */
  double t = 0;
  while (t < 60) {
    gcpulse_event_t ev = simple(t, 1.0 + 0.5 * t);
    ev.heap_live = (uint64_t)((10 + t) * MiB);
    if (t > 30 && t < 31) ev.heap_live = (uint64_t)(500 * MiB);
    ev.known |= B(HEAP_LIVE);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
    t += 1.0 / (1.0 + t / 20.0);
  }
  assert_true(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_SLOPE) > 0);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_SLOPE), 0.5, 1e-6);
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_SLOPE) < 0, 1, 0);
  /* Theil-Sen on pane means shrugs off the outlier pane */
  NEAR(feat(g, GCPULSE_FEAT_HEAP_GROWTH_TS, GCPULSE_STAT_VALUE), MiB, 0.02);
  gcpulse_free(g);
}

static void test_gap_and_restart_reset(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_t *g = mk(60, 12, 0, &s);
  for (int i = 0; i < 10; i++) feed(g, i, 1.0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 10);
  /* a gap longer than the window resets before the event is added */
  feed(g, 9 + 61, 3.0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_GAP_RESET], 1);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 1);
  assert_int_equal(why(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NO_DATA); /* the chain restarted too */
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 3.0, 0.016);
  /* a gap of exactly the window does not reset */
  feed(g, 70 + 60, 1.0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_GAP_RESET], 1);
  /* restart: flagged by the parser; reset, then accepted, even if the
   * time goes back */
  gcpulse_event_t ev = simple(0.5, 7.0);
  ev.flags = GCPULSE_EV_RESTART;
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_RESTART], 1);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 1);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MAX), 7.0, 0);
  /* an unflagged absurd time (Go's wrapped "@18445023415.341s"): a gap
   * reset; the normal times after it are a new clock, not late data */
  feed(g, 18445023415.341, 1.0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_GAP_RESET], 2);
  feed(g, 2.0, 4.0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_RESTART], 2);
  feed(g, 2.5, 4.0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_OUT_OF_ORDER], 0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 2);
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_LAST), 0.5, 1e-12);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.window_resets, 4);
  gcpulse_free(g);
  tu_sink_free(&s);
}

static void test_out_of_order(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_t *g = mk(60, 12, 0, &s); /* 5 s panes */
  feed(g, 20.0, 1.0);
  feed(g, 23.0, 1.0);
  feed(g, 21.0, 5.0);  /* same pane [20,25): accepted */
  feed(g, 27.0, 1.0);  /* head [25,30) */
  feed(g, 22.0, 6.0);  /* previous pane: accepted */
  gcpulse_event_t ev = simple(19.0, 9.0); /* pane [15,20): dropped */
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_OUT_OF_ORDER], 1);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 5);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MAX), 6.0, 0);
  /* out-of-order samples do not move "last" or the clock, and do not
   * make negative intervals */
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_LAST), 1.0, 0);
  NEAR(feat(g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_MIN), 3.0, 0);
  /* a suspect time never moves the clock: counted at the current time */
  ev = simple(1e10, 2.0);
  ev.flags = GCPULSE_EV_SUSPECT_TIME;
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 6);
  NEAR(feat(g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_VALUE), 6.0 / 7 * 60, 1e-12);
  /* scavenges are not GC cycles */
  ev = simple(27.5, 0);
  ev.kind = GCPULSE_KIND_SCAVENGE;
  ev.known = B(T);
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 6);
  /* an event of unknown kind brings its pause but is no collection */
  ev = simple(28.0, 8.0);
  ev.kind = GCPULSE_KIND_UNKNOWN;
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 6);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_MAX), 8.0, 0);
  gcpulse_free(g);
  tu_sink_free(&s);
}

static void test_saturation(void **state) {
  (void)state;
  /* 70 000 identical pauses in one pane: the u16 bucket saturates at
   * 65 535, never wraps; the exact counters keep counting */
  gcpulse_t *g = mk(60, 12, 0, NULL);
  for (int i = 0; i < 70000; i++) feed(g, 1.0 + i * 1e-5, 0.25);
  assert_true(feat(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE) == 70000);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99), 0.25, 0.016);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 0.25, 0.016);
  /* rotation subtracts exactly what was kept */
  assert_int_equal(gcpulse_tick(g, 100.0), 0);
  assert_int_equal(why(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99),
                   GCPULSE_WHY_NO_DATA);
  feed(g, 101.0, 4.0);
  NEAR(feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50), 4.0, 0.016);
  gcpulse_free(g);
}

static void test_metrics_and_custom(void **state) {
  (void)state;
  gcpulse_t *g = mk(60, 12, 0, NULL);
  int id = gcpulse_metric_id(g, "sched_latency_ms");
  assert_true(id >= GCPULSE_FEAT_CUSTOM);
  assert_int_equal(why(g, id, GCPULSE_STAT_VALUE), GCPULSE_WHY_NO_DATA);
  for (int i = 0; i <= 40; i++) {
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, i, 100 + 10 * i), 0);
    assert_int_equal(gcpulse_feed_metric(g, id, i, 2.0), 0);
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_LATENCY, i, 1 + i % 10), 0);
  }
  NEAR(feat(g, GCPULSE_FEAT_QPS, GCPULSE_STAT_VALUE), 500, 0);
  NEAR(feat(g, GCPULSE_FEAT_QPS, GCPULSE_STAT_MEAN), 300, 1e-12);
  NEAR(feat(g, GCPULSE_FEAT_QPS, GCPULSE_STAT_RATE), 10, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_QPS, GCPULSE_STAT_SLOPE), 10, 1e-9);
  NEAR(feat(g, id, GCPULSE_STAT_MEAN), 2.0, 0);
  NEAR(feat(g, id, GCPULSE_STAT_SLOPE), 0.0, 1e-12);
  assert_true(feat(g, id, GCPULSE_STAT_CUSUM) == 0);
  /* latency 1..10 ms cycling, 41 samples: p50 rank 21 -> 5 ms */
  NEAR(feat(g, GCPULSE_FEAT_LATENCY, GCPULSE_STAT_P50), 5.0, 0.032);
  NEAR(feat(g, GCPULSE_FEAT_LATENCY, GCPULSE_STAT_P99), 10.0, 0.032);
  /* a metric alone does not make GC features known */
  assert_int_equal(why(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE),
                   GCPULSE_WHY_NO_DATA);
  /* a jump in the custom metric raises its CUSUM flag */
  assert_int_equal(gcpulse_feed_metric(g, id, 41, 50.0), 0);
  assert_true(feat(g, id, GCPULSE_STAT_CUSUM) == 1);
  /* RSS rate too few samples */
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, 41, 1e9), 0);
  assert_int_equal(why(g, GCPULSE_FEAT_RSS, GCPULSE_STAT_RATE),
                   GCPULSE_WHY_TOO_FEW);
  NEAR(feat(g, GCPULSE_FEAT_RSS, GCPULSE_STAT_EWMA), 1e9, 0);
  gcpulse_free(g);
}

static void test_supports_table(void **state) {
  (void)state;
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_PAUSE, GCPULSE_STAT_SLOPE));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_FULL_GC_RATE, GCPULSE_STAT_SLOPE));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_YOUNG_GC_INTERVAL, GCPULSE_STAT_SLOPE));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_PROMOTION_RATE, GCPULSE_STAT_SLOPE));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_ALLOC_RATE, GCPULSE_STAT_CUSUM));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_CUSUM));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_GOGC_PINNED, GCPULSE_STAT_VALUE));
  assert_true(gcpulse_feature_supports(GCPULSE_FEAT_CUSTOM + 3, GCPULSE_STAT_EWMA));
  assert_false(gcpulse_feature_supports(GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_P50));
  assert_false(gcpulse_feature_supports(GCPULSE_FEAT_PAUSE, GCPULSE_STAT_COUNT));
  assert_false(gcpulse_feature_supports(-1, GCPULSE_STAT_VALUE));
  /* every supported pair of an empty instance is unknown with a reason */
  gcpulse_t *g = mk(60, 12, 0, NULL);
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++)
    for (int st = 0; st < GCPULSE_STAT_COUNT; st++) {
      double v = 1;
      int r = gcpulse_feature(g, f, st, &v);
      assert_true(r > 0);
      assert_true(v == 0.0);
      if (!gcpulse_feature_supports(f, st))
        assert_int_equal(r, GCPULSE_WHY_UNSUPPORTED);
    }
  gcpulse_free(g);
}

static void test_gogc_set_and_config(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  cfg->panes = 1;
  assert_int_equal(gcpulse_config_check(cfg, &err), GCPULSE_ECONFIG);
  assert_string_equal(err.path, "window.panes");
  assert_string_equal(err.text, "must be between 2 and 64");
  gcpulse_config_init(cfg);
  cfg->window_s = 1;
  cfg->panes = 64; /* the narrowest panes the ranges allow: 15.6 ms */
  assert_int_equal(gcpulse_config_check(cfg, &err), 0);
  gcpulse_config_init(cfg);
  cfg->cusum_h = 0;
  assert_int_equal(gcpulse_config_check(cfg, NULL), GCPULSE_ECONFIG);
  gcpulse_config_init(cfg);
  cfg->window_s = NAN;
  assert_int_equal(gcpulse_config_check(cfg, NULL), GCPULSE_ECONFIG);
  /* bigger windows cost more memory, all of it at creation */
  gcpulse_config_init(cfg);
  size_t small = gcpulse_footprint(cfg);
  cfg->panes = 64;
  assert_true(gcpulse_footprint(cfg) > small);
  free(cfg);
}


/* ------------------------------------------------------------------ */
/* CUSUM through the window: pauses ~ N(1 ms, 0.1 ms) at 10 events/s,
 * then a 1-sigma upward shift.  Seeded. */
static uint64_t rng = 0x853c49e6748fea9bull;
static double unif(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return ((rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) {
  return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

static void test_cusum_in_window(void **state) {
  (void)state;
  int delays[20], false_alarms = 0, evals = 0;
  for (int run = 0; run < 20; run++) {
    gcpulse_t *g = mk(60, 12, 0, NULL);
    double t = 0;
    int i, prev = 0;
    assert_int_equal(why(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_CUSUM),
                     GCPULSE_WHY_NO_DATA);
    for (i = 0; i < 300; i++, t += 0.1) {
      feed(g, t, 1.0 + 0.1 * gauss());
      double v;
      int r = gcpulse_feature(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_CUSUM, &v);
      if (i < 30) assert_int_equal(r, GCPULSE_WHY_TOO_FEW);
      if (r == 0) {
        evals++;
        if (v != 0 && prev == 0) false_alarms++;
        prev = v != 0;
      }
    }
    /* after the alarm hold (one 5 s pane) the flag is down again */
    for (int j = 0; j < 60; j++, t += 0.1) feed(g, t, 1.0);
    delays[run] = -1;
    for (i = 1; i <= 100; i++, t += 0.1) {
      feed(g, t, 1.1 + 0.1 * gauss());
      if (feat(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_CUSUM) == 1) {
        delays[run] = i;
        break;
      }
    }
    gcpulse_free(g);
  }
  double mean = 0;
  for (int run = 0; run < 20; run++) {
    assert_true(delays[run] > 0);
    mean += delays[run] / 20.0;
  }
  print_message("window CUSUM: 1-sigma shift flagged after %.1f samples on "
                "average; %d alarm onsets in %d in-control readings\n",
                mean, false_alarms, evals);
  /* the EWMA baseline estimates mean and sigma; still near the table */
  assert_true(mean <= 15);
  assert_true(false_alarms <= evals / 100);
}

/* ------------------------------------------------------------------ */
/* The transcriptions above match the corpus files (skipped without the
 * corpus). */
static void test_transcription_matches_corpus(void **state) {
  (void)state;
  TU_CORPUS_OR_SKIP(path, "go/go1.19-gogc50-1p.log");
  size_t len;
  char *data = tu_read_file(path, &len);
  assert_non_null(data);
  char *line = data;
  for (size_t i = 0; i < COUNT(go12); i++) {
    int n, h0, h1, h2, goal, procs;
    double t, ca, cb, cc, pa, pb, pc, pd, pe;
    int pct;
    assert_int_equal(sscanf(line, "gc %d @%lfs %d%%: %lf+%lf+%lf ms clock, "
                                  "%lf+%lf/%lf/%lf+%lf ms cpu, %d->%d->%d MB, "
                                  "%d MB goal, 0 MB stacks, 0 MB globals, %d P",
                            &n, &t, &pct, &ca, &cb, &cc, &pa, &pb, &pc, &pd,
                            &pe, &h0, &h1, &h2, &goal, &procs),
                     16);
    const goline *l = &go12[i];
    assert_int_equal(n, (int)i + 1);
    assert_true(t == l->t && ca == l->ca && cb == l->cb && cc == l->cc);
    assert_true(pa == l->pa && pb == l->pb && pc == l->pc && pd == l->pd &&
                pe == l->pe);
    assert_true(h0 == l->h0 && h1 == l->h1 && h2 == l->h2 && goal == l->goal);
    assert_int_equal(procs, 1);
    line = strchr(line, '\n') + 1;
  }
  free(data);
  TU_CORPUS_OR_SKIP(jpath, "jvm/jdk17-g1-gcstar.log");
  data = tu_read_file(jpath, &len);
  assert_non_null(data);
  /* each transcribed pause: its start line and its summary line */
  for (size_t i = 0; i < COUNT(g1); i++) {
    const jline *l = &g1[i];
    char want[160];
    if (l->kind == GCPULSE_KIND_CONCURRENT) {
      snprintf(want, sizeof want, "Concurrent Mark Cycle %.3fms", l->pause);
    } else {
      snprintf(want, sizeof want, "%dM->%dM(256M) %.3fms", l->hb, l->ha,
               l->pause);
      char start[32];
      snprintf(start, sizeof start, "[%.3fs][info][gc,start", l->t);
      assert_non_null(strstr(data, start));
    }
    if (strstr(data, want) == NULL) print_message("missing: %s\n", want);
    assert_non_null(strstr(data, want));
  }
  free(data);
}

/* ------------------------------------------------------------------ */
/* Derived features set by the instance after controller decisions, the
 * configured memory limit, and what survives a restart. */
static void test_set_and_sticky(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->memory_limit = 512 * MiB;
  gcpulse__window *w = calloc(1, gcpulse__window_size(cfg));
  gcpulse__window_init(w, cfg);
  double v;
  /* the configured limit is known before any data */
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT,
                                           GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 512 * MiB);
  assert_true(isnan(gcpulse__window_now(w)));
  /* no clock yet: set and advance do nothing */
  gcpulse__window_set(w, GCPULSE_FEAT_GOGC, 1.0, 100);
  gcpulse__window_advance(w, 5.0);
  assert_true(isnan(gcpulse__window_now(w)));
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC,
                                           GCPULSE_STAT_VALUE, &v),
                   GCPULSE_WHY_NO_DATA);
  gcpulse_event_t ev = simple(10.0, 1.0);
  assert_int_equal(gcpulse__window_event(w, &ev), GCPULSE_REASON_NONE);
  /* GOGC falls 10 per decision, every 2 s */
  for (int i = 0; i < 10; i++) {
    gcpulse__window_advance(w, 10.0 + 2 * i);
    gcpulse__window_set(w, GCPULSE_FEAT_GOGC, 10.0 + 2 * i, 200 - 10 * i);
    gcpulse__window_set(w, GCPULSE_FEAT_GOGC_PINNED, 10.0 + 2 * i, i >= 7 ? i - 6 : 0);
  }
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC, GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 110);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC, GCPULSE_STAT_SLOPE, &v), 0);
  assert_true(fabs(v + 5) < 1e-9);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC_PINNED, GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 3);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC, GCPULSE_STAT_EWMA, &v),
                   GCPULSE_WHY_UNSUPPORTED);
  /* one precedence rule: a fed metric does not override the configured
   * limit (config, then metric, then detected from the log) */
  assert_int_equal(gcpulse__window_metric(w, GCPULSE_FEAT_MEMORY_LIMIT, 28.0, 256 * MiB),
                   GCPULSE_REASON_NONE);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 512 * MiB);
  /* a restart forgets the GC data but keeps GOGC and the limit */
  ev = simple(1.0, 1.0);
  ev.flags = GCPULSE_EV_RESTART;
  assert_int_equal(gcpulse__window_event(w, &ev), GCPULSE_REASON_RESTART);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC, GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 110);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 512 * MiB);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_VALUE, &v),
                   GCPULSE_WHY_NO_DATA);
  /* a full reset goes back to the configured limit */
  gcpulse__window_reset(w);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 512 * MiB);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_GOGC, GCPULSE_STAT_VALUE, &v),
                   GCPULSE_WHY_NO_DATA);
  free(w);
  free(cfg);
}

/* The limit detected from a JVM log: the maximum heap the log states
 * (event heap_max: gc,init "Heap Max Capacity", JDK 8 MaxHeapSize); else
 * the committed capacity only where the log proves it is the maximum: a
 * full GC or remark that leaves the heap >= 70 % of it (the JVM grows its
 * heap to keep 40 % free, so it could not).  Capacity alone is no limit.
 * A caller metric and the configuration still come first. */
static void test_detected_limit(void **state) {
  (void)state;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  gcpulse__window *w = calloc(1, gcpulse__window_size(cfg));
  gcpulse__window_init(w, cfg);
  double v;
  static const struct {
    double t;
    int kind;
    uint64_t after_mib, cap_mib, max_mib; /* max 0: not in the event */
    double want_mib;                      /* 0: no limit */
  } steps[] = {
      {1.0, GCPULSE_KIND_YOUNG, 30, 32, 0, 0},  /* near the committed heap: */
      {2.0, GCPULSE_KIND_YOUNG, 90, 96, 0, 0},  /* the JVM may still grow it */
      {3.0, GCPULSE_KIND_FULL, 40, 96, 0, 0},   /* 42 % full: room was kept */
      {4.0, GCPULSE_KIND_REMARK, 70, 96, 0, 96},/* 73 % full: it is -Xmx */
      {5.0, GCPULSE_KIND_FULL, 100, 128, 0, 128}, /* grew: the larger */
      {6.0, GCPULSE_KIND_FULL, 50, 64, 0, 128},   /* shrank: still 128 */
      {7.0, GCPULSE_KIND_YOUNG, 16, 64, 512, 512},/* -Xmx stated: that */
      {8.0, GCPULSE_KIND_FULL, 600, 600, 512, 512},
  };
  for (size_t i = 0; i < COUNT(steps); i++) {
    gcpulse_event_t ev = simple(steps[i].t, 1.0);
    ev.runtime = GCPULSE_RT_JVM;
    ev.collector = GCPULSE_COLLECTOR_G1;
    ev.kind = steps[i].kind;
    ev.heap_before = ev.heap_after = steps[i].after_mib << 20;
    ev.heap_capacity = steps[i].cap_mib << 20;
    ev.known |= B(HEAP_BEFORE) | B(HEAP_AFTER) | B(HEAP_CAPACITY);
    if (steps[i].max_mib) {
      ev.heap_max = steps[i].max_mib << 20;
      ev.known |= B(HEAP_MAX);
    }
    assert_int_equal(gcpulse__window_event(w, &ev), GCPULSE_REASON_NONE);
    int r = gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT,
                                    GCPULSE_STAT_VALUE, &v);
    if (steps[i].want_mib == 0) {
      assert_int_equal(r, GCPULSE_WHY_NO_LIMIT);
      continue;
    }
    assert_int_equal(r, 0);
    assert_true(v == steps[i].want_mib * MiB);
    /* heap_limit_ratio reads the same limit */
    assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_HEAP_LIMIT_RATIO,
                                             GCPULSE_STAT_LAST, &v), 0);
    assert_true(v > 0);
  }
  /* a detected limit does not move: every slope of it is 0 */
  static const int still[] = {GCPULSE_STAT_SLOPE, GCPULSE_STAT_RATE,
                              GCPULSE_STAT_RECENT_SLOPE};
  for (size_t i = 0; i < COUNT(still); i++) {
    assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT,
                                             still[i], &v), 0);
    assert_true(v == 0);
  }
  /* a caller metric comes before anything detected */
  assert_int_equal(gcpulse__window_metric(w, GCPULSE_FEAT_MEMORY_LIMIT, 9.0, 1024 * MiB),
                   GCPULSE_REASON_NONE);
  assert_int_equal(gcpulse__window_feature(w, GCPULSE_FEAT_MEMORY_LIMIT,
                                           GCPULSE_STAT_VALUE, &v), 0);
  assert_true(v == 1024 * MiB);
  free(w);
  free(cfg);
}

/* Every supported pair is implemented: on a window with Go data and
 * every caller metric, none answers "unsupported" or a negative error. */
static void test_supported_pairs_implemented(void **state) {
  (void)state;
  gcpulse_t *g = mk(60, 12, 64 * MiB, NULL);
  int id = gcpulse_metric_id(g, "queue_depth");
  for (int k = 0; k < 40; k++)
    for (size_t i = 0; i < COUNT(go12); i++) {
      goline l = go12[i];
      l.t += 1.2 * k + (k ? 0.05 : 0);
      gcpulse_event_t ev = go_event(&l, 12 * (uint64_t)k + i + 1);
      assert_int_equal(gcpulse_feed_event(g, &ev), 0);
      int ms[] = {GCPULSE_METRIC_QPS, GCPULSE_METRIC_RSS,
                  GCPULSE_METRIC_LATENCY, id};
      for (size_t m = 0; m < COUNT(ms); m++)
        assert_int_equal(gcpulse_feed_metric(g, ms[m], l.t, 10 + (double)(i % 3)), 0);
    }
  int known = 0, total = 0;
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT + 1; f++) {
    int fid = f < GCPULSE_FEAT_BUILTIN_COUNT ? f : id;
    for (int st = 0; st < GCPULSE_STAT_COUNT; st++) {
      if (!gcpulse_feature_supports(fid, st)) continue;
      double v;
      int r = gcpulse_feature(g, fid, st, &v);
      total++;
      if (r == 0) known++;
      if (r < 0 || r == GCPULSE_WHY_UNSUPPORTED)
        print_message("%s.%s -> %d\n", gcpulse_feature_name(fid),
                      gcpulse_stat_name(st), r);
      assert_true(r >= 0 && r != GCPULSE_WHY_UNSUPPORTED);
    }
  }
  print_message("%d of %d supported pairs known on a Go trace\n", known, total);
  gcpulse_free(g);
}

/* The statistics and features the policy's leak and emergency rules read,
 * on a synthetic Go stream with hand-computed answers: a cycle every 1 s
 * for t = 0..29, live heap 10 MiB + 1 MiB/s x t, goal twice the live heap,
 * GC CPU 100 ms per cycle (1 proc) until t = 19 and 400 ms from t = 20. */
static void test_leak_and_emergency_features(void **state) {
  (void)state;
  gcpulse_t *g = mk(60, 12, 100 * MiB, NULL);
  for (int i = 0; i < 30; i++) {
    gcpulse_event_t e;
    gcpulse_event_init(&e);
    e.runtime = GCPULSE_RT_GO;
    e.collector = GCPULSE_COLLECTOR_GO;
    e.kind = GCPULSE_KIND_GO_CYCLE;
    e.t = i;
    e.heap_live = (uint64_t)((10 + i) * MiB);
    e.heap_after = e.heap_live;
    e.heap_before = e.heap_live;
    e.heap_goal = 2 * e.heap_live;
    e.gc_cpu_ms = i < 20 ? 100 : 400;
    e.procs = 1;
    e.known = B(T) | B(HEAP_LIVE) | B(HEAP_AFTER) | B(HEAP_BEFORE) |
              B(HEAP_GOAL) | B(GC_CPU_MS) | B(PROCS);
    assert_int_equal(gcpulse_feed_event(g, &e), 0);
  }
  /* recent slope: least squares over the newest 3 panes: exactly 1 MiB/s */
  assert_true(fabs(feat(g, GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_RECENT_SLOPE) -
                   MiB) < 1.0);
  /* growth relative to the heap: 1 MiB/s over a mean of 24.5 MiB, per min */
  assert_true(fabs(feat(g, GCPULSE_FEAT_HEAP_GROWTH_PCT, GCPULSE_STAT_VALUE) -
                   6000.0 / 24.5) < 1e-6);
  /* last post-GC heap over the limit: 39 / 100 */
  assert_true(fabs(feat(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_LAST) -
                   0.39) < 1e-12);
  /* peak over the limit (goal 78 MiB): VALUE */
  assert_true(fabs(feat(g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE) -
                   0.78) < 1e-12);
  /* GC CPU: whole window (2 + 4 s) / 29 s; recent = panes [20, 30):
   * 4 s / 9 s */
  assert_true(fabs(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE) -
                   6.0 / 29.0) < 1e-12);
  assert_true(fabs(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_LAST) -
                   4.0 / 9.0) < 1e-12);
  /* RSS over the peak heap: unknown until RSS is fed */
  double v;
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_RSS_HEAP_RATIO,
                                   GCPULSE_STAT_VALUE, &v),
                   GCPULSE_WHY_NO_DATA);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, 29.5, 117 * MiB),
                   0);
  assert_true(fabs(feat(g, GCPULSE_FEAT_RSS_HEAP_RATIO, GCPULSE_STAT_VALUE) -
                   1.5) < 1e-12);
  gcpulse_free(g);
}

/* ------------------------------------------------------------------ */
/* JVM GC CPU fraction on recorded logs.  The expected figures come from
 * the log text alone (awk, not gcpulse):
 *   awk '/\[gc,init\] CPUs: [0-9]+ total, [0-9]+ available/ { cpus = $(NF - 1) }
 *        / User=[0-9.]+s Sys=[0-9.]+s / { for (i = 1; i <= NF; i++) {
 *            if ($i ~ /^User=/) cpu += substr($i, 6) + 0;
 *            if ($i ~ /^Sys=/) cpu += substr($i, 5) + 0 } }
 *        /GC\([0-9]+\) Pause .*ms$/ { v = $NF; sub(/ms$/, "", v); stw += v }
 *        /GC\([0-9]+\) (Pause |Concurrent Mark Cycle)/ && $NF !~ /ms$/ {
 *            t = substr($1, 2) + 0; if (n++ == 0) first = t; last = t }
 *        END { print cpus, cpu, stw, first, last }' jdk17-g1-marking.log
 *   -> 2 0.27 282.71 0.052 6.014
 * (CPUs "available"; Σ User + Sys s; Σ pause ms; first and last event start
 * lines, the window's covered time). */

static gcpulse_t *feed_file(const char *path, tu_sink *s) {
  gcpulse_t *g = mk(60, 12, 0, s);
  size_t len;
  char *data = tu_read_file(path, &len);
  assert_non_null(data);
  assert_int_equal(tu_feed_chunks(g, data, len, 0, 0), 0);
  free(data);
  return g;
}

static void test_jvm_gc_cpu_g1_log(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_t *g = feed_file("tests/data/jvm/jdk17-g1-marking.log", &s);
  /* every event carries the run's processor count; 149 pauses with User/Sys,
   * 17 marking cycles (the last cut off by the end of the log) */
  size_t pauses = 0, cycles = 0;
  for (size_t i = 0; i < s.n_ev; i++) {
    assert_true(s.ev[i].known & B(PROCS));
    assert_int_equal(s.ev[i].procs, 2);
    if (s.ev[i].kind == GCPULSE_KIND_CONCURRENT) {
      cycles++;
    } else {
      pauses++;
      assert_true(s.ev[i].known & B(CPU_USER_MS));
      assert_true(s.ev[i].known & B(CPU_SYS_MS));
    }
  }
  assert_int_equal(pauses, 149);
  assert_int_equal(cycles, 17);
  const double cov = 6.014 - 0.052;
  /* (User + Sys) / CPUs / covered time: 0.0226, where pause + concurrent
   * wall time read 0.38 */
  NEAR(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE),
       0.27 / 2 / cov, 1e-9);
  NEAR(feat(g, GCPULSE_FEAT_STW_FRACTION, GCPULSE_STAT_VALUE),
       0.28271 / cov, 1e-9);
  double last = feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_LAST);
  assert_true(last >= 0 && last <= 1);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* JDK 8 (CMS, -XX:+PrintGCDetails): no processor count in the log, so the
 * fraction is the pause wall time; the [Times:] of the concurrent phases
 * and their spans are not counted.  Pauses (the record totals) 20.1 + 5 +
 * 30.1 + 13 + 25.1 + 4 + 28.1 + 14 + 22.1 = 161.5 ms from 1.000 s to
 * 10.000 s; the concurrent phases sum to 2 x 2992 ms.  With the processor
 * count given (2, fed with the events), the pauses' user + sys: 40 + 10 +
 * 60 + 20 + 50 + 10 + 60 + 30 + 40 = 320 ms, / 2. */
static void test_jvm_gc_cpu_jdk8_log(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_t *g = feed_file("tests/data/jvm8/jdk8-cms-marking.log", &s);
  assert_int_equal(s.n_ev, 11);
  NEAR(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE), 0.1615 / 9,
       1e-9);
  NEAR(feat(g, GCPULSE_FEAT_STW_FRACTION, GCPULSE_STAT_VALUE), 0.1615 / 9,
       1e-9);
  gcpulse_free(g);
  gcpulse_t *h = mk(60, 12, 0, NULL);
  for (size_t i = 0; i < s.n_ev; i++) {
    assert_false(s.ev[i].known & B(PROCS));
    gcpulse_event_t ev = s.ev[i];
    ev.procs = 2;
    ev.known |= B(PROCS);
    assert_int_equal(gcpulse_feed_event(h, &ev), 0);
  }
  NEAR(feat(h, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE), 0.160 / 9,
       1e-9);
  gcpulse_free(h);
  tu_sink_free(&s);
}

/* The CPUs line: "available" is used, a bad line is ignored, and a new run
 * of the JVM in the same stream forgets the previous run's count. */
static void test_jvm_cpus_line(void **state) {
  (void)state;
  static const char text[] =
      "[0.003s][info][gc] Using G1\n"
      "[0.005s][info][gc,init] CPUs: 8 total, 3 available\n"
      "[0.100s][info][gc,start] GC(0) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[0.102s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 2.000ms\n"
      "[0.102s][info][gc,cpu] GC(0) User=0.01s Sys=0.00s Real=0.00s\n"
      "[0.003s][info][gc] Using G1\n"
      "[0.005s][info][gc,init] CPUs: 0 total, 0 available\n"
      "[0.100s][info][gc,start] GC(0) Pause Young (Normal) (G1 Evacuation Pause)\n"
      "[0.102s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(256M) 2.000ms\n"
      "[0.102s][info][gc,cpu] GC(0) User=0.01s Sys=0.00s Real=0.00s\n";
  tu_sink s;
  gcpulse_t *g = mk(60, 12, 0, &s);
  assert_int_equal(tu_feed_chunks(g, text, sizeof text - 1, 0, 0), 0);
  assert_int_equal(s.n_ev, 2);
  assert_true(s.ev[0].known & B(PROCS));
  assert_int_equal(s.ev[0].procs, 3);
  assert_true(s.ev[1].flags & GCPULSE_EV_RESTART);
  assert_false(s.ev[1].known & B(PROCS));
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* The fraction is a share of the machine's time: never above 1, however
 * long a pause is against the time covered. */
static void test_gc_cpu_capped(void **state) {
  (void)state;
  gcpulse_t *g = mk(60, 12, 0, NULL);
  gcpulse_event_t ev;
  for (int i = 0; i < 3; i++) {
    gcpulse_event_init(&ev);
    ev.runtime = GCPULSE_RT_JVM;
    ev.collector = GCPULSE_COLLECTOR_SERIAL;
    ev.kind = GCPULSE_KIND_FULL;
    ev.t = 1.0 + i;
    ev.pause_ms = 5000.0; /* 5 s pauses 1 s apart: a bad log or clock */
    ev.known = B(T) | B(PAUSE_MS);
    assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  }
  NEAR(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE), 1.0, 0);
  NEAR(feat(g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_LAST), 1.0, 0);
  gcpulse_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_go_trace_features),
      cmocka_unit_test(test_jvm_g1_trace_features),
      cmocka_unit_test(test_pane_rotation),
      cmocka_unit_test(test_detected_limit),
      cmocka_unit_test(test_rising_trends),
      cmocka_unit_test(test_gap_and_restart_reset),
      cmocka_unit_test(test_out_of_order),
      cmocka_unit_test(test_saturation),
      cmocka_unit_test(test_metrics_and_custom),
      cmocka_unit_test(test_supports_table),
      cmocka_unit_test(test_gogc_set_and_config),
      cmocka_unit_test(test_cusum_in_window),
      cmocka_unit_test(test_set_and_sticky),
      cmocka_unit_test(test_supported_pairs_implemented),
      cmocka_unit_test(test_leak_and_emergency_features),
      cmocka_unit_test(test_jvm_gc_cpu_g1_log),
      cmocka_unit_test(test_jvm_gc_cpu_jdk8_log),
      cmocka_unit_test(test_jvm_cpus_line),
      cmocka_unit_test(test_gc_cpu_capped),
  };
  /* the transcriptions checked against the shared corpus: `make
   * conformance` (GCPULSE_CORPUS_TESTS=1), not make check */
  const struct CMUnitTest corpus_tests[] = {
      cmocka_unit_test(test_transcription_matches_corpus),
  };
  int rc = cmocka_run_group_tests_name("window", tests, NULL, NULL);
  if (tu_corpus_tests())
    rc |= cmocka_run_group_tests_name("window_corpus", corpus_tests, NULL, NULL);
  return rc;
}

/* bench_window.c — cost of the feature store: one GC-event update through
 * the window (all features), one histogram record, one quantile query,
 * and the memory breakdown of the default instance.  BENCH_QUICK=1 runs a
 * short smoke version. */
#include "estimators.h"
#include "gogc.h"
#include "histogram.h"
#include "policy.h"
#include "trace_jvm.h"
#include "window.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

int main(void) {
  int quick = getenv("BENCH_QUICK") != NULL;
  long n = quick ? 200000 : 5000000;
  gcpulse_config_t *cfg = calloc(1, sizeof *cfg);
  gcpulse_config_init(cfg);

  /* ---- memory breakdown ---- */
  printf("memory (default config):\n");
  printf("  instance total       %7zu B (limit 131072)\n", gcpulse_footprint(cfg));
  printf("  window               %7zu B\n", gcpulse__window_size(cfg));
  printf("    pause histogram    %7zu B (S=5, 12 panes x 736 u16 + u32 aggregate)\n",
         gcpulse__hist_bytes(5, 27, 12));
  printf("    latency histogram  %7zu B (S=4, 12 panes x 336 u16 + u32 aggregate)\n",
         gcpulse__hist_bytes(4, 24, 12));
  printf("  jvm open-event table %7zu B\n", gcpulse__jvm_size(cfg));
  printf("  gogc controller      %7zu B\n", gcpulse__gogc_size(cfg));
  printf("  policy table         %7zu B\n", gcpulse__policy_size(cfg));
  printf("  line buffer          %7zu B\n", cfg->max_line);

  /* ---- event update: Go-like events, ~100/s of event time, irregular ---- */
  size_t wsz = gcpulse__window_size(cfg);
  gcpulse__window *w = calloc(1, wsz);
  gcpulse__window_init(w, cfg);
  enum { NEV = 4096 };
  gcpulse_event_t *evs = calloc(NEV, sizeof *evs);
  for (int i = 0; i < NEV; i++) {
    gcpulse_event_t *e = &evs[i];
    e->runtime = GCPULSE_RT_GO;
    e->collector = GCPULSE_COLLECTOR_GO;
    e->kind = GCPULSE_KIND_GO_CYCLE;
    e->pause_ms = 0.01 + (double)(next() % 1000) / 1000.0;
    e->concurrent_ms = 1.0;
    e->gc_cpu_ms = 2.5;
    e->procs = 8;
    e->heap_before = (40u + next() % 8) << 20;
    e->heap_after = e->heap_before + (1u << 20);
    e->heap_live = (20u + next() % 4) << 20;
    e->heap_goal = 40u << 20;
    e->known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS) | GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_PROCS) | GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) | GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL);
  }
  /* the event times, precomputed so the loop times only the window */
  double *ts = malloc(NEV * sizeof *ts);
  double t = 0, best = 1e30, t0;
  for (int rep = 0; rep < 7; rep++) { /* best of 7: the machine is shared */
    long m = n / 7;
    t0 = now_ns();
    for (long i = 0; i < m; i++) {
      gcpulse_event_t *e = &evs[i & (NEV - 1)];
      if ((i & (NEV - 1)) == 0) { /* ~100 events/s, irregular */
        double t1 = now_ns();
        for (int j = 0; j < NEV; j++) ts[j] = t += 0.002 + (double)(next() & 1023) * 1.6e-5;
        t0 += now_ns() - t1;
      }
      e->t = ts[i & (NEV - 1)];
      gcpulse__window_event(w, e);
    }
    double ns = (now_ns() - t0) / m;
    if (ns < best) best = ns;
  }
  printf("event update (all features, pane rotation amortised): %.1f ns/event (best of 7)\n", best);
  free(ts);

  /* ---- queries ---- */
  double v, sink = 0;
  long nq = quick ? 20000 : 1000000;
  t0 = now_ns();
  for (long i = 0; i < nq; i++) {
    gcpulse__window_feature(w, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99, &v);
    sink += v;
  }
  printf("pause p99 via the feature reader: %.1f ns/query\n", (now_ns() - t0) / nq);
  t0 = now_ns();
  long nf = quick ? 2000 : 100000;
  for (long i = 0; i < nf; i++)
    for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++)
      for (int s = 0; s < GCPULSE_STAT_COUNT; s++)
        if (gcpulse__window_supports(f, s) && gcpulse__window_feature(w, f, s, &v) == 0)
          sink += v;
  printf("every supported (feature, stat) pair: %.2f us per full read\n",
         (now_ns() - t0) / nf / 1000.0);

  /* ---- raw histogram ---- */
  void *mem = calloc(1, gcpulse__hist_bytes(5, 27, 12));
  gcpulse__hist h;
  gcpulse__hist_init(&h, mem, 5, 27, 12);
  enum { NV = 1 << 16 };
  uint64_t *vals = malloc(NV * sizeof *vals);
  for (int i = 0; i < NV; i++) vals[i] = 1 + (next() % 200000);
  long nr = quick ? 2000000 : 70000000;
  best = 1e30;
  for (int rep = 0; rep < 7; rep++) {
    t0 = now_ns();
    for (long i = 0; i < nr / 7; i++) {
      if ((i & 0xFFFF) == 0) gcpulse__hist_evict(&h, (unsigned)((i >> 16) % 12));
      gcpulse__hist_record(&h, (unsigned)((i >> 16) % 12), vals[i & (NV - 1)]);
    }
    double ns = (now_ns() - t0) / (nr / 7);
    if (ns < best) best = ns;
  }
  printf("histogram record (S=5, eviction amortised): %.2f ns/record (best of 7)\n", best);
  const double qs[] = {0.5, 0.9, 0.99, 0.999};
  t0 = now_ns();
  for (long i = 0; i < nq; i++) {
    gcpulse__hist_quantile(&h, qs[i & 3], &v);
    sink += v;
  }
  printf("histogram quantile (p50/p90/p99/p99.9 mix): %.1f ns/query\n", (now_ns() - t0) / nq);

  /* ---- EWMA update ---- */
  gcpulse__ewma e = {0};
  t0 = now_ns();
  for (long i = 0; i < nr / 10; i++)
    gcpulse__ewma_add(&e, (double)(i & 255), i * 0.01 + (i & 7) * 1e-3,
                      gcpulse__ewma_alpha(0.01 + (i & 7) * 1e-3, 30));
  printf("EWMA update incl. exp: %.2f ns\n", (now_ns() - t0) / (nr / 10));

  /* ---- Theil-Sen ---- */
  double x[60], y[60], scratch[60 * 59 / 2], s;
  for (int i = 0; i < 60; i++) x[i] = i, y[i] = 3.0 * i + (double)(next() % 100);
  long nt = quick ? 2000 : 100000;
  t0 = now_ns();
  for (long i = 0; i < nt; i++) gcpulse__theil_sen(x, y, 12, scratch, &s), sink += s;
  printf("Theil-Sen 12 points: %.2f us\n", (now_ns() - t0) / nt / 1000);
  t0 = now_ns();
  for (long i = 0; i < nt / 10; i++) gcpulse__theil_sen(x, y, 60, scratch, &s), sink += s;
  printf("Theil-Sen 60 points: %.2f us\n", (now_ns() - t0) / (nt / 10) / 1000);
  if (sink == 42.4242) printf("%g\n", sink);
  free(vals);
  free(mem);
  free(evs);
  free(w);
  free(cfg);
  return 0;
}

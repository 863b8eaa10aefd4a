/*
 * gosim.h — a small deterministic model of the Go GC pacer, for the GOGC
 * controller's tests and benchmark.  Header-only (static functions), no
 * allocation, no clock, no randomness beyond a seeded xorshift.
 *
 * Model (one step of DT seconds at a time):
 *   - allocation rate A(t) = QPS(t) x bytes_per_req (QPS from a piecewise-
 *     linear schedule, optionally jittered per second by a seeded factor);
 *   - the live heap L(t) follows its own piecewise-linear schedule;
 *   - heap goal (Go >= 1.18): goal = max(marked + (marked + roots)*GOGC/100,
 *     4 MiB * GOGC/100); GOGC < 0 (off) = no goal (only the limit, if any);
 *   - trigger = goal - A*expected_mark_time, kept within 70..95 % of the
 *     runway (goal - marked), like the pacer's trigger bounds;
 *   - marking takes (L + roots) / scan_bps seconds of wall time while the
 *     mutator keeps allocating (black allocation: the bytes allocated during
 *     mark survive this cycle, so H2 = L + allocated-during-mark);
 *   - GC CPU per cycle = (L + roots) x cpu_per_byte + cycle_cpu_s
 *     (mark cost proportional to live + roots);
 *   - RSS = max(heap now, last cycle's peak) + nonheap;
 *   - an optional runtime memory limit (gosim_set_limit, as
 *     debug.SetMemoryLimit; it covers the Go heap only, non-heap memory is
 *     C memory the runtime cannot see) caps the goal at the limit, but never
 *     below marked + 1 MiB (a stand-in for the GC CPU limiter's floor).
 * A changed GOGC takes effect at once (as debug.SetGCPercent recomputes the
 * goal and trigger), which gosim_set_gogc does.
 *
 * Each finished cycle is reported as a gcpulse_event_t (Go cycle with
 * H0/H1/H2, goal, stacks, globals, P, GC CPU); QPS and RSS are reported
 * once per second.  gosim_feature() answers feature reads straight from
 * the model (exact values, 60 s window) so the controller can be driven
 * without the library's window.
 */
#ifndef GCPULSE_GOSIM_H
#define GCPULSE_GOSIM_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "gcpulse.h"

#define GOSIM_MIB 1048576.0
#define GOSIM_PTS 64
#define GOSIM_RING 4096

typedef struct gosim_sched {
  int n;
  double t[GOSIM_PTS], v[GOSIM_PTS];
} gosim_sched;

typedef struct gosim_params {
  double dt;            /* step, s (default 0.001) */
  double procs;         /* GOMAXPROCS (2) */
  double bytes_per_req; /* allocation per request (128 KiB) */
  double scan_bps;      /* mark throughput, bytes/s of wall time (1e9) */
  double cpu_per_byte;  /* GC CPU-seconds per byte of live + roots (2e-9) */
  double cycle_cpu_s;   /* fixed GC CPU per cycle (0.0005) */
  double roots;         /* stacks + globals (4 MiB) */
  double nonheap;       /* RSS beyond the heap (0) */
  double limit;         /* memory limit in bytes for breach accounting (1 GiB) */
  double limit_ratio;   /* budget = limit * ratio - nonheap (0.9) */
  double jitter;        /* per-second relative QPS jitter amplitude (0) */
  unsigned seed;
  int feed_rss;         /* report RSS each second (1) */
  double window_s;      /* window of gosim_feature (60) */
  gosim_sched qps;      /* requests/s over time */
  gosim_sched live;     /* live heap bytes over time */
} gosim_params;

typedef struct gosim_io {
  int (*event)(void *ud, const gcpulse_event_t *ev);
  int (*metric)(void *ud, int metric, double t, double value);
  void *ud;
} gosim_io;

typedef struct gosim {
  gosim_params p;
  double t;
  double gogc;
  double marked;   /* H2 of the last cycle */
  double heap;     /* current heap bytes */
  double goal;
  double last_peak;
  double golimit;  /* runtime memory limit, bytes (0 = none) */
  int marking;
  double mark_end, mark_h0, mark_t0, mark_live;
  double qps_now, jit;
  uint64_t rng;
  double next_sec;
  uint64_t seq;
  /* ring of finished cycles for gosim_feature */
  double ring_t[GOSIM_RING], ring_live[GOSIM_RING], ring_cpu[GOSIM_RING];
  int ring_n, ring_head;
  gcpulse_event_t last_ev;
  double rss;
  /* results */
  uint64_t cycles;
  double gc_cpu_s;     /* total GC CPU-seconds */
  double peak_heap;    /* max H1 */
  double max_fill;     /* max (H1 + nonheap) / (limit * ratio) */
  uint64_t breaches;   /* cycles whose H1 + nonheap exceeded limit * ratio */
  double gogc_min, gogc_max;
} gosim;

static inline void gosim_sched_set(gosim_sched *s, int n, const double *t,
                                   const double *v) {
  s->n = n > GOSIM_PTS ? GOSIM_PTS : n;
  for (int i = 0; i < s->n; i++) {
    s->t[i] = t[i];
    s->v[i] = v[i];
  }
}

static inline double gosim_sched_at(const gosim_sched *s, double t) {
  if (s->n == 0) return 0;
  if (t <= s->t[0]) return s->v[0];
  for (int i = 1; i < s->n; i++) {
    if (t < s->t[i]) {
      double f = (t - s->t[i - 1]) / (s->t[i] - s->t[i - 1]);
      return s->v[i - 1] + f * (s->v[i] - s->v[i - 1]);
    }
  }
  return s->v[s->n - 1];
}

/* Constant QPS and live heap. */
static inline void gosim_params_init(gosim_params *p) {
  memset(p, 0, sizeof *p);
  p->dt = 0.001;
  p->procs = 2;
  p->bytes_per_req = 128 * 1024.0;
  p->scan_bps = 1e9;
  p->cpu_per_byte = 2e-9;
  p->cycle_cpu_s = 0.0005;
  p->roots = 4 * GOSIM_MIB;
  p->nonheap = 0;
  p->limit = 1024 * GOSIM_MIB;
  p->limit_ratio = 0.9;
  p->jitter = 0;
  p->seed = 1;
  p->feed_rss = 1;
  p->window_s = 60;
  double t0[] = {0}, q[] = {500}, l[] = {100 * GOSIM_MIB};
  gosim_sched_set(&p->qps, 1, t0, q);
  gosim_sched_set(&p->live, 1, t0, l);
}

static inline double gosim_alloc_rate(const gosim *s) {
  return s->qps_now * s->p.bytes_per_req;
}

static inline void gosim_commit(gosim *s) {
  if (s->gogc < 0) {
    s->goal = INFINITY;
  } else {
    double g = s->gogc / 100.0;
    double a = s->marked + (s->marked + s->p.roots) * g;
    double b = 4 * GOSIM_MIB * g;
    s->goal = a > b ? a : b;
  }
  if (s->golimit > 0 && s->goal > s->golimit) {
    double lo = s->marked + GOSIM_MIB;
    s->goal = s->golimit > lo ? s->golimit : lo;
  }
}

/* Set the runtime memory limit as debug.SetMemoryLimit would (<= 0: none). */
static inline void gosim_set_limit(gosim *s, double bytes) {
  if (!isfinite(bytes)) return;
  s->golimit = bytes > 0 ? bytes : 0;
  gosim_commit(s);
}

/* Set GOGC as debug.SetGCPercent would (goal recomputed now). */
static inline void gosim_set_gogc(gosim *s, double gogc) {
  if (!isfinite(gogc)) return;
  s->gogc = gogc;
  if (gogc >= 0) {
    if (gogc < s->gogc_min) s->gogc_min = gogc;
    if (gogc > s->gogc_max) s->gogc_max = gogc;
  }
  gosim_commit(s);
}

static inline void gosim_init(gosim *s, const gosim_params *p, double gogc) {
  memset(s, 0, sizeof *s);
  s->p = *p;
  s->rng = 0x9E3779B97F4A7C15ull ^ (uint64_t)p->seed;
  s->marked = gosim_sched_at(&p->live, 0);
  s->heap = s->marked;
  s->jit = 1;
  s->qps_now = gosim_sched_at(&p->qps, 0);
  s->gogc_min = 1e18;
  s->gogc_max = -1e18;
  gosim_set_gogc(s, gogc);
}

static inline double gosim_trigger(const gosim *s) {
  if (!isfinite(s->goal)) return INFINITY;
  double runway = s->goal - s->marked;
  if (runway < 0) runway = 0;
  double est = (s->marked + s->p.roots) / s->p.scan_bps;
  double tr = s->goal - gosim_alloc_rate(s) * est;
  double lo = s->marked + 0.7 * runway, hi = s->marked + 0.95 * runway;
  return tr < lo ? lo : tr > hi ? hi : tr;
}

static inline double gosim_rand(gosim *s) {
  uint64_t x = s->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  s->rng = x;
  return (double)(x >> 11) / 9007199254740992.0; /* [0, 1) */
}

/* Finish the cycle in progress; report it. */
static inline int gosim_end_cycle(gosim *s, const gosim_io *io) {
  double h0 = s->mark_h0, h1 = s->heap;
  double live = s->mark_live + (h1 - h0);
  double cpu = (s->mark_live + s->p.roots) * s->p.cpu_per_byte +
               s->p.cycle_cpu_s;
  s->marking = 0;
  s->cycles++;
  s->seq++;
  s->gc_cpu_s += cpu;
  if (h1 > s->peak_heap) s->peak_heap = h1;
  double budget = s->p.limit * s->p.limit_ratio;
  double fill = (h1 + s->p.nonheap) / budget;
  if (fill > s->max_fill) s->max_fill = fill;
  if (fill > 1.0) s->breaches++;
  gcpulse_event_t ev;
  memset(&ev, 0, sizeof ev);
  ev.runtime = GCPULSE_RT_GO;
  ev.collector = GCPULSE_COLLECTOR_GO;
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.seq = s->seq;
  ev.t = s->t; /* record time = cycle end, as the Go package stamps it */
  ev.pause_ms = 0.05;
  ev.concurrent_ms = (s->t - s->mark_t0) * 1000.0;
  ev.gc_cpu_ms = cpu * 1000.0;
  ev.cpu_background_ms = cpu * 1000.0;
  ev.heap_before = (uint64_t)h0;
  ev.heap_after = (uint64_t)h1;
  ev.heap_live = (uint64_t)live;
  ev.heap_goal = (uint64_t)(isfinite(s->goal) ? s->goal : h1);
  ev.stacks = (uint64_t)(s->p.roots / 2);
  ev.globals = (uint64_t)(s->p.roots - (double)ev.stacks);
  ev.procs = (uint32_t)s->p.procs;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_SEQ) | GCPULSE_BIT(GCPULSE_FIELD_T) |
             GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_CPU_BACKGROUND_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL) |
             GCPULSE_BIT(GCPULSE_FIELD_STACKS) |
             GCPULSE_BIT(GCPULSE_FIELD_GLOBALS) |
             GCPULSE_BIT(GCPULSE_FIELD_PROCS);
  s->last_ev = ev;
  s->last_peak = h1;
  s->ring_t[s->ring_head] = s->t;
  s->ring_live[s->ring_head] = live;
  s->ring_cpu[s->ring_head] = cpu;
  s->ring_head = (s->ring_head + 1) % GOSIM_RING;
  if (s->ring_n < GOSIM_RING) s->ring_n++;
  /* the new cycle's goal */
  s->marked = live;
  s->heap = live;
  gosim_commit(s);
  return io && io->event ? io->event(io->ud, &ev) : 0;
}

/* Advance the model to T_END.  Returns the first non-zero callback
 * result, else 0. */
static inline int gosim_run(gosim *s, double t_end, const gosim_io *io) {
  int rc = 0;
  while (s->t < t_end && rc == 0) {
    double dt = s->p.dt;
    s->t += dt;
    s->qps_now = gosim_sched_at(&s->p.qps, s->t) * s->jit;
    double a = gosim_alloc_rate(s);
    s->heap += a * dt;
    double live_now = gosim_sched_at(&s->p.live, s->t);
    if (!s->marking && s->heap >= gosim_trigger(s)) {
      s->marking = 1;
      s->mark_t0 = s->t;
      s->mark_h0 = s->heap;
      s->mark_live = live_now;
      s->mark_end = s->t + (live_now + s->p.roots) / s->p.scan_bps;
    }
    if (s->marking && s->t >= s->mark_end) rc = gosim_end_cycle(s, io);
    if (rc == 0 && s->t >= s->next_sec) {
      s->next_sec = floor(s->t + 1e-9) + 1.0;
      double cur = s->heap > s->last_peak ? s->heap : s->last_peak;
      s->rss = cur + s->p.nonheap;
      if (io && io->metric) {
        rc = io->metric(io->ud, GCPULSE_METRIC_QPS, s->t, s->qps_now);
        if (rc == 0 && s->p.feed_rss)
          rc = io->metric(io->ud, GCPULSE_METRIC_RSS, s->t, s->rss);
      }
      if (s->p.jitter > 0)
        s->jit = 1.0 + s->p.jitter * (2.0 * gosim_rand(s) - 1.0);
    }
  }
  return rc;
}

/* Cycles that started within [A, B). */
static inline uint64_t gosim_cycles_between(const gosim *s, double a,
                                            double b) {
  uint64_t n = 0;
  for (int i = 0; i < s->ring_n; i++) {
    int k = (s->ring_head - 1 - i + 2 * GOSIM_RING) % GOSIM_RING;
    if (s->ring_t[k] >= a && s->ring_t[k] < b) n++;
  }
  return n;
}

/* Feature reader with the gcpulse feature contract, computed exactly from
 * the model over the last window_s (the fake-window path). */
static inline int gosim_feature(const void *ctx, int f, int stat,
                                double *out) {
  const gosim *s = ctx;
  *out = 0;
  const gcpulse_event_t *e = &s->last_ev;
  int have = s->cycles > 0;
  (void)stat;
  switch (f) {
  case GCPULSE_FEAT_QPS:
    *out = s->qps_now;
    return 0;
  case GCPULSE_FEAT_RSS:
    if (!s->p.feed_rss || s->rss <= 0) return GCPULSE_WHY_NO_DATA;
    *out = s->rss;
    return 0;
  case GCPULSE_FEAT_HEAP_LIVE:
    if (!have) return GCPULSE_WHY_NO_DATA;
    *out = (double)e->heap_live;
    return 0;
  case GCPULSE_FEAT_HEAP_GOAL:
    if (!have) return GCPULSE_WHY_NO_DATA;
    *out = (double)e->heap_goal;
    return 0;
  case GCPULSE_FEAT_HEAP_AFTER:
    if (!have) return GCPULSE_WHY_NO_DATA;
    *out = (double)e->heap_after;
    return 0;
  case GCPULSE_FEAT_HEAP_BEFORE:
    if (!have) return GCPULSE_WHY_NO_DATA;
    *out = (double)e->heap_before;
    return 0;
  case GCPULSE_FEAT_HEAP_ROOTS:
    if (!have) return GCPULSE_WHY_NO_DATA;
    *out = (double)(e->stacks + e->globals);
    return 0;
  case GCPULSE_FEAT_ALLOC_RATE:
    *out = gosim_alloc_rate(s);
    return 0;
  case GCPULSE_FEAT_MEMORY_LIMIT:
    if (!(s->p.limit > 0)) return GCPULSE_WHY_NO_LIMIT;
    *out = s->p.limit;
    return 0;
  case GCPULSE_FEAT_GC_CPU_FRACTION:
  case GCPULSE_FEAT_GC_RATE:
  case GCPULSE_FEAT_HEAP_GROWTH: {
    double w = s->t < s->p.window_s ? s->t : s->p.window_s;
    if (w <= 0) return GCPULSE_WHY_NO_DATA;
    double cpu = 0, n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < s->ring_n; i++) {
      int k = (s->ring_head - 1 - i + 2 * GOSIM_RING) % GOSIM_RING;
      if (s->ring_t[k] < s->t - w) break;
      double x = s->ring_t[k] - s->t, y = s->ring_live[k];
      cpu += s->ring_cpu[k];
      n += 1, sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    if (f == GCPULSE_FEAT_GC_CPU_FRACTION) {
      *out = cpu / (w * s->p.procs);
      return 0;
    }
    if (f == GCPULSE_FEAT_GC_RATE) {
      *out = n / w * 60.0;
      return 0;
    }
    double vx = sxx - sx * sx / (n > 0 ? n : 1);
    if (n < 3 || !(vx > 0)) return GCPULSE_WHY_TOO_FEW;
    *out = (sxy - sx * sy / n) / vx;
    return 0;
  }
  default:
    return GCPULSE_WHY_NO_DATA;
  }
}

/* ---- scenarios (durations in seconds) ---- */

/* Steady 500 QPS, 100 MiB live. */
static inline void gosim_scn_steady(gosim_params *p) { gosim_params_init(p); }

/* 500 QPS, 6.4x pulse to 3200 QPS for 8 s starting at T0. */
static inline void gosim_scn_pulse(gosim_params *p, double t0) {
  gosim_params_init(p);
  double t[] = {0, t0, t0 + 1e-3, t0 + 8, t0 + 8 + 1e-3};
  double q[] = {500, 500, 3200, 3200, 500};
  gosim_sched_set(&p->qps, 5, t, q);
}

/* Live heap 100 MiB -> TO MiB, ramped over 10 s from T0, held HOLD s,
 * then back; 50 MiB of non-heap RSS. */
static inline void gosim_scn_live_step(gosim_params *p, double t0, double to,
                                       double hold) {
  gosim_params_init(p);
  p->nonheap = 50 * GOSIM_MIB;
  double t[] = {0, t0, t0 + 10, t0 + 10 + hold, t0 + 20 + hold};
  double l[] = {100 * GOSIM_MIB, 100 * GOSIM_MIB, to * GOSIM_MIB,
                to * GOSIM_MIB, 100 * GOSIM_MIB};
  gosim_sched_set(&p->live, 5, t, l);
}

/* Live heap leaking RATE MiB/s from T0 for DUR s. */
static inline void gosim_scn_leak(gosim_params *p, double t0, double rate,
                                  double dur) {
  gosim_params_init(p);
  double t[] = {0, t0, t0 + dur};
  double l[] = {100 * GOSIM_MIB, 100 * GOSIM_MIB,
                (100 + rate * dur) * GOSIM_MIB};
  gosim_sched_set(&p->live, 3, t, l);
}

/* QPS square wave 500 <-> 3200, HALF seconds each, N half-periods. */
static inline void gosim_scn_square(gosim_params *p, double half, int n) {
  gosim_params_init(p);
  gosim_sched q;
  q.n = 0;
  for (int i = 0; i < n && q.n + 2 <= GOSIM_PTS; i++) {
    double v = (i % 2) ? 3200 : 500;
    q.t[q.n] = i * half;
    q.v[q.n++] = v;
    q.t[q.n] = (i + 1) * half - 1e-3;
    q.v[q.n++] = v;
  }
  p->qps = q;
}

#endif /* GCPULSE_GOSIM_H */

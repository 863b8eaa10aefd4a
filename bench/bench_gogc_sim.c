/*
 * bench_gogc_sim.c — compares the GOGC controller's modes on the
 * deterministic Go-pacer simulator (tests/gosim.h): GC cycles, GC CPU,
 * peak heap, budget fill and breaches, GOGC changes/reversals/total
 * variation, and when a leak was first reported.  The controller is driven
 * directly through gcpulse__gogc_step with the simulator's exact features
 * (no window), so the figures isolate the control law.  The "+limit"
 * rows set recommend_limit and apply the recommended runtime memory limit
 * to the model, as the Go package does with SetMemoryLimit (fixed-100
 * +limit is GOGC=100 with GOMEMLIMIT at 90 %).
 *
 * BENCH_QUICK=1 runs shorter scenarios (CI smoke).
 */
#include "common.h"
#include "gogc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/gosim.h"

typedef struct drv {
  gosim *s;
  gcpulse__gogc *c;
  gcpulse_stats_t st;
  double leak_t;
  double pulse_gogc; /* GOGC at the pulse start */
  int follow_limit;
} drv;

static int drv_step(drv *d, int cycle) {
  gcpulse_gogc_decision_t dec;
  int rc = gcpulse__gogc_step(d->c, gosim_feature, d->s, d->s->t, cycle, &dec,
                              &d->st);
  if (rc > 0) {
    gosim_set_gogc(d->s, dec.value);
    if (d->follow_limit && dec.recommended_limit > 0)
      gosim_set_limit(d->s, dec.recommended_limit);
    if ((dec.reasons & (1u << GCPULSE_GR_LEAK)) && d->leak_t < 0)
      d->leak_t = dec.t;
  }
  return rc < 0 ? rc : 0;
}
static int drv_event(void *ud, const gcpulse_event_t *ev) {
  (void)ev;
  return drv_step(ud, 1);
}
static int drv_metric(void *ud, int m, double t, double v) {
  (void)t;
  (void)v;
  return m == GCPULSE_METRIC_RSS ? 0 : drv_step(ud, 0);
}

typedef struct ctl {
  const char *name;
  int mode;    /* -1 = fixed GOGC=100 */
  int economy;
  int backstop; /* recommend_limit + the model applies it */
} ctl;

static const ctl ctls[] = {
    {"fixed-100", -1, 0, 0},
    {"dual-factor", GCPULSE_GOGC_DUAL_FACTOR, 0, 0},
    {"memory-target", GCPULSE_GOGC_MEMORY_TARGET, 0, 0},
    {"cpu-target", GCPULSE_GOGC_CPU_TARGET, 0, 0},
    {"adaptive/both", GCPULSE_GOGC_ADAPTIVE, GCPULSE_GOGC_ECONOMY_BOTH, 0},
    {"adaptive/cpu", GCPULSE_GOGC_ADAPTIVE, GCPULSE_GOGC_ECONOMY_CPU, 0},
    {"adaptive/df", GCPULSE_GOGC_ADAPTIVE, GCPULSE_GOGC_ECONOMY_DF, 0},
    {"fixed-100+lim", -1, 0, 1},
    {"memory-tgt+lim", GCPULSE_GOGC_MEMORY_TARGET, 0, 1},
    {"adaptive+lim", GCPULSE_GOGC_ADAPTIVE, GCPULSE_GOGC_ECONOMY_BOTH, 1},
};

static void run(const char *scn, const gosim_params *p, double t_end,
                double pa, double pb, const ctl *k) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->gogc.mode = k->mode < 0 ? GCPULSE_GOGC_OFF : k->mode;
  cfg->gogc.adaptive_economy = k->economy;
  cfg->memory_limit = p->limit;
  cfg->gogc.recommend_limit = k->backstop;
  gosim *s = calloc(1, sizeof *s);
  gosim_init(s, p, 100);
  if (k->backstop) gosim_set_limit(s, p->limit * p->limit_ratio - p->nonheap);
  drv d;
  memset(&d, 0, sizeof d);
  d.s = s;
  d.follow_limit = k->backstop;
  d.leak_t = -1;
  d.c = calloc(1, gcpulse__gogc_size(cfg));
  gcpulse__gogc_init(d.c, cfg);
  gosim_io io = {drv_event, drv_metric, &d};
  gosim_run(s, t_end, &io);
  double cpu_pct = 100.0 * s->gc_cpu_s / (t_end * p->procs);
  char leak[32] = "-";
  if (d.leak_t >= 0) snprintf(leak, sizeof leak, "%.0f", d.leak_t);
  printf("%-10s %-14s %7llu %7llu %6.2f %8.1f %6.1f %5llu %5llu %5llu %7.1f %6.1f %6.1f %6s\n",
         scn, k->name, (unsigned long long)s->cycles,
         (unsigned long long)gosim_cycles_between(s, pa, pb), cpu_pct,
         s->peak_heap / GOSIM_MIB, 100.0 * s->max_fill,
         (unsigned long long)s->breaches,
         (unsigned long long)d.st.gogc_changes,
         (unsigned long long)d.st.gogc_reversals, d.st.gogc_total_variation,
         s->gogc_min < 1e17 ? s->gogc_min : 100.0,
         s->gogc_max > -1e17 ? s->gogc_max : 100.0, leak);
  free(d.c);
  free(s);
  free(cfg);
}

int main(void) {
  const char *q = getenv("BENCH_QUICK");
  int quick = q && q[0] && q[0] != '0';
  double scale = quick ? 0.25 : 1.0;
  printf("gcpulse GOGC controller on the Go-pacer simulator (%s)\n",
         quick ? "quick" : "full");
  printf("limit 1 GiB, budget 90 %%, live 100 MiB, roots 4 MiB, 128 KiB/request, "
         "2 P, mark cost 2 ns/byte\n");
  printf("%-10s %-14s %7s %7s %6s %8s %6s %5s %5s %5s %7s %6s %6s %6s\n", "scenario",
         "controller", "cycles", "inwin", "gccpu%", "peakMiB", "fill%", "brch",
         "chg", "rev", "TV", "gmin", "gmax", "leak@");
  gosim_params p;
  for (size_t i = 0; i < GCPULSE__COUNTOF(ctls); i++) {
    gosim_scn_steady(&p);
    run("steady", &p, 300 * scale, 0, 300 * scale, &ctls[i]);
  }
  for (size_t i = 0; i < GCPULSE__COUNTOF(ctls); i++) {
    gosim_scn_pulse(&p, 60);
    run("pulse", &p, 120, 60, 68, &ctls[i]);
  }
  for (size_t i = 0; i < GCPULSE__COUNTOF(ctls); i++) {
    gosim_scn_live_step(&p, 60, 600, 60);
    run("live-step", &p, 240, 60, 130, &ctls[i]);
  }
  for (size_t i = 0; i < GCPULSE__COUNTOF(ctls); i++) {
    gosim_scn_leak(&p, 60, 0.5, 1200);
    run("leak", &p, 60 + 1200 * scale, 60, 1260, &ctls[i]);
  }
  for (size_t i = 0; i < GCPULSE__COUNTOF(ctls); i++) {
    gosim_scn_square(&p, 20, 16);
    run("square", &p, 320, 0, 320, &ctls[i]);
  }
  printf("columns: inwin = cycles in the scenario's window of interest (pulse: "
         "the 8 s pulse; live-step: step+hold); fill = max (peak heap + "
         "non-heap) / budget; brch = cycles over budget\n");
  return 0;
}

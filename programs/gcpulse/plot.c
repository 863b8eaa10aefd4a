/*
 * plot.c — `gcpulse plot TRACE -o OUT.png`: replay TRACE and draw, on one
 * time axis, the heap before/after each GC and the Go heap goal with the
 * memory limit, the pauses, GOGC (Go) and the policy's actions, by piping
 * a script to gnuplot.  The data go to a temporary directory that is
 * removed afterwards.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct plot_data {
  FILE *heap, *pause, *gogc, *act;
  int n_heap, n_pause, n_gogc, n_act;
  double t_max, heap_max;
  double act_t;      /* actions at one time share one label: */
  char act_names[256]; /* the names so far, "" = none pending */
} plot_data;

/* Write the pending actions' label. */
static void flush_actions(plot_data *p) {
  if (p->act_names[0]) fprintf(p->act, "%.6f \"%s\"\n", p->act_t, p->act_names);
  p->act_names[0] = '\0';
}

static void tap(void *ud, const gcpulse_event_t *ev,
                const gcpulse_gogc_decision_t *d, const gcpulse_action_t *a) {
  plot_data *p = ud;
  const double mib = 1048576.0;
  if (ev) {
    uint64_t k = ev->known;
    if (ev->kind == GCPULSE_KIND_SCAVENGE) return;
    if (ev->t > p->t_max) p->t_max = ev->t;
    if (k & GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE)) {
      double goal = (k & GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL)) ? ev->heap_goal / mib : NAN;
      double after = (k & GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER)) ? ev->heap_after / mib : NAN;
      /* Go: the marked live heap (its heap after is ~ heap before); JVM: after */
      double live = ev->kind == GCPULSE_KIND_GO_CYCLE && (k & GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE))
                        ? ev->heap_live / mib
                        : after;
      fprintf(p->heap, "%.6f %.3f %.3f %.3f\n", ev->t, ev->heap_before / mib, live, goal);
      p->n_heap++;
      p->heap_max = fmax(p->heap_max, fmax(ev->heap_before / mib, isnan(goal) ? 0 : goal));
    }
    if ((k & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS)) && ev->kind != GCPULSE_KIND_CONCURRENT &&
        ev->kind != GCPULSE_KIND_MINOR_CYCLE && ev->kind != GCPULSE_KIND_MAJOR_CYCLE) {
      fprintf(p->pause, "%.6f %.6f\n", ev->t, ev->pause_ms);
      p->n_pause++;
    }
  } else if (d) {
    fprintf(p->gogc, "%.6f %.0f\n", d->t, d->value);
    p->n_gogc++;
  } else if (a) {
    if (p->act_names[0] && a->t != p->act_t) flush_actions(p);
    size_t n = strlen(p->act_names);
    snprintf(p->act_names + n, sizeof p->act_names - n, "%s%s", n ? " + " : "", a->action);
    p->act_t = a->t;
    p->n_act++;
  }
}

static FILE *data_file(const char *dir, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (f == NULL) sc_die("cannot write %s: %s", path, strerror(errno));
  return f;
}

/* A panel with nothing to draw: gnuplot refuses to autoscale an empty
 * plot, so the y range is fixed and the panel says why it is empty. */
static void empty_panel(FILE *g, double ymax, const char *why) {
  fprintf(g, "set yrange [0:%g]\n"
             "set label 2 '%s' at graph 0.5, graph 0.5 center\n"
             "plot NaN notitle\nunset label 2\n",
          ymax, why);
}

/* The gnuplot script: three panels, one time axis. */
static void script(FILE *g, const char *dir, const char *out, const plot_data *p,
                   double limit_mib, int is_go, double period_s, const char *title) {
  fprintf(g,
          "set terminal pngcairo size 1200,%d font 'sans,10' noenhanced\n"
          "set output '%s'\n"
          "set multiplot layout %d,1 title '%s'\n"
          "set grid\nset key outside right top\nset xrange [0:%g]\n"
          "set lmargin 12\nset rmargin 28\n",
          is_go ? 900 : 700, out, is_go ? 3 : 2, title, p->t_max > 0 ? p->t_max * 1.01 : 1);
  fprintf(g, "set ylabel 'heap (MiB)'\nset yrange [0:%g]\n",
          fmax(p->heap_max, limit_mib) * 1.1 + 1);
  if (limit_mib > 0)
    fprintf(g, "set arrow 1 from graph 0, first %g to graph 1, first %g nohead "
               "lc rgb '#cc0000' lw 2 dt 2\n"
               "set label 1 'memory limit %.0f MiB' at graph 0.01, first %g "
               "offset 0,0.6 tc rgb '#cc0000'\n",
            limit_mib, limit_mib, limit_mib, limit_mib);
  fprintf(g, "plot '%s/heap.dat' u 1:2 w lp pt 7 ps 0.4 lc rgb '#4477aa' t 'heap before GC', "
             "'' u 1:3 w lp pt 7 ps 0.4 lc rgb '#228833' t '%s'",
          dir, is_go ? "live heap (marked)" : "heap after GC");
  if (is_go) fprintf(g, ", '' u 1:4 w steps lc rgb '#ee7733' t 'heap goal'");
  double top = fmax(p->heap_max, limit_mib) * 1.1 + 1;
  if (p->n_act) /* a dotted line and the action's name at each action */
    fprintf(g, ", '%s/actions.dat' u 1:(%g) w impulses dt 3 lw 1.5 lc rgb '#aa3377' "
               "t 'policy action', '' u 1:(%g):2 w labels rotate by 90 right offset -0.8,0 "
               "tc rgb '#aa3377' notitle",
            dir, top, top * 0.97);
  fprintf(g, "\nunset arrow 1\nunset label 1\n");
  if (!is_go) fprintf(g, "set xlabel 'trace time (s)'\n");
  fprintf(g, "set ylabel 'STW pause (ms)'\n");
  if (p->n_pause)
    fprintf(g, "set yrange [0:*]\n"
               "plot '%s/pause.dat' u 1:2 w impulses lw 2 lc rgb '#332288' t 'pause'\n",
            dir);
  else
    empty_panel(g, 1, "no stop-the-world pause in this trace");
  if (!is_go) return;
  fprintf(g, "set ylabel 'GOGC'\nset xlabel 'trace time (s)'\n");
  if (p->n_gogc) {
    fprintf(g, "set yrange [0:*]\n"
               "plot '%s/GOGC.dat' u 1:2 w steps lw 2 lc rgb '#009988' t 'GOGC recommended'\n",
            dir);
  } else {
    char why[160];
    snprintf(why, sizeof why, "no GOGC decision: the controller decides every %g s of trace",
             period_s);
    empty_panel(g, 200, why);
  }
}

int sc_plot(const gcpulse_config_t *cfg, const sc_opts *o) {
  char dir[] = "/tmp/gcpulse-plot-XXXXXX";
  if (mkdtemp(dir) == NULL) sc_die("mkdtemp: %s", strerror(errno));
  plot_data p;
  memset(&p, 0, sizeof p);
  p.heap = data_file(dir, "heap.dat");
  p.pause = data_file(dir, "pause.dat");
  p.gogc = data_file(dir, "GOGC.dat");
  p.act = data_file(dir, "actions.dat");
  FILE *devnull = fopen("/dev/null", "w");
  sc_app app;
  int rc = sc_app_open(&app, cfg, o, devnull, 0, 0);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  app.tap = tap;
  app.tap_ud = &p;
  int status = sc_app_feed_files(&app, o);
  gcpulse_stats_t st;
  gcpulse_stats(app.g, &st);
  double lim = 0;
  if (gcpulse_feature(app.g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &lim) != 0)
    lim = cfg->memory_limit;
  int is_go = st.format == GCPULSE_FORMAT_GO;
  fclose(p.heap);
  fclose(p.pause);
  fclose(p.gogc);
  flush_actions(&p);
  fclose(p.act);
  fclose(devnull);
  if (p.n_heap == 0 && p.n_pause == 0) {
    fprintf(stderr, "gcpulse: %s: no GC event to plot\n", o->files[0]);
    status = 1;
  } else {
    if (p.t_max <= 0 && p.n_heap + p.n_pause > 1)
      fprintf(stderr, "gcpulse: %s: the GC lines carry no time stamps; every GC is drawn "
                      "at t = 0\n", o->files[0]);
    char title[600];
    const char *base = strrchr(o->files[0], '/');
    snprintf(title, sizeof title, "gcpulse replay of %s: %d GCs, %d actions",
             base ? base + 1 : o->files[0], p.n_heap, p.n_act);
    for (char *c = title; *c; c++)
      if (*c == '\'') *c = ' ';
    char cwd_script[700];
    snprintf(cwd_script, sizeof cwd_script, "cd '%s' && gnuplot", dir);
    char cwd[2048], out[4200];
    if (getcwd(cwd, sizeof cwd) == NULL) snprintf(cwd, sizeof cwd, ".");
    snprintf(out, sizeof out, "%s%s%s", o->output[0] == '/' ? "" : cwd,
             o->output[0] == '/' ? "" : "/", o->output);
    signal(SIGPIPE, SIG_IGN); /* a gnuplot that exits early fails the write, not us */
    FILE *g = popen(cwd_script, "w");
    if (g == NULL) sc_die("cannot run gnuplot: %s", strerror(errno));
    script(g, dir, out, &p, lim / 1048576.0, is_go, cfg->gogc.period_s, title);
    fprintf(g, "unset multiplot\n");
    int w = pclose(g);
    if (w != 0 && WIFEXITED(w) && WEXITSTATUS(w) == 127) { /* the shell's "not found" */
      fprintf(stderr, "gcpulse: cannot run gnuplot; is it installed? "
                      "(Debian: apt-get install gnuplot-nox)\n");
      status = 1;
    } else if (w != 0) {
      fprintf(stderr, "gcpulse: gnuplot failed (%s %d); its messages are above\n",
              WIFEXITED(w) ? "exit status" : "signal",
              WIFEXITED(w) ? WEXITSTATUS(w) : WTERMSIG(w));
      status = 1;
    } else {
      fprintf(stderr, "gcpulse: wrote %s\n", o->output);
    }
  }
  const char *names[] = {"heap.dat", "pause.dat", "GOGC.dat", "actions.dat"};
  for (int i = 0; i < 4; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(dir);
  sc_app_close(&app);
  return status;
}

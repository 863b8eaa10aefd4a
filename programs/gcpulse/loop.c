/*
 * loop.c — what a live source (follow, run) does besides reading:
 *
 *  - the pipeline's clock moves on with the wall clock while the source is
 *    quiet (gcpulse_tick at the last trace time + wall seconds since);
 *  - the process (--pid, run's child) is sampled once a second: RSS and
 *    the cgroup memory limit are fed as caller metrics;
 *  - liveness: the source is lost when the process is gone (after which
 *    the log's silence decides, as for a restarted process with a new pid),
 *    or (without a process to watch) when no GC event came for --lost-after seconds,
 *    by default 5 mean GC intervals, at least 10 s, 150 s while no
 *    interval is known (Go forces a GC every 2 minutes);
 *  - caller metrics (--metric NAME=FILE) are tailed and fed on arrival;
 *  - the textfile is rewritten once a second; the HTTP server is served.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

volatile int sc_stop = 0;

static void on_stop(int sig) {
  (void)sig;
  sc_stop = 1;
}

void sc_catch_stop_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_stop; /* no SA_RESTART: poll() returns EINTR */
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

void sc_live_init(sc_live *lv, sc_app *app, const sc_opts *o, long pid) {
  memset(lv, 0, sizeof *lv);
  lv->app = app;
  lv->o = o;
  lv->pid = pid;
  double now = sc_mono();
  lv->last_input = lv->last_tick = now;
  lv->last_sample = now - 1.0;
  lv->last_prom = now - 1.0;
  if (o->listen) lv->http = sc_http_open(o->listen);
  for (int i = 0; i < o->nmetrics; i++) {
    lv->metrics[i] = sc_metric_open(app->g, o->metrics[i], 1);
    if (lv->metrics[i] == NULL) exit(2);
    lv->nmetrics++;
  }
}

void sc_live_close(sc_live *lv) {
  sc_http_close(lv->http);
  lv->http = NULL;
  for (int i = 0; i < lv->nmetrics; i++) sc_metric_close(lv->metrics[i]);
  lv->nmetrics = 0;
}

int sc_live_feed(sc_live *lv, const char *buf, size_t n) {
  unsigned long long before = lv->app->by_kind[0];
  for (int k = 1; k < GCPULSE_KIND_COUNT; k++) before += lv->app->by_kind[k];
  int rc = gcpulse_feed(lv->app->g, buf, n);
  unsigned long long after = 0;
  for (int k = 0; k < GCPULSE_KIND_COUNT; k++) after += lv->app->by_kind[k];
  double now = sc_mono();
  lv->last_tick = now;
  if (after != before) lv->last_input = now; /* silence is measured in events */
  return rc < 0 ? rc : 0;
}

/* Seconds without a GC event after which a source with no process to
 * watch is lost. */
static double lost_after(const sc_live *lv) {
  if (lv->o->lost_after >= 0) return lv->o->lost_after;
  double iv;
  if (gcpulse_feature(lv->app->g, GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_VALUE, &iv) != 0)
    return 150.0;
  return fmax(10.0, 5.0 * iv);
}

static void sample_process(sc_live *lv, double now) {
  sc_app *app = lv->app;
  lv->last_sample = now;
  if (!sc_proc_alive(lv->pid)) {
    /* lost once the lines it wrote before dying are read (sc_live_idle);
     * then a restarted process writing on to the same log (a new pid)
     * brings the source back, and from then on silence decides */
    lv->exited = 1;
    lv->pid = 0;
    return;
  }
  double t = gcpulse_time(app->g);
  if (!isfinite(t)) return; /* metrics go on the trace's clock: wait for it */
  double rss = sc_proc_rss(lv->pid);
  if (rss > 0) {
    app->rss = rss;
    gcpulse_feed_metric(app->g, GCPULSE_METRIC_RSS, t, rss);
  }
  char which[1024];
  double lim = sc_proc_cgroup_limit(lv->pid, which, sizeof which);
  if (lim > 0 && app->memory_limit <= 0) /* --memory-limit / config win */
    gcpulse_feed_metric(app->g, GCPULSE_METRIC_MEMORY_LIMIT, t, lim);
}

int sc_live_idle(sc_live *lv) {
  sc_app *app = lv->app;
  double now = sc_mono();
  if (now - lv->last_tick >= 1.0) { /* quiet: move the pipeline's clock on */
    double t = gcpulse_time(app->g);
    if (isfinite(t) && gcpulse_tick(app->g, t + (now - lv->last_tick)) < 0) return -1;
    lv->last_tick = now;
  }
  if (lv->pid > 0 && now - lv->last_sample >= 1.0) sample_process(lv, now);
  if (lv->exited && now - lv->last_sample >= 0.2) { /* input drained meanwhile */
    sc_app_lose(app, "process exited");
    lv->exited = 0;
    lv->last_input = now;
  }
  for (int i = 0; i < lv->nmetrics; i++)
    if (sc_metric_poll(lv->metrics[i], app->g) < 0) return -1;
  double limit = lost_after(lv);
  if (app->up && lv->pid <= 0 && limit > 0 && now - lv->last_input >= limit) {
    char why[64];
    snprintf(why, sizeof why, "no GC event for %.0f s", now - lv->last_input);
    sc_app_lose(app, why);
  }
  if (app->prom && now - lv->last_prom >= 1.0) {
    lv->last_prom = now;
    int rc = sc_prom_write(app);
    if (rc < 0 && -rc != lv->prom_failing) /* say it once per new reason */
      fprintf(stderr, "gcpulse: cannot write %s: %s\n", app->prom, strerror(-rc));
    else if (rc == 0 && lv->prom_failing)
      fprintf(stderr, "gcpulse: %s written again\n", app->prom);
    lv->prom_failing = rc < 0 ? -rc : 0;
  }
  sc_http_serve(lv->http, app);
  fflush(app->out);
  return 0;
}

int sc_live_wait(sc_live *lv, int fd, int ms) {
  struct pollfd p[40];
  int n = 0;
  if (fd >= 0) p[n++] = (struct pollfd){fd, POLLIN, 0};
  n += sc_http_pollfds(lv->http, p + n, 40 - n);
  int r = poll(p, (nfds_t)n, ms);
  if (r < 0) return errno == EINTR ? -1 : 0;
  return fd >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)) ? 1 : 0;
}

/* sidecar.h — the gcpulse command's modules.
 *
 *   main.c      options and commands
 *   pipeline.c  the instance's callbacks, JSON Lines, events/replay, summaries
 *   metricfile.c  caller metrics from CSV files (replay --metric)
 *   loop.c      what a live source does between reads: clock ticks, process
 *               sampling, liveness, the textfile and the HTTP endpoint
 *   follow.c    `follow`: a growing file or a pipe
 *   run.c       `run`: a child process, its stderr fed to the pipeline
 *   prom.c      the Prometheus exposition (textfile and /metrics)
 *   http.c      a small poll()-based HTTP server for /metrics and /healthz
 *   procmem.c   RSS and the cgroup memory limit of a process
 *   plot.c      `plot`: a replay drawn with gnuplot
 */
#ifndef GCPULSE_SIDECAR_H
#define GCPULSE_SIDECAR_H

#include <stdio.h>
#include <sys/types.h>

#include "gcpulse.h"

#define SC_LABELS_MAX 32        /* --label flags */
#define SC_METRICS_MAX 8        /* --metric flags */
#define SC_SERIES_MAX (GCPULSE_RULES_MAX * GCPULSE_ACTIONS_MAX)
#define SC_PAUSE_BUCKETS 18     /* finite buckets of the pause histogram */

/* Upper bounds (seconds) of the pause histogram's finite buckets. */
extern const double sc_pause_bounds[SC_PAUSE_BUCKETS];

/* Everything the command line can say. */
typedef struct sc_opts {
  const char *config, *prom, *decisions, *summary, *listen, *output;
  int format;           /* -1 = from the config */
  int events, quiet_gc, from_start;
  int suppressed;       /* replay: report suppressed matches (explain_suppressed) */
  int all_gogc;         /* print every GOGC decision, not only changes */
  double idle_exit;     /* < 0: never */
  double lost_after;    /* < 0: scaled to the GC interval; 0: never by silence */
  double memory_limit;  /* bytes, 0 = not given */
  long pid;             /* 0 = none */
  int nlabels;
  const char *labels[SC_LABELS_MAX];  /* "key=value" */
  int nmetrics;
  const char *metrics[SC_METRICS_MAX]; /* "NAME=FILE" */
  int nfiles;
  char **files;         /* operands; run: the command */
} sc_opts;

/* One (rule, action) pair of the policy table and what it said last. */
typedef struct sc_series {
  char rule[GCPULSE_NAME_MAX], action[GCPULSE_NAME_MAX];
  char group[GCPULSE_NAME_MAX]; /* the rule's group, "" = its own */
  unsigned long long total; /* applied recommendations */
  int active;               /* 1 while its latest recommendation stands */
  double magnitude;         /* final magnitude of that recommendation */
} sc_series;

/* One running pipeline: the instance plus what the outputs need. */
typedef struct sc_app {
  gcpulse_t *g;
  FILE *out;            /* JSON Lines */
  int print_events;     /* events as JSON Lines */
  int print_decisions;  /* gogc and action decisions as JSON Lines */
  int all_gogc;         /* every GOGC decision; else only those that change it */
  int warming;          /* reading history: decisions are not reported */
  int dry_run;          /* the configured policy.dry_run (history runs dry) */
  int closing;          /* end of stream: events closed by gcpulse_finish
                           do not bring a lost source back */
  const char *prom;     /* Prometheus textfile path or NULL */
  char labels[2048];    /* constant labels, rendered: k="v",k2="v2" */
  double memory_limit;  /* bytes from config/--memory-limit, 0 = none */
  /* cumulative figures the exposition needs */
  unsigned long long by_kind[GCPULSE_KIND_COUNT];
  unsigned long long pause_le[SC_PAUSE_BUCKETS + 1]; /* per bucket, +Inf last */
  unsigned long long pause_count;
  double pause_sum_s;
  double last_event_unix; /* wall clock of the newest event; 0 = none */
  int up;               /* the source is alive */
  int lost_reported;    /* a "source lost" line was printed */
  double rss;           /* last RSS sample (bytes), 0 = none */
  unsigned long long gogc_decisions, actions;
  unsigned long long suppressed; /* suppressed records reported */
  unsigned long long suppressed_by[GCPULSE_CONSTRAINT_COUNT]; /* per constraint */
  int n_series;
  sc_series series[SC_SERIES_MAX];
  char *buf;            /* JSON scratch */
  size_t cap;
  /* plot: sees every event, GOGC decision and reported action */
  void (*tap)(void *ud, const gcpulse_event_t *ev,
              const gcpulse_gogc_decision_t *d, const gcpulse_action_t *a);
  void *tap_ud;
} sc_app;

void sc_die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;
char *sc_read_file(const char *path, size_t *len);
double sc_wall(void);      /* CLOCK_REALTIME seconds */
double sc_mono(void);      /* CLOCK_MONOTONIC seconds */
/* "512MiB", "2GiB", "1.5G", "1048576" -> bytes; -1 when malformed. */
double sc_parse_size(const char *s);

/* Create APP's instance from CFG with callbacks printing to OUT. */
int sc_app_open(sc_app *app, const gcpulse_config_t *cfg, const sc_opts *o,
                FILE *out, int print_events, int print_decisions);
void sc_app_close(sc_app *app);
/* Feed the operands of O (files or stdin) and its --metric files, then
 * finish; returns 0, or 1 after an error (reported on stderr). */
int sc_app_feed_files(sc_app *app, const sc_opts *o);
/* Print a JSON summary line, or a human-readable one on stderr. */
void sc_app_summary(sc_app *app, int text, const char *what);
/* The source's state changed at trace time T: print {"type":"source",...}
 * (alive: T of the event that revived it; lost: the pipeline's clock). */
void sc_app_source(sc_app *app, int up, double t, const char *why);
/* A source is gone: mark the instance lost (no features, no decisions). */
void sc_app_lose(sc_app *app, const char *why);

/* Prometheus exposition of APP into a malloc'd buffer (*LEN bytes). */
char *sc_prom_render(sc_app *app, size_t *len);
/* Write the textfile atomically (temp + rename); 0 or -errno. */
int sc_prom_write(sc_app *app);
/* Exit 2 unless the textfile's directory is writable now. */
void sc_prom_check(const char *path);

typedef struct sc_metric_file sc_metric_file; /* metricfile.c */

/* HTTP endpoint. */
typedef struct sc_http sc_http;
sc_http *sc_http_open(const char *hostport); /* exits 2 on failure */
/* Add the server's descriptors to P (at most MAX); returns how many. */
int sc_http_pollfds(const sc_http *h, void *pollfds, int max);
/* Accept, read and answer whatever is ready; never blocks long. */
void sc_http_serve(sc_http *h, sc_app *app);
void sc_http_close(sc_http *h);

/* Process memory: RSS in bytes (0 if unknown), the cgroup memory limit in
 * bytes (0 if none or unknown), and whether the process exists. */
double sc_proc_rss(long pid);
double sc_proc_cgroup_limit(long pid, char *which, size_t cap);
int sc_proc_alive(long pid);
/* Exit 2 unless PID is running now (a start-up check of --pid). */
void sc_proc_require(long pid);

/* What a live source does between reads (loop.c). */
typedef struct sc_live {
  sc_app *app;
  const sc_opts *o;
  sc_http *http;
  long pid;             /* process to sample, 0 = none */
  double last_input, last_tick, last_sample, last_prom;
  int prom_failing;     /* errno of the last failed textfile write, 0 = ok */
  int exited;           /* the watched process is gone: lost once its last lines are read */
  int nmetrics;
  sc_metric_file *metrics[SC_METRICS_MAX]; /* follow --metric, tailed */
} sc_live;
void sc_live_init(sc_live *lv, sc_app *app, const sc_opts *o, long pid);
/* Bytes arrived: feed them (also marks the source alive). */
int sc_live_feed(sc_live *lv, const char *buf, size_t n);
/* Periodic work; call at least every 100 ms. */
int sc_live_idle(sc_live *lv);
/* Poll the input fd (or -1) and the HTTP fds up to MS ms; returns
 * poll()'s result for the input (1 readable/hup, 0 nothing, -1 EINTR). */
int sc_live_wait(sc_live *lv, int fd, int ms);
void sc_live_close(sc_live *lv);
extern volatile int sc_stop; /* set by SIGINT/SIGTERM */
void sc_catch_stop_signals(void);

/* Caller metrics from CSV files (t_seconds,value rows). */
sc_metric_file *sc_metric_open(gcpulse_t *g, const char *spec, int live);
/* Live: feed the complete rows appended since the last call, stamped at
 * the pipeline's clock. */
int sc_metric_poll(sc_metric_file *m, gcpulse_t *g);
/* Feed samples with t <= UNTIL (all when UNTIL is +inf). */
int sc_metric_pump(sc_metric_file *m, gcpulse_t *g, double until);
void sc_metric_close(sc_metric_file *m);

int sc_events(const gcpulse_config_t *cfg, const sc_opts *o);
int sc_replay(const gcpulse_config_t *cfg, const sc_opts *o);
int sc_follow(const gcpulse_config_t *cfg, const sc_opts *o);
int sc_run(const gcpulse_config_t *cfg, const sc_opts *o);
int sc_plot(const gcpulse_config_t *cfg, const sc_opts *o);
int sc_probe(const sc_opts *o);

#endif

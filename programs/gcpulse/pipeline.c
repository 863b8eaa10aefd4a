/*
 * pipeline.c — the sidecar's side of the callbacks: JSON Lines output,
 * the events and replay commands, summaries.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

char *sc_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 14, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    if (n == cap) {
      char *nb = realloc(buf, cap * 2 + 1);
      if (nb == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0) break;
    n += r;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

/* Format with FN into the app's scratch buffer, growing it as needed. */
#define FORMAT_JSON(app, fn, obj)                                             \
  do {                                                                        \
    long n_ = fn((obj), (app)->buf, (app)->cap);                              \
    if (n_ >= 0 && (size_t)n_ >= (app)->cap) {                                \
      free((app)->buf);                                                       \
      (app)->cap = (size_t)n_ + 1;                                            \
      (app)->buf = malloc((app)->cap);                                        \
      if ((app)->buf == NULL) sc_die("out of memory");                \
      n_ = fn((obj), (app)->buf, (app)->cap);                                 \
    }                                                                         \
    if (n_ < 0) (app)->buf[0] = '\0';                                         \
  } while (0)

/* ... and print it as one line. */
#define PRINT_JSON(app, fn, obj)                                              \
  do {                                                                        \
    FORMAT_JSON(app, fn, obj);                                                \
    fputs((app)->buf, (app)->out);                                            \
    fputc('\n', (app)->out);                                                  \
  } while (0)

static int on_event(void *user, const gcpulse_event_t *ev) {
  sc_app *app = user;
  if (app->print_events) PRINT_JSON(app, gcpulse_event_to_json, ev);
  return 0;
}

static int on_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  sc_app *app = user;
  app->gogc_decisions++;
  app->last_gogc = d->value;
  if (app->print_decisions) {
    PRINT_JSON(app, gcpulse_gogc_to_json, d);
    fflush(app->out);
  }
  return 0;
}

static int on_action(void *user, const gcpulse_action_t *a) {
  sc_app *app = user;
  if (a->applied || !a->suppressed) {
    app->actions++;
    snprintf(app->last_action, sizeof app->last_action, "%s", a->action);
    int i = 0;
    while (i < app->n_action_names && strcmp(app->action_names[i], a->action))
      i++;
    if (i == app->n_action_names && i < 16) {
      snprintf(app->action_names[i], GCPULSE_NAME_MAX, "%s", a->action);
      app->n_action_names++;
    }
    if (i < 16) app->action_counts[i]++;
  }
  if (app->print_decisions) {
    PRINT_JSON(app, gcpulse_action_to_json, a);
    fflush(app->out);
  }
  return 0;
}

int sc_app_open(sc_app *app, const gcpulse_config_t *cfg, FILE *out,
                int print_events, int print_decisions) {
  memset(app, 0, sizeof *app);
  app->out = out;
  app->print_events = print_events;
  app->print_decisions = print_decisions;
  app->cap = 4096;
  app->buf = malloc(app->cap);
  if (app->buf == NULL) return GCPULSE_ENOMEM;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = on_event;
  cb.on_gogc = on_gogc;
  cb.on_action = on_action;
  cb.user = app;
  int rc = gcpulse_new(cfg, &cb, &app->g);
  if (rc < 0) {
    free(app->buf);
    app->buf = NULL;
  }
  app->last_gogc = cfg->gogc.initial;
  return rc;
}

void sc_app_close(sc_app *app) {
  gcpulse_free(app->g);
  app->g = NULL;
  free(app->buf);
  app->buf = NULL;
}

int sc_app_feed_stream(sc_app *app, FILE *f) {
  char chunk[1 << 16];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    int rc = gcpulse_feed(app->g, chunk, n);
    if (rc < 0) return rc;
  }
  if (ferror(f)) return GCPULSE_EINVAL;
  return 0;
}

/* Feed each named file (or stdin) in turn; returns 0 or 1 on any error. */
static int feed_files(sc_app *app, int nfiles, char **files) {
  int status = 0;
  for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
    const char *name = nfiles ? files[i] : "-";
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
    if (f == NULL) {
      fprintf(stderr, "gcpulse: %s: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    int rc = sc_app_feed_stream(app, f);
    if (f != stdin) fclose(f);
    if (rc < 0) {
      fprintf(stderr, "gcpulse: %s: %s\n", name, gcpulse_strerror(rc));
      status = 1;
    }
  }
  int rc = gcpulse_finish(app->g);
  if (rc < 0) {
    fprintf(stderr, "gcpulse: %s\n", gcpulse_strerror(rc));
    status = 1;
  }
  return status;
}

int sc_events(const gcpulse_config_t *cfg, int nfiles, char **files) {
  sc_app app;
  int rc = sc_app_open(&app, cfg, stdout, 1, 0);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  int status = feed_files(&app, nfiles, files);
  gcpulse_stats_t st;
  gcpulse_stats(app.g, &st);
  fflush(stdout);
  fprintf(stderr, "lines %llu events %llu skipped %llu\n",
          (unsigned long long)st.lines, (unsigned long long)st.events,
          (unsigned long long)st.skipped);
  sc_app_close(&app);
  return status;
}

/* Human units for the text summary. */
static void human_bytes(char *dst, size_t cap, double b) {
  const char *u[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  double v = fabs(b);
  while (v >= 1024 && i < 4) {
    v /= 1024;
    b /= 1024;
    i++;
  }
  snprintf(dst, cap, "%.1f %s", b, u[i]);
}

/* Feature value or NAN. */
static double feat(const gcpulse_t *g, int f, int s) {
  double v;
  return gcpulse_feature(g, f, s, &v) == 0 ? v : NAN;
}

static void print_text_summary(sc_app *app, const char *what) {
  gcpulse_stats_t st;
  gcpulse_stats(app->g, &st);
  FILE *o = stderr;
  char a[32], b[32], c[32];
  fprintf(o, "\n== gcpulse replay summary%s%s\n", what ? ": " : "",
          what ? what : "");
  fprintf(o, "  input     %llu lines, format %s, collector %s: %llu GC events, "
             "%llu scavenges, %llu lines skipped (not GC trace)\n",
          (unsigned long long)st.lines,
          st.format == GCPULSE_FORMAT_GO    ? "Go gctrace"
          : st.format == GCPULSE_FORMAT_JVM ? "JVM GC log"
                                            : "unknown",
          gcpulse_collector_name(st.collector),
          (unsigned long long)(st.events - st.scavenges),
          (unsigned long long)st.scavenges, (unsigned long long)st.skipped);
  double rate = feat(app->g, GCPULSE_FEAT_GC_RATE, GCPULSE_STAT_VALUE);
  double p50 = feat(app->g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P50);
  double p99 = feat(app->g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99);
  double cpu = feat(app->g, GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE);
  fprintf(o, "  last window  %.1f GCs/min, STW pause p50 %.3f ms, p99 %.3f ms, "
             "GC CPU %.1f %%\n",
          rate, p50, p99, cpu * 100);
  human_bytes(a, sizeof a, feat(app->g, GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_VALUE));
  human_bytes(b, sizeof b, feat(app->g, GCPULSE_FEAT_ALLOC_RATE, GCPULSE_STAT_VALUE));
  human_bytes(c, sizeof c, feat(app->g, GCPULSE_FEAT_HEAP_GROWTH, GCPULSE_STAT_VALUE));
  fprintf(o, "  heap      live %s, allocating %s/s, live heap trend %s/s\n", a, b,
          c);
  if (st.format != GCPULSE_FORMAT_JVM) /* GOGC means nothing for a JVM */
    fprintf(o, "  GOGC      %llu decisions, %llu changes, %llu reversals; "
               "recommended now: %.0f\n",
            (unsigned long long)st.gogc_decisions,
            (unsigned long long)st.gogc_changes,
            (unsigned long long)st.gogc_reversals, gcpulse_gogc_current(app->g));
  fprintf(o, "  policy    %llu evaluations, %llu actions",
          (unsigned long long)st.policy_evaluations,
          (unsigned long long)st.actions);
  for (int i = 0; i < app->n_action_names; i++)
    fprintf(o, "%s %s x%lu", i ? "," : ":", app->action_names[i],
            app->action_counts[i]);
  fprintf(o, "\n  (nan = not enough data in the last window; every decision "
             "above is one JSON line on stdout)\n");
}

void sc_app_summary(sc_app *app, int text, const char *what) {
  if (text) {
    print_text_summary(app, what);
    return;
  }
  gcpulse_stats_t st;
  gcpulse_stats(app->g, &st);
  fputs("{\"type\":\"summary\",\"stats\":", app->out);
  FORMAT_JSON(app, gcpulse_stats_to_json, &st);
  fputs(app->buf, app->out);
  if (st.format != GCPULSE_FORMAT_JVM)
    fprintf(app->out, ",\"gogc\":%.0f", gcpulse_gogc_current(app->g));
  fputs(",\"features\":", app->out);
  FORMAT_JSON(app, gcpulse_features_to_json, app->g);
  fputs(app->buf, app->out);
  fputs("}\n", app->out);
}

int sc_replay(const gcpulse_config_t *cfg, int nfiles, char **files,
              int events, int text_summary) {
  sc_app app;
  int rc = sc_app_open(&app, cfg, stdout, events, 1);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  int status = feed_files(&app, nfiles, files);
  sc_app_summary(&app, text_summary, nfiles == 1 ? files[0] : NULL);
  fflush(stdout);
  sc_app_close(&app);
  return status;
}

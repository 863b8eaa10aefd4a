/*
 * pipeline.c — the sidecar's side of the callbacks: JSON Lines output,
 * the events and replay commands, summaries.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* Wall-clock seconds, or the newest event's time for a replay. */
static void count_event(sc_app *app, const gcpulse_event_t *ev) {
  if (ev->kind >= 0 && ev->kind < GCPULSE_KIND_COUNT) app->by_kind[ev->kind]++;
  /* pauses as the window counts them: every event with a pause except
   * whole-cycle kinds, whose pauses arrive as their own events */
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS)) &&
      ev->kind != GCPULSE_KIND_CONCURRENT && ev->kind != GCPULSE_KIND_MINOR_CYCLE &&
      ev->kind != GCPULSE_KIND_MAJOR_CYCLE && ev->kind != GCPULSE_KIND_SCAVENGE) {
    double s = ev->pause_ms / 1000.0;
    int b = 0;
    while (b < SC_PAUSE_BUCKETS && s > sc_pause_bounds[b]) b++;
    app->pause_le[b]++;
    app->pause_count++;
    app->pause_sum_s += s;
  }
  app->last_event_unix = sc_wall();
}

static int on_event(void *user, const gcpulse_event_t *ev) {
  sc_app *app = user;
  count_event(app, ev);
  if (app->tap) app->tap(app->tap_ud, ev, NULL, NULL);
  if (!app->up && !app->closing) {
    app->up = 1;
    if (app->lost_reported) sc_app_source(app, 1, ev->t, "event");
  }
  if (app->print_events) PRINT_JSON(app, gcpulse_event_to_json, ev);
  return 0;
}

static int on_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  sc_app *app = user;
  if (app->warming) return 0;
  app->gogc_decisions++;
  if (app->tap) app->tap(app->tap_ud, NULL, d, NULL);
  if (app->print_decisions && (d->changed || app->all_gogc)) {
    PRINT_JSON(app, gcpulse_gogc_to_json, d);
    fflush(app->out);
  }
  return 0;
}

/* The series of (RULE, ACTION), added if the table did not list it. */
static sc_series *series_of(sc_app *app, const char *rule, const char *action) {
  for (int i = 0; i < app->n_series; i++)
    if (strcmp(app->series[i].rule, rule) == 0 &&
        strcmp(app->series[i].action, action) == 0)
      return &app->series[i];
  if (app->n_series == SC_SERIES_MAX) return NULL;
  sc_series *s = &app->series[app->n_series++];
  memset(s, 0, sizeof *s);
  snprintf(s->rule, sizeof s->rule, "%s", rule);
  snprintf(s->action, sizeof s->action, "%s", action);
  return s;
}

/* A recommendation stands until another one of its group replaces it
 * (rules without a group form their own), or the source is lost. */
static void stand(sc_app *app, sc_series *s, double magnitude) {
  for (int i = 0; i < app->n_series; i++) {
    sc_series *o = &app->series[i];
    if (o == s || strcmp(o->rule, s->rule) == 0 ||
        (s->group[0] && strcmp(o->group, s->group) == 0))
      o->active = 0;
  }
  s->active = 1;
  s->magnitude = magnitude;
}

static int on_action(void *user, const gcpulse_action_t *a) {
  sc_app *app = user;
  if (app->warming) return 0;
  if (!a->suppressed) { /* applied, or would be in dry-run */
    app->actions++;
    if (app->tap) app->tap(app->tap_ud, NULL, NULL, a);
    sc_series *s = series_of(app, a->rule, a->action);
    if (s) {
      s->total++;
      stand(app, s, a->final);
    }
  } else { /* reported only with explain_suppressed (replay --suppressed) */
    app->suppressed++;
    for (int c = 0; c < GCPULSE_CONSTRAINT_COUNT; c++)
      if (a->constraints & (1u << c)) app->suppressed_by[c]++;
  }
  if (app->print_decisions) {
    PRINT_JSON(app, gcpulse_action_to_json, a);
    fflush(app->out);
  }
  return 0;
}

/* Render --label flags as k="v",... (values escaped). */
static void render_labels(sc_app *app, const sc_opts *o) {
  size_t n = 0, cap = sizeof app->labels;
  app->labels[0] = '\0';
  for (int i = 0; o && i < o->nlabels; i++) {
    const char *kv = o->labels[i], *eq = strchr(kv, '=');
    n += (size_t)snprintf(app->labels + n, n < cap ? cap - n : 0, "%s%.*s=\"",
                          i ? "," : "", (int)(eq - kv), kv);
    for (const char *p = eq + 1; *p && n + 3 < cap; p++) {
      if (*p == '\\' || *p == '"') app->labels[n++] = '\\';
      if (*p == '\n') {
        app->labels[n++] = '\\';
        app->labels[n++] = 'n';
      } else
        app->labels[n++] = *p;
    }
    if (n + 2 >= cap) sc_die("--label values too long (%zu bytes at most)", cap - 2);
    app->labels[n++] = '"';
    app->labels[n] = '\0';
  }
}

/* One series per (rule, action) of the configured table, at 0. */
static void list_series(sc_app *app, const gcpulse_config_t *cfg) {
  gcpulse_rule_t *rules = calloc(GCPULSE_RULES_MAX, sizeof *rules);
  if (rules == NULL) sc_die("out of memory");
  int n = cfg->policy_enabled ? gcpulse_config_rules(cfg, rules, GCPULSE_RULES_MAX) : 0;
  for (int r = 0; r < n; r++)
    for (int k = 0; k < rules[r].n_actions && k < GCPULSE_ACTIONS_MAX; k++) {
      sc_series *s = series_of(app, rules[r].id, rules[r].actions[k].name);
      if (s) snprintf(s->group, sizeof s->group, "%s", rules[r].group);
    }
  free(rules);
}

int sc_app_open(sc_app *app, const gcpulse_config_t *cfg, const sc_opts *o,
                FILE *out, int print_events, int print_decisions) {
  memset(app, 0, sizeof *app);
  app->out = out;
  app->print_events = print_events;
  app->print_decisions = print_decisions;
  app->all_gogc = o ? o->all_gogc : 0;
  app->up = 1;
  app->memory_limit = cfg->memory_limit;
  app->dry_run = cfg->dry_run;
  app->prom = o ? o->prom : NULL;
  render_labels(app, o);
  list_series(app, cfg);
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
  return rc;
}

void sc_app_close(sc_app *app) {
  gcpulse_free(app->g);
  app->g = NULL;
  free(app->buf);
  app->buf = NULL;
}

void sc_app_source(sc_app *app, int up, double t, const char *why) {
  fprintf(app->out, "{\"type\":\"source\",\"state\":\"%s\",\"t\":%.6g,"
                    "\"reason\":\"%s\"}\n",
          up ? "alive" : "lost", isfinite(t) ? t : 0.0, why);
  fflush(app->out);
}

void sc_app_lose(sc_app *app, const char *why) {
  if (!app->up) return;
  double t = gcpulse_time(app->g);
  gcpulse_source_lost(app->g, isfinite(t) ? t : 0.0);
  app->up = 0;
  for (int i = 0; i < app->n_series; i++) app->series[i].active = 0;
  app->lost_reported = 1;
  sc_app_source(app, 0, t, why);
}

/* Feed F to the app, pumping the caller metrics up to the trace's clock
 * after every complete line.  Returns 0, a gcpulse error, or -1000-errno. */
static int feed_stream(sc_app *app, FILE *f, sc_metric_file **mf, int nmf) {
  char chunk[1 << 16];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    const char *p = chunk, *end = chunk + n;
    while (p < end) {
      const char *nl = nmf ? memchr(p, '\n', (size_t)(end - p)) : NULL;
      const char *stop = nl ? nl + 1 : end;
      int rc = gcpulse_feed(app->g, p, (size_t)(stop - p));
      if (rc < 0) return rc;
      double t = gcpulse_time(app->g);
      for (int i = 0; nl && i < nmf && isfinite(t); i++)
        if ((rc = sc_metric_pump(mf[i], app->g, t)) < 0) return rc;
      p = stop;
    }
  }
  return ferror(f) ? -1000 - errno : 0;
}

static const char *runtime_name(int format) {
  return format == GCPULSE_FORMAT_GO ? "Go gctrace" : "JVM GC log";
}

/* The format the start of regular file F reads as on its own (AUTO when
 * undecided, or F is not a regular file); F is left at its start. */
static int sniff_format(FILE *f) {
  struct stat sb;
  if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) return GCPULSE_FORMAT_AUTO;
  gcpulse_config_t *cfg = calloc(1, sizeof *cfg);
  char *buf = malloc(1 << 16);
  gcpulse_t *g = NULL;
  int format = GCPULSE_FORMAT_AUTO;
  if (cfg && buf) {
    gcpulse_config_init(cfg);
    cfg->gogc.mode = GCPULSE_GOGC_OFF;
    cfg->policy_enabled = 0;
    if (gcpulse_new(cfg, NULL, &g) == 0) {
      gcpulse_feed(g, buf, fread(buf, 1, 1 << 16, f));
      gcpulse_stats_t st;
      gcpulse_stats(g, &st);
      format = st.format;
      gcpulse_free(g);
    }
  }
  free(buf);
  free(cfg);
  rewind(f);
  return format;
}

/* Feed each named file (or stdin) in turn; returns 0 or 1 on any error.
 * The files are one stream (rotated logs of one process): a file whose
 * lines are another runtime's than the stream's (decided by --format, the
 * config or the files before it) would be skipped line by line as foreign,
 * so it is refused with a message instead. */
int sc_app_feed_files(sc_app *app, const sc_opts *o) {
  int status = 0, nfiles = o->nfiles;
  sc_metric_file *mf[SC_METRICS_MAX];
  for (int i = 0; i < o->nmetrics; i++) {
    mf[i] = sc_metric_open(app->g, o->metrics[i], 0);
    if (mf[i] == NULL) exit(2);
  }
  for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
    const char *name = nfiles ? o->files[i] : "-";
    FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "rb");
    if (f == NULL) {
      fprintf(stderr, "gcpulse: %s: %s\n", name, strerror(errno));
      status = 1;
      continue;
    }
    gcpulse_stats_t now;
    gcpulse_stats(app->g, &now);
    int own = now.format != GCPULSE_FORMAT_AUTO ? sniff_format(f) : GCPULSE_FORMAT_AUTO;
    if (own != GCPULSE_FORMAT_AUTO && own != now.format) {
      fprintf(stderr, "gcpulse: %s: a %s, but the stream is a %s (%s); not read: "
                      "give each runtime's logs their own command\n",
              name, runtime_name(own), runtime_name(now.format),
              i > 0 ? "the files before it" : "--format or the config");
      fclose(f);
      status = 1;
      continue;
    }
    int rc = feed_stream(app, f, mf, o->nmetrics);
    if (f != stdin) fclose(f);
    if (rc <= -1000) {
      fprintf(stderr, "gcpulse: %s: %s\n", name, strerror(-rc - 1000));
      status = 1;
    } else if (rc < 0) {
      fprintf(stderr, "gcpulse: %s: %s\n", name, gcpulse_strerror(rc));
      status = 1;
    }
  }
  int rc = gcpulse_finish(app->g);
  for (int i = 0; i < o->nmetrics; i++) {
    if (rc >= 0) rc = sc_metric_pump(mf[i], app->g, INFINITY);
    sc_metric_close(mf[i]);
  }
  if (rc < 0) {
    fprintf(stderr, "gcpulse: %s\n", gcpulse_strerror(rc));
    status = 1;
  }
  return status;
}

int sc_events(const gcpulse_config_t *cfg, const sc_opts *o) {
  sc_app app;
  int rc = sc_app_open(&app, cfg, o, stdout, 1, 0);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  int status = sc_app_feed_files(&app, o);
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
  double limit = feat(app->g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE);
  if (isfinite(limit)) {
    human_bytes(a, sizeof a, limit);
    fprintf(o, "  limit     %s (%s); window peak heap %.0f %% of it\n", a,
            app->memory_limit > 0 ? "given"
            : st.format == GCPULSE_FORMAT_JVM
                ? "from the log (-Xmx, or a heap proved full) or a metric"
                : "from a memory_limit_bytes metric",
            100 * feat(app->g, GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE));
  } else {
    fprintf(o, "  limit     none known (--memory-limit SIZE gives one)\n");
  }
  if (st.format != GCPULSE_FORMAT_JVM) /* GOGC means nothing for a JVM */
    fprintf(o, "  GOGC      %llu decisions, %llu changes, %llu reversals; "
               "recommended now: %.0f\n",
            (unsigned long long)st.gogc_decisions,
            (unsigned long long)st.gogc_changes,
            (unsigned long long)st.gogc_reversals, gcpulse_gogc_current(app->g));
  fprintf(o, "  policy    %llu evaluations, %llu actions",
          (unsigned long long)st.policy_evaluations,
          (unsigned long long)st.actions);
  for (int i = 0, k = 0; i < app->n_series; i++)
    if (app->series[i].total)
      fprintf(o, "%s %s (%s) x%llu", k++ ? "," : ":", app->series[i].action,
              app->series[i].rule,
              app->series[i].total);
  if (app->suppressed) {
    fprintf(o, "\n  suppressed %llu matches:", app->suppressed);
    for (int k = 0, n = 0; k < GCPULSE_CONSTRAINT_COUNT; k++)
      if (app->suppressed_by[k])
        fprintf(o, "%s %s x%llu", n++ ? "," : "", gcpulse_constraint_name(k),
                app->suppressed_by[k]);
  }
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
  if (app->suppressed) {
    /* suppressed matches reported (--suppressed), by constraint; a match
     * held by several constraints counts under each */
    fprintf(app->out, ",\"suppressed\":{\"total\":%llu,\"by_constraint\":{",
            app->suppressed);
    for (int c = 0, n = 0; c < GCPULSE_CONSTRAINT_COUNT; c++)
      if (app->suppressed_by[c])
        fprintf(app->out, "%s\"%s\":%llu", n++ ? "," : "",
                gcpulse_constraint_name(c), app->suppressed_by[c]);
    fputs("}}", app->out);
  }
  fputs("}\n", app->out);
}

int sc_replay(const gcpulse_config_t *cfg, const sc_opts *o) {
  sc_app app;
  if (o->prom) sc_prom_check(o->prom);
  int rc = sc_app_open(&app, cfg, o, stdout, o->events, 1);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  int status = sc_app_feed_files(&app, o);
  int text = o->summary && strcmp(o->summary, "text") == 0;
  sc_app_summary(&app, text, o->nfiles == 1 ? o->files[0] : NULL);
  fflush(stdout);
  if (o->prom && (rc = sc_prom_write(&app)) < 0) {
    fprintf(stderr, "gcpulse: cannot write %s: %s\n", o->prom, strerror(-rc));
    status = 1;
  }
  sc_app_close(&app);
  return status;
}

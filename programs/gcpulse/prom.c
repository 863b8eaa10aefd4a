/*
 * prom.c — the Prometheus text exposition (format 0.0.4) of a pipeline,
 * for /metrics and the node_exporter textfile.  Base units (seconds,
 * bytes, ratios), _total counters, HELP and TYPE on every family, the
 * --label constant labels on every series.  A feature that is not known
 * (no data yet, or the source is lost) leaves its series out: absence is
 * "unknown", never a made-up 0.
 */
#include "sidecar.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const double sc_pause_bounds[SC_PAUSE_BUCKETS] = {
    0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
    0.025,    0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};

static void family(FILE *f, const char *name, const char *type,
                   const char *help) {
  fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{constant labels,EXTRA} value; EXTRA is k="v" text or NULL. */
static void sample(FILE *f, const sc_app *app, const char *name,
                   const char *extra, double v) {
  const char *c = app->labels;
  int any = c[0] || (extra && extra[0]);
  fprintf(f, "%s%s%s%s%s%s", name, any ? "{" : "", c,
          c[0] && extra && extra[0] ? "," : "", extra ? extra : "", any ? "}" : "");
  if (!isfinite(v)) v = 0; /* never reached: callers pass finite values */
  if (v == floor(v) && fabs(v) < 9e15)
    fprintf(f, " %.0f\n", v);
  else
    fprintf(f, " %.10g\n", v);
}

/* k="value" with the value escaped, into DST. */
static const char *kv(char *dst, size_t cap, const char *k, const char *v) {
  size_t n = (size_t)snprintf(dst, cap, "%s=\"", k);
  for (; *v && n + 4 < cap; v++) {
    if (*v == '\\' || *v == '"') dst[n++] = '\\';
    if (*v == '\n') {
      dst[n++] = '\\';
      dst[n++] = 'n';
    } else
      dst[n++] = *v;
  }
  snprintf(dst + n, cap - n, "\"");
  return dst;
}

/* Gauge NAME = feature F's statistic S times SCALE, when it is known. */
static void feature_gauge(FILE *f, const sc_app *app, const char *name,
                          const char *help, int feat, int stat, double scale) {
  double v;
  family(f, name, "gauge", help);
  if (gcpulse_feature(app->g, feat, stat, &v) == GCPULSE_WHY_KNOWN)
    sample(f, app, name, NULL, v * scale);
}

/* Routine skipped lines vs real errors vs window resets. */
static int reason_class(int r) {
  switch (r) {
  case GCPULSE_REASON_NONE: return -1;
  case GCPULSE_REASON_BLANK:
  case GCPULSE_REASON_FOREIGN:
  case GCPULSE_REASON_GO_INFO:
  case GCPULSE_REASON_JVM_INFO:
  case GCPULSE_REASON_JVM_UNKNOWN: return 0;
  case GCPULSE_REASON_RESTART:
  case GCPULSE_REASON_GAP_RESET: return 2;
  default: return 1;
  }
}

static void write_counters(FILE *f, const sc_app *app, const gcpulse_stats_t *st) {
  char l[256];
  family(f, "gcpulse_lines_total", "counter", "Log lines read.");
  sample(f, app, "gcpulse_lines_total", NULL, (double)st->lines);
  static const char *fams[3][2] = {
      {"gcpulse_skipped_lines_total",
       "Lines skipped as routine: not GC data (program output, runtime info lines), by reason."},
      {"gcpulse_errors_total",
       "Input errors: malformed, truncated, out-of-range or out-of-order GC data, by reason."},
      {"gcpulse_window_resets_total",
       "Window resets: process restart detected or a gap longer than the window, by reason."}};
  for (int c = 0; c < 3; c++) {
    family(f, fams[c][0], "counter", fams[c][1]);
    for (int r = 1; r < GCPULSE_REASON_COUNT; r++)
      if (reason_class(r) == c)
        sample(f, app, fams[c][0], kv(l, sizeof l, "reason", gcpulse_reason_name(r)),
               (double)st->by_reason[r]);
  }
  family(f, "gcpulse_gc_events_total", "counter",
         "GC events parsed, by kind (go_cycle, young, mixed, full, remark, scavenge, ...).");
  for (int k = 1; k < GCPULSE_KIND_COUNT; k++)
    sample(f, app, "gcpulse_gc_events_total", kv(l, sizeof l, "kind", gcpulse_kind_name(k)),
           (double)app->by_kind[k]);
}

static void write_pauses(FILE *f, const sc_app *app) {
  char l[64];
  family(f, "gcpulse_gc_pause_seconds", "histogram",
         "Stop-the-world GC pauses since start (every pause event; cumulative).");
  unsigned long long cum = 0;
  for (int b = 0; b <= SC_PAUSE_BUCKETS; b++) {
    cum += app->pause_le[b];
    if (b < SC_PAUSE_BUCKETS)
      snprintf(l, sizeof l, "le=\"%g\"", sc_pause_bounds[b]);
    else
      snprintf(l, sizeof l, "le=\"+Inf\"");
    sample(f, app, "gcpulse_gc_pause_seconds_bucket", l, (double)cum);
  }
  sample(f, app, "gcpulse_gc_pause_seconds_sum", NULL, app->pause_sum_s);
  sample(f, app, "gcpulse_gc_pause_seconds_count", NULL, (double)app->pause_count);
  family(f, "gcpulse_gc_pause_window_seconds", "gauge",
         "Pause quantiles over the sliding window (this instance only; "
         "aggregate replicas with the histogram).");
  static const int stats[] = {GCPULSE_STAT_P50, GCPULSE_STAT_P90, GCPULSE_STAT_P99,
                              GCPULSE_STAT_MAX};
  for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++) {
    double v;
    if (gcpulse_feature(app->g, GCPULSE_FEAT_PAUSE, stats[i], &v) == GCPULSE_WHY_KNOWN)
      sample(f, app, "gcpulse_gc_pause_window_seconds",
             kv(l, sizeof l, "stat", gcpulse_stat_name(stats[i])), v / 1000.0);
  }
}

static void write_features(FILE *f, const sc_app *app, int is_go) {
  feature_gauge(f, app, "gcpulse_heap_live_bytes",
                "Live heap: Go marked heap, JVM heap after the last full/mixed collection.",
                GCPULSE_FEAT_HEAP_LIVE, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_heap_after_gc_bytes", "Heap at the end of the last GC.",
                GCPULSE_FEAT_HEAP_AFTER, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_heap_before_gc_bytes", "Heap at the start of the last GC.",
                GCPULSE_FEAT_HEAP_BEFORE, GCPULSE_STAT_VALUE, 1);
  if (is_go)
    feature_gauge(f, app, "gcpulse_heap_goal_bytes", "Go heap goal of the last cycle.",
                  GCPULSE_FEAT_HEAP_GOAL, GCPULSE_STAT_VALUE, 1);
  double lim;
  family(f, "gcpulse_memory_limit_bytes", "gauge",
         "Memory limit in force (--memory-limit / config, else the cgroup limit of "
         "--pid, else a JVM's -Xmx from its log).");
  if (gcpulse_feature(app->g, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &lim) == 0)
    sample(f, app, "gcpulse_memory_limit_bytes", NULL, lim);
  else if (app->up && app->memory_limit > 0)
    sample(f, app, "gcpulse_memory_limit_bytes", NULL, app->memory_limit);
  feature_gauge(f, app, "gcpulse_heap_limit_ratio",
                "Peak heap in the window / memory limit.",
                GCPULSE_FEAT_HEAP_LIMIT_RATIO, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_gc_cpu_ratio",
                "Fraction of CPU time spent in GC over the window.",
                GCPULSE_FEAT_GC_CPU_FRACTION, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_stw_ratio",
                "Fraction of wall time stopped for GC over the window.",
                GCPULSE_FEAT_STW_FRACTION, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_allocation_rate_bytes_per_second",
                "Allocation rate between the last GCs.",
                GCPULSE_FEAT_ALLOC_RATE, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_gc_interval_seconds",
                "Mean time between collections over the window.",
                GCPULSE_FEAT_GC_INTERVAL, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_next_gc_seconds",
                "Expected seconds until the next GC (room left / allocation rate): "
                "steer traffic away from an instance about to pause.",
                GCPULSE_FEAT_TIME_TO_NEXT_GC, GCPULSE_STAT_VALUE, 1);
  feature_gauge(f, app, "gcpulse_heap_growth_bytes_per_second",
                "Trend of the post-GC heap (least-squares slope over the window).",
                GCPULSE_FEAT_HEAP_GROWTH, GCPULSE_STAT_VALUE, 1);
  family(f, "gcpulse_rss_bytes", "gauge", "Resident set size of --pid / the run child.");
  if (app->up && app->rss > 0) sample(f, app, "gcpulse_rss_bytes", NULL, app->rss);
}

static void write_decisions(FILE *f, const sc_app *app, int is_go,
                            const gcpulse_stats_t *st) {
  char l[256], a[128];
  if (is_go) {
    family(f, "gcpulse_gogc", "gauge", "GOGC recommended by the controller (Go sources only).");
    if (app->up) sample(f, app, "gcpulse_gogc", NULL, gcpulse_gogc_current(app->g));
    family(f, "gcpulse_gogc_changes_total", "counter", "GOGC changes recommended.");
    sample(f, app, "gcpulse_gogc_changes_total", NULL, (double)st->gogc_changes);
  }
  static const char *fams[3][3] = {
      {"gcpulse_actions_total", "counter",
       "Scaling-policy actions recommended (applied, or would be in dry-run), by action and rule."},
      {"gcpulse_action_active", "gauge",
       "1 while the action's latest recommendation stands (until another of its group, or the source is lost)."},
      {"gcpulse_action_magnitude", "gauge",
       "Magnitude of the action's latest recommendation (replicas, bytes, ratio: as the rule says)."}};
  for (int k = 0; k < 3; k++) {
    family(f, fams[k][0], fams[k][1], fams[k][2]);
    for (int i = 0; i < app->n_series; i++) {
      const sc_series *s = &app->series[i];
      snprintf(l, sizeof l, "%s,", kv(a, sizeof a, "action", s->action));
      kv(l + strlen(l), sizeof l - strlen(l), "rule", s->rule);
      double v = k == 0 ? (double)s->total : k == 1 ? s->active : s->magnitude;
      if (k < 2 || s->active) sample(f, app, fams[k][0], l, v);
    }
  }
}

char *sc_prom_render(sc_app *app, size_t *len) {
  char *text = NULL;
  *len = 0;
  FILE *f = open_memstream(&text, len);
  if (f == NULL) return NULL;
  gcpulse_stats_t st;
  gcpulse_stats(app->g, &st);
  int is_go = st.format == GCPULSE_FORMAT_GO;
  char l[256];
  family(f, "gcpulse_up", "gauge",
         "1 while the GC source is alive; 0 once it is lost (process gone, or silent too long).");
  sample(f, app, "gcpulse_up", NULL, app->up);
  family(f, "gcpulse_info", "gauge", "gcpulse version and the runtime and collector seen.");
  snprintf(l, sizeof l, "version=\"%s\",runtime=\"%s\",collector=\"%s\"",
           gcpulse_version_string(),
           is_go ? "go" : st.format == GCPULSE_FORMAT_JVM ? "jvm" : "unknown",
           gcpulse_collector_name(st.collector));
  sample(f, app, "gcpulse_info", l, 1);
  family(f, "gcpulse_last_event_timestamp_seconds", "gauge",
         "Unix time at which the newest GC event was read.");
  if (app->last_event_unix > 0)
    sample(f, app, "gcpulse_last_event_timestamp_seconds", NULL, app->last_event_unix);
  write_counters(f, app, &st);
  write_pauses(f, app);
  write_features(f, app, is_go);
  write_decisions(f, app, is_go, &st);
  if (fclose(f) != 0) {
    free(text);
    return NULL;
  }
  return text;
}

int sc_prom_write(sc_app *app) {
  if (app->prom == NULL) return 0;
  size_t n, plen = strlen(app->prom);
  char *text = sc_prom_render(app, &n);
  char *tmp = malloc(plen + 8);
  if (text == NULL || tmp == NULL) {
    free(text);
    free(tmp);
    return -ENOMEM;
  }
  snprintf(tmp, plen + 8, "%s.tmp", app->prom);
  int err = 0, fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) err = errno;
  for (size_t done = 0; !err && done < n;) {
    ssize_t w = write(fd, text + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) err = w < 0 ? errno : EIO;
    else done += (size_t)w;
  }
  if (fd >= 0 && close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp, app->prom) != 0) err = errno;
  if (err) unlink(tmp);
  free(tmp);
  free(text);
  return -err;
}

void sc_prom_check(const char *path) {
  size_t n = strlen(path);
  char *tmp = malloc(n + 16);
  if (tmp == NULL) sc_die("out of memory");
  snprintf(tmp, n + 16, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    int e = errno;
    free(tmp);
    sc_die("cannot write the textfile %s: %s", path, strerror(e));
  }
  close(fd);
  unlink(tmp);
  free(tmp);
}

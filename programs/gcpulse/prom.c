/*
 * prom.c — Prometheus text exposition of the current state, written to a
 * temporary file and renamed over PATH so a scraper (node_exporter's
 * textfile collector) never sees a half-written file.
 */
#include "sidecar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Label value escaping: backslash, quote and newline. */
static void label(FILE *f, const char *s) {
  for (; *s; s++) {
    if (*s == '\\' || *s == '"')
      fprintf(f, "\\%c", *s);
    else if (*s == '\n')
      fputs("\\n", f);
    else
      fputc(*s, f);
  }
}

static void write_features(FILE *f, const gcpulse_t *g, int id,
                           const char *name) {
  for (int s = 0; s < GCPULSE_STAT_COUNT; s++) {
    if (!gcpulse_feature_supports(id, s)) continue;
    double v;
    if (gcpulse_feature(g, id, s, &v) != 0 || !isfinite(v)) continue;
    fputs("gcpulse_feature{feature=\"", f);
    label(f, name);
    fprintf(f, "\",stat=\"%s\"} %.10g\n", gcpulse_stat_name(s), v);
  }
}

int sc_prom_write(sc_app *app) {
  if (app->prom == NULL) return 0;
  size_t n = strlen(app->prom);
  char *tmp = malloc(n + 16);
  if (tmp == NULL) return -1;
  snprintf(tmp, n + 16, "%s.tmp", app->prom);
  FILE *f = fopen(tmp, "w");
  if (f == NULL) {
    free(tmp);
    return -1;
  }
  gcpulse_stats_t st;
  gcpulse_stats(app->g, &st);
  int go = st.format != GCPULSE_FORMAT_JVM; /* no GOGC for a JVM */
  if (go) {
    fputs("# HELP gcpulse_gogc GOGC recommended by the gcpulse controller.\n"
          "# TYPE gcpulse_gogc gauge\n", f);
    fprintf(f, "gcpulse_gogc %.10g\n", gcpulse_gogc_current(app->g));
  }
  fputs("# HELP gcpulse_lines_total Log lines read.\n"
        "# TYPE gcpulse_lines_total counter\n", f);
  fprintf(f, "gcpulse_lines_total %llu\n", (unsigned long long)st.lines);
  fputs("# HELP gcpulse_events_total GC events parsed, by runtime.\n"
        "# TYPE gcpulse_events_total counter\n", f);
  fprintf(f, "gcpulse_events_total{runtime=\"go\"} %llu\n",
          (unsigned long long)st.events_go);
  fprintf(f, "gcpulse_events_total{runtime=\"jvm\"} %llu\n",
          (unsigned long long)st.events_jvm);
  fputs("# HELP gcpulse_diagnostics_total Skipped lines and other counted "
        "problems, by reason.\n# TYPE gcpulse_diagnostics_total counter\n", f);
  for (int r = 1; r < GCPULSE_REASON_COUNT; r++)
    if (st.by_reason[r])
      fprintf(f, "gcpulse_diagnostics_total{reason=\"%s\"} %llu\n",
              gcpulse_reason_name(r), (unsigned long long)st.by_reason[r]);
  if (go) {
    fputs("# HELP gcpulse_gogc_changes_total GOGC changes recommended.\n"
          "# TYPE gcpulse_gogc_changes_total counter\n", f);
    fprintf(f, "gcpulse_gogc_changes_total %llu\n",
            (unsigned long long)st.gogc_changes);
  }
  fputs("# HELP gcpulse_actions_total Scaling-policy actions, by action.\n"
        "# TYPE gcpulse_actions_total counter\n", f);
  for (int i = 0; i < app->n_action_names; i++) {
    fputs("gcpulse_actions_total{action=\"", f);
    label(f, app->action_names[i]);
    fprintf(f, "\"} %lu\n", app->action_counts[i]);
  }
  fputs("# HELP gcpulse_feature Sliding-window GC features (unknown ones are "
        "absent).\n# TYPE gcpulse_feature gauge\n", f);
  for (int id = 0; id < GCPULSE_FEAT_BUILTIN_COUNT; id++)
    write_features(f, app->g, id, gcpulse_feature_name(id));
  for (int id = GCPULSE_FEAT_CUSTOM; id < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX;
       id++) {
    const char *name = gcpulse_metric_name(app->g, id);
    if (strcmp(name, "custom") != 0) write_features(f, app->g, id, name);
  }
  int bad = ferror(f);
  if (fclose(f) != 0) bad = 1;
  if (bad || rename(tmp, app->prom) != 0) {
    remove(tmp);
    free(tmp);
    return -1;
  }
  free(tmp);
  return 0;
}

/*
 * metricfile.c — caller metrics recorded beside a trace: `--metric
 * NAME=FILE` with CSV rows "t_seconds,value" on the trace's clock.  A
 * first row that is not numeric is a header; '#' starts a comment.  A bad
 * row (not two finite numbers, a negative value, time going backwards) is
 * reported with its file and line, counted, and skipped.  The file is
 * read lazily, one row ahead, so memory stays bounded.
 *
 * Live (`follow --metric NAME=FILE`): the file is tailed (waited for when
 * missing, re-read from the start when truncated); each complete new row,
 * "value" or "t,value", is fed at the pipeline's clock when it is read —
 * a live producer cannot know the trace's clock, so its time is ignored.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct sc_metric_file {
  FILE *f;
  const char *path;
  int id;              /* gcpulse metric id */
  unsigned long line, bad, fed;
  int have;            /* a row is pending in t/v */
  int live;            /* tail the file; stamp rows on arrival */
  double t, v, last_t;
};

/* Read the next good row into m->t / m->v; 0 at end of file. */
static int next_row(sc_metric_file *m) {
  char row[512];
  while (fgets(row, sizeof row, m->f)) {
    m->line++;
    size_t n = strlen(row);
    int whole = n > 0 && row[n - 1] == '\n';
    if (!whole && feof(m->f) && m->live) { /* still being written */
      fseek(m->f, -(long)n, SEEK_CUR);
      m->line--;
      break;
    }
    if (!whole && !feof(m->f)) { /* over-long row: skip the rest of it */
      int c;
      while ((c = fgetc(m->f)) != EOF && c != '\n') {
      }
      fprintf(stderr, "gcpulse: %s:%lu: row longer than %zu bytes; skipped\n",
              m->path, m->line, sizeof row - 2);
      m->bad++;
      continue;
    }
    char *p = row + strspn(row, " \t");
    if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
    char *end;
    double t = strtod(p, &end);
    int ok = end != p && isfinite(t) && t >= 0;
    if (ok && m->live && *(end + strspn(end, " \t\r\n")) == '\0') { /* "value" */
      m->t = 0;
      m->v = t;
      return 1;
    }
    end += strspn(end, " \t");
    ok = ok && *end == ',';
    double v = ok ? strtod(end + 1, &p) : NAN;
    ok = ok && p != end + 1 && isfinite(v) && v >= 0;
    if (ok) p += strspn(p, " \t\r\n");
    if (ok && *p == '\0') {
      if (t < m->last_t && !m->live) {
        fprintf(stderr, "gcpulse: %s:%lu: time %.6g goes backwards (after %.6g); "
                "row skipped\n", m->path, m->line, t, m->last_t);
        m->bad++;
        continue;
      }
      m->t = m->last_t = t;
      m->v = v;
      return 1;
    }
    if (m->line == 1 && m->fed == 0) continue; /* a header */
    row[strcspn(row, "\r\n")] = '\0';
    fprintf(stderr, "gcpulse: %s:%lu: expected 't_seconds,value' (finite, >= 0), "
            "got '%.60s'; row skipped\n", m->path, m->line, row);
    m->bad++;
  }
  if (ferror(m->f))
    fprintf(stderr, "gcpulse: %s: %s\n", m->path, strerror(errno));
  clearerr(m->f);
  return 0;
}

sc_metric_file *sc_metric_open(gcpulse_t *g, const char *spec, int live) {
  const char *eq = strchr(spec, '=');
  char name[GCPULSE_NAME_MAX];
  if (eq == NULL || (size_t)(eq - spec) >= sizeof name) {
    fprintf(stderr, "gcpulse: bad --metric '%s' (NAME=FILE, NAME below %d bytes)\n",
            spec, GCPULSE_NAME_MAX);
    return NULL;
  }
  memcpy(name, spec, (size_t)(eq - spec));
  name[eq - spec] = '\0';
  int id = gcpulse_metric_id(g, name);
  if (id < 0) {
    fprintf(stderr, "gcpulse: --metric %s: %s\n", name, gcpulse_strerror(id));
    return NULL;
  }
  sc_metric_file *m = calloc(1, sizeof *m);
  if (m == NULL) return NULL;
  m->path = eq + 1;
  m->id = id;
  m->live = live;
  m->f = fopen(m->path, "r");
  if (m->f == NULL && live) {
    fprintf(stderr, "gcpulse: %s: %s; waiting for it\n", m->path, strerror(errno));
    return m;
  }
  if (m->f == NULL) {
    fprintf(stderr, "gcpulse: %s: %s\n", m->path, strerror(errno));
    free(m);
    return NULL;
  }
  m->have = live ? 0 : next_row(m);
  return m;
}

int sc_metric_poll(sc_metric_file *m, gcpulse_t *g) {
  double t = gcpulse_time(g);
  if (!isfinite(t)) return 0; /* no clock yet: rows wait in the file */
  if (m->f == NULL && (m->f = fopen(m->path, "r")) == NULL) return 0;
  struct stat st;
  if (fstat(fileno(m->f), &st) == 0 && st.st_size < ftell(m->f)) {
    rewind(m->f); /* truncated */
    m->line = 0;
  }
  while (next_row(m)) {
    int rc = gcpulse_feed_metric(g, m->id, t, m->v);
    if (rc == GCPULSE_EINVAL)
      m->bad++;
    else if (rc < 0)
      return rc;
    else
      m->fed++;
  }
  return 0;
}

int sc_metric_pump(sc_metric_file *m, gcpulse_t *g, double until) {
  while (m->have && m->t <= until) {
    int rc = gcpulse_feed_metric(g, m->id, m->t, m->v);
    if (rc == GCPULSE_EINVAL)
      m->bad++; /* counted by the library too (BAD_METRIC) */
    else if (rc < 0)
      return rc;
    else
      m->fed++;
    m->have = next_row(m);
  }
  return 0;
}

void sc_metric_close(sc_metric_file *m) {
  if (m == NULL) return;
  if (m->bad)
    fprintf(stderr, "gcpulse: %s: %lu samples fed, %lu bad rows skipped\n",
            m->path, m->fed, m->bad);
  if (m->f) fclose(m->f);
  free(m);
}

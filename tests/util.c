/* util.c — shared helpers for the cmocka tests. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *tu_corpus(const char *rel) {
  static char path[4096];
  if (strncmp(rel, "tests/data/", 11) == 0) { /* a committed fixture */
    snprintf(path, sizeof path, "%s", rel);
    return path;
  }
  const char *root = getenv("GCPULSE_CORPUS");
  if (root == NULL || root[0] == '\0') root = "../shared/corpus";
  snprintf(path, sizeof path, "%s/%s", root, rel);
  struct stat sb;
  if (stat(path, &sb) != 0) return NULL;
  return path;
}

int tu_corpus_tests(void) {
  const char *v = getenv("GCPULSE_CORPUS_TESTS");
  return v != NULL && strcmp(v, "1") == 0;
}

char *tu_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    if (r == 0) break;
    n += r;
  }
  fclose(f);
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

void tu_alloc_init(tu_alloc *a) {
  memset(a, 0, sizeof *a);
  a->fail_at = -1;
}

void *tu_alloc_fn(void *ud, void *ptr, size_t old_size, size_t new_size) {
  tu_alloc *a = ud;
  if (new_size == 0) {
    if (ptr) {
      a->frees++;
      a->live_bytes -= (long long)old_size;
      free(ptr);
    }
    return NULL;
  }
  if (ptr == NULL) {
    if (a->fail_at >= 0 && a->allocs == a->fail_at) {
      a->allocs++;
      return NULL;
    }
    a->allocs++;
  } else {
    a->reallocs++;
    a->live_bytes -= (long long)old_size;
  }
  void *p = realloc(ptr, new_size);
  if (p) {
    a->live_bytes += (long long)new_size;
    if (a->live_bytes > a->peak_bytes) a->peak_bytes = a->live_bytes;
  }
  return p;
}

static int on_event(void *user, const gcpulse_event_t *ev) {
  tu_sink *s = user;
  if (s->n_ev < TU_MAX_EVENTS) s->ev[s->n_ev] = *ev;
  s->n_ev++;
  return 0;
}
static int on_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  tu_sink *s = user;
  s->n_gogc++;
  s->last_gogc = *d;
  return 0;
}
static int on_action(void *user, const gcpulse_action_t *a) {
  tu_sink *s = user;
  s->n_action++;
  s->last_action = *a;
  return 0;
}
static int on_diag(void *user, const gcpulse_diag_t *d) {
  tu_sink *s = user;
  s->n_diag++;
  if (d->reason > 0 && d->reason < GCPULSE_REASON_COUNT)
    s->diag_by_reason[d->reason]++;
  return 0;
}

void tu_sink_init(tu_sink *s, gcpulse_callbacks_t *cb) {
  memset(s, 0, sizeof *s);
  s->ev = calloc(TU_MAX_EVENTS, sizeof *s->ev);
  gcpulse_callbacks_init(cb);
  cb->on_event = on_event;
  cb->on_gogc = on_gogc;
  cb->on_action = on_action;
  cb->on_diag = on_diag;
  cb->user = s;
}

void tu_sink_free(tu_sink *s) {
  free(s->ev);
  s->ev = NULL;
}

int tu_feed_chunks(gcpulse_t *g, const char *data, size_t len, int mode,
                   unsigned seed) {
  int rc = 0;
  if (mode == 0) {
    rc = gcpulse_feed(g, data, len);
  } else if (mode == 1) {
    for (size_t i = 0; i < len && rc == 0; i++) rc = gcpulse_feed(g, data + i, 1);
  } else {
    size_t i = 0;
    uint64_t x = seed * 2654435761u + 1;
    while (i < len && rc == 0) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      size_t n = 1 + (size_t)(x % 257);
      if (n > len - i) n = len - i;
      rc = gcpulse_feed(g, data + i, n);
      i += n;
    }
  }
  if (rc == 0) rc = gcpulse_finish(g);
  return rc;
}

int tu_parse_file(const char *path, int format, tu_sink *s,
                  gcpulse_stats_t *st) {
  size_t len;
  char *data = tu_read_file(path, &len);
  if (data == NULL) return GCPULSE_EINVAL;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->format = format;
  gcpulse_callbacks_t cb;
  tu_sink_init(s, &cb);
  gcpulse_t *g = NULL;
  int rc = gcpulse_new(cfg, &cb, &g);
  if (rc == 0) rc = tu_feed_chunks(g, data, len, 0, 0);
  if (rc == 0 && st) gcpulse_stats(g, st);
  gcpulse_free(g);
  free(cfg);
  free(data);
  return rc;
}

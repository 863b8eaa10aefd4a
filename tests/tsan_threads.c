/*
 * tsan_threads.c — N instances driven from N threads at once (issue 9),
 * built with -fsanitize=thread by tests/tsan.sh.
 *
 * The main thread reads every corpus file once and computes, on one
 * instance, the reference event count and a checksum of the events for
 * each file.  Then N threads start together (a barrier) and each one
 * loads a JSON configuration, creates its own instance with its own
 * counting allocator, and replays every file in a thread-specific chunk
 * pattern with caller metrics and ticks mixed in; the shared input
 * buffers are read-only.  Every thread must reproduce the reference
 * results exactly and free everything.  ThreadSanitizer reports any data
 * race (the library promises no global mutable state).
 *
 * usage: tsan_threads [THREADS [ROUNDS]]   (defaults 8 and 2)
 * Prints one summary line; exits non-zero on a mismatch.
 */
#include "gcpulse.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *files[] = {
    "go/go1.19-pulse-2p.log",          "go/go1.19-scavtrace-mixed.log",
    "go/go1.19-gomemlimit-300m.log",   "jvm/jdk17-g1-gcstar.log",
    "jvm/jdk17-z-gcstar.log",          "jvm/jdk17-shenandoah-gcstar.log",
    "jvm/jdk17-parallel-gcstar.log",   "public/go/golang-go-13392-go14-format.txt",
    "public/jvm/g1-jdk8-gcviewer-gcid-datestamps.log",
};
#define NFILES (sizeof files / sizeof files[0])

typedef struct input {
  char *data;
  size_t len;
  unsigned long long events, sum;
} input;

static input inputs[NFILES];
static pthread_barrier_t start;
static int rounds = 2;

typedef struct result {
  unsigned long long events, sum;
} result;

static int on_event(void *user, const gcpulse_event_t *ev) {
  result *r = user;
  r->events++;
  r->sum = r->sum * 1000003u + ev->seq * 31u + (unsigned long long)ev->kind +
           (unsigned long long)(ev->pause_ms * 1000.0);
  return 0;
}

typedef struct counting {
  long allocs, frees;
} counting;

static void *count_alloc(void *ud, void *ptr, size_t old, size_t n) {
  counting *c = ud;
  (void)old;
  if (n == 0) {
    if (ptr) c->frees++;
    free(ptr);
    return NULL;
  }
  if (ptr == NULL) c->allocs++;
  return realloc(ptr, n);
}

/* Parse IN on a fresh instance of CFG, chunked by SEED (0 = whole). */
static int replay(const gcpulse_config_t *base, const input *in, unsigned seed,
                  result *r, counting *cnt) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  *cfg = *base;
  cfg->alloc = count_alloc;
  cfg->alloc_ud = cnt;
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = on_event;
  cb.user = r;
  gcpulse_t *g = NULL;
  int rc = gcpulse_new(cfg, &cb, &g);
  free(cfg);
  if (rc) return rc;
  unsigned long long x = seed * 2654435761u + 1;
  size_t pos = 0;
  while (pos < in->len && rc == 0) {
    size_t n = in->len - pos;
    if (seed) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      n = 1 + (size_t)(x % 700);
      if (n > in->len - pos) n = in->len - pos;
    }
    rc = gcpulse_feed(g, in->data + pos, n);
    pos += n;
    if (seed && rc == 0 && (x & 7) == 0) {
      gcpulse_stats_t st;
      gcpulse_stats(g, &st);
      double v;
      gcpulse_feature(g, GCPULSE_FEAT_PAUSE, GCPULSE_STAT_P99, &v);
      (void)gcpulse_gogc_current(g);
    }
  }
  if (rc == 0) rc = gcpulse_finish(g);
  char buf[8192];
  if (rc == 0 && gcpulse_features_to_json(g, buf, sizeof buf) < 0) rc = -100;
  gcpulse_free(g);
  return rc;
}

static const char config_json[] = "{}";

static void *worker(void *arg) {
  long id = (long)arg;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  /* the JSON loader concurrently too (jansson, per-call objects) */
  (void)gcpulse_config_load_json(cfg, config_json, sizeof config_json - 1, &err);
  long bad = 0;
  counting cnt = {0, 0};
  pthread_barrier_wait(&start);
  for (int round = 0; round < rounds; round++) {
    for (size_t f = 0; f < NFILES; f++) {
      if (inputs[f].data == NULL) continue;
      result r = {0, 0};
      int rc = replay(cfg, &inputs[f], (unsigned)(id * 131 + round * 7 + f + 1),
                      &r, &cnt);
      if (rc != 0 || r.events != inputs[f].events || r.sum != inputs[f].sum) {
        fprintf(stderr, "thread %ld: %s: rc %d, %llu events (want %llu)\n", id,
                files[f], rc, r.events, inputs[f].events);
        bad++;
      }
    }
  }
  if (cnt.allocs != cnt.frees) {
    fprintf(stderr, "thread %ld: %ld allocations, %ld frees\n", id, cnt.allocs,
            cnt.frees);
    bad++;
  }
  free(cfg);
  return (void *)bad;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  fclose(f);
  return buf;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 8;
  if (argc > 2) rounds = atoi(argv[2]);
  if (threads < 1 || threads > 256 || rounds < 1) return 2;
  const char *root = getenv("GCPULSE_CORPUS");
  if (root == NULL || !*root) root = "../shared/corpus";
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  unsigned long long total = 0;
  int nfiles = 0;
  for (size_t f = 0; f < NFILES; f++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, files[f]);
    inputs[f].data = read_file(path, &inputs[f].len);
    if (inputs[f].data == NULL) continue;
    result r = {0, 0};
    counting cnt = {0, 0};
    if (replay(cfg, &inputs[f], 0, &r, &cnt) != 0) {
      fprintf(stderr, "reference run of %s failed\n", files[f]);
      return 1;
    }
    inputs[f].events = r.events;
    inputs[f].sum = r.sum;
    total += r.events;
    nfiles++;
  }
  free(cfg);
  if (nfiles == 0) {
    printf("tsan: corpus not found under %s: nothing to run (skipped)\n", root);
    return 0;
  }
  pthread_t *tid = malloc(sizeof *tid * (size_t)threads);
  pthread_barrier_init(&start, NULL, (unsigned)threads);
  for (long i = 0; i < threads; i++)
    pthread_create(&tid[i], NULL, worker, (void *)i);
  long bad = 0;
  for (int i = 0; i < threads; i++) {
    void *ret;
    pthread_join(tid[i], &ret);
    bad += (long)ret;
  }
  pthread_barrier_destroy(&start);
  free(tid);
  for (size_t f = 0; f < NFILES; f++) free(inputs[f].data);
  printf("tsan: %d threads x %d rounds x %d files (%llu events per pass): %s\n",
         threads, rounds, nfiles, total,
         bad ? "MISMATCH" : "all results identical to the single-thread run");
  return bad ? 1 : 0;
}

/* bench_parse_jvm.c — JVM GC log parsing throughput.
 *
 * Builds an in-memory input of >= 50 MB (BENCH_QUICK=1: ~3 MB) by repeating
 * the corpus's OpenJDK 17 -Xlog:gc* logs (G1, Parallel, Serial, Shenandoah,
 * ZGC; GCPULSE_CORPUS or ../shared/corpus, falling back to the fixtures in
 * tests/data/jvm), then times
 *   1. the parser alone: line splitting + gcpulse__jvm_line with full
 *      detail (regions, pools, metaspace, CPU), events into a counting sink;
 *   2. the whole instance: gcpulse_feed (line assembler, parser, window,
 *      controller, policy) with an on_event callback.
 * Each measurement is repeated (BENCH_RUNS, default 5; quick: 1) and the
 * best run is reported, since the development VMs are shared and noisy.
 * Compare with: python3 bench/jvm_regex.py --bench <file> 50
 */
#include "trace_jvm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(b);
    return NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return b;
}

typedef struct counts {
  unsigned long events, diags;
  double pause_ms;
} counts;

static int c_event(void *ctx, const gcpulse_event_t *ev) {
  counts *c = ctx;
  c->events++;
  if (ev->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS)) c->pause_ms += ev->pause_ms;
  return 0;
}
static int c_diag(void *ctx, int reason, size_t col, const char *detail) {
  (void)reason; (void)col; (void)detail;
  ((counts *)ctx)->diags++;
  return 0;
}
static int on_event(void *user, const gcpulse_event_t *ev) {
  counts *c = user;
  c->events++;
  if (ev->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS)) c->pause_ms += ev->pause_ms;
  return 0;
}

int main(void) {
  int quick = getenv("BENCH_QUICK") != NULL;
  size_t target = quick ? (size_t)3 << 20 : (size_t)50 << 20;
  const char *root = getenv("GCPULSE_CORPUS");
  if (root == NULL || !*root) root = "../shared/corpus";
  static const char *const names[] = {
      "jvm/jdk17-g1-gcstar.log", "jvm/jdk17-parallel-gcstar.log",
      "jvm/jdk17-serial-gcstar.log", "jvm/jdk17-shenandoah-gcstar.log",
      "jvm/jdk17-z-gcstar.log"};
  static const char *const fallback[] = {
      "tests/data/jvm/jdk17-g1-oom.log", "tests/data/jvm/jdk17-parallel-oom.log",
      "tests/data/jvm/jdk17-serial-oom.log", "tests/data/jvm/jdk17-g1-alldecor.log",
      "tests/data/jvm/jdk17-serial-debug.log"};
  char *src = NULL;
  size_t src_len = 0;
  for (int pass = 0; pass < 2 && src_len == 0; pass++) {
    for (size_t i = 0; i < 5; i++) {
      char path[1024];
      if (pass == 0) snprintf(path, sizeof path, "%s/%s", root, names[i]);
      else snprintf(path, sizeof path, "%s", fallback[i]);
      size_t n;
      char *b = slurp(path, &n);
      if (b == NULL) continue;
      src = realloc(src, src_len + n + 1);
      memcpy(src + src_len, b, n);
      src_len += n;
      if (src[src_len - 1] != '\n') src[src_len++] = '\n';
      free(b);
    }
  }
  if (src_len == 0) {
    fprintf(stderr, "bench_parse_jvm: no input logs found\n");
    return 1;
  }
  size_t reps = target / src_len + 1;
  size_t len = reps * src_len;
  char *data = malloc(len);
  for (size_t r = 0; r < reps; r++) memcpy(data + r * src_len, src, src_len);
  FILE *dump = getenv("BENCH_JVM_DUMP") ? fopen(getenv("BENCH_JVM_DUMP"), "wb") : NULL;
  if (dump) { /* the same input for bench/jvm_regex.py */
    fwrite(data, 1, len, dump);
    fclose(dump);
  }
  double mb = (double)len / 1048576.0;

  int runs = quick ? 1 : 5;
  if (getenv("BENCH_RUNS")) runs = atoi(getenv("BENCH_RUNS"));
  if (runs < 1) runs = 1;

  /* 1. parser alone */
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  gcpulse__jvm *p = malloc(gcpulse__jvm_size(&cfg));
  counts c1 = {0, 0, 0};
  gcpulse__sink k = {c_event, c_diag, &c1};
  unsigned long lines = 0;
  double best = 1e300;
  for (int run = 0; run < runs; run++) {
    gcpulse__jvm_init(p, &cfg);
    memset(&c1, 0, sizeof c1);
    lines = 0;
    double t0 = now_s();
    const char *q = data, *end = data + len;
    while (q < end) {
      const char *nl = memchr(q, '\n', (size_t)(end - q));
      if (nl == NULL) nl = end;
      int skip;
      gcpulse__jvm_line(p, q, (size_t)(nl - q), &k, &skip);
      lines++;
      q = nl + 1;
    }
    gcpulse__jvm_finish(p, &k);
    double dt = now_s() - t0;
    if (dt < best) best = dt;
  }
  printf("bench_parse_jvm: parser only : %.1f MB, %lu lines, %lu events, "
         "%.3f ms pause total, best of %d: %.3f s, %.0f MB/s, %.1f Mlines/s\n",
         mb, lines, c1.events, c1.pause_ms, runs, best, mb / best,
         (double)lines / best / 1e6);
  free(p);

  /* 2. whole instance */
  counts c2 = {0, 0, 0};
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = on_event;
  cb.user = &c2;
  cfg.format = GCPULSE_FORMAT_AUTO;
  best = 1e300;
  for (int run = 0; run < runs; run++) {
    memset(&c2, 0, sizeof c2);
    gcpulse_t *g = NULL;
    if (gcpulse_new(&cfg, &cb, &g) != 0) return 1;
    double t0 = now_s();
    size_t chunk = 1 << 16;
    for (size_t off = 0; off < len; off += chunk)
      gcpulse_feed(g, data + off, off + chunk <= len ? chunk : len - off);
    gcpulse_finish(g);
    double dt = now_s() - t0;
    if (dt < best) best = dt;
    gcpulse_free(g);
  }
  printf("bench_parse_jvm: gcpulse_feed: %.1f MB, %lu events, best of %d: "
         "%.3f s, %.0f MB/s (64 KiB chunks, window+controller+policy "
         "included)\n",
         mb, c2.events, runs, best, mb / best);
  free(data);
  free(src);
  return 0;
}

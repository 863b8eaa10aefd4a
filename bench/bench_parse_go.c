/*
 * bench_parse_go.c — throughput of the Go gctrace parser.
 *
 * Builds >= 100 MB (BENCH_QUICK=1: ~5 MB) of gctrace text in memory by
 * repeating every line of the Go corpus (../shared/corpus/go and
 * ../shared/corpus/public/go, files in name order, foreign lines included,
 * each line ended by '\n'), then measures:
 *
 *   feed    gcpulse_feed() in 64 KiB chunks, a counting on_event only
 *           (the whole pipeline: line assembly, dispatch, parser, window)
 *   direct  gcpulse__go_line() over the same lines (the parser alone)
 *
 * and reports MB/s (1 MB = 10^6 bytes) and ns/line, best of several runs,
 * plus the allocations seen by the instance's allocator during feeding
 * (must be 0).  Skips with a message when the corpus is absent.
 *
 *   bench_parse_go              run the benchmark
 *   bench_parse_go --emit FILE  also write the generated input to FILE
 *                               (bench/run_extra.sh feeds it to the Go
 *                               regexp parser for comparison)
 */
#include "gcpulse.h"
#include "trace_go.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct text {
  char *p;
  size_t n, cap;
} text;

static void text_add(text *t, const char *s, size_t n) {
  if (t->n + n > t->cap) {
    size_t c = t->cap ? t->cap * 2 : 1 << 20;
    while (c < t->n + n) c *= 2;
    char *q = realloc(t->p, c);
    if (q == NULL) {
      fprintf(stderr, "out of memory\n");
      exit(1);
    }
    t->p = q;
    t->cap = c;
  }
  memcpy(t->p + t->n, s, n);
  t->n += n;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Append every line of the .log/.txt files of DIR (name order) to T, each
 * ended by '\n'.  Returns the number of files read. */
static int load_dir(const char *dir, text *t) {
  DIR *d = opendir(dir);
  if (d == NULL) return 0;
  char *names[256];
  int nn = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL && nn < 256) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || l < 5) continue;
    if (strcmp(de->d_name + l - 4, ".log") != 0 &&
        strcmp(de->d_name + l - 4, ".txt") != 0)
      continue;
    names[nn++] = strdup(de->d_name);
  }
  closedir(d);
  qsort(names, (size_t)nn, sizeof names[0], cmp_str);
  for (int i = 0; i < nn; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    FILE *f = fopen(path, "rb");
    free(names[i]);
    if (f == NULL) continue;
    char buf[1 << 16];
    size_t r;
    text raw = {0};
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) text_add(&raw, buf, r);
    fclose(f);
    if (raw.n && raw.p[raw.n - 1] != '\n') text_add(&raw, "\n", 1);
    text_add(t, raw.p, raw.n);
    free(raw.p);
  }
  return nn;
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of this thread: the one-core figure, robust to a busy machine. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int count_event(void *user, const gcpulse_event_t *ev) {
  (void)ev;
  (*(uint64_t *)user)++;
  return 0;
}

typedef struct counting_alloc {
  long calls;
} counting_alloc;
static void *bench_alloc(void *ud, void *ptr, size_t old_size,
                         size_t new_size) {
  (void)old_size;
  ((counting_alloc *)ud)->calls++;
  if (new_size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, new_size);
}

static int sink_event(void *ctx, const gcpulse_event_t *ev) {
  (void)ev;
  (*(uint64_t *)ctx)++;
  return 0;
}
static int sink_diag(void *ctx, int reason, size_t column, const char *d) {
  (void)ctx;
  (void)reason;
  (void)column;
  (void)d;
  return 0;
}

/* Feed IN through a fresh instance RUNS times in 64 KiB chunks; LEAN turns
 * the GOGC controller and the policy off (the window still runs).  Returns
 * the best wall time; *EVENTS, *ALLOCS (allocator calls while feeding) and
 * *ST describe the last run. */
static double feed_run(const text *in, int runs, int lean, uint64_t *events,
                       long *allocs, gcpulse_stats_t *st, double *cpu_best) {
  double best = 1e30;
  *cpu_best = 1e30;
  for (int r = 0; r < runs; r++) {
    counting_alloc ca = {0};
    gcpulse_config_t *cfg = malloc(sizeof *cfg);
    gcpulse_config_init(cfg);
    cfg->format = GCPULSE_FORMAT_GO;
    cfg->alloc = bench_alloc;
    cfg->alloc_ud = &ca;
    if (lean) {
      cfg->gogc.mode = GCPULSE_GOGC_OFF;
      cfg->policy_enabled = 0;
    }
    gcpulse_callbacks_t cb;
    gcpulse_callbacks_init(&cb);
    uint64_t n_ev = 0;
    cb.on_event = count_event;
    cb.user = &n_ev;
    gcpulse_t *g = NULL;
    if (gcpulse_new(cfg, &cb, &g) != 0) {
      fprintf(stderr, "gcpulse_new failed\n");
      exit(1);
    }
    free(cfg);
    long before = ca.calls;
    double t0 = now_s(), c0 = cpu_s();
    for (size_t off = 0; off < in->n; off += 65536) {
      size_t n = in->n - off < 65536 ? in->n - off : 65536;
      if (gcpulse_feed(g, in->p + off, n) != 0) {
        fprintf(stderr, "gcpulse_feed failed\n");
        exit(1);
      }
    }
    gcpulse_finish(g);
    double dt = now_s() - t0, dc = cpu_s() - c0;
    *allocs = ca.calls - before;
    if (dt < best) best = dt;
    if (dc < *cpu_best) *cpu_best = dc;
    *events = n_ev;
    gcpulse_stats(g, st);
    gcpulse_free(g);
  }
  return best;
}

int main(int argc, char **argv) {
  const char *emit = NULL;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--emit") == 0 && i + 1 < argc) emit = argv[++i];
  const char *quick_env = getenv("BENCH_QUICK");
  int quick = quick_env && quick_env[0] && strcmp(quick_env, "0") != 0;
  const char *root = getenv("GCPULSE_CORPUS");
  if (root == NULL || root[0] == '\0') root = "../shared/corpus";

  char dir[4096];
  text corpus = {0};
  snprintf(dir, sizeof dir, "%s/go", root);
  int files = load_dir(dir, &corpus);
  snprintf(dir, sizeof dir, "%s/public/go", root);
  files += load_dir(dir, &corpus);
  if (files == 0 || corpus.n == 0) {
    printf("bench_parse_go: corpus not found under %s: skipped\n", root);
    return 0;
  }

  size_t target = quick ? (size_t)5 << 20 : (size_t)100 << 20;
  text in = {0};
  while (in.n < target) text_add(&in, corpus.p, corpus.n);
  size_t lines = 0;
  for (size_t i = 0; i < in.n; i++) lines += in.p[i] == '\n';
  if (emit) {
    FILE *f = fopen(emit, "wb");
    if (f == NULL || fwrite(in.p, 1, in.n, f) != in.n || fclose(f) != 0) {
      fprintf(stderr, "bench_parse_go: cannot write %s\n", emit);
      return 1;
    }
  }
  printf("bench_parse_go: %d corpus files, input %.1f MB, %zu lines%s\n",
         files, (double)in.n / 1e6, lines, quick ? " (BENCH_QUICK)" : "");

  int runs = quick ? 2 : 5;

  /* ---- the whole pipeline through gcpulse_feed ---- */
  gcpulse_stats_t st;
  uint64_t events = 0;
  long allocs_during = 0;
  double cpu1, cpu2;
  double best = feed_run(&in, runs, 0, &events, &allocs_during, &st, &cpu1);
  double feed_mbps = (double)in.n / 1e6 / best;
  printf("feed   (64 KiB chunks, default config): %8.1f MB/s  %6.1f ns/line  "
         "events=%llu scavenges=%llu skipped=%llu diags=%llu allocs=%ld  "
         "[thread CPU time: %.1f MB/s]\n",
         feed_mbps, best * 1e9 / (double)lines, (unsigned long long)events,
         (unsigned long long)st.scavenges, (unsigned long long)st.skipped,
         (unsigned long long)st.diags, allocs_during,
         (double)in.n / 1e6 / cpu1);
  long allocs2 = 0;
  double best2 = feed_run(&in, runs, 1, &events, &allocs2, &st, &cpu2);
  double lean_mbps = (double)in.n / 1e6 / best2;
  printf("feed   (64 KiB chunks, gogc off, policy off): %8.1f MB/s  %6.1f "
         "ns/line  allocs=%ld  [thread CPU time: %.1f MB/s]\n",
         lean_mbps, best2 * 1e9 / (double)lines, allocs2,
         (double)in.n / 1e6 / cpu2);
  allocs_during += allocs2;

  /* ---- the parser alone ---- */
  size_t *starts = malloc((lines + 1) * sizeof *starts);
  size_t k = 0;
  starts[k++] = 0;
  for (size_t i = 0; i < in.n; i++)
    if (in.p[i] == '\n') starts[k++] = i + 1;
  double dbest = 1e30, dcpu = 1e30;
  uint64_t dev = 0;
  for (int r = 0; r < runs; r++) {
    gcpulse__go p;
    gcpulse__go_init(&p);
    uint64_t n_ev = 0;
    gcpulse__sink sk = {sink_event, sink_diag, &n_ev};
    double t0 = now_s(), c0 = cpu_s();
    for (size_t i = 0; i < lines; i++) {
      int skip;
      const char *s = in.p + starts[i];
      size_t n = starts[i + 1] - starts[i] - 1;
      gcpulse__go_line(&p, s, n, &sk, &skip);
    }
    double dt = now_s() - t0, dc = cpu_s() - c0;
    if (dt < dbest) dbest = dt;
    if (dc < dcpu) dcpu = dc;
    dev = n_ev;
  }
  double direct_mbps = (double)in.n / 1e6 / dbest;
  printf("direct (gcpulse__go_line): %8.1f MB/s  %6.1f ns/line  events=%llu"
         "  [thread CPU time: %.1f MB/s, %.1f ns/line]\n",
         direct_mbps, dbest * 1e9 / (double)lines, (unsigned long long)dev,
         (double)in.n / 1e6 / dcpu, dcpu * 1e9 / (double)lines);
  printf("RESULT feed_MBps=%.1f lean_MBps=%.1f direct_MBps=%.1f events=%llu "
         "bytes=%zu\n",
         feed_mbps, lean_mbps, direct_mbps, (unsigned long long)events, in.n);
  if (allocs_during != 0) {
    fprintf(stderr, "bench_parse_go: %ld allocations while feeding\n",
            allocs_during);
    return 1;
  }
  free(starts);
  free(in.p);
  free(corpus.p);
  return 0;
}

/* bench_parse_longline.c — the JVM line scan is linear in the line length.
 *
 * For each of a set of hostile line shapes (a JDK 8 record opener followed
 * by a repeated fragment that makes a naive scan walk back or forward over
 * the whole line: "x:1->" labels, unclosed "(" groups, " secs]" runs,
 * digit runs, "[CMS-concurrent-" runs, ":" runs, Shenandoah-8 phases, a
 * unified-logging envelope of many "[...]" fields), the parser alone
 * (gcpulse__jvm_line, a fresh state per line) reads one line of 1 MiB and
 * one of 16 MiB.  It prints the time of each and the ratio
 *   growth = (t16 / t1) / 16
 * which is about 1 for a linear scan and about 16 for a quadratic one.
 * Exits 1 if any growth is above 4 (BENCH_QUICK=1: 1 MiB and 4 MiB lines;
 * BENCH_SMALL_KIB / BENCH_BIG_KIB set the two sizes).  Needs no corpus.
 */
#include "trace_jvm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int c_event(void *ctx, const gcpulse_event_t *ev) {
  (void)ev;
  ++*(unsigned long *)ctx;
  return 0;
}
static int c_diag(void *ctx, int reason, size_t col, const char *detail) {
  (void)ctx; (void)reason; (void)col; (void)detail;
  return 0;
}

typedef struct shape {
  const char *name, *head, *rep, *tail;
} shape;

static const shape shapes[] = {
    {"labels", "0.1: [GC (Allocation Failure) ", "x:1->", ""},
    {"open-parens", "0.1: [GC (Allocation Failure) ", "1K(->", ""},
    {"secs", "0.1: [GC (Allocation Failure) ", "1 secs]", " [Times: user=0.01 sys=0.00, real=0.01 secs]"},
    {"digits", "0.1: [GC (Allocation Failure) ", "1111111111", "->1K"},
    {"arrows", "0.1: [GC ", "->", ""},
    {"groups", "0.1: [Full GC ", "(", ""},
    {"closed-groups", "0.1: [Full GC ", "(a)", ""},
    {"cms-concurrent", "0.1: [GC (Allocation Failure) ", "[CMS-concurrent-", ""},
    {"colons", "0.1: [GC (Allocation Failure) ", " :", "1K->1K"},
    {"prefixes", "", "0.1: ", "[GC (x) 1K->1K(2K), 0.1 secs]"},
    {"shenandoah8", "0.1: [Concurrent marking ", "1->", "1 ms]"},
    {"envelope", "", "[0.1s]", " GC(1) Pause Young (Normal) 1M->1M(2M) 1.0ms"},
    {"causeless", "0.1: [GC", "[YG occupancy", ""},
};

/* One line of about N bytes of shape S into BUF (size >= N + 256). */
static size_t make_line(const shape *s, char *buf, size_t n) {
  size_t h = strlen(s->head), r = strlen(s->rep), t = strlen(s->tail), o = 0;
  memcpy(buf, s->head, h);
  o = h;
  while (o + r + t < n) {
    memcpy(buf + o, s->rep, r);
    o += r;
  }
  memcpy(buf + o, s->tail, t);
  return o + t;
}

/* Seconds to parse BUF[0, LEN) as one line, after a JDK 8 header line. */
static double time_line(const char *buf, size_t len, unsigned long *events) {
  gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  gcpulse__jvm *p = malloc(gcpulse__jvm_size(&cfg));
  if (p == NULL) exit(1);
  gcpulse__jvm_init(p, &cfg);
  gcpulse__sink k = {c_event, c_diag, events};
  static const char hdr[] = "OpenJDK 64-Bit Server VM (25.1-b1) for linux-amd64";
  int skip;
  gcpulse__jvm_line(p, hdr, sizeof hdr - 1, &k, &skip);
  double t0 = now_s();
  gcpulse__jvm_line(p, buf, len, &k, &skip);
  gcpulse__jvm_finish(p, &k);
  double dt = now_s() - t0;
  free(p);
  return dt;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *quick = getenv("BENCH_QUICK"), *ks = getenv("BENCH_SMALL_KIB"),
             *kb = getenv("BENCH_BIG_KIB");
  size_t small = (size_t)1 << 20;
  size_t big = quick && *quick && *quick != '0' ? (size_t)4 << 20 : (size_t)16 << 20;
  if (ks && atol(ks) > 0) small = (size_t)atol(ks) << 10;
  if (kb && atol(kb) > 0) big = (size_t)atol(kb) << 10;
  if (big < small) big = small;
  double ratio = (double)big / (double)small;
  char *buf = malloc(big + 256);
  if (buf == NULL) return 1;
  int bad = 0;
  printf("bench_parse_longline: one line of %zu KiB vs %zu KiB per shape "
         "(growth 1 = linear, %.0f = quadratic)\n",
         small >> 10, big >> 10, ratio);
  for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
    unsigned long ev = 0;
    double best_s = 1e9, best_b = 1e9;
    for (int run = 0; run < 3; run++) {
      size_t n = make_line(&shapes[i], buf, small);
      double ts = time_line(buf, n, &ev);
      n = make_line(&shapes[i], buf, big);
      double tb = time_line(buf, n, &ev);
      if (ts < best_s) best_s = ts;
      if (tb < best_b) best_b = tb;
    }
    double growth = (best_b / (best_s > 1e-6 ? best_s : 1e-6)) / ratio;
    int fail = growth > 4.0 && best_b > 0.05;
    bad |= fail;
    printf("  %-15s %8.2f ms %9.2f ms  %7.1f MB/s  growth %.2f%s\n",
           shapes[i].name, best_s * 1e3, best_b * 1e3,
           (double)big / 1e6 / (best_b > 1e-9 ? best_b : 1e-9), growth,
           fail ? "  NOT LINEAR" : "");
  }
  free(buf);
  printf("RESULT longline_linear=%s\n", bad ? "no" : "yes");
  return bad;
}

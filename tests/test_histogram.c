/* test_histogram.c — the log-linear histogram: bucket mapping, the 1.56 %
 * quantile error bound against exact quantiles on 200 000 generated
 * values, saturation and subtract-on-evict. */
#include "util.h"

#include "histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void test_bucket_mapping(void **state) {
  (void)state;
  /* exact region, then 32 sub-buckets per octave */
  for (uint64_t v = 0; v < 32; v++) assert_int_equal(gcpulse__hist_bucket(v, 5, 768), v);
  assert_int_equal(gcpulse__hist_bucket(32, 5, 768), 32);
  assert_int_equal(gcpulse__hist_bucket(63, 5, 768), 63);
  assert_int_equal(gcpulse__hist_bucket(64, 5, 768), 64);
  assert_int_equal(gcpulse__hist_bucket(65, 5, 768), 64);
  assert_int_equal(gcpulse__hist_bucket(UINT64_MAX, 5, 768), 767); /* clamped */
  assert_int_equal(gcpulse__hist_nbuckets(5, 27), 736);
  /* every bucket's edges map back to it and tile the line */
  for (uint32_t b = 0; b < 736; b++) {
    uint64_t lo = gcpulse__hist_lower(b, 5), hi = gcpulse__hist_upper(b, 5);
    assert_int_equal(gcpulse__hist_bucket(lo, 5, 736), b);
    assert_int_equal(gcpulse__hist_bucket(hi - 1, 5, 736), b);
    if (b + 1 < 736) assert_true(gcpulse__hist_lower(b + 1, 5) == hi);
    if (lo >= 32) assert_true((double)(hi - lo) / (double)lo <= 1.0 / 32);
  }
}

static uint64_t rng = 88172645463325252ull;
static double unif(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return ((rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) {
  return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}
static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Exact nearest-rank quantiles of 200 000 lognormal values spread over
 * 1 us .. 10 s vs the windowed histogram (spread over 12 panes). */
static void test_quantile_error(void **state) {
  (void)state;
  enum { N = 200000, P = 12 };
  uint64_t *v = malloc(N * sizeof *v);
  size_t bytes = gcpulse__hist_bytes(5, 27, P);
  void *mem = calloc(1, bytes);
  gcpulse__hist h;
  gcpulse__hist_init(&h, mem, 5, 27, P);
  for (int i = 0; i < N; i++) {
    double x = exp(log(2000.0) + 2.5 * gauss()); /* median 2 ms in us */
    if (x > 1e7) x = 1e7;
    v[i] = (uint64_t)(x + 1);
    gcpulse__hist_record(&h, (unsigned)(i % P), v[i]);
  }
  qsort(v, N, sizeof *v, cmp_u64);
  const double qs[] = {0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75,
                       0.9,   0.95, 0.99, 0.995, 0.999, 0.9999, 1.0};
  double worst = 0;
  for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
    size_t rank = (size_t)ceil(qs[i] * N);
    double exact = (double)v[rank - 1], got;
    assert_int_equal(gcpulse__hist_quantile(&h, qs[i], &got), 0);
    double err = fabs(got - exact) / exact;
    if (err > worst) worst = err;
    assert_true(err <= 0.015625);
  }
  /* and at every 1/1000 */
  for (int k = 1; k <= 1000; k++) {
    double q = k / 1000.0, got;
    size_t rank = (size_t)ceil(q * N);
    double exact = (double)v[rank - 1];
    gcpulse__hist_quantile(&h, q, &got);
    double err = fabs(got - exact) / exact;
    if (err > worst) worst = err;
    assert_true(err <= 0.015625);
  }
  print_message("worst relative quantile error on %d values: %.3f %%\n", N,
                worst * 100);
  /* evicting every pane empties the aggregate exactly */
  for (unsigned p = 0; p < P; p++) gcpulse__hist_evict(&h, p);
  assert_int_equal(h.total, 0);
  for (uint32_t b = 0; b < h.nb; b++) assert_int_equal(h.agg[b], 0);
  double got;
  assert_int_equal(gcpulse__hist_quantile(&h, 0.5, &got), -1);
  free(mem);
  free(v);
}

static void test_saturation_and_evict(void **state) {
  (void)state;
  size_t bytes = gcpulse__hist_bytes(5, 27, 2);
  void *mem = calloc(1, bytes);
  gcpulse__hist h;
  gcpulse__hist_init(&h, mem, 5, 27, 2);
  /* 70,000 samples of one value in one pane: 16-bit counts saturated at
   * 65,535 here; 32-bit ones keep every sample */
  for (int i = 0; i < 70000; i++) gcpulse__hist_record(&h, 0, 1000);
  gcpulse__hist_record(&h, 1, 5);
  uint32_t b1000 = gcpulse__hist_bucket(1000, 5, h.nb);
  assert_int_equal(h.panes[b1000], 70000);
  assert_int_equal(h.saturated, 0);
  assert_int_equal(h.total, 70001);
  /* the bucket full: saturates, never wraps, aggregate stays the sum */
  h.panes[b1000] = UINT32_MAX - 1;
  h.agg[b1000] += UINT32_MAX - 1 - 70000;
  h.grp[b1000 >> 5] += UINT32_MAX - 1 - 70000;
  h.total += UINT32_MAX - 1 - 70000;
  assert_int_equal(gcpulse__hist_record(&h, 0, 1000), 0);
  assert_int_equal(gcpulse__hist_record(&h, 0, 1000), 1);
  assert_int_equal(h.panes[b1000], UINT32_MAX);
  assert_int_equal(h.saturated, 1);
  assert_true(h.total == (uint64_t)UINT32_MAX + 1);
  double q;
  gcpulse__hist_quantile(&h, 0.0, &q);
  assert_true(q == 5.0);
  gcpulse__hist_quantile(&h, 0.5, &q);
  assert_true(fabs(q - 1000) / 1000 <= 0.015625);
  gcpulse__hist_evict(&h, 0);
  assert_int_equal(h.total, 1);
  gcpulse__hist_quantile(&h, 0.99, &q);
  assert_true(q == 5.0);
  /* the plain-array form agrees */
  uint32_t arr[64] = {0};
  arr[3] = 2;
  arr[40] = 2;
  assert_int_equal(gcpulse__hist_quantile_array(arr, 64, 5, 0.5, &q), 0);
  assert_true(q == 3.0);
  free(mem);
}

/* The window's latency p99 at 40,000 samples/s (200,000 per 5 s pane): 1 ms
 * samples with one 400 ms sample in 1,000.  (16-bit pane counts saturated
 * and the p99 read 400 ms.) */
static void test_window_latency_rate(void **state) {
  (void)state;
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, NULL, &g), 0);
  const int rate = 40000;
  for (long i = 0; i < 10L * rate; i++) {
    double t = 1.0 + (double)i / rate;
    double v = i % 1000 == 999 ? 400.0 : 1.0;
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_LATENCY, t, v), 0);
  }
  double p99 = 0, p50 = 0, mx = 0;
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_LATENCY, GCPULSE_STAT_P99, &p99), 0);
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_LATENCY, GCPULSE_STAT_P50, &p50), 0);
  assert_int_equal(gcpulse_feature(g, GCPULSE_FEAT_LATENCY, GCPULSE_STAT_MAX, &mx), 0);
  assert_true(fabs(p99 - 1.0) <= 0.031);
  assert_true(fabs(p50 - 1.0) <= 0.031);
  assert_true(mx == 400.0);
  gcpulse_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bucket_mapping),
      cmocka_unit_test(test_quantile_error),
      cmocka_unit_test(test_saturation_and_evict),
      cmocka_unit_test(test_window_latency_rate),
  };
  return cmocka_run_group_tests_name("histogram", tests, NULL, NULL);
}

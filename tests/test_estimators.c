/* test_estimators.c — EWMA with irregular intervals, the CUSUM average run
 * lengths (seeded Monte Carlo) and Theil-Sen robustness. */
#include "util.h"

#include "estimators.h"

#include <math.h>
#include <stdlib.h>

static uint64_t rng;
static double unif(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return ((rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void) {
  return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

static void test_ewma_irregular(void **state) {
  (void)state;
  gcpulse__ewma e = {0};
  double tau = 10;
  gcpulse__ewma_add(&e, 100, 0, 0);
  assert_true(e.mean == 100);
  /* equal weighting while 1/n beats the kernel: 2nd sample after 0.1 s */
  gcpulse__ewma_add(&e, 200, 0.1, gcpulse__ewma_alpha(0.1, tau));
  assert_true(fabs(e.mean - 150) < 1e-12);
  /* a long gap: the kernel weight 1 - exp(-30/10) dominates */
  double a = gcpulse__ewma_alpha(30, tau);
  assert_true(fabs(a - (1 - exp(-3))) < 1e-15);
  gcpulse__ewma_add(&e, 0, 30.1, a);
  assert_true(fabs(e.mean - 150 * exp(-3)) < 1e-9);
  /* irregular arrivals of a constant converge to it; a zero gap adds
   * nothing once the kernel rules */
  for (int i = 0; i < 1000; i++) gcpulse__ewma_add(&e, 7, 31 + i * 0.37, gcpulse__ewma_alpha(0.37, tau));
  assert_true(fabs(e.mean - 7) < 1e-6);
  assert_true(gcpulse__ewma_alpha(0, tau) == 0);
  assert_true(gcpulse__ewma_alpha(-1, tau) == 0);
}

/* gcpulse__ewma_update, the general entry point with a time constant in
 * seconds: the seeded form is the controller's former private EWMA
 * (v += (1 - exp(-dt/tau)) (x - v), first sample seeds, tau 0 = none);
 * the warm-up form is exactly the window's gcpulse__ewma_add path. */
static void test_ewma_update(void **state) {
  (void)state;
  double t[] = {0, 0.5, 0.5, 2.0, 9.5, 10.0, 40.0, 40.1, 39.0, 60.0};
  double x[] = {10, 14, 30, 8, 12, 11, 50, 49, 1000, 20};
  double tau = 7.5;
  /* seeded: the reference formula, sample by sample */
  gcpulse__ewma e = {0};
  double ref = 0, last_t = 0;
  for (int i = 0; i < 10; i++) {
    double got = gcpulse__ewma_update(&e, x[i], t[i], tau, 0);
    if (i == 0) {
      ref = x[0];
    } else if (t[i] > last_t) {
      ref += (1 - exp(-(t[i] - last_t) / tau)) * (x[i] - ref);
    }
    if (t[i] > last_t || i == 0) last_t = t[i];
    assert_true(fabs(got - ref) < 1e-12 * fabs(ref));
  }
  /* a sample at an earlier time (index 8: 1000 at t=39 < 40.1) held */
  assert_int_equal(e.n, 10);
  /* warm-up: identical to ewma_add with the kernel weight */
  gcpulse__ewma a = {0}, b = {0};
  for (int i = 0; i < 10; i++) {
    double prev = b.n ? b.t : t[i];
    gcpulse__ewma_update(&a, x[i], t[i], tau, 1);
    gcpulse__ewma_add(&b, x[i], t[i], gcpulse__ewma_alpha(t[i] - prev, tau));
    assert_true(a.mean == b.mean && a.var == b.var && a.n == b.n);
  }
  /* time constant 0: no smoothing */
  gcpulse__ewma z = {0};
  for (int i = 0; i < 10; i++)
    assert_true(gcpulse__ewma_update(&z, x[i], t[i], 0, 0) == x[i]);
  /* a non-finite result restarts the mean at the sample (callers feed
   * finite inputs; this keeps one bad value from sticking) */
  gcpulse__ewma f = {0};
  gcpulse__ewma_update(&f, 5, 0, tau, 0);
  assert_true(gcpulse__ewma_update(&f, INFINITY, 100, tau, 0) == INFINITY);
  assert_true(gcpulse__ewma_update(&f, 3, 200, tau, 0) == 3);
}

/* Run length of a CUSUM on N(delta, 1) samples until the first alarm. */
static int run_length(double delta, double k, double h) {
  gcpulse__cusum c = {0, 0};
  for (int n = 1; n < 100000; n++)
    if (gcpulse__cusum_step(&c, delta + gauss(), k, h) != 0) return n;
  return 100000;
}

static void test_cusum_arl(void **state) {
  (void)state;
  rng = 0x9E3779B97F4A7C15ull;
  const int runs = 4000;
  double s0 = 0, s1 = 0;
  for (int i = 0; i < runs; i++) s0 += run_length(0.0, 0.5, 5.0);
  for (int i = 0; i < runs; i++) s1 += run_length(1.0, 0.5, 5.0);
  double arl0 = s0 / runs, arl1 = s1 / runs;
  print_message("CUSUM k=0.5 h=5: ARL0 %.1f, ARL1(1 sigma) %.2f\n", arl0, arl1);
  assert_true(arl0 >= 450);  /* Montgomery: 465 */
  assert_true(arl1 <= 11);   /* Montgomery: 10.4 */
  /* downward shifts are symmetric */
  double sd = 0;
  for (int i = 0; i < runs; i++) sd += run_length(-1.0, 0.5, 5.0);
  assert_true(sd / runs <= 11);
}

static void test_theil_sen(void **state) {
  (void)state;
  double x[12], y[12], scratch[66], s;
  for (int i = 0; i < 12; i++) {
    x[i] = 2.5 + 5 * i;
    y[i] = 1000 + 3 * x[i];
  }
  /* three wild outliers (25 %) do not move it */
  y[2] = 1e9;
  y[7] = -1e9;
  y[9] = 5e8;
  assert_int_equal(gcpulse__theil_sen(x, y, 12, scratch, &s), 0);
  assert_true(fabs(s - 3) < 1e-9);
  /* least squares does move */
  double n = 0, st = 0, stt = 0, sy = 0, sty = 0;
  for (int i = 0; i < 12; i++) n++, st += x[i], stt += x[i] * x[i], sy += y[i], sty += x[i] * y[i];
  assert_int_equal(gcpulse__ols_slope(n, st, stt, sy, sty, &s), 0);
  assert_true(fabs(s - 3) > 1);
  /* even number of pairs: mean of the middle two */
  double x2[] = {0, 1, 2}, y2[] = {0, 1, 4}; /* slopes 1, 2, 3 */
  assert_int_equal(gcpulse__theil_sen(x2, y2, 3, scratch, &s), 0);
  assert_true(s == 2);
  double x3[] = {0, 1, 2, 3}, y3[] = {0, 1, 3, 6}; /* 1 1.5 2 2 2.5 3 */
  assert_int_equal(gcpulse__theil_sen(x3, y3, 4, scratch, &s), 0);
  assert_true(s == 2);
  /* no distinct x: unknown */
  double x4[] = {1, 1}, y4[] = {0, 5};
  assert_int_equal(gcpulse__theil_sen(x4, y4, 2, scratch, &s), -1);
  assert_int_equal(gcpulse__ols_slope(2, 2, 2, 5, 5, &s), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ewma_irregular),
      cmocka_unit_test(test_ewma_update),
      cmocka_unit_test(test_cusum_arl),
      cmocka_unit_test(test_theil_sen),
  };
  return cmocka_run_group_tests_name("detect", tests, NULL, NULL);
}

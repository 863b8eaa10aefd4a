/*
 * estimators.c — smoothers, change detection and robust slopes used by the
 * feature window.
 *
 * EWMA.  Samples arrive at irregular times (GC cycles, caller metrics), so
 * the weight of a new sample is the continuous-time kernel
 * alpha = 1 - exp(-dt/tau): a sample after a long gap replaces most of the
 * estimate, a burst of samples moves it only a little.  Until the kernel
 * weight exceeds 1/n the plain running mean is used instead
 * (alpha = max(kernel, 1/n)), which removes the start-up bias of seeding
 * with the first sample.  The variance is the exponentially weighted
 * variance of deviations (West 1979 form): var = (1-a)(var + a d^2).
 *
 * CUSUM.  Two-sided tabular CUSUM (Page 1954) on standardised values with
 * allowance k and decision interval h, both in sigmas; the sums restart
 * after an alarm.  With k = 0.5 and h = 5 the in-control average run
 * length is ~465 samples and a 1-sigma shift is caught in ~10.4
 * (Montgomery's table; tests/test_estimators.c checks it by Monte Carlo).
 *
 * Theil-Sen.  The median of all pairwise slopes; breakdown point ~29 %.
 * O(n^2) pairs and an O(n^2) expected quickselect, run at query time on
 * per-pane means (12 points: 66 pairs), never on the hot path.
 */
#include "estimators.h"

#include <math.h>

double gcpulse__ewma_alpha(double dt, double tau) {
  if (!(dt > 0) || !(tau > 0)) return 0.0;
  double x = dt / tau;
  /* GC events come far faster than tau: a short series is exact to
   * double precision there (x^5/120 < 1e-17) and much cheaper than exp */
  if (x < 1e-3) return x * (1.0 - x * (0.5 - x * (1.0 / 6 - x * (1.0 / 24))));
  return -expm1(-x);
}

/* gcpulse__ewma_add and gcpulse__cusum_step are inline in estimators.h. */

int gcpulse__ols_slope(double n, double st, double stt, double sy,
                       double sty, double *out) {
  if (n < 2) return -1;
  double den = n * stt - st * st;
  /* relative test: the t spread vanishes when all t are equal */
  if (!(den > 1e-12 * (n * stt + 1e-300))) return -1;
  double s = (n * sty - st * sy) / den;
  if (!isfinite(s)) return -1;
  *out = s;
  return 0;
}

/* k-th smallest (0-based) of A[0..n), reordering A (Hoare quickselect
 * with a median-of-three pivot). */
static double select_kth(double *a, int n, int k) {
  int lo = 0, hi = n - 1;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    double x = a[lo], y = a[mid], z = a[hi];
    double pivot = x < y ? (y < z ? y : (x < z ? z : x))
                         : (x < z ? x : (y < z ? z : y));
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        double tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j)
      hi = j;
    else if (k >= i)
      lo = i;
    else
      return a[k];
  }
  return a[k];
}

int gcpulse__theil_sen(const double *x, const double *y, int n,
                       double *scratch, double *out) {
  int m = 0;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double dx = x[j] - x[i];
      if (dx == 0) continue;
      double s = (y[j] - y[i]) / dx;
      if (isfinite(s)) scratch[m++] = s;
    }
  if (m == 0) return -1;
  double med = select_kth(scratch, m, m / 2);
  if ((m & 1) == 0) {
    /* even count: mean of the two middle slopes; the lower one is the
     * largest value left of m/2 after the partition */
    double lo = scratch[0];
    for (int i = 1; i < m / 2; i++)
      if (scratch[i] > lo) lo = scratch[i];
    med = 0.5 * (med + lo);
  }
  *out = med;
  return 0;
}

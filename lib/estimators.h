/*
 * estimators.h — smoothers, change detection, robust slope
 * (estimators.c).
 */
#ifndef GCPULSE_ESTIMATORS_H
#define GCPULSE_ESTIMATORS_H

#include <math.h>
#include <stdint.h>

/* Time-decay EWMA for irregular samples.  alpha = max(1 - exp(-dt/tau),
 * 1/n): the first samples are averaged equally (no start-up bias) until
 * the time kernel gives them more weight.  VAR is the matching
 * exponentially weighted variance of the deviations. */
typedef struct gcpulse__ewma {
  double mean, var, t; /* t: time of the last sample */
  uint32_t n;
} gcpulse__ewma;
/* Kernel weight for a gap DT with time constant TAU (0 if dt <= 0). */
double gcpulse__ewma_alpha(double dt, double tau);
/* Add X at time T using kernel weight ALPHA_TIME for (t - e->t).  Inline:
 * it runs for every series sample on the hot path. */
static inline void gcpulse__ewma_add(gcpulse__ewma *e, double x, double t,
                                     double alpha_time) {
  if (e->n == 0) {
    e->mean = x;
    e->var = 0.0;
    e->t = t;
    e->n = 1;
    return;
  }
  if (e->n != UINT32_MAX) e->n++;
  double a = alpha_time;
  if (a * (double)e->n < 1.0) a = 1.0 / (double)e->n; /* start-up: plain mean */
  double d = x - e->mean;
  e->mean += a * d;
  e->var = (1.0 - a) * (e->var + a * d * d);
  if (t > e->t) e->t = t;
}

/* The general entry point: add X observed at time T (seconds, on the
 * caller's clock; intervals may be irregular) with time constant TAU_S
 * seconds, and return the smoothed mean.  The new sample's weight is
 * 1 - exp(-(T - time of the previous sample) / TAU_S):
 *   - TAU_S <= 0: no smoothing, the mean is X;
 *   - T not after the previous sample: weight 0 (the mean holds, the
 *     sample still counts in n);
 *   - WARMUP set: the first samples are averaged equally until the kernel
 *     weight exceeds 1/n (the window's series); WARMUP clear: the first
 *     sample seeds the mean (the controller's inputs);
 *   - a non-finite result restarts the mean at X.
 * The window's hot path calls gcpulse__ewma_add with a cached
 * gcpulse__ewma_alpha instead; both compute the same thing. */
static inline double gcpulse__ewma_update(gcpulse__ewma *e, double x,
                                          double t, double tau_s,
                                          int warmup) {
  if (e->n == 0 || !(tau_s > 0)) {
    e->mean = x;
    e->var = 0.0;
    e->t = t;
    if (e->n != UINT32_MAX) e->n++;
    return e->mean;
  }
  double dt = t - e->t;
  double kernel = dt > 0 ? -expm1(-dt / tau_s) : 0.0;
  if (warmup) {
    gcpulse__ewma_add(e, x, t, kernel);
  } else {
    if (e->n != UINT32_MAX) e->n++;
    double d = x - e->mean;
    e->mean += kernel * d;
    e->var = (1.0 - kernel) * (e->var + kernel * d * d);
    if (t > e->t) e->t = t;
  }
  if (!isfinite(e->mean)) {
    e->mean = x;
    e->var = 0.0;
  }
  return e->mean;
}

/* Two-sided tabular CUSUM on standardised values z (Page 1954):
 * S+ = max(0, S+ + z - k), S- = max(0, S- - z - k); an alarm when either
 * exceeds h, after which both sums restart at 0. */
typedef struct gcpulse__cusum {
  double sp, sn;
} gcpulse__cusum;
/* Returns +1 (upward shift), -1 (downward) or 0. */
static inline int gcpulse__cusum_step(gcpulse__cusum *c, double z, double k,
                                      double h) {
  double sp = c->sp + z - k, sn = c->sn - z - k;
  c->sp = sp > 0 ? sp : 0.0;
  c->sn = sn > 0 ? sn : 0.0;
  if (c->sp > h) {
    c->sp = c->sn = 0.0;
    return 1;
  }
  if (c->sn > h) {
    c->sp = c->sn = 0.0;
    return -1;
  }
  return 0;
}

/* Theil-Sen slope of (X[i], Y[i]), i < N: the median of the pairwise
 * slopes over pairs with distinct x.  SCRATCH holds N*(N-1)/2 doubles.
 * Returns 0 and *OUT, or -1 with fewer than one usable pair. */
int gcpulse__theil_sen(const double *x, const double *y, int n,
                       double *scratch, double *out);
/* Least-squares slope from sums (n, sum t, sum t^2, sum y, sum t*y).
 * Returns 0 and *OUT, or -1 when the t spread is zero. */
int gcpulse__ols_slope(double n, double st, double stt, double sy,
                       double sty, double *out);

#endif /* GCPULSE_ESTIMATORS_H */

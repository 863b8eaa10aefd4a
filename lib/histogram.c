/*
 * histogram.c — log-linear (HDR-style) histogram for windowed pause and
 * latency distributions.
 *
 * Values are non-negative integers (the window records microseconds).
 * With S sub-bucket bits, values below 2^S have a bucket each; every
 * octave [2^e, 2^(e+1)) above is cut into 2^S equal buckets, so a bucket
 * is at most 2^-S of its lower edge wide and its midpoint is within
 * 2^-(S+1) (1.56 % at S = 5) of every value in it.  The bucket index comes
 * from clz and shifts only (gcpulse__hist_bucket in histogram.h).
 *
 * Windowing: each pane of the window has its own u32 bucket array; a u64
 * aggregate holds the sum over panes and is maintained by adding on record
 * and subtracting the pane on evict (resilience4j's subtract-on-evict), so
 * a quantile never touches the panes.  A per-group sum (one group = one
 * octave of 2^S buckets) lets a quantile skip whole octaves: ~NB/2^S group
 * steps plus at most 2^S bucket steps.  Pane counts are 32-bit: 2^32 - 1
 * samples of one bucket in one pane (at 40,000 samples/s, 29 hours of
 * one value), then they saturate and never wrap; a saturated sample is
 * left out of the aggregate too, so the aggregate always equals the sum of
 * the panes.  (16-bit counts saturated at 65,535: at 40,000 latency
 * samples/s in 5 s panes the p99 read the highest bucket.)
 */
#include "common.h"
#include "histogram.h"

#include <math.h>
#include <string.h>

uint64_t gcpulse__hist_lower(uint32_t b, unsigned s) {
  uint32_t sub = 1u << s;
  if (b < sub) return b;
  unsigned e = (b >> s) + s - 1u; /* octave: values in [2^e, 2^(e+1)) */
  uint64_t m = b & (sub - 1u);
  return (UINT64_C(1) << e) + (m << (e - s));
}

uint64_t gcpulse__hist_upper(uint32_t b, unsigned s) {
  uint32_t sub = 1u << s;
  if (b < sub) return (uint64_t)b + 1u;
  unsigned e = (b >> s) + s - 1u;
  return gcpulse__hist_lower(b, s) + (UINT64_C(1) << (e - s));
}

size_t gcpulse__hist_bytes(unsigned s, unsigned max_log2, unsigned npanes) {
  size_t nb = gcpulse__hist_nbuckets(s, max_log2);
  return GCPULSE__ALIGN(nb * npanes * sizeof(uint32_t)) +
         GCPULSE__ALIGN(nb * sizeof(uint64_t)) +
         GCPULSE__ALIGN((nb >> s) * sizeof(uint64_t));
}

void gcpulse__hist_init(gcpulse__hist *h, void *mem, unsigned s,
                        unsigned max_log2, unsigned npanes) {
  char *p = mem;
  h->s = s;
  h->nb = gcpulse__hist_nbuckets(s, max_log2);
  h->npanes = npanes;
  h->panes = (uint32_t *)(void *)p;
  p += GCPULSE__ALIGN((size_t)h->nb * npanes * sizeof(uint32_t));
  h->agg = (uint64_t *)(void *)p;
  p += GCPULSE__ALIGN((size_t)h->nb * sizeof(uint64_t));
  h->grp = (uint64_t *)(void *)p;
  gcpulse__hist_clear(h);
}

void gcpulse__hist_clear(gcpulse__hist *h) {
  memset(h->panes, 0, (size_t)h->nb * h->npanes * sizeof(uint32_t));
  memset(h->agg, 0, (size_t)h->nb * sizeof(uint64_t));
  memset(h->grp, 0, (size_t)(h->nb >> h->s) * sizeof(uint64_t));
  h->total = 0;
  h->saturated = 0;
}

void gcpulse__hist_evict(gcpulse__hist *h, unsigned pane) {
  uint32_t *c = &h->panes[(size_t)pane * h->nb];
  /* scan 4 buckets at a time: panes are mostly empty (NB is a multiple of
   * 2^S >= 16) */
  for (uint32_t b = 0; b < h->nb; b += 4) {
    uint64_t lo, hi;
    memcpy(&lo, c + b, 8);
    memcpy(&hi, c + b + 2, 8);
    if ((lo | hi) == 0) continue;
    for (uint32_t i = b; i < b + 4; i++) {
      uint32_t n = c[i];
      if (n == 0) continue;
      h->agg[i] -= n;
      h->grp[i >> h->s] -= n;
      h->total -= n;
      c[i] = 0;
    }
  }
}

/* Midpoint of bucket B in value units (exact below 2^S). */
static double bucket_mid(uint32_t b, unsigned s) {
  uint64_t lo = gcpulse__hist_lower(b, s);
  uint64_t hi = gcpulse__hist_upper(b, s); /* exclusive */
  /* integers lo..hi-1: their middle */
  return ((double)lo + (double)(hi - 1u)) * 0.5;
}

/* 1-based nearest rank for quantile Q of N values. */
static uint64_t rank_of(double q, uint64_t n) {
  if (!(q > 0)) return 1;
  if (q >= 1) return n;
  double r = ceil(q * (double)n);
  if (r < 1) r = 1;
  if (r > (double)n) r = (double)n;
  return (uint64_t)r;
}

int gcpulse__hist_quantile(const gcpulse__hist *h, double q, double *out) {
  if (h->total == 0) return -1;
  uint64_t rank = rank_of(q, h->total);
  uint32_t ng = h->nb >> h->s, sub = 1u << h->s;
  uint64_t cum = 0;
  uint32_t g = 0;
  /* skip whole octaves, then walk the buckets of the one holding RANK */
  for (; g < ng; g++) {
    if (cum + h->grp[g] >= rank) break;
    cum += h->grp[g];
  }
  if (g == ng) g = ng - 1u; /* cannot happen while total == sum(grp) */
  uint32_t b = g * sub, end = b + sub;
  for (; b < end; b++) {
    cum += h->agg[b];
    if (cum >= rank) break;
  }
  if (b == end) b = end - 1u;
  *out = bucket_mid(b, h->s);
  return 0;
}

int gcpulse__hist_quantile_array(const uint32_t *agg, uint32_t nb,
                                 unsigned s, double q, double *out) {
  uint64_t n = 0;
  for (uint32_t b = 0; b < nb; b++) n += agg[b];
  if (n == 0) return -1;
  uint64_t rank = rank_of(q, n), cum = 0;
  for (uint32_t b = 0; b < nb; b++) {
    cum += agg[b];
    if (cum >= rank) {
      *out = bucket_mid(b, s);
      return 0;
    }
  }
  *out = bucket_mid(nb - 1u, s);
  return 0;
}

/*
 * histogram.h — log-linear histogram, u32 panes + u64 aggregate
 * (histogram.c).
 */
#ifndef GCPULSE_HISTOGRAM_H
#define GCPULSE_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

/* Bucket of V with S sub-bucket bits: values below 2^S are exact; above,
 * bucket = (floor(log2 V) - S + 1) * 2^S + the S bits after the leading
 * one.  Relative width of a bucket <= 2^-S, so the bucket midpoint is
 * within 2^-(S+1) (1.56 % at S = 5) of any value in it.  Buckets past
 * NB-1 clamp into the last one. */
static inline uint32_t gcpulse__hist_bucket(uint64_t v, unsigned s,
                                            uint32_t nb) {
  uint32_t b;
  if (v < (UINT64_C(1) << s)) {
    b = (uint32_t)v;
  } else {
    unsigned e = 63u - (unsigned)__builtin_clzll(v);
    b = ((e - s + 1u) << s) + ((uint32_t)(v >> (e - s)) & ((1u << s) - 1u));
  }
  return b < nb ? b : nb - 1u;
}
/* Buckets needed to cover [0, 2^MAX_LOG2) with S sub-bucket bits. */
static inline uint32_t gcpulse__hist_nbuckets(unsigned s, unsigned max_log2) {
  return (max_log2 - s + 1u) << s;
}
/* Smallest value in bucket B, and one past its largest. */
uint64_t gcpulse__hist_lower(uint32_t b, unsigned s);
uint64_t gcpulse__hist_upper(uint32_t b, unsigned s);

/* A windowed histogram: NPANES u32 pane arrays of NB buckets, a u64
 * aggregate equal to their sum (kept by subtract-on-evict), and per-group
 * (2^S buckets) sums so a quantile scans ~NB/2^S + 2^S cells.  All arrays
 * live in caller memory (gcpulse__hist_bytes). */
typedef struct gcpulse__hist {
  uint32_t *panes;   /* npanes * nb */
  uint64_t *agg;     /* nb */
  uint64_t *grp;     /* nb >> s */
  uint32_t nb, s, npanes;
  uint64_t total;    /* sum of agg */
  uint64_t saturated; /* pane increments lost to u32 saturation */
} gcpulse__hist;

size_t gcpulse__hist_bytes(unsigned s, unsigned max_log2, unsigned npanes);
/* Lay the histogram out in MEM (gcpulse__hist_bytes bytes, zeroed). */
void gcpulse__hist_init(gcpulse__hist *h, void *mem, unsigned s,
                        unsigned max_log2, unsigned npanes);
void gcpulse__hist_clear(gcpulse__hist *h);
/* Count V in pane slot PANE.  A u32 pane bucket holds 2^32 - 1 samples
 * (at 40,000 samples/s, one value for 29 hours in one pane); past that it
 * saturates, never wraps (the aggregate then skips the sample too, so
 * eviction stays exact) and h->saturated counts the loss.  Returns 0, or
 * 1 when saturated. */
static inline int gcpulse__hist_record(gcpulse__hist *h, unsigned pane,
                                       uint64_t v) {
  uint32_t b = gcpulse__hist_bucket(v, h->s, h->nb);
  uint32_t *c = &h->panes[(size_t)pane * h->nb + b];
  if (*c == UINT32_MAX) {
    h->saturated++;
    return 1;
  }
  (*c)++;
  h->agg[b]++;
  h->grp[b >> h->s]++;
  h->total++;
  return 0;
}
/* Subtract pane slot PANE from the aggregate and zero it. */
void gcpulse__hist_evict(gcpulse__hist *h, unsigned pane);
/* Nearest-rank quantile Q in [0,1] of the aggregate: the midpoint of the
 * bucket holding rank ceil(Q*total) (an exact value below 2^S).  Returns
 * 0 and sets *OUT, or -1 when empty. */
int gcpulse__hist_quantile(const gcpulse__hist *h, double q, double *out);
/* Same on a plain u32 array (tests, merges): NB buckets, S bits. */
int gcpulse__hist_quantile_array(const uint32_t *agg, uint32_t nb,
                                 unsigned s, double q, double *out);

#endif /* GCPULSE_HISTOGRAM_H */

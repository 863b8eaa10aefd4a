/*
 * numscan.c — locale-free number scanning shared by the trace parsers.
 *
 * strtod() depends on the C locale and accepts far more than GC logs ever
 * print ("inf", hex floats, exponents); these scanners accept exactly the
 * shapes the runtimes print, detect overflow, and never read past END.
 * Integers and sizes must be below GCPULSE_INT_MAX (2^53).
 */
#include "gcpulse.h"
#include "numscan.h"

#include <math.h>
#include <string.h>

static const double pow10_neg[] = {1e0,  1e-1, 1e-2,  1e-3,  1e-4,  1e-5,
                                   1e-6, 1e-7, 1e-8,  1e-9,  1e-10, 1e-11,
                                   1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
                                   1e-18};

const char *gcpulse__scan_u64(const char *p, const char *end, uint64_t *out) {
  const char *start = p;
  uint64_t v = 0;
  while (p < end && (unsigned)(*p - '0') <= 9u) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (UINT64_MAX - d) / 10u) return NULL; /* overflow */
    v = v * 10u + d;
    p++;
  }
  if (p == start || v >= GCPULSE_INT_MAX) return NULL;
  *out = v;
  return p;
}

const char *gcpulse__scan_decimal(const char *p, const char *end, int comma,
                                  double *out) {
  const char *start = p;
  uint64_t mant = 0;
  int digits = 0;     /* significant digits kept in MANT */
  int dropped = 0;    /* integer digits beyond 19 (scale up later) */
  int frac = 0;       /* fraction digits kept */
  while (p < end && (unsigned)(*p - '0') <= 9u) {
    if (digits < 19) {
      mant = mant * 10u + (unsigned)(*p - '0');
      if (mant) digits++;
    } else {
      dropped++;
    }
    p++;
  }
  if (p == start) return NULL;
  if (p + 1 < end && (*p == '.' || (comma && *p == ',')) &&
      (unsigned)(p[1] - '0') <= 9u) {
    p++;
    while (p < end && (unsigned)(*p - '0') <= 9u) {
      if (digits < 19 && frac < 18) {
        mant = mant * 10u + (unsigned)(*p - '0');
        if (mant) digits++;
        frac++;
      }
      p++;
    }
  }
  double v = (double)mant * pow10_neg[frac];
  if (dropped) {
    if (dropped > 290) return NULL;
    v *= pow(10.0, dropped);
  }
  if (!isfinite(v)) return NULL;
  *out = v;
  return p;
}

const char *gcpulse__scan_size(const char *p, const char *end, int comma,
                               uint64_t *bytes) {
  double v;
  const char *q = gcpulse__scan_decimal(p, end, comma, &v);
  if (q == NULL || q >= end) return NULL;
  double mul;
  switch (*q) {
  case 'B': mul = 1.0; break;
  case 'K': case 'k': mul = 1024.0; break;
  case 'M': mul = 1048576.0; break;
  case 'G': mul = 1073741824.0; break;
  case 'T': mul = 1099511627776.0; break;
  default: return NULL;
  }
  q++;
  if (q < end && *q == 'B') q++; /* "KB", "MB" */
  double b = v * mul;
  if (!(b < (double)GCPULSE_INT_MAX)) return NULL; /* out of range */
  *bytes = (uint64_t)(b + 0.5);
  return q;
}

const char *gcpulse__find(const char *p, const char *end, const char *lit,
                          size_t len) {
  if (len == 0) return p;
  while ((size_t)(end - p) >= len) {
    const char *q = memchr(p, lit[0], (size_t)(end - p) - len + 1);
    if (q == NULL) return NULL;
    if (memcmp(q, lit, len) == 0) return q;
    p = q + 1;
  }
  return NULL;
}

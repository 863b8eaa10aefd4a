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
#include "event_fields.h"
#include "sink.h"

#include <stdio.h>

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
  /* round to whole bytes, then bound: rounding "8191.99999999T" up must
   * not reach 2^53 (from 2^52 on every double is a whole number) */
  if (b < 4503599627370496.0) b = floor(b + 0.5);
  if (!(b < (double)GCPULSE_INT_MAX)) return NULL; /* out of range */
  *bytes = (uint64_t)b;
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

/* Range rules of the event fields (see GCPULSE__EVENT_NUMBERS). */
#define SANE_MS(v) (isfinite(v) && (v) >= 0 && (v) <= GCPULSE__MS_MAX)
#define SANE_T(v) (isfinite(v) && (v) >= 0)
#define SANE_INT(v) ((v) < GCPULSE_INT_MAX)
#define SANE_U32(v) 1

int gcpulse__event_fix(gcpulse_event_t *ev, const gcpulse__sink *k) {
  uint64_t bad = 0;
#define CHECK_(ty, F, f)                                                      \
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_##F)) && !SANE_##ty(ev->f))      \
    bad |= GCPULSE_BIT(GCPULSE_FIELD_##F);
  GCPULSE__EVENT_NUMBERS(CHECK_)
#undef CHECK_
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_SEQ)) && ev->seq >= GCPULSE_INT_MAX)
    bad |= GCPULSE_BIT(GCPULSE_FIELD_SEQ);
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) && !SANE_T(ev->t))
    bad |= GCPULSE_BIT(GCPULSE_FIELD_T);
  int rc = 0;
  if (bad) {
    ev->known &= ~bad;
    rc = k->diag(k->ctx, GCPULSE_REASON_OVERFLOW, 0,
                 "a number out of range after unit scaling (field left out)");
    if (rc < 0) return rc;
  }
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) && ev->t > GCPULSE__T_MAX_S &&
      !(ev->flags & GCPULSE_EV_SUSPECT_TIME)) {
    ev->flags |= GCPULSE_EV_SUSPECT_TIME;
    rc = k->diag(k->ctx, GCPULSE_REASON_SUSPECT_TIME, 0,
                 "a time since start under 10 years");
  }
  return rc;
}

int gcpulse__mul_size(uint64_t a, uint64_t b, uint64_t *out) {
  if (a >= GCPULSE_INT_MAX || b >= GCPULSE_INT_MAX) return 0;
  if (a != 0 && b >= GCPULSE_INT_MAX / a + (GCPULSE_INT_MAX % a != 0)) return 0;
  *out = a * b;
  return *out < GCPULSE_INT_MAX;
}

size_t gcpulse__print_real(char *dst, size_t cap, int prec, double v) {
  char tmp[48];
  int n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
  size_t m = 0;
  /* any run of bytes that is not a digit, sign or exponent mark is the
   * locale's decimal point */
  for (int i = 0; i < n && i < (int)sizeof tmp - 1 && m + 1 < cap; i++) {
    char c = tmp[i];
    if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e')
      dst[m++] = c;
    else if (m == 0 || dst[m - 1] != '.')
      dst[m++] = '.';
  }
  dst[m] = '\0';
  return m;
}

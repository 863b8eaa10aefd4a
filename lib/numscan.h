/*
 * numscan.h — locale-free number and literal scanning shared by the
 * parsers, and locale-free number printing for the JSON writers
 * (numscan.c).
 */
#ifndef GCPULSE_NUMSCAN_H
#define GCPULSE_NUMSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Unsigned decimal integer at P (no sign).  Returns the byte after the
 * digits, or NULL if there is no digit or the value overflows 64 bits. */
const char *gcpulse__scan_u64(const char *p, const char *end, uint64_t *out);

/* Unsigned decimal with an optional fraction; '.' always accepted as the
 * separator, ',' too when COMMA is non-zero.  Returns the byte after the
 * number, or NULL if there is no digit or the value is not finite. */
const char *gcpulse__scan_decimal(const char *p, const char *end, int comma,
                                  double *out);

/* Size with a unit suffix immediately after the number: "123K", "4M",
 * "1G", "12B", "2.5M" (K/M/G/T are powers of 1024).  Stores bytes.
 * Returns the byte after the unit or NULL. */
const char *gcpulse__scan_size(const char *p, const char *end, int comma,
                               uint64_t *bytes);

/* *OUT = A * B when the product is below GCPULSE_INT_MAX (returns 1);
 * returns 0, *OUT untouched, when it is not (no wrap-around). */
int gcpulse__mul_size(uint64_t a, uint64_t b, uint64_t *out);

/* V (finite) printed with "%.PRECg" into DST (CAP >= 48, NUL-terminated)
 * with '.' as the decimal point whatever the caller's LC_NUMERIC says
 * (printf writes the locale's point: ",", or several bytes in some
 * locales).  Returns the length. */
size_t gcpulse__print_real(char *dst, size_t cap, int prec, double v);

/* Skip spaces and tabs. */
static inline const char *gcpulse__skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  return p;
}

/* If [P, END) starts with literal LIT (length LEN), return the byte after
 * it, else NULL. */
static inline const char *gcpulse__lit(const char *p, const char *end,
                                       const char *lit, size_t len) {
  if ((size_t)(end - p) < len || memcmp(p, lit, len) != 0) return NULL;
  return p + len;
}
#define GCPULSE__LIT(p, end, s) gcpulse__lit((p), (end), (s), sizeof(s) - 1)

/* Find literal LIT in [P, END); NULL if absent. */
const char *gcpulse__find(const char *p, const char *end, const char *lit,
                          size_t len);

#endif /* GCPULSE_NUMSCAN_H */

/*
 * util.c — the small helpers every part of the command uses: fatal
 * start-up errors, clocks, and SIZE arguments ("512MiB", "2GiB", bytes).
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void sc_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "gcpulse: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(2);
}

double sc_wall(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double sc_mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double sc_parse_size(const char *s) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (end == s || errno || !isfinite(v) || v < 0) return -1;
  static const struct {
    const char *suffix;
    double mult;
  } units[] = {{"", 1},          {"B", 1},         {"k", 1e3},
               {"K", 1e3},       {"KB", 1e3},      {"KiB", 1024.0},
               {"M", 1e6},       {"MB", 1e6},      {"MiB", 1048576.0},
               {"G", 1e9},       {"GB", 1e9},      {"GiB", 1073741824.0},
               {"T", 1e12},      {"TB", 1e12},     {"TiB", 1099511627776.0}};
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp(end, units[i].suffix) == 0) {
      double b = v * units[i].mult;
      return b < 9.0e15 ? floor(b) : -1;
    }
  return -1;
}

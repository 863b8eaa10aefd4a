/* trace_go.c — STUB, replaced by the Go parser (issue 3). */
#include "internal.h"
void gcpulse__go_init(gcpulse__go *p) { memset(p, 0, sizeof *p); }
int gcpulse__go_line(gcpulse__go *p, const char *s, size_t n,
                     const gcpulse__sink *k, int *skip) {
  (void)p; (void)s; (void)n; (void)k;
  *skip = GCPULSE_REASON_FOREIGN;
  return 0;
}

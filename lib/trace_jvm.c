/* trace_jvm.c — STUB, replaced by the JVM parser (issue 4). */
#include "internal.h"
struct gcpulse__jvm { int collector; };
size_t gcpulse__jvm_size(const gcpulse_config_t *cfg) { (void)cfg; return sizeof(struct gcpulse__jvm); }
void gcpulse__jvm_init(gcpulse__jvm *p, const gcpulse_config_t *cfg) { (void)cfg; memset(p, 0, sizeof *p); }
void gcpulse__jvm_reset(gcpulse__jvm *p) { memset(p, 0, sizeof *p); }
int gcpulse__jvm_line(gcpulse__jvm *p, const char *s, size_t n,
                      const gcpulse__sink *k, int *skip) {
  (void)p; (void)s; (void)n; (void)k;
  *skip = GCPULSE_REASON_FOREIGN;
  return 0;
}
int gcpulse__jvm_finish(gcpulse__jvm *p, const gcpulse__sink *k) { (void)p; (void)k; return 0; }
int gcpulse__jvm_collector(const gcpulse__jvm *p) { return p->collector; }

/*
 * trace_jvm.h — the JVM GC log parser as the instance sees it (an opaque
 * state block).  The parser's private layout, shared by the lib/jvm/
 * sources only, is in jvm/jvm.h.
 *   jvm/envelope.c    unified-logging envelope, restarts, line entry point
 *   jvm/messages.c    message grammars of every collector (pauses, cycles,
 *                     detail lines, banner lines)
 *   jvm/gcid_table.c  bounded table of open GC ids, emission order, derived
 *                     fields and flags
 *   jvm/legacy.c      JDK 8 legacy -XX:+PrintGCDetails records
 */
#ifndef GCPULSE_TRACE_JVM_H
#define GCPULSE_TRACE_JVM_H

#include "gcpulse.h"
#include "sink.h"

#include <stddef.h>

typedef struct gcpulse__jvm gcpulse__jvm;

size_t gcpulse__jvm_size(const gcpulse_config_t *cfg);
/* P points at gcpulse__jvm_size(cfg) zeroed bytes. */
void gcpulse__jvm_init(gcpulse__jvm *p, const gcpulse_config_t *cfg);
/* Forget all stream state, keeping what init copied from the config. */
void gcpulse__jvm_reset(gcpulse__jvm *p);
int gcpulse__jvm_line(gcpulse__jvm *p, const char *s, size_t n,
                      const gcpulse__sink *k, int *skip);
/* End of stream: close open events. */
int gcpulse__jvm_finish(gcpulse__jvm *p, const gcpulse__sink *k);
/* Collector detected so far (gcpulse_collector_t). */
int gcpulse__jvm_collector(const gcpulse__jvm *p);

#endif /* GCPULSE_TRACE_JVM_H */

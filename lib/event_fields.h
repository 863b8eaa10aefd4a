/*
 * event_fields.h — the numeric fields of gcpulse_event_t as one list,
 * shared by the JSON writer (format.c), event validation (instance.c)
 * and the window (window.c).
 */
#ifndef GCPULSE_EVENT_FIELDS_H
#define GCPULSE_EVENT_FIELDS_H

#include "gcpulse.h"

/* Whether event EV has field F (a GCPULSE_FIELD_ suffix) known. */
#define GCPULSE__HAS(ev, f) (((ev)->known & GCPULSE_BIT(GCPULSE_FIELD_##f)) != 0)

/* The numeric event fields after SEQ and T, in JSON order, by type:
 * MS a duration (double, finite, >= 0), INT a size (uint64, below
 * GCPULSE_INT_MAX), U32 a small count.  format.c writes them and
 * gcpulse_feed_event validates them from this one list. */
#define GCPULSE__EVENT_NUMBERS(X)                                             \
  X(MS, PAUSE_MS, pause_ms)                                                   \
  X(MS, CONCURRENT_MS, concurrent_ms)                                         \
  X(MS, GC_CPU_MS, gc_cpu_ms)                                                 \
  X(MS, CPU_ASSIST_MS, cpu_assist_ms)                                         \
  X(MS, CPU_BACKGROUND_MS, cpu_background_ms)                                 \
  X(MS, CPU_IDLE_MS, cpu_idle_ms)                                             \
  X(MS, CPU_USER_MS, cpu_user_ms)                                             \
  X(MS, CPU_SYS_MS, cpu_sys_ms)                                               \
  X(MS, REAL_MS, real_ms)                                                     \
  X(INT, HEAP_BEFORE, heap_before)                                            \
  X(INT, HEAP_AFTER, heap_after)                                              \
  X(INT, HEAP_LIVE, heap_live)                                                \
  X(INT, HEAP_GOAL, heap_goal)                                                \
  X(INT, HEAP_CAPACITY, heap_capacity)                                        \
  X(INT, HEAP_MAX, heap_max)                                                  \
  X(INT, YOUNG_BEFORE, young_before)                                          \
  X(INT, YOUNG_AFTER, young_after)                                            \
  X(INT, OLD_BEFORE, old_before)                                              \
  X(INT, OLD_AFTER, old_after)                                                \
  X(INT, PROMOTED, promoted)                                                  \
  X(INT, METASPACE_USED, metaspace_used)                                      \
  X(INT, METASPACE_COMMITTED, metaspace_committed)                            \
  X(INT, STACKS, stacks)                                                      \
  X(INT, GLOBALS, globals)                                                    \
  X(U32, PROCS, procs)                                                        \
  X(U32, GC_CPU_PCT_TOTAL, gc_cpu_pct_total)                                  \
  X(INT, RELEASED, released)                                                  \
  X(INT, RETAINED, retained)

#endif /* GCPULSE_EVENT_FIELDS_H */

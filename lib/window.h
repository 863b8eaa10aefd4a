/*
 * window.h — the feature store as the instance, tests and benchmarks see
 * it (an opaque state block; window.c ingests, window_query.c reads).
 * The private layout both files share is in window_layout.h.
 */
#ifndef GCPULSE_WINDOW_H
#define GCPULSE_WINDOW_H

#include "gcpulse.h"

#include <stddef.h>

typedef struct gcpulse__window gcpulse__window;

size_t gcpulse__window_size(const gcpulse_config_t *cfg);
/* W points at gcpulse__window_size(cfg) zeroed bytes. */
void gcpulse__window_init(gcpulse__window *w, const gcpulse_config_t *cfg);
void gcpulse__window_reset(gcpulse__window *w);
/* Add an event.  Returns a gcpulse_reason_t: NONE (accepted), RESTART or
 * GAP_RESET (accepted after resetting), OUT_OF_ORDER (dropped). */
int gcpulse__window_event(gcpulse__window *w, const gcpulse_event_t *ev);
/* Add a caller metric sample (id already validated).  Same returns. */
int gcpulse__window_metric(gcpulse__window *w, int metric, double t,
                           double value);
/* Advance the window clock to T (rotating panes). */
void gcpulse__window_advance(gcpulse__window *w, double t);
/* Set a derived feature (GOGC, GOGC_PINNED) at time T. */
void gcpulse__window_set(gcpulse__window *w, int feature, double t,
                         double value);
/* Read a feature (gcpulse__feat_fn contract; CTX is the window). */
int gcpulse__window_feature(const void *w, int feature, int stat,
                            double *out);
/* Supported (feature, stat) pairs. */
int gcpulse__window_supports(int feature, int stat);
/* Current window time (latest event/metric/tick time), NAN before any. */
double gcpulse__window_now(const gcpulse__window *w);
/* Runtime of the stream's GC events (gcpulse_runtime_t; UNKNOWN before
 * any and after a reset). */
int gcpulse__window_runtime(const gcpulse__window *w);

/* The one memory limit (issue 13): the limit in force and its source.
 * Precedence: the configuration (memory_limit), then the latest
 * memory_limit metric, then the limit detected from the log (the largest
 * JVM heap capacity seen).  The window answers FEAT_MEMORY_LIMIT and
 * heap_limit_ratio by this rule; the controller and the policy read that
 * feature, so all three agree. */
enum { GCPULSE_LIMIT_NONE, GCPULSE_LIMIT_CONFIG, GCPULSE_LIMIT_METRIC,
       GCPULSE_LIMIT_DETECTED };
/* The limit in force in bytes (0 = none); *SRC (may be NULL) gets its
 * GCPULSE_LIMIT_* source. */
double gcpulse__window_memory_limit(const gcpulse__window *w, int *src);

#endif /* GCPULSE_WINDOW_H */

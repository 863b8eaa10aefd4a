/*
 * gogc.h — the GOGC controller as the instance sees it (gogc.c).
 */
#ifndef GCPULSE_GOGC_H
#define GCPULSE_GOGC_H

#include "gcpulse.h"
#include "feature_reader.h"

#include <stddef.h>

typedef struct gcpulse__gogc gcpulse__gogc;

/* Validate CFG->gogc (bounds, ratios, periods). */
int gcpulse__gogc_check(const gcpulse_config_t *cfg, gcpulse_error_t *err);
size_t gcpulse__gogc_size(const gcpulse_config_t *cfg);
void gcpulse__gogc_init(gcpulse__gogc *c, const gcpulse_config_t *cfg);
/* Called after every event (NEW_CYCLE = 1 for a GC cycle), metric and tick,
 * at time T.  Returns 1 and fills *OUT when a decision is due (every
 * period_s, and early on a GC cycle when the projected peak at the current
 * GOGC exceeds the memory budget), 0 when not, negative on error.  Reads
 * QPS (stat LAST) on every call to average it over the period.  Updates
 * the gogc_* counters in ST. */
int gcpulse__gogc_step(gcpulse__gogc *c, gcpulse__feat_fn feat,
                       const void *fctx, double t, int new_cycle,
                       gcpulse_gogc_decision_t *out, gcpulse_stats_t *st);
double gcpulse__gogc_current(const gcpulse__gogc *c);
/* Forget all state (back to the configured initial GOGC). */
void gcpulse__gogc_reset(gcpulse__gogc *c);
/* The window was reset (restart or time gap): drop smoothed inputs. */
void gcpulse__gogc_window_reset(gcpulse__gogc *c);

#endif /* GCPULSE_GOGC_H */

/*
 * policy.h — the scaling-policy table:
 *   policy.c        state and evaluation engine
 *   policy_rules.c  built-in default table, merging, validation
 */
#ifndef GCPULSE_POLICY_H
#define GCPULSE_POLICY_H

#include "gcpulse.h"
#include "feature_reader.h"

#include <stddef.h>
#include <string.h>

typedef struct gcpulse__policy gcpulse__policy;

/* Tolerance of every policy time comparison (both files). */
#define GCPULSE__POLICY_EPS 1e-9

/* Rule, group and action names compare over at most GCPULSE_NAME_MAX
 * bytes (configured names need not be terminated). */
static inline int gcpulse__name_eq(const char *a, const char *b) {
  return strncmp(a, b, GCPULSE_NAME_MAX) == 0;
}

/* Fill OUT with the built-in default table; returns the number of rules. */
int gcpulse__policy_defaults(gcpulse_rule_t *out, int max);
/* Merge the defaults (when cfg->policy_defaults) with cfg->rules by id
 * into OUT (NULL = count only; at most MAX written).  A configured rule
 * whose id is a default replaces it in place; the others are appended in
 * order.  Returns the merged count (may exceed MAX). */
int gcpulse__policy_merge(const gcpulse_config_t *cfg, gcpulse_rule_t *out,
                          int max);
/* Validate the policy part of CFG (thresholds, N <= M, names...). */
int gcpulse__policy_check(const gcpulse_config_t *cfg, gcpulse_error_t *err);
size_t gcpulse__policy_size(const gcpulse_config_t *cfg);
void gcpulse__policy_init(gcpulse__policy *p, const gcpulse_config_t *cfg);
void gcpulse__policy_reset(gcpulse__policy *p);
typedef int (*gcpulse__action_fn)(void *ctx, const gcpulse_action_t *a);
/* When the policy evaluates at an input (TRIGGER of gcpulse__policy_step):
 * DUE once its period elapsed (metrics), SOON also once min_eval_s
 * elapsed since the last evaluation (GC cycles, ticks), NOW at once
 * (OOM-class events: emergencies do not wait), FLUSH only if an input
 * since the last evaluation was not evaluated (end of stream, source
 * lost: the last input is never left unevaluated). */
enum {
  GCPULSE__EVAL_DUE,
  GCPULSE__EVAL_SOON,
  GCPULSE__EVAL_NOW,
  GCPULSE__EVAL_FLUSH
};
/* Evaluate at time T as TRIGGER allows.  Applied and (when configured)
 * suppressed actions go to EMIT.  Updates the policy counters in ST. */
int gcpulse__policy_step(gcpulse__policy *p, gcpulse__feat_fn feat,
                         const void *fctx, double t, int trigger,
                         gcpulse__action_fn emit, void *ectx,
                         gcpulse_stats_t *st);
/* The process restarted; its new clock starts at T.  Cooldowns, settle,
 * delay, stabilisation, N-of-M, hysteresis, warm-up and the schedule
 * start afresh; rate-limit and loop-guard times carry over, shifted so the
 * old run's last input lands on T. */
void gcpulse__policy_restart(gcpulse__policy *p, double t);
/* Set the global dry run (gcpulse_policy_dry_run). */
void gcpulse__policy_dry_run(gcpulse__policy *p, int on);
int gcpulse__policy_kill(gcpulse__policy *p, int direction,
                         const char *action, int disabled);
int gcpulse__policy_explanations(const gcpulse__policy *p,
                                 gcpulse_action_t *out, int n);

#endif /* GCPULSE_POLICY_H */

/*
 * policy_rules.c — the policy's rule table at configuration time: the
 * built-in default rules, merging them with cfg->rules, and validation of
 * the whole policy configuration (gcpulse__policy_check).
 *
 * Design.  The defaults are one static const table of gcpulse_rule_t
 * written with designated initialisers, so the table documents itself and
 * gcpulse__policy_defaults() is a copy.  A configured rule whose id names
 * a default replaces it in place (tuning a default keeps its table
 * position, hence its tie-break order); other configured rules are
 * appended.  Validation walks the configuration once, in the order a user
 * reads it, and fails on the first problem with a JSON-style path
 * ("policy.rules[2].conditions[0].stat") and a message that says what is
 * allowed (e.g. the statistics the window keeps for that feature), so a
 * configuration error is fixable from the message alone.  The engine
 * (policy.c) sizes and builds its state from gcpulse__policy_merge() and
 * trusts everything checked here.
 */
#include "common.h"
#include "policy.h"
#include "window.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define EPS GCPULSE__POLICY_EPS
#define GCPULSE__RULE_WARMUP_MAX_S 86400.0 /* a rule's own warm-up: a day */

/* ---------------------------------------------------------------------
 * Built-in table
 * --------------------------------------------------------------------- */

#define COND(f, s, o, en, ex, n_, m_)                                         \
  {.feature = GCPULSE_FEAT_##f, .stat = GCPULSE_STAT_##s,                     \
   .op = GCPULSE_OP_##o, .enter = (en), .exit = (ex), .n = (n_), .m = (m_),   \
   .missing = GCPULSE_MISSING_MISSING}
#define ACT(nm, mag) {.name = nm, .magnitude = (mag)}

/* Each rule names one situation a person would diagnose from the GC log,
 * and the action that answers it (docs/policy.md has the table and the
 * recordings each rule was checked on).  N-of-M counts datapoints of
 * policy_period_s (5 s): "3 of 4" means the condition held for 15 of the
 * last 20 s.  Thresholds in bytes/s: 524288 = 512 KiB/s. */
static const gcpulse_rule_t default_rules[] = {
    /* 1. full-GC frequency rising and metaspace nearly full: memory-bound.
     * 1 of 2 on the slope: "Metadata GC Threshold" full GCs come in bursts,
     * and a metaspace at > 90 % must be acted on while there is time */
    {.id = "memory_bound", .group = "memory", .priority = 60,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(FULL_GC_RATE, SLOPE, GT, 0.0, 0.0, 1, 2),
                    COND(METASPACE_PCT, VALUE, GT, 90.0, 85.0, 1, 1)},
     .n_actions = 2,
     .actions = {ACT("scale_up_memory", 1.2), ACT("degrade_offheap_cache", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 2. young-GC interval falling and promotion rising while allocation
     * rises: more load than the young generation absorbs (lifetime
     * anomaly).  The allocation condition keeps a leak (flat allocation,
     * young collections squeezed by a filling heap) out of this rule; the
     * full-GC condition keeps it to young-generation trouble: with more
     * than 2 full GCs a minute the old generation or metaspace is the
     * problem, and memory_bound / pause_spike speak */
    {.id = "lifetime_anomaly", .group = "replicas", .priority = 40,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 4,
     .conditions = {COND(YOUNG_GC_INTERVAL, SLOPE, LT, 0.0, 0.0, 3, 4),
                    COND(PROMOTION_RATE, SLOPE, GT, 0.0, 0.0, 3, 4),
                    COND(ALLOC_RATE, SLOPE, GT, 65536.0, 0.0, 3, 4),
                    COND(FULL_GC_RATE, VALUE, LT, 2.0, 4.0, 1, 1)},
     .n_actions = 2,
     .actions = {ACT("scale_out", 1.0), ACT("enable_object_pool", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 3. long STW pauses getting longer fast */
    {.id = "pause_spike", .group = "replicas", .priority = 50,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(PAUSE, P99, GT, 200.0, 150.0, 1, 1),
                    COND(PAUSE, SLOPE, GT, 0.8, 0.4, 1, 1)},
     .n_actions = 1, .actions = {ACT("elastic_scale_plan", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 4. RSS rising (over the window and still now, 10 of the last 15 s)
     * past what the GC heap explains (RSS > 1.5 x the peak heap) while
     * the post-GC heap is flat: memory outside the GC.  The ratio keeps the start-up ramp
     * (RSS climbing while the runtime first touches its heap) from
     * reading as a leak: there RSS only catches up with the heap */
    {.id = "offheap_leak", .group = "leak", .priority = 30,
     .direction = GCPULSE_DIR_NEUTRAL, .any = 0, .n_conditions = 4,
     .conditions = {COND(RSS, SLOPE, GT, 262144.0, 131072.0, 2, 3),
                    COND(RSS, RECENT_SLOPE, GT, 262144.0, 131072.0, 2, 3),
                    COND(RSS_HEAP_RATIO, VALUE, GT, 1.5, 1.4, 1, 1),
                    COND(HEAP_GROWTH_TS, VALUE, LT, 65536.0, 131072.0, 2, 3)},
     .n_actions = 1, .actions = {ACT("suspect_offheap_leak", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 5. GC CPU high now (the recent fraction, 5-10 s) with the heap near
     * the memory limit: death spiral / thrash at the limit.  Urgent.  The
     * ceiling is 0.4, not 0.5: Go >= 1.19 caps GC CPU at 50 % when the
     * memory limit drives collection, so a spiral under GOMEMLIMIT reads
     * 0.4-0.5 and never passes 0.5 (tests/data/policy/go-spiral) */
    {.id = "death_spiral", .group = "survival", .priority = 90,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(GC_CPU_FRACTION, LAST, GT, 0.4, 0.3, 1, 1),
                    COND(HEAP_LIMIT_RATIO, VALUE, GT, 0.9, 0.85, 1, 1)},
     .n_actions = 1, .actions = {ACT("restart_or_shed", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1, .urgent = 1},
    /* 6. the GOGC controller is pinned at its top bound while GC CPU stays
     * high: tuning exhausted, the work needs more CPUs.  The controller
     * counts a pin at the top only while GC CPU is above its target (the
     * bound binds); the conditions here say the same in the policy's own
     * terms: GOGC high (>= 200: the top region of the default 25-500
     * range; a pin at the bottom is memory-bound, answered by the memory
     * rules, not by replicas) and GC CPU > 10 %.  A memory-rich service
     * whose GOGC merely reached the top stays quiet */
    {.id = "gogc_exhausted", .group = "replicas", .priority = 45,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 3,
     .conditions = {COND(GOGC_PINNED, VALUE, GE, 3.0, 1.0, 1, 1),
                    COND(GOGC, VALUE, GE, 200.0, 200.0, 1, 1),
                    COND(GC_CPU_FRACTION, VALUE, GT, 0.1, 0.05, 1, 1)},
     .n_actions = 1, .actions = {ACT("scale_out", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 7. OOM-class events, the heap past the limit, or the post-GC heap at
     * >= 95 % of it: immediate memory bump */
    {.id = "oom_bump", .group = "memory", .priority = 100,
     .direction = GCPULSE_DIR_ESCALATE, .any = 1, .n_conditions = 3,
     .conditions = {COND(OOM_EVENTS, VALUE, GE, 1.0, 1.0, 1, 1),
                    COND(HEAP_LIMIT_RATIO, VALUE, GE, 1.0, 0.95, 1, 1),
                    COND(HEAP_LIMIT_RATIO, LAST, GE, 0.95, 0.9, 1, 1)},
     .n_actions = 1, .actions = {ACT("scale_up_memory", 1.0)},
     .cooldown_s = 120, .stabilization_s = -1, .bump_ratio = 1.2,
     .bump_min_step = 104857600.0, .bump_cap = 34359738368.0},
    /* scale-down counterparts.  scale_in: fewer than one collection a
     * minute (latched until 2.5 a minute: evaluated at the instant of a
     * GC, a window of 5 s panes can still hold the previous GC one minute
     * back and read 2.04/min for a service collecting every 54 s) for
     * 30 s and the whole down-window.  No GC-CPU condition: with no collection in the window
     * the GC CPU fraction is unknown, and an unknown feature vetoes a
     * de-escalation, so "rate < 1/min AND cpu low" could never hold. */
    {.id = "scale_in", .group = "replicas", .priority = 10,
     .direction = GCPULSE_DIR_DEESCALATE, .any = 0, .n_conditions = 1,
     .conditions = {COND(GC_RATE, VALUE, LT, 1.0, 2.5, 6, 6)},
     .n_actions = 1, .actions = {ACT("scale_in", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    {.id = "scale_down_memory", .group = "memory", .priority = 10,
     .direction = GCPULSE_DIR_DEESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(HEAP_LIMIT_RATIO, VALUE, LT, 0.4, 0.5, 6, 6),
                    COND(FULL_GC_COUNT, VALUE, LE, 0.0, 0.0, 1, 1)},
     .n_actions = 1, .actions = {ACT("scale_down_memory", 0.9)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 10. the live heap rising steadily and still rising now (its recent
     * least-squares slope and the Theil-Sen slope of the post-GC heap
     * both > 512 KiB/s, and > 60 % of the heap per minute, for 20 of
     * 25 s) while allocation is flat: a heap leak.  Named, not scaled:
     * more replicas or memory only postpone it.  The live heap is Go's
     * marked heap, and on the JVM the heap after old-generation
     * collections (full, mixed, concurrent cycles, and G1's first young
     * pause after a marking cycle with nothing to collect): after other
     * young GCs it also holds promoted garbage, which grows for minutes
     * in a healthy G1 service until marking runs.  Not before 35 s after
     * start: a cache filling at flat traffic raises the live heap just
     * like a leak (the healthy recordings' caches fill for 20-25 s), and
     * "still rising now" then tells the two apart; the relative bound
     * keeps the noisy readings of a big concurrent heap (ZGC) out */
    {.id = "heap_leak", .group = "leak", .priority = 35,
     .direction = GCPULSE_DIR_NEUTRAL, .any = 0, .n_conditions = 4,
     .conditions = {COND(HEAP_LIVE, RECENT_SLOPE, GT, 524288.0, 262144.0, 4, 5),
                    COND(HEAP_GROWTH_TS, VALUE, GT, 524288.0, 262144.0, 4, 5),
                    COND(HEAP_GROWTH_PCT, VALUE, GT, 60.0, 30.0, 4, 5),
                    COND(ALLOC_RATE, SLOPE, LT, 262144.0, 524288.0, 4, 5)},
     .n_actions = 1, .actions = {ACT("suspect_heap_leak", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1, .warmup_s = 35},
    /* 11. the post-GC heap rising steadily at flat allocation (a leak, or
     * state that only a restart or less load will shed) and past 70 % of
     * the memory limit: act before the OOM.  Urgent.  It reads the post-GC
     * heap, not the live heap: near the limit there is no time to wait for
     * an old-generation collection to tell garbage from leak */
    {.id = "leak_near_limit", .group = "survival", .priority = 80,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 4,
     .conditions = {COND(HEAP_GROWTH_TS, VALUE, GT, 524288.0, 262144.0, 5, 6),
                    COND(HEAP_GROWTH_PCT, VALUE, GT, 60.0, 30.0, 5, 6),
                    COND(ALLOC_RATE, SLOPE, LT, 262144.0, 524288.0, 5, 6),
                    COND(HEAP_LIMIT_RATIO, LAST, GT, 0.7, 0.65, 1, 1)},
     .n_actions = 1, .actions = {ACT("restart_or_shed", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1, .urgent = 1},
};

#define N_DEFAULTS ((int)GCPULSE__COUNTOF(default_rules))

int gcpulse__policy_defaults(gcpulse_rule_t *out, int max) {
  int n = 0;
  for (int i = 0; i < N_DEFAULTS && i < max; i++) {
    memcpy(&out[i], &default_rules[i], sizeof out[i]);
    n++;
  }
  return n;
}

static int default_index(const char *id) {
  for (int i = 0; i < N_DEFAULTS; i++)
    if (gcpulse__name_eq(default_rules[i].id, id)) return i;
  return -1;
}

static int clamp_rules(int n) {
  return n < 0 ? 0 : n > GCPULSE_RULES_MAX ? GCPULSE_RULES_MAX : n;
}

/* See policy.h.  Configured ids are unique (gcpulse__policy_check
 * rejects repeats), so each replaces at most one default. */
int gcpulse__policy_merge(const gcpulse_config_t *cfg, gcpulse_rule_t *out,
                          int max) {
  int n = 0;
  int nd = cfg->policy_defaults ? N_DEFAULTS : 0;
  for (int i = 0; i < nd; i++) {
    if (out && n < max) memcpy(&out[n], &default_rules[i], sizeof *out);
    n++;
  }
  int nr = clamp_rules(cfg->n_rules);
  for (int i = 0; i < nr; i++) {
    const gcpulse_rule_t *r = &cfg->rules[i];
    int slot = nd > 0 ? default_index(r->id) : -1;
    if (slot < 0) slot = n++;
    if (out && slot < max) memcpy(&out[slot], r, sizeof *out);
  }
  return n;
}

/* ---------------------------------------------------------------------
 * Validation
 * --------------------------------------------------------------------- */

static int terminated(const char *s) {
  return memchr(s, '\0', GCPULSE_NAME_MAX) != NULL;
}

static int valid_feature(const gcpulse_config_t *cfg, int f) {
  if (f >= 0 && f < GCPULSE_FEAT_BUILTIN_COUNT) return 1;
  return f >= GCPULSE_FEAT_CUSTOM && f < GCPULSE_FEAT_CUSTOM + cfg->custom_metrics;
}

static const char *op_text(int op) {
  switch (op) {
  case GCPULSE_OP_GT: return ">";
  case GCPULSE_OP_GE: return ">=";
  case GCPULSE_OP_LT: return "<";
  default: return "<=";
  }
}

/* FEATURE's name for messages: the built-in name, a pre-registered custom
 * name, or "custom metric #k". */
static void feature_label(const gcpulse_config_t *cfg, int f, char *dst,
                          size_t cap) {
  if (f >= GCPULSE_FEAT_CUSTOM && f < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX) {
    const char *nm = cfg->custom_names[f - GCPULSE_FEAT_CUSTOM];
    if (memchr(nm, '\0', GCPULSE_NAME_MAX) != NULL && nm[0] != '\0')
      snprintf(dst, cap, "%s", nm);
    else
      snprintf(dst, cap, "custom metric #%d", f - GCPULSE_FEAT_CUSTOM);
    return;
  }
  snprintf(dst, cap, "%s", gcpulse_feature_name(f));
}

/* "value, slope": the statistics the window keeps for FEATURE. */
static void supported_list(int f, char *dst, size_t cap) {
  size_t n = 0;
  dst[0] = '\0';
  for (int s = 0; s < GCPULSE_STAT_COUNT; s++) {
    if (!gcpulse__window_supports(f, s)) continue;
    int w = snprintf(dst + n, cap - n, "%s%s", n ? ", " : "",
                     gcpulse_stat_name(s));
    if (w < 0 || (size_t)w >= cap - n) break;
    n += (size_t)w;
  }
  if (n == 0) snprintf(dst, cap, "none");
}

/* Slots a stabilisation window of W seconds needs at PERIOD. */
static double slots_needed(double w, double period) {
  return w <= 0 ? 1.0 : ceil(w / period - EPS) + 1.0;
}

static int check_window(const gcpulse_config_t *cfg, double w,
                        const char *path, gcpulse_error_t *err) {
  double need = slots_needed(w, cfg->policy_period_s);
  if (need > cfg->stabilization_slots)
    return gcpulse__error(
        err, GCPULSE_ECONFIG, path,
        "stabilization window of %g s needs %.0f slots at period_s %g but "
        "stabilization_slots is %d",
        w, need, cfg->policy_period_s, cfg->stabilization_slots);
  return 0;
}

static int check_condition(const gcpulse_config_t *cfg,
                           const gcpulse_condition_t *c, int ri, int ci,
                           gcpulse_error_t *err) {
  char path[128];
#define CPATH(key)                                                            \
  (snprintf(path, sizeof path, "policy.rules[%d].conditions[%d]." key, ri,    \
            ci),                                                              \
   path)
  if (!valid_feature(cfg, c->feature))
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("feature"),
                          "unknown feature id %d", c->feature);
  if (c->stat < 0 || c->stat >= GCPULSE_STAT_COUNT)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("stat"),
                          "unknown statistic id %d", c->stat);
  if (!gcpulse__window_supports(c->feature, c->stat)) {
    char fname[48], list[96];
    feature_label(cfg, c->feature, fname, sizeof fname);
    supported_list(c->feature, list, sizeof list);
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("stat"),
                          "statistic '%s' is not kept for feature '%s' "
                          "(supported: %s)",
                          gcpulse_stat_name(c->stat), fname, list);
  }
  if (c->op < GCPULSE_OP_GT || c->op > GCPULSE_OP_LE)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("op"),
                          "unknown operator id %d", c->op);
  if (!isfinite(c->enter))
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("enter"),
                          "must be a finite number");
  if (!isfinite(c->exit))
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("exit"),
                          "must be a finite number");
  int up = c->op == GCPULSE_OP_GT || c->op == GCPULSE_OP_GE;
  if (up && c->exit > c->enter)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("exit"),
                          "exit threshold %g is on the wrong side: for '%s' "
                          "it must be <= enter (%g)",
                          c->exit, op_text(c->op), c->enter);
  if (!up && c->exit < c->enter)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("exit"),
                          "exit threshold %g is on the wrong side: for '%s' "
                          "it must be >= enter (%g)",
                          c->exit, op_text(c->op), c->enter);
  if (c->m < 1 || c->m > 64)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("m"),
                          "m must be between 1 and 64, got %d", c->m);
  if (c->n < 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("n"),
                          "n must be >= 1, got %d", c->n);
  if (c->n > c->m)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("n"),
                          "N-of-M with n (%d) > m (%d)", c->n, c->m);
  if (c->missing < GCPULSE_MISSING_MISSING ||
      c->missing > GCPULSE_MISSING_NOT_BREACHING)
    return gcpulse__error(err, GCPULSE_ECONFIG, CPATH("missing"),
                          "unknown missing-data policy %d", c->missing);
#undef CPATH
  return 0;
}

static int check_rule(const gcpulse_config_t *cfg, int ri,
                      gcpulse_error_t *err) {
  const gcpulse_rule_t *r = &cfg->rules[ri];
  char path[128];
#define RPATH(key)                                                            \
  (snprintf(path, sizeof path, "policy.rules[%d]." key, ri), path)
  if (!terminated(r->id) || r->id[0] == '\0')
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("id"),
                          "rule id must be 1 to %d bytes",
                          GCPULSE_NAME_MAX - 1);
  for (int j = 0; j < ri; j++)
    if (gcpulse__name_eq(cfg->rules[j].id, r->id))
      return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("id"),
                            "duplicate rule id \"%s\"", r->id);
  if (!terminated(r->group))
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("group"),
                          "group must be at most %d bytes",
                          GCPULSE_NAME_MAX - 1);
  if (r->direction < GCPULSE_DIR_DEESCALATE ||
      r->direction > GCPULSE_DIR_ESCALATE)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("direction"),
                          "unknown direction %d", r->direction);
  if (r->any != 0 && r->any != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("combine"),
                          "must be all (0) or any (1)");
  if (r->n_conditions < 1 || r->n_conditions > GCPULSE_CONDS_MAX)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("conditions"),
                          "a rule needs 1 to %d conditions, got %d",
                          GCPULSE_CONDS_MAX, r->n_conditions);
  for (int ci = 0; ci < r->n_conditions; ci++) {
    int rc = check_condition(cfg, &r->conditions[ci], ri, ci, err);
    if (rc < 0) return rc;
  }
  if (r->n_actions < 1 || r->n_actions > GCPULSE_ACTIONS_MAX)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("actions"),
                          "a rule needs 1 to %d actions, got %d",
                          GCPULSE_ACTIONS_MAX, r->n_actions);
  for (int ai = 0; ai < r->n_actions; ai++) {
    const gcpulse_rule_action_t *a = &r->actions[ai];
    if (!terminated(a->name) || a->name[0] == '\0') {
      snprintf(path, sizeof path, "policy.rules[%d].actions[%d].name", ri, ai);
      return gcpulse__error(err, GCPULSE_ECONFIG, path,
                            "action name must be 1 to %d bytes",
                            GCPULSE_NAME_MAX - 1);
    }
    if (!isfinite(a->magnitude) || a->magnitude < 0) {
      snprintf(path, sizeof path, "policy.rules[%d].actions[%d].magnitude", ri,
               ai);
      return gcpulse__error(err, GCPULSE_ECONFIG, path,
                            "must be a finite number >= 0");
    }
  }
  if (!isfinite(r->cooldown_s))
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("cooldown_s"),
                          "must be a finite number (< 0 = direction default)");
  if (!isfinite(r->stabilization_s))
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("stabilization_s"),
                          "must be a finite number (< 0 = direction default)");
  if (r->stabilization_s >= 0) {
    int rc = check_window(cfg, r->stabilization_s, RPATH("stabilization_s"),
                          err);
    if (rc < 0) return rc;
  }
  if (!(r->warmup_s >= 0 && r->warmup_s <= GCPULSE__RULE_WARMUP_MAX_S))
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("warmup_s"),
                          "must be between 0 and 86400 s (0 = the policy's warmup_s)");
  if (r->dry_run != 0 && r->dry_run != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("dry_run"),
                          "must be 0 or 1");
  if (r->disabled != 0 && r->disabled != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("disabled"),
                          "must be 0 or 1");
  if (r->urgent != 0 && r->urgent != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("urgent"),
                          "must be 0 or 1");
  if (!isfinite(r->bump_ratio) || (r->bump_ratio != 0 && r->bump_ratio < 1))
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("bump_ratio"),
                          "must be 0 (no bump) or >= 1");
  if (!isfinite(r->bump_min_step) || r->bump_min_step < 0)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("bump_min_step"),
                          "must be a finite number >= 0");
  if (!isfinite(r->bump_cap) || r->bump_cap < 0)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("bump_cap"),
                          "must be a finite number >= 0 (0 = no cap)");
  if (r->bump_ratio > 0 && r->direction != GCPULSE_DIR_ESCALATE)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("bump_ratio"),
                          "only escalating rules can bump");
#undef RPATH
  return 0;
}

int gcpulse__policy_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) {
  /* scalar ranges are checked by the configuration table (config.h) */
  int rc = check_window(cfg, cfg->escalate_stabilization_s,
                        "policy.escalate_stabilization_s", err);
  if (rc < 0) return rc;
  rc = check_window(cfg, cfg->deescalate_stabilization_s,
                    "policy.deescalate_stabilization_s", err);
  if (rc < 0) return rc;
  if (cfg->n_rules < 0 || cfg->n_rules > GCPULSE_RULES_MAX)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.rules",
                          "too many rules: %d (at most %d)", cfg->n_rules,
                          GCPULSE_RULES_MAX);
  for (int i = 0; i < cfg->n_rules; i++) {
    rc = check_rule(cfg, i, err);
    if (rc < 0) return rc;
  }
  int n = gcpulse__policy_merge(cfg, NULL, 0);
  if (n > cfg->max_rules)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.rules",
                          "too many rules: %d after merging with the "
                          "defaults, max_rules is %d",
                          n, cfg->max_rules);
  return 0;
}

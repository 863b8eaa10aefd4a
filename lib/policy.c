/*
 * policy.c — the GC-aware scaling-policy table.
 *
 * Design.  The instance calls gcpulse__policy_step() after every event,
 * metric and tick; the table evaluates once per policy_period_s of event
 * time (drift-free schedule) and runs each rule through a fixed pipeline:
 *
 *   conditions   each reads one (feature, statistic) from the window,
 *                applies enter/exit hysteresis (a latched state) and pushes
 *                the latched bit into an N-of-M ring (a uint64_t, M <= 64);
 *                the condition is true when >= N of the last M datapoints
 *                breached.  Unknown data follows the condition's missing
 *                policy; a de-escalation is vetoed whenever any feature it
 *                needs is unknown (reason MissingData), whatever the policy.
 *   match        AND / OR over the conditions: the "raw" recommendation.
 *   stabilise    per-rule ring of (time, matched) recommendations; the rule
 *                is stabilised when it matched at every evaluation of its
 *                window (escalate: min over the up-window, default 0 s;
 *                de-escalate: max over the down-window, default 300 s —
 *                HPA semantics expressed on signed capacity deltas).
 *   gate         warm-up, post-action settle, per-(action, direction)
 *                cooldowns (an applied escalation ends the de-escalation
 *                cooldowns of its group), rate limits (ring of applied
 *                times per action), kill switches, per-rule disable.
 *   resolve      one rule per group per evaluation: escalate > neutral >
 *                de-escalate, then priority, then magnitude, then table
 *                order; a de-escalation also needs every other rule of
 *                its group to agree (GroupVeto otherwise): no escalating
 *                or neutral rule matched or partly matched (some
 *                conditions true, the rest unknown), every other
 *                de-escalating rule matched and stable.
 *   clock        if event time goes back by less than the longest horizon
 *                (windows, cooldowns, settle, rate and loop periods) the
 *                stored times stay raw (conservative: a constraint lasts
 *                until the clock passes it again); a longer jump is a
 *                restart and every stored time is shifted by it, so ages
 *                and cooldowns carry over.
 *   report       one gcpulse_action_t per action of every matched rule:
 *                raw -> stabilised -> limited -> final plus constraint
 *                bits and per-condition values, N-of-M counts.  Applied
 *                ones always go to EMIT and the explanation ring;
 *                suppressed ones only with explain_suppressed.  Dry-run
 *                (global or per rule) runs everything, updates state as
 *                if applied and reports applied = 0.
 *
 * Catastrophe rules (bump_ratio > 0) skip warm-up and settle and ask for
 * max(base * ratio, base + min_step) capped at bump_cap, where base is the
 * memory limit feature, else the window's peak heap, else the action's
 * magnitude, and never below the previous bump.  loop_guard_count bumps in
 * loop_guard_window_s raise the loop flag on the record.
 *
 * Memory.  Everything lives in the block sized by gcpulse__policy_size():
 * the merged rule table (defaults overridden/extended by cfg->rules by
 * id), per-rule state and rings, the action-name table (the const char*
 * handed out in records point here), groups and the explanation ring.
 */
#include "internal.h"

#include <stdio.h>

#define NEVER (-1e300)
#define EPS 1e-9

/* ---------------------------------------------------------------------
 * Built-in table
 * --------------------------------------------------------------------- */

#define COND(f, s, o, en, ex, n_, m_)                                         \
  {.feature = GCPULSE_FEAT_##f, .stat = GCPULSE_STAT_##s,                     \
   .op = GCPULSE_OP_##o, .enter = (en), .exit = (ex), .n = (n_), .m = (m_),   \
   .missing = GCPULSE_MISSING_MISSING}
#define ACT(nm, mag) {.name = nm, .magnitude = (mag)}

static const gcpulse_rule_t default_rules[] = {
    /* 1. full-GC frequency rising and metaspace nearly full: memory-bound */
    {.id = "memory_bound", .group = "memory", .priority = 60,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(FULL_GC_RATE, SLOPE, GT, 0.0, 0.0, 2, 3),
                    COND(METASPACE_PCT, VALUE, GT, 90.0, 85.0, 1, 1)},
     .n_actions = 2,
     .actions = {ACT("scale_up_memory", 1.2), ACT("degrade_offheap_cache", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 2. young-GC interval falling and promotion rising: lifetime anomaly */
    {.id = "lifetime_anomaly", .group = "replicas", .priority = 40,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(YOUNG_GC_INTERVAL, SLOPE, LT, 0.0, 0.0, 3, 4),
                    COND(PROMOTION_RATE, SLOPE, GT, 0.0, 0.0, 3, 4)},
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
    /* 4. RSS rising while the live heap is flat: memory outside the GC */
    {.id = "offheap_leak", .group = "leak", .priority = 30,
     .direction = GCPULSE_DIR_NEUTRAL, .any = 0, .n_conditions = 2,
     .conditions = {COND(RSS, SLOPE, GT, 262144.0, 131072.0, 3, 4),
                    COND(HEAP_LIVE, SLOPE, LT, 65536.0, 131072.0, 3, 4)},
     .n_actions = 1, .actions = {ACT("suspect_offheap_leak", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 5. GC CPU sustained high near the memory limit: death spiral.  The
     * ceiling is 0.4, not 0.5: Go >= 1.19 caps GC CPU at 50 % when the
     * memory limit drives collection, so a spiral under GOMEMLIMIT reads
     * 0.4-0.5 and never passes 0.5 (0.44 on tests/data/policy/go-spiral) */
    {.id = "death_spiral", .group = "survival", .priority = 90,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(GC_CPU_FRACTION, VALUE, GT, 0.4, 0.3, 6, 6),
                    COND(HEAP_LIMIT_RATIO, VALUE, GT, 0.9, 0.85, 1, 1)},
     .n_actions = 1, .actions = {ACT("restart_or_shed", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 6. the GOGC controller is pinned at a bound: tuning exhausted */
    {.id = "gogc_exhausted", .group = "replicas", .priority = 45,
     .direction = GCPULSE_DIR_ESCALATE, .any = 0, .n_conditions = 1,
     .conditions = {COND(GOGC_PINNED, VALUE, GE, 3.0, 1.0, 1, 1)},
     .n_actions = 1, .actions = {ACT("scale_out", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    /* 7. OOM-class events or heap at the limit: immediate memory bump */
    {.id = "oom_bump", .group = "memory", .priority = 100,
     .direction = GCPULSE_DIR_ESCALATE, .any = 1, .n_conditions = 2,
     .conditions = {COND(OOM_EVENTS, VALUE, GE, 1.0, 1.0, 1, 1),
                    COND(HEAP_LIMIT_RATIO, VALUE, GE, 1.0, 0.95, 1, 1)},
     .n_actions = 1, .actions = {ACT("scale_up_memory", 1.0)},
     .cooldown_s = 120, .stabilization_s = -1, .bump_ratio = 1.2,
     .bump_min_step = 104857600.0, .bump_cap = 34359738368.0},
    /* scale-down counterparts.  scale_in: fewer than one collection a
     * minute (latched until two a minute) for 6 evaluations and the whole
     * down-window.  No GC-CPU condition: with no collection in the window
     * the GC CPU fraction is unknown, and an unknown feature vetoes a
     * de-escalation, so "rate < 1/min AND cpu low" could never hold. */
    {.id = "scale_in", .group = "replicas", .priority = 10,
     .direction = GCPULSE_DIR_DEESCALATE, .any = 0, .n_conditions = 1,
     .conditions = {COND(GC_RATE, VALUE, LT, 1.0, 2.0, 6, 6)},
     .n_actions = 1, .actions = {ACT("scale_in", 1.0)},
     .cooldown_s = -1, .stabilization_s = -1},
    {.id = "scale_down_memory", .group = "memory", .priority = 10,
     .direction = GCPULSE_DIR_DEESCALATE, .any = 0, .n_conditions = 2,
     .conditions = {COND(HEAP_LIMIT_RATIO, VALUE, LT, 0.4, 0.5, 6, 6),
                    COND(FULL_GC_COUNT, VALUE, LE, 0.0, 0.0, 1, 1)},
     .n_actions = 1, .actions = {ACT("scale_down_memory", 0.9)},
     .cooldown_s = -1, .stabilization_s = -1},
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

static int name_eq(const char *a, const char *b) {
  return strncmp(a, b, GCPULSE_NAME_MAX) == 0;
}

static int default_index(const char *id) {
  for (int i = 0; i < N_DEFAULTS; i++)
    if (name_eq(default_rules[i].id, id)) return i;
  return -1;
}

static int clamp_rules(int n) {
  return n < 0 ? 0 : n > GCPULSE_RULES_MAX ? GCPULSE_RULES_MAX : n;
}

/* Merge the defaults (when enabled) with cfg->rules by id into OUT (NULL =
 * count only, at most MAX).  A configured rule whose id is a default
 * replaces it in place; other configured rules are appended in order
 * (configured ids are unique: gcpulse__policy_check rejects repeats).
 * Returns the count. */
static int merge_rules(const gcpulse_config_t *cfg, gcpulse_rule_t *out,
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

#define NONNEG(field, key)                                                    \
  do {                                                                        \
    if (!isfinite(cfg->field) || cfg->field < 0)                              \
      return gcpulse__error(err, GCPULSE_ECONFIG, "policy." key,              \
                            "must be a finite number >= 0");                  \
  } while (0)

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
    if (name_eq(cfg->rules[j].id, r->id))
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
  if (r->dry_run != 0 && r->dry_run != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("dry_run"),
                          "must be 0 or 1");
  if (r->disabled != 0 && r->disabled != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, RPATH("disabled"),
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
  if (cfg->policy_enabled != 0 && cfg->policy_enabled != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.enabled",
                          "must be 0 or 1");
  if (cfg->policy_defaults != 0 && cfg->policy_defaults != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.defaults",
                          "must be 0 or 1");
  if (!isfinite(cfg->policy_period_s) || cfg->policy_period_s <= 0 ||
      cfg->policy_period_s > 3600)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.period_s",
                          "must be > 0 and <= 3600 seconds");
  NONNEG(warmup_s, "warmup_s");
  NONNEG(settle_s, "settle_s");
  NONNEG(escalate_stabilization_s, "escalate_stabilization_s");
  NONNEG(deescalate_stabilization_s, "deescalate_stabilization_s");
  NONNEG(escalate_cooldown_s, "escalate_cooldown_s");
  NONNEG(deescalate_cooldown_s, "deescalate_cooldown_s");
  NONNEG(deescalate_delay_s, "deescalate_delay_s");
  if (cfg->rate_limit_count < 0 || cfg->rate_limit_count > 64)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.rate_limit_count",
                          "must be between 0 (no limit) and 64");
  if (!isfinite(cfg->rate_limit_period_s) || cfg->rate_limit_period_s <= 0 ||
      cfg->rate_limit_period_s > 1800)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.rate_limit_period_s",
                          "must be > 0 and <= 1800 seconds");
  if (cfg->dry_run != 0 && cfg->dry_run != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.dry_run",
                          "must be 0 or 1");
  if (cfg->explain_suppressed != 0 && cfg->explain_suppressed != 1)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.explain_suppressed",
                          "must be 0 or 1");
  if (cfg->max_rules < 1 || cfg->max_rules > GCPULSE_RULES_MAX)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.max_rules",
                          "must be between 1 and %d", GCPULSE_RULES_MAX);
  if (cfg->stabilization_slots < 2 || cfg->stabilization_slots > 1024)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.stabilization_slots",
                          "must be between 2 and 1024");
  if (cfg->explanations < 1 || cfg->explanations > 1024)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.explanations",
                          "must be between 1 and 1024");
  if (cfg->loop_guard_count < 1 || cfg->loop_guard_count > 16)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.loop_guard_count",
                          "must be between 1 and 16");
  if (!isfinite(cfg->loop_guard_window_s) || cfg->loop_guard_window_s <= 0)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.loop_guard_window_s",
                          "must be a finite number > 0");
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
  int n = merge_rules(cfg, NULL, 0);
  if (n > cfg->max_rules)
    return gcpulse__error(err, GCPULSE_ECONFIG, "policy.rules",
                          "too many rules: %d after merging with the "
                          "defaults, max_rules is %d",
                          n, cfg->max_rules);
  return 0;
}

/* ---------------------------------------------------------------------
 * State and layout
 * --------------------------------------------------------------------- */

typedef struct cond_state {
  uint64_t bits; /* newest datapoint in bit 0 */
  int pushed;    /* datapoints pushed, saturating at 64 */
  int latched;   /* hysteresis state */
} cond_state;

typedef struct rule_state {
  cond_state c[GCPULSE_CONDS_MAX];
  int group;                    /* index into groups */
  int act[GCPULSE_ACTIONS_MAX]; /* index into names */
  double *hist_t;               /* stabilisation ring (slots) */
  unsigned char *hist_m;
  int hist_head, hist_n;
  double *bumps; /* loop-guard ring (loop_count) */
  int bump_head, bump_n;
  double level; /* last bump target, 0 = none */
  /* this evaluation */
  int matched, could, stable;
  int lean; /* could, with some conditions true: partly matched (veto) */
  gcpulse_condition_eval_t ev[GCPULSE_CONDS_MAX];
} rule_state;

typedef struct name_state {
  char name[GCPULSE_NAME_MAX];
  double last[3];          /* last applied time per direction + 1 */
  unsigned char killed[3]; /* kill switch per direction + 1 */
  double *rate;            /* applied times, ring of rate_count */
  int rate_head, rate_n;
} name_state;

typedef struct group_state {
  const char *name;
  double last_escalate;
} group_state;

struct gcpulse__policy {
  int enabled, dry_run, explain;
  double period, warmup, settle, stab_up, stab_down, cool_up, cool_down;
  double delay_down, rate_period, loop_window;
  double horizon; /* longest time any stored timestamp matters */
  int rate_count, slots, n_expl, loop_count;
  int n_rules, n_names, n_groups;
  gcpulse_rule_t *rules;
  rule_state *rs;
  name_state *names;
  group_state *groups;
  gcpulse_action_t *expl;
  int expl_head, expl_n;
  unsigned char dir_killed[3];
  int started;
  double start, last_t, next_eval, last_applied;
};

typedef struct layout {
  size_t rules, rs, names, groups, hist_t, hist_m, rate, bumps, expl, total;
  int n;
} layout;

static layout plan(const gcpulse_config_t *cfg) {
  layout L;
  int n = merge_rules(cfg, NULL, 0);
  if (n > GCPULSE_RULES_MAX) n = GCPULSE_RULES_MAX;
  size_t slots = (size_t)(cfg->stabilization_slots > 0 ? cfg->stabilization_slots : 2);
  size_t rate = (size_t)(cfg->rate_limit_count > 0 ? cfg->rate_limit_count : 0);
  size_t loops = (size_t)(cfg->loop_guard_count > 0 ? cfg->loop_guard_count : 1);
  size_t expl = (size_t)(cfg->explanations > 0 ? cfg->explanations : 1);
  size_t nn = (size_t)n * GCPULSE_ACTIONS_MAX;
  size_t off = GCPULSE__ALIGN(sizeof(struct gcpulse__policy));
  L.n = n;
  L.rules = off;
  off += GCPULSE__ALIGN((size_t)n * sizeof(gcpulse_rule_t));
  L.rs = off;
  off += GCPULSE__ALIGN((size_t)n * sizeof(rule_state));
  L.names = off;
  off += GCPULSE__ALIGN(nn * sizeof(name_state));
  L.groups = off;
  off += GCPULSE__ALIGN((size_t)n * sizeof(group_state));
  L.hist_t = off;
  off += GCPULSE__ALIGN((size_t)n * slots * sizeof(double));
  L.hist_m = off;
  off += GCPULSE__ALIGN((size_t)n * slots);
  L.rate = off;
  off += GCPULSE__ALIGN(nn * rate * sizeof(double));
  L.bumps = off;
  off += GCPULSE__ALIGN((size_t)n * loops * sizeof(double));
  L.expl = off;
  off += GCPULSE__ALIGN(expl * sizeof(gcpulse_action_t));
  L.total = off;
  return L;
}

size_t gcpulse__policy_size(const gcpulse_config_t *cfg) {
  return plan(cfg).total;
}

static const char *group_name(const gcpulse_rule_t *r) {
  return r->group[0] ? r->group : r->id;
}

/* Forget all dynamic state; keep layout, config and kill switches. */
static void clear_state(gcpulse__policy *p) {
  for (int i = 0; i < p->n_rules; i++) {
    rule_state *s = &p->rs[i];
    memset(s->c, 0, sizeof s->c);
    s->hist_head = s->hist_n = 0;
    s->bump_head = s->bump_n = 0;
    s->level = 0;
    s->matched = s->could = s->stable = s->lean = 0;
  }
  for (int i = 0; i < p->n_names; i++) {
    name_state *nm = &p->names[i];
    for (int d = 0; d < 3; d++) nm->last[d] = NEVER;
    nm->rate_head = nm->rate_n = 0;
  }
  for (int i = 0; i < p->n_groups; i++) p->groups[i].last_escalate = NEVER;
  p->expl_head = p->expl_n = 0;
  p->started = 0;
  p->start = p->last_t = p->next_eval = 0;
  p->last_applied = NEVER;
}

void gcpulse__policy_init(gcpulse__policy *p, const gcpulse_config_t *cfg) {
  layout L = plan(cfg);
  char *base = (char *)p;
  memset(p, 0, sizeof *p);
  p->enabled = cfg->policy_enabled;
  p->dry_run = cfg->dry_run;
  p->explain = cfg->explain_suppressed;
  p->period = cfg->policy_period_s;
  p->warmup = cfg->warmup_s;
  p->settle = cfg->settle_s;
  p->stab_up = cfg->escalate_stabilization_s;
  p->stab_down = cfg->deescalate_stabilization_s;
  p->cool_up = cfg->escalate_cooldown_s;
  p->cool_down = cfg->deescalate_cooldown_s;
  p->delay_down = cfg->deescalate_delay_s;
  p->rate_count = cfg->rate_limit_count;
  p->rate_period = cfg->rate_limit_period_s;
  p->slots = cfg->stabilization_slots;
  p->n_expl = cfg->explanations;
  p->loop_count = cfg->loop_guard_count;
  p->loop_window = cfg->loop_guard_window_s;
  double h = p->warmup;
  const double span[] = {p->settle,     p->stab_up,     p->stab_down,
                         p->cool_up,    p->cool_down,   p->delay_down,
                         p->rate_period, p->loop_window};
  for (size_t k = 0; k < GCPULSE__COUNTOF(span); k++)
    if (span[k] > h) h = span[k];
  p->rules = (gcpulse_rule_t *)(void *)(base + L.rules);
  p->rs = (rule_state *)(void *)(base + L.rs);
  p->names = (name_state *)(void *)(base + L.names);
  p->groups = (group_state *)(void *)(base + L.groups);
  p->expl = (gcpulse_action_t *)(void *)(base + L.expl);
  p->n_rules = merge_rules(cfg, p->rules, L.n);
  if (p->n_rules > L.n) p->n_rules = L.n;
  double *hist_t = (double *)(void *)(base + L.hist_t);
  unsigned char *hist_m = (unsigned char *)(base + L.hist_m);
  double *rate = (double *)(void *)(base + L.rate);
  double *bumps = (double *)(void *)(base + L.bumps);
  for (int i = 0; i < p->n_rules; i++) {
    gcpulse_rule_t *r = &p->rules[i];
    r->id[GCPULSE_NAME_MAX - 1] = '\0';
    r->group[GCPULSE_NAME_MAX - 1] = '\0';
    rule_state *s = &p->rs[i];
    s->hist_t = hist_t + (size_t)i * (size_t)p->slots;
    s->hist_m = hist_m + (size_t)i * (size_t)p->slots;
    s->bumps = bumps + (size_t)i * (size_t)p->loop_count;
    /* group */
    int g = 0;
    while (g < p->n_groups && !name_eq(p->groups[g].name, group_name(r))) g++;
    if (g == p->n_groups) p->groups[p->n_groups++].name = group_name(r);
    s->group = g;
    /* action names */
    for (int a = 0; a < r->n_actions && a < GCPULSE_ACTIONS_MAX; a++) {
      r->actions[a].name[GCPULSE_NAME_MAX - 1] = '\0';
      int k = 0;
      while (k < p->n_names && !name_eq(p->names[k].name, r->actions[a].name))
        k++;
      if (k == p->n_names) {
        name_state *nm = &p->names[p->n_names++];
        memcpy(nm->name, r->actions[a].name, GCPULSE_NAME_MAX);
        nm->rate = rate + (size_t)k * (size_t)p->rate_count;
      }
      s->act[a] = k;
    }
    if (r->cooldown_s > h) h = r->cooldown_s;
    if (r->stabilization_s > h) h = r->stabilization_s;
  }
  p->horizon = h;
  clear_state(p);
}

void gcpulse__policy_reset(gcpulse__policy *p) { clear_state(p); }

/* ---------------------------------------------------------------------
 * Evaluation
 * --------------------------------------------------------------------- */

static int op_enter(int op, double v, double th) {
  switch (op) {
  case GCPULSE_OP_GT: return v > th;
  case GCPULSE_OP_GE: return v >= th;
  case GCPULSE_OP_LT: return v < th;
  default: return v <= th;
  }
}

static int op_leave(int op, double v, double th) {
  switch (op) {
  case GCPULSE_OP_GT: return v <= th;
  case GCPULSE_OP_GE: return v < th;
  case GCPULSE_OP_LT: return v >= th;
  default: return v > th;
  }
}

static int popcount64(uint64_t x) {
  int n = 0;
  while (x) {
    x &= x - 1;
    n++;
  }
  return n;
}

static void push_bit(cond_state *cs, int bit) {
  cs->bits = (cs->bits << 1) | (uint64_t)(bit != 0);
  if (cs->pushed < 64) cs->pushed++;
}

enum { C_FALSE, C_TRUE, C_MISSING };

/* Evaluate condition C with state CS at this datapoint.  DEESC forces
 * unknown data to C_MISSING.  Fills EV; sets *UNKNOWN when the feature
 * could not be read. */
static int eval_condition(const gcpulse_condition_t *c, cond_state *cs,
                          gcpulse__feat_fn feat, const void *fctx, int deesc,
                          gcpulse_condition_eval_t *ev, int *unknown) {
  double v = 0.0;
  int why = feat(fctx, c->feature, c->stat, &v);
  if (why == 0 && !isfinite(v)) why = GCPULSE_WHY_NOT_FINITE;
  if (why < 0) why = GCPULSE_WHY_UNSUPPORTED;
  if (why != 0) v = 0.0;
  ev->value = v;
  ev->why = why;
  ev->threshold = cs->latched ? c->exit : c->enter;
  int missing = 0;
  if (why == 0) {
    if (!cs->latched)
      cs->latched = op_enter(c->op, v, c->enter);
    else if (op_leave(c->op, v, c->exit))
      cs->latched = 0;
    push_bit(cs, cs->latched);
  } else {
    *unknown = 1;
    if (deesc) {
      missing = 1;
    } else {
      switch (c->missing) {
      case GCPULSE_MISSING_IGNORE: break;
      case GCPULSE_MISSING_BREACHING: push_bit(cs, 1); break;
      case GCPULSE_MISSING_NOT_BREACHING: push_bit(cs, 0); break;
      default: missing = 1; break;
      }
    }
  }
  uint64_t mask = c->m >= 64 ? ~UINT64_C(0) : ((UINT64_C(1) << c->m) - 1);
  ev->hits = popcount64(cs->bits & mask);
  ev->seen = cs->pushed < c->m ? cs->pushed : c->m;
  ev->latched = cs->latched;
  if (missing) return C_MISSING;
  return ev->hits >= c->n ? C_TRUE : C_FALSE;
}

static double rule_window(const gcpulse__policy *p, const gcpulse_rule_t *r) {
  if (r->stabilization_s >= 0) return r->stabilization_s;
  return r->direction == GCPULSE_DIR_DEESCALATE ? p->stab_down : p->stab_up;
}

/* Whether another enabled rule of rule I's group with direction >= 0
 * matched, or partly matched (some conditions true, the others unknown),
 * at this evaluation.  A rule that knows nothing (every condition unknown
 * or not applicable, e.g. pause_spike with no pause in the window,
 * lifetime_anomaly's promotion rate on Go) has no opinion and does not
 * hold its group up: otherwise it would block scale-in forever. */
static int group_wants_up(const gcpulse__policy *p, int i) {
  for (int q = 0; q < p->n_rules; q++) {
    if (q == i || p->rs[q].group != p->rs[i].group || p->rules[q].disabled)
      continue;
    if (p->rules[q].direction >= 0 && (p->rs[q].matched || p->rs[q].lean))
      return 1;
  }
  return 0;
}

/* Push this evaluation's recommendation and decide whether the rule
 * matched at every evaluation of its stabilisation window.  For a
 * de-escalation the recommendation is its group's: an evaluation where an
 * escalating or neutral rule of the group matched counts as "not down"
 * (HPA: the max over the down-window includes the up recommendations). */
static int stabilize(gcpulse__policy *p, int i, double t) {
  rule_state *s = &p->rs[i];
  int rec = s->matched;
  if (rec && p->rules[i].direction == GCPULSE_DIR_DEESCALATE &&
      group_wants_up(p, i))
    rec = 0;
  s->hist_t[s->hist_head] = t;
  s->hist_m[s->hist_head] = (unsigned char)rec;
  s->hist_head = (s->hist_head + 1) % p->slots;
  if (s->hist_n < p->slots) s->hist_n++;
  double w = rule_window(p, &p->rules[i]);
  if (!s->matched) return 0;
  if (w <= 0) return 1;
  int covered;
  int oldest = (s->hist_head - s->hist_n + p->slots) % p->slots;
  if (s->hist_n < p->slots)
    covered = t - p->start >= w - EPS;
  else
    covered = s->hist_t[oldest] <= t - w + EPS;
  if (!covered) return 0;
  for (int k = 0; k < s->hist_n; k++) {
    int idx = (oldest + k) % p->slots;
    if (s->hist_t[idx] >= t - w - EPS && !s->hist_m[idx]) return 0;
  }
  return 1;
}

static int dir_index(int direction) {
  return direction < 0 ? 0 : direction > 0 ? 2 : 1;
}

/* Applied actions of name K within the rate-limit period before T. */
static int rate_used(const gcpulse__policy *p, const name_state *nm,
                     double t) {
  int n = 0;
  for (int k = 0; k < nm->rate_n; k++)
    if (nm->rate[k] > t - p->rate_period + EPS) n++;
  return n;
}

/* Constraints that block; DRY_RUN, CAPPED and LOOP_GUARD only inform. */
#define INFO_BITS                                                             \
  ((1u << GCPULSE_CONSTRAINT_DRY_RUN) | (1u << GCPULSE_CONSTRAINT_CAPPED) |   \
   (1u << GCPULSE_CONSTRAINT_LOOP_GUARD))
#define BIT(c) (1u << GCPULSE_CONSTRAINT_##c)

/* Action-level constraints for action A of rule I at T. */
static uint32_t action_constraints(const gcpulse__policy *p, int i, int a,
                                   double t) {
  const gcpulse_rule_t *r = &p->rules[i];
  const name_state *nm = &p->names[p->rs[i].act[a]];
  int d = dir_index(r->direction);
  uint32_t c = 0;
  double cool = r->cooldown_s >= 0                       ? r->cooldown_s
                : r->direction == GCPULSE_DIR_DEESCALATE ? p->cool_down
                                                         : p->cool_up;
  if (t - nm->last[d] < cool - EPS) c |= BIT(COOLDOWN);
  if (p->rate_count > 0 && rate_used(p, nm, t) >= p->rate_count)
    c |= BIT(RATE_LIMITED);
  if (nm->killed[d]) c |= BIT(KILL_SWITCH);
  return c;
}

/* Rule-level constraints (before conflict resolution). */
static uint32_t rule_constraints(const gcpulse__policy *p, int i, double t) {
  const gcpulse_rule_t *r = &p->rules[i];
  const rule_state *s = &p->rs[i];
  uint32_t c = 0;
  int bump = r->bump_ratio > 0;
  if (s->could)
    c |= BIT(MISSING_DATA);
  else if (!s->stable)
    c |= BIT(STABILIZED);
  if (r->disabled) c |= BIT(DISABLED);
  if (!bump && t - p->start < p->warmup - EPS) c |= BIT(WARMING_UP);
  if (!bump && t - p->last_applied < p->settle - EPS) c |= BIT(SETTLING);
  if (r->direction == GCPULSE_DIR_DEESCALATE &&
      t - p->groups[s->group].last_escalate < p->delay_down - EPS)
    c |= BIT(COOLDOWN);
  if (p->dir_killed[dir_index(r->direction)]) c |= BIT(KILL_SWITCH);
  if (r->direction == GCPULSE_DIR_DEESCALATE) {
    /* every other live rule of the group must agree */
    for (int q = 0; q < p->n_rules; q++) {
      if (q == i || p->rs[q].group != s->group || p->rules[q].disabled)
        continue;
      const rule_state *o = &p->rs[q];
      if (p->rules[q].direction >= 0 ? (o->matched || o->lean)
                                     : !(o->matched && o->stable)) {
        c |= BIT(GROUP_VETO);
        break;
      }
    }
  }
  return c;
}

/* Whether candidate A beats candidate B (A, B rule indices). */
static int beats(const gcpulse__policy *p, int a, int b) {
  const gcpulse_rule_t *ra = &p->rules[a], *rb = &p->rules[b];
  if (ra->direction != rb->direction) return ra->direction > rb->direction;
  if (ra->priority != rb->priority) return ra->priority > rb->priority;
  double ma = ra->actions[0].magnitude, mb = rb->actions[0].magnitude;
  if (ma != mb) return ma > mb;
  return a < b;
}

/* The bump a catastrophe rule asks for. */
static double bump_value(const gcpulse__policy *p, int i,
                         gcpulse__feat_fn feat, const void *fctx) {
  const gcpulse_rule_t *r = &p->rules[i];
  double base = 0.0, v = 0.0;
  if (feat(fctx, GCPULSE_FEAT_MEMORY_LIMIT, GCPULSE_STAT_VALUE, &v) == 0 &&
      isfinite(v) && v > 0)
    base = v;
  else if (feat(fctx, GCPULSE_FEAT_HEAP_BEFORE, GCPULSE_STAT_MAX, &v) == 0 &&
           isfinite(v) && v > 0)
    base = v;
  else
    base = r->actions[0].magnitude > 0 ? r->actions[0].magnitude : 1.0;
  if (p->rs[i].level > base) base = p->rs[i].level;
  double a = base * r->bump_ratio, b = base + r->bump_min_step;
  double x = a > b ? a : b;
  return isfinite(x) ? x : base;
}

static void ring_push(gcpulse__policy *p, const gcpulse_action_t *a) {
  memcpy(&p->expl[p->expl_head], a, sizeof *a);
  p->expl_head = (p->expl_head + 1) % p->n_expl;
  if (p->expl_n < p->n_expl) p->expl_n++;
}

/* Record that action A of rule I was applied (or would be, dry-run). */
static void note_applied(gcpulse__policy *p, int i, int a, double t) {
  const gcpulse_rule_t *r = &p->rules[i];
  name_state *nm = &p->names[p->rs[i].act[a]];
  nm->last[dir_index(r->direction)] = t;
  if (p->rate_count > 0) {
    nm->rate[nm->rate_head] = t;
    nm->rate_head = (nm->rate_head + 1) % p->rate_count;
    if (nm->rate_n < p->rate_count) nm->rate_n++;
  }
  p->last_applied = t;
  if (r->direction == GCPULSE_DIR_ESCALATE) {
    int g = p->rs[i].group;
    p->groups[g].last_escalate = t;
    /* an escalation ends the de-escalation cooldowns of its group */
    for (int q = 0; q < p->n_rules; q++) {
      if (p->rs[q].group != g || p->rules[q].direction >= 0) continue;
      for (int k = 0; k < p->rules[q].n_actions; k++)
        p->names[p->rs[q].act[k]].last[0] = NEVER;
    }
  }
}

/* Loop guard: record a bump at T; 1 if the guard is raised. */
static int note_bump(gcpulse__policy *p, int i, double t, double level) {
  rule_state *s = &p->rs[i];
  s->level = level;
  s->bumps[s->bump_head] = t;
  s->bump_head = (s->bump_head + 1) % p->loop_count;
  if (s->bump_n < p->loop_count) s->bump_n++;
  int n = 0;
  for (int k = 0; k < s->bump_n; k++)
    if (s->bumps[k] > t - p->loop_window - EPS) n++;
  return n >= p->loop_count;
}

static int evaluate(gcpulse__policy *p, gcpulse__feat_fn feat,
                    const void *fctx, double t, gcpulse__action_fn emit,
                    void *ectx, gcpulse_stats_t *st) {
  /* 1. conditions, match, stabilisation */
  for (int i = 0; i < p->n_rules; i++) {
    const gcpulse_rule_t *r = &p->rules[i];
    rule_state *s = &p->rs[i];
    int deesc = r->direction == GCPULSE_DIR_DEESCALATE;
    int n_true = 0, n_false = 0, n_missing = 0, unknown = 0;
    for (int c = 0; c < r->n_conditions; c++) {
      int v = eval_condition(&r->conditions[c], &s->c[c], feat, fctx, deesc,
                             &s->ev[c], &unknown);
      if (v == C_TRUE) n_true++;
      else if (v == C_FALSE) n_false++;
      else n_missing++;
    }
    if (r->any) {
      s->matched = n_true > 0;
      s->could = !s->matched && n_missing > 0;
    } else {
      s->matched = n_true == r->n_conditions;
      s->could = n_false == 0 && n_missing > 0;
    }
    if (deesc && unknown && s->matched) {
      s->matched = 0;
      s->could = 1;
    }
    s->lean = s->could && n_true > 0;
  }
  for (int i = 0; i < p->n_rules; i++) p->rs[i].stable = stabilize(p, i, t);
  /* 2. rule-level constraints and per-group winners */
  uint32_t rc[GCPULSE_RULES_MAX];
  uint32_t ac[GCPULSE_RULES_MAX][GCPULSE_ACTIONS_MAX];
  int winner[GCPULSE_RULES_MAX]; /* per group: rule index or -1 */
  for (int g = 0; g < p->n_groups; g++) winner[g] = -1;
  for (int i = 0; i < p->n_rules; i++) {
    rule_state *s = &p->rs[i];
    rc[i] = 0;
    if (!s->matched && !s->could) continue;
    rc[i] = rule_constraints(p, i, t);
    int any_ok = 0;
    for (int a = 0; a < p->rules[i].n_actions; a++) {
      ac[i][a] = action_constraints(p, i, a, t);
      if (ac[i][a] == 0) any_ok = 1;
    }
    if (rc[i] == 0 && any_ok) {
      int *w = &winner[s->group];
      if (*w < 0 || beats(p, i, *w)) *w = i;
    }
  }
  /* 3. report in table order */
  for (int i = 0; i < p->n_rules; i++) {
    const gcpulse_rule_t *r = &p->rules[i];
    rule_state *s = &p->rs[i];
    if (!s->matched && !s->could) continue;
    uint32_t rcon = rc[i];
    if (rcon == 0 && winner[s->group] != i) rcon |= BIT(CONFLICT);
    int bump = r->bump_ratio > 0;
    double bval = bump ? bump_value(p, i, feat, fctx) : 0.0;
    int any_applied = 0;
    gcpulse_action_t rec[GCPULSE_ACTIONS_MAX];
    for (int a = 0; a < r->n_actions; a++) {
      gcpulse_action_t *x = &rec[a];
      memset(x, 0, sizeof *x);
      uint32_t con = rcon | ac[i][a];
      x->t = t;
      x->rule = r->id;
      x->action = p->names[s->act[a]].name;
      x->direction = r->direction;
      x->raw = bump ? bval : r->actions[a].magnitude;
      x->stabilized = (s->matched && s->stable) ? x->raw : 0.0;
      x->limited = (con & (BIT(COOLDOWN) | BIT(RATE_LIMITED))) ? 0.0
                                                                : x->stabilized;
      if (bump && r->bump_cap > 0 && x->limited > r->bump_cap) {
        x->limited = r->bump_cap;
        con |= BIT(CAPPED);
      }
      x->suppressed = (con & ~INFO_BITS) != 0;
      x->final = x->suppressed ? 0.0 : x->limited;
      int dry = p->dry_run || r->dry_run;
      if (dry && !x->suppressed) con |= BIT(DRY_RUN);
      x->applied = !x->suppressed && !dry;
      x->constraints = con;
      x->n_conditions = r->n_conditions;
      memcpy(x->conditions, s->ev, sizeof x->conditions);
      if (!x->suppressed) {
        note_applied(p, i, a, t);
        any_applied = 1;
      }
    }
    int loop = 0;
    if (bump && any_applied) {
      double lvl = 0;
      for (int a = 0; a < r->n_actions; a++)
        if (!rec[a].suppressed && rec[a].final > lvl) lvl = rec[a].final;
      loop = note_bump(p, i, t, lvl);
    }
    for (int a = 0; a < r->n_actions; a++) {
      gcpulse_action_t *x = &rec[a];
      if (loop && !x->suppressed) {
        x->loop = 1;
        x->constraints |= BIT(LOOP_GUARD);
      }
      if (x->suppressed) {
        gcpulse__inc(&st->actions_suppressed);
        if (!p->explain) continue;
      } else {
        gcpulse__inc(&st->actions);
      }
      ring_push(p, x);
      if (emit) {
        int e = emit(ectx, x);
        if (e < 0) return e;
      }
    }
  }
  return 0;
}

static void shift(double *x, double d) {
  if (*x > NEVER / 2) *x += d;
}

/* The event clock went back by -D seconds (restarted process, new trace):
 * move every stored time by D so ages, cooldowns, settle and the
 * stabilisation history keep their meaning across the jump. */
static void shift_times(gcpulse__policy *p, double d) {
  shift(&p->start, d);
  shift(&p->next_eval, d);
  shift(&p->last_applied, d);
  for (int i = 0; i < p->n_rules; i++) {
    rule_state *s = &p->rs[i];
    for (int k = 0; k < s->hist_n; k++) shift(&s->hist_t[k], d);
    for (int k = 0; k < s->bump_n; k++) shift(&s->bumps[k], d);
  }
  for (int i = 0; i < p->n_names; i++) {
    name_state *nm = &p->names[i];
    for (int k = 0; k < 3; k++) shift(&nm->last[k], d);
    for (int k = 0; k < nm->rate_n; k++) shift(&nm->rate[k], d);
  }
  for (int g = 0; g < p->n_groups; g++) shift(&p->groups[g].last_escalate, d);
}

int gcpulse__policy_step(gcpulse__policy *p, gcpulse__feat_fn feat,
                         const void *fctx, double t, int force,
                         gcpulse__action_fn emit, void *ectx,
                         gcpulse_stats_t *st) {
  if (p == NULL || feat == NULL || st == NULL) return GCPULSE_EINVAL;
  if (!p->enabled || !isfinite(t) || p->n_rules == 0) return 0;
  if (p->started && t < p->last_t - EPS) {
    if (p->last_t - t > p->horizon) {
      shift_times(p, t - p->last_t); /* a restart: ages carry over */
    } else if (p->next_eval > t + p->period) {
      p->next_eval = t + p->period; /* small step back: keep raw times */
    }
  }
  if (!p->started) {
    p->started = 1;
    p->start = t;
    p->next_eval = t;
  }
  p->last_t = t;
  if (!force && t < p->next_eval - EPS) return 0;
  p->next_eval += p->period;
  if (p->next_eval <= t + EPS) p->next_eval = t + p->period;
  gcpulse__inc(&st->policy_evaluations);
  return evaluate(p, feat, fctx, t, emit, ectx, st);
}

int gcpulse__policy_kill(gcpulse__policy *p, int direction,
                         const char *action, int disabled) {
  if (p == NULL || direction < GCPULSE_DIR_DEESCALATE ||
      direction > GCPULSE_DIR_ESCALATE)
    return GCPULSE_EINVAL;
  int d = dir_index(direction);
  if (action == NULL) {
    p->dir_killed[d] = disabled != 0;
    return 0;
  }
  for (int k = 0; k < p->n_names; k++) {
    if (strcmp(p->names[k].name, action) == 0) {
      p->names[k].killed[d] = disabled != 0;
      return 0;
    }
  }
  return GCPULSE_ENOTFOUND;
}

int gcpulse__policy_explanations(const gcpulse__policy *p,
                                 gcpulse_action_t *out, int n) {
  if (p == NULL || n <= 0) return 0;
  int k = n < p->expl_n ? n : p->expl_n;
  int first = (p->expl_head - k + p->n_expl) % p->n_expl;
  for (int j = 0; j < k; j++)
    memcpy(&out[j], &p->expl[(first + j) % p->n_expl], sizeof *out);
  return k;
}

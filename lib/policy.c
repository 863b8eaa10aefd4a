/*
 * policy.c — the GC-aware scaling-policy table: state layout and the
 * evaluation engine.  The built-in default table, merging it with the
 * configured rules and validating the policy configuration live in
 * policy_rules.c (they run at configuration time, never per step).
 *
 * Design.  The instance calls gcpulse__policy_step() after every event,
 * metric and tick; the table evaluates at every GC cycle and tick at most
 * once per min_eval_s, at every OOM-class event, and in any case once per
 * policy_period_s of event time (drift-free schedule) while input comes;
 * at the end of input (gcpulse_finish, gcpulse_source_lost) it evaluates
 * once more if input came since its last evaluation.
 * Time is cut into datapoint slots of policy_period_s counted from the
 * first input; each rule runs through a fixed pipeline:
 *
 *   conditions   each reads one (feature, statistic) from the window,
 *                applies enter/exit hysteresis (a latched state) and
 *                records the latched bit as its slot's datapoint in an
 *                N-of-M ring (a uint64_t, M <= 64): a later evaluation in
 *                the same slot overwrites it, slots without an evaluation
 *                keep the previous state (the state held until the next
 *                evaluation); the condition is true when >= N of the last
 *                M slots breached: N-of-M over time, not over calls.  Unknown data follows the condition's missing
 *                policy; a de-escalation is vetoed whenever any feature it
 *                needs is unknown (reason MissingData), whatever the policy.
 *   match        AND / OR over the conditions: the "raw" recommendation.
 *   stabilise    per-rule ring of (time, matched) recommendations, one per
 *                slot (a slot matched only if every evaluation in it
 *                matched); the rule is stabilised when it matched at every
 *                slot of its window (escalate: min over the up-window, default 0 s;
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
 *                de-escalating rule matched and stable.  Across groups,
 *                a winning escalation turns the de-escalating winners of
 *                the same evaluation into conflicts.
 *   restart      a restarted process (the instance reports its window's
 *                RESTART: a flagged restart or a clock more than a window
 *                back) starts the policy afresh on the new run's clock:
 *                cooldowns, settle, de-escalation delay, stabilisation
 *                history, N-of-M datapoints and hysteresis, warm-up and the
 *                evaluation schedule belong to the old process and end
 *                with it, so a crash-looping process gets its memory bump
 *                every run.  The rate-limit and loop-guard rings and the
 *                last bump level carry over, shifted so the old run's last
 *                input lands on the new run's first (the time between runs
 *                is unknown and counted as none): a fast crash loop still
 *                meets its rate limit and raises the loop flag.  Any other
 *                step back of the clock keeps the stored times raw (a
 *                constraint lasts until the clock passes it again).
 *   report       one gcpulse_action_t per action of every matched rule:
 *                raw -> stabilised -> limited -> final plus constraint
 *                bits and per-condition values, N-of-M counts.  Applied
 *                ones always go to EMIT and the explanation ring;
 *                suppressed ones only with explain_suppressed.  Dry-run
 *                (global or per rule) runs everything, updates state as
 *                if applied and reports applied = 0.
 *
 * Urgent rules (emergencies) skip warm-up and settle.
 * Catastrophe rules (bump_ratio > 0) skip warm-up and settle too and ask for
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
#include "common.h"
#include "policy.h"
#include "names.h"

#include <math.h>
#include <string.h>

#define NEVER (-1e300)
#define EPS GCPULSE__POLICY_EPS

/* ---------------------------------------------------------------------
 * State and layout
 * --------------------------------------------------------------------- */

typedef struct cond_state {
  uint64_t bits; /* newest datapoint (slot) in bit 0 */
  int pushed;    /* datapoints pushed, saturating at 64 */
  int latched;   /* hysteresis state */
  long slot;     /* slot of bit 0 */
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
  double period, min_eval, warmup, settle, stab_up, stab_down, cool_up,
      cool_down;
  double delay_down, rate_period, loop_window;
  int rate_count, slots, n_expl, loop_count;
  int n_rules, n_names, n_groups;
  gcpulse_rule_t *rules;
  rule_state *rs;
  name_state *names;
  group_state *groups;
  gcpulse_action_t *expl;
  int expl_head, expl_n;
  unsigned char dir_killed[3];
  int started, pending; /* pending: input since the last evaluation */
  double start, last_t, next_eval, last_eval, last_applied;
};

typedef struct layout {
  size_t rules, rs, names, groups, hist_t, hist_m, rate, bumps, expl, total;
  int n;
} layout;

static layout plan(const gcpulse_config_t *cfg) {
  layout L;
  int n = gcpulse__policy_merge(cfg, NULL, 0);
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
static void policy_clear_state(gcpulse__policy *p) {
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
  p->started = p->pending = 0;
  p->start = p->last_t = p->next_eval = 0;
  p->last_eval = p->last_applied = NEVER;
}

void gcpulse__policy_init(gcpulse__policy *p, const gcpulse_config_t *cfg) {
  layout L = plan(cfg);
  char *base = (char *)p;
  memset(p, 0, sizeof *p);
  p->enabled = cfg->policy_enabled;
  p->dry_run = cfg->dry_run;
  p->explain = cfg->explain_suppressed;
  p->period = cfg->policy_period_s;
  p->min_eval = cfg->policy_min_eval_s < cfg->policy_period_s
                    ? cfg->policy_min_eval_s
                    : cfg->policy_period_s;
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
  p->rules = (gcpulse_rule_t *)(void *)(base + L.rules);
  p->rs = (rule_state *)(void *)(base + L.rs);
  p->names = (name_state *)(void *)(base + L.names);
  p->groups = (group_state *)(void *)(base + L.groups);
  p->expl = (gcpulse_action_t *)(void *)(base + L.expl);
  p->n_rules = gcpulse__policy_merge(cfg, p->rules, L.n);
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
    while (g < p->n_groups &&
           !gcpulse__name_eq(p->groups[g].name, group_name(r)))
      g++;
    if (g == p->n_groups) p->groups[p->n_groups++].name = group_name(r);
    s->group = g;
    /* action names */
    for (int a = 0; a < r->n_actions && a < GCPULSE_ACTIONS_MAX; a++) {
      r->actions[a].name[GCPULSE_NAME_MAX - 1] = '\0';
      int k = 0;
      while (k < p->n_names &&
             !gcpulse__name_eq(p->names[k].name, r->actions[a].name))
        k++;
      if (k == p->n_names) {
        name_state *nm = &p->names[p->n_names++];
        memcpy(nm->name, r->actions[a].name, GCPULSE_NAME_MAX);
        nm->rate = rate + (size_t)k * (size_t)p->rate_count;
      }
      s->act[a] = k;
    }
  }
  policy_clear_state(p);
}

void gcpulse__policy_reset(gcpulse__policy *p) { policy_clear_state(p); }

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

/* Record BIT as the datapoint of SLOT: overwrite a datapoint of the same
 * slot; slots skipped since the last one keep its state. */
static void record_bit(cond_state *cs, long slot, int bit) {
  if (cs->pushed > 0 && slot <= cs->slot) {
    cs->bits = (cs->bits & ~UINT64_C(1)) | (uint64_t)(bit != 0);
    return;
  }
  if (cs->pushed > 0) {
    int prev = (int)(cs->bits & 1u);
    long gap = slot - cs->slot - 1;
    for (long k = 0; k < gap && k < 64; k++) push_bit(cs, prev);
  }
  push_bit(cs, bit);
  cs->slot = slot;
}

enum { C_FALSE, C_TRUE, C_MISSING };

/* Evaluate condition C with state CS at this datapoint.  DEESC forces
 * unknown data to C_MISSING.  Fills EV; sets *UNKNOWN when the feature
 * could not be read. */
static int eval_condition(const gcpulse_condition_t *c, cond_state *cs,
                          long slot, gcpulse__feat_fn feat, const void *fctx,
                          int deesc, gcpulse_condition_eval_t *ev,
                          int *unknown) {
  double v = 0.0;
  int why = feat(fctx, c->feature, c->stat, &v);
  if (why == 0 && !isfinite(v)) why = GCPULSE_WHY_NOT_FINITE;
  if (why < 0) why = GCPULSE_WHY_UNSUPPORTED;
  if (why != 0) v = 0.0;
  ev->feature = c->feature;
  ev->stat = c->stat;
  ev->op = c->op;
  ev->unit = gcpulse__stat_unit(c->feature, c->stat);
  ev->value = v;
  ev->why = why;
  ev->threshold = cs->latched ? c->exit : c->enter;
  int missing = 0;
  if (why == 0) {
    if (!cs->latched)
      cs->latched = op_enter(c->op, v, c->enter);
    else if (op_leave(c->op, v, c->exit))
      cs->latched = 0;
    record_bit(cs, slot, cs->latched);
  } else {
    *unknown = 1;
    if (deesc) {
      missing = 1;
    } else {
      switch (c->missing) {
      case GCPULSE_MISSING_IGNORE: break;
      case GCPULSE_MISSING_BREACHING: record_bit(cs, slot, 1); break;
      case GCPULSE_MISSING_NOT_BREACHING: record_bit(cs, slot, 0); break;
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

/* The datapoint slot of time T: policy periods since the first input. */
static long policy_slot(const gcpulse__policy *p, double t) {
  double k = floor((t - p->start) / p->period + EPS);
  return k < -1e15 ? -1000000000000000L : k > 1e15 ? 1000000000000000L : (long)k;
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
  int newest = (s->hist_head - 1 + p->slots) % p->slots;
  if (s->hist_n > 0 && policy_slot(p, s->hist_t[newest]) == policy_slot(p, t)) {
    /* a miss keeps its own time: the window must pass the miss itself */
    if (!rec) s->hist_t[newest] = t;
    s->hist_m[newest] = (unsigned char)(s->hist_m[newest] && rec);
  } else {
    s->hist_t[s->hist_head] = t;
    s->hist_m[s->hist_head] = (unsigned char)rec;
    s->hist_head = (s->hist_head + 1) % p->slots;
    if (s->hist_n < p->slots) s->hist_n++;
  }
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

/* The numbers behind a record's constraints: the event time at which the
 * time-based ones (warm-up, settle, cooldown, rate limit, delay) end, and
 * the rule that won over it or vetoed it (-1: none). */
typedef struct held {
  double until;
  int by;
} held;

static void hold_until(held *h, double end) {
  if (end > h->until) h->until = end;
}

/* Action-level constraints for action A of rule I at T. */
static uint32_t action_constraints(const gcpulse__policy *p, int i, int a,
                                   double t, held *h) {
  const gcpulse_rule_t *r = &p->rules[i];
  const name_state *nm = &p->names[p->rs[i].act[a]];
  int d = dir_index(r->direction);
  uint32_t c = 0;
  double cool = r->cooldown_s >= 0                       ? r->cooldown_s
                : r->direction == GCPULSE_DIR_DEESCALATE ? p->cool_down
                                                         : p->cool_up;
  if (t - nm->last[d] < cool - EPS) {
    c |= BIT(COOLDOWN);
    hold_until(h, nm->last[d] + cool);
  }
  if (p->rate_count > 0 && rate_used(p, nm, t) >= p->rate_count) {
    c |= BIT(RATE_LIMITED);
    double first = t; /* the oldest applied time still in the period */
    for (int k = 0; k < nm->rate_n; k++)
      if (nm->rate[k] > t - p->rate_period + EPS && nm->rate[k] < first)
        first = nm->rate[k];
    hold_until(h, first + p->rate_period);
  }
  if (nm->killed[d]) c |= BIT(KILL_SWITCH);
  return c;
}

/* Rule-level constraints (before conflict resolution). */
static uint32_t rule_constraints(const gcpulse__policy *p, int i, double t,
                                 held *h) {
  const gcpulse_rule_t *r = &p->rules[i];
  const rule_state *s = &p->rs[i];
  uint32_t c = 0;
  int urgent = r->bump_ratio > 0 || r->urgent;
  if (s->could)
    c |= BIT(MISSING_DATA);
  else if (!s->stable)
    c |= BIT(STABILIZED);
  if (r->disabled) c |= BIT(DISABLED);
  double warmup = r->warmup_s > p->warmup ? r->warmup_s : p->warmup;
  if (!urgent && t - p->start < warmup - EPS) {
    c |= BIT(WARMING_UP);
    hold_until(h, p->start + warmup);
  }
  if (!urgent && t - p->last_applied < p->settle - EPS) {
    c |= BIT(SETTLING);
    hold_until(h, p->last_applied + p->settle);
  }
  if (r->direction == GCPULSE_DIR_DEESCALATE &&
      t - p->groups[s->group].last_escalate < p->delay_down - EPS) {
    c |= BIT(COOLDOWN);
    hold_until(h, p->groups[s->group].last_escalate + p->delay_down);
  }
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
        h->by = q;
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

/* Step 1 of an evaluation at T: read every rule's conditions and decide
 * matched / could (missing data) / lean (partly matched). */
static void match_rules(gcpulse__policy *p, gcpulse__feat_fn feat,
                        const void *fctx, double t) {
  long slot = policy_slot(p, t);
  for (int i = 0; i < p->n_rules; i++) {
    const gcpulse_rule_t *r = &p->rules[i];
    rule_state *s = &p->rs[i];
    int deesc = r->direction == GCPULSE_DIR_DEESCALATE;
    int n_true = 0, n_false = 0, n_missing = 0, n_na = 0, unknown = 0;
    for (int c = 0; c < r->n_conditions; c++) {
      int v = eval_condition(&r->conditions[c], &s->c[c], slot, feat, fctx,
                             deesc, &s->ev[c], &unknown);
      if (v == C_TRUE) n_true++;
      else if (v == C_FALSE) n_false++;
      else n_missing++;
      if (s->ev[c].why == GCPULSE_WHY_NOT_APPLICABLE) n_na++;
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
    /* partly matched; a rule that cannot match on this runtime (a feature
     * not applicable, e.g. promotion on Go) has no opinion */
    s->lean = s->could && n_true > 0 && n_na == 0;
  }
}

/* The record of action A of rule I at T, held by constraints CON (whose
 * numbers are H); BVAL is a bump rule's ask.  Notes an applied action.
 * Returns 1 if applied (or would be, dry-run). */
static int build_record(gcpulse__policy *p, int i, int a, double t,
                        uint32_t con, const held *h, double bval,
                        gcpulse_action_t *x) {
  const gcpulse_rule_t *r = &p->rules[i];
  const rule_state *s = &p->rs[i];
  int bump = r->bump_ratio > 0;
  memset(x, 0, sizeof *x);
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
  if (x->suppressed) {
    x->until = h->until;
    x->by = h->by >= 0 ? p->rules[h->by].id : NULL;
  }
  x->n_conditions = r->n_conditions;
  memcpy(x->conditions, s->ev, sizeof x->conditions);
  if (x->suppressed) return 0;
  note_applied(p, i, a, t);
  return 1;
}

static int evaluate(gcpulse__policy *p, gcpulse__feat_fn feat,
                    const void *fctx, double t, gcpulse__action_fn emit,
                    void *ectx, gcpulse_stats_t *st) {
  /* 1. conditions, match, stabilisation */
  match_rules(p, feat, fctx, t);
  for (int i = 0; i < p->n_rules; i++) p->rs[i].stable = stabilize(p, i, t);
  /* 2. rule-level constraints and per-group winners */
  uint32_t rc[GCPULSE_RULES_MAX];
  uint32_t ac[GCPULSE_RULES_MAX][GCPULSE_ACTIONS_MAX];
  held rh[GCPULSE_RULES_MAX], ah[GCPULSE_RULES_MAX][GCPULSE_ACTIONS_MAX];
  int winner[GCPULSE_RULES_MAX]; /* per group: rule index or -1 */
  for (int g = 0; g < p->n_groups; g++) winner[g] = -1;
  for (int i = 0; i < p->n_rules; i++) {
    rule_state *s = &p->rs[i];
    rc[i] = 0;
    rh[i] = (held){0.0, -1};
    if (!s->matched && !s->could) continue;
    rc[i] = rule_constraints(p, i, t, &rh[i]);
    int any_ok = 0;
    for (int a = 0; a < p->rules[i].n_actions; a++) {
      ah[i][a] = rh[i];
      ac[i][a] = action_constraints(p, i, a, t, &ah[i][a]);
      if (ac[i][a] == 0) any_ok = 1;
    }
    if (rc[i] == 0 && any_ok) {
      int *w = &winner[s->group];
      if (*w < 0 || beats(p, i, *w)) *w = i;
    }
  }
  /* across groups: an escalation wins over de-escalations of other groups
   * at the same evaluation (CONFLICT), so no two opposite actions come at
   * once; settle_s keeps them apart afterwards */
  int escalating = -1; /* an escalating winner */
  for (int g = 0; g < p->n_groups; g++)
    if (winner[g] >= 0 && p->rules[winner[g]].direction == GCPULSE_DIR_ESCALATE)
      escalating = winner[g];
  for (int g = 0; escalating >= 0 && g < p->n_groups; g++)
    if (winner[g] >= 0 &&
        p->rules[winner[g]].direction == GCPULSE_DIR_DEESCALATE)
      winner[g] = -1;
  /* 3. report in table order */
  for (int i = 0; i < p->n_rules; i++) {
    const gcpulse_rule_t *r = &p->rules[i];
    rule_state *s = &p->rs[i];
    if (!s->matched && !s->could) continue;
    uint32_t rcon = rc[i];
    if (rcon == 0 && winner[s->group] != i) {
      rcon |= BIT(CONFLICT);
      int w = winner[s->group] >= 0 ? winner[s->group] : escalating;
      for (int a = 0; a < r->n_actions; a++) ah[i][a].by = w;
    }
    int bump = r->bump_ratio > 0;
    double bval = bump ? bump_value(p, i, feat, fctx) : 0.0;
    int any_applied = 0;
    gcpulse_action_t rec[GCPULSE_ACTIONS_MAX];
    for (int a = 0; a < r->n_actions; a++)
      any_applied |= build_record(p, i, a, t, rcon | ac[i][a], &ah[i][a],
                                  bval, &rec[a]);
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

void gcpulse__policy_restart(gcpulse__policy *p, double t) {
  if (!p->started || !isfinite(t)) return;
  double d = t < p->last_t ? t - p->last_t : 0.0; /* same clock: no shift */
  for (int i = 0; i < p->n_rules; i++) {
    rule_state *s = &p->rs[i];
    memset(s->c, 0, sizeof s->c);
    s->hist_head = s->hist_n = 0;
    s->matched = s->could = s->stable = s->lean = 0;
    for (int k = 0; k < s->bump_n; k++) shift(&s->bumps[k], d);
  }
  for (int i = 0; i < p->n_names; i++) {
    name_state *nm = &p->names[i];
    for (int k = 0; k < 3; k++) nm->last[k] = NEVER;
    for (int k = 0; k < nm->rate_n; k++) shift(&nm->rate[k], d);
  }
  for (int g = 0; g < p->n_groups; g++) p->groups[g].last_escalate = NEVER;
  p->start = p->next_eval = p->last_t = t;
  p->last_eval = p->last_applied = NEVER;
  p->pending = 0;
}

int gcpulse__policy_step(gcpulse__policy *p, gcpulse__feat_fn feat,
                         const void *fctx, double t, int trigger,
                         gcpulse__action_fn emit, void *ectx,
                         gcpulse_stats_t *st) {
  if (p == NULL || feat == NULL || st == NULL) return GCPULSE_EINVAL;
  if (!p->enabled || !isfinite(t) || p->n_rules == 0) return 0;
  /* a step back that is no restart (a window reset after a gap behind
   * ticks): stored times stay raw, a constraint lasts until the clock
   * passes it again (conservative) */
  if (p->started && t < p->last_t - EPS && p->next_eval > t + p->period)
    p->next_eval = t + p->period;
  if (!p->started) {
    p->started = 1;
    p->start = t;
    p->next_eval = t;
  }
  p->last_t = t;
  int due = trigger == GCPULSE__EVAL_FLUSH
                ? p->pending
                : t >= p->next_eval - EPS || trigger == GCPULSE__EVAL_NOW ||
                      (trigger == GCPULSE__EVAL_SOON &&
                       t - p->last_eval >= p->min_eval - EPS);
  if (!due) {
    if (trigger != GCPULSE__EVAL_FLUSH) p->pending = 1;
    return 0;
  }
  p->pending = 0;
  p->last_eval = t;
  if (t >= p->next_eval - EPS) p->next_eval += p->period;
  if (p->next_eval <= t + EPS) p->next_eval = t + p->period;
  gcpulse__inc(&st->policy_evaluations);
  return evaluate(p, feat, fctx, t, emit, ectx, st);
}

void gcpulse__policy_dry_run(gcpulse__policy *p, int on) {
  if (p) p->dry_run = on != 0;
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

/*
 * config.h — the one table of scalar configuration keys (config.c).
 *
 * Every scalar knob of gcpulse_config_t is one row of GCPULSE__CONFIG_KEYS:
 * its JSON section and key (the dotted path "section.key" names it in
 * every error), its C type and member, default, valid range, unit and a
 * one-line description.  The table drives gcpulse_config_init (defaults),
 * gcpulse_config_check (ranges, before the modules' cross-field checks),
 * the JSON loader and dumper (json.c) and the generated reference in
 * docs/configuration.md (tests/config_doc.c, `make config-doc`).
 *
 * Structured parts stay structured: custom metric names (window.custom_names)
 * and the rule table (policy.rules) are not scalar rows; json.c and the
 * policy checker handle them with full paths ("policy.rules[3].id").
 *
 * Adding a knob: add the member to gcpulse_config_t (documented in
 * gcpulse.h), add one row here, regenerate the reference (make config-doc).
 */
#ifndef GCPULSE_CONFIG_H
#define GCPULSE_CONFIG_H

#include "gcpulse.h"

#include <stddef.h>

/* Value types of a row. */
enum {
  GCPULSE__CT_DOUBLE, /* double, finite */
  GCPULSE__CT_INT,    /* int (JSON integer) */
  GCPULSE__CT_SIZE,   /* size_t (JSON integer >= 0) */
  GCPULSE__CT_BOOL,   /* int 0 or 1 (JSON true/false) */
  GCPULSE__CT_ENUM    /* int, one of the row's named values (JSON string) */
};

/* Range bounds: GE/GT a lower bound, LE/LT an upper bound, ANY none. */
enum { GCPULSE__R_ANY, GCPULSE__R_GE, GCPULSE__R_GT, GCPULSE__R_LE,
       GCPULSE__R_LT };

/* A named enum value (JSON word <-> C value). */
typedef struct gcpulse__enum_val {
  const char *name;
  int value;
} gcpulse__enum_val;

#define GCPULSE__MIB 1048576.0

/* X(SECTION, KEY, TYPE, ENUM_VALUES, MEMBER, DEFAULT,
 *   LO_KIND, LO, HI_KIND, HI, UNIT, DOC)
 * TYPE is a GCPULSE__CT_ suffix; ENUM_VALUES the value list of an ENUM
 * row (else NONE); MEMBER the gcpulse_config_t member; DEFAULT a number
 * (an enum's C value, 0/1 for a bool).  Rows are in JSON dump order. */
#define GCPULSE__CONFIG_KEYS(X)                                               \
  X(input, format, ENUM, formats, format, GCPULSE_FORMAT_AUTO,                \
    ANY, 0, ANY, 0, "", "trace format; auto decides Go or JVM from the first recognised line") \
  X(input, max_line, SIZE, NONE, max_line, 4096,                              \
    GE, 256, LE, 16777216, "bytes", "longest line kept; longer lines are skipped (too_long)") \
  X(input, jvm_open_events, INT, NONE, jvm_open_events, 64,                   \
    GE, 1, LE, 4096, "", "open JVM GC ids tracked (bounded table)")          \
  X(window, window_s, DOUBLE, NONE, window_s, 60,                             \
    GE, 1, LE, 86400, "s", "sliding window length")                          \
  X(window, panes, INT, NONE, panes, 12,                                      \
    GE, 2, LE, 64, "", "panes per window")       \
  X(window, ewma_tau_s, DOUBLE, NONE, ewma_tau_s, 30,                         \
    GT, 0, LE, 1e6, "s", "feature EWMA time constant")                       \
  X(window, cusum_k, DOUBLE, NONE, cusum_k, 0.5,                              \
    GE, 0, LE, 10, "sigma", "CUSUM allowance")                                \
  X(window, cusum_h, DOUBLE, NONE, cusum_h, 5,                                \
    GT, 0, LE, 100, "sigma", "CUSUM decision interval")                       \
  X(window, custom_metrics, INT, NONE, custom_metrics, 8,                     \
    GE, 0, LE, GCPULSE_CUSTOM_MAX, "", "custom metric slots")                \
  X(window, memory_limit, DOUBLE, NONE, memory_limit, 0,                      \
    GE, 0, ANY, 0, "bytes", "the process memory limit; precedence: this, else the memory_limit_bytes metric, else the limit detected from the log (JVM -Xmx, else a heap capacity a full GC proved is the maximum); one limit for window, controller and policy") \
  X(gogc, mode, ENUM, modes, gogc.mode, GCPULSE_GOGC_ADAPTIVE,                \
    ANY, 0, ANY, 0, "", "controller law")                                     \
  X(gogc, period_s, DOUBLE, NONE, gogc.period_s, 5,                           \
    GT, 0, LE, 86400, "s", "longest time between decisions: without GC cycles a tick decides once this long after the last decision") \
  X(gogc, initial, DOUBLE, NONE, gogc.initial, 100,                           \
    ANY, 0, ANY, 0, "", "GOGC in force at start; < 0 = GOGC=off (never changed), else within [min, max]") \
  X(gogc, min, DOUBLE, NONE, gogc.min, 25,                                    \
    GT, 0, LE, 1e6, "", "lower GOGC bound")                                   \
  X(gogc, max, DOUBLE, NONE, gogc.max, 500,                                   \
    GT, 0, LE, 1e6, "", "upper GOGC bound (>= min)")                          \
  X(gogc, df_base, DOUBLE, NONE, gogc.df_base, 100,                           \
    GE, 0, LE, 1e6, "", "dual-factor law: base GOGC")                         \
  X(gogc, df_qps_step, DOUBLE, NONE, gogc.df_qps_step, 500,                   \
    GT, 0, ANY, 0, "1/s", "dual-factor law: QPS per step")                    \
  X(gogc, df_step_gain, DOUBLE, NONE, gogc.df_step_gain, 10,                  \
    GE, 0, ANY, 0, "", "dual-factor law: GOGC added per QPS step")            \
  X(gogc, df_qps_cap, DOUBLE, NONE, gogc.df_qps_cap, 30,                      \
    GE, 0, ANY, 0, "", "dual-factor law: cap of the QPS term")                \
  X(gogc, df_growth_threshold, DOUBLE, NONE, gogc.df_growth_threshold, 20,    \
    ANY, 0, ANY, 0, "MiB/s", "dual-factor law: heap growth above which GOGC is lowered") \
  X(gogc, df_growth_gain, DOUBLE, NONE, gogc.df_growth_gain, 2,               \
    GE, 0, ANY, 0, "", "dual-factor law: GOGC removed per MiB/s above the threshold") \
  X(gogc, df_growth_cap, DOUBLE, NONE, gogc.df_growth_cap, 40,                \
    GE, 0, ANY, 0, "", "dual-factor law: cap of the growth term")            \
  X(gogc, limit_ratio, DOUBLE, NONE, gogc.limit_ratio, 0.9,                   \
    GT, 0, LE, 1, "", "fraction of the memory limit the process may use (the budget)") \
  X(gogc, headroom, DOUBLE, NONE, gogc.headroom, 0,                           \
    GE, 0, ANY, 0, "bytes", "kept free below the budget")                     \
  X(gogc, floor_bytes, DOUBLE, NONE, gogc.floor_bytes, 4 * GCPULSE__MIB,      \
    GE, 0, ANY, 0, "bytes", "the heap may always grow this far above live (overrides the budget for tiny heaps)") \
  X(gogc, cpu_target, DOUBLE, NONE, gogc.cpu_target, 0.05,                    \
    GT, 0, LT, 1, "", "GC CPU fraction target")                               \
  X(gogc, ewma_tau_s, DOUBLE, NONE, gogc.ewma_tau_s, 20,                      \
    GE, 0, ANY, 0, "s", "controller input smoothing time constant (0 = none)") \
  X(gogc, deadband, DOUBLE, NONE, gogc.deadband, 0.1,                         \
    GE, 0, LT, 1, "", "relative change below which GOGC is not changed")      \
  X(gogc, slew_up, DOUBLE, NONE, gogc.slew_up, 0.25,                          \
    GT, 0, LE, 100, "", "largest relative rise per decision")                 \
  X(gogc, slew_down, DOUBLE, NONE, gogc.slew_down, 0.5,                       \
    GT, 0, LE, 1, "", "largest relative drop per decision when not urgent")   \
  X(gogc, urgent_ratio, DOUBLE, NONE, gogc.urgent_ratio, 0.95,                \
    GT, 0, LE, 2, "", "projected peak / budget above which drops are unlimited") \
  X(gogc, dwell_s, DOUBLE, NONE, gogc.dwell_s, 15,                            \
    GE, 0, ANY, 0, "s", "minimum time between changes (not for an urgent drop, nor a SPARE rise continuing a rise)") \
  X(gogc, dwell_cycles, INT, NONE, gogc.dwell_cycles, 1,                      \
    GE, 0, LE, 1000000, "", "minimum GC cycles between changes")              \
  X(gogc, pinned_after, INT, NONE, gogc.pinned_after, 3,                      \
    GE, 1, LE, 1000000, "", "decisions at a bound before pinned is reported") \
  X(gogc, recommend_limit, BOOL, NONE, gogc.recommend_limit, 0,               \
    ANY, 0, ANY, 0, "", "also recommend a Go memory limit (recommended_limit), taken to be applied") \
  X(gogc, adaptive_economy, ENUM, economies, gogc.adaptive_economy,           \
    GCPULSE_GOGC_ECONOMY_BOTH, ANY, 0, ANY, 0, "", "adaptive mode's economy law inside the memory bound") \
  X(gogc, leak_window_s, DOUBLE, NONE, gogc.leak_window_s, 60,                \
    GT, 0, ANY, 0, "s", "live heap must rise steadily this long to be a leak") \
  X(gogc, leak_min_growth, DOUBLE, NONE, gogc.leak_min_growth, 0.2,           \
    GE, 0, ANY, 0, "", "least relative rise of the live heap over leak_window_s to be a leak")   \
  X(gogc, leak_chase, INT, NONE, gogc.leak_chase, 0,                          \
    GE, 0, LE, 1, "", "1: keep lowering GOGC toward the budget after a leak is reported") \
  X(gogc, slew_up_spare, DOUBLE, NONE, gogc.slew_up_spare, 4,                 \
    GT, 0, LE, 100, "", "largest relative rise of a covered SPARE rise (the larger of this and slew_up)") \
  X(gogc, spare_horizon_s, DOUBLE, NONE, gogc.spare_horizon_s, 60,            \
    GE, 0, LE, 86400, "s", "SPARE live-heap reserve: held this long, then decays over it (0 = no reserve)") \
  X(policy, enabled, BOOL, NONE, policy_enabled, 1,                           \
    ANY, 0, ANY, 0, "", "run the policy table")                               \
  X(policy, defaults, BOOL, NONE, policy_defaults, 1,                         \
    ANY, 0, ANY, 0, "", "start from the built-in table")                      \
  X(policy, period_s, DOUBLE, NONE, policy_period_s, 5,                       \
    GT, 0, LE, 3600, "s", "datapoint period: N-of-M and stabilisation slots; evaluation at least this often") \
  X(policy, min_eval_s, DOUBLE, NONE, policy_min_eval_s, 1,                   \
    GT, 0, LE, 3600, "s", "evaluate at every GC cycle and tick at most this often (capped at period_s)") \
  X(policy, warmup_s, DOUBLE, NONE, warmup_s, 10,                             \
    GE, 0, ANY, 0, "s", "no action this long after the first step, except urgent and bump rules") \
  X(policy, settle_s, DOUBLE, NONE, settle_s, 15,                             \
    GE, 0, ANY, 0, "s", "no action this long after an applied one")           \
  X(policy, escalate_stabilization_s, DOUBLE, NONE, escalate_stabilization_s, \
    0, GE, 0, ANY, 0, "s", "escalation stabilisation window")                 \
  X(policy, deescalate_stabilization_s, DOUBLE, NONE,                         \
    deescalate_stabilization_s, 300, GE, 0, ANY, 0, "s",                      \
    "de-escalation stabilisation window")                                     \
  X(policy, escalate_cooldown_s, DOUBLE, NONE, escalate_cooldown_s, 60,       \
    GE, 0, ANY, 0, "s", "per action, after an applied escalation")           \
  X(policy, deescalate_cooldown_s, DOUBLE, NONE, deescalate_cooldown_s, 300,  \
    GE, 0, ANY, 0, "s", "per action, after an applied de-escalation")        \
  X(policy, deescalate_delay_s, DOUBLE, NONE, deescalate_delay_s, 0,          \
    GE, 0, ANY, 0, "s", "no de-escalation in a group this long after an escalation there") \
  X(policy, rate_limit_count, INT, NONE, rate_limit_count, 4,                 \
    GE, 0, LE, 64, "", "applied actions per action name per rate_limit_period_s (0 = no limit)") \
  X(policy, rate_limit_period_s, DOUBLE, NONE, rate_limit_period_s, 60,       \
    GT, 0, LE, 1800, "s", "rate-limit period")                                \
  X(policy, dry_run, BOOL, NONE, dry_run, 0,                                  \
    ANY, 0, ANY, 0, "", "global dry run: everything runs, applied = 0")       \
  X(policy, explain_suppressed, BOOL, NONE, explain_suppressed, 0,            \
    ANY, 0, ANY, 0, "", "also report suppressed matches to on_action")        \
  X(policy, max_rules, INT, NONE, max_rules, 32,                              \
    GE, 1, LE, GCPULSE_RULES_MAX, "", "rules the instance holds after merging") \
  X(policy, stabilization_slots, INT, NONE, stabilization_slots, 64,          \
    GE, 2, LE, 1024, "", "recommendation history per rule; every window needs ceil(window / period_s) + 1") \
  X(policy, explanations, INT, NONE, explanations, 64,                        \
    GE, 1, LE, 1024, "", "explanation records kept")                          \
  X(policy, loop_guard_count, INT, NONE, loop_guard_count, 3,                 \
    GE, 1, LE, 16, "", "catastrophe bumps within loop_guard_window_s that raise the loop flag") \
  X(policy, loop_guard_window_s, DOUBLE, NONE, loop_guard_window_s, 600,      \
    GT, 0, ANY, 0, "s", "loop-guard window")

/* One row of the table, as data. */
typedef struct gcpulse__config_key {
  const char *path;    /* "window.panes" */
  const char *section; /* "window" */
  const char *key;     /* "panes" */
  const char *member;  /* "panes", "gogc.period_s": the C member */
  int type;            /* GCPULSE__CT_* */
  const gcpulse__enum_val *values; /* ENUM rows: NULL-terminated, else NULL */
  size_t off;          /* offset of the member in gcpulse_config_t */
  double def;
  int lo_kind, hi_kind; /* GCPULSE__R_* */
  double lo, hi;
  const char *unit, *doc;
} gcpulse__config_key;

extern const gcpulse__config_key gcpulse__config_keys[];
extern const int gcpulse__config_nkeys;

/* The member of K in CFG, as a double (enum/bool/int/size converted). */
double gcpulse__config_get(const gcpulse__config_key *k,
                           const gcpulse_config_t *cfg);
/* Word of an ENUM value, or NULL when VALUE is not one of them. */
const char *gcpulse__config_enum_name(const gcpulse__enum_val *v, int value);
/* "auto, go, jvm": the words of an enum list, into BUF. */
void gcpulse__config_enum_list(const gcpulse__enum_val *v, char *buf,
                               size_t cap);
/* "[256, 16777216]", "> 0", "finite": K's valid range as text. */
void gcpulse__config_range_text(const gcpulse__config_key *k, char *buf,
                                size_t cap);

#endif /* GCPULSE_CONFIG_H */

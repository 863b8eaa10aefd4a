/* abi_layout.c — print the layout of every public struct of gcpulse.h
 * (size, alignment, offset and size of every member) under the ABI major
 * the header declares.  tests/abi-layout.txt is this program's committed
 * output; tests/check_abi_layout.sh compares them (make check-abi).
 *
 * Every public struct and every member must be listed below.  The
 * program fails when a listed struct has bytes that no listed member
 * covers beyond alignment padding (a member missing from the list). */
#include "gcpulse.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>

typedef struct member {
  const char *name;
  size_t off, size, align;
} member;

static size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

static int failed;

/* Print struct NAME and check that its members tile it: each member
 * starts where the previous one ends, rounded up to its own alignment,
 * and the struct ends at the last member's end rounded up to the struct's
 * alignment.  Any other gap is a member missing from the list. */
static void dump(const char *name, size_t size, size_t align,
                 const member *m, size_t n) {
  printf("struct %s size %zu align %zu\n", name, size, align);
  size_t end = 0;
  for (size_t i = 0; i < n; i++) {
    printf("  %s %zu %zu\n", m[i].name, m[i].off, m[i].size);
    if (m[i].off != align_up(end, m[i].align)) {
      fprintf(stderr,
              "abi_layout: %s: bytes %zu..%zu before %s are not covered: "
              "a member is missing from tests/abi_layout.c\n",
              name, end, m[i].off, m[i].name);
      failed = 1;
    }
    end = m[i].off + m[i].size;
  }
  if (size != align_up(end, align)) {
    fprintf(stderr, "abi_layout: %s: bytes %zu..%zu at the end are not "
                    "covered\n",
            name, end, size);
    failed = 1;
  }
}

#define M(x)                                                                   \
  {#x, offsetof(T, x), sizeof(((T *)0)->x), _Alignof(__typeof__(((T *)0)->x))}
#define DUMP(t, m) DUMP_(t, m) /* expands T first */
#define DUMP_(t, m) dump(#t, sizeof(t), alignof(t), m, sizeof m / sizeof m[0])

int main(void) {
  printf("abi_major %d\n", GCPULSE_ABI_MAJOR);
#define T gcpulse_error_t
  {
    member m[] = {M(code), M(line), M(column), M(path), M(text)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_diag_t
  {
    member m[] = {M(reason), M(runtime), M(line_no), M(offset), M(column),
                  M(line), M(len), M(detail)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_event_t
  {
    member m[] = {M(known), M(runtime), M(collector), M(kind), M(flags),
                  M(cause), M(seq), M(t), M(pause_ms), M(concurrent_ms),
                  M(gc_cpu_ms), M(cpu_assist_ms), M(cpu_background_ms),
                  M(cpu_idle_ms), M(cpu_user_ms), M(cpu_sys_ms), M(real_ms),
                  M(heap_before), M(heap_after), M(heap_live), M(heap_goal),
                  M(heap_capacity), M(young_before), M(young_after),
                  M(old_before), M(old_after), M(promoted), M(metaspace_used),
                  M(metaspace_committed), M(stacks), M(globals), M(procs),
                  M(gc_cpu_pct_total), M(released), M(retained),
                  M(heap_max)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_gogc_config_t
  {
    member m[] = {M(mode), M(period_s), M(initial), M(min), M(max),
                  M(df_base), M(df_qps_step), M(df_step_gain), M(df_qps_cap),
                  M(df_growth_threshold), M(df_growth_gain), M(df_growth_cap),
                  M(limit_ratio), M(headroom), M(floor_bytes), M(cpu_target),
                  M(ewma_tau_s), M(deadband), M(slew_up), M(slew_down),
                  M(urgent_ratio), M(dwell_s), M(dwell_cycles),
                  M(pinned_after), M(recommend_limit), M(adaptive_economy),
                  M(leak_window_s), M(leak_min_growth), M(leak_chase),
                  M(slew_up_spare), M(spare_horizon_s)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_gogc_decision_t
  {
    member m[] = {M(t), M(mode), M(changed), M(value), M(previous), M(raw),
                  M(after_bounds), M(after_slew), M(after_deadband),
                  M(after_dwell), M(recommended_limit), M(inputs_known),
                  M(qps), M(growth_bps), M(live_bytes), M(goal_bytes),
                  M(stacks_globals_bytes), M(gc_cpu_fraction),
                  M(budget_bytes), M(projected_peak_bytes), M(reasons),
                  M(pinned)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_condition_t
  {
    member m[] = {M(feature), M(stat), M(op), M(enter), M(exit), M(n), M(m),
                  M(missing)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_rule_action_t
  {
    member m[] = {M(name), M(magnitude)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_rule_t
  {
    member m[] = {M(id), M(group), M(priority), M(direction), M(any),
                  M(n_conditions), M(conditions), M(n_actions), M(actions),
                  M(cooldown_s), M(stabilization_s), M(warmup_s), M(dry_run),
                  M(disabled), M(urgent), M(bump_ratio), M(bump_min_step), M(bump_cap)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_condition_eval_t
  {
    member m[] = {M(feature), M(stat), M(op), M(unit), M(value), M(why),
                  M(threshold), M(latched), M(hits), M(seen)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_action_t
  {
    member m[] = {M(t), M(rule), M(action), M(direction), M(applied),
                  M(suppressed), M(raw), M(stabilized), M(limited), M(final),
                  M(constraints), M(until), M(by), M(loop), M(n_conditions),
                  M(conditions)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_config_t
  {
    member m[] = {M(format), M(max_line), M(jvm_open_events), M(window_s),
                  M(panes), M(ewma_tau_s), M(cusum_k), M(cusum_h),
                  M(custom_metrics), M(custom_names), M(memory_limit),
                  M(gogc), M(policy_enabled), M(policy_defaults),
                  M(policy_period_s), M(policy_min_eval_s), M(warmup_s),
                  M(settle_s),
                  M(escalate_stabilization_s), M(deescalate_stabilization_s),
                  M(escalate_cooldown_s), M(deescalate_cooldown_s),
                  M(rate_limit_count), M(rate_limit_period_s), M(dry_run),
                  M(explain_suppressed), M(max_rules), M(deescalate_delay_s),
                  M(stabilization_slots), M(explanations),
                  M(loop_guard_count), M(loop_guard_window_s), M(n_rules),
                  M(rules), M(alloc), M(alloc_ud)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_config_key_t
  {
    member m[] = {M(path), M(type), M(def), M(min), M(max), M(min_open),
                  M(max_open), M(unit), M(doc)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_callbacks_t
  {
    member m[] = {M(on_event), M(on_gogc), M(on_action), M(on_diag), M(user)};
    DUMP(T, m);
  }
#undef T
#define T gcpulse_stats_t
  {
    member m[] = {M(bytes), M(bytes_discarded), M(lines), M(events),
                  M(events_go), M(events_jvm), M(events_fed), M(scavenges),
                  M(metrics), M(skipped), M(diags), M(by_reason),
                  M(callback_aborts), M(window_resets), M(gogc_decisions),
                  M(gogc_changes), M(gogc_reversals), M(gogc_total_variation),
                  M(policy_evaluations), M(actions), M(actions_suppressed),
                  M(format), M(collector)};
    DUMP(T, m);
  }
#undef T
  return failed;
}

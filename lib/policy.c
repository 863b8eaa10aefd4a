/* policy.c — STUB, replaced by the policy table (issue 7). */
#include "internal.h"
struct gcpulse__policy { int n; };
int gcpulse__policy_defaults(gcpulse_rule_t *out, int max) { (void)out; (void)max; return 0; }
int gcpulse__policy_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) { (void)cfg; (void)err; return 0; }
size_t gcpulse__policy_size(const gcpulse_config_t *cfg) { (void)cfg; return sizeof(struct gcpulse__policy); }
void gcpulse__policy_init(gcpulse__policy *p, const gcpulse_config_t *cfg) { (void)cfg; p->n = 0; }
void gcpulse__policy_reset(gcpulse__policy *p) { p->n = 0; }
int gcpulse__policy_step(gcpulse__policy *p, gcpulse__feat_fn feat, const void *fctx, double t, int force,
                         gcpulse__action_fn emit, void *ectx, gcpulse_stats_t *st) {
  (void)p; (void)feat; (void)fctx; (void)t; (void)force; (void)emit; (void)ectx; (void)st; return 0;
}
int gcpulse__policy_kill(gcpulse__policy *p, int direction, const char *action, int disabled) {
  (void)p; (void)direction; (void)action; (void)disabled; return 0;
}
int gcpulse__policy_explanations(const gcpulse__policy *p, gcpulse_action_t *out, int n) { (void)p; (void)out; (void)n; return 0; }

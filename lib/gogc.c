/* gogc.c — STUB, replaced by the controller (issue 6). */
#include "internal.h"
struct gcpulse__gogc { double cur, initial; };
int gcpulse__gogc_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) { (void)cfg; (void)err; return 0; }
size_t gcpulse__gogc_size(const gcpulse_config_t *cfg) { (void)cfg; return sizeof(struct gcpulse__gogc); }
void gcpulse__gogc_init(gcpulse__gogc *c, const gcpulse_config_t *cfg) { c->cur = c->initial = cfg->gogc.initial; }
int gcpulse__gogc_step(gcpulse__gogc *c, gcpulse__feat_fn feat, const void *fctx, double t, int new_cycle,
                       gcpulse_gogc_decision_t *out, gcpulse_stats_t *st) {
  (void)c; (void)feat; (void)fctx; (void)t; (void)new_cycle; (void)out; (void)st; return 0;
}
double gcpulse__gogc_current(const gcpulse__gogc *c) { return c->cur; }
void gcpulse__gogc_reset(gcpulse__gogc *c) { c->cur = c->initial; }
void gcpulse__gogc_window_reset(gcpulse__gogc *c) { (void)c; }

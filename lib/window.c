/* window.c — STUB, replaced by the feature store (issue 5). */
#include "internal.h"
struct gcpulse__window { double now; };
size_t gcpulse__window_size(const gcpulse_config_t *cfg) { (void)cfg; return sizeof(struct gcpulse__window); }
int gcpulse__window_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) { (void)cfg; (void)err; return 0; }
void gcpulse__window_init(gcpulse__window *w, const gcpulse_config_t *cfg) { (void)cfg; w->now = NAN; }
void gcpulse__window_reset(gcpulse__window *w) { w->now = NAN; }
int gcpulse__window_event(gcpulse__window *w, const gcpulse_event_t *ev) { w->now = ev->t; return 0; }
int gcpulse__window_metric(gcpulse__window *w, int metric, double t, double value) { (void)metric; (void)value; w->now = t; return 0; }
void gcpulse__window_advance(gcpulse__window *w, double t) { w->now = t; }
void gcpulse__window_set(gcpulse__window *w, int feature, double t, double value) { (void)w; (void)feature; (void)t; (void)value; }
int gcpulse__window_feature(const void *w, int feature, int stat, double *out) { (void)w; (void)feature; (void)stat; *out = 0; return GCPULSE_WHY_NO_DATA; }
int gcpulse__window_supports(int feature, int stat) { (void)feature; return stat == GCPULSE_STAT_VALUE; }
double gcpulse__window_now(const gcpulse__window *w) { return w->now; }

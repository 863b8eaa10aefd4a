//go:build cgo

/* bridge.c — trampolines from the C library's callbacks to the Go
 * package's exported functions, and small allocation helpers.
 *
 * The trampolines only convert the opaque user pointer back to the
 * integer handle and drop the const qualifier cgo cannot express; all
 * logic lives on the Go side. */
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "_cgo_export.h"

static int tr_event(void *user, const gcpulse_event_t *ev) {
  return gcpulseGoOnEvent((uintptr_t)user, (gcpulse_event_t *)(uintptr_t)ev);
}

static int tr_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  return gcpulseGoOnGogc((uintptr_t)user,
                         (gcpulse_gogc_decision_t *)(uintptr_t)d);
}

static int tr_action(void *user, const gcpulse_action_t *a) {
  return gcpulseGoOnAction((uintptr_t)user, (gcpulse_action_t *)(uintptr_t)a);
}

gcpulse_config_t *gp_config_new(void) {
  gcpulse_config_t *c = malloc(sizeof *c);
  if (c != NULL) gcpulse_config_init(c);
  return c;
}

void gp_config_free(gcpulse_config_t *cfg) { free(cfg); }

int gp_new(const gcpulse_config_t *cfg, uintptr_t handle, int want_event,
           int want_gogc, int want_action, gcpulse_t **out) {
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  if (want_event) cb.on_event = tr_event;
  if (want_gogc) cb.on_gogc = tr_gogc;
  if (want_action) cb.on_action = tr_action;
  cb.user = (void *)handle;
  return gcpulse_new(cfg, &cb, out);
}

void gp_config_set_custom(gcpulse_config_t *cfg, int i, const char *name) {
  if (i < 0 || i >= GCPULSE_CUSTOM_MAX) return;
  strncpy(cfg->custom_names[i], name, GCPULSE_NAME_MAX - 1);
  cfg->custom_names[i][GCPULSE_NAME_MAX - 1] = '\0';
}

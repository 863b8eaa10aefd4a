/* bridge.h — C helpers for the gcpulse Go package (implemented in
 * bridge.c).  The Go side never stores a Go pointer in C memory: the
 * callbacks' user pointer carries a runtime/cgo.Handle, an integer. */
#ifndef GCPULSE_GO_BRIDGE_H
#define GCPULSE_GO_BRIDGE_H

#include <stdint.h>
#include "gcpulse.h"

/* A heap-allocated configuration filled with the library defaults (the
 * struct is large: it holds the rule table).  NULL when out of memory. */
gcpulse_config_t *gp_config_new(void);
void gp_config_free(gcpulse_config_t *cfg);

/* gcpulse_new with callbacks that forward to the exported Go functions,
 * each enabled by its flag; HANDLE is passed back as the user value. */
int gp_new(const gcpulse_config_t *cfg, uintptr_t handle, int want_event,
           int want_gogc, int want_action, gcpulse_t **out);

/* Registers custom metric NAME in slot I of CFG (truncated to fit). */
void gp_config_set_custom(gcpulse_config_t *cfg, int i, const char *name);

#endif

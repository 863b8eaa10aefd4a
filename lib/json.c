/* json.c — STUB, replaced by the configuration loader (issues 2/7). */
#include "internal.h"
#include <jansson.h>
int gcpulse_config_load_json(gcpulse_config_t *cfg, const char *text, size_t len, gcpulse_error_t *err) {
  (void)cfg; (void)text; (void)len;
  return gcpulse__error(err, GCPULSE_EJSON, "", "not implemented yet");
}
long gcpulse_config_dump_json(const gcpulse_config_t *cfg, char *dst, size_t cap) {
  (void)cfg; (void)dst; (void)cap; return GCPULSE_EINVAL;
}

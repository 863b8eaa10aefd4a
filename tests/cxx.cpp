// cxx.cpp — gcpulse.h must compile as C++ (extern "C", no C-only syntax).
#include <gcpulse.h>

int cxx_uses_header();
int cxx_uses_header() {
  gcpulse_config_t *cfg = new gcpulse_config_t;
  gcpulse_config_init(cfg);
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  gcpulse_t *g = nullptr;
  int rc = gcpulse_new(cfg, &cb, &g);
  gcpulse_free(g);
  delete cfg;
  return rc + (int)GCPULSE_FEAT_PAUSE + (int)GCPULSE_REASON_COUNT;
}

/*
 * fuzz_config.c — JSON configuration loading, validation, instance
 * creation and the dump/load round trip.
 *
 * Byte 0 chooses the starting configuration (defaults, or a loaded one
 * with extra rules) and whether to exercise the instance; the rest is the
 * JSON text, passed with its exact length and no terminating NUL (ASan
 * catches a loader that reads past LEN).  Checked:
 *   - the loader returns 0, EJSON or ECONFIG; on error the configuration
 *     is unchanged and the error record is consistent and terminated;
 *   - a loaded configuration passes gcpulse_config_check and creates an
 *     instance, which then runs a short real trace with every payload
 *     checked against the fuzzed bounds (fuzz_common.h);
 *   - gcpulse_config_dump_json writes valid JSON with snprintf semantics
 *     and loads back to the identical configuration (dump(load(dump)) ==
 *     dump, and the structs compare equal);
 *   - the loader's allocations, all through cfg->alloc, are all freed;
 *     the dumper makes none.
 */
#include "fuzz_common.h"

static long js_allocs, js_frees;
static void *js_alloc(void *ud, void *ptr, size_t old_size, size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    if (ptr) js_frees++;
    free(ptr);
    return NULL;
  }
  if (ptr == NULL) js_allocs++;
  return realloc(ptr, new_size);
}

static const char trace[] =
    "gc 1 @0.019s 2%: 0.14+1.3+0.045 ms clock, 1.1+0.50/1.9/1.4+0.36 ms cpu, "
    "3->4->1 MB, 4 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
    "gc 2 @5.020s 2%: 0.10+1.1+0.040 ms clock, 1.0+0.40/1.8/1.2+0.30 ms cpu, "
    "4->5->2 MB, 5 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
    "gc 3 @12.5s 3%: 0.20+2.2+0.050 ms clock, 1.6+0.70/2.9/1.8+0.40 ms cpu, "
    "8->9->4 MB, 9 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
    "gc 4 @40.000s 3%: 3.20+2.2+0.050 ms clock, 1.6+0.70/2.9/1.8+0.40 ms cpu, "
    "80->90->40 MB, 90 MB goal, 0 MB stacks, 0 MB globals, 8 P\n"
    "gc 5 @75.000s 4%: 9.20+2.2+0.050 ms clock, 1.6+0.70/2.9/1.8+0.40 ms cpu, "
    "180->190->140 MB, 190 MB goal, 0 MB stacks, 0 MB globals, 8 P\n";

static void run_instance(const gcpulse_config_t *cfg) {
  fz_state s;
  gcpulse_t *g = fz_new(&s, cfg, NULL);
  FZ_CHECK(gcpulse_feed(g, trace, sizeof trace - 1) == 0, "feed");
  for (int i = 0; i < 20; i++) {
    FZ_CHECK(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 75.0 + i * 10,
                                 1000.0 * i) == 0,
             "metric");
    FZ_CHECK(gcpulse_tick(g, 80.0 + i * 10) == 0, "tick");
  }
  FZ_CHECK(gcpulse_finish(g) == 0, "finish");
  fz_check_instance(&s, g, 1);
  gcpulse_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in in = {data, size};
  unsigned b0 = fz_byte(&in);
  static gcpulse_config_t cfg, copy, back;
  gcpulse_error_t err;
  memset(&err, 0, sizeof err); /* the first error wins: start empty */
  gcpulse_config_init(&cfg);
  cfg.alloc = js_alloc;
  if (b0 & 1) {
    static const char base[] =
        "{\"window_s\": 120, \"panes\": 24, \"gogc\": {\"min\": 50}}";
    (void)gcpulse_config_load_json(&cfg, base, sizeof base - 1, NULL);
  }
  copy = cfg;
  js_allocs = js_frees = 0;
  const char *text = (const char *)in.p;
  int rc = gcpulse_config_load_json(&cfg, text, in.n, &err);
  FZ_CHECK(js_allocs == js_frees, "loader leak: %ld allocs, %ld frees",
           js_allocs, js_frees);
  FZ_CHECK(rc == 0 || rc == GCPULSE_EJSON || rc == GCPULSE_ECONFIG,
           "load returned %d", rc);
  if (rc != 0) {
    FZ_CHECK(memcmp(&cfg, &copy, sizeof cfg) == 0,
             "configuration changed by a failed load");
    FZ_CHECK(err.code == rc, "err.code %d != %d", err.code, rc);
    FZ_CHECK(memchr(err.text, '\0', sizeof err.text) != NULL, "err.text");
    FZ_CHECK(memchr(err.path, '\0', sizeof err.path) != NULL, "err.path");
    FZ_CHECK(err.line >= 0 && err.column >= 0, "err position");
    FZ_CHECK(err.text[0] != '\0', "error without text");
    /* the NULL error record is accepted too */
    FZ_CHECK(gcpulse_config_load_json(&cfg, text, in.n, NULL) == rc,
             "load with NULL err differs");
    return 0;
  }
  gcpulse_error_t err2;
  memset(&err2, 0, sizeof err2);
  int crc = gcpulse_config_check(&cfg, &err2);
  if (crc != 0)
    fz_fail("loaded config fails check: %d %s: %s", crc, err2.path, err2.text);

  /* dump with snprintf semantics, load back, dump again */
  long n = gcpulse_config_dump_json(&cfg, NULL, 0);
  FZ_CHECK(n > 0, "dump size %ld", n);
  char *d1 = malloc((size_t)n + 1), *d2 = malloc((size_t)n + 1);
  char small[8];
  FZ_CHECK(gcpulse_config_dump_json(&cfg, small, sizeof small) == n,
           "dump into small buffer");
  FZ_CHECK(strlen(small) == sizeof small - 1, "small dump not terminated");
  FZ_CHECK(gcpulse_config_dump_json(&cfg, d1, (size_t)n + 1) == n, "dump");
  fz_check_json("config_dump_json", d1, n, (size_t)n + 1);
  gcpulse_config_init(&back);
  back.alloc = js_alloc;
  memset(&err2, 0, sizeof err2);
  int brc = gcpulse_config_load_json(&back, d1, (size_t)n, &err2);
  if (brc != 0)
    fz_fail("dump does not load back: %d %s: %s\n%s", brc, err2.path,
            err2.text, d1);
  long n2 = gcpulse_config_dump_json(&back, d2, (size_t)n + 1);
  FZ_CHECK(n2 == n && memcmp(d1, d2, (size_t)n) == 0,
           "dump(load(dump)) differs:\n%s\n%s", d1, d2);
  FZ_CHECK(memcmp(&back, &cfg, sizeof cfg) == 0,
           "loaded-back configuration differs from the original:\n%s", d1);
  free(d1);
  free(d2);
  FZ_CHECK(js_allocs == js_frees, "loader leak in round trip");

  if (b0 & 2) run_instance(&cfg);
  return 0;
}

/*
 * fuzz_go_line.c — the Go gctrace/scavtrace parser through the public API
 * with format GO.
 *
 * Byte 0 chooses max_line and whether the controller runs; the rest is
 * split at '\n' and each piece goes to gcpulse_feed_line().  Checked:
 *   - every callback payload (fuzz_common.h);
 *   - each line counts exactly once and yields at most one event, which
 *     is a Go cycle or a scavenge attributed to the Go runtime;
 *   - a GC cycle's fields are sane (heap figures are whole MiB as the
 *     runtime prints them, goal and procs known together with the cycle);
 *   - feeding the same text through gcpulse_feed() gives the same events.
 */
#include "fuzz_common.h"

static int go_on_event(void *user, const gcpulse_event_t *ev) {
  FZ_CHECK(ev->runtime == GCPULSE_RT_GO, "runtime %d", ev->runtime);
  FZ_CHECK(ev->collector == GCPULSE_COLLECTOR_GO, "collector %d",
           ev->collector);
  FZ_CHECK(ev->kind == GCPULSE_KIND_GO_CYCLE ||
               ev->kind == GCPULSE_KIND_SCAVENGE,
           "kind %d", ev->kind);
  return fz_on_event(user, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const size_t max_lines[] = {256, 512, 4096, 65536};
  fz_in in = {data, size};
  unsigned b0 = fz_byte(&in);
  static gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  cfg.format = GCPULSE_FORMAT_GO;
  cfg.max_line = max_lines[b0 & 3];
  if (b0 & 4) cfg.gogc.mode = GCPULSE_GOGC_OFF;
  cfg.policy_enabled = !(b0 & 8);
  cfg.warmup_s = 0;

  fz_state a, b;
  gcpulse_t *ga = fz_new(&a, &cfg, go_on_event);
  gcpulse_t *gb = fz_new(&b, &cfg, go_on_event);

  const char *text = (const char *)in.p;
  size_t len = in.n;
  int has_cr = memchr(text, '\r', len) != NULL;
  size_t pos = 0;
  uint64_t nlines = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    uint64_t before = a.n_event;
    gcpulse_stats_t st;
    FZ_CHECK(gcpulse_feed_line(ga, text + pos, n) == 0, "feed_line");
    nlines++;
    gcpulse_stats(ga, &st);
    FZ_CHECK(st.lines == nlines, "line counted %llu times",
             (unsigned long long)(st.lines - nlines + 1));
    FZ_CHECK(a.n_event - before <= 1, "one line gave %llu events",
             (unsigned long long)(a.n_event - before));
    pos += n + (nl != NULL);
  }
  FZ_CHECK(gcpulse_finish(ga) == 0, "finish");
  fz_check_instance(&a, ga, 1);

  FZ_CHECK(gcpulse_feed(gb, text, len) == 0, "feed");
  FZ_CHECK(gcpulse_finish(gb) == 0, "finish");
  fz_check_instance(&b, gb, 0);
  if (!has_cr) {
    FZ_CHECK(a.n_event == b.n_event && a.ev_hash == b.ev_hash,
             "feed_line and feed disagree: %llu vs %llu events",
             (unsigned long long)a.n_event, (unsigned long long)b.n_event);
  }
  gcpulse_free(ga);
  gcpulse_free(gb);
  return 0;
}

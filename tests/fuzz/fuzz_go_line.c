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

static uint64_t fnv(uint64_t h, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211u;
  return h;
}

typedef struct go_state {
  fz_state fz;
  uint64_t h, n;
} go_state;

static int go_on_event(void *user, const gcpulse_event_t *ev) {
  go_state *s = user;
  FZ_CHECK(ev->runtime == GCPULSE_RT_GO, "runtime %d", ev->runtime);
  FZ_CHECK(ev->collector == GCPULSE_COLLECTOR_GO, "collector %d",
           ev->collector);
  FZ_CHECK(ev->kind == GCPULSE_KIND_GO_CYCLE ||
               ev->kind == GCPULSE_KIND_SCAVENGE,
           "kind %d", ev->kind);
  static char buf[4096];
  long n = gcpulse_event_to_json(ev, buf, sizeof buf);
  if (n > 0 && (size_t)n < sizeof buf) s->h = fnv(s->h, buf, (size_t)n);
  s->n++;
  return fz_on_event(&s->fz, ev);
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

  go_state a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  fz_state_init(&a.fz, &cfg);
  fz_state_init(&b.fz, &cfg);
  gcpulse_callbacks_t cba, cbb;
  fz_callbacks(&cba, &a.fz);
  cba.on_event = go_on_event;
  cba.user = &a;
  fz_callbacks(&cbb, &b.fz);
  cbb.on_event = go_on_event;
  cbb.user = &b;
  gcpulse_t *ga = NULL, *gb = NULL;
  FZ_CHECK(gcpulse_new(&cfg, &cba, &ga) == 0, "new");
  FZ_CHECK(gcpulse_new(&cfg, &cbb, &gb) == 0, "new");
  a.fz.g = ga;
  b.fz.g = gb;

  const char *text = (const char *)in.p;
  size_t len = in.n;
  int has_cr = memchr(text, '\r', len) != NULL;
  size_t pos = 0;
  uint64_t nlines = 0;
  while (pos < len) {
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
    uint64_t before = a.n;
    gcpulse_stats_t st;
    FZ_CHECK(gcpulse_feed_line(ga, text + pos, n) == 0, "feed_line");
    nlines++;
    gcpulse_stats(ga, &st);
    FZ_CHECK(st.lines == nlines, "line counted %llu times",
             (unsigned long long)(st.lines - nlines + 1));
    FZ_CHECK(a.n - before <= 1, "one line gave %llu events",
             (unsigned long long)(a.n - before));
    pos += n + (nl != NULL);
  }
  FZ_CHECK(gcpulse_finish(ga) == 0, "finish");
  fz_check_instance(&a.fz, ga);

  FZ_CHECK(gcpulse_feed(gb, text, len) == 0, "feed");
  FZ_CHECK(gcpulse_finish(gb) == 0, "finish");
  fz_check_instance(&b.fz, gb);
  if (!has_cr) {
    FZ_CHECK(a.n == b.n && a.h == b.h,
             "feed_line and feed disagree: %llu vs %llu events",
             (unsigned long long)a.n, (unsigned long long)b.n);
  }
  gcpulse_free(ga);
  gcpulse_free(gb);
  return 0;
}

/*
 * fuzz_jvm.c — the JVM parser (unified logging and JDK 8 records) fed in
 * random chunks, with format JVM.
 *
 * Byte 0 chooses max_line and the size of the open GC-id table, byte 1
 * seeds the chunk sizes.  Checked:
 *   - every callback payload (fuzz_common.h), JVM runtime, no Go kinds;
 *   - the same text fed whole gives the same events (as JSON) and the
 *     same line counters, whatever the chunking;
 *   - gcpulse_finish closes everything: a second finish emits nothing;
 *   - nothing allocates after gcpulse_new, whatever the open-event load.
 */
#include "fuzz_common.h"

static int jvm_on_event(void *user, const gcpulse_event_t *ev) {
  FZ_CHECK(ev->runtime == GCPULSE_RT_JVM, "runtime %d", ev->runtime);
  FZ_CHECK(ev->collector != GCPULSE_COLLECTOR_GO, "Go collector");
  FZ_CHECK(ev->kind != GCPULSE_KIND_GO_CYCLE &&
               ev->kind != GCPULSE_KIND_SCAVENGE,
           "Go kind %d", ev->kind);
  return fz_on_event(user, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const size_t max_lines[] = {256, 1024, 4096, 300};
  static const int open_ev[] = {64, 1, 2, 5};
  fz_in in = {data, size};
  unsigned b0 = fz_byte(&in), b1 = fz_byte(&in);
  static gcpulse_config_t cfg;
  gcpulse_config_init(&cfg);
  cfg.format = GCPULSE_FORMAT_JVM;
  cfg.max_line = max_lines[b0 & 3];
  cfg.jvm_open_events = open_ev[(b0 >> 2) & 3];
  if (b0 & 16) cfg.gogc.mode = GCPULSE_GOGC_OFF;
  cfg.policy_enabled = !(b0 & 32);

  fz_alloc al;
  memset(&al, 0, sizeof al);
  cfg.alloc = fz_alloc_fn;
  cfg.alloc_ud = &al;

  fz_state a, b;
  gcpulse_t *ga = fz_new(&a, &cfg, jvm_on_event);
  long allocs = al.allocs;
  gcpulse_t *gb = fz_new(&b, &cfg, jvm_on_event);

  const char *text = (const char *)in.p;
  size_t len = in.n, pos = 0;
  uint64_t x = (uint64_t)b1 * 2654435761u + 7;
  while (pos < len) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    size_t n = (b1 & 1) ? 1 + (size_t)(x % 4) : 1 + (size_t)(x % 300);
    if (n > len - pos) n = len - pos;
    FZ_CHECK(gcpulse_feed(ga, text + pos, n) == 0, "feed");
    pos += n;
  }
  FZ_CHECK(gcpulse_finish(ga) == 0, "finish");
  uint64_t after_finish = a.n_event;
  FZ_CHECK(gcpulse_finish(ga) == 0, "finish again");
  FZ_CHECK(a.n_event == after_finish, "second finish emitted events");
  fz_check_instance(&a, ga, 1);

  FZ_CHECK(gcpulse_feed(gb, text, len) == 0, "feed whole");
  FZ_CHECK(gcpulse_finish(gb) == 0, "finish whole");
  fz_check_instance(&b, gb, 0);

  gcpulse_stats_t sa, sb;
  gcpulse_stats(ga, &sa);
  gcpulse_stats(gb, &sb);
  uint64_t want = fz_count_lines(in.p, len);
  FZ_CHECK(sa.lines == want && sb.lines == want, "lines %llu/%llu want %llu",
           (unsigned long long)sa.lines, (unsigned long long)sb.lines,
           (unsigned long long)want);
  FZ_CHECK(a.n_event == b.n_event && a.ev_hash == b.ev_hash,
           "chunking changed the events: %llu vs %llu",
           (unsigned long long)a.n_event, (unsigned long long)b.n_event);
  FZ_CHECK(sa.skipped == sb.skipped, "chunking changed skipped");
  for (int r = GCPULSE_REASON_BLANK; r <= GCPULSE_REASON_INCOMPLETE; r++)
    FZ_CHECK(sa.by_reason[r] == sb.by_reason[r], "chunking changed %s: "
             "%llu vs %llu", gcpulse_reason_name(r),
             (unsigned long long)sa.by_reason[r],
             (unsigned long long)sb.by_reason[r]);
  FZ_CHECK(sa.collector == sb.collector, "collector differs");

  FZ_CHECK(al.allocs == allocs + 1 && al.reallocs == 0,
           "allocation after gcpulse_new");
  gcpulse_free(ga);
  gcpulse_free(gb);
  FZ_CHECK(al.live == 0, "leak");
  return 0;
}

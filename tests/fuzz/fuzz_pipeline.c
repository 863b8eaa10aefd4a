/*
 * fuzz_pipeline.c — the whole gcpulse_feed pipeline with the window, the
 * GOGC controller and the policy table active.
 *
 * The first 8 input bytes choose the configuration (format, max_line,
 * window and panes, GOGC mode and limits, policy switches, dry-run), how
 * the rest is chunked, and whether caller metrics and ticks are mixed in.
 * The rest is the log text.  Checked on every input:
 *   - every callback payload (fuzz_common.h);
 *   - stats.lines equals the line count computed independently here;
 *   - stats.bytes equals the bytes fed;
 *   - nothing is allocated after gcpulse_new, the block is freed whole;
 *   - the same text fed whole into a second instance yields the same
 *     events (compared as JSON) and the same line diagnostics;
 *   - after a callback abort the instance still works.
 */
#include "fuzz_common.h"

#include <stddef.h>

static void choose_config(gcpulse_config_t *cfg, fz_in *in) {
  static const size_t max_lines[] = {256, 300, 1024, 4096};
  static const int open_ev[] = {1, 2, 8, 64};
  static const double windows[] = {1, 10, 60, 600};
  static const int panes[] = {2, 3, 12, 64};
  static const double limits[] = {0, 64.0 * 1048576, 1073741824.0, 1e15};
  static const double initial[] = {100, 25, 500, -1, 50, 300, 101, 499};
  static const double mins[] = {25, 10, 50, 100};
  static const double maxs[] = {500, 200, 1000, 150};
  static const double slew[] = {0.25, 0.5, 0.1, 1.0};
  static const double periods[] = {10, 1, 0.5, 60};
  unsigned b0 = fz_byte(in), b1 = fz_byte(in), b2 = fz_byte(in),
           b3 = fz_byte(in), b4 = fz_byte(in);
  gcpulse_config_init(cfg);
  cfg->format = (int)(b0 % 3);
  cfg->max_line = max_lines[b1 & 3];
  cfg->jvm_open_events = open_ev[(b1 >> 2) & 3];
  cfg->custom_metrics = (int)((b1 >> 4) % 9);
  cfg->window_s = windows[b2 & 3];
  cfg->panes = panes[(b2 >> 2) & 3];
  cfg->memory_limit = limits[(b2 >> 4) & 3];
  cfg->policy_enabled = !((b2 >> 6) & 1);
  cfg->policy_defaults = !((b2 >> 7) & 1);
  cfg->gogc.mode = (int)(b3 % GCPULSE_GOGC_MODE_COUNT);
  cfg->gogc.initial = initial[(b3 >> 3) & 7];
  cfg->gogc.min = mins[b4 & 3];
  cfg->gogc.max = maxs[(b4 >> 2) & 3];
  cfg->gogc.slew_up = slew[(b4 >> 4) & 3];
  cfg->gogc.slew_down = slew[(b4 >> 6) & 3] > 0.9 ? 0.9 : slew[(b4 >> 6) & 3];
  cfg->gogc.period_s = periods[(b3 >> 6) & 3];
  if (cfg->gogc.initial >= 0 && (cfg->gogc.initial < cfg->gogc.min ||
                                 cfg->gogc.initial > cfg->gogc.max))
    cfg->gogc.initial = cfg->gogc.min;
  unsigned b5 = fz_byte(in);
  cfg->dry_run = b5 & 1;
  cfg->explain_suppressed = (b5 >> 1) & 1;
  cfg->warmup_s = (b5 >> 2) & 1 ? 0 : 30;
  cfg->settle_s = (b5 >> 3) & 1 ? 1 : 15;
  cfg->policy_period_s = (b5 >> 4) & 1 ? 1 : 5;
  cfg->escalate_cooldown_s = (b5 >> 5) & 1 ? 0 : 60;
  cfg->deescalate_stabilization_s = (b5 >> 6) & 1 ? 10 : 300;
  gcpulse_config_t *def = malloc(sizeof *def);
  gcpulse_config_init(def);
  /* fall back step by step until the configuration is valid */
  if (gcpulse_config_check(cfg, NULL) != 0) {
    int mode = cfg->gogc.mode;
    cfg->gogc = def->gogc;
    cfg->gogc.mode = mode;
  }
  if (gcpulse_config_check(cfg, NULL) != 0) {
    int fmt = cfg->format;
    size_t ml = cfg->max_line;
    *cfg = *def;
    cfg->format = fmt;
    cfg->max_line = ml;
  }
  free(def);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in in = {data, size};
  static gcpulse_config_t cfg;
  choose_config(&cfg, &in);
  unsigned b6 = fz_byte(&in), b7 = fz_byte(&in);
  int chunk_mode = b6 & 3;
  int want_diff = (b6 >> 2) & 1;
  int reenter = (b6 >> 3) & 1;
  int do_abort = (b6 >> 4) & 1;
  int inject_metrics = b7 & 1, inject_ticks = (b7 >> 1) & 1;
  int inject_events = (b7 >> 2) & 1, mid_reset = (b7 >> 3) & 1;
  uint64_t seed = (uint64_t)b7 * 2654435761u + 1;

  fz_alloc al;
  memset(&al, 0, sizeof al);
  cfg.alloc = fz_alloc_fn;
  cfg.alloc_ud = &al;
  fz_state ms;
  gcpulse_t *g = fz_new(&ms, &cfg, NULL);
  ms.reenter = reenter;
  if (do_abort) ms.abort_at = (int)(b6 >> 5) * 7;
  int rc;
  long allocs = al.allocs;
  long long live = al.live;
  FZ_CHECK((size_t)live == gcpulse_footprint(&cfg), "footprint");

  const char *text = (const char *)in.p;
  size_t len = in.n, pos = 0;
  uint64_t fed = 0;
  int aborted_rc = 0;
  size_t reset_at = mid_reset ? len / 2 : (size_t)-1;
  unsigned n_chunks = 0;
  while (pos < len) {
    size_t n;
    switch (chunk_mode) {
    case 0: n = len - pos; break;
    case 1: n = 1 + (size_t)(seed % 3); break;
    default: n = 1 + (size_t)(seed % 600); break;
    }
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    if (n > len - pos) n = len - pos;
    if (pos < reset_at && pos + n > reset_at) n = reset_at - pos;
    rc = gcpulse_feed(g, text + pos, n);
    fed += n;
    if (rc == GCPULSE_ECALLBACK) {
      FZ_CHECK(ms.aborted, "ECALLBACK without an abort");
      aborted_rc = 1;
      ms.abort_at = -1;
    } else if (rc != 0) {
      fz_fail("gcpulse_feed returned %d", rc);
    }
    pos += n;
    if (pos == reset_at) {
      FZ_CHECK(gcpulse_reset(g) == 0, "reset");
      gcpulse_stats_t st;
      gcpulse_stats(g, &st);
      FZ_CHECK(st.lines == 0 && st.events == 0 && st.bytes == 0,
               "stats survive reset");
      FZ_CHECK(gcpulse_gogc_current(g) == cfg.gogc.initial, "reset GOGC");
      fz_state_init(&ms, &cfg);
      ms.g = g;
      ms.reenter = reenter;
      fed = 0;
      aborted_rc = 1; /* line counting restarts mid-stream */
    }
    /* with 1-3 byte chunks, mix in caller input every 16th chunk only
     * (keeps an input well under a second in the instrumented build) */
    if (chunk_mode == 1 && (++n_chunks & 15) != 0) continue;
    double t = ms.last_t;
    unsigned v = pos < len ? (unsigned char)text[pos] : 7;
    if (inject_metrics) {
      rc = gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, t, v * 37.0);
      if (rc == GCPULSE_ECALLBACK) { aborted_rc = 1; ms.abort_at = -1; }
      else FZ_CHECK(rc == 0, "feed_metric %d", rc);
      rc = gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, t, v * 1048576.0 * 3);
      if (rc == GCPULSE_ECALLBACK) { aborted_rc = 1; ms.abort_at = -1; }
      else FZ_CHECK(rc == 0, "feed_metric %d", rc);
      /* rejected values are rejected cleanly */
      FZ_CHECK(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, t, NAN) ==
                   GCPULSE_EINVAL || ms.aborted,
               "NaN metric accepted");
    }
    if (inject_ticks) {
      rc = gcpulse_tick(g, t + (v % 16));
      if (rc == GCPULSE_ECALLBACK) { aborted_rc = 1; ms.abort_at = -1; }
      else FZ_CHECK(rc == 0, "tick %d", rc);
    }
    if (inject_events) {
      gcpulse_event_t ev;
      gcpulse_event_init(&ev);
      ev.runtime = GCPULSE_RT_GO;
      ev.collector = GCPULSE_COLLECTOR_GO;
      ev.kind = GCPULSE_KIND_GO_CYCLE;
      ev.t = t + 0.001 * v;
      ev.pause_ms = v / 10.0;
      ev.heap_before = (uint64_t)v << 20;
      ev.heap_after = (uint64_t)v << 19;
      ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) |
                 GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
                 GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
                 GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER);
      rc = gcpulse_feed_event(g, &ev);
      if (rc == GCPULSE_ECALLBACK) { aborted_rc = 1; ms.abort_at = -1; }
      else FZ_CHECK(rc == 0, "feed_event %d", rc);
    }
  }
  rc = gcpulse_finish(g);
  if (rc == GCPULSE_ECALLBACK) aborted_rc = 1;
  else FZ_CHECK(rc == 0, "finish %d", rc);
  FZ_CHECK(al.allocs == allocs && al.reallocs == 0 && al.live == live,
           "allocation after gcpulse_new");

  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  if (!aborted_rc && !ms.aborted) {
    fz_check_instance(&ms, g, 1);
    FZ_CHECK(st.bytes == fed, "bytes %llu != fed %llu",
             (unsigned long long)st.bytes, (unsigned long long)fed);
    uint64_t want = fz_count_lines((const uint8_t *)text, len);
    FZ_CHECK(st.lines == want, "lines %llu, the text has %llu",
             (unsigned long long)st.lines, (unsigned long long)want);
  }

  if (want_diff && !aborted_rc && !ms.aborted && !inject_events) {
    fz_state ds;
    gcpulse_t *g2 = fz_new(&ds, &cfg, NULL);
    FZ_CHECK(gcpulse_feed(g2, text, len) == 0, "whole feed");
    FZ_CHECK(gcpulse_finish(g2) == 0, "whole finish");
    gcpulse_stats_t st2;
    gcpulse_stats(g2, &st2);
    FZ_CHECK(st2.lines == st.lines && st2.skipped == st.skipped,
             "chunking changed lines/skipped");
    FZ_CHECK(ds.n_event == ms.n_event && ds.ev_hash == ms.ev_hash,
             "chunking changed the events (%llu vs %llu)",
             (unsigned long long)ms.n_event, (unsigned long long)ds.n_event);
    static const int line_reasons[] = {
        GCPULSE_REASON_BLANK,    GCPULSE_REASON_FOREIGN,
        GCPULSE_REASON_TOO_LONG, GCPULSE_REASON_BINARY,
        GCPULSE_REASON_GO_INFO,  GCPULSE_REASON_JVM_INFO,
        GCPULSE_REASON_MALFORMED, GCPULSE_REASON_TRUNCATED,
        GCPULSE_REASON_OVERFLOW};
    for (size_t i = 0; i < sizeof line_reasons / sizeof line_reasons[0]; i++)
      FZ_CHECK(st2.by_reason[line_reasons[i]] == st.by_reason[line_reasons[i]],
               "chunking changed reason %s",
               gcpulse_reason_name(line_reasons[i]));
    gcpulse_free(g2);
  }

  /* the instance still works after everything above */
  FZ_CHECK(gcpulse_feed(g, "\n", 1) == 0 || ms.abort_at >= 0, "alive");
  gcpulse_free(g);
  FZ_CHECK(al.live == 0 && al.frees == al.allocs, "instance leaked");
  return 0;
}

/* test_badinput.c — the bad-input table (issue 9).  Each row is a test:
 * the bad input sits between good trace lines taken from the real corpus,
 * and the row asserts that it was counted as a diagnostic and that the
 * good events around it came through intact (exact count and values).
 * Every row runs twice: the text fed whole and in random chunks.
 *
 * Rows that need a module which is not there yet (a stub) skip with a
 * message instead of failing; they become live as the module lands. */
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

/* Line K (0-based) of corpus file REL, malloc'd, without newline; NULL if
 * the corpus is absent. */
static char *corpus_line(const char *rel, int k) {
  const char *p = tu_corpus(rel);
  if (p == NULL) return NULL;
  size_t len;
  char *all = tu_read_file(p, &len);
  if (all == NULL) return NULL;
  char *s = all;
  for (int i = 0; i < k && s; i++) {
    s = strchr(s, '\n');
    if (s) s++;
  }
  char *out = NULL;
  if (s) {
    size_t n = strcspn(s, "\r\n");
    out = malloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
  }
  free(all);
  return out;
}

typedef struct run {
  tu_sink s;
  gcpulse_stats_t st;
  int rc;
} run;

/* Feed TEXT (LEN bytes) to a fresh instance of FORMAT (mode: 0 whole, 2
 * random chunks), finish, keep events and stats.  CFG may be NULL. */
static void run_text(run *r, const gcpulse_config_t *base, int format,
                     const char *text, size_t len, int mode) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  if (base)
    *cfg = *base;
  else
    gcpulse_config_init(cfg);
  cfg->format = format;
  gcpulse_callbacks_t cb;
  tu_sink_init(&r->s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  r->rc = tu_feed_chunks(g, text, len, mode, 12345u);
  gcpulse_stats(g, &r->st);
  gcpulse_free(g);
  free(cfg);
}

static size_t line_diags(const gcpulse_stats_t *st) {
  return (size_t)(st->by_reason[GCPULSE_REASON_FOREIGN] +
                  st->by_reason[GCPULSE_REASON_TOO_LONG] +
                  st->by_reason[GCPULSE_REASON_BINARY] +
                  st->by_reason[GCPULSE_REASON_MALFORMED] +
                  st->by_reason[GCPULSE_REASON_TRUNCATED] +
                  st->by_reason[GCPULSE_REASON_OVERFLOW] +
                  st->by_reason[GCPULSE_REASON_JVM_UNKNOWN]);
}

/* Go: the first three gc lines of a real Go 1.19 trace. */
typedef struct go_lines {
  char *l[3];
} go_lines;

#define GO_FILE "tests/data/go/go1.19-gogc50-2p.log"

static int go_lines_get(go_lines *g) {
  for (int i = 0; i < 3; i++) g->l[i] = corpus_line(GO_FILE, i);
  return g->l[0] && g->l[1] && g->l[2];
}
static void go_lines_free(go_lines *g) {
  for (int i = 0; i < 3; i++) free(g->l[i]);
}

/* Skip unless the Go parser turns the real line into an event. */
static void require_go_parser(const char *line) {
  run r;
  run_text(&r, NULL, GCPULSE_FORMAT_GO, line, strlen(line), 0);
  size_t n = r.s.n_ev;
  tu_sink_free(&r.s);
  if (n != 1) {
    print_message("Go parser not available yet: row skipped\n");
    skip();
  }
}

/* The two good Go events: gc 1 (1->2->1 MB, 2 MB goal, 2 P) and gc 2
 * (2->3->3 MB, 3 MB goal) of tests/data/go/go1.19-gogc50-2p.log. */
static void assert_go_pair(const run *r, size_t i0) {
  assert_true(r->s.n_ev >= i0 + 2);
  const gcpulse_event_t *a = &r->s.ev[i0], *b = &r->s.ev[i0 + 1];
  assert_int_equal(a->kind, GCPULSE_KIND_GO_CYCLE);
  assert_int_equal(a->seq, 1);
  assert_int_equal(a->heap_before, 1u << 20);
  assert_int_equal(a->heap_goal, 2u << 20);
  assert_int_equal(a->procs, 2);
  assert_int_equal(b->seq, 2);
  assert_int_equal(b->heap_before, 2u << 20);
  assert_int_equal(b->heap_after, 3u << 20);
  assert_int_equal(b->heap_goal, 3u << 20);
}

/* Run "good1 \n BAD \n good2 \n" whole and chunked; assert exactly the two
 * good events and at least one diagnostic of one of REASONS (a -1
 * terminated list), returning the whole-feed run's stats in *ST. */
static void go_row(const char *bad, size_t bad_len, const int *reasons,
                   gcpulse_stats_t *st_out) {
  go_lines gl;
  if (!go_lines_get(&gl)) {
    go_lines_free(&gl);
    print_message("corpus file %s not found: skipped\n", GO_FILE);
    skip();
  }
  require_go_parser(gl.l[0]);
  size_t a = strlen(gl.l[0]), b = strlen(gl.l[1]);
  size_t len = a + 1 + bad_len + 1 + b + 1;
  char *text = malloc(len);
  memcpy(text, gl.l[0], a);
  text[a] = '\n';
  memcpy(text + a + 1, bad, bad_len);
  text[a + 1 + bad_len] = '\n';
  memcpy(text + a + 2 + bad_len, gl.l[1], b);
  text[len - 1] = '\n';
  for (int mode = 0; mode <= 2; mode += 2) {
    run r;
    run_text(&r, NULL, GCPULSE_FORMAT_GO, text, len, mode);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.s.n_ev, 2);
    assert_go_pair(&r, 0);
    uint64_t hit = 0;
    for (const int *p = reasons; *p >= 0; p++) hit += r.st.by_reason[*p];
    if (hit == 0) {
      fprintf(stderr, "bad input not diagnosed as expected; reasons seen:");
      for (int k = 1; k < GCPULSE_REASON_COUNT; k++)
        if (r.st.by_reason[k])
          fprintf(stderr, " %s=%llu", gcpulse_reason_name(k),
                  (unsigned long long)r.st.by_reason[k]);
      fprintf(stderr, "\n");
    }
    assert_true(hit >= 1);
    assert_int_equal(r.s.n_diag, r.st.diags);
    if (mode == 0 && st_out) *st_out = r.st;
    tu_sink_free(&r.s);
  }
  free(text);
  go_lines_free(&gl);
}

#define REASONS(...) ((const int[]){__VA_ARGS__, -1})
#define MALFORMED_ANY                                                         \
  GCPULSE_REASON_MALFORMED, GCPULSE_REASON_OVERFLOW,                          \
      GCPULSE_REASON_TRUNCATED, GCPULSE_REASON_FOREIGN

/* ---------------------------------------------------------------------
 * Rows: byte-level input
 * --------------------------------------------------------------------- */

/* A 10 MB line with no newline, fed in 64 KiB chunks, between good lines;
 * and the same at end of stream.  Memory stays bounded (the counting
 * allocator sees nothing after creation). */
static void row_line_10mb(void **state) {
  (void)state;
  go_lines gl;
  if (!go_lines_get(&gl)) {
    go_lines_free(&gl);
    skip();
  }
  require_go_parser(gl.l[0]);
  size_t big = 10u << 20;
  char *junk = malloc(big);
  memset(junk, 'g', big);
  memcpy(junk, "gc 3 @0.5s ", 11); /* looks like a gc line: still too long */
  tu_alloc al;
  tu_alloc_init(&al);
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->format = GCPULSE_FORMAT_GO;
  cfg->alloc = tu_alloc_fn;
  cfg->alloc_ud = &al;
  tu_sink s;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(cfg, &cb, &g), 0);
  long long live = al.live_bytes;
  assert_int_equal(gcpulse_feed(g, gl.l[0], strlen(gl.l[0])), 0);
  assert_int_equal(gcpulse_feed(g, "\n", 1), 0);
  for (size_t i = 0; i < big; i += 65536)
    assert_int_equal(gcpulse_feed(g, junk + i, 65536), 0);
  assert_int_equal(gcpulse_feed(g, "\n", 1), 0);
  assert_int_equal(gcpulse_feed(g, gl.l[1], strlen(gl.l[1])), 0);
  assert_int_equal(gcpulse_feed(g, "\n", 1), 0);
  /* and a 10 MB tail without newline at end of stream */
  for (size_t i = 0; i < big; i += 65536)
    assert_int_equal(gcpulse_feed(g, junk + i, 65536), 0);
  assert_int_equal(gcpulse_finish(g), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(s.n_ev, 2);
  assert_int_equal(s.ev[0].seq, 1);
  assert_int_equal(s.ev[1].seq, 2);
  assert_int_equal(st.by_reason[GCPULSE_REASON_TOO_LONG], 2);
  assert_int_equal(st.lines, 4);
  assert_int_equal(st.bytes, 2 * big + strlen(gl.l[0]) + strlen(gl.l[1]) + 3);
  assert_int_equal(al.live_bytes, live);
  assert_int_equal(al.allocs, 1);
  gcpulse_free(g);
  assert_int_equal(al.live_bytes, 0);
  tu_sink_free(&s);
  free(cfg);
  free(junk);
  go_lines_free(&gl);
}

static void row_nul_bytes(void **state) {
  (void)state;
  static const char bad[] = "gc 3 @0.002s 10%: 0.01+0.1\0+0.02 ms clock";
  gcpulse_stats_t st;
  go_row(bad, sizeof bad - 1, REASONS(GCPULSE_REASON_BINARY), &st);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BINARY], 1);
}

static void row_invalid_utf8(void **state) {
  (void)state;
  static const char bad[] = "\xff\xfe\xc3\x28 gc \xe2\x82 @\xf0\x28\x8c\xbc";
  go_row(bad, sizeof bad - 1, REASONS(MALFORMED_ANY, GCPULSE_REASON_BINARY),
         NULL);
}

/* 30-digit integers and 1e999 in every numeric position of a real line. */
static void row_number_overflow(void **state) {
  (void)state;
  static const char *bad[] = {
      "gc 123456789012345678901234567890 @0.002s 10%: 0.007+0.088+0.025 ms "
      "clock, 0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 "
      "MB stacks, 0 MB globals, 2 P",
      "gc 3 @123456789012345678901234567890.000s 10%: 0.007+0.088+0.025 ms "
      "clock, 0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 "
      "MB stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, "
      "123456789012345678901234567890->4->4 MB, 4 MB goal, 0 MB stacks, 0 MB "
      "globals, 2 P",
      "gc 3 @0.002s 10%: 1e999+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, "
      "99999999999999999999 MB goal, 0 MB stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 123456789012345678901234567890 P",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    gcpulse_stats_t st;
    go_row(bad[i], strlen(bad[i]), REASONS(MALFORMED_ANY), &st);
    if (st.by_reason[GCPULSE_REASON_OVERFLOW] == 0)
      print_message("row %zu: diagnosed but not as overflow\n", i);
  }
}

static void row_negative_values(void **state) {
  (void)state;
  static const char *bad[] = {
      "gc 3 @-0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: -0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, -4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, -4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    go_row(bad[i], strlen(bad[i]), REASONS(MALFORMED_ANY), NULL);
}

static void row_nan_inf_text(void **state) {
  (void)state;
  static const char *bad[] = {
      "gc 3 @nans 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: NaN+0.088+inf ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, inf->4->4 MB, INF MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    go_row(bad[i], strlen(bad[i]), REASONS(MALFORMED_ANY), NULL);
}

/* A truncated line (the corpus file itself ends with one). */
static void row_truncated_line(void **state) {
  (void)state;
  static const char bad[] =
      "gc 296 @1.260s 0%: 0+0+0 ms clock, 0+0/0/0+0 ms cpu, 1";
  go_row(bad, sizeof bad - 1, REASONS(MALFORMED_ANY), NULL);
}

/* Interleaved half-lines from two writers: writer A's half line, writer
 * B's whole line, the rest of A's line.  The good lines before and after
 * still give their events; the spliced text is diagnosed. */
static void row_interleaved_writers(void **state) {
  (void)state;
  go_lines gl;
  if (!go_lines_get(&gl)) {
    go_lines_free(&gl);
    skip();
  }
  require_go_parser(gl.l[0]);
  /* before = gc 1, spliced = half of gc 3 + something foreign, after = gc 2 */
  char bad[1024];
  const char *c = gl.l[2];
  size_t half = strlen(c) / 2;
  snprintf(bad, sizeof bad, "%.*sserver: GET /health 200 1.2ms\n%s", (int)half,
           c, c + half);
  go_row(bad, strlen(bad), REASONS(MALFORMED_ANY), NULL);
  go_lines_free(&gl);
}

/* CRLF and lone CR endings are not errors: every line parses. */
static void row_crlf_and_cr(void **state) {
  (void)state;
  go_lines gl;
  if (!go_lines_get(&gl)) {
    go_lines_free(&gl);
    skip();
  }
  require_go_parser(gl.l[0]);
  char text[2048];
  snprintf(text, sizeof text, "%s\r\n%s\r%s\r\n", gl.l[0], gl.l[1], gl.l[2]);
  for (int mode = 0; mode <= 2; mode++) {
    run r;
    run_text(&r, NULL, GCPULSE_FORMAT_GO, text, strlen(text), mode);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.s.n_ev, 3);
    assert_go_pair(&r, 0);
    assert_int_equal(r.s.ev[2].seq, 3);
    assert_int_equal(r.st.lines, 3);
    assert_int_equal(line_diags(&r.st), 0);
    tu_sink_free(&r.s);
  }
  go_lines_free(&gl);
}

static void row_empty_input(void **state) {
  (void)state;
  gcpulse_t *g = NULL;
  tu_sink s;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  assert_int_equal(gcpulse_new(NULL, &cb, &g), 0);
  assert_int_equal(gcpulse_feed(g, NULL, 0), 0);
  assert_int_equal(gcpulse_feed(g, "", 0), 0);
  assert_int_equal(gcpulse_feed(g, NULL, 1), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_finish(g), 0);
  assert_int_equal(gcpulse_finish(g), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.lines, 0);
  assert_int_equal(st.bytes, 0);
  assert_int_equal(st.diags, 0);
  assert_int_equal(s.n_ev, 0);
  /* empty lines are blank, each counted */
  assert_int_equal(gcpulse_feed(g, "\n\n \t\n", 5), 0);
  assert_int_equal(gcpulse_feed_line(g, "", 0), 0);
  gcpulse_stats(g, &st);
  assert_int_equal(st.lines, 4);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BLANK], 4);
  assert_int_equal(st.skipped, 4);
  gcpulse_free(g);
  tu_sink_free(&s);
}

static uint64_t xs(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* 64 KiB of random bytes (a binary file) between good lines. */
static void row_binary_file(void **state) {
  (void)state;
  size_t n = 65536;
  char *bin = malloc(n);
  uint64_t x = 88172645463325252u;
  for (size_t i = 0; i < n; i++) {
    bin[i] = (char)(xs(&x) & 0xff);
    if (bin[i] == 'g') bin[i] = 'G'; /* no accidental "gc N @" */
  }
  gcpulse_stats_t st;
  go_row(bin, n, REASONS(MALFORMED_ANY, GCPULSE_REASON_BINARY,
                         GCPULSE_REASON_TOO_LONG),
         &st);
  /* every line except the two good ones was skipped and diagnosed */
  assert_int_equal(st.skipped, st.lines - 2);
  assert_int_equal(line_diags(&st) + st.by_reason[GCPULSE_REASON_BLANK],
                   st.lines - 2);
  free(bin);
}

/* Random printable garbage lines between every line of a whole real
 * file: the events are exactly those of the clean file. */
static void garbage_between(const char *rel, int format) {
  TU_CORPUS_OR_SKIP(path, rel);
  size_t len;
  char *clean = tu_read_file(path, &len);
  run a;
  run_text(&a, NULL, format, clean, len, 0);
  if (a.s.n_ev == 0) {
    tu_sink_free(&a.s);
    free(clean);
    print_message("parser for %s not available yet: skipped\n", rel);
    skip();
  }
  char *dirty = malloc(len * 2 + 200000);
  size_t o = 0, garbage = 0;
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (size_t i = 0; i < len; i++) {
    dirty[o++] = clean[i];
    if (clean[i] == '\n' && o < len * 2) {
      size_t k = 1 + xs(&x) % 60;
      for (size_t j = 0; j < k; j++) {
        char c = (char)(' ' + xs(&x) % 95);
        /* keep it clearly foreign: no digits, brackets or colons */
        if ((c >= '0' && c <= '9') || c == '[' || c == ']' || c == ':' ||
            c == '(' || c == ')' || c == '@' || c == '#')
          c = 'q';
        dirty[o++] = c;
      }
      dirty[o++] = '\n';
      garbage++;
    }
  }
  run b;
  run_text(&b, NULL, format, dirty, o, 2);
  assert_int_equal(b.rc, 0);
  assert_int_equal(b.s.n_ev, a.s.n_ev);
  size_t n = a.s.n_ev < TU_MAX_EVENTS ? a.s.n_ev : TU_MAX_EVENTS;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(b.s.ev[i].seq, a.s.ev[i].seq);
    assert_true(b.s.ev[i].t == a.s.ev[i].t);
    assert_true(b.s.ev[i].pause_ms == a.s.ev[i].pause_ms);
    assert_int_equal(b.s.ev[i].heap_after, a.s.ev[i].heap_after);
  }
  assert_int_equal(b.st.lines, a.st.lines + garbage);
  assert_true(b.st.diags >= a.st.diags + garbage);
  assert_int_equal(b.st.skipped, a.st.skipped + garbage);
  tu_sink_free(&a.s);
  tu_sink_free(&b.s);
  free(dirty);
  free(clean);
}

static void row_garbage_between_go(void **state) {
  (void)state;
  garbage_between("tests/data/go/go1.23-scavtrace-2p.log", GCPULSE_FORMAT_GO);
}
static void row_garbage_between_jvm(void **state) {
  (void)state;
  garbage_between("tests/data/jvm/jdk17-g1-alldecor.log", GCPULSE_FORMAT_JVM);
}

/* ---------------------------------------------------------------------
 * Rows: stream semantics (need the window)
 * --------------------------------------------------------------------- */

/* A GC number reused (the same line twice): the first two events are
 * intact and the repeat is diagnosed. */
static void row_gc_number_reused(void **state) {
  (void)state;
  go_lines gl;
  if (!go_lines_get(&gl)) {
    go_lines_free(&gl);
    skip();
  }
  require_go_parser(gl.l[0]);
  char text[2048];
  snprintf(text, sizeof text, "%s\n%s\n%s\n", gl.l[0], gl.l[1], gl.l[1]);
  run r;
  run_text(&r, NULL, GCPULSE_FORMAT_GO, text, strlen(text), 0);
  assert_int_equal(r.rc, 0);
  assert_go_pair(&r, 0);
  assert_true(r.s.n_ev <= 3);
  assert_true(r.st.by_reason[GCPULSE_REASON_SEQ_REUSED] +
                  r.st.by_reason[GCPULSE_REASON_OUT_OF_ORDER] >=
              1);
  tu_sink_free(&r.s);
  go_lines_free(&gl);
}

/* Event time going backwards (same process, seq still rising): both good
 * events arrive, the backwards one is counted. */
static void row_time_backwards(void **state) {
  (void)state;
  /* real gc 40 and 41 lines of go1.19-gogc50-1p.log, with gc 41's time
   * moved far into the past */
  const char *rel = GO_FILE;
  TU_CORPUS_OR_SKIP(path, rel);
  (void)path;
  char *l1 = corpus_line(rel, 40), *l2 = corpus_line(rel, 41);
  assert_non_null(l1);
  assert_non_null(l2);
  require_go_parser(l1);
  char *at = strchr(l2, '@');
  assert_non_null(at);
  char *s = strchr(at, 's');
  char text[2048];
  snprintf(text, sizeof text, "%s\n%.*s@0.000%s\n", l1, (int)(at - l2), l2, s);
  run r;
  run_text(&r, NULL, GCPULSE_FORMAT_GO, text, strlen(text), 0);
  assert_int_equal(r.rc, 0);
  assert_int_equal(r.s.n_ev, 2);
  uint64_t hit = r.st.by_reason[GCPULSE_REASON_OUT_OF_ORDER] +
                 r.st.by_reason[GCPULSE_REASON_SUSPECT_TIME] +
                 r.st.by_reason[GCPULSE_REASON_RESTART];
  if (hit == 0 && r.st.window_resets == 0) {
    /* only the window can see this; skip while it is a stub */
    double v;
    gcpulse_config_t *cfg = malloc(sizeof *cfg);
    gcpulse_config_init(cfg);
    gcpulse_t *g = NULL;
    gcpulse_new(cfg, NULL, &g);
    gcpulse_feed(g, text, strlen(text));
    int why = gcpulse_feature(g, GCPULSE_FEAT_GC_COUNT, GCPULSE_STAT_VALUE, &v);
    gcpulse_free(g);
    free(cfg);
    if (why == GCPULSE_WHY_NO_DATA) {
      tu_sink_free(&r.s);
      free(l1);
      free(l2);
      print_message("window not available yet: row skipped\n");
      skip();
    }
  }
  assert_true(hit >= 1);
  tu_sink_free(&r.s);
  free(l1);
  free(l2);
}

/* ---------------------------------------------------------------------
 * Rows: JVM
 * --------------------------------------------------------------------- */

#define JVM_FILE "tests/data/jvm/jdk17-g1-oom.log"

/* Skip unless the JVM parser turns the real G1 file into events. */
static void require_jvm_parser(void) {
  TU_CORPUS_OR_SKIP(path, JVM_FILE);
  tu_sink s;
  gcpulse_stats_t st;
  assert_int_equal(tu_parse_file(path, GCPULSE_FORMAT_JVM, &s, &st), 0);
  size_t n = s.n_ev;
  tu_sink_free(&s);
  if (n == 0) {
    print_message("JVM parser not available yet: row skipped\n");
    skip();
  }
}

/* The lines of the first complete G1 young pause in the file, GC(0):
 * "[0.028s]...GC(0) Pause Young (Normal) (G1 Evacuation Pause)" .. the
 * summary "6M->1M(24M) 1.091ms" and the gc,cpu line. */
static char *jvm_event_lines(int id) {
  const char *p = tu_corpus(JVM_FILE);
  size_t len;
  char *all = tu_read_file(p, &len);
  char tag[32];
  snprintf(tag, sizeof tag, "GC(%d) ", id);
  char *out = malloc(len + 1);
  size_t o = 0;
  for (char *s = all; *s;) {
    char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) + 1 : strlen(s);
    char save = s[n - 1];
    s[n - 1] = '\0';
    int hit = strstr(s, tag) != NULL;
    s[n - 1] = save;
    if (hit) {
      memcpy(out + o, s, n);
      o += n;
    }
    s += n;
  }
  out[o] = '\0';
  free(all);
  return out;
}

static int has_seq(const run *r, uint64_t seq, double pause_ms) {
  for (size_t i = 0; i < r->s.n_ev && i < TU_MAX_EVENTS; i++)
    if (r->s.ev[i].seq == seq && fabs(r->s.ev[i].pause_ms - pause_ms) < 1e-9)
      return 1;
  return 0;
}

/* A JVM event whose summary line never comes: counted INCOMPLETE at
 * finish; the complete events around it are intact. */
static void row_jvm_missing_summary(void **state) {
  (void)state;
  require_jvm_parser();
  char *e0 = jvm_event_lines(0), *e1 = jvm_event_lines(1),
       *e2 = jvm_event_lines(2);
  /* GC(1) reduced to its start line */
  char *nl = strchr(e1, '\n');
  assert_non_null(nl);
  nl[1] = '\0';
  char *text = malloc(strlen(e0) + strlen(e1) + strlen(e2) + 1);
  sprintf(text, "%s%s%s", e0, e1, e2);
  for (int mode = 0; mode <= 2; mode += 2) {
    run r;
    run_text(&r, NULL, GCPULSE_FORMAT_JVM, text, strlen(text), mode);
    assert_int_equal(r.rc, 0);
    assert_true(has_seq(&r, 0, 1.091)); /* "6M->1M(24M) 1.091ms" */
    assert_true(has_seq(&r, 2, 3.747)); /* "12M->3M(24M) 3.747ms" */
    assert_int_equal(r.st.by_reason[GCPULSE_REASON_INCOMPLETE], 1);
    tu_sink_free(&r.s);
  }
  free(text);
  free(e0);
  free(e1);
  free(e2);
}

/* More open GC ids than the table holds: evictions are counted, memory
 * stays fixed, and a later complete event still comes through. */
static void row_jvm_gcid_overflow(void **state) {
  (void)state;
  require_jvm_parser();
  char *e0 = jvm_event_lines(0);
  char *start = strdup(e0);
  *strchr(start, '\n') = '\0'; /* "[0.395s][info][gc,start    ] GC(0) ..." */
  char *gc = strstr(start, "GC(0)");
  assert_non_null(gc);
  size_t cap = 200 * (strlen(start) + 16) + strlen(e0) + 1;
  char *text = malloc(cap);
  size_t o = 0;
  for (int id = 100; id < 300; id++)
    o += (size_t)sprintf(text + o, "%.*sGC(%d)%s\n", (int)(gc - start), start,
                         id, gc + 5);
  strcpy(text + o, e0);
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  cfg->jvm_open_events = 4;
  run r;
  run_text(&r, cfg, GCPULSE_FORMAT_JVM, text, strlen(text), 2);
  assert_int_equal(r.rc, 0);
  assert_true(has_seq(&r, 0, 1.091));
  assert_true(r.st.by_reason[GCPULSE_REASON_EVICTED] >= 190);
  assert_true(r.st.by_reason[GCPULSE_REASON_EVICTED] +
                  r.st.by_reason[GCPULSE_REASON_INCOMPLETE] >=
              200);
  tu_sink_free(&r.s);
  free(cfg);
  free(text);
  free(start);
  free(e0);
}

static uint64_t bad_line_diags(const gcpulse_stats_t *st) {
  return line_diags(st) + st->by_reason[GCPULSE_REASON_INCOMPLETE];
}

/* Feed GC(0), BAD, GC(1) of the recorded G1 file; GC(0) (1.091 ms) and
 * GC(1) (4.706 ms) come through and BAD is counted by at least one diagnostic
 * more than the clean text gets. */
static void jvm_row(const char *bad) {
  char *e0 = jvm_event_lines(0), *e1 = jvm_event_lines(1);
  char *clean = malloc(strlen(e0) + strlen(e1) + 1);
  sprintf(clean, "%s%s", e0, e1);
  run c;
  run_text(&c, NULL, GCPULSE_FORMAT_JVM, clean, strlen(clean), 0);
  char *text = malloc(strlen(e0) + strlen(bad) + strlen(e1) + 3);
  sprintf(text, "%s%s\n%s", e0, bad, e1);
  for (int mode = 0; mode <= 2; mode += 2) {
    run r;
    run_text(&r, NULL, GCPULSE_FORMAT_JVM, text, strlen(text), mode);
    assert_int_equal(r.rc, 0);
    assert_true(has_seq(&r, 0, 1.091));
    assert_true(has_seq(&r, 1, 4.706));
    for (size_t k = 0; k < r.s.n_ev; k++) {
      assert_true(isfinite(r.s.ev[k].pause_ms) && r.s.ev[k].pause_ms >= 0);
      assert_true(isfinite(r.s.ev[k].t));
    }
    if (bad_line_diags(&r.st) <= bad_line_diags(&c.st))
      fprintf(stderr, "JVM bad line not diagnosed: %s\n", bad);
    assert_true(bad_line_diags(&r.st) > bad_line_diags(&c.st));
    tu_sink_free(&r.s);
  }
  tu_sink_free(&c.s);
  free(text);
  free(clean);
  free(e0);
  free(e1);
}

#define G1_SUMMARY_HEAD                                                       \
  "[0.031s][info][gc          ] GC(7) Pause Young (Normal) (G1 Evacuation Pause) "

/* CRLF and lone-CR line ends and half-lines from a second writer in a
 * real JVM log: the same events as the clean LF text. */
static void row_jvm_crlf_and_interleaved(void **state) {
  (void)state;
  require_jvm_parser();
  char *e0 = jvm_event_lines(0), *e1 = jvm_event_lines(1);
  size_t n0 = strlen(e0), n1 = strlen(e1);
  char *clean = malloc(n0 + n1 + 1);
  sprintf(clean, "%s%s", e0, e1);
  run c;
  run_text(&c, NULL, GCPULSE_FORMAT_JVM, clean, n0 + n1, 0);
  assert_true(has_seq(&c, 0, 1.091) && has_seq(&c, 1, 4.706));
  for (int variant = 0; variant < 3; variant++) {
    char *t = malloc(3 * (n0 + n1) + 256);
    size_t o = 0;
    for (size_t i = 0; i < n0 + n1; i++) {
      if (clean[i] == '\n' && variant == 0) t[o++] = '\r'; /* CRLF */
      if (clean[i] == '\n' && variant == 1) { t[o++] = '\r'; continue; } /* CR */
      t[o++] = clean[i];
      /* another writer's line lands between GC(0) and GC(1) in pieces */
      if (variant == 2 && i == n0 - 1)
        o += (size_t)sprintf(t + o, "INFO request done\nINFO req");
    }
    if (variant == 2) o += (size_t)sprintf(t + o, "uest 2 done\n");
    run r;
    run_text(&r, NULL, GCPULSE_FORMAT_JVM, t, o, 2);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.s.n_ev, c.s.n_ev);
    assert_true(has_seq(&r, 0, 1.091) && has_seq(&r, 1, 4.706));
    if (variant == 2) assert_true(r.st.diags >= c.st.diags + 2);
    tu_sink_free(&r.s);
    free(t);
  }
  tu_sink_free(&c.s);
  free(clean);
  free(e0);
  free(e1);
}

/* Overflowing, NaN and infinite numbers and binary bytes inside a real
 * JVM summary line. */
static void row_jvm_bad_numbers(void **state) {
  (void)state;
  require_jvm_parser();
  jvm_row(G1_SUMMARY_HEAD "99999999999999999999999999M->12M(256M) 3.334ms");
  jvm_row(G1_SUMMARY_HEAD "12M->12M(256M) 1e999ms");
  jvm_row(G1_SUMMARY_HEAD "12M->12M(256M) NaNms");
  jvm_row(G1_SUMMARY_HEAD "12M->12M(256M) infms");
  jvm_row(G1_SUMMARY_HEAD "12M->12M(256M) 3.334ms\x01\x02\xff");
  jvm_row("[0.700s][info][gc,start    ] GC(7) Pause Young (Normal) (G1 "
          "Evacuation Pause)\x00\x01");
}

/* REGRESSION (jvm/envelope.c): a negative size in a G1 summary line,
 * "-12M->12M(256M) 3.334ms", is accepted without any diagnostic as an
 * event with cause "256M" and no heap figures. */
static void regress_jvm_negative_size(void **state) {
  (void)state;
  require_jvm_parser();
  jvm_row(G1_SUMMARY_HEAD "-12M->12M(256M) 3.334ms");
}

/* REGRESSION (jvm/envelope.c): a summary line whose uptime decorator is not
 * a number ("[nans]") gives an event with no time and no diagnostic. */
static void regress_jvm_bad_decorator(void **state) {
  (void)state;
  require_jvm_parser();
  jvm_row("[nans][info][gc          ] GC(7) Pause Young (Normal) (G1 "
          "Evacuation Pause) 12M->12M(256M) 3.334ms");
}

/* REGRESSION (found by the long fuzz_jvm run; numscan.c, jvm/messages.c):
 * a JDK 8 "10300000000000000K->..." transition gave an event with
 * heap_before 10547200000000000000, a valid uint64 that JSON readers with
 * 64-bit signed or double numbers (jansson) reject; the unified-logging
 * fast path also converted 11 digits of G (1e20 bytes) to uint64 (UB).
 * Every integer in an event is now below GCPULSE_INT_MAX (2^53). */
static void regress_int_max(void **state) {
  (void)state;
  require_jvm_parser();
  jvm_row(G1_SUMMARY_HEAD "10300000000000000K->12M(256M) 3.334ms");
  jvm_row(G1_SUMMARY_HEAD "99999999999G->12M(256M) 3.334ms");
  jvm_row(G1_SUMMARY_HEAD "12M->8589934592M(256M) 3.334ms");
  jvm_row("[0.700s][info][gc          ] GC(9007199254740992) Pause Young "
          "(Normal) (G1 Evacuation Pause) 12M->12M(256M) 3.334ms");
  /* JDK 8: no event may carry the figure, and the line is diagnosed */
  static const char jdk8[] =
      "2.000: [Full GC (System.gc())  10300000000000000K->23498K(55996K), "
      "0.0055146 secs] [Times: user=0.00 sys=0.00, real=0.01 secs]\n";
  run r;
  run_text(&r, NULL, GCPULSE_FORMAT_JVM, jdk8, sizeof jdk8 - 1, 0);
  assert_int_equal(r.rc, 0);
  assert_true(r.st.diags >= 1);
  for (size_t k = 0; k < r.s.n_ev; k++) {
    const gcpulse_event_t *ev = &r.s.ev[k];
    assert_false((ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE)) &&
                 ev->heap_before >= GCPULSE_INT_MAX);
    char buf[2048];
    long n = gcpulse_event_to_json(ev, buf, sizeof buf);
    json_error_t e;
    json_t *j = json_loadb(buf, (size_t)n, 0, &e);
    assert_non_null(j);
    json_decref(j);
  }
  tu_sink_free(&r.s);
  /* Go: 2^33 MB is 2^53 bytes (one MB less is accepted), and GC numbers */
  static const char *go_bad[] = {
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 8589934592->4->4 MB, 4 MB goal, "
      "0 MB stacks, 0 MB globals, 2 P",
      "gc 9007199254740992 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, 0 MB "
      "stacks, 0 MB globals, 2 P",
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 4->4->4 MB, 4 MB goal, "
      "8589934592 MB stacks, 0 MB globals, 2 P",
  };
  for (size_t i = 0; i < sizeof go_bad / sizeof go_bad[0]; i++)
    go_row(go_bad[i], strlen(go_bad[i]), REASONS(GCPULSE_REASON_OVERFLOW),
           NULL);
  static const char go_ok[] =
      "gc 3 @0.002s 10%: 0.007+0.088+0.025 ms clock, "
      "0.014+0.074/0.018/0.032+0.050 ms cpu, 8589934591->4->4 MB, 4 MB goal, "
      "0 MB stacks, 0 MB globals, 2 P\n";
  run_text(&r, NULL, GCPULSE_FORMAT_GO, go_ok, sizeof go_ok - 1, 0);
  assert_int_equal(r.s.n_ev, 1);
  assert_true(r.s.ev[0].heap_before == (UINT64_C(8589934591) << 20));
  tu_sink_free(&r.s);
  /* structured events: a known integer at 2^53 is rejected */
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, NULL, &g), 0);
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.runtime = GCPULSE_RT_GO;
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.t = 1;
  ev.heap_before = GCPULSE_INT_MAX - 1;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE);
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  ev.t = 2;
  ev.heap_before = GCPULSE_INT_MAX;
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  ev.known &= ~GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE); /* unknown: ignored */
  assert_int_equal(gcpulse_feed_event(g, &ev), 0);
  ev.t = 3;
  ev.seq = GCPULSE_INT_MAX;
  ev.known |= GCPULSE_BIT(GCPULSE_FIELD_SEQ);
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BAD_EVENT], 2);
  assert_int_equal(st.events_fed, 2);
  gcpulse_free(g);
}

/* REGRESSION (found by fuzz_jvm / fuzz_pipeline; format.c
 * gcpulse_event_to_json, or the JVM parser's cause copy): invalid UTF-8
 * in a trace's cause text is copied verbatim into the event JSON, which
 * then is not valid JSON (jansson: "unable to decode byte 0xff"). */
static void regress_event_json_invalid_utf8(void **state) {
  (void)state;
  require_jvm_parser();
  char *e0 = jvm_event_lines(0);
  char *bad = malloc(3 * strlen(e0) + 8);
  char *at = strstr(e0, "GC(0) Pause Young (Normal) (G1 Evac");
  assert_non_null(at);
  /* put 0xff 0xfe inside the cause of every GC(0) line */
  size_t o = 0;
  for (char *p = e0; *p; p++) {
    bad[o++] = *p;
    if (p > e0 && p[-1] == 'E' && p[0] == 'v') {
      bad[o++] = '\xff';
      bad[o++] = '\xfe';
    }
  }
  bad[o] = '\0';
  run r;
  run_text(&r, NULL, GCPULSE_FORMAT_JVM, bad, o, 0);
  assert_true(r.s.n_ev >= 1);
  char buf[4096];
  long n = gcpulse_event_to_json(&r.s.ev[0], buf, sizeof buf);
  assert_true(n > 0 && (size_t)n < sizeof buf);
  json_error_t e;
  json_t *j = json_loadb(buf, (size_t)n, 0, &e);
  if (j == NULL) fprintf(stderr, "event JSON rejected (%s): %s\n", e.text, buf);
  tu_sink_free(&r.s);
  free(bad);
  free(e0);
  assert_non_null(j);
  json_decref(j);
}

#ifndef GCPULSE_NO_JSON /* make JSON=0: no JSON configuration */
/* ---------------------------------------------------------------------
 * Rows: configuration JSON
 * --------------------------------------------------------------------- */

/* Load TEXT onto defaults; assert it fails with EJSON/ECONFIG, leaves the
 * configuration unchanged and fills the error record. */
static void assert_bad_json(const char *what, const char *text, size_t len) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg), *copy = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  *copy = *cfg;
  gcpulse_error_t err;
  memset(&err, 0, sizeof err);
  int rc = gcpulse_config_load_json(cfg, text, len, &err);
  if (rc == 0) fprintf(stderr, "config row '%s' was accepted\n", what);
  assert_true(rc == GCPULSE_EJSON || rc == GCPULSE_ECONFIG);
  assert_int_equal(err.code, rc);
  assert_true(err.text[0] != '\0');
  assert_memory_equal(cfg, copy, sizeof *cfg);
  free(cfg);
  free(copy);
}

/* The dump of the default configuration, parsed; skips while the loader
 * or the writer are stubs. */
static json_t *default_dump(void) {
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  gcpulse_config_init(cfg);
  long n = gcpulse_config_dump_json(cfg, NULL, 0);
  json_t *j = NULL;
  if (n > 0) {
    char *buf = malloc((size_t)n + 1);
    gcpulse_config_dump_json(cfg, buf, (size_t)n + 1);
    gcpulse_error_t err;
    memset(&err, 0, sizeof err);
    if (gcpulse_config_load_json(cfg, buf, (size_t)n, &err) == 0)
      j = json_loadb(buf, (size_t)n, 0, NULL);
    free(buf);
  }
  free(cfg);
  if (j == NULL) {
    print_message("JSON configuration not available yet: row skipped\n");
    skip();
  }
  return j;
}

static char *dumps(json_t *j) { return json_dumps(j, JSON_COMPACT); }

/* Every scalar at the top level and one level down given the wrong type. */
static void row_config_wrong_types(void **state) {
  (void)state;
  json_t *root = default_dump();
  const char *key;
  json_t *val;
  int tried = 0;
  json_object_foreach(root, key, val) {
    json_t *subs[2] = {root, NULL};
    (void)subs;
    json_t *wrong = json_is_string(val)   ? json_integer(7)
                    : json_is_object(val) ? json_string("x")
                    : json_is_array(val)  ? json_true()
                                          : json_string("12");
    json_t *copy = json_deep_copy(root);
    json_object_set_new(copy, key, wrong);
    char *t = dumps(copy);
    assert_bad_json(key, t, strlen(t));
    free(t);
    json_decref(copy);
    tried++;
    if (json_is_object(val)) {
      const char *k2;
      json_t *v2;
      json_object_foreach(val, k2, v2) {
        if (json_is_object(v2) || json_is_array(v2)) continue;
        json_t *c2 = json_deep_copy(root);
        json_object_set_new(json_object_get(c2, key), k2,
                            json_is_string(v2) ? json_array()
                                               : json_string("NaN"));
        t = dumps(c2);
        assert_bad_json(k2, t, strlen(t));
        free(t);
        json_decref(c2);
        tried++;
      }
    }
  }
  print_message("%d wrong-type variants rejected\n", tried);
  json_decref(root);
}

/* Duplicate keys (the second would silently win): rejected. */
static void row_config_duplicate_keys(void **state) {
  (void)state;
  json_t *root = default_dump();
  char *t = dumps(root);
  /* the first "key":number pair anywhere, repeated inside its object */
  int done = 0;
  for (char *q = strchr(t, '"'); q && !done; q = strchr(q + 1, '"')) {
    char *k_end = strchr(q + 1, '"');
    if (k_end == NULL || k_end[1] != ':') continue;
    char *v = k_end + 2;
    if (!((*v >= '0' && *v <= '9') || *v == '-')) continue;
    size_t vlen = strcspn(v, ",}");
    size_t pair = (size_t)(v + vlen - q);
    size_t len = strlen(t);
    char *dup = malloc(len + pair + 2);
    size_t at = (size_t)(v + vlen - t);
    memcpy(dup, t, at);
    dup[at] = ',';
    memcpy(dup + at + 1, q, pair);
    memcpy(dup + at + 1 + pair, t + at, len - at + 1);
    assert_bad_json("duplicate key", dup, strlen(dup));
    free(dup);
    done = 1;
  }
  assert_true(done);
  free(t);
  json_decref(root);
}

/* A huge array (100000 elements) wherever the schema has an array, and
 * huge numbers; deep nesting (100000 levels) as a value and as the
 * document: rejected without a crash or a hang. */
static void row_config_huge_and_deep(void **state) {
  (void)state;
  json_t *root = default_dump();
  size_t depth = 100000;
  char *deep = malloc(2 * depth + 64);
  size_t o = 0;
  for (size_t i = 0; i < depth; i++) deep[o++] = '[';
  for (size_t i = 0; i < depth; i++) deep[o++] = ']';
  assert_bad_json("deep document", deep, o);
  /* deep as a value of the first key */
  const char *key = NULL;
  json_t *val;
  json_object_foreach(root, key, val) break;
  char *doc = malloc(2 * depth + 256);
  int p = snprintf(doc, 256, "{\"%s\": ", key);
  memcpy(doc + p, deep, o);
  doc[p + (int)o] = '}';
  assert_bad_json("deep value", doc, (size_t)p + o + 1);
  for (size_t i = 0; i < depth; i++) deep[i] = '{';
  assert_bad_json("deep objects", deep, depth);
  free(doc);
  free(deep);
  /* huge arrays */
  int arrays = 0;
  void *iter = json_object_iter(root);
  for (; iter; iter = json_object_iter_next(root, iter)) {
    json_t *v = json_object_iter_value(iter);
    json_t *holder = NULL;
    const char *k = json_object_iter_key(iter);
    if (json_is_array(v)) holder = root;
    if (holder == NULL && json_is_object(v)) {
      const char *k2;
      json_t *v2;
      json_object_foreach(v, k2, v2) {
        if (json_is_array(v2)) {
          json_t *c = json_deep_copy(root);
          json_t *big = json_array();
          for (int i = 0; i < 100000; i++) json_array_append_new(big, json_object());
          json_object_set_new(json_object_get(c, k), k2, big);
          char *t = dumps(c);
          assert_bad_json(k2, t, strlen(t));
          free(t);
          json_decref(c);
          arrays++;
        }
      }
      continue;
    }
    if (holder) {
      json_t *c = json_deep_copy(root);
      json_t *big = json_array();
      for (int i = 0; i < 100000; i++) json_array_append_new(big, json_object());
      json_object_set_new(c, k, big);
      char *t = dumps(c);
      assert_bad_json(k, t, strlen(t));
      free(t);
      json_decref(c);
      arrays++;
    }
  }
  print_message("%d huge-array variants rejected\n", arrays);
  /* numbers that do not fit */
  json_object_foreach(root, key, val) {
    if (!json_is_number(val)) continue;
    char text[256];
    snprintf(text, sizeof text, "{\"%s\": 1e999}", key);
    assert_bad_json("1e999", text, strlen(text));
    snprintf(text, sizeof text, "{\"%s\": 123456789012345678901234567890}",
             key);
    gcpulse_config_t *cfg = malloc(sizeof *cfg);
    gcpulse_config_init(cfg);
    gcpulse_error_t err;
    memset(&err, 0, sizeof err);
    /* may be accepted as a double when in range, never crash; result valid */
    if (gcpulse_config_load_json(cfg, text, strlen(text), &err) == 0)
      assert_int_equal(gcpulse_config_check(cfg, NULL), 0);
    free(cfg);
  }
  /* text that is not NUL-terminated inside LEN is read only up to LEN */
  assert_bad_json("truncated", "{\"a\": 1}", 4);
  json_decref(root);
}

#endif

/* ---------------------------------------------------------------------
 * Rows: caller metrics and structured events
 * --------------------------------------------------------------------- */

static void row_bad_metrics(void **state) {
  (void)state;
  tu_sink s;
  gcpulse_callbacks_t cb;
  tu_sink_init(&s, &cb);
  gcpulse_t *g = NULL;
  assert_int_equal(gcpulse_new(NULL, &cb, &g), 0);
  const double bad_values[] = {NAN, -NAN, INFINITY, -INFINITY, -1.0, -1e-300,
                               1e300, 2e18};
  size_t n_bad = 0;
  for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 1.0,
                                         bad_values[i]),
                     GCPULSE_EINVAL);
    n_bad++;
  }
  const double bad_t[] = {NAN, INFINITY, -INFINITY, -1.0};
  for (size_t i = 0; i < sizeof bad_t / sizeof bad_t[0]; i++) {
    assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, bad_t[i], 1.0),
                     GCPULSE_EINVAL);
    n_bad++;
  }
  /* good samples, including absurd but finite rates: 1e17 QPS, samples a
   * nanosecond apart, all still accepted and all features finite */
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 2.0, 1e17), 0);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 2.000000001, 0), 0);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_QPS, 2.000000002, 1e17),
                   0);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_RSS, 2.0, 1e18), 0);
  assert_int_equal(gcpulse_feed_metric(g, GCPULSE_METRIC_LATENCY, 2.0, 0), 0);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BAD_METRIC], n_bad);
  assert_int_equal(s.diag_by_reason[GCPULSE_REASON_BAD_METRIC], n_bad);
  assert_int_equal(st.metrics, 5);
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++)
    for (int k = 0; k < GCPULSE_STAT_COUNT; k++) {
      double v;
      int r = gcpulse_feature(g, f, k, &v);
      assert_true(r >= 0);
      assert_true(isfinite(v));
    }
  /* structured events with bad values: rejected, counted, nothing emitted */
  gcpulse_event_t ev;
  gcpulse_event_init(&ev);
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  ev.runtime = GCPULSE_RT_GO;
  ev.t = 3.0;
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T) | GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
  const double bad_ms[] = {NAN, INFINITY, -0.5};
  for (size_t i = 0; i < 3; i++) {
    ev.pause_ms = bad_ms[i];
    assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  }
  ev.pause_ms = 0.5;
  ev.t = NAN;
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  ev.t = 3.0;
  ev.known = 0; /* time unknown */
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  ev.known = GCPULSE_BIT(GCPULSE_FIELD_T);
  ev.kind = 999;
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  ev.kind = GCPULSE_KIND_GO_CYCLE;
  memset(ev.cause, 'x', sizeof ev.cause); /* not terminated */
  assert_int_equal(gcpulse_feed_event(g, &ev), GCPULSE_EINVAL);
  ev.cause[0] = '\0';
  assert_int_equal(gcpulse_feed_event(g, &ev), 0); /* the good one */
  gcpulse_stats(g, &st);
  assert_int_equal(st.by_reason[GCPULSE_REASON_BAD_EVENT], 7);
  assert_int_equal(s.n_ev, 1);
  assert_int_equal(st.events_fed, 1);
  /* bad tick times */
  assert_int_equal(gcpulse_tick(g, NAN), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_tick(g, -1), GCPULSE_EINVAL);
  assert_int_equal(gcpulse_tick(g, INFINITY), GCPULSE_EINVAL);
  gcpulse_free(g);
  tu_sink_free(&s);
}

/* REGRESSION (sink.h, F12): one duration bound for every runtime.  A JVM
 * pause of 99999999999999.999 ms (3170 years) was accepted while the same
 * number in a Go clock field is an overflow; now a duration above 10 years
 * is left out with one OVERFLOW diagnostic in both, the event and its
 * other fields are kept, and a long but possible pause (one hour) stays. */
static void regress_absurd_duration(void **state) {
  (void)state;
  static const char jvm[] =
      "[0.010s][info][gc] Using G1\n"
      "[1.000s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) "
      "24M->4M(256M) 99999999999999.999ms\n"
      "[2.000s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) "
      "24M->4M(256M) 3600000.000ms\n";
  static const char go[] =
      "gc 1 @1.000s 0%: 400000000000+1.6+0.003 ms clock, "
      "0.11+0/0.31/1.1+0.007 ms cpu, 30->30->16 MB, 31 MB goal, 0 MB stacks, "
      "0 MB globals, 2 P\n"
      "gc 2 @2.000s 0%: 3600000+1.6+0.003 ms clock, "
      "0.11+0/0.31/1.1+0.007 ms cpu, 30->30->16 MB, 31 MB goal, 0 MB stacks, "
      "0 MB globals, 2 P\n";
  const char *text[] = {jvm, go};
  const int format[] = {GCPULSE_FORMAT_JVM, GCPULSE_FORMAT_GO};
  for (int i = 0; i < 2; i++) {
    run r;
    run_text(&r, NULL, format[i], text[i], strlen(text[i]), 0);
    assert_int_equal(r.rc, 0);
    assert_int_equal(r.s.n_ev, 2);
    assert_int_equal(r.st.by_reason[GCPULSE_REASON_OVERFLOW], 1);
    const gcpulse_event_t *a = &r.s.ev[0], *b = &r.s.ev[1];
    assert_false(a->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS));
    assert_int_equal(a->heap_before, i == 0 ? 24u << 20 : 30u << 20);
    assert_true(b->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS));
    assert_true(fabs(b->pause_ms - (i == 0 ? 3600000.0 : 3600000.003)) < 1e-6);
    tu_sink_free(&r.s);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(row_line_10mb),
      cmocka_unit_test(row_nul_bytes),
      cmocka_unit_test(row_invalid_utf8),
      cmocka_unit_test(row_number_overflow),
      cmocka_unit_test(row_negative_values),
      cmocka_unit_test(row_nan_inf_text),
      cmocka_unit_test(row_truncated_line),
      cmocka_unit_test(row_interleaved_writers),
      cmocka_unit_test(row_crlf_and_cr),
      cmocka_unit_test(row_empty_input),
      cmocka_unit_test(row_binary_file),
      cmocka_unit_test(row_garbage_between_go),
      cmocka_unit_test(row_garbage_between_jvm),
      cmocka_unit_test(row_gc_number_reused),
      cmocka_unit_test(row_time_backwards),
      cmocka_unit_test(row_jvm_missing_summary),
      cmocka_unit_test(row_jvm_gcid_overflow),
      cmocka_unit_test(row_jvm_crlf_and_interleaved),
      cmocka_unit_test(row_jvm_bad_numbers),
      cmocka_unit_test(regress_jvm_negative_size),
      cmocka_unit_test(regress_jvm_bad_decorator),
      cmocka_unit_test(regress_event_json_invalid_utf8),
      cmocka_unit_test(regress_int_max),
      cmocka_unit_test(regress_absurd_duration),
#ifndef GCPULSE_NO_JSON
      cmocka_unit_test(row_config_wrong_types),
      cmocka_unit_test(row_config_duplicate_keys),
      cmocka_unit_test(row_config_huge_and_deep),
#endif
      cmocka_unit_test(row_bad_metrics),
  };
  return cmocka_run_group_tests_name("badinput", tests, NULL, NULL);
}

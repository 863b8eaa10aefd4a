/*
 * trace_go.c — Go GODEBUG=gctrace=1 / scavtrace=1 lines -> events.
 *
 * Design.  One call per line, no allocation, no copying, no backtracking
 * beyond the anchor search.  A line is classified by an ANCHOR found
 * anywhere in it (so journald/syslog/k8s prefixes need no special case):
 *
 *   "gc N @"        Go 1.5+ cycle line (five clock phases = 1.5, three = 1.6+,
 *                   "MB stacks"/"MB globals" present = 1.18+)
 *   "gcN(P):"       Go <= 1.4 cycle line (µs times, "X -> Y MB")
 *   "scvgN:" "scvg-1:" "scvg:" ["forced "]   Go <= 1.13 scavenger
 *   "scav N ..."    Go 1.14+ scavtrace (1.14/1.19 form, 1.15-1.18 GEN form,
 *                   1.21+ bg/eager form)
 *   "GC forced"     the periodic forced-GC notice (whole tail of the line)
 *   "scan: total"/"scan: class"  Go 1.25 gctrace=2 extras (no GC data)
 *
 * Anchors must start at a word boundary (start of line or a byte that is
 * not [A-Za-z0-9_]).  The search is a memchr for 'c' and a look at the byte
 * before it, so a foreign line costs about one memchr pass.  Once an anchor
 * commits ("gc N @", "gcN(", "scvg[N|-1]:", "scav N"), the line is ours:
 * any mismatch after that point is a diagnostic (TRUNCATED when the line
 * ends where more was expected, MALFORMED otherwise, OVERFLOW for numbers
 * out of range) with the byte column, and no event is emitted for it.
 *
 * Events are built in two records kept in the parser state (one per kind,
 * zeroed once at init) so a line costs no 300-byte clear; the pointer
 * handed to the sink is valid only during the call, as usual.
 *
 * Numbers.  gctrace times have at most three decimals (fmtNSAsMS); they are
 * scanned into integer nanoseconds and summed as integers, so every ms
 * value and every sum is the correctly rounded double of the decimal the
 * runtime printed (0.14+0.045 gives exactly the double nearest 0.185).
 * Sizes are exact: MB is MiB (<<20), KiB is <<10.
 *
 * Policies (documented in README section go-parser):
 *   - pause_ms = STW clock phases (1.6+: A+C; 1.5: A+C+E; <=1.4: all four),
 *     concurrent_ms = the others; gc_cpu_ms = sum of every CPU part.
 *   - "GC forced" sets a pending mark; the next gc line gets
 *     GCPULSE_EV_FORCED_PERIODIC (the runtime prints the notice just before
 *     that cycle's line).  The notice itself is GO_INFO.
 *   - gc N with N <= the previous N sets GCPULSE_EV_RESTART; when N > 1 a
 *     SEQ_REUSED diagnostic is raised too (disorder, not a clean restart).
 *   - @T above 10 years, or going backwards without a restart, is kept and
 *     flagged GCPULSE_EV_SUSPECT_TIME (+ a SUSPECT_TIME diagnostic); such a
 *     time does not become the parser's "last time".  So is a jump forward
 *     (over 10 s and 10 times the step before) until the next line
 *     confirms it (a periodic forced GC up to 190 s after the last is not
 *     a jump); when that line continues the old clock instead, the jump
 *     was the outlier and only its line is flagged.
 *   - Lines without a time (<= 1.4 gc lines, scavenger lines) carry
 *     t = the last trusted @T (0 before any) with the T bit CLEAR; <= 1.4
 *     cycles are also flagged SUSPECT_TIME since their time is invented.
 *   - Scavenger: every scvg/scav line is one SCAVENGE event (the <= 1.13
 *     "N MB released" + "inuse: ..." pair gives two); released = bytes
 *     returned by this report ("N MB released",
 *     scav "work", bg+eager in 1.21+); retained = sys - released
 *     ("consumed") on scvg inuse lines, unknown for scav lines.
 */
#include "trace_go.h"

#include <string.h>

/* The scanners must inline into the grammar code so that literal lengths
 * become constants (memcmp of a constant small size compiles to loads). */
#if defined(__GNUC__)
#define GO_INLINE static inline __attribute__((always_inline))
#else
#define GO_INLINE static inline
#endif

/* A time beyond this many seconds since process start is absurd. */
#define GO_T_MAX_S GCPULSE__T_MAX_S

void gcpulse__go_init(gcpulse__go *p) {
  memset(p, 0, sizeof *p);
  p->cyc.runtime = p->scav.runtime = GCPULSE_RT_GO;
  p->cyc.collector = p->scav.collector = GCPULSE_COLLECTOR_GO;
  p->cyc.kind = GCPULSE_KIND_GO_CYCLE;
  p->scav.kind = GCPULSE_KIND_SCAVENGE;
}

/* ---------------------------------------------------------------------
 * Scanning primitives.  Each returns the byte after what it consumed, or
 * NULL after recording the failure (position, reason, expectation) in PS.
 * --------------------------------------------------------------------- */

typedef struct pst {
  const char *end;      /* end of the line after trimming */
  const char *err_at;   /* failure position */
  const char *err_what; /* static text: what was expected */
  int err_reason;       /* MALFORMED / TRUNCATED / OVERFLOW */
} pst;

static const char *fail(pst *ps, const char *at, int reason,
                        const char *what) {
  ps->err_at = at;
  ps->err_reason = reason;
  ps->err_what = what;
  return NULL;
}

GO_INLINE int is_digit(char c) { return (unsigned)(c - '0') <= 9u; }

GO_INLINE int is_word(char c) {
  return is_digit(c) || (unsigned)((c | 0x20) - 'a') <= 25u || c == '_';
}

/* Whether the LEN bytes at P equal LIT (both readable).  With LIT a string
 * literal and LEN a constant this folds to one or two word compares. */
GO_INLINE int eq_(const char *p, const char *lit, size_t len) {
  if (len >= 8 && len <= 16) {
    uint64_t a, b, c, d;
    memcpy(&a, p, 8);
    memcpy(&b, lit, 8);
    memcpy(&c, p + len - 8, 8);
    memcpy(&d, lit + len - 8, 8);
    return ((a ^ b) | (c ^ d)) == 0;
  }
  if (len >= 4 && len < 8) {
    uint32_t a, b, c, d;
    memcpy(&a, p, 4);
    memcpy(&b, lit, 4);
    memcpy(&c, p + len - 4, 4);
    memcpy(&d, lit + len - 4, 4);
    return ((a ^ b) | (c ^ d)) == 0;
  }
  if (len == 2 || len == 3)
    return p[0] == lit[0] && p[1] == lit[1] && p[len - 1] == lit[len - 1];
  if (len == 1) return p[0] == lit[0];
  return memcmp(p, lit, len) == 0;
}

/* Literal LIT (LEN bytes).  A line that stops inside a matching prefix of
 * LIT is TRUNCATED; a differing byte is MALFORMED at that byte. */
GO_INLINE const char *lit_(pst *ps, const char *p, const char *lit,
                               size_t len, const char *what) {
  size_t avail = (size_t)(ps->end - p);
  if (avail >= len && eq_(p, lit, len)) return p + len;
  size_t i = 0, m = avail < len ? avail : len;
  while (i < m && p[i] == lit[i]) i++;
  if (i == avail) return fail(ps, p + i, GCPULSE_REASON_TRUNCATED, what);
  return fail(ps, p + i, GCPULSE_REASON_MALFORMED, what);
}
#define LIT(ps, p, s) lit_((ps), (p), (s), sizeof(s) - 1, "'" s "'")

/* Unsigned decimal integer, at most 19 digits (always fits 64 bits). */
GO_INLINE const char *num_(pst *ps, const char *p, uint64_t *out,
                               const char *what) {
  const char *e = ps->end;
  if (p >= e) return fail(ps, p, GCPULSE_REASON_TRUNCATED, what);
  unsigned d = (unsigned)(*p - '0');
  if (d > 9u) return fail(ps, p, GCPULSE_REASON_MALFORMED, what);
  uint64_t v = d;
  const char *q = p + 1;
  while (q < e && (d = (unsigned)(*q - '0')) <= 9u) {
    v = v * 10u + d;
    q++;
    if (q - p > 19) return fail(ps, p, GCPULSE_REASON_OVERFLOW, what);
  }
  if (v >= GCPULSE_INT_MAX) return fail(ps, p, GCPULSE_REASON_OVERFLOW, what);
  *out = v;
  return q;
}
#define NUM(ps, p, out) num_((ps), (p), (out), "a decimal integer")

/* Integer with an upper bound (inclusive). */
GO_INLINE const char *numlim_(pst *ps, const char *p, uint64_t *out,
                                  uint64_t max, const char *what) {
  const char *q = num_(ps, p, out, what);
  if (q != NULL && *out > max)
    return fail(ps, p, GCPULSE_REASON_OVERFLOW, what);
  return q;
}

static const uint32_t pow10_u32[] = {1u, 10u, 100u, 1000u, 10000u, 100000u,
                                     1000000u};

/* Unsigned fixed-point decimal "123" or "123.456" scaled to an integer
 * with DIGITS decimals (DIGITS <= 9; extra decimals are ignored, missing
 * ones are zero).  The integer part must be below LIMIT so the scaled
 * value (and sums of them) stays far below 2^63.  WHAT names the field in
 * diagnostics. */
GO_INLINE const char *fixed_(pst *ps, const char *p, uint64_t limit,
                             unsigned digits, const char *what,
                             uint64_t *scaled) {
  uint64_t ip;
  const char *q = num_(ps, p, &ip, what);
  if (q == NULL) return NULL;
  if (ip >= limit) return fail(ps, p, GCPULSE_REASON_OVERFLOW, what);
  uint64_t v = ip * pow10_u32[digits];
  const char *e = ps->end;
  if (q < e && *q == '.') {
    q++;
    if (q >= e) return fail(ps, q, GCPULSE_REASON_TRUNCATED, what);
    if (!is_digit(*q)) return fail(ps, q, GCPULSE_REASON_MALFORMED, what);
    uint32_t f = 0;
    unsigned nd = 0;
    do {
      if (nd < digits) {
        f = f * 10u + (unsigned)(*q - '0');
        nd++;
      }
      q++;
    } while (q < e && is_digit(*q));
    v += (uint64_t)f * pow10_u32[digits - nd];
  }
  *scaled = v;
  return q;
}

/* A millisecond value as fmtNSAsMS prints it ("0", "0.045", "1.3", "2192"),
 * stored as integer nanoseconds.  Decimals past the sixth are ignored.
 * Below 10^12 ms (31 years of CPU) so sums stay < 2^63. */
GO_INLINE const char *ms_(pst *ps, const char *p, uint64_t *ns) {
  return fixed_(ps, p, UINT64_C(1000000000000), 6, "a millisecond value",
                ns);
}

/* Whether V units of 2^SHIFT bytes stay below GCPULSE_INT_MAX. */
GO_INLINE int fits_(uint64_t v, unsigned shift) {
  return v <= ((GCPULSE_INT_MAX - 1) >> shift);
}

/* Size in units of 2^SHIFT bytes -> bytes (overflow is a diagnostic). */
GO_INLINE const char *shifted_(pst *ps, const char *p, unsigned shift,
                               const char *what, uint64_t *bytes) {
  uint64_t v;
  const char *q = num_(ps, p, &v, what);
  if (q == NULL) return NULL;
  if (!fits_(v, shift))
    return fail(ps, p, GCPULSE_REASON_OVERFLOW, what);
  *bytes = v << shift;
  return q;
}

/* Size in MiB -> bytes. */
GO_INLINE const char *mib_(pst *ps, const char *p, uint64_t *bytes) {
  return shifted_(ps, p, 20, "a size in MB", bytes);
}

/* Size in KiB -> bytes. */
GO_INLINE const char *kib_(pst *ps, const char *p, uint64_t *bytes) {
  return shifted_(ps, p, 10, "a size in KiB", bytes);
}

/* Seconds with up to three decimals ("0.019", "77536.239") -> seconds. */
GO_INLINE const char *secs_(pst *ps, const char *p, double *t) {
  uint64_t ms;
  const char *q = fixed_(ps, p, UINT64_C(1000000000000000), 3,
                         "seconds since start", &ms);
  if (q != NULL) *t = (double)ms / 1000.0;
  return q;
}

static inline double ns_to_ms(uint64_t ns) { return (double)ns / 1e6; }

/* Report the failure recorded in PS as a diagnostic; returns the sink's
 * verdict (< 0 stop) or 1 (line recognised). */
static int report(const pst *ps, const char *s, const gcpulse__sink *k) {
  int rc = k->diag(k->ctx, ps->err_reason, (size_t)(ps->err_at - s),
                   ps->err_what);
  return rc < 0 ? rc : 1;
}

/* After a complete record: an optional known suffix SUF (" (forced)") sets
 * *HIT.  Other trailing text is tolerated (foreign bytes appended to a
 * runtime line), except a line that stops inside SUF or SUF2, which is
 * reported as TRUNCATED (the event is still complete).  Returns 1 if such a
 * truncated suffix was seen. */
static int tail_(const char *p, const char *end, const char *suf, size_t len,
                 const char *suf2, size_t len2, int *hit, int *hit2) {
  size_t avail = (size_t)(end - p);
  if (avail == 0) return 0;
  if (avail >= len && memcmp(p, suf, len) == 0) {
    *hit = 1;
    return 0;
  }
  if (suf2 && avail >= len2 && memcmp(p, suf2, len2) == 0) {
    *hit2 = 1;
    return 0;
  }
  if (avail < len && memcmp(p, suf, avail) == 0) return 1;
  if (suf2 && avail < len2 && memcmp(p, suf2, avail) == 0) return 1;
  return 0;
}

/* ---------------------------------------------------------------------
 * Event helpers
 * --------------------------------------------------------------------- */

/* The reused records (see gcpulse__go): reset every field any grammar of
 * that kind writes; the rest stays zero from init. */
static gcpulse_event_t *cycle_rec(gcpulse__go *g) {
  gcpulse_event_t *ev = &g->cyc;
  ev->known = 0;
  ev->flags = 0;
  ev->seq = 0;
  ev->t = 0;
  ev->pause_ms = ev->concurrent_ms = ev->gc_cpu_ms = 0;
  ev->cpu_assist_ms = ev->cpu_background_ms = ev->cpu_idle_ms = 0;
  ev->heap_before = ev->heap_after = ev->heap_live = ev->heap_goal = 0;
  ev->stacks = ev->globals = 0;
  ev->procs = 0;
  ev->gc_cpu_pct_total = 0;
  return ev;
}

static gcpulse_event_t *scav_rec(gcpulse__go *g) {
  gcpulse_event_t *ev = &g->scav;
  ev->known = 0;
  ev->flags = 0;
  ev->seq = 0;
  ev->t = 0;
  ev->released = ev->retained = 0;
  return ev;
}

/* Every Go event leaves through here: the range check after scaling. */
static int go_emit(const gcpulse__sink *k, gcpulse_event_t *ev) {
  int rc = gcpulse__event_sane(ev, k);
  return rc < 0 ? rc : k->event(k->ctx, ev);
}

#define KNOW(ev, f) ((ev)->known |= GCPULSE_BIT(GCPULSE_FIELD_##f))

/* Lines of one process in a row after which the other one (the run before
 * the last restart) is forgotten: interleaving shows within a few lines,
 * and a new run whose numbers and clock pass the old run's must not be
 * taken for it. */
#define ALT_QUIET 16

static void go_swap_runs(gcpulse__go *g) {
  uint64_t s = g->last_seq;
  double t = g->last_t;
  int hs = g->have_seq, ht = g->have_t;
  g->last_seq = g->alt_seq;
  g->last_t = g->alt_t;
  g->have_seq = g->alt_have_seq;
  g->have_t = g->alt_have_t;
  g->alt_seq = s;
  g->alt_t = t;
  g->alt_have_seq = hs;
  g->alt_have_t = ht;
  g->have_dt = g->have_cand = 0; /* kept for the current process only */
}

/* Sequence bookkeeping for a gc line with number SEQ (and time T when
 * HAVE_T) at column COL.  The line continues the current process when SEQ
 * is above its last one.  It continues the other one (the run before the
 * last restart) when SEQ is above that one's last, closer, at a time not
 * before its last: two processes write to one stream, reported once
 * (INTERLEAVED), and no restart.  Else SEQ not advancing is a restart
 * (RESTART in *FLAGS; SEQ_REUSED too when SEQ > 1).  The same number at
 * the same time again is a duplicated line: SEQ_REUSED, returns 1 (drop). */
static int seq_step(gcpulse__go *g, const gcpulse__sink *k, uint64_t seq,
                    double t, int have_t, size_t col, uint32_t *flags) {
  int rc = 0;
  if (g->have_seq && seq == g->last_seq && have_t &&
      ((g->have_t && t == g->last_t) || (g->have_cand && t == g->cand_t))) {
    rc = k->diag(k->ctx, GCPULSE_REASON_SEQ_REUSED, col,
                 "a new GC number (duplicated line dropped)");
    return rc < 0 ? rc : 1;
  }
  int cur = !g->have_seq || seq > g->last_seq;
  int alt = g->alt_have_seq && seq > g->alt_seq &&
            !(have_t && g->alt_have_t && t < g->alt_t);
  if (alt && (!cur || seq - g->alt_seq < seq - g->last_seq)) {
    go_swap_runs(g);
    if (!g->interleaved) {
      g->interleaved = 1;
      rc = k->diag(k->ctx, GCPULSE_REASON_INTERLEAVED, col,
                   "one process per stream (two write here; not a restart)");
      if (rc < 0) return rc;
    }
    g->alt_quiet = 0;
  } else if (!cur) {
    g->alt_quiet = 0;
    *flags |= GCPULSE_EV_RESTART;
    g->alt_seq = g->last_seq;
    g->alt_t = g->last_t;
    g->alt_have_seq = 1;
    g->alt_have_t = g->have_t;
    g->have_t = 0; /* a new run: its clock starts again */
    g->have_dt = g->have_cand = 0;
    if (seq > 1)
      rc = k->diag(k->ctx, GCPULSE_REASON_SEQ_REUSED, col,
                   "a GC number above the previous one");
  } else if (g->alt_have_seq && ++g->alt_quiet > ALT_QUIET) {
    g->alt_have_seq = 0; /* the other process is gone (a plain restart) */
  }
  g->have_seq = 1;
  g->last_seq = seq;
  if (g->forced_pending) {
    *flags |= GCPULSE_EV_FORCED_PERIODIC;
    g->forced_pending = 0;
  }
  return rc;
}

/* A forward step longer than both of these is a jump: one corrupted
 * digit ("@115.6s" for "@15.6s") looks like one.  Go runs a forced GC at
 * least every 2 minutes while GC is on, so steady idle steps stay below
 * the factor. */
#define GO_JUMP_MIN_S 10.0
#define GO_JUMP_FACTOR 10.0
/* A periodic forced GC ("GC forced" before its line) comes 2 minutes after
 * the last GC, or up to a minute later when sysmon sleeps: not a jump. */
#define GO_FORCED_MAX_S 190.0

/* Time bookkeeping for a trace time T at column COL.  A time above 10
 * years, or before the last trusted one, is SUSPECT_TIME and does not
 * become the clock.  A jump forward is SUSPECT_TIME too and becomes a
 * candidate: the next timed line confirms it (not before it: the process
 * really was quiet; the clock moves on) or shows it was the outlier (the
 * next line continues the old clock and is accepted as usual). */
static int time_step(gcpulse__go *g, const gcpulse__sink *k, double t,
                     size_t col, uint32_t *flags) {
  if (g->have_cand && t >= g->cand_t) { /* the jump is confirmed */
    g->last_dt = g->cand_t - g->last_t;
    g->have_dt = 1;
    g->last_t = g->cand_t;
  }
  g->have_cand = 0;
  if (t > GO_T_MAX_S || (g->have_t && t < g->last_t)) {
    *flags |= GCPULSE_EV_SUSPECT_TIME;
    return k->diag(k->ctx, GCPULSE_REASON_SUSPECT_TIME, col,
                   "a time since start under 10 years, not going backwards");
  }
  double dt = t - g->last_t;
  int periodic = (*flags & GCPULSE_EV_FORCED_PERIODIC) && dt <= GO_FORCED_MAX_S;
  if (g->have_t && dt > GO_JUMP_MIN_S && !periodic &&
      (!g->have_dt || dt > GO_JUMP_FACTOR * g->last_dt)) {
    *flags |= GCPULSE_EV_SUSPECT_TIME;
    g->have_cand = 1;
    g->cand_t = t;
    return k->diag(k->ctx, GCPULSE_REASON_SUSPECT_TIME, col,
                   "no jump forward in time (unless the next line confirms it)");
  }
  g->have_dt = g->have_t;
  g->last_dt = dt;
  g->have_t = 1;
  g->last_t = t;
  return 0;
}

/* Time for events whose line has none. */
static double borrowed_t(const gcpulse__go *g) {
  return g->have_t ? g->last_t : 0.0;
}

/* ---------------------------------------------------------------------
 * gc lines
 * --------------------------------------------------------------------- */

/* Go 1.5+ line; P is just past "gc ", SEQ and the "@" already checked
 * (AT points at '@'). */
/* The numbers of one modern line, as scanned. */
typedef struct modern_line {
  uint64_t seq, pct, v[7], ck[5], h0, h1, h2, goal, stacks, globals, procs;
  double t;
  int nclock, sg, forced, cut;
} modern_line;

/* Scan the modern grammar from P (the cycle number) and AT (the '@') into
 * M; the position after the line, or NULL with the failure recorded. */
static const char *scan_modern(pst *ps, const char *p, const char *at,
                               modern_line *m) {
  uint64_t x;
  m->nclock = 1;
  const char *q = NUM(ps, p, &m->seq); /* digits and " @" checked by at_gc */
  if (q == NULL) return NULL;          /* more than 19 digits */
  if (!(q = secs_(ps, at + 1, &m->t))) return NULL;
  if (!(q = LIT(ps, q, "s "))) return NULL;
  if (!(q = numlim_(ps, q, &m->pct, UINT32_MAX, "a GC CPU percentage"))) return NULL;
  if (!(q = LIT(ps, q, "%: "))) return NULL;
  if (!(q = ms_(ps, q, &m->ck[0]))) return NULL;
  while (q < ps->end && *q == '+') {
    if (m->nclock == 5) {
      fail(ps, q, GCPULSE_REASON_MALFORMED, "3 or 5 clock phases");
      return NULL;
    }
    if (!(q = ms_(ps, q + 1, &m->ck[m->nclock++]))) return NULL;
  }
  if (m->nclock != 3 && m->nclock != 5) {
    fail(ps, q, q >= ps->end ? GCPULSE_REASON_TRUNCATED : GCPULSE_REASON_MALFORMED,
         "3 or 5 clock phases");
    return NULL;
  }
  if (!(q = LIT(ps, q, " ms clock, "))) return NULL;
  /* CPU: 1.6+ A+B/C/D+E ; 1.5 A+B+C+D/E/F+G */
  int nv = m->nclock == 3 ? 5 : 7;
  int slash0 = m->nclock == 3 ? 1 : 3; /* index of the first '/'-joined value */
  for (int i = 0; i < nv; i++) {
    if (i > 0) {
      int slash = (i == slash0 + 1 || i == slash0 + 2);
      if (slash) {
        if (!(q = LIT(ps, q, "/"))) return NULL;
      } else {
        if (!(q = LIT(ps, q, "+"))) return NULL;
      }
    }
    if (!(q = ms_(ps, q, &m->v[i]))) return NULL;
  }
  if (!(q = LIT(ps, q, " ms cpu, "))) return NULL;
  if (!(q = mib_(ps, q, &m->h0))) return NULL;
  if (!(q = LIT(ps, q, "->"))) return NULL;
  if (!(q = mib_(ps, q, &m->h1))) return NULL;
  if (!(q = LIT(ps, q, "->"))) return NULL;
  if (!(q = mib_(ps, q, &m->h2))) return NULL;
  if (!(q = LIT(ps, q, " MB, "))) return NULL;
  if (!(q = mib_(ps, q, &m->goal))) return NULL;
  if (!(q = LIT(ps, q, " MB goal, "))) return NULL;
  const char *xq = q;
  if (!(q = NUM(ps, q, &x))) return NULL;
  if ((size_t)(ps->end - q) >= 2 && q[0] == ' ' && q[1] == 'P') {
    m->procs = x;
    q += 2;
  } else {
    if (!(q = lit_(ps, q, " MB stacks, ", 12, "' P' or ' MB stacks, '")))
      return NULL;
    if (!fits_(x, 20)) {
      fail(ps, xq, GCPULSE_REASON_OVERFLOW, "a size in MB");
      return NULL;
    }
    m->stacks = x << 20;
    m->sg = 1;
    if (!(q = mib_(ps, q, &m->globals))) return NULL;
    if (!(q = LIT(ps, q, " MB globals, "))) return NULL;
    if (!(q = NUM(ps, q, &m->procs))) return NULL;
    if (!(q = LIT(ps, q, " P"))) return NULL;
  }
  if (m->procs > UINT32_MAX) {
    fail(ps, q - 2, GCPULSE_REASON_OVERFLOW, "a processor count");
    return NULL;
  }
  if (q < ps->end && is_word(*q)) {
    fail(ps, q, GCPULSE_REASON_MALFORMED, "end of line after ' P'");
    return NULL;
  }
  int unused = 0;
  m->cut = tail_(q, ps->end, " (forced)", 9, NULL, 0, &m->forced, &unused);
  return q;
}

/* The event's fields from a scanned modern line. */
static void fill_modern(gcpulse_event_t *ev, const modern_line *m) {
  uint64_t pause, conc, cpu;
  const uint64_t *ck = m->ck, *v = m->v;
  if (m->nclock == 3) {
    pause = ck[0] + ck[2];
    conc = ck[1];
    cpu = v[0] + v[1] + v[2] + v[3] + v[4];
    ev->cpu_assist_ms = ns_to_ms(v[1]);
    ev->cpu_background_ms = ns_to_ms(v[2]);
    ev->cpu_idle_ms = ns_to_ms(v[3]);
  } else {
    pause = ck[0] + ck[2] + ck[4];
    conc = ck[1] + ck[3];
    cpu = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6];
    ev->cpu_assist_ms = ns_to_ms(v[3]);
    ev->cpu_background_ms = ns_to_ms(v[4]);
    ev->cpu_idle_ms = ns_to_ms(v[5]);
  }
  ev->seq = m->seq;
  ev->t = m->t;
  ev->pause_ms = ns_to_ms(pause);
  ev->concurrent_ms = ns_to_ms(conc);
  ev->gc_cpu_ms = ns_to_ms(cpu);
  ev->heap_before = m->h0;
  ev->heap_after = m->h1;
  ev->heap_live = m->h2;
  ev->heap_goal = m->goal;
  ev->procs = (uint32_t)m->procs;
  ev->gc_cpu_pct_total = (uint32_t)m->pct;
  ev->known = GCPULSE_BIT(GCPULSE_FIELD_SEQ) | GCPULSE_BIT(GCPULSE_FIELD_T) |
             GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_CPU_ASSIST_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_CPU_BACKGROUND_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_CPU_IDLE_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_GOAL) |
             GCPULSE_BIT(GCPULSE_FIELD_PROCS) |
             GCPULSE_BIT(GCPULSE_FIELD_GC_CPU_PCT_TOTAL);
  if (m->sg) {
    ev->stacks = m->stacks;
    ev->globals = m->globals;
    KNOW(ev, STACKS);
    KNOW(ev, GLOBALS);
  }
}

static int parse_gc_modern(gcpulse__go *g, const char *s, pst *ps,
                           const char *p, const char *at,
                           const gcpulse__sink *k) {
  modern_line m;
  memset(&m, 0, sizeof m);
  if (scan_modern(ps, p, at, &m) == NULL) {
    /* the cycle happened even though its line is unusable */
    g->forced_pending = 0;
    return report(ps, s, k);
  }
  gcpulse_event_t *ev = cycle_rec(g);
  int rc = seq_step(g, k, m.seq, m.t, 1, (size_t)(p - s), &ev->flags);
  if (rc != 0) return rc < 0 ? rc : 1;
  rc = time_step(g, k, m.t, (size_t)(at - s), &ev->flags);
  if (rc < 0) return rc;
  /* two processes: the one behind is counted at the other's clock */
  if (g->interleaved && g->alt_have_t && m.t < g->alt_t)
    ev->flags |= GCPULSE_EV_SUSPECT_TIME;
  if (m.forced) ev->flags |= GCPULSE_EV_FORCED;
  fill_modern(ev, &m);
  rc = go_emit(k, ev);
  if (rc < 0) return rc;
  if (m.cut) {
    rc = k->diag(k->ctx, GCPULSE_REASON_TRUNCATED, (size_t)(ps->end - s),
                 "' (forced)'");
    if (rc < 0) return rc;
  }
  return 1;
}

/* Go <= 1.4 line "gcN(P): a+b+c+d us, X -> Y MB, N (A-F) objects,
 * [G goroutines, ]s/s/s sweeps, h(h) handoff, s(s) steal, y/y/y yields";
 * P points just past "gc", validated up to '('. */
static int parse_gc_old(gcpulse__go *g, const char *s, pst *ps,
                        const char *p, const gcpulse__sink *k) {
  uint64_t seq, procs, us[4], h0, h1, x;
  const char *q = NUM(ps, p, &seq);
  if (q == NULL) goto bad;
  if (!(q = LIT(ps, q, "("))) goto bad;
  if (!(q = numlim_(ps, q, &procs, UINT32_MAX, "a processor count")))
    goto bad;
  if (!(q = LIT(ps, q, "): "))) goto bad;
  for (int i = 0; i < 4; i++) {
    if (i > 0 && !(q = LIT(ps, q, "+"))) goto bad;
    if (!(q = numlim_(ps, q, &us[i], UINT64_C(1000000000000000),
                      "a time in us")))
      goto bad;
  }
  if (!(q = LIT(ps, q, " us, "))) goto bad;
  if (!(q = mib_(ps, q, &h0))) goto bad;
  if (!(q = LIT(ps, q, " -> "))) goto bad;
  if (!(q = mib_(ps, q, &h1))) goto bad;
  if (!(q = LIT(ps, q, " MB, "))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, " ("))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, "-"))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, ") objects, "))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (q < ps->end && *q == ' ') { /* Go 1.4: "G goroutines, " */
    if (!(q = LIT(ps, q, " goroutines, "))) goto bad;
    if (!(q = NUM(ps, q, &x))) goto bad;
  }
  if (!(q = LIT(ps, q, "/"))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, "/"))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, " sweeps, "))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, "("))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, ") handoff, "))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, "("))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, ") steal, "))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, "/"))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, "/"))) goto bad;
  if (!(q = NUM(ps, q, &x))) goto bad;
  if (!(q = LIT(ps, q, " yields"))) goto bad;
  if (q < ps->end && is_word(*q)) {
    fail(ps, q, GCPULSE_REASON_MALFORMED, "end of line after ' yields'");
    goto bad;
  }

  gcpulse_event_t *ev = cycle_rec(g);
  int rc = seq_step(g, k, seq, 0, 0, (size_t)(p - s), &ev->flags);
  if (rc < 0) return rc;
  ev->flags |= GCPULSE_EV_SUSPECT_TIME; /* no time on the line */
  ev->seq = seq;
  ev->t = borrowed_t(g);
  ev->pause_ms = ns_to_ms((us[0] + us[1] + us[2] + us[3]) * 1000u);
  ev->heap_before = h0;
  ev->heap_after = h1;
  ev->procs = (uint32_t)procs;
  ev->known = GCPULSE_BIT(GCPULSE_FIELD_SEQ) |
             GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
             GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER) |
             GCPULSE_BIT(GCPULSE_FIELD_PROCS);
  rc = go_emit(k, ev);
  return rc < 0 ? rc : 1;
bad:
  g->forced_pending = 0;
  return report(ps, s, k);
}

/* Anchor "gc" at A (word boundary checked).  Returns 0 when A is not a
 * trace anchor after all, else the line's result. */
static int at_gc(gcpulse__go *g, const char *s, pst *ps, const char *a,
                 const gcpulse__sink *k) {
  const char *e = ps->end, *p = a + 2;
  if (p < e && *p == ' ') { /* "gc N @" */
    const char *d = p + 1;
    if (d >= e || !is_digit(*d)) return 0;
    const char *q = d + 1;
    while (q < e && is_digit(*q)) q++;
    if ((size_t)(e - q) < 2 || q[0] != ' ' || q[1] != '@') return 0;
    return parse_gc_modern(g, s, ps, d, q + 1, k);
  }
  if (p < e && is_digit(*p)) { /* "gcN(" */
    const char *q = p + 1;
    while (q < e && is_digit(*q)) q++;
    if (q >= e || *q != '(') return 0;
    return parse_gc_old(g, s, ps, p, k);
  }
  return 0;
}

/* ---------------------------------------------------------------------
 * Scavenger lines
 * --------------------------------------------------------------------- */

/* "scvg" at A: Go <= 1.13 scavenger.  Forms after the anchor:
 *   N: | -1: | :   then   "inuse: I, idle: D, sys: S, released: R,
 *   consumed: C (MB)"  or  "X MB released" ("X KB released" in 1.14 betas). */
static int at_scvg(gcpulse__go *g, const char *s, pst *ps, const char *a,
                   const gcpulse__sink *k) {
  const char *e = ps->end, *p = a + 4;
  uint64_t gen = 0;
  int have_gen = 0, forced = 0;
  if (p >= e) return 0;
  if (*p == '-') {
    if (p + 1 >= e || !is_digit(p[1])) return 0;
  } else if (!is_digit(*p) && *p != ':') {
    return 0;
  }
  /* committed: this is a scavenger line */
  const char *q = p;
  if (*q == '-') { /* scvg-1: debug.FreeOSMemory */
    uint64_t neg;
    if (!(q = NUM(ps, q + 1, &neg))) return report(ps, s, k);
    forced = 1;
  } else if (is_digit(*q)) {
    if (!(q = NUM(ps, q, &gen))) return report(ps, s, k);
    have_gen = 1;
  }
  if (a - s >= 7 && memcmp(a - 7, "forced ", 7) == 0) forced = 1; /* 1.13 */
  if (!(q = LIT(ps, q, ": "))) return report(ps, s, k);

  gcpulse_event_t *ev = scav_rec(g);
  if (q < e && *q == 'i') {
    uint64_t inuse, idle, sys, rel, cons;
    if (!(q = LIT(ps, q, "inuse: "))) return report(ps, s, k);
    if (!(q = mib_(ps, q, &inuse))) return report(ps, s, k);
    if (!(q = LIT(ps, q, ", idle: "))) return report(ps, s, k);
    if (!(q = mib_(ps, q, &idle))) return report(ps, s, k);
    if (!(q = LIT(ps, q, ", sys: "))) return report(ps, s, k);
    if (!(q = mib_(ps, q, &sys))) return report(ps, s, k);
    if (!(q = LIT(ps, q, ", released: "))) return report(ps, s, k);
    if (!(q = mib_(ps, q, &rel))) return report(ps, s, k);
    if (!(q = LIT(ps, q, ", consumed: "))) return report(ps, s, k);
    if (!(q = mib_(ps, q, &cons))) return report(ps, s, k);
    if (!(q = LIT(ps, q, " (MB)"))) return report(ps, s, k);
    ev->retained = cons;
    KNOW(ev, RETAINED);
  } else {
    uint64_t x;
    if (!(q = NUM(ps, q, &x))) return report(ps, s, k);
    int shift;
    if ((size_t)(e - q) >= 3 && memcmp(q, " KB", 3) == 0) {
      shift = 10;
      q += 3;
    } else {
      if (!(q = LIT(ps, q, " MB"))) return report(ps, s, k);
      shift = 20;
    }
    if (!(q = LIT(ps, q, " released"))) return report(ps, s, k);
    if (!fits_(x, (unsigned)shift)) {
      fail(ps, q, GCPULSE_REASON_OVERFLOW, "a size");
      return report(ps, s, k);
    }
    ev->released = x << shift;
    KNOW(ev, RELEASED);
  }
  if (have_gen) {
    ev->seq = gen;
    KNOW(ev, SEQ);
  }
  if (forced) ev->flags |= GCPULSE_EV_FORCED;
  ev->t = borrowed_t(g);
  g->scav_seq++;
  int rc = go_emit(k, ev);
  return rc < 0 ? rc : 1;
}

/* "scav " at A followed by a digit: Go 1.14+ scavtrace.
 *   1.14, 1.19-1.20: "scav W KiB work, T KiB total, U% util"
 *   1.15-1.18:       "scav GEN W KiB work, T KiB total, U% util"
 *   1.21+:           "scav B KiB work (bg), E KiB work (eager), N KiB now, U% util"
 * plus an optional " (forced)" or " [controller reset]". */
static int at_scav(gcpulse__go *g, const char *s, pst *ps, const char *a,
                   const gcpulse__sink *k) {
  const char *e = ps->end, *q = a + 5;
  uint64_t v1, gen = 0, work, other, util;
  int have_gen = 0;
  if (q >= e || !is_digit(*q)) return 0;
  if (!(q = NUM(ps, q, &v1))) return report(ps, s, k);
  if ((size_t)(e - q) >= 2 && q[0] == ' ' && is_digit(q[1])) { /* GEN form */
    gen = v1;
    have_gen = 1;
    if (!(q = kib_(ps, q + 1, &work))) return report(ps, s, k);
  } else {
    if (!fits_(v1, 10)) {
      fail(ps, a + 5, GCPULSE_REASON_OVERFLOW, "a size in KiB");
      return report(ps, s, k);
    }
    work = v1 << 10;
  }
  if (!(q = LIT(ps, q, " KiB work"))) return report(ps, s, k);
  if (!have_gen && (size_t)(e - q) >= 7 && memcmp(q, " (bg), ", 7) == 0) {
    uint64_t eager;
    q += 7;
    if (!(q = kib_(ps, q, &eager))) return report(ps, s, k);
    if (!(q = LIT(ps, q, " KiB work (eager), "))) return report(ps, s, k);
    if (!(q = kib_(ps, q, &other))) return report(ps, s, k);
    if (!(q = LIT(ps, q, " KiB now, "))) return report(ps, s, k);
    work += eager;
  } else {
    if (!(q = LIT(ps, q, ", "))) return report(ps, s, k);
    if (!(q = kib_(ps, q, &other))) return report(ps, s, k);
    if (!(q = LIT(ps, q, " KiB total, "))) return report(ps, s, k);
  }
  if (!(q = NUM(ps, q, &util))) return report(ps, s, k);
  if (!(q = LIT(ps, q, "% util"))) return report(ps, s, k);
  int forced = 0, reset = 0;
  int cut = tail_(q, e, " (forced)", 9, " [controller reset]", 19, &forced,
                  &reset);
  gcpulse_event_t *ev = scav_rec(g);
  ev->released = work;
  KNOW(ev, RELEASED);
  if (have_gen) {
    ev->seq = gen;
    KNOW(ev, SEQ);
  }
  if (forced) ev->flags |= GCPULSE_EV_FORCED;
  ev->t = borrowed_t(g);
  g->scav_seq++;
  int rc = go_emit(k, ev);
  if (rc < 0) return rc;
  if (cut) {
    rc = k->diag(k->ctx, GCPULSE_REASON_TRUNCATED, (size_t)(e - s),
                 "' (forced)' or ' [controller reset]'");
    if (rc < 0) return rc;
  }
  return 1;
}

/* Anchor "sc" at A. */
static int at_sc(gcpulse__go *g, const char *s, pst *ps, const char *a,
                 const gcpulse__sink *k, int *skip) {
  const char *e = ps->end;
  size_t avail = (size_t)(e - a);
  if (avail < 5) return 0;
  if (a[2] == 'v' && a[3] == 'g') return at_scvg(g, s, ps, a, k);
  if (a[2] == 'a' && a[3] == 'v' && a[4] == ' ') return at_scav(g, s, ps, a, k);
  if (a[2] == 'a' && avail >= 17 && memcmp(a, "scan: ", 6) == 0 &&
      (memcmp(a + 6, "total ", 6) == 0 || memcmp(a + 6, "class ", 6) == 0) &&
      (memcmp(e - 5, " objs", 5) == 0 || memcmp(e - 6, " spans", 6) == 0)) {
    *skip = GCPULSE_REASON_GO_INFO; /* Go 1.25 gctrace=2 scan statistics */
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------------
 * Line entry point
 * --------------------------------------------------------------------- */

int gcpulse__go_line(gcpulse__go *g, const char *s, size_t n,
                     const gcpulse__sink *k, int *skip) {
  const char *end = s + n;
  while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;
  pst ps;
  ps.end = end;
  ps.err_at = NULL;
  ps.err_what = NULL;
  ps.err_reason = GCPULSE_REASON_MALFORMED;
  if (end - s < 2) {
    *skip = GCPULSE_REASON_FOREIGN;
    return 0;
  }
  /* the periodic forced-GC notice: "GC forced" ends the line */
  if (end[-1] == 'd' && end - s >= 9 && memcmp(end - 9, "GC forced", 9) == 0 &&
      (end - 9 == s || !is_word(end[-10]))) {
    g->forced_pending = 1;
    *skip = GCPULSE_REASON_GO_INFO;
    return 1;
  }
  const char *c = s + 1;
  while (c < end) {
    if (*c != 'c') {
      c = memchr(c, 'c', (size_t)(end - c));
      if (c == NULL) break;
    }
    const char *a = c - 1;
    if ((*a == 'g' || *a == 's') && (a == s || !is_word(a[-1]))) {
      int r = *a == 'g' ? at_gc(g, s, &ps, a, k)
                        : at_sc(g, s, &ps, a, k, skip);
      if (r != 0) return r;
    }
    c++;
  }
  *skip = GCPULSE_REASON_FOREIGN;
  return 0;
}

/*
 * jvm/envelope.c — HotSpot GC logs -> events: the line entry point, the
 * unified-logging envelope (JDK 9+), and restart detection.  The message
 * grammars live in jvm/messages.c, the open GC-id table and emission in
 * jvm/gcid_table.c, JDK 8 legacy records in jvm/legacy.c.
 *
 * Design.
 *  - One pass per line, no regex, no allocation.  The envelope scanner reads
 *    leading "[...]" fields with one forward scan each (a byte-class table
 *    finds the end of the token, skips its padding and tells whether it can
 *    be a tag set) and classifies each by shape: ISO date, "1.2s", "12ms",
 *    "12ns", level keyword, tag list, bare number, hostname; the first
 *    bracket that cannot be a decorator ends the envelope.  The time of a
 *    line is the uptime-like decorator when there is one, else the
 *    wall-clock decorator relative to the first wall-clock time seen;
 *    undecorated lines inherit the last known time.
 *  - An optional "GC(N) " and a generational-ZGC "Y:"/"O:"/"y:" prefix are
 *    taken off, then the message goes to gcpulse__jvm_body (jvm/messages.c).
 *    Lines with neither decorators nor an id are offered to the JDK 8
 *    grammar first while the stream may be a legacy log.
 *  - Restarts.  Several JVM runs may follow each other in one stream.  A
 *    new run is recognised by
 *      * an uptime decorator at least RESTART_BACK_S earlier than the last
 *        one (uptime never goes back within a run; a new run starts near 0),
 *      * "GC(0)" after larger ids of this run, when no GC(0) event is still
 *        open (Serial's full GC nested in GC(0) keeps its lines),
 *      * a banner line ("Using <collector>", "Version: ") after this run
 *        already had GC lines,
 *      * JDK 8: a VM header line ("OpenJDK ... VM", "Java HotSpot(TM) ...")
 *        after records, or a record starting RESTART_BACK_S before the
 *        previous one.
 *    The old run is then closed like at the end of the stream (its held and
 *    open events are emitted, unfinished ones SYNTHETIC), the per-run state
 *    (collector, region size, id range, pending OOM) is forgotten, and the
 *    next event emitted carries GCPULSE_EV_RESTART, which resets the
 *    window.  Times keep their origin: uptime restarts near 0 with the run,
 *    wall-clock time stays relative to the first line of the stream.
 */
#include "jvm.h"

#include <math.h>
#include <string.h>

typedef gcpulse__jline jline;

/* GC-id lines of one run in a row after which the other run (the one
 * before the last restart) is forgotten: interleaving shows within a few
 * GCs, and a new run whose ids and uptime pass the old run's must not be
 * taken for it. */
#define ALT_QUIET_LINES 64

/* Uptime going back by at least this much starts a new run. */
#define RESTART_BACK_S 0.25

size_t gcpulse__jvm_size(const gcpulse_config_t *cfg) {
  int n = cfg && cfg->jvm_open_events > 0 ? cfg->jvm_open_events : 64;
  return sizeof(struct gcpulse__jvm) + (size_t)n * sizeof(gcpulse__jvm_entry);
}

void gcpulse__jvm_init(gcpulse__jvm *p, const gcpulse_config_t *cfg) {
  int n = cfg && cfg->jvm_open_events > 0 ? cfg->jvm_open_events : 64;
  memset(p, 0, gcpulse__jvm_size(cfg));
  p->n_slots = n;
  gcpulse__jvm8_init(&p->legacy);
}

void gcpulse__jvm_reset(gcpulse__jvm *p) {
  int n = p->n_slots;
  memset(p, 0, sizeof *p + (size_t)n * sizeof(gcpulse__jvm_entry));
  p->n_slots = n;
  gcpulse__jvm8_init(&p->legacy);
}

int gcpulse__jvm_collector(const gcpulse__jvm *p) {
  if (p->collector != GCPULSE_COLLECTOR_UNKNOWN) return p->collector;
  return p->legacy.collector;
}

/* ------------------------------------------------------------------ */
/* envelope                                                            */

static int env_is_digit(char c) { return (unsigned)(c - '0') <= 9u; }

/* Exactly N digits at P -> *V. */
static int digits_n(const char *p, int n, int *v) {
  int x = 0;
  for (int i = 0; i < n; i++) {
    if (!env_is_digit(p[i])) return 0;
    x = x * 10 + (p[i] - '0');
  }
  *v = x;
  return 1;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* "2022-01-29T16:34:51.642+0000" (offset optional, ':' in it tolerated) ->
 * seconds since the epoch.  Returns 1 on success. */
static int scan_iso(const char *p, const char *e, double *out) {
  int Y, M, D, h, mi, s;
  if (e - p < 19 || p[4] != '-' || p[7] != '-' || p[10] != 'T' ||
      p[13] != ':' || p[16] != ':')
    return 0;
  if (!digits_n(p, 4, &Y) || !digits_n(p + 5, 2, &M) ||
      !digits_n(p + 8, 2, &D) || !digits_n(p + 11, 2, &h) ||
      !digits_n(p + 14, 2, &mi) || !digits_n(p + 17, 2, &s))
    return 0;
  double t = (double)days_from_civil(Y, M, D) * 86400.0 + h * 3600.0 +
             mi * 60.0 + s;
  const char *q = p + 19;
  if (q < e && (*q == '.' || *q == ',')) {
    double scale = 0.1;
    for (q++; q < e && env_is_digit(*q); q++, scale *= 0.1) t += (*q - '0') * scale;
  }
  if (q < e && (*q == '+' || *q == '-')) {
    int oh, om = 0;
    int sign = *q == '-' ? -1 : 1;
    q++;
    if (e - q >= 2 && digits_n(q, 2, &oh)) {
      q += 2;
      if (q < e && *q == ':') q++;
      if (e - q >= 2 && digits_n(q, 2, &om)) q += 2;
      t -= sign * (oh * 3600.0 + om * 60.0);
    }
  }
  *out = t;
  return 1;
}

static int is_level(const char *p, size_t n) {
  switch (n) {
  case 4: return memcmp(p, "info", 4) == 0;
  case 5: return memcmp(p, "debug", 5) == 0 || memcmp(p, "trace", 5) == 0 ||
                 memcmp(p, "error", 5) == 0;
  case 7: return memcmp(p, "warning", 7) == 0;
  default: return 0;
  }
}

/* Byte classes for the decorator scan: TAG bytes may appear in a tag set
 * ([a-z0-9,_]); STOP bytes end a token (']', ' ', '\t'). */
enum { C_TAG = 1, C_STOP = 2 };
#define TAGS8(c) [c] = C_TAG, [c + 1] = C_TAG, [c + 2] = C_TAG, [c + 3] = C_TAG, \
    [c + 4] = C_TAG, [c + 5] = C_TAG, [c + 6] = C_TAG, [c + 7] = C_TAG
static const unsigned char byte_class[256] = {
    TAGS8('a'), TAGS8('i'), TAGS8('q'), ['y'] = C_TAG, ['z'] = C_TAG,
    TAGS8('0'), ['8'] = C_TAG, ['9'] = C_TAG, [','] = C_TAG, ['_'] = C_TAG,
    [']'] = C_STOP, [' '] = C_STOP, ['\t'] = C_STOP,
};
#undef TAGS8

/* Years of milliseconds beyond which an "ms"/"ns" decorator is wall time. */
#define WALL_CUT_S (10.0 * 365.25 * 86400.0)

/* Read the decorators of [S, E) into *L, the line time into p->t_line, and
 * the uptime decorator (if any) into *UP.  Returns 1 if there is one. */
static int scan_envelope(gcpulse__jvm *p, const char *s, const char *e,
                         jline *L, double *up_out) {
  double up = 0, wall = 0;
  int have_up = 0, have_wall = 0;
  const char *q = s;
  while (q < e && *q == '[') {
    const char *b = q + 1, *c = b;
    unsigned tag = C_TAG;
    unsigned char cl;
    if (e - b >= 5 && memcmp(b, "info]", 5) == 0) {
      c = b + 4; /* the usual level: no class scan */
      tag = 0;
    } else {
      while (c < e && !((cl = byte_class[(unsigned char)*c]) & C_STOP)) {
        tag &= cl;
        c++;
      }
    }
    const char *ce = c; /* token end */
    while (c < e && (*c == ' ' || *c == '\t')) c++; /* padding */
    if (c >= e || *c != ']' || ce == b) break;
    size_t n = (size_t)(ce - b);
    if (env_is_digit(*b)) {
      double v;
      const char *r;
      if (n >= 19 && b[4] == '-' && scan_iso(b, ce, &v)) {
        if (!have_wall) { wall = v; have_wall = 1; }
        L->strong = 1;
      } else if ((r = gcpulse__jvm_decimal(b, ce, &v)) != NULL) {
        size_t u = (size_t)(ce - r);
        if (u == 1 && *r == 's') {
          up = v; have_up = 1; L->strong = 1;
        } else if (u == 2 && r[1] == 's' && (r[0] == 'm' || r[0] == 'n')) {
          double sec = r[0] == 'm' ? v / 1e3 : v / 1e9;
          if (sec > WALL_CUT_S) {
            if (!have_wall) { wall = sec; have_wall = 1; }
          } else if (!have_up) {
            up = sec; have_up = 1;
          }
          L->strong = 1;
        } /* else pid, tid, or a hostname starting with a digit */
      }
    } else if (is_level(b, n)) {
      L->strong = 1;
    } else if (tag && *b >= 'a') {
      L->tags = b;
      L->tags_n = n;
    }
    L->n_dec++;
    q = c + 1;
  }
  if (L->n_dec > 0 && q < e && *q == ' ') q++;
  L->msg = q;
  L->end = e;
  p->have_t = 0;
  L->timed = have_up || have_wall;
  if (have_up) {
    p->t_line = up;
    p->have_t = 1;
  } else if (have_wall) {
    if (!p->have_wall0) {
      p->wall0 = wall;
      p->have_wall0 = 1;
    }
    /* microsecond rounding hides the float noise of epoch differences */
    p->t_line = floor((wall - p->wall0) * 1e6 + 0.5) / 1e6;
    if (p->t_line < 0) p->t_line = 0; /* wall time may step back */
    p->have_t = 1;
  }
  if (p->have_t) {
    p->last_t = p->t_line;
    p->have_last_t = 1;
  } else if (p->have_last_t) {
    p->t_line = p->last_t; /* undecorated: inherit the last known time */
    p->have_t = 1;
  }
  *up_out = up;
  return have_up;
}

/* "GC(123) " at L->msg. */
static void scan_gcid(jline *L) {
  const char *q = L->msg, *e = L->end;
  if (e - q < 5 || q[0] != 'G' || q[1] != 'C' || q[2] != '(') return;
  uint64_t id = 0;
  const char *r = q + 3;
  while (r < e && env_is_digit(*r) && r - q < 3 + 18) id = id * 10u + (unsigned)(*r++ - '0');
  if (r == q + 3) return;
  if (r < e && env_is_digit(*r)) { /* 19+ digits: the overflow-checked scan */
    r = gcpulse__scan_u64(q + 3, e, &id);
    if (r == NULL) return;
  }
  if (r >= e || *r != ')' || id >= GCPULSE_INT_MAX) return;
  r++;
  L->has_id = 1;
  L->id = id;
  while (r < e && *r == ' ') r++;
  if (e - r >= 3 && (r[0] == 'Y' || r[0] == 'O' || r[0] == 'y') &&
      r[1] == ':' && r[2] == ' ') {
    L->gen = r[0];
    r += 3;
    while (r < e && *r == ' ') r++;
  }
  L->msg = r;
}

/* ------------------------------------------------------------------ */
/* restarts                                                            */

/* A JDK 8 sink wrapper: legacy events get the pending RESTART flag too. */
typedef struct wrap {
  gcpulse__jvm *p;
  const gcpulse__sink *k;
} wrap;

static int wrap_event(void *ctx, const gcpulse_event_t *ev) {
  wrap *w = ctx;
  gcpulse_event_t copy = *ev;
  return gcpulse__jvm_deliver(w->p, &copy, w->k);
}

static int wrap_diag(void *ctx, int reason, size_t column, const char *detail) {
  wrap *w = ctx;
  return w->k->diag(w->k->ctx, reason, column, detail);
}

/* End the current run: close what belongs to it, forget per-run state, flag
 * the next event. */
static int restart(gcpulse__jvm *p, const gcpulse__sink *k) {
  wrap w = {p, k};
  gcpulse__sink wk = {wrap_event, wrap_diag, &w};
  int rc = gcpulse__jvm8_finish(&p->legacy, &wk);
  if (rc < 0) return rc;
  rc = gcpulse__jvm_close_all(p, k);
  if (rc < 0) return rc;
  int legacy_seen = p->legacy.seen, have_w0 = p->legacy.have_wall0;
  double w0 = p->legacy.wall0;
  gcpulse__jvm8_init(&p->legacy);
  p->legacy.seen = legacy_seen;
  p->legacy.have_wall0 = have_w0;
  p->legacy.wall0 = w0;
  p->collector = GCPULSE_COLLECTOR_UNKNOWN;
  p->region_size = 0;
  p->cpus = 0;
  p->heap_max = 0;
  p->g1_marked = 0;
  p->oom_pending = 0;
  p->run_gc = 0;
  p->have_max_id = 0;
  p->max_id = 0;
  p->heap_exit = 0;
  p->dec_timed = 0;
  p->have_step = p->have_cand = 0;
  p->restart_pending = 1;
  return 0;
}

/* A JDK 8 VM banner "OpenJDK 64-Bit Server VM (25.342-b07) for ...", not
 * a warning the VM prints at any time ("OpenJDK 64-Bit Server VM warning:
 * ..."). */
static int is_vm_header(const char *s, const char *e) {
  if (GCPULSE__LIT(s, e, "OpenJDK ") == NULL &&
      GCPULSE__LIT(s, e, "Java HotSpot(TM) ") == NULL)
    return 0;
  const char *w = e - s > 64 ? s + 64 : e;
  return gcpulse__find(s, w, "VM warning", 10) == NULL;
}

/* JDK 8 "CommandLine flags: -XX:InitialHeapSize=N -XX:MaxHeapSize=N ...":
 * the maximum heap in bytes, stamped as heap_max on the run's events. */
static void command_line_flags(gcpulse__jvm *p, const char *s, const char *e) {
  const char *q = GCPULSE__LIT(s, e, "CommandLine flags: ");
  q = q ? gcpulse__find(q, e, "-XX:MaxHeapSize=", 16) : NULL;
  uint64_t v;
  const char *d = q ? gcpulse__scan_u64(q + 16, e, &v) : NULL;
  if (d && (d == e || *d == ' ') && v > 0 && v < GCPULSE_INT_MAX)
    p->heap_max = v;
}

/* A JDK 8 line (no decorators, no GC id). */
static int legacy_line(gcpulse__jvm *p, const char *s, const char *e,
                       const gcpulse__sink *k, int *skip) {
  if (p->run_gc && p->legacy.seen && is_vm_header(s, e)) {
    int rc = restart(p, k);
    if (rc < 0) return rc;
  }
  command_line_flags(p, s, e);
  wrap w = {p, k};
  gcpulse__sink wk = {wrap_event, wrap_diag, &w};
  int coll = p->collector;
  int r = gcpulse__jvm8_line(&p->legacy, s, (size_t)(e - s), &wk, skip, &coll);
  if (r >= 0 && p->legacy.interleave_new) {
    p->legacy.interleave_new = 0;
    p->interleaved = 1;
    int rc = k->diag(k->ctx, GCPULSE_REASON_INTERLEAVED, 0,
                     "one JVM per stream (two write here; not a restart)");
    if (rc < 0) return rc;
  }
  if (p->legacy.went_back) {
    /* the record just started belongs to a new run: the previous record
     * was emitted by gcpulse__jvm8_line already */
    p->legacy.went_back = 0;
    if (p->run_gc) {
      int rc = gcpulse__jvm_close_all(p, k);
      if (rc < 0) return rc;
      p->collector = GCPULSE_COLLECTOR_UNKNOWN;
      p->oom_pending = 0;
      p->restart_pending = 1;
    }
  }
  if (r > 0) {
    p->locked = 1;
    if (p->legacy.active || p->legacy.have_seq) p->run_gc = 1;
  }
  return r;
}

static void jvm_swap_runs(gcpulse__jvm *p) {
  uint64_t id = p->max_id;
  double up = p->last_up;
  p->max_id = p->alt_max_id;
  p->last_up = p->alt_up;
  p->alt_max_id = id;
  p->alt_up = up;
  p->have_step = p->have_cand = 0; /* kept for the current run only */
}

/* Whether uptime UP is a jump forward from the trusted uptime (after a GC
 * of this run, so the first GC after start-up is never one). */
static int uptime_jump(const gcpulse__jvm *p, double up) {
  double last = p->last_up, step = p->up_step;
  int have_step = p->have_step;
  if (p->have_cand && up >= p->cand_up) { /* confirms the jump before */
    step = p->cand_up - last;
    have_step = 1;
    last = p->cand_up;
  }
  double d = up - last;
  return p->have_up && p->have_max_id && d > GCPULSE__JVM_JUMP_MIN_S &&
         (!have_step || d > GCPULSE__JVM_JUMP_FACTOR * step);
}

/* Trusted-uptime bookkeeping for a JVM line with uptime UP.  A jump
 * forward is kept as a candidate and the clock stays: the next timed line
 * confirms it (is not before it) or shows it was the outlier (continues
 * the old clock; events timed by the outlier are SUSPECT_TIME, see
 * gcpulse__jvm_deliver, and it neither restarts the run nor ages open
 * events). */
static void uptime_step(gcpulse__jvm *p, double up) {
  if (uptime_jump(p, up)) {
    if (p->have_cand && up >= p->cand_up) p->last_up = p->cand_up;
    p->have_step = 0;
    p->have_cand = 1;
    p->cand_up = up;
    return;
  }
  if (p->have_cand && up >= p->cand_up) {
    p->up_step = p->cand_up - p->last_up;
    p->last_up = p->cand_up;
  } else {
    p->up_step = up - p->last_up;
  }
  p->have_step = p->have_up && up >= p->last_up;
  p->have_cand = 0;
  p->last_up = up;
  p->have_up = 1;
}

/* Does the message start a new run (see the design comment)?  UP/HAVE_UP:
 * the line's uptime decorator.  Only a line known to be JVM output counts:
 * one with a GC id, or a banner.  A GC-id line fits a run when its id is
 * not below the run's largest (or is still open there) and its uptime did
 * not go back.  It continues this run when it fits it; it continues the
 * other run (the one before the last restart) when it fits only that one,
 * or both and that one is nearer by GC id and by uptime: two JVMs write to
 * one stream, reported once (INTERLEAVED), and not a restart.
 * Fitting neither, it is a new run when its uptime went back or its id is
 * 0.  Returns 1 for a new run, 0, or the sink's error. */
static int new_run(gcpulse__jvm *p, const jline *L, double up, int have_up,
                   const gcpulse__sink *k) {
  if (L->has_id) {
    if (!p->have_max_id) return 0;
    uint64_t id = L->id;
    int back = have_up && p->have_up && up + RESTART_BACK_S <= p->last_up;
    int cur = !back && (id >= p->max_id || gcpulse__jvm_has_id(p, id));
    int alt = p->have_alt && id >= p->alt_max_id &&
              !(have_up && up + RESTART_BACK_S <= p->alt_up);
    if (alt && cur) /* both fit: the other only when nearer by id and time */
      alt = id - p->alt_max_id < id - p->max_id &&
            (!have_up || !p->have_up ||
             fabs(up - p->alt_up) < fabs(up - p->last_up));
    if (alt) {
      p->alt_quiet = 0;
      jvm_swap_runs(p);
      if (!p->interleaved) {
        p->interleaved = 1;
        return k->diag(k->ctx, GCPULSE_REASON_INTERLEAVED, 0,
                       "one JVM per stream (two write here; not a restart)");
      }
      return 0;
    }
    if (!cur && (back || (id == 0 && p->max_id > 0))) {
      p->have_alt = 1;
      p->alt_quiet = 0;
      p->alt_max_id = p->max_id;
      p->alt_up = p->last_up;
      return 1;
    }
    /* the other run is forgotten after ALT_QUIET_LINES lines of this one */
    if (p->have_alt && ++p->alt_quiet > ALT_QUIET_LINES) p->have_alt = 0;
    return 0;
  }
  if (!p->run_gc || L->msg >= L->end) return 0;
  const char *b = L->msg, *e = L->end, *q;
  int banner = 0;
  if (*b == 'V') banner = GCPULSE__LIT(b, e, "Version: ") != NULL;
  if (*b == 'U' && (q = GCPULSE__LIT(b, e, "Using ")) != NULL)
    banner = gcpulse__jvm_using(q, e) >= 0;
  if (banner) {
    p->alt_quiet = 0;
    p->have_alt = p->have_max_id;
    p->alt_max_id = p->max_id;
    p->alt_up = p->last_up;
  }
  return banner;
}

/* ------------------------------------------------------------------ */
/* entry points                                                        */

/* Bytes of a line searched for decorators behind a prefix. */
#define PREFIX_MAX 256

/* Whether [B, E) starts with a time decorator: "[1.234s]", "[12ms]",
 * "[12ns]" or "[2026-12-06T01:07:08.123+0000]". */
static int time_decorator(const char *b, const char *e) {
  if (e - b < 4 || b[0] != '[' || !env_is_digit(b[1])) return 0;
  const char *w = e - b > 40 ? b + 40 : e;
  const char *c = memchr(b, ']', (size_t)(w - b));
  if (c == NULL) return 0;
  double v;
  if (c - b > 19 && b[5] == '-') return scan_iso(b + 1, c, &v);
  const char *r = gcpulse__jvm_decimal(b + 1, c, &v);
  if (r == NULL) return 0;
  return (c - r == 1 && *r == 's') ||
         (c - r == 2 && r[1] == 's' && (r[0] == 'm' || r[0] == 'n'));
}

static int env_hex4(const char *h, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = h[i];
    unsigned d = env_is_digit(c)              ? (unsigned)(c - '0')
                 : (c >= 'a' && c <= 'f')   ? (unsigned)(c - 'a' + 10)
                 : (c >= 'A' && c <= 'F')   ? (unsigned)(c - 'A' + 10)
                                            : 16u;
    if (d > 15u) return 0;
    *v = *v * 16u + d;
  }
  return 1;
}

/* The JSON string value [B, E) with its escapes undone into P->unesc
 * (docker writes "->" as "-\u003e"); non-ASCII \u escapes become '?'.
 * Returns its length, or 0 when it does not fit (left as it is). */
static size_t json_unescape(gcpulse__jvm *p, const char *b, const char *e) {
  size_t n = 0;
  while (b < e) {
    if (n == sizeof p->unesc) return 0;
    char c = *b++;
    if (c == '\\' && b < e) {
      unsigned v;
      c = *b++;
      if (c == 't') c = '\t';
      else if (c == 'u' && e - b >= 4 && env_hex4(b, &v)) {
        c = v < 0x80 ? (char)v : '?';
        b += 4;
      } else if (c != '"' && c != '\\' && c != '/') {
        c = '?';
      }
    }
    p->unesc[n++] = c;
  }
  return n;
}

/* A container or syslog prefix before the decorators (CRI "<time> stdout
 * F ", syslog/journald "<date> host app[pid]: ", docker json-file
 * {"log":"...\n",...}): moves *S to the first time decorator after a space,
 * tab or quote within PREFIX_MAX bytes; a docker record is replaced by its
 * "log" value, escapes undone. */
static void skip_prefix(gcpulse__jvm *p, const char **s, const char **e) {
  const char *b = *s, *end = *e;
  const char *w = end - b > PREFIX_MAX ? b + PREFIX_MAX : end;
  for (const char *c = b + 1; c < w;) {
    c = memchr(c, '[', (size_t)(w - c));
    if (c == NULL) return;
    if ((c[-1] == ' ' || c[-1] == '\t' || c[-1] == '"') &&
        time_decorator(c, end)) {
      *s = c;
      if (GCPULSE__LIT(b, c, "{\"log\":\"") == c) {
        const char *x = gcpulse__find(c, end, "\\n\"", 3);
        if (x == NULL) x = gcpulse__find(c, end, "\",\"", 3);
        if (x == NULL) return;
        while (x - c >= 2 && x[-2] == '\\' && x[-1] == 'r') x -= 2;
        *e = x;
        size_t n;
        if (memchr(c, '\\', (size_t)(x - c)) && (n = json_unescape(p, c, x))) {
          *s = p->unesc;
          *e = p->unesc + n;
        }
      }
      return;
    }
    c++;
  }
}

int gcpulse__jvm_line(gcpulse__jvm *p, const char *s, size_t n,
                      const gcpulse__sink *k, int *skip) {
  const char *e = s + n;
  while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
  jline L;
  memset(&L, 0, sizeof L);
  double up = 0;
  int have_up = 0;
  *skip = GCPULSE_REASON_FOREIGN;
  if (s < e && *s != '[' && !p->legacy.seen) skip_prefix(p, &s, &e);
  if (s < e && *s == '[') {
    have_up = scan_envelope(p, s, e, &L, &up);
    p->line_jump = have_up && uptime_jump(p, up);
  } else {
    L.msg = s;
    L.end = e;
    p->line_jump = 0;
    if (p->have_last_t) {
      p->t_line = p->last_t;
      p->have_t = 1;
    } else {
      p->have_t = 0;
    }
  }
  scan_gcid(&L);
  /* A line that is neither decorated nor carries a GC id may be JDK 8. */
  if (L.n_dec == 0 && !L.has_id &&
      (p->legacy.active || !p->locked || p->legacy.seen)) {
    int r = legacy_line(p, s, e, k, skip);
    if (r != 0) return r;
  }
  int rc = 0;
  if (L.has_id || p->run_gc) {
    rc = new_run(p, &L, up, have_up, k);
    if (rc < 0) return rc;
    if (rc == 1) rc = restart(p, k);
    if (rc < 0) return rc;
  }
  if (p->n_done > 0) {
    rc = gcpulse__jvm_flush(p, k, L.has_id, L.id, 0);
    if (rc < 0) return rc;
  }
  int r = gcpulse__jvm_body(p, &L, s, k, skip, &rc);
  if (rc < 0) return rc;
  if (r == 0) {
    *skip = GCPULSE_REASON_FOREIGN;
    return 0;
  }
  p->locked = 1;
  /* JVM output only: a foreign "[0.5s] x" is not time */
  if (have_up) uptime_step(p, up);
  /* HotSpot prints the same decorators on every line of an output: a
   * decorated line without a readable time among timed ones is damaged */
  if (L.n_dec > 0) {
    if (L.timed) {
      p->dec_timed = 1;
    } else if (p->dec_timed) {
      rc = k->diag(k->ctx, GCPULSE_REASON_MALFORMED, 0,
                   "time decorator missing or unreadable");
      if (rc < 0) return rc;
    }
  }
  if (L.has_id) {
    p->run_gc = 1;
    if (!p->have_max_id || L.id > p->max_id) p->max_id = L.id;
    p->have_max_id = 1;
  }
  if (p->n_done > 0) {
    rc = gcpulse__jvm_flush(p, k, L.has_id, L.id, 0);
    if (rc < 0) return rc;
  }
  return 1;
}

int gcpulse__jvm_finish(gcpulse__jvm *p, const gcpulse__sink *k) {
  wrap w = {p, k};
  gcpulse__sink wk = {wrap_event, wrap_diag, &w};
  int rc = gcpulse__jvm8_finish(&p->legacy, &wk);
  if (rc < 0) return rc;
  return gcpulse__jvm_close_all(p, k);
}

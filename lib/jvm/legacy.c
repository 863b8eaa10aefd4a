/*
 * jvm/legacy.c — JDK 8 (and older) -XX:+PrintGCDetails records -> events.
 *
 * Design.  Legacy records have no per-line envelope and may span lines
 * (tenuring output, G1 pause trees, G1Ergonomics lines, "[Times ...]" on a
 * line of its own).  Instead of buffering a record, every line is scanned
 * for the tokens that carry data, and the values go straight into the one
 * record in progress:
 *   - a record starts at "[GC (", "[GC pause", "[Full GC", "[GC remark",
 *     "[GC cleanup" after optional "<date>: <uptime>: #<id>: " prefixes;
 *   - "Label: a->b(c)" transitions fill pools by label (PSYoungGen, DefNew,
 *     ParNew = young; ParOldGen, Tenured, CMS = old; Metaspace; G1 "Eden:",
 *     "Survivors:", "Heap:"); an unlabelled transition is the whole heap;
 *   - the last ", <x> secs]" before "[Times" is the pause (inner pool and
 *     reference-processing times come first and are overwritten);
 *   - "[Times: user=.. sys=.., real=.. secs]" fills the CPU fields and ends
 *     the record, which is then emitted; a record without one ends when the
 *     next record starts or at end of stream.
 * CMS "CMS-concurrent-<phase>: cpu/wall secs" and G1 "[GC concurrent-<phase>-
 * end, x secs]" walls are summed into one CONCURRENT event.  A CMS cycle ends
 * at "CMS-concurrent-reset"; a G1 cycle at "concurrent-cleanup-end", or, as
 * its cleanup pause freed nothing, at the first line after the "[GC cleanup"
 * record that is not "concurrent-cleanup-start"; "concurrent-mark-abort"
 * ends it too.  Its seq is the line's "#N:" id, else the seq of the pause
 * record before it (the initial-mark pause that started it, as HotSpot's own
 * #N ids do for CMS).  A cycle still open at the end of the stream (or at a
 * restart) is emitted SYNTHETIC after an INCOMPLETE diagnostic, with the
 * phases summed so far (or the span of its line times), like unfinished
 * unified-logging events (jvm/gcid_table.c).  A record that starts 0.25 s or more
 * before the previous one sets went_back (a new JVM run; jvm/envelope.c flags
 * it) and numbering restarts at 0.  Spliced lines from concurrent writers
 * are scanned like any other line; their fragments are best effort.
 */
#include "common.h"
#include "jvm.h"

#include <string.h>

static int legacy_is_digit(char c) { return (unsigned)(c - '0') <= 9u; }

void gcpulse__jvm8_init(gcpulse__jvm8 *q) { memset(q, 0, sizeof *q); }

/* Skip "<ISO date>: ", "<uptime>: ", "#<id>: " prefixes.  Sets *T (uptime
 * preferred over the date) and *ID. */
static const char *prefixes(gcpulse__jvm8 *q, const char *p, const char *e,
                            double *t, int *have_t, uint64_t *id,
                            int *have_id) {
  double wall = 0, up = 0;
  int hw = 0, hu = 0;
  for (;;) {
    while (p < e && *p == ' ') p++;
    if (p < e && *p == '#') {
      uint64_t v;
      const char *r = gcpulse__scan_u64(p + 1, e, &v);
      if (r && r + 1 < e && r[0] == ':' && r[1] == ' ') {
        *id = v;
        *have_id = 1;
        p = r + 2;
        continue;
      }
      break;
    }
    if (p >= e || !legacy_is_digit(*p)) break;
    if (e - p >= 24 && p[4] == '-' && p[10] == 'T') {
      /* 2022-07-26T21:00:40.750+0800: */
      int Y = 0, M = 0, D = 0, h = 0, mi = 0, s = 0, ms = 0, oh = 0, om = 0;
      const char *c = p;
      for (int i = 0; i < 4; i++) Y = Y * 10 + (c[i] - '0');
      M = (c[5] - '0') * 10 + (c[6] - '0');
      D = (c[8] - '0') * 10 + (c[9] - '0');
      h = (c[11] - '0') * 10 + (c[12] - '0');
      mi = (c[14] - '0') * 10 + (c[15] - '0');
      s = (c[17] - '0') * 10 + (c[18] - '0');
      c += 19;
      if (c < e && *c == '.') {
        c++;
        for (int i = 0; i < 3 && c < e && legacy_is_digit(*c); i++, c++)
          ms = ms * 10 + (*c - '0');
      }
      int sign = 1;
      if (c < e && (*c == '+' || *c == '-')) {
        sign = *c == '-' ? -1 : 1;
        c++;
        if (e - c >= 4 && legacy_is_digit(c[0]) && legacy_is_digit(c[3])) {
          oh = (c[0] - '0') * 10 + (c[1] - '0');
          om = (c[2] - '0') * 10 + (c[3] - '0');
          c += 4;
        }
      }
      int y = Y - (M <= 2);
      long era = (y >= 0 ? y : y - 399) / 400;
      long yoe = y - era * 400;
      long doy = (153 * (M + (M > 2 ? -3 : 9)) + 2) / 5 + D - 1;
      long days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
      wall = (double)days * 86400.0 + h * 3600.0 + mi * 60.0 + s + ms / 1000.0 -
             sign * (oh * 3600.0 + om * 60.0);
      hw = 1;
      if (c < e && *c == ':') c++;
      p = c;
      continue;
    }
    double v;
    const char *r = gcpulse__scan_decimal(p, e, 1, &v);
    if (r && r < e && *r == ':' && r > p && r[-1] != ' ') {
      /* only "<digits>.<digits>:" counts as uptime */
      const char *dot = memchr(p, '.', (size_t)(r - p));
      if (dot == NULL) dot = memchr(p, ',', (size_t)(r - p));
      if (dot == NULL) break;
      up = v;
      hu = 1;
      p = r + 1;
      continue;
    }
    break;
  }
  if (hu) {
    *t = up;
    *have_t = 1;
  } else if (hw) {
    if (!q->have_wall0) {
      q->wall0 = wall;
      q->have_wall0 = 1;
    }
    *t = wall - q->wall0 < 0 ? 0 : wall - q->wall0;
    *have_t = 1;
  }
  while (p < e && *p == ' ') p++;
  return p;
}

/* Longest pool label read back from a ':' ("concurrent mode interrupted"),
 * and longest "<size>(<capacity>)" read back from a "->".  Bounding both
 * walks keeps the scan of a line linear in its length. */
#define LABEL_MAX 32
#define SIZE_MAX_LEN 48

static void set_pair(gcpulse_event_t *ev, int fb, int fa, uint64_t *pb,
                     uint64_t *pa, uint64_t b, uint64_t a) {
  *pb = b;
  *pa = a;
  ev->known |= GCPULSE_BIT(fb) | GCPULSE_BIT(fa);
}

/* Whether a size that failed to scan at P is a number with a unit that is
 * out of range (>= GCPULSE_INT_MAX bytes) rather than not a size. */
static int size_out_of_range(const char *p, const char *e) {
  double v;
  const char *q = gcpulse__scan_decimal(p, e, 0, &v);
  if (q == NULL) return p < e && legacy_is_digit(*p); /* hundreds of digits */
  return q < e && (*q == 'B' || *q == 'K' || *q == 'k' || *q == 'M' ||
                   *q == 'G' || *q == 'T');
}

/* One "b[(c)]->a[(c)]" transition at P labelled [LB, LE).  Returns where
 * an out-of-range size is, or NULL. */
static const char *transition(gcpulse__jvm8 *q, const char *lb, size_t ln,
                              const char *p, const char *e, uint64_t g1[4],
                              int *collector) {
  uint64_t b, a, bc = 0, ac = 0;
  int hbc = 0, hac = 0;
  const char *r = gcpulse__scan_size(p, e, 0, &b);
  if (r == NULL) return size_out_of_range(p, e) ? p : NULL;
  if (r < e && *r == '(') {
    hbc = gcpulse__scan_size(r + 1, e, 0, &bc) != NULL;
    const char *ce = e - r > SIZE_MAX_LEN ? r + SIZE_MAX_LEN : e;
    r = memchr(r, ')', (size_t)(ce - r));
    if (r == NULL) return NULL;
    r++;
  }
  if (e - r < 2 || r[0] != '-' || r[1] != '>') return NULL;
  const char *as = r + 2;
  r = gcpulse__scan_size(as, e, 0, &a);
  if (r == NULL) return size_out_of_range(as, e) ? as : NULL;
  if (r < e && *r == '(') hac = gcpulse__scan_size(r + 1, e, 0, &ac) != NULL;
  (void)hbc;
  gcpulse_event_t *ev = &q->ev;
#define L(s) (ln == sizeof(s) - 1 && memcmp(lb, s, ln) == 0)
  if (L("PSYoungGen") || L("DefNew") || L("ParNew") || L("ASParNew")) {
    if (*collector == GCPULSE_COLLECTOR_UNKNOWN)
      *collector = lb[0] == 'P' && lb[1] == 'S' ? GCPULSE_COLLECTOR_PARALLEL
                   : lb[0] == 'D'              ? GCPULSE_COLLECTOR_SERIAL
                                               : GCPULSE_COLLECTOR_CMS;
    set_pair(ev, GCPULSE_FIELD_YOUNG_BEFORE, GCPULSE_FIELD_YOUNG_AFTER,
             &ev->young_before, &ev->young_after, b, a);
  } else if (L("ParOldGen") || L("Tenured") || L("CMS") || L("PSOldGen") ||
             L("concurrent mode failure") || L("concurrent mode interrupted")) {
    if (*collector == GCPULSE_COLLECTOR_UNKNOWN)
      *collector = lb[0] == 'P'   ? GCPULSE_COLLECTOR_PARALLEL
                   : lb[0] == 'T' ? GCPULSE_COLLECTOR_SERIAL
                                  : GCPULSE_COLLECTOR_CMS;
    set_pair(ev, GCPULSE_FIELD_OLD_BEFORE, GCPULSE_FIELD_OLD_AFTER,
             &ev->old_before, &ev->old_after, b, a);
    /* the old generation collected inside a "[GC" record (promotion
     * failure, concurrent mode failure): a full collection */
    if (ev->kind == GCPULSE_KIND_YOUNG) ev->kind = GCPULSE_KIND_FULL;
  } else if (L("Metaspace") || L("Perm") || L("PSPermGen")) {
    /* JDK <= 7 PermGen ("[Perm : ", "[CMS Perm : ", "[PSPermGen: ") is
     * class metadata like JDK 8's Metaspace, never the heap */
    ev->metaspace_used = a;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_METASPACE_USED);
  } else if (L("Eden")) {
    g1[0] = b;
    g1[1] = a;
  } else if (L("Survivors")) {
    g1[2] = b;
    g1[3] = a;
    ev->young_before = g1[0] + g1[2];
    ev->young_after = g1[1] + g1[3];
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_YOUNG_BEFORE) |
                 GCPULSE_BIT(GCPULSE_FIELD_YOUNG_AFTER);
  } else if (ln == 0 || L("Heap")) {
    ev->heap_before = b;
    ev->heap_after = a;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
                 GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER);
    if (hac) {
      ev->heap_capacity = ac;
      ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_CAPACITY);
    }
    if (L("Heap") && (ev->known & GCPULSE_BIT(GCPULSE_FIELD_YOUNG_BEFORE))) {
      ev->old_before = b > ev->young_before ? b - ev->young_before : 0;
      ev->old_after = a > ev->young_after ? a - ev->young_after : 0;
      ev->known |= GCPULSE_BIT(GCPULSE_FIELD_OLD_BEFORE) |
                   GCPULSE_BIT(GCPULSE_FIELD_OLD_AFTER);
    }
  }
#undef L
  return NULL;
}

/* The label of a transition whose "Label: " ends at LE (after trailing
 * spaces are dropped), not reaching back before LIM: "PSYoungGen",
 * "Tenured", "Perm" (from "[Perm : " and "[CMS Perm : "), or the inside of
 * a parenthesised group such as "(concurrent mode failure): ".  Sets *LN;
 * returns the label's start. */
static const char *label_at(const char *lim, const char *le, size_t *ln) {
  const char *ke = le - 1; /* the ':' */
  while (ke > lim && ke[-1] == ' ') ke--;
  const char *lb = ke, *floor = ke - lim > LABEL_MAX ? ke - LABEL_MAX : lim;
  if (ke > lim && ke[-1] == ')') {
    const char *gb = ke - 1; /* the ')' */
    for (lb = gb; lb > floor && lb[-1] != '('; lb--) {}
    *ln = lb > lim && lb[-1] == '(' ? (size_t)(gb - lb) : 0;
    /* "ParNew (promotion failed): ": the pool named before the group */
    const char *w = lb - 1;
    if (*ln && w > lim && w[-1] == ' ' && w - 1 > lim && w[-2] != ']' &&
        w[-2] != ' ') {
      ke = w - 1;
      floor = ke - lim > LABEL_MAX ? ke - LABEL_MAX : lim;
      for (lb = ke; lb > floor && lb[-1] != ' ' && lb[-1] != '['; lb--) {}
      *ln = (size_t)(ke - lb);
    }
    return lb;
  }
  while (lb > floor && lb[-1] != ' ' && lb[-1] != '[') lb--;
  *ln = (size_t)(ke - lb);
  return lb;
}

/* Scan [P, E) of the record in progress for transitions and "secs]".
 * Returns the first out-of-range size (the transition is left out), or
 * NULL. */
static const char *scan_body(gcpulse__jvm8 *q, const char *p, const char *e,
                             int *collector) {
  const char *bad = NULL;
  uint64_t g1[4] = {0, 0, 0, 0};
  const char *x = p, *prev = p; /* end of the previous "->" */
  while ((x = gcpulse__find(x, e, "->", 2)) != NULL) {
    const char *ts = x, *lim = x - prev > SIZE_MAX_LEN ? x - SIZE_MAX_LEN : prev;
    while (ts > lim && (legacy_is_digit(ts[-1]) || ts[-1] == '.' || ts[-1] == 'K' ||
                        ts[-1] == 'M' || ts[-1] == 'G' || ts[-1] == 'B' ||
                        ts[-1] == '(' || ts[-1] == ')'))
      ts--;
    if (ts == lim && lim > prev && legacy_is_digit(ts[-1])) { /* hundreds of digits */
      if (!bad) bad = ts;
      x += 2;
      prev = x;
      continue;
    }
    while (ts < x && !legacy_is_digit(*ts)) ts++;
    /* label: "Name: " (or a pool left open on the previous line) */
    const char *le = ts;
    while (le > prev && le[-1] == ' ') le--;
    const char *lb = le;
    size_t ln = 0;
    char lab[sizeof q->label];
    if (le > prev && le[-1] == ':') {
      lb = label_at(prev, le, &ln);
      if (ln == 0 && q->label[0]) { /* ": 8704K->..." after "[DefNew" */
        memcpy(lab, q->label, sizeof lab);
        lb = lab;
        ln = strlen(lab);
        q->label[0] = '\0';
      }
    }
    const char *oor = transition(q, lb, ln, ts, e, g1, collector);
    if (oor && !bad) bad = oor;
    x += 2;
    prev = x;
  }
  /* the pause: the last "<x> secs]" */
  x = p;
  const char *last = NULL;
  while ((x = gcpulse__find(x, e, " secs]", 6)) != NULL) {
    last = x;
    x += 6;
  }
  if (last) {
    const char *s = last;
    while (s > p && (legacy_is_digit(s[-1]) || s[-1] == '.' || s[-1] == ',')) s--;
    double v;
    if (s < last && s[-1] != '/' && gcpulse__scan_decimal(s, last, 1, &v)) {
      q->ev.pause_ms = v * 1000.0;
      q->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
    }
  }
  if (gcpulse__find(p, e, "to-space", 8) || gcpulse__find(p, e, "promotion failed", 16) ||
      gcpulse__find(p, e, "--[", 3) || gcpulse__find(p, e, "[GC--", 5))
    q->ev.flags |= GCPULSE_EV_EVAC_FAILURE;
  if (gcpulse__find(p, e, "concurrent mode failure", 23))
    q->ev.flags |= GCPULSE_EV_EVAC_FAILURE;
  /* a pool name left open at the end of the line: "[DefNew" */
  const char *o = e;
  while (o > p && o[-1] != '[' && o[-1] != ' ') o--;
  if (o > p && o[-1] == '[' && e - o > 0 && e - o < (long)sizeof q->label) {
    memcpy(q->label, o, (size_t)(e - o));
    q->label[e - o] = '\0';
  }
  return bad;
}

static int emit_record(gcpulse__jvm8 *q, const gcpulse__sink *k,
                       int collector) {
  q->active = 0;
  if (!(q->ev.known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS))) {
    return k->diag(k->ctx, GCPULSE_REASON_TRUNCATED, 0,
                   "JDK 8 record without its pause time");
  }
  gcpulse_event_t ev = q->ev;
  if (ev.collector == GCPULSE_COLLECTOR_UNKNOWN) ev.collector = collector;
  gcpulse__jvm_derive(&ev);
  return k->event(k->ctx, &ev);
}

/* The first "(...)" group at P (balanced), copied to CAUSE. */
static const char *group(const char *p, const char *e, char *cause) {
  if (p >= e || *p != '(') return p;
  int d = 0;
  const char *r = p;
  for (; r < e; r++) {
    if (*r == '(') d++;
    else if (*r == ')' && --d == 0) break;
  }
  if (r >= e) return p;
  if (cause) {
    size_t n = (size_t)(r - p - 1);
    if (n >= GCPULSE_CAUSE_MAX) n = GCPULSE_CAUSE_MAX - 1;
    memcpy(cause, p + 1, n);
    cause[n] = '\0';
  }
  r++;
  while (r < e && *r == ' ') r++;
  return r;
}

/* Emit the concurrent cycle in progress.  INCOMPLETE: it never ended (a
 * diagnostic, then SYNTHETIC with the time seen so far). */
static int conc_close(gcpulse__jvm8 *q, const gcpulse__sink *k, int collector,
                      int incomplete) {
  q->conc_active = 0;
  q->conc_closing = 0;
  gcpulse_event_t ev = q->conc;
  if (incomplete) {
    int rc = k->diag(k->ctx, GCPULSE_REASON_INCOMPLETE, 0,
                     "JDK 8 concurrent cycle without its end");
    if (rc < 0) return rc;
    if (!(ev.known & GCPULSE_BIT(GCPULSE_FIELD_T))) return 0;
    if (!(ev.known & GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS))) {
      double d = (q->conc_t_last - ev.t) * 1000.0;
      ev.concurrent_ms = d > 0 ? d : 0;
      ev.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
    }
    ev.flags |= GCPULSE_EV_SYNTHETIC;
  }
  if (ev.collector == GCPULSE_COLLECTOR_UNKNOWN) ev.collector = collector;
  /* stamped when it ended: pauses during a long (iCMS) cycle were emitted
   * before it, and an event far behind them would restart the window */
  if ((ev.known & GCPULSE_BIT(GCPULSE_FIELD_T)) && q->conc_t_last > ev.t)
    ev.t = q->conc_t_last;
  return k->event(k->ctx, &ev);
}

static int conc_line(gcpulse__jvm8 *q, const char *b, const char *e,
                     double t, int have_t, int have_id, uint64_t id,
                     const gcpulse__sink *k, int collector) {
  /* "[CMS-concurrent-mark: 0.005/0.013 secs]", "[GC concurrent-mark-end,
   * 0.0011728 secs]"; cycle ends at CMS reset / G1 cleanup end. */
  if (q->conc_active && q->conc_closing) {
    if (gcpulse__find(b, e, "concurrent-cleanup-start", 24)) {
      q->conc_closing = 0; /* the cleanup pause freed regions */
    } else {
      int rc = conc_close(q, k, collector, 0);
      if (rc < 0) return rc;
    }
  }
  if (have_t) q->conc_t_last = t;
  if (!q->conc_active) {
    memset(&q->conc, 0, sizeof q->conc);
    q->conc.runtime = GCPULSE_RT_JVM;
    q->conc.kind = GCPULSE_KIND_CONCURRENT;
    q->conc.collector = collector;
    if (have_t) {
      q->conc.t = t;
      q->conc.known |= GCPULSE_BIT(GCPULSE_FIELD_T);
    }
    if (have_id || q->have_seq) {
      q->conc.seq = have_id ? id : q->next_seq - 1;
      q->conc.known |= GCPULSE_BIT(GCPULSE_FIELD_SEQ);
    }
    q->conc_active = 1;
  }
  const char *s = gcpulse__find(b, e, " secs]", 6);
  if (s) {
    const char *n = s;
    while (n > b && (legacy_is_digit(n[-1]) || n[-1] == '.')) n--;
    double v;
    if (n < s && gcpulse__scan_decimal(n, s, 0, &v)) {
      q->conc.concurrent_ms += v * 1000.0;
      q->conc.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
    }
  }
  if (gcpulse__find(b, e, "concurrent-reset:", 17) ||
      gcpulse__find(b, e, "concurrent-cleanup-end", 22) ||
      gcpulse__find(b, e, "concurrent-mark-abort", 21))
    return conc_close(q, k, collector, 0);
  return 0;
}

/* After "[GC" at R: the rest of a record without a cause, i.e.
 * "[GC [PSYoungGen", "[GC2.573: [ParNew", "[GC[YG occupancy",
 * "[GC-- [PSYoungGen", "[GC 123K->", and not a G1 tree line such as
 * "[GC Worker Start" or a "[GC ref-proc" clause. */
static int causeless_gc(const char *r, const char *e) {
  if (r >= e) return 0;
  if (*r == '[' || *r == '-' || legacy_is_digit(*r)) return 1;
  return *r == ' ' && r + 1 < e && (r[1] == '[' || legacy_is_digit(r[1]));
}

/* The kind of a cause-less "[GC" record from its first line: CMS prints
 * its initial-mark and remark pauses as "[GC [1 CMS-initial-mark: ..." and
 * "[GC[YG occupancy: ...". */
static int causeless_kind(const char *r, const char *e) {
  const char *w = e - r > 96 ? r + 96 : e; /* both come right after "[GC" */
  if (gcpulse__find(r, w, "CMS-initial-mark", 16)) return GCPULSE_KIND_INITIAL_MARK;
  if (gcpulse__find(r, w, "[YG occupancy", 13)) return GCPULSE_KIND_REMARK;
  return GCPULSE_KIND_YOUNG;
}

/* The "<uptime>: " stamp right before C (not before B), as in
 * "[CMS797.832: [CMS-concurrent-sweep".  Returns where it starts (C when
 * there is none) and sets *T. */
static const char *stamp_before(const char *b, const char *c, double *t) {
  const char *r = c;
  while (r > b && r[-1] == ' ') r--;
  if (r == b || r[-1] != ':') return c;
  const char *n = r - 1, *lim = n - b > 24 ? n - 24 : b;
  while (n > lim && (legacy_is_digit(n[-1]) || n[-1] == '.' || n[-1] == ',')) n--;
  double v;
  if (n == r - 1 || (n == lim && n > b && legacy_is_digit(n[-1])) ||
      gcpulse__scan_decimal(n, r - 1, 1, &v) != r - 1)
    return c;
  *t = v;
  return n;
}

/* The first "b->a(c)" heap transition in [P, E) into EV's heap fields. */
static void heap_transition(const char *p, const char *e, gcpulse_event_t *ev) {
  const char *x = gcpulse__find(p, e, "->", 2);
  if (x == NULL) return;
  const char *s = x, *lim = x - p > SIZE_MAX_LEN ? x - SIZE_MAX_LEN : p;
  while (s > lim && s[-1] != ' ') s--;
  uint64_t b, a, c;
  if (gcpulse__scan_size(s, x, 1, &b) != x) return;
  const char *r = gcpulse__scan_size(x + 2, e, 1, &a);
  if (r == NULL) return;
  if (!(ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE))) {
    ev->heap_before = b;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE);
  }
  ev->heap_after = a;
  ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER);
  if (r < e && *r == '(' && gcpulse__scan_size(r + 1, e, 1, &c)) {
    ev->heap_capacity = c;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_CAPACITY);
  }
}

/* The JDK 8 Shenandoah backport: one line per pause or concurrent phase,
 * "[Pause Init Mark (process weakrefs), 3.341 ms]", "[Concurrent marking
 * (process weakrefs) 921M->923M(1024M), 10.123 ms]".  B is at the '['.
 * Every pause is an event; the phases of a cycle are summed into one
 * CONCURRENT event, which the next "Pause Init Mark", a full or
 * degenerated pause (the cycle gave up) or the end of the stream closes. */
static int shen8_line(gcpulse__jvm8 *q, const char *b, const char *e,
                      double t, int have_t, const gcpulse__sink *k) {
  int rc, pause = b[1] == 'P';
  const char *name = b + (pause ? 7 : 12);
  const char *ms = gcpulse__find(name, e, " ms]", 4);
  if (ms == NULL) return 0; /* "[Concurrent ..." of something else */
  const char *n = ms, *lim = ms - name > 32 ? ms - 32 : name;
  while (n > lim && (legacy_is_digit(n[-1]) || n[-1] == '.' || n[-1] == ',')) n--;
  double d;
  if (n == lim && n > name && legacy_is_digit(n[-1])) /* hundreds of digits */
    return k->diag(k->ctx, GCPULSE_REASON_OVERFLOW, 0, "a duration below 10^32 ms");
  if (n == ms || gcpulse__scan_decimal(n, ms, 1, &d) != ms) return 0;
  q->seen = 1;
  q->collector = GCPULSE_COLLECTOR_SHENANDOAH;
  if (!pause) {
    if (have_t) q->conc_t_last = t;
    if (!q->conc_active) { /* phases without their init mark */
      memset(&q->conc, 0, sizeof q->conc);
      q->conc.runtime = GCPULSE_RT_JVM;
      q->conc.kind = GCPULSE_KIND_CONCURRENT;
      q->conc.seq = q->next_seq;
      q->conc.known = GCPULSE_BIT(GCPULSE_FIELD_SEQ);
      if (have_t) {
        q->conc.t = t;
        q->conc.known |= GCPULSE_BIT(GCPULSE_FIELD_T);
      }
      q->conc_active = 1;
    }
    q->conc.concurrent_ms += d;
    q->conc.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
    heap_transition(name, n, &q->conc);
    q->conc_closing = GCPULSE__LIT(name, e, "cleanup") != NULL;
    return 1;
  }
  int kind = GCPULSE_KIND_PAUSE_OTHER;
  if (GCPULSE__LIT(name, e, "Init Mark")) kind = GCPULSE_KIND_INITIAL_MARK;
  else if (GCPULSE__LIT(name, e, "Final Mark")) kind = GCPULSE_KIND_FINAL_MARK;
  else if (GCPULSE__LIT(name, e, "Full")) kind = GCPULSE_KIND_FULL;
  else if (GCPULSE__LIT(name, e, "Degenerated GC")) kind = GCPULSE_KIND_DEGENERATED;
  int cycle_start = kind == GCPULSE_KIND_INITIAL_MARK;
  if (q->conc_active && (cycle_start || kind == GCPULSE_KIND_FULL ||
                         kind == GCPULSE_KIND_DEGENERATED)) {
    rc = conc_close(q, k, GCPULSE_COLLECTOR_SHENANDOAH, 0);
    if (rc < 0) return rc;
  }
  gcpulse_event_t *ev = &q->ev;
  memset(ev, 0, sizeof *ev);
  ev->runtime = GCPULSE_RT_JVM;
  ev->collector = GCPULSE_COLLECTOR_SHENANDOAH;
  ev->kind = kind;
  ev->seq = q->next_seq++;
  q->have_seq = 1;
  ev->known = GCPULSE_BIT(GCPULSE_FIELD_SEQ) | GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
  ev->pause_ms = d;
  if (have_t) {
    ev->t = t;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_T);
    q->last_t = t;
    q->have_t = 1;
  }
  if (kind == GCPULSE_KIND_FULL || kind == GCPULSE_KIND_DEGENERATED) {
    const char *g = memchr(name, '(', (size_t)(n - name));
    if (g) group(g, n, ev->cause);
  }
  heap_transition(name, n, ev);
  if (cycle_start) {
    memset(&q->conc, 0, sizeof q->conc);
    q->conc.runtime = GCPULSE_RT_JVM;
    q->conc.kind = GCPULSE_KIND_CONCURRENT;
    q->conc.seq = ev->seq;
    q->conc.t = ev->t;
    q->conc.known = GCPULSE_BIT(GCPULSE_FIELD_SEQ) | (ev->known & GCPULSE_BIT(GCPULSE_FIELD_T));
    q->conc_active = 1;
    q->conc_closing = 0;
  }
  q->active = 1;
  rc = emit_record(q, k, GCPULSE_COLLECTOR_SHENANDOAH);
  return rc < 0 ? rc : 1;
}

/* Which run a record starting at T belongs to.  It continues this run when
 * it starts less than 0.25 s before the last record; it continues the
 * other run (the one before the last went_back) when it fits only that
 * one, or both and that one's last record is nearer in time: two JVMs
 * write to one stream (runs swapped, interleave_new set once).  Returns 1
 * when it fits neither: a new run. */
static int run_of(gcpulse__jvm8 *q, double t) {
  int back = t + 0.25 <= q->last_t;
  int alt = q->have_alt && t + 0.25 > q->alt_t;
  if (alt && !back) {
    double da = t - q->alt_t, dc = t - q->last_t;
    alt = (da < 0 ? -da : da) < (dc < 0 ? -dc : dc);
  }
  if (!alt) {
    /* the other run is forgotten after 16 records of this one */
    if (back) q->alt_quiet = 0;
    else if (q->have_alt && ++q->alt_quiet > 16) q->have_alt = 0;
    return back;
  }
  q->alt_quiet = 0;
  double lt = q->last_t;
  uint64_t ns = q->next_seq;
  q->last_t = q->alt_t;
  q->next_seq = q->alt_next_seq;
  q->alt_t = lt;
  q->alt_next_seq = ns;
  if (!q->interleaved) q->interleave_new = 1;
  q->interleaved = 1;
  return 0;
}

static int known_header(const char *p, const char *e) {
  static const char *const pre[] = {
      "OpenJDK ", "Java HotSpot", "Memory: ", "CommandLine flags:", "Heap",
      "{Heap", "}", "Total time for which", "Application time:",
      "Desired survivor", "- age", "/proc/meminfo", "Concurrent RS",
  };
  for (size_t i = 0; i < GCPULSE__COUNTOF(pre); i++) {
    size_t n = strlen(pre[i]);
    if ((size_t)(e - p) >= n && memcmp(p, pre[i], n) == 0) return 1;
  }
  return 0;
}

/* A record starts at R (after its "[GC"/"[Full GC" word): end the one in
 * progress, detect a new JVM run, and fill the new record's header (kind,
 * id, time, cause, collector).  *COLL is the collector in force. */
static int open_record(gcpulse__jvm8 *q, const gcpulse__sink *k, int kind,
                       int cms_phase, const char *r, const char *e, double t,
                       int have_t, int have_id, uint64_t id, int *collector,
                       int *coll_io) {
  int rc, coll = *coll_io;
  if (q->active) {
    rc = emit_record(q, k, coll);
    if (rc < 0) return rc;
  }
  if (q->conc_active && q->conc_closing) { /* G1 cleanup freed nothing */
    rc = conc_close(q, k, coll, 0);
    if (rc < 0) return rc;
  }
  if (have_t && q->have_t && run_of(q, t)) { /* a new JVM run */
    if (q->conc_active) {
      rc = conc_close(q, k, coll, 1);
      if (rc < 0) return rc;
    }
    q->have_alt = 1;
    q->alt_t = q->last_t;
    q->alt_next_seq = q->next_seq;
    q->went_back = 1;
    q->next_seq = 0;
    q->have_seq = 0;
    q->collector = GCPULSE_COLLECTOR_UNKNOWN;
    *collector = GCPULSE_COLLECTOR_UNKNOWN;
    coll = GCPULSE_COLLECTOR_UNKNOWN;
  }
  memset(&q->ev, 0, sizeof q->ev);
  q->label[0] = '\0';
  q->active = 1;
  q->seen = 1;
  gcpulse_event_t *ev = &q->ev;
  ev->runtime = GCPULSE_RT_JVM;
  ev->kind = kind;
  ev->seq = have_id ? id : q->next_seq;
  q->next_seq = ev->seq + 1;
  q->have_seq = 1;
  if (kind == GCPULSE_KIND_CLEANUP && q->conc_active) q->conc_closing = 1;
  ev->known = GCPULSE_BIT(GCPULSE_FIELD_SEQ);
  if (have_t) {
    ev->t = t;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_T);
    q->last_t = t;
    q->have_t = 1;
  }
  while (r < e && *r == ' ') r++;
  if (kind == GCPULSE_KIND_FULL || kind == GCPULSE_KIND_YOUNG) {
    char c2[GCPULSE_CAUSE_MAX];
    r = group(r, e, ev->cause);
    if (strcmp(ev->cause, "young") == 0) ev->cause[0] = '\0';
    /* G1: "(cause) (young|mixed) (initial-mark) (to-space exhausted)" */
    while (r < e && *r == '(') {
      c2[0] = '\0';
      r = group(r, e, c2);
      if (strcmp(c2, "mixed") == 0) ev->kind = GCPULSE_KIND_MIXED;
      if (c2[0] == '\0') break;
      if (q->collector == GCPULSE_COLLECTOR_UNKNOWN &&
          (strcmp(c2, "young") == 0 || strcmp(c2, "mixed") == 0))
        q->collector = GCPULSE_COLLECTOR_G1;
    }
    if (strcmp(ev->cause, "CMS Initial Mark") == 0) {
      ev->kind = GCPULSE_KIND_INITIAL_MARK;
      q->collector = GCPULSE_COLLECTOR_CMS;
    } else if (strcmp(ev->cause, "CMS Final Remark") == 0) {
      ev->kind = GCPULSE_KIND_REMARK;
      q->collector = GCPULSE_COLLECTOR_CMS;
    }
  } else {
    q->collector = cms_phase ? GCPULSE_COLLECTOR_CMS : GCPULSE_COLLECTOR_G1;
  }
  if (q->collector != GCPULSE_COLLECTOR_UNKNOWN &&
      *collector == GCPULSE_COLLECTOR_UNKNOWN)
    *collector = q->collector;
  *coll_io = coll;
  return 0;
}

/* "[Times: user=U sys=S, real=R secs]" at TM ends the record in progress
 * (S is the line, for the diagnostic's offset). */
static int times_end(gcpulse__jvm8 *q, const gcpulse__sink *k, const char *s,
                     const char *tm, const char *e, int coll) {
  int rc;
  double u, sy, re;
  const char *x = GCPULSE__LIT(tm + 8, e, "user=");
  x = x ? gcpulse__scan_decimal(x, e, 1, &u) : NULL;
  x = x ? GCPULSE__LIT(x, e, " sys=") : NULL;
  x = x ? gcpulse__scan_decimal(x, e, 1, &sy) : NULL;
  x = x ? GCPULSE__LIT(x, e, ", real=") : NULL;
  x = x ? gcpulse__scan_decimal(x, e, 1, &re) : NULL;
  if (x) {
    gcpulse__jvm_set_times(&q->ev, u, sy, re);
  } else {
    rc = k->diag(k->ctx, GCPULSE_REASON_MALFORMED, (size_t)(tm - s),
                 "[Times: user=.. sys=.., real=.. secs]");
    if (rc < 0) return rc;
  }
  rc = emit_record(q, k, coll);
  if (rc < 0) return rc;
  return 0;
}

int gcpulse__jvm8_line(gcpulse__jvm8 *q, const char *s, size_t n,
                       const gcpulse__sink *k, int *skip, int *collector) {
  const char *e = s + n, *p = s;
  while (p < e && *p == ' ') p++;
  if (e - p >= 2 && p[0] == ':' && p[1] == ' ') { /* ": 985162.343: [GC" */
    double v;
    const char *r = gcpulse__scan_decimal(p + 2, e, 0, &v);
    if (r && r < e && *r == ':') p += 2; /* spliced line */
  }
  double t = 0;
  int have_t = 0, have_id = 0;
  uint64_t id = 0;
  const char *b = prefixes(q, p, e, &t, &have_t, &id, &have_id);
  int coll = *collector != GCPULSE_COLLECTOR_UNKNOWN ? *collector : q->collector;
  int rc;
  *skip = GCPULSE_REASON_NONE;
  /* concurrent phases */
  if ((GCPULSE__LIT(b, e, "[CMS-concurrent-") ||
       GCPULSE__LIT(b, e, "[GC concurrent-"))) {
    q->seen = 1;
    if (GCPULSE__LIT(b, e, "[CMS")) q->collector = GCPULSE_COLLECTOR_CMS;
    else if (q->collector == GCPULSE_COLLECTOR_UNKNOWN)
      q->collector = GCPULSE_COLLECTOR_G1;
    coll = *collector != GCPULSE_COLLECTOR_UNKNOWN ? *collector : q->collector;
    *skip = GCPULSE_REASON_JVM_INFO;
    rc = conc_line(q, b, e, t, have_t, have_id, id, k, coll);
    return rc < 0 ? rc : 1;
  }
  if (!q->active && (GCPULSE__LIT(b, e, "[Pause ") || GCPULSE__LIT(b, e, "[Concurrent "))) {
    *skip = GCPULSE_REASON_JVM_INFO;
    rc = shen8_line(q, b, e, t, have_t, k);
    if (rc != 0) return rc;
  }
  int kind = GCPULSE_KIND_UNKNOWN, cms_phase = 0;
  const char *r = NULL;
  if ((r = GCPULSE__LIT(b, e, "[Full GC")) != NULL) kind = GCPULSE_KIND_FULL;
  else if ((r = GCPULSE__LIT(b, e, "[GC pause ")) != NULL) kind = GCPULSE_KIND_YOUNG;
  else if ((r = GCPULSE__LIT(b, e, "[GC remark")) != NULL) kind = GCPULSE_KIND_REMARK;
  else if ((r = GCPULSE__LIT(b, e, "[GC cleanup")) != NULL) kind = GCPULSE_KIND_CLEANUP;
  else if ((r = GCPULSE__LIT(b, e, "[GC (")) != NULL) {
    kind = GCPULSE_KIND_YOUNG;
    r--;
  } else if ((r = GCPULSE__LIT(b, e, "[GC")) != NULL && causeless_gc(r, e)) {
    kind = causeless_kind(r, e); /* JDK <= 7, JDK 8 -XX:-PrintGCCause */
    cms_phase = kind != GCPULSE_KIND_YOUNG;
  }
  if (kind != GCPULSE_KIND_UNKNOWN) {
    rc = open_record(q, k, kind, cms_phase, r, e, t, have_t, have_id, id,
                     collector, &coll);
    if (rc < 0) return rc;
  } else if (!q->active) {
    if (!q->seen) {
      if (!(GCPULSE__LIT(p, e, "OpenJDK ") || GCPULSE__LIT(p, e, "Java HotSpot") ||
            GCPULSE__LIT(p, e, "CommandLine flags: ") ||
            GCPULSE__LIT(p, e, "Memory: 4k page") ||
            GCPULSE__LIT(p, e, "{Heap before GC") || GCPULSE__LIT(b, e, "[G1Ergonomics") ||
            GCPULSE__LIT(b, e, "Total time for which application threads")))
        return 0;
      q->seen = 1;
    }
    if (known_header(b, e) || known_header(p, e) || p > s ||
        (b < e && *b == '[')) {
      *skip = GCPULSE_REASON_JVM_INFO;
      return 1;
    }
    return 0;
  } else {
    *skip = GCPULSE_REASON_JVM_INFO;
  }
  /* the record in progress: times end it.  CMS prints a concurrent phase
   * that ends during a pause inside the pause's record ("[CMS797.832:
   * [CMS-concurrent-sweep: 1.180/1.376 secs] [Times: ...]"), and the
   * record goes on on the next line (" (concurrent mode failure): ...").
   * The phase and its [Times] are cut out; the record stays open.  G1
   * does the same ("(young)2.321: [GC concurrent-mark-end, 0.008 secs]"
   * with ", 0.0100000 secs]" on the next line). */
  const char *rend = e, *tm = NULL;
  const char *cc = gcpulse__find(b, e, "[CMS-concurrent-", 16);
  if (cc == NULL) cc = gcpulse__find(b, e, "[GC concurrent-", 15);
  if (cc) {
    double ct = t;
    rend = stamp_before(b, cc, &ct);
    rc = conc_line(q, cc, e, ct, have_t || rend < cc, 0, 0, k, coll);
    if (rc < 0) return rc;
  } else {
    tm = gcpulse__find(b, e, "[Times: ", 8);
    if (tm) rend = tm;
  }
  int coll2 = q->collector;
  const char *oor = scan_body(q, b, rend, &coll2);
  if (q->conc_active && gcpulse__find(b, rend, "(concurrent mode ", 17)) {
    /* a concurrent mode failure or interruption ends the CMS cycle */
    rc = conc_close(q, k, coll2, 0);
    if (rc < 0) return rc;
  }
  if (oor) {
    rc = k->diag(k->ctx, GCPULSE_REASON_OVERFLOW, (size_t)(oor - s),
                 "a size of 2^53 bytes or more");
    if (rc < 0) return rc;
  }
  if (q->collector == GCPULSE_COLLECTOR_UNKNOWN) q->collector = coll2;
  if (*collector == GCPULSE_COLLECTOR_UNKNOWN) *collector = q->collector;
  coll = *collector;
  if (tm) {
    rc = times_end(q, k, s, tm, e, coll);
    if (rc < 0) return rc;
  }
  return 1;
}

int gcpulse__jvm8_finish(gcpulse__jvm8 *q, const gcpulse__sink *k) {
  int rc = 0;
  if (q->active) {
    if (q->ev.known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS)) {
      rc = emit_record(q, k, q->collector);
    } else {
      q->active = 0;
      rc = k->diag(k->ctx, GCPULSE_REASON_INCOMPLETE, 0,
                   "JDK 8 record without its pause time");
    }
    if (rc < 0) return rc;
  }
  if (q->conc_active) rc = conc_close(q, k, q->collector, !q->conc_closing);
  return rc;
}

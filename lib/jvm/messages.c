/*
 * jvm/messages.c — the message grammars of HotSpot unified logging: what a line
 * says once jvm/envelope.c has removed its decorators and "GC(N)" id.
 *
 * Design.
 *  - gcpulse__jvm_body dispatches on the first byte of the message, then on
 *    a literal prefix: only the families that can carry event data ("Pause",
 *    "Concurrent", "Garbage/Major/Minor Collection") have their numeric tail
 *    scanned, from the right: an optional duration token, before it an
 *    optional "a->b(c)" transition.  A family line without a duration is a
 *    start line; with one it is the summary that completes its event.
 *  - Detail lines with a GC id (pools, G1 region counts, metaspace in its
 *    JDK 11 / 16+ / ZGC forms, "User= Sys= Real=", to-space exhaustion) fill
 *    the open entry of the same id (jvm/gcid_table.c).
 *  - Lines without an id: collector banner ("Using ..."), region size,
 *    out-of-memory markers; once the stream is known to be a JVM log, the
 *    other -Xlog banner lines and the "Heap" exit printout count as JVM_INFO
 *    even without decorators (":none").
 *  - The collector comes from "Using ..." or is inferred from message shapes
 *    (pool names, region lines, Shenandoah / ZGC pause names, "Y:"/"O:").
 *  - Shenandoah / CMS concurrent phases are summed into an accumulating
 *    CYCLE entry; a Shenandoah cycle ends when a cycle line with another id
 *    appears (or at the end of the run), a CMS cycle at "Concurrent Reset".
 *  - Numbers go through short-number fast paths that give the same values
 *    as numscan.c (sizes: K/M/G/T are powers of 1024, rounded to bytes).
 */
#include "common.h"
#include "jvm.h"

#include <string.h>

/* Short local names; macros, not enumerators, because gcid_table.c has the
 * same ones and the amalgamation (lib/amalgamate.sh) is one file scope. */
#define ROLE_PAUSE GCPULSE__JVM_PAUSE
#define ROLE_CYCLE GCPULSE__JVM_CYCLE
#define ST_OPEN GCPULSE__JVM_OPEN
#define ST_DONE GCPULSE__JVM_DONE
#define RG_OLD GCPULSE__JVM_RG_OLD
#define RG_N GCPULSE__JVM_RG_N
typedef gcpulse__jvm_entry jvm_entry;
typedef gcpulse__jline jline;


static int msg_is_digit(char c) { return (unsigned)(c - '0') <= 9u; }

static const char *rtrim(const char *b, const char *e) {
  while (e > b && (e[-1] == ' ' || e[-1] == '\t')) e--;
  return e;
}

/* Duration token "<num><unit>" filling [P, E) exactly -> milliseconds. */
static int scan_dur(const char *p, const char *e, double *ms) {
  double v;
  const char *q = gcpulse__jvm_decimal(p, e, &v);
  if (q == NULL) return 0;
  size_t u = (size_t)(e - q);
  if (u == 2 && q[1] == 's') {
    if (q[0] == 'm') *ms = v;
    else if (q[0] == 'u') *ms = v / 1000.0;
    else if (q[0] == 'n') *ms = v / 1e6;
    else return 0;
  } else if (u == 1 && q[0] == 's') {
    *ms = v * 1000.0;
  } else {
    return 0;
  }
  return 1;
}

/* Size "<num>[.<frac>]<unit>[B]" ('.' only) -> bytes; same values as
 * gcpulse__scan_size(p, e, 0, out). */
static const char *scan_size(const char *p, const char *e, uint64_t *out) {
  const char *q = p;
  uint64_t m = 0;
  while (q < e && msg_is_digit(*q)) m = m * 10u + (unsigned)(*q++ - '0');
  if (q == p || q - p > 15 || q >= e) return gcpulse__scan_size(p, e, 0, out);
  double mul;
  switch (*q) {
  case 'K': case 'k': mul = 1024.0; break;
  case 'M': mul = 1048576.0; break;
  case 'G': mul = 1073741824.0; break;
  case 'B': mul = 1.0; break;
  default: return gcpulse__scan_size(p, e, 0, out); /* fraction, T, junk */
  }
  q++;
  if (q < e && *q == 'B') q++;
  double b = (double)m * mul;
  if (!(b < (double)GCPULSE_INT_MAX)) return NULL; /* e.g. 15 digits of G */
  *out = (uint64_t)(b + 0.5);
  return q;
}

/* A transition "a->b", "a->b(c)", "a(c)->b(c)", "a(p%)->b(q%)", sizes with
 * units, or unitless counts when UNITLESS.  Returns the byte after it or
 * NULL.  *BCAP set when the before side had a capacity. */
typedef struct trans {
  uint64_t b, a, bcap, acap;
  int has_bcap, has_acap, pct;
} trans;

/* Unsigned count; same result as gcpulse__scan_u64. */
static const char *scan_count(const char *p, const char *e, uint64_t *v) {
  const char *q = p;
  uint64_t m = 0;
  while (q < e && msg_is_digit(*q) && q - p < 18) m = m * 10u + (unsigned)(*q++ - '0');
  if (q == p) return NULL;
  if (q < e && msg_is_digit(*q)) return gcpulse__scan_u64(p, e, v);
  if (m >= GCPULSE_INT_MAX) return NULL;
  *v = m;
  return q;
}

static const char *scan_num(const char *p, const char *e, int unitless,
                            uint64_t *v) {
  if (unitless) return scan_count(p, e, v);
  return scan_size(p, e, v);
}

static const char *scan_paren(const char *p, const char *e, int unitless,
                              uint64_t *v, int *has, int *pct) {
  if (p >= e || *p != '(') return p;
  const char *c = p + 1;
  while (c < e && *c != ')') c++;
  if (c >= e) return NULL;
  if (c > p + 1 && c[-1] == '%') {
    *pct = 1;
    return c + 1;
  }
  const char *q = scan_num(p + 1, c, unitless, v);
  if (q == c) *has = 1;
  return c + 1;
}

static const char *scan_trans(const char *p, const char *e, int unitless,
                              trans *t) {
  memset(t, 0, sizeof *t);
  p = scan_num(p, e, unitless, &t->b);
  if (p == NULL) return NULL;
  p = scan_paren(p, e, unitless, &t->bcap, &t->has_bcap, &t->pct);
  if (p == NULL || e - p < 2 || p[0] != '-' || p[1] != '>') return NULL;
  p += 2;
  p = scan_num(p, e, unitless, &t->a);
  if (p == NULL) return NULL;
  return scan_paren(p, e, unitless, &t->acap, &t->has_acap, &t->pct);
}

/* Is [P, E) a plain number with a size unit (so a failed scan was an
 * overflow, not a syntax error)? */
static int looks_overflow(const char *p, const char *e) {
  const char *q = p;
  while (q < e && msg_is_digit(*q)) q++;
  return q - p > 15;
}

static int has_arrow(const char *p, const char *e) {
  for (; p + 1 < e; p++)
    if (p[0] == '-' && p[1] == '>') return 1;
  return 0;
}

/* ------------------------------------------------------------------ */
/* message tails and names                                             */

typedef struct jtail {
  const char *name_end;
  int has_dur, has_tr;
  double dur_ms;
  trans tr;
  int bad;          /* a transition token that failed to scan */
  size_t bad_col;
} jtail;

/* Scan the numeric tail of [B, E) from the right. */
static void scan_tail(const char *b, const char *e, jtail *t) {
  memset(t, 0, sizeof *t);
  e = rtrim(b, e);
  t->name_end = e;
  const char *sp = e;
  while (sp > b && sp[-1] != ' ') sp--;
  if (sp > b && msg_is_digit(*sp) && scan_dur(sp, e, &t->dur_ms)) {
    t->has_dur = 1;
    e = rtrim(b, sp);
    t->name_end = e;
    sp = e;
    while (sp > b && sp[-1] != ' ') sp--;
  }
  if (sp > b && e - sp >= 4 && (msg_is_digit(*sp) || *sp == '-') &&
      has_arrow(sp, e)) {
    const char *r = msg_is_digit(*sp) ? scan_trans(sp, e, 0, &t->tr) : NULL;
    if (r == e) {
      t->has_tr = 1;
    } else {
      t->bad = looks_overflow(sp, e) ? GCPULSE_REASON_OVERFLOW
                                     : GCPULSE_REASON_MALFORMED;
      t->bad_col = (size_t)(sp - b);
    }
    t->name_end = rtrim(b, sp);
  }
}

/* Copy the last balanced "(...)" group of [B, E) that is not a G1 pause
 * subtype into CAUSE.  Returns 1 if the name held "(Evacuation Failure". */
static int take_cause(const char *b, const char *e, char *cause) {
  const char *cs = NULL, *ce = NULL;
  int evac = 0;
  const char *q = b;
  while (q < e) {
    if (*q != '(') {
      q++;
      continue;
    }
    int depth = 0;
    const char *r = q;
    for (; r < e; r++) {
      if (*r == '(') depth++;
      else if (*r == ')' && --depth == 0) break;
    }
    if (r >= e) break;
    const char *gb = q + 1, *ge = r;
    size_t n = (size_t)(ge - gb);
#define IS(s) (n == sizeof(s) - 1 && memcmp(gb, s, n) == 0)
    if (n >= 18 && memcmp(gb, "Evacuation Failure", 18) == 0) {
      evac = 1;
    } else if (!(IS("Normal") || IS("Concurrent Start") || IS("Prepare Mixed") ||
                 IS("Mixed") || IS("Concurrent End") || IS("young") ||
                 IS("Major") || IS("Minor"))) {
      cs = gb;
      ce = ge;
    }
#undef IS
    q = r + 1;
  }
  if (cs) {
    size_t n = (size_t)(ce - cs);
    if (n >= GCPULSE_CAUSE_MAX) n = GCPULSE_CAUSE_MAX - 1;
    memcpy(cause, cs, n);
    cause[n] = '\0';
  }
  return evac;
}

#define STARTS(b, e, s) (gcpulse__lit((b), (e), (s), sizeof(s) - 1) != NULL)

/* Kind and collector hint of a "Pause ..." name [B, E) (after "Pause "). */
static int pause_kind(gcpulse__jvm *p, const char *b, const char *e,
                      int *coll, int *qualifiers) {
  *coll = GCPULSE_COLLECTOR_UNKNOWN;
  *qualifiers = 0;
  if (STARTS(b, e, "Young")) {
    if (STARTS(b, e, "Young (Mixed)")) {
      *coll = GCPULSE_COLLECTOR_G1;
      return GCPULSE_KIND_MIXED;
    }
    if (STARTS(b, e, "Young (Normal)") || STARTS(b, e, "Young (Concurrent") ||
        STARTS(b, e, "Young (Prepare"))
      *coll = GCPULSE_COLLECTOR_G1;
    return GCPULSE_KIND_YOUNG;
  }
  if (STARTS(b, e, "Full")) return GCPULSE_KIND_FULL;
  if (STARTS(b, e, "Remark")) return GCPULSE_KIND_REMARK;
  if (STARTS(b, e, "Cleanup")) {
    *coll = GCPULSE_COLLECTOR_G1;
    return GCPULSE_KIND_CLEANUP;
  }
  if (STARTS(b, e, "Mixed")) {
    *coll = GCPULSE_COLLECTOR_G1;
    return GCPULSE_KIND_MIXED;
  }
  if (STARTS(b, e, "Initial Mark")) {
    /* G1 JDK 9-10: a young pause that starts marking; CMS: no cause */
    if (memchr(b, '(', (size_t)(e - b)) != NULL) {
      *coll = GCPULSE_COLLECTOR_G1;
      return GCPULSE_KIND_YOUNG;
    }
    *coll = GCPULSE_COLLECTOR_CMS;
    return GCPULSE_KIND_INITIAL_MARK;
  }
  if (STARTS(b, e, "Init Mark")) {
    *coll = GCPULSE_COLLECTOR_SHENANDOAH;
    *qualifiers = 1;
    return GCPULSE_KIND_INITIAL_MARK;
  }
  if (STARTS(b, e, "Final Mark")) {
    *coll = GCPULSE_COLLECTOR_SHENANDOAH;
    *qualifiers = 1;
    return GCPULSE_KIND_FINAL_MARK;
  }
  if (STARTS(b, e, "Degenerated GC")) {
    *coll = GCPULSE_COLLECTOR_SHENANDOAH;
    return GCPULSE_KIND_DEGENERATED;
  }
  if (STARTS(b, e, "Mark Start") || STARTS(b, e, "Mark End") ||
      STARTS(b, e, "Relocate Start")) {
    *coll = p->collector == GCPULSE_COLLECTOR_ZGC_GEN ? GCPULSE_COLLECTOR_ZGC_GEN
                                                      : GCPULSE_COLLECTOR_ZGC;
    *qualifiers = 1;
    return GCPULSE_KIND_PAUSE_OTHER;
  }
  if (STARTS(b, e, "Init ") || STARTS(b, e, "Final ")) {
    *coll = GCPULSE_COLLECTOR_SHENANDOAH;
    *qualifiers = 1;
    return GCPULSE_KIND_PAUSE_OTHER;
  }
  *qualifiers = 1;
  return GCPULSE_KIND_PAUSE_OTHER;
}

static void infer_collector(gcpulse__jvm *p, int c) {
  if (c == GCPULSE_COLLECTOR_UNKNOWN) return;
  if (p->collector == GCPULSE_COLLECTOR_UNKNOWN ||
      (p->collector == GCPULSE_COLLECTOR_ZGC && c == GCPULSE_COLLECTOR_ZGC_GEN))
    p->collector = c;
}

static int prints_cpu(int c) {
  return c != GCPULSE_COLLECTOR_ZGC && c != GCPULSE_COLLECTOR_ZGC_GEN &&
         c != GCPULSE_COLLECTOR_SHENANDOAH;
}

static void set_heap(gcpulse_event_t *ev, const jtail *t) {
  if (!t->has_tr) return;
  ev->heap_before = t->tr.b;
  ev->heap_after = t->tr.a;
  ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE) |
               GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER);
  if (t->tr.has_acap) {
    ev->heap_capacity = t->tr.acap;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_CAPACITY);
  }
}

static int report_bad(const jtail *t, const jline *L, const char *line,
                      const gcpulse__sink *k) {
  if (!t->bad) return 0;
  return k->diag(k->ctx, t->bad, (size_t)(L->msg - line) + t->bad_col,
                 "before->after(capacity) transition");
}

/* "Pause ..." lines.  B points after "Pause ". */
static int on_pause(gcpulse__jvm *p, const jline *L, const char *line,
                    const gcpulse__sink *k) {
  const char *b = L->msg + 6;
  jtail t;
  scan_tail(b, L->end, &t);
  int rc = report_bad(&t, L, line, k);
  if (rc < 0) return rc;
  int coll, qual;
  int kind = pause_kind(p, b, t.name_end, &coll, &qual);
  infer_collector(p, coll);
  if (L->gen) infer_collector(p, GCPULSE_COLLECTOR_ZGC_GEN);
  if (!L->has_id) return 0;
  jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_PAUSE, ST_OPEN);
  if (!t.has_dur) { /* start line */
    if (x == NULL) {
      x = gcpulse__jvm_open(p, L->id, ROLE_PAUSE, k, &rc);
      if (x == NULL) return rc;
    }
    x->started = 1;
    x->ev.kind = kind;
    return 0;
  }
  if (x == NULL) {
    x = gcpulse__jvm_open(p, L->id, ROLE_PAUSE, k, &rc);
    if (x == NULL) return rc;
  }
  if (!x->started && p->have_t && t.dur_ms / 1000.0 <= p->t_line) {
    /* no start line: the pause began DURATION before its summary */
    x->ev.t = p->t_line - t.dur_ms / 1000.0;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_T);
  }
  x->ev.kind = kind;
  x->ev.collector = coll != GCPULSE_COLLECTOR_UNKNOWN ? coll : p->collector;
  x->prepares_mixed = STARTS(b, t.name_end, "Young (Prepare Mixed)");
  if (!qual || kind == GCPULSE_KIND_DEGENERATED || kind == GCPULSE_KIND_FULL) {
    if (take_cause(b, t.name_end, x->ev.cause))
      x->ev.flags |= GCPULSE_EV_EVAC_FAILURE;
  }
  x->ev.pause_ms = t.dur_ms;
  x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
  set_heap(&x->ev, &t);
  x->t_last = p->t_line;
  /* Serial: a full GC nested in the young GC before it = promotion failure */
  if (kind == GCPULSE_KIND_YOUNG && x->id > 0 &&
      gcpulse__jvm_find(p, x->id + 1, ROLE_PAUSE, ST_DONE) != NULL)
    x->ev.flags |= GCPULSE_EV_EVAC_FAILURE;
  x->wait_cpu = prints_cpu(x->ev.collector);
  gcpulse__jvm_done(p, x);
  return 0;
}

/* Accumulating cycle entry for (ID): Shenandoah and CMS. */
static jvm_entry *accum_cycle(gcpulse__jvm *p, uint64_t id,
                              const gcpulse__sink *k, int *rc) {
  jvm_entry *x = gcpulse__jvm_find(p, id, ROLE_CYCLE, ST_OPEN);
  if (x) return x;
  if (p->collector == GCPULSE_COLLECTOR_SHENANDOAH) {
    for (int i = 0; i < p->n_slots; i++) {
      jvm_entry *o = &p->e[i];
      if (o->state == ST_OPEN && o->role == ROLE_CYCLE && o->accum &&
          o->id != id)
        gcpulse__jvm_done(p, o);
    }
  }
  x = gcpulse__jvm_open(p, id, ROLE_CYCLE, k, rc);
  if (x == NULL) return NULL;
  x->accum = 1;
  x->ev.kind = GCPULSE_KIND_CONCURRENT;
  x->ev.collector = p->collector;
  return x;
}

static void add_conc(jvm_entry *x, double ms) {
  x->ev.concurrent_ms += ms;
  x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
}

/* Generational Shenandoah's old-generation phase "Coalescing and filling
 * (Old) 1.234ms" (JDK 21+): concurrent work of the cycle of its GC id,
 * logged without the "Concurrent" prefix. */
static int on_coalesce(gcpulse__jvm *p, const jline *L, const char *line,
                       const gcpulse__sink *k) {
  infer_collector(p, GCPULSE_COLLECTOR_SHENANDOAH);
  jtail t;
  scan_tail(L->msg, L->end, &t);
  int rc = report_bad(&t, L, line, k);
  if (rc < 0 || !L->has_id) return rc;
  jvm_entry *x = accum_cycle(p, L->id, k, &rc);
  if (x == NULL) return rc;
  x->t_last = p->t_line;
  if (t.has_dur) add_conc(x, t.dur_ms);
  return 0;
}

/* "Concurrent ..." lines. */
static int on_concurrent(gcpulse__jvm *p, const jline *L, const char *line,
                         const gcpulse__sink *k) {
  const char *b = L->msg + 11, *e = L->end;
  if (b < e && *b >= 'a' && *b <= 'z')
    infer_collector(p, GCPULSE_COLLECTOR_SHENANDOAH);
  jtail t;
  scan_tail(b, e, &t);
  int rc = report_bad(&t, L, line, k);
  if (rc < 0 || !L->has_id) return rc;
  const char *ne = t.name_end;
  int g1cycle = STARTS(b, ne, "Cycle") || STARTS(b, ne, "Mark Cycle") ||
                STARTS(b, ne, "Undo Cycle");
  if (g1cycle) {
    infer_collector(p, GCPULSE_COLLECTOR_G1);
    jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_CYCLE, ST_OPEN);
    if (x == NULL) {
      x = gcpulse__jvm_open(p, L->id, ROLE_CYCLE, k, &rc);
      if (x == NULL) return rc;
      if (t.has_dur && p->have_t && t.dur_ms / 1000.0 <= p->t_line) {
        x->ev.t = p->t_line - t.dur_ms / 1000.0;
        x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_T);
      }
    }
    x->ev.kind = GCPULSE_KIND_CONCURRENT;
    x->ev.collector = GCPULSE_COLLECTOR_G1;
    if (t.has_dur) {
      x->ev.concurrent_ms = t.dur_ms;
      x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
      gcpulse__jvm_done(p, x);
    }
    return 0;
  }
  int c = p->collector;
  if (c == GCPULSE_COLLECTOR_SHENANDOAH || c == GCPULSE_COLLECTOR_CMS) {
    jvm_entry *x = accum_cycle(p, L->id, k, &rc);
    if (x == NULL) return rc;
    x->t_last = p->t_line;
    if (t.has_dur) add_conc(x, t.dur_ms);
    if (t.has_tr) {
      if (!(x->ev.known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE))) {
        x->ev.heap_before = t.tr.b;
        x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE);
      }
      x->ev.heap_after = t.tr.a;
      x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER);
      if (t.tr.has_acap) {
        x->ev.heap_capacity = t.tr.acap;
        x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_CAPACITY);
      }
    }
    if (c == GCPULSE_COLLECTOR_CMS && t.has_dur && STARTS(b, ne, "Reset"))
      gcpulse__jvm_done(p, x);
    return 0;
  }
  if (c == GCPULSE_COLLECTOR_ZGC || c == GCPULSE_COLLECTOR_ZGC_GEN) {
    jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_CYCLE, ST_OPEN);
    if (x && t.has_dur && !x->has_summary_dur) add_conc(x, t.dur_ms);
  } else if (c == GCPULSE_COLLECTOR_G1) {
    /* a G1 phase: the mark cycle is alive (its span if it never ends) */
    jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_CYCLE, ST_OPEN);
    if (x) x->t_last = p->t_line;
  }
  return 0;
}

/* ZGC "Garbage Collection (cause) a(p%)->b(q%) [d s]" and generational
 * "Major|Minor Collection (cause) ...".  B is the start of the message. */
static int on_zcycle(gcpulse__jvm *p, const jline *L, const char *line,
                     int kind, const gcpulse__sink *k) {
  jtail t;
  scan_tail(L->msg, L->end, &t);
  int rc = report_bad(&t, L, line, k);
  if (rc < 0) return rc;
  infer_collector(p, kind == GCPULSE_KIND_CONCURRENT ? GCPULSE_COLLECTOR_ZGC
                                                     : GCPULSE_COLLECTOR_ZGC_GEN);
  if (!L->has_id) return 0;
  jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_CYCLE, ST_OPEN);
  if (x == NULL) {
    x = gcpulse__jvm_open(p, L->id, ROLE_CYCLE, k, &rc);
    if (x == NULL) return rc;
  }
  x->ev.kind = kind;
  x->ev.collector = p->collector;
  take_cause(L->msg, t.name_end, x->ev.cause);
  if (!t.has_tr && !t.has_dur) return 0; /* start line */
  set_heap(&x->ev, &t);
  if (t.has_dur) {
    x->ev.concurrent_ms = t.dur_ms;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
  }
  gcpulse__jvm_done(p, x);
  return 0;
}

/* The entry a detail line of L's id belongs to (touching its time). */
static jvm_entry *detail_target(gcpulse__jvm *p, const jline *L) {
  jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_PAUSE, ST_OPEN);
  if (x == NULL) x = gcpulse__jvm_find(p, L->id, ROLE_PAUSE, ST_DONE);
  if (x == NULL) x = gcpulse__jvm_find(p, L->id, ROLE_CYCLE, ST_OPEN);
  if (x) x->t_last = p->t_line;
  return x;
}

static void set_pool(gcpulse_event_t *ev, const trans *t, int young) {
  if (young) {
    ev->young_before = t->b;
    ev->young_after = t->a;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_YOUNG_BEFORE) |
                 GCPULSE_BIT(GCPULSE_FIELD_YOUNG_AFTER);
  } else {
    ev->old_before = t->b;
    ev->old_after = t->a;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_OLD_BEFORE) |
                 GCPULSE_BIT(GCPULSE_FIELD_OLD_AFTER);
  }
}

/* "<Pool>: a->b(c)" of Parallel, Serial, CMS.  Q is after the label. */
static int on_pool(gcpulse__jvm *p, const jline *L, const char *line,
                   const gcpulse__sink *k, const char *q, int young,
                   int coll) {
  trans tr;
  infer_collector(p, coll);
  if (scan_trans(q, L->end, 0, &tr) == NULL)
    return k->diag(k->ctx, GCPULSE_REASON_MALFORMED, (size_t)(q - line),
                   "pool transition");
  jvm_entry *x = detail_target(p, L);
  if (x) set_pool(&x->ev, &tr, young);
  return 0;
}

/* "Metaspace: ..." in the JDK 11 "a->b(r)", JDK 16+ "a(c)->b(c)" and ZGC
 * "<u> used, <c> committed, <r> reserved" forms.  Q is after the label. */
static int on_metaspace(gcpulse__jvm *p, const jline *L, const char *q) {
  const char *e = L->end;
  trans tr;
  jvm_entry *x = detail_target(p, L);
  if (x == NULL || q >= e) return 0;
  if (msg_is_digit(*q) && scan_trans(q, e, 0, &tr) != NULL) {
    x->ev.metaspace_used = tr.a;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_METASPACE_USED);
    if (tr.has_bcap && tr.has_acap) { /* JDK 16+: used(committed) */
      x->ev.metaspace_committed = tr.acap;
      x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_METASPACE_COMMITTED);
    }
    return 0;
  }
  /* ZGC: "0M used, 0M committed, 1032M reserved" (JDK 11 adds capacity) */
  uint64_t v;
  const char *r = scan_size(q, e, &v);
  if (r && GCPULSE__LIT(r, e, " used")) {
    x->ev.metaspace_used = v;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_METASPACE_USED);
    const char *c = gcpulse__find(r, e, " committed", 10);
    if (c) {
      const char *s = c;
      while (s > r && s[-1] != ' ') s--;
      if (scan_size(s, c, &v) == c) {
        x->ev.metaspace_committed = v;
        x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_METASPACE_COMMITTED);
      }
    }
  }
  return 0;
}

/* "User=0.01s Sys=0.00s Real=0.01s".  Q is after "User=". */
static int on_cpu(gcpulse__jvm *p, const jline *L, const char *line,
                  const gcpulse__sink *k, const char *q) {
  const char *e = L->end;
  double u, s, r;
  const char *a = gcpulse__jvm_decimal(q, e, &u);
  const char *c = a ? GCPULSE__LIT(a, e, "s Sys=") : NULL;
  c = c ? gcpulse__jvm_decimal(c, e, &s) : NULL;
  const char *d = c ? GCPULSE__LIT(c, e, "s Real=") : NULL;
  d = d ? gcpulse__jvm_decimal(d, e, &r) : NULL;
  if (d == NULL)
    return k->diag(k->ctx, GCPULSE_REASON_MALFORMED, (size_t)(L->msg - line),
                   "User=<s>s Sys=<s>s Real=<s>s");
  jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_PAUSE, ST_DONE);
  if (x == NULL) x = gcpulse__jvm_find(p, L->id, ROLE_PAUSE, ST_OPEN);
  if (x) {
    gcpulse__jvm_set_times(&x->ev, u, s, r);
    x->wait_cpu = 0;
  }
  return 0;
}

/* G1 "<Name> regions: a->b(c)" for region class RG.  Q is after the label. */
static int on_regions(gcpulse__jvm *p, const jline *L, const char *line,
                      const gcpulse__sink *k, const char *q, int rg) {
  trans tr;
  if (scan_trans(q, L->end, 1, &tr) == NULL)
    return k->diag(k->ctx, GCPULSE_REASON_MALFORMED, (size_t)(q - line),
                   "region counts a->b(c)");
  infer_collector(p, GCPULSE_COLLECTOR_G1);
  jvm_entry *x = detail_target(p, L);
  if (x) {
    x->rg[rg][0] = tr.b;
    x->rg[rg][1] = tr.a;
    x->rg_known |= 1u << rg;
  }
  return 0;
}

/* Detail lines with a GC id: pools, regions, metaspace, CPU, evacuation
 * failure.  *HIT = 1 if recognised. */
static int on_detail(gcpulse__jvm *p, const jline *L, const char *line,
                     const gcpulse__sink *k, int *hit) {
  const char *b = L->msg, *e = L->end, *q;
  *hit = 1;
  switch (b < e ? *b : 0) {
  case 'P':
    if ((q = GCPULSE__LIT(b, e, "PSYoungGen: ")) != NULL)
      return on_pool(p, L, line, k, q, 1, GCPULSE_COLLECTOR_PARALLEL);
    if ((q = GCPULSE__LIT(b, e, "ParOldGen: ")) != NULL)
      return on_pool(p, L, line, k, q, 0, GCPULSE_COLLECTOR_PARALLEL);
    if ((q = GCPULSE__LIT(b, e, "ParNew: ")) != NULL)
      return on_pool(p, L, line, k, q, 1, GCPULSE_COLLECTOR_CMS);
    break;
  case 'D':
    if ((q = GCPULSE__LIT(b, e, "DefNew: ")) != NULL)
      return on_pool(p, L, line, k, q, 1, GCPULSE_COLLECTOR_SERIAL);
    break;
  case 'T':
    if ((q = GCPULSE__LIT(b, e, "Tenured: ")) != NULL)
      return on_pool(p, L, line, k, q, 0, GCPULSE_COLLECTOR_SERIAL);
    if (GCPULSE__LIT(b, e, "To-space exhausted")) goto evac;
    break;
  case 'C':
    if ((q = GCPULSE__LIT(b, e, "CMS: ")) != NULL)
      return on_pool(p, L, line, k, q, 0, GCPULSE_COLLECTOR_CMS);
    break;
  case 'M':
    if ((q = GCPULSE__LIT(b, e, "Metaspace: ")) != NULL)
      return on_metaspace(p, L, q);
    break;
  case 'U':
    if ((q = GCPULSE__LIT(b, e, "User=")) != NULL)
      return on_cpu(p, L, line, k, q);
    break;
  case 'E':
    if ((q = GCPULSE__LIT(b, e, "Eden regions: ")) != NULL)
      return on_regions(p, L, line, k, q, GCPULSE__JVM_RG_EDEN);
    if (GCPULSE__LIT(b, e, "Evacuation Failure")) goto evac;
    break;
  case 'S':
    if ((q = GCPULSE__LIT(b, e, "Survivor regions: ")) != NULL)
      return on_regions(p, L, line, k, q, GCPULSE__JVM_RG_SURV);
    break;
  case 'O':
    if ((q = GCPULSE__LIT(b, e, "Old regions: ")) != NULL)
      return on_regions(p, L, line, k, q, GCPULSE__JVM_RG_OLD);
    break;
  case 'H':
    if ((q = GCPULSE__LIT(b, e, "Humongous regions: ")) != NULL)
      return on_regions(p, L, line, k, q, GCPULSE__JVM_RG_HUM);
    break;
  case 'A':
    if ((q = GCPULSE__LIT(b, e, "Archive regions: ")) != NULL) {
      trans tr;
      if (scan_trans(q, e, 1, &tr) != NULL) {
        jvm_entry *x = detail_target(p, L);
        if (x) {
          x->rg[RG_OLD][0] += tr.b; /* Archive regions count as old */
          x->rg[RG_OLD][1] += tr.a;
        }
      }
      return 0;
    }
    break;
  default:
    break;
  }
  *hit = 0;
  return 0;
evac:;
  /* JDK 9-17 print it before the summary, also with -Xlog:gc only */
  jvm_entry *x = gcpulse__jvm_find(p, L->id, ROLE_PAUSE, ST_OPEN);
  if (x == NULL) {
    int rc = 0;
    x = gcpulse__jvm_open(p, L->id, ROLE_PAUSE, k, &rc);
    if (x == NULL) return rc;
  }
  x->ev.flags |= GCPULSE_EV_EVAC_FAILURE;
  return 0;
}

int gcpulse__jvm_using(const char *b, const char *e) {
  static const struct { const char *s; size_t n; int c; } names[] = {
      {"G1", 2, GCPULSE_COLLECTOR_G1},
      {"Parallel", 8, GCPULSE_COLLECTOR_PARALLEL},
      {"Serial", 6, GCPULSE_COLLECTOR_SERIAL},
      {"Concurrent Mark Sweep", 21, GCPULSE_COLLECTOR_CMS},
      {"Shenandoah", 10, GCPULSE_COLLECTOR_SHENANDOAH},
      {"The Z Garbage Collector", 23, GCPULSE_COLLECTOR_ZGC},
      {"Epsilon", 7, GCPULSE_COLLECTOR_EPSILON},
  };
  e = rtrim(b, e);
  for (size_t i = 0; i < GCPULSE__COUNTOF(names); i++)
    if ((size_t)(e - b) == names[i].n && memcmp(b, names[i].s, names[i].n) == 0)
      return names[i].c;
  return -1;
}

/* Lines without a GC id that matter.  Returns 1 if recognised. */
static int on_global(gcpulse__jvm *p, const jline *L) {
  const char *b = L->msg, *e = L->end, *q;
  if ((q = GCPULSE__LIT(b, e, "Using ")) != NULL) {
    int c = gcpulse__jvm_using(q, e);
    if (c < 0) return 0;
    if (p->collector != GCPULSE_COLLECTOR_ZGC_GEN || c != GCPULSE_COLLECTOR_ZGC)
      p->collector = c;
    return 1;
  }
  if ((q = GCPULSE__LIT(b, e, "Heap Region Size: ")) != NULL ||
      (q = GCPULSE__LIT(b, e, "Heap region size: ")) != NULL) {
    uint64_t v;
    if (scan_size(q, e, &v)) p->region_size = v;
    return 1;
  }
  if ((q = GCPULSE__LIT(b, e, "Heap Max Capacity: ")) != NULL ||
      (q = GCPULSE__LIT(b, e, "Max Capacity: ")) != NULL) {
    /* gc,init (JDK 17+; ZGC without "Heap "): -Xmx, stamped as heap_max
     * on this run's events (gcid_table.c).  A banner line (return 0). */
    uint64_t v;
    if (scan_size(q, e, &v) && v > 0) p->heap_max = v;
    return 0;
  }
  if ((q = GCPULSE__LIT(b, e, "Initialize Shenandoah heap: ")) != NULL) {
    /* "Initialize Shenandoah heap: 248M initial, 7168K min, 3953M max" */
    const char *m = gcpulse__find(q, e, " min, ", 6);
    uint64_t v;
    const char *r = m ? scan_size(m + 6, e, &v) : NULL;
    if (r && GCPULSE__LIT(r, e, " max") && v > 0) p->heap_max = v;
    return 0;
  }
  if ((q = GCPULSE__LIT(b, e, "CPUs: ")) != NULL) {
    /* "CPUs: 2 total, 2 available" (gc,init): the processors this JVM may
     * use, stamped as procs on its events (gcid_table.c).  The line stays
     * a banner line (return 0: recognised as before). */
    uint64_t total, avail;
    q = scan_count(q, e, &total);
    q = q ? GCPULSE__LIT(q, e, " total, ") : NULL;
    q = q ? scan_count(q, e, &avail) : NULL;
    if (q && GCPULSE__LIT(q, e, " available") && avail > 0 &&
        avail <= total && avail <= UINT32_MAX)
      p->cpus = (uint32_t)avail;
    return 0;
  }
  if (GCPULSE__LIT(b, e, "Out Of Memory") ||
      GCPULSE__LIT(b, e, "Cannot finish degeneration")) {
    p->oom_pending = 1;
    return 1;
  }
  return 0;
}

/* Does [B, E) start with one of the N prefixes in PRE? */
static int has_prefix(const char *b, const char *e, const char *const *pre,
                      size_t n) {
  size_t len = (size_t)(e - b);
  for (size_t i = 0; i < n; i++) {
    size_t m = strlen(pre[i]);
    if (len >= m && b[0] == pre[i][0] && memcmp(b, pre[i], m) == 0) return 1;
  }
  return 0;
}

/* [gc]-tagged messages that are known to carry no event data. */
static int known_info(const char *b, const char *e) {
  static const char *const pre[] = {
      "Trigger:", "Cancelling", "Failed to allocate", "Allocation Stall",
      "Relocation Stall", "Heuristics ", "Min heap", "Soft Max Heap",
      "Relocation:", "Version:", "Periodic GC", "Max TLAB", "Free:",
      "Pacer for", "Initialize ", "Initializing ", "Heap ", "Using ",
      "Out Of Memory", "Cannot finish", "Phase ", "Young Generation",
      "Old Generation", "Adaptive ", "Uncommitted", "Concurrent ",
      "Requested", "Mark:", "Load:", "MMU:", "Loaded", "CDS ",
  };
  return has_prefix(b, e, pre, GCPULSE__COUNTOF(pre));
}

/* -Xlog gc,init banner messages (JDK 9-21, every collector) and other
 * start-up lines that are JVM output even when printed without decorators. */
static int known_banner(const char *b, const char *e) {
  static const char *const pre[] = {
      "Version: ", "CPUs: ", "Memory: ", "Large Page Support: ",
      "NUMA Support: ", "NUMA Nodes: ", "Compressed Oops: ", "Alignments: ",
      "Heap Min Capacity: ", "Heap Initial Capacity: ", "Heap Max Capacity: ",
      "Heap Region Size: ", "Heap region size: ", "Heap Backing ",
      "Heap Address: ", "Pre-touch: ", "Parallel Workers: ",
      "Concurrent Workers: ", "Concurrent Refinement Workers: ",
      "Periodic GC: ", "CDS archive(s) mapped at: ", "CDS archive(s) not mapped",
      "Compressed class space mapped at: ", "Narrow klass base: ",
      "Runtime Workers: ", "GC Workers", "Address Space ", "Initial Capacity: ",
      "Max Capacity: ", "Min Capacity: ", "Soft Max Capacity: ",
      "Medium Page Size: ", "Uncommit: ", "Mode: ", "Heuristics: ",
      "Heuristics ergonomically", "Humongous object threshold: ",
      "Max TLAB size: ", "Initial heap size: ", "Maximum heap size: ",
      "Minimum heap size: ", "Regions: ", "Region size ", "Reference processing: ",
      "Probing address space", "Using ",
  };
  return has_prefix(b, e, pre, GCPULSE__COUNTOF(pre));
}

/* Does an unrecognised message look like a GC summary (transition and a
 * trailing duration)? */
static int looks_summary(const char *b, const char *e) {
  jtail t;
  scan_tail(b, e, &t);
  return t.has_dur && (t.has_tr || t.bad);
}

/* Undecorated text once the stream is known to be JVM output: banner
 * lines and the "Heap" exit printout are JVM_INFO, the rest foreign. */
static int undecorated(gcpulse__jvm *p, const jline *L) {
  const char *b = L->msg, *e = L->end;
  if (e - b == 4 && memcmp(b, "Heap", 4) == 0) {
    p->heap_exit = 1;
    return 1;
  }
  if (p->heap_exit && b < e && b[0] == ' ') return 1;
  p->heap_exit = 0;
  return known_banner(b, e);
}

int gcpulse__jvm_body(gcpulse__jvm *p, jline *L, const char *line,
                      const gcpulse__sink *k, int *skip, int *rc) {
  const char *b = L->msg, *e = L->end;
  int gc_tag = L->tags_n >= 2 && L->tags[0] == 'g' && L->tags[1] == 'c' &&
               (L->tags_n == 2 || L->tags[2] == ',');
  int summary_tag = L->tags_n == 2 ||
                    (L->tags_n == 8 && memcmp(L->tags, "gc,start", 8) == 0);
  size_t n = (size_t)(e - b);
  int kind = GCPULSE_KIND_UNKNOWN;
  *rc = 0;
  *skip = GCPULSE_REASON_JVM_INFO;
  switch (n >= 6 ? b[0] : 0) {
  case 'P':
    if (memcmp(b, "Pause ", 6) != 0) break;
    if (!L->has_id && !gc_tag && !p->locked) return 0;
    *rc = on_pause(p, L, line, k);
    *skip = GCPULSE_REASON_NONE;
    return 1;
  case 'C':
    if (n >= 22 && memcmp(b, "Coalescing and filling", 22) == 0) {
      if (!L->has_id && !gc_tag && !p->locked) return 0;
      *rc = on_coalesce(p, L, line, k);
      *skip = GCPULSE_REASON_NONE;
      return 1;
    }
    if (n < 11 || memcmp(b, "Concurrent ", 11) != 0) break;
    if (!L->has_id && !gc_tag && !p->locked) return 0;
    *rc = on_concurrent(p, L, line, k);
    *skip = GCPULSE_REASON_NONE;
    return 1;
  case 'G':
    if (n >= 20 && memcmp(b, "Garbage Collection (", 20) == 0)
      kind = GCPULSE_KIND_CONCURRENT;
    break;
  case 'M':
    if (n >= 18 && memcmp(b, "Major Collection (", 18) == 0)
      kind = GCPULSE_KIND_MAJOR_CYCLE;
    else if (n >= 18 && memcmp(b, "Minor Collection (", 18) == 0)
      kind = GCPULSE_KIND_MINOR_CYCLE;
    break;
  default:
    break;
  }
  if (kind != GCPULSE_KIND_UNKNOWN) {
    if (!L->has_id && !gc_tag && !p->locked) return 0;
    *rc = on_zcycle(p, L, line, kind, k);
    *skip = GCPULSE_REASON_NONE;
    return 1;
  }
  if (L->has_id) {
    int hit;
    *rc = on_detail(p, L, line, k, &hit);
    if (hit) { /* its data went into the open event: not skipped */
      *skip = GCPULSE_REASON_NONE;
      return 1;
    }
    if (!p->locked && !gc_tag && L->n_dec == 0) {
      /* bare "GC(N) ..." before anything else: only if it looks like GC */
      if (!looks_summary(b, e)) return 0;
    }
    if ((summary_tag && gc_tag && !known_info(b, e)) ||
        (!L->tags && looks_summary(b, e)))
      *skip = GCPULSE_REASON_JVM_UNKNOWN;
    return 1;
  }
  if (on_global(p, L)) return 1;
  if (L->n_dec == 0) return p->locked ? undecorated(p, L) : 0;
  if (!L->strong && !gc_tag) return 0;
  if (gc_tag && summary_tag && !known_info(b, e) && looks_summary(b, e))
    *skip = GCPULSE_REASON_JVM_UNKNOWN;
  return 1;
}

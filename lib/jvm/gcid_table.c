/*
 * jvm/gcid_table.c — the bounded table of open JVM GC events and their emission.
 *
 * Design.  Unified-logging lines of one GC are joined by their "GC(N)" id.
 * Events are assembled in a fixed array of cfg->jvm_open_events entries
 * (inside the instance block) keyed by (GC id, role): role PAUSE is one
 * stop-the-world pause, role CYCLE a concurrent cycle (G1 mark cycle, ZGC
 * cycle, Shenandoah and CMS cycles).  An entry is FREE, OPEN (being
 * filled) or DONE (complete, waiting to be emitted).
 *  - Lookup is a linear scan with a one-entry cache (the last entry touched
 *    is nearly always the one the next line wants); the table is small.
 *  - A full table evicts the entry with the oldest stamp: a DONE one is
 *    emitted, an OPEN one is dropped and counted EVICTED.
 *  - Emission order: DONE entries leave smallest GC id first.  A DONE pause
 *    of a collector that prints "User= Sys= Real=" after its summary is held
 *    while lines of the same id keep coming; a DONE pause whose id is one
 *    more than a still-open pause (Serial's full GC nested in a young GC) is
 *    held until the outer one is emitted.
 *  - At the end of a run (end of stream, or a restart detected by
 *    jvm/envelope.c) everything left is emitted: accumulating cycles as they
 *    are, and unfinished events (no summary line) SYNTHETIC after an
 *    INCOMPLETE diagnostic — a pause with the pause inferred from its line
 *    times, a cycle with its summed phases or, without any, the span of its
 *    line times.  Entries whose kind or start time is unknown are dropped.
 *  - Derived fields (region counts x region size -> young/old, promoted,
 *    heap_live) and flags (FORCED, OOM, RESTART) are filled at emission;
 *    gcpulse__jvm_derive is shared with the JDK 8 grammar.
 */
#include "jvm.h"

#include <string.h>

enum { ROLE_PAUSE = GCPULSE__JVM_PAUSE, ROLE_CYCLE = GCPULSE__JVM_CYCLE };
enum { ST_FREE = GCPULSE__JVM_FREE, ST_OPEN = GCPULSE__JVM_OPEN,
       ST_DONE = GCPULSE__JVM_DONE };
enum { RG_EDEN = GCPULSE__JVM_RG_EDEN, RG_SURV = GCPULSE__JVM_RG_SURV,
       RG_OLD = GCPULSE__JVM_RG_OLD, RG_HUM = GCPULSE__JVM_RG_HUM };
typedef gcpulse__jvm_entry jvm_entry;

jvm_entry *gcpulse__jvm_find(gcpulse__jvm *p, uint64_t id, int role,
                             int state) {
  if (p->n_used == 0) return NULL;
  jvm_entry *c = &p->e[p->cache];
  if (c->id == id && c->state == state && c->role == role) return c;
  for (int i = 0; i < p->n_slots; i++) {
    jvm_entry *x = &p->e[i];
    if (x->id == id && x->state == state && x->role == role) {
      p->cache = i;
      return x;
    }
  }
  return NULL;
}

int gcpulse__jvm_has_id(gcpulse__jvm *p, uint64_t id) {
  for (int i = 0; i < p->n_slots && p->n_used > 0; i++)
    if (p->e[i].state != ST_FREE && p->e[i].id == id) return 1;
  return 0;
}

static int emit(gcpulse__jvm *p, jvm_entry *x, const gcpulse__sink *k);

static void free_entry(gcpulse__jvm *p, jvm_entry *x) {
  if (x->state == ST_DONE) p->n_done--;
  x->state = ST_FREE;
  p->n_used--;
}

jvm_entry *gcpulse__jvm_open(gcpulse__jvm *p, uint64_t id, int role,
                             const gcpulse__sink *k, int *rc) {
  jvm_entry *x = NULL;
  if (p->n_used == p->n_slots) {
    jvm_entry *old = NULL;
    for (int i = 0; i < p->n_slots; i++)
      if (old == NULL || p->e[i].stamp < old->stamp) old = &p->e[i];
    if (old->state == ST_DONE) {
      *rc = emit(p, old, k);
    } else {
      free_entry(p, old);
      *rc = k->diag(k->ctx, GCPULSE_REASON_EVICTED, 0, "GC-id table full");
    }
    if (*rc < 0) return NULL;
    x = old;
  } else {
    for (int i = 0; i < p->n_slots; i++)
      if (p->e[i].state == ST_FREE) {
        x = &p->e[i];
        break;
      }
  }
  memset(x, 0, sizeof *x);
  x->state = ST_OPEN;
  x->role = role;
  x->id = id;
  x->stamp = ++p->stamp;
  x->ev.runtime = GCPULSE_RT_JVM;
  x->ev.seq = id;
  x->ev.known = GCPULSE_BIT(GCPULSE_FIELD_SEQ);
  if (p->have_t) {
    x->ev.t = p->t_line;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_T);
  }
  x->t_last = p->t_line;
  p->n_used++;
  p->cache = (int)(x - p->e);
  return x;
}

void gcpulse__jvm_done(gcpulse__jvm *p, jvm_entry *x) {
  if (x->state != ST_DONE) p->n_done++;
  x->state = ST_DONE;
}

static int is_kind_full(int kind) { return kind == GCPULSE_KIND_FULL; }

static int cause_is(const gcpulse_event_t *ev, const char *s) {
  return strcmp(ev->cause, s) == 0;
}

static int g1_like_concurrent(const gcpulse_event_t *ev) {
  return ev->kind == GCPULSE_KIND_CONCURRENT &&
         (ev->collector == GCPULSE_COLLECTOR_G1 ||
          ev->collector == GCPULSE_COLLECTOR_CMS);
}

/* Derived fields and flags (see jvm.h and docs/trace-formats.md). */
void gcpulse__jvm_derive(gcpulse_event_t *ev) {
  uint64_t ob = GCPULSE_BIT(GCPULSE_FIELD_OLD_BEFORE) |
                GCPULSE_BIT(GCPULSE_FIELD_OLD_AFTER);
  if (ev->kind == GCPULSE_KIND_YOUNG && (ev->known & ob) == ob) {
    ev->promoted = ev->old_after > ev->old_before ? ev->old_after - ev->old_before : 0;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_PROMOTED);
  }
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER)) &&
      (ev->kind == GCPULSE_KIND_FULL || ev->kind == GCPULSE_KIND_MIXED ||
       ev->kind == GCPULSE_KIND_DEGENERATED ||
       ev->kind == GCPULSE_KIND_MAJOR_CYCLE ||
       (ev->kind == GCPULSE_KIND_CONCURRENT && !g1_like_concurrent(ev)))) {
    ev->heap_live = ev->heap_after;
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE);
  }
  if (ev->cause[0] == 'S' && (strncmp(ev->cause, "System.gc()", 11) == 0 ||
                              strcmp(ev->cause, "System") == 0)) /* JDK <= 7 */
    ev->flags |= GCPULSE_EV_FORCED;
  /* OOM-class rule (README "jvm-parser").  Serial and Parallel run an
   * allocation-failure full GC whenever the old generation fills, so for
   * them one is routine: emit() flags only the second in a row. */
  int routine = (ev->collector == GCPULSE_COLLECTOR_SERIAL ||
                 ev->collector == GCPULSE_COLLECTOR_PARALLEL);
  if ((is_kind_full(ev->kind) &&
       ((!routine && cause_is(ev, "Allocation Failure")) ||
        cause_is(ev, "G1 Compaction Pause") ||
        cause_is(ev, "Last ditch collection") ||
        cause_is(ev, "Metadata GC Clear Soft References"))) ||
      ev->kind == GCPULSE_KIND_DEGENERATED ||
      (ev->cause[0] == 'A' && cause_is(ev, "Allocation Stall")))
    ev->flags |= GCPULSE_EV_OOM;
  if (is_kind_full(ev->kind) &&
      (ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_CAPACITY)) &&
      (ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_BEFORE)) &&
      ev->heap_capacity > 0 &&
      (double)ev->heap_after >= 0.9 * (double)ev->heap_capacity &&
      (double)ev->heap_after >= 0.98 * (double)ev->heap_before)
    ev->flags |= GCPULSE_EV_OOM; /* thrashing: a full GC that freed < 2% */
}

int gcpulse__jvm_deliver(gcpulse__jvm *p, gcpulse_event_t *ev,
                         const gcpulse__sink *k) {
  if (p->restart_pending) {
    ev->flags |= GCPULSE_EV_RESTART;
    p->restart_pending = 0;
  }
  /* two JVMs in one stream: the one behind is counted at the other's clock */
  double front = p->last_up > p->alt_up ? p->last_up : p->alt_up;
  if (p->legacy.last_t > front) front = p->legacy.last_t;
  if (p->legacy.have_alt && p->legacy.alt_t > front) front = p->legacy.alt_t;
  if (p->interleaved && (ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) &&
      ev->t + 1.0 < front)
    ev->flags |= GCPULSE_EV_SUSPECT_TIME;
  if (p->cpus > 0 && !(ev->known & GCPULSE_BIT(GCPULSE_FIELD_PROCS))) {
    ev->procs = p->cpus; /* the run's processor count, once its banner said */
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_PROCS);
  }
  if (p->heap_max > 0 && !(ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_MAX))) {
    ev->heap_max = p->heap_max; /* -Xmx, once the log said it */
    ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_MAX);
  }
  int rc;
  /* timed by an uptime jump no later line confirmed (envelope.c) */
  if (p->have_up && (ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) &&
      ev->t > front + GCPULSE__JVM_JUMP_MIN_S && ev->t <= GCPULSE__T_MAX_S &&
      !(ev->flags & GCPULSE_EV_SUSPECT_TIME)) {
    ev->flags |= GCPULSE_EV_SUSPECT_TIME;
    rc = k->diag(k->ctx, GCPULSE_REASON_SUSPECT_TIME, 0,
                 "no jump forward in uptime (unless the next line confirms it)");
    if (rc < 0) return rc;
  }
  rc = gcpulse__event_sane(ev, k);
  return rc < 0 ? rc : k->event(k->ctx, ev);
}

/* G1's live heap without mixed or full collections.  A marking cycle
 * (its Cleanup pause) that found too little garbage in the old
 * generation to be worth collecting (under G1HeapWastePercent, 5 %) is
 * followed by a "Young (Normal)" or "(Concurrent Start)" pause, not by
 * "Young (Prepare Mixed)": the old generation it leaves is live, and the
 * heap after that young pause (old + survivors + humongous) is the live
 * heap.  A G1 service leaking into its old generation shows exactly this:
 * marking cycles that reclaim nothing while the heap after them climbs. */
static void g1_live_after_marking(gcpulse__jvm *p, gcpulse_event_t *ev,
                                  int prepares_mixed) {
  if (ev->collector != GCPULSE_COLLECTOR_G1) return;
  if (ev->kind == GCPULSE_KIND_CLEANUP) {
    p->g1_marked = 1;
  } else if (ev->kind == GCPULSE_KIND_YOUNG) {
    if (p->g1_marked && !prepares_mixed &&
        (ev->known & GCPULSE_BIT(GCPULSE_FIELD_HEAP_AFTER))) {
      ev->heap_live = ev->heap_after;
      ev->known |= GCPULSE_BIT(GCPULSE_FIELD_HEAP_LIVE);
    }
    p->g1_marked = 0;
  } else if (ev->kind == GCPULSE_KIND_MIXED || ev->kind == GCPULSE_KIND_FULL) {
    p->g1_marked = 0;
  }
}

/* Fill derived fields and flags, free X, hand the event to the sink. */
static int emit(gcpulse__jvm *p, jvm_entry *x, const gcpulse__sink *k) {
  gcpulse_event_t ev = x->ev;
  int prepares_mixed = x->prepares_mixed;
  free_entry(p, x);
  if (ev.collector == GCPULSE_COLLECTOR_UNKNOWN)
    ev.collector = gcpulse__jvm_collector(p);
  /* region counts x region size: every product checked against 2^53 */
  uint64_t rs = p->region_size, yb, ya, ob, oa;
  int oor = 0;
  if (rs && (x->rg_known & (1u << RG_EDEN)) && (x->rg_known & (1u << RG_SURV)) &&
      !(ev.known & GCPULSE_BIT(GCPULSE_FIELD_YOUNG_BEFORE))) {
    if (gcpulse__mul_size(x->rg[RG_EDEN][0] + x->rg[RG_SURV][0], rs, &yb) &&
        gcpulse__mul_size(x->rg[RG_EDEN][1] + x->rg[RG_SURV][1], rs, &ya)) {
      ev.young_before = yb;
      ev.young_after = ya;
      ev.known |= GCPULSE_BIT(GCPULSE_FIELD_YOUNG_BEFORE) |
                  GCPULSE_BIT(GCPULSE_FIELD_YOUNG_AFTER);
    } else {
      oor = 1;
    }
  }
  if (rs && (x->rg_known & (1u << RG_OLD)) &&
      !(ev.known & GCPULSE_BIT(GCPULSE_FIELD_OLD_BEFORE))) {
    if (gcpulse__mul_size(x->rg[RG_OLD][0] + x->rg[RG_HUM][0], rs, &ob) &&
        gcpulse__mul_size(x->rg[RG_OLD][1] + x->rg[RG_HUM][1], rs, &oa)) {
      ev.old_before = ob;
      ev.old_after = oa;
      ev.known |= GCPULSE_BIT(GCPULSE_FIELD_OLD_BEFORE) |
                  GCPULSE_BIT(GCPULSE_FIELD_OLD_AFTER);
    } else {
      oor = 1;
    }
  }
  if (oor) {
    int rc = k->diag(k->ctx, GCPULSE_REASON_OVERFLOW, 0,
                     "regions x region size below 2^53 bytes");
    if (rc < 0) return rc;
  }
  gcpulse__jvm_derive(&ev);
  g1_live_after_marking(p, &ev, prepares_mixed);
  /* Serial/Parallel: allocation-failure full GCs in a row (no young
   * collection between them) are the OOM-class storm */
  int full = is_kind_full(ev.kind);
  if (full && p->prev_full &&
      (ev.collector == GCPULSE_COLLECTOR_SERIAL ||
       ev.collector == GCPULSE_COLLECTOR_PARALLEL) &&
      cause_is(&ev, "Allocation Failure"))
    ev.flags |= GCPULSE_EV_OOM;
  if (full || ev.kind == GCPULSE_KIND_YOUNG || ev.kind == GCPULSE_KIND_MIXED)
    p->prev_full = full;
  if (p->oom_pending && (ev.known & (GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS) |
                                     GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS)))) {
    ev.flags |= GCPULSE_EV_OOM;
    p->oom_pending = 0;
  }
  return gcpulse__jvm_deliver(p, &ev, k);
}

/* An OPEN entry holding back later events gives up waiting for its summary
 * line after this many later GC ids, or this long (seconds of log time)
 * after its last line: a lost line delays emission by a bounded amount. */
#define STALE_IDS 8
#define STALE_S 60.0

static int stale(const gcpulse__jvm *p, const jvm_entry *x) {
  double last = x->t_last > x->ev.t ? x->t_last : x->ev.t;
  return (p->have_max_id && p->max_id >= x->id + STALE_IDS) ||
         (p->have_t && !p->line_jump &&
          (x->ev.known & GCPULSE_BIT(GCPULSE_FIELD_T)) &&
          p->t_line - last >= STALE_S);
}

/* Emit OPEN entry X unfinished: an INCOMPLETE diagnostic, then the event
 * SYNTHETIC with its pause or cycle time inferred from its line times
 * (dropped when its kind or start time is unknown). */
static int close_open(gcpulse__jvm *p, jvm_entry *x, const gcpulse__sink *k) {
  int rc = k->diag(k->ctx, GCPULSE_REASON_INCOMPLETE, 0,
                   "JVM event without its summary line");
  if (rc < 0) return rc;
  if (x->ev.kind == GCPULSE_KIND_UNKNOWN ||
      !(x->ev.known & GCPULSE_BIT(GCPULSE_FIELD_T))) {
    free_entry(p, x);
    return 0;
  }
  double d = (x->t_last - x->ev.t) * 1000.0;
  if (!(d > 0)) d = 0;
  if (x->role == ROLE_PAUSE) {
    x->ev.pause_ms = d;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS);
  } else if (!(x->ev.known & GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS))) {
    x->ev.concurrent_ms = d;
    x->ev.known |= GCPULSE_BIT(GCPULSE_FIELD_CONCURRENT_MS);
  }
  x->ev.flags |= GCPULSE_EV_SYNTHETIC;
  return emit(p, x, k);
}

/* Whether a DONE entry may be emitted now (see gcpulse__jvm_flush); *HOLD
 * is the OPEN entry it waits for, if any. */
static int ready(gcpulse__jvm *p, const jvm_entry *x, int have_id,
                 uint64_t cur_id, int all, jvm_entry **hold) {
  *hold = NULL;
  if (all) return 1;
  if (x->wait_cpu && have_id && cur_id == x->id) return 0;
  if (x->role == ROLE_PAUSE && x->id > 0)
    *hold = gcpulse__jvm_find(p, x->id - 1, ROLE_PAUSE, ST_OPEN);
  return *hold == NULL; /* nested in the still-open pause before it */
}

int gcpulse__jvm_flush(gcpulse__jvm *p, const gcpulse__sink *k, int have_id,
                       uint64_t cur_id, int all) {
  while (p->n_done > 0) {
    jvm_entry *best = NULL, *hold;
    /* common case: the one DONE entry is the cached one */
    jvm_entry *c = &p->e[p->cache];
    if (p->n_done == 1 && c->state == ST_DONE) {
      best = c;
    } else {
      for (int i = 0; i < p->n_slots; i++) {
        jvm_entry *x = &p->e[i];
        if (x->state != ST_DONE) continue;
        if (best == NULL || x->id < best->id ||
            (x->id == best->id && x->stamp < best->stamp))
          best = x;
      }
    }
    if (best == NULL) return 0;
    int rc;
    if (!ready(p, best, have_id, cur_id, all, &hold)) {
      if (hold == NULL || !stale(p, hold)) return 0;
      rc = close_open(p, hold, k); /* its summary line was lost */
    } else {
      rc = emit(p, best, k);
    }
    if (rc < 0) return rc;
  }
  return 0;
}

int gcpulse__jvm_close_all(gcpulse__jvm *p, const gcpulse__sink *k) {
  /* Shenandoah/CMS accumulated cycles have no summary line: they end here. */
  for (int i = 0; i < p->n_slots; i++) {
    jvm_entry *x = &p->e[i];
    if (x->state == ST_OPEN && x->role == ROLE_CYCLE && x->accum)
      gcpulse__jvm_done(p, x);
  }
  int rc = gcpulse__jvm_flush(p, k, 0, 0, 1);
  if (rc < 0) return rc;
  for (;;) {
    jvm_entry *x = NULL;
    for (int i = 0; i < p->n_slots; i++)
      if (p->e[i].state == ST_OPEN && (x == NULL || p->e[i].stamp < x->stamp))
        x = &p->e[i];
    if (x == NULL) break;
    rc = close_open(p, x, k);
    if (rc < 0) return rc;
  }
  return 0;
}

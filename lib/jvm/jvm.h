/*
 * jvm/jvm.h — private state of the JVM GC log parser, shared by the
 * lib/jvm/ sources only (owned by the JVM parser; fields may be added
 * here freely).  The instance uses the opaque interface in trace_jvm.h.
 */
#ifndef GCPULSE_JVM_JVM_H
#define GCPULSE_JVM_JVM_H

#include "gcpulse.h"
#include "numscan.h"
#include "sink.h"
#include "trace_jvm.h"

#include <stdint.h>

/* Derived fields and flags shared by both JVM grammars (promoted,
 * heap_live, FORCED, OOM rules); called on every event before emission. */
void gcpulse__jvm_derive(gcpulse_event_t *ev);

/* jvm/legacy.c — JDK 8 legacy -XX:+PrintGCDetails records (one record in
 * progress at a time; a record ends at its "[Times: ...]" or when the next
 * record starts). */
typedef struct gcpulse__jvm8 {
  int collector;       /* inferred from pool names */
  int seen;            /* a legacy record was recognised */
  int active;          /* a record is in progress */
  int have_wall0, have_t;
  double wall0, last_t;
  uint64_t next_seq;   /* numbering when the log has no #ids */
  int have_seq;        /* a record was numbered (next_seq - 1 is valid) */
  int went_back;       /* a record started >= 0.25 s before the last one */
  /* the other JVM: the run before the last went_back, or the second writer
   * once records of two JVMs alternate (jvm/legacy.c) */
  int have_alt;
  double alt_t;
  uint64_t alt_next_seq;
  int interleaved;     /* records of two JVMs alternate */
  int interleave_new;  /* ... first seen on this line: report it */
  int alt_quiet;       /* records of this run in a row since then */
  char label[16];      /* pool name left open at the end of a line ("[DefNew") */
  gcpulse_event_t ev;  /* the record in progress */
  int conc_active;     /* CMS / G1 concurrent cycle being summed */
  int conc_closing;    /* G1: its cleanup pause was seen */
  double conc_t_last;  /* time of its last line */
  gcpulse_event_t conc;
} gcpulse__jvm8;

void gcpulse__jvm8_init(gcpulse__jvm8 *q);
/* Same contract as gcpulse__jvm_line; *COLLECTOR is the stream's collector
 * (updated when the record names one). */
int gcpulse__jvm8_line(gcpulse__jvm8 *q, const char *s, size_t n,
                       const gcpulse__sink *k, int *skip, int *collector);
/* Emit the record in progress, if it has a pause, and close an unfinished
 * concurrent cycle (SYNTHETIC + INCOMPLETE, see jvm/gcid_table.c). */
int gcpulse__jvm8_finish(gcpulse__jvm8 *q, const gcpulse__sink *k);

/* ---- state shared by jvm/envelope.c, jvm/messages.c and jvm/gcid_table.c ---- */

enum { GCPULSE__JVM_PAUSE = 1, GCPULSE__JVM_CYCLE = 2 };           /* role */
enum { GCPULSE__JVM_FREE = 0, GCPULSE__JVM_OPEN = 1, GCPULSE__JVM_DONE = 2 };
/* G1 region counts kept per entry: eden, survivor, old(+archive), humongous */
enum { GCPULSE__JVM_RG_EDEN, GCPULSE__JVM_RG_SURV, GCPULSE__JVM_RG_OLD,
       GCPULSE__JVM_RG_HUM, GCPULSE__JVM_RG_N };

/* One open event, keyed by (GC id, role). */
typedef struct gcpulse__jvm_entry {
  int state, role;
  int accum;           /* CYCLE summing concurrent phases (Shenandoah, CMS) */
  int wait_cpu;        /* DONE pause waiting for its "User=" line */
  int started;         /* opened by a start line */
  int has_summary_dur; /* cycle duration came from the summary line */
  int prepares_mixed;  /* G1 "Pause Young (Prepare Mixed)" */
  uint64_t id, stamp;
  double t_last;       /* time of the last line joined to this entry */
  uint64_t rg[GCPULSE__JVM_RG_N][2];
  unsigned rg_known;   /* bit GCPULSE__JVM_RG_x */
  gcpulse_event_t ev;
} gcpulse__jvm_entry;

/* One unified-logging line after the envelope. */
typedef struct gcpulse__jline {
  const char *msg, *end; /* message after decorators (and GC id) */
  const char *tags;      /* tag decorator (trimmed), NULL if none */
  size_t tags_n;
  int n_dec;             /* decorators recognised */
  int strong;            /* has a time or level decorator */
  int has_id;
  uint64_t id;
  char gen;              /* 'Y', 'O', 'y' or 0 */
  int timed;             /* has a readable time decorator */
} gcpulse__jline;

/* An uptime step forward longer than both of these is a jump (as for Go
 * @T): it becomes the clock only when a later line confirms it. */
#define GCPULSE__JVM_JUMP_MIN_S 10.0
#define GCPULSE__JVM_JUMP_FACTOR 10.0

struct gcpulse__jvm {
  int n_slots;
  char unesc[1024];  /* a docker json-file "log" value with escapes undone */
  int collector;
  int locked;        /* a JVM line was recognised: lenient from now on */
  int have_wall0;
  double wall0;
  double t_line;     /* time of the current line */
  int have_t;
  double last_t;     /* time of the last timed line */
  int have_last_t;
  uint64_t region_size;
  uint32_t cpus;     /* "CPUs: N total, M available": M, 0 until seen */
  uint64_t heap_max; /* the maximum heap the log states (-Xmx), 0 until seen */
  int g1_marked;     /* a G1 marking cycle ended (Cleanup emitted) and no
                        young pause came after it yet */
  uint64_t stamp;
  int n_used, n_done;
  int cache;         /* index of the last entry touched */
  int oom_pending;   /* "Out Of Memory" / failed degeneration seen */
  int prev_full;     /* the last collection emitted was a full GC */
  int restart_pending; /* flag the next event GCPULSE_EV_RESTART */
  /* restart detection (per JVM run) */
  int run_gc;        /* a GC-id line or legacy record was seen in this run */
  int have_max_id;
  uint64_t max_id;   /* largest GC id of this run */
  int have_up;
  double last_up;    /* last trusted uptime decorator */
  double up_step;    /* the step that led to last_up (valid: have_step) */
  int have_step;
  double cand_up;    /* an uptime jump not yet confirmed (have_cand) */
  int have_cand;
  int line_jump;     /* the current line's uptime is such a jump */
  int heap_exit;     /* inside an undecorated "Heap" exit printout */
  int dec_timed;     /* decorated lines of this run carry a time */
  /* the other JVM of the stream: the run before the last restart, or the
   * second writer once GC ids and uptimes of two JVMs alternate */
  int have_alt;
  uint64_t alt_max_id;
  double alt_up;
  int interleaved;   /* INTERLEAVED was reported */
  int alt_quiet;     /* GC-id lines of this run in a row since then */
  gcpulse__jvm8 legacy;
  gcpulse__jvm_entry e[];
};

/* jvm/gcid_table.c.  Find the entry (ID, ROLE) in STATE, or NULL. */
gcpulse__jvm_entry *gcpulse__jvm_find(gcpulse__jvm *p, uint64_t id, int role,
                                      int state);
/* Whether any OPEN or DONE entry has GC id ID. */
int gcpulse__jvm_has_id(gcpulse__jvm *p, uint64_t id);
/* A fresh OPEN entry for (ID, ROLE) stamped with the line time; evicts the
 * oldest when full.  Returns NULL only on a sink error (*RC set). */
gcpulse__jvm_entry *gcpulse__jvm_open(gcpulse__jvm *p, uint64_t id, int role,
                                      const gcpulse__sink *k, int *rc);
/* Mark X complete; it is emitted by the next flush that finds it ready. */
void gcpulse__jvm_done(gcpulse__jvm *p, gcpulse__jvm_entry *x);
/* Emit ready DONE entries, smallest GC id first (CUR_ID: id of the line
 * being processed, HAVE_ID 0 if none; ALL ignores the holds). */
int gcpulse__jvm_flush(gcpulse__jvm *p, const gcpulse__sink *k, int have_id,
                       uint64_t cur_id, int all);
/* End of a run (end of stream or restart): emit everything still in the
 * table; unfinished events go out SYNTHETIC after an INCOMPLETE diag. */
int gcpulse__jvm_close_all(gcpulse__jvm *p, const gcpulse__sink *k);
/* Hand EV to the sink, adding GCPULSE_EV_RESTART when one is pending. */
int gcpulse__jvm_deliver(gcpulse__jvm *p, gcpulse_event_t *ev,
                         const gcpulse__sink *k);

/* jvm/messages.c.  Process the message of a unified-logging line.  Returns 1 if
 * it was recognised as JVM output, 0 if not; *SKIP as in the module
 * contract; *RC a sink error. */
int gcpulse__jvm_body(gcpulse__jvm *p, gcpulse__jline *L, const char *line,
                      const gcpulse__sink *k, int *skip, int *rc);
/* Collector named by a "Using <name>" message [B, E) (after "Using "), or
 * -1 when the name is not a collector. */
int gcpulse__jvm_using(const char *b, const char *e);

/* Decimal "123", "1.25" or "1,25" at P (identical result to
 * gcpulse__scan_decimal with COMMA set, faster for short numbers). */
static inline const char *gcpulse__jvm_decimal(const char *p, const char *e,
                                               double *out) {
  static const double neg[] = {1e0,  1e-1,  1e-2,  1e-3,  1e-4,  1e-5,
                               1e-6, 1e-7,  1e-8,  1e-9,  1e-10, 1e-11,
                               1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
                               1e-18};
  const char *q = p;
  uint64_t m = 0;
  int frac = 0;
  while (q < e && (unsigned)(*q - '0') <= 9u) m = m * 10u + (unsigned)(*q++ - '0');
  if (q == p) return NULL;
  if (q + 1 < e && (*q == '.' || *q == ',') && (unsigned)(q[1] - '0') <= 9u) {
    const char *f = ++q;
    while (q < e && (unsigned)(*q - '0') <= 9u) m = m * 10u + (unsigned)(*q++ - '0');
    frac = (int)(q - f);
  }
  if ((q - p) - (frac > 0) > 18) return gcpulse__scan_decimal(p, e, 1, out);
  *out = (double)m * neg[frac];
  return q;
}

/* The CPU times a pause printed (JDK 8 "[Times: user= sys=, real=]",
 * unified "User=..s Sys=..s Real=..s"), in seconds, onto its event. */
static inline void gcpulse__jvm_set_times(gcpulse_event_t *ev, double user,
                                          double sys, double real) {
  ev->cpu_user_ms = user * 1000.0;
  ev->cpu_sys_ms = sys * 1000.0;
  ev->real_ms = real * 1000.0;
  ev->known |= GCPULSE_BIT(GCPULSE_FIELD_CPU_USER_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_CPU_SYS_MS) |
               GCPULSE_BIT(GCPULSE_FIELD_REAL_MS);
}

#endif /* GCPULSE_JVM_JVM_H */

/*
 * trace_go.h — Go gctrace / scvg / scavtrace parser state (trace_go.c;
 * owned by the Go parser, fields may be added here freely).
 */
#ifndef GCPULSE_TRACE_GO_H
#define GCPULSE_TRACE_GO_H

#include "gcpulse.h"
#include "sink.h"

typedef struct gcpulse__go {
  uint64_t last_seq;     /* last "gc N" seen */
  double last_t;         /* last trusted "@T" (not SUSPECT_TIME) */
  int have_seq;
  int have_t;            /* last_t is valid (cleared on restart) */
  double last_dt;        /* the step that led to last_t (valid: have_dt) */
  int have_dt;
  double cand_t;         /* a forward jump not yet confirmed (have_cand) */
  int have_cand;
  int forced_pending;    /* a "GC forced" line was seen: flag the next cycle */
  /* the other process of the stream: the run before the last restart, or
   * the second writer once lines of two processes alternate */
  uint64_t alt_seq;
  double alt_t;
  int alt_have_seq, alt_have_t;
  int interleaved;       /* INTERLEAVED was reported */
  int alt_quiet;         /* lines of this process in a row since then */
  uint64_t scav_seq;     /* scavenge events emitted so far */
  /* Event records reused for every line (zeroed once by init; each grammar
   * rewrites the same fields every time), so no 300-byte clear per line. */
  gcpulse_event_t cyc;   /* GO_CYCLE */
  gcpulse_event_t scav;  /* SCAVENGE */
} gcpulse__go;

void gcpulse__go_init(gcpulse__go *p);
int gcpulse__go_line(gcpulse__go *p, const char *s, size_t n,
                     const gcpulse__sink *k, int *skip);

#endif /* GCPULSE_TRACE_GO_H */

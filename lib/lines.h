/*
 * lines.h — byte chunks -> complete lines in a bounded buffer (lines.c).
 */
#ifndef GCPULSE_LINES_H
#define GCPULSE_LINES_H

#include <stddef.h>
#include <stdint.h>

typedef struct gcpulse__lines {
  char *buf;        /* max_line bytes, inside the instance block */
  size_t cap;       /* max_line */
  size_t len;       /* bytes of the pending partial line */
  int skipping;     /* current line exceeded cap: discard to its end */
  int after_cr;     /* last byte seen was '\r': a following '\n' is eaten */
  uint64_t offset;  /* stream offset of the next byte */
  uint64_t line_start; /* stream offset where the pending line started */
} gcpulse__lines;

/* Called for each complete line (without terminator).  TOO_LONG lines are
 * reported with LINE = NULL.  Returns 0 or negative (stop). */
typedef int (*gcpulse__line_fn)(void *ctx, const char *line, size_t len,
                                uint64_t offset, int too_long);

void gcpulse__lines_init(gcpulse__lines *l, char *buf, size_t cap);
/* Split BUF into lines; *USED receives the bytes consumed (all of them
 * unless FN stopped with an error). */
int gcpulse__lines_feed(gcpulse__lines *l, const char *buf, size_t len,
                        gcpulse__line_fn fn, void *ctx, size_t *used);
/* Flush a pending partial line as a complete line. */
int gcpulse__lines_finish(gcpulse__lines *l, gcpulse__line_fn fn, void *ctx);

#endif /* GCPULSE_LINES_H */

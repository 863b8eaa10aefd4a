/*
 * lines.c — turn arbitrary byte chunks into complete lines.
 *
 * Lines are handed out without copying when they lie wholly inside one
 * chunk; only a line split across chunks is assembled in the fixed buffer.
 * "\n", "\r\n" and a lone "\r" end a line (a "\r\n" split across two
 * chunks still counts once).  A line longer than the buffer is reported
 * once as too long and its bytes are discarded up to its end, so memory
 * never grows with input.
 */
#include "lines.h"

#include <string.h>

void gcpulse__lines_init(gcpulse__lines *l, char *buf, size_t cap) {
  memset(l, 0, sizeof *l);
  l->buf = buf;
  l->cap = cap;
}

/* First '\n' or '\r' in [p, end), or END. */
static const char *find_eol(const char *p, const char *end) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  const char *lim = nl ? nl : end;
  const char *cr = memchr(p, '\r', (size_t)(lim - p));
  return cr ? cr : lim;
}

/* Deliver the completed line [s, s+n) (or the pending buffer). */
static int deliver(gcpulse__lines *l, const char *s, size_t n,
                   gcpulse__line_fn fn, void *ctx) {
  int too_long = l->skipping;
  uint64_t off = l->line_start;
  l->len = 0;
  l->skipping = 0;
  return fn(ctx, too_long ? NULL : s, too_long ? 0 : n, off, too_long);
}

int gcpulse__lines_feed(gcpulse__lines *l, const char *buf, size_t len,
                        gcpulse__line_fn fn, void *ctx, size_t *used) {
  if (len == 0) { /* buf may be NULL: NULL + 0 is undefined in C */
    if (used) *used = 0;
    return 0;
  }
  const char *p = buf, *end = buf + len;
  int rc = 0;
  while (p < end) {
    if (l->after_cr) { /* eat the '\n' of a "\r\n" */
      l->after_cr = 0;
      if (*p == '\n') {
        p++;
        l->offset++;
        continue;
      }
    }
    if (l->len == 0 && !l->skipping) l->line_start = l->offset;
    const char *e = find_eol(p, end);
    size_t n = (size_t)(e - p);
    if (e == end) { /* partial line: keep it (bounded) */
      if (!l->skipping) {
        if (l->len + n > l->cap) {
          l->skipping = 1;
          l->len = 0;
        } else {
          memcpy(l->buf + l->len, p, n);
          l->len += n;
        }
      }
      l->offset += n;
      p = end;
      break;
    }
    const char *line = p;
    if (l->len > 0 || l->skipping) { /* completes a split line */
      if (!l->skipping) {
        if (l->len + n > l->cap) {
          l->skipping = 1;
        } else {
          memcpy(l->buf + l->len, p, n);
          l->len += n;
        }
      }
      line = l->buf;
      n = l->len;
    } else if (n > l->cap) {
      l->skipping = 1;
    }
    l->after_cr = (*e == '\r');
    l->offset += (uint64_t)(e - p) + 1;
    p = e + 1;
    rc = deliver(l, line, n, fn, ctx);
    if (rc < 0) break;
  }
  if (used) *used = (size_t)(p - buf);
  return rc < 0 ? rc : 0;
}

int gcpulse__lines_finish(gcpulse__lines *l, gcpulse__line_fn fn, void *ctx) {
  l->after_cr = 0;
  if (l->len == 0 && !l->skipping) return 0;
  return deliver(l, l->buf, l->len, fn, ctx);
}

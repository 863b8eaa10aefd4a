/*
 * json_reader.c — bounded JSON reader (see json_reader.h).
 *
 * One recursive-descent parser runs twice over the text.  The first pass
 * (no storage) checks the syntax and counts values and string bytes; the
 * block for the tree is then taken from the caller's allocator in one
 * piece; the second pass fills it.  The second pass also rejects a
 * repeated key in an object (sorting the object's keys in a scratch array
 * of the same block, so a 100,000-key object costs n log n).
 */
#include "common.h"
#include "json_reader.h"

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GCPULSE_NO_JSON /* make JSON=0 leaves the reader out */

typedef struct jparser {
  const char *p, *begin, *end;
  int depth;
  int store;              /* second pass: build the tree */
  size_t values, bytes;   /* counted in pass 1, used in pass 2 */
  gcpulse__jv *nodes;     /* pass 2: next free node */
  char *str;              /* pass 2: next free string byte */
  gcpulse__jv **scratch;  /* pass 2: keys of the object being closed */
  const char *err_at;     /* where the first error is */
  char msg[120];
} jparser;

static int jfail(jparser *J, const char *at, const char *msg) {
  if (J->err_at == NULL) {
    J->err_at = at;
    snprintf(J->msg, sizeof J->msg, "%s", msg);
  }
  return -1;
}

static void skip_ws(jparser *J) {
  while (J->p < J->end && (*J->p == ' ' || *J->p == '\t' || *J->p == '\n' ||
                           *J->p == '\r'))
    J->p++;
}

static gcpulse__jv *new_node(jparser *J, int kind) {
  J->values++;
  if (!J->store) return NULL;
  gcpulse__jv *v = J->nodes++;
  memset(v, 0, sizeof *v);
  v->kind = kind;
  return v;
}

int gcpulse__utf8_seq_len(const unsigned char *p, const unsigned char *e) {
  unsigned c = p[0];
  int n;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, min = 0x10000;
  else return 0;
  if (e - p < n) return 0;
  unsigned cp = c & (0x3Fu >> (n - 1));
  for (int i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                        : 16u;
    if (d > 15) return -1;
    v = v * 16 + d;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *dst, unsigned cp) {
  if (cp < 0x80) {
    if (dst) dst[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    if (dst) {
      dst[0] = (char)(0xC0 | (cp >> 6));
      dst[1] = (char)(0x80 | (cp & 0x3F));
    }
    return 2;
  }
  if (cp < 0x10000) {
    if (dst) {
      dst[0] = (char)(0xE0 | (cp >> 12));
      dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
      dst[2] = (char)(0x80 | (cp & 0x3F));
    }
    return 3;
  }
  if (dst) {
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
  }
  return 4;
}

/* The escape after a backslash at J->p (which points past the '\\'):
 * appends its UTF-8 bytes at DST (NULL = count only).  Returns the byte
 * count or -1. */
static int escape(jparser *J, char *dst) {
  const char *at = J->p - 1;
  if (J->p >= J->end) return jfail(J, at, "unexpected end of string");
  char c = *J->p++;
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *k = c ? strchr(from, c) : NULL;
  if (k) {
    if (dst) *dst = to[k - from];
    return 1;
  }
  if (c != 'u') return jfail(J, at, "invalid escape");
  unsigned cp, lo;
  if (J->end - J->p < 4 || hex4(J->p, &cp) < 0)
    return jfail(J, at, "invalid \\u escape");
  J->p += 4;
  if (cp >= 0xDC00 && cp <= 0xDFFF)
    return jfail(J, at, "invalid Unicode low surrogate");
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    if (J->end - J->p < 6 || J->p[0] != '\\' || J->p[1] != 'u' ||
        hex4(J->p + 2, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
      return jfail(J, at, "invalid Unicode surrogate pair");
    J->p += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  return (int)put_utf8(dst, cp);
}

/* A string at J->p (the opening quote).  Stores it (pass 2) NUL-terminated
 * and sets *S, *N. */
static int string(jparser *J, const char **s, size_t *n) {
  const char *start = J->p++;
  char *dst = J->store ? J->str : NULL;
  size_t len = 0;
  for (;;) {
    if (J->p >= J->end) return jfail(J, start, "unterminated string");
    unsigned char c = (unsigned char)*J->p;
    if (c == '"') break;
    if (c < 0x20) return jfail(J, J->p, "control character in string");
    if (c == '\\') {
      J->p++;
      int k = escape(J, dst ? dst + len : NULL);
      if (k < 0) return -1;
      len += (size_t)k;
      continue;
    }
    int k = gcpulse__utf8_seq_len((const unsigned char *)J->p, (const unsigned char *)J->end);
    if (k == 0) return jfail(J, J->p, "invalid UTF-8 in string");
    if (dst) memcpy(dst + len, J->p, (size_t)k);
    len += (size_t)k;
    J->p += k;
  }
  J->p++;
  J->bytes += len + 1;
  if (dst) {
    dst[len] = '\0';
    J->str += len + 1;
    *s = dst;
  }
  *n = len;
  return 0;
}

/* A number at J->p: INT when it has neither fraction nor exponent. */
static int number(jparser *J, gcpulse__jv **out) {
  const char *b = J->p, *q = b;
  int real = 0;
  if (q < J->end && *q == '-') q++;
  if (q >= J->end || (unsigned)(*q - '0') > 9u)
    return jfail(J, b, "invalid number");
  if (*q == '0') q++;
  else
    while (q < J->end && (unsigned)(*q - '0') <= 9u) q++;
  if (q < J->end && *q == '.') {
    real = 1;
    if (++q >= J->end || (unsigned)(*q - '0') > 9u)
      return jfail(J, b, "invalid number");
    while (q < J->end && (unsigned)(*q - '0') <= 9u) q++;
  }
  if (q < J->end && (*q == 'e' || *q == 'E')) {
    real = 1;
    if (++q < J->end && (*q == '+' || *q == '-')) q++;
    if (q >= J->end || (unsigned)(*q - '0') > 9u)
      return jfail(J, b, "invalid number");
    while (q < J->end && (unsigned)(*q - '0') <= 9u) q++;
  }
  J->p = q;
  size_t n = (size_t)(q - b);
  char buf[64];
  if (n >= sizeof buf) {
    if (!real) return jfail(J, b, "too big integer");
    /* a real this long is legal but pointless: keep its first digits
     * would change the value, so refuse it plainly */
    return jfail(J, b, "number too long (63 characters at most)");
  }
  memcpy(buf, b, n);
  buf[n] = '\0';
  gcpulse__jv *v = new_node(J, real ? GCPULSE__JV_REAL : GCPULSE__JV_INT);
  if (!real) {
    long long x = 0;
    int neg = buf[0] == '-';
    for (const char *c = buf + neg; *c; c++) {
      int d = *c - '0';
      if (neg ? x < (LLONG_MIN + d) / 10 : x > (LLONG_MAX - d) / 10)
        return jfail(J, b, neg ? "too big negative integer" : "too big integer");
      x = neg ? x * 10 - d : x * 10 + d;
    }
    if (v) {
      v->i = x;
      v->d = (double)x;
    }
  } else {
    /* strtod reads the locale's decimal point */
    char dp = localeconv()->decimal_point[0];
    char *dot = strchr(buf, '.');
    if (dot && dp) *dot = dp;
    double d = strtod(buf, NULL);
    if (!isfinite(d)) return jfail(J, b, "real number overflow");
    if (v) v->d = d;
  }
  *out = v;
  return 0;
}

static int value(jparser *J, gcpulse__jv **out);

static int key_cmp(const void *a, const void *b) {
  const gcpulse__jv *x = *(const gcpulse__jv *const *)a;
  const gcpulse__jv *y = *(const gcpulse__jv *const *)b;
  size_t n = x->key_n < y->key_n ? x->key_n : y->key_n;
  int c = memcmp(x->key, y->key, n);
  if (c) return c;
  return x->key_n < y->key_n ? -1 : x->key_n > y->key_n;
}

/* Pass 2: a key of object O repeated?  Reports the later one. */
static int unique_keys(jparser *J, gcpulse__jv *o, const char *at) {
  size_t n = 0;
  for (gcpulse__jv *m = o->child; m; m = m->next) J->scratch[n++] = m;
  qsort(J->scratch, n, sizeof *J->scratch, key_cmp);
  for (size_t i = 1; i < n; i++)
    if (key_cmp(&J->scratch[i - 1], &J->scratch[i]) == 0)
      return jfail(J, at, "duplicate object key");
  return 0;
}

/* An array or object at J->p; CLOSE is ']' or '}'. */
static int members(jparser *J, gcpulse__jv *v, char close) {
  const char *open = J->p++;
  gcpulse__jv **tail = v ? &v->child : NULL;
  size_t n = 0;
  skip_ws(J);
  if (J->p < J->end && *J->p == close) {
    J->p++;
    return 0;
  }
  for (;;) {
    const char *key = NULL;
    size_t key_n = 0;
    if (close == '}') {
      skip_ws(J);
      if (J->p >= J->end || *J->p != '"')
        return jfail(J, J->p, "string or '}' expected");
      if (string(J, &key, &key_n) < 0) return -1;
      skip_ws(J);
      if (J->p >= J->end || *J->p != ':') return jfail(J, J->p, "':' expected");
      J->p++;
    }
    gcpulse__jv *m = NULL;
    if (value(J, &m) < 0) return -1;
    n++;
    if (m) {
      m->key = key;
      m->key_n = key_n;
      *tail = m;
      tail = &m->next;
    }
    skip_ws(J);
    if (J->p < J->end && *J->p == ',') {
      J->p++;
      continue;
    }
    if (J->p < J->end && *J->p == close) break;
    if (J->p >= J->end) return jfail(J, J->p, "unexpected end of input");
    return jfail(J, J->p, close == '}' ? "',' or '}' expected"
                                        : "',' or ']' expected");
  }
  J->p++;
  if (v) {
    v->n = n;
    if (close == '}') return unique_keys(J, v, open);
  }
  return 0;
}

static int literal(jparser *J, const char *word, int kind,
                   gcpulse__jv **out) {
  size_t n = strlen(word);
  if ((size_t)(J->end - J->p) < n || memcmp(J->p, word, n) != 0)
    return jfail(J, J->p, "invalid token");
  J->p += n;
  *out = new_node(J, kind);
  return 0;
}

static int value(jparser *J, gcpulse__jv **out) {
  skip_ws(J);
  if (J->p >= J->end) return jfail(J, J->p, "unexpected end of input");
  if (J->values >= GCPULSE__JSON_MAX_VALUES)
    return jfail(J, J->p, "too many values in one document");
  char c = *J->p;
  switch (c) {
  case '{':
  case '[': {
    if (J->depth >= GCPULSE__JSON_MAX_DEPTH)
      return jfail(J, J->p, "maximum parsing depth reached");
    gcpulse__jv *v =
        new_node(J, c == '{' ? GCPULSE__JV_OBJECT : GCPULSE__JV_ARRAY);
    J->depth++;
    int rc = members(J, v, c == '{' ? '}' : ']');
    J->depth--;
    *out = v;
    return rc;
  }
  case '"': {
    gcpulse__jv *v = new_node(J, GCPULSE__JV_STRING);
    const char *s = NULL;
    size_t n = 0;
    if (string(J, &s, &n) < 0) return -1;
    if (v) {
      v->s = s;
      v->n = n;
    }
    *out = v;
    return 0;
  }
  case 't': return literal(J, "true", GCPULSE__JV_TRUE, out);
  case 'f': return literal(J, "false", GCPULSE__JV_FALSE, out);
  case 'n': return literal(J, "null", GCPULSE__JV_NULL, out);
  default: return number(J, out);
  }
}

static int pass(jparser *J, const char *text, size_t len, gcpulse__jv **root) {
  J->p = J->begin = text;
  J->end = text + len;
  J->depth = 0;
  J->values = J->bytes = 0;
  skip_ws(J);
  if (J->p >= J->end || (*J->p != '{' && *J->p != '['))
    return jfail(J, J->p, "'[' or '{' expected");
  if (value(J, root) < 0) return -1;
  skip_ws(J);
  if (J->p != J->end) return jfail(J, J->p, "end of file expected");
  return 0;
}

static void locate(const jparser *J, gcpulse_error_t *err) {
  int line = 1, col = 1;
  for (const char *q = J->begin; q < J->err_at; q++) {
    if (*q == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
  }
  int first = err != NULL && err->code == 0;
  gcpulse__error(err, GCPULSE_EJSON, "", "%s", J->msg);
  if (first) {
    err->line = line;
    err->column = col;
  }
}

int gcpulse__json_parse(gcpulse__jdoc *d, const char *text, size_t len,
                        gcpulse_alloc_fn alloc, void *ud,
                        gcpulse_error_t *err) {
  memset(d, 0, sizeof *d);
  jparser J;
  memset(&J, 0, sizeof J);
  gcpulse__jv *root = NULL;
  if (pass(&J, text, len, &root) < 0) {
    locate(&J, err);
    return GCPULSE_EJSON;
  }
  size_t nodes = J.values * sizeof(gcpulse__jv);
  size_t scratch = J.values * sizeof(gcpulse__jv *);
  d->size = nodes + scratch + J.bytes + 1;
  d->mem = alloc(ud, NULL, 0, d->size);
  if (d->mem == NULL)
    return gcpulse__error(err, GCPULSE_ENOMEM, "",
                          "out of memory for a %zu-byte JSON tree", d->size);
  d->alloc = alloc;
  d->ud = ud;
  J.store = 1;
  J.nodes = d->mem;
  J.scratch = (gcpulse__jv **)(void *)((char *)d->mem + nodes);
  J.str = (char *)d->mem + nodes + scratch;
  if (pass(&J, text, len, &root) < 0) {
    locate(&J, err);
    gcpulse__json_free(d);
    return GCPULSE_EJSON;
  }
  d->root = root;
  return 0;
}

void gcpulse__json_free(gcpulse__jdoc *d) {
  if (d->mem) d->alloc(d->ud, d->mem, d->size, 0);
  memset(d, 0, sizeof *d);
}

const gcpulse__jv *gcpulse__jv_get(const gcpulse__jv *o, const char *key) {
  if (o == NULL || o->kind != GCPULSE__JV_OBJECT) return NULL;
  size_t n = strlen(key);
  for (const gcpulse__jv *m = o->child; m; m = m->next)
    if (m->key_n == n && memcmp(m->key, key, n) == 0) return m;
  return NULL;
}

const gcpulse__jv *gcpulse__jv_at(const gcpulse__jv *a, size_t i) {
  if (a == NULL || a->kind != GCPULSE__JV_ARRAY) return NULL;
  const gcpulse__jv *m = a->child;
  while (m && i--) m = m->next;
  return m;
}

int gcpulse__jv_equal(const gcpulse__jv *a, const gcpulse__jv *b) {
  if (a == NULL || b == NULL || a->kind != b->kind) return 0;
  switch (a->kind) {
  case GCPULSE__JV_INT: return a->i == b->i;
  case GCPULSE__JV_REAL: return a->d == b->d;
  case GCPULSE__JV_STRING: return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
  default: return a == b;
  }
}

#endif /* GCPULSE_NO_JSON */

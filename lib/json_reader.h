/*
 * json_reader.h — a bounded RFC 8259 JSON reader for the configuration
 * loader (json_reader.c).  The document becomes a tree of nodes in one
 * block taken from the caller's allocator (two passes: the first checks
 * the syntax and counts, the second fills the block), so loading a
 * configuration allocates nothing else and no global state is touched.
 *
 * Limits: depth 2048, GCPULSE__JSON_MAX_VALUES values; objects with a
 * repeated key, invalid UTF-8, integers outside 64 bits and reals that
 * overflow are errors.  Only an object or an array may be the root.
 */
#ifndef GCPULSE_JSON_READER_H
#define GCPULSE_JSON_READER_H

#include "gcpulse.h"

#include <stddef.h>

#define GCPULSE__JSON_MAX_DEPTH 2048
#define GCPULSE__JSON_MAX_VALUES 65536

enum {
  GCPULSE__JV_NULL,
  GCPULSE__JV_TRUE,
  GCPULSE__JV_FALSE,
  GCPULSE__JV_INT,    /* a number without fraction or exponent */
  GCPULSE__JV_REAL,
  GCPULSE__JV_STRING,
  GCPULSE__JV_ARRAY,
  GCPULSE__JV_OBJECT
};

typedef struct gcpulse__jv {
  int kind;
  size_t n;                 /* STRING bytes; ARRAY / OBJECT members */
  const char *s;            /* STRING: the value, NUL-terminated (may hold NULs) */
  long long i;              /* INT */
  double d;                 /* INT and REAL: the value as a double */
  const char *key;          /* member of an OBJECT: its key (NUL-terminated) */
  size_t key_n;
  struct gcpulse__jv *child; /* ARRAY / OBJECT: first member */
  struct gcpulse__jv *next;  /* next member of the parent */
} gcpulse__jv;

typedef struct gcpulse__jdoc {
  gcpulse__jv *root;
  void *mem;                /* the block, from ALLOC */
  size_t size;
  gcpulse_alloc_fn alloc;
  void *ud;
} gcpulse__jdoc;

/* Parse TEXT[0..LEN) into D through ALLOC.  Returns 0,
 * GCPULSE_EJSON (ERR gets the message, line and column) or
 * GCPULSE_ENOMEM.  On success release D with gcpulse__json_free. */
int gcpulse__json_parse(gcpulse__jdoc *d, const char *text, size_t len,
                        gcpulse_alloc_fn alloc, void *ud,
                        gcpulse_error_t *err);
void gcpulse__json_free(gcpulse__jdoc *d);

/* Length of the UTF-8 sequence at P (before E): 1..4, or 0 when it is
 * invalid (overlong, surrogate, above U+10FFFF, truncated). */
int gcpulse__utf8_seq_len(const unsigned char *p, const unsigned char *e);

/* Member KEY of object O, or NULL (also when O is not an object). */
const gcpulse__jv *gcpulse__jv_get(const gcpulse__jv *o, const char *key);
/* Element I of array A, or NULL. */
const gcpulse__jv *gcpulse__jv_at(const gcpulse__jv *a, size_t i);
/* Same kind and value (strings by bytes, numbers by value). */
int gcpulse__jv_equal(const gcpulse__jv *a, const gcpulse__jv *b);

#endif /* GCPULSE_JSON_READER_H */

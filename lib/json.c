/*
 * json.c — gcpulse_config_t <-> JSON text, the library's only jansson user.
 *
 * No jansson: the text is read by json_reader.c into one block from the
 * configuration's allocator (cfg->alloc, libc when NULL), and the dump is
 * written straight into the caller's buffer, so neither allocates
 * anywhere else and no global state is involved.
 *
 * Design.  The scalar sections (input, window, gogc, policy) are the rows
 * of the configuration table (config.h); the structured objects (rule,
 * condition, action) have a field table here.  The loader and the dumper
 * both walk these tables, so every key that can be dumped can be loaded
 * and vice versa.  Loading works on a
 * heap copy of the caller's config and commits only when the whole
 * document parsed and gcpulse_config_check() accepted the result, so the
 * caller's config is unchanged on any error.
 *
 * Merge rules: objects merge key by key onto what is already there (the
 * defaults when CFG is fresh from gcpulse_config_init); arrays (rules'
 * conditions and actions, custom_names) replace wholesale.  A rule in
 * policy.rules is matched by id: a rule already in cfg->rules is updated
 * in place, a built-in rule id starts from the built-in definition, any
 * other id starts a new rule (conditions and actions then required).
 *
 * Sections are processed in a fixed order whatever the key order in the
 * text (input, window, gogc, policy; inside window custom_metrics before
 * custom_names), so a condition's feature name can refer to a custom
 * metric named in window.custom_names; an unknown feature name is
 * registered as a new custom metric name in the first free slot.
 *
 * Errors name the key path ("policy.rules[2].conditions[0].exit") and the
 * problem; JSON syntax errors (including duplicate keys and nesting deeper
 * than 2048) carry line and column.
 *
 * Built with GCPULSE_NO_JSON (make JSON=0) both functions return
 * GCPULSE_ENOTSUP and none of this is compiled.
 */
#ifndef GCPULSE_NO_JSON

#include "common.h"
#include "config.h"
#include "json_reader.h"
#include "names.h"
#include "numscan.h"
#include "policy.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_TEXT_MAX (1u << 20) /* documents larger than 1 MiB are refused */
#define JV_IS(v, k) ((v) != NULL && (v)->kind == GCPULSE__JV_##k)

/* ---------------------------------------------------------------------
 * Field tables
 * --------------------------------------------------------------------- */

enum { F_DOUBLE, F_INT, F_BOOL, F_SIZE, F_ENUM, F_NAME, F_SPECIAL };

typedef gcpulse__enum_val enum_val;

typedef struct field {
  const char *key;
  int type;
  size_t off;
  const enum_val *ev; /* F_ENUM: NULL-terminated */
} field;

static const enum_val ev_direction[] = {{"escalate", GCPULSE_DIR_ESCALATE},
                                        {"neutral", GCPULSE_DIR_NEUTRAL},
                                        {"de-escalate", GCPULSE_DIR_DEESCALATE},
                                        {NULL, 0}};
static const enum_val ev_combine[] = {{"all", 0}, {"any", 1}, {NULL, 0}};
static const enum_val ev_op[] = {{">", GCPULSE_OP_GT},
                                 {">=", GCPULSE_OP_GE},
                                 {"<", GCPULSE_OP_LT},
                                 {"<=", GCPULSE_OP_LE},
                                 {NULL, 0}};
static const enum_val ev_missing[] = {
    {"missing", GCPULSE_MISSING_MISSING},
    {"ignore", GCPULSE_MISSING_IGNORE},
    {"breaching", GCPULSE_MISSING_BREACHING},
    {"not_breaching", GCPULSE_MISSING_NOT_BREACHING},
    {NULL, 0}};
static const enum_val ev_stat[] = {
#define GCPULSE_X_(id, name) {name, GCPULSE_STAT_##id},
    GCPULSE_STAT_MAP(GCPULSE_X_)
#undef GCPULSE_X_
    {NULL, 0}};

#define RF(key, type, member, ev)                                             \
  { key, type, offsetof(gcpulse_rule_t, member), ev }
#define KF(key, type, member, ev)                                             \
  { key, type, offsetof(gcpulse_condition_t, member), ev }
#define END                                                                   \
  { NULL, 0, 0, NULL }

static const field rule_fields[] = {
    RF("id", F_NAME, id, NULL),
    {"description", F_SPECIAL, 0, NULL},
    RF("group", F_NAME, group, NULL),
    RF("priority", F_INT, priority, NULL),
    RF("direction", F_ENUM, direction, ev_direction),
    RF("combine", F_ENUM, any, ev_combine),
    {"conditions", F_SPECIAL, 0, NULL},
    {"actions", F_SPECIAL, 0, NULL},
    RF("cooldown_s", F_DOUBLE, cooldown_s, NULL),
    RF("stabilization_s", F_DOUBLE, stabilization_s, NULL),
    RF("warmup_s", F_DOUBLE, warmup_s, NULL),
    RF("dry_run", F_BOOL, dry_run, NULL),
    RF("disabled", F_BOOL, disabled, NULL),
    RF("urgent", F_BOOL, urgent, NULL),
    RF("bump_ratio", F_DOUBLE, bump_ratio, NULL),
    RF("bump_min_step", F_DOUBLE, bump_min_step, NULL),
    RF("bump_cap", F_DOUBLE, bump_cap, NULL),
    END};

static const field cond_fields[] = {
    {"feature", F_SPECIAL, 0, NULL},
    KF("stat", F_ENUM, stat, ev_stat),
    KF("op", F_ENUM, op, ev_op),
    KF("enter", F_DOUBLE, enter, NULL),
    KF("exit", F_DOUBLE, exit, NULL),
    KF("n", F_INT, n, NULL),
    KF("m", F_INT, m, NULL),
    KF("missing", F_ENUM, missing, ev_missing),
    END};

static const field action_fields[] = {
    {"name", F_NAME, offsetof(gcpulse_rule_action_t, name), NULL},
    {"magnitude", F_DOUBLE, offsetof(gcpulse_rule_action_t, magnitude), NULL},
    END};

/* ---------------------------------------------------------------------
 * Loader
 * --------------------------------------------------------------------- */

typedef struct loader {
  gcpulse_config_t *cfg;    /* working copy */
  gcpulse_error_t *err;
  gcpulse_rule_t *defaults; /* built-in table */
  int n_defaults;
  char path[128];
  size_t plen;
} loader;

static int load_fail(loader *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int load_fail(loader *L, const char *fmt, ...) {
  char text[160];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return gcpulse__error(L->err, GCPULSE_ECONFIG, L->path, "%s", text);
}

/* Append ".KEY" (or "KEY" at the root) to the path; returns the old length. */
static size_t push_key(loader *L, const char *key) {
  size_t old = L->plen;
  int n = snprintf(L->path + old, sizeof L->path - old, "%s%s",
                   old ? "." : "", key);
  if (n > 0) L->plen = strlen(L->path);
  return old;
}

static size_t push_index(loader *L, size_t i) {
  size_t old = L->plen;
  snprintf(L->path + old, sizeof L->path - old, "[%zu]", i);
  L->plen = strlen(L->path);
  return old;
}

static void pop(loader *L, size_t old) {
  L->plen = old;
  L->path[old] = '\0';
}

static const field *find_field(const field *t, const char *key) {
  for (; t->key; t++)
    if (strcmp(t->key, key) == 0) return t;
  return NULL;
}

/* Every key of OBJ must be in table T. */
static int check_keys(loader *L, const gcpulse__jv *obj, const field *t) {
  for (const gcpulse__jv *v = obj->child; v; v = v->next) {
    if (strlen(v->key) != v->key_n || find_field(t, v->key) == NULL) {
      size_t old = push_key(L, v->key);
      int rc = load_fail(L, "unknown key");
      pop(L, old);
      return rc;
    }
  }
  return 0;
}

static void enum_list(const enum_val *ev, char *buf, size_t cap) {
  size_t n = 0;
  buf[0] = '\0';
  for (; ev->name && n < cap; ev++) {
    int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", ev->name);
    if (w < 0) break;
    n += (size_t)w;
  }
}

/* Copy a JSON string into a NAME_MAX buffer. */
static int set_name(loader *L, const gcpulse__jv *v, char *dst, int allow_empty) {
  if (!JV_IS(v, STRING)) return load_fail(L, "expected a string");
  const char *s = (v)->s;
  size_t n = (v)->n;
  if (strlen(s) != n) return load_fail(L, "string holds a NUL byte");
  if (n >= GCPULSE_NAME_MAX)
    return load_fail(L, "name longer than %d bytes", GCPULSE_NAME_MAX - 1);
  if (n == 0 && !allow_empty) return load_fail(L, "name must not be empty");
  memset(dst, 0, GCPULSE_NAME_MAX);
  memcpy(dst, s, n);
  return 0;
}

static int set_field(loader *L, const field *f, void *base, const gcpulse__jv *v) {
  char *p = (char *)base + f->off;
  switch (f->type) {
  case F_DOUBLE: {
    if (!(JV_IS(v, INT) || JV_IS(v, REAL))) return load_fail(L, "expected a number");
    double d = (v)->d;
    if (!isfinite(d)) return load_fail(L, "number is not finite");
    memcpy(p, &d, sizeof d);
    return 0;
  }
  case F_INT: {
    if (!JV_IS(v, INT)) return load_fail(L, "expected an integer");
    long long x = (v)->i;
    if (x < INT_MIN || x > INT_MAX) return load_fail(L, "integer out of range");
    int i = (int)x;
    memcpy(p, &i, sizeof i);
    return 0;
  }
  case F_SIZE: {
    if (!JV_IS(v, INT)) return load_fail(L, "expected an integer");
    long long x = (v)->i;
    if (x < 0) return load_fail(L, "must be >= 0");
    size_t z = (size_t)x;
    memcpy(p, &z, sizeof z);
    return 0;
  }
  case F_BOOL: {
    if (!(JV_IS(v, TRUE) || JV_IS(v, FALSE))) return load_fail(L, "expected true or false");
    int i = JV_IS(v, TRUE) ? 1 : 0;
    memcpy(p, &i, sizeof i);
    return 0;
  }
  case F_ENUM: {
    char list[120];
    enum_list(f->ev, list, sizeof list);
    if (!JV_IS(v, STRING)) return load_fail(L, "expected a string: one of %s", list);
    const char *s = (v)->s;
    for (const enum_val *e = f->ev; e->name; e++) {
      if (strcmp(e->name, s) == 0) {
        memcpy(p, &e->value, sizeof e->value);
        return 0;
      }
    }
    return load_fail(L, "unknown value \"%.40s\": expected one of %s", s, list);
  }
  case F_NAME:
    return set_name(L, v, p, strcmp(f->key, "group") == 0);
  default:
    return 0;
  }
}

/* Check OBJ's keys against T and set every plain field present. */
static int load_fields(loader *L, const gcpulse__jv *obj, const field *t, void *base) {
  if (!JV_IS(obj, OBJECT)) return load_fail(L, "expected an object");
  int rc = check_keys(L, obj, t);
  if (rc < 0) return rc;
  for (const field *f = t; f->key; f++) {
    if (f->type == F_SPECIAL) continue;
    const gcpulse__jv *v = gcpulse__jv_get(obj, f->key);
    if (v == NULL) continue;
    size_t old = push_key(L, f->key);
    rc = set_field(L, f, base, v);
    pop(L, old);
    if (rc < 0) return rc;
  }
  return 0;
}

static int load_custom_names(loader *L, const gcpulse__jv *arr) {
  gcpulse_config_t *c = L->cfg;
  if (!JV_IS(arr, ARRAY)) return load_fail(L, "expected an array of strings");
  size_t n = (arr)->n;
  if (n > GCPULSE_CUSTOM_MAX)
    return load_fail(L, "too many custom metric names: %zu (at most %d)", n,
                GCPULSE_CUSTOM_MAX);
  memset(c->custom_names, 0, sizeof c->custom_names);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    int rc = set_name(L, gcpulse__jv_at(arr, i), c->custom_names[i], 1);
    pop(L, old);
    if (rc < 0) return rc;
  }
  return 0;
}

/* Feature id for NAME: built-in names, the metric aliases, "custom:K",
 * a custom metric name, or a newly registered custom metric name. */
static int resolve_feature(loader *L, const gcpulse__jv *v, int *out) {
  gcpulse_config_t *c = L->cfg;
  if (!JV_IS(v, STRING)) return load_fail(L, "expected a feature name");
  const char *s = (v)->s;
  int f = gcpulse__feature_lookup(s);
  if (f >= 0) {
    *out = f;
    return 0;
  }
  if (strncmp(s, "custom:", 7) == 0) {
    char *end = NULL;
    long k = strtol(s + 7, &end, 10);
    if (end == s + 7 || *end != '\0' || k < 0 || k >= c->custom_metrics)
      return load_fail(L, "\"%.40s\" is not a custom metric slot below "
                     "custom_metrics (%d)",
                  s, c->custom_metrics);
    *out = GCPULSE_FEAT_CUSTOM + (int)k;
    return 0;
  }
  size_t n = (v)->n;
  if (n == 0 || n >= GCPULSE_NAME_MAX || strlen(s) != n)
    return load_fail(L, "unknown feature \"%.40s\" (custom metric names are 1 to "
                   "%d bytes)",
                s, GCPULSE_NAME_MAX - 1);
  int slots = c->custom_metrics < 0                  ? 0
              : c->custom_metrics > GCPULSE_CUSTOM_MAX ? GCPULSE_CUSTOM_MAX
                                                       : c->custom_metrics;
  for (int i = 0; i < slots; i++) {
    if (strcmp(c->custom_names[i], s) == 0) {
      *out = GCPULSE_FEAT_CUSTOM + i;
      return 0;
    }
  }
  for (int i = 0; i < slots; i++) {
    if (c->custom_names[i][0] == '\0') {
      memcpy(c->custom_names[i], s, n);
      *out = GCPULSE_FEAT_CUSTOM + i;
      return 0;
    }
  }
  return load_fail(L, "unknown feature \"%.40s\" and no free custom metric slot "
                 "(custom_metrics is %d)",
              s, c->custom_metrics);
}

static int load_condition(loader *L, const gcpulse__jv *o, gcpulse_condition_t *c) {
  memset(c, 0, sizeof *c);
  c->stat = GCPULSE_STAT_VALUE;
  c->op = GCPULSE_OP_GT;
  c->n = 1;
  c->m = 1;
  c->missing = GCPULSE_MISSING_MISSING;
  int rc = load_fields(L, o, cond_fields, c);
  if (rc < 0) return rc;
  const gcpulse__jv *f = gcpulse__jv_get(o, "feature");
  size_t old = push_key(L, "feature");
  if (f == NULL)
    rc = load_fail(L, "missing key");
  else
    rc = resolve_feature(L, f, &c->feature);
  pop(L, old);
  if (rc < 0) return rc;
  if (gcpulse__jv_get(o, "enter") == NULL) {
    old = push_key(L, "enter");
    rc = load_fail(L, "missing key");
    pop(L, old);
    return rc;
  }
  if (gcpulse__jv_get(o, "exit") == NULL) c->exit = c->enter;
  return 0;
}

static int load_conditions(loader *L, const gcpulse__jv *arr, gcpulse_rule_t *r) {
  if (!JV_IS(arr, ARRAY)) return load_fail(L, "expected an array");
  size_t n = (arr)->n;
  if (n < 1 || n > GCPULSE_CONDS_MAX)
    return load_fail(L, "a rule needs 1 to %d conditions, got %zu",
                GCPULSE_CONDS_MAX, n);
  memset(r->conditions, 0, sizeof r->conditions);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    int rc = load_condition(L, gcpulse__jv_at(arr, i), &r->conditions[i]);
    pop(L, old);
    if (rc < 0) return rc;
  }
  r->n_conditions = (int)n;
  return 0;
}

static int load_actions(loader *L, const gcpulse__jv *arr, gcpulse_rule_t *r) {
  if (!JV_IS(arr, ARRAY)) return load_fail(L, "expected an array");
  size_t n = (arr)->n;
  if (n < 1 || n > GCPULSE_ACTIONS_MAX)
    return load_fail(L, "a rule needs 1 to %d actions, got %zu",
                GCPULSE_ACTIONS_MAX, n);
  memset(r->actions, 0, sizeof r->actions);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    const gcpulse__jv *o = gcpulse__jv_at(arr, i);
    gcpulse_rule_action_t *a = &r->actions[i];
    a->magnitude = 1.0;
    int rc = load_fields(L, o, action_fields, a);
    if (rc == 0 && gcpulse__jv_get(o, "name") == NULL) {
      size_t o2 = push_key(L, "name");
      rc = load_fail(L, "missing key");
      pop(L, o2);
    }
    pop(L, old);
    if (rc < 0) return rc;
  }
  r->n_actions = (int)n;
  return 0;
}

static void rule_new(gcpulse_rule_t *r) {
  memset(r, 0, sizeof *r);
  r->direction = GCPULSE_DIR_ESCALATE;
  r->cooldown_s = -1;
  r->stabilization_s = -1;
}

static int load_rule(loader *L, const gcpulse__jv *o) {
  gcpulse_config_t *c = L->cfg;
  if (!JV_IS(o, OBJECT)) return load_fail(L, "expected an object");
  const gcpulse__jv *idv = gcpulse__jv_get(o, "id");
  if (idv == NULL) {
    size_t old = push_key(L, "id");
    int rc = load_fail(L, "missing key");
    pop(L, old);
    return rc;
  }
  char id[GCPULSE_NAME_MAX];
  size_t old = push_key(L, "id");
  int rc = set_name(L, idv, id, 0);
  pop(L, old);
  if (rc < 0) return rc;
  gcpulse_rule_t *r = NULL;
  int fresh = 0;
  for (int i = 0; i < c->n_rules && i < GCPULSE_RULES_MAX; i++)
    if (strcmp(c->rules[i].id, id) == 0) r = &c->rules[i];
  if (r == NULL) {
    if (c->n_rules < 0 || c->n_rules >= GCPULSE_RULES_MAX)
      return load_fail(L, "too many rules (at most %d)", GCPULSE_RULES_MAX);
    r = &c->rules[c->n_rules++];
    rule_new(r);
    fresh = 1;
    if (c->policy_defaults) {
      for (int i = 0; i < L->n_defaults; i++) {
        if (strcmp(L->defaults[i].id, id) == 0) {
          memcpy(r, &L->defaults[i], sizeof *r);
          fresh = 0;
        }
      }
    }
  }
  rc = load_fields(L, o, rule_fields, r);
  if (rc < 0) return rc;
  const gcpulse__jv *d = gcpulse__jv_get(o, "description");
  if (d && !JV_IS(d, STRING)) {
    old = push_key(L, "description");
    rc = load_fail(L, "expected a string");
    pop(L, old);
    return rc;
  }
  const gcpulse__jv *conds = gcpulse__jv_get(o, "conditions");
  old = push_key(L, "conditions");
  if (conds)
    rc = load_conditions(L, conds, r);
  else if (fresh)
    rc = load_fail(L, "missing key");
  pop(L, old);
  if (rc < 0) return rc;
  const gcpulse__jv *acts = gcpulse__jv_get(o, "actions");
  old = push_key(L, "actions");
  if (acts)
    rc = load_actions(L, acts, r);
  else if (fresh)
    rc = load_fail(L, "missing key");
  pop(L, old);
  return rc;
}

/* The id of rule I of ARR (a string) may not repeat an earlier rule's:
 * the second would silently update the first.  The error names the
 * second one ("policy.rules[3].id"). */
static int check_unique_id(loader *L, const gcpulse__jv *arr, size_t i) {
  const gcpulse__jv *id = gcpulse__jv_get(gcpulse__jv_at(arr, i), "id");
  if (!JV_IS(id, STRING)) return 0; /* load_rule reports it */
  for (size_t j = 0; j < i; j++) {
    const gcpulse__jv *prev = gcpulse__jv_get(gcpulse__jv_at(arr, j), "id");
    if (JV_IS(prev, STRING) && gcpulse__jv_equal(prev, id)) {
      size_t old = push_key(L, "id");
      int rc = load_fail(L, "duplicate rule id \"%.40s\" (also rules[%zu])",
                    (id)->s, j);
      pop(L, old);
      return rc;
    }
  }
  return 0;
}

static int load_rules(loader *L, const gcpulse__jv *arr) {
  if (!JV_IS(arr, ARRAY)) return load_fail(L, "expected an array");
  size_t n = (arr)->n;
  if (n > GCPULSE_RULES_MAX)
    return load_fail(L, "too many rules: %zu (at most %d)", n, GCPULSE_RULES_MAX);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    int rc = check_unique_id(L, arr, i);
    if (rc == 0) rc = load_rule(L, gcpulse__jv_at(arr, i));
    pop(L, old);
    if (rc < 0) return rc;
  }
  return 0;
}

static const field top_fields[] = {{"input", F_SPECIAL, 0, NULL},
                                   {"window", F_SPECIAL, 0, NULL},
                                   {"gogc", F_SPECIAL, 0, NULL},
                                   {"policy", F_SPECIAL, 0, NULL},
                                   {"description", F_SPECIAL, 0, NULL},
                                   END};

/* Rows in the configuration table (config.h). */
#define ONE_(...) +1
enum { N_CONFIG_KEYS = 0 GCPULSE__CONFIG_KEYS(ONE_) };
#undef ONE_

/* The field table of configuration section SEC: its scalar rows from the
 * configuration table, then its structured member LIST (if any). */
static void section_fields(const char *sec, const char *list,
                           field out[N_CONFIG_KEYS + 2]) {
  static const int type[] = {[GCPULSE__CT_DOUBLE] = F_DOUBLE,
                             [GCPULSE__CT_INT] = F_INT,
                             [GCPULSE__CT_SIZE] = F_SIZE,
                             [GCPULSE__CT_BOOL] = F_BOOL,
                             [GCPULSE__CT_ENUM] = F_ENUM};
  int n = 0;
  for (int i = 0; i < gcpulse__config_nkeys; i++) {
    const gcpulse__config_key *k = &gcpulse__config_keys[i];
    if (strcmp(k->section, sec) != 0) continue;
    out[n++] = (field){k->key, type[k->type], k->off, k->values};
  }
  if (list) out[n++] = (field){list, F_SPECIAL, 0, NULL};
  out[n] = (field)END;
}

/* Load the optional section KEY of ROOT: its scalar keys into the config,
 * then, when they loaded, its array member LIST (if present) with
 * LOAD_LIST.  Error paths name the section ("policy.rules[2]...").
 * Returns 0 (also when the section is absent) or negative. */
static int load_section(loader *L, const gcpulse__jv *root, const char *key,
                        const char *list,
                        int (*load_list)(loader *, const gcpulse__jv *)) {
  const gcpulse__jv *v = gcpulse__jv_get(root, key);
  if (v == NULL) return 0;
  field fields[N_CONFIG_KEYS + 2];
  section_fields(key, list, fields);
  size_t old = push_key(L, key);
  int rc = load_fields(L, v, fields, L->cfg);
  const gcpulse__jv *arr = rc == 0 && list ? gcpulse__jv_get(v, list) : NULL;
  if (arr) {
    size_t o2 = push_key(L, list);
    rc = load_list(L, arr);
    pop(L, o2);
  }
  pop(L, old);
  return rc;
}

static int load_root(loader *L, const gcpulse__jv *root) {
  if (!JV_IS(root, OBJECT))
    return load_fail(L, "the document must be a JSON object");
  int rc = check_keys(L, root, top_fields);
  if (rc < 0) return rc;
  const gcpulse__jv *v;
  size_t old;
  if ((v = gcpulse__jv_get(root, "description")) && !JV_IS(v, STRING)) {
    old = push_key(L, "description");
    rc = load_fail(L, "expected a string");
    pop(L, old);
    return rc;
  }
  rc = load_section(L, root, "input", NULL, NULL);
  if (rc >= 0)
    rc = load_section(L, root, "window", "custom_names", load_custom_names);
  if (rc >= 0) rc = load_section(L, root, "gogc", NULL, NULL);
  if (rc >= 0) rc = load_section(L, root, "policy", "rules", load_rules);
  return rc < 0 ? rc : 0;
}


int gcpulse_config_load_json(gcpulse_config_t *cfg, const char *text,
                             size_t len, gcpulse_error_t *err) {
  if (err) memset(err, 0, sizeof *err);
  if (cfg == NULL || (text == NULL && len > 0))
    return gcpulse__error(err, GCPULSE_EINVAL, "", "NULL argument");
  if (len > JSON_TEXT_MAX)
    return gcpulse__error(err, GCPULSE_EJSON, "",
                          "document of %zu bytes is larger than %u bytes", len,
                          JSON_TEXT_MAX);
  gcpulse_alloc_fn alloc = cfg->alloc ? cfg->alloc : gcpulse__libc_alloc;
  void *ud = cfg->alloc_ud;
  gcpulse__jdoc doc;
  int rc = gcpulse__json_parse(&doc, text ? text : "", len, alloc, ud, err);
  if (rc < 0) return rc;
  /* the working copy and the built-in table: one more block */
  size_t size = sizeof(gcpulse_config_t) +
                sizeof(gcpulse_rule_t) * GCPULSE_RULES_MAX;
  void *mem = alloc(ud, NULL, 0, size);
  if (mem == NULL) {
    gcpulse__json_free(&doc);
    return gcpulse__error(err, GCPULSE_ENOMEM, "", "out of memory");
  }
  loader L;
  memset(&L, 0, sizeof L);
  L.err = err;
  L.cfg = mem;
  L.defaults = (gcpulse_rule_t *)(void *)((char *)mem + sizeof *L.cfg);
  memcpy(L.cfg, cfg, sizeof *cfg);
  L.n_defaults = gcpulse__policy_defaults(L.defaults, GCPULSE_RULES_MAX);
  rc = load_root(&L, doc.root);
  if (rc == 0) rc = gcpulse_config_check(L.cfg, err);
  if (rc == 0) memcpy(cfg, L.cfg, sizeof *cfg);
  alloc(ud, mem, size, 0);
  gcpulse__json_free(&doc);
  return rc;
}

/* ---------------------------------------------------------------------
 * Dumper: JSON text straight into the caller's buffer (two-space indent,
 * reals with 17 significant digits, so the text loads back to identical
 * bytes).  Nothing is allocated.
 * --------------------------------------------------------------------- */

typedef struct writer {
  char *dst;
  size_t cap, n; /* n: bytes the whole text needs */
  int depth;
  int first;     /* no member yet at this depth */
  int bad;       /* a value that cannot be written */
} writer;

static void w_put(writer *w, const char *s, size_t k) {
  if (w->n < w->cap) {
    size_t room = w->cap - w->n;
    memcpy(w->dst + w->n, s, k < room ? k : room);
  }
  w->n += k;
}
static void w_puts(writer *w, const char *s) { w_put(w, s, strlen(s)); }

static void w_newline(writer *w) {
  w_put(w, "\n", 1);
  for (int i = 0; i < w->depth; i++) w_put(w, "  ", 2);
}

/* Before a member or element: separator and indentation. */
static void w_item(writer *w) {
  if (!w->first) w_put(w, ",", 1);
  w->first = 0;
  w_newline(w);
}

/* A JSON string; invalid UTF-8 (only a config built in C can hold it)
 * makes the dump fail. */
static void w_str(writer *w, const char *s, size_t n) {
  w_put(w, "\"", 1);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    static const char esc[] = "\"\\\b\f\n\r\t", rep[] = "\"\\bfnrt";
    const char *e = c ? strchr(esc, c) : NULL;
    if (e) {
      char two[2] = {'\\', rep[e - esc]};
      w_put(w, two, 2);
      i++;
    } else if (c < 0x20) {
      char u[8];
      snprintf(u, sizeof u, "\\u%04x", c);
      w_put(w, u, 6);
      i++;
    } else if (c < 0x80) {
      w_put(w, s + i, 1);
      i++;
    } else {
      /* one valid multi-byte sequence, by the reader's own rule, so the
       * dump always loads back */
      int k = gcpulse__utf8_seq_len((const unsigned char *)s + i,
                                    (const unsigned char *)s + n);
      if (k == 0) {
        w->bad = 1;
        return;
      }
      w_put(w, s + i, (size_t)k);
      i += (size_t)k;
    }
  }
  w_put(w, "\"", 1);
}

static void w_key(writer *w, const char *k) {
  w_item(w);
  w_str(w, k, strlen(k));
  w_put(w, ": ", 2);
}

static void w_open(writer *w, char c) {
  w_put(w, &c, 1);
  w->depth++;
  w->first = 1;
}

static void w_close(writer *w, char c) {
  w->depth--;
  if (!w->first) w_newline(w); /* an empty container stays "{}" / "[]" */
  w->first = 0;
  w_put(w, &c, 1);
}

/* A real the way it reads back exactly: %.17g, always with a '.' or an
 * exponent, the exponent without '+' or leading zeros. */
static void w_real(writer *w, double d) {
  if (!isfinite(d)) {
    w->bad = 1;
    return;
  }
  char b[48];
  gcpulse__print_real(b, sizeof b, 17, d);
  char *e = strchr(b, 'e');
  if (e) {
    char *q = e + 1, *r = e + 1;
    if (*q == '+' || *q == '-') {
      if (*q == '-') r++;
      q++;
    }
    while (*q == '0' && q[1]) q++;
    memmove(r, q, strlen(q) + 1);
  } else if (!strchr(b, '.')) {
    strcat(b, ".0");
  }
  w_puts(w, b);
}

static void w_integer(writer *w, long long x) {
  char b[24];
  snprintf(b, sizeof b, "%lld", x);
  w_puts(w, b);
}

/* Every plain field of T from BASE. */
static void dump_fields(writer *w, const field *t, const void *base) {
  for (; t->key; t++) {
    const char *p = (const char *)base + t->off;
    int i = 0;
    if (t->type == F_SPECIAL) continue;
    w_key(w, t->key);
    switch (t->type) {
    case F_DOUBLE: {
      double d;
      memcpy(&d, p, sizeof d);
      w_real(w, d);
      break;
    }
    case F_SIZE: {
      size_t z;
      memcpy(&z, p, sizeof z);
      if (z > (size_t)LLONG_MAX) w->bad = 1;
      w_integer(w, (long long)z);
      break;
    }
    case F_NAME: {
      size_t n = strnlen(p, GCPULSE_NAME_MAX);
      w_str(w, p, n < GCPULSE_NAME_MAX ? n : GCPULSE_NAME_MAX - 1);
      break;
    }
    default: /* int-based */
      memcpy(&i, p, sizeof i);
      if (t->type == F_INT) {
        w_integer(w, i);
      } else if (t->type == F_BOOL) {
        w_puts(w, i ? "true" : "false");
      } else {
        const char *nm = gcpulse__config_enum_name(t->ev, i);
        if (nm == NULL) w->bad = 1;
        else w_str(w, nm, strlen(nm));
      }
    }
  }
}

/* A condition's feature: its name, the custom metric's name or custom:K. */
static void dump_feature(writer *w, const gcpulse_config_t *cfg, int f) {
  char buf[48];
  if (f >= 0 && f < GCPULSE_FEAT_BUILTIN_COUNT) {
    const char *nm = gcpulse_feature_name(f);
    w_str(w, nm, strlen(nm));
    return;
  }
  int k = f - GCPULSE_FEAT_CUSTOM;
  if (k < 0 || k >= GCPULSE_CUSTOM_MAX) {
    w->bad = 1;
    return;
  }
  const char *nm = cfg->custom_names[k];
  if (nm[0] && memchr(nm, '\0', GCPULSE_NAME_MAX)) {
    w_str(w, nm, strlen(nm));
    return;
  }
  snprintf(buf, sizeof buf, "custom:%d", k);
  w_str(w, buf, strlen(buf));
}

static void dump_rule(writer *w, const gcpulse_config_t *cfg,
                      const gcpulse_rule_t *r) {
  if (r->n_conditions < 0 || r->n_conditions > GCPULSE_CONDS_MAX ||
      r->n_actions < 0 || r->n_actions > GCPULSE_ACTIONS_MAX) {
    w->bad = 1;
    return;
  }
  w_item(w);
  w_open(w, '{');
  dump_fields(w, rule_fields, r);
  w_key(w, "conditions");
  w_open(w, '[');
  for (int i = 0; i < r->n_conditions; i++) {
    w_item(w);
    w_open(w, '{');
    w_key(w, "feature");
    dump_feature(w, cfg, r->conditions[i].feature);
    dump_fields(w, cond_fields, &r->conditions[i]);
    w_close(w, '}');
  }
  w_close(w, ']');
  w_key(w, "actions");
  w_open(w, '[');
  for (int i = 0; i < r->n_actions; i++) {
    w_item(w);
    w_open(w, '{');
    dump_fields(w, action_fields, &r->actions[i]);
    w_close(w, '}');
  }
  w_close(w, ']');
  w_close(w, '}');
}

long gcpulse_config_dump_json(const gcpulse_config_t *cfg, char *dst,
                              size_t cap) {
  if (cfg == NULL || (dst == NULL && cap > 0)) return GCPULSE_EINVAL;
  if (cfg->n_rules < 0 || cfg->n_rules > GCPULSE_RULES_MAX)
    return GCPULSE_EINVAL;
  writer w = {dst, cap > 0 ? cap - 1 : 0, 0, 0, 1, 0};
  static const char *const sec[] = {"input", "window", "gogc", "policy"};
  w_open(&w, '{');
  for (size_t i = 0; i < GCPULSE__COUNTOF(sec); i++) {
    field fields[N_CONFIG_KEYS + 2];
    section_fields(sec[i], NULL, fields);
    w_key(&w, sec[i]);
    w_open(&w, '{');
    dump_fields(&w, fields, cfg);
    if (i == 1) { /* window: custom_names up to the last non-empty one */
      int last = -1;
      for (int k = 0; k < GCPULSE_CUSTOM_MAX; k++)
        if (cfg->custom_names[k][0]) last = k;
      w_key(&w, "custom_names");
      w_open(&w, '[');
      for (int k = 0; k <= last; k++) {
        w_item(&w);
        w_str(&w, cfg->custom_names[k],
            strnlen(cfg->custom_names[k], GCPULSE_NAME_MAX - 1));
      }
      w_close(&w, ']');
    } else if (i == 3) {
      w_key(&w, "rules");
      w_open(&w, '[');
      for (int k = 0; k < cfg->n_rules; k++)
        dump_rule(&w, cfg, &cfg->rules[k]);
      w_close(&w, ']');
    }
    w_close(&w, '}');
  }
  w_close(&w, '}');
  if (w.bad) {
    if (cap > 0) dst[0] = '\0';
    return GCPULSE_EINVAL;
  }
  if (cap > 0) dst[w.n < cap - 1 ? w.n : cap - 1] = '\0';
  return w.n > (size_t)LONG_MAX ? GCPULSE_ENOSPC : (long)w.n;
}

#else /* GCPULSE_NO_JSON: configuration in C only */

#include "common.h"

#include <string.h>

int gcpulse_config_load_json(gcpulse_config_t *cfg, const char *text,
                             size_t len, gcpulse_error_t *err) {
  (void)cfg;
  (void)text;
  (void)len;
  if (err) memset(err, 0, sizeof *err);
  return gcpulse__error(err, GCPULSE_ENOTSUP, "",
                        "built without JSON support (make JSON=0)");
}

long gcpulse_config_dump_json(const gcpulse_config_t *cfg, char *dst,
                              size_t cap) {
  (void)cfg;
  if (dst && cap > 0) dst[0] = '\0';
  return GCPULSE_ENOTSUP;
}

#endif

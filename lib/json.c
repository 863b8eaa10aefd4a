/*
 * json.c — gcpulse_config_t <-> JSON text, the library's only jansson user.
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
 * than jansson's limit) carry line and column.
 */
#include "common.h"
#include "config.h"
#include "names.h"
#include "policy.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_TEXT_MAX (1u << 20) /* documents larger than 1 MiB are refused */

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
    RF("dry_run", F_BOOL, dry_run, NULL),
    RF("disabled", F_BOOL, disabled, NULL),
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

static int fail(loader *L, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static int fail(loader *L, const char *fmt, ...) {
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
static int check_keys(loader *L, json_t *obj, const field *t) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    if (find_field(t, key) == NULL) {
      size_t old = push_key(L, key);
      int rc = fail(L, "unknown key");
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
static int set_name(loader *L, json_t *v, char *dst, int allow_empty) {
  if (!json_is_string(v)) return fail(L, "expected a string");
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  if (strlen(s) != n) return fail(L, "string holds a NUL byte");
  if (n >= GCPULSE_NAME_MAX)
    return fail(L, "name longer than %d bytes", GCPULSE_NAME_MAX - 1);
  if (n == 0 && !allow_empty) return fail(L, "name must not be empty");
  memset(dst, 0, GCPULSE_NAME_MAX);
  memcpy(dst, s, n);
  return 0;
}

static int set_field(loader *L, const field *f, void *base, json_t *v) {
  char *p = (char *)base + f->off;
  switch (f->type) {
  case F_DOUBLE: {
    if (!json_is_number(v)) return fail(L, "expected a number");
    double d = json_number_value(v);
    if (!isfinite(d)) return fail(L, "number is not finite");
    memcpy(p, &d, sizeof d);
    return 0;
  }
  case F_INT: {
    if (!json_is_integer(v)) return fail(L, "expected an integer");
    json_int_t x = json_integer_value(v);
    if (x < INT_MIN || x > INT_MAX) return fail(L, "integer out of range");
    int i = (int)x;
    memcpy(p, &i, sizeof i);
    return 0;
  }
  case F_SIZE: {
    if (!json_is_integer(v)) return fail(L, "expected an integer");
    json_int_t x = json_integer_value(v);
    if (x < 0) return fail(L, "must be >= 0");
    size_t z = (size_t)x;
    memcpy(p, &z, sizeof z);
    return 0;
  }
  case F_BOOL: {
    if (!json_is_boolean(v)) return fail(L, "expected true or false");
    int i = json_is_true(v) ? 1 : 0;
    memcpy(p, &i, sizeof i);
    return 0;
  }
  case F_ENUM: {
    char list[120];
    enum_list(f->ev, list, sizeof list);
    if (!json_is_string(v)) return fail(L, "expected a string: one of %s", list);
    const char *s = json_string_value(v);
    for (const enum_val *e = f->ev; e->name; e++) {
      if (strcmp(e->name, s) == 0) {
        memcpy(p, &e->value, sizeof e->value);
        return 0;
      }
    }
    return fail(L, "unknown value \"%.40s\": expected one of %s", s, list);
  }
  case F_NAME:
    return set_name(L, v, p, strcmp(f->key, "group") == 0);
  default:
    return 0;
  }
}

/* Check OBJ's keys against T and set every plain field present. */
static int load_fields(loader *L, json_t *obj, const field *t, void *base) {
  if (!json_is_object(obj)) return fail(L, "expected an object");
  int rc = check_keys(L, obj, t);
  if (rc < 0) return rc;
  for (const field *f = t; f->key; f++) {
    if (f->type == F_SPECIAL) continue;
    json_t *v = json_object_get(obj, f->key);
    if (v == NULL) continue;
    size_t old = push_key(L, f->key);
    rc = set_field(L, f, base, v);
    pop(L, old);
    if (rc < 0) return rc;
  }
  return 0;
}

static int load_custom_names(loader *L, json_t *arr) {
  gcpulse_config_t *c = L->cfg;
  if (!json_is_array(arr)) return fail(L, "expected an array of strings");
  size_t n = json_array_size(arr);
  if (n > GCPULSE_CUSTOM_MAX)
    return fail(L, "too many custom metric names: %zu (at most %d)", n,
                GCPULSE_CUSTOM_MAX);
  memset(c->custom_names, 0, sizeof c->custom_names);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    int rc = set_name(L, json_array_get(arr, i), c->custom_names[i], 1);
    pop(L, old);
    if (rc < 0) return rc;
  }
  return 0;
}

/* Feature id for NAME: built-in names, the metric aliases, "custom:K",
 * a custom metric name, or a newly registered custom metric name. */
static int resolve_feature(loader *L, json_t *v, int *out) {
  gcpulse_config_t *c = L->cfg;
  if (!json_is_string(v)) return fail(L, "expected a feature name");
  const char *s = json_string_value(v);
  int f = gcpulse__feature_lookup(s);
  if (f >= 0) {
    *out = f;
    return 0;
  }
  if (strncmp(s, "custom:", 7) == 0) {
    char *end = NULL;
    long k = strtol(s + 7, &end, 10);
    if (end == s + 7 || *end != '\0' || k < 0 || k >= c->custom_metrics)
      return fail(L, "\"%.40s\" is not a custom metric slot below "
                     "custom_metrics (%d)",
                  s, c->custom_metrics);
    *out = GCPULSE_FEAT_CUSTOM + (int)k;
    return 0;
  }
  size_t n = json_string_length(v);
  if (n == 0 || n >= GCPULSE_NAME_MAX || strlen(s) != n)
    return fail(L, "unknown feature \"%.40s\" (custom metric names are 1 to "
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
  return fail(L, "unknown feature \"%.40s\" and no free custom metric slot "
                 "(custom_metrics is %d)",
              s, c->custom_metrics);
}

static int load_condition(loader *L, json_t *o, gcpulse_condition_t *c) {
  memset(c, 0, sizeof *c);
  c->stat = GCPULSE_STAT_VALUE;
  c->op = GCPULSE_OP_GT;
  c->n = 1;
  c->m = 1;
  c->missing = GCPULSE_MISSING_MISSING;
  int rc = load_fields(L, o, cond_fields, c);
  if (rc < 0) return rc;
  json_t *f = json_object_get(o, "feature");
  size_t old = push_key(L, "feature");
  if (f == NULL)
    rc = fail(L, "missing key");
  else
    rc = resolve_feature(L, f, &c->feature);
  pop(L, old);
  if (rc < 0) return rc;
  if (json_object_get(o, "enter") == NULL) {
    old = push_key(L, "enter");
    rc = fail(L, "missing key");
    pop(L, old);
    return rc;
  }
  if (json_object_get(o, "exit") == NULL) c->exit = c->enter;
  return 0;
}

static int load_conditions(loader *L, json_t *arr, gcpulse_rule_t *r) {
  if (!json_is_array(arr)) return fail(L, "expected an array");
  size_t n = json_array_size(arr);
  if (n < 1 || n > GCPULSE_CONDS_MAX)
    return fail(L, "a rule needs 1 to %d conditions, got %zu",
                GCPULSE_CONDS_MAX, n);
  memset(r->conditions, 0, sizeof r->conditions);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    int rc = load_condition(L, json_array_get(arr, i), &r->conditions[i]);
    pop(L, old);
    if (rc < 0) return rc;
  }
  r->n_conditions = (int)n;
  return 0;
}

static int load_actions(loader *L, json_t *arr, gcpulse_rule_t *r) {
  if (!json_is_array(arr)) return fail(L, "expected an array");
  size_t n = json_array_size(arr);
  if (n < 1 || n > GCPULSE_ACTIONS_MAX)
    return fail(L, "a rule needs 1 to %d actions, got %zu",
                GCPULSE_ACTIONS_MAX, n);
  memset(r->actions, 0, sizeof r->actions);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    json_t *o = json_array_get(arr, i);
    gcpulse_rule_action_t *a = &r->actions[i];
    a->magnitude = 1.0;
    int rc = load_fields(L, o, action_fields, a);
    if (rc == 0 && json_object_get(o, "name") == NULL) {
      size_t o2 = push_key(L, "name");
      rc = fail(L, "missing key");
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

static int load_rule(loader *L, json_t *o) {
  gcpulse_config_t *c = L->cfg;
  if (!json_is_object(o)) return fail(L, "expected an object");
  json_t *idv = json_object_get(o, "id");
  if (idv == NULL) {
    size_t old = push_key(L, "id");
    int rc = fail(L, "missing key");
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
      return fail(L, "too many rules (at most %d)", GCPULSE_RULES_MAX);
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
  json_t *d = json_object_get(o, "description");
  if (d && !json_is_string(d)) {
    old = push_key(L, "description");
    rc = fail(L, "expected a string");
    pop(L, old);
    return rc;
  }
  json_t *conds = json_object_get(o, "conditions");
  old = push_key(L, "conditions");
  if (conds)
    rc = load_conditions(L, conds, r);
  else if (fresh)
    rc = fail(L, "missing key");
  pop(L, old);
  if (rc < 0) return rc;
  json_t *acts = json_object_get(o, "actions");
  old = push_key(L, "actions");
  if (acts)
    rc = load_actions(L, acts, r);
  else if (fresh)
    rc = fail(L, "missing key");
  pop(L, old);
  return rc;
}

/* The id of rule I of ARR (a string) may not repeat an earlier rule's:
 * the second would silently update the first.  The error names the
 * second one ("policy.rules[3].id"). */
static int check_unique_id(loader *L, json_t *arr, size_t i) {
  json_t *id = json_object_get(json_array_get(arr, i), "id");
  if (!json_is_string(id)) return 0; /* load_rule reports it */
  for (size_t j = 0; j < i; j++) {
    json_t *prev = json_object_get(json_array_get(arr, j), "id");
    if (json_is_string(prev) && json_equal(prev, id)) {
      size_t old = push_key(L, "id");
      int rc = fail(L, "duplicate rule id \"%.40s\" (also rules[%zu])",
                    json_string_value(id), j);
      pop(L, old);
      return rc;
    }
  }
  return 0;
}

static int load_rules(loader *L, json_t *arr) {
  if (!json_is_array(arr)) return fail(L, "expected an array");
  size_t n = json_array_size(arr);
  if (n > GCPULSE_RULES_MAX)
    return fail(L, "too many rules: %zu (at most %d)", n, GCPULSE_RULES_MAX);
  for (size_t i = 0; i < n; i++) {
    size_t old = push_index(L, i);
    int rc = check_unique_id(L, arr, i);
    if (rc == 0) rc = load_rule(L, json_array_get(arr, i));
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
static int load_section(loader *L, json_t *root, const char *key,
                        const char *list,
                        int (*load_list)(loader *, json_t *)) {
  json_t *v = json_object_get(root, key);
  if (v == NULL) return 0;
  field fields[N_CONFIG_KEYS + 2];
  section_fields(key, list, fields);
  size_t old = push_key(L, key);
  int rc = load_fields(L, v, fields, L->cfg);
  json_t *arr = rc == 0 && list ? json_object_get(v, list) : NULL;
  if (arr) {
    size_t o2 = push_key(L, list);
    rc = load_list(L, arr);
    pop(L, o2);
  }
  pop(L, old);
  return rc;
}

static int load_root(loader *L, json_t *root) {
  if (!json_is_object(root))
    return fail(L, "the document must be a JSON object");
  int rc = check_keys(L, root, top_fields);
  if (rc < 0) return rc;
  json_t *v;
  size_t old;
  if ((v = json_object_get(root, "description")) && !json_is_string(v)) {
    old = push_key(L, "description");
    rc = fail(L, "expected a string");
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
  json_error_t jerr;
  memset(&jerr, 0, sizeof jerr); /* jansson leaves it unset on some paths */
  json_t *root = json_loadb(text ? text : "", len, JSON_REJECT_DUPLICATES,
                            &jerr);
  if (root == NULL) {
    if (json_error_code(&jerr) == json_error_out_of_memory)
      return gcpulse__error(err, GCPULSE_ENOMEM, "",
                            "out of memory while parsing JSON");
    int first = err != NULL && err->code == 0;
    gcpulse__error(err, GCPULSE_EJSON, "", "%s",
                   jerr.text[0] ? jerr.text : "malformed JSON");
    if (first) {
      err->line = jerr.line > 0 ? jerr.line : 0;
      err->column = jerr.column > 0 ? jerr.column : 0;
    }
    return GCPULSE_EJSON;
  }
  loader L;
  memset(&L, 0, sizeof L);
  L.err = err;
  L.cfg = malloc(sizeof *L.cfg);
  L.defaults = malloc(sizeof(gcpulse_rule_t) * GCPULSE_RULES_MAX);
  int rc;
  if (L.cfg == NULL || L.defaults == NULL) {
    rc = gcpulse__error(err, GCPULSE_ENOMEM, "", "out of memory");
  } else {
    memcpy(L.cfg, cfg, sizeof *cfg);
    L.n_defaults = gcpulse__policy_defaults(L.defaults, GCPULSE_RULES_MAX);
    rc = load_root(&L, root);
    if (rc == 0) rc = gcpulse_config_check(L.cfg, err);
    if (rc == 0) memcpy(cfg, L.cfg, sizeof *cfg);
  }
  free(L.cfg);
  free(L.defaults);
  json_decref(root);
  return rc;
}

/* ---------------------------------------------------------------------
 * Dumper
 * --------------------------------------------------------------------- */

static const char *enum_name(const enum_val *ev, int value) {
  for (; ev->name; ev++)
    if (ev->value == value) return ev->name;
  return NULL;
}

/* Add every plain field of T from BASE to OBJ.  Returns 0 or -1. */
static int dump_fields(json_t *obj, const field *t, const void *base) {
  for (; t->key; t++) {
    const char *p = (const char *)base + t->off;
    json_t *v = NULL;
    switch (t->type) {
    case F_DOUBLE: {
      double d;
      memcpy(&d, p, sizeof d);
      if (!isfinite(d)) return -1;
      v = json_real(d);
      break;
    }
    case F_INT: {
      int i;
      memcpy(&i, p, sizeof i);
      v = json_integer(i);
      break;
    }
    case F_SIZE: {
      size_t z;
      memcpy(&z, p, sizeof z);
      v = json_integer((json_int_t)z);
      break;
    }
    case F_BOOL: {
      int i;
      memcpy(&i, p, sizeof i);
      v = json_boolean(i);
      break;
    }
    case F_ENUM: {
      int i;
      memcpy(&i, p, sizeof i);
      const char *s = enum_name(t->ev, i);
      if (s == NULL) return -1;
      v = json_string(s);
      break;
    }
    case F_NAME: {
      char buf[GCPULSE_NAME_MAX];
      memcpy(buf, p, sizeof buf);
      buf[GCPULSE_NAME_MAX - 1] = '\0';
      v = json_string(buf);
      break;
    }
    default:
      continue;
    }
    if (v == NULL || json_object_set_new(obj, t->key, v) != 0) return -1;
  }
  return 0;
}

static json_t *dump_feature(const gcpulse_config_t *cfg, int f) {
  char buf[48];
  if (f >= 0 && f < GCPULSE_FEAT_BUILTIN_COUNT)
    return json_string(gcpulse_feature_name(f));
  int k = f - GCPULSE_FEAT_CUSTOM;
  if (k >= 0 && k < GCPULSE_CUSTOM_MAX) {
    if (cfg->custom_names[k][0] &&
        memchr(cfg->custom_names[k], '\0', GCPULSE_NAME_MAX))
      return json_string(cfg->custom_names[k]);
    snprintf(buf, sizeof buf, "custom:%d", k);
    return json_string(buf);
  }
  return NULL;
}

static json_t *dump_rule(const gcpulse_config_t *cfg, const gcpulse_rule_t *r) {
  json_t *o = json_object();
  if (o == NULL || dump_fields(o, rule_fields, r) < 0) goto bad;
  if (r->n_conditions < 0 || r->n_conditions > GCPULSE_CONDS_MAX ||
      r->n_actions < 0 || r->n_actions > GCPULSE_ACTIONS_MAX)
    goto bad;
  json_t *conds = json_array();
  if (conds == NULL || json_object_set_new(o, "conditions", conds) != 0)
    goto bad;
  for (int i = 0; i < r->n_conditions; i++) {
    json_t *c = json_object();
    if (c == NULL || json_array_append_new(conds, c) != 0) goto bad;
    json_t *f = dump_feature(cfg, r->conditions[i].feature);
    if (f == NULL || json_object_set_new(c, "feature", f) != 0 ||
        dump_fields(c, cond_fields, &r->conditions[i]) < 0)
      goto bad;
  }
  json_t *acts = json_array();
  if (acts == NULL || json_object_set_new(o, "actions", acts) != 0) goto bad;
  for (int i = 0; i < r->n_actions; i++) {
    json_t *a = json_object();
    if (a == NULL || json_array_append_new(acts, a) != 0 ||
        dump_fields(a, action_fields, &r->actions[i]) < 0)
      goto bad;
  }
  return o;
bad:
  json_decref(o);
  return NULL;
}

static json_t *dump_root(const gcpulse_config_t *cfg) {
  json_t *root = json_object();
  json_t *input = json_object(), *window = json_object();
  json_t *gogc = json_object(), *policy = json_object();
  json_t *names = json_array(), *rules = json_array();
  int ok = root && input && window && gogc && policy && names && rules;
  if (!ok) {
    json_decref(root);
    json_decref(input);
    json_decref(window);
    json_decref(gogc);
    json_decref(policy);
    json_decref(names);
    json_decref(rules);
    return NULL;
  }
  /* set_new steals the reference even when it fails */
  int e = json_object_set_new(root, "input", input);
  e |= json_object_set_new(root, "window", window);
  e |= json_object_set_new(root, "gogc", gogc);
  e |= json_object_set_new(root, "policy", policy);
  if (e != 0) {
    json_decref(names);
    json_decref(rules);
    json_decref(root);
    return NULL;
  }
  const char *sec[] = {"input", "window", "gogc", "policy"};
  json_t *obj[] = {input, window, gogc, policy};
  for (size_t i = 0; i < GCPULSE__COUNTOF(sec); i++) {
    field fields[N_CONFIG_KEYS + 2];
    section_fields(sec[i], NULL, fields);
    if (dump_fields(obj[i], fields, cfg) < 0) ok = 0;
  }
  /* custom_names up to the last non-empty one (positions matter) */
  int last = -1;
  for (int i = 0; i < GCPULSE_CUSTOM_MAX; i++)
    if (cfg->custom_names[i][0]) last = i;
  for (int i = 0; i <= last && ok; i++) {
    char buf[GCPULSE_NAME_MAX];
    memcpy(buf, cfg->custom_names[i], sizeof buf);
    buf[GCPULSE_NAME_MAX - 1] = '\0';
    if (json_array_append_new(names, json_string(buf)) != 0) ok = 0;
  }
  if (json_object_set_new(window, "custom_names", names) != 0) ok = 0;
  int nr = cfg->n_rules < 0 ? 0 : cfg->n_rules;
  if (nr > GCPULSE_RULES_MAX) ok = 0;
  for (int i = 0; i < nr && ok; i++) {
    json_t *r = dump_rule(cfg, &cfg->rules[i]);
    if (r == NULL || json_array_append_new(rules, r) != 0) ok = 0;
  }
  if (json_object_set_new(policy, "rules", rules) != 0) ok = 0;
  if (!ok) {
    json_decref(root);
    return NULL;
  }
  return root;
}

long gcpulse_config_dump_json(const gcpulse_config_t *cfg, char *dst,
                              size_t cap) {
  if (cfg == NULL || (dst == NULL && cap > 0)) return GCPULSE_EINVAL;
  json_t *root = dump_root(cfg);
  if (root == NULL) return GCPULSE_EINVAL;
  char *s = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
  json_malloc_t jmalloc;
  json_free_t jfree;
  json_get_alloc_funcs(&jmalloc, &jfree);
  /* jansson's dumper can drop an object key silently when an allocation
   * fails: parse the text back and compare before handing it out */
  if (s != NULL) {
    json_error_t jerr;
    json_t *back = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
    int same = back != NULL && json_equal(root, back);
    json_decref(back);
    if (!same) {
      jfree(s);
      s = NULL;
    }
  }
  json_decref(root);
  if (s == NULL) return GCPULSE_ENOMEM;
  size_t n = strlen(s);
  if (cap > 0) {
    size_t k = n < cap - 1 ? n : cap - 1;
    memcpy(dst, s, k);
    dst[k] = '\0';
  }
  jfree(s);
  return n > (size_t)LONG_MAX ? GCPULSE_ENOSPC : (long)n;
}

/*
 * config.c — the configuration table (config.h) and what it drives:
 * gcpulse_config_init (defaults) and gcpulse_config_check (every row's
 * range with its dotted path, then the structured parts and the modules'
 * cross-field checks).  The window needs no check of its own: with
 * window_s >= 1 s and panes <= 64 a pane is always wider than 15 ms.
 */
#include "common.h"
#include "config.h"
#include "gogc.h"
#include "names.h"
#include "policy.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const gcpulse__enum_val formats[] = {{"auto", GCPULSE_FORMAT_AUTO},
                                            {"go", GCPULSE_FORMAT_GO},
                                            {"jvm", GCPULSE_FORMAT_JVM},
                                            {NULL, 0}};
static const gcpulse__enum_val modes[] = {
#define GCPULSE_X_(id, name) {name, GCPULSE_GOGC_##id},
    GCPULSE_GOGC_MODE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
    {NULL, 0}};
static const gcpulse__enum_val economies[] = {
    {"both", GCPULSE_GOGC_ECONOMY_BOTH},
    {"cpu-target", GCPULSE_GOGC_ECONOMY_CPU},
    {"dual-factor", GCPULSE_GOGC_ECONOMY_DF},
    {NULL, 0}};
#define NONE NULL

const gcpulse__config_key gcpulse__config_keys[] = {
#define GCPULSE_X_(sec, key, type, values, member, def, lok, lo, hik, hi,     \
                   unit, doc)                                                 \
  {#sec "." #key,                                                             \
   #sec,                                                                      \
   #key,                                                                      \
   #member,                                                                   \
   GCPULSE__CT_##type,                                                        \
   values,                                                                    \
   offsetof(gcpulse_config_t, member),                                        \
   (double)(def),                                                             \
   GCPULSE__R_##lok,                                                          \
   GCPULSE__R_##hik,                                                          \
   (double)(lo),                                                              \
   (double)(hi),                                                              \
   unit,                                                                      \
   doc},
    GCPULSE__CONFIG_KEYS(GCPULSE_X_)
#undef GCPULSE_X_
};
#undef NONE

const int gcpulse__config_nkeys =
    (int)GCPULSE__COUNTOF(gcpulse__config_keys);

/* Each row's member has the size its type says (checked at compile time). */
#define GCPULSE_X_(sec, key, type, values, member, def, lok, lo, hik, hi,     \
                   unit, doc)                                                 \
  _Static_assert(sizeof(((gcpulse_config_t *)0)->member) ==                   \
                     (GCPULSE__CT_##type == GCPULSE__CT_DOUBLE ? sizeof(double) \
                      : GCPULSE__CT_##type == GCPULSE__CT_SIZE ? sizeof(size_t) \
                                                               : sizeof(int)), \
                 #sec "." #key " has the wrong C type in the table");
GCPULSE__CONFIG_KEYS(GCPULSE_X_)
#undef GCPULSE_X_

double gcpulse__config_get(const gcpulse__config_key *k,
                           const gcpulse_config_t *cfg) {
  const char *p = (const char *)cfg + k->off;
  switch (k->type) {
  case GCPULSE__CT_DOUBLE: {
    double d;
    memcpy(&d, p, sizeof d);
    return d;
  }
  case GCPULSE__CT_SIZE: {
    size_t z;
    memcpy(&z, p, sizeof z);
    return (double)z;
  }
  default: {
    int i;
    memcpy(&i, p, sizeof i);
    return (double)i;
  }
  }
}

static void set(const gcpulse__config_key *k, gcpulse_config_t *cfg,
                double v) {
  char *p = (char *)cfg + k->off;
  if (k->type == GCPULSE__CT_DOUBLE) {
    memcpy(p, &v, sizeof v);
  } else if (k->type == GCPULSE__CT_SIZE) {
    size_t z = (size_t)v;
    memcpy(p, &z, sizeof z);
  } else {
    int i = (int)v;
    memcpy(p, &i, sizeof i);
  }
}

const char *gcpulse__config_enum_name(const gcpulse__enum_val *v, int value) {
  for (; v && v->name; v++)
    if (v->value == value) return v->name;
  return NULL;
}

void gcpulse__config_enum_list(const gcpulse__enum_val *v, char *buf,
                               size_t cap) {
  size_t n = 0;
  if (cap == 0) return;
  buf[0] = '\0';
  for (; v && v->name && n < cap; v++) {
    int w = snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", v->name);
    if (w < 0) break;
    n += (size_t)w;
  }
}

void gcpulse__config_range_text(const gcpulse__config_key *k, char *buf,
                                size_t cap) {
  if (k->lo_kind != GCPULSE__R_ANY && k->hi_kind != GCPULSE__R_ANY)
    snprintf(buf, cap, "%c%.15g, %.15g%c",
             k->lo_kind == GCPULSE__R_GE ? '[' : '(', k->lo, k->hi,
             k->hi_kind == GCPULSE__R_LE ? ']' : ')');
  else if (k->lo_kind != GCPULSE__R_ANY)
    snprintf(buf, cap, "%s %.15g", k->lo_kind == GCPULSE__R_GE ? ">=" : ">",
             k->lo);
  else if (k->hi_kind != GCPULSE__R_ANY)
    snprintf(buf, cap, "%s %.15g", k->hi_kind == GCPULSE__R_LE ? "<=" : "<",
             k->hi);
  else
    snprintf(buf, cap, "finite");
}

/* ---- public access to the table ---- */

int gcpulse_config_key_count(void) { return gcpulse__config_nkeys; }

int gcpulse_config_key(int i, gcpulse_config_key_t *out) {
  static const char *const types[] = {[GCPULSE__CT_DOUBLE] = "number",
                                      [GCPULSE__CT_INT] = "integer",
                                      [GCPULSE__CT_SIZE] = "integer",
                                      [GCPULSE__CT_BOOL] = "bool",
                                      [GCPULSE__CT_ENUM] = "enum"};
  if (out == NULL || i < 0 || i >= gcpulse__config_nkeys) return GCPULSE_EINVAL;
  const gcpulse__config_key *k = &gcpulse__config_keys[i];
  int ranged = k->type != GCPULSE__CT_BOOL && k->type != GCPULSE__CT_ENUM;
  out->path = k->path;
  out->type = types[k->type];
  out->def = k->def;
  out->min = !ranged ? 0 : k->lo_kind == GCPULSE__R_ANY ? -HUGE_VAL : k->lo;
  out->max = !ranged ? 0 : k->hi_kind == GCPULSE__R_ANY ? HUGE_VAL : k->hi;
  out->min_open = k->lo_kind == GCPULSE__R_GT;
  out->max_open = k->hi_kind == GCPULSE__R_LT;
  out->unit = k->unit;
  out->doc = k->doc;
  return 0;
}

static const gcpulse__config_key *by_path(const char *path) {
  for (int i = 0; path && i < gcpulse__config_nkeys; i++)
    if (strcmp(gcpulse__config_keys[i].path, path) == 0)
      return &gcpulse__config_keys[i];
  return NULL;
}

int gcpulse_config_get(const gcpulse_config_t *cfg, const char *path,
                       double *out) {
  if (cfg == NULL || out == NULL) return GCPULSE_EINVAL;
  const gcpulse__config_key *k = by_path(path);
  if (k == NULL) return GCPULSE_ENOTFOUND;
  *out = gcpulse__config_get(k, cfg);
  return 0;
}

int gcpulse_config_set(gcpulse_config_t *cfg, const char *path, double value) {
  if (cfg == NULL) return GCPULSE_EINVAL;
  const gcpulse__config_key *k = by_path(path);
  if (k == NULL) return GCPULSE_ENOTFOUND;
  if (!isfinite(value)) return GCPULSE_EINVAL;
  if (k->type != GCPULSE__CT_DOUBLE) {
    double lo = k->type == GCPULSE__CT_SIZE ? 0 : (double)INT_MIN;
    double hi = k->type == GCPULSE__CT_SIZE ? 9007199254740992.0 : (double)INT_MAX;
    if (value != floor(value) || value < lo || value > hi) return GCPULSE_EINVAL;
  }
  set(k, cfg, value);
  return 0;
}

void gcpulse_config_init(gcpulse_config_t *cfg) {
  if (cfg == NULL) return;
  memset(cfg, 0, sizeof *cfg);
  for (int i = 0; i < gcpulse__config_nkeys; i++)
    set(&gcpulse__config_keys[i], cfg, gcpulse__config_keys[i].def);
}

static int in_range(const gcpulse__config_key *k, double v) {
  if (!isfinite(v)) return 0;
  if (k->lo_kind == GCPULSE__R_GE && !(v >= k->lo)) return 0;
  if (k->lo_kind == GCPULSE__R_GT && !(v > k->lo)) return 0;
  if (k->hi_kind == GCPULSE__R_LE && !(v <= k->hi)) return 0;
  if (k->hi_kind == GCPULSE__R_LT && !(v < k->hi)) return 0;
  return 1;
}

/* K's range in words: "between 256 and 16777216 bytes", "> 0 and <= 3600
 * s", "a finite number >= 0 (bytes)", "a finite number". */
static void range_words(const gcpulse__config_key *k, char *buf, size_t cap) {
  static const char *const op[] = {"", ">=", ">", "<=", "<"};
  const char *u = k->unit;
  if (k->lo_kind == GCPULSE__R_GE && k->hi_kind == GCPULSE__R_LE)
    snprintf(buf, cap, "between %.15g and %.15g%s%s", k->lo, k->hi,
             u[0] ? " " : "", u);
  else if (k->lo_kind != GCPULSE__R_ANY && k->hi_kind != GCPULSE__R_ANY)
    snprintf(buf, cap, "%s %.15g and %s %.15g%s%s", op[k->lo_kind], k->lo,
             op[k->hi_kind], k->hi, u[0] ? " " : "", u);
  else if (k->lo_kind != GCPULSE__R_ANY)
    snprintf(buf, cap, "a finite number %s %.15g%s%s%s", op[k->lo_kind],
             k->lo, u[0] ? " (" : "", u, u[0] ? ")" : "");
  else
    snprintf(buf, cap, "a finite number%s%s%s", u[0] ? " (" : "", u,
             u[0] ? ")" : "");
}

/* Check one row's value in CFG. */
static int check_key(const gcpulse__config_key *k, const gcpulse_config_t *cfg,
                     gcpulse_error_t *err) {
  double v = gcpulse__config_get(k, cfg);
  char text[120];
  switch (k->type) {
  case GCPULSE__CT_ENUM:
    if (gcpulse__config_enum_name(k->values, (int)v) != NULL) return 0;
    gcpulse__config_enum_list(k->values, text, sizeof text);
    return gcpulse__error(err, GCPULSE_ECONFIG, k->path, "must be one of %s",
                          text);
  case GCPULSE__CT_BOOL:
    if (v == 0 || v == 1) return 0;
    return gcpulse__error(err, GCPULSE_ECONFIG, k->path, "must be 0 or 1");
  default:
    if (in_range(k, v)) return 0;
    range_words(k, text, sizeof text);
    return gcpulse__error(err, GCPULSE_ECONFIG, k->path, "must be %s", text);
  }
}

/* Custom metric names: terminated, within the slots, and none shadowing
 * a built-in feature name or alias or using the "custom:K" syntax (such a
 * name could not be told apart from the built-in in a rule, and would not
 * survive dump -> load), and no name twice. */
static int check_custom_names(const gcpulse_config_t *cfg,
                              gcpulse_error_t *err) {
  char path[48];
  for (int i = 0; i < GCPULSE_CUSTOM_MAX; i++) {
    const char *n = cfg->custom_names[i];
    snprintf(path, sizeof path, "window.custom_names[%d]", i);
    if (memchr(n, '\0', GCPULSE_NAME_MAX) == NULL)
      return gcpulse__error(err, GCPULSE_ECONFIG, path,
                            "name is not NUL-terminated");
    if (n[0] == '\0') continue;
    if (i >= cfg->custom_metrics)
      return gcpulse__error(err, GCPULSE_ECONFIG, path,
                            "more names than custom_metrics slots (%d)",
                            cfg->custom_metrics);
    if (!gcpulse__custom_name_ok(n))
      return gcpulse__error(err, GCPULSE_ECONFIG, path,
                            "\"%s\" is a built-in feature name or alias, or "
                            "the custom:K syntax",
                            n);
    for (int j = 0; j < i; j++)
      if (strcmp(cfg->custom_names[j], n) == 0)
        return gcpulse__error(err, GCPULSE_ECONFIG, path,
                              "\"%s\" is also window.custom_names[%d]", n, j);
  }
  return 0;
}

int gcpulse_config_check(const gcpulse_config_t *cfg, gcpulse_error_t *err) {
  if (err) memset(err, 0, sizeof *err);
  if (cfg == NULL)
    return gcpulse__error(err, GCPULSE_EINVAL, "", "configuration is NULL");
  for (int i = 0; i < gcpulse__config_nkeys; i++) {
    int rc = check_key(&gcpulse__config_keys[i], cfg, err);
    if (rc < 0) return rc;
  }
  int rc = check_custom_names(cfg, err);
  if (rc < 0) return rc;
  rc = gcpulse__gogc_check(cfg, err);
  if (rc < 0) return rc;
  return gcpulse__policy_check(cfg, err);
}

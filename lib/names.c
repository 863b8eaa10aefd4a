/*
 * names.c — string tables for every public enum, generated from the
 * X-macro maps in gcpulse.h so that names and codes cannot drift apart.
 */
#include "common.h"
#include "names.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

unsigned gcpulse_version(void) { return GCPULSE_VERSION_HEX; }
const char *gcpulse_version_string(void) { return GCPULSE_VERSION_STRING; }

const char *gcpulse_errname(int err) {
  switch (err) {
#define GCPULSE_X_(name, val, text) \
  case GCPULSE_##name:              \
    return "GCPULSE_" #name;
    GCPULSE_ERRNO_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  default:
    return "GCPULSE_UNKNOWN";
  }
}

const char *gcpulse_strerror(int err) {
  switch (err) {
#define GCPULSE_X_(name, val, text) \
  case GCPULSE_##name:              \
    return text;
    GCPULSE_ERRNO_MAP(GCPULSE_X_)
#undef GCPULSE_X_
  default:
    return "unknown error";
  }
}

/* Look up index I in a table of N strings; "unknown" when out of range. */
static const char *pick(const char *const *table, size_t n, int i) {
  if (i < 0 || (size_t)i >= n) return "unknown";
  return table[i];
}

/* Index of NAME in TABLE, or GCPULSE_ENOTFOUND. */
static int find_name(const char *const *table, size_t n, const char *name) {
  if (name == NULL) return GCPULSE_EINVAL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(table[i], name) == 0) return (int)i;
  return GCPULSE_ENOTFOUND;
}

static const char *const reason_names[] = {
#define GCPULSE_X_(id, name, text) name,
    GCPULSE_REASON_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
static const char *const reason_texts[] = {
#define GCPULSE_X_(id, name, text) text,
    GCPULSE_REASON_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_reason_name(int r) {
  return pick(reason_names, GCPULSE__COUNTOF(reason_names), r);
}
const char *gcpulse_reason_text(int r) {
  return pick(reason_texts, GCPULSE__COUNTOF(reason_texts), r);
}

static const char *const collector_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_COLLECTOR_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_collector_name(int c) {
  return pick(collector_names, GCPULSE__COUNTOF(collector_names), c);
}

static const char *const kind_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_KIND_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_kind_name(int k) {
  return pick(kind_names, GCPULSE__COUNTOF(kind_names), k);
}

static const char *const field_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_FIELD_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_field_name(int f) {
  return pick(field_names, GCPULSE__COUNTOF(field_names), f);
}

static const char *const feature_names[] = {
#define GCPULSE_X_(id, name, unit, text) name,
    GCPULSE_FEATURE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
static const char *const feature_units[] = {
#define GCPULSE_X_(id, name, unit, text) unit,
    GCPULSE_FEATURE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
static const char *const feature_texts[] = {
#define GCPULSE_X_(id, name, unit, text) text,
    GCPULSE_FEATURE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_feature_name(int f) {
  if (f >= GCPULSE_FEAT_CUSTOM && f < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX)
    return "custom";
  return pick(feature_names, GCPULSE__COUNTOF(feature_names), f);
}
static const char *const feature_rate_units[] = {
#define GCPULSE_X_(id, name, unit, text) unit "/s",
    GCPULSE_FEATURE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse__stat_unit(int f, int stat) {
  if (f < 0 || f >= GCPULSE_FEAT_BUILTIN_COUNT || stat == GCPULSE_STAT_CUSUM)
    return "";
  if (stat == GCPULSE_STAT_SLOPE || stat == GCPULSE_STAT_RECENT_SLOPE ||
      stat == GCPULSE_STAT_RATE)
    return feature_rate_units[f];
  return gcpulse_feature_unit(f);
}
const char *gcpulse_feature_unit(int f) {
  if (f >= GCPULSE_FEAT_CUSTOM && f < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX)
    return "";
  return pick(feature_units, GCPULSE__COUNTOF(feature_units), f);
}
const char *gcpulse_feature_text(int f) {
  if (f >= GCPULSE_FEAT_CUSTOM && f < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX)
    return "caller-defined custom metric";
  return pick(feature_texts, GCPULSE__COUNTOF(feature_texts), f);
}
int gcpulse_feature_by_name(const char *name) {
  return find_name(feature_names, GCPULSE__COUNTOF(feature_names), name);
}

int gcpulse__feature_lookup(const char *name) {
  static const struct {
    const char *alias;
    int id;
  } aliases[] = {{"rss", GCPULSE_FEAT_RSS},
                 {"latency", GCPULSE_FEAT_LATENCY},
                 {"memory_limit", GCPULSE_FEAT_MEMORY_LIMIT}};
  int f = gcpulse_feature_by_name(name);
  if (f >= 0) return f;
  for (size_t i = 0; name && i < GCPULSE__COUNTOF(aliases); i++)
    if (strcmp(aliases[i].alias, name) == 0) return aliases[i].id;
  return -1;
}

int gcpulse__custom_name_ok(const char *name) {
  size_t n = strnlen(name, GCPULSE_NAME_MAX);
  return n > 0 && n < GCPULSE_NAME_MAX && gcpulse__feature_lookup(name) < 0 &&
         strncmp(name, "custom:", 7) != 0;
}

static const char *const stat_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_STAT_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_stat_name(int s) {
  return pick(stat_names, GCPULSE__COUNTOF(stat_names), s);
}
int gcpulse_stat_by_name(const char *name) {
  return find_name(stat_names, GCPULSE__COUNTOF(stat_names), name);
}

static const char *const why_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_WHY_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_why_name(int w) {
  return pick(why_names, GCPULSE__COUNTOF(why_names), w);
}

static const char *const mode_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_GOGC_MODE_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_gogc_mode_name(int m) {
  return pick(mode_names, GCPULSE__COUNTOF(mode_names), m);
}

static const char *const gogc_reason_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_GOGC_REASON_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_gogc_reason_name(int r) {
  return pick(gogc_reason_names, GCPULSE__COUNTOF(gogc_reason_names), r);
}

static const char *const constraint_names[] = {
#define GCPULSE_X_(id, name) name,
    GCPULSE_CONSTRAINT_MAP(GCPULSE_X_)
#undef GCPULSE_X_
};
const char *gcpulse_constraint_name(int c) {
  return pick(constraint_names, GCPULSE__COUNTOF(constraint_names), c);
}

void gcpulse_event_init(gcpulse_event_t *ev) {
  if (ev) memset(ev, 0, sizeof *ev);
}

void gcpulse_callbacks_init(gcpulse_callbacks_t *cb) {
  if (cb) memset(cb, 0, sizeof *cb);
}

int gcpulse__error(gcpulse_error_t *err, int code, const char *path,
                   const char *fmt, ...) {
  if (err == NULL || err->code != 0) return code;
  err->code = code;
  snprintf(err->path, sizeof err->path, "%s", path ? path : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->text, sizeof err->text, fmt, ap);
  va_end(ap);
  return code;
}

/*
 * format.c — events, decisions, actions, features and counters as JSON
 * text, written into caller buffers with snprintf semantics.
 *
 * Hand-formatted rather than built with jansson so that the hot output
 * path of the sidecar and of embedders allocates nothing.  Every number
 * written is finite: a non-finite value is omitted with its key.
 */
#include "common.h"
#include "event_fields.h"
#include "numscan.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* An output cursor that counts what it could not write. */
typedef struct out {
  char *dst;
  size_t cap;
  size_t len; /* bytes needed so far */
  int first;  /* no member written yet in the current object */
} out;

static void put(out *o, const char *s, size_t n) {
  if (o->len < o->cap) {
    size_t room = o->cap - o->len;
    memcpy(o->dst + o->len, s, n < room ? n : room);
  }
  o->len += n;
}

static void puts_(out *o, const char *s) { put(o, s, strlen(s)); }

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void putf(out *o, const char *fmt, ...) {
  char tmp[64];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Length of the valid UTF-8 sequence at P (1-4), or 0 if it is not one
 * (bad lead byte, missing continuation, overlong form, surrogate, > U+10FFFF). */
static int utf8_len(const unsigned char *p) {
  unsigned c = p[0];
  if (c < 0x80) return 1;
  int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (n == 0 || c > 0xf4) return 0;
  for (int i = 1; i < n; i++)
    if ((p[i] & 0xc0) != 0x80) return 0;
  if (c == 0xe0 && p[1] < 0xa0) return 0; /* overlong */
  if (c == 0xed && p[1] >= 0xa0) return 0; /* surrogate */
  if (c == 0xf0 && p[1] < 0x90) return 0; /* overlong */
  if (c == 0xf4 && p[1] >= 0x90) return 0; /* > U+10FFFF */
  return n;
}

/* A JSON string with escapes; invalid UTF-8 becomes U+FFFD so the output
 * is always valid JSON, whatever bytes a log line carried. */
static void put_str(out *o, const char *s) {
  put(o, "\"", 1);
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    if (*p == '"' || *p == '\\') {
      char e[2] = {'\\', (char)*p};
      put(o, e, 2);
      p++;
    } else if (*p < 0x20) {
      putf(o, "\\u%04x", *p);
      p++;
    } else {
      int n = utf8_len(p);
      if (n == 0) {
        put(o, "\\ufffd", 6);
        p++;
      } else {
        put(o, (const char *)p, (size_t)n);
        p += n;
      }
    }
  }
  put(o, "\"", 1);
}

static void key(out *o, const char *k) {
  if (!o->first) put(o, ",", 1);
  o->first = 0;
  put_str(o, k);
  put(o, ":", 1);
}

static void kv_num(out *o, const char *k, double v) {
  if (!isfinite(v)) return;
  key(o, k);
  if (v == floor(v) && fabs(v) < 9007199254740992.0) {
    putf(o, "%.0f", v);
    return;
  }
  char num[48];
  size_t m = gcpulse__print_real(num, sizeof num, 10, v);
  put(o, num, m);
}

static void kv_u64(out *o, const char *k, uint64_t v) {
  key(o, k);
  putf(o, "%llu", (unsigned long long)v);
}

static void kv_int(out *o, const char *k, long v) {
  key(o, k);
  putf(o, "%ld", v);
}

static void kv_str(out *o, const char *k, const char *v) {
  key(o, k);
  put_str(o, v ? v : "");
}

static void kv_bool(out *o, const char *k, int v) {
  key(o, k);
  puts_(o, v ? "true" : "false");
}

static void open_obj(out *o) {
  put(o, "{", 1);
  o->first = 1;
}

static void close_obj(out *o) {
  put(o, "}", 1);
  o->first = 0;
}

static long finish(out *o) {
  if (o->cap > 0) o->dst[o->len < o->cap ? o->len : o->cap - 1] = '\0';
  return o->len > (size_t)0x7fffffff ? GCPULSE_ENOSPC : (long)o->len;
}

static int init_out(out *o, char *dst, size_t cap) {
  if (dst == NULL && cap > 0) return 0;
  o->dst = dst;
  o->cap = cap;
  o->len = 0;
  o->first = 1;
  return 1;
}

/* ---------------------------------------------------------------------
 * Events
 * --------------------------------------------------------------------- */

#define HAS GCPULSE__HAS

long gcpulse_event_to_json(const gcpulse_event_t *ev, char *dst, size_t cap) {
  out o;
  if (ev == NULL || !init_out(&o, dst, cap)) return GCPULSE_EINVAL;
  open_obj(&o);
  kv_str(&o, "runtime", ev->runtime == GCPULSE_RT_GO    ? "go"
                        : ev->runtime == GCPULSE_RT_JVM ? "jvm"
                                                        : "unknown");
  kv_str(&o, "collector", gcpulse_collector_name(ev->collector));
  kv_str(&o, "kind", gcpulse_kind_name(ev->kind));
  if (ev->cause[0] && memchr(ev->cause, '\0', sizeof ev->cause))
    kv_str(&o, "cause", ev->cause);
  if (HAS(ev, SEQ)) kv_u64(&o, "seq", ev->seq);
  if (HAS(ev, T)) kv_num(&o, "t", ev->t);
  if (ev->flags & (GCPULSE_EV_FORCED | GCPULSE_EV_FORCED_PERIODIC))
    kv_bool(&o, "forced", 1);
  if (ev->flags & GCPULSE_EV_FORCED_PERIODIC) kv_bool(&o, "forced_periodic", 1);
  if (ev->flags & GCPULSE_EV_RESTART) kv_bool(&o, "restart", 1);
  if (ev->flags & GCPULSE_EV_SUSPECT_TIME) kv_bool(&o, "suspect_time", 1);
  if (ev->flags & GCPULSE_EV_EVAC_FAILURE) kv_bool(&o, "evac_failure", 1);
  if (ev->flags & GCPULSE_EV_OOM) kv_bool(&o, "oom", 1);
  if (ev->flags & GCPULSE_EV_SYNTHETIC) kv_bool(&o, "synthetic", 1);
#define W_MS(F, f) if (HAS(ev, F)) kv_num(&o, #f, ev->f);
#define W_INT(F, f) if (HAS(ev, F)) kv_u64(&o, #f, (uint64_t)ev->f);
#define W_U32 W_INT
#define W_(type, F, f) W_##type(F, f)
  GCPULSE__EVENT_NUMBERS(W_)
#undef W_
#undef W_MS
#undef W_INT
#undef W_U32
  close_obj(&o);
  return finish(&o);
}

/* ---------------------------------------------------------------------
 * Decisions and actions
 * --------------------------------------------------------------------- */

long gcpulse_gogc_to_json(const gcpulse_gogc_decision_t *d, char *dst,
                          size_t cap) {
  out o;
  if (d == NULL || !init_out(&o, dst, cap)) return GCPULSE_EINVAL;
  open_obj(&o);
  kv_str(&o, "type", "gogc");
  kv_num(&o, "t", d->t);
  kv_str(&o, "mode", gcpulse_gogc_mode_name(d->mode));
  kv_num(&o, "gogc", d->value);
  kv_num(&o, "previous", d->previous);
  kv_bool(&o, "changed", d->changed);
  kv_num(&o, "raw", d->raw);
  kv_num(&o, "after_bounds", d->after_bounds);
  kv_num(&o, "after_slew", d->after_slew);
  kv_num(&o, "after_deadband", d->after_deadband);
  kv_num(&o, "after_dwell", d->after_dwell);
  if (d->recommended_limit > 0)
    kv_num(&o, "recommended_limit", d->recommended_limit);
  key(&o, "inputs");
  open_obj(&o);
  struct {
    int feat;
    const char *name;
    double v;
  } in[] = {
      {GCPULSE_FEAT_QPS, "qps", d->qps},
      {GCPULSE_FEAT_HEAP_GROWTH, "growth_bps", d->growth_bps},
      {GCPULSE_FEAT_HEAP_LIVE, "live_bytes", d->live_bytes},
      {GCPULSE_FEAT_HEAP_GOAL, "goal_bytes", d->goal_bytes},
      {GCPULSE_FEAT_GC_CPU_FRACTION, "gc_cpu_fraction", d->gc_cpu_fraction},
      {GCPULSE_FEAT_MEMORY_LIMIT, "budget_bytes", d->budget_bytes},
  };
  for (size_t i = 0; i < GCPULSE__COUNTOF(in); i++)
    if (d->inputs_known & (1u << in[i].feat)) kv_num(&o, in[i].name, in[i].v);
  if (d->stacks_globals_bytes > 0)
    kv_num(&o, "stacks_globals_bytes", d->stacks_globals_bytes);
  if (d->projected_peak_bytes > 0)
    kv_num(&o, "projected_peak_bytes", d->projected_peak_bytes);
  close_obj(&o);
  key(&o, "reasons");
  put(&o, "[", 1);
  int n = 0;
  for (int r = 0; r < GCPULSE_GR_COUNT; r++) {
    if (d->reasons & (1u << r)) {
      if (n++) put(&o, ",", 1);
      put_str(&o, gcpulse_gogc_reason_name(r));
    }
  }
  put(&o, "]", 1);
  kv_int(&o, "pinned", d->pinned);
  close_obj(&o);
  return finish(&o);
}

static const char *cond_op_text(int op) {
  switch (op) {
  case GCPULSE_OP_GT: return ">";
  case GCPULSE_OP_GE: return ">=";
  case GCPULSE_OP_LT: return "<";
  case GCPULSE_OP_LE: return "<=";
  default: return "?";
  }
}

long gcpulse_action_to_json(const gcpulse_action_t *a, char *dst, size_t cap) {
  out o;
  if (a == NULL || !init_out(&o, dst, cap)) return GCPULSE_EINVAL;
  open_obj(&o);
  kv_str(&o, "type", "action");
  kv_num(&o, "t", a->t);
  kv_str(&o, "rule", a->rule);
  kv_str(&o, "action", a->action);
  kv_str(&o, "direction", a->direction > 0   ? "escalate"
                          : a->direction < 0 ? "de-escalate"
                                             : "neutral");
  kv_bool(&o, "applied", a->applied);
  if (a->suppressed) kv_bool(&o, "suppressed", 1);
  kv_num(&o, "raw", a->raw);
  kv_num(&o, "stabilized", a->stabilized);
  kv_num(&o, "limited", a->limited);
  kv_num(&o, "final", a->final);
  if (a->loop) kv_bool(&o, "loop", 1);
  key(&o, "constraints");
  put(&o, "[", 1);
  int n = 0;
  for (int c = 0; c < GCPULSE_CONSTRAINT_COUNT; c++) {
    if (a->constraints & (1u << c)) {
      if (n++) put(&o, ",", 1);
      put_str(&o, gcpulse_constraint_name(c));
    }
  }
  put(&o, "]", 1);
  if (a->until > 0) kv_num(&o, "until", a->until);
  if (a->by) kv_str(&o, "by", a->by);
  key(&o, "conditions");
  put(&o, "[", 1);
  int nc = a->n_conditions < 0                   ? 0
           : a->n_conditions > GCPULSE_CONDS_MAX ? GCPULSE_CONDS_MAX
                                                 : a->n_conditions;
  for (int i = 0; i < nc; i++) {
    const gcpulse_condition_eval_t *c = &a->conditions[i];
    if (i) put(&o, ",", 1);
    open_obj(&o);
    char fname[24];
    const char *fn = gcpulse_feature_name(c->feature);
    if (c->feature >= GCPULSE_FEAT_CUSTOM) {
      snprintf(fname, sizeof fname, "custom_%d", c->feature - GCPULSE_FEAT_CUSTOM);
      fn = fname;
    }
    kv_str(&o, "feature", fn);
    kv_str(&o, "stat", gcpulse_stat_name(c->stat));
    kv_str(&o, "op", cond_op_text(c->op));
    kv_num(&o, "threshold", c->threshold);
    if (c->why == GCPULSE_WHY_KNOWN)
      kv_num(&o, "value", c->value);
    else
      kv_str(&o, "unknown", gcpulse_why_name(c->why));
    kv_str(&o, "unit", c->unit ? c->unit : "");
    kv_bool(&o, "latched", c->latched);
    kv_int(&o, "hits", c->hits);
    kv_int(&o, "seen", c->seen);
    close_obj(&o);
  }
  put(&o, "]", 1);
  close_obj(&o);
  return finish(&o);
}

/* ---------------------------------------------------------------------
 * Features and counters
 * --------------------------------------------------------------------- */

/* One feature's known statistics as an object member; nothing if none. */
static void feature_obj(out *o, const gcpulse_t *g, int f, const char *name) {
  int opened = 0;
  for (int s = 0; s < GCPULSE_STAT_COUNT; s++) {
    if (!gcpulse_feature_supports(f, s)) continue;
    double v;
    if (gcpulse_feature(g, f, s, &v) != 0 || !isfinite(v)) continue;
    if (!opened) {
      key(o, name);
      open_obj(o);
      opened = 1;
    }
    kv_num(o, gcpulse_stat_name(s), v);
  }
  if (opened) close_obj(o);
}

long gcpulse_features_to_json(const gcpulse_t *g, char *dst, size_t cap) {
  out o;
  if (g == NULL || !init_out(&o, dst, cap)) return GCPULSE_EINVAL;
  open_obj(&o);
  for (int f = 0; f < GCPULSE_FEAT_BUILTIN_COUNT; f++)
    feature_obj(&o, g, f, gcpulse_feature_name(f));
  for (int f = GCPULSE_FEAT_CUSTOM; f < GCPULSE_FEAT_CUSTOM + GCPULSE_CUSTOM_MAX;
       f++) {
    const char *name = gcpulse_metric_name(g, f);
    if (strcmp(name, "custom") != 0) feature_obj(&o, g, f, name);
  }
  close_obj(&o);
  return finish(&o);
}

long gcpulse_stats_to_json(const gcpulse_stats_t *s, char *dst, size_t cap) {
  out o;
  if (s == NULL || !init_out(&o, dst, cap)) return GCPULSE_EINVAL;
  open_obj(&o);
  kv_u64(&o, "bytes", s->bytes);
  kv_u64(&o, "bytes_discarded", s->bytes_discarded);
  kv_u64(&o, "lines", s->lines);
  kv_u64(&o, "events", s->events);
  kv_u64(&o, "events_go", s->events_go);
  kv_u64(&o, "events_jvm", s->events_jvm);
  kv_u64(&o, "events_fed", s->events_fed);
  kv_u64(&o, "scavenges", s->scavenges);
  kv_u64(&o, "metrics", s->metrics);
  kv_u64(&o, "skipped", s->skipped);
  kv_u64(&o, "diags", s->diags);
  key(&o, "by_reason");
  open_obj(&o);
  for (int r = 1; r < GCPULSE_REASON_COUNT; r++)
    if (s->by_reason[r]) kv_u64(&o, gcpulse_reason_name(r), s->by_reason[r]);
  close_obj(&o);
  kv_u64(&o, "callback_aborts", s->callback_aborts);
  kv_u64(&o, "window_resets", s->window_resets);
  kv_u64(&o, "gogc_decisions", s->gogc_decisions);
  kv_u64(&o, "gogc_changes", s->gogc_changes);
  kv_u64(&o, "gogc_reversals", s->gogc_reversals);
  kv_num(&o, "gogc_total_variation", s->gogc_total_variation);
  kv_u64(&o, "policy_evaluations", s->policy_evaluations);
  kv_u64(&o, "actions", s->actions);
  kv_u64(&o, "actions_suppressed", s->actions_suppressed);
  kv_str(&o, "format", s->format == GCPULSE_FORMAT_GO    ? "go"
                       : s->format == GCPULSE_FORMAT_JVM ? "jvm"
                                                         : "auto");
  kv_str(&o, "collector", gcpulse_collector_name(s->collector));
  close_obj(&o);
  return finish(&o);
}

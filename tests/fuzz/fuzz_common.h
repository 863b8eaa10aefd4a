/*
 * fuzz_common.h — invariant checks shared by the libFuzzer harnesses.
 *
 * The harnesses do not stop at "no crash": every callback payload is
 * checked (finite numbers, ids in range, bounds and slew limits of the
 * GOGC controller, dry-run and suppression rules of the policy), every
 * JSON writer's output is parsed back with jansson, and after a run the
 * stats counters must add up against what the harness counted itself.
 * A broken invariant calls fz_fail(), which prints what broke and aborts
 * so libFuzzer records the input as a crash.
 *
 * Everything here is static: each harness is one translation unit.
 */
#ifndef GCPULSE_FUZZ_COMMON_H
#define GCPULSE_FUZZ_COMMON_H

#include "gcpulse.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 4, 5)))
#endif
static void fz_fail_at(const char *file, int line, const char *what,
                       const char *fmt, ...);

#include <stdarg.h>
static void fz_fail_at(const char *file, int line, const char *what,
                       const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "\n*** gcpulse invariant broken at %s:%d: %s%s", file,
          line, what, what[0] ? ": " : "");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  abort();
}
#define fz_fail(...) fz_fail_at(__FILE__, __LINE__, "", __VA_ARGS__)
#define FZ_CHECK(cond, ...)                                                   \
  do {                                                                        \
    if (!(cond)) fz_fail_at(__FILE__, __LINE__, #cond, __VA_ARGS__);          \
  } while (0)

/* ---------------------------------------------------------------------
 * Option bytes: the first input bytes choose the configuration.
 * --------------------------------------------------------------------- */

typedef struct fz_in {
  const uint8_t *p;
  size_t n;
} fz_in;

static unsigned fz_byte(fz_in *in) {
  if (in->n == 0) return 0;
  unsigned b = in->p[0];
  in->p++;
  in->n--;
  return b;
}

/* ---------------------------------------------------------------------
 * A counting allocator: nothing may allocate after gcpulse_new.
 * --------------------------------------------------------------------- */

typedef struct fz_alloc {
  long allocs, frees, reallocs;
  long long live;
} fz_alloc;

static void *fz_alloc_fn(void *ud, void *ptr, size_t old_size,
                         size_t new_size) {
  fz_alloc *a = ud;
  if (new_size == 0) {
    if (ptr) {
      a->frees++;
      a->live -= (long long)old_size;
      free(ptr);
    }
    return NULL;
  }
  if (ptr) {
    a->reallocs++;
    a->live -= (long long)old_size;
  } else {
    a->allocs++;
  }
  void *q = realloc(ptr, new_size);
  if (q) a->live += (long long)new_size;
  return q;
}

/* ---------------------------------------------------------------------
 * JSON output must be valid JSON with no NaN/Inf and match its length.
 * --------------------------------------------------------------------- */

/* Whether [P, P+N) is valid UTF-8 (no overlongs, no surrogates). */
static int fz_utf8_ok(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    size_t k;
    unsigned min;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) { k = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { k = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { k = 3; min = 0x10000; }
    else return 0;
    unsigned v = c & (0x3fu >> k);
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || (p[i + j] & 0xc0) != 0x80) return 0;
      v = (v << 6) | (p[i + j] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
    i += k + 1;
  }
  return 1;
}

/* Known finding (reported): the JSON writers copy invalid UTF-8 from a
 * trace's cause text verbatim.  Set FUZZ_STRICT_UTF8=1 to make it fatal;
 * by default the bytes are masked so fuzzing can go deeper. */
static void fz_check_json(const char *what, const char *buf, long n,
                          size_t cap) {
  FZ_CHECK(n >= 0, "%s: writer returned %ld", what, n);
  if ((size_t)n >= cap) return; /* truncated: the caller retries bigger */
  FZ_CHECK(strlen(buf) == (size_t)n, "%s: length %ld vs strlen %zu", what,
           n, strlen(buf));
  static char masked[1 << 16];
  if (!fz_utf8_ok((const unsigned char *)buf, (size_t)n)) {
    const char *strict = getenv("FUZZ_STRICT_UTF8");
    if (strict && *strict == '1')
      fz_fail("%s: output is not valid UTF-8: %.300s", what, buf);
    if ((size_t)n < sizeof masked) {
      for (long i = 0; i <= n; i++)
        masked[i] = (unsigned char)buf[i] >= 0x80 ? '?' : buf[i];
      buf = masked;
    }
  }
  json_error_t e;
  json_t *j = json_loadb(buf, (size_t)n, JSON_DECODE_ANY, &e);
  if (j == NULL) fz_fail("%s: invalid JSON (%s): %.300s", what, e.text, buf);
  json_decref(j);
}

/* Run WRITER into a small then a large buffer: snprintf semantics.  The
 * large-buffer output stays in fz_json_out / fz_json_len. */
#define FZ_JSON_CAP (1 << 16)
static char fz_json_out[FZ_JSON_CAP];
static long fz_json_len;
#define FZ_JSON(what, call_with_buf_cap)                                      \
  do {                                                                        \
    char fz_small_[16];                                                       \
    char *buf = fz_small_;                                                    \
    size_t cap = sizeof fz_small_;                                            \
    long n1 = (call_with_buf_cap);                                            \
    FZ_CHECK(n1 >= 0, "%s small: %ld", what, n1);                             \
    if ((size_t)n1 >= cap) FZ_CHECK(strlen(buf) == cap - 1, "%s trunc", what); \
    buf = fz_json_out;                                                        \
    cap = FZ_JSON_CAP;                                                        \
    long n2 = (call_with_buf_cap);                                            \
    FZ_CHECK(n1 == n2, "%s: length differs with buffer size %ld %ld", what,   \
             n1, n2);                                                         \
    fz_json_len = n2;                                                         \
    fz_check_json(what, buf, n2, cap);                                        \
  } while (0)

/* ---------------------------------------------------------------------
 * Payload checks
 * --------------------------------------------------------------------- */

/* FNV-1a over bytes: events are compared between instances by the hash
 * of their JSON form. */
static uint64_t fz_fnv(uint64_t h, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)p[i]) * 1099511628211u;
  return h;
}

/* Checks an event; returns the hash of its JSON form mixed into H. */
static uint64_t fz_check_event(const gcpulse_event_t *ev, uint64_t h) {
  FZ_CHECK((ev->known >> GCPULSE_FIELD_COUNT) == 0, "known bits %llx",
           (unsigned long long)ev->known);
  FZ_CHECK(ev->runtime >= 0 && ev->runtime <= GCPULSE_RT_JVM, "runtime %d",
           ev->runtime);
  FZ_CHECK(ev->collector >= 0 && ev->collector < GCPULSE_COLLECTOR_COUNT,
           "collector %d", ev->collector);
  FZ_CHECK(ev->kind >= 0 && ev->kind < GCPULSE_KIND_COUNT, "kind %d",
           ev->kind);
  FZ_CHECK(memchr(ev->cause, '\0', sizeof ev->cause) != NULL, "cause");
  FZ_CHECK(isfinite(ev->t), "t %g", ev->t);
  const double ms[] = {ev->pause_ms,     ev->concurrent_ms,
                       ev->gc_cpu_ms,    ev->cpu_assist_ms,
                       ev->cpu_background_ms, ev->cpu_idle_ms,
                       ev->cpu_user_ms,  ev->cpu_sys_ms,
                       ev->real_ms};
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
    FZ_CHECK(isfinite(ms[i]) && ms[i] >= 0, "duration %zu = %g", i, ms[i]);
  /* every integer below 2^53 after every product and rounding; an absurd
   * time (over 10 years) is always flagged */
  const uint64_t ints[] = {ev->heap_before, ev->heap_after, ev->heap_live,
                           ev->heap_goal, ev->heap_capacity, ev->young_before,
                           ev->young_after, ev->old_before, ev->old_after,
                           ev->promoted, ev->metaspace_used,
                           ev->metaspace_committed, ev->stacks, ev->globals,
                           ev->released, ev->retained, ev->seq};
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    FZ_CHECK(ints[i] < GCPULSE_INT_MAX, "integer %zu = %llu", i,
             (unsigned long long)ints[i]);
  FZ_CHECK(!(ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) || ev->t <= 315576000.0 ||
               (ev->flags & GCPULSE_EV_SUSPECT_TIME),
           "absurd t %g not flagged", ev->t);
  FZ_JSON("event_to_json", gcpulse_event_to_json(ev, buf, cap));
  if (fz_json_len > 0 && (size_t)fz_json_len < FZ_JSON_CAP)
    h = fz_fnv(h, fz_json_out, (size_t)fz_json_len);
  return h;
}

/* Whether the K-th decision of a kind gets its JSON form checked: the
 * first 32 and then every power of two.  Decisions repeat in long inputs
 * (a tick per chunk), and writing and re-parsing each one would cost more
 * than the run it checks. */
static int fz_sampled(uint64_t k) { return k <= 32 || (k & (k - 1)) == 0; }

/* What the harness knows about the run, for checking decisions. */
typedef struct fz_state {
  const gcpulse_config_t *cfg;
  gcpulse_t *g;
  uint64_t n_event, n_diag, n_gogc, n_action, n_action_supp;
  double last_gogc;      /* value of the previous decision */
  double last_t;         /* latest sane event time */
  double last_applied_t[3]; /* per direction+1, -1 if none */
  int abort_at;          /* callback number that returns 1, -1 never */
  int calls;             /* callbacks so far */
  int aborted;
  int reenter;           /* try re-entry from callbacks */
  uint64_t ev_hash;      /* FNV of every event's JSON, in order */
} fz_state;

static void fz_state_init(fz_state *s, const gcpulse_config_t *cfg) {
  memset(s, 0, sizeof *s);
  s->cfg = cfg;
  s->last_gogc = cfg->gogc.initial;
  s->last_t = 0;
  for (int i = 0; i < 3; i++) s->last_applied_t[i] = -1;
  s->abort_at = -1;
}

static int fz_cb_result(fz_state *s) {
  if (s->reenter && s->g) {
    FZ_CHECK(gcpulse_feed(s->g, "x\n", 2) == GCPULSE_EBUSY, "re-entry");
    FZ_CHECK(gcpulse_tick(s->g, 1.0) == GCPULSE_EBUSY, "re-entry tick");
    FZ_CHECK(gcpulse_reset(s->g) == GCPULSE_EBUSY, "re-entry reset");
  }
  if (s->abort_at >= 0 && s->calls++ == s->abort_at) {
    s->aborted = 1;
    return 1;
  }
  return 0;
}

static int fz_on_event(void *user, const gcpulse_event_t *ev) {
  fz_state *s = user;
  s->n_event++;
  s->ev_hash = fz_check_event(ev, s->ev_hash);
  if ((ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) && ev->t >= 0 &&
      ev->t < 1e9 && !(ev->flags & GCPULSE_EV_SUSPECT_TIME) &&
      ev->t > s->last_t)
    s->last_t = ev->t;
  return fz_cb_result(s);
}

static int fz_on_diag(void *user, const gcpulse_diag_t *d) {
  fz_state *s = user;
  s->n_diag++;
  FZ_CHECK(d->reason > GCPULSE_REASON_NONE &&
               d->reason < GCPULSE_REASON_COUNT,
           "diag reason %d", d->reason);
  FZ_CHECK(d->runtime >= 0 && d->runtime <= GCPULSE_RT_JVM, "diag rt");
  if (d->line) {
    FZ_CHECK(d->column <= d->len, "diag column %zu > len %zu", d->column,
             d->len);
    /* the line must be readable in full (ASan checks the bytes) */
    volatile unsigned sum = 0;
    for (size_t i = 0; i < d->len; i++) sum += (unsigned char)d->line[i];
    (void)sum;
  }
  if (d->detail) FZ_CHECK(strlen(d->detail) < 4096, "detail");
  return fz_cb_result(s);
}

static void fz_check_gogc(fz_state *s, const gcpulse_gogc_decision_t *d) {
  const gcpulse_gogc_config_t *c = &s->cfg->gogc;
  const double v[] = {d->t, d->value, d->previous, d->raw, d->after_bounds,
                      d->after_slew, d->after_deadband, d->after_dwell,
                      d->recommended_limit, d->qps, d->growth_bps, d->live_bytes,
                      d->goal_bytes, d->stacks_globals_bytes,
                      d->gc_cpu_fraction, d->budget_bytes,
                      d->projected_peak_bytes};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    FZ_CHECK(isfinite(v[i]), "gogc decision field %zu = %g", i, v[i]);
  FZ_CHECK(d->mode == c->mode, "mode %d", d->mode);
  FZ_CHECK(d->value == d->after_dwell, "value %g != after_dwell %g",
           d->value, d->after_dwell);
  FZ_CHECK(d->pinned >= 0, "pinned");
  FZ_CHECK(d->recommended_limit >= 0, "recommended_limit %g", d->recommended_limit);
  FZ_CHECK((d->reasons >> GCPULSE_GR_COUNT) == 0, "reason bits");
  if (c->initial >= 0 || d->value >= 0)
    FZ_CHECK(d->value >= c->min && d->value <= c->max,
             "GOGC %g outside [%g, %g]", d->value, c->min, c->max);
  FZ_CHECK(d->previous == s->last_gogc, "previous %g != last %g",
           d->previous, s->last_gogc);
  FZ_CHECK(d->changed == (d->value != d->previous), "changed flag");
  if (d->previous >= 0 && d->value >= 0 && d->previous >= c->min &&
      d->previous <= c->max) {
    double up = d->previous * (1.0 + c->slew_up);
    if (up < c->min) up = c->min;
    FZ_CHECK(d->value <= up * (1 + 1e-9) + 1e-9,
             "GOGC rose %g -> %g faster than slew_up %g", d->previous,
             d->value, c->slew_up);
    if (!(d->reasons & (1u << GCPULSE_GR_BUDGET_URGENT))) {
      double down = d->previous * (1.0 - c->slew_down);
      if (down > c->max) down = c->max;
      FZ_CHECK(d->value >= down * (1 - 1e-9) - 1e-9,
               "GOGC fell %g -> %g faster than slew_down %g (not urgent)",
               d->previous, d->value, c->slew_down);
    }
  }
  s->last_gogc = d->value;
  if (fz_sampled(s->n_gogc))
    FZ_JSON("gogc_to_json", gcpulse_gogc_to_json(d, buf, cap));
}

static int fz_on_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  fz_state *s = user;
  s->n_gogc++;
  fz_check_gogc(s, d);
  return fz_cb_result(s);
}

static void fz_check_action(fz_state *s, const gcpulse_action_t *a) {
  const gcpulse_config_t *cfg = s->cfg;
  FZ_CHECK(a->rule != NULL && strlen(a->rule) < GCPULSE_NAME_MAX, "rule");
  FZ_CHECK(a->action != NULL && strlen(a->action) < GCPULSE_NAME_MAX,
           "action");
  FZ_CHECK(a->direction >= -1 && a->direction <= 1, "direction %d",
           a->direction);
  FZ_CHECK(a->applied == 0 || a->applied == 1, "applied");
  FZ_CHECK(a->suppressed == 0 || a->suppressed == 1, "suppressed");
  FZ_CHECK(!(a->applied && a->suppressed), "applied and suppressed");
  if (cfg->dry_run) FZ_CHECK(!a->applied, "applied in dry-run");
  if (!cfg->explain_suppressed) FZ_CHECK(!a->suppressed, "suppressed shown");
  const double v[] = {a->t, a->raw, a->stabilized, a->limited, a->final};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    FZ_CHECK(isfinite(v[i]), "action field %zu = %g", i, v[i]);
  if (a->suppressed) FZ_CHECK(a->final == 0, "suppressed final %g", a->final);
  FZ_CHECK((a->constraints >> GCPULSE_CONSTRAINT_COUNT) == 0, "constraints");
  FZ_CHECK(a->n_conditions >= 0 && a->n_conditions <= GCPULSE_CONDS_MAX,
           "n_conditions %d", a->n_conditions);
  for (int i = 0; i < a->n_conditions; i++) {
    const gcpulse_condition_eval_t *e = &a->conditions[i];
    FZ_CHECK(isfinite(e->value) && isfinite(e->threshold), "cond values");
    FZ_CHECK(e->why >= 0 && e->why < GCPULSE_WHY_COUNT, "cond why");
    FZ_CHECK(e->hits >= 0 && e->hits <= e->seen && e->seen <= 64,
             "N-of-M %d/%d", e->hits, e->seen);
  }
  /* no two opposite applied actions closer than settle_s (catastrophe
   * bump rules skip the settle gate by design) */
  int bump = strcmp(a->rule, "oom_bump") == 0;
  for (int i = 0; i < cfg->n_rules && i < GCPULSE_RULES_MAX; i++)
    if (strncmp(cfg->rules[i].id, a->rule, GCPULSE_NAME_MAX) == 0)
      bump = cfg->rules[i].bump_ratio > 0;
  if (a->applied && a->direction != 0 && !bump) {
    double prev = s->last_applied_t[1 - a->direction];
    if (prev >= 0)
      FZ_CHECK(a->t - prev >= cfg->settle_s - 1e-9,
               "opposite actions %g s apart (settle %g)", a->t - prev,
               cfg->settle_s);
    s->last_applied_t[1 + a->direction] = a->t;
  }
  if (fz_sampled(s->n_action + s->n_action_supp))
    FZ_JSON("action_to_json", gcpulse_action_to_json(a, buf, cap));
}

static int fz_on_action(void *user, const gcpulse_action_t *a) {
  fz_state *s = user;
  if (a->suppressed)
    s->n_action_supp++;
  else
    s->n_action++;
  fz_check_action(s, a);
  return fz_cb_result(s);
}

static void fz_callbacks(gcpulse_callbacks_t *cb, fz_state *s) {
  gcpulse_callbacks_init(cb);
  cb->on_event = fz_on_event;
  cb->on_diag = fz_on_diag;
  cb->on_gogc = fz_on_gogc;
  cb->on_action = fz_on_action;
  cb->user = s;
}

/* A new instance whose callbacks check into S (ON_EVENT, if given,
 * wraps fz_on_event with harness-specific checks). */
static gcpulse_t *fz_new(fz_state *s, const gcpulse_config_t *cfg,
                         int (*on_event)(void *, const gcpulse_event_t *)) {
  gcpulse_callbacks_t cb;
  gcpulse_t *g = NULL;
  fz_state_init(s, cfg);
  fz_callbacks(&cb, s);
  if (on_event) cb.on_event = on_event;
  FZ_CHECK(gcpulse_new(cfg, &cb, &g) == 0, "gcpulse_new");
  s->g = g;
  return g;
}

/* Lines the stream holds by the documented rules ("\n", "\r\n", lone "\r"
 * end a line; a trailing partial line counts after gcpulse_finish). */
static uint64_t fz_count_lines(const uint8_t *p, size_t n) {
  uint64_t lines = 0;
  int pending = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n') {
      lines++;
      pending = 0;
    } else if (p[i] == '\r') {
      lines++;
      pending = 0;
      if (i + 1 < n && p[i + 1] == '\n') i++;
    } else {
      pending = 1;
    }
  }
  return lines + (uint64_t)pending;
}

/* Counters must add up, callbacks must match them; with FULL also every
 * feature must be finite and the stats/features JSON valid (a twin
 * instance fed the same text skips that part). */
static void fz_check_instance(fz_state *s, gcpulse_t *g, int full) {
  gcpulse_stats_t st;
  FZ_CHECK(gcpulse_stats(g, &st) == 0, "stats");
  uint64_t sum = 0;
  for (int r = 0; r < GCPULSE_REASON_COUNT; r++) sum += st.by_reason[r];
  FZ_CHECK(st.by_reason[GCPULSE_REASON_NONE] == 0, "reason none counted");
  FZ_CHECK(sum == st.diags, "diags %llu != sum(by_reason) %llu",
           (unsigned long long)st.diags, (unsigned long long)sum);
  FZ_CHECK(st.events == st.events_go + st.events_jvm + st.events_fed,
           "events %llu != go %llu + jvm %llu + fed %llu",
           (unsigned long long)st.events, (unsigned long long)st.events_go,
           (unsigned long long)st.events_jvm,
           (unsigned long long)st.events_fed);
  FZ_CHECK(st.scavenges <= st.events, "scavenges");
  FZ_CHECK(st.skipped <= st.lines, "skipped %llu > lines %llu",
           (unsigned long long)st.skipped, (unsigned long long)st.lines);
  uint64_t unparsed = st.by_reason[GCPULSE_REASON_BLANK] +
                      st.by_reason[GCPULSE_REASON_TOO_LONG] +
                      st.by_reason[GCPULSE_REASON_BINARY] +
                      st.by_reason[GCPULSE_REASON_FOREIGN];
  FZ_CHECK(unparsed <= st.skipped, "blank+too_long+binary+foreign %llu > "
           "skipped %llu", (unsigned long long)unparsed,
           (unsigned long long)st.skipped);
  FZ_CHECK(s->n_event == st.events, "on_event %llu != events %llu",
           (unsigned long long)s->n_event, (unsigned long long)st.events);
  FZ_CHECK(s->n_diag == st.diags, "on_diag %llu != diags %llu",
           (unsigned long long)s->n_diag, (unsigned long long)st.diags);
  FZ_CHECK(s->n_gogc == st.gogc_decisions, "on_gogc %llu != decisions %llu",
           (unsigned long long)s->n_gogc,
           (unsigned long long)st.gogc_decisions);
  FZ_CHECK(st.gogc_changes <= st.gogc_decisions, "gogc changes");
  FZ_CHECK(st.gogc_reversals <= st.gogc_changes, "gogc reversals");
  FZ_CHECK(isfinite(st.gogc_total_variation) &&
               st.gogc_total_variation >= 0,
           "total variation %g", st.gogc_total_variation);
  FZ_CHECK(s->n_action == st.actions, "on_action %llu != actions %llu",
           (unsigned long long)s->n_action, (unsigned long long)st.actions);
  if (s->cfg->explain_suppressed)
    FZ_CHECK(s->n_action_supp == st.actions_suppressed,
             "suppressed shown %llu != counted %llu",
             (unsigned long long)s->n_action_supp,
             (unsigned long long)st.actions_suppressed);
  FZ_CHECK(st.format >= 0 && st.format <= GCPULSE_FORMAT_JVM, "format");
  FZ_CHECK(st.collector >= 0 && st.collector < GCPULSE_COLLECTOR_COUNT,
           "collector");
  double cur = gcpulse_gogc_current(g);
  FZ_CHECK(isfinite(cur), "gogc current");
  if (s->cfg->gogc.initial >= 0 || cur >= 0)
    FZ_CHECK(cur == s->cfg->gogc.initial ||
                 (cur >= s->cfg->gogc.min && cur <= s->cfg->gogc.max),
             "current GOGC %g", cur);
  if (!full) return;
  FZ_JSON("stats_to_json", gcpulse_stats_to_json(&st, buf, cap));

  int nfeat = GCPULSE_FEAT_BUILTIN_COUNT;
  for (int f = 0; f < nfeat + s->cfg->custom_metrics; f++) {
    int id = f < nfeat ? f : GCPULSE_FEAT_CUSTOM + (f - nfeat);
    for (int k = 0; k < GCPULSE_STAT_COUNT; k++) {
      double out = 12345;
      int r = gcpulse_feature(g, id, k, &out);
      FZ_CHECK(r >= 0 && r < GCPULSE_WHY_COUNT, "feature %d/%d -> %d", id, k,
               r);
      FZ_CHECK(isfinite(out), "feature %d/%d not finite", id, k);
      if (r != 0) FZ_CHECK(out == 0, "unknown feature %d/%d = %g", id, k, out);
      if (id < nfeat && !gcpulse_feature_supports(id, k))
        FZ_CHECK(r != 0, "unsupported feature %d/%d known", id, k);
    }
  }
  FZ_JSON("features_to_json", gcpulse_features_to_json(g, buf, cap));
  gcpulse_action_t ex[8];
  int ne = gcpulse_policy_explanations(g, ex, 8);
  FZ_CHECK(ne >= 0 && ne <= 8, "explanations %d", ne);
}

#endif

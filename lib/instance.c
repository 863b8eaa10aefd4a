/*
 * instance.c — the gcpulse_t object: one memory block, configuration,
 * callback dispatch, the re-entrancy guard and the counters.
 *
 * The instance owns the pipeline and nothing else: lines come from
 * lines.c, go to a parser (chosen per stream), events go to on_event and
 * the window, then the controller and the policy run against the window's
 * features.  Every module's state is carved out of the one block that
 * gcpulse_new() allocates, so nothing allocates afterwards.
 */
#include "common.h"
#include "event_fields.h"
#include "gogc.h"
#include "lines.h"
#include "names.h"
#include "policy.h"
#include "sink.h"
#include "trace_go.h"
#include "trace_jvm.h"
#include "window.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct gcpulse {
  gcpulse_callbacks_t cb;
  gcpulse_alloc_fn alloc;
  void *alloc_ud;
  size_t size;                /* bytes of the block */
  int format;                 /* configured gcpulse_format_t */
  int detected;               /* format decided for this stream */
  int busy;                   /* inside a mutating call */
  int lost;                   /* gcpulse_source_lost() and no event since */
  double memory_limit;        /* from the config */
  int custom_cap;             /* custom metric slots */
  int custom_n;               /* slots in use */
  char custom_names[GCPULSE_CUSTOM_MAX][GCPULSE_NAME_MAX];
  gcpulse_stats_t st;
  gcpulse__lines lines;
  uint64_t line_no;
  const char *cur_line;       /* line being parsed, for diagnostics */
  size_t cur_len;
  uint64_t cur_off;
  int cur_rt;
  gcpulse__go go;
  gcpulse__jvm *jvm;
  gcpulse__window *win;
  gcpulse__gogc *gogc;
  gcpulse__policy *pol;
};

/* ---------------------------------------------------------------------
 * Memory
 * --------------------------------------------------------------------- */

void *gcpulse__libc_alloc(void *ud, void *ptr, size_t old_size,
                          size_t new_size) {
  (void)ud;
  (void)old_size;
  if (new_size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, new_size);
}

/* Offsets of each part inside the block. */
typedef struct block_layout {
  size_t line, jvm, win, gogc, pol, total;
} block_layout;

static block_layout plan_block(const gcpulse_config_t *cfg) {
  block_layout L;
  size_t off = GCPULSE__ALIGN(sizeof(struct gcpulse));
  L.line = off;
  off += GCPULSE__ALIGN(cfg->max_line);
  L.jvm = off;
  off += GCPULSE__ALIGN(gcpulse__jvm_size(cfg));
  L.win = off;
  off += GCPULSE__ALIGN(gcpulse__window_size(cfg));
  L.gogc = off;
  off += GCPULSE__ALIGN(gcpulse__gogc_size(cfg));
  L.pol = off;
  off += GCPULSE__ALIGN(gcpulse__policy_size(cfg));
  L.total = off;
  return L;
}

int gcpulse_config_rules(const gcpulse_config_t *cfg, gcpulse_rule_t *out,
                         int max) {
  if (cfg == NULL || max < 0 || (out == NULL && max > 0)) return GCPULSE_EINVAL;
  int n = gcpulse__policy_merge(cfg, out, max);
  return n > GCPULSE_RULES_MAX ? GCPULSE_RULES_MAX : n;
}

size_t gcpulse_footprint(const gcpulse_config_t *cfg) {
  gcpulse_config_t def;
  if (cfg == NULL) {
    gcpulse_config_init(&def);
    cfg = &def;
  }
  if (gcpulse_config_check(cfg, NULL) < 0) return 0;
  return plan_block(cfg).total;
}

/* (Re)initialise every module inside G's block. */
static void init_modules(gcpulse_t *g, const gcpulse_config_t *cfg) {
  char *base = (char *)g;
  block_layout L = plan_block(cfg);
  memset(base + L.line, 0, L.total - L.line);
  gcpulse__lines_init(&g->lines, base + L.line, cfg->max_line);
  gcpulse__go_init(&g->go);
  g->jvm = (gcpulse__jvm *)(void *)(base + L.jvm);
  gcpulse__jvm_init(g->jvm, cfg);
  g->win = (gcpulse__window *)(void *)(base + L.win);
  gcpulse__window_init(g->win, cfg);
  g->gogc = (gcpulse__gogc *)(void *)(base + L.gogc);
  gcpulse__gogc_init(g->gogc, cfg);
  g->pol = (gcpulse__policy *)(void *)(base + L.pol);
  gcpulse__policy_init(g->pol, cfg);
}

int gcpulse_new(const gcpulse_config_t *cfg, const gcpulse_callbacks_t *cb,
                gcpulse_t **out) {
  if (out == NULL) return GCPULSE_EINVAL;
  *out = NULL;
  /* the default config is large (it holds the rule table): build it in
   * temporary memory, never on the stack */
  gcpulse_config_t *def = NULL;
  gcpulse_alloc_fn alloc = cfg && cfg->alloc ? cfg->alloc : gcpulse__libc_alloc;
  void *ud = cfg ? cfg->alloc_ud : NULL;
  if (cfg == NULL) {
    def = alloc(ud, NULL, 0, sizeof *def);
    if (def == NULL) return GCPULSE_ENOMEM;
    gcpulse_config_init(def);
    cfg = def;
  }
  int rc = gcpulse_config_check(cfg, NULL);
  gcpulse_t *g = NULL;
  if (rc == 0) {
    size_t size = plan_block(cfg).total;
    g = alloc(ud, NULL, 0, size);
    if (g == NULL) {
      rc = GCPULSE_ENOMEM;
    } else {
      memset(g, 0, sizeof *g);
      if (cb) g->cb = *cb;
      g->alloc = alloc;
      g->alloc_ud = ud;
      g->size = size;
      g->format = cfg->format;
      g->detected = cfg->format;
      g->memory_limit = cfg->memory_limit;
      g->custom_cap = cfg->custom_metrics;
      for (int i = 0; i < cfg->custom_metrics; i++) {
        memcpy(g->custom_names[i], cfg->custom_names[i], GCPULSE_NAME_MAX);
        g->custom_names[i][GCPULSE_NAME_MAX - 1] = '\0';
        if (g->custom_names[i][0]) g->custom_n = i + 1;
      }
      init_modules(g, cfg);
      g->st.format = g->detected;
    }
  }
  if (def) alloc(ud, def, sizeof *def, 0);
  if (rc == 0) *out = g;
  return rc;
}

void gcpulse_free(gcpulse_t *g) {
  if (g == NULL || g->busy) return; /* from a callback: refused (no free under the caller) */
  g->alloc(g->alloc_ud, g, g->size, 0);
}

int gcpulse_reset(gcpulse_t *g) {
  if (g == NULL) return GCPULSE_EINVAL;
  if (g->busy) return GCPULSE_EBUSY;
  gcpulse__lines_init(&g->lines, g->lines.buf, g->lines.cap);
  gcpulse__go_init(&g->go);
  /* modules keep what their init copied from the config */
  gcpulse__jvm_reset(g->jvm);
  gcpulse__window_reset(g->win);
  gcpulse__gogc_reset(g->gogc);
  gcpulse__policy_reset(g->pol);
  memset(&g->st, 0, sizeof g->st);
  g->detected = g->format;
  g->st.format = g->detected;
  g->line_no = 0;
  g->lost = 0;
  return 0;
}

/* ---------------------------------------------------------------------
 * Dispatch
 * --------------------------------------------------------------------- */

static int call_diag(gcpulse_t *g, int reason, size_t column,
                     const char *detail) {
  if (reason <= GCPULSE_REASON_NONE || reason >= GCPULSE_REASON_COUNT)
    return 0;
  gcpulse__inc(&g->st.by_reason[reason]);
  gcpulse__inc(&g->st.diags);
  if (g->cb.on_diag == NULL) return 0;
  gcpulse_diag_t d;
  d.reason = reason;
  d.runtime = g->cur_rt;
  d.line_no = g->cur_line ? g->line_no : 0;
  d.offset = g->cur_line ? g->cur_off : 0;
  d.column = column;
  d.line = g->cur_line;
  d.len = g->cur_len;
  d.detail = detail;
  if (g->cb.on_diag(g->cb.user, &d) != 0) {
    gcpulse__inc(&g->st.callback_aborts);
    return GCPULSE_ECALLBACK;
  }
  return 0;
}

static int emit_action(void *ctx, const gcpulse_action_t *a) {
  gcpulse_t *g = ctx;
  if (g->cb.on_action && g->cb.on_action(g->cb.user, a) != 0) {
    gcpulse__inc(&g->st.callback_aborts);
    return GCPULSE_ECALLBACK;
  }
  return 0;
}

/* GOGC means something only for Go: a JVM stream (detected, or events of
 * the JVM runtime) gets no controller decision. */
static int runs_go(const gcpulse_t *g) {
  return g->detected != GCPULSE_FORMAT_JVM &&
         gcpulse__window_runtime(g->win) != GCPULSE_RT_JVM;
}

/* Run the controller and the policy at time T.  NEW_CYCLE: a GC cycle
 * ended; TRIGGER: the policy may evaluate before its period
 * (GCPULSE__EVAL_*: a GC cycle or a tick, or an OOM-class event). */
static int run_decisions(gcpulse_t *g, double t, int new_cycle, int trigger) {
  if (g->lost) return 0; /* a lost source decides nothing */
  gcpulse_gogc_decision_t d;
  int rc = 0;
  if (runs_go(g))
    rc = gcpulse__gogc_step(g->gogc, gcpulse__window_feature, g->win, t,
                            new_cycle, &d, &g->st);
  if (rc < 0) return rc;
  if (rc > 0) {
    gcpulse__window_set(g->win, GCPULSE_FEAT_GOGC, t, d.value);
    gcpulse__window_set(g->win, GCPULSE_FEAT_GOGC_PINNED, t, (double)d.pinned);
    if (g->cb.on_gogc && g->cb.on_gogc(g->cb.user, &d) != 0) {
      gcpulse__inc(&g->st.callback_aborts);
      return GCPULSE_ECALLBACK;
    }
  }
  return gcpulse__policy_step(g->pol, gcpulse__window_feature, g->win, t,
                              trigger, emit_action, g, &g->st);
}

/* The window reported R for new data: after a reset the controller starts
 * a new window; after a restart the policy starts the new run's clock. */
static void window_reset(gcpulse_t *g, int r) {
  if (r != GCPULSE_REASON_RESTART && r != GCPULSE_REASON_GAP_RESET) return;
  gcpulse__inc(&g->st.window_resets);
  gcpulse__gogc_window_reset(g->gogc);
  if (r == GCPULSE_REASON_RESTART)
    gcpulse__policy_restart(g->pol, gcpulse__window_now(g->win));
}

/* End of input (stream finished, source lost): evaluate the policy on
 * what came since its last evaluation, so a last OOM is never left
 * unevaluated. */
static int flush_decisions(gcpulse_t *g) {
  double now = gcpulse__window_now(g->win);
  if (g->lost || !isfinite(now)) return 0;
  return gcpulse__policy_step(g->pol, gcpulse__window_feature, g->win, now,
                              GCPULSE__EVAL_FLUSH, emit_action, g, &g->st);
}

static int is_cycle(const gcpulse_event_t *ev) {
  return ev->kind != GCPULSE_KIND_SCAVENGE && ev->kind != GCPULSE_KIND_UNKNOWN;
}

/* An event from any source: count it, show it, window it, decide. */
static int process_event(gcpulse_t *g, const gcpulse_event_t *ev) {
  gcpulse__inc(&g->st.events);
  g->lost = 0; /* the source is back */
  if (ev->kind == GCPULSE_KIND_SCAVENGE) gcpulse__inc(&g->st.scavenges);
  if (g->cb.on_event && g->cb.on_event(g->cb.user, ev) != 0) {
    gcpulse__inc(&g->st.callback_aborts);
    return GCPULSE_ECALLBACK;
  }
  int r = gcpulse__window_event(g->win, ev);
  window_reset(g, r);
  if (r != GCPULSE_REASON_NONE) {
    int rc = call_diag(g, r, 0, NULL);
    if (rc < 0) return rc;
    if (r == GCPULSE_REASON_OUT_OF_ORDER) return 0;
  }
  double now = gcpulse__window_now(g->win);
  if (!isfinite(now)) return 0;
  int trigger = (ev->flags & GCPULSE_EV_OOM)  ? GCPULSE__EVAL_NOW
                : is_cycle(ev)                ? GCPULSE__EVAL_SOON
                                              : GCPULSE__EVAL_DUE;
  return run_decisions(g, now, is_cycle(ev), trigger);
}

static int sink_event(void *ctx, const gcpulse_event_t *ev) {
  gcpulse_t *g = ctx;
  if (ev->runtime == GCPULSE_RT_GO)
    gcpulse__inc(&g->st.events_go);
  else
    gcpulse__inc(&g->st.events_jvm);
  return process_event(g, ev);
}

static int sink_diag(void *ctx, int reason, size_t column,
                     const char *detail) {
  return call_diag(ctx, reason, column, detail);
}

static int line_has_nul(const char *s, size_t n) {
  return memchr(s, '\0', n) != NULL;
}

static int is_blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

/* One complete line from the assembler. */
static int on_line(void *ctx, const char *s, size_t n, uint64_t off,
                   int too_long) {
  gcpulse_t *g = ctx;
  gcpulse__inc(&g->st.lines);
  g->line_no++;
  g->cur_line = s;
  g->cur_len = n;
  g->cur_off = off;
  g->cur_rt = g->detected == GCPULSE_FORMAT_GO    ? GCPULSE_RT_GO
              : g->detected == GCPULSE_FORMAT_JVM ? GCPULSE_RT_JVM
                                                  : GCPULSE_RT_UNKNOWN;
  int rc = 0, skip = GCPULSE_REASON_NONE;
  if (too_long) {
    skip = GCPULSE_REASON_TOO_LONG;
  } else if (is_blank(s, n)) {
    skip = GCPULSE_REASON_BLANK;
  } else if (line_has_nul(s, n)) {
    skip = GCPULSE_REASON_BINARY;
  } else {
    gcpulse__sink k = {sink_event, sink_diag, g};
    if (g->detected != GCPULSE_FORMAT_JVM) {
      g->cur_rt = GCPULSE_RT_GO;
      rc = gcpulse__go_line(&g->go, s, n, &k, &skip);
      if (rc > 0 && g->detected == GCPULSE_FORMAT_AUTO) {
        g->detected = GCPULSE_FORMAT_GO;
        g->st.format = g->detected;
        g->st.collector = GCPULSE_COLLECTOR_GO;
      }
    }
    if (rc == 0 && g->detected != GCPULSE_FORMAT_GO) {
      skip = GCPULSE_REASON_NONE;
      g->cur_rt = GCPULSE_RT_JVM;
      rc = gcpulse__jvm_line(g->jvm, s, n, &k, &skip);
      if (rc > 0 && g->detected == GCPULSE_FORMAT_AUTO) {
        g->detected = GCPULSE_FORMAT_JVM;
        g->st.format = g->detected;
      }
      if (g->detected == GCPULSE_FORMAT_JVM)
        g->st.collector = gcpulse__jvm_collector(g->jvm);
    }
    if (rc == 0 && skip == GCPULSE_REASON_NONE) skip = GCPULSE_REASON_FOREIGN;
  }
  if (rc >= 0 && skip != GCPULSE_REASON_NONE) {
    if (rc == 0 || skip == GCPULSE_REASON_GO_INFO ||
        skip == GCPULSE_REASON_JVM_INFO || skip == GCPULSE_REASON_JVM_UNKNOWN)
      gcpulse__inc(&g->st.skipped);
    int r2 = call_diag(g, skip, 0, NULL);
    if (r2 < 0) rc = r2;
  }
  g->cur_line = NULL;
  g->cur_len = 0;
  return rc < 0 ? rc : 0;
}

/* Enter a mutating call. */
#define ENTER(g)                                                              \
  do {                                                                        \
    if ((g) == NULL) return GCPULSE_EINVAL;                                   \
    if ((g)->busy) return GCPULSE_EBUSY;                                      \
    (g)->busy = 1;                                                            \
  } while (0)
#define LEAVE(g, rc)                                                          \
  do {                                                                        \
    (g)->busy = 0;                                                            \
    return (rc);                                                              \
  } while (0)

int gcpulse_feed(gcpulse_t *g, const char *buf, size_t len) {
  ENTER(g);
  if (buf == NULL && len > 0) LEAVE(g, GCPULSE_EINVAL);
  size_t used = 0;
  g->st.bytes += len;
  int rc = gcpulse__lines_feed(&g->lines, buf, len, on_line, g, &used);
  if (rc < 0) g->st.bytes_discarded += len - used;
  LEAVE(g, rc);
}

int gcpulse_feed_line(gcpulse_t *g, const char *line, size_t len) {
  ENTER(g);
  if (line == NULL && len > 0) LEAVE(g, GCPULSE_EINVAL);
  int rc = gcpulse__lines_finish(&g->lines, on_line, g);
  if (rc < 0) LEAVE(g, rc);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
  g->st.bytes += len;
  uint64_t off = g->lines.offset;
  g->lines.offset += len + 1;
  rc = on_line(g, line, len, off, len > g->lines.cap);
  LEAVE(g, rc);
}

int gcpulse_finish(gcpulse_t *g) {
  ENTER(g);
  int rc = gcpulse__lines_finish(&g->lines, on_line, g);
  if (rc >= 0 && g->detected != GCPULSE_FORMAT_GO) {
    gcpulse__sink k = {sink_event, sink_diag, g};
    g->cur_rt = GCPULSE_RT_JVM;
    rc = gcpulse__jvm_finish(g->jvm, &k);
  }
  if (rc >= 0) rc = flush_decisions(g);
  LEAVE(g, rc < 0 ? rc : 0);
}

/* Whether a structured event's values are usable. */
static int event_valid(const gcpulse_event_t *ev) {
  if (!(ev->known & GCPULSE_BIT(GCPULSE_FIELD_T)) || !isfinite(ev->t) ||
      ev->t < 0)
    return 0;
  if (ev->kind < 0 || ev->kind >= GCPULSE_KIND_COUNT) return 0;
  if (ev->collector < 0 || ev->collector >= GCPULSE_COLLECTOR_COUNT) return 0;
  if (ev->runtime < GCPULSE_RT_UNKNOWN || ev->runtime > GCPULSE_RT_JVM)
    return 0;
  /* durations: finite and >= 0 even when unknown; known integers below
   * GCPULSE_INT_MAX */
#define V_MS(F, f) if (!isfinite(ev->f) || ev->f < 0) return 0;
#define V_INT(F, f) if (GCPULSE__HAS(ev, F) && ev->f >= GCPULSE_INT_MAX) return 0;
#define V_U32(F, f)
#define V_(type, F, f) V_##type(F, f)
  GCPULSE__EVENT_NUMBERS(V_)
  V_INT(SEQ, seq)
#undef V_
#undef V_MS
#undef V_INT
#undef V_U32
  if (memchr(ev->cause, '\0', sizeof ev->cause) == NULL) return 0;
  return 1;
}

int gcpulse_feed_event(gcpulse_t *g, const gcpulse_event_t *ev) {
  ENTER(g);
  if (ev == NULL) LEAVE(g, GCPULSE_EINVAL);
  g->cur_rt = ev->runtime;
  if (!event_valid(ev)) {
    int rc = call_diag(g, GCPULSE_REASON_BAD_EVENT, 0, "structured event");
    LEAVE(g, rc < 0 ? rc : GCPULSE_EINVAL);
  }
  gcpulse__inc(&g->st.events_fed);
  int rc = process_event(g, ev);
  LEAVE(g, rc);
}

static int metric_valid_id(const gcpulse_t *g, int metric) {
  switch (metric) {
  case GCPULSE_METRIC_QPS:
  case GCPULSE_METRIC_RSS:
  case GCPULSE_METRIC_LATENCY:
  case GCPULSE_METRIC_MEMORY_LIMIT:
    return 1;
  default:
    return metric >= GCPULSE_FEAT_CUSTOM &&
           metric < GCPULSE_FEAT_CUSTOM + g->custom_cap;
  }
}

int gcpulse_feed_metric(gcpulse_t *g, int metric, double t, double value) {
  ENTER(g);
  if (!metric_valid_id(g, metric)) LEAVE(g, GCPULSE_EINVAL);
  g->cur_rt = 0;
  if (!isfinite(t) || t < 0 || !isfinite(value) || value < 0 ||
      value > 1e18) {
    int rc = call_diag(g, GCPULSE_REASON_BAD_METRIC, 0, "caller metric");
    LEAVE(g, rc < 0 ? rc : GCPULSE_EINVAL);
  }
  int r = gcpulse__window_metric(g->win, metric, t, value);
  window_reset(g, r);
  if (r != GCPULSE_REASON_NONE) {
    int rc = call_diag(g, r, 0, "caller metric");
    if (rc < 0) LEAVE(g, rc);
    if (r == GCPULSE_REASON_OUT_OF_ORDER) LEAVE(g, 0);
  }
  gcpulse__inc(&g->st.metrics);
  double now = gcpulse__window_now(g->win);
  int rc = isfinite(now) ? run_decisions(g, now, 0, GCPULSE__EVAL_DUE) : 0;
  LEAVE(g, rc);
}

int gcpulse_metric_id(gcpulse_t *g, const char *name) {
  if (g == NULL || name == NULL) return GCPULSE_EINVAL;
  if (g->busy) return GCPULSE_EBUSY;
  int f = gcpulse__feature_lookup(name);
  if (f >= 0) return metric_valid_id(g, f) ? f : GCPULSE_EINVAL;
  if (!gcpulse__custom_name_ok(name)) return GCPULSE_EINVAL;
  for (int i = 0; i < g->custom_n; i++)
    if (strcmp(g->custom_names[i], name) == 0) return GCPULSE_FEAT_CUSTOM + i;
  for (int i = 0; i < g->custom_cap; i++) {
    if (g->custom_names[i][0] == '\0') {
      strcpy(g->custom_names[i], name);
      if (i + 1 > g->custom_n) g->custom_n = i + 1;
      return GCPULSE_FEAT_CUSTOM + i;
    }
  }
  return GCPULSE_ENOSPC;
}

const char *gcpulse_metric_name(const gcpulse_t *g, int metric) {
  if (g && metric >= GCPULSE_FEAT_CUSTOM &&
      metric < GCPULSE_FEAT_CUSTOM + g->custom_n &&
      g->custom_names[metric - GCPULSE_FEAT_CUSTOM][0])
    return g->custom_names[metric - GCPULSE_FEAT_CUSTOM];
  return gcpulse_feature_name(metric);
}

int gcpulse_tick(gcpulse_t *g, double t) {
  ENTER(g);
  if (!isfinite(t) || t < 0) LEAVE(g, GCPULSE_EINVAL);
  gcpulse__window_advance(g->win, t);
  double now = gcpulse__window_now(g->win);
  int rc = isfinite(now) ? run_decisions(g, now, 0, GCPULSE__EVAL_SOON) : 0;
  LEAVE(g, rc);
}

int gcpulse_source_lost(gcpulse_t *g, double t) {
  ENTER(g);
  if (!isfinite(t) || t < 0) LEAVE(g, GCPULSE_EINVAL);
  int rc = flush_decisions(g); /* on the data as it was last seen */
  gcpulse__window_advance(g->win, t);
  g->lost = 1;
  LEAVE(g, rc);
}

/* ---------------------------------------------------------------------
 * Queries
 * --------------------------------------------------------------------- */

int gcpulse_is_source_lost(const gcpulse_t *g) { return g && g->lost; }

int gcpulse_stats(const gcpulse_t *g, gcpulse_stats_t *out) {
  if (g == NULL || out == NULL) return GCPULSE_EINVAL;
  *out = g->st;
  return 0;
}

int gcpulse_feature(const gcpulse_t *g, int feature, int stat, double *out) {
  if (g == NULL || out == NULL) return GCPULSE_EINVAL;
  *out = 0.0;
  if (stat < 0 || stat >= GCPULSE_STAT_COUNT) return GCPULSE_EINVAL;
  if (feature >= GCPULSE_FEAT_CUSTOM) {
    if (feature >= GCPULSE_FEAT_CUSTOM + g->custom_cap) return GCPULSE_EINVAL;
  } else if (feature < 0 || feature >= GCPULSE_FEAT_BUILTIN_COUNT) {
    return GCPULSE_EINVAL;
  }
  if (!gcpulse__window_supports(feature, stat))
    return GCPULSE_WHY_UNSUPPORTED;
  if (g->lost) return GCPULSE_WHY_SOURCE_LOST;
  int r = gcpulse__window_feature(g->win, feature, stat, out);
  if (r != 0 || !isfinite(*out)) {
    *out = 0.0;
    if (r == 0) r = GCPULSE_WHY_NOT_FINITE;
  }
  return r;
}

int gcpulse_feature_supports(int feature, int stat) {
  return gcpulse__window_supports(feature, stat);
}

double gcpulse_time(const gcpulse_t *g) {
  return g ? gcpulse__window_now(g->win) : NAN;
}

double gcpulse_gogc_current(const gcpulse_t *g) {
  return g ? gcpulse__gogc_current(g->gogc) : 0.0;
}

int gcpulse_policy_kill(gcpulse_t *g, int direction, const char *action,
                        int disabled) {
  if (g == NULL) return GCPULSE_EINVAL;
  if (g->busy) return GCPULSE_EBUSY;
  return gcpulse__policy_kill(g->pol, direction, action, disabled);
}

int gcpulse_policy_dry_run(gcpulse_t *g, int on) {
  if (g == NULL || (on != 0 && on != 1)) return GCPULSE_EINVAL;
  if (g->busy) return GCPULSE_EBUSY;
  gcpulse__policy_dry_run(g->pol, on);
  return 0;
}

int gcpulse_policy_explanations(const gcpulse_t *g, gcpulse_action_t *out,
                                int n) {
  if (g == NULL || (out == NULL && n > 0) || n < 0) return GCPULSE_EINVAL;
  return gcpulse__policy_explanations(g->pol, out, n);
}

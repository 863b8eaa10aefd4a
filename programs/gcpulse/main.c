/*
 * gcpulse — the sidecar command, built on the public API only.
 *
 *   gcpulse events [--format F] [FILE...|-]
 *   gcpulse replay [--config F] [--memory-limit SIZE] [--metric NAME=CSV]... TRACE...
 *   gcpulse follow [--config F] [--listen HOST:PORT] [--prom-textfile PATH]
 *                  [--label K=V]... [--pid PID] FILE|-
 *   gcpulse run    [--config F] [--decisions FILE] [--quiet-gc] ... -- CMD ARGS...
 *   gcpulse plot   [--config F] TRACE -o OUT.png
 *   gcpulse probe  --pid PID
 *
 * Decisions are JSON Lines (stdout; run: --decisions, default stderr).  All
 * the I/O of the project lives here and in the Go package: the library
 * itself never touches a file.  docs/sidecar.md is the manual.
 */
#include "sidecar.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *usage_main =
    "usage: gcpulse COMMAND [OPTIONS] [FILE...]\n"
    "\n"
    "commands:\n"
    "  events   print every GC event of a Go gctrace or JVM GC log as JSON Lines\n"
    "  replay   run the whole pipeline (window, GOGC controller, policy) on a\n"
    "           recorded trace and print every decision as JSON Lines\n"
    "  follow   follow a growing log or a pipe and print decisions as they happen;\n"
    "           serve Prometheus metrics (--listen, --prom-textfile)\n"
    "  run      start a Go or Java program with its GC trace on, pass its output\n"
    "           through, and report decisions and metrics about it\n"
    "  plot     draw a replay (heap, limit, pauses, GOGC, actions) with gnuplot\n"
    "  probe    print what --pid would sample: RSS and the cgroup memory limit\n"
    "\n"
    "'gcpulse COMMAND --help' describes each command.  Version " GCPULSE_VERSION_STRING ".\n";

static const char *usage_events =
    "usage: gcpulse events [--format auto|go|jvm] [FILE...|-]\n"
    "\n"
    "Parse GC trace text (Go GODEBUG=gctrace=1 / scavtrace=1, JVM -Xlog:gc* or\n"
    "JDK 8 -XX:+PrintGCDetails) and print one JSON object per GC event on stdout.\n"
    "Fields: runtime, collector, kind, cause, seq, t (s), forced, restart,\n"
    "pause_ms, concurrent_ms, gc_cpu_ms, cpu_*_ms, heap_* / young_* / old_*,\n"
    "promoted, metaspace_*, stacks, globals, procs (bytes unless _ms); unknown\n"
    "fields are omitted.  A summary 'lines N events N skipped N' goes to stderr.\n"
    "Without FILE, or with '-', reads standard input.\n";

static const char *usage_replay =
    "usage: gcpulse replay [--config FILE.json] [--format auto|go|jvm]\n"
    "                      [--memory-limit SIZE] [--metric NAME=FILE.csv]...\n"
    "                      [--events] [--all-gogc] [--suppressed] [--summary json|text]\n"
    "                      [--prom-textfile PATH] [--label KEY=VALUE]... [FILE...|-]\n"
    "\n"
    "Run the whole pipeline on a recorded trace: every GOGC decision that changes\n"
    "GOGC is printed as {\"type\":\"gogc\",...} (--all-gogc: every decision, one\n"
    "per GC and tick, \"changed\":false when it holds) and every policy action as\n"
    "{\"type\":\"action\",...}; then one {\"type\":\"summary\",...} line with the\n"
    "counters and the final window features.  --events also prints the events;\n"
    "--suppressed also prints the matches a constraint held back\n"
    "(\"suppressed\":true, with the constraint names) and counts them by\n"
    "constraint in the summary; --summary text prints a human-readable summary\n"
    "on stderr instead of the JSON line.\n"
    "--metric NAME=FILE feeds a caller metric recorded beside the trace (CSV rows\n"
    "'t_seconds,value' on the trace's clock; NAME is qps, rss, latency_ms,\n"
    "memory_limit_bytes or a custom name); each sample is fed as soon as the\n"
    "trace's clock reaches it.  --prom-textfile writes the final metrics.\n";

static const char *usage_follow =
    "usage: gcpulse follow [--config FILE.json] [--format auto|go|jvm]\n"
    "                      [--memory-limit SIZE] [--pid PID] [--from end|start]\n"
    "                      [--listen HOST:PORT] [--prom-textfile PATH]\n"
    "                      [--label KEY=VALUE]... [--lost-after SECONDS]\n"
    "                      [--metric NAME=FILE]... [--idle-exit SECONDS]\n"
    "                      [--all-gogc] FILE|-\n"
    "\n"
    "Follow a growing log file like 'tail -F' (waiting for a missing file,\n"
    "surviving truncation and rotation) or a pipe ('-', ends at end of input),\n"
    "and print decisions as JSON Lines as soon as their line arrives (GOGC\n"
    "decisions when they change GOGC; --all-gogc prints every one).  Lines\n"
    "already in FILE warm the window without reporting decisions (--from start\n"
    "reports them too).  --pid samples that process's RSS and cgroup memory\n"
    "limit every second, and marks the source lost when it exits; without\n"
    "--pid the source is lost after no GC event for --lost-after seconds\n"
    "(default: 5 GC intervals, at least 10 s; 150 s before any interval is\n"
    "known).  --listen serves /metrics and /healthz; --prom-textfile writes the\n"
    "same metrics every second (write + rename) for node_exporter.  --metric\n"
    "NAME=FILE tails FILE for caller metrics (qps, rss, latency_ms, ...): each\n"
    "new row 'value' (or 't,value', t ignored) is fed when it is read.\n"
    "--idle-exit S ends it (exit 0) after S seconds without a GC event; a pipe\n"
    "is then reported lost with reason 'idle exit'.  SIGINT and SIGTERM end it\n"
    "cleanly (exit 0).\n";

static const char *usage_run =
    "usage: gcpulse run [--config FILE.json] [--decisions FILE] [--quiet-gc] [--all-gogc]\n"
    "                   [--memory-limit SIZE] [--listen HOST:PORT]\n"
    "                   [--prom-textfile PATH] [--label KEY=VALUE]...\n"
    "                   -- CMD [ARGS...]\n"
    "\n"
    "Start CMD with its GC trace switched on (GODEBUG=gctrace=1 appended to any\n"
    "existing GODEBUG for Go; JAVA_TOOL_OPTIONS=-Xlog:gc*:stderr for Java).  Its\n"
    "stdout and stderr pass through unchanged (--quiet-gc drops the GC lines\n"
    "from stderr); decisions go to --decisions FILE (default standard error;\n"
    "GOGC decisions when they change GOGC, every one with --all-gogc).\n"
    "The child's RSS and cgroup memory limit are sampled every second; signals\n"
    "are forwarded; the child is killed if gcpulse dies; the exit status is the\n"
    "child's.\n";

static const char *usage_plot =
    "usage: gcpulse plot [--config FILE.json] [--format auto|go|jvm]\n"
    "                    [--memory-limit SIZE] [--metric NAME=FILE.csv]...\n"
    "                    TRACE -o OUT.png\n"
    "\n"
    "Replay TRACE and draw, on one time axis: heap before/after GC and the heap\n"
    "goal with the memory limit, pause times, GOGC (Go) and the policy's\n"
    "actions.  Needs gnuplot.\n";

static const char *usage_probe =
    "usage: gcpulse probe --pid PID\n"
    "\n"
    "Print, as one JSON line, what --pid would sample for PID: rss_bytes and\n"
    "memory_limit_bytes with the cgroup file it came from.\n";

/* The options, which commands take them, and whether they take a value. */
enum { C_EVENTS = 1, C_REPLAY = 2, C_FOLLOW = 4, C_RUN = 8, C_PLOT = 16, C_PROBE = 32 };
static const struct option_def {
  const char *name;
  int value;
  int commands;
} option_defs[] = {
    {"config", 1, C_REPLAY | C_FOLLOW | C_RUN | C_PLOT},
    {"format", 1, C_EVENTS | C_REPLAY | C_FOLLOW | C_RUN | C_PLOT},
    {"events", 0, C_REPLAY},
    {"suppressed", 0, C_REPLAY},
    {"all-gogc", 0, C_REPLAY | C_FOLLOW | C_RUN},
    {"summary", 1, C_REPLAY},
    {"prom-textfile", 1, C_REPLAY | C_FOLLOW | C_RUN},
    {"label", 1, C_REPLAY | C_FOLLOW | C_RUN},
    {"listen", 1, C_FOLLOW | C_RUN},
    {"memory-limit", 1, C_REPLAY | C_FOLLOW | C_RUN | C_PLOT},
    {"metric", 1, C_REPLAY | C_FOLLOW | C_PLOT},
    {"pid", 1, C_FOLLOW | C_PROBE},
    {"from", 1, C_FOLLOW},
    {"idle-exit", 1, C_FOLLOW},
    {"lost-after", 1, C_FOLLOW},
    {"decisions", 1, C_RUN},
    {"quiet-gc", 0, C_RUN},
    {"output", 1, C_PLOT},
};

static int parse_format(const char *s) {
  if (strcmp(s, "auto") == 0) return GCPULSE_FORMAT_AUTO;
  if (strcmp(s, "go") == 0) return GCPULSE_FORMAT_GO;
  if (strcmp(s, "jvm") == 0) return GCPULSE_FORMAT_JVM;
  sc_die("unknown format '%s' (expected auto, go or jvm)", s);
}

static double parse_seconds(const char *opt, const char *v) {
  char *end;
  double d = strtod(v, &end);
  if (end == v || *end || !(d >= 0) || !isfinite(d))
    sc_die("bad %s '%s' (expected seconds >= 0)", opt, v);
  return d;
}

/* KEY=VALUE with a Prometheus label name that gcpulse does not use itself. */
static void check_label(const char *kv) {
  static const char *ours[] = {"kind", "action", "rule", "reason", "le",
                               "stat", "runtime", "collector", "version"};
  const char *eq = strchr(kv, '=');
  int ok = eq && eq > kv && (isalpha((unsigned char)kv[0]) || kv[0] == '_') &&
           strncmp(kv, "__", 2) != 0;
  for (const char *p = kv; ok && p < eq; p++)
    ok = isalnum((unsigned char)*p) || *p == '_';
  if (!ok)
    sc_die("bad --label '%s' (expected KEY=VALUE, KEY matching "
           "[a-zA-Z_][a-zA-Z0-9_]* and not starting with __)", kv);
  for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
    if ((size_t)(eq - kv) == strlen(ours[i]) && strncmp(kv, ours[i], strlen(ours[i])) == 0)
      sc_die("--label '%s': label '%s' is used by gcpulse's own series", kv, ours[i]);
}

static void set_option(sc_opts *o, const char *name, const char *v) {
  if (strcmp(name, "events") == 0) o->events = 1;
  else if (strcmp(name, "suppressed") == 0) o->suppressed = 1;
  else if (strcmp(name, "all-gogc") == 0) o->all_gogc = 1;
  else if (strcmp(name, "quiet-gc") == 0) o->quiet_gc = 1;
  else if (strcmp(name, "config") == 0) o->config = v;
  else if (strcmp(name, "format") == 0) o->format = parse_format(v);
  else if (strcmp(name, "prom-textfile") == 0) o->prom = v;
  else if (strcmp(name, "listen") == 0) o->listen = v;
  else if (strcmp(name, "decisions") == 0) o->decisions = v;
  else if (strcmp(name, "output") == 0) o->output = v;
  else if (strcmp(name, "idle-exit") == 0) o->idle_exit = parse_seconds("--idle-exit", v);
  else if (strcmp(name, "lost-after") == 0) o->lost_after = parse_seconds("--lost-after", v);
  else if (strcmp(name, "summary") == 0) {
    if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
      sc_die("--summary takes json or text, not '%s'", v);
    o->summary = v;
  } else if (strcmp(name, "from") == 0) {
    if (strcmp(v, "start") != 0 && strcmp(v, "end") != 0)
      sc_die("--from takes start or end, not '%s'", v);
    o->from_start = strcmp(v, "start") == 0;
  } else if (strcmp(name, "memory-limit") == 0) {
    o->memory_limit = sc_parse_size(v);
    if (!(o->memory_limit > 0))
      sc_die("bad --memory-limit '%s' (expected bytes or a size such as 512MiB, 2GiB)", v);
  } else if (strcmp(name, "pid") == 0) {
    char *end;
    o->pid = strtol(v, &end, 10);
    if (end == v || *end || o->pid <= 0) sc_die("bad --pid '%s'", v);
  } else if (strcmp(name, "label") == 0) {
    check_label(v);
    if (o->nlabels == SC_LABELS_MAX) sc_die("too many --label (max %d)", SC_LABELS_MAX);
    o->labels[o->nlabels++] = v;
  } else if (strcmp(name, "metric") == 0) {
    if (strchr(v, '=') == NULL || v[0] == '=')
      sc_die("bad --metric '%s' (expected NAME=FILE.csv)", v);
    if (o->nmetrics == SC_METRICS_MAX) sc_die("too many --metric (max %d)", SC_METRICS_MAX);
    o->metrics[o->nmetrics++] = v;
  }
}

static void parse_opts(int argc, char **argv, sc_opts *o, const char *usage,
                       int command) {
  memset(o, 0, sizeof *o);
  o->format = -1;
  o->idle_exit = -1;
  o->lost_after = -1;
  int i = 2;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      exit(0);
    }
    if (a[0] != '-' || strcmp(a, "-") == 0) {
      if (command == C_PLOT && i + 1 < argc && strcmp(argv[i + 1], "-o") == 0) {
        /* plot TRACE -o OUT: the operand may precede -o */
        o->files = argv + i;
        o->nfiles = 1;
        o->output = i + 2 < argc ? argv[i + 2] : NULL;
        if (o->output == NULL) sc_die("option '-o' needs a value");
        if (i + 3 < argc) sc_die("unexpected '%s' after -o", argv[i + 3]);
        return;
      }
      break;
    }
    const char *name = strcmp(a, "-o") == 0 ? "output" : a + 2;
    const struct option_def *d = NULL;
    for (size_t k = 0; k < sizeof option_defs / sizeof option_defs[0]; k++)
      if (strncmp(a, "--", 2) == 0 || strcmp(a, "-o") == 0)
        if (strcmp(option_defs[k].name, name) == 0 &&
            (option_defs[k].commands & command))
          d = &option_defs[k];
    if (d == NULL) sc_die("unknown option '%s' (see --help)", a);
    if (d->value && i + 1 >= argc) sc_die("option '%s' needs a value", a);
    set_option(o, name, d->value ? argv[++i] : NULL);
  }
  o->nfiles = argc - i;
  o->files = argv + i;
}

/* Load --config into CFG (defaults first), then the flags that override it. */
static void load_config(const sc_opts *o, gcpulse_config_t *cfg) {
  gcpulse_config_init(cfg);
  if (o->config) {
    size_t len;
    char *text = sc_read_file(o->config, &len);
    if (text == NULL) sc_die("cannot read config %s: %s", o->config, strerror(errno));
    gcpulse_error_t err;
    memset(&err, 0, sizeof err);
    int rc = gcpulse_config_load_json(cfg, text, len, &err);
    free(text);
    if (rc < 0) {
      char where[64] = ""; /* line 0: the error is about a value, not the syntax */
      if (err.line > 0)
        snprintf(where, sizeof where, " (line %d, column %d)", err.line, err.column);
      sc_die("%s: %s%s%s%s", o->config, err.path[0] ? err.path : "", err.path[0] ? ": " : "",
             err.text[0] ? err.text : gcpulse_strerror(rc), where);
    }
  }
  if (o->format >= 0) cfg->format = o->format;
  if (o->memory_limit > 0) cfg->memory_limit = o->memory_limit;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_main, stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
      strcmp(cmd, "help") == 0) {
    fputs(usage_main, stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("gcpulse %s\n", gcpulse_version_string());
    return 0;
  }
  const struct {
    const char *name;
    int id;
    const char *usage;
  } commands[] = {{"events", C_EVENTS, usage_events}, {"replay", C_REPLAY, usage_replay},
                  {"follow", C_FOLLOW, usage_follow}, {"run", C_RUN, usage_run},
                  {"plot", C_PLOT, usage_plot},       {"probe", C_PROBE, usage_probe}};
  int c = -1;
  for (int k = 0; k < (int)(sizeof commands / sizeof commands[0]); k++)
    if (strcmp(cmd, commands[k].name) == 0) c = k;
  if (c < 0) {
    fprintf(stderr, "gcpulse: unknown command '%s'\n\n%s", cmd, usage_main);
    return 2;
  }
  sc_opts o;
  parse_opts(argc, argv, &o, commands[c].usage, commands[c].id);
  /* static: large (it holds the rule table), and still reachable when a
   * start-up error exits through sc_die */
  static gcpulse_config_t config;
  gcpulse_config_t *cfg = &config;
  load_config(&o, cfg);
  int rc = 2;
  switch (commands[c].id) {
  case C_EVENTS:
    cfg->gogc.mode = GCPULSE_GOGC_OFF;
    cfg->policy_enabled = 0;
    rc = sc_events(cfg, &o);
    break;
  case C_REPLAY:
    if (o.suppressed) cfg->explain_suppressed = 1;
    rc = sc_replay(cfg, &o);
    break;
  case C_FOLLOW:
    if (o.nfiles != 1) sc_die("follow takes exactly one FILE (or -)");
    rc = sc_follow(cfg, &o);
    break;
  case C_RUN:
    if (o.nfiles < 1) sc_die("run needs a command after '--'");
    rc = sc_run(cfg, &o);
    break;
  case C_PLOT:
    if (o.nfiles != 1 || o.output == NULL) sc_die("plot needs one TRACE and -o OUT.png");
    rc = sc_plot(cfg, &o);
    break;
  case C_PROBE:
    if (o.pid <= 0) sc_die("probe needs --pid PID");
    rc = sc_probe(&o);
    break;
  }
  return rc;
}

/*
 * gcpulse — the sidecar command, built on the public API only.
 *
 *   gcpulse events [--format auto|go|jvm] [FILE...|-]
 *   gcpulse replay [--config FILE.json] [--format F] [--summary text|json] [FILE...|-]
 *   gcpulse follow [--config FILE.json] [--format F] [--prom-textfile PATH]
 *                  [--idle-exit SECONDS] FILE|-
 *   gcpulse run    [--config FILE.json] [--prom-textfile PATH] [--out FILE] -- CMD ARGS...
 *
 * All output is JSON Lines on stdout (run: --out), one object per event or
 * decision; a summary goes to stderr.  All the I/O of the project lives
 * here and in the Go package: the library itself never touches a file.
 */
#include "sidecar.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *usage_main =
    "usage: gcpulse COMMAND [OPTIONS] [FILE...]\n"
    "\n"
    "commands:\n"
    "  events   print every GC event of a Go gctrace or JVM GC log as JSON Lines\n"
    "  replay   run the whole pipeline (window, GOGC controller, policy) on a\n"
    "           recorded trace and print every decision as JSON Lines\n"
    "  follow   follow a growing log (like tail -F) and print decisions live\n"
    "  run      start a Go or Java program with its GC trace on, pass its output\n"
    "           through, and print decisions\n"
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
    "                      [--events] [--suppressed] [--summary json|text]\n"
    "                      [FILE...|-]\n"
    "\n"
    "Run the whole pipeline on a recorded trace: every GOGC decision is printed\n"
    "as {\"type\":\"gogc\",...} and every policy action as {\"type\":\"action\",...};\n"
    "then one {\"type\":\"summary\",...} line with the counters and the final\n"
    "window features.  --events also prints the events; --suppressed also prints\n"
    "the matches a constraint held back (\"suppressed\":true, with the\n"
    "constraint names) and counts them by constraint in the summary; --summary\n"
    "text prints a human-readable summary on stderr instead of the JSON line.\n";

static const char *usage_follow =
    "usage: gcpulse follow [--config FILE.json] [--format auto|go|jvm]\n"
    "                      [--prom-textfile PATH] [--idle-exit SECONDS] FILE|-\n"
    "\n"
    "Follow a growing log file like 'tail -F' (surviving truncation and\n"
    "rotation) and print decisions as they happen.  With --prom-textfile the\n"
    "current features, counters and decisions are written atomically (write +\n"
    "rename) to PATH in Prometheus text format, for node_exporter's textfile\n"
    "collector.  --idle-exit stops after SECONDS without new input.\n";

static const char *usage_run =
    "usage: gcpulse run [--config FILE.json] [--prom-textfile PATH] [--out FILE]\n"
    "                   -- CMD [ARGS...]\n"
    "\n"
    "Start CMD with its GC trace switched on (GODEBUG=gctrace=1 appended to any\n"
    "existing GODEBUG for Go; JAVA_TOOL_OPTIONS=-Xlog:gc*:stderr for Java), pass\n"
    "its output through unchanged, and print decisions (to --out FILE, default\n"
    "standard output).  Exits with the child's status.\n";

void sc_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "gcpulse: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(2);
}

/* Parse "--format X". */
static int parse_format(const char *s) {
  if (strcmp(s, "auto") == 0) return GCPULSE_FORMAT_AUTO;
  if (strcmp(s, "go") == 0) return GCPULSE_FORMAT_GO;
  if (strcmp(s, "jvm") == 0) return GCPULSE_FORMAT_JVM;
  sc_die("unknown format '%s' (expected auto, go or jvm)", s);
}

/* Options shared by the commands. */
typedef struct opts {
  const char *config;
  const char *prom;
  const char *out;
  const char *summary;
  int format;
  int events;
  int suppressed;
  double idle_exit;
  int nfiles;
  char **files;
  char **cmd; /* run: argv after "--" */
} opts;

static void parse_opts(int argc, char **argv, opts *o, const char *usage,
                       const char *allowed) {
  memset(o, 0, sizeof *o);
  o->format = -1;
  o->idle_exit = -1;
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
    if (a[0] != '-' || strcmp(a, "-") == 0) break;
    const char *name = a + 2;
    if (strncmp(a, "--", 2) != 0 || strstr(allowed, name) == NULL)
      sc_die("unknown option '%s' (see --help)", a);
    if (strcmp(name, "events") == 0) {
      o->events = 1;
      continue;
    }
    if (strcmp(name, "suppressed") == 0) {
      o->suppressed = 1;
      continue;
    }
    if (i + 1 >= argc) sc_die("option '%s' needs a value", a);
    const char *v = argv[++i];
    if (strcmp(name, "config") == 0)
      o->config = v;
    else if (strcmp(name, "format") == 0)
      o->format = parse_format(v);
    else if (strcmp(name, "prom-textfile") == 0)
      o->prom = v;
    else if (strcmp(name, "out") == 0)
      o->out = v;
    else if (strcmp(name, "summary") == 0) {
      if (strcmp(v, "json") != 0 && strcmp(v, "text") != 0)
        sc_die("--summary takes json or text, not '%s'", v);
      o->summary = v;
    } else if (strcmp(name, "idle-exit") == 0) {
      char *end;
      o->idle_exit = strtod(v, &end);
      if (*end || !(o->idle_exit >= 0)) sc_die("bad --idle-exit '%s'", v);
    } else
      sc_die("unknown option '%s' (see --help)", a);
  }
  o->nfiles = argc - i;
  o->files = argv + i;
  o->cmd = argv + i;
}

/* Load --config into CFG (defaults first). */
static void load_config(const opts *o, gcpulse_config_t *cfg) {
  gcpulse_config_init(cfg);
  if (o->config) {
    size_t len;
    char *text = sc_read_file(o->config, &len);
    if (text == NULL) sc_die("cannot read config '%s'", o->config);
    gcpulse_error_t err;
    memset(&err, 0, sizeof err);
    int rc = gcpulse_config_load_json(cfg, text, len, &err);
    free(text);
    if (rc < 0) {
      fprintf(stderr, "gcpulse: %s: %s%s%s (line %d, column %d)\n", o->config,
              err.path[0] ? err.path : "", err.path[0] ? ": " : "",
              err.text[0] ? err.text : gcpulse_strerror(rc), err.line,
              err.column);
      exit(2);
    }
  }
  if (o->format >= 0) cfg->format = o->format;
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
  opts o;
  gcpulse_config_t *cfg = calloc(1, sizeof *cfg);
  if (cfg == NULL) sc_die("out of memory");
  int rc;
  if (strcmp(cmd, "events") == 0) {
    parse_opts(argc, argv, &o, usage_events, "format");
    load_config(&o, cfg);
    cfg->gogc.mode = GCPULSE_GOGC_OFF;
    cfg->policy_enabled = 0;
    rc = sc_events(cfg, o.nfiles, o.files);
  } else if (strcmp(cmd, "replay") == 0) {
    parse_opts(argc, argv, &o, usage_replay,
               "config format events suppressed summary");
    load_config(&o, cfg);
    if (o.suppressed) cfg->explain_suppressed = 1;
    rc = sc_replay(cfg, o.nfiles, o.files, o.events,
                   o.summary && strcmp(o.summary, "text") == 0);
  } else if (strcmp(cmd, "follow") == 0) {
    parse_opts(argc, argv, &o, usage_follow,
               "config format prom-textfile idle-exit");
    load_config(&o, cfg);
    if (o.nfiles != 1) sc_die("follow takes exactly one FILE (or -)");
    rc = sc_follow(cfg, o.files[0], o.prom, o.idle_exit);
  } else if (strcmp(cmd, "run") == 0) {
    parse_opts(argc, argv, &o, usage_run, "config prom-textfile out");
    load_config(&o, cfg);
    if (o.nfiles < 1) sc_die("run needs a command after '--'");
    rc = sc_run(cfg, o.cmd, o.prom, o.out);
  } else {
    fprintf(stderr, "gcpulse: unknown command '%s'\n\n%s", cmd, usage_main);
    rc = 2;
  }
  free(cfg);
  return rc;
}

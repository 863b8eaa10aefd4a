/*
 * run.c — `gcpulse run -- CMD ARGS...`: a wrapper around a Go or Java
 * program.
 *
 * The child gets GODEBUG=gctrace=1 (appended to any GODEBUG it already
 * has) and JAVA_TOOL_OPTIONS=-Xlog:gc*:stderr (prepended to existing
 * options).  Its stdout is inherited untouched; its stderr comes through a
 * pipe, is copied to our stderr byte for byte (with --quiet-gc, line by
 * line without the GC lines) and is fed to the pipeline.  Decisions go to
 * --decisions FILE, default our stderr: never the child's stdout.  The
 * child is killed when we die (PR_SET_PDEATHSIG); SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGUSR1 and SIGUSR2 are forwarded; its RSS and cgroup limit are
 * sampled every second; when it exits the source is lost, the last
 * metrics are written and its exit status (128+N for signal N) is ours.
 */
#include "sidecar.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid = 0;
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

static void forward(int sig) {
  if (child_pid > 0) kill((pid_t)child_pid, sig);
}

/* setenv NAME to its old value plus ADD (appended or prepended). */
static void add_env(const char *name, const char *add, int append) {
  const char *old = getenv(name);
  if (old == NULL || old[0] == '\0') {
    setenv(name, add, 1);
    return;
  }
  if (strstr(old, add)) return;
  size_t n = strlen(old) + strlen(add) + 2;
  char *v = malloc(n);
  if (v == NULL) sc_die("out of memory");
  if (append)
    snprintf(v, n, "%s%s%s", old, strcmp(name, "GODEBUG") == 0 ? "," : " ", add);
  else
    snprintf(v, n, "%s %s", add, old);
  setenv(name, v, 1);
  free(v);
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= (size_t)w;
  }
}

/* The child's stderr, line by line for --quiet-gc. */
typedef struct errstream {
  int quiet;
  size_t len;
  char line[1 << 16];
} errstream;

/* Lines whose bytes --quiet-gc passes on: program output, and lines the
 * parser could not read as GC data.  The Go runtime writes a gctrace line
 * in several write() calls, so a line of the program's own can land in the
 * middle of one; the glued line is malformed and passes, so no byte of the
 * program's output is ever dropped. */
static unsigned long long passing(const gcpulse_stats_t *st) {
  static const int reasons[] = {GCPULSE_REASON_FOREIGN,   GCPULSE_REASON_BLANK,
                                GCPULSE_REASON_TOO_LONG,  GCPULSE_REASON_BINARY,
                                GCPULSE_REASON_MALFORMED, GCPULSE_REASON_TRUNCATED,
                                GCPULSE_REASON_OVERFLOW};
  unsigned long long n = 0;
  for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
    n += st->by_reason[reasons[i]];
  return n;
}

/* Feed one line; pass it on unless it was read as GC trace. */
static int pass_line(sc_live *lv, errstream *e, const char *p, size_t n) {
  gcpulse_stats_t a, b;
  gcpulse_stats(lv->app->g, &a);
  int rc = sc_live_feed(lv, p, n);
  gcpulse_stats(lv->app->g, &b);
  int program = passing(&b) != passing(&a) || b.lines == a.lines; /* unfinished: pass */
  if (!e->quiet || program) write_all(2, p, n);
  return rc;
}

static int on_stderr(sc_live *lv, errstream *e, const char *p, size_t n) {
  if (!e->quiet) {
    write_all(2, p, n);
    return sc_live_feed(lv, p, n);
  }
  int rc = 0;
  while (n > 0 && rc >= 0) {
    const char *nl = memchr(p, '\n', n);
    size_t take = nl ? (size_t)(nl - p) + 1 : n;
    if (e->len + take > sizeof e->line) { /* too long to judge: pass it on */
      write_all(2, e->line, e->len);
      write_all(2, p, take);
      rc = sc_live_feed(lv, e->line, e->len);
      if (rc >= 0) rc = sc_live_feed(lv, p, take);
      e->len = 0;
    } else {
      memcpy(e->line + e->len, p, take);
      e->len += take;
      if (nl) {
        rc = pass_line(lv, e, e->line, e->len);
        e->len = 0;
      }
    }
    p += take;
    n -= take;
  }
  return rc;
}

static pid_t start_child(const sc_opts *o, int errfd[2]) {
  add_env("GODEBUG", "gctrace=1", 1);
  add_env("JAVA_TOOL_OPTIONS", "-Xlog:gc*:stderr", 0);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) sc_die("fork: %s", strerror(errno));
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127); /* the wrapper died already */
    dup2(errfd[1], 2);
    close(errfd[0]);
    close(errfd[1]);
    execvp(o->files[0], o->files);
    fprintf(stderr, "gcpulse: cannot run %s: %s\n", o->files[0], strerror(errno));
    _exit(127);
  }
  close(errfd[1]);
  return pid;
}

int sc_run(const gcpulse_config_t *cfg, const sc_opts *o) {
  FILE *out = stderr;
  if (o->decisions && strcmp(o->decisions, "-") != 0) {
    out = fopen(o->decisions, "w");
    if (out == NULL) sc_die("cannot write --decisions %s: %s", o->decisions, strerror(errno));
  }
  if (o->prom) sc_prom_check(o->prom);
  sc_app app;
  int rc = sc_app_open(&app, cfg, o, out, 0, 1);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  sc_live lv;
  sc_live_init(&lv, &app, o, 0); /* --listen is bound before the child starts */
  int errfd[2];
  if (pipe(errfd) != 0) sc_die("pipe: %s", strerror(errno));
  fcntl(errfd[0], F_SETFD, FD_CLOEXEC);
  fcntl(errfd[0], F_SETFL, O_NONBLOCK);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
    sigaction(forwarded[i], &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  pid_t pid = start_child(o, errfd);
  child_pid = pid;
  lv.pid = pid;
  errstream *es = calloc(1, sizeof *es);
  if (es == NULL) sc_die("out of memory");
  es->quiet = o->quiet_gc;
  int fd = errfd[0], wst = 0, broken = 0;
  char chunk[1 << 16];
  for (;;) {
    int ready = sc_live_wait(&lv, fd, fd >= 0 ? 100 : 50);
    if (fd >= 0 && ready > 0) {
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n > 0 && !broken && on_stderr(&lv, es, chunk, (size_t)n) < 0) broken = 1;
      if (n > 0 && broken) write_all(2, chunk, (size_t)n);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) { /* closed */
        if (es->len) pass_line(&lv, es, es->line, es->len); /* unfinished */
        es->len = 0;
        close(fd);
        fd = -1;
      }
    }
    pid_t w = waitpid(pid, &wst, WNOHANG);
    if (w == pid) break;
    if (!broken && sc_live_idle(&lv) < 0) broken = 1;
  }
  child_pid = 0;
  if (fd >= 0) { /* the child is gone; take what its stderr still holds */
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) on_stderr(&lv, es, chunk, (size_t)n);
    close(fd);
  }
  free(es);
  app.closing = 1;
  gcpulse_finish(app.g);
  sc_app_summary(&app, 0, NULL); /* the window as the child left it */
  sc_app_lose(&app, "process exited");
  if (app.prom && (rc = sc_prom_write(&app)) < 0)
    fprintf(stderr, "gcpulse: cannot write %s: %s\n", app.prom, strerror(-rc));
  fflush(out);
  sc_live_close(&lv);
  sc_app_close(&app);
  if (out != stderr) fclose(out);
  if (WIFEXITED(wst)) return WEXITSTATUS(wst);
  if (WIFSIGNALED(wst)) return 128 + WTERMSIG(wst);
  return 1;
}

/*
 * run.c — `gcpulse run -- CMD ARGS...`: supervise a child process.
 *
 * The child gets GODEBUG=gctrace=1 (appended to any GODEBUG it already
 * has) and JAVA_TOOL_OPTIONS=-Xlog:gc*:stderr (prepended to existing
 * options), so one command works for Go and Java programs.  Its stdout is
 * inherited; its stderr comes through a pipe, is copied to our stderr
 * byte for byte, and is fed to the pipeline.  SIGINT/SIGTERM/SIGHUP are
 * forwarded; the exit status is the child's.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid = 0;

static void forward(int sig) {
  if (child_pid > 0) kill((pid_t)child_pid, sig);
}

/* setenv NAME to PREFIX+SEP+old (or SUFFIX appended) without losing the
 * value the user already had. */
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

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int sc_run(const gcpulse_config_t *cfg, char **cmd, const char *prom,
           const char *out) {
  FILE *o = stdout;
  if (out && strcmp(out, "-") != 0) {
    o = fopen(out, "w");
    if (o == NULL) {
      fprintf(stderr, "gcpulse: %s: %s\n", out, strerror(errno));
      return 2;
    }
  }
  sc_app app;
  int rc = sc_app_open(&app, cfg, o, 0, 1);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  app.prom = prom;
  int fds[2];
  if (pipe(fds) != 0) sc_die("pipe: %s", strerror(errno));
  add_env("GODEBUG", "gctrace=1", 1);
  add_env("JAVA_TOOL_OPTIONS", "-Xlog:gc*:stderr", 0);
  pid_t pid = fork();
  if (pid < 0) sc_die("fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    execvp(cmd[0], cmd);
    fprintf(stderr, "gcpulse: cannot run %s: %s\n", cmd[0], strerror(errno));
    _exit(127);
  }
  child_pid = pid;
  close(fds[1]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = forward;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  char chunk[1 << 16];
  double last_input = now_s(), last_prom = 0;
  int broken = 0;
  for (;;) {
    struct pollfd p = {fds[0], POLLIN, 0};
    int pr = poll(&p, 1, 1000);
    if (pr < 0 && errno == EINTR) continue;
    double t = now_s();
    if (pr > 0) {
      ssize_t n = read(fds[0], chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break; /* child closed stderr */
      size_t done = 0;
      while (done < (size_t)n) { /* pass through unchanged */
        ssize_t w = write(2, chunk + done, (size_t)n - done);
        if (w <= 0) break;
        done += (size_t)w;
      }
      if (!broken && gcpulse_feed(app.g, chunk, (size_t)n) < 0) broken = 1;
      last_input = t;
    } else if (!broken) {
      double tt = gcpulse_time(app.g);
      if (isfinite(tt) && gcpulse_tick(app.g, tt + (t - last_input)) < 0)
        broken = 1;
      last_input = t;
    }
    if (prom && t - last_prom >= 1.0) {
      sc_prom_write(&app);
      last_prom = t;
    }
    fflush(o);
  }
  close(fds[0]);
  int wst = 0;
  while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {
  }
  child_pid = 0;
  gcpulse_finish(app.g);
  sc_app_summary(&app, 0, NULL);
  if (prom) sc_prom_write(&app);
  fflush(o);
  sc_app_close(&app);
  if (o != stdout) fclose(o);
  if (WIFEXITED(wst)) return WEXITSTATUS(wst);
  if (WIFSIGNALED(wst)) return 128 + WTERMSIG(wst);
  return 1;
}

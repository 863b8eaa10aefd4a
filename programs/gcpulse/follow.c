/*
 * follow.c — `gcpulse follow FILE|-`.
 *
 * A pipe ('-') is read as bytes arrive (poll + read, no stdio buffering),
 * so a decision is printed as soon as the line that caused it; end of
 * input ends the command (exit 0).  A FILE is polled every 50 ms like
 * `tail -F`: a missing file is waited for, a file that shrinks was
 * truncated and is read again from the start, a path that names another
 * inode was rotated (the old file is drained, the new one read from its
 * start).  The lines already in FILE at start (at most its last 16 MiB)
 * are history: they warm the window with the policy switched off and
 * decisions unreported, unless --from start.  SIGINT/SIGTERM: the source is
 * lost (gcpulse_up 0) in the final textfile, exit 0.
 */
#include "sidecar.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct source {
  const char *path;
  int fd;
  ino_t ino;
  dev_t dev;
  off_t pos;
  int said; /* errno already reported while waiting for the file */
} source;

/* Read what FD has now into the pipeline; returns bytes, 0 at EOF, -1 on
 * error (errno), -2 on a pipeline error, -3 when interrupted. */
static long read_some(sc_live *lv, int fd, off_t *pos) {
  char chunk[1 << 16];
  ssize_t n = read(fd, chunk, sizeof chunk);
  if (n < 0) return errno == EINTR || errno == EAGAIN ? -3 : -1;
  if (n > 0) {
    if (pos) *pos += n;
    if (sc_live_feed(lv, chunk, (size_t)n) < 0) return -2;
  }
  return (long)n;
}

/* Open S->path if it exists now; 1 when open. */
static int try_open(source *s) {
  int fd = open(s->path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    if (errno != s->said)
      fprintf(stderr, "gcpulse: %s: %s; waiting for it\n", s->path, strerror(errno));
    s->said = errno;
    if (fd >= 0) close(fd);
    return 0;
  }
  if (s->said) fprintf(stderr, "gcpulse: %s: appeared; following it\n", s->path);
  s->said = 0;
  s->fd = fd;
  s->ino = st.st_ino;
  s->dev = st.st_dev;
  s->pos = 0;
  return 1;
}

/* History is read from at most this many bytes before the end: far more
 * than a window's worth of any GC log, and start-up stays bounded. */
#define SC_HISTORY_MAX ((off_t)16 << 20)

/* Start S at the first line that begins in its last SC_HISTORY_MAX bytes. */
static void skip_old_history(source *s) {
  struct stat st;
  if (fstat(s->fd, &st) != 0 || st.st_size <= SC_HISTORY_MAX) return;
  off_t from = st.st_size - SC_HISTORY_MAX;
  char buf[1 << 16];
  ssize_t n = pread(s->fd, buf, sizeof buf, from);
  const char *nl = n > 0 ? memchr(buf, '\n', (size_t)n) : NULL;
  if (nl) from += nl - buf + 1;
  lseek(s->fd, from, SEEK_SET);
  s->pos = from;
  fprintf(stderr, "gcpulse: %s: history from the last %lld bytes only\n", s->path,
          (long long)(st.st_size - from));
}

/* History: feed what the file holds now with decisions unreported. */
static int warm(sc_live *lv, source *s) {
  sc_app *app = lv->app;
  app->warming = 1;
  /* the policy runs dry: its cooldowns move as if the actions in the
   * history had been applied (a previous run applied them), so they do
   * not fire again at the first evaluation after it */
  gcpulse_policy_dry_run(app->g, 1);
  skip_old_history(s);
  long r = 0;
  while (!sc_stop && (r = read_some(lv, s->fd, &s->pos)) > 0) {
  }
  gcpulse_policy_dry_run(app->g, app->dry_run);
  app->warming = 0;
  struct stat st;
  if (app->last_event_unix > 0 && fstat(s->fd, &st) == 0) /* when it was written */
    app->last_event_unix = (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9;
  return r == -1 || r == -2 ? -1 : 0;
}

/* Truncation and rotation; returns -1 on a pipeline error. */
static int check_path(sc_live *lv, source *s) {
  struct stat cur;
  if (stat(s->path, &cur) != 0) return 0; /* gone for now: keep the old fd */
  if (cur.st_ino != s->ino || cur.st_dev != s->dev) {
    while (read_some(lv, s->fd, &s->pos) > 0) { /* drain the old file */
    }
    close(s->fd);
    s->fd = -1;
    if (!try_open(s)) return 0;
    fprintf(stderr, "gcpulse: %s: rotated; reading the new file\n", s->path);
  } else if (cur.st_size < s->pos) {
    fprintf(stderr, "gcpulse: %s: truncated; reading from the start\n", s->path);
    lseek(s->fd, 0, SEEK_SET);
    s->pos = 0;
  }
  return 0;
}

/* 0 at end of input or on a signal, 2 on --idle-exit, 1 on an error. */
static int follow_loop(sc_live *lv, source *s, int is_pipe) {
  const sc_opts *o = lv->o;
  double started = sc_mono();
  for (;;) {
    if (sc_stop) return 0;
    if (s->fd < 0 && !is_pipe) {
      if (try_open(s)) {
        lv->app->up = 1;
        lv->last_input = sc_mono();
      }
    }
    int ready = s->fd >= 0 ? sc_live_wait(lv, is_pipe ? s->fd : -1, is_pipe ? 100 : 50)
                           : sc_live_wait(lv, -1, 200);
    if (s->fd >= 0 && (is_pipe ? ready > 0 : 1)) {
      long r;
      while ((r = read_some(lv, s->fd, &s->pos)) > 0 && !is_pipe) {
      }
      if (r == -2) return 1;
      if (r == -1) {
        fprintf(stderr, "gcpulse: %s: %s\n", s->path, strerror(errno));
        return 1;
      }
      if (r == 0 && is_pipe) return 0; /* end of input */
      if (!is_pipe && check_path(lv, s) < 0) return 1;
    }
    if (sc_live_idle(lv) < 0) return 1;
    double now = sc_mono();
    if (o->idle_exit >= 0 && now - lv->last_input >= o->idle_exit &&
        now - started >= o->idle_exit)
      return 2;
  }
}

int sc_follow(const gcpulse_config_t *cfg, const sc_opts *o) {
  if (o->pid > 0) sc_proc_require(o->pid);
  if (o->prom) sc_prom_check(o->prom);
  sc_app app;
  int rc = sc_app_open(&app, cfg, o, stdout, 0, 1);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  source s = {o->files[0], -1, 0, 0, 0, 0};
  int is_pipe = strcmp(s.path, "-") == 0;
  sc_live lv;
  sc_live_init(&lv, &app, o, o->pid);
  sc_catch_stop_signals();
  if (is_pipe) {
    s.fd = 0;
    s.path = "standard input";
  } else if (try_open(&s)) {
    if (!o->from_start && warm(&lv, &s) < 0) sc_die("%s: %s", s.path, strerror(errno));
  } else {
    app.up = 0; /* nothing to follow yet */
  }
  int status = follow_loop(&lv, &s, is_pipe), idled = status == 2;
  if (idled) status = 0;
  if (!is_pipe && s.fd >= 0) close(s.fd);
  app.closing = 1;
  gcpulse_finish(app.g);
  /* whatever ends the follow, nobody watches the source any more: the
   * final textfile says so (a textfile has no staleness of its own) */
  if (sc_stop) {
    sc_app_lose(&app, "sidecar stopped");
  } else if (is_pipe) {
    char why[64];
    snprintf(why, sizeof why, "idle exit: no GC event for %g s", o->idle_exit);
    sc_app_lose(&app, idled ? why : "end of input");
  }
  if (app.prom && (rc = sc_prom_write(&app)) < 0) {
    fprintf(stderr, "gcpulse: cannot write %s: %s\n", app.prom, strerror(-rc));
    status = 1;
  }
  fflush(stdout);
  sc_live_close(&lv);
  sc_app_close(&app);
  return status;
}

/*
 * follow.c — `gcpulse follow`: read a growing file like `tail -F`.
 *
 * The file is polled (no inotify, to stay portable and simple): new bytes
 * are fed as they appear; a file that shrinks was truncated and is read
 * again from the start; a path that now names another inode was rotated,
 * so the old file is drained and the new one opened from its start.
 * Between polls the pipeline's clock advances through gcpulse_tick using
 * the time of the last event plus the wall time since, so decisions are
 * still taken when the process goes quiet.
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Feed what F has now; returns bytes read or -1 on a pipeline error. */
static long drain(sc_app *app, FILE *f) {
  char chunk[1 << 16];
  long total = 0;
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    if (gcpulse_feed(app->g, chunk, n) < 0) return -1;
    total += (long)n;
  }
  clearerr(f);
  return total;
}

int sc_follow(const gcpulse_config_t *cfg, const char *file, const char *prom,
              double idle_exit) {
  sc_app app;
  int rc = sc_app_open(&app, cfg, stdout, 0, 1);
  if (rc < 0) sc_die("cannot create instance: %s", gcpulse_strerror(rc));
  app.prom = prom;
  int is_stdin = strcmp(file, "-") == 0;
  FILE *f = is_stdin ? stdin : fopen(file, "rb");
  if (f == NULL) {
    fprintf(stderr, "gcpulse: %s: %s\n", file, strerror(errno));
    sc_app_close(&app);
    return 1;
  }
  struct stat sb;
  ino_t ino = 0;
  if (!is_stdin && fstat(fileno(f), &sb) == 0) ino = sb.st_ino;
  double last_input = now_s(), last_prom = 0, last_tick = now_s();
  int status = 0;
  for (;;) {
    long got = drain(&app, f);
    if (got < 0) {
      status = 1;
      break;
    }
    double t = now_s();
    if (got > 0) {
      last_input = t;
      last_tick = t;
    }
    if (is_stdin && feof(stdin)) break;
    if (!is_stdin) {
      struct stat cur;
      long pos = ftell(f);
      if (stat(file, &cur) == 0) {
        if (cur.st_ino != ino) { /* rotated: drain the old file, reopen */
          drain(&app, f);
          FILE *nf = fopen(file, "rb");
          if (nf) {
            fclose(f);
            f = nf;
            ino = cur.st_ino;
            continue;
          }
        } else if (pos >= 0 && cur.st_size < pos) { /* truncated */
          fseek(f, 0, SEEK_SET);
          continue;
        }
      }
    }
    /* quiet: move the pipeline's clock on by the wall time that passed */
    if (t - last_tick >= 1.0) {
      double tt = gcpulse_time(app.g);
      if (isfinite(tt) && gcpulse_tick(app.g, tt + (t - last_tick)) < 0) {
        status = 1;
        break;
      }
      last_tick = t;
    }
    if (prom && t - last_prom >= 1.0) {
      if (sc_prom_write(&app) < 0)
        fprintf(stderr, "gcpulse: cannot write %s\n", prom);
      last_prom = t;
    }
    if (idle_exit >= 0 && t - last_input >= idle_exit) break;
    fflush(stdout);
    struct timespec nap = {0, 200 * 1000 * 1000};
    nanosleep(&nap, NULL);
  }
  if (f != stdin) fclose(f);
  gcpulse_finish(app.g);
  if (prom) sc_prom_write(&app);
  fflush(stdout);
  sc_app_close(&app);
  return status;
}

/*
 * procmem.c — what the sidecar samples about a process (--pid, run's
 * child): resident set size from /proc/PID/statm, the memory limit of its
 * cgroup (v2 memory.max, v1 memory.limit_in_bytes; the smallest limit on
 * the path from its cgroup up to the root), and whether it still runs
 * (a zombie does not).  GCPULSE_PROC_ROOT and GCPULSE_CGROUP_ROOT replace
 * /proc and /sys/fs/cgroup (tests, or a host mount in a container).
 */
#include "sidecar.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *root_of(const char *env, const char *def) {
  const char *r = getenv(env);
  return r && r[0] ? r : def;
}

static int read_small(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return (int)n;
}

double sc_proc_rss(long pid) {
  char path[512], buf[256];
  snprintf(path, sizeof path, "%s/%ld/statm", root_of("GCPULSE_PROC_ROOT", "/proc"), pid);
  if (read_small(path, buf, sizeof buf) <= 0) return 0;
  unsigned long long size, resident;
  if (sscanf(buf, "%llu %llu", &size, &resident) != 2) return 0;
  long page = sysconf(_SC_PAGESIZE);
  return (double)resident * (double)(page > 0 ? page : 4096);
}

int sc_proc_alive(long pid) {
  char path[512], buf[512];
  snprintf(path, sizeof path, "%s/%ld/stat", root_of("GCPULSE_PROC_ROOT", "/proc"), pid);
  if (read_small(path, buf, sizeof buf) <= 0) return 0;
  const char *rp = strrchr(buf, ')'); /* "pid (comm) S ..." */
  if (rp == NULL || rp[1] != ' ') return 1;
  return rp[2] != 'Z' && rp[2] != 'X';
}

/* A limit file's value in bytes; 0 for "max", absurdly large or unreadable. */
static double limit_file(const char *path) {
  char buf[64];
  if (read_small(path, buf, sizeof buf) <= 0) return 0;
  if (strncmp(buf, "max", 3) == 0) return 0;
  char *end;
  double v = strtod(buf, &end);
  if (end == buf || !isfinite(v) || v <= 0 || v >= 1e18) return 0; /* v1 "unlimited" */
  return v;
}

/* Smallest limit from DIR/REL/FILE up to DIR/FILE; records the file used. */
static double walk_up(const char *dir, const char *rel, const char *file,
                      char *which, size_t cap) {
  char path[1024], sub[512];
  snprintf(sub, sizeof sub, "%s", rel);
  double best = 0;
  for (;;) {
    snprintf(path, sizeof path, "%s%s%s/%s", dir, sub[0] == '/' ? "" : "/",
             strcmp(sub, "/") == 0 ? "" : sub, file);
    double v = limit_file(path);
    if (v > 0 && (best == 0 || v < best)) {
      best = v;
      snprintf(which, cap, "%s", path);
    }
    char *slash = strrchr(sub, '/');
    if (slash == NULL || strcmp(sub, "/") == 0 || sub[0] == '\0') break;
    if (slash == sub)
      sub[1] = '\0'; /* "/a" -> "/" */
    else
      *slash = '\0';
  }
  return best;
}

double sc_proc_cgroup_limit(long pid, char *which, size_t cap) {
  const char *proc = root_of("GCPULSE_PROC_ROOT", "/proc");
  const char *cg = root_of("GCPULSE_CGROUP_ROOT", "/sys/fs/cgroup");
  char path[1024], line[1024], dir[1024];
  if (cap) which[0] = '\0';
  snprintf(path, sizeof path, "%s/%ld/cgroup", proc, pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return 0;
  double best = 0;
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = '\0';
    char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (c2 == NULL) continue;
    *c1 = '\0';
    *c2 = '\0';
    const char *ctrl = c1 + 1, *rel = c2 + 1;
    double v = 0;
    char used[1024] = "";
    if (strstr(rel, "..")) { /* outside our cgroup namespace: its own view */
      snprintf(dir, sizeof dir, "%s/%ld/root/sys/fs/cgroup", proc, pid);
      rel = "/";
    } else
      snprintf(dir, sizeof dir, "%s", cg);
    if (strcmp(line, "0") == 0 && ctrl[0] == '\0') { /* v2 */
      v = walk_up(dir, rel, "memory.max", used, sizeof used);
      if (v == 0) {
        char uni[1100];
        snprintf(uni, sizeof uni, "%s/unified", dir); /* hybrid hierarchy */
        v = walk_up(uni, rel, "memory.max", used, sizeof used);
      }
    } else { /* v1: the hierarchy whose controllers include memory */
      char list[256];
      snprintf(list, sizeof list, ",%s,", ctrl);
      if (strstr(list, ",memory,") == NULL) continue;
      char mem[1100];
      snprintf(mem, sizeof mem, "%s/memory", dir);
      v = walk_up(mem, rel, "memory.limit_in_bytes", used, sizeof used);
    }
    if (v > 0 && (best == 0 || v < best)) {
      best = v;
      if (cap) snprintf(which, cap, "%s", used);
    }
  }
  fclose(f);
  return best;
}

void sc_proc_require(long pid) {
  if (!sc_proc_alive(pid))
    sc_die("--pid %ld: not running (%s/%ld/stat)", pid, root_of("GCPULSE_PROC_ROOT", "/proc"),
           pid);
}

int sc_probe(const sc_opts *o) {
  if (!sc_proc_alive(o->pid)) {
    fprintf(stderr, "gcpulse: process %ld: not running (%s/%ld/stat)\n", o->pid,
            root_of("GCPULSE_PROC_ROOT", "/proc"), o->pid);
    return 1;
  }
  char which[1024];
  double lim = sc_proc_cgroup_limit(o->pid, which, sizeof which);
  printf("{\"pid\":%ld,\"rss_bytes\":%.0f,\"memory_limit_bytes\":%.0f,"
         "\"limit_file\":\"%s\"}\n",
         o->pid, sc_proc_rss(o->pid), lim, lim > 0 ? which : "");
  return 0;
}

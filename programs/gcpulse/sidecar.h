/* sidecar.h — the gcpulse command's modules. */
#ifndef GCPULSE_SIDECAR_H
#define GCPULSE_SIDECAR_H

#include <stdio.h>

#include "gcpulse.h"

/* One running pipeline: the instance plus where its output goes. */
typedef struct sc_app {
  gcpulse_t *g;
  FILE *out;            /* JSON Lines */
  int print_events;     /* events as JSON Lines */
  int print_decisions;  /* gogc and action decisions as JSON Lines */
  const char *prom;     /* Prometheus textfile path or NULL */
  unsigned long gogc_decisions, actions;
  double last_gogc;
  char last_action[64];
  unsigned long action_counts[16];
  char action_names[16][GCPULSE_NAME_MAX];
  int n_action_names;
  unsigned long suppressed; /* suppressed records reported (explain_suppressed) */
  unsigned long suppressed_by[GCPULSE_CONSTRAINT_COUNT]; /* ... per constraint bit */
  char *buf;            /* JSON scratch */
  size_t cap;
} sc_app;

void sc_die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2), noreturn))
#endif
    ;
char *sc_read_file(const char *path, size_t *len);

/* Create APP's instance from CFG with callbacks printing to OUT. */
int sc_app_open(sc_app *app, const gcpulse_config_t *cfg, FILE *out,
                int print_events, int print_decisions);
void sc_app_close(sc_app *app);
/* Feed a whole FILE* (until EOF) to the app. */
int sc_app_feed_stream(sc_app *app, FILE *f);
/* Print a JSON summary line, or a human-readable one on stderr. */
void sc_app_summary(sc_app *app, int text, const char *what);
/* Write the Prometheus textfile (atomically) if configured. */
int sc_prom_write(sc_app *app);

int sc_events(const gcpulse_config_t *cfg, int nfiles, char **files);
int sc_replay(const gcpulse_config_t *cfg, int nfiles, char **files,
              int events, int text_summary);
int sc_follow(const gcpulse_config_t *cfg, const char *file, const char *prom,
              double idle_exit);
int sc_run(const gcpulse_config_t *cfg, char **cmd, const char *prom,
           const char *out);

#endif

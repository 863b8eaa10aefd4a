/*
 * seed_config.c — writes seed inputs for fuzz_config into the directory
 * given as argv[1]: the dump of the default configuration and of a few
 * variants, each behind the harness's option byte.  Built and run by
 * tests/fuzz/run.sh; prints nothing and writes nothing while the JSON
 * writer is not available.
 */
#include "gcpulse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_seed(const char *dir, const char *name,
                       const gcpulse_config_t *cfg) {
  long n = gcpulse_config_dump_json(cfg, NULL, 0);
  if (n <= 0) return;
  char *buf = malloc((size_t)n + 1);
  if (buf == NULL) return;
  gcpulse_config_dump_json(cfg, buf, (size_t)n + 1);
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f) {
    fputc(2, f); /* option byte: defaults, then run an instance */
    fwrite(buf, 1, (size_t)n, f);
    fclose(f);
  }
  free(buf);
}

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  gcpulse_config_t *cfg = malloc(sizeof *cfg);
  if (cfg == NULL) return 1;
  gcpulse_config_init(cfg);
  write_seed(argv[1], "dump-default", cfg);
  cfg->format = GCPULSE_FORMAT_JVM;
  cfg->gogc.mode = GCPULSE_GOGC_DUAL_FACTOR;
  cfg->dry_run = 1;
  cfg->explain_suppressed = 1;
  cfg->custom_metrics = 2;
  strcpy(cfg->custom_names[0], "sched_latency_ms");
  write_seed(argv[1], "dump-variant", cfg);
  free(cfg);
  return 0;
}

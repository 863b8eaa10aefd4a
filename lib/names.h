/*
 * names.h — feature names shared by the JSON loader, the configuration
 * check and gcpulse_metric_id (names.c).
 */
#ifndef GCPULSE_NAMES_H
#define GCPULSE_NAMES_H

/* Built-in feature id of NAME: a feature name ("pause_ms") or a metric
 * alias ("rss", "latency", "memory_limit"); -1 if NAME is neither. */
int gcpulse__feature_lookup(const char *name);

/* Whether NAME may name a custom metric: 1 to GCPULSE_NAME_MAX-1 bytes,
 * not a built-in name or alias, not the "custom:K" slot syntax. */
int gcpulse__custom_name_ok(const char *name);

/* Unit of STAT of FEATURE, static storage: the feature's unit, per second
 * of it for SLOPE, RECENT_SLOPE and RATE ("bytes" -> "bytes/s"), "" for
 * the CUSUM flag and for custom metrics. */
const char *gcpulse__stat_unit(int feature, int stat);

#endif /* GCPULSE_NAMES_H */

/*
 * feature_reader.h — the feature reader: how the controller (gogc.c) and the
 * policy (policy.c) see the window.  Same contract as gcpulse_feature():
 * 0 known, > 0 gcpulse_why_t, < 0 error.
 */
#ifndef GCPULSE_FEATURE_READER_H
#define GCPULSE_FEATURE_READER_H

typedef int (*gcpulse__feat_fn)(const void *ctx, int feature, int stat,
                                double *out);

#endif /* GCPULSE_FEATURE_READER_H */

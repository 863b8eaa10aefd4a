/*
 * embed.c — the smallest useful embedding of gcpulse: read a GC log on
 * stdin, print each GC pause and every GOGC recommendation.
 *
 *   cc embed.c $(pkg-config --cflags --libs gcpulse) -o embed
 *   GODEBUG=gctrace=1 ./your-go-program 2>&1 >/dev/null | ./embed
 */
#include <gcpulse.h>
#include <stdio.h>

static int on_event(void *user, const gcpulse_event_t *ev) {
  (void)user;
  if (ev->known & GCPULSE_BIT(GCPULSE_FIELD_PAUSE_MS))
    printf("%-10s gc %llu at %.3f s: pause %.3f ms\n",
           gcpulse_kind_name(ev->kind), (unsigned long long)ev->seq, ev->t,
           ev->pause_ms);
  return 0;
}

static int on_gogc(void *user, const gcpulse_gogc_decision_t *d) {
  (void)user;
  if (d->changed)
    printf("GOGC %.0f -> %.0f (%s)\n", d->previous, d->value,
           gcpulse_gogc_mode_name(d->mode));
  return 0;
}

int main(void) {
  gcpulse_callbacks_t cb;
  gcpulse_callbacks_init(&cb);
  cb.on_event = on_event;
  cb.on_gogc = on_gogc;
  gcpulse_t *g;
  int rc = gcpulse_new(NULL, &cb, &g); /* NULL = default configuration */
  if (rc < 0) {
    fprintf(stderr, "gcpulse_new: %s\n", gcpulse_strerror(rc));
    return 1;
  }
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    if ((rc = gcpulse_feed(g, buf, n)) < 0) break;
  if (rc >= 0) rc = gcpulse_finish(g);
  gcpulse_stats_t st;
  gcpulse_stats(g, &st);
  printf("%llu lines, %llu events, %llu skipped\n",
         (unsigned long long)st.lines, (unsigned long long)st.events,
         (unsigned long long)st.skipped);
  gcpulse_free(g);
  return rc < 0 ? 1 : 0;
}

/* config_doc.c — print the scalar configuration reference (a Markdown
 * table) from the configuration table in lib/config.h.  `make config-doc`
 * puts it between the GENERATED markers of docs/configuration.md;
 * `make check-config-doc` fails when the committed file differs. */
#include "config.h"

#include <stdio.h>
#include <string.h>

static void type_text(const gcpulse__config_key *k, char *buf, size_t cap) {
  switch (k->type) {
  case GCPULSE__CT_DOUBLE: snprintf(buf, cap, "number"); break;
  case GCPULSE__CT_INT:
  case GCPULSE__CT_SIZE: snprintf(buf, cap, "integer"); break;
  case GCPULSE__CT_BOOL: snprintf(buf, cap, "bool"); break;
  default: {
    size_t n = 0;
    buf[0] = '\0';
    for (const gcpulse__enum_val *v = k->values; v->name && n < cap; v++) {
      int w = snprintf(buf + n, cap - n, "%s`\"%s\"`", n ? ", " : "", v->name);
      if (w < 0) break;
      n += (size_t)w;
    }
  }
  }
}

static void default_text(const gcpulse__config_key *k, char *buf, size_t cap) {
  if (k->type == GCPULSE__CT_BOOL)
    snprintf(buf, cap, "%s", k->def != 0 ? "true" : "false");
  else if (k->type == GCPULSE__CT_ENUM)
    snprintf(buf, cap, "`\"%s\"`",
             gcpulse__config_enum_name(k->values, (int)k->def));
  else
    snprintf(buf, cap, "%.15g", k->def);
}

int main(void) {
  printf("| key | C member | type | default | valid | unit | meaning |\n");
  printf("|---|---|---|---|---|---|---|\n");
  for (int i = 0; i < gcpulse__config_nkeys; i++) {
    const gcpulse__config_key *k = &gcpulse__config_keys[i];
    char type[160], def[64], range[96];
    type_text(k, type, sizeof type);
    default_text(k, def, sizeof def);
    if (k->type == GCPULSE__CT_ENUM || k->type == GCPULSE__CT_BOOL)
      snprintf(range, sizeof range, "%s", "");
    else
      gcpulse__config_range_text(k, range, sizeof range);
    printf("| `%s` | `%s` | %s | %s | %s | %s | %s |\n", k->path, k->member,
           type, def, range, k->unit, k->doc);
  }
  return 0;
}

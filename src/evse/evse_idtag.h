/* evse_idtag.h — the one rule for comparing id tags: OCPP compares them case-insensitively, and the central
 * system keeps cards upper case, padded with '0' to 14 characters (a short card UID "8c45be53" is
 * "8C45BE53000000"). The cache and the local list are keyed by evse_idtag_key(); every other comparison of
 * two id tags (reservation, the session's own card, PERSONAL slots) uses evse_idtag_same(). */
#ifndef EVSE_IDTAG_H
#define EVSE_IDTAG_H

#include <stdbool.h>

#define EVSE_IDTAG_PADDED  14
#define EVSE_IDTAG_KEY_MAX 21 /* an OCPP IdToken (20) and its NUL */

void evse_idtag_key(const char *id_tag, char out[EVSE_IDTAG_KEY_MAX]);
/* The same card, whatever the case and the padding. */
bool evse_idtag_same(const char *a, const char *b);

#endif

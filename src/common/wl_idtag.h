/* wl_idtag.h — the one rule for comparing id tags, shared by the csms and the evse: OCPP compares them
 * case-insensitively, and cards are kept upper case, padded with '0' to 14 characters (a short card UID
 * "8c45be53" is "8C45BE53000000"). The csms stores cards under wl_idtag_key() (csms_idtag_normalize); the
 * evse keys its cache and local list by it, and every other comparison of two id tags (reservation, the
 * session's own card, PERSONAL slots) uses wl_idtag_same(). */
#ifndef WL_IDTAG_H
#define WL_IDTAG_H

#include <stdbool.h>

#define WL_IDTAG_PADDED  14
#define WL_IDTAG_KEY_MAX 21 /* an OCPP IdToken (20) and its NUL */

void wl_idtag_key(const char *id_tag, char out[WL_IDTAG_KEY_MAX]);
/* The same card, whatever the case and the padding. */
bool wl_idtag_same(const char *a, const char *b);

#endif

/* evse_webform.h — the small request bodies and query strings of the local web app (setup, login, a card,
 * a session start, a schedule): bounded JSON text in, checked values out, a message naming the field on
 * refusal. Pure functions: no store, no clock (the caller passes the time). */
#ifndef EVSE_WEBFORM_H
#define EVSE_WEBFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSE_PASSWORD_MIN    8
#define EVSE_PASSWORD_MAX    128 /* bytes */
#define EVSE_SETUP_CODE_MAX  32
#define EVSE_SCHEDULE_MAX_MS (7LL * 24 * 3600 * 1000) /* a scheduled start is at most a week ahead */
#define EVSE_CARD_UID_MAX    21                       /* 20 characters, as an OCPP IdToken */

/* Each returns 0, or -1 with a message in err. body is len bytes, need not be NUL-terminated. */

/* {"code": "...", "password": "..."}: the one-time setup code and the first password. */
int evse_webform_setup(const char *body, size_t len, char code[EVSE_SETUP_CODE_MAX],
                       char password[EVSE_PASSWORD_MAX + 1], char *err, size_t errcap);
/* A new password: EVSE_PASSWORD_MIN..EVSE_PASSWORD_MAX bytes of UTF-8 without control characters. */
int evse_webform_check_password(const char *password, char *err, size_t errcap);
/* {"password": "..."} */
int evse_webform_login(const char *body, size_t len, char password[EVSE_PASSWORD_MAX + 1], char *err, size_t errcap);
/* {"uid": "04A1B2C3"}: a card UID, 1..20 of A-Z a-z 0-9 - _ : . */
int evse_webform_card(const char *body, size_t len, char uid[EVSE_CARD_UID_MAX], char *err, size_t errcap);
/* {"slot": N} (PERSONAL: a card slot 1..max_slot) or {"idTag": "..."} (WEB): exactly one. *slot is 0 when
 * an idTag was given. */
int evse_webform_session_start(const char *body, size_t len, int max_slot, int *slot, char id_tag[EVSE_CARD_UID_MAX],
                               char *err, size_t errcap);
/* {"at": "RFC 3339"} or {"delayMinutes": N}: the start time in ms since the epoch, after now_ms and at
 * most EVSE_SCHEDULE_MAX_MS ahead. */
int evse_webform_schedule(const char *body, size_t len, int64_t now_ms, int64_t *at_ms, char *err, size_t errcap);

/* The integer parameter name of a query string ("limit=20&before=31"): 1 found (in *out), 0 absent, -1 not a
 * number in min..max (err). */
int evse_webform_query_int(const char *query, const char *name, long min, long max, long *out, char *err,
                           size_t errcap);

/* The text parameter name of a query string, as it is (no %-decoding): 1 found (in out), 0 absent, -1 longer
 * than cap - 1 bytes (err). */
int evse_webform_query_str(const char *query, const char *name, char *out, size_t cap, char *err, size_t errcap);

/* A card UID or id tag the station accepts (see evse_webform_card). */
bool evse_webform_uid_is_valid(const char *uid);

#endif

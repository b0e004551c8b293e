/* csms_redact.h — secrets out of what the csms keeps and shows: the values of configuration keys the
 * OCPP 1.6 security whitepaper makes write-only (AuthorizationKey, a station's Basic-auth password) are
 * replaced by "***" in the message log, in operation requests and in what the API shows of both. */
#ifndef CSMS_REDACT_H
#define CSMS_REDACT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define CSMS_REDACTED "***"

/* Is key (compared case-insensitively, as OCPP compares keys) a secret configuration key? */
int csms_redact_is_secret_key(const char *key);
/* Replaces secret values in an OCPP payload: ChangeConfiguration.req {key, value} and
 * GetConfiguration.conf {configurationKey: [{key, value}]}. Returns how many were replaced. */
int csms_redact_payload(cJSON *payload);
/* The text of one OCPP-J frame with its secrets replaced: NULL when it holds none (keep the text as
 * is), else a new string of *out_len bytes (free() it). A frame that does not parse is returned as is. */
char *csms_redact_frame(const char *text, size_t len, size_t *out_len);

#endif

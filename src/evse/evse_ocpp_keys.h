/* evse_ocpp_keys.h — the OCPP configuration keys (evse_ocpp_keys.def): typed reads for the client, and
 * GetConfiguration / ChangeConfiguration semantics (read-only, reboot required, value checks). Values
 * live in the store under "ocpp.<Key>"; a key never written has its default. */
#ifndef EVSE_OCPP_KEYS_H
#define EVSE_OCPP_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "evse_store.h"
#include "ocpp_types.h"

enum evse_key {
#define X(name, type, flags, def) EVSE_KEY_##name,
#include "evse_ocpp_keys.def"
#undef X
	EVSE_KEY_COUNT
};

#define EVSE_KEY_VALUE_MAX 501 /* CiString500 */

const char *evse_key_name(enum evse_key k);
/* The key with that name, or -1. */
int evse_key_lookup(const char *name);
bool evse_key_readonly(enum evse_key k);

/* The value as text (default when never set), copied into out. */
void evse_key_get(struct evse_store *st, enum evse_key k, char *out, size_t cap);
long evse_key_int(struct evse_store *st, enum evse_key k);
bool evse_key_bool(struct evse_store *st, enum evse_key k);
/* Is item one of the comma-separated values of key k? */
bool evse_key_has(struct evse_store *st, enum evse_key k, const char *item);

/* ChangeConfiguration: NOT_SUPPORTED for an unknown key, REJECTED for a read-only key or a bad value,
 * REBOOT_REQUIRED or ACCEPTED once stored. */
enum ocpp_configuration_status evse_key_change(struct evse_store *st, const char *name, const char *value);

#endif

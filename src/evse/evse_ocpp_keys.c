/* evse_ocpp_keys.c — the configuration key table and its checks. */
#include "evse_ocpp_keys.h"

#include "evse_dpm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { INT, BOOL, CSL, STR };
#define RO 1u
#define RB 2u

struct key {
	const char *name;
	enum key_type type;
	unsigned flags;
	const char *def;
};

static const struct key keys[EVSE_KEY_COUNT] = {
#define X(n, t, f, d) [EVSE_KEY_##n] = {#n, t, f, d},
#include "evse_ocpp_keys.def"
#undef X
};

/* Measurands a sampled/aligned data list may name: those this station's meter has. */
static const char *const measurands[] = {
    "Energy.Active.Import.Register",
    "Power.Active.Import",
    "Current.Import",
    "Current.Offered",
    "Voltage",
    "Frequency",
    "Temperature",
    "SoC",
};

const char *evse_key_name(enum evse_key k)
{
	return (unsigned)k < EVSE_KEY_COUNT ? keys[k].name : "?";
}

int evse_key_lookup(const char *name)
{
	for (int i = 0; i < EVSE_KEY_COUNT; i++)
		if (strcmp(keys[i].name, name) == 0)
			return i;
	return -1;
}

bool evse_key_readonly(enum evse_key k)
{
	return (unsigned)k < EVSE_KEY_COUNT && (keys[k].flags & RO);
}

void evse_key_get(struct evse_store *st, enum evse_key k, char *out, size_t cap)
{
	char name[80];
	snprintf(name, sizeof(name), "ocpp.%s", keys[k].name);
	if (keys[k].flags & RO || !st || evse_store_get(st, name, out, cap) != 1)
		snprintf(out, cap, "%s", keys[k].def);
}

long evse_key_int(struct evse_store *st, enum evse_key k)
{
	char v[EVSE_KEY_VALUE_MAX];
	evse_key_get(st, k, v, sizeof(v));
	return strtol(v, NULL, 10);
}

bool evse_key_bool(struct evse_store *st, enum evse_key k)
{
	char v[EVSE_KEY_VALUE_MAX];
	evse_key_get(st, k, v, sizeof(v));
	return strcmp(v, "true") == 0;
}

bool evse_key_has(struct evse_store *st, enum evse_key k, const char *item)
{
	char v[EVSE_KEY_VALUE_MAX];
	size_t n = strlen(item);
	evse_key_get(st, k, v, sizeof(v));
	for (const char *p = v; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == n && strncmp(p, item, n) == 0)
			return true;
		if (!comma)
			break;
		p = comma + 1;
	}
	return false;
}

static bool valid_int(const char *v)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	return *v && !*end && !errno && n >= 0 && n <= 2147483647L;
}

/* Every item a known measurand, at most max of them. */
static bool valid_measurands(const char *v, long max)
{
	long count = 0;
	for (const char *p = v; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		bool known = false;
		for (size_t i = 0; i < sizeof(measurands) / sizeof(measurands[0]); i++)
			known = known || (strlen(measurands[i]) == len && strncmp(measurands[i], p, len) == 0);
		if (!known || ++count > max)
			return false;
		if (!comma)
			break;
		p = comma + 1;
	}
	return true;
}

/* The rules of the WattlineDpm* keys together (a mode ECOSMART / ECOPLUS only with a renewable source, ...): true
 * when value may be stored under k. Other keys: true. */
static bool dpm_value_ok(struct evse_store *st, int k, const char *value)
{
	char v[EVSE_KEY_VALUE_MAX];
	bool renewable = evse_key_bool(st, EVSE_KEY_WattlineDpmRenewable);
	evse_key_get(st, EVSE_KEY_WattlineDpmMode, v, sizeof(v));
	bool eco = evse_dpm_mode_parse(v) > EVSE_DPM_FULL;

	switch (k) {
	case EVSE_KEY_WattlineDpmMode: {
		int m = evse_dpm_mode_parse(value);
		return m == EVSE_DPM_FULL || (m > EVSE_DPM_FULL && renewable);
	}
	case EVSE_KEY_WattlineDpmRenewable: return strcmp(value, "true") == 0 || !eco;
	case EVSE_KEY_WattlineDpmLimit: {
		long a = strtol(value, NULL, 10);
		return a >= 6 && a <= 1000;
	}
	case EVSE_KEY_WattlineDpmMinGridShare: return strtol(value, NULL, 10) <= 500000;
	default: return true;
	}
}

enum ocpp_configuration_status evse_key_change(struct evse_store *st, const char *name, const char *value)
{
	int k = evse_key_lookup(name);
	if (k < 0)
		return OCPP_CONFIGURATION_STATUS_NOT_SUPPORTED;
	if (keys[k].flags & RO)
		return OCPP_CONFIGURATION_STATUS_REJECTED;
	bool ok = true;
	switch (keys[k].type) {
	case INT: ok = valid_int(value); break;
	case BOOL: ok = strcmp(value, "true") == 0 || strcmp(value, "false") == 0; break;
	case CSL: ok = valid_measurands(value, 8); break;
	case STR: ok = strlen(value) < EVSE_KEY_VALUE_MAX; break;
	}
	if (ok && k == EVSE_KEY_WattlineMaxCurrent)
		ok = strtol(value, NULL, 10) >= 6 && strtol(value, NULL, 10) <= 32;
	ok = ok && dpm_value_ok(st, k, value);
	if (!ok)
		return OCPP_CONFIGURATION_STATUS_REJECTED;
	char key[80];
	snprintf(key, sizeof(key), "ocpp.%s", keys[k].name);
	if (evse_store_set(st, key, value) < 0)
		return OCPP_CONFIGURATION_STATUS_REJECTED;
	return keys[k].flags & RB ? OCPP_CONFIGURATION_STATUS_REBOOT_REQUIRED : OCPP_CONFIGURATION_STATUS_ACCEPTED;
}

/* evse_settings.h — the installer's settings of the local web app (003 §8.1.2): one table row each (JSON
 * name, option name, check, whether it needs a restart), the JSON body of PUT /api/settings parsed and
 * checked into a change, applied to the running configuration and kept in the store ("setting.<option>"),
 * and loaded over the config file and command line at the next start. */
#ifndef EVSE_SETTINGS_H
#define EVSE_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "evse_config.h"
#include "evse_store.h"

/* X(id, JSON name, option name) — the settings kept in the store */
#define EVSE_SETTINGS(X)                                                                                               \
	X(POWER, "chargePowerKw", "power")                                                                             \
	X(RFID_TYPE, "rfidType", "rfid_type")                                                                          \
	X(CASE, "chargingCase", "case")                                                                                \
	X(MAX_CURRENT, "maxCurrent", "max_current")                                                                    \
	X(OCPP_URL, "ocppUrl", "ocpp_url")                                                                             \
	X(POWER_SYSTEM, "powerSystem", "earthing")                                                                     \
	X(MODE, "mode", "mode")

enum evse_setting {
#define X(id, json, opt) EVSE_SETTING_##id,
	EVSE_SETTINGS(X)
#undef X
	    EVSE_SETTING_COUNT
};

/* A checked change: the settings present in the body, each as option text ("16", "wss://..."), and
 * systemTime (not kept: it sets the clock). */
struct evse_settings_change {
	bool has[EVSE_SETTING_COUNT];
	char value[EVSE_SETTING_COUNT][EVSE_STR_MAX];
	bool has_time;
	int64_t time_ms;
};

/* Parses the JSON body of PUT /api/settings (len bytes, need not be NUL-terminated): an object of any of
 * the fields, nothing else. 0, or -1 with a message naming the field and the value in err. */
int evse_settings_parse(const char *body, size_t len, struct evse_settings_change *chg, char *err, size_t errcap);

/* Checks the ocpp URL: ws:// or wss://, a host, an optional port 1..65535, a path ending in the
 * charge point id (1..48 characters, no '/'), no blanks or control characters. "" (standalone) passes. */
int evse_settings_check_url(const char *url, char *err, size_t errcap);

/* Applies chg to cfg (all or nothing, checked together with evse_config_check) and keeps it in the store.
 * has_ocpp: the running station has an OCPP client. The names of the settings that take effect only after
 * a restart are listed in restart (comma separated, "" when none). 0, -1 bad combination (err), -2 store
 * error. */
int evse_settings_apply(struct evse_store *st, struct evse_config *cfg, const struct evse_settings_change *chg,
                        bool has_ocpp, char *restart, size_t restart_cap, char *err, size_t errcap);

/* Sets cfg from the settings kept in the store (called before the station starts). 0, or -1 with err
 * when a kept value is no longer valid (it is then ignored, and logged). */
int evse_settings_load(struct evse_store *st, struct evse_config *cfg, char *err, size_t errcap);

/* The JSON name of a setting ("maxCurrent"). */
const char *evse_setting_json_name(enum evse_setting s);

/* GET /api/settings: the saved values (the running ones overlaid with the store), systemTime, maxCards,
 * phases, and restartPending: the names saved but not yet in force. The caller frees it (cJSON_Delete). */
cJSON *evse_settings_json(struct evse_store *st, const struct evse_config *cfg, int64_t system_time_ms);

#endif

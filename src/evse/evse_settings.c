/* evse_settings.c — the settings table of the local web app: parse and check a change, apply it to the
 * running configuration, keep it in the store, load it at the next start. */
#include "evse_settings.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp_text.h"
#include "wl_log.h"

#define MOD "settings"

enum kind { K_KW, K_ENUM, K_INT, K_URL };

struct row {
	const char *json, *opt;
	enum kind kind;
	size_t offset;
	const char *const *names; /* K_ENUM: index = value */
	int min, max;             /* K_INT */
	bool restart;             /* takes effect at the next start */
};

static const char *const rfid_names[] = {"M1", "CPU", NULL};
static const char *const case_names[] = {"B", "C", NULL};
static const char *const earth_names[] = {"TN", "TT", "IT", NULL};
static const char *const mode_names[] = {"FREE", "PERSONAL", "WEB", NULL};

#define OFF(f) offsetof(struct evse_config, f)

static const struct row rows[EVSE_SETTING_COUNT] = {
    [EVSE_SETTING_POWER] = {"chargePowerKw", "power", K_KW, OFF(power_w), NULL, 0, 0, false},
    [EVSE_SETTING_RFID_TYPE] = {"rfidType", "rfid_type", K_ENUM, OFF(rfid_type), rfid_names, 0, 0, false},
    [EVSE_SETTING_CASE] = {"chargingCase", "case", K_ENUM, OFF(charging_case), case_names, 0, 0, true},
    [EVSE_SETTING_MAX_CURRENT] = {"maxCurrent", "max_current", K_INT, OFF(max_current_a), NULL, 6, 32, false},
    [EVSE_SETTING_OCPP_URL] = {"ocppUrl", "ocpp_url", K_URL, OFF(ocpp_url), NULL, 0, 0, true},
    [EVSE_SETTING_POWER_SYSTEM] = {"powerSystem", "earthing", K_ENUM, OFF(earthing), earth_names, 0, 0, false},
    [EVSE_SETTING_MODE] = {"mode", "mode", K_ENUM, OFF(mode), mode_names, 0, 0, false},
};

const char *evse_setting_json_name(enum evse_setting s)
{
	return (unsigned)s < EVSE_SETTING_COUNT ? rows[s].json : "?";
}

/* The value of setting s in cfg as option text. */
static void value_text(const struct evse_config *cfg, enum evse_setting s, char *out, size_t cap)
{
	const struct row *r = &rows[s];
	const char *field = (const char *)cfg + r->offset;
	int v;
	if (r->kind == K_URL) {
		snprintf(out, cap, "%s", field);
		return;
	}
	memcpy(&v, field, sizeof(v));
	if (r->kind == K_ENUM)
		snprintf(out, cap, "%s", v >= 0 && v < 3 && r->names[v] ? r->names[v] : "?");
	else
		snprintf(out, cap, "%d", v);
}

int evse_settings_check_url(const char *url, char *err, size_t errcap)
{
	const char *host;
	if (!url[0])
		return 0;
	for (const char *c = url; *c; c++) {
		if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
			snprintf(err, errcap, "ocppUrl: blanks or control characters are not allowed");
			return -1;
		}
	}
	if (strncmp(url, "ws://", 5) == 0) {
		host = url + 5;
	} else if (strncmp(url, "wss://", 6) == 0) {
		host = url + 6;
	} else {
		snprintf(err, errcap, "ocppUrl: \"%.60s\" does not start with ws:// or wss://", url);
		return -1;
	}
	const char *slash = strchr(host, '/');
	size_t host_len = slash ? (size_t)(slash - host) : strlen(host);
	const char *colon = memchr(host, ':', host_len);
	if (host[0] == '[') { /* an IPv6 literal: the port comes after the closing bracket */
		const char *close = memchr(host, ']', host_len);
		colon = close && close + 1 < host + host_len && close[1] == ':' ? close + 1 : NULL;
		if (!close || (close + 1 < host + host_len && !colon)) {
			snprintf(err, errcap, "ocppUrl: bad IPv6 address");
			return -1;
		}
	}
	size_t name_len = colon ? (size_t)(colon - host) : host_len;
	if (name_len == 0) {
		snprintf(err, errcap, "ocppUrl: no host name or address");
		return -1;
	}
	if (colon) {
		char *end;
		long port = strtol(colon + 1, &end, 10);
		if (end == colon + 1 || end != host + host_len || port < 1 || port > 65535) {
			snprintf(err, errcap, "ocppUrl: the port must be a number 1..65535");
			return -1;
		}
	}
	const char *cpid = strrchr(host, '/');
	if (!slash || !cpid || !cpid[1]) {
		snprintf(err, errcap, "ocppUrl: the path must end with the charge point id (ws://host:port/path/CPID)");
		return -1;
	}
	if (strlen(cpid + 1) > 48) {
		snprintf(err, errcap, "ocppUrl: the charge point id is longer than 48 characters");
		return -1;
	}
	return 0;
}

/* One JSON member into chg; 0 or -1 with err. */
static int parse_member(const cJSON *m, struct evse_settings_change *chg, char *err, size_t errcap)
{
	for (int s = 0; s < EVSE_SETTING_COUNT; s++) {
		const struct row *r = &rows[s];
		if (strcmp(m->string, r->json) != 0)
			continue;
		char *out = chg->value[s];
		switch (r->kind) {
		case K_KW:
			if (!cJSON_IsNumber(m) ||
			    (fabs(m->valuedouble - 7.4) > 1e-9 && fabs(m->valuedouble - 22.0) > 1e-9)) {
				snprintf(err, errcap, "%s: must be 7.4 or 22 (kW)", r->json);
				return -1;
			}
			snprintf(out, EVSE_STR_MAX, "%d", m->valuedouble < 10 ? 7400 : 22000);
			break;
		case K_INT:
			if (!cJSON_IsNumber(m) || m->valuedouble != floor(m->valuedouble) || m->valuedouble < r->min ||
			    m->valuedouble > r->max) {
				snprintf(err, errcap, "%s: must be a whole number of amperes %d..%d", r->json, r->min,
				         r->max);
				return -1;
			}
			snprintf(out, EVSE_STR_MAX, "%d", (int)m->valuedouble);
			break;
		case K_ENUM: {
			bool ok = false;
			for (int k = 0; cJSON_IsString(m) && r->names[k]; k++)
				ok = ok || strcmp(m->valuestring, r->names[k]) == 0;
			if (!ok) {
				char list[64] = "";
				size_t n = 0;
				for (int k = 0; r->names[k] && n < sizeof(list); k++)
					n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", k ? ", " : "",
					                      r->names[k]);
				snprintf(err, errcap, "%s: must be one of %s", r->json, list);
				return -1;
			}
			snprintf(out, EVSE_STR_MAX, "%s", m->valuestring);
			break;
		}
		case K_URL:
			if (!cJSON_IsString(m) || strlen(m->valuestring) >= EVSE_STR_MAX) {
				snprintf(err, errcap, "%s: must be a text of at most %d characters", r->json,
				         EVSE_STR_MAX - 1);
				return -1;
			}
			if (evse_settings_check_url(m->valuestring, err, errcap) < 0)
				return -1;
			snprintf(out, EVSE_STR_MAX, "%s", m->valuestring);
			break;
		}
		chg->has[s] = true;
		return 0;
	}
	if (strcmp(m->string, "systemTime") == 0) {
		int64_t ms;
		/* 2020-01-01 .. 2100-01-01: a clock outside is a typing error */
		if (!cJSON_IsString(m) || !ocpp_time_parse(m->valuestring, &ms) || ms < 1577836800000LL ||
		    ms > 4102444800000LL) {
			snprintf(err, errcap,
			         "systemTime: must be an RFC 3339 date-time (2020..2099), like 2026-05-01T10:00:00Z");
			return -1;
		}
		chg->has_time = true;
		chg->time_ms = ms;
		return 0;
	}
	snprintf(err, errcap, "unknown field \"%.40s\"", m->string);
	return -1;
}

int evse_settings_parse(const char *body, size_t len, struct evse_settings_change *chg, char *err, size_t errcap)
{
	int rc = -1;
	memset(chg, 0, sizeof(*chg));
	cJSON *j = cJSON_ParseWithLength(body, len);
	if (!cJSON_IsObject(j)) {
		snprintf(err, errcap, "the body must be a JSON object");
		goto out;
	}
	const cJSON *m;
	cJSON_ArrayForEach(m, j)
	{
		if (parse_member(m, chg, err, errcap) < 0)
			goto out;
	}
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

static void key_of(enum evse_setting s, char *key, size_t cap)
{
	snprintf(key, cap, "setting.%s", rows[s].opt);
}

int evse_settings_apply(struct evse_store *st, struct evse_config *cfg, const struct evse_settings_change *chg,
                        bool has_ocpp, char *restart, size_t restart_cap, char *err, size_t errcap)
{
	struct evse_config next = *cfg;
	char why[200], key[48];
	size_t rlen = 0;

	/* the change goes on top of what is saved (some of it may wait for a restart) */
	(void)evse_settings_load(st, &next, why, sizeof(why));
	for (int s = 0; s < EVSE_SETTING_COUNT; s++) {
		if (chg->has[s] && evse_config_set(&next, rows[s].opt, chg->value[s], why, sizeof(why)) < 0) {
			snprintf(err, errcap, "%s: %s", rows[s].json, why);
			return -1;
		}
	}
	if (evse_config_check(&next, why, sizeof(why)) < 0) {
		snprintf(err, errcap, "%s", why);
		return -1;
	}
	if (evse_store_begin(st) < 0)
		return -2;
	for (int s = 0; s < EVSE_SETTING_COUNT; s++) {
		if (!chg->has[s])
			continue;
		key_of((enum evse_setting)s, key, sizeof(key));
		if (evse_store_set(st, key, chg->value[s]) < 0) {
			evse_store_rollback(st);
			return -2;
		}
	}
	if (evse_store_commit(st) < 0)
		return -2;
	restart[0] = '\0';
	for (int s = 0; s < EVSE_SETTING_COUNT; s++) {
		char before[EVSE_STR_MAX], after[EVSE_STR_MAX];
		value_text(cfg, (enum evse_setting)s, before, sizeof(before));
		value_text(&next, (enum evse_setting)s, after, sizeof(after));
		bool needs = rows[s].restart || (s == EVSE_SETTING_MODE && next.mode == EVSE_MODE_WEB && !has_ocpp);
		if (strcmp(before, after) == 0)
			continue;
		if (needs) {
			int n = snprintf(restart + rlen, restart_cap - rlen, "%s%s", rlen ? "," : "", rows[s].json);
			if (n > 0 && (size_t)n < restart_cap - rlen)
				rlen += (size_t)n;
			continue;
		}
		(void)evse_config_set(cfg, rows[s].opt, after, why, sizeof(why));
		WL_INFO(MOD, "%s: %s -> %s", rows[s].opt, before, after);
	}
	return 0;
}

int evse_settings_load(struct evse_store *st, struct evse_config *cfg, char *err, size_t errcap)
{
	char key[48], value[EVSE_STR_MAX], why[200];
	int rc = 0;
	for (int s = 0; s < EVSE_SETTING_COUNT; s++) {
		key_of((enum evse_setting)s, key, sizeof(key));
		if (evse_store_get(st, key, value, sizeof(value)) != 1)
			continue;
		if (evse_config_set(cfg, rows[s].opt, value, why, sizeof(why)) < 0) {
			snprintf(err, errcap, "%s: %s (ignored)", key, why);
			WL_WARN(MOD, "%s", err);
			rc = -1;
		}
	}
	return rc;
}

cJSON *evse_settings_json(struct evse_store *st, const struct evse_config *cfg, int64_t system_time_ms)
{
	struct evse_config saved = *cfg;
	char why[200], text[EVSE_STR_MAX], running[EVSE_STR_MAX];
	(void)evse_settings_load(st, &saved, why, sizeof(why));
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON *pending = cJSON_CreateArray();
	for (int s = 0; s < EVSE_SETTING_COUNT; s++) {
		const struct row *r = &rows[s];
		value_text(&saved, (enum evse_setting)s, text, sizeof(text));
		value_text(cfg, (enum evse_setting)s, running, sizeof(running));
		if (strcmp(text, running) != 0)
			cJSON_AddItemToArray(pending, cJSON_CreateString(r->json));
		if (r->kind == K_KW)
			cJSON_AddNumberToObject(j, r->json, saved.power_w == 7400 ? 7.4 : 22.0);
		else if (r->kind == K_INT)
			cJSON_AddNumberToObject(j, r->json, strtol(text, NULL, 10));
		else
			cJSON_AddStringToObject(j, r->json, text);
	}
	ocpp_time_format(system_time_ms, text, sizeof(text));
	cJSON_AddStringToObject(j, "systemTime", text);
	cJSON_AddNumberToObject(j, "maxCards", cfg->max_cards);
	cJSON_AddNumberToObject(j, "phases", cfg->phases);
	cJSON_AddItemToObject(j, "restartPending", pending);
	return j;
}

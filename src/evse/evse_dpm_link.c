/* evse_dpm_link.c — dynamic power management in the station: settings (config file → OCPP keys in the
 * store), the meter worker, the control law each cycle, the limit hook, ERR MET and the OCPP warning. */
#include "evse_dpm_link.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_gridmeter.h"
#include "evse_gridmeter_io.h"
#include "evse_ocpp_keys.h"
#include "wl_log.h"

#define MOD "dpm"

#define RELOAD_MS     1000 /* the keys are read again this often (ChangeConfiguration, the app) */
#define ERR_MET_SHOWN 1500 /* ERR MET is refreshed every cycle while the fault lasts */
#define ERR_MET_TEXT  "ERR MET"
#define OCPP_INFO_MAX 50 /* CiString50 */

struct evse_dpm_link {
	const struct evse_config *cfg;
	struct evse_store *st;
	struct evse_charge *charge;
	struct evse_ocpp *ocpp;
	struct evse_gm_io *io; /* NULL: no meter configured */
	struct evse_dpm dpm;
	bool enabled;
	uint64_t reload_at;
	double ev_prev[EVSE_DPM_PHASES]; /* the EV's current at the previous reading */
	bool warned;                     /* the OCPP warning is raised */
	bool yielded;                    /* the group's balancer owns the limit (evse_dpm_link_yield) */
	bool fault_logged;
};

/* The user's settings as OCPP keys: X(key, config field, JSON name) */
struct key_row {
	enum evse_key key;
	const char *json;
};
static const struct key_row key_rows[] = {
    {EVSE_KEY_WattlineDpmEnabled, "enabled"},     {EVSE_KEY_WattlineDpmMode, "mode"},
    {EVSE_KEY_WattlineDpmLimit, "limit"},         {EVSE_KEY_WattlineDpmMinGridShare, "minGridShare"},
    {EVSE_KEY_WattlineDpmRenewable, "renewable"},
};
#define N_KEYS (sizeof(key_rows) / sizeof(key_rows[0]))

/* The keys' values over the installer's settings. */
static void load_settings(struct evse_dpm_link *l, struct evse_dpm_settings *s, bool *enabled)
{
	char v[EVSE_KEY_VALUE_MAX];
	evse_config_dpm_settings(l->cfg, s);
	if (s->safe_a > s->max_a)
		s->safe_a = s->max_a;
	*enabled = evse_key_bool(l->st, EVSE_KEY_WattlineDpmEnabled);
	evse_key_get(l->st, EVSE_KEY_WattlineDpmMode, v, sizeof(v));
	int mode = evse_dpm_mode_parse(v);
	if (mode >= 0)
		s->mode = (enum evse_dpm_mode)mode;
	s->limit_a = (double)evse_key_int(l->st, EVSE_KEY_WattlineDpmLimit);
	s->min_grid_w = (double)evse_key_int(l->st, EVSE_KEY_WattlineDpmMinGridShare);
	s->renewable = evse_key_bool(l->st, EVSE_KEY_WattlineDpmRenewable);
}

/* First start: the keys take the config file's values. */
static int seed_keys(struct evse_dpm_link *l)
{
	const struct evse_config *c = l->cfg;
	char name[80], v[EVSE_KEY_VALUE_MAX], values[N_KEYS][32];
	snprintf(values[0], sizeof(values[0]), "%s", c->dpm ? "true" : "false");
	snprintf(values[1], sizeof(values[1]), "%s", evse_dpm_mode_name((enum evse_dpm_mode)c->dpm_mode));
	snprintf(values[2], sizeof(values[2]), "%d", c->dpm_limit_a);
	snprintf(values[3], sizeof(values[3]), "%d", c->dpm_min_grid_w);
	snprintf(values[4], sizeof(values[4]), "%s", c->dpm_renewable ? "true" : "false");
	for (size_t i = 0; i < N_KEYS; i++) {
		snprintf(name, sizeof(name), "ocpp.%s", evse_key_name(key_rows[i].key));
		if (evse_store_get(l->st, name, v, sizeof(v)) == 1)
			continue;
		if (evse_store_set(l->st, name, values[i]) < 0)
			return -1;
	}
	return 0;
}

struct evse_dpm_link *evse_dpm_link_new(const struct evse_config *cfg, struct evse_store *st,
                                        struct evse_charge *charge, struct evse_ocpp *ocpp, uint64_t now_ms, char *err,
                                        size_t errcap)
{
	struct evse_dpm_settings s;
	struct evse_dpm_link *l = calloc(1, sizeof(*l));
	if (!l) {
		snprintf(err, errcap, "dpm: out of memory");
		return NULL;
	}
	l->cfg = cfg;
	l->st = st;
	l->charge = charge;
	l->ocpp = ocpp;
	if (seed_keys(l) < 0) {
		snprintf(err, errcap, "dpm: the store cannot keep the settings");
		goto out_free;
	}
	load_settings(l, &s, &l->enabled);
	if (evse_dpm_check(&s, err, errcap) < 0) {
		/* a kept key no longer fits the installation (renewable gone): FULL, and say so */
		WL_WARN(MOD, "%s: using FULL", err);
		s.mode = EVSE_DPM_FULL;
	}
	evse_dpm_init(&l->dpm, &s, now_ms);
	if (cfg->dpm_meter_host[0] || cfg->dpm_meter_device[0]) {
		struct evse_gm_map m;
		struct evse_gm_link link = {.port = cfg->dpm_meter_port,
		                            .baud = cfg->dpm_meter_baud,
		                            .parity = cfg->dpm_meter_parity[0],
		                            .slave = cfg->dpm_meter_slave,
		                            .pv_slave = cfg->dpm_pv_slave,
		                            .poll_ms = cfg->dpm_poll_ms,
		                            .timeout_ms = cfg->dpm_timeout_ms};
		snprintf(link.host, sizeof(link.host), "%s", cfg->dpm_meter_host);
		snprintf(link.device, sizeof(link.device), "%s", cfg->dpm_meter_device);
		if (evse_config_dpm_map(cfg, &m, err, errcap) < 0)
			goto out_free;
		l->io = evse_gm_io_start(&link, &m, err, errcap);
		if (!l->io)
			goto out_free;
	}
	l->reload_at = now_ms + RELOAD_MS;
	return l;
out_free:
	free(l);
	return NULL;
}

void evse_dpm_link_free(struct evse_dpm_link *l)
{
	if (!l)
		return;
	evse_gm_io_stop(l->io);
	free(l);
}

static void reload(struct evse_dpm_link *l)
{
	struct evse_dpm_settings s;
	bool enabled;
	char err[160];
	load_settings(l, &s, &enabled);
	if (evse_dpm_check(&s, err, sizeof(err)) < 0)
		return; /* the keys are checked when written; a half-written pair waits for the next reload */
	if (enabled != l->enabled)
		WL_INFO(MOD, "dynamic power management %s", enabled ? "on" : "off");
	l->enabled = enabled;
	evse_dpm_configure(&l->dpm, &s);
}

void evse_dpm_link_tick(struct evse_dpm_link *l, uint64_t now_ms)
{
	struct evse_dpm_reading r;
	char why[96];

	if (now_ms >= l->reload_at) {
		l->reload_at = now_ms + RELOAD_MS;
		reload(l);
	}
	/* readings are taken also while off: the page shows the figures, and switching on finds a fresh one */
	int got = l->io ? evse_gm_io_take(l->io, &r, why, sizeof(why)) : 0;
	if (got > 0) {
		struct evse_status st;
		double ev[EVSE_DPM_PHASES] = {0, 0, 0}, now_a[EVSE_DPM_PHASES] = {0, 0, 0};
		evse_charge_status(l->charge, now_ms, &st);
		/* the grid meter's reading may be older than the station's own: of the EV's current now and at
		 * the previous reading, the smaller is taken out (the house then looks bigger, never smaller) */
		for (int p = 0; p < EVSE_DPM_PHASES && p < EVSE_PHASES; p++) {
			now_a[p] = st.meter_ok && st.contactor ? st.meter.current_a[p] : 0.0;
			ev[p] = now_a[p] < l->ev_prev[p] ? now_a[p] : l->ev_prev[p];
			l->ev_prev[p] = now_a[p];
		}
		evse_dpm_feed(&l->dpm, &r, ev, now_ms);
		WL_DEBUG(MOD, "grid %.0f W, ev %.1f/%.1f/%.1f A (meter %d, contactor %d): offer %.1f A (%s)",
		         l->dpm.fig.grid_w, ev[0], ev[1], ev[2], st.meter_ok, st.contactor, l->dpm.offered,
		         evse_dpm_reason_text(l->dpm.reason));
	} else if (got < 0) {
		evse_dpm_meter_error(&l->dpm, why, now_ms);
	} else {
		evse_dpm_tick(&l->dpm, now_ms);
	}
	if (!l->enabled) {
		evse_charge_set_limit(l->charge, EVSE_LIMIT_POWER, -1.0);
		if (l->warned && l->ocpp)
			evse_ocpp_set_warning(l->ocpp, NULL);
		l->warned = false;
		l->fault_logged = false;
		return;
	}
	evse_charge_set_limit(l->charge, EVSE_LIMIT_POWER, l->yielded ? -1.0 : l->dpm.offered);

	if (l->dpm.faulted) {
		if (!l->fault_logged)
			WL_WARN(MOD, "grid meter fault (%s): %g A", l->dpm.error, l->dpm.offered);
		l->fault_logged = true;
		if (!evse_charge_trips(l->charge))
			evse_charge_show_message(l->charge, ERR_MET_TEXT, ERR_MET_SHOWN, now_ms);
		if (!l->warned && l->ocpp) {
			char info[OCPP_INFO_MAX + 1];
			snprintf(info, sizeof(info), "grid meter: %.38s", l->dpm.error);
			evse_ocpp_set_warning(l->ocpp, info);
		}
		l->warned = true;
	} else {
		if (l->fault_logged) {
			struct evse_status st;
			WL_INFO(MOD, "grid meter answers again");
			evse_charge_status(l->charge, now_ms, &st);
			if (strcmp(st.display, ERR_MET_TEXT) == 0)
				evse_charge_show_message(l->charge, "", 0, now_ms); /* ends ERR MET at once */
		}
		l->fault_logged = false;
		if (l->warned && l->ocpp)
			evse_ocpp_set_warning(l->ocpp, NULL);
		l->warned = false;
	}
}

void evse_dpm_link_yield(struct evse_dpm_link *l, bool yield)
{
	if (yield != l->yielded)
		WL_INFO(MOD, "%s",
		        yield ? "the group's load balancer owns the limit: the meter gives it the house load"
		              : "dynamic power management owns the limit again");
	l->yielded = yield;
}

int evse_dpm_link_grid(const struct evse_dpm_link *l, double grid_a[EVSE_DPM_PHASES], double *limit_a)
{
	if (!l->enabled)
		return 0;
	*limit_a = l->dpm.set.limit_a;
	if (!l->dpm.have_reading || l->dpm.faulted)
		return -1;
	for (int p = 0; p < EVSE_DPM_PHASES; p++)
		grid_a[p] = l->dpm.fig.grid_a[p];
	return 1;
}

static double round1(double v)
{
	return round(v * 10.0) / 10.0;
}

cJSON *evse_dpm_link_json(struct evse_dpm_link *l)
{
	const struct evse_dpm *d = &l->dpm;
	const struct evse_dpm_figures *f = &d->fig;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "enabled", l->enabled);
	cJSON_AddStringToObject(j, "mode", evse_dpm_mode_name(d->set.mode));
	cJSON_AddNumberToObject(j, "limit", d->set.limit_a);
	cJSON_AddNumberToObject(j, "minGridShare", d->set.min_grid_w);
	cJSON_AddBoolToObject(j, "renewable", d->set.renewable);
	cJSON_AddStringToObject(j, "meter", l->cfg->dpm_meter);
	cJSON_AddBoolToObject(j, "meterConfigured", l->io != NULL);
	cJSON_AddBoolToObject(j, "meterFault", d->faulted);
	cJSON_AddStringToObject(j, "meterError", d->error);
	cJSON_AddBoolToObject(j, "haveReading", d->have_reading);
	cJSON_AddNumberToObject(j, "gridW", round1(f->grid_w));
	cJSON_AddNumberToObject(j, "houseW", round1(f->house_w));
	cJSON_AddNumberToObject(j, "evW", round1(f->ev_w));
	if (f->has_pv)
		cJSON_AddNumberToObject(j, "pvW", round1(f->pv_w));
	else
		cJSON_AddNullToObject(j, "pvW");
	cJSON_AddNumberToObject(j, "availableA", round1(f->avail_a));
	cJSON_AddNumberToObject(j, "offeredA", round1(d->offered));
	cJSON_AddBoolToObject(j, "charging", d->on);
	cJSON_AddStringToObject(j, "reason", evse_dpm_reason_text(d->reason));
	cJSON_AddNumberToObject(j, "switches", d->switches);
	return j;
}

/* A JSON value as key text: 0, or -1 with err. */
static int json_value(const cJSON *v, enum evse_key k, char *out, size_t cap, char *err, size_t errcap)
{
	const char *name = evse_key_name(k);
	if (k == EVSE_KEY_WattlineDpmEnabled || k == EVSE_KEY_WattlineDpmRenewable) {
		if (!cJSON_IsBool(v))
			goto out_bad;
		snprintf(out, cap, "%s", cJSON_IsTrue(v) ? "true" : "false");
		return 0;
	}
	if (k == EVSE_KEY_WattlineDpmMode) {
		if (!cJSON_IsString(v) || evse_dpm_mode_parse(v->valuestring) < 0)
			goto out_bad;
		snprintf(out, cap, "%s", evse_dpm_mode_name((enum evse_dpm_mode)evse_dpm_mode_parse(v->valuestring)));
		return 0;
	}
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 ||
	    v->valuedouble > 500000)
		goto out_bad;
	snprintf(out, cap, "%d", (int)v->valuedouble);
	return 0;
out_bad:
	snprintf(err, errcap, "%s: bad value", name);
	return -1;
}

int evse_dpm_link_update(struct evse_dpm_link *l, const char *body, size_t len, char *err, size_t errcap)
{
	char values[N_KEYS][32];
	bool has[N_KEYS] = {false};
	int rc = -1;
	cJSON *j = cJSON_ParseWithLength(body, len);

	if (!cJSON_IsObject(j)) {
		snprintf(err, errcap, "body: not a JSON object");
		goto out;
	}
	for (cJSON *f = j->child; f; f = f->next) {
		size_t i = 0;
		while (i < N_KEYS && strcmp(key_rows[i].json, f->string) != 0)
			i++;
		if (i == N_KEYS) {
			snprintf(err, errcap, "%.40s: unknown field", f->string);
			goto out;
		}
		if (json_value(f, key_rows[i].key, values[i], sizeof(values[i]), err, errcap) < 0) {
			/* name the field as the app knows it */
			snprintf(err, errcap, "%s: bad value", key_rows[i].json);
			goto out;
		}
		has[i] = true;
	}
	/* the settings as they would be, checked together */
	struct evse_dpm_settings s;
	bool enabled;
	load_settings(l, &s, &enabled);
	if (has[1])
		s.mode = (enum evse_dpm_mode)evse_dpm_mode_parse(values[1]);
	if (has[2])
		s.limit_a = strtod(values[2], NULL);
	if (has[3])
		s.min_grid_w = strtod(values[3], NULL);
	if (has[4])
		s.renewable = strcmp(values[4], "true") == 0;
	if (evse_dpm_check(&s, err, errcap) < 0)
		goto out;
	for (size_t i = 0; i < N_KEYS; i++) {
		char name[80];
		snprintf(name, sizeof(name), "ocpp.%s", evse_key_name(key_rows[i].key));
		if (has[i] && evse_store_set(l->st, name, values[i]) < 0) {
			snprintf(err, errcap, "the store cannot keep %s", key_rows[i].json);
			goto out;
		}
	}
	reload(l);
	rc = 0;
out:
	cJSON_Delete(j);
	return rc;
}

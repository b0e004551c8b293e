/* evse_ocpp_smart.c — smart charging in the OCPP client: SetChargingProfile, ClearChargingProfile and
 * GetCompositeSchedule over the schedule math of evse_smart, the profiles kept in the store (as the JSON
 * of their SetChargingProfile.req), and the composite limit handed to the charging point as its
 * EVSE_LIMIT_SMART, re-evaluated on the control tick at the next schedule boundary. */
#include "evse_ocpp_int.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_log.h"

#define MOD "smart"

/* The longest the limit goes without a fresh evaluation (a wall-clock step must not hold a stale limit). */
#define SMART_RECHECK_MS 60000

static void reply(struct ocpp_rpc *rpc, const struct ocpp_incoming *in, const void *conf)
{
	struct ocpp_error err;
	if (ocpp_rpc_reply(rpc, in->id, conf, &err) < 0)
		WL_ERROR(MOD, "reply to %s: %s", ocpp_action_name(in->action), err.message);
}

static bool parse_time(const char *s, int64_t *ms)
{
	*ms = 0;
	return !s || ocpp_time_parse(s, ms);
}

/* The OCPP profile as evse_smart's; received_ms stands in for a missing startSchedule of an Absolute one. */
int evse_ocpp_smart_profile(const struct ocpp_charging_profile *cp, int connector, int64_t received_ms,
                            struct evse_smart_profile *p, char *err, size_t errcap)
{
	static const enum evse_smart_purpose purposes[] = {
	    [OCPP_CHARGING_PROFILE_PURPOSE_CHARGE_POINT_MAX_PROFILE] = EVSE_SMART_CP_MAX,
	    [OCPP_CHARGING_PROFILE_PURPOSE_TX_DEFAULT_PROFILE] = EVSE_SMART_TX_DEFAULT,
	    [OCPP_CHARGING_PROFILE_PURPOSE_TX_PROFILE] = EVSE_SMART_TX,
	};
	const struct ocpp_charging_schedule *cs = cp->charging_schedule;
	memset(p, 0, sizeof(*p));
	p->id = cp->charging_profile_id;
	p->connector = connector;
	p->tx_id = cp->has_transaction_id ? cp->transaction_id : 0;
	p->stack_level = (int)(cp->stack_level > 1000 ? 1000 : cp->stack_level);
	p->purpose = purposes[cp->charging_profile_purpose];
	switch (cp->charging_profile_kind) {
	case OCPP_CHARGING_PROFILE_KIND_ABSOLUTE: p->kind = EVSE_SMART_ABSOLUTE; break;
	case OCPP_CHARGING_PROFILE_KIND_RELATIVE: p->kind = EVSE_SMART_RELATIVE; break;
	case OCPP_CHARGING_PROFILE_KIND_RECURRING:
		if (!cp->has_recurrency_kind) {
			snprintf(err, errcap, "Recurring without recurrencyKind");
			return -1;
		}
		p->kind = cp->recurrency_kind == OCPP_RECURRENCY_KIND_DAILY ? EVSE_SMART_DAILY : EVSE_SMART_WEEKLY;
		break;
	}
	if (!parse_time(cp->valid_from, &p->valid_from_ms) || !parse_time(cp->valid_to, &p->valid_to_ms) ||
	    !parse_time(cs->start_schedule, &p->start_ms)) {
		snprintf(err, errcap, "unreadable date-time");
		return -1;
	}
	if (!cs->start_schedule && p->kind == EVSE_SMART_ABSOLUTE)
		p->start_ms = received_ms;
	p->duration_s = cs->has_duration ? cs->duration : 0;
	p->unit_w = cs->charging_rate_unit == OCPP_CHARGING_RATE_UNIT_W;
	p->min_rate = cs->has_min_charging_rate ? cs->min_charging_rate : 0.0;
	if (cs->n_charging_schedule_period > EVSE_SMART_MAX_PERIODS) {
		snprintf(err, errcap, "%zu periods, at most %d", cs->n_charging_schedule_period,
		         EVSE_SMART_MAX_PERIODS);
		return -1;
	}
	p->n_periods = cs->n_charging_schedule_period;
	for (size_t i = 0; i < p->n_periods; i++) {
		const struct ocpp_charging_schedule_period *sp = &cs->charging_schedule_period[i];
		p->periods[i].start_s = sp->start_period;
		p->periods[i].limit = sp->limit;
		p->periods[i].phases =
		    (int)(sp->has_number_phases ? (sp->number_phases > 3 ? 4 : sp->number_phases) : 0);
	}
	return evse_smart_check(p, err, errcap);
}

static void forget(struct evse_ocpp *o, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		evse_store_profile_del(o->st, ids[i]);
		WL_INFO(MOD, "charging profile %" PRId64 " removed", ids[i]);
	}
	o->smart_dirty = true;
}

/* Installs a profile for connector: checked, kept in the store, in force from the next tick. */
static int install(struct evse_ocpp *o, int64_t connector, const struct ocpp_charging_profile *cp, char *err,
                   size_t errcap)
{
	struct evse_smart_profile p;
	struct ocpp_error e;
	int64_t now = (int64_t)evse_ocpp__wall(o);
	if (evse_ocpp_smart_profile(cp, (int)connector, now, &p, err, errcap) < 0)
		return -1;
	if (p.purpose == EVSE_SMART_TX) {
		int64_t remote = evse_ocpp__remote_tx(o);
		if (!o->open_tx) {
			snprintf(err, errcap, "TxProfile without a transaction");
			return -1;
		}
		if (cp->has_transaction_id && cp->transaction_id != remote) {
			snprintf(err, errcap, "transaction %" PRId64 " is not the running one", cp->transaction_id);
			return -1;
		}
		p.tx_id = remote > 0 ? remote : 0;
	}
	struct evse_smart_profile old[EVSE_SMART_MAX_PROFILES];
	size_t n_old = o->smart->n;
	memcpy(old, o->smart->p, n_old * sizeof(old[0]));
	if (evse_smart_add(o->smart, &p) < 0) {
		snprintf(err, errcap, "%d profiles installed already", EVSE_SMART_MAX_PROFILES);
		return -1;
	}
	/* the ones it replaced leave the store too */
	for (size_t i = 0; i < n_old; i++) {
		bool kept = false;
		for (size_t j = 0; j < o->smart->n && !kept; j++)
			kept = o->smart->p[j].id == old[i].id;
		if (!kept)
			evse_store_profile_del(o->st, old[i].id);
	}
	struct ocpp_set_charging_profile_req req = {.connector_id = connector,
	                                            .cs_charging_profiles = (struct ocpp_charging_profile *)cp};
	if (p.purpose != EVSE_SMART_TX) { /* a TxProfile dies with its transaction, which a restart ends */
		cJSON *j = ocpp_encode(&ocpp_type_set_charging_profile_req, &req, &e);
		char *text = j ? cJSON_PrintUnformatted(j) : NULL;
		cJSON_Delete(j);
		if (!text || evse_store_profile_put(o->st, p.id, now, text) < 0)
			WL_ERROR(MOD, "charging profile %" PRId64 " not stored: it is lost at a restart", p.id);
		free(text);
	}
	WL_INFO(MOD, "charging profile %" PRId64 " installed (connector %" PRId64 ", stack level %d)", p.id, connector,
	        p.stack_level);
	o->smart_dirty = true;
	return 0;
}

static void load_one(void *ctx, int64_t id, int64_t received_ms, const char *json)
{
	struct evse_ocpp *o = ctx;
	struct ocpp_payload pl;
	struct ocpp_error err;
	struct evse_smart_profile p;
	char why[160] = "unreadable";
	cJSON *j = cJSON_Parse(json);
	memset(&pl, 0, sizeof(pl));
	if (j && ocpp_decode(&ocpp_type_set_charging_profile_req, j, NULL, &pl, &err) == 0) {
		const struct ocpp_set_charging_profile_req *req = pl.data;
		if (evse_ocpp_smart_profile(req->cs_charging_profiles, (int)req->connector_id, received_ms, &p, why,
		                            sizeof(why)) == 0 &&
		    evse_smart_add(o->smart, &p) == 0)
			why[0] = '\0';
	}
	if (why[0])
		WL_ERROR(MOD, "stored charging profile %" PRId64 " dropped: %s", id, why);
	ocpp_payload_release(&pl);
	cJSON_Delete(j);
}

int evse_ocpp__smart_init(struct evse_ocpp *o)
{
	o->smart = calloc(1, sizeof(*o->smart));
	if (!o->smart)
		return -1;
	evse_smart_init(o->smart, o->cfg->voltage_v, o->cfg->phases);
	o->smart_applied = -2.0;
	o->smart_dirty = true;
	evse_store_profile_each(o->st, load_one, o);
	if (o->smart->n)
		WL_INFO(MOD, "%zu charging profile(s) restored", o->smart->n);
	return 0;
}

static void tx_of(const struct evse_ocpp *o, struct evse_smart_tx *tx)
{
	int64_t remote = evse_ocpp__remote_tx(o);
	tx->active = o->open_tx != 0;
	tx->id = remote > 0 ? remote : 0;
	tx->start_ms = o->tx_start_wall;
}

void evse_ocpp__smart_tick(struct evse_ocpp *o)
{
	int64_t wall = (int64_t)evse_ocpp__wall(o), next;
	struct evse_smart_tx tx;
	if (!o->smart_dirty && wall < o->smart_next_wall)
		return;
	tx_of(o, &tx);
	double a = evse_smart_limit_at(o->smart, 1, &tx, wall, wall, &next);
	o->smart_dirty = false;
	o->smart_next_wall = next - wall > SMART_RECHECK_MS ? wall + SMART_RECHECK_MS : next;
	if (a != o->smart_applied) {
		if (a < 0.0)
			WL_INFO(MOD, "no smart-charging limit");
		else
			WL_INFO(MOD, "smart-charging limit %.1f A", a);
		o->smart_applied = a;
		evse_charge_set_limit(o->charge, EVSE_LIMIT_SMART, a);
	}
}

double evse_ocpp_smart_limit(const struct evse_ocpp *o)
{
	return o->smart_applied < 0.0 ? -1.0 : o->smart_applied;
}

double evse_ocpp_station_max(const struct evse_ocpp *o)
{
	return evse_smart_station_max_at(o->smart, (int64_t)evse_ocpp__wall(o));
}

void evse_ocpp__smart_tx_started(struct evse_ocpp *o)
{
	o->tx_start_wall = (int64_t)evse_ocpp__wall(o);
	o->smart_dirty = true;
	if (o->remote_profile) {
		char err[160];
		const struct ocpp_set_charging_profile_req *req = o->remote_profile->data;
		if (install(o, 1, req->cs_charging_profiles, err, sizeof(err)) < 0)
			WL_WARN(MOD, "the remote start's charging profile: %s", err);
		evse_ocpp__smart_drop_remote_profile(o);
	}
}

void evse_ocpp__smart_tx_ended(struct evse_ocpp *o)
{
	int64_t gone[EVSE_SMART_MAX_PROFILES];
	size_t n = evse_smart_end_tx(o->smart, gone, EVSE_SMART_MAX_PROFILES);
	forget(o, gone, n < EVSE_SMART_MAX_PROFILES ? n : EVSE_SMART_MAX_PROFILES);
}

void evse_ocpp__smart_drop_remote_profile(struct evse_ocpp *o)
{
	if (!o->remote_profile)
		return;
	ocpp_payload_release(o->remote_profile);
	free(o->remote_profile);
	o->remote_profile = NULL;
}

int evse_ocpp__smart_remote_profile(struct evse_ocpp *o, const struct ocpp_charging_profile *cp)
{
	struct ocpp_error err;
	struct evse_smart_profile p;
	char why[160];
	struct ocpp_set_charging_profile_req req = {.connector_id = 1,
	                                            .cs_charging_profiles = (struct ocpp_charging_profile *)cp};
	if (cp->charging_profile_purpose != OCPP_CHARGING_PROFILE_PURPOSE_TX_PROFILE ||
	    evse_ocpp_smart_profile(cp, 1, 0, &p, why, sizeof(why)) < 0)
		return -1;
	/* keep a decoded copy of its own: the call's payload ends with the handler */
	evse_ocpp__smart_drop_remote_profile(o);
	cJSON *j = ocpp_encode(&ocpp_type_set_charging_profile_req, &req, &err);
	o->remote_profile = calloc(1, sizeof(*o->remote_profile));
	if (!j || !o->remote_profile ||
	    ocpp_decode(&ocpp_type_set_charging_profile_req, j, NULL, o->remote_profile, &err) < 0) {
		cJSON_Delete(j);
		evse_ocpp__smart_drop_remote_profile(o);
		return -1;
	}
	cJSON_Delete(j);
	return 0;
}

void evse_ocpp__smart_free(struct evse_ocpp *o)
{
	evse_ocpp__smart_drop_remote_profile(o);
	free(o->smart);
	o->smart = NULL;
}

/* ---- the central system's calls ---- */

void evse_ocpp__on_set_charging_profile(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_set_charging_profile_req *req = in->req;
	struct ocpp_set_charging_profile_conf conf = {.status = OCPP_CHARGING_PROFILE_STATUS_ACCEPTED};
	char err[160];
	if (req->connector_id < 0 || req->connector_id > 1) {
		snprintf(err, sizeof(err), "connector %" PRId64 " out of range (0..1)", req->connector_id);
		goto refuse;
	}
	if (install(o, req->connector_id, req->cs_charging_profiles, err, sizeof(err)) < 0)
		goto refuse;
	reply(rpc, in, &conf);
	return;
refuse:
	WL_WARN(MOD, "charging profile %" PRId64 " rejected: %s", req->cs_charging_profiles->charging_profile_id, err);
	conf.status = OCPP_CHARGING_PROFILE_STATUS_REJECTED;
	reply(rpc, in, &conf);
}

void evse_ocpp__on_clear_charging_profile(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_clear_charging_profile_req *req = in->req;
	struct ocpp_clear_charging_profile_conf conf = {.status = OCPP_CLEAR_CHARGING_PROFILE_STATUS_UNKNOWN};
	int64_t gone[EVSE_SMART_MAX_PROFILES];
	static const int purpose_of[] = {
	    [OCPP_CHARGING_PROFILE_PURPOSE_CHARGE_POINT_MAX_PROFILE] = EVSE_SMART_CP_MAX,
	    [OCPP_CHARGING_PROFILE_PURPOSE_TX_DEFAULT_PROFILE] = EVSE_SMART_TX_DEFAULT,
	    [OCPP_CHARGING_PROFILE_PURPOSE_TX_PROFILE] = EVSE_SMART_TX,
	};
	int connector = req->has_connector_id ? (int)(req->connector_id > 1000 ? 1000 : req->connector_id) : -1;
	int purpose = req->has_charging_profile_purpose ? purpose_of[req->charging_profile_purpose] : -1;
	int stack = req->has_stack_level ? (int)(req->stack_level > 1000 ? 1000 : req->stack_level) : -1;
	size_t n = evse_smart_clear(o->smart, req->has_id ? req->id : -1, connector, purpose, stack, gone,
	                            EVSE_SMART_MAX_PROFILES);
	if (n) {
		forget(o, gone, n);
		conf.status = OCPP_CLEAR_CHARGING_PROFILE_STATUS_ACCEPTED;
	}
	reply(rpc, in, &conf);
}

void evse_ocpp__on_get_composite_schedule(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_get_composite_schedule_req *req = in->req;
	struct ocpp_get_composite_schedule_conf conf = {.status = OCPP_GENERIC_STATUS_REJECTED};
	struct evse_smart_out out[EVSE_SMART_MAX_COMPOSITE];
	struct ocpp_charging_schedule_period periods[EVSE_SMART_MAX_COMPOSITE];
	struct evse_smart_tx tx;
	char ts[40];

	if (req->connector_id < 0 || req->connector_id > 1) {
		reply(rpc, in, &conf);
		return;
	}
	bool w = req->has_charging_rate_unit && req->charging_rate_unit == OCPP_CHARGING_RATE_UNIT_W;
	int64_t now = (int64_t)evse_ocpp__wall(o);
	int64_t duration = req->duration > 0 && req->duration < 31 * 86400 ? req->duration : 31 * 86400;
	tx_of(o, &tx);
	size_t n = evse_smart_composite(o->smart, (int)req->connector_id, &tx, now, duration, w,
	                                (double)o->cfg->max_current_a, out, EVSE_SMART_MAX_COMPOSITE);
	for (size_t i = 0; i < n; i++)
		periods[i] =
		    (struct ocpp_charging_schedule_period){.start_period = out[i].start_s, .limit = out[i].limit};
	ocpp_time_format(now, ts, sizeof(ts));
	struct ocpp_charging_schedule cs = {
	    .has_duration = true,
	    .duration = duration,
	    .start_schedule = ts,
	    .charging_rate_unit = w ? OCPP_CHARGING_RATE_UNIT_W : OCPP_CHARGING_RATE_UNIT_A,
	    .n_charging_schedule_period = n,
	    .charging_schedule_period = periods,
	};
	conf.status = OCPP_GENERIC_STATUS_ACCEPTED;
	conf.has_connector_id = true;
	conf.connector_id = req->connector_id;
	conf.schedule_start = ts;
	conf.charging_schedule = &cs;
	reply(rpc, in, &conf);
}

/* evse_group_lms.c — the Master's Local Management System in the relay: the rules of its users applied to the
 * Authorize and StartTransaction of every point (the Satellites' through the relay, the Master's own through
 * the station's filter), the group's transactions recorded in the store, the live figures of each session,
 * FirmwareStatusNotifications kept, and the operator's actions. Order of the decisions (docs/evse.md "Local
 * Management System"): free access accepts every card at the Master; otherwise a card of an LMS user is checked
 * against its rules first (a refusal is answered at once, never asked upstream), then upstream decides when it
 * is connected; offline the LMS acceptance is enough; a card of no user goes on as before (upstream, or the
 * Master's local list / cache). */
#define _DEFAULT_SOURCE /* struct tm: tm_gmtoff */
#include "evse_group_int.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evse_group_lms.h"
#include "evse_lb.h"
#include "evse_lms.h"
#include "ocpp.h"
#include "ocpp_schema.h"
#include "ocpp_text.h"
#include "wl_log.h"

#define MOD          "lms"
#define RESET_ALL_MS 2000 /* the Master restarts this long after its Satellites were told to */
#define FW_URL_MAX   512
#define LIVE_MS      5000  /* while the status page is read, a running Satellite session's meter at most this old */
#define OWN_STORE_WH 10    /* the Master's own session's energy kept in the store when it grew this much, */
#define OWN_STORE_MS 10000 /* or this long after the last time, like a Satellite's MeterValues */
#define STOP_GRACE_MS                                                                                                  \
	3000 /* a Satellite's start answered with an LMS refusal: the Master stops it if it still runs this long after \
	      */

struct lms_point {
	bool paused;
	int cap_a;   /* 0: the point's maximum */
	int64_t row; /* its running session's row in group_tx, 0 none */
	int64_t tx_id;
	char id_tag[WL_IDTAG_KEY_MAX];
	int64_t start_ms;          /* wall */
	double meter_start, meter; /* Wh, absolute */
	double amps, watts;        /* latest, -1 unknown */
	double stored_wh;          /* the Master's own session: the meter last kept in the store (Wh, absolute) */
	uint64_t stored_at;        /* and when (monotonic) */
	const char *refused;       /* an LMS refusal of the StartTransaction on its way: the status to answer */
	const char *refused_as;    /* the refusal its StartTransaction was answered with */
	uint64_t trig_at;          /* the last TriggerMessage MeterValues sent for the status page (monotonic) */
	uint64_t stop_at; /* a Satellite's start the rules refused: RemoteStopTransaction then if it runs (monotonic), 0
	                     none */
	/* without the balancer, the pause / cap as the point's limit: */
	bool sync;        /* to be sent (again): changed, or not sent (its Satellite offline) */
	bool clear_whole; /* a connector of a Satellite of several: the balancer's total (id 900001) to clear too */
	unsigned serial;  /* the Satellite connection it was last sent on (sent again when it reconnects) */
};

struct lms_fw {
	char status[32]; /* the latest FirmwareStatusNotification, "" none */
	int64_t at;      /* wall ms */
	char location[FW_URL_MAX];
};

struct evse_group_lms {
	bool free_access;
	int threshold_a; /* -1: the config's */
	struct lms_point point[EVSE_GROUP_POINTS_MAX];
	struct lms_fw fw[EVSE_GROUP_SAT_MAX];
	uint64_t reset_all_at;   /* 0: none pending */
	const char *own_refused; /* the Master's own session started against the LMS rules: stopped at the next tick */
};

static int64_t wall(const struct evse_group *g)
{
	return evse_station_wall_ms(g->st);
}

static long utc_offset_s(int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	return localtime_r(&t, &tm) ? tm.tm_gmtoff : 0;
}

/* ---- the rules ---- */

/* The verdict of the LMS on card: 1 allowed (a user's card), 0 no user has it, -1 refused (status in *status);
 * except_row: the row of this very start, left out of the count. */
static int judge(struct evse_group *g, const char *card, int64_t except_row, const char **status, int64_t *user_id)
{
	struct evse_lms_user u;
	struct evse_lms_usage use = {0};
	*user_id = 0;
	int found = card && card[0] ? evse_store_lms_user_by_card(g->st->store, card, &u) : 0;
	if (found < 0) { /* not known to be no user's: refused, never let through */
		*status = "Invalid";
		WL_WARN(MOD, "card %s refused: the LMS users cannot be read", card);
		return -1;
	}
	if (found != 1)
		return 0;
	*user_id = u.id;
	if (evse_store_gtx_usage(g->st->store, u.id, u.from_ms, u.until_ms, except_row, &use) < 0) {
		*status = "Invalid";
		WL_WARN(MOD, "card %s of %s refused: its usage cannot be read", card, u.name);
		return -1;
	}
	int64_t now = wall(g);
	enum evse_lms_verdict v = evse_lms_check(&u, now, utc_offset_s(now), &use);
	if (v == EVSE_LMS_ALLOWED)
		return 1;
	*status = evse_lms_verdict_status(v);
	WL_INFO(MOD, "card %s of %s refused (%s): %s (%d sessions, %.3f kWh used)", card, u.name, *status,
	        evse_lms_verdict_text(v), use.sessions, use.wh / 1000.0);
	return -1;
}

static void answer_authorize(struct group_conn *c, const char *id, enum ocpp_authorization_status st)
{
	struct ocpp_error err;
	struct ocpp_id_tag_info info = {.status = st};
	struct ocpp_authorize_conf conf = {.id_tag_info = &info};
	ocpp_rpc_reply(c->rpc, id, &conf, &err);
	evse_group__flush(c);
}

bool evse_group__lms_authorize(struct group_conn *c, const struct ocpp_incoming *in)
{
	struct evse_group *g = c->g;
	const struct ocpp_authorize_req *req = in->req;
	const char *status = NULL;
	int64_t user;
	if (in->action != OCPP_Authorize || !g->lms)
		return false;
	if (g->lms->free_access) {
		answer_authorize(c, in->id, OCPP_AUTHORIZATION_STATUS_ACCEPTED);
		return true;
	}
	int v = judge(g, req->id_tag, 0, &status, &user);
	if (v < 0) {
		answer_authorize(
		    c, in->id,
		    (enum ocpp_authorization_status)ocpp_enum_value(&ocpp_enum_authorization_status, status));
		return true;
	}
	if (v > 0 && !evse_ocpp_online(g->st->ocpp)) { /* offline: the LMS is the group's authority */
		answer_authorize(c, in->id, OCPP_AUTHORIZATION_STATUS_ACCEPTED);
		return true;
	}
	return false; /* upstream decides (or, offline, the Master's list / cache for a card of no user) */
}

/* The Master's own socket: the station asks before its own Authorize. */
static int own_filter(void *ctx, const char *id_tag)
{
	struct evse_group *g = ctx;
	const char *status = NULL;
	int64_t user;
	if (g->lms->free_access)
		return 1;
	int v = judge(g, id_tag, 0, &status, &user);
	return v < 0 ? -1 : v > 0 && !evse_ocpp_online(g->st->ocpp) ? 1 : 0;
}

/* A RemoteStartTransaction from upstream for point k (the Master's own socket or a Satellite's connector): true
 * when the rules refuse its card, answered Rejected then and never passed down. */
bool evse_group__lms_remote_refused(struct evse_group *g, const struct ocpp_remote_start_transaction_req *req)
{
	const char *status = NULL;
	int64_t user;
	int sat, local;
	int k = req->has_connector_id ? req->connector_id : 1; /* none: the Master's station takes it on its own */
	if (!g->lms || g->lms->free_access || evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return false;
	if (judge(g, req->id_tag, 0, &status, &user) >= 0)
		return false;
	WL_INFO(MOD, "connector %d: remote start of %s rejected (%s, the LMS rules)", k, req->id_tag, status);
	return true;
}

/* ---- the group's transactions ---- */

static const char *json_str(const cJSON *j, const char *k)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k);
	return cJSON_IsString(x) ? x->valuestring : NULL;
}

static double json_num(const cJSON *j, const char *k, double def)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, k);
	return cJSON_IsNumber(x) ? x->valuedouble : def;
}

static void point_clear(struct lms_point *p)
{
	p->row = p->tx_id = 0;
	p->id_tag[0] = '\0';
	p->amps = p->watts = -1;
	p->refused = p->refused_as = NULL;
	p->stop_at = 0;
}

static void record_start(struct evse_group *g, int k, const char *point, const char *id_tag, const char *ts,
                         double meter_start)
{
	struct lms_point *p = &g->lms->point[k - 1];
	struct evse_group_tx t = {.connector = k, .meter_start = meter_start};
	const char *status = NULL;
	snprintf(t.point, sizeof(t.point), "%s", point);
	wl_idtag_key(id_tag ? id_tag : "", t.id_tag);
	snprintf(t.start, sizeof(t.start), "%s", ts ? ts : "");
	if (!ts || !ocpp_time_parse(ts, &t.start_ms))
		t.start_ms = wall(g);
	struct evse_lms_user u;
	if (evse_store_lms_user_by_card(g->st->store, t.id_tag, &u) == 1)
		t.user_id = u.id; /* the user of the card when it started */
	int64_t row = evse_store_gtx_start(g->st->store, &t);
	if (row <= 0) {
		WL_WARN(MOD, "connector %d: the start of %s could not be recorded", k, t.id_tag);
		return;
	}
	point_clear(p);
	p->row = row;
	snprintf(p->id_tag, sizeof(p->id_tag), "%s", t.id_tag);
	p->start_ms = t.start_ms;
	p->meter_start = p->meter = p->stored_wh = meter_start;
	p->stored_at = g->now;
	if (!g->lms->free_access && judge(g, id_tag, row, &status, &t.user_id) < 0) {
		p->refused = status;
		if (evse_store_gtx_refuse(g->st->store, row, status) < 0)
			WL_WARN(MOD, "connector %d: the refusal of %s could not be recorded", k, t.id_tag);
	}
}

static void record_stop(struct evse_group *g, struct lms_point *p, int64_t row, const char *ts, double meter_stop,
                        const char *reason)
{
	int64_t stop_ms;
	if (!ts || !ocpp_time_parse(ts, &stop_ms))
		stop_ms = wall(g);
	char now[40];
	if (!ts) {
		ocpp_time_format(stop_ms, now, sizeof(now));
		ts = now;
	}
	if (row > 0)
		evse_store_gtx_stop(g->st->store, row, ts, stop_ms, meter_stop, reason);
	if (p)
		point_clear(p);
}

/* The point whose running session is transaction tx (its row), or NULL. */
static struct lms_point *point_of_tx(struct evse_group *g, int64_t tx)
{
	for (int i = 0; i < g->map.total && i < EVSE_GROUP_POINTS_MAX; i++)
		if (g->lms->point[i].row && g->lms->point[i].tx_id == tx)
			return &g->lms->point[i];
	return NULL;
}

void evse_group__lms_seen(struct evse_group *g, int sat, enum ocpp_action a, int k, const cJSON *j)
{
	if (!g->lms || k < 1 || k > EVSE_GROUP_POINTS_MAX)
		return;
	struct lms_point *p = &g->lms->point[k - 1];
	if (a == OCPP_StartTransaction) {
		record_start(g, k, g->map.sat[sat].id, json_str(j, "idTag"), json_str(j, "timestamp"),
		             json_num(j, "meterStart", 0));
	} else if (a == OCPP_MeterValues) {
		struct evse_lms_meter m;
		evse_lms_meter_read(j, &m);
		double tx = json_num(j, "transactionId", 0);
		if (!p->row || (tx && p->tx_id && (int64_t)tx != p->tx_id))
			return;
		if (m.wh >= 0) {
			p->meter = m.wh;
			evse_store_gtx_meter(g->st->store, p->row, m.wh);
		}
		if (m.amps >= 0)
			p->amps = m.amps;
		if (m.watts >= 0)
			p->watts = m.watts;
	}
}

/* StopTransaction carries no connector: found by its transactionId. */
void evse_group__lms_stop_seen(struct evse_group *g, const cJSON *j)
{
	if (!g->lms)
		return;
	int64_t tx = (int64_t)json_num(j, "transactionId", 0);
	struct lms_point *p = point_of_tx(g, tx);
	int64_t row = p ? p->row : evse_store_gtx_find(g->st->store, tx);
	const char *reason = json_str(j, "reason");
	record_stop(g, p, row, json_str(j, "timestamp"), json_num(j, "meterStop", 0), reason ? reason : "Local");
}

const void *evse_group__lms_started(struct evse_group *g, const cJSON *req, const void *conf_in,
                                    struct ocpp_start_transaction_conf *copy, struct ocpp_id_tag_info *info)
{
	const struct ocpp_start_transaction_conf *conf = conf_in;
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(req, "connectorId");
	int k = cJSON_IsNumber(c) ? (int)c->valuedouble : 0;
	if (!g->lms || k < 1 || k > EVSE_GROUP_POINTS_MAX)
		return conf;
	struct lms_point *p = &g->lms->point[k - 1];
	if (p->row) {
		p->tx_id = conf->transaction_id;
		evse_store_gtx_set_tx(g->st->store, p->row, conf->transaction_id);
	}
	if (!p->refused || !conf->id_tag_info)
		return conf;
	*copy = *conf;
	*info = *conf->id_tag_info;
	info->status = (enum ocpp_authorization_status)ocpp_enum_value(&ocpp_enum_authorization_status, p->refused);
	copy->id_tag_info = info;
	WL_INFO(MOD, "connector %d: transaction %" PRId64 " answered %s (the LMS rules)", k, conf->transaction_id,
	        p->refused);
	p->refused_as = p->refused;
	p->refused = NULL;
	p->stop_at = g->now + STOP_GRACE_MS; /* a Satellite that does not end it on that answer is stopped */
	return copy;
}

/* The Master's own socket: its session's start and end from the station. */
static void own_session(void *ctx, const struct evse_session *ses, bool stop, const char *reason, double stop_wh)
{
	struct evse_group *g = ctx;
	struct lms_point *p = &g->lms->point[0];
	char ts[40];
	if (!stop) {
		ocpp_time_format(wall(g), ts, sizeof(ts));
		record_start(g, 1, "master", ses->id_tag, ts, ses->start_wh);
		/* a tap's Authorize was filtered already, but a RemoteStartTransaction never passes the filter: a start
		 * the rules refuse is stopped (DeAuthorized) like a Satellite's, out of this callback */
		g->lms->own_refused = p->refused;
		p->refused = NULL;
		return;
	}
	record_stop(g, p, p->row, NULL, stop_wh, reason);
}

/* Point k's pause or cap as its limit (none: cleared): the Master's own socket its EVSE_LIMIT_GROUP, a Satellite
 * of one connector its ChargePointMaxProfile, a connector of a Satellite of several its own TxDefaultProfile (so a
 * pause of one connector does not suspend the others). 0 sent, -1 not (the Satellite offline). */
static int sync_point(struct evse_group *g, int k)
{
	struct lms_point *p = &g->lms->point[k - 1];
	double amps = p->paused ? 0 : p->cap_a ? (double)p->cap_a : -1;
	int sat, local;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return -1;
	if (sat < 0)
		return evse_group_set_point_limit(g, k, amps);
	const struct group_conn *c = g->sat[sat].conn;
	if (!c)
		return -1;
	if (g->map.sat[sat].connectors > 1) {
		if (p->clear_whole && evse_group_set_point_limit(g, k, -1) < 0)
			return -1;
		p->clear_whole = false;
		if (evse_group_set_connector_limit(g, k, amps) < 0)
			return -1;
	} else if (evse_group_set_point_limit(g, k, amps) < 0) {
		return -1;
	}
	p->serial = c->serial;
	return 0;
}

/* FirmwareStatusNotification of a Satellite: kept for the status page, acknowledged. */
void evse_group__lms_fw_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct group_conn *c = ctx;
	struct evse_group *g = c->g;
	struct ocpp_error err;
	struct ocpp_firmware_status_notification_conf conf = {0};
	const struct ocpp_firmware_status_notification_req *req = in->req;
	ocpp_rpc_reply(rpc, in->id, &conf, &err);
	if (!g->lms || c->sat < 0)
		return;
	struct lms_fw *f = &g->lms->fw[c->sat];
	snprintf(f->status, sizeof(f->status), "%s", ocpp_enum_name(&ocpp_enum_firmware_status, (int)req->status));
	f->at = wall(g);
	WL_INFO(MOD, "satellite %s: firmware %s", g->map.sat[c->sat].id, f->status);
}

/* ---- the balancer's inputs ---- */

int evse_group__threshold(const struct evse_group *g)
{
	return g->lms && g->lms->threshold_a >= 0 ? g->lms->threshold_a : g->cfg->group_threshold_a;
}

void evse_group__lms_caps(const struct evse_group *g, struct evse_lb_input *in)
{
	for (int i = 0; g->lms && i < in->n_points && i < EVSE_GROUP_POINTS_MAX; i++) {
		const struct lms_point *p = &g->lms->point[i];
		/* paused: wanting nothing, it gets 0 A (its session kept) and, resumed, it is a new arrival that starts
		 * as soon as its 6 A fit, not held off by the balancer's own min_off */
		if (p->paused)
			in->point[i].wants = false;
		if (p->cap_a && (in->point[i].cap_da == EVSE_LB_NO_CAP || p->cap_a * 10 < in->point[i].cap_da))
			in->point[i].cap_da = p->cap_a * 10;
	}
}

/* ---- life cycle ---- */

/* A number the LMS kept in the store: 1 read into *out, 0 none or neither 0 nor lo..hi (a damaged value is logged and
 * left out: the setting's default holds). */
static int stored_int(struct evse_group *g, const char *key, long lo, long hi, int *out)
{
	char v[16], *end;
	if (evse_store_get(g->st->store, key, v, sizeof(v)) != 1 || !v[0])
		return 0;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || (n != 0 && (n < lo || n > hi))) {
		WL_WARN(MOD, "%s: stored value \"%s\" is not 0 or %ld..%ld: left out", key, v, lo, hi);
		return 0;
	}
	*out = (int)n;
	return 1;
}

static void load(struct evse_group *g)
{
	char key[32], v[16];
	struct evse_group_lms *l = g->lms;
	l->threshold_a = -1;
	if (evse_store_get(g->st->store, "lms.access", v, sizeof(v)) == 1)
		l->free_access = strcmp(v, "free") == 0;
	stored_int(g, "lms.threshold", 6, 800, &l->threshold_a);
	for (int k = 1; k <= g->map.total && k <= EVSE_GROUP_POINTS_MAX; k++) {
		point_clear(&l->point[k - 1]);
		snprintf(key, sizeof(key), "lms.cap.%d", k);
		stored_int(g, key, 6, 80, &l->point[k - 1].cap_a);
		snprintf(key, sizeof(key), "lms.paused.%d", k);
		l->point[k - 1].paused = evse_store_get(g->st->store, key, v, sizeof(v)) == 1 && strcmp(v, "1") == 0;
		/* applied at the first ticks (without the balancer; with it, its inputs): the Master's own limit is
		 * in memory only, and a Satellite gets it when it connects */
		l->point[k - 1].sync = l->point[k - 1].paused || l->point[k - 1].cap_a;
	}
}

int evse_group__lms_new(struct evse_group *g)
{
	g->lms = calloc(1, sizeof(*g->lms));
	if (!g->lms)
		return -1;
	load(g);
	evse_station_set_lms(g->st, own_filter, own_session, g);
	return 0;
}

void evse_group__lms_free(struct evse_group *g)
{
	if (!g->lms)
		return;
	evse_station_set_lms(g->st, NULL, NULL, NULL);
	free(g->lms);
	g->lms = NULL;
}

static void stop_refused(struct evse_group *g);

void evse_group__lms_tick(struct evse_group *g)
{
	struct evse_group_lms *l = g->lms;
	if (l)
		stop_refused(g);
	if (l && l->reset_all_at && g->now >= l->reset_all_at) {
		l->reset_all_at = 0;
		evse_ocpp_request_reset(g->st->ocpp, true);
	}
	for (int k = 1; l && !g->lb && k <= g->map.total && k <= EVSE_GROUP_POINTS_MAX; k++) {
		struct lms_point *p = &l->point[k - 1];
		int sat, local;
		if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
			continue;
		const struct group_conn *c = sat >= 0 ? g->sat[sat].conn : NULL;
		if (c && c->serial != p->serial && (p->paused || p->cap_a))
			p->sync = true; /* a Satellite back: its pause or cap again (it may have missed a change) */
		if (p->sync && (sat < 0 || c) && sync_point(g, k) == 0)
			p->sync = false;
	}
	if (l && l->own_refused) {
		WL_INFO(MOD, "connector 1: session of %s stopped (%s, the LMS rules)", l->point[0].id_tag,
		        l->own_refused);
		l->own_refused = NULL;
		evse_charge_stop(g->st->charge, EVSE_STOP_DEAUTHORIZED, g->now);
	}
	if (l && l->point[0].row) { /* the Master's own session: its figures live */
		struct evse_status st;
		evse_charge_status(g->st->charge, g->now, &st);
		struct lms_point *p = &l->point[0];
		p->meter = p->meter_start + st.session.energy_wh;
		p->amps = p->watts = 0;
		for (int i = 0; i < EVSE_PHASES; i++) {
			if (st.meter.current_a[i] > p->amps)
				p->amps = st.meter.current_a[i];
			p->watts += st.meter.power_w[i];
		}
		/* its energy so far in the store, as a Satellite's MeterValues: counted in its user's usage (maximum
		 * kWh) while it runs */
		if (p->meter - p->stored_wh >= OWN_STORE_WH ||
		    (p->meter > p->stored_wh && g->now - p->stored_at >= OWN_STORE_MS)) {
			if (evse_store_gtx_meter(g->st->store, p->row, p->meter) < 0)
				WL_WARN(MOD, "connector 1: the energy of %s could not be recorded", p->id_tag);
			p->stored_wh = p->meter;
			p->stored_at = g->now;
		}
	}
}

/* ---- the operator's actions ---- */

#define FAIL(status, ...)                                                                                              \
	do {                                                                                                           \
		snprintf(msg, cap, __VA_ARGS__);                                                                       \
		return status;                                                                                         \
	} while (0)

int evse_group_lms_points(const struct evse_group *g)
{
	return g->map.total;
}

/* Point k's Satellite (sat, local), -1 for the Master's own; 404 when k is not a point. */
static int where(const struct evse_group *g, int k, int *sat, int *local, char *msg, size_t cap)
{
	if (k < 1 || k > g->map.total || evse_group_map_down(&g->map, k, sat, local) < 0)
		FAIL(404, "no point %d (1..%d)", k, g->map.total);
	return 0;
}

/* Sends one call to Satellite sat: 202, or 409 when it is not connected. */
static int call_sat(struct evse_group *g, int sat, enum ocpp_action a, const void *req, char *msg, size_t cap)
{
	struct ocpp_error err;
	struct group_conn *c = g->sat[sat].conn;
	if (!c)
		FAIL(409, "satellite %s is not connected", g->map.sat[sat].id);
	if (ocpp_rpc_call(c->rpc, a, req, &g->own_cookie, g->now, &err) < 0)
		FAIL(409, "%s to %s: %s", ocpp_action_name(a), g->map.sat[sat].id, err.message);
	evse_group__flush(c);
	snprintf(msg, cap, "%s sent to %s", ocpp_action_name(a), g->map.sat[sat].id);
	return 202;
}

int evse_group_lms_start(struct evse_group *g, int k, const char *id_tag, char *msg, size_t cap)
{
	int sat, local, rc = where(g, k, &sat, &local, msg, cap);
	if (rc)
		return rc;
	if (sat < 0) {
		int r = evse_charge_app_authorize(g->st->charge, id_tag, g->now);
		if (r == -1)
			FAIL(409, "point 1 cannot start a session now (%s)",
			     evse_state_name(evse_charge_state(g->st->charge)));
		if (r == -2)
			FAIL(409, "%s refused", id_tag);
		snprintf(msg, cap, "%s", r == 1 ? "authorising" : "started");
		return r == 1 ? 202 : 200;
	}
	const char *status = NULL;
	int64_t user;
	if (!g->lms->free_access && judge(g, id_tag, 0, &status, &user) < 0)
		FAIL(409, "%s refused (%s, the LMS rules)", id_tag, status);
	struct ocpp_remote_start_transaction_req req = {
	    .has_connector_id = true, .connector_id = local, .id_tag = id_tag};
	return call_sat(g, sat, OCPP_RemoteStartTransaction, &req, msg, cap);
}

/* A Satellite's session whose start the rules refused and which still runs STOP_GRACE_MS after that answer (a
 * station that goes on charging on it): stopped by the Master, as its own socket's (RemoteStopTransaction). */
static void stop_refused(struct evse_group *g)
{
	char msg[160];
	int sat, local;
	for (int k = 2; k <= g->map.total && k <= EVSE_GROUP_POINTS_MAX; k++) {
		struct lms_point *p = &g->lms->point[k - 1];
		if (!p->stop_at || g->now < p->stop_at)
			continue;
		p->stop_at = 0;
		if (!p->row || !p->tx_id || evse_group_map_down(&g->map, k, &sat, &local) < 0 || sat < 0)
			continue;
		struct ocpp_remote_stop_transaction_req req = {.transaction_id = p->tx_id};
		WL_INFO(MOD, "connector %d: session of %s stopped (%s, the LMS rules)", k, p->id_tag,
		        p->refused_as ? p->refused_as : "refused");
		if (call_sat(g, sat, OCPP_RemoteStopTransaction, &req, msg, sizeof(msg)) != 202)
			WL_WARN(MOD, "connector %d: %s", k, msg);
	}
}

int evse_group_lms_stop(struct evse_group *g, int k, char *msg, size_t cap)
{
	int sat, local, rc = where(g, k, &sat, &local, msg, cap);
	if (rc)
		return rc;
	if (sat < 0) {
		if (evse_charge_stop(g->st->charge, EVSE_STOP_REMOTE, g->now) < 0)
			FAIL(409, "no session on point 1");
		snprintf(msg, cap, "stopped");
		return 200;
	}
	struct lms_point *p = &g->lms->point[k - 1];
	if (!p->row || !p->tx_id)
		FAIL(409, "no transaction known on point %d", k);
	struct ocpp_remote_stop_transaction_req req = {.transaction_id = p->tx_id};
	return call_sat(g, sat, OCPP_RemoteStopTransaction, &req, msg, cap);
}

/* Without a balancer: the point's limit straight away (paused 0 A, else its cap, else none); not sent (its
 * Satellite offline), sent when it is back. */
void evse_group__lms_apply(struct evse_group *g, int k)
{
	struct lms_point *p = &g->lms->point[k - 1];
	p->sync = true;
	if (!g->lb && sync_point(g, k) == 0) /* with the balancer its next cycle takes it */
		p->sync = false;
}

void evse_group__lms_unbalanced(struct evse_group *g)
{
	int sat, local;
	for (int k = 1; g->lms && k <= g->map.total && k <= EVSE_GROUP_POINTS_MAX; k++) {
		struct lms_point *p = &g->lms->point[k - 1];
		if (evse_group_map_down(&g->map, k, &sat, &local) == 0 && sat >= 0 && g->map.sat[sat].connectors > 1 &&
		    local == 1)
			p->clear_whole = true;
		evse_group__lms_apply(g, k);
	}
}

int evse_group_lms_pause(struct evse_group *g, int k, bool pause, char *msg, size_t cap)
{
	int sat, local, rc = where(g, k, &sat, &local, msg, cap);
	if (rc)
		return rc;
	if (!evse_group_point_connected(g, k))
		FAIL(409, "point %d: satellite %s is not connected", k, g->map.sat[sat].id);
	char key[32];
	snprintf(key, sizeof(key), "lms.paused.%d", k);
	if (evse_store_set(g->st->store, key, pause ? "1" : "0") < 0) /* kept: the Satellite keeps its 0 A too */
		FAIL(500, "the pause could not be saved");
	g->lms->point[k - 1].paused = pause;
	evse_group__lms_apply(g, k);
	WL_INFO(MOD, "point %d %s", k, pause ? "paused (0 A)" : "resumed");
	snprintf(msg, cap, "point %d %s", k, pause ? "paused" : "resumed");
	return 200;
}

int evse_group_lms_reset(struct evse_group *g, int k, char *msg, size_t cap)
{
	int sat, local, rc = where(g, k, &sat, &local, msg, cap);
	if (rc)
		return rc;
	if (sat < 0) {
		evse_ocpp_request_reset(g->st->ocpp, false);
		snprintf(msg, cap, "the Master restarts (soft reset)");
		return 202;
	}
	struct ocpp_reset_req req = {.type = OCPP_RESET_TYPE_SOFT};
	return call_sat(g, sat, OCPP_Reset, &req, msg, cap);
}

int evse_group_lms_reset_all(struct evse_group *g, char *msg, size_t cap)
{
	struct ocpp_reset_req req = {.type = OCPP_RESET_TYPE_HARD};
	char one[120];
	int sent = 0;
	for (int s = 0; s < g->map.n_sat; s++)
		if (g->sat[s].conn && call_sat(g, s, OCPP_Reset, &req, one, sizeof(one)) == 202)
			sent++;
	g->lms->reset_all_at = g->now + RESET_ALL_MS;
	WL_WARN(MOD, "hard reset of the whole group: %d satellites told, the Master in %d ms", sent, RESET_ALL_MS);
	snprintf(msg, cap, "hard reset sent to %d satellites; the Master restarts in %d s", sent, RESET_ALL_MS / 1000);
	return 202;
}

int evse_group_lms_set_cap(struct evse_group *g, int k, int amps, char *msg, size_t cap)
{
	char key[32], v[16];
	int sat, local, rc = where(g, k, &sat, &local, msg, cap);
	if (rc)
		return rc;
	if (amps != 0 && (amps < 6 || amps > 80))
		FAIL(400, "limitA: %d out of range (0 = the point's maximum, or 6..80)", amps);
	snprintf(key, sizeof(key), "lms.cap.%d", k);
	snprintf(v, sizeof(v), "%d", amps);
	if (evse_store_set(g->st->store, key, v) < 0)
		FAIL(500, "the limit could not be saved");
	g->lms->point[k - 1].cap_a = amps;
	evse_group__lms_apply(g, k);
	snprintf(msg, cap, "point %d limited to %s", k, amps ? v : "its maximum");
	return 200;
}

int evse_group_lms_threshold(const struct evse_group *g)
{
	return evse_group__threshold(g);
}

int evse_group_lms_set_threshold(struct evse_group *g, int amps, char *msg, size_t cap)
{
	char v[16];
	if (amps != 0 && (amps < 6 || amps > 800))
		FAIL(400, "threshold: %d A (0 = no balancing, or 6..800)", amps);
	if (amps && g->map.total > EVSE_LB_MAX_POINTS)
		FAIL(400, "threshold: the group has %d connectors, at most %d can be balanced", g->map.total,
		     EVSE_LB_MAX_POINTS);
	snprintf(v, sizeof(v), "%d", amps);
	if (evse_store_set(g->st->store, "lms.threshold", v) < 0)
		FAIL(500, "the threshold could not be saved");
	g->lms->threshold_a = amps;
	WL_INFO(MOD, "load-balancing threshold set to %d A per phase", amps);
	snprintf(msg, cap, "threshold %d A", amps);
	return 200;
}

bool evse_group_lms_free_access(const struct evse_group *g)
{
	return g->lms->free_access;
}

int evse_group_lms_set_access(struct evse_group *g, bool free_access, char *msg, size_t cap)
{
	if (evse_store_set(g->st->store, "lms.access", free_access ? "free" : "authorised") < 0)
		FAIL(500, "the access mode could not be saved");
	g->lms->free_access = free_access;
	snprintf(msg, cap, "access %s", free_access ? "free" : "authorised");
	return 200;
}

int evse_group_lms_firmware(struct evse_group *g, int k, const char *location, char *msg, size_t cap)
{
	char ts[40], one[160];
	int sat = -1, local, sent = 0;
	if (!location || strlen(location) >= FW_URL_MAX || !ocpp_uri_is_valid(location) ||
	    (strncmp(location, "http://", 7) && strncmp(location, "https://", 8) && strncmp(location, "ftp://", 6)))
		FAIL(400, "location: \"%.60s\" is not an http(s):// or ftp:// URL (under %d bytes)",
		     location ? location : "", FW_URL_MAX);
	if (k) {
		int rc = where(g, k, &sat, &local, msg, cap);
		if (rc)
			return rc;
		if (sat < 0)
			FAIL(409, "point 1 is the Master: use its Upgrade page");
	}
	ocpp_time_format(wall(g), ts, sizeof(ts));
	struct ocpp_update_firmware_req req = {.location = location, .retrieve_date = ts};
	for (int s = 0; s < g->map.n_sat; s++) {
		if ((sat >= 0 && s != sat) || (sat < 0 && !g->sat[s].conn))
			continue;
		int rc = call_sat(g, s, OCPP_UpdateFirmware, &req, one, sizeof(one));
		if (rc != 202 && sat >= 0)
			FAIL(rc, "%s", one);
		if (rc == 202) {
			snprintf(g->lms->fw[s].status, sizeof(g->lms->fw[s].status), "Requested");
			snprintf(g->lms->fw[s].location, sizeof(g->lms->fw[s].location), "%s", location);
			g->lms->fw[s].at = wall(g);
			sent++;
		}
	}
	if (!sent)
		FAIL(409, "no satellite is connected");
	snprintf(msg, cap, "UpdateFirmware sent to %d satellite%s", sent, sent == 1 ? "" : "s");
	return 202;
}

/* ---- the status page ---- */

static void add_time(cJSON *j, const char *field, int64_t ms)
{
	char ts[40];
	if (ms <= 0) {
		cJSON_AddNullToObject(j, field);
		return;
	}
	ocpp_time_format(ms, ts, sizeof(ts));
	cJSON_AddStringToObject(j, field, ts);
}

static void add_num_or_null(cJSON *j, const char *field, double v)
{
	if (v < 0)
		cJSON_AddNullToObject(j, field);
	else
		cJSON_AddNumberToObject(j, field, v);
}

static void session_json(struct evse_group *g, cJSON *o, const struct lms_point *p)
{
	struct evse_lms_user u;
	if (!p->row) {
		cJSON_AddNullToObject(o, "session");
		return;
	}
	cJSON *s = cJSON_AddObjectToObject(o, "session");
	cJSON_AddNumberToObject(s, "no", (double)p->row);
	if (p->tx_id)
		cJSON_AddNumberToObject(s, "transactionId", (double)p->tx_id);
	else
		cJSON_AddNullToObject(s, "transactionId");
	cJSON_AddStringToObject(s, "idTag", p->id_tag);
	if (evse_store_lms_user_by_card(g->st->store, p->id_tag, &u) == 1)
		cJSON_AddStringToObject(s, "user", u.name);
	else
		cJSON_AddNullToObject(s, "user");
	add_time(s, "start", p->start_ms);
	int64_t d = (wall(g) - p->start_ms) / 1000;
	cJSON_AddNumberToObject(s, "durationS", (double)(d > 0 ? d : 0));
	double wh = p->meter - p->meter_start;
	cJSON_AddNumberToObject(s, "energyKwh", (wh > 0 ? wh : 0) / 1000.0);
	add_num_or_null(s, "currentA", p->amps);
	add_num_or_null(s, "powerW", p->watts);
}

static void point_json(struct evse_group *g, cJSON *list, int k)
{
	int sat, local;
	const struct lms_point *p = &g->lms->point[k - 1];
	const struct bal_point *b = &g->bal[k - 1];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "k", k);
	evse_group_map_down(&g->map, k, &sat, &local);
	if (sat < 0) {
		struct evse_status st;
		evse_charge_status(g->st->charge, g->now, &st);
		cJSON_AddNullToObject(o, "satellite");
		cJSON_AddBoolToObject(o, "connected", true);
		cJSON_AddStringToObject(o, "status", evse_state_ocpp_name(st.state));
		cJSON_AddStringToObject(o, "errorCode", st.trips ? "Faulted" : "NoError");
	} else {
		const struct conn_status *cs = &g->sat[sat].status[local];
		cJSON_AddStringToObject(o, "satellite", g->map.sat[sat].id);
		cJSON_AddNumberToObject(o, "connector", local);
		cJSON_AddBoolToObject(o, "connected", g->sat[sat].conn != NULL);
		cJSON_AddStringToObject(o, "status",
		                        cs->known ? ocpp_enum_name(&ocpp_enum_charge_point_status, (int)cs->status)
		                                  : "Unavailable");
		cJSON_AddStringToObject(
		    o, "errorCode",
		    ocpp_enum_name(&ocpp_enum_charge_point_error_code,
		                   cs->known ? (int)cs->error : OCPP_CHARGE_POINT_ERROR_CODE_NO_ERROR));
	}
	cJSON_AddBoolToObject(o, "paused", p->paused);
	cJSON_AddNumberToObject(o, "capA", p->cap_a);
	add_num_or_null(o, "limitA", g->lb && b->lim_da >= 0 ? b->lim_da / 10.0 : -1);
	session_json(g, o, p);
	cJSON_AddItemToArray(list, o);
}

/* The status page is being read: the running sessions of the Satellites report their meter now (TriggerMessage
 * MeterValues), at most every LIVE_MS each, rather than every MeterValueSampleInterval (60 s by default). */
static void live_meters(struct evse_group *g)
{
	struct ocpp_error err;
	int sat, local;
	for (int k = 1; k <= g->map.total && k <= EVSE_GROUP_POINTS_MAX; k++) {
		struct lms_point *p = &g->lms->point[k - 1];
		if (!p->row || (p->trig_at && g->now - p->trig_at < LIVE_MS) ||
		    evse_group_map_down(&g->map, k, &sat, &local) < 0 || sat < 0 || !g->sat[sat].conn)
			continue;
		struct ocpp_trigger_message_req req = {.requested_message = OCPP_MESSAGE_TRIGGER_METER_VALUES,
		                                       .has_connector_id = true,
		                                       .connector_id = local};
		p->trig_at = g->now;
		if (ocpp_rpc_call(g->sat[sat].conn->rpc, OCPP_TriggerMessage, &req, &g->own_cookie, g->now, &err) == 0)
			evse_group__flush(g->sat[sat].conn);
	}
}

cJSON *evse_group_lms_status(struct evse_group *g)
{
	live_meters(g);
	cJSON *j = cJSON_CreateObject();
	if (!j)
		return NULL;
	cJSON_AddStringToObject(j, "access", g->lms->free_access ? "free" : "authorised");
	cJSON_AddNumberToObject(j, "thresholdA", evse_group__threshold(g));
	/* the balancer starts or stops at its next cycle (within a second) when the threshold changes */
	cJSON_AddBoolToObject(j, "balancing", evse_group__threshold(g) > 0);
	cJSON *pts = cJSON_AddArrayToObject(j, "points");
	for (int k = 1; k <= g->map.total && k <= EVSE_GROUP_POINTS_MAX; k++)
		point_json(g, pts, k);
	cJSON *sats = cJSON_AddArrayToObject(j, "satellites");
	for (int s = 0; s < g->map.n_sat; s++) {
		const struct lms_fw *f = &g->lms->fw[s];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "id", g->map.sat[s].id);
		cJSON_AddNumberToObject(o, "first", g->map.sat[s].first);
		cJSON_AddNumberToObject(o, "connectors", g->map.sat[s].connectors);
		cJSON_AddBoolToObject(o, "connected", g->sat[s].conn != NULL);
		if (f->status[0])
			cJSON_AddStringToObject(o, "firmwareStatus", f->status);
		else
			cJSON_AddNullToObject(o, "firmwareStatus");
		add_time(o, "firmwareAt", f->at);
		cJSON_AddItemToArray(sats, o);
	}
	cJSON *up = cJSON_AddObjectToObject(j, "upstream");
	cJSON_AddStringToObject(up, "url", g->cfg->ocpp_url);
	cJSON_AddBoolToObject(up, "connected", evse_ocpp_online(g->st->ocpp));
	uint64_t rx = evse_ocpp_last_rx(g->st->ocpp);
	add_time(up, "lastMessage", rx ? wall(g) - (int64_t)(g->now - rx) : 0);
	cJSON_AddNumberToObject(up, "queued", (double)evse_ocpp_queued(g->st->ocpp));
	return j;
}

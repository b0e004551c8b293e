/* evse_group.c — the Master's OCPP relay (its Satellites' sessions: evse_group_ws.c): a central system to them, one
 * station upstream. Satellite → upstream: StatusNotification (kept per connector and reported again after
 * each upstream boot), Authorize, StartTransaction, MeterValues, StopTransaction with connectorId
 * renumbered, answered with the upstream's answer (so transaction ids are the upstream's end to end); held
 * while upstream is away. Upstream → Satellite: the calls that name a connector (or, RemoteStop, a
 * transaction) of a Satellite go down renumbered, their answers back up. */
#include "evse_group_int.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_ocpp_keys.h"
#include "ocpp.h"
#include "wl_clock.h"
#include "wl_log.h"

#define MOD "group"

static bool online(const struct evse_group *g)
{
	return evse_ocpp_online(g->st->ocpp);
}

static void timestamp(const struct evse_group *g, char *out, size_t cap)
{
	ocpp_time_format(evse_station_wall_ms(g->st), out, cap);
}

/* ---- transactions of the Satellites ---- */

/* The table is kept in the store (evse_store_sat_tx_*, one row per running transaction), so that a
 * RemoteStop still finds its Satellite after the Master restarted. */
static void tx_row(void *ctx, int64_t tx, const char *satellite)
{
	struct evse_group *g = ctx;
	int sat = evse_group_map_find(&g->map, satellite);
	if (sat < 0)
		return; /* a Satellite no longer in the group */
	for (int i = 0; i < TX_MAX; i++)
		if (g->tx[i].sat < 0) {
			g->tx[i].tx = tx;
			g->tx[i].sat = sat;
			return;
		}
}

static void tx_load(struct evse_group *g)
{
	char buf[TX_MAX * (24 + EVSE_GROUP_ID_MAX) + 1], *save = NULL;
	/* the rows of an older release, kept as one text ("<transactionId>=<satellite id>,..."): moved once */
	if (evse_store_get(g->st->store, "group.tx", buf, sizeof(buf)) == 1 && buf[0]) {
		for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '='), *end;
			if (!eq)
				continue;
			*eq = '\0';
			long long tx = strtoll(tok, &end, 10);
			if (!*end)
				evse_store_sat_tx_put(g->st->store, tx, eq + 1);
		}
		evse_store_set(g->st->store, "group.tx", "");
	}
	if (evse_store_sat_tx_each(g->st->store, tx_row, g) < 0)
		WL_WARN(MOD, "the running transactions of the Satellites could not be read from the store");
}

static void tx_put(struct evse_group *g, int64_t tx, int sat)
{
	for (int i = 0; i < TX_MAX; i++)
		if (g->tx[i].sat < 0 || g->tx[i].tx == tx) {
			g->tx[i].tx = tx;
			g->tx[i].sat = sat;
			if (evse_store_sat_tx_put(g->st->store, tx, g->map.sat[sat].id) < 0)
				WL_WARN(MOD, "transaction %" PRId64 " of %s not kept in the store", tx,
				        g->map.sat[sat].id);
			return;
		}
	WL_WARN(MOD, "more than %d transactions running in the group: %" PRId64 " cannot be stopped remotely", TX_MAX,
	        tx);
}

static void tx_drop(struct evse_group *g, int i)
{
	evse_store_sat_tx_del(g->st->store, g->tx[i].tx);
	g->tx[i].sat = -1;
}

static int tx_find(const struct evse_group *g, int64_t tx)
{
	for (int i = 0; i < TX_MAX; i++)
		if (g->tx[i].sat >= 0 && g->tx[i].tx == tx)
			return i;
	return -1;
}

/* ---- renumbering: a payload as JSON, its connectorId changed, decoded again ---- */

static int decode(enum ocpp_action a, bool conf, cJSON *j, struct ocpp_payload *p)
{
	struct ocpp_error err;
	memset(p, 0, sizeof(*p));
	if (ocpp_decode(conf ? ocpp_actions[a].conf : ocpp_actions[a].req, j, NULL, p, &err) == 0)
		return 0;
	WL_ERROR(MOD, "%s renumbered does not decode: %s", ocpp_action_name(a), err.message);
	return -1;
}

/* connectorId of j, -1 when it has none */
static int connector_of(const cJSON *j)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "connectorId");
	return cJSON_IsNumber(c) ? (int)c->valuedouble : -1;
}

static void set_connector(cJSON *j, int k)
{
	cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "connectorId");
	if (cJSON_IsNumber(c))
		cJSON_SetNumberValue(c, k);
}

/* ---- statuses of the Satellites' connectors, upstream ---- */

static void send_status(struct evse_group *g, int sat, int local)
{
	char ts[40];
	const struct conn_status *cs = &g->sat[sat].status[local];
	struct ocpp_status_notification_req req = {
	    .connector_id = evse_group_map_up(&g->map, sat, local),
	    .error_code = cs->known ? cs->error : OCPP_CHARGE_POINT_ERROR_CODE_NO_ERROR,
	    .status = cs->known ? cs->status : OCPP_CHARGE_POINT_STATUS_UNAVAILABLE,
	    .timestamp = ts,
	};
	timestamp(g, ts, sizeof(ts));
	if (req.connector_id > 0 && online(g))
		evse_ocpp_relay_send(g->st->ocpp, OCPP_StatusNotification, &req, &g->status_cookie);
}

void evse_group__sat_gone(struct evse_group *g, int sat)
{
	for (int c = 1; c <= g->map.sat[sat].connectors; c++) {
		g->sat[sat].status[c] = (struct conn_status){true, OCPP_CHARGE_POINT_STATUS_UNAVAILABLE,
		                                             OCPP_CHARGE_POINT_ERROR_CODE_NO_ERROR};
		send_status(g, sat, c);
	}
}

/* ---- Satellite → upstream ---- */

static void pump_up(struct evse_group *g)
{
	for (int i = 0; i < UP_MAX; i++) {
		struct up_slot *s = &g->up[i];
		if (!s->busy || s->sent)
			continue;
		struct group_conn *c = g->sat[s->sat].conn;
		bool alive = c && c->serial == s->serial;
		if (alive && online(g)) {
			struct ocpp_payload p;
			if (decode(s->action, false, s->json, &p) == 0) {
				s->sent = evse_ocpp_relay_send(g->st->ocpp, s->action, p.data, s) == 0;
				ocpp_payload_release(&p);
			}
			if (s->sent)
				continue;
		}
		if (alive && g->now - s->since < HOLD_MS)
			continue;
		if (alive) {
			ocpp_rpc_reply_error(c->rpc, s->id, OCPP_ERR_GenericError,
			                     "the central system is not reachable");
			evse_group__flush(c);
		}
		cJSON_Delete(s->json);
		memset(s, 0, sizeof(*s));
	}
}

static void up_done(struct evse_group *g, struct up_slot *s, const struct ocpp_outcome *out)
{
	struct group_conn *c = g->sat[s->sat].conn;
	bool alive = c && c->serial == s->serial;

	if (out->kind == OCPP_OUTCOME_ERROR &&
	    (out->error.code == OCPP_ERR_Timeout || out->error.code == OCPP_ERR_Cancelled)) {
		s->sent = false; /* upstream went away: held again, sent when it is back */
		return;
	}
	if (out->kind == OCPP_OUTCOME_RESULT) {
		if (s->action == OCPP_StartTransaction) {
			const struct ocpp_start_transaction_conf *conf = out->conf;
			tx_put(g, conf->transaction_id, s->sat);
			if (!alive) /* NEEDSWORK: the Satellite never learns this id and will start it again */
				WL_WARN(MOD, "transaction %" PRId64 " of %s started upstream after it went away",
				        conf->transaction_id, g->map.sat[s->sat].id);
		} else if (s->action == OCPP_StopTransaction) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(s->json, "transactionId");
			int i = cJSON_IsNumber(t) ? tx_find(g, (int64_t)t->valuedouble) : -1;
			if (i >= 0)
				tx_drop(g, i);
		}
		struct ocpp_start_transaction_conf copy;
		struct ocpp_id_tag_info info;
		const void *conf = s->action == OCPP_StartTransaction
		                       ? evse_group__lms_started(g, s->json, out->conf, &copy, &info)
		                       : out->conf;
		if (alive) {
			struct ocpp_error err;
			if (ocpp_rpc_reply(c->rpc, s->id, conf, &err) < 0)
				WL_WARN(MOD, "answer to %s of %s: %s", ocpp_action_name(s->action),
				        g->map.sat[s->sat].id, err.message);
		}
	} else if (alive) {
		ocpp_rpc_reply_error(c->rpc, s->id, out->error.code, out->error.message);
	}
	evse_group__flush(c);
	cJSON_Delete(s->json);
	memset(s, 0, sizeof(*s));
}

/* The outcome of a call the relay sent upstream: true when it was its own. */
static bool relay_outcome(void *ctx, const struct ocpp_outcome *out)
{
	struct evse_group *g = ctx;
	if (out->cookie == &g->status_cookie)
		return true;
	for (int i = 0; i < UP_MAX; i++)
		if (out->cookie == &g->up[i]) {
			if (g->up[i].busy && g->up[i].sent)
				up_done(g, &g->up[i], out);
			return true;
		}
	return false;
}

/* A Satellite's Authorize, StartTransaction, MeterValues, StopTransaction: upstream, renumbered. */
static void on_forward(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct group_conn *c = ctx;
	struct evse_group *g = c->g;
	struct ocpp_error err;
	char why[120];

	if (evse_group__lms_authorize(c, in)) /* the Local Management System decided */
		return;
	if (in->action == OCPP_Authorize && !online(g)) {
		/* upstream away: the Master's local list, cache and offline rules decide */
		const struct ocpp_authorize_req *req = in->req;
		char parent[EVSE_ID_MAX] = "";
		struct ocpp_id_tag_info info = {.status = OCPP_AUTHORIZATION_STATUS_INVALID};
		if (evse_ocpp_authorize(g->st->ocpp, req->id_tag, parent, g->now) == EVSE_AUTH_ACCEPTED)
			info.status = OCPP_AUTHORIZATION_STATUS_ACCEPTED;
		info.parent_id_tag = parent[0] ? parent : NULL;
		struct ocpp_authorize_conf conf = {.id_tag_info = &info};
		ocpp_rpc_reply(rpc, in->id, &conf, &err);
		return;
	}
	cJSON *j = ocpp_encode(ocpp_actions[in->action].req, in->req, &err);
	if (!j) {
		ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_InternalError, err.message);
		return;
	}
	int local = connector_of(j);
	if (local >= 0) {
		int k = evse_group_map_up(&g->map, c->sat, local);
		if (k < 0) {
			snprintf(why, sizeof(why), "connectorId %d: %s has %d connectors in the group", local,
			         g->map.sat[c->sat].id, g->map.sat[c->sat].connectors);
			ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_PropertyConstraintViolation, why);
			cJSON_Delete(j);
			return;
		}
		set_connector(j, k);
		evse_group__bal_seen(g, in->action, k, j);
		evse_group__lms_seen(g, c->sat, in->action, k, j);
	} else if (in->action == OCPP_StopTransaction) {
		evse_group__lms_stop_seen(g, j);
	}
	/* a Satellite has one call out at a time (OCPP-J): a new one means it gave up waiting for the one held
	 * (its timeout), which must then not go upstream as well */
	for (int i = 0; i < UP_MAX; i++) {
		struct up_slot *s = &g->up[i];
		if (s->busy && !s->sent && s->sat == c->sat && s->serial == c->serial) {
			ocpp_rpc_reply_error(rpc, s->id, OCPP_ERR_GenericError, "superseded");
			cJSON_Delete(s->json);
			memset(s, 0, sizeof(*s));
		}
	}
	for (int i = 0; i < UP_MAX; i++) {
		struct up_slot *s = &g->up[i];
		if (s->busy)
			continue;
		*s = (struct up_slot){
		    .busy = true, .sat = c->sat, .serial = c->serial, .action = in->action, .json = j, .since = g->now};
		snprintf(s->id, sizeof(s->id), "%s", in->id);
		pump_up(g);
		return;
	}
	cJSON_Delete(j);
	ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_GenericError, "the Master is busy: try again");
}

static void on_boot(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct group_conn *c = ctx;
	struct ocpp_error err;
	char ts[40];
	const struct ocpp_boot_notification_req *req = in->req;
	timestamp(c->g, ts, sizeof(ts));
	long hb = evse_key_int(c->g->st->store, EVSE_KEY_HeartbeatInterval);
	struct ocpp_boot_notification_conf conf = {
	    .status = OCPP_REGISTRATION_STATUS_ACCEPTED, .current_time = ts, .interval = hb > 0 ? hb : 300};
	WL_INFO(MOD, "satellite %s booted (%s %s)", c->g->map.sat[c->sat].id, req->charge_point_vendor,
	        req->charge_point_model);
	ocpp_rpc_reply(rpc, in->id, &conf, &err);
}

static void on_heartbeat(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct group_conn *c = ctx;
	struct ocpp_error err;
	char ts[40];
	timestamp(c->g, ts, sizeof(ts));
	struct ocpp_heartbeat_conf conf = {.current_time = ts};
	ocpp_rpc_reply(rpc, in->id, &conf, &err);
}

static void on_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct group_conn *c = ctx;
	struct evse_group *g = c->g;
	struct ocpp_error err;
	const struct ocpp_status_notification_req *req = in->req;
	struct ocpp_status_notification_conf conf = {0};
	int local = (int)req->connector_id;

	ocpp_rpc_reply(rpc, in->id, &conf, &err);
	if (local == 0 || evse_group_map_up(&g->map, c->sat, local) < 0)
		return; /* the Satellite as a whole: the Master is the station upstream */
	g->sat[c->sat].status[local] = (struct conn_status){true, req->status, req->error_code};
	struct ocpp_status_notification_req up = *req;
	up.connector_id = evse_group_map_up(&g->map, c->sat, local);
	if (online(g))
		evse_ocpp_relay_send(g->st->ocpp, OCPP_StatusNotification, &up, &g->status_cookie);
}

/* FirmwareStatusNotification, DiagnosticsStatusNotification: the Master's own business, not upstream's. */
static void on_ack(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct ocpp_error err;
	struct ocpp_firmware_status_notification_conf conf = {0};
	(void)ctx;
	ocpp_rpc_reply(rpc, in->id, &conf, &err);
}

static void on_data_transfer(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct ocpp_error err;
	struct ocpp_data_transfer_conf conf = {.status = OCPP_DATA_TRANSFER_STATUS_UNKNOWN_VENDOR_ID};
	(void)ctx;
	ocpp_rpc_reply(rpc, in->id, &conf, &err);
}

ocpp_call_fn *const evse_group__sat_handlers[OCPP_ACTION_COUNT] = {
    [OCPP_BootNotification] = on_boot,
    [OCPP_Heartbeat] = on_heartbeat,
    [OCPP_StatusNotification] = on_status,
    [OCPP_Authorize] = on_forward,
    [OCPP_StartTransaction] = on_forward,
    [OCPP_MeterValues] = on_forward,
    [OCPP_StopTransaction] = on_forward,
    [OCPP_FirmwareStatusNotification] = evse_group__lms_fw_status,
    [OCPP_DiagnosticsStatusNotification] = on_ack,
    [OCPP_DataTransfer] = on_data_transfer,
};

/* ---- upstream → Satellite ---- */

/* The central system's calls that may concern a Satellite: those naming a connector, and RemoteStop (its
 * transaction). The others (Reset, GetConfiguration, SendLocalList, ...) are the Master's. */
static const bool relayed[OCPP_ACTION_COUNT] = {
    [OCPP_RemoteStartTransaction] = true, [OCPP_RemoteStopTransaction] = true, [OCPP_UnlockConnector] = true,
    [OCPP_ChangeAvailability] = true,     [OCPP_TriggerMessage] = true,        [OCPP_SetChargingProfile] = true,
    [OCPP_ClearChargingProfile] = true,   [OCPP_GetCompositeSchedule] = true,  [OCPP_ReserveNow] = true,
};

/* Reset and ChangeAvailability of connector 0 are the whole station's: every connected Satellite gets the
 * same call (its answer is only logged) and the Master answers upstream for itself. */
static void pass_to_all(struct evse_group *g, const struct ocpp_incoming *in)
{
	struct ocpp_error err;
	for (int s = 0; s < g->map.n_sat; s++) {
		struct group_conn *c = g->sat[s].conn;
		if (!c)
			continue;
		if (ocpp_rpc_call(c->rpc, in->action, in->req, &g->own_cookie, g->now, &err) < 0)
			WL_WARN(MOD, "%s not passed to %s: %s", ocpp_action_name(in->action), g->map.sat[s].id,
			        err.message);
		evse_group__flush(c);
	}
}

static int relay_call(void *ctx, const struct ocpp_incoming *in)
{
	struct evse_group *g = ctx;
	struct evse_ocpp *o = g->st->ocpp;
	unsigned link = evse_ocpp_link(o);
	struct ocpp_error err;
	struct ocpp_payload p;
	char why[120];
	int sat = -1, local = 0, k = 0;

	if (in->action == OCPP_Reset || (in->action == OCPP_ChangeAvailability &&
	                                 ((const struct ocpp_change_availability_req *)in->req)->connector_id == 0)) {
		pass_to_all(g, in);
		return 0;
	}
	if (in->action == OCPP_RemoteStartTransaction && evse_group__lms_remote_refused(g, in->req)) {
		struct ocpp_remote_start_transaction_conf conf = {.status = OCPP_GENERIC_STATUS_REJECTED};
		evse_ocpp_relay_reply(o, link, in->id, &conf);
		return 1;
	}
	if (!relayed[in->action])
		return 0;
	cJSON *j = ocpp_encode(ocpp_actions[in->action].req, in->req, &err);
	if (!j)
		return 0;
	if (in->action == OCPP_RemoteStopTransaction) {
		const struct ocpp_remote_stop_transaction_req *req = in->req;
		int i = tx_find(g, req->transaction_id);
		if (i < 0)
			goto mine;
		sat = g->tx[i].sat;
	} else {
		k = connector_of(j);
		if (k <= 0 || evse_group_map_down(&g->map, k, &sat, &local) < 0 || sat < 0)
			goto mine; /* the station as a whole, the Master's own socket, or no such connector */
		set_connector(j, local);
	}
	struct group_conn *c = g->sat[sat].conn;
	if (!c) {
		snprintf(why, sizeof(why), "connector %d: Satellite %s is not connected", k, g->map.sat[sat].id);
		evse_ocpp_relay_reply_error(o, link, in->id, OCPP_ERR_GenericError, why);
		cJSON_Delete(j);
		return 1;
	}
	struct down_slot *s = NULL;
	for (int i = 0; i < DOWN_MAX && !s; i++)
		if (!g->down[i].busy)
			s = &g->down[i];
	if (!s) {
		evse_ocpp_relay_reply_error(o, link, in->id, OCPP_ERR_GenericError, "too many calls in progress");
		cJSON_Delete(j);
		return 1;
	}
	if (decode(in->action, false, j, &p) < 0) {
		evse_ocpp_relay_reply_error(o, link, in->id, OCPP_ERR_InternalError, "cannot renumber the connector");
		cJSON_Delete(j);
		return 1;
	}
	*s = (struct down_slot){.busy = true, .link = link, .action = in->action, .sat = sat};
	snprintf(s->id, sizeof(s->id), "%s", in->id);
	evse_group__caps_down(g, s, in, k);
	if (ocpp_rpc_call(c->rpc, in->action, p.data, s, g->now, &err) < 0) {
		evse_ocpp_relay_reply_error(o, link, in->id, OCPP_ERR_InternalError, err.message);
		s->busy = false;
	}
	ocpp_payload_release(&p);
	cJSON_Delete(j);
	evse_group__flush(c);
	return 1;
mine:
	cJSON_Delete(j);
	return 0;
}

/* A Satellite answered (or not) a call the relay passed down, or a limit of the balancer. */
void evse_group__sat_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out)
{
	struct group_conn *c = ctx;
	struct evse_group *g = c->g;
	struct evse_ocpp *o = g->st->ocpp;
	(void)rpc;
	if (out->cookie == &g->own_cookie) { /* the Master's own call (a limit, a Reset passed on): only logged */
		if (out->kind == OCPP_OUTCOME_ERROR)
			WL_WARN(MOD, "%s to %s: %s", ocpp_action_name(out->action),
			        c->sat >= 0 ? g->map.sat[c->sat].id : "?", out->error.message);
		return;
	}
	struct down_slot *s = out->cookie;
	if (!s || !s->busy)
		return;
	evse_group__caps_outcome(g, s, out);
	if (out->kind == OCPP_OUTCOME_RESULT) {
		struct ocpp_error err;
		cJSON *j = ocpp_encode(ocpp_actions[s->action].conf, out->conf, &err);
		int local = j ? connector_of(j) : -1;
		struct ocpp_payload p;
		if (local > 0) /* GetCompositeSchedule answers with the connector */
			set_connector(j, evse_group_map_up(&g->map, s->sat, local));
		if (j && decode(s->action, true, j, &p) == 0) {
			evse_ocpp_relay_reply(o, s->link, s->id, p.data);
			ocpp_payload_release(&p);
		} else {
			evse_ocpp_relay_reply_error(o, s->link, s->id, OCPP_ERR_InternalError,
			                            "cannot renumber the answer");
		}
		cJSON_Delete(j);
	} else {
		evse_ocpp_relay_reply_error(o, s->link, s->id, out->error.code, out->error.message);
	}
	s->busy = false;
}

/* ---- life cycle ---- */

struct evse_group *evse_group_new(struct evse_station *st, const struct evse_config *cfg, struct lws_context *ctx,
                                  char *err, size_t errcap)
{
	char name[80];
	struct evse_group *g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	g->st = st;
	g->cfg = cfg;
	g->now = wl_mono_ms();
	for (int i = 0; i < TX_MAX; i++)
		g->tx[i].sat = -1;
	if (!st->ocpp) {
		snprintf(err, errcap, "group_role master needs an OCPP backend (ocpp_url)");
		goto fail;
	}
	if (evse_group_map_parse(&g->map, 1, cfg->group_satellites, err, errcap) < 0)
		goto fail;
	tx_load(g);
	if (evse_group__lms_new(g) < 0) {
		snprintf(err, errcap, "out of memory");
		goto fail;
	}
	if (evse_group__bal_new(g, err, errcap) < 0)
		goto fail;
	if (evse_group__listen(g, ctx, err, errcap) < 0)
		goto fail;
	for (int s = 0; s < g->map.n_sat; s++) {
		char key[16 + EVSE_GROUP_ID_MAX], hash[EVSE_GAUTH_HASH_MAX];
		snprintf(key, sizeof(key), "group.key.%s", g->map.sat[s].id);
		bool has = evse_store_get(st->store, key, hash, sizeof(hash)) == 1 && hash[0];
		if (!has && g->auth_required)
			WL_WARN(MOD, "satellite %s has no password: refused until one is set (evse group-passwd %s)",
			        g->map.sat[s].id, g->map.sat[s].id);
	}
	struct evse_ocpp_relay r = {.call = relay_call, .outcome = relay_outcome, .ctx = g};
	evse_ocpp_set_relay(st->ocpp, &r);
	WL_INFO(MOD, "master of %d satellites (%d connectors upstream), listening on %s port %d", g->map.n_sat,
	        g->map.total, wl_listen_name(&g->where, name, sizeof(name)), cfg->group_port);
	return g;
fail:
	evse_group__bal_free(g);
	evse_group__lms_free(g);
	free(g);
	return NULL;
}

void evse_group_free(struct evse_group *g)
{
	if (!g)
		return;
	evse_ocpp_set_relay(g->st->ocpp, NULL);
	for (int i = 0; i < UP_MAX; i++)
		cJSON_Delete(g->up[i].json);
	evse_group__bal_free(g);
	evse_group__lms_free(g);
	free(g);
}

void evse_group_set_wake(struct evse_group *g, void (*fn)(void *ctx), void *ctx)
{
	g->wake = fn;
	g->wake_ctx = ctx;
}

void evse_group_tick(struct evse_group *g, uint64_t now_ms)
{
	g->now = now_ms;
	bool on = online(g);
	if (on && !g->was_online) /* a new upstream boot: every Satellite connector's state again */
		for (int s = 0; s < g->map.n_sat; s++)
			for (int c = 1; c <= g->map.sat[s].connectors; c++)
				send_status(g, s, c);
	g->was_online = on;
	pump_up(g);
	evse_group__bal_tick(g);
	evse_group__lms_tick(g);
	for (int s = 0; s < g->map.n_sat; s++) {
		struct group_conn *c = g->sat[s].conn;
		if (c && c->rpc) {
			ocpp_rpc_tick(c->rpc, now_ms);
			evse_group__flush(c);
		}
	}
}

int evse_group_point_connected(const struct evse_group *g, int k)
{
	int sat, local;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return 0;
	return sat < 0 || g->sat[sat].conn != NULL;
}

/* The call that sets (amps >= 0) or clears (amps < 0) the balancer's limit on a Satellite's connector. */
struct limit_req {
	enum ocpp_action action;
	struct ocpp_charging_schedule_period period;
	struct ocpp_charging_schedule sched;
	struct ocpp_charging_profile prof;
	struct ocpp_set_charging_profile_req set;
	struct ocpp_clear_charging_profile_req clear;
};

/* local 0: the Satellite as a whole (ChargePointMaxProfile on its connector 0); local >= 1: its connector
 * local (TxDefaultProfile on it) */
static const void *limit_req(struct limit_req *r, int local, double amps)
{
	memset(r, 0, sizeof(*r));
	int64_t id = EVSE_GROUP_PROFILE_ID + (local > 0 ? local : 0);
	if (amps < 0) {
		r->action = OCPP_ClearChargingProfile;
		r->clear = (struct ocpp_clear_charging_profile_req){.has_id = true, .id = id};
		return &r->clear;
	}
	r->action = OCPP_SetChargingProfile;
	r->period = (struct ocpp_charging_schedule_period){.start_period = 0, .limit = amps};
	r->sched = (struct ocpp_charging_schedule){.start_schedule = "1970-01-01T00:00:00Z",
	                                           .charging_rate_unit = OCPP_CHARGING_RATE_UNIT_A,
	                                           .n_charging_schedule_period = 1,
	                                           .charging_schedule_period = &r->period};
	/* a ChargePointMaxProfile: the lower of it and the backend's own profiles counts, so a share never lifts
	 * what the backend set (a TxDefaultProfile of a higher stack level would replace the backend's) */
	/* local > 0, a connector of a Satellite of several: a TxDefaultProfile of the share on it. The balancer's
	 * shares never exceed the caps of upstream's own profiles on that connector (evse_group_caps.c), so it never
	 * lifts an upstream TxDefaultProfile it outranks; one of upstream at the same stack level would be replaced
	 * by it and is left alone (evse_group__caps_has_level); an upstream TxProfile replaces it during its
	 * transaction — the Satellite's ChargePointMaxProfile (its total) still bounds the Satellite. */
	r->prof = (struct ocpp_charging_profile){.charging_profile_id = id,
	                                         .stack_level = EVSE_GROUP_PROFILE_LEVEL,
	                                         .charging_profile_purpose =
	                                             local > 0 ? OCPP_CHARGING_PROFILE_PURPOSE_TX_DEFAULT_PROFILE
	                                                       : OCPP_CHARGING_PROFILE_PURPOSE_CHARGE_POINT_MAX_PROFILE,
	                                         .charging_profile_kind = OCPP_CHARGING_PROFILE_KIND_ABSOLUTE,
	                                         .charging_schedule = &r->sched};
	r->set = (struct ocpp_set_charging_profile_req){.connector_id = local > 0 ? local : 0,
	                                                .cs_charging_profiles = &r->prof};
	return &r->set;
}

cJSON *evse_group_limit_json(int local, double amps, enum ocpp_action *action)
{
	struct limit_req r;
	struct ocpp_error err;
	const void *req = limit_req(&r, local, amps);
	*action = r.action;
	return ocpp_encode(ocpp_actions[r.action].req, req, &err);
}

static int set_limit(struct evse_group *g, int k, double amps, bool per_connector)
{
	struct ocpp_error err;
	struct limit_req r;
	int sat, local;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return -1;
	if (sat < 0) {
		evse_charge_set_limit(g->st->charge, EVSE_LIMIT_GROUP, amps);
		return 0;
	}
	struct group_conn *c = g->sat[sat].conn;
	if (!c)
		return -1;
	const void *req = limit_req(&r, per_connector ? local : 0, amps);
	int rc = ocpp_rpc_call(c->rpc, r.action, req, &g->own_cookie, g->now, &err);
	if (rc < 0)
		WL_WARN(MOD, "limit of %s not sent: %s", g->map.sat[sat].id, err.message);
	evse_group__flush(c);
	return rc < 0 ? -1 : 0;
}

int evse_group_set_point_limit(struct evse_group *g, int k, double amps)
{
	return set_limit(g, k, amps, false);
}

int evse_group_set_connector_limit(struct evse_group *g, int k, double amps)
{
	int sat, local;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0 || sat < 0)
		return -1;
	return set_limit(g, k, amps, true);
}

/* evse_ocpp.c — what the station sends: BootNotification (nothing else before Accepted, retried after the
 * given interval), Heartbeat, StatusNotification (after MinimumStatusDuration), Authorize with the cache and
 * local list, MeterValues (sampled and clock-aligned), and the durable queue of transaction messages that
 * is replayed in order, one at a time, with TransactionMessageAttempts / RetryInterval. */
#include "evse_ocpp_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_clock.h"
#include "wl_log.h"

#define MOD "ocpp"

static char boot_cookie, heartbeat_cookie, status_cookie, auth_cookie, txq_cookie, plain_cookie;

uint64_t evse_ocpp__wall(const struct evse_ocpp *o)
{
	return o->clock.wall_ms ? o->clock.wall_ms(o->clock.ctx) : wl_wall_ms();
}

void evse_ocpp__timestamp(const struct evse_ocpp *o, char *out, size_t cap)
{
	ocpp_time_format((int64_t)evse_ocpp__wall(o), out, cap);
}

int evse_ocpp__call(struct evse_ocpp *o, enum ocpp_action a, const void *req, void *cookie)
{
	struct ocpp_error err;
	if (!o->rpc || (!o->accepted && a != OCPP_BootNotification))
		return -1;
	int rc = ocpp_rpc_call(o->rpc, a, req, cookie, o->now, &err);
	if (rc < 0)
		WL_ERROR(MOD, "%s not sent: %s", ocpp_action_name(a), err.message);
	return rc;
}

/* ---- boot, heartbeat, status ---- */

void evse_ocpp__send_boot(struct evse_ocpp *o)
{
	char version[51] = ""; /* firmwareVersion: CiString50; an installed image's, else the program's */
	if (evse_store_get(o->st, "firmware.version", version, sizeof(version)) != 1 || !version[0])
		snprintf(version, sizeof(version), "%s", EVSE_VERSION);
	struct ocpp_boot_notification_req req = {
	    .charge_point_vendor = o->cfg->vendor,
	    .charge_point_model = o->cfg->model,
	    .charge_point_serial_number = o->cfg->serial[0] ? o->cfg->serial : NULL,
	    .firmware_version = version,
	    .meter_type = "internal",
	};
	char serial[26];
	if (strlen(o->cfg->serial) > 25) { /* chargePointSerialNumber is CiString25 */
		memcpy(serial, o->cfg->serial, 25);
		serial[25] = '\0';
		req.charge_point_serial_number = serial;
	}
	if (evse_ocpp__call(o, OCPP_BootNotification, &req, &boot_cookie) == 0)
		o->boot_in_flight = true;
}

void evse_ocpp__send_heartbeat(struct evse_ocpp *o)
{
	struct ocpp_heartbeat_req req = {0};
	evse_ocpp__call(o, OCPP_Heartbeat, &req, &heartbeat_cookie);
}

static enum ocpp_charge_point_status ocpp_status(enum evse_state s)
{
	int v = ocpp_enum_value(&ocpp_enum_charge_point_status, evse_state_ocpp_name(s));
	return v < 0 ? OCPP_CHARGE_POINT_STATUS_FAULTED : (enum ocpp_charge_point_status)v;
}

void evse_ocpp__send_status(struct evse_ocpp *o, int connector)
{
	char ts[40], vendor_code[16] = "";
	enum evse_state s = o->status;
	struct ocpp_status_notification_req req = {
	    .connector_id = connector,
	    .error_code = OCPP_CHARGE_POINT_ERROR_CODE_NO_ERROR,
	    .timestamp = ts,
	};
	evse_ocpp__timestamp(o, ts, sizeof(ts));
	if (connector == 0) {
		/* the station as a whole: available unless it cannot charge at all */
		req.status = s == EVSE_STATE_UNAVAILABLE || s == EVSE_STATE_FAULTED
		                 ? ocpp_status(s)
		                 : OCPP_CHARGE_POINT_STATUS_AVAILABLE;
	} else {
		req.status = ocpp_status(s);
	}
	if (o->status_error >= 0) {
		req.error_code = evse_protect_ocpp((enum evse_protection)o->status_error);
		snprintf(vendor_code, sizeof(vendor_code), "%s",
		         evse_protect_display((enum evse_protection)o->status_error));
		req.vendor_error_code = vendor_code;
		req.info = evse_protect_what((enum evse_protection)o->status_error);
		if (connector == 0)
			req.status = OCPP_CHARGE_POINT_STATUS_FAULTED;
	} else if (o->warning[0]) {
		req.error_code = OCPP_CHARGE_POINT_ERROR_CODE_POWER_METER_FAILURE;
		req.vendor_error_code = "ERR MET";
		req.info = o->warning;
	}
	if (evse_ocpp__call(o, OCPP_StatusNotification, &req, &status_cookie) == 0 && connector == 1) {
		o->status_sent_valid = true;
		o->status_sent = s;
		o->status_sent_error = o->status_error;
		memcpy(o->warning_sent, o->warning, sizeof(o->warning_sent));
	}
}

/* ---- meter values ---- */

struct sample_buf {
	struct ocpp_sampled_value sv[24];
	char text[24][24];
	size_t n;
};

/* unit -1: none (OCPP has no unit for a frequency) */
static void add_sample(struct sample_buf *b, enum ocpp_reading_context ctx, enum ocpp_measurand m, int phase, int unit,
                       double value)
{
	if (b->n >= 24)
		return;
	snprintf(b->text[b->n], sizeof(b->text[b->n]), "%.1f", value);
	b->sv[b->n] = (struct ocpp_sampled_value){
	    .value = b->text[b->n],
	    .has_context = true,
	    .context = ctx,
	    .has_measurand = true,
	    .measurand = m,
	    .has_phase = phase >= 0,
	    .phase = (enum ocpp_phase)(phase >= 0 ? phase : 0),
	    .has_location = true,
	    .location = OCPP_LOCATION_OUTLET,
	    .has_unit = unit >= 0,
	    .unit = (enum ocpp_unit_of_measure)(unit >= 0 ? unit : 0),
	};
	b->n++;
}

/* Fills b with every measurand of list key k, per phase where the meter has phases. */
static void sample(struct evse_ocpp *o, enum evse_key k, enum ocpp_reading_context ctx, struct sample_buf *b)
{
	struct evse_status st;
	int phases = o->cfg->phases == 1 ? 1 : 3;
	evse_charge_status(o->charge, o->now, &st);
	double power = 0.0;
	for (int p = 0; p < EVSE_PHASES; p++)
		power += st.meter.power_w[p];
	if (evse_key_has(o->st, k, "Energy.Active.Import.Register"))
		add_sample(b, ctx, OCPP_MEASURAND_ENERGY_ACTIVE_IMPORT_REGISTER, -1, OCPP_UNIT_OF_MEASURE_WH,
		           st.meter.energy_wh);
	if (evse_key_has(o->st, k, "Power.Active.Import"))
		add_sample(b, ctx, OCPP_MEASURAND_POWER_ACTIVE_IMPORT, -1, OCPP_UNIT_OF_MEASURE_W, power);
	if (evse_key_has(o->st, k, "Current.Import"))
		for (int p = 0; p < phases; p++)
			add_sample(b, ctx, OCPP_MEASURAND_CURRENT_IMPORT, OCPP_PHASE_L1 + p, OCPP_UNIT_OF_MEASURE_A,
			           st.meter.current_a[p]);
	if (evse_key_has(o->st, k, "Current.Offered"))
		add_sample(b, ctx, OCPP_MEASURAND_CURRENT_OFFERED, -1, OCPP_UNIT_OF_MEASURE_A, st.offered_a);
	if (evse_key_has(o->st, k, "Voltage"))
		for (int p = 0; p < phases; p++)
			add_sample(b, ctx, OCPP_MEASURAND_VOLTAGE, OCPP_PHASE_L1_N + p, OCPP_UNIT_OF_MEASURE_V,
			           st.meter.voltage_v[p]);
	if (evse_key_has(o->st, k, "Frequency"))
		add_sample(b, ctx, OCPP_MEASURAND_FREQUENCY, -1, -1, st.meter.frequency_hz);
	if (evse_key_has(o->st, k, "Temperature"))
		add_sample(b, ctx, OCPP_MEASURAND_TEMPERATURE, -1, OCPP_UNIT_OF_MEASURE_CELSIUS, st.temps.plug_c);
}

static int queue_push(struct evse_ocpp *o, enum ocpp_action a, int64_t local_tx, const void *req)
{
	struct ocpp_error err;
	cJSON *j = ocpp_encode(ocpp_actions[a].req, req, &err);
	if (!j) {
		WL_ERROR(MOD, "%s not queued: %s", ocpp_action_name(a), err.message);
		return -1;
	}
	char *text = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	int rc = text ? evse_store_txq_push(o->st, ocpp_action_name(a), local_tx, text) : -1;
	free(text);
	return rc;
}

void evse_ocpp__send_meter_values(struct evse_ocpp *o, enum ocpp_reading_context ctx, bool in_tx)
{
	struct sample_buf b = {.n = 0};
	char ts[40];
	enum evse_key k = ctx == OCPP_READING_CONTEXT_SAMPLE_CLOCK ? EVSE_KEY_MeterValuesAlignedData
	                                                           : EVSE_KEY_MeterValuesSampledData;
	sample(o, k, ctx, &b);
	if (b.n == 0)
		return;
	evse_ocpp__timestamp(o, ts, sizeof(ts));
	struct ocpp_meter_value mv = {.timestamp = ts, .n_sampled_value = b.n, .sampled_value = b.sv};
	struct ocpp_meter_values_req req = {.connector_id = 1, .n_meter_value = 1, .meter_value = &mv};
	if (in_tx && o->open_tx) {
		req.has_transaction_id = true; /* the central system's id is filled in when sent */
		queue_push(o, OCPP_MeterValues, o->open_tx, &req);
	} else {
		evse_ocpp__call(o, OCPP_MeterValues, &req, &plain_cookie);
	}
}

/* ---- the transaction-message queue ---- */

static bool is_transaction_id_action(const char *action)
{
	return strcmp(action, "StopTransaction") == 0 || strcmp(action, "MeterValues") == 0;
}

/* Sends the oldest queued message when nothing of the queue is in flight. */
static void pump_queue(struct evse_ocpp *o)
{
	struct evse_txq_item it;
	struct ocpp_error err;
	struct ocpp_payload p;

	if (!o->accepted || o->txq_busy || o->now < o->txq_retry_at)
		return;
	if (evse_store_txq_head(o->st, &it) != 1)
		return;
	int a = ocpp_action_lookup(it.action);
	cJSON *j = cJSON_Parse(it.payload);
	if (a < 0 || !j) {
		WL_ERROR(MOD, "queued message %" PRId64 " is unreadable: dropped", it.seq);
		evse_store_txq_remove(o->st, it.seq);
		goto out;
	}
	if (is_transaction_id_action(it.action) && cJSON_GetObjectItem(j, "transactionId")) {
		int64_t remote;
		if (evse_store_txmap_get(o->st, it.local_tx, &remote) != 1) {
			/* its StartTransaction never got an id (refused to the end): nothing can refer to it */
			WL_ERROR(MOD, "%s of local transaction %" PRId64 " has no transactionId: dropped", it.action,
			         it.local_tx);
			evse_store_txq_remove(o->st, it.seq);
			goto out_json;
		}
		cJSON_ReplaceItemInObject(j, "transactionId", cJSON_CreateNumber((double)remote));
	}
	memset(&p, 0, sizeof(p));
	if (ocpp_decode(ocpp_actions[a].req, j, NULL, &p, &err) == 0 &&
	    ocpp_rpc_call(o->rpc, (enum ocpp_action)a, p.data, &txq_cookie, o->now, &err) == 0) {
		o->txq_busy = true;
	} else {
		WL_ERROR(MOD, "queued %s cannot be sent: %s", it.action, err.message);
		evse_store_txq_remove(o->st, it.seq);
	}
	ocpp_payload_release(&p);
out_json:
	cJSON_Delete(j);
out:
	free(it.payload);
}

/* The central system answered the head of the queue (or failed to). */
static void queue_outcome(struct evse_ocpp *o, const struct ocpp_outcome *out)
{
	struct evse_txq_item it;
	o->txq_busy = false;
	if (evse_store_txq_head(o->st, &it) != 1)
		return;
	if (out->kind == OCPP_OUTCOME_RESULT) {
		if (out->action == OCPP_StartTransaction) {
			const struct ocpp_start_transaction_conf *c = out->conf;
			evse_store_begin(o->st);
			evse_store_txmap_set(o->st, it.local_tx, c->transaction_id);
			evse_store_txq_remove(o->st, it.seq);
			evse_store_commit(o->st);
			if (c->id_tag_info && c->id_tag_info->status != OCPP_AUTHORIZATION_STATUS_ACCEPTED &&
			    it.local_tx == o->open_tx && evse_key_bool(o->st, EVSE_KEY_StopTransactionOnInvalidId)) {
				WL_INFO(MOD, "transaction %" PRId64 " refused by the central system: stopping",
				        (int64_t)c->transaction_id);
				evse_charge_stop(o->charge, EVSE_STOP_DEAUTHORIZED, o->now);
			}
		} else {
			evse_store_txq_remove(o->st, it.seq);
		}
		goto out;
	}
	if (out->error.code == OCPP_ERR_Timeout || out->error.code == OCPP_ERR_Cancelled)
		goto out; /* no answer or the connection went away: the same message is sent again */
	/* the central system could not process it: retry TransactionMessageAttempts times */
	evse_store_txq_attempted(o->st, it.seq);
	long attempts = evse_key_int(o->st, EVSE_KEY_TransactionMessageAttempts);
	if (it.attempts + 1 >= attempts) {
		WL_ERROR(MOD, "%s dropped after %d attempts: %s", it.action, it.attempts + 1, out->error.message);
		evse_store_txq_remove(o->st, it.seq);
	} else {
		o->txq_retry_at = o->now + (uint64_t)evse_key_int(o->st, EVSE_KEY_TransactionMessageRetryInterval) *
		                               1000u * (uint64_t)(it.attempts + 1);
	}
out:
	free(it.payload);
}

/* ---- outcomes of our calls ---- */

static void on_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out)
{
	struct evse_ocpp *o = ctx;
	(void)rpc;
	if (o->relay.outcome && o->relay.outcome(o->relay.ctx, out))
		return;
	if (out->cookie == &txq_cookie) {
		if (!o->closing)
			queue_outcome(o, out);
		else
			o->txq_busy = false;
		return;
	}
	if (out->cookie == &boot_cookie) {
		o->boot_in_flight = false;
		if (o->closing)
			return;
		if (out->kind != OCPP_OUTCOME_RESULT) {
			o->boot_retry_at = o->now + 30000;
			return;
		}
		const struct ocpp_boot_notification_conf *c = out->conf;
		uint64_t interval = (uint64_t)(c->interval > 0 ? c->interval : 60) * 1000u;
		if (c->status == OCPP_REGISTRATION_STATUS_ACCEPTED) {
			WL_INFO(MOD, "boot accepted, heartbeat every %" PRId64 " s", (int64_t)c->interval);
			o->accepted = true;
			if (c->interval > 0) {
				char v[24];
				snprintf(v, sizeof(v), "%" PRId64, (int64_t)c->interval);
				evse_key_change(o->st, "HeartbeatInterval", v);
			}
			o->heartbeat_at = o->now + (uint64_t)evse_key_int(o->st, EVSE_KEY_HeartbeatInterval) * 1000u;
			evse_charge_set_online(o->charge, true);
			o->status0_sent = false;
			o->status_sent_valid = false;
		} else {
			WL_INFO(MOD, "boot %s, retry in %" PRIu64 " s",
			        ocpp_enum_name(&ocpp_enum_registration_status, (int)c->status), interval / 1000u);
			o->boot_retry_at = o->now + interval;
		}
		return;
	}
	if (out->cookie == &auth_cookie) {
		bool remote = o->auth_for_remote;
		o->auth_busy = false;
		o->auth_for_remote = false;
		bool ok = false;
		const char *parent = "";
		if (out->kind == OCPP_OUTCOME_RESULT) {
			const struct ocpp_authorize_conf *c = out->conf;
			ok = c->id_tag_info->status == OCPP_AUTHORIZATION_STATUS_ACCEPTED;
			parent = c->id_tag_info->parent_id_tag ? c->id_tag_info->parent_id_tag : "";
			evse_ocpp__cache_put(o, o->auth_id, c->id_tag_info);
		} else {
			char p[EVSE_ID_MAX] = "";
			/* no answer: decide as offline */
			bool was = o->accepted;
			o->accepted = false;
			ok = evse_ocpp_authorize(o, o->auth_id, p, o->now) == EVSE_AUTH_ACCEPTED;
			o->accepted = was;
			parent = "";
		}
		if (remote)
			evse_ocpp__remote_authorized(o, o->auth_id, ok);
		else
			evse_charge_auth_result(o->charge, o->auth_id, ok, parent, o->now);
		return;
	}
	if (out->kind == OCPP_OUTCOME_ERROR && !o->closing)
		WL_WARN(MOD, "%s failed: %s", ocpp_action_name(out->action), out->error.message);
}

/* ---- life cycle ---- */

struct evse_ocpp *evse_ocpp_new(const struct evse_config *cfg, struct evse_store *st, struct evse_charge *charge,
                                const struct evse_ocpp_clock *clock, uint64_t now_ms)
{
	struct evse_ocpp *o = calloc(1, sizeof(*o));
	char buf[64];
	if (!o)
		return NULL;
	o->cfg = cfg;
	o->st = st;
	o->charge = charge;
	if (clock)
		o->clock = *clock;
	o->now = now_ms;
	o->status = evse_charge_state(charge);
	o->status_error = -1;
	o->status_since = now_ms;
	o->sample_at = UINT64_MAX;
	/* a transaction the last run left open (power cut, kill): end it with what the meter last said */
	if (evse_store_get(st, "open_tx", buf, sizeof(buf)) == 1 && buf[0]) {
		int64_t local = strtoll(buf, NULL, 10);
		char wh[32] = "0", id[EVSE_ID_MAX] = "";
		char ts[40];
		evse_store_get(st, "open_tx_wh", wh, sizeof(wh));
		evse_store_get(st, "open_tx_id", id, sizeof(id));
		evse_ocpp__timestamp(o, ts, sizeof(ts));
		struct ocpp_stop_transaction_req req = {.id_tag = id[0] ? id : NULL,
		                                        .meter_stop = strtoll(wh, NULL, 10),
		                                        .timestamp = ts,
		                                        .has_reason = true,
		                                        .reason = OCPP_REASON_POWER_LOSS};
		WL_WARN(MOD, "transaction %" PRId64 " was left open by the last run: stopping it (PowerLoss)", local);
		queue_push(o, OCPP_StopTransaction, local, &req);
		evse_store_set(st, "open_tx", "");
	}
	long max = evse_key_int(st, EVSE_KEY_WattlineMaxCurrent);
	if (max >= 6 && max < 32)
		evse_charge_set_limit(charge, EVSE_LIMIT_LOCAL, (double)max);
	evse_ocpp__resv_load(o);
	if (evse_ocpp__smart_init(o) < 0) {
		free(o);
		return NULL;
	}
	return o;
}

static void drop_rpc(struct evse_ocpp *o)
{
	if (!o->rpc)
		return;
	o->closing = true;
	ocpp_rpc_free(o->rpc);
	o->rpc = NULL;
	o->closing = false;
	o->txq_busy = false;
	o->boot_in_flight = false;
	o->unlock_pending = false; /* its call went with the connection */
	if (o->auth_busy) {
		o->auth_busy = false;
		evse_charge_auth_result(o->charge, o->auth_id, false, "", o->now);
	}
}

void evse_ocpp_free(struct evse_ocpp *o)
{
	if (!o)
		return;
	drop_rpc(o);
	evse_ocpp__fw_free(o);
	evse_ocpp__smart_free(o);
	free(o);
}

/* ---- the Master/Satellite relay: it sees the central system's calls first ---- */

static void relay_dispatch(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	if (o->relay.call && o->relay.call(o->relay.ctx, in))
		return;
	if (evse_ocpp__handlers[in->action])
		evse_ocpp__handlers[in->action](ctx, rpc, in);
	else
		ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_NotSupported, "not supported");
}

static ocpp_call_fn *const *relay_handlers(void)
{
	static ocpp_call_fn *table[OCPP_ACTION_COUNT];
	for (int a = 0; a < OCPP_ACTION_COUNT; a++)
		table[a] = relay_dispatch;
	return table;
}

void evse_ocpp_set_relay(struct evse_ocpp *o, const struct evse_ocpp_relay *r)
{
	if (r)
		o->relay = *r;
	else
		memset(&o->relay, 0, sizeof(o->relay));
}

unsigned evse_ocpp_link(const struct evse_ocpp *o)
{
	return o->rpc ? o->link : 0;
}

int evse_ocpp_relay_send(struct evse_ocpp *o, enum ocpp_action a, const void *req, void *cookie)
{
	return evse_ocpp__call(o, a, req, cookie);
}

int evse_ocpp_relay_reply(struct evse_ocpp *o, unsigned link, const char *id, const void *conf)
{
	struct ocpp_error err;
	if (!o->rpc || link != o->link)
		return -1;
	return ocpp_rpc_reply(o->rpc, id, conf, &err);
}

int evse_ocpp_relay_reply_error(struct evse_ocpp *o, unsigned link, const char *id, enum ocpp_error_code code,
                                const char *description)
{
	if (!o->rpc || link != o->link)
		return -1;
	return ocpp_rpc_reply_error(o->rpc, id, code, description);
}

void evse_ocpp_connected(struct evse_ocpp *o, uint64_t now_ms)
{
	o->now = now_ms;
	drop_rpc(o);
	struct ocpp_rpc_config rc = {
	    .role = OCPP_ROLE_CP,
	    .handlers = o->relay.call ? relay_handlers() : evse_ocpp__handlers,
	    .on_outcome = on_outcome,
	    .ctx = o,
	    .id_seed = evse_ocpp__wall(o),
	};
	o->rpc = ocpp_rpc_new(&rc);
	o->link++;
	o->connected = o->rpc != NULL;
	o->accepted = false;
	o->boot_retry_at = 0;
	WL_INFO(MOD, "connected");
	if (o->connected)
		evse_ocpp__send_boot(o);
}

void evse_ocpp_disconnected(struct evse_ocpp *o, uint64_t now_ms)
{
	o->now = now_ms;
	if (o->connected)
		WL_INFO(MOD, "disconnected");
	o->connected = false;
	o->accepted = false;
	evse_charge_set_online(o->charge, false);
	drop_rpc(o);
}

bool evse_ocpp_online(const struct evse_ocpp *o)
{
	return o->connected && o->accepted;
}

void evse_ocpp_receive(struct evse_ocpp *o, const char *buf, size_t len, uint64_t now_ms)
{
	struct ocpp_error err;
	o->now = now_ms;
	if (!o->rpc)
		return;
	o->last_rx_ms = now_ms;
	if (ocpp_rpc_receive(o->rpc, buf, len, now_ms, &err) < 0)
		WL_WARN(MOD, "bad frame from the central system: %s", err.message);
	pump_queue(o);
}

char *evse_ocpp_take_output(struct evse_ocpp *o, size_t *len)
{
	return o->rpc ? ocpp_rpc_take_output(o->rpc, len) : NULL;
}

/* Sampled readings run whether online or not: they are queued with their transaction. */
static void sample_tick(struct evse_ocpp *o)
{
	long interval = evse_key_int(o->st, EVSE_KEY_MeterValueSampleInterval);
	if (!o->open_tx || interval <= 0 || o->now < o->sample_at)
		return;
	o->sample_at = o->now + (uint64_t)interval * 1000u;
	evse_ocpp__send_meter_values(o, OCPP_READING_CONTEXT_SAMPLE_PERIODIC, true);
	struct evse_status st;
	char wh[32];
	evse_charge_status(o->charge, o->now, &st);
	snprintf(wh, sizeof(wh), "%.0f", st.meter.energy_wh);
	evse_store_set(o->st, "open_tx_wh", wh);
}

bool evse_ocpp_has_output(const struct evse_ocpp *o)
{
	return o->rpc && ocpp_rpc_has_output(o->rpc);
}

bool evse_ocpp_unread(const struct evse_ocpp *o, size_t *waiting)
{
	*waiting = o->rpc ? ocpp_rpc_output_bytes(o->rpc) : 0;
	return o->rpc && ocpp_rpc_overflowed(o->rpc);
}

/* Wall ms of the next multiple of interval_s after wall. */
static int64_t next_aligned(int64_t wall, long interval_s)
{
	int64_t step = (int64_t)interval_s * 1000;
	return (wall / step + 1) * step;
}

void evse_ocpp_tick(struct evse_ocpp *o, uint64_t now_ms)
{
	o->now = now_ms;
	sample_tick(o);
	evse_ocpp__resv_tick(o);
	evse_ocpp__smart_tick(o);
	evse_ocpp__fw_tick(o);
	if (!o->rpc)
		return;
	ocpp_rpc_tick(o->rpc, now_ms);
	if (!o->accepted) {
		if (!o->boot_in_flight && now_ms >= o->boot_retry_at)
			evse_ocpp__send_boot(o);
		return;
	}
	if (!o->status0_sent) {
		o->status0_sent = true;
		evse_ocpp__send_status(o, 0);
	}
	/* StatusNotification once the state held MinimumStatusDuration */
	uint64_t min_ms = (uint64_t)evse_key_int(o->st, EVSE_KEY_MinimumStatusDuration) * 1000u;
	if ((!o->status_sent_valid || o->status_sent != o->status || o->status_sent_error != o->status_error ||
	     strcmp(o->warning_sent, o->warning) != 0) &&
	    now_ms - o->status_since >= min_ms)
		evse_ocpp__send_status(o, 1);
	if (now_ms >= o->heartbeat_at) {
		long hb = evse_key_int(o->st, EVSE_KEY_HeartbeatInterval);
		o->heartbeat_at = now_ms + (uint64_t)(hb > 0 ? hb : 86400) * 1000u;
		if (hb > 0)
			evse_ocpp__send_heartbeat(o);
	}
	/* clock-aligned readings */
	long aligned = evse_key_int(o->st, EVSE_KEY_ClockAlignedDataInterval);
	int64_t wall = (int64_t)evse_ocpp__wall(o);
	if (aligned <= 0) {
		o->aligned_next_wall = 0;
	} else if (!o->aligned_next_wall) {
		o->aligned_next_wall = next_aligned(wall, aligned);
	} else if (wall >= o->aligned_next_wall) {
		o->aligned_next_wall = next_aligned(wall, aligned);
		evse_ocpp__send_meter_values(o, OCPP_READING_CONTEXT_SAMPLE_CLOCK, o->open_tx != 0);
	}
	pump_queue(o);
	evse_ocpp__unlock_tick(o);
}

/* ---- events of the charging point ---- */

void evse_ocpp_set_warning(struct evse_ocpp *o, const char *info)
{
	snprintf(o->warning, sizeof(o->warning), "%s", info ? info : "");
}

void evse_ocpp_on_state(struct evse_ocpp *o, enum evse_state to, int error, uint64_t now_ms)
{
	o->now = now_ms;
	o->status = to;
	o->status_error = to == EVSE_STATE_FAULTED ? error : -1;
	o->status_since = now_ms;
}

void evse_ocpp_on_session_start(struct evse_ocpp *o, const struct evse_session *s, uint64_t now_ms)
{
	char ts[40], buf[32];
	o->now = now_ms;
	int64_t local = evse_store_next_local_tx(o->st);
	if (local < 0)
		return;
	evse_ocpp__timestamp(o, ts, sizeof(ts));
	struct ocpp_start_transaction_req req = {
	    .connector_id = 1,
	    .id_tag = s->id_tag,
	    .meter_start = (int64_t)(s->start_wh + 0.5),
	    .has_reservation_id = s->reserved,
	    .reservation_id = s->reservation_id,
	    .timestamp = ts,
	};
	evse_store_begin(o->st);
	queue_push(o, OCPP_StartTransaction, local, &req);
	snprintf(buf, sizeof(buf), "%" PRId64, local);
	evse_store_set(o->st, "open_tx", buf);
	evse_store_set(o->st, "open_tx_id", s->id_tag);
	snprintf(buf, sizeof(buf), "%.0f", s->start_wh);
	evse_store_set(o->st, "open_tx_wh", buf);
	evse_store_commit(o->st);
	o->open_tx = local;
	evse_ocpp__smart_tx_started(o);
	long interval = evse_key_int(o->st, EVSE_KEY_MeterValueSampleInterval);
	o->sample_at = interval > 0 ? now_ms + (uint64_t)interval * 1000u : UINT64_MAX;
	pump_queue(o);
}

void evse_ocpp_on_session_stop(struct evse_ocpp *o, const struct evse_session *s, enum evse_stop_reason why,
                               double stop_wh, uint64_t now_ms)
{
	char ts[40];
	o->now = now_ms;
	if (!o->open_tx)
		return;
	evse_ocpp__timestamp(o, ts, sizeof(ts));
	int reason = ocpp_enum_value(&ocpp_enum_reason, evse_stop_reason_name(why));
	struct ocpp_stop_transaction_req req = {
	    .id_tag = s->id_tag[0] ? s->id_tag : NULL,
	    .meter_stop = (int64_t)(stop_wh + 0.5),
	    .timestamp = ts,
	    .transaction_id = 0, /* the central system's id is filled in when sent */
	    .has_reason = true,
	    .reason = reason < 0 ? OCPP_REASON_OTHER : (enum ocpp_reason)reason,
	};
	evse_store_begin(o->st);
	queue_push(o, OCPP_StopTransaction, o->open_tx, &req);
	evse_store_set(o->st, "open_tx", "");
	evse_store_commit(o->st);
	o->open_tx = 0;
	o->sample_at = UINT64_MAX;
	evse_ocpp__smart_tx_ended(o);
	pump_queue(o);
}

void evse_ocpp__cache_put(struct evse_ocpp *o, const char *id_tag, const struct ocpp_id_tag_info *info)
{
	if (!id_tag || !info || !evse_key_bool(o->st, EVSE_KEY_AuthorizationCacheEnabled))
		return;
	struct evse_auth_entry e;
	memset(&e, 0, sizeof(e));
	snprintf(e.status, sizeof(e.status), "%s", ocpp_enum_name(&ocpp_enum_authorization_status, (int)info->status));
	snprintf(e.expiry, sizeof(e.expiry), "%s", info->expiry_date ? info->expiry_date : "");
	snprintf(e.parent, sizeof(e.parent), "%s", info->parent_id_tag ? info->parent_id_tag : "");
	evse_store_auth_put(o->st, EVSE_AUTH_CACHE, id_tag, &e);
}

/* An entry is good when Accepted and not expired. */
static bool entry_accepts(const struct evse_ocpp *o, const struct evse_auth_entry *e)
{
	int64_t exp;
	if (strcmp(e->status, "Accepted") != 0)
		return false;
	return !e->expiry[0] || !ocpp_time_parse(e->expiry, &exp) || exp > (int64_t)evse_ocpp__wall(o);
}

enum evse_auth evse_ocpp_authorize(struct evse_ocpp *o, const char *id_tag, char *parent, uint64_t now_ms)
{
	struct evse_auth_entry e;
	struct ocpp_authorize_req req = {.id_tag = id_tag};
	bool listed = evse_key_bool(o->st, EVSE_KEY_LocalAuthListEnabled) &&
	              evse_store_auth_get(o->st, EVSE_AUTH_LIST, id_tag, &e) == 1;
	bool cached = !listed && evse_key_bool(o->st, EVSE_KEY_AuthorizationCacheEnabled) &&
	              evse_store_auth_get(o->st, EVSE_AUTH_CACHE, id_tag, &e) == 1;
	o->now = now_ms;

	if (evse_ocpp_online(o)) {
		if ((listed || cached) && evse_key_bool(o->st, EVSE_KEY_LocalPreAuthorize) && entry_accepts(o, &e)) {
			snprintf(parent, EVSE_ID_MAX, "%s", e.parent);
			return EVSE_AUTH_ACCEPTED;
		}
		if (o->auth_busy)
			return EVSE_AUTH_REJECTED;
		snprintf(o->auth_id, sizeof(o->auth_id), "%s", id_tag);
		if (evse_ocpp__call(o, OCPP_Authorize, &req, &auth_cookie) == 0) {
			o->auth_busy = true;
			return EVSE_AUTH_PENDING;
		}
	}
	/* offline */
	if ((listed || cached) && evse_key_bool(o->st, EVSE_KEY_LocalAuthorizeOffline)) {
		if (entry_accepts(o, &e)) {
			snprintf(parent, EVSE_ID_MAX, "%s", e.parent);
			return EVSE_AUTH_ACCEPTED;
		}
		return EVSE_AUTH_REJECTED;
	}
	return evse_key_bool(o->st, EVSE_KEY_AllowOfflineTxForUnknownId) ? EVSE_AUTH_ACCEPTED : EVSE_AUTH_REJECTED;
}

int evse_ocpp__authorize_remote(struct evse_ocpp *o, const char *id_tag)
{
	struct ocpp_authorize_req req = {.id_tag = id_tag};
	if (o->auth_busy)
		return -1;
	snprintf(o->auth_id, sizeof(o->auth_id), "%s", id_tag);
	if (evse_ocpp__call(o, OCPP_Authorize, &req, &auth_cookie) < 0)
		return -1;
	o->auth_busy = true;
	o->auth_for_remote = true;
	return 0;
}

int evse_ocpp_reset_due(const struct evse_ocpp *o)
{
	if (!o->reset_kind || o->open_tx || evse_charge_session(o->charge)->active)
		return 0;
	return o->reset_kind;
}

int64_t evse_ocpp_queued(const struct evse_ocpp *o)
{
	return evse_store_txq_count(o->st);
}

int64_t evse_ocpp__remote_tx(const struct evse_ocpp *o)
{
	int64_t remote;
	if (!o->open_tx || evse_store_txmap_get(o->st, o->open_tx, &remote) != 1)
		return -1;
	return remote;
}

uint64_t evse_ocpp_last_rx(const struct evse_ocpp *o)
{
	return o->last_rx_ms;
}

void evse_ocpp_request_reset(struct evse_ocpp *o, bool hard)
{
	WL_INFO(MOD, "%s reset requested locally", hard ? "hard" : "soft");
	o->reset_kind = hard ? 2 : 1;
	evse_charge_stop(o->charge, hard ? EVSE_STOP_HARD_RESET : EVSE_STOP_SOFT_RESET, o->now);
}

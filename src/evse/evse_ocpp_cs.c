/* evse_ocpp_cs.c — the central system's calls to the station, one handler each, in one table. Actions
 * without a handler are answered NotSupported by the library (and are not in SupportedFeatureProfiles). */
#include "evse_ocpp_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_fw.h"
#include "wl_log.h"

#define MOD            "ocpp"
#define UNLOCK_WAIT_MS 10000 /* the longest an UnlockConnector waits for its session to stop */

static void reply(struct ocpp_rpc *rpc, const struct ocpp_incoming *in, const void *conf)
{
	struct ocpp_error err;
	if (ocpp_rpc_reply(rpc, in->id, conf, &err) < 0)
		WL_ERROR(MOD, "reply to %s: %s", ocpp_action_name(in->action), err.message);
}

static void on_remote_start(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_remote_start_transaction_req *req = in->req;
	struct ocpp_remote_start_transaction_conf conf = {.status = OCPP_GENERIC_STATUS_REJECTED};

	/* its chargingProfile (a TxProfile) is installed when the session starts */
	if (req->charging_profile && evse_ocpp__smart_remote_profile(o, req->charging_profile) < 0) {
		WL_WARN(MOD, "remote start: the charging profile is not a valid TxProfile");
	} else if (!req->has_connector_id || req->connector_id == 1) {
		if (evse_key_bool(o->st, EVSE_KEY_AuthorizeRemoteTxRequests)) {
			/* the session is authorised when the Authorize comes back Accepted; refused at once when the
			 * point could not take it anyway (a session runs, reserved for another card, unavailable) */
			if (evse_charge_can_authorize(o->charge, req->id_tag, NULL) &&
			    evse_ocpp__authorize_remote(o, req->id_tag) == 0)
				conf.status = OCPP_GENERIC_STATUS_ACCEPTED;
		} else if (evse_charge_authorize(o->charge, req->id_tag, NULL, EVSE_START_REMOTE, o->now) == 0) {
			conf.status = OCPP_GENERIC_STATUS_ACCEPTED;
		}
	}
	reply(rpc, in, &conf);
}

void evse_ocpp__remote_authorized(struct evse_ocpp *o, const char *id_tag, bool accepted)
{
	if (accepted)
		evse_charge_authorize(o->charge, id_tag, NULL, EVSE_START_REMOTE, o->now);
}

static void on_remote_stop(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_remote_stop_transaction_req *req = in->req;
	struct ocpp_remote_stop_transaction_conf conf = {.status = OCPP_GENERIC_STATUS_REJECTED};
	int64_t remote = evse_ocpp__remote_tx(o);
	if (remote >= 0 && remote == req->transaction_id && evse_charge_stop(o->charge, EVSE_STOP_REMOTE, o->now) == 0)
		conf.status = OCPP_GENERIC_STATUS_ACCEPTED;
	reply(rpc, in, &conf);
}

static void on_reset(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_reset_req *req = in->req;
	struct ocpp_reset_conf conf = {.status = OCPP_GENERIC_STATUS_ACCEPTED};
	bool hard = req->type == OCPP_RESET_TYPE_HARD;
	reply(rpc, in, &conf);
	WL_INFO(MOD, "%s reset requested", hard ? "hard" : "soft");
	o->reset_kind = hard ? 2 : 1;
	/* transactions end first; the owner restarts once evse_ocpp_reset_due() says so */
	evse_charge_stop(o->charge, hard ? EVSE_STOP_HARD_RESET : EVSE_STOP_SOFT_RESET, o->now);
}

static void on_change_availability(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_change_availability_req *req = in->req;
	struct ocpp_change_availability_conf conf = {.status = OCPP_AVAILABILITY_STATUS_REJECTED};
	if (req->connector_id == 0 || req->connector_id == 1) {
		bool on = req->type == OCPP_AVAILABILITY_TYPE_OPERATIVE;
		int rc = evse_charge_set_available(o->charge, on, o->now);
		evse_store_set(o->st, "available", on ? "true" : "false");
		conf.status = rc == 1 ? OCPP_AVAILABILITY_STATUS_SCHEDULED : OCPP_AVAILABILITY_STATUS_ACCEPTED;
	}
	reply(rpc, in, &conf);
}

static void on_get_configuration(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_get_configuration_req *req = in->req;
	struct ocpp_key_value kv[EVSE_KEY_COUNT];
	char(*values)[EVSE_KEY_VALUE_MAX] = calloc(EVSE_KEY_COUNT, EVSE_KEY_VALUE_MAX);
	const char *unknown[64];
	struct ocpp_get_configuration_conf conf = {.configuration_key = kv, .unknown_key = unknown};

	if (!values) {
		ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_InternalError, "out of memory");
		return;
	}
	if (req->n_key == 0) {
		for (int k = 0; k < EVSE_KEY_COUNT; k++) {
			evse_key_get(o->st, (enum evse_key)k, values[k], EVSE_KEY_VALUE_MAX);
			kv[conf.n_configuration_key++] =
			    (struct ocpp_key_value){.key = evse_key_name((enum evse_key)k),
			                            .readonly = evse_key_readonly((enum evse_key)k),
			                            .value = values[k]};
		}
	}
	for (size_t i = 0; i < req->n_key; i++) {
		int k = evse_key_lookup(req->key[i]);
		if (k < 0) {
			if (conf.n_unknown_key < 64)
				unknown[conf.n_unknown_key++] = req->key[i];
			continue;
		}
		if (conf.n_configuration_key >= EVSE_KEY_COUNT)
			continue;
		evse_key_get(o->st, (enum evse_key)k, values[conf.n_configuration_key], EVSE_KEY_VALUE_MAX);
		kv[conf.n_configuration_key] = (struct ocpp_key_value){.key = evse_key_name((enum evse_key)k),
		                                                       .readonly = evse_key_readonly((enum evse_key)k),
		                                                       .value = values[conf.n_configuration_key]};
		conf.n_configuration_key++;
	}
	reply(rpc, in, &conf);
	free(values);
}

static void on_change_configuration(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_change_configuration_req *req = in->req;
	struct ocpp_change_configuration_conf conf = {.status = evse_key_change(o->st, req->key, req->value)};
	if (conf.status == OCPP_CONFIGURATION_STATUS_ACCEPTED) {
		if (strcmp(req->key, "HeartbeatInterval") == 0)
			o->heartbeat_at = o->now + (uint64_t)evse_key_int(o->st, EVSE_KEY_HeartbeatInterval) * 1000u;
		if (strcmp(req->key, "WattlineMaxCurrent") == 0)
			evse_charge_set_limit(o->charge, EVSE_LIMIT_LOCAL,
			                      (double)evse_key_int(o->st, EVSE_KEY_WattlineMaxCurrent));
		if (strcmp(req->key, "ClockAlignedDataInterval") == 0)
			o->aligned_next_wall = 0;
	}
	reply(rpc, in, &conf);
}

static void on_clear_cache(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	struct ocpp_clear_cache_conf conf = {.status = evse_store_auth_clear(o->st, EVSE_AUTH_CACHE) == 0
	                                                   ? OCPP_GENERIC_STATUS_ACCEPTED
	                                                   : OCPP_GENERIC_STATUS_REJECTED};
	reply(rpc, in, &conf);
}

/* UnlockConnector (OCPP 1.6 §5.17): a running session is stopped first (StopTransaction, reason
 * UnlockCommand); the answer waits until it has ended and its StopTransaction has gone out. */
static void on_unlock_connector(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_unlock_connector_req *req = in->req;
	struct ocpp_unlock_connector_conf conf = {.status = OCPP_UNLOCK_STATUS_NOT_SUPPORTED};
	if (req->connector_id == 1 && o->cfg->charging_case == EVSE_CASE_B) {
		bool in_session = evse_charge_session(o->charge)->active;
		bool unlocked = evse_charge_unlock(o->charge, o->now);
		if (in_session && !o->unlock_pending &&
		    snprintf(o->unlock_call_id, sizeof(o->unlock_call_id), "%s", in->id) <
		        (int)sizeof(o->unlock_call_id)) {
			o->unlock_pending = true;
			o->unlock_until = o->now + UNLOCK_WAIT_MS;
			return;
		}
		conf.status = unlocked ? OCPP_UNLOCK_STATUS_UNLOCKED : OCPP_UNLOCK_STATUS_UNLOCK_FAILED;
	}
	reply(rpc, in, &conf);
}

void evse_ocpp__unlock_tick(struct evse_ocpp *o)
{
	struct ocpp_error err;
	if (!o->unlock_pending || !o->rpc)
		return;
	bool stopped = !evse_charge_session(o->charge)->active && !o->open_tx;
	int64_t queued = evse_store_txq_count(o->st);
	bool stop_sent = queued == 0 || (o->txq_busy && queued == 1); /* the StopTransaction is the last queued */
	if (!(stopped && stop_sent) && o->now < o->unlock_until)
		return;
	struct ocpp_unlock_connector_conf conf = {.status = stopped && evse_charge_unlock(o->charge, o->now)
	                                                        ? OCPP_UNLOCK_STATUS_UNLOCKED
	                                                        : OCPP_UNLOCK_STATUS_UNLOCK_FAILED};
	o->unlock_pending = false;
	if (ocpp_rpc_reply(o->rpc, o->unlock_call_id, &conf, &err) < 0)
		WL_ERROR(MOD, "reply to UnlockConnector: %s", err.message);
}

static void on_trigger_message(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_trigger_message_req *req = in->req;
	struct ocpp_trigger_message_conf conf = {.status = OCPP_TRIGGER_MESSAGE_STATUS_ACCEPTED};
	if (req->has_connector_id && req->connector_id > 1) {
		conf.status = OCPP_TRIGGER_MESSAGE_STATUS_REJECTED;
		reply(rpc, in, &conf);
		return;
	}
	switch (req->requested_message) {
	case OCPP_MESSAGE_TRIGGER_BOOT_NOTIFICATION:
	case OCPP_MESSAGE_TRIGGER_HEARTBEAT:
	case OCPP_MESSAGE_TRIGGER_STATUS_NOTIFICATION:
	case OCPP_MESSAGE_TRIGGER_METER_VALUES:
	case OCPP_MESSAGE_TRIGGER_FIRMWARE_STATUS_NOTIFICATION:
	case OCPP_MESSAGE_TRIGGER_DIAGNOSTICS_STATUS_NOTIFICATION: break;
	default: conf.status = OCPP_TRIGGER_MESSAGE_STATUS_NOT_IMPLEMENTED; break;
	}
	reply(rpc, in, &conf); /* the answer goes before the message it triggers */
	if (conf.status != OCPP_TRIGGER_MESSAGE_STATUS_ACCEPTED)
		return;
	switch (req->requested_message) {
	case OCPP_MESSAGE_TRIGGER_BOOT_NOTIFICATION: evse_ocpp__send_boot(o); break;
	case OCPP_MESSAGE_TRIGGER_HEARTBEAT: evse_ocpp__send_heartbeat(o); break;
	case OCPP_MESSAGE_TRIGGER_STATUS_NOTIFICATION:
		evse_ocpp__send_status(o, req->has_connector_id ? (int)req->connector_id : 1);
		break;
	case OCPP_MESSAGE_TRIGGER_METER_VALUES:
		evse_ocpp__send_meter_values(o, OCPP_READING_CONTEXT_TRIGGER, false);
		break;
	case OCPP_MESSAGE_TRIGGER_FIRMWARE_STATUS_NOTIFICATION:
		evse_ocpp__send_firmware_status(o, o->fw ? evse_fw_status(o->fw) : OCPP_FIRMWARE_STATUS_IDLE);
		break;
	case OCPP_MESSAGE_TRIGGER_DIAGNOSTICS_STATUS_NOTIFICATION: evse_ocpp__send_diagnostics_status(o); break;
	default: break;
	}
}

static void on_get_local_list_version(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	char v[24] = "0";
	struct ocpp_get_local_list_version_conf conf = {.list_version = 0};
	if (!evse_key_bool(o->st, EVSE_KEY_LocalAuthListEnabled)) {
		conf.list_version = -1;
	} else {
		evse_store_get(o->st, "local_list_version", v, sizeof(v));
		conf.list_version = strtoll(v, NULL, 10);
	}
	reply(rpc, in, &conf);
}

static void on_send_local_list(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_send_local_list_req *req = in->req;
	struct ocpp_send_local_list_conf conf = {.status = OCPP_UPDATE_STATUS_ACCEPTED};
	char v[24] = "0";

	if (!evse_key_bool(o->st, EVSE_KEY_LocalAuthListEnabled)) {
		conf.status = OCPP_UPDATE_STATUS_NOT_SUPPORTED;
		goto out;
	}
	if ((long)req->n_local_authorization_list > evse_key_int(o->st, EVSE_KEY_SendLocalListMaxLength)) {
		conf.status = OCPP_UPDATE_STATUS_FAILED;
		goto out;
	}
	evse_store_get(o->st, "local_list_version", v, sizeof(v));
	bool full = req->update_type == OCPP_UPDATE_TYPE_FULL;
	if (!full && req->list_version <= strtoll(v, NULL, 10)) {
		conf.status = OCPP_UPDATE_STATUS_VERSION_MISMATCH;
		goto out;
	}
	evse_store_begin(o->st);
	if (full)
		evse_store_auth_clear(o->st, EVSE_AUTH_LIST);
	for (size_t i = 0; i < req->n_local_authorization_list; i++) {
		const struct ocpp_authorization_data *d = &req->local_authorization_list[i];
		if (!d->id_tag_info) {
			evse_store_auth_put(o->st, EVSE_AUTH_LIST, d->id_tag, NULL);
			continue;
		}
		struct evse_auth_entry e;
		memset(&e, 0, sizeof(e));
		snprintf(e.status, sizeof(e.status), "%s",
		         ocpp_enum_name(&ocpp_enum_authorization_status, (int)d->id_tag_info->status));
		snprintf(e.expiry, sizeof(e.expiry), "%s",
		         d->id_tag_info->expiry_date ? d->id_tag_info->expiry_date : "");
		snprintf(e.parent, sizeof(e.parent), "%s",
		         d->id_tag_info->parent_id_tag ? d->id_tag_info->parent_id_tag : "");
		evse_store_auth_put(o->st, EVSE_AUTH_LIST, d->id_tag, &e);
	}
	if (evse_store_auth_count(o->st, EVSE_AUTH_LIST) > evse_key_int(o->st, EVSE_KEY_LocalAuthListMaxLength)) {
		evse_store_rollback(o->st);
		conf.status = OCPP_UPDATE_STATUS_FAILED;
		goto out;
	}
	snprintf(v, sizeof(v), "%" PRId64, (int64_t)req->list_version);
	evse_store_set(o->st, "local_list_version", v);
	if (evse_store_commit(o->st) < 0)
		conf.status = OCPP_UPDATE_STATUS_FAILED;
out:
	reply(rpc, in, &conf);
}

/* ReserveNow: connector 1, or 0 (the whole station, which has one connector) when
 * ReserveConnectorZeroSupported. The expiry is wall time; the charging point counts in monotonic time. */
static void on_reserve_now(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	static const enum ocpp_reservation_status status_of[] = {
	    [EVSE_RESERVE_ACCEPTED] = OCPP_RESERVATION_STATUS_ACCEPTED,
	    [EVSE_RESERVE_FAULTED] = OCPP_RESERVATION_STATUS_FAULTED,
	    [EVSE_RESERVE_OCCUPIED] = OCPP_RESERVATION_STATUS_OCCUPIED,
	    [EVSE_RESERVE_REJECTED] = OCPP_RESERVATION_STATUS_REJECTED,
	    [EVSE_RESERVE_UNAVAILABLE] = OCPP_RESERVATION_STATUS_UNAVAILABLE,
	};
	struct evse_ocpp *o = ctx;
	const struct ocpp_reserve_now_req *req = in->req;
	struct ocpp_reserve_now_conf conf = {.status = OCPP_RESERVATION_STATUS_REJECTED};
	int64_t expiry;
	int64_t wall = (int64_t)evse_ocpp__wall(o);

	bool zero_ok = evse_key_bool(o->st, EVSE_KEY_ReserveConnectorZeroSupported);
	if (req->connector_id == 1 || (req->connector_id == 0 && zero_ok)) {
		if (!ocpp_time_parse(req->expiry_date, &expiry) || expiry <= wall) {
			WL_WARN(MOD, "reservation %" PRId64 ": expiry \"%s\" is not in the future", req->reservation_id,
			        req->expiry_date);
		} else {
			struct evse_reservation r = {.id = req->reservation_id,
			                             .expires_ms = o->now + (uint64_t)(expiry - wall)};
			snprintf(r.id_tag, sizeof(r.id_tag), "%s", req->id_tag);
			snprintf(r.parent, sizeof(r.parent), "%s", req->parent_id_tag ? req->parent_id_tag : "");
			conf.status = status_of[evse_charge_reserve(o->charge, &r, o->now)];
			if (conf.status == OCPP_RESERVATION_STATUS_ACCEPTED)
				evse_ocpp__resv_save(o, &r, expiry);
		}
	}
	reply(rpc, in, &conf);
}

static void on_cancel_reservation(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_cancel_reservation_req *req = in->req;
	struct ocpp_cancel_reservation_conf conf = {.status = OCPP_GENERIC_STATUS_REJECTED};
	if (evse_charge_cancel_reservation(o->charge, req->reservation_id, o->now) == 0) {
		conf.status = OCPP_GENERIC_STATUS_ACCEPTED;
		evse_ocpp__resv_tick(o);
	}
	reply(rpc, in, &conf);
}

static void on_data_transfer(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	(void)ctx;
	struct ocpp_data_transfer_conf conf = {.status = OCPP_DATA_TRANSFER_STATUS_UNKNOWN_VENDOR_ID};
	reply(rpc, in, &conf);
}

ocpp_call_fn *const evse_ocpp__handlers[OCPP_ACTION_COUNT] = {
    [OCPP_RemoteStartTransaction] = on_remote_start,
    [OCPP_RemoteStopTransaction] = on_remote_stop,
    [OCPP_Reset] = on_reset,
    [OCPP_ChangeAvailability] = on_change_availability,
    [OCPP_GetConfiguration] = on_get_configuration,
    [OCPP_ChangeConfiguration] = on_change_configuration,
    [OCPP_ClearCache] = on_clear_cache,
    [OCPP_UnlockConnector] = on_unlock_connector,
    [OCPP_TriggerMessage] = on_trigger_message,
    [OCPP_GetLocalListVersion] = on_get_local_list_version,
    [OCPP_SendLocalList] = on_send_local_list,
    [OCPP_DataTransfer] = on_data_transfer,
    [OCPP_ReserveNow] = on_reserve_now,
    [OCPP_CancelReservation] = on_cancel_reservation,
    [OCPP_SetChargingProfile] = evse_ocpp__on_set_charging_profile,
    [OCPP_ClearChargingProfile] = evse_ocpp__on_clear_charging_profile,
    [OCPP_GetCompositeSchedule] = evse_ocpp__on_get_composite_schedule,
    [OCPP_UpdateFirmware] = evse_ocpp__on_update_firmware,
    [OCPP_GetDiagnostics] = evse_ocpp__on_get_diagnostics,
};

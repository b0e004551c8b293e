/* csms_ops.c — CS -> CP operations: validation, queueing on the session, outcome, record. */
#include "csms_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_conn.h"
#include "csms_idtag.h"
#include "csms_op_db.h"
#include "csms_redact.h"
#include "csms_station_db.h"
#include "wl_clock.h"
#include "wl_log.h"

static const char *const status_names[] = {"result", "error", "timeout", "cancelled"};

const char *csms_op_status_name(enum csms_op_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "?";
}

static const char *const error_names[CSMS_OP_E_COUNT] = {
    "ok", "action", "no_station", "not_connected", "invalid", "busy", "no_memory",
};

const char *csms_op_error_name(int rc)
{
	return rc <= 0 && -rc < CSMS_OP_E_COUNT ? error_names[-rc] : "?";
}

int csms_op_start(struct csms *app, const char *station_id, enum ocpp_action action, const void *req,
                  csms_op_done_fn *done, void *ctx, struct csms_op **out, char *err, size_t errlen)
{
	struct ocpp_error oerr;
	cJSON *json = NULL;
	struct csms_op *op = NULL;
	int rc = CSMS_OP_E_NO_MEMORY;

	*out = NULL;
	if ((unsigned)action >= OCPP_ACTION_COUNT || !(ocpp_actions[action].sent_by & OCPP_FROM_CS)) {
		snprintf(err, errlen, "\"%s\" is not an action the central system sends",
		         (unsigned)action < OCPP_ACTION_COUNT ? ocpp_action_name(action) : "?");
		return CSMS_OP_E_ACTION;
	}
	struct csms_station *s = csms_registry_find(app->reg, station_id);
	if (!s) {
		snprintf(err, errlen, "station \"%s\" is not registered", station_id);
		return CSMS_OP_E_NO_STATION;
	}
	if (!csms_station_is_connected(s)) {
		snprintf(err, errlen, "station \"%s\" is not connected", station_id);
		return CSMS_OP_E_NOT_CONNECTED;
	}
	struct csms_conn *c = s->conn;
	/* the request as it will be sent, for the record (operation.request) without its secrets */
	if (!req || !(json = ocpp_encode(ocpp_actions[action].req, req, &oerr))) {
		snprintf(err, errlen, "%s: %s", ocpp_action_name(action), req ? oerr.message : "no request");
		rc = CSMS_OP_E_INVALID;
		goto out;
	}
	csms_redact_payload(json);
	if (!(op = calloc(1, sizeof(*op))) || !(op->request = cJSON_PrintUnformatted(json))) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	op->app = app;
	op->station = s;
	op->action = action;
	op->requested = (int64_t)wl_wall_ms();
	op->done = done;
	op->ctx = ctx;
	int r = ocpp_rpc_call(c->rpc, op->action, req, op, wl_mono_ms(), &oerr);
	if (r != 0) {
		rc = r == OCPP_EFULL ? CSMS_OP_E_BUSY : r == OCPP_ENOMEM ? CSMS_OP_E_NO_MEMORY : CSMS_OP_E_INVALID;
		snprintf(err, errlen, "%s",
		         r == OCPP_EFULL ? "too many operations waiting for this station" : oerr.message);
		goto out;
	}
	csms_conn_flush(c);
	WL_INFO("ops", "station \"%s\": %s queued", s->id, ocpp_action_name(action));
	*out = op;
	op = NULL;
	rc = 0;
out:
	if (op) {
		free(op->request);
		free(op);
	}
	cJSON_Delete(json);
	return rc;
}

void csms_op_detach(struct csms_op *op)
{
	op->done = NULL;
	op->ctx = NULL;
}

/* ---- recording: the operation row and the side effects of a successful answer ---- */

struct record_job {
	struct csms_job job;
	struct csms_op *op;
};

/* The request again, decoded (it was valid when sent). */
static const void *decode_request(struct csms_op *op, cJSON **root, struct ocpp_payload *p)
{
	struct ocpp_error e;
	*root = cJSON_Parse(op->request);
	if (!*root || ocpp_decode(ocpp_actions[op->action].req, *root, NULL, p, &e) != 0)
		return NULL;
	return p->data;
}

static bool answer_is(const struct csms_op *op, const char *status)
{
	char want[64];
	snprintf(want, sizeof(want), "\"status\":\"%s\"", status);
	return op->status == CSMS_OP_RESULT && op->response && strstr(op->response, want);
}

static int record_side_effects(struct csms_store *st, struct csms_op *op, int64_t now)
{
	cJSON *root = NULL;
	struct ocpp_payload p = {0};
	const void *req = decode_request(op, &root, &p);
	int rc = 0;
	char tag[CSMS_IDTAG_MAX + 1], parent[CSMS_IDTAG_MAX + 1];

	if (!req)
		goto out;
	switch (op->action) {
	case OCPP_SendLocalList: {
		const struct ocpp_send_local_list_req *r = req;
		if (answer_is(op, "Accepted"))
			rc = csms_station_db_set_list_version(csms_store_db(st), op->station->id, r->list_version);
		break;
	}
	case OCPP_ReserveNow: {
		const struct ocpp_reserve_now_req *r = req;
		int64_t expiry = 0;
		if (op->status != CSMS_OP_RESULT)
			break;
		ocpp_time_parse(r->expiry_date, &expiry);
		csms_idtag_normalize(r->id_tag, tag);
		if (r->parent_id_tag)
			csms_idtag_normalize(r->parent_id_tag, parent);
		struct csms_reservation res = {r->reservation_id,
		                               op->station->id,
		                               r->connector_id,
		                               tag,
		                               r->parent_id_tag ? parent : NULL,
		                               expiry,
		                               answer_is(op, "Accepted") ? "accepted" : "refused",
		                               now};
		rc = csms_op_db_reservation_put(st, &res);
		break;
	}
	case OCPP_CancelReservation: {
		const struct ocpp_cancel_reservation_req *r = req;
		if (answer_is(op, "Accepted"))
			rc = csms_op_db_reservation_cancel(st, r->reservation_id, op->station->id);
		break;
	}
	case OCPP_SetChargingProfile: {
		const struct ocpp_set_charging_profile_req *r = req;
		const struct ocpp_charging_profile *cp = r->cs_charging_profiles;
		cJSON *prof = cJSON_GetObjectItemCaseSensitive(root, "csChargingProfiles");
		char *text = prof ? cJSON_PrintUnformatted(prof) : NULL;
		if (op->status == CSMS_OP_RESULT && text) {
			struct csms_charging_profile row = {
			    op->station->id,
			    r->connector_id,
			    cp->charging_profile_id,
			    cp->stack_level,
			    ocpp_enum_name(&ocpp_enum_charging_profile_purpose, (int)cp->charging_profile_purpose),
			    text,
			    answer_is(op, "Accepted") ? "Accepted" : "Rejected",
			    now};
			rc = csms_op_db_profile_add(st, &row);
		}
		free(text);
		break;
	}
	case OCPP_ClearChargingProfile: {
		const struct ocpp_clear_charging_profile_req *r = req;
		if (answer_is(op, "Accepted"))
			rc = csms_op_db_profile_clear(st, op->station->id, r->has_id, r->has_id ? r->id : 0);
		break;
	}
	default: break;
	}
out:
	ocpp_payload_release(&p);
	cJSON_Delete(root);
	return rc;
}

static int exec_record(struct csms_store *st, struct csms_job *job)
{
	struct csms_op *op = ((struct record_job *)job)->op;
	int64_t now = (int64_t)wl_wall_ms();
	struct csms_op_row row = {op->station->id, ocpp_action_name(op->action),
	                          op->request,     csms_op_status_name(op->status),
	                          op->response,    op->status != CSMS_OP_RESULT ? op->error : NULL,
	                          op->requested,   now};
	if (csms_op_db_record(st, &row) < 0)
		return -1;
	return record_side_effects(st, op, now) < 0 ? -1 : 0;
}

static void done_record(struct csms_job *job)
{
	struct csms_op *op = ((struct record_job *)job)->op;
	if (job->rc < 0)
		WL_ERROR("ops", "station \"%s\": could not record %s", op->station->id, ocpp_action_name(op->action));
	if (op->done)
		op->done(op, op->ctx);
	free(op->request);
	free(op->response);
	free(op);
	free(job);
}

void csms_ops_on_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out)
{
	struct csms_op *op = out->cookie;
	struct record_job *j;
	(void)ctx;
	(void)rpc;

	if (out->kind == OCPP_OUTCOME_RESULT) {
		struct ocpp_error e;
		cJSON *json = ocpp_encode(ocpp_actions[out->action].conf, out->conf, &e);
		csms_redact_payload(json); /* a station that reads back a write-only key */
		op->response = json ? cJSON_PrintUnformatted(json) : NULL;
		cJSON_Delete(json);
		op->status = CSMS_OP_RESULT;
	} else {
		op->status = out->error.code == OCPP_ERR_Timeout     ? CSMS_OP_TIMEOUT
		             : out->error.code == OCPP_ERR_Cancelled ? CSMS_OP_CANCELLED
		                                                     : CSMS_OP_ERROR;
		snprintf(op->error_code, sizeof(op->error_code), "%s", ocpp_error_code_name(out->error.code));
		snprintf(op->error, sizeof(op->error), "%s", out->error.message);
	}
	WL_INFO("ops", "station \"%s\": %s -> %s%s%s", op->station->id, ocpp_action_name(op->action),
	        csms_op_status_name(op->status), op->status == CSMS_OP_RESULT ? "" : ": ",
	        op->status == CSMS_OP_RESULT ? "" : op->error);
	/* the asker hears the outcome once it is recorded */
	if (!(j = calloc(1, sizeof(*j)))) {
		if (op->done)
			op->done(op, op->ctx);
		free(op->request);
		free(op->response);
		free(op);
		return;
	}
	j->job.exec = exec_record;
	j->job.done = done_record;
	j->op = op;
	csms_store_submit(op->app->store, &j->job);
}

/* csms_handlers.c — what stations send (CP -> CS). Each handler copies what it needs out of the
 * decoded request into a store job; the answer is sent from the job's done() once the batch holding
 * it is committed, so nothing is acknowledged before it is on disk. Heartbeat alone is answered at
 * once (its time is flushed in batches). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_conn.h"
#include "csms_idtag.h"
#include "csms_journal.h"
#include "csms_op_db.h"
#include "csms_live.h"
#include "csms_connector_db.h"
#include "csms_station_db.h"
#include "csms_meter.h"
#include "csms_sync.h"
#include "csms_txn_db.h"
#include "csms_txrow.h"
#include "wl_clock.h"
#include "wl_log.h"

/* The part every handler job shares: who asked and which call to answer. */
struct hjob {
	struct csms_job job;
	struct csms *app;
	struct csms_station *station;
	uint64_t serial;
	int64_t now;
	char msg_id[OCPP_ID_MAX + 1];
};

static void *hjob_new(size_t size, struct csms_conn *c, const struct ocpp_incoming *in, csms_job_exec_fn *exec,
                      csms_job_done_fn *done)
{
	struct hjob *h = calloc(1, size);
	if (!h) {
		ocpp_rpc_reply_error(c->rpc, in->id, OCPP_ERR_InternalError, "out of memory");
		return NULL;
	}
	h->job.exec = exec;
	h->job.done = done;
	h->app = c->app;
	h->station = c->station;
	h->serial = c->serial;
	h->now = (int64_t)wl_wall_ms();
	snprintf(h->msg_id, sizeof(h->msg_id), "%s", in->id);
	return h;
}

/* Answers the job's call with conf, or with InternalError when the commit failed (the station keeps
 * the message and sends it again). Frees the job. */
static void hjob_reply(struct hjob *h, const void *conf)
{
	struct csms_conn *c = csms_conn_for(h->station, h->serial);
	if (c) {
		struct ocpp_error err;
		if (h->job.rc == CSMS_STORE_EIO)
			ocpp_rpc_reply_error(c->rpc, h->msg_id, OCPP_ERR_InternalError,
			                     "storage failed: send again later");
		else if (ocpp_rpc_reply(c->rpc, h->msg_id, conf, &err) != 0)
			WL_ERROR("handler", "station \"%s\": reply refused: %s", h->station->id, err.message);
		csms_conn_flush(c);
	}
	free(h);
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

/* A station timestamp in ms; a bad one (the schema already checked the format) falls back to now. */
static int64_t ts_ms(const char *s, int64_t fallback)
{
	int64_t ms;
	return s && ocpp_time_parse(s, &ms) ? ms : fallback;
}

static void now_text(char out[32])
{
	ocpp_time_format((int64_t)wl_wall_ms(), out, 32);
}

/* ---- BootNotification ---- */

struct boot_job {
	struct hjob h;
	enum csms_station_state state;
	char vendor[21], model[21], serial[26], box_serial[26], firmware[51], iccid[21], imsi[21], meter_type[26],
	    meter_serial[26];
};

static int exec_boot(struct csms_store *st, struct csms_job *job)
{
	struct boot_job *b = (struct boot_job *)job;
	struct csms_station_boot boot = {b->vendor, b->model, b->serial,     b->box_serial,   b->firmware,
	                                 b->iccid,  b->imsi,  b->meter_type, b->meter_serial, b->h.now};
	char detail[160];
	if (csms_station_db_booted(st, b->h.station->id, &boot) < 0)
		return -1;
	snprintf(detail, sizeof(detail), "%s %s, firmware %s: %s", b->vendor, b->model, b->firmware,
	         csms_station_state_name(b->state));
	return csms_journal_event_in_job(st, b->h.station->id, "boot", -1, detail, b->h.now);
}

static void done_boot(struct csms_job *job)
{
	struct boot_job *b = (struct boot_job *)job;
	struct csms_config *cfg = &b->h.app->cfg;
	char now[32];
	static const enum ocpp_registration_status status[] = {
	    [CSMS_STATION_PENDING] = OCPP_REGISTRATION_STATUS_PENDING,
	    [CSMS_STATION_ACCEPTED] = OCPP_REGISTRATION_STATUS_ACCEPTED,
	    [CSMS_STATION_REJECTED] = OCPP_REGISTRATION_STATUS_REJECTED,
	};
	now_text(now);
	struct ocpp_boot_notification_conf conf = {
	    .status = status[b->state],
	    .current_time = now,
	    .interval = b->state == CSMS_STATION_ACCEPTED ? cfg->heartbeat_interval : cfg->pending_interval,
	};
	struct csms *app = b->h.app;
	struct csms_station *station = b->h.station;
	struct csms_conn *c = csms_conn_for(station, b->h.serial);
	bool ready = b->state == CSMS_STATION_ACCEPTED && b->h.job.rc >= 0 && c;
	if (c) /* this connection has booted (or is told to wait: Pending, Rejected) */
		csms_conn_set_state(c, ready ? CSMS_CONN_ACCEPTED : CSMS_CONN_BOOTING);
	if (job->rc >= 0)
		csms_live_publish_station(app->live, station, "booted");
	hjob_reply(&b->h, &conf); /* frees b */
	if (ready)
		csms_sync_station_ready(app, station); /* its local list, if it is behind */
}

static void on_boot(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_boot_notification_req *r = in->req;
	struct csms_conn *c = ctx;
	struct boot_job *b = hjob_new(sizeof(*b), c, in, exec_boot, done_boot);
	(void)rpc;
	if (!b)
		return;
	b->state = c->station->state;
	copy_str(b->vendor, sizeof(b->vendor), r->charge_point_vendor);
	copy_str(b->model, sizeof(b->model), r->charge_point_model);
	copy_str(b->serial, sizeof(b->serial), r->charge_point_serial_number);
	copy_str(b->box_serial, sizeof(b->box_serial), r->charge_box_serial_number);
	copy_str(b->firmware, sizeof(b->firmware), r->firmware_version);
	copy_str(b->iccid, sizeof(b->iccid), r->iccid);
	copy_str(b->imsi, sizeof(b->imsi), r->imsi);
	copy_str(b->meter_type, sizeof(b->meter_type), r->meter_type);
	copy_str(b->meter_serial, sizeof(b->meter_serial), r->meter_serial_number);
	csms_store_submit(c->app->store, &b->h.job);
}

/* ---- Heartbeat: answered at once ---- */

static void on_heartbeat(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct csms_conn *c = ctx;
	char now[32];
	struct ocpp_error err;

	now_text(now);
	c->station->last_heartbeat = wl_wall_ms();
	c->station->heartbeat_dirty = true;
	struct ocpp_heartbeat_conf conf = {.current_time = now};
	ocpp_rpc_reply(rpc, in->id, &conf, &err);
}

/* ---- StatusNotification ---- */

struct status_job {
	struct hjob h;
	int connector;
	int64_t ts;
	char status[16], error_code[24], info[51], vendor_id[256], vendor_error_code[51];
};

static int exec_status(struct csms_store *st, struct csms_job *job)
{
	struct status_job *j = (struct status_job *)job;
	const char *id = j->h.station->id;
	char prev_status[16] = "", prev_error[24] = "", detail[400];
	struct csms_connector_status cs = {j->connector,         j->status, j->error_code, j->info, j->vendor_id,
	                                   j->vendor_error_code, j->ts,     j->h.now};
	if (csms_connector_db_report(st, id, &cs, prev_status, sizeof(prev_status), prev_error, sizeof(prev_error)) < 0)
		return -1;
	bool fault = strcmp(j->status, "Faulted") == 0 || strcmp(j->error_code, "NoError") != 0;
	if (strcmp(prev_status, j->status) == 0 && strcmp(prev_error, j->error_code) == 0)
		return 0;
	snprintf(detail, sizeof(detail), "%s -> %s, %s%s%s%s%s", prev_status[0] ? prev_status : "(none)", j->status,
	         j->error_code, j->info[0] ? ", " : "", j->info, j->vendor_error_code[0] ? ", vendor code " : "",
	         j->vendor_error_code);
	return csms_journal_event_in_job(st, id, fault ? "fault" : "status", j->connector, detail, j->h.now);
}

static void done_empty(struct csms_job *job)
{
	static const char empty[8];
	hjob_reply((struct hjob *)job, empty);
}

/* After the commit: tell the live streams, then answer. */
static void done_status(struct csms_job *job)
{
	struct status_job *j = (struct status_job *)job;
	if (job->rc >= 0)
		csms_live_publish_status(j->h.app->live, j->h.station, j->connector, j->status, j->error_code, j->ts);
	done_empty(job);
}

static void on_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_status_notification_req *r = in->req;
	struct csms_conn *c = ctx;
	struct status_job *j = hjob_new(sizeof(*j), c, in, exec_status, done_status);
	(void)rpc;
	if (!j)
		return;
	j->connector = (int)r->connector_id;
	j->ts = ts_ms(r->timestamp, j->h.now);
	copy_str(j->status, sizeof(j->status), ocpp_enum_name(&ocpp_enum_charge_point_status, (int)r->status));
	copy_str(j->error_code, sizeof(j->error_code),
	         ocpp_enum_name(&ocpp_enum_charge_point_error_code, (int)r->error_code));
	copy_str(j->info, sizeof(j->info), r->info);
	copy_str(j->vendor_id, sizeof(j->vendor_id), r->vendor_id);
	copy_str(j->vendor_error_code, sizeof(j->vendor_error_code), r->vendor_error_code);
	csms_store_submit(c->app->store, &j->h.job);
}

/* ---- Authorize ---- */

struct authorize_job {
	struct hjob h;
	char tag[CSMS_IDTAG_MAX + 1];
	struct csms_idtag_result res;
};

static int exec_authorize(struct csms_store *st, struct csms_job *job)
{
	struct authorize_job *j = (struct authorize_job *)job;
	return csms_idtag_authorize(st, j->tag, j->h.now, j->h.station->id, -1, j->h.app->cfg.allow_concurrent_tx,
	                            &j->res);
}

/* Fills an idTagInfo from a lookup; strings point into res and buf. */
static void fill_id_tag_info(struct ocpp_id_tag_info *info, const struct csms_idtag_result *res, char buf[32])
{
	memset(info, 0, sizeof(*info));
	info->status = res->status;
	if (res->parent[0])
		info->parent_id_tag = res->parent;
	if (res->has_expiry) {
		ocpp_time_format(res->expiry, buf, 32);
		info->expiry_date = buf;
	}
}

static void done_authorize(struct csms_job *job)
{
	struct authorize_job *j = (struct authorize_job *)job;
	struct ocpp_id_tag_info info;
	char expiry[32];
	if (job->rc < 0)
		j->res.status = OCPP_AUTHORIZATION_STATUS_INVALID;
	fill_id_tag_info(&info, &j->res, expiry);
	struct ocpp_authorize_conf conf = {.id_tag_info = &info};
	hjob_reply(&j->h, &conf);
}

static void on_authorize(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_authorize_req *r = in->req;
	struct csms_conn *c = ctx;
	struct authorize_job *j = hjob_new(sizeof(*j), c, in, exec_authorize, done_authorize);
	(void)rpc;
	if (!j)
		return;
	csms_idtag_normalize(r->id_tag, j->tag);
	csms_store_submit(c->app->store, &j->h.job);
}

/* ---- StartTransaction ---- */

struct start_job {
	struct hjob h;
	int connector;
	int64_t meter_start, ts, reservation_id, txn_id;
	bool has_reservation;
	char tag[CSMS_IDTAG_MAX + 1];
	struct csms_idtag_result res;
};

static int exec_start(struct csms_store *st, struct csms_job *job)
{
	struct start_job *j = (struct start_job *)job;
	const char *id = j->h.station->id;
	char detail[128], answered[24];
	struct csms_txn_start row = {.station_id = id,
	                             .connector = j->connector,
	                             .id_tag = j->tag,
	                             .start_ts = j->ts,
	                             .meter_start = j->meter_start,
	                             .has_reservation = j->has_reservation,
	                             .reservation_id = j->reservation_id,
	                             .received = j->h.now};

	int replay = csms_txn_db_find_replay(st, &row, &j->txn_id, answered);
	if (replay < 0)
		return -1;
	if (replay) {
		/* a replay: the same answer, nothing new */
		int status = ocpp_enum_value(&ocpp_enum_authorization_status, answered);
		csms_idtag_authorize(st, j->tag, j->h.now, NULL, 0, true, &j->res);
		j->res.status = status < 0 ? OCPP_AUTHORIZATION_STATUS_INVALID : (enum ocpp_authorization_status)status;
		return 0;
	}
	if (csms_idtag_authorize(st, j->tag, j->h.now, id, j->connector, j->h.app->cfg.allow_concurrent_tx, &j->res) <
	    0)
		return -1;
	row.start_status = ocpp_enum_name(&ocpp_enum_authorization_status, (int)j->res.status);
	if (csms_txn_db_start(st, &row, &j->txn_id) < 0)
		return -1;
	if (j->has_reservation && csms_op_db_reservation_used(st, j->reservation_id, id, j->txn_id) < 0)
		return -1;
	snprintf(detail, sizeof(detail), "transaction %lld started by %s: %s", (long long)j->txn_id, j->tag,
	         ocpp_enum_name(&ocpp_enum_authorization_status, (int)j->res.status));
	return csms_journal_event_in_job(st, id, "transaction", j->connector, detail, j->h.now);
}

static void done_start(struct csms_job *job)
{
	struct start_job *j = (struct start_job *)job;
	struct ocpp_id_tag_info info;
	char expiry[32];
	if (job->rc < 0 && job->rc != CSMS_STORE_EIO) {
		/* the job failed on its own (not the commit): no id to give; ask the station to retry */
		job->rc = CSMS_STORE_EIO;
	}
	if (job->rc >= 0)
		csms_live_publish_transaction(j->h.app->live, "started", j->txn_id, j->h.station->id, j->connector,
		                              j->tag, 0, j->ts);
	fill_id_tag_info(&info, &j->res, expiry);
	struct ocpp_start_transaction_conf conf = {.id_tag_info = &info, .transaction_id = j->txn_id};
	hjob_reply(&j->h, &conf);
}

static void on_start(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_start_transaction_req *r = in->req;
	struct csms_conn *c = ctx;
	struct start_job *j = hjob_new(sizeof(*j), c, in, exec_start, done_start);
	(void)rpc;
	if (!j)
		return;
	j->connector = (int)r->connector_id;
	j->meter_start = r->meter_start;
	j->ts = ts_ms(r->timestamp, j->h.now);
	j->has_reservation = r->has_reservation_id;
	j->reservation_id = r->reservation_id;
	csms_idtag_normalize(r->id_tag, j->tag);
	csms_store_submit(c->app->store, &j->h.job);
}

/* ---- meter values (MeterValues and StopTransaction's transactionData) ---- */

/* A growable text buffer for the samples' JSON. */
struct jw {
	char *buf;
	size_t len, cap;
	bool oom;
};

static void jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->oom)
		return;
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 1024;
		while (cap < w->len + n + 1)
			cap *= 2;
		char *b = realloc(w->buf, cap);
		if (!b) {
			w->oom = true;
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void jw_str(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	jw_raw(w, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '"' || ch == '\\') {
			char e[2] = {'\\', (char)ch};
			jw_raw(w, e, 2);
		} else if (ch < 0x20) {
			char e[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
			jw_raw(w, e, 6);
		} else {
			const char *q = p;
			while (q[1] && (unsigned char)q[1] >= 0x20 && q[1] != '"' && q[1] != '\\')
				q++;
			jw_raw(w, p, (size_t)(q - p + 1));
			p = q;
		}
	}
	jw_raw(w, "\"", 1);
}

static void jw_field(struct jw *w, const char *name, const char *value)
{
	jw_raw(w, ",\"", 2);
	jw_raw(w, name, strlen(name));
	jw_raw(w, "\":", 2);
	jw_str(w, value);
}

/* The sampledValue array as JSON, with the names the schema uses. */
static void write_samples(struct jw *w, const struct ocpp_meter_value *mv)
{
	jw_raw(w, "[", 1);
	for (size_t i = 0; i < mv->n_sampled_value; i++) {
		const struct ocpp_sampled_value *v = &mv->sampled_value[i];
		jw_raw(w, i ? ",{\"value\":" : "{\"value\":", i ? 10 : 9);
		jw_str(w, v->value);
		if (v->has_context)
			jw_field(w, "context", ocpp_enum_name(&ocpp_enum_reading_context, (int)v->context));
		if (v->has_format)
			jw_field(w, "format", ocpp_enum_name(&ocpp_enum_value_format, (int)v->format));
		if (v->has_measurand)
			jw_field(w, "measurand", ocpp_enum_name(&ocpp_enum_measurand, (int)v->measurand));
		if (v->has_phase)
			jw_field(w, "phase", ocpp_enum_name(&ocpp_enum_phase, (int)v->phase));
		if (v->has_location)
			jw_field(w, "location", ocpp_enum_name(&ocpp_enum_location, (int)v->location));
		if (v->has_unit)
			jw_field(w, "unit", ocpp_enum_name(&ocpp_enum_unit_of_measure, (int)v->unit));
		jw_raw(w, "}", 1);
	}
	jw_raw(w, "]", 1);
}

/* Meter values copied out of a request: n samples arrays, each NUL-terminated in text. */
struct mv_copy {
	size_t n;
	int64_t *ts;
	size_t *off;
	struct jw text;
};

static int mv_copy_from(struct mv_copy *m, const struct ocpp_meter_value *mv, size_t n, int64_t fallback)
{
	memset(m, 0, sizeof(*m));
	if (!n)
		return 0;
	m->ts = calloc(n, sizeof(*m->ts));
	m->off = calloc(n, sizeof(*m->off));
	if (!m->ts || !m->off)
		return -1;
	for (size_t i = 0; i < n; i++) {
		m->ts[i] = ts_ms(mv[i].timestamp, fallback);
		m->off[i] = m->text.len;
		write_samples(&m->text, &mv[i]);
		jw_raw(&m->text, "", 1); /* keep the NUL as a separator */
		if (!m->text.oom)
			m->text.len++;
	}
	m->n = n;
	return m->text.oom ? -1 : 0;
}

static void mv_copy_release(struct mv_copy *m)
{
	free(m->ts);
	free(m->off);
	free(m->text.buf);
}

static int insert_meter_values(struct csms_store *st, const char *station, int connector, int64_t txn_id, bool has_txn,
                               const char *source, const struct mv_copy *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *text = m->text.buf + m->off[i];
		if (csms_txn_db_add_meter_value(st, station, connector, has_txn ? txn_id : -1, m->ts[i], source, text,
		                                strlen(text)) < 0)
			return -1;
	}
	return 0;
}

/* Does the transaction belong to this station? 1 yes, 0 no (unknown or another's), -1 error. When it
 * does, its meterStart and card go to *meter_start and tag (for the live streams). */
static int txn_is_stations(struct csms_store *st, int64_t txn_id, const char *station, int64_t *meter_start,
                           char tag[CSMS_IDTAG_MAX + 1])
{
	struct csms_txn_row row;
	int rc = csms_txn_db_get(st, txn_id, &row);
	if (rc <= 0)
		return rc;
	if (strcmp(row.station_id, station) != 0)
		return 0;
	*meter_start = row.meter_start;
	copy_str(tag, CSMS_IDTAG_MAX + 1, row.id_tag);
	return 1;
}

/* The energy register of the last MeterValue that has one, in Wh (the rule: csms_meter.h), -1 when none. */
static int64_t energy_register_wh(const struct ocpp_meter_value *mv, size_t n, int64_t *ts, int64_t fallback)
{
	int64_t wh = -1;
	for (size_t i = 0; i < n; i++) {
		struct csms_meter_energy e = {0};
		for (size_t k = 0; k < mv[i].n_sampled_value; k++) {
			const struct ocpp_sampled_value *v = &mv[i].sampled_value[k];
			csms_meter_energy_add(
			    &e, v->value,
			    v->has_measurand ? ocpp_enum_name(&ocpp_enum_measurand, (int)v->measurand) : NULL,
			    v->has_unit ? ocpp_enum_name(&ocpp_enum_unit_of_measure, (int)v->unit) : NULL,
			    v->has_format ? ocpp_enum_name(&ocpp_enum_value_format, (int)v->format) : NULL,
			    v->has_phase);
		}
		if (e.found) {
			wh = csms_meter_round_wh(e.wh);
			*ts = ts_ms(mv[i].timestamp, fallback);
		}
	}
	return wh;
}

struct meter_job {
	struct hjob h;
	int connector;
	bool has_txn, own_txn;
	int64_t txn_id;
	int64_t register_wh, meter_start; /* the last energy register reading (-1: none) and the start's */
	int64_t register_ts;
	char tag[CSMS_IDTAG_MAX + 1];
	struct mv_copy mv;
};

static int exec_meter(struct csms_store *st, struct csms_job *job)
{
	struct meter_job *j = (struct meter_job *)job;
	const char *id = j->h.station->id;
	bool has_txn = j->has_txn;

	if (has_txn) {
		int own = txn_is_stations(st, j->txn_id, id, &j->meter_start, j->tag);
		if (own < 0)
			return -1;
		if (!own) {
			char detail[128];
			snprintf(detail, sizeof(detail),
			         "meter values for transaction %lld, not this station's: kept without it",
			         (long long)j->txn_id);
			csms_journal_event_in_job(st, id, "security", j->connector, detail, j->h.now);
			has_txn = false;
		}
		j->own_txn = own;
	}
	return insert_meter_values(st, id, j->connector, j->txn_id, has_txn, "MeterValues", &j->mv);
}

static void done_meter(struct csms_job *job)
{
	struct meter_job *j = (struct meter_job *)job;
	static const char empty[8];
	mv_copy_release(&j->mv);
	if (job->rc >= 0 && j->own_txn)
		csms_live_publish_transaction(j->h.app->live, "meter", j->txn_id, j->h.station->id, j->connector,
		                              j->tag, j->register_wh >= 0 ? j->register_wh - j->meter_start : -1,
		                              j->register_ts);
	hjob_reply(&j->h, empty);
}

static void on_meter_values(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_meter_values_req *r = in->req;
	struct csms_conn *c = ctx;
	struct meter_job *j = hjob_new(sizeof(*j), c, in, exec_meter, done_meter);
	(void)rpc;
	if (!j)
		return;
	j->connector = (int)r->connector_id;
	j->has_txn = r->has_transaction_id;
	j->txn_id = r->transaction_id;
	j->register_wh = energy_register_wh(r->meter_value, r->n_meter_value, &j->register_ts, j->h.now);
	if (mv_copy_from(&j->mv, r->meter_value, r->n_meter_value, j->h.now) < 0) {
		mv_copy_release(&j->mv);
		ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_InternalError, "out of memory");
		free(j);
		return;
	}
	csms_store_submit(c->app->store, &j->h.job);
}

/* ---- StopTransaction ---- */

struct stop_job {
	struct hjob h;
	int64_t txn_id, meter_stop, ts;
	bool billed; /* for the live streams: this stop closed the transaction (connector, energy, card) */
	int connector;
	int64_t energy;
	char start_tag[CSMS_IDTAG_MAX + 1];
	bool has_tag;
	char tag[CSMS_IDTAG_MAX + 1];
	char reason[24];
	struct csms_idtag_result res;
	struct mv_copy mv;
};

static int exec_stop(struct csms_store *st, struct csms_job *job)
{
	struct stop_job *j = (struct stop_job *)job;
	const char *id = j->h.station->id;
	char detail[200];
	struct csms_txn_row row;
	struct csms_txn_stop stop = {.txn_id = j->txn_id,
	                             .station_id = id,
	                             .stop_ts = j->ts,
	                             .meter_stop = j->meter_stop,
	                             .reason = j->reason,
	                             .stop_tag = j->has_tag ? j->tag : NULL,
	                             .received = j->h.now};

	if (j->has_tag && csms_idtag_authorize(st, j->tag, j->h.now, NULL, 0, true, &j->res) < 0)
		return -1;
	int rc = csms_txn_db_get(st, j->txn_id, &row);
	if (rc < 0)
		return -1;
	if (!rc || strcmp(row.station_id, id) != 0) {
		/* never seen, or another station's: answered and kept apart, never billed to that transaction */
		int added = csms_txn_db_orphan_stop(st, &stop);
		if (added <= 0)
			return added; /* 0: a replay of an orphan stop */
		snprintf(detail, sizeof(detail), "stop for %s transaction %lld recorded apart",
		         rc ? "another station's" : "unknown", (long long)j->txn_id);
		if (insert_meter_values(st, id, 0, 0, false, "StopTransaction", &j->mv) < 0)
			return -1;
		return csms_journal_event_in_job(st, id, rc ? "security" : "transaction", -1, detail, j->h.now);
	}
	copy_str(j->start_tag, sizeof(j->start_tag), row.id_tag);
	if (row.stopped && !(row.flags & CSMS_TXN_FLAG_SUPERSEDED))
		return 0; /* a replay: billed once */
	if (csms_txn_db_stop(st, &stop, row.meter_start) < 0 ||
	    insert_meter_values(st, id, row.connector, j->txn_id, true, "StopTransaction", &j->mv) < 0 ||
	    csms_txrow_store_charge(st, j->txn_id) < 0)
		return -1;
	j->billed = true;
	j->connector = row.connector;
	j->energy = j->meter_stop - row.meter_start;
	snprintf(detail, sizeof(detail), "transaction %lld stopped (%s), %lld Wh%s", (long long)j->txn_id,
	         j->reason[0] ? j->reason : "Local", (long long)(j->meter_stop - row.meter_start),
	         j->meter_stop < row.meter_start ? ": meter went backwards" : "");
	return csms_journal_event_in_job(st, id, "transaction", row.connector, detail, j->h.now);
}

static void done_stop(struct csms_job *job)
{
	struct stop_job *j = (struct stop_job *)job;
	struct ocpp_id_tag_info info;
	char expiry[32];
	struct ocpp_stop_transaction_conf conf = {0};
	mv_copy_release(&j->mv);
	if (j->has_tag) {
		fill_id_tag_info(&info, &j->res, expiry);
		conf.id_tag_info = &info;
	}
	if (job->rc < 0)
		job->rc = CSMS_STORE_EIO;
	else if (j->billed)
		csms_live_publish_transaction(j->h.app->live, "stopped", j->txn_id, j->h.station->id, j->connector,
		                              j->start_tag, j->energy, j->ts);
	hjob_reply(&j->h, &conf);
}

static void on_stop(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_stop_transaction_req *r = in->req;
	struct csms_conn *c = ctx;
	struct stop_job *j = hjob_new(sizeof(*j), c, in, exec_stop, done_stop);
	if (!j)
		return;
	j->txn_id = r->transaction_id;
	j->meter_stop = r->meter_stop;
	j->ts = ts_ms(r->timestamp, j->h.now);
	j->has_tag = r->id_tag != NULL;
	if (r->id_tag)
		csms_idtag_normalize(r->id_tag, j->tag);
	if (r->has_reason)
		copy_str(j->reason, sizeof(j->reason), ocpp_enum_name(&ocpp_enum_reason, (int)r->reason));
	if (mv_copy_from(&j->mv, r->transaction_data, r->n_transaction_data, j->h.now) < 0) {
		mv_copy_release(&j->mv);
		ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_InternalError, "out of memory");
		free(j);
		return;
	}
	csms_store_submit(c->app->store, &j->h.job);
}

/* ---- notifications that become a station field and an event ---- */

struct note_job {
	struct hjob h;
	enum csms_station_note column; /* a station column to set to value, or none */
	char kind[24];
	char value[64];
	char detail[400];
};

static int exec_note(struct csms_store *st, struct csms_job *job)
{
	struct note_job *j = (struct note_job *)job;
	if (csms_station_db_set_note(st, j->h.station->id, j->column, j->value) < 0)
		return -1;
	return csms_journal_event_in_job(st, j->h.station->id, j->kind, -1, j->detail, j->h.now);
}

static void submit_note(struct csms_conn *c, const struct ocpp_incoming *in, enum csms_station_note column,
                        const char *kind, const char *value, const char *detail, csms_job_done_fn *done)
{
	struct note_job *j = hjob_new(sizeof(*j), c, in, exec_note, done);
	if (!j)
		return;
	j->column = column;
	copy_str(j->kind, sizeof(j->kind), kind);
	copy_str(j->value, sizeof(j->value), value);
	copy_str(j->detail, sizeof(j->detail), detail);
	csms_store_submit(c->app->store, &j->h.job);
}

static void on_firmware_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_firmware_status_notification_req *r = in->req;
	const char *v = ocpp_enum_name(&ocpp_enum_firmware_status, (int)r->status);
	(void)rpc;
	submit_note(ctx, in, CSMS_STATION_NOTE_FIRMWARE, "firmware", v, v, done_empty);
}

static void on_diagnostics_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_diagnostics_status_notification_req *r = in->req;
	const char *v = ocpp_enum_name(&ocpp_enum_diagnostics_status, (int)r->status);
	(void)rpc;
	submit_note(ctx, in, CSMS_STATION_NOTE_DIAGNOSTICS, "diagnostics", v, v, done_empty);
}

static void on_signed_firmware_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_signed_firmware_status_notification_req *r = in->req;
	const char *v = ocpp_enum_name(&ocpp_enum_signed_firmware_status, (int)r->status);
	(void)rpc;
	submit_note(ctx, in, CSMS_STATION_NOTE_FIRMWARE, "firmware", v, v, done_empty);
}

static void on_log_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_log_status_notification_req *r = in->req;
	const char *v = ocpp_enum_name(&ocpp_enum_upload_log_status, (int)r->status);
	(void)rpc;
	submit_note(ctx, in, CSMS_STATION_NOTE_DIAGNOSTICS, "diagnostics", v, v, done_empty);
}

static void on_security_event(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_security_event_notification_req *r = in->req;
	char detail[400];
	(void)rpc;
	snprintf(detail, sizeof(detail), "%s at %s%s%s", r->type, r->timestamp, r->tech_info ? ": " : "",
	         r->tech_info ? r->tech_info : "");
	submit_note(ctx, in, CSMS_STATION_NOTE_NONE, "security", "", detail, done_empty);
}

static void done_data_transfer(struct csms_job *job)
{
	/* no vendor extensions are known to this csms: the spec's answer is UnknownVendorId */
	struct ocpp_data_transfer_conf conf = {.status = OCPP_DATA_TRANSFER_STATUS_UNKNOWN_VENDOR_ID};
	hjob_reply((struct hjob *)job, &conf);
}

static void on_data_transfer(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	const struct ocpp_data_transfer_req *r = in->req;
	char detail[400];
	(void)rpc;
	snprintf(detail, sizeof(detail), "vendor %s, message %s", r->vendor_id, r->message_id ? r->message_id : "-");
	submit_note(ctx, in, CSMS_STATION_NOTE_NONE, "data_transfer", "", detail, done_data_transfer);
}

static void done_sign_certificate(struct csms_job *job)
{
	struct ocpp_sign_certificate_conf conf = {.status = OCPP_GENERIC_STATUS_REJECTED};
	hjob_reply((struct hjob *)job, &conf);
}

static void on_sign_certificate(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	(void)rpc;
	submit_note(ctx, in, CSMS_STATION_NOTE_NONE, "security", "",
	            "certificate signing request refused: no certificate authority", done_sign_certificate);
}

/* Before Accepted a station may only boot (OCPP 1.6 4.2). */
#define GUARD(fn)                                                                                                      \
	static void guarded_##fn(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)                      \
	{                                                                                                              \
		struct csms_conn *c = ctx;                                                                             \
		if (c->station->state != CSMS_STATION_ACCEPTED) {                                                      \
			ocpp_rpc_reply_error(rpc, in->id, OCPP_ERR_SecurityError,                                      \
			                     "station not accepted: only BootNotification is allowed");                \
			return;                                                                                        \
		}                                                                                                      \
		fn(ctx, rpc, in);                                                                                      \
	}
GUARD(on_heartbeat)
GUARD(on_status)
GUARD(on_authorize)
GUARD(on_start)
GUARD(on_stop)
GUARD(on_meter_values)
GUARD(on_data_transfer)
GUARD(on_firmware_status)
GUARD(on_diagnostics_status)
GUARD(on_signed_firmware_status)
GUARD(on_log_status)
GUARD(on_sign_certificate)

ocpp_call_fn *const csms_handlers[OCPP_ACTION_COUNT] = {
    [OCPP_BootNotification] = on_boot,
    [OCPP_Heartbeat] = guarded_on_heartbeat,
    [OCPP_StatusNotification] = guarded_on_status,
    [OCPP_Authorize] = guarded_on_authorize,
    [OCPP_StartTransaction] = guarded_on_start,
    [OCPP_StopTransaction] = guarded_on_stop,
    [OCPP_MeterValues] = guarded_on_meter_values,
    [OCPP_DataTransfer] = guarded_on_data_transfer,
    [OCPP_FirmwareStatusNotification] = guarded_on_firmware_status,
    [OCPP_DiagnosticsStatusNotification] = guarded_on_diagnostics_status,
    [OCPP_SecurityEventNotification] = on_security_event, /* a station may report these at any time */
    [OCPP_SignedFirmwareStatusNotification] = guarded_on_signed_firmware_status,
    [OCPP_LogStatusNotification] = guarded_on_log_status,
    [OCPP_SignCertificate] = guarded_on_sign_certificate,
};

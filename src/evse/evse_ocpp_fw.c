/* evse_ocpp_fw.c — the Firmware Management profile in the OCPP client: UpdateFirmware hands the location
 * to the firmware updater (evse_fw) and FirmwareStatusNotification reports its steps; GetDiagnostics
 * collects the station's diagnostics into a file (identity, configuration keys, queue, the charging
 * history between startTime and stopTime) and uploads it on the transfer thread (evse_xfer) with
 * retries, reporting DiagnosticsStatusNotification Uploading / Uploaded / UploadFailed. */
#include "evse_ocpp_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evse_fw.h"
#include "evse_xfer.h"
#include "wl_log.h"

#define MOD "ocpp"

#define DIAG_MAX_HISTORY 1000

static char fw_cookie, diag_cookie;

struct evse_ocpp_diag {
	struct evse_xfer *xfer; /* the upload in flight, or NULL between attempts */
	char location[EVSE_STR_MAX * 2];
	char path[EVSE_STR_MAX + 160];
	char name[96];
	int attempts_left, retry_s;
	uint64_t retry_at;
};

static void reply(struct ocpp_rpc *rpc, const struct ocpp_incoming *in, const void *conf)
{
	struct ocpp_error err;
	if (ocpp_rpc_reply(rpc, in->id, conf, &err) < 0)
		WL_ERROR(MOD, "reply to %s: %s", ocpp_action_name(in->action), err.message);
}

void evse_ocpp_set_firmware(struct evse_ocpp *o, struct evse_fw *fw)
{
	o->fw = fw;
}

void evse_ocpp__send_firmware_status(struct evse_ocpp *o, enum ocpp_firmware_status s)
{
	struct ocpp_firmware_status_notification_req req = {.status = s};
	evse_ocpp__call(o, OCPP_FirmwareStatusNotification, &req, &fw_cookie);
}

void evse_ocpp_firmware_status(struct evse_ocpp *o, enum ocpp_firmware_status s)
{
	if (evse_ocpp_online(o)) {
		evse_ocpp__send_firmware_status(o, s);
		return;
	}
	o->fw_pending = true; /* only the latest step matters after a reconnection */
	o->fw_pending_status = s;
}

static void diag_status(struct evse_ocpp *o, enum ocpp_diagnostics_status s)
{
	struct ocpp_diagnostics_status_notification_req req = {.status = s};
	evse_ocpp__call(o, OCPP_DiagnosticsStatusNotification, &req, &diag_cookie);
}

void evse_ocpp__send_diagnostics_status(struct evse_ocpp *o)
{
	diag_status(o, o->diag ? OCPP_DIAGNOSTICS_STATUS_UPLOADING : OCPP_DIAGNOSTICS_STATUS_IDLE);
}

/* ---- UpdateFirmware ---- */

void evse_ocpp__on_update_firmware(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_update_firmware_req *req = in->req;
	struct ocpp_update_firmware_conf conf = {0};
	int64_t when = 0;
	reply(rpc, in, &conf); /* the conf has no fields: the outcome comes in status notifications */
	if (!o->fw)
		return;
	if (!ocpp_time_parse(req->retrieve_date, &when))
		when = 0;
	evse_fw_update(o->fw, req->location, when, req->has_retries ? (int)(req->retries > 10 ? 10 : req->retries) : 0,
	               req->has_retry_interval ? (int)(req->retry_interval > 3600 ? 3600 : req->retry_interval) : 0,
	               o->now);
}

/* ---- GetDiagnostics ---- */

struct diag_file {
	FILE *f;
	int64_t from, to; /* wall ms window, 0: open */
	int rows;
};

static void history_row(void *ctx, const struct evse_history *h)
{
	struct diag_file *d = ctx;
	int64_t start = 0;
	ocpp_time_parse(h->start, &start);
	if ((d->from && start < d->from) || (d->to && start > d->to))
		return;
	fprintf(d->f, "%" PRId64 ",%s,%s,%s,%s,%.3f,%s\n", h->no, h->start, h->end, h->start_mode, h->stop_mode,
	        h->energy_wh / 1000.0, h->id_tag);
	d->rows++;
}

/* Writes the diagnostics file; 0 or -1. */
static int collect(struct evse_ocpp *o, const char *path, int64_t from, int64_t to)
{
	char ts[40], v[EVSE_KEY_VALUE_MAX];
	struct diag_file d = {.f = fopen(path, "w"), .from = from, .to = to};
	if (!d.f)
		return -1;
	evse_ocpp__timestamp(o, ts, sizeof(ts));
	fprintf(d.f, "# Wattline evse diagnostics\nserial: %s\nmodel: %s\nprogram: %s\ncreated: %s\n", o->cfg->serial,
	        o->cfg->model, EVSE_VERSION, ts);
	if (evse_store_get(o->st, "firmware.version", v, sizeof(v)) == 1 && v[0])
		fprintf(d.f, "firmware: %s\n", v);
	fprintf(d.f, "state: %s\nonline: %s\nqueued transaction messages: %" PRId64 "\n",
	        evse_state_name(evse_charge_state(o->charge)), evse_ocpp_online(o) ? "yes" : "no",
	        evse_store_txq_count(o->st));
	fprintf(d.f, "\n# configuration\n");
	for (int k = 0; k < EVSE_KEY_COUNT; k++) {
		evse_key_get(o->st, (enum evse_key)k, v, sizeof(v));
		fprintf(d.f, "%s=%s\n", evse_key_name((enum evse_key)k), v);
	}
	fprintf(d.f, "\n# charging history\nno,start,end,start_mode,stop_mode,energy_kwh,id\n");
	evse_store_history_each(o->st, DIAG_MAX_HISTORY, history_row, &d);
	fprintf(d.f, "# %d record(s)\n", d.rows);
	return fclose(d.f) == 0 ? 0 : -1;
}

static void diag_free(struct evse_ocpp *o)
{
	if (!o->diag)
		return;
	evse_xfer_free(o->diag->xfer);
	remove(o->diag->path);
	free(o->diag);
	o->diag = NULL;
}

static void diag_attempt(struct evse_ocpp *o)
{
	char err[160];
	struct evse_ocpp_diag *g = o->diag;
	g->attempts_left--;
	g->xfer = evse_xfer_start(EVSE_XFER_UPLOAD, g->location, g->path, 0, g->name, err, sizeof(err));
	if (!g->xfer) {
		WL_ERROR(MOD, "diagnostics upload: %s", err);
		diag_status(o, OCPP_DIAGNOSTICS_STATUS_UPLOAD_FAILED);
		diag_free(o);
	}
}

void evse_ocpp__on_get_diagnostics(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in)
{
	struct evse_ocpp *o = ctx;
	const struct ocpp_get_diagnostics_req *req = in->req;
	struct ocpp_get_diagnostics_conf conf = {.file_name = NULL};
	char dir[EVSE_STR_MAX + 32], ts[40], serial[32];
	int64_t from = 0, to = 0;
	struct evse_ocpp_diag *g;

	if (o->diag) { /* one upload at a time: no file for this request */
		WL_WARN(MOD, "GetDiagnostics while an upload is under way: no file");
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g || evse_config_state_path(o->cfg, "diagnostics", dir, sizeof(dir)) < 0) {
		free(g);
		goto out;
	}
	mkdir(dir, 0755);
	if (req->start_time)
		ocpp_time_parse(req->start_time, &from);
	if (req->stop_time)
		ocpp_time_parse(req->stop_time, &to);
	evse_ocpp__timestamp(o, ts, sizeof(ts));
	size_t k = 0; /* the serial and the time, as characters a file name can have */
	for (const char *c = o->cfg->serial; *c && k < sizeof(serial) - 1; c++)
		serial[k++] =
		    (char)((*c >= '0' && *c <= '9') || (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || *c == '-'
		               ? *c
		               : '_');
	serial[k] = '\0';
	snprintf(g->name, sizeof(g->name), "diagnostics-%s-%.4s%.2s%.2sT%.2s%.2s%.2sZ.txt", serial, ts, ts + 5, ts + 8,
	         ts + 11, ts + 14, ts + 17);
	snprintf(g->path, sizeof(g->path), "%s/%s", dir, g->name);
	snprintf(g->location, sizeof(g->location), "%s", req->location);
	if (collect(o, g->path, from, to) < 0) {
		WL_ERROR(MOD, "cannot write %s", g->path);
		free(g);
		goto out;
	}
	g->attempts_left = 1 + (req->has_retries ? (int)(req->retries > 10 ? 10 : req->retries) : 0);
	g->retry_s = req->has_retry_interval ? (int)(req->retry_interval > 3600 ? 3600 : req->retry_interval) : 30;
	o->diag = g;
	conf.file_name = g->name;
	reply(rpc, in, &conf);
	diag_status(o, OCPP_DIAGNOSTICS_STATUS_UPLOADING);
	diag_attempt(o);
	return;
out:
	reply(rpc, in, &conf);
}

static void diag_tick(struct evse_ocpp *o)
{
	struct evse_ocpp_diag *g = o->diag;
	struct evse_xfer_result r;
	if (!g->xfer) {
		if (o->now >= g->retry_at)
			diag_attempt(o);
		return;
	}
	if (!evse_xfer_done(g->xfer, &r))
		return;
	evse_xfer_free(g->xfer);
	g->xfer = NULL;
	if (r.ok) {
		WL_INFO(MOD, "diagnostics %s uploaded (%" PRId64 " bytes)", g->name, r.bytes);
		diag_status(o, OCPP_DIAGNOSTICS_STATUS_UPLOADED);
		diag_free(o);
		return;
	}
	WL_WARN(MOD, "diagnostics upload to %s failed: %s", g->location, r.err);
	if (g->attempts_left > 0) {
		g->retry_at = o->now + (uint64_t)g->retry_s * 1000u;
		return;
	}
	diag_status(o, OCPP_DIAGNOSTICS_STATUS_UPLOAD_FAILED);
	diag_free(o);
}

void evse_ocpp__fw_tick(struct evse_ocpp *o)
{
	if (o->fw_pending && evse_ocpp_online(o) && o->status0_sent) {
		o->fw_pending = false;
		evse_ocpp__send_firmware_status(o, o->fw_pending_status);
	}
	if (o->diag)
		diag_tick(o);
}

void evse_ocpp__fw_free(struct evse_ocpp *o)
{
	diag_free(o);
}

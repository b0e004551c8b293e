/* csms_stexport.c — the station table exported to Excel or CSV on the background worker. */
#include "csms_stexport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_export.h"
#include "csms_station_db.h"

static const struct csms_export_col cols[] = {
    {"Name", CSMS_EXPORT_TEXT},        {"OCPP protocol", CSMS_EXPORT_TEXT}, {"Code", CSMS_EXPORT_TEXT},
    {"Device type", CSMS_EXPORT_TEXT}, {"Sockets", CSMS_EXPORT_INT},        {"State", CSMS_EXPORT_TEXT},
    {"Firmware", CSMS_EXPORT_TEXT},    {"Card list", CSMS_EXPORT_TEXT},     {"Last heartbeat", CSMS_EXPORT_TIME},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

struct job {
	struct csms_api_bg base;
	enum csms_export_format fmt;
	char like[420], state[32];
	bool has_q, has_state;
	char path[400];
	char err[200];
};

static int exec_job(struct csms_bg_job *bg, sqlite3 *db)
{
	struct job *x = (struct job *)bg;
	struct csms_station_filter f = {x->has_q ? x->like : NULL, x->has_state ? x->state : NULL};
	sqlite3_stmt *st = db ? csms_station_db_export(db, &f) : NULL;
	if (!st) {
		snprintf(x->err, sizeof(x->err), "%s",
		         db ? sqlite3_errmsg(db) : "the worker has no database connection");
		return -1;
	}
	long rows =
	    csms_export_write(st, cols, NCOLS, x->fmt, x->path, "Stations", &bg->cancelled, x->err, sizeof(x->err));
	sqlite3_finalize(st);
	return rows < 0 ? -1 : 0;
}

static void done_job(struct csms_bg_job *bg)
{
	struct job *x = (struct job *)bg;
	csms_api_export_reply(csms_api_bg_take(&x->base), bg->rc, x->path, x->fmt, "stations", x->err);
	free(x);
}

void csms_stations_export(struct csms_http_req *r, const char *format, const char *q, const char *state)
{
	int f = csms_export_format_parse(format);
	struct job *x;
	if (f < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "format: csv or xlsx");
		return;
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	x->fmt = (enum csms_export_format)f;
	if ((x->has_q = q != NULL))
		snprintf(x->like, sizeof(x->like), "%s", q);
	if ((x->has_state = state != NULL))
		snprintf(x->state, sizeof(x->state), "%s", state);
	if (csms_export_path(r->app->cfg.data_dir, "stations", x->fmt, x->path, sizeof(x->path)) < 0) {
		free(x);
		csms_http_fail(r, CSMS_ERR_EXPORT, "cannot make the exports folder");
		return;
	}
	csms_api_bg_submit(r, &x->base, exec_job, done_job);
}

/* csms_api_tx.c — transactions: the search (filters in csms_txquery.c, rows in csms_txrow.c) with its total and
 * sum of energy, one transaction, its measurements as time series, and exports to Excel and CSV (written on
 * the background worker by csms_txexport.c, then served as a file and removed). */
#include "csms_api.h"

#include <dirent.h>
#include <libwebsockets.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "csms_db.h"
#include "csms_meter.h"
#include "csms_txexport.h"
#include "csms_txn_db.h"
#include "csms_txquery.h"
#include "csms_txrow.h"
#include "csms_view_db.h"
#include "ocpp_text.h"
#include "wl_clock.h"
#include "wl_log.h"

static const char *const SORTS[] = {"start",    "t.start_ts",
                                    "end",      "t.stop_ts",
                                    "energy",   "(t.meter_stop - t.meter_start)",
                                    "duration", "(coalesce(t.stop_ts, 9e15) - t.start_ts)",
                                    "socket",   "(t.station_id || ' #' || printf('%05d', t.connector_id))",
                                    "id",       "t.id",
                                    NULL};
#define DEFAULT_SORT     "-start"
#define MAX_SERIES_ROWS  20000 /* meter values of one transaction answered as series */
#define EXPORT_MAX_AGE_S 3600  /* files left in <data>/exports by a crash are removed after this */

static bool get_arg(void *ctx, const char *name, char *out, size_t outlen)
{
	return csms_api_query(ctx, name, out, outlen);
}

/* The filters of the request, with its group resolved; false after answering 400/404. */
static bool search_filters(struct csms_http_req *r, struct csms_txq *q)
{
	char err[200];
	if (csms_txq_parse(q, get_arg, r, (int64_t)wl_wall_ms(), err, sizeof(err)) < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "%s", err);
		return false;
	}
	if (!q->view)
		return true;
	struct csms_view_scope sc = {q->view, q->group, false};
	int rc = csms_view_db_scope_check(r->app->rdb, &sc);
	q->group_unassigned = sc.unassigned;
	if (rc == CSMS_DB_REFUSED)
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "group: is not a group of this view");
	else if (rc == CSMS_DB_MISSING)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "%s", q->group ? "no such socket group" : "no such socket view");
	else if (rc < 0)
		csms_api_db_error(r);
	return rc == 0;
}

/* Paging with the transaction number as the tie-break, in the same direction (so an index on the sort key
 * also gives the order). */
static int tx_paging(struct csms_http_req *r, struct csms_api_page *pg)
{
	if (csms_api_paging(r, SORTS, DEFAULT_SORT, pg) < 0)
		return -1;
	size_t n = strlen(pg->order);
	bool desc = n > 5 && strcmp(pg->order + n - 5, " DESC") == 0;
	snprintf(pg->order + n, sizeof(pg->order) - n, ", t.id %s", desc ? "DESC" : "ASC");
	return 0;
}

/* ---- GET /api/v1/transactions ---- */

static int add_row(const struct csms_txrow *row, void *items)
{
	cJSON_AddItemToArray(items, csms_txrow_json(row));
	return 0;
}

static void get_transactions(struct csms_http_req *r)
{
	struct csms_txq q;
	struct csms_api_page pg;
	char err[200];
	int64_t total, energy, now = (int64_t)wl_wall_ms();
	if (!search_filters(r, &q) || tx_paging(r, &pg) < 0)
		return;
	/* the total and the energy over every matching row (closed transactions; an anomaly with meterStop below
	 * meterStart counts 0), then the page */
	cJSON *items = cJSON_CreateArray();
	int rc = csms_txrow_totals(r->app->rdb, &q, &total, &energy, err, sizeof(err));
	if (rc == 0)
		rc = csms_txrow_search(r->app->rdb, &q, pg.order, pg.limit, pg.offset, now, add_row, items, err,
		                       sizeof(err));
	if (rc < 0) {
		cJSON_Delete(items);
		if (rc == CSMS_DB_REFUSED)
			csms_http_fail(r, CSMS_ERR_BAD_QUERY, "%s", err);
		else
			csms_api_db_error(r);
		return;
	}
	cJSON *o = csms_api_list_reply(items, total, &pg);
	cJSON_AddNumberToObject(o, "energyWh", (double)energy);
	char t[40];
	ocpp_time_format(q.from, t, sizeof(t));
	cJSON_AddStringToObject(o, "from", t);
	ocpp_time_format(q.to, t, sizeof(t));
	cJSON_AddStringToObject(o, "to", t);
	csms_http_respond_json(r, 200, o);
}

/* ---- GET /api/v1/transactions/{id} ---- */

static int detail_json(const struct csms_txrow *row, const struct csms_txrow_more *m, void *out)
{
	cJSON *o = csms_txrow_json(row);
	if (m->has_reservation)
		cJSON_AddNumberToObject(o, "reservationId", (double)m->reservation_id);
	else
		cJSON_AddNullToObject(o, "reservationId");
	if (m->start_status)
		cJSON_AddStringToObject(o, "startStatus", m->start_status);
	else
		cJSON_AddNullToObject(o, "startStatus");
	cJSON_AddBoolToObject(o, "meterStopBelowStart", m->flags & CSMS_TXN_FLAG_METER_BACKWARDS);
	cJSON_AddBoolToObject(o, "closedByLaterStart", (m->flags & CSMS_TXN_FLAG_SUPERSEDED) != 0);
	cJSON *mv = cJSON_AddObjectToObject(o, "meterValues");
	cJSON_AddNumberToObject(mv, "count", (double)m->mv_count);
	csms_api_add_ms(mv, "first", m->mv_count ? m->mv_first : CSMS_DB_NO_TIME);
	csms_api_add_ms(mv, "last", m->mv_count ? m->mv_last : CSMS_DB_NO_TIME);
	*(cJSON **)out = o;
	return 0;
}

static void get_transaction(struct csms_http_req *r)
{
	int64_t id;
	char err[200];
	cJSON *o = NULL;
	if (!csms_api_id_param(r, 0, "a transaction id", &id))
		return;
	int rc = csms_txrow_one(r->app->rdb, id, (int64_t)wl_wall_ms(), true, detail_json, &o, err, sizeof(err));
	if (rc == CSMS_DB_MISSING)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such transaction");
	else if (rc < 0)
		csms_api_db_error(r);
	else
		csms_http_respond_json(r, 200, o);
}

/* ---- GET /api/v1/transactions/{id}/measurements (background: parses every stored MeterValue) ---- */

struct series_job {
	struct csms_api_bg base;
	int64_t id;
	cJSON *reply;
};

struct series_ctx {
	struct csms_meter_set *set;
	int n;
	bool truncated;
};

static int add_sample(int64_t ts, const char *sampled, void *ctx)
{
	struct series_ctx *c = ctx;
	if (c->n == MAX_SERIES_ROWS) {
		c->truncated = true;
		return 1;
	}
	csms_meter_set_add(c->set, ts, sampled);
	c->n++;
	return 0;
}

static int exec_series(struct csms_bg_job *bg, sqlite3 *db)
{
	struct series_job *j = (struct series_job *)bg;
	struct series_ctx c = {csms_meter_set_new(), 0, false};
	char err[200];
	int rc = -1;
	if (!db || !c.set)
		goto out;
	rc = csms_txrow_samples(db, j->id, MAX_SERIES_ROWS + 1, add_sample, &c, err, sizeof(err));
	if (rc < 0) {
		rc = rc == CSMS_DB_MISSING ? CSMS_API_MISSING : -1;
		goto out;
	}
	j->reply = cJSON_CreateObject();
	cJSON_AddNumberToObject(j->reply, "transactionId", (double)j->id);
	cJSON_AddNumberToObject(j->reply, "meterValues", c.n);
	cJSON_AddBoolToObject(j->reply, "truncated", c.truncated);
	cJSON_AddItemToObject(j->reply, "series", csms_meter_set_json(c.set));
	rc = 0;
out:
	csms_meter_set_free(c.set);
	return rc;
}

static void done_series(struct csms_bg_job *bg)
{
	struct series_job *j = (struct series_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&j->base);
	if (r && bg->rc == CSMS_API_MISSING)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such transaction");
	else if (r && bg->rc < 0)
		csms_http_fail(r, CSMS_ERR_STORAGE, "cannot read the measurements");
	else if (r) {
		csms_http_respond_json(r, 200, j->reply);
		j->reply = NULL;
	}
	cJSON_Delete(j->reply);
	free(j);
}

static void get_measurements(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a transaction id", &id))
		return;
	struct series_job *j = calloc(1, sizeof(*j));
	if (!j) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	j->id = id;
	csms_api_bg_submit(r, &j->base, exec_series, done_series);
}

/* ---- exports: written on the worker into <data>/exports, served, removed ---- */

struct export_job {
	struct csms_api_bg base;
	struct csms_txq q;
	char order[160];
	int64_t one_id;
	enum csms_txexport_format format;
	char dir[300], path[480], name[120];
	long long rows;
	char err[200];
	int64_t now;
};

/* Files older than EXPORT_MAX_AGE_S: left behind by a crash or a client that vanished. */
static void remove_stale(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];
	struct stat sb;
	time_t now = time(NULL);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && (size_t)snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < sizeof(p) &&
		    stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && now - sb.st_mtime > EXPORT_MAX_AGE_S)
			unlink(p);
	closedir(d);
}

static int exec_export(struct csms_bg_job *bg, sqlite3 *db)
{
	struct export_job *j = (struct export_job *)bg;
	unsigned char rnd[8];
	char hex[17];
	if (mkdir(j->dir, 0700) < 0 && errno != EEXIST) {
		snprintf(j->err, sizeof(j->err), "cannot create the exports folder: %s", strerror(errno));
		return -1;
	}
	remove_stale(j->dir);
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(j->path, sizeof(j->path), "%s/%s-%s", j->dir, hex, j->name);
	struct csms_txexport x = {
	    .format = j->format,
	    .q = &j->q,
	    .order = j->order,
	    .one_id = j->one_id,
	    .path = j->path,
	    .tmpdir = j->dir,
	    .now_ms = j->now,
	    .cancelled = &bg->cancelled,
	};
	return csms_txexport_write(db, &x, &j->rows, j->err, sizeof(j->err));
}

static void done_export(struct csms_bg_job *bg)
{
	struct export_job *j = (struct export_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&j->base);
	if (!r) {
	} else if (bg->rc == CSMS_TXEXPORT_MISSING) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such transaction");
	} else if (bg->rc < 0) {
		WL_WARN("api", "export %s failed: %s", j->name, j->err);
		csms_http_fail(r, strstr(j->err, "narrow") ? CSMS_ERR_EXPORT_TOO_LARGE : CSMS_ERR_EXPORT, "%s", j->err);
	} else {
		snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s\"", j->name);
		WL_INFO("api", "export %s: %lld transactions for \"%s\"", j->name, j->rows, r->who.username);
		csms_http_serve_file(r, j->path,
		                     j->format == CSMS_TXEXPORT_XLSX
		                         ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		                         : "text/csv; charset=utf-8");
	}
	/* lws holds the file open while it sends it: the name can go now */
	if (j->path[0])
		unlink(j->path);
	free(j);
}

static void start_export(struct csms_http_req *r, enum csms_txexport_format format, bool one)
{
	struct export_job *j = calloc(1, sizeof(*j));
	const char *ext = format == CSMS_TXEXPORT_XLSX ? "xlsx" : "csv";
	if (!j) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	j->format = format;
	j->now = (int64_t)wl_wall_ms();
	if (one) {
		if (!csms_api_id_param(r, 0, "a transaction id", &j->one_id))
			goto out_free;
		snprintf(j->name, sizeof(j->name), "transaction-%lld.%s", (long long)j->one_id, ext);
	} else {
		struct csms_api_page pg;
		char from[40], to[40];
		if (!search_filters(r, &j->q) || tx_paging(r, &pg) < 0)
			goto out_free;
		snprintf(j->order, sizeof(j->order), "%s", pg.order);
		time_t a = (time_t)(j->q.from / 1000), b = (time_t)((j->q.to - 1) / 1000);
		struct tm ta, tb;
		strftime(from, sizeof(from), "%Y%m%d", localtime_r(&a, &ta));
		strftime(to, sizeof(to), "%Y%m%d", localtime_r(&b, &tb));
		snprintf(j->name, sizeof(j->name), "transactions-%s-%s.%s", from, to, ext);
	}
	snprintf(j->dir, sizeof(j->dir), "%s/exports", r->app->cfg.data_dir);
	csms_api_bg_submit(r, &j->base, exec_export, done_export); /* no lws timeout while it is written */
	return;
out_free:
	free(j);
}

static void get_export_xlsx(struct csms_http_req *r)
{
	start_export(r, CSMS_TXEXPORT_XLSX, false);
}
static void get_export_csv(struct csms_http_req *r)
{
	start_export(r, CSMS_TXEXPORT_CSV, false);
}
static void get_one_xlsx(struct csms_http_req *r)
{
	start_export(r, CSMS_TXEXPORT_XLSX, true);
}
static void get_one_csv(struct csms_http_req *r)
{
	start_export(r, CSMS_TXEXPORT_CSV, true);
}

/* The literal routes come before "{id}", which would match them too. */
static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/transactions", CSMS_ROLE_AM, 0, get_transactions,
     "Search transactions (range or from/to required; q, station, connector, idTag, user, view, group, status); "
     "paged, sortable, with total and sum of energy"},
    {CSMS_HTTP_GET, "api/v1/transactions/export.xlsx", CSMS_ROLE_AM, 0, get_export_xlsx,
     "Every transaction of a search as an Excel file (same filters)"},
    {CSMS_HTTP_GET, "api/v1/transactions/export.csv", CSMS_ROLE_AM, 0, get_export_csv,
     "Every transaction of a search as CSV (same filters)"},
    {CSMS_HTTP_GET, "api/v1/transactions/{id}", CSMS_ROLE_AM, 0, get_transaction,
     "One transaction with a summary of its meter values"},
    {CSMS_HTTP_GET, "api/v1/transactions/{id}/measurements", CSMS_ROLES_ALL, 0, get_measurements,
     "The measurements of one transaction as time series per measurand, phase, location and unit"},
    {CSMS_HTTP_GET, "api/v1/transactions/{id}/export.xlsx", CSMS_ROLE_AM, 0, get_one_xlsx,
     "One transaction and its measurements as an Excel file"},
    {CSMS_HTTP_GET, "api/v1/transactions/{id}/export.csv", CSMS_ROLE_AM, 0, get_one_csv,
     "One transaction and its measurements as CSV"},
};
CSMS_ROUTE_TABLE(csms_routes_tx, "transactions", routes);

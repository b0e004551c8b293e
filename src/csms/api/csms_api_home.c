/* csms_api_home.c — the home page: socket diagnostics (total and one count per socket status of the MMS
 * manual), energy consumed today / this week / this month, and the socket search (name prefix, status,
 * view and group) with who is charging. Sockets are the connector rows (1..n) of registered stations; their
 * status joins the stored OCPP status with the live connection and the station's state (csms_socket.c). */
#include "csms_api.h"
#include "csms_meter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_conn.h"
#include "csms_socket.h"
#include "csms_connector_db.h"
#include "csms_station_db.h"
#include "csms_txquery.h"
#include "csms_view_db.h"
#include "ocpp_text.h"
#include "wl_clock.h"

static enum csms_socket_status status_of(struct csms *app, const char *station, const char *ocpp_status)
{
	struct csms_station *s = csms_registry_find(app->reg, station);
	if (!s)
		return CSMS_SOCKET_TO_BE_CONFIGURED;
	return csms_socket_status_of(ocpp_status, csms_station_is_connected(s), s->state);
}

static bool parse_pos(const char *s, int64_t *out)
{
	char *end;
	if (!*s || *s == '-' || *s == '+')
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end || v < 1)
		return false;
	*out = v;
	return true;
}

/* ?view= and ?group= (group needs view): checked against the database; false after answering. */
struct scope {
	struct csms_view_scope v;
};

static bool read_scope(struct csms_http_req *r, struct scope *sc)
{
	char v[64];
	memset(sc, 0, sizeof(*sc));
	if (csms_api_query(r, "view", v, sizeof(v)) && !parse_pos(v, &sc->v.view)) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "view: must be a socket view id (a positive integer)");
		return false;
	}
	if (csms_api_query(r, "group", v, sizeof(v))) {
		if (!sc->v.view) {
			csms_http_fail(r, CSMS_ERR_BAD_QUERY, "group: needs view");
			return false;
		}
		if (!parse_pos(v, &sc->v.group)) {
			csms_http_fail(r, CSMS_ERR_BAD_QUERY, "group: must be a socket group id (a positive integer)");
			return false;
		}
	}
	if (!sc->v.view)
		return true;
	int rc = csms_view_db_scope_check(r->app->rdb, &sc->v);
	if (rc == CSMS_DB_REFUSED)
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "group: is not a group of this view");
	else if (rc == CSMS_DB_MISSING)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "%s",
		               sc->v.group ? "no such socket group" : "no such socket view");
	else if (rc < 0)
		csms_api_db_error(r);
	else
		return true;
	return false;
}

/* ---- GET /api/v1/home/diagnostics ---- */

struct diagnostics {
	struct csms *app;
	long long counts[CSMS_SOCKET_STATUS_COUNT], total;
};

static int count_socket(const struct csms_socket_row *k, void *ctx)
{
	struct diagnostics *d = ctx;
	d->counts[status_of(d->app, k->station, k->status)]++;
	d->total++;
	return 0;
}

static void get_diagnostics(struct csms_http_req *r)
{
	struct scope sc;
	struct diagnostics d = {.app = r->app};
	long long *counts = d.counts;
	if (!read_scope(r, &sc))
		return;
	struct csms_socket_filter f = {NULL, sc.v.view ? &sc.v : NULL};
	if (csms_connector_db_sockets(r->app->rdb, &f, "k.station_id", count_socket, &d) < 0) {
		csms_api_db_error(r);
		return;
	}
	long long total = d.total;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON *c = cJSON_AddObjectToObject(o, "counts");
	cJSON *list = cJSON_AddArrayToObject(o, "statuses");
	for (int i = 0; i < CSMS_SOCKET_STATUS_COUNT; i++) {
		cJSON_AddNumberToObject(c, csms_socket_status_key(i), (double)counts[i]);
		cJSON *it = cJSON_CreateObject();
		cJSON_AddStringToObject(it, "key", csms_socket_status_key(i));
		cJSON_AddStringToObject(it, "label", csms_socket_status_label(i));
		cJSON_AddNumberToObject(it, "count", (double)counts[i]);
		cJSON_AddItemToArray(list, it);
	}
	csms_http_respond_json(r, 200, o);
}

/* ---- GET /api/v1/home/energy ---- */

static void get_energy(struct csms_http_req *r)
{
	static const char *const ranges[] = {"today", "week", "month"};
	struct scope sc;
	char where[1600], sql[2000], t[40];
	int64_t now = (int64_t)wl_wall_ms();
	if (!read_scope(r, &sc))
		return;
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; i < 3; i++) {
		struct csms_txq q = {.view = sc.v.view,
		                     .group = sc.v.group,
		                     .group_unassigned = sc.v.unassigned,
		                     .status = CSMS_TXQ_CLOSED};
		sqlite3_stmt *st;
		if (csms_txq_range(ranges[i], now, &q.from, &q.to) < 0 ||
		    csms_txq_from_where(&q, where, sizeof(where)) < 0) {
			cJSON_Delete(o);
			csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot compute the time range");
			return;
		}
		snprintf(sql, sizeof(sql),
		         "SELECT count(*), coalesce(sum(CASE WHEN t.meter_stop > t.meter_start THEN "
		         "t.meter_stop - t.meter_start END), 0) %s",
		         where);
		if (sqlite3_prepare_v2(r->app->rdb, sql, -1, &st, NULL) != SQLITE_OK) {
			cJSON_Delete(o);
			csms_api_db_error(r);
			return;
		}
		csms_txq_bind(&q, st);
		cJSON *it = cJSON_AddObjectToObject(o, ranges[i]);
		if (sqlite3_step(st) == SQLITE_ROW) {
			cJSON_AddNumberToObject(it, "energyWh", (double)sqlite3_column_int64(st, 1));
			cJSON_AddNumberToObject(it, "transactions", (double)sqlite3_column_int64(st, 0));
		}
		sqlite3_finalize(st);
		ocpp_time_format(q.from, t, sizeof(t));
		cJSON_AddStringToObject(it, "from", t);
		ocpp_time_format(q.to, t, sizeof(t));
		cJSON_AddStringToObject(it, "to", t);
	}
	csms_http_respond_json(r, 200, o);
}

/* ---- GET /api/v1/home/sockets ---- */

/* Who charges at a socket: its open transaction, card and charge user (null when none). */
static cJSON *charging_at(sqlite3_stmt *st, sqlite3_stmt *mv, const char *station, int connector)
{
	cJSON *o = NULL;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, station, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, connector);
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		csms_api_add_int(o, "transactionId", st, 0);
		csms_api_add_text(o, "idTag", st, 1);
		csms_api_add_time(o, "start", st, 2);
		csms_api_add_int(o, "userId", st, 3);
		csms_api_add_text(o, "user", st, 4);
		/* the energy so far and the current, from the transaction's last MeterValue */
		double wh, amps;
		bool has_wh = false, has_a = false;
		sqlite3_reset(mv);
		sqlite3_bind_int64(mv, 1, sqlite3_column_int64(st, 0));
		if (sqlite3_step(mv) == SQLITE_ROW) {
			const char *sampled = (const char *)sqlite3_column_text(mv, 0);
			has_wh = sampled && csms_meter_energy_wh(sampled, &wh);
			has_a = sampled && csms_meter_current_a(sampled, &amps);
		}
		sqlite3_reset(mv);
		if (has_wh && sqlite3_column_type(st, 5) != SQLITE_NULL)
			cJSON_AddNumberToObject(o, "energyWh", wh - (double)sqlite3_column_int64(st, 5));
		else
			cJSON_AddNullToObject(o, "energyWh");
		if (has_a)
			cJSON_AddNumberToObject(o, "currentA", amps);
		else
			cJSON_AddNullToObject(o, "currentA");
	}
	sqlite3_reset(st);
	return o;
}

static void like_prefix(const char *text, char *out, size_t outlen)
{
	size_t n = 0;
	for (const char *p = text; *p && n + 3 < outlen; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			out[n++] = '\\';
		out[n++] = *p;
	}
	out[n++] = '%';
	out[n] = '\0';
}

static void add_text(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

/* The page of sockets: filtered by status here (it needs the live connection), then paged. */
struct socket_page {
	struct csms *app;
	const struct csms_api_page *pg;
	int want;
	long long total;
	cJSON *items;
	sqlite3_stmt *tx, *mv;
};

static int add_socket(const struct csms_socket_row *k, void *ctx)
{
	struct socket_page *p = ctx;
	enum csms_socket_status s = status_of(p->app, k->station, k->status);
	if (p->want >= 0 && (int)s != p->want)
		return 0;
	if (p->total++ < p->pg->offset || cJSON_GetArraySize(p->items) >= p->pg->limit)
		return 0;
	cJSON *o = cJSON_CreateObject();
	add_text(o, "stationId", k->station);
	cJSON_AddNumberToObject(o, "connectorId", k->connector);
	add_text(o, "name", k->name);
	add_text(o, "stationName", k->station_name);
	add_text(o, "description", k->description);
	add_text(o, "type", k->type);
	if (k->phases >= 0)
		cJSON_AddNumberToObject(o, "phases", (double)k->phases);
	else
		cJSON_AddNullToObject(o, "phases");
	if (k->has_max_current) /* as an integer, as it always was */
		cJSON_AddNumberToObject(o, "maxCurrent", (double)(int64_t)k->max_current);
	else
		cJSON_AddNullToObject(o, "maxCurrent");
	cJSON_AddStringToObject(o, "status", csms_socket_status_key(s));
	cJSON_AddStringToObject(o, "statusLabel", csms_socket_status_label(s));
	add_text(o, "ocppStatus", k->status);
	add_text(o, "errorCode", k->error_code);
	add_text(o, "info", k->info);
	add_text(o, "vendorErrorCode", k->vendor_error_code);
	csms_api_add_ms(o, "statusTime", k->status_time);
	cJSON *who = charging_at(p->tx, p->mv, k->station, k->connector);
	if (who)
		cJSON_AddItemToObject(o, "charging", who);
	else
		cJSON_AddNullToObject(o, "charging");
	cJSON_AddItemToArray(p->items, o);
	return 0;
}

static void get_sockets(struct csms_http_req *r)
{
	struct scope sc;
	struct csms_api_page pg;
	char q[404], pat[820], status[40];
	int want = -1;
	sqlite3_stmt *tx = NULL, *mv = NULL;
	if (!read_scope(r, &sc) || csms_api_paging(r, csms_connector_db_socket_sorts, "name", &pg) < 0)
		return;
	bool has_q = csms_api_query(r, "q", q, sizeof(q)) && q[0];
	if (has_q && (!ocpp_utf8_is_valid(q, strlen(q)) || ocpp_utf8_length(q) > 100)) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "q: must be UTF-8 text of at most 100 characters");
		return;
	}
	if (csms_api_query(r, "status", status, sizeof(status))) {
		for (int i = 0; i < CSMS_SOCKET_STATUS_COUNT; i++)
			if (strcmp(status, csms_socket_status_key(i)) == 0)
				want = i;
		if (want < 0) {
			csms_http_fail(r, CSMS_ERR_BAD_QUERY,
			               "status: must be one of to_be_configured, available, occupied, charging, "
			               "charging_suspended, booked, not_available, fault, out_of_service");
			return;
		}
	}
	/* NEEDSWORK: who charges at a socket reads the txn and meter_value tables, whose owner is the
	 * transactions module (issue 15, msglog part) */
	if (sqlite3_prepare_v2(
	        r->app->rdb,
	        "SELECT t.id, t.id_tag, t.start_ts, u.id, CASE WHEN u.id IS NULL THEN NULL ELSE "
	        "u.name || ' ' || u.surname END, t.meter_start FROM txn t LEFT JOIN id_tag c ON c.id_tag = t.id_tag "
	        "LEFT JOIN charge_user u ON u.id = c.user_id WHERE t.station_id = ?1 AND "
	        "t.connector_id = ?2 AND t.stop_ts IS NULL ORDER BY t.start_ts DESC LIMIT 1",
	        -1, &tx, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->app->rdb,
	                       "SELECT sampled FROM meter_value WHERE txn_id = ?1 ORDER BY ts DESC, id DESC LIMIT 1",
	                       -1, &mv, NULL) != SQLITE_OK) {
		csms_api_db_error(r);
		goto out;
	}
	if (has_q)
		like_prefix(q, pat, sizeof(pat));
	struct socket_page p = {r->app, &pg, want, 0, cJSON_CreateArray(), tx, mv};
	struct csms_socket_filter f = {has_q ? pat : NULL, sc.v.view ? &sc.v : NULL};
	if (csms_connector_db_sockets(r->app->rdb, &f, pg.order, add_socket, &p) < 0) {
		cJSON_Delete(p.items);
		csms_api_db_error(r);
		goto out;
	}
	csms_http_respond_json(r, 200, csms_api_list_reply(p.items, p.total, &pg));
out:
	sqlite3_finalize(tx);
	sqlite3_finalize(mv);
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/home/diagnostics", CSMS_ROLES_ALL, 0, get_diagnostics,
     "Total sockets and the count for each of the nine socket statuses (?view=&group=)"},
    {CSMS_HTTP_GET, "api/v1/home/energy", CSMS_ROLES_ALL, 0, get_energy,
     "Energy of the transactions started today, this week (from Monday) and this month (?view=&group=)"},
    {CSMS_HTTP_GET, "api/v1/home/sockets", CSMS_ROLES_ALL, 0, get_sockets,
     "Socket search by name prefix (q) and status, within a view/group, with who is charging; paged"},
};
CSMS_ROUTE_TABLE(csms_routes_home, "home", routes);

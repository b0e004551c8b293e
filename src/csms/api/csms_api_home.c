/* csms_api_home.c — the home page: socket diagnostics (total and one count per socket status of the MMS
 * manual), energy consumed today / this week / this month, and the socket search (name prefix, status,
 * view and group) with who is charging. Sockets are the connector rows (1..n) of registered stations; their
 * status joins the stored OCPP status with the live connection and the station's state (csms_socket.c). */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_conn.h"
#include "csms_socket.h"
#include "csms_connector_db.h"
#include "csms_db.h"
#include "csms_station_db.h"
#include "csms_txn_db.h"
#include "csms_txquery.h"
#include "csms_txrow.h"
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
	char t[40];
	int64_t now = (int64_t)wl_wall_ms();
	if (!read_scope(r, &sc))
		return;
	cJSON *o = cJSON_CreateObject();
	for (int i = 0; i < 3; i++) {
		struct csms_txq q = {.view = sc.v.view,
		                     .group = sc.v.group,
		                     .group_unassigned = sc.v.unassigned,
		                     .status = CSMS_TXQ_CLOSED};
		int64_t count, energy;
		char err[200];
		if (csms_txq_range(ranges[i], now, &q.from, &q.to) < 0) {
			cJSON_Delete(o);
			csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot compute the time range");
			return;
		}
		if (csms_txrow_totals(r->app->rdb, &q, &count, &energy, err, sizeof(err)) < 0) {
			cJSON_Delete(o);
			csms_api_db_error(r);
			return;
		}
		cJSON *it = cJSON_AddObjectToObject(o, ranges[i]);
		cJSON_AddNumberToObject(it, "energyWh", (double)energy);
		cJSON_AddNumberToObject(it, "transactions", (double)count);
		ocpp_time_format(q.from, t, sizeof(t));
		cJSON_AddStringToObject(it, "from", t);
		ocpp_time_format(q.to, t, sizeof(t));
		cJSON_AddStringToObject(it, "to", t);
	}
	csms_http_respond_json(r, 200, o);
}

/* ---- GET /api/v1/home/sockets ---- */

/* Who charges at a socket: its open transaction, card and charge user (null when none). */
static cJSON *charging_at(struct csms_txn_reader *rd, const char *station, int connector)
{
	struct csms_txn_charging t;
	if (csms_txn_db_charging_at(rd, station, connector, &t) <= 0)
		return NULL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "transactionId", (double)t.txn_id);
	cJSON_AddStringToObject(o, "idTag", t.id_tag);
	csms_api_add_ms(o, "start", t.start_ts);
	if (t.user_id) {
		cJSON_AddNumberToObject(o, "userId", (double)t.user_id);
		cJSON_AddStringToObject(o, "user", t.user);
	} else {
		cJSON_AddNullToObject(o, "userId");
		cJSON_AddNullToObject(o, "user");
	}
	/* the energy so far and the current, from the transaction's last MeterValue */
	if (t.has_energy_wh)
		cJSON_AddNumberToObject(o, "energyWh", t.energy_wh);
	else
		cJSON_AddNullToObject(o, "energyWh");
	if (t.has_current_a)
		cJSON_AddNumberToObject(o, "currentA", t.current_a);
	else
		cJSON_AddNullToObject(o, "currentA");
	return o;
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
	struct csms_txn_reader *txn; /* who charges at a socket */
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
	cJSON *who = charging_at(p->txn, k->station, k->connector);
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
	struct csms_txn_reader *txn = NULL;
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
	if (!(txn = csms_txn_db_reader_new(r->app->rdb))) {
		csms_api_db_error(r);
		return;
	}
	if (has_q)
		csms_db_like(q, false, pat, sizeof(pat));
	struct socket_page p = {r->app, &pg, want, 0, cJSON_CreateArray(), txn};
	struct csms_socket_filter f = {has_q ? pat : NULL, sc.v.view ? &sc.v : NULL};
	if (csms_connector_db_sockets(r->app->rdb, &f, pg.order, add_socket, &p) < 0) {
		cJSON_Delete(p.items);
		csms_api_db_error(r);
		goto out;
	}
	csms_http_respond_json(r, 200, csms_api_list_reply(p.items, p.total, &pg));
out:
	csms_txn_db_reader_free(txn);
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

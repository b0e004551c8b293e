/* csms_connector_db.c — all SQL of connector and connector_status (see csms_connector_db.h). */
#include "csms_connector_db.h"

#include <stdio.h>
#include <string.h>

#include "csms_store.h"
#include "csms_view_db.h"

#define TEXT(c) ((const char *)sqlite3_column_text(st, (c)))

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int csms_connector_db_of_station(sqlite3 *db, const char *id, csms_connector_db_each_fn *each, void *ctx)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT connector_id, status, error_code, info, vendor_id, "
	                                    "vendor_error_code, status_time, description, type, phases, max_current "
	                                    "FROM connector WHERE station_id = ? ORDER BY connector_id");
	int rc = 0, step;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_connector_row c = {
		    .connector_id = sqlite3_column_int(st, 0),
		    .status = TEXT(1),
		    .error_code = TEXT(2),
		    .info = TEXT(3),
		    .vendor_id = TEXT(4),
		    .vendor_error_code = TEXT(5),
		    .status_time = csms_db_int(st, 6, CSMS_DB_NO_TIME),
		    .description = TEXT(7),
		    .type = TEXT(8),
		    .phases = csms_db_int(st, 9, -1),
		    .max_current = sqlite3_column_double(st, 10),
		    .has_max_current = sqlite3_column_type(st, 10) != SQLITE_NULL,
		};
		if ((rc = each(&c, ctx)) < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

int csms_connector_db_status_of(sqlite3 *db, const char *id, int connector, char *out, size_t cap)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT status FROM connector WHERE station_id = ? AND connector_id = ?");
	int rc;
	out[0] = '\0';
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, connector);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		csms_db_text(st, 0, out, cap);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

static const char SQL_PREV_STATUS[] =
    "SELECT status, error_code FROM connector WHERE station_id = ? AND connector_id = ?";
static const char SQL_UPSERT_CONNECTOR[] =
    "INSERT INTO connector (station_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, "
    "status_time, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (station_id, connector_id) DO UPDATE SET status = excluded.status, error_code = excluded.error_code, "
    "info = excluded.info, vendor_id = excluded.vendor_id, vendor_error_code = excluded.vendor_error_code, "
    "status_time = excluded.status_time, updated = excluded.updated";
static const char SQL_STATUS_HISTORY[] =
    "INSERT INTO connector_status (station_id, connector_id, status, error_code, info, vendor_id, "
    "vendor_error_code, ts, received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int csms_connector_db_report(struct csms_store *st, const char *id, const struct csms_connector_status *c,
                             char *prev_status, size_t status_cap, char *prev_error, size_t error_cap)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_PREV_STATUS);
	prev_status[0] = prev_error[0] = '\0';
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, c->connector);
	if (sqlite3_step(s) == SQLITE_ROW) {
		csms_db_text(s, 0, prev_status, status_cap);
		csms_db_text(s, 1, prev_error, error_cap);
	}
	const char *sqls[2] = {SQL_UPSERT_CONNECTOR, SQL_STATUS_HISTORY};
	for (int k = 0; k < 2; k++) {
		if (!(s = csms_store_stmt(st, sqls[k])))
			return CSMS_DB_ERROR;
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, c->connector);
		sqlite3_bind_text(s, 3, c->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, c->error_code, -1, SQLITE_STATIC);
		bind_opt_text(s, 5, c->info);
		bind_opt_text(s, 6, c->vendor_id);
		bind_opt_text(s, 7, c->vendor_error_code);
		sqlite3_bind_int64(s, 8, c->ts);
		sqlite3_bind_int64(s, 9, c->received);
		if (sqlite3_step(s) != SQLITE_DONE)
			return CSMS_DB_ERROR;
	}
	return 0;
}

static const char SQL_CONNECTOR_SPEC[] =
    "INSERT INTO connector (station_id, connector_id, description, type, phases, max_current) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (station_id, connector_id) DO UPDATE SET "
    "description = CASE WHEN ?7 THEN excluded.description ELSE description END, "
    "type = CASE WHEN ?8 THEN excluded.type ELSE type END, "
    "phases = CASE WHEN ?9 THEN excluded.phases ELSE phases END, "
    "max_current = CASE WHEN ?10 THEN excluded.max_current ELSE max_current END";

int csms_connector_db_set_spec(struct csms_store *st, const struct csms_connector_spec *c)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_CONNECTOR_SPEC);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, c->station, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, c->connector);
	sqlite3_bind_text(s, 3, c->description ? c->description : "", -1, SQLITE_STATIC);
	if (c->type && c->type[0])
		sqlite3_bind_text(s, 4, c->type, -1, SQLITE_STATIC);
	if (c->phases)
		sqlite3_bind_int(s, 5, c->phases);
	if (c->max_current)
		sqlite3_bind_int(s, 6, c->max_current);
	sqlite3_bind_int(s, 7, c->set_description);
	sqlite3_bind_int(s, 8, c->set_type);
	sqlite3_bind_int(s, 9, c->set_phases);
	sqlite3_bind_int(s, 10, c->set_max_current);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

/* ---- the sockets as the Home page lists them ---- */

#define SOCKET_NAME                                                                                                    \
	"coalesce(nullif(k.description, ''), coalesce(nullif(s.name, ''), k.station_id) || ' #' || k.connector_id)"

const char *const csms_connector_db_socket_sorts[] = {"name", SOCKET_NAME " COLLATE NOCASE", "station",
                                                      "k.station_id, k.connector_id", NULL};

int csms_connector_db_sockets(sqlite3 *db, const struct csms_socket_filter *f, const char *order,
                              csms_connector_db_socket_fn *each, void *ctx)
{
	char scope[400] = "", sql[1600];
	if (f->scope && csms_view_db_scope_sql(f->scope, "k", scope, sizeof(scope)) < 0)
		return CSMS_DB_ERROR;
	snprintf(sql, sizeof(sql),
	         "SELECT k.station_id, k.connector_id, " SOCKET_NAME ", coalesce(nullif(s.name, ''), k.station_id), "
	         "k.status, k.error_code, k.info, k.vendor_error_code, k.status_time, k.description, k.type, k.phases, "
	         "k.max_current FROM connector k LEFT JOIN station s ON s.id = k.station_id WHERE k.connector_id > "
	         "0%s%s ORDER BY %s",
	         f->like ? " AND (" SOCKET_NAME " LIKE ?1 ESCAPE '\\' OR k.station_id LIKE ?1 ESCAPE '\\' OR s.name "
	                   "LIKE ?1 ESCAPE '\\')"
	                 : "",
	         scope, order);
	sqlite3_stmt *st = csms_db_prep(db, sql);
	int rc = 0, step;
	if (!st)
		return CSMS_DB_ERROR;
	if (f->like)
		sqlite3_bind_text(st, 1, f->like, -1, SQLITE_STATIC);
	if (f->scope)
		csms_view_db_scope_bind(f->scope, st);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_socket_row k = {
		    .station = TEXT(0),
		    .connector = sqlite3_column_int(st, 1),
		    .name = TEXT(2),
		    .station_name = TEXT(3),
		    .status = TEXT(4),
		    .error_code = TEXT(5),
		    .info = TEXT(6),
		    .vendor_error_code = TEXT(7),
		    .status_time = csms_db_int(st, 8, CSMS_DB_NO_TIME),
		    .description = TEXT(9),
		    .type = TEXT(10),
		    .phases = csms_db_int(st, 11, -1),
		    .has_max_current = sqlite3_column_type(st, 12) != SQLITE_NULL,
		    .max_current = sqlite3_column_double(st, 12),
		};
		if ((rc = each(&k, ctx)) < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

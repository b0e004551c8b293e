/* csms_txrow.c — a transaction search row: columns, meter-derived figures, JSON; the searches' SQL. */
#include "csms_txrow.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csms_db.h"
#include "csms_meter.h"
#include "ocpp_text.h"

static const char *text(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, col);
}

void csms_txrow_read(struct csms_txrow *row, sqlite3_stmt *st, int64_t now_ms)
{
	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, 0);
	row->station = text(st, 1);
	row->connector = sqlite3_column_int(st, 2);
	row->socket = text(st, 3);
	row->id_tag = text(st, 4);
	row->user_id = sqlite3_column_int64(st, 5);
	row->user = text(st, 6);
	row->stop_reason = text(st, 7);
	row->stop_id_tag = text(st, 8);
	row->start = sqlite3_column_int64(st, 9);
	row->open = sqlite3_column_type(st, 10) == SQLITE_NULL;
	row->stop = row->open ? 0 : sqlite3_column_int64(st, 10);
	row->meter_start = sqlite3_column_int64(st, 11);
	if (sqlite3_column_type(st, 12) != SQLITE_NULL) {
		row->meter_stop = sqlite3_column_int64(st, 12);
		row->has_energy = true;
		row->energy_wh = row->meter_stop - row->meter_start;
	}
	if (sqlite3_column_type(st, 13) != SQLITE_NULL) {
		row->has_charge = true;
		row->charge_ms = sqlite3_column_int64(st, 13);
	}
	row->duration_ms = (row->open ? now_ms : row->stop) - row->start;
	if (row->duration_ms < 0)
		row->duration_ms = 0;
}

void csms_txrow_meter(struct csms_txrow *row, sqlite3_stmt *mst)
{
	struct csms_meter_charge ch = {0};
	double last = NAN;
	int n = 0;
	if (!row->open && row->has_charge)
		return;
	sqlite3_reset(mst);
	sqlite3_bind_int64(mst, 1, row->id);
	while (sqlite3_step(mst) == SQLITE_ROW) {
		const char *sampled = (const char *)sqlite3_column_text(mst, 1);
		int64_t ts = sqlite3_column_int64(mst, 0);
		if (!sampled)
			continue;
		csms_meter_charge_add(&ch, ts, sampled);
		if (ch.prev_has_energy)
			last = ch.prev_energy;
		n++;
	}
	sqlite3_reset(mst);
	if (n > 1) {
		row->has_charge = true;
		row->charge_ms = ch.charge_ms;
	}
	if (row->open && !isnan(last)) {
		row->has_energy = true;
		row->energy_wh = (int64_t)llround(last) - row->meter_start;
	}
}

void csms_txrow_terminated_by(const struct csms_txrow *row, char *out, size_t outlen)
{
	if (row->open)
		snprintf(out, outlen, "%s", "");
	else if (row->stop_id_tag)
		snprintf(out, outlen, "%s (%s)", row->stop_reason ? row->stop_reason : "Local", row->stop_id_tag);
	else
		snprintf(out, outlen, "%s", row->stop_reason ? row->stop_reason : "Local");
}

static void add_str(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static void add_time(cJSON *o, const char *name, int64_t ms, bool has)
{
	char t[40];
	if (!has) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	ocpp_time_format(ms, t, sizeof(t));
	cJSON_AddStringToObject(o, name, t);
}

cJSON *csms_txrow_json(const struct csms_txrow *row)
{
	char by[120];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)row->id);
	add_str(o, "stationId", row->station);
	cJSON_AddNumberToObject(o, "connectorId", row->connector);
	add_str(o, "socket", row->socket);
	add_str(o, "idTag", row->id_tag);
	if (row->user_id)
		cJSON_AddNumberToObject(o, "userId", (double)row->user_id);
	else
		cJSON_AddNullToObject(o, "userId");
	add_str(o, "user", row->user);
	cJSON_AddStringToObject(o, "status", row->open ? "open" : "closed");
	add_str(o, "stopReason", row->stop_reason);
	add_str(o, "stopIdTag", row->stop_id_tag);
	csms_txrow_terminated_by(row, by, sizeof(by));
	add_str(o, "terminatedBy", row->open ? NULL : by);
	add_time(o, "start", row->start, true);
	add_time(o, "end", row->stop, !row->open);
	cJSON_AddNumberToObject(o, "durationS", (double)(row->duration_ms / 1000));
	if (row->has_charge)
		cJSON_AddNumberToObject(o, "chargeDurationS", (double)(row->charge_ms / 1000));
	else
		cJSON_AddNullToObject(o, "chargeDurationS");
	cJSON_AddNumberToObject(o, "meterStart", (double)row->meter_start);
	if (row->open)
		cJSON_AddNullToObject(o, "meterStop");
	else
		cJSON_AddNumberToObject(o, "meterStop", (double)row->meter_stop);
	if (row->has_energy)
		cJSON_AddNumberToObject(o, "energyWh", (double)row->energy_wh);
	else
		cJSON_AddNullToObject(o, "energyWh");
	return o;
}

static const char SQL_METER[] = CSMS_TXROW_METER_SQL;
static const char SQL_SET_CHARGE[] = "UPDATE txn SET charge_ms = ?2 WHERE id = ?1";

int csms_txrow_store_charge(struct csms_store *st, int64_t txn_id)
{
	struct csms_meter_charge ch = {0};
	int n = 0, rc;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_METER);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, txn_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *sampled = (const char *)sqlite3_column_text(s, 1);
		if (sampled) {
			csms_meter_charge_add(&ch, sqlite3_column_int64(s, 0), sampled);
			n++;
		}
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE || !(s = csms_store_stmt(st, SQL_SET_CHARGE)))
		return -1;
	sqlite3_bind_int64(s, 1, txn_id);
	if (n > 1)
		sqlite3_bind_int64(s, 2, ch.charge_ms);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

/* ---- the searches ---- */

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err, size_t errcap)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errcap, "%s", sqlite3_errmsg(db));
	return -1;
}

static int step_error(sqlite3 *db, int s, char *err, size_t errcap)
{
	if (s == SQLITE_DONE || s == SQLITE_ROW)
		return 0;
	snprintf(err, errcap, "%s", sqlite3_errmsg(db));
	return -1;
}

int csms_txrow_search(sqlite3 *db, const struct csms_txq *q, const char *order, int64_t limit, int64_t offset,
                      int64_t now_ms, csms_txrow_fn *fn, void *ctx, char *err, size_t errcap)
{
	char where[1600], page[400] = "", sql[3400];
	sqlite3_stmt *st = NULL, *mst = NULL;
	int rc = -1, s;
	/* a page is cut before the joins (ordered the same way), every row is joined and ordered once */
	if (limit >= 0 &&
	    (size_t)snprintf(page, sizeof(page), " ORDER BY %s LIMIT ?10 OFFSET ?11", order) >= sizeof(page)) {
		snprintf(err, errcap, "the search is too long");
		return CSMS_DB_REFUSED;
	}
	if (csms_txq_from_where(q, where, sizeof(where)) < 0 ||
	    (size_t)snprintf(sql, sizeof(sql), "SELECT %s FROM (SELECT t.* %s%s) t %s ORDER BY %s", CSMS_TXROW_COLS,
	                     where, page, CSMS_TXROW_JOINS, order) >= sizeof(sql)) {
		snprintf(err, errcap, "the search is too long");
		return CSMS_DB_REFUSED;
	}
	if (prep(db, sql, &st, err, errcap) < 0 || prep(db, CSMS_TXROW_METER_SQL, &mst, err, errcap) < 0)
		goto out;
	csms_txq_bind(q, st);
	if (limit >= 0) {
		sqlite3_bind_int64(st, 10, limit);
		sqlite3_bind_int64(st, 11, offset);
	}
	rc = 0;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_txrow row;
		csms_txrow_read(&row, st, now_ms);
		csms_txrow_meter(&row, mst);
		if ((rc = fn(&row, ctx)) != 0)
			goto out;
	}
	rc = step_error(db, s, err, errcap);
out:
	sqlite3_finalize(mst);
	sqlite3_finalize(st);
	return rc;
}

int csms_txrow_totals(sqlite3 *db, const struct csms_txq *q, int64_t *count, int64_t *energy_wh, char *err,
                      size_t errcap)
{
	char where[1600], sql[2000];
	sqlite3_stmt *st;
	if (csms_txq_from_where(q, where, sizeof(where)) < 0 ||
	    (size_t)snprintf(sql, sizeof(sql),
	                     "SELECT count(*), coalesce(sum(CASE WHEN t.meter_stop > t.meter_start THEN "
	                     "t.meter_stop - t.meter_start END), 0) %s",
	                     where) >= sizeof(sql)) {
		snprintf(err, errcap, "the search is too long");
		return CSMS_DB_REFUSED;
	}
	if (prep(db, sql, &st, err, errcap) < 0)
		return -1;
	csms_txq_bind(q, st);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		*energy_wh = sqlite3_column_int64(st, 1);
	}
	if (s != SQLITE_ROW)
		snprintf(err, errcap, "%s", s == SQLITE_DONE ? "no totals" : sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return s == SQLITE_ROW ? 0 : -1;
}

int csms_txrow_one(sqlite3 *db, int64_t id, int64_t now_ms, bool more,
                   int (*fn)(const struct csms_txrow *row, const struct csms_txrow_more *m, void *ctx), void *ctx,
                   char *err, size_t errcap)
{
	sqlite3_stmt *st = NULL, *mst = NULL, *cnt = NULL;
	struct csms_txrow_more m = {0};
	int rc = -1, s;
	if (prep(db,
	         "SELECT " CSMS_TXROW_COLS ", t.reservation_id, t.start_status, t.flags FROM txn t" CSMS_TXROW_JOINS
	         " WHERE t.id = ?1",
	         &st, err, errcap) < 0 ||
	    prep(db, CSMS_TXROW_METER_SQL, &mst, err, errcap) < 0)
		goto out;
	sqlite3_bind_int64(st, 1, id);
	if ((s = sqlite3_step(st)) != SQLITE_ROW) {
		rc = s == SQLITE_DONE ? CSMS_DB_MISSING : step_error(db, s, err, errcap);
		goto out;
	}
	struct csms_txrow row;
	csms_txrow_read(&row, st, now_ms);
	csms_txrow_meter(&row, mst);
	if (more) {
		m.has_reservation = sqlite3_column_type(st, CSMS_TXROW_NCOLS) != SQLITE_NULL;
		m.reservation_id = sqlite3_column_int64(st, CSMS_TXROW_NCOLS);
		m.start_status = text(st, CSMS_TXROW_NCOLS + 1);
		m.flags = sqlite3_column_int(st, CSMS_TXROW_NCOLS + 2);
		if (prep(db, "SELECT count(*), min(ts), max(ts) FROM meter_value WHERE txn_id = ?1", &cnt, err,
		         errcap) < 0)
			goto out;
		sqlite3_bind_int64(cnt, 1, id);
		if ((s = sqlite3_step(cnt)) != SQLITE_ROW) {
			rc = step_error(db, s, err, errcap);
			goto out;
		}
		m.mv_count = sqlite3_column_int64(cnt, 0);
		m.mv_first = sqlite3_column_int64(cnt, 1);
		m.mv_last = sqlite3_column_int64(cnt, 2);
	}
	rc = fn(&row, more ? &m : NULL, ctx);
out:
	sqlite3_finalize(cnt);
	sqlite3_finalize(mst);
	sqlite3_finalize(st);
	return rc;
}

int csms_txrow_samples(sqlite3 *db, int64_t id, long limit, int (*fn)(int64_t ts, const char *sampled, void *ctx),
                       void *ctx, char *err, size_t errcap)
{
	sqlite3_stmt *st = NULL;
	int rc, s;
	if (prep(db, "SELECT 1 FROM txn WHERE id = ?1", &st, err, errcap) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	s = sqlite3_step(st);
	sqlite3_finalize(st);
	if (s != SQLITE_ROW)
		return s == SQLITE_DONE ? CSMS_DB_MISSING : (snprintf(err, errcap, "%s", sqlite3_errmsg(db)), -1);
	if (prep(db, CSMS_TXROW_METER_SQL, &st, err, errcap) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	long n = 0;
	rc = 0;
	while ((limit < 0 || n < limit) && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sampled = (const char *)sqlite3_column_text(st, 1);
		n++;
		if (sampled && (rc = fn(sqlite3_column_int64(st, 0), sampled, ctx)) != 0)
			break;
	}
	if (!rc && !(limit >= 0 && n >= limit) && step_error(db, s, err, errcap) < 0)
		rc = -1;
	sqlite3_finalize(st);
	return rc ? rc : (int)n;
}

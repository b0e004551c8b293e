/* csms_txn_db.c — the SQL of txn, meter_value and orphan_stop: the OCPP side's writes and the reads of one transaction.
 */
#include "csms_txn_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_db.h"
#include "csms_meter.h"

static void bind_opt_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v && v[0])
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static const char SQL_REPLAY[] = "SELECT id, start_status FROM txn WHERE station_id = ? AND connector_id = ? "
                                 "AND id_tag = ? AND start_ts = ? AND meter_start = ?";
/* INDEXED BY: left to itself, the planner took an index led by (station_id, connector_id, start_ts) and read
 * every past transaction of the socket at each StartTransaction (most of the writer's time in the
 * Start/MeterValues/Stop bench); the partial index of open transactions holds at most a few rows. */
static const char SQL_SUPERSEDE[] =
    "UPDATE txn INDEXED BY txn_open SET stop_ts = ?, stop_reason = 'Other', flags = flags | 2 "
    "WHERE station_id = ? AND connector_id = ? AND stop_ts IS NULL AND start_ts < ?";
static const char SQL_INSERT[] =
    "INSERT INTO txn (station_id, connector_id, id_tag, start_ts, meter_start, reservation_id, start_status, "
    "received_start) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_GET[] =
    "SELECT station_id, connector_id, meter_start, stop_ts, flags, id_tag FROM txn WHERE id = ?";
static const char SQL_STOP[] =
    "UPDATE txn SET stop_ts = ?, meter_stop = ?, stop_reason = ?, stop_id_tag = ?, received_stop = ?, "
    "flags = (flags & ~2) | ? WHERE id = ?";
static const char SQL_ORPHAN_STOP[] =
    "INSERT INTO orphan_stop (station_id, transaction_id, id_tag, stop_ts, meter_stop, stop_reason, received) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
static const char SQL_METER_INSERT[] =
    "INSERT INTO meter_value (station_id, connector_id, txn_id, ts, source, sampled) VALUES (?, ?, ?, ?, ?, ?)";

const char *csms_txn_db__supersede_sql(void)
{
	return SQL_SUPERSEDE;
}

int csms_txn_db_find_replay(struct csms_store *st, const struct csms_txn_start *s, int64_t *txn_id,
                            char start_status[24])
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_REPLAY);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, s->station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, s->connector);
	sqlite3_bind_text(q, 3, s->id_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, s->start_ts);
	sqlite3_bind_int64(q, 5, s->meter_start);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	*txn_id = sqlite3_column_int64(q, 0);
	const char *status = (const char *)sqlite3_column_text(q, 1);
	snprintf(start_status, 24, "%s", status ? status : "");
	return 1;
}

int csms_txn_db_start(struct csms_store *st, const struct csms_txn_start *s, int64_t *txn_id)
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_SUPERSEDE);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, s->start_ts);
	sqlite3_bind_text(q, 2, s->station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, s->connector);
	sqlite3_bind_int64(q, 4, s->start_ts);
	if (sqlite3_step(q) != SQLITE_DONE || !(q = csms_store_stmt(st, SQL_INSERT)))
		return -1;
	sqlite3_bind_text(q, 1, s->station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, s->connector);
	sqlite3_bind_text(q, 3, s->id_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, s->start_ts);
	sqlite3_bind_int64(q, 5, s->meter_start);
	if (s->has_reservation)
		sqlite3_bind_int64(q, 6, s->reservation_id);
	sqlite3_bind_text(q, 7, s->start_status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, s->received);
	if (sqlite3_step(q) != SQLITE_DONE)
		return -1;
	*txn_id = sqlite3_last_insert_rowid(csms_store_db(st));
	return 0;
}

int csms_txn_db_get(struct csms_store *st, int64_t txn_id, struct csms_txn_row *row)
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_GET);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, txn_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return -1;
	const char *station = (const char *)sqlite3_column_text(q, 0), *tag = (const char *)sqlite3_column_text(q, 5);
	snprintf(row->station_id, sizeof(row->station_id), "%s", station ? station : "");
	row->connector = sqlite3_column_int(q, 1);
	row->meter_start = sqlite3_column_int64(q, 2);
	row->stopped = sqlite3_column_type(q, 3) != SQLITE_NULL;
	row->flags = sqlite3_column_int(q, 4);
	snprintf(row->id_tag, sizeof(row->id_tag), "%s", tag ? tag : "");
	return 1;
}

int csms_txn_db_stop(struct csms_store *st, const struct csms_txn_stop *s, int64_t meter_start)
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_STOP);
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, s->stop_ts);
	sqlite3_bind_int64(q, 2, s->meter_stop);
	bind_opt_text(q, 3, s->reason);
	bind_opt_text(q, 4, s->stop_tag);
	sqlite3_bind_int64(q, 5, s->received);
	sqlite3_bind_int(q, 6, s->meter_stop < meter_start ? CSMS_TXN_FLAG_METER_BACKWARDS : 0);
	sqlite3_bind_int64(q, 7, s->txn_id);
	return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

int csms_txn_db_orphan_stop(struct csms_store *st, const struct csms_txn_stop *s)
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_ORPHAN_STOP);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, s->station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, s->txn_id);
	bind_opt_text(q, 3, s->stop_tag);
	sqlite3_bind_int64(q, 4, s->stop_ts);
	sqlite3_bind_int64(q, 5, s->meter_stop);
	bind_opt_text(q, 6, s->reason);
	sqlite3_bind_int64(q, 7, s->received);
	if (sqlite3_step(q) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(csms_store_db(st)) > 0 ? 1 : 0;
}

int csms_txn_db_add_meter_value(struct csms_store *st, const char *station_id, int connector, int64_t txn_id,
                                int64_t ts, const char *source, const char *sampled, size_t len)
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_METER_INSERT);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, connector);
	if (txn_id >= 0)
		sqlite3_bind_int64(q, 3, txn_id);
	sqlite3_bind_int64(q, 4, ts);
	sqlite3_bind_text(q, 5, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, sampled, (int)len, SQLITE_STATIC);
	return sqlite3_step(q) == SQLITE_DONE ? 0 : -1;
}

/* ---- reads ---- */

static const char SQL_OPEN_ELSEWHERE[] =
    "SELECT 1 FROM txn WHERE id_tag = ? AND stop_ts IS NULL AND NOT (station_id = ? AND (? < 0 OR connector_id = ?)) "
    "LIMIT 1";

int csms_txn_db_tag_open_elsewhere(struct csms_store *st, const char *norm_tag, const char *station_id, int connector)
{
	sqlite3_stmt *q = csms_store_stmt(st, SQL_OPEN_ELSEWHERE);
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, norm_tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, connector);
	sqlite3_bind_int(q, 4, connector);
	int rc = sqlite3_step(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int csms_txn_db_open_on(sqlite3 *db, const char *station_id, int connector, int64_t *txn_id)
{
	sqlite3_stmt *q = csms_db_prep(db, "SELECT id FROM txn WHERE station_id = ? AND connector_id = ? AND "
	                                   "stop_ts IS NULL ORDER BY id DESC LIMIT 1");
	if (!q)
		return -1;
	sqlite3_bind_text(q, 1, station_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, connector);
	return csms_db_step_int(q, txn_id);
}

struct csms_txn_reader {
	sqlite3_stmt *open, *last_mv;
};

struct csms_txn_reader *csms_txn_db_reader_new(sqlite3 *db)
{
	struct csms_txn_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->open =
	    csms_db_prep(db, "SELECT t.id, t.id_tag, t.start_ts, u.id, CASE WHEN u.id IS NULL THEN NULL ELSE "
	                     "u.name || ' ' || u.surname END, t.meter_start FROM txn t "
	                     "LEFT JOIN id_tag c ON c.id_tag = t.id_tag LEFT JOIN charge_user u ON u.id = c.user_id "
	                     "WHERE t.station_id = ?1 AND t.connector_id = ?2 AND t.stop_ts IS NULL "
	                     "ORDER BY t.start_ts DESC LIMIT 1");
	r->last_mv =
	    csms_db_prep(db, "SELECT sampled FROM meter_value WHERE txn_id = ?1 ORDER BY ts DESC, id DESC LIMIT 1");
	if (!r->open || !r->last_mv) {
		csms_txn_db_reader_free(r);
		return NULL;
	}
	return r;
}

void csms_txn_db_reader_free(struct csms_txn_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->open);
	sqlite3_finalize(r->last_mv);
	free(r);
}

int csms_txn_db_charging_at(struct csms_txn_reader *r, const char *station_id, int connector,
                            struct csms_txn_charging *out)
{
	sqlite3_stmt *st = r->open, *mv = r->last_mv;
	int rc;
	memset(out, 0, sizeof(*out));
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, station_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, connector);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	out->txn_id = sqlite3_column_int64(st, 0);
	csms_db_text(st, 1, out->id_tag, sizeof(out->id_tag));
	out->start_ts = sqlite3_column_int64(st, 2);
	out->user_id = csms_db_int(st, 3, 0);
	csms_db_text(st, 4, out->user, sizeof(out->user));
	out->has_meter_start = sqlite3_column_type(st, 5) != SQLITE_NULL;
	out->meter_start = sqlite3_column_int64(st, 5);
	sqlite3_reset(st);
	sqlite3_reset(mv);
	sqlite3_bind_int64(mv, 1, out->txn_id);
	if ((rc = sqlite3_step(mv)) == SQLITE_ROW) {
		const char *sampled = (const char *)sqlite3_column_text(mv, 0);
		double wh;
		out->has_energy_wh = out->has_meter_start && sampled && csms_meter_energy_wh(sampled, &wh);
		if (out->has_energy_wh)
			out->energy_wh = wh - (double)out->meter_start;
		out->has_current_a = sampled && csms_meter_current_a(sampled, &out->current_a);
	}
	sqlite3_reset(mv);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 1 : -1;
}

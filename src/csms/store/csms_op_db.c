/* csms_op_db.c — all SQL of operation, reservation and charging_profile (see csms_op_db.h). */
#include "csms_op_db.h"

#include "csms_store.h"

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static int step(sqlite3_stmt *s)
{
	return sqlite3_step(s) == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

static const char SQL_OP_INSERT[] = "INSERT INTO operation (station_id, action, request, status, response, error, "
                                    "requested, finished) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

int csms_op_db_record(struct csms_store *st, const struct csms_op_row *r)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_OP_INSERT);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, r->station, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, r->request, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->status, -1, SQLITE_STATIC);
	bind_text_or_null(s, 5, r->response);
	bind_text_or_null(s, 6, r->error);
	sqlite3_bind_int64(s, 7, r->requested);
	sqlite3_bind_int64(s, 8, r->finished);
	return step(s);
}

static const char SQL_RESERVATION[] =
    "INSERT INTO reservation (id, station_id, connector_id, id_tag, parent_id_tag, expiry, status, created) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET station_id = excluded.station_id, "
    "connector_id = excluded.connector_id, id_tag = excluded.id_tag, parent_id_tag = excluded.parent_id_tag, "
    "expiry = excluded.expiry, status = excluded.status";

int csms_op_db_reservation_put(struct csms_store *st, const struct csms_reservation *r)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_RESERVATION);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_text(s, 2, r->station, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, r->connector);
	sqlite3_bind_text(s, 4, r->id_tag, -1, SQLITE_STATIC);
	bind_text_or_null(s, 5, r->parent_id_tag);
	sqlite3_bind_int64(s, 6, r->expiry);
	sqlite3_bind_text(s, 7, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, r->created);
	return step(s);
}

static const char SQL_RESERVATION_CANCEL[] =
    "UPDATE reservation SET status = 'cancelled' WHERE id = ? AND station_id = ?";

int csms_op_db_reservation_cancel(struct csms_store *st, int64_t id, const char *station)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_RESERVATION_CANCEL);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, station, -1, SQLITE_STATIC);
	return step(s);
}

static const char SQL_RESERVATION_USED[] =
    "UPDATE reservation SET status = 'used', txn_id = ? WHERE id = ? AND station_id = ?";

int csms_op_db_reservation_used(struct csms_store *st, int64_t id, const char *station, int64_t txn_id)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_RESERVATION_USED);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, txn_id);
	sqlite3_bind_int64(s, 2, id);
	sqlite3_bind_text(s, 3, station, -1, SQLITE_STATIC);
	return step(s);
}

static const char SQL_PROFILE[] =
    "INSERT INTO charging_profile (station_id, connector_id, profile_id, stack_level, purpose, profile, status, "
    "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

int csms_op_db_profile_add(struct csms_store *st, const struct csms_charging_profile *p)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_PROFILE);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, p->station, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, p->connector);
	sqlite3_bind_int64(s, 3, p->profile_id);
	sqlite3_bind_int64(s, 4, p->stack_level);
	sqlite3_bind_text(s, 5, p->purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, p->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, p->created);
	return step(s);
}

static const char SQL_PROFILE_CLEAR[] = "UPDATE charging_profile SET status = 'cleared' WHERE station_id = ? "
                                        "AND status = 'Accepted' AND (? IS NULL OR profile_id = ?)";

int csms_op_db_profile_clear(struct csms_store *st, const char *station, bool has_id, int64_t id)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_PROFILE_CLEAR);
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, station, -1, SQLITE_STATIC);
	if (has_id) {
		sqlite3_bind_int64(s, 2, id);
		sqlite3_bind_int64(s, 3, id);
	}
	return step(s);
}

/* csms_txrow.h — one row of a transaction search, as the list, the detail and the exports show it: the
 * columns to select (with the joins they need), reading them from a statement, the per-transaction figures
 * derived from its meter values (charge duration, energy so far of an open one), and the row as JSON.
 *
 * Strings of a row point into the statement's current row: valid until its next step/reset. */
#ifndef CSMS_TXROW_H
#define CSMS_TXROW_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "csms_store.h"
#include "csms_txquery.h"

/* Columns over `t` (txn); CSMS_TXROW_JOINS adds c (card), u (charge user), s (station), k (connector). */
#define CSMS_TXROW_COLS                                                                                                \
	"t.id, t.station_id, t.connector_id, "                                                                         \
	"coalesce(nullif(k.description, ''), coalesce(nullif(s.name, ''), t.station_id) || ' #' || t.connector_id), "  \
	"t.id_tag, u.id, CASE WHEN u.id IS NULL THEN NULL ELSE u.name || ' ' || u.surname END, t.stop_reason, "        \
	"t.stop_id_tag, t.start_ts, t.stop_ts, t.meter_start, t.meter_stop, t.charge_ms"
#define CSMS_TXROW_NCOLS 14
#define CSMS_TXROW_JOINS                                                                                               \
	" LEFT JOIN id_tag c ON c.id_tag = t.id_tag LEFT JOIN charge_user u ON u.id = c.user_id"                       \
	" LEFT JOIN station s ON s.id = t.station_id"                                                                  \
	" LEFT JOIN connector k ON k.station_id = t.station_id AND k.connector_id = t.connector_id"
/* The meter values of one transaction in time order (bind ?1 = the transaction id). */
#define CSMS_TXROW_METER_SQL "SELECT ts, sampled FROM meter_value WHERE txn_id = ?1 ORDER BY ts, id"

struct csms_txrow {
	int64_t id;
	const char *station, *socket, *id_tag, *user, *stop_reason, *stop_id_tag; /* user, stop_*: NULL if none */
	int connector;
	int64_t user_id; /* 0: the card has no charge user (or is not registered) */
	int64_t start, stop;
	bool open;
	int64_t meter_start, meter_stop;
	bool has_energy; /* closed: meter_stop - meter_start; open: last energy register - meter_start */
	int64_t energy_wh;
	bool has_charge;
	int64_t charge_ms;
	int64_t duration_ms; /* stop (or now, while open) - start */
};

void csms_txrow_read(struct csms_txrow *row, sqlite3_stmt *st, int64_t now_ms);
/* Charge duration and (open) energy from the meter values; mst: CSMS_TXROW_METER_SQL prepared. Strings of row
 * stay valid (another statement). Does nothing for a closed transaction whose charge duration is stored. */
void csms_txrow_meter(struct csms_txrow *row, sqlite3_stmt *mst);
/* Store thread, in the StopTransaction job: computes the transaction's charge duration from its meter values
 * and stores it in txn.charge_ms (NULL with fewer than two), so that searches and exports need not read them. */
int csms_txrow_store_charge(struct csms_store *st, int64_t txn_id);
/* "Local (CARD)" / "Remote" / "EVDisconnected" ... from stop_reason and stop_id_tag; "" while open. */
void csms_txrow_terminated_by(const struct csms_txrow *row, char *out, size_t outlen);
cJSON *csms_txrow_json(const struct csms_txrow *row);

/* ---- the searches (all SQL of reading txn and meter_value for the API and the exports), on the caller's
 * read-only connection. fn gets each row (valid during the call); a non-zero return stops and is returned. ---- */

typedef int csms_txrow_fn(const struct csms_txrow *row, void *ctx);
/* The rows a search matches in `order` (an ORDER BY list from the caller's sort table, never a client's
 * text), limit rows after offset (limit < 0: every row): 0, fn's value, CSMS_DB_REFUSED (the search is too long)
 * or -1, with err. */
int csms_txrow_search(sqlite3 *db, const struct csms_txq *q, const char *order, int64_t limit, int64_t offset,
                      int64_t now_ms, csms_txrow_fn *fn, void *ctx, char *err, size_t errcap);
/* How many rows a search matches, and the energy of its closed ones (meterStop below meterStart counts 0):
 * 0, CSMS_DB_REFUSED (the search is too long) or -1, with err. */
int csms_txrow_totals(sqlite3 *db, const struct csms_txq *q, int64_t *count, int64_t *energy_wh, char *err,
                      size_t errcap);

/* What the detail adds to a row. */
struct csms_txrow_more {
	bool has_reservation;
	int64_t reservation_id;
	const char *start_status; /* NULL if none */
	int flags;                /* CSMS_TXN_FLAG_* */
	int64_t mv_count;         /* its stored MeterValues, first and last time (when mv_count > 0) */
	int64_t mv_first, mv_last;
};
/* One transaction: fn(row, more) and its value, CSMS_DB_MISSING, or -1 with err. more NULL: the row alone. */
int csms_txrow_one(sqlite3 *db, int64_t id, int64_t now_ms, bool more,
                   int (*fn)(const struct csms_txrow *row, const struct csms_txrow_more *m, void *ctx), void *ctx,
                   char *err, size_t errcap);
/* A transaction's stored MeterValues in time order, at most limit (< 0: all): fn(ts, sampled JSON) per row;
 * the number visited, fn's non-zero value, CSMS_DB_MISSING (no such transaction), or -1 with err. */
int csms_txrow_samples(sqlite3 *db, int64_t id, long limit, int (*fn)(int64_t ts, const char *sampled, void *ctx),
                       void *ctx, char *err, size_t errcap);

#endif

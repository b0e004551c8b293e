/* csms_txn_db.h — the owner of the billing tables a station writes: `txn` (transactions), `meter_value`
 * (each OCPP MeterValue: its timestamp and its sampledValue array as JSON) and `orphan_stop` (a
 * StopTransaction for a transaction this station does not own). All their writes from the OCPP side go
 * through these typed functions, on the store thread inside a job (csms_store.h); the handlers hold no SQL.
 *
 * Returns: 0 done, -1 a storage error (the job's savepoint rolls back) unless told otherwise. */
#ifndef CSMS_TXN_DB_H
#define CSMS_TXN_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_store.h"

#define CSMS_TXN_TAG_MAX 20 /* OCPP IdToken: CiString20 */

#define CSMS_TXN_FLAG_METER_BACKWARDS 1 /* meterStop < meterStart */
#define CSMS_TXN_FLAG_SUPERSEDED      2 /* closed because a later start came on the same connector */

/* A StartTransaction as stored. */
struct csms_txn_start {
	const char *station_id;
	int connector;
	const char *id_tag;
	int64_t start_ts, meter_start;
	bool has_reservation;
	int64_t reservation_id;
	const char *start_status; /* the idTagInfo status answered */
	int64_t received;
};

/* The same start again (a station resending after a lost answer): 1 with its id and the status answered
 * then (start_status, at most 23 characters), 0 none, -1 error. */
int csms_txn_db_find_replay(struct csms_store *st, const struct csms_txn_start *s, int64_t *txn_id,
                            char start_status[24]);
/* Closes the station connector's open transactions started before s->start_ts (reason Other, flag
 * SUPERSEDED), then inserts the new one; its id in *txn_id. */
int csms_txn_db_start(struct csms_store *st, const struct csms_txn_start *s, int64_t *txn_id);

/* What a MeterValues or StopTransaction needs of a transaction. */
struct csms_txn_row {
	char station_id[64];
	int connector;
	int64_t meter_start;
	bool stopped;
	int flags;
	char id_tag[CSMS_TXN_TAG_MAX + 1];
};
/* 1 found (in *row), 0 no such transaction, -1 error. */
int csms_txn_db_get(struct csms_store *st, int64_t txn_id, struct csms_txn_row *row);

/* A StopTransaction as stored. stop_tag, reason: NULL or "" for none. */
struct csms_txn_stop {
	int64_t txn_id;
	const char *station_id;
	int64_t stop_ts, meter_stop;
	const char *reason, *stop_tag;
	int64_t received;
};
/* Closes the transaction (clears SUPERSEDED, sets METER_BACKWARDS when meterStop < meterStart). */
int csms_txn_db_stop(struct csms_store *st, const struct csms_txn_stop *s, int64_t meter_start);
/* Keeps a stop for a transaction not this station's, apart: 1 recorded, 0 a replay of one, -1 error. */
int csms_txn_db_orphan_stop(struct csms_store *st, const struct csms_txn_stop *s);

/* One MeterValue: sampled is its sampledValue array as JSON (len bytes). txn_id < 0: none. source:
 * "MeterValues" | "StopTransaction". */
int csms_txn_db_add_meter_value(struct csms_store *st, const char *station_id, int connector, int64_t txn_id,
                                int64_t ts, const char *source, const char *sampled, size_t len);

/* ---- reads (a read-only connection of the caller's thread, or the store's own inside a job) ---- */

/* Is the card's transaction open anywhere but on this station's connector (connector < 0: anywhere but this
 * station)? 1 yes, 0 no, -1 error. On the store thread (statement cache). */
int csms_txn_db_tag_open_elsewhere(struct csms_store *st, const char *norm_tag, const char *station_id, int connector);
/* The newest open transaction on a station's connector: 1 (its id in *txn_id), 0 none, -1 error. */
int csms_txn_db_open_on(sqlite3 *db, const char *station_id, int connector, int64_t *txn_id);

/* Who charges at a socket: the open transaction, its card and its charge user (user_id 0: none). */
struct csms_txn_charging {
	int64_t txn_id, start_ts, user_id;
	char id_tag[CSMS_TXN_TAG_MAX + 1];
	char user[204]; /* "name surname", "" without a user */
	bool has_meter_start;
	int64_t meter_start;
	bool has_energy_wh, has_current_a; /* from the last MeterValue (csms_meter's one energy rule) */
	double energy_wh, current_a;       /* energy so far (register - meterStart) */
};
/* Reused across many sockets of one page: NULL (logged) on error; free with csms_txn_db_reader_free. */
struct csms_txn_reader *csms_txn_db_reader_new(sqlite3 *db);
void csms_txn_db_reader_free(struct csms_txn_reader *r);
/* 1 a transaction is open there (in *out), 0 none, -1 error. */
int csms_txn_db_charging_at(struct csms_txn_reader *r, const char *station_id, int connector,
                            struct csms_txn_charging *out);

/* Tests: the statement that closes a socket's open transactions (its query plan is checked). */
const char *csms_txn_db__supersede_sql(void);

#endif

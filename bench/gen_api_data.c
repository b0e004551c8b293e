/* gen_api_data.c — fills a csms data folder for the REST API benchmark (bench/run-api-bench.sh): STATIONS
 * stations with 2 sockets each (statuses spread over the OCPP ones), 500 charge users with 2 cards each, and
 * TRANSACTIONS closed transactions spread over the last DAYS days, each with METER_VALUES MeterValues of
 * realistic sampledValue JSON (energy register, power, current and voltage on L1, SoC), written the way the
 * csms stores them. The schema is made by csms_store_open (the migrations), the rows with prepared statements
 * in large transactions (journal off while generating; WAL again at the end).
 *
 * Usage: gen_api_data DIR [stations=5000] [transactions=1000000] [meter_values=20] [days=365] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csms_meter.h"
#include "csms_store.h"

static uint64_t rng = 88172645463325252ULL;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "gen_api_data: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fprintf(stderr, "gen_api_data: %s: %s\n", sql, sqlite3_errmsg(db));
	return st;
}

static int step(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "gen_api_data: insert: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static long arg(int argc, char **argv, int i, long dflt)
{
	return argc > i ? strtol(argv[i], NULL, 10) : dflt;
}

int main(int argc, char **argv)
{
	static const char *const statuses[] = {"Available", "Available",   "Available", "Charging",    "Preparing",
	                                       "Finishing", "SuspendedEV", "Reserved",  "Unavailable", "Faulted"};
	struct csms_store *store;
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [stations] [transactions] [meter_values] [days]\n", argv[0]);
		return 2;
	}
	long stations = arg(argc, argv, 2, 5000), txns = arg(argc, argv, 3, 1000000), mvs = arg(argc, argv, 4, 20),
	     days = arg(argc, argv, 5, 365);
	if (stations < 1 || txns < 0 || mvs < 1 || days < 1) {
		fprintf(stderr, "gen_api_data: bad sizes\n");
		return 2;
	}
	if (csms_store_open(&store, argv[1]) < 0) {
		fprintf(stderr, "gen_api_data: cannot open %s/csms.db\n", argv[1]);
		return 1;
	}
	sqlite3 *db = csms_store_db(store);
	time_t t0 = time(NULL);
	if (exec(db, "PRAGMA journal_mode=OFF") < 0 || exec(db, "PRAGMA synchronous=OFF") < 0 ||
	    exec(db, "PRAGMA cache_size=-262144") < 0 || exec(db, "BEGIN") < 0)
		return 1;
	int64_t now = (int64_t)time(NULL) * 1000;
	char id[64], tag[32], json[1024];

	sqlite3_stmt *st_station = prep(db, "INSERT INTO station (id, name, created, connected) VALUES (?, ?, 0, 0)");
	sqlite3_stmt *st_conn = prep(db, "INSERT INTO connector (station_id, connector_id, description, status, "
	                                 "error_code, status_time, updated) VALUES (?, ?, ?, ?, 'NoError', ?, ?)");
	sqlite3_stmt *st_user = prep(db, "INSERT INTO charge_user (id, name, surname, tax_code, created, updated) "
	                                 "VALUES (?, ?, ?, ?, 0, 0)");
	sqlite3_stmt *st_tag =
	    prep(db, "INSERT INTO id_tag (id_tag, description, created, user_id) VALUES (?, 'bench card', 0, ?)");
	sqlite3_stmt *st_txn =
	    prep(db, "INSERT INTO txn (id, station_id, connector_id, id_tag, start_ts, meter_start, "
	             "start_status, stop_ts, meter_stop, stop_reason, received_start, received_stop, charge_ms) "
	             "VALUES (?, ?, ?, ?, ?, ?, 'Accepted', ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *st_mv =
	    prep(db, "INSERT INTO meter_value (station_id, connector_id, txn_id, ts, source, sampled) "
	             "VALUES (?, ?, ?, ?, 'MeterValues', ?)");
	if (!st_station || !st_conn || !st_user || !st_tag || !st_txn || !st_mv)
		return 1;

	for (long s = 0; s < stations; s++) {
		snprintf(id, sizeof(id), "BENCH%05ld", s + 1);
		char name[64];
		snprintf(name, sizeof(name), "Site %ld station %ld", s / 50 + 1, s % 50 + 1);
		sqlite3_bind_text(st_station, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st_station, 2, name, -1, SQLITE_TRANSIENT);
		if (step(db, st_station) < 0)
			return 1;
		for (int c = 1; c <= 2; c++) {
			sqlite3_bind_text(st_conn, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st_conn, 2, c);
			sqlite3_bind_text(st_conn, 3, (s % 10 == 0) ? "Bay" : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st_conn, 4, statuses[next_rand() % 10], -1, SQLITE_STATIC);
			sqlite3_bind_int64(st_conn, 5, now);
			sqlite3_bind_int64(st_conn, 6, now);
			if (step(db, st_conn) < 0)
				return 1;
		}
	}
	for (int u = 1; u <= 500; u++) {
		char name[32], tax[32];
		snprintf(name, sizeof(name), "User%d", u);
		snprintf(tax, sizeof(tax), "TAX%011d", u);
		sqlite3_bind_int(st_user, 1, u);
		sqlite3_bind_text(st_user, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st_user, 3, "Bench", -1, SQLITE_STATIC);
		sqlite3_bind_text(st_user, 4, tax, -1, SQLITE_TRANSIENT);
		if (step(db, st_user) < 0)
			return 1;
		for (int k = 0; k < 2; k++) {
			snprintf(tag, sizeof(tag), "CARD%05d%05d", u, k);
			sqlite3_bind_text(st_tag, 1, tag, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st_tag, 2, u);
			if (step(db, st_tag) < 0)
				return 1;
		}
	}

	/* transactions in start order over [now - days, now - 1 h]; 30..150 minutes each */
	int64_t span = days * 86400000LL - 3600000LL, first = now - days * 86400000LL;
	for (long i = 0; i < txns; i++) {
		int64_t start = first + (int64_t)((double)span * (double)i / (double)txns);
		int64_t dur = (30 + next_rand() % 120) * 60000LL;
		long s = (long)(next_rand() % (uint32_t)stations);
		int c = 1 + (int)(next_rand() % 2);
		int64_t meter_start = (int64_t)(next_rand() % 1000000);
		double kw = 3.7 + (next_rand() % 180) / 10.0;
		int64_t energy = (int64_t)(kw * (double)dur / 3600.0);
		snprintf(id, sizeof(id), "BENCH%05ld", s + 1);
		snprintf(tag, sizeof(tag), "CARD%05u%05u", 1 + next_rand() % 500, next_rand() % 2);
		sqlite3_bind_int64(st_txn, 1, i + 1);
		sqlite3_bind_text(st_txn, 2, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st_txn, 3, c);
		sqlite3_bind_text(st_txn, 4, tag, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st_txn, 5, start);
		sqlite3_bind_int64(st_txn, 6, meter_start);
		sqlite3_bind_int64(st_txn, 7, start + dur);
		sqlite3_bind_int64(st_txn, 8, meter_start + energy);
		sqlite3_bind_text(st_txn, 9, (next_rand() % 4) ? "EVDisconnected" : "Local", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st_txn, 10, start);
		sqlite3_bind_int64(st_txn, 11, start + dur);
		struct csms_meter_charge ch = {0}; /* as the csms computes it at StopTransaction */
		for (long m = 0; m < mvs; m++) {
			int64_t ts = start + dur * (m + 1) / mvs;
			double w = (m == mvs - 1) ? 0 : kw * 1000.0;
			double e = (double)meter_start + (double)energy * (double)(m + 1) / (double)mvs;
			snprintf(
			    json, sizeof(json),
			    "[{\"value\":\"%.0f\",\"context\":\"Sample.Periodic\",\"measurand\":"
			    "\"Energy.Active.Import.Register\",\"location\":\"Outlet\",\"unit\":\"Wh\"},"
			    "{\"value\":\"%.0f\",\"context\":\"Sample.Periodic\",\"measurand\":\"Power.Active.Import\","
			    "\"location\":\"Outlet\",\"unit\":\"W\"},"
			    "{\"value\":\"%.1f\",\"context\":\"Sample.Periodic\",\"measurand\":\"Current.Import\","
			    "\"phase\":\"L1\",\"location\":\"Outlet\",\"unit\":\"A\"},"
			    "{\"value\":\"%.1f\",\"context\":\"Sample.Periodic\",\"measurand\":\"Voltage\","
			    "\"phase\":\"L1-N\",\"location\":\"Outlet\",\"unit\":\"V\"},"
			    "{\"value\":\"%ld\",\"context\":\"Sample.Periodic\",\"measurand\":\"SoC\","
			    "\"location\":\"EV\",\"unit\":\"Percent\"}]",
			    e, w, w / 230.0, 228.0 + (next_rand() % 40) / 10.0, 20 + 70 * (m + 1) / mvs);
			sqlite3_bind_text(st_mv, 1, id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st_mv, 2, c);
			sqlite3_bind_int64(st_mv, 3, i + 1);
			sqlite3_bind_int64(st_mv, 4, ts);
			sqlite3_bind_text(st_mv, 5, json, -1, SQLITE_TRANSIENT);
			if (step(db, st_mv) < 0)
				return 1;
			csms_meter_charge_add(&ch, ts, json);
		}
		if (sqlite3_bind_int64(st_txn, 12, ch.charge_ms) != SQLITE_OK) {
			fprintf(stderr, "gen_api_data: bind: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		if (step(db, st_txn) < 0)
			return 1;
		if ((i + 1) % 100000 == 0) {
			if (exec(db, "COMMIT") < 0 || exec(db, "BEGIN") < 0)
				return 1;
			fprintf(stderr, "gen_api_data: %ld transactions (%lds)\n", i + 1, (long)(time(NULL) - t0));
		}
	}
	if (exec(db, "COMMIT") < 0 || exec(db, "ANALYZE") < 0 || exec(db, "PRAGMA journal_mode=WAL") < 0)
		return 1;
	sqlite3_finalize(st_station);
	sqlite3_finalize(st_conn);
	sqlite3_finalize(st_user);
	sqlite3_finalize(st_tag);
	sqlite3_finalize(st_txn);
	sqlite3_finalize(st_mv);
	csms_store_close(store);
	fprintf(stderr, "gen_api_data: %ld stations, %ld sockets, %ld transactions, %ld meter values in %lds\n",
	        stations, stations * 2, txns, txns * mvs, (long)(time(NULL) - t0));
	return 0;
}

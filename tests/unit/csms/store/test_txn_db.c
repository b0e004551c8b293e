/* test_txn_db.c — the owner of txn, meter_value and orphan_stop: a start closes the socket's open
 * transaction (SUPERSEDED), a replay is found, a stop is billed with its flags, an orphan stop is kept once,
 * and the statement that closes open transactions reads the partial index of open ones, not every past
 * transaction of the socket (it did: the planner's choice without INDEXED BY). */
#include "test_util.h"

#include <unistd.h>

#include "csms_store.h"
#include "csms_txn_db.h"

static char dir[64];
static struct csms_store *st;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csms-txndb-XXXXXX");
	if (!mkdtemp(dir) || csms_store_open(&st, dir) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	static const char *const names[] = {"csms.db", "csms.db-wal", "csms.db-shm"};
	char path[128];
	(void)state;
	csms_store_close(st);
	for (unsigned i = 0; i < TU_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static int64_t query_int(const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(csms_store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void a_start_closes_the_open_one_and_a_replay_is_found(void **state)
{
	struct csms_txn_start a = {.station_id = "CP-1",
	                           .connector = 1,
	                           .id_tag = "TAG1",
	                           .start_ts = 1000,
	                           .meter_start = 10,
	                           .start_status = "Accepted",
	                           .received = 1000};
	struct csms_txn_start b = a;
	int64_t id1, id2, again;
	char status[24];
	(void)state;
	assert_int_equal(csms_txn_db_find_replay(st, &a, &again, status), 0);
	assert_int_equal(csms_txn_db_start(st, &a, &id1), 0);
	assert_int_equal(csms_txn_db_find_replay(st, &a, &again, status), 1);
	assert_true(again == id1);
	assert_string_equal(status, "Accepted");
	b.start_ts = 2000;
	assert_int_equal(csms_txn_db_start(st, &b, &id2), 0);
	struct csms_txn_row row;
	assert_int_equal(csms_txn_db_get(st, id1, &row), 1);
	assert_true(row.stopped);
	assert_int_equal(row.flags, CSMS_TXN_FLAG_SUPERSEDED);
	assert_int_equal(csms_txn_db_get(st, id2, &row), 1);
	assert_false(row.stopped);
	assert_string_equal(row.station_id, "CP-1");
	assert_int_equal(csms_txn_db_get(st, id2 + 100, &row), 0);

	/* the stop: billed, meter backwards flagged, SUPERSEDED cleared */
	struct csms_txn_stop stop = {
	    .txn_id = id1, .station_id = "CP-1", .stop_ts = 3000, .meter_stop = 5, .reason = "Local", .received = 3000};
	assert_int_equal(csms_txn_db_stop(st, &stop, 10), 0);
	assert_int_equal(csms_txn_db_get(st, id1, &row), 1);
	assert_int_equal(row.flags, CSMS_TXN_FLAG_METER_BACKWARDS);
	assert_int_equal(query_int("SELECT meter_stop FROM txn WHERE id = 1"), 5);

	/* an orphan stop is kept once */
	stop.txn_id = 999;
	assert_int_equal(csms_txn_db_orphan_stop(st, &stop), 1);
	assert_int_equal(csms_txn_db_orphan_stop(st, &stop), 0);

	assert_int_equal(
	    csms_txn_db_add_meter_value(st, "CP-1", 1, id2, 2500, "MeterValues", "[{\"value\":\"1\"}]", 15), 0);
	assert_int_equal(csms_txn_db_add_meter_value(st, "CP-1", 1, -1, 2500, "MeterValues", "[]", 2), 0);
	assert_int_equal(query_int("SELECT count(*) FROM meter_value WHERE txn_id IS NULL"), 1);
}

static void closing_open_transactions_reads_only_the_open_ones(void **state)
{
	sqlite3_stmt *s;
	char plan[512] = "";
	char sql[600];
	(void)state;
	snprintf(sql, sizeof(sql), "EXPLAIN QUERY PLAN %s", csms_txn_db__supersede_sql());
	assert_int_equal(sqlite3_prepare_v2(csms_store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t n = strlen(plan);
		snprintf(plan + n, sizeof(plan) - n, "%s; ", (const char *)sqlite3_column_text(s, 3));
	}
	sqlite3_finalize(s);
	if (!strstr(plan, "txn_open"))
		fail_msg("the statement does not use the open transactions' index: %s", plan);
}

/* The query plan of sql, its details joined. */
static void plan_of(const char *sql, char *plan, size_t size)
{
	sqlite3_stmt *s;
	char q[600];
	plan[0] = '\0';
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(csms_store_db(st), q, -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		size_t n = strlen(plan);
		snprintf(plan + n, size - n, "%s; ", (const char *)sqlite3_column_text(s, 3));
	}
	sqlite3_finalize(s);
}

/* Migration 5: each index of txn is a page a StartTransaction writes; the replay key serves the socket's
 * history (txn_by_socket is gone); a time range is read in (start_ts, id) order without sorting. */
static void txn_has_six_indexes_and_each_search_still_uses_one(void **state)
{
	static const char *const want[][2] = {
	    {"SELECT id FROM txn WHERE station_id = 'CP-1' AND connector_id = 1 ORDER BY start_ts DESC LIMIT 20",
	     "txn_replay"},
	    {"SELECT id FROM txn WHERE start_ts >= 0 AND start_ts < 10 ORDER BY start_ts DESC, id DESC LIMIT 50",
	     "txn_by_start"},
	    {"SELECT id FROM txn WHERE id_tag = 'A' ORDER BY start_ts", "txn_by_tag"},
	};
	char plan[512];
	(void)state;
	assert_int_equal(
	    query_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'txn' "
	              "AND name IN ('txn_replay', 'txn_by_start', 'txn_open', 'txn_open_tag', 'txn_search', "
	              "'txn_by_tag')"),
	    6);
	assert_int_equal(query_int("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'txn' AND "
	                           "sql IS NOT NULL"),
	                 6);
	for (unsigned i = 0; i < TU_ARRAY_SIZE(want); i++) {
		plan_of(want[i][0], plan, sizeof(plan));
		if (!strstr(plan, want[i][1]))
			fail_msg("%s: not through %s: %s", want[i][0], want[i][1], plan);
	}
	/* the page of a time range needs no sort */
	plan_of(want[1][0], plan, sizeof(plan));
	if (strstr(plan, "TEMP B-TREE"))
		fail_msg("a time range is sorted: %s", plan);
}

/* The replay key is still unique after its columns were reordered: the same start twice is refused. */
static void the_replay_key_still_refuses_the_same_start_twice(void **state)
{
	static const char ins[] = "INSERT INTO txn (station_id, connector_id, id_tag, start_ts, meter_start, "
	                          "start_status, received_start) VALUES ('CP-9', 1, 'TAG', 1000, 5, 'Accepted', 1000)";
	(void)state;
	assert_int_equal(sqlite3_exec(csms_store_db(st), ins, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(csms_store_db(st), ins, NULL, NULL, NULL), SQLITE_CONSTRAINT);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(a_start_closes_the_open_one_and_a_replay_is_found),
	    T(closing_open_transactions_reads_only_the_open_ones),
	    T(txn_has_six_indexes_and_each_search_still_uses_one),
	    T(the_replay_key_still_refuses_the_same_start_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

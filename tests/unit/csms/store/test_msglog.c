/* test_msglog.c — the message log apart from the billing data: frames go to msglog.db (csms.db has no
 * message table), a billing job commits while the log's file is locked by another writer and the log's
 * queue refuses frames instead of growing, retention by age prunes in chunks, the size cap drops the oldest,
 * and a data folder of an older csms (schema 3, frames in csms.db) has its frames moved with their ids. */
#include "test_util.h"

#include <time.h>
#include <unistd.h>

#include "csms_msglog.h"
#include "csms_schema.h"
#include "csms_store.h"

static char dir[64];

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void notify_nothing(void *ctx)
{
	(void)ctx;
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csms-msglog-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	static const char *const names[] = {"csms.db",   "csms.db-wal",   "csms.db-shm",
	                                    "msglog.db", "msglog.db-wal", "msglog.db-shm"};
	char path[128];
	(void)state;
	for (unsigned i = 0; i < TU_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static int64_t query_int(const char *file, const char *sql)
{
	char path[128];
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void append(struct csms_msglog *log, const char *station, int64_t ts, const char *text)
{
	assert_int_equal(csms_msglog_append(log, station, CSMS_DIR_IN, ts, text, strlen(text), NULL, 0), 0);
}

/* ---- its own database ---- */

struct listed {
	int n;
	int64_t ids[8];
	char text[8][64];
};

static void on_row(void *ctx, int64_t id, int64_t ts, const char *d, const char *text, size_t len)
{
	struct listed *l = ctx;
	(void)ts;
	assert_string_equal(d, "in");
	if (l->n < 8) {
		l->ids[l->n] = id;
		snprintf(l->text[l->n], sizeof(l->text[0]), "%.*s", (int)len, text);
	}
	l->n++;
}

static void frames_are_kept_in_their_own_database(void **state)
{
	struct csms_msglog *log;
	struct csms_store *st;
	char err[100];
	(void)state;
	assert_int_equal(csms_msglog_open(&log, dir, 1 << 20), 0);
	assert_int_equal(csms_store_open(&st, dir), 0);
	assert_int_equal(csms_msglog_start(log, notify_nothing, NULL), 0);
	append(log, "CP-1", 1000, "[2,\"1\",\"Heartbeat\",{}]");
	append(log, "CP-2", 1001, "[2,\"2\",\"Heartbeat\",{}]");
	append(log, "CP-1", 1002, "[2,\"3\",\"Heartbeat\",{}]");
	for (int i = 0; i < 2000 && query_int("msglog.db", "SELECT count(*) FROM message") < 3; i++)
		sleep_ms(1);

	struct listed l = {0};
	assert_int_equal(csms_msglog_list(log, "CP-1", 0, 10, on_row, &l, err, sizeof(err)), 2);
	assert_string_equal(l.text[0], "[2,\"1\",\"Heartbeat\",{}]");
	assert_string_equal(l.text[1], "[2,\"3\",\"Heartbeat\",{}]");
	struct listed after = {0};
	assert_int_equal(csms_msglog_list(log, "CP-1", l.ids[0], 10, on_row, &after, err, sizeof(err)), 1);
	assert_true(after.ids[0] == l.ids[1]);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(csms_store_db(csms_msglog__store(log)), "PRAGMA synchronous", -1, &q, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1); /* NORMAL: a diagnostic log */
	sqlite3_finalize(q);
	csms_msglog_close(log);
	csms_store_close(st);

	assert_int_equal(query_int("msglog.db", "SELECT count(*) FROM message"), 3);
	assert_int_equal(query_int("csms.db", "SELECT count(*) FROM sqlite_master WHERE name = 'message'"), 0);
}

/* ---- a stuck log never holds a billing answer ---- */

struct bill_job {
	struct csms_job job;
	bool *done;
};

static const char SQL_BILL[] = "INSERT INTO t (n) VALUES (1)";

static int exec_bill(struct csms_store *st, struct csms_job *job)
{
	(void)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_BILL);
	return s && sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

static void done_bill(struct csms_job *job)
{
	struct bill_job *b = (struct bill_job *)job;
	*b->done = job->rc == 0;
	free(b);
}

static void a_locked_log_delays_no_billing_commit_and_bounds_its_queue(void **state)
{
	struct csms_msglog *log;
	struct csms_store *st;
	sqlite3 *other;
	char path[128];
	bool billed = false;
	(void)state;
	assert_int_equal(csms_msglog_open(&log, dir, 1 << 30), 0);
	assert_int_equal(csms_store_open(&st, dir), 0);
	assert_int_equal(sqlite3_exec(csms_store_db(st), "CREATE TABLE t (n INTEGER)", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(csms_msglog_start(log, notify_nothing, NULL), 0);
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);

	/* another process holds the log's write lock: its writer waits (busy timeout 5 s) */
	snprintf(path, sizeof(path), "%s/msglog.db", dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other,
	                              "BEGIN IMMEDIATE; INSERT INTO message (station_id, ts, dir, text) "
	                              "VALUES ('X', 0, 'in', 'x')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	append(log, "CP-1", 1, "[2,\"1\",\"MeterValues\",{}]");
	sleep_ms(50); /* the log's writer is now inside its busy wait */

	int64_t t0 = now_ms();
	struct bill_job *b = calloc(1, sizeof(*b));
	b->job.exec = exec_bill;
	b->job.done = done_bill;
	b->done = &billed;
	csms_store_submit(st, &b->job);
	while (!billed && now_ms() - t0 < 4000) {
		csms_store_finish(st);
		sleep_ms(1);
	}
	assert_true(billed);
	assert_true(now_ms() - t0 < 1000); /* committed while the log is still stuck */

	/* the stuck log's queue is bounded: frames beyond it are dropped at once, not queued */
	int refused = 0;
	t0 = now_ms();
	for (int i = 0; i < CSMS_MSGLOG_MAX_PENDING + 100; i++)
		if (csms_msglog_append(log, "CP-1", CSMS_DIR_OUT, 2, "[3,\"1\",{}]", 10, NULL, 0) < 0)
			refused++;
	assert_true(now_ms() - t0 < 1000);
	assert_true(refused >= 99);
	struct csms_msglog_stats stats;
	csms_msglog_get_stats(log, &stats);
	assert_int_equal(stats.dropped, (uint64_t)refused);

	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	csms_msglog_close(log);
	csms_store_close(st);
	assert_int_equal(query_int("csms.db", "SELECT count(*) FROM t"), 1);
}

/* ---- retention ---- */

static void retention_by_age_deletes_old_frames_in_chunks(void **state)
{
	struct csms_msglog *log;
	(void)state;
	assert_int_equal(csms_msglog_open(&log, dir, (int64_t)1 << 30), 0);
	assert_int_equal(csms_msglog_start(log, notify_nothing, NULL), 0);
	for (int i = 0; i < 5000; i++) { /* more than one chunk (2,000) of old frames */
		while (csms_msglog_append(log, "CP-OLD", CSMS_DIR_IN, 1000 + i, "old", 3, NULL, 0) < 0)
			sleep_ms(1);
	}
	append(log, "CP-NEW", 100000, "new");
	append(log, "CP-NEW", 100001, "newer");
	csms_msglog_prune(log, 50000);
	for (int i = 0; i < 5000 && query_int("msglog.db", "SELECT count(*) FROM message") != 2; i++) {
		csms_msglog_finish(log); /* a full chunk queues the next one from here */
		sleep_ms(1);
	}
	csms_msglog_close(log);
	assert_int_equal(query_int("msglog.db", "SELECT count(*) FROM message"), 2);
	assert_int_equal(query_int("msglog.db", "SELECT count(*) FROM message WHERE station_id = 'CP-NEW'"), 2);
}

static void the_size_cap_drops_the_oldest_frames(void **state)
{
	struct csms_msglog *log;
	char text[1001];
	(void)state;
	memset(text, 'a', 1000);
	text[1000] = '\0';
	assert_int_equal(csms_msglog_open(&log, dir, 100 * 1000), 0); /* room for 100 frames of 1,000 bytes */
	assert_int_equal(csms_msglog_start(log, notify_nothing, NULL), 0);
	for (int i = 0; i < 1000; i++) {
		text[0] = (char)('A' + i % 26);
		while (csms_msglog_append(log, "CP-1", CSMS_DIR_IN, i, text, 1000, NULL, 0) < 0)
			sleep_ms(1);
	}
	csms_msglog_close(log);
	int64_t bytes = query_int("msglog.db", "SELECT sum(length(text)) FROM message");
	assert_true(bytes > 0 && bytes <= 100 * 1000);
	/* the newest stays */
	assert_int_equal(query_int("msglog.db", "SELECT max(ts) FROM message"), 999);
}

/* ---- a data folder of an older csms ---- */

static void an_older_data_folder_has_its_frames_moved_with_their_ids(void **state)
{
	char path[128], err[200];
	sqlite3 *db;
	(void)state;
	/* csms.db as the csms before this change left it: schema 3, frames in its message table */
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(csms_schema_migrate_to(db, 3, err, sizeof(err)), 0);
	assert_int_equal(sqlite3_exec(db,
	                              "INSERT INTO message (id, station_id, ts, dir, text) VALUES "
	                              "(7, 'CP-1', 1000, 'in', 'first'), (9, 'CP-2', 1001, 'out', 'second'), "
	                              "(12, 'CP-1', 1002, 'in', 'third')",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	struct csms_msglog *log;
	struct csms_store *st;
	assert_int_equal(csms_msglog_open(&log, dir, 1 << 20), 0);
	assert_int_equal(csms_store_open(&st, dir), 0);
	struct listed l = {0};
	assert_int_equal(csms_msglog_list(log, "CP-1", 0, 10, on_row, &l, err, sizeof(err)), 2);
	assert_true(l.ids[0] == 7 && l.ids[1] == 12);
	assert_string_equal(l.text[1], "third");
	assert_int_equal(csms_msglog_start(log, notify_nothing, NULL), 0);
	append(log, "CP-1", 2000, "fourth"); /* new frames follow the moved ones */
	csms_msglog_close(log);
	csms_store_close(st);

	assert_int_equal(query_int("csms.db", "PRAGMA user_version"), csms_schema_latest());
	assert_int_equal(query_int("csms.db", "SELECT count(*) FROM sqlite_master WHERE name = 'message'"), 0);
	assert_int_equal(query_int("msglog.db", "SELECT count(*) FROM message"), 4);
	assert_int_equal(query_int("msglog.db", "SELECT id FROM message WHERE text = 'fourth'"), 13);

	/* opened again: nothing is moved twice */
	assert_int_equal(csms_msglog_open(&log, dir, 1 << 20), 0);
	csms_msglog_close(log);
	assert_int_equal(query_int("msglog.db", "SELECT count(*) FROM message"), 4);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(frames_are_kept_in_their_own_database),
	    T(a_locked_log_delays_no_billing_commit_and_bounds_its_queue),
	    T(retention_by_age_deletes_old_frames_in_chunks),
	    T(the_size_cap_drops_the_oldest_frames),
	    T(an_older_data_folder_has_its_frames_moved_with_their_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_store.c — the durable store on a real SQLite database in a temporary folder: migrations and the
 * schema version, refusal of a database from a newer csms, the writer thread (done() on the finishing
 * thread, in submission order), savepoints (a failing job rolls back only itself), group commit (many
 * jobs, few batches), close draining what was submitted, and durability across close and reopen. */
#include "test_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "csms_schema.h"
#include "csms_store.h"

#define MAX_JOBS 2000

static char dir[64];

/* what the done() callbacks saw, in the order they ran */
static int done_order[MAX_JOBS];
static int done_rc[MAX_JOBS];
static bool done_on_other_thread;
static int n_done;
static pthread_t main_thread;
static atomic_bool release_first; /* the gate of a job that holds its batch open */

struct test_job {
	struct csms_job job;
	int n;
	bool fail;  /* insert, then fail */
	bool gated; /* wait for release_first before inserting */
};

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static const char SQL_INSERT[] = "INSERT INTO t (n) VALUES (?)";

static int exec_insert(struct csms_store *st, struct csms_job *job)
{
	struct test_job *j = (struct test_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, SQL_INSERT);

	while (j->gated && !atomic_load(&release_first))
		sleep_ms(1);
	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, j->n);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return j->fail ? -1 : 0;
}

static void done_record(struct csms_job *job)
{
	struct test_job *j = (struct test_job *)job;

	if (!pthread_equal(pthread_self(), main_thread))
		done_on_other_thread = true;
	if (n_done < MAX_JOBS) {
		done_order[n_done] = j->n;
		done_rc[n_done] = job->rc;
	}
	n_done++;
	free(j);
}

static struct test_job *new_job(int n)
{
	struct test_job *j = calloc(1, sizeof(*j));

	assert_non_null(j);
	j->job.exec = exec_insert;
	j->job.done = done_record;
	j->n = n;
	return j;
}

static void notify_nothing(void *ctx)
{
	(void)ctx;
}

static void rm_db_files(void)
{
	static const char *const names[] = {"csms.db", "csms.db-wal", "csms.db-shm", "csms.db-journal"};
	char path[128];

	for (unsigned i = 0; i < TU_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csms-store-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	n_done = 0;
	done_on_other_thread = false;
	main_thread = pthread_self();
	atomic_store(&release_first, false);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_db_files();
	rmdir(dir);
	return 0;
}

/* Opens the store in dir and makes sure the test table exists (before the thread starts). */
static struct csms_store *open_store(void)
{
	struct csms_store *st = NULL;

	assert_int_equal(csms_store_open(&st, dir), 0);
	assert_non_null(st);
	assert_int_equal(
	    sqlite3_exec(csms_store_db(st), "CREATE TABLE IF NOT EXISTS t (n INTEGER PRIMARY KEY)", NULL, NULL, NULL),
	    SQLITE_OK);
	return st;
}

/* A single integer from a query on db, -1 when there is no row. */
static int64_t query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Opens dir's database on its own connection (as a reader would) and runs query_int. */
static int64_t query_file(const char *sql)
{
	char path[128];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	int64_t v = query_int(db, sql);
	sqlite3_close(db);
	return v;
}

/* Runs csms_store_finish until want done() calls have run (fails after 10 s). */
static void finish_until(struct csms_store *st, int want)
{
	for (int i = 0; i < 10000 && n_done < want; i++) {
		if (!csms_store_finish(st))
			sleep_ms(1);
	}
	assert_int_equal(n_done, want);
}

/* ---- schema ---- */

static void new_database_is_migrated_to_the_latest_version(void **state)
{
	static const char *const tables[] = {
	    "station",     "connector",   "connector_status", "id_tag",   "txn",       "orphan_stop",
	    "meter_value", "reservation", "charging_profile", "firmware", "operation", "event"};
	struct csms_store *st = open_store();
	char sql[200];

	(void)state;
	assert_true(csms_schema_latest() >= 1);
	assert_int_equal(query_int(csms_store_db(st), "PRAGMA user_version"), csms_schema_latest());
	assert_int_equal(csms_store_schema_version(st), csms_schema_latest());
	for (unsigned i = 0; i < TU_ARRAY_SIZE(tables); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'",
		         tables[i]);
		if (query_int(csms_store_db(st), sql) != 1)
			print_error("table %s missing\n", tables[i]);
		assert_int_equal(query_int(csms_store_db(st), sql), 1);
	}
	csms_store_close(st);
}

static void database_is_in_wal_mode(void **state)
{
	struct csms_store *st = open_store();
	sqlite3_stmt *s;

	(void)state;
	assert_int_equal(sqlite3_prepare_v2(csms_store_db(st), "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
	sqlite3_finalize(s);
	assert_int_equal(query_int(csms_store_db(st), "PRAGMA synchronous"), 2); /* FULL */
	csms_store_close(st);
}

static void reopening_keeps_data_and_does_not_run_migrations_again(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	assert_int_equal(sqlite3_exec(csms_store_db(st),
	                              "INSERT INTO station (id, created) VALUES ('CP-1', 1);"
	                              "INSERT INTO t (n) VALUES (7)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	csms_store_close(st);

	st = open_store(); /* migration 1 again would fail: its tables exist */
	assert_int_equal(query_int(csms_store_db(st), "PRAGMA user_version"), csms_schema_latest());
	assert_int_equal(query_int(csms_store_db(st), "SELECT count(*) FROM station WHERE id = 'CP-1'"), 1);
	assert_int_equal(query_int(csms_store_db(st), "SELECT n FROM t"), 7);
	csms_store_close(st);
}

static void database_from_a_newer_csms_is_refused(void **state)
{
	struct csms_store *st = (struct csms_store *)1;
	char path[128], sql[64];
	sqlite3 *db;

	(void)state;
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", csms_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_true(csms_store_open(&st, dir) < 0);
	assert_null(st);
	/* and left as it was */
	assert_int_equal(query_file("PRAGMA user_version"), csms_schema_latest() + 1);
	assert_int_equal(query_file("SELECT count(*) FROM sqlite_master WHERE name = 'station'"), 0);
}

static void folder_that_cannot_be_created_is_refused(void **state)
{
	struct csms_store *st = (struct csms_store *)1;

	(void)state;
	assert_true(csms_store_open(&st, "/nonexistent/deeper/csms") < 0);
	assert_null(st);
}

/* ---- the writer thread ---- */

struct submitter {
	struct csms_store *st;
	int from, count;
};

static void *submit_jobs(void *arg)
{
	struct submitter *s = arg;

	for (int i = s->from; i < s->from + s->count; i++)
		csms_store_submit(s->st, &new_job(i)->job);
	return NULL;
}

static void jobs_from_another_thread_are_done_on_the_finishing_thread_in_order(void **state)
{
	struct csms_store *st = open_store();
	struct submitter sub = {st, 0, 500};
	pthread_t th;

	(void)state;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	assert_int_equal(pthread_create(&th, NULL, submit_jobs, &sub), 0);
	finish_until(st, 500);
	pthread_join(th, NULL);
	assert_false(done_on_other_thread);
	for (int i = 0; i < 500; i++) {
		assert_int_equal(done_order[i], i);
		assert_int_equal(done_rc[i], 0);
	}
	csms_store_close(st);
	assert_int_equal(query_file("SELECT count(*) FROM t"), 500);
}

static void done_runs_only_after_the_commit(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	csms_store_submit(st, &new_job(42)->job);
	finish_until(st, 1);
	/* another connection sees the row: it was committed before done() ran */
	assert_int_equal(query_file("SELECT count(*) FROM t WHERE n = 42"), 1);
	csms_store_close(st);
}

static void failing_job_rolls_back_only_itself(void **state)
{
	struct csms_store *st = open_store();
	struct test_job *bad = new_job(2);
	struct csms_store_stats stats;

	(void)state;
	bad->fail = true;
	/* submitted before the thread starts: one batch */
	csms_store_submit(st, &new_job(1)->job);
	csms_store_submit(st, &bad->job);
	csms_store_submit(st, &new_job(3)->job);
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	finish_until(st, 3);
	csms_store_get_stats(st, &stats);
	assert_int_equal(stats.batches, 1);
	assert_int_equal(stats.failed_commits, 0);
	assert_int_equal(done_rc[0], 0);
	assert_int_equal(done_rc[1], -1);
	assert_int_equal(done_rc[2], 0);
	csms_store_close(st);
	assert_int_equal(query_file("SELECT count(*) FROM t WHERE n IN (1, 3)"), 2);
	assert_int_equal(query_file("SELECT count(*) FROM t WHERE n = 2"), 0);
}

static void job_that_breaks_a_constraint_rolls_back_only_itself(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	csms_store_submit(st, &new_job(5)->job);
	csms_store_submit(st, &new_job(5)->job); /* the same primary key */
	csms_store_submit(st, &new_job(6)->job);
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	finish_until(st, 3);
	assert_int_equal(done_rc[0], 0);
	assert_int_equal(done_rc[1], -1);
	assert_int_equal(done_rc[2], 0);
	csms_store_close(st);
	assert_int_equal(query_file("SELECT count(*) FROM t"), 2);
}

static void single_statement_job_that_fails_leaves_nothing_behind(void **state)
{
	struct csms_store *st = open_store();
	struct test_job *dup = new_job(8);

	(void)state;
	dup->job.single = true; /* no savepoint: the failing statement undoes itself */
	csms_store_submit(st, &new_job(8)->job);
	csms_store_submit(st, &dup->job);
	csms_store_submit(st, &new_job(9)->job);
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	finish_until(st, 3);
	assert_int_equal(done_rc[0], 0);
	assert_int_equal(done_rc[1], -1);
	assert_int_equal(done_rc[2], 0);
	csms_store_close(st);
	assert_int_equal(query_file("SELECT count(*) FROM t"), 2);
}

static void jobs_waiting_together_are_committed_in_one_batch(void **state)
{
	struct csms_store *st = open_store();
	struct csms_store_stats stats;

	(void)state;
	for (int i = 0; i < 1000; i++)
		csms_store_submit(st, &new_job(i)->job);
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	finish_until(st, 1000);
	csms_store_get_stats(st, &stats);
	assert_int_equal(stats.jobs, 1000);
	assert_int_equal(stats.batches, 1);
	csms_store_close(st);
}

static void jobs_submitted_during_a_commit_are_grouped_in_the_next_batch(void **state)
{
	struct csms_store *st = open_store();
	struct test_job *first = new_job(0);
	struct submitter sub = {st, 1, 999};
	struct csms_store_stats stats;
	pthread_t th;

	(void)state;
	first->gated = true;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	csms_store_submit(st, &first->job); /* the writer takes it and waits inside its batch */
	assert_int_equal(pthread_create(&th, NULL, submit_jobs, &sub), 0);
	pthread_join(th, NULL);
	atomic_store(&release_first, true);
	finish_until(st, 1000);
	csms_store_get_stats(st, &stats);
	assert_int_equal(stats.jobs, 1000);
	assert_true(stats.batches <= 2); /* the first (with whatever was already there), then the rest */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(done_order[i], i);
	csms_store_close(st);
}

static void close_drains_every_submitted_job(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	for (int i = 0; i < 300; i++)
		csms_store_submit(st, &new_job(i)->job);
	csms_store_close(st); /* no finish before: close runs the done()s */
	assert_int_equal(n_done, 300);
	assert_false(done_on_other_thread);
	assert_int_equal(query_file("SELECT count(*) FROM t"), 300);
}

static void close_without_start_still_commits_submitted_jobs(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	csms_store_submit(st, &new_job(1)->job);
	csms_store_submit(st, &new_job(2)->job);
	csms_store_close(st);
	assert_int_equal(n_done, 2);
	assert_int_equal(query_file("SELECT count(*) FROM t"), 2);
}

static void committed_row_survives_close_and_reopen(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	csms_store_submit(st, &new_job(1234)->job);
	finish_until(st, 1);
	csms_store_close(st);
	st = open_store();
	assert_int_equal(query_int(csms_store_db(st), "SELECT count(*) FROM t WHERE n = 1234"), 1);
	csms_store_close(st);
}

static void job_without_exec_or_done_is_committed_and_freed_by_the_store(void **state)
{
	struct csms_store *st = open_store();
	struct csms_job *j = calloc(1, sizeof(*j)); /* freed by the store: ASan would see a leak */
	struct csms_store_stats stats;

	(void)state;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	csms_store_submit(st, j);
	for (int i = 0; i < 10000; i++) {
		csms_store_get_stats(st, &stats);
		if (stats.jobs == 1)
			break;
		sleep_ms(1);
	}
	assert_int_equal(csms_store_finish(st), 1);
	csms_store_close(st);
}

static atomic_int notified;

static void notify_count(void *ctx)
{
	if (ctx == &notified) /* no cmocka asserts here: this is the store thread */
		atomic_fetch_add(&notified, 1);
}

static void notify_is_called_when_finished_jobs_wait(void **state)
{
	struct csms_store *st = open_store();

	(void)state;
	atomic_store(&notified, 0);
	assert_int_equal(csms_store_start(st, notify_count, &notified), 0);
	csms_store_submit(st, &new_job(1)->job);
	for (int i = 0; i < 10000 && !atomic_load(&notified); i++)
		sleep_ms(1);
	assert_true(atomic_load(&notified) >= 1);
	finish_until(st, 1);
	csms_store_close(st);
}

static void statement_cache_returns_the_same_reset_statement(void **state)
{
	struct csms_store *st = open_store();
	sqlite3_stmt *a = csms_store_stmt(st, SQL_INSERT), *b;

	(void)state;
	assert_non_null(a);
	sqlite3_bind_int(a, 1, 1);
	assert_int_equal(sqlite3_step(a), SQLITE_DONE);
	b = csms_store_stmt(st, SQL_INSERT);
	assert_ptr_equal(a, b);
	assert_int_equal(sqlite3_bind_parameter_count(b), 1);
	assert_int_equal(sqlite3_step(b), SQLITE_DONE); /* bindings cleared: inserts NULL, a new rowid */
	assert_int_equal(query_int(csms_store_db(st), "SELECT count(*) FROM t"), 2);
	csms_store_close(st);
}

static void statement_that_does_not_prepare_gives_null(void **state)
{
	static const char bad[] = "SELECT * FROM no_such_table";
	struct csms_store *st = open_store();

	(void)state;
	assert_null(csms_store_stmt(st, bad));
	csms_store_close(st);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(new_database_is_migrated_to_the_latest_version),
	    T(database_is_in_wal_mode),
	    T(reopening_keeps_data_and_does_not_run_migrations_again),
	    T(database_from_a_newer_csms_is_refused),
	    T(folder_that_cannot_be_created_is_refused),
	    T(jobs_from_another_thread_are_done_on_the_finishing_thread_in_order),
	    T(done_runs_only_after_the_commit),
	    T(failing_job_rolls_back_only_itself),
	    T(job_that_breaks_a_constraint_rolls_back_only_itself),
	    T(single_statement_job_that_fails_leaves_nothing_behind),
	    T(jobs_waiting_together_are_committed_in_one_batch),
	    T(jobs_submitted_during_a_commit_are_grouped_in_the_next_batch),
	    T(close_drains_every_submitted_job),
	    T(close_without_start_still_commits_submitted_jobs),
	    T(committed_row_survives_close_and_reopen),
	    T(job_without_exec_or_done_is_committed_and_freed_by_the_store),
	    T(notify_is_called_when_finished_jobs_wait),
	    T(statement_cache_returns_the_same_reset_statement),
	    T(statement_that_does_not_prepare_gives_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

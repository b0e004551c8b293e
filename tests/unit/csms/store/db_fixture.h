/* db_fixture.h — a migrated csms database in a temporary folder for the table modules' tests
 * (store/csms_<table>_db.c): setup opens it (the writer thread is not started: the test's thread is the
 * only user of the connection), teardown closes it and removes the folder. Header-only. */
#ifndef DB_FIXTURE_H
#define DB_FIXTURE_H

#include "test_util.h"

#include <dirent.h>
#include <unistd.h>

#include "csms_db.h"
#include "csms_store.h"

static char fx_dir[64];
static struct csms_store *fx_store;
static sqlite3 *fx_db;

static inline int fx_setup(void **state)
{
	(void)state;
	snprintf(fx_dir, sizeof(fx_dir), "/tmp/csms-db-XXXXXX");
	if (!mkdtemp(fx_dir) || csms_store_open(&fx_store, fx_dir) < 0)
		return -1;
	fx_db = csms_store_db(fx_store);
	return 0;
}

static inline int fx_teardown(void **state)
{
	(void)state;
	csms_store_close(fx_store);
	fx_store = NULL;
	fx_db = NULL;
	DIR *d = opendir(fx_dir);
	struct dirent *e;
	char path[400];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fx_dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(fx_dir);
	return 0;
}

/* Runs SQL of the test's own (fixtures: stations, connectors) and fails the test on an error. */
static inline void fx_exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(fx_db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg ? msg : "?");
}

/* The single integer a query of the test's gives. */
static inline int64_t fx_int(const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(fx_db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(fx_db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

#define FX_TEST(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

#endif

/* test_backup.c — backup names (what the API accepts as {name}), the daily schedule, a backup made with
 * the online backup API and verified, restore staged and swapped in (the old database kept, its WAL folded
 * in first, a bad staged file set aside), and the log file sink's rotation. */
#include "test_util.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "csms_backup.h"
#include "csms_schema.h"
#include "wl_log.h"

static void names_are_checked(void **state)
{
	(void)state;
	static const char *const good[] = {"csms-20261121-030000.db", "csms-before-restore-20261121-030000.db",
	                                   "csms-20261121-030000-2.db", "csms-a.db"};
	static const char *const bad[] = {"csms.db",
	                                  "csms-.db",
	                                  "csms-a.txt",
	                                  "../csms-a.db",
	                                  "csms-a/b.db",
	                                  "csms-a b.db",
	                                  "csms-a_b.db",
	                                  ".csms-a.db.tmp",
	                                  "CSMS-20261121.db",
	                                  "csms-a.db\n",
	                                  "",
	                                  "csms-%2e.db"};
	for (size_t i = 0; i < TU_ARRAY_SIZE(good); i++)
		assert_true(csms_backup_name_is_valid(good[i]));
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++) {
		if (csms_backup_name_is_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
	}
	char long_name[200];
	memset(long_name, 'a', sizeof(long_name));
	memcpy(long_name, "csms-", 5);
	snprintf(long_name + 150, 50, ".db");
	assert_false(csms_backup_name_is_valid(long_name));
	char name[CSMS_BACKUP_NAME_MAX];
	csms_backup_name_for(1763694000, "", name); /* 2025-11-21T03:00:00Z */
	assert_string_equal(name, "csms-20251121-030000.db");
	csms_backup_name_for(1763694000, "before-restore-", name);
	assert_string_equal(name, "csms-before-restore-20251121-030000.db");
	assert_true(csms_backup_name_is_valid(name));
}

static void the_daily_backup_is_due_once_a_day_from_its_hour(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	int64_t day = 1763683200000; /* 2025-11-21T00:00:00Z */
	int64_t h = 3600 * 1000;
	assert_int_equal(csms_backup_local_day(day + 5 * h), 20251121);
	assert_false(csms_backup_daily_due(3, day + 2 * h, 20251120)); /* before the hour */
	assert_true(csms_backup_daily_due(3, day + 3 * h, 20251120));
	assert_true(csms_backup_daily_due(3, day + 22 * h, 0));        /* down at 3: caught up later the same day */
	assert_false(csms_backup_daily_due(3, day + 4 * h, 20251121)); /* done today */
	assert_false(csms_backup_daily_due(-1, day + 4 * h, 0));       /* never */
	assert_true(csms_backup_daily_due(0, day, 20251120));
}

static char tmpdir[64];

static int make_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/wl-test-backup-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A csms.db in WAL mode at the latest schema, holding one station named name. Left open (the WAL stays)
 * when keep_open. */
static sqlite3 *make_db(const char *dir, const char *name, bool keep_open)
{
	char path[200], err[300], sql[200];
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(csms_schema_migrate(db, err, sizeof(err)), 0);
	sqlite3_wal_autocheckpoint(db, 0);
	snprintf(sql, sizeof(sql), "INSERT INTO station (id, created) VALUES ('%s', 1)", name);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	if (keep_open)
		return db;
	sqlite3_close(db);
	return NULL;
}

static int count_station(const char *path, const char *id)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int n = -1;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM station WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

static void backup_verify_stage_and_apply_restore(void **state)
{
	char dir[100], backups[200], name[CSMS_BACKUP_NAME_MAX], name2[CSMS_BACKUP_NAME_MAX], path[400], err[400];
	int64_t size;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/data", tmpdir);
	snprintf(backups, sizeof(backups), "%s/backups", dir);
	mkdir(dir, 0700);
	sqlite3 *db = make_db(dir, "CP-OLD", true);

	/* a backup from a read connection */
	sqlite3 *ro;
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(sqlite3_open_v2(path, &ro, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	csms_backup_name_for(time(NULL), "", name);
	memcpy(name2, name, sizeof(name));
	assert_int_equal(csms_backup_make(ro, backups, name, &size, err, sizeof(err)), 0);
	assert_int_equal(csms_backup_make(ro, backups, name2, &size, err, sizeof(err)), 0);
	assert_string_not_equal(name, name2); /* the same second: a suffix */
	sqlite3_close(ro);
	snprintf(path, sizeof(path), "%s/%s", backups, name);
	assert_true(size > 0);
	assert_int_equal(count_station(path, "CP-OLD"), 1);
	assert_int_equal(csms_backup_verify(path, csms_schema_latest(), err, sizeof(err)), 0);
	assert_int_equal(csms_backup_verify(path, 1, err, sizeof(err)), -1); /* from a newer csms */
	assert_non_null(strstr(err, "schema version"));

	/* the live database moves on, with data still in its WAL */
	assert_int_equal(sqlite3_exec(db, "INSERT INTO station (id, created) VALUES ('CP-NEW', 2)", NULL, NULL, NULL),
	                 SQLITE_OK);
	char wal[220];
	snprintf(wal, sizeof(wal), "%s/csms.db-wal", dir);
	struct stat sb;
	assert_int_equal(stat(wal, &sb), 0);

	/* nothing staged: nothing happens */
	assert_int_equal(csms_backup_apply_restore(dir, err, sizeof(err)), 0);
	/* a file that is no database is refused at staging */
	char junk[220];
	snprintf(junk, sizeof(junk), "%s/junk.db", tmpdir);
	FILE *f = fopen(junk, "w");
	fputs("not a database at all", f);
	fclose(f);
	assert_int_equal(csms_backup_stage_restore(dir, junk, err, sizeof(err)), -1);

	assert_int_equal(csms_backup_stage_restore(dir, path, err, sizeof(err)), 0);
	sqlite3_close(db); /* the csms stops */
	/* as if the csms had crashed: its WAL (holding CP-WAL) left beside the database */
	db = make_db(dir, "CP-WAL", true);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "cp %s/csms.db %s/csms.db-wal %s/", dir, dir, tmpdir);
	assert_int_equal(system(cmd), 0);
	sqlite3_close(db);
	snprintf(cmd, sizeof(cmd), "cp %s/csms.db %s/csms.db-wal %s/", tmpdir, tmpdir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(csms_backup_apply_restore(dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(count_station(path, "CP-OLD"), 1);
	assert_int_equal(count_station(path, "CP-NEW"), 0);
	assert_int_equal(count_station(path, "CP-WAL"), 0);
	assert_int_equal(stat(wal, &sb), -1);
	snprintf(path, sizeof(path), "%s/restore.db", dir);
	assert_int_equal(stat(path, &sb), -1);
	/* the replaced database is kept, whole: with what was only in its WAL */
	snprintf(cmd, sizeof(cmd), "ls %s | grep '^csms-before-restore-' > %s/kept", backups, tmpdir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/kept", tmpdir);
	f = fopen(cmd, "r");
	char kept[CSMS_BACKUP_NAME_MAX] = "";
	assert_non_null(fgets(kept, sizeof(kept), f));
	fclose(f);
	kept[strcspn(kept, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/%s", backups, kept);
	assert_int_equal(count_station(path, "CP-WAL"), 1);
	assert_int_equal(count_station(path, "CP-NEW"), 1);

	/* a staged file that went bad is set aside, the database is kept */
	snprintf(path, sizeof(path), "%s/restore.db", dir);
	f = fopen(path, "w");
	fputs("garbage", f);
	fclose(f);
	assert_int_equal(csms_backup_apply_restore(dir, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/restore.db.invalid", dir);
	assert_int_equal(stat(path, &sb), 0);
	snprintf(path, sizeof(path), "%s/csms.db", dir);
	assert_int_equal(count_station(path, "CP-OLD"), 1);
}

static void the_data_folder_lock_is_exclusive(void **state)
{
	(void)state;
	/* flock locks belong to the open file: a second open in the same process conflicts, as another
	 * process would */
	assert_int_equal(csms_backup_lock_data(tmpdir), 0);
	assert_int_equal(csms_backup_lock_data(tmpdir), 1);
}

static void the_log_file_rotates_by_size(void **state)
{
	char path[200], p1[220], p3[220], p4[220];
	struct stat sb;
	(void)state;
	snprintf(path, sizeof(path), "%s/csms.log", tmpdir);
	snprintf(p1, sizeof(p1), "%s.1", path);
	snprintf(p3, sizeof(p3), "%s.3", path);
	snprintf(p4, sizeof(p4), "%s.4", path);
	assert_int_equal(wl_log_open_file(path, 2000, 3), 0);
	for (int i = 0; i < 200; i++)
		WL_WARN("test", "line %d of the log", i);
	wl_log_close_file();
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size <= 2000);
	assert_int_equal(stat(p1, &sb), 0);
	assert_true(sb.st_size <= 2000 && sb.st_size > 1000);
	assert_int_equal(stat(p3, &sb), 0);
	assert_int_equal(stat(p4, &sb), -1); /* only 3 kept */
	WL_WARN("test", "after close: stderr only");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(names_are_checked),
	    cmocka_unit_test(the_daily_backup_is_due_once_a_day_from_its_hour),
	    cmocka_unit_test(backup_verify_stage_and_apply_restore),
	    cmocka_unit_test(the_data_folder_lock_is_exclusive),
	    cmocka_unit_test(the_log_file_rotates_by_size),
	};
	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}

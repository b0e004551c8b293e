/* test_backup_db.c — csms_backup_db and csms_firmware_db on a real database: a backup recorded once
 * (the first row stays), copied, forgotten; the daily ones before a time, oldest first; the last daily
 * one; the paged list newest first; firmware uploads replaced by name, listed by name, their MD5. */
#include "db_fixture.h"

#include "csms_backup_db.h"
#include "csms_firmware_db.h"

static int join_name(const char *name, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%s;", name);
	return 0;
}

static void backups_are_recorded_once_copied_and_forgotten(void **state)
{
	(void)state;
	char names[128] = "";
	int64_t last = 0;
	assert_int_equal(csms_backup_db_last_daily(fx_db, &last), CSMS_DB_MISSING);
	assert_int_equal(csms_backup_db_add(fx_db, "csms-a.db", 10, 1000, "daily", 0, NULL), 0);
	assert_int_equal(csms_backup_db_add(fx_db, "csms-a.db", 99, 9999, "manual", 3, NULL), 0); /* kept as it was */
	assert_int_equal(csms_backup_db_add(fx_db, "csms-b.db", 20, 500, "daily", 0, NULL), 0);
	assert_int_equal(csms_backup_db_add(fx_db, "csms-c.db", 30, 3000, "manual", 7, NULL), 0);
	assert_int_equal(fx_int("SELECT size FROM backup WHERE name = 'csms-a.db'"), 10);
	assert_int_equal(fx_int("SELECT operator_id FROM backup WHERE name = 'csms-c.db'"), 7);
	assert_int_equal(csms_backup_db_daily_before(fx_db, 2000, join_name, names), 0);
	assert_string_equal(names, "csms-b.db;csms-a.db;");
	assert_int_equal(csms_backup_db_last_daily(fx_db, &last), 0);
	assert_int_equal(last, 1000);
	assert_int_equal(csms_backup_db_copied(fx_db, "csms-c.db", "/mnt/usb/csms-c.db"), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM backup WHERE copied_to = '/mnt/usb/csms-c.db'"), 1);
	assert_int_equal(csms_backup_db_forget(fx_db, "csms-b.db"), 0);
	names[0] = 0;
	assert_int_equal(csms_backup_db_names(fx_db, join_name, names), 0);
	assert_int_equal(strlen(names), strlen("csms-a.db;csms-c.db;"));
}

static int first_name(const struct csms_backup_row *b, void *ctx)
{
	char *out = ctx;
	if (!out[0])
		snprintf(out, 32, "%s", b->name);
	return 0;
}

static void backup_list_is_paged_newest_first(void **state)
{
	(void)state;
	char first[32] = "";
	long long total;
	assert_int_equal(csms_backup_db_add(fx_db, "csms-old.db", 1, 1000, "manual", 0, NULL), 0);
	assert_int_equal(csms_backup_db_add(fx_db, "csms-new.db", 1, 2000, "manual", 0, NULL), 0);
	struct csms_db_page pg = {1, 0, "created DESC"};
	assert_int_equal(csms_backup_db_list(fx_db, &pg, first_name, first, &total), 0);
	assert_string_equal(first, "csms-new.db");
	assert_int_equal(total, 2);
}

static int join_firmware(const struct csms_firmware *f, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%s:%lld:%s;", f->name, (long long)f->size, f->md5);
	return 0;
}

static void firmware_is_replaced_by_name(void **state)
{
	(void)state;
	char all[128] = "", md5[40] = "";
	assert_int_equal(csms_firmware_db_put(fx_db, "b.bin", 10, "aaaa", 1000), 0);
	assert_int_equal(csms_firmware_db_put(fx_db, "a.bin", 5, "bbbb", 1000), 0);
	assert_int_equal(csms_firmware_db_put(fx_db, "b.bin", 12, "cccc", 2000), 0);
	assert_int_equal(csms_firmware_db_list(fx_db, join_firmware, all), 0);
	assert_string_equal(all, "a.bin:5:bbbb;b.bin:12:cccc;");
	assert_int_equal(csms_firmware_db_md5(fx_db, "b.bin", md5, sizeof(md5)), 0);
	assert_string_equal(md5, "cccc");
	assert_int_equal(csms_firmware_db_md5(fx_db, "c.bin", md5, sizeof(md5)), CSMS_DB_MISSING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(backups_are_recorded_once_copied_and_forgotten),
	    FX_TEST(backup_list_is_paged_newest_first),
	    FX_TEST(firmware_is_replaced_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

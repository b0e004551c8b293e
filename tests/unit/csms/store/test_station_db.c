/* test_station_db.c — csms_station_db on a real database: the list filtered by text and state with its
 * socket count and total, the export statement in name order, a rename, a station's details, the local list
 * state the sync keeps, what a boot and firmware/diagnostics statuses write, and a StatusNotification
 * (csms_connector_db_report: the previous status, the history row). */
#include "db_fixture.h"

#include "csms_connector_db.h"
#include "csms_station_db.h"

static void stations(void)
{
	fx_exec("INSERT INTO station (id, name, state, vendor, model, created) VALUES "
	        "('CP-1', 'Garage', 'accepted', 'ACME', 'X1', 0), ('CP-2', 'Roof', 'pending', NULL, NULL, 0), "
	        "('CP_3', '', 'accepted', NULL, NULL, 0);"
	        "INSERT INTO connector (station_id, connector_id) VALUES ('CP-1', 0), ('CP-1', 1), ('CP-1', 2);");
}

struct seen {
	int n;
	char ids[64];
	int sockets;
};

static int record(const struct csms_station_row *s, void *ctx)
{
	struct seen *seen = ctx;
	size_t len = strlen(seen->ids);
	snprintf(seen->ids + len, sizeof(seen->ids) - len, "%s;", s->id);
	if (strcmp(s->id, "CP-1") == 0)
		seen->sockets = s->sockets;
	seen->n++;
	return 0;
}

static void list_filters_by_text_and_state(void **state)
{
	(void)state;
	struct seen seen = {0};
	long long total;
	stations();
	struct csms_db_page pg = {10, 0, "s.id ASC"};
	struct csms_station_filter any = {NULL, NULL};
	assert_int_equal(csms_station_db_list(fx_db, &any, &pg, record, &seen, &total), 0);
	assert_string_equal(seen.ids, "CP-1;CP-2;CP_3;");
	assert_int_equal(seen.sockets, 2);
	assert_int_equal(total, 3);
	struct csms_station_filter accepted = {NULL, "accepted"};
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(csms_station_db_list(fx_db, &accepted, &pg, record, &seen, &total), 0);
	assert_string_equal(seen.ids, "CP-1;CP_3;");
	/* the LIKE pattern is the caller's, with _ escaped: only the literal underscore matches */
	struct csms_station_filter text = {"%P\\_%", NULL};
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(csms_station_db_list(fx_db, &text, &pg, record, &seen, &total), 0);
	assert_string_equal(seen.ids, "CP_3;");
	pg.offset = 5; /* past the end: still the count */
	assert_int_equal(csms_station_db_list(fx_db, &accepted, &pg, record, &seen, &total), 0);
	assert_int_equal(total, 2);
}

static void export_is_in_name_order_and_rename_changes_the_name(void **state)
{
	(void)state;
	stations();
	assert_int_equal(csms_station_db_rename(fx_db, "CP-2", "Attic"), 0);
	assert_int_equal(csms_station_db_rename(fx_db, "CP-9", "x"), CSMS_DB_MISSING);
	struct csms_station_filter any = {NULL, NULL};
	sqlite3_stmt *st = csms_station_db_export(fx_db, &any);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "Attic");
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "CP_3"); /* no name: the id */
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 3), "ACME X1");
	assert_int_equal(sqlite3_column_int(st, 4), 2);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static void local_list_state_follows_what_was_accepted(void **state)
{
	(void)state;
	struct csms_station_list_state ls;
	stations();
	assert_int_equal(csms_station_db_list_state(fx_db, "CP-1", &ls), 0);
	assert_true(ls.on_default);
	assert_false(ls.limits_known);
	assert_int_equal(csms_station_db_set_list_limits(fx_db, "CP-1", 100, 20), 0);
	assert_int_equal(csms_station_db_set_named_list(fx_db, "CP-1", 7, "Staff"), 0);
	/* the automatic sync does not override a named list */
	assert_int_equal(csms_station_db_set_default_list(fx_db, "CP-1", 9, false), 0);
	assert_int_equal(csms_station_db_list_state(fx_db, "CP-1", &ls), 0);
	assert_false(ls.on_default);
	assert_int_equal(ls.seq, 0);
	assert_true(ls.limits_known);
	assert_int_equal(ls.list_max, 100);
	assert_int_equal(ls.send_max, 20);
	/* an operator's default list does */
	assert_int_equal(csms_station_db_set_default_list(fx_db, "CP-1", 9, true), 0);
	assert_int_equal(csms_station_db_list_state(fx_db, "CP-1", &ls), 0);
	assert_true(ls.on_default);
	assert_int_equal(ls.seq, 9);
	assert_int_equal(fx_int("SELECT count(*) FROM station WHERE id = 'CP-1' AND local_list_name IS NULL"), 1);
	assert_int_equal(csms_station_db_list_state(fx_db, "CP-9", &ls), CSMS_DB_MISSING);
}

static int copy_detail(const struct csms_station_detail *d, void *ctx)
{
	snprintf(ctx, 64, "%s|%s|%s|%lld", d->name, d->vendor, d->local_list_name ? d->local_list_name : "(default)",
	         (long long)d->last_boot);
	return 0;
}

static void details_of_a_station(void **state)
{
	(void)state;
	char got[128] = "";
	stations();
	fx_exec("UPDATE station SET last_boot = 1234 WHERE id = 'CP-1'");
	assert_int_equal(csms_station_db_get(fx_db, "CP-1", copy_detail, got), 0);
	assert_string_equal(got, "Garage|ACME|(default)|1234");
	assert_int_equal(csms_station_db_get(fx_db, "CP-9", copy_detail, got), CSMS_DB_MISSING);
}

static void boot_status_and_notes_are_recorded(void **state)
{
	(void)state;
	char prev_status[16], prev_error[24];
	stations();
	struct csms_station_boot boot = {"Wattline", "W1", "", NULL, "1.2", NULL, NULL, NULL, NULL, 5000};
	assert_int_equal(csms_station_db_booted(fx_store, "CP-2", &boot), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM station WHERE id = 'CP-2' AND vendor = 'Wattline' AND "
	                        "serial IS NULL AND firmware = '1.2' AND last_boot = 5000"),
	                 1);
	struct csms_connector_status cs = {1, "Charging", "NoError", "", NULL, NULL, 4000, 5000};
	assert_int_equal(csms_connector_db_report(fx_store, "CP-2", &cs, prev_status, sizeof(prev_status), prev_error,
	                                          sizeof(prev_error)),
	                 0);
	assert_string_equal(prev_status, ""); /* a new connector */
	cs.status = "Faulted";
	cs.error_code = "GroundFailure";
	cs.info = "leak";
	assert_int_equal(csms_connector_db_report(fx_store, "CP-2", &cs, prev_status, sizeof(prev_status), prev_error,
	                                          sizeof(prev_error)),
	                 0);
	assert_string_equal(prev_status, "Charging");
	assert_string_equal(prev_error, "NoError");
	assert_int_equal(fx_int("SELECT count(*) FROM connector_status WHERE station_id = 'CP-2'"), 2);
	assert_int_equal(fx_int("SELECT count(*) FROM connector WHERE station_id = 'CP-2' AND status = 'Faulted' AND "
	                        "info = 'leak'"),
	                 1);
	assert_int_equal(csms_station_db_set_note(fx_store, "CP-2", CSMS_STATION_NOTE_FIRMWARE, "Installed"), 0);
	assert_int_equal(csms_station_db_set_note(fx_store, "CP-2", CSMS_STATION_NOTE_DIAGNOSTICS, "Uploaded"), 0);
	assert_int_equal(csms_station_db_set_note(fx_store, "CP-2", CSMS_STATION_NOTE_NONE, "x"), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM station WHERE id = 'CP-2' AND firmware_status = 'Installed' "
	                        "AND diagnostics_status = 'Uploaded'"),
	                 1);
	assert_int_equal(csms_station_db_set_list_version(fx_db, "CP-2", 17), 0);
	assert_int_equal(fx_int("SELECT local_list_version FROM station WHERE id = 'CP-2'"), 17);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(list_filters_by_text_and_state),
	    FX_TEST(export_is_in_name_order_and_rename_changes_the_name),
	    FX_TEST(local_list_state_follows_what_was_accepted),
	    FX_TEST(details_of_a_station),
	    FX_TEST(boot_status_and_notes_are_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

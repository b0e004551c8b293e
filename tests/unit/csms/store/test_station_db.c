/* test_station_db.c — the station table as the API reads it (csms_station_db): the list filtered by text
 * and state with its socket count and total, the export statement in name order, a rename. */
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

static int join_connector(const struct csms_connector_row *c, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%d:%s:%lld:%s;", c->connector_id, c->status ? c->status : "-",
	         (long long)c->phases, c->has_max_current ? "max" : "nomax");
	return 0;
}

static void details_connectors_and_a_connector_status(void **state)
{
	(void)state;
	char got[128] = "", status[32];
	stations();
	fx_exec("UPDATE connector SET status = 'Charging', phases = 3, max_current = 32 WHERE connector_id = 1;"
	        "UPDATE station SET last_boot = 1234 WHERE id = 'CP-1'");
	assert_int_equal(csms_station_db_get(fx_db, "CP-1", copy_detail, got), 0);
	assert_string_equal(got, "Garage|ACME|(default)|1234");
	assert_int_equal(csms_station_db_get(fx_db, "CP-9", copy_detail, got), CSMS_DB_MISSING);
	got[0] = 0;
	assert_int_equal(csms_connector_db_of_station(fx_db, "CP-1", join_connector, got), 0);
	assert_string_equal(got, "0:-:-1:nomax;1:Charging:3:max;2:-:-1:nomax;");
	assert_int_equal(csms_connector_db_status_of(fx_db, "CP-1", 1, status, sizeof(status)), 0);
	assert_string_equal(status, "Charging");
	assert_int_equal(csms_connector_db_status_of(fx_db, "CP-1", 2, status, sizeof(status)), 0);
	assert_string_equal(status, "");
	assert_int_equal(csms_connector_db_status_of(fx_db, "CP-1", 7, status, sizeof(status)), CSMS_DB_MISSING);
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
	assert_int_equal(
	    csms_connector_db_report(fx_store, "CP-2", &cs, prev_status, sizeof(prev_status), prev_error, sizeof(prev_error)),
	    0);
	assert_string_equal(prev_status, ""); /* a new connector */
	cs.status = "Faulted";
	cs.error_code = "GroundFailure";
	cs.info = "leak";
	assert_int_equal(
	    csms_connector_db_report(fx_store, "CP-2", &cs, prev_status, sizeof(prev_status), prev_error, sizeof(prev_error)),
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

static void connector_spec_changes_only_the_fields_given(void **state)
{
	(void)state;
	stations();
	struct csms_connector_spec c = {"CP-2", 3, "left", "Type2", 3, 32, true, true, true, true};
	assert_int_equal(csms_connector_db_set_spec(fx_store, &c), 0); /* never reported: made */
	struct csms_connector_spec phases_only = {"CP-2", 3, NULL, NULL, 1, 0, false, false, true, false};
	assert_int_equal(csms_connector_db_set_spec(fx_store, &phases_only), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM connector WHERE station_id = 'CP-2' AND connector_id = 3 AND "
	                        "description = 'left' AND type = 'Type2' AND phases = 1 AND max_current = 32"),
	                 1);
	struct csms_connector_spec clear = {"CP-2", 3, NULL, "", 0, 0, false, true, false, true};
	assert_int_equal(csms_connector_db_set_spec(fx_store, &clear), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM connector WHERE station_id = 'CP-2' AND connector_id = 3 AND "
	                        "type IS NULL AND max_current IS NULL AND phases = 1"),
	                 1);
}

static int join_socket(const struct csms_socket_row *k, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%s;", k->name);
	return 0;
}

static void sockets_are_named_filtered_and_ordered(void **state)
{
	(void)state;
	char got[128] = "";
	stations();
	fx_exec("UPDATE connector SET description = 'Left' WHERE station_id = 'CP-1' AND connector_id = 2;"
	        "INSERT INTO connector (station_id, connector_id) VALUES ('CP-2', 1);");
	struct csms_socket_filter all = {NULL, NULL};
	assert_int_equal(csms_connector_db_sockets(fx_db, &all, csms_connector_db_socket_sorts[1], join_socket, got), 0);
	assert_string_equal(got, "Garage #1;Left;Roof #1;"); /* by name; connector 0 is no socket */
	got[0] = 0;
	struct csms_socket_filter garage = {"Gar%", NULL};
	assert_int_equal(csms_connector_db_sockets(fx_db, &garage, "k.station_id, k.connector_id", join_socket, got), 0);
	assert_string_equal(got, "Garage #1;Left;");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(list_filters_by_text_and_state),
	    FX_TEST(export_is_in_name_order_and_rename_changes_the_name),
	    FX_TEST(local_list_state_follows_what_was_accepted),
	    FX_TEST(details_connectors_and_a_connector_status),
	    FX_TEST(boot_status_and_notes_are_recorded),
	    FX_TEST(connector_spec_changes_only_the_fields_given),
	    FX_TEST(sockets_are_named_filtered_and_ordered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

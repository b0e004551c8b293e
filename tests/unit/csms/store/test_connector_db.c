/* test_connector_db.c — csms_connector_db on a real database: a station's connectors by id with their
 * last status, a socket's status ("" when none, missing when never reported), the Home page's sockets named,
 * filtered and ordered, a socket's spec changing only the fields given (made when never reported). The
 * StatusNotification write is in test_station_db.c (with the boot). */
#include "db_fixture.h"

#include "csms_connector_db.h"

static void stations(void)
{
	fx_exec("INSERT INTO station (id, name, state, vendor, model, created) VALUES "
	        "('CP-1', 'Garage', 'accepted', 'ACME', 'X1', 0), ('CP-2', 'Roof', 'pending', NULL, NULL, 0), "
	        "('CP_3', '', 'accepted', NULL, NULL, 0);"
	        "INSERT INTO connector (station_id, connector_id) VALUES ('CP-1', 0), ('CP-1', 1), ('CP-1', 2);");
}

static int join_connector(const struct csms_connector_row *c, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%d:%s:%lld:%s;", c->connector_id, c->status ? c->status : "-",
	         (long long)c->phases, c->has_max_current ? "max" : "nomax");
	return 0;
}

static void connectors_of_a_station_and_a_socket_status(void **state)
{
	(void)state;
	char got[128] = "", status[32];
	stations();
	fx_exec("UPDATE connector SET status = 'Charging', phases = 3, max_current = 32 WHERE connector_id = 1;");
	assert_int_equal(csms_connector_db_of_station(fx_db, "CP-1", join_connector, got), 0);
	assert_string_equal(got, "0:-:-1:nomax;1:Charging:3:max;2:-:-1:nomax;");
	assert_int_equal(csms_connector_db_status_of(fx_db, "CP-1", 1, status, sizeof(status)), 0);
	assert_string_equal(status, "Charging");
	assert_int_equal(csms_connector_db_status_of(fx_db, "CP-1", 2, status, sizeof(status)), 0);
	assert_string_equal(status, "");
	assert_int_equal(csms_connector_db_status_of(fx_db, "CP-1", 7, status, sizeof(status)), CSMS_DB_MISSING);
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
	assert_int_equal(csms_connector_db_sockets(fx_db, &all, csms_connector_db_socket_sorts[1], join_socket, got),
	                 0);
	assert_string_equal(got, "Garage #1;Left;Roof #1;"); /* by name; connector 0 is no socket */
	got[0] = 0;
	struct csms_socket_filter garage = {"Gar%", NULL};
	assert_int_equal(csms_connector_db_sockets(fx_db, &garage, "k.station_id, k.connector_id", join_socket, got),
	                 0);
	assert_string_equal(got, "Garage #1;Left;");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(connectors_of_a_station_and_a_socket_status),
	    FX_TEST(connector_spec_changes_only_the_fields_given),
	    FX_TEST(sockets_are_named_filtered_and_ordered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_op_db.c — csms_op_db on a real database (through the store's statement cache, before the writer
 * starts): an operation recorded with its outcome; a reservation made, replaced by the same id and
 * cancelled only on its station; charging profiles added and cleared (one by id, or all accepted ones). */
#include "db_fixture.h"

#include "csms_op_db.h"

static void operation_is_recorded_with_its_outcome(void **state)
{
	(void)state;
	struct csms_op_row ok = {"CP-1", "Reset", "{\"type\":\"Soft\"}", "result", "{\"status\":\"Accepted\"}", NULL,
	                         1000,   1200};
	struct csms_op_row late = {"CP-1", "Reset", "{}", "timeout", NULL, "no answer", 1000, 31000};
	assert_int_equal(csms_op_db_record(fx_store, &ok), 0);
	assert_int_equal(csms_op_db_record(fx_store, &late), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM operation WHERE status = 'result' AND error IS NULL "
	                        "AND response IS NOT NULL AND finished = 1200"),
	                 1);
	assert_int_equal(fx_int("SELECT count(*) FROM operation WHERE status = 'timeout' AND response IS NULL "
	                        "AND error = 'no answer'"),
	                 1);
}

static void reservation_is_replaced_by_id_and_cancelled_on_its_station(void **state)
{
	(void)state;
	struct csms_reservation r = {7, "CP-1", 1, "TAG00000000000", NULL, 5000, "accepted", 1000};
	assert_int_equal(csms_op_db_reservation_put(fx_store, &r), 0);
	r.connector = 2;
	r.parent_id_tag = "P0000000000000";
	assert_int_equal(csms_op_db_reservation_put(fx_store, &r), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM reservation"), 1);
	assert_int_equal(fx_int("SELECT connector_id FROM reservation WHERE id = 7"), 2);
	assert_int_equal(csms_op_db_reservation_cancel(fx_store, 7, "CP-2"), 0); /* another station's: nothing */
	assert_int_equal(fx_int("SELECT count(*) FROM reservation WHERE status = 'cancelled'"), 0);
	assert_int_equal(csms_op_db_reservation_cancel(fx_store, 7, "CP-1"), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM reservation WHERE status = 'cancelled'"), 1);
	/* a StartTransaction on the reservation: used, with its transaction */
	r.id = 8;
	assert_int_equal(csms_op_db_reservation_put(fx_store, &r), 0);
	assert_int_equal(csms_op_db_reservation_used(fx_store, 8, "CP-2", 99), 0); /* not this station's */
	assert_int_equal(csms_op_db_reservation_used(fx_store, 8, "CP-1", 42), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM reservation WHERE id = 8 AND status = 'used' AND txn_id = 42"),
	                 1);
}

static void profiles_are_cleared_by_id_or_all(void **state)
{
	(void)state;
	struct csms_charging_profile p = {"CP-1", 1, 10, 0, "TxDefaultProfile", "{}", "Accepted", 1000};
	assert_int_equal(csms_op_db_profile_add(fx_store, &p), 0);
	p.profile_id = 11;
	assert_int_equal(csms_op_db_profile_add(fx_store, &p), 0);
	p.profile_id = 12;
	p.status = "Rejected";
	assert_int_equal(csms_op_db_profile_add(fx_store, &p), 0);
	assert_int_equal(csms_op_db_profile_clear(fx_store, "CP-1", true, 10), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM charging_profile WHERE status = 'cleared'"), 1);
	assert_int_equal(csms_op_db_profile_clear(fx_store, "CP-1", false, 0), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM charging_profile WHERE status = 'cleared'"), 2);
	assert_int_equal(fx_int("SELECT count(*) FROM charging_profile WHERE status = 'Rejected'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(operation_is_recorded_with_its_outcome),
	    FX_TEST(reservation_is_replaced_by_id_and_cancelled_on_its_station),
	    FX_TEST(profiles_are_cleared_by_id_or_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_socket.c — the socket status shown to operators: every OCPP ChargePointStatus maps to the manual's
 * status, a disconnected station is Out of service, a station not accepted is To be configured. */
#include "test_util.h"

#include "csms_socket.h"

static void assert_status(const char *ocpp, enum csms_socket_status want)
{
	enum csms_socket_status got = csms_socket_status_of(ocpp, true, CSMS_STATION_ACCEPTED);

	if (got != want)
		print_error("%s: want %s, got %s\n", ocpp, csms_socket_status_key(want), csms_socket_status_key(got));
	assert_int_equal(got, want);
}

static void every_ocpp_status_maps_to_the_manual_status(void **state)
{
	(void)state;
	assert_status("Available", CSMS_SOCKET_AVAILABLE);
	assert_status("Preparing", CSMS_SOCKET_OCCUPIED);
	assert_status("Finishing", CSMS_SOCKET_OCCUPIED);
	assert_status("Charging", CSMS_SOCKET_CHARGING);
	assert_status("SuspendedEV", CSMS_SOCKET_CHARGING_SUSPENDED);
	assert_status("SuspendedEVSE", CSMS_SOCKET_CHARGING_SUSPENDED);
	assert_status("Reserved", CSMS_SOCKET_BOOKED);
	assert_status("Unavailable", CSMS_SOCKET_NOT_AVAILABLE);
	assert_status("Faulted", CSMS_SOCKET_FAULT);
}

static void disconnected_station_is_out_of_service_whatever_its_last_status(void **state)
{
	(void)state;
	assert_int_equal(csms_socket_status_of("Charging", false, CSMS_STATION_ACCEPTED), CSMS_SOCKET_OUT_OF_SERVICE);
	assert_int_equal(csms_socket_status_of("Available", false, CSMS_STATION_ACCEPTED), CSMS_SOCKET_OUT_OF_SERVICE);
	assert_int_equal(csms_socket_status_of(NULL, false, CSMS_STATION_ACCEPTED), CSMS_SOCKET_OUT_OF_SERVICE);
}

static void pending_or_rejected_station_is_to_be_configured(void **state)
{
	(void)state;
	assert_int_equal(csms_socket_status_of("Available", true, CSMS_STATION_PENDING), CSMS_SOCKET_TO_BE_CONFIGURED);
	assert_int_equal(csms_socket_status_of("Charging", false, CSMS_STATION_PENDING), CSMS_SOCKET_TO_BE_CONFIGURED);
	assert_int_equal(csms_socket_status_of("Available", true, CSMS_STATION_REJECTED), CSMS_SOCKET_TO_BE_CONFIGURED);
}

static void connected_station_without_a_status_yet_is_to_be_configured(void **state)
{
	(void)state;
	assert_int_equal(csms_socket_status_of(NULL, true, CSMS_STATION_ACCEPTED), CSMS_SOCKET_TO_BE_CONFIGURED);
	assert_int_equal(csms_socket_status_of("NotAStatus", true, CSMS_STATION_ACCEPTED),
	                 CSMS_SOCKET_TO_BE_CONFIGURED);
}

static void labels_are_the_manual_words_and_keys_are_snake_case(void **state)
{
	(void)state;
	assert_string_equal(csms_socket_status_label(CSMS_SOCKET_OUT_OF_SERVICE), "Out of service");
	assert_string_equal(csms_socket_status_key(CSMS_SOCKET_OUT_OF_SERVICE), "out_of_service");
	assert_string_equal(csms_socket_status_label(CSMS_SOCKET_NOT_AVAILABLE), "Not available/Maintenance");
	assert_string_equal(csms_socket_status_label(CSMS_SOCKET_FAULT), "Fault/Error");
	assert_string_equal(csms_socket_status_label(CSMS_SOCKET_TO_BE_CONFIGURED), "To be configured");
	for (int s = 0; s < CSMS_SOCKET_STATUS_COUNT; s++) {
		assert_non_null(csms_socket_status_label((enum csms_socket_status)s));
		assert_string_not_equal(csms_socket_status_key((enum csms_socket_status)s), "?");
	}
}

static void out_of_range_status_names_are_a_question_mark(void **state)
{
	(void)state;
	assert_string_equal(csms_socket_status_label(CSMS_SOCKET_STATUS_COUNT), "?");
	assert_string_equal(csms_socket_status_key((enum csms_socket_status)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_ocpp_status_maps_to_the_manual_status),
	    cmocka_unit_test(disconnected_station_is_out_of_service_whatever_its_last_status),
	    cmocka_unit_test(pending_or_rejected_station_is_to_be_configured),
	    cmocka_unit_test(connected_station_without_a_status_yet_is_to_be_configured),
	    cmocka_unit_test(labels_are_the_manual_words_and_keys_are_snake_case),
	    cmocka_unit_test(out_of_range_status_names_are_a_question_mark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

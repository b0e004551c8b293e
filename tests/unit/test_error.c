/* test_error.c — CALLERROR code names and spelling, error messages built while unwinding, and messages
 * that quote truncated network text staying valid UTF-8. */
#include "test_util.h"

static void error_codes_keep_the_spec_spelling(void **state)
{
	(void)state;
	assert_string_equal(ocpp_error_code_name(OCPP_ERR_OccurenceConstraintViolation),
	                    "OccurenceConstraintViolation");
	assert_int_equal(ocpp_error_code_from_name("OccurenceConstraintViolation"),
	                 OCPP_ERR_OccurenceConstraintViolation);
	assert_int_equal(ocpp_error_code_from_name("FormationViolation"), OCPP_ERR_FormationViolation);
}

static void unknown_received_codes_become_generic_error(void **state)
{
	(void)state;
	assert_int_equal(ocpp_error_code_from_name("OccurrenceConstraintViolation"), OCPP_ERR_GenericError);
	assert_int_equal(ocpp_error_code_from_name("Timeout"), OCPP_ERR_GenericError); /* local, not on the wire */
	assert_int_equal(ocpp_error_code_from_name(NULL), OCPP_ERR_GenericError);
}

static void local_outcomes_are_not_sent(void **state)
{
	(void)state;
	assert_false(ocpp_error_code_is_wire(OCPP_ERR_Timeout));
	assert_false(ocpp_error_code_is_wire(OCPP_ERR_Cancelled));
	assert_true(ocpp_error_code_is_wire(OCPP_ERR_NotSupported));
}

static void prefix_builds_the_field_path(void **state)
{
	struct ocpp_error err;

	(void)state;
	ocpp_error_set(&err, OCPP_ERR_PropertyConstraintViolation, ": bad");
	ocpp_error_prefix(&err, ".unit");
	ocpp_error_prefix(&err, "[2]");
	ocpp_error_prefix(&err, ".sampledValue");
	assert_string_equal(err.message, ".sampledValue[2].unit: bad");
}

static void prefix_never_overflows_the_message(void **state)
{
	struct ocpp_error err;

	(void)state;
	memset(err.message, 'x', sizeof(err.message) - 1);
	err.message[sizeof(err.message) - 1] = '\0';
	ocpp_error_prefix(&err, ".field");
	assert_int_equal(strlen(err.message), sizeof(err.message) - 1);
	assert_memory_equal(err.message, ".field", 6);
}

/* A value of 39 ASCII letters then "é" is cut by "%.40s" between the two bytes of "é". */
static void messages_quoting_cut_text_stay_utf8(void **state)
{
	char value[64];
	cJSON *json;
	struct ocpp_payload p;
	struct ocpp_error err;

	(void)state;
	memset(value, 'A', 39);
	memcpy(value + 39, "\xc3\xa9\"}", 5);
	char text[128];
	snprintf(text, sizeof(text), "{\"type\":\"%s", value);
	json = tu_parse(text);
	assert_int_equal(ocpp_decode(&ocpp_type_reset_req, json, NULL, &p, &err), OCPP_EINVAL);
	assert_int_equal(err.code, OCPP_ERR_PropertyConstraintViolation);
	assert_true(ocpp_utf8_is_valid(err.message, strlen(err.message)));
	assert_non_null(strstr(err.message, "AAAA?"));
	ocpp_payload_release(&p);
	cJSON_Delete(json);
}

static void sanitize_keeps_valid_text_and_marks_broken_bytes(void **state)
{
	char ok[] = "Bücher €10";
	char broken[] = "ab\xe2\x82"
	                "cd\xff";

	(void)state;
	ocpp_utf8_sanitize(ok);
	assert_string_equal(ok, "Bücher €10");
	ocpp_utf8_sanitize(broken);
	assert_string_equal(broken, "ab??cd?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(error_codes_keep_the_spec_spelling),
	    cmocka_unit_test(unknown_received_codes_become_generic_error),
	    cmocka_unit_test(local_outcomes_are_not_sent),
	    cmocka_unit_test(prefix_builds_the_field_path),
	    cmocka_unit_test(prefix_never_overflows_the_message),
	    cmocka_unit_test(messages_quoting_cut_text_stay_utf8),
	    cmocka_unit_test(sanitize_keeps_valid_text_and_marks_broken_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

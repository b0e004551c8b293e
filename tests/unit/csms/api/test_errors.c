/* test_errors.c — the REST API's error table (csms_errors.def): every error has a 4xx/5xx status, a code and
 * a meaning, codes are unique, and csms_http_fail() answers exactly the table's status and code with the
 * message of the call (or the meaning when the call gives none). */
#include "test_util.h"

#include <ctype.h>

#include "csms_http_answer.h"

static void every_error_has_a_status_a_code_and_a_meaning(void **state)
{
	(void)state;
	assert_true(CSMS_ERR_COUNT > 40);
	for (int e = CSMS_ERR_NONE + 1; e < CSMS_ERR_COUNT; e++) {
		const struct csms_error *row = &csms_errors[e];
		assert_non_null(row->code);
		assert_non_null(row->meaning);
		if (row->status < 400 || row->status > 599)
			fail_msg("error %s: status %d is not 4xx or 5xx", row->code, row->status);
		assert_true(strlen(row->meaning) > 10);
		assert_true(strlen(row->code) > 1);
		for (const char *p = row->code; *p; p++)
			if (!islower((unsigned char)*p) && *p != '_')
				fail_msg("error code \"%s\" is not lower_snake_case", row->code);
	}
}

static void codes_are_unique(void **state)
{
	(void)state;
	for (int a = CSMS_ERR_NONE + 1; a < CSMS_ERR_COUNT; a++)
		for (int b = a + 1; b < CSMS_ERR_COUNT; b++)
			if (strcmp(csms_errors[a].code, csms_errors[b].code) == 0)
				fail_msg("error code \"%s\" is in the table twice (%d and %d)", csms_errors[a].code,
				         csms_errors[a].status, csms_errors[b].status);
}

static void none_and_unknown_values_are_internal(void **state)
{
	(void)state;
	assert_ptr_equal(csms_error_of(CSMS_ERR_NONE), &csms_errors[CSMS_ERR_INTERNAL]);
	assert_ptr_equal(csms_error_of(CSMS_ERR_COUNT), &csms_errors[CSMS_ERR_INTERNAL]);
	assert_ptr_equal(csms_error_of((enum csms_err) - 1), &csms_errors[CSMS_ERR_INTERNAL]);
	assert_ptr_equal(csms_error_of(CSMS_ERR_BAD_FIELD), &csms_errors[CSMS_ERR_BAD_FIELD]);
	assert_int_equal(csms_errors[CSMS_ERR_INTERNAL].status, 500);
}

static void check_answer(struct csms_http_req *r, int status, const char *code, const char *message)
{
	assert_true(r->resp_ready);
	assert_int_equal(r->status, status);
	assert_string_equal(r->ctype, "application/json");
	cJSON *o = tu_parse(r->resp);
	cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "error");
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring, code);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "message")->valuestring, message);
	cJSON_Delete(o);
	free(r->resp);
	memset(r, 0, sizeof(*r));
}

static void an_error_is_answered_with_the_tables_status_and_code(void **state)
{
	(void)state;
	struct csms_http_req r = {0};
	csms_http_fail(&r, CSMS_ERR_BAD_FIELD, "%s: must be 1..%d", "connectorId", 100);
	check_answer(&r, 400, "bad_field", "connectorId: must be 1..100");
	csms_http_fail(&r, CSMS_ERR_NOT_CONNECTED, "station \"%s\" is not connected", "CP-1");
	check_answer(&r, 409, "not_connected", "station \"CP-1\" is not connected");
	csms_http_fail(&r, CSMS_ERR_DISK_FULL, "%s", "");
	check_answer(&r, 507, "disk_full", csms_errors[CSMS_ERR_DISK_FULL].meaning); /* no message: the meaning */
	for (int e = CSMS_ERR_NONE + 1; e < CSMS_ERR_COUNT; e++) {
		csms_http_fail(&r, (enum csms_err)e, "x");
		check_answer(&r, csms_errors[e].status, csms_errors[e].code, "x");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_error_has_a_status_a_code_and_a_meaning),
	    cmocka_unit_test(codes_are_unique),
	    cmocka_unit_test(none_and_unknown_values_are_internal),
	    cmocka_unit_test(an_error_is_answered_with_the_tables_status_and_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

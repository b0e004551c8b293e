/* test_redact.c — secrets out of the message log and operation records: AuthorizationKey (any case) in
 * ChangeConfiguration.req and GetConfiguration.conf is replaced by "***", also when spelled with \u
 * escapes; other keys, other frames and text that is not JSON are left alone. */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

#include "csms_redact.h"

static void change_configuration_of_the_authorization_key_is_redacted(void **state)
{
	const char *f =
	    "[2,\"7\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"s3cret-passw0rd\"}]";
	size_t n = 0;
	char *out = csms_redact_frame(f, strlen(f), &n);

	(void)state;
	assert_non_null(out);
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, "[2,\"7\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"***\"}]");
	free(out);
}

static void key_in_another_case_or_escaped_is_redacted(void **state)
{
	const char *lower = "[2,\"1\",\"ChangeConfiguration\",{\"key\":\"authorizationkey\",\"value\":\"abc\"}]";
	const char *esc = "[2,\"1\",\"ChangeConfiguration\",{\"key\":\"\\u0041uthorizationKey\",\"value\":\"abc\"}]";
	size_t n;
	char *out;

	(void)state;
	assert_non_null(out = csms_redact_frame(lower, strlen(lower), &n));
	assert_null(strstr(out, "abc"));
	free(out);
	assert_non_null(out = csms_redact_frame(esc, strlen(esc), &n));
	assert_null(strstr(out, "abc"));
	free(out);
}

static void get_configuration_answer_is_redacted(void **state)
{
	const char *f = "[3,\"9\",{\"configurationKey\":[{\"key\":\"HeartbeatInterval\",\"readonly\":false,\"value\":"
	                "\"300\"},{\"key\":\"AuthorizationKey\",\"readonly\":false,\"value\":\"leaked\"}]}]";
	size_t n;
	char *out = csms_redact_frame(f, strlen(f), &n);

	(void)state;
	assert_non_null(out);
	assert_null(strstr(out, "leaked"));
	assert_non_null(strstr(out, "\"value\":\"300\""));
	assert_non_null(strstr(out, "\"value\":\"***\""));
	free(out);
}

static void frames_without_secrets_are_left_as_they_are(void **state)
{
	const char *other = "[2,\"1\",\"ChangeConfiguration\",{\"key\":\"HeartbeatInterval\",\"value\":\"60\"}]";
	const char *mention = "[2,\"1\",\"DataTransfer\",{\"vendorId\":\"AuthorizationKey\",\"data\":\"x\"}]";
	const char *broken = "[2,\"1\",\"ChangeConfiguration\",{\"key\":\"AuthorizationKey\",\"value\":\"abc";
	size_t n;

	(void)state;
	assert_null(csms_redact_frame(other, strlen(other), &n));
	assert_null(csms_redact_frame(mention, strlen(mention), &n));
	assert_null(csms_redact_frame(broken, strlen(broken), &n));
}

static void payload_redaction_counts_what_it_replaced(void **state)
{
	cJSON *p = cJSON_Parse("{\"key\":\"AuthorizationKey\",\"value\":\"abc\"}");

	(void)state;
	assert_int_equal(csms_redact_payload(p), 1);
	assert_string_equal(cJSON_GetObjectItem(p, "value")->valuestring, CSMS_REDACTED);
	cJSON_Delete(p);
	p = cJSON_Parse("{\"key\":\"MeterValueSampleInterval\",\"value\":\"60\"}");
	assert_int_equal(csms_redact_payload(p), 0);
	cJSON_Delete(p);
	assert_int_equal(csms_redact_payload(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(change_configuration_of_the_authorization_key_is_redacted),
	    cmocka_unit_test(key_in_another_case_or_escaped_is_redacted),
	    cmocka_unit_test(get_configuration_answer_is_redacted),
	    cmocka_unit_test(frames_without_secrets_are_left_as_they_are),
	    cmocka_unit_test(payload_redaction_counts_what_it_replaced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

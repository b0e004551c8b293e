/* test_frame.c — OCPP-J framing: parsing CALL / CALLRESULT / CALLERROR, every refusal of a bad frame
 * with its CALLERROR code (mapping in the head comment of src/ocpp/ocpp_frame.c), limits on size, UTF-8
 * and nesting, and the frame builders. */
#include "test_util.h"

#define ID36 "123456789012345678901234567890123456"

/* Parses text (without its NUL: the parser must not need one) with limits lim (NULL: defaults). */
static int parse_lim(struct ocpp_frame *f, const char *text, const struct ocpp_limits *lim, struct ocpp_error *err)
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1); /* exactly len bytes, so ASan catches reads past the end */
	int rc;

	assert_non_null(copy);
	memcpy(copy, text, len);
	memset(err, 0, sizeof(*err));
	rc = ocpp_frame_parse(f, copy, len, lim, err);
	free(copy);
	return rc;
}

static int parse(struct ocpp_frame *f, const char *text, struct ocpp_error *err)
{
	return parse_lim(f, text, NULL, err);
}

/* Asserts the frame is refused with OCPP_EINVAL and code; returns nothing, releases the frame. */
static void assert_refused_lim(const char *text, const struct ocpp_limits *lim, enum ocpp_error_code code,
                               const char *id)
{
	struct ocpp_frame f;
	struct ocpp_error err;
	int rc = parse_lim(&f, text, lim, &err);

	if (rc != OCPP_EINVAL || err.code != code)
		print_error("frame %.80s\n  want %s, got rc %d %s: %s\n", text, ocpp_error_code_name(code), rc,
		            ocpp_error_code_name(err.code), err.message);
	assert_int_equal(rc, OCPP_EINVAL);
	assert_string_equal(ocpp_error_code_name(err.code), ocpp_error_code_name(code));
	if (id)
		assert_string_equal(f.id, id);
	ocpp_frame_release(&f);
}

static void assert_refused(const char *text, enum ocpp_error_code code, const char *id)
{
	assert_refused_lim(text, NULL, code, id);
}

static void assert_parses_lim(const char *text, const struct ocpp_limits *lim)
{
	struct ocpp_frame f;
	struct ocpp_error err;
	int rc = parse_lim(&f, text, lim, &err);

	if (rc)
		print_error("frame %.80s refused: %s\n", text, err.message);
	assert_int_equal(rc, OCPP_OK);
	ocpp_frame_release(&f);
}

/* ---- valid frames ---- */

static void call_frame_parses_into_id_action_and_payload(void **state)
{
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(parse(&f,
	                       "[2,\"19223201\",\"BootNotification\",{\"chargePointVendor\":\"Wattline\","
	                       "\"chargePointModel\":\"WL-22\"}]",
	                       &err),
	                 OCPP_OK);
	assert_int_equal(f.type, OCPP_CALL);
	assert_string_equal(f.id, "19223201");
	assert_string_equal(f.action, "BootNotification");
	tu_assert_json_text(f.payload, "{'chargePointVendor':'Wattline','chargePointModel':'WL-22'}");
	assert_null(f.error_code);
	ocpp_frame_release(&f);
}

static void callresult_frame_parses_into_id_and_payload(void **state)
{
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(parse(&f, "[3,\"19223201\",{\"currentTime\":\"2026-11-20T10:00:00Z\"}]", &err), OCPP_OK);
	assert_int_equal(f.type, OCPP_CALLRESULT);
	assert_string_equal(f.id, "19223201");
	assert_null(f.action);
	tu_assert_json_text(f.payload, "{'currentTime':'2026-11-20T10:00:00Z'}");
	ocpp_frame_release(&f);
}

static void callerror_frame_parses_into_code_description_and_details(void **state)
{
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(
	    parse(&f, "[4,\"162376037\",\"NotSupported\",\"SetDisplayMessage not supported\",{\"hint\":1}]", &err),
	    OCPP_OK);
	assert_int_equal(f.type, OCPP_CALLERROR);
	assert_string_equal(f.id, "162376037");
	assert_string_equal(f.error_code, "NotSupported");
	assert_string_equal(f.error_description, "SetDisplayMessage not supported");
	tu_assert_json_text(f.payload, "{'hint':1}");
	ocpp_frame_release(&f);
}

static void whitespace_around_and_inside_the_frame_is_accepted(void **state)
{
	(void)state;
	assert_parses_lim(" \r\n\t[ 2 , \"a\" , \"Heartbeat\" , { } ] \r\n\t", NULL);
	assert_parses_lim("[2.0,\"a\",\"Heartbeat\",{}]", NULL); /* a whole number is a whole number */
}

static void call_payload_is_handed_over_even_when_not_an_object(void **state)
{
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	/* the frame layer leaves payload validation to the schema (FormationViolation there) */
	assert_int_equal(parse(&f, "[2,\"a\",\"Heartbeat\",[]]", &err), OCPP_OK);
	assert_true(cJSON_IsArray(f.payload));
	ocpp_frame_release(&f);
}

/* ---- refusals ---- */

static void text_that_is_not_json_is_formation_violation(void **state)
{
	static const char *const bad[] = {"",
	                                  "hello",
	                                  "[2,\"a\",\"Heartbeat\",{}",
	                                  "[2,'a','Heartbeat',{}]",
	                                  "[2,\"a\",\"Heartbeat\",{},]",
	                                  "\"just a string"};

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++)
		assert_refused(bad[i], OCPP_ERR_FormationViolation, "");
}

static void json_that_is_not_an_array_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("{\"type\":2,\"id\":\"a\"}", OCPP_ERR_FormationViolation, "");
	assert_refused("2", OCPP_ERR_FormationViolation, "");
	assert_refused("\"[2,\\\"a\\\",\\\"Heartbeat\\\",{}]\"", OCPP_ERR_FormationViolation, "");
	assert_refused("null", OCPP_ERR_FormationViolation, "");
}

static void missing_or_non_numeric_message_type_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("[]", OCPP_ERR_FormationViolation, "");
	assert_refused("[\"2\",\"a\",\"Heartbeat\",{}]", OCPP_ERR_FormationViolation, "");
	assert_refused("[2.5,\"a\",\"Heartbeat\",{}]", OCPP_ERR_FormationViolation, "");
	assert_refused("[null,\"a\",\"Heartbeat\",{}]", OCPP_ERR_FormationViolation, "");
}

static void unknown_message_type_number_is_ignored(void **state)
{
	static const char *const frames[] = {"[5,\"a\",{}]", "[7,\"a\",\"x\",{}]",         "[0]",          "[1,\"a\"]",
	                                     "[-2,\"a\"]",   "[6,\"a\",\"Heartbeat\",{}]", "[99999999999]"};
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(frames); i++) {
		/* the caller logs the text: it must be set, not left as it was (garbage, no terminator) */
		memset(&err, 'X', sizeof(err));
		assert_int_equal(parse(&f, frames[i], &err), OCPP_EIGNORED);
		assert_non_null(memchr(err.message, '\0', sizeof(err.message)));
		assert_non_null(strstr(err.message, "unknown message type"));
		assert_int_equal(err.code, OCPP_ERR_ProtocolError);
		ocpp_frame_release(&f);
	}
}

static void wrong_element_count_is_protocol_error_with_the_id_kept(void **state)
{
	(void)state;
	assert_refused("[2,\"abc\",\"Heartbeat\"]", OCPP_ERR_ProtocolError, "abc");
	assert_refused("[2,\"abc\",\"Heartbeat\",{},{}]", OCPP_ERR_ProtocolError, "abc");
	assert_refused("[3,\"abc\"]", OCPP_ERR_ProtocolError, "abc");
	assert_refused("[3,\"abc\",{},{}]", OCPP_ERR_ProtocolError, "abc");
	assert_refused("[4,\"abc\",\"GenericError\",\"x\"]", OCPP_ERR_ProtocolError, "abc");
	assert_refused("[4,\"abc\",\"GenericError\",\"x\",{},{}]", OCPP_ERR_ProtocolError, "abc");
}

static void id_that_is_not_a_string_is_protocol_error(void **state)
{
	(void)state;
	assert_refused("[2,17,\"Heartbeat\",{}]", OCPP_ERR_ProtocolError, "");
	assert_refused("[2,null,\"Heartbeat\",{}]", OCPP_ERR_ProtocolError, "");
	assert_refused("[2,[\"a\"],\"Heartbeat\",{}]", OCPP_ERR_ProtocolError, "");
	assert_refused("[2]", OCPP_ERR_ProtocolError, "");
	assert_refused("[3,17,{}]", OCPP_ERR_ProtocolError, "");
}

static void empty_id_is_protocol_error(void **state)
{
	(void)state;
	assert_refused("[2,\"\",\"Heartbeat\",{}]", OCPP_ERR_ProtocolError, "");
}

static void id_of_36_characters_is_accepted_and_37_refused(void **state)
{
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(parse(&f, "[2,\"" ID36 "\",\"Heartbeat\",{}]", &err), OCPP_OK);
	assert_string_equal(f.id, ID36);
	ocpp_frame_release(&f);
	assert_refused("[2,\"" ID36 "7\",\"Heartbeat\",{}]", OCPP_ERR_ProtocolError, "");
	/* a UUID, the usual form, fits */
	assert_parses_lim("[2,\"3f1b0c52-7c8e-4a4d-9a2e-2b6f0d1e9c77\",\"Heartbeat\",{}]", NULL);
}

static void action_that_is_not_a_string_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("[2,\"a\",7,{}]", OCPP_ERR_FormationViolation, "a");
	assert_refused("[2,\"a\",null,{}]", OCPP_ERR_FormationViolation, "a");
}

static void callerror_with_wrong_element_types_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("[4,\"a\",7,\"x\",{}]", OCPP_ERR_FormationViolation, "a");
	assert_refused("[4,\"a\",\"GenericError\",null,{}]", OCPP_ERR_FormationViolation, "a");
	assert_refused("[4,\"a\",\"GenericError\",\"x\",[]]", OCPP_ERR_FormationViolation, "a");
	assert_refused("[4,\"a\",\"GenericError\",\"x\",null]", OCPP_ERR_FormationViolation, "a");
}

static void frame_bigger_than_max_frame_is_formation_violation(void **state)
{
	const char *frame = "[2,\"1\",\"DataTransfer\",{\"vendorId\":\"v\",\"data\":\"0123456789\"}]";
	struct ocpp_limits at = {.max_frame = strlen(frame)}, below = {.max_frame = strlen(frame) - 1};

	(void)state;
	assert_parses_lim(frame, &at);
	assert_refused_lim(frame, &below, OCPP_ERR_FormationViolation, "");
}

static void default_max_frame_is_64_kib(void **state)
{
	size_t size = OCPP_DEFAULT_MAX_FRAME + 64,
	       fixed = strlen("[2,\"1\",\"DataTransfer\",{\"vendorId\":\"v\",\"data\":\"\"}]");
	char *frame = malloc(size), *data = malloc(size);

	(void)state;
	assert_non_null(frame);
	assert_non_null(data);
	tu_repeat(data, size, "d", OCPP_DEFAULT_MAX_FRAME - fixed);
	snprintf(frame, size, "[2,\"1\",\"DataTransfer\",{\"vendorId\":\"v\",\"data\":\"%s\"}]", data);
	assert_int_equal(strlen(frame), OCPP_DEFAULT_MAX_FRAME);
	assert_parses_lim(frame, NULL);
	tu_repeat(data, size, "d", OCPP_DEFAULT_MAX_FRAME - fixed + 1);
	snprintf(frame, size, "[2,\"1\",\"DataTransfer\",{\"vendorId\":\"v\",\"data\":\"%s\"}]", data);
	assert_refused(frame, OCPP_ERR_FormationViolation, "");
	free(data);
	free(frame);
}

static void invalid_utf8_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("[2,\"a\",\"Authorize\",{\"idTag\":\"\xc0\x80\"}]", OCPP_ERR_FormationViolation, "");
	assert_refused("[2,\"a\",\"Authorize\",{\"idTag\":\"\xed\xa0\x80\"}]", OCPP_ERR_FormationViolation, "");
	assert_refused("[2,\"a\",\"Authorize\",{\"idTag\":\"\xff\"}]", OCPP_ERR_FormationViolation, "");
	assert_refused("[2,\"a\",\"Authorize\",{\"idTag\":\"x\"}]\xe2\x82", OCPP_ERR_FormationViolation, "");
	assert_parses_lim("[2,\"a\",\"Authorize\",{\"idTag\":\"caf\xc3\xa9 \xf0\x9f\x94\x8c\"}]", NULL);
}

static void escaped_lone_surrogate_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("[2,\"a\",\"Authorize\",{\"idTag\":\"\\udc00\"}]", OCPP_ERR_FormationViolation, "");
	assert_refused("[2,\"a\",\"Authorize\",{\"idTag\":\"\\ud800x\"}]", OCPP_ERR_FormationViolation, "");
}

static void nesting_deeper_than_max_depth_is_formation_violation(void **state)
{
	struct ocpp_limits lim = {.max_depth = 4};

	(void)state;
	/* frame array 1, payload 2, data 3, inner 4 */
	assert_parses_lim("[2,\"a\",\"X\",{\"a\":{\"b\":[1]}}]", &lim);
	assert_parses_lim("[3,\"a\",{\"a\":[[1],[2]],\"b\":{\"c\":{}}}]", &lim);
	assert_refused_lim("[2,\"a\",\"X\",{\"a\":{\"b\":[[1]]}}]", &lim, OCPP_ERR_FormationViolation, NULL);
	assert_refused_lim("[3,\"a\",{\"a\":{\"b\":{\"c\":{}}}}]", &lim, OCPP_ERR_FormationViolation, NULL);
}

static void brackets_inside_strings_do_not_count_as_nesting(void **state)
{
	struct ocpp_limits lim = {.max_depth = 2};

	(void)state;
	assert_parses_lim("[2,\"[[[[\",\"X\",{\"k{{{{\":\"]]]]{{{{[[[[\"}]", &lim);
	assert_parses_lim("[2,\"a\",\"X\",{\"k\":\"\\\"[[[[\"}]", &lim);
}

static void default_depth_limit_refuses_deep_frames(void **state)
{
	char frame[256];
	size_t at = 0;

	(void)state;
	/* 2 levels for the frame and payload, then 30 more */
	at += (size_t)snprintf(frame, sizeof(frame), "[2,\"a\",\"DataTransfer\",{\"x\":");
	for (int i = 0; i < 30; i++)
		frame[at++] = '[';
	for (int i = 0; i < 30; i++)
		frame[at++] = ']';
	frame[at++] = '}';
	frame[at++] = ']';
	frame[at] = '\0';
	assert_refused(frame, OCPP_ERR_FormationViolation, NULL);
}

static void trailing_garbage_after_the_array_is_formation_violation(void **state)
{
	(void)state;
	assert_refused("[2,\"a\",\"Heartbeat\",{}] x", OCPP_ERR_FormationViolation, NULL);
	assert_refused("[2,\"a\",\"Heartbeat\",{}][2,\"b\",\"Heartbeat\",{}]", OCPP_ERR_FormationViolation, NULL);
	assert_refused("[2,\"a\",\"Heartbeat\",{}]}", OCPP_ERR_FormationViolation, NULL);
}

static void embedded_nul_within_length_is_refused(void **state)
{
	const char frame[] = "[2,\"a\",\"Heartbeat\",{}]\0[2,\"b\",\"Heartbeat\",{}]";
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	assert_int_equal(ocpp_frame_parse(&f, frame, sizeof(frame) - 1, NULL, &err), OCPP_EINVAL);
	assert_int_equal(err.code, OCPP_ERR_FormationViolation);
	ocpp_frame_release(&f);
}

static void frames_can_be_parsed_one_after_another(void **state)
{
	struct ocpp_frame a, b;
	struct ocpp_error err;

	(void)state;
	/* two frames alive at once keep their own trees */
	assert_int_equal(parse(&a, "[2,\"a\",\"Authorize\",{\"idTag\":\"AAA\"}]", &err), OCPP_OK);
	assert_int_equal(parse(&b, "[2,\"b\",\"Authorize\",{\"idTag\":\"BBB\"}]", &err), OCPP_OK);
	tu_assert_json_text(a.payload, "{'idTag':'AAA'}");
	tu_assert_json_text(b.payload, "{'idTag':'BBB'}");
	ocpp_frame_release(&a);
	tu_assert_json_text(b.payload, "{'idTag':'BBB'}");
	ocpp_frame_release(&b);
	for (int i = 0; i < 2000; i++) {
		assert_int_equal(parse(&a, "[3,\"c\",{\"currentTime\":\"2026-11-20T10:00:00Z\"}]", &err), OCPP_OK);
		ocpp_frame_release(&a);
	}
}

static void many_frames_alive_at_once_keep_their_contents(void **state)
{
	enum { N = 3000 }; /* far more than fits in one parse arena */
	struct ocpp_frame *f = calloc(N, sizeof(*f));
	struct ocpp_error err;
	char text[256];

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < N; i++) {
		snprintf(text, sizeof(text),
		         "[2,\"%d\",\"MeterValues\",{\"connectorId\":%d,\"meterValue\":[{\"timestamp\":"
		         "\"2026-11-20T10:00:00Z\",\"sampledValue\":[{\"value\":\"%d\"},{\"value\":\"x\"}]}]}]",
		         i, i, i * 7);
		assert_int_equal(parse(&f[i], text, &err), OCPP_OK);
	}
	/* release every other one, parse more on top, then check all survivors */
	for (int i = 0; i < N; i += 2)
		ocpp_frame_release(&f[i]);
	for (int i = 0; i < N; i += 2)
		assert_int_equal(parse(&f[i], "[3,\"r\",{\"a\":[1,2,3,{\"b\":\"cccccccccccccccc\"}]}]", &err), OCPP_OK);
	for (int i = 1; i < N; i += 2) {
		const cJSON *mv = cJSON_GetArrayItem(cJSON_GetObjectItem(f[i].payload, "meterValue"), 0);
		const cJSON *sv = cJSON_GetArrayItem(cJSON_GetObjectItem(mv, "sampledValue"), 0);

		snprintf(text, sizeof(text), "%d", i);
		assert_string_equal(f[i].id, text);
		assert_int_equal(cJSON_GetObjectItem(f[i].payload, "connectorId")->valueint, i);
		snprintf(text, sizeof(text), "%d", i * 7);
		assert_string_equal(cJSON_GetObjectItem(sv, "value")->valuestring, text);
	}
	for (int i = 0; i < N; i++)
		ocpp_frame_release(&f[i]);
	free(f);
}

/* ---- builders ---- */

static void call_builder_writes_the_call_frame(void **state)
{
	cJSON *payload = tu_parse_sq("{'idTag':'04E91C5A2B3F80'}");
	char *text = ocpp_frame_call("42", "Authorize", payload);

	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "[2,\"42\",\"Authorize\",{\"idTag\":\"04E91C5A2B3F80\"}]");
	free(text);
	/* the payload is borrowed, not consumed */
	tu_assert_json_text(payload, "{'idTag':'04E91C5A2B3F80'}");
	cJSON_Delete(payload);
	text = ocpp_frame_call("43", "Heartbeat", NULL);
	assert_string_equal(text, "[2,\"43\",\"Heartbeat\",{}]");
	free(text);
}

static void result_builder_writes_the_callresult_frame(void **state)
{
	cJSON *payload = tu_parse_sq("{'currentTime':'2026-11-20T10:00:00Z'}");
	char *text = ocpp_frame_result("42", payload);

	(void)state;
	assert_string_equal(text, "[3,\"42\",{\"currentTime\":\"2026-11-20T10:00:00Z\"}]");
	free(text);
	cJSON_Delete(payload);
	text = ocpp_frame_result("43", NULL);
	assert_string_equal(text, "[3,\"43\",{}]");
	free(text);
}

static void error_builder_with_null_details_gives_empty_object(void **state)
{
	char *text = ocpp_frame_error("42", OCPP_ERR_OccurenceConstraintViolation, "idTag missing", NULL);
	cJSON *details = tu_parse_sq("{'field':'idTag'}");

	(void)state;
	assert_string_equal(text, "[4,\"42\",\"OccurenceConstraintViolation\",\"idTag missing\",{}]");
	free(text);
	text = ocpp_frame_error("43", OCPP_ERR_NotImplemented, NULL, details);
	assert_string_equal(text, "[4,\"43\",\"NotImplemented\",\"\",{\"field\":\"idTag\"}]");
	free(text);
	cJSON_Delete(details);
}

static void built_frames_parse_back(void **state)
{
	cJSON *payload = tu_parse_sq("{'text':'quote \\' and \\\\ and \\u00e9 and [{'}");
	char *texts[3];
	struct ocpp_frame f;
	struct ocpp_error err;

	(void)state;
	texts[0] = ocpp_frame_call(ID36, "DataTransfer", payload);
	texts[1] = ocpp_frame_result(ID36, payload);
	texts[2] = ocpp_frame_error(ID36, OCPP_ERR_GenericError, "d\"e\\sc", payload);
	for (int i = 0; i < 3; i++) {
		assert_non_null(texts[i]);
		assert_int_equal(parse(&f, texts[i], &err), OCPP_OK);
		assert_int_equal(f.type, OCPP_CALL + i);
		assert_string_equal(f.id, ID36);
		assert_true(tu_json_equal(f.payload, payload));
		if (i == 2) {
			assert_string_equal(f.error_code, "GenericError");
			assert_string_equal(f.error_description, "d\"e\\sc");
		}
		ocpp_frame_release(&f);
		free(texts[i]);
	}
	cJSON_Delete(payload);
}

static void call_builder_with_null_action_returns_null_without_leaking(void **state)
{
	cJSON *payload = tu_parse_sq("{'a':1}");

	(void)state;
	/* LeakSanitizer fails the run if the payload reference built before the refusal is not freed */
	assert_null(ocpp_frame_call("1", NULL, payload));
	assert_null(ocpp_frame_call(NULL, "Heartbeat", payload));
	assert_null(ocpp_frame_result(NULL, payload));
	cJSON_Delete(payload);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(call_frame_parses_into_id_action_and_payload),
	    cmocka_unit_test(callresult_frame_parses_into_id_and_payload),
	    cmocka_unit_test(callerror_frame_parses_into_code_description_and_details),
	    cmocka_unit_test(whitespace_around_and_inside_the_frame_is_accepted),
	    cmocka_unit_test(call_payload_is_handed_over_even_when_not_an_object),
	    cmocka_unit_test(text_that_is_not_json_is_formation_violation),
	    cmocka_unit_test(json_that_is_not_an_array_is_formation_violation),
	    cmocka_unit_test(missing_or_non_numeric_message_type_is_formation_violation),
	    cmocka_unit_test(unknown_message_type_number_is_ignored),
	    cmocka_unit_test(wrong_element_count_is_protocol_error_with_the_id_kept),
	    cmocka_unit_test(id_that_is_not_a_string_is_protocol_error),
	    cmocka_unit_test(empty_id_is_protocol_error),
	    cmocka_unit_test(id_of_36_characters_is_accepted_and_37_refused),
	    cmocka_unit_test(action_that_is_not_a_string_is_formation_violation),
	    cmocka_unit_test(callerror_with_wrong_element_types_is_formation_violation),
	    cmocka_unit_test(frame_bigger_than_max_frame_is_formation_violation),
	    cmocka_unit_test(default_max_frame_is_64_kib),
	    cmocka_unit_test(invalid_utf8_is_formation_violation),
	    cmocka_unit_test(escaped_lone_surrogate_is_formation_violation),
	    cmocka_unit_test(nesting_deeper_than_max_depth_is_formation_violation),
	    cmocka_unit_test(brackets_inside_strings_do_not_count_as_nesting),
	    cmocka_unit_test(default_depth_limit_refuses_deep_frames),
	    cmocka_unit_test(trailing_garbage_after_the_array_is_formation_violation),
	    cmocka_unit_test(embedded_nul_within_length_is_refused),
	    cmocka_unit_test(frames_can_be_parsed_one_after_another),
	    cmocka_unit_test(many_frames_alive_at_once_keep_their_contents),
	    cmocka_unit_test(call_builder_writes_the_call_frame),
	    cmocka_unit_test(result_builder_writes_the_callresult_frame),
	    cmocka_unit_test(error_builder_with_null_details_gives_empty_object),
	    cmocka_unit_test(built_frames_parse_back),
	    cmocka_unit_test(call_builder_with_null_action_returns_null_without_leaking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_lengths.c — CiString maxLength boundaries, decoding and encoding: exactly the limit is accepted,
 * one more is refused, and the limit counts code points (what JSON Schema maxLength counts), not bytes. */
#include "test_util.h"

#define E_ACUTE "\xc3\xa9"         /* é: 2 bytes, 1 code point */
#define EURO    "\xe2\x82\xac"     /* €: 3 bytes */
#define PLUG    "\xf0\x9f\x94\x8c" /* 🔌: 4 bytes */
#define BIG     12000              /* room for the longest strings below */

struct boundary {
	const struct ocpp_type *type;
	const char *extra; /* the other required members */
	const char *field;
	size_t max;
};

/* One field of each CiString size (and the long security-extension strings). */
static const struct boundary boundaries[] = {
    {&ocpp_type_authorize_req, "", "idTag", 20},
    {&ocpp_type_boot_notification_req, "'chargePointVendor':'V','chargePointModel':'M'", "chargePointSerialNumber", 25},
    {&ocpp_type_boot_notification_req, "'chargePointModel':'M'", "chargePointVendor", 20},
    {&ocpp_type_boot_notification_req, "'chargePointVendor':'V','chargePointModel':'M'", "firmwareVersion", 50},
    {&ocpp_type_change_configuration_req, "'value':'1'", "key", 50},
    {&ocpp_type_change_configuration_req, "'key':'K'", "value", 500},
    {&ocpp_type_data_transfer_req, "", "vendorId", 255},
    {&ocpp_type_data_transfer_req, "'vendorId':'V'", "messageId", 50},
    {&ocpp_type_status_notification_req, "'connectorId':1,'errorCode':'NoError','status':'Available'", "vendorId", 255},
    {&ocpp_type_get_diagnostics_conf, "", "fileName", 255},
    {&ocpp_type_sign_certificate_req, "", "csr", 5500},
    {&ocpp_type_certificate_signed_req, "", "certificateChain", 10000},
};

/* Decodes {extra, field: n copies of unit} as the boundary's type; returns the decode result. */
static int decode_repeated(const struct boundary *b, const char *unit, size_t n, struct ocpp_error *err)
{
	char *text = malloc(BIG * 4 + 512);
	struct ocpp_payload p;
	int rc;

	assert_non_null(text);
	tu_object_with_string(text, BIG * 4 + 512, b->extra, b->field, unit, n);
	rc = tu_decode(b->type, text, &p, err);
	ocpp_payload_release(&p);
	free(text);
	return rc;
}

static void check_boundary(const struct boundary *b, const char *unit)
{
	struct ocpp_error err;
	char want[80];

	if (decode_repeated(b, unit, b->max, &err))
		fail_msg("%s.%s of %zu x \"%s\" refused: %s", b->type->name, b->field, b->max, unit, err.message);
	if (decode_repeated(b, unit, b->max + 1, &err) != OCPP_EINVAL)
		fail_msg("%s.%s of %zu x \"%s\" accepted", b->type->name, b->field, b->max + 1, unit);
	assert_int_equal(err.code, OCPP_ERR_PropertyConstraintViolation);
	snprintf(want, sizeof(want), "%s.%s", b->type->name, b->field);
	assert_non_null(strstr(err.message, want));
}

static void each_cistring_accepts_its_max_length_and_refuses_one_more(void **state)
{
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(boundaries); i++)
		check_boundary(&boundaries[i], "A");
}

static void max_length_counts_two_byte_characters_once(void **state)
{
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(boundaries); i++)
		check_boundary(&boundaries[i], E_ACUTE);
}

static void max_length_counts_three_and_four_byte_characters_once(void **state)
{
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(boundaries); i++) {
		check_boundary(&boundaries[i], EURO);
		check_boundary(&boundaries[i], PLUG);
	}
}

static void id_tag_of_twenty_e_acute_is_accepted(void **state)
{
	struct ocpp_payload p;
	struct ocpp_error err;
	char text[128];

	(void)state;
	tu_object_with_string(text, sizeof(text), "", "idTag", E_ACUTE, 20);
	assert_int_equal(tu_decode(&ocpp_type_authorize_req, text, &p, &err), OCPP_OK);
	assert_int_equal(strlen(((const struct ocpp_authorize_req *)p.data)->id_tag), 40);
	ocpp_payload_release(&p);
	tu_object_with_string(text, sizeof(text), "", "idTag", E_ACUTE, 21);
	tu_assert_refuses(&ocpp_type_authorize_req, text, OCPP_ERR_PropertyConstraintViolation, "AuthorizeReq.idTag");
}

static void escaped_characters_count_once(void **state)
{
	(void)state;
	/* \u00e9 is one character, the escape is six bytes of text */
	tu_assert_accepts(&ocpp_type_authorize_req,
	                  "{'idTag':'\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
	                  "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9'}");
	/* a surrogate pair escape is one code point */
	tu_assert_accepts(&ocpp_type_authorize_req, "{'idTag':'1234567890123456789\\ud83d\\udd0c'}");
	tu_assert_refuses(&ocpp_type_authorize_req, "{'idTag':'12345678901234567890\\ud83d\\udd0c'}",
	                  OCPP_ERR_PropertyConstraintViolation, "idTag");
}

static void empty_strings_are_accepted(void **state)
{
	(void)state;
	tu_assert_accepts(&ocpp_type_authorize_req, "{'idTag':''}");
	tu_assert_accepts(&ocpp_type_change_configuration_req, "{'key':'','value':''}");
}

static void unbounded_string_is_limited_in_bytes_by_max_string(void **state)
{
	struct ocpp_limits lim = {.max_string = 8};
	char text[128];

	(void)state;
	/* 4 x é is 8 bytes: at the limit; 5 x é is 10 bytes: over it, though only 5 characters */
	tu_object_with_string(text, sizeof(text), "'vendorId':'V'", "data", E_ACUTE, 4);
	tu_assert_accepts_lim(&ocpp_type_data_transfer_req, text, &lim);
	tu_object_with_string(text, sizeof(text), "'vendorId':'V'", "data", E_ACUTE, 5);
	tu_assert_refuses_lim(&ocpp_type_data_transfer_req, text, &lim, OCPP_ERR_PropertyConstraintViolation,
	                      "DataTransferReq.data");
}

static void default_max_string_allows_32_kib(void **state)
{
	size_t size = OCPP_DEFAULT_MAX_STRING + 128;
	char *text = malloc(size);

	(void)state;
	assert_non_null(text);
	tu_object_with_string(text, size, "'vendorId':'V'", "data", "d", OCPP_DEFAULT_MAX_STRING);
	tu_assert_accepts(&ocpp_type_data_transfer_req, text);
	tu_object_with_string(text, size, "'vendorId':'V'", "data", "d", OCPP_DEFAULT_MAX_STRING + 1);
	tu_assert_refuses(&ocpp_type_data_transfer_req, text, OCPP_ERR_PropertyConstraintViolation, "data");
	free(text);
}

/* ---- the same limits when encoding ---- */

static void encoder_accepts_max_length_and_refuses_one_more(void **state)
{
	char s[5 * 21 + 1];
	struct ocpp_authorize_req req = {s};

	(void)state;
	tu_repeat(s, sizeof(s), "A", 20);
	tu_assert_encodes_to(&ocpp_type_authorize_req, &req, "{'idTag':'AAAAAAAAAAAAAAAAAAAA'}");
	tu_repeat(s, sizeof(s), "A", 21);
	tu_assert_encode_refuses(&ocpp_type_authorize_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "AuthorizeReq.idTag");
}

static void encoder_counts_code_points_too(void **state)
{
	char s[5 * 21 + 1];
	struct ocpp_authorize_req req = {s};
	struct ocpp_error err;
	cJSON *j;

	(void)state;
	tu_repeat(s, sizeof(s), E_ACUTE, 20);
	j = ocpp_encode(&ocpp_type_authorize_req, &req, &err);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(j, "idTag")->valuestring, s);
	cJSON_Delete(j);
	tu_repeat(s, sizeof(s), PLUG, 21);
	tu_assert_encode_refuses(&ocpp_type_authorize_req, &req, OCPP_ERR_PropertyConstraintViolation, "idTag");
}

static void encoder_checks_cistring_500_of_change_configuration(void **state)
{
	char value[502];
	struct ocpp_change_configuration_req req = {"AuthorizationKey", value};
	struct ocpp_error err;
	cJSON *j;

	(void)state;
	tu_repeat(value, sizeof(value), "v", 500);
	j = ocpp_encode(&ocpp_type_change_configuration_req, &req, &err);
	assert_non_null(j);
	cJSON_Delete(j);
	tu_repeat(value, sizeof(value), "v", 501);
	tu_assert_encode_refuses(&ocpp_type_change_configuration_req, &req, OCPP_ERR_PropertyConstraintViolation,
	                         "ChangeConfigurationReq.value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(each_cistring_accepts_its_max_length_and_refuses_one_more),
	    cmocka_unit_test(max_length_counts_two_byte_characters_once),
	    cmocka_unit_test(max_length_counts_three_and_four_byte_characters_once),
	    cmocka_unit_test(id_tag_of_twenty_e_acute_is_accepted),
	    cmocka_unit_test(escaped_characters_count_once),
	    cmocka_unit_test(empty_strings_are_accepted),
	    cmocka_unit_test(unbounded_string_is_limited_in_bytes_by_max_string),
	    cmocka_unit_test(default_max_string_allows_32_kib),
	    cmocka_unit_test(encoder_accepts_max_length_and_refuses_one_more),
	    cmocka_unit_test(encoder_counts_code_points_too),
	    cmocka_unit_test(encoder_checks_cistring_500_of_change_configuration),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

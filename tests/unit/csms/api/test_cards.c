/* test_cards.c — the pure pieces of the cards API (csms_cards.c): id tag checks, card states at a time,
 * id tag lists of card list bodies (normalised, deduplicated, refused with the element named), LIKE
 * patterns that keep % and _ literal, CSV fields, and the SendLocalList chunk size. */
#include "test_util.h"

#include <stdlib.h>

#include "csms_cards.h"
#include "csms_sync.h"

static void test_tag_is_valid(void **state)
{
	(void)state;
	assert_true(csms_cards_tag_is_valid("8c45be53"));
	assert_true(csms_cards_tag_is_valid("'OR'1'='1"));
	assert_true(csms_cards_tag_is_valid("ABCDEFGHIJKLMNOPQRST"));
	assert_false(csms_cards_tag_is_valid(""));
	assert_false(csms_cards_tag_is_valid("ABCDEFGHIJKLMNOPQRSTU"));
	assert_false(csms_cards_tag_is_valid("has space"));
	assert_false(csms_cards_tag_is_valid("tab\there"));
	assert_false(csms_cards_tag_is_valid("\xc3\xa0"));
}

static void test_state(void **state)
{
	(void)state;
	assert_int_equal(csms_cards_state(100, false, 0, false, 0, false), CSMS_CARD_ACTIVE);
	assert_int_equal(csms_cards_state(100, true, 100, true, 101, false), CSMS_CARD_ACTIVE);
	assert_int_equal(csms_cards_state(100, true, 101, false, 0, false), CSMS_CARD_NOT_YET_VALID);
	assert_int_equal(csms_cards_state(100, false, 0, true, 100, false), CSMS_CARD_EXPIRED);
	assert_int_equal(csms_cards_state(100, true, 200, true, 50, true), CSMS_CARD_BLOCKED);
	assert_string_equal(csms_cards_state_name(CSMS_CARD_NOT_YET_VALID), "not_yet_valid");
	assert_int_equal(csms_cards_state_parse("expired"), CSMS_CARD_EXPIRED);
	assert_int_equal(csms_cards_state_parse("Expired"), -1);
}

static void test_parse_tags(void **state)
{
	char(*tags)[CSMS_IDTAG_MAX + 1];
	char err[200];
	(void)state;
	cJSON *a = cJSON_Parse("[\"aaa1\", \"AAA1\", \"b\", \"aaa10000000000\"]");
	assert_int_equal(csms_cards_parse_tags(a, "idTags", 10, &tags, err, sizeof(err)), 2);
	assert_string_equal(tags[0], "AAA10000000000");
	assert_string_equal(tags[1], "B0000000000000");
	free(tags);
	cJSON_Delete(a);
	a = cJSON_Parse("[\"ok\", 7]");
	assert_int_equal(csms_cards_parse_tags(a, "add", 10, &tags, err, sizeof(err)), -1);
	assert_string_equal(err, "add[1]: an id tag is 1..20 printable ASCII characters");
	assert_null(tags);
	cJSON_Delete(a);
	a = cJSON_Parse("[\"a\", \"b\", \"c\"]");
	assert_int_equal(csms_cards_parse_tags(a, "idTags", 2, &tags, err, sizeof(err)), -1);
	assert_string_equal(err, "idTags: at most 2 id tags");
	cJSON_Delete(a);
	a = cJSON_Parse("{}");
	assert_int_equal(csms_cards_parse_tags(a, "idTags", 2, &tags, err, sizeof(err)), -1);
	cJSON_Delete(a);
	a = cJSON_Parse("[]");
	assert_int_equal(csms_cards_parse_tags(a, "idTags", 2, &tags, err, sizeof(err)), 0);
	free(tags);
	cJSON_Delete(a);
}

static void test_like(void **state)
{
	char out[32];
	(void)state;
	assert_true(csms_cards_like_contains("ab", out, sizeof(out)));
	assert_string_equal(out, "%ab%");
	assert_true(csms_cards_like_contains("5%_a\\", out, sizeof(out)));
	assert_string_equal(out, "%5\\%\\_a\\\\%");
	assert_false(csms_cards_like_contains("0123456789012345678901234567890", out, sizeof(out)));
}

static void test_csv_field(void **state)
{
	char out[64];
	size_t pos = 0;
	(void)state;
	assert_true(csms_cards_csv_field("plain", out, sizeof(out), &pos));
	out[pos++] = ',';
	assert_true(csms_cards_csv_field("a \"b\", c", out, sizeof(out), &pos));
	assert_string_equal(out, "plain,\"a \"\"b\"\", c\"");
	pos = 0;
	assert_true(csms_cards_csv_field("=1+1", out, sizeof(out), &pos));
	assert_string_equal(out, "=1+1");
	char small[6];
	pos = 0;
	assert_false(csms_cards_csv_field("\"\"\"", small, sizeof(small), &pos));
}

static void test_chunk_size(void **state)
{
	(void)state;
	assert_int_equal(csms_sync_chunk_size(65536), 409);
	assert_int_equal(csms_sync_chunk_size(16 * 1024 * 1024), 500);
	assert_int_equal(csms_sync_chunk_size(100), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tag_is_valid), cmocka_unit_test(test_state),     cmocka_unit_test(test_parse_tags),
	    cmocka_unit_test(test_like),         cmocka_unit_test(test_csv_field), cmocka_unit_test(test_chunk_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

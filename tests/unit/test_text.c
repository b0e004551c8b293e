/* test_text.c — ocpp_text: UTF-8 validity and length, JSON nesting depth, RFC 3339 date-times (parse,
 * epoch value, format round trip) and URIs. */
#include "test_util.h"

static bool utf8_ok(const char *s)
{
	return ocpp_utf8_is_valid(s, strlen(s));
}

/* ---- UTF-8 ---- */

static void utf8_accepts_ascii_and_empty(void **state)
{
	(void)state;
	assert_true(utf8_ok(""));
	assert_true(utf8_ok("BootNotification 123 {}[]\t\n"));
	assert_true(ocpp_utf8_is_valid("\x7f", 1));
}

static void utf8_accepts_valid_multibyte_sequences(void **state)
{
	(void)state;
	assert_true(utf8_ok("\xc2\x80"));         /* U+0080, smallest 2-byte */
	assert_true(utf8_ok("caf\xc3\xa9"));      /* café */
	assert_true(utf8_ok("\xdf\xbf"));         /* U+07FF */
	assert_true(utf8_ok("\xe0\xa0\x80"));     /* U+0800, smallest 3-byte */
	assert_true(utf8_ok("\xe2\x82\xac"));     /* € */
	assert_true(utf8_ok("\xed\x9f\xbf"));     /* U+D7FF, just below the surrogates */
	assert_true(utf8_ok("\xee\x80\x80"));     /* U+E000, just above them */
	assert_true(utf8_ok("\xef\xbf\xbf"));     /* U+FFFF */
	assert_true(utf8_ok("\xf0\x90\x80\x80")); /* U+10000, smallest 4-byte */
	assert_true(utf8_ok("\xf0\x9f\x94\x8c")); /* 🔌 */
	assert_true(utf8_ok("\xf4\x8f\xbf\xbf")); /* U+10FFFF, the last code point */
}

static void utf8_refuses_overlong_encodings(void **state)
{
	(void)state;
	assert_false(utf8_ok("\xc0\x80"));         /* NUL in 2 bytes */
	assert_false(utf8_ok("\xc1\xbf"));         /* U+007F in 2 bytes */
	assert_false(utf8_ok("\xe0\x80\x80"));     /* NUL in 3 bytes */
	assert_false(utf8_ok("\xe0\x9f\xbf"));     /* U+07FF in 3 bytes */
	assert_false(utf8_ok("\xf0\x80\x80\x80")); /* NUL in 4 bytes */
	assert_false(utf8_ok("\xf0\x8f\xbf\xbf")); /* U+FFFF in 4 bytes */
}

static void utf8_refuses_surrogates(void **state)
{
	(void)state;
	assert_false(utf8_ok("\xed\xa0\x80")); /* U+D800 */
	assert_false(utf8_ok("\xed\xaf\xbf")); /* U+DBFF */
	assert_false(utf8_ok("\xed\xb0\x80")); /* U+DC00 */
	assert_false(utf8_ok("\xed\xbf\xbf")); /* U+DFFF */
	/* a surrogate pair encoded as two 3-byte sequences (CESU-8) */
	assert_false(utf8_ok("\xed\xa0\xbd\xed\xb4\x8c"));
}

static void utf8_refuses_code_points_beyond_10ffff(void **state)
{
	(void)state;
	assert_false(utf8_ok("\xf4\x90\x80\x80")); /* U+110000 */
	assert_false(utf8_ok("\xf5\x80\x80\x80"));
	assert_false(utf8_ok("\xf7\xbf\xbf\xbf"));
	assert_false(utf8_ok("\xf8\x88\x80\x80\x80")); /* old 5-byte form */
	assert_false(utf8_ok("\xfc\x84\x80\x80\x80\x80"));
	assert_false(utf8_ok("\xfe"));
	assert_false(utf8_ok("\xff"));
}

static void utf8_refuses_truncated_sequences(void **state)
{
	(void)state;
	assert_false(utf8_ok("\xc3"));
	assert_false(utf8_ok("ab\xe2\x82"));
	assert_false(utf8_ok("\xf0\x9f\x94"));
	/* complete in memory, but cut by the length passed */
	assert_false(ocpp_utf8_is_valid("\xe2\x82\xac", 2));
	assert_true(ocpp_utf8_is_valid("\xe2\x82\xac", 3));
	/* continuation byte missing in the middle */
	assert_false(utf8_ok("\xe2\x41\xac"));
	assert_false(utf8_ok("\xc3"
	                     "A"));
}

static void utf8_refuses_stray_continuation_bytes(void **state)
{
	(void)state;
	assert_false(utf8_ok("\x80"));
	assert_false(utf8_ok("a\xbf"
	                     "b"));
	assert_false(utf8_ok("\xc3\xa9\xa9"));
}

static void utf8_checks_only_the_given_length(void **state)
{
	const char buf[] = {'o', 'k', (char)0xff};

	(void)state;
	assert_true(ocpp_utf8_is_valid(buf, 2));
	assert_false(ocpp_utf8_is_valid(buf, 3));
	/* an embedded NUL is a valid code point */
	assert_true(ocpp_utf8_is_valid("a\0b", 3));
}

static void utf8_length_counts_code_points_not_bytes(void **state)
{
	(void)state;
	assert_int_equal(ocpp_utf8_length(""), 0);
	assert_int_equal(ocpp_utf8_length("idTag"), 5);
	assert_int_equal(ocpp_utf8_length("caf\xc3\xa9"), 4);
	assert_int_equal(ocpp_utf8_length("\xe2\x82\xac"
	                                  "10"),
	                 3);
	assert_int_equal(ocpp_utf8_length("\xf0\x9f\x94\x8c\xf0\x9f\x94\x8c"), 2);
	assert_int_equal(ocpp_utf8_length("\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x8c"
	                                  "a"),
	                 4);
}

/* ---- JSON depth ---- */

/* ---- RFC 3339 date-times ---- */

static int64_t parse_ms(const char *s)
{
	int64_t ms = -12345;

	if (!ocpp_time_parse(s, &ms))
		fail_msg("refused \"%s\"", s);
	return ms;
}

static void time_parse_gives_epoch_ms_of_known_instants(void **state)
{
	(void)state;
	assert_int_equal(parse_ms("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ms("2026-11-20T10:00:00Z"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2024-02-29T00:00:00Z"), INT64_C(1709164800000));
	assert_int_equal(parse_ms("2000-03-01T00:00:00Z"), INT64_C(951868800000));
	assert_int_equal(parse_ms("1969-12-31T23:59:59Z"), INT64_C(-1000));
	assert_int_equal(parse_ms("9999-12-31T23:59:59Z"), INT64_C(253402300799000));
}

static void time_parse_accepts_lower_case_t_and_z_and_space(void **state)
{
	(void)state;
	assert_int_equal(parse_ms("2026-11-20t10:00:00z"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20T10:00:00z"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20 10:00:00Z"), INT64_C(1795168800000));
}

static void time_parse_keeps_milliseconds_of_fractional_seconds(void **state)
{
	(void)state;
	assert_int_equal(parse_ms("2026-11-20T10:00:00.5Z"), INT64_C(1795168800500));
	assert_int_equal(parse_ms("2026-11-20T10:00:00.05Z"), INT64_C(1795168800050));
	assert_int_equal(parse_ms("2026-11-20T10:00:00.123Z"), INT64_C(1795168800123));
	/* digits past milliseconds are accepted and dropped */
	assert_int_equal(parse_ms("2026-11-20T10:00:00.123456789Z"), INT64_C(1795168800123));
	assert_int_equal(parse_ms("1969-12-31T23:59:59.250Z"), INT64_C(-750));
}

static void time_parse_applies_the_utc_offset(void **state)
{
	(void)state;
	assert_int_equal(parse_ms("2026-11-20T11:00:00+01:00"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20T09:00:00-01:00"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20T10:00:00+00:00"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20T10:00:00-00:00"), INT64_C(1795168800000));
	/* without a colon, and with minutes */
	assert_int_equal(parse_ms("2026-11-20T04:30:00-0530"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20T15:30:00+05:30"), INT64_C(1795168800000));
	assert_int_equal(parse_ms("2026-11-20T15:30:00.250+0530"), INT64_C(1795168800250));
	/* an offset that moves the instant to another day */
	assert_int_equal(parse_ms("2026-11-21T00:30:00+14:30"), INT64_C(1795168800000));
}

static void time_parse_accepts_leap_day_only_in_leap_years(void **state)
{
	(void)state;
	assert_true(ocpp_time_parse("2024-02-29T12:00:00Z", NULL));
	assert_true(ocpp_time_parse("2000-02-29T12:00:00Z", NULL)); /* divisible by 400 */
	assert_false(ocpp_time_parse("2023-02-29T12:00:00Z", NULL));
	assert_false(ocpp_time_parse("1900-02-29T12:00:00Z", NULL)); /* divisible by 100 */
	assert_false(ocpp_time_parse("2024-02-30T12:00:00Z", NULL));
}

static void time_parse_refuses_days_and_months_out_of_range(void **state)
{
	(void)state;
	assert_false(ocpp_time_parse("2026-00-10T10:00:00Z", NULL));
	assert_false(ocpp_time_parse("2026-13-10T10:00:00Z", NULL));
	assert_false(ocpp_time_parse("2026-11-00T10:00:00Z", NULL));
	assert_false(ocpp_time_parse("2026-11-31T10:00:00Z", NULL));
	assert_false(ocpp_time_parse("2026-04-31T10:00:00Z", NULL));
	assert_true(ocpp_time_parse("2026-12-31T10:00:00Z", NULL));
}

static void time_parse_accepts_leap_second_at_end_of_utc_day(void **state)
{
	(void)state;
	assert_true(ocpp_time_parse("2016-12-31T23:59:60Z", NULL));
	/* counted as the second before it */
	assert_int_equal(parse_ms("2016-12-31T23:59:60Z"), INT64_C(1483228799000));
	/* RFC 3339 section 5.8 example: the same leap second seen from UTC-08:00 */
	assert_true(ocpp_time_parse("1990-12-31T15:59:60-08:00", NULL));
}

static void time_parse_refuses_leap_second_elsewhere(void **state)
{
	(void)state;
	assert_false(ocpp_time_parse("2016-12-31T23:58:60Z", NULL));
	assert_false(ocpp_time_parse("2016-12-31T12:00:60Z", NULL));
	assert_false(ocpp_time_parse("2016-12-31T23:59:61Z", NULL));
	/* 23:59:60 local is 22:59:60 UTC: not a leap second */
	assert_false(ocpp_time_parse("2016-12-31T23:59:60+01:00", NULL));
}

static void time_parse_refuses_hours_and_minutes_out_of_range(void **state)
{
	(void)state;
	assert_false(ocpp_time_parse("2026-11-20T25:00:00Z", NULL));
	assert_false(ocpp_time_parse("2026-11-20T24:00:00Z", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:60:00Z", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:61Z", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:00+24:00", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:00+01:60", NULL));
}

static void time_parse_refuses_missing_time_zone(void **state)
{
	(void)state;
	assert_false(ocpp_time_parse("2026-11-20T10:00:00", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:00.000", NULL));
	assert_false(ocpp_time_parse("2026-11-20", NULL));
}

static void time_parse_refuses_trailing_junk(void **state)
{
	(void)state;
	assert_false(ocpp_time_parse("2026-11-20T10:00:00Zjunk", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:00Z ", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:00+01:00:00", NULL));
	assert_false(ocpp_time_parse("2026-11-20T10:00:00+01:00Z", NULL));
}

static void time_parse_refuses_malformed_text(void **state)
{
	static const char *const bad[] = {
	    "",
	    "yesterday",
	    "2026-11-20X10:00:00Z",
	    "2026/11/20T10:00:00Z",
	    "26-11-20T10:00:00Z",
	    "2026-1-20T10:00:00Z",
	    "2026-11-20T10:0:00Z",
	    "2026-11-20T10:00Z",
	    "2026-11-20T10:00:00.Z",    /* a dot needs digits */
	    "2026-11-20T10:00:00,5Z",   /* comma decimal */
	    "2026-11-20T10:00:00+1:00", /* one-digit hour offset */
	    "2026-11-20T10:00:00+01:0", /* one-digit minute offset */
	    "2026-11-20T10:00:00+01:",  /* colon without minutes */
	    "2026-11-20T10:00:00+",
	    " 2026-11-20T10:00:00Z",
	    "+2026-11-20T10:00:00Z",
	    "2026-11-20T10:00:00UTC",
	};

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++)
		if (ocpp_time_parse(bad[i], NULL))
			fail_msg("accepted \"%s\"", bad[i]);
}

static void time_parse_leaves_result_alone_when_refusing(void **state)
{
	int64_t ms = 77;

	(void)state;
	assert_false(ocpp_time_parse("2023-02-29T00:00:00Z", &ms));
	assert_int_equal(ms, 77);
}

static void time_format_writes_utc_with_milliseconds(void **state)
{
	char buf[32];

	(void)state;
	ocpp_time_format(INT64_C(1795168800000), buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-20T10:00:00.000Z");
	ocpp_time_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
	ocpp_time_format(INT64_C(1709164800123), buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T00:00:00.123Z");
	ocpp_time_format(INT64_C(-1), buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	ocpp_time_format(INT64_C(253402300799999), buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
	ocpp_time_format(INT64_C(951782400000), buf, sizeof(buf));
	assert_string_equal(buf, "2000-02-29T00:00:00.000Z");
}

static void time_format_fits_in_25_bytes_and_truncates_safely(void **state)
{
	char buf[25], small[11];

	(void)state;
	ocpp_time_format(INT64_C(1795168800000), buf, sizeof(buf));
	assert_int_equal(strlen(buf), 24);
	memset(small, 'x', sizeof(small));
	ocpp_time_format(INT64_C(1795168800000), small, sizeof(small));
	assert_string_equal(small, "2026-11-20");
}

static void time_format_and_parse_round_trip(void **state)
{
	static const int64_t samples[] = {
	    0,
	    1,
	    999,
	    -1,
	    -86400000,
	    INT64_C(951782400000),  /* 2000-02-29 */
	    INT64_C(1709164800000), /* 2024-02-29 */
	    INT64_C(1795168800000),
	    INT64_C(1795168800987),
	    INT64_C(4102444799999),  /* 2099-12-31T23:59:59.999 */
	    INT64_C(-2208988800000), /* 1900-01-01 */
	    INT64_C(253402300799999),
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(samples); i++) {
		ocpp_time_format(samples[i], buf, sizeof(buf));
		assert_int_equal(parse_ms(buf), samples[i]);
	}
	/* every day of a leap year and of a common year */
	for (int64_t day = 0; day < 2 * 366; day++) {
		int64_t ms = INT64_C(1704067200000) + day * 86400000 + 12345; /* from 2024-01-01 */

		ocpp_time_format(ms, buf, sizeof(buf));
		assert_int_equal(parse_ms(buf), ms);
	}
}

static void time_parse_then_format_normalises_to_utc(void **state)
{
	char buf[32];

	(void)state;
	ocpp_time_format(parse_ms("2026-11-20T15:30:00.5+05:30"), buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-20T10:00:00.500Z");
}

/* ---- URIs ---- */

static void uri_accepts_absolute_uris(void **state)
{
	static const char *const good[] = {
	    "http://example.com",
	    "https://fw.wattline.example/wl22/1.4.2.bin?sig=abc%20d#frag",
	    "ftp://user:pw@10.0.0.1:21/diag/",
	    "sftp://logs.example.net/upload",
	    "urn:isbn:0451450523",
	    "mailto:ops@example.com",
	    "x+y-z.w:stuff",
	    "file:///var/log/ocpp.log",
	    "http:",
	};

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(good); i++)
		if (!ocpp_uri_is_valid(good[i]))
			fail_msg("refused \"%s\"", good[i]);
}

static void uri_refuses_relative_or_malformed_text(void **state)
{
	static const char *const bad[] = {
	    "",
	    "example.com/path",
	    "/var/log",
	    "://no-scheme",
	    "1http://digit-first",
	    "-x:y",
	    "ht tp://space-in-scheme",
	    "http://space in path",
	    "http://tab\tin",
	    "http://newline\n",
	    "http://del\x7f",
	    "http://ctl\x01",
	    "not a uri",
	};

	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(bad); i++)
		if (ocpp_uri_is_valid(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(utf8_accepts_ascii_and_empty),
	    cmocka_unit_test(utf8_accepts_valid_multibyte_sequences),
	    cmocka_unit_test(utf8_refuses_overlong_encodings),
	    cmocka_unit_test(utf8_refuses_surrogates),
	    cmocka_unit_test(utf8_refuses_code_points_beyond_10ffff),
	    cmocka_unit_test(utf8_refuses_truncated_sequences),
	    cmocka_unit_test(utf8_refuses_stray_continuation_bytes),
	    cmocka_unit_test(utf8_checks_only_the_given_length),
	    cmocka_unit_test(utf8_length_counts_code_points_not_bytes),
	    cmocka_unit_test(time_parse_gives_epoch_ms_of_known_instants),
	    cmocka_unit_test(time_parse_accepts_lower_case_t_and_z_and_space),
	    cmocka_unit_test(time_parse_keeps_milliseconds_of_fractional_seconds),
	    cmocka_unit_test(time_parse_applies_the_utc_offset),
	    cmocka_unit_test(time_parse_accepts_leap_day_only_in_leap_years),
	    cmocka_unit_test(time_parse_refuses_days_and_months_out_of_range),
	    cmocka_unit_test(time_parse_accepts_leap_second_at_end_of_utc_day),
	    cmocka_unit_test(time_parse_refuses_leap_second_elsewhere),
	    cmocka_unit_test(time_parse_refuses_hours_and_minutes_out_of_range),
	    cmocka_unit_test(time_parse_refuses_missing_time_zone),
	    cmocka_unit_test(time_parse_refuses_trailing_junk),
	    cmocka_unit_test(time_parse_refuses_malformed_text),
	    cmocka_unit_test(time_parse_leaves_result_alone_when_refusing),
	    cmocka_unit_test(time_format_writes_utc_with_milliseconds),
	    cmocka_unit_test(time_format_fits_in_25_bytes_and_truncates_safely),
	    cmocka_unit_test(time_format_and_parse_round_trip),
	    cmocka_unit_test(time_parse_then_format_normalises_to_utc),
	    cmocka_unit_test(uri_accepts_absolute_uris),
	    cmocka_unit_test(uri_refuses_relative_or_malformed_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

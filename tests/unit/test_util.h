/* test_util.h — small helpers shared by the OCPP unit tests: parse JSON text, compare JSON semantically,
 * decode a payload and check the refusal it gives. Header-only (static inline) so each test is one file. */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

/* cmocka needs these before its own header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "ocpp.h"

#define TU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parses JSON text; fails the test when it is not JSON. Free with cJSON_Delete. */
static inline cJSON *tu_parse(const char *text)
{
	cJSON *j = cJSON_Parse(text);

	if (!j)
		fail_msg("test JSON does not parse: %s", text);
	return j;
}

/* Parses JSON text written with single quotes for readability ({'idTag':'A1'}); every ' becomes ". */
static inline cJSON *tu_parse_sq(const char *text)
{
	size_t n = strlen(text);
	char *copy = malloc(n + 1);
	cJSON *j;

	assert_non_null(copy);
	for (size_t i = 0; i <= n; i++)
		copy[i] = text[i] == '\'' ? '"' : text[i];
	j = tu_parse(copy);
	free(copy);
	return j;
}

/* True when the two JSON values are equal as JSON (member order ignored, numbers by value). */
static inline bool tu_json_equal(const cJSON *a, const cJSON *b)
{
	return cJSON_Compare(a, b, true);
}

/* Prints j and parses the text again: what a peer would receive (raw number items become numbers).
 * Free with cJSON_Delete. */
static inline cJSON *tu_reparse(const cJSON *j)
{
	char *text = cJSON_PrintUnformatted(j);
	cJSON *back;

	assert_non_null(text);
	back = tu_parse(text);
	free(text);
	return back;
}

/* Fails the test, printing both values, unless actual equals the JSON text expected.
 * Here and below, JSON texts given to helpers may use single quotes (see tu_parse_sq). */
static inline void tu_assert_json_text(const cJSON *actual, const char *expected)
{
	cJSON *want = tu_parse_sq(expected), *got_json = actual ? tu_reparse(actual) : NULL;
	bool same = tu_json_equal(got_json, want);

	if (!same) {
		char *got = actual ? cJSON_PrintUnformatted(actual) : NULL;

		print_error("expected %s\n     got %s\n", expected, got ? got : "(null)");
		free(got);
	}
	cJSON_Delete(want);
	cJSON_Delete(got_json);
	assert_true(same);
}

/* Same, for two JSON texts. */
static inline void tu_assert_same_json_text(const char *actual, const char *expected)
{
	cJSON *a = tu_parse(actual);

	tu_assert_json_text(a, expected);
	cJSON_Delete(a);
}

/* Decodes the JSON text as type with the given limits (NULL: defaults). Release p afterwards. */
static inline int tu_decode_lim(const struct ocpp_type *type, const char *text, const struct ocpp_limits *lim,
                                struct ocpp_payload *p, struct ocpp_error *err)
{
	cJSON *j = tu_parse_sq(text);
	int rc;

	memset(err, 0, sizeof(*err));
	rc = ocpp_decode(type, j, lim, p, err);
	cJSON_Delete(j);
	return rc;
}

static inline int tu_decode(const struct ocpp_type *type, const char *text, struct ocpp_payload *p,
                            struct ocpp_error *err)
{
	return tu_decode_lim(type, text, NULL, p, err);
}

/* Asserts that the text decodes as type (releases the payload). */
static inline void tu_assert_accepts_lim(const struct ocpp_type *type, const char *text, const struct ocpp_limits *lim)
{
	struct ocpp_payload p;
	struct ocpp_error err;
	int rc = tu_decode_lim(type, text, lim, &p, &err);

	if (rc)
		print_error("%s refused %s: %s\n", type->name, text, err.message);
	ocpp_payload_release(&p);
	assert_int_equal(rc, OCPP_OK);
}

static inline void tu_assert_accepts(const struct ocpp_type *type, const char *text)
{
	tu_assert_accepts_lim(type, text, NULL);
}

/* Asserts that decoding the text as type fails with OCPP_EINVAL, the CALLERROR code and a message
 * containing needle (when not NULL). */
static inline void tu_assert_refuses_lim(const struct ocpp_type *type, const char *text, const struct ocpp_limits *lim,
                                         enum ocpp_error_code code, const char *needle)
{
	struct ocpp_payload p;
	struct ocpp_error err;
	int rc = tu_decode_lim(type, text, lim, &p, &err);

	ocpp_payload_release(&p);
	if (rc != OCPP_EINVAL || err.code != code || (needle && !strstr(err.message, needle)))
		print_error("%s on %s\n  want %s containing \"%s\"\n  got rc %d, %s: %s\n", type->name, text,
		            ocpp_error_code_name(code), needle ? needle : "", rc,
		            rc ? ocpp_error_code_name(err.code) : "-", rc ? err.message : "");
	assert_int_equal(rc, OCPP_EINVAL);
	assert_string_equal(ocpp_error_code_name(err.code), ocpp_error_code_name(code));
	if (needle)
		assert_non_null(strstr(err.message, needle));
}

static inline void tu_assert_refuses(const struct ocpp_type *type, const char *text, enum ocpp_error_code code,
                                     const char *needle)
{
	tu_assert_refuses_lim(type, text, NULL, code, needle);
}

/* Asserts that ocpp_encode refuses data with the code and a message containing needle (when not NULL). */
static inline void tu_assert_encode_refuses(const struct ocpp_type *type, const void *data, enum ocpp_error_code code,
                                            const char *needle)
{
	struct ocpp_error err;
	cJSON *j;

	memset(&err, 0, sizeof(err));
	j = ocpp_encode(type, data, &err);
	if (j || err.code != code || (needle && !strstr(err.message, needle))) {
		char *text = j ? cJSON_PrintUnformatted(j) : NULL;

		print_error("%s: want %s containing \"%s\"; got %s, %s: %s\n", type->name, ocpp_error_code_name(code),
		            needle ? needle : "", text ? text : "NULL", ocpp_error_code_name(err.code), err.message);
		free(text);
	}
	assert_null(j);
	cJSON_Delete(j);
	assert_string_equal(ocpp_error_code_name(err.code), ocpp_error_code_name(code));
	if (needle)
		assert_non_null(strstr(err.message, needle));
}

/* Asserts that ocpp_encode accepts data and gives the JSON text expected. */
static inline void tu_assert_encodes_to(const struct ocpp_type *type, const void *data, const char *expected)
{
	struct ocpp_error err;
	cJSON *j;

	memset(&err, 0, sizeof(err));
	j = ocpp_encode(type, data, &err);
	if (!j)
		print_error("%s refused: %s\n", type->name, err.message);
	assert_non_null(j);
	tu_assert_json_text(j, expected);
	cJSON_Delete(j);
}

/* Writes n copies of unit into buf (size bytes) as a NUL-terminated string; returns buf. */
static inline char *tu_repeat(char *buf, size_t size, const char *unit, size_t n)
{
	size_t u = strlen(unit), at = 0;

	assert_true(u * n < size);
	for (size_t i = 0; i < n; i++, at += u)
		memcpy(buf + at, unit, u);
	buf[at] = '\0';
	return buf;
}

/* Builds a JSON object text {"name":"<n copies of unit>"} (plus extra members, may be "") into buf. */
static inline char *tu_object_with_string(char *buf, size_t size, const char *extra, const char *name, const char *unit,
                                          size_t n)
{
	char *value = malloc(strlen(unit) * n + 1);
	int len;

	assert_non_null(value);
	tu_repeat(value, strlen(unit) * n + 1, unit, n);
	len = snprintf(buf, size, "{%s%s\"%s\":\"%s\"}", extra, extra[0] ? "," : "", name, value);
	free(value);
	assert_true(len > 0 && (size_t)len < size);
	return buf;
}

#endif

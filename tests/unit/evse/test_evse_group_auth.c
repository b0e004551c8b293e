/* test_evse_group_auth.c — a Satellite's password on the Master: the Basic header's parser and its refusals,
 * the password rule, the hash, the decision (right, wrong, none, required beyond loopback), the throttle with an
 * injected clock. */
#include "evse_test.h"

#include <sodium.h>

#include "evse_group_auth.h"

#define PW "k9-Zq2!mXe4pW7rT"

/* "Basic " + base64 of text */
static void basic(const char *text, char *out, size_t cap)
{
	char b64[256];
	sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)text, strlen(text), sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, cap, "Basic %s", b64);
}

static void test_parse_basic(void **state)
{
	(void)state;
	char h[300], user[64], pw[64];
	basic("SAT-A:" PW, h, sizeof(h));
	assert_int_equal(evse_gauth_parse_basic(h, user, sizeof(user), pw, sizeof(pw)), 0);
	assert_string_equal(user, "SAT-A");
	assert_string_equal(pw, PW);
	basic("SAT-A:pass:with:colons", h, sizeof(h)); /* the first ':' ends the user */
	assert_int_equal(evse_gauth_parse_basic(h, user, sizeof(user), pw, sizeof(pw)), 0);
	assert_string_equal(pw, "pass:with:colons");
	static const char *const bad[] = {"Bearer abc", "Basic", "Basic !!!!", "basic U0FULUE6eA==", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(evse_gauth_parse_basic(bad[i], user, sizeof(user), pw, sizeof(pw)), -1);
	basic("no colon", h, sizeof(h));
	assert_int_equal(evse_gauth_parse_basic(h, user, sizeof(user), pw, sizeof(pw)), -1);
	basic("SAT-A:" PW, h, sizeof(h)); /* a part longer than its buffer */
	assert_int_equal(evse_gauth_parse_basic(h, user, 5, pw, sizeof(pw)), -1);
	assert_int_equal(evse_gauth_parse_basic(h, user, sizeof(user), pw, 8), -1);
	assert_int_equal(evse_gauth_parse_basic(NULL, user, sizeof(user), pw, sizeof(pw)), -1);
}

static void test_password_rule(void **state)
{
	(void)state;
	char err[160];
	assert_int_equal(evse_gauth_check_password(PW, err, sizeof(err)), 0);
	assert_int_equal(evse_gauth_check_password("short-secret-15", err, sizeof(err)), -1);
	assert_string_equal(err, "a Satellite's password is 16..40 characters, this one has 15");
	assert_int_equal(evse_gauth_check_password("0123456789012345678901234567890123456789x", err, sizeof(err)), -1);
	assert_int_equal(evse_gauth_check_password("with a space in it!!", err, sizeof(err)), -1);
	assert_string_equal(err, "a Satellite's password is printable ASCII without spaces (character 5)");
}

static void test_decision(void **state)
{
	(void)state;
	char hash[EVSE_GAUTH_HASH_MAX], h[300];
	assert_int_equal(evse_gauth_hash(PW, hash), 0);
	assert_null(strstr(hash, PW)); /* stored hashed */
	assert_int_equal(strncmp(hash, "$argon2id$", 10), 0);
	basic("SAT-A:" PW, h, sizeof(h));
	assert_int_equal(evse_gauth_check("SAT-A", hash, false, h), EVSE_GAUTH_OK);
	assert_int_equal(evse_gauth_check("SAT-A", hash, true, h), EVSE_GAUTH_OK);
	/* another Satellite's id with this password, a wrong password, none */
	assert_int_equal(evse_gauth_check("SAT-B", hash, false, h), EVSE_GAUTH_WRONG);
	basic("SAT-A:k9-Zq2!mXe4pW7rX", h, sizeof(h));
	assert_int_equal(evse_gauth_check("SAT-A", hash, false, h), EVSE_GAUTH_WRONG);
	assert_int_equal(evse_gauth_check("SAT-A", hash, false, NULL), EVSE_GAUTH_MISSING);
	assert_int_equal(evse_gauth_check("SAT-A", hash, false, "Basic ###"), EVSE_GAUTH_WRONG);
	/* no password set: open on loopback, refused beyond it (whatever is sent) */
	assert_int_equal(evse_gauth_check("SAT-A", "", false, NULL), EVSE_GAUTH_OPEN);
	assert_int_equal(evse_gauth_check("SAT-A", NULL, true, h), EVSE_GAUTH_NOT_SET);
	assert_int_equal(evse_gauth_check("SAT-A", "", true, NULL), EVSE_GAUTH_NOT_SET);
	assert_non_null(strstr(evse_gauth_result_text(EVSE_GAUTH_NOT_SET), "evse group-passwd"));
}

static void test_loopback_only(void **state)
{
	(void)state;
	assert_true(evse_gauth_loopback_only(2, "127.0.0.1"));
	assert_true(evse_gauth_loopback_only(2, "127.1.2.3"));
	assert_true(evse_gauth_loopback_only(10, "::1"));
	assert_true(evse_gauth_loopback_only(10, "::ffff:127.0.0.1"));
	assert_false(evse_gauth_loopback_only(10, "::ffff:10.0.0.1"));
	assert_false(evse_gauth_loopback_only(0, ""));
	assert_false(evse_gauth_loopback_only(2, "0.0.0.0"));
	assert_false(evse_gauth_loopback_only(2, "192.168.1.20"));
	assert_false(evse_gauth_loopback_only(10, "::"));
	assert_false(evse_gauth_loopback_only(2, "12.7.0.0"));
}

/* At most EVSE_GAUTH_CHECKS_PER_S password hashes a second on the loop, whatever the addresses. */
static void test_checks_per_second(void **state)
{
	struct evse_gauth_throttle t;
	(void)state;
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < EVSE_GAUTH_CHECKS_PER_S; i++)
		assert_true(evse_gauth_take_check(&t, 5000 + (uint64_t)i));
	assert_false(evse_gauth_take_check(&t, 5900));
	assert_false(evse_gauth_take_check(&t, 5999));
	assert_true(evse_gauth_take_check(&t, 6000)); /* the next second */
}

static void test_throttle(void **state)
{
	(void)state;
	struct evse_gauth_throttle t;
	memset(&t, 0, sizeof(t));
	uint64_t now = 1000;
	for (int i = 0; i < EVSE_GAUTH_FAILS; i++) {
		assert_false(evse_gauth_blocked(&t, "10.0.0.9", now));
		evse_gauth_failed(&t, "10.0.0.9", now + (uint64_t)i);
	}
	assert_true(evse_gauth_blocked(&t, "10.0.0.9", now + 10));
	assert_false(evse_gauth_blocked(&t, "10.0.0.8", now + 10)); /* another address is not locked out */
	assert_true(evse_gauth_blocked(&t, "10.0.0.9", now + EVSE_GAUTH_WINDOW - 1));
	assert_false(evse_gauth_blocked(&t, "10.0.0.9", now + EVSE_GAUTH_WINDOW)); /* the window ended */
	evse_gauth_failed(&t, "10.0.0.9", now + EVSE_GAUTH_WINDOW);
	assert_false(evse_gauth_blocked(&t, "10.0.0.9", now + EVSE_GAUTH_WINDOW + 1)); /* a new window */
	/* more addresses than slots: the table stays bounded and still counts each */
	char a[32];
	for (int i = 0; i < 3 * EVSE_GAUTH_SLOTS; i++) {
		snprintf(a, sizeof(a), "10.1.0.%d", i);
		evse_gauth_failed(&t, a, now + 100000 + (uint64_t)i);
	}
	for (int i = 0; i < EVSE_GAUTH_FAILS; i++)
		evse_gauth_failed(&t, "10.2.0.1", now + 200000);
	assert_true(evse_gauth_blocked(&t, "10.2.0.1", now + 200001));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_basic), cmocka_unit_test(test_password_rule),
	    cmocka_unit_test(test_decision),    cmocka_unit_test(test_loopback_only),
	    cmocka_unit_test(test_throttle),    cmocka_unit_test(test_checks_per_second),
	};
	return cmocka_run_group_tests_name("evse_group_auth", tests, NULL, NULL);
}

/* test_auth.c — station passwords (security profile 1): what a valid password is, salted hashes that
 * verify only the right password, refusals of missing or damaged stored hashes; and the throttle on
 * failed logins: blocks after the limit within a minute, forgives after it, one key at a time. */
#include "test_util.h"

#include "csms_auth.h"

#define PW "correct-horse-battery"

static int setup_group(void **state)
{
	(void)state;
	return csms_auth_init();
}

/* ---- password validity ---- */

static void password_of_16_to_40_printable_characters_is_valid(void **state)
{
	char pw[64];

	(void)state;
	assert_true(csms_password_is_valid(tu_repeat(pw, sizeof(pw), "a", 16)));
	assert_true(csms_password_is_valid(tu_repeat(pw, sizeof(pw), "Z", 40)));
	assert_true(csms_password_is_valid(tu_repeat(pw, sizeof(pw), "!~", 20))); /* 0x21 and 0x7e, the edges */
	assert_true(csms_password_is_valid(PW));
}

static void password_shorter_than_16_or_longer_than_40_is_invalid(void **state)
{
	char pw[64];

	(void)state;
	assert_false(csms_password_is_valid(""));
	assert_false(csms_password_is_valid(tu_repeat(pw, sizeof(pw), "a", 15)));
	assert_false(csms_password_is_valid(tu_repeat(pw, sizeof(pw), "a", 41)));
}

static void password_with_space_control_or_non_ascii_is_invalid(void **state)
{
	(void)state;
	assert_false(csms_password_is_valid("sixteen chars ok"));
	assert_false(csms_password_is_valid("sixteen\tcharsok!"));
	assert_false(csms_password_is_valid("sixteencharsok!\x7f"));
	assert_false(csms_password_is_valid("sixteencharsok\xc3\xa9"));
}

/* ---- hashes ---- */

static void hash_verifies_its_password(void **state)
{
	char h[CSMS_PASSWORD_HASH_LEN];

	(void)state;
	assert_int_equal(csms_password_hash(PW, h, sizeof(h)), 0);
	assert_true(strncmp(h, "b2$", 3) == 0);
	assert_true(csms_password_verify(h, PW));
}

static void hash_refuses_a_wrong_password(void **state)
{
	char h[CSMS_PASSWORD_HASH_LEN];

	(void)state;
	assert_int_equal(csms_password_hash(PW, h, sizeof(h)), 0);
	assert_false(csms_password_verify(h, "correct-horse-batterY"));
	assert_false(csms_password_verify(h, "correct-horse-battery "));
	assert_false(csms_password_verify(h, "correct-horse-batter"));
	assert_false(csms_password_verify(h, ""));
}

static void two_hashes_of_one_password_differ_and_both_verify(void **state)
{
	char a[CSMS_PASSWORD_HASH_LEN], b[CSMS_PASSWORD_HASH_LEN];

	(void)state;
	assert_int_equal(csms_password_hash(PW, a, sizeof(a)), 0);
	assert_int_equal(csms_password_hash(PW, b, sizeof(b)), 0);
	assert_string_not_equal(a, b);
	assert_true(csms_password_verify(a, PW));
	assert_true(csms_password_verify(b, PW));
}

static void hash_into_a_buffer_too_small_fails(void **state)
{
	char h[40];

	(void)state;
	assert_int_equal(csms_password_hash(PW, h, sizeof(h)), -1);
}

static void missing_stored_hash_refuses_every_password(void **state)
{
	(void)state;
	assert_false(csms_password_verify(NULL, PW));
	assert_false(csms_password_verify(NULL, ""));
}

static void damaged_stored_hash_refuses_even_the_right_password(void **state)
{
	char h[CSMS_PASSWORD_HASH_LEN], bad[CSMS_PASSWORD_HASH_LEN + 2];
	size_t n;

	(void)state;
	assert_int_equal(csms_password_hash(PW, h, sizeof(h)), 0);
	n = strlen(h);
	assert_false(csms_password_verify("", PW));
	assert_false(csms_password_verify("b2$", PW));
	assert_false(csms_password_verify(PW, PW));

	snprintf(bad, sizeof(bad), "%s", h); /* truncated */
	bad[n - 1] = '\0';
	assert_false(csms_password_verify(bad, PW));
	snprintf(bad, sizeof(bad), "%s0", h); /* one character too many */
	assert_false(csms_password_verify(bad, PW));
	snprintf(bad, sizeof(bad), "%s", h); /* another scheme */
	bad[1] = '3';
	assert_false(csms_password_verify(bad, PW));
	snprintf(bad, sizeof(bad), "%s", h); /* the separator replaced */
	bad[3 + 32] = 'x';
	assert_false(csms_password_verify(bad, PW));
	snprintf(bad, sizeof(bad), "%s", h); /* not hex in the salt */
	bad[5] = 'g';
	assert_false(csms_password_verify(bad, PW));
	snprintf(bad, sizeof(bad), "%s", h); /* not hex in the hash */
	bad[n - 2] = 'z';
	assert_false(csms_password_verify(bad, PW));
	snprintf(bad, sizeof(bad), "%s", h); /* one bit of the hash changed */
	bad[n - 1] = bad[n - 1] == '0' ? '1' : '0';
	assert_false(csms_password_verify(bad, PW));
}

/* ---- throttle ---- */

static void throttle_blocks_after_the_limit_within_a_minute(void **state)
{
	struct csms_throttle *t = csms_throttle_new(3);
	uint64_t t0 = 1000000;

	(void)state;
	assert_non_null(t);
	assert_false(csms_throttle_is_blocked(t, "10.0.0.1", t0));
	csms_throttle_fail(t, "10.0.0.1", t0);
	csms_throttle_fail(t, "10.0.0.1", t0 + 1000);
	assert_false(csms_throttle_is_blocked(t, "10.0.0.1", t0 + 2000));
	csms_throttle_fail(t, "10.0.0.1", t0 + 30000);
	assert_true(csms_throttle_is_blocked(t, "10.0.0.1", t0 + 30001));
	assert_true(csms_throttle_is_blocked(t, "10.0.0.1", t0 + 59999));
	csms_throttle_free(t);
}

static void throttle_unblocks_once_the_minute_has_passed(void **state)
{
	struct csms_throttle *t = csms_throttle_new(2);
	uint64_t t0 = 5000000;

	(void)state;
	csms_throttle_fail(t, "CP-1", t0);
	csms_throttle_fail(t, "CP-1", t0 + 10);
	assert_true(csms_throttle_is_blocked(t, "CP-1", t0 + 20));
	assert_false(csms_throttle_is_blocked(t, "CP-1", t0 + 60000));
	/* a new window: one failure is not a block */
	csms_throttle_fail(t, "CP-1", t0 + 60001);
	assert_false(csms_throttle_is_blocked(t, "CP-1", t0 + 60002));
	csms_throttle_free(t);
}

static void throttle_failures_spread_over_more_than_a_minute_do_not_block(void **state)
{
	struct csms_throttle *t = csms_throttle_new(2);
	uint64_t t0 = 9000000;

	(void)state;
	csms_throttle_fail(t, "CP-2", t0);
	csms_throttle_fail(t, "CP-2", t0 + 61000);
	assert_false(csms_throttle_is_blocked(t, "CP-2", t0 + 61001));
	csms_throttle_free(t);
}

static void throttle_counts_attempts_in_flight(void **state)
{
	struct csms_throttle *t = csms_throttle_new(3);
	uint64_t t0 = 4000000;

	(void)state;
	csms_throttle_begin(t, "op:a", t0);
	csms_throttle_begin(t, "op:a", t0);
	assert_false(csms_throttle_is_blocked(t, "op:a", t0));
	csms_throttle_begin(t, "op:a", t0);
	assert_true(csms_throttle_is_blocked(t, "op:a", t0 + 1)); /* 3 running: a 4th waits */
	csms_throttle_end(t, "op:a", false, t0 + 2);              /* one succeeded */
	assert_false(csms_throttle_is_blocked(t, "op:a", t0 + 3));
	csms_throttle_end(t, "op:a", true, t0 + 4);
	csms_throttle_end(t, "op:a", true, t0 + 5);
	assert_false(csms_throttle_is_blocked(t, "op:a", t0 + 6)); /* 2 failures, none running */
	csms_throttle_begin(t, "op:a", t0 + 7);
	assert_true(csms_throttle_is_blocked(t, "op:a", t0 + 8));
	csms_throttle_end(t, "op:a", true, t0 + 9);
	assert_true(csms_throttle_is_blocked(t, "op:a", t0 + 10)); /* 3 failures */
	/* an attempt running across the end of the window still counts */
	csms_throttle_begin(t, "op:b", t0);
	csms_throttle_begin(t, "op:b", t0);
	csms_throttle_begin(t, "op:b", t0);
	assert_true(csms_throttle_is_blocked(t, "op:b", t0 + 120000));
	/* an end without a begin (slot reused meanwhile) does not underflow */
	csms_throttle_end(t, "op:c", false, t0);
	csms_throttle_end(t, "op:c", true, t0);
	assert_false(csms_throttle_is_blocked(t, "op:c", t0));
	csms_throttle_free(t);
}

static void throttle_keys_are_independent(void **state)
{
	struct csms_throttle *t = csms_throttle_new(2);
	uint64_t t0 = 2000000;

	(void)state;
	csms_throttle_fail(t, "10.0.0.1", t0);
	csms_throttle_fail(t, "10.0.0.1", t0);
	csms_throttle_fail(t, "CP-7", t0);
	assert_true(csms_throttle_is_blocked(t, "10.0.0.1", t0 + 1));
	assert_false(csms_throttle_is_blocked(t, "10.0.0.2", t0 + 1));
	assert_false(csms_throttle_is_blocked(t, "CP-7", t0 + 1));
	csms_throttle_free(t);
}

static void an_ipv6_host_is_keyed_by_its_slash_64_and_ipv4_by_its_address(void **state)
{
	static const char *const cases[][2] = {
	    {"2001:db8:1:2::1", "2001:db8:1:2::/64"},
	    {"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
	    {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
	    {"::1", "::/64"},
	    {"192.0.2.7", "192.0.2.7"},
	    {"::ffff:192.0.2.7", "::ffff:192.0.2.7"}, /* IPv4-mapped: every IPv4 peer would share one /64 */
	    {"not an address", "not an address"},
	};
	char key[64];
	(void)state;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		csms_throttle_addr_key(cases[i][0], key, sizeof(key));
		assert_string_equal(key, cases[i][1]);
	}
}

static void guesses_from_new_addresses_of_one_ipv6_prefix_are_blocked_together(void **state)
{
	struct csms_throttle *t = csms_throttle_new(3);
	char addr[64], key[64];
	(void)state;
	assert_non_null(t);
	for (int i = 1; i <= 3; i++) {
		snprintf(addr, sizeof(addr), "2001:db8:5:6::%x", i); /* a new address for each guess */
		csms_throttle_addr_key(addr, key, sizeof(key));
		csms_throttle_fail(t, key, 1000);
	}
	csms_throttle_addr_key("2001:db8:5:6::99", key, sizeof(key));
	assert_true(csms_throttle_is_blocked(t, key, 2000));
	csms_throttle_addr_key("2001:db8:5:7::1", key, sizeof(key)); /* another /64 */
	assert_false(csms_throttle_is_blocked(t, key, 2000));
	csms_throttle_free(t);
}

static void throttle_with_many_keys_overwrites_entries_whose_minute_is_over(void **state)
{
	struct csms_throttle *t = csms_throttle_new(1);
	char key[32];
	uint64_t t0 = 3000000;

	(void)state;
	for (int i = 0; i < 20000; i++) { /* far more keys than slots, every one blocked */
		snprintf(key, sizeof(key), "10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
		csms_throttle_fail(t, key, t0);
	}
	/* a minute later every slot may be reused: a new key is tracked and blocked on its own */
	csms_throttle_fail(t, "192.168.1.1", t0 + 60000);
	assert_true(csms_throttle_is_blocked(t, "192.168.1.1", t0 + 60001));
	assert_false(csms_throttle_is_blocked(t, "10.0.0.1", t0 + 60001));
	csms_throttle_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(password_of_16_to_40_printable_characters_is_valid),
	    cmocka_unit_test(password_shorter_than_16_or_longer_than_40_is_invalid),
	    cmocka_unit_test(password_with_space_control_or_non_ascii_is_invalid),
	    cmocka_unit_test(hash_verifies_its_password),
	    cmocka_unit_test(hash_refuses_a_wrong_password),
	    cmocka_unit_test(two_hashes_of_one_password_differ_and_both_verify),
	    cmocka_unit_test(hash_into_a_buffer_too_small_fails),
	    cmocka_unit_test(missing_stored_hash_refuses_every_password),
	    cmocka_unit_test(damaged_stored_hash_refuses_even_the_right_password),
	    cmocka_unit_test(throttle_blocks_after_the_limit_within_a_minute),
	    cmocka_unit_test(throttle_unblocks_once_the_minute_has_passed),
	    cmocka_unit_test(throttle_failures_spread_over_more_than_a_minute_do_not_block),
	    cmocka_unit_test(throttle_counts_attempts_in_flight),
	    cmocka_unit_test(throttle_keys_are_independent),
	    cmocka_unit_test(throttle_with_many_keys_overwrites_entries_whose_minute_is_over),
	    cmocka_unit_test(an_ipv6_host_is_keyed_by_its_slash_64_and_ipv4_by_its_address),
	    cmocka_unit_test(guesses_from_new_addresses_of_one_ipv6_prefix_are_blocked_together),
	};

	return cmocka_run_group_tests(tests, setup_group, NULL);
}

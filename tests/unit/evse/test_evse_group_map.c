/* test_evse_group_map.c — the group's connector numbering: the Master's own sockets first, then each
 * Satellite's in the configured order; both directions; every refusal of the Satellite list. */
#include "evse_test.h"

#include "evse_group_map.h"

static void test_order_and_both_ways(void **state)
{
	(void)state;
	struct evse_group_map m;
	char err[200];
	int sat, local;
	assert_int_equal(evse_group_map_parse(&m, 1, "SAT-A, SAT-B:2,third:1", err, sizeof(err)), 0);
	assert_int_equal(m.n_sat, 3);
	assert_int_equal(m.total, 5);
	assert_string_equal(m.sat[1].id, "SAT-B");
	assert_int_equal(evse_group_map_find(&m, "third"), 2);
	assert_int_equal(evse_group_map_find(&m, "SAT-C"), -1);
	/* up: A.1 -> 2, B.1 -> 3, B.2 -> 4, third.1 -> 5 */
	assert_int_equal(evse_group_map_up(&m, 0, 1), 2);
	assert_int_equal(evse_group_map_up(&m, 1, 1), 3);
	assert_int_equal(evse_group_map_up(&m, 1, 2), 4);
	assert_int_equal(evse_group_map_up(&m, 2, 1), 5);
	assert_int_equal(evse_group_map_up(&m, 0, 2), -1);
	assert_int_equal(evse_group_map_up(&m, 0, 0), -1);
	assert_int_equal(evse_group_map_up(&m, 3, 1), -1);
	assert_int_equal(evse_group_map_up(&m, -1, 1), -1);
	/* down is the inverse of up, and 1 is the Master's own */
	assert_int_equal(evse_group_map_down(&m, 1, &sat, &local), 0);
	assert_int_equal(sat, -1);
	assert_int_equal(local, 1);
	for (int s = 0; s < m.n_sat; s++)
		for (int c = 1; c <= m.sat[s].connectors; c++) {
			assert_int_equal(evse_group_map_down(&m, evse_group_map_up(&m, s, c), &sat, &local), 0);
			assert_int_equal(sat, s);
			assert_int_equal(local, c);
		}
	assert_int_equal(evse_group_map_down(&m, 0, &sat, &local), -1);
	assert_int_equal(evse_group_map_down(&m, 6, &sat, &local), -1);
}

static void test_empty_and_largest(void **state)
{
	(void)state;
	struct evse_group_map m;
	char err[200], text[512] = "";
	int sat, local;
	assert_int_equal(evse_group_map_parse(&m, 1, "", err, sizeof(err)), 0);
	assert_int_equal(m.total, 1);
	assert_int_equal(evse_group_map_down(&m, 2, &sat, &local), -1);
	for (int i = 0; i < EVSE_GROUP_SAT_MAX; i++) {
		size_t l = strlen(text);
		snprintf(text + l, sizeof(text) - l, "%sS%d:8", i ? "," : "", i);
	}
	assert_int_equal(evse_group_map_parse(&m, 2, text, err, sizeof(err)), 0);
	assert_int_equal(m.total, 2 + 8 * EVSE_GROUP_SAT_MAX);
	assert_int_equal(evse_group_map_down(&m, m.total, &sat, &local), 0);
	assert_int_equal(sat, EVSE_GROUP_SAT_MAX - 1);
	assert_int_equal(local, 8);
	assert_int_equal(evse_group_map_down(&m, 3, &sat, &local), 0);
	assert_int_equal(sat, 0);
	assert_int_equal(local, 1);
}

static void test_refusals(void **state)
{
	(void)state;
	struct evse_group_map m;
	char err[200], text[512] = "";
	static const char *const bad[][2] = {
	    {"A,A", "listed twice"},
	    {"A:9", "9 connectors (1..8)"},
	    {"A:0", "0 connectors"},
	    {"A:x", "x connectors"},
	    {"A:", "connectors (1..8) after ':'"},
	    {"A,", "empty id after the last ','"},
	    {",A", "an id is 1..48"},
	    {"a/b", "an id is 1..48"},
	    {"a b", "an id is 1..48"},
	    {"0123456789012345678901234567890123456789012345678", "an id is 1..48"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(evse_group_map_parse(&m, 1, bad[i][0], err, sizeof(err)), -1);
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: \"%s\" not in \"%s\"", bad[i][0], bad[i][1], err);
	}
	for (int i = 0; i <= EVSE_GROUP_SAT_MAX; i++) {
		size_t l = strlen(text);
		snprintf(text + l, sizeof(text) - l, "%sS%d", i ? "," : "", i);
	}
	assert_int_equal(evse_group_map_parse(&m, 1, text, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 15 Satellites"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_and_both_ways),
	    cmocka_unit_test(test_empty_and_largest),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("evse_group_map", tests, NULL, NULL);
}

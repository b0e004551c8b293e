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

/* Each point's maximum and phases: defaults (32 A, 3-phase, L1), fields in any order, the mask of the group
 * phases each uses. */
static void test_maximum_and_phases(void **state)
{
	(void)state;
	struct evse_group_map m;
	char err[200];
	assert_int_equal(
	    evse_group_map_parse(&m, 1, "SAT-A:16A:1P:L2, SAT-B, THIRD:L3:2:22a:3p, D:1p", err, sizeof(err)), 0);
	assert_int_equal(m.total, 6);
	assert_int_equal(m.sat[0].connectors, 1);
	assert_int_equal(m.sat[0].max_a, 16);
	assert_int_equal(m.sat[0].phases, 1);
	assert_int_equal(m.sat[0].l1, 2);
	assert_int_equal(evse_group_phase_mask(m.sat[0].phases, m.sat[0].l1), 2);
	assert_int_equal(m.sat[1].max_a, EVSE_GROUP_MAX_A_DEF);
	assert_int_equal(m.sat[1].phases, 3);
	assert_int_equal(evse_group_phase_mask(m.sat[1].phases, m.sat[1].l1), 7);
	assert_int_equal(m.sat[2].connectors, 2);
	assert_int_equal(m.sat[2].max_a, 22);
	assert_int_equal(m.sat[2].l1, 3);
	assert_int_equal(evse_group_phase_mask(m.sat[2].phases, m.sat[2].l1), 7); /* rotated, still all three */
	assert_int_equal(evse_group_phase_mask(m.sat[3].phases, m.sat[3].l1), 1); /* 1-phase, on L1 */
	assert_int_equal(evse_group_phase_mask(1, 3), 4);
	assert_string_equal(m.sat[2].id, "THIRD");
	assert_int_equal(m.sat[3].first, 6);
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
	    {"A:x", "unknown field \"x\" (connectors 1..8, a maximum 6A..80A, 1P or 3P, L1..L3)"},
	    {"A:", "unknown field \"\""},
	    {"A:16A:", "unknown field \"\""},
	    {"A:5A", "maximum 5 A (6..80)"},
	    {"A:81A", "maximum 81 A (6..80)"},
	    {"A:16A:20A", "maximum given twice"},
	    {"A:2:3", "connectors given twice"},
	    {"A:1P:3P", "phases given twice"},
	    {"A:2P", "unknown field \"2P\""},
	    {"A:L4", "unknown field \"L4\""},
	    {"A:L1:L2", "wiring given twice"},
	    {"A:1000A", "unknown field"},
	    {"A:-16A", "unknown field"},
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
	    cmocka_unit_test(test_maximum_and_phases),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("evse_group_map", tests, NULL, NULL);
}

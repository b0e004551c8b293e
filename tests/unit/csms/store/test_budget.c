/* test_budget.c — a station's message budget: a full burst of 10 seconds' worth, then a wait that
 * lasts until the debt is paid, refills at the rate, either bucket (messages or bytes) can stop it,
 * and 0 means no limit. */
#include "test_util.h"

#include "csms_budget.h"

static void a_burst_of_ten_seconds_passes_then_the_next_frame_waits(void **state)
{
	struct csms_budget b = {0};
	const struct csms_budget_limits lim = {20, 0};

	(void)state;
	for (int i = 0; i < 200; i++)
		assert_int_equal(csms_budget_take(&b, &lim, 100, 1000), 0);
	assert_int_equal(csms_budget_take(&b, &lim, 100, 1000), 50); /* one message of debt at 20/s */
	assert_int_equal(b.over, 1);
}

static void the_budget_refills_at_its_rate(void **state)
{
	struct csms_budget b = {0};
	const struct csms_budget_limits lim = {10, 0};

	(void)state;
	for (int i = 0; i < 100; i++)
		csms_budget_take(&b, &lim, 1, 5000);
	assert_int_not_equal(csms_budget_take(&b, &lim, 1, 5000), 0);
	/* 1 s later: 10 more, minus the debt of 1 */
	for (int i = 0; i < 9; i++)
		assert_int_equal(csms_budget_take(&b, &lim, 1, 6000), 0);
	assert_int_not_equal(csms_budget_take(&b, &lim, 1, 6000), 0);
	/* never more than the burst, however long it was quiet */
	for (int i = 0; i < 100; i++)
		assert_int_equal(csms_budget_take(&b, &lim, 1, 1000000), 0);
	assert_int_not_equal(csms_budget_take(&b, &lim, 1, 1000000), 0);
}

static void large_frames_spend_the_byte_budget(void **state)
{
	struct csms_budget b = {0};
	const struct csms_budget_limits lim = {1000, 65536};

	(void)state;
	for (int i = 0; i < 10; i++)
		assert_int_equal(csms_budget_take(&b, &lim, 60 * 1024, 1000), 0); /* 600 KiB of the 640 KiB burst */
	uint64_t wait = csms_budget_take(&b, &lim, 60 * 1024, 1000);
	assert_true(wait > 300 && wait < 400); /* 20 KiB of debt at 64 KiB/s: 313 ms */
}

static void zero_means_no_limit(void **state)
{
	struct csms_budget b = {0};
	const struct csms_budget_limits lim = {0, 0};

	(void)state;
	for (int i = 0; i < 100000; i++)
		assert_int_equal(csms_budget_take(&b, &lim, 65536, 1000), 0);
	assert_int_equal(b.over, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_burst_of_ten_seconds_passes_then_the_next_frame_waits),
	    cmocka_unit_test(the_budget_refills_at_its_rate),
	    cmocka_unit_test(large_frames_spend_the_byte_budget),
	    cmocka_unit_test(zero_means_no_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

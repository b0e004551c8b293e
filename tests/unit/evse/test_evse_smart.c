/* test_evse_smart.c — the schedule math of smart charging with an injected wall clock: stack levels,
 * Relative from the transaction start, Daily / Weekly recurrence, the minimum of ChargePointMax and Tx,
 * gaps, minChargingRate, W -> A, validity, replacing and clearing profiles, composite schedules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "evse_smart.h"

#define T0  1790000000000LL /* a wall time in ms (2026-09-21T...Z) */
#define MIN 60000LL
#define H   (60 * MIN)

static struct evse_smart_profile prof(int64_t id, enum evse_smart_purpose purpose, int stack, int connector,
                                      enum evse_smart_kind kind, double limit)
{
	struct evse_smart_profile p;
	memset(&p, 0, sizeof(p));
	p.id = id;
	p.purpose = purpose;
	p.stack_level = stack;
	p.connector = connector;
	p.kind = kind;
	p.start_ms = T0;
	p.n_periods = 1;
	p.periods[0].limit = limit;
	return p;
}

static void add_period(struct evse_smart_profile *p, int64_t start_s, double limit)
{
	p->periods[p->n_periods].start_s = start_s;
	p->periods[p->n_periods].limit = limit;
	p->n_periods++;
}

static double at(const struct evse_smart *s, const struct evse_smart_tx *tx, int64_t t)
{
	return evse_smart_limit_at(s, 1, tx, t, t, NULL);
}

static void test_no_profile_no_limit(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	assert_true(at(&s, NULL, T0) < 0);
}

static void test_higher_stack_level_wins(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile lo = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 16);
	struct evse_smart_profile hi = prof(2, EVSE_SMART_TX_DEFAULT, 3, 0, EVSE_SMART_ABSOLUTE, 20);
	hi.duration_s = 3600; /* the higher one ends after an hour: the lower one shows again */
	assert_int_equal(evse_smart_add(&s, &lo), 0);
	assert_int_equal(evse_smart_add(&s, &hi), 0);
	assert_true(at(&s, NULL, T0 + MIN) == 20.0);
	assert_true(at(&s, NULL, T0 + 2 * H) == 16.0);
	/* the connector-specific one wins a tie of stack levels */
	struct evse_smart_profile conn = prof(3, EVSE_SMART_TX_DEFAULT, 3, 1, EVSE_SMART_ABSOLUTE, 10);
	assert_int_equal(evse_smart_add(&s, &conn), 0);
	assert_true(at(&s, NULL, T0 + MIN) == 10.0);
}

static void test_same_purpose_and_stack_replaces(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile a = prof(1, EVSE_SMART_TX_DEFAULT, 1, 0, EVSE_SMART_ABSOLUTE, 16);
	struct evse_smart_profile b = prof(2, EVSE_SMART_TX_DEFAULT, 1, 0, EVSE_SMART_ABSOLUTE, 12);
	evse_smart_add(&s, &a);
	evse_smart_add(&s, &b);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.p[0].id, 2);
	b.periods[0].limit = 8; /* same id: replaced too */
	b.stack_level = 4;
	evse_smart_add(&s, &b);
	assert_int_equal(s.n, 1);
	assert_true(at(&s, NULL, T0) == 8.0);
}

static void test_table_full_refused(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	for (int i = 0; i < EVSE_SMART_MAX_PROFILES; i++) {
		struct evse_smart_profile p =
		    prof(i + 1, EVSE_SMART_TX_DEFAULT, i % 10, i / 10, EVSE_SMART_ABSOLUTE, 16);
		assert_int_equal(evse_smart_add(&s, &p), 0);
	}
	struct evse_smart_profile p = prof(99, EVSE_SMART_TX, 0, 1, EVSE_SMART_ABSOLUTE, 16);
	assert_int_equal(evse_smart_add(&s, &p), -1);
}

/* The station's cap alone (a Master's group cap): the ChargePointMaxProfile of the highest stack level in force,
 * never a TxDefaultProfile or TxProfile; none: -1. */
static void test_station_max_is_the_charge_point_max_alone(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile def = prof(2, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 8);
	evse_smart_add(&s, &def);
	assert_true(evse_smart_station_max_at(&s, T0) == -1.0);
	struct evse_smart_profile lo = prof(1, EVSE_SMART_CP_MAX, 0, 0, EVSE_SMART_ABSOLUTE, 20);
	struct evse_smart_profile hi = prof(3, EVSE_SMART_CP_MAX, 2, 0, EVSE_SMART_ABSOLUTE, 12);
	add_period(&hi, 3600, 30);
	evse_smart_add(&s, &lo);
	assert_true(evse_smart_station_max_at(&s, T0) == 20.0);
	evse_smart_add(&s, &hi);
	assert_true(evse_smart_station_max_at(&s, T0) == 12.0);
	assert_true(evse_smart_station_max_at(&s, T0 + 3600 * 1000) == 30.0);
	assert_true(evse_smart_station_max_at(&s, T0 - 1000) == -1.0); /* before both start */
}

static void test_min_of_charge_point_max_and_tx(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_tx tx = {.active = true, .id = 7, .start_ms = T0};
	struct evse_smart_profile max = prof(1, EVSE_SMART_CP_MAX, 0, 0, EVSE_SMART_ABSOLUTE, 20);
	struct evse_smart_profile def = prof(2, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 16);
	struct evse_smart_profile txp = prof(3, EVSE_SMART_TX, 0, 1, EVSE_SMART_ABSOLUTE, 25);
	evse_smart_add(&s, &max);
	evse_smart_add(&s, &def);
	assert_true(at(&s, &tx, T0) == 16.0);
	evse_smart_add(&s, &txp); /* the TxProfile replaces the default: 25, capped by the maximum 20 */
	assert_true(at(&s, &tx, T0) == 20.0);
	/* no transaction: the TxProfile is not in force */
	assert_true(at(&s, NULL, T0) == 16.0);
	/* a TxProfile of another transaction is not either */
	struct evse_smart_tx other = {.active = true, .id = 8, .start_ms = T0};
	s.p[2].tx_id = 7;
	assert_true(at(&s, &other, T0) == 16.0);
	assert_true(at(&s, &tx, T0) == 20.0);
	/* the charge point maximum on connector 1 is not one */
	struct evse_smart_profile bad = prof(4, EVSE_SMART_CP_MAX, 1, 1, EVSE_SMART_ABSOLUTE, 6);
	char err[100];
	assert_int_equal(evse_smart_check(&bad, err, sizeof(err)), -1);
}

static void test_relative_starts_at_transaction_start(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 1, EVSE_SMART_RELATIVE, 10);
	add_period(&p, 1800, 32);
	p.start_ms = 0;
	evse_smart_add(&s, &p);
	struct evse_smart_tx tx = {.active = true, .id = 1, .start_ms = T0 + 5 * H};
	assert_true(at(&s, &tx, T0 + 5 * H + 29 * MIN) == 10.0);
	assert_true(at(&s, &tx, T0 + 5 * H + 30 * MIN) == 32.0);
	int64_t next = 0;
	evse_smart_limit_at(&s, 1, &tx, T0 + 5 * H + MIN, 0, &next);
	assert_true(next == T0 + 5 * H + 30 * MIN);
}

static void test_daily_recurrence_wraps(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	/* from 18:00 each day: 6 A for 4 hours, then 32 A; the day has 24 h */
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_DAILY, 6);
	add_period(&p, 4 * 3600, 32);
	evse_smart_add(&s, &p);
	assert_true(at(&s, NULL, T0 - MIN) < 0); /* before the first start */
	assert_true(at(&s, NULL, T0 + H) == 6.0);
	assert_true(at(&s, NULL, T0 + 5 * H) == 32.0);
	assert_true(at(&s, NULL, T0 + 24 * H + H) == 6.0);      /* the next day again */
	assert_true(at(&s, NULL, T0 + 10 * 24 * H + H) == 6.0); /* and ten days on */
	int64_t next;
	evse_smart_limit_at(&s, 1, NULL, T0 + 23 * H, 0, &next);
	assert_true(next == T0 + 24 * H);
	/* with a duration of 2 h: a gap until the next day */
	s.p[0].duration_s = 2 * 3600;
	assert_true(at(&s, NULL, T0 + 3 * H) < 0);
	assert_true(at(&s, NULL, T0 + 24 * H + MIN) == 6.0);
}

static void test_weekly_recurrence_wraps(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_WEEKLY, 8);
	add_period(&p, 2 * 86400, 16); /* two days of 8 A, then 16 A for the rest of the week */
	evse_smart_add(&s, &p);
	assert_true(at(&s, NULL, T0 + 24 * H) == 8.0);
	assert_true(at(&s, NULL, T0 + 3 * 24 * H) == 16.0);
	assert_true(at(&s, NULL, T0 + 7 * 24 * H + H) == 8.0);
	assert_true(at(&s, NULL, T0 + 9 * 24 * H + H) == 16.0);
}

static void test_gap_before_first_period_and_after_duration(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 10);
	p.start_ms = T0 + H;
	p.duration_s = 600;
	evse_smart_add(&s, &p);
	assert_true(at(&s, NULL, T0) < 0);
	assert_true(at(&s, NULL, T0 + H + 5 * MIN) == 10.0);
	assert_true(at(&s, NULL, T0 + H + 10 * MIN) < 0);
	/* a lower stack level fills the gap */
	struct evse_smart_profile base = prof(2, EVSE_SMART_TX_DEFAULT, 0, 1, EVSE_SMART_ABSOLUTE, 24);
	base.stack_level = 0;
	s.p[0].stack_level = 1;
	evse_smart_add(&s, &base);
	assert_true(at(&s, NULL, T0) == 24.0);
	assert_true(at(&s, NULL, T0 + H + MIN) == 10.0);
	assert_true(at(&s, NULL, T0 + 2 * H) == 24.0);
}

static void test_valid_from_and_to(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile p = prof(1, EVSE_SMART_CP_MAX, 0, 0, EVSE_SMART_ABSOLUTE, 12);
	p.valid_from_ms = T0 + H;
	p.valid_to_ms = T0 + 2 * H;
	evse_smart_add(&s, &p);
	assert_true(at(&s, NULL, T0) < 0);
	assert_true(at(&s, NULL, T0 + H) == 12.0);
	assert_true(at(&s, NULL, T0 + 2 * H) < 0);
	int64_t next;
	evse_smart_limit_at(&s, 1, NULL, T0, 0, &next);
	assert_true(next == T0 + H);
	evse_smart_limit_at(&s, 1, NULL, T0 + H, 0, &next);
	assert_true(next == T0 + 2 * H);
	char err[100];
	p.valid_to_ms = p.valid_from_ms;
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
}

static void test_min_charging_rate_pauses(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 5);
	add_period(&p, 60, 10);
	p.min_rate = 8;
	evse_smart_add(&s, &p);
	assert_true(at(&s, NULL, T0) == 0.0);
	assert_true(at(&s, NULL, T0 + MIN) == 10.0);
}

static void test_watts_to_amps(void **state)
{
	(void)state;
	struct evse_smart s;
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 11040);
	p.unit_w = true;
	evse_smart_add(&s, &p);
	assert_true(fabs(at(&s, NULL, T0) - 16.0) < 1e-9); /* 11040 W / (230 V x 3) */
	s.p[0].periods[0].phases = 1;
	assert_true(fabs(at(&s, NULL, T0) - 48.0) < 1e-9); /* one phase */
	/* a single-phase station: never more phases than it has */
	evse_smart_init(&s, 230, 1);
	p.periods[0].limit = 3680;
	evse_smart_add(&s, &p);
	assert_true(fabs(at(&s, NULL, T0) - 16.0) < 1e-9);
}

static void test_clear_by_id_purpose_stack_connector(void **state)
{
	(void)state;
	struct evse_smart s;
	int64_t gone[8];
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile ps[] = {
	    prof(1, EVSE_SMART_CP_MAX, 0, 0, EVSE_SMART_ABSOLUTE, 20),
	    prof(2, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 16),
	    prof(3, EVSE_SMART_TX_DEFAULT, 1, 1, EVSE_SMART_ABSOLUTE, 12),
	    prof(4, EVSE_SMART_TX, 2, 1, EVSE_SMART_ABSOLUTE, 10),
	    prof(5, EVSE_SMART_TX_DEFAULT, 5, 0, EVSE_SMART_ABSOLUTE, 8),
	};
	for (size_t i = 0; i < 5; i++)
		evse_smart_add(&s, &ps[i]);
	assert_int_equal(evse_smart_clear(&s, 42, -1, -1, -1, gone, 8), 0);             /* unknown id */
	assert_int_equal(evse_smart_clear(&s, 3, 0, EVSE_SMART_CP_MAX, 9, gone, 8), 1); /* id: the rest ignored */
	assert_int_equal(gone[0], 3);
	assert_int_equal(evse_smart_clear(&s, -1, -1, EVSE_SMART_TX_DEFAULT, 5, gone, 8), 1);
	assert_int_equal(gone[0], 5);
	assert_int_equal(evse_smart_clear(&s, -1, 1, -1, -1, gone, 8), 1); /* connector 1: the TxProfile */
	assert_int_equal(gone[0], 4);
	assert_int_equal(evse_smart_clear(&s, -1, -1, EVSE_SMART_CP_MAX, -1, gone, 8), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(evse_smart_clear(&s, -1, -1, -1, -1, gone, 8), 1); /* no criteria: all */
	assert_int_equal(s.n, 0);
	/* the end of the transaction removes TxProfiles only */
	evse_smart_add(&s, &ps[3]);
	evse_smart_add(&s, &ps[1]);
	assert_int_equal(evse_smart_end_tx(&s, gone, 8), 1);
	assert_int_equal(gone[0], 4);
	assert_int_equal(s.n, 1);
}

static void test_check_refuses_bad_profiles(void **state)
{
	(void)state;
	char err[120];
	struct evse_smart_profile p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 10);
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), 0);
	p.periods[0].start_s = 5;
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
	p.periods[0].start_s = 0;
	add_period(&p, 0, 5);
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
	p = prof(1, EVSE_SMART_TX_DEFAULT, 11, 0, EVSE_SMART_ABSOLUTE, 10);
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "stackLevel"));
	p = prof(1, EVSE_SMART_TX, 0, 0, EVSE_SMART_ABSOLUTE, 10);
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
	p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_DAILY, 10);
	p.start_ms = 0;
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
	p = prof(1, EVSE_SMART_TX_DEFAULT, 0, 2, EVSE_SMART_ABSOLUTE, 10);
	assert_int_equal(evse_smart_check(&p, err, sizeof(err)), -1);
}

static void test_composite_schedule(void **state)
{
	(void)state;
	struct evse_smart s;
	struct evse_smart_out out[EVSE_SMART_MAX_COMPOSITE];
	evse_smart_init(&s, 230, 3);
	struct evse_smart_profile max = prof(1, EVSE_SMART_CP_MAX, 0, 0, EVSE_SMART_ABSOLUTE, 20);
	struct evse_smart_profile def = prof(2, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 10);
	add_period(&def, 600, 32);
	add_period(&def, 1200, 6);
	def.duration_s = 1800;
	evse_smart_add(&s, &max);
	evse_smart_add(&s, &def);
	size_t n = evse_smart_composite(&s, 1, NULL, T0, 3600, false, 32, out, EVSE_SMART_MAX_COMPOSITE);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].start_s, 0);
	assert_true(out[0].limit == 10.0);
	assert_int_equal(out[1].start_s, 600);
	assert_true(out[1].limit == 20.0); /* 32 capped by the maximum */
	assert_int_equal(out[2].start_s, 1200);
	assert_true(out[2].limit == 6.0);
	assert_int_equal(out[3].start_s, 1800); /* after the default's duration: the maximum alone */
	assert_true(out[3].limit == 20.0);
	/* in W: A x 230 V x 3 phases */
	n = evse_smart_composite(&s, 1, NULL, T0, 300, true, 32, out, EVSE_SMART_MAX_COMPOSITE);
	assert_int_equal(n, 1);
	assert_true(fabs(out[0].limit - 6900.0) < 1e-6);
	/* nothing installed: the station's maximum for the whole duration */
	evse_smart_init(&s, 230, 3);
	n = evse_smart_composite(&s, 0, NULL, T0, 86400, false, 32, out, EVSE_SMART_MAX_COMPOSITE);
	assert_int_equal(n, 1);
	assert_true(out[0].limit == 32.0);
	/* a W limit rounds down to 0.1 A */
	struct evse_smart_profile w = prof(3, EVSE_SMART_TX_DEFAULT, 0, 0, EVSE_SMART_ABSOLUTE, 11000);
	w.unit_w = true;
	evse_smart_add(&s, &w);
	n = evse_smart_composite(&s, 1, NULL, T0, 60, false, 32, out, EVSE_SMART_MAX_COMPOSITE);
	assert_true(fabs(out[0].limit - 15.9) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_profile_no_limit),
	    cmocka_unit_test(test_higher_stack_level_wins),
	    cmocka_unit_test(test_same_purpose_and_stack_replaces),
	    cmocka_unit_test(test_table_full_refused),
	    cmocka_unit_test(test_min_of_charge_point_max_and_tx),
	    cmocka_unit_test(test_station_max_is_the_charge_point_max_alone),
	    cmocka_unit_test(test_relative_starts_at_transaction_start),
	    cmocka_unit_test(test_daily_recurrence_wraps),
	    cmocka_unit_test(test_weekly_recurrence_wraps),
	    cmocka_unit_test(test_gap_before_first_period_and_after_duration),
	    cmocka_unit_test(test_valid_from_and_to),
	    cmocka_unit_test(test_min_charging_rate_pauses),
	    cmocka_unit_test(test_watts_to_amps),
	    cmocka_unit_test(test_clear_by_id_purpose_stack_connector),
	    cmocka_unit_test(test_check_refuses_bad_profiles),
	    cmocka_unit_test(test_composite_schedule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

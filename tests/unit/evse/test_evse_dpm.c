/* test_evse_dpm.c — dynamic power management on an injected clock: the control law per phase, the station's
 * maximum, immediate decreases and gradual increases, suspension below 6 A and resumption, the three modes,
 * the hysteresis of ECOPLUS, the settings check, implausible readings, the meter fault and its recovery. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "evse_dpm.h"

#define S 1000ull

static struct evse_dpm_settings base(void)
{
	struct evse_dpm_settings s;
	evse_dpm_defaults(&s);
	s.limit_a = 25.0;
	s.max_a = 32.0;
	s.phases = 3;
	s.min_on_ms = 60000;
	s.min_off_ms = 30000;
	s.margin_a = 0.0; /* the law exact; test_margin_and_switching_budget has the margin */
	return s;
}

/* A reading with these signed currents per phase at 230 V (negative: export). */
static struct evse_dpm_reading rd(double a1, double a2, double a3)
{
	struct evse_dpm_reading r;
	memset(&r, 0, sizeof(r));
	double a[3] = {a1, a2, a3};
	for (int p = 0; p < 3; p++) {
		r.volts[p] = 230.0;
		r.amps[p] = fabs(a[p]);
		r.watts[p] = a[p] * 230.0;
	}
	return r;
}

/* Feeds the same house load (per phase, A, without the EV) once a second for secs seconds, the EV drawing
 * what was offered on the phases in ev_phases (1: L1, 3: all); returns the last offer. */
static double run(struct evse_dpm *d, uint64_t *now, unsigned secs, const double house[3], int ev_phases)
{
	for (unsigned i = 0; i < secs; i++) {
		*now += S;
		double ev[3] = {0, 0, 0};
		for (int p = 0; p < ev_phases; p++)
			ev[p] = d->offered;
		struct evse_dpm_reading r = rd(house[0] + ev[0], house[1] + ev[1], house[2] + ev[2]);
		evse_dpm_feed(d, &r, ev, *now);
	}
	return d->offered;
}

static void test_available_per_phase_is_limit_minus_other_loads(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double house[3] = {15.0, 4.0, 9.0};
	run(&d, &now, 30, house, 3);
	/* the most loaded phase binds: 25 − 15 = 10 */
	assert_true(fabs(d.fig.avail_a - 10.0) < 1e-9);
	assert_true(fabs(d.offered - 10.0) < 1e-9);
	assert_int_equal(d.reason, EVSE_DPM_WHY_CHARGING);
}

static void test_never_above_station_maximum(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.limit_a = 80.0;
	s.max_a = 16.0;
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double house[3] = {0, 0, 0};
	assert_true(run(&d, &now, 60, house, 3) == 16.0);
	/* PV export does not lift it above the maximum either */
	double export[3] = {-20, -20, -20};
	assert_true(run(&d, &now, 60, export, 3) == 16.0);
}

static void test_decrease_at_next_reading_increase_gradual(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double low[3] = {5, 5, 5}, high[3] = {17, 5, 5};
	assert_true(run(&d, &now, 40, low, 3) == 20.0);
	/* the oven goes on: the very next reading cuts the offer to 25 − 17 = 8 */
	assert_true(run(&d, &now, 1, high, 3) == 8.0);
	/* it goes off: the offer climbs by ramp_a_s per second, not at once */
	assert_true(run(&d, &now, 1, low, 3) == 9.0);
	assert_true(run(&d, &now, 3, low, 3) == 12.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_RAMPING);
	assert_true(run(&d, &now, 20, low, 3) == 20.0);
}

static void test_below_six_amps_suspends_and_resumes_when_room(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double low[3] = {5, 5, 5}, full[3] = {21, 5, 5};
	run(&d, &now, 30, low, 3);
	/* 25 − 21 = 4 A: less than the minimum, suspended (0), not a lower PWM */
	assert_true(run(&d, &now, 1, full, 3) == 0.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_CONTRACT);
	assert_false(d.on);
	/* room again: waits the minimum off time (no contactor chatter), then starts at 6 A and ramps */
	assert_true(run(&d, &now, 10, low, 3) == 0.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_MIN_OFF);
	run(&d, &now, 21, low, 3);
	assert_true(d.on);
	assert_true(d.offered >= 6.0 && d.offered < 20.0);
	assert_true(run(&d, &now, 30, low, 3) == 20.0);
}

static void test_contract_in_power(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.limit_a = 32.0;
	s.limit_w = 11000.0; /* 11 kW over three phases */
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double house[3] = {4, 4, 4}; /* 2760 W: 8240 W left, 11.9 A per phase */
	run(&d, &now, 60, house, 3);
	assert_true(fabs(d.offered - 11.9) < 1e-9);
}

static void test_export_counts_as_negative(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.limit_a = 16.0;
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	/* PV pushes 6 A out on every phase: the EV may take 16 + 6 without the grid seeing more than 16 */
	double house[3] = {-6, -6, -6};
	assert_true(run(&d, &now, 60, house, 3) == 22.0);
	assert_true(d.fig.grid_w > 0.0 && fabs(d.fig.grid_a[0] - 16.0) < 1e-9);
}

static void test_single_phase_ev_only_its_phase_binds(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	/* L2 is busy, but the EV draws on L1 only once it charges */
	double house[3] = {5, 22, 2};
	run(&d, &now, 1, house, 0);
	assert_true(fabs(d.fig.avail_a - 3.0) < 1e-9); /* while it draws nothing, every phase binds */
	struct evse_dpm_settings one = s;
	one.phases = 1; /* a single-phase station on L1: L2 and L3 are not its business, even unreadable */
	evse_dpm_init(&d, &one, now);
	struct evse_dpm_reading r = rd(5, 0, 0);
	r.amps[1] = NAN;
	double ev[3] = {0, 0, 0};
	evse_dpm_feed(&d, &r, ev, now += S);
	assert_false(d.faulted);
	assert_true(fabs(d.fig.avail_a - 20.0) < 1e-9);
}

static void test_ecoplus_start_delay_stop_delay_min_times(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.phases = 1;
	s.mode = EVSE_DPM_ECOPLUS;
	s.renewable = true;
	s.start_ms = 60000;
	s.stop_ms = 180000;
	s.min_on_ms = 300000;
	s.min_off_ms = 300000;
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double night[3] = {2, 0, 0}, sun[3] = {-10, 0, 0}, cloud[3] = {-3, 0, 0};
	assert_true(run(&d, &now, 120, night, 1) == 0.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_NO_SURPLUS);
	/* 10 A exported: waits the start delay */
	assert_true(run(&d, &now, 60, sun, 1) == 0.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_START_WAIT);
	run(&d, &now, 1, sun, 1);
	assert_true(d.on);
	/* it then follows the surplus (10 A), ramping */
	assert_true(run(&d, &now, 30, sun, 1) == 10.0);
	/* a short cloud (3 A surplus): 6 A meanwhile, no pause */
	assert_true(run(&d, &now, 120, cloud, 1) == 6.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_STOP_WAIT);
	run(&d, &now, 30, sun, 1);
	assert_true(d.on);
	/* the sun goes: pauses only after the stop delay */
	assert_true(run(&d, &now, 180, night, 1) == 6.0); /* 180 readings span 179 s */
	assert_true(run(&d, &now, 1, night, 1) == 0.0);
	assert_false(d.on);
	/* the sun is back at once: the minimum off time holds */
	assert_true(run(&d, &now, 250, sun, 1) == 0.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_MIN_OFF);
	run(&d, &now, 50 + 60, sun, 1);
	assert_true(d.on);
	assert_int_equal(d.switches, 3);
}

static void test_ecoplus_min_on_time(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.phases = 1;
	s.mode = EVSE_DPM_ECOPLUS;
	s.renewable = true;
	s.start_ms = 10000;
	s.stop_ms = 10000;
	s.min_on_ms = 600000;
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double night[3] = {2, 0, 0}, sun[3] = {-10, 0, 0};
	run(&d, &now, 11, sun, 1);
	assert_true(d.on);
	/* the stop delay is over, but not the minimum on time: 6 A */
	assert_true(run(&d, &now, 300, night, 1) == 6.0);
	assert_true(run(&d, &now, 300, night, 1) == 0.0);
}

static void test_ecosmart_never_stops_and_adds_grid_share(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.phases = 1;
	s.mode = EVSE_DPM_ECOSMART;
	s.renewable = true;
	s.min_grid_w = 2300.0; /* 10 A */
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double night[3] = {2, 0, 0}, sun[3] = {-8, 0, 0};
	/* no sun: the grid gives its share (10 A), 2 A of it to the house */
	assert_true(run(&d, &now, 30, night, 1) == 8.0);
	assert_true(fabs(d.fig.grid_a[0] - 10.0) < 1e-9);
	/* 8 A of surplus on top of the share */
	assert_true(run(&d, &now, 30, sun, 1) == 18.0);
	s.min_grid_w = 0.0;
	evse_dpm_configure(&d, &s);
	/* no share, no sun: continuity at 6 A, never a pause */
	assert_true(run(&d, &now, 600, night, 1) == 6.0);
	assert_true(d.on);
	/* and still under the contract: 25 − 2 = 23 */
	s.min_grid_w = 20000.0;
	evse_dpm_configure(&d, &s);
	assert_true(run(&d, &now, 60, night, 1) == 23.0);
}

static void test_check_refuses_bad_settings(void **state)
{
	(void)state;
	char err[160];
	struct evse_dpm_settings s = base();
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), 0);
	s.mode = EVSE_DPM_ECOPLUS;
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ECOPLUS needs a renewable source"));
	s.mode = EVSE_DPM_ECOSMART;
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), -1);
	s.renewable = true;
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), 0);
	s.safe_a = 3.0;
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "dpm_safe_current: 3 A"));
	s.safe_a = 40.0;
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), -1);
	s.safe_a = 0.0;
	s.limit_a = 2.0;
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), -1);
	assert_int_equal(evse_dpm_mode_parse("ecoplus"), EVSE_DPM_ECOPLUS);
	assert_int_equal(evse_dpm_mode_parse("ECO"), -1);
}

static void test_implausible_readings_never_raise_the_current(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double low[3] = {5, 5, 5};
	run(&d, &now, 5, low, 3);
	double before = d.offered;
	assert_true(before > 6.0 && before < 20.0); /* still ramping */
	double ev[3] = {before, before, before};
	struct evse_dpm_reading bad[4];
	bad[0] = rd(0, 0, 0);
	bad[0].amps[0] = NAN;
	bad[1] = rd(0, 0, 0);
	bad[1].amps[1] = -3.0;
	bad[2] = rd(0, 0, 0);
	bad[2].amps[2] = 1e6;
	bad[3] = rd(0, 0, 0);
	bad[3].volts[0] = INFINITY;
	const char *want[] = {"l1: not a number", "l2 current -3 a is negative", "l3: implausible", "l1: not a number"};
	for (int i = 0; i < 4; i++) {
		evse_dpm_feed(&d, &bad[i], ev, now += S);
		assert_true(d.offered == before);
		assert_non_null(strstr(d.error, want[i]));
		assert_false(d.faulted);
	}
}

static void test_meter_fault_safe_current_and_recovery(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.fault_ms = 10000;
	s.min_off_ms = 0;
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double low[3] = {5, 5, 5};
	run(&d, &now, 40, low, 3);
	assert_true(d.offered == 20.0);
	/* the meter stops answering: the offer holds (never rises) until fault_ms, then the safe current (0) */
	for (int i = 0; i < 9; i++) {
		evse_dpm_meter_error(&d, "timeout", now += S);
		assert_true(d.offered == 20.0);
		assert_false(d.faulted);
	}
	evse_dpm_meter_error(&d, "timeout", now += S);
	assert_true(d.faulted);
	assert_true(d.offered == 0.0);
	assert_string_equal(d.error, "timeout");
	assert_int_equal(d.reason, EVSE_DPM_WHY_FAULT);
	/* it answers again: recovers by itself */
	run(&d, &now, 1, low, 3);
	assert_false(d.faulted);
	assert_true(d.offered == 6.0);
	assert_true(run(&d, &now, 30, low, 3) == 20.0);

	/* with a safe current of 10 A: 10, never more than before */
	s.safe_a = 10.0;
	evse_dpm_configure(&d, &s);
	assert_true(evse_dpm_tick(&d, now + 10 * S) == 10.0);
	assert_true(d.faulted);
	evse_dpm_init(&d, &s, now);
	run(&d, &now, 2, low, 3); /* offer 7 A */
	assert_true(evse_dpm_tick(&d, now + 10 * S) == 7.0);
}

static void test_margin_and_switching_budget(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.margin_a = 1.0;
	struct evse_dpm d;
	uint64_t now = 0;
	evse_dpm_init(&d, &s, now);
	double house[3] = {15.0, 4.0, 9.0};
	/* 25 − 1 − 15 */
	assert_true(run(&d, &now, 30, house, 3) == 9.0);

	/* ECOPLUS on a flapping sun: with no minimum times, the budget (6 per hour) still holds */
	s = base();
	s.phases = 1;
	s.mode = EVSE_DPM_ECOPLUS;
	s.renewable = true;
	s.start_ms = 10000;
	s.stop_ms = 10000;
	s.min_on_ms = 0;
	s.min_off_ms = 0;
	s.max_switches_h = 6;
	evse_dpm_init(&d, &s, now);
	double night[3] = {2, 0, 0}, sun[3] = {-10, 0, 0};
	for (int i = 0; i < 150; i++) {
		run(&d, &now, 30, sun, 1);
		run(&d, &now, 30, night, 1);
	}
	assert_true(d.switches > 6);
	assert_true(evse_dpm_switches_last_hour(&d, now) <= 6);
	/* a start waits for room in the budget, a pause keeps 6 A meanwhile */
	bool saw_budget = false;
	for (int i = 0; i < 120; i++) {
		run(&d, &now, 15, i % 2 ? sun : night, 1);
		saw_budget = saw_budget || d.reason == EVSE_DPM_WHY_BUDGET;
		assert_true(evse_dpm_switches_last_hour(&d, now) <= 6);
	}
	assert_true(saw_budget);
	s.max_switches_h = 61;
	char err[160];
	assert_int_equal(evse_dpm_check(&s, err, sizeof(err)), -1);
}

static void test_no_reading_no_current(void **state)
{
	(void)state;
	struct evse_dpm_settings s = base();
	s.safe_a = 6.0;
	struct evse_dpm d;
	evse_dpm_init(&d, &s, 0);
	assert_true(evse_dpm_tick(&d, 5 * S) == 0.0);
	assert_int_equal(d.reason, EVSE_DPM_WHY_NO_READING);
	assert_true(evse_dpm_tick(&d, 10 * S) == 0.0);
	assert_true(d.faulted);
	assert_string_equal(d.error, "no reading");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_available_per_phase_is_limit_minus_other_loads),
	    cmocka_unit_test(test_never_above_station_maximum),
	    cmocka_unit_test(test_decrease_at_next_reading_increase_gradual),
	    cmocka_unit_test(test_below_six_amps_suspends_and_resumes_when_room),
	    cmocka_unit_test(test_contract_in_power),
	    cmocka_unit_test(test_export_counts_as_negative),
	    cmocka_unit_test(test_single_phase_ev_only_its_phase_binds),
	    cmocka_unit_test(test_ecoplus_start_delay_stop_delay_min_times),
	    cmocka_unit_test(test_ecoplus_min_on_time),
	    cmocka_unit_test(test_ecosmart_never_stops_and_adds_grid_share),
	    cmocka_unit_test(test_check_refuses_bad_settings),
	    cmocka_unit_test(test_implausible_readings_never_raise_the_current),
	    cmocka_unit_test(test_meter_fault_safe_current_and_recovery),
	    cmocka_unit_test(test_margin_and_switching_budget),
	    cmocka_unit_test(test_no_reading_no_current),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

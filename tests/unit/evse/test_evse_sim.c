/* test_evse_sim.c — the simulator backend on its own: the pilot states an EV produces, its reaction to the
 * PWM within its response time, the meter and battery, and that each injected fault shows on its sensor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "evse_pwm.h"
#include "evse_sim.h"

struct rig {
	struct evse_sim *sim;
	struct evse_hal hal;
	uint64_t now;
};

static void run(struct rig *r, uint64_t ms)
{
	for (uint64_t end = r->now + ms; r->now < end;) {
		r->now += 50;
		evse_sim_step(r->sim, r->now);
	}
}

static int setup(void **state)
{
	static struct rig r;
	r.now = 1000;
	r.sim = evse_sim_new(NULL, r.now);
	r.hal = evse_sim_hal(r.sim);
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;
	evse_sim_free(r->sim);
	return 0;
}

static void test_pilot_states(void **state)
{
	struct rig *r = *state;
	double v;
	assert_int_equal(r->hal.ops->cp_read(r->hal.hw, &v), EVSE_CP_A);
	assert_true(v == 12.0);
	evse_sim_plug(r->sim, &(struct evse_sim_ev){.response_ms = 500});
	run(r, 50);
	assert_int_equal(r->hal.ops->cp_read(r->hal.hw, &v), EVSE_CP_B);
	assert_true(v == 9.0);
	r->hal.ops->cp_set_duty(r->hal.hw, evse_pwm_duty(16));
	run(r, 400);
	assert_int_equal(r->hal.ops->cp_read(r->hal.hw, NULL), EVSE_CP_B); /* not yet: response time */
	run(r, 200);
	assert_int_equal(r->hal.ops->cp_read(r->hal.hw, NULL), EVSE_CP_C);
	r->hal.ops->cp_set_duty(r->hal.hw, EVSE_DUTY_STOP);
	assert_int_equal(r->hal.ops->cp_read(r->hal.hw, NULL), EVSE_CP_F);
}

static void test_ev_draws_offer_and_fills_battery(void **state)
{
	struct rig *r = *state;
	struct evse_meter m;
	evse_sim_plug(r->sim, &(struct evse_sim_ev){.capacity_wh = 10000, .soc = 0.5, .max_current_a = 16});
	r->hal.ops->cp_set_duty(r->hal.hw, evse_pwm_duty(32));
	run(r, 1500);
	r->hal.ops->contactor_set(r->hal.hw, true);
	run(r, 100);
	assert_int_equal(r->hal.ops->meter_read(r->hal.hw, &m), 0);
	assert_true(fabs(m.current_a[0] - 16.0) < 1e-9); /* the EV's own limit */
	assert_true(fabs(m.power_w[2] - 230.0 * 16.0) < 1e-6);
	run(r, 3600 * 1000 / 4); /* a quarter hour at 11 kW: 2.76 kWh */
	struct evse_sim_view v;
	evse_sim_view(r->sim, &v);
	assert_true(fabs(v.energy_wh - 2760.0) < 20.0);
	assert_true(fabs(v.ev_soc - 0.776) < 0.01);
	run(r, 3600 * 1000 / 4); /* full: the EV opens S2 */
	evse_sim_view(r->sim, &v);
	assert_true(v.ev_soc == 1.0);
	assert_false(v.ev_s2);
	assert_true(v.ev_current_a == 0.0);
}

static void test_faults_show_on_their_sensors(void **state)
{
	struct rig *r = *state;
	const struct evse_hal_ops *o = r->hal.ops;
	void *hw = r->hal.hw;
	struct evse_meter m;
	struct evse_temps t;
	struct evse_leakage l;

	evse_sim_fault(r->sim, EVSE_SIM_FAULT_MET, true);
	assert_int_equal(o->meter_read(hw, &m), -1);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_MET, false);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_OVP, true);
	o->meter_read(hw, &m);
	assert_true(m.voltage_v[0] == 270.0);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_OVP, false);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_MIS, true);
	o->meter_read(hw, &m);
	assert_true(m.voltage_v[2] == 0.0 && m.voltage_v[1] == 230.0);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_ROT, true);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_IRD, true);
	o->temps_read(hw, &t);
	o->leakage_read(hw, &l);
	assert_true(t.relay_c > 85.0);
	assert_true(l.dc_ma >= 6.0);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_PE, true);
	assert_false(o->pe_ok(hw));
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_CP, true);
	assert_int_equal(o->cp_read(hw, NULL), EVSE_CP_E);
	/* a welded relay stays closed when told to open */
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_R12, true);
	o->contactor_set(hw, true);
	o->contactor_set(hw, false);
	assert_int_equal(o->contactor_feedback(hw), EVSE_RELAY_12);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_ELK, true);
	o->lock_set(hw, true);
	assert_false(o->lock_feedback(hw));
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_FAN, true);
	o->fan_set(hw, true);
	assert_false(o->fan_spinning(hw));
	evse_sim_plug(r->sim, NULL);
	evse_sim_fault(r->sim, EVSE_SIM_FAULT_PP, true);
	assert_int_equal(o->pp_read(hw), 0);
}

static void test_fault_names(void **state)
{
	(void)state;
	for (int f = 0; f < EVSE_SIM_FAULT_COUNT; f++)
		assert_int_equal(evse_sim_fault_parse(evse_sim_fault_name((enum evse_sim_fault)f)), f);
	assert_int_equal(evse_sim_fault_parse("nope"), -1);
	assert_int_equal(EVSE_SIM_FAULT_COUNT, 15);
}

static void test_card_and_button_are_one_shot(void **state)
{
	struct rig *r = *state;
	char uid[21];
	bool long_press;
	evse_sim_tap(r->sim, "04A1B2C3");
	assert_int_equal(r->hal.ops->rfid_poll(r->hal.hw, uid, sizeof(uid)), 1);
	assert_string_equal(uid, "04A1B2C3");
	assert_int_equal(r->hal.ops->rfid_poll(r->hal.hw, uid, sizeof(uid)), 0);
	evse_sim_press(r->sim, true);
	assert_int_equal(r->hal.ops->button_poll(r->hal.hw, &long_press), 1);
	assert_true(long_press);
	assert_int_equal(r->hal.ops->button_poll(r->hal.hw, &long_press), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_pilot_states),
	    T(test_ev_draws_offer_and_fills_battery),
	    T(test_faults_show_on_their_sensors),
	    cmocka_unit_test(test_fault_names),
	    T(test_card_and_button_are_one_shot),
	};
	return cmocka_run_group_tests_name("evse_sim", tests, NULL, NULL);
}

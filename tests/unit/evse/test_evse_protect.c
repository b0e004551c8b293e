/* test_evse_protect.c — every protection of the table, injected in the simulator during a session: the
 * contactor opens, the display shows its code, the LEDs turn red, the OCPP error code is the table's, and
 * the trip is never cleared automatically or remotely — only by a local acknowledgement once it is gone. */
#include "evse_test.h"

struct fault_case {
	enum evse_sim_fault fault;
	enum evse_protection prot;
	enum ocpp_charge_point_error_code code;
};

static const struct fault_case cases[] = {
    {EVSE_SIM_FAULT_OCP, EVSE_PROT_OCP, OCPP_CHARGE_POINT_ERROR_CODE_OVER_CURRENT_FAILURE},
    {EVSE_SIM_FAULT_OVP, EVSE_PROT_OVP, OCPP_CHARGE_POINT_ERROR_CODE_OVER_VOLTAGE},
    {EVSE_SIM_FAULT_LVP, EVSE_PROT_LVP, OCPP_CHARGE_POINT_ERROR_CODE_UNDER_VOLTAGE},
    {EVSE_SIM_FAULT_MET, EVSE_PROT_MET, OCPP_CHARGE_POINT_ERROR_CODE_POWER_METER_FAILURE},
    {EVSE_SIM_FAULT_PE, EVSE_PROT_PE, OCPP_CHARGE_POINT_ERROR_CODE_GROUND_FAILURE},
    {EVSE_SIM_FAULT_CP, EVSE_PROT_CP, OCPP_CHARGE_POINT_ERROR_CODE_EV_COMMUNICATION_ERROR},
    {EVSE_SIM_FAULT_ROT, EVSE_PROT_ROT, OCPP_CHARGE_POINT_ERROR_CODE_HIGH_TEMPERATURE},
    {EVSE_SIM_FAULT_ELK, EVSE_PROT_ELK, OCPP_CHARGE_POINT_ERROR_CODE_CONNECTOR_LOCK_FAILURE},
    {EVSE_SIM_FAULT_OCT, EVSE_PROT_OCT, OCPP_CHARGE_POINT_ERROR_CODE_HIGH_TEMPERATURE},
    {EVSE_SIM_FAULT_IRD, EVSE_PROT_IRD, OCPP_CHARGE_POINT_ERROR_CODE_GROUND_FAILURE},
    {EVSE_SIM_FAULT_FAN, EVSE_PROT_FAN, OCPP_CHARGE_POINT_ERROR_CODE_OTHER_ERROR},
    {EVSE_SIM_FAULT_PP, EVSE_PROT_PP, OCPP_CHARGE_POINT_ERROR_CODE_EV_COMMUNICATION_ERROR},
    {EVSE_SIM_FAULT_MIS, EVSE_PROT_MIS, OCPP_CHARGE_POINT_ERROR_CODE_UNDER_VOLTAGE},
};

static void check_trip(const struct fault_case *fc)
{
	struct et *t = et_new(EVSE_MODE_FREE);
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);

	evse_sim_fault(t->sim, fc->fault, true);
	et_run(t, 6000);
	uint32_t bit = 1u << fc->prot;
	if (!(evse_charge_trips(t->c) & bit))
		fail_msg("fault %s did not trip %s", evse_sim_fault_name(fc->fault), evse_protect_display(fc->prot));
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FAULTED);
	assert_int_equal(t->last_error, evse_protect_first(&(struct evse_protect){.tripped = evse_charge_trips(t->c)}));
	assert_int_equal(evse_protect_ocpp(fc->prot), fc->code);
	struct evse_sim_view v = et_view(t);
	assert_false(v.contactor_cmd);
	assert_int_equal(v.contactor_fb, 0);
	assert_false(v.lock_cmd); /* released once the relays are open */
	assert_true(v.duty_pct == EVSE_DUTY_STOP);
	assert_int_equal(v.leds.belt.color, EVSE_LED_RED);
	assert_int_equal(v.leds.fault.color, EVSE_LED_RED);
	assert_int_equal(t->stops, 1);
	assert_int_equal(t->last_stop, EVSE_STOP_OTHER);
	assert_non_null(strstr(v.display, "ERR "));

	/* the fault goes away: the station stays faulted, refuses a remote start, and never re-closes */
	evse_sim_fault(t->sim, fc->fault, false);
	et_run(t, 30000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FAULTED);
	assert_int_equal(evse_charge_authorize(t->c, "REMOTE", NULL, EVSE_START_REMOTE, t->now), -1);
	assert_false(et_view(t).contactor_cmd);

	/* a person acknowledges at the station: back to charging */
	evse_sim_press(t->sim, false);
	et_run(t, 4000);
	assert_int_equal(evse_charge_trips(t->c), 0);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	et_free(t);
}

static void test_every_protection_trips_and_latches(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_trip(&cases[i]);
}

static void test_ocp_waits_for_the_ev_to_adapt(void **state)
{
	struct et *t = *state;
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_OCP, true);
	et_run(t, 4000); /* within the 5 s an EV has to follow the PWM */
	assert_int_equal(evse_charge_trips(t->c), 0);
	et_run(t, 1500);
	assert_int_equal(evse_charge_trips(t->c), 1u << EVSE_PROT_OCP);
}

static void test_welded_relay_keeps_the_plug_locked(void **state)
{
	struct et *t = *state;
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_R12, true);
	evse_charge_stop(t->c, EVSE_STOP_REMOTE, t->now);
	et_run(t, 5000);
	assert_true(evse_charge_trips(t->c) & (1u << EVSE_PROT_R12));
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FAULTED);
	struct evse_sim_view v = et_view(t);
	assert_false(v.contactor_cmd);
	assert_true(v.contactor_fb & EVSE_RELAY_12);
	assert_true(v.lock_cmd); /* a live cable is never released */
	assert_string_equal(v.display, "ERR R12");
	/* acknowledging while still welded changes nothing */
	evse_sim_press(t->sim, false);
	et_run(t, 1000);
	assert_true(evse_charge_trips(t->c) & (1u << EVSE_PROT_R12));
}

static void test_relay_3n_welded(void **state)
{
	struct et *t = *state;
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_R3N, true);
	evse_sim_unplug(t->sim);
	et_run(t, 1000);
	assert_true(evse_charge_trips(t->c) & (1u << EVSE_PROT_R3N));
}

static void test_pe_ignored_on_it_earthing(void **state)
{
	struct et *t = *state;
	t->cfg.phases = 1;
	t->cfg.earthing = EVSE_EARTH_IT;
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_PE, true);
	et_run(t, 2000);
	assert_int_equal(evse_charge_trips(t->c), 0);
	t->cfg.earthing = EVSE_EARTH_TT;
	et_run(t, 1000);
	assert_int_equal(evse_charge_trips(t->c), 1u << EVSE_PROT_PE);
}

static void test_several_codes_rotate_on_display(void **state)
{
	struct et *t = *state;
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_ROT, true);
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_OCT, true);
	et_run(t, 3000);
	char first[32];
	snprintf(first, sizeof(first), "%s", et_view(t).display);
	et_run(t, EVSE_DISPLAY_MS);
	assert_string_not_equal(first, et_view(t).display);
	assert_true(strcmp(first, "ERR ROT") == 0 || strcmp(first, "ERR OCT") == 0);
}

static void test_table_codes_match_the_manual(void **state)
{
	(void)state;
	static const char *const manual[] = {"ERR OCP", "ERR OVP", "ERR LVP", "ERR MET", "ERR PE",
	                                     "ERR CP",  "ERR R12", "ERR R3N", "ERR ROT", "ERR ELK",
	                                     "ERR OCT", "ERR IRD", "ERR FAN", "ERR PP",  "ERR MIS"};
	assert_int_equal(EVSE_PROT_COUNT, 15);
	for (int p = 0; p < EVSE_PROT_COUNT; p++)
		assert_string_equal(evse_protect_display((enum evse_protection)p), manual[p]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, et_setup_free, et_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_protection_trips_and_latches),
	    T(test_ocp_waits_for_the_ev_to_adapt),
	    T(test_welded_relay_keeps_the_plug_locked),
	    T(test_relay_3n_welded),
	    T(test_pe_ignored_on_it_earthing),
	    T(test_several_codes_rotate_on_display),
	    cmocka_unit_test(test_table_codes_match_the_manual),
	};
	return cmocka_run_group_tests_name("evse_protect", tests, NULL, NULL);
}

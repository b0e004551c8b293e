/* test_evse_charge.c — the IEC 61851 state machine over the simulator, with an injected clock: sessions in
 * the three modes, stable B -> C, suspension below 6 A, contactor before lock, availability, power loss. */
#include "evse_test.h"

#include "evse_pwm.h"

static void plug_and_charge(struct et *t)
{
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
}

static void test_selftest_then_available(void **state)
{
	(void)state;
	struct et *t = calloc(1, sizeof(*t));
	evse_config_defaults(&t->cfg);
	t->now = 5000;
	t->sim = evse_sim_new(NULL, t->now);
	t->c = evse_charge_new(&t->cfg, evse_sim_hal(t->sim), NULL, t->now);
	et_run(t, 100);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_SELFTEST);
	assert_int_equal(et_view(t).leds.belt.color, EVSE_LED_WHITE);
	assert_string_equal(et_view(t).display, "8888");
	et_run(t, EVSE_SELFTEST_MS);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
	struct evse_sim_view v = et_view(t);
	assert_int_equal(v.leds.belt.color, EVSE_LED_GREEN);
	assert_int_equal(v.leds.belt.blink, EVSE_BLINK_SLOW);
	assert_true(v.duty_pct == EVSE_DUTY_OFF);
	assert_false(v.contactor_cmd);
	et_free(t);
}

static void test_free_mode_plug_charges_and_unplug_ends(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	struct evse_sim_view v = et_view(t);
	assert_int_equal(t->starts, 1);
	assert_true(v.contactor_cmd);
	assert_true(v.lock_cmd);
	assert_true(v.duty_pct > 53.2 && v.duty_pct < 53.4); /* 32 A */
	et_run(t, 60000);
	v = et_view(t);
	assert_true(v.ev_current_a > 31.9);
	assert_true(v.energy_wh > 300.0); /* 22 kW for a minute: ~367 Wh */
	evse_sim_unplug(t->sim);
	et_run(t, 100);
	v = et_view(t);
	assert_false(v.contactor_cmd);
	assert_int_equal(t->stops, 1);
	assert_int_equal(t->last_stop, EVSE_STOP_EV_DISCONNECTED);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
	assert_false(et_view(t).lock_cmd);
}

static void test_contactor_closes_only_after_stable_c(void **state)
{
	struct et *t = *state;
	evse_sim_plug(t->sim, &(struct evse_sim_ev){.response_ms = 200});
	/* wait until the EV closed S2 (state C) and check the contactor waits for a stable reading */
	for (int i = 0; i < 100 && !et_view(t).ev_s2; i++)
		et_run(t, ET_TICK_MS);
	assert_true(et_view(t).ev_s2);
	assert_false(et_view(t).contactor_cmd);
	et_run(t, EVSE_CP_STABLE_MS + ET_TICK_MS);
	assert_true(et_view(t).contactor_cmd);
}

static void test_offer_follows_limit_and_ev_follows_offer(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	evse_charge_set_limit(t->c, EVSE_LIMIT_SMART, 16.0);
	et_run(t, 100);
	assert_true(fabs(et_view(t).duty_pct - 26.6) < 0.05);
	et_run(t, 1500); /* the EV's response time */
	assert_true(fabs(et_view(t).ev_current_a - 15.96) < 0.05);
	evse_charge_set_limit(t->c, EVSE_LIMIT_POWER, 10.0); /* the lowest source wins */
	et_run(t, 1500);
	assert_true(fabs(evse_charge_offered(t->c) - 9.96) < 0.05);
	evse_charge_set_limit(t->c, EVSE_LIMIT_POWER, -1.0);
	et_run(t, 100);
	assert_true(fabs(evse_charge_limit(t->c) - 16.0) < 0.01);
}

static void test_below_6a_suspends_not_ends(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	evse_charge_set_limit(t->c, EVSE_LIMIT_POWER, 5.0);
	et_run(t, 100);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_SUSPENDED_EVSE);
	assert_true(et_view(t).duty_pct == EVSE_DUTY_OFF);
	/* the EV stops within its response time; the contactor is open within EVSE_STOP_OPEN_MS */
	et_run(t, EVSE_STOP_OPEN_MS);
	assert_false(et_view(t).contactor_cmd);
	assert_int_equal(t->stops, 0);
	assert_true(evse_charge_session(t->c)->active);
	evse_charge_set_limit(t->c, EVSE_LIMIT_POWER, 6.0);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_int_equal(t->starts, 1);
}

static void test_contactor_opens_within_delay_when_ev_ignores(void **state)
{
	struct et *t = *state;
	/* an EV that takes 10 s to react: the station opens anyway after EVSE_STOP_OPEN_MS */
	evse_sim_plug(t->sim, &(struct evse_sim_ev){.response_ms = 10000});
	et_run(t, 12000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	evse_charge_set_limit(t->c, EVSE_LIMIT_POWER, 0.0);
	et_run(t, EVSE_STOP_OPEN_MS - 200);
	assert_true(et_view(t).contactor_cmd);
	et_run(t, 300);
	assert_false(et_view(t).contactor_cmd);
}

static void test_ev_pause_is_suspended_ev(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	evse_sim_ev_demand(t->sim, false);
	et_run(t, 200);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_SUSPENDED_EV);
	assert_false(et_view(t).contactor_cmd);
	assert_true(et_view(t).lock_cmd);
	assert_int_equal(et_view(t).leds.belt.blink, EVSE_BLINK_FAST);
	evse_sim_ev_demand(t->sim, true);
	et_run(t, 500);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_int_equal(t->stops, 0);
}

static void test_personal_unknown_card_two_beeps(void **state)
{
	struct et *t = *state;
	evse_sim_plug(t->sim, NULL);
	et_run(t, 500);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_PREPARING);
	evse_sim_tap(t->sim, "STRANGER");
	et_run(t, 500);
	assert_int_equal(et_view(t).last_beep, 2);
	assert_int_equal(t->starts, 0);
	assert_false(et_view(t).contactor_cmd);
}

static void test_personal_tap_start_tap_stop_unlock_after_open(void **state)
{
	struct et *t = *state;
	evse_sim_tap(t->sim, "CARD-A"); /* tap first, then plug */
	et_run(t, 200);
	assert_int_equal(et_view(t).last_beep, 1);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_PREPARING);
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_string_equal(evse_charge_session(t->c)->id_tag, "CARD-A");
	evse_sim_tap(t->sim, "CARD-A");
	/* every cycle: while a relay is closed, the lock stays closed */
	for (int i = 0; i < 80; i++) {
		et_run(t, ET_TICK_MS);
		struct evse_sim_view v = et_view(t);
		if (v.contactor_fb)
			assert_true(v.lock_cmd);
	}
	assert_int_equal(t->stops, 1);
	assert_int_equal(t->last_stop, EVSE_STOP_LOCAL);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FINISHING);
	assert_false(et_view(t).lock_cmd);
	evse_sim_unplug(t->sim);
	et_run(t, 200);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
}

static void test_personal_same_parent_stops_other_card_refused(void **state)
{
	struct et *t = *state;
	evse_sim_tap(t->sim, "CARD-A");
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	evse_sim_tap(t->sim, "OTHER-1"); /* known card, other parent */
	et_run(t, 300);
	assert_int_equal(et_view(t).last_beep, 2);
	assert_int_equal(t->stops, 0);
	evse_sim_tap(t->sim, "CARD-B"); /* same parent P-C */
	et_run(t, 3000);
	assert_int_equal(t->stops, 1);
	assert_int_equal(et_view(t).last_beep, 1);
}

static void test_pending_authorisation_answered_later(void **state)
{
	struct et *t = *state;
	t->auth_pending = true;
	evse_sim_plug(t->sim, NULL);
	evse_sim_tap(t->sim, "NET-1");
	et_run(t, 500);
	assert_int_equal(t->auth_asked, 1);
	assert_int_equal(t->starts, 0);
	evse_charge_auth_result(t->c, "NET-1", true, "", t->now);
	et_run(t, 3000);
	assert_int_equal(t->starts, 1);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
}

static void test_authorisation_expires_without_ev(void **state)
{
	struct et *t = *state;
	assert_int_equal(evse_charge_authorize(t->c, "REMOTE-1", NULL, EVSE_START_REMOTE, t->now), 0);
	et_run(t, 200);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_PREPARING);
	et_run(t, EVSE_AUTH_WAIT_MS);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
	assert_int_equal(t->starts, 0);
}

static void test_unavailable_scheduled_during_session(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	assert_int_equal(evse_charge_set_available(t->c, false, t->now), 1);
	et_run(t, 200);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	evse_charge_stop(t->c, EVSE_STOP_REMOTE, t->now);
	et_run(t, 4000);
	assert_int_equal(t->last_stop, EVSE_STOP_REMOTE);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_UNAVAILABLE);
	assert_int_equal(evse_charge_authorize(t->c, "X", NULL, EVSE_START_REMOTE, t->now), -1);
	assert_int_equal(evse_charge_set_available(t->c, true, t->now), 0);
	et_run(t, 3000);
	/* FREE mode with the EV still plugged: available again means a new session */
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_int_equal(t->starts, 2);
}

static void test_power_loss_saves_unlock(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	evse_sim_power(t->sim, false);
	et_run(t, 100);
	struct evse_sim_view v = et_view(t);
	assert_false(v.contactor_cmd);
	assert_false(v.lock_cmd);
	assert_int_equal(t->last_stop, EVSE_STOP_POWER_LOSS);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_UNAVAILABLE);
	et_run(t, 5000);
	assert_int_equal(evse_charge_trips(t->c), 0); /* a power loss is not a fault */
	evse_sim_power(t->sim, true);
	et_run(t, EVSE_SELFTEST_MS + 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING); /* FREE: a new session */
	assert_int_equal(t->starts, 2);
}

static void test_case_c_never_locks(void **state)
{
	struct et *t = *state;
	t->cfg.charging_case = EVSE_CASE_C;
	plug_and_charge(t);
	assert_false(et_view(t).lock_cmd);
}

static void test_remote_stop_then_finishing(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	assert_int_equal(evse_charge_stop(t->c, EVSE_STOP_REMOTE, t->now), 0);
	et_run(t, 100);
	assert_true(et_view(t).duty_pct == EVSE_DUTY_OFF);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FINISHING);
	assert_int_equal(t->last_stop, EVSE_STOP_REMOTE);
	assert_int_equal(evse_charge_stop(t->c, EVSE_STOP_REMOTE, t->now), -1);
}

/* OCPP 1.6 §4.9: unplugging in Finishing goes straight to Available, without a Preparing in between. */
static void test_unplug_from_finishing_goes_available(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	assert_int_equal(evse_charge_stop(t->c, EVSE_STOP_REMOTE, t->now), 0);
	et_run(t, 3500);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FINISHING);
	unsigned before = t->n_states;
	evse_sim_unplug(t->sim);
	et_run(t, 1000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
	assert_int_equal(t->n_states - before, 1);
	assert_int_equal(t->states[before], EVSE_STATE_AVAILABLE);
}

static void test_display_rotation_in_session(void **state)
{
	struct et *t = *state;
	plug_and_charge(t);
	char seen[5][32];
	/* align to a rotation slot, then read each of the five */
	et_run(t, EVSE_DISPLAY_MS - t->now % EVSE_DISPLAY_MS + ET_TICK_MS);
	for (int i = 0; i < 5; i++) {
		snprintf(seen[i], sizeof(seen[i]), "%s", et_view(t).display);
		et_run(t, EVSE_DISPLAY_MS);
	}
	int volts = 0, amps = 0, hz = 0, kwh = 0, min = 0;
	for (int i = 0; i < 5; i++) {
		volts += strcmp(seen[i], "230.0 V") == 0;
		amps += strcmp(seen[i], "32.0 A") == 0;
		hz += strcmp(seen[i], "50.0 Hz") == 0;
		kwh += strstr(seen[i], " kWH") != NULL;
		min += strcmp(seen[i], "  0 Min") == 0;
	}
	assert_int_equal(volts + amps + hz + kwh + min, 5);
	assert_int_equal(volts * amps * hz * kwh * min, 1);
}

static void test_leds_follow_states(void **state)
{
	struct et *t = *state;
	struct evse_sim_view v = et_view(t);
	assert_int_equal(v.leds.plug.color, EVSE_LED_OFF);
	assert_false(v.leds.rfid_corners);
	assert_int_equal(v.leds.wifi.color, EVSE_LED_BLUE); /* standalone: AP mode */
	plug_and_charge(t);
	v = et_view(t);
	assert_int_equal(v.leds.belt.color, EVSE_LED_BLUE);
	assert_int_equal(v.leds.belt.blink, EVSE_BLINK_SLOW);
	assert_int_equal(v.leds.plug.color, EVSE_LED_WHITE);
	assert_int_equal(v.leds.charging.color, EVSE_LED_WHITE);
	assert_int_equal(v.leds.charging.blink, EVSE_BLINK_NONE);
	assert_int_equal(v.leds.fault.color, EVSE_LED_OFF);
	assert_true(v.leds.rfid_corners);
}

static void test_upgrade_message_overrides_display(void **state)
{
	struct et *t = *state;
	evse_charge_show_message(t->c, "E02 UP", 5000, t->now);
	et_run(t, 100);
	assert_string_equal(et_view(t).display, "E02 UP");
	et_run(t, 5000);
	assert_string_not_equal(et_view(t).display, "E02 UP");
}

#define T(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, et_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_selftest_then_available),
	    T(test_free_mode_plug_charges_and_unplug_ends, et_setup_free),
	    T(test_contactor_closes_only_after_stable_c, et_setup_free),
	    T(test_offer_follows_limit_and_ev_follows_offer, et_setup_free),
	    T(test_below_6a_suspends_not_ends, et_setup_free),
	    T(test_contactor_opens_within_delay_when_ev_ignores, et_setup_free),
	    T(test_ev_pause_is_suspended_ev, et_setup_free),
	    T(test_personal_unknown_card_two_beeps, et_setup_personal),
	    T(test_personal_tap_start_tap_stop_unlock_after_open, et_setup_personal),
	    T(test_personal_same_parent_stops_other_card_refused, et_setup_personal),
	    T(test_pending_authorisation_answered_later, et_setup_personal),
	    T(test_authorisation_expires_without_ev, et_setup_personal),
	    T(test_unavailable_scheduled_during_session, et_setup_free),
	    T(test_power_loss_saves_unlock, et_setup_free),
	    T(test_case_c_never_locks, et_setup_free),
	    T(test_unplug_from_finishing_goes_available, et_setup_free),
	    T(test_remote_stop_then_finishing, et_setup_free),
	    T(test_display_rotation_in_session, et_setup_free),
	    T(test_leds_follow_states, et_setup_free),
	    T(test_upgrade_message_overrides_display, et_setup_free),
	};
	return cmocka_run_group_tests_name("evse_charge", tests, NULL, NULL);
}

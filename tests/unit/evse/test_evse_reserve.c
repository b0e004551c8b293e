/* test_evse_reserve.c — reservations of the charging point (OCPP ReserveNow / CancelReservation) with an
 * injected clock: the Reserved state, who may start, expiry, cancellation and the refusals. */
#include "evse_test.h"

static struct evse_reservation resv(int64_t id, const char *tag, const char *parent, uint64_t expires)
{
	struct evse_reservation r = {.id = id, .expires_ms = expires};
	snprintf(r.id_tag, sizeof(r.id_tag), "%s", tag);
	snprintf(r.parent, sizeof(r.parent), "%s", parent ? parent : "");
	return r;
}

static void test_reserve_shows_reserved_and_only_its_card_starts(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(7, "CARD-A", NULL, t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	et_run(t, 100);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_RESERVED);
	evse_sim_plug(t->sim, NULL);
	et_run(t, 500);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_RESERVED); /* a plugged EV does not take it */
	/* a known card, but not the reservation's */
	evse_sim_tap(t->sim, "OTHER-1");
	et_run(t, 300);
	assert_int_equal(et_view(t).last_beep, 2);
	assert_int_equal(t->starts, 0);
	evse_sim_tap(t->sim, "CARD-A");
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	const struct evse_session *s = evse_charge_session(t->c);
	assert_true(s->reserved);
	assert_int_equal(s->reservation_id, 7);
	assert_null(evse_charge_reservation(t->c)); /* used up */
}

/* The central system reserves with the card as it keeps it (upper case, padded to 14); the reader gives
 * the raw UID. */
static void test_reservation_matches_the_card_in_any_case_and_padding(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(9, "CARD-A00000000", NULL, t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	evse_sim_plug(t->sim, NULL);
	et_run(t, 300);
	evse_sim_tap(t->sim, "CARD-A");
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_int_equal(evse_charge_session(t->c)->reservation_id, 9);
}

/* A session started remotely for the padded id tag stops with a tap of the card's raw UID. */
static void test_remote_session_stops_with_its_card_in_another_form(void **state)
{
	struct et *t = *state;
	assert_int_equal(evse_charge_authorize(t->c, "C0FFEE00000000", NULL, EVSE_START_REMOTE, t->now), 0);
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	evse_sim_tap(t->sim, "c0ffee");
	et_run(t, 4000);
	assert_int_equal(t->stops, 1);
	assert_int_equal(t->last_stop, EVSE_STOP_LOCAL);
}

static void test_reservation_parent_card_may_start(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(8, "CARD-A", "P-C", t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	evse_sim_tap(t->sim, "CARD-B"); /* same parent P-C */
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_string_equal(evse_charge_session(t->c)->id_tag, "CARD-B");
}

static void test_reservation_expires_back_to_available(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(9, "CARD-A", NULL, t->now + 2000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	et_run(t, 1000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_RESERVED);
	et_run(t, 1100);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
	assert_null(evse_charge_reservation(t->c));
	evse_sim_tap(t->sim, "OTHER-1"); /* anyone may start again */
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
}

static void test_cancel_reservation_by_id_only(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(10, "CARD-A", NULL, t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	et_run(t, 100);
	assert_int_equal(evse_charge_cancel_reservation(t->c, 11, t->now), -1);
	assert_int_equal(evse_charge_cancel_reservation(t->c, 10, t->now), 0);
	assert_int_equal(evse_charge_cancel_reservation(t->c, 10, t->now), -1);
	et_run(t, 100);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_AVAILABLE);
}

static void test_reserve_refusals(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(1, "CARD-A", NULL, t->now - 1);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_REJECTED); /* already expired */
	r = resv(1, "CARD-A", NULL, t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	struct evse_reservation other = resv(2, "OTHER-1", NULL, t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &other, t->now), EVSE_RESERVE_OCCUPIED);
	r.expires_ms += 1000; /* the same id replaces */
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	assert_int_equal(evse_charge_reservation(t->c)->expires_ms, r.expires_ms);
	/* a remote start for another card is refused while reserved */
	assert_int_equal(evse_charge_authorize(t->c, "OTHER-1", NULL, EVSE_START_REMOTE, t->now), -1);
	assert_int_equal(evse_charge_cancel_reservation(t->c, 1, t->now), 0);
	/* occupied by a plugged EV; unavailable; faulted */
	evse_sim_plug(t->sim, NULL);
	et_run(t, 500);
	assert_int_equal(evse_charge_reserve(t->c, &other, t->now), EVSE_RESERVE_OCCUPIED);
	evse_sim_unplug(t->sim);
	et_run(t, 200);
	evse_charge_set_available(t->c, false, t->now);
	et_run(t, 100);
	assert_int_equal(evse_charge_reserve(t->c, &other, t->now), EVSE_RESERVE_UNAVAILABLE);
	evse_charge_set_available(t->c, true, t->now);
	evse_sim_fault(t->sim, EVSE_SIM_FAULT_IRD, true);
	et_run(t, 1000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_FAULTED);
	assert_int_equal(evse_charge_reserve(t->c, &other, t->now), EVSE_RESERVE_FAULTED);
}

static void test_remote_start_by_reserving_card(void **state)
{
	struct et *t = *state;
	struct evse_reservation r = resv(12, "CARD-A", NULL, t->now + 600000);
	assert_int_equal(evse_charge_reserve(t->c, &r, t->now), EVSE_RESERVE_ACCEPTED);
	assert_int_equal(evse_charge_authorize(t->c, "CARD-A", NULL, EVSE_START_REMOTE, t->now), 0);
	et_run(t, 100);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_PREPARING);
	evse_sim_plug(t->sim, NULL);
	et_run(t, 3000);
	assert_int_equal(evse_charge_state(t->c), EVSE_STATE_CHARGING);
	assert_int_equal(evse_charge_session(t->c)->reservation_id, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_reserve_shows_reserved_and_only_its_card_starts, et_setup_personal,
	                                    et_teardown),
	    cmocka_unit_test_setup_teardown(test_reservation_parent_card_may_start, et_setup_personal, et_teardown),
	    cmocka_unit_test_setup_teardown(test_reservation_matches_the_card_in_any_case_and_padding,
	                                    et_setup_personal, et_teardown),
	    cmocka_unit_test_setup_teardown(test_remote_session_stops_with_its_card_in_another_form, et_setup_personal,
	                                    et_teardown),
	    cmocka_unit_test_setup_teardown(test_reservation_expires_back_to_available, et_setup_personal, et_teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_reservation_by_id_only, et_setup_personal, et_teardown),
	    cmocka_unit_test_setup_teardown(test_reserve_refusals, et_setup_personal, et_teardown),
	    cmocka_unit_test_setup_teardown(test_remote_start_by_reserving_card, et_setup_personal, et_teardown),
	};
	return cmocka_run_group_tests_name("evse reservations", tests, NULL, NULL);
}

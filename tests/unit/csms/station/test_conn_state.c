/* test_conn_state.c — a connection's life (csms_conn_set_state): the allowed steps, refused ones that leave the
 * state as it was, and csms_station_is_connected() as the one rule for "is the station connected". */
#include "test_util.h"

#include "csms_conn.h"

static struct csms_station station = {.id = "CP-1", .state = CSMS_STATION_ACCEPTED};

static void fresh(struct csms_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->station = &station;
	snprintf(c->addr, sizeof(c->addr), "192.0.2.1");
}

static void a_session_lives_booting_accepted_closing_closed(void **state)
{
	(void)state;
	struct csms_conn c;
	fresh(&c);
	assert_int_equal(c.state, CSMS_CONN_NEW);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_BOOTING), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_ACCEPTED), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_BOOTING), 0); /* booted again, now Pending */
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_ACCEPTED), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_ACCEPTED), 0); /* the same state: nothing happens */
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_CLOSING), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_CLOSED), 0);
	assert_int_equal(c.state, CSMS_CONN_CLOSED);
}

static void a_rival_on_probation_is_promoted_or_refused(void **state)
{
	(void)state;
	struct csms_conn c;
	fresh(&c);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_PROBATION), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_BOOTING), 0); /* the live one failed its ping */
	fresh(&c);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_PROBATION), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_CLOSING), 0); /* the live one answered */
	fresh(&c);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_PROBATION), 0);
	assert_int_equal(csms_conn_set_state(&c, CSMS_CONN_CLOSED), 0); /* it went away while waiting */
}

/* Steps the life does not have are refused and leave the state as it was. */
static void refused_steps_leave_the_state_unchanged(void **state)
{
	(void)state;
	static const struct {
		enum csms_conn_state from, to;
	} refused[] = {
	    {CSMS_CONN_NEW, CSMS_CONN_ACCEPTED},        {CSMS_CONN_NEW, CSMS_CONN_CLOSING},
	    {CSMS_CONN_PROBATION, CSMS_CONN_ACCEPTED},  {CSMS_CONN_BOOTING, CSMS_CONN_PROBATION},
	    {CSMS_CONN_ACCEPTED, CSMS_CONN_PROBATION},  {CSMS_CONN_CLOSING, CSMS_CONN_BOOTING},
	    {CSMS_CONN_CLOSING, CSMS_CONN_ACCEPTED},    {CSMS_CONN_CLOSED, CSMS_CONN_BOOTING},
	    {CSMS_CONN_CLOSED, CSMS_CONN_CLOSING},      {CSMS_CONN_CLOSED, CSMS_CONN_NEW},
	    {CSMS_CONN_BOOTING, CSMS_CONN_STATE_COUNT},
	};
	for (size_t i = 0; i < TU_ARRAY_SIZE(refused); i++) {
		struct csms_conn c;
		fresh(&c);
		c.state = refused[i].from; /* set directly: only to start the test from there */
		assert_int_equal(csms_conn_set_state(&c, refused[i].to), -1);
		assert_int_equal(c.state, refused[i].from);
	}
}

static void state_names_are_lower_case_words(void **state)
{
	(void)state;
	assert_string_equal(csms_conn_state_name(CSMS_CONN_PROBATION), "probation");
	assert_string_equal(csms_conn_state_name(CSMS_CONN_BOOTING), "booting");
	assert_string_equal(csms_conn_state_name(CSMS_CONN_ACCEPTED), "accepted");
	assert_string_equal(csms_conn_state_name(CSMS_CONN_CLOSING), "closing");
	assert_string_equal(csms_conn_state_name(CSMS_CONN_CLOSED), "closed");
	assert_string_equal(csms_conn_state_name(CSMS_CONN_STATE_COUNT), "?");
}

/* Connected: an attached session that is booting or accepted; not on probation, closing or closed. */
static void a_station_is_connected_only_while_its_session_is_attached(void **state)
{
	(void)state;
	struct csms_conn c;
	fresh(&c);
	assert_false(csms_station_is_connected(NULL));
	station.conn = NULL;
	assert_false(csms_station_is_connected(&station));
	station.conn = &c;
	assert_false(csms_station_is_connected(&station)); /* NEW */
	csms_conn_set_state(&c, CSMS_CONN_BOOTING);
	assert_true(csms_station_is_connected(&station));
	csms_conn_set_state(&c, CSMS_CONN_ACCEPTED);
	assert_true(csms_station_is_connected(&station));
	csms_conn_set_state(&c, CSMS_CONN_CLOSING);
	assert_false(csms_station_is_connected(&station));
	csms_conn_set_state(&c, CSMS_CONN_CLOSED);
	assert_false(csms_station_is_connected(&station));
	fresh(&c);
	csms_conn_set_state(&c, CSMS_CONN_PROBATION);
	assert_false(csms_station_is_connected(&station));
	station.conn = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_session_lives_booting_accepted_closing_closed),
	    cmocka_unit_test(a_rival_on_probation_is_promoted_or_refused),
	    cmocka_unit_test(refused_steps_leave_the_state_unchanged),
	    cmocka_unit_test(state_names_are_lower_case_words),
	    cmocka_unit_test(a_station_is_connected_only_while_its_session_is_attached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_evse_group_lb.c — the relay's view of the group turned into the balancer's inputs: which statuses hold
 * a session, the EV's draw (Current.Import, else the last limit, else the maximum), the threshold, the step
 * under which a limit is not sent again; and a run of evse_lb on those inputs (three fit at 6 A, the fourth
 * waits at 0 A and starts when one leaves). */
#include "evse_test.h"

#include "evse_group_lb.h"

static const struct evse_glb_group g18 = {.threshold_a = 18, .cap_da = EVSE_LB_NO_CAP};
static const struct evse_glb_group g0 = {.threshold_a = 0, .cap_da = EVSE_LB_NO_CAP};

static void test_session_statuses(void **state)
{
	(void)state;
	assert_true(evse_glb_session(OCPP_CHARGE_POINT_STATUS_CHARGING, false));
	assert_true(evse_glb_session(OCPP_CHARGE_POINT_STATUS_SUSPENDED_EV, true));
	assert_true(evse_glb_session(OCPP_CHARGE_POINT_STATUS_SUSPENDED_EVSE, false));
	assert_true(evse_glb_session(OCPP_CHARGE_POINT_STATUS_PREPARING, true));
	assert_false(evse_glb_session(OCPP_CHARGE_POINT_STATUS_PREPARING, false));
	assert_false(evse_glb_session(OCPP_CHARGE_POINT_STATUS_AVAILABLE, true));
	assert_false(evse_glb_session(OCPP_CHARGE_POINT_STATUS_FINISHING, true));
	assert_false(evse_glb_session(OCPP_CHARGE_POINT_STATUS_UNAVAILABLE, false));
	assert_false(evse_glb_session(OCPP_CHARGE_POINT_STATUS_FAULTED, true));
}

static void test_inputs(void **state)
{
	(void)state;
	struct evse_glb_conn c[3] = {
	    {.connected = true, .session = true, .session_start_ms = 5, .draw_da = 87, .max_da = 160},
	    {.connected = true, .session = true, .session_start_ms = 7, .draw_da = -1, .max_da = 320},
	    {.connected = false, .session = true, .session_start_ms = 9, .draw_da = -1, .max_da = 320},
	};
	int last[3] = {-1, 100, -1};
	struct evse_lb_input in;
	char err[120];
	assert_int_equal(evse_glb_inputs(&g18, c, 3, last, &in, err, sizeof(err)), 0);
	assert_int_equal(in.n_points, 3);
	assert_int_equal(in.threshold_da[0], 180);
	assert_int_equal(in.threshold_da[2], 180);
	assert_false(in.has_house);
	assert_int_equal(in.group_cap_da, EVSE_LB_NO_CAP);
	assert_true(in.point[0].wants);
	assert_int_equal(in.point[0].draw_da, 87); /* seen */
	assert_int_equal(in.point[0].max_da, 160);
	assert_int_equal(in.point[1].draw_da, 100); /* not seen: takes its limit */
	assert_false(in.point[2].wants);            /* its Satellite is away */
	assert_int_equal(in.point[2].draw_da, 320); /* no limit yet: its maximum */
	assert_int_equal(in.point[1].phases, EVSE_LB_3PH);
	assert_int_equal(in.point[1].session_start_ms, 7);
	assert_int_equal(evse_lb_input_check(&in, err, sizeof(err)), 0);

	assert_int_equal(evse_glb_inputs(&g0, c, 3, last, &in, err, sizeof(err)), -1);
	assert_string_equal(err, "threshold 0 A out of range (1..800)");
	assert_int_equal(evse_glb_inputs(&g18, c, 17, last, &in, err, sizeof(err)), -1);
	assert_string_equal(err, "17 connectors in the group (1..16 can be balanced)");
}

static void test_should_apply(void **state)
{
	(void)state;
	assert_true(evse_glb_should_apply(-1, 0));
	assert_true(evse_glb_should_apply(-1, 160));
	assert_false(evse_glb_should_apply(160, 160));
	assert_false(evse_glb_should_apply(160, 164));
	assert_false(evse_glb_should_apply(160, 156));
	assert_true(evse_glb_should_apply(160, 165));
	assert_true(evse_glb_should_apply(160, 155));
	assert_true(evse_glb_should_apply(0, 60));
	assert_true(evse_glb_should_apply(60, 0));
	assert_true(evse_glb_should_apply(3, 0)); /* crosses 0 though under the step */
	assert_false(evse_glb_should_apply(0, 0));
}

static void test_current_import(void **state)
{
	(void)state;
	int da = -7;
	cJSON *j =
	    cJSON_Parse("{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"x\",\"sampledValue\":["
	                "{\"value\":\"1234\",\"measurand\":\"Energy.Active.Import.Register\"},"
	                "{\"value\":\"7.46\",\"measurand\":\"Current.Import\",\"phase\":\"L1\",\"unit\":\"A\"},"
	                "{\"value\":\"8.04\",\"measurand\":\"Current.Import\",\"phase\":\"L2\",\"unit\":\"A\"},"
	                "{\"value\":\"6500\",\"measurand\":\"Current.Import\",\"phase\":\"L3\",\"unit\":\"mA\"}]}]}");
	assert_non_null(j);
	assert_int_equal(evse_glb_current_import(j, &da), 0);
	assert_int_equal(da, 80);
	/* per phase, and onto the group's phases: a point wired L2-L3-L1, a 1-phase point on L3 */
	int ph[3], grp_ph[3];
	assert_int_equal(evse_glb_current_import_phases(j, &da, ph), 0);
	assert_int_equal(ph[0], 75);
	assert_int_equal(ph[1], 80);
	assert_int_equal(ph[2], 65);
	evse_glb_rotate(3, 2, ph, grp_ph);
	assert_int_equal(grp_ph[0], 65);
	assert_int_equal(grp_ph[1], 75);
	assert_int_equal(grp_ph[2], 80);
	evse_glb_rotate(1, 3, ph, grp_ph);
	assert_int_equal(grp_ph[0], -1);
	assert_int_equal(grp_ph[1], -1);
	assert_int_equal(grp_ph[2], 75);
	cJSON_Delete(j);
	/* none, or only values that are not numbers: -1, da untouched */
	j = cJSON_Parse("{\"connectorId\":1,\"meterValue\":[{\"timestamp\":\"x\",\"sampledValue\":["
	                "{\"value\":\"12\"},{\"value\":\"abc\",\"measurand\":\"Current.Import\"},"
	                "{\"value\":\"-3\",\"measurand\":\"Current.Import\"}]}]}");
	da = -7;
	assert_int_equal(evse_glb_current_import(j, &da), -1);
	assert_int_equal(da, -7);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"connectorId\":1}");
	assert_int_equal(evse_glb_current_import(j, &da), -1);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"meterValue\":[{\"sampledValue\":[{\"value\":\"1e9\",\"measurand\":\"Current.Import\"}]}]}");
	assert_int_equal(evse_glb_current_import(j, &da), 0);
	assert_int_equal(da, EVSE_LB_MAX_DA);
	cJSON_Delete(j);
}

/* four sessions under 18 A: three at 6 A, the fourth at 0 A (queued), started when the first leaves */
static void test_four_under_a_threshold_for_three(void **state)
{
	(void)state;
	struct evse_lb_config cfg;
	char err[160];
	evse_lb_config_defaults(&cfg);
	struct evse_lb *lb = evse_lb_new(&cfg, err, sizeof(err));
	assert_non_null(lb);
	struct evse_glb_conn c[4];
	int last[4] = {-1, -1, -1, -1};
	struct evse_lb_input in;
	struct evse_lb_output out;
	int64_t now = 1000;
	for (int i = 0; i < 4; i++)
		c[i] = (struct evse_glb_conn){
		    .connected = true, .session = true, .session_start_ms = 100 + i, .draw_da = -1, .max_da = 320};
	for (int cycle = 0; cycle < 10; cycle++, now += 1000) {
		assert_int_equal(evse_glb_inputs(&g18, c, 4, last, &in, err, sizeof(err)), 0);
		assert_int_equal(evse_lb_run(lb, now, &in, &out, err, sizeof(err)), 0);
		for (int i = 0; i < 4; i++)
			last[i] = out.point[i].limit_da;
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(out.point[i].limit_da, 60);
	assert_int_equal(out.point[3].limit_da, 0);
	assert_int_equal(out.point[3].state, EVSE_LB_QUEUED);
	c[0].session = false; /* the first leaves */
	assert_int_equal(evse_glb_inputs(&g18, c, 4, last, &in, err, sizeof(err)), 0);
	assert_int_equal(evse_lb_run(lb, now, &in, &out, err, sizeof(err)), 0);
	assert_int_equal(out.point[0].limit_da, 0);
	assert_int_equal(out.point[3].limit_da, 60);
	evse_lb_free(lb);
}

/* Runs cycles of evse_lb on c under grp from now, 1 s apart (the injected clock); out is the last one's. */
static void run_cycles(struct evse_lb *lb, const struct evse_glb_group *grp, const struct evse_glb_conn *c, int n,
                       int cycles, int64_t *now, struct evse_lb_output *out)
{
	int last[EVSE_LB_MAX_POINTS];
	struct evse_lb_input in;
	char err[160];
	for (int i = 0; i < n; i++)
		last[i] = -1;
	for (int k = 0; k < cycles; k++, *now += 1000) {
		assert_int_equal(evse_glb_inputs(grp, c, n, last, &in, err, sizeof(err)), 0);
		if (evse_lb_run(lb, *now, &in, out, err, sizeof(err)) < 0)
			fail_msg("%s", err);
		for (int i = 0; i < n; i++)
			last[i] = out->point[i].limit_da;
	}
}

static struct evse_lb *new_lb(void)
{
	struct evse_lb_config cfg;
	char err[160];
	evse_lb_config_defaults(&cfg);
	struct evse_lb *lb = evse_lb_new(&cfg, err, sizeof(err));
	assert_non_null(lb);
	return lb;
}

/* Each point's own maximum and phases: a 1-phase 16 A point on L2 never gets more than 16 A; two 1-phase
 * points on L1 share L1's 18 A while the one on L2 has L2 alone. */
static void test_point_maximum_and_phases(void **state)
{
	(void)state;
	struct evse_lb *lb = new_lb();
	struct evse_lb_output out;
	int64_t now = 1000;
	struct evse_glb_conn c[3] = {
	    {.connected = true,
	     .session = true,
	     .session_start_ms = 1,
	     .draw_da = -1,
	     .max_da = 160,
	     .phases = EVSE_LB_L2},
	    {.connected = true,
	     .session = true,
	     .session_start_ms = 2,
	     .draw_da = -1,
	     .max_da = 320,
	     .phases = EVSE_LB_L1},
	    {.connected = true,
	     .session = true,
	     .session_start_ms = 3,
	     .draw_da = -1,
	     .max_da = 320,
	     .phases = EVSE_LB_L1},
	};
	struct evse_lb_input in;
	int last[3] = {-1, -1, -1};
	char err[160];
	assert_int_equal(evse_glb_inputs(&g18, c, 3, last, &in, err, sizeof(err)), 0);
	assert_int_equal(in.point[0].phases, EVSE_LB_L2);
	assert_int_equal(in.point[0].max_da, 160);
	run_cycles(lb, &g18, c, 3, 30, &now, &out);
	assert_int_equal(out.point[0].limit_da, 160); /* alone on L2: its maximum, not the 18 A */
	assert_int_equal(out.point[1].limit_da, 90);  /* L1 shared */
	assert_int_equal(out.point[2].limit_da, 90);
	/* the same three as 3-phase points of 32 A (the old assumption): 6 A each */
	for (int i = 0; i < 3; i++)
		c[i].phases = EVSE_LB_3PH;
	run_cycles(lb, &g18, c, 3, 10, &now, &out);
	assert_int_equal(out.point[0].limit_da + out.point[1].limit_da + out.point[2].limit_da, 180);
	evse_lb_free(lb);
}

/* The DPM meter on the Master: the house is the grid's current less the sessions' draws on their phases;
 * the room is the threshold less the house; a meter fault leaves no room. */
static void test_house_load_from_the_grid_meter(void **state)
{
	(void)state;
	struct evse_lb *lb = new_lb();
	struct evse_lb_output out;
	struct evse_lb_input in;
	int64_t now = 1000;
	int last[2] = {-1, -1};
	char err[160];
	/* one session on a 3-phase point drawing 10 A; L1 of the grid carries 30 A: the house takes 20 A there */
	struct evse_glb_conn c[2] = {
	    {.connected = true, .session = true, .session_start_ms = 1, .draw_da = 100, .max_da = 320},
	    {.connected = true, .session = false, .draw_da = -1, .max_da = 320},
	};
	struct evse_glb_group grp = {
	    .threshold_a = 32, .has_grid = true, .grid_da = {300, 100, -50}, .cap_da = EVSE_LB_NO_CAP};
	assert_int_equal(evse_glb_inputs(&grp, c, 2, last, &in, err, sizeof(err)), 0);
	assert_true(in.has_house);
	assert_int_equal(in.house_da[0], 200);
	assert_int_equal(in.house_da[1], 0);
	assert_int_equal(in.house_da[2], 0); /* export: no negative house */
	/* its draw per phase known (a 1-phase EV on the 3-phase point): only L1 is taken out */
	c[0].has_phase_draw = true;
	c[0].phase_draw_da[0] = 100;
	c[0].phase_draw_da[1] = c[0].phase_draw_da[2] = 0;
	assert_int_equal(evse_glb_inputs(&grp, c, 2, last, &in, err, sizeof(err)), 0);
	assert_int_equal(in.house_da[0], 200);
	assert_int_equal(in.house_da[1], 100);
	/* a draw above the point's last limit counts as the limit (an older reading) */
	last[0] = 80;
	assert_int_equal(evse_glb_inputs(&grp, c, 2, last, &in, err, sizeof(err)), 0);
	assert_int_equal(in.house_da[0], 220);
	last[0] = -1;
	c[0].has_phase_draw = false;
	c[0].draw_da = -1; /* not seen drawing: offered 32 A at most, the room is 12 A on L1 */
	grp.grid_da[0] = 200;
	grp.grid_da[1] = grp.grid_da[2] = 0;
	run_cycles(lb, &grp, c, 2, 10, &now, &out);
	assert_int_equal(out.room_da[0], 120);
	assert_int_equal(out.point[0].limit_da, 120);
	/* without the meter the same session gets the whole threshold */
	grp.has_grid = false;
	run_cycles(lb, &grp, c, 2, 10, &now, &out);
	assert_int_equal(out.point[0].limit_da, 320);
	/* a faulted meter: no room, the session suspended (not stopped) */
	grp.has_grid = grp.grid_fault = true;
	run_cycles(lb, &grp, c, 2, 1, &now, &out);
	assert_int_equal(out.room_da[0], 0);
	assert_int_equal(out.point[0].limit_da, 0);
	evse_lb_free(lb);
}

/* Upstream's caps: a ChargePointMaxProfile on connector 0 caps the group's sum per phase, a TxProfile on a
 * connector caps that point and the others get the rest. */
static void test_upstream_caps(void **state)
{
	(void)state;
	struct evse_lb *lb = new_lb();
	struct evse_lb_output out;
	int64_t now = 1000;
	struct evse_glb_conn c[2] = {
	    {.connected = true, .session = true, .session_start_ms = 1, .draw_da = -1, .max_da = 320},
	    {.connected = true, .session = true, .session_start_ms = 2, .draw_da = -1, .max_da = 320},
	};
	struct evse_glb_group grp = {.threshold_a = 40, .cap_da = 120};
	run_cycles(lb, &grp, c, 2, 10, &now, &out);
	assert_int_equal(out.point[0].limit_da + out.point[1].limit_da, 120);
	grp.cap_da = EVSE_LB_NO_CAP;
	c[0].has_cap = true;
	c[0].cap_da = 80;
	run_cycles(lb, &grp, c, 2, 20, &now, &out);
	assert_int_equal(out.point[0].limit_da, 80);
	assert_int_equal(out.point[1].limit_da, 320);
	c[0].cap_da = 0; /* a 0 A TxProfile: that point waits, the other charges */
	run_cycles(lb, &grp, c, 2, 2, &now, &out);
	assert_int_equal(out.point[0].limit_da, 0);
	assert_true(out.point[1].limit_da >= 60);
	evse_lb_free(lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_point_maximum_and_phases),
	    cmocka_unit_test(test_house_load_from_the_grid_meter),
	    cmocka_unit_test(test_upstream_caps),
	    cmocka_unit_test(test_session_statuses),
	    cmocka_unit_test(test_inputs),
	    cmocka_unit_test(test_should_apply),
	    cmocka_unit_test(test_current_import),
	    cmocka_unit_test(test_four_under_a_threshold_for_three),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

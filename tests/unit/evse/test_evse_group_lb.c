/* test_evse_group_lb.c — the relay's view of the group turned into the balancer's inputs: which statuses hold
 * a session, the EV's draw (Current.Import, else the last limit, else the maximum), the threshold, the step
 * under which a limit is not sent again; and a run of evse_lb on those inputs (three fit at 6 A, the fourth
 * waits at 0 A and starts when one leaves). */
#include "evse_test.h"

#include "evse_group_lb.h"

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
	assert_int_equal(evse_glb_inputs(18, c, 3, last, &in, err, sizeof(err)), 0);
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

	assert_int_equal(evse_glb_inputs(0, c, 3, last, &in, err, sizeof(err)), -1);
	assert_string_equal(err, "threshold 0 A out of range (1..800)");
	assert_int_equal(evse_glb_inputs(18, c, 17, last, &in, err, sizeof(err)), -1);
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
		assert_int_equal(evse_glb_inputs(18, c, 4, last, &in, err, sizeof(err)), 0);
		assert_int_equal(evse_lb_run(lb, now, &in, &out, err, sizeof(err)), 0);
		for (int i = 0; i < 4; i++)
			last[i] = out.point[i].limit_da;
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(out.point[i].limit_da, 60);
	assert_int_equal(out.point[3].limit_da, 0);
	assert_int_equal(out.point[3].state, EVSE_LB_QUEUED);
	c[0].session = false; /* the first leaves */
	assert_int_equal(evse_glb_inputs(18, c, 4, last, &in, err, sizeof(err)), 0);
	assert_int_equal(evse_lb_run(lb, now, &in, &out, err, sizeof(err)), 0);
	assert_int_equal(out.point[0].limit_da, 0);
	assert_int_equal(out.point[3].limit_da, 60);
	evse_lb_free(lb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_statuses),
	    cmocka_unit_test(test_inputs),
	    cmocka_unit_test(test_should_apply),
	    cmocka_unit_test(test_current_import),
	    cmocka_unit_test(test_four_under_a_threshold_for_three),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

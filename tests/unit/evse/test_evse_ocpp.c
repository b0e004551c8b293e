/* test_evse_ocpp.c — the OCPP client without a network: frames in and out by hand, an injected clock, a
 * store on disk. Boot before anything else, the durable transaction queue replayed in order with the
 * central system's transactionId, retries, remote start/stop, configuration keys, the local list. */
#include "evse_group.h"
#include "evse_ocpp_test.h"

static void test_boot_first_and_retried_on_pending(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	evse_ocpp_connected(x->o, x->t->now);
	cJSON *boot = expect_call(x, "BootNotification");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(boot, 3), "chargePointVendor")->valuestring,
	                    "Wattline");
	answer(x, boot, "{\"status\":\"Pending\",\"currentTime\":\"2026-11-20T10:00:00Z\",\"interval\":5}");
	cJSON_Delete(boot);
	evse_sim_plug(x->t->sim, NULL); /* a status change: nothing may be sent before Accepted */
	run(x, 4800);
	assert_null(out(x));
	run(x, 300);
	boot = expect_call(x, "BootNotification");
	answer(x, boot, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-20T10:00:00Z\",\"interval\":300}");
	cJSON_Delete(boot);
	run(x, 100);
	cJSON *st = expect_call(x, "StatusNotification");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(st, 3), "connectorId")->valueint, 0);
	answer(x, st, "{}");
	cJSON_Delete(st);
	run(x, 100);
	st = expect_call(x, "StatusNotification");
	assert_int_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(st, 3), "connectorId")->valueint, 1);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(st, 3), "status")->valuestring, "Preparing");
	cJSON_Delete(st);
}

/* One offline session: plugged, accepted offline, charged a minute, unplugged. */
static void offline_session(struct ot *x)
{
	evse_sim_plug(x->t->sim, NULL);
	run(x, 300);
	evse_sim_tap(x->t->sim, "OFF-1");
	run(x, 3000);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_CHARGING);
	run(x, 60000);
	evse_sim_unplug(x->t->sim);
	run(x, 200);
}

static void test_offline_queue_survives_restart_and_replays_in_order(void **state)
{
	struct ot *x = *state;
	char v[8];
	assert_int_equal(evse_key_change(x->st, "AllowOfflineTxForUnknownId", "true"),
	                 OCPP_CONFIGURATION_STATUS_ACCEPTED);
	run(x, 1500);
	offline_session(x);
	offline_session(x);
	/* Start, MeterValues (sampled every 60 s), Stop for each */
	int64_t queued = evse_ocpp_queued(x->o);
	assert_int_equal(queued, 6);
	/* the process goes away and comes back: the queue is on disk */
	ot_close(x);
	ot_open(x);
	assert_int_equal(evse_ocpp_queued(x->o), queued);
	evse_key_get(x->st, EVSE_KEY_AllowOfflineTxForUnknownId, v, sizeof(v));
	assert_string_equal(v, "true");

	boot_accepted(x);
	const char *order[] = {"StartTransaction", "MeterValues", "StopTransaction",
	                       "StartTransaction", "MeterValues", "StopTransaction"};
	int tx = 0;
	for (int i = 0; i < 6; i++) {
		run(x, 100);
		cJSON *c = expect_call(x, order[i]);
		cJSON *p = cJSON_GetArrayItem(c, 3);
		if (i % 3 == 0) {
			char conf[128];
			tx = ++x->next_tx;
			snprintf(conf, sizeof(conf), "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}",
			         tx);
			assert_string_equal(cJSON_GetObjectItem(p, "idTag")->valuestring, "OFF-1");
			answer(x, c, conf);
		} else {
			assert_int_equal(cJSON_GetObjectItem(p, "transactionId")->valueint, tx);
			answer(x, c, "{}");
		}
		cJSON_Delete(c);
	}
	run(x, 100);
	assert_int_equal(evse_ocpp_queued(x->o), 0);
}

static void test_callerror_retried_then_dropped(void **state)
{
	struct ot *x = *state;
	evse_key_change(x->st, "TransactionMessageAttempts", "2");
	evse_key_change(x->st, "TransactionMessageRetryInterval", "5");
	run(x, 1500);
	boot_accepted(x);
	evse_charge_authorize(x->t->c, "REM-1", NULL, EVSE_START_REMOTE, x->t->now);
	evse_sim_plug(x->t->sim, NULL);
	run(x, 300);
	cJSON *c = expect_call(x, "StartTransaction");
	char err[160];
	snprintf(err, sizeof(err), "[4,\"%s\",\"InternalError\",\"busy\",{}]", cJSON_GetArrayItem(c, 1)->valuestring);
	evse_ocpp_receive(x->o, err, strlen(err), x->t->now);
	cJSON_Delete(c);
	run(x, 4000);
	assert_null(find_call(x, "StartTransaction")); /* waits RetryInterval x attempts */
	run(x, 1200);
	c = expect_call(x, "StartTransaction");
	snprintf(err, sizeof(err), "[4,\"%s\",\"InternalError\",\"busy\",{}]", cJSON_GetArrayItem(c, 1)->valuestring);
	evse_ocpp_receive(x->o, err, strlen(err), x->t->now);
	cJSON_Delete(c);
	assert_int_equal(evse_ocpp_queued(x->o), 0); /* dropped after 2 attempts */
}

static void test_remote_start_and_stop(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	boot_accepted(x);
	cJSON *r = cs_call(x, "RemoteStartTransaction", "{\"idTag\":\"APP-7\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	plug_and_start(x, 555);
	r = cs_call(x, "RemoteStopTransaction", "{\"transactionId\":554}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected");
	cJSON_Delete(r);
	r = cs_call(x, "RemoteStopTransaction", "{\"transactionId\":555}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	run(x, 4000);
	cJSON *c = expect_call(x, "StopTransaction");
	cJSON *p = cJSON_GetArrayItem(c, 3);
	assert_int_equal(cJSON_GetObjectItem(p, "transactionId")->valueint, 555);
	assert_string_equal(cJSON_GetObjectItem(p, "reason")->valuestring, "Remote");
	cJSON_Delete(c);
}

static void test_configuration_keys(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	boot_accepted(x);
	cJSON *r = cs_call(x, "GetConfiguration", "{\"key\":[\"HeartbeatInterval\",\"NoSuchKey\"]}");
	cJSON *kv = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "configurationKey"), 0);
	assert_string_equal(cJSON_GetObjectItem(kv, "value")->valuestring, "300");
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(kv, "readonly")));
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(r, "unknownKey"), 0)->valuestring, "NoSuchKey");
	cJSON_Delete(r);
	r = cs_call(x, "ChangeConfiguration", "{\"key\":\"NumberOfConnectors\",\"value\":\"2\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected");
	cJSON_Delete(r);
	r = cs_call(x, "ChangeConfiguration", "{\"key\":\"MeterValueSampleInterval\",\"value\":\"-1\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected");
	cJSON_Delete(r);
	r = cs_call(x, "ChangeConfiguration", "{\"key\":\"MeterValuesSampledData\",\"value\":\"Voltage,Bogus\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected");
	cJSON_Delete(r);
	r = cs_call(x, "ChangeConfiguration", "{\"key\":\"WebSocketPingInterval\",\"value\":\"30\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "RebootRequired");
	cJSON_Delete(r);
	r = cs_call(x, "ChangeConfiguration", "{\"key\":\"Frobnicate\",\"value\":\"1\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "NotSupported");
	cJSON_Delete(r);
	r = cs_call(x, "GetConfiguration", "{}");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r, "configurationKey")), EVSE_KEY_COUNT);
	cJSON_Delete(r);
}

static void test_local_list_authorises_offline(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	boot_accepted(x);
	cJSON *r = cs_call(x, "SendLocalList",
	                   "{\"listVersion\":3,\"updateType\":\"Full\",\"localAuthorizationList\":["
	                   "{\"idTag\":\"LIST-1\",\"idTagInfo\":{\"status\":\"Accepted\"}},"
	                   "{\"idTag\":\"LIST-2\",\"idTagInfo\":{\"status\":\"Blocked\"}}]}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	r = cs_call(x, "SendLocalList", "{\"listVersion\":2,\"updateType\":\"Differential\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "VersionMismatch");
	cJSON_Delete(r);
	r = cs_call(x, "GetLocalListVersion", "{}");
	assert_int_equal(cJSON_GetObjectItem(r, "listVersion")->valueint, 3);
	cJSON_Delete(r);
	evse_ocpp_disconnected(x->o, x->t->now);
	char parent[EVSE_ID_MAX];
	assert_int_equal(evse_ocpp_authorize(x->o, "LIST-1", parent, x->t->now), EVSE_AUTH_ACCEPTED);
	assert_int_equal(evse_ocpp_authorize(x->o, "LIST-2", parent, x->t->now), EVSE_AUTH_REJECTED);
	assert_int_equal(evse_ocpp_authorize(x->o, "NOBODY", parent, x->t->now), EVSE_AUTH_REJECTED);
}

static void test_fault_reported_with_codes(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	boot_accepted(x);
	run(x, 100);
	cJSON *c;
	drain(x);
	evse_sim_fault(x->t->sim, EVSE_SIM_FAULT_IRD, true);
	run(x, 200);
	c = expect_call(x, "StatusNotification");
	cJSON *p = cJSON_GetArrayItem(c, 3);
	assert_string_equal(cJSON_GetObjectItem(p, "status")->valuestring, "Faulted");
	assert_string_equal(cJSON_GetObjectItem(p, "errorCode")->valuestring, "GroundFailure");
	assert_string_equal(cJSON_GetObjectItem(p, "vendorErrorCode")->valuestring, "ERR IRD");
	cJSON_Delete(c);
}

/* An RFC 3339 time s seconds after the station's wall clock now. */
static void wall_in(struct ot *x, int64_t s, char *out, size_t cap)
{
	ocpp_time_format((int64_t)(x->wall + x->t->now) + s * 1000, out, cap);
}

static void test_reserve_now_status_start_with_reservation_id(void **state)
{
	struct ot *x = *state;
	char exp[40], buf[256];
	run(x, 1500);
	boot_accepted(x);
	drain(x);
	wall_in(x, 600, exp, sizeof(exp));
	snprintf(buf, sizeof(buf), "{\"connectorId\":2,\"expiryDate\":\"%s\",\"idTag\":\"RES-1\",\"reservationId\":41}",
	         exp);
	cJSON *r = cs_call(x, "ReserveNow", buf);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected"); /* no connector 2 */
	cJSON_Delete(r);
	snprintf(buf, sizeof(buf), "{\"connectorId\":0,\"expiryDate\":\"%s\",\"idTag\":\"RES-1\",\"reservationId\":42}",
	         exp);
	r = cs_call(x, "ReserveNow", buf);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted"); /* connector 0 */
	cJSON_Delete(r);
	run(x, 500);
	cJSON *c;
	bool reserved = false;
	while ((c = find_call(x, "StatusNotification"))) {
		cJSON *st = cJSON_GetObjectItem(cJSON_GetArrayItem(c, 3), "status");
		reserved = reserved || strcmp(st->valuestring, "Reserved") == 0;
		answer(x, c, "{}");
		cJSON_Delete(c);
	}
	assert_true(reserved);
	/* a remote start for another card is refused; the reserving card's is accepted */
	r = cs_call(x, "RemoteStartTransaction", "{\"idTag\":\"OTHER\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected");
	cJSON_Delete(r);
	r = cs_call(x, "RemoteStartTransaction", "{\"idTag\":\"RES-1\"}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	evse_sim_plug(x->t->sim, NULL);
	run(x, 3000);
	c = expect_call(x, "StartTransaction");
	cJSON *p = cJSON_GetArrayItem(c, 3);
	assert_int_equal(cJSON_GetObjectItem(p, "reservationId")->valueint, 42);
	assert_string_equal(cJSON_GetObjectItem(p, "idTag")->valuestring, "RES-1");
	cJSON_Delete(c);
}

static void test_reserve_now_refusals_and_cancel(void **state)
{
	struct ot *x = *state;
	char exp[40], buf[256];
	run(x, 1500);
	boot_accepted(x);
	wall_in(x, -5, exp, sizeof(exp));
	snprintf(buf, sizeof(buf), "{\"connectorId\":1,\"expiryDate\":\"%s\",\"idTag\":\"RES-1\",\"reservationId\":1}",
	         exp);
	cJSON *r = cs_call(x, "ReserveNow", buf);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected"); /* in the past */
	cJSON_Delete(r);
	wall_in(x, 60, exp, sizeof(exp));
	snprintf(buf, sizeof(buf), "{\"connectorId\":1,\"expiryDate\":\"%s\",\"idTag\":\"RES-1\",\"reservationId\":2}",
	         exp);
	r = cs_call(x, "ReserveNow", buf);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	snprintf(buf, sizeof(buf), "{\"connectorId\":1,\"expiryDate\":\"%s\",\"idTag\":\"RES-2\",\"reservationId\":3}",
	         exp);
	r = cs_call(x, "ReserveNow", buf);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Occupied");
	cJSON_Delete(r);
	r = cs_call(x, "CancelReservation", "{\"reservationId\":3}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Rejected");
	cJSON_Delete(r);
	r = cs_call(x, "CancelReservation", "{\"reservationId\":2}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	run(x, 200);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_AVAILABLE);
	/* the expiry date, counted on the injected clock */
	r = cs_call(x, "ReserveNow", buf);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON_Delete(r);
	run(x, 55000);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_RESERVED);
	run(x, 6000);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_AVAILABLE);
	r = cs_call(x, "GetConfiguration",
	            "{\"key\":[\"SupportedFeatureProfiles\",\"ReserveConnectorZeroSupported\"]}");
	cJSON *k = cJSON_GetObjectItem(r, "configurationKey");
	assert_non_null(strstr(cJSON_GetObjectItem(cJSON_GetArrayItem(k, 0), "value")->valuestring, "Reservation"));
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(k, 1), "value")->valuestring, "true");
	cJSON_Delete(r);
}

/* ---- smart charging ---- */

static void status_is(cJSON *r, const char *want)
{
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, want);
	cJSON_Delete(r);
}

/* A SetChargingProfile payload: purpose, kind, stack level, connector, unit, periods "start:limit,...". */
static void profile_json(char *buf, size_t cap, int id, int connector, const char *purpose, int stack, const char *unit,
                         const char *start, const char *periods_json)
{
	snprintf(buf, cap,
	         "{\"connectorId\":%d,\"csChargingProfiles\":{\"chargingProfileId\":%d,\"stackLevel\":%d,"
	         "\"chargingProfilePurpose\":\"%s\",\"chargingProfileKind\":\"Absolute\",\"chargingSchedule\":{"
	         "\"startSchedule\":\"%s\",\"chargingRateUnit\":\"%s\",\"chargingSchedulePeriod\":%s}}}",
	         connector, id, stack, purpose, start, unit, periods_json);
}

static void test_smart_profile_drives_limit_composite_and_clear(void **state)
{
	struct ot *x = *state;
	char buf[1000], now[40];
	run(x, 1500);
	boot_accepted(x);
	wall_in(x, 0, now, sizeof(now));
	assert_true(evse_charge_limit(x->t->c) == 32.0);
	profile_json(buf, sizeof(buf), 1, 0, "TxDefaultProfile", 0, "A", now,
	             "[{\"startPeriod\":0,\"limit\":10},{\"startPeriod\":60,\"limit\":16}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Accepted");
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 10.0);

	cJSON *r = cs_call(x, "GetCompositeSchedule", "{\"connectorId\":1,\"duration\":300}");
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, "Accepted");
	cJSON *cs = cJSON_GetObjectItem(r, "chargingSchedule");
	cJSON *per = cJSON_GetObjectItem(cs, "chargingSchedulePeriod");
	assert_int_equal(cJSON_GetArraySize(per), 2);
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(per, 0), "limit")->valuedouble == 10.0);
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(per, 1), "limit")->valuedouble == 16.0);
	assert_in_range(cJSON_GetObjectItem(cJSON_GetArrayItem(per, 1), "startPeriod")->valueint, 58, 60);
	assert_string_equal(cJSON_GetObjectItem(cs, "chargingRateUnit")->valuestring, "A");
	cJSON_Delete(r);

	/* the period boundary is seen on the control tick */
	run(x, 60000);
	assert_true(evse_charge_limit(x->t->c) == 16.0);
	/* a station maximum in W: 6900 W / (230 V x 3) = 10 A */
	profile_json(buf, sizeof(buf), 2, 0, "ChargePointMaxProfile", 0, "W", now,
	             "[{\"startPeriod\":0,\"limit\":6900}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Accepted");
	run(x, 200);
	assert_true(fabs(evse_charge_limit(x->t->c) - 10.0) < 1e-9);
	r = cs_call(x, "GetCompositeSchedule", "{\"connectorId\":0,\"duration\":60,\"chargingRateUnit\":\"W\"}");
	per = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "chargingSchedule"), "chargingSchedulePeriod");
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(per, 0), "limit")->valuedouble == 6900.0);
	cJSON_Delete(r);

	/* refusals */
	profile_json(buf, sizeof(buf), 3, 1, "TxProfile", 0, "A", now, "[{\"startPeriod\":0,\"limit\":8}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Rejected"); /* no transaction */
	profile_json(buf, sizeof(buf), 3, 1, "ChargePointMaxProfile", 0, "A", now, "[{\"startPeriod\":0,\"limit\":8}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Rejected"); /* not on connector 1 */
	profile_json(buf, sizeof(buf), 3, 0, "TxDefaultProfile", 11, "A", now, "[{\"startPeriod\":0,\"limit\":8}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Rejected"); /* above ChargeProfileMaxStackLevel */
	profile_json(buf, sizeof(buf), 3, 2, "TxDefaultProfile", 1, "A", now, "[{\"startPeriod\":0,\"limit\":8}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Rejected"); /* no connector 2 */
	profile_json(buf, sizeof(buf), 3, 0, "TxDefaultProfile", 1, "A", now, "[{\"startPeriod\":5,\"limit\":8}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Rejected"); /* the first period must start at 0 */

	/* clear by id, then by purpose; nothing left to clear: Unknown */
	status_is(cs_call(x, "ClearChargingProfile", "{\"id\":1}"), "Accepted");
	status_is(cs_call(x, "ClearChargingProfile", "{\"chargingProfilePurpose\":\"ChargePointMaxProfile\"}"),
	          "Accepted");
	status_is(cs_call(x, "ClearChargingProfile", "{}"), "Unknown");
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 32.0);
}

/* Frees and rebuilds the charging point and the client on the same store file: a restart. */
static void restart_station(struct ot *x)
{
	ot_close(x);
	evse_charge_free(x->t->c);
	struct evse_charge_events ev = {
	    .state = ot_state, .session_start = ot_start, .session_stop = ot_stop, .authorize = ot_authorize};
	x->t->c = evse_charge_new(&x->t->cfg, evse_sim_hal(x->t->sim), &ev, x->t->now);
	ot_open(x);
}

static void test_smart_profiles_survive_restart_tx_profile_ends_with_tx(void **state)
{
	struct ot *x = *state;
	char buf[1000], now[40];
	run(x, 1500);
	boot_accepted(x);
	wall_in(x, 0, now, sizeof(now));
	profile_json(buf, sizeof(buf), 7, 1, "TxDefaultProfile", 2, "A", now, "[{\"startPeriod\":0,\"limit\":12}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Accepted");
	restart_station(x);
	run(x, 1500);
	assert_true(evse_charge_limit(x->t->c) == 12.0);
	boot_accepted(x);
	/* a remote start with a TxProfile: in force for that session only */
	cJSON *r = cs_call(x, "RemoteStartTransaction",
	                   "{\"idTag\":\"R-1\",\"chargingProfile\":{\"chargingProfileId\":9,\"stackLevel\":0,"
	                   "\"chargingProfilePurpose\":\"TxProfile\",\"chargingProfileKind\":\"Relative\","
	                   "\"chargingSchedule\":{\"chargingRateUnit\":\"A\",\"chargingSchedulePeriod\":"
	                   "[{\"startPeriod\":0,\"limit\":8},{\"startPeriod\":30,\"limit\":20}]}}}");
	status_is(r, "Accepted");
	evse_sim_plug(x->t->sim, NULL);
	run(x, 3000);
	cJSON *c = expect_call(x, "StartTransaction");
	answer(x, c, "{\"transactionId\":555,\"idTagInfo\":{\"status\":\"Accepted\"}}");
	cJSON_Delete(c);
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 8.0);
	run(x, 30000); /* Relative: from the start of the transaction */
	assert_true(evse_charge_limit(x->t->c) == 20.0);
	/* a TxProfile for another transaction is refused, for this one accepted */
	snprintf(buf, sizeof(buf),
	         "{\"connectorId\":1,\"csChargingProfiles\":{\"chargingProfileId\":10,\"transactionId\":%d,"
	         "\"stackLevel\":1,\"chargingProfilePurpose\":\"TxProfile\",\"chargingProfileKind\":\"Relative\","
	         "\"chargingSchedule\":{\"chargingRateUnit\":\"A\",\"chargingSchedulePeriod\":"
	         "[{\"startPeriod\":0,\"limit\":6}]}}}",
	         556);
	status_is(cs_call(x, "SetChargingProfile", buf), "Rejected");
	buf[strstr(buf, "556") - buf + 2] = '5';
	status_is(cs_call(x, "SetChargingProfile", buf), "Accepted");
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 6.0);
	evse_charge_stop(x->t->c, EVSE_STOP_REMOTE, x->t->now);
	run(x, 4000);
	assert_true(evse_charge_limit(x->t->c) == 12.0); /* the TxProfiles went with the transaction */
}

/* ---- MinimumStatusDuration, reservations across a restart ---- */

static void test_minimum_status_duration_sends_only_lasting_status(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	boot_accepted(x);
	run(x, 200);
	drain(x);
	status_is(cs_call(x, "ChangeConfiguration", "{\"key\":\"MinimumStatusDuration\",\"value\":\"3\"}"), "Accepted");
	evse_sim_plug(x->t->sim, NULL); /* Preparing for one second only */
	run(x, 1000);
	evse_sim_unplug(x->t->sim);
	run(x, 5000);
	assert_null(find_call(x, "StatusNotification"));
	evse_sim_plug(x->t->sim, NULL); /* this one lasts */
	run(x, 2500);
	assert_null(find_call(x, "StatusNotification"));
	run(x, 1000);
	cJSON *st = expect_call(x, "StatusNotification");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(st, 3), "status")->valuestring, "Preparing");
	cJSON_Delete(st);
}

static void test_reservation_survives_restart_until_expiry(void **state)
{
	struct ot *x = *state;
	char exp[40], buf[256];
	run(x, 1500);
	boot_accepted(x);
	wall_in(x, 30, exp, sizeof(exp));
	snprintf(buf, sizeof(buf), "{\"connectorId\":1,\"expiryDate\":\"%s\",\"idTag\":\"RES-9\",\"reservationId\":9}",
	         exp);
	status_is(cs_call(x, "ReserveNow", buf), "Accepted");
	run(x, 200);
	restart_station(x);
	run(x, 1500);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_RESERVED);
	assert_int_equal(evse_charge_reservation(x->t->c)->id, 9);
	run(x, 29000); /* past the expiry date: gone, and not restored again */
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_AVAILABLE);
	restart_station(x);
	run(x, 1500);
	assert_null(evse_charge_reservation(x->t->c));
	/* one that expires while the station is off is not restored */
	wall_in(x, 5, exp, sizeof(exp));
	snprintf(buf, sizeof(buf), "{\"connectorId\":1,\"expiryDate\":\"%s\",\"idTag\":\"RES-9\",\"reservationId\":10}",
	         exp);
	boot_accepted(x);
	status_is(cs_call(x, "ReserveNow", buf), "Accepted");
	ot_close(x);
	x->wall += 10000; /* ten seconds off */
	evse_charge_free(x->t->c);
	struct evse_charge_events ev = {
	    .state = ot_state, .session_start = ot_start, .session_stop = ot_stop, .authorize = ot_authorize};
	x->t->c = evse_charge_new(&x->t->cfg, evse_sim_hal(x->t->sim), &ev, x->t->now);
	ot_open(x);
	run(x, 1500);
	assert_null(evse_charge_reservation(x->t->c));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The group balancer's limit, as a Master sends it to an evse Satellite: it lowers the limit, never lifts
 * one the backend set (a ChargePointMaxProfile: the lower counts), and its ClearChargingProfile lifts it. */
static void test_group_limit_request_drives_a_satellite(void **state)
{
	struct ot *x = *state;
	char buf[1000], now[40];
	enum ocpp_action a;
	run(x, 1500);
	boot_accepted(x);
	wall_in(x, 0, now, sizeof(now));
	profile_json(buf, sizeof(buf), 1, 0, "TxDefaultProfile", 0, "A", now, "[{\"startPeriod\":0,\"limit\":16}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Accepted");
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 16.0);

	cJSON *j = evse_group_limit_json(0, 10.0, &a);
	assert_non_null(j);
	assert_int_equal(a, OCPP_SetChargingProfile);
	char *text = cJSON_PrintUnformatted(j);
	status_is(cs_call(x, "SetChargingProfile", text), "Accepted");
	free(text);
	cJSON_Delete(j);
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 10.0);

	j = evse_group_limit_json(0, 20.0, &a); /* a share above the backend's: the backend's still caps */
	text = cJSON_PrintUnformatted(j);
	status_is(cs_call(x, "SetChargingProfile", text), "Accepted");
	free(text);
	cJSON_Delete(j);
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 16.0);

	j = evse_group_limit_json(0, -1.0, &a);
	assert_int_equal(a, OCPP_ClearChargingProfile);
	text = cJSON_PrintUnformatted(j);
	status_is(cs_call(x, "ClearChargingProfile", text), "Accepted");
	free(text);
	cJSON_Delete(j);
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 16.0);
}

/* The per-connector share of a Satellite of several connectors: a TxDefaultProfile on that connector at the
 * group's stack level — it lowers the backend's TxDefaultProfile of a lower level (the Master never sends more
 * than that cap), leaves it in place (another stack level: not replaced), and its clear restores it. */
static void test_group_connector_limit_request(void **state)
{
	struct ot *x = *state;
	char buf[1000], now[40];
	enum ocpp_action a;
	run(x, 1500);
	boot_accepted(x);
	wall_in(x, 0, now, sizeof(now));
	profile_json(buf, sizeof(buf), 1, 1, "TxDefaultProfile", 0, "A", now, "[{\"startPeriod\":0,\"limit\":16}]");
	status_is(cs_call(x, "SetChargingProfile", buf), "Accepted");
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 16.0);

	cJSON *j = evse_group_limit_json(1, 10.0, &a);
	assert_non_null(j);
	assert_int_equal(a, OCPP_SetChargingProfile);
	assert_int_equal(cJSON_GetObjectItem(j, "connectorId")->valueint, 1);
	cJSON *p = cJSON_GetObjectItem(j, "csChargingProfiles");
	assert_string_equal(cJSON_GetObjectItem(p, "chargingProfilePurpose")->valuestring, "TxDefaultProfile");
	assert_int_equal(cJSON_GetObjectItem(p, "chargingProfileId")->valueint, EVSE_GROUP_PROFILE_ID + 1);
	char *text = cJSON_PrintUnformatted(j);
	status_is(cs_call(x, "SetChargingProfile", text), "Accepted");
	free(text);
	cJSON_Delete(j);
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 10.0);

	j = evse_group_limit_json(1, -1.0, &a);
	assert_int_equal(a, OCPP_ClearChargingProfile);
	assert_int_equal(cJSON_GetObjectItem(j, "id")->valueint, EVSE_GROUP_PROFILE_ID + 1);
	text = cJSON_PrintUnformatted(j);
	status_is(cs_call(x, "ClearChargingProfile", text), "Accepted");
	free(text);
	cJSON_Delete(j);
	run(x, 200);
	assert_true(evse_charge_limit(x->t->c) == 16.0); /* the backend's is still there */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_boot_first_and_retried_on_pending),
	    T(test_offline_queue_survives_restart_and_replays_in_order),
	    T(test_callerror_retried_then_dropped),
	    T(test_remote_start_and_stop),
	    T(test_configuration_keys),
	    T(test_local_list_authorises_offline),
	    T(test_fault_reported_with_codes),
	    T(test_reserve_now_status_start_with_reservation_id),
	    T(test_reserve_now_refusals_and_cancel),
	    T(test_smart_profile_drives_limit_composite_and_clear),
	    T(test_smart_profiles_survive_restart_tx_profile_ends_with_tx),
	    T(test_minimum_status_duration_sends_only_lasting_status),
	    T(test_reservation_survives_restart_until_expiry),
	    T(test_group_limit_request_drives_a_satellite),
	    T(test_group_connector_limit_request),
	};
	return cmocka_run_group_tests_name("evse_ocpp", tests, NULL, NULL);
}

/* test_evse_ocpp_conf.c — OCPP 1.6 conformance points a strict central system found: a remote start under
 * AuthorizeRemoteTxRequests gets the same checks as without it, UnlockConnector stops the session first and
 * then answers Unlocked, and id tags compare the way the central system keeps them (upper case, padded). */
#include "evse_ocpp_test.h"

static void expect_status(cJSON *r, const char *want)
{
	assert_non_null(r);
	assert_string_equal(cJSON_GetObjectItem(r, "status")->valuestring, want);
	cJSON_Delete(r);
}

/* A RemoteStartTransaction for id_tag: its status; *asked tells whether the station sent an Authorize for
 * it (answered Accepted, as a friendly central system would). */
static void remote_start(struct ot *x, const char *id_tag, const char *want, bool *asked)
{
	char buf[1024];
	static int id;
	snprintf(buf, sizeof(buf), "[2,\"rs-%d\",\"RemoteStartTransaction\",{\"idTag\":\"%s\"}]", ++id, id_tag);
	evse_ocpp_receive(x->o, buf, strlen(buf), x->t->now);
	*asked = false;
	cJSON *j, *status = NULL;
	for (int i = 0; i < 20 && !status; i++) {
		while ((j = out(x))) {
			if (cJSON_GetArrayItem(j, 0)->valueint == 2) {
				*asked = *asked || strcmp(action_of(j), "Authorize") == 0;
				answer_default(x, j);
				cJSON_Delete(j);
				continue;
			}
			if (strncmp(cJSON_GetArrayItem(j, 1)->valuestring, "rs-", 3) == 0)
				status = cJSON_DetachItemFromObject(cJSON_GetArrayItem(j, 2), "status");
			cJSON_Delete(j);
		}
		run(x, ET_TICK_MS);
	}
	assert_non_null(status);
	assert_string_equal(status->valuestring, want);
	cJSON_Delete(status);
}

/* Boots, switches AuthorizeRemoteTxRequests on, starts a remote session for APP-1 and lets it charge. */
static void remote_session_with_authorize(struct ot *x)
{
	run(x, 1500);
	boot_accepted(x);
	expect_status(cs_call(x, "ChangeConfiguration", "{\"key\":\"AuthorizeRemoteTxRequests\",\"value\":\"true\"}"),
	              "Accepted");
	bool asked;
	remote_start(x, "APP-1", "Accepted", &asked);
	assert_true(asked);
	evse_sim_plug(x->t->sim, NULL);
	run(x, 3000);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_CHARGING);
	cJSON *c = expect_call(x, "StartTransaction");
	answer(x, c, "{\"transactionId\":700,\"idTagInfo\":{\"status\":\"Accepted\"}}");
	cJSON_Delete(c);
}

static void test_authorize_remote_rejected_while_a_session_runs(void **state)
{
	struct ot *x = *state;
	remote_session_with_authorize(x);
	bool asked;
	remote_start(x, "APP-2", "Rejected", &asked);
	assert_false(asked); /* refused at once, nothing asked */
	assert_string_equal(evse_charge_session(x->t->c)->id_tag, "APP-1");
}

static void test_authorize_remote_rejected_when_reserved_for_another(void **state)
{
	struct ot *x = *state;
	char exp[40], buf[256];
	run(x, 1500);
	boot_accepted(x);
	expect_status(cs_call(x, "ChangeConfiguration", "{\"key\":\"AuthorizeRemoteTxRequests\",\"value\":\"true\"}"),
	              "Accepted");
	ocpp_time_format((int64_t)(x->wall + x->t->now) + 600000, exp, sizeof(exp));
	snprintf(buf, sizeof(buf), "{\"connectorId\":1,\"expiryDate\":\"%s\",\"idTag\":\"RES-1\",\"reservationId\":5}",
	         exp);
	expect_status(cs_call(x, "ReserveNow", buf), "Accepted");
	run(x, 300);
	drain(x);
	bool asked;
	remote_start(x, "OTHER", "Rejected", &asked);
	assert_false(asked);
	/* the reserving card still may */
	remote_start(x, "RES-1", "Accepted", &asked);
	assert_true(asked);
	evse_sim_plug(x->t->sim, NULL);
	run(x, 3000);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_CHARGING);
	assert_string_equal(evse_charge_session(x->t->c)->id_tag, "RES-1");
}

/* OCPP 1.6 §5.17: during a session, UnlockConnector stops the transaction first, then answers Unlocked. */
static void test_unlock_connector_stops_the_session_then_answers_unlocked(void **state)
{
	struct ot *x = *state;
	run(x, 1500);
	boot_accepted(x);
	expect_status(cs_call(x, "RemoteStartTransaction", "{\"idTag\":\"APP-1\"}"), "Accepted");
	evse_sim_plug(x->t->sim, NULL);
	run(x, 3000);
	assert_int_equal(evse_charge_state(x->t->c), EVSE_STATE_CHARGING);
	cJSON *c = expect_call(x, "StartTransaction");
	answer(x, c, "{\"transactionId\":701,\"idTagInfo\":{\"status\":\"Accepted\"}}");
	cJSON_Delete(c);
	drain(x);
	const char *call = "[2,\"ul-1\",\"UnlockConnector\",{\"connectorId\":1}]";
	evse_ocpp_receive(x->o, call, strlen(call), x->t->now);
	/* frames in the order the station sends them: the StopTransaction, then the answer */
	int stop_at = -1, answer_at = -1, n = 0;
	char status[32] = "";
	for (int i = 0; i < 200 && answer_at < 0; i++) {
		cJSON *j;
		while ((j = out(x))) {
			n++;
			if (cJSON_GetArrayItem(j, 0)->valueint == 2) {
				if (strcmp(action_of(j), "StopTransaction") == 0) {
					cJSON *p = cJSON_GetArrayItem(j, 3);
					assert_string_equal(cJSON_GetObjectItem(p, "reason")->valuestring,
					                    "UnlockCommand");
					assert_int_equal(cJSON_GetObjectItem(p, "transactionId")->valueint, 701);
					stop_at = n;
				}
				answer_default(x, j);
			} else if (strcmp(cJSON_GetArrayItem(j, 1)->valuestring, "ul-1") == 0) {
				answer_at = n;
				snprintf(status, sizeof(status), "%s",
				         cJSON_GetObjectItem(cJSON_GetArrayItem(j, 2), "status")->valuestring);
			}
			cJSON_Delete(j);
		}
		run(x, ET_TICK_MS);
	}
	assert_true(stop_at > 0);
	assert_true(answer_at > stop_at);
	assert_string_equal(status, "Unlocked");
	assert_false(evse_charge_session(x->t->c)->active);
	run(x, 500);
	assert_false(et_view(x->t).lock_cmd);
	/* without a session: Unlocked at once */
	expect_status(cs_call(x, "UnlockConnector", "{\"connectorId\":1}"), "Unlocked");
}

/* The central system sends its cards upper case and padded to 14; a reader gives the raw UID, in any case. */
static void test_local_list_and_cache_match_short_uids_in_any_case(void **state)
{
	struct ot *x = *state;
	char parent[EVSE_ID_MAX];
	run(x, 1500);
	boot_accepted(x);
	expect_status(cs_call(x, "SendLocalList",
	                      "{\"listVersion\":1,\"updateType\":\"Full\",\"localAuthorizationList\":["
	                      "{\"idTag\":\"8C45BE53000000\",\"idTagInfo\":{\"status\":\"Accepted\"}},"
	                      "{\"idTag\":\"04A1B2C3D4E5F6\",\"idTagInfo\":{\"status\":\"Blocked\"}}]}"),
	              "Accepted");
	/* a card the central system accepted online is cached; offline it is found in any form */
	assert_int_equal(evse_ocpp_authorize(x->o, "ab12cd", parent, x->t->now), EVSE_AUTH_PENDING);
	cJSON *a = expect_call(x, "Authorize");
	answer(x, a, "{\"idTagInfo\":{\"status\":\"Accepted\"}}");
	cJSON_Delete(a);
	evse_ocpp_disconnected(x->o, x->t->now);
	assert_int_equal(evse_ocpp_authorize(x->o, "8c45be53", parent, x->t->now), EVSE_AUTH_ACCEPTED);
	assert_int_equal(evse_ocpp_authorize(x->o, "8C45BE53", parent, x->t->now), EVSE_AUTH_ACCEPTED);
	assert_int_equal(evse_ocpp_authorize(x->o, "04a1b2c3d4e5f6", parent, x->t->now), EVSE_AUTH_REJECTED);
	assert_int_equal(evse_ocpp_authorize(x->o, "AB12CD00000000", parent, x->t->now), EVSE_AUTH_ACCEPTED);
	assert_int_equal(evse_ocpp_authorize(x->o, "AB12CE", parent, x->t->now), EVSE_AUTH_REJECTED);
	/* a differential update removes a card given in another form */
	evse_ocpp_connected(x->o, x->t->now);
	cJSON *boot = expect_call(x, "BootNotification");
	answer(x, boot, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-20T10:00:00Z\",\"interval\":300}");
	cJSON_Delete(boot);
	expect_status(cs_call(x, "SendLocalList",
	                      "{\"listVersion\":2,\"updateType\":\"Differential\",\"localAuthorizationList\":["
	                      "{\"idTag\":\"8c45be53\"}]}"),
	              "Accepted");
	evse_ocpp_disconnected(x->o, x->t->now);
	assert_int_equal(evse_ocpp_authorize(x->o, "8C45BE53", parent, x->t->now), EVSE_AUTH_REJECTED);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_authorize_remote_rejected_while_a_session_runs),
	    T(test_authorize_remote_rejected_when_reserved_for_another),
	    T(test_unlock_connector_stops_the_session_then_answers_unlocked),
	    T(test_local_list_and_cache_match_short_uids_in_any_case),
	};
	return cmocka_run_group_tests_name("evse_ocpp_conf", tests, NULL, NULL);
}

/* test_evse_dpm_link.c — dynamic power management in the station: the dpm_* options refused with a clear
 * error (bad maps, a missing meter, an eco mode without a renewable source, a bad safe current), the keys
 * seeded from the config file, ChangeConfiguration of the WattlineDpm* keys, the app's update (all or
 * nothing), and a meter that never answers: ERR MET on the display and nothing offered. */
#include "evse_test.h"

#include "evse_dpm_link.h"
#include "evse_ocpp_keys.h"
#include "evse_store.h"

static void test_config_refused_with_reason(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value, *why;
	} bad[] = {
	    {"dpm_meter_host", "", "dpm: no meter (dpm_meter_host or dpm_meter_device)"},
	    {"dpm_meter_map", "i1@6 p1@twelve", "meter map: entry 2 \"p1@twelve\": bad address"},
	    {"dpm_meter_map", "i1@6 p1@12", "meter map \"custom\": no i2 for a 3-phase station"},
	    {"dpm_meter_map", "", "meter map: empty"},
	    {"dpm_mode", "ECOSMART", "dpm_mode: ECOSMART needs a renewable source"},
	    {"dpm_safe_current", "3", "dpm_safe_current: 3 A is not 0 or 6..32"},
	};
	char err[200];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct evse_config cfg;
		evse_config_defaults(&cfg);
		assert_int_equal(evse_config_check(&cfg, err, sizeof(err)), 0);
		assert_int_equal(evse_config_set(&cfg, "dpm", "true", err, sizeof(err)), 0);
		assert_int_equal(evse_config_set(&cfg, "dpm_meter_host", "127.0.0.1", err, sizeof(err)), 0);
		if (strcmp(bad[i].key, "dpm_meter_map") == 0)
			assert_int_equal(evse_config_set(&cfg, "dpm_meter", "custom", err, sizeof(err)), 0);
		assert_int_equal(evse_config_set(&cfg, bad[i].key, bad[i].value, err, sizeof(err)), 0);
		err[0] = '\0';
		assert_int_equal(evse_config_check(&cfg, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("%s=%s: \"%s\" lacks \"%s\"", bad[i].key, bad[i].value, err, bad[i].why);
	}
	/* the option table refuses out-of-range values itself */
	struct evse_config cfg;
	evse_config_defaults(&cfg);
	assert_int_equal(evse_config_set(&cfg, "dpm_meter", "sdm72", err, sizeof(err)), -1);
	assert_int_equal(evse_config_set(&cfg, "dpm_meter_parity", "X", err, sizeof(err)), -1);
	assert_int_equal(evse_config_set(&cfg, "dpm_limit", "2", err, sizeof(err)), -1);
	assert_int_equal(evse_config_set(&cfg, "dpm_meter_slave", "248", err, sizeof(err)), -1);
}

static void test_keys_seeded_checked_and_updated(void **state)
{
	(void)state;
	char err[200], v[EVSE_KEY_VALUE_MAX];
	struct et *t = et_new(EVSE_MODE_FREE);
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	assert_non_null(st);
	t->cfg.dpm = true;
	t->cfg.dpm_limit_a = 40;
	struct evse_dpm_link *l = evse_dpm_link_new(&t->cfg, st, t->c, NULL, t->now, err, sizeof(err));
	assert_non_null(l);
	evse_key_get(st, EVSE_KEY_WattlineDpmLimit, v, sizeof(v));
	assert_string_equal(v, "40");
	assert_true(evse_key_bool(st, EVSE_KEY_WattlineDpmEnabled));

	/* ChangeConfiguration: the eco modes only with a renewable source, the limit 6..1000 */
	assert_int_equal(evse_key_change(st, "WattlineDpmMode", "ECOPLUS"), OCPP_CONFIGURATION_STATUS_REJECTED);
	assert_int_equal(evse_key_change(st, "WattlineDpmMode", "TURBO"), OCPP_CONFIGURATION_STATUS_REJECTED);
	assert_int_equal(evse_key_change(st, "WattlineDpmLimit", "5"), OCPP_CONFIGURATION_STATUS_REJECTED);
	assert_int_equal(evse_key_change(st, "WattlineDpmRenewable", "true"), OCPP_CONFIGURATION_STATUS_ACCEPTED);
	assert_int_equal(evse_key_change(st, "WattlineDpmMode", "ECOPLUS"), OCPP_CONFIGURATION_STATUS_ACCEPTED);
	assert_int_equal(evse_key_change(st, "WattlineDpmRenewable", "false"), OCPP_CONFIGURATION_STATUS_REJECTED);

	/* the app: all or nothing */
	const char *bad[] = {"{\"mode\":\"FULL\",\"limit\":2}",
	                     "{\"renewable\":false}",
	                     "{\"limit\":\"16\"}",
	                     "{\"limit\":16.5}",
	                     "[1]",
	                     "{\"x\":1}",
	                     "{\"enabled\":1}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(evse_dpm_link_update(l, bad[i], strlen(bad[i]), err, sizeof(err)), -1);
	evse_key_get(st, EVSE_KEY_WattlineDpmMode, v, sizeof(v));
	assert_string_equal(v, "ECOPLUS"); /* untouched by the refused {"mode":"FULL","limit":2} */
	const char *ok = "{\"mode\":\"full\",\"renewable\":false,\"limit\":20,\"minGridShare\":2000}";
	assert_int_equal(evse_dpm_link_update(l, ok, strlen(ok), err, sizeof(err)), 0);
	evse_key_get(st, EVSE_KEY_WattlineDpmMode, v, sizeof(v));
	assert_string_equal(v, "FULL");
	cJSON *j = evse_dpm_link_json(l);
	assert_int_equal((int)cJSON_GetObjectItem(j, "limit")->valuedouble, 20);
	assert_int_equal((int)cJSON_GetObjectItem(j, "minGridShare")->valuedouble, 2000);
	cJSON_Delete(j);
	evse_dpm_link_free(l);

	/* a second start keeps what was changed, whatever the config file says */
	l = evse_dpm_link_new(&t->cfg, st, t->c, NULL, t->now, err, sizeof(err));
	assert_non_null(l);
	evse_key_get(st, EVSE_KEY_WattlineDpmLimit, v, sizeof(v));
	assert_string_equal(v, "20");
	evse_dpm_link_free(l);
	evse_store_close(st);
	et_free(t);
}

static void test_silent_meter_err_met_nothing_offered(void **state)
{
	(void)state;
	char err[200];
	struct et *t = et_new(EVSE_MODE_FREE);
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	t->cfg.dpm = true; /* no meter address: no reading ever comes */
	struct evse_dpm_link *l = evse_dpm_link_new(&t->cfg, st, t->c, NULL, t->now, err, sizeof(err));
	assert_non_null(l);
	evse_sim_plug(t->sim, NULL);
	for (int i = 0; i < 60; i++) { /* 15 s: past dpm_fault (10 s) */
		evse_dpm_link_tick(l, t->now);
		et_run(t, 250);
	}
	struct evse_status s;
	evse_charge_status(t->c, t->now, &s);
	assert_string_equal(s.display, "ERR MET");
	assert_int_equal(s.state, EVSE_STATE_SUSPENDED_EVSE);
	assert_true(s.limit_a == 0.0);
	assert_true(s.session.active);
	cJSON *j = evse_dpm_link_json(l);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "meterFault")));
	assert_string_equal(cJSON_GetObjectItem(j, "meterError")->valuestring, "no reading");
	cJSON_Delete(j);
	/* switched off: the limit goes, the display rotates again */
	const char *off = "{\"enabled\":false}";
	assert_int_equal(evse_dpm_link_update(l, off, strlen(off), err, sizeof(err)), 0);
	for (int i = 0; i < 20; i++) {
		evse_dpm_link_tick(l, t->now);
		et_run(t, 250);
	}
	evse_charge_status(t->c, t->now, &s);
	assert_string_not_equal(s.display, "ERR MET");
	assert_true(s.limit_a == 32.0);
	evse_dpm_link_free(l);
	evse_store_close(st);
	et_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_refused_with_reason),
	    cmocka_unit_test(test_keys_seeded_checked_and_updated),
	    cmocka_unit_test(test_silent_meter_err_met_nothing_offered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_evse_config.c — the option table: defaults, the config file parser and each of its refusals, the
 * cross-checks of the manuals (7.4 kW single-phase, IT single-phase only), the PWM duty table. */
#include "evse_test.h"

#include "evse_pwm.h"
#include "evse_simctl.h"

static void test_defaults_are_valid(void **state)
{
	(void)state;
	struct evse_config c;
	char err[200];
	evse_config_defaults(&c);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(c.max_current_a, 32);
	assert_int_equal(c.mode, EVSE_MODE_FREE);
	assert_int_equal(c.charging_case, EVSE_CASE_B);
	assert_string_equal(c.db_path, "evse.db");
}

static void test_parse_file(void **state)
{
	(void)state;
	struct evse_config c;
	char err[200];
	const char *text = "# station\n"
	                   "power = 7400\n"
	                   "phases=1\r\n"
	                   "  case = c  \n"
	                   "\n"
	                   "max_current = 16\n"
	                   "earthing = IT\n"
	                   "mode = personal\n"
	                   "ocpp_url = \"ws://127.0.0.1:9000/ocpp/CP-1\"\n"
	                   "simulator = false";
	evse_config_defaults(&c);
	assert_int_equal(evse_config_parse(&c, text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(c.power_w, 7400);
	assert_int_equal(c.phases, 1);
	assert_int_equal(c.charging_case, EVSE_CASE_C);
	assert_int_equal(c.max_current_a, 16);
	assert_int_equal(c.earthing, EVSE_EARTH_IT);
	assert_int_equal(c.mode, EVSE_MODE_PERSONAL);
	assert_string_equal(c.ocpp_url, "ws://127.0.0.1:9000/ocpp/CP-1");
	assert_false(c.simulator);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), 0);
}

static void refused_n(const char *text, size_t len, const char *msg)
{
	struct evse_config c;
	char err[200] = "";
	evse_config_defaults(&c);
	assert_int_equal(evse_config_parse(&c, text, len, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("for %s: expected \"%s\" in \"%s\"", text, msg, err);
}

static void refused(const char *text, const char *msg)
{
	refused_n(text, strlen(text), msg);
}

static void test_parse_refusals(void **state)
{
	(void)state;
	refused("max_current = 40\n", "line 1: max_current: 40 out of range (6..32)");
	refused("max_current = 5\n", "out of range");
	refused("\n\nmax_current = 1x\n", "line 3: max_current: \"1x\" is not a number");
	refused("max_current\n", "line 1: expected key = value");
	refused("colour = red\n", "unknown option \"colour\"");
	refused("mode = PAID\n", "mode: \"PAID\" is not one of the allowed values");
	refused(" = 3\n", "bad key");
	refused("simulator = maybe\n", "is not true or false");
	refused("max_current = 99999999999999999999\n", "is not a number");
	refused("vendor = this vendor name is too long\n", "vendor: longer than 20 characters");
	char nul[] = "mode = FREE\0x\n";
	refused_n(nul, sizeof(nul) - 1, "line 1: NUL byte");
}

static void test_check_refusals(void **state)
{
	(void)state;
	struct evse_config c;
	char err[200];
	evse_config_defaults(&c);
	c.power_w = 7400; /* phases still 3 */
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "single-phase"));
	evse_config_defaults(&c);
	c.earthing = EVSE_EARTH_IT;
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	evse_config_defaults(&c);
	c.power_w = 11000;
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	evse_config_defaults(&c);
	snprintf(c.ocpp_url, sizeof(c.ocpp_url), "http://x/y");
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	evse_config_defaults(&c);
	c.mode = EVSE_MODE_WEB;
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs ocpp_url"));
	/* Master/Satellite: WEB only, a safe current of 0 or 6..32, a valid Satellite list */
	evse_config_defaults(&c);
	assert_int_equal(evse_config_set(&c, "group_role", "satellite", err, sizeof(err)), 0);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group_role satellite needs mode WEB (a FREE station is never part of a group)"));
	c.mode = EVSE_MODE_WEB;
	snprintf(c.ocpp_url, sizeof(c.ocpp_url), "ws://m:8887/ocpp/SAT-A");
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(c.group_safe_current_a, 6);
	c.group_safe_current_a = 5;
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group_safe_current: 5 A (0 or 6..32)"));
	c.group_safe_current_a = 0;
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(evse_config_set(&c, "group_safe_current", "33", err, sizeof(err)), -1);
	c.edition = EVSE_MODEL_PRO; /* a Master is a PRO station */
	assert_int_equal(evse_config_set(&c, "group_role", "master", err, sizeof(err)), 0);
	assert_int_equal(evse_config_set(&c, "group_satellites", "A,B:9", err, sizeof(err)), 0);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "\"B:9\": 9 connectors (1..8)"));
	assert_int_equal(evse_config_set(&c, "group_role", "slave", err, sizeof(err)), -1);
	/* the load balancer's threshold: 0 (off) or 6..800 A per phase, for at most 16 connectors */
	assert_int_equal(evse_config_set(&c, "group_satellites", "A,B:2", err, sizeof(err)), 0);
	assert_int_equal(c.group_threshold_a, 0);
	assert_int_equal(evse_config_set(&c, "group_threshold", "18", err, sizeof(err)), 0);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), 0);
	assert_int_equal(evse_config_set(&c, "group_threshold", "801", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group_threshold: 801 out of range (0..800)"));
	assert_int_equal(evse_config_set(&c, "group_threshold", "-1", err, sizeof(err)), -1);
	assert_int_equal(evse_config_set(&c, "group_threshold", "5", err, sizeof(err)), 0);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group_threshold: 5 A (0 = no balancing, or 6..800)"));
	assert_int_equal(evse_config_set(&c, "group_threshold", "40", err, sizeof(err)), 0);
	assert_int_equal(evse_config_set(&c, "group_satellites", "A:8,B:8", err, sizeof(err)), 0);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "group_threshold: the group has 17 connectors, at most 16 can be balanced"));
	assert_int_equal(evse_config_set(&c, "group_threshold", "0", err, sizeof(err)), 0);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), 0);
}

static void test_help_lists_every_option(void **state)
{
	(void)state;
	char buf[8192];
	et_config_help(buf, sizeof(buf));
	assert_non_null(strstr(buf, "--max_current=6..32"));
	assert_non_null(strstr(buf, "--mode=FREE|PERSONAL|WEB"));
	assert_non_null(strstr(buf, "--earthing=TN|TT|IT"));
	assert_non_null(strstr(buf, "--ocpp_url=TEXT"));
}

static void test_pwm_table(void **state)
{
	(void)state;
	assert_true(evse_pwm_duty(6.0) == 10.0);
	assert_true(fabs(evse_pwm_duty(16.0) - 26.6) < 1e-9);
	assert_true(fabs(evse_pwm_duty(32.0) - 53.3) < 1e-9);
	assert_true(fabs(evse_pwm_duty(63.0) - 89.2) < 1e-9);
	assert_true(evse_pwm_duty(5.9) == EVSE_DUTY_OFF);
	assert_true(evse_pwm_duty(-1.0) == EVSE_DUTY_OFF);
	assert_true(evse_pwm_duty(0.0 / 0.0) == EVSE_DUTY_OFF);
	assert_true(fabs(evse_pwm_amps(53.3) - 31.98) < 1e-9);
	assert_true(evse_pwm_amps(EVSE_DUTY_OFF) == 0.0);
	assert_true(evse_pwm_amps(5.0) == 0.0); /* digital communication, no analogue offer */
	assert_true(evse_pwm_amps(EVSE_DUTY_STOP) == 0.0);
	/* never offers more than asked */
	for (double a = 6.0; a <= 80.0; a += 0.7)
		assert_true(evse_pwm_amps(evse_pwm_duty(a)) <= a + 1e-9);
}

static void test_simctl_commands_and_refusals(void **state)
{
	(void)state;
	struct evse_simctl_cmd c;
	char err[200];
	const char *ok = "plug soc=0.5 max_a=16 phases=1 response_ms=50\n";
	assert_int_equal(evse_simctl_parse(ok, strlen(ok), &c, err, sizeof(err)), 0);
	assert_int_equal(c.op, SIMCTL_PLUG);
	assert_true(c.ev.soc == 0.5 && c.ev.max_current_a == 16.0 && c.ev.phases == 1 && c.ev.response_ms == 50);
	assert_int_equal(evse_simctl_parse("fault r3n on", 12, &c, err, sizeof(err)), 0);
	assert_int_equal(c.fault, EVSE_SIM_FAULT_R3N);
	assert_true(c.on);
	static const char *const bad[][2] = {
	    {"", "empty command"},
	    {"fly away", "unknown command \"fly\""},
	    {"plug soc=2", "plug: bad option \"soc=2\""},
	    {"plug colour=red", "plug: bad option"},
	    {"fault xyz on", "fault: unknown fault \"xyz\""},
	    {"fault ocp maybe", "fault: expected on or off"},
	    {"tap 012345678901234567890", "longer than 20"},
	    {"demand", "unknown command"},
	    {"a b c d e f g h i", "too many words"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(evse_simctl_parse(bad[i][0], strlen(bad[i][0]), &c, err, sizeof(err)), -1);
		if (!strstr(err, bad[i][1]))
			fail_msg("%s: \"%s\" not in \"%s\"", bad[i][0], bad[i][1], err);
	}
	assert_int_equal(evse_simctl_parse("tap\0x", 5, &c, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_are_valid),
	    cmocka_unit_test(test_parse_file),
	    cmocka_unit_test(test_parse_refusals),
	    cmocka_unit_test(test_check_refusals),
	    cmocka_unit_test(test_help_lists_every_option),
	    cmocka_unit_test(test_pwm_table),
	    cmocka_unit_test(test_simctl_commands_and_refusals),
	};
	return cmocka_run_group_tests_name("evse_config", tests, NULL, NULL);
}

/* test_evse_model.c — the models of 000 and their modes: every mode a model lacks is refused with a message
 * naming it and what the model allows, at start (evse_config_check) as from a config file; the group role of
 * each allowed combination; the default. */
#include "evse_test.h"

#include "evse_model.h"

/* A config of this model and mode, with an OCPP address when the mode needs one. */
static void config_of(struct evse_config *c, enum evse_model m, enum evse_mode mode)
{
	evse_config_defaults(c);
	c->edition = m;
	c->mode = mode;
	if (mode == EVSE_MODE_WEB)
		snprintf(c->ocpp_url, sizeof(c->ocpp_url), "ws://127.0.0.1:9000/ocpp/CP-1");
}

static void expect_refused(enum evse_model m, enum evse_mode mode, const char *msg)
{
	struct evse_config c;
	char err[300] = "";
	config_of(&c, m, mode);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	if (!strstr(err, msg))
		fail_msg("%s/%s: expected \"%s\" in \"%s\"", evse_model_name(m), evse_mode_name(mode), msg, err);
}

static void expect_allowed(enum evse_model m, enum evse_mode mode, enum evse_group_role role)
{
	struct evse_config c;
	char err[300] = "";
	config_of(&c, m, mode);
	if (evse_config_check(&c, err, sizeof(err)) != 0)
		fail_msg("%s/%s refused: %s", evse_model_name(m), evse_mode_name(mode), err);
	assert_int_equal(evse_model_role(m, mode), role);
}

static void test_default_model_is_business_and_keeps_every_old_mode(void **state)
{
	(void)state;
	struct evse_config c;
	evse_config_defaults(&c);
	assert_int_equal(c.edition, EVSE_MODEL_BUSINESS);
	assert_string_equal(evse_model_name(c.edition), "BUSINESS");
}

static void test_lite_allows_free_and_personal_alone(void **state)
{
	(void)state;
	expect_allowed(EVSE_MODEL_LITE, EVSE_MODE_FREE, EVSE_ROLE_NONE);
	expect_allowed(EVSE_MODEL_LITE, EVSE_MODE_PERSONAL, EVSE_ROLE_NONE);
}

static void test_lite_refuses_web(void **state)
{
	(void)state;
	expect_refused(EVSE_MODEL_LITE, EVSE_MODE_WEB,
	               "mode WEB: not available on a LITE station (LITE: FREE, PERSONAL (app, no OCPP))");
}

static void test_lite_refuses_an_ocpp_address(void **state)
{
	(void)state;
	struct evse_config c;
	char err[300] = "";
	config_of(&c, EVSE_MODEL_LITE, EVSE_MODE_PERSONAL);
	snprintf(c.ocpp_url, sizeof(c.ocpp_url), "ws://127.0.0.1:9000/ocpp/CP-1");
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "ocpp_url: a LITE station has no OCPP"));
}

static void test_business_allows_free_personal_and_satellite(void **state)
{
	(void)state;
	expect_allowed(EVSE_MODEL_BUSINESS, EVSE_MODE_FREE, EVSE_ROLE_NONE);
	expect_allowed(EVSE_MODEL_BUSINESS, EVSE_MODE_PERSONAL, EVSE_ROLE_NONE);
	expect_allowed(EVSE_MODEL_BUSINESS, EVSE_MODE_WEB, EVSE_ROLE_SATELLITE);
}

static void test_pro_is_a_master_only(void **state)
{
	(void)state;
	expect_allowed(EVSE_MODEL_PRO, EVSE_MODE_WEB, EVSE_ROLE_MASTER);
}

static void test_pro_refuses_free(void **state)
{
	(void)state;
	expect_refused(EVSE_MODEL_PRO, EVSE_MODE_FREE,
	               "mode FREE: not available on a PRO station (PRO: WEB/NET Master)");
}

static void test_pro_refuses_personal(void **state)
{
	(void)state;
	expect_refused(EVSE_MODEL_PRO, EVSE_MODE_PERSONAL,
	               "mode PERSONAL: not available on a PRO station (PRO: WEB/NET Master)");
}

static void test_free_and_personal_are_never_in_a_group(void **state)
{
	(void)state;
	for (int m = EVSE_MODEL_LITE; m <= EVSE_MODEL_PRO; m++) {
		assert_int_equal(evse_model_role((enum evse_model)m, EVSE_MODE_FREE), EVSE_ROLE_NONE);
		assert_int_equal(evse_model_role((enum evse_model)m, EVSE_MODE_PERSONAL), EVSE_ROLE_NONE);
	}
	/* a mode the model lacks has no role either */
	assert_int_equal(evse_model_role(EVSE_MODEL_LITE, EVSE_MODE_WEB), EVSE_ROLE_NONE);
}

static void test_config_file_sets_the_model_and_the_check_refuses(void **state)
{
	(void)state;
	struct evse_config c;
	char err[300] = "";
	const char *text = "edition = pro\nmode = PERSONAL\n";
	evse_config_defaults(&c);
	assert_int_equal(evse_config_parse(&c, text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(c.edition, EVSE_MODEL_PRO);
	assert_int_equal(evse_config_check(&c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not available on a PRO station"));
	const char *bad = "edition = ULTRA\n";
	assert_int_equal(evse_config_parse(&c, bad, strlen(bad), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 1: edition: \"ULTRA\" is not one of the allowed values"));
}

static void test_out_of_range_model_is_refused(void **state)
{
	(void)state;
	char err[200] = "";
	assert_int_equal(evse_model_check((enum evse_model)7, EVSE_MODE_FREE, false, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "model: 7 is not LITE, BUSINESS or PRO"));
	assert_string_equal(evse_model_name((enum evse_model)7), "?");
}

static void test_help_lists_the_models(void **state)
{
	(void)state;
	char buf[8192] = "";
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_non_null(f);
	evse_config_help(f);
	fclose(f);
	assert_non_null(strstr(buf, "--edition=LITE|BUSINESS|PRO"));
	assert_non_null(strstr(buf, "(default: \"BUSINESS\")"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_model_is_business_and_keeps_every_old_mode),
	    cmocka_unit_test(test_lite_allows_free_and_personal_alone),
	    cmocka_unit_test(test_lite_refuses_web),
	    cmocka_unit_test(test_lite_refuses_an_ocpp_address),
	    cmocka_unit_test(test_business_allows_free_personal_and_satellite),
	    cmocka_unit_test(test_pro_is_a_master_only),
	    cmocka_unit_test(test_pro_refuses_free),
	    cmocka_unit_test(test_pro_refuses_personal),
	    cmocka_unit_test(test_free_and_personal_are_never_in_a_group),
	    cmocka_unit_test(test_config_file_sets_the_model_and_the_check_refuses),
	    cmocka_unit_test(test_out_of_range_model_is_refused),
	    cmocka_unit_test(test_help_lists_the_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

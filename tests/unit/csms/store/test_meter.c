/* test_meter.c — measurements from stored sampledValue JSON: grouped into series per measurand, phase,
 * location and unit (OCPP defaults filled in), non-numeric and malformed samples skipped, the energy register in
 * Wh, and the charge duration (intervals with power drawn, or with the energy register rising). */
#include "test_util.h"

#include "csms_meter.h"

static void samples_are_grouped_per_measurand_phase_location_and_unit(void **state)
{
	(void)state;
	struct csms_meter_set *set = csms_meter_set_new();
	assert_int_equal(csms_meter_set_add(set, 1000,
	                                    "[{\"value\":\"10\"},{\"value\":\"16.5\",\"measurand\":\"Current.Import\","
	                                    "\"phase\":\"L1\",\"unit\":\"A\"},{\"value\":\"16\",\"measurand\":"
	                                    "\"Current.Import\",\"phase\":\"L2\",\"unit\":\"A\"},{\"value\":\"55\","
	                                    "\"measurand\":\"SoC\",\"location\":\"EV\",\"unit\":\"Percent\"}]"),
	                 4);
	assert_int_equal(csms_meter_set_add(set, 2000,
	                                    "[{\"value\":\"20\",\"unit\":\"Wh\",\"measurand\":"
	                                    "\"Energy.Active.Import.Register\"},{\"value\":\"17\",\"measurand\":"
	                                    "\"Current.Import\",\"phase\":\"L1\",\"unit\":\"A\"}]"),
	                 2);
	assert_int_equal(csms_meter_set_count(set), 4);
	cJSON *got = csms_meter_set_json(set);
	cJSON *want = tu_parse(
	    "[{\"measurand\":\"Energy.Active.Import.Register\",\"phase\":null,\"location\":null,\"unit\":\"Wh\","
	    "\"points\":[[\"1970-01-01T00:00:01.000Z\",10],[\"1970-01-01T00:00:02.000Z\",20]]},"
	    "{\"measurand\":\"Current.Import\",\"phase\":\"L1\",\"location\":null,\"unit\":\"A\","
	    "\"points\":[[\"1970-01-01T00:00:01.000Z\",16.5],[\"1970-01-01T00:00:02.000Z\",17]]},"
	    "{\"measurand\":\"Current.Import\",\"phase\":\"L2\",\"location\":null,\"unit\":\"A\","
	    "\"points\":[[\"1970-01-01T00:00:01.000Z\",16]]},"
	    "{\"measurand\":\"SoC\",\"phase\":null,\"location\":\"EV\",\"unit\":\"Percent\","
	    "\"points\":[[\"1970-01-01T00:00:01.000Z\",55]]}]");
	if (!cJSON_Compare(got, want, true)) {
		char *t = cJSON_PrintUnformatted(got);
		fail_msg("series: %s", t);
	}
	cJSON_Delete(got);
	cJSON_Delete(want);
	csms_meter_set_free(set);
}

static void bad_samples_are_skipped_and_bad_json_refused(void **state)
{
	(void)state;
	struct csms_meter_set *set = csms_meter_set_new();
	assert_int_equal(csms_meter_set_add(set, 0, "{\"value\":\"1\"}"), -1);
	assert_int_equal(csms_meter_set_add(set, 0, "[{\"value\":"), -1);
	assert_int_equal(csms_meter_set_add(set, 0,
	                                    "[1,\"x\",{\"value\":\"abc\"},{\"value\":\"\"},{\"value\":\"1e999\"},"
	                                    "{\"value\":\"A0B1\",\"format\":\"SignedData\"},{\"value\":5}]"),
	                 0);
	assert_int_equal(csms_meter_set_count(set), 0);
	csms_meter_set_free(set);
}

static void series_are_bounded(void **state)
{
	(void)state;
	struct csms_meter_set *set = csms_meter_set_new();
	char buf[200];
	for (int i = 0; i < CSMS_METER_MAX_SERIES + 10; i++) {
		snprintf(buf, sizeof(buf), "[{\"value\":\"1\",\"measurand\":\"M%d\"}]", i);
		csms_meter_set_add(set, i, buf);
	}
	assert_int_equal(csms_meter_set_count(set), CSMS_METER_MAX_SERIES);
	csms_meter_set_free(set);
}

static void energy_register_in_wh(void **state)
{
	double wh = 0;
	(void)state;
	assert_true(csms_meter_energy_wh("[{\"value\":\"1234\"}]", &wh));
	assert_true(wh == 1234);
	assert_true(csms_meter_energy_wh("[{\"value\":\"1.5\",\"unit\":\"kWh\",\"measurand\":"
	                                 "\"Energy.Active.Import.Register\"}]",
	                                 &wh));
	assert_true(wh == 1500);
	/* the total (no phase) wins over per-phase readings */
	assert_true(csms_meter_energy_wh("[{\"value\":\"1\",\"phase\":\"L1\"},{\"value\":\"3\"}]", &wh));
	assert_true(wh == 3);
	assert_false(csms_meter_energy_wh("[{\"value\":\"7\",\"measurand\":\"Power.Active.Import\"}]", &wh));
	assert_false(csms_meter_energy_wh("not json", &wh));
}

/* The one energy rule, through both doors: the stored JSON (exports, measurements, charge duration) and a
 * decoded request one sample at a time (csms_handlers.c: the live energy of a transaction). The cases are
 * where the two rules written before disagreed. */
struct rule_sample {
	const char *value, *measurand, *unit, *format;
	bool phase;
};
struct rule_case {
	const char *json;
	struct rule_sample s[3]; /* the same samples for csms_meter_energy_add */
	int n;
	bool found;
	double wh;
};

static void one_energy_rule_for_stored_json_and_decoded_samples(void **state)
{
	static const struct rule_case cases[] = {
	    /* the total first, then a phase: the total (the handler's rule took the last sample, L1) */
	    {"[{\"value\":\"900\"},{\"value\":\"300\",\"phase\":\"L1\"}]",
	     {{"900", NULL, NULL, NULL, false}, {"300", NULL, NULL, NULL, true}, {0}},
	     2,
	     true,
	     900},
	    /* phases only: the first (the handler's took the last) */
	    {"[{\"value\":\"10\",\"phase\":\"L1\"},{\"value\":\"20\",\"phase\":\"L2\"}]",
	     {{"10", NULL, NULL, NULL, true}, {"20", NULL, NULL, NULL, true}, {0}},
	     2,
	     true,
	     10},
	    /* not an energy unit: no reading (the stored-JSON rule took 5 as Wh) */
	    {"[{\"value\":\"5\",\"unit\":\"varh\"}]", {{"5", NULL, "varh", NULL, false}, {0}, {0}}, 1, false, 0},
	    /* a k-unit that is not kWh: no reading (the stored-JSON rule took 5000) */
	    {"[{\"value\":\"5\",\"unit\":\"kW\"}]", {{"5", NULL, "kW", NULL, false}, {0}, {0}}, 1, false, 0},
	    /* not finite: no reading (the handler's rule converted inf to an integer) */
	    {"[{\"value\":\"inf\"}]", {{"inf", NULL, NULL, NULL, false}, {0}, {0}}, 1, false, 0},
	    /* kWh converted; another measurand and SignedData skipped */
	    {"[{\"value\":\"7\",\"measurand\":\"Power.Active.Import\"},{\"value\":\"x\",\"format\":\"SignedData\"},"
	     "{\"value\":\"2.5\",\"unit\":\"kWh\"}]",
	     {{"7", "Power.Active.Import", NULL, NULL, false},
	      {"x", NULL, NULL, "SignedData", false},
	      {"2.5", NULL, "kWh", NULL, false}},
	     3,
	     true,
	     2500},
	    {"[{\"value\":\"12\",\"unit\":\"Wh\",\"measurand\":\"Energy.Active.Import.Register\"}]",
	     {{"12", "Energy.Active.Import.Register", "Wh", NULL, false}, {0}, {0}},
	     1,
	     true,
	     12},
	};
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		const struct rule_case *c = &cases[i];
		double a = -1, b = -1;
		bool fa = csms_meter_energy_wh(c->json, &a), fb = csms_meter__energy_slow(c->json, &b);
		struct csms_meter_energy e = {0};
		for (int k = 0; k < c->n; k++)
			csms_meter_energy_add(&e, c->s[k].value, c->s[k].measurand, c->s[k].unit, c->s[k].format,
			                      c->s[k].phase);
		if (fa != c->found || fb != c->found || e.found != c->found ||
		    (c->found && (a != c->wh || b != c->wh || e.wh != c->wh)))
			fail_msg("case %zu %s: want %d %g; stored fast %d %g, slow %d %g; decoded %d %g", i, c->json,
			         c->found, c->wh, fa, a, fb, b, e.found, e.wh);
	}
	assert_int_equal(csms_meter_round_wh(1499.5), 1500);
	assert_int_equal(csms_meter_round_wh(-2.5), -3);
}

/* The current a Home tile shows: the largest phase current in A, the neutral and other units left out. */
static void current_is_the_largest_phase(void **state)
{
	double a = 0;
	(void)state;
	assert_true(csms_meter_current_a(
	    "[{\"value\":\"16\",\"measurand\":\"Current.Import\",\"phase\":\"L1\",\"unit\":\"A\"},"
	    "{\"value\":\"17.5\",\"measurand\":\"Current.Import\",\"phase\":\"L2\",\"unit\":\"A\"},"
	    "{\"value\":\"40\",\"measurand\":\"Current.Import\",\"phase\":\"N\",\"unit\":\"A\"},"
	    "{\"value\":\"900\",\"measurand\":\"Power.Active.Import\"}]",
	    &a));
	assert_true(a == 17.5);
	assert_true(csms_meter_current_a("[{\"value\":\"6\",\"measurand\":\"Current.Import\"}]", &a));
	assert_true(a == 6);
	assert_false(
	    csms_meter_current_a("[{\"value\":\"6000\",\"measurand\":\"Current.Import\",\"unit\":\"mA\"}]", &a));
	assert_false(csms_meter_current_a("[{\"value\":\"1234\"}]", &a));
	assert_false(csms_meter_current_a("not json", &a));
	assert_false(csms_meter_current_a("{\"value\":\"6\"}", &a));
}

/* The fast scanner (the csms's own shape) and cJSON agree, including where the shape differs. */
static void fast_and_slow_readings_agree(void **state)
{
	static const char *const cases[] = {
	    "[{\"value\":\"12.5\",\"context\":\"Sample.Periodic\",\"measurand\":\"Energy.Active.Import.Register\","
	    "\"location\":\"Outlet\",\"unit\":\"kWh\"}]",
	    "[{\"value\":\"1\",\"phase\":\"L1\"},{\"value\":\"2\",\"phase\":\"L2\"}]",
	    "[{\"value\":\"1\",\"format\":\"SignedData\"},{\"value\":\"5\"}]",
	    "[{\"value\":\"\\u0037\"}]",
	    "[{\"value\":\"7\",\"unit\":\"Wh\",\"unit\":\"kWh\"}]",
	    "[ {\"value\":\"7\"} ]",
	    "[{\"value\":\"7\"},{\"value\":\"8\"},]",
	    "[{\"value\":\"7\"},3]",
	    "[{\"value\":\"7\"}]x",
	    "[]",
	    "",
	};
	(void)state;
	for (size_t i = 0; i < TU_ARRAY_SIZE(cases); i++) {
		double a = -1, b = -1;
		bool fa = csms_meter_energy_wh(cases[i], &a), fb = csms_meter__energy_slow(cases[i], &b);
		if (fa != fb || (fa && a != b))
			fail_msg("case %zu %s: fast %d %g, slow %d %g", i, cases[i], fa, a, fb, b);
	}
	double wh;
	assert_true(csms_meter_energy_wh(cases[0], &wh));
	assert_true(wh == 12500);
	assert_true(csms_meter_energy_wh(cases[3], &wh)); /* an escape: decoded by cJSON */
	assert_true(wh == 7);
}

static void charge_duration_counts_intervals_with_power_or_rising_energy(void **state)
{
	struct csms_meter_charge c = {0};
	(void)state;
	csms_meter_charge_add(&c, 0, "[{\"value\":\"0\"},{\"value\":\"0\",\"measurand\":\"Power.Active.Import\"}]");
	/* power > 0: counted */
	csms_meter_charge_add(&c, 60000,
	                      "[{\"value\":\"100\"},{\"value\":\"7000\",\"measurand\":\"Power.Active.Import\"}]");
	/* power 0 although energy rose: power decides */
	csms_meter_charge_add(&c, 120000,
	                      "[{\"value\":\"150\"},{\"value\":\"0\",\"measurand\":\"Power.Active.Import\"}]");
	/* no power: energy rose -> counted */
	csms_meter_charge_add(&c, 180000, "[{\"value\":\"200\"}]");
	/* no power, energy flat -> not counted */
	csms_meter_charge_add(&c, 240000, "[{\"value\":\"200\"}]");
	/* out of order: ignored */
	csms_meter_charge_add(&c, 10000, "[{\"value\":\"999\"}]");
	/* garbage: not counted, the previous energy kept */
	csms_meter_charge_add(&c, 300000, "garbage");
	csms_meter_charge_add(&c, 360000, "[{\"value\":\"0.3\",\"unit\":\"kWh\"}]");
	assert_int_equal(c.charge_ms, 60000 + 60000 + 60000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(samples_are_grouped_per_measurand_phase_location_and_unit),
	    cmocka_unit_test(bad_samples_are_skipped_and_bad_json_refused),
	    cmocka_unit_test(series_are_bounded),
	    cmocka_unit_test(energy_register_in_wh),
	    cmocka_unit_test(one_energy_rule_for_stored_json_and_decoded_samples),
	    cmocka_unit_test(current_is_the_largest_phase),
	    cmocka_unit_test(fast_and_slow_readings_agree),
	    cmocka_unit_test(charge_duration_counts_intervals_with_power_or_rising_energy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

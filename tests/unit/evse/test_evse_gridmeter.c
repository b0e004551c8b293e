/* test_evse_gridmeter.c — the grid meter's register maps: the SDM120 / SDM630 rows, decoding of every type
 * and word order, the custom map parser (and its refusals), the phase check, a reading filled from words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evse_gridmeter.h"

/* The two words of a float, high word first. */
static void f32_words(float f, uint16_t w[2])
{
	uint32_t u;
	memcpy(&u, &f, sizeof(u));
	w[0] = (uint16_t)(u >> 16);
	w[1] = (uint16_t)(u & 0xffff);
}

static void test_models(void **state)
{
	(void)state;
	char err[160];
	const struct evse_gm_map *sdm120 = evse_gm_model("SDM120");
	const struct evse_gm_map *sdm630 = evse_gm_model("sdm630");
	assert_non_null(sdm120);
	assert_non_null(sdm630);
	assert_null(evse_gm_model("sdm72"));
	assert_int_equal(evse_gm_map_check(sdm120, 1, err, sizeof(err)), 0);
	assert_int_equal(evse_gm_map_check(sdm120, 3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no i2 for a 3-phase station"));
	assert_int_equal(evse_gm_map_check(sdm630, 3, err, sizeof(err)), 0);
	/* SDM630: phase 2 current at 0x0008, total import in kWh at 0x0048 */
	bool i2 = false, imp = false;
	for (size_t i = 0; i < sdm630->n; i++) {
		i2 = i2 || (sdm630->regs[i].q == EVSE_GM_I2 && sdm630->regs[i].addr == 0x0008);
		imp = imp || (sdm630->regs[i].q == EVSE_GM_IMPORT && sdm630->regs[i].addr == 0x0048 &&
		              sdm630->regs[i].scale == 1000.0);
	}
	assert_true(i2 && imp);
}

static void test_decode_types_and_orders(void **state)
{
	(void)state;
	struct evse_gm_reg r = {EVSE_GM_P1, 0, EVSE_GM_F32, 1.0, false, EVSE_GM_INPUT};
	uint16_t w[2];
	f32_words(-1234.5f, w);
	assert_true(evse_gm_decode(&r, w) == -1234.5);
	uint16_t swapped[2] = {w[1], w[0]};
	r.low_first = true;
	assert_true(evse_gm_decode(&r, swapped) == -1234.5);
	r = (struct evse_gm_reg){EVSE_GM_P1, 0, EVSE_GM_I32, 0.1, false, EVSE_GM_INPUT};
	uint16_t neg[2] = {0xffff, 0xfc18}; /* −1000 */
	assert_true(fabs(evse_gm_decode(&r, neg) - -100.0) < 1e-9);
	r.type = EVSE_GM_U32;
	r.scale = 1.0;
	assert_true(evse_gm_decode(&r, neg) == 4294966296.0);
	r.type = EVSE_GM_I16;
	uint16_t one[2] = {0xfff6, 0}; /* −10 */
	assert_true(evse_gm_decode(&r, one) == -10.0);
	r.type = EVSE_GM_U16;
	assert_true(evse_gm_decode(&r, one) == 65526.0);
	assert_int_equal(evse_gm_reg_words(&r), 1);
}

static void test_custom_map_parsed(void **state)
{
	(void)state;
	char err[160];
	struct evse_gm_map m;
	const char *text = "v1@0  i1@0x6:f32, p1@12:i32:0.1:lh:hold imp@72:u32:1000 pv@300:i16";
	assert_int_equal(evse_gm_map_parse(&m, text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(m.n, 5);
	assert_string_equal(m.name, "custom");
	assert_int_equal(m.regs[1].addr, 6);
	assert_int_equal(m.regs[2].type, EVSE_GM_I32);
	assert_true(m.regs[2].scale == 0.1);
	assert_true(m.regs[2].low_first);
	assert_int_equal(m.regs[2].table, EVSE_GM_HOLDING);
	assert_int_equal(m.regs[4].q, EVSE_GM_PV);
	assert_int_equal(evse_gm_map_check(&m, 1, err, sizeof(err)), 0);
	assert_int_equal(evse_gm_map_check(&m, 3, err, sizeof(err)), -1);
}

static void test_custom_map_refused(void **state)
{
	(void)state;
	char err[160];
	struct evse_gm_map m;
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"", "meter map: empty"},
	    {"   ,, ", "meter map: empty"},
	    {"i1", "entry 1 \"i1\": no '@'"},
	    {"i1@6 x9@2", "entry 2 \"x9@2\": unknown quantity"},
	    {"i1@", "bad address"},
	    {"i1@-1", "bad address"},
	    {"i1@65535", "bad address"},
	    {"i1@12abc", "bad address"},
	    {"i1@6:f64", "type is not f32"},
	    {"i1@6:f32:0", "bad scale"},
	    {"i1@6:f32:nan", "bad scale"},
	    {"i1@6:f32:1:ba", "word order is not hl or lh"},
	    {"i1@6:f32:1:hl:coil", "table is not in or hold"},
	    {"i1@6:f32:1:hl:in:x", "too many fields"},
	    {"i1@6 i1@8", "i1 given twice"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(evse_gm_map_parse(&m, bad[i].text, strlen(bad[i].text), err, sizeof(err)), -1);
		if (!strstr(err, bad[i].why))
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", bad[i].text, err, bad[i].why);
	}
	/* more than 16 entries */
	char many[512] = "";
	size_t used = 0;
	const char *q[] = {"v1", "v2", "v3", "i1", "i2", "i3", "p1", "p2", "p3", "imp", "exp", "pv"};
	for (int i = 0; i < 12; i++)
		used += (size_t)snprintf(many + used, sizeof(many) - used, "%s@%d ", q[i], i * 2);
	assert_int_equal(evse_gm_map_parse(&m, many, used, err, sizeof(err)), 0);
	char huge[600];
	memset(huge, ' ', sizeof(huge));
	assert_int_equal(evse_gm_map_parse(&m, huge, sizeof(huge), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 512"));
}

static void test_fill_reading(void **state)
{
	(void)state;
	const struct evse_gm_map *m = evse_gm_model("sdm630");
	uint16_t words[EVSE_GM_MAX_REGS][2];
	for (size_t i = 0; i < m->n; i++) {
		float v = 0;
		switch (m->regs[i].q) {
		case EVSE_GM_V1:
		case EVSE_GM_V2:
		case EVSE_GM_V3: v = 231.5f; break;
		case EVSE_GM_I2: v = 7.25f; break;
		case EVSE_GM_P2: v = -1650.0f; break;
		case EVSE_GM_IMPORT: v = 12.5f; break;
		default: break;
		}
		f32_words(v, words[i]);
	}
	struct evse_dpm_reading r;
	double imp = 0, exp = -1;
	evse_gm_fill(m, (const uint16_t(*)[2])words, &r, &imp, &exp);
	assert_true(r.volts[2] == 231.5);
	assert_true(r.amps[1] == 7.25);
	assert_true(r.watts[1] == -1650.0);
	assert_true(imp == 12500.0);
	assert_true(exp == 0.0);
	assert_false(r.has_pv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_models),
	    cmocka_unit_test(test_decode_types_and_orders),
	    cmocka_unit_test(test_custom_map_parsed),
	    cmocka_unit_test(test_custom_map_refused),
	    cmocka_unit_test(test_fill_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

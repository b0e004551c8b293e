/* evse_protect.c — the protection table, one condition function per row, latching with hold times. */
#include "evse_protect.h"

#include <stddef.h>

#define V_NOMINAL    230.0
#define V_OVER       (V_NOMINAL * 1.15) /* 003 §5: 230 V +-15 % */
#define V_UNDER      (V_NOMINAL * 0.85)
#define V_PRESENT    50.0 /* below this a phase is absent (or the mains is off) */
#define OCP_MARGIN_A 2.0  /* IEC 61851-1 lets the EV exceed the offer by a little while it adapts */
#define ROT_LIMIT_C  85.0
#define OCT_LIMIT_C  90.0
#define LEAK_DC_MA   6.0

struct row {
	const char *display;
	const char *what;
	enum ocpp_charge_point_error_code ocpp;
	uint32_t hold_ms;
};

static const struct row rows[EVSE_PROT_COUNT] = {
#define X(id, disp, code, hold, w) [EVSE_PROT_##id] = {disp, w, OCPP_CHARGE_POINT_ERROR_CODE_##code, hold},
#include "evse_protect.def"
#undef X
};

const char *evse_protect_display(enum evse_protection p)
{
	return (unsigned)p < EVSE_PROT_COUNT ? rows[p].display : "ERR";
}

const char *evse_protect_what(enum evse_protection p)
{
	return (unsigned)p < EVSE_PROT_COUNT ? rows[p].what : "?";
}

enum ocpp_charge_point_error_code evse_protect_ocpp(enum evse_protection p)
{
	return (unsigned)p < EVSE_PROT_COUNT ? rows[p].ocpp : OCPP_CHARGE_POINT_ERROR_CODE_OTHER_ERROR;
}

static int phases(const struct evse_protect_input *in)
{
	return in->cfg->phases == 1 ? 1 : 3;
}

/* The mains is off (every phase absent): that is a power loss, handled by save-unlock, not a fault. */
static bool mains_off(const struct evse_protect_input *in)
{
	for (int p = 0; p < phases(in); p++)
		if (in->meter.voltage_v[p] >= V_PRESENT)
			return false;
	return true;
}

static bool ocp(const struct evse_protect_input *in)
{
	if (!in->meter_ok)
		return false;
	for (int p = 0; p < phases(in); p++)
		if (in->meter.current_a[p] > in->offered_a + OCP_MARGIN_A)
			return true;
	return false;
}

static bool ovp(const struct evse_protect_input *in)
{
	for (int p = 0; in->meter_ok && p < phases(in); p++)
		if (in->meter.voltage_v[p] > V_OVER)
			return true;
	return false;
}

static bool lvp(const struct evse_protect_input *in)
{
	if (!in->meter_ok || mains_off(in))
		return false;
	for (int p = 0; p < phases(in); p++)
		if (in->meter.voltage_v[p] >= V_PRESENT && in->meter.voltage_v[p] < V_UNDER)
			return true;
	return false;
}

static bool met(const struct evse_protect_input *in)
{
	return !in->meter_ok;
}

static bool pe(const struct evse_protect_input *in)
{
	/* an IT system has no earthed neutral: the earth check would always fail there (003 §8.1.2) */
	return !in->pe_ok && in->cfg->earthing != EVSE_EARTH_IT;
}

static bool cp(const struct evse_protect_input *in)
{
	if (in->meter_ok && mains_off(in))
		return false;
	return in->cp == EVSE_CP_E || in->cp == EVSE_CP_INVALID;
}

static bool relay_blocked(const struct evse_protect_input *in, unsigned bit)
{
	return in->contactor_cmd != ((in->contactor_fb & bit) != 0);
}

static bool r12(const struct evse_protect_input *in)
{
	return relay_blocked(in, EVSE_RELAY_12);
}

static bool r3n(const struct evse_protect_input *in)
{
	return relay_blocked(in, EVSE_RELAY_3N);
}

static bool rot(const struct evse_protect_input *in)
{
	return in->temps.relay_c > ROT_LIMIT_C;
}

static bool elk(const struct evse_protect_input *in)
{
	return in->cfg->charging_case == EVSE_CASE_B && in->lock_cmd != in->lock_fb;
}

static bool oct(const struct evse_protect_input *in)
{
	return in->temps.plug_c > OCT_LIMIT_C;
}

static bool ird(const struct evse_protect_input *in)
{
	return in->leakage.dc_ma >= LEAK_DC_MA || in->leakage.rcd_tripped;
}

static bool fan(const struct evse_protect_input *in)
{
	return in->fan_cmd && !in->fan_spinning;
}

static bool pp(const struct evse_protect_input *in)
{
	bool ev_present = in->cp == EVSE_CP_B || in->cp == EVSE_CP_C || in->cp == EVSE_CP_D;
	return in->cfg->charging_case == EVSE_CASE_B && ev_present && in->pp_a == 0;
}

static bool mis(const struct evse_protect_input *in)
{
	if (!in->meter_ok || phases(in) == 1 || mains_off(in))
		return false;
	for (int p = 0; p < 3; p++)
		if (in->meter.voltage_v[p] < V_PRESENT)
			return true;
	return false;
}

static bool (*const conditions[EVSE_PROT_COUNT])(const struct evse_protect_input *) = {
    [EVSE_PROT_OCP] = ocp, [EVSE_PROT_OVP] = ovp, [EVSE_PROT_LVP] = lvp, [EVSE_PROT_MET] = met, [EVSE_PROT_PE] = pe,
    [EVSE_PROT_CP] = cp,   [EVSE_PROT_R12] = r12, [EVSE_PROT_R3N] = r3n, [EVSE_PROT_ROT] = rot, [EVSE_PROT_ELK] = elk,
    [EVSE_PROT_OCT] = oct, [EVSE_PROT_IRD] = ird, [EVSE_PROT_FAN] = fan, [EVSE_PROT_PP] = pp,   [EVSE_PROT_MIS] = mis,
};

bool evse_protect_condition(enum evse_protection p, const struct evse_protect_input *in)
{
	return (unsigned)p < EVSE_PROT_COUNT && conditions[p](in);
}

uint32_t evse_protect_scan(struct evse_protect *pr, const struct evse_protect_input *in, uint64_t now_ms)
{
	uint32_t fresh = 0;

	for (int p = 0; p < EVSE_PROT_COUNT; p++) {
		uint32_t bit = 1u << p;
		if (!conditions[p](in)) {
			pr->pending &= ~bit;
			continue;
		}
		if (!(pr->pending & bit)) {
			pr->pending |= bit;
			pr->since[p] = now_ms;
		}
		if (!(pr->tripped & bit) && now_ms - pr->since[p] >= rows[p].hold_ms) {
			pr->tripped |= bit;
			fresh |= bit;
		}
	}
	return fresh;
}

uint32_t evse_protect_acknowledge(struct evse_protect *pr, const struct evse_protect_input *in)
{
	for (int p = 0; p < EVSE_PROT_COUNT; p++)
		if ((pr->tripped >> p & 1u) && !conditions[p](in))
			pr->tripped &= ~(1u << p);
	return pr->tripped;
}

int evse_protect_first(const struct evse_protect *pr)
{
	for (int p = 0; p < EVSE_PROT_COUNT; p++)
		if (pr->tripped >> p & 1u)
			return p;
	return -1;
}

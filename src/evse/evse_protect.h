/* evse_protect.h — the protections of 003 §7.1.2 as one table (evse_protect.def): each has a display code,
 * an OCPP error code, a condition and how long it must hold. A trip latches: it is cleared only by a local
 * acknowledgement once its condition is gone, never automatically or remotely (IEC 61851-1). */
#ifndef EVSE_PROTECT_H
#define EVSE_PROTECT_H

#include <stdbool.h>
#include <stdint.h>

#include "evse_config.h"
#include "evse_hal.h"
#include "ocpp_types.h"

enum evse_protection {
#define X(id, display, ocpp, hold_ms, what) EVSE_PROT_##id,
#include "evse_protect.def"
#undef X
	EVSE_PROT_COUNT
};

/* What the protections look at, sampled once per control cycle. */
struct evse_protect_input {
	const struct evse_config *cfg;
	bool meter_ok;
	struct evse_meter meter;
	struct evse_temps temps;
	struct evse_leakage leakage;
	enum evse_cp cp;
	bool pe_ok;
	int pp_a;
	bool contactor_cmd;
	unsigned contactor_fb;
	bool lock_cmd;
	bool lock_fb;
	bool fan_cmd;
	bool fan_spinning;
	double offered_a; /* the current the PWM offers now (0: none) */
};

struct evse_protect {
	uint32_t tripped;                /* latched trips, bit per enum evse_protection */
	uint32_t pending;                /* conditions present now */
	uint64_t since[EVSE_PROT_COUNT]; /* when each present condition started */
};

const char *evse_protect_display(enum evse_protection p); /* "ERR OCP" */
const char *evse_protect_what(enum evse_protection p);    /* "over-current" */
enum ocpp_charge_point_error_code evse_protect_ocpp(enum evse_protection p);

/* Is the condition of p present in in? (no timing) */
bool evse_protect_condition(enum evse_protection p, const struct evse_protect_input *in);

/* Evaluates every protection at now_ms; returns the bits that tripped in this call (already latched). */
uint32_t evse_protect_scan(struct evse_protect *pr, const struct evse_protect_input *in, uint64_t now_ms);

/* Local acknowledgement (push button): clears the latched trips whose condition is gone now. Returns the
 * bits still latched. */
uint32_t evse_protect_acknowledge(struct evse_protect *pr, const struct evse_protect_input *in);

/* The first latched trip in table order, or -1 when none. */
int evse_protect_first(const struct evse_protect *pr);

#endif

/* evse_dpm.h — dynamic power management, pure: from the grid meter's readings and the EV's own draw, the
 * current the charging point may offer, in the modes FULL, ECOSMART and ECOPLUS of the product (000 "Dynamic
 * Power Management", 003 §10: P_charger = P_max − P_other_loads). No I/O and no clock: the owner feeds
 * readings and meter errors with the monotonic time and hands the result to EVSE_LIMIT_POWER. */
#ifndef EVSE_DPM_H
#define EVSE_DPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSE_DPM_PHASES 3
#define EVSE_DPM_MIN_A  6.0 /* IEC 61851-1: the lowest current a PWM may offer */

/* X(id, name) */
#define EVSE_DPM_MODES(X)                                                                                              \
	X(FULL, "FULL")         /* grid + renewable: as much as the contract leaves */                                 \
	X(ECOSMART, "ECOSMART") /* renewable + a minimum grid share; never pauses for lack of sun */                   \
	X(ECOPLUS, "ECOPLUS")   /* renewable only; pauses when the surplus is gone */

enum evse_dpm_mode {
#define X(id, name) EVSE_DPM_##id,
	EVSE_DPM_MODES(X)
#undef X
	    EVSE_DPM_MODE_COUNT
};
const char *evse_dpm_mode_name(enum evse_dpm_mode m); /* "ECOPLUS" */
/* The mode named s (any case), or -1. */
int evse_dpm_mode_parse(const char *s);

struct evse_dpm_settings {
	enum evse_dpm_mode mode;
	bool renewable;          /* a renewable source exists: ECOSMART and ECOPLUS may be chosen only then */
	double limit_a;          /* the contract: current per phase at the grid connection */
	double limit_w;          /* the contract as power over all phases, 0: none (limit_a alone) */
	double max_a;            /* the station's own maximum current: never offered more */
	int phases;              /* phases wired to the station: 1 (meter L1) or 3 */
	double volts;            /* nominal phase voltage: W -> A where the meter gives no voltage */
	double min_grid_w;       /* ECOSMART: grid power allowed on top of the surplus */
	double safe_a;           /* offered while the meter is faulted: 0, or 6..max_a (never above what was offered) */
	double ramp_a_s;         /* an increase goes at most this many A per second (decreases are immediate) */
	uint32_t fault_ms;       /* no plausible reading for this long: meter fault (ERR MET) */
	uint32_t start_ms;       /* ECOPLUS: a surplus of >= 6 A must hold this long before charging starts */
	uint32_t stop_ms;        /* ECOPLUS: a deficit must hold this long before charging pauses (6 A meanwhile) */
	uint32_t min_on_ms;      /* charging, once started, runs at least this long (unless the contract forbids) */
	uint32_t min_off_ms;     /* a pause lasts at least this long */
	double margin_a;         /* the offer stays this far below what the contract leaves (a falling PV ramp is
	                          * followed one reading late) */
	unsigned max_switches_h; /* ECOPLUS: contactor operations allowed in any hour (0: no budget): a start needs room
	                          * for itself and its stop; a pause for lack of sun waits for room (6 A meanwhile);
	                          * a stop the contract forces always happens */
};

/* The documented defaults (docs/evse.md "Dynamic power management"). */
void evse_dpm_defaults(struct evse_dpm_settings *s);
/* Checks the settings together: 0, or -1 with the reason in err ("dpm_mode: ECOPLUS needs a renewable
 * source (dpm_renewable = true)"). */
int evse_dpm_check(const struct evse_dpm_settings *s, char *err, size_t errcap);

/* One reading of the grid meter, as meters report it: currents as magnitudes, power signed (+ import,
 * − export). pv_w: the production, when a second reading gives it (has_pv). */
struct evse_dpm_reading {
	double volts[EVSE_DPM_PHASES];
	double amps[EVSE_DPM_PHASES];
	double watts[EVSE_DPM_PHASES];
	bool has_pv;
	double pv_w;
};

/* Checks a reading's values on the station's phases: 0, or -1 with the reason in err (NaN, a negative
 * current, a value no installation can have). */
int evse_dpm_plausible(const struct evse_dpm_reading *r, int phases, char *err, size_t errcap);

/* Why the offer is what it is (for the local app and the logs). */
#define EVSE_DPM_REASONS(X)                                                                                            \
	X(NO_READING, "no meter reading yet")                                                                          \
	X(CHARGING, "charging with what is left")                                                                      \
	X(RAMPING, "increasing gradually")                                                                             \
	X(CONTRACT, "suspended: the contract limit leaves less than 6 A")                                              \
	X(NO_SURPLUS, "paused: no renewable surplus")                                                                  \
	X(START_WAIT, "surplus: waiting for the start delay")                                                          \
	X(STOP_WAIT, "deficit: 6 A until the stop delay ends")                                                         \
	X(BUDGET, "paused: the contactor's switching budget of the hour is used")                                      \
	X(MIN_OFF, "paused: minimum off time")                                                                         \
	X(FAULT, "meter fault: safe current")

enum evse_dpm_reason {
#define X(id, text) EVSE_DPM_WHY_##id,
	EVSE_DPM_REASONS(X)
#undef X
	    EVSE_DPM_WHY_COUNT
};
const char *evse_dpm_reason_text(enum evse_dpm_reason r);

/* The live figures of the last reading (W and A). */
struct evse_dpm_figures {
	double grid_w;  /* at the connection: + import, − export */
	double ev_w;    /* the EV's draw (station meter) */
	double house_w; /* the other loads: grid − EV + PV (grid − EV without a PV reading) */
	double pv_w;    /* production, 0 without a PV reading */
	bool has_pv;
	double grid_a[EVSE_DPM_PHASES]; /* signed per phase */
	double avail_a;                 /* what the contract leaves the EV per phase */
	double want_a;                  /* what the mode asks (before hysteresis and ramp) */
};

struct evse_dpm {
	struct evse_dpm_settings set;
	double offered;        /* the limit handed out now, A (0: none: the session is suspended) */
	bool on;               /* charging allowed (after the hysteresis) */
	bool have_reading;     /* one plausible reading since the start or since the fault */
	bool faulted;          /* meter fault in force (ERR MET) */
	char error[96];        /* the last meter error ("timeout", "l2 current -3 a is negative") */
	uint64_t ok_ms;        /* the last plausible reading (or the start) */
	uint64_t last_feed_ms; /* for the ramp */
	uint64_t switch_ms;    /* the last change of on */
	uint64_t cond_ms;      /* since when the start (off) or stop (on) condition holds, 0: not holding */
	enum evse_dpm_reason reason;
	struct evse_dpm_figures fig;
	uint32_t switches; /* changes of on since init */
#define EVSE_DPM_SWITCH_LOG 32
	uint64_t switch_log[EVSE_DPM_SWITCH_LOG]; /* times of the last changes of on (a ring) */
};
/* Changes of on in the hour before now_ms. */
unsigned evse_dpm_switches_last_hour(const struct evse_dpm *d, uint64_t now_ms);

/* Starts with no reading: nothing offered until the first plausible one. s is copied. */
void evse_dpm_init(struct evse_dpm *d, const struct evse_dpm_settings *s, uint64_t now_ms);
/* Replaces the settings (the app changed them): the state is kept, the offer follows at the next reading. */
void evse_dpm_configure(struct evse_dpm *d, const struct evse_dpm_settings *s);

/* A reading of the grid meter at now_ms, with the EV's draw per phase at that time (A, the station's meter;
 * phases the station does not have are ignored). An implausible reading counts as a meter error. Returns the
 * limit to offer (A; 0: suspend). */
double evse_dpm_feed(struct evse_dpm *d, const struct evse_dpm_reading *r, const double ev_a[EVSE_DPM_PHASES],
                     uint64_t now_ms);
/* A read that failed (timeout, CRC, exception): why is kept for the display and OCPP. */
void evse_dpm_meter_error(struct evse_dpm *d, const char *why, uint64_t now_ms);
/* Between readings: declares the fault when no plausible reading came for fault_ms. Returns the limit. */
double evse_dpm_tick(struct evse_dpm *d, uint64_t now_ms);

#endif

/* evse_sim.h — the simulator backend of the hardware layer: a grid, a station's devices and an EV with a
 * battery that reacts to the pilot PWM within IEC 61851 delays, plus fault injection for every protection.
 * Time is injected: evse_sim_step() advances the physics to now_ms. Single-threaded. */
#ifndef EVSE_SIM_H
#define EVSE_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "evse_hal.h"

/* Injectable faults, one per protection; the names are the display codes in lower case ("ocp"). */
#define EVSE_SIM_FAULTS(X)                                                                                             \
	X(OCP, "ocp", "EV draws more than offered")                                                                    \
	X(OVP, "ovp", "grid at 270 V")                                                                                 \
	X(LVP, "lvp", "grid at 180 V")                                                                                 \
	X(MET, "met", "meter does not answer")                                                                         \
	X(PE, "pe", "protective earth open")                                                                           \
	X(CP, "cp", "pilot shorted to PE")                                                                             \
	X(R12, "r12", "relay 1 (L1/L2) welded")                                                                        \
	X(R3N, "r3n", "relay 2 (L3/N) welded")                                                                         \
	X(ROT, "rot", "relay at 100 C")                                                                                \
	X(ELK, "elk", "lock stuck open")                                                                               \
	X(OCT, "oct", "plug at 100 C")                                                                                 \
	X(IRD, "ird", "8 mA DC leakage")                                                                               \
	X(FAN, "fan", "fan blocked")                                                                                   \
	X(PP, "pp", "proximity pilot unreliable")                                                                      \
	X(MIS, "mis", "phase L3 missing")

enum evse_sim_fault {
#define X(id, name, what) EVSE_SIM_FAULT_##id,
	EVSE_SIM_FAULTS(X)
#undef X
	    EVSE_SIM_FAULT_COUNT
};

const char *evse_sim_fault_name(enum evse_sim_fault f);
/* "ocp" -> EVSE_SIM_FAULT_OCP; -1 when unknown. */
int evse_sim_fault_parse(const char *name);

struct evse_sim_grid {
	double voltage_v;    /* phase to neutral; 0: 230 */
	double frequency_hz; /* 0: 50 */
	int phases;          /* phases wired to the station, 1 or 3; 0: 3 */
	int tethered_a;      /* case C: the fixed cable's rating (PP); 0: a socket (case B) */
};

struct evse_sim_ev {
	double capacity_wh;   /* 0: 60 kWh */
	double soc;           /* 0..1 */
	double max_current_a; /* the on-board charger's limit per phase; 0: 32 */
	int phases;           /* 1 or 3; 0: 3 */
	int cable_a;          /* case B: the cable's rating read on PP; 0: 32 */
	bool ventilation;     /* asks for state D */
	uint32_t response_ms; /* how long the EV takes to follow the PWM; 0: 1000 (IEC 61851 allows 5 s) */
};

/* What the station did to its devices and what the EV is doing, for tests and the control interface. */
struct evse_sim_view {
	double duty_pct;
	bool contactor_cmd;
	unsigned contactor_fb;
	bool lock_cmd;
	bool fan_cmd;
	char display[32];
	struct evse_leds leds;
	unsigned beeps_total; /* beep() calls */
	unsigned last_beep;   /* count of the last beep() call */
	bool plugged;
	bool ev_s2; /* the EV's switch S2 closed (state C/D) */
	bool ev_demand;
	double ev_current_a;
	double ev_soc;
	double energy_wh;
	bool power;
	unsigned faults; /* bit per enum evse_sim_fault */
};

struct evse_sim;

/* Creates a simulator at time now_ms; NULL when out of memory. grid may be NULL (defaults). */
struct evse_sim *evse_sim_new(const struct evse_sim_grid *grid, uint64_t now_ms);
void evse_sim_free(struct evse_sim *sim);
/* The hardware layer over this simulator; valid while sim lives. */
struct evse_hal evse_sim_hal(struct evse_sim *sim);

/* Advances the grid, the EV and the meter to now_ms (monotonic, never backwards). */
void evse_sim_step(struct evse_sim *sim, uint64_t now_ms);

/* Plugs an EV in (ev NULL: defaults, demand on) / pulls it out. */
void evse_sim_plug(struct evse_sim *sim, const struct evse_sim_ev *ev);
void evse_sim_unplug(struct evse_sim *sim);
/* The EV wants energy (true) or stops asking (false: it opens S2 within its response time). */
void evse_sim_ev_demand(struct evse_sim *sim, bool on);
/* Presents a card once (the next rfid_poll reads it); uid is copied, at most 32 characters. */
void evse_sim_tap(struct evse_sim *sim, const char *uid);
void evse_sim_press(struct evse_sim *sim, bool long_press);
void evse_sim_fault(struct evse_sim *sim, enum evse_sim_fault f, bool on);
/* Mains supply on or off (off: every phase at 0 V, pilot at 0 V). */
void evse_sim_power(struct evse_sim *sim, bool on);

void evse_sim_view(const struct evse_sim *sim, struct evse_sim_view *v);

#endif

/* evse_charge.h — one charging point's IEC 61851 control: the connector state machine over the hardware
 * layer, the session (who charges, since when, how much), the current limit it obeys, the protections,
 * cards in the three operating modes, the display and the LEDs. No clock and no I/O of its own: the owner
 * calls evse_charge_tick() with the time, and hears about changes through struct evse_charge_events. */
#ifndef EVSE_CHARGE_H
#define EVSE_CHARGE_H

#include <stdbool.h>
#include <stdint.h>

#include "evse_config.h"
#include "evse_hal.h"
#include "evse_protect.h"
#include "evse_state.h"

const char *evse_state_name(enum evse_state s);      /* "SUSPENDED_EV" */
const char *evse_state_ocpp_name(enum evse_state s); /* "SuspendedEV" */

/* Timing of IEC 61851-1 (annex A) that the logic keeps. */
#define EVSE_SELFTEST_MS  1000  /* white belt at power on */
#define EVSE_CP_STABLE_MS 100   /* a pilot reading must hold this long before B -> C closes the contactor */
#define EVSE_STOP_OPEN_MS 3000  /* after the PWM is withdrawn, the contactor opens at the latest after this */
#define EVSE_AUTH_WAIT_MS 60000 /* an authorisation without a plugged EV expires (ConnectionTimeOut) */

/* Why a session ended; the names are OCPP's Reason values. */
#define EVSE_STOP_REASONS(X)                                                                                           \
	X(LOCAL, "Local")                                                                                              \
	X(REMOTE, "Remote")                                                                                            \
	X(EV_DISCONNECTED, "EVDisconnected")                                                                           \
	X(POWER_LOSS, "PowerLoss")                                                                                     \
	X(EMERGENCY, "EmergencyStop")                                                                                  \
	X(DEAUTHORIZED, "DeAuthorized")                                                                                \
	X(HARD_RESET, "HardReset")                                                                                     \
	X(SOFT_RESET, "SoftReset")                                                                                     \
	X(REBOOT, "Reboot")                                                                                            \
	X(UNLOCK, "UnlockCommand")                                                                                     \
	X(OTHER, "Other")

enum evse_stop_reason {
#define X(id, name) EVSE_STOP_##id,
	EVSE_STOP_REASONS(X)
#undef X
	    EVSE_STOP_COUNT
};
const char *evse_stop_reason_name(enum evse_stop_reason r);

/* How a session was started (history "Start Mode"). */
enum evse_start_mode { EVSE_START_FREE, EVSE_START_RFID, EVSE_START_REMOTE, EVSE_START_APP };
const char *evse_start_mode_name(enum evse_start_mode m); /* "FREE", "RFID", "REMOTE", "APP" */

#define EVSE_ID_MAX 21 /* OCPP IdToken: 20 characters */

struct evse_session {
	bool active;
	char id_tag[EVSE_ID_MAX];
	char parent[EVSE_ID_MAX];
	enum evse_start_mode start_mode;
	uint64_t start_ms; /* monotonic */
	double start_wh;
	double energy_wh;       /* delivered so far */
	bool reserved;          /* started by the holder of a reservation, which it used up */
	int64_t reservation_id; /* that reservation's id */
};

/* A reservation of the connector (OCPP ReserveNow): until it expires or is cancelled, only its card, or
 * one with its parent id, may start a session; the connector reports Reserved while it waits. */
struct evse_reservation {
	bool active;
	int64_t id;
	char id_tag[EVSE_ID_MAX];
	char parent[EVSE_ID_MAX];
	uint64_t expires_ms; /* monotonic */
};

/* The answer to a reservation; the names are OCPP's ReservationStatus values. */
enum evse_reserve {
	EVSE_RESERVE_ACCEPTED,
	EVSE_RESERVE_FAULTED,
	EVSE_RESERVE_OCCUPIED,
	EVSE_RESERVE_REJECTED,
	EVSE_RESERVE_UNAVAILABLE
};

/* Sources of a current limit; the charging logic obeys the lowest. */
enum evse_limit_source {
	EVSE_LIMIT_SMART,    /* OCPP smart charging (composite schedule) */
	EVSE_LIMIT_POWER,    /* dynamic power management / load balancing */
	EVSE_LIMIT_LOCAL,    /* the local app */
	EVSE_LIMIT_SCHEDULE, /* the local app's scheduled start: 0 A until then */
	EVSE_LIMIT_GROUP,    /* Master/Satellite group: the balancer's share, a Satellite's safe current */
	EVSE_LIMIT_COUNT
};

/* The answer of an authoriser about a card. PENDING: it will answer later with evse_charge_auth_result(). */
enum evse_auth { EVSE_AUTH_ACCEPTED, EVSE_AUTH_REJECTED, EVSE_AUTH_PENDING };

struct evse_charge;

struct evse_charge_events {
	void *ctx;
	/* The state changed; error is the first latched protection or -1. */
	void (*state)(void *ctx, enum evse_state from, enum evse_state to, int error);
	void (*session_start)(void *ctx, const struct evse_session *s);
	void (*session_stop)(void *ctx, const struct evse_session *s, enum evse_stop_reason why, double stop_wh);
	/* A card was presented: decide (parent may be filled, EVSE_ID_MAX bytes). NULL: every card refused.
	 * Asked only in PERSONAL and WEB modes, for cards that are not the session's own. */
	enum evse_auth (*authorize)(void *ctx, const char *id_tag, char *parent);
	/* A protection tripped (already latched). */
	void (*trip)(void *ctx, enum evse_protection p);
};

/* Creates the control of one charging point over hal. cfg and hal must outlive it. */
struct evse_charge *evse_charge_new(const struct evse_config *cfg, struct evse_hal hal,
                                    const struct evse_charge_events *ev, uint64_t now_ms);
void evse_charge_free(struct evse_charge *c);

/* One control cycle at now_ms: reads the hardware, runs protections and the state machine, refreshes
 * display and LEDs. Call every 50-100 ms. */
void evse_charge_tick(struct evse_charge *c, uint64_t now_ms);

/* ---- commands ---- */
/* Authorises a session for id_tag (remote start, app, or a PENDING card's acceptance): starts when an EV
 * is or gets plugged. -1 when the point cannot take one now (faulted, unavailable, a session running). */
int evse_charge_authorize(struct evse_charge *c, const char *id_tag, const char *parent, enum evse_start_mode m,
                          uint64_t now_ms);
/* Would evse_charge_authorize() take id_tag now? The same checks, without authorising (a remote start that
 * first asks the central system, AuthorizeRemoteTxRequests). */
bool evse_charge_can_authorize(const struct evse_charge *c, const char *id_tag, const char *parent);
/* The answer to a card that authorize() left PENDING. */
void evse_charge_auth_result(struct evse_charge *c, const char *id_tag, bool accepted, const char *parent,
                             uint64_t now_ms);
/* The local app asks to start a session for id_tag (the authoriser of the mode decides, as for a card):
 * 0 authorised (starts when an EV is or gets plugged), 1 asked the central system (the answer comes
 * later), -1 the point cannot take one now, -2 refused. */
int evse_charge_app_authorize(struct evse_charge *c, const char *id_tag, uint64_t now_ms);
/* Card reading for the local app: while on, the next card tapped is recorded instead of used. */
void evse_charge_capture_card(struct evse_charge *c, bool on);
/* The card recorded since capture was switched on (once): true with its UID in uid. */
bool evse_charge_captured_card(struct evse_charge *c, char *uid, size_t cap);
/* Ends the running session (the EV is released once the contactor is open). -1 when none. */
int evse_charge_stop(struct evse_charge *c, enum evse_stop_reason why, uint64_t now_ms);
/* Sets or clears (amps < 0) one limit source. */
void evse_charge_set_limit(struct evse_charge *c, enum evse_limit_source src, double amps);
/* Operative (true) or inoperative; while a session runs the change waits for its end. Returns 1 when
 * scheduled for later, 0 when done. */
int evse_charge_set_available(struct evse_charge *c, bool available, uint64_t now_ms);
/* Unlocks the connector (OCPP UnlockConnector): stops a session first. true when it is unlocked. */
bool evse_charge_unlock(struct evse_charge *c, uint64_t now_ms);
/* Reserves the connector (a reservation with the same id replaces the one in force). Occupied while a
 * session runs, an EV is plugged, a card waits for its EV or another reservation holds it. */
enum evse_reserve evse_charge_reserve(struct evse_charge *c, const struct evse_reservation *r, uint64_t now_ms);
/* Cancels the reservation with this id: 0, or -1 when no such reservation is in force. */
int evse_charge_cancel_reservation(struct evse_charge *c, int64_t id, uint64_t now_ms);
/* The reservation in force, or NULL. */
const struct evse_reservation *evse_charge_reservation(const struct evse_charge *c);
/* Shows "100 UP" / "E01 UP" .. on the display for ms (firmware upgrade results). */
void evse_charge_show_message(struct evse_charge *c, const char *text, uint32_t ms, uint64_t now_ms);
/* Network indicator (AREA2 WiFi LED): connected to the backend or not. */
void evse_charge_set_online(struct evse_charge *c, bool online);

/* ---- status ---- */
enum evse_state evse_charge_state(const struct evse_charge *c);
const struct evse_session *evse_charge_session(const struct evse_charge *c);
uint32_t evse_charge_trips(const struct evse_charge *c);
/* The current offered to the EV now (0: none) and the limit in force. */
double evse_charge_offered(const struct evse_charge *c);
double evse_charge_limit(const struct evse_charge *c);

/* A snapshot of everything the local app and tests show. */
struct evse_status {
	enum evse_state state;
	enum evse_cp cp;
	double cp_volts;
	double duty_pct;
	bool contactor;
	bool locked;
	bool fan;
	bool meter_ok;
	struct evse_meter meter;
	struct evse_temps temps;
	double offered_a;
	double limit_a;
	uint32_t trips;
	char display[32];
	struct evse_leds leds;
	struct evse_session session;
	uint32_t session_minutes;
	bool available;
	bool authorized_waiting; /* authorised, waiting for the EV */
};
void evse_charge_status(const struct evse_charge *c, uint64_t now_ms, struct evse_status *st);

#endif

/* evse_lb.h — the load balancer of a Master/Satellite group (issue 13), pure: each cycle it takes the group's
 * threshold per phase, the house load, and per point its maximum, caps, phases, session and what its EV
 * draws, and returns the current limit of every point (0 A: suspended). No I/O, no clock: the caller passes
 * the time, so tests and the bench replay days on a fast clock.
 *
 * Currents are integers in tenths of an ampere (`_da`, deci-amperes): 160 = 16.0 A. Limits are rounded down.
 *
 * Rules (docs/evse.md "Load balancing"):
 * - Sharing: the room per phase (threshold - house load, at most the group cap) is shared max-min fairly
 *   (water-filling) among the sessions that charge: equal shares, each capped by its point's maximum and cap
 *   and by what its EV is seen to take; what one does not take goes to the others.
 * - Admission: every charging session needs 6 A on each phase it uses. Sessions are kept oldest first; when
 *   the 6 A of every one no longer fit, the newest are suspended (0 A) and queued. Queued sessions (and new
 *   ones) start first-in first-out as soon as their 6 A fit; a queued session whose 6 A do not fit holds its
 *   phases, so nobody overtakes it there. No session is ever stopped: a suspended one keeps its session.
 * - Safety: decreases apply at once; an increase is granted only within the room left when every point is
 *   counted at the highest limit it had during the last reaction delay (it may still draw that). A (re)start
 *   always gets its 6 A at once (the decreases that make room for it are in force within one reaction delay).
 * - Anti-flapping: a session suspended by the balancer stays off at least min_off; a queued session starts
 *   only when its 6 A fit under the house load's highest of the last house_hold (a heat pump that cycles
 *   cannot start and stop it every cycle); a running session is kept as long as they fit under the house
 *   load of now.
 * - An EV that draws less than offered (offer - margin for a whole reaction delay) is offered what it draws
 *   plus the margin (at least 6 A); an EV that takes all of its offer is re-offered step more each cycle.
 */
#ifndef EVSE_LB_H
#define EVSE_LB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSE_LB_MAX_POINTS 16
#define EVSE_LB_PHASES     3
#define EVSE_LB_MIN_DA     60   /* IEC 61851-1: the lowest current a charging EV may be offered, 6 A */
#define EVSE_LB_MAX_DA     8000 /* the largest current anywhere in the inputs: 800 A */
#define EVSE_LB_NO_CAP     (-1)

/* Phases, as a mask: a 1-phase EV on a point whose L1 is wired to the group's L2 uses EVSE_LB_L2. */
enum { EVSE_LB_L1 = 1, EVSE_LB_L2 = 2, EVSE_LB_L3 = 4, EVSE_LB_3PH = 7 };

/* Timing and tuning; evse_lb_config_defaults() gives the documented defaults. */
struct evse_lb_config {
	int cycle_ms;        /* how often evse_lb_run is called: 1000 */
	int reaction_ms;     /* a lower limit is in force within this (one cycle + IEC 61851-1's 5 s): 6000 */
	int min_off_ms;      /* a session suspended by the balancer stays off at least this: 60000 */
	int house_hold_ms;   /* a queued session starts against the house load's peak of this long: 900000 */
	int margin_da;       /* an EV drawing less than its offer minus this is under-drawing: 10 (1 A) */
	int reoffer_step_da; /* re-offer to an EV that takes all it is offered, per cycle: 20 (2 A) */
};

/* One point's inputs for a cycle. */
struct evse_lb_point_in {
	bool wants;               /* a session runs and its EV wants current (not finished: state C, or queued) */
	int64_t session_start_ms; /* when the session began: a new value is a new session */
	int max_da;               /* the point's maximum: its max_current and cable, 6..80 A */
	int cap_da;               /* a cap on this point (upstream TxProfile on connector k, local limit), or NO_CAP */
	unsigned phases;          /* the group phases its EV uses (mask), 1, 2 or 3 of them */
	int draw_da;              /* what its EV draws now: the highest of its phases */
};

struct evse_lb_input {
	int n_points;                     /* 1..EVSE_LB_MAX_POINTS */
	int threshold_da[EVSE_LB_PHASES]; /* the group's threshold per phase */
	bool has_house;                   /* a DPM meter gives the house load */
	int house_da[EVSE_LB_PHASES];     /* what the rest of the house draws per phase (not the points) */
	int group_cap_da;                 /* per phase, upstream ChargePointMaxProfile on connector 0, or NO_CAP */
	struct evse_lb_point_in point[EVSE_LB_MAX_POINTS];
};

enum evse_lb_state {
	EVSE_LB_IDLE,     /* no session wants current */
	EVSE_LB_CHARGING, /* offered at least 6 A */
	EVSE_LB_QUEUED,   /* suspended (0 A), waiting for room, in queue order */
	EVSE_LB_CAPPED, /* its maximum or cap is under 6 A: 0 A, holds no room, waits in the queue without holding it up
	                 */
};

struct evse_lb_point_out {
	int limit_da; /* the current limit to apply: 0 or 60.. */
	enum evse_lb_state state;
	int queue_pos; /* 1.. when QUEUED, else 0 */
	int share_da;  /* what the sharing gives it (the limit once increases have caught up) */
};

struct evse_lb_output {
	struct evse_lb_point_out point[EVSE_LB_MAX_POINTS];
	int room_da[EVSE_LB_PHASES]; /* the room shared this cycle (threshold - house, group cap) */
	int charging, queued;
};

struct evse_lb;

void evse_lb_config_defaults(struct evse_lb_config *cfg);

/* Checks a config: 0, or -1 with "reaction_ms: 500 is shorter than cycle_ms (1000)" in err. */
int evse_lb_config_check(const struct evse_lb_config *cfg, char *err, size_t errcap);

/* A balancer with no session. NULL with a message when the config is refused or on no memory. The caller
 * frees it with evse_lb_free(). */
struct evse_lb *evse_lb_new(const struct evse_lb_config *cfg, char *err, size_t errcap);
void evse_lb_free(struct evse_lb *lb);

/* Checks one cycle's inputs: 0, or -1 with "point 3: max 900 out of range (60..800)" in err. */
int evse_lb_input_check(const struct evse_lb_input *in, char *err, size_t errcap);

/* One cycle at now_ms (monotonic, never going back): fills out. -1 with err when the inputs are refused (the
 * balancer's state is then unchanged and out is all 0 A: the safe answer). */
int evse_lb_run(struct evse_lb *lb, int64_t now_ms, const struct evse_lb_input *in, struct evse_lb_output *out,
                char *err, size_t errcap);

const char *evse_lb_state_name(enum evse_lb_state s);

#endif

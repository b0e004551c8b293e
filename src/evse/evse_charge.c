/* evse_charge.c — the IEC 61851 control of one charging point: read the hardware, run the protections,
 * step the connector state machine (one setter, logged), then drive PWM, contactor, lock, fan, display
 * and LEDs. Safety rules live in apply_outputs(): the contactor closes only in state C/D with no trip,
 * and the lock opens only once every relay reports open. */
#include "evse_charge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_display.h"
#include "wl_idtag.h"
#include "evse_pwm.h"
#include "wl_log.h"

#define MOD "charge"

static const char *const state_names[EVSE_STATE_COUNT] = {
#define X(id, ocpp) [EVSE_STATE_##id] = #id,
    EVSE_STATES(X)
#undef X
};
static const char *const state_ocpp[EVSE_STATE_COUNT] = {
#define X(id, ocpp) [EVSE_STATE_##id] = ocpp,
    EVSE_STATES(X)
#undef X
};
static const char *const stop_names[EVSE_STOP_COUNT] = {
#define X(id, name) [EVSE_STOP_##id] = name,
    EVSE_STOP_REASONS(X)
#undef X
};
static const char *const start_names[] = {"FREE", "RFID", "REMOTE", "APP"};

const char *evse_state_name(enum evse_state s)
{
	return (unsigned)s < EVSE_STATE_COUNT ? state_names[s] : "?";
}

const char *evse_state_ocpp_name(enum evse_state s)
{
	return (unsigned)s < EVSE_STATE_COUNT ? state_ocpp[s] : "Faulted";
}

const char *evse_stop_reason_name(enum evse_stop_reason r)
{
	return (unsigned)r < EVSE_STOP_COUNT ? stop_names[r] : "Other";
}

const char *evse_start_mode_name(enum evse_start_mode m)
{
	return (unsigned)m < 4 ? start_names[m] : "?";
}

const char *evse_cp_name(enum evse_cp cp)
{
	static const char *const names[EVSE_CP_COUNT] = {"A", "B", "C", "D", "E", "F", "invalid"};
	return (unsigned)cp < EVSE_CP_COUNT ? names[cp] : "invalid";
}

enum card_purpose { CARD_NONE, CARD_START, CARD_STOP, CARD_APP };

struct evse_charge {
	const struct evse_config *cfg;
	struct evse_hal hal;
	struct evse_charge_events ev;
	enum evse_state state;
	uint64_t state_since;
	uint64_t now;

	/* inputs of this cycle */
	enum evse_cp cp_raw, cp_stable;
	uint64_t cp_raw_since;
	double cp_volts;
	bool meter_ok;
	struct evse_meter meter;
	struct evse_temps temps;
	struct evse_leakage leak;
	int pp_a;
	bool pe_ok;
	bool remote_enable;
	unsigned relays; /* contactor feedback */
	bool lock_fb;
	bool fan_spinning;

	/* outputs */
	double duty;
	bool contactor;
	bool lock_want; /* the logic wants the lock closed; apply_outputs() decides when it opens */
	bool lock_cmd;
	bool fan;
	uint64_t withdraw_at; /* when the offer was withdrawn with the contactor closed; 0: not */

	struct evse_protect prot;
	struct evse_session session;
	double limits[EVSE_LIMIT_COUNT];
	struct evse_reservation resv;

	/* an authorisation waiting for the EV */
	bool auth_ok;
	char auth_id[EVSE_ID_MAX], auth_parent[EVSE_ID_MAX];
	enum evse_start_mode auth_mode;
	uint64_t auth_at;
	/* a card the authoriser answers later */
	enum card_purpose card;
	char card_id[EVSE_ID_MAX];
	/* the local app reads a card to write it to a slot: the next tap is only recorded */
	bool capture;
	bool captured;
	char captured_id[EVSE_ID_MAX];

	/* stop requested: PWM withdrawn, contactor to open, then the session ends */
	bool stopping;
	enum evse_stop_reason stop_why;

	bool available;
	bool avail_pending; /* a change of availability waits for the session's end */
	bool avail_next;
	bool power_lost;
	bool online;

	char message[32];
	uint64_t message_until;
	char display[32];
	struct evse_leds leds;
	bool leds_valid;
};

/* ---- the one state setter ---- */

static void set_state(struct evse_charge *c, enum evse_state to)
{
	enum evse_state from = c->state;
	if (from == to)
		return;
	c->state = to;
	c->state_since = c->now;
	WL_INFO(MOD, "%s -> %s", evse_state_name(from), evse_state_name(to));
	/* entry actions: every state but the three with a session offers nothing and keeps the relays open */
	switch (to) {
	case EVSE_STATE_CHARGING:
	case EVSE_STATE_SUSPENDED_EV:
	case EVSE_STATE_SUSPENDED_EVSE: break;
	case EVSE_STATE_FAULTED:
		c->duty = EVSE_DUTY_STOP; /* state F: EVSE not available */
		c->contactor = false;
		c->lock_want = false;
		break;
	default:
		c->duty = EVSE_DUTY_OFF;
		c->contactor = false;
		c->withdraw_at = 0;
		if (to != EVSE_STATE_PREPARING)
			c->lock_want = false;
		break;
	}
	if (c->ev.state)
		c->ev.state(c->ev.ctx, from, to, evse_protect_first(&c->prot));
}

/* ---- inputs ---- */

static bool ev_present(enum evse_cp cp)
{
	return cp == EVSE_CP_B || cp == EVSE_CP_C || cp == EVSE_CP_D;
}

static bool ev_ready(enum evse_cp cp)
{
	return cp == EVSE_CP_C || cp == EVSE_CP_D;
}

static void read_inputs(struct evse_charge *c)
{
	const struct evse_hal_ops *o = c->hal.ops;
	void *hw = c->hal.hw;

	enum evse_cp cp = o->cp_read(hw, &c->cp_volts);
	if (cp != c->cp_raw) {
		c->cp_raw = cp;
		c->cp_raw_since = c->now;
	}
	if (c->now - c->cp_raw_since >= EVSE_CP_STABLE_MS)
		c->cp_stable = c->cp_raw;
	c->meter_ok = o->meter_read(hw, &c->meter) == 0;
	o->temps_read(hw, &c->temps);
	o->leakage_read(hw, &c->leak);
	c->pp_a = o->pp_read(hw);
	c->pe_ok = o->pe_ok(hw);
	c->remote_enable = o->remote_enable(hw);
	c->relays = o->contactor_feedback(hw);
	c->lock_fb = o->lock_feedback(hw);
	c->fan_spinning = o->fan_spinning(hw);
}

static void protect_input(const struct evse_charge *c, struct evse_protect_input *in)
{
	*in = (struct evse_protect_input){
	    .cfg = c->cfg,
	    .meter_ok = c->meter_ok,
	    .meter = c->meter,
	    .temps = c->temps,
	    .leakage = c->leak,
	    .cp = c->cp_raw,
	    .pe_ok = c->pe_ok,
	    .pp_a = c->pp_a,
	    .contactor_cmd = c->contactor,
	    .contactor_fb = c->relays,
	    .lock_cmd = c->lock_cmd,
	    .lock_fb = c->lock_fb,
	    .fan_cmd = c->fan,
	    .fan_spinning = c->fan_spinning,
	    .offered_a = evse_pwm_amps(c->duty),
	};
}

static bool mains_off(const struct evse_charge *c)
{
	if (!c->meter_ok)
		return false;
	for (int p = 0; p < (c->cfg->phases == 1 ? 1 : 3); p++)
		if (c->meter.voltage_v[p] >= 50.0)
			return false;
	return true;
}

/* The current the EV may draw now: the lowest of the station's maximum, the cable (case B), and every
 * limit source; 0 when the remote enable contact is open. */
static double allowed_current(const struct evse_charge *c)
{
	double a = c->cfg->max_current_a;
	if (c->cfg->charging_case == EVSE_CASE_B && c->pp_a > 0 && c->pp_a < a)
		a = c->pp_a;
	for (int i = 0; i < EVSE_LIMIT_COUNT; i++)
		if (c->limits[i] >= 0.0 && c->limits[i] < a)
			a = c->limits[i];
	if (!c->remote_enable)
		a = 0.0;
	return a;
}

/* ---- sessions ---- */

static void start_session(struct evse_charge *c)
{
	memset(&c->session, 0, sizeof(c->session));
	c->session.active = true;
	snprintf(c->session.id_tag, sizeof(c->session.id_tag), "%s", c->auth_id);
	snprintf(c->session.parent, sizeof(c->session.parent), "%s", c->auth_parent);
	c->session.start_mode = c->auth_mode;
	c->session.start_ms = c->now;
	c->session.start_wh = c->meter.energy_wh;
	if (c->resv.active) { /* only the reservation's card gets here: it is used up */
		c->session.reserved = true;
		c->session.reservation_id = c->resv.id;
		c->resv.active = false;
	}
	c->auth_ok = false;
	c->stopping = false;
	WL_INFO(MOD, "session started for \"%s\" (%s) at %.0f Wh", c->session.id_tag,
	        evse_start_mode_name(c->session.start_mode), c->session.start_wh);
	if (c->ev.session_start)
		c->ev.session_start(c->ev.ctx, &c->session);
}

static void end_session(struct evse_charge *c, enum evse_stop_reason why)
{
	if (!c->session.active)
		return;
	c->session.energy_wh = c->meter.energy_wh - c->session.start_wh;
	c->session.active = false;
	c->stopping = false;
	WL_INFO(MOD, "session of \"%s\" ended (%s), %.0f Wh", c->session.id_tag, evse_stop_reason_name(why),
	        c->session.energy_wh);
	if (c->ev.session_stop)
		c->ev.session_stop(c->ev.ctx, &c->session, why, c->session.start_wh + c->session.energy_wh);
	if (c->avail_pending) {
		c->available = c->avail_next;
		c->avail_pending = false;
	}
}

/* Withdraws the offer; the contactor opens once the EV went back to B or after EVSE_STOP_OPEN_MS
 * (IEC 61851-1 A.6: the EVSE opens the supply if the EV does not stop drawing current). True when
 * the contactor is open. */
static bool withdraw(struct evse_charge *c)
{
	c->duty = EVSE_DUTY_OFF;
	if (!c->contactor)
		return true;
	if (!c->withdraw_at)
		c->withdraw_at = c->now ? c->now : 1;
	if (!ev_ready(c->cp_raw) || c->now - c->withdraw_at >= EVSE_STOP_OPEN_MS) {
		c->contactor = false;
		c->withdraw_at = 0;
		return true;
	}
	return false;
}

/* ---- cards ---- */

static void beep(struct evse_charge *c, bool good)
{
	c->hal.ops->beep(c->hal.hw, good ? 1 : 2);
}

static bool can_start(const struct evse_charge *c)
{
	return !c->session.active && c->available && !c->prot.tripped && !c->power_lost &&
	       (c->state == EVSE_STATE_AVAILABLE || c->state == EVSE_STATE_RESERVED ||
	        c->state == EVSE_STATE_PREPARING || c->state == EVSE_STATE_FINISHING);
}

/* While a reservation holds the connector only its card, or one with its parent id, may start. */
static bool reservation_allows(const struct evse_charge *c, const char *id, const char *parent)
{
	if (!c->resv.active || wl_idtag_same(id, c->resv.id_tag))
		return true;
	return c->resv.parent[0] && parent && parent[0] && wl_idtag_same(parent, c->resv.parent);
}

static void expire_reservation(struct evse_charge *c)
{
	if (c->resv.active && c->now >= c->resv.expires_ms) {
		WL_INFO(MOD, "reservation %lld of \"%s\" expired", (long long)c->resv.id, c->resv.id_tag);
		c->resv.active = false;
	}
}

static void accept_auth(struct evse_charge *c, const char *id, const char *parent, enum evse_start_mode m)
{
	c->auth_ok = true;
	snprintf(c->auth_id, sizeof(c->auth_id), "%s", id);
	snprintf(c->auth_parent, sizeof(c->auth_parent), "%s", parent ? parent : "");
	c->auth_mode = m;
	c->auth_at = c->now;
}

/* The card that started the session stops it; so does a card with the same parent. */
static bool stops_session(const struct evse_charge *c, const char *id, const char *parent)
{
	if (wl_idtag_same(id, c->session.id_tag))
		return true;
	return parent && parent[0] && c->session.parent[0] && wl_idtag_same(parent, c->session.parent);
}

static void handle_card(struct evse_charge *c)
{
	char uid[EVSE_ID_MAX], parent[EVSE_ID_MAX] = "";

	if (c->hal.ops->rfid_poll(c->hal.hw, uid, sizeof(uid)) != 1)
		return;
	WL_INFO(MOD, "card \"%s\" presented", uid);
	if (c->capture) {
		c->capture = false;
		c->captured = true;
		snprintf(c->captured_id, sizeof(c->captured_id), "%s", uid);
		beep(c, true);
		return;
	}
	if (c->cfg->mode == EVSE_MODE_FREE) {
		/* no authorisation in FREE mode: a tap stops the running session, else it means nothing */
		if (c->session.active) {
			beep(c, true);
			evse_charge_stop(c, EVSE_STOP_LOCAL, c->now);
		}
		return;
	}
	bool stop = c->session.active;
	if (!stop && !can_start(c)) {
		beep(c, false);
		return;
	}
	if (stop && wl_idtag_same(uid, c->session.id_tag)) {
		beep(c, true);
		evse_charge_stop(c, EVSE_STOP_LOCAL, c->now);
		return;
	}
	enum evse_auth a = c->ev.authorize ? c->ev.authorize(c->ev.ctx, uid, parent) : EVSE_AUTH_REJECTED;
	if (a == EVSE_AUTH_PENDING) {
		c->card = stop ? CARD_STOP : CARD_START;
		snprintf(c->card_id, sizeof(c->card_id), "%s", uid);
		return;
	}
	evse_charge_auth_result(c, uid, a == EVSE_AUTH_ACCEPTED, parent, c->now);
}

void evse_charge_auth_result(struct evse_charge *c, const char *id_tag, bool accepted, const char *parent,
                             uint64_t now_ms)
{
	c->now = now_ms > c->now ? now_ms : c->now;
	bool stop = c->session.active;
	enum evse_start_mode mode = EVSE_START_RFID;
	if (c->card != CARD_NONE) {
		if (strcmp(id_tag, c->card_id) != 0)
			return; /* an answer about another card */
		stop = c->card == CARD_STOP;
		mode = c->card == CARD_APP ? EVSE_START_APP : EVSE_START_RFID;
		c->card = CARD_NONE;
	}
	if (stop) {
		bool ok = accepted && c->session.active && stops_session(c, id_tag, parent);
		beep(c, ok);
		if (ok)
			evse_charge_stop(c, EVSE_STOP_LOCAL, now_ms);
		return;
	}
	if (!accepted || !can_start(c) || !reservation_allows(c, id_tag, parent)) {
		WL_INFO(MOD, "card \"%s\" refused", id_tag);
		beep(c, false);
		return;
	}
	beep(c, true);
	accept_auth(c, id_tag, parent, mode);
}

/* ---- the state machine ---- */

static enum evse_state idle_state(const struct evse_charge *c)
{
	if (!c->available || c->power_lost)
		return EVSE_STATE_UNAVAILABLE;
	if (c->resv.active && !c->auth_ok)
		return EVSE_STATE_RESERVED;
	if (ev_present(c->cp_stable) || c->auth_ok)
		return EVSE_STATE_PREPARING;
	return EVSE_STATE_AVAILABLE;
}

static void step_session(struct evse_charge *c)
{
	if (c->cp_raw == EVSE_CP_A) {
		/* the EV is gone: nothing to wait for, and no reading to confirm */
		c->cp_stable = EVSE_CP_A;
		c->contactor = false;
		c->duty = EVSE_DUTY_OFF;
		end_session(c, EVSE_STOP_EV_DISCONNECTED);
		set_state(c, idle_state(c));
		return;
	}
	if (c->stopping) {
		if (withdraw(c) && !(c->relays & (EVSE_RELAY_12 | EVSE_RELAY_3N))) {
			c->lock_want = false;
			end_session(c, c->stop_why);
			set_state(c, EVSE_STATE_FINISHING);
		}
		return;
	}
	double allowed = allowed_current(c);
	if (allowed < EVSE_MIN_CURRENT_A) {
		/* suspended, not ended: the session resumes when current is allowed again */
		withdraw(c);
		set_state(c, EVSE_STATE_SUSPENDED_EVSE);
		return;
	}
	c->duty = evse_pwm_duty(allowed);
	c->withdraw_at = 0;
	if (c->contactor) {
		if (!ev_ready(c->cp_raw)) {
			c->contactor = false; /* the EV paused (C -> B) */
			set_state(c, EVSE_STATE_SUSPENDED_EV);
		} else {
			set_state(c, EVSE_STATE_CHARGING);
		}
	} else if (ev_ready(c->cp_stable) && ev_ready(c->cp_raw)) {
		c->contactor = true; /* B -> C after a stable reading */
		set_state(c, EVSE_STATE_CHARGING);
	} else {
		set_state(c, EVSE_STATE_SUSPENDED_EV);
	}
}

static void step(struct evse_charge *c)
{
	switch (c->state) {
	case EVSE_STATE_SELFTEST:
		if (c->now - c->state_since >= EVSE_SELFTEST_MS)
			set_state(c, idle_state(c));
		break;
	case EVSE_STATE_AVAILABLE:
	case EVSE_STATE_RESERVED:
	case EVSE_STATE_UNAVAILABLE: set_state(c, idle_state(c)); break;
	case EVSE_STATE_PREPARING:
		if (c->auth_ok && !ev_present(c->cp_stable) && c->now - c->auth_at >= EVSE_AUTH_WAIT_MS) {
			WL_INFO(MOD, "authorisation of \"%s\" expired: no EV plugged", c->auth_id);
			c->auth_ok = false;
		}
		if (c->cfg->mode == EVSE_MODE_FREE && ev_present(c->cp_stable) && !c->auth_ok)
			accept_auth(c, "FREE", "", EVSE_START_FREE);
		c->lock_want = c->cfg->charging_case == EVSE_CASE_B && ev_present(c->cp_stable);
		if (idle_state(c) != EVSE_STATE_PREPARING) {
			set_state(c, idle_state(c));
		} else if (c->auth_ok && ev_present(c->cp_stable) &&
		           (c->cfg->charging_case == EVSE_CASE_C || c->lock_fb)) {
			start_session(c);
			step_session(c);
		}
		break;
	case EVSE_STATE_CHARGING:
	case EVSE_STATE_SUSPENDED_EV:
	case EVSE_STATE_SUSPENDED_EVSE: step_session(c); break;
	case EVSE_STATE_FINISHING:
		if (c->cp_raw == EVSE_CP_A)
			c->cp_stable = EVSE_CP_A; /* unplugged: Finishing -> Available, no Preparing in between */
		if (c->cp_raw == EVSE_CP_A || c->auth_ok || !c->available)
			set_state(c, idle_state(c));
		break;
	case EVSE_STATE_FAULTED:
		if (!c->prot.tripped)
			set_state(c, idle_state(c));
		break;
	case EVSE_STATE_COUNT: break;
	}
}

/* ---- outputs ---- */

static void apply_outputs(struct evse_charge *c)
{
	const struct evse_hal_ops *o = c->hal.ops;
	void *hw = c->hal.hw;

	/* invariants: never close on a trip, a power loss, or without the EV asking for it */
	if (c->prot.tripped || c->power_lost || !ev_ready(c->cp_raw))
		c->contactor = false;
	if (c->prot.tripped)
		c->duty = EVSE_DUTY_STOP;
	o->cp_set_duty(hw, c->duty);
	o->contactor_set(hw, c->contactor);
	/* the lock opens only once every relay reports open */
	if (c->lock_want)
		c->lock_cmd = true;
	else if (!c->contactor && !(o->contactor_feedback(hw) & (EVSE_RELAY_12 | EVSE_RELAY_3N)))
		c->lock_cmd = false;
	if (c->cfg->charging_case == EVSE_CASE_C)
		c->lock_cmd = false;
	o->lock_set(hw, c->lock_cmd);
	c->fan = c->contactor || c->temps.relay_c > 50.0;
	o->fan_set(hw, c->fan);
}

static void display_input(const struct evse_charge *c, struct evse_display_input *in)
{
	*in = (struct evse_display_input){
	    .state = c->state,
	    .meter_ok = c->meter_ok,
	    .meter = &c->meter,
	    .session = c->session.active,
	    .session_kwh = c->session.active ? (c->meter.energy_wh - c->session.start_wh) / 1000.0 : 0.0,
	    .session_minutes = c->session.active ? (uint32_t)((c->now - c->session.start_ms) / 60000u) : 0,
	    .trips = c->prot.tripped,
	    .message = c->now < c->message_until ? c->message : NULL,
	    .ev_connected = ev_present(c->cp_raw),
	    .networked = c->cfg->ocpp_url[0] != '\0',
	    .online = c->online,
	};
}

static void refresh_front(struct evse_charge *c)
{
	struct evse_display_input in;
	char text[32];
	struct evse_leds leds;

	display_input(c, &in);
	evse_display_text(&in, c->now, text, sizeof(text));
	if (strcmp(text, c->display) != 0) {
		snprintf(c->display, sizeof(c->display), "%s", text);
		c->hal.ops->display_show(c->hal.hw, text);
	}
	memset(&leds, 0, sizeof(leds));
	evse_display_leds(&in, &leds);
	if (!c->leds_valid || memcmp(&leds, &c->leds, sizeof(leds)) != 0) {
		c->leds = leds;
		c->leds_valid = true;
		c->hal.ops->leds_set(c->hal.hw, &leds);
	}
}

static void handle_power(struct evse_charge *c)
{
	bool off = mains_off(c);
	if (off && !c->power_lost) {
		/* save-unlock: open the relays and release the plug before the supply is gone (case B) */
		WL_WARN(MOD, "mains lost: opening the contactor and releasing the plug");
		c->power_lost = true;
		c->contactor = false;
		c->duty = EVSE_DUTY_OFF;
		c->lock_want = false;
		end_session(c, EVSE_STOP_POWER_LOSS);
		set_state(c, EVSE_STATE_UNAVAILABLE);
	} else if (!off && c->power_lost) {
		WL_INFO(MOD, "mains back");
		c->power_lost = false;
		set_state(c, EVSE_STATE_SELFTEST);
	}
}

static void handle_button(struct evse_charge *c)
{
	bool long_press = false;
	if (c->hal.ops->button_poll(c->hal.hw, &long_press) == 0 || !c->prot.tripped)
		return;
	/* the only way a trip is cleared: a person at the station, once the condition is gone */
	struct evse_protect_input in;
	protect_input(c, &in);
	uint32_t left = evse_protect_acknowledge(&c->prot, &in);
	WL_INFO(MOD, "faults acknowledged locally, %s", left ? "some are still present" : "all cleared");
}

void evse_charge_tick(struct evse_charge *c, uint64_t now_ms)
{
	struct evse_protect_input in;

	c->now = now_ms > c->now ? now_ms : c->now;
	read_inputs(c);
	handle_power(c);
	handle_button(c);
	protect_input(c, &in);
	uint32_t fresh = evse_protect_scan(&c->prot, &in, c->now);
	if (fresh) {
		for (int p = 0; p < EVSE_PROT_COUNT; p++) {
			if (!(fresh >> p & 1u))
				continue;
			WL_WARN(MOD, "protection %s tripped: %s", evse_protect_display((enum evse_protection)p),
			        evse_protect_what((enum evse_protection)p));
			if (c->ev.trip)
				c->ev.trip(c->ev.ctx, (enum evse_protection)p);
		}
		c->contactor = false;
		c->auth_ok = false;
		end_session(c, EVSE_STOP_OTHER);
		set_state(c, EVSE_STATE_FAULTED);
	}
	expire_reservation(c);
	if (!c->power_lost)
		handle_card(c);
	step(c);
	apply_outputs(c);
	refresh_front(c);
}

/* ---- life cycle and commands ---- */

struct evse_charge *evse_charge_new(const struct evse_config *cfg, struct evse_hal hal,
                                    const struct evse_charge_events *ev, uint64_t now_ms)
{
	struct evse_charge *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cfg = cfg;
	c->hal = hal;
	if (ev)
		c->ev = *ev;
	c->now = now_ms;
	c->state = EVSE_STATE_SELFTEST;
	c->state_since = now_ms;
	c->duty = EVSE_DUTY_OFF;
	c->available = true;
	c->cp_raw = c->cp_stable = EVSE_CP_A;
	c->cp_raw_since = now_ms;
	for (int i = 0; i < EVSE_LIMIT_COUNT; i++)
		c->limits[i] = -1.0;
	return c;
}

void evse_charge_free(struct evse_charge *c)
{
	free(c);
}

bool evse_charge_can_authorize(const struct evse_charge *c, const char *id_tag, const char *parent)
{
	return can_start(c) && reservation_allows(c, id_tag, parent);
}

int evse_charge_authorize(struct evse_charge *c, const char *id_tag, const char *parent, enum evse_start_mode m,
                          uint64_t now_ms)
{
	c->now = now_ms > c->now ? now_ms : c->now;
	if (!evse_charge_can_authorize(c, id_tag, parent))
		return -1;
	accept_auth(c, id_tag, parent, m);
	return 0;
}

int evse_charge_app_authorize(struct evse_charge *c, const char *id_tag, uint64_t now_ms)
{
	char parent[EVSE_ID_MAX] = "";
	c->now = now_ms > c->now ? now_ms : c->now;
	if (!can_start(c) || c->auth_ok || c->card != CARD_NONE)
		return -1;
	enum evse_auth a = c->ev.authorize ? c->ev.authorize(c->ev.ctx, id_tag, parent) : EVSE_AUTH_REJECTED;
	if (a == EVSE_AUTH_PENDING) {
		c->card = CARD_APP;
		snprintf(c->card_id, sizeof(c->card_id), "%s", id_tag);
		return 1;
	}
	if (a != EVSE_AUTH_ACCEPTED || !reservation_allows(c, id_tag, parent))
		return -2;
	accept_auth(c, id_tag, parent, EVSE_START_APP);
	return 0;
}

void evse_charge_capture_card(struct evse_charge *c, bool on)
{
	c->capture = on;
	c->captured = false;
}

bool evse_charge_captured_card(struct evse_charge *c, char *uid, size_t cap)
{
	if (!c->captured)
		return false;
	c->captured = false;
	snprintf(uid, cap, "%s", c->captured_id);
	return true;
}

int evse_charge_stop(struct evse_charge *c, enum evse_stop_reason why, uint64_t now_ms)
{
	c->now = now_ms > c->now ? now_ms : c->now;
	if (!c->session.active) {
		if (!c->auth_ok)
			return -1;
		c->auth_ok = false; /* an authorisation still waiting for its EV */
		return 0;
	}
	if (!c->stopping) {
		c->stopping = true;
		c->stop_why = why;
	}
	return 0;
}

void evse_charge_set_limit(struct evse_charge *c, enum evse_limit_source src, double amps)
{
	if ((unsigned)src < EVSE_LIMIT_COUNT)
		c->limits[src] = amps;
}

int evse_charge_set_available(struct evse_charge *c, bool available, uint64_t now_ms)
{
	c->now = now_ms > c->now ? now_ms : c->now;
	if (c->session.active && !available) {
		c->avail_pending = true;
		c->avail_next = available;
		return 1;
	}
	c->avail_pending = false;
	c->available = available;
	return 0;
}

bool evse_charge_unlock(struct evse_charge *c, uint64_t now_ms)
{
	if (c->session.active)
		evse_charge_stop(c, EVSE_STOP_UNLOCK, now_ms);
	c->lock_want = false;
	return !c->session.active;
}

enum evse_reserve evse_charge_reserve(struct evse_charge *c, const struct evse_reservation *r, uint64_t now_ms)
{
	c->now = now_ms > c->now ? now_ms : c->now;
	if (c->prot.tripped || c->state == EVSE_STATE_FAULTED)
		return EVSE_RESERVE_FAULTED;
	if (!c->available || c->power_lost || c->state == EVSE_STATE_UNAVAILABLE || c->state == EVSE_STATE_SELFTEST)
		return EVSE_RESERVE_UNAVAILABLE;
	if (r->expires_ms <= c->now)
		return EVSE_RESERVE_REJECTED;
	bool replaces = c->resv.active && c->resv.id == r->id;
	if (!replaces && (c->resv.active || c->session.active || c->auth_ok || ev_present(c->cp_stable)))
		return EVSE_RESERVE_OCCUPIED;
	c->resv = *r;
	c->resv.active = true;
	WL_INFO(MOD, "reservation %lld for \"%s\" accepted", (long long)r->id, r->id_tag);
	return EVSE_RESERVE_ACCEPTED;
}

int evse_charge_cancel_reservation(struct evse_charge *c, int64_t id, uint64_t now_ms)
{
	c->now = now_ms > c->now ? now_ms : c->now;
	if (!c->resv.active || c->resv.id != id)
		return -1;
	c->resv.active = false;
	WL_INFO(MOD, "reservation %lld cancelled", (long long)id);
	return 0;
}

const struct evse_reservation *evse_charge_reservation(const struct evse_charge *c)
{
	return c->resv.active ? &c->resv : NULL;
}

void evse_charge_show_message(struct evse_charge *c, const char *text, uint32_t ms, uint64_t now_ms)
{
	snprintf(c->message, sizeof(c->message), "%s", text);
	c->message_until = now_ms + ms;
}

void evse_charge_set_online(struct evse_charge *c, bool online)
{
	c->online = online;
}

enum evse_state evse_charge_state(const struct evse_charge *c)
{
	return c->state;
}

const struct evse_session *evse_charge_session(const struct evse_charge *c)
{
	return &c->session;
}

uint32_t evse_charge_trips(const struct evse_charge *c)
{
	return c->prot.tripped;
}

double evse_charge_offered(const struct evse_charge *c)
{
	return evse_pwm_amps(c->duty);
}

double evse_charge_limit(const struct evse_charge *c)
{
	return allowed_current(c);
}

void evse_charge_status(const struct evse_charge *c, uint64_t now_ms, struct evse_status *st)
{
	memset(st, 0, sizeof(*st));
	st->state = c->state;
	st->cp = c->cp_raw;
	st->cp_volts = c->cp_volts;
	st->duty_pct = c->duty;
	st->contactor = c->relays != 0;
	st->locked = c->lock_fb;
	st->fan = c->fan_spinning;
	st->meter_ok = c->meter_ok;
	st->meter = c->meter;
	st->temps = c->temps;
	st->offered_a = evse_pwm_amps(c->duty);
	st->limit_a = allowed_current(c);
	st->trips = c->prot.tripped;
	snprintf(st->display, sizeof(st->display), "%s", c->display);
	st->leds = c->leds;
	st->session = c->session;
	if (c->session.active) {
		st->session.energy_wh = c->meter.energy_wh - c->session.start_wh;
		st->session_minutes = (uint32_t)((now_ms - c->session.start_ms) / 60000u);
	}
	st->available = c->available;
	st->authorized_waiting = c->auth_ok;
}

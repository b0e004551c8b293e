/* evse_sim.c — simulated grid, station devices and EV behind the hardware layer. The EV follows the pilot
 * like a real one: it closes S2 when current is offered and it wants energy, follows a new offer after
 * its response time, and opens S2 when the offer is withdrawn or its battery is full. */
#include "evse_sim.h"

#include "evse_pwm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fault_names[EVSE_SIM_FAULT_COUNT] = {
#define X(id, name, what) [EVSE_SIM_FAULT_##id] = name,
    EVSE_SIM_FAULTS(X)
#undef X
};

struct evse_sim {
	struct evse_sim_grid grid;
	struct evse_sim_ev ev;
	uint64_t now_ms;
	bool power;
	unsigned faults;

	/* station side */
	double duty_pct;
	bool contactor_cmd;
	unsigned welded; /* relays that stayed closed (welded) */
	bool lock_cmd;
	bool fan_cmd;
	char display[32];
	struct evse_leds leds;
	unsigned beeps_total, last_beep;
	char card[33];
	bool card_pending;
	unsigned presses;
	bool long_press;

	/* EV side */
	bool plugged;
	bool demand;
	bool s2;
	double offer_a;       /* offer the EV currently follows */
	double pending_offer; /* offer it sees but has not reacted to yet */
	uint64_t offer_seen_ms;
	double current_a;
	double energy_wh;
};

const char *evse_sim_fault_name(enum evse_sim_fault f)
{
	return (unsigned)f < EVSE_SIM_FAULT_COUNT ? fault_names[f] : "?";
}

int evse_sim_fault_parse(const char *name)
{
	for (int i = 0; i < EVSE_SIM_FAULT_COUNT; i++)
		if (strcmp(name, fault_names[i]) == 0)
			return i;
	return -1;
}

static bool has_fault(const struct evse_sim *s, enum evse_sim_fault f)
{
	return (s->faults >> f) & 1u;
}

static int station_phases(const struct evse_sim *s)
{
	return s->grid.phases == 1 ? 1 : 3;
}

static double phase_voltage(const struct evse_sim *s, int phase)
{
	if (!s->power || phase >= station_phases(s))
		return 0.0;
	if (phase == 2 && has_fault(s, EVSE_SIM_FAULT_MIS))
		return 0.0;
	if (has_fault(s, EVSE_SIM_FAULT_OVP))
		return 270.0;
	if (has_fault(s, EVSE_SIM_FAULT_LVP))
		return 180.0;
	return s->grid.voltage_v;
}

static unsigned relays_closed(const struct evse_sim *s)
{
	return (s->contactor_cmd ? EVSE_RELAY_12 | EVSE_RELAY_3N : 0u) | s->welded;
}

static bool ev_wants(const struct evse_sim *s)
{
	return s->plugged && s->demand && s->ev.soc < 1.0;
}

/* ---- the hardware layer ---- */

static enum evse_cp sim_cp_read(void *hw, double *volts)
{
	struct evse_sim *s = hw;
	enum evse_cp cp;
	static const double plateau[EVSE_CP_COUNT] = {12.0, 9.0, 6.0, 3.0, 0.0, -12.0, 1.5};

	if (!s->power || has_fault(s, EVSE_SIM_FAULT_CP))
		cp = EVSE_CP_E;
	else if (s->duty_pct <= EVSE_DUTY_STOP)
		cp = EVSE_CP_F;
	else if (!s->plugged)
		cp = EVSE_CP_A;
	else if (!s->s2)
		cp = EVSE_CP_B;
	else
		cp = s->ev.ventilation ? EVSE_CP_D : EVSE_CP_C;
	if (volts)
		*volts = plateau[cp];
	return cp;
}

static void sim_cp_set_duty(void *hw, double duty)
{
	struct evse_sim *s = hw;
	s->duty_pct = duty;
}

static int sim_pp_read(void *hw)
{
	struct evse_sim *s = hw;
	if (has_fault(s, EVSE_SIM_FAULT_PP))
		return 0;
	if (s->grid.tethered_a)
		return s->grid.tethered_a;
	return s->plugged ? s->ev.cable_a : 0;
}

static void sim_contactor_set(void *hw, bool closed)
{
	struct evse_sim *s = hw;
	/* a welded relay reveals itself when it fails to open */
	if (s->contactor_cmd && !closed) {
		if (has_fault(s, EVSE_SIM_FAULT_R12))
			s->welded |= EVSE_RELAY_12;
		if (has_fault(s, EVSE_SIM_FAULT_R3N))
			s->welded |= EVSE_RELAY_3N;
	}
	s->contactor_cmd = closed;
}

static unsigned sim_contactor_feedback(void *hw)
{
	return relays_closed(hw);
}

static void sim_lock_set(void *hw, bool locked)
{
	struct evse_sim *s = hw;
	s->lock_cmd = locked;
}

static bool sim_lock_feedback(void *hw)
{
	struct evse_sim *s = hw;
	return s->lock_cmd && !has_fault(s, EVSE_SIM_FAULT_ELK);
}

static int sim_rfid_poll(void *hw, char *uid, size_t cap)
{
	struct evse_sim *s = hw;
	if (!s->card_pending || cap == 0)
		return 0;
	snprintf(uid, cap, "%s", s->card);
	s->card_pending = false;
	return 1;
}

static void measure(const struct evse_sim *s, struct evse_meter *m)
{
	memset(m, 0, sizeof(*m));
	for (int p = 0; p < EVSE_PHASES; p++) {
		m->voltage_v[p] = phase_voltage(s, p);
		bool live = (relays_closed(s) & EVSE_RELAY_12) && m->voltage_v[p] > 0.0;
		bool ev_phase = p < (s->ev.phases == 1 ? 1 : 3);
		m->current_a[p] = live && ev_phase ? s->current_a : 0.0;
		m->power_w[p] = m->voltage_v[p] * m->current_a[p];
	}
	m->frequency_hz = s->power ? s->grid.frequency_hz : 0.0;
	m->energy_wh = s->energy_wh;
}

static int sim_meter_read(void *hw, struct evse_meter *m)
{
	struct evse_sim *s = hw;
	if (has_fault(s, EVSE_SIM_FAULT_MET))
		return -1;
	measure(s, m);
	return 0;
}

static void sim_temps_read(void *hw, struct evse_temps *t)
{
	struct evse_sim *s = hw;
	double load = s->current_a / 32.0;
	t->ambient_c = 25.0;
	t->relay_c = has_fault(s, EVSE_SIM_FAULT_ROT) ? 100.0 : 30.0 + 15.0 * load;
	t->plug_c = has_fault(s, EVSE_SIM_FAULT_OCT) ? 100.0 : 27.0 + 10.0 * load;
}

static void sim_leakage_read(void *hw, struct evse_leakage *l)
{
	struct evse_sim *s = hw;
	l->dc_ma = has_fault(s, EVSE_SIM_FAULT_IRD) ? 8.0 : 0.0;
	l->rcd_tripped = false;
}

static void sim_fan_set(void *hw, bool on)
{
	struct evse_sim *s = hw;
	s->fan_cmd = on;
}

static bool sim_fan_spinning(void *hw)
{
	struct evse_sim *s = hw;
	return s->fan_cmd && !has_fault(s, EVSE_SIM_FAULT_FAN);
}

static bool sim_pe_ok(void *hw)
{
	return !has_fault(hw, EVSE_SIM_FAULT_PE);
}

static bool sim_remote_enable(void *hw)
{
	(void)hw;
	return true;
}

static void sim_display_show(void *hw, const char *text)
{
	struct evse_sim *s = hw;
	snprintf(s->display, sizeof(s->display), "%s", text);
}

static void sim_leds_set(void *hw, const struct evse_leds *leds)
{
	struct evse_sim *s = hw;
	s->leds = *leds;
}

static void sim_beep(void *hw, unsigned count)
{
	struct evse_sim *s = hw;
	s->beeps_total++;
	s->last_beep = count;
}

static unsigned sim_button_poll(void *hw, bool *long_press)
{
	struct evse_sim *s = hw;
	unsigned n = s->presses;
	if (long_press)
		*long_press = s->long_press;
	s->presses = 0;
	s->long_press = false;
	return n;
}

static const struct evse_hal_ops sim_ops = {
    .cp_read = sim_cp_read,
    .cp_set_duty = sim_cp_set_duty,
    .pp_read = sim_pp_read,
    .contactor_set = sim_contactor_set,
    .contactor_feedback = sim_contactor_feedback,
    .lock_set = sim_lock_set,
    .lock_feedback = sim_lock_feedback,
    .rfid_poll = sim_rfid_poll,
    .meter_read = sim_meter_read,
    .temps_read = sim_temps_read,
    .leakage_read = sim_leakage_read,
    .fan_set = sim_fan_set,
    .fan_spinning = sim_fan_spinning,
    .pe_ok = sim_pe_ok,
    .remote_enable = sim_remote_enable,
    .display_show = sim_display_show,
    .leds_set = sim_leds_set,
    .beep = sim_beep,
    .button_poll = sim_button_poll,
};

/* ---- life cycle and physics ---- */

struct evse_sim *evse_sim_new(const struct evse_sim_grid *grid, uint64_t now_ms)
{
	struct evse_sim *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	if (grid)
		s->grid = *grid;
	if (s->grid.voltage_v <= 0.0)
		s->grid.voltage_v = 230.0;
	if (s->grid.frequency_hz <= 0.0)
		s->grid.frequency_hz = 50.0;
	if (s->grid.phases != 1)
		s->grid.phases = 3;
	s->now_ms = now_ms;
	s->power = true;
	s->duty_pct = EVSE_DUTY_OFF;
	return s;
}

void evse_sim_free(struct evse_sim *sim)
{
	free(sim);
}

struct evse_hal evse_sim_hal(struct evse_sim *sim)
{
	return (struct evse_hal){.ops = &sim_ops, .hw = sim};
}

void evse_sim_step(struct evse_sim *s, uint64_t now_ms)
{
	if (now_ms < s->now_ms)
		now_ms = s->now_ms;
	double dt_h = (double)(now_ms - s->now_ms) / 3600000.0;

	/* energy delivered since the last step, at the current the EV drew */
	if (dt_h > 0.0 && s->current_a > 0.0) {
		struct evse_meter m;
		double w = 0.0;
		measure(s, &m);
		for (int p = 0; p < EVSE_PHASES; p++)
			w += m.power_w[p];
		s->energy_wh += w * dt_h;
		if (s->plugged) {
			s->ev.soc += w * dt_h / s->ev.capacity_wh;
			if (s->ev.soc > 1.0)
				s->ev.soc = 1.0;
		}
	}
	s->now_ms = now_ms;

	/* the EV sees the offer and reacts after its response time */
	double offer = s->plugged && s->power ? evse_pwm_amps(s->duty_pct) : 0.0;
	if (fabs(offer - s->pending_offer) > 0.01) {
		s->pending_offer = offer;
		s->offer_seen_ms = now_ms;
	}
	if (now_ms - s->offer_seen_ms >= s->ev.response_ms)
		s->offer_a = s->pending_offer;

	/* S2 closes once the EV follows an offer and wants energy; it opens as soon as it stops wanting */
	s->s2 = ev_wants(s) && s->offer_a > 0.0;

	bool live = s->power && (relays_closed(s) & EVSE_RELAY_12) && s->s2;
	if (!live) {
		s->current_a = 0.0;
	} else if (has_fault(s, EVSE_SIM_FAULT_OCP)) {
		s->current_a = s->offer_a * 1.5 + 5.0;
	} else {
		double want = s->ev.max_current_a;
		s->current_a = s->offer_a < want ? s->offer_a : want;
	}
}

void evse_sim_plug(struct evse_sim *s, const struct evse_sim_ev *ev)
{
	if (ev)
		s->ev = *ev;
	else
		memset(&s->ev, 0, sizeof(s->ev));
	if (s->ev.capacity_wh <= 0.0)
		s->ev.capacity_wh = 60000.0;
	if (s->ev.max_current_a <= 0.0)
		s->ev.max_current_a = 32.0;
	if (s->ev.phases != 1)
		s->ev.phases = 3;
	if (s->ev.cable_a == 0)
		s->ev.cable_a = 32;
	if (s->ev.response_ms == 0)
		s->ev.response_ms = 1000;
	s->plugged = true;
	s->demand = true;
	s->s2 = false;
	s->offer_a = s->pending_offer = 0.0;
	s->offer_seen_ms = s->now_ms;
}

void evse_sim_unplug(struct evse_sim *s)
{
	s->plugged = false;
	s->s2 = false;
	s->current_a = 0.0;
}

void evse_sim_ev_demand(struct evse_sim *s, bool on)
{
	s->demand = on;
}

void evse_sim_tap(struct evse_sim *s, const char *uid)
{
	snprintf(s->card, sizeof(s->card), "%s", uid);
	s->card_pending = true;
}

void evse_sim_press(struct evse_sim *s, bool long_press)
{
	s->presses++;
	s->long_press = s->long_press || long_press;
}

void evse_sim_fault(struct evse_sim *s, enum evse_sim_fault f, bool on)
{
	if ((unsigned)f >= EVSE_SIM_FAULT_COUNT)
		return;
	if (on) {
		s->faults |= 1u << f;
	} else {
		s->faults &= ~(1u << f);
		if (f == EVSE_SIM_FAULT_R12)
			s->welded &= ~EVSE_RELAY_12; /* repaired */
		if (f == EVSE_SIM_FAULT_R3N)
			s->welded &= ~EVSE_RELAY_3N;
	}
}

void evse_sim_power(struct evse_sim *s, bool on)
{
	s->power = on;
}

void evse_sim_view(const struct evse_sim *s, struct evse_sim_view *v)
{
	memset(v, 0, sizeof(*v));
	v->duty_pct = s->duty_pct;
	v->contactor_cmd = s->contactor_cmd;
	v->contactor_fb = relays_closed(s);
	v->lock_cmd = s->lock_cmd;
	v->fan_cmd = s->fan_cmd;
	snprintf(v->display, sizeof(v->display), "%s", s->display);
	v->leds = s->leds;
	v->beeps_total = s->beeps_total;
	v->last_beep = s->last_beep;
	v->plugged = s->plugged;
	v->ev_s2 = s->s2;
	v->ev_demand = s->demand;
	v->ev_current_a = s->current_a;
	v->ev_soc = s->ev.soc;
	v->energy_wh = s->energy_wh;
	v->power = s->power;
	v->faults = s->faults;
}

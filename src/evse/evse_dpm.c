/* evse_dpm.c — dynamic power management: the control law per mode (what the contract and the sun leave the
 * EV), the hysteresis of the renewable modes, the gradual increase, the meter-fault fall-back. Pure. */
#include "evse_dpm.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const mode_names[] = {
#define X(id, name) name,
    EVSE_DPM_MODES(X)
#undef X
};

static const char *const reason_texts[] = {
#define X(id, text) text,
    EVSE_DPM_REASONS(X)
#undef X
};

/* Bounds of a plausible reading: no household connection sees more. */
#define MAX_VOLTS 500.0
#define MAX_AMPS  1000.0
#define MAX_WATTS 500000.0
#define MAX_PV_W  1000000.0

const char *evse_dpm_mode_name(enum evse_dpm_mode m)
{
	return (unsigned)m < EVSE_DPM_MODE_COUNT ? mode_names[m] : "?";
}

int evse_dpm_mode_parse(const char *s)
{
	for (int i = 0; i < EVSE_DPM_MODE_COUNT; i++)
		if (strcasecmp(s, mode_names[i]) == 0)
			return i;
	return -1;
}

const char *evse_dpm_reason_text(enum evse_dpm_reason r)
{
	return (unsigned)r < EVSE_DPM_WHY_COUNT ? reason_texts[r] : "?";
}

void evse_dpm_defaults(struct evse_dpm_settings *s)
{
	*s = (struct evse_dpm_settings){
	    .mode = EVSE_DPM_FULL,
	    .renewable = false,
	    .limit_a = 16.0,
	    .limit_w = 0.0,
	    .max_a = 32.0,
	    .phases = 3,
	    .volts = 230.0,
	    .min_grid_w = 1400.0,
	    .safe_a = 0.0,
	    .ramp_a_s = 1.0,
	    .fault_ms = 10000,
	    .start_ms = 60000,
	    .stop_ms = 300000,
	    .min_on_ms = 120000,
	    .min_off_ms = 60000,
	    .margin_a = 1.0,
	    .max_switches_h = 6,
	};
}

int evse_dpm_check(const struct evse_dpm_settings *s, char *err, size_t errcap)
{
	if ((s->mode == EVSE_DPM_ECOSMART || s->mode == EVSE_DPM_ECOPLUS) && !s->renewable) {
		snprintf(err, errcap, "dpm_mode: %s needs a renewable source (dpm_renewable = true)",
		         evse_dpm_mode_name(s->mode));
		return -1;
	}
	if ((unsigned)s->mode >= EVSE_DPM_MODE_COUNT) {
		snprintf(err, errcap, "dpm_mode: %d is not a mode", (int)s->mode);
		return -1;
	}
	if (s->phases != 1 && s->phases != 3) {
		snprintf(err, errcap, "phases: %d is not 1 or 3", s->phases);
		return -1;
	}
	if (!(s->limit_a >= EVSE_DPM_MIN_A && s->limit_a <= MAX_AMPS)) {
		snprintf(err, errcap, "dpm_limit: %g A out of range (6..1000)", s->limit_a);
		return -1;
	}
	if (!(s->limit_w == 0.0 || (s->limit_w >= 1000.0 && s->limit_w <= MAX_WATTS))) {
		snprintf(err, errcap, "dpm_limit_w: %g W out of range (0 or 1000..500000)", s->limit_w);
		return -1;
	}
	if (!(s->safe_a == 0.0 || (s->safe_a >= EVSE_DPM_MIN_A && s->safe_a <= s->max_a))) {
		snprintf(err, errcap, "dpm_safe_current: %g A is not 0 or 6..%g", s->safe_a, s->max_a);
		return -1;
	}
	if (!(s->margin_a >= 0.0 && s->margin_a <= 5.0) || s->max_switches_h > 60) {
		snprintf(err, errcap, "dpm: margin %g A (0..5) or switching budget %u/h (0..60) out of range",
		         s->margin_a, s->max_switches_h);
		return -1;
	}
	if (!(s->min_grid_w >= 0.0 && s->min_grid_w <= MAX_WATTS) || !(s->ramp_a_s > 0.0) || !(s->volts > 0.0) ||
	    s->fault_ms == 0) {
		snprintf(err, errcap,
		         "dpm: min grid share %g W, ramp %g A/s, voltage %g V or fault time %u ms out of range",
		         s->min_grid_w, s->ramp_a_s, s->volts, (unsigned)s->fault_ms);
		return -1;
	}
	return 0;
}

int evse_dpm_plausible(const struct evse_dpm_reading *r, int phases, char *err, size_t errcap)
{
	for (int p = 0; p < phases && p < EVSE_DPM_PHASES; p++) {
		double v = r->volts[p], a = r->amps[p], w = r->watts[p];
		if (!isfinite(v) || !isfinite(a) || !isfinite(w)) {
			snprintf(err, errcap, "l%d: not a number (%g v, %g a, %g w)", p + 1, v, a, w);
			return -1;
		}
		if (a < 0.0) {
			snprintf(err, errcap, "l%d current %g a is negative", p + 1, a);
			return -1;
		}
		if (v < 0.0 || v > MAX_VOLTS || a > MAX_AMPS || fabs(w) > MAX_WATTS) {
			snprintf(err, errcap, "l%d: implausible %g v, %g a, %g w", p + 1, v, a, w);
			return -1;
		}
	}
	if (r->has_pv && (!isfinite(r->pv_w) || r->pv_w < -1000.0 || r->pv_w > MAX_PV_W)) {
		snprintf(err, errcap, "pv: implausible %g w", r->pv_w);
		return -1;
	}
	return 0;
}

void evse_dpm_init(struct evse_dpm *d, const struct evse_dpm_settings *s, uint64_t now_ms)
{
	memset(d, 0, sizeof(*d));
	d->set = *s;
	d->ok_ms = now_ms;
	d->last_feed_ms = now_ms;
	d->switch_ms = now_ms;
	d->reason = EVSE_DPM_WHY_NO_READING;
}

void evse_dpm_configure(struct evse_dpm *d, const struct evse_dpm_settings *s)
{
	d->set = *s;
	if (d->offered > s->max_a)
		d->offered = s->max_a;
}

static void set_on(struct evse_dpm *d, bool on, uint64_t now_ms)
{
	if (d->on == on)
		return;
	d->on = on;
	d->switch_ms = now_ms;
	d->cond_ms = 0;
	d->switch_log[d->switches % EVSE_DPM_SWITCH_LOG] = now_ms;
	d->switches++;
}

unsigned evse_dpm_switches_last_hour(const struct evse_dpm *d, uint64_t now_ms)
{
	unsigned n = 0;
	uint32_t kept = d->switches < EVSE_DPM_SWITCH_LOG ? d->switches : EVSE_DPM_SWITCH_LOG;
	for (uint32_t i = 0; i < kept; i++)
		if (now_ms - d->switch_log[i] < 3600000u)
			n++;
	return n;
}

/* Room in the switching budget for n more operations. Only ECOPLUS pauses by choice: in FULL and ECOSMART
 * every pause is forced (contract, meter) and the resumption must not wait for the budget. */
static bool budget_allows(const struct evse_dpm *d, unsigned n, uint64_t now_ms)
{
	unsigned max = d->set.max_switches_h;
	return max == 0 || d->set.mode != EVSE_DPM_ECOPLUS || evse_dpm_switches_last_hour(d, now_ms) + n <= max;
}

/* The condition (start when off, stop when on) has held for ms: starts its timer when it begins. */
static bool held(struct evse_dpm *d, bool cond, uint32_t ms, uint64_t now_ms)
{
	if (!cond) {
		d->cond_ms = 0;
		return false;
	}
	if (d->cond_ms == 0)
		d->cond_ms = now_ms ? now_ms : 1;
	return now_ms - d->cond_ms >= ms;
}

/* Fills the figures and returns what the contract leaves the EV per phase (avail) and what the mode asks
 * (want), both capped at the station's maximum. */
static void control_law(struct evse_dpm *d, const struct evse_dpm_reading *r, const double ev_a[EVSE_DPM_PHASES],
                        double *avail, double *want)
{
	const struct evse_dpm_settings *s = &d->set;
	struct evse_dpm_figures *f = &d->fig;
	int n = s->phases, n_ev = 0;
	double grid_w = 0.0, ev_w = 0.0, full = s->max_a;

	memset(f, 0, sizeof(*f));
	for (int p = 0; p < n; p++)
		if (ev_a[p] > 1.0)
			n_ev++;
	for (int p = 0; p < n; p++) {
		double volts = r->volts[p] > 50.0 ? r->volts[p] : s->volts;
		/* meters give the current as a magnitude: its direction is the power's */
		double g = r->watts[p] < 0.0 ? -r->amps[p] : r->amps[p];
		double ev = ev_a[p] > 0.0 ? ev_a[p] : 0.0;
		f->grid_a[p] = g;
		grid_w += r->watts[p];
		ev_w += ev * volts;
		/* per phase: available = limit − (grid − EV); only the phases the EV uses bind it (all of
		 * them while it draws nothing, since it may start on any) */
		if (n_ev == 0 || ev_a[p] > 1.0) {
			double a = s->limit_a - (g - ev);
			if (a < full)
				full = a;
		}
	}
	if (n_ev == 0)
		n_ev = n;
	if (s->limit_w > 0.0) {
		double a = (s->limit_w - (grid_w - ev_w)) / (s->volts * n_ev);
		if (a < full)
			full = a;
	}
	f->grid_w = grid_w;
	f->ev_w = ev_w;
	f->has_pv = r->has_pv;
	f->pv_w = r->has_pv ? r->pv_w : 0.0;
	f->house_w = grid_w - ev_w + f->pv_w;

	/* the surplus the EV could take per phase: its own draw plus what goes out to the grid */
	double surplus_a = -(grid_w - ev_w) / (s->volts * n_ev);
	double w;
	switch (s->mode) {
	case EVSE_DPM_ECOSMART:
		w = surplus_a + s->min_grid_w / (s->volts * n_ev);
		if (w < EVSE_DPM_MIN_A)
			w = EVSE_DPM_MIN_A; /* continuity: never pauses for lack of sun */
		break;
	case EVSE_DPM_ECOPLUS: w = surplus_a; break;
	default: w = full; break;
	}
	/* the margin keeps the offer below the contract's room, but never under the minimum: whether there is
	 * room at all (6 A) is decided on the room itself */
	double cap = full - s->margin_a;
	if (cap < EVSE_DPM_MIN_A)
		cap = EVSE_DPM_MIN_A;
	if (w > cap)
		w = cap;
	f->avail_a = full;
	f->want_a = w;
	*avail = full;
	*want = w;
}

/* Hysteresis and ramp: from what the contract leaves and what the mode asks to the offer. */
static void decide(struct evse_dpm *d, double avail, double want, uint64_t now_ms)
{
	const struct evse_dpm_settings *s = &d->set;
	double dt = (double)(now_ms - d->last_feed_ms) / 1000.0;
	bool pv = s->mode == EVSE_DPM_ECOPLUS;

	if (avail < EVSE_DPM_MIN_A) {
		/* the contract comes first: off at once, whatever the minimum on time */
		set_on(d, false, now_ms);
		d->offered = 0.0;
		d->reason = EVSE_DPM_WHY_CONTRACT;
		return;
	}
	if (!d->on) {
		bool wants = want >= EVSE_DPM_MIN_A;
		if (now_ms - d->switch_ms < s->min_off_ms && d->switches > 0) {
			d->cond_ms = 0;
			d->reason = EVSE_DPM_WHY_MIN_OFF;
		} else if (wants && !budget_allows(d, 2, now_ms)) {
			d->cond_ms = 0;
			d->reason = EVSE_DPM_WHY_BUDGET;
		} else if (!pv && wants) {
			set_on(d, true, now_ms);
		} else if (held(d, wants, s->start_ms, now_ms)) {
			set_on(d, true, now_ms);
		} else {
			d->reason = wants ? EVSE_DPM_WHY_START_WAIT : EVSE_DPM_WHY_NO_SURPLUS;
		}
		if (!d->on) {
			d->offered = 0.0;
			return;
		}
		/* a start begins at the minimum and ramps up */
		d->offered = EVSE_DPM_MIN_A;
		dt = 0.0;
	}
	double target = want;
	if (target < EVSE_DPM_MIN_A) {
		/* ECOPLUS deficit: 6 A until the stop delay and the minimum on time are over */
		bool stop = held(d, true, s->stop_ms, now_ms) && now_ms - d->switch_ms >= s->min_on_ms &&
		            budget_allows(d, 1, now_ms);
		if (stop) {
			set_on(d, false, now_ms);
			d->offered = 0.0;
			d->reason = EVSE_DPM_WHY_NO_SURPLUS;
			return;
		}
		target = EVSE_DPM_MIN_A;
		d->reason = EVSE_DPM_WHY_STOP_WAIT;
	} else {
		d->cond_ms = 0;
		d->reason = EVSE_DPM_WHY_CHARGING;
	}
	if (target <= d->offered) {
		d->offered = target; /* decreases at once */
	} else {
		double up = d->offered + s->ramp_a_s * dt;
		if (up < target) {
			d->offered = up;
			if (d->reason == EVSE_DPM_WHY_CHARGING)
				d->reason = EVSE_DPM_WHY_RAMPING;
		} else {
			d->offered = target;
		}
	}
	/* the PWM's resolution: 0.1 A, rounded down */
	d->offered = floor(d->offered * 10.0 + 1e-9) / 10.0;
}

double evse_dpm_feed(struct evse_dpm *d, const struct evse_dpm_reading *r, const double ev_a[EVSE_DPM_PHASES],
                     uint64_t now_ms)
{
	char why[sizeof(d->error)];
	double avail, want;

	if (evse_dpm_plausible(r, d->set.phases, why, sizeof(why)) < 0) {
		evse_dpm_meter_error(d, why, now_ms);
		return evse_dpm_tick(d, now_ms);
	}
	if (d->faulted) {
		/* recovery by itself: a meter fault is not a protection trip */
		d->faulted = false;
		d->error[0] = '\0';
	}
	d->have_reading = true;
	d->ok_ms = now_ms;
	control_law(d, r, ev_a, &avail, &want);
	decide(d, avail, want, now_ms);
	d->last_feed_ms = now_ms;
	return d->offered;
}

void evse_dpm_meter_error(struct evse_dpm *d, const char *why, uint64_t now_ms)
{
	snprintf(d->error, sizeof(d->error), "%s", why);
	evse_dpm_tick(d, now_ms);
}

double evse_dpm_tick(struct evse_dpm *d, uint64_t now_ms)
{
	if (now_ms - d->ok_ms < d->set.fault_ms)
		return d->offered;
	if (!d->faulted) {
		d->faulted = true;
		d->have_reading = false;
		if (!d->error[0])
			snprintf(d->error, sizeof(d->error), "no reading");
	}
	/* the safe current, never more than what was offered */
	if (d->set.safe_a < EVSE_DPM_MIN_A || d->offered < EVSE_DPM_MIN_A) {
		set_on(d, false, now_ms);
		d->offered = 0.0;
	} else if (d->offered > d->set.safe_a) {
		d->offered = d->set.safe_a;
	}
	d->last_feed_ms = now_ms;
	d->reason = EVSE_DPM_WHY_FAULT;
	return d->offered;
}

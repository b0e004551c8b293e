/* evse_smart.c — the charging-profile table and the composite limit: per purpose the active profile with
 * the highest stack level wins, TxProfile replaces TxDefaultProfile, and the result is the lowest of that
 * and the ChargePointMaxProfile. */
#include "evse_smart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define DAY_MS  86400000LL
#define WEEK_MS (7 * DAY_MS)

void evse_smart_init(struct evse_smart *s, double volts, int phases)
{
	memset(s, 0, sizeof(*s));
	s->volts = volts > 0.0 ? volts : 230.0;
	s->phases = phases == 1 ? 1 : 3;
}

int evse_smart_check(const struct evse_smart_profile *p, char *err, size_t errcap)
{
	if (p->stack_level < 0 || p->stack_level > EVSE_SMART_MAX_STACK) {
		snprintf(err, errcap, "stackLevel %d out of range (0..%d)", p->stack_level, EVSE_SMART_MAX_STACK);
		return -1;
	}
	if (p->connector < 0 || p->connector > 1) {
		snprintf(err, errcap, "connectorId %d out of range (0..1)", p->connector);
		return -1;
	}
	if (p->purpose == EVSE_SMART_CP_MAX && p->connector != 0) {
		snprintf(err, errcap, "ChargePointMaxProfile only on connector 0");
		return -1;
	}
	if (p->purpose == EVSE_SMART_TX && p->connector == 0) {
		snprintf(err, errcap, "TxProfile not on connector 0");
		return -1;
	}
	if (p->n_periods == 0 || p->n_periods > EVSE_SMART_MAX_PERIODS) {
		snprintf(err, errcap, "%zu schedule periods (1..%d)", p->n_periods, EVSE_SMART_MAX_PERIODS);
		return -1;
	}
	if (p->periods[0].start_s != 0) {
		snprintf(err, errcap, "the first period starts at %lld, not 0", (long long)p->periods[0].start_s);
		return -1;
	}
	for (size_t i = 0; i < p->n_periods; i++) {
		if (i > 0 && p->periods[i].start_s <= p->periods[i - 1].start_s) {
			snprintf(err, errcap, "period %zu does not start after period %zu", i, i - 1);
			return -1;
		}
		if (p->periods[i].limit < 0.0 || p->periods[i].phases < 0 || p->periods[i].phases > 3) {
			snprintf(err, errcap, "period %zu: bad limit or numberPhases", i);
			return -1;
		}
	}
	if ((p->kind == EVSE_SMART_DAILY || p->kind == EVSE_SMART_WEEKLY) && !p->start_ms) {
		snprintf(err, errcap, "a recurring schedule needs startSchedule");
		return -1;
	}
	if (p->valid_from_ms && p->valid_to_ms && p->valid_to_ms <= p->valid_from_ms) {
		snprintf(err, errcap, "validTo is not after validFrom");
		return -1;
	}
	return 0;
}

int evse_smart_add(struct evse_smart *s, const struct evse_smart_profile *p)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct evse_smart_profile *q = &s->p[i];
		if (q->id == p->id ||
		    (q->purpose == p->purpose && q->stack_level == p->stack_level && q->connector == p->connector)) {
			s->p[i] = *p;
			/* a second match (the id of one, the level of another) goes too */
			for (size_t j = s->n; j-- > i + 1;) {
				const struct evse_smart_profile *r = &s->p[j];
				if (r->id == p->id || (r->purpose == p->purpose && r->stack_level == p->stack_level &&
				                       r->connector == p->connector)) {
					s->p[j] = s->p[--s->n];
				}
			}
			return 0;
		}
	}
	if (s->n >= EVSE_SMART_MAX_PROFILES)
		return -1;
	s->p[s->n++] = *p;
	return 0;
}

/* Removes entry i, keeping the order of the rest. */
static void remove_at(struct evse_smart *s, size_t i)
{
	memmove(&s->p[i], &s->p[i + 1], (s->n - i - 1) * sizeof(s->p[0]));
	s->n--;
}

size_t evse_smart_clear(struct evse_smart *s, int64_t id, int connector, int purpose, int stack, int64_t *removed,
                        size_t max)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n;) {
		const struct evse_smart_profile *p = &s->p[i];
		bool match = id >= 0 ? p->id == id
		                     : (connector < 0 || p->connector == connector) &&
		                           (purpose < 0 || (int)p->purpose == purpose) &&
		                           (stack < 0 || p->stack_level == stack);
		if (!match) {
			i++;
			continue;
		}
		if (removed && k < max)
			removed[k] = p->id;
		k++;
		remove_at(s, i);
	}
	return k;
}

size_t evse_smart_end_tx(struct evse_smart *s, int64_t *removed, size_t max)
{
	return evse_smart_clear(s, -1, -1, EVSE_SMART_TX, -1, removed, max);
}

static void bump(int64_t *next, int64_t t, int64_t at)
{
	if (at > t && at < *next)
		*next = at;
}

/* The period's limit in A: W over the phase voltage and the phases used (numberPhases, default 3, never
 * more than the station has); a limit above 0 but under minChargingRate is 0 (charging that slowly is not
 * worth it: the session pauses). */
static double period_amps(const struct evse_smart *s, const struct evse_smart_profile *p,
                          const struct evse_smart_period *per)
{
	double v = per->limit;
	if (v > 0.0 && v < p->min_rate)
		v = 0.0;
	if (!p->unit_w)
		return v;
	int phases = per->phases ? per->phases : 3;
	if (phases > s->phases)
		phases = s->phases;
	return v / (s->volts * phases);
}

/* Is p in force at t? Its limit in A goes to *amps; *next is lowered to the next boundary of p after t. */
static bool eval(const struct evse_smart *s, const struct evse_smart_profile *p, const struct evse_smart_tx *tx,
                 int64_t t, int64_t anchor, double *amps, int64_t *next)
{
	int64_t start, per = 0, dur = p->duration_s * 1000;

	if (p->valid_from_ms && t < p->valid_from_ms) {
		bump(next, t, p->valid_from_ms);
		return false;
	}
	if (p->valid_to_ms) {
		if (t >= p->valid_to_ms)
			return false;
		bump(next, t, p->valid_to_ms);
	}
	switch (p->kind) {
	case EVSE_SMART_ABSOLUTE: start = p->start_ms; break;
	case EVSE_SMART_RELATIVE: start = tx && tx->active ? tx->start_ms : anchor; break;
	default:
		per = p->kind == EVSE_SMART_DAILY ? DAY_MS : WEEK_MS;
		if (t < p->start_ms) {
			bump(next, t, p->start_ms);
			return false;
		}
		start = p->start_ms + (t - p->start_ms) / per * per;
		bump(next, t, start + per);
		if (!dur || dur > per)
			dur = per;
		break;
	}
	if (t < start) {
		bump(next, t, start);
		return false;
	}
	int64_t off = t - start;
	if (dur) {
		if (off >= dur)
			return false;
		bump(next, t, start + dur);
	}
	size_t i = p->n_periods;
	while (i > 0 && p->periods[i - 1].start_s * 1000 > off)
		i--;
	if (i == 0) {
		bump(next, t, start + p->periods[0].start_s * 1000);
		return false;
	}
	if (i < p->n_periods)
		bump(next, t, start + p->periods[i].start_s * 1000);
	*amps = period_amps(s, p, &p->periods[i - 1]);
	return true;
}

static bool applies(const struct evse_smart_profile *p, int connector, const struct evse_smart_tx *tx)
{
	switch (p->purpose) {
	case EVSE_SMART_CP_MAX: return p->connector == 0;
	case EVSE_SMART_TX_DEFAULT: return p->connector == 0 || p->connector == connector;
	case EVSE_SMART_TX:
		return connector != 0 && p->connector == connector && tx && tx->active &&
		       (p->tx_id == 0 || tx->id == 0 || p->tx_id == tx->id);
	}
	return false;
}

double evse_smart_limit_at(const struct evse_smart *s, int connector, const struct evse_smart_tx *tx, int64_t t,
                           int64_t anchor_ms, int64_t *next_ms)
{
	int best_stack[3] = {-1, -1, -1}, best_conn[3] = {0, 0, 0};
	double best_a[3] = {0, 0, 0};
	int64_t next = INT64_MAX;

	for (size_t i = 0; i < s->n; i++) {
		const struct evse_smart_profile *p = &s->p[i];
		double a;
		if (!applies(p, connector, tx) || !eval(s, p, tx, t, anchor_ms, &a, &next))
			continue;
		int g = (int)p->purpose;
		if (p->stack_level > best_stack[g] ||
		    (p->stack_level == best_stack[g] && p->connector != 0 && best_conn[g] == 0)) {
			best_stack[g] = p->stack_level;
			best_conn[g] = p->connector;
			best_a[g] = a;
		}
	}
	if (next_ms)
		*next_ms = next;
	double lim = -1.0;
	if (best_stack[EVSE_SMART_CP_MAX] >= 0)
		lim = best_a[EVSE_SMART_CP_MAX];
	int g = best_stack[EVSE_SMART_TX] >= 0 ? EVSE_SMART_TX : EVSE_SMART_TX_DEFAULT;
	if (best_stack[g] >= 0 && (lim < 0.0 || best_a[g] < lim))
		lim = best_a[g];
	return lim;
}

double evse_smart_station_max_at(const struct evse_smart *s, int64_t t)
{
	int best = -1;
	double lim = -1.0;
	int64_t next = INT64_MAX;
	for (size_t i = 0; i < s->n; i++) {
		const struct evse_smart_profile *p = &s->p[i];
		double a;
		if (p->purpose != EVSE_SMART_CP_MAX || p->connector != 0 || !eval(s, p, NULL, t, t, &a, &next))
			continue;
		if (p->stack_level > best) {
			best = p->stack_level;
			lim = a;
		}
	}
	return lim;
}

/* Rounds down to 0.1 (the schema's multipleOf), so that a rounded limit never exceeds the real one. */
static double tenth(double v)
{
	return floor(v * 10.0 + 1e-6) / 10.0;
}

size_t evse_smart_composite(const struct evse_smart *s, int connector, const struct evse_smart_tx *tx, int64_t start,
                            int64_t duration_s, bool unit_w, double max_a, struct evse_smart_out *out, size_t max)
{
	size_t n = 0;
	int64_t end = start + duration_s * 1000, t = start;
	if (max == 0)
		return 0;
	do {
		int64_t next = INT64_MAX;
		double a = evse_smart_limit_at(s, connector, tx, t, start, &next);
		if (a < 0.0 || a > max_a)
			a = max_a;
		double v = tenth(unit_w ? a * s->volts * s->phases : a);
		if (n == 0 || v != out[n - 1].limit) {
			if (n == max)
				break;
			out[n].start_s = (t - start) / 1000;
			out[n].limit = v;
			n++;
		}
		t = next;
	} while (t < end);
	return n;
}

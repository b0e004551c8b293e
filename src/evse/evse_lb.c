/* evse_lb.c — the group's load balancer: admission (oldest sessions kept, the newest suspended and queued
 * first-in first-out), max-min fair sharing per phase, and the safe order of changes (decreases at once,
 * increases within the room left by what every point may still draw). Pure: no I/O, time passed in. */
#include "evse_lb.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOUSE_BUCKETS 32 /* ring of per-bucket peaks covering house_hold_ms (at most 30 buckets of it) */
#define NEVER         INT64_MIN

/* What the balancer remembers of one point between cycles. */
struct lb_point {
	bool tracked;     /* a session that wants current is known here */
	int64_t start_ms; /* its session_start_ms */
	int offer_da;     /* the limit in force */
	int hold_da;      /* the highest limit it had until hold_until: its EV may still draw that */
	int64_t hold_until;
	int ceiling_da;      /* what its EV is believed to take */
	int64_t under_since; /* since when it draws less than offered (NEVER: it does not) */
	int64_t queued_ms;   /* when it entered the queue; NEVER while it charges */
	int64_t off_ms;      /* when the balancer last suspended it (min_off); NEVER */
};

struct house_bucket {
	int64_t idx; /* now / bucket_ms of the samples in it */
	int peak_da[EVSE_LB_PHASES];
};

struct evse_lb {
	struct evse_lb_config cfg;
	struct lb_point p[EVSE_LB_MAX_POINTS];
	struct house_bucket hb[HOUSE_BUCKETS];
	int64_t bucket_ms;
	int64_t last_now;
	bool started;
};

void evse_lb_config_defaults(struct evse_lb_config *cfg)
{
	*cfg = (struct evse_lb_config){
	    .cycle_ms = 1000,
	    .reaction_ms = 6000,
	    .min_off_ms = 60000,
	    .house_hold_ms = 900000,
	    .margin_da = 10,
	    .reoffer_step_da = 20,
	};
}

/* The config's fields as a table: name, offset, range. */
struct cfg_field {
	const char *name;
	size_t offset;
	int min, max;
};

static const struct cfg_field cfg_fields[] = {
    {"cycle_ms", offsetof(struct evse_lb_config, cycle_ms), 100, 60000},
    {"reaction_ms", offsetof(struct evse_lb_config, reaction_ms), 100, 60000},
    {"min_off_ms", offsetof(struct evse_lb_config, min_off_ms), 0, 3600000},
    {"house_hold_ms", offsetof(struct evse_lb_config, house_hold_ms), 0, 3600000},
    {"margin_da", offsetof(struct evse_lb_config, margin_da), 1, 100},
    {"reoffer_step_da", offsetof(struct evse_lb_config, reoffer_step_da), 1, 320},
};

int evse_lb_config_check(const struct evse_lb_config *cfg, char *err, size_t errcap)
{
	for (size_t i = 0; i < sizeof(cfg_fields) / sizeof(cfg_fields[0]); i++) {
		const struct cfg_field *f = &cfg_fields[i];
		int v = *(const int *)((const char *)cfg + f->offset);
		if (v < f->min || v > f->max) {
			snprintf(err, errcap, "%s: %d out of range (%d..%d)", f->name, v, f->min, f->max);
			return -1;
		}
	}
	if (cfg->reaction_ms < cfg->cycle_ms) {
		snprintf(err, errcap, "reaction_ms: %d is shorter than cycle_ms (%d)", cfg->reaction_ms, cfg->cycle_ms);
		return -1;
	}
	return 0;
}

struct evse_lb *evse_lb_new(const struct evse_lb_config *cfg, char *err, size_t errcap)
{
	if (evse_lb_config_check(cfg, err, errcap) < 0)
		return NULL;
	struct evse_lb *lb = calloc(1, sizeof(*lb));
	if (!lb) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	lb->cfg = *cfg;
	lb->bucket_ms = (cfg->house_hold_ms + HOUSE_BUCKETS - 3) / (HOUSE_BUCKETS - 2); /* hold <= 30 buckets */
	if (lb->bucket_ms < 1)
		lb->bucket_ms = 1;
	for (int i = 0; i < HOUSE_BUCKETS; i++)
		lb->hb[i].idx = NEVER;
	return lb;
}

void evse_lb_free(struct evse_lb *lb)
{
	free(lb);
}

const char *evse_lb_state_name(enum evse_lb_state s)
{
	static const char *const names[] = {[EVSE_LB_IDLE] = "idle",
	                                    [EVSE_LB_CHARGING] = "charging",
	                                    [EVSE_LB_QUEUED] = "queued",
	                                    [EVSE_LB_CAPPED] = "capped"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static int in_range(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

int evse_lb_input_check(const struct evse_lb_input *in, char *err, size_t errcap)
{
	if (!in_range(in->n_points, 1, EVSE_LB_MAX_POINTS)) {
		snprintf(err, errcap, "n_points: %d out of range (1..%d)", in->n_points, EVSE_LB_MAX_POINTS);
		return -1;
	}
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++) {
		if (!in_range(in->threshold_da[ph], 0, EVSE_LB_MAX_DA)) {
			snprintf(err, errcap, "threshold L%d: %d out of range (0..%d)", ph + 1, in->threshold_da[ph],
			         EVSE_LB_MAX_DA);
			return -1;
		}
		if (in->has_house && !in_range(in->house_da[ph], 0, EVSE_LB_MAX_DA)) {
			snprintf(err, errcap, "house L%d: %d out of range (0..%d)", ph + 1, in->house_da[ph],
			         EVSE_LB_MAX_DA);
			return -1;
		}
	}
	if (in->group_cap_da != EVSE_LB_NO_CAP && !in_range(in->group_cap_da, 0, EVSE_LB_MAX_DA)) {
		snprintf(err, errcap, "group cap: %d out of range (0..%d, or none)", in->group_cap_da, EVSE_LB_MAX_DA);
		return -1;
	}
	for (int i = 0; i < in->n_points; i++) {
		const struct evse_lb_point_in *p = &in->point[i];
		if (!p->wants)
			continue;
		if (!in_range(p->max_da, EVSE_LB_MIN_DA, 800)) {
			snprintf(err, errcap, "point %d: max %d out of range (%d..800)", i + 1, p->max_da,
			         EVSE_LB_MIN_DA);
			return -1;
		}
		if (p->cap_da != EVSE_LB_NO_CAP && !in_range(p->cap_da, 0, 800)) {
			snprintf(err, errcap, "point %d: cap %d out of range (0..800, or none)", i + 1, p->cap_da);
			return -1;
		}
		if (!in_range((int)p->phases, 1, EVSE_LB_3PH)) {
			snprintf(err, errcap, "point %d: phases %u is not a set of L1, L2, L3 (1..7)", i + 1,
			         p->phases);
			return -1;
		}
		if (!in_range(p->draw_da, 0, EVSE_LB_MAX_DA)) {
			snprintf(err, errcap, "point %d: draw %d out of range (0..%d)", i + 1, p->draw_da,
			         EVSE_LB_MAX_DA);
			return -1;
		}
	}
	return 0;
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* The most a point may be offered: its maximum and its cap (what its EV takes is its ceiling, apart). */
static int point_max(const struct evse_lb_point_in *in)
{
	return in->cap_da == EVSE_LB_NO_CAP ? in->max_da : min_int(in->max_da, in->cap_da);
}

/* ---- the house load's peak over house_hold_ms ---- */

static void house_record(struct evse_lb *lb, int64_t now, const int *house)
{
	int64_t k = now / lb->bucket_ms;
	struct house_bucket *b = &lb->hb[k % HOUSE_BUCKETS];
	if (b->idx != k) {
		b->idx = k;
		memset(b->peak_da, 0, sizeof(b->peak_da));
	}
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		b->peak_da[ph] = max_int(b->peak_da[ph], house[ph]);
}

static int house_peak(const struct evse_lb *lb, int64_t now, int ph)
{
	int64_t k = now / lb->bucket_ms, span = (lb->cfg.house_hold_ms + lb->bucket_ms - 1) / lb->bucket_ms;
	int peak = 0;
	for (int i = 0; i < HOUSE_BUCKETS; i++)
		if (lb->hb[i].idx != NEVER && lb->hb[i].idx >= k - span && lb->hb[i].idx <= k)
			peak = max_int(peak, lb->hb[i].peak_da[ph]);
	return peak;
}

/* ---- sessions ---- */

static void forget(struct lb_point *p)
{
	*p = (struct lb_point){.under_since = NEVER, .queued_ms = NEVER, .off_ms = NEVER, .hold_until = NEVER};
}

static void track_sessions(struct evse_lb *lb, int64_t now, const struct evse_lb_input *in)
{
	for (int i = 0; i < EVSE_LB_MAX_POINTS; i++) {
		struct lb_point *p = &lb->p[i];
		const struct evse_lb_point_in *pi = &in->point[i];
		if (i >= in->n_points || !pi->wants) {
			if (p->tracked)
				forget(p); /* the session ended or its EV stopped by itself: it draws nothing */
			continue;
		}
		if (!p->tracked || p->start_ms != pi->session_start_ms) {
			forget(p);
			p->tracked = true;
			p->start_ms = pi->session_start_ms;
			p->ceiling_da = EVSE_LB_MAX_DA;
			p->queued_ms = now; /* a new session enters the queue; it starts at once if it fits */
		}
	}
}

/* Follows what each charging EV takes: an EV that has drawn less than offered for a reaction delay is offered
 * what it draws plus the margin; one that takes all of a limit set by its ceiling is re-offered a step more. */
static void follow_draws(struct evse_lb *lb, int64_t now, const struct evse_lb_input *in)
{
	const struct evse_lb_config *c = &lb->cfg;
	for (int i = 0; i < in->n_points; i++) {
		struct lb_point *p = &lb->p[i];
		int draw = in->point[i].draw_da;
		if (!p->tracked || p->offer_da <= 0)
			continue;
		if (draw < p->offer_da - c->margin_da) {
			if (p->under_since == NEVER)
				p->under_since = now;
			else if (now - p->under_since >= c->reaction_ms) {
				p->ceiling_da = max_int(EVSE_LB_MIN_DA, draw + c->margin_da);
				p->under_since = NEVER;
			}
			continue;
		}
		p->under_since = NEVER;
		if (draw >= p->offer_da - c->margin_da / 2 && p->offer_da >= p->ceiling_da)
			p->ceiling_da = min_int(EVSE_LB_MAX_DA, p->ceiling_da + c->reoffer_step_da);
	}
}

/* Whether 6 A more on every phase of mask fit: used + 6 A <= room. */
static bool fits(const int *used, unsigned mask, const int *room)
{
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		if ((mask & (1u << ph)) && used[ph] + EVSE_LB_MIN_DA > room[ph])
			return false;
	return true;
}

static void take(int *used, unsigned mask, int amount)
{
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		if (mask & (1u << ph))
			used[ph] += amount;
}

/* Orders point indexes: by key a, then b, then index. */
struct order {
	int idx;
	int64_t a, b;
};

static int order_cmp(const void *x, const void *y)
{
	const struct order *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->idx - q->idx;
}

static void suspend(struct evse_lb *lb, int i, int64_t now)
{
	lb->p[i].queued_ms = now;
	lb->p[i].off_ms = now;
}

/* Admission. Pass 1: charging sessions, oldest first, each kept while its 6 A fit under the room of now; the
 * rest (the newest) are suspended and queued. Pass 2: the queue in order; one starts when its 6 A fit under
 * the room planned with the house peak and its min_off is over; one that cannot holds its phases. */
static void admit(struct evse_lb *lb, int64_t now, const struct evse_lb_input *in, const int *room_now,
                  const int *room_plan, int *used)
{
	struct order o[EVSE_LB_MAX_POINTS];
	int n = 0;

	for (int i = 0; i < in->n_points; i++)
		if (lb->p[i].tracked && lb->p[i].queued_ms == NEVER)
			o[n++] = (struct order){i, lb->p[i].start_ms, 0};
	qsort(o, (size_t)n, sizeof(o[0]), order_cmp);
	for (int k = 0; k < n; k++) {
		int i = o[k].idx;
		const struct evse_lb_point_in *pi = &in->point[i];
		if (point_max(pi) >= EVSE_LB_MIN_DA && fits(used, pi->phases, room_now))
			take(used, pi->phases, EVSE_LB_MIN_DA);
		else
			suspend(lb, i, now);
	}

	n = 0;
	for (int i = 0; i < in->n_points; i++)
		if (lb->p[i].tracked && lb->p[i].queued_ms != NEVER)
			o[n++] = (struct order){i, lb->p[i].queued_ms, lb->p[i].start_ms};
	qsort(o, (size_t)n, sizeof(o[0]), order_cmp);
	unsigned blocked = 0;
	for (int k = 0; k < n; k++) {
		int i = o[k].idx;
		struct lb_point *p = &lb->p[i];
		const struct evse_lb_point_in *pi = &in->point[i];
		if (point_max(pi) < EVSE_LB_MIN_DA || (pi->phases & blocked))
			continue;
		bool rested = p->off_ms == NEVER || now - p->off_ms >= lb->cfg.min_off_ms;
		if (!rested || !fits(used, pi->phases, room_plan) || !fits(used, pi->phases, room_now)) {
			blocked |= pi->phases;
			continue;
		}
		take(used, pi->phases, EVSE_LB_MIN_DA);
		p->queued_ms = NEVER;
	}
}

/* Max-min fair shares (water-filling) of room among the charging sessions, each at most its ceiling. Raises
 * every unfrozen session together; a session stops at its ceiling, the sessions of a phase stop when the phase
 * is full. */
static void share(const struct evse_lb *lb, const struct evse_lb_input *in, const int *room, int *target)
{
	int rem[EVSE_LB_PHASES], ceil[EVSE_LB_MAX_POINTS];
	bool active[EVSE_LB_MAX_POINTS] = {false};
	int n_active = 0;

	memcpy(rem, room, sizeof(rem));
	for (int i = 0; i < in->n_points; i++) {
		target[i] = 0;
		if (lb->p[i].tracked && lb->p[i].queued_ms == NEVER) {
			active[i] = true;
			n_active++;
			ceil[i] = min_int(point_max(&in->point[i]), lb->p[i].ceiling_da);
			ceil[i] = max_int(ceil[i], EVSE_LB_MIN_DA);
		}
	}
	while (n_active > 0) {
		int count[EVSE_LB_PHASES] = {0}, level = INT_MAX, cmin = INT_MAX;
		for (int i = 0; i < in->n_points; i++) {
			if (!active[i])
				continue;
			take(count, in->point[i].phases, 1);
			cmin = min_int(cmin, ceil[i]);
		}
		for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
			if (count[ph] > 0)
				level = min_int(level, max_int(rem[ph], 0) / count[ph]);
		for (int i = 0; i < in->n_points; i++) {
			if (!active[i])
				continue;
			bool freeze;
			int give;
			if (cmin <= level) {
				freeze = ceil[i] <= level;
				give = ceil[i];
			} else {
				freeze = false;
				for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
					if ((in->point[i].phases & (1u << ph)) &&
					    max_int(rem[ph], 0) / count[ph] == level)
						freeze = true;
				give = level;
			}
			if (freeze) {
				target[i] = give;
				active[i] = false;
				n_active--;
			}
		}
		for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
			rem[ph] = room[ph];
		for (int i = 0; i < in->n_points; i++)
			if (target[i] > 0)
				take(rem, in->point[i].phases, -target[i]);
	}
}

/* What a point may still draw: its limit, or a higher one it had within the reaction delay. */
static int may_draw(const struct lb_point *p, int64_t now)
{
	if (!p->tracked)
		return 0;
	return p->hold_until > now ? max_int(p->offer_da, p->hold_da) : p->offer_da;
}

static void set_offer(struct evse_lb *lb, int i, int64_t now, int limit, int *worst, unsigned mask)
{
	struct lb_point *p = &lb->p[i];
	int before = may_draw(p, now);
	if (limit < p->offer_da) {
		p->hold_da = p->hold_until > now ? max_int(p->hold_da, p->offer_da) : p->offer_da;
		p->hold_until = now + lb->cfg.reaction_ms;
	}
	p->offer_da = limit;
	p->under_since = NEVER;
	take(worst, mask, may_draw(p, now) - before);
}

static int room_left(const int *room, const int *worst, unsigned mask)
{
	int left = INT_MAX;
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		if (mask & (1u << ph))
			left = min_int(left, room[ph] - worst[ph]);
	return left;
}

/* Applies the targets: decreases at once; then (re)starts, oldest first, each with at least 6 A; then
 * increases within the room left when every point counts at what it may still draw, shared out a tenth of an
 * ampere at a time round the points that are below their target, so that equal sessions stay equal while the
 * room is short (it is, for one reaction delay, after a decrease elsewhere). */
static void apply(struct evse_lb *lb, int64_t now, const struct evse_lb_input *in, const int *room, const int *target)
{
	int worst[EVSE_LB_PHASES] = {0};
	struct order o[EVSE_LB_MAX_POINTS];
	int n = 0;

	for (int i = 0; i < in->n_points; i++) {
		if (lb->p[i].tracked && target[i] < lb->p[i].offer_da) {
			int w[EVSE_LB_PHASES] = {0};
			set_offer(lb, i, now, target[i], w, in->point[i].phases);
		}
		take(worst, in->point[i].phases, may_draw(&lb->p[i], now));
	}
	for (int i = 0; i < in->n_points; i++)
		if (lb->p[i].tracked && lb->p[i].offer_da == 0 && target[i] > 0)
			o[n++] = (struct order){i, lb->p[i].start_ms, 0};
	qsort(o, (size_t)n, sizeof(o[0]), order_cmp);
	for (int k = 0; k < n; k++) {
		int i = o[k].idx;
		unsigned mask = in->point[i].phases;
		int left = room_left(room, worst, mask) + may_draw(&lb->p[i], now); /* its own share is its to reuse */
		set_offer(lb, i, now, min_int(target[i], max_int(EVSE_LB_MIN_DA, left)), worst, mask);
	}

	int grant[EVSE_LB_MAX_POINTS] = {0};
	n = 0;
	for (int i = 0; i < in->n_points; i++)
		if (lb->p[i].tracked && lb->p[i].offer_da > 0 && target[i] > lb->p[i].offer_da)
			o[n++] = (struct order){i, lb->p[i].offer_da, lb->p[i].start_ms};
	qsort(o, (size_t)n, sizeof(o[0]), order_cmp);
	for (bool more = n > 0; more;) {
		more = false;
		for (int k = 0; k < n; k++) {
			int i = o[k].idx;
			unsigned mask = in->point[i].phases;
			int now_da = lb->p[i].offer_da + grant[i];
			if (now_da >= target[i])
				continue;
			/* a point's own hold above its limit is room it may reuse */
			int own = lb->p[i].hold_until > now ? max_int(0, lb->p[i].hold_da - now_da) : 0;
			if (own <= 0 && room_left(room, worst, mask) < 1)
				continue;
			grant[i]++;
			if (own <= 0)
				take(worst, mask, 1);
			more = true;
		}
	}
	for (int k = 0; k < n; k++) {
		int i = o[k].idx, w[EVSE_LB_PHASES] = {0};
		if (grant[i] > 0)
			set_offer(lb, i, now, lb->p[i].offer_da + grant[i], w, in->point[i].phases);
	}
}

int evse_lb_run(struct evse_lb *lb, int64_t now_ms, const struct evse_lb_input *in, struct evse_lb_output *out,
                char *err, size_t errcap)
{
	int room_now[EVSE_LB_PHASES], room_plan[EVSE_LB_PHASES], used[EVSE_LB_PHASES] = {0};
	int target[EVSE_LB_MAX_POINTS];
	static const int zero[EVSE_LB_PHASES] = {0};

	memset(out, 0, sizeof(*out));
	if (evse_lb_input_check(in, err, errcap) < 0)
		return -1;
	if (lb->started && now_ms < lb->last_now) {
		snprintf(err, errcap, "time went back: %lld ms after %lld ms", (long long)now_ms,
		         (long long)lb->last_now);
		return -1;
	}
	lb->started = true;
	lb->last_now = now_ms;

	const int *house = in->has_house ? in->house_da : zero;
	house_record(lb, now_ms, house);
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++) {
		int cap = in->group_cap_da == EVSE_LB_NO_CAP ? INT_MAX : in->group_cap_da;
		room_now[ph] = min_int(cap, max_int(0, in->threshold_da[ph] - house[ph]));
		room_plan[ph] = min_int(cap, max_int(0, in->threshold_da[ph] - house_peak(lb, now_ms, ph)));
		out->room_da[ph] = room_now[ph];
	}

	track_sessions(lb, now_ms, in);
	follow_draws(lb, now_ms, in);
	admit(lb, now_ms, in, room_now, room_plan, used);
	share(lb, in, room_now, target);
	apply(lb, now_ms, in, room_now, target);

	struct order o[EVSE_LB_MAX_POINTS];
	int n = 0;
	for (int i = 0; i < in->n_points; i++) {
		const struct lb_point *p = &lb->p[i];
		struct evse_lb_point_out *po = &out->point[i];
		po->limit_da = p->tracked ? p->offer_da : 0;
		po->share_da = target[i];
		if (!p->tracked)
			po->state = EVSE_LB_IDLE;
		else if (p->queued_ms == NEVER)
			po->state = EVSE_LB_CHARGING;
		else if (point_max(&in->point[i]) < EVSE_LB_MIN_DA)
			po->state = EVSE_LB_CAPPED;
		else {
			po->state = EVSE_LB_QUEUED;
			o[n++] = (struct order){i, p->queued_ms, p->start_ms};
		}
		out->charging += po->state == EVSE_LB_CHARGING;
	}
	qsort(o, (size_t)n, sizeof(o[0]), order_cmp);
	for (int k = 0; k < n; k++)
		out->point[o[k].idx].queue_pos = k + 1;
	out->queued = n;
	return 0;
}

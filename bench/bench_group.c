/* bench_group.c — `make bench-group`: scripted days of a Master/Satellite group (2, 8 and 16 points: arrivals,
 * departures, EVs of 1 and 3 phases, EVs that draw less than offered, a house load with an oven, a washing
 * machine, a dishwasher and a cycling heat pump) replayed second by second through the real evse_lb, and
 * through two reference policies, with the figures of bench/README.md. Deterministic: seeded scripts. The
 * evse_lb runs know the house load; with --grid they see what a Master with a DPM meter sees instead: the grid
 * meter (the house and every EV) and each EV's draw as measured a second earlier, turned into the balancer's
 * inputs by the Master's own code (evse_glb_inputs), so the house load is estimated as on a real Master. */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_group_lb.h"
#include "evse_lb.h"

#define DAY_S        86400
#define DAY_START_H  6 /* t = 0 is 06:00; the day ends at 06:00 the next morning */
#define MAX_SESSIONS 64
#define VOLTS        230.0
#define POINT_MAX_A  32
#define HIST         8  /* seconds of limits kept per point: EVs follow the limit of resp_s ago */
#define FAIR_AFTER_S 60 /* a session counts for fairness after this long charging */
#define TAPER_FROM   0.85

static bool via_grid; /* --grid: the evse_lb runs through a Master's grid-meter view */

/* ---- deterministic random numbers (splitmix64) ---- */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
static double rnd(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}
static int rnd_int(int lo, int hi) /* lo..hi */
{
	return lo + (int)(rnd() * (hi - lo + 1));
}
static int at(int h, int m) /* a clock time as seconds since the day's start */
{
	int s = ((h - DAY_START_H) * 3600 + m * 60) % DAY_S;
	return s < 0 ? s + DAY_S : s;
}

/* ---- the script of a day ---- */
struct session {
	int point, arrive, depart; /* s */
	int nph;                   /* 1 or 3 phases */
	int ev_max_a;              /* what the EV's charger takes at most */
	double need_kwh;
	int resp_s; /* how long it takes to follow a new limit */
};

enum site { SITE_HOME, SITE_OFFICE, SITE_PARK };

struct script {
	const char *name;
	enum site site;
	int n_points, threshold_a;
	double house_k;              /* scale of the house load */
	int cap_from, cap_to, cap_a; /* an upstream ChargePointMaxProfile on connector 0, or cap_a 0 */
	int n;
	struct session s[MAX_SESSIONS];
	/* house appliances, start times (s) */
	int wash[2], dish, oven, hp_phase;
};

static void add_session(struct script *sc, int point, int arrive, int depart)
{
	if (sc->n >= MAX_SESSIONS || depart - arrive < 600 || arrive >= DAY_S)
		return;
	for (int k = 0; k < sc->n; k++) /* one car at a time on a point */
		if (sc->s[k].point == point && arrive <= sc->s[k].depart && depart >= sc->s[k].arrive)
			return;
	struct session *s = &sc->s[sc->n++];
	s->point = point;
	s->arrive = arrive;
	s->depart = depart > DAY_S ? DAY_S : depart;
	s->nph = rnd() < 0.35 ? 1 : 3;
	if (rnd() < 0.2)
		s->ev_max_a = rnd() < 0.5 ? 10 : 13; /* draws less than it is offered */
	else
		s->ev_max_a = rnd() < (s->nph == 1 ? 0.7 : 0.6) ? 16 : 32;
	s->need_kwh = 5 + rnd() * 35;
	s->resp_s = rnd_int(1, 4);
}

static void make_script(struct script *sc, enum site site, uint64_t seed)
{
	static const struct {
		const char *name;
		int points, threshold;
		double k;
	} sites[] = {
	    [SITE_HOME] = {"home", 2, 25, 1.0},
	    [SITE_OFFICE] = {"office", 8, 45, 1.6},
	    [SITE_PARK] = {"car park", 16, 100, 2.5},
	};
	memset(sc, 0, sizeof(*sc));
	rng_state = seed * 7919 + (uint64_t)site;
	sc->name = sites[site].name;
	sc->site = site;
	sc->n_points = sites[site].points;
	sc->threshold_a = sites[site].threshold;
	sc->house_k = sites[site].k;
	for (int p = 0; p < sc->n_points; p++) {
		if (site == SITE_HOME) {
			if (rnd() < 0.5) {
				int a = at(10, 0) + rnd_int(0, 3 * 3600);
				add_session(sc, p, a, a + rnd_int(3600, 3 * 3600));
			}
			add_session(sc, p, at(17, 0) + rnd_int(0, 3 * 3600), DAY_S - rnd_int(0, 3600));
			continue;
		}
		int t = at(7, 0) + rnd_int(0, (site == SITE_PARK ? 2 : 2) * 3600 + 1800);
		int waves = site == SITE_PARK ? 4 : 3;
		for (int w = 0; w < waves && t < at(21, 0); w++) {
			int stay = site == SITE_PARK ? rnd_int(5400, 4 * 3600) : rnd_int(3 * 3600, 9 * 3600);
			add_session(sc, p, t, t + stay);
			t += stay + rnd_int(300, 2400);
			if (site == SITE_OFFICE &&
			    w == 1) { /* the evening visitors, once the day's second car has gone */
				int evening = at(18, 0) + rnd_int(0, 3 * 3600);
				t = evening > t ? evening : t;
			}
		}
	}
	sc->wash[0] = (site == SITE_HOME ? at(9, 0) : at(10, 0)) + rnd_int(0, 3600);
	sc->wash[1] = (site == SITE_HOME ? at(20, 0) : at(15, 0)) + rnd_int(0, 3600);
	sc->dish = (site == SITE_HOME ? at(21, 0) : at(13, 30)) + rnd_int(0, 1800);
	sc->oven = site == SITE_HOME ? at(18, 0) : at(11, 30);
	sc->hp_phase = rnd_int(0, 1199);
	if (site == SITE_PARK) { /* the backend caps the group for two hours in the afternoon */
		sc->cap_from = at(14, 0);
		sc->cap_to = at(16, 0);
		sc->cap_a = 70;
	}
}

/* The house load per phase at t, in A: base, heat pump (3 phases, cycling), oven (L1, thermostat), washing
 * machine (L2: heating then motor), dishwasher (L3). */
static void house_at(const struct script *sc, int t, double *h)
{
	double k = sc->house_k;
	int clk = (t + DAY_START_H * 3600) % DAY_S;
	bool busy = (clk >= 6 * 3600 && clk < 9 * 3600) || (clk >= 16 * 3600 && clk < 23 * 3600);
	int hp_t = (t + sc->hp_phase) % (busy ? 1200 : 3600);
	double hp = hp_t < (busy ? 600 : 1200) ? 4.0 : 0.0;
	h[0] = h[1] = h[2] = 1.5 + hp;
	if (t >= sc->oven && t < sc->oven + 5400 && (t - sc->oven) % 600 < 360)
		h[0] += 13.0;
	for (int w = 0; w < 2; w++) {
		int d = t - sc->wash[w];
		if (d >= 0 && d < 1200)
			h[1] += 10.0;
		else if (d >= 1200 && d < 5400)
			h[1] += 2.0;
	}
	if (t >= sc->dish && t < sc->dish + 900)
		h[2] += 9.0;
	for (int ph = 0; ph < 3; ph++)
		h[ph] *= k;
}

/* ---- policies ---- */
enum policy { POL_LB, POL_STOP_ALL, POL_GREEDY };
static const char *const policy_names[] = {"evse_lb", "stop-all", "greedy-30s"};

struct point_state {
	int sess;             /* index of its session, -1 none */
	double delivered;     /* kWh of the session */
	bool finished;        /* its EV has all it needs: back to B */
	int limit_hist[HIST]; /* the limit (dA) offered at t % HIST */
	int limit_da;         /* the limit offered now */
	double draw_a;        /* what its EV draws now (per phase) */
	double draw_prev_a;   /* ... a second ago: what the Master has measured (MeterValues, its meter) */
	unsigned mask;        /* group phases its EV uses */
	bool closed;          /* contactor */
	int switches_hour[25];
	int charging_since; /* -1 when not charging */
	/* queue bookkeeping (evse_lb) */
	int queued_since, off_at, room_since;
};

struct result {
	enum policy pol;
	const struct script *sc;
	int above_s;
	double fair_sum, fair_min;
	long fair_n;
	int switches_h, switches_point, switches_hour; /* the worst clock hour of any point */
	int queue_wait_s, queued_sessions;
	int restarts, restarts_unseen; /* queued sessions started; of them, started before the bench saw room */
	double energy_kwh, need_kwh;
};

/* What an EV can take at the moment: its charger, less near the end of its need (taper). */
static double ev_cap_a(const struct session *s, double delivered)
{
	double frac = delivered / s->need_kwh;
	double cap = s->ev_max_a;
	if (frac > TAPER_FROM)
		cap *= fmax(0.2, (1.0 - frac) / (1.0 - TAPER_FROM));
	return cap;
}

/* "3-phase" or "1-phase L2": the phases of the group an EV uses. */
static const char *phase_label(unsigned mask)
{
	static const char *const labels[] = {"-",          "1-phase L1", "1-phase L2", "2-phase",
	                                     "1-phase L3", "2-phase",    "2-phase",    "3-phase"};
	return labels[mask & 7];
}

static int trace_on;
static void trace(int t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(int t, const char *fmt, ...)
{
	if (!trace_on)
		return;
	int clk = (t + DAY_START_H * 3600) % DAY_S;
	printf("%02d:%02d:%02d  ", clk / 3600, clk / 60 % 60, clk % 60);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The house load's peak per phase since `from` (s): a monotonic deque per phase, fed once a second. */
struct peak_window {
	int head[3], tail[3];
	int t_of[3][DAY_S];
	double v_of[3][DAY_S];
};

static double peak_push(struct peak_window *w, int ph, int t, double v, int from)
{
	while (w->tail[ph] > w->head[ph] && w->v_of[ph][w->tail[ph] - 1] <= v)
		w->tail[ph]--;
	w->t_of[ph][w->tail[ph]] = t;
	w->v_of[ph][w->tail[ph]++] = v;
	while (w->t_of[ph][w->head[ph]] < from)
		w->head[ph]++;
	return w->v_of[ph][w->head[ph]];
}

/* The bench's own notion of "room" for the queued sessions (bench/README.md): in queue order, each session
 * whose 6 A fit on its phases beside the 6 A of every charging session and of the queued sessions ahead that
 * fit, under threshold - the house load's peak of the last hold (+ a bucket), with its min-off time over;
 * one that does not fit holds its phases. Marks room_since of those that have room. */
static void queue_room(const struct script *sc, struct point_state *ps, int t, const struct evse_lb_config *cfg,
                       const double *peak)
{
	double used[3] = {0}, room[3];
	int order[EVSE_LB_MAX_POINTS], n = 0;
	for (int ph = 0; ph < 3; ph++) {
		room[ph] = sc->threshold_a - peak[ph];
		if (sc->cap_a && t >= sc->cap_from && t < sc->cap_to && room[ph] > sc->cap_a)
			room[ph] = sc->cap_a;
	}
	for (int i = 0; i < sc->n_points; i++) {
		struct point_state *p = &ps[i];
		if (p->sess < 0 || p->finished)
			continue;
		if (p->limit_da >= EVSE_LB_MIN_DA) {
			for (int ph = 0; ph < 3; ph++)
				if (p->mask & (1u << ph))
					used[ph] += 6;
		} else {
			order[n++] = i;
		}
	}
	for (int a = 1; a < n; a++) /* by queued_since, then session start (arrival) */
		for (int b = a; b > 0; b--) {
			struct point_state *x = &ps[order[b - 1]], *y = &ps[order[b]];
			int kx = x->queued_since, ky = y->queued_since;
			int sx = sc->s[x->sess].arrive, sy = sc->s[y->sess].arrive;
			if (kx > ky || (kx == ky && (sx > sy || (sx == sy && order[b - 1] > order[b])))) {
				int tmp = order[b];
				order[b] = order[b - 1];
				order[b - 1] = tmp;
			}
		}
	unsigned blocked = 0;
	for (int k = 0; k < n; k++) {
		struct point_state *p = &ps[order[k]];
		bool fits = !(p->mask & blocked) && (p->off_at < 0 || t - p->off_at >= cfg->min_off_ms / 1000);
		for (int ph = 0; ph < 3 && fits; ph++)
			if ((p->mask & (1u << ph)) && used[ph] + 6 > room[ph] + 1e-9)
				fits = false;
		if (!fits) {
			blocked |= p->mask;
			p->room_since = -1;
			continue;
		}
		for (int ph = 0; ph < 3; ph++)
			if (p->mask & (1u << ph))
				used[ph] += 6;
		if (p->room_since < 0)
			p->room_since = t;
	}
}

static void run(const struct script *sc, enum policy pol, struct result *r)
{
	struct evse_lb_config cfg;
	struct evse_lb *lb = NULL;
	struct point_state ps[EVSE_LB_MAX_POINTS];
	struct evse_lb_input in;
	struct evse_lb_output out;
	char err[200];
	int exc_len[3] = {0}, greedy_next = 0;

	evse_lb_config_defaults(&cfg);
	if (pol == POL_LB && !(lb = evse_lb_new(&cfg, err, sizeof(err)))) {
		fprintf(stderr, "bench_group: %s\n", err);
		exit(1);
	}
	memset(r, 0, sizeof(*r));
	r->pol = pol;
	r->sc = sc;
	r->fair_min = 1.0;
	memset(ps, 0, sizeof(ps));
	for (int i = 0; i < sc->n_points; i++) {
		ps[i].sess = -1;
		ps[i].charging_since = ps[i].queued_since = ps[i].off_at = ps[i].room_since = -1;
	}
	for (int k = 0; k < sc->n; k++)
		r->need_kwh += sc->s[k].need_kwh;
	memset(&in, 0, sizeof(in));
	in.n_points = sc->n_points;
	in.has_house = true;
	static struct peak_window pw;
	memset(pw.head, 0, sizeof(pw.head));
	memset(pw.tail, 0, sizeof(pw.tail));
	/* the balancer's documented rule: the 30 s buckets of the last 15 min, i.e. since the start of the bucket 30
	 * before the current one (docs/evse.md) */
	int64_t bucket_ms = (cfg.house_hold_ms + 29) / 30, span;
	bucket_ms = bucket_ms < 1 ? 1 : bucket_ms;
	span = (cfg.house_hold_ms + bucket_ms - 1) / bucket_ms;

	for (int t = 0; t < DAY_S; t++) {
		double h[3], load[3];
		house_at(sc, t, h);
		/* arrivals and departures */
		for (int k = 0; k < sc->n; k++) {
			const struct session *s = &sc->s[k];
			struct point_state *p = &ps[s->point];
			if (t == s->arrive) {
				p->sess = k;
				p->delivered = 0;
				p->finished = false;
				p->mask = s->nph == 3 ? EVSE_LB_3PH : 1u << (s->point % 3); /* rotated wiring */
				p->queued_since = p->off_at = p->room_since = p->charging_since = -1;
				trace(t, "P%-2d arrives: %s EV, takes up to %d A, needs %.1f kWh", s->point + 1,
				      phase_label(p->mask), s->ev_max_a, s->need_kwh);
			}
			if (t == s->depart && p->sess == k) {
				if (p->room_since >= 0 && t - p->room_since > r->queue_wait_s)
					r->queue_wait_s = t - p->room_since;
				trace(t, "P%-2d leaves with %.1f kWh of %.1f%s", s->point + 1, p->delivered,
				      s->need_kwh, p->finished ? " (full)" : "");
				p->sess = -1;
			}
		}
		/* EVs: follow the limit of resp_s ago, take what they can */
		for (int ph = 0; ph < 3; ph++)
			load[ph] = h[ph];
		for (int i = 0; i < sc->n_points; i++) {
			struct point_state *p = &ps[i];
			p->draw_prev_a = p->draw_a;
			p->draw_a = 0;
			if (p->sess < 0 || p->finished)
				continue;
			const struct session *s = &sc->s[p->sess];
			int lim = p->limit_hist[(t - s->resp_s + HIST * 1000) % HIST];
			p->draw_a = fmin(lim / 10.0, ev_cap_a(s, p->delivered));
			if (lim < EVSE_LB_MIN_DA)
				p->draw_a = 0;
			p->delivered += p->draw_a * VOLTS * s->nph / 3.6e6;
			r->energy_kwh += p->draw_a * VOLTS * s->nph / 3.6e6;
			for (int ph = 0; ph < 3; ph++)
				if (p->mask & (1u << ph))
					load[ph] += p->draw_a;
			if (p->delivered >= s->need_kwh) {
				p->finished = true; /* the EV goes back to B */
				trace(t, "P%-2d EV full (%.1f kWh)", i + 1, p->delivered);
			}
		}
		/* above the threshold beyond the reaction delay */
		bool above = false;
		for (int ph = 0; ph < 3; ph++) {
			exc_len[ph] = load[ph] > sc->threshold_a + 1e-9 ? exc_len[ph] + 1 : 0;
			if (exc_len[ph] * 1000 > cfg.reaction_ms)
				above = true;
		}
		r->above_s += above;

		/* the policy decides the limits for the next second */
		bool cap_on = sc->cap_a && t >= sc->cap_from && t < sc->cap_to;
		if (pol == POL_LB) {
			double peak[3];
			for (int ph = 0; ph < 3; ph++)
				peak[ph] =
				    peak_push(&pw, ph, t, h[ph],
				              (int)((((int64_t)t * 1000 / bucket_ms - span) * bucket_ms + 999) / 1000));
			queue_room(sc, ps, t, &cfg, peak);
			if (!via_grid) {
				for (int ph = 0; ph < 3; ph++) {
					in.threshold_da[ph] = sc->threshold_a * 10;
					in.house_da[ph] = (int)lround(h[ph] * 10);
				}
				in.group_cap_da = cap_on ? sc->cap_a * 10 : EVSE_LB_NO_CAP;
				for (int i = 0; i < sc->n_points; i++) {
					struct point_state *p = &ps[i];
					struct evse_lb_point_in *pi = &in.point[i];
					pi->wants = p->sess >= 0 && !p->finished;
					pi->session_start_ms = p->sess >= 0 ? (int64_t)sc->s[p->sess].arrive * 1000 : 0;
					pi->max_da = POINT_MAX_A * 10;
					pi->cap_da = EVSE_LB_NO_CAP;
					pi->phases = p->mask ? p->mask : EVSE_LB_L1;
					pi->draw_da = (int)(p->draw_a * 10);
				}
			}
			/* --grid, the Master's view: the grid meter now (house + every EV), each EV as measured a
			 * second ago */
			struct evse_glb_group grp = {.threshold_a = sc->threshold_a,
			                             .has_grid = true,
			                             .cap_da = cap_on ? sc->cap_a * 10 : EVSE_LB_NO_CAP};
			struct evse_glb_conn c[EVSE_LB_MAX_POINTS];
			int last[EVSE_LB_MAX_POINTS];
			for (int ph = 0; ph < 3; ph++)
				grp.grid_da[ph] =
				    (int)ceil(load[ph] * 10 - 1e-6); /* rounded up: the house never smaller */
			for (int i = 0; i < sc->n_points; i++) {
				struct point_state *p = &ps[i];
				unsigned mask = p->mask ? p->mask : EVSE_LB_L1;
				c[i] = (struct evse_glb_conn){
				    .connected = true,
				    .session = p->sess >= 0 && !p->finished,
				    .session_start_ms = p->sess >= 0 ? (int64_t)sc->s[p->sess].arrive * 1000 : 0,
				    .draw_da = (int)(p->draw_a * 10),
				    .max_da = POINT_MAX_A * 10,
				    .phases = mask,
				    .has_phase_draw = true,
				};
				for (int ph = 0; ph < 3; ph++)
					c[i].phase_draw_da[ph] = mask & (1u << ph) ? (int)(p->draw_prev_a * 10) : -1;
				last[i] = p->limit_da;
			}
			if ((via_grid && evse_glb_inputs(&grp, c, sc->n_points, last, &in, err, sizeof(err)) < 0) ||
			    evse_lb_run(lb, (int64_t)t * 1000, &in, &out, err, sizeof(err)) < 0) {
				fprintf(stderr, "bench_group: t=%d: %s\n", t, err);
				exit(1);
			}
			for (int i = 0; i < sc->n_points; i++) {
				struct point_state *p = &ps[i];
				int lim = out.point[i].limit_da;
				bool wants = in.point[i].wants;
				if (wants && lim >= EVSE_LB_MIN_DA && p->limit_da < EVSE_LB_MIN_DA) { /* (re)start */
					if (p->queued_since >= 0) {
						int wait = p->room_since >= 0 ? t - p->room_since : 0;
						r->restarts++;
						r->restarts_unseen += p->room_since < 0;
						if (wait > r->queue_wait_s)
							r->queue_wait_s = wait;
						trace(t, "P%-2d starts at %.1f A (%s) after %d s in the queue%s", i + 1,
						      lim / 10.0, phase_label(p->mask), t - p->queued_since,
						      p->room_since < 0 ? " (before the bench saw room)" : "");
					}
					p->queued_since = p->room_since = -1;
				}
				if (wants && lim < EVSE_LB_MIN_DA && p->queued_since < 0) {
					if (p->limit_da >= EVSE_LB_MIN_DA)
						p->off_at = t;
					p->queued_since = t;
					r->queued_sessions++;
					trace(t, "P%-2d %s (%s), queued #%d (house L1/L2/L3 %.1f/%.1f/%.1f A)", i + 1,
					      p->limit_da >= EVSE_LB_MIN_DA ? "suspended" : "waits",
					      phase_label(p->mask), out.point[i].queue_pos, h[0], h[1], h[2]);
				}
				p->limit_da = wants ? lim : 0;
			}
		} else if (pol == POL_STOP_ALL) {
			/* equal shares of the room (per point: the smallest of room / sessions over its phases); when
			 * the room cannot give every session 6 A, every session stops until it can */
			double room[3];
			int cnt[3] = {0};
			bool shortage = false;
			for (int ph = 0; ph < 3; ph++) {
				room[ph] = sc->threshold_a - h[ph];
				if (cap_on && room[ph] > sc->cap_a)
					room[ph] = sc->cap_a;
			}
			for (int i = 0; i < sc->n_points; i++)
				if (ps[i].sess >= 0 && !ps[i].finished)
					for (int ph = 0; ph < 3; ph++)
						cnt[ph] += (ps[i].mask >> ph) & 1;
			for (int ph = 0; ph < 3; ph++)
				shortage |= cnt[ph] * 6.0 > room[ph];
			for (int i = 0; i < sc->n_points; i++) {
				struct point_state *p = &ps[i];
				double share = POINT_MAX_A;
				for (int ph = 0; ph < 3; ph++)
					if ((p->mask >> ph) & 1 && cnt[ph] > 0 && room[ph] / cnt[ph] < share)
						share = room[ph] / cnt[ph];
				bool wants = p->sess >= 0 && !p->finished;
				p->limit_da = wants && !shortage ? (int)floor(share * 10) : 0;
			}
		} else {
			/* every 30 s one point (round robin) gets the headroom of its phases, or gives up the excess */
			for (int i = 0; i < sc->n_points; i++)
				if (ps[i].sess < 0 || ps[i].finished)
					ps[i].limit_da = 0;
			if (t % 30 == 0) {
				for (int k = 0; k < sc->n_points; k++) {
					struct point_state *p = &ps[(greedy_next + k) % sc->n_points];
					if (p->sess < 0 || p->finished)
						continue;
					double head = 1e9;
					for (int ph = 0; ph < 3; ph++) {
						double thr =
						    cap_on && sc->cap_a < sc->threshold_a ? sc->cap_a : sc->threshold_a;
						if (p->mask & (1u << ph) && thr - load[ph] < head)
							head = thr - load[ph];
					}
					int lim = (int)floor((p->limit_da / 10.0 + head) * 10);
					lim = lim > POINT_MAX_A * 10 ? POINT_MAX_A * 10 : lim;
					p->limit_da = lim < EVSE_LB_MIN_DA ? 0 : lim;
					greedy_next = (greedy_next + k + 1) % sc->n_points;
					break;
				}
			}
		}
		if (trace_on && t % 3600 == 1800) { /* on the half hour: every point's limit and draw */
			char line[512];
			int len = snprintf(line, sizeof(line), "     house %.1f/%.1f/%.1f A;", h[0], h[1], h[2]);
			for (int i = 0; i < sc->n_points && len < (int)sizeof(line) - 40; i++)
				if (ps[i].sess >= 0)
					len += snprintf(line + len, sizeof(line) - (size_t)len, " P%d %s %.1f/%.1f A;",
					                i + 1,
					                ps[i].finished   ? "full"
					                : ps[i].limit_da ? "at"
					                                 : "queued",
					                ps[i].limit_da / 10.0, ps[i].draw_a);
			trace(t, "%s", line);
		}
		/* contactors, fairness */
		int hour = t / 3600;
		for (int i = 0; i < sc->n_points; i++) {
			struct point_state *p = &ps[i];
			p->limit_hist[t % HIST] = p->limit_da;
			bool closed = p->sess >= 0 && !p->finished && p->limit_da >= EVSE_LB_MIN_DA;
			if (closed != p->closed)
				p->switches_hour[hour]++;
			p->closed = closed;
			p->charging_since = closed ? (p->charging_since < 0 ? t : p->charging_since) : -1;
		}
		for (unsigned mask = 1; mask <= 7; mask++) {
			double sum = 0, sq = 0;
			int n = 0;
			for (int i = 0; i < sc->n_points; i++) {
				struct point_state *p = &ps[i];
				if (!p->closed || p->mask != mask || t - p->charging_since < FAIR_AFTER_S)
					continue;
				const struct session *s = &sc->s[p->sess];
				if (s->ev_max_a < POINT_MAX_A || p->delivered / s->need_kwh > TAPER_FROM)
					continue;
				sum += p->limit_da;
				sq += (double)p->limit_da * p->limit_da;
				n++;
			}
			if (n >= 2) {
				double j = sum * sum / (n * sq);
				r->fair_sum += j;
				r->fair_n++;
				if (j < r->fair_min)
					r->fair_min = j;
			}
		}
	}
	for (int i = 0; i < sc->n_points; i++)
		for (int hr = 0; hr < 24; hr++)
			if (ps[i].switches_hour[hr] > r->switches_h) {
				r->switches_h = ps[i].switches_hour[hr];
				r->switches_point = i;
				r->switches_hour = hr;
			}
	evse_lb_free(lb);
}

static void print_result(const struct result *r, int seed)
{
	double fair = r->fair_n ? r->fair_sum / r->fair_n : 1.0;
	char q[32];
	if (r->pol == POL_LB)
		snprintf(q, sizeof(q), "%d", r->queue_wait_s);
	else
		snprintf(q, sizeof(q), "-");
	char fa[16] = "     -", fm[16] = "     -", rs[24] = "-";
	if (r->fair_n) {
		snprintf(fa, sizeof(fa), "%6.4f", fair);
		snprintf(fm, sizeof(fm), "%6.4f", r->fair_min);
	}
	if (r->pol == POL_LB)
		snprintf(rs, sizeof(rs), "%d/%d", r->restarts - r->restarts_unseen, r->restarts);
	printf("%-9s %2d %4d  %-10s %7d  %s %s %7ld  %4d  %5s %6d %7s  %7.1f %7.1f\n", r->sc->name, r->sc->n_points,
	       seed, policy_names[r->pol], r->above_s, fa, fm, r->fair_n, r->switches_h, q, r->queued_sessions, rs,
	       r->energy_kwh, r->need_kwh);
}

int main(int argc, char **argv)
{
	int seeds = 3, trace_seed = 1;
	const char *trace_site = NULL;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--trace=", 8) == 0)
			trace_site = argv[i] + 8;
		else if (strncmp(argv[i], "--seed=", 7) == 0)
			trace_seed = (int)strtol(argv[i] + 7, NULL, 10);
		else if (strncmp(argv[i], "--seeds=", 8) == 0)
			seeds = (int)strtol(argv[i] + 8, NULL, 10);
		else if (strcmp(argv[i], "--grid") == 0)
			via_grid = true;
		else {
			fprintf(stderr,
			        "usage: bench_group [--grid] [--seeds=N] [--trace=home|office|park [--seed=N]]\n");
			return 2;
		}
	}
	if (seeds < 1 || seeds > 100) {
		fprintf(stderr, "bench_group: --seeds: %d out of range (1..100)\n", seeds);
		return 2;
	}
	static struct script sc;
	struct result r;
	if (trace_site) {
		enum site site = strcmp(trace_site, "home") == 0     ? SITE_HOME
		                 : strcmp(trace_site, "office") == 0 ? SITE_OFFICE
		                 : strcmp(trace_site, "park") == 0   ? SITE_PARK
		                                                     : (enum site) - 1;
		if ((int)site < 0) {
			fprintf(stderr, "bench_group: --trace: \"%s\" is not home, office or park\n", trace_site);
			return 2;
		}
		make_script(&sc, site, (uint64_t)trace_seed);
		trace_on = 1;
		run(&sc, POL_LB, &r);
		trace_on = 0;
		print_result(&r, trace_seed);
		printf("worst hour: P%d, %02d:00-%02d:00, %d contactor switches\n", r.switches_point + 1,
		       (r.switches_hour + DAY_START_H) % 24, (r.switches_hour + DAY_START_H + 1) % 24, r.switches_h);
		return 0;
	}
	printf("site     pts seed  policy     above_s  fair   fairmin samples  sw/h  qwait queued  seen/restarts  "
	       "energy    need\n");
	int runs = 0, above = 0, sw = 0, qw = 0; /* qw: the longest wait in s, printed in cycles (rounded up) */
	struct evse_lb_config dflt;
	evse_lb_config_defaults(&dflt);
	int cfg_cycle_ms = dflt.cycle_ms;
	double fmin = 1.0;
	for (int site = SITE_HOME; site <= SITE_PARK; site++) {
		for (int seed = 1; seed <= seeds; seed++) {
			make_script(&sc, (enum site)site, (uint64_t)seed);
			for (int pol = POL_LB; pol <= POL_GREEDY; pol++) {
				run(&sc, (enum policy)pol, &r);
				print_result(&r, seed);
				if (pol != POL_LB)
					continue;
				runs++;
				above += r.above_s;
				double f = r.fair_n ? r.fair_sum / r.fair_n : 1.0;
				fmin = f < fmin ? f : fmin;
				sw = r.switches_h > sw ? r.switches_h : sw;
				qw = r.queue_wait_s > qw ? r.queue_wait_s : qw;
			}
		}
	}
	printf("group: %d runs, %d s above threshold, fairness %.4f, switches/h %d, queue wait %d cycles\n", runs,
	       above, fmin, sw, (qw * 1000 + cfg_cycle_ms - 1) / cfg_cycle_ms);
	return 0;
}

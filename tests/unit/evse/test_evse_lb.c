/* test_evse_lb.c — the group's load balancer on an injected clock: the share computation, the queue order,
 * caps per point and for the group, phases (1-phase EVs on different phases of a 3-phase group), EVs that
 * draw less than offered, the restart within one cycle, the threshold never exceeded, the anti-flapping
 * rules, and the refusal of bad configs and inputs. EVs here follow their limit at once (draw = min(limit,
 * what the EV can take)), unless a test says otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "evse_lb.h"

#define A(x) ((int)((x)*10))

struct fx {
	struct evse_lb_config cfg;
	struct evse_lb *lb;
	struct evse_lb_input in;
	struct evse_lb_output out;
	int64_t now;
	int ev_max[EVSE_LB_MAX_POINTS]; /* what each EV can take, per phase */
	bool follow;                    /* EVs follow their limit after each cycle */
};

static void fx_init(struct fx *f, int n_points, int threshold_a)
{
	char err[200];
	memset(f, 0, sizeof(*f));
	evse_lb_config_defaults(&f->cfg);
	f->lb = evse_lb_new(&f->cfg, err, sizeof(err));
	assert_non_null(f->lb);
	f->in.n_points = n_points;
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		f->in.threshold_da[ph] = A(threshold_a);
	f->in.group_cap_da = EVSE_LB_NO_CAP;
	f->now = 1000000;
	f->follow = true;
}

static void fx_release(struct fx *f)
{
	evse_lb_free(f->lb);
}

/* A session starts at point i now: a 32 A point, an EV of ev_a on phases. */
static void plug(struct fx *f, int i, unsigned phases, int ev_a)
{
	struct evse_lb_point_in *p = &f->in.point[i];
	*p = (struct evse_lb_point_in){.wants = true,
	                               .session_start_ms = f->now,
	                               .max_da = A(32),
	                               .cap_da = EVSE_LB_NO_CAP,
	                               .phases = phases,
	                               .draw_da = 0};
	f->ev_max[i] = A(ev_a);
}

static void unplug(struct fx *f, int i)
{
	f->in.point[i].wants = false;
	f->in.point[i].draw_da = 0;
}

/* One balancing cycle at now, then the clock moves one cycle on and the EVs follow their limits. */
static void cycle(struct fx *f)
{
	char err[200] = "";
	if (evse_lb_run(f->lb, f->now, &f->in, &f->out, err, sizeof(err)) != 0)
		fail_msg("run refused: %s", err);
	f->now += f->cfg.cycle_ms;
	if (!f->follow)
		return;
	for (int i = 0; i < f->in.n_points; i++) {
		int lim = f->out.point[i].limit_da;
		f->in.point[i].draw_da = f->in.point[i].wants ? (lim < f->ev_max[i] ? lim : f->ev_max[i]) : 0;
	}
}

static void cycles(struct fx *f, int n)
{
	for (int k = 0; k < n; k++)
		cycle(f);
}

static int limit(const struct fx *f, int i)
{
	return f->out.point[i].limit_da;
}

/* The sum of limits on each phase never goes over the room. */
static void assert_within(const struct fx *f)
{
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++) {
		int sum = 0;
		for (int i = 0; i < f->in.n_points; i++)
			if (f->in.point[i].phases & (1u << ph))
				sum += limit(f, i);
		if (sum > f->out.room_da[ph])
			fail_msg("L%d: limits %d > room %d", ph + 1, sum, f->out.room_da[ph]);
	}
}

/* ---- the share ---- */

static void test_share_is_equal_among_sessions(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 3, 48);
	for (int i = 0; i < 3; i++)
		plug(&f, i, EVSE_LB_3PH, 32);
	cycles(&f, 10);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(limit(&f, i), A(16));
		assert_int_equal(f.out.point[i].state, EVSE_LB_CHARGING);
	}
	assert_within(&f);
	fx_release(&f);
}

static void test_share_is_capped_by_point_max_and_rest_goes_to_others(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 3, 60);
	for (int i = 0; i < 3; i++)
		plug(&f, i, EVSE_LB_3PH, 32);
	f.in.point[0].max_da = A(10); /* a 10 A point */
	cycles(&f, 20);
	assert_int_equal(limit(&f, 0), A(10));
	assert_int_equal(limit(&f, 1), A(25));
	assert_int_equal(limit(&f, 2), A(25));
	assert_within(&f);
	fx_release(&f);
}

static void test_lone_session_gets_its_maximum(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 100);
	plug(&f, 0, EVSE_LB_3PH, 32);
	cycles(&f, 3);
	assert_int_equal(limit(&f, 0), A(32));
	assert_int_equal(f.out.point[1].state, EVSE_LB_IDLE);
	assert_int_equal(limit(&f, 1), 0);
	fx_release(&f);
}

static void test_house_load_is_taken_off_the_threshold(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 40);
	f.in.has_house = true;
	f.in.house_da[0] = f.in.house_da[1] = f.in.house_da[2] = A(10);
	plug(&f, 0, EVSE_LB_3PH, 32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 10);
	assert_int_equal(limit(&f, 0), A(15));
	assert_int_equal(limit(&f, 1), A(15));
	/* the oven comes on (L1 +10 A): both drop at once */
	f.in.house_da[0] = A(20);
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(10));
	assert_int_equal(limit(&f, 1), A(10));
	assert_within(&f);
	fx_release(&f);
}

/* ---- the queue ---- */

static void test_newest_session_is_queued_when_6A_do_not_fit(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 4, 20); /* room for three 6 A sessions */
	for (int i = 0; i < 4; i++) {
		plug(&f, i, EVSE_LB_3PH, 32);
		cycles(&f, 2);
	}
	cycles(&f, 10);
	for (int i = 0; i < 3; i++)
		assert_int_equal(f.out.point[i].state, EVSE_LB_CHARGING);
	assert_int_equal(f.out.point[3].state, EVSE_LB_QUEUED);
	assert_int_equal(f.out.point[3].queue_pos, 1);
	assert_int_equal(limit(&f, 3), 0);
	assert_int_equal(f.out.queued, 1);
	assert_within(&f);
	fx_release(&f);
}

static void test_shortage_suspends_the_newest_first(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 4, 32);
	f.in.has_house = true;
	for (int i = 0; i < 4; i++) {
		plug(&f, i, EVSE_LB_3PH, 32);
		cycles(&f, 2);
	}
	cycles(&f, 10);
	assert_int_equal(f.out.charging, 4);
	/* the house takes 12 A: 20 A left, three sessions fit, the newest (3) is suspended */
	f.in.house_da[0] = f.in.house_da[1] = f.in.house_da[2] = A(12);
	cycle(&f);
	assert_int_equal(f.out.point[3].state, EVSE_LB_QUEUED);
	assert_int_equal(limit(&f, 3), 0);
	for (int i = 0; i < 3; i++)
		assert_true(limit(&f, i) >= A(6));
	assert_within(&f);
	/* 12 A more: 8 A left, one session fits: 1 and 2 are suspended too, queued behind 3 (queued first) */
	f.in.house_da[0] = f.in.house_da[1] = f.in.house_da[2] = A(24);
	cycle(&f);
	assert_int_equal(f.out.point[0].state, EVSE_LB_CHARGING);
	assert_int_equal(f.out.point[1].state, EVSE_LB_QUEUED);
	assert_int_equal(f.out.point[2].state, EVSE_LB_QUEUED);
	assert_int_equal(f.out.point[3].queue_pos, 1);
	assert_int_equal(f.out.point[1].queue_pos, 2); /* suspended together: the older session first */
	assert_int_equal(f.out.point[2].queue_pos, 3);
	assert_within(&f);
	fx_release(&f);
}

static void test_queue_is_first_in_first_out(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 5, 13); /* two sessions fit */
	for (int i = 0; i < 5; i++) {
		plug(&f, i, EVSE_LB_3PH, 32);
		cycles(&f, 3);
	}
	assert_int_equal(f.out.point[2].queue_pos, 1);
	assert_int_equal(f.out.point[3].queue_pos, 2);
	assert_int_equal(f.out.point[4].queue_pos, 3);
	unplug(&f, 0);
	cycle(&f);
	assert_int_equal(f.out.point[2].state, EVSE_LB_CHARGING);
	assert_int_equal(f.out.point[3].queue_pos, 1);
	unplug(&f, 1);
	cycle(&f);
	assert_int_equal(f.out.point[3].state, EVSE_LB_CHARGING);
	assert_int_equal(f.out.point[4].state, EVSE_LB_QUEUED);
	fx_release(&f);
}

static void test_queued_session_restarts_within_one_cycle(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 3, 12);
	for (int i = 0; i < 3; i++) {
		plug(&f, i, EVSE_LB_3PH, 32);
		cycles(&f, 2);
	}
	cycles(&f, 120); /* past min_off, long settled */
	assert_int_equal(f.out.point[2].state, EVSE_LB_QUEUED);
	/* the EV at point 0 finishes (goes back to B): its room is free at the next cycle */
	f.in.point[0].wants = false;
	cycle(&f);
	assert_int_equal(f.out.point[2].state, EVSE_LB_CHARGING);
	assert_true(limit(&f, 2) >= A(6));
	fx_release(&f);
}

static void test_queued_session_keeps_its_session_and_is_never_stopped(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 8);
	plug(&f, 0, EVSE_LB_3PH, 32);
	cycle(&f);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 600); /* ten minutes queued */
	assert_int_equal(f.out.point[1].state, EVSE_LB_QUEUED);
	assert_int_equal(f.out.point[1].queue_pos, 1);
	fx_release(&f);
}

static void test_blocked_head_holds_its_phases_but_not_others(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 4, 12);
	/* L1 carries two 1-phase sessions (full); a 3-phase session waits for L1; a later 1-phase EV on L2 would
	 * fit, but the 3-phase session waits on L2 too: it must not be overtaken there */
	plug(&f, 0, EVSE_LB_L1, 32);
	cycle(&f);
	plug(&f, 1, EVSE_LB_L1, 32);
	cycle(&f);
	plug(&f, 2, EVSE_LB_3PH, 32);
	cycle(&f);
	assert_int_equal(f.out.point[2].state, EVSE_LB_QUEUED);
	plug(&f, 3, EVSE_LB_L2, 32);
	cycle(&f);
	assert_int_equal(f.out.point[3].state, EVSE_LB_QUEUED); /* it would overtake the 3-phase session on L2 */
	fx_release(&f);

	fx_init(&f, 4, 12);
	plug(&f, 0, EVSE_LB_L1, 32);
	cycle(&f);
	plug(&f, 1, EVSE_LB_L1, 32);
	cycle(&f);
	plug(&f, 2, EVSE_LB_L1, 32); /* waits for L1 */
	cycle(&f);
	plug(&f, 3, EVSE_LB_L3, 32); /* L3 is free and nobody waits there */
	cycle(&f);
	assert_int_equal(f.out.point[2].state, EVSE_LB_QUEUED);
	assert_int_equal(f.out.point[3].state, EVSE_LB_CHARGING);
	fx_release(&f);
}

/* ---- caps ---- */

static void test_point_cap_limits_that_point_only(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 40);
	plug(&f, 0, EVSE_LB_3PH, 32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 10);
	assert_int_equal(limit(&f, 0), A(20));
	f.in.point[0].cap_da = A(8); /* TxProfile on connector 1 */
	cycles(&f, 10);
	assert_int_equal(limit(&f, 0), A(8));
	assert_int_equal(limit(&f, 1), A(32));
	f.in.point[0].cap_da = A(3); /* below 6 A: that point waits, holding no room */
	cycle(&f);
	assert_int_equal(f.out.point[0].state, EVSE_LB_CAPPED);
	assert_int_equal(limit(&f, 0), 0);
	assert_int_equal(f.out.queued, 0);
	fx_release(&f);
}

static void test_group_cap_limits_the_group(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 63);
	plug(&f, 0, EVSE_LB_3PH, 32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 10);
	assert_int_equal(limit(&f, 0) + limit(&f, 1), A(63));
	f.in.group_cap_da = A(20); /* ChargePointMaxProfile on connector 0 */
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(10));
	assert_int_equal(limit(&f, 1), A(10));
	f.in.group_cap_da = A(10); /* one 6 A session only: the newest waits */
	cycle(&f);
	assert_int_equal(f.out.charging, 1);
	assert_within(&f);
	fx_release(&f);
}

/* ---- phases ---- */

static void test_one_phase_evs_on_different_phases_each_get_their_phase(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 4, 32);
	plug(&f, 0, EVSE_LB_L1, 32);
	plug(&f, 1, EVSE_LB_L2, 32);
	plug(&f, 2, EVSE_LB_L3, 32);
	cycles(&f, 10);
	for (int i = 0; i < 3; i++)
		assert_int_equal(limit(&f, i), A(32)); /* no sharing: each has a phase of its own */
	plug(&f, 3, EVSE_LB_3PH, 32);
	cycles(&f, 20);
	for (int i = 0; i < 4; i++)
		assert_int_equal(limit(&f, i), A(16));
	assert_within(&f);
	fx_release(&f);
}

static void test_spare_phases_go_to_the_others(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 3, 30);
	/* two 1-phase EVs on L1, one 3-phase: L1 is shared by three (10 A each), L2 and L3 give the 3-phase EV
	 * nothing more (it takes the same current on every phase) */
	plug(&f, 0, EVSE_LB_L1, 32);
	plug(&f, 1, EVSE_LB_L1, 32);
	plug(&f, 2, EVSE_LB_3PH, 32);
	cycles(&f, 20);
	assert_int_equal(limit(&f, 0), A(10));
	assert_int_equal(limit(&f, 1), A(10));
	assert_int_equal(limit(&f, 2), A(10));
	/* a 1-phase EV on L2 shares L2 with the 3-phase one only */
	fx_release(&f);
	fx_init(&f, 3, 30);
	plug(&f, 0, EVSE_LB_L1, 32);
	plug(&f, 1, EVSE_LB_L1, 32);
	plug(&f, 2, EVSE_LB_L2, 32);
	cycles(&f, 20);
	assert_int_equal(limit(&f, 0), A(15));
	assert_int_equal(limit(&f, 1), A(15));
	assert_int_equal(limit(&f, 2), A(30));
	fx_release(&f);
}

/* ---- EVs that draw less than offered ---- */

static void test_under_drawing_ev_leaves_its_current_to_the_others(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 32);
	plug(&f, 0, EVSE_LB_3PH, 10); /* takes 10 A whatever it is offered */
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 5);
	assert_int_equal(limit(&f, 0), A(16));
	cycles(&f, 30);
	assert_int_equal(limit(&f, 0), A(11)); /* what it draws + 1 A */
	assert_int_equal(limit(&f, 1), A(21));
	assert_within(&f);
	fx_release(&f);
}

static void test_ev_that_takes_more_again_is_reoffered_gradually(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 32);
	plug(&f, 0, EVSE_LB_3PH, 10);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 40);
	assert_int_equal(limit(&f, 0), A(11));
	f.ev_max[0] = A(32); /* its battery warmed up */
	cycle(&f);
	int prev = limit(&f, 0);
	assert_true(prev <= A(13)); /* not all at once */
	cycles(&f, 60);
	assert_int_equal(limit(&f, 0), A(16)); /* back to an equal share */
	assert_int_equal(limit(&f, 1), A(16));
	fx_release(&f);
}

static void test_reoffer_is_a_step_per_cycle_even_with_room(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 1, 63);
	plug(&f, 0, EVSE_LB_3PH, 10);
	cycles(&f, 20);
	assert_int_equal(limit(&f, 0), A(11));
	f.ev_max[0] = A(32);
	cycle(&f); /* it now takes all of its 11 A */
	assert_int_equal(limit(&f, 0), A(11));
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(13));
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(15));
	cycles(&f, 20);
	assert_int_equal(limit(&f, 0), A(32));
	fx_release(&f);
}

/* ---- safety: decreases at once, increases within what may still be drawn ---- */

static void test_threshold_never_exceeded_by_the_worst_case(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 6, 40);
	f.in.has_house = true;
	/* a scripted mess: arrivals, a house load that jumps, departures; EVs follow at once, so the sum of what
	 * every point may still draw (its limit now and over the last reaction delay) must stay in the room
	 * whenever the room did not just shrink */
	int house[] = {0, 5, 20, 3, 14, 0, 25, 8};
	int64_t last_shrink = 0;
	int prev_room = A(40);
	for (int t = 0; t < 2400; t++) {
		if (t % 100 == 0 && t / 100 < 6)
			plug(&f, t / 100, (t / 100) % 2 ? EVSE_LB_3PH : (unsigned)(1u << ((t / 100) % 3)), 32);
		if (t == 1500)
			unplug(&f, 1);
		if (t == 1800)
			unplug(&f, 4);
		int h = A(house[(t / 300) % 8]);
		f.in.house_da[0] = f.in.house_da[1] = f.in.house_da[2] = h;
		cycle(&f);
		if (f.out.room_da[0] < prev_room)
			last_shrink = f.now;
		prev_room = f.out.room_da[0];
		assert_within(&f);
		if (f.now - last_shrink > f.cfg.reaction_ms) {
			int sum[3] = {0};
			for (int i = 0; i < f.in.n_points; i++)
				for (int ph = 0; ph < 3; ph++)
					if (f.in.point[i].phases & (1u << ph))
						sum[ph] += f.in.point[i].wants ? f.in.point[i].draw_da : 0;
			for (int ph = 0; ph < 3; ph++)
				if (sum[ph] > f.out.room_da[ph])
					fail_msg("t=%d L%d: drawn %d > room %d", t, ph + 1, sum[ph], f.out.room_da[ph]);
		}
	}
	fx_release(&f);
}

static void test_decrease_is_at_once_increase_waits_for_it(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 32);
	f.follow = false; /* the EVs take their time */
	plug(&f, 0, EVSE_LB_3PH, 32);
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(32));
	f.in.point[0].draw_da = A(32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(16)); /* at once */
	assert_int_equal(limit(&f, 1), A(6));  /* the new one starts at 6 A while 0 may still draw 32 */
	cycles(&f, f.cfg.reaction_ms / f.cfg.cycle_ms - 2);
	assert_int_equal(limit(&f, 1), A(6));
	cycles(&f, 2);
	assert_int_equal(limit(&f, 1), A(16)); /* once the reaction delay of point 0 is over */
	fx_release(&f);
}

static void test_equal_sessions_stay_equal_while_room_is_short(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 3, 30);
	f.in.has_house = true;
	f.in.threshold_da[1] = A(31);
	f.in.house_da[0] = A(14); /* L1 holds the two 3-phase EVs at 8 A; the 1-phase EV on L2 gets the rest */
	f.in.house_da[1] = A(2);
	plug(&f, 0, EVSE_LB_L2, 32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	plug(&f, 2, EVSE_LB_3PH, 32);
	cycles(&f, 20);
	assert_int_equal(limit(&f, 1), A(8));
	assert_int_equal(limit(&f, 2), A(8));
	assert_int_equal(limit(&f, 0), A(13));
	/* L1 frees up: the 3-phase EVs should get more, the L2 EV less; while its 13 A may still be drawn only 2 A
	 * are free on L2, and the two equal sessions share them */
	f.in.house_da[0] = 0;
	f.in.house_da[1] = 0;
	cycle(&f);
	assert_true(limit(&f, 0) < A(13));
	assert_int_equal(limit(&f, 1), A(9));
	assert_int_equal(limit(&f, 2), A(9));
	cycles(&f, 10);
	assert_int_equal(limit(&f, 1), limit(&f, 2));
	assert_true(limit(&f, 1) >= A(10));
	assert_within(&f);
	fx_release(&f);
}

/* ---- anti-flapping ---- */

static void test_suspended_session_stays_off_for_min_off(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 20);
	f.in.has_house = true;
	plug(&f, 0, EVSE_LB_3PH, 32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 10);
	f.cfg.house_hold_ms = 0;
	evse_lb_free(f.lb);
	char err[100];
	f.lb = evse_lb_new(&f.cfg, err, sizeof(err)); /* no house hold: min_off alone */
	cycles(&f, 10);
	f.in.house_da[0] = A(10); /* 10 A left on L1: one session */
	cycle(&f);
	assert_int_equal(f.out.point[1].state, EVSE_LB_QUEUED);
	f.in.house_da[0] = 0; /* gone again at once */
	cycles(&f, f.cfg.min_off_ms / f.cfg.cycle_ms - 2);
	assert_int_equal(f.out.point[1].state, EVSE_LB_QUEUED);
	cycles(&f, 2);
	assert_int_equal(f.out.point[1].state, EVSE_LB_CHARGING);
	fx_release(&f);
}

static void test_cycling_heat_pump_does_not_restart_a_session_every_cycle(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 20);
	f.in.has_house = true;
	plug(&f, 0, EVSE_LB_3PH, 32);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 10);
	int switches = 0;
	enum evse_lb_state last = f.out.point[1].state;
	/* 10 min on, 10 min off, for two hours */
	for (int t = 0; t < 7200; t++) {
		f.in.house_da[0] = f.in.house_da[1] = f.in.house_da[2] = (t / 600) % 2 ? 0 : A(10);
		cycle(&f);
		switches += f.out.point[1].state != last;
		last = f.out.point[1].state;
		assert_within(&f);
	}
	assert_true(switches <= 1); /* suspended once: the 15 min hold covers each 10 min off time */
	fx_release(&f);
}

static void test_house_hold_lets_a_queued_session_start_after_the_peak_has_gone(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f, 2, 20);
	f.in.has_house = true;
	f.in.house_da[0] = A(10);
	plug(&f, 0, EVSE_LB_3PH, 32);
	cycle(&f);
	plug(&f, 1, EVSE_LB_3PH, 32);
	cycles(&f, 60);
	assert_int_equal(f.out.point[1].state, EVSE_LB_QUEUED);
	f.in.house_da[0] = 0;
	cycles(&f, 850);
	assert_int_equal(f.out.point[1].state, EVSE_LB_QUEUED); /* the peak of the last 15 min still counts */
	cycles(&f, 100);
	assert_int_equal(f.out.point[1].state, EVSE_LB_CHARGING);
	fx_release(&f);
}

/* ---- refusals ---- */

static void test_bad_config_is_refused(void **state)
{
	(void)state;
	struct evse_lb_config c;
	char err[200] = "";
	evse_lb_config_defaults(&c);
	assert_int_equal(evse_lb_config_check(&c, err, sizeof(err)), 0);
	c.reaction_ms = 500;
	assert_null(evse_lb_new(&c, err, sizeof(err)));
	assert_string_equal(err, "reaction_ms: 500 is shorter than cycle_ms (1000)");
	evse_lb_config_defaults(&c);
	c.cycle_ms = 50;
	assert_int_equal(evse_lb_config_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "cycle_ms: 50 out of range (100..60000)");
	evse_lb_config_defaults(&c);
	c.margin_da = 0;
	assert_int_equal(evse_lb_config_check(&c, err, sizeof(err)), -1);
	assert_string_equal(err, "margin_da: 0 out of range (1..100)");
}

static void test_bad_input_is_refused_with_all_points_at_0A(void **state)
{
	(void)state;
	struct fx f;
	char err[200] = "";
	fx_init(&f, 2, 32);
	plug(&f, 0, EVSE_LB_3PH, 32);
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(32));
	struct evse_lb_input in = f.in;
	in.point[0].max_da = 900;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "point 1: max 900 out of range (60..800)");
	assert_int_equal(limit(&f, 0), 0);
	in = f.in;
	in.point[0].phases = 8;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "point 1: phases 8 is not a set of L1, L2, L3 (1..7)");
	in = f.in;
	in.n_points = 17;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "n_points: 17 out of range (1..16)");
	in = f.in;
	in.threshold_da[2] = -1;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "threshold L3: -1 out of range (0..8000)");
	in = f.in;
	in.has_house = true;
	in.house_da[1] = 9000;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "house L2: 9000 out of range (0..8000)");
	in = f.in;
	in.group_cap_da = -5;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "group cap: -5 out of range (0..8000, or none)");
	in = f.in;
	in.point[0].cap_da = 801;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "point 1: cap 801 out of range (0..800, or none)");
	in = f.in;
	in.point[0].draw_da = -1;
	assert_int_equal(evse_lb_run(f.lb, f.now, &in, &f.out, err, sizeof(err)), -1);
	assert_string_equal(err, "point 1: draw -1 out of range (0..8000)");
	assert_int_equal(evse_lb_run(f.lb, f.now - 5000, &f.in, &f.out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "time went back"));
	/* the state was kept: the next good cycle carries on */
	cycle(&f);
	assert_int_equal(limit(&f, 0), A(32));
	fx_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_share_is_equal_among_sessions),
	    cmocka_unit_test(test_share_is_capped_by_point_max_and_rest_goes_to_others),
	    cmocka_unit_test(test_lone_session_gets_its_maximum),
	    cmocka_unit_test(test_house_load_is_taken_off_the_threshold),
	    cmocka_unit_test(test_newest_session_is_queued_when_6A_do_not_fit),
	    cmocka_unit_test(test_shortage_suspends_the_newest_first),
	    cmocka_unit_test(test_queue_is_first_in_first_out),
	    cmocka_unit_test(test_queued_session_restarts_within_one_cycle),
	    cmocka_unit_test(test_queued_session_keeps_its_session_and_is_never_stopped),
	    cmocka_unit_test(test_blocked_head_holds_its_phases_but_not_others),
	    cmocka_unit_test(test_point_cap_limits_that_point_only),
	    cmocka_unit_test(test_group_cap_limits_the_group),
	    cmocka_unit_test(test_one_phase_evs_on_different_phases_each_get_their_phase),
	    cmocka_unit_test(test_spare_phases_go_to_the_others),
	    cmocka_unit_test(test_under_drawing_ev_leaves_its_current_to_the_others),
	    cmocka_unit_test(test_ev_that_takes_more_again_is_reoffered_gradually),
	    cmocka_unit_test(test_reoffer_is_a_step_per_cycle_even_with_room),
	    cmocka_unit_test(test_threshold_never_exceeded_by_the_worst_case),
	    cmocka_unit_test(test_decrease_is_at_once_increase_waits_for_it),
	    cmocka_unit_test(test_equal_sessions_stay_equal_while_room_is_short),
	    cmocka_unit_test(test_suspended_session_stays_off_for_min_off),
	    cmocka_unit_test(test_cycling_heat_pump_does_not_restart_a_session_every_cycle),
	    cmocka_unit_test(test_house_hold_lets_a_queued_session_start_after_the_peak_has_gone),
	    cmocka_unit_test(test_bad_config_is_refused),
	    cmocka_unit_test(test_bad_input_is_refused_with_all_points_at_0A),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

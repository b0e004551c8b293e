/* fuzz_evse_lb.c — the load balancer driven by arbitrary byte strings read as a script of cycles (sessions
 * come and go, the threshold, house load, caps and draws change, time moves on): no crash, and after every
 * cycle the invariants hold — each limit is 0 or 6 A..the point's maximum and cap, a charging point has
 * 6 A or more and the others 0 A, the limits on each phase add up to no more than the room; a spoiled input
 * is refused with a message and 0 A everywhere. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "evse_lb.h"

static void check(const struct evse_lb_input *in, const struct evse_lb_output *out)
{
	int sum[EVSE_LB_PHASES] = {0};
	for (int i = 0; i < in->n_points; i++) {
		const struct evse_lb_point_in *p = &in->point[i];
		const struct evse_lb_point_out *o = &out->point[i];
		int max = p->cap_da == EVSE_LB_NO_CAP || p->cap_da > p->max_da ? p->max_da : p->cap_da;
		if (o->limit_da != 0 && (o->limit_da < EVSE_LB_MIN_DA || o->limit_da > max || !p->wants))
			__builtin_trap();
		if ((o->state == EVSE_LB_CHARGING) != (o->limit_da >= EVSE_LB_MIN_DA))
			__builtin_trap();
		for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
			if (p->phases & (1u << ph))
				sum[ph] += o->limit_da;
	}
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		if (sum[ph] > out->room_da[ph])
			__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evse_lb_config cfg;
	struct evse_lb_input in;
	struct evse_lb_output out;
	char err[200];
	int64_t now = 0;

	if (size < 1)
		return 0;
	evse_lb_config_defaults(&cfg);
	cfg.min_off_ms = 1000 * (data[0] % 8);
	cfg.house_hold_ms = 30000 * (data[0] / 32);
	struct evse_lb *lb = evse_lb_new(&cfg, err, sizeof(err));
	if (!lb)
		__builtin_trap();
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	in.n_points = 1 + data[0] % EVSE_LB_MAX_POINTS;
	in.group_cap_da = EVSE_LB_NO_CAP;
	for (int ph = 0; ph < EVSE_LB_PHASES; ph++)
		in.threshold_da[ph] = 320;
	for (int i = 0; i < EVSE_LB_MAX_POINTS; i++) {
		in.point[i].max_da = 320;
		in.point[i].cap_da = EVSE_LB_NO_CAP;
		in.point[i].phases = EVSE_LB_3PH;
	}
	for (size_t k = 1; k + 4 <= size; k += 4) {
		uint8_t op = data[k], a = data[k + 1], b = data[k + 2], steps = data[k + 3];
		struct evse_lb_point_in *p = &in.point[a % in.n_points];
		switch (op % 10) {
		case 0: /* a session begins */
			p->wants = true;
			p->session_start_ms = now;
			p->phases = 1 + b % 7;
			break;
		case 1: p->wants = false; break;
		case 2: p->draw_da = b * 4; break;
		case 3: p->max_da = EVSE_LB_MIN_DA + b % 200; break;
		case 4: p->cap_da = b == 255 ? EVSE_LB_NO_CAP : b * 3; break;
		case 5: in.threshold_da[b % 3] = a * 8; break;
		case 6:
			in.has_house = true;
			in.house_da[b % 3] = a * 4;
			break;
		case 7: in.group_cap_da = b == 255 ? EVSE_LB_NO_CAP : a * 6; break;
		case 8: { /* a spoiled input: refused, 0 A everywhere */
			struct evse_lb_input bad = in;
			bad.point[a % in.n_points].wants = true;
			bad.point[a % in.n_points].phases = 8 + b % 8;
			if (evse_lb_run(lb, now, &bad, &out, err, sizeof(err)) != -1 || !err[0])
				__builtin_trap();
			for (int i = 0; i < EVSE_LB_MAX_POINTS; i++)
				if (out.point[i].limit_da != 0)
					__builtin_trap();
			break;
		}
		default: /* EVs take what they are offered */
			for (int i = 0; i < in.n_points; i++)
				in.point[i].draw_da = out.point[i].limit_da;
			break;
		}
		for (int s = 0; s <= steps % 8; s++) {
			if (evse_lb_run(lb, now, &in, &out, err, sizeof(err)) != 0) {
				fprintf(stderr, "refused: %s\n", err);
				__builtin_trap();
			}
			check(&in, &out);
			now += steps >= 128 ? 30000 : 1000;
		}
	}
	evse_lb_free(lb);
	return 0;
}

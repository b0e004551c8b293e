/* evse_group_lb.c — the relay's view of the group as the balancer's inputs (evse_group_lb.h). */
#include "evse_group_lb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool evse_glb_session(enum ocpp_charge_point_status status, bool in_tx)
{
	static const bool running[] = {
	    [OCPP_CHARGE_POINT_STATUS_CHARGING] = true,
	    [OCPP_CHARGE_POINT_STATUS_SUSPENDED_EV] = true,
	    [OCPP_CHARGE_POINT_STATUS_SUSPENDED_EVSE] = true,
	};
	if (status == OCPP_CHARGE_POINT_STATUS_PREPARING)
		return in_tx;
	return (size_t)status < sizeof(running) / sizeof(running[0]) && running[status];
}

/* What a point is known to draw, for the house load: only a measured draw, never more than its last limit (an
 * EV follows a lower limit; its last MeterValues may be older). Taking out more than the EVs draw would make
 * the house look smaller than it is and the room larger; taking out less only leaves room unused. */
static int measured_da(const struct evse_glb_conn *c, int ph, int last_da)
{
	int d = c->has_phase_draw && c->phase_draw_da[ph] >= 0 ? c->phase_draw_da[ph] : c->draw_da;
	if (d < 0)
		d = 0;
	return last_da >= 0 && d > last_da ? last_da : d;
}

int evse_glb_inputs(const struct evse_glb_group *grp, const struct evse_glb_conn *c, int n, const int *last_da,
                    struct evse_lb_input *in, char *err, size_t errcap)
{
	int threshold_a = grp->threshold_a;
	if (n < 1 || n > EVSE_LB_MAX_POINTS) {
		snprintf(err, errcap, "%d connectors in the group (1..%d can be balanced)", n, EVSE_LB_MAX_POINTS);
		return -1;
	}
	if (threshold_a <= 0 || threshold_a * 10 > EVSE_LB_MAX_DA) {
		snprintf(err, errcap, "threshold %d A out of range (1..%d)", threshold_a, EVSE_LB_MAX_DA / 10);
		return -1;
	}
	memset(in, 0, sizeof(*in));
	in->n_points = n;
	for (int p = 0; p < EVSE_LB_PHASES; p++)
		in->threshold_da[p] = threshold_a * 10;
	in->group_cap_da = grp->cap_da < 0                ? EVSE_LB_NO_CAP
	                   : grp->cap_da > EVSE_LB_MAX_DA ? EVSE_LB_MAX_DA
	                                                  : grp->cap_da;
	for (int i = 0; i < n; i++) {
		struct evse_lb_point_in *p = &in->point[i];
		p->max_da = c[i].max_da;
		p->cap_da = !c[i].has_cap       ? EVSE_LB_NO_CAP
		            : c[i].cap_da < 0   ? 0
		            : c[i].cap_da > 800 ? 800
		                                : c[i].cap_da;
		p->phases = c[i].phases ? c[i].phases : EVSE_LB_3PH;
		p->wants = c[i].connected && c[i].session;
		p->session_start_ms = c[i].session_start_ms;
		if (c[i].draw_da >= 0)
			p->draw_da = c[i].draw_da;
		else
			p->draw_da = last_da[i] >= 0 ? last_da[i] : c[i].max_da;
		if (p->draw_da > EVSE_LB_MAX_DA)
			p->draw_da = EVSE_LB_MAX_DA;
	}
	if (grp->has_grid) {
		in->has_house = true;
		for (int ph = 0; ph < EVSE_LB_PHASES; ph++) {
			long house = grp->grid_da[ph];
			for (int i = 0; i < n; i++)
				if (in->point[i].wants && (in->point[i].phases & (1u << ph)))
					house -= measured_da(&c[i], ph, last_da[i]);
			in->house_da[ph] = house < 0 ? 0 : house > EVSE_LB_MAX_DA ? EVSE_LB_MAX_DA : (int)house;
		}
		if (grp->grid_fault) { /* no room, without a made-up house load in the balancer's 15-min peak */
			in->has_house = false;
			in->group_cap_da = 0;
		}
	}
	return 0;
}

bool evse_glb_should_apply(int last_da, int now_da)
{
	if (last_da < 0)
		return true;
	if ((last_da == 0) != (now_da == 0))
		return true;
	return now_da - last_da >= EVSE_GLB_STEP_DA || last_da - now_da >= EVSE_GLB_STEP_DA;
}

/* "L1", "L1-N", "L1-L2" -> 0; -1 for none or another */
static int phase_index(const cJSON *sv)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(sv, "phase");
	if (!cJSON_IsString(x) || x->valuestring[0] != 'L' || x->valuestring[1] < '1' || x->valuestring[1] > '3' ||
	    (x->valuestring[2] && x->valuestring[2] != '-'))
		return -1;
	return x->valuestring[1] - '1';
}

static int clamp_da(double a)
{
	return a * 10 > EVSE_LB_MAX_DA ? EVSE_LB_MAX_DA : (int)lround(a * 10);
}

int evse_glb_current_import_phases(const cJSON *meter_values, int *da, int phase_da[EVSE_LB_PHASES])
{
	const cJSON *mv, *sv, *x;
	double best = -1, ph[EVSE_LB_PHASES] = {-1, -1, -1};
	cJSON_ArrayForEach(mv, cJSON_GetObjectItemCaseSensitive(meter_values, "meterValue"))
	{
		cJSON_ArrayForEach(sv, cJSON_GetObjectItemCaseSensitive(mv, "sampledValue"))
		{
			x = cJSON_GetObjectItemCaseSensitive(sv, "measurand");
			if (!cJSON_IsString(x) || strcmp(x->valuestring, "Current.Import") != 0)
				continue;
			x = cJSON_GetObjectItemCaseSensitive(sv, "value");
			if (!cJSON_IsString(x))
				continue;
			char *end;
			double v = strtod(x->valuestring, &end);
			if (end == x->valuestring || *end || !isfinite(v) || v < 0)
				continue;
			const cJSON *unit = cJSON_GetObjectItemCaseSensitive(sv, "unit");
			if (cJSON_IsString(unit) && strcmp(unit->valuestring, "mA") == 0)
				v /= 1000;
			if (v > best)
				best = v;
			int i = phase_index(sv);
			if (i >= 0 && v > ph[i])
				ph[i] = v;
		}
	}
	if (best < 0)
		return -1;
	*da = clamp_da(best);
	if (phase_da)
		for (int i = 0; i < EVSE_LB_PHASES; i++)
			phase_da[i] = ph[i] < 0 ? -1 : clamp_da(ph[i]);
	return 0;
}

int evse_glb_current_import(const cJSON *meter_values, int *da)
{
	return evse_glb_current_import_phases(meter_values, da, NULL);
}

void evse_glb_rotate(int phases, int l1, const int point_da[EVSE_LB_PHASES], int group_da[EVSE_LB_PHASES])
{
	for (int i = 0; i < EVSE_LB_PHASES; i++)
		group_da[i] = -1;
	if (l1 < 1 || l1 > 3)
		return;
	for (int i = 0; i < (phases == 1 ? 1 : EVSE_LB_PHASES); i++)
		group_da[(l1 - 1 + i) % EVSE_LB_PHASES] = point_da[i];
}

/* evse_group_bal.c — the Master's load balancer (group_threshold > 0): every second the relay's view of each
 * connector (its status, a transaction running, its EV's latest Current.Import; the Master's own socket from
 * its charge state) goes through evse_group_lb into evse_lb, and the limits that changed by 0.5 A or more (or
 * from or to 0) are applied with evse_group_set_point_limit. A suspended session (0 A) is never stopped. */
#include "evse_group_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "evse_group_lb.h"
#include "evse_lb.h"
#include "wl_log.h"

#define MOD "group"

/* A balancer now (at start, or when the Local Management System sets a threshold): 0 or -1 with err. */
static int bal_start(struct evse_group *g, char *err, size_t errcap)
{
	struct evse_lb_config cfg;
	if (g->map.total > EVSE_LB_MAX_POINTS) {
		snprintf(err, errcap, "group_threshold: the group has %d connectors, at most %d can be balanced",
		         g->map.total, EVSE_LB_MAX_POINTS);
		return -1;
	}
	evse_lb_config_defaults(&cfg);
	g->lb = evse_lb_new(&cfg, err, errcap);
	if (!g->lb)
		return -1;
	if (evse_group__caps_new(g) < 0) {
		snprintf(err, errcap, "load balancing: out of memory");
		return -1;
	}
	if (g->st->dpm) /* the balancer owns the Master's own limit: DPM only gives the house load */
		evse_dpm_link_yield(g->st->dpm, true);
	WL_INFO(MOD, "load balancing %d connectors under %d A per phase", g->map.total, evse_group__threshold(g));
	return 0;
}

int evse_group__bal_new(struct evse_group *g, char *err, size_t errcap)
{
	for (int i = 0; i < EVSE_GROUP_POINTS_MAX; i++)
		g->bal[i] = (struct bal_point){
		    .draw_da = -1, .phase_da = {-1, -1, -1}, .lim_da = -1, .sent_da = -1, .conn_sent_da = -1};
	if (evse_group__threshold(g) <= 0)
		return 0;
	return bal_start(g, err, errcap);
}

void evse_group__bal_free(struct evse_group *g)
{
	evse_lb_free(g->lb);
	g->lb = NULL;
	evse_group__caps_free(g);
}

void evse_group__bal_seen(struct evse_group *g, enum ocpp_action a, int k, const cJSON *j)
{
	int da, ph[EVSE_LB_PHASES], sat, local;
	if (k < 1 || k > EVSE_GROUP_POINTS_MAX || evse_group_map_down(&g->map, k, &sat, &local) < 0 || sat < 0)
		return;
	if (a == OCPP_StartTransaction)
		g->bal[k - 1].in_tx = true;
	else if (a == OCPP_MeterValues && evse_glb_current_import_phases(j, &da, ph) == 0) {
		g->bal[k - 1].draw_da = da;
		evse_glb_rotate(g->map.sat[sat].phases, g->map.sat[sat].l1, ph, g->bal[k - 1].phase_da);
	}
}

/* What the relay knows of connector k now. */
static void view(struct evse_group *g, int k, struct evse_glb_conn *c)
{
	struct bal_point *b = &g->bal[k - 1];
	int sat, local;
	*c = (struct evse_glb_conn){.draw_da = -1, .max_da = EVSE_GLB_DEFAULT_MAX_DA};
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return;
	if (sat < 0) { /* the Master's own socket */
		struct evse_status st;
		evse_charge_status(g->st->charge, g->now, &st);
		c->connected = true;
		c->session = st.session.active;
		c->max_da = g->cfg->max_current_a * 10;
		c->phases =
		    evse_group_phase_mask(g->cfg->phases, 1); /* the group's phases are named from the Master's */
		c->draw_da = 0;
		c->has_phase_draw = true;
		for (int p = 0; p < EVSE_LB_PHASES; p++) {
			int now_da = p < EVSE_PHASES && p < g->cfg->phases ? (int)(st.meter.current_a[p] * 10) : -1;
			if (now_da > c->draw_da)
				c->draw_da = now_da;
			/* the grid meter's reading may be up to a cycle older than the station's own: of the draw now
			 * and a cycle ago the smaller is taken out (the house then looks bigger, never smaller) */
			c->phase_draw_da[p] = b->phase_da[p] >= 0 && b->phase_da[p] < now_da ? b->phase_da[p] : now_da;
			b->phase_da[p] = now_da;
		}
	} else {
		const struct conn_status *cs = &g->sat[sat].status[local];
		c->max_da = g->map.sat[sat].max_a * 10;
		c->phases = evse_group_phase_mask(g->map.sat[sat].phases, g->map.sat[sat].l1);
		c->connected = g->sat[sat].conn != NULL;
		c->session = c->connected && cs->known && evse_glb_session(cs->status, b->in_tx);
		if (!c->connected || !cs->known || (!c->session && cs->status != OCPP_CHARGE_POINT_STATUS_PREPARING))
			b->in_tx = false; /* the transaction is over (Finishing, Available) or its Satellite gone */
		c->draw_da = b->draw_da;
		for (int p = 0; p < EVSE_LB_PHASES; p++) {
			c->phase_draw_da[p] = b->phase_da[p];
			c->has_phase_draw |= b->phase_da[p] >= 0;
		}
	}
	if (c->session && !b->session)
		b->start_ms = (int64_t)g->now;
	if (!c->session) { /* the next session's EV is not this one */
		b->draw_da = -1;
		for (int p = 0; p < EVSE_LB_PHASES; p++)
			b->phase_da[p] = -1;
	}
	bool ended = b->session && !c->session;
	b->session = c->session;
	c->session_start_ms = b->start_ms;
	c->has_cap = evse_group__caps_point(g, k, c->session, ended,
	                                    evse_station_wall_ms(g->st) - (int64_t)(g->now - (uint64_t)b->start_ms),
	                                    &c->cap_da) == 1;
}

/* What the Master knows of the whole group: the threshold, the grid meter of its DPM (the house load), and
 * upstream's cap of the whole station (evse_group_caps.c). */
static void group_view(struct evse_group *g, struct evse_glb_group *grp)
{
	double grid_a[EVSE_LB_PHASES], limit_a;
	*grp = (struct evse_glb_group){.threshold_a = evse_group__threshold(g), .cap_da = evse_group__caps_station(g)};
	int gr = g->st->dpm ? evse_dpm_link_grid(g->st->dpm, grid_a, &limit_a) : 0;
	if (gr != 0) {
		grp->has_grid = true;
		grp->grid_fault = gr < 0;
		for (int p = 0; p < EVSE_LB_PHASES && gr > 0; p++) {
			double da = ceil(grid_a[p] * 10 - 1e-6); /* rounded up: the house never looks smaller */
			grp->grid_da[p] = da > EVSE_LB_MAX_DA    ? EVSE_LB_MAX_DA
			                  : da < -EVSE_LB_MAX_DA ? -EVSE_LB_MAX_DA
			                                         : (int)da;
		}
		/* the contract (dpm_limit) is shared with the house; the group's own threshold caps the group:
		 * room = min(group_threshold, dpm_limit - house) */
		if (grp->cap_da == EVSE_LB_NO_CAP || grp->cap_da > grp->threshold_a * 10)
			grp->cap_da = grp->threshold_a * 10;
		grp->threshold_a = limit_a < 1 ? 1 : limit_a > EVSE_LB_MAX_DA / 10 ? EVSE_LB_MAX_DA / 10 : (int)limit_a;
	}
}

/* Sends limit da to target k (the Master's socket, or a Satellite's first connector with its total). */
static void apply(struct evse_group *g, int k, int da)
{
	struct bal_point *b = &g->bal[k - 1];
	int sat, local;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return;
	if (sat >= 0) {
		const struct group_conn *c = g->sat[sat].conn;
		if (!c) {
			b->sent_da = -1; /* sent again when it is back */
			return;
		}
		if (c->serial != b->serial)
			b->sent_da = -1;
		b->serial = c->serial;
	}
	if (!evse_glb_should_apply(b->sent_da, da))
		return;
	if (evse_group_set_point_limit(g, k, da / 10.0) == 0) {
		WL_DEBUG(MOD, "connector %d: limit %d.%d A", k, da / 10, da % 10);
		b->sent_da = da;
	}
}

/* A connector of a Satellite of several: its own share as a TxDefaultProfile on it, besides the Satellite's
 * total; not where upstream has a TxDefaultProfile of the same stack level (it would be replaced: the total
 * still bounds the Satellite). */
static void apply_connector(struct evse_group *g, int k, int da)
{
	struct bal_point *b = &g->bal[k - 1];
	int sat, local;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0 || sat < 0)
		return;
	const struct group_conn *c = g->sat[sat].conn;
	if (!c || c->serial != b->conn_serial)
		b->conn_sent_da = -1;
	if (!c)
		return;
	b->conn_serial = c->serial;
	if (evse_group__caps_has_level(g, k, EVSE_GROUP_PROFILE_LEVEL)) {
		if (b->conn_sent_da != -2)
			WL_WARN(
			    MOD,
			    "connector %d: upstream has a TxDefaultProfile of stack level %d there: only %s's total "
			    "is capped",
			    k, EVSE_GROUP_PROFILE_LEVEL, g->map.sat[sat].id);
		b->conn_sent_da = -2;
		return;
	}
	if (b->conn_sent_da == -2)
		b->conn_sent_da = -1;
	if (!evse_glb_should_apply(b->conn_sent_da, da))
		return;
	if (evse_group_set_connector_limit(g, k, da / 10.0) == 0)
		b->conn_sent_da = da;
}

/* The threshold changed at run time (the Local Management System): a balancer started or stopped. 0, or -1 when
 * none runs now. */
static int retune(struct evse_group *g)
{
	char err[160];
	int t = evse_group__threshold(g);
	if (t > 0 && !g->lb) {
		if (bal_start(g, err, sizeof(err)) < 0) {
			WL_WARN(MOD, "load balancing: %s", err);
			evse_group__bal_free(g);
			return -1;
		}
		g->lb_at = 0;
	} else if (t <= 0 && g->lb) {
		evse_group__bal_free(g);
		if (g->st->dpm) /* the Master's own limit is DPM's again */
			evse_dpm_link_yield(g->st->dpm, false);
		/* every share lifted, the Satellites' totals and their connectors' shares (a pause or cap of the LMS
		 * stays); a Satellite offline gets it when it is back */
		for (int k = 1; k <= g->map.total; k++)
			g->bal[k - 1].sent_da = g->bal[k - 1].lim_da = g->bal[k - 1].conn_sent_da = -1;
		evse_group__lms_unbalanced(g);
		WL_INFO(MOD, "load balancing off");
		return -1;
	}
	return 0;
}

void evse_group__bal_tick(struct evse_group *g)
{
	struct evse_glb_conn c[EVSE_LB_MAX_POINTS];
	int last[EVSE_LB_MAX_POINTS];
	struct evse_lb_input in;
	struct evse_lb_output out;
	char err[160];
	int n = g->map.total;

	if (retune(g) < 0 || !g->lb || (g->lb_at && g->now - g->lb_at < 1000))
		return;
	g->lb_at = g->now;
	for (int k = 1; k <= n; k++) {
		view(g, k, &c[k - 1]);
		last[k - 1] = g->bal[k - 1].lim_da;
	}
	struct evse_glb_group grp;
	group_view(g, &grp);
	int rc = evse_glb_inputs(&grp, c, n, last, &in, err, sizeof(err));
	if (rc == 0)
		evse_group__lms_caps(g, &in); /* the Local Management System's pauses and limits per point */
	if (rc < 0 || evse_lb_run(g->lb, (int64_t)g->now, &in, &out, err, sizeof(err)) < 0) {
		WL_WARN(MOD, "load balancing: %s (every point at 0 A)", err);
		memset(&out, 0, sizeof(out));
	}
	for (int k = 1; k <= n; k++)
		g->bal[k - 1].lim_da = out.point[k - 1].limit_da;
	apply(g, 1, out.point[0].limit_da);
	for (int s = 0; s < g->map.n_sat; s++) {
		int total = 0;
		for (int i = 0; i < g->map.sat[s].connectors; i++)
			total += out.point[g->map.sat[s].first - 1 + i].limit_da;
		apply(g, g->map.sat[s].first, total);
		for (int i = 0; i < g->map.sat[s].connectors && g->map.sat[s].connectors > 1; i++)
			apply_connector(g, g->map.sat[s].first + i, out.point[g->map.sat[s].first - 1 + i].limit_da);
	}
}

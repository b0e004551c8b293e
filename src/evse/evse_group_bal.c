/* evse_group_bal.c — the Master's load balancer (group_threshold > 0): every second the relay's view of each
 * connector (its status, a transaction running, its EV's latest Current.Import; the Master's own socket from
 * its charge state) goes through evse_group_lb into evse_lb, and the limits that changed by 0.5 A or more (or
 * from or to 0) are applied with evse_group_set_point_limit. A suspended session (0 A) is never stopped. */
#include "evse_group_int.h"

#include <stdio.h>
#include <string.h>

#include "evse_group_lb.h"
#include "evse_lb.h"
#include "wl_log.h"

#define MOD "group"

int evse_group__bal_new(struct evse_group *g, char *err, size_t errcap)
{
	struct evse_lb_config cfg;
	for (int i = 0; i < EVSE_GROUP_POINTS_MAX; i++)
		g->bal[i] = (struct bal_point){.draw_da = -1, .lim_da = -1, .sent_da = -1};
	if (evse_group__threshold(g) <= 0)
		return 0;
	if (g->map.total > EVSE_LB_MAX_POINTS) {
		snprintf(err, errcap, "group_threshold: the group has %d connectors, at most %d can be balanced",
		         g->map.total, EVSE_LB_MAX_POINTS);
		return -1;
	}
	evse_lb_config_defaults(&cfg);
	g->lb = evse_lb_new(&cfg, err, errcap);
	if (!g->lb)
		return -1;
	WL_INFO(MOD, "load balancing %d connectors under %d A per phase", g->map.total, evse_group__threshold(g));
	return 0;
}

void evse_group__bal_free(struct evse_group *g)
{
	evse_lb_free(g->lb);
	g->lb = NULL;
}

void evse_group__bal_seen(struct evse_group *g, enum ocpp_action a, int k, const cJSON *j)
{
	int da;
	if (k < 1 || k > EVSE_GROUP_POINTS_MAX)
		return;
	if (a == OCPP_StartTransaction)
		g->bal[k - 1].in_tx = true;
	else if (a == OCPP_MeterValues && evse_glb_current_import(j, &da) == 0)
		g->bal[k - 1].draw_da = da;
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
		c->draw_da = 0;
		for (int p = 0; p < EVSE_PHASES; p++)
			if (st.meter.current_a[p] * 10 > c->draw_da)
				c->draw_da = (int)(st.meter.current_a[p] * 10);
	} else {
		const struct conn_status *cs = &g->sat[sat].status[local];
		c->connected = g->sat[sat].conn != NULL;
		c->session = c->connected && cs->known && evse_glb_session(cs->status, b->in_tx);
		if (!c->connected || !cs->known || (!c->session && cs->status != OCPP_CHARGE_POINT_STATUS_PREPARING))
			b->in_tx = false; /* the transaction is over (Finishing, Available) or its Satellite gone */
		c->draw_da = b->draw_da;
	}
	if (c->session && !b->session)
		b->start_ms = (int64_t)g->now;
	if (!c->session)
		b->draw_da = -1; /* the next session's EV is not this one */
	b->session = c->session;
	c->session_start_ms = b->start_ms;
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

/* The threshold changed at run time (the Local Management System): a balancer started or stopped. 0, or -1 when
 * none runs now. */
static int retune(struct evse_group *g)
{
	char err[160];
	int t = evse_group__threshold(g);
	if (t > 0 && !g->lb) {
		struct evse_lb_config cfg;
		evse_lb_config_defaults(&cfg);
		if (g->map.total > EVSE_LB_MAX_POINTS || !(g->lb = evse_lb_new(&cfg, err, sizeof(err))))
			return -1;
		WL_INFO(MOD, "load balancing %d connectors under %d A per phase", g->map.total, t);
		g->lb_at = 0;
	} else if (t <= 0 && g->lb) {
		evse_group__bal_free(g);
		for (int k = 1; k <= g->map.total; k++) { /* every share lifted (a pause or cap of the LMS stays) */
			g->bal[k - 1].sent_da = g->bal[k - 1].lim_da = -1;
			evse_group__lms_apply(g, k);
		}
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
	int rc = evse_glb_inputs(evse_group__threshold(g), c, n, last, &in, err, sizeof(err));
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
	}
}

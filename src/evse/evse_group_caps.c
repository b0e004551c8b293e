/* evse_group_caps.c — upstream's smart-charging limits as the Master's balancer caps: the ChargePointMaxProfile
 * on connector 0 (kept by the Master's own client) caps the whole group per phase; the TxProfiles and
 * TxDefaultProfiles upstream sets on a Satellite's connector k go down to it as before, and the Master keeps a
 * copy (one evse_smart table per connector) once the Satellite accepted them, so that the balancer shares
 * knowing that point's cap. A TxProfile ends with the point's session. */
#include "evse_group_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "evse_lb.h"
#include "wl_log.h"

#define MOD "group"

int evse_group__caps_new(struct evse_group *g)
{
	g->caps = calloc(EVSE_GROUP_POINTS_MAX, sizeof(*g->caps));
	if (!g->caps)
		return -1;
	for (int k = 0; k < EVSE_GROUP_POINTS_MAX; k++)
		evse_smart_init(&g->caps[k], g->cfg->voltage_v, 3);
	for (int s = 0; s < g->map.n_sat; s++)
		for (int c = 0; c < g->map.sat[s].connectors; c++)
			if (g->map.sat[s].first + c <= EVSE_GROUP_POINTS_MAX)
				g->caps[g->map.sat[s].first + c - 1].phases = g->map.sat[s].phases;
	return 0;
}

void evse_group__caps_free(struct evse_group *g)
{
	free(g->caps);
	g->caps = NULL;
}

static int64_t wall(const struct evse_group *g)
{
	return evse_station_wall_ms(g->st);
}

void evse_group__caps_down(struct evse_group *g, struct down_slot *s, const struct ocpp_incoming *in, int k)
{
	char err[160];
	const struct ocpp_charging_profile *cp = NULL;
	s->cap = (struct cap_change){.kind = CAPS_NONE, .k = k};
	if (!g->caps || k < 1 || k > EVSE_GROUP_POINTS_MAX)
		return;
	if (in->action == OCPP_SetChargingProfile)
		cp = ((const struct ocpp_set_charging_profile_req *)in->req)->cs_charging_profiles;
	else if (in->action == OCPP_RemoteStartTransaction)
		cp = ((const struct ocpp_remote_start_transaction_req *)in->req)->charging_profile;
	if (cp) {
		if (evse_ocpp_smart_profile(cp, 1, wall(g), &s->cap.prof, err, sizeof(err)) == 0)
			s->cap.kind = CAPS_SET; /* a profile the Satellite will refuse is not kept either */
		return;
	}
	if (in->action == OCPP_ClearChargingProfile) {
		static const int purposes[] = {
		    [OCPP_CHARGING_PROFILE_PURPOSE_CHARGE_POINT_MAX_PROFILE] = EVSE_SMART_CP_MAX,
		    [OCPP_CHARGING_PROFILE_PURPOSE_TX_DEFAULT_PROFILE] = EVSE_SMART_TX_DEFAULT,
		    [OCPP_CHARGING_PROFILE_PURPOSE_TX_PROFILE] = EVSE_SMART_TX,
		};
		const struct ocpp_clear_charging_profile_req *req = in->req;
		s->cap.kind = CAPS_CLEAR;
		s->cap.id = req->has_id ? req->id : -1;
		s->cap.purpose = req->has_charging_profile_purpose ? purposes[req->charging_profile_purpose] : -1;
		s->cap.stack = req->has_stack_level ? (int)req->stack_level : -1;
	}
}

void evse_group__caps_outcome(struct evse_group *g, const struct down_slot *s, const struct ocpp_outcome *out)
{
	bool ok = false;
	if (!g->caps || s->cap.kind == CAPS_NONE || out->kind != OCPP_OUTCOME_RESULT)
		return;
	switch (s->action) {
	case OCPP_SetChargingProfile:
		ok = ((const struct ocpp_set_charging_profile_conf *)out->conf)->status ==
		     OCPP_CHARGING_PROFILE_STATUS_ACCEPTED;
		break;
	case OCPP_RemoteStartTransaction:
		ok = ((const struct ocpp_remote_start_transaction_conf *)out->conf)->status ==
		     OCPP_GENERIC_STATUS_ACCEPTED;
		break;
	case OCPP_ClearChargingProfile:
		ok = ((const struct ocpp_clear_charging_profile_conf *)out->conf)->status ==
		     OCPP_CLEAR_CHARGING_PROFILE_STATUS_ACCEPTED;
		break;
	default: return;
	}
	if (!ok)
		return;
	struct evse_smart *t = &g->caps[s->cap.k - 1];
	if (s->cap.kind == CAPS_SET) {
		if (evse_smart_add(t, &s->cap.prof) < 0)
			WL_WARN(MOD, "connector %d: profile %" PRId64 " not kept for balancing (%d installed)",
			        s->cap.k, s->cap.prof.id, EVSE_SMART_MAX_PROFILES);
	} else {
		/* with an id the others are ignored (ClearChargingProfile); the copy holds this connector only */
		evse_smart_clear(t, s->cap.id, -1, s->cap.purpose, s->cap.stack, NULL, 0);
	}
}

int evse_group__caps_point(struct evse_group *g, int k, bool session, bool ended, int64_t start_wall_ms, int *cap_da)
{
	int sat, local;
	double a;
	if (evse_group_map_down(&g->map, k, &sat, &local) < 0)
		return 0;
	if (sat < 0) { /* the Master's own socket: what its own client applies */
		a = g->st->ocpp ? evse_ocpp_smart_limit(g->st->ocpp) : -1.0;
	} else {
		if (!g->caps)
			return 0;
		struct evse_smart *t = &g->caps[k - 1];
		struct evse_smart_tx tx = {.active = session, .id = 0, .start_ms = start_wall_ms};
		if (ended) /* a TxProfile given before its session (a remote start's) waits for it */
			evse_smart_end_tx(t, NULL, 0);
		a = evse_smart_limit_at(t, 1, &tx, wall(g), wall(g), NULL);
	}
	if (a < 0.0)
		return 0;
	*cap_da = a * 10 > 800 ? 800 : (int)(a * 10 + 1e-6);
	return 1;
}

int evse_group__caps_station(struct evse_group *g)
{
	double a = g->st->ocpp ? evse_ocpp_station_max(g->st->ocpp) : -1.0;
	if (a < 0.0)
		return EVSE_LB_NO_CAP;
	return a * 10 > EVSE_LB_MAX_DA ? EVSE_LB_MAX_DA : (int)(a * 10 + 1e-6);
}

bool evse_group__caps_has_level(const struct evse_group *g, int k, int level)
{
	if (!g->caps || k < 1 || k > EVSE_GROUP_POINTS_MAX)
		return false;
	const struct evse_smart *t = &g->caps[k - 1];
	for (size_t i = 0; i < t->n; i++)
		if (t->p[i].purpose == EVSE_SMART_TX_DEFAULT && t->p[i].stack_level == level)
			return true;
	return false;
}

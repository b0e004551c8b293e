/* evse_ocpp_resv.c — the reservation in force survives a restart: it is written to the store when
 * accepted (expiry as wall time), forgotten when the charging point lets it go (used, expired, cancelled),
 * and handed back to the charging point after its self-test at the next start, unless it expired. */
#include "evse_ocpp_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_log.h"

#define MOD "ocpp"

void evse_ocpp__resv_save(struct evse_ocpp *o, const struct evse_reservation *r, int64_t expiry_wall)
{
	char id[24], exp[40];
	snprintf(id, sizeof(id), "%" PRId64, r->id);
	ocpp_time_format(expiry_wall, exp, sizeof(exp));
	evse_store_begin(o->st);
	evse_store_set(o->st, "resv.id", id);
	evse_store_set(o->st, "resv.expiry", exp);
	evse_store_set(o->st, "resv.id_tag", r->id_tag);
	evse_store_set(o->st, "resv.parent", r->parent);
	evse_store_commit(o->st);
	o->resv_saved = true;
	o->resv_saved_id = r->id;
	o->resv_restore = false;
}

static void forget(struct evse_ocpp *o)
{
	evse_store_set(o->st, "resv.id", "");
	o->resv_saved = false;
	o->resv_restore = false;
}

/* The stored reservation back in force: once, after the self-test. */
static void restore(struct evse_ocpp *o)
{
	char id[24] = "", exp[40] = "";
	struct evse_reservation r;
	int64_t expiry, wall = (int64_t)evse_ocpp__wall(o);
	memset(&r, 0, sizeof(r));
	evse_store_get(o->st, "resv.id", id, sizeof(id));
	evse_store_get(o->st, "resv.expiry", exp, sizeof(exp));
	evse_store_get(o->st, "resv.id_tag", r.id_tag, sizeof(r.id_tag));
	evse_store_get(o->st, "resv.parent", r.parent, sizeof(r.parent));
	r.id = strtoll(id, NULL, 10);
	if (!ocpp_time_parse(exp, &expiry) || expiry <= wall) {
		WL_INFO(MOD, "stored reservation %s expired while the station was off", id);
		forget(o);
		return;
	}
	r.expires_ms = o->now + (uint64_t)(expiry - wall);
	enum evse_reserve rc = evse_charge_reserve(o->charge, &r, o->now);
	if (rc != EVSE_RESERVE_ACCEPTED) {
		WL_WARN(MOD, "stored reservation %s cannot be restored (%d): dropped", id, (int)rc);
		forget(o);
		return;
	}
	WL_INFO(MOD, "reservation %s of \"%s\" restored", id, r.id_tag);
	o->resv_restore = false;
	o->resv_saved = true;
	o->resv_saved_id = r.id;
}

void evse_ocpp__resv_load(struct evse_ocpp *o)
{
	char id[24] = "";
	if (evse_store_get(o->st, "resv.id", id, sizeof(id)) == 1 && id[0])
		o->resv_restore = true;
}

void evse_ocpp__resv_tick(struct evse_ocpp *o)
{
	if (o->resv_restore) {
		if (evse_charge_state(o->charge) != EVSE_STATE_SELFTEST)
			restore(o);
		return;
	}
	if (!o->resv_saved)
		return;
	const struct evse_reservation *r = evse_charge_reservation(o->charge);
	if (!r || r->id != o->resv_saved_id)
		forget(o);
}

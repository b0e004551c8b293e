/* csms_socket_spec.c — a socket's description, type, phases and maximum current: parsed, written. */
#include "csms_socket_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_station_db.h"
#include "csms_store.h"

static const char *const socket_types[] = {"Type1", "Type2", "Type3A", "Type3C", "Schuko", "CHAdeMO", "CCS2"};

static bool given(cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name) != NULL;
}

bool csms_socket_spec_parse(struct csms_http_req *r, cJSON *obj, bool with_id, struct csms_socket_spec *sp)
{
	bool bad = false;
	long long phases = 0, amps = 0, id = 0;
	if (!cJSON_IsObject(obj)) {
		csms_http_respond_error(r, 400, "bad_field", "sockets: each must be an object");
		return false;
	}
	if (with_id && !csms_api_int(r, obj, "connectorId", true, 1, 100, &id, &bad))
		return false;
	const char *desc = csms_api_str(r, obj, "description", false, 100, &bad);
	const char *type = csms_api_str(r, obj, "type", false, 20, &bad);
	if (bad)
		return false;
	bool type_ok = !type;
	for (size_t i = 0; type && i < sizeof(socket_types) / sizeof(socket_types[0]); i++)
		type_ok = type_ok || strcmp(socket_types[i], type) == 0;
	if (!type_ok) {
		csms_http_respond_error(
		    r, 400, "bad_field",
		    "type: must be one of Type1, Type2, Type3A, Type3C, Schuko, CHAdeMO, CCS2 or null");
		return false;
	}
	if (csms_api_int(r, obj, "phases", false, 1, 3, &phases, &bad) && phases == 2) {
		csms_http_respond_error(r, 400, "bad_field", "phases: must be 1, 3 or null");
		return false;
	}
	csms_api_int(r, obj, "maxCurrent", false, 1, 1000, &amps, &bad);
	if (bad)
		return false;
	if (with_id)
		sp->connector = (int)id;
	snprintf(sp->description, sizeof(sp->description), "%s", desc ? desc : "");
	snprintf(sp->type, sizeof(sp->type), "%s", type ? type : "");
	sp->phases = (int)phases;
	sp->max_current = (int)amps;
	sp->has_description = given(obj, "description"); /* null clears it, like the other fields */
	sp->has_type = given(obj, "type");
	sp->has_phases = given(obj, "phases");
	sp->has_max_current = given(obj, "maxCurrent");
	return true;
}

static cJSON *num_or_null(int v)
{
	return v ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

void csms_socket_spec_json(cJSON *o, const struct csms_socket_spec *sp)
{
	if (sp->has_description)
		cJSON_AddStringToObject(o, "description", sp->description);
	if (sp->has_type)
		cJSON_AddItemToObject(o, "type", sp->type[0] ? cJSON_CreateString(sp->type) : cJSON_CreateNull());
	if (sp->has_phases)
		cJSON_AddItemToObject(o, "phases", num_or_null(sp->phases));
	if (sp->has_max_current)
		cJSON_AddItemToObject(o, "maxCurrent", num_or_null(sp->max_current));
}

int csms_socket_spec_write(struct csms_store *st, const struct csms_socket_spec *sp)
{
	/* a socket may be described before the station ever reported it */
	struct csms_connector_spec c = {sp->station,    sp->connector,      sp->description,     sp->type,
	                                sp->phases,     sp->max_current,    sp->has_description, sp->has_type,
	                                sp->has_phases, sp->has_max_current};
	return csms_station_db_set_connector_spec(st, &c) < 0 ? -1 : 0;
}

struct spec_job {
	struct csms_job job;
	struct csms_socket_spec sp;
};

static int exec_spec(struct csms_store *st, struct csms_job *job)
{
	return csms_socket_spec_write(st, &((struct spec_job *)job)->sp);
}

bool csms_socket_spec_submit(struct csms *app, const struct csms_socket_spec *sp)
{
	struct spec_job *j = calloc(1, sizeof(*j));
	if (!j)
		return false;
	j->job.exec = exec_spec; /* done NULL: the store frees it */
	j->sp = *sp;
	csms_store_submit(app->store, &j->job);
	return true;
}

/* csms_socket_spec.c — a socket's description, type, phases and maximum current: parsed, written. */
#include "csms_socket_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_connector_db.h"
#include "csms_station_db.h"
#include "csms_store.h"

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
	return csms_connector_db_set_spec(st, &c) < 0 ? -1 : 0;
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

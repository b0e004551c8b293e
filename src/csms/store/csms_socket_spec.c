/* csms_socket_spec.c — a socket's description, type, phases and maximum current: parsed, written. */
#include "csms_socket_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	sqlite3_stmt *s = csms_store_stmt(
	    st, "INSERT INTO connector (station_id, connector_id, description, type, phases, max_current) "
	        "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (station_id, connector_id) DO UPDATE SET "
	        "description = CASE WHEN ?7 THEN excluded.description ELSE description END, "
	        "type = CASE WHEN ?8 THEN excluded.type ELSE type END, "
	        "phases = CASE WHEN ?9 THEN excluded.phases ELSE phases END, "
	        "max_current = CASE WHEN ?10 THEN excluded.max_current ELSE max_current END");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, sp->station, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, sp->connector);
	sqlite3_bind_text(s, 3, sp->description, -1, SQLITE_STATIC);
	if (sp->type[0])
		sqlite3_bind_text(s, 4, sp->type, -1, SQLITE_STATIC);
	if (sp->phases)
		sqlite3_bind_int(s, 5, sp->phases);
	if (sp->max_current)
		sqlite3_bind_int(s, 6, sp->max_current);
	sqlite3_bind_int(s, 7, sp->has_description);
	sqlite3_bind_int(s, 8, sp->has_type);
	sqlite3_bind_int(s, 9, sp->has_phases);
	sqlite3_bind_int(s, 10, sp->has_max_current);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
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

/* csms_socket_form.c — a socket's description, type, phases and maximum current read from a JSON body. */
#include "csms_socket_form.h"

#include <stdio.h>
#include <string.h>

#include "csms_api.h"

static const char *const socket_types[] = {"Type1", "Type2", "Type3A", "Type3C", "Schuko", "CHAdeMO", "CCS2"};

static bool given(cJSON *obj, const char *name)
{
	return cJSON_GetObjectItemCaseSensitive(obj, name) != NULL;
}

bool csms_socket_form_parse(struct csms_http_req *r, cJSON *obj, bool with_id, struct csms_socket_spec *sp)
{
	bool bad = false;
	long long phases = 0, amps = 0, id = 0;
	if (!cJSON_IsObject(obj)) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "sockets: each must be an object");
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
		csms_http_fail(r, CSMS_ERR_BAD_FIELD,
		               "type: must be one of Type1, Type2, Type3A, Type3C, Schuko, CHAdeMO, CCS2 or null");
		return false;
	}
	if (csms_api_int(r, obj, "phases", false, 1, 3, &phases, &bad) && phases == 2) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "phases: must be 1, 3 or null");
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

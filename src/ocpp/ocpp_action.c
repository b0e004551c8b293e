/* ocpp_action.c — the action table generated from actions.def. */
#include "ocpp_action.h"

#include <string.h>

const struct ocpp_action_info ocpp_actions[OCPP_ACTION_COUNT] = {
#define X(name, snake, dir, profile)                                                                                   \
	[OCPP_##name] = {#name, dir, profile, &ocpp_type_##snake##_req, &ocpp_type_##snake##_conf},
#include "actions.def"
#undef X
};

const char *ocpp_action_name(enum ocpp_action action)
{
	if ((unsigned)action >= OCPP_ACTION_COUNT)
		return NULL;
	return ocpp_actions[action].name;
}

int ocpp_action_lookup(const char *name)
{
	for (int i = 0; i < OCPP_ACTION_COUNT; i++)
		if (strcmp(ocpp_actions[i].name, name) == 0)
			return i;
	return -1;
}

/* ocpp_action.h — the OCPP 1.6 actions (from actions.def): enum, names, direction, profile, and the
 * request/response type of each. All tables are static; nothing is allocated. */
#ifndef OCPP_ACTION_H
#define OCPP_ACTION_H

#include "ocpp_schema.h"
#include "ocpp_types.h"

enum ocpp_direction {
	OCPP_FROM_CP = 1, /* charge point -> central system */
	OCPP_FROM_CS = 2, /* central system -> charge point */
	OCPP_FROM_BOTH = 3,
};

enum ocpp_profile {
	OCPP_PROFILE_CORE,
	OCPP_PROFILE_FIRMWARE,
	OCPP_PROFILE_LOCAL_LIST,
	OCPP_PROFILE_RESERVATION,
	OCPP_PROFILE_SMART_CHARGING,
	OCPP_PROFILE_REMOTE_TRIGGER,
	OCPP_PROFILE_SECURITY,
};

enum ocpp_action {
#define X(name, snake, dir, profile) OCPP_##name,
#include "actions.def"
#undef X
	OCPP_ACTION_COUNT
};

struct ocpp_action_info {
	const char *name;
	enum ocpp_direction sent_by;
	enum ocpp_profile profile;
	const struct ocpp_type *req;
	const struct ocpp_type *conf;
};

extern const struct ocpp_action_info ocpp_actions[OCPP_ACTION_COUNT];

/* Name of an action ("BootNotification"), or NULL when out of range. */
const char *ocpp_action_name(enum ocpp_action action);
/* The action with that exact name, or -1 when OCPP 1.6 has none. */
int ocpp_action_lookup(const char *name);

#endif

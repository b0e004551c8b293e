/* evse_model.h — the three station models of the product sheet (000 "Versions": LITE, BUSINESS, PRO), the
 * operating modes each one has, and the place a station takes in a Master/Satellite group. One table. */
#ifndef EVSE_MODEL_H
#define EVSE_MODEL_H

#include <stdbool.h>
#include <stddef.h>

enum evse_mode { EVSE_MODE_FREE, EVSE_MODE_PERSONAL, EVSE_MODE_WEB };
/* 000's versions; what each allows is the table of evse_model.c */
enum evse_model { EVSE_MODEL_LITE, EVSE_MODEL_BUSINESS, EVSE_MODEL_PRO };
enum evse_group_role { EVSE_GROUP_NONE, EVSE_GROUP_MASTER, EVSE_GROUP_SATELLITE };

/* "FREE", "PERSONAL", "WEB", NULL: index = enum evse_mode (the config option's values). */
extern const char *const evse_mode_names[];
/* "LITE", "BUSINESS", "PRO", NULL: index = enum evse_model (the config option's values). */
extern const char *const evse_model_names[];

const char *evse_mode_name(enum evse_mode m);
const char *evse_model_name(enum evse_model m);
const char *evse_role_name(enum evse_group_role r);

/* Whether the model has the mode. */
bool evse_model_has_mode(enum evse_model m, enum evse_mode mode);

/* Checks a mode (and whether an OCPP address is set) against the model: 0, or -1 with a message in err
 * naming the mode and what the model allows ("mode FREE: not available on a PRO station (PRO: WEB/NET
 * Master)"). A LITE station has no OCPP at all: an ocpp_url is refused. */
int evse_model_check(enum evse_model m, enum evse_mode mode, bool has_ocpp_url, char *err, size_t errcap);

/* The group role of a station of model m in mode: WEB on BUSINESS is a Satellite, WEB on PRO the Master,
 * anything else none. */
enum evse_group_role evse_model_role(enum evse_model m, enum evse_mode mode);

#endif

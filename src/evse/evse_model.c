/* evse_model.c — the model table: which operating modes LITE, BUSINESS and PRO have (000 "Versions" and
 * "Operating modes"), whether they speak OCPP, and what WEB/NET makes of them in a group. */
#include "evse_model.h"

#include <stdio.h>

#define M(mode) (1u << (mode))

struct model_row {
	const char *name;
	unsigned modes;           /* M(EVSE_MODE_...) of the modes the model has */
	bool ocpp;                /* has an OCPP client at all */
	enum evse_group_role web; /* its role in mode WEB */
	const char *allowed;      /* what the messages say it allows */
};

static const struct model_row models[] = {
    [EVSE_MODEL_LITE] = {"LITE", M(EVSE_MODE_FREE) | M(EVSE_MODE_PERSONAL), false, EVSE_GROUP_NONE,
                         "FREE, PERSONAL (app, no OCPP)"},
    [EVSE_MODEL_BUSINESS] = {"BUSINESS", M(EVSE_MODE_FREE) | M(EVSE_MODE_PERSONAL) | M(EVSE_MODE_WEB), true,
                             EVSE_GROUP_SATELLITE, "FREE, PERSONAL, WEB/NET Satellite"},
    [EVSE_MODEL_PRO] = {"PRO", M(EVSE_MODE_WEB), true, EVSE_GROUP_MASTER, "WEB/NET Master"},
};
#define N_MODELS (sizeof(models) / sizeof(models[0]))

const char *const evse_mode_names[] = {"FREE", "PERSONAL", "WEB", NULL};
const char *const evse_model_names[] = {"LITE", "BUSINESS", "PRO", NULL};

static const struct model_row *row(enum evse_model m)
{
	return (unsigned)m < N_MODELS ? &models[m] : NULL;
}

const char *evse_mode_name(enum evse_mode m)
{
	return (unsigned)m < 3 ? evse_mode_names[m] : "?";
}

const char *evse_model_name(enum evse_model m)
{
	const struct model_row *r = row(m);
	return r ? r->name : "?";
}

const char *evse_role_name(enum evse_group_role r)
{
	static const char *const names[] = {
	    [EVSE_GROUP_NONE] = "none", [EVSE_GROUP_SATELLITE] = "Satellite", [EVSE_GROUP_MASTER] = "Master"};
	return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

bool evse_model_has_mode(enum evse_model m, enum evse_mode mode)
{
	const struct model_row *r = row(m);
	return r && (unsigned)mode < 32 && (r->modes & M(mode));
}

int evse_model_check(enum evse_model m, enum evse_mode mode, bool has_ocpp_url, char *err, size_t errcap)
{
	const struct model_row *r = row(m);
	if (!r) {
		snprintf(err, errcap, "model: %d is not LITE, BUSINESS or PRO", (int)m);
		return -1;
	}
	if (!evse_model_has_mode(m, mode)) {
		snprintf(err, errcap, "mode %s: not available on a %s station (%s: %s)", evse_mode_name(mode), r->name,
		         r->name, r->allowed);
		return -1;
	}
	if (has_ocpp_url && !r->ocpp) {
		snprintf(err, errcap, "ocpp_url: a %s station has no OCPP (%s: %s); leave it empty", r->name, r->name,
		         r->allowed);
		return -1;
	}
	return 0;
}

enum evse_group_role evse_model_role(enum evse_model m, enum evse_mode mode)
{
	const struct model_row *r = row(m);
	return r && mode == EVSE_MODE_WEB && evse_model_has_mode(m, mode) ? r->web : EVSE_GROUP_NONE;
}

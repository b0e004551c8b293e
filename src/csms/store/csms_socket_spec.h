/* csms_socket_spec.h — what the MMS manual defines "when creating a new Station" for each socket: its
 * description, type (Type1, Type2, Type3A, Type3C, Schuko, CHAdeMO, CCS2), phases (1 or 3) and maximum
 * current (A). Read from JSON by api/csms_socket_form.c (only the fields given change; null clears),
 * written to `connector` by a store job. Used by PUT /stations/{id}/connectors/{c} and by the station registration's
 * "sockets". */
#ifndef CSMS_SOCKET_SPEC_H
#define CSMS_SOCKET_SPEC_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "csms.h"

struct csms_store;

struct csms_socket_spec {
	char station[64];
	int connector;
	char description[404]; /* up to 100 characters of UTF-8 */
	char type[16];         /* "" = null */
	int phases;            /* 0 = null */
	int max_current;       /* A; 0 = null */
	bool has_description, has_type, has_phases, has_max_current;
};

/* The fields given, as JSON members of o. */
void csms_socket_spec_json(cJSON *o, const struct csms_socket_spec *sp);
/* Writes sp on the store thread (inserts the connector row if missing). 0 or -1. */
int csms_socket_spec_write(struct csms_store *st, const struct csms_socket_spec *sp);
/* Submits a store job writing sp, not answered (for several sockets before one answer). False: no memory. */
bool csms_socket_spec_submit(struct csms *app, const struct csms_socket_spec *sp);

#endif

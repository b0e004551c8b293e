/* evse_group_map.h — the connector numbers of a Master/Satellite group, pure (no I/O): the Master's own
 * sockets are upstream connectors 1..own, then each configured Satellite's connectors in the configured
 * order. The order comes from the `group_satellites` setting ("SAT-A,SAT-B:2": ids, each with its number of
 * connectors after a colon, 1 when absent), so it is the same after every restart. */
#ifndef EVSE_GROUP_MAP_H
#define EVSE_GROUP_MAP_H

#include <stddef.h>

#define EVSE_GROUP_POINTS_MAX 16 /* the Master and its Satellites */
#define EVSE_GROUP_SAT_MAX    (EVSE_GROUP_POINTS_MAX - 1)
#define EVSE_GROUP_CONN_MAX   8  /* connectors of one Satellite */
#define EVSE_GROUP_ID_MAX     48 /* chargeBoxId: the last segment of the Satellite's OCPP address */

struct evse_group_sat {
	char id[EVSE_GROUP_ID_MAX + 1];
	int connectors; /* 1..EVSE_GROUP_CONN_MAX */
	int first;      /* its connector 1 upstream */
};

struct evse_group_map {
	int own; /* the Master's own sockets: upstream 1..own */
	int n_sat;
	struct evse_group_sat sat[EVSE_GROUP_SAT_MAX];
	int total; /* upstream connectors: own + every Satellite's */
};

/* Fills m from the setting text. 0, or -1 with the reason in err ("group_satellites: \"A:9\": 9 connectors
 * (1..8)"). An empty text is a group without Satellites. */
int evse_group_map_parse(struct evse_group_map *m, int own, const char *text, char *err, size_t errcap);

/* The index of Satellite id, or -1 when it is not configured. */
int evse_group_map_find(const struct evse_group_map *m, const char *id);

/* Upstream connector of Satellite sat's connector local (1..): -1 when out of range. */
int evse_group_map_up(const struct evse_group_map *m, int sat, int local);

/* Where upstream connector k is: 0 with *sat = -1 for the Master's own socket (*local = k), or *sat = the
 * Satellite and *local its connector; -1 for 0 (the whole station) and numbers past the last. */
int evse_group_map_down(const struct evse_group_map *m, int k, int *sat, int *local);

#endif

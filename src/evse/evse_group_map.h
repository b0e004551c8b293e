/* evse_group_map.h — the connector numbers of a Master/Satellite group, pure (no I/O): the Master's own
 * sockets are upstream connectors 1..own, then each configured Satellite's connectors in the configured
 * order. The order comes from the `group_satellites` setting, so it is the same after every restart: ids
 * separated by ',', each followed by optional fields after ':' in any order — the number of connectors
 * ("2", 1..8, default 1), each connector's maximum ("16A", 6..80 A, default 32 A), its phases ("1P" or
 * "3P", default 3P) and the group phase its L1 is wired to ("L2": a 1-phase point on the group's L2, a
 * 3-phase point wired L2-L3-L1; default L1): "SAT-A:16A:1P:L2,SAT-B,THIRD:2:22A". */
#ifndef EVSE_GROUP_MAP_H
#define EVSE_GROUP_MAP_H

#include <stddef.h>

#define EVSE_GROUP_POINTS_MAX 16 /* the Master and its Satellites */
#define EVSE_GROUP_SAT_MAX    (EVSE_GROUP_POINTS_MAX - 1)
#define EVSE_GROUP_CONN_MAX   8  /* connectors of one Satellite */
#define EVSE_GROUP_ID_MAX     48 /* chargeBoxId: the last segment of the Satellite's OCPP address */
#define EVSE_GROUP_MAX_A_DEF  32 /* a point's maximum when the list does not give it */
#define EVSE_GROUP_MAX_A_MIN  6
#define EVSE_GROUP_MAX_A_MAX  80

struct evse_group_sat {
	char id[EVSE_GROUP_ID_MAX + 1];
	int connectors; /* 1..EVSE_GROUP_CONN_MAX */
	int first;      /* its connector 1 upstream */
	int max_a;      /* each connector's maximum current (A) */
	int phases;     /* 1 or 3 */
	int l1;         /* the group phase (1..3) its L1 is wired to */
};

/* The group phases a point of phases wired with its L1 on group phase l1 uses, as a mask (bit 0: L1): a
 * 1-phase point one bit, a 3-phase point all three. */
unsigned evse_group_phase_mask(int phases, int l1);

struct evse_group_map {
	int own; /* the Master's own sockets: upstream 1..own */
	int n_sat;
	struct evse_group_sat sat[EVSE_GROUP_SAT_MAX];
	int total; /* upstream connectors: own + every Satellite's */
};

/* Fills m from the setting text. 0, or -1 with the reason in err ("group_satellites: \"A:9\": 9 connectors
 * (1..8)", "group_satellites: \"A:16X\": unknown field \"16X\" (...)"). An empty text is a group without
 * Satellites. */
int evse_group_map_parse(struct evse_group_map *m, int own, const char *text, char *err, size_t errcap);

/* The index of Satellite id, or -1 when it is not configured. */
int evse_group_map_find(const struct evse_group_map *m, const char *id);

/* Upstream connector of Satellite sat's connector local (1..): -1 when out of range. */
int evse_group_map_up(const struct evse_group_map *m, int sat, int local);

/* Where upstream connector k is: 0 with *sat = -1 for the Master's own socket (*local = k), or *sat = the
 * Satellite and *local its connector; -1 for 0 (the whole station) and numbers past the last. */
int evse_group_map_down(const struct evse_group_map *m, int k, int *sat, int *local);

#endif

/* evse_group_lms.h — the Master's Local Management System over its group (the rules: evse_lms; the web
 * routes: evse_lms_api.c): the access mode, users with limits enforced on every Authorize / StartTransaction
 * decided by the Master, the group's transactions kept in the store, and the operator's actions on a point
 * (start, stop, pause / resume, soft reset, a current cap, firmware) or on the whole group (hard reset, the
 * load-balancing threshold). See docs/evse.md "Local Management System". */
#ifndef EVSE_GROUP_LMS_H
#define EVSE_GROUP_LMS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct evse_group;

/* The actions answer an HTTP status (200 done, 202 sent to the Satellite, 400 bad value, 404 no such point,
 * 409 not possible now) with the reason in msg. */

/* The group as the status page shows it: every point (its Satellite, connected, status, error code, the
 * balancer's limit, paused, cap, the live figures of its session), the threshold, the access mode, the
 * upstream link and the Satellites' firmware statuses. NULL when out of memory. */
cJSON *evse_group_lms_status(struct evse_group *g);

/* Access mode: free (every card accepted by the Master) or authorised (the rules of its users first). */
bool evse_group_lms_free_access(const struct evse_group *g);
int evse_group_lms_set_access(struct evse_group *g, bool free_access, char *msg, size_t cap);

int evse_group_lms_start(struct evse_group *g, int k, const char *id_tag, char *msg, size_t cap);
int evse_group_lms_stop(struct evse_group *g, int k, char *msg, size_t cap);
/* Pause: the point's limit 0 A (SuspendedEVSE, its session kept) through the balancer or, without one,
 * evse_group_set_point_limit; resume lifts it. */
int evse_group_lms_pause(struct evse_group *g, int k, bool pause, char *msg, size_t cap);
/* Reset Soft of the point's Satellite (or of the Master itself for its own socket). */
int evse_group_lms_reset(struct evse_group *g, int k, char *msg, size_t cap);
/* Reset Hard of every Satellite, then of the Master 2 s later. */
int evse_group_lms_reset_all(struct evse_group *g, char *msg, size_t cap);
/* The current cap of point k in A (0: its maximum, else 6..80), kept in the store. */
int evse_group_lms_set_cap(struct evse_group *g, int k, int amps, char *msg, size_t cap);
/* The load-balancing threshold per phase (0 = none, 6..800), applied from the next cycle, kept in the store. */
int evse_group_lms_set_threshold(struct evse_group *g, int amps, char *msg, size_t cap);
int evse_group_lms_threshold(const struct evse_group *g);
/* UpdateFirmware (location: an http(s)/ftp URL the Satellite fetches) to point k's Satellite, or k = 0 to every
 * connected Satellite. */
int evse_group_lms_firmware(struct evse_group *g, int k, const char *location, char *msg, size_t cap);

/* The group's connectors: 1..n. */
int evse_group_lms_points(const struct evse_group *g);

#endif

/* evse_group.h — the Master of a Master/Satellite group: a local OCPP 1.6J central system for its
 * Satellites (ws://group_listen:group_port/ocpp/<satellite id>) and, upstream, one station whose connectors
 * 1..N are the group's sockets (evse_group_map). Satellite messages go upstream with the connector
 * renumbered; calls of the central system on a Satellite's connector go down to it renumbered back, and
 * their answers come back up. See docs/evse.md "Master/Satellite". */
#ifndef EVSE_GROUP_H
#define EVSE_GROUP_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_station.h"
#include "ocpp_action.h"

struct evse_group;
struct lws_context;

/* Starts listening for Satellites on ctx (a new vhost bound to exactly group_listen) and hooks the relay
 * into the station's OCPP client. NULL with a message in err. st, cfg and ctx must outlive the group;
 * free the group after the context (its connections close into it). */
struct evse_group *evse_group_new(struct evse_station *st, const struct evse_config *cfg, struct lws_context *ctx,
                                  char *err, size_t errcap);
void evse_group_free(struct evse_group *g);

/* fn(ctx) is called when a Satellite's frame or its going away queued frames for upstream, so that they are
 * written now rather than at the next control cycle. */
void evse_group_set_wake(struct evse_group *g, void (*fn)(void *ctx), void *ctx);

/* Every control cycle: call timeouts, held Satellite messages sent when upstream is back, the Satellites'
 * statuses reported again after each upstream boot. */
void evse_group_tick(struct evse_group *g, uint64_t now_ms);

/* The hook of the load balancer (evse_group_bal.c calls it each second with evse_lb's shares): the current
 * limit of upstream connector k in A (< 0: none). The Master's own socket gets it as EVSE_LIMIT_GROUP; a
 * Satellite through SetChargingProfile ChargePointMaxProfile on its connector 0 (id EVSE_GROUP_PROFILE_ID,
 * stack level EVSE_GROUP_PROFILE_LEVEL, one period from the epoch), so that the lower of the share and the
 * backend's own profiles counts; a limit < 0 clears it. A Satellite of several connectors is capped as a
 * whole (the balancer passes its total) and per connector (evse_group_set_connector_limit). 0, or -1 when k is not a
 * socket of the group or its Satellite is not connected. */
#define EVSE_GROUP_PROFILE_ID    900001
#define EVSE_GROUP_PROFILE_LEVEL 9
int evse_group_set_point_limit(struct evse_group *g, int k, double amps);
/* A Satellite of several connectors also gets each connector's share: a TxDefaultProfile on connector local
 * (id EVSE_GROUP_PROFILE_ID + local, stack level EVSE_GROUP_PROFILE_LEVEL); < 0 clears it. 0, or -1 (not a
 * Satellite's connector, not connected). */
int evse_group_set_connector_limit(struct evse_group *g, int k, double amps);
/* The request those hooks send a Satellite: local 0 its whole-station cap (ChargePointMaxProfile on
 * connector 0), local >= 1 that connector's (TxDefaultProfile); SetChargingProfile or, amps < 0,
 * ClearChargingProfile (in *action), as JSON (cJSON_Delete it); NULL when out of memory. */
cJSON *evse_group_limit_json(int local, double amps, enum ocpp_action *action);

/* Is the Satellite of upstream connector k connected? (the Master's own sockets always are) */
int evse_group_point_connected(const struct evse_group *g, int k);

#endif

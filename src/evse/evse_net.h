/* evse_net.h — the station's network, on libwebsockets: the OCPP WebSocket client (ws:// and wss://, HTTP
 * Basic auth, reconnect with exponential back-off and jitter) and the local HTTP server (the web app's
 * files; the /api/ paths handed to evse_webapi; the live status as Server-Sent Events on /api/events). One event
 * loop, no busy polling: a 100 ms control timer drives the station. */
#ifndef EVSE_NET_H
#define EVSE_NET_H

#include <signal.h>
#include <stddef.h>

#include "evse_station.h"

struct evse_net;

/* NULL with a message in err. The station and cfg must outlive it. */
struct evse_net *evse_net_new(struct evse_station *st, const struct evse_config *cfg, char *err, size_t errcap);
void evse_net_free(struct evse_net *n);

struct evse_webapi;
struct evse_group;
/* The Master's group (group_role master), NULL elsewhere. */
struct evse_group *evse_net_group(struct evse_net *n);

/* The API that answers the /api/ paths (it must outlive n); without one they answer 503. */
void evse_net_set_webapi(struct evse_net *n, struct evse_webapi *api);

/* Runs until *stop is set or a Reset is due. Returns 0, or 1 (soft) / 2 (hard) for a reset. */
int evse_net_run(struct evse_net *n, volatile sig_atomic_t *stop);

#endif

/* csms_live.h — the live update hub: Server-Sent Events streams (GET /api/v1/live) that receive socket,
 * transaction and station changes as they are committed, so pages never need a manual refresh.
 *
 * Publishing formats an event once into one ring; each client is only a position in it: O(1) copying,
 * O(clients) integer checks, no database reads. A client more than CSMS_LIVE_QUEUE_BYTES behind is dropped
 * (its connection closed); browsers' EventSource reconnects by itself. Last-Event-ID is not replayed.
 *
 * Ownership: the hub owns its clients; a client is freed when its HTTP request is released. Every
 * function runs on the event-loop thread; the publish functions accept a NULL hub (nothing to do). */
#ifndef CSMS_LIVE_H
#define CSMS_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_registry.h"

#define CSMS_LIVE_MAX_CLIENTS 256
#define CSMS_LIVE_QUEUE_BYTES (256u * 1024u) /* a client further behind than this is dropped */
#define CSMS_LIVE_RING_BYTES  (512u * 1024u) /* the hub's ring: more than any client may lag */
#define CSMS_LIVE_HEARTBEAT_S 15

struct csms_live;
struct csms_live_client;
struct lws;
struct ev_loop;

/* A hub; loop may be NULL (no heartbeat timer: unit tests). */
struct csms_live *csms_live_new(struct ev_loop *loop);
/* Frees the hub and any client left (call after the HTTP server is gone). */
void csms_live_free(struct csms_live *hub);

/* Adds a client for an HTTP request on wsi from addr (wsi may be NULL in tests: nothing is written). The
 * request keeps the client in *holder; freeing the hub first sets *holder to NULL. NULL when the hub is full
 * or out of memory. */
struct csms_live_client *csms_live_attach(struct csms_live *hub, struct lws *wsi, const char *addr, void **holder);
void csms_live_detach(struct csms_live_client *c);
unsigned csms_live_clients(const struct csms_live *hub);

/* The bytes waiting for a client, and taking n of them once written. */
size_t csms_live_pending(const struct csms_live_client *c, const char **data);
void csms_live_consume(struct csms_live_client *c, size_t n);
bool csms_live_is_dropped(const struct csms_live_client *c);

/* Appends one event ("event: NAME\nid: N\ndata: JSON\n\n") to every client; json must be one line. */
void csms_live_publish(struct csms_live *hub, const char *event, const char *json);
/* A comment line to every client (the heartbeat). */
void csms_live_ping(struct csms_live *hub);
uint64_t csms_live_last_id(const struct csms_live *hub);

/* ---- the hooks (csms_handlers.c; csms_station_db.c through app->on_station_change), after the commit ---- */

/* A StatusNotification was stored. */
void csms_live_publish_status(struct csms_live *hub, const struct csms_station *s, int connector, const char *status,
                              const char *error_code, int64_t ts_ms);
/* "started" / "stopped" / "meter": a transaction changed. energy_wh < 0: not known. */
void csms_live_publish_transaction(struct csms_live *hub, const char *what, int64_t txn_id, const char *station,
                                   int connector, const char *id_tag, int64_t energy_wh, int64_t ts_ms);
/* "connected" / "disconnected" / "booted" / "state" (the registration state changed). */
void csms_live_publish_station(struct csms_live *hub, const struct csms_station *s, const char *what);

#endif

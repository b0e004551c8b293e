/* csms_conn.h — one station's OCPP WebSocket session: the handshake checks (path, subprotocol,
 * station policy, HTTP Basic auth, throttle), reassembly of fragmented messages, the RPC state, the
 * output queue, liveness (ping when idle, out of service when silent), and the rule for a second
 * connection with the same id. */
#ifndef CSMS_CONN_H
#define CSMS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "ocpp.h"

#include <libwebsockets.h>

struct csms_conn {
	struct csms_conn *prev, *next; /* in csms.conns */
	struct csms *app;
	struct lws *wsi;
	struct csms_station *station;
	struct ocpp_rpc *rpc;
	uint64_t serial;         /* unique per connection: jobs answer only the connection that asked */
	uint64_t last_rx;        /* monotonic ms of the last frame or pong */
	uint64_t ping_due;       /* monotonic ms: when the pending ping must be answered (0: none pending) */
	struct csms_conn *rival; /* on probation: the live session being pinged; on the live one: the newcomer */
	bool probation;          /* a second authenticated connection waiting for the live one to fail a ping */
	bool want_ping;
	bool closing;
	bool paused;        /* over its message budget: not read until resume_at (checked once a second) */
	uint64_t resume_at; /* monotonic ms */
	bool out_paused;    /* its answers pile up unread: not read until they drain (or closed) */
	uint64_t out_paused_at;
	char *rx; /* a fragmented message being reassembled (NULL when none) */
	size_t rx_len;
	char addr[48];
};

/* The lws protocol callback of "ocpp1.6" and the HTTP upgrade check (called from the HTTP protocol). */
int csms_conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
/* Decides an HTTP upgrade to WebSocket: 0 to let it proceed, 1 when an HTTP error was sent. */
int csms_conn_confirm_upgrade(struct csms *app, struct lws *wsi);

/* Asks to be called when the connection can write, to send what the RPC has queued. */
void csms_conn_flush(struct csms_conn *c);
/* Closes the connection from outside its callbacks (asynchronously), with a WebSocket close code. */
void csms_conn_close(struct csms_conn *c, int code, const char *reason);
/* Once a second: RPC timeouts, idle pings, silent stations, probation decisions. */
void csms_conn_tick_all(struct csms *app, uint64_t now);

/* The CP -> CS handler table (csms_handlers.c) and the outcome of our calls (csms_ops.c). */
extern ocpp_call_fn *const csms_handlers[OCPP_ACTION_COUNT];
void csms_ops_on_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out);

/* The connection a job should answer: the station's live session if it is still the one with that
 * serial, else NULL (the station reconnected or left; it will send again). */
struct csms_conn *csms_conn_for(struct csms_station *s, uint64_t serial);

#endif

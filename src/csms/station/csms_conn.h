/* The station room (src/csms/station/): the OCPP side of the csms. Connections and the handshake's decision
 * (csms_conn, this header), the CP -> CS handlers (csms_handlers), the operations engine (csms_ops), the card
 * list sync (csms_sync), socket status (csms_socket), id-tag and card-state rules (csms_idtag), station
 * credentials and throttles (csms_auth) and the live update hub (csms_live). It may import the store room
 * (store/), csms.h/csms_config.h, src/ocpp and src/common — never api/: it answers in its own terms (a
 * refusal, an error code) and the HTTP side turns those into statuses.
 *
 * csms_conn.h — one station's OCPP WebSocket session: the handshake checks (path, subprotocol,
 * station policy, HTTP Basic auth, throttle), reassembly of fragmented messages, the RPC state, the
 * output queue, liveness (ping when idle, out of service when silent), and the rule for a second
 * connection with the same id. */
#ifndef CSMS_CONN_H
#define CSMS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "csms_auth.h"
#include "csms_registry.h"
#include "csms_store.h"
#include "ocpp.h"

#include <libwebsockets.h>

/* A connection's life. Only csms_conn_set_state() changes it (and logs "from -> to"):
 *   NEW -> PROBATION (a second authenticated connection while the station is connected) or BOOTING
 *   PROBATION -> BOOTING (the live one failed its ping or left) | CLOSING (refused) | CLOSED
 *   BOOTING <-> ACCEPTED (a BootNotification answered Accepted / not Accepted on this connection)
 *   BOOTING, ACCEPTED -> CLOSING (we close it) | CLOSED (it went away);  CLOSING -> CLOSED
 * BOOTING is attached but not yet booted on this connection: a station whose registration is Accepted may
 * still send (the handlers check the registration, see csms_handlers.c). */
enum csms_conn_state {
	CSMS_CONN_NEW,       /* zeroed, before the WebSocket is established */
	CSMS_CONN_PROBATION, /* upgraded, not read: the live session of its station is being pinged */
	CSMS_CONN_BOOTING,   /* the station's attached session (station->conn) */
	CSMS_CONN_ACCEPTED,  /* attached, and a BootNotification on it was answered Accepted */
	CSMS_CONN_CLOSING,   /* a close was sent: nothing more is read or queued */
	CSMS_CONN_CLOSED,    /* lws closed it: its RPC is freed */
	CSMS_CONN_STATE_COUNT
};
const char *csms_conn_state_name(enum csms_conn_state s);

struct csms_conn {
	struct csms_conn *prev, *next; /* in csms.conns */
	struct csms *app;
	struct lws *wsi;
	struct csms_station *station;
	struct ocpp_rpc *rpc;
	uint64_t serial;            /* unique per connection: jobs answer only the connection that asked */
	uint64_t last_rx;           /* monotonic ms of the last frame or pong */
	uint64_t ping_due;          /* monotonic ms: when the pending ping must be answered (0: none pending) */
	struct csms_conn *rival;    /* on probation: the live session being pinged; on the live one: the newcomer */
	enum csms_conn_state state; /* set only by csms_conn_set_state() */
	bool want_ping;
	bool paused;        /* over its message budget: not read until resume_at (checked once a second) */
	uint64_t resume_at; /* monotonic ms */
	bool out_paused;    /* its answers pile up unread: not read until they drain (or closed) */
	uint64_t out_paused_at;
	char *rx; /* a message in pieces being reassembled (NULL when none); grows up to --max-frame */
	size_t rx_len, rx_cap;
	char addr[48];
};

/* Why a WebSocket upgrade is refused. The station room decides; the HTTP side (api/csms_http_entry.c) writes
 * the refusal as an HTTP answer (its status, code and a Basic challenge for CSMS_CONN_REFUSE_UNAUTHORIZED). */
enum csms_conn_refusal {
	CSMS_CONN_ACCEPT = 0,
	CSMS_CONN_REFUSE_BAD_PATH,          /* not /ocpp/{valid id} */
	CSMS_CONN_REFUSE_NO_SUBPROTOCOL,    /* ocpp1.6 not offered */
	CSMS_CONN_REFUSE_STOPPING,          /* shutting down */
	CSMS_CONN_REFUSE_BUSY,              /* --max-connections reached, or out of memory */
	CSMS_CONN_REFUSE_THROTTLED,         /* too many failures from this address */
	CSMS_CONN_REFUSE_UNAUTHORIZED,      /* Basic auth missing or wrong (unknown ids look the same) */
	CSMS_CONN_REFUSE_UNKNOWN_STATION,   /* policy known: not registered */
	CSMS_CONN_REFUSE_TOO_MANY_NEW,      /* policy pending: --pending-rate this minute */
	CSMS_CONN_REFUSE_TOO_MANY_PENDING,  /* policy pending: --pending-max waiting */
	CSMS_CONN_REFUSE_ALREADY_CONNECTED, /* a second connection without Basic auth */
	CSMS_CONN_REFUSAL_COUNT
};

/* The lws protocol callback of "ocpp1.6". */
int csms_conn_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
/* Decides an HTTP upgrade to WebSocket: CSMS_CONN_ACCEPT to let it proceed, else the refusal with a
 * one-line reason for the station (a static string) in *reason. */
enum csms_conn_refusal csms_conn_confirm_upgrade(struct csms *app, struct lws *wsi, const char **reason);

/* Moves c to state `to` if the life above allows it, logs "from -> to" and returns 0; the same state is a
 * no-op (0). A transition the life does not allow is refused: logged as an error, c unchanged, -1. */
int csms_conn_set_state(struct csms_conn *c, enum csms_conn_state to);

/* Is the station connected: has it an attached session (booting or accepted, not closing)? The one rule for
 * the API's "connected", socket status, operations and the card-list sync. s may be NULL (false). */
bool csms_station_is_connected(const struct csms_station *s);

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

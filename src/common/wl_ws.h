/* wl_ws.h — what both WebSocket servers (the csms, and an evse Master for its Satellites) check in a
 * handshake. */
#ifndef WL_WS_H
#define WL_WS_H

#include <stdbool.h>

struct lws;

/* Does the handshake's Sec-WebSocket-Protocol list name the subprotocol (e.g. "ocpp1.6")? */
bool wl_ws_offers_protocol(struct lws *wsi, const char *name);

#endif

/* csms_http_entry.h — the HTTP entry of the api room: the lws callback of the "http" protocol, which also
 * sees the WebSocket upgrade check (the station room decides it, this writes the refusal). */
#ifndef CSMS_HTTP_ENTRY_H
#define CSMS_HTTP_ENTRY_H

#include <stddef.h>

#include <libwebsockets.h>

/* The lws callback of the "http" protocol; its per-session data is a struct csms_http_req. */
int csms_http_entry_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
size_t csms_http_entry_session_size(void);

#endif

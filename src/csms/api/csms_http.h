/* csms_http.h — the csms's HTTP side on the same port as OCPP: a route table (method, path pattern,
 * whether the admin token is needed, the handler), JSON request bodies with a size cap, JSON errors
 * {"error":{"code","message"}}, firmware upload (streamed to disk with its MD5) and download.
 *
 * NEEDSWORK: the admin token stands in for operator accounts and roles until the REST API issue. */
#ifndef CSMS_HTTP_H
#define CSMS_HTTP_H

#include <stddef.h>

#include "csms.h"

#include <libwebsockets.h>

/* The lws callback of the "http" protocol (also sees the WebSocket upgrade check). */
int csms_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
size_t csms_http_session_size(void);

/* Answers now with a JSON error (used before a request has a session). Returns 1 (lws: "answered"). */
int csms_http_reply_error(struct lws *wsi, int status, const char *code, const char *message);
/* 401 with WWW-Authenticate: Basic. Returns 1. */
int csms_http_reply_401(struct lws *wsi);

#endif

/* csms_http.h — the api room (src/csms/api/): the HTTP side of the csms, on the same port as OCPP.
 *
 * The room holds, top to bottom: the HTTP entry (csms_http_entry: the lws callback, bodies, uploads, the
 * WebSocket upgrade decision written as an answer), the router and its route tables (csms_api, one
 * csms_api_<area>.c per resource), operators and sessions (csms_operator), exports, mail, the UI's files
 * (csms_web), the answer writer (csms_http_answer) and, here, the request every one of them works on.
 * It may import the station room (station/: connections, operations, live hub, ...), the store room
 * (store/), csms.h/csms_config.h, src/ocpp and src/common; nothing below imports it
 * (node scripts/imports.js src/csms --check).
 *
 * This header: one HTTP request as it goes through the csms: path, who asks, the captured parameters,
 * its body or upload, and the answer being written. Zeroed by the entry for every request; its buffers
 * (body, resp) are malloc'ed and freed by the entry when the request ends. */
#ifndef CSMS_HTTP_H
#define CSMS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "csms_operator.h" /* struct csms_principal */

struct lws;
struct csms_route;
struct csms_op;
struct csms_api_job;

enum csms_http_method {
	CSMS_HTTP_GET,
	CSMS_HTTP_POST,
	CSMS_HTTP_PUT,
	CSMS_HTTP_DELETE,
	CSMS_HTTP_PATCH,
	CSMS_HTTP_OTHER
};
const char *csms_http_method_name(enum csms_http_method m);

#define CSMS_API_MAX_PARAMS 3

struct csms_http_req {
	struct csms *app;
	struct lws *wsi; /* NULL once the client is gone */
	enum csms_http_method method;
	char path[256];
	char addr[64]; /* the client's address */
	struct csms_principal who;
	uint64_t content_length;
	const struct csms_route *route; /* the matched route */
	char params[CSMS_API_MAX_PARAMS][128];
	/* body */
	char *body;
	size_t body_len, body_cap, body_max;
	/* an upload, streamed to a temporary file */
	int upload_fd;
	void *md5; /* EVP_MD_CTX */
	char upload_tmp[320];
	char upload_name[128];
	/* the answer */
	int status;
	char ctype[64];
	char set_cookie[400];  /* a Set-Cookie header to send, if any */
	char disposition[200]; /* a Content-Disposition header to send, if any */
	char *resp;
	size_t resp_len;
	bool resp_ready, headers_sent, serving_file;
	const struct csms_route_hooks *hooks;        /* the matched route's table's upload and stream hooks */
	struct csms_op *op;                          /* an operation this request waits for */
	struct csms_api_job *pending;                /* a store job this request waits for */
	void *bg;                                    /* a background job this request waits for (see csms_bg.h) */
	void (*on_release)(struct csms_http_req *r); /* called when the client goes away, if set */
	void *stream;                                /* a live stream (csms_live) this request carries */
	uint64_t stream_checked_ms;                  /* when its credential was last found still valid */
};

/* What a route table may add to the entry's work for its routes (csms_api.h's struct csms_route_table):
 * a body streamed to disk instead of JSON (routes flagged CSMS_ROUTE_UPLOAD) and an answer written as a
 * stream (r->stream set by the handler). Any member may be NULL. */
struct csms_route_hooks {
	/* the upload's start, once the route matched: 0, or -1 after answering */
	int (*upload_begin)(struct csms_http_req *r);
	/* each piece of the body: 0 (after answering on a failure) or -1 to drop the connection */
	int (*upload_chunk)(struct csms_http_req *r, const char *in, size_t len);
	void (*upload_finish)(struct csms_http_req *r); /* the whole body is in: answers r */
	void (*upload_abort)(struct csms_http_req *r);  /* the request ends early: remove what was written */
	/* the connection is writable and r->stream is set: write what is queued; -1 closes the connection */
	int (*stream_writeable)(struct csms_http_req *r);
};

#endif

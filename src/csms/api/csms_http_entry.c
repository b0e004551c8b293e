/* csms_http_entry.c — HTTP requests as lws delivers them: a request per connection turn, its body (JSON in
 * memory with a cap, or an upload streamed by the route table's hooks), the answer when writable, and the
 * WebSocket upgrade decided by the station room and written here. */
#include "csms_http_entry.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_api.h"
#include "csms_conn.h"
#include "csms_web.h"

#define MAX_JSON_BODY (1u << 20)
#define MAX_UPLOAD    (256u << 20)

size_t csms_http_entry_session_size(void)
{
	return sizeof(struct csms_http_req);
}

/* ---- requests ---- */

static const struct {
	enum lws_token_indexes token;
	enum csms_http_method method;
} methods[] = {
    {WSI_TOKEN_GET_URI, CSMS_HTTP_GET},     {WSI_TOKEN_POST_URI, CSMS_HTTP_POST},
    {WSI_TOKEN_PUT_URI, CSMS_HTTP_PUT},     {WSI_TOKEN_DELETE_URI, CSMS_HTTP_DELETE},
    {WSI_TOKEN_PATCH_URI, CSMS_HTTP_PATCH},
};

static void body_done(struct csms_http_req *r)
{
	if (r->upload_fd >= 0 && r->hooks && r->hooks->upload_finish) {
		r->hooks->upload_finish(r);
		return;
	}
	csms_api_dispatch(r);
}

static int on_http(struct csms *app, struct csms_http_req *r, struct lws *wsi, const char *uri)
{
	memset(r, 0, sizeof(*r));
	r->app = app;
	r->wsi = wsi;
	r->upload_fd = -1;
	r->method = CSMS_HTTP_OTHER;
	for (unsigned i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (lws_hdr_total_length(wsi, methods[i].token) > 0) {
			r->method = methods[i].method;
			break;
		}
	if (strlen(uri) >= sizeof(r->path)) {
		csms_http_fail(r, CSMS_ERR_URI_TOO_LONG, "the path is too long");
		return 0;
	}
	snprintf(r->path, sizeof(r->path), "%s", uri);
	lws_get_peer_simple(wsi, r->addr, sizeof(r->addr));
	char cl[24];
	r->content_length =
	    lws_hdr_copy(wsi, cl, sizeof(cl), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 ? strtoull(cl, NULL, 10) : 0;
	bool chunked = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
	if (csms_web_owns(r->path)) {
		csms_web_serve(r); /* the browser UI's files */
		return 0;
	}
	if (csms_api_route(r) < 0)
		return 0; /* answered */
	if ((r->method == CSMS_HTTP_POST || r->method == CSMS_HTTP_PUT || r->method == CSMS_HTTP_PATCH) &&
	    (r->content_length > 0 || chunked)) {
		bool upload = (r->route->flags & CSMS_ROUTE_UPLOAD) && r->hooks && r->hooks->upload_begin;
		size_t max = upload ? MAX_UPLOAD : MAX_JSON_BODY;
		if (r->content_length > max) {
			csms_http_fail(r, CSMS_ERR_TOO_LARGE, "the request body is too large");
			return 0;
		}
		r->body_max = max;
		if (upload && r->hooks->upload_begin(r) < 0)
			return 0;
		return 0; /* wait for the body */
	}
	csms_api_dispatch(r);
	return 0;
}

static int on_body(struct csms_http_req *r, const char *in, size_t len)
{
	if (!len)
		return 0; /* lws reports an empty body (Content-Length: 0) as one chunk of NULL, 0 */
	if (r->resp_ready)
		return 0; /* already answered (an error): drop the rest */
	if (r->body_len + len > r->body_max) {
		csms_http_fail(r, CSMS_ERR_TOO_LARGE, "the request body is too large");
		return 0;
	}
	if (r->upload_fd >= 0 && r->hooks && r->hooks->upload_chunk)
		return r->hooks->upload_chunk(r, in, len);
	if (r->body_len + len + 1 > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap * 2 : 4096;
		while (cap < r->body_len + len + 1)
			cap *= 2;
		char *b = realloc(r->body, cap);
		if (!b)
			return -1;
		r->body = b;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, in, len);
	r->body_len += len;
	r->body[r->body_len] = '\0';
	return 0;
}

static void release(struct csms_http_req *r)
{
	if (r->op) {
		csms_op_detach(r->op);
		r->op = NULL;
	}
	csms_api_release(r);
	free(r->body);
	free(r->resp);
	r->body = r->resp = NULL;
	r->wsi = NULL;
}

/* The station room's refusal of a WebSocket upgrade, as an HTTP answer. */
static const enum csms_err refusals[CSMS_CONN_REFUSAL_COUNT] = {
    [CSMS_CONN_REFUSE_BAD_PATH] = CSMS_ERR_NOT_FOUND,
    [CSMS_CONN_REFUSE_NO_SUBPROTOCOL] = CSMS_ERR_SUBPROTOCOL,
    [CSMS_CONN_REFUSE_STOPPING] = CSMS_ERR_STOPPING,
    [CSMS_CONN_REFUSE_BUSY] = CSMS_ERR_BUSY,
    [CSMS_CONN_REFUSE_THROTTLED] = CSMS_ERR_THROTTLED,
    [CSMS_CONN_REFUSE_UNAUTHORIZED] = CSMS_ERR_UNAUTHORIZED,
    [CSMS_CONN_REFUSE_UNKNOWN_STATION] = CSMS_ERR_UNKNOWN_STATION,
    [CSMS_CONN_REFUSE_TOO_MANY_NEW] = CSMS_ERR_TOO_MANY_NEW_STATIONS,
    [CSMS_CONN_REFUSE_TOO_MANY_PENDING] = CSMS_ERR_TOO_MANY_PENDING,
    [CSMS_CONN_REFUSE_ALREADY_CONNECTED] = CSMS_ERR_ALREADY_CONNECTED,
};

static int confirm_upgrade(struct csms *app, struct lws *wsi, const char *in)
{
	const char *reason = "";
	if (strcmp(in, "websocket") != 0)
		return csms_http_reply_fail(wsi, CSMS_ERR_UPGRADE, "only WebSocket upgrades are served");
	enum csms_conn_refusal why = csms_conn_confirm_upgrade(app, wsi, &reason);
	if (why == CSMS_CONN_ACCEPT)
		return 0;
	return csms_http_reply_fail(wsi, refusals[why], reason);
}

int csms_http_entry_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct csms *app = lws_context_user(lws_get_context(wsi));
	struct csms_http_req *r = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: return confirm_upgrade(app, wsi, (const char *)in);
	case LWS_CALLBACK_HTTP: return on_http(app, r, wsi, (const char *)in);
	case LWS_CALLBACK_HTTP_BODY: return on_body(r, (const char *)in, len);
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		/* only for a request that waited for its body: one with Content-Length: 0 was dispatched already */
		if (!r->resp_ready && r->body_max)
			body_done(r);
		return 0;
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (r->serving_file)
			return 0;
		if (r->stream && !r->resp_ready && r->hooks && r->hooks->stream_writeable)
			return r->hooks->stream_writeable(r); /* a live stream (csms_api_live.c) */
		return csms_http_answer_writeable(r, wsi);
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		r->serving_file = false;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (r && r->app)
			release(r);
		return 0;
	default: return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

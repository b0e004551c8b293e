/* csms_api_live.c — GET /api/v1/live: a Server-Sent Events stream of socket, transaction and station
 * changes (see csms_live.h). The answer has no Content-Length; events are written as they come, with a
 * comment every 15 s so that proxies and clients see the stream alive. */
#include "csms_api.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <string.h>

#include "csms_live.h"
#include "wl_clock.h"
#include "wl_log.h"

#define WRITE_CHUNK 8192
/* how often an open stream checks that its session or token is still valid (logout, password change,
 * revocation end it at its next event or heartbeat after that) */
#define RECHECK_MS 1000

static void release_stream(struct csms_http_req *r)
{
	csms_live_detach(r->stream);
	r->stream = NULL;
}

static void get_live(struct csms_http_req *r)
{
	struct csms_live_client *c = csms_live_attach(r->app->live, r->wsi, r->addr, &r->stream);
	if (!c) {
		csms_http_fail(r, CSMS_ERR_TOO_MANY_STREAMS, "too many live streams: try again later");
		return;
	}
	r->stream = c;
	r->stream_checked_ms = wl_mono_ms();
	r->on_release = release_stream;
	if (r->wsi) {
		lws_set_timeout(r->wsi, NO_PENDING_TIMEOUT, 0); /* a stream lasts as long as the client wants */
		lws_callback_on_writable(r->wsi);
	}
}

/* LWS_CALLBACK_HTTP_WRITEABLE of a request carrying a stream: the headers first, then what is queued. */
static int stream_writeable(struct csms_http_req *r)
{
	struct lws *wsi = r->wsi;
	if (!r->headers_sent) {
		unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
		static const char hello[] = "retry: 3000\n: wattline live updates\n\n";
		if (lws_add_http_common_headers(wsi, 200, "text/event-stream", LWS_ILLEGAL_HTTP_CONTENT_LEN, &p, end) ||
		    lws_add_http_header_by_name(
		        wsi, (const unsigned char *)"cache-control:", (const unsigned char *)"no-store", 8, &p, end) ||
		    lws_add_http_header_by_name(
		        wsi, (const unsigned char *)"x-accel-buffering:", (const unsigned char *)"no", 2, &p, end) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		r->headers_sent = true;
		unsigned char out[LWS_PRE + sizeof(hello)];
		memcpy(out + LWS_PRE, hello, sizeof(hello) - 1);
		if (lws_write(wsi, out + LWS_PRE, sizeof(hello) - 1, LWS_WRITE_HTTP) < 0)
			return -1;
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (!r->stream || csms_live_is_dropped(r->stream))
		return -1;
	uint64_t now = wl_mono_ms();
	if (now - r->stream_checked_ms >= RECHECK_MS) {
		if (!csms_principal_still_valid(r->app, &r->who)) {
			WL_INFO("live", "operator \"%s\": live stream closed, its session or token has ended",
			        r->who.username);
			return -1;
		}
		r->stream_checked_ms = now;
	}
	const char *data;
	size_t n = csms_live_pending(r->stream, &data);
	if (!n)
		return 0;
	if (n > WRITE_CHUNK)
		n = WRITE_CHUNK;
	unsigned char out[LWS_PRE + WRITE_CHUNK];
	memcpy(out + LWS_PRE, data, n);
	if (lws_write(wsi, out + LWS_PRE, n, LWS_WRITE_HTTP) < 0)
		return -1;
	csms_live_consume(r->stream, n);
	if (csms_live_pending(r->stream, &data))
		lws_callback_on_writable(wsi);
	return 0;
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/live", CSMS_ROLES_ALL, 0, get_live,
     "Live updates: a Server-Sent Events stream of socket, transaction and station changes"},
};
static const struct csms_route_hooks hooks = {.stream_writeable = stream_writeable};
CSMS_ROUTE_TABLE_HOOKS(csms_routes_live, "live", routes, &hooks);

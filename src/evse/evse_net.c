/* evse_net.c — libwebsockets glue: one context, a client protocol for OCPP and an HTTP protocol for the
 * local app; a sorted-usec-list timer for the control cycle and the reconnect back-off. */
#include "evse_net.h"

#include <errno.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "evse_group.h"
#include "evse_pwhash.h"
#include "evse_webapi.h"
#include "wl_clock.h"
#include "wl_listen.h"
#include "wl_log.h"

#define MOD         "net"
#define TICK_US     (EVSE_TICK_MS * LWS_US_PER_MS)
#define RX_MAX      (64 * 1024)
#define BODY_MAX    EVSE_HTTP_BODY_MAX
#define BACKOFF_MIN 1000
#define SSE_PUBLIC  8 /* anonymous browsers following the live status at once (the public State page) */
#define SSE_SESSION 4 /* and logged-in ones, in slots of their own that anonymous clients cannot take */
#define SSE_MAX     (SSE_PUBLIC + SSE_SESSION)
#define SSE_PERIOD  500 /* ms: the status is pushed at most this often, when it changed */

struct evse_net {
	struct evse_station *st;
	const struct evse_config *cfg;
	struct lws_context *ctx;
	struct wl_listen where; /* http_bind resolved: the context keeps a pointer to its address */
	struct lws *ws;
	lws_sorted_usec_list_t tick_sul, connect_sul;
	volatile sig_atomic_t *stop;
	int reset;
	uint32_t backoff_ms;
	/* the OCPP URL split up */
	char url[EVSE_STR_MAX];
	const char *prot, *host, *path;
	int port;
	char path_buf[EVSE_STR_MAX + 1];
	char auth_header[420];
	/* a message being received in fragments */
	char *rx;
	size_t rx_len;
	bool rx_overflow;
	bool ws_closing; /* closed for not reading what it was sent: nothing more read or written */
	/* the local web app */
	struct evse_webapi *api;
	struct evse_group *group; /* group_role master: the Satellites' OCPP server and the relay */
	struct lws *card_wsi;     /* the request waiting for a card tap */
	struct lws *sse[SSE_MAX]; /* the event streams */
	int n_sse;
	int n_sse_session; /* of which opened with a live login session */
	struct {
		unsigned id; /* 0: free */
		struct lws *wsi;
	} logins[EVSE_WEB_JOBS]; /* setups, logins (their password hash) and an Excel download being made */
	char *status_json;       /* the status last pushed to the streams */
	unsigned status_seq;
	uint64_t events_at;
};

/* ---- the OCPP client ---- */

static void schedule_connect(struct evse_net *n);

static void connect_now(lws_sorted_usec_list_t *sul)
{
	struct evse_net *n = lws_container_of(sul, struct evse_net, connect_sul);
	struct lws_client_connect_info i;

	memset(&i, 0, sizeof(i));
	i.context = n->ctx;
	i.address = n->host;
	i.port = n->port;
	i.path = n->path_buf;
	i.host = n->host;
	i.origin = n->host;
	i.protocol = "ocpp1.6";
	i.local_protocol_name = "ocpp-client";
	i.ssl_connection = strcmp(n->prot, "wss") == 0 ? LCCSCF_USE_SSL : 0;
	i.pwsi = &n->ws;
	i.opaque_user_data = n;
	WL_INFO(MOD, "connecting to %s", n->cfg->ocpp_url);
	if (!lws_client_connect_via_info(&i)) {
		n->ws = NULL;
		schedule_connect(n);
	}
}

/* Exponential back-off with up to 50 % jitter, so that a fleet does not reconnect all at once. */
static void schedule_connect(struct evse_net *n)
{
	uint32_t base = n->backoff_ms ? n->backoff_ms : BACKOFF_MIN;
	uint32_t delay = base + (uint32_t)(rand() % (int)(base / 2 + 1));
	uint32_t max = (uint32_t)n->cfg->reconnect_max_s * 1000u;
	n->backoff_ms = base * 2 > max ? max : base * 2;
	lws_sul_schedule(n->ctx, 0, &n->connect_sul, connect_now, (lws_usec_t)delay * LWS_US_PER_MS);
}

/* The central system does not read what the station sends (its answers piled up past the RPC's bound, frames were
 * dropped): the connection is closed and made again later, a fresh one. */
static bool close_unread(struct evse_net *n)
{
	size_t waiting;
	if (n->ws_closing)
		return true;
	if (!evse_ocpp_unread(n->st->ocpp, &waiting))
		return false;
	n->ws_closing = true;
	WL_WARN(MOD, "the central system does not read what it is sent: connection closed (%zu bytes waiting)",
	        waiting);
	static const char why[] = "frames not read";
	lws_close_reason(n->ws, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)why, sizeof(why) - 1);
	lws_set_timeout(n->ws, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC); /* it reads no close frame either */
	return true;
}

static void flush_ocpp(struct evse_net *n)
{
	if (!n->ws || !n->st->ocpp || close_unread(n))
		return;
	if (evse_ocpp_has_output(n->st->ocpp))
		lws_callback_on_writable(n->ws);
}

/* The group relay queued frames for the central system. */
static void wake_upstream(void *ctx)
{
	flush_ocpp(ctx);
}

static int ocpp_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct evse_net *n = lws_get_opaque_user_data(wsi);
	(void)user;

	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		if (!n || !n->auth_header[0])
			break;
		char **p = (char **)in;
		size_t need = strlen(n->auth_header);
		if (len < need + 1)
			return -1;
		memcpy(*p, n->auth_header, need);
		*p += need;
		break;
	}
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		WL_INFO(MOD, "websocket open");
		n->backoff_ms = 0;
		n->rx_len = 0;
		n->rx_overflow = false;
		n->ws_closing = false;
		evse_ocpp_connected(n->st->ocpp, wl_mono_ms());
		flush_ocpp(n);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (n->ws_closing)
			break;
		if (!n->rx_overflow && n->rx_len + len <= RX_MAX) {
			memcpy(n->rx + n->rx_len, in, len);
			n->rx_len += len;
		} else {
			n->rx_overflow = true;
		}
		if (lws_is_final_fragment(wsi)) {
			if (n->rx_overflow)
				WL_WARN(MOD, "frame larger than %d bytes dropped", RX_MAX);
			else
				evse_ocpp_receive(n->st->ocpp, n->rx, n->rx_len, wl_mono_ms());
			n->rx_len = 0;
			n->rx_overflow = false;
			flush_ocpp(n);
		}
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE: {
		if (n->ws_closing)
			return -1;
		size_t flen;
		char *frame = evse_ocpp_take_output(n->st->ocpp, &flen);
		if (!frame)
			break;
		unsigned char *buf = malloc(LWS_PRE + flen);
		int rc = -1;
		if (buf) {
			memcpy(buf + LWS_PRE, frame, flen);
			rc = lws_write(wsi, buf + LWS_PRE, flen, LWS_WRITE_TEXT);
			free(buf);
		}
		free(frame);
		if (rc < (int)flen)
			return -1;
		flush_ocpp(n);
		break;
	}
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		WL_WARN(MOD, "connection failed: %s", in ? (const char *)in : "?");
		/* fall through */
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (n && n->ws == wsi) {
			n->ws = NULL;
			n->ws_closing = false;
			evse_ocpp_disconnected(n->st->ocpp, wl_mono_ms());
			schedule_connect(n);
		}
		break;
	default: break;
	}
	return 0;
}

/* ---- the local HTTP server: files of web_root, the API (evse_webapi), the event stream ---- */

#define PAGE_HEADERS                                                                                                   \
	"X-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n"                 \
	"Content-Security-Policy: default-src 'self'; frame-ancestors 'none'; form-action 'self'\r\n"

struct http_pss {
	enum evse_http_method method;
	char path[128];
	char query[256];
	char cookie[512];
	char csrf[80];
	char ctype[64];
	char body[BODY_MAX + 1];
	size_t body_len;
	bool too_big;
	bool sse;
	bool sse_session; /* the stream holds one of the session holders' slots */
	unsigned sse_seq;
	struct evse_http_resp *ready; /* a deferred answer (a card read) to send when writable */
	/* an upload (evse_webapi_upload_begin): the body goes to a file, not to body[] */
	bool upload;
	FILE *upload_file; /* NULL once writing failed */
	char upload_path[EVSE_STR_MAX + 32];
	int64_t upload_max;
	struct evse_http_resp *refusal; /* refused at its headers: sent once the body is read and dropped */
};

static int respond(struct lws *wsi, const struct evse_http_resp *rs)
{
	unsigned char hdr[LWS_PRE + 1024], *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;
	char num[16];
	if (lws_add_http_common_headers(wsi, (unsigned)rs->status, rs->mime, rs->len, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8, &p,
	                                 end) ||
	    lws_add_http_header_by_name(
	        wsi, (const unsigned char *)"x-content-type-options:", (const unsigned char *)"nosniff", 7, &p, end))
		return 1;
	if (rs->set_cookie[0] &&
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_SET_COOKIE, (const unsigned char *)rs->set_cookie,
	                                 (int)strlen(rs->set_cookie), &p, end))
		return 1;
	if (rs->retry_after_s > 0) {
		int k = snprintf(num, sizeof(num), "%d", rs->retry_after_s);
		if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_RETRY_AFTER, (const unsigned char *)num, k, &p,
		                                 end))
			return 1;
	}
	if (rs->disposition_csv) {
		static const char cd[] = "attachment; filename=\"history.csv\"";
		if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_DISPOSITION, (const unsigned char *)cd,
		                                 (int)sizeof(cd) - 1, &p, end))
			return 1;
	}
	if (rs->filename) {
		char cd[96];
		int k = snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", rs->filename);
		if (k < 0 || k >= (int)sizeof(cd) ||
		    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_DISPOSITION, (const unsigned char *)cd, k,
		                                 &p, end))
			return 1;
	}
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	if (rs->len) {
		unsigned char *buf = malloc(LWS_PRE + rs->len);
		if (!buf)
			return 1;
		memcpy(buf + LWS_PRE, rs->body, rs->len);
		int rc = lws_write(wsi, buf + LWS_PRE, rs->len, LWS_WRITE_HTTP_FINAL);
		free(buf);
		if (rc < (int)rs->len)
			return 1;
	}
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int respond_error(struct lws *wsi, int status, const char *code, const char *msg)
{
	char body[200];
	int len = snprintf(body, sizeof(body), "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, msg);
	struct evse_http_resp rs = {.status = status, .mime = "application/json", .body = body, .len = (size_t)len};
	return respond(wsi, &rs);
}

/* Copies the request line and the headers the API reads into pss. */
static void read_request(struct lws *wsi, struct http_pss *pss, const char *path)
{
	static const struct {
		enum lws_token_indexes token;
		enum evse_http_method method;
	} methods[] = {
	    {WSI_TOKEN_GET_URI, EVSE_HTTP_GET},
	    {WSI_TOKEN_POST_URI, EVSE_HTTP_POST},
	    {WSI_TOKEN_PUT_URI, EVSE_HTTP_PUT},
	    {WSI_TOKEN_DELETE_URI, EVSE_HTTP_DELETE},
	};
	snprintf(pss->path, sizeof(pss->path), "%s", path);
	pss->method = EVSE_HTTP_OTHER;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (lws_hdr_total_length(wsi, methods[i].token))
			pss->method = methods[i].method;
	size_t q = 0;
	char frag[128];
	for (int i = 0; lws_hdr_copy_fragment(wsi, frag, sizeof(frag), WSI_TOKEN_HTTP_URI_ARGS, i) > 0; i++)
		if (q + strlen(frag) + 2 < sizeof(pss->query))
			q += (size_t)snprintf(pss->query + q, sizeof(pss->query) - q, "%s%s", q ? "&" : "", frag);
	pss->query[q] = '\0';
	if (lws_hdr_copy(wsi, pss->cookie, sizeof(pss->cookie), WSI_TOKEN_HTTP_COOKIE) < 0)
		pss->cookie[0] = '\0';
	if (lws_hdr_copy(wsi, pss->ctype, sizeof(pss->ctype), WSI_TOKEN_HTTP_CONTENT_TYPE) < 0)
		pss->ctype[0] = '\0';
	if (lws_hdr_custom_copy(wsi, pss->csrf, sizeof(pss->csrf), "x-csrf-token:", 13) < 0)
		pss->csrf[0] = '\0';
	pss->body_len = 0;
	pss->too_big = false;
	pss->upload = false;
}

/* The request as the web API takes it, from the per-request state (body: the text, or "" with body_file). */
static struct evse_http_req request_of(const struct http_pss *pss, const char *body, size_t body_len,
                                       const char *body_file)
{
	return (struct evse_http_req){.method = pss->method,
	                              .path = pss->path,
	                              .query = pss->query,
	                              .body = body,
	                              .body_len = body_len,
	                              .body_file = body_file,
	                              .cookie = pss->cookie,
	                              .csrf = pss->csrf,
	                              .content_type = pss->ctype};
}

static int dispatch(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	struct evse_http_req rq = request_of(pss, pss->body, pss->body_len, NULL);
	struct evse_http_resp rs;
	if (!n->api)
		return respond_error(wsi, 503, "unavailable", "no web API");
	evse_webapi_handle(n->api, &rq, wl_mono_ms(), &rs);
	if (rs.wait_card) {
		n->card_wsi = wsi;
		lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
		return 0;
	}
	for (int i = 0; rs.wait_job && i < EVSE_WEB_JOBS; i++) {
		if (n->logins[i].id)
			continue;
		n->logins[i].id = rs.wait_job;
		n->logins[i].wsi = wsi;
		lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0); /* answered by poll_logins() */
		return 0;
	}
	if (rs.wait_job) /* cannot happen: the API has no more jobs than we have places */
		return respond_error(wsi, 503, "busy", "busy checking other passwords");
	int rc = respond(wsi, &rs);
	free(rs.body);
	return rc;
}

/* Takes a fresh status for the event stream when it changed; wakes the streams. */
static void refresh_events(struct evse_net *n)
{
	char *j = evse_station_status_json(n->st);
	if (!j)
		return;
	if (n->status_json && strcmp(j, n->status_json) == 0) {
		free(j);
		return;
	}
	free(n->status_json);
	n->status_json = j;
	n->status_seq++;
	for (int i = 0; i < n->n_sse; i++)
		lws_callback_on_writable(n->sse[i]);
}

static int start_events(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	unsigned char hdr[LWS_PRE + 256], *start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr) - 1;
	struct evse_http_req rq = request_of(pss, "", 0, NULL);
	bool session = n->api && evse_http_is_admin(evse_webapi_auth(n->api), &rq, wl_mono_ms(), NULL, NULL);
	if (session ? n->n_sse_session >= SSE_SESSION : n->n_sse - n->n_sse_session >= SSE_PUBLIC)
		return respond_error(wsi, 503, "busy",
		                     session ? "too many event streams of logged-in browsers"
		                             : "too many event streams");
	if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, "text/event-stream", LWS_ILLEGAL_HTTP_CONTENT_LEN, &p,
	                                end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8, &p,
	                                 end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0); /* a stream lives until the browser goes */
	pss->sse = true;
	pss->sse_session = session;
	n->n_sse_session += session;
	pss->sse_seq = n->status_seq - 1; /* sends the current status first */
	n->sse[n->n_sse++] = wsi;
	if (!n->status_json)
		refresh_events(n);
	lws_callback_on_writable(wsi);
	return 0;
}

static int write_event(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	if (!n->status_json || pss->sse_seq == n->status_seq)
		return 0;
	size_t len = strlen(n->status_json) + 8;
	unsigned char *buf = malloc(LWS_PRE + len + 1);
	if (!buf)
		return -1;
	int k = snprintf((char *)buf + LWS_PRE, len + 1, "data: %s\n\n", n->status_json);
	int rc = lws_write(wsi, buf + LWS_PRE, (size_t)k, LWS_WRITE_HTTP);
	free(buf);
	pss->sse_seq = n->status_seq;
	return rc < k ? -1 : 0;
}

/* ---- uploads: a body streamed to a file (the firmware image) ---- */

/* Closes the upload's file and removes it (installing moved it away when it succeeded); drops a refusal
 * not sent. */
static void upload_end(struct http_pss *pss)
{
	if (pss->upload_file)
		fclose(pss->upload_file);
	pss->upload_file = NULL;
	if (pss->upload && pss->upload_path[0])
		remove(pss->upload_path);
	pss->upload_path[0] = '\0';
	if (pss->refusal) {
		free(pss->refusal->body);
		free(pss->refusal);
		pss->refusal = NULL;
	}
}

/* The headers of a POST or PUT are there: is it an upload? 1 yes (its file is open, or a refusal waits for
 * the end of the body), 0 no, -1 out of memory. */
static int upload_begin(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	char num[24] = "";
	int64_t clen = -1;
	struct evse_http_req rq = request_of(pss, "", 0, NULL);
	struct evse_http_resp *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return -1;
	if (lws_hdr_copy(wsi, num, sizeof(num), WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0)
		clen = strtoll(num, NULL, 10);
	int rc = evse_webapi_upload_begin(n->api, &rq, wl_mono_ms(), clen, pss->upload_path, sizeof(pss->upload_path),
	                                  &pss->upload_max, rs);
	if (rc == 0) {
		free(rs);
		return 0;
	}
	pss->upload = true;
	if (rc < 0) {
		pss->upload_path[0] = '\0';
		pss->refusal = rs;
		return 1;
	}
	free(rs);
	pss->upload_file = fopen(pss->upload_path, "wb");
	if (!pss->upload_file)
		WL_WARN(MOD, "%s: cannot write: %s", pss->upload_path, strerror(errno));
	return 1;
}

/* A piece of an upload's body: written while within the limit, else only counted. */
static void upload_body(struct http_pss *pss, const void *in, size_t len)
{
	pss->body_len += len;
	if (!len || pss->refusal || !pss->upload_file || (int64_t)pss->body_len > pss->upload_max)
		return;
	if (fwrite(in, 1, len, pss->upload_file) != len) {
		WL_WARN(MOD, "%s: write failed: %s", pss->upload_path, strerror(errno));
		fclose(pss->upload_file);
		pss->upload_file = NULL;
	}
}

/* The end of an upload's body: the refusal, or the API's answer on the file. The file is gone before the
 * answer goes out (pss may not outlive the completed transaction). */
static int upload_done(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	struct evse_http_resp rs;
	if (pss->refusal) {
		rs = *pss->refusal;
		free(pss->refusal);
		pss->refusal = NULL;
	} else {
		bool written = pss->upload_file && fclose(pss->upload_file) == 0;
		if (pss->upload_file && !written)
			WL_WARN(MOD, "%s: write failed: %s", pss->upload_path, strerror(errno));
		pss->upload_file = NULL;
		struct evse_http_req rq = request_of(pss, "", pss->body_len, written ? pss->upload_path : NULL);
		evse_webapi_handle(n->api, &rq, wl_mono_ms(), &rs);
	}
	upload_end(pss);
	int rc = respond(wsi, &rs);
	free(rs.body);
	return rc;
}

/* A connection of the local server closed: forget its stream, card read, deferred answer and upload. */
static void http_closed(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	if (n->card_wsi == wsi) {
		n->card_wsi = NULL;
		if (n->api)
			evse_webapi_card_cancel(n->api);
	}
	for (int i = 0; i < EVSE_WEB_JOBS; i++)
		if (n->logins[i].wsi == wsi)
			n->logins[i].wsi = NULL; /* the hash still counts (throttle); its answer is dropped */
	if (!pss) /* closed before it had per-request state: lws_context_destroy() at a restart does that */
		return;
	if (pss->sse) {
		for (int i = 0; i < n->n_sse; i++)
			if (n->sse[i] == wsi)
				n->sse[i] = n->sse[--n->n_sse];
		n->n_sse_session -= pss->sse_session;
		pss->sse = false;
		pss->sse_session = false;
	}
	if (pss->ready) {
		free(pss->ready->body);
		free(pss->ready);
		pss->ready = NULL;
	}
	upload_end(pss); /* the client went away in the middle of an upload */
}

/* A path under web_root without "..": the file to serve, or -1. */
static int static_path(const struct evse_net *n, const char *uri, char *out, size_t cap)
{
	if (strstr(uri, "..") || uri[0] != '/')
		return -1;
	if (strcmp(uri, "/") == 0)
		uri = "/index.html";
	int len = snprintf(out, cap, "%s%s", n->cfg->web_root, uri);
	return len < 0 || (size_t)len >= cap ? -1 : 0;
}

static int serve_file(struct evse_net *n, struct lws *wsi, struct http_pss *pss)
{
	char file[EVSE_STR_MAX + 160];
	struct stat sb;
	if (pss->method != EVSE_HTTP_GET)
		return respond_error(wsi, 405, "method_not_allowed", "method not allowed");
	if (static_path(n, pss->path, file, sizeof(file)) < 0)
		return respond_error(wsi, 400, "bad_request", "bad path");
	if (stat(file, &sb) < 0 || !S_ISREG(sb.st_mode) || (!n->group && strncmp(pss->path, "/group", 6) == 0))
		return respond_error(wsi, 404, "not_found", "no such file"); /* the group's pages: a Master's only */
	const char *mime = lws_get_mimetype(file, NULL);
	int rc = lws_serve_http_file(wsi, file, mime ? mime : "application/octet-stream", PAGE_HEADERS,
	                             (int)sizeof(PAGE_HEADERS) - 1);
	if (rc < 0 || (rc > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

static void poll_logins(struct evse_net *n);

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct http_pss *pss = user;
	struct evse_net *n = lws_context_user(lws_get_context(wsi));

	switch (reason) {
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED: /* no pss: not a connection */
		if (n)
			poll_logins(n);
		break;
	case LWS_CALLBACK_HTTP:
		read_request(wsi, pss, (const char *)in);
		if (strcmp(pss->path, "/api/events") == 0 && pss->method == EVSE_HTTP_GET)
			return start_events(n, wsi, pss);
		if (!evse_webapi_owns(pss->path))
			return serve_file(n, wsi, pss);
		if ((pss->method == EVSE_HTTP_POST || pss->method == EVSE_HTTP_PUT) &&
		    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
			if (n->api && upload_begin(n, wsi, pss) < 0)
				return respond_error(wsi, 500, "internal", "out of memory");
			return 0; /* the body comes next, and BODY_COMPLETION dispatches (even for Content-Length: 0) */
		}
		return dispatch(n, wsi, pss);
	case LWS_CALLBACK_HTTP_BODY:
		if (pss->upload) {
			upload_body(pss, in, len);
			break;
		}
		if (pss->body_len + len > BODY_MAX) {
			pss->too_big = true;
			break;
		}
		if (len) {
			memcpy(pss->body + pss->body_len, in, len);
			pss->body_len += len;
		}
		break;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (pss->upload)
			return upload_done(n, wsi, pss);
		if (pss->too_big)
			return respond_error(wsi, 413, "payload_too_large", "body larger than 4096 bytes");
		pss->body[pss->body_len] = '\0';
		return dispatch(n, wsi, pss);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		if (pss->sse)
			return write_event(n, wsi, pss);
		if (pss->ready) { /* pss may be gone once the transaction completes: let go of it first */
			struct evse_http_resp *rs = pss->ready;
			pss->ready = NULL;
			int rc = respond(wsi, rs);
			free(rs->body);
			free(rs);
			return rc;
		}
		break;
	case LWS_CALLBACK_CLOSED_HTTP: http_closed(n, wsi, pss); break;
	default: break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* A card read waiting for its tap: hand its answer to the connection when it comes. */
static void poll_card(struct evse_net *n)
{
	if (!n->card_wsi || !n->api)
		return;
	struct evse_http_resp *rs = calloc(1, sizeof(*rs));
	if (!rs)
		return;
	if (evse_webapi_card_poll(n->api, wl_mono_ms(), rs) != 1) {
		free(rs);
		return;
	}
	struct http_pss *pss = lws_wsi_user(n->card_wsi);
	pss->ready = rs;
	lws_callback_on_writable(n->card_wsi);
	n->card_wsi = NULL;
}

/* Setups and logins whose password hash is done: hand each answer to its connection (if still open). */
static void poll_logins(struct evse_net *n)
{
	unsigned id;
	for (;;) {
		struct evse_http_resp *rs = n->api ? calloc(1, sizeof(*rs)) : NULL;
		if (!rs)
			return;
		if (evse_webapi_job_poll(n->api, wl_mono_ms(), &id, rs) != 1) {
			free(rs);
			return;
		}
		struct lws *wsi = NULL;
		for (int i = 0; i < EVSE_WEB_JOBS; i++)
			if (n->logins[i].id == id) {
				wsi = n->logins[i].wsi;
				n->logins[i].id = 0;
				n->logins[i].wsi = NULL;
			}
		if (!wsi) {
			free(rs->body);
			free(rs);
			continue;
		}
		struct http_pss *pss = lws_wsi_user(wsi);
		pss->ready = rs;
		lws_callback_on_writable(wsi);
	}
}

/* From the password-hash thread: wake the loop, which then polls (LWS_CALLBACK_EVENT_WAIT_CANCELLED). */
static void wake_loop(void *ctx)
{
	struct evse_net *n = ctx;
	lws_cancel_service(n->ctx);
}

static const struct lws_protocols protocols[] = {
    {"http", http_callback, sizeof(struct http_pss), 0, 0, NULL, 0},
    {"ocpp-client", ocpp_callback, 0, RX_MAX, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- the loop ---- */

static void tick(lws_sorted_usec_list_t *sul)
{
	struct evse_net *n = lws_container_of(sul, struct evse_net, tick_sul);
	uint64_t now = wl_mono_ms();
	evse_station_tick(n->st, now);
	if (n->group)
		evse_group_tick(n->group, now);
	flush_ocpp(n);
	poll_card(n);
	poll_logins(n);
	if (n->n_sse && now - n->events_at >= SSE_PERIOD) {
		n->events_at = now;
		refresh_events(n);
	}
	if (!n->reset)
		n->reset = evse_station_restart_due(n->st); /* a Reset, or an installed firmware image */
	lws_sul_schedule(n->ctx, 0, &n->tick_sul, tick, TICK_US);
}

static int split_url(struct evse_net *n, char *err, size_t errcap)
{
	snprintf(n->url, sizeof(n->url), "%s", n->cfg->ocpp_url);
	char copy[EVSE_STR_MAX];
	snprintf(copy, sizeof(copy), "%s", n->cfg->ocpp_url);
	const char *path;
	if (lws_parse_uri(n->url, &n->prot, &n->host, &n->port, &path)) {
		snprintf(err, errcap, "ocpp_url: cannot parse \"%s\"", copy);
		return -1;
	}
	snprintf(n->path_buf, sizeof(n->path_buf), "/%s", path);
	/* Basic auth: the user is the charge point id, the last segment of the path (OCPP 1.6 security) */
	if (n->cfg->ocpp_password[0]) {
		const char *slash = strrchr(copy, '/');
		char cred[EVSE_STR_MAX * 2], b64[380];
		snprintf(cred, sizeof(cred), "%s:%s", slash ? slash + 1 : "", n->cfg->ocpp_password);
		if (lws_b64_encode_string(cred, (int)strlen(cred), b64, sizeof(b64)) < 0) {
			snprintf(err, errcap, "ocpp_password too long");
			return -1;
		}
		snprintf(n->auth_header, sizeof(n->auth_header), "Authorization: Basic %s\r\n", b64);
	}
	return 0;
}

static void lws_log_to_wl(int level, const char *line)
{
	size_t len = strlen(line);
	while (len && line[len - 1] == '\n')
		len--;
	if (level & LLL_ERR)
		WL_ERROR("lws", "%.*s", (int)len, line);
	else
		WL_DEBUG("lws", "%.*s", (int)len, line);
}

struct evse_net *evse_net_new(struct evse_station *st, const struct evse_config *cfg, char *err, size_t errcap)
{
	struct evse_net *n = calloc(1, sizeof(*n));
	struct lws_context_creation_info info;

	if (!n) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	n->st = st;
	n->cfg = cfg;
	n->rx = malloc(RX_MAX);
	if (!n->rx) {
		snprintf(err, errcap, "out of memory");
		goto out_free;
	}
	if (cfg->ocpp_url[0] && split_url(n, err, errcap) < 0)
		goto out_free;
	lws_set_log_level(LLL_ERR, lws_log_to_wl);
	memset(&info, 0, sizeof(info));
	info.port = cfg->http_port ? cfg->http_port : CONTEXT_PORT_NO_LISTEN;
	if (cfg->http_port) {
		/* http_bind: exactly that address (or that interface's), refused when it cannot be bound */
		char why[160];
		if (wl_listen_resolve(cfg->http_bind, &n->where, why, sizeof(why)) < 0 ||
		    wl_listen_try(&n->where, cfg->http_port, why, sizeof(why)) < 0) {
			snprintf(err, errcap, "http_bind %s: %s",
			         cfg->http_bind[0] ? cfg->http_bind : "(every address)", why);
			goto out_free;
		}
		wl_listen_apply_lws(&n->where, &info);
	}
	info.protocols = protocols;
	info.user = n;
	/* OpenSSL costs megabytes of resident memory: load it only for a wss:// backend */
	if (strncmp(cfg->ocpp_url, "wss://", 6) == 0)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	if (cfg->ca_file[0])
		info.client_ssl_ca_filepath = cfg->ca_file;
	n->ctx = lws_create_context(&info);
	if (!n->ctx) {
		snprintf(err, errcap, "cannot start the network (http port %d in use?)", cfg->http_port);
		goto out_free;
	}
	if (cfg->group_role == EVSE_GROUP_MASTER && !(n->group = evse_group_new(st, cfg, n->ctx, err, errcap))) {
		lws_context_destroy(n->ctx);
		goto out_free;
	}
	if (n->group)
		evse_group_set_wake(n->group, wake_upstream, n);
	return n;
out_free:
	free(n->rx);
	free(n);
	return NULL;
}

void evse_net_free(struct evse_net *n)
{
	if (!n)
		return;
	if (n->api)
		evse_webauth_set_wake(evse_webapi_auth(n->api), NULL, NULL);
	if (n->group)
		evse_group_set_wake(n->group, NULL, NULL); /* the OCPP client's connection goes with the context */
	lws_context_destroy(n->ctx);
	evse_group_free(n->group); /* after the context: its connections close into it */
	free(n->status_json);
	free(n->rx);
	free(n);
}

struct evse_group *evse_net_group(struct evse_net *n)
{
	return n->group;
}

void evse_net_set_webapi(struct evse_net *n, struct evse_webapi *api)
{
	if (n->api)
		evse_webauth_set_wake(evse_webapi_auth(n->api), NULL, NULL);
	n->api = api;
	if (api)
		evse_webauth_set_wake(evse_webapi_auth(api), wake_loop, n);
}

int evse_net_run(struct evse_net *n, volatile sig_atomic_t *stop)
{
	n->stop = stop;
	lws_sul_schedule(n->ctx, 0, &n->tick_sul, tick, 1);
	if (n->cfg->ocpp_url[0] && n->st->ocpp)
		lws_sul_schedule(n->ctx, 0, &n->connect_sul, connect_now, 1);
	while (!*stop && !n->reset)
		if (lws_service(n->ctx, 0) < 0)
			break;
	return n->reset;
}

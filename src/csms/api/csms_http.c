/* csms_http.c — HTTP requests: routing, admin-token check, bodies, responses written when writable. */
#include "csms_http.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libwebsockets.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csms_api.h"
#include "csms_conn.h"
#include "csms_live.h"
#include "csms_web.h"
#include "wl_log.h"

#define MAX_JSON_BODY (1u << 20)
#define MAX_UPLOAD    (256u << 20)

static int write_now(struct lws *wsi, int status, const char *ctype, const char *body, size_t blen,
                     const char *extra_name, const char *extra_value)
{
	unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;

	if (lws_add_http_common_headers(wsi, (unsigned int)status, ctype, blen, &p, end))
		return -1;
	if (extra_name &&
	    lws_add_http_header_by_name(wsi, (const unsigned char *)extra_name, (const unsigned char *)extra_value,
	                                (int)strlen(extra_value), &p, end))
		return -1;
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	unsigned char *b = malloc(LWS_PRE + blen + 1);
	if (!b)
		return -1;
	memcpy(b + LWS_PRE, body, blen);
	int n = lws_write(wsi, b + LWS_PRE, blen, LWS_WRITE_HTTP_FINAL);
	free(b);
	return n < 0 ? -1 : 1;
}

static char *error_json(const char *code, const char *message)
{
	cJSON *root = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(root, "error");
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", message);
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return text;
}

int csms_http_reply_error(struct lws *wsi, int status, const char *code, const char *message)
{
	char *body = error_json(code, message);
	int rc = body ? write_now(wsi, status, "application/json", body, strlen(body), NULL, NULL) : -1;
	free(body);
	return rc;
}

int csms_http_reply_401(struct lws *wsi)
{
	char *body = error_json("unauthorized", "wrong station id or password");
	int rc = body ? write_now(wsi, 401, "application/json", body, strlen(body),
	                          "www-authenticate:", "Basic realm=\"Wattline\", charset=\"UTF-8\"")
	              : -1;
	free(body);
	return rc;
}

size_t csms_http_session_size(void)
{
	return sizeof(struct csms_http_req);
}

/* ---- responses ---- */

void csms_http_respond(struct csms_http_req *r, int status, const char *ctype, char *body, size_t len)
{
	free(r->resp);
	r->status = status;
	snprintf(r->ctype, sizeof(r->ctype), "%s", ctype);
	r->resp = body;
	r->resp_len = len;
	r->resp_ready = true;
	if (r->wsi)
		lws_callback_on_writable(r->wsi);
}

void csms_http_respond_json(struct csms_http_req *r, int status, cJSON *json)
{
	char *text = json ? cJSON_PrintUnformatted(json) : NULL;
	cJSON_Delete(json);
	if (!text) {
		csms_http_respond_error(r, 500, "internal", "out of memory");
		return;
	}
	csms_http_respond(r, status, "application/json", text, strlen(text));
}

void csms_http_respond_error(struct csms_http_req *r, int status, const char *code, const char *message)
{
	char *text = error_json(code, message);
	csms_http_respond(r, status, "application/json", text, text ? strlen(text) : 0);
}

static int add_header(struct lws *wsi, const char *name, const char *value, unsigned char **p, unsigned char *end)
{
	return lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)value,
	                                   (int)strlen(value), p, end);
}

int csms_http_serve_file(struct csms_http_req *r, const char *path, const char *ctype)
{
	struct stat sb;
	char extra[400];
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		csms_http_respond_error(r, 404, "not_found", "no such file");
		return -1;
	}
	int n = 0;
	extra[0] = '\0';
	if (r->disposition[0])
		n = snprintf(extra, sizeof(extra), "content-disposition: %s\r\n", r->disposition);
	snprintf(extra + n, sizeof(extra) - (size_t)n,
	         "cache-control: no-store\r\nx-content-type-options: nosniff\r\n");
	return csms_http_serve_static(r, path, ctype, extra);
}

int csms_http_serve_static(struct csms_http_req *r, const char *path, const char *ctype, const char *headers)
{
	if (lws_serve_http_file(r->wsi, path, ctype, headers, (int)strlen(headers)) < 0) {
		/* lws has answered with its own error page and wants the connection closed */
		lws_set_timeout(r->wsi, PENDING_TIMEOUT_HTTP_CONTENT, LWS_TO_KILL_ASYNC);
		return -1;
	}
	r->serving_file = true;
	return 0;
}

static int on_writeable(struct csms_http_req *r, struct lws *wsi)
{
	if (!r->resp_ready)
		return 0;
	if (!r->headers_sent) {
		unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof(buf) - 1;
		if (lws_add_http_common_headers(wsi, (unsigned int)r->status, r->ctype, r->resp_len, &p, end) ||
		    add_header(wsi, "cache-control:", "no-store", &p, end) ||
		    add_header(wsi, "x-content-type-options:", "nosniff", &p, end) ||
		    add_header(wsi, "x-frame-options:", "DENY", &p, end) ||
		    add_header(wsi, "referrer-policy:", "no-referrer", &p, end) ||
		    (r->set_cookie[0] && add_header(wsi, "set-cookie:", r->set_cookie, &p, end)) ||
		    (r->disposition[0] && add_header(wsi, "content-disposition:", r->disposition, &p, end)) ||
		    lws_finalize_write_http_header(wsi, start, &p, end))
			return -1;
		r->headers_sent = true;
		lws_callback_on_writable(wsi);
		return 0;
	}
	unsigned char *b = malloc(LWS_PRE + r->resp_len + 1);
	if (!b)
		return -1;
	memcpy(b + LWS_PRE, r->resp ? r->resp : "", r->resp_len);
	int n = lws_write(wsi, b + LWS_PRE, r->resp_len, LWS_WRITE_HTTP_FINAL);
	free(b);
	if (n < 0)
		return -1;
	free(r->resp);
	r->resp = NULL;
	r->resp_ready = false;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
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
	if (r->upload_fd >= 0) {
		csms_api_upload_finish(r);
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
		csms_http_respond_error(r, 414, "uri_too_long", "the path is too long");
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
		bool upload = r->route->flags & CSMS_ROUTE_UPLOAD;
		size_t max = upload ? MAX_UPLOAD : MAX_JSON_BODY;
		if (r->content_length > max) {
			csms_http_respond_error(r, 413, "too_large", "the request body is too large");
			return 0;
		}
		r->body_max = max;
		if (upload && csms_api_upload_begin(r) < 0)
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
		csms_http_respond_error(r, 413, "too_large", "the request body is too large");
		return 0;
	}
	if (r->upload_fd >= 0)
		return csms_api_upload_chunk(r, in, len);
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

int csms_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	struct csms *app = lws_context_user(lws_get_context(wsi));
	struct csms_http_req *r = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		if (strcmp((const char *)in, "websocket") != 0)
			return csms_http_reply_error(wsi, 400, "upgrade", "only WebSocket upgrades are served");
		return csms_conn_confirm_upgrade(app, wsi);
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
		if (r->stream && !r->resp_ready)
			return csms_live_on_writeable(r); /* a live stream (csms_api_live.c) */
		return on_writeable(r, wsi);
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

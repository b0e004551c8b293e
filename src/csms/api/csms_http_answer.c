/* csms_http_answer.c — the answer writer: JSON and error answers kept on the request and written when the
 * connection is writable, files served by lws, and the errors written at once before a request exists. */
#include "csms_http_answer.h"

#include <cjson/cJSON.h>
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int csms_http_reply_fail(struct lws *wsi, enum csms_err e, const char *message)
{
	const struct csms_error *row = csms_error_of(e);
	char *body = error_json(row->code, message ? message : row->meaning);
	int rc = -1;
	if (body && row->status == 401)
		rc = write_now(wsi, 401, "application/json", body, strlen(body),
		               "www-authenticate:", "Basic realm=\"Wattline\", charset=\"UTF-8\"");
	else if (body)
		rc = write_now(wsi, row->status, "application/json", body, strlen(body), NULL, NULL);
	free(body);
	return rc;
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
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	csms_http_respond(r, status, "application/json", text, strlen(text));
}

void csms_http_fail(struct csms_http_req *r, enum csms_err e, const char *fmt, ...)
{
	const struct csms_error *row = csms_error_of(e);
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char *text = error_json(row->code, msg[0] ? msg : row->meaning);
	csms_http_respond(r, row->status, "application/json", text, text ? strlen(text) : 0);
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
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such file");
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

int csms_http_answer_writeable(struct csms_http_req *r, struct lws *wsi)
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

/* csms_http_answer.h — the answer writer of the api room: every answer an HTTP request gets goes through
 * here. JSON errors are {"error":{"code","message"}}. An answer is kept on the request (r->resp, malloc'ed,
 * freed after it is written) and written when lws says the connection is writable. */
#ifndef CSMS_HTTP_ANSWER_H
#define CSMS_HTTP_ANSWER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "csms_errors.h"
#include "csms_http.h"

struct lws;

/* Answers (takes body, which must come from malloc). */
void csms_http_respond(struct csms_http_req *r, int status, const char *ctype, char *body, size_t len);
void csms_http_respond_json(struct csms_http_req *r, int status, cJSON *json); /* takes json */
/* Answers an error of the table (csms_errors.def): its status and code, and the printf-formatted message
 * (naming the field or value that failed). The only way a route answers an error. */
void csms_http_fail(struct csms_http_req *r, enum csms_err e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Serves a file (with r->disposition if set). Returns 0, or -1 after answering 404/500. */
int csms_http_serve_file(struct csms_http_req *r, const char *path, const char *ctype);
/* Serves a file of the UI with the given headers ("name: value\r\n" each). Returns 0 or -1 (answered). */
int csms_http_serve_static(struct csms_http_req *r, const char *path, const char *ctype, const char *headers);

/* LWS_CALLBACK_HTTP_WRITEABLE for a kept answer: the headers, then the body. 0, or -1 to close. */
int csms_http_answer_writeable(struct csms_http_req *r, struct lws *wsi);

/* Answers now with an error of the table (before a request has a session: the WebSocket upgrade); a 401
 * comes with WWW-Authenticate: Basic. Returns 1 (lws: "answered"), -1 on failure. */
int csms_http_reply_fail(struct lws *wsi, enum csms_err e, const char *message);

#endif

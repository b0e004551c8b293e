/* csms_api.h — the routes of the csms's HTTP API (one table: method, pattern, token needed, handler)
 * and the request state they share with csms_http.c. */
#ifndef CSMS_API_H
#define CSMS_API_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms.h"
#include "csms_ops.h"

enum csms_http_method {
	CSMS_HTTP_GET,
	CSMS_HTTP_POST,
	CSMS_HTTP_PUT,
	CSMS_HTTP_DELETE,
	CSMS_HTTP_PATCH,
	CSMS_HTTP_OTHER
};

#define CSMS_API_MAX_PARAMS 3

struct csms_http_req {
	struct csms *app;
	struct lws *wsi; /* NULL once the client is gone */
	enum csms_http_method method;
	char path[256];
	bool authed;
	uint64_t content_length;
	const void *route; /* the matched route */
	bool route_is_upload;
	char params[CSMS_API_MAX_PARAMS][128];
	/* body */
	char *body;
	size_t body_len, body_cap, body_max;
	/* firmware upload, streamed to a temporary file */
	int upload_fd;
	void *md5; /* EVP_MD_CTX */
	char upload_tmp[320];
	char upload_name[128];
	/* the answer */
	int status;
	char ctype[48];
	char *resp;
	size_t resp_len;
	bool resp_ready, headers_sent, serving_file;
	struct csms_op *op;           /* an operation this request waits for */
	struct csms_api_job *pending; /* a store job this request waits for */
};

/* Matches the request to a route; answers 404/405/401 itself and returns -1, else 0. */
int csms_api_route(struct csms_http_req *r);
/* Runs the matched route once its body (if any) is in. */
void csms_api_dispatch(struct csms_http_req *r);

int csms_api_upload_begin(struct csms_http_req *r);
int csms_api_upload_chunk(struct csms_http_req *r, const char *in, size_t len);
void csms_api_upload_finish(struct csms_http_req *r);
void csms_api_upload_abort(struct csms_http_req *r);
/* The client went away: forget what the request waits for. */
void csms_api_release(struct csms_http_req *r);

/* Answers (takes body, which must come from malloc). */
void csms_http_respond(struct csms_http_req *r, int status, const char *ctype, char *body, size_t len);
void csms_http_respond_json(struct csms_http_req *r, int status, cJSON *json); /* takes json */
void csms_http_respond_error(struct csms_http_req *r, int status, const char *code, const char *message);

#endif

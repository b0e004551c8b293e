/* evse_http.h — one request of the local web app as the network layer hands it over (method, path, query,
 * bounded body — or, for an upload, the file its body was streamed to — and the headers the API reads) and
 * the answer it writes back. No I/O: evse_net fills a request from libwebsockets and sends the answer;
 * evse_webapi and evse_webauth work on these alone. */
#ifndef EVSE_HTTP_H
#define EVSE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define EVSE_HTTP_BODY_MAX 4096 /* request bodies of the API */

enum evse_http_method { EVSE_HTTP_GET, EVSE_HTTP_POST, EVSE_HTTP_PUT, EVSE_HTTP_DELETE, EVSE_HTTP_OTHER };

struct evse_http_req {
	enum evse_http_method method;
	const char *path;         /* "/api/cards/2", without the query */
	const char *query;        /* "limit=20&before=31" or "" */
	const char *body;         /* body_len bytes, not NUL-terminated */
	size_t body_len;          /* for an upload: the bytes received, also those beyond the limit that were dropped */
	const char *body_file;    /* an upload (evse_webapi_upload_begin): the file holding its body, NULL if it
	                           * could not be written; NULL for every other request */
	const char *cookie;       /* the Cookie header or "" */
	const char *csrf;         /* the X-CSRF-Token header or "" */
	const char *content_type; /* or "" */
};

struct evse_http_resp {
	int status;
	const char *mime; /* a static string */
	char *body;       /* malloc'd by the API, freed by the caller */
	size_t len;
	char set_cookie[200]; /* a Set-Cookie value, or "" */
	int retry_after_s;    /* > 0: a Retry-After header */
	bool disposition_csv; /* Content-Disposition: attachment; filename="history.csv" */
	const char *filename; /* a static name: Content-Disposition: attachment; filename="<it>" (NULL: none) */
	bool wait_card;       /* no answer yet: the network layer polls evse_webapi_card_poll() */
	unsigned wait_job;    /* > 0: no answer yet, a password is hashing: evse_webapi_job_poll() gives it */
};

#endif

/* csms_api.h — the REST API's shared pieces: the request, who is asking (an operator by session cookie
 * or API token, or the local admin token), the route tables (each names the roles it allows) and the
 * helpers every resource module uses (bodies, query arguments, paging, answers after a commit).
 *
 * Each resource lives in its own csms_api_<area>.c with one table of routes; csms_api.c joins the tables,
 * matches a request, checks the login, the role and the CSRF token, then calls the handler. */
#ifndef CSMS_API_H
#define CSMS_API_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
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
const char *csms_http_method_name(enum csms_http_method m);

/* The three roles of the MMS manual, as bits so a route can allow several. */
enum csms_role {
	CSMS_ROLE_ADMIN = 1,   /* Administrator: everything */
	CSMS_ROLE_MANAGER = 2, /* Local Manager */
	CSMS_ROLE_TECH = 4,    /* Maintenance Technician */
};
#define CSMS_ROLES_ALL (CSMS_ROLE_ADMIN | CSMS_ROLE_MANAGER | CSMS_ROLE_TECH)
#define CSMS_ROLE_AM   (CSMS_ROLE_ADMIN | CSMS_ROLE_MANAGER)
#define CSMS_ROLE_AT   (CSMS_ROLE_ADMIN | CSMS_ROLE_TECH)
#define CSMS_PUBLIC    0x100u /* no login needed */

/* "administrator" | "local_manager" | "maintenance_technician" <-> one role bit (0: unknown). */
const char *csms_role_name(unsigned role);
unsigned csms_role_parse(const char *name);

enum csms_route_flag {
	CSMS_ROUTE_UPLOAD = 1,  /* the body is a file streamed to disk, not JSON (see csms_api_upload_*) */
	CSMS_ROUTE_NO_CSRF = 2, /* a state change that needs no CSRF token: login and first setup only */

	/* allowed before a reset password is changed: /auth/me, the password change, logout */
	CSMS_ROUTE_PW_CHANGE_OK = 4
};

#define CSMS_API_MAX_PARAMS 3

/* Who is asking. Filled by csms_api_route() before the handler runs. */
struct csms_principal {
	int64_t operator_id; /* 0: the local admin token (the command line) */
	unsigned role;       /* one CSMS_ROLE_* bit; 0: nobody logged in */
	char username[65];
	char language[8];
	bool by_cookie;         /* a browser session: state changes need its CSRF token */
	char session_hash[65];  /* the session's key (hash of the cookie), when by_cookie */
	char csrf[65];          /* the session's CSRF token, when by_cookie */
	int64_t token_id;       /* the API token used, or 0 */
	bool presented_invalid; /* a cookie or token was sent but is unknown, expired or revoked */

	/* reset by a manager and not yet changed: only CSMS_ROUTE_PW_CHANGE_OK routes */
	bool must_change_password;
};

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
	struct csms_op *op;                          /* an operation this request waits for */
	struct csms_api_job *pending;                /* a store job this request waits for */
	void *bg;                                    /* a background job this request waits for (see csms_bg.h) */
	void (*on_release)(struct csms_http_req *r); /* called when the client goes away, if set */
	void *stream;                                /* a live stream (csms_live) this request carries */
	uint64_t stream_checked_ms;                  /* when its credential was last found still valid */
};

typedef void csms_route_fn(struct csms_http_req *r);

struct csms_route {
	enum csms_http_method method;
	const char *pattern; /* segments; "*" captures one into params[] */
	unsigned roles;      /* CSMS_ROLE_* bits allowed, or CSMS_PUBLIC; 0 = no rule: always refused */
	unsigned flags;      /* enum csms_route_flag */
	csms_route_fn *fn;
	const char *summary; /* one line for the OpenAPI document */
};

struct csms_route_table {
	const char *tag; /* the OpenAPI tag: "stations", "cards", ... */
	const struct csms_route *routes;
	size_t n;
};
#define CSMS_ROUTE_TABLE(var, tagname, array)                                                                          \
	const struct csms_route_table var = {tagname, array, sizeof(array) / sizeof(array[0])}

/* One table per resource module (csms_api_<area>.c). */
extern const struct csms_route_table csms_routes_auth, csms_routes_operators, csms_routes_stations, csms_routes_users,
    csms_routes_lists, csms_routes_tx, csms_routes_home, csms_routes_views, csms_routes_maint, csms_routes_live,
    csms_routes_meta, csms_routes_control;

/* Every table, for the matcher, the OpenAPI document and the role-matrix tests. */
extern const struct csms_route_table *const csms_route_tables[];
extern const size_t csms_route_tables_n;

/* May this principal use this route? (the rule of the role matrix; a route without roles: never) */
bool csms_route_allows(const struct csms_route *rt, const struct csms_principal *who);

/* Matches the request to a route and checks login, role and CSRF; answers 404/405/401/403 itself and
 * returns -1, else 0. */
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
/* Serves a file (with r->disposition if set). Returns 0, or -1 after answering 404/500. */
int csms_http_serve_file(struct csms_http_req *r, const char *path, const char *ctype);
/* Serves a file of the UI with the given headers ("name: value\r\n" each). Returns 0 or -1 (answered). */
int csms_http_serve_static(struct csms_http_req *r, const char *path, const char *ctype, const char *headers);

/* ---- helpers for the resource modules (csms_apiutil.c) ---- */

/* A store job that answers its request after its batch is committed: 500 if the job failed, else
 * `status` with `reply`. A job's arguments are named fields of a struct that starts with this one (see
 * csms_api_job_sized()). */
struct csms_api_job {
	struct csms_job job;
	struct csms_http_req *req; /* NULL when the client left */
	int status;
	cJSON *reply;
	void *data;                               /* anything else, freed with free() */
	void (*after)(struct csms_api_job *j);    /* on the loop thread after the commit, before answering */
	const char *conflict_code, *conflict_msg; /* exec returned CSMS_API_CONFLICT: answered 409 with these */
	const char *missing_msg;                  /* exec returned CSMS_API_MISSING: answered 404 with this */
	int64_t out_id;                           /* e.g. the new row's id, set by exec */
};
#define CSMS_API_CONFLICT (-409)
#define CSMS_API_MISSING  (-404)

/* Allocates a job for r (reply is taken, even on failure; NULL after answering 500). Submit it with
 * csms_store_submit(r->app->store, &j->job). */
struct csms_api_job *csms_api_job(struct csms_http_req *r, csms_job_exec_fn *exec, int status, cJSON *reply);
/* The same for a typed job: a struct of `size` bytes whose first member is the struct csms_api_job, with
 * named fields for the job's arguments (zeroed). */
void *csms_api_job_sized(struct csms_http_req *r, size_t size, csms_job_exec_fn *exec, int status, cJSON *reply);
/* A table module's result (csms_db.h) as a job's: CSMS_DB_MISSING -> CSMS_API_MISSING, CSMS_DB_EXISTS and
 * CSMS_DB_REFUSED -> CSMS_API_CONFLICT, other negatives -> -1. */
int csms_api_db_rc(int db_rc);

/* The body as a JSON object, or NULL after answering 400. Free with cJSON_Delete. */
cJSON *csms_api_body(struct csms_http_req *r);

/* Field readers that validate as they go: on a bad value they answer 400 naming the field, set *bad
 * and return NULL/false; an absent field gives NULL / the default. Strings are checked for length
 * (characters of UTF-8, 1..max when required) and for control characters. */
const char *csms_api_str(struct csms_http_req *r, cJSON *obj, const char *name, bool required, size_t max, bool *bad);
bool csms_api_int(struct csms_http_req *r, cJSON *obj, const char *name, bool required, long long min, long long max,
                  long long *out, bool *bad);
bool csms_api_bool(struct csms_http_req *r, cJSON *obj, const char *name, bool *out, bool *bad);
/* An RFC 3339 date-time into ms since the epoch. */
bool csms_api_time(struct csms_http_req *r, cJSON *obj, const char *name, bool required, int64_t *out, bool *bad);

/* A query argument (?name=value, URL-decoded) into out; false when absent. */
bool csms_api_query(struct csms_http_req *r, const char *name, char *out, size_t outlen);

/* Paging and sorting of lists: ?limit=1..1000 (default 50) &offset=N &sort=field (-field descending),
 * where field must be one of `allowed` (NULL-terminated pairs: API name, SQL expression). The ORDER BY
 * clause (from the table, never from the client) goes into order. Answers 400 and returns -1 on a bad
 * value. */
struct csms_api_page {
	long long limit, offset;
	char order[160];
};
int csms_api_paging(struct csms_http_req *r, const char *const *allowed, const char *default_sort,
                    struct csms_api_page *out);
/* The page itself is read by the table's owner through csms_db_list() (store/csms_db.h), given
 * {limit, offset, order}. The answer: {"items":[...],"total":N,"limit":L,"offset":O} */
cJSON *csms_api_list_reply(cJSON *items, long long total, const struct csms_api_page *page);

/* JSON from a column: text or null; ms time as RFC 3339 or null; integer or null. */
void csms_api_add_text(cJSON *obj, const char *name, sqlite3_stmt *s, int col);
void csms_api_add_time(cJSON *obj, const char *name, sqlite3_stmt *s, int col);
void csms_api_add_int(cJSON *obj, const char *name, sqlite3_stmt *s, int col);
/* JSON from a typed row's field: ms since the epoch as RFC 3339, or null for CSMS_DB_NO_TIME. */
void csms_api_add_ms(cJSON *obj, const char *name, int64_t ms);

/* Work for the background worker on behalf of a request (password hashes, exports, backups). Submit with
 * csms_api_bg_submit(); in the job's done(), csms_api_bg_take() gives the request back (NULL when the
 * client has left: then only free the job). */
#include "csms_bg.h"
struct csms_api_bg {
	struct csms_bg_job bg;
	struct csms_http_req *req;
};
void csms_api_bg_submit(struct csms_http_req *r, struct csms_api_bg *job, csms_bg_exec_fn *exec, csms_bg_done_fn *done);
struct csms_http_req *csms_api_bg_take(struct csms_api_bg *job);

/* The end of a table export made on the worker (csms_export.h), in its done(): r (NULL when the client has
 * left) gets the file as the attachment "<stem>.<ext>", or 500 with err when rc < 0 (logged); the file's name
 * is removed either way (lws keeps the file open while it sends it). */
#include "csms_export.h"
void csms_api_export_reply(struct csms_http_req *r, int rc, const char *path, enum csms_export_format f,
                           const char *stem, const char *err);

/* Sends an OCPP call to a station and answers r with the station's reply when it comes: 200
 * {"station","action","outcome":"result","response":{...}}, 502 a CALLERROR, 504 no answer, 503 the
 * station left; 400/404/409/503 at once when it cannot be sent. The _json form takes payload. */
void csms_api_send_op(struct csms_http_req *r, const char *station, const char *action, const char *json, size_t len);
void csms_api_send_op_json(struct csms_http_req *r, const char *station, const char *action, cJSON *payload);

/* Answers 500 with the read connection's error. */
void csms_api_db_error(struct csms_http_req *r);

/* params[i] as a row id: 1..2^63-1, decimal digits only; false after answering 400 "<what> is a positive
 * integer" (what: e.g. "a view id"). */
bool csms_api_id_param(struct csms_http_req *r, int i, const char *what, int64_t *id);

/* The station named by params[0], or NULL after answering 404. */
struct csms_station *csms_api_station_param(struct csms_http_req *r);

#endif

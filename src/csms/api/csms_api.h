/* csms_api.h — the REST API's shared pieces: the request (csms_http.h), who is asking (csms_operator.h: an
 * operator by session cookie or API token, or the local admin token), the route tables (each names the roles it allows)
 * and the helpers every resource module uses (bodies, query arguments, paging, answers after a commit).
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
#include "csms_auth.h"
#include "csms_http.h"
#include "csms_http_answer.h"
#include "csms_operator.h"
#include "csms_ops.h"
#include "csms_registry.h"
#include "csms_store.h"

enum csms_route_flag {
	CSMS_ROUTE_UPLOAD = 1,  /* the body is a file streamed to disk, not JSON (the table's upload hooks) */
	CSMS_ROUTE_NO_CSRF = 2, /* a state change that needs no CSRF token: login and first setup only */

	/* allowed before a reset password is changed: /auth/me, the password change, logout */
	CSMS_ROUTE_PW_CHANGE_OK = 4
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
	const struct csms_route_hooks *hooks; /* uploads and streams of these routes (csms_http.h), or NULL */
};
#define CSMS_ROUTE_TABLE(var, tagname, array)                                                                          \
	const struct csms_route_table var = {tagname, array, sizeof(array) / sizeof(array[0]), NULL}
#define CSMS_ROUTE_TABLE_HOOKS(var, tagname, array, hooksp)                                                            \
	const struct csms_route_table var = {tagname, array, sizeof(array) / sizeof(array[0]), hooksp}

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

/* The client went away: forget what the request waits for. */
void csms_api_release(struct csms_http_req *r);

/* Creates an operator from a JSON body (username, name, surname, email, phone, language, role, password)
 * and answers r: 201 with the operator, 400/409 otherwise. first_admin: the setup step (the role is
 * administrator and the setup code is burnt once the operator is stored). Takes nothing from body.
 * (csms_api_operators.c; also the first setup's step in csms_api_auth.c) */
void csms_api_operator_create(struct csms_http_req *r, cJSON *body, bool first_admin);

/* ---- helpers for the resource modules (csms_apiutil.c) ---- */

/* A store job that answers its request after its batch is committed: 500 if the job failed, else
 * `status` with `reply`. A job's arguments are named fields of a struct that starts with this one (see
 * csms_api_job_sized()). */
struct csms_api_job {
	struct csms_job job;
	struct csms_http_req *req; /* NULL when the client left */
	int status;
	cJSON *reply;
	void *data;                            /* anything else, freed with free() */
	void (*after)(struct csms_api_job *j); /* on the loop thread after the commit, before answering */
	/* exec returned CSMS_API_CONFLICT: answered with conflict (NONE: CSMS_ERR_CONFLICT) and conflict_msg */
	enum csms_err conflict;
	const char *conflict_msg;
	const char *missing_msg; /* exec returned CSMS_API_MISSING: answered 404 with this */
	int64_t out_id;          /* e.g. the new row's id, set by exec */
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
 * csms_api_bg_submit() (it lifts libwebsockets' request timeout: a job may take long); in the job's done(),
 * csms_api_bg_take() gives the request back (NULL when the client has left: then only free the job). */
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
 * station left; 400/404/409/503 at once when it cannot be sent. The request (the JSON text of a REST body,
 * or a cJSON tree the _json form takes) is decoded here into the action's struct for csms_op_start(). */
void csms_api_send_op(struct csms_http_req *r, const char *station, const char *action, const char *json, size_t len);
void csms_api_send_op_json(struct csms_http_req *r, const char *station, enum ocpp_action action, cJSON *payload);
/* The error (csms_errors.def: its status and code) of an enum csms_op_error from csms_op_start(); an unknown
 * value is CSMS_ERR_BUSY. */
enum csms_err csms_api_op_error(int rc);
/* Answers r with the status and code of a csms_op_start() refusal and its message. */
void csms_api_op_refused(struct csms_http_req *r, int rc, const char *message);

/* Answers 500 with the read connection's error. */
void csms_api_db_error(struct csms_http_req *r);

/* params[i] as a row id: 1..2^63-1, decimal digits only; false after answering 400 "<what> is a positive
 * integer" (what: e.g. "a view id"). */
bool csms_api_id_param(struct csms_http_req *r, int i, const char *what, int64_t *id);

/* The station named by params[0], or NULL after answering 404. */
struct csms_station *csms_api_station_param(struct csms_http_req *r);

#endif

/* csms_apiutil.c — helpers the REST API's resource modules share: validated body fields, query
 * arguments, paging and sorting from a whitelist, JSON from columns, store jobs answered after commit. */
#include "csms_api.h"

#include <errno.h>
#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csms_db.h"
#include "ocpp_text.h"
#include "wl_log.h"

/* ---- store jobs that answer a request after their commit ---- */

static void done_api_job(struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	if (job->rc >= 0 && j->after)
		j->after(j);
	if (j->req) {
		j->req->pending = NULL;
		if (job->rc == CSMS_API_CONFLICT) {
			cJSON_Delete(j->reply);
			csms_http_fail(j->req, j->conflict ? j->conflict : CSMS_ERR_CONFLICT, "%s",
			               j->conflict_msg ? j->conflict_msg : "the change conflicts with stored data");
		} else if (job->rc == CSMS_API_MISSING) {
			cJSON_Delete(j->reply);
			csms_http_fail(j->req, CSMS_ERR_NOT_FOUND, "%s",
			               j->missing_msg ? j->missing_msg : "no such item");
		} else if (job->rc < 0) {
			cJSON_Delete(j->reply);
			csms_http_fail(j->req, CSMS_ERR_STORAGE, "the database refused the change");
		} else {
			csms_http_respond_json(j->req, j->status, j->reply);
		}
	} else {
		cJSON_Delete(j->reply);
	}
	free(j->data);
	free(j);
}

struct csms_api_job *csms_api_job(struct csms_http_req *r, csms_job_exec_fn *exec, int status, cJSON *reply)
{
	return csms_api_job_sized(r, sizeof(struct csms_api_job), exec, status, reply);
}

int csms_api_db_rc(int db_rc)
{
	switch (db_rc) {
	case CSMS_DB_MISSING: return CSMS_API_MISSING;
	case CSMS_DB_EXISTS:
	case CSMS_DB_REFUSED: return CSMS_API_CONFLICT;
	default: return db_rc < 0 ? -1 : 0;
	}
}

void *csms_api_job_sized(struct csms_http_req *r, size_t size, csms_job_exec_fn *exec, int status, cJSON *reply)
{
	struct csms_api_job *j = calloc(1, size);
	if (!j) {
		cJSON_Delete(reply);
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	j->job.exec = exec;
	j->job.done = done_api_job;
	j->req = r;
	j->status = status;
	j->reply = reply;
	r->pending = j;
	return j;
}

void csms_api_bg_submit(struct csms_http_req *r, struct csms_api_bg *job, csms_bg_exec_fn *exec, csms_bg_done_fn *done)
{
	job->bg.exec = exec;
	job->bg.done = done;
	job->req = r;
	r->bg = job;
	csms_bg_submit(r->app->bg, &job->bg);
	/* background work takes seconds (an export, a backup, a password hash queued behind one): libwebsockets'
	 * own request timeout (timeout_secs) must not cut the answer; the client may still leave */
	if (r->wsi)
		lws_set_timeout(r->wsi, NO_PENDING_TIMEOUT, 0);
}

struct csms_http_req *csms_api_bg_take(struct csms_api_bg *job)
{
	struct csms_http_req *r = job->req;
	if (r)
		r->bg = NULL;
	job->req = NULL;
	return r;
}

void csms_api_export_reply(struct csms_http_req *r, int rc, const char *path, enum csms_export_format f,
                           const char *stem, const char *err)
{
	if (rc < 0) {
		WL_WARN("api", "export of %s failed: %s", stem, err);
		if (r)
			csms_http_fail(r, CSMS_ERR_EXPORT, "%s", err);
	} else if (r) {
		snprintf(r->disposition, sizeof(r->disposition), "attachment; filename=\"%s.%s\"", stem,
		         csms_export_extension(f));
		csms_http_serve_file(r, path, csms_export_content_type(f));
	}
	unlink(path);
}

/* ---- bodies and fields ---- */

/* Does the JSON text hold a NUL character, raw or escaped (\u0000)? cJSON would keep it inside a C string,
 * which every reader then cuts short there. A backslash appears only in strings, so the escapes can be
 * scanned without parsing. */
static bool json_has_nul(const char *s, size_t len)
{
	if (memchr(s, '\0', len))
		return true;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 6 <= len && memcmp(s + i + 2, "0000", 4) == 0)
			return true;
		i++; /* the escaped character: "\\u0000" is a backslash and text */
	}
	return false;
}

cJSON *csms_api_body(struct csms_http_req *r)
{
	if (r->body && json_has_nul(r->body, r->body_len)) {
		csms_http_fail(r, CSMS_ERR_BAD_TEXT,
		               "the request body holds a NUL character (\\u0000), which no text may contain");
		return NULL;
	}
	cJSON *root = r->body ? cJSON_ParseWithLength(r->body, r->body_len) : NULL;
	if (!root || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		csms_http_fail(r, CSMS_ERR_BAD_JSON, "the request body must be a JSON object");
		return NULL;
	}
	return root;
}

static void field_error(struct csms_http_req *r, bool *bad, const char *name, const char *what)
{
	char msg[300];
	if (*bad)
		return; /* answered already */
	snprintf(msg, sizeof(msg), "%s: %s", name, what);
	csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
	*bad = true;
}

/* Characters of valid UTF-8 text without control characters; -1 if it is not such text. */
static long text_length(const char *s)
{
	long n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
		unsigned c = *p, extra = c < 0x80             ? 0
		                         : (c & 0xe0) == 0xc0 ? 1
		                         : (c & 0xf0) == 0xe0 ? 2
		                         : (c & 0xf8) == 0xf0 ? 3
		                                              : 9;
		if (extra == 9 || (c < 0x20) || c == 0x7f || (extra == 1 && c < 0xc2))
			return -1;
		p++;
		for (unsigned i = 0; i < extra; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return -1;
	}
	return n;
}

const char *csms_api_str(struct csms_http_req *r, cJSON *obj, const char *name, bool required, size_t max, bool *bad)
{
	char what[100];
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (*bad)
		return NULL;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			field_error(r, bad, name, "is required");
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		field_error(r, bad, name, "must be a string");
		return NULL;
	}
	long n = text_length(v->valuestring);
	if (n < 0) {
		field_error(r, bad, name, "must be UTF-8 text without control characters");
		return NULL;
	}
	if ((size_t)n > max || (required && n == 0)) {
		snprintf(what, sizeof(what), "must be %s..%zu characters", required ? "1" : "0", max);
		field_error(r, bad, name, what);
		return NULL;
	}
	return v->valuestring;
}

bool csms_api_int(struct csms_http_req *r, cJSON *obj, const char *name, bool required, long long min, long long max,
                  long long *out, bool *bad)
{
	char what[100];
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (*bad)
		return false;
	if (!v || cJSON_IsNull(v)) {
		if (required)
			field_error(r, bad, name, "is required");
		return false;
	}
	double d = cJSON_GetNumberValue(v);
	/* the range first: casting a double outside long long's range is undefined */
	if (!cJSON_IsNumber(v) || !(d >= (double)min && d <= (double)max && d > -9.2e18 && d < 9.2e18) ||
	    d != (double)(long long)d) {
		snprintf(what, sizeof(what), "must be an integer in %lld..%lld", min, max);
		field_error(r, bad, name, what);
		return false;
	}
	*out = (long long)d;
	return true;
}

bool csms_api_bool(struct csms_http_req *r, cJSON *obj, const char *name, bool *out, bool *bad)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (*bad || !v || cJSON_IsNull(v))
		return false;
	if (!cJSON_IsBool(v)) {
		field_error(r, bad, name, "must be true or false");
		return false;
	}
	*out = cJSON_IsTrue(v);
	return true;
}

bool csms_api_time(struct csms_http_req *r, cJSON *obj, const char *name, bool required, int64_t *out, bool *bad)
{
	const char *s = csms_api_str(r, obj, name, required, 40, bad);
	if (!s)
		return false;
	if (!ocpp_time_parse(s, out)) {
		field_error(r, bad, name, "must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z");
		return false;
	}
	return true;
}

/* ---- query arguments, paging ---- */

bool csms_api_query(struct csms_http_req *r, const char *name, char *out, size_t outlen)
{
	char key[64], buf[512];
	if (!r->wsi)
		return false;
	snprintf(key, sizeof(key), "%s=", name);
	/* lws copies "name=value" (URL-decoded) into buf and returns where the value starts */
	const char *v = lws_get_urlarg_by_name(r->wsi, key, buf, sizeof(buf));
	if (!v)
		return false;
	snprintf(out, outlen, "%s", v);
	return true;
}

static bool parse_ll(const char *s, long long *out)
{
	char *end;
	if (!*s)
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end)
		return false;
	*out = v;
	return true;
}

int csms_api_paging(struct csms_http_req *r, const char *const *allowed, const char *default_sort,
                    struct csms_api_page *out)
{
	char v[64];
	const char *sort = default_sort;
	memset(out, 0, sizeof(*out));
	out->limit = 50;
	if (csms_api_query(r, "limit", v, sizeof(v)) &&
	    (!parse_ll(v, &out->limit) || out->limit < 1 || out->limit > 1000)) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "limit must be an integer in 1..1000");
		return -1;
	}
	if (csms_api_query(r, "offset", v, sizeof(v)) && (!parse_ll(v, &out->offset) || out->offset < 0)) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "offset must be an integer >= 0");
		return -1;
	}
	if (csms_api_query(r, "sort", v, sizeof(v)))
		sort = v;
	bool desc = sort[0] == '-';
	const char *field = desc ? sort + 1 : sort;
	for (const char *const *a = allowed; a && a[0]; a += 2) {
		if (strcmp(a[0], field) == 0) {
			snprintf(out->order, sizeof(out->order), "%s %s", a[1], desc ? "DESC" : "ASC");
			return 0;
		}
	}
	char msg[300];
	size_t n = (size_t)snprintf(msg, sizeof(msg), "sort must be one of");
	for (const char *const *a = allowed; a && a[0] && n < sizeof(msg); a += 2)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, " %s", a[0]);
	if (n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - n, " (prefix - for descending)");
	csms_http_fail(r, CSMS_ERR_BAD_QUERY, "%s", msg);
	return -1;
}

cJSON *csms_api_list_reply(cJSON *items, long long total, const struct csms_api_page *page)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", items);
	cJSON_AddNumberToObject(o, "total", (double)total);
	cJSON_AddNumberToObject(o, "limit", (double)page->limit);
	cJSON_AddNumberToObject(o, "offset", (double)page->offset);
	return o;
}

/* ---- columns ---- */

void csms_api_add_text(cJSON *obj, const char *name, sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		cJSON_AddNullToObject(obj, name);
	else
		cJSON_AddStringToObject(obj, name, (const char *)sqlite3_column_text(s, col));
}

void csms_api_add_time(cJSON *obj, const char *name, sqlite3_stmt *s, int col)
{
	char t[40];
	if (sqlite3_column_type(s, col) == SQLITE_NULL) {
		cJSON_AddNullToObject(obj, name);
		return;
	}
	ocpp_time_format(sqlite3_column_int64(s, col), t, sizeof(t));
	cJSON_AddStringToObject(obj, name, t);
}

void csms_api_add_ms(cJSON *obj, const char *name, int64_t ms)
{
	char t[40];
	if (ms == CSMS_DB_NO_TIME) {
		cJSON_AddNullToObject(obj, name);
		return;
	}
	ocpp_time_format(ms, t, sizeof(t));
	cJSON_AddStringToObject(obj, name, t);
}

void csms_api_add_int(cJSON *obj, const char *name, sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		cJSON_AddNullToObject(obj, name);
	else
		cJSON_AddNumberToObject(obj, name, (double)sqlite3_column_int64(s, col));
}

void csms_api_db_error(struct csms_http_req *r)
{
	csms_http_fail(r, CSMS_ERR_STORAGE, "%s", sqlite3_errmsg(r->app->rdb));
}

bool csms_api_id_param(struct csms_http_req *r, int i, const char *what, int64_t *id)
{
	const char *p = r->params[i];
	char *end, msg[120];
	errno = 0;
	long long v = *p >= '0' && *p <= '9' ? strtoll(p, &end, 10) : 0;
	if (v <= 0 || errno || *end) {
		snprintf(msg, sizeof(msg), "%s is a positive integer", what);
		csms_http_fail(r, CSMS_ERR_BAD_ID, "%s", msg);
		return false;
	}
	*id = v;
	return true;
}

struct csms_station *csms_api_station_param(struct csms_http_req *r)
{
	struct csms_station *s = csms_registry_find(r->app->reg, r->params[0]);
	if (!s) {
		char msg[200];
		snprintf(msg, sizeof(msg), "station \"%s\" is not registered", r->params[0]);
		csms_http_fail(r, CSMS_ERR_UNKNOWN_STATION, "%s", msg);
	}
	return s;
}

/* ---- OCPP operations answered with the station's reply ---- */

static void op_done(struct csms_op *op, void *ctx)
{
	struct csms_http_req *r = ctx;
	static const int http_status[] = {
	    [CSMS_OP_RESULT] = 200, [CSMS_OP_ERROR] = 502, [CSMS_OP_TIMEOUT] = 504, [CSMS_OP_CANCELLED] = 503};
	r->op = NULL;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "station", op->station->id);
	cJSON_AddStringToObject(o, "action", ocpp_action_name(op->action));
	cJSON_AddStringToObject(o, "outcome", csms_op_status_name(op->status));
	if (op->status == CSMS_OP_RESULT) {
		cJSON *resp = op->response ? cJSON_Parse(op->response) : NULL;
		cJSON_AddItemToObject(o, "response", resp ? resp : cJSON_CreateObject());
	} else {
		cJSON *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "code", op->error_code);
		cJSON_AddStringToObject(e, "message", op->error);
	}
	csms_http_respond_json(r, http_status[op->status], o);
}

/* The operations engine's refusals as HTTP answers: the one place an enum csms_op_error becomes an error of
 * the table (its status and code). */
static const enum csms_err op_errors[CSMS_OP_E_COUNT] = {
    [-CSMS_OP_E_ACTION] = CSMS_ERR_BAD_REQUEST,
    [-CSMS_OP_E_NO_STATION] = CSMS_ERR_UNKNOWN_STATION,
    [-CSMS_OP_E_NOT_CONNECTED] = CSMS_ERR_NOT_CONNECTED,
    [-CSMS_OP_E_INVALID] = CSMS_ERR_BAD_REQUEST,
    [-CSMS_OP_E_BUSY] = CSMS_ERR_BUSY,
    [-CSMS_OP_E_NO_MEMORY] = CSMS_ERR_BUSY,
};

enum csms_err csms_api_op_error(int rc)
{
	return rc < 0 && -rc < CSMS_OP_E_COUNT ? op_errors[-rc] : CSMS_ERR_BUSY;
}

void csms_api_op_refused(struct csms_http_req *r, int rc, const char *message)
{
	csms_http_fail(r, csms_api_op_error(rc), "%s", message);
}

/* Sends the operation whose request is root (NULL: the body was not JSON; why says so). The request is decoded
 * into the action's struct here; the engine checks the action, the station and its connection first, so a bad
 * request to a station that is not connected is answered 409 as before. */
static void send_op(struct csms_http_req *r, const char *station, const char *action_name, const cJSON *root,
                    const char *why)
{
	char err[300], bad[300];
	struct ocpp_error oerr;
	struct ocpp_payload payload = {0};
	int a = ocpp_action_lookup(action_name);
	enum ocpp_action action = a < 0 ? OCPP_ACTION_COUNT : (enum ocpp_action)a;

	if (a >= 0 && root && ocpp_decode(ocpp_actions[a].req, root, NULL, &payload, &oerr) != 0) {
		snprintf(bad, sizeof(bad), "%s: %s", ocpp_error_code_name(oerr.code), oerr.message);
		why = bad;
	} else if (a < 0) {
		why = NULL;
	}
	int rc =
	    csms_op_start(r->app, station, action, why ? NULL : payload.data, op_done, r, &r->op, err, sizeof(err));
	if (rc == CSMS_OP_E_ACTION)
		snprintf(err, sizeof(err), "\"%s\" is not an action the central system sends", action_name);
	if (rc < 0)
		csms_api_op_refused(r, rc, rc == CSMS_OP_E_INVALID && why ? why : err);
	ocpp_payload_release(&payload);
}

void csms_api_send_op(struct csms_http_req *r, const char *station, const char *action, const char *json, size_t len)
{
	char why[160];
	const char *end = NULL;
	cJSON *root = len ? cJSON_ParseWithLengthOpts(json, len, &end, 0) : NULL;
	if (root && (size_t)(end - json) != len) {
		cJSON_Delete(root);
		root = NULL;
	}
	snprintf(why, sizeof(why), "the %s request is not one JSON object", action);
	send_op(r, station, action, root, root ? NULL : why);
	cJSON_Delete(root);
}

void csms_api_send_op_json(struct csms_http_req *r, const char *station, enum ocpp_action action, cJSON *payload)
{
	send_op(r, station, ocpp_action_name(action), payload, payload ? NULL : "out of memory");
	cJSON_Delete(payload);
}

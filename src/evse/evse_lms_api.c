/* evse_lms_api.c — the web routes of the Master's Local Management System (/api/group...): the group's status
 * and the actions on its points, the access mode and threshold, the users with limits, the group's transaction
 * history (JSON, CSV, Excel) and its consumption per day / month. Offered by evse_webapi on a Master only. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "evse_group_lms.h"
#include "evse_lms.h"
#include "evse_webapi_int.h"
#include "evse_webform.h"
#include "ocpp_text.h"
#include "wl_log.h"

#define MOD         "lms"
#define PAGE_MAX    200   /* rows per page of GET /api/group/transactions */
#define EXPORT_MAX  10000 /* rows in a CSV or Excel download */
#define CSV_ROW_MAX 640

/* ---- small parsers ---- */

/* A JSON number that is a whole number of -INT_LIMIT..INT_LIMIT into *out (checked before the cast: a double out of
 * an int's range cast is undefined); false otherwise. The setters check their own ranges. */
#define INT_LIMIT 1000000
static bool json_whole(const cJSON *x, int *out)
{
	if (!cJSON_IsNumber(x) || !(x->valuedouble >= -INT_LIMIT && x->valuedouble <= INT_LIMIT))
		return false;
	*out = (int)x->valuedouble;
	return x->valuedouble == *out;
}

static cJSON *body_json(const struct evse_http_req *rq, struct evse_http_resp *rs)
{
	cJSON *j = rq->body_len ? cJSON_ParseWithLength(rq->body, rq->body_len) : cJSON_CreateObject();
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		evse_webapi__error(rs, 400, NULL, "the body is not a JSON object");
		return NULL;
	}
	return j;
}

/* A number 1..n at the start of tail ("3/pause"); the rest after the '/' in *rest. 0 after answering 404. */
static int point_of(struct evse_webapi *w, const char *tail, const char **rest, struct evse_http_resp *rs)
{
	char *end;
	long k = strtol(tail, &end, 10);
	int n = evse_group_lms_points(w->group);
	if (end == tail || (*end && *end != '/') || k < 1 || k > n) {
		evse_webapi__error(rs, 404, NULL, "no point \"%.20s\" (1..%d)", tail, n);
		return 0;
	}
	*rest = *end ? end + 1 : end;
	return (int)k;
}

static void answer(struct evse_http_resp *rs, int status, const char *msg)
{
	if (status >= 400) {
		evse_webapi__error(rs, status, NULL, "%s", msg);
		return;
	}
	cJSON *j = cJSON_CreateObject();
	cJSON_AddBoolToObject(j, "ok", true);
	cJSON_AddStringToObject(j, "message", msg);
	evse_webapi__json(rs, status, j);
}

/* ---- status, settings, actions ---- */

static void h_group(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                    const char *tail)
{
	(void)rq, (void)now, (void)tail;
	cJSON *j = evse_group_lms_status(w->group);
	if (!j) {
		evse_webapi__error(rs, 500, NULL, "out of memory");
		return;
	}
	evse_webapi__json(rs, 200, j);
}

/* PUT /api/group/settings {access: "free"|"authorised", thresholdA: 0|6..800} (either or both) */
static void h_settings(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                       const char *tail)
{
	char msg[200] = "";
	int rc = 200;
	(void)now, (void)tail;
	cJSON *j = body_json(rq, rs);
	if (!j)
		return;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "access");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "thresholdA");
	if (a && (!cJSON_IsString(a) || (strcmp(a->valuestring, "free") && strcmp(a->valuestring, "authorised")))) {
		evse_webapi__error(rs, 400, NULL, "access: \"%.20s\" is not free or authorised",
		                   cJSON_IsString(a) ? a->valuestring : "?");
		goto out;
	}
	int amps = 0;
	if (t && !json_whole(t, &amps)) {
		evse_webapi__error(rs, 400, NULL, "thresholdA: not a whole number of amperes");
		goto out;
	}
	if (!a && !t) {
		evse_webapi__error(rs, 400, NULL, "nothing to change (access, thresholdA)");
		goto out;
	}
	if (t)
		rc = evse_group_lms_set_threshold(w->group, amps, msg, sizeof(msg));
	if (rc == 200 && a)
		rc = evse_group_lms_set_access(w->group, strcmp(a->valuestring, "free") == 0, msg, sizeof(msg));
	if (rc != 200) {
		answer(rs, rc, msg);
		goto out;
	}
	h_group(w, rq, now, rs, tail);
out:
	cJSON_Delete(j);
}

/* POST /api/group/points/{k}/{start|stop|pause|resume|reset}, start with {idTag} */
static void h_point_post(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                         const char *tail)
{
	char msg[200];
	const char *what;
	int rc;
	(void)now;
	int k = point_of(w, tail, &what, rs);
	if (!k)
		return;
	if (strcmp(what, "start") == 0) {
		cJSON *j = body_json(rq, rs);
		if (!j)
			return;
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "idTag");
		if (!cJSON_IsString(id) || !evse_webform_uid_is_valid(id->valuestring)) {
			evse_webapi__error(rs, 400, NULL,
			                   "idTag: \"%.24s\" is not a card (1..20 of A-Z a-z 0-9 - _ : .)",
			                   cJSON_IsString(id) ? id->valuestring : "");
			cJSON_Delete(j);
			return;
		}
		rc = evse_group_lms_start(w->group, k, id->valuestring, msg, sizeof(msg));
		cJSON_Delete(j);
	} else if (strcmp(what, "stop") == 0) {
		rc = evse_group_lms_stop(w->group, k, msg, sizeof(msg));
	} else if (strcmp(what, "pause") == 0 || strcmp(what, "resume") == 0) {
		rc = evse_group_lms_pause(w->group, k, what[0] == 'p', msg, sizeof(msg));
	} else if (strcmp(what, "reset") == 0) {
		rc = evse_group_lms_reset(w->group, k, msg, sizeof(msg));
	} else {
		evse_webapi__error(rs, 404, NULL, "no action \"%.20s\" (start, stop, pause, resume, reset)", what);
		return;
	}
	answer(rs, rc, msg);
}

/* PUT /api/group/points/{k}/limit {limitA: 0|6..80} */
static void h_point_put(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                        const char *tail)
{
	char msg[200];
	const char *what;
	(void)now;
	int k = point_of(w, tail, &what, rs);
	if (!k)
		return;
	if (strcmp(what, "limit") != 0) {
		evse_webapi__error(rs, 404, NULL, "no setting \"%.20s\" (limit)", what);
		return;
	}
	cJSON *j = body_json(rq, rs);
	if (!j)
		return;
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "limitA");
	int amps;
	if (!json_whole(a, &amps))
		evse_webapi__error(rs, 400, NULL,
		                   "limitA: a whole number of amperes (0 = the point's maximum, or 6..80)");
	else
		answer(rs, evse_group_lms_set_cap(w->group, k, amps, msg, sizeof(msg)), msg);
	cJSON_Delete(j);
}

static void h_reset_all(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                        const char *tail)
{
	char msg[200];
	(void)rq, (void)now, (void)tail;
	answer(rs, evse_group_lms_reset_all(w->group, msg, sizeof(msg)), msg);
}

/* POST /api/group/firmware {point: 0 (every Satellite) | k, location: URL} */
static void h_firmware(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                       const char *tail)
{
	char msg[200];
	(void)now, (void)tail;
	cJSON *j = body_json(rq, rs);
	if (!j)
		return;
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(j, "point");
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(j, "location");
	int point = 0;
	if (k && !json_whole(k, &point))
		evse_webapi__error(rs, 400, NULL, "point: a whole number (0 = every Satellite)");
	else
		answer(rs,
		       evse_group_lms_firmware(w->group, point, cJSON_IsString(loc) ? loc->valuestring : NULL, msg,
		                               sizeof(msg)),
		       msg);
	cJSON_Delete(j);
}

/* ---- users with limits ---- */

static void user_add(void *ctx, const struct evse_lms_user *u)
{
	cJSON_AddItemToArray(ctx, evse_lms_user_json(u));
}

static void h_users(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                    const char *tail)
{
	(void)rq, (void)now, (void)tail;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "access", evse_group_lms_free_access(w->group) ? "free" : "authorised");
	cJSON *list = cJSON_AddArrayToObject(j, "users");
	if (evse_store_lms_user_each(w->st->store, user_add, list) < 0) {
		cJSON_Delete(j);
		evse_webapi__error(rs, 500, NULL, "cannot read the users");
		return;
	}
	evse_webapi__json(rs, 200, j);
}

/* The user's id in tail, 0 after answering 404. */
static int64_t user_id(const char *tail, struct evse_http_resp *rs)
{
	char *end;
	long long id = strtoll(tail, &end, 10);
	if (!tail[0] || *end || id < 1) {
		evse_webapi__error(rs, 404, NULL, "no user \"%.20s\"", tail);
		return 0;
	}
	return id;
}

static void user_save(struct evse_webapi *w, const struct evse_http_req *rq, int64_t id, struct evse_http_resp *rs)
{
	struct evse_lms_user u;
	char err[200], conflict[WL_IDTAG_KEY_MAX] = "";
	if (evse_lms_user_parse(rq->body, rq->body_len, &u, err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return;
	}
	u.id = id;
	int64_t rc = evse_store_lms_user_put(w->st->store, &u, conflict, sizeof(conflict));
	if (rc == 0) {
		evse_webapi__error(rs, 404, NULL, "no user %lld", (long long)id);
		return;
	}
	if (rc == -2) {
		evse_webapi__error(rs, 409, NULL, "card %s belongs to another user", conflict);
		return;
	}
	if (rc == -3) {
		evse_webapi__error(rs, 409, NULL, "at most %d users", EVSE_LMS_USERS_MAX);
		return;
	}
	if (rc < 0) {
		evse_webapi__error(rs, 500, NULL, "the user could not be saved");
		return;
	}
	u.id = rc;
	WL_INFO(MOD, "user %lld (%s) saved with %d card(s)", (long long)u.id, u.name, u.n_cards);
	evse_webapi__json(rs, id ? 200 : 201, evse_lms_user_json(&u));
}

static void h_user_add(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                       const char *tail)
{
	(void)now, (void)tail;
	user_save(w, rq, 0, rs);
}

static void h_user_put(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                       const char *tail)
{
	(void)now;
	int64_t id = user_id(tail, rs);
	if (id)
		user_save(w, rq, id, rs);
}

static void h_user_delete(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                          struct evse_http_resp *rs, const char *tail)
{
	(void)rq, (void)now;
	int64_t id = user_id(tail, rs);
	if (!id)
		return;
	int rc = evse_store_lms_user_del(w->st->store, id);
	if (rc == 0)
		evse_webapi__error(rs, 404, NULL, "no user %lld", (long long)id);
	else if (rc < 0)
		evse_webapi__error(rs, 500, NULL, "the user could not be removed");
	else
		evse_webapi__ok(rs);
}

/* ---- the group's transactions ---- */

/* %XX and '+' of a query value, in place. */
static void unescape(char *s)
{
	char *o = s;
	for (; *s; s++) {
		unsigned v;
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1 && s[1] && s[2]) {
			*o++ = (char)v;
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* A local date "YYYY-MM-DD" → ms of its midnight (plus days); 0 when absent; -1 after answering 400. */
static int date_of(const char *query, const char *name, int days, int64_t *ms, struct evse_http_resp *rs)
{
	char v[16], err[120];
	int y, m, d;
	char tail;
	*ms = 0;
	int rc = evse_webform_query_str(query, name, v, sizeof(v), err, sizeof(err));
	if (rc == 0 || (rc == 1 && !v[0]))
		return 0;
	if (rc < 0 || sscanf(v, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || y < 1970 || y > 9999 || m < 1 || m > 12 ||
	    d < 1 || d > 31) {
		evse_webapi__error(rs, 400, NULL, "%s: \"%.16s\" is not a date YYYY-MM-DD", name, rc < 0 ? "" : v);
		return -1;
	}
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days, .tm_isdst = -1};
	*ms = (int64_t)mktime(&tm) * 1000;
	return 0;
}

/* The filter of the query: point, from, to (dates, to included), q (card or user), before, limit. */
static int filter_of(struct evse_webapi *w, const struct evse_http_req *rq, int max, int def, struct evse_gtx_filter *f,
                     struct evse_http_resp *rs)
{
	long k = 0, before = 0, limit = def;
	char err[160];
	memset(f, 0, sizeof(*f));
	if (evse_webform_query_int(rq->query, "point", 0, evse_group_lms_points(w->group), &k, err, sizeof(err)) < 0 ||
	    evse_webform_query_int(rq->query, "before", 1, 0x7fffffffL, &before, err, sizeof(err)) < 0 ||
	    evse_webform_query_int(rq->query, "limit", 1, max, &limit, err, sizeof(err)) < 0 ||
	    evse_webform_query_str(rq->query, "q", f->text, sizeof(f->text), err, sizeof(err)) < 0) {
		evse_webapi__error(rs, 400, NULL, "%s", err);
		return -1;
	}
	unescape(f->text);
	if (date_of(rq->query, "from", 0, &f->from_ms, rs) < 0 || date_of(rq->query, "to", 1, &f->until_ms, rs) < 0)
		return -1;
	if (f->from_ms && f->until_ms && f->until_ms <= f->from_ms) {
		evse_webapi__error(rs, 400, NULL, "to: before from");
		return -1;
	}
	f->connector = (int)k;
	f->before = before;
	f->limit = (int)limit;
	return 0;
}

static cJSON *tx_json(const struct evse_group_tx *t)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddNumberToObject(r, "no", (double)t->no);
	cJSON_AddNumberToObject(r, "point", t->connector);
	cJSON_AddStringToObject(r, "satellite", t->point);
	cJSON_AddStringToObject(r, "idTag", t->id_tag);
	cJSON_AddStringToObject(r, "user", t->user);
	if (t->tx_id)
		cJSON_AddNumberToObject(r, "transactionId", (double)t->tx_id);
	else
		cJSON_AddNullToObject(r, "transactionId");
	cJSON_AddStringToObject(r, "start", t->start);
	if (t->stop[0])
		cJSON_AddStringToObject(r, "stop", t->stop);
	else
		cJSON_AddNullToObject(r, "stop");
	cJSON_AddNumberToObject(r, "energyKwh", t->energy_wh / 1000.0);
	cJSON_AddStringToObject(r, "stopReason", t->stop_reason);
	if (t->refused[0])
		cJSON_AddStringToObject(r, "refused", t->refused);
	else
		cJSON_AddNullToObject(r, "refused");
	return r;
}

struct page {
	cJSON *list;
	int64_t last;
};

static void page_row(void *ctx, const struct evse_group_tx *t)
{
	struct page *p = ctx;
	cJSON_AddItemToArray(p->list, tx_json(t));
	p->last = t->no;
}

static void h_transactions(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                           struct evse_http_resp *rs, const char *tail)
{
	struct evse_gtx_filter f;
	(void)now, (void)tail;
	if (filter_of(w, rq, PAGE_MAX, 50, &f, rs) < 0)
		return;
	cJSON *j = cJSON_CreateObject();
	struct page p = {.list = cJSON_AddArrayToObject(j, "transactions")};
	int n = evse_store_gtx_query(w->st->store, &f, page_row, &p);
	if (n < 0) {
		cJSON_Delete(j);
		evse_webapi__error(rs, 500, NULL, "cannot read the transactions");
		return;
	}
	if (n == f.limit && p.last > 1)
		cJSON_AddNumberToObject(j, "next", (double)p.last);
	else
		cJSON_AddNullToObject(j, "next");
	evse_webapi__json(rs, 200, j);
}

/* Refused: the status the LMS rules answered its start ("Blocked"…), empty when allowed (last: the earlier columns
 * keep their places). */
static const char *const COLUMNS[] = {"No",   "Point",        "Satellite",   "Card",        "User",   "Start",
                                      "Stop", "Energy (kWh)", "Stop reason", "Transaction", "Refused"};
#define NCOLS ((int)(sizeof(COLUMNS) / sizeof(COLUMNS[0])))

struct csv {
	char *buf;
	size_t len, cap;
};

/* One CSV field, quoted; a leading = + - @ tab CR is defused with a quote (a spreadsheet would run it). */
static void csv_put(struct csv *c, const char *s, bool last)
{
	if (c->len + 2 * strlen(s) + 6 >= c->cap)
		return;
	c->buf[c->len++] = '"';
	if (strchr("=+-@\t\r", s[0]) && s[0])
		c->buf[c->len++] = '\'';
	for (; *s; s++) {
		if (*s == '"')
			c->buf[c->len++] = '"';
		c->buf[c->len++] = *s;
	}
	c->buf[c->len++] = '"';
	if (last) {
		c->buf[c->len++] = '\r';
		c->buf[c->len++] = '\n';
	} else {
		c->buf[c->len++] = ',';
	}
}

static void csv_row(void *ctx, const struct evse_group_tx *t)
{
	struct csv *c = ctx;
	char no[24], k[8], kwh[24], tx[24];
	snprintf(no, sizeof(no), "%lld", (long long)t->no);
	snprintf(k, sizeof(k), "%d", t->connector);
	snprintf(kwh, sizeof(kwh), "%.3f", t->energy_wh / 1000.0);
	snprintf(tx, sizeof(tx), "%lld", (long long)t->tx_id);
	const char *cells[NCOLS] = {no,      k,   t->point,       t->id_tag, t->user,   t->start,
	                            t->stop, kwh, t->stop_reason, tx,        t->refused};
	for (int i = 0; i < NCOLS; i++)
		csv_put(c, cells[i], i == NCOLS - 1);
}

/* ---- the downloads: the rows are read on the event loop, the file (CSV, or an Excel workbook zipped) is made on a
 * thread of its own (10,000 rows in Excel took 198 ms), and the answer goes out when it is done
 * (evse_webapi_job_poll) ---- */

struct evse_lms_export {
	bool csv; /* else Excel */
	pthread_t thread;
	atomic_bool done;
	unsigned job;
	struct evse_group_tx *rows;
	int n, cap;
	char path[32];
	char *body; /* the workbook, or NULL (err) */
	size_t len;
	char err[120];
};

struct xlsx {
	lxw_worksheet *ws;
	lxw_format *date;
	lxw_row_t row;
};

static void xlsx_time(struct xlsx *x, int col, int64_t ms)
{
	if (ms <= 0)
		return;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	lxw_datetime dt = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
	worksheet_write_datetime(x->ws, x->row, (lxw_col_t)col, &dt, x->date);
}

static void xlsx_row(struct xlsx *x, const struct evse_group_tx *t)
{
	x->row++;
	worksheet_write_number(x->ws, x->row, 0, (double)t->no, NULL);
	worksheet_write_number(x->ws, x->row, 1, t->connector, NULL);
	worksheet_write_string(x->ws, x->row, 2, t->point, NULL);
	worksheet_write_string(x->ws, x->row, 3, t->id_tag, NULL);
	worksheet_write_string(x->ws, x->row, 4, t->user, NULL);
	xlsx_time(x, 5, t->start_ms);
	xlsx_time(x, 6, t->stop[0] ? t->stop_ms : 0);
	worksheet_write_number(x->ws, x->row, 7, t->energy_wh / 1000.0, NULL);
	worksheet_write_string(x->ws, x->row, 8, t->stop_reason, NULL);
	if (t->tx_id)
		worksheet_write_number(x->ws, x->row, 9, (double)t->tx_id, NULL);
	if (t->refused[0])
		worksheet_write_string(x->ws, x->row, 10, t->refused, NULL);
}

/* The thread, CSV: the rows into e->body. */
static void csv_make(struct evse_lms_export *e)
{
	struct csv c = {.cap = (size_t)e->n * CSV_ROW_MAX + 256};
	if (!(c.buf = malloc(c.cap))) {
		snprintf(e->err, sizeof(e->err), "out of memory");
		return;
	}
	for (int i = 0; i < NCOLS; i++)
		csv_put(&c, COLUMNS[i], i == NCOLS - 1);
	for (int i = 0; i < e->n; i++)
		csv_row(&c, &e->rows[i]);
	c.buf[c.len] = '\0';
	e->body = c.buf;
	e->len = c.len;
}

/* The thread: the file into e->body (Excel: made in e->path and read back). Touches nothing but e. */
static void *export_make(void *arg)
{
	struct evse_lms_export *e = arg;
	if (e->csv) {
		csv_make(e);
		atomic_store(&e->done, true);
		return NULL;
	}
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = "/tmp"};
	lxw_workbook *wb = workbook_new_opt(e->path, &opt);
	lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "Transactions") : NULL;
	FILE *in = NULL;
	if (!ws) {
		workbook_close(wb);
		snprintf(e->err, sizeof(e->err), "the workbook could not be made");
		goto out;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	struct xlsx x = {.ws = ws, .date = workbook_add_format(wb)};
	format_set_num_format(x.date, "yyyy-mm-dd hh:mm:ss");
	for (int i = 0; i < NCOLS; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, COLUMNS[i], bold);
	worksheet_set_column(ws, 5, 6, 20, NULL);
	for (int i = 0; i < e->n; i++)
		xlsx_row(&x, &e->rows[i]);
	if (workbook_close(wb) != LXW_NO_ERROR) {
		snprintf(e->err, sizeof(e->err), "the workbook could not be written");
		goto out;
	}
	long size = -1;
	if ((in = fopen(e->path, "rb")) && fseek(in, 0, SEEK_END) == 0)
		size = ftell(in);
	if (!in || size <= 0 || fseek(in, 0, SEEK_SET) != 0 || !(e->body = malloc((size_t)size)) ||
	    fread(e->body, 1, (size_t)size, in) != (size_t)size) {
		free(e->body);
		e->body = NULL;
		snprintf(e->err, sizeof(e->err), "the workbook could not be read back");
		goto out;
	}
	e->len = (size_t)size;
out:
	if (in)
		fclose(in);
	unlink(e->path);
	atomic_store(&e->done, true);
	return NULL;
}

static void collect_row(void *ctx, const struct evse_group_tx *t)
{
	struct evse_lms_export *e = ctx;
	if (e->n < e->cap)
		e->rows[e->n++] = *t;
}

static void export_free(struct evse_lms_export *e)
{
	if (!e)
		return;
	free(e->rows);
	free(e->body);
	free(e);
}

static void export_start(struct evse_webapi *w, const struct evse_http_req *rq, bool csv, struct evse_http_resp *rs)
{
	static unsigned seq;
	struct evse_gtx_filter f;
	if (filter_of(w, rq, EXPORT_MAX, EXPORT_MAX, &f, rs) < 0)
		return;
	if (w->export) {
		rs->retry_after_s = 2;
		evse_webapi__error(rs, 409, NULL, "a download is being made: try again in a moment");
		return;
	}
	struct evse_lms_export *e = calloc(1, sizeof(*e));
	if (!e || !(e->rows = malloc((size_t)f.limit * sizeof(*e->rows)))) {
		export_free(e);
		evse_webapi__error(rs, 500, NULL, "out of memory");
		return;
	}
	e->cap = f.limit;
	e->csv = csv;
	if (evse_store_gtx_query(w->st->store, &f, collect_row, e) < 0) {
		export_free(e);
		evse_webapi__error(rs, 500, NULL, "cannot read the transactions");
		return;
	}
	snprintf(e->path, sizeof(e->path), "/tmp/wl-group-XXXXXX");
	int fd = csv ? 0 : mkstemp(e->path);
	if (fd < 0) {
		export_free(e);
		evse_webapi__error(rs, 500, NULL, "no temporary file for the workbook");
		return;
	}
	if (!csv)
		close(fd);
	atomic_init(&e->done, false);
	e->job = EVSE_LMS_EXPORT_JOB | (++seq & ~EVSE_LMS_EXPORT_JOB);
	if (pthread_create(&e->thread, NULL, export_make, e) != 0) {
		if (!csv)
			unlink(e->path);
		export_free(e);
		evse_webapi__error(rs, 500, NULL, "the workbook could not be started");
		return;
	}
	w->export = e;
	rs->wait_job = e->job; /* answered by evse_lms_export_poll() */
}

static void h_csv(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                  const char *tail)
{
	(void)now, (void)tail;
	export_start(w, rq, true, rs);
}

static void h_xlsx(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now, struct evse_http_resp *rs,
                   const char *tail)
{
	(void)now, (void)tail;
	export_start(w, rq, false, rs);
}

int evse_lms_export_poll(struct evse_webapi *w, unsigned *job, struct evse_http_resp *rs)
{
	struct evse_lms_export *e = w->export;
	if (!e || !atomic_load(&e->done))
		return 0;
	pthread_join(e->thread, NULL);
	memset(rs, 0, sizeof(*rs));
	*job = e->job;
	if (e->body) {
		evse_webapi__reply(
		    rs, 200, e->csv ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    NULL);
		rs->body = e->body;
		rs->len = e->len;
		rs->filename = e->csv ? "group-transactions.csv" : "group-transactions.xlsx";
		e->body = NULL;
	} else {
		evse_webapi__error(rs, 500, NULL, "%s", e->err);
	}
	export_free(e);
	w->export = NULL;
	return 1;
}

void evse_lms_export_cancel(struct evse_webapi *w)
{
	struct evse_lms_export *e = w->export;
	if (!e)
		return;
	pthread_join(e->thread, NULL);
	export_free(e);
	w->export = NULL;
}

/* ---- consumption per point and day or month ---- */

static void consumption_row(void *ctx, const char *period, int k, double wh, int sessions)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "period", period);
	cJSON_AddNumberToObject(r, "point", k);
	cJSON_AddNumberToObject(r, "energyKwh", wh / 1000.0);
	cJSON_AddNumberToObject(r, "sessions", sessions);
	cJSON_AddItemToArray(ctx, r);
}

static void h_consumption(struct evse_webapi *w, const struct evse_http_req *rq, uint64_t now,
                          struct evse_http_resp *rs, const char *tail)
{
	char by[8] = "day", err[120];
	int64_t from, until;
	(void)now, (void)tail;
	if (evse_webform_query_str(rq->query, "by", by, sizeof(by), err, sizeof(err)) < 0 ||
	    (strcmp(by, "day") && strcmp(by, "month"))) {
		evse_webapi__error(rs, 400, NULL, "by: day or month");
		return;
	}
	if (date_of(rq->query, "from", 0, &from, rs) < 0 || date_of(rq->query, "to", 1, &until, rs) < 0)
		return;
	cJSON *j = cJSON_CreateObject();
	cJSON_AddStringToObject(j, "by", by);
	cJSON_AddNumberToObject(j, "points", evse_group_lms_points(w->group));
	cJSON *rows = cJSON_AddArrayToObject(j, "rows");
	if (evse_store_gtx_consumption(w->st->store, by[0] == 'm', from, until, consumption_row, rows) < 0) {
		cJSON_Delete(j);
		evse_webapi__error(rs, 500, NULL, "cannot read the consumption");
		return;
	}
	evse_webapi__json(rs, 200, j);
}

const struct route evse_lms_routes[] = {
    {EVSE_HTTP_GET, "/api/group", ADMIN, NO_BODY, h_group, false},
    {EVSE_HTTP_PUT, "/api/group/settings", ADMIN, JSON_BODY, h_settings, false},
    {EVSE_HTTP_POST, "/api/group/points/", ADMIN, JSON_BODY, h_point_post, true},
    {EVSE_HTTP_PUT, "/api/group/points/", ADMIN, JSON_BODY, h_point_put, true},
    {EVSE_HTTP_POST, "/api/group/reset", ADMIN, JSON_BODY, h_reset_all, false},
    {EVSE_HTTP_POST, "/api/group/firmware", ADMIN, JSON_BODY, h_firmware, false},
    {EVSE_HTTP_GET, "/api/group/users", ADMIN, NO_BODY, h_users, false},
    {EVSE_HTTP_POST, "/api/group/users", ADMIN, JSON_BODY, h_user_add, false},
    {EVSE_HTTP_PUT, "/api/group/users/", ADMIN, JSON_BODY, h_user_put, false},
    {EVSE_HTTP_DELETE, "/api/group/users/", ADMIN, NO_BODY, h_user_delete, false},
    {EVSE_HTTP_GET, "/api/group/transactions", ADMIN, NO_BODY, h_transactions, false},
    {EVSE_HTTP_GET, "/api/group/transactions.csv", ADMIN, NO_BODY, h_csv, false},
    {EVSE_HTTP_GET, "/api/group/transactions.xlsx", ADMIN, NO_BODY, h_xlsx, false},
    {EVSE_HTTP_GET, "/api/group/consumption", ADMIN, NO_BODY, h_consumption, false},
};
const size_t evse_lms_n_routes = sizeof(evse_lms_routes) / sizeof(evse_lms_routes[0]);

/* csms_api_users.c — charge users (the people who charge) and their cards (id_tag rows): create, edit,
 * delete, get, list (paged, sortable, filtered), export to CSV and Excel on the background worker. Every
 * card change becomes a card_change row (triggers of schema 2) and wakes the local list sync. */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csms_cards.h"
#include "csms_export.h"
#include "csms_idtag.h"
#include "csms_sync.h"
#include "wl_clock.h"
#include "wl_log.h"

enum kind { K_USERS, K_CARDS };

static const char SQL_USER_COLS[] = "u.id, u.name, u.surname, u.tax_code, u.email, u.phone, u.address, u.notes, "
                                    "(SELECT count(*) FROM id_tag c WHERE c.user_id = u.id), u.created, u.updated";
static const char SQL_USER_FROM[] = "FROM charge_user u";
static const char SQL_CARD_COLS[] =
    "t.id_tag, t.user_id, u.name, u.surname, u.tax_code, t.parent_id_tag, t.description, t.valid_from, t.expiry, "
    "t.blocked, t.created, t.updated, CASE WHEN t.blocked THEN 'blocked' "
    "WHEN t.expiry IS NOT NULL AND t.expiry <= :now THEN 'expired' "
    "WHEN t.valid_from IS NOT NULL AND t.valid_from > :now THEN 'not_yet_valid' ELSE 'active' END";
static const char SQL_CARD_FROM[] = "FROM id_tag t LEFT JOIN charge_user u ON u.id = t.user_id";
#define USER_NCOLS 11
#define CARD_NCOLS 13

static const struct csms_export_col user_export_cols[USER_NCOLS] = {
    {"id", CSMS_EXPORT_INT},       {"name", CSMS_EXPORT_TEXT},    {"surname", CSMS_EXPORT_TEXT},
    {"taxCode", CSMS_EXPORT_TEXT}, {"email", CSMS_EXPORT_TEXT},   {"phone", CSMS_EXPORT_TEXT},
    {"address", CSMS_EXPORT_TEXT}, {"notes", CSMS_EXPORT_TEXT},   {"cards", CSMS_EXPORT_INT},
    {"created", CSMS_EXPORT_TIME}, {"updated", CSMS_EXPORT_TIME},
};
static const struct csms_export_col card_export_cols[CARD_NCOLS] = {
    {"idTag", CSMS_EXPORT_TEXT},       {"userId", CSMS_EXPORT_INT},     {"name", CSMS_EXPORT_TEXT},
    {"surname", CSMS_EXPORT_TEXT},     {"taxCode", CSMS_EXPORT_TEXT},   {"parentIdTag", CSMS_EXPORT_TEXT},
    {"description", CSMS_EXPORT_TEXT}, {"validFrom", CSMS_EXPORT_TIME}, {"expiry", CSMS_EXPORT_TIME},
    {"blocked", CSMS_EXPORT_BOOL},     {"created", CSMS_EXPORT_TIME},   {"updated", CSMS_EXPORT_TIME},
    {"state", CSMS_EXPORT_TEXT},
};

static void user_row(cJSON *o, sqlite3_stmt *st)
{
	static const char *const text[] = {"name", "surname", "taxCode", "email", "phone", "address", "notes"};
	csms_api_add_int(o, "id", st, 0);
	for (int i = 0; i < 7; i++)
		csms_api_add_text(o, text[i], st, 1 + i);
	csms_api_add_int(o, "cards", st, 8);
	csms_api_add_time(o, "created", st, 9);
	csms_api_add_time(o, "updated", st, 10);
}

static void card_row(cJSON *o, sqlite3_stmt *st)
{
	csms_api_add_text(o, "idTag", st, 0);
	csms_api_add_int(o, "userId", st, 1);
	if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
		cJSON_AddNullToObject(o, "user");
	} else {
		cJSON *u = cJSON_AddObjectToObject(o, "user");
		csms_api_add_int(u, "id", st, 1);
		csms_api_add_text(u, "name", st, 2);
		csms_api_add_text(u, "surname", st, 3);
		csms_api_add_text(u, "taxCode", st, 4);
	}
	csms_api_add_text(o, "parentIdTag", st, 5);
	csms_api_add_text(o, "description", st, 6);
	csms_api_add_time(o, "validFrom", st, 7);
	csms_api_add_time(o, "expiry", st, 8);
	cJSON_AddBoolToObject(o, "blocked", sqlite3_column_int(st, 9));
	csms_api_add_time(o, "created", st, 10);
	csms_api_add_time(o, "updated", st, 11);
	csms_api_add_text(o, "state", st, 12);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		sqlite3_bind_int64(st, i, v);
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

/* One row as JSON (read connection), NULL if there is none. */
static cJSON *row_json(sqlite3 *db, enum kind k, int64_t id, const char *tag)
{
	char sql[900];
	sqlite3_stmt *st;
	cJSON *o = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s %s WHERE %s", k == K_USERS ? SQL_USER_COLS : SQL_CARD_COLS,
	         k == K_USERS ? SQL_USER_FROM : SQL_CARD_FROM, k == K_USERS ? "u.id = :id" : "t.id_tag = :tag");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	bind_named_int(st, ":id", id);
	bind_named_text(st, ":tag", tag ? tag : "");
	bind_named_int(st, ":now", (int64_t)wl_wall_ms());
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		(k == K_USERS ? user_row : card_row)(o, st);
	}
	sqlite3_finalize(st);
	return o;
}

/* The card named in the path, normalised; false after answering 400. */
static bool parse_tag_param(struct csms_http_req *r, char tag[CSMS_IDTAG_MAX + 1])
{
	if (!csms_cards_tag_is_valid(r->params[0])) {
		csms_http_fail(r, CSMS_ERR_BAD_ID_TAG, "idTag: 1..20 printable ASCII characters");
		return false;
	}
	csms_idtag_normalize(r->params[0], tag);
	return true;
}

static bool user_exists(struct csms *app, int64_t id)
{
	sqlite3_stmt *st;
	bool yes = false;
	if (sqlite3_prepare_v2(app->rdb, "SELECT 1 FROM charge_user WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, id);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* ---- filters of lists and exports: ?q= (text), ?userId=, ?state= (cards) ---- */

struct filter {
	bool has_q, has_user;
	char like[520];
	int64_t user;
	int state; /* enum csms_card_state, -1: any */
};

static int parse_filter(struct csms_http_req *r, enum kind k, struct filter *f)
{
	char v[260];
	memset(f, 0, sizeof(*f));
	f->state = -1;
	if (csms_api_query(r, "q", v, sizeof(v)) && v[0]) {
		if (!csms_cards_like_contains(v, f->like, sizeof(f->like))) {
			csms_http_fail(r, CSMS_ERR_BAD_QUERY, "q: too long (at most 200 characters)");
			return -1;
		}
		f->has_q = true;
	}
	if (k == K_USERS)
		return 0;
	if (csms_api_query(r, "userId", v, sizeof(v))) {
		char *end;
		long long id = strtoll(v, &end, 10);
		if (!v[0] || *end || id <= 0) {
			csms_http_fail(r, CSMS_ERR_BAD_QUERY, "userId: a positive integer");
			return -1;
		}
		f->has_user = true;
		f->user = id;
	}
	if (csms_api_query(r, "state", v, sizeof(v)) && (f->state = csms_cards_state_parse(v)) < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "state: one of active, blocked, expired, not_yet_valid");
		return -1;
	}
	return 0;
}

/* The WHERE clause of a filter: fixed fragments, values bound by name. */
static void filter_where(enum kind k, const struct filter *f, char *out, size_t outlen)
{
	static const char *const state_sql[CSMS_CARD_STATE_COUNT] = {
	    [CSMS_CARD_ACTIVE] = ("t.blocked = 0 AND (t.expiry IS NULL OR t.expiry > :now) "
	                          "AND (t.valid_from IS NULL OR t.valid_from <= :now)"),
	    [CSMS_CARD_BLOCKED] = "t.blocked <> 0",
	    [CSMS_CARD_EXPIRED] = "t.blocked = 0 AND t.expiry IS NOT NULL AND t.expiry <= :now",
	    [CSMS_CARD_NOT_YET_VALID] = ("t.blocked = 0 AND (t.expiry IS NULL OR t.expiry > :now) "
	                                 "AND t.valid_from > :now"),
	};
	size_t n = (size_t)snprintf(out, outlen, " WHERE 1");
	if (f->has_q)
		n += (size_t)snprintf(out + n, outlen - n, "%s",
		                      k == K_USERS
		                          ? " AND (u.name LIKE :q ESCAPE '\\' OR u.surname LIKE :q ESCAPE '\\' OR "
		                            "u.tax_code LIKE :q ESCAPE '\\')"
		                          : " AND (t.id_tag LIKE :q ESCAPE '\\' OR t.description LIKE :q ESCAPE "
		                            "'\\' OR u.name LIKE :q ESCAPE '\\' OR u.surname LIKE :q ESCAPE '\\')");
	if (f->has_user && n < outlen)
		n += (size_t)snprintf(out + n, outlen - n, " AND t.user_id = :user");
	if (f->state >= 0 && n < outlen)
		snprintf(out + n, outlen - n, " AND %s", state_sql[f->state]);
}

static void filter_bind(sqlite3_stmt *st, const struct filter *f, int64_t now)
{
	bind_named_int(st, ":now", now);
	if (f->has_q)
		bind_named_text(st, ":q", f->like);
	if (f->has_user)
		bind_named_int(st, ":user", f->user);
}

/* ---- lists ---- */

static const char *const user_sorts[] = {"surname", "u.surname COLLATE NOCASE",
                                         "name",    "u.name COLLATE NOCASE",
                                         "taxCode", "u.tax_code",
                                         "created", "u.created",
                                         "id",      "u.id",
                                         NULL};
static const char *const card_sorts[] = {"idTag",     "t.id_tag",     "description", "t.description COLLATE NOCASE",
                                         "validFrom", "t.valid_from", "expiry",      "t.expiry",
                                         "created",   "t.created",    "user",        "u.surname COLLATE NOCASE",
                                         "blocked",   "t.blocked",    NULL};

static void get_list(struct csms_http_req *r, enum kind k)
{
	struct csms_api_page pg;
	struct filter f;
	char where[600], sql[2000];
	sqlite3_stmt *st;
	if (parse_filter(r, k, &f) < 0 ||
	    csms_api_paging(r, k == K_USERS ? user_sorts : card_sorts, k == K_USERS ? "surname" : "idTag", &pg) < 0)
		return;
	filter_where(k, &f, where, sizeof(where));
	snprintf(sql, sizeof(sql), "SELECT %s, count(*) OVER () %s%s ORDER BY %s, %s LIMIT :limit OFFSET :offset",
	         k == K_USERS ? SQL_USER_COLS : SQL_CARD_COLS, k == K_USERS ? SQL_USER_FROM : SQL_CARD_FROM, where,
	         pg.order, k == K_USERS ? "u.id" : "t.id_tag");
	if (sqlite3_prepare_v2(r->app->rdb, sql, -1, &st, NULL) != SQLITE_OK) {
		csms_api_db_error(r);
		return;
	}
	filter_bind(st, &f, (int64_t)wl_wall_ms());
	bind_named_int(st, ":limit", pg.limit);
	bind_named_int(st, ":offset", pg.offset);
	long long total;
	cJSON *items = csms_api_page_rows(st, k == K_USERS ? user_row : card_row, &total);
	if (total == 0 && pg.offset > 0) { /* a page past the end: count alone */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s%s",
		         k == K_USERS ? "charge_user u" : "id_tag t LEFT JOIN charge_user u ON u.id = t.user_id",
		         where);
		if (sqlite3_prepare_v2(r->app->rdb, sql, -1, &st, NULL) == SQLITE_OK) {
			filter_bind(st, &f, (int64_t)wl_wall_ms());
			if (sqlite3_step(st) == SQLITE_ROW)
				total = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
		}
	}
	csms_http_respond_json(r, 200, csms_api_list_reply(items, total, &pg));
}

static void get_users(struct csms_http_req *r)
{
	get_list(r, K_USERS);
}

static void get_cards(struct csms_http_req *r)
{
	get_list(r, K_CARDS);
}

/* ---- exports: on the background worker, into <data>/exports/, served then removed ---- */

struct export_job {
	struct csms_api_bg base;
	enum kind kind;
	enum csms_export_format fmt;
	struct filter f;
	char path[400];
	char err[200];
	long rows;
};

static int exec_export(struct csms_bg_job *bg, sqlite3 *db)
{
	struct export_job *x = (struct export_job *)bg;
	char where[600], sql[2000];
	sqlite3_stmt *st;
	if (!db) {
		snprintf(x->err, sizeof(x->err), "the worker has no database connection");
		return -1;
	}
	filter_where(x->kind, &x->f, where, sizeof(where));
	snprintf(sql, sizeof(sql), "SELECT %s %s%s ORDER BY %s", x->kind == K_USERS ? SQL_USER_COLS : SQL_CARD_COLS,
	         x->kind == K_USERS ? SQL_USER_FROM : SQL_CARD_FROM, where,
	         x->kind == K_USERS ? "u.surname COLLATE NOCASE, u.name COLLATE NOCASE, u.id" : "t.id_tag");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(x->err, sizeof(x->err), "%s", sqlite3_errmsg(db));
		return -1;
	}
	filter_bind(st, &x->f, (int64_t)wl_wall_ms());
	x->rows = csms_export_write(
	    st, x->kind == K_USERS ? user_export_cols : card_export_cols, x->kind == K_USERS ? USER_NCOLS : CARD_NCOLS,
	    x->fmt, x->path, x->kind == K_USERS ? "Charge users" : "Cards", &bg->cancelled, x->err, sizeof(x->err));
	sqlite3_finalize(st);
	return x->rows < 0 ? -1 : 0;
}

static void done_export(struct csms_bg_job *bg)
{
	struct export_job *x = (struct export_job *)bg;
	csms_api_export_reply(csms_api_bg_take(&x->base), bg->rc, x->path, x->fmt,
	                      x->kind == K_USERS ? "charge-users" : "cards", x->err);
	free(x);
}

static void get_export(struct csms_http_req *r, enum kind k)
{
	char fmt[16] = "csv";
	struct export_job *x;
	int f;
	csms_api_query(r, "format", fmt, sizeof(fmt));
	if ((f = csms_export_format_parse(fmt)) < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "format: csv or xlsx");
		return;
	}
	if (!(x = calloc(1, sizeof(*x)))) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	x->kind = k;
	x->fmt = (enum csms_export_format)f;
	if (parse_filter(r, k, &x->f) < 0) {
		free(x);
		return;
	}
	if (csms_export_path(r->app->cfg.data_dir, k == K_USERS ? "charge-users" : "cards", x->fmt, x->path,
	                     sizeof(x->path)) < 0) {
		free(x);
		csms_http_fail(r, CSMS_ERR_EXPORT, "cannot make the exports folder");
		return;
	}
	csms_api_bg_submit(r, &x->base, exec_export, done_export);
}

static void get_users_export(struct csms_http_req *r)
{
	get_export(r, K_USERS);
}

static void get_cards_export(struct csms_http_req *r)
{
	get_export(r, K_CARDS);
}

/* ---- charge users: get, create, edit, delete ---- */

static void get_user(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a charge user id", &id))
		return;
	cJSON *o = row_json(r->app->rdb, K_USERS, id, NULL);
	if (!o)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such charge user");
	else
		csms_http_respond_json(r, 200, o);
}

enum { U_NAME, U_SURNAME, U_TAX, U_EMAIL, U_PHONE, U_ADDRESS, U_NOTES, U_NFIELDS };
static const char *const user_fields[U_NFIELDS] = {"name", "surname", "taxCode", "email", "phone", "address", "notes"};
static const size_t user_max[U_NFIELDS] = {100, 100, 32, 254, 40, 300, 2000};

/* Reads the fields of a charge user body into j->text/has; false after answering 400. */
static bool read_user_fields(struct csms_http_req *r, cJSON *body, bool create, struct csms_api_job *j)
{
	bool bad = false;
	for (int i = 0; i < U_NFIELDS; i++) {
		bool required = i <= U_TAX;
		const char *v = csms_api_str(r, body, user_fields[i], create && required, user_max[i], &bad);
		if (bad)
			return false;
		if (v && required && !v[0]) {
			char msg[80];
			snprintf(msg, sizeof(msg), "%s: must not be empty", user_fields[i]);
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
			return false;
		}
		if (v && i == U_EMAIL && v[0] && !strchr(v, '@')) {
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "email: is not an e-mail address");
			return false;
		}
		if ((j->has[i] = v != NULL))
			snprintf(j->text[i], sizeof(j->text[i]), "%s", v);
	}
	return true;
}

struct after_ctx {
	struct csms *app;
	char tag[CSMS_IDTAG_MAX + 1];
	bool cards_changed;
};

static struct after_ctx *after_ctx(struct csms_api_job *j, struct csms *app, const char *tag)
{
	struct after_ctx *a = calloc(1, sizeof(*a));
	if (a) {
		a->app = app;
		snprintf(a->tag, sizeof(a->tag), "%s", tag ? tag : "");
	}
	j->data = a;
	return a;
}

static void after_user(struct csms_api_job *j)
{
	struct after_ctx *a = j->data;
	if (!a)
		return;
	if (a->cards_changed)
		csms_sync_cards_changed(a->app);
	if (j->req) { /* the row as stored */
		cJSON *o = row_json(a->app->rdb, K_USERS, j->out_id, NULL);
		if (o) {
			cJSON_Delete(j->reply);
			j->reply = o;
		}
	}
}

static int exec_user_insert(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	int64_t now = (int64_t)wl_wall_ms();
	sqlite3_stmt *s =
	    csms_store_stmt(st, "INSERT INTO charge_user (name, surname, tax_code, email, phone, address, "
	                        "notes, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s)
		return -1;
	for (int i = 0; i < U_NFIELDS; i++)
		sqlite3_bind_text(s, i + 1, j->text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	j->out_id = sqlite3_last_insert_rowid(csms_store_db(st));
	return 0;
}

static void post_user(struct csms_http_req *r)
{
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	struct csms_api_job *j = csms_api_job(r, exec_user_insert, 201, NULL);
	if (j) {
		if (!read_user_fields(r, body, true, j) || !after_ctx(j, r->app, NULL)) {
			r->pending = NULL;
			if (!r->resp_ready)
				csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
			free(j->data);
			free(j);
		} else {
			j->after = after_user;
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

static int exec_user_update(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = csms_store_stmt(
	    st, "UPDATE charge_user SET name = coalesce(?, name), surname = coalesce(?, surname), "
	        "tax_code = coalesce(?, tax_code), email = coalesce(?, email), phone = coalesce(?, phone), "
	        "address = coalesce(?, address), notes = coalesce(?, notes), updated = ? WHERE id = ?");
	if (!s)
		return -1;
	for (int i = 0; i < U_NFIELDS; i++)
		if (j->has[i])
			sqlite3_bind_text(s, i + 1, j->text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, (int64_t)wl_wall_ms());
	sqlite3_bind_int64(s, 9, j->out_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(csms_store_db(st)) ? 0 : CSMS_API_MISSING;
}

static void put_user(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a charge user id", &id))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	struct csms_api_job *j = csms_api_job(r, exec_user_update, 200, NULL);
	if (j) {
		if (!read_user_fields(r, body, false, j) || !after_ctx(j, r->app, NULL)) {
			r->pending = NULL;
			if (!r->resp_ready)
				csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
			free(j->data);
			free(j);
		} else {
			j->out_id = id;
			j->after = after_user;
			j->missing_msg = "no such charge user";
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

/* Removes cards from every card list holding them (the lists get a new version). */
static const char SQL_BUMP_LISTS_OF_USER[] =
    "UPDATE card_list SET version = version + 1, updated = ? WHERE id IN (SELECT i.list_id FROM card_list_item i "
    "JOIN id_tag t ON t.id_tag = i.id_tag WHERE t.user_id = ?)";
static const char SQL_DROP_ITEMS_OF_USER[] =
    "DELETE FROM card_list_item WHERE id_tag IN (SELECT id_tag FROM id_tag WHERE user_id = ?)";

static int exec_user_delete(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	struct after_ctx *a = j->data;
	int64_t id = j->out_id;
	sqlite3_stmt *s = csms_store_stmt(st, "SELECT count(*) FROM id_tag WHERE user_id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW)
		return -1;
	int64_t cards = sqlite3_column_int64(s, 0);
	if (cards && !j->has[0])
		return CSMS_API_CONFLICT;
	if (cards) {
		if (!(s = csms_store_stmt(st, SQL_BUMP_LISTS_OF_USER)))
			return -1;
		sqlite3_bind_int64(s, 1, (int64_t)wl_wall_ms());
		sqlite3_bind_int64(s, 2, id);
		if (sqlite3_step(s) != SQLITE_DONE || !(s = csms_store_stmt(st, SQL_DROP_ITEMS_OF_USER)))
			return -1;
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_DONE ||
		    !(s = csms_store_stmt(st, "DELETE FROM id_tag WHERE user_id = ?")))
			return -1;
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -1;
		a->cards_changed = true;
	}
	if (!(s = csms_store_stmt(st, "DELETE FROM charge_user WHERE id = ?")))
		return -1;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	if (!sqlite3_changes(csms_store_db(st)))
		return CSMS_API_MISSING;
	j->num[0] = cards;
	return 0;
}

static void after_user_delete(struct csms_api_job *j)
{
	struct after_ctx *a = j->data;
	if (a && a->cards_changed)
		csms_sync_cards_changed(a->app);
	if (j->reply)
		cJSON_AddNumberToObject(j->reply, "cardsDeleted", (double)j->num[0]);
}

static void delete_user(struct csms_http_req *r)
{
	int64_t id;
	char v[16] = "";
	if (!csms_api_id_param(r, 0, "a charge user id", &id))
		return;
	csms_api_query(r, "cascade", v, sizeof(v));
	if (v[0] && strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "cascade: true or false");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct csms_api_job *j = csms_api_job(r, exec_user_delete, 200, o);
	if (!j)
		return;
	j->out_id = id;
	j->has[0] = strcmp(v, "true") == 0;
	j->after = after_user_delete;
	j->missing_msg = "no such charge user";
	j->conflict = CSMS_ERR_HAS_CARDS;
	j->conflict_msg = "the charge user still has cards: delete them first, or DELETE with ?cascade=true";
	if (!after_ctx(j, r->app, NULL)) {
		r->pending = NULL;
		cJSON_Delete(j->reply);
		free(j);
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	csms_store_submit(r->app->store, &j->job);
}

/* ---- cards: get, create, edit, delete ---- */

static void get_card(struct csms_http_req *r)
{
	char tag[CSMS_IDTAG_MAX + 1];
	sqlite3_stmt *st;
	if (!parse_tag_param(r, tag))
		return;
	cJSON *o = row_json(r->app->rdb, K_CARDS, 0, tag);
	if (!o) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such card");
		return;
	}
	cJSON *lists = cJSON_AddArrayToObject(o, "cardLists");
	if (sqlite3_prepare_v2(r->app->rdb,
	                       "SELECT l.id, l.name FROM card_list_item i JOIN card_list l ON l.id = i.list_id "
	                       "WHERE i.id_tag = ? ORDER BY l.name LIMIT 1000",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			cJSON *l = cJSON_CreateObject();
			csms_api_add_int(l, "id", st, 0);
			csms_api_add_text(l, "name", st, 1);
			cJSON_AddItemToArray(lists, l);
		}
		sqlite3_finalize(st);
	}
	csms_http_respond_json(r, 200, o);
}

/* The text fields of a card job: text[0] id tag, text[1] parent, text[2] description.
 * has/num: 0 userId, 1 parent given, 2 description given, 3 validFrom, 4 expiry, 5 blocked; set[] says
 * whether the field was in the body (a null clears parent, validFrom and expiry). */
enum { C_USER, C_PARENT, C_DESC, C_FROM, C_EXPIRY, C_BLOCKED, C_NFIELDS };

struct card_fields {
	bool set[C_NFIELDS];
};

/* Reads a card body; false after answering 400. cur: the stored card (edit) to check dates against. */
static bool read_card_fields(struct csms_http_req *r, cJSON *body, bool create, struct csms_api_job *j,
                             struct card_fields *cf, const cJSON *cur)
{
	bool bad = false, blocked = false;
	long long uid = 0;
	int64_t t;
	memset(cf, 0, sizeof(*cf));
	cJSON *u = cJSON_GetObjectItemCaseSensitive(body, "userId");
	if (create || u) {
		if (csms_api_int(r, body, "userId", true, 1, INT64_MAX / 2, &uid, &bad)) {
			cf->set[C_USER] = true;
			j->num[C_USER] = uid;
		}
		if (bad)
			return false;
		if (!user_exists(r->app, uid)) {
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "userId: no charge user with this id");
			return false;
		}
	}
	cJSON *p = cJSON_GetObjectItemCaseSensitive(body, "parentIdTag");
	if (p) {
		cf->set[C_PARENT] = true;
		if (!cJSON_IsNull(p)) {
			if (!cJSON_IsString(p) || !csms_cards_tag_is_valid(p->valuestring)) {
				csms_http_fail(r, CSMS_ERR_BAD_FIELD,
				               "parentIdTag: 1..20 printable ASCII characters, or null");
				return false;
			}
			csms_idtag_normalize(p->valuestring, j->text[1]);
			j->has[C_PARENT] = true;
		}
	}
	const char *d = csms_api_str(r, body, "description", false, 200, &bad);
	if (bad)
		return false;
	if (d) {
		cf->set[C_DESC] = true;
		snprintf(j->text[2], sizeof(j->text[2]), "%s", d);
	}
	static const char *const times[] = {[C_FROM] = "validFrom", [C_EXPIRY] = "expiry"};
	for (int i = C_FROM; i <= C_EXPIRY; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(body, times[i]);
		if (!v)
			continue;
		cf->set[i] = true;
		if (cJSON_IsNull(v))
			continue;
		if (!csms_api_time(r, body, times[i], false, &t, &bad))
			return false;
		j->has[i] = true;
		j->num[i] = t;
	}
	if (create && !cf->set[C_FROM]) { /* activation: now unless given */
		cf->set[C_FROM] = j->has[C_FROM] = true;
		j->num[C_FROM] = (int64_t)wl_wall_ms();
	}
	if (csms_api_bool(r, body, "blocked", &blocked, &bad)) {
		cf->set[C_BLOCKED] = true;
		j->num[C_BLOCKED] = blocked;
	}
	if (bad)
		return false;
	/* the dates as they will be: expiry after activation */
	bool has_from =
	    cf->set[C_FROM] ? j->has[C_FROM] : (cur && cJSON_IsString(cJSON_GetObjectItem(cur, "validFrom")));
	bool has_exp =
	    cf->set[C_EXPIRY] ? j->has[C_EXPIRY] : (cur && cJSON_IsString(cJSON_GetObjectItem(cur, "expiry")));
	int64_t from = j->num[C_FROM], exp = j->num[C_EXPIRY];
	if (!cf->set[C_FROM] && has_from)
		ocpp_time_parse(cJSON_GetObjectItem(cur, "validFrom")->valuestring, &from);
	if (!cf->set[C_EXPIRY] && has_exp)
		ocpp_time_parse(cJSON_GetObjectItem(cur, "expiry")->valuestring, &exp);
	if (has_from && has_exp && exp <= from) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "expiry: must be after validFrom (the activation date)");
		return false;
	}
	return true;
}

static void after_card(struct csms_api_job *j)
{
	struct after_ctx *a = j->data;
	if (!a)
		return;
	csms_sync_cards_changed(a->app);
	if (j->req) {
		cJSON *o = row_json(a->app->rdb, K_CARDS, 0, a->tag);
		if (o) {
			cJSON_Delete(j->reply);
			j->reply = o;
		}
	}
}

static int exec_card_insert(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	int64_t now = (int64_t)wl_wall_ms();
	sqlite3_stmt *s = csms_store_stmt(st, "INSERT INTO id_tag (id_tag, user_id, parent_id_tag, description, "
	                                      "valid_from, expiry, blocked, created, updated) "
	                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_tag) DO NOTHING");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, j->num[C_USER]);
	if (j->has[C_PARENT])
		sqlite3_bind_text(s, 3, j->text[1], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, j->text[2], -1, SQLITE_STATIC);
	if (j->has[C_FROM])
		sqlite3_bind_int64(s, 5, j->num[C_FROM]);
	if (j->has[C_EXPIRY])
		sqlite3_bind_int64(s, 6, j->num[C_EXPIRY]);
	sqlite3_bind_int(s, 7, j->num[C_BLOCKED] != 0);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(csms_store_db(st)) ? 0 : CSMS_API_CONFLICT;
}

static void post_card(struct csms_http_req *r)
{
	struct card_fields cf;
	bool bad = false;
	char tag[CSMS_IDTAG_MAX + 1];
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *t = csms_api_str(r, body, "idTag", true, CSMS_IDTAG_MAX, &bad);
	if (bad)
		goto out;
	if (!csms_cards_tag_is_valid(t)) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "idTag: 1..20 printable ASCII characters without spaces");
		goto out;
	}
	csms_idtag_normalize(t, tag);
	struct csms_api_job *j = csms_api_job(r, exec_card_insert, 201, NULL);
	if (!j)
		goto out;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", tag);
	if (!read_card_fields(r, body, true, j, &cf, NULL) || !after_ctx(j, r->app, tag)) {
		r->pending = NULL;
		if (!r->resp_ready)
			csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		free(j->data);
		free(j);
		goto out;
	}
	j->after = after_card;
	j->conflict = CSMS_ERR_EXISTS;
	j->conflict_msg = "a card with this id tag exists";
	csms_store_submit(r->app->store, &j->job);
out:
	cJSON_Delete(body);
}

static int exec_card_update(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	const struct card_fields *cf = (const struct card_fields *)((struct after_ctx *)j->data + 1);
	sqlite3_stmt *s = csms_store_stmt(
	    st,
	    "UPDATE id_tag SET user_id = CASE WHEN ?1 THEN ?2 ELSE user_id END, "
	    "parent_id_tag = CASE WHEN ?3 THEN ?4 ELSE parent_id_tag END, "
	    "description = CASE WHEN ?5 THEN ?6 ELSE description END, "
	    "valid_from = CASE WHEN ?7 THEN ?8 ELSE valid_from END, expiry = CASE WHEN ?9 THEN ?10 ELSE expiry END, "
	    "blocked = CASE WHEN ?11 THEN ?12 ELSE blocked END, updated = ?13 WHERE id_tag = ?14");
	if (!s)
		return -1;
	sqlite3_bind_int(s, 1, cf->set[C_USER]);
	sqlite3_bind_int64(s, 2, j->num[C_USER]);
	sqlite3_bind_int(s, 3, cf->set[C_PARENT]);
	if (j->has[C_PARENT])
		sqlite3_bind_text(s, 4, j->text[1], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, cf->set[C_DESC]);
	sqlite3_bind_text(s, 6, j->text[2], -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, cf->set[C_FROM]);
	if (j->has[C_FROM])
		sqlite3_bind_int64(s, 8, j->num[C_FROM]);
	sqlite3_bind_int(s, 9, cf->set[C_EXPIRY]);
	if (j->has[C_EXPIRY])
		sqlite3_bind_int64(s, 10, j->num[C_EXPIRY]);
	sqlite3_bind_int(s, 11, cf->set[C_BLOCKED]);
	sqlite3_bind_int(s, 12, j->num[C_BLOCKED] != 0);
	sqlite3_bind_int64(s, 13, (int64_t)wl_wall_ms());
	sqlite3_bind_text(s, 14, j->text[0], -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(csms_store_db(st)) ? 0 : CSMS_API_MISSING;
}

static void put_card(struct csms_http_req *r)
{
	char tag[CSMS_IDTAG_MAX + 1];
	if (!parse_tag_param(r, tag))
		return;
	cJSON *cur = row_json(r->app->rdb, K_CARDS, 0, tag);
	if (!cur) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such card");
		return;
	}
	cJSON *body = csms_api_body(r);
	if (!body) {
		cJSON_Delete(cur);
		return;
	}
	struct csms_api_job *j = csms_api_job(r, exec_card_update, 200, NULL);
	struct after_ctx *a = NULL;
	if (!j)
		goto out;
	/* the job's data: the after context followed by the field flags */
	if ((a = calloc(1, sizeof(*a) + sizeof(struct card_fields)))) {
		a->app = r->app;
		snprintf(a->tag, sizeof(a->tag), "%s", tag);
	}
	j->data = a;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", tag);
	if (!a || !read_card_fields(r, body, false, j, (struct card_fields *)(a + 1), cur)) {
		r->pending = NULL;
		if (!r->resp_ready)
			csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		free(j->data);
		free(j);
		goto out;
	}
	j->after = after_card;
	j->missing_msg = "no such card";
	csms_store_submit(r->app->store, &j->job);
out:
	cJSON_Delete(body);
	cJSON_Delete(cur);
}

static int exec_card_delete(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, "UPDATE card_list SET version = version + 1, updated = ? WHERE id IN "
	                                      "(SELECT list_id FROM card_list_item WHERE id_tag = ?)");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)wl_wall_ms());
	sqlite3_bind_text(s, 2, j->text[0], -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE || !(s = csms_store_stmt(st, "DELETE FROM card_list_item WHERE id_tag = ?")))
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE || !(s = csms_store_stmt(st, "DELETE FROM id_tag WHERE id_tag = ?")))
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(csms_store_db(st)) ? 0 : CSMS_API_MISSING;
}

static void after_card_delete(struct csms_api_job *j)
{
	struct after_ctx *a = j->data;
	if (a)
		csms_sync_cards_changed(a->app);
}

static void delete_card(struct csms_http_req *r)
{
	char tag[CSMS_IDTAG_MAX + 1];
	if (!parse_tag_param(r, tag))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "idTag", tag);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct csms_api_job *j = csms_api_job(r, exec_card_delete, 200, o);
	if (!j)
		return;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", tag);
	after_ctx(j, r->app, tag);
	j->after = after_card_delete;
	j->missing_msg = "no such card";
	csms_store_submit(r->app->store, &j->job);
}

/* Exports come before the {id} routes: the first match wins. */
static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/charge-users", CSMS_ROLE_AM, 0, get_users,
     "Charge users (paged, sortable; ?q= text in name, surname, tax code)"},
    {CSMS_HTTP_POST, "api/v1/charge-users", CSMS_ROLE_AM, 0, post_user,
     "Create a charge user (name, surname and taxCode required)"},
    {CSMS_HTTP_GET, "api/v1/charge-users/export", CSMS_ROLE_AM, 0, get_users_export,
     "Export the charge users (?format=csv|xlsx, same filters as the list)"},
    {CSMS_HTTP_GET, "api/v1/charge-users/{id}", CSMS_ROLE_AM, 0, get_user, "One charge user"},
    {CSMS_HTTP_PUT, "api/v1/charge-users/{id}", CSMS_ROLE_AM, 0, put_user, "Edit a charge user"},
    {CSMS_HTTP_DELETE, "api/v1/charge-users/{id}", CSMS_ROLE_AM, 0, delete_user,
     "Delete a charge user (409 while they have cards, unless ?cascade=true deletes them too)"},
    {CSMS_HTTP_GET, "api/v1/cards", CSMS_ROLES_ALL, 0, get_cards,
     "Cards (paged, sortable; ?userId= ?q= ?state=): every role, to choose one for a remote start"},
    {CSMS_HTTP_POST, "api/v1/cards", CSMS_ROLE_AM, 0, post_card,
     "Create a card for a charge user (id tag upper-cased and padded with zeros to 14)"},
    {CSMS_HTTP_GET, "api/v1/cards/export", CSMS_ROLE_AM, 0, get_cards_export,
     "Export the cards (?format=csv|xlsx, same filters as the list)"},
    {CSMS_HTTP_GET, "api/v1/cards/{idTag}", CSMS_ROLES_ALL, 0, get_card, "One card, with the card lists holding it"},
    {CSMS_HTTP_PUT, "api/v1/cards/{idTag}", CSMS_ROLE_AM, 0, put_card,
     "Edit a card (user, parent, description, activation, expiry, blocked)"},
    {CSMS_HTTP_DELETE, "api/v1/cards/{idTag}", CSMS_ROLE_AM, 0, delete_card,
     "Delete a card (it leaves every card list)"},
};
CSMS_ROUTE_TABLE(csms_routes_users, "users", routes);

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
#include "csms_card_db.h"
#include "csms_list_db.h"
#include "csms_user_db.h"
#include "wl_clock.h"
#include "wl_log.h"

enum kind { K_USERS, K_CARDS };

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

static void add_text(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static int user_json(const struct csms_user *u, void *out)
{
	static const char *const text[CSMS_USER_NFIELDS] = {"name",  "surname", "taxCode", "email",
	                                                    "phone", "address", "notes"};
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)u->id);
	for (int i = 0; i < CSMS_USER_NFIELDS; i++)
		add_text(o, text[i], u->field[i]);
	cJSON_AddNumberToObject(o, "cards", (double)u->cards);
	csms_api_add_ms(o, "created", u->created);
	csms_api_add_ms(o, "updated", u->updated);
	*(cJSON **)out = o;
	return 0;
}

static int card_json(const struct csms_card *c, void *out)
{
	cJSON *o = cJSON_CreateObject();
	add_text(o, "idTag", c->id_tag);
	if (!c->user_id) {
		cJSON_AddNullToObject(o, "userId");
		cJSON_AddNullToObject(o, "user");
	} else {
		cJSON_AddNumberToObject(o, "userId", (double)c->user_id);
		cJSON *u = cJSON_AddObjectToObject(o, "user");
		cJSON_AddNumberToObject(u, "id", (double)c->user_id);
		add_text(u, "name", c->user_name);
		add_text(u, "surname", c->user_surname);
		add_text(u, "taxCode", c->user_tax_code);
	}
	add_text(o, "parentIdTag", c->parent_id_tag);
	add_text(o, "description", c->description);
	csms_api_add_ms(o, "validFrom", c->valid_from);
	csms_api_add_ms(o, "expiry", c->expiry);
	cJSON_AddBoolToObject(o, "blocked", c->blocked);
	csms_api_add_ms(o, "created", c->created);
	csms_api_add_ms(o, "updated", c->updated);
	add_text(o, "state", c->state);
	*(cJSON **)out = o;
	return 0;
}

/* One row as JSON (read connection), NULL if there is none. */
static cJSON *row_json(sqlite3 *db, enum kind k, int64_t id, const char *tag)
{
	cJSON *o = NULL;
	if (k == K_USERS)
		csms_user_db_get(db, id, user_json, &o);
	else
		csms_card_db_get(db, tag, (int64_t)wl_wall_ms(), card_json, &o);
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
	return csms_user_db_exists(app->rdb, id) == 1;
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

/* The filter of the cards table (csms_card_db). */
static struct csms_card_filter card_filter(const struct filter *f)
{
	struct csms_card_filter cf = {f->has_q ? f->like : NULL, f->has_user ? f->user : 0,
	                              (enum csms_card_db_state)f->state, (int64_t)wl_wall_ms()};
	return cf;
}

/* ---- lists ---- */

static int add_user(const struct csms_user *u, void *items)
{
	cJSON *o;
	user_json(u, &o);
	cJSON_AddItemToArray(items, o);
	return 0;
}

static int add_card(const struct csms_card *c, void *items)
{
	cJSON *o;
	card_json(c, &o);
	cJSON_AddItemToArray(items, o);
	return 0;
}

static void get_list(struct csms_http_req *r, enum kind k)
{
	struct csms_api_page pg;
	struct filter f;
	long long total;
	int rc;
	if (parse_filter(r, k, &f) < 0 || csms_api_paging(r, k == K_USERS ? csms_user_db_sorts : csms_card_db_sorts,
	                                                  k == K_USERS ? "surname" : "idTag", &pg) < 0)
		return;
	struct csms_db_page dp = {pg.limit, pg.offset, pg.order};
	cJSON *items = cJSON_CreateArray();
	if (k == K_USERS) {
		rc = csms_user_db_list(r->app->rdb, f.has_q ? f.like : NULL, &dp, add_user, items, &total);
	} else {
		struct csms_card_filter cf = card_filter(&f);
		rc = csms_card_db_list(r->app->rdb, &cf, &dp, add_card, items, &total);
	}
	if (rc < 0) {
		cJSON_Delete(items);
		csms_api_db_error(r);
		return;
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
	sqlite3_stmt *st;
	if (!db) {
		snprintf(x->err, sizeof(x->err), "the worker has no database connection");
		return -1;
	}
	struct csms_card_filter cf = card_filter(&x->f);
	st = x->kind == K_USERS ? csms_user_db_export(db, x->f.has_q ? x->f.like : NULL) : csms_card_db_export(db, &cf);
	if (!st) {
		snprintf(x->err, sizeof(x->err), "%s", sqlite3_errmsg(db));
		return -1;
	}
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

static const char *const user_fields[CSMS_USER_NFIELDS] = {"name",  "surname", "taxCode", "email",
                                                           "phone", "address", "notes"};
static const size_t user_max[CSMS_USER_NFIELDS] = {100, 100, 32, 254, 40, 300, 2000};

/* A charge user job: the given fields (NULL: not given) point into text, after the struct. */
struct user_job {
	struct csms_api_job base;
	struct csms *app;
	int64_t id;
	bool cascade;          /* delete: their cards too */
	int64_t cards_deleted; /* delete: how many went with them */
	const char *field[CSMS_USER_NFIELDS];
	char text[];
};

/* Reads the fields of a charge user body into a new job for r; NULL after answering 400 or 500. */
static struct user_job *read_user_fields(struct csms_http_req *r, cJSON *body, bool create, csms_job_exec_fn *exec,
                                         int status)
{
	const char *v[CSMS_USER_NFIELDS];
	size_t len = 0;
	bool bad = false;
	for (int i = 0; i < CSMS_USER_NFIELDS; i++) {
		bool required = i <= CSMS_USER_TAX_CODE;
		v[i] = csms_api_str(r, body, user_fields[i], create && required, user_max[i], &bad);
		if (bad)
			return NULL;
		if (v[i] && required && !v[i][0]) {
			char msg[80];
			snprintf(msg, sizeof(msg), "%s: must not be empty", user_fields[i]);
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
			return NULL;
		}
		if (v[i] && i == CSMS_USER_EMAIL && v[i][0] && !strchr(v[i], '@')) {
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "email: is not an e-mail address");
			return NULL;
		}
		len += v[i] ? strlen(v[i]) + 1 : 0;
	}
	struct user_job *j = csms_api_job_sized(r, sizeof(*j) + len, exec, status, NULL);
	if (!j)
		return NULL;
	j->app = r->app;
	char *p = j->text;
	for (int i = 0; i < CSMS_USER_NFIELDS; i++) {
		if (!v[i])
			continue;
		size_t n = strlen(v[i]) + 1;
		memcpy(p, v[i], n);
		j->field[i] = p;
		p += n;
	}
	return j;
}

static void after_user(struct csms_api_job *job)
{
	struct user_job *j = (struct user_job *)job;
	if (job->req) { /* the row as stored */
		cJSON *o = row_json(j->app->rdb, K_USERS, job->out_id, NULL);
		if (o) {
			cJSON_Delete(job->reply);
			job->reply = o;
		}
	}
}

static int exec_user_insert(struct csms_store *st, struct csms_job *job)
{
	struct user_job *j = (struct user_job *)job;
	return csms_api_db_rc(csms_user_db_insert(csms_store_db(st), j->field, (int64_t)wl_wall_ms(), &j->base.out_id));
}

static void post_user(struct csms_http_req *r)
{
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	struct user_job *j = read_user_fields(r, body, true, exec_user_insert, 201);
	if (j) {
		j->base.after = after_user;
		csms_store_submit(r->app->store, &j->base.job);
	}
	cJSON_Delete(body);
}

static int exec_user_update(struct csms_store *st, struct csms_job *job)
{
	struct user_job *j = (struct user_job *)job;
	j->base.out_id = j->id;
	return csms_api_db_rc(csms_user_db_update(csms_store_db(st), j->id, j->field, (int64_t)wl_wall_ms()));
}

static void put_user(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a charge user id", &id))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	struct user_job *j = read_user_fields(r, body, false, exec_user_update, 200);
	if (j) {
		j->id = id;
		j->base.after = after_user;
		j->base.missing_msg = "no such charge user";
		csms_store_submit(r->app->store, &j->base.job);
	}
	cJSON_Delete(body);
}

static int exec_user_delete(struct csms_store *st, struct csms_job *job)
{
	struct user_job *j = (struct user_job *)job;
	return csms_api_db_rc(
	    csms_user_db_delete(csms_store_db(st), j->id, j->cascade, (int64_t)wl_wall_ms(), &j->cards_deleted));
}

static void after_user_delete(struct csms_api_job *job)
{
	struct user_job *j = (struct user_job *)job;
	if (j->cards_deleted)
		csms_sync_cards_changed(j->app);
	if (job->reply)
		cJSON_AddNumberToObject(job->reply, "cardsDeleted", (double)j->cards_deleted);
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
	struct user_job *j = csms_api_job_sized(r, sizeof(*j), exec_user_delete, 200, o);
	if (!j)
		return;
	j->app = r->app;
	j->id = id;
	j->cascade = strcmp(v, "true") == 0;
	j->base.after = after_user_delete;
	j->base.missing_msg = "no such charge user";
	j->base.conflict = CSMS_ERR_HAS_CARDS;
	j->base.conflict_msg = "the charge user still has cards: delete them first, or DELETE with ?cascade=true";
	csms_store_submit(r->app->store, &j->base.job);
}

/* ---- cards: get, create, edit, delete ---- */

static int add_list(int64_t id, const char *name, void *lists)
{
	cJSON *l = cJSON_CreateObject();
	cJSON_AddNumberToObject(l, "id", (double)id);
	add_text(l, "name", name);
	cJSON_AddItemToArray(lists, l);
	return 0;
}

static void get_card(struct csms_http_req *r)
{
	char tag[CSMS_IDTAG_MAX + 1];
	if (!parse_tag_param(r, tag))
		return;
	cJSON *o = row_json(r->app->rdb, K_CARDS, 0, tag);
	if (!o) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such card");
		return;
	}
	csms_list_db_lists_of_tag(r->app->rdb, tag, add_list, cJSON_AddArrayToObject(o, "cardLists"));
	csms_http_respond_json(r, 200, o);
}

/* A card job: the write (its texts point into the buffers after it). */
struct card_job {
	struct csms_api_job base;
	struct csms *app;
	struct csms_card_write w;
	char id_tag[CSMS_IDTAG_MAX + 1];
	char parent[CSMS_IDTAG_MAX + 1];
	char description[801]; /* 200 characters of UTF-8 */
};

/* Reads a card body into j->w; false after answering 400. cur: the stored card (edit) to check dates
 * against. */
static bool read_card_fields(struct csms_http_req *r, cJSON *body, bool create, struct card_job *j, const cJSON *cur)
{
	struct csms_card_write *w = &j->w;
	bool bad = false, blocked = false;
	long long uid = 0;
	int64_t t;
	w->id_tag = j->id_tag;
	w->valid_from = w->expiry = CSMS_DB_NO_TIME;
	cJSON *u = cJSON_GetObjectItemCaseSensitive(body, "userId");
	if (create || u) {
		if (csms_api_int(r, body, "userId", true, 1, INT64_MAX / 2, &uid, &bad)) {
			w->set_user = true;
			w->user_id = uid;
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
		w->set_parent = true;
		if (!cJSON_IsNull(p)) {
			if (!cJSON_IsString(p) || !csms_cards_tag_is_valid(p->valuestring)) {
				csms_http_fail(r, CSMS_ERR_BAD_FIELD,
				               "parentIdTag: 1..20 printable ASCII characters, or null");
				return false;
			}
			csms_idtag_normalize(p->valuestring, j->parent);
			w->parent_id_tag = j->parent;
		}
	}
	const char *d = csms_api_str(r, body, "description", false, 200, &bad);
	if (bad)
		return false;
	if (d) {
		w->set_description = true;
		snprintf(j->description, sizeof(j->description), "%s", d);
		w->description = j->description;
	}
	static const char *const times[] = {"validFrom", "expiry"};
	for (int i = 0; i < 2; i++) {
		cJSON *v = cJSON_GetObjectItemCaseSensitive(body, times[i]);
		if (!v)
			continue;
		*(i ? &w->set_expiry : &w->set_valid_from) = true;
		if (cJSON_IsNull(v))
			continue;
		if (!csms_api_time(r, body, times[i], false, &t, &bad))
			return false;
		*(i ? &w->expiry : &w->valid_from) = t;
	}
	if (create && !w->set_valid_from) { /* activation: now unless given */
		w->set_valid_from = true;
		w->valid_from = (int64_t)wl_wall_ms();
	}
	if (csms_api_bool(r, body, "blocked", &blocked, &bad)) {
		w->set_blocked = true;
		w->blocked = blocked;
	}
	if (bad)
		return false;
	/* the dates as they will be: expiry after activation */
	int64_t from = w->valid_from, exp = w->expiry;
	if (!w->set_valid_from && cur && cJSON_IsString(cJSON_GetObjectItem(cur, "validFrom")))
		ocpp_time_parse(cJSON_GetObjectItem(cur, "validFrom")->valuestring, &from);
	if (!w->set_expiry && cur && cJSON_IsString(cJSON_GetObjectItem(cur, "expiry")))
		ocpp_time_parse(cJSON_GetObjectItem(cur, "expiry")->valuestring, &exp);
	if (from != CSMS_DB_NO_TIME && exp != CSMS_DB_NO_TIME && exp <= from) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "expiry: must be after validFrom (the activation date)");
		return false;
	}
	return true;
}

static void after_card(struct csms_api_job *job)
{
	struct card_job *j = (struct card_job *)job;
	csms_sync_cards_changed(j->app);
	if (job->req) {
		cJSON *o = row_json(j->app->rdb, K_CARDS, 0, j->id_tag);
		if (o) {
			cJSON_Delete(job->reply);
			job->reply = o;
		}
	}
}

static int exec_card_insert(struct csms_store *st, struct csms_job *job)
{
	struct card_job *j = (struct card_job *)job;
	j->w.now = (int64_t)wl_wall_ms();
	return csms_api_db_rc(csms_card_db_insert(csms_store_db(st), &j->w));
}

/* A card job for r on the normalised tag; NULL after answering. */
static struct card_job *card_job(struct csms_http_req *r, csms_job_exec_fn *exec, int status, cJSON *reply,
                                 const char *tag)
{
	struct card_job *j = csms_api_job_sized(r, sizeof(*j), exec, status, reply);
	if (j) {
		j->app = r->app;
		snprintf(j->id_tag, sizeof(j->id_tag), "%s", tag);
	}
	return j;
}

/* Forgets a job that was not submitted (its request was answered). */
static void drop_card_job(struct csms_http_req *r, struct card_job *j)
{
	r->pending = NULL;
	cJSON_Delete(j->base.reply);
	free(j);
}

static void post_card(struct csms_http_req *r)
{
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
	struct card_job *j = card_job(r, exec_card_insert, 201, NULL, tag);
	if (!j)
		goto out;
	if (!read_card_fields(r, body, true, j, NULL)) {
		drop_card_job(r, j);
		goto out;
	}
	j->base.after = after_card;
	j->base.conflict = CSMS_ERR_EXISTS;
	j->base.conflict_msg = "a card with this id tag exists";
	csms_store_submit(r->app->store, &j->base.job);
out:
	cJSON_Delete(body);
}

static int exec_card_update(struct csms_store *st, struct csms_job *job)
{
	struct card_job *j = (struct card_job *)job;
	j->w.now = (int64_t)wl_wall_ms();
	return csms_api_db_rc(csms_card_db_update(csms_store_db(st), &j->w));
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
	struct card_job *j = card_job(r, exec_card_update, 200, NULL, tag);
	if (!j)
		goto out;
	if (!read_card_fields(r, body, false, j, cur)) {
		drop_card_job(r, j);
		goto out;
	}
	j->base.after = after_card;
	j->base.missing_msg = "no such card";
	csms_store_submit(r->app->store, &j->base.job);
out:
	cJSON_Delete(body);
	cJSON_Delete(cur);
}

static int exec_card_delete(struct csms_store *st, struct csms_job *job)
{
	struct card_job *j = (struct card_job *)job;
	return csms_api_db_rc(csms_card_db_delete(csms_store_db(st), j->id_tag, (int64_t)wl_wall_ms()));
}

static void after_card_delete(struct csms_api_job *job)
{
	csms_sync_cards_changed(((struct card_job *)job)->app);
}

static void delete_card(struct csms_http_req *r)
{
	char tag[CSMS_IDTAG_MAX + 1];
	if (!parse_tag_param(r, tag))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "idTag", tag);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct card_job *j = card_job(r, exec_card_delete, 200, o, tag);
	if (!j)
		return;
	j->base.after = after_card_delete;
	j->base.missing_msg = "no such card";
	csms_store_submit(r->app->store, &j->base.job);
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

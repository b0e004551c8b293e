/* csms_api_lists.c — card lists (named local authorisation lists with a version that grows on every
 * change): create, edit, delete, get, list; send a list (or the default list of every card) to stations;
 * ask a station which list it holds (GetLocalListVersion) and what that list contains. The sending itself
 * is csms_sync's (one send per station, chunked, recorded). */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_cards.h"
#include "csms_conn.h"
#include "csms_sync.h"
#include "wl_clock.h"
#include "wl_log.h"

#define MAX_TAGS_PER_REQUEST  5000
#define MAX_STATIONS_PER_SEND 1000
#define MAX_CARDS_SHOWN       1000

static const char SQL_LIST_COLS[] =
    "l.id, l.name, l.description, l.version, (SELECT count(*) FROM card_list_item i WHERE i.list_id = l.id), "
    "(SELECT count(*) FROM station s WHERE s.local_list_id = l.id), l.created, l.updated";

static void list_row(cJSON *o, sqlite3_stmt *st)
{
	csms_api_add_int(o, "id", st, 0);
	csms_api_add_text(o, "name", st, 1);
	csms_api_add_text(o, "description", st, 2);
	csms_api_add_int(o, "version", st, 3);
	csms_api_add_int(o, "cards", st, 4);
	csms_api_add_int(o, "stations", st, 5);
	csms_api_add_time(o, "created", st, 6);
	csms_api_add_time(o, "updated", st, 7);
}

/* Cards of a list (list_id > 0) or of the default list (0) into arr, at most limit; returns the total. */
static long long add_cards(struct csms *app, int64_t list_id, cJSON *arr, long long limit)
{
	static const char SQL_ITEMS[] =
	    "SELECT i.id_tag, t.description, t.user_id, u.name, u.surname, count(*) OVER () FROM card_list_item i "
	    "LEFT JOIN id_tag t ON t.id_tag = i.id_tag LEFT JOIN charge_user u ON u.id = t.user_id "
	    "WHERE i.list_id = ? ORDER BY i.id_tag LIMIT ?";
	static const char SQL_DEFAULT[] = "SELECT t.id_tag, t.description, t.user_id, u.name, u.surname, "
	                                  "(SELECT count(*) FROM id_tag) FROM id_tag t "
	                                  "LEFT JOIN charge_user u ON u.id = t.user_id ORDER BY t.id_tag LIMIT ?";
	sqlite3_stmt *st;
	long long total = 0;
	if (sqlite3_prepare_v2(app->rdb, list_id ? SQL_ITEMS : SQL_DEFAULT, -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (list_id) {
		sqlite3_bind_int64(st, 1, list_id);
		sqlite3_bind_int64(st, 2, limit);
	} else {
		sqlite3_bind_int64(st, 1, limit);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		cJSON *c = cJSON_CreateObject();
		csms_api_add_text(c, "idTag", st, 0);
		csms_api_add_text(c, "description", st, 1);
		csms_api_add_int(c, "userId", st, 2);
		csms_api_add_text(c, "name", st, 3);
		csms_api_add_text(c, "surname", st, 4);
		total = sqlite3_column_int64(st, 5);
		cJSON_AddItemToArray(arr, c);
	}
	sqlite3_finalize(st);
	return total;
}

/* The list as JSON with its cards and the stations holding it, NULL when there is none. */
static cJSON *list_json(struct csms *app, int64_t id)
{
	char sql[600];
	sqlite3_stmt *st;
	cJSON *o = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM card_list l WHERE l.id = ?", SQL_LIST_COLS);
	if (sqlite3_prepare_v2(app->rdb, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		list_row(o, st);
	}
	sqlite3_finalize(st);
	if (!o)
		return NULL;
	add_cards(app, id, cJSON_AddArrayToObject(o, "idTags"), MAX_TAGS_PER_REQUEST * 2);
	cJSON *stations = cJSON_AddArrayToObject(o, "stationIds");
	if (sqlite3_prepare_v2(app->rdb, "SELECT id FROM station WHERE local_list_id = ? ORDER BY id LIMIT 10000", -1,
	                       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW)
			cJSON_AddItemToArray(stations, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
		sqlite3_finalize(st);
	}
	return o;
}

static bool list_exists(struct csms *app, int64_t id)
{
	sqlite3_stmt *st;
	bool yes = false;
	if (sqlite3_prepare_v2(app->rdb, "SELECT 1 FROM card_list WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		yes = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return yes;
}

/* ---- list, get ---- */

static void get_lists(struct csms_http_req *r)
{
	static const char *const sorts[] = {"name",    "l.name COLLATE NOCASE",
	                                    "version", "l.version",
	                                    "created", "l.created",
	                                    "updated", "l.updated",
	                                    "id",      "l.id",
	                                    NULL};
	struct csms_api_page pg;
	char sql[900], q[260], like[520];
	sqlite3_stmt *st;
	bool has_q = csms_api_query(r, "q", q, sizeof(q)) && q[0];
	if (has_q && !csms_cards_like_contains(q, like, sizeof(like))) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "q: too long");
		return;
	}
	if (csms_api_paging(r, sorts, "name", &pg) < 0)
		return;
	snprintf(sql, sizeof(sql), "SELECT %s, count(*) OVER () FROM card_list l %s ORDER BY %s, l.id LIMIT ? OFFSET ?",
	         SQL_LIST_COLS, has_q ? "WHERE l.name LIKE ?3 ESCAPE '\\' OR l.description LIKE ?3 ESCAPE '\\'" : "",
	         pg.order);
	if (sqlite3_prepare_v2(r->app->rdb, sql, -1, &st, NULL) != SQLITE_OK) {
		csms_api_db_error(r);
		return;
	}
	sqlite3_bind_int64(st, 1, pg.limit);
	sqlite3_bind_int64(st, 2, pg.offset);
	if (has_q)
		sqlite3_bind_text(st, 3, like, -1, SQLITE_STATIC);
	long long total;
	cJSON *items = csms_api_page_rows(st, list_row, &total);
	if (total == 0 && pg.offset > 0 && !has_q)
		total = csms_api_count(r->app->rdb, "SELECT count(*) FROM card_list");
	csms_http_respond_json(r, 200, csms_api_list_reply(items, total, &pg));
}

static void get_list(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a card list id", &id))
		return;
	cJSON *o = list_json(r->app, id);
	if (!o)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such card list");
	else
		csms_http_respond_json(r, 200, o);
}

/* ---- create, edit: the id tags of a body ---- */

/* A job's data: the tags to set (replace), add and remove, one after the other. */
struct list_data {
	struct csms *app;
	bool replace;
	long nset, nadd, nrem;
	char tags[][CSMS_IDTAG_MAX + 1];
};

/* Reads body[field] (absent: n = 0, *present false) and checks every tag is a registered card (when
 * registered). Returns the count or -1 after answering 400. */
static long read_tags(struct csms_http_req *r, cJSON *body, const char *field, bool registered,
                      char (**tags)[CSMS_IDTAG_MAX + 1], bool *present)
{
	char err[200];
	sqlite3_stmt *st;
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, field);
	*tags = NULL;
	*present = arr != NULL;
	if (!arr)
		return 0;
	long n = csms_cards_parse_tags(arr, field, MAX_TAGS_PER_REQUEST, tags, err, sizeof(err));
	if (n < 0) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", err);
		return -1;
	}
	if (!registered || !n)
		return n;
	if (sqlite3_prepare_v2(r->app->rdb, "SELECT 1 FROM id_tag WHERE id_tag = ?", -1, &st, NULL) != SQLITE_OK) {
		free(*tags);
		csms_api_db_error(r);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, (*tags)[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			snprintf(err, sizeof(err), "%s: \"%s\" is not a registered card", field, (*tags)[i]);
			sqlite3_finalize(st);
			free(*tags);
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", err);
			return -1;
		}
	}
	sqlite3_finalize(st);
	return n;
}

/* The list's tags from a body ("idTags" for create; "idTags" or "add"/"remove" for edit), NULL after
 * answering. */
static struct list_data *read_list_data(struct csms_http_req *r, cJSON *body, bool create)
{
	char(*set)[CSMS_IDTAG_MAX + 1], (*add)[CSMS_IDTAG_MAX + 1] = NULL, (*rem)[CSMS_IDTAG_MAX + 1] = NULL;
	bool has_set, has_add = false, has_rem = false;
	struct list_data *d = NULL;
	long nset = read_tags(r, body, "idTags", true, &set, &has_set), nadd = 0, nrem = 0;
	if (nset < 0)
		return NULL;
	if (!create && ((nadd = read_tags(r, body, "add", true, &add, &has_add)) < 0 ||
	                (nrem = read_tags(r, body, "remove", false, &rem, &has_rem)) < 0))
		goto out;
	if (has_set && (has_add || has_rem)) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "idTags: give the whole list, or add/remove, not both");
		goto out;
	}
	if (!(d = calloc(1, sizeof(*d) + (size_t)(nset + nadd + nrem) * sizeof(d->tags[0])))) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		goto out;
	}
	d->app = r->app;
	d->replace = has_set;
	d->nset = nset;
	d->nadd = nadd;
	d->nrem = nrem;
	if (nset)
		memcpy(d->tags, set, (size_t)nset * sizeof(d->tags[0]));
	if (nadd)
		memcpy(d->tags + nset, add, (size_t)nadd * sizeof(d->tags[0]));
	if (nrem)
		memcpy(d->tags + nset + nadd, rem, (size_t)nrem * sizeof(d->tags[0]));
out:
	free(set);
	free(add);
	free(rem);
	return d;
}

static int insert_items(struct csms_store *st, int64_t id, char (*tags)[CSMS_IDTAG_MAX + 1], long n)
{
	for (long i = 0; i < n; i++) {
		/* only registered cards (one may have gone since the request was checked) */
		sqlite3_stmt *s = csms_store_stmt(st, "INSERT OR IGNORE INTO card_list_item (list_id, id_tag) "
		                                      "SELECT ?, id_tag FROM id_tag WHERE id_tag = ?");
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, tags[i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static int exec_list_insert(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	struct list_data *d = j->data;
	int64_t now = (int64_t)wl_wall_ms();
	sqlite3_stmt *s = csms_store_stmt(st, "INSERT INTO card_list (name, description, version, created, updated) "
	                                      "VALUES (?, ?, 1, ?, ?) ON CONFLICT DO NOTHING");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, j->text[1], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, now);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	if (!sqlite3_changes(csms_store_db(st)))
		return CSMS_API_CONFLICT;
	j->out_id = sqlite3_last_insert_rowid(csms_store_db(st));
	return insert_items(st, j->out_id, d->tags, d->nset);
}

static void after_list(struct csms_api_job *j)
{
	struct list_data *d = j->data;
	if (!j->req || !d)
		return;
	cJSON *o = list_json(d->app, j->out_id);
	if (o) {
		cJSON_Delete(j->reply);
		j->reply = o;
	}
}

static void post_list(struct csms_http_req *r)
{
	bool bad = false;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", true, 100, &bad);
	const char *desc = csms_api_str(r, body, "description", false, 500, &bad);
	struct list_data *d = bad ? NULL : read_list_data(r, body, true);
	if (d) {
		struct csms_api_job *j = csms_api_job(r, exec_list_insert, 201, NULL);
		if (!j) {
			free(d);
		} else {
			j->data = d;
			snprintf(j->text[0], sizeof(j->text[0]), "%s", name);
			snprintf(j->text[1], sizeof(j->text[1]), "%s", desc ? desc : "");
			j->after = after_list;
			j->conflict = CSMS_ERR_EXISTS;
			j->conflict_msg = "a card list with this name exists";
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

static int exec_list_update(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	struct list_data *d = j->data;
	int64_t id = j->out_id;
	sqlite3_stmt *s;
	if (j->has[0]) {
		if (!(s = csms_store_stmt(st, "SELECT 1 FROM card_list WHERE name = ? AND id <> ?")))
			return -1;
		sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		if (sqlite3_step(s) == SQLITE_ROW)
			return CSMS_API_CONFLICT;
	}
	if (!(s = csms_store_stmt(st, "UPDATE card_list SET name = coalesce(?, name), description = coalesce(?, "
	                              "description), version = version + 1, updated = ? WHERE id = ?")))
		return -1;
	if (j->has[0])
		sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	if (j->has[1])
		sqlite3_bind_text(s, 2, j->text[1], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)wl_wall_ms());
	sqlite3_bind_int64(s, 4, id);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	if (!sqlite3_changes(csms_store_db(st)))
		return CSMS_API_MISSING;
	if (j->has[0]) { /* the stations holding it show its new name */
		if (!(s = csms_store_stmt(st, "UPDATE station SET local_list_name = ? WHERE local_list_id = ?")))
			return -1;
		sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -1;
	}
	if (d->replace) {
		if (!(s = csms_store_stmt(st, "DELETE FROM card_list_item WHERE list_id = ?")))
			return -1;
		sqlite3_bind_int64(s, 1, id);
		if (sqlite3_step(s) != SQLITE_DONE || insert_items(st, id, d->tags, d->nset) < 0)
			return -1;
	}
	if (insert_items(st, id, d->tags + d->nset, d->nadd) < 0)
		return -1;
	for (long i = 0; i < d->nrem; i++) {
		if (!(s = csms_store_stmt(st, "DELETE FROM card_list_item WHERE list_id = ? AND id_tag = ?")))
			return -1;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, d->tags[d->nset + d->nadd + i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

static void put_list(struct csms_http_req *r)
{
	bool bad = false;
	int64_t id;
	if (!csms_api_id_param(r, 0, "a card list id", &id))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", false, 100, &bad);
	const char *desc = csms_api_str(r, body, "description", false, 500, &bad);
	if (!bad && name && !name[0]) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "name: must not be empty");
		bad = true;
	}
	struct list_data *d = bad ? NULL : read_list_data(r, body, false);
	if (d) {
		struct csms_api_job *j = csms_api_job(r, exec_list_update, 200, NULL);
		if (!j) {
			free(d);
		} else {
			j->data = d;
			j->out_id = id;
			if ((j->has[0] = name != NULL))
				snprintf(j->text[0], sizeof(j->text[0]), "%s", name);
			if ((j->has[1] = desc != NULL))
				snprintf(j->text[1], sizeof(j->text[1]), "%s", desc);
			j->after = after_list;
			j->conflict = CSMS_ERR_EXISTS;
			j->conflict_msg = "a card list with this name exists";
			j->missing_msg = "no such card list";
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

static int exec_list_delete(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = csms_store_stmt(st, "SELECT count(*) FROM station WHERE local_list_id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->out_id);
	if (sqlite3_step(s) != SQLITE_ROW)
		return -1;
	if (sqlite3_column_int64(s, 0) > 0)
		return CSMS_API_CONFLICT;
	if (!(s = csms_store_stmt(st, "DELETE FROM card_list WHERE id = ?")))
		return -1;
	sqlite3_bind_int64(s, 1, j->out_id);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	return sqlite3_changes(csms_store_db(st)) ? 0 : CSMS_API_MISSING;
}

static void delete_list(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a card list id", &id))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct csms_api_job *j = csms_api_job(r, exec_list_delete, 200, o);
	if (!j)
		return;
	j->out_id = id;
	j->missing_msg = "no such card list";
	j->conflict = CSMS_ERR_IN_USE;
	j->conflict_msg = "stations hold this card list: send them another list or the default list first";
	csms_store_submit(r->app->store, &j->job);
}

/* ---- sending a list (or the default list) to stations ---- */

struct send_ctx {
	struct send_ctx *next;     /* in `sending`: requests waiting for their stations */
	struct csms_http_req *req; /* NULL once the client left */
	int64_t list_id;
	long waiting; /* answers still to come, +1 while starting */
	cJSON *results;
};

static struct send_ctx *sending; /* loop thread only */

static void send_ctx_done(struct send_ctx *c)
{
	if (--c->waiting > 0)
		return;
	for (struct send_ctx **p = &sending; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	if (c->req) {
		struct csms_http_req *r = c->req;
		r->on_release = NULL;
		cJSON *o = cJSON_CreateObject();
		if (c->list_id)
			cJSON_AddNumberToObject(o, "listId", (double)c->list_id);
		else
			cJSON_AddNullToObject(o, "listId");
		long accepted = 0;
		cJSON *it;
		cJSON_ArrayForEach(it, c->results)
		{
			accepted += strcmp(cJSON_GetObjectItem(it, "status")->valuestring, "Accepted") == 0;
		}
		cJSON_AddNumberToObject(o, "accepted", (double)accepted);
		cJSON_AddItemToObject(o, "results", c->results);
		csms_http_respond_json(r, 200, o);
	} else {
		cJSON_Delete(c->results);
	}
	free(c);
}

static void on_sent(void *ctx, struct csms_station *st, const char *outcome, const char *detail)
{
	struct send_ctx *c = ctx;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "station", st->id);
	cJSON_AddStringToObject(o, "status", outcome);
	cJSON_AddStringToObject(o, "detail", detail);
	cJSON_AddItemToArray(c->results, o);
	send_ctx_done(c);
}

static void send_release(struct csms_http_req *r)
{
	for (struct send_ctx *c = sending; c; c = c->next)
		if (c->req == r)
			c->req = NULL;
}

static void send_to(struct csms_http_req *r, int64_t list_id)
{
	char msg[300];
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "stations"), *it;
	int n = cJSON_IsArray(arr) ? cJSON_GetArraySize(arr) : -1;
	if (n < 1 || n > MAX_STATIONS_PER_SEND) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "stations: an array of 1..1000 station ids");
		goto out;
	}
	int i = 0;
	cJSON_ArrayForEach(it, arr)
	{
		if (!cJSON_IsString(it) || !csms_registry_find(r->app->reg, it->valuestring)) {
			snprintf(msg, sizeof(msg), "stations[%d]: %s", i,
			         cJSON_IsString(it) ? "not a registered station" : "must be a station id");
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
			goto out;
		}
		i++;
	}
	if (list_id && !list_exists(r->app, list_id)) {
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such card list");
		goto out;
	}
	struct send_ctx *c = calloc(1, sizeof(*c));
	if (!c) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		goto out;
	}
	c->req = r;
	c->list_id = list_id;
	c->results = cJSON_CreateArray();
	c->waiting = 1;
	c->next = sending;
	sending = c;
	r->on_release = send_release;
	cJSON_ArrayForEach(it, arr)
	{
		struct csms_station *st = csms_registry_find(r->app->reg, it->valuestring);
		char err[200];
		c->waiting++;
		if (csms_sync_send(r->app, st, list_id, on_sent, c, err, sizeof(err)) < 0)
			on_sent(c, st, strstr(err, "waiting") ? "busy" : "error", err);
	}
	send_ctx_done(c);
out:
	cJSON_Delete(body);
}

static void post_send(struct csms_http_req *r)
{
	int64_t id;
	if (csms_api_id_param(r, 0, "a card list id", &id))
		send_to(r, id);
}

static void post_send_default(struct csms_http_req *r)
{
	send_to(r, 0);
}

/* ---- which list a station holds: GetLocalListVersion ---- */

static void on_version(struct csms_op *op, void *ctx)
{
	struct csms_http_req *r = ctx;
	sqlite3_stmt *st;
	r->op = NULL;
	if (op->status != CSMS_OP_RESULT) {
		char msg[400];
		snprintf(msg, sizeof(msg), "station \"%s\": %s%s%s", op->station->id, csms_op_status_name(op->status),
		         op->error[0] ? ": " : "", op->error);
		csms_http_fail(r, op->status == CSMS_OP_TIMEOUT ? CSMS_ERR_STATION_TIMEOUT : CSMS_ERR_STATION, "%s",
		               msg);
		return;
	}
	cJSON *resp = cJSON_Parse(op->response ? op->response : "{}");
	cJSON *v = cJSON_GetObjectItemCaseSensitive(resp, "listVersion");
	long long version = cJSON_IsNumber(v) ? (long long)v->valuedouble : 0;
	cJSON_Delete(resp);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "station", op->station->id);
	cJSON_AddNumberToObject(o, "listVersion", (double)version);
	cJSON_AddBoolToObject(o, "supported", version != -1);
	int64_t list_id = 0, seq = 0, list_version = 0;
	if (sqlite3_prepare_v2(r->app->rdb,
	                       "SELECT s.local_list_id, s.local_list_seq, l.name, l.version FROM station s "
	                       "LEFT JOIN card_list l ON l.id = s.local_list_id WHERE s.id = ?",
	                       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, op->station->id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			list_id = sqlite3_column_int64(st, 0);
			seq = sqlite3_column_int64(st, 1);
			list_version = sqlite3_column_int64(st, 3);
			csms_api_add_int(o, "listId", st, 0);
			if (list_id)
				csms_api_add_text(o, "listName", st, 2);
			else
				cJSON_AddStringToObject(o, "listName", "-");
		}
		sqlite3_finalize(st);
	}
	/* what the station holds, when its version is one we sent: the named list as it is now (if unchanged
	 * since), or the default list (every card) */
	bool matches = list_id ? version == list_version : version == seq && seq > 0;
	cJSON_AddBoolToObject(o, "matches", matches);
	cJSON_AddBoolToObject(o, "localListUnsupported", csms_sync_is_unsupported(r->app, op->station));
	if (matches) {
		cJSON *cards = cJSON_CreateArray();
		long long total = add_cards(r->app, list_id, cards, MAX_CARDS_SHOWN);
		cJSON_AddNumberToObject(o, "cardsTotal", (double)total);
		cJSON_AddItemToObject(o, "cards", cards);
	}
	csms_http_respond_json(r, 200, o);
}

static void get_station_list(struct csms_http_req *r)
{
	char err[256];
	static const struct ocpp_get_local_list_version_req req = {0};
	struct csms_station *s = csms_api_station_param(r);
	if (!s)
		return;
	int rc = csms_op_start(r->app, s->id, OCPP_GetLocalListVersion, &req, on_version, r, &r->op, err, sizeof(err));
	if (rc < 0)
		csms_api_op_refused(r, rc, err);
}

/* Literal paths before {id}: the first match wins. */
static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/card-lists", CSMS_ROLE_AM, 0, get_lists, "Card lists (paged, sortable; ?q=)"},
    {CSMS_HTTP_POST, "api/v1/card-lists", CSMS_ROLE_AM, 0, post_list,
     "Create a card list {name, description, idTags} (version 1)"},
    {CSMS_HTTP_POST, "api/v1/card-lists/default/send", CSMS_ROLE_AM, 0, post_send_default,
     "Remove stations' card lists: send them the default list (every registered card), Full"},
    {CSMS_HTTP_GET, "api/v1/card-lists/{id}", CSMS_ROLE_AM, 0, get_list,
     "One card list with its cards and the stations holding it"},
    {CSMS_HTTP_PUT, "api/v1/card-lists/{id}", CSMS_ROLE_AM, 0, put_list,
     "Edit a card list (name, description, idTags or add/remove); the version grows"},
    {CSMS_HTTP_DELETE, "api/v1/card-lists/{id}", CSMS_ROLE_AM, 0, delete_list,
     "Delete a card list (409 while stations hold it)"},
    {CSMS_HTTP_POST, "api/v1/card-lists/{id}/send", CSMS_ROLE_AM, 0, post_send,
     "Send a card list to stations {stations:[...]} (SendLocalList Full); each station's answer"},
    {CSMS_HTTP_GET, "api/v1/stations/{id}/card-list", CSMS_ROLE_AM, 0, get_station_list,
     "The card list a station holds (GetLocalListVersion) and, when it is one we sent, its cards"},
};
CSMS_ROUTE_TABLE(csms_routes_lists, "lists", routes);

/* csms_api_lists.c — card lists (named local authorisation lists with a version that grows on every
 * change): create, edit, delete, get, list; send a list (or the default list of every card) to stations;
 * ask a station which list it holds (GetLocalListVersion) and what that list contains. The sending itself
 * is csms_sync's (one send per station, chunked, recorded). */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_card_db.h"
#include "csms_cards.h"
#include "csms_conn.h"
#include "csms_list_db.h"
#include "csms_sync.h"
#include "wl_clock.h"
#include "wl_log.h"

#define MAX_TAGS_PER_REQUEST  5000
#define MAX_STATIONS_PER_SEND 1000
#define MAX_CARDS_SHOWN       1000

static void add_text(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static int list_row(const struct csms_card_list *l, void *out)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)l->id);
	add_text(o, "name", l->name);
	add_text(o, "description", l->description);
	cJSON_AddNumberToObject(o, "version", (double)l->version);
	cJSON_AddNumberToObject(o, "cards", (double)l->cards);
	cJSON_AddNumberToObject(o, "stations", (double)l->stations);
	csms_api_add_ms(o, "created", l->created);
	csms_api_add_ms(o, "updated", l->updated);
	*(cJSON **)out = o;
	return 0;
}

static int add_card(const struct csms_list_card *c, void *arr)
{
	cJSON *o = cJSON_CreateObject();
	add_text(o, "idTag", c->id_tag);
	add_text(o, "description", c->description);
	if (c->user_id)
		cJSON_AddNumberToObject(o, "userId", (double)c->user_id);
	else
		cJSON_AddNullToObject(o, "userId");
	add_text(o, "name", c->name);
	add_text(o, "surname", c->surname);
	cJSON_AddItemToArray(arr, o);
	return 0;
}

/* Cards of a list (list_id > 0) or of the default list (0) into arr, at most limit; returns the total. */
static long long add_cards(struct csms *app, int64_t list_id, cJSON *arr, long long limit)
{
	long long total = 0;
	csms_list_db_cards(app->rdb, list_id, limit, add_card, arr, &total);
	return total;
}

static int add_station(const char *station, void *arr)
{
	cJSON_AddItemToArray(arr, cJSON_CreateString(station));
	return 0;
}

/* The list as JSON with its cards and the stations holding it, NULL when there is none. */
static cJSON *list_json(struct csms *app, int64_t id)
{
	cJSON *o = NULL;
	if (csms_list_db_get(app->rdb, id, list_row, &o) < 0 || !o)
		return NULL;
	add_cards(app, id, cJSON_AddArrayToObject(o, "idTags"), MAX_TAGS_PER_REQUEST * 2);
	csms_list_db_stations(app->rdb, id, add_station, cJSON_AddArrayToObject(o, "stationIds"));
	return o;
}

static bool list_exists(struct csms *app, int64_t id)
{
	return csms_list_db_exists(app->rdb, id) == 1;
}

/* ---- list, get ---- */

static int add_list(const struct csms_card_list *l, void *items)
{
	cJSON *o;
	list_row(l, &o);
	cJSON_AddItemToArray(items, o);
	return 0;
}

static void get_lists(struct csms_http_req *r)
{
	struct csms_api_page pg;
	char q[260], like[520];
	long long total;
	bool has_q = csms_api_query(r, "q", q, sizeof(q)) && q[0];
	if (has_q && !csms_cards_like_contains(q, like, sizeof(like))) {
		csms_http_fail(r, CSMS_ERR_BAD_QUERY, "q: too long");
		return;
	}
	if (csms_api_paging(r, csms_list_db_sorts, "name", &pg) < 0)
		return;
	struct csms_db_page dp = {pg.limit, pg.offset, pg.order};
	cJSON *items = cJSON_CreateArray();
	if (csms_list_db_list(r->app->rdb, has_q ? like : NULL, &dp, add_list, items, &total) < 0) {
		cJSON_Delete(items);
		csms_api_db_error(r);
		return;
	}
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
	for (long i = 0; i < n; i++) {
		int known = csms_card_db_exists(r->app->rdb, (*tags)[i]);
		if (known < 0) {
			free(*tags);
			csms_api_db_error(r);
			return -1;
		}
		if (!known) {
			snprintf(err, sizeof(err), "%s: \"%s\" is not a registered card", field, (*tags)[i]);
			free(*tags);
			csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", err);
			return -1;
		}
	}
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

static void after_list(struct csms_api_job *j);

/* A card list job: the list (id), its new name and description (NULL: unchanged), its tags (data). */
struct list_job {
	struct csms_api_job base;
	int64_t id;
	const char *name, *description;
	char name_buf[401], description_buf[2001];
};

/* The edit of a list job from its tags. */
static struct csms_list_edit list_edit(const struct list_job *j)
{
	const struct list_data *d = j->base.data;
	struct csms_list_edit e = {j->name, j->description,    d->replace,
	                           d->tags, d->tags + d->nset, d->tags + d->nset + d->nadd,
	                           d->nset, d->nadd,           d->nrem};
	return e;
}

static int exec_list_insert(struct csms_store *st, struct csms_job *job)
{
	struct list_job *j = (struct list_job *)job;
	const struct list_data *d = j->base.data;
	return csms_api_db_rc(csms_list_db_insert(csms_store_db(st), j->name, j->description, d->tags, d->nset,
	                                          (int64_t)wl_wall_ms(), &j->base.out_id));
}

/* A list job for r with the tags d (taken) and the texts; NULL after answering. */
static struct list_job *list_job(struct csms_http_req *r, csms_job_exec_fn *exec, int status, struct list_data *d,
                                 const char *name, const char *description)
{
	struct list_job *j = csms_api_job_sized(r, sizeof(*j), exec, status, NULL);
	if (!j) {
		free(d);
		return NULL;
	}
	j->base.data = d;
	if (name) {
		snprintf(j->name_buf, sizeof(j->name_buf), "%s", name);
		j->name = j->name_buf;
	}
	if (description) {
		snprintf(j->description_buf, sizeof(j->description_buf), "%s", description);
		j->description = j->description_buf;
	}
	j->base.after = after_list;
	j->base.conflict = CSMS_ERR_EXISTS;
	j->base.conflict_msg = "a card list with this name exists";
	return j;
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
		struct list_job *j = list_job(r, exec_list_insert, 201, d, name, desc ? desc : "");
		if (j)
			csms_store_submit(r->app->store, &j->base.job);
	}
	cJSON_Delete(body);
}

static int exec_list_update(struct csms_store *st, struct csms_job *job)
{
	struct list_job *j = (struct list_job *)job;
	struct csms_list_edit e = list_edit(j);
	j->base.out_id = j->id;
	return csms_api_db_rc(csms_list_db_update(csms_store_db(st), j->id, &e, (int64_t)wl_wall_ms()));
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
		struct list_job *j = list_job(r, exec_list_update, 200, d, name, desc);
		if (j) {
			j->id = id;
			j->base.missing_msg = "no such card list";
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

static int exec_list_delete(struct csms_store *st, struct csms_job *job)
{
	struct list_job *j = (struct list_job *)job;
	return csms_api_db_rc(csms_list_db_delete(csms_store_db(st), j->id));
}

static void delete_list(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a card list id", &id))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct list_job *j = csms_api_job_sized(r, sizeof(*j), exec_list_delete, 200, o);
	if (!j)
		return;
	j->id = id;
	j->base.missing_msg = "no such card list";
	j->base.conflict = CSMS_ERR_IN_USE;
	j->base.conflict_msg = "stations hold this card list: send them another list or the default list first";
	csms_store_submit(r->app->store, &j->base.job);
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
	struct csms_list_held held;
	if (csms_list_db_held_by(r->app->rdb, op->station->id, &held) == 0) {
		list_id = held.list_id;
		seq = held.seq;
		list_version = held.version;
		if (list_id)
			cJSON_AddNumberToObject(o, "listId", (double)list_id);
		else
			cJSON_AddNullToObject(o, "listId");
		cJSON_AddStringToObject(o, "listName", list_id ? held.name : "-");
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

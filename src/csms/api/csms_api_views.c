/* csms_api_views.c — Socket views and their groups (how the Home page shows the sockets): views with
 * exactly one default, groups inside a view, and the "Unassigned sockets" group every view has, which
 * holds the view's sockets that belong to no other group and cannot be renamed or deleted. A socket is a
 * connector with connector_id > 0; it is in at most one group per view (socket_group_member). */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_view_db.h"

#define NAME_MAX_CHARS 100
#define MAX_SOCKETS    1000 /* per assignment request */

/* ---- reads ---- */

static cJSON *group_json(const struct csms_view_group *g, int64_t view_id, bool with_view)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)g->id);
	if (with_view)
		cJSON_AddNumberToObject(o, "viewId", (double)view_id);
	cJSON_AddStringToObject(o, "name", g->name);
	cJSON_AddBoolToObject(o, "unassigned", g->unassigned);
	return o;
}

static cJSON *view_json(const struct csms_view *v)
{
	cJSON *o = cJSON_CreateObject(), *groups = cJSON_CreateArray();
	cJSON_AddNumberToObject(o, "id", (double)v->id);
	cJSON_AddStringToObject(o, "name", v->name);
	cJSON_AddBoolToObject(o, "isDefault", v->is_default);
	csms_api_add_ms(o, "created", v->created);
	for (size_t i = 0; i < v->n_groups; i++)
		cJSON_AddItemToArray(groups, group_json(&v->groups[i], v->id, false));
	cJSON_AddItemToObject(o, "groups", groups);
	return o;
}

/* The view with its groups, NULL if there is none. */
static cJSON *view_json_by_id(sqlite3 *db, int64_t id)
{
	struct csms_view v;
	if (csms_view_db_get(db, id, &v) < 0)
		return NULL;
	cJSON *o = view_json(&v);
	csms_view_release(&v);
	return o;
}

static int add_view(const struct csms_view *v, void *items)
{
	cJSON_AddItemToArray(items, view_json(v));
	return 0;
}

static void get_views(struct csms_http_req *r)
{
	struct csms_api_page pg;
	long long total;
	if (csms_api_paging(r, csms_view_db_sorts, "name", &pg) < 0)
		return;
	struct csms_db_page dp = {pg.limit, pg.offset, pg.order};
	cJSON *items = cJSON_CreateArray();
	if (csms_view_db_list(r->app->rdb, &dp, add_view, items, &total) < 0) {
		cJSON_Delete(items);
		csms_api_db_error(r);
		return;
	}
	csms_http_respond_json(r, 200, csms_api_list_reply(items, total, &pg));
}

/* One view with its groups and their sockets: every socket of the csms is in one group, so this may be
 * thousands of rows: built on the background worker. */
struct detail_job {
	struct csms_api_bg base;
	int64_t id;
	char *text; /* the answer */
};

struct detail_ctx {
	cJSON *groups, *unassigned;
	cJSON *cur;
	int64_t cur_id;
};

static int add_socket(const struct csms_view_socket *s, void *ctx)
{
	struct detail_ctx *c = ctx;
	cJSON *g, *o;
	if (s->group_id != c->cur_id) {
		c->cur = NULL;
		c->cur_id = s->group_id;
		cJSON_ArrayForEach(g, c->groups) if ((int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
		                                         g, "id")) == s->group_id) c->cur = g;
	}
	cJSON *to = s->group_id ? c->cur : c->unassigned;
	if (!to)
		return 0;
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "station", s->station);
	cJSON_AddNumberToObject(o, "connector", s->connector);
	if (s->description)
		cJSON_AddStringToObject(o, "description", s->description);
	else
		cJSON_AddNullToObject(o, "description");
	if (s->station_name)
		cJSON_AddStringToObject(o, "stationName", s->station_name);
	else
		cJSON_AddNullToObject(o, "stationName");
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(to, "sockets"), o);
	return 0;
}

static int exec_detail(struct csms_bg_job *bg, sqlite3 *db)
{
	struct detail_job *j = (struct detail_job *)bg;
	struct csms_view v;
	int rc;
	if (!db)
		return -1;
	if ((rc = csms_view_db_get(db, j->id, &v)) < 0)
		return csms_api_db_rc(rc);
	cJSON *view = view_json(&v);
	csms_view_release(&v);
	struct detail_ctx c = {cJSON_GetObjectItemCaseSensitive(view, "groups"), NULL, NULL, -1};
	cJSON *g;
	cJSON_ArrayForEach(g, c.groups)
	{
		cJSON_AddItemToObject(g, "sockets", cJSON_CreateArray());
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "unassigned")))
			c.unassigned = g;
	}
	if (csms_view_db_sockets(db, j->id, add_socket, &c) < 0) {
		cJSON_Delete(view);
		return -1;
	}
	j->text = cJSON_PrintUnformatted(view);
	cJSON_Delete(view);
	return j->text ? 0 : -1;
}

static void done_detail(struct csms_bg_job *bg)
{
	struct detail_job *j = (struct detail_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&j->base);
	if (r && bg->rc == CSMS_API_MISSING)
		csms_http_fail(r, CSMS_ERR_NOT_FOUND, "no such socket view");
	else if (r && bg->rc < 0)
		csms_http_fail(r, CSMS_ERR_STORAGE, "cannot read the socket view");
	else if (r) {
		csms_http_respond(r, 200, "application/json", j->text, strlen(j->text));
		j->text = NULL;
	}
	free(j->text);
	free(j);
}

static void get_view(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a view id", &id))
		return;
	struct detail_job *j = calloc(1, sizeof(*j));
	if (!j) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return;
	}
	j->id = id;
	csms_api_bg_submit(r, &j->base, exec_detail, done_detail);
}

/* ---- views: create, rename, default, delete ---- */

static void after_view(struct csms_api_job *j)
{
	if (!j->req)
		return;
	cJSON_Delete(j->reply);
	j->reply = view_json_by_id(j->req->app->rdb, j->out_id);
}

struct view_create_job {
	struct csms_api_job base;
	bool make_default;
	char name[CSMS_VIEW_NAME_CAP];
};

static int exec_create_view(struct csms_store *st, struct csms_job *job)
{
	struct view_create_job *j = (struct view_create_job *)job;
	return csms_api_db_rc(csms_view_db_create(csms_store_db(st), j->name, j->make_default, &j->base.out_id));
}

static void post_view(struct csms_http_req *r)
{
	bool bad = false, def = false;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", true, NAME_MAX_CHARS, &bad);
	csms_api_bool(r, body, "isDefault", &def, &bad);
	if (!bad) {
		struct view_create_job *j = csms_api_job_sized(r, sizeof(*j), exec_create_view, 201, NULL);
		if (j) {
			snprintf(j->name, sizeof(j->name), "%s", name);
			j->make_default = def;
			j->base.after = after_view;
			j->base.conflict = CSMS_ERR_EXISTS;
			j->base.conflict_msg = "name: a socket view with this name exists";
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

struct view_update_job {
	struct csms_api_job base;
	int64_t view;
	bool rename;     /* to name */
	int set_default; /* -1 leave, 0 or 1 */
	char name[CSMS_VIEW_NAME_CAP];
};

static int exec_update_view(struct csms_store *st, struct csms_job *job)
{
	struct view_update_job *j = (struct view_update_job *)job;
	int rc = csms_view_db_update(csms_store_db(st), j->view, j->rename ? j->name : NULL, j->set_default);
	j->base.out_id = j->view;
	if (rc == CSMS_DB_EXISTS) {
		j->base.conflict = CSMS_ERR_EXISTS;
		j->base.conflict_msg = "name: a socket view with this name exists";
	} else if (rc == CSMS_DB_REFUSED) {
		j->base.conflict = CSMS_ERR_DEFAULT_VIEW;
		j->base.conflict_msg =
		    "isDefault: one view is always the default: make another view the default instead";
	}
	return csms_api_db_rc(rc);
}

static void submit_update_view(struct csms_http_req *r, int64_t id, const char *name, bool has_def, bool def)
{
	struct view_update_job *j = csms_api_job_sized(r, sizeof(*j), exec_update_view, 200, NULL);
	if (!j)
		return;
	j->view = id;
	if ((j->rename = name != NULL))
		snprintf(j->name, sizeof(j->name), "%s", name);
	j->set_default = has_def ? def : -1;
	j->base.after = after_view;
	j->base.missing_msg = "no such socket view";
	csms_store_submit(r->app->store, &j->base.job);
}

static void put_view(struct csms_http_req *r)
{
	int64_t id;
	bool bad = false, def = false;
	if (!csms_api_id_param(r, 0, "a view id", &id))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", false, NAME_MAX_CHARS, &bad);
	bool has_def = csms_api_bool(r, body, "isDefault", &def, &bad);
	if (!bad && name && !name[0]) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "name: must be 1..100 characters");
		bad = true;
	}
	if (!bad)
		submit_update_view(r, id, name, has_def, def);
	cJSON_Delete(body);
}

static void post_default(struct csms_http_req *r)
{
	int64_t id;
	if (csms_api_id_param(r, 0, "a view id", &id))
		submit_update_view(r, id, NULL, true, true);
}

/* A job on one view, or on one group of a view (group 0: none). */
struct view_ref_job {
	struct csms_api_job base;
	int64_t view, group;
	char name[CSMS_VIEW_NAME_CAP]; /* a group's new name */
};

static int exec_delete_view(struct csms_store *st, struct csms_job *job)
{
	struct view_ref_job *j = (struct view_ref_job *)job;
	return csms_api_db_rc(csms_view_db_delete(csms_store_db(st), j->view));
}

static struct view_ref_job *submit_ref(struct csms_http_req *r, csms_job_exec_fn *exec, int status, cJSON *reply,
                                       int64_t view, int64_t group, const char *missing)
{
	struct view_ref_job *j = csms_api_job_sized(r, sizeof(*j), exec, status, reply);
	if (!j)
		return NULL;
	j->view = view;
	j->group = group;
	j->base.missing_msg = missing;
	return j;
}

static void delete_view(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a view id", &id))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct view_ref_job *j = submit_ref(r, exec_delete_view, 200, o, id, 0, "no such socket view");
	if (j)
		csms_store_submit(r->app->store, &j->base.job);
}

/* ---- groups ---- */

static void after_group(struct csms_api_job *j)
{
	struct csms_view_group g;
	int64_t view_id;
	if (!j->req)
		return;
	cJSON_Delete(j->reply);
	j->reply = csms_view_db_group_get(j->req->app->rdb, j->out_id, &view_id, &g) < 0
	               ? NULL
	               : group_json(&g, view_id, true);
}

static int refuse_unassigned(struct csms_api_job *j, int rc, const char *what)
{
	if (rc == CSMS_DB_REFUSED) {
		j->conflict = CSMS_ERR_UNASSIGNED_GROUP;
		j->conflict_msg = what;
	}
	return csms_api_db_rc(rc);
}

static int exec_create_group(struct csms_store *st, struct csms_job *job)
{
	struct view_ref_job *j = (struct view_ref_job *)job;
	return csms_api_db_rc(csms_view_db_group_create(csms_store_db(st), j->view, j->name, &j->base.out_id));
}

static const char *group_name(struct csms_http_req *r, cJSON *body)
{
	bool bad = false;
	return csms_api_str(r, body, "name", true, NAME_MAX_CHARS, &bad);
}

static void post_group(struct csms_http_req *r)
{
	int64_t view;
	if (!csms_api_id_param(r, 0, "a view id", &view))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = group_name(r, body);
	if (name) {
		struct view_ref_job *j = submit_ref(r, exec_create_group, 201, NULL, view, 0, "no such socket view");
		if (j) {
			snprintf(j->name, sizeof(j->name), "%s", name);
			j->base.after = after_group;
			j->base.conflict = CSMS_ERR_EXISTS;
			j->base.conflict_msg = "name: this view has a group with this name";
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

static int exec_rename_group(struct csms_store *st, struct csms_job *job)
{
	struct view_ref_job *j = (struct view_ref_job *)job;
	j->base.out_id = j->group;
	return refuse_unassigned(&j->base, csms_view_db_group_rename(csms_store_db(st), j->view, j->group, j->name),
	                         "the Unassigned sockets group cannot be renamed");
}

static bool view_and_group(struct csms_http_req *r, int64_t *view, int64_t *group)
{
	return csms_api_id_param(r, 0, "a view id", view) && csms_api_id_param(r, 1, "a group id", group);
}

static void put_group(struct csms_http_req *r)
{
	int64_t view, group;
	if (!view_and_group(r, &view, &group))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = group_name(r, body);
	if (name) {
		struct view_ref_job *j =
		    submit_ref(r, exec_rename_group, 200, NULL, view, group, "no such group in this socket view");
		if (j) {
			snprintf(j->name, sizeof(j->name), "%s", name);
			j->base.after = after_group;
			j->base.conflict = CSMS_ERR_EXISTS;
			j->base.conflict_msg = "name: this view has a group with this name";
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

static int exec_delete_group(struct csms_store *st, struct csms_job *job)
{
	struct view_ref_job *j = (struct view_ref_job *)job;
	return refuse_unassigned(&j->base, csms_view_db_group_delete(csms_store_db(st), j->view, j->group),
	                         "the Unassigned sockets group cannot be deleted");
}

static void delete_group(struct csms_http_req *r)
{
	int64_t view, group;
	if (!view_and_group(r, &view, &group))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)group);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct view_ref_job *j =
	    submit_ref(r, exec_delete_group, 200, o, view, group, "no such group in this socket view");
	if (j)
		csms_store_submit(r->app->store, &j->base.job);
}

/* ---- sockets in groups ---- */

struct socket_ref {
	char station[CSMS_ID_MAX + 1];
	int connector;
};

struct assign_job {
	struct csms_api_job base;
	int64_t view, group;
	size_t n;
	char missing[160]; /* which socket does not exist */
	struct socket_ref s[];
};

/* "no socket 3 on station \"CP-1\"" into buf. */
static const char *no_socket(char *buf, size_t cap, const char *station, int connector)
{
	snprintf(buf, cap, "no socket %d on station \"%s\"", connector, station);
	return buf;
}

static int exec_assign(struct csms_store *st, struct csms_job *job)
{
	struct assign_job *j = (struct assign_job *)job;
	struct csms_view_socket_ref *refs = calloc(j->n, sizeof(*refs));
	size_t missing;
	if (!refs)
		return -1;
	for (size_t i = 0; i < j->n; i++)
		refs[i] = (struct csms_view_socket_ref){j->s[i].station, j->s[i].connector};
	int rc = csms_view_db_assign(csms_store_db(st), j->view, j->group, refs, j->n, &missing);
	free(refs);
	if (rc == CSMS_DB_MISSING && missing < j->n)
		j->base.missing_msg =
		    no_socket(j->missing, sizeof(j->missing), j->s[missing].station, j->s[missing].connector);
	return csms_api_db_rc(rc);
}

/* {"sockets": [{"station": "CP-1", "connector": 1}, ...]} into a job for r (NULL after answering). */
static struct assign_job *parse_sockets(struct csms_http_req *r, cJSON *body, cJSON *reply)
{
	char msg[160];
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "sockets"), *it;
	int n = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || n < 1 || n > MAX_SOCKETS) {
		cJSON_Delete(reply);
		csms_http_fail(r, CSMS_ERR_BAD_FIELD,
		               "sockets: must be an array of 1..1000 {\"station\", \"connector\"} objects");
		return NULL;
	}
	struct assign_job *j = csms_api_job_sized(r, sizeof(*j) + (size_t)n * sizeof(j->s[0]), exec_assign, 200, reply);
	if (!j)
		return NULL;
	cJSON_ArrayForEach(it, arr)
	{
		bool bad = false;
		long long connector = 0;
		const char *station =
		    cJSON_IsObject(it) ? csms_api_str(r, it, "station", true, CSMS_ID_MAX, &bad) : NULL;
		if (station && !csms_api_int(r, it, "connector", true, 1, 1000, &connector, &bad))
			station = NULL;
		if (!station) {
			if (!bad) {
				snprintf(msg, sizeof(msg),
				         "sockets[%zu]: must be {\"station\": id, \"connector\": 1..1000}", j->n);
				csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
			}
			r->pending = NULL;
			cJSON_Delete(j->base.reply);
			free(j);
			return NULL;
		}
		snprintf(j->s[j->n].station, sizeof(j->s[0].station), "%s", station);
		j->s[j->n++].connector = (int)connector;
	}
	return j;
}

static void post_sockets(struct csms_http_req *r)
{
	int64_t view, group;
	if (!view_and_group(r, &view, &group))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "viewId", (double)view);
	cJSON_AddNumberToObject(o, "groupId", (double)group);
	struct assign_job *j = parse_sockets(r, body, o);
	cJSON_Delete(body);
	if (!j)
		return;
	cJSON_AddNumberToObject(o, "assigned", (double)j->n);
	j->view = view;
	j->group = group;
	j->base.missing_msg = "no such group in this socket view";
	csms_store_submit(r->app->store, &j->base.job);
}

struct unassign_job {
	struct csms_api_job base;
	int64_t view;
	int connector;
	char station[CSMS_ID_MAX + 1];
	char missing[160];
};

static int exec_unassign(struct csms_store *st, struct csms_job *job)
{
	struct unassign_job *j = (struct unassign_job *)job;
	struct csms_view_socket_ref ref = {j->station, j->connector};
	bool socket_missing;
	int rc = csms_view_db_unassign(csms_store_db(st), j->view, &ref, &socket_missing);
	if (rc == CSMS_DB_MISSING && socket_missing)
		j->base.missing_msg = no_socket(j->missing, sizeof(j->missing), j->station, j->connector);
	return csms_api_db_rc(rc);
}

static void delete_socket(struct csms_http_req *r)
{
	int64_t view, connector;
	if (!csms_api_id_param(r, 0, "a view id", &view) || !csms_api_id_param(r, 2, "a connector id", &connector))
		return;
	if (strlen(r->params[1]) > CSMS_ID_MAX) {
		csms_http_fail(r, CSMS_ERR_BAD_ID, "station: 1..48 characters");
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "viewId", (double)view);
	cJSON_AddStringToObject(o, "station", r->params[1]);
	cJSON_AddNumberToObject(o, "connector", (double)connector);
	cJSON_AddBoolToObject(o, "unassigned", 1);
	struct unassign_job *j = csms_api_job_sized(r, sizeof(*j), exec_unassign, 200, o);
	if (!j)
		return;
	j->view = view;
	j->connector = (int)connector;
	snprintf(j->station, sizeof(j->station), "%.48s", r->params[1]);
	j->base.missing_msg = "no such socket view";
	csms_store_submit(r->app->store, &j->base.job);
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_GET, "api/v1/views", CSMS_ROLES_ALL, 0, get_views, "Socket views with their groups (paged, sortable)"},
    {CSMS_HTTP_POST, "api/v1/views", CSMS_ROLE_AM, 0, post_view,
     "Create a socket view (with its Unassigned sockets group; the first view is the default)"},
    {CSMS_HTTP_GET, "api/v1/views/{id}", CSMS_ROLES_ALL, 0, get_view, "A socket view, its groups and their sockets"},
    {CSMS_HTTP_PUT, "api/v1/views/{id}", CSMS_ROLE_AM, 0, put_view, "Rename a socket view or make it the default"},
    {CSMS_HTTP_DELETE, "api/v1/views/{id}", CSMS_ROLE_AM, 0, delete_view, "Delete a socket view and its groups"},
    {CSMS_HTTP_POST, "api/v1/views/{id}/default", CSMS_ROLE_AM, 0, post_default, "Make a socket view the default"},
    {CSMS_HTTP_POST, "api/v1/views/{id}/groups", CSMS_ROLE_AM, 0, post_group, "Create a socket group in a view"},
    {CSMS_HTTP_PUT, "api/v1/views/{id}/groups/{groupId}", CSMS_ROLE_AM, 0, put_group,
     "Rename a socket group (not the Unassigned one)"},
    {CSMS_HTTP_DELETE, "api/v1/views/{id}/groups/{groupId}", CSMS_ROLE_AM, 0, delete_group,
     "Delete a socket group: its sockets go back to Unassigned"},
    {CSMS_HTTP_POST, "api/v1/views/{id}/groups/{groupId}/sockets", CSMS_ROLE_AM, 0, post_sockets,
     "Assign sockets to a group (moved from another group of the view; to Unassigned: removed from groups)"},
    {CSMS_HTTP_DELETE, "api/v1/views/{id}/sockets/{station}/{connector}", CSMS_ROLE_AM, 0, delete_socket,
     "Put a socket back in the view's Unassigned group"},
};
CSMS_ROUTE_TABLE(csms_routes_views, "views", routes);

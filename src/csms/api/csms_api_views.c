/* csms_api_views.c — Socket views and their groups (how the Home page shows the sockets): views with
 * exactly one default, groups inside a view, and the "Unassigned sockets" group every view has, which
 * holds the view's sockets that belong to no other group and cannot be renamed or deleted. A socket is a
 * connector with connector_id > 0; it is in at most one group per view (socket_group_member). */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_clock.h"
#include "wl_log.h"

#define NAME_MAX_CHARS 100
#define MAX_SOCKETS    1000 /* per assignment request */
#define UNASSIGNED     "Unassigned sockets"

/* A statement outside the store's cache (view changes are rare); finalized by the caller. */
static sqlite3_stmt *prep(struct csms_store *st, const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(csms_store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		WL_ERROR("views", "%s: %s", sql, sqlite3_errmsg(csms_store_db(st)));
		return NULL;
	}
	return s;
}

/* Steps a write and finalizes it: 0, CSMS_API_CONFLICT on a uniqueness violation, -1 on error. */
static int step_write(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	int ext = sqlite3_extended_errcode(sqlite3_db_handle(s));
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return 0;
	return ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY ? CSMS_API_CONFLICT : -1;
}

static int64_t changes(struct csms_store *st)
{
	return sqlite3_changes(csms_store_db(st));
}

/* ---- reads ---- */

static const char SQL_VIEW_COLS[] =
    "v.id, v.name, v.is_default, v.created, "
    "(SELECT json_group_array(json_object('id', g.id, 'name', g.name, 'unassigned', json(CASE g.unassigned "
    "WHEN 1 THEN 'true' ELSE 'false' END))) FROM (SELECT * FROM socket_group WHERE view_id = v.id "
    "ORDER BY unassigned DESC, name) g)";

static void view_item(cJSON *o, sqlite3_stmt *st)
{
	csms_api_add_int(o, "id", st, 0);
	csms_api_add_text(o, "name", st, 1);
	cJSON_AddBoolToObject(o, "isDefault", sqlite3_column_int(st, 2));
	csms_api_add_time(o, "created", st, 3);
	const char *groups = (const char *)sqlite3_column_text(st, 4);
	cJSON *g = groups ? cJSON_Parse(groups) : NULL;
	cJSON_AddItemToObject(o, "groups", g ? g : cJSON_CreateArray());
}

static cJSON *view_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	view_item(o, st);
	return o;
}

/* The view with its groups (read connection), NULL if there is none. */
static cJSON *view_json(sqlite3 *db, int64_t id)
{
	char sql[600];
	sqlite3_stmt *st;
	cJSON *o = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM socket_view v WHERE v.id = ?", SQL_VIEW_COLS);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		o = view_row(st);
	sqlite3_finalize(st);
	return o;
}

static void get_views(struct csms_http_req *r)
{
	static const char *const sorts[] = {"name", "v.name", "created", "v.created", "id", "v.id", NULL};
	struct csms_api_page pg;
	char sql[800];
	sqlite3_stmt *st;
	if (csms_api_paging(r, sorts, "name", &pg) < 0)
		return;
	snprintf(sql, sizeof(sql), "SELECT %s, count(*) OVER () FROM socket_view v ORDER BY %s, v.id LIMIT ? OFFSET ?",
	         SQL_VIEW_COLS, pg.order);
	if (sqlite3_prepare_v2(r->app->rdb, sql, -1, &st, NULL) != SQLITE_OK) {
		csms_api_db_error(r);
		return;
	}
	sqlite3_bind_int64(st, 1, pg.limit);
	sqlite3_bind_int64(st, 2, pg.offset);
	long long total;
	cJSON *items = csms_api_page_rows(st, view_item, &total);
	if (total == 0 && pg.offset > 0)
		total = csms_api_count(r->app->rdb, "SELECT count(*) FROM socket_view");
	csms_http_respond_json(r, 200, csms_api_list_reply(items, total, &pg));
}

/* One view with its groups and their sockets: every socket of the csms is in one group, so this may be
 * thousands of rows: built on the background worker. */
struct detail_job {
	struct csms_api_bg base;
	int64_t id;
	char *text; /* the answer */
};

static cJSON *socket_json(sqlite3_stmt *s, int col)
{
	cJSON *o = cJSON_CreateObject();
	csms_api_add_text(o, "station", s, col);
	csms_api_add_int(o, "connector", s, col + 1);
	csms_api_add_text(o, "description", s, col + 2);
	csms_api_add_text(o, "stationName", s, col + 3);
	return o;
}

static int exec_detail(struct csms_bg_job *bg, sqlite3 *db)
{
	struct detail_job *j = (struct detail_job *)bg;
	sqlite3_stmt *s;
	if (!db)
		return -1;
	cJSON *view = view_json(db, j->id);
	if (!view)
		return CSMS_API_MISSING;
	cJSON *groups = cJSON_GetObjectItemCaseSensitive(view, "groups"), *g, *unassigned = NULL;
	cJSON_ArrayForEach(g, groups)
	{
		cJSON_AddItemToObject(g, "sockets", cJSON_CreateArray());
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(g, "unassigned")))
			unassigned = g;
	}
	if (sqlite3_prepare_v2(db,
	                       "SELECT m.group_id, m.station_id, m.connector_id, c.description, st.name "
	                       "FROM socket_group_member m LEFT JOIN connector c ON c.station_id = m.station_id "
	                       "AND c.connector_id = m.connector_id LEFT JOIN station st ON st.id = m.station_id "
	                       "WHERE m.view_id = ? ORDER BY m.group_id, m.station_id, m.connector_id",
	                       -1, &s, NULL) != SQLITE_OK)
		goto out_error;
	sqlite3_bind_int64(s, 1, j->id);
	cJSON *cur = NULL;
	int64_t cur_id = -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		int64_t gid = sqlite3_column_int64(s, 0);
		if (gid != cur_id) {
			cur = NULL;
			cur_id = gid;
			cJSON_ArrayForEach(g, groups) if ((int64_t)cJSON_GetNumberValue(
			                                      cJSON_GetObjectItemCaseSensitive(g, "id")) == gid) cur =
			    g;
		}
		if (cur)
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(cur, "sockets"), socket_json(s, 1));
	}
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(db,
	                       "SELECT c.station_id, c.connector_id, c.description, st.name FROM connector c "
	                       "LEFT JOIN station st ON st.id = c.station_id WHERE c.connector_id > 0 AND NOT EXISTS "
	                       "(SELECT 1 FROM socket_group_member m WHERE m.view_id = ? AND "
	                       "m.station_id = c.station_id AND m.connector_id = c.connector_id) "
	                       "ORDER BY c.station_id, c.connector_id",
	                       -1, &s, NULL) != SQLITE_OK)
		goto out_error;
	sqlite3_bind_int64(s, 1, j->id);
	while (sqlite3_step(s) == SQLITE_ROW)
		if (unassigned)
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(unassigned, "sockets"),
			                     socket_json(s, 0));
	sqlite3_finalize(s);
	j->text = cJSON_PrintUnformatted(view);
	cJSON_Delete(view);
	return j->text ? 0 : -1;
out_error:
	cJSON_Delete(view);
	return -1;
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
	j->reply = view_json(j->req->app->rdb, j->out_id);
}

/* Makes view id the default one (exactly one is). */
static int set_default(struct csms_store *st, int64_t id)
{
	sqlite3_stmt *s = prep(st, "UPDATE socket_view SET is_default = (id = ?) WHERE is_default != (id = ?)");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, id);
	return step_write(s);
}

static int exec_create_view(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "INSERT INTO socket_view (name, is_default, created) VALUES (?, 0, ?)");
	int rc;
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)wl_wall_ms());
	if ((rc = step_write(s)) < 0)
		return rc;
	j->out_id = sqlite3_last_insert_rowid(csms_store_db(st));
	if (!(s = prep(st, "INSERT INTO socket_group (view_id, name, unassigned) VALUES (?, '" UNASSIGNED "', 1)")))
		return -1;
	sqlite3_bind_int64(s, 1, j->out_id);
	if (step_write(s) < 0)
		return -1;
	/* the first view is the default */
	if (!(s = prep(st, "SELECT count(*) FROM socket_view WHERE is_default = 1")))
		return -1;
	int64_t defaults = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	if (defaults < 0)
		return -1;
	return defaults == 0 || j->num[0] ? set_default(st, j->out_id) : 0;
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
		struct csms_api_job *j = csms_api_job(r, exec_create_view, 201, NULL);
		if (j) {
			snprintf(j->text[0], sizeof(j->text[0]), "%s", name);
			j->num[0] = def;
			j->after = after_view;
			j->conflict = CSMS_ERR_EXISTS;
			j->conflict_msg = "name: a socket view with this name exists";
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

/* num[0] the view; has[0]: rename to text[0]; has[1]: num[1] = isDefault wanted */
static int exec_update_view(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "SELECT is_default FROM socket_view WHERE id = ?");
	int rc;
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->num[0]);
	rc = sqlite3_step(s);
	bool was_default = rc == SQLITE_ROW && sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? CSMS_API_MISSING : -1;
	j->out_id = j->num[0];
	if (j->has[0]) {
		if (!(s = prep(st, "UPDATE socket_view SET name = ? WHERE id = ?")))
			return -1;
		sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, j->num[0]);
		if ((rc = step_write(s)) < 0) {
			j->conflict = CSMS_ERR_EXISTS;
			j->conflict_msg = "name: a socket view with this name exists";
			return rc;
		}
	}
	if (j->has[1] && j->num[1])
		return set_default(st, j->num[0]);
	if (j->has[1] && !j->num[1] && was_default) {
		j->conflict = CSMS_ERR_DEFAULT_VIEW;
		j->conflict_msg = "isDefault: one view is always the default: make another view the default instead";
		return CSMS_API_CONFLICT;
	}
	return 0;
}

static void submit_update_view(struct csms_http_req *r, int64_t id, const char *name, bool has_def, bool def)
{
	struct csms_api_job *j = csms_api_job(r, exec_update_view, 200, NULL);
	if (!j)
		return;
	j->num[0] = id;
	if ((j->has[0] = name != NULL))
		snprintf(j->text[0], sizeof(j->text[0]), "%s", name);
	j->has[1] = has_def;
	j->num[1] = def;
	j->after = after_view;
	j->missing_msg = "no such socket view";
	csms_store_submit(r->app->store, &j->job);
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

static int exec_delete_view(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "DELETE FROM socket_view WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->num[0]);
	if (step_write(s) < 0)
		return -1;
	if (!changes(st))
		return CSMS_API_MISSING;
	/* the default went away: the oldest view left takes its place */
	if (!(s = prep(st, "UPDATE socket_view SET is_default = 1 WHERE id = (SELECT min(id) FROM socket_view) "
	                   "AND NOT EXISTS (SELECT 1 FROM socket_view WHERE is_default = 1)")))
		return -1;
	return step_write(s);
}

static void delete_view(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a view id", &id))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct csms_api_job *j = csms_api_job(r, exec_delete_view, 200, o);
	if (!j)
		return;
	j->num[0] = id;
	j->missing_msg = "no such socket view";
	csms_store_submit(r->app->store, &j->job);
}

/* ---- groups ---- */

static cJSON *group_json(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *st;
	cJSON *o = NULL;
	if (sqlite3_prepare_v2(db, "SELECT id, view_id, name, unassigned FROM socket_group WHERE id = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		o = cJSON_CreateObject();
		csms_api_add_int(o, "id", st, 0);
		csms_api_add_int(o, "viewId", st, 1);
		csms_api_add_text(o, "name", st, 2);
		cJSON_AddBoolToObject(o, "unassigned", sqlite3_column_int(st, 3));
	}
	sqlite3_finalize(st);
	return o;
}

static void after_group(struct csms_api_job *j)
{
	if (!j->req)
		return;
	cJSON_Delete(j->reply);
	j->reply = group_json(j->req->app->rdb, j->out_id);
}

/* Is group num[1] in view num[0]? 1 an ordinary group, 2 the Unassigned group, CSMS_API_MISSING, -1. */
static int group_kind(struct csms_store *st, struct csms_api_job *j)
{
	sqlite3_stmt *s = prep(st, "SELECT unassigned FROM socket_group WHERE id = ? AND view_id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->num[1]);
	sqlite3_bind_int64(s, 2, j->num[0]);
	int rc = sqlite3_step(s);
	int kind = rc == SQLITE_ROW ? (sqlite3_column_int(s, 0) ? 2 : 1) : rc == SQLITE_DONE ? CSMS_API_MISSING : -1;
	sqlite3_finalize(s);
	return kind;
}

static int refuse_unassigned(struct csms_api_job *j, const char *what)
{
	j->conflict = CSMS_ERR_UNASSIGNED_GROUP;
	j->conflict_msg = what;
	return CSMS_API_CONFLICT;
}

static int exec_create_group(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	sqlite3_stmt *s = prep(st, "SELECT 1 FROM socket_view WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->num[0]);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? CSMS_API_MISSING : -1;
	if (!(s = prep(st, "INSERT INTO socket_group (view_id, name, unassigned) VALUES (?, ?, 0)")))
		return -1;
	sqlite3_bind_int64(s, 1, j->num[0]);
	sqlite3_bind_text(s, 2, j->text[0], -1, SQLITE_STATIC);
	if ((rc = step_write(s)) < 0)
		return rc;
	j->out_id = sqlite3_last_insert_rowid(csms_store_db(st));
	return 0;
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
		struct csms_api_job *j = csms_api_job(r, exec_create_group, 201, NULL);
		if (j) {
			j->num[0] = view;
			snprintf(j->text[0], sizeof(j->text[0]), "%s", name);
			j->after = after_group;
			j->missing_msg = "no such socket view";
			j->conflict = CSMS_ERR_EXISTS;
			j->conflict_msg = "name: this view has a group with this name";
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

static int exec_rename_group(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	int kind = group_kind(st, j);
	if (kind < 0)
		return kind;
	if (kind == 2)
		return refuse_unassigned(j, "the Unassigned sockets group cannot be renamed");
	sqlite3_stmt *s = prep(st, "UPDATE socket_group SET name = ? WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, j->num[1]);
	j->out_id = j->num[1];
	return step_write(s);
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
		struct csms_api_job *j = csms_api_job(r, exec_rename_group, 200, NULL);
		if (j) {
			j->num[0] = view;
			j->num[1] = group;
			snprintf(j->text[0], sizeof(j->text[0]), "%s", name);
			j->after = after_group;
			j->missing_msg = "no such group in this socket view";
			j->conflict = CSMS_ERR_EXISTS;
			j->conflict_msg = "name: this view has a group with this name";
			csms_store_submit(r->app->store, &j->job);
		}
	}
	cJSON_Delete(body);
}

static int exec_delete_group(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	int kind = group_kind(st, j);
	if (kind < 0)
		return kind;
	if (kind == 2)
		return refuse_unassigned(j, "the Unassigned sockets group cannot be deleted");
	/* its sockets lose their member rows (ON DELETE CASCADE): they are Unassigned again */
	sqlite3_stmt *s = prep(st, "DELETE FROM socket_group WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->num[1]);
	return step_write(s);
}

static void delete_group(struct csms_http_req *r)
{
	int64_t view, group;
	if (!view_and_group(r, &view, &group))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)group);
	cJSON_AddBoolToObject(o, "deleted", 1);
	struct csms_api_job *j = csms_api_job(r, exec_delete_group, 200, o);
	if (!j)
		return;
	j->num[0] = view;
	j->num[1] = group;
	j->missing_msg = "no such group in this socket view";
	csms_store_submit(r->app->store, &j->job);
}

/* ---- sockets in groups ---- */

struct socket_ref {
	char station[CSMS_ID_MAX + 1];
	int connector;
};
struct socket_list {
	size_t n;
	struct socket_ref s[];
};

/* Does the socket exist? 1, 0 (then text[7] says which), -1 on error. */
static int socket_exists(struct csms_store *st, struct csms_api_job *j, const struct socket_ref *ref)
{
	sqlite3_stmt *s = prep(st, "SELECT 1 FROM connector WHERE station_id = ? AND connector_id = ? AND "
	                           "connector_id > 0");
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, ref->station, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, ref->connector);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc == SQLITE_DONE) {
		snprintf(j->text[7], sizeof(j->text[7]), "no socket %d on station \"%s\"", ref->connector,
		         ref->station);
		j->missing_msg = j->text[7];
		return 0;
	}
	return rc == SQLITE_ROW ? 1 : -1;
}

static int exec_assign(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	const struct socket_list *list = j->data;
	int kind = group_kind(st, j);
	if (kind < 0)
		return kind;
	for (size_t i = 0; i < list->n; i++) {
		int ok = socket_exists(st, j, &list->s[i]);
		if (ok <= 0)
			return ok < 0 ? -1 : CSMS_API_MISSING;
		/* to the Unassigned group: no member row; to another: insert or move from the view's other group */
		sqlite3_stmt *s =
		    kind == 2
		        ? prep(st, "DELETE FROM socket_group_member WHERE view_id = ? AND station_id = ? AND "
		                   "connector_id = ? AND ?4 IS NOT NULL")
		        : prep(st, "INSERT INTO socket_group_member (view_id, station_id, connector_id, group_id) "
		                   "VALUES (?, ?, ?, ?) ON CONFLICT (view_id, station_id, connector_id) "
		                   "DO UPDATE SET group_id = excluded.group_id");
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, j->num[0]);
		sqlite3_bind_text(s, 2, list->s[i].station, -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 3, list->s[i].connector);
		sqlite3_bind_int64(s, 4, j->num[1]);
		if (step_write(s) < 0)
			return -1;
	}
	return 0;
}

/* {"sockets": [{"station": "CP-1", "connector": 1}, ...]} */
static struct socket_list *parse_sockets(struct csms_http_req *r, cJSON *body)
{
	char msg[160];
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "sockets"), *it;
	int n = cJSON_GetArraySize(arr);
	if (!cJSON_IsArray(arr) || n < 1 || n > MAX_SOCKETS) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD,
		               "sockets: must be an array of 1..1000 {\"station\", \"connector\"} objects");
		return NULL;
	}
	struct socket_list *list = calloc(1, sizeof(*list) + (size_t)n * sizeof(list->s[0]));
	if (!list) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		return NULL;
	}
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
				         "sockets[%zu]: must be {\"station\": id, \"connector\": 1..1000}", list->n);
				csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", msg);
			}
			free(list);
			return NULL;
		}
		snprintf(list->s[list->n].station, sizeof(list->s[0].station), "%s", station);
		list->s[list->n++].connector = (int)connector;
	}
	return list;
}

static void post_sockets(struct csms_http_req *r)
{
	int64_t view, group;
	if (!view_and_group(r, &view, &group))
		return;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	struct socket_list *list = parse_sockets(r, body);
	cJSON_Delete(body);
	if (!list)
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "viewId", (double)view);
	cJSON_AddNumberToObject(o, "groupId", (double)group);
	cJSON_AddNumberToObject(o, "assigned", (double)list->n);
	struct csms_api_job *j = csms_api_job(r, exec_assign, 200, o);
	if (!j) {
		free(list);
		return;
	}
	j->num[0] = view;
	j->num[1] = group;
	j->data = list;
	j->missing_msg = "no such group in this socket view";
	csms_store_submit(r->app->store, &j->job);
}

static int exec_unassign(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	struct socket_ref ref;
	sqlite3_stmt *s = prep(st, "SELECT 1 FROM socket_view WHERE id = ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, j->num[0]);
	int rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? CSMS_API_MISSING : -1;
	snprintf(ref.station, sizeof(ref.station), "%.48s", j->text[0]);
	ref.connector = (int)j->num[1];
	int ok = socket_exists(st, j, &ref);
	if (ok <= 0)
		return ok < 0 ? -1 : CSMS_API_MISSING;
	if (!(s = prep(st,
	               "DELETE FROM socket_group_member WHERE view_id = ? AND station_id = ? AND connector_id = ?")))
		return -1;
	sqlite3_bind_int64(s, 1, j->num[0]);
	sqlite3_bind_text(s, 2, j->text[0], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, j->num[1]);
	return step_write(s);
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
	struct csms_api_job *j = csms_api_job(r, exec_unassign, 200, o);
	if (!j)
		return;
	j->num[0] = view;
	j->num[1] = connector;
	snprintf(j->text[0], sizeof(j->text[0]), "%s", r->params[1]);
	j->missing_msg = "no such socket view";
	csms_store_submit(r->app->store, &j->job);
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

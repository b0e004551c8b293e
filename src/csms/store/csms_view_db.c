/* csms_view_db.c — all SQL of socket_view, socket_group and socket_group_member (see csms_view_db.h). */
#include "csms_view_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_clock.h"

const char *const csms_view_db_sorts[] = {"name", "v.name", "created", "v.created", "id", "v.id", NULL};

void csms_view_release(struct csms_view *v)
{
	free(v->groups);
	v->groups = NULL;
	v->n_groups = 0;
}

/* ---- reads ---- */

static const char SQL_VIEW_COLS[] = "v.id, v.name, v.is_default, v.created";

/* The view's columns (0..3) and its groups into v. */
static int view_fill(sqlite3 *db, sqlite3_stmt *st, struct csms_view *v)
{
	sqlite3_stmt *g;
	size_t cap = 0;
	int rc;

	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	csms_db_text(st, 1, v->name, sizeof(v->name));
	v->is_default = sqlite3_column_int(st, 2) != 0;
	v->created = sqlite3_column_int64(st, 3);
	if (!(g = csms_db_prep(db, "SELECT id, name, unassigned FROM socket_group WHERE view_id = ? "
	                           "ORDER BY unassigned DESC, name")))
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(g, 1, v->id);
	while ((rc = sqlite3_step(g)) == SQLITE_ROW) {
		if (v->n_groups == cap) {
			size_t ncap = cap ? cap * 2 : 4;
			struct csms_view_group *n = realloc(v->groups, ncap * sizeof(*n));
			if (!n)
				goto out_error;
			v->groups = n;
			cap = ncap;
		}
		struct csms_view_group *gr = &v->groups[v->n_groups++];
		gr->id = sqlite3_column_int64(g, 0);
		csms_db_text(g, 1, gr->name, sizeof(gr->name));
		gr->unassigned = sqlite3_column_int(g, 2) != 0;
	}
	if (rc != SQLITE_DONE)
		goto out_error;
	sqlite3_finalize(g);
	return 0;
out_error:
	sqlite3_finalize(g);
	csms_view_release(v);
	return CSMS_DB_ERROR;
}

int csms_view_db_get(sqlite3 *db, int64_t id, struct csms_view *out)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT v.id, v.name, v.is_default, v.created FROM socket_view v "
	                                    "WHERE v.id = ?");
	int rc;
	memset(out, 0, sizeof(*out));
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		rc = view_fill(db, st, out);
	else
		rc = rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
	sqlite3_finalize(st);
	return rc;
}

struct list_ctx {
	sqlite3 *db;
	csms_view_db_each_fn *each;
	void *ctx;
};

static int list_row(sqlite3_stmt *st, void *ctx)
{
	struct list_ctx *c = ctx;
	struct csms_view v;
	int rc = view_fill(c->db, st, &v);
	if (rc < 0)
		return rc;
	rc = c->each(&v, c->ctx);
	csms_view_release(&v);
	return rc;
}

int csms_view_db_list(sqlite3 *db, const struct csms_db_page *pg, csms_view_db_each_fn *each, void *ctx,
                      long long *total)
{
	struct list_ctx c = {db, each, ctx};
	return csms_db_list(db, SQL_VIEW_COLS, "socket_view v", "v.id", pg, NULL, NULL, list_row, &c, total);
}

int csms_view_db_sockets(sqlite3 *db, int64_t view_id, csms_view_db_socket_fn *each, void *ctx)
{
	static const char *const sql[] = {
	    /* the sockets in groups */
	    "SELECT m.group_id, m.station_id, m.connector_id, c.description, st.name "
	    "FROM socket_group_member m LEFT JOIN connector c ON c.station_id = m.station_id "
	    "AND c.connector_id = m.connector_id LEFT JOIN station st ON st.id = m.station_id "
	    "WHERE m.view_id = ? ORDER BY m.group_id, m.station_id, m.connector_id",
	    /* the others: Unassigned */
	    "SELECT 0, c.station_id, c.connector_id, c.description, st.name FROM connector c "
	    "LEFT JOIN station st ON st.id = c.station_id WHERE c.connector_id > 0 AND NOT EXISTS "
	    "(SELECT 1 FROM socket_group_member m WHERE m.view_id = ? AND "
	    "m.station_id = c.station_id AND m.connector_id = c.connector_id) "
	    "ORDER BY c.station_id, c.connector_id",
	};
	for (size_t i = 0; i < 2; i++) {
		sqlite3_stmt *s = csms_db_prep(db, sql[i]);
		int rc = 0, step;
		if (!s)
			return CSMS_DB_ERROR;
		sqlite3_bind_int64(s, 1, view_id);
		while ((step = sqlite3_step(s)) == SQLITE_ROW) {
			struct csms_view_socket vs = {
			    .group_id = sqlite3_column_int64(s, 0),
			    .station = (const char *)sqlite3_column_text(s, 1),
			    .connector = sqlite3_column_int(s, 2),
			    .description = (const char *)sqlite3_column_text(s, 3),
			    .station_name = (const char *)sqlite3_column_text(s, 4),
			};
			if ((rc = each(&vs, ctx)) < 0)
				break;
		}
		sqlite3_finalize(s);
		if (rc < 0)
			return rc;
		if (step != SQLITE_DONE)
			return CSMS_DB_ERROR;
	}
	return 0;
}

/* ---- views ---- */

/* Makes view id the default one (exactly one is). */
static int set_default(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE socket_view SET is_default = (id = ?) WHERE is_default != (id = ?)");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, id);
	return csms_db_step_write(s);
}

/* 1 it exists, 0 not, CSMS_DB_ERROR. */
static int view_exists(sqlite3 *db, int64_t id)
{
	return csms_db_exists_id(db, "socket_view", id);
}

int csms_view_db_create(sqlite3 *db, const char *name, bool make_default, int64_t *id)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO socket_view (name, is_default, created) VALUES (?, 0, ?)");
	int64_t defaults = 0;
	int rc;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)wl_wall_ms());
	if ((rc = csms_db_step_write(s)) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	if (!(s = csms_db_prep(db, "INSERT INTO socket_group (view_id, name, unassigned) "
	                           "VALUES (?, '" CSMS_VIEW_UNASSIGNED "', 1)")))
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, *id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	/* the first view is the default */
	if (!(s = csms_db_prep(db, "SELECT count(*) FROM socket_view WHERE is_default = 1")) ||
	    csms_db_step_int(s, &defaults) < 0)
		return CSMS_DB_ERROR;
	return defaults == 0 || make_default ? set_default(db, *id) : 0;
}

int csms_view_db_update(sqlite3 *db, int64_t id, const char *name, int set_default_to)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT is_default FROM socket_view WHERE id = ?");
	int64_t was_default = 0;
	int rc;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if ((rc = csms_db_step_int(s, &was_default)) <= 0)
		return rc < 0 ? CSMS_DB_ERROR : CSMS_DB_MISSING;
	if (name) {
		if (!(s = csms_db_prep(db, "UPDATE socket_view SET name = ? WHERE id = ?")))
			return CSMS_DB_ERROR;
		sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		if ((rc = csms_db_step_write(s)) < 0)
			return rc;
	}
	if (set_default_to == 1)
		return set_default(db, id);
	if (set_default_to == 0 && was_default)
		return CSMS_DB_REFUSED;
	return 0;
}

int csms_view_db_delete(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM socket_view WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	if (!sqlite3_changes(db))
		return CSMS_DB_MISSING;
	/* the default went away: the oldest view left takes its place */
	return csms_db_exec(db, "UPDATE socket_view SET is_default = 1 WHERE id = (SELECT min(id) FROM socket_view) "
	                        "AND NOT EXISTS (SELECT 1 FROM socket_view WHERE is_default = 1)");
}

/* ---- groups ---- */

/* Is group_id in view_id? 1 an ordinary group, 2 the Unassigned group, CSMS_DB_MISSING, CSMS_DB_ERROR. */
static int group_kind(sqlite3 *db, int64_t view_id, int64_t group_id)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT unassigned FROM socket_group WHERE id = ? AND view_id = ?");
	int64_t unassigned = 0;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, group_id);
	sqlite3_bind_int64(s, 2, view_id);
	int rc = csms_db_step_int(s, &unassigned);
	return rc < 0 ? CSMS_DB_ERROR : rc == 0 ? CSMS_DB_MISSING : unassigned ? 2 : 1;
}

int csms_view_db_group_get(sqlite3 *db, int64_t group_id, int64_t *view_id, struct csms_view_group *out)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT view_id, name, unassigned FROM socket_group WHERE id = ?");
	int rc;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, group_id);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*view_id = sqlite3_column_int64(s, 0);
		out->id = group_id;
		csms_db_text(s, 1, out->name, sizeof(out->name));
		out->unassigned = sqlite3_column_int(s, 2) != 0;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

int csms_view_db_group_create(sqlite3 *db, int64_t view_id, const char *name, int64_t *id)
{
	int rc = view_exists(db, view_id);
	if (rc <= 0)
		return rc < 0 ? rc : CSMS_DB_MISSING;
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO socket_group (view_id, name, unassigned) VALUES (?, ?, 0)");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, view_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	if ((rc = csms_db_step_write(s)) < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int csms_view_db_group_rename(sqlite3 *db, int64_t view_id, int64_t group_id, const char *name)
{
	int kind = group_kind(db, view_id, group_id);
	if (kind < 0)
		return kind;
	if (kind == 2)
		return CSMS_DB_REFUSED;
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE socket_group SET name = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, group_id);
	return csms_db_step_write(s);
}

int csms_view_db_group_delete(sqlite3 *db, int64_t view_id, int64_t group_id)
{
	int kind = group_kind(db, view_id, group_id);
	if (kind < 0)
		return kind;
	if (kind == 2)
		return CSMS_DB_REFUSED;
	/* its sockets lose their member rows (ON DELETE CASCADE): they are Unassigned again */
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM socket_group WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, group_id);
	return csms_db_step_write(s);
}

/* ---- sockets in groups ---- */

/* Does the socket exist? 1, 0, CSMS_DB_ERROR. */
static int socket_exists(sqlite3 *db, const struct csms_view_socket_ref *ref)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT 1 FROM connector WHERE station_id = ? AND connector_id = ? AND "
	                                   "connector_id > 0");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, ref->station, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, ref->connector);
	int rc = csms_db_step_int(s, NULL);
	return rc < 0 ? CSMS_DB_ERROR : rc;
}

int csms_view_db_assign(sqlite3 *db, int64_t view_id, int64_t group_id, const struct csms_view_socket_ref *s, size_t n,
                        size_t *missing)
{
	int kind = group_kind(db, view_id, group_id);
	*missing = n;
	if (kind < 0)
		return kind;
	for (size_t i = 0; i < n; i++) {
		int ok = socket_exists(db, &s[i]);
		if (ok <= 0) {
			*missing = i;
			return ok < 0 ? CSMS_DB_ERROR : CSMS_DB_MISSING;
		}
		/* to the Unassigned group: no member row; to another: insert or move from the view's other group */
		sqlite3_stmt *w =
		    kind == 2
		        ? csms_db_prep(db, "DELETE FROM socket_group_member WHERE view_id = ? AND station_id = ? AND "
		                           "connector_id = ? AND ?4 IS NOT NULL")
		        : csms_db_prep(db,
		                       "INSERT INTO socket_group_member (view_id, station_id, connector_id, group_id) "
		                       "VALUES (?, ?, ?, ?) ON CONFLICT (view_id, station_id, connector_id) "
		                       "DO UPDATE SET group_id = excluded.group_id");
		if (!w)
			return CSMS_DB_ERROR;
		sqlite3_bind_int64(w, 1, view_id);
		sqlite3_bind_text(w, 2, s[i].station, -1, SQLITE_STATIC);
		sqlite3_bind_int(w, 3, s[i].connector);
		sqlite3_bind_int64(w, 4, group_id);
		if (csms_db_step_write(w) < 0)
			return CSMS_DB_ERROR;
	}
	return 0;
}

int csms_view_db_unassign(sqlite3 *db, int64_t view_id, const struct csms_view_socket_ref *ref, bool *no_socket)
{
	int rc = view_exists(db, view_id);
	*no_socket = false;
	if (rc <= 0)
		return rc < 0 ? rc : CSMS_DB_MISSING;
	if ((rc = socket_exists(db, ref)) <= 0) {
		*no_socket = rc == 0;
		return rc < 0 ? rc : CSMS_DB_MISSING;
	}
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM socket_group_member WHERE view_id = ? AND station_id = ? AND "
	                                   "connector_id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, view_id);
	sqlite3_bind_text(s, 2, ref->station, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, ref->connector);
	return csms_db_step_write(s);
}

/* ---- a scope of sockets ---- */

int csms_view_db_scope_check(sqlite3 *db, struct csms_view_scope *sc)
{
	int64_t view = 0;
	sc->unassigned = false;
	if (!sc->group) {
		int rc = view_exists(db, sc->view);
		return rc < 0 ? rc : rc ? 0 : CSMS_DB_MISSING;
	}
	struct csms_view_group g;
	int rc = csms_view_db_group_get(db, sc->group, &view, &g);
	if (rc < 0)
		return rc;
	if (view != sc->view)
		return CSMS_DB_REFUSED;
	sc->unassigned = g.unassigned;
	return 0;
}

int csms_view_db_scope_sql(const struct csms_view_scope *sc, const char *alias, char *out, size_t cap)
{
	int n;
	for (const char *a = alias; *a; a++)
		if (!((*a >= 'a' && *a <= 'z') || (*a >= 'A' && *a <= 'Z')))
			return -1;
	if (!sc->group)
		n = snprintf(out, cap, "%s", "");
	else if (sc->unassigned) /* no member row in the view */
		n = snprintf(out, cap,
		             " AND NOT EXISTS (SELECT 1 FROM socket_group_member m WHERE m.view_id = ?8 AND "
		             "m.station_id = %s.station_id AND m.connector_id = %s.connector_id)",
		             alias, alias);
	else
		n = snprintf(out, cap,
		             " AND EXISTS (SELECT 1 FROM socket_group_member m WHERE m.view_id = ?8 AND "
		             "m.group_id = ?9 AND m.station_id = %s.station_id AND m.connector_id = %s.connector_id)",
		             alias, alias);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

void csms_view_db_scope_bind(const struct csms_view_scope *sc, sqlite3_stmt *st)
{
	if (sc->group) {
		sqlite3_bind_int64(st, 8, sc->view);
		if (!sc->unassigned)
			sqlite3_bind_int64(st, 9, sc->group);
	}
}

/* csms_view_db.h — the owner of the socket_view, socket_group and socket_group_member tables: socket
 * views (exactly one is the default), their groups (each view has one "Unassigned sockets" group that
 * cannot be renamed or deleted) and which group of a view each socket is in (none: Unassigned).
 *
 * Writes take the writer's connection (csms_store_db() inside a store job); reads any connection.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_VIEW_DB_H
#define CSMS_VIEW_DB_H

#include <stddef.h>

#include "csms_db.h"

#define CSMS_VIEW_NAME_CAP   401 /* 100 characters of UTF-8 and the NUL */
#define CSMS_VIEW_UNASSIGNED "Unassigned sockets"

struct csms_view_group {
	int64_t id;
	char name[CSMS_VIEW_NAME_CAP];
	bool unassigned;
};

/* A view and its groups (the Unassigned group first, then by name). */
struct csms_view {
	int64_t id;
	char name[CSMS_VIEW_NAME_CAP];
	bool is_default;
	int64_t created; /* ms since the epoch */
	size_t n_groups;
	struct csms_view_group *groups; /* malloc'd: csms_view_release() frees it */
};
void csms_view_release(struct csms_view *v);

/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_view_db_sorts[];

/* The view: 0 (out filled; release it), CSMS_DB_MISSING, CSMS_DB_ERROR. */
int csms_view_db_get(sqlite3 *db, int64_t id, struct csms_view *out);
/* A page of views: each() gets every view of it (released after the call; a negative result stops). */
typedef int csms_view_db_each_fn(const struct csms_view *v, void *ctx);
int csms_view_db_list(sqlite3 *db, const struct csms_db_page *pg, csms_view_db_each_fn *each, void *ctx,
                      long long *total);

/* A socket of a view as the view shows it: its group (0: the Unassigned group), station and connector,
 * the connector's description and the station's name (NULL when unknown). Valid during the call only. */
struct csms_view_socket {
	int64_t group_id;
	const char *station;
	int connector;
	const char *description, *station_name;
};
typedef int csms_view_db_socket_fn(const struct csms_view_socket *s, void *ctx);
/* Every socket of the csms (connector_id > 0) with its group in view id: those of groups ordered by
 * group, station, connector, then the unassigned ones by station, connector. 0 or CSMS_DB_ERROR. */
int csms_view_db_sockets(sqlite3 *db, int64_t view_id, csms_view_db_socket_fn *each, void *ctx);

/* A new view with its Unassigned group; the default if make_default or no view is. *id: the new view.
 * CSMS_DB_EXISTS: the name is taken. */
int csms_view_db_create(sqlite3 *db, const char *name, bool make_default, int64_t *id);
/* Renames (name non-NULL) and/or sets the default flag (set_default: -1 leave, 1 make this the default,
 * 0 not the default). CSMS_DB_MISSING, CSMS_DB_EXISTS (the name), CSMS_DB_REFUSED (0 for the default
 * view: one view is always the default). */
int csms_view_db_update(sqlite3 *db, int64_t id, const char *name, int set_default);
/* Deletes the view and its groups; when it was the default, the oldest view left becomes it.
 * CSMS_DB_MISSING. */
int csms_view_db_delete(sqlite3 *db, int64_t id);

/* Groups of view_id. CSMS_DB_MISSING: no such view (create) / no such group in the view;
 * CSMS_DB_EXISTS: the view has a group of that name; CSMS_DB_REFUSED: the Unassigned group. */
int csms_view_db_group_create(sqlite3 *db, int64_t view_id, const char *name, int64_t *id);
int csms_view_db_group_rename(sqlite3 *db, int64_t view_id, int64_t group_id, const char *name);
/* Its sockets go back to Unassigned. */
int csms_view_db_group_delete(sqlite3 *db, int64_t view_id, int64_t group_id);
/* The group as stored: 0, CSMS_DB_MISSING (any view). */
int csms_view_db_group_get(sqlite3 *db, int64_t group_id, int64_t *view_id, struct csms_view_group *out);

struct csms_view_socket_ref {
	const char *station;
	int connector;
};
/* Puts sockets into group_id of view_id (moving them from another group of the view; to the Unassigned
 * group: out of every group). CSMS_DB_MISSING: *missing = n when the group is not in the view, else the
 * index of the first socket that does not exist (nothing is kept of the job then: run it in a job). */
int csms_view_db_assign(sqlite3 *db, int64_t view_id, int64_t group_id, const struct csms_view_socket_ref *s, size_t n,
                        size_t *missing);
/* Puts a socket back into the view's Unassigned group. CSMS_DB_MISSING: *no_socket false when the view
 * does not exist, true when the socket does not. */
int csms_view_db_unassign(sqlite3 *db, int64_t view_id, const struct csms_view_socket_ref *s, bool *no_socket);

/* ---- a scope of sockets: one group of a view (what the Home page and the transaction search filter by) ---- */

struct csms_view_scope {
	int64_t view, group; /* group 0: the whole view (every socket) */
	bool unassigned;     /* set by csms_view_db_scope_check(): group is the view's Unassigned group */
};
/* Checks a scope (view non-zero): 0, CSMS_DB_MISSING (no such view, or no such group when group is set),
 * CSMS_DB_REFUSED (the group is another view's). */
int csms_view_db_scope_check(sqlite3 *db, struct csms_view_scope *sc);
/* The SQL condition " AND <the socket (alias.station_id, alias.connector_id) is in the scope>" for another
 * owner's query, into out ("" for a whole view: every socket is in every view); it uses the parameters ?8
 * (view) and ?9 (group), bound by csms_view_db_scope_bind(). alias: a table alias, letters only. 0, or -1
 * when out is too small or alias is not letters. */
int csms_view_db_scope_sql(const struct csms_view_scope *sc, const char *alias, char *out, size_t cap);
void csms_view_db_scope_bind(const struct csms_view_scope *sc, sqlite3_stmt *st);

#endif

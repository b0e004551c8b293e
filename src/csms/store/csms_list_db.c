/* csms_list_db.c — all SQL of card_list and card_list_item (see csms_list_db.h). */
#include "csms_list_db.h"

#include <stdio.h>

const char *const csms_list_db_sorts[] = {"name",    "l.name COLLATE NOCASE",
                                          "version", "l.version",
                                          "created", "l.created",
                                          "updated", "l.updated",
                                          "id",      "l.id",
                                          NULL};

static const char SQL_COLS[] =
    "l.id, l.name, l.description, l.version, (SELECT count(*) FROM card_list_item i WHERE i.list_id = l.id), "
    "(SELECT count(*) FROM station s WHERE s.local_list_id = l.id), l.created, l.updated";

static void read_list(sqlite3_stmt *st, struct csms_card_list *l)
{
	l->id = sqlite3_column_int64(st, 0);
	l->name = (const char *)sqlite3_column_text(st, 1);
	l->description = (const char *)sqlite3_column_text(st, 2);
	l->version = sqlite3_column_int64(st, 3);
	l->cards = sqlite3_column_int64(st, 4);
	l->stations = sqlite3_column_int64(st, 5);
	l->created = csms_db_int(st, 6, CSMS_DB_NO_TIME);
	l->updated = csms_db_int(st, 7, CSMS_DB_NO_TIME);
}

struct list_ctx {
	csms_list_db_each_fn *each;
	void *ctx;
};

static int list_row(sqlite3_stmt *st, void *ctx)
{
	struct list_ctx *c = ctx;
	struct csms_card_list l;
	read_list(st, &l);
	return c->each(&l, c->ctx);
}

int csms_list_db_get(sqlite3 *db, int64_t id, csms_list_db_each_fn *each, void *ctx)
{
	struct list_ctx c = {each, ctx};
	return csms_db_get_id(db, SQL_COLS, "card_list l", "l.id", id, list_row, &c);
}

int csms_list_db_exists(sqlite3 *db, int64_t id)
{
	return csms_db_exists_id(db, "card_list", id);
}

int csms_list_db_list(sqlite3 *db, const char *like, const struct csms_db_page *pg, csms_list_db_each_fn *each,
                      void *ctx, long long *total)
{
	struct list_ctx c = {each, ctx};
	return csms_db_list(db, SQL_COLS,
	                    like ? "card_list l WHERE l.name LIKE ?1 ESCAPE '\\' OR l.description LIKE ?1 ESCAPE '\\'"
	                         : "card_list l",
	                    "l.id", pg, like ? csms_db_bind_text1 : NULL, like, list_row, &c, total);
}

int csms_list_db_cards(sqlite3 *db, int64_t list_id, long long limit, csms_list_db_card_fn *each, void *ctx,
                       long long *total)
{
	static const char SQL_ITEMS[] =
	    "SELECT i.id_tag, t.description, t.user_id, u.name, u.surname, count(*) OVER () FROM card_list_item i "
	    "LEFT JOIN id_tag t ON t.id_tag = i.id_tag LEFT JOIN charge_user u ON u.id = t.user_id "
	    "WHERE i.list_id = ?2 ORDER BY i.id_tag LIMIT ?1";
	static const char SQL_DEFAULT[] = "SELECT t.id_tag, t.description, t.user_id, u.name, u.surname, "
	                                  "(SELECT count(*) FROM id_tag) FROM id_tag t "
	                                  "LEFT JOIN charge_user u ON u.id = t.user_id ORDER BY t.id_tag LIMIT ?1";
	sqlite3_stmt *st = csms_db_prep(db, list_id ? SQL_ITEMS : SQL_DEFAULT);
	int rc = 0, step;
	*total = 0;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(st, 1, limit);
	if (list_id)
		sqlite3_bind_int64(st, 2, list_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_list_card c = {
		    .id_tag = (const char *)sqlite3_column_text(st, 0),
		    .description = (const char *)sqlite3_column_text(st, 1),
		    .user_id = csms_db_int(st, 2, 0),
		    .name = (const char *)sqlite3_column_text(st, 3),
		    .surname = (const char *)sqlite3_column_text(st, 4),
		};
		*total = sqlite3_column_int64(st, 5);
		if ((rc = each(&c, ctx)) < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

int csms_list_db_stations(sqlite3 *db, int64_t list_id, csms_list_db_station_fn *each, void *ctx)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT id FROM station WHERE local_list_id = ? ORDER BY id LIMIT 10000");
	int rc = 0, step;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(st, 1, list_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		if ((rc = each((const char *)sqlite3_column_text(st, 0), ctx)) < 0)
			break;
	sqlite3_finalize(st);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

int csms_list_db_held_by(sqlite3 *db, const char *station, struct csms_list_held *out)
{
	sqlite3_stmt *st =
	    csms_db_prep(db, "SELECT s.local_list_id, s.local_list_seq, l.name, l.version FROM station s "
	                     "LEFT JOIN card_list l ON l.id = s.local_list_id WHERE s.id = ?");
	int rc;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(st, 1, station, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->list_id = csms_db_int(st, 0, 0);
		out->seq = sqlite3_column_int64(st, 1);
		csms_db_text(st, 2, out->name, sizeof(out->name));
		out->version = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

/* ---- writes ---- */

/* Adds the registered cards among tags to a list (one may have gone since the request was checked). */
static int insert_items(sqlite3 *db, int64_t id, const csms_list_tag *tags, long n)
{
	if (n <= 0)
		return 0;
	sqlite3_stmt *s = csms_db_prep(db, "INSERT OR IGNORE INTO card_list_item (list_id, id_tag) "
	                                   "SELECT ?, id_tag FROM id_tag WHERE id_tag = ?");
	if (!s)
		return CSMS_DB_ERROR;
	for (long i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, tags[i], -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE) {
			sqlite3_finalize(s);
			return CSMS_DB_ERROR;
		}
	}
	sqlite3_finalize(s);
	return 0;
}

int csms_list_db_insert(sqlite3 *db, const char *name, const char *description, const csms_list_tag *tags, long n,
                        int64_t now, int64_t *id)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO card_list (name, description, version, created, updated) "
	                                   "VALUES (?, ?, 1, ?, ?) ON CONFLICT DO NOTHING");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, description ? description : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, now);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	if (!sqlite3_changes(db))
		return CSMS_DB_EXISTS;
	*id = sqlite3_last_insert_rowid(db);
	return insert_items(db, *id, tags, n);
}

int csms_list_db_update(sqlite3 *db, int64_t id, const struct csms_list_edit *e, int64_t now)
{
	sqlite3_stmt *s;
	if (e->name) {
		if (!(s = csms_db_prep(db, "SELECT 1 FROM card_list WHERE name = ? AND id <> ?")))
			return CSMS_DB_ERROR;
		sqlite3_bind_text(s, 1, e->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		int taken = csms_db_step_int(s, NULL);
		if (taken != 0)
			return taken < 0 ? CSMS_DB_ERROR : CSMS_DB_EXISTS;
	}
	if (!(s = csms_db_prep(db, "UPDATE card_list SET name = coalesce(?, name), description = coalesce(?, "
	                           "description), version = version + 1, updated = ? WHERE id = ?")))
		return CSMS_DB_ERROR;
	if (e->name)
		sqlite3_bind_text(s, 1, e->name, -1, SQLITE_STATIC);
	if (e->description)
		sqlite3_bind_text(s, 2, e->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, id);
	int rc = csms_db_step_write(s);
	if (rc < 0)
		return rc;
	if (!sqlite3_changes(db))
		return CSMS_DB_MISSING;
	if (e->name) { /* the stations holding it show its new name */
		if (!(s = csms_db_prep(db, "UPDATE station SET local_list_name = ? WHERE local_list_id = ?")))
			return CSMS_DB_ERROR;
		sqlite3_bind_text(s, 1, e->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, id);
		if (csms_db_step_write(s) < 0)
			return CSMS_DB_ERROR;
	}
	if (e->replace) {
		if (!(s = csms_db_prep(db, "DELETE FROM card_list_item WHERE list_id = ?")))
			return CSMS_DB_ERROR;
		sqlite3_bind_int64(s, 1, id);
		if (csms_db_step_write(s) < 0 || insert_items(db, id, e->set, e->nset) < 0)
			return CSMS_DB_ERROR;
	}
	if (insert_items(db, id, e->add, e->nadd) < 0)
		return CSMS_DB_ERROR;
	for (long i = 0; i < e->nrem; i++) {
		if (!(s = csms_db_prep(db, "DELETE FROM card_list_item WHERE list_id = ? AND id_tag = ?")))
			return CSMS_DB_ERROR;
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, e->rem[i], -1, SQLITE_STATIC);
		if (csms_db_step_write(s) < 0)
			return CSMS_DB_ERROR;
	}
	return 0;
}

int csms_list_db_delete(sqlite3 *db, int64_t id)
{
	int64_t holders = 0;
	sqlite3_stmt *s = csms_db_prep(db, "SELECT count(*) FROM station WHERE local_list_id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if (csms_db_step_int(s, &holders) != 1)
		return CSMS_DB_ERROR;
	if (holders > 0)
		return CSMS_DB_REFUSED;
	if (!(s = csms_db_prep(db, "DELETE FROM card_list WHERE id = ?")))
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

int csms_list_db_drop_tag(sqlite3 *db, const char *id_tag, int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE card_list SET version = version + 1, updated = ? WHERE id IN "
	                                   "(SELECT list_id FROM card_list_item WHERE id_tag = ?)");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, id_tag, -1, SQLITE_STATIC);
	if (csms_db_step_write(s) < 0 || !(s = csms_db_prep(db, "DELETE FROM card_list_item WHERE id_tag = ?")))
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id_tag, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

int csms_list_db_drop_tags_of_user(sqlite3 *db, int64_t user_id, int64_t now)
{
	sqlite3_stmt *s =
	    csms_db_prep(db, "UPDATE card_list SET version = version + 1, updated = ? WHERE id IN "
	                     "(SELECT i.list_id FROM card_list_item i JOIN id_tag t ON t.id_tag = i.id_tag "
	                     "WHERE t.user_id = ?)");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, user_id);
	if (csms_db_step_write(s) < 0 || !(s = csms_db_prep(db, "DELETE FROM card_list_item WHERE id_tag IN "
	                                                        "(SELECT id_tag FROM id_tag WHERE user_id = ?)")))
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, user_id);
	return csms_db_step_write(s);
}

int csms_list_db_lists_of_tag(sqlite3 *db, const char *id_tag, csms_list_db_name_fn *each, void *ctx)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT l.id, l.name FROM card_list_item i JOIN card_list l ON "
	                                   "l.id = i.list_id WHERE i.id_tag = ? ORDER BY l.name LIMIT 1000");
	int rc = 0, step;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id_tag, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = each(sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1), ctx)) < 0)
			break;
	sqlite3_finalize(s);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

/* csms_card_db.c — all SQL of id_tag (see csms_card_db.h). */
#include "csms_card_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_list_db.h"
#include "csms_store.h"

const char *const csms_card_db_sorts[] = {"idTag",     "t.id_tag",     "description", "t.description COLLATE NOCASE",
                                          "validFrom", "t.valid_from", "expiry",      "t.expiry",
                                          "created",   "t.created",    "user",        "u.surname COLLATE NOCASE",
                                          "blocked",   "t.blocked",    NULL};

static const char SQL_COLS[] =
    "t.id_tag, t.user_id, u.name, u.surname, u.tax_code, t.parent_id_tag, t.description, t.valid_from, t.expiry, "
    "t.blocked, t.created, t.updated, CASE WHEN t.blocked THEN 'blocked' "
    "WHEN t.expiry IS NOT NULL AND t.expiry <= :now THEN 'expired' "
    "WHEN t.valid_from IS NOT NULL AND t.valid_from > :now THEN 'not_yet_valid' ELSE 'active' END";
static const char SQL_FROM[] = "id_tag t LEFT JOIN charge_user u ON u.id = t.user_id";

static void read_card(sqlite3_stmt *st, struct csms_card *c)
{
	c->id_tag = (const char *)sqlite3_column_text(st, 0);
	c->user_id = csms_db_int(st, 1, 0);
	c->user_name = (const char *)sqlite3_column_text(st, 2);
	c->user_surname = (const char *)sqlite3_column_text(st, 3);
	c->user_tax_code = (const char *)sqlite3_column_text(st, 4);
	c->parent_id_tag = (const char *)sqlite3_column_text(st, 5);
	c->description = (const char *)sqlite3_column_text(st, 6);
	c->valid_from = csms_db_int(st, 7, CSMS_DB_NO_TIME);
	c->expiry = csms_db_int(st, 8, CSMS_DB_NO_TIME);
	c->blocked = sqlite3_column_int(st, 9) != 0;
	c->created = csms_db_int(st, 10, CSMS_DB_NO_TIME);
	c->updated = csms_db_int(st, 11, CSMS_DB_NO_TIME);
	c->state = (const char *)sqlite3_column_text(st, 12);
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
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

int csms_card_db_get(sqlite3 *db, const char *id_tag, int64_t now, csms_card_db_each_fn *each, void *ctx)
{
	char sql[900];
	struct csms_card c;
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE t.id_tag = :tag", SQL_COLS, SQL_FROM);
	sqlite3_stmt *st = csms_db_prep(db, sql);
	int rc;
	if (!st)
		return CSMS_DB_ERROR;
	bind_named_text(st, ":tag", id_tag);
	bind_named_int(st, ":now", now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_card(st, &c);
		rc = each(&c, ctx);
	} else {
		rc = rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
	}
	sqlite3_finalize(st);
	return rc;
}

int csms_card_db_exists(sqlite3 *db, const char *id_tag)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT 1 FROM id_tag WHERE id_tag = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id_tag, -1, SQLITE_STATIC);
	int rc = csms_db_step_int(s, NULL);
	return rc < 0 ? CSMS_DB_ERROR : rc;
}

int csms_card_db_is_blocked(sqlite3 *db, const char *id_tag)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT blocked FROM id_tag WHERE id_tag = ?");
	int64_t blocked = 0;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id_tag, -1, SQLITE_STATIC);
	int rc = csms_db_step_int(s, &blocked);
	return rc < 0 ? CSMS_DB_ERROR : rc == 0 ? CSMS_DB_MISSING : blocked != 0;
}

/* The FROM ... WHERE of a filter: fixed fragments, values bound by name. */
static void filter_from(const struct csms_card_filter *f, char *out, size_t outlen)
{
	static const char *const state_sql[] = {
	    [CSMS_CARD_DB_ACTIVE] = ("t.blocked = 0 AND (t.expiry IS NULL OR t.expiry > :now) "
	                             "AND (t.valid_from IS NULL OR t.valid_from <= :now)"),
	    [CSMS_CARD_DB_BLOCKED] = "t.blocked <> 0",
	    [CSMS_CARD_DB_EXPIRED] = "t.blocked = 0 AND t.expiry IS NOT NULL AND t.expiry <= :now",
	    [CSMS_CARD_DB_NOT_YET_VALID] = ("t.blocked = 0 AND (t.expiry IS NULL OR t.expiry > :now) "
	                                    "AND t.valid_from > :now"),
	};
	size_t n = (size_t)snprintf(out, outlen, "%s WHERE 1", SQL_FROM);
	if (f->like && n < outlen)
		n += (size_t)snprintf(out + n, outlen - n, "%s",
		                      " AND (t.id_tag LIKE :q ESCAPE '\\' OR t.description LIKE :q ESCAPE "
		                      "'\\' OR u.name LIKE :q ESCAPE '\\' OR u.surname LIKE :q ESCAPE '\\')");
	if (f->user_id && n < outlen)
		n += (size_t)snprintf(out + n, outlen - n, " AND t.user_id = :user");
	if (f->state >= CSMS_CARD_DB_ACTIVE && f->state <= CSMS_CARD_DB_NOT_YET_VALID && n < outlen)
		snprintf(out + n, outlen - n, " AND %s", state_sql[f->state]);
}

static int filter_bind(sqlite3_stmt *st, const void *args)
{
	const struct csms_card_filter *f = args;
	bind_named_int(st, ":now", f->now);
	if (f->like)
		bind_named_text(st, ":q", f->like);
	if (f->user_id)
		bind_named_int(st, ":user", f->user_id);
	return 0;
}

struct list_ctx {
	csms_card_db_each_fn *each;
	void *ctx;
};

static int list_row(sqlite3_stmt *st, void *ctx)
{
	struct list_ctx *c = ctx;
	struct csms_card card;
	read_card(st, &card);
	return c->each(&card, c->ctx);
}

int csms_card_db_list(sqlite3 *db, const struct csms_card_filter *f, const struct csms_db_page *pg,
                      csms_card_db_each_fn *each, void *ctx, long long *total)
{
	char from[700];
	struct list_ctx c = {each, ctx};
	filter_from(f, from, sizeof(from));
	return csms_db_list(db, SQL_COLS, from, "t.id_tag", pg, filter_bind, f, list_row, &c, total);
}

sqlite3_stmt *csms_card_db_export(sqlite3 *db, const struct csms_card_filter *f)
{
	char from[700], sql[1600];
	filter_from(f, from, sizeof(from));
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY t.id_tag", SQL_COLS, from);
	sqlite3_stmt *st = csms_db_prep(db, sql);
	if (st)
		filter_bind(st, f);
	return st;
}

/* ---- writes ---- */

static void bind_time(sqlite3_stmt *s, int i, int64_t t)
{
	if (t != CSMS_DB_NO_TIME)
		sqlite3_bind_int64(s, i, t);
}

int csms_card_db_insert(sqlite3 *db, const struct csms_card_write *w)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO id_tag (id_tag, user_id, parent_id_tag, description, "
	                                   "valid_from, expiry, blocked, created, updated) "
	                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_tag) DO NOTHING");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, w->id_tag, -1, SQLITE_STATIC);
	if (w->set_user && w->user_id)
		sqlite3_bind_int64(s, 2, w->user_id);
	if (w->set_parent && w->parent_id_tag)
		sqlite3_bind_text(s, 3, w->parent_id_tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, w->set_description && w->description ? w->description : "", -1, SQLITE_STATIC);
	if (w->set_valid_from)
		bind_time(s, 5, w->valid_from);
	if (w->set_expiry)
		bind_time(s, 6, w->expiry);
	sqlite3_bind_int(s, 7, w->set_blocked && w->blocked);
	sqlite3_bind_int64(s, 8, w->now);
	sqlite3_bind_int64(s, 9, w->now);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_EXISTS;
}

int csms_card_db_put(sqlite3 *db, const struct csms_card_write *w)
{
	sqlite3_stmt *s = csms_db_prep(
	    db,
	    "INSERT INTO id_tag (id_tag, parent_id_tag, description, valid_from, expiry, blocked, created) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id_tag) DO UPDATE SET parent_id_tag = excluded.parent_id_tag, "
	    "description = excluded.description, valid_from = excluded.valid_from, expiry = excluded.expiry, "
	    "blocked = excluded.blocked");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, w->id_tag, -1, SQLITE_STATIC);
	if (w->parent_id_tag)
		sqlite3_bind_text(s, 2, w->parent_id_tag, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, w->description ? w->description : "", -1, SQLITE_STATIC);
	bind_time(s, 4, w->valid_from);
	bind_time(s, 5, w->expiry);
	sqlite3_bind_int(s, 6, w->blocked);
	sqlite3_bind_int64(s, 7, w->now);
	return csms_db_step_write(s);
}

int csms_card_db_update(sqlite3 *db, const struct csms_card_write *w)
{
	sqlite3_stmt *s = csms_db_prep(
	    db,
	    "UPDATE id_tag SET user_id = CASE WHEN ?1 THEN ?2 ELSE user_id END, "
	    "parent_id_tag = CASE WHEN ?3 THEN ?4 ELSE parent_id_tag END, "
	    "description = CASE WHEN ?5 THEN ?6 ELSE description END, "
	    "valid_from = CASE WHEN ?7 THEN ?8 ELSE valid_from END, expiry = CASE WHEN ?9 THEN ?10 ELSE expiry END, "
	    "blocked = CASE WHEN ?11 THEN ?12 ELSE blocked END, updated = ?13 WHERE id_tag = ?14");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int(s, 1, w->set_user);
	sqlite3_bind_int64(s, 2, w->user_id);
	sqlite3_bind_int(s, 3, w->set_parent);
	if (w->parent_id_tag)
		sqlite3_bind_text(s, 4, w->parent_id_tag, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 5, w->set_description);
	sqlite3_bind_text(s, 6, w->description ? w->description : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 7, w->set_valid_from);
	bind_time(s, 8, w->valid_from);
	sqlite3_bind_int(s, 9, w->set_expiry);
	bind_time(s, 10, w->expiry);
	sqlite3_bind_int(s, 11, w->set_blocked);
	sqlite3_bind_int(s, 12, w->blocked);
	sqlite3_bind_int64(s, 13, w->now);
	sqlite3_bind_text(s, 14, w->id_tag, -1, SQLITE_STATIC);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

int csms_card_db_delete(sqlite3 *db, const char *id_tag, int64_t now)
{
	if (csms_list_db_drop_tag(db, id_tag, now) < 0)
		return CSMS_DB_ERROR;
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM id_tag WHERE id_tag = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id_tag, -1, SQLITE_STATIC);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

int csms_card_db_count_of_user(sqlite3 *db, int64_t user_id, int64_t *n)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT count(*) FROM id_tag WHERE user_id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, user_id);
	return csms_db_step_int(s, n) == 1 ? 0 : CSMS_DB_ERROR;
}

int csms_card_db_delete_of_user(sqlite3 *db, int64_t user_id, int64_t now)
{
	if (csms_list_db_drop_tags_of_user(db, user_id, now) < 0)
		return CSMS_DB_ERROR;
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM id_tag WHERE user_id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, user_id);
	return csms_db_step_write(s);
}

/* ---- what the local lists of stations are made of ---- */

int csms_card_db_last_change(sqlite3 *db, int64_t *seq)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT coalesce(max(seq), 0) FROM card_change");
	return s && csms_db_step_int(s, seq) == 1 ? 0 : CSMS_DB_ERROR;
}

int csms_card_db_count_valid(sqlite3 *db, int64_t now, int64_t *n)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT count(*) FROM id_tag WHERE valid_from IS NULL OR valid_from <= ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	return csms_db_step_int(s, n) == 1 ? 0 : CSMS_DB_ERROR;
}

int csms_card_db_activate(sqlite3 *db, int64_t from, int64_t to)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO card_change (id_tag, ts) SELECT id_tag, ? FROM id_tag "
	                                   "WHERE valid_from > ? AND valid_from <= ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, to);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	return csms_db_step_write(s);
}

int csms_card_db_entries(sqlite3 *db, const struct csms_card_entries *q, csms_card_db_entry_fn *each, void *ctx)
{
	static const char SQL_DEFAULT[] =
	    "SELECT id_tag, 1, parent_id_tag, valid_from, expiry, blocked FROM id_tag WHERE id_tag > ?1 "
	    "AND (valid_from IS NULL OR valid_from <= ?2) ORDER BY id_tag LIMIT ?3";
	static const char SQL_LIST[] =
	    "SELECT i.id_tag, 1, t.parent_id_tag, t.valid_from, t.expiry, t.blocked FROM card_list_item i "
	    "JOIN id_tag t ON t.id_tag = i.id_tag WHERE i.list_id = ?4 AND i.id_tag > ?1 "
	    "AND (t.valid_from IS NULL OR t.valid_from <= ?2) ORDER BY i.id_tag LIMIT ?3";
	static const char SQL_DIFF[] =
	    "SELECT c.id_tag, t.id_tag IS NOT NULL, t.parent_id_tag, t.valid_from, t.expiry, t.blocked FROM "
	    "(SELECT DISTINCT id_tag FROM card_change WHERE seq > ?5 AND seq <= ?6 AND id_tag > ?1) c "
	    "LEFT JOIN id_tag t ON t.id_tag = c.id_tag ORDER BY c.id_tag LIMIT ?3";
	sqlite3_stmt *s = csms_db_prep(db, q->diff ? SQL_DIFF : q->list_id ? SQL_LIST : SQL_DEFAULT);
	int rc = 0, step;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, q->after ? q->after : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, q->limit);
	if (q->diff) {
		sqlite3_bind_int64(s, 5, q->from_seq);
		sqlite3_bind_int64(s, 6, q->to_seq);
	} else {
		sqlite3_bind_int64(s, 2, q->now);
		if (q->list_id)
			sqlite3_bind_int64(s, 4, q->list_id);
	}
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct csms_card_entry e = {
		    .id_tag = (const char *)sqlite3_column_text(s, 0),
		    .exists = sqlite3_column_int(s, 1) != 0,
		    .parent_id_tag = (const char *)sqlite3_column_text(s, 2),
		    .valid_from = csms_db_int(s, 3, CSMS_DB_NO_TIME),
		    .expiry = csms_db_int(s, 4, CSMS_DB_NO_TIME),
		    .blocked = sqlite3_column_int(s, 5) != 0,
		};
		if ((rc = each(&e, ctx)) < 0)
			break;
	}
	sqlite3_finalize(s);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

/* ---- authorisation ---- */

static const char SQL_LOOKUP[] = "SELECT parent_id_tag, valid_from, expiry, blocked FROM id_tag WHERE id_tag = ?";

int csms_card_db_lookup(struct csms_store *st, const char *id_tag, struct csms_card_auth *out)
{
	sqlite3_stmt *s = csms_store_stmt(st, SQL_LOOKUP);
	memset(out, 0, sizeof(*out));
	out->valid_from = out->expiry = CSMS_DB_NO_TIME;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, id_tag, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return 0; /* unknown card */
	if (rc != SQLITE_ROW)
		return CSMS_DB_ERROR;
	csms_db_text(s, 0, out->parent_id_tag, sizeof(out->parent_id_tag));
	out->valid_from = csms_db_int(s, 1, CSMS_DB_NO_TIME);
	out->expiry = csms_db_int(s, 2, CSMS_DB_NO_TIME);
	out->blocked = sqlite3_column_int(s, 3) != 0;
	return 1;
}

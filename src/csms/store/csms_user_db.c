/* csms_user_db.c — all SQL of charge_user (see csms_user_db.h). */
#include "csms_user_db.h"

#include <stdio.h>

#include "csms_card_db.h"

const char *const csms_user_db_sorts[] = {"surname", "u.surname COLLATE NOCASE",
                                          "name",    "u.name COLLATE NOCASE",
                                          "taxCode", "u.tax_code",
                                          "created", "u.created",
                                          "id",      "u.id",
                                          NULL};

static const char SQL_COLS[] = "u.id, u.name, u.surname, u.tax_code, u.email, u.phone, u.address, u.notes, "
                               "(SELECT count(*) FROM id_tag c WHERE c.user_id = u.id), u.created, u.updated";
static const char SQL_LIKE[] = "charge_user u WHERE u.name LIKE ?1 ESCAPE '\\' OR u.surname LIKE ?1 ESCAPE '\\' OR "
                               "u.tax_code LIKE ?1 ESCAPE '\\'";

static void read_user(sqlite3_stmt *st, struct csms_user *u)
{
	u->id = sqlite3_column_int64(st, 0);
	for (int i = 0; i < CSMS_USER_NFIELDS; i++)
		u->field[i] = (const char *)sqlite3_column_text(st, 1 + i);
	u->cards = sqlite3_column_int64(st, 8);
	u->created = csms_db_int(st, 9, CSMS_DB_NO_TIME);
	u->updated = csms_db_int(st, 10, CSMS_DB_NO_TIME);
}

struct list_ctx {
	csms_user_db_each_fn *each;
	void *ctx;
};

static int list_row(sqlite3_stmt *st, void *ctx)
{
	struct list_ctx *c = ctx;
	struct csms_user u;
	read_user(st, &u);
	return c->each(&u, c->ctx);
}

int csms_user_db_get(sqlite3 *db, int64_t id, csms_user_db_each_fn *each, void *ctx)
{
	struct list_ctx c = {each, ctx};
	return csms_db_get_id(db, SQL_COLS, "charge_user u", "u.id", id, list_row, &c);
}

int csms_user_db_exists(sqlite3 *db, int64_t id)
{
	return csms_db_exists_id(db, "charge_user", id);
}

int csms_user_db_list(sqlite3 *db, const char *like, const struct csms_db_page *pg, csms_user_db_each_fn *each,
                      void *ctx, long long *total)
{
	struct list_ctx c = {each, ctx};
	return csms_db_list(db, SQL_COLS, like ? SQL_LIKE : "charge_user u", "u.id", pg,
	                    like ? csms_db_bind_text1 : NULL, like, list_row, &c, total);
}

sqlite3_stmt *csms_user_db_export(sqlite3 *db, const char *like)
{
	char sql[900];
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s ORDER BY u.surname COLLATE NOCASE, u.name COLLATE NOCASE, u.id",
	         SQL_COLS, like ? SQL_LIKE : "charge_user u");
	sqlite3_stmt *st = csms_db_prep(db, sql);
	if (st && like)
		csms_db_bind_text1(st, like);
	return st;
}

int csms_user_db_insert(sqlite3 *db, const char *const field[CSMS_USER_NFIELDS], int64_t now, int64_t *id)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO charge_user (name, surname, tax_code, email, phone, address, "
	                                   "notes, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!s)
		return CSMS_DB_ERROR;
	for (int i = 0; i < CSMS_USER_NFIELDS; i++)
		sqlite3_bind_text(s, i + 1, field[i] ? field[i] : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, now);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int csms_user_db_update(sqlite3 *db, int64_t id, const char *const field[CSMS_USER_NFIELDS], int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(
	    db, "UPDATE charge_user SET name = coalesce(?, name), surname = coalesce(?, surname), "
	        "tax_code = coalesce(?, tax_code), email = coalesce(?, email), phone = coalesce(?, phone), "
	        "address = coalesce(?, address), notes = coalesce(?, notes), updated = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	for (int i = 0; i < CSMS_USER_NFIELDS; i++)
		if (field[i])
			sqlite3_bind_text(s, i + 1, field[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

int csms_user_db_delete(sqlite3 *db, int64_t id, bool cascade, int64_t now, int64_t *cards_deleted)
{
	int64_t cards = 0;
	*cards_deleted = 0;
	if (csms_card_db_count_of_user(db, id, &cards) < 0)
		return CSMS_DB_ERROR;
	if (cards && !cascade)
		return CSMS_DB_REFUSED;
	if (cards && csms_card_db_delete_of_user(db, id, now) < 0)
		return CSMS_DB_ERROR;
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM charge_user WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	if (!sqlite3_changes(db))
		return CSMS_DB_MISSING;
	*cards_deleted = cards;
	return 0;
}

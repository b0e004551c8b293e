/* csms_backup_db.c — all SQL of backup (see csms_backup_db.h). */
#include "csms_backup_db.h"

const char *const csms_backup_db_sorts[] = {"created", "created", "name", "name", "size", "size", "kind", "kind", NULL};

static int list_row(sqlite3_stmt *st, void *ctx)
{
	void **c = ctx;
	struct csms_backup_row b = {
	    .name = (const char *)sqlite3_column_text(st, 0),
	    .size = sqlite3_column_int64(st, 1),
	    .created = csms_db_int(st, 2, CSMS_DB_NO_TIME),
	    .kind = (const char *)sqlite3_column_text(st, 3),
	    .operator_id = csms_db_int(st, 4, 0),
	    .copied_to = (const char *)sqlite3_column_text(st, 5),
	};
	return ((csms_backup_db_each_fn *)c[0])(&b, c[1]);
}

int csms_backup_db_list(sqlite3 *db, const struct csms_db_page *pg, csms_backup_db_each_fn *each, void *ctx,
                        long long *total)
{
	void *c[] = {(void *)each, ctx};
	return csms_db_list(db, "name, size, created, kind, operator_id, copied_to", "backup", "name", pg, NULL, NULL,
	                    list_row, c, total);
}

/* Calls each() for the first column of every row of a bound statement, then finalizes it. */
static int each_name(sqlite3_stmt *s, csms_backup_db_name_fn *each, void *ctx)
{
	int rc = 0, step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if ((rc = each((const char *)sqlite3_column_text(s, 0), ctx)) < 0)
			break;
	sqlite3_finalize(s);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

int csms_backup_db_names(sqlite3 *db, csms_backup_db_name_fn *each, void *ctx)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT name FROM backup");
	return s ? each_name(s, each, ctx) : CSMS_DB_ERROR;
}

int csms_backup_db_daily_before(sqlite3 *db, int64_t before, csms_backup_db_name_fn *each, void *ctx)
{
	sqlite3_stmt *s =
	    csms_db_prep(db, "SELECT name FROM backup WHERE kind = 'daily' AND created < ? ORDER BY created");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, before);
	return each_name(s, each, ctx);
}

int csms_backup_db_last_daily(sqlite3 *db, int64_t *created)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT max(created) FROM backup WHERE kind = 'daily'");
	int rc;
	if (!s)
		return CSMS_DB_ERROR;
	rc = sqlite3_step(s);
	bool found = rc == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL;
	if (found)
		*created = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc != SQLITE_ROW ? CSMS_DB_ERROR : found ? 0 : CSMS_DB_MISSING;
}

int csms_backup_db_add(sqlite3 *db, const char *name, int64_t size, int64_t created, const char *kind,
                       int64_t operator_id, const char *copied_to)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO backup (name, size, created, kind, operator_id, copied_to) "
	                                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, size);
	sqlite3_bind_int64(s, 3, created);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
	if (operator_id > 0)
		sqlite3_bind_int64(s, 5, operator_id);
	if (copied_to)
		sqlite3_bind_text(s, 6, copied_to, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

int csms_backup_db_copied(sqlite3 *db, const char *name, const char *to)
{
	sqlite3_stmt *s = csms_db_prep(db, "UPDATE backup SET copied_to = ? WHERE name = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

int csms_backup_db_forget(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM backup WHERE name = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return csms_db_step_write(s);
}

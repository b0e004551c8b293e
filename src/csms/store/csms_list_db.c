/* csms_list_db.c — all SQL of card_list and card_list_item (see csms_list_db.h). */
#include "csms_list_db.h"

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

/* csms_firmware_db.c — all SQL of firmware (see csms_firmware_db.h). */
#include "csms_firmware_db.h"

int csms_firmware_db_put(sqlite3 *db, const char *name, int64_t size, const char *md5, int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(db, "INSERT INTO firmware (name, size, md5, uploaded) VALUES (?, ?, ?, ?) "
	                                   "ON CONFLICT (name) DO UPDATE SET size = excluded.size, md5 = excluded.md5, "
	                                   "uploaded = excluded.uploaded");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, size);
	sqlite3_bind_text(s, 3, md5, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	return csms_db_step_write(s);
}

int csms_firmware_db_list(sqlite3 *db, csms_firmware_db_each_fn *each, void *ctx)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT name, size, md5, uploaded FROM firmware ORDER BY name");
	int rc = 0, step;
	if (!st)
		return CSMS_DB_ERROR;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_firmware f = {(const char *)sqlite3_column_text(st, 0),
		                          (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 1),
		                          csms_db_int(st, 3, CSMS_DB_NO_TIME)};
		if ((rc = each(&f, ctx)) < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

int csms_firmware_db_md5(sqlite3 *db, const char *name, char *out, size_t cap)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT md5 FROM firmware WHERE name = ?");
	int rc;
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		csms_db_text(s, 0, out, cap);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

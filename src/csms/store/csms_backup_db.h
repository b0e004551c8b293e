/* csms_backup_db.h — the owner of the backup table: the backups in <data>/backups/ (made, copied,
 * deleted by csms_backup.c and the maintenance API). Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_BACKUP_DB_H
#define CSMS_BACKUP_DB_H

#include "csms_db.h"

struct csms_backup_row {
	const char *name, *kind, *copied_to; /* valid during the callback only; copied_to NULL: not copied */
	int64_t size, created;
	int64_t operator_id; /* 0: none (a daily or found backup) */
};
typedef int csms_backup_db_each_fn(const struct csms_backup_row *b, void *ctx);
typedef int csms_backup_db_name_fn(const char *name, void *ctx);

/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_backup_db_sorts[];
int csms_backup_db_list(sqlite3 *db, const struct csms_db_page *pg, csms_backup_db_each_fn *each, void *ctx,
                        long long *total);
/* Every name; the daily backups made before a time, oldest first. */
int csms_backup_db_names(sqlite3 *db, csms_backup_db_name_fn *each, void *ctx);
int csms_backup_db_daily_before(sqlite3 *db, int64_t before, csms_backup_db_name_fn *each, void *ctx);
/* When the last daily backup was made: 0 (*created), CSMS_DB_MISSING when none was. */
int csms_backup_db_last_daily(sqlite3 *db, int64_t *created);

/* Writer connection. A row for a backup (kept as it is when the name has one); operator_id 0 and
 * copied_to NULL for none. */
int csms_backup_db_add(sqlite3 *db, const char *name, int64_t size, int64_t created, const char *kind,
                       int64_t operator_id, const char *copied_to);
int csms_backup_db_copied(sqlite3 *db, const char *name, const char *to);
int csms_backup_db_forget(sqlite3 *db, const char *name);

#endif

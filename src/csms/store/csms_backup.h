/* csms_backup.h — database backups: a consistent copy made with SQLite's online backup API from a read
 * connection (on the background worker, never on the event loop), checked with integrity_check; the
 * automatic daily backup with its retention; copies to an external folder; and restore, which stages a
 * verified backup as <data>/restore.db for the next start to swap in (crash-safe, keeping the replaced
 * database as a backup).
 *
 * Files live in <data>/backups/ and are named csms-YYYYMMDD-HHMMSS[-N].db (UTC); the `backup` table
 * records them (name, size, created, kind: manual | daily | restore). Messages go to err (bounded). */
#ifndef CSMS_BACKUP_H
#define CSMS_BACKUP_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct csms;

#define CSMS_BACKUP_NAME_MAX 96

/* Is name a backup file name we could have made (csms-[A-Za-z0-9-]+.db, no path)? */
bool csms_backup_name_is_valid(const char *name);
/* "csms-<prefix>YYYYMMDD-HHMMSS.db" for t (UTC); prefix may be "" or e.g. "before-restore-". */
void csms_backup_name_for(time_t t, const char *prefix, char out[CSMS_BACKUP_NAME_MAX]);
/* The local day (YYYYMMDD) of a time in ms, for the daily schedule. */
int csms_backup_local_day(int64_t ms);
/* Should the daily backup run now? (backup_hour >= 0, the local hour has reached it and no daily backup
 * was made today: a csms that was down at that hour catches up at start) */
bool csms_backup_daily_due(int backup_hour, int64_t now_ms, int last_daily_day);

/* Copies db (any connection, e.g. the worker's read-only one) to dir/name: to a temporary file, fsync,
 * PRAGMA integrity_check on the copy, then rename. If dir/name exists, -1, -2... is appended to the name
 * (name is updated). *size gets the file's size. Returns 0 or -1. */
int csms_backup_make(sqlite3 *db, const char *dir, char name[CSMS_BACKUP_NAME_MAX], int64_t *size, char *err,
                     size_t errlen);
/* Is path a sound csms database: integrity_check ok and a schema version in 1..max_version? */
int csms_backup_verify(const char *path, int max_version, char *err, size_t errlen);
/* Copies a file (to a temporary name, fsync, rename, fsync the folder). */
int csms_backup_copy_file(const char *from, const char *to, char *err, size_t errlen);

/* Restore, step 1 (running csms or `csms restore`): verifies the file and stages it as <data>/restore.db. */
int csms_backup_stage_restore(const char *data_dir, const char *file, char *err, size_t errlen);
/* Restore, step 2, before the store opens: if <data>/restore.db exists, checkpoints the current
 * database, keeps it as <data>/backups/csms-before-restore-....db and renames restore.db over csms.db.
 * Each step is a rename or a link, so a crash at any point leaves either the old database (and the staged
 * file: the next start does it again) or the new one. Returns 0 (also when nothing was staged) or -1. */
int csms_backup_apply_restore(const char *data_dir, char *err, size_t errlen);

/* Takes <data>/csms.lock (flock, held until the process exits): one csms per data folder, and `csms
 * restore` can tell whether one runs. Returns 0, 1 when another process holds it, -1 on error. */
int csms_backup_lock_data(const char *data_dir);

/* The running csms: the daily schedule (checked every minute) and the table of backups kept in step
 * with the folder at start. The API's backup jobs go through csms_backup_submit. */
int csms_backup_start(struct csms *app);
void csms_backup_stop(struct csms *app);
/* <data>/backups */
void csms_backup_dir(const struct csms *app, char *out, size_t outlen);

#endif

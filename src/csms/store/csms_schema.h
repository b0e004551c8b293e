/* csms_schema.h — the database schema as an ordered list of migrations; the schema version is SQLite's
 * user_version. A migration is never edited once released: changes are new migrations. */
#ifndef CSMS_SCHEMA_H
#define CSMS_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

/* Brings db to the latest version, each migration in its own transaction. 0, or -1 with err set. */
int csms_schema_migrate(sqlite3 *db, char *err, size_t errlen);
int csms_schema_latest(void);
/* Tests: brings db to version (an older data folder, for the migrations' tests). */
int csms_schema_migrate_to(sqlite3 *db, int version, char *err, size_t errlen);

#endif

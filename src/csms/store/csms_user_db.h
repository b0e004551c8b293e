/* csms_user_db.h — the owner of the charge_user table (the people who charge): get, list, export, create,
 * edit, delete (with their cards, on request).
 *
 * Writes take the writer's connection (csms_store_db() inside a store job); reads any connection.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_USER_DB_H
#define CSMS_USER_DB_H

#include "csms_db.h"

/* The text fields of a charge user, in the order of the table and the export. */
enum csms_user_field {
	CSMS_USER_NAME,
	CSMS_USER_SURNAME,
	CSMS_USER_TAX_CODE,
	CSMS_USER_EMAIL,
	CSMS_USER_PHONE,
	CSMS_USER_ADDRESS,
	CSMS_USER_NOTES,
	CSMS_USER_NFIELDS
};

/* A charge user as read; texts valid during the callback only. */
struct csms_user {
	int64_t id;
	const char *field[CSMS_USER_NFIELDS];
	int64_t cards; /* how many cards they have */
	int64_t created, updated;
};
typedef int csms_user_db_each_fn(const struct csms_user *u, void *ctx);

/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_user_db_sorts[];

/* The user: each() once; CSMS_DB_MISSING. */
int csms_user_db_get(sqlite3 *db, int64_t id, csms_user_db_each_fn *each, void *ctx);
/* 1 the user exists, 0 not, CSMS_DB_ERROR. */
int csms_user_db_exists(sqlite3 *db, int64_t id);
/* like: a LIKE pattern (ESCAPE '\') on name, surname and tax code, or NULL. */
int csms_user_db_list(sqlite3 *db, const char *like, const struct csms_db_page *pg, csms_user_db_each_fn *each,
                      void *ctx, long long *total);
/* Every user of the filter by surname, name, as a statement for csms_export_write(), its columns: id, the
 * fields, cards, created, updated. NULL on error; the caller finalizes it; like must outlive it. */
sqlite3_stmt *csms_user_db_export(sqlite3 *db, const char *like);

/* field[i] NULL: not given (on create: the empty text). *id: the new user. */
int csms_user_db_insert(sqlite3 *db, const char *const field[CSMS_USER_NFIELDS], int64_t now, int64_t *id);
/* Changes the given fields. CSMS_DB_MISSING. */
int csms_user_db_update(sqlite3 *db, int64_t id, const char *const field[CSMS_USER_NFIELDS], int64_t now);
/* Deletes the user; with cascade their cards too (*cards_deleted), else CSMS_DB_REFUSED while they have
 * cards. CSMS_DB_MISSING. */
int csms_user_db_delete(sqlite3 *db, int64_t id, bool cascade, int64_t now, int64_t *cards_deleted);

#endif

/* csms_db.h — what every table module (store/csms_<table>_db.c) shares: its error codes, statements
 * outside the store's cache, and the one paged-list query every list route uses.
 *
 * A table module takes the connection to use: the writer's (csms_store_db() on the store thread, inside
 * a job), the event loop's read-only one (app->rdb) or the background worker's. It never knows HTTP. */
#ifndef CSMS_DB_H
#define CSMS_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Results of the table modules: 0 or one of these (CSMS_STORE_EIO, -5, is the store's). */
enum csms_db_rc {
	CSMS_DB_OK = 0,
	CSMS_DB_ERROR = -1,   /* SQLite failed (logged) */
	CSMS_DB_MISSING = -2, /* no such row */
	CSMS_DB_EXISTS = -3,  /* a unique key (a name, an id) is taken */
	CSMS_DB_REFUSED = -4, /* a rule of the table refuses the change (see the function) */
};
const char *csms_db_strerror(int rc);

/* A statement outside the store's cache, for rare statements and built SQL; NULL (logged) on error.
 * The caller finalizes it. */
sqlite3_stmt *csms_db_prep(sqlite3 *db, const char *sql);
/* Steps a write and finalizes it: 0, CSMS_DB_EXISTS on a uniqueness violation, CSMS_DB_ERROR. */
int csms_db_step_write(sqlite3_stmt *s);
/* Runs one parameterless statement (prepared, stepped, finalized): 0 or CSMS_DB_ERROR. */
int csms_db_exec(sqlite3 *db, const char *sql);
/* Steps a one-row read and finalizes it: 1 a row (its first column in *out, if out), 0 none, -1 error. */
int csms_db_step_int(sqlite3_stmt *s, int64_t *out);

/* ---- the paged list ---- */

/* A page: limit rows after offset, in an order chosen from a module's sort table (never a client's text). */
struct csms_db_page {
	long long limit, offset;
	const char *order; /* an ORDER BY expression list, e.g. "v.name ASC" */
};
/* Binds the parameters of a list's FROM clause (numbered from 1): 0, or -1 to fail the query. */
typedef int csms_db_bind_fn(sqlite3_stmt *st, const void *args);
/* Called for each row; the row's columns are 0..n-1 as listed in cols. */
typedef int csms_db_row_fn(sqlite3_stmt *st, void *ctx);

/* SELECT <cols> FROM <from> ORDER BY <order>, <tiebreak> LIMIT ? OFFSET ?, with the count of every
 * matching row in *total (one statement; counted apart only when the page is past the end). bind (may
 * be NULL) binds from's parameters; row may stop the walk by returning < 0. cols, from and tiebreak
 * are SQL of the table module (string constants). 0, CSMS_DB_ERROR, or row's negative result. */
int csms_db_list(sqlite3 *db, const char *cols, const char *from, const char *tiebreak, const struct csms_db_page *pg,
                 csms_db_bind_fn *bind, const void *args, csms_db_row_fn *row, void *ctx, long long *total);

/* ---- one row by its id ---- */

/* 1 when table has a row with this id, 0 not, CSMS_DB_ERROR. table is a name of the table module (a string
 * constant), never a client's text. */
int csms_db_exists_id(sqlite3 *db, const char *table, int64_t id);
/* SELECT <cols> FROM <from> WHERE <id_col> = id: row's result for the row, CSMS_DB_MISSING when there is none,
 * CSMS_DB_ERROR. cols, from and id_col are SQL of the table module (string constants). */
int csms_db_get_id(sqlite3 *db, const char *cols, const char *from, const char *id_col, int64_t id, csms_db_row_fn *row,
                   void *ctx);
/* A LIKE pattern (ESCAPE '\\') for text: its wildcards and the escape character escaped, then "%" after it, and
 * before it too when anywhere; cut to fit outlen (at least 3). */
void csms_db_like(const char *text, bool anywhere, char *out, size_t outlen);
/* A csms_db_bind_fn that binds ?1 to the text args (e.g. a LIKE pattern or a role name). */
int csms_db_bind_text1(sqlite3_stmt *st, const void *text);

/* A time column that is NULL, in a typed row (times are ms since the epoch). */
#define CSMS_DB_NO_TIME INT64_MIN

/* Column readers: text copied into out (cap bytes, "" for NULL); an integer, or def for NULL. */
void csms_db_text(sqlite3_stmt *st, int col, char *out, size_t cap);
int64_t csms_db_int(sqlite3_stmt *st, int col, int64_t def);

#endif

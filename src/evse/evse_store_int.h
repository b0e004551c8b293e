/* evse_store_int.h — what the store's two files share (evse_store.c: the schema, its migrations and the
 * station's tables; evse_store_group.c: the Master's Local Management System tables). Not for other modules. */
#ifndef EVSE_STORE_INT_H
#define EVSE_STORE_INT_H

#include <sqlite3.h>
#include <stddef.h>

struct evse_store;

#define EVSE_STORE_GROUP_STMTS 32 /* room for evse_store_group.c's prepared statements */

sqlite3 *evse_store__db(struct evse_store *s);
/* Runs a statement that returns no rows: 0 or -1 (logged). */
int evse_store__run(struct evse_store *s, sqlite3_stmt *q);
/* Column col of the current row as text into out (truncated; "" for NULL). */
void evse_store__copy_col(sqlite3_stmt *q, int col, char *out, size_t cap);
/* evse_store_group.c's statement id (prepared by evse_store__group_prepare into the store's table). */
sqlite3_stmt *evse_store__group_stmt(struct evse_store *s, int id);
int evse_store__group_prepare(struct evse_store *s, sqlite3_stmt **st, char *err, size_t errcap);

#endif

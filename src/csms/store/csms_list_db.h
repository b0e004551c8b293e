/* csms_list_db.h — the owner of the card_list and card_list_item tables: named local authorisation lists
 * of cards, each with a version that grows on every change.
 *
 * Writes take the writer's connection (csms_store_db() inside a store job); reads any connection.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_LIST_DB_H
#define CSMS_LIST_DB_H

#include "csms_db.h"

/* Takes a card out of every list holding it; those lists get a new version. */
int csms_list_db_drop_tag(sqlite3 *db, const char *id_tag, int64_t now);
/* The same for every card of a charge user. */
int csms_list_db_drop_tags_of_user(sqlite3 *db, int64_t user_id, int64_t now);

/* The lists holding a card, by name (at most 1000): each(id, name, ctx). 0 or CSMS_DB_ERROR. */
typedef int csms_list_db_name_fn(int64_t id, const char *name, void *ctx);
int csms_list_db_lists_of_tag(sqlite3 *db, const char *id_tag, csms_list_db_name_fn *each, void *ctx);

#endif

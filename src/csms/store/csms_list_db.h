/* csms_list_db.h — the owner of the card_list and card_list_item tables: named local authorisation lists
 * of cards, each with a version that grows on every change.
 *
 * Writes take the writer's connection (csms_store_db() inside a store job); reads any connection.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_LIST_DB_H
#define CSMS_LIST_DB_H

#include "csms_db.h"

#include "wl_idtag.h"

/* A card list as read; texts valid during the callback only. */
struct csms_card_list {
	int64_t id;
	const char *name, *description;
	int64_t version;
	int64_t cards, stations; /* how many cards it has, how many stations hold it */
	int64_t created, updated;
};
typedef int csms_list_db_each_fn(const struct csms_card_list *l, void *ctx);

/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_list_db_sorts[];

int csms_list_db_get(sqlite3 *db, int64_t id, csms_list_db_each_fn *each, void *ctx);
/* 1 the list exists, 0 not, CSMS_DB_ERROR. */
int csms_list_db_exists(sqlite3 *db, int64_t id);
/* like: a LIKE pattern (ESCAPE '\') on name and description, or NULL. */
int csms_list_db_list(sqlite3 *db, const char *like, const struct csms_db_page *pg, csms_list_db_each_fn *each,
                      void *ctx, long long *total);

/* A card of a list, with its description and user (NULL when unknown; user_id 0). */
struct csms_list_card {
	const char *id_tag, *description, *name, *surname;
	int64_t user_id;
};
typedef int csms_list_db_card_fn(const struct csms_list_card *c, void *ctx);
/* The cards of list_id (0: the default list, every card) by id tag, at most limit; *total: all of them. */
int csms_list_db_cards(sqlite3 *db, int64_t list_id, long long limit, csms_list_db_card_fn *each, void *ctx,
                       long long *total);
/* The stations holding list_id, by id (at most 10000). */
typedef int csms_list_db_station_fn(const char *station, void *ctx);
int csms_list_db_stations(sqlite3 *db, int64_t list_id, csms_list_db_station_fn *each, void *ctx);

/* What a station was last sent: a list (list_id, its name and current version) or the default list
 * (list_id 0, seq: the card change it brings the station to). 0, CSMS_DB_MISSING. */
struct csms_list_held {
	int64_t list_id, seq, version;
	char name[401];
};
int csms_list_db_held_by(sqlite3 *db, const char *station, struct csms_list_held *out);

/* ---- writes (writer connection) ---- */

typedef char csms_list_tag[WL_IDTAG_KEY_MAX];
/* A new list (version 1) of the registered cards among tags. CSMS_DB_EXISTS: the name is taken. */
int csms_list_db_insert(sqlite3 *db, const char *name, const char *description, const csms_list_tag *tags, long n,
                        int64_t now, int64_t *id);
/* An edit: the version grows. name, description NULL: unchanged; replace: the cards become set[] (else
 * add[] are added and rem[] removed). A new name reaches the stations holding the list. CSMS_DB_MISSING,
 * CSMS_DB_EXISTS (the name). */
struct csms_list_edit {
	const char *name, *description;
	bool replace;
	const csms_list_tag *set, *add, *rem;
	long nset, nadd, nrem;
};
int csms_list_db_update(sqlite3 *db, int64_t id, const struct csms_list_edit *e, int64_t now);
/* CSMS_DB_MISSING; CSMS_DB_REFUSED while stations hold it. */
int csms_list_db_delete(sqlite3 *db, int64_t id);

/* Takes a card out of every list holding it; those lists get a new version. */
int csms_list_db_drop_tag(sqlite3 *db, const char *id_tag, int64_t now);
/* The same for every card of a charge user. */
int csms_list_db_drop_tags_of_user(sqlite3 *db, int64_t user_id, int64_t now);

/* The lists holding a card, by name (at most 1000): each(id, name, ctx). 0 or CSMS_DB_ERROR. */
typedef int csms_list_db_name_fn(int64_t id, const char *name, void *ctx);
int csms_list_db_lists_of_tag(sqlite3 *db, const char *id_tag, csms_list_db_name_fn *each, void *ctx);

#endif

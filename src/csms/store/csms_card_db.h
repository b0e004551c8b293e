/* csms_card_db.h — the owner of the id_tag table (the cards; their card_change rows are written by the
 * schema's triggers): get, list, export, create, edit, delete. Id tags are given normalised
 * (wl_idtag: upper case, padded with zeros to 14).
 *
 * Writes take the writer's connection (csms_store_db() inside a store job); reads any connection.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_CARD_DB_H
#define CSMS_CARD_DB_H

#include "csms_db.h"
#include "wl_idtag.h"

/* A card as read, with its charge user's names. Texts are valid during the callback only; NULL for
 * NULL. Times are ms since the epoch or CSMS_DB_NO_TIME. */
struct csms_card {
	const char *id_tag;
	int64_t user_id; /* 0: none */
	const char *user_name, *user_surname, *user_tax_code;
	const char *parent_id_tag, *description;
	int64_t valid_from, expiry;
	bool blocked;
	int64_t created, updated;
	const char *state; /* at the time asked: "active" | "blocked" | "expired" | "not_yet_valid" */
};
typedef int csms_card_db_each_fn(const struct csms_card *c, void *ctx);

/* The state filter of lists (the order of enum csms_card_state in csms_cards.h). */
enum csms_card_db_state {
	CSMS_CARD_DB_ANY = -1,
	CSMS_CARD_DB_ACTIVE,
	CSMS_CARD_DB_BLOCKED,
	CSMS_CARD_DB_EXPIRED,
	CSMS_CARD_DB_NOT_YET_VALID
};
struct csms_card_filter {
	const char *like; /* a LIKE pattern (ESCAPE '\') on id tag, description, user name, surname; NULL: any */
	int64_t user_id;  /* 0: any */
	enum csms_card_db_state state;
	int64_t now; /* the time states are judged at */
};

/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_card_db_sorts[];

/* The card id_tag: each() once; CSMS_DB_MISSING. */
int csms_card_db_get(sqlite3 *db, const char *id_tag, int64_t now, csms_card_db_each_fn *each, void *ctx);
/* 1 the card exists, 0 not, CSMS_DB_ERROR. */
int csms_card_db_exists(sqlite3 *db, const char *id_tag);
/* 1 the card is blocked, 0 it is not, CSMS_DB_MISSING (no such card), CSMS_DB_ERROR. */
int csms_card_db_is_blocked(sqlite3 *db, const char *id_tag);
int csms_card_db_list(sqlite3 *db, const struct csms_card_filter *f, const struct csms_db_page *pg,
                      csms_card_db_each_fn *each, void *ctx, long long *total);
/* Every card of the filter by id tag, as a statement for csms_export_write(), its columns in the order
 * of struct csms_card (user id, name, surname, tax code after the id tag; state last). NULL on error. The
 * caller finalizes it; f->like must live as long as it. */
sqlite3_stmt *csms_card_db_export(sqlite3 *db, const struct csms_card_filter *f);

/* What to write: the fields whose set_ flag is true (on create: every field; unset ones get defaults). */
struct csms_card_write {
	const char *id_tag;
	bool set_user, set_parent, set_description, set_valid_from, set_expiry, set_blocked;
	int64_t user_id;
	const char *parent_id_tag;  /* NULL: none */
	const char *description;    /* NULL: "" */
	int64_t valid_from, expiry; /* CSMS_DB_NO_TIME: none */
	bool blocked;
	int64_t now;
};
/* CSMS_DB_EXISTS: a card with this id tag exists. */
int csms_card_db_insert(sqlite3 *db, const struct csms_card_write *w);
/* Creates or replaces the card's parent, description, dates and blocked flag (its user stays): the
 * scripting route PUT /idtags. */
int csms_card_db_put(sqlite3 *db, const struct csms_card_write *w);
/* CSMS_DB_MISSING. */
int csms_card_db_update(sqlite3 *db, const struct csms_card_write *w);
/* Deletes the card; it leaves every card list (csms_list_db). CSMS_DB_MISSING. */
int csms_card_db_delete(sqlite3 *db, const char *id_tag, int64_t now);
/* The number of cards of a charge user (*n), and deleting them all (leaving their lists). */
int csms_card_db_count_of_user(sqlite3 *db, int64_t user_id, int64_t *n);
int csms_card_db_delete_of_user(sqlite3 *db, int64_t user_id, int64_t now);

/* ---- authorisation (Authorize, StartTransaction, StopTransaction) ---- */

struct csms_store;
/* What a card's authorisation depends on. */
struct csms_card_auth {
	char parent_id_tag[WL_IDTAG_KEY_MAX]; /* "" when none */
	int64_t valid_from, expiry;           /* CSMS_DB_NO_TIME: none */
	bool blocked;
};
/* Store thread (through the store's statement cache): 1 found (out filled), 0 unknown, CSMS_DB_ERROR. */
int csms_card_db_lookup(struct csms_store *st, const char *id_tag, struct csms_card_auth *out);

/* ---- what the local lists of stations are made of (csms_sync) ---- */

/* The last card_change seq (0: none yet) into *seq. */
int csms_card_db_last_change(sqlite3 *db, int64_t *seq);
/* How many cards a Full default list holds at time now (those active from now or before). */
int csms_card_db_count_valid(sqlite3 *db, int64_t now, int64_t *n);
/* Cards whose activation date passed in (from, to] become card changes (stamped to). Writer connection. */
int csms_card_db_activate(sqlite3 *db, int64_t from, int64_t to);

/* A local list entry: a card as a list holds it (exists false: it was deleted). Texts valid during the
 * callback only; times ms or CSMS_DB_NO_TIME. */
struct csms_card_entry {
	const char *id_tag, *parent_id_tag;
	bool exists, blocked;
	int64_t valid_from, expiry;
};
typedef int csms_card_db_entry_fn(const struct csms_card_entry *e, void *ctx);
/* Which entries, by id tag after `after`, at most limit: the cards changed in (from_seq, to_seq] (diff),
 * else those of list_id (0: every card) active at time now. */
struct csms_card_entries {
	bool diff;
	int64_t from_seq, to_seq;
	int64_t list_id;
	int64_t now;
	const char *after;
	long limit;
};
int csms_card_db_entries(sqlite3 *db, const struct csms_card_entries *q, csms_card_db_entry_fn *each, void *ctx);

#endif

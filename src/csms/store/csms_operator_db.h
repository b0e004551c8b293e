/* csms_operator_db.h — the owner of the operator, session and api_token tables: operators' accounts
 * (the password as an Argon2id hash, made by the caller), browser sessions and API tokens (kept only as
 * hashes of the secrets), and who a credential belongs to.
 *
 * Writes take the writer's connection (csms_store_db() inside a store job); reads any connection.
 * Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_OPERATOR_DB_H
#define CSMS_OPERATOR_DB_H

#include "csms_db.h"

/* An operator as read; texts valid during the callback only. Times: ms or CSMS_DB_NO_TIME. */
struct csms_operator_row {
	int64_t id;
	const char *username, *name, *surname, *email, *phone, *language, *role;
	int64_t created, updated, last_login;
	bool must_change_password;
};
typedef int csms_operator_db_each_fn(const struct csms_operator_row *o, void *ctx);

/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_operator_db_sorts[];

int csms_operator_db_get(sqlite3 *db, int64_t id, csms_operator_db_each_fn *each, void *ctx);
/* role: only operators of this role name, or NULL for all. */
int csms_operator_db_list(sqlite3 *db, const char *role, const struct csms_db_page *pg, csms_operator_db_each_fn *each,
                          void *ctx, long long *total);
/* The number of operators, or -1. */
long csms_operator_db_count(sqlite3 *db);
/* The role name of an operator into out: 0, CSMS_DB_MISSING. */
int csms_operator_db_role(sqlite3 *db, int64_t id, char *out, size_t cap);
/* What a login needs: the id, the stored hash and language of a username. 0, CSMS_DB_MISSING. */
int csms_operator_db_login(sqlite3 *db, const char *username, int64_t *id, char *hash, size_t hash_cap, char *language,
                           size_t language_cap);
/* The stored password hash of an operator. 0, CSMS_DB_MISSING. */
int csms_operator_db_password_hash(sqlite3 *db, int64_t id, char *hash, size_t cap);

/* A new operator (every text given; role a role name). only_first: the first-start setup, refused with
 * CSMS_DB_REFUSED once any operator exists. CSMS_DB_EXISTS: the username is taken. */
struct csms_operator_new {
	const char *username, *name, *surname, *email, *phone, *language, *role, *password_hash;
};
int csms_operator_db_insert(sqlite3 *db, const struct csms_operator_new *o, bool only_first, int64_t now, int64_t *id);

/* The editable texts, in this order; NULL: unchanged. */
enum csms_operator_text {
	CSMS_OPERATOR_NAME,
	CSMS_OPERATOR_SURNAME,
	CSMS_OPERATOR_EMAIL,
	CSMS_OPERATOR_PHONE,
	CSMS_OPERATOR_LANGUAGE,
	CSMS_OPERATOR_ROLE,
	CSMS_OPERATOR_NTEXT
};
/* CSMS_DB_MISSING; CSMS_DB_REFUSED when the change leaves no Administrator (run it in a job: nothing is
 * kept then). */
int csms_operator_db_update(sqlite3 *db, int64_t id, const char *const text[CSMS_OPERATOR_NTEXT], int64_t now);
/* CSMS_DB_MISSING; CSMS_DB_REFUSED: the last Administrator (run it in a job). */
int csms_operator_db_delete(sqlite3 *db, int64_t id);
/* A new password hash; must_change: it must be changed at the next login. CSMS_DB_MISSING. */
int csms_operator_db_set_password(sqlite3 *db, int64_t id, const char *hash, bool must_change, int64_t now);

/* ---- sessions and API tokens ---- */

/* Who a credential belongs to. */
struct csms_operator_auth {
	int64_t operator_id;
	char username[65], role[32], language[8];
	bool must_change_password;
	char csrf[65];    /* a session's CSRF token */
	int64_t token_id; /* an API token's id */
};
/* The live session with this token hash at time now: 0 (out filled), CSMS_DB_MISSING (unknown or expired). */
int csms_operator_db_session(sqlite3 *db, const char *token_hash, int64_t now, struct csms_operator_auth *out);
/* The unrevoked API token with this hash: 0, CSMS_DB_MISSING. */
int csms_operator_db_token(sqlite3 *db, const char *token_hash, struct csms_operator_auth *out);
/* Still valid? 1 yes, 0 no (ended, expired, revoked), CSMS_DB_ERROR. */
int csms_operator_db_session_is_live(sqlite3 *db, const char *token_hash, int64_t now);
int csms_operator_db_token_is_live(sqlite3 *db, int64_t token_id);

/* A new session (the expired ones of everybody are deleted first); the operator's last login and
 * language are set. */
int csms_operator_db_session_start(sqlite3 *db, const char *token_hash, int64_t operator_id, const char *csrf,
                                   const char *address, const char *language, int64_t now, int64_t expires);
int csms_operator_db_session_end(sqlite3 *db, const char *token_hash);
/* A password changed or reset: ends the operator's sessions except keep_session (a token hash, or NULL)
 * and revokes all their API tokens. */
int csms_operator_db_end_credentials(sqlite3 *db, int64_t operator_id, const char *keep_session, int64_t now);

/* An operator's API tokens by id: texts valid during the callback only. */
struct csms_api_token_row {
	int64_t id;
	const char *name, *prefix;
	int64_t created, last_used, revoked;
};
typedef int csms_operator_db_token_fn(const struct csms_api_token_row *t, void *ctx);
int csms_operator_db_tokens(sqlite3 *db, int64_t operator_id, csms_operator_db_token_fn *each, void *ctx);
int csms_operator_db_token_insert(sqlite3 *db, int64_t operator_id, const char *name, const char *token_hash,
                                  const char *prefix, int64_t now, int64_t *id);
/* Revokes one of the operator's tokens (again: kept as it was). CSMS_DB_MISSING. */
int csms_operator_db_token_revoke(sqlite3 *db, int64_t id, int64_t operator_id, int64_t now);

#endif

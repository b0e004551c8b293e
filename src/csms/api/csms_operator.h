/* csms_operator.h — operators' credentials: Argon2id password hashes (libsodium crypto_pwhash_str),
 * random session and API tokens kept only as hashes, and who a cookie or bearer token belongs to.
 *
 * Hashing and verifying a password takes tens of milliseconds and 64 MiB on purpose: call those two on
 * the background worker (csms_bg), never on the event loop. The lookups use the loop's read connection. */
#ifndef CSMS_OPERATOR_H
#define CSMS_OPERATOR_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms.h"

#define CSMS_OPERATOR_HASH_LEN crypto_pwhash_STRBYTES /* 128 */
#define CSMS_OPERATOR_PW_MIN   10
#define CSMS_OPERATOR_PW_MAX   128
#define CSMS_TOKEN_LEN         64 /* hex characters of a session or API token */
#define CSMS_SESSION_COOKIE    "wl_session"

/* The three roles of the MMS manual, as bits so a route can allow several. */
enum csms_role {
	CSMS_ROLE_ADMIN = 1,   /* Administrator: everything */
	CSMS_ROLE_MANAGER = 2, /* Local Manager */
	CSMS_ROLE_TECH = 4,    /* Maintenance Technician */
};
#define CSMS_ROLES_ALL (CSMS_ROLE_ADMIN | CSMS_ROLE_MANAGER | CSMS_ROLE_TECH)
#define CSMS_ROLE_AM   (CSMS_ROLE_ADMIN | CSMS_ROLE_MANAGER)
#define CSMS_ROLE_AT   (CSMS_ROLE_ADMIN | CSMS_ROLE_TECH)
#define CSMS_PUBLIC    0x100u /* no login needed */

/* "administrator" | "local_manager" | "maintenance_technician" <-> one role bit (0: unknown). */
const char *csms_role_name(unsigned role);
unsigned csms_role_parse(const char *name);

/* Who is asking. Filled by csms_api_route() before the handler runs. */
struct csms_principal {
	int64_t operator_id; /* 0: the local admin token (the command line) */
	unsigned role;       /* one CSMS_ROLE_* bit; 0: nobody logged in */
	char username[65];
	char language[8];
	bool by_cookie;         /* a browser session: state changes need its CSRF token */
	char session_hash[65];  /* the session's key (hash of the cookie), when by_cookie */
	char csrf[65];          /* the session's CSRF token, when by_cookie */
	int64_t token_id;       /* the API token used, or 0 */
	bool presented_invalid; /* a cookie or token was sent but is unknown, expired or revoked */

	/* reset by a manager and not yet changed: only CSMS_ROUTE_PW_CHANGE_OK routes */
	bool must_change_password;
};

/* Is pw acceptable for this username? 10..128 characters, not the username. why: the reason if not. */
bool csms_operator_password_ok(const char *pw, const char *username, char *why, size_t whylen);
/* Argon2id hash of pw (worker thread). 0 or -1. */
int csms_operator_hash(const char *pw, char out[CSMS_OPERATOR_HASH_LEN]);
/* Checks pw against a stored hash (worker thread); a NULL hash still costs one verification. */
bool csms_operator_verify(const char *stored, const char *pw);

/* A new random token (hex, NUL-terminated) and its hash as stored (BLAKE2b-256 hex). */
void csms_token_new(char token[CSMS_TOKEN_LEN + 1], char hash[65]);
void csms_token_hash(const char *token, char hash[65]);

/* Fills who from a session cookie value or a bearer token, reading r->app->rdb. Returns 0 when the
 * credential is valid, -1 when it is unknown, expired or revoked (who->presented_invalid set). */
int csms_principal_from_cookie(struct csms *app, const char *token, struct csms_principal *who);
int csms_principal_from_bearer(struct csms *app, const char *token, struct csms_principal *who);

/* Is the credential who was made from still valid: the session not ended or expired, the API token not
 * revoked (the local admin token always is)? For requests that outlive their start (the live stream).
 * Reads app->rdb. */
bool csms_principal_still_valid(struct csms *app, const struct csms_principal *who);

/* A password changed or reset (store thread, inside the job's transaction): ends the operator's sessions
 * except keep_session (a session token hash, or NULL for none) and revokes all their API tokens.
 * 0 or -1. */
struct csms_store;
int csms_operator_end_credentials(struct csms_store *st, int64_t operator_id, const char *keep_session);

/* Number of operators (the loop's read connection); -1 on error. */
long csms_operator_count(struct csms *app);

/* The first-start setup code: created (and logged, and written to <data>/setup-code) when no operator
 * exists; burnt when the first Administrator is created. */
int csms_setup_code_init(struct csms *app);
bool csms_setup_code_check(struct csms *app, const char *code);
void csms_setup_code_burn(struct csms *app);

/* Is lang one of the languages of the interface ("en", "it")? */
bool csms_language_is_valid(const char *lang);

#endif

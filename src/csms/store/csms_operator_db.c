/* csms_operator_db.c — all SQL of operator, session and api_token (see csms_operator_db.h). */
#include "csms_operator_db.h"

#include <stdio.h>

const char *const csms_operator_db_sorts[] = {"username", "username", "surname", "surname", "role",
                                              "role",     "created",  "created", NULL};

static const char SQL_COLS[] = "id, username, name, surname, email, phone, language, role, created, "
                               "updated, last_login, must_change_password";

static void read_operator(sqlite3_stmt *st, struct csms_operator_row *o)
{
	o->id = sqlite3_column_int64(st, 0);
	o->username = (const char *)sqlite3_column_text(st, 1);
	o->name = (const char *)sqlite3_column_text(st, 2);
	o->surname = (const char *)sqlite3_column_text(st, 3);
	o->email = (const char *)sqlite3_column_text(st, 4);
	o->phone = (const char *)sqlite3_column_text(st, 5);
	o->language = (const char *)sqlite3_column_text(st, 6);
	o->role = (const char *)sqlite3_column_text(st, 7);
	o->created = csms_db_int(st, 8, CSMS_DB_NO_TIME);
	o->updated = csms_db_int(st, 9, CSMS_DB_NO_TIME);
	o->last_login = csms_db_int(st, 10, CSMS_DB_NO_TIME);
	o->must_change_password = sqlite3_column_int(st, 11) != 0;
}

struct list_ctx {
	csms_operator_db_each_fn *each;
	void *ctx;
};

static int list_row(sqlite3_stmt *st, void *ctx)
{
	struct list_ctx *c = ctx;
	struct csms_operator_row o;
	read_operator(st, &o);
	return c->each(&o, c->ctx);
}

int csms_operator_db_get(sqlite3 *db, int64_t id, csms_operator_db_each_fn *each, void *ctx)
{
	struct list_ctx c = {each, ctx};
	return csms_db_get_id(db, SQL_COLS, "operator", "id", id, list_row, &c);
}

int csms_operator_db_list(sqlite3 *db, const char *role, const struct csms_db_page *pg, csms_operator_db_each_fn *each,
                          void *ctx, long long *total)
{
	struct list_ctx c = {each, ctx};
	return csms_db_list(db, SQL_COLS, role ? "operator WHERE role = ?1" : "operator", "id", pg,
	                    role ? csms_db_bind_text1 : NULL, role, list_row, &c, total);
}

long csms_operator_db_count(sqlite3 *db)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT count(*) FROM operator");
	int64_t n = -1;
	if (!s || csms_db_step_int(s, &n) != 1)
		return -1;
	return (long)n;
}

/* One row of texts by an id or a name: 0, CSMS_DB_MISSING, CSMS_DB_ERROR; cols copied into the outs. */
static int read_texts(sqlite3_stmt *s, char **out, const size_t *cap, int n, int64_t *id)
{
	int rc;
	if (!s)
		return CSMS_DB_ERROR;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int col = 0;
		if (id)
			*id = sqlite3_column_int64(s, col++);
		for (int i = 0; i < n; i++, col++)
			csms_db_text(s, col, out[i], cap[i]);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

int csms_operator_db_role(sqlite3 *db, int64_t id, char *out, size_t cap)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT role FROM operator WHERE id = ?");
	if (s)
		sqlite3_bind_int64(s, 1, id);
	return read_texts(s, &out, &cap, 1, NULL);
}

int csms_operator_db_login(sqlite3 *db, const char *username, int64_t *id, char *hash, size_t hash_cap, char *language,
                           size_t language_cap)
{
	char *out[] = {hash, language};
	size_t cap[] = {hash_cap, language_cap};
	sqlite3_stmt *s = csms_db_prep(db, "SELECT id, password_hash, language FROM operator WHERE username = ?");
	if (s)
		sqlite3_bind_text(s, 1, username, -1, SQLITE_STATIC);
	return read_texts(s, out, cap, 2, id);
}

int csms_operator_db_password_hash(sqlite3 *db, int64_t id, char *hash, size_t cap)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT password_hash FROM operator WHERE id = ?");
	if (s)
		sqlite3_bind_int64(s, 1, id);
	return read_texts(s, &hash, &cap, 1, NULL);
}

int csms_operator_db_insert(sqlite3 *db, const struct csms_operator_new *o, bool only_first, int64_t now, int64_t *id)
{
	const char *v[] = {o->username, o->name,     o->surname, o->email,
	                   o->phone,    o->language, o->role,    o->password_hash};
	if (only_first) { /* two setups at once: only the first one counts */
		long n = csms_operator_db_count(db);
		if (n < 0)
			return CSMS_DB_ERROR;
		if (n > 0)
			return CSMS_DB_REFUSED;
	}
	sqlite3_stmt *s =
	    csms_db_prep(db, "INSERT INTO operator (username, name, surname, email, phone, language, role, "
	                     "password_hash, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	                     "ON CONFLICT (username) DO NOTHING");
	if (!s)
		return CSMS_DB_ERROR;
	for (int i = 0; i < 8; i++)
		sqlite3_bind_text(s, i + 1, v[i] ? v[i] : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 9, now);
	sqlite3_bind_int64(s, 10, now);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	if (!sqlite3_changes(db))
		return CSMS_DB_EXISTS;
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

/* CSMS_DB_REFUSED when no Administrator is left, else 0. */
static int an_admin_is_left(sqlite3 *db)
{
	int64_t n = 0;
	sqlite3_stmt *s = csms_db_prep(db, "SELECT count(*) FROM operator WHERE role = 'administrator'");
	if (!s || csms_db_step_int(s, &n) != 1)
		return CSMS_DB_ERROR;
	return n == 0 ? CSMS_DB_REFUSED : 0;
}

int csms_operator_db_update(sqlite3 *db, int64_t id, const char *const text[CSMS_OPERATOR_NTEXT], int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(
	    db, "UPDATE operator SET name = coalesce(?, name), surname = coalesce(?, surname), "
	        "email = coalesce(?, email), phone = coalesce(?, phone), language = coalesce(?, language), "
	        "role = coalesce(?, role), updated = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	for (int i = 0; i < CSMS_OPERATOR_NTEXT; i++)
		if (text[i])
			sqlite3_bind_text(s, i + 1, text[i], -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, now);
	sqlite3_bind_int64(s, 8, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	if (!sqlite3_changes(db))
		return CSMS_DB_MISSING;
	return text[CSMS_OPERATOR_ROLE] ? an_admin_is_left(db) : 0; /* the last Administrator stays one */
}

int csms_operator_db_delete(sqlite3 *db, int64_t id)
{
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM operator WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	if (!sqlite3_changes(db))
		return CSMS_DB_MISSING;
	return an_admin_is_left(db);
}

int csms_operator_db_set_password(sqlite3 *db, int64_t id, const char *hash, bool must_change, int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(
	    db, "UPDATE operator SET password_hash = ?, must_change_password = ?, updated = ? WHERE id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, must_change);
	sqlite3_bind_int64(s, 3, now);
	sqlite3_bind_int64(s, 4, id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

/* ---- sessions and API tokens ---- */

static void read_auth(sqlite3_stmt *st, struct csms_operator_auth *out)
{
	out->operator_id = sqlite3_column_int64(st, 0);
	csms_db_text(st, 1, out->username, sizeof(out->username));
	csms_db_text(st, 2, out->role, sizeof(out->role));
	csms_db_text(st, 3, out->language, sizeof(out->language));
	out->must_change_password = sqlite3_column_int(st, 4) != 0;
}

int csms_operator_db_session(sqlite3 *db, const char *token_hash, int64_t now, struct csms_operator_auth *out)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT o.id, o.username, o.role, o.language, o.must_change_password, "
	                                    "s.csrf FROM session s JOIN operator o ON o.id = s.operator_id "
	                                    "WHERE s.token_hash = ? AND s.expires > ?");
	int rc;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_auth(st, out);
		csms_db_text(st, 5, out->csrf, sizeof(out->csrf));
		out->token_id = 0;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

int csms_operator_db_token(sqlite3 *db, const char *token_hash, struct csms_operator_auth *out)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT o.id, o.username, o.role, o.language, o.must_change_password, t.id "
	                                    "FROM api_token t JOIN operator o ON o.id = t.operator_id "
	                                    "WHERE t.token_hash = ? AND t.revoked IS NULL");
	int rc;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_auth(st, out);
		out->csrf[0] = 0;
		out->token_id = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? CSMS_DB_MISSING : CSMS_DB_ERROR;
}

int csms_operator_db_session_is_live(sqlite3 *db, const char *token_hash, int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT 1 FROM session WHERE token_hash = ? AND expires > ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	int rc = csms_db_step_int(s, NULL);
	return rc < 0 ? CSMS_DB_ERROR : rc;
}

int csms_operator_db_token_is_live(sqlite3 *db, int64_t token_id)
{
	sqlite3_stmt *s = csms_db_prep(db, "SELECT 1 FROM api_token WHERE id = ? AND revoked IS NULL");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, token_id);
	int rc = csms_db_step_int(s, NULL);
	return rc < 0 ? CSMS_DB_ERROR : rc;
}

int csms_operator_db_session_start(sqlite3 *db, const char *token_hash, int64_t operator_id, const char *csrf,
                                   const char *address, const char *language, int64_t now, int64_t expires)
{
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM session WHERE expires < ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	if (csms_db_step_write(s) < 0 ||
	    !(s = csms_db_prep(db, "INSERT INTO session (token_hash, operator_id, csrf, created, expires, address) "
	                           "VALUES (?, ?, ?, ?, ?, ?)")))
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, operator_id);
	sqlite3_bind_text(s, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_int64(s, 5, expires);
	sqlite3_bind_text(s, 6, address, -1, SQLITE_STATIC);
	if (csms_db_step_write(s) < 0 ||
	    !(s = csms_db_prep(db, "UPDATE operator SET last_login = ?, language = ? WHERE id = ?")))
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, language, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, operator_id);
	return csms_db_step_write(s) < 0 ? CSMS_DB_ERROR : 0;
}

int csms_operator_db_session_end(sqlite3 *db, const char *token_hash)
{
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM session WHERE token_hash = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
	return csms_db_step_write(s) < 0 ? CSMS_DB_ERROR : 0;
}

int csms_operator_db_end_credentials(sqlite3 *db, int64_t operator_id, const char *keep_session, int64_t now)
{
	sqlite3_stmt *s = csms_db_prep(db, "DELETE FROM session WHERE operator_id = ? AND token_hash IS NOT ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, operator_id);
	if (keep_session && keep_session[0])
		sqlite3_bind_text(s, 2, keep_session, -1, SQLITE_STATIC);
	/* scripts' tokens were made under the old password: whoever knew it may hold one */
	if (csms_db_step_write(s) < 0 ||
	    !(s = csms_db_prep(db, "UPDATE api_token SET revoked = ? WHERE operator_id = ? AND revoked IS NULL")))
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, operator_id);
	return csms_db_step_write(s) < 0 ? CSMS_DB_ERROR : 0;
}

int csms_operator_db_tokens(sqlite3 *db, int64_t operator_id, csms_operator_db_token_fn *each, void *ctx)
{
	sqlite3_stmt *st = csms_db_prep(db, "SELECT id, name, prefix, created, last_used, revoked FROM api_token "
	                                    "WHERE operator_id = ? ORDER BY id");
	int rc = 0, step;
	if (!st)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(st, 1, operator_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct csms_api_token_row t = {
		    .id = sqlite3_column_int64(st, 0),
		    .name = (const char *)sqlite3_column_text(st, 1),
		    .prefix = (const char *)sqlite3_column_text(st, 2),
		    .created = csms_db_int(st, 3, CSMS_DB_NO_TIME),
		    .last_used = csms_db_int(st, 4, CSMS_DB_NO_TIME),
		    .revoked = csms_db_int(st, 5, CSMS_DB_NO_TIME),
		};
		if ((rc = each(&t, ctx)) < 0)
			break;
	}
	sqlite3_finalize(st);
	return rc < 0 ? rc : step == SQLITE_DONE ? 0 : CSMS_DB_ERROR;
}

int csms_operator_db_token_insert(sqlite3 *db, int64_t operator_id, const char *name, const char *token_hash,
                                  const char *prefix, int64_t now, int64_t *id)
{
	sqlite3_stmt *s = csms_db_prep(
	    db, "INSERT INTO api_token (operator_id, name, token_hash, prefix, created) VALUES (?, ?, ?, ?, ?)");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, operator_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	int rc = csms_db_step_write(s);
	if (rc < 0)
		return rc;
	*id = sqlite3_last_insert_rowid(db);
	return 0;
}

int csms_operator_db_token_revoke(sqlite3 *db, int64_t id, int64_t operator_id, int64_t now)
{
	sqlite3_stmt *s =
	    csms_db_prep(db, "UPDATE api_token SET revoked = coalesce(revoked, ?) WHERE id = ? AND operator_id = ?");
	if (!s)
		return CSMS_DB_ERROR;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	sqlite3_bind_int64(s, 3, operator_id);
	if (csms_db_step_write(s) < 0)
		return CSMS_DB_ERROR;
	return sqlite3_changes(db) ? 0 : CSMS_DB_MISSING;
}

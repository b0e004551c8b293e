/* csms_operator.c — operator password hashes, tokens, session and API-token lookups, the setup code. */
#include "csms_operator.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csms_store.h"
#include "wl_clock.h"
#include "wl_log.h"

static const struct {
	unsigned role;
	const char *name;
} role_names[] = {
    {CSMS_ROLE_ADMIN, "administrator"},
    {CSMS_ROLE_MANAGER, "local_manager"},
    {CSMS_ROLE_TECH, "maintenance_technician"},
};

const char *csms_role_name(unsigned role)
{
	for (size_t i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (role_names[i].role == role)
			return role_names[i].name;
	return "none";
}

unsigned csms_role_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(role_names[i].name, name) == 0)
			return role_names[i].role;
	return 0;
}

bool csms_operator_password_ok(const char *pw, const char *username, char *why, size_t whylen)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	if (n < CSMS_OPERATOR_PW_MIN || n > CSMS_OPERATOR_PW_MAX) {
		snprintf(why, whylen, "a password is %d..%d characters", CSMS_OPERATOR_PW_MIN, CSMS_OPERATOR_PW_MAX);
		return false;
	}
	if (username && strcasecmp(pw, username) == 0) {
		snprintf(why, whylen, "the password must not be the username");
		return false;
	}
	return true;
}

int csms_operator_hash(const char *pw, char out[CSMS_OPERATOR_HASH_LEN])
{
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                         crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
	           ? 0
	           : -1;
}

bool csms_operator_verify(const char *stored, const char *pw)
{
	static char dummy[CSMS_OPERATOR_HASH_LEN];
	if (!stored) {
		/* the same work for an unknown username, so usernames cannot be probed by timing */
		if (!dummy[0] && csms_operator_hash("wattline-no-such-operator", dummy) < 0)
			return false;
		int same = crypto_pwhash_str_verify(dummy, pw, strlen(pw));
		(void)same;
		return false;
	}
	return crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
}

void csms_token_hash(const char *token, char hash[65])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hash, 65, h, sizeof(h));
}

void csms_token_new(char token[CSMS_TOKEN_LEN + 1], char hash[65])
{
	unsigned char raw[CSMS_TOKEN_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, CSMS_TOKEN_LEN + 1, raw, sizeof(raw));
	csms_token_hash(token, hash);
}

static bool token_shape_ok(const char *token)
{
	size_t n = strlen(token);
	if (n != CSMS_TOKEN_LEN)
		return false;
	for (; *token; token++)
		if (!((*token >= '0' && *token <= '9') || (*token >= 'a' && *token <= 'f')))
			return false;
	return true;
}

static void fill(struct csms_principal *who, sqlite3_stmt *st, int col)
{
	who->operator_id = sqlite3_column_int64(st, col);
	snprintf(who->username, sizeof(who->username), "%s", (const char *)sqlite3_column_text(st, col + 1));
	who->role = csms_role_parse((const char *)sqlite3_column_text(st, col + 2));
	snprintf(who->language, sizeof(who->language), "%s", (const char *)sqlite3_column_text(st, col + 3));
	who->must_change_password = sqlite3_column_int(st, col + 4) != 0;
}

int csms_principal_from_cookie(struct csms *app, const char *token, struct csms_principal *who)
{
	char hash[65];
	sqlite3_stmt *st;
	int rc = -1;
	who->presented_invalid = true;
	if (!token_shape_ok(token))
		return -1;
	csms_token_hash(token, hash);
	if (sqlite3_prepare_v2(app->rdb,
	                       "SELECT o.id, o.username, o.role, o.language, o.must_change_password, s.csrf, s.expires "
	                       "FROM session s "
	                       "JOIN operator o ON o.id = s.operator_id WHERE s.token_hash = ?",
	                       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 6) > (int64_t)wl_wall_ms()) {
		fill(who, st, 0);
		snprintf(who->csrf, sizeof(who->csrf), "%s", (const char *)sqlite3_column_text(st, 5));
		snprintf(who->session_hash, sizeof(who->session_hash), "%s", hash);
		who->by_cookie = true;
		who->presented_invalid = false;
		rc = who->role ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int csms_principal_from_bearer(struct csms *app, const char *token, struct csms_principal *who)
{
	char hash[65];
	sqlite3_stmt *st;
	int rc = -1;
	who->presented_invalid = true;
	if (!token_shape_ok(token))
		return -1;
	csms_token_hash(token, hash);
	if (sqlite3_prepare_v2(
	        app->rdb,
	        "SELECT o.id, o.username, o.role, o.language, o.must_change_password, t.id FROM api_token t "
	        "JOIN operator o ON o.id = t.operator_id WHERE t.token_hash = ? AND t.revoked IS NULL",
	        -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fill(who, st, 0);
		who->token_id = sqlite3_column_int64(st, 5);
		who->presented_invalid = false;
		rc = who->role ? 0 : -1;
	}
	sqlite3_finalize(st);
	return rc;
}

bool csms_principal_still_valid(struct csms *app, const struct csms_principal *who)
{
	sqlite3_stmt *st;
	bool valid = false;
	int rc;

	if (who->by_cookie)
		rc = sqlite3_prepare_v2(app->rdb, "SELECT 1 FROM session WHERE token_hash = ? AND expires > ?", -1, &st,
		                        NULL);
	else if (who->token_id)
		rc = sqlite3_prepare_v2(app->rdb, "SELECT 1 FROM api_token WHERE id = ? AND revoked IS NULL", -1, &st,
		                        NULL);
	else
		return who->operator_id == 0 && who->role != 0; /* the local admin token */
	if (rc != SQLITE_OK)
		return false;
	if (who->by_cookie) {
		sqlite3_bind_text(st, 1, who->session_hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)wl_wall_ms());
	} else {
		sqlite3_bind_int64(st, 1, who->token_id);
	}
	valid = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return valid;
}

int csms_operator_end_credentials(struct csms_store *st, int64_t operator_id, const char *keep_session)
{
	sqlite3_stmt *s = csms_store_stmt(st, "DELETE FROM session WHERE operator_id = ? AND token_hash IS NOT ?");
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, operator_id);
	if (keep_session && keep_session[0])
		sqlite3_bind_text(s, 2, keep_session, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		return -1;
	/* scripts' tokens were made under the old password: whoever knew it may hold one */
	if (!(s = csms_store_stmt(st, "UPDATE api_token SET revoked = ? WHERE operator_id = ? AND revoked IS NULL")))
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)wl_wall_ms());
	sqlite3_bind_int64(s, 2, operator_id);
	return sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
}

long csms_operator_count(struct csms *app)
{
	sqlite3_stmt *st;
	long n = -1;
	if (sqlite3_prepare_v2(app->rdb, "SELECT count(*) FROM operator", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void setup_path(struct csms *app, char *out, size_t n)
{
	snprintf(out, n, "%s/setup-code", app->cfg.data_dir);
}

int csms_setup_code_init(struct csms *app)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */
	char path[300], code[sizeof(app->setup_code)];
	app->setup_code[0] = '\0';
	if (csms_operator_count(app) != 0)
		return 0;
	setup_path(app, path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (f) { /* keep the code of an earlier start that was not used */
		if (fgets(code, sizeof(code), f))
			code[strcspn(code, "\r\n")] = '\0';
		fclose(f);
		if (strlen(code) == 14)
			memcpy(app->setup_code, code, sizeof(code));
	}
	if (!app->setup_code[0]) {
		for (int i = 0; i < 14; i++)
			code[i] = i == 4 || i == 9 ? '-' : alphabet[randombytes_uniform(32)];
		code[14] = '\0';
		memcpy(app->setup_code, code, sizeof(code));
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, code, 14) != 14 || write(fd, "\n", 1) != 1)
			WL_WARN("csms", "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	WL_INFO("csms",
	        "no operator yet: open http://localhost:%d/ and create the first Administrator with the setup "
	        "code %s (also in %s), or run: csms create-admin --data %s USERNAME",
	        app->cfg.port, app->setup_code, path, app->cfg.data_dir);
	return 0;
}

bool csms_setup_code_check(struct csms *app, const char *code)
{
	size_t n = strlen(app->setup_code);
	return n && code && strlen(code) == n && sodium_memcmp(code, app->setup_code, n) == 0;
}

void csms_setup_code_burn(struct csms *app)
{
	char path[300];
	sodium_memzero(app->setup_code, sizeof(app->setup_code));
	setup_path(app, path, sizeof(path));
	unlink(path);
}

/* csms_operator.c — operator password hashes, tokens, session and API-token lookups, the setup code. */
#include "csms_operator.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "csms_operator_db.h"
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

static void fill(struct csms_principal *who, const struct csms_operator_auth *a)
{
	who->operator_id = a->operator_id;
	snprintf(who->username, sizeof(who->username), "%s", a->username);
	who->role = csms_role_parse(a->role);
	snprintf(who->language, sizeof(who->language), "%s", a->language);
	who->must_change_password = a->must_change_password;
}

int csms_principal_from_cookie(struct csms *app, const char *token, struct csms_principal *who)
{
	char hash[65];
	struct csms_operator_auth a;
	who->presented_invalid = true;
	if (!token_shape_ok(token))
		return -1;
	csms_token_hash(token, hash);
	if (csms_operator_db_session(app->rdb, hash, (int64_t)wl_wall_ms(), &a) < 0)
		return -1;
	fill(who, &a);
	snprintf(who->csrf, sizeof(who->csrf), "%s", a.csrf);
	snprintf(who->session_hash, sizeof(who->session_hash), "%s", hash);
	who->by_cookie = true;
	who->presented_invalid = false;
	return who->role ? 0 : -1;
}

int csms_principal_from_bearer(struct csms *app, const char *token, struct csms_principal *who)
{
	char hash[65];
	struct csms_operator_auth a;
	who->presented_invalid = true;
	if (!token_shape_ok(token))
		return -1;
	csms_token_hash(token, hash);
	if (csms_operator_db_token(app->rdb, hash, &a) < 0)
		return -1;
	fill(who, &a);
	who->token_id = a.token_id;
	who->presented_invalid = false;
	return who->role ? 0 : -1;
}

bool csms_principal_still_valid(struct csms *app, const struct csms_principal *who)
{
	if (who->by_cookie)
		return csms_operator_db_session_is_live(app->rdb, who->session_hash, (int64_t)wl_wall_ms()) == 1;
	if (who->token_id)
		return csms_operator_db_token_is_live(app->rdb, who->token_id) == 1;
	return who->operator_id == 0 && who->role != 0; /* the local admin token */
}

int csms_operator_end_credentials(struct csms_store *st, int64_t operator_id, const char *keep_session)
{
	return csms_operator_db_end_credentials(csms_store_db(st), operator_id, keep_session, (int64_t)wl_wall_ms()) < 0
	           ? -1
	           : 0;
}

long csms_operator_count(struct csms *app)
{
	return csms_operator_db_count(app->rdb);
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

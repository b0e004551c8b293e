/* csms_api_auth.c — logging in and out, the first Administrator (setup code), one's own profile and
 * password, and API tokens for scripts. Password hashes are computed on the background worker. */
#include "csms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csms_operator.h"
#include "csms_operator_db.h"
#include "wl_clock.h"
#include "wl_log.h"

#define LANGS "en, it"

bool csms_language_is_valid(const char *lang)
{
	static const char *const langs[] = {"en", "it"};
	for (size_t i = 0; lang && i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strcmp(lang, langs[i]) == 0)
			return true;
	return false;
}

/* The two throttle keys of a login: the account (case-insensitive) and the address. */
struct login_keys {
	char account[100], address[100];
};

static void login_keys(const char *addr, const char *username, struct login_keys *k)
{
	size_t i;
	snprintf(k->account, sizeof(k->account), "op:");
	for (i = 0; username[i] && i + 4 < sizeof(k->account); i++) {
		char c = username[i];
		k->account[3 + i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	k->account[3 + i] = '\0';
	char key[64];
	csms_throttle_addr_key(addr, key, sizeof(key)); /* an IPv6 host counts by its /64 */
	snprintf(k->address, sizeof(k->address), "ip:%s", key);
}

static bool keys_blocked(struct csms *app, const struct login_keys *k)
{
	uint64_t now = wl_mono_ms();
	return csms_throttle_is_blocked(app->login_throttle, k->account, now) ||
	       csms_throttle_is_blocked(app->login_throttle, k->address, now);
}

static void respond_throttled(struct csms_http_req *r)
{
	csms_http_fail(r, CSMS_ERR_TOO_MANY_ATTEMPTS,
	               "too many failed logins for this account or from this address: wait 15 minutes");
}

static bool throttled(struct csms_http_req *r, const char *username)
{
	struct login_keys k;
	login_keys(r->addr, username, &k);
	if (keys_blocked(r->app, &k)) {
		respond_throttled(r);
		return true;
	}
	return false;
}

static void warn_if_locked(struct csms *app, const struct login_keys *k, const char *username, const char *addr)
{
	uint64_t now = wl_mono_ms();
	if (csms_throttle_is_blocked(app->login_throttle, k->account, now))
		WL_WARN("auth", "login: account \"%s\" locked for 15 minutes after repeated failures (last from %s)",
		        username, addr);
	else if (csms_throttle_is_blocked(app->login_throttle, k->address, now))
		WL_WARN("auth", "login: address %s locked for 15 minutes after repeated failures", addr);
}

/* A password check about to run on the worker: counted against the limit until attempt_end. */
static void attempt_begin(struct csms *app, const struct login_keys *k)
{
	uint64_t now = wl_mono_ms();
	csms_throttle_begin(app->login_throttle, k->account, now);
	csms_throttle_begin(app->login_throttle, k->address, now);
}

static void attempt_end(struct csms *app, const struct login_keys *k, bool failed, const char *username,
                        const char *addr)
{
	uint64_t now = wl_mono_ms();
	csms_throttle_end(app->login_throttle, k->account, failed, now);
	csms_throttle_end(app->login_throttle, k->address, failed, now);
	if (failed)
		warn_if_locked(app, k, username, addr);
}

static void add_text(cJSON *o, const char *name, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, name, v);
	else
		cJSON_AddNullToObject(o, name);
}

static int profile_json(const struct csms_operator_row *op, void *out)
{
	cJSON *o = out;
	cJSON_AddNumberToObject(o, "id", (double)op->id);
	add_text(o, "username", op->username);
	add_text(o, "name", op->name);
	add_text(o, "surname", op->surname);
	add_text(o, "email", op->email);
	add_text(o, "phone", op->phone);
	add_text(o, "language", op->language);
	add_text(o, "role", op->role);
	csms_api_add_ms(o, "lastLogin", op->last_login);
	/* after an Administrator's reset: the UI leads to Change Password */
	cJSON_AddBoolToObject(o, "mustChangePassword", op->must_change_password);
	return 0;
}

/* The operator's profile (+ csrfToken when by session) as JSON, from the read connection. */
static cJSON *me_json(struct csms_http_req *r, int64_t id, const char *csrf)
{
	cJSON *o = cJSON_CreateObject();
	if (id == 0) { /* the local admin token */
		cJSON_AddNumberToObject(o, "id", 0);
		cJSON_AddStringToObject(o, "username", r->who.username);
		cJSON_AddStringToObject(o, "role", "administrator");
		cJSON_AddStringToObject(o, "language", "en");
		return o;
	}
	csms_operator_db_get(r->app->rdb, id, profile_json, o);
	if (csrf)
		cJSON_AddStringToObject(o, "csrfToken", csrf);
	return o;
}

/* ---- login ---- */

struct login_job {
	struct csms_api_bg base;
	struct csms *app;
	struct login_keys keys; /* counted in flight from submit to done, whether or not the client waits */
	char address[64];
	char username[65], password[CSMS_OPERATOR_PW_MAX * 4 + 1], language[8];
	bool ok;
	int64_t operator_id;
	char stored_language[8];
};

static int exec_login(struct csms_bg_job *bg, sqlite3 *db)
{
	struct login_job *j = (struct login_job *)bg;
	char hash[CSMS_OPERATOR_HASH_LEN] = "";
	int rc = -1;
	if (!db)
		goto out;
	if (csms_operator_db_login(db, j->username, &j->operator_id, hash, sizeof(hash), j->stored_language,
	                           sizeof(j->stored_language)) == CSMS_DB_ERROR)
		goto out;
	j->ok = csms_operator_verify(hash[0] ? hash : NULL, j->password);
	rc = 0;
out: /* the password is never kept past this job, whatever the database said */
	sodium_memzero(j->password, sizeof(j->password));
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

struct session_job {
	struct csms_api_job base;
	int64_t operator_id;
	int64_t life; /* ms */
	char token_hash[65], csrf[CSMS_TOKEN_LEN + 1], address[64], language[8];
};

static int exec_session(struct csms_store *st, struct csms_job *job)
{
	struct session_job *j = (struct session_job *)job;
	int64_t now = (int64_t)wl_wall_ms();
	return csms_api_db_rc(csms_operator_db_session_start(csms_store_db(st), j->token_hash, j->operator_id, j->csrf,
	                                                     j->address, j->language, now, now + j->life));
}

static void after_session(struct csms_api_job *job)
{
	struct session_job *j = (struct session_job *)job;
	/* the profile is read after the commit, so it shows the language just chosen */
	if (job->req) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, "operator", me_json(job->req, j->operator_id, NULL));
		cJSON_AddStringToObject(o, "csrfToken", j->csrf);
		cJSON_Delete(job->reply);
		job->reply = o;
	}
}

/* Starts a session for an operator: the cookie is set when the answer goes out. */
static void start_session(struct csms_http_req *r, int64_t operator_id, const char *language)
{
	char token[CSMS_TOKEN_LEN + 1], hash[65], csrf[CSMS_TOKEN_LEN + 1], csrf_hash[65];
	int64_t life = (int64_t)r->app->cfg.session_hours * 3600 * 1000;
	csms_token_new(token, hash);
	csms_token_new(csrf, csrf_hash);
	snprintf(r->set_cookie, sizeof(r->set_cookie), "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
	         CSMS_SESSION_COOKIE, token, (long long)(life / 1000), r->app->cfg.tls_cert[0] ? "; Secure" : "");
	sodium_memzero(token, sizeof(token));
	struct session_job *j = csms_api_job_sized(r, sizeof(*j), exec_session, 200, NULL);
	if (!j)
		return;
	snprintf(j->token_hash, sizeof(j->token_hash), "%s", hash);
	snprintf(j->csrf, sizeof(j->csrf), "%s", csrf);
	snprintf(j->address, sizeof(j->address), "%s", r->addr);
	snprintf(j->language, sizeof(j->language), "%s", language);
	j->operator_id = operator_id;
	j->life = life;
	j->base.after = after_session;
	csms_store_submit(r->app->store, &j->base.job);
}

static void done_login(struct csms_bg_job *bg)
{
	struct login_job *j = (struct login_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&j->base);
	struct csms *app = j->app;
	attempt_end(app, &j->keys, bg->rc == 0 && !j->ok, j->username, j->address);
	if (r) {
		if (bg->rc < 0) {
			csms_http_fail(r, CSMS_ERR_STORAGE, "cannot read the operators");
		} else if (!j->ok) {
			csms_http_fail(r, CSMS_ERR_BAD_CREDENTIALS, "wrong username or password");
		} else if (keys_blocked(app, &j->keys)) {
			/* locked while this hash ran (parallel failures): the right password is refused too */
			WL_WARN("auth", "login: \"%s\" from %s refused: the account or address was locked meanwhile",
			        j->username, j->address);
			respond_throttled(r);
		} else {
			WL_INFO("auth", "login: \"%s\" from %s", j->username, r->addr);
			start_session(r, j->operator_id, j->language[0] ? j->language : j->stored_language);
		}
	}
	free(j);
}

static void post_login(struct csms_http_req *r)
{
	bool bad = false;
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *user = csms_api_str(r, body, "username", true, 64, &bad);
	const char *pw = csms_api_str(r, body, "password", true, CSMS_OPERATOR_PW_MAX, &bad);
	const char *lang = csms_api_str(r, body, "language", false, 7, &bad);
	if (!bad && lang && !csms_language_is_valid(lang)) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", "language: must be one of " LANGS);
		bad = true;
	}
	if (!bad && !throttled(r, user)) {
		struct login_job *j = calloc(1, sizeof(*j));
		if (!j) {
			csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		} else {
			snprintf(j->username, sizeof(j->username), "%s", user);
			snprintf(j->password, sizeof(j->password), "%s", pw);
			snprintf(j->language, sizeof(j->language), "%s", lang ? lang : "");
			snprintf(j->address, sizeof(j->address), "%s", r->addr);
			j->app = r->app;
			login_keys(r->addr, user, &j->keys);
			attempt_begin(r->app, &j->keys);
			csms_api_bg_submit(r, &j->base, exec_login, done_login);
		}
	}
	cJSON_Delete(body);
}

/* ---- logout, profile ---- */

struct logout_job {
	struct csms_api_job base;
	char session_hash[65];
};

static int exec_logout(struct csms_store *st, struct csms_job *job)
{
	struct logout_job *j = (struct logout_job *)job;
	return csms_api_db_rc(csms_operator_db_session_end(csms_store_db(st), j->session_hash));
}

static void post_logout(struct csms_http_req *r)
{
	snprintf(r->set_cookie, sizeof(r->set_cookie), "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
	         CSMS_SESSION_COOKIE, r->app->cfg.tls_cert[0] ? "; Secure" : "");
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "loggedOut", 1);
	if (!r->who.by_cookie) {
		csms_http_respond_json(r, 200, o); /* a token is revoked with DELETE /auth/tokens/{id} */
		return;
	}
	struct logout_job *j = csms_api_job_sized(r, sizeof(*j), exec_logout, 200, o);
	if (j) {
		snprintf(j->session_hash, sizeof(j->session_hash), "%s", r->who.session_hash);
		csms_store_submit(r->app->store, &j->base.job);
	}
}

static void get_me(struct csms_http_req *r)
{
	csms_http_respond_json(r, 200, me_json(r, r->who.operator_id, r->who.by_cookie ? r->who.csrf : NULL));
}

/* An operator's own profile: the texts given (NULL: unchanged; never the role). */
struct profile_job {
	struct csms_api_job base;
	int64_t operator_id;
	const char *text[CSMS_OPERATOR_NTEXT];
	char buf[CSMS_OPERATOR_NTEXT][1017]; /* 254 characters of UTF-8 at most */
};

static int exec_profile(struct csms_store *st, struct csms_job *job)
{
	struct profile_job *j = (struct profile_job *)job;
	return csms_api_db_rc(
	    csms_operator_db_update(csms_store_db(st), j->operator_id, j->text, (int64_t)wl_wall_ms()));
}

static void after_profile(struct csms_api_job *job)
{
	struct profile_job *j = (struct profile_job *)job;
	if (job->req) {
		cJSON_Delete(job->reply);
		job->reply = me_json(job->req, j->operator_id, job->req->who.by_cookie ? job->req->who.csrf : NULL);
	}
}

static void put_me(struct csms_http_req *r)
{
	static const char *const fields[] = {"name", "surname", "email", "phone", "language"};
	static const size_t max[] = {100, 100, 254, 40, 7};
	const char *v[5];
	bool bad = false;
	if (r->who.operator_id == 0) {
		csms_http_fail(r, CSMS_ERR_NO_OPERATOR, "the local admin token has no profile");
		return;
	}
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	for (int i = 0; i < 5; i++)
		v[i] = csms_api_str(r, body, fields[i], false, max[i], &bad);
	if (!bad && v[4] && !csms_language_is_valid(v[4])) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "%s", "language: must be one of " LANGS);
		bad = true;
	}
	if (!bad && v[2] && !strchr(v[2], '@')) {
		csms_http_fail(r, CSMS_ERR_BAD_FIELD, "email: is not an e-mail address");
		bad = true;
	}
	if (!bad) {
		struct profile_job *j = csms_api_job_sized(r, sizeof(*j), exec_profile, 200, NULL);
		if (j) {
			for (int i = 0; i < 5; i++) /* the fields are in the order of enum csms_operator_text */
				if (v[i]) {
					snprintf(j->buf[i], sizeof(j->buf[i]), "%s", v[i]);
					j->text[i] = j->buf[i];
				}
			j->operator_id = r->who.operator_id;
			j->base.after = after_profile;
			csms_store_submit(r->app->store, &j->base.job);
		}
	}
	cJSON_Delete(body);
}

/* ---- change one's own password: current + new + confirm ---- */

struct password_job {
	struct csms_api_bg base;
	struct csms *app;
	struct login_keys keys; /* the current password's check counts as a login attempt while it runs */
	char username[65], address[64];
	int64_t operator_id;
	char session_hash[65];
	char current[CSMS_OPERATOR_PW_MAX * 4 + 1], fresh[CSMS_OPERATOR_PW_MAX * 4 + 1];
	char hash[CSMS_OPERATOR_HASH_LEN];
	bool current_ok;
};

static int exec_password_check(struct csms_bg_job *bg, sqlite3 *db)
{
	struct password_job *j = (struct password_job *)bg;
	char stored[CSMS_OPERATOR_HASH_LEN] = "";
	if (!db || csms_operator_db_password_hash(db, j->operator_id, stored, sizeof(stored)) == CSMS_DB_ERROR)
		return -1;
	j->current_ok = csms_operator_verify(stored[0] ? stored : NULL, j->current);
	int rc = j->current_ok ? csms_operator_hash(j->fresh, j->hash) : 0;
	sodium_memzero(j->current, sizeof(j->current));
	sodium_memzero(j->fresh, sizeof(j->fresh));
	return rc;
}

static int exec_password_store(struct csms_store *st, struct csms_job *job)
{
	struct csms_api_job *j = (struct csms_api_job *)job;
	struct password_job *p = j->data;
	if (csms_operator_db_set_password(csms_store_db(st), p->operator_id, p->hash, false, (int64_t)wl_wall_ms()) < 0)
		return -1;
	/* every other session and every API token of this operator ends: a changed password locks out whoever
	 * had the old one */
	return csms_operator_end_credentials(st, p->operator_id, p->session_hash);
}

static void done_password(struct csms_bg_job *bg)
{
	struct password_job *j = (struct password_job *)bg;
	struct csms_http_req *r = csms_api_bg_take(&j->base);
	attempt_end(j->app, &j->keys, bg->rc == 0 && !j->current_ok, j->username, j->address);
	if (!r) {
		free(j);
		return;
	}
	if (bg->rc < 0) {
		csms_http_fail(r, CSMS_ERR_INTERNAL, "cannot hash the password");
	} else if (!j->current_ok) {
		csms_http_fail(r, CSMS_ERR_WRONG_PASSWORD, "the current password is wrong");
	} else if (keys_blocked(j->app, &j->keys)) {
		respond_throttled(r);
	} else {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "changed", 1);
		struct csms_api_job *sj = csms_api_job(r, exec_password_store, 200, o);
		if (sj) {
			sj->data = j; /* freed with the store job */
			csms_store_submit(r->app->store, &sj->job);
			WL_INFO("auth", "\"%s\" changed their password", r->who.username);
			return;
		}
	}
	free(j);
}

static void put_password(struct csms_http_req *r)
{
	bool bad = false;
	char why[100];
	if (r->who.operator_id == 0) {
		csms_http_fail(r, CSMS_ERR_NO_OPERATOR, "the local admin token has no password");
		return;
	}
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *cur = csms_api_str(r, body, "current", true, CSMS_OPERATOR_PW_MAX, &bad);
	const char *fresh = csms_api_str(r, body, "new", true, CSMS_OPERATOR_PW_MAX, &bad);
	const char *confirm = csms_api_str(r, body, "confirm", true, CSMS_OPERATOR_PW_MAX, &bad);
	if (bad) {
	} else if (strcmp(fresh, confirm) != 0) {
		csms_http_fail(r, CSMS_ERR_MISMATCH, "new and confirm differ");
	} else if (!csms_operator_password_ok(fresh, r->who.username, why, sizeof(why))) {
		csms_http_fail(r, CSMS_ERR_WEAK_PASSWORD, "%s", why);
	} else if (!throttled(r, r->who.username)) {
		struct password_job *j = calloc(1, sizeof(*j));
		if (!j) {
			csms_http_fail(r, CSMS_ERR_INTERNAL, "out of memory");
		} else {
			j->operator_id = r->who.operator_id;
			j->app = r->app;
			snprintf(j->username, sizeof(j->username), "%s", r->who.username);
			snprintf(j->address, sizeof(j->address), "%s", r->addr);
			login_keys(r->addr, r->who.username, &j->keys);
			attempt_begin(r->app, &j->keys);
			snprintf(j->session_hash, sizeof(j->session_hash), "%s", r->who.session_hash);
			snprintf(j->current, sizeof(j->current), "%s", cur);
			snprintf(j->fresh, sizeof(j->fresh), "%s", fresh);
			csms_api_bg_submit(r, &j->base, exec_password_check, done_password);
		}
	}
	cJSON_Delete(body);
}

/* ---- API tokens ---- */

static int add_token(const struct csms_api_token_row *t, void *items)
{
	cJSON *it = cJSON_CreateObject();
	cJSON_AddNumberToObject(it, "id", (double)t->id);
	add_text(it, "name", t->name);
	add_text(it, "prefix", t->prefix);
	csms_api_add_ms(it, "created", t->created);
	csms_api_add_ms(it, "lastUsed", t->last_used);
	csms_api_add_ms(it, "revoked", t->revoked);
	cJSON_AddItemToArray(items, it);
	return 0;
}

static void get_tokens(struct csms_http_req *r)
{
	cJSON *items = cJSON_CreateArray();
	if (csms_operator_db_tokens(r->app->rdb, r->who.operator_id, add_token, items) < 0) {
		cJSON_Delete(items);
		csms_api_db_error(r);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "items", items);
	csms_http_respond_json(r, 200, o);
}

/* A new API token of an operator, or the revocation of one (id). */
struct token_job {
	struct csms_api_job base;
	int64_t operator_id, id;
	char name[401], hash[65], prefix[9];
};

static int exec_token(struct csms_store *st, struct csms_job *job)
{
	struct token_job *j = (struct token_job *)job;
	return csms_api_db_rc(csms_operator_db_token_insert(csms_store_db(st), j->operator_id, j->name, j->hash,
	                                                    j->prefix, (int64_t)wl_wall_ms(), &j->base.out_id));
}

static void after_token(struct csms_api_job *j)
{
	cJSON_AddNumberToObject(j->reply, "id", (double)j->out_id);
}

static void post_token(struct csms_http_req *r)
{
	bool bad = false;
	char token[CSMS_TOKEN_LEN + 1], hash[65];
	if (r->who.operator_id == 0) {
		csms_http_fail(r, CSMS_ERR_NO_OPERATOR, "API tokens belong to an operator: log in as one");
		return;
	}
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *name = csms_api_str(r, body, "name", true, 100, &bad);
	if (!bad) {
		csms_token_new(token, hash);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", name);
		cJSON_AddStringToObject(o, "token", token); /* shown once: only its hash is kept */
		struct token_job *j = csms_api_job_sized(r, sizeof(*j), exec_token, 201, o);
		if (j) {
			j->operator_id = r->who.operator_id;
			snprintf(j->name, sizeof(j->name), "%s", name);
			snprintf(j->hash, sizeof(j->hash), "%s", hash);
			snprintf(j->prefix, sizeof(j->prefix), "%.8s", token);
			j->base.after = after_token;
			csms_store_submit(r->app->store, &j->base.job);
		}
		sodium_memzero(token, sizeof(token));
	}
	cJSON_Delete(body);
}

static int exec_revoke(struct csms_store *st, struct csms_job *job)
{
	struct token_job *j = (struct token_job *)job;
	return csms_api_db_rc(
	    csms_operator_db_token_revoke(csms_store_db(st), j->id, j->operator_id, (int64_t)wl_wall_ms()));
}

static void delete_token(struct csms_http_req *r)
{
	int64_t id;
	if (!csms_api_id_param(r, 0, "a token id", &id))
		return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "id", (double)id);
	cJSON_AddBoolToObject(o, "revoked", 1);
	struct token_job *j = csms_api_job_sized(r, sizeof(*j), exec_revoke, 200, o);
	if (j) {
		j->id = id;
		j->operator_id = r->who.operator_id;
		j->base.missing_msg = "no such token of yours";
		csms_store_submit(r->app->store, &j->base.job);
	}
}

/* ---- first start ---- */

/* Wrong setup codes count per address only (one shared key let anyone block the first Administrator). */
static bool setup_throttled(struct csms_http_req *r)
{
	struct login_keys k;
	login_keys(r->addr, "", &k);
	if (csms_throttle_is_blocked(r->app->login_throttle, k.address, wl_mono_ms())) {
		csms_http_fail(r, CSMS_ERR_TOO_MANY_ATTEMPTS,
		               "too many wrong setup codes from this address: wait 15 minutes");
		return true;
	}
	return false;
}

static void setup_failed(struct csms_http_req *r)
{
	struct login_keys k;
	uint64_t now = wl_mono_ms();
	login_keys(r->addr, "", &k);
	csms_throttle_fail(r->app->login_throttle, k.address, now);
	if (csms_throttle_is_blocked(r->app->login_throttle, k.address, now))
		WL_WARN("auth", "setup: address %s locked for 15 minutes after repeated wrong setup codes", r->addr);
}

static void post_setup(struct csms_http_req *r)
{
	bool bad = false;
	if (!r->app->setup_code[0]) {
		csms_http_fail(r, CSMS_ERR_ALREADY_SET_UP, "the first Administrator exists: log in");
		return;
	}
	cJSON *body = csms_api_body(r);
	if (!body)
		return;
	const char *code = csms_api_str(r, body, "setupCode", true, 32, &bad);
	if (!bad && !setup_throttled(r)) {
		if (!csms_setup_code_check(r->app, code)) {
			setup_failed(r);
			csms_http_fail(r, CSMS_ERR_BAD_SETUP_CODE,
			               "wrong setup code (printed in the csms log and in <data>/setup-code)");
		} else {
			csms_api_operator_create(r, body, true);
		}
	}
	cJSON_Delete(body);
}

static const struct csms_route routes[] = {
    {CSMS_HTTP_POST, "api/v1/setup", CSMS_PUBLIC, CSMS_ROUTE_NO_CSRF, post_setup,
     "First start: create the first Administrator with the one-time setup code"},
    {CSMS_HTTP_POST, "api/v1/auth/login", CSMS_PUBLIC, CSMS_ROUTE_NO_CSRF, post_login,
     "Log in (username, password, language): sets the session cookie, returns the CSRF token"},
    {CSMS_HTTP_POST, "api/v1/auth/logout", CSMS_ROLES_ALL, CSMS_ROUTE_PW_CHANGE_OK, post_logout, "End this session"},
    {CSMS_HTTP_GET, "api/v1/auth/me", CSMS_ROLES_ALL, CSMS_ROUTE_PW_CHANGE_OK, get_me,
     "Who is logged in (and the CSRF token)"},
    {CSMS_HTTP_PUT, "api/v1/auth/me", CSMS_ROLES_ALL, 0, put_me, "Edit one's own name, e-mail, phone, language"},
    {CSMS_HTTP_PUT, "api/v1/auth/password", CSMS_ROLES_ALL, CSMS_ROUTE_PW_CHANGE_OK, put_password,
     "Change one's own password (current, new, confirm); ends the other sessions and one's API tokens"},
    {CSMS_HTTP_GET, "api/v1/auth/tokens", CSMS_ROLES_ALL, 0, get_tokens, "One's API tokens"},
    {CSMS_HTTP_POST, "api/v1/auth/tokens", CSMS_ROLES_ALL, 0, post_token,
     "Create an API token (shown once) for scripts: Authorization: Bearer <token>"},
    {CSMS_HTTP_DELETE, "api/v1/auth/tokens/{id}", CSMS_ROLES_ALL, 0, delete_token, "Revoke one's API token"},
};
CSMS_ROUTE_TABLE(csms_routes_auth, "auth", routes);

/* evse_webauth.c — the local web app's password, setup code, sessions, CSRF tokens and throttle. */
#include "evse_webauth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evse_pwhash.h"
#include "wl_log.h"

#define MOD         "webauth"
#define HASH_KEY    "web.password_hash"
#define TOKEN_BYTES 32
#define CSRF_BYTES  16
#define CODE_CHARS  10

struct session {
	bool used;
	char token[2 * TOKEN_BYTES + 1];
	char csrf[2 * CSRF_BYTES + 1];
	uint64_t created_ms, used_ms;
};

struct evse_webauth {
	struct evse_store *st;
	char code[EVSE_SETUP_CODE_BUF]; /* normalised: upper case, no dashes; "" when none */
	char code_shown[EVSE_SETUP_CODE_BUF];
	char code_path[512];
	struct session sessions[EVSE_WEB_SESSIONS];
	struct evse_throttle throttle;
	/* logins and the setup hashing on the worker (evse_pwhash) */
	struct evse_pwhash *pw;
	struct {
		unsigned id; /* 0: free */
		bool setup;
	} jobs[EVSE_PWHASH_QUEUE];
	unsigned logins_in_flight;
	bool setup_in_flight;
};

/* ---- throttle ---- */

uint64_t evse_throttle_wait_ms(const struct evse_throttle *t, uint64_t now_ms)
{
	return t->failures >= EVSE_THROTTLE_FREE && now_ms < t->next_ok_ms ? t->next_ok_ms - now_ms : 0;
}

void evse_throttle_fail(struct evse_throttle *t, uint64_t now_ms)
{
	if (t->failures < 1000)
		t->failures++;
	if (t->failures < EVSE_THROTTLE_FREE)
		return;
	unsigned shift = t->failures - EVSE_THROTTLE_FREE;
	uint64_t wait = shift >= 20 ? EVSE_THROTTLE_MAX_MS : 1000ull << shift;
	t->next_ok_ms = now_ms + (wait > EVSE_THROTTLE_MAX_MS ? EVSE_THROTTLE_MAX_MS : wait);
}

void evse_throttle_ok(struct evse_throttle *t)
{
	t->failures = 0;
	t->next_ok_ms = 0;
}

/* ---- setup code ---- */

static bool has_password(struct evse_store *st)
{
	char h[crypto_pwhash_STRBYTES];
	return evse_store_get(st, HASH_KEY, h, sizeof(h)) == 1 && h[0];
}

static void make_code(struct evse_webauth *a)
{
	static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */
	size_t k = 0;
	for (int i = 0; i < CODE_CHARS; i++) {
		char c = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		a->code[i] = c;
		if (i == CODE_CHARS / 2)
			a->code_shown[k++] = '-';
		a->code_shown[k++] = c;
	}
	a->code[CODE_CHARS] = '\0';
	a->code_shown[k] = '\0';
}

static void write_code_file(struct evse_webauth *a)
{
	if (!a->code_path[0])
		return;
	int fd = open(a->code_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		WL_WARN(MOD, "%s: %s", a->code_path, strerror(errno));
		return;
	}
	char line[EVSE_SETUP_CODE_BUF + 2];
	int n = snprintf(line, sizeof(line), "%s\n", a->code_shown);
	if (fchmod(fd, 0600) < 0 || write(fd, line, (size_t)n) != n)
		WL_WARN(MOD, "%s: %s", a->code_path, strerror(errno));
	close(fd);
}

static void burn_code(struct evse_webauth *a)
{
	sodium_memzero(a->code, sizeof(a->code));
	sodium_memzero(a->code_shown, sizeof(a->code_shown));
	if (a->code_path[0])
		unlink(a->code_path);
}

/* Upper case, without dashes and blanks: what the installer typed, as the code is kept. */
static void normalise_code(const char *in, char *out, size_t cap)
{
	size_t k = 0;
	for (; *in && k + 1 < cap; in++)
		if (*in != '-' && *in != ' ')
			out[k++] = (char)toupper((unsigned char)*in);
	out[k] = '\0';
}

struct evse_webauth *evse_webauth_new(struct evse_store *st, const char *state_dir, char *err, size_t errcap)
{
	if (sodium_init() < 0) {
		snprintf(err, errcap, "libsodium cannot start");
		return NULL;
	}
	struct evse_webauth *a = calloc(1, sizeof(*a));
	if (!a) {
		snprintf(err, errcap, "out of memory");
		return NULL;
	}
	a->st = st;
	a->pw = evse_pwhash_new(EVSE_PWHASH_OPS, EVSE_PWHASH_MEM);
	if (!a->pw) {
		snprintf(err, errcap, "out of memory");
		free(a);
		return NULL;
	}
	if (state_dir)
		snprintf(a->code_path, sizeof(a->code_path), "%s/setup-code", state_dir);
	if (!has_password(st)) {
		make_code(a);
		write_code_file(a);
		WL_WARN(MOD, "no settings password yet: setup code %s (also in %s); open the web app to set one",
		        a->code_shown, a->code_path[0] ? a->code_path : "-");
	}
	return a;
}

void evse_webauth_free(struct evse_webauth *a)
{
	if (!a)
		return;
	evse_pwhash_free(a->pw);
	sodium_memzero(a, sizeof(*a));
	free(a);
}

bool evse_webauth_needs_setup(struct evse_webauth *a)
{
	return !has_password(a->st);
}

const char *evse_webauth_setup_code(const struct evse_webauth *a)
{
	return a->code_shown;
}

/* ---- sessions ---- */

static bool session_is_live(const struct session *s, uint64_t now_ms)
{
	return s->used && now_ms - s->used_ms < EVSE_WEB_IDLE_MS && now_ms - s->created_ms < EVSE_WEB_MAX_AGE_MS;
}

/* The value of our cookie in a Cookie header ("a=1; wl_session=abc"), copied into out; false if absent. */
static bool cookie_value(const char *header, char *out, size_t cap)
{
	size_t nlen = strlen(EVSE_WEB_COOKIE);
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nlen && strncmp(p, EVSE_WEB_COOKIE, nlen) == 0 && p[nlen] == '=') {
			size_t vlen = len - nlen - 1;
			if (vlen >= cap)
				return false;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return true;
		}
		p = end;
	}
	return false;
}

static struct session *find_session(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms)
{
	char token[2 * TOKEN_BYTES + 1];
	if (!rq->cookie || !cookie_value(rq->cookie, token, sizeof(token)) || strlen(token) != 2 * TOKEN_BYTES)
		return NULL;
	for (int i = 0; i < EVSE_WEB_SESSIONS; i++) {
		struct session *s = &a->sessions[i];
		if (s->used && sodium_memcmp(s->token, token, 2 * TOKEN_BYTES) == 0) {
			if (session_is_live(s, now_ms))
				return s;
			s->used = false;
			return NULL;
		}
	}
	return NULL;
}

static void open_session(struct evse_webauth *a, uint64_t now_ms, struct evse_web_login *out)
{
	unsigned char raw[TOKEN_BYTES];
	struct session *s = NULL;
	for (int i = 0; i < EVSE_WEB_SESSIONS && !s; i++)
		if (!session_is_live(&a->sessions[i], now_ms))
			s = &a->sessions[i];
	if (!s) { /* all live: drop the least recently used */
		s = &a->sessions[0];
		for (int i = 1; i < EVSE_WEB_SESSIONS; i++)
			if (a->sessions[i].used_ms < s->used_ms)
				s = &a->sessions[i];
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(s->token, sizeof(s->token), raw, sizeof(raw));
	randombytes_buf(raw, CSRF_BYTES);
	sodium_bin2hex(s->csrf, sizeof(s->csrf), raw, CSRF_BYTES);
	sodium_memzero(raw, sizeof(raw));
	s->used = true;
	s->created_ms = s->used_ms = now_ms;
	out->status = 200;
	snprintf(out->cookie, sizeof(out->cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d",
	         EVSE_WEB_COOKIE, s->token, EVSE_WEB_MAX_AGE_MS / 1000);
	snprintf(out->csrf, sizeof(out->csrf), "%s", s->csrf);
}

void evse_webauth_logout_all(struct evse_webauth *a)
{
	sodium_memzero(a->sessions, sizeof(a->sessions));
}

static int refuse(struct evse_web_login *out, int status, const char *msg)
{
	out->status = status;
	snprintf(out->message, sizeof(out->message), "%s", msg);
	return -1;
}

static int throttled(struct evse_webauth *a, uint64_t now_ms, struct evse_web_login *out)
{
	uint64_t wait = evse_throttle_wait_ms(&a->throttle, now_ms);
	if (!wait)
		return 0;
	out->retry_after_s = (int)((wait + 999) / 1000);
	snprintf(out->message, sizeof(out->message), "too many wrong attempts: wait %d s", out->retry_after_s);
	out->status = 429;
	return -1;
}

int evse_webauth_set_password(struct evse_store *st, const char *password, char *err, size_t errcap)
{
	char hash[crypto_pwhash_STRBYTES];
	if (sodium_init() < 0) {
		snprintf(err, errcap, "libsodium cannot start");
		return -1;
	}
	if (crypto_pwhash_str(hash, password, strlen(password), EVSE_PWHASH_OPS, EVSE_PWHASH_MEM) != 0) {
		snprintf(err, errcap, "out of memory hashing the password");
		return -1;
	}
	if (evse_store_set(st, HASH_KEY, hash) < 0) {
		snprintf(err, errcap, "cannot save the password");
		return -1;
	}
	return 0;
}

/* The checks of a setup before its password is hashed: 0 go ahead, -1 refused (out). */
static int setup_check(struct evse_webauth *a, const char *code, uint64_t now_ms, struct evse_web_login *out)
{
	char typed[EVSE_SETUP_CODE_BUF];
	memset(out, 0, sizeof(*out));
	if (!evse_webauth_needs_setup(a))
		return refuse(out, 409, "the password is already set: log in");
	if (a->setup_in_flight)
		return refuse(out, 409, "a setup is under way");
	if (throttled(a, now_ms, out) < 0)
		return -1;
	normalise_code(code, typed, sizeof(typed));
	if (!a->code[0] || strlen(typed) != strlen(a->code) || sodium_memcmp(typed, a->code, strlen(a->code)) != 0) {
		evse_throttle_fail(&a->throttle, now_ms);
		WL_WARN(MOD, "wrong setup code");
		return refuse(out, 401, "wrong setup code (see the station's log or its setup-code file)");
	}
	return 0;
}

/* The password is saved: the code is burnt and the installer logged in. */
static int setup_done(struct evse_webauth *a, uint64_t now_ms, struct evse_web_login *out)
{
	evse_throttle_ok(&a->throttle);
	burn_code(a);
	WL_INFO(MOD, "settings password set; setup code used up");
	open_session(a, now_ms, out);
	return 0;
}

int evse_webauth_setup(struct evse_webauth *a, const char *code, const char *password, uint64_t now_ms,
                       struct evse_web_login *out)
{
	char err[120];
	if (setup_check(a, code, now_ms, out) < 0)
		return -1;
	if (evse_webauth_set_password(a->st, password, err, sizeof(err)) < 0)
		return refuse(out, 500, err);
	return setup_done(a, now_ms, out);
}

/* The checks of a login before its password is hashed, the stored hash in hash: 0 go ahead, -1 refused. */
static int login_check(struct evse_webauth *a, uint64_t now_ms, char hash[crypto_pwhash_STRBYTES],
                       struct evse_web_login *out)
{
	memset(out, 0, sizeof(*out));
	if (evse_store_get(a->st, HASH_KEY, hash, crypto_pwhash_STRBYTES) != 1 || !hash[0])
		return refuse(out, 409, "no password set yet: use the setup code");
	if (throttled(a, now_ms, out) < 0)
		return -1;
	/* attempts still hashing count as wrong ones until they are known: parallel guesses get no more tries */
	if (a->logins_in_flight && a->throttle.failures + a->logins_in_flight >= EVSE_THROTTLE_FREE) {
		out->retry_after_s = 1;
		return refuse(out, 429, "too many attempts under way: wait 1 s");
	}
	return 0;
}

static int login_done(struct evse_webauth *a, bool right, uint64_t now_ms, struct evse_web_login *out)
{
	memset(out, 0, sizeof(*out));
	if (!right) {
		evse_throttle_fail(&a->throttle, now_ms);
		WL_WARN(MOD, "wrong password (%u in a row)", a->throttle.failures);
		return refuse(out, 401, "wrong password");
	}
	evse_throttle_ok(&a->throttle);
	open_session(a, now_ms, out);
	return 0;
}

int evse_webauth_login(struct evse_webauth *a, const char *password, uint64_t now_ms, struct evse_web_login *out)
{
	char hash[crypto_pwhash_STRBYTES];
	if (login_check(a, now_ms, hash, out) < 0)
		return -1;
	return login_done(a, crypto_pwhash_str_verify(hash, password, strlen(password)) == 0, now_ms, out);
}

/* ---- the same off the event loop ---- */

static int submit(struct evse_webauth *a, bool setup, enum evse_pwhash_kind kind, const char *password,
                  const char *hash, unsigned *job, struct evse_web_login *out)
{
	int slot = -1;
	for (int i = 0; i < EVSE_PWHASH_QUEUE && slot < 0; i++)
		if (!a->jobs[i].id)
			slot = i;
	unsigned id = slot < 0 ? 0 : evse_pwhash_submit(a->pw, kind, password, hash);
	if (!id) {
		out->retry_after_s = 1;
		return refuse(out, 503, "busy checking other passwords: try again in 1 s");
	}
	a->jobs[slot].id = id;
	a->jobs[slot].setup = setup;
	*job = id;
	return 0;
}

int evse_webauth_setup_begin(struct evse_webauth *a, const char *code, const char *password, uint64_t now_ms,
                             struct evse_web_login *out, unsigned *job)
{
	if (setup_check(a, code, now_ms, out) < 0 || submit(a, true, EVSE_PWHASH_HASH, password, NULL, job, out) < 0)
		return -1;
	a->setup_in_flight = true;
	return 0;
}

int evse_webauth_login_begin(struct evse_webauth *a, const char *password, uint64_t now_ms, struct evse_web_login *out,
                             unsigned *job)
{
	char hash[crypto_pwhash_STRBYTES];
	if (login_check(a, now_ms, hash, out) < 0 || submit(a, false, EVSE_PWHASH_VERIFY, password, hash, job, out) < 0)
		return -1;
	a->logins_in_flight++;
	return 0;
}

bool evse_webauth_poll(struct evse_webauth *a, uint64_t now_ms, unsigned *job, struct evse_web_login *out)
{
	struct evse_pwhash_result r;
	while (evse_pwhash_done(a->pw, &r)) {
		int slot = -1;
		for (int i = 0; i < EVSE_PWHASH_QUEUE && slot < 0; i++)
			if (a->jobs[i].id == r.id)
				slot = i;
		if (slot < 0)
			continue; /* not ours: cannot happen */
		bool setup = a->jobs[slot].setup;
		a->jobs[slot].id = 0;
		*job = r.id;
		if (!setup) {
			a->logins_in_flight--;
			login_done(a, r.ok, now_ms, out);
		} else {
			a->setup_in_flight = false;
			memset(out, 0, sizeof(*out));
			if (!r.ok)
				refuse(out, 500, "out of memory hashing the password");
			else if (!evse_webauth_needs_setup(a))
				refuse(out, 409, "the password is already set: log in");
			else if (evse_store_set(a->st, HASH_KEY, r.hash) < 0)
				refuse(out, 500, "cannot save the password");
			else
				setup_done(a, now_ms, out);
		}
		sodium_memzero(&r, sizeof(r));
		return true;
	}
	return false;
}

void evse_webauth_set_wake(struct evse_webauth *a, void (*wake)(void *ctx), void *ctx)
{
	evse_pwhash_set_wake(a->pw, wake, ctx);
}

void evse_webauth_logout(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms, char *cookie_out,
                         size_t cap)
{
	struct session *s = find_session(a, rq, now_ms);
	if (s)
		sodium_memzero(s, sizeof(*s));
	snprintf(cookie_out, cap, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0", EVSE_WEB_COOKIE);
}

bool evse_http_is_admin(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms, int *status,
                        const char **message)
{
	struct session *s = find_session(a, rq, now_ms);
	int st = 0;
	const char *msg = NULL;
	if (!s) {
		st = 401;
		msg = "log in first";
	} else if (rq->method != EVSE_HTTP_GET && (!rq->csrf || strlen(rq->csrf) != 2 * CSRF_BYTES ||
	                                           sodium_memcmp(rq->csrf, s->csrf, 2 * CSRF_BYTES) != 0)) {
		st = 403;
		msg = "missing or wrong X-CSRF-Token";
	} else {
		s->used_ms = now_ms;
		return true;
	}
	if (status)
		*status = st;
	if (message)
		*message = msg;
	return false;
}

const char *evse_webauth_csrf(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms)
{
	struct session *s = find_session(a, rq, now_ms);
	return s ? s->csrf : NULL;
}

/* evse_webauth.h — who may change the station from the local web app: one password (Argon2id hash in the
 * store, no default: a one-time setup code is printed at the first start), login sessions (random token in
 * an HttpOnly SameSite=Strict cookie, a CSRF token for every state-changing request, idle and absolute
 * expiry), and a throttle on wrong passwords and setup codes. evse_http_is_admin() is the one check. */
#ifndef EVSE_WEBAUTH_H
#define EVSE_WEBAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_http.h"
#include "evse_store.h"

#define EVSE_WEB_SESSIONS    4                  /* logged-in browsers at once; the oldest is dropped */
#define EVSE_WEB_IDLE_MS     (30 * 60 * 1000)   /* a session unused this long ends */
#define EVSE_WEB_MAX_AGE_MS  (12 * 3600 * 1000) /* and every session ends after this */
#define EVSE_WEB_COOKIE      "wl_session"
#define EVSE_THROTTLE_FREE   5                   /* wrong attempts before the wait starts */
#define EVSE_THROTTLE_MAX_MS (5 * 60 * 1000)     /* the longest wait */
#define EVSE_PWHASH_OPS      2                   /* Argon2id: passes */
#define EVSE_PWHASH_MEM      (19u * 1024 * 1024) /* Argon2id: memory in bytes */
#define EVSE_SETUP_CODE_BUF  16                  /* "ABCDE-FGHJK" */

/* Wrong passwords: after EVSE_THROTTLE_FREE of them in a row, each further attempt must wait 1 s, 2 s,
 * 4 s ... up to EVSE_THROTTLE_MAX_MS after the last one. A right one resets it. */
struct evse_throttle {
	unsigned failures;
	uint64_t next_ok_ms;
};
/* How long an attempt at now_ms must still wait (0: go ahead). */
uint64_t evse_throttle_wait_ms(const struct evse_throttle *t, uint64_t now_ms);
void evse_throttle_fail(struct evse_throttle *t, uint64_t now_ms);
void evse_throttle_ok(struct evse_throttle *t);

struct evse_webauth;

/* st must outlive it. state_dir: where the setup code file goes (NULL: nowhere, tests). When no password
 * is set, a setup code is made, logged and written to <state_dir>/setup-code (mode 0600). NULL on
 * failure (err). */
struct evse_webauth *evse_webauth_new(struct evse_store *st, const char *state_dir, char *err, size_t errcap);
void evse_webauth_free(struct evse_webauth *a);

/* No password set yet. */
bool evse_webauth_needs_setup(struct evse_webauth *a);
/* The setup code in force ("" when none); for tests. */
const char *evse_webauth_setup_code(const struct evse_webauth *a);

/* The outcome of setup and login; status is the HTTP status of a refusal. */
struct evse_web_login {
	int status;        /* 200, 400, 401, 409, 429, 500, 503 */
	int retry_after_s; /* 429, 503 */
	char message[120];
	char cookie[200]; /* the Set-Cookie value on success */
	char csrf[40];    /* the CSRF token on success */
};

/* Sets the first password with the setup code (burnt on success) and logs in. 0, or -1 (out->status). */
int evse_webauth_setup(struct evse_webauth *a, const char *code, const char *password, uint64_t now_ms,
                       struct evse_web_login *out);
/* Checks the password and opens a session. 0, or -1 (out->status). */
int evse_webauth_login(struct evse_webauth *a, const char *password, uint64_t now_ms, struct evse_web_login *out);
/* The same without waiting for the password hash, which runs on a worker thread (evse_pwhash): 0 with the
 * job's id in *job (the outcome comes from evse_webauth_poll()), or -1 refused at once (out->status; 503
 * with retry_after_s when EVSE_PWHASH_QUEUE hashes are under way already). Logins still hashing count as
 * wrong ones for the throttle until they are known. */
int evse_webauth_setup_begin(struct evse_webauth *a, const char *code, const char *password, uint64_t now_ms,
                             struct evse_web_login *out, unsigned *job);
int evse_webauth_login_begin(struct evse_webauth *a, const char *password, uint64_t now_ms, struct evse_web_login *out,
                             unsigned *job);
/* A finished setup or login: true with its job id and outcome (out->status 200 and the cookie, or a
 * refusal), false when none is finished. */
bool evse_webauth_poll(struct evse_webauth *a, uint64_t now_ms, unsigned *job, struct evse_web_login *out);
/* Called from the worker thread when a hash is done (so the event loop wakes up to poll); NULL: nobody. */
void evse_webauth_set_wake(struct evse_webauth *a, void (*wake)(void *ctx), void *ctx);

/* Ends the session of the request's cookie (if any); the Set-Cookie value that clears it in cookie_out. */
void evse_webauth_logout(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms, char *cookie_out,
                         size_t cap);

/* THE authorisation check of the local web app: a live session cookie and, for anything but GET, the
 * session's CSRF token in X-CSRF-Token. On refusal false with *status 401 (no session) or 403 (no or
 * wrong CSRF token) and a message (both may be NULL). Refreshes the session's idle time. */
bool evse_http_is_admin(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms, int *status,
                        const char **message);
/* The CSRF token of the request's live session, or NULL. */
const char *evse_webauth_csrf(struct evse_webauth *a, const struct evse_http_req *rq, uint64_t now_ms);

/* Hashes password and keeps it in the store (`evse passwd`; also ends the setup). 0 or -1 (err). */
int evse_webauth_set_password(struct evse_store *st, const char *password, char *err, size_t errcap);
/* Ends every session (after a password change). */
void evse_webauth_logout_all(struct evse_webauth *a);

#endif

/* test_evse_web.c — the local web app's logic without a network: body parsers and their refusals, the
 * settings table (checks, apply, restart flags, persistence), the login throttle, sessions and the CSRF
 * check, the setup code used once, the scheduled start and card capture at the charging point. */
#include "evse_test.h"

#include <time.h>

#include "evse_pwhash.h"
#include "evse_settings.h"
#include "evse_station.h"
#include "evse_store.h"
#include "evse_webapi.h"
#include "evse_webauth.h"
#include "evse_webform.h"

#define B(s) (s), strlen(s)

/* ---- body parsers ---- */

static void test_webform_setup_and_login(void **state)
{
	(void)state;
	char code[EVSE_SETUP_CODE_MAX], pw[EVSE_PASSWORD_MAX + 1], err[200];
	assert_int_equal(
	    evse_webform_setup(B("{\"code\":\"AB-CD\",\"password\":\"long-enough\"}"), code, pw, err, sizeof(err)), 0);
	assert_string_equal(code, "AB-CD");
	assert_string_equal(pw, "long-enough");
	assert_int_equal(evse_webform_setup(B("{\"code\":\"AB\",\"password\":\"short\"}"), code, pw, err, sizeof(err)),
	                 -1);
	assert_non_null(strstr(err, "at least 8"));
	assert_int_equal(
	    evse_webform_setup(B("{\"code\":\"AB\",\"password\":\"tab\\tinside!\"}"), code, pw, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "control"));
	assert_int_equal(evse_webform_setup(B("{\"password\":\"long-enough\"}"), code, pw, err, sizeof(err)), -1);
	assert_string_equal(err, "code: missing");
	assert_int_equal(evse_webform_login(B("{\"password\":1}"), pw, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_login(B("{\"password\":\"x\",\"admin\":true}"), pw, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown field \"admin\""));
	assert_int_equal(evse_webform_login(B("[\"password\"]"), pw, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_login(B("{\"password\":\"ok\"}"), pw, err, sizeof(err)), 0);
	char big[300];
	memset(big, 'a', sizeof(big));
	assert_int_equal(evse_webform_check_password("0123456789", err, sizeof(err)), 0);
	big[200] = '\0';
	assert_int_equal(evse_webform_check_password(big, err, sizeof(err)), -1);
}

static void test_webform_card_and_session(void **state)
{
	(void)state;
	char uid[EVSE_CARD_UID_MAX], err[200];
	int slot;
	assert_int_equal(evse_webform_card(B("{\"uid\":\"04:A1:B2.c_3-x\"}"), uid, err, sizeof(err)), 0);
	assert_int_equal(evse_webform_card(B("{\"uid\":\"\"}"), uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_card(B("{\"uid\":\"a b\"}"), uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_card(B("{\"uid\":\"<img>\"}"), uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_card(B("{\"uid\":\"123456789012345678901\"}"), uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_session_start(B("{\"slot\":2}"), 3, &slot, uid, err, sizeof(err)), 0);
	assert_int_equal(slot, 2);
	assert_int_equal(evse_webform_session_start(B("{\"idTag\":\"TAG1\"}"), 3, &slot, uid, err, sizeof(err)), 0);
	assert_int_equal(slot, 0);
	assert_string_equal(uid, "TAG1");
	assert_int_equal(evse_webform_session_start(B("{\"slot\":4}"), 3, &slot, uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_session_start(B("{\"slot\":1.5}"), 3, &slot, uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_session_start(B("{}"), 3, &slot, uid, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_session_start(B("{\"slot\":1,\"idTag\":\"A\"}"), 3, &slot, uid, err, sizeof(err)),
	                 -1);
}

static void test_webform_schedule(void **state)
{
	(void)state;
	const int64_t now = 1900000000000LL; /* 2030-03-17 */
	int64_t at;
	char err[200];
	assert_int_equal(evse_webform_schedule(B("{\"delayMinutes\":90}"), now, &at, err, sizeof(err)), 0);
	assert_true(at == now + 90 * 60000);
	assert_int_equal(evse_webform_schedule(B("{\"at\":\"2030-03-17T22:00:00+01:00\"}"), now, &at, err, sizeof(err)),
	                 0);
	assert_true(at > now);
	assert_int_equal(evse_webform_schedule(B("{\"at\":\"2030-03-01T00:00:00Z\"}"), now, &at, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "past"));
	assert_int_equal(evse_webform_schedule(B("{\"at\":\"2030-04-01T00:00:00Z\"}"), now, &at, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "7 days"));
	assert_int_equal(evse_webform_schedule(B("{\"delayMinutes\":0}"), now, &at, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_schedule(B("{\"delayMinutes\":10081}"), now, &at, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_schedule(B("{\"delayMinutes\":\"5\"}"), now, &at, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_schedule(B("{}"), now, &at, err, sizeof(err)), -1);
}

static void test_webform_query(void **state)
{
	(void)state;
	long v = -1;
	char err[100];
	assert_int_equal(evse_webform_query_int("limit=20&before=31", "before", 1, 100, &v, err, sizeof(err)), 1);
	assert_int_equal(v, 31);
	assert_int_equal(evse_webform_query_int("xlimit=5", "limit", 1, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(evse_webform_query_int("", "limit", 1, 100, &v, err, sizeof(err)), 0);
	assert_int_equal(evse_webform_query_int("limit=0", "limit", 1, 100, &v, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_query_int("limit=", "limit", 1, 100, &v, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_query_int("limit=9x", "limit", 1, 100, &v, err, sizeof(err)), -1);
	assert_int_equal(evse_webform_query_int("limit=99999999999999999999999", "limit", 1, 100, &v, err, sizeof(err)),
	                 -1);
}

static void test_webform_query_str(void **state)
{
	(void)state;
	char out[8], err[100];
	assert_int_equal(evse_webform_query_str("a=1&md5=abc", "md5", out, sizeof(out), err, sizeof(err)), 1);
	assert_string_equal(out, "abc");
	assert_int_equal(evse_webform_query_str("md5=", "md5", out, sizeof(out), err, sizeof(err)), 1);
	assert_string_equal(out, "");
	assert_int_equal(evse_webform_query_str("xmd5=1&md=2", "md5", out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(evse_webform_query_str("", "md5", out, sizeof(out), err, sizeof(err)), 0);
	assert_int_equal(evse_webform_query_str("md5=12345678", "md5", out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "md5"));
}

/* ---- settings ---- */

static void test_settings_parse_refusals(void **state)
{
	(void)state;
	struct evse_settings_change chg;
	char err[200];
	static const char *const bad[] = {
	    "{\"maxCurrent\":33}",
	    "{\"maxCurrent\":5.9}",
	    "{\"maxCurrent\":null}",
	    "{\"chargePowerKw\":11}",
	    "{\"chargingCase\":\"c\"}",
	    "{\"rfidType\":\"\"}",
	    "{\"powerSystem\":1}",
	    "{\"mode\":\"NET\"}",
	    "{\"ocppUrl\":\"https://x/y/Z\"}",
	    "{\"ocppUrl\":\"ws://x\"}",
	    "{\"ocppUrl\":\"ws://x/\"}",
	    "{\"ocppUrl\":\"ws://x:0/a/B\"}",
	    "{\"ocppUrl\":\"ws://[::1/a/B\"}",
	    "{\"systemTime\":\"1999-01-01T00:00:00Z\"}",
	    "{\"voltage\":230}",
	    "42",
	    "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(evse_settings_parse(bad[i], strlen(bad[i]), &chg, err, sizeof(err)), -1);
		assert_true(err[0] != '\0');
	}
	const char *good = "{\"maxCurrent\":16,\"chargePowerKw\":22,\"ocppUrl\":\"wss://[::1]:443/ocpp/CP-1\","
	                   "\"mode\":\"WEB\",\"systemTime\":\"2030-01-01T00:00:00Z\"}";
	assert_int_equal(evse_settings_parse(good, strlen(good), &chg, err, sizeof(err)), 0);
	assert_true(chg.has[EVSE_SETTING_MAX_CURRENT] && chg.has[EVSE_SETTING_OCPP_URL] && chg.has_time);
	assert_string_equal(chg.value[EVSE_SETTING_POWER], "22000");
	assert_false(chg.has[EVSE_SETTING_CASE]);
	assert_int_equal(evse_settings_check_url("", err, sizeof(err)), 0);
}

static void test_settings_apply_and_load(void **state)
{
	(void)state;
	struct evse_config cfg, next;
	struct evse_settings_change chg;
	char err[200], restart[100];
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	assert_non_null(st);
	evse_config_defaults(&cfg);
	/* live: max current and mode change the running configuration */
	const char *b = "{\"maxCurrent\":10,\"mode\":\"PERSONAL\"}";
	assert_int_equal(evse_settings_parse(b, strlen(b), &chg, err, sizeof(err)), 0);
	assert_int_equal(evse_settings_apply(st, &cfg, &chg, false, restart, sizeof(restart), err, sizeof(err)), 0);
	assert_int_equal(cfg.max_current_a, 10);
	assert_int_equal(cfg.mode, EVSE_MODE_PERSONAL);
	assert_string_equal(restart, "");
	/* the backend address waits for a restart, and WEB without a running OCPP client too */
	b = "{\"ocppUrl\":\"ws://h:9/o/CP\",\"mode\":\"WEB\"}";
	assert_int_equal(evse_settings_parse(b, strlen(b), &chg, err, sizeof(err)), 0);
	assert_int_equal(evse_settings_apply(st, &cfg, &chg, false, restart, sizeof(restart), err, sizeof(err)), 0);
	assert_string_equal(restart, "ocppUrl,mode");
	assert_string_equal(cfg.ocpp_url, "");
	assert_int_equal(cfg.mode, EVSE_MODE_PERSONAL);
	/* checked together: WEB needs the (saved) address; IT needs one phase */
	b = "{\"ocppUrl\":\"\"}";
	assert_int_equal(evse_settings_parse(b, strlen(b), &chg, err, sizeof(err)), 0);
	assert_int_equal(evse_settings_apply(st, &cfg, &chg, false, restart, sizeof(restart), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "WEB needs ocpp_url"));
	b = "{\"powerSystem\":\"IT\"}";
	assert_int_equal(evse_settings_parse(b, strlen(b), &chg, err, sizeof(err)), 0);
	assert_int_equal(evse_settings_apply(st, &cfg, &chg, false, restart, sizeof(restart), err, sizeof(err)), -1);
	/* the next start reads them back */
	evse_config_defaults(&next);
	assert_int_equal(evse_settings_load(st, &next, err, sizeof(err)), 0);
	assert_int_equal(next.max_current_a, 10);
	assert_int_equal(next.mode, EVSE_MODE_WEB);
	assert_string_equal(next.ocpp_url, "ws://h:9/o/CP");
	cJSON *j = evse_settings_json(st, &cfg, 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "restartPending")), 2);
	cJSON_Delete(j);
	/* a kept value made invalid by hand is ignored with a message */
	evse_store_set(st, "setting.max_current", "99");
	evse_config_defaults(&next);
	assert_int_equal(evse_settings_load(st, &next, err, sizeof(err)), -1);
	assert_int_equal(next.max_current_a, 32);
	evse_store_close(st);
}

/* ---- throttle, sessions, setup ---- */

static void test_throttle(void **state)
{
	(void)state;
	struct evse_throttle t = {0};
	uint64_t now = 1000;
	for (int i = 0; i < EVSE_THROTTLE_FREE - 1; i++) {
		evse_throttle_fail(&t, now);
		assert_true(evse_throttle_wait_ms(&t, now) == 0);
	}
	evse_throttle_fail(&t, now);
	assert_true(evse_throttle_wait_ms(&t, now) == 1000);
	evse_throttle_fail(&t, now + 1000);
	assert_true(evse_throttle_wait_ms(&t, now + 1000) == 2000);
	for (int i = 0; i < 40; i++)
		evse_throttle_fail(&t, now);
	assert_true(evse_throttle_wait_ms(&t, now) == EVSE_THROTTLE_MAX_MS);
	assert_true(evse_throttle_wait_ms(&t, now + EVSE_THROTTLE_MAX_MS) == 0);
	evse_throttle_ok(&t);
	evse_throttle_fail(&t, now);
	assert_true(evse_throttle_wait_ms(&t, now) == 0);
}

static struct evse_http_req req(enum evse_http_method m, const char *cookie, const char *csrf)
{
	struct evse_http_req r = {
	    .method = m, .path = "/api/x", .query = "", .body = "", .cookie = cookie, .csrf = csrf, .content_type = ""};
	return r;
}

static void test_setup_login_sessions(void **state)
{
	(void)state;
	char err[200], cookie[220], code[EVSE_SETUP_CODE_BUF];
	struct evse_web_login out;
	int status;
	const char *msg;
	wl_log_set_level(WL_LOG_ERROR);
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	struct evse_webauth *a = evse_webauth_new(st, NULL, err, sizeof(err));
	assert_non_null(a);
	assert_true(evse_webauth_needs_setup(a));
	snprintf(code, sizeof(code), "%s", evse_webauth_setup_code(a));
	assert_int_equal(strlen(code), 11);
	assert_int_equal(evse_webauth_login(a, "whatever-1", 1000, &out), -1);
	assert_int_equal(out.status, 409);
	assert_int_equal(evse_webauth_setup(a, "WRONG-CODE1", "new-password-1", 1000, &out), -1);
	assert_int_equal(out.status, 401);
	/* typed in lower case and without the dash: still the code */
	char typed[EVSE_SETUP_CODE_BUF];
	size_t k = 0;
	for (const char *c = code; *c; c++)
		if (*c != '-')
			typed[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
	typed[k] = '\0';
	assert_int_equal(evse_webauth_setup(a, typed, "new-password-1", 1000, &out), 0);
	assert_non_null(strstr(out.cookie, "HttpOnly; SameSite=Strict"));
	assert_false(evse_webauth_needs_setup(a));
	assert_int_equal(evse_webauth_setup(a, typed, "other-password", 1000, &out), -1);
	assert_int_equal(out.status, 409);
	assert_string_equal(evse_webauth_setup_code(a), "");

	assert_int_equal(evse_webauth_login(a, "wrong-password", 2000, &out), -1);
	assert_int_equal(out.status, 401);
	assert_int_equal(evse_webauth_login(a, "new-password-1", 2000, &out), 0);
	snprintf(cookie, sizeof(cookie), "theme=dark; %.*s", (int)strcspn(out.cookie, ";"), out.cookie);
	char csrf[40];
	snprintf(csrf, sizeof(csrf), "%s", out.csrf);

	struct evse_http_req r = req(EVSE_HTTP_GET, cookie, "");
	assert_true(evse_http_is_admin(a, &r, 3000, &status, &msg));
	r = req(EVSE_HTTP_PUT, cookie, "");
	assert_false(evse_http_is_admin(a, &r, 3000, &status, &msg));
	assert_int_equal(status, 403);
	r = req(EVSE_HTTP_PUT, cookie, "00000000000000000000000000000000");
	assert_false(evse_http_is_admin(a, &r, 3000, &status, &msg));
	assert_int_equal(status, 403);
	r = req(EVSE_HTTP_PUT, cookie, csrf);
	assert_true(evse_http_is_admin(a, &r, 3000, &status, &msg));
	r = req(EVSE_HTTP_GET, "wl_session=abc", "");
	assert_false(evse_http_is_admin(a, &r, 3000, &status, &msg));
	assert_int_equal(status, 401);
	r = req(EVSE_HTTP_GET, "", "");
	assert_false(evse_http_is_admin(a, &r, 3000, &status, NULL));
	/* idle expiry, then absolute expiry */
	r = req(EVSE_HTTP_GET, cookie, "");
	assert_false(evse_http_is_admin(a, &r, 3000 + EVSE_WEB_IDLE_MS, &status, &msg));
	assert_int_equal(status, 401);
	assert_int_equal(evse_webauth_login(a, "new-password-1", 10000, &out), 0);
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(out.cookie, ";"), out.cookie);
	r = req(EVSE_HTTP_GET, cookie, "");
	for (uint64_t t = 10000; t < 10000 + EVSE_WEB_MAX_AGE_MS - 60000; t += EVSE_WEB_IDLE_MS / 2)
		assert_true(evse_http_is_admin(a, &r, t, NULL, NULL));
	assert_false(evse_http_is_admin(a, &r, 10000 + EVSE_WEB_MAX_AGE_MS, NULL, NULL));
	/* logout */
	assert_int_equal(evse_webauth_login(a, "new-password-1", 20000, &out), 0);
	snprintf(cookie, sizeof(cookie), "%.*s", (int)strcspn(out.cookie, ";"), out.cookie);
	r = req(EVSE_HTTP_POST, cookie, out.csrf);
	char clear[200];
	evse_webauth_logout(a, &r, 20000, clear, sizeof(clear));
	assert_non_null(strstr(clear, "Max-Age=0"));
	assert_false(evse_http_is_admin(a, &r, 20001, NULL, NULL));
	/* more logins than places: the least recently used session goes */
	char first[220];
	assert_int_equal(evse_webauth_login(a, "new-password-1", 30000, &out), 0);
	snprintf(first, sizeof(first), "%.*s", (int)strcspn(out.cookie, ";"), out.cookie);
	for (int i = 0; i < EVSE_WEB_SESSIONS; i++)
		assert_int_equal(evse_webauth_login(a, "new-password-1", 30001 + (uint64_t)i, &out), 0);
	r = req(EVSE_HTTP_GET, first, "");
	assert_false(evse_http_is_admin(a, &r, 31000, NULL, NULL));
	evse_webauth_free(a);
	evse_store_close(st);
}

static void test_login_throttled(void **state)
{
	(void)state;
	char err[200];
	struct evse_web_login out;
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	assert_int_equal(evse_webauth_set_password(st, "right-password", err, sizeof(err)), 0);
	struct evse_webauth *a = evse_webauth_new(st, NULL, err, sizeof(err));
	assert_false(evse_webauth_needs_setup(a));
	for (int i = 0; i < EVSE_THROTTLE_FREE; i++)
		assert_int_equal(evse_webauth_login(a, "wrong-password", 1000, &out), -1);
	assert_int_equal(evse_webauth_login(a, "right-password", 1000, &out), -1);
	assert_int_equal(out.status, 429);
	assert_int_equal(out.retry_after_s, 1);
	assert_int_equal(evse_webauth_login(a, "right-password", 2000, &out), 0);
	evse_webauth_free(a);
	evse_store_close(st);
}

/* Waits (up to 30 s) for the next finished setup or login of the worker. */
static void wait_poll(struct evse_webauth *a, uint64_t now, unsigned *job, struct evse_web_login *out)
{
	for (int i = 0; i < 3000; i++) {
		if (evse_webauth_poll(a, now, job, out))
			return;
		nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
	}
	fail_msg("no password hash finished in 30 s");
}

static void wake_count(void *ctx)
{
	__atomic_add_fetch((int *)ctx, 1, __ATOMIC_SEQ_CST);
}

/* The hash runs on the worker: the caller gets a job at once, the outcome later; the queue is bounded and
 * logins still hashing count against the throttle. */
static void test_login_and_setup_off_the_loop(void **state)
{
	(void)state;
	char err[200], code[EVSE_SETUP_CODE_BUF];
	struct evse_web_login out;
	unsigned job[EVSE_PWHASH_QUEUE + 1], done;
	int wakes = 0;
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	struct evse_webauth *a = evse_webauth_new(st, NULL, err, sizeof(err));
	evse_webauth_set_wake(a, wake_count, &wakes);
	snprintf(code, sizeof(code), "%s", evse_webauth_setup_code(a));
	assert_int_equal(evse_webauth_setup_begin(a, code, "first-password", 1000, &out, &job[0]), 0);
	assert_int_equal(evse_webauth_setup_begin(a, code, "other-password", 1000, &out, &job[1]), -1);
	assert_int_equal(out.status, 409); /* one setup at a time */
	wait_poll(a, 1000, &done, &out);
	assert_int_equal(done, job[0]);
	assert_int_equal(out.status, 200);
	assert_true(out.cookie[0] && out.csrf[0]);
	assert_false(evse_webauth_needs_setup(a));
	assert_true(__atomic_load_n(&wakes, __ATOMIC_SEQ_CST) >= 1);
	/* EVSE_PWHASH_QUEUE logins at once; one more is refused with 503 and Retry-After */
	for (int i = 0; i < EVSE_PWHASH_QUEUE; i++)
		assert_int_equal(
		    evse_webauth_login_begin(a, i ? "first-password" : "wrong-password", 2000, &out, &job[i]), 0);
	assert_int_equal(evse_webauth_login_begin(a, "first-password", 2000, &out, &job[EVSE_PWHASH_QUEUE]), -1);
	assert_int_equal(out.status, 503);
	assert_int_equal(out.retry_after_s, 1);
	int ok = 0, wrong = 0;
	for (int i = 0; i < EVSE_PWHASH_QUEUE; i++) {
		wait_poll(a, 2000, &done, &out);
		ok += out.status == 200;
		wrong += out.status == 401;
	}
	assert_int_equal(ok, EVSE_PWHASH_QUEUE - 1);
	assert_int_equal(wrong, 1);
	/* 4 wrong ones known, 1 more under way: no further attempt until it is known */
	for (int i = 0; i < EVSE_THROTTLE_FREE - 1; i++) {
		assert_int_equal(evse_webauth_login_begin(a, "wrong-password", 3000, &out, &job[0]), 0);
		wait_poll(a, 3000, &done, &out);
		assert_int_equal(out.status, 401);
	}
	assert_int_equal(evse_webauth_login_begin(a, "wrong-password", 3000, &out, &job[0]), 0);
	assert_int_equal(evse_webauth_login_begin(a, "first-password", 3000, &out, &job[1]), -1);
	assert_int_equal(out.status, 429);
	wait_poll(a, 3000, &done, &out);
	assert_int_equal(out.status, 401);
	evse_webauth_free(a);
	evse_store_close(st);
}

/* ---- the station: scheduled start, card capture ---- */

static void tick_for(struct evse_station *s, uint64_t *now, uint64_t ms)
{
	for (uint64_t end = *now + ms; *now < end; *now += 100)
		evse_station_tick(s, *now);
}

static void test_schedule_and_capture(void **state)
{
	(void)state;
	struct evse_config cfg;
	char err[200], uid[EVSE_ID_MAX];
	uint64_t now = 1000;
	evse_config_defaults(&cfg);
	snprintf(cfg.db_path, sizeof(cfg.db_path), ":memory:");
	struct evse_station *s = evse_station_new(&cfg, now, err, sizeof(err));
	assert_non_null(s);
	tick_for(s, &now, 2000);
	assert_int_equal(evse_charge_state(s->charge), EVSE_STATE_AVAILABLE);
	/* a card read for the app is recorded, not used */
	evse_charge_capture_card(s->charge, true);
	assert_false(evse_charge_captured_card(s->charge, uid, sizeof(uid)));
	assert_int_equal(evse_station_sim_command(s, B("tap CAFE01"), err, sizeof(err)), 0);
	tick_for(s, &now, 300);
	assert_true(evse_charge_captured_card(s->charge, uid, sizeof(uid)));
	assert_string_equal(uid, "CAFE01");
	assert_false(evse_charge_captured_card(s->charge, uid, sizeof(uid)));
	/* FREE: a plug-in starts a session, but a scheduled start holds the current at 0 A until its time */
	assert_int_equal(evse_station_schedule(s, evse_station_wall_ms(s) + 3000), 0);
	assert_int_equal(evse_station_sim_command(s, B("plug response_ms=10"), err, sizeof(err)), 0);
	tick_for(s, &now, 1500);
	assert_int_equal(evse_charge_state(s->charge), EVSE_STATE_SUSPENDED_EVSE);
	assert_true(evse_charge_offered(s->charge) == 0.0);
	/* its time comes (the wall clock moves with the simulated offset) */
	s->clock_offset_ms += 5000;
	tick_for(s, &now, 1500);
	assert_int_equal(s->schedule_at_ms, 0);
	assert_int_equal(evse_charge_state(s->charge), EVSE_STATE_CHARGING);
	/* the clock of the simulator is an offset kept in the store */
	assert_int_equal(evse_station_set_clock(s, 1900000000000LL, err, sizeof(err)), 0);
	assert_true(llabs(evse_station_wall_ms(s) - 1900000000000LL) < 1000);
	evse_station_free(s);
}

static void test_app_authorize_personal(void **state)
{
	(void)state;
	struct evse_config cfg;
	char err[200];
	uint64_t now = 1000;
	evse_config_defaults(&cfg);
	cfg.mode = EVSE_MODE_PERSONAL;
	snprintf(cfg.db_path, sizeof(cfg.db_path), ":memory:");
	struct evse_station *s = evse_station_new(&cfg, now, err, sizeof(err));
	tick_for(s, &now, 2000);
	evse_store_set(s->store, "card.1", "MINE");
	assert_int_equal(evse_charge_app_authorize(s->charge, "OTHER", now), -2);
	assert_int_equal(evse_charge_app_authorize(s->charge, "MINE", now), 0);
	assert_int_equal(evse_charge_app_authorize(s->charge, "MINE", now), -1); /* already waiting for the EV */
	assert_int_equal(evse_station_sim_command(s, B("plug response_ms=10"), err, sizeof(err)), 0);
	tick_for(s, &now, 1500);
	assert_int_equal(evse_charge_state(s->charge), EVSE_STATE_CHARGING);
	assert_int_equal(evse_charge_session(s->charge)->start_mode, EVSE_START_APP);
	evse_station_free(s);
}

/* A card written to a slot in one form is the same card in any case and padding (as the central system
 * keeps it: upper case, padded with '0' to 14). */
static void test_personal_card_any_case_and_padding(void **state)
{
	(void)state;
	struct evse_config cfg;
	char err[200];
	uint64_t now = 1000;
	evse_config_defaults(&cfg);
	cfg.mode = EVSE_MODE_PERSONAL;
	snprintf(cfg.db_path, sizeof(cfg.db_path), ":memory:");
	struct evse_station *s = evse_station_new(&cfg, now, err, sizeof(err));
	tick_for(s, &now, 2000);
	evse_store_set(s->store, "card.1", "8c45be53");
	assert_int_equal(evse_charge_app_authorize(s->charge, "8C45BE53000000", now), 0);
	evse_charge_stop(s->charge, EVSE_STOP_LOCAL, now);
	assert_int_equal(evse_charge_app_authorize(s->charge, "8C45BE5", now), -2); /* another card */
	evse_station_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_webform_setup_and_login),
	    cmocka_unit_test(test_webform_card_and_session),
	    cmocka_unit_test(test_webform_schedule),
	    cmocka_unit_test(test_webform_query),
	    cmocka_unit_test(test_webform_query_str),
	    cmocka_unit_test(test_settings_parse_refusals),
	    cmocka_unit_test(test_settings_apply_and_load),
	    cmocka_unit_test(test_throttle),
	    cmocka_unit_test(test_setup_login_sessions),
	    cmocka_unit_test(test_login_throttled),
	    cmocka_unit_test(test_schedule_and_capture),
	    cmocka_unit_test(test_app_authorize_personal),
	    cmocka_unit_test(test_personal_card_any_case_and_padding),
	    cmocka_unit_test(test_login_and_setup_off_the_loop),
	};
	wl_log_set_level(WL_LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

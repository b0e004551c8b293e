/* test_evse_lms.c — the Local Management System's rules with an injected clock (validity window, allowed hours
 * across midnight and days, maximum sessions and energy), the refusals of a user's JSON, the MeterValues
 * figures, and the store: the schema migration of an older database, users and their cards, the group's
 * transactions counted for a user. */
#include "evse_test.h"

#include <sqlite3.h>
#include <unistd.h>

#include "evse_lms.h"
#include "evse_store.h"
#include "ocpp_text.h"

/* 2026-12-03 (a Thursday) at hh:mm UTC */
static int64_t at(int day_offset, int hh, int mm)
{
	int64_t ms;
	assert_true(ocpp_time_parse("2026-12-03T00:00:00Z", &ms));
	return ms + ((int64_t)day_offset * 86400 + hh * 3600 + mm * 60) * 1000;
}

static struct evse_lms_user user(void)
{
	struct evse_lms_user u = {.id = 1, .hours_from = -1, .hours_to = -1};
	snprintf(u.name, sizeof(u.name), "Ann");
	return u;
}

static const struct evse_lms_usage none = {0, 0};

static void test_validity(void **state)
{
	(void)state;
	struct evse_lms_user u = user();
	u.from_ms = at(0, 8, 0);
	u.until_ms = at(2, 8, 0);
	assert_int_equal(evse_lms_check(&u, at(0, 7, 59), 0, &none), EVSE_LMS_NOT_YET_VALID);
	assert_int_equal(evse_lms_check(&u, at(0, 8, 0), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(2, 7, 59), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(2, 8, 0), 0, &none), EVSE_LMS_EXPIRED);
	assert_string_equal(evse_lms_verdict_status(EVSE_LMS_EXPIRED), "Expired");
	assert_string_equal(evse_lms_verdict_status(EVSE_LMS_NOT_YET_VALID), "Invalid");
	u.from_ms = u.until_ms = 0; /* open */
	assert_int_equal(evse_lms_check(&u, at(-9000, 0, 0), 0, &none), EVSE_LMS_ALLOWED);
}

static void test_hours(void **state)
{
	(void)state;
	struct evse_lms_user u = user();
	u.hours_from = 7 * 60;
	u.hours_to = 19 * 60;
	assert_int_equal(evse_lms_check(&u, at(0, 6, 59), 0, &none), EVSE_LMS_OUTSIDE_HOURS);
	assert_int_equal(evse_lms_check(&u, at(0, 7, 0), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(0, 18, 59), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(0, 19, 0), 0, &none), EVSE_LMS_OUTSIDE_HOURS);
	assert_string_equal(evse_lms_verdict_status(EVSE_LMS_OUTSIDE_HOURS), "Blocked");
	/* local time: UTC+1, 06:30 UTC is 07:30 there */
	assert_int_equal(evse_lms_check(&u, at(0, 6, 30), 3600, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(0, 18, 30), 3600, &none), EVSE_LMS_OUTSIDE_HOURS);
}

static void test_hours_across_midnight_and_days(void **state)
{
	(void)state;
	struct evse_lms_user u = user();
	u.hours_from = 22 * 60;
	u.hours_to = 6 * 60;
	assert_int_equal(evse_lms_check(&u, at(0, 23, 0), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(1, 5, 59), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(1, 6, 0), 0, &none), EVSE_LMS_OUTSIDE_HOURS);
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &none), EVSE_LMS_OUTSIDE_HOURS);
	/* Thursday nights only (bit 3): Friday 02:00 is Thursday's window, Thursday 02:00 is Wednesday's */
	u.days = 1u << 3;
	assert_int_equal(evse_lms_check(&u, at(0, 23, 0), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(1, 2, 0), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(0, 2, 0), 0, &none), EVSE_LMS_WRONG_DAY);
	assert_int_equal(evse_lms_check(&u, at(1, 23, 0), 0, &none), EVSE_LMS_WRONG_DAY);
	/* days without hours: the calendar day */
	u.hours_from = u.hours_to = -1;
	u.days = 1u << 5 | 1u << 6; /* the week-end */
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &none), EVSE_LMS_WRONG_DAY);
	assert_int_equal(evse_lms_check(&u, at(2, 0, 0), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(3, 23, 59), 0, &none), EVSE_LMS_ALLOWED);
	assert_int_equal(evse_lms_check(&u, at(4, 0, 0), 0, &none), EVSE_LMS_WRONG_DAY);
}

static void test_max_sessions_and_energy(void **state)
{
	(void)state;
	struct evse_lms_user u = user();
	u.max_sessions = 2;
	struct evse_lms_usage use = {1, 0};
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &use), EVSE_LMS_ALLOWED);
	use.sessions = 2;
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &use), EVSE_LMS_MAX_SESSIONS);
	u.max_sessions = 0;
	u.max_kwh = 10;
	use.wh = 9999;
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &use), EVSE_LMS_ALLOWED);
	use.wh = 10000;
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &use), EVSE_LMS_MAX_ENERGY);
	/* the window is checked first: an expired user is Expired, whatever it used */
	u.until_ms = at(0, 0, 0);
	assert_int_equal(evse_lms_check(&u, at(0, 12, 0), 0, &use), EVSE_LMS_EXPIRED);
}

static void test_parse(void **state)
{
	(void)state;
	struct evse_lms_user u;
	char err[200];
	const char *ok = "{\"name\":\"Ann\",\"cards\":[\"8c45be53\",\"AB-1\"],\"from\":\"2026-12-01T00:00:00Z\","
	                 "\"until\":\"2027-01-01T00:00:00Z\",\"hours\":{\"from\":\"22:00\",\"to\":\"06:00\"},"
	                 "\"days\":[\"Mon\",\"Sun\"],\"maxSessions\":3,\"maxKwh\":12.5}";
	assert_int_equal(evse_lms_user_parse(ok, strlen(ok), &u, err, sizeof(err)), 0);
	assert_string_equal(u.name, "Ann");
	assert_int_equal(u.n_cards, 2);
	assert_string_equal(u.cards[0], "8C45BE53000000"); /* wl_idtag_key */
	assert_true(evse_lms_user_has_card(&u, "8C45BE53"));
	assert_int_equal(u.hours_from, 22 * 60);
	assert_int_equal(u.hours_to, 6 * 60);
	assert_int_equal(u.days, 1u | 1u << 6);
	assert_int_equal(u.max_sessions, 3);
	assert_true(u.max_kwh == 12.5);
	cJSON *j = evse_lms_user_json(&u);
	char *text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"hours\":{\"from\":\"22:00\",\"to\":\"06:00\"}"));
	assert_non_null(strstr(text, "\"days\":[\"Mon\",\"Sun\"]"));
	free(text);
	cJSON_Delete(j);

	static const struct {
		const char *body, *msg;
	} bad[] = {
	    {"{\"name\":\"\",\"cards\":[\"A\"]}", "name: 1..63 characters"},
	    {"{\"name\":\"B\",\"cards\":[]}", "cards: at least one card"},
	    {"{\"name\":\"B\",\"cards\":[\"a b\"]}", "cards: \"a b\" is not a card"},
	    {"{\"name\":\"B\",\"cards\":[\"abc\",\"ABC\"]}", "cards: ABC given twice"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"from\":\"2026-12-02T00:00:00Z\",\"until\":\"2026-12-01T00:00:00Z\"}",
	     "until: must be after from"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"from\":\"yesterday\"}", "from: not a date and time"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"hours\":{\"from\":\"25:00\",\"to\":\"06:00\"}}",
	     "hours: \"25:00\" is not a time of 00:00..23:59"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"hours\":{\"from\":\"07:00\",\"to\":\"07:60\"}}",
	     "hours: \"07:60\" is not a time"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"hours\":{\"from\":\"07:00\",\"to\":\"07:00\"}}", "no hours allowed"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"days\":[\"Moon\"]}", "days: \"Moon\" is not one of Mon..Sun"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"maxSessions\":-1}", "maxSessions: -1 out of range"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"maxSessions\":1.5}", "maxSessions: 1.5 is not a whole number"},
	    {"{\"name\":\"B\",\"cards\":[\"A\"],\"maxKwh\":\"lots\"}", "maxKwh: not a number"},
	    {"[1]", "not a JSON object"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(evse_lms_user_parse(bad[i].body, strlen(bad[i].body), &u, err, sizeof(err)), -1);
		if (!strstr(err, bad[i].msg))
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].body, err, bad[i].msg);
	}
}

static void test_meter(void **state)
{
	(void)state;
	struct evse_lms_meter m;
	const char *mv =
	    "{\"connectorId\":3,\"transactionId\":7,\"meterValue\":[{\"timestamp\":\"x\",\"sampledValue\":["
	    "{\"value\":\"1500\"},"
	    "{\"value\":\"2.5\",\"measurand\":\"Energy.Active.Import.Register\",\"unit\":\"kWh\"},"
	    "{\"value\":\"9800\",\"measurand\":\"Current.Import\",\"unit\":\"mA\",\"phase\":\"L1\"},"
	    "{\"value\":\"10.2\",\"measurand\":\"Current.Import\",\"unit\":\"A\",\"phase\":\"L2\"},"
	    "{\"value\":\"7.1\",\"measurand\":\"Power.Active.Import\",\"unit\":\"kW\"},"
	    "{\"value\":\"-4\",\"measurand\":\"Current.Import\",\"unit\":\"A\"}]}]}";
	cJSON *j = cJSON_Parse(mv);
	evse_lms_meter_read(j, &m);
	assert_true(fabs(m.wh - 2500) < 1e-6);
	assert_true(fabs(m.amps - 10.2) < 1e-9);
	assert_true(fabs(m.watts - 7100) < 1e-6);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"meterValue\":[{\"sampledValue\":[{\"value\":\"abc\"}]}]}");
	evse_lms_meter_read(j, &m);
	assert_true(m.wh < 0 && m.amps < 0 && m.watts < 0);
	cJSON_Delete(j);
}

/* An older database (no user_version, the first release's tables with a row) is migrated once: its rows stay,
 * the new tables work, and opening it again changes nothing. */
static void test_store_migration(void **state)
{
	(void)state;
	char path[] = "/tmp/test-evse-lms-XXXXXX", err[200], v[16];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TABLE kv(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	                              "INSERT INTO kv VALUES('setting.mode','WEB');",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	struct evse_store *st = evse_store_open(path, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(evse_store_schema_version(st), 2);
	assert_int_equal(evse_store_get(st, "setting.mode", v, sizeof(v)), 1);
	assert_string_equal(v, "WEB");
	struct evse_lms_user u = user(), got;
	u.id = 0;
	u.n_cards = 1;
	wl_idtag_key("ab12", u.cards[0]);
	int64_t id = evse_store_lms_user_put(st, &u, v, sizeof(v));
	assert_true(id > 0);
	evse_store_close(st);

	st = evse_store_open(path, err, sizeof(err)); /* again: nothing to migrate, the user is there */
	assert_non_null(st);
	assert_int_equal(evse_store_schema_version(st), 2);
	assert_int_equal(evse_store_lms_user_by_card(st, "AB12000000", &got), 1);
	assert_string_equal(got.name, "Ann");
	evse_store_close(st);

	/* a database of a newer program is refused, not damaged */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=9", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(evse_store_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "schema version 9"));
	unlink(path);
}

struct tx_seen {
	struct evse_group_tx *rows;
	int *n;
};

static void keep_tx(void *ctx, const struct evse_group_tx *t)
{
	struct tx_seen *s = ctx;
	if (*s->n < 3)
		s->rows[(*s->n)++] = *t;
}

static void test_store_users_and_usage(void **state)
{
	(void)state;
	char err[200], conflict[WL_IDTAG_KEY_MAX];
	struct evse_store *st = evse_store_open(":memory:", err, sizeof(err));
	assert_non_null(st);
	struct evse_lms_user a = user(), b = user(), got;
	a.id = b.id = 0;
	a.n_cards = 1;
	wl_idtag_key("CARD-A", a.cards[0]);
	b.n_cards = 1;
	wl_idtag_key("card-a", b.cards[0]); /* the same card, another case */
	snprintf(b.name, sizeof(b.name), "Bob");
	int64_t ida = evse_store_lms_user_put(st, &a, conflict, sizeof(conflict));
	assert_true(ida > 0);
	assert_int_equal(evse_store_lms_user_put(st, &b, conflict, sizeof(conflict)), -2);
	assert_string_equal(conflict, "CARD-A00000000");
	a.id = 99;
	assert_int_equal(evse_store_lms_user_put(st, &a, conflict, sizeof(conflict)), 0); /* no user 99 */

	/* two sessions of the card; the second's own row is left out when it is judged */
	struct evse_group_tx t = {.connector = 2, .user_id = ida, .meter_start = 1000};
	snprintf(t.point, sizeof(t.point), "SAT-A");
	snprintf(t.id_tag, sizeof(t.id_tag), "CARD-A00000000");
	snprintf(t.start, sizeof(t.start), "2026-12-03T10:00:00Z");
	t.start_ms = at(0, 10, 0);
	int64_t r1 = evse_store_gtx_start(st, &t);
	assert_true(r1 > 0);
	assert_int_equal(evse_store_gtx_start(st, &t), r1); /* sent again: the same row */
	assert_int_equal(evse_store_gtx_set_tx(st, r1, 77), 0);
	assert_int_equal(evse_store_gtx_find(st, 77), r1);
	assert_int_equal(evse_store_gtx_meter(st, r1, 3500), 0);
	struct evse_lms_usage use;
	assert_int_equal(evse_store_gtx_usage(st, ida, 0, 0, 0, &use), 0);
	assert_int_equal(use.sessions, 1);
	assert_true(fabs(use.wh - 2500) < 1e-6);
	assert_int_equal(evse_store_gtx_stop(st, r1, "2026-12-03T11:00:00Z", at(0, 11, 0), 5000, "Local"), 0);
	assert_int_equal(evse_store_gtx_stop(st, r1, "2026-12-03T12:00:00Z", at(0, 12, 0), 9000, "Other"), 0);
	snprintf(t.start, sizeof(t.start), "2026-12-04T10:00:00Z");
	t.start_ms = at(1, 10, 0);
	int64_t r2 = evse_store_gtx_start(st, &t);
	assert_true(r2 > r1);
	assert_int_equal(evse_store_gtx_usage(st, ida, 0, 0, r2, &use), 0);
	assert_int_equal(use.sessions, 1);
	assert_true(fabs(use.wh - 4000) < 1e-6); /* the first stop counts, not the second */
	/* the validity window: only sessions started within it */
	assert_int_equal(evse_store_gtx_usage(st, ida, at(1, 0, 0), 0, 0, &use), 0);
	assert_int_equal(use.sessions, 1);
	/* a start the LMS refused: in the history (marked), not in the usage */
	snprintf(t.start, sizeof(t.start), "2026-12-04T11:00:00Z");
	t.start_ms = at(1, 11, 0);
	int64_t r3 = evse_store_gtx_start(st, &t);
	assert_true(r3 > r2);
	assert_int_equal(evse_store_gtx_refuse(st, r3, "Blocked"), 0);
	assert_int_equal(evse_store_gtx_usage(st, ida, 0, 0, 0, &use), 0);
	assert_int_equal(use.sessions, 2);
	struct evse_gtx_filter f = {.limit = 10};
	struct evse_group_tx seen[3];
	int n_seen = 0;
	memset(seen, 0, sizeof(seen));
	assert_int_equal(evse_store_gtx_query(st, &f, keep_tx, &(struct tx_seen){seen, &n_seen}), 3);
	assert_int_equal(seen[0].no, r3); /* newest first */
	assert_string_equal(seen[0].refused, "Blocked");
	assert_string_equal(seen[1].refused, "");
	assert_int_equal(evse_store_lms_user_get(st, ida, &got), 1);
	assert_int_equal(got.n_cards, 1);
	assert_int_equal(evse_store_lms_user_del(st, ida), 1);
	assert_int_equal(evse_store_lms_user_by_card(st, "CARD-A", &got), 0);
	evse_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_validity),
	    cmocka_unit_test(test_hours),
	    cmocka_unit_test(test_hours_across_midnight_and_days),
	    cmocka_unit_test(test_max_sessions_and_energy),
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_meter),
	    cmocka_unit_test(test_store_migration),
	    cmocka_unit_test(test_store_users_and_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

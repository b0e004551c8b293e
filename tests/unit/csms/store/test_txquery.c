/* test_txquery.c — the transaction search filters: each argument parsed or refused with a message naming it,
 * the time ranges in local time (today, the week from Monday, the month), and the SQL built from them run
 * against the real schema in memory (rows chosen so that each filter keeps exactly the expected ones). */
#include "test_util.h"

#include <time.h>

#include "csms_schema.h"
#include "csms_txquery.h"

/* The query arguments of one test: "name=value" strings. */
struct args {
	const char *kv[12];
};

static bool get(void *ctx, const char *name, char *out, size_t outlen)
{
	const struct args *a = ctx;
	size_t n = strlen(name);
	for (int i = 0; i < 12 && a->kv[i]; i++)
		if (strncmp(a->kv[i], name, n) == 0 && a->kv[i][n] == '=') {
			snprintf(out, outlen, "%s", a->kv[i] + n + 1);
			return true;
		}
	return false;
}

static int parse(struct csms_txq *q, struct args a, char *err, size_t errlen)
{
	return csms_txq_parse(q, get, &a, 1763683200000LL /* 2025-11-21T00:00:00Z */, err, errlen);
}

static void refused(struct args a, const char *field)
{
	struct csms_txq q;
	char err[200] = "";
	if (parse(&q, a, err, sizeof(err)) == 0)
		fail_msg("accepted; expected a refusal naming %s", field);
	if (strncmp(err, field, strlen(field)) != 0 || err[strlen(field)] != ':')
		fail_msg("message \"%s\" does not start with \"%s:\"", err, field);
}

static void a_time_range_is_required(void **state)
{
	(void)state;
	refused((struct args){{NULL}}, "range");
	refused((struct args){{"station=CP-1"}}, "range");
	refused((struct args){{"range=year"}}, "range");
	refused((struct args){{"range=today", "from=2025-01-01T00:00:00Z"}}, "range");
	refused((struct args){{"from=2025-01-01T00:00:00Z"}}, "to");
	refused((struct args){{"to=2025-01-01T00:00:00Z"}}, "from");
	refused((struct args){{"from=2025-13-01T00:00:00Z", "to=2025-01-01T00:00:00Z"}}, "from");
	refused((struct args){{"from=2025-01-02T00:00:00Z", "to=2025-01-01T00:00:00Z"}}, "to");
	refused((struct args){{"from=2025-01-01T00:00:00Z", "to=2025-01-01T00:00:00Z"}}, "to");
}

static void each_filter_is_checked_and_names_its_field(void **state)
{
	(void)state;
	refused((struct args){{"range=today", "connector=1"}}, "connector");
	refused((struct args){{"range=today", "station=A", "connector=x"}}, "connector");
	refused((struct args){{"range=today", "station=A", "connector=-1"}}, "connector");
	refused((struct args){{"range=today", "station=a b"}}, "station");
	refused((struct args){{"range=today", "idTag="}}, "idTag");
	refused((struct args){{"range=today", "idTag=123456789012345678901"}}, "idTag");
	refused((struct args){{"range=today", "user=0"}}, "user");
	refused((struct args){{"range=today", "user=+5"}}, "user");
	refused((struct args){{"range=today", "view=1x"}}, "view");
	refused((struct args){{"range=today", "group=1"}}, "group");
	refused((struct args){{"range=today", "view=1", "group=a"}}, "group");
	refused((struct args){{"range=today", "status=paid"}}, "status");
	refused((struct args){{"range=today", "q=\xff\xfe"}}, "q");
}

static void filters_are_parsed_and_cards_normalised(void **state)
{
	struct csms_txq q;
	char err[200];
	(void)state;
	assert_int_equal(
	    parse(&q,
	          (struct args){{"from=2025-01-01T00:00:00Z", "to=2025-02-01T00:00:00.500Z", "station=CP-1",
	                         "connector=2", "idTag=abc", "user=7", "view=3", "group=4", "status=open", "q=Bay"}},
	          err, sizeof(err)),
	    0);
	assert_int_equal(q.from, 1735689600000LL);
	assert_int_equal(q.to, 1738368000500LL);
	assert_string_equal(q.station, "CP-1");
	assert_int_equal(q.connector, 2);
	assert_string_equal(q.id_tag, "ABC00000000000");
	assert_int_equal(q.user, 7);
	assert_int_equal(q.view, 3);
	assert_int_equal(q.group, 4);
	assert_int_equal(q.status, CSMS_TXQ_OPEN);
	assert_string_equal(q.q, "Bay");
}

static void ranges_are_local_days_weeks_from_monday_and_months(void **state)
{
	int64_t from, to;
	(void)state;
	setenv("TZ", "Europe/Rome", 1);
	tzset();
	/* Friday 2025-11-21 10:00 in Rome (09:00Z) */
	int64_t now = 1763715600000LL;
	assert_int_equal(csms_txq_range("today", now, &from, &to), 0);
	assert_int_equal(from, 1763679600000LL); /* 2025-11-20T23:00:00Z */
	assert_int_equal(to, from + 86400000LL);
	assert_int_equal(csms_txq_range("week", now, &from, &to), 0);
	assert_int_equal(from, 1763334000000LL); /* Monday 2025-11-17 00:00 Rome */
	assert_int_equal(to, from + 7 * 86400000LL);
	assert_int_equal(csms_txq_range("month", now, &from, &to), 0);
	assert_int_equal(from, 1761951600000LL); /* 2025-11-01 00:00 Rome (CET) */
	assert_int_equal(to, 1764543600000LL);   /* 2025-12-01 00:00 Rome */
	/* a Sunday belongs to the week that began the Monday before; March has the DST change */
	assert_int_equal(csms_txq_range("week", 1763888400000LL /* Sun 23 Nov 10:00 */, &from, &to), 0);
	assert_int_equal(from, 1763334000000LL);
	assert_int_equal(csms_txq_range("month", 1774000000000LL /* 2026-03-20 */, &from, &to), 0);
	assert_int_equal(to - from, 31 * 86400000LL - 3600000LL);
	assert_int_equal(csms_txq_range("year", now, &from, &to), -1);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* ---- the SQL against the schema ---- */

static sqlite3 *db_with_rows(void)
{
	sqlite3 *db;
	char err[200];
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(csms_schema_migrate(db, err, sizeof(err)), 0);
	assert_int_equal(
	    sqlite3_exec(
	        db,
	        "INSERT INTO station (id, name, created) VALUES ('CP-1', 'Garage', 0), ('CP-2', '50%_off', 0);"
	        "INSERT INTO connector (station_id, connector_id, description) VALUES ('CP-1', 1, ''), "
	        "  ('CP-1', 2, 'Bay east'), ('CP-2', 1, '');"
	        "INSERT INTO charge_user (id, name, surname, tax_code, created, updated) VALUES (7, 'A', 'B', 'C', 0, "
	        "0);"
	        "INSERT INTO id_tag (id_tag, created, user_id) VALUES ('ABC00000000000', 0, 7);"
	        "INSERT INTO socket_view (id, name, created) VALUES (3, 'V', 0);"
	        "INSERT INTO socket_group (id, view_id, name, unassigned) VALUES (4, 3, 'G', 0), (5, 3, 'U', 1);"
	        "INSERT INTO socket_group_member (view_id, group_id, station_id, connector_id) VALUES (3, 4, 'CP-1', "
	        "2);"
	        "INSERT INTO txn (id, station_id, connector_id, id_tag, start_ts, meter_start, start_status, stop_ts, "
	        "  meter_stop, received_start) VALUES "
	        "  (1, 'CP-1', 1, 'ABC00000000000', 1000, 0, 'Accepted', 2000, 10, 0),"
	        "  (2, 'CP-1', 2, 'XYZ00000000000', 1500, 0, 'Accepted', NULL, NULL, 0),"
	        "  (3, 'CP-2', 1, 'ABC00000000000', 2500, 0, 'Accepted', 3000, 20, 0),"
	        "  (4, 'CP-2', 1, 'ABC00000000000', 9000, 0, 'Accepted', 9500, 20, 0);",
	        NULL, NULL, NULL),
	    SQLITE_OK);
	return db;
}

/* The ids the search keeps, as "1,2,3". */
static void ids(sqlite3 *db, struct csms_txq *q, char *out, size_t outlen)
{
	char where[1600], sql[2000];
	sqlite3_stmt *st;
	size_t n = 0;
	out[0] = '\0';
	assert_int_equal(csms_txq_from_where(q, where, sizeof(where)), 0);
	snprintf(sql, sizeof(sql), "SELECT t.id %s ORDER BY t.id", where);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	csms_txq_bind(q, st);
	while (sqlite3_step(st) == SQLITE_ROW)
		n += (size_t)snprintf(out + n, outlen - n, "%s%lld", n ? "," : "", sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
}

static void the_sql_keeps_exactly_the_matching_rows(void **state)
{
	sqlite3 *db = db_with_rows();
	char got[100];
	(void)state;
	struct csms_txq base = {.from = 0, .to = 5000}, q;
#define EXPECT(setup, want)                                                                                            \
	do {                                                                                                           \
		q = base;                                                                                              \
		setup;                                                                                                 \
		ids(db, &q, got, sizeof(got));                                                                         \
		assert_string_equal(got, want);                                                                        \
	} while (0)
	EXPECT((void)0, "1,2,3");
	EXPECT(q.to = 1500, "1");
	EXPECT(snprintf(q.station, sizeof(q.station), "CP-1"), "1,2");
	EXPECT((snprintf(q.station, sizeof(q.station), "CP-1"), q.connector = 2), "2");
	EXPECT(snprintf(q.id_tag, sizeof(q.id_tag), "ABC00000000000"), "1,3");
	EXPECT(q.user = 7, "1,3");
	EXPECT(q.status = CSMS_TXQ_OPEN, "2");
	EXPECT(q.status = CSMS_TXQ_CLOSED, "1,3");
	EXPECT(snprintf(q.q, sizeof(q.q), "garage"), "1,2");
	EXPECT(snprintf(q.q, sizeof(q.q), "bay EAST"), "2");
	EXPECT(snprintf(q.q, sizeof(q.q), "garage #1"), "1");
	EXPECT(snprintf(q.q, sizeof(q.q), "cp-2"), "3");
	EXPECT(snprintf(q.q, sizeof(q.q), "50%%_"), "3");
	EXPECT(snprintf(q.q, sizeof(q.q), "5_%%"), "");
	EXPECT(snprintf(q.q, sizeof(q.q), "'; DROP TABLE txn; --"), "");
	EXPECT((q.view = 3, q.group = 4), "2");
	EXPECT((q.view = 3, q.group = 5, q.group_unassigned = true), "1,3");
	EXPECT((q.user = 7, q.status = CSMS_TXQ_CLOSED, snprintf(q.q, sizeof(q.q), "cp"), q.view = 3, q.group = 5,
	        q.group_unassigned = true),
	       "1,3");
	sqlite3_close(db);
}

static void a_too_small_buffer_is_refused(void **state)
{
	struct csms_txq q = {.user = 1, .q = "x", .group = 1, .view = 1};
	char small[40];
	(void)state;
	assert_int_equal(csms_txq_from_where(&q, small, sizeof(small)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(a_time_range_is_required),
	    cmocka_unit_test(each_filter_is_checked_and_names_its_field),
	    cmocka_unit_test(filters_are_parsed_and_cards_normalised),
	    cmocka_unit_test(ranges_are_local_days_weeks_from_monday_and_months),
	    cmocka_unit_test(the_sql_keeps_exactly_the_matching_rows),
	    cmocka_unit_test(a_too_small_buffer_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

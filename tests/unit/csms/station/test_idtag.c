/* test_idtag.c — card ids and their authorisation against a real database in a temporary folder:
 * normalisation (upper case, zeros up to 14, at most 20), unknown/blocked/expired/not yet valid cards,
 * the parent id tag, and the concurrent-use rule (ConcurrentTx) with its exceptions. */
#include "test_util.h"

#include <time.h>
#include <unistd.h>

#include "csms_idtag.h"
#include "csms_store.h"

#define NOW 1790000000000LL /* ms, a fixed "now" */
#define DAY 86400000LL

static char dir[64];
static struct csms_store *st;

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/csms-idtag-XXXXXX");
	if (!mkdtemp(dir) || csms_store_open(&st, dir) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	static const char *const names[] = {"csms.db", "csms.db-wal", "csms.db-shm"};
	char path[128];

	(void)state;
	csms_store_close(st);
	st = NULL;
	for (unsigned i = 0; i < TU_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static void sql(const char *text)
{
	char *msg = NULL;

	if (sqlite3_exec(csms_store_db(st), text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", text, msg);
}

/* A card row; valid_from, expiry: 0 for none. */
static void add_card(const char *tag, const char *parent, int64_t valid_from, int64_t expiry, bool blocked)
{
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(csms_store_db(st),
	                                    "INSERT INTO id_tag (id_tag, parent_id_tag, valid_from, expiry, blocked, "
	                                    "created) VALUES (?, ?, ?, ?, ?, 0)",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(s, 1, tag, -1, SQLITE_STATIC);
	if (parent)
		sqlite3_bind_text(s, 2, parent, -1, SQLITE_STATIC);
	if (valid_from)
		sqlite3_bind_int64(s, 3, valid_from);
	if (expiry)
		sqlite3_bind_int64(s, 4, expiry);
	sqlite3_bind_int(s, 5, blocked);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

/* A transaction of tag at station/connector; open unless stopped. */
static void add_txn(const char *station, int connector, const char *tag, bool stopped)
{
	char text[400];

	snprintf(text, sizeof(text),
	         "INSERT INTO txn (station_id, connector_id, id_tag, start_ts, meter_start, start_status, stop_ts, "
	         "received_start) VALUES ('%s', %d, '%s', %lld, 0, 'Accepted', %s, 0)",
	         station, connector, tag, (long long)(NOW - DAY), stopped ? "1" : "NULL");
	sql(text);
}

static enum ocpp_authorization_status authorize_at(const char *tag, const char *station, int connector,
                                                   bool allow_concurrent, struct csms_idtag_result *res)
{
	assert_int_equal(csms_idtag_authorize(st, tag, NOW, station, connector, allow_concurrent, res), 0);
	return res->status;
}

static enum ocpp_authorization_status authorize(const char *tag)
{
	struct csms_idtag_result res;

	return authorize_at(tag, "CP-1", 1, false, &res);
}

/* ---- normalisation ---- */

static void assert_normalizes(const char *in, const char *want)
{
	char out[CSMS_IDTAG_MAX + 1];

	memset(out, 'Q', sizeof(out));
	csms_idtag_normalize(in, out);
	assert_string_equal(out, want);
}

static void short_card_id_is_upper_cased_and_padded_with_zeros_to_14(void **state)
{
	(void)state;
	assert_normalizes("04e91c5a", "04E91C5A000000");
	assert_normalizes("a", "A0000000000000");
	assert_normalizes("", "00000000000000");
}

static void card_id_of_14_to_20_characters_is_only_upper_cased(void **state)
{
	(void)state;
	assert_normalizes("04e91c5a2b3f80", "04E91C5A2B3F80");
	assert_normalizes("fleet-0042-abcdefgh", "FLEET-0042-ABCDEFGH");
	assert_normalizes("12345678901234567890", "12345678901234567890");
}

static void card_id_longer_than_20_is_cut_to_20(void **state)
{
	(void)state;
	assert_normalizes("123456789012345678901234", "12345678901234567890");
}

static void normalising_twice_changes_nothing(void **state)
{
	char once[CSMS_IDTAG_MAX + 1], twice[CSMS_IDTAG_MAX + 1];

	(void)state;
	csms_idtag_normalize("ab-12", once);
	csms_idtag_normalize(once, twice);
	assert_string_equal(once, twice);
}

/* ---- authorisation ---- */

static void unknown_card_is_invalid(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	assert_int_equal(authorize_at("04E91C5A2B3F80", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_INVALID);
	assert_false(res.has_expiry);
	assert_string_equal(res.parent, "");
}

static void known_card_without_dates_is_accepted(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("04E91C5A2B3F80", NULL, 0, 0, false);
	assert_int_equal(authorize_at("04E91C5A2B3F80", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
	assert_false(res.has_expiry);
	assert_string_equal(res.parent, "");
}

static void card_is_looked_up_by_its_normalised_id_only(void **state)
{
	(void)state;
	add_card("04E91C5A000000", NULL, 0, 0, false);
	assert_int_equal(authorize("04E91C5A000000"), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
	assert_int_equal(authorize("04e91c5a000000"), OCPP_AUTHORIZATION_STATUS_INVALID); /* callers normalise */
}

static void blocked_card_is_blocked(void **state)
{
	(void)state;
	add_card("BLOCKED0000000", NULL, 0, 0, true);
	assert_int_equal(authorize("BLOCKED0000000"), OCPP_AUTHORIZATION_STATUS_BLOCKED);
}

static void blocked_wins_over_expired(void **state)
{
	(void)state;
	add_card("BOTH0000000000", NULL, 0, NOW - DAY, true);
	assert_int_equal(authorize("BOTH0000000000"), OCPP_AUTHORIZATION_STATUS_BLOCKED);
}

static void card_past_its_expiry_is_expired_with_the_date(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("OLD00000000000", NULL, 0, NOW - DAY, false);
	add_card("EDGE0000000000", NULL, 0, NOW, false);
	assert_int_equal(authorize_at("OLD00000000000", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_EXPIRED);
	assert_true(res.has_expiry);
	assert_int_equal(res.expiry, NOW - DAY);
	assert_int_equal(authorize("EDGE0000000000"), OCPP_AUTHORIZATION_STATUS_EXPIRED); /* expiry is exclusive */
}

static void card_before_its_expiry_is_accepted_with_the_date(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("NEW00000000000", NULL, 0, NOW + DAY, false);
	assert_int_equal(authorize_at("NEW00000000000", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
	assert_true(res.has_expiry);
	assert_int_equal(res.expiry, NOW + DAY);
}

static void card_not_yet_valid_is_invalid(void **state)
{
	(void)state;
	add_card("SOON0000000000", NULL, NOW + 1, 0, false);
	add_card("STARTED0000000", NULL, NOW, 0, false);
	assert_int_equal(authorize("SOON0000000000"), OCPP_AUTHORIZATION_STATUS_INVALID);
	assert_int_equal(authorize("STARTED0000000"), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
}

static void accepted_card_returns_its_parent_normalised(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CHILD000000000", "fleet-42", 0, 0, false);
	assert_int_equal(authorize_at("CHILD000000000", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
	assert_string_equal(res.parent, "FLEET-42000000");
}

static void refused_card_returns_its_parent_too(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CHILD000000000", "FLEET-42000000", 0, 0, true);
	assert_int_equal(authorize_at("CHILD000000000", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_BLOCKED);
	assert_string_equal(res.parent, "FLEET-42000000");
}

/* ---- concurrent use ---- */

static void card_charging_at_another_station_is_concurrent_tx(void **state)
{
	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-2", 1, "CARD0000000000", false);
	assert_int_equal(authorize("CARD0000000000"), OCPP_AUTHORIZATION_STATUS_CONCURRENT_TX);
}

static void card_charging_at_another_connector_of_the_station_is_concurrent_tx(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-1", 2, "CARD0000000000", false);
	assert_int_equal(authorize_at("CARD0000000000", "CP-1", 1, false, &res),
	                 OCPP_AUTHORIZATION_STATUS_CONCURRENT_TX);
}

static void card_charging_at_the_same_connector_is_not_concurrent(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-1", 1, "CARD0000000000", false);
	assert_int_equal(authorize_at("CARD0000000000", "CP-1", 1, false, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
}

static void any_connector_of_the_same_station_is_here_for_authorize(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-1", 2, "CARD0000000000", false);
	assert_int_equal(authorize_at("CARD0000000000", "CP-1", -1, false, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
	assert_int_equal(authorize_at("CARD0000000000", "CP-9", -1, false, &res),
	                 OCPP_AUTHORIZATION_STATUS_CONCURRENT_TX);
}

static void finished_transaction_elsewhere_is_not_concurrent(void **state)
{
	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-2", 1, "CARD0000000000", true);
	assert_int_equal(authorize("CARD0000000000"), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
}

static void another_cards_transaction_is_not_concurrent(void **state)
{
	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-2", 1, "OTHER000000000", false);
	assert_int_equal(authorize("CARD0000000000"), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
}

static void allow_concurrent_accepts_a_card_charging_elsewhere(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-2", 1, "CARD0000000000", false);
	assert_int_equal(authorize_at("CARD0000000000", "CP-1", 1, true, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
}

static void lookup_without_a_station_skips_the_concurrency_check(void **state)
{
	struct csms_idtag_result res;

	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-2", 1, "CARD0000000000", false);
	assert_int_equal(authorize_at("CARD0000000000", NULL, 0, false, &res), OCPP_AUTHORIZATION_STATUS_ACCEPTED);
}

static void refused_card_is_not_reported_as_concurrent(void **state)
{
	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, true);
	add_txn("CP-2", 1, "CARD0000000000", false);
	assert_int_equal(authorize("CARD0000000000"), OCPP_AUTHORIZATION_STATUS_BLOCKED);
}

/* ---- the same inside a store job, as the handlers run it ---- */

struct auth_job {
	struct csms_job job;
	struct csms_idtag_result res;
	bool *done;
};

static int exec_auth(struct csms_store *store, struct csms_job *job)
{
	struct auth_job *j = (struct auth_job *)job;

	return csms_idtag_authorize(store, "CARD0000000000", NOW, "CP-1", 1, false, &j->res);
}

static enum ocpp_authorization_status job_status;
static int job_rc;

static void done_auth(struct csms_job *job)
{
	struct auth_job *j = (struct auth_job *)job;

	job_status = j->res.status;
	job_rc = job->rc;
	*j->done = true;
	free(j);
}

static void notify_nothing(void *ctx)
{
	(void)ctx;
}

static void authorize_runs_inside_a_store_job(void **state)
{
	struct auth_job *j = calloc(1, sizeof(*j));
	bool done = false;
	struct timespec ms = {0, 1000000};

	(void)state;
	add_card("CARD0000000000", NULL, 0, 0, false);
	add_txn("CP-2", 1, "CARD0000000000", false);
	assert_non_null(j);
	j->job.exec = exec_auth;
	j->job.done = done_auth;
	j->done = &done;
	assert_int_equal(csms_store_start(st, notify_nothing, NULL), 0);
	csms_store_submit(st, &j->job);
	for (int i = 0; i < 10000 && !done; i++)
		if (!csms_store_finish(st))
			nanosleep(&ms, NULL);
	assert_true(done);
	assert_int_equal(job_rc, 0);
	assert_int_equal(job_status, OCPP_AUTHORIZATION_STATUS_CONCURRENT_TX);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(short_card_id_is_upper_cased_and_padded_with_zeros_to_14),
	    cmocka_unit_test(card_id_of_14_to_20_characters_is_only_upper_cased),
	    cmocka_unit_test(card_id_longer_than_20_is_cut_to_20),
	    cmocka_unit_test(normalising_twice_changes_nothing),
	    T(unknown_card_is_invalid),
	    T(known_card_without_dates_is_accepted),
	    T(card_is_looked_up_by_its_normalised_id_only),
	    T(blocked_card_is_blocked),
	    T(blocked_wins_over_expired),
	    T(card_past_its_expiry_is_expired_with_the_date),
	    T(card_before_its_expiry_is_accepted_with_the_date),
	    T(card_not_yet_valid_is_invalid),
	    T(accepted_card_returns_its_parent_normalised),
	    T(refused_card_returns_its_parent_too),
	    T(card_charging_at_another_station_is_concurrent_tx),
	    T(card_charging_at_another_connector_of_the_station_is_concurrent_tx),
	    T(card_charging_at_the_same_connector_is_not_concurrent),
	    T(any_connector_of_the_same_station_is_here_for_authorize),
	    T(finished_transaction_elsewhere_is_not_concurrent),
	    T(another_cards_transaction_is_not_concurrent),
	    T(allow_concurrent_accepts_a_card_charging_elsewhere),
	    T(lookup_without_a_station_skips_the_concurrency_check),
	    T(refused_card_is_not_reported_as_concurrent),
	    T(authorize_runs_inside_a_store_job),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

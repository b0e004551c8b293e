/* test_operator_db.c — csms_operator_db on a real database: usernames unique (any case); the first-start
 * insert refused once an operator exists; the last Administrator can neither lose the role nor be
 * deleted; sessions found only while live and by their hash; API tokens revoked once, only by their
 * owner; a password change ends the other sessions and revokes every token; the list by role. */
#include "db_fixture.h"

#include "csms_operator_db.h"

static int64_t add(const char *username, const char *role)
{
	struct csms_operator_new o = {username, "N", "S", "n@example.org", "", "en", role, "hash"};
	int64_t id = 0;
	assert_int_equal(csms_operator_db_insert(fx_db, &o, false, 1000, &id), 0);
	return id;
}

static void usernames_are_unique_and_setup_only_once(void **state)
{
	(void)state;
	int64_t id;
	struct csms_operator_new first = {"root", "N", "S", "n@example.org", "", "en", "administrator", "h"};
	assert_int_equal(csms_operator_db_insert(fx_db, &first, true, 1000, &id), 0);
	assert_int_equal(csms_operator_db_insert(fx_db, &first, true, 1000, &id), CSMS_DB_REFUSED);
	first.username = "ROOT";
	assert_int_equal(csms_operator_db_insert(fx_db, &first, false, 1000, &id), CSMS_DB_EXISTS);
	assert_int_equal(csms_operator_db_count(fx_db), 1);
}

static void last_administrator_keeps_the_role_and_the_account(void **state)
{
	(void)state;
	int64_t admin = add("admin", "administrator"), tech = add("tech", "maintenance_technician");
	char role[32];
	const char *demote[CSMS_OPERATOR_NTEXT] = {[CSMS_OPERATOR_ROLE] = "local_manager"};
	/* in a job (a savepoint, as the store runs it) the refusal keeps nothing */
	fx_exec("SAVEPOINT job");
	assert_int_equal(csms_operator_db_update(fx_db, admin, demote, 2000), CSMS_DB_REFUSED);
	fx_exec("ROLLBACK TO job; RELEASE job; SAVEPOINT job");
	assert_int_equal(csms_operator_db_delete(fx_db, admin), CSMS_DB_REFUSED);
	fx_exec("ROLLBACK TO job; RELEASE job");
	assert_int_equal(csms_operator_db_role(fx_db, admin, role, sizeof(role)), 0);
	assert_string_equal(role, "administrator");
	assert_int_equal(csms_operator_db_delete(fx_db, tech), 0);
	assert_int_equal(csms_operator_db_role(fx_db, tech, role, sizeof(role)), CSMS_DB_MISSING);
	assert_int_equal(csms_operator_db_delete(fx_db, tech), CSMS_DB_MISSING);
}

static void edit_changes_only_given_texts(void **state)
{
	(void)state;
	int64_t a = add("admin", "administrator"), b = add("other", "administrator");
	char role[32];
	const char *t[CSMS_OPERATOR_NTEXT] = {[CSMS_OPERATOR_PHONE] = "+39 1", [CSMS_OPERATOR_ROLE] = "local_manager"};
	assert_int_equal(csms_operator_db_update(fx_db, b, t, 2000), 0);
	assert_int_equal(csms_operator_db_role(fx_db, b, role, sizeof(role)), 0);
	assert_string_equal(role, "local_manager");
	assert_int_equal(fx_int("SELECT count(*) FROM operator WHERE phone = '+39 1' AND name = 'N'"), 1);
	assert_int_equal(csms_operator_db_update(fx_db, a + 100, t, 2000), CSMS_DB_MISSING);
}

static void sessions_are_found_while_live(void **state)
{
	(void)state;
	int64_t id = add("admin", "administrator");
	struct csms_operator_auth a;
	assert_int_equal(csms_operator_db_session_start(fx_db, "H1", id, "C1", "127.0.0.1", "it", 1000, 5000), 0);
	assert_int_equal(csms_operator_db_session(fx_db, "H1", 2000, &a), 0);
	assert_int_equal(a.operator_id, id);
	assert_string_equal(a.username, "admin");
	assert_string_equal(a.role, "administrator");
	assert_string_equal(a.language, "it"); /* the login's language is kept */
	assert_string_equal(a.csrf, "C1");
	assert_int_equal(csms_operator_db_session(fx_db, "H1", 5000, &a), CSMS_DB_MISSING); /* expired */
	assert_int_equal(csms_operator_db_session(fx_db, "H2", 2000, &a), CSMS_DB_MISSING);
	assert_int_equal(csms_operator_db_session_is_live(fx_db, "H1", 2000), 1);
	/* a new login deletes everybody's expired sessions */
	assert_int_equal(csms_operator_db_session_start(fx_db, "H2", id, "C2", "127.0.0.1", "en", 6000, 9000), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM session"), 1);
	assert_int_equal(csms_operator_db_session_end(fx_db, "H2"), 0);
	assert_int_equal(csms_operator_db_session_is_live(fx_db, "H2", 7000), 0);
}

static void tokens_are_revoked_by_their_owner_and_by_a_password_change(void **state)
{
	(void)state;
	int64_t a = add("admin", "administrator"), b = add("other", "administrator"), t1, t2;
	struct csms_operator_auth who;
	assert_int_equal(csms_operator_db_token_insert(fx_db, a, "script", "TH1", "abcd1234", 1000, &t1), 0);
	assert_int_equal(csms_operator_db_token_insert(fx_db, a, "other", "TH2", "efgh5678", 1000, &t2), 0);
	assert_int_equal(csms_operator_db_token(fx_db, "TH1", &who), 0);
	assert_int_equal(who.token_id, t1);
	assert_int_equal(csms_operator_db_token_revoke(fx_db, t1, b, 2000), CSMS_DB_MISSING); /* not theirs */
	assert_int_equal(csms_operator_db_token_revoke(fx_db, t1, a, 2000), 0);
	assert_int_equal(csms_operator_db_token_revoke(fx_db, t1, a, 3000), 0);
	assert_int_equal(fx_int("SELECT revoked FROM api_token WHERE token_hash = 'TH1'"), 2000); /* kept */
	assert_int_equal(csms_operator_db_token(fx_db, "TH1", &who), CSMS_DB_MISSING);
	assert_int_equal(csms_operator_db_token_is_live(fx_db, t2), 1);
	/* a changed password: other sessions end, every token is revoked */
	assert_int_equal(csms_operator_db_session_start(fx_db, "KEEP", a, "C", "", "en", 1000, 90000), 0);
	assert_int_equal(csms_operator_db_session_start(fx_db, "GONE", a, "C", "", "en", 1000, 90000), 0);
	assert_int_equal(csms_operator_db_set_password(fx_db, a, "new-hash", false, 4000), 0);
	assert_int_equal(csms_operator_db_end_credentials(fx_db, a, "KEEP", 4000), 0);
	assert_int_equal(csms_operator_db_session_is_live(fx_db, "KEEP", 5000), 1);
	assert_int_equal(csms_operator_db_session_is_live(fx_db, "GONE", 5000), 0);
	assert_int_equal(csms_operator_db_token_is_live(fx_db, t2), 0);
	char hash[64];
	assert_int_equal(csms_operator_db_password_hash(fx_db, a, hash, sizeof(hash)), 0);
	assert_string_equal(hash, "new-hash");
	assert_int_equal(csms_operator_db_set_password(fx_db, a + 100, "x", true, 4000), CSMS_DB_MISSING);
}

static int count(const struct csms_operator_row *o, void *ctx)
{
	(void)o;
	(*(int *)ctx)++;
	return 0;
}

static void list_by_role_is_paged(void **state)
{
	(void)state;
	long long total;
	int n = 0;
	add("a", "administrator");
	add("b", "local_manager");
	add("c", "local_manager");
	struct csms_db_page pg = {1, 0, "username ASC"};
	assert_int_equal(csms_operator_db_list(fx_db, "local_manager", &pg, count, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 2);
	pg.offset = 9;
	assert_int_equal(csms_operator_db_list(fx_db, "local_manager", &pg, count, &n, &total), 0);
	assert_int_equal(total, 2);
	pg.offset = 0;
	pg.limit = 10;
	n = 0;
	assert_int_equal(csms_operator_db_list(fx_db, NULL, &pg, count, &n, &total), 0);
	assert_int_equal(n, 3);
	int64_t id;
	char hash[16], lang[8];
	assert_int_equal(csms_operator_db_login(fx_db, "b", &id, hash, sizeof(hash), lang, sizeof(lang)), 0);
	assert_string_equal(hash, "hash");
	assert_int_equal(csms_operator_db_login(fx_db, "zz", &id, hash, sizeof(hash), lang, sizeof(lang)),
	                 CSMS_DB_MISSING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(usernames_are_unique_and_setup_only_once),
	    FX_TEST(last_administrator_keeps_the_role_and_the_account),
	    FX_TEST(edit_changes_only_given_texts),
	    FX_TEST(sessions_are_found_while_live),
	    FX_TEST(tokens_are_revoked_by_their_owner_and_by_a_password_change),
	    FX_TEST(list_by_role_is_paged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

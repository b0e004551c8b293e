/* test_card_db.c — csms_user_db, csms_card_db and the card parts of csms_list_db on a real database:
 * users created, edited (only given fields), listed by a text filter; a user with cards is not deleted
 * unless cascade, which takes their cards out of their lists (new list versions); cards created once
 * (a second time: exists), edited field by field (null clears), filtered by state at a given time,
 * deleted (leaving their lists); every card change leaves a card_change row. */
#include "db_fixture.h"

#include "csms_card_db.h"
#include "csms_list_db.h"
#include "csms_user_db.h"

static int64_t new_user(const char *name, const char *surname)
{
	const char *f[CSMS_USER_NFIELDS] = {name, surname, "TAX", NULL, NULL, NULL, NULL};
	int64_t id = 0;
	assert_int_equal(csms_user_db_insert(fx_db, f, 1000, &id), 0);
	return id;
}

static void new_card(const char *tag, int64_t user)
{
	struct csms_card_write w = {.id_tag = tag, .set_user = true, .user_id = user, .now = 1000};
	w.valid_from = w.expiry = CSMS_DB_NO_TIME;
	assert_int_equal(csms_card_db_insert(fx_db, &w), 0);
}

struct got_user {
	char name[64], email[64];
	int64_t cards;
};

static int copy_user(const struct csms_user *u, void *ctx)
{
	struct got_user *g = ctx;
	snprintf(g->name, sizeof(g->name), "%s", u->field[CSMS_USER_NAME]);
	snprintf(g->email, sizeof(g->email), "%s", u->field[CSMS_USER_EMAIL]);
	g->cards = u->cards;
	return 0;
}

static void user_edit_changes_only_the_given_fields(void **state)
{
	(void)state;
	struct got_user g;
	int64_t id = new_user("Ada", "Lovelace");
	const char *f[CSMS_USER_NFIELDS] = {NULL, NULL, NULL, "ada@example.org", NULL, NULL, NULL};
	assert_int_equal(csms_user_db_update(fx_db, id, f, 2000), 0);
	assert_int_equal(csms_user_db_get(fx_db, id, copy_user, &g), 0);
	assert_string_equal(g.name, "Ada");
	assert_string_equal(g.email, "ada@example.org");
	assert_int_equal(csms_user_db_update(fx_db, id + 1, f, 2000), CSMS_DB_MISSING);
	assert_int_equal(csms_user_db_get(fx_db, id + 1, copy_user, &g), CSMS_DB_MISSING);
	assert_int_equal(csms_user_db_exists(fx_db, id), 1);
	assert_int_equal(csms_user_db_exists(fx_db, id + 1), 0);
}

static int count_row(const struct csms_user *u, void *ctx)
{
	(void)u;
	(*(int *)ctx)++;
	return 0;
}

static void user_list_filters_by_text(void **state)
{
	(void)state;
	long long total;
	int n = 0;
	new_user("Ada", "Lovelace");
	new_user("Alan", "Turing");
	new_user("Grace", "Hopper");
	struct csms_db_page pg = {50, 0, "u.surname ASC"};
	assert_int_equal(csms_user_db_list(fx_db, "%ur%", &pg, count_row, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	n = 0;
	assert_int_equal(csms_user_db_list(fx_db, NULL, &pg, count_row, &n, &total), 0);
	assert_int_equal(n, 3);
	assert_int_equal(total, 3);
	pg.offset = 5; /* past the end, filtered: still counted */
	assert_int_equal(csms_user_db_list(fx_db, "%a%", &pg, count_row, &n, &total), 0);
	assert_int_equal(total, 3);
}

static void user_with_cards_is_deleted_only_with_cascade(void **state)
{
	(void)state;
	int64_t id = new_user("Ada", "Lovelace"), cards = -1;
	struct got_user g;
	new_card("AAA00000000000", id);
	new_card("BBB00000000000", id);
	fx_exec("INSERT INTO card_list (id, name, version, created, updated) VALUES (7, 'L', 3, 0, 0);"
	        "INSERT INTO card_list_item (list_id, id_tag) VALUES (7, 'AAA00000000000');");
	assert_int_equal(csms_user_db_get(fx_db, id, copy_user, &g), 0);
	assert_int_equal(g.cards, 2);
	assert_int_equal(csms_user_db_delete(fx_db, id, false, 2000, &cards), CSMS_DB_REFUSED);
	assert_int_equal(cards, 0);
	assert_int_equal(csms_user_db_delete(fx_db, id, true, 2000, &cards), 0);
	assert_int_equal(cards, 2);
	assert_int_equal(fx_int("SELECT count(*) FROM id_tag"), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM card_list_item"), 0);
	assert_int_equal(fx_int("SELECT version FROM card_list WHERE id = 7"), 4);
	assert_int_equal(csms_user_db_delete(fx_db, id, true, 2000, &cards), CSMS_DB_MISSING);
}

struct got_card {
	char parent[32], description[64], state[24];
	int64_t valid_from, expiry;
	bool blocked;
};

static int copy_card(const struct csms_card *c, void *ctx)
{
	struct got_card *g = ctx;
	snprintf(g->parent, sizeof(g->parent), "%s", c->parent_id_tag ? c->parent_id_tag : "(null)");
	snprintf(g->description, sizeof(g->description), "%s", c->description);
	snprintf(g->state, sizeof(g->state), "%s", c->state);
	g->valid_from = c->valid_from;
	g->expiry = c->expiry;
	g->blocked = c->blocked;
	return 0;
}

static void card_is_created_once_and_edited_field_by_field(void **state)
{
	(void)state;
	int64_t user = new_user("Ada", "Lovelace");
	struct got_card g;
	int64_t changes = fx_int("SELECT count(*) FROM card_change");
	new_card("AAA00000000000", user);
	assert_int_equal(fx_int("SELECT count(*) FROM card_change"), changes + 1);
	struct csms_card_write again = {.id_tag = "AAA00000000000", .set_user = true, .user_id = user, .now = 1};
	assert_int_equal(csms_card_db_insert(fx_db, &again), CSMS_DB_EXISTS);

	struct csms_card_write w = {.id_tag = "AAA00000000000",
	                            .set_parent = true,
	                            .parent_id_tag = "PARENT00000000",
	                            .set_description = true,
	                            .description = "blue",
	                            .set_expiry = true,
	                            .expiry = 5000,
	                            .now = 2000};
	assert_int_equal(csms_card_db_update(fx_db, &w), 0);
	assert_int_equal(csms_card_db_get(fx_db, "AAA00000000000", 1000, copy_card, &g), 0);
	assert_string_equal(g.parent, "PARENT00000000");
	assert_string_equal(g.description, "blue");
	assert_int_equal(g.expiry, 5000);
	assert_string_equal(g.state, "active");
	assert_int_equal(csms_card_db_get(fx_db, "AAA00000000000", 6000, copy_card, &g), 0);
	assert_string_equal(g.state, "expired");
	/* null clears; fields not set stay */
	struct csms_card_write clear = {.id_tag = "AAA00000000000",
	                                .set_parent = true,
	                                .set_expiry = true,
	                                .expiry = CSMS_DB_NO_TIME,
	                                .valid_from = CSMS_DB_NO_TIME,
	                                .now = 3000};
	assert_int_equal(csms_card_db_update(fx_db, &clear), 0);
	assert_int_equal(csms_card_db_get(fx_db, "AAA00000000000", 1000, copy_card, &g), 0);
	assert_string_equal(g.parent, "(null)");
	assert_int_equal(g.expiry, CSMS_DB_NO_TIME);
	assert_string_equal(g.description, "blue");
	clear.id_tag = "NOPE0000000000";
	assert_int_equal(csms_card_db_update(fx_db, &clear), CSMS_DB_MISSING);
	assert_int_equal(csms_card_db_get(fx_db, "NOPE0000000000", 1000, copy_card, &g), CSMS_DB_MISSING);
}

static int count_card(const struct csms_card *c, void *ctx)
{
	(void)c;
	(*(int *)ctx)++;
	return 0;
}

static void card_list_filters_by_state_user_and_text(void **state)
{
	(void)state;
	int64_t a = new_user("Ada", "Lovelace"), b = new_user("Alan", "Turing");
	long long total;
	int n;
	new_card("AAA00000000000", a);
	new_card("BBB00000000000", b);
	new_card("CCC00000000000", b);
	struct csms_card_write block = {.id_tag = "CCC00000000000",
	                                .set_blocked = true,
	                                .blocked = true,
	                                .valid_from = CSMS_DB_NO_TIME,
	                                .expiry = CSMS_DB_NO_TIME,
	                                .now = 1};
	assert_int_equal(csms_card_db_update(fx_db, &block), 0);
	struct csms_db_page pg = {50, 0, "t.id_tag ASC"};
	struct csms_card_filter f = {NULL, b, CSMS_CARD_DB_ANY, 2000};
	n = 0;
	assert_int_equal(csms_card_db_list(fx_db, &f, &pg, count_card, &n, &total), 0);
	assert_int_equal(n, 2);
	f.state = CSMS_CARD_DB_BLOCKED;
	n = 0;
	assert_int_equal(csms_card_db_list(fx_db, &f, &pg, count_card, &n, &total), 0);
	assert_int_equal(n, 1);
	struct csms_card_filter text = {"%love%", 0, CSMS_CARD_DB_ACTIVE, 2000};
	n = 0;
	assert_int_equal(csms_card_db_list(fx_db, &text, &pg, count_card, &n, &total), 0);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	sqlite3_stmt *st = csms_card_db_export(fx_db, &f);
	assert_non_null(st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "CCC00000000000");
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static int add_list_name(int64_t id, const char *name, void *ctx)
{
	(void)id;
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 32 - n, "%s", name);
	return 0;
}

static void deleted_card_leaves_its_lists(void **state)
{
	(void)state;
	char names[32] = "";
	new_card("AAA00000000000", new_user("Ada", "Lovelace"));
	fx_exec(
	    "INSERT INTO card_list (id, name, version, created, updated) VALUES (1, 'B', 1, 0, 0), (2, 'A', 1, 0, 0);"
	    "INSERT INTO card_list_item (list_id, id_tag) VALUES (1, 'AAA00000000000'), (2, 'AAA00000000000');");
	assert_int_equal(csms_list_db_lists_of_tag(fx_db, "AAA00000000000", add_list_name, names), 0);
	assert_string_equal(names, "AB");
	assert_int_equal(csms_card_db_delete(fx_db, "AAA00000000000", 5000), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM card_list_item"), 0);
	assert_int_equal(fx_int("SELECT sum(version) FROM card_list"), 4);
	assert_int_equal(fx_int("SELECT count(*) FROM card_list WHERE updated = 5000"), 2);
	assert_int_equal(csms_card_db_delete(fx_db, "AAA00000000000", 5000), CSMS_DB_MISSING);
	assert_int_equal(csms_card_db_exists(fx_db, "AAA00000000000"), 0);
}

static void put_creates_or_replaces_but_keeps_the_user(void **state)
{
	(void)state;
	struct got_card g;
	int64_t user = new_user("Ada", "Lovelace");
	struct csms_card_write w = {.id_tag = "PUT00000000000",
	                            .parent_id_tag = "P0000000000000",
	                            .description = "d",
	                            .valid_from = CSMS_DB_NO_TIME,
	                            .expiry = 9000,
	                            .blocked = true,
	                            .now = 1000};
	assert_int_equal(csms_card_db_put(fx_db, &w), 0);
	fx_exec("UPDATE id_tag SET user_id = (SELECT max(id) FROM charge_user) WHERE id_tag = 'PUT00000000000'");
	struct csms_card_write again = {
	    .id_tag = "PUT00000000000", .valid_from = 500, .expiry = CSMS_DB_NO_TIME, .now = 2000};
	assert_int_equal(csms_card_db_put(fx_db, &again), 0);
	assert_int_equal(csms_card_db_get(fx_db, "PUT00000000000", 1000, copy_card, &g), 0);
	assert_string_equal(g.parent, "(null)");
	assert_string_equal(g.description, "");
	assert_int_equal(g.valid_from, 500);
	assert_int_equal(g.expiry, CSMS_DB_NO_TIME);
	assert_false(g.blocked);
	assert_int_equal(fx_int("SELECT user_id FROM id_tag WHERE id_tag = 'PUT00000000000'"), user);
}

struct entries {
	char tags[128];
	int exists;
};

static int join_entry(const struct csms_card_entry *e, void *ctx)
{
	struct entries *got = ctx;
	size_t n = strlen(got->tags);
	snprintf(got->tags + n, sizeof(got->tags) - n, "%c", e->id_tag[0]);
	got->exists += e->exists;
	return 0;
}

static void local_list_entries_by_list_default_and_changes(void **state)
{
	(void)state;
	int64_t user = new_user("Ada", "Lovelace"), before = 0, after = 0, n = 0;
	assert_int_equal(csms_card_db_last_change(fx_db, &before), 0);
	new_card("A0000000000000", user);
	new_card("B0000000000000", user);
	struct csms_card_write later = {.id_tag = "C0000000000000",
	                                .set_valid_from = true,
	                                .valid_from = 5000,
	                                .expiry = CSMS_DB_NO_TIME,
	                                .now = 1000};
	assert_int_equal(csms_card_db_insert(fx_db, &later), 0);
	fx_exec("INSERT INTO card_list (id, name, created, updated) VALUES (1, 'L', 0, 0);"
	        "INSERT INTO card_list_item (list_id, id_tag) VALUES (1, 'B0000000000000'), (1, 'C0000000000000');");
	/* the default list at 2000: the cards active then, after the cursor, at most limit */
	struct entries got = {"", 0};
	struct csms_card_entries q = {.now = 2000, .after = "", .limit = 10};
	assert_int_equal(csms_card_db_entries(fx_db, &q, join_entry, &got), 0);
	assert_string_equal(got.tags, "AB");
	assert_int_equal(csms_card_db_count_valid(fx_db, 2000, &n), 0);
	assert_int_equal(n, 2);
	q.after = "A0000000000000";
	memset(&got, 0, sizeof(got));
	assert_int_equal(csms_card_db_entries(fx_db, &q, join_entry, &got), 0);
	assert_string_equal(got.tags, "B");
	/* a named list */
	struct csms_card_entries list = {.list_id = 1, .now = 6000, .after = "", .limit = 10};
	memset(&got, 0, sizeof(got));
	assert_int_equal(csms_card_db_entries(fx_db, &list, join_entry, &got), 0);
	assert_string_equal(got.tags, "BC");
	/* the changes since `before`: a deleted card is an entry that no longer exists */
	assert_int_equal(csms_card_db_delete(fx_db, "A0000000000000", 3000), 0);
	assert_int_equal(csms_card_db_last_change(fx_db, &after), 0);
	struct csms_card_entries diff = {.diff = true, .from_seq = before, .to_seq = after, .after = "", .limit = 10};
	memset(&got, 0, sizeof(got));
	assert_int_equal(csms_card_db_entries(fx_db, &diff, join_entry, &got), 0);
	assert_string_equal(got.tags, "ABC");
	assert_int_equal(got.exists, 2);
	/* activation: C's date passes, it becomes a change */
	assert_int_equal(csms_card_db_activate(fx_db, 4000, 6000), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM card_change WHERE id_tag = 'C0000000000000' AND ts = 6000"), 1);
}

static void lookup_through_the_store_cache_reads_the_card(void **state)
{
	(void)state;
	struct csms_card_auth a;
	struct csms_card_write w = {.id_tag = "LOOK0000000000",
	                            .parent_id_tag = "PARENT00000000",
	                            .valid_from = 100,
	                            .expiry = CSMS_DB_NO_TIME,
	                            .blocked = true,
	                            .now = 1};
	assert_int_equal(csms_card_db_put(fx_db, &w), 0);
	assert_int_equal(csms_card_db_lookup(fx_store, "LOOK0000000000", &a), 1);
	assert_string_equal(a.parent_id_tag, "PARENT00000000");
	assert_int_equal(a.valid_from, 100);
	assert_int_equal(a.expiry, CSMS_DB_NO_TIME);
	assert_true(a.blocked);
	assert_int_equal(csms_card_db_lookup(fx_store, "NONE0000000000", &a), 0);
	assert_int_equal(csms_card_db_is_blocked(fx_db, "LOOK0000000000"), 1);
	assert_int_equal(csms_card_db_is_blocked(fx_db, "NONE0000000000"), CSMS_DB_MISSING);
	w.blocked = false;
	assert_int_equal(csms_card_db_put(fx_db, &w), 0);
	assert_int_equal(csms_card_db_is_blocked(fx_db, "LOOK0000000000"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(user_edit_changes_only_the_given_fields),
	    FX_TEST(user_list_filters_by_text),
	    FX_TEST(user_with_cards_is_deleted_only_with_cascade),
	    FX_TEST(card_is_created_once_and_edited_field_by_field),
	    FX_TEST(card_list_filters_by_state_user_and_text),
	    FX_TEST(deleted_card_leaves_its_lists),
	    FX_TEST(put_creates_or_replaces_but_keeps_the_user),
	    FX_TEST(local_list_entries_by_list_default_and_changes),
	    FX_TEST(lookup_through_the_store_cache_reads_the_card),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_list_db.c — csms_list_db on a real database: a list keeps only registered cards, names are unique
 * (any case), every edit grows the version, add/remove and replace, a renamed list's name reaches the
 * stations holding it, a list held by a station is not deleted; the default list is every card; what a
 * station holds; the paged list filtered by text. */
#include "db_fixture.h"

#include "csms_list_db.h"

static void cards(void)
{
	fx_exec("INSERT INTO id_tag (id_tag, description, created) VALUES ('A0000000000000', 'a', 0), "
	        "('B0000000000000', 'b', 0), ('C0000000000000', 'c', 0);");
}

static const csms_list_tag ab[] = {"A0000000000000", "B0000000000000", "Z0000000000000"};

static void list_keeps_registered_cards_and_unique_names(void **state)
{
	(void)state;
	int64_t id, other;
	cards();
	assert_int_equal(csms_list_db_insert(fx_db, "Staff", "", ab, 3, 1000, &id), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM card_list_item"), 2); /* Z is no card */
	assert_int_equal(csms_list_db_insert(fx_db, "STAFF", "", NULL, 0, 1000, &other), CSMS_DB_EXISTS);
	assert_int_equal(csms_list_db_exists(fx_db, id), 1);
	assert_int_equal(csms_list_db_exists(fx_db, id + 1), 0);
}

static void edits_grow_the_version_and_reach_the_stations(void **state)
{
	(void)state;
	int64_t id, other;
	cards();
	assert_int_equal(csms_list_db_insert(fx_db, "Staff", "", ab, 2, 1000, &id), 0);
	assert_int_equal(csms_list_db_insert(fx_db, "Guests", "", NULL, 0, 1000, &other), 0);
	fx_exec("INSERT INTO station (id, created, local_list_id, local_list_name) VALUES ('CP-1', 0, 1, 'Staff')");
	const csms_list_tag add[] = {"C0000000000000"}, rem[] = {"A0000000000000"};
	struct csms_list_edit e = {.name = "Crew", .add = add, .nadd = 1, .rem = rem, .nrem = 1};
	assert_int_equal(csms_list_db_update(fx_db, id, &e, 2000), 0);
	assert_int_equal(fx_int("SELECT version FROM card_list WHERE name = 'Crew'"), 2);
	assert_int_equal(fx_int("SELECT count(*) FROM station WHERE local_list_name = 'Crew'"), 1);
	assert_int_equal(fx_int("SELECT count(*) FROM card_list_item WHERE list_id = 1 AND id_tag IN "
	                        "('B0000000000000', 'C0000000000000')"),
	                 2);
	struct csms_list_edit replace = {.replace = true, .set = rem, .nset = 1};
	assert_int_equal(csms_list_db_update(fx_db, id, &replace, 3000), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM card_list_item WHERE list_id = 1"), 1);
	assert_int_equal(fx_int("SELECT version FROM card_list WHERE id = 1"), 3);
	struct csms_list_edit taken = {.name = "guests"};
	assert_int_equal(csms_list_db_update(fx_db, id, &taken, 4000), CSMS_DB_EXISTS);
	assert_int_equal(csms_list_db_update(fx_db, 99, &replace, 4000), CSMS_DB_MISSING);
	/* held by CP-1: not deleted */
	assert_int_equal(csms_list_db_delete(fx_db, id), CSMS_DB_REFUSED);
	assert_int_equal(csms_list_db_delete(fx_db, other), 0);
	assert_int_equal(csms_list_db_delete(fx_db, other), CSMS_DB_MISSING);
}

static int join_card(const struct csms_list_card *c, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%c", c->id_tag[0]);
	return 0;
}

static int join_station(const char *station, void *ctx)
{
	size_t n = strlen(ctx);
	snprintf((char *)ctx + n, 128 - n, "%s;", station);
	return 0;
}

static void cards_of_a_list_or_the_default_list_and_who_holds_it(void **state)
{
	(void)state;
	int64_t id;
	long long total;
	char got[128] = "";
	struct csms_list_held held;
	cards();
	assert_int_equal(csms_list_db_insert(fx_db, "Staff", "", ab, 2, 1000, &id), 0);
	assert_int_equal(csms_list_db_cards(fx_db, id, 1, join_card, got, &total), 0);
	assert_string_equal(got, "A");
	assert_int_equal(total, 2);
	got[0] = 0;
	assert_int_equal(csms_list_db_cards(fx_db, 0, 10, join_card, got, &total), 0);
	assert_string_equal(got, "ABC");
	assert_int_equal(total, 3);
	fx_exec("INSERT INTO station (id, created, local_list_id) VALUES ('CP-2', 0, 1), ('CP-1', 0, 1);"
	        "INSERT INTO station (id, created, local_list_seq) VALUES ('CP-3', 0, 42);");
	got[0] = 0;
	assert_int_equal(csms_list_db_stations(fx_db, id, join_station, got), 0);
	assert_string_equal(got, "CP-1;CP-2;");
	assert_int_equal(csms_list_db_held_by(fx_db, "CP-1", &held), 0);
	assert_int_equal(held.list_id, id);
	assert_string_equal(held.name, "Staff");
	assert_int_equal(held.version, 1);
	assert_int_equal(csms_list_db_held_by(fx_db, "CP-3", &held), 0);
	assert_int_equal(held.list_id, 0);
	assert_int_equal(held.seq, 42);
	assert_int_equal(csms_list_db_held_by(fx_db, "CP-9", &held), CSMS_DB_MISSING);
}

static int count(const struct csms_card_list *l, void *ctx)
{
	(void)l;
	(*(int *)ctx)++;
	return 0;
}

static void paged_list_filters_by_text_also_past_the_end(void **state)
{
	(void)state;
	int64_t id;
	long long total;
	int n = 0;
	assert_int_equal(csms_list_db_insert(fx_db, "Staff", "day shift", NULL, 0, 1000, &id), 0);
	assert_int_equal(csms_list_db_insert(fx_db, "Night", "night shift", NULL, 0, 1000, &id), 0);
	assert_int_equal(csms_list_db_insert(fx_db, "Guests", "", NULL, 0, 1000, &id), 0);
	struct csms_db_page pg = {10, 0, "l.name ASC"};
	assert_int_equal(csms_list_db_list(fx_db, "%shift%", &pg, count, &n, &total), 0);
	assert_int_equal(n, 2);
	assert_int_equal(total, 2);
	pg.offset = 10;
	assert_int_equal(csms_list_db_list(fx_db, "%shift%", &pg, count, &n, &total), 0);
	assert_int_equal(total, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(list_keeps_registered_cards_and_unique_names),
	    FX_TEST(edits_grow_the_version_and_reach_the_stations),
	    FX_TEST(cards_of_a_list_or_the_default_list_and_who_holds_it),
	    FX_TEST(paged_list_filters_by_text_also_past_the_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_registry.c — the in-memory station table: add and find (through several growths), every station
 * visited once, password hashes copied, the chargeBoxId rules, station state names. */
#include "test_util.h"

#include "csms_registry.h"

static void added_station_is_found_with_its_fields(void **state)
{
	struct csms_registry *reg = csms_registry_new();
	struct csms_station *s;

	(void)state;
	assert_non_null(reg);
	s = csms_registry_add(reg, "CP-1", CSMS_STATION_PENDING, "b2$hash");
	assert_non_null(s);
	assert_ptr_equal(csms_registry_find(reg, "CP-1"), s);
	assert_string_equal(s->id, "CP-1");
	assert_int_equal(s->state, CSMS_STATION_PENDING);
	assert_string_equal(s->password_hash, "b2$hash");
	assert_null(s->conn);
	assert_int_equal(csms_registry_count(reg), 1);
	csms_registry_free(reg);
}

static void unknown_id_is_not_found(void **state)
{
	struct csms_registry *reg = csms_registry_new();

	(void)state;
	assert_null(csms_registry_find(reg, "CP-1"));
	csms_registry_add(reg, "CP-1", CSMS_STATION_ACCEPTED, NULL);
	assert_null(csms_registry_find(reg, "cp-1")); /* ids are case sensitive */
	assert_null(csms_registry_find(reg, "CP-10"));
	assert_null(csms_registry_find(reg, "CP-"));
	csms_registry_free(reg);
}

static void many_stations_are_all_found_after_the_table_grows(void **state)
{
	struct csms_registry *reg = csms_registry_new();
	struct csms_station **added = calloc(10000, sizeof(*added));
	char id[32];

	(void)state;
	assert_non_null(added);
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "WL-%05d", i);
		added[i] = csms_registry_add(reg, id, CSMS_STATION_ACCEPTED, NULL);
		assert_non_null(added[i]);
	}
	assert_int_equal(csms_registry_count(reg), 10000);
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof(id), "WL-%05d", i);
		assert_ptr_equal(csms_registry_find(reg, id), added[i]);
	}
	assert_null(csms_registry_find(reg, "WL-10000"));
	free(added);
	csms_registry_free(reg);
}

static void count_visit(struct csms_station *s, void *ctx)
{
	unsigned char *seen = ctx;
	long i = strtol(s->id + 3, NULL, 10);

	seen[i]++;
}

static void each_visits_every_station_once(void **state)
{
	struct csms_registry *reg = csms_registry_new();
	unsigned char seen[3000] = {0};
	char id[32];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof(id), "WL-%d", i);
		csms_registry_add(reg, id, CSMS_STATION_ACCEPTED, NULL);
	}
	csms_registry_each(reg, count_visit, seen);
	for (int i = 0; i < 3000; i++)
		assert_int_equal(seen[i], 1);
	csms_registry_free(reg);
}

static void password_hash_is_copied_replaced_and_removed(void **state)
{
	struct csms_registry *reg = csms_registry_new();
	char hash[] = "b2$first";
	struct csms_station *s;

	(void)state;
	s = csms_registry_add(reg, "CP-1", CSMS_STATION_ACCEPTED, hash);
	hash[3] = 'X';
	assert_string_equal(s->password_hash, "b2$first"); /* a copy */
	assert_int_equal(csms_station_set_password_hash(s, "b2$second"), 0);
	assert_string_equal(s->password_hash, "b2$second");
	assert_int_equal(csms_station_set_password_hash(s, NULL), 0);
	assert_null(s->password_hash);
	assert_null(csms_registry_add(reg, "CP-2", CSMS_STATION_ACCEPTED, NULL)->password_hash);
	csms_registry_free(reg);
}

static void free_of_null_registry_does_nothing(void **state)
{
	(void)state;
	csms_registry_free(NULL);
}

static void id_of_1_to_48_printable_characters_is_valid(void **state)
{
	char id[64];

	(void)state;
	assert_true(csms_station_id_is_valid("A"));
	assert_true(csms_station_id_is_valid("CP-1"));
	assert_true(csms_station_id_is_valid("wattline_22.kW:0001"));
	assert_true(csms_station_id_is_valid("!~&=+@"));
	assert_true(csms_station_id_is_valid(tu_repeat(id, sizeof(id), "x", CSMS_ID_MAX)));
}

static void empty_or_too_long_id_is_invalid(void **state)
{
	char id[64];

	(void)state;
	assert_false(csms_station_id_is_valid(""));
	assert_false(csms_station_id_is_valid(tu_repeat(id, sizeof(id), "x", CSMS_ID_MAX + 1)));
}

static void id_with_url_characters_space_or_non_ascii_is_invalid(void **state)
{
	static const char *const bad[] = {"CP/1",  "CP?1",   "CP#1",       "CP%201", "CP 1",
	                                  "CP\t1", "CP\x7f", "CP\xc3\xa9", "\x01"};

	(void)state;
	for (unsigned i = 0; i < TU_ARRAY_SIZE(bad); i++) {
		if (csms_station_id_is_valid(bad[i]))
			print_error("id \"%s\" accepted\n", bad[i]);
		assert_false(csms_station_id_is_valid(bad[i]));
	}
}

static void station_state_names_parse_back(void **state)
{
	(void)state;
	for (int s = CSMS_STATION_PENDING; s <= CSMS_STATION_REJECTED; s++)
		assert_int_equal(csms_station_state_parse(csms_station_state_name((enum csms_station_state)s)), s);
	assert_string_equal(csms_station_state_name(CSMS_STATION_PENDING), "pending");
	assert_string_equal(csms_station_state_name(CSMS_STATION_ACCEPTED), "accepted");
	assert_string_equal(csms_station_state_name(CSMS_STATION_REJECTED), "rejected");
}

static void unknown_station_state_is_refused(void **state)
{
	(void)state;
	assert_int_equal(csms_station_state_parse("Accepted"), -1);
	assert_int_equal(csms_station_state_parse(""), -1);
	assert_string_equal(csms_station_state_name((enum csms_station_state)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(added_station_is_found_with_its_fields),
	    cmocka_unit_test(unknown_id_is_not_found),
	    cmocka_unit_test(many_stations_are_all_found_after_the_table_grows),
	    cmocka_unit_test(each_visits_every_station_once),
	    cmocka_unit_test(password_hash_is_copied_replaced_and_removed),
	    cmocka_unit_test(free_of_null_registry_does_nothing),
	    cmocka_unit_test(id_of_1_to_48_printable_characters_is_valid),
	    cmocka_unit_test(empty_or_too_long_id_is_invalid),
	    cmocka_unit_test(id_with_url_characters_space_or_non_ascii_is_invalid),
	    cmocka_unit_test(station_state_names_parse_back),
	    cmocka_unit_test(unknown_station_state_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

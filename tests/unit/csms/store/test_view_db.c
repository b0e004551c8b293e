/* test_view_db.c — csms_view_db on a real database: the first view is the default and has an Unassigned
 * group; names are unique; exactly one default (unsetting it refused, deleting it promotes the oldest);
 * the Unassigned group cannot be renamed or deleted; sockets move between groups and back; a missing
 * socket is named; the paged list counts every view, also past the end. */
#include "db_fixture.h"

#include "csms_view_db.h"

static void two_sockets(void)
{
	fx_exec("INSERT INTO station (id, created) VALUES ('CP-1', 0);"
	        "INSERT INTO connector (station_id, connector_id, description) VALUES ('CP-1', 0, ''), "
	        "('CP-1', 1, 'left'), ('CP-1', 2, 'right');");
}

static void first_view_is_the_default_with_an_unassigned_group(void **state)
{
	(void)state;
	int64_t a, b;
	struct csms_view v;
	assert_int_equal(csms_view_db_create(fx_db, "Site A", false, &a), 0);
	assert_int_equal(csms_view_db_create(fx_db, "Site B", false, &b), 0);
	assert_int_equal(csms_view_db_get(fx_db, a, &v), 0);
	assert_string_equal(v.name, "Site A");
	assert_true(v.is_default);
	assert_int_equal(v.n_groups, 1);
	assert_true(v.groups[0].unassigned);
	assert_string_equal(v.groups[0].name, CSMS_VIEW_UNASSIGNED);
	csms_view_release(&v);
	assert_int_equal(csms_view_db_get(fx_db, b, &v), 0);
	assert_false(v.is_default);
	csms_view_release(&v);
}

static void view_names_are_unique_ignoring_case(void **state)
{
	(void)state;
	int64_t a, b;
	assert_int_equal(csms_view_db_create(fx_db, "Site", false, &a), 0);
	assert_int_equal(csms_view_db_create(fx_db, "SITE", false, &b), CSMS_DB_EXISTS);
	assert_int_equal(csms_view_db_create(fx_db, "Other", false, &b), 0);
	assert_int_equal(csms_view_db_update(fx_db, b, "site", -1), CSMS_DB_EXISTS);
}

static void exactly_one_view_is_the_default(void **state)
{
	(void)state;
	int64_t a, b;
	assert_int_equal(csms_view_db_create(fx_db, "A", false, &a), 0);
	assert_int_equal(csms_view_db_create(fx_db, "B", true, &b), 0);
	assert_int_equal(fx_int("SELECT count(*) FROM socket_view WHERE is_default = 1"), 1);
	assert_int_equal(fx_int("SELECT id FROM socket_view WHERE is_default = 1"), b);
	assert_int_equal(csms_view_db_update(fx_db, b, NULL, 0), CSMS_DB_REFUSED);
	assert_int_equal(csms_view_db_update(fx_db, a, NULL, 0), 0); /* not the default: nothing to do */
	assert_int_equal(csms_view_db_update(fx_db, a, NULL, 1), 0);
	assert_int_equal(fx_int("SELECT id FROM socket_view WHERE is_default = 1"), a);
	/* deleting the default promotes the oldest view left */
	assert_int_equal(csms_view_db_delete(fx_db, a), 0);
	assert_int_equal(fx_int("SELECT id FROM socket_view WHERE is_default = 1"), b);
	assert_int_equal(csms_view_db_delete(fx_db, a), CSMS_DB_MISSING);
	assert_int_equal(csms_view_db_update(fx_db, a, "x", -1), CSMS_DB_MISSING);
}

static void unassigned_group_cannot_be_renamed_or_deleted(void **state)
{
	(void)state;
	int64_t v, g, other;
	struct csms_view view;
	assert_int_equal(csms_view_db_create(fx_db, "V", false, &v), 0);
	assert_int_equal(csms_view_db_get(fx_db, v, &view), 0);
	int64_t unassigned = view.groups[0].id;
	csms_view_release(&view);
	assert_int_equal(csms_view_db_group_rename(fx_db, v, unassigned, "x"), CSMS_DB_REFUSED);
	assert_int_equal(csms_view_db_group_delete(fx_db, v, unassigned), CSMS_DB_REFUSED);
	assert_int_equal(csms_view_db_group_create(fx_db, v, "Roof", &g), 0);
	assert_int_equal(csms_view_db_group_create(fx_db, v, "Roof", &other), CSMS_DB_EXISTS);
	assert_int_equal(csms_view_db_group_create(fx_db, v + 100, "Roof", &other), CSMS_DB_MISSING);
	assert_int_equal(csms_view_db_group_rename(fx_db, v, g, "Garage"), 0);
	assert_int_equal(csms_view_db_group_rename(fx_db, v + 100, g, "Garage"), CSMS_DB_MISSING);
	struct csms_view_group got;
	int64_t of;
	assert_int_equal(csms_view_db_group_get(fx_db, g, &of, &got), 0);
	assert_int_equal(of, v);
	assert_string_equal(got.name, "Garage");
	assert_false(got.unassigned);
	assert_int_equal(csms_view_db_group_delete(fx_db, v, g), 0);
	assert_int_equal(csms_view_db_group_get(fx_db, g, &of, &got), CSMS_DB_MISSING);
}

struct seen {
	int n;
	int64_t group[8];
	int connector[8];
};

static int record_socket(const struct csms_view_socket *s, void *ctx)
{
	struct seen *seen = ctx;
	assert_string_equal(s->station, "CP-1");
	seen->group[seen->n] = s->group_id;
	seen->connector[seen->n++] = s->connector;
	return 0;
}

static void sockets_move_between_groups_and_back(void **state)
{
	(void)state;
	int64_t v, g1, g2;
	size_t missing;
	bool no_socket;
	struct csms_view view;
	two_sockets();
	assert_int_equal(csms_view_db_create(fx_db, "V", false, &v), 0);
	assert_int_equal(csms_view_db_group_create(fx_db, v, "G1", &g1), 0);
	assert_int_equal(csms_view_db_group_create(fx_db, v, "G2", &g2), 0);
	struct csms_view_socket_ref both[] = {{"CP-1", 1}, {"CP-1", 2}};
	assert_int_equal(csms_view_db_assign(fx_db, v, g1, both, 2, &missing), 0);
	struct csms_view_socket_ref second[] = {{"CP-1", 2}};
	assert_int_equal(csms_view_db_assign(fx_db, v, g2, second, 1, &missing), 0);
	struct seen seen = {0};
	assert_int_equal(csms_view_db_sockets(fx_db, v, record_socket, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.group[0], g1);
	assert_int_equal(seen.connector[0], 1);
	assert_int_equal(seen.group[1], g2);
	assert_int_equal(seen.connector[1], 2);
	/* back to Unassigned: one by the Unassigned group, one by unassign */
	assert_int_equal(csms_view_db_get(fx_db, v, &view), 0);
	int64_t unassigned = view.groups[0].id;
	csms_view_release(&view);
	struct csms_view_socket_ref first[] = {{"CP-1", 1}};
	assert_int_equal(csms_view_db_assign(fx_db, v, unassigned, first, 1, &missing), 0);
	assert_int_equal(csms_view_db_unassign(fx_db, v, &second[0], &no_socket), 0);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(csms_view_db_sockets(fx_db, v, record_socket, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.group[0], 0);
	assert_int_equal(seen.group[1], 0);
	assert_int_equal(fx_int("SELECT count(*) FROM socket_group_member"), 0);
}

static void missing_socket_or_group_is_named(void **state)
{
	(void)state;
	int64_t v, g;
	size_t missing;
	bool no_socket;
	two_sockets();
	assert_int_equal(csms_view_db_create(fx_db, "V", false, &v), 0);
	assert_int_equal(csms_view_db_group_create(fx_db, v, "G", &g), 0);
	struct csms_view_socket_ref refs[] = {{"CP-1", 1}, {"CP-1", 9}, {"CP-1", 0}};
	assert_int_equal(csms_view_db_assign(fx_db, v, g, refs, 3, &missing), CSMS_DB_MISSING);
	assert_int_equal(missing, 1);
	assert_int_equal(csms_view_db_assign(fx_db, v, g, &refs[2], 1, &missing), CSMS_DB_MISSING);
	assert_int_equal(missing, 0); /* connector 0 is the station, not a socket */
	assert_int_equal(csms_view_db_assign(fx_db, v, g + 100, refs, 1, &missing), CSMS_DB_MISSING);
	assert_int_equal(missing, 1); /* n: the group */
	assert_int_equal(csms_view_db_unassign(fx_db, v, &refs[1], &no_socket), CSMS_DB_MISSING);
	assert_true(no_socket);
	assert_int_equal(csms_view_db_unassign(fx_db, v + 100, &refs[0], &no_socket), CSMS_DB_MISSING);
	assert_false(no_socket);
}

static int add_name(const struct csms_view *v, void *ctx)
{
	char *names = ctx;
	size_t n = strlen(names);
	snprintf(names + n, 64 - n, "%s", v->name);
	return 0;
}

static void list_is_paged_sorted_and_counts_every_view(void **state)
{
	(void)state;
	int64_t id;
	char names[64] = "";
	long long total = -1;
	assert_int_equal(csms_view_db_create(fx_db, "c", false, &id), 0);
	assert_int_equal(csms_view_db_create(fx_db, "a", false, &id), 0);
	assert_int_equal(csms_view_db_create(fx_db, "b", false, &id), 0);
	struct csms_db_page pg = {2, 0, "v.name DESC"};
	assert_int_equal(csms_view_db_list(fx_db, &pg, add_name, names, &total), 0);
	assert_string_equal(names, "cb");
	assert_int_equal(total, 3);
	pg.offset = 2;
	names[0] = 0;
	assert_int_equal(csms_view_db_list(fx_db, &pg, add_name, names, &total), 0);
	assert_string_equal(names, "a");
	assert_int_equal(total, 3);
	pg.offset = 10; /* past the end: still the count */
	names[0] = 0;
	assert_int_equal(csms_view_db_list(fx_db, &pg, add_name, names, &total), 0);
	assert_string_equal(names, "");
	assert_int_equal(total, 3);
}

static void sql_in_names_is_stored_as_text(void **state)
{
	(void)state;
	int64_t id;
	struct csms_view v;
	const char *name = "x'); DROP TABLE socket_view; --";
	assert_int_equal(csms_view_db_create(fx_db, name, false, &id), 0);
	assert_int_equal(csms_view_db_get(fx_db, id, &v), 0);
	assert_string_equal(v.name, name);
	csms_view_release(&v);
}

static void scope_is_checked_and_selects_its_sockets(void **state)
{
	(void)state;
	int64_t v, other, g;
	size_t missing;
	char cond[400], sql[600];
	struct csms_view view;
	two_sockets();
	assert_int_equal(csms_view_db_create(fx_db, "V", false, &v), 0);
	assert_int_equal(csms_view_db_create(fx_db, "W", false, &other), 0);
	assert_int_equal(csms_view_db_group_create(fx_db, v, "G", &g), 0);
	struct csms_view_socket_ref one[] = {{"CP-1", 1}};
	assert_int_equal(csms_view_db_assign(fx_db, v, g, one, 1, &missing), 0);
	struct csms_view_scope sc = {v, g, true};
	assert_int_equal(csms_view_db_scope_check(fx_db, &sc), 0);
	assert_false(sc.unassigned);
	struct csms_view_scope wrong = {other, g, false};
	assert_int_equal(csms_view_db_scope_check(fx_db, &wrong), CSMS_DB_REFUSED);
	struct csms_view_scope none = {v + 100, 0, false};
	assert_int_equal(csms_view_db_scope_check(fx_db, &none), CSMS_DB_MISSING);
	assert_int_equal(csms_view_db_scope_sql(&sc, "k; DROP", cond, sizeof(cond)), -1);
	/* the group's condition selects connector 1; the Unassigned group's, connector 2 */
	assert_int_equal(csms_view_db_scope_sql(&sc, "k", cond, sizeof(cond)), 0);
	snprintf(sql, sizeof(sql), "SELECT k.connector_id FROM connector k WHERE k.connector_id > 0%s", cond);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(fx_db, sql, -1, &st, NULL), SQLITE_OK);
	csms_view_db_scope_bind(&sc, st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(csms_view_db_get(fx_db, v, &view), 0);
	struct csms_view_scope rest = {v, view.groups[0].id, false};
	csms_view_release(&view);
	assert_int_equal(csms_view_db_scope_check(fx_db, &rest), 0);
	assert_true(rest.unassigned);
	assert_int_equal(csms_view_db_scope_sql(&rest, "k", cond, sizeof(cond)), 0);
	snprintf(sql, sizeof(sql), "SELECT k.connector_id FROM connector k WHERE k.connector_id > 0%s", cond);
	assert_int_equal(sqlite3_prepare_v2(fx_db, sql, -1, &st, NULL), SQLITE_OK);
	csms_view_db_scope_bind(&rest, st);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 2);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    FX_TEST(first_view_is_the_default_with_an_unassigned_group),
	    FX_TEST(view_names_are_unique_ignoring_case),
	    FX_TEST(exactly_one_view_is_the_default),
	    FX_TEST(unassigned_group_cannot_be_renamed_or_deleted),
	    FX_TEST(sockets_move_between_groups_and_back),
	    FX_TEST(missing_socket_or_group_is_named),
	    FX_TEST(list_is_paged_sorted_and_counts_every_view),
	    FX_TEST(sql_in_names_is_stored_as_text),
	    FX_TEST(scope_is_checked_and_selects_its_sockets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

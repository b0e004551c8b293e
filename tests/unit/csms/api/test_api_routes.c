/* test_api_routes.c — the route tables' rules: every route names who may use it, patterns are well formed and
 * unique, a route without a rule refuses everyone, and the role check lets in exactly the roles named. */
#include "test_util.h"

#include <string.h>

#include "csms_api.h"

static void every_route_has_a_rule(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t t = 0; t < csms_route_tables_n; t++) {
		const struct csms_route_table *tab = csms_route_tables[t];
		assert_non_null(tab->tag);
		for (size_t i = 0; i < tab->n; i++, n++) {
			const struct csms_route *rt = &tab->routes[i];
			if (!(rt->roles & (CSMS_PUBLIC | CSMS_ROLES_ALL)))
				print_error("%s %s has no rule\n", csms_http_method_name(rt->method), rt->pattern);
			assert_true(rt->roles & (CSMS_PUBLIC | CSMS_ROLES_ALL));
			assert_true(!(rt->roles & ~(CSMS_PUBLIC | CSMS_ROLES_ALL)));
			assert_non_null(rt->fn);
			assert_non_null(rt->summary);
			assert_true(rt->pattern[0] != '/');
		}
	}
	assert_true(n > 30);
}

static void patterns_are_well_formed_and_unique(void **state)
{
	(void)state;
	for (size_t t = 0; t < csms_route_tables_n; t++)
		for (size_t i = 0; i < csms_route_tables[t]->n; i++) {
			const struct csms_route *a = &csms_route_tables[t]->routes[i];
			int depth = 0, params = 0;
			for (const char *p = a->pattern; *p; p++) {
				if (*p == '{')
					depth++, params++;
				if (*p == '}')
					depth--;
				assert_true(depth == 0 || depth == 1);
			}
			assert_int_equal(depth, 0);
			assert_true(params <= CSMS_API_MAX_PARAMS);
			for (size_t u = 0; u < csms_route_tables_n; u++)
				for (size_t j = 0; j < csms_route_tables[u]->n; j++) {
					const struct csms_route *b = &csms_route_tables[u]->routes[j];
					if (a != b && a->method == b->method && strcmp(a->pattern, b->pattern) == 0) {
						print_error("duplicate route %s %s\n", csms_http_method_name(a->method),
						            a->pattern);
						fail();
					}
				}
		}
}

static void a_route_without_a_rule_refuses_everyone(void **state)
{
	(void)state;
	struct csms_route none = {CSMS_HTTP_GET, "x", 0, 0, NULL, "x"};
	struct csms_principal who = {0};
	assert_false(csms_route_allows(&none, &who));
	for (unsigned role = CSMS_ROLE_ADMIN; role <= CSMS_ROLE_TECH; role <<= 1) {
		who.role = role;
		assert_false(csms_route_allows(&none, &who));
	}
}

static void roles_get_in_exactly_where_named(void **state)
{
	(void)state;
	struct csms_route am = {CSMS_HTTP_GET, "x", CSMS_ROLE_AM, 0, NULL, "x"};
	struct csms_route pub = {CSMS_HTTP_GET, "x", CSMS_PUBLIC, 0, NULL, "x"};
	struct csms_principal who = {0};
	assert_false(csms_route_allows(&am, &who));
	assert_true(csms_route_allows(&pub, &who));
	who.role = CSMS_ROLE_ADMIN;
	assert_true(csms_route_allows(&am, &who));
	who.role = CSMS_ROLE_MANAGER;
	assert_true(csms_route_allows(&am, &who));
	who.role = CSMS_ROLE_TECH;
	assert_false(csms_route_allows(&am, &who));
	assert_int_equal(csms_role_parse("local_manager"), CSMS_ROLE_MANAGER);
	assert_int_equal(csms_role_parse("root"), 0);
	assert_int_equal(csms_role_parse(NULL), 0);
	assert_string_equal(csms_role_name(CSMS_ROLE_TECH), "maintenance_technician");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(every_route_has_a_rule),
	    cmocka_unit_test(patterns_are_well_formed_and_unique),
	    cmocka_unit_test(a_route_without_a_rule_refuses_everyone),
	    cmocka_unit_test(roles_get_in_exactly_where_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_evse_store_group.c — the Master's table of which Satellite runs each transaction (evse_store_group_tx_*):
 * rows put, replaced, removed, and still there after the store is closed and opened again (a Master restart). */
#include "evse_test.h"

#include <unistd.h>

#include "evse_store.h"

struct rows {
	int n;
	int64_t tx[4];
	char sat[4][16];
};

static void collect(void *ctx, int64_t tx, const char *satellite)
{
	struct rows *r = ctx;
	if (r->n < 4) {
		r->tx[r->n] = tx;
		snprintf(r->sat[r->n], sizeof(r->sat[0]), "%s", satellite);
	}
	r->n++;
}

static void test_group_tx_survives_a_restart(void **state)
{
	(void)state;
	char dir[] = "/tmp/evse-store-XXXXXX", path[64], err[160];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/evse.db", dir);
	struct evse_store *st = evse_store_open(path, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(evse_store_group_tx_put(st, 41, "SAT-A"), 0);
	assert_int_equal(evse_store_group_tx_put(st, 42, "SAT-B"), 0);
	assert_int_equal(evse_store_group_tx_put(st, 43, "SAT-A"), 0);
	assert_int_equal(evse_store_group_tx_put(st, 42, "THIRD"), 0); /* the same id again: replaced */
	assert_int_equal(evse_store_group_tx_del(st, 41), 0);
	evse_store_close(st);

	st = evse_store_open(path, err, sizeof(err));
	assert_non_null(st);
	struct rows r = {0};
	assert_int_equal(evse_store_group_tx_each(st, collect, &r), 2);
	assert_int_equal(r.tx[0], 42);
	assert_string_equal(r.sat[0], "THIRD");
	assert_int_equal(r.tx[1], 43);
	assert_string_equal(r.sat[1], "SAT-A");
	evse_store_close(st);
	char f[96];
	for (const char *suffix = ""; suffix; suffix = !suffix[0] ? "-wal" : suffix[1] == 'w' ? "-shm" : NULL) {
		snprintf(f, sizeof(f), "%s%s", path, suffix);
		unlink(f);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_group_tx_survives_a_restart),
	};
	return cmocka_run_group_tests_name("evse_store_group", tests, NULL, NULL);
}

/* test_live.c — the live update hub: events framed as Server-Sent Events with growing ids, every client
 * gets every event, a slow client is dropped when its queue is full (the others are not), the client cap,
 * and the cost of publishing (O(clients), measured for 10,000 status changes with 256 clients). */
#include "test_util.h"

#include <time.h>

#include "csms_live.h"

static void *holders[CSMS_LIVE_MAX_CLIENTS + 1]; /* what an HTTP request keeps: its client */

static struct csms_live_client *attach(struct csms_live *hub, int i)
{
	char addr[32];
	snprintf(addr, sizeof(addr), "client-%d", i);
	/* no wsi: nothing is written, the queue only fills */
	return holders[i] = csms_live_attach(hub, NULL, addr, &holders[i]);
}

/* The hub freed while clients are attached (shutdown): each request's pointer to its client is cleared. */
static void freeing_the_hub_clears_the_requests_clients(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	assert_non_null(attach(hub, 0));
	assert_non_null(attach(hub, 1));
	csms_live_free(hub);
	assert_null(holders[0]);
	assert_null(holders[1]);
}

static void events_are_framed_with_growing_ids(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	struct csms_live_client *a = attach(hub, 0), *b = attach(hub, 1);
	const char *data;
	csms_live_publish(hub, "socket", "{\"x\":1}");
	csms_live_publish(hub, "station", "{\"y\":\"<b>\"}");
	size_t n = csms_live_pending(a, &data);
	const char want[] = "event: socket\nid: 1\ndata: {\"x\":1}\n\nevent: station\nid: 2\ndata: {\"y\":\"<b>\"}\n\n";
	assert_int_equal(n, strlen(want));
	assert_memory_equal(data, want, n);
	assert_int_equal(csms_live_pending(b, &data), n);
	csms_live_consume(a, 10);
	assert_int_equal(csms_live_pending(a, &data), n - 10);
	csms_live_consume(a, n - 10);
	assert_int_equal(csms_live_pending(a, &data), 0);
	csms_live_ping(hub);
	assert_int_equal(csms_live_pending(a, &data), 8);
	assert_memory_equal(data, ": ping\n\n", 8);
	assert_int_equal(csms_live_last_id(hub), 2);
	csms_live_free(hub);
}

/* What a client has waiting, as text (the ring is not NUL-terminated). */
static size_t pending_text(struct csms_live_client *c, char *out, size_t outlen)
{
	const char *data;
	size_t n = csms_live_pending(c, &data);
	assert_true(n < outlen);
	memcpy(out, data, n);
	out[n] = '\0';
	return n;
}

static void hooks_describe_sockets_transactions_and_stations(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	struct csms_live_client *a = attach(hub, 0);
	struct csms_station st = {.state = CSMS_STATION_ACCEPTED};
	char data[2000];
	snprintf(st.id, sizeof(st.id), "CP-\"1\"");
	csms_live_publish_status(hub, &st, 2, "Charging", "NoError", 0);
	size_t n = pending_text(a, data, sizeof(data));
	const char *json = strstr(data, "data: ") + 6;
	cJSON *o = cJSON_Parse(json);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "station")->valuestring, "CP-\"1\"");
	/* the station has no live connection here: Out of service, as the manual shows it */
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "socketStatus"), "key")->valuestring,
	                    "out_of_service");
	assert_string_equal(cJSON_GetObjectItem(o, "time")->valuestring, "1970-01-01T00:00:00.000Z");
	cJSON_Delete(o);
	csms_live_consume(a, n);
	csms_live_publish_transaction(hub, "meter", 7, "CP-1", 1, NULL, -1, 0);
	n = pending_text(a, data, sizeof(data));
	assert_non_null(strstr(data, "\"idTag\":null"));
	assert_non_null(strstr(data, "\"energy\":null"));
	csms_live_consume(a, n);
	csms_live_publish_station(hub, &st, "booted");
	pending_text(a, data, sizeof(data));
	assert_non_null(strstr(data, "\"event\":\"booted\""));
	assert_non_null(strstr(data, "\"connected\":false"));
	csms_live_free(hub);
	/* without a hub, the hooks do nothing */
	csms_live_publish_status(NULL, &st, 1, "Available", "NoError", 0);
	csms_live_publish_transaction(NULL, "started", 1, "CP", 1, "T", 0, 0);
	csms_live_publish_station(NULL, &st, "connected");
}

static void a_slow_client_is_dropped_and_the_others_go_on(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	struct csms_live_client *slow = attach(hub, 0), *fast = attach(hub, 1);
	char json[1000];
	const char *data;
	memset(json, 'x', sizeof(json) - 1);
	json[0] = '"';
	json[sizeof(json) - 2] = '"';
	json[sizeof(json) - 1] = '\0';
	for (int i = 0; i < 400; i++) {
		csms_live_publish(hub, "socket", json);
		csms_live_consume(fast, csms_live_pending(fast, &data));
	}
	assert_true(csms_live_is_dropped(slow));
	assert_false(csms_live_is_dropped(fast));
	assert_int_equal(csms_live_pending(slow, &data), 0);
	csms_live_free(hub);
}

/* The ring wraps around many times: a reader that keeps up gets every byte, in order. */
static void events_survive_the_ring_wrapping(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	struct csms_live_client *c = attach(hub, 0);
	char json[64], want[128], got[128];
	const char *data;
	for (int i = 1; i <= 50000; i++) {
		snprintf(json, sizeof(json), "{\"n\":%d}", i);
		csms_live_publish(hub, "socket", json);
		int wn = snprintf(want, sizeof(want), "event: socket\nid: %d\ndata: %s\n\n", i, json);
		size_t have = 0, n;
		while (have < (size_t)wn && (n = csms_live_pending(c, &data)) > 0) { /* in one or two pieces */
			if (n > (size_t)wn - have)
				n = (size_t)wn - have;
			memcpy(got + have, data, n);
			csms_live_consume(c, n);
			have += n;
		}
		assert_int_equal(have, wn);
		assert_memory_equal(got, want, (size_t)wn);
	}
	assert_false(csms_live_is_dropped(c));
	csms_live_free(hub);
}

static void clients_are_capped(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	for (int i = 0; i < CSMS_LIVE_MAX_CLIENTS; i++)
		assert_non_null(attach(hub, i));
	assert_null(attach(hub, CSMS_LIVE_MAX_CLIENTS));
	assert_int_equal(csms_live_clients(hub), CSMS_LIVE_MAX_CLIENTS);
	csms_live_free(hub);
}

/* 10,000 StatusNotifications (one per station) with 256 clients reading: the time the loop spends. */
static void publishing_10000_status_changes_to_256_clients_is_cheap(void **state)
{
	(void)state;
	struct csms_live *hub = csms_live_new(NULL);
	struct csms_live_client *c[CSMS_LIVE_MAX_CLIENTS];
	struct csms_station st = {.state = CSMS_STATION_ACCEPTED};
	struct timespec t0, t1;
	const char *data;
	for (int i = 0; i < CSMS_LIVE_MAX_CLIENTS; i++)
		c[i] = attach(hub, i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 10000; i++) {
		snprintf(st.id, sizeof(st.id), "CP-%05d", i);
		csms_live_publish_status(hub, &st, 1, "Charging", "NoError", 1763712000000 + i);
		if (i % 100 == 99) /* the clients read (written to their sockets) */
			for (int k = 0; k < CSMS_LIVE_MAX_CLIENTS; k++)
				csms_live_consume(c[k], csms_live_pending(c[k], &data));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# live: 10000 status events to %d clients in %.1f ms (%.2f us per event)\n", CSMS_LIVE_MAX_CLIENTS, ms,
	       ms * 1000 / 10000);
	for (int k = 0; k < CSMS_LIVE_MAX_CLIENTS; k++)
		assert_false(csms_live_is_dropped(c[k]));
	assert_int_equal(csms_live_last_id(hub), 10000);
	csms_live_free(hub);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_are_framed_with_growing_ids),
	    cmocka_unit_test(freeing_the_hub_clears_the_requests_clients),
	    cmocka_unit_test(hooks_describe_sockets_transactions_and_stations),
	    cmocka_unit_test(a_slow_client_is_dropped_and_the_others_go_on),
	    cmocka_unit_test(events_survive_the_ring_wrapping),
	    cmocka_unit_test(clients_are_capped),
	    cmocka_unit_test(publishing_10000_status_changes_to_256_clients_is_cheap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

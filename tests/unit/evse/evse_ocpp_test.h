/* evse_ocpp_test.h — the fixture of the OCPP client's unit tests: a charging point over the simulator, the
 * client on a store on disk, an injected clock, frames in and out by hand. Header-only, one test file each. */
#ifndef EVSE_OCPP_TEST_H
#define EVSE_OCPP_TEST_H

#include "evse_test.h"

#include <unistd.h>

#include <cjson/cJSON.h>

#include "evse_ocpp.h"
#include "evse_ocpp_keys.h"
#include "evse_store.h"
#include "ocpp_text.h"

struct ot {
	struct et *t;
	struct evse_store *st;
	struct evse_ocpp *o;
	char path[64];
	uint64_t wall;
	int next_tx;
};

static struct ot *g; /* the charging point's events reach the client through this */

static inline uint64_t ot_wall(void *ctx)
{
	(void)ctx;
	return g->wall + g->t->now;
}

static inline void ot_state(void *ctx, enum evse_state from, enum evse_state to, int error)
{
	(void)ctx;
	(void)from;
	evse_ocpp_on_state(g->o, to, error, g->t->now);
}

static inline void ot_start(void *ctx, const struct evse_session *s)
{
	(void)ctx;
	evse_ocpp_on_session_start(g->o, s, g->t->now);
}

static inline void ot_stop(void *ctx, const struct evse_session *s, enum evse_stop_reason why, double wh)
{
	(void)ctx;
	g->t->stops++;
	g->t->last_stop = why;
	evse_ocpp_on_session_stop(g->o, s, why, wh, g->t->now);
}

static inline enum evse_auth ot_authorize(void *ctx, const char *id, char *parent)
{
	(void)ctx;
	return evse_ocpp_authorize(g->o, id, parent, g->t->now);
}

static inline void ot_open(struct ot *x)
{
	char err[200];
	x->st = evse_store_open(x->path, err, sizeof(err));
	assert_non_null(x->st);
	struct evse_ocpp_clock clk = {.wall_ms = ot_wall};
	x->o = evse_ocpp_new(&x->t->cfg, x->st, x->t->c, &clk, x->t->now);
	assert_non_null(x->o);
}

static inline void ot_close(struct ot *x)
{
	evse_ocpp_free(x->o);
	evse_store_close(x->st);
}

static inline int setup(void **state)
{
	struct ot *x = calloc(1, sizeof(*x));
	g = x;
	x->wall = 1790000000000ull;
	x->next_tx = 100;
	snprintf(x->path, sizeof(x->path), "build/test-ocpp-%d.db", (int)getpid());
	unlink(x->path);
	struct et *t = calloc(1, sizeof(*t));
	x->t = t;
	wl_log_set_level(WL_LOG_ERROR);
	evse_config_defaults(&t->cfg);
	t->cfg.mode = EVSE_MODE_WEB;
	snprintf(t->cfg.ocpp_url, sizeof(t->cfg.ocpp_url), "ws://127.0.0.1:1/ocpp/CP-1");
	t->now = 1000000;
	t->sim = evse_sim_new(NULL, t->now);
	struct evse_charge_events ev = {
	    .state = ot_state, .session_start = ot_start, .session_stop = ot_stop, .authorize = ot_authorize};
	t->c = evse_charge_new(&t->cfg, evse_sim_hal(t->sim), &ev, t->now);
	ot_open(x);
	*state = x;
	return 0;
}

static inline int teardown(void **state)
{
	struct ot *x = *state;
	ot_close(x);
	unlink(x->path);
	char wal[80];
	snprintf(wal, sizeof(wal), "%s-wal", x->path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", x->path);
	unlink(wal);
	et_free(x->t);
	free(x);
	return 0;
}

static inline void run(struct ot *x, uint64_t ms)
{
	uint64_t end = x->t->now + ms;
	while (x->t->now < end) {
		x->t->now += ET_TICK_MS;
		evse_sim_step(x->t->sim, x->t->now);
		evse_charge_tick(x->t->c, x->t->now);
		evse_ocpp_tick(x->o, x->t->now);
	}
}

/* The next frame the station sends, parsed (cJSON_Delete it), or NULL. */
static inline cJSON *out(struct ot *x)
{
	size_t n;
	char *f = evse_ocpp_take_output(x->o, &n);
	if (!f)
		return NULL;
	cJSON *j = cJSON_Parse(f);
	free(f);
	assert_non_null(j);
	return j;
}

static inline const char *action_of(const cJSON *call)
{
	return cJSON_GetArrayItem(call, 2)->valuestring;
}

/* Answers a CALL of the station the way a friendly central system would. */
static inline void answer_default(struct ot *x, const cJSON *j)
{
	char reply[256];
	const char *a = action_of(j);
	const char *body = strcmp(a, "Heartbeat") == 0   ? "{\"currentTime\":\"2026-11-20T10:00:00Z\"}"
	                   : strcmp(a, "Authorize") == 0 ? "{\"idTagInfo\":{\"status\":\"Accepted\"}}"
	                                                 : "{}";
	snprintf(reply, sizeof(reply), "[3,\"%s\",%s]", cJSON_GetArrayItem(j, 1)->valuestring, body);
	evse_ocpp_receive(x->o, reply, strlen(reply), x->t->now);
}

/* Takes frames until a CALL of action comes (answering the others), or NULL when none is there. */
static inline cJSON *find_call(struct ot *x, const char *action)
{
	cJSON *j;
	while ((j = out(x))) {
		if (cJSON_GetArrayItem(j, 0)->valueint == 2 && strcmp(action_of(j), action) == 0)
			return j;
		if (cJSON_GetArrayItem(j, 0)->valueint == 2)
			answer_default(x, j);
		cJSON_Delete(j);
	}
	return NULL;
}

static inline cJSON *expect_call(struct ot *x, const char *action)
{
	cJSON *j = find_call(x, action);
	if (!j)
		fail_msg("no %s was sent", action);
	return j;
}

static inline void drain(struct ot *x)
{
	assert_null(find_call(x, "-"));
}

static inline void answer(struct ot *x, const cJSON *call, const char *payload)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "[3,\"%s\",%s]", cJSON_GetArrayItem(call, 1)->valuestring, payload);
	evse_ocpp_receive(x->o, buf, strlen(buf), x->t->now);
}

/* Sends a CALL from the central system and returns the station's answer payload (cJSON_Delete it). */
static inline cJSON *cs_call(struct ot *x, const char *action, const char *payload)
{
	char buf[1024];
	static int id;
	snprintf(buf, sizeof(buf), "[2,\"cs-%d\",\"%s\",%s]", ++id, action, payload);
	evse_ocpp_receive(x->o, buf, strlen(buf), x->t->now);
	cJSON *j;
	while ((j = out(x))) {
		if (cJSON_GetArrayItem(j, 0)->valueint != 2)
			break;
		answer_default(x, j); /* a CALL of ours queued behind: not the answer */
		cJSON_Delete(j);
	}
	assert_non_null(j);
	cJSON *payload_out = cJSON_DetachItemFromArray(j, cJSON_GetArraySize(j) == 3 ? 2 : 2);
	cJSON_Delete(j);
	return payload_out;
}

static inline void boot_accepted(struct ot *x)
{
	evse_ocpp_connected(x->o, x->t->now);
	cJSON *boot = expect_call(x, "BootNotification");
	answer(x, boot, "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-20T10:00:00Z\",\"interval\":300}");
	cJSON_Delete(boot);
	assert_true(evse_ocpp_online(x->o));
}
#endif

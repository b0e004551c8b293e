/* evse_test.h — the fixture of the evse unit tests: a simulator, a charging point over it, an injected
 * clock, and a record of every event the charging point emitted. Header-only, one test file each. */
#ifndef EVSE_TEST_H
#define EVSE_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evse_charge.h"
#include "evse_config.h"
#include "evse_display.h"
#include "evse_sim.h"
#include "wl_log.h"

#define ET_TICK_MS    50
#define ET_MAX_EVENTS 64

struct et {
	struct evse_config cfg;
	struct evse_sim *sim;
	struct evse_charge *c;
	uint64_t now;
	/* events */
	unsigned starts, stops;
	enum evse_stop_reason last_stop;
	double last_stop_wh;
	enum evse_state states[ET_MAX_EVENTS];
	unsigned n_states;
	int last_error;
	uint32_t trips;
	/* the authoriser: cards in this list are accepted, with parent "P-" + first char */
	const char *cards[8];
	bool auth_pending;
	unsigned auth_asked;
	char auth_last[EVSE_ID_MAX];
};

static inline void et_on_state(void *ctx, enum evse_state from, enum evse_state to, int error)
{
	struct et *t = ctx;
	(void)from;
	if (t->n_states < ET_MAX_EVENTS)
		t->states[t->n_states++] = to;
	t->last_error = error;
}

static inline void et_on_start(void *ctx, const struct evse_session *s)
{
	struct et *t = ctx;
	(void)s;
	t->starts++;
}

static inline void et_on_stop(void *ctx, const struct evse_session *s, enum evse_stop_reason why, double wh)
{
	struct et *t = ctx;
	(void)s;
	t->stops++;
	t->last_stop = why;
	t->last_stop_wh = wh;
}

static inline enum evse_auth et_authorize(void *ctx, const char *id, char *parent)
{
	struct et *t = ctx;
	t->auth_asked++;
	snprintf(t->auth_last, sizeof(t->auth_last), "%s", id);
	if (t->auth_pending)
		return EVSE_AUTH_PENDING;
	for (int i = 0; i < 8 && t->cards[i]; i++) {
		if (strcmp(t->cards[i], id) == 0) {
			snprintf(parent, EVSE_ID_MAX, "P-%c", id[0]);
			return EVSE_AUTH_ACCEPTED;
		}
	}
	return EVSE_AUTH_REJECTED;
}

static inline void et_on_trip(void *ctx, enum evse_protection p)
{
	struct et *t = ctx;
	t->trips |= 1u << p;
}

/* Advances the clock by ms in control cycles, stepping the simulator before each. */
static inline void et_run(struct et *t, uint64_t ms)
{
	uint64_t end = t->now + ms;
	while (t->now < end) {
		t->now += ET_TICK_MS;
		evse_sim_step(t->sim, t->now);
		evse_charge_tick(t->c, t->now);
	}
}

/* A station with the given mode, 22 kW three-phase case B, after its self-test. */
static inline struct et *et_new(enum evse_mode mode)
{
	struct et *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	wl_log_set_level(WL_LOG_ERROR);
	evse_config_defaults(&t->cfg);
	t->cfg.mode = mode;
	t->now = 1000000;
	t->sim = evse_sim_new(NULL, t->now);
	assert_non_null(t->sim);
	struct evse_charge_events ev = {.ctx = t,
	                                .state = et_on_state,
	                                .session_start = et_on_start,
	                                .session_stop = et_on_stop,
	                                .authorize = et_authorize,
	                                .trip = et_on_trip};
	t->c = evse_charge_new(&t->cfg, evse_sim_hal(t->sim), &ev, t->now);
	assert_non_null(t->c);
	et_run(t, EVSE_SELFTEST_MS + 100);
	return t;
}

static inline void et_free(struct et *t)
{
	evse_charge_free(t->c);
	evse_sim_free(t->sim);
	free(t);
}

static inline struct evse_sim_view et_view(const struct et *t)
{
	struct evse_sim_view v;
	evse_sim_view(t->sim, &v);
	return v;
}

static inline int et_setup_free(void **state)
{
	*state = et_new(EVSE_MODE_FREE);
	return 0;
}

static inline int et_setup_personal(void **state)
{
	struct et *t = et_new(EVSE_MODE_PERSONAL);
	t->cards[0] = "CARD-A";
	t->cards[1] = "CARD-B"; /* same parent as CARD-A: "P-C" */
	t->cards[2] = "OTHER-1";
	*state = t;
	return 0;
}

static inline int et_teardown(void **state)
{
	et_free(*state);
	return 0;
}

/* What `evse --help` prints (evse_config_help), into buf. */
static inline void et_config_help(char *buf, size_t cap)
{
	memset(buf, 0, cap);
	FILE *f = fmemopen(buf, cap - 1, "w");
	assert_non_null(f);
	evse_config_help(f);
	fclose(f);
}

#endif

/* csms.h — the central system's shared state: configuration, store, station registry, the event loop
 * and the connections. Everything here is touched only on the event-loop thread, except the store's
 * own locked queues. */
#ifndef CSMS_H
#define CSMS_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

#include "csms_config.h"

/* the rooms' types, by name only: csms.h sits below every room (see scripts/imports.js) */
struct csms_store;
struct csms_registry;
struct csms_throttle;
struct csms_station;
struct lws_context;
struct ev_loop;
struct csms_conn;
struct csms_bg;
struct csms_live;
struct csms_sync;
struct csms_msglog;

struct csms {
	struct csms_config cfg;
	struct csms_store *store;
	sqlite3 *rdb; /* read-only connection for the event-loop thread's point reads */
	struct csms_registry *reg;
	struct csms_throttle *throttle;
	struct lws_context *lws;
	struct ev_loop *loop;
	char admin_token[65];
	struct csms_bg *bg;                   /* background worker: password hashes, exports, backups */
	struct csms_throttle *login_throttle; /* failed operator logins per account and per address */
	char setup_code[16];                  /* first start without operators: the one-time setup code */
	struct csms_live *live;               /* live update streams (Server-Sent Events) */
	struct csms_sync *sync;               /* keeps stations' default card lists in step with the cards */
	/* told after a station row's change is committed ("connected", "disconnected", "state"): the station
	 * layer subscribes (the live hub); NULL: nobody listens. Lets the store publish without importing it. */
	void (*on_station_change)(struct csms *app, const struct csms_station *s, const char *what);
	struct csms_conn *conns; /* every OCPP WebSocket connection, live or on probation */
	unsigned n_conns;
	uint64_t next_serial;
	bool stopping;
	struct {
		uint64_t window_start; /* policy pending: automatic registrations in the current minute */
		unsigned count;
	} auto_registrations;
	struct {
		uint64_t frames_in, frames_out, refused_handshakes, auth_failures;
		uint64_t over_budget; /* frames that took a station over its message budget */
	} stats;
	struct csms_msglog *msglog; /* the OCPP message log: its own database and writer (csms_msglog.h) */
};

#endif

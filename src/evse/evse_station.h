/* evse_station.h — one station put together: the store, the hardware (simulator), the charging point, the
 * OCPP client when a backend is configured, the local cards of PERSONAL mode and the charging history.
 * It routes the charging point's events to whoever needs them. The network layer drives it. */
#ifndef EVSE_STATION_H
#define EVSE_STATION_H

#include <stddef.h>
#include <stdint.h>

#include "evse_charge.h"
#include "evse_config.h"
#include "evse_dpm_link.h"
#include "evse_fw.h"
#include "evse_ocpp.h"
#include "evse_sim.h"
#include "evse_simctl.h"
#include "evse_store.h"

struct evse_station {
	const struct evse_config *cfg;
	struct evse_store *store;
	struct evse_sim *sim; /* NULL on real hardware */
	struct evse_charge *charge;
	struct evse_ocpp *ocpp;    /* NULL when standalone */
	struct evse_fw *fw;        /* firmware updates: OCPP and the local upload */
	struct evse_dpm_link *dpm; /* dynamic power management */
	uint64_t now;
	uint64_t session_start_wall;
	int64_t clock_offset_ms; /* the simulated clock set from the local app (simulator only) */
	int64_t schedule_at_ms;  /* a scheduled start (wall ms): no current offered before; 0: none */
	/* how late the control cycles come (the event loop busy with something else): the largest gap beyond
	 * EVSE_TICK_MS between two cycles in this window of EVSE_LATE_WINDOW_MS and in the one before */
	uint64_t tick_prev_ms, late_window_ms;
	uint32_t late_ms[2];
	/* the Master's Local Management System (evse_group_lms.c): its say on the station's own cards (1 accept,
	 * -1 refuse, 0 the usual rules) and its record of the station's own sessions */
	int (*lms_filter)(void *ctx, const char *id_tag);
	void (*lms_session)(void *ctx, const struct evse_session *ses, bool stop, const char *reason, double stop_wh);
	void *lms_ctx;
};

#define EVSE_TICK_MS        100
#define EVSE_LATE_WINDOW_MS 10000

/* Opens the store and builds everything. NULL with a message in err. Free with evse_station_free(). */
struct evse_station *evse_station_new(const struct evse_config *cfg, uint64_t now_ms, char *err, size_t errcap);
void evse_station_free(struct evse_station *s);

/* One control cycle (call every EVSE_TICK_MS). */
void evse_station_tick(struct evse_station *s, uint64_t now_ms);

/* The program should restart: 1 soft (a Reset, or a firmware installed), 2 hard, 0 not. */
int evse_station_restart_due(struct evse_station *s);

/* Runs one simulator control command; 0 or -1 with err. */
int evse_station_sim_command(struct evse_station *s, const char *line, size_t len, char *err, size_t errcap);

/* The station's wall clock in ms since the epoch: the system clock, plus the offset the local app set on
 * the simulator. */
int64_t evse_station_wall_ms(const struct evse_station *s);
/* Sets the station's clock to wall_ms: on the simulator an offset kept in the store, on hardware the system
 * clock (needs CAP_SYS_TIME). 0 or -1 with err. */
int evse_station_set_clock(struct evse_station *s, int64_t wall_ms, char *err, size_t errcap);

/* A scheduled start (the local app): until at_ms (wall clock) the station offers no current (a session
 * waits in SuspendedEVSE); then the schedule is done. at_ms 0 cancels. Kept in the store across restarts.
 * 0 or -1 (store error). */
int evse_station_schedule(struct evse_station *s, int64_t at_ms);

/* Hooks the Master's Local Management System in (NULLs unhook it). */
void evse_station_set_lms(struct evse_station *s, int (*filter)(void *ctx, const char *id_tag),
                          void (*session)(void *ctx, const struct evse_session *ses, bool stop, const char *reason,
                                          double stop_wh),
                          void *ctx);

/* The live status as JSON text for the local app and tests; the caller frees it. */
char *evse_station_status_json(struct evse_station *s);

#endif

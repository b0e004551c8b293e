/* evse_ocpp.h — the OCPP 1.6J charge-point client of one station, without I/O: it turns the charging
 * point's events into messages (BootNotification first, StatusNotification, Authorize, the durable
 * transaction-message queue, MeterValues, Heartbeat) and the central system's calls into commands on the
 * charging point. The transport feeds it frames and connection events; it hands back frames to send.
 * Time is injected (monotonic for timers, wall clock for timestamps). */
#ifndef EVSE_OCPP_H
#define EVSE_OCPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_charge.h"
#include "evse_config.h"
#include "evse_store.h"
#include "ocpp_rpc.h"
#include "ocpp_types.h"

struct evse_ocpp;

struct evse_ocpp_clock {
	uint64_t (*wall_ms)(void *ctx); /* ms since the epoch, for timestamps; NULL: wl_wall_ms() */
	void *ctx;
};

/* cfg, st and charge must outlive the client. NULL when out of memory. */
struct evse_ocpp *evse_ocpp_new(const struct evse_config *cfg, struct evse_store *st, struct evse_charge *charge,
                                const struct evse_ocpp_clock *clock, uint64_t now_ms);
void evse_ocpp_free(struct evse_ocpp *o);

/* The WebSocket opened / closed. A new connection starts with a BootNotification. */
void evse_ocpp_connected(struct evse_ocpp *o, uint64_t now_ms);
void evse_ocpp_disconnected(struct evse_ocpp *o, uint64_t now_ms);
bool evse_ocpp_online(const struct evse_ocpp *o); /* connected and accepted */

/* Smart charging, for the Master's load balancer (evse_group): the limit the profiles give connector 1 now
 * (A, -1: none), and the ChargePointMaxProfiles' limit of the whole station now (A per phase, -1: none). */
double evse_ocpp_smart_limit(const struct evse_ocpp *o);
double evse_ocpp_station_max(const struct evse_ocpp *o);

/* An OCPP charging profile as evse_smart's, checked (evse_smart_check); received_ms stands in for a missing
 * startSchedule of an Absolute one. 0, or -1 with the reason in err. */
struct evse_smart_profile;
int evse_ocpp_smart_profile(const struct ocpp_charging_profile *cp, int connector, int64_t received_ms,
                            struct evse_smart_profile *p, char *err, size_t errcap);
/* One received text frame. */
void evse_ocpp_receive(struct evse_ocpp *o, const char *buf, size_t len, uint64_t now_ms);
/* Timers: boot retry, heartbeat, status debounce, meter values, queue retries, call timeouts. */
void evse_ocpp_tick(struct evse_ocpp *o, uint64_t now_ms);
/* The next frame to send (free() it), or NULL. */
char *evse_ocpp_take_output(struct evse_ocpp *o, size_t *len);
bool evse_ocpp_has_output(const struct evse_ocpp *o);
/* The central system does not read what it is sent: frames were dropped past the output's bound (the connection
 * must be closed; the next one starts afresh). *waiting: the bytes not yet sent. */
bool evse_ocpp_unread(const struct evse_ocpp *o, size_t *waiting);

/* ---- events of the charging point, forwarded by the owner ---- */
void evse_ocpp_on_state(struct evse_ocpp *o, enum evse_state to, int error, uint64_t now_ms);
void evse_ocpp_on_session_start(struct evse_ocpp *o, const struct evse_session *s, uint64_t now_ms);
void evse_ocpp_on_session_stop(struct evse_ocpp *o, const struct evse_session *s, enum evse_stop_reason why,
                               double stop_wh, uint64_t now_ms);
/* WEB mode card decision: the local list / cache / offline rules, or PENDING with an Authorize sent. */
enum evse_auth evse_ocpp_authorize(struct evse_ocpp *o, const char *id_tag, char *parent, uint64_t now_ms);

/* ---- the Master/Satellite relay (evse_group.c) ---- */
/* A relay sees every call of the central system before the station does, and the outcomes of the calls it
 * sent upstream itself. */
struct evse_ocpp_relay {
	/* 1: the relay took the call and answers it (evse_ocpp_relay_reply); 0: the station handles it */
	int (*call)(void *ctx, const struct ocpp_incoming *in);
	/* true: the outcome of a call the relay sent (its cookie) */
	bool (*outcome)(void *ctx, const struct ocpp_outcome *out);
	void *ctx;
};
void evse_ocpp_set_relay(struct evse_ocpp *o, const struct evse_ocpp_relay *r);
/* The connection to the central system, a number that changes with every new one; 0: none. */
unsigned evse_ocpp_link(const struct evse_ocpp *o);
/* Sends a CALL upstream for the relay (only when accepted): 0, or -1. */
int evse_ocpp_relay_send(struct evse_ocpp *o, enum ocpp_action a, const void *req, void *cookie);
/* Answers an incoming call the relay took, if its connection (link) is still the one: 0, or -1. */
int evse_ocpp_relay_reply(struct evse_ocpp *o, unsigned link, const char *id, const void *conf);
int evse_ocpp_relay_reply_error(struct evse_ocpp *o, unsigned link, const char *id, enum ocpp_error_code code,
                                const char *description);

/* ---- firmware and diagnostics (evse_ocpp_fw.c) ---- */
struct evse_fw;
/* The firmware updater UpdateFirmware goes to (owned by the caller; NULL: UpdateFirmware does nothing). */
void evse_ocpp_set_firmware(struct evse_ocpp *o, struct evse_fw *fw);
/* A condition that does not stop the connector but goes with its StatusNotification (the grid meter of
 * dynamic power management is silent): errorCode PowerMeterFailure, vendorErrorCode "ERR MET" and info
 * (at most 50 characters); NULL clears it. Each change is reported. */
void evse_ocpp_set_warning(struct evse_ocpp *o, const char *info);

/* Reports a FirmwareStatusNotification: now when online, else the latest one after the next boot. */
void evse_ocpp_firmware_status(struct evse_ocpp *o, enum ocpp_firmware_status s);

/* A Reset was accepted and its session has ended: the owner restarts the program. 0 none, 1 soft, 2 hard. */
int evse_ocpp_reset_due(const struct evse_ocpp *o);
/* When the central system's last frame came (monotonic ms), 0 never: the Local Management System's OCPP link. */
uint64_t evse_ocpp_last_rx(const struct evse_ocpp *o);
/* A Reset asked locally (the Master's Local Management System), as if the central system had sent it. */
void evse_ocpp_request_reset(struct evse_ocpp *o, bool hard);
/* Transaction messages still waiting for the central system. */
int64_t evse_ocpp_queued(const struct evse_ocpp *o);

#endif

/* evse_ocpp_int.h — the state the OCPP client files share (evse_ocpp.c: messages the station sends;
 * evse_ocpp_cs.c: calls the central system makes). Not for other modules. */
#ifndef EVSE_OCPP_INT_H
#define EVSE_OCPP_INT_H

#include "evse_ocpp.h"
#include "evse_ocpp_keys.h"
#include "evse_smart.h"
#include "ocpp.h"

struct evse_ocpp {
	uint64_t last_rx_ms; /* when the central system's last frame came (monotonic), 0 never */
	const struct evse_config *cfg;
	struct evse_store *st;
	struct evse_charge *charge;
	struct evse_ocpp_clock clock;
	uint64_t now;

	struct ocpp_rpc *rpc; /* one per connection */
	unsigned link;        /* counts connections: a relay's answer goes only to the one its call came on */
	struct evse_ocpp_relay relay;
	bool connected;
	bool accepted;
	bool boot_in_flight;
	uint64_t boot_retry_at;
	uint64_t heartbeat_at;
	bool closing; /* the rpc is being freed: its Cancelled outcomes change nothing */

	/* StatusNotification: the state to report, since when, and what was last reported */
	enum evse_state status;
	int status_error;
	uint64_t status_since;
	bool status_sent_valid;
	enum evse_state status_sent;
	int status_sent_error;
	char warning[51];      /* evse_ocpp_set_warning(): "" none */
	char warning_sent[51]; /* the warning of the last report of connector 1 */
	bool status0_sent;

	/* the transaction-message queue */
	bool txq_busy;
	uint64_t txq_retry_at;
	int64_t open_tx; /* local number of the running transaction, 0: none */

	/* meter values */
	uint64_t sample_at;        /* monotonic */
	int64_t aligned_next_wall; /* wall ms of the next clock-aligned reading, 0: off */

	/* an Authorize in flight for a card */
	bool auth_busy;
	char auth_id[EVSE_ID_MAX];
	bool auth_for_remote; /* a remote start waiting for its Authorize (AuthorizeRemoteTxRequests) */

	int reset_kind; /* 0 none, 1 soft, 2 hard: requested */

	/* an UnlockConnector during a session: answered once the session is stopped (OCPP 1.6 §5.17) */
	bool unlock_pending;
	char unlock_call_id[64];
	uint64_t unlock_until;

	/* smart charging (evse_ocpp_smart.c) */
	struct evse_smart *smart;
	bool smart_dirty;                    /* profiles or the transaction changed: evaluate at the next tick */
	int64_t smart_next_wall;             /* the next schedule boundary */
	double smart_applied;                /* the limit handed to the charging point (-1 none, -2 not yet) */
	int64_t tx_start_wall;               /* the anchor of Relative schedules */
	struct ocpp_payload *remote_profile; /* a RemoteStartTransaction's TxProfile, for its session */

	/* the reservation kept in the store (it survives a restart) */
	bool resv_saved;
	int64_t resv_saved_id;
	bool resv_restore; /* one was read from the store: hand it to the charging point after its self-test */

	/* firmware and diagnostics (evse_ocpp_fw.c) */
	struct evse_fw *fw;
	bool fw_pending; /* a FirmwareStatusNotification to send once accepted */
	enum ocpp_firmware_status fw_pending_status;
	struct evse_ocpp_diag *diag; /* an upload under way, or NULL */
};

uint64_t evse_ocpp__wall(const struct evse_ocpp *o);
void evse_ocpp__timestamp(const struct evse_ocpp *o, char *out, size_t cap);
/* Sends a CALL now (queued in the rpc): only when accepted, except BootNotification. */
int evse_ocpp__call(struct evse_ocpp *o, enum ocpp_action a, const void *req, void *cookie);
void evse_ocpp__send_status(struct evse_ocpp *o, int connector);
void evse_ocpp__send_heartbeat(struct evse_ocpp *o);
void evse_ocpp__send_boot(struct evse_ocpp *o);
void evse_ocpp__send_meter_values(struct evse_ocpp *o, enum ocpp_reading_context ctx, bool in_tx);
/* Updates cache (when enabled) from an idTagInfo. */
void evse_ocpp__cache_put(struct evse_ocpp *o, const char *id_tag, const struct ocpp_id_tag_info *info);
int64_t evse_ocpp__remote_tx(const struct evse_ocpp *o);
/* Sends an Authorize for a remote start (AuthorizeRemoteTxRequests): 0 sent, -1 not. */
int evse_ocpp__authorize_remote(struct evse_ocpp *o, const char *id_tag);
void evse_ocpp__remote_authorized(struct evse_ocpp *o, const char *id_tag, bool accepted);
/* Answers an UnlockConnector that waits for its session to stop, once it has (or its time is up). */
void evse_ocpp__unlock_tick(struct evse_ocpp *o);

/* ---- smart charging (evse_ocpp_smart.c) ---- */
int evse_ocpp__smart_init(struct evse_ocpp *o); /* loads the stored profiles; -1 out of memory */
void evse_ocpp__smart_free(struct evse_ocpp *o);
void evse_ocpp__smart_tick(struct evse_ocpp *o);
void evse_ocpp__smart_tx_started(struct evse_ocpp *o);
void evse_ocpp__smart_tx_ended(struct evse_ocpp *o);
/* Keeps a RemoteStartTransaction's TxProfile for the session it starts: 0, or -1 when it is not one. */
int evse_ocpp__smart_remote_profile(struct evse_ocpp *o, const struct ocpp_charging_profile *cp);
void evse_ocpp__smart_drop_remote_profile(struct evse_ocpp *o);
void evse_ocpp__on_set_charging_profile(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);
void evse_ocpp__on_clear_charging_profile(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);
void evse_ocpp__on_get_composite_schedule(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);

/* ---- reservations kept in the store ---- */
void evse_ocpp__resv_save(struct evse_ocpp *o, const struct evse_reservation *r, int64_t expiry_wall);
void evse_ocpp__resv_tick(struct evse_ocpp *o);
void evse_ocpp__resv_load(struct evse_ocpp *o);

/* ---- firmware and diagnostics (evse_ocpp_fw.c) ---- */
void evse_ocpp__fw_tick(struct evse_ocpp *o);
void evse_ocpp__fw_free(struct evse_ocpp *o);
void evse_ocpp__send_firmware_status(struct evse_ocpp *o, enum ocpp_firmware_status s);
void evse_ocpp__send_diagnostics_status(struct evse_ocpp *o);
void evse_ocpp__on_update_firmware(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);
void evse_ocpp__on_get_diagnostics(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);

extern ocpp_call_fn *const evse_ocpp__handlers[OCPP_ACTION_COUNT];

#endif

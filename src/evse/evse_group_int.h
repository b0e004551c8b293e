/* evse_group_int.h — the state the Master's relay files share (evse_group.c: the relay; evse_group_ws.c: the
 * Satellites' WebSocket sessions). Not for other modules. */
#ifndef EVSE_GROUP_INT_H
#define EVSE_GROUP_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "evse_group.h"
#include "evse_group_auth.h"
#include "evse_group_lb.h"
#include "evse_group_map.h"
#include "evse_smart.h"
#include "ocpp.h"
#include "wl_listen.h"

struct lws;
struct lws_vhost;

#define RX_MAX   (64 * 1024)
#define UP_MAX   32 /* Satellite messages on their way upstream (each Satellite has one call out at a time) */
#define DOWN_MAX 16 /* upstream calls on their way to a Satellite */
#define TX_MAX   64 /* running transactions of the Satellites (RemoteStopTransaction finds its point) */
/* A Satellite message held while upstream is away is answered (CALLERROR) after this long: the evse waits
 * 30 s for an answer, then sends it again, so it never sees this one; the incoming slot is freed. */
#define HOLD_MS 35000u

struct group_conn {
	struct evse_group *g;
	struct lws *wsi;
	struct ocpp_rpc *rpc;
	int sat;
	unsigned serial;
	char *rx;
	size_t rx_len;
	bool rx_overflow;
	bool closing; /* closed for not reading what it is sent: nothing more read from it or sent to it */
};

struct conn_status {
	bool known;
	enum ocpp_charge_point_status status;
	enum ocpp_charge_point_error_code error;
};

struct up_slot {
	bool busy, sent;
	int sat;
	unsigned serial; /* the Satellite's connection it came on */
	char id[64];
	enum ocpp_action action;
	cJSON *json; /* the request, renumbered */
	uint64_t since;
};

/* What a call passed down changes in the Master's copy of a connector's upstream profiles once its Satellite
 * accepts it (evse_group_caps.c). */
struct cap_change {
	enum { CAPS_NONE, CAPS_SET, CAPS_CLEAR } kind;
	int k;                          /* the upstream connector */
	struct evse_smart_profile prof; /* CAPS_SET, on connector 1 of the copy */
	int64_t id;                     /* CAPS_CLEAR: -1 any */
	int purpose, stack;             /* CAPS_CLEAR: -1 any */
};

struct down_slot {
	bool busy;
	unsigned link; /* the upstream connection it came on */
	char id[64];
	enum ocpp_action action;
	int sat;
	struct cap_change cap;
};

/* The load balancer's view of one upstream connector (evse_group_bal.c). */
struct bal_point {
	bool in_tx;       /* a StartTransaction went upstream; cleared when its status leaves the session states */
	bool session;     /* last cycle's */
	int64_t start_ms; /* when the session was first seen */
	int draw_da;      /* latest Current.Import, -1: none */
	int phase_da[3];  /* ... per group phase, -1: none */
	int lim_da;       /* the balancer's last limit, -1: none */
	int sent_da;      /* the limit last sent to it (its Satellite's first connector: the Satellite's total) */
	unsigned serial;  /* the Satellite connection it was sent on */
	int conn_sent_da; /* a connector of a Satellite of several: its own share last sent, -1: none */
	unsigned conn_serial;
};

struct evse_group {
	struct evse_station *st;
	const struct evse_config *cfg;
	struct evse_group_map map;
	struct wl_listen where;
	struct lws_vhost *vh;
	struct {
		struct group_conn *conn;
		struct conn_status status[EVSE_GROUP_CONN_MAX + 1];
	} sat[EVSE_GROUP_SAT_MAX];
	unsigned next_serial;
	struct up_slot up[UP_MAX];
	struct down_slot down[DOWN_MAX];
	struct {
		int64_t tx;
		int sat; /* -1: free */
	} tx[TX_MAX];
	bool was_online;
	uint64_t now;
	char status_cookie, own_cookie;
	struct evse_lb *lb; /* group_threshold > 0 */
	uint64_t lb_at;     /* its last cycle */
	struct bal_point bal[EVSE_GROUP_POINTS_MAX];
	bool auth_required;                  /* the Satellites' vhost listens beyond loopback: a password each */
	struct evse_gauth_throttle throttle; /* failed Satellite logins per address */
	struct evse_smart
	    *caps; /* [EVSE_GROUP_POINTS_MAX]: upstream's profiles on each Satellite connector (balancing) */
	struct evse_group_lms *lms; /* the Local Management System (evse_group_lms.c) */
	void (*wake)(void *ctx);    /* frames for upstream were queued */
	void *wake_ctx;
};

/* Asks lws to write when the session has frames waiting. */
void evse_group__flush(struct group_conn *c);
/* Listens for Satellites on a new vhost of ctx bound to exactly group_listen: 0 or -1 with err. */
int evse_group__listen(struct evse_group *g, struct lws_context *ctx, char *err, size_t errcap);
/* evse_group.c, for the sessions: the handlers of a Satellite's calls, the outcomes of the calls passed
 * down to it, and its going away (its connectors Unavailable upstream). */
extern ocpp_call_fn *const evse_group__sat_handlers[OCPP_ACTION_COUNT];
void evse_group__sat_outcome(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_outcome *out);
void evse_group__sat_gone(struct evse_group *g, int sat);
/* evse_group_bal.c: the balancer. new: 0 or -1 with err; seen: a Satellite message on its way upstream
 * (StartTransaction, MeterValues: j renumbered, connector k); tick: a cycle when one is due. */
int evse_group__bal_new(struct evse_group *g, char *err, size_t errcap);
void evse_group__bal_free(struct evse_group *g);
void evse_group__bal_seen(struct evse_group *g, enum ocpp_action a, int k, const cJSON *j);
void evse_group__bal_tick(struct evse_group *g);

/* evse_group_caps.c: upstream's limits as the balancer's caps. A Satellite's copy of the profiles upstream set
 * on its connectors: note what a call passed down would change (down), apply it when the Satellite accepts
 * (outcome); each connector's cap now (point: 1 with *cap_da, 0 none; ended: its session just ended, its
 * TxProfiles go);
 * the whole station's (ChargePointMaxProfile on connector 0, the Master's own): da or EVSE_LB_NO_CAP. */
int evse_group__caps_new(struct evse_group *g);
void evse_group__caps_free(struct evse_group *g);
void evse_group__caps_down(struct evse_group *g, struct down_slot *s, const struct ocpp_incoming *in, int k);
void evse_group__caps_outcome(struct evse_group *g, const struct down_slot *s, const struct ocpp_outcome *out);
int evse_group__caps_point(struct evse_group *g, int k, bool session, bool ended, int64_t start_wall_ms, int *cap_da);
int evse_group__caps_station(struct evse_group *g);
/* Has upstream a TxDefaultProfile of stack level on connector k (the Master's own per-connector share there
 * would replace it)? */
bool evse_group__caps_has_level(const struct evse_group *g, int k, int level);
/* evse_group_lms.c: the Local Management System. new: 0 or -1 (no memory); authorize: a Satellite's Authorize
 * decided by the Master (answered: true); seen: StartTransaction / MeterValues on its way upstream (j
 * renumbered, connector k) and StopTransaction; started: the answer to a StartTransaction for its Satellite (a
 * copy with the LMS refusal's status when its rules refused the card); fw_status: FirmwareStatusNotification
 * kept; caps: pauses and current limits into the balancer's inputs; threshold: the balancer's (LMS setting, else
 * group_threshold). */
struct evse_lb_input;
struct ocpp_start_transaction_conf;
struct ocpp_id_tag_info;
int evse_group__lms_new(struct evse_group *g);
void evse_group__lms_free(struct evse_group *g);
bool evse_group__lms_authorize(struct group_conn *c, const struct ocpp_incoming *in);
void evse_group__lms_seen(struct evse_group *g, int sat, enum ocpp_action a, int k, const cJSON *j);
void evse_group__lms_stop_seen(struct evse_group *g, const cJSON *j);
const void *evse_group__lms_started(struct evse_group *g, const cJSON *req, const void *conf,
                                    struct ocpp_start_transaction_conf *copy, struct ocpp_id_tag_info *info);
/* A RemoteStartTransaction for the Master's own socket whose card the LMS rules refuse: true (answered Rejected;
 * a tap's Authorize is filtered by the station, a remote start is not). */
bool evse_group__lms_remote_refused(struct evse_group *g, const struct ocpp_remote_start_transaction_req *req);
void evse_group__lms_fw_status(void *ctx, struct ocpp_rpc *rpc, const struct ocpp_incoming *in);
void evse_group__lms_tick(struct evse_group *g);
void evse_group__lms_caps(const struct evse_group *g, struct evse_lb_input *in);
/* Without a balancer: point k's pause or cap sent as its limit (none: cleared). */
void evse_group__lms_apply(struct evse_group *g, int k);
/* The balancer stopped: every point's limit back to the LMS's pause / cap or none (its shares cleared). */
void evse_group__lms_unbalanced(struct evse_group *g);
int evse_group__threshold(const struct evse_group *g);

#endif

/* evse_store.h — everything the station keeps across restarts and power cuts, in one SQLite file with
 * synchronous=FULL (a write is on disk when the call returns): settings and OCPP configuration keys, the
 * transaction-message queue, the local-to-central transaction id map, the authorisation cache and local
 * list, the charging history and the smart-charging profiles. Single-threaded. */
#ifndef EVSE_STORE_H
#define EVSE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evse_lms.h"
#include "wl_idtag.h"

struct evse_store;

/* Opens (creating) the database at path. NULL with a message in err on failure. Close with
 * evse_store_close(). ":memory:" is a volatile store for tests. */
struct evse_store *evse_store_open(const char *path, char *err, size_t errcap);
void evse_store_close(struct evse_store *st);
/* The schema's version (PRAGMA user_version: the migrations applied), -1 on error. */
int evse_store_schema_version(struct evse_store *st);

/* ---- key/value: 1 found (copied into out, truncated to cap), 0 absent, -1 error ---- */
int evse_store_get(struct evse_store *st, const char *key, char *out, size_t cap);
int evse_store_set(struct evse_store *st, const char *key, const char *value);

/* ---- transaction messages, delivered in order (StartTransaction, MeterValues, StopTransaction) ---- */
#define EVSE_TXQ_ACTION_MAX 32
struct evse_txq_item {
	int64_t seq;
	char action[EVSE_TXQ_ACTION_MAX];
	int64_t local_tx; /* the station's own number of the transaction */
	char *payload;    /* JSON text of the request; the caller frees it with free() */
	int attempts;
};
/* Appends a message; 0 or -1. */
int evse_store_txq_push(struct evse_store *st, const char *action, int64_t local_tx, const char *payload);
/* The oldest message: 1 (item filled), 0 when the queue is empty, -1 error. */
int evse_store_txq_head(struct evse_store *st, struct evse_txq_item *item);
int evse_store_txq_remove(struct evse_store *st, int64_t seq);
int evse_store_txq_attempted(struct evse_store *st, int64_t seq);
int64_t evse_store_txq_count(struct evse_store *st);
/* A new local transaction number (persistent counter). */
int64_t evse_store_next_local_tx(struct evse_store *st);
/* The central system's transactionId for a local one: 1 found, 0 not (yet), -1 error. */
int evse_store_txmap_set(struct evse_store *st, int64_t local_tx, int64_t remote_tx);
int evse_store_txmap_get(struct evse_store *st, int64_t local_tx, int64_t *remote_tx);

/* ---- authorisation: the cache and the local list ---- */
/* Keyed by wl_idtag_key(): lookups and updates take an id tag in any case and padding. */
enum evse_auth_table { EVSE_AUTH_CACHE, EVSE_AUTH_LIST };
struct evse_auth_entry {
	char status[24]; /* OCPP AuthorizationStatus: "Accepted", "Blocked", ... */
	char expiry[40]; /* RFC 3339 or "" */
	char parent[21];
};
int evse_store_auth_get(struct evse_store *st, enum evse_auth_table t, const char *id_tag, struct evse_auth_entry *e);
/* e NULL: removes id_tag. */
int evse_store_auth_put(struct evse_store *st, enum evse_auth_table t, const char *id_tag,
                        const struct evse_auth_entry *e);
int evse_store_auth_clear(struct evse_store *st, enum evse_auth_table t);
int64_t evse_store_auth_count(struct evse_store *st, enum evse_auth_table t);

/* Wraps several writes in one transaction (a differential local list update, a card slot rewrite). */
int evse_store_begin(struct evse_store *st);
int evse_store_commit(struct evse_store *st);
int evse_store_rollback(struct evse_store *st);

/* ---- charging history (the local app's "Charging Record") ---- */
struct evse_history {
	int64_t no;
	char start[32], end[32]; /* RFC 3339 */
	char start_mode[12], stop_mode[20];
	double energy_wh;
	char id_tag[21];
};
int evse_store_history_add(struct evse_store *st, const struct evse_history *h);
/* Calls fn for the newest max records, newest first. Returns the number visited or -1. */
int evse_store_history_each(struct evse_store *st, int max, void (*fn)(void *ctx, const struct evse_history *h),
                            void *ctx);
/* The same for the records numbered below before (before <= 0: from the newest): one page of the list. */
int evse_store_history_page(struct evse_store *st, int64_t before, int max,
                            void (*fn)(void *ctx, const struct evse_history *h), void *ctx);

/* ---- fault log (the local app's "Report"): each protection trip with its time; the newest kept ---- */
#define EVSE_FAULTS_KEPT 200
struct evse_fault {
	int64_t no;
	char at[32];   /* RFC 3339 */
	char code[16]; /* display code: "ERR OCP" */
	char what[64];
};
int evse_store_fault_add(struct evse_store *st, const struct evse_fault *f);
/* Newest first; the number visited or -1. */
int evse_store_fault_each(struct evse_store *st, int max, void (*fn)(void *ctx, const struct evse_fault *f), void *ctx);

/* ---- smart charging: the installed charging profiles, as the JSON of their SetChargingProfile.req ---- */
int evse_store_profile_put(struct evse_store *st, int64_t id, int64_t received_ms, const char *json);
int evse_store_profile_del(struct evse_store *st, int64_t id);
/* Calls fn for every stored profile (json lives only during the call). The number visited or -1. fn must
 * not use the store. */
int evse_store_profile_each(struct evse_store *st,
                            void (*fn)(void *ctx, int64_t id, int64_t received_ms, const char *json), void *ctx);

/* ---- a Master's group: which Satellite (its id) runs each upstream transactionId ---- */
int evse_store_sat_tx_put(struct evse_store *st, int64_t tx, const char *satellite);
int evse_store_sat_tx_del(struct evse_store *st, int64_t tx);
/* Calls fn for every row (satellite lives only during the call; fn must not use the store). The number
 * visited or -1. */
int evse_store_sat_tx_each(struct evse_store *st, void (*fn)(void *ctx, int64_t tx, const char *satellite), void *ctx);

/* ---- the Master's Local Management System: users with limits (evse_lms) and their cards ---- */
/* Adds (u->id 0) or updates user u with its cards: its id (> 0); 0 no such user; -2 one of its cards belongs to
 * another user (copied to conflict); -3 already EVSE_LMS_USERS_MAX users; -1 error. */
int64_t evse_store_lms_user_put(struct evse_store *st, const struct evse_lms_user *u, char *conflict, size_t cap);
/* 1 removed, 0 no such user, -1 error (its transactions stay in the history). */
int evse_store_lms_user_del(struct evse_store *st, int64_t id);
/* 1 found, 0 not, -1 error. */
int evse_store_lms_user_get(struct evse_store *st, int64_t id, struct evse_lms_user *u);
int evse_store_lms_user_by_card(struct evse_store *st, const char *card, struct evse_lms_user *u);
/* Every user by name; the number visited or -1. fn must not use the store. */
int evse_store_lms_user_each(struct evse_store *st, void (*fn)(void *ctx, const struct evse_lms_user *u), void *ctx);

/* ---- the group's transactions, kept by the Master from its points' StartTransaction / MeterValues /
 * StopTransaction (and its own socket's sessions) ---- */
struct evse_group_tx {
	int64_t no;
	int connector;  /* upstream connector k */
	char point[24]; /* its Satellite's id, or "master" */
	char id_tag[WL_IDTAG_KEY_MAX];
	int64_t user_id;              /* the LMS user of the card when it started, 0 none */
	char user[EVSE_LMS_NAME_MAX]; /* (read) its name now */
	int64_t tx_id;                /* the upstream transactionId, 0 until known */
	char start[32], stop[32];     /* RFC 3339; stop "" while running */
	int64_t start_ms, stop_ms;
	double meter_start; /* Wh */
	double energy_wh;
	char stop_reason[24];
	char refused[16]; /* the LMS refused it at its start: the status answered ("Blocked"…), "" not */
};
/* Records a start (again: the same connector and start time is the same row): its row number, or -1. */
int64_t evse_store_gtx_start(struct evse_store *st, const struct evse_group_tx *t);
/* The row of upstream transaction tx_id: its number, 0 none, -1 error. */
int64_t evse_store_gtx_find(struct evse_store *st, int64_t tx_id);
int evse_store_gtx_set_tx(struct evse_store *st, int64_t no, int64_t tx_id);
/* The LMS rules refused row no at its start (status "Blocked"…): kept in the history, left out of the usage. */
int evse_store_gtx_refuse(struct evse_store *st, int64_t no, const char *status);
/* A meter reading of a running row (Wh, absolute): its energy so far. */
int evse_store_gtx_meter(struct evse_store *st, int64_t no, double meter_wh);
int evse_store_gtx_stop(struct evse_store *st, int64_t no, const char *stop, int64_t stop_ms, double meter_stop,
                        const char *reason);
/* Sessions and energy of user_id started within [from_ms, until_ms) (0: open), row except_no and the refused
 * rows left out. */
int evse_store_gtx_usage(struct evse_store *st, int64_t user_id, int64_t from_ms, int64_t until_ms, int64_t except_no,
                         struct evse_lms_usage *use);
struct evse_gtx_filter {
	int connector;                /* 0: every one */
	int64_t from_ms, until_ms;    /* start within; 0: open */
	char text[EVSE_LMS_NAME_MAX]; /* part of the card or of the user's name, "" any */
	int64_t before;               /* rows numbered below (paging), 0: from the newest */
	int limit;
};
/* Newest first; the number visited or -1. */
int evse_store_gtx_query(struct evse_store *st, const struct evse_gtx_filter *f,
                         void (*fn)(void *ctx, const struct evse_group_tx *t), void *ctx);
/* Energy per day ("2026-12-03", local time) or month ("2026-12") and connector, oldest first. */
int evse_store_gtx_consumption(struct evse_store *st, bool by_month, int64_t from_ms, int64_t until_ms,
                               void (*fn)(void *ctx, const char *period, int connector, double wh, int sessions),
                               void *ctx);

#endif

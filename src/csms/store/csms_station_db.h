/* csms_station_db.h — the owner of the station table. Kept in step with the registry: registration,
 * connection state, heartbeats (batched), accepting a pending station (each call updates memory at once
 * and queues the store job; committed changes are told to app->on_station_change, the live hub listens).
 * Also read and written for the API (list, details, names), for what stations send (boot, firmware and
 * diagnostics statuses) and for the local list a station holds. Its connectors: csms_connector_db. */
#ifndef CSMS_STATION_DB_H
#define CSMS_STATION_DB_H

#include "csms.h"
#include "csms_registry.h"

/* Loads every station into the registry (before the store thread starts). */
int csms_station_db_load(struct csms *app);
/* Registers a new station (in memory now, in the database with the next commit). */
struct csms_station *csms_station_db_register(struct csms *app, const char *id, enum csms_station_state state,
                                              const char *password_hash, const char *name);
void csms_station_db_set_state(struct csms *app, struct csms_station *s, enum csms_station_state state);
int csms_station_db_set_password(struct csms *app, struct csms_station *s, const char *password_hash);
void csms_station_db_connected(struct csms *app, struct csms_station *s, bool connected, const char *addr);
/* Writes the heartbeats received since the last call, in one job. */
void csms_station_db_flush_heartbeats(struct csms *app);
/* Marks every station disconnected (at start: nothing is connected yet). */
int csms_station_db_reset_connections(struct csms *app);

/* ---- the station table as the API reads it (any connection; results 0 or a CSMS_DB_* code) ---- */
#include "csms_db.h"

/* A station as listed; texts valid during the callback only, NULL for NULL. */
struct csms_station_row {
	const char *id, *name, *vendor, *model, *firmware, *state, *local_list_name;
	int64_t last_heartbeat; /* CSMS_DB_NO_TIME: none yet */
	int sockets;            /* connectors > 0 */
};
typedef int csms_station_db_each_fn(const struct csms_station_row *s, void *ctx);
/* like: a LIKE pattern (ESCAPE '\\') on id and name; state: a state name; either NULL for any. */
struct csms_station_filter {
	const char *like, *state;
};
/* The sort keys of the list: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_station_db_sorts[];
int csms_station_db_list(sqlite3 *db, const struct csms_station_filter *f, const struct csms_db_page *pg,
                         csms_station_db_each_fn *each, void *ctx, long long *total);
/* Every station of the filter by name, as a statement for csms_export_write(), its columns: name (or id),
 * "OCPP 1.6J", id, vendor and model, sockets, state, firmware, card list name (or "-"), last heartbeat.
 * NULL on error; the caller finalizes it; f's texts must outlive it. */
sqlite3_stmt *csms_station_db_export(sqlite3 *db, const struct csms_station_filter *f);
/* Writer connection: a station's name. CSMS_DB_MISSING. */
int csms_station_db_rename(sqlite3 *db, const char *id, const char *name);

/* A station's stored details; texts valid during the callback only, NULL for NULL; times ms or
 * CSMS_DB_NO_TIME. */
struct csms_station_detail {
	const char *name, *vendor, *model, *serial, *box_serial, *firmware, *iccid, *imsi, *meter_type, *meter_serial;
	int64_t last_boot, last_heartbeat, last_connect, last_disconnect;
	const char *remote_addr, *firmware_status, *diagnostics_status;
	int64_t local_list_version;
	const char *local_list_name; /* NULL: the default list */
	int64_t created;
};
typedef int csms_station_db_detail_fn(const struct csms_station_detail *d, void *ctx);
/* each() once; CSMS_DB_MISSING. */
int csms_station_db_get(sqlite3 *db, const char *id, csms_station_db_detail_fn *each, void *ctx);

/* ---- what stations send (store thread, through the store's statement cache) ---- */

struct csms_store;
/* A BootNotification's identity of the station; "" or NULL for a field not sent. */
struct csms_station_boot {
	const char *vendor, *model, *serial, *box_serial, *firmware, *iccid, *imsi, *meter_type, *meter_serial;
	int64_t now;
};
int csms_station_db_booted(struct csms_store *st, const char *id, const struct csms_station_boot *b);

/* The status a station reported of its firmware update or diagnostics upload. */
enum csms_station_note { CSMS_STATION_NOTE_NONE, CSMS_STATION_NOTE_FIRMWARE, CSMS_STATION_NOTE_DIAGNOSTICS };
int csms_station_db_set_note(struct csms_store *st, const char *id, enum csms_station_note note, const char *value);

/* ---- a station's local list as csms_sync keeps it ---- */

struct csms_station_list_state {
	bool on_default;            /* holds the default list (not a named one) */
	int64_t seq;                /* the card_change seq it has */
	bool limits_known;          /* its LocalAuthListMaxLength / SendLocalListMaxLength were read */
	int64_t list_max, send_max; /* 0: not reported */
};
/* 0, CSMS_DB_MISSING. */
int csms_station_db_list_state(sqlite3 *db, const char *id, struct csms_station_list_state *out);
/* Writer connection. A named list was accepted. */
int csms_station_db_set_named_list(sqlite3 *db, const char *id, int64_t list_id, const char *name);
/* The default list up to card change seq was accepted; by_operator: it replaces a named list, else (the
 * automatic sync) it never overrides a named list sent meanwhile. */
int csms_station_db_set_default_list(sqlite3 *db, const char *id, int64_t seq, bool by_operator);
/* SendLocalList was accepted: the list version the station holds. */
int csms_station_db_set_list_version(sqlite3 *db, const char *id, int64_t version);
int csms_station_db_set_list_limits(sqlite3 *db, const char *id, int64_t list_max, int64_t send_max);

#endif

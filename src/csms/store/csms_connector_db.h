/* csms_connector_db.h — the owner of the connector and connector_status tables: each connector's last
 * StatusNotification and what an operator said of the socket (description, type, phases, current), the
 * status history, and the sockets (connectors > 0) as the Home page lists them. Connector 0 is the station.
 *
 * Reads take any connection; StatusNotification and the spec go through the store's statement cache (store
 * thread). Results are 0 or a CSMS_DB_* code (csms_db.h). */
#ifndef CSMS_CONNECTOR_DB_H
#define CSMS_CONNECTOR_DB_H

#include <stddef.h>

#include "csms_db.h"

struct csms_store;

/* A connector's last status and its description (connector 0: the station itself). */
struct csms_connector_row {
	int connector_id;
	const char *status, *error_code, *info, *vendor_id, *vendor_error_code;
	int64_t status_time;
	const char *description, *type;
	int64_t phases;     /* -1: not known */
	double max_current; /* when has_max_current */
	bool has_max_current;
};
typedef int csms_connector_db_each_fn(const struct csms_connector_row *c, void *ctx);
/* The station's connectors by id. */
int csms_connector_db_of_station(sqlite3 *db, const char *id, csms_connector_db_each_fn *each, void *ctx);
/* A connector's last status into out ("" when it reported none): 0, CSMS_DB_MISSING (never reported). */
int csms_connector_db_status_of(sqlite3 *db, const char *id, int connector, char *out, size_t cap);

/* The sockets (connectors > 0) as the Home page lists them; texts valid during the callback only. */
struct csms_socket_row {
	const char *station;
	int connector;
	const char *name;         /* its description, else "<station name or id> #<connector>" */
	const char *station_name; /* the station's name, else its id */
	const char *status, *error_code, *info, *vendor_error_code;
	int64_t status_time; /* CSMS_DB_NO_TIME: none */
	const char *description, *type;
	int64_t phases; /* -1: not known */
	bool has_max_current;
	double max_current;
};
typedef int csms_connector_db_socket_fn(const struct csms_socket_row *s, void *ctx);
struct csms_view_scope;
/* like: a LIKE pattern (ESCAPE '\\') on the name, station id and station name, or NULL; scope: one group of a
 * view (csms_view_db.h, checked), or NULL for every socket. */
struct csms_socket_filter {
	const char *like;
	const struct csms_view_scope *scope;
};
/* The sort keys: pairs (API name, SQL), NULL-terminated, for csms_api_paging(). */
extern const char *const csms_connector_db_socket_sorts[];
/* Every socket of the filter in order (from csms_connector_db_socket_sorts); the caller pages, since a
 * socket's status needs the live connection. */
int csms_connector_db_sockets(sqlite3 *db, const struct csms_socket_filter *f, const char *order,
                              csms_connector_db_socket_fn *each, void *ctx);

/* A StatusNotification: the connector's last status is replaced and the history gets a row. "" or NULL for
 * info and vendor fields not sent. */
struct csms_connector_status {
	int connector;
	const char *status, *error_code, *info, *vendor_id, *vendor_error_code;
	int64_t ts, received;
};
/* prev_status, prev_error: the connector's status and error code before ("" when it had none). */
int csms_connector_db_report(struct csms_store *st, const char *id, const struct csms_connector_status *s,
                             char *prev_status, size_t status_cap, char *prev_error, size_t error_cap);

/* What an operator says of a socket: the fields whose set_ flag is true change (type "", phases and
 * max_current 0: null); the connector row is made if the station never reported it. */
struct csms_connector_spec {
	const char *station;
	int connector;
	const char *description, *type;
	int phases, max_current;
	bool set_description, set_type, set_phases, set_max_current;
};
int csms_connector_db_set_spec(struct csms_store *st, const struct csms_connector_spec *c);

#endif

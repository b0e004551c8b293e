/* csms_op_db.h — the owner of the operation, reservation and charging_profile tables: every CS -> CP call
 * and how it ended, and the side effects of successful answers (reservations made and cancelled, charging
 * profiles set and cleared). Store thread: the calls use the store's statement cache. Results are 0 or
 * CSMS_DB_ERROR (csms_db.h). */
#ifndef CSMS_OP_DB_H
#define CSMS_OP_DB_H

#include "csms_db.h"

struct csms_store;

/* An operation as it ended. response, error: NULL for none. */
struct csms_op_row {
	const char *station, *action, *request, *status, *response, *error;
	int64_t requested, finished;
};
int csms_op_db_record(struct csms_store *st, const struct csms_op_row *r);

/* A reservation as a ReserveNow answer left it (a reservation id used again is replaced). */
struct csms_reservation {
	int64_t id;
	const char *station;
	int64_t connector;
	const char *id_tag, *parent_id_tag; /* parent NULL: none */
	int64_t expiry;
	const char *status; /* accepted | refused | cancelled | used | expired */
	int64_t created;
};
int csms_op_db_reservation_put(struct csms_store *st, const struct csms_reservation *r);
int csms_op_db_reservation_cancel(struct csms_store *st, int64_t id, const char *station);
/* A StartTransaction used the station's reservation id for transaction txn_id. */
int csms_op_db_reservation_used(struct csms_store *st, int64_t id, const char *station, int64_t txn_id);

/* A charging profile a SetChargingProfile sent (profile: its JSON) and the station's answer. */
struct csms_charging_profile {
	const char *station;
	int64_t connector, profile_id, stack_level;
	const char *purpose, *profile, *status; /* status: Accepted | Rejected */
	int64_t created;
};
int csms_op_db_profile_add(struct csms_store *st, const struct csms_charging_profile *p);
/* ClearChargingProfile accepted: the station's accepted profiles (only profile id when has_id) are cleared. */
int csms_op_db_profile_clear(struct csms_store *st, const char *station, bool has_id, int64_t id);

#endif

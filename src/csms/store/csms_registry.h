/* csms_registry.h — the stations the csms knows, in memory on the event-loop thread: what the
 * handshake needs without touching the database (state, password hash) and the live connection.
 * Entries live as long as the process (a station is never forgotten while running). */
#ifndef CSMS_REGISTRY_H
#define CSMS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csms_budget.h"

#define CSMS_ID_MAX 48 /* chargeBoxId: printable, 1..48 characters (OCPP security whitepaper) */
/* a station password's stored form, "b2$<salt hex>$<hash hex>" and its NUL (csms_auth.h makes it): 101 */
#define CSMS_PASSWORD_HASH_LEN (3 + 2 * 16 + 1 + 2 * 32 + 1)

enum csms_station_state {
	CSMS_STATION_PENDING, /* "To be configured": Boot answered Pending until an operator accepts it */
	CSMS_STATION_ACCEPTED,
	CSMS_STATION_REJECTED,
};

struct csms_conn;

struct csms_station {
	struct csms_station *hnext;
	enum csms_station_state state;
	char *password_hash;       /* owned; NULL: none set */
	struct csms_conn *conn;    /* the live session, or NULL */
	uint64_t last_heartbeat;   /* wall ms */
	bool heartbeat_dirty;      /* not yet written to the database */
	struct csms_budget budget; /* what it may still send (csms_conn.c) */
	unsigned log_sampled;      /* frames logged while not accepted (csms_journal.c keeps a bounded sample) */
	char id[CSMS_ID_MAX + 1];
};

struct csms_registry;

struct csms_registry *csms_registry_new(void);
void csms_registry_free(struct csms_registry *reg);

struct csms_station *csms_registry_find(struct csms_registry *reg, const char *id);
/* Adds a station (id must be valid and new); password_hash is copied. NULL when out of memory. */
struct csms_station *csms_registry_add(struct csms_registry *reg, const char *id, enum csms_station_state state,
                                       const char *password_hash);
int csms_station_set_password_hash(struct csms_station *s, const char *hash);
size_t csms_registry_count(const struct csms_registry *reg);
/* Calls fn for every station. */
void csms_registry_each(struct csms_registry *reg, void (*fn)(struct csms_station *s, void *ctx), void *ctx);

/* Is id a valid chargeBoxId: 1..48 printable ASCII characters other than '/', '?', '#', '%' and space. */
bool csms_station_id_is_valid(const char *id);

const char *csms_station_state_name(enum csms_station_state state);
int csms_station_state_parse(const char *name); /* -1 when unknown */

#endif

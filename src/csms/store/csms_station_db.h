/* csms_station_db.h — keeping the station table in step with the registry: registration, connection
 * state, heartbeats (batched), accepting a pending station. Each call updates memory at once and
 * queues the store job; committed changes are told to app->on_station_change (the live hub listens). */
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

#endif

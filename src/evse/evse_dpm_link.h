/* evse_dpm_link.h — dynamic power management put into the station: the grid meter's reads (evse_gridmeter_io)
 * feed the control law (evse_dpm) every cycle, whose offer drives EVSE_LIMIT_POWER of the charging point;
 * a meter fault shows "ERR MET" and is reported with the OCPP status. The user's settings (on/off, mode,
 * limit, minimum grid share, renewable source) are OCPP keys WattlineDpm* in the store, seeded from the
 * config file at the first start, changed by ChangeConfiguration or the local app's page. */
#ifndef EVSE_DPM_LINK_H
#define EVSE_DPM_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "evse_charge.h"
#include "evse_config.h"
#include "evse_dpm.h"
#include "evse_ocpp.h"
#include "evse_store.h"

struct evse_dpm_link;

/* Builds the link: seeds the keys, starts the meter reads when a meter is configured. ocpp may be NULL.
 * NULL with err. cfg, st, charge and ocpp must outlive it. */
struct evse_dpm_link *evse_dpm_link_new(const struct evse_config *cfg, struct evse_store *st,
                                        struct evse_charge *charge, struct evse_ocpp *ocpp, uint64_t now_ms, char *err,
                                        size_t errcap);
void evse_dpm_link_free(struct evse_dpm_link *l);

/* One control cycle: settings (once a second), the meter's latest result, the offer to the charging point,
 * the display and the OCPP warning. Call before evse_charge_tick(). */
void evse_dpm_link_tick(struct evse_dpm_link *l, uint64_t now_ms);

/* The Master of a load-balanced group (evse_group) owns its own charging limit: with yield the link no longer
 * sets EVSE_LIMIT_POWER (it still reads the meter, shows ERR MET and warns over OCPP); the group's balancer
 * takes the reading instead (evse_dpm_link_grid). */
void evse_dpm_link_yield(struct evse_dpm_link *l, bool yield);

/* For the group's balancer: 0 when DPM is off; 1 with the grid's current per phase (A, + import, - export, on
 * the station's phases, 0 on the others) and the contract's limit per phase (dpm_limit, A) in *limit_a; -1
 * (limit_a set) when DPM is on and there is no plausible reading (none yet, or the meter faulted). */
int evse_dpm_link_grid(const struct evse_dpm_link *l, double grid_a[EVSE_DPM_PHASES], double *limit_a);

/* The page "Dynamic Power Management": settings, live figures, state. The caller frees it (cJSON_Delete). */
cJSON *evse_dpm_link_json(struct evse_dpm_link *l);

/* Applies a change from the local app (JSON object with any of enabled, mode, limit, minGridShare,
 * renewable): all or nothing. 0, or -1 with the reason naming the field and value in err. */
int evse_dpm_link_update(struct evse_dpm_link *l, const char *body, size_t len, char *err, size_t errcap);

#endif

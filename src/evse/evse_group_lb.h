/* evse_group_lb.h — what the Master's relay knows of its group, turned into evse_lb's inputs, and which of the
 * balancer's answers are worth a SetChargingProfile; pure (no I/O). See docs/evse.md "Load balancing". */
#ifndef EVSE_GROUP_LB_H
#define EVSE_GROUP_LB_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "evse_lb.h"
#include "ocpp.h"

#define EVSE_GLB_DEFAULT_MAX_DA 320 /* a Satellite's maximum when the Master knows no better: 32 A */
#define EVSE_GLB_STEP_DA        5   /* a limit is sent again only when it changes by 0.5 A or crosses 0 */

/* One upstream connector as the relay sees it. */
struct evse_glb_conn {
	bool connected;                    /* its Satellite is connected (the Master's own always is) */
	bool session;                      /* a session runs (evse_glb_session) */
	int64_t session_start_ms;          /* when it began */
	int draw_da;                       /* its EV's latest Current.Import (highest phase), -1: not known */
	int max_da;                        /* its maximum: 60..800 */
	unsigned phases;                   /* the group phases it uses (mask, EVSE_LB_L1..); 0: all three */
	bool has_phase_draw;               /* phase_draw_da is given */
	int phase_draw_da[EVSE_LB_PHASES]; /* its draw per group phase (-1: not known), for the house load */
	bool has_cap;                      /* upstream limits it (TxProfile / TxDefaultProfile on its connector) */
	int cap_da;                        /* that limit, 0..800 */
};

/* What the Master knows of the whole group. */
struct evse_glb_group {
	int threshold_a;             /* per phase, the group_threshold (lowered to the DPM limit, see docs) */
	bool has_grid;               /* a DPM meter at the grid connection is on */
	bool grid_fault;             /* ... and gives no plausible reading: no room at all */
	int grid_da[EVSE_LB_PHASES]; /* its current per phase, + import, - export */
	int cap_da;                  /* upstream ChargePointMaxProfile on connector 0, per phase, or EVSE_LB_NO_CAP */
};

/* Does a connector in this status, with or without a transaction running, hold a session that wants current?
 * Charging, SuspendedEV, SuspendedEVSE always; Preparing only with a transaction running (a start the balancer
 * holds at 0 A). */
bool evse_glb_session(enum ocpp_charge_point_status status, bool in_tx);

/* Fills in for n connectors (1..EVSE_LB_MAX_POINTS) of group grp. last_da[i] is the limit last applied to
 * connector i (-1: none): an EV whose draw is not known is taken to draw it (its maximum when none). A
 * connector whose Satellite is away wants nothing. With a grid meter, the house load per phase is the grid's
 * current less what the sessions are measured to draw on their phases (Current.Import, at most their last
 * limit; an unmeasured one counts 0, so the house never looks smaller than it is), at least 0; a faulted meter
 * leaves no room (a group cap of 0; the house's peak is not fed a made-up value). 0, or -1 with the reason in err. */
int evse_glb_inputs(const struct evse_glb_group *grp, const struct evse_glb_conn *c, int n, const int *last_da,
                    struct evse_lb_input *in, char *err, size_t errcap);

/* Should limit now_da be sent when last_da was (-1: never sent)? A change of EVSE_GLB_STEP_DA or more, or a
 * change from or to 0. */
bool evse_glb_should_apply(int last_da, int now_da);

/* The highest Current.Import of a MeterValues request (JSON, as sent by the point), in tenths of an ampere
 * (A, or mA when its unit says so): 0, or -1 when it has none. */
int evse_glb_current_import(const cJSON *meter_values, int *da);
/* The same, and (when phase_da is not NULL) the highest per phase of the values tagged L1, L2, L3 (L1-N...)
 * into phase_da (the point's phases; -1 where none is tagged). */
int evse_glb_current_import_phases(const cJSON *meter_values, int *da, int phase_da[EVSE_LB_PHASES]);
/* A point's per-phase values (its L1, L2, L3) on the group's phases, for a point of phases (1 or 3) whose L1
 * is wired to group phase l1: -1 on the phases it does not use. */
void evse_glb_rotate(int phases, int l1, const int point_da[EVSE_LB_PHASES], int group_da[EVSE_LB_PHASES]);

#endif

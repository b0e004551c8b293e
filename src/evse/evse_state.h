/* evse_state.h — the states of the connector state machine (evse_charge.h owns the machine and their names),
 * apart so that what only shows a state (evse_display) need not import the machine. */
#ifndef EVSE_STATE_H
#define EVSE_STATE_H

/* X(id, OCPP ChargePointStatus name) */
#define EVSE_STATES(X)                                                                                                 \
	X(SELFTEST, "Unavailable")                                                                                     \
	X(AVAILABLE, "Available")                                                                                      \
	X(RESERVED, "Reserved")                                                                                        \
	X(PREPARING, "Preparing")                                                                                      \
	X(CHARGING, "Charging")                                                                                        \
	X(SUSPENDED_EV, "SuspendedEV")                                                                                 \
	X(SUSPENDED_EVSE, "SuspendedEVSE")                                                                             \
	X(FINISHING, "Finishing")                                                                                      \
	X(UNAVAILABLE, "Unavailable")                                                                                  \
	X(FAULTED, "Faulted")

enum evse_state {
#define X(id, ocpp) EVSE_STATE_##id,
	EVSE_STATES(X)
#undef X
	    EVSE_STATE_COUNT
};

#endif

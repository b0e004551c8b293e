/* evse_smart.h — OCPP 1.6 smart-charging schedule math, pure: the installed charging profiles of one
 * station (ChargePointMaxProfile on connector 0, TxDefaultProfile on 0 or 1, TxProfile on 1), stack levels,
 * Absolute / Relative / Recurring (Daily, Weekly) schedules, validFrom / validTo, A and W, and the
 * composite limit at a time. No I/O and no clock: every function takes the wall time it works on. */
#ifndef EVSE_SMART_H
#define EVSE_SMART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVSE_SMART_MAX_PROFILES  16 /* MaxChargingProfilesInstalled */
#define EVSE_SMART_MAX_PERIODS   24 /* ChargingScheduleMaxPeriods */
#define EVSE_SMART_MAX_STACK     10 /* ChargeProfileMaxStackLevel */
#define EVSE_SMART_MAX_COMPOSITE 64 /* periods of one composite schedule */

enum evse_smart_purpose { EVSE_SMART_CP_MAX, EVSE_SMART_TX_DEFAULT, EVSE_SMART_TX };
enum evse_smart_kind { EVSE_SMART_ABSOLUTE, EVSE_SMART_RELATIVE, EVSE_SMART_DAILY, EVSE_SMART_WEEKLY };

struct evse_smart_period {
	int64_t start_s; /* from the start of the schedule */
	double limit;    /* in the profile's unit */
	int phases;      /* 0: not given (OCPP's default, 3) */
};

struct evse_smart_profile {
	int64_t id;
	int connector; /* 0: the station, 1: the connector */
	int64_t tx_id; /* TxProfile: the transaction it belongs to, 0: the running one */
	int stack_level;
	enum evse_smart_purpose purpose;
	enum evse_smart_kind kind;
	int64_t valid_from_ms, valid_to_ms; /* wall ms, 0: unbounded */
	int64_t start_ms;                   /* Absolute / Recurring: startSchedule (or the time it arrived) */
	int64_t duration_s;                 /* 0: open-ended (a recurring one is cut at its day / week) */
	bool unit_w;                        /* chargingRateUnit W, else A */
	double min_rate;                    /* minChargingRate in the unit, 0: none */
	size_t n_periods;
	struct evse_smart_period periods[EVSE_SMART_MAX_PERIODS];
};

/* The transaction the limits are for. */
struct evse_smart_tx {
	bool active;
	int64_t id;       /* the central system's transactionId, 0: not known yet */
	int64_t start_ms; /* wall ms: the anchor of Relative schedules */
};

struct evse_smart {
	double volts; /* phase voltage, for W -> A */
	int phases;   /* phases wired to the station (1 or 3) */
	size_t n;
	struct evse_smart_profile p[EVSE_SMART_MAX_PROFILES];
};

void evse_smart_init(struct evse_smart *s, double volts, int phases);

/* Checks a profile on its own: 0, or -1 with the reason in err (first period not at 0, periods not
 * increasing, recurring without a start, a purpose on the wrong connector, stack level too high, ...). */
int evse_smart_check(const struct evse_smart_profile *p, char *err, size_t errcap);

/* Installs p, replacing a profile with its id or with its purpose + stack level + connector. 0, or -1 when
 * the table is full. */
int evse_smart_add(struct evse_smart *s, const struct evse_smart_profile *p);

/* Removes the profiles that match every given criterion (id < 0, connector < 0, purpose < 0, stack < 0:
 * any); with id >= 0 the others are ignored, as ClearChargingProfile says. Returns how many went; the ids
 * of those are written to removed (up to max) when not NULL. */
size_t evse_smart_clear(struct evse_smart *s, int64_t id, int connector, int purpose, int stack, int64_t *removed,
                        size_t max);

/* Removes the TxProfiles (their transaction ended); same return as clear. */
size_t evse_smart_end_tx(struct evse_smart *s, int64_t *removed, size_t max);

/* The limit on connector (1, or 0 for the station) at wall ms t in A, or -1 when no profile limits it.
 * next_ms (when not NULL) gets the next time after t the limit may change (INT64_MAX: never). anchor_ms is
 * where a Relative schedule starts when no transaction runs. */
double evse_smart_limit_at(const struct evse_smart *s, int connector, const struct evse_smart_tx *tx, int64_t t,
                           int64_t anchor_ms, int64_t *next_ms);

/* The ChargePointMaxProfiles' limit alone (the station's cap) at wall ms t in A, or -1 when none limits it. */
double evse_smart_station_max_at(const struct evse_smart *s, int64_t t);

/* The composite schedule from start for duration_s: periods of the limit in A (or W when unit_w), gaps
 * filled with max_a. Returns the number of periods written (at most max, at least 1). */
struct evse_smart_out {
	int64_t start_s;
	double limit;
};
size_t evse_smart_composite(const struct evse_smart *s, int connector, const struct evse_smart_tx *tx, int64_t start,
                            int64_t duration_s, bool unit_w, double max_a, struct evse_smart_out *out, size_t max);

#endif

/* csms_meter.h — the measurements of a transaction from its stored MeterValues (the `sampled` column holds
 * each OCPP MeterValue's sampledValue array as JSON): grouped into time series per measurand, phase,
 * location and unit; the energy register of one MeterValue; the charge duration (time spent drawing power).
 * Pure: no database. */
#ifndef CSMS_METER_H
#define CSMS_METER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define CSMS_METER_MAX_SERIES 64 /* more distinct measurand/phase/location/unit keys are dropped */

struct csms_meter_set;

/* Ownership: the set is freed with csms_meter_set_free(); csms_meter_set_json() returns a new cJSON. */
struct csms_meter_set *csms_meter_set_new(void);
void csms_meter_set_free(struct csms_meter_set *set);
/* Adds the samples of one MeterValue at ts (ms). Returns the number of samples kept, -1 when sampled is not a
 * JSON array (nothing kept). Samples without a numeric value (e.g. SignedData) are skipped. */
int csms_meter_set_add(struct csms_meter_set *set, int64_t ts, const char *sampled);
/* [{"measurand","phase","location","unit","points":[[time, value], ...]}, ...] in order of first
 * appearance; time as RFC 3339. */
cJSON *csms_meter_set_json(const struct csms_meter_set *set);
size_t csms_meter_set_count(const struct csms_meter_set *set);

/* The Energy.Active.Import.Register reading of one MeterValue, in Wh: the one rule (csms_meter.c "the
 * reading rule"): format Raw, a finite number, unit Wh or kWh (converted) or none, the reading without phase
 * (the meter's total) before the first phase's. */
bool csms_meter_energy_wh(const char *sampled, double *wh);

/* The same rule fed one sample at a time (a decoded request: csms_handlers.c). Start from {0}; after the
 * samples of one MeterValue, found tells whether it had a reading and wh is it. measurand, unit, format:
 * NULL when absent (the OCPP defaults: the energy register, Wh, Raw). */
struct csms_meter_energy {
	bool found, done;
	double wh;
};
void csms_meter_energy_add(struct csms_meter_energy *e, const char *value, const char *measurand, const char *unit,
                           const char *format, bool has_phase);
/* Wh rounded to the nearest integer (halves away from zero). */
int64_t csms_meter_round_wh(double wh);

/* The largest Current.Import (A) of one MeterValue over its phases (the neutral left out). */
bool csms_meter_current_a(const char *sampled, double *amps);

/* The same through cJSON only: for the tests and the fuzzer, which check that the fast path agrees. */
bool csms_meter__energy_slow(const char *sampled, double *wh);

/* Charge duration: the time between consecutive MeterValues during which the car drew power (the
 * Power.Active.Import of the later one > 0 when it is sent, else the energy register rose). Feed the
 * MeterValues of a transaction in time order. */
struct csms_meter_charge {
	int64_t prev_ts;
	double prev_energy;
	bool has_prev, prev_has_energy;
	int64_t charge_ms;
};
void csms_meter_charge_add(struct csms_meter_charge *c, int64_t ts, const char *sampled);

#endif

/* dpm_profile.h — the days that dynamic power management is replayed on, shared by the meter simulator
 * (tools/meter_sim.c) and the replay benchmark (bench/bench_dpm.c): a recorded PV day from a CSV of
 * ../shared/data/pv-days/ and a synthetic household load with appliances switching. */
#ifndef DPM_PROFILE_H
#define DPM_PROFILE_H

#include <stddef.h>

#define DPM_DAY_S 86400

/* A PV day: production in W per second of the day (samples interpolated between, 0 before the first and
 * after the last). */
struct dpm_pv_day {
	size_t n;
	double *t_s; /* seconds of the day, increasing */
	double *w;
	double peak_w;
	double energy_wh;
};

/* Reads one recorded day: the first column is the time (ISO "2020-03-16T06:40:00+00:00", "2018-06-10
 * 07:00:00", a Unix time, or "12:15 AM"), the second the production (W, or kW when the header says [kW]),
 * separated by ',' or ';'. Rows with an empty value are missing samples, not zero. 0, or -1 with err (no
 * samples: not a PV day). Free with dpm_pv_free(). */
int dpm_pv_load(const char *path, struct dpm_pv_day *d, char *err, size_t errcap);
void dpm_pv_free(struct dpm_pv_day *d);
double dpm_pv_at(const struct dpm_pv_day *d, double t_s);

/* The synthetic household (docs in bench/README.md): base load and fridge, a heat pump cycling, a kettle,
 * a washing machine in the morning (heating, then the drum and spins), an oven at noon and in the evening
 * (preheat, then its thermostat), a dishwasher at night. W at second t of the day. */
double dpm_house_w(double t_s);

#endif

/* bench_dpm.c — `make bench-dpm`: replays each recorded PV day of a folder (default ../shared/data/pv-days)
 * with the synthetic household load through the real control law (evse_dpm) in FULL, ECOSMART and ECOPLUS,
 * and through a reference policy modelled on evcc's documented modes, second by second, with an EV that
 * needs 30 kWh from 08:00. Prints a row per day and mode and one summary line (bench/README.md).
 *
 *   bench_dpm [DIR] [--trace DAY MODE]   DAY: a file name, MODE: FULL, ECOSMART or ECOPLUS */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpm_profile.h"
#include "evse_dpm.h"

/* The installation replayed: a single-phase 7.4 kW station (208.PM01) behind a 25 A contract. */
#define VOLTS      230.0
#define LIMIT_A    25.0
#define STATION_A  32.0
#define EV_NEED_WH 30000.0
#define PLUG_S     (8 * 3600)
#define EV_LAG_S   1  /* the EV follows a new PWM offer one second later */
#define REACTION_S 3  /* allowed: one meter period (1 s) + the 2 s target of the issue */
#define CYCLE_S    30 /* the reference's control cycle */
#define MAX_DAYS   32

enum policy { POLICY_DPM, POLICY_REF };

struct result {
	double above_s;    /* seconds above the contract beyond the reaction delay, with the EV drawing */
	double pv_ev_wh;   /* PV energy that went into the EV */
	double surplus_wh; /* PV surplus over the house while the EV was plugged and not full */
	double grid_ev_wh; /* grid energy into the EV */
	double ev_wh;
	unsigned pauses;     /* charging stopped while the EV still needed energy */
	unsigned switches;   /* contactor operations (close or open) */
	unsigned worst_hour; /* the most contactor operations in one clock hour */
};

/* evcc (docs.evcc.io, loadpoint modes): "pv" starts when the surplus covers the minimum current for the
 * enable delay (1 min) and stops when it has not for the disable delay (3 min), 6 A minimum meanwhile;
 * "minpv" charges at least the minimum and adds the surplus; "now" charges at full power. The load
 * management circuit limit is applied at the same 30 s cycle. */
struct ref_state {
	bool on;
	double current;
	long enable_since, disable_since; /* -1: not running */
};

static double ref_cycle(struct ref_state *s, enum evse_dpm_mode mode, double grid_w, double ev_a, long t)
{
	double surplus_a = (ev_a * VOLTS - grid_w) / VOLTS;
	double circuit_a = LIMIT_A - (grid_w / VOLTS - ev_a);
	double target;

	switch (mode) {
	case EVSE_DPM_FULL:
		s->on = true;
		target = STATION_A;
		break;
	case EVSE_DPM_ECOSMART:
		s->on = true;
		target = surplus_a < 6.0 ? 6.0 : surplus_a;
		break;
	default:
		if (!s->on) {
			if (surplus_a >= 6.0) {
				if (s->enable_since < 0)
					s->enable_since = t;
				if (t - s->enable_since >= 60) {
					s->on = true;
					s->disable_since = -1;
				}
			} else {
				s->enable_since = -1;
			}
			target = s->on ? surplus_a : 0.0;
		} else if (surplus_a < 6.0) {
			if (s->disable_since < 0)
				s->disable_since = t;
			if (t - s->disable_since >= 180) {
				s->on = false;
				s->enable_since = -1;
				target = 0.0;
			} else {
				target = 6.0;
			}
		} else {
			s->disable_since = -1;
			target = surplus_a;
		}
		break;
	}
	if (target > STATION_A)
		target = STATION_A;
	if (target > circuit_a)
		target = circuit_a;
	if (!s->on || target < 6.0)
		target = 0.0;
	return floor(target * 10.0) / 10.0;
}

/* An environment variable's number, or def (for trying other settings: DPM_MIN_ON=0 make bench-dpm). */
static double env_num(const char *name, double def)
{
	const char *v = getenv(name);
	return v && *v ? strtod(v, NULL) : def;
}

static void dpm_settings(struct evse_dpm_settings *s, enum evse_dpm_mode mode)
{
	evse_dpm_defaults(s);
	s->min_on_ms = (uint32_t)(env_num("DPM_MIN_ON", s->min_on_ms / 1000.0) * 1000);
	s->min_off_ms = (uint32_t)(env_num("DPM_MIN_OFF", s->min_off_ms / 1000.0) * 1000);
	s->start_ms = (uint32_t)(env_num("DPM_START", s->start_ms / 1000.0) * 1000);
	s->stop_ms = (uint32_t)(env_num("DPM_STOP", s->stop_ms / 1000.0) * 1000);
	s->max_switches_h = (unsigned)env_num("DPM_BUDGET", s->max_switches_h);
	s->margin_a = env_num("DPM_MARGIN", s->margin_a);
	s->mode = mode;
	s->renewable = true;
	s->limit_a = LIMIT_A;
	s->max_a = STATION_A;
	s->phases = 1;
	s->volts = VOLTS;
}

/* One day in one mode under one policy; trace (when not NULL) gets a line every 5 min. */
static void run(const struct dpm_pv_day *day, enum evse_dpm_mode mode, enum policy pol, struct result *res, FILE *trace)
{
	struct evse_dpm_settings set;
	struct evse_dpm dpm;
	struct ref_state ref = {false, 0.0, -1, -1};
	double offer_hist[EV_LAG_S + 1] = {0};
	double ev_a = 0.0, need = EV_NEED_WH, offer = 0.0;
	unsigned hour_switches[24] = {0};
	long over_run = 0;

	memset(res, 0, sizeof(*res));
	dpm_settings(&set, mode);
	evse_dpm_init(&dpm, &set, 0);
	for (long t = 0; t < DPM_DAY_S; t++) {
		bool plugged = t >= PLUG_S && need > 0.0;
		double house = dpm_house_w((double)t), pv = dpm_pv_at(day, (double)t);
		/* the EV draws what was offered EV_LAG_S ago, while it needs energy */
		double prev_a = ev_a;
		ev_a = plugged && offer_hist[0] >= 6.0 ? offer_hist[0] : 0.0;
		if ((prev_a > 0.0) != (ev_a > 0.0)) {
			res->switches++;
			hour_switches[t / 3600]++;
			if (ev_a == 0.0 && plugged)
				res->pauses++;
		}
		double ev_w = ev_a * VOLTS;
		double grid_w = house - pv + ev_w, grid_a = grid_w / VOLTS;
		/* the contract, beyond the reaction delay, while the EV draws (the house alone is not ours) */
		if (grid_a > LIMIT_A + 0.05 && ev_a > 0.0) {
			if (++over_run > REACTION_S)
				res->above_s += 1.0;
		} else {
			over_run = 0;
		}
		double surplus = pv - house > 0.0 ? pv - house : 0.0;
		if (plugged) {
			res->surplus_wh += surplus / 3600.0;
			res->pv_ev_wh += (ev_w < surplus ? ev_w : surplus) / 3600.0;
			res->grid_ev_wh += (ev_w > surplus ? ev_w - surplus : 0.0) / 3600.0;
			res->ev_wh += ev_w / 3600.0;
			need -= ev_w / 3600.0;
		}
		/* the controller sees the meter of this second */
		if (pol == POLICY_DPM) {
			struct evse_dpm_reading r = {.volts = {VOLTS}, .amps = {fabs(grid_a)}, .watts = {grid_w}};
			double ev[EVSE_DPM_PHASES] = {ev_a, 0, 0};
			offer = evse_dpm_feed(&dpm, &r, ev, (uint64_t)t * 1000u);
		} else if (t % CYCLE_S == 0) {
			offer = ref_cycle(&ref, mode, grid_w, ev_a, t);
		}
		memmove(offer_hist, offer_hist + 1, EV_LAG_S * sizeof(double));
		offer_hist[EV_LAG_S] = plugged ? offer : 0.0;
		if (trace && t % 300 == 0)
			fprintf(trace, "%02ld:%02ld pv %5.0f house %5.0f ev %5.0f grid %6.0f offer %4.1f need %5.0f\n",
			        t / 3600, t / 60 % 60, pv, house, ev_w, grid_w, offer, need > 0 ? need : 0);
	}
	for (int h = 0; h < 24; h++)
		if (hour_switches[h] > res->worst_hour)
			res->worst_hour = hour_switches[h];
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double pct(double a, double b)
{
	return b > 0.0 ? 100.0 * a / b : 0.0;
}

int main(int argc, char **argv)
{
	const char *dir = "../shared/data/pv-days", *trace_day = NULL, *trace_mode = NULL;
	char *names[MAX_DAYS];
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--trace") == 0 && i + 2 < argc) {
			trace_day = argv[++i];
			trace_mode = argv[++i];
		} else {
			dir = argv[i];
		}
	}
	DIR *dh = opendir(dir);
	if (!dh) {
		fprintf(stderr, "bench_dpm: %s: cannot open (the recorded days: ../shared/data/pv-days)\n", dir);
		return 1;
	}
	for (struct dirent *e; (e = readdir(dh)) && n < MAX_DAYS;) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof(names[0]), cmp_str);

	unsigned runs = 0, pv_runs = 0, worst = 0, ref_worst = 0;
	double above = 0.0, ref_above = 0.0, sc_sum = 0.0, ref_sc_sum = 0.0;
	printf("station 1 phase, contract %.0f A, station %.0f A, EV needs %.0f kWh from 08:00; reference: evcc "
	       "(30 s cycle, enable 1 min, disable 3 min, 6 A)\n",
	       LIMIT_A, STATION_A, EV_NEED_WH / 1000);
	printf("%-36s %-8s | %6s %6s %6s %6s %6s %3s %3s | %6s %6s %6s %6s %6s %3s %3s\n", "day (PV kWh, peak kW)",
	       "mode", "above", "self%", "gridE", "evE", "pvE", "pau", "sw", "above", "self%", "gridE", "evE", "pvE",
	       "pau", "sw");
	printf("%-36s %-8s | %-44s | %-44s\n", "", "", "dpm (s, %, kWh, kWh, kWh, n, worst h)", "reference (evcc)");
	for (size_t i = 0; i < n; i++) {
		char path[1024], err[300], label[64];
		struct dpm_pv_day day;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (dpm_pv_load(path, &day, err, sizeof(err)) < 0) {
			printf("skip %s\n", err);
			continue;
		}
		snprintf(label, sizeof(label), "%.22s (%.1f, %.1f)", names[i], day.energy_wh / 1000, day.peak_w / 1000);
		for (int m = 0; m < EVSE_DPM_MODE_COUNT; m++) {
			struct result a, b;
			FILE *trace =
			    trace_day && strcmp(trace_day, names[i]) == 0 && evse_dpm_mode_parse(trace_mode) == m
			        ? stdout
			        : NULL;
			if (trace)
				printf("-- trace %s %s (dpm)\n", names[i], evse_dpm_mode_name((enum evse_dpm_mode)m));
			run(&day, (enum evse_dpm_mode)m, POLICY_DPM, &a, trace);
			if (trace)
				printf("-- trace %s %s (reference)\n", names[i],
				       evse_dpm_mode_name((enum evse_dpm_mode)m));
			run(&day, (enum evse_dpm_mode)m, POLICY_REF, &b, trace);
			printf("%-36s %-8s | %6.0f %6.1f %6.2f %6.2f %6.2f %3u %3u | %6.0f %6.1f %6.2f %6.2f %6.2f %3u "
			       "%3u\n",
			       label, evse_dpm_mode_name((enum evse_dpm_mode)m), a.above_s,
			       pct(a.pv_ev_wh, a.surplus_wh), a.grid_ev_wh / 1000, a.ev_wh / 1000, a.pv_ev_wh / 1000,
			       a.pauses, a.worst_hour, b.above_s, pct(b.pv_ev_wh, b.surplus_wh), b.grid_ev_wh / 1000,
			       b.ev_wh / 1000, b.pv_ev_wh / 1000, b.pauses, b.worst_hour);
			runs++;
			above += a.above_s;
			ref_above += b.above_s;
			if (m != EVSE_DPM_FULL) {
				pv_runs++;
				sc_sum += pct(a.pv_ev_wh, a.surplus_wh);
				ref_sc_sum += pct(b.pv_ev_wh, b.surplus_wh);
			}
			worst = a.worst_hour > worst ? a.worst_hour : worst;
			ref_worst = b.worst_hour > ref_worst ? b.worst_hour : ref_worst;
		}
		dpm_pv_free(&day);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	printf("reference: %.0f s above limit\n", ref_above);
	printf("dpm: %u runs, %.0f s above limit, self-consumption %.1f%% (reference %.1f%%), switches/h %u "
	       "(reference %u)\n",
	       runs, above, pv_runs ? sc_sum / pv_runs : 0.0, pv_runs ? ref_sc_sum / pv_runs : 0.0, worst, ref_worst);
	return 0;
}

/* dpm_profile.c — recorded PV days from CSV and the synthetic household load. */
#include "dpm_profile.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 512

/* Seconds of the day from the time field, or -1. */
static double parse_time(const char *s)
{
	int h, m, sec = 0;
	char ampm[3];
	while (*s == ' ' || *s == '"')
		s++;
	/* "12:15 AM" */
	if (sscanf(s, "%d:%d %2[AP]M", &h, &m, ampm) == 3) {
		if (h == 12)
			h = 0;
		if (ampm[0] == 'P')
			h += 12;
		return h * 3600.0 + m * 60.0;
	}
	/* a Unix time: all digits */
	const char *p = s;
	while (isdigit((unsigned char)*p))
		p++;
	if (p - s >= 9 && (*p == '\0' || *p == ',' || *p == ';' || *p == ' ')) {
		long long t = strtoll(s, NULL, 10);
		return (double)(t % DPM_DAY_S);
	}
	/* "YYYY-MM-DD?HH:MM[:SS]" */
	if (strlen(s) >= 16 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == ' ')) {
		if (sscanf(s + 11, "%d:%d:%d", &h, &m, &sec) >= 2 && h >= 0 && h < 24 && m >= 0 && m < 60)
			return h * 3600.0 + m * 60.0 + sec;
	}
	return -1.0;
}

int dpm_pv_load(const char *path, struct dpm_pv_day *d, char *err, size_t errcap)
{
	char line[MAX_LINE];
	size_t cap = 0;
	double scale = 1.0;
	FILE *f = fopen(path, "r");

	memset(d, 0, sizeof(*d));
	if (!f) {
		snprintf(err, errcap, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "[kW]"))
			scale = 1000.0;
		char *sep = strpbrk(line, ",;");
		if (!sep)
			continue;
		/* a third ';' column means another format (data_shaper.csv): not a PV day */
		if (*sep == ';' && strchr(sep + 1, ';')) {
			snprintf(err, errcap, "%s: not a PV day (more than two ';' columns)", path);
			goto out_fail;
		}
		*sep = '\0';
		double t = parse_time(line);
		if (t < 0)
			continue; /* the header */
		char *v = sep + 1, *end;
		while (*v == ' ')
			v++;
		errno = 0;
		double w = strtod(v, &end);
		if (end == v || errno || !isfinite(w))
			continue; /* a missed sample */
		if (d->n && t <= d->t_s[d->n - 1])
			continue; /* out of order or past midnight */
		if (d->n == cap) {
			cap = cap ? cap * 2 : 1024;
			double *nt = realloc(d->t_s, cap * sizeof(double)), *nw;
			if (!nt)
				goto out_oom;
			d->t_s = nt;
			nw = realloc(d->w, cap * sizeof(double));
			if (!nw)
				goto out_oom;
			d->w = nw;
		}
		d->t_s[d->n] = t;
		d->w[d->n] = w * scale < 0 ? 0 : w * scale;
		d->n++;
	}
	fclose(f);
	if (d->n < 2) {
		snprintf(err, errcap, "%s: no samples", path);
		dpm_pv_free(d);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		if (d->w[i] > d->peak_w)
			d->peak_w = d->w[i];
		if (i)
			d->energy_wh += (d->w[i] + d->w[i - 1]) / 2 * (d->t_s[i] - d->t_s[i - 1]) / 3600.0;
	}
	return 0;
out_oom:
	snprintf(err, errcap, "%s: out of memory", path);
out_fail:
	fclose(f);
	dpm_pv_free(d);
	return -1;
}

void dpm_pv_free(struct dpm_pv_day *d)
{
	free(d->t_s);
	free(d->w);
	memset(d, 0, sizeof(*d));
}

double dpm_pv_at(const struct dpm_pv_day *d, double t)
{
	if (!d->n || t < d->t_s[0] || t > d->t_s[d->n - 1])
		return 0.0;
	size_t lo = 0, hi = d->n - 1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (d->t_s[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	double span = d->t_s[hi] - d->t_s[lo];
	/* a gap longer than 20 min is a hole in the recording, not a ramp: hold the last value */
	if (span > 1200.0)
		return d->w[lo];
	return d->w[lo] + (d->w[hi] - d->w[lo]) * (t - d->t_s[lo]) / span;
}

/* on for on_s of every period_s from start, between from and to (seconds of the day) */
static bool cycling(double t, double from, double to, double period_s, double on_s)
{
	return t >= from && t < to && fmod(t - from, period_s) < on_s;
}

#define HM(h, m) ((h)*3600.0 + (m)*60.0)

double dpm_house_w(double t)
{
	double w = 250.0; /* standby, lights, router */
	if (cycling(t, 0, DPM_DAY_S, 2700, 900))
		w += 120.0; /* fridge compressor: 15 min of every 45 */
	if (cycling(t, HM(6, 0), HM(22, 0), 3600, 1200))
		w += 1500.0; /* heat pump: 20 min of every hour, 06:00-22:00 */
	if ((t >= HM(7, 15) && t < HM(7, 18)) || (t >= HM(16, 0) && t < HM(16, 3)))
		w += 2000.0; /* kettle */
	if (t >= HM(9, 0) && t < HM(9, 20))
		w += 2000.0; /* washing machine: heating the water */
	else if (t >= HM(9, 20) && t < HM(10, 20))
		w += cycling(t, HM(9, 40), HM(10, 20), 900, 300) ? 500.0 : 200.0; /* drum, three spins */
	if (t >= HM(11, 30) && t < HM(11, 45))
		w += 2500.0; /* oven: preheat */
	else if (cycling(t, HM(11, 45), HM(12, 30), 300, 180))
		w += 2500.0; /* oven: thermostat, 3 min of every 5 */
	if (t >= HM(18, 30) && t < HM(18, 45))
		w += 2500.0;
	else if (cycling(t, HM(18, 45), HM(19, 30), 300, 180))
		w += 2500.0;
	if (t >= HM(20, 30) && t < HM(20, 55))
		w += 1800.0; /* dishwasher heating */
	return w;
}

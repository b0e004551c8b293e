/* csms_meter.c — measurement series, energy register and charge duration from stored sampledValue JSON. */
#include "csms_meter.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocpp_text.h"

#define DEFAULT_MEASURAND "Energy.Active.Import.Register"

struct series {
	char key[160];                                   /* measurand \x1f phase \x1f location \x1f unit */
	const char *measurand, *phase, *location, *unit; /* into key_parts */
	char key_parts[160];
	cJSON *points;
};

struct csms_meter_set {
	size_t n;
	struct series s[CSMS_METER_MAX_SERIES];
};

struct csms_meter_set *csms_meter_set_new(void)
{
	return calloc(1, sizeof(struct csms_meter_set));
}

void csms_meter_set_free(struct csms_meter_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		cJSON_Delete(set->s[i].points);
	free(set);
}

size_t csms_meter_set_count(const struct csms_meter_set *set)
{
	return set->n;
}

static const char *field(const cJSON *o, const char *name, const char *dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) && v->valuestring ? v->valuestring : dflt;
}

/* The numeric value of a sample, false when it has none. */
static bool sample_value(const cJSON *o, double *out)
{
	const char *v = field(o, "value", NULL);
	char *end;
	if (!v || !*v || strcmp(field(o, "format", "Raw"), "Raw") != 0)
		return false;
	double d = strtod(v, &end);
	if (*end || !isfinite(d))
		return false;
	*out = d;
	return true;
}

static struct series *series_for(struct csms_meter_set *set, const char *m, const char *ph, const char *loc,
                                 const char *unit)
{
	char key[160];
	int n = snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%s", m, ph, loc, unit);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->s[i].key, key) == 0)
			return &set->s[i];
	if (set->n == CSMS_METER_MAX_SERIES)
		return NULL;
	struct series *s = &set->s[set->n];
	if (!(s->points = cJSON_CreateArray()))
		return NULL;
	set->n++;
	memcpy(s->key, key, (size_t)n + 1);
	memcpy(s->key_parts, key, (size_t)n + 1);
	char *p = s->key_parts;
	const char **parts[4] = {&s->measurand, &s->phase, &s->location, &s->unit};
	for (int i = 0; i < 4; i++) {
		*parts[i] = p;
		p = strchr(p, '\x1f');
		if (p)
			*p++ = '\0';
		else
			p = s->key_parts + n;
	}
	return s;
}

int csms_meter_set_add(struct csms_meter_set *set, int64_t ts, const char *sampled)
{
	cJSON *arr = cJSON_Parse(sampled);
	int kept = 0;
	char t[40];
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		return -1;
	}
	ocpp_time_format(ts, t, sizeof(t));
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		double v;
		if (!cJSON_IsObject(o) || !sample_value(o, &v))
			continue;
		const char *m = field(o, "measurand", DEFAULT_MEASURAND);
		const char *unit = field(o, "unit", strncmp(m, "Energy", 6) == 0 ? "Wh" : "");
		struct series *s = series_for(set, m, field(o, "phase", ""), field(o, "location", ""), unit);
		if (!s)
			continue;
		cJSON *pt = cJSON_CreateArray();
		cJSON_AddItemToArray(pt, cJSON_CreateString(t));
		cJSON_AddItemToArray(pt, cJSON_CreateNumber(v));
		cJSON_AddItemToArray(s->points, pt);
		kept++;
	}
	cJSON_Delete(arr);
	return kept;
}

cJSON *csms_meter_set_json(const struct csms_meter_set *set)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < set->n; i++) {
		const struct series *s = &set->s[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "measurand", s->measurand);
		if (*s->phase)
			cJSON_AddStringToObject(o, "phase", s->phase);
		else
			cJSON_AddNullToObject(o, "phase");
		if (*s->location)
			cJSON_AddStringToObject(o, "location", s->location);
		else
			cJSON_AddNullToObject(o, "location");
		cJSON_AddStringToObject(o, "unit", s->unit);
		cJSON_AddItemToObject(o, "points", cJSON_Duplicate(s->points, 1));
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* ---- the reading rule: one place for what a MeterValue's reading of a measurand is (the energy register
 * above all: billed, shown live, summed in exports). Both the stored JSON and a decoded request go
 * through rule_take():
 *  - only format Raw (the default); the value a finite number, the whole string;
 *  - the unit the measurand's own (Wh for Energy.*, W for Power.*; absent = that) or its k-multiple (x 1000);
 *    any other unit is not a reading of it (an "Energy.Active.Import.Register" in varh is skipped);
 *  - of several samples, the one without phase (the meter's total) wins, else the first phase's. ---- */

/* 1 or 1000 for a unit of measurand m (absent: 1), 0 when it is not a unit of m. */
static double unit_factor(const char *m, const char *unit)
{
	const char *base = strncmp(m, "Energy", 6) == 0 ? "Wh" : strncmp(m, "Power", 5) == 0 ? "W" : NULL;
	if (!unit || !unit[0])
		return 1.0;
	if (!base)
		return unit[0] == 'k' ? 1000.0 : 1.0;
	if (strcmp(unit, base) == 0)
		return 1.0;
	if (unit[0] == 'k' && strcmp(unit + 1, base) == 0)
		return 1000.0;
	return 0.0;
}

/* Applies one sample of measurand m to a search (found, out). Returns true when the search is decided (a
 * reading without phase was taken). */
static bool rule_take(const char *m, const char *value, const char *unit, const char *format, bool has_phase,
                      bool *found, double *out)
{
	char *end;
	if (!value || !*value || (format && strcmp(format, "Raw") != 0))
		return false;
	double v = strtod(value, &end), factor = unit_factor(m, unit);
	if (*end || !isfinite(v) || factor == 0.0)
		return false;
	if (!*found || !has_phase)
		*out = v * factor;
	*found = true;
	return !has_phase;
}

void csms_meter_energy_add(struct csms_meter_energy *e, const char *value, const char *measurand, const char *unit,
                           const char *format, bool has_phase)
{
	if (e->done || (measurand && strcmp(measurand, DEFAULT_MEASURAND) != 0))
		return;
	e->done = rule_take(DEFAULT_MEASURAND, value, unit, format, has_phase, &e->found, &e->wh);
}

int64_t csms_meter_round_wh(double wh)
{
	return (int64_t)(wh >= 0 ? wh + 0.5 : wh - 0.5);
}

/* The value of measurand m in Wh or W (k-prefixed units converted): the reading without phase if there is
 * one, else the first. */
static bool reading(const cJSON *arr, const char *m, double *out)
{
	bool found = false;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		if (!cJSON_IsObject(o) || strcmp(field(o, "measurand", DEFAULT_MEASURAND), m) != 0)
			continue;
		if (rule_take(m, field(o, "value", NULL), field(o, "unit", ""), field(o, "format", "Raw"),
		              field(o, "phase", NULL) != NULL, &found, out))
			break;
	}
	return found;
}

/* ---- the fast path: the csms writes sampledValue arrays itself (csms_handlers.c write_samples) in one shape,
 * [{"value":"V","context":"C",...,"unit":"U"}, ...] with enum names as the other values. Exports read millions
 * of them, so that shape is scanned without building a tree; anything else goes to cJSON. ---- */

/* A JSON string at *p (after its opening quote) up to its closing quote, copied into out; *p moves past the
 * quote. -1 when unterminated, longer than out or with an escape (the slow path decodes those). */
static int scan_string(const char **p, char *out, size_t outlen)
{
	size_t n = 0;
	const char *s = *p;
	for (; *s && *s != '"'; s++) {
		if (*s == '\\' || n + 1 >= outlen)
			return -1;
		out[n++] = *s;
	}
	if (*s != '"')
		return -1;
	out[n] = '\0';
	*p = s + 1;
	return 0;
}

static bool skip(const char **p, const char *lit)
{
	size_t n = strlen(lit);
	if (strncmp(*p, lit, n) != 0)
		return false;
	*p += n;
	return true;
}

/* The readings of n measurands m[i] in one pass: found[i], out[i]. 0, or -1 when the text is not the csms's
 * shape (use cJSON). */
static int reading_fast(const char *s, const char *const *m, int n, bool *found, double *out)
{
	bool done[2] = {false, false}; /* a reading without phase was taken; the rest is only checked */
	for (int i = 0; i < n; i++)
		found[i] = false;
	if (!skip(&s, "["))
		return -1;
	if (skip(&s, "]"))
		return *s ? -1 : 0;
	for (;;) {
		char value[64], key[16], val[48], unit[48] = "";
		const char *measurand = DEFAULT_MEASURAND;
		char measurand_buf[48];
		bool raw = true, has_phase = false;
		unsigned seen = 0;
		if (!skip(&s, "{\"value\":\"") || scan_string(&s, value, sizeof(value)) < 0)
			return -1;
		while (skip(&s, ",\"")) {
			if (scan_string(&s, key, sizeof(key)) < 0 || !skip(&s, ":\"") ||
			    scan_string(&s, val, sizeof(val)) < 0)
				return -1;
			unsigned bit = 0;
			switch (key[0]) {
			case 'm':
				if (strcmp(key, "measurand") == 0) {
					bit = 1;
					memcpy(measurand_buf, val, sizeof(val));
					measurand = measurand_buf;
				}
				break;
			case 'u':
				if (strcmp(key, "unit") == 0) {
					bit = 2;
					memcpy(unit, val, sizeof(val));
				}
				break;
			case 'p':
				if (strcmp(key, "phase") == 0) {
					bit = 4;
					has_phase = true;
				}
				break;
			case 'f':
				if (strcmp(key, "format") == 0) {
					bit = 8;
					raw = strcmp(val, "Raw") == 0;
				}
				break;
			case 'v':
				if (strcmp(key, "value") == 0)
					return -1;
				break;
			}
			if (seen & bit)
				return -1; /* a duplicate: cJSON would take the first */
			seen |= bit;
		}
		if (!skip(&s, "}"))
			return -1;
		for (int i = 0; i < n; i++) {
			if (done[i] || strcmp(measurand, m[i]) != 0)
				continue;
			done[i] = rule_take(m[i], value, unit, raw ? "Raw" : "other", has_phase, &found[i], &out[i]);
		}
		if (skip(&s, "]"))
			return *s ? -1 : 0;
		if (!skip(&s, ","))
			return -1;
	}
}

/* reading() of n (1..2) measurands on text: the fast path when it applies. */
static void reading_text(const char *sampled, const char *const *m, int n, bool *found, double *out)
{
	if (reading_fast(sampled, m, n, found, out) == 0)
		return;
	cJSON *arr = cJSON_Parse(sampled);
	for (int i = 0; i < n; i++)
		found[i] = cJSON_IsArray(arr) && reading(arr, m[i], &out[i]);
	cJSON_Delete(arr);
}

bool csms_meter_energy_wh(const char *sampled, double *wh)
{
	static const char *const m[] = {DEFAULT_MEASURAND};
	bool found;
	reading_text(sampled, m, 1, &found, wh);
	return found;
}

bool csms_meter__energy_slow(const char *sampled, double *wh)
{
	cJSON *arr = cJSON_Parse(sampled);
	bool ok = cJSON_IsArray(arr) && reading(arr, DEFAULT_MEASURAND, wh);
	cJSON_Delete(arr);
	return ok;
}

bool csms_meter_current_a(const char *sampled, double *amps)
{
	cJSON *arr = cJSON_Parse(sampled);
	const cJSON *o;
	bool found = false;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(arr);
		return false;
	}
	cJSON_ArrayForEach(o, arr)
	{
		double v;
		const char *phase = field(o, "phase", ""), *unit = field(o, "unit", "A");
		if (!cJSON_IsObject(o) || strcmp(field(o, "measurand", DEFAULT_MEASURAND), "Current.Import") != 0 ||
		    strcmp(unit, "A") != 0 || strcmp(phase, "N") == 0 || !sample_value(o, &v))
			continue;
		if (!found || v > *amps)
			*amps = v;
		found = true;
	}
	cJSON_Delete(arr);
	return found;
}

void csms_meter_charge_add(struct csms_meter_charge *c, int64_t ts, const char *sampled)
{
	static const char *const m[] = {DEFAULT_MEASURAND, "Power.Active.Import"};
	bool found[2];
	double v[2] = {0, 0};
	reading_text(sampled, m, 2, found, v);
	double e = v[0], p = v[1];
	bool has_e = found[0], has_p = found[1];
	if (c->has_prev && ts > c->prev_ts) {
		bool charging = has_p ? p > 0 : (has_e && c->prev_has_energy && e > c->prev_energy);
		if (charging)
			c->charge_ms += ts - c->prev_ts;
	}
	if (!c->has_prev || ts >= c->prev_ts) {
		c->prev_ts = ts;
		c->has_prev = true;
		if (has_e) {
			c->prev_energy = e;
			c->prev_has_energy = true;
		}
	}
}

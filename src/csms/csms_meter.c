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

/* The value of measurand m in Wh or W (k-prefixed units converted): the reading without phase if there is
 * one, else the first. */
static bool reading(const cJSON *arr, const char *m, double *out)
{
	bool found = false;
	const cJSON *o;
	cJSON_ArrayForEach(o, arr)
	{
		double v;
		if (!cJSON_IsObject(o) || strcmp(field(o, "measurand", DEFAULT_MEASURAND), m) != 0 ||
		    !sample_value(o, &v))
			continue;
		const char *unit = field(o, "unit", "");
		if (unit[0] == 'k')
			v *= 1000.0;
		bool no_phase = field(o, "phase", NULL) == NULL;
		if (!found || no_phase)
			*out = v;
		found = true;
		if (no_phase)
			break;
	}
	return found;
}

bool csms_meter_energy_wh(const char *sampled, double *wh)
{
	cJSON *arr = cJSON_Parse(sampled);
	bool ok = cJSON_IsArray(arr) && reading(arr, DEFAULT_MEASURAND, wh);
	cJSON_Delete(arr);
	return ok;
}

void csms_meter_charge_add(struct csms_meter_charge *c, int64_t ts, const char *sampled)
{
	cJSON *arr = cJSON_Parse(sampled);
	double e = 0, p = 0;
	bool has_e = false, has_p = false;
	if (cJSON_IsArray(arr)) {
		has_e = reading(arr, DEFAULT_MEASURAND, &e);
		has_p = reading(arr, "Power.Active.Import", &p);
	}
	cJSON_Delete(arr);
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
